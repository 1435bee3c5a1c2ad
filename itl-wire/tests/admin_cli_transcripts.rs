//! Every admin-CLI parser against the transcripts of the documents (`tests/transcripts/`,
//! see its README for which are verbatim and which assembled), with reject cases.

use itl_core::cucm::ServiceStatus;
use itl_wire::admin_cli::parse::backup::{self, BackupResult};
use itl_wire::admin_cli::parse::cert_list::{self, CertListFormat};
use itl_wire::admin_cli::parse::outcome;
use itl_wire::admin_cli::parse::replication;
use itl_wire::admin_cli::parse::service::{self, RestartOutcome};
use itl_wire::admin_cli::parse::sql;
use itl_wire::admin_cli::parse::system;
use itl_wire::admin_cli::parse::trust_list::{self, ListWord, ShowTrustList, Verification};

fn transcript(name: &str) -> String {
    let path = format!("{}/tests/transcripts/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("{path}: {e}"),
    }
}

#[test]
fn replication_runtimestate_of_6_3() {
    let r = replication::parse(&transcript("replication_runtimestate.txt")).expect("parses");
    assert_eq!(r.reporting_node, "cucm-55");
    assert_eq!(r.server_count, 2);
    assert_eq!(r.rows.len(), 2);
    let first = &r.rows[0];
    assert_eq!(first.server, "cucm-57");
    assert_eq!(first.ip, "10.77.32.57");
    assert_eq!(first.ping_ms, Some(0.163));
    assert!(first.db && first.rpc && first.dbmon);
    assert_eq!(first.queue, Some(0));
    assert_eq!(first.group, "(g_3)");
    assert_eq!(first.state, 2);
    assert_eq!(first.state_text, "Setup Completed");
    assert_eq!(r.rows[1].server, "cucm-55");
    assert_eq!(r.rows[1].group, "(g_2)");
    assert_eq!(r.summary, None);
    assert!(r.healthy());
}

#[test]
fn replication_with_preamble_summary_and_a_bad_row() {
    let text = format!(
        "admin:utils dbreplication runtimestate\n\nServer Time: Mon Jan  6 10:00:00 UTC 2025\n\
         DB and Replication Services: ALL RUNNING\n\n{}\n  No Errors or Mismatches found.\n\nadmin:",
        transcript("replication_runtimestate.txt")
            .replace(
                "0        (g_2)          (2) Setup Completed",
                "12       (g_2)          (3) Out Of Sync"
            )
            .replace("Y/Y/Y     0        (g_3)", "Y/N/Y     0        (g_3)")
    );
    let r = replication::parse(&text).expect("parses");
    assert_eq!(r.summary.as_deref(), Some("No Errors or Mismatches found."));
    assert!(!r.rows[0].rpc);
    assert_eq!(r.rows[1].queue, Some(12));
    assert_eq!(
        (r.rows[1].state, r.rows[1].state_text.as_str()),
        (3, "Out Of Sync")
    );
    assert!(!r.healthy());
}

#[test]
fn replication_rejects() {
    let e = replication::parse("admin:utils dbreplication runtimestate\nadmin:")
        .expect_err("no anchor");
    assert_eq!(e.line, 0);
    let e = replication::parse("Cluster Detailed View from x (two Servers):\n---\n")
        .expect_err("bad count");
    assert_eq!(e.line, 1);
    let bad_flags = transcript("replication_runtimestate.txt")
        .replace("Y/Y/Y     0        (g_3)", "Y/Y       0        (g_3)");
    let e = replication::parse(&bad_flags).expect_err("two flags");
    assert_eq!(e.line, 6);
    assert!(e.to_string().contains("cucm-57"), "{e}");
    let e = replication::parse("Cluster Detailed View from a (1 Servers):\n----\nwhat is this\n")
        .expect_err("not a row");
    assert_eq!((e.line, e.text.as_str()), (3, "what is this"));
}

