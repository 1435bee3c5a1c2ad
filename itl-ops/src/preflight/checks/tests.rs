//! The pure checks on hand-made facts, and on the documented transcripts
//! (`cucm-interfaces.md` §6.3, §6.4) through the shared parsers.

use itl_core::cucm::CertUnit;
use itl_wire::admin_cli::parse;
use itl_wire::admin_cli::parse::cert_own::OwnCertificate;
use itl_wire::soap::axl::Row;

use super::*;
use crate::preflight::facts::{NodeFacts, missing, observed};

/// §6.3, verbatim.
const REPLICATION: &str = "Cluster Detailed View from cucm-55 (2 Servers):

                                         PING      DB/RPC/   REPL.    Replication    REPLICATION SETUP
SERVER-NAME              IP ADDRESS        (msec)    DbMon?    QUEUE    Group ID       (RTMT) & Details
-----------              ----------        ------    -------   -----    -----------    ------------------
cucm-57                  10.77.32.57       0.163     Y/Y/Y     0        (g_3)          (2) Setup Completed
cucm-55                  10.77.32.55       0.016     Y/Y/Y     0        (g_2)          (2) Setup Completed
";

/// §6.4, verbatim.
const BACKUPS: &str = "admin: utils disaster_recovery history backup
Tar Filename: Backup Device: Completed On: Result: Backup Type: Features Backed Up:
2009-10-30-14-53-32.tar TAPE Fri Oct 30 14:55:31 CDT 2009 ERROR MANUAL
2009-12-10-10-30-17.tar TAPE Thu Dec 10 10:35:22 CST 2009 SUCCESS MANUAL CDR_CAR,CCM
";

/// 2009-12-12T00:00:00Z.
const DEC_12_2009: i64 = 1_260_576_000;

fn node(name: &str, publisher: bool) -> NodeFacts {
    macro_rules! skip {
        ($what:expr) => {
            missing(format!("ssh {name}: {}", $what), "not gathered", true)
        };
    }
    NodeFacts {
        name: name.into(),
        publisher,
        tftp: true,
        version: skip!("show version active"),
        services: skip!("soapGetServiceStatus"),
        ntp: skip!("utils ntp status"),
        fips: skip!("utils fips status"),
        show_itl: None,
        show_ctl: None,
        raw_outputs: Vec::new(),
        certs: skip!("show cert own"),
        served: None,
        version_inactive: skip!("show version inactive"),
        upgrade: skip!("utils system upgrade status"),
        sso: skip!("utils sso status"),
    }
}

/// Asserts a check's status and summary, showing the whole result when either differs.
#[track_caller]
fn assert_judged(r: &CheckResult, status: Status, summary: &str) {
    assert_eq!((r.status, r.summary.as_str()), (status, summary), "{r:?}");
}

fn rows(pairs: &[&[(&str, &str)]]) -> Vec<Row> {
    pairs
        .iter()
        .map(|r| r.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect())
        .collect()
}

/// An AXL SQL answer from `source`: one row of (column, value) pairs per slice, no evidence
/// lines.
fn axl(pairs: &[&[(&str, &str)]], source: &str) -> Fact<Vec<Row>> {
    observed(rows(pairs), source, Vec::new())
}

