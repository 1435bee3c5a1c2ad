//! The preflight against the simulated cluster through real sockets (AXL, Control Center,
//! HTTP 6970, the admin CLI over SSH, the phones' pages): a healthy cluster passes; each
//! node or cluster fault makes exactly the checks the README's fault table names warn or
//! fail, with the expected evidence; an OS account with privilege 0 is skipped where it must
//! be, never a crash.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use itl_core::cucm::Generation;
use itl_cucm::secrets::Credentials;
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_cucm::ssh::SshOptions;
use itl_cucm::sweep::SweepOptions;
use itl_ops::preflight::{CheckResult, Status};
use itl_ops::preflight::{
    GatherOptions, OsCredentials, PreflightReport, SweepInput, Thresholds, run, write_archive,
};
use itl_sim::server::ssh::SshServe;
use itl_sim::{Cluster, FaultSpec, ServeOptions, SimOptions, SimServer};

const PASSWORD: &str = "preflight-test-password";

async fn within<T>(secs: u64, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .expect("test took too long")
}

struct Setup {
    faults: &'static str,
    privilege: u8,
    sweep: bool,
    mixed: bool,
}

impl Setup {
    fn faults(faults: &'static str) -> Self {
        Self {
            faults,
            privilege: 4,
            sweep: false,
            mixed: false,
        }
    }
}

async fn serve(setup: &Setup) -> SimServer {
    let options = SimOptions {
        nodes: 3,
        phones: 24,
        generation: Generation::V14,
        mixed: setup.mixed,
        seed: 11,
        faults: FaultSpec::parse(setup.faults).expect("fault spec"),
        key_bits: 1024,
        ..SimOptions::default()
    };
    let cluster = Cluster::build(&options).expect("cluster builds");
    let mut serve = ServeOptions::ephemeral("admin", PASSWORD);
    serve.ssh = SshServe {
        privilege: setup.privilege,
        ..SshServe::new(PASSWORD)
    };
    SimServer::start(cluster, serve)
        .await
        .expect("servers start")
}

async fn preflight(setup: Setup) -> (PreflightReport, tempdir::Dir) {
    let sim = serve(&setup).await;
    let mut session_options = SessionOptions::default();
    session_options.ris.per_minute = u32::MAX;
    let session = ClusterSession::new(
        sim.cluster_file(),
        Credentials::new("admin", PASSWORD),
        session_options,
    );
    let dir = tempdir::Dir::new();
    let mut ssh = SshOptions::default();
    ssh.shell.keystroke_delay = Duration::from_millis(5);
    ssh.shell.startup_budget = Duration::from_secs(20);
    let options = GatherOptions {
        ssh,
        os: Some(OsCredentials {
            user: "admin".into(),
            password: PASSWORD.into(),
        }),
        sweep: if setup.sweep {
            SweepInput::Run {
                options: Box::new(SweepOptions::default()),
                archive: dir.path().join("itl-archive"),
            }
        } else {
            SweepInput::None
        },
        now: sim.handle().read(|c| c.now()) as i64,
    };
    let (mut report, facts) = run(&session, &options, &Thresholds::default()).await;
    report.archived =
        write_archive(&facts, &dir.path().join("preflight-archive")).expect("archive");
    sim.shutdown().await;
    (report, dir)
}

/// id → status of every check that warned or failed.
fn flagged(report: &PreflightReport) -> BTreeMap<String, Status> {
    report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Warn | Status::Fail))
        .map(|c| (c.id.clone(), c.status))
        .collect()
}

fn check<'a>(report: &'a PreflightReport, id: &str) -> &'a CheckResult {
    report.check(id).unwrap_or_else(|| panic!("no check {id}"))
}

fn evidence_has(c: &CheckResult, source: &str, line: &str) -> bool {
    c.evidence
        .iter()
        .any(|e| e.source.contains(source) && e.lines.iter().any(|l| l.contains(line)))
}

fn expect(pairs: &[(&str, Status)]) -> BTreeMap<String, Status> {
    pairs.iter().map(|(i, s)| ((*i).to_owned(), *s)).collect()
}