#[test]
fn drs_history_of_6_4() {
    let h = backup::parse(&transcript("drs_history_backup.txt")).expect("parses");
    assert_eq!(h.rows.len(), 2);
    let first = &h.rows[0];
    assert_eq!(first.tar.as_deref(), Some("2009-10-30-14-53-32.tar"));
    let started = first.started.as_ref().expect("start from the name");
    assert_eq!(
        (
            started.year,
            started.month,
            started.day,
            started.hour,
            started.minute,
            started.second
        ),
        (2009, 10, 30, 14, 53, 32)
    );
    assert_eq!(first.device, "TAPE");
    assert_eq!(
        first.completed.as_ref().map(|d| d.zone.as_str()),
        Some("CDT")
    );
    assert_eq!(first.result, BackupResult::Error);
    assert_eq!(first.kind, "MANUAL");
    assert!(first.features.is_empty());
    let second = &h.rows[1];
    assert_eq!(second.result, BackupResult::Success);
    assert_eq!(second.features, vec!["CDR_CAR", "CCM"]);
    assert_eq!(
        h.newest().and_then(|r| r.tar.as_deref()),
        Some("2009-12-10-10-30-17.tar")
    );
}

#[test]
fn drs_history_tolerates_spaces_devices_and_not_created_rows() {
    let text = "Tar Filename: Backup Device: Completed On: Result: Backup Type: Features Backed Up:\n\n\
        2024-05-01-02-00-00.tar   NET DEVICE 1   Wed May 01 02:10:00 UTC 2024  SUCCESS  SCHEDULED  UCM, CDR_CAR\n\
        TAR file not created  NET DEVICE 1 Thu May 02 02:00:05 UTC 2024 ERROR SCHEDULED\n\
        TAR file not created\n";
    let h = backup::parse(text).expect("parses");
    assert_eq!(h.rows.len(), 3);
    assert_eq!(h.rows[0].device, "NET DEVICE 1");
    assert_eq!(h.rows[0].features, vec!["UCM", "CDR_CAR"]);
    assert_eq!(h.rows[1].tar, None);
    assert_eq!(h.rows[1].result, BackupResult::Error);
    assert_eq!(h.rows[1].device, "NET DEVICE 1");
    assert_eq!(h.rows[2].completed, None);
    assert_eq!(h.rows[2].result, BackupResult::Error);
    assert_eq!(h.newest().map(|r| r.tar.is_none()), Some(true));
}

#[test]
fn drs_history_rejects() {
    let e = backup::parse("drfCliMsg: something else\n").expect_err("no heading");
    assert_eq!(e.line, 1);
    let e = backup::parse("Tar Filename: Backup Device:\nfoo bar baz\n").expect_err("row");
    assert_eq!((e.line, e.text.as_str()), (2, "foo bar baz"));
    let e = backup::parse("Tar Filename:\n2009-10-30-14-53-32.tar TAPE yesterday ERROR\n")
        .expect_err("no date");
    assert!(e.reason.contains("date"), "{e}");
    assert_eq!(backup::parse("").map(|h| h.rows.len()).ok(), None);
}

#[test]
fn service_list_of_6_2() {
    let l = service::parse_list(&transcript("service_list.txt")).expect("parses");
    assert_eq!(l.return_code, Some(0));
    assert_eq!(l.services.len(), 5);
    assert_eq!(l.services[0].name, "Cisco Tftp");
    assert_eq!(l.services[0].status, ServiceStatus::Started);
    assert_eq!(l.services[0].reason, None);
    assert_eq!(l.services[0].service(), Some(itl_core::cucm::Service::Tftp));
    assert_eq!(l.services[1].status, ServiceStatus::NotActivated);
    assert_eq!(l.services[1].status_text, "STOPPED");
    assert_eq!(
        l.services[1].reason.as_deref(),
        Some("Service Not Activated")
    );
    assert_eq!(l.services[2].status, ServiceStatus::CommandedOutOfService);
    assert_eq!(
        l.services[2].reason.as_deref(),
        Some("Commanded Out of Service")
    );
    let ccn = l
        .get("cisco certificate change notification")
        .expect("by name");
    assert_eq!(ccn.status, ServiceStatus::Stopped);
    assert_eq!(ccn.reason.as_deref(), Some("Component is not running"));
    assert_eq!(
        l.other,
        vec![
            "Requesting service status, please wait...",
            "Service Manager is running",
            "Getting list of all services"
        ]
    );
}