fn facts(nodes: usize) -> Facts {
    let names = ["cucm-55", "cucm-57", "cucm-59"];
    Facts {
        cluster: "lab".into(),
        now: DEC_12_2009,
        nodes: names
            .iter()
            .take(nodes)
            .enumerate()
            .map(|(i, n)| node(n, i == 0))
            .collect(),
        rollback: axl(
            &[&[("paramname", "RollBackToPreGrayback"), ("paramvalue", "F")]],
            "axl sql: rollback",
        ),
        security_mode: axl(
            &[&[("paramname", "ClusterSecurityMode"), ("paramvalue", "1")]],
            "axl sql: mode",
        ),
        cm_group_members: axl(
            &[
                &[("cmgroup", "G1"), ("cmgr", "cucm-55")],
                &[("cmgroup", "G1"), ("cmgr", "cucm-57")],
                &[("cmgroup", "G2"), ("cmgr", "cucm-57")],
            ],
            "axl sql: members",
        ),
        phones_per_pool: axl(
            &[
                &[("devicepool", "DP1"), ("cmgroup", "G1"), ("phones", "10")],
                &[("devicepool", "DP2"), ("cmgroup", "G2"), ("phones", "0")],
            ],
            "axl sql: pools",
        ),
        phone_lsc: axl(
            &[
                &[("name", "SEP000000000001"), ("tkcertificatestatus", "1")],
                &[("name", "SEP000000000002"), ("tkcertificatestatus", "1")],
            ],
            "axl sql: lsc",
        ),
        phone_interaction: axl(
            &[&[
                ("paramname", "PhoneInteractionOnCertificateUpdate"),
                ("paramvalue", "0"),
            ]],
            "axl sql: interaction",
        ),
        replication: observed(
            parse::replication::parse(REPLICATION).expect("§6.3 parses"),
            "ssh cucm-55: utils dbreplication runtimestate",
            Vec::new(),
        ),
        backups: observed(
            parse::backup::parse(BACKUPS).expect("§6.4 parses"),
            "ssh cucm-55: utils disaster_recovery history backup",
            Vec::new(),
        ),
        sweep: missing("sweep", "no sweep given or run", true),
        process_nodes: axl(
            &[
                &[("name", "EnterpriseWideData"), ("systemnode", "t")],
                &[
                    ("name", "cucm-55"),
                    ("systemnode", "f"),
                    ("role", "CUCM Voice/Video"),
                ],
            ],
            "axl sql: processnode",
        ),
        secure_trunks: axl(&[], "axl sql: trunks"),
    }
}

#[test]
fn the_documented_replication_passes_and_a_missing_server_fails() {
    assert_judged(
        &db_replication(&facts(2)),
        Status::Pass,
        "2 server(s), every one Y/Y/Y, (2) Setup Completed, queue 0",
    );
    let r = db_replication(&facts(3));
    assert_eq!(r.status, Status::Fail, "{r:?}");
    assert!(
        r.summary
            .contains("2 server(s) announced and 2 row(s) for 3 node(s)")
    );
    let mut f = facts(2);
    let text = REPLICATION.replace(
        "0.016     Y/Y/Y     0        (g_2)          (2) Setup Completed",
        "0.016     Y/N/Y     0        (g_2)          (3) Out Of Sync",
    );
    f.replication = observed(
        parse::replication::parse(&text).expect("parses"),
        "ssh",
        Vec::new(),
    );
    let r = db_replication(&f);
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary.contains("cucm-55: Y/N/Y (3) Out Of Sync"),
        "{r:?}"
    );
}

#[test]
fn the_documented_backup_history_passes_within_the_age_and_fails_beyond() {
    let f = facts(2);
    let t = Thresholds::default();
    assert_judged(
        &backups(&f, &t),
        Status::Pass,
        "newest backup 2009-12-10-10-30-17.tar SUCCESS, 1.6 days old",
    );
    let mut later = facts(2);
    later.now = DEC_12_2009 + 30 * 86_400;
    let r = backups(&later, &t);
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("31.6 days old (limit 7.0)"), "{r:?}");
    let mut failed = facts(2);
    failed.backups = observed(
        parse::backup::parse(&BACKUPS.replace("SUCCESS", "ERROR")).expect("parses"),
        "ssh",
        Vec::new(),
    );
    assert_eq!(backups(&failed, &t).status, Status::Fail);
}

#[test]
fn single_member_groups_used_by_phones_warn_and_one_node_fails() {
    let mut f = facts(2);
    assert_eq!(callmanager_groups(&f).status, Status::Pass);
    f.phones_per_pool = axl(
        &[&[("devicepool", "DP2"), ("cmgroup", "G2"), ("phones", "4")]],
        "axl sql: pools",
    );
    assert_judged(
        &callmanager_groups(&f),
        Status::Warn,
        "single-member groups: G2: only cucm-57; 4 phones in DP2",
    );
    assert_eq!(callmanager_groups(&facts(1)).status, Status::Fail);
}

