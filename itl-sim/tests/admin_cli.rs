//! The product's admin-CLI client (`itl_cucm::ssh`) against the simulated UCOS CLI through
//! real sockets: every typed helper, privilege 0 refused where it must be, pagers when
//! pagination cannot be turned off, and a regeneration that changes the served ITL and the
//! serial `show cert own` shows.

mod common;

use itl_core::cucm::{CertUnit, Generation, ServiceStatus};

use itl_cucm::secrets::Secret;
use itl_cucm::ssh::{AdminCli, AdminSession, HostKeyPin, SshError, SshErrorKind, SshTarget};

use itl_sim::server::ssh::SshServe;
use itl_sim::{ServeOptions, SimServer};
use itl_wire::admin_cli::parse::backup::BackupResult;
use itl_wire::admin_cli::parse::cert_list::CertListFormat;
use itl_wire::admin_cli::parse::service::RestartOutcome;
use itl_wire::admin_cli::parse::trust_list::{ShowTrustList, Verification};
use itl_wire::admin_cli::{Command, FailureMarker};

use common::{PASSWORD, serving_with, small, ssh_options, ssh_target, start_with, within};

/// Serve options whose OS administrator (password [`OS_PASSWORD`]) has `privilege`.
fn os_admin(privilege: u8) -> ServeOptions {
    let mut options = ServeOptions::ephemeral("admin", PASSWORD);
    options.ssh = SshServe {
        privilege,
        ..SshServe::new(OS_PASSWORD)
    };
    options
}

/// A cluster of `generation`, `mixed`, served with [`os_admin`].
async fn serve(generation: Generation, mixed: bool, privilege: u8) -> SimServer {
    start_with(&small(generation, mixed, ""), os_admin(privilege)).await
}

/// The OS administrator's password of [`os_admin`].
const OS_PASSWORD: &str = "os-password";

fn target(sim: &SimServer, node: usize) -> SshTarget {
    ssh_target(sim, node, OS_PASSWORD)
}

async fn connect(sim: &SimServer, node: usize) -> AdminSession {
    AdminCli::connect(&target(sim, node), &ssh_options())
        .await
        .expect("connects")
}