fn dump(report: &PreflightReport) -> String {
    report
        .checks
        .iter()
        .map(|c| format!("{} {}: {}", c.status, c.id, c.summary))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_cluster_passes_with_evidence_and_an_archive() {
    within(240, async {
        let (report, dir) = preflight(Setup {
            sweep: true,
            ..Setup::faults("")
        })
        .await;
        let text = dump(&report);
        for c in &report.checks {
            let allowed = match c.id.as_str() {
                // Models whose pages show no trust list are unread.
                "phone-trust" => matches!(c.status, Status::Pass | Status::Warn),
                _ => matches!(c.status, Status::Pass | Status::Info),
            };
            assert!(allowed, "{}:\n{text}", c.id);
            assert!(!c.evidence.is_empty(), "{} has no evidence", c.id);
        }
        if check(&report, "phone-trust").status == Status::Warn {
            assert!(
                check(&report, "phone-trust")
                    .summary
                    .contains("no-trust-info"),
                "{text}"
            );
        }
        assert_eq!(check(&report, "mixed-mode").status, Status::Info);
        let interaction = check(&report, "phone-interaction");
        assert_eq!(interaction.status, Status::Info, "{interaction:?}");
        assert!(interaction.summary.starts_with("automatic:"), "{interaction:?}");
        assert!(evidence_has(
            interaction,
            "axl sql: select paramname,paramvalue from processconfig where paramname='PhoneInteractionOnCertificateUpdate'",
            "paramvalue=0"
        ));
        assert_eq!(check(&report, "lsc").status, Status::Pass);
        assert_eq!(check(&report, "ca-signed").status, Status::Pass);
        assert_eq!(check(&report, "cert-reuse").status, Status::Pass);
        assert!(
            check(&report, "version")
                .summary
                .contains("14.0.1.13900-155")
        );
        let repl = check(&report, "db-replication");
        assert!(
            evidence_has(
                repl,
                "ssh ucm-pub: utils dbreplication runtimestate",
                "(2) Setup Completed"
            ),
            "{repl:?}"
        );
        assert!(evidence_has(
            check(&report, "rollback-parameter"),
            "axl sql: select paramname,paramvalue from processconfig",
            "paramvalue=F"
        ));
        let served = check(&report, "served-itl-matches");
        assert!(served.summary.contains("served SHA-1"), "{served:?}");
        // Every TFTP node's show itl / show ctl and its served ITL, hash-keyed.
        let index =
            std::fs::read_to_string(dir.path().join("preflight-archive/index.txt")).expect("index");
        for needle in ["show itl ->", "show ctl ->", "served ITLFile.tlv ->"] {
            assert!(index.contains(needle), "{index}");
        }
        for line in &report.archived {
            let name = line.rsplit(' ').next().expect("file name");
            let bytes = std::fs::read(dir.path().join("preflight-archive").join(name)).expect(name);
            let sha1 = name.split('.').next().expect("hash");
            assert_eq!(hex::encode(itl_core::checksum::sha1(&bytes)), sha1);
        }
        let json = report.to_json().expect("json");
        assert_eq!(PreflightReport::from_json(&json).expect("back"), report);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_fails_only_the_rollback_check() {
    within(120, async {
        let (report, _dir) = preflight(Setup::faults("rollback=T")).await;
        assert_eq!(
            flagged(&report),
            expect(&[("rollback-parameter", Status::Fail)]),
            "{}",
            dump(&report)
        );
        assert!(evidence_has(
            check(&report, "rollback-parameter"),
            "RollBackToPreGrayback",
            "paramvalue=T"
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replication_out_of_sync_fails_db_replication() {
    within(120, async {
        let (report, _dir) = preflight(Setup::faults("replication=ucm-sub1:3")).await;
        assert_eq!(
            flagged(&report),
            expect(&[("db-replication", Status::Fail)]),
            "{}",
            dump(&report)
        );
        let c = check(&report, "db-replication");
        assert!(
            c.summary.contains("ucm-sub1: Y/Y/Y (3) Out Of Sync"),
            "{c:?}"
        );
        assert!(evidence_has(
            c,
            "utils dbreplication runtimestate",
            "(3) Out Of Sync"
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_faults_fail_backups() {
    within(180, async {
        for (fault, words) in [
            ("backup=failed", "ended ERROR"),
            ("backup=stale", "30.4 days old (limit 7.0)"),
            ("backup=none", "no backup"),
        ] {
            let (report, _dir) = preflight(Setup::faults(fault)).await;
            assert_eq!(
                flagged(&report),
                expect(&[("backups", Status::Fail)]),
                "{fault}: {}",
                dump(&report)
            );
            let c = check(&report, "backups");
            assert!(c.summary.contains(words), "{fault}: {c:?}");
            assert!(
                c.evidence[0]
                    .source
                    .contains("ssh ucm-pub: utils disaster_recovery history backup")
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_faults_flag_their_checks() {
    within(240, async {
        for (fault, flags, id, words) in [
            (
                "cert-expiring=CallManager@ucm-sub1:10",
                vec![("cert-expiry", Status::Warn)],
                "cert-expiry",
                "ucm-sub1: CallManager expires",
            ),
            (
                "cert-expiring=tomcat@ucm-pub:0",
                vec![("cert-expiry", Status::Fail)],
                "cert-expiry",
                "ucm-pub: tomcat expired",
            ),
            (
                "service-stopped=TVS@ucm-sub1",
                vec![("services", Status::Fail)],
                "services",
                "ucm-sub1: Cisco Trust Verification Service Stopped",
            ),
            (
                "fips=ucm-sub2",
                vec![("fips", Status::Warn)],
                "fips",
                "ucm-sub2: FIPS mode",
            ),
            (
                "ca-signed=tomcat@ucm-sub1",
                vec![("ca-signed", Status::Warn)],
                "ca-signed",
                "ucm-sub1: tomcat CA-signed by C=US, O=Sim Health, CN=Sim Enterprise Issuing CA",
            ),
            (
                "ntp=ucm-pub",
                vec![("ntp", Status::Warn)],
                "ntp",
                "ucm-pub: not synchronised",
            ),
        ] {
            let (report, _dir) = preflight(Setup::faults(fault)).await;
            assert_eq!(
                flagged(&report),
                expect(&flags),
                "{fault}: {}",
                dump(&report)
            );
            let c = check(&report, id);
            assert!(c.summary.contains(words), "{fault}: {c:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lsc_holders_are_counted_as_info() {
    within(120, async {
        let (report, _dir) = preflight(Setup::faults("lsc=50%")).await;
        assert_eq!(flagged(&report), expect(&[]), "{}", dump(&report));
        let c = check(&report, "lsc");
        assert_eq!(c.status, Status::Info, "{c:?}");
        assert_eq!(c.summary, "8 of 24 phones hold an LSC", "{c:?}");
        assert!(evidence_has(
            c,
            "axl sql: select d.name, d.tkcertificatestatus",
            "tkcertificatestatus=3"
        ));
        assert!(c.action.contains("reissue lsc"));

        let (report, _dir) = preflight(Setup::faults("")).await;
        let c = check(&report, "lsc");
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(c.summary, "none of 24 phones holds an LSC");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privilege_zero_skips_what_needs_more_and_checks_the_rest() {
    within(120, async {
        let (report, _dir) = preflight(Setup {
            privilege: 0,
            ..Setup::faults("")
        })
        .await;
        let text = dump(&report);
        for id in [
            "db-replication",
            "backups",
            "fips",
            "cert-expiry",
            "key-sizes",
            "ca-signed",
            "cert-reuse",
        ] {
            let c = check(&report, id);
            assert_eq!(c.status, Status::Skipped, "{id}: {text}");
            assert!(c.summary.contains("privilege"), "{id}: {c:?}");
        }
        // Level 0 is enough for these.
        for id in [
            "show-itl",
            "show-ctl",
            "served-itl-matches",
            "ntp",
            "version",
        ] {
            let c = check(&report, id);
            assert!(
                matches!(c.status, Status::Pass | Status::Info),
                "{id}: {text}"
            );
        }
        assert!(!report.any_failed(), "{text}");
    })
    .await;
}

/// A temporary folder removed on drop (no extra crate).
mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Self {
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("itl-preflight-test-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path).expect("temp dir");
            Self(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