#[test]
fn rollback_true_fails_false_passes_and_absent_warns() {
    let mut f = facts(2);
    assert_eq!(rollback_parameter(&f).status, Status::Pass);
    f.rollback = axl(
        &[&[("paramname", "RollBackToPreGrayback"), ("paramvalue", "T")]],
        "axl sql",
    );
    assert_eq!(rollback_parameter(&f).status, Status::Fail);
    f.rollback = axl(&[], "axl sql");
    assert_eq!(rollback_parameter(&f).status, Status::Warn);
}

#[test]
fn missing_facts_skip_or_fail_by_their_reason() {
    let mut f = facts(2);
    f.replication = missing(
        "ssh cucm-55: utils dbreplication runtimestate",
        "privilege insufficient",
        true,
    );
    assert_judged(
        &db_replication(&f),
        Status::Skipped,
        "not checked: privilege insufficient",
    );
    f.replication = missing(
        "ssh cucm-55: utils dbreplication runtimestate",
        "connection refused",
        false,
    );
    let r = db_replication(&f);
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.evidence[0].lines, vec!["connection refused".to_owned()]);
    // Per-node checks: every node skipped → skipped.
    assert_eq!(fips(&f).status, Status::Skipped);
    assert_eq!(
        phone_trust(&f, &Thresholds::default()).status,
        Status::Skipped
    );
}

#[test]
fn mixed_mode_without_a_ctl_fails_show_ctl() {
    let mut f = facts(2);
    let none = parse::trust_list::parse(
        "Length of CTL file: 0\nCTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file.\nError parsing the CTL File.\n",
    )
    .expect("§11.1 parses");
    for n in &mut f.nodes {
        n.show_ctl = Some(observed(none.clone(), "ssh: show ctl", Vec::new()));
    }
    assert_eq!(show_ctl(&f).status, Status::Fail);
    f.security_mode = axl(
        &[&[("paramname", "ClusterSecurityMode"), ("paramvalue", "0")]],
        "axl sql",
    );
    assert_eq!(show_ctl(&f).status, Status::Pass);
}

#[test]
fn worst_orders_fail_warn_skipped_info_pass() {
    assert_eq!(worst([Status::Pass, Status::Info]), Status::Info);
    assert_eq!(worst([Status::Skipped, Status::Info]), Status::Skipped);
    assert_eq!(worst([Status::Warn, Status::Skipped]), Status::Warn);
    assert_eq!(
        worst([Status::Warn, Status::Fail, Status::Pass]),
        Status::Fail
    );
    assert_eq!(worst([]), Status::Pass);
}