#[test]
fn service_list_rejects() {
    assert_eq!(
        service::parse_list("Service Manager is running\n")
            .expect_err("none")
            .line,
        0
    );
    let e = service::parse_list("Cisco Tftp[STARTED]\n[STOPPED] nameless\n").expect_err("nameless");
    assert_eq!(e.line, 2);
    let e = service::parse_list(">> Return code = x\nCisco Tftp[STARTED]").expect_err("code");
    assert_eq!(e.line, 1);
}

#[test]
fn service_restart_that_stops_again_fails_and_stop_start_states() {
    // Inferred shape (the simulator's `restart-fails`): the documented stream, then STOPPED.
    let e = service::parse_restart(&transcript("service_restart_failed.txt"), "Cisco Tftp")
        .expect_err("stopped after starting");
    assert_eq!(e.text, "Cisco Tftp[ STOPPED ]  Component is not running");
    assert_eq!(e.line, 6);
    // Twin: the documented initiated stream (no STOPPED) is still Initiated.
    assert_eq!(
        service::parse_restart(&transcript("service_restart_initiated.txt"), "Cisco Tftp"),
        Ok(RestartOutcome::Initiated)
    );
    for (file, name, want) in [
        (
            "service_stop.txt",
            "Cisco Certificate Change Notification",
            ServiceStatus::CommandedOutOfService,
        ),
        (
            "service_restart_started.txt",
            "Cisco Tftp",
            ServiceStatus::Started,
        ),
        (
            "service_restart_failed.txt",
            "Cisco Tftp",
            ServiceStatus::Stopped,
        ),
    ] {
        assert_eq!(
            service::parse_service_state(&transcript(file), name),
            Ok(want),
            "{file}: {name}"
        );
    }
    assert!(service::parse_service_state(&transcript("service_stop.txt"), "Cisco Tftp").is_err());
}

#[test]
fn service_restart_started_or_initiated() {
    for (file, name, want) in [
        (
            "service_restart_started.txt",
            "Cisco Tftp",
            RestartOutcome::Started,
        ),
        (
            "service_restart_initiated.txt",
            "cisco  tftp",
            RestartOutcome::Initiated,
        ),
    ] {
        assert_eq!(
            service::parse_restart(&transcript(file), name),
            Ok(want),
            "{file}: {name}"
        );
    }
    let e = service::parse_restart(&transcript("service_restart_started.txt"), "Cisco Tomcat")
        .expect_err("other service");
    assert_eq!(e.text, "Cisco Tftp[STARTED]");
    assert_eq!(
        service::parse_restart("", "Cisco Tftp")
            .expect_err("empty")
            .line,
        0
    );
}