/// Asserts that `e` is the CLI's refusal of a command above the user's privilege level.
#[track_caller]
fn assert_denied(e: &SshError) {
    assert!(
        matches!(e.kind(), SshErrorKind::PrivilegeInsufficient { .. }),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_typed_helper_against_the_simulator() {
    let options = small(Generation::V14, true, "");
    serving_with(120, &options, os_admin(4), async |sim| {
        let names: Vec<String> = sim.nodes().iter().map(|n| n.name.clone()).collect();
        let mut s = connect(sim, 0).await;
        assert!(s.info().pagination_off);
        assert_eq!(s.info().prompt, "admin");
        assert_eq!(s.info().host_key, sim.nodes()[0].ssh_host_key_sha256);

        let v = s.version().await.expect("version");
        assert_eq!(v.version, "14.0.1.13900-155");
        assert_eq!((v.major, v.minor), (14, 0));

        let c = s.network_cluster().await.expect("cluster");
        let hosts: Vec<&str> = c.nodes.iter().map(|n| n.host.as_str()).collect();
        assert_eq!(hosts, names.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(c.nodes[0].role, "Publisher");
        assert_eq!(c.nodes[0].ip, std::net::IpAddr::V4(sim.nodes()[0].address));
        assert_eq!(c.processnode.len(), names.len());

        let n = s.ntp().await.expect("ntp");
        assert!(n.running && n.synchronised);
        assert!(!s.fips().await.expect("fips").enabled);

        let r = s.replication().await.expect("replication");
        assert_eq!(r.server_count as usize, names.len());
        assert_eq!(r.reporting_node, names[0]);
        assert!(r.healthy(), "{r:?}");
        assert!(r.rows.iter().all(|row| row.state == 2 && row.state_text == "Setup Completed"));

        let h = s.backup_history().await.expect("history");
        assert_eq!(h.rows.len(), 1);
        let newest = h.newest().expect("one row");
        assert_eq!(newest.result, BackupResult::Success);
        let now = sim.handle().read(|c| c.now()) as i64;
        let completed = newest.completed.as_ref().expect("date").unix_seconds_ignoring_zone();
        assert!(now - completed < 2 * 86_400 && completed < now, "{completed} vs {now}");

        let services = s.service_list().await.expect("services");
        assert_eq!(services.return_code, Some(0));
        assert_eq!(
            services.get("Cisco Tftp").map(|e| e.status),
            Some(ServiceStatus::Started)
        );

        let own = s.cert_list_own().await.expect("own");
        assert_eq!(own.format, CertListFormat::Lines);
        assert!(own.unit("CallManager").is_some() && own.unit("ITLRecovery").is_some());
        let trust = s.cert_list_trust().await.expect("trust");
        assert!(trust.entries.iter().any(|e| e.unit == "CallManager-trust"));

        let cert = s.cert_own(CertUnit::CallManager).await.expect("cert");
        let expected = sim.handle().read(|c| {
            c.nodes()[0]
                .identity(CertUnit::CallManager)
                .map(|id| id.der().to_vec())
        });
        assert_eq!(Some(cert.der), expected);

        let ShowTrustList::Present(itl) = s.show_itl().await.expect("itl") else {
            panic!("the publisher serves an ITL");
        };
        let served = sim.handle().read(|c| c.served_itl(0).map(|f| f.bytes.to_vec())).expect("itl");
        assert_eq!(itl.length as usize, served.len());
        assert_eq!(itl.md5, Some(hex(&itl_core::checksum::md5(&served))));
        assert_eq!(itl.verification, Verification::Success);
        let ShowTrustList::Present(ctl) = s.show_ctl().await.expect("ctl") else {
            panic!("mixed mode serves a CTL");
        };
        assert_eq!(ctl.verification, Verification::Success);

        let sql = s
            .sql("select paramname,paramvalue from processconfig where paramname in ('ClusterSecurityMode','RollBackToPreGrayback')")
            .await
            .expect("sql");
        assert_eq!(sql.get(0, "paramvalue"), Some("1"));
        assert_eq!(sql.get(1, "paramname"), Some("RollBackToPreGrayback"));
        assert_eq!(sql.get(1, "paramvalue"), Some("F"));
        let e = s.sql("select name from device").await.expect_err("only processconfig");
        assert!(matches!(e.kind(), SshErrorKind::FailureMarker { marker: FailureMarker::ExecutedUnsuccessfully, .. }), "{e}");

        // Changes.
        assert_eq!(
            s.service_restart("Cisco Tftp").await.expect("restart"),
            RestartOutcome::Started
        );
        let ctl_update = s.ctl_update().await.expect("ctl update");
        assert!(ctl_update.restart_advice.is_some());
        let reset = s.itl_reset_localkey().await.expect("itl reset");
        assert!(reset.complete());
        let tftp_nodes = sim.nodes().iter().filter(|n| n.tftp.is_some()).count();
        assert_eq!(reset.tftp_servers, Some(tftp_nodes as u32));
        assert!(sim.handle().read(|c| c.nodes()[0].itl_localkey));
        s.ctl_reset_localkey().await.expect("ctl reset");
        assert!(sim.handle().read(|c| c.ctl_localkey()));

        let e = s.run(&Command::IpsecRestart).await.map(|o| o.lines);
        assert_eq!(e.expect("ipsec"), vec!["Successfully Restarted IPsec Service", ""]);
        s.close().await;

        // A subscriber: restarts come back after [STARTING]; no CTL update there.
        let mut sub = connect(sim, 1).await;
        assert_eq!(
            sub.service_restart("Cisco CallManager").await.expect("restart"),
            RestartOutcome::Initiated
        );
        let e = sub.ctl_update().await.expect_err("publisher only");
        assert!(matches!(e.kind(), SshErrorKind::FailureMarker { .. }), "{e}");
        sub.close().await;
    })
    .await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_regeneration_changes_the_served_itl_and_the_serial() {
    let options = small(Generation::V12, false, "");
    serving_with(120, &options, os_admin(1), async |sim| {
        let mut s = connect(sim, 0).await;
        let before = s.cert_own(CertUnit::Tvs).await.expect("cert");
        let ShowTrustList::Present(itl_before) = s.show_itl().await.expect("itl") else {
            panic!("ITL");
        };
        let outcome = s.regen(CertUnit::Tvs).await.expect("regen");
        assert_eq!(outcome.unit, "TVS");
        let after = s.cert_own(CertUnit::Tvs).await.expect("cert");
        assert_ne!(before.serial, after.serial);
        let model_serial = sim.handle().read(|c| {
            c.nodes()[0]
                .identity(CertUnit::Tvs)
                .map(|id| id.certificate().serial_hex().to_ascii_uppercase())
        });
        assert_eq!(Some(after.serial.replace(':', "")), model_serial);
        // The ITL changes once TFTP restarts (12+: TVS changes every ITL).
        s.service_restart("Cisco Tftp").await.expect("restart");
        let ShowTrustList::Present(itl_after) = s.show_itl().await.expect("itl") else {
            panic!("ITL");
        };
        assert_ne!(itl_before.md5, itl_after.md5);
        let serials: Vec<&str> = itl_after
            .records
            .iter()
            .filter_map(|r| r.serial())
            .collect();
        assert!(serials.contains(&after.serial.as_str()), "{serials:?}");
        assert!(!serials.contains(&before.serial.as_str()));
        // Level 1 may not reset to the local key.
        let e = s.itl_reset_localkey().await.expect_err("level 4 needed");
        assert_denied(&e);
        s.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privilege_zero_reads_trust_lists_and_pages() {
    let options = small(Generation::V11_5, true, "");
    serving_with(120, &options, os_admin(0), async |sim| {
        // A short terminal: pagination cannot be turned off at level 0, so both pagers run.
        let mut o = ssh_options();
        o.pty_rows = 6;
        let mut s = AdminCli::connect(&target(sim, 0), &o)
            .await
            .expect("connect");
        assert!(!s.info().pagination_off);
        let ShowTrustList::Present(itl) = s.show_itl().await.expect("itl over the lines pager")
        else {
            panic!("ITL");
        };
        let served = sim
            .handle()
            .read(|c| c.served_itl(0).map(|f| f.bytes.len()))
            .expect("itl");
        assert_eq!(itl.length as usize, served);
        assert!(!itl.records.is_empty());
        let out = s.run(&Command::NetworkCluster).await.expect("press pager");
        assert!(out.pages > 0);
        let c =
            itl_wire::admin_cli::parse::system::parse_network_cluster(&out.text()).expect("parses");
        assert_eq!(c.nodes.len(), 2);
        for denied in [
            s.service_list().await.map(|_| ()),
            s.regen(CertUnit::Tvs).await.map(|_| ()),
            s.cert_list_own().await.map(|_| ()),
            s.fips().await.map(|_| ()),
        ] {
            let e = denied.expect_err("level 0");
            assert_denied(&e);
        }
        s.close().await;
        // 11.5: block format of `show cert list` and plain `password` accepted; a wrong
        // password is refused.
        let mut t = target(sim, 0);
        t.password = Secret::new("wrong");
        let e = AdminCli::connect(&t, &ssh_options())
            .await
            .expect_err("wrong password");
        assert!(
            matches!(e.kind(), SshErrorKind::AuthRejected { tried } if tried.contains(&"password")),
            "{e}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_keys_are_deterministic_and_pinned() {
    within(60, async {
        let a = serve(Generation::V14, false, 4).await;
        let b = serve(Generation::V14, false, 4).await;
        assert_eq!(
            a.nodes()[0].ssh_host_key_sha256,
            b.nodes()[0].ssh_host_key_sha256
        );
        assert_ne!(
            a.nodes()[0].ssh_host_key_sha256,
            a.nodes()[1].ssh_host_key_sha256
        );
        // Node 1's pin does not open node 0.
        let mut t = target(&a, 0);
        t.host_key = HostKeyPin::parse(&a.nodes()[1].ssh_host_key_sha256).expect("pin");
        let e = AdminCli::connect(&t, &ssh_options())
            .await
            .expect_err("mismatch");
        assert!(
            matches!(e.kind(), SshErrorKind::HostKeyMismatch { .. }),
            "{e}"
        );
        assert_eq!(
            itl_cucm::ssh::probe_host_key(a.nodes()[0].ssh, &ssh_options())
                .await
                .expect("probe"),
            a.nodes()[0].ssh_host_key_sha256
        );
        a.shutdown().await;
        b.shutdown().await;
    })
    .await;
}