#[test]
fn services_need_tftp_on_tftp_nodes_and_tvs_on_group_members() {
    use itl_core::cucm::{Service, ServiceStatus};
    use itl_wire::soap::control_center::ServiceInfo;
    // A node's Control Center answer: TVS and DRF Local as given, the others started.
    let list = |tvs: ServiceStatus, other: ServiceStatus| {
        observed(
            vec![
                ServiceInfo::new(Service::Tftp.control_center_name(), ServiceStatus::Started),
                ServiceInfo::new(Service::Tvs.control_center_name(), tvs),
                ServiceInfo::new(
                    Service::CallManager.control_center_name(),
                    ServiceStatus::Started,
                ),
                ServiceInfo::new(
                    Service::Tomcat.control_center_name(),
                    ServiceStatus::Started,
                ),
                ServiceInfo::new(Service::Capf.control_center_name(), ServiceStatus::Started),
                ServiceInfo::new(Service::DrfLocal.control_center_name(), other),
            ],
            "control center",
            Vec::new(),
        )
    };
    let mut f = facts(2);
    for n in &mut f.nodes {
        n.services = list(ServiceStatus::Started, ServiceStatus::NotActivated);
    }
    assert_eq!(services(&f).status, Status::Pass);
    // TVS stopped on a group member: fail, naming it.
    f.nodes[1].services = list(ServiceStatus::Stopped, ServiceStatus::Started);
    assert_judged(
        &services(&f),
        Status::Fail,
        "cucm-57: Cisco Trust Verification Service Stopped",
    );
    // Another activated service stopped: warn.
    f.nodes[1].services = list(ServiceStatus::Started, ServiceStatus::Stopped);
    assert_judged(
        &services(&f),
        Status::Warn,
        "cucm-57: Cisco DRF Local Stopped",
    );
    // CallManagers named `CM_<node>` (CUCM's default) are those nodes: TVS stopped on a
    // member still fails; on a node no group names, it only warns.
    f.nodes[1].services = list(ServiceStatus::Stopped, ServiceStatus::Started);
    for (members, status) in [
        (["CM_cucm-55", "CM_CUCM-57"], Status::Fail),
        (["CM_cucm-55", "CM_cucm-99"], Status::Warn),
    ] {
        f.cm_group_members = axl(
            &[
                &[("cmgroup", "G1"), ("cmgr", members[0])],
                &[("cmgroup", "G1"), ("cmgr", members[1])],
            ],
            "axl sql: members",
        );
        assert_eq!(services(&f).status, status, "{members:?}");
    }
}

fn own(subject: &str, issuer: &str, der: u8, key: u8, dns: &[&str]) -> OwnCertificate {
    OwnCertificate {
        der: vec![der; 8],
        serial: "01".into(),
        subject: subject.into(),
        issuer: issuer.into(),
        not_before: 0,
        not_after: DEC_12_2009 + 365 * 86_400,
        key_bits: 2048,
        public_key_sha256: [key; 32],
        dns_names: dns.iter().map(|d| (*d).to_owned()).collect(),
    }
}

fn with_certs(f: &mut Facts, node: usize, certs: Vec<(CertUnit, OwnCertificate)>) {
    let name = f.nodes[node].name.clone();
    f.nodes[node].certs = observed(certs, format!("ssh {name}: show cert own"), Vec::new());
}

#[test]
fn ca_signed_and_multi_server_certificates_warn_self_signed_pass() {
    let mut f = facts(2);
    let cm = "CN=cucm-55.lab, OU=UC";
    with_certs(
        &mut f,
        0,
        vec![(CertUnit::CallManager, own(cm, cm, 1, 1, &["cucm-55.lab"]))],
    );
    with_certs(
        &mut f,
        1,
        vec![(
            CertUnit::Tomcat,
            own("CN=cucm-57.lab", "CN=cucm-57.lab", 2, 2, &["cucm-57.lab"]),
        )],
    );
    assert_judged(
        &ca_signed(&f),
        Status::Pass,
        "2 certificate(s), all self-signed and single-server",
    );

    with_certs(
        &mut f,
        1,
        vec![(
            CertUnit::Tomcat,
            own("CN=cucm-57.lab", "CN=Corp CA", 2, 2, &["cucm-57.lab"]),
        )],
    );
    assert_judged(
        &ca_signed(&f),
        Status::Warn,
        "cucm-57: tomcat CA-signed by CN=Corp CA",
    );

    with_certs(
        &mut f,
        0,
        vec![(
            CertUnit::CallManager,
            own(cm, cm, 1, 1, &["cucm-55.lab", "CUCM-57.lab", "cucm-55"]),
        )],
    );
    let c = ca_signed(&f);
    assert_eq!(c.status, Status::Warn);
    assert!(
        c.summary
            .starts_with("cucm-55: CallManager multi-server (cucm-55, cucm-57); "),
        "{c:?}"
    );
}