#[test]
fn cert_list_in_both_formats() {
    let l = cert_list::parse(&transcript("cert_list_own_15.txt")).expect("15 lines");
    assert_eq!(l.format, CertListFormat::Lines);
    assert_eq!(l.entries.len(), 6);
    assert_eq!(l.entries[0].unit, "tomcat");
    assert_eq!(l.entries[0].file, "tomcat.pem");
    assert_eq!(
        l.entries[0].description.as_deref(),
        Some("Self-signed certificate generated by system")
    );
    assert_eq!(
        l.unit("itlrecovery").map(|e| e.file.as_str()),
        Some("ITLRecovery.pem")
    );

    // (inferred) block format.
    let b = cert_list::parse(&transcript("cert_list_own_blocks.txt")).expect("blocks");
    assert_eq!(b.format, CertListFormat::Blocks);
    assert_eq!(b.entries.len(), 2);
    let cm = b.unit("CallManager").expect("CallManager");
    assert_eq!(cm.file, "CallManager.pem");
    assert_eq!(cm.kind.as_deref(), Some("own"));
    assert_eq!(
        cm.issuer.as_deref(),
        Some("CN=ucm-pub.example.com,OU=UC,O=Example,L=Durham,ST=NC,C=US")
    );
    assert_eq!(
        cm.expires_date.as_ref().map(|d| (d.year, d.month, d.day)),
        Some((2027, 1, 6))
    );

    let e = cert_list::parse("tomcat/tomcat.pem: ok\nno path here\n").expect_err("line");
    assert_eq!(e.line, 2);
    let e = cert_list::parse("Type: own\nUnit: tomcat\n").expect_err("block start");
    assert_eq!(e.line, 1);
    assert_eq!(
        cert_list::parse("admin:show cert list trust\nadmin:").map(|l| l.entries.len()),
        Ok(0)
    );
}

#[test]
fn regen_outcomes_of_6_2() {
    let r = outcome::parse_regen(&transcript("regen_itlrecovery.txt"), "ITLRecovery").expect("ok");
    assert_eq!(r.unit, "ITLRecovery");
    assert_eq!(r.restart_advice, None);
    let t = outcome::parse_regen(&transcript("regen_tomcat.txt"), "tomcat").expect("ok");
    assert_eq!(
        t.restart_advice.as_deref(),
        Some(
            "You must restart services related to tomcat for the regenerated certificates to become active."
        )
    );
    let e = outcome::parse_regen(&transcript("regen_tomcat.txt"), "CallManager")
        .expect_err("other unit");
    assert!(e.reason.contains("not CallManager"), "{e}");
    let failed = "admin:set cert regen TVS\nProceed with regeneration (yes|no)? yes\n\nError: regeneration failed\nadmin:";
    let e = outcome::parse_regen(failed, "TVS").expect_err("failed");
    assert_eq!((e.line, e.text.as_str()), (4, "Error: regeneration failed"));
}

#[test]
fn ctl_update_and_localkey_outcomes_of_6_2() {
    let c = outcome::parse_ctl_update(&transcript("ctl_update.txt")).expect("ok");
    assert!(
        c.restart_advice
            .as_deref()
            .is_some_and(|a| a.starts_with("Please Restart the TFTP"))
    );
    assert!(
        outcome::parse_ctl_update("Updating CTL file\nExecuted command unsuccessfully\n").is_err()
    );

    let i = outcome::parse_itl_reset(&transcript("itl_reset_localkey.txt")).expect("ok");
    assert_eq!(i.tftp_servers, Some(2));
    assert_eq!(
        i.transferred_to,
        vec!["cucm-1051-a-pub", "cucm-1051-a-sub1"]
    );
    assert!(i.complete());
    let partial = transcript("itl_reset_localkey.txt").replace(
        "Successfully transferred reset ITL to node cucm-1051-a-sub1\n",
        "",
    );
    assert!(!outcome::parse_itl_reset(&partial).expect("ok").complete());
    let e =
        outcome::parse_itl_reset("Generating the reset ITL file.....\n").expect_err("no success");
    assert_eq!(e.line, 1);

    assert!(outcome::parse_ctl_reset("The reset CTL file was generated successfully\n").is_ok());
    assert!(outcome::parse_ctl_reset("Generating the reset CTL file.....\n").is_err());
    assert!(outcome::parse_ipsec_restart("Successfully Restarted IPsec Service\n").is_ok());
    assert!(outcome::parse_ipsec_restart("").is_err());
    assert!(outcome::parse_pagination_off(
        "admin:set cli pagination off\nAutomatic pagination is turned off\nadmin:"
    ));
    assert!(!outcome::parse_pagination_off(
        "admin:set cli pagination off\nadmin:"
    ));
}

