//! The preflight against the simulated cluster through real sockets (AXL, Control Center,
//! HTTP 6970, the admin CLI over SSH, the phones' pages): a healthy cluster passes; each
//! node or cluster fault makes exactly the checks the README's fault table names warn or
//! fail, with the expected evidence; an OS account with privilege 0 is skipped where it must
//! be, never a crash.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{os_credentials, serve_sim, unpaced_session, within};
use itl_core::cucm::Generation;
use itl_cucm::ssh::SshOptions;
use itl_cucm::sweep::SweepOptions;
use itl_ops::preflight::{CheckResult, Status};
use itl_ops::preflight::{
    GatherOptions, PreflightReport, SweepInput, Thresholds, run, write_archive,
};
use itl_sim::{Cluster, FaultSpec, SimOptions, SimServer};
use itl_testkit::TempDir;

const PASSWORD: &str = "preflight-test-password";

struct Setup {
    faults: &'static str,
    privilege: u8,
    sweep: bool,
    mixed: bool,
    /// The admin CLI's start-up budget (20 s unless given).
    startup_budget: Option<Duration>,
    /// Pins node `.0`'s SSH host key to node `.1`'s key in the cluster file.
    wrong_pin: Option<(usize, usize)>,
}

impl Setup {
    fn faults(faults: &'static str) -> Self {
        Self {
            faults,
            privilege: 4,
            sweep: false,
            mixed: false,
            startup_budget: None,
            wrong_pin: None,
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
    serve_sim(&options, PASSWORD, |serve| {
        serve.ssh.privilege = setup.privilege
    })
    .await
}

async fn preflight(setup: Setup) -> (PreflightReport, TempDir) {
    let sim = serve(&setup).await;
    let mut file = sim.cluster_file();
    if let Some((node, other)) = setup.wrong_pin {
        file.nodes[node].ssh_host_key_sha256 = file.nodes[other].ssh_host_key_sha256.clone();
    }
    let session = unpaced_session(file, PASSWORD);
    let dir = TempDir::new("preflight");
    let mut ssh = SshOptions::default();
    ssh.shell.keystroke_delay = Duration::from_millis(5);
    ssh.shell.startup_budget = setup.startup_budget.unwrap_or(Duration::from_secs(20));
    let options = GatherOptions {
        ssh,
        os: Some(os_credentials(PASSWORD)),
        sweep: if setup.sweep {
            SweepInput::Run {
                options: Box::new(SweepOptions::default()),
                archive: dir.join("itl-archive"),
            }
        } else {
            SweepInput::None
        },
        now: sim.handle().read(|c| c.now()) as i64,
    };
    let (mut report, facts) = run(&session, &options, &Thresholds::default()).await;
    report.archived = write_archive(&facts, &dir.join("preflight-archive")).expect("archive");
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

/// A fault and what the preflight makes of it.
struct FaultCase {
    fault: &'static str,
    /// Whether the cluster is in mixed mode.
    mixed: bool,
    /// Every check that warns or fails, with its status.
    flags: Vec<(&'static str, Status)>,
    /// The check whose summary says `words` (and whose evidence holds `evidence`).
    id: &'static str,
    words: &'static str,
    /// A source of the check's evidence and one of its lines.
    evidence: Option<(&'static str, &'static str)>,
}

impl FaultCase {
    /// `fault` on a non-mixed cluster flags nothing; check `id`'s summary says `words`.
    fn new(fault: &'static str, id: &'static str, words: &'static str) -> Self {
        Self {
            fault,
            mixed: false,
            flags: Vec::new(),
            id,
            words,
            evidence: None,
        }
    }

    /// The case's check `id` alone is flagged, with `status`.
    fn flags(self, status: Status) -> Self {
        Self {
            flags: vec![(self.id, status)],
            ..self
        }
    }

    /// The check's evidence from `source` holds `line`.
    fn evidence(self, source: &'static str, line: &'static str) -> Self {
        Self {
            evidence: Some((source, line)),
            ..self
        }
    }

    /// The cluster is in mixed mode.
    fn mixed(self) -> Self {
        Self {
            mixed: true,
            ..self
        }
    }

    /// Runs the preflight on the faulty cluster and asserts what the case says; returns the
    /// report.
    async fn assert(&self) -> (PreflightReport, TempDir) {
        let fault = self.fault;
        let (report, dir) = preflight(Setup {
            mixed: self.mixed,
            ..Setup::faults(fault)
        })
        .await;
        assert_eq!(
            flagged(&report),
            expect(&self.flags),
            "{fault}: {}",
            dump(&report)
        );
        let c = check(&report, self.id);
        assert!(c.summary.contains(self.words), "{fault}: {c:?}");
        if let Some((source, line)) = self.evidence {
            assert!(evidence_has(c, source, line), "{fault}: {c:?}");
        }
        (report, dir)
    }
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
            std::fs::read_to_string(dir.join("preflight-archive/index.txt")).expect("index");
        for needle in ["show itl ->", "show ctl ->", "served ITLFile.tlv ->"] {
            assert!(index.contains(needle), "{index}");
        }
        for line in &report.archived {
            let name = line.rsplit(' ').next().expect("file name");
            let bytes = std::fs::read(dir.join("preflight-archive").join(name)).expect(name);
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
        FaultCase::new(
            "replication=ucm-sub1:3",
            "db-replication",
            "ucm-sub1: Y/Y/Y (3) Out Of Sync",
        )
        .flags(Status::Fail)
        .evidence("utils dbreplication runtimestate", "(3) Out Of Sync")
        .assert()
        .await;
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
            let (report, _dir) = FaultCase::new(fault, "backups", words)
                .flags(Status::Fail)
                .assert()
                .await;
            let c = check(&report, "backups");
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
        for case in [
            FaultCase::new(
                "cert-expiring=CallManager@ucm-sub1:10",
                "cert-expiry",
                "ucm-sub1: CallManager expires",
            )
            .flags(Status::Warn),
            FaultCase::new(
                "cert-expiring=tomcat@ucm-pub:0",
                "cert-expiry",
                "ucm-pub: tomcat expired",
            )
            .flags(Status::Fail),
            FaultCase::new(
                "service-stopped=TVS@ucm-sub1",
                "services",
                "ucm-sub1: Cisco Trust Verification Service Stopped",
            )
            .flags(Status::Fail),
            FaultCase::new("fips=ucm-sub2", "fips", "ucm-sub2: FIPS mode").flags(Status::Warn),
            FaultCase::new(
                "ca-signed=tomcat@ucm-sub1",
                "ca-signed",
                "ucm-sub1: tomcat CA-signed by C=US, O=Sim Health, CN=Sim Enterprise Issuing CA",
            )
            .flags(Status::Warn),
            FaultCase::new("ntp=ucm-pub", "ntp", "ucm-pub: not synchronised").flags(Status::Warn),
        ] {
            case.assert().await;
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
            "sso",
            "upgrade",
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
            "dependants",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_list_and_group_faults_flag_their_checks() {
    within(240, async {
        for case in [
            FaultCase::new(
                "single-member-group=CMG-2",
                "callmanager-groups",
                "single-member groups: CMG-2: only ucm-sub2; 12 phones in DP-2",
            )
            .flags(Status::Warn)
            .evidence(
                "axl sql: select cmg.name as cmgroup",
                "cmgr=ucm-sub2 cmgroup=CMG-2 priority=1",
            ),
            FaultCase::new("itl-invalid=ucm-sub1", "show-itl", "ucm-sub1:")
                .flags(Status::Fail)
                .evidence(
                    "ssh ucm-sub1: show itl",
                    "The ITL file could not be verified.",
                ),
            FaultCase::new("ctl-differs=ucm-sub1", "show-ctl", "CTL checksums differ")
                .flags(Status::Fail)
                .evidence(
                    "ssh ucm-sub1: show ctl",
                    "The CTL file was verified successfully.",
                )
                .mixed(),
        ] {
            case.assert().await;
        }
        // The CMG-2 group lost its second member: the warning names the affected pool.
        let (report, _dir) = preflight(Setup::faults("single-member-group=CMG-2")).await;
        let c = check(&report, "callmanager-groups");
        assert!(
            !evidence_has(
                c,
                "axl sql: select cmg.name as cmgroup",
                "cmgroup=CMG-2 priority=2"
            ),
            "{c:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hazard_faults_flag_upgrade_sso_and_dependants() {
    within(240, async {
        for case in [
            FaultCase::new("upgrade=ucm-sub1", "upgrade", "ucm-sub1: upgrade running (Upgrade Status: Upgrading)")
                .flags(Status::Fail)
                .evidence("ssh ucm-sub1: utils system upgrade status", "Percent complete: 40"),
            FaultCase::new("upgrade=ucm-sub2:installed", "upgrade", "ucm-sub2: inactive version 14.0.1.14900-155 is newer than the active 14.0.1.13900-155")
                .flags(Status::Warn)
                .evidence("ssh ucm-sub2: show version inactive", "Inactive Master Version: 14.0.1.14900-155"),
            FaultCase::new("sso=all", "sso", "ucm-pub: SSO Status: SAML SSO Enabled")
                .flags(Status::Warn)
                .evidence("ssh ucm-sub2: utils sso status", "SSO Test Result = passed"),
            FaultCase::new("secure-trunk=to-expressway:vcs-c.example.com", "dependants", "TLS SIP trunk to-expressway to vcs-c.example.com:5061: the far end holds")
                .flags(Status::Warn)
                .evidence("axl sql: select d.name, d.description, sp.name as secprofile", "address=vcs-c.example.com"),
            FaultCase::new("imp=imp-pub", "dependants", "IM and Presence imp-pub: learns the new tomcat")
                .evidence("axl sql: select pn.name, pn.description", "name=imp-pub"),
        ] {
            case.assert().await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_cluster_has_no_dependants_no_sso_and_no_upgrade() {
    within(120, async {
        let (report, _dir) = preflight(Setup::faults("")).await;
        let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, itl_ops::preflight::CHECK_IDS);
        // Each passes, showing these (source, line) in its evidence.
        let passing: [(&str, &[(&str, &str)]); 3] = [
            (
                "upgrade",
                &[
                    (
                        "ssh ucm-sub1: utils system upgrade status",
                        "Upgrade Status: Idle",
                    ),
                    (
                        "ssh ucm-sub1: show version inactive",
                        "Inactive Master Version: 14.0.1.12900-155",
                    ),
                ],
            ),
            (
                "sso",
                &[("ssh ucm-pub: utils sso status", "SSO Status: Disabled")],
            ),
            (
                "dependants",
                &[(
                    "axl sql: select pn.name, pn.description",
                    "role=CUCM Voice/Video",
                )],
            ),
        ];
        for (id, evidence) in passing {
            let c = check(&report, id);
            assert_eq!(c.status, Status::Pass, "{c:?}");
            for (source, line) in evidence {
                assert!(
                    evidence_has(c, source, line),
                    "{id}: {source}: {line:?}: {c:?}"
                );
            }
        }
        assert_eq!(
            check(&report, "dependants").summary,
            "no IM and Presence node; no SIP trunk with a TLS profile"
        );
    })
    .await;
}

#[test]
fn an_unknown_group_is_refused_naming_the_groups() {
    let options = SimOptions {
        nodes: 3,
        phones: 4,
        key_bits: 1024,
        faults: FaultSpec::parse("single-member-group=CMG-9").expect("spec"),
        ..SimOptions::default()
    };
    let e = Cluster::build(&options).expect_err("no such group");
    assert!(
        e.to_string()
            .contains("no CallManager group named CMG-9 (the groups are CMG-1, CMG-2)"),
        "{e}"
    );
}

/// The checks that read the admin CLI of a node that is not a TFTP node and not the
/// publisher.
const SUBSCRIBER_CLI_CHECKS: [&str; 9] = [
    "version",
    "key-sizes",
    "fips",
    "cert-reuse",
    "ca-signed",
    "sso",
    "cert-expiry",
    "ntp",
    "upgrade",
];

/// Asserts that exactly the checks of [`SUBSCRIBER_CLI_CHECKS`] failed.
#[track_caller]
fn assert_subscriber_cli_failed(report: &PreflightReport) {
    let flags: Vec<(&str, Status)> = SUBSCRIBER_CLI_CHECKS
        .iter()
        .map(|id| (*id, Status::Fail))
        .collect();
    assert_eq!(flagged(report), expect(&flags), "{}", dump(report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_host_key_fails_that_nodes_cli_checks_naming_both_fingerprints() {
    within(120, async {
        let sim = serve(&Setup::faults("")).await;
        let file = sim.cluster_file();
        let pinned = file.nodes[0].ssh_host_key_sha256.clone().expect("pin");
        let actual = file.nodes[2].ssh_host_key_sha256.clone().expect("pin");
        sim.shutdown().await;
        let (report, _dir) = preflight(Setup {
            wrong_pin: Some((2, 0)),
            ..Setup::faults("")
        })
        .await;
        assert_subscriber_cli_failed(&report);
        let c = check(&report, "ntp");
        assert!(
            c.summary
                .contains("ucm-sub2: could not be read: admin CLI on ucm-sub2 (127.0.1.3:")
                && c.summary.contains(&format!(
                    "host key mismatch: expected {pinned}, the server presented {actual}"
                )),
            "{c:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_banner_slower_than_the_budget_is_a_timeout_naming_the_node() {
    within(120, async {
        let (report, _dir) = preflight(Setup {
            startup_budget: Some(Duration::from_secs(2)),
            ..Setup::faults("ssh-banner-delay=ucm-sub2:8")
        })
        .await;
        assert_subscriber_cli_failed(&report);
        let c = check(&report, "version");
        assert!(
            c.summary
                .contains("ucm-sub2: could not be read: admin CLI on ucm-sub2")
                && c.summary.contains("no prompt within 2 s of logging in"),
            "{c:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_dropped_mid_command_fails_that_nodes_cli_checks_with_the_reason() {
    within(120, async {
        let (report, _dir) = preflight(Setup::faults("ssh-drop=ucm-sub2")).await;
        assert_subscriber_cli_failed(&report);
        let c = check(&report, "version");
        assert!(
            c.summary
                .contains("session dropped during command \"show version active\""),
            "{c:?}"
        );
        let c = check(&report, "ntp");
        assert!(
            c.summary.contains("ucm-sub2: could not be read: not run: the session was lost earlier (admin CLI on ucm-sub2"),
            "{c:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pager_that_ignores_pagination_off_is_paged_through() {
    within(120, async {
        let (report, dir) = preflight(Setup::faults("pager-ignored=ucm-pub")).await;
        assert_eq!(flagged(&report), expect(&[]), "{}", dump(&report));
        let c = check(&report, "show-itl");
        assert_eq!(c.status, Status::Pass, "{c:?}");
        let evidence = c
            .evidence
            .iter()
            .find(|e| e.source == "ssh ucm-pub: show itl")
            .expect("ucm-pub's show itl");
        // Longer than a page of 20 lines, complete and free of pager prompts.
        assert!(evidence.lines.len() > 40, "{evidence:?}");
        assert!(
            evidence
                .lines
                .iter()
                .all(|l| !l.contains("options:") && !l.contains("Press <enter>")),
            "{evidence:?}"
        );
        assert!(
            evidence
                .lines
                .iter()
                .any(|l| l.contains("was verified successfully")),
            "{evidence:?}"
        );
        drop(dir);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pager_ignored_keeps_paging_on_its_node_only() {
    use itl_cucm::ssh::{AdminCli, HostKeyPin, SshTarget};
    use itl_wire::admin_cli::Command;
    within(60, async {
        let sim = serve(&Setup::faults("pager-ignored=ucm-pub")).await;
        let file = sim.cluster_file();
        let mut options = SshOptions::default();
        options.shell.keystroke_delay = Duration::from_millis(5);
        let mut pages = Vec::new();
        for node in &file.nodes[..2] {
            let target = SshTarget {
                addr: node.ssh_addr().expect("address").expect("ssh"),
                node: node.name.clone(),
                user: "admin".into(),
                password: PASSWORD.into(),
                host_key: HostKeyPin::parse(node.ssh_host_key_sha256.as_deref().expect("pin"))
                    .expect("pin parses"),
            };
            let mut s = AdminCli::connect(&target, &options)
                .await
                .expect("connects");
            let out = s.run(&Command::ShowItl).await.expect("show itl");
            pages.push((out.pages, out.lines.len() > 40));
            s.close().await;
        }
        sim.shutdown().await;
        // ucm-pub pages (20 lines a page), ucm-sub1 honours pagination off.
        assert!(pages[0].0 >= 2 && pages[0].1, "{pages:?}");
        assert_eq!(pages[1], (0, true));
    })
    .await;
}