#[test]
fn a_shared_certificate_or_key_warns_distinct_ones_pass() {
    let mut f = facts(2);
    let a = "CN=a";
    with_certs(
        &mut f,
        0,
        vec![
            (CertUnit::CallManager, own(a, a, 1, 1, &[])),
            (CertUnit::Tomcat, own(a, a, 2, 2, &[])),
        ],
    );
    with_certs(&mut f, 1, vec![(CertUnit::Tomcat, own(a, a, 3, 3, &[]))]);
    assert_judged(
        &cert_reuse(&f),
        Status::Pass,
        "3 certificate(s), each with its own key",
    );

    with_certs(&mut f, 1, vec![(CertUnit::Tomcat, own(a, a, 2, 2, &[]))]);
    assert_judged(
        &cert_reuse(&f),
        Status::Warn,
        "tomcat@cucm-55 and tomcat@cucm-57 share the same certificate",
    );

    with_certs(&mut f, 1, vec![(CertUnit::Tomcat, own(a, a, 4, 1, &[]))]);
    assert_judged(
        &cert_reuse(&f),
        Status::Warn,
        "CallManager@cucm-55 and tomcat@cucm-57 share the same key",
    );
}

#[test]
fn phones_with_an_lsc_are_info_none_pass() {
    let mut f = facts(1);
    assert_judged(&lsc(&f), Status::Pass, "none of 2 phones holds an LSC");
    f.phone_lsc = axl(
        &[
            &[("name", "SEP000000000001"), ("tkcertificatestatus", "3")],
            &[
                ("name", "SEP000000000002"),
                ("tkcertificatestatus", "Upgrade Success"),
            ],
            &[
                ("name", "SEP000000000003"),
                ("tkcertificatestatus", "Upgrade Failed: Invalid LSC"),
            ],
        ],
        "axl sql: lsc",
    );
    let c = lsc(&f);
    assert_judged(&c, Status::Info, "2 of 3 phones hold an LSC");
    assert_eq!(
        c.evidence[1].lines,
        vec!["SEP000000000001".to_owned(), "SEP000000000002".to_owned()]
    );
    assert!(c.action.contains("reissue lsc"), "{c:?}");
    f.phone_lsc = missing("axl sql: lsc", "refused", false);
    assert_eq!(lsc(&f).status, Status::Fail);
}

#[test]
fn phone_interaction_is_info_on_14_warns_when_absent_and_skips_before_14() {
    let mut f = facts(1);
    let version = |v: &str, major: u32| {
        observed(
            parse::system::VersionInfo {
                version: v.into(),
                major,
                minor: 0,
                options: Vec::new(),
            },
            "ssh cucm-55: show version active",
            Vec::new(),
        )
    };
    // Release unknown: the row decides.
    let c = phone_interaction(&f);
    assert_eq!(c.status, Status::Info);
    assert!(c.summary.starts_with("automatic: phones reset"), "{c:?}");
    f.nodes[0].version = version("14.0.1.13900-155", 14);
    f.phone_interaction = axl(&[&[("paramvalue", "1")]], "axl sql: i");
    assert_judged(
        &phone_interaction(&f),
        Status::Info,
        "manual: the procedure resets the phones",
    );
    f.phone_interaction = axl(&[], "axl sql: i");
    assert_eq!(phone_interaction(&f).status, Status::Warn);
    f.phone_interaction = axl(&[&[("paramvalue", "7")]], "axl sql: i");
    assert_eq!(phone_interaction(&f).status, Status::Warn);
    f.nodes[0].version = version("12.5.1.17900-64", 12);
    let c = phone_interaction(&f);
    assert_eq!(c.status, Status::Skipped);
    assert!(
        c.summary.contains("from release 14 on (this is 12)"),
        "{c:?}"
    );
}

/// A sweep of phones (name, model), every one `ok`.
fn sweep_of(phones: &[(&str, &str)]) -> Fact<itl_cucm::sweep::SweepReport> {
    let phones: Vec<serde_json::Value> = phones
        .iter()
        .map(|(name, model)| {
            serde_json::json!({"name": name, "address": null, "model": model,
                "device_pool": null, "tftp_server": null, "state": "ok", "evidence": {}})
        })
        .collect();
    let report = serde_json::json!({
        "schema": 2, "tool": "itl", "started": "2026-12-04T00:00:00Z",
        "finished": "2026-12-04T00:00:01Z", "complete": true,
        "cluster": {"name": "c", "source": "cluster-file", "security_mode": null},
        "references": [], "summary": {"total": 0, "ok": 0, "problems": 0, "unread": 0,
        "by_state": {}}, "phones": phones, "warnings": []
    });
    let report = itl_cucm::sweep::SweepReport::from_json(report.to_string().as_bytes(), "sweep")
        .expect("a report");
    observed(report, "sweep: report.json", Vec::new())
}