#[test]
fn run_sql_splits_by_the_underline() {
    let r = sql::parse(&transcript("sql_processconfig.txt")).expect("parses");
    assert_eq!(r.columns, vec!["paramname", "paramvalue"]);
    assert_eq!(
        r.rows,
        vec![
            vec!["ClusterSecurityMode".to_owned(), "1".to_owned()],
            vec!["RollBackToPreGrayback".to_owned(), "False".to_owned()]
        ]
    );
    assert_eq!(r.get(1, "PARAMVALUE"), Some("False"));
    // Values with spaces, a short row, an empty result.
    let spaced = "name          description\n============= ===========\nCisco Tftp    a long text with spaces\nx\n";
    let s = sql::parse(spaced).expect("parses");
    assert_eq!(s.rows[0], vec!["Cisco Tftp", "a long text with spaces"]);
    assert_eq!(s.rows[1], vec!["x", ""]);
    let empty = sql::parse("a b\n= =\n").expect("empty set");
    assert_eq!((empty.columns.len(), empty.rows.len()), (2, 0));
    let e = sql::parse("admin:run sql select x from y\nColumn (x) not found in any table in the query (or SLV is undefined).\nadmin:")
        .expect_err("error text");
    assert_eq!(e.line, 2);
    assert!(sql::parse("  \n").is_err());
}

#[test]
fn inferred_version_cluster_ntp_fips() {
    // (inferred) formats: see the parser's documentation.
    let v = system::parse_version(&transcript("show_version_active.txt")).expect("version");
    assert_eq!(
        (v.version.as_str(), v.major, v.minor),
        ("14.0.1.13900-155", 14, 0)
    );
    assert!(v.options.is_empty());
    assert!(system::parse_version("Active Master Version: unknown\n").is_err());
    assert!(system::parse_version("nothing\n").is_err());

    let c =
        system::parse_network_cluster(&transcript("show_network_cluster.txt")).expect("cluster");
    assert_eq!(c.nodes.len(), 2);
    assert_eq!(c.nodes[0].host, "ucm-pub");
    assert_eq!(c.nodes[0].role, "Publisher");
    assert!(c.nodes[1].authenticated);
    assert_eq!(c.nodes[1].ip.to_string(), "10.0.0.2");
    assert_eq!(c.processnode, vec!["ucm-pub.example.com", "10.0.0.2"]);
    let e = system::parse_network_cluster("ucm-pub Publisher\n").expect_err("no ip");
    assert_eq!(e.line, 1);

    let n = system::parse_ntp(&transcript("ntp_status.txt")).expect("ntp");
    assert!(n.running && n.synchronised);
    assert_eq!(n.server.as_deref(), Some("10.0.0.50"));
    assert_eq!(n.stratum, Some(2));
    assert_eq!(n.peers.len(), 2);
    assert_eq!(
        (
            n.peers[0].tally,
            n.peers[0].remote.as_str(),
            n.peers[0].stratum
        ),
        (Some('*'), "10.0.0.50", Some(1))
    );
    let unsync = system::parse_ntp(
        "ntpd (pid 1) is running...\nunsynchronised\n  time server re-starting\n",
    )
    .expect("ntp");
    assert!(unsync.running && !unsync.synchronised);
    assert!(system::parse_ntp("hello\n").is_err());

    let f = system::parse_fips(&transcript("fips_status.txt")).expect("fips");
    assert!(!f.enabled);
    assert!(
        system::parse_fips("The system is operating in FIPS mode.\n")
            .expect("on")
            .enabled
    );
    assert!(system::parse_fips("admin:utils fips status\nadmin:").is_err());
}

#[test]
fn show_ctl_of_11_2() {
    let ShowTrustList::Present(v) =
        trust_list::parse(&transcript("show_ctl_cucm1051.txt")).expect("parses")
    else {
        panic!("expected a file");
    };
    assert_eq!(v.kind, ListWord::Ctl);
    assert_eq!(v.md5.as_deref(), Some("1d97d9089dd558a062cccfcb1dc4c57f"));
    assert_eq!(
        v.sha1.as_deref(),
        Some("3b452f9ec9d6543df80e50f8b850cddc92fcf847")
    );
    assert_eq!(v.length, 4947);
    assert_eq!(v.modified.as_deref(), Some("Fri Mar 06 21:56:07 CET 2015"));
    assert_eq!(
        v.modified_date.as_ref().map(|d| (d.year, d.month, d.day)),
        Some((2015, 3, 6))
    );
    assert_eq!(v.version.as_deref(), Some("1.2"));
    assert_eq!(v.header_length, Some(336));
    assert_eq!(v.header.len(), 12);
    assert_eq!(v.header[1].label, "SIGNERNAME");
    assert_eq!(v.header[1].length, Some(62));
    assert_eq!(
        v.header[1].value,
        "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL"
    );
    assert_eq!(v.header[5].label, "DIGESTALGORTITHM");
    assert_eq!(v.header[5].value, "");
    assert_eq!(v.signature.len(), 128);
    assert_eq!(&v.signature[..3], &[0x65, 0xba, 0x26]);
    assert_eq!(
        &v.signature[124..],
        &[0xd8, 0x10, 0xcb, 0x5e, 0xc3, 0x1f, 0xef, 0x0a][4..]
    );
    assert_eq!(v.records.len(), 4);
    let sast = &v.records[0];
    assert_eq!(sast.number, 1);
    assert_eq!(sast.function(), Some("System Administrator Security Token"));
    assert_eq!(
        sast.serial(),
        Some("70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB")
    );
    assert_eq!(sast.dns_name(), Some("cucm-1051-a-pub"));
    assert_eq!(
        sast.certificate_sha1().as_deref(),
        Some("E9D433645BC88CED514D8FE5EA5B6D21A5A38C9C")
    );
    assert_eq!(sast.signed_the_file, Some(true));
    assert_eq!(v.records[1].signed_the_file, None);
    assert_eq!(v.records[2].function(), Some("CAPF"));
    assert_eq!(
        v.records[2].subject(),
        Some("CN=CAPF-e41e7d87;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL")
    );
    assert_eq!(v.records[3].function(), Some("CCM+TFTP"));
    assert_eq!(v.verification, Verification::Success);
}

#[test]
fn show_ctl_none_and_rejects() {
    let none = "admin:show ctl\nLength of CTL file: 0\nCTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file.\nError parsing the CTL File.\nadmin:";
    assert_eq!(
        trust_list::parse(none),
        Ok(ShowTrustList::None {
            kind: Some(ListWord::Ctl),
            reason: "Length of CTL file: 0".into()
        })
    );
    let e = trust_list::parse("The checksum value of the ITL file:\nbogus line here\n")
        .expect_err("bogus");
    assert_eq!((e.line, e.text.as_str()), (2, "bogus line here"));
    let e =
        trust_list::parse("The checksum value of the ITL file:\nabc(MD5)\n").expect_err("short");
    assert_eq!(e.line, 2);
    assert!(trust_list::parse("").is_err());
    let unverified = transcript("show_ctl_cucm1051.txt").replace(
        "The CTL file was verified successfully.",
        "The CTL file could not be verified.",
    );
    let ShowTrustList::Present(v) = trust_list::parse(&unverified).expect("parses") else {
        panic!("expected a file");
    };
    assert_eq!(
        v.verification,
        Verification::Failure("The CTL file could not be verified.".into())
    );
    let absent = transcript("show_ctl_cucm1051.txt")
        .replace("The CTL file was verified successfully.\n", "");
    let ShowTrustList::Present(v) = trust_list::parse(&absent).expect("parses") else {
        panic!("expected a file");
    };
    assert_eq!(v.verification, Verification::Absent);
}