#[test]
fn phone_classes_inform_on_7940_and_pages_without_trust_and_pass_otherwise() {
    let t = Thresholds::default();
    let mut f = facts(2);
    f.sweep = sweep_of(&[
        ("SEP000000000001", "Cisco 8841"),
        ("SEP000000000002", "Cisco 7841"),
    ]);
    let r = phone_classes(&f, &t);
    assert_eq!(r.status, Status::Pass, "{}", r.summary);
    assert_eq!(r.evidence[0].lines, ["Cisco 7841: 1", "Cisco 8841: 1"]);
    f.sweep = sweep_of(&[
        ("SEP000000000001", "Cisco 8841"),
        ("SEP000000000002", "Cisco 7960"),
        ("SEP000000000003", "Cisco 7945"),
    ]);
    assert_judged(
        &phone_classes(&f, &t),
        Status::Info,
        "3 phone(s): 1 without Security By Default (no ITL; only a CTL signer change can lock them out), 2 whose pages show no trust list",
    );
    // Reject twin: no sweep at all is not a pass.
    f.sweep = missing("sweep", "no sweep given or run", true);
    assert_eq!(phone_classes(&f, &t).status, Status::Skipped);
}

#[test]
fn run_checks_gives_the_25_ids_in_checklist_order() {
    let ids: Vec<String> = run_checks(&facts(2), &Thresholds::default())
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, CHECK_IDS);
    let unique: std::collections::BTreeSet<&str> = CHECK_IDS.iter().copied().collect();
    assert_eq!(unique.len(), 25);
}

fn with_cli<T>(text: &str, parse: impl Fn(&str) -> Result<T, parse::ParseError>) -> Fact<T> {
    observed(parse(text).expect("parses"), "ssh cucm-55: cmd", Vec::new())
}

fn upgrade_facts(status: &str, inactive: &str) -> Facts {
    let mut f = facts(2);
    for n in &mut f.nodes {
        n.version = with_cli(
            "Active Master Version: 14.0.1.13900-155\n",
            parse::system::parse_version,
        );
        n.upgrade = with_cli(
            "Upgrade Status: Idle\n",
            parse::upgrade::parse_upgrade_status,
        );
        n.version_inactive = with_cli(
            "Inactive Master Version: 14.0.1.12900-155\n",
            parse::upgrade::parse_version_inactive,
        );
    }
    f.nodes[1].upgrade = with_cli(status, parse::upgrade::parse_upgrade_status);
    f.nodes[1].version_inactive = with_cli(inactive, parse::upgrade::parse_version_inactive);
    f
}

#[test]
fn an_upgrade_running_fails_a_pending_switch_version_warns_idle_passes() {
    let older = "Inactive Master Version: 14.0.1.12900-155\n";
    let newer = "Inactive Master Version: 14.0.1.14900-8\n";
    assert_judged(
        &upgrade(&upgrade_facts("Upgrade Status: Idle\n", older)),
        Status::Pass,
        "no upgrade running or pending on any node",
    );
    let none = upgrade(&upgrade_facts(
        "Upgrade Status: Idle\n",
        "Inactive Master Version:\n",
    ));
    assert_eq!(none.status, Status::Pass, "{none:?}");

    let running = upgrade(&upgrade_facts(
        "Upgrade Status: Upgrading\nPercent complete: 40\n",
        older,
    ));
    assert_judged(
        &running,
        Status::Fail,
        "cucm-57: upgrade running (Upgrade Status: Upgrading)",
    );
    assert!(running.action.starts_with("Stop"));

    let pending = upgrade(&upgrade_facts("Upgrade Status: Idle\n", newer));
    assert_judged(
        &pending,
        Status::Warn,
        "cucm-57: inactive version 14.0.1.14900-8 is newer than the active 14.0.1.13900-155",
    );
    let completed = upgrade(&upgrade_facts(
        "Upgrade Status: Upgrade completed; switch version to activate\n",
        newer,
    ));
    assert_eq!(completed.status, Status::Warn);
    assert!(completed.summary.contains("switch-version pending"));
    let failed = upgrade(&upgrade_facts("Upgrade Status: Failed\n", older));
    assert_eq!(failed.status, Status::Warn);

    let mut refused = upgrade_facts("Upgrade Status: Idle\n", older);
    refused.nodes[0].upgrade = missing(
        "ssh cucm-55: utils system upgrade status",
        "privilege insufficient",
        true,
    );
    let r = upgrade(&refused);
    assert_eq!(r.status, Status::Skipped, "{r:?}");
    assert!(
        r.summary
            .contains("cucm-55: not checked: privilege insufficient")
    );
}

#[test]
fn sso_enabled_warns_naming_the_node_disabled_passes() {
    let mut f = facts(2);
    for n in &mut f.nodes {
        n.sso = with_cli("SSO Status: Disabled\n", parse::sso::parse);
    }
    assert_judged(&sso(&f), Status::Pass, "SAML SSO is disabled on every node");
    f.nodes[0].sso = with_cli(
        "SSO Status: SAML SSO Enabled\nSSO Test Result = passed\n",
        parse::sso::parse,
    );
    let on = sso(&f);
    assert_judged(&on, Status::Warn, "cucm-55: SSO Status: SAML SSO Enabled");
    assert!(on.action.contains("IdP"));
    f.nodes[1].sso = missing("ssh cucm-57: utils sso status", "no answer", false);
    assert_eq!(sso(&f).status, Status::Fail);
}

#[test]
fn dependants_list_what_each_must_learn() {
    let f = facts(2);
    assert_judged(
        &dependants(&f),
        Status::Pass,
        "no IM and Presence node; no SIP trunk with a TLS profile",
    );

    let mut f = facts(2);
    f.process_nodes = axl(
        &[
            &[("name", "cucm-55"), ("role", "CUCM Voice/Video")],
            &[("name", "imp-pub"), ("role", "CUCM IM and Presence")],
        ],
        "axl sql: processnode",
    );
    let imp = dependants(&f);
    assert_eq!(imp.status, Status::Info, "{imp:?}");
    assert_eq!(
        imp.summary,
        format!("IM and Presence imp-pub: {IMP_LEARNS}; no SIP trunk with a TLS profile")
    );

    f.secure_trunks = axl(
        &[
            &[("name", "to-vcs"), ("address", "vcs-c1"), ("port", "5061")],
            &[("name", "to-vcs"), ("address", "vcs-c2"), ("port", "5061")],
            &[("name", "to-cuc"), ("address", ""), ("port", "")],
        ],
        "axl sql: trunks",
    );
    let trunks = dependants(&f);
    assert_eq!(trunks.status, Status::Warn);
    assert!(
        trunks.summary.contains(&format!(
            "TLS SIP trunk to-vcs to vcs-c1:5061, vcs-c2:5061: the far end {TRUNK_LEARNS}"
        )),
        "{trunks:?}"
    );
    assert!(trunks.summary.contains("TLS SIP trunk to-cuc: the far end"));

    let mut f = facts(2);
    f.secure_trunks = missing("axl sql: trunks", "SQL error", false);
    let r = dependants(&f);
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("TLS SIP trunks not read: SQL error"));
    f.process_nodes = axl(&[&[("name", "")]], "axl sql: processnode");
    f.secure_trunks = axl(&[], "axl sql: trunks");
    let bad = dependants(&f);
    assert_eq!(bad.status, Status::Fail);
    assert!(
        bad.summary.contains("processnode row 1: no name"),
        "{bad:?}"
    );
}
