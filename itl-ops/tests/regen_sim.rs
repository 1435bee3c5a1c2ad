//! The regeneration driver against the in-process simulator, through real sockets: a fault
//! holds the run (phones that stay down at G-REG, a TFTP node that is down at G-FILE, a
//! restart that fails at its step), and once the fault is fixed (`SimHandle::clear_fault`,
//! plus power-cycling the phones that stayed down) resuming the same journal completes the
//! plan. The simulator's faults are cleared only in-process, which is why this half of the
//! fault tests lives here and not in `itl-cli/tests/regen_run_cli.rs`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{os_credentials, serve_sim, unpaced_session, within};
use itl_core::cucm::{CertUnit, Generation, ItlFileStatus};
use itl_core::plan::Plan;
use itl_core::time::UnixTime;
use itl_cucm::session::ClusterSession;
use itl_cucm::ssh::SshOptions;
use itl_cucm::sweep::SweepOptions;
use itl_ops::preflight::{GatherOptions, OsCredentials, SweepInput, gather};
use itl_ops::regen::driver::hands::{Hands, HandsOptions};
use itl_ops::regen::driver::{Driver, DriverOptions, Operator, RunEnd, archive_dir, now};
use itl_ops::regen::journal::{BackupTarget, Begin, JOURNAL_FORMAT, Journal, Record};
use itl_ops::regen::plan::{RegenFacts, generate};
use itl_ops::regen::program::Program;
use itl_sim::model::ClockMode;
use itl_sim::model::changes::{PhoneSelector, ResetKind};
use itl_sim::timing::TimeScale;
use itl_sim::{FaultKind, FaultSpec, SimOptions, SimServer};
use itl_testkit::TempDir;

const PASSWORD: &str = "regen-sim-test";

async fn serve(faults: &str) -> SimServer {
    serve_release(Generation::V11_5, faults).await
}

async fn serve_release(generation: Generation, faults: &str) -> SimServer {
    let options = SimOptions {
        nodes: 3,
        phones: 40,
        generation,
        seed: 3,
        faults: FaultSpec::parse(faults).expect("fault spec"),
        key_bits: 1024,
        // RisPort's timestamps on the wall clock, as `itl sim serve` runs (G-REG compares
        // them with when the phase began).
        clock: ClockMode::Wall,
        ..SimOptions::default()
    };
    serve_sim(&options, PASSWORD, |serve| {
        serve.time_scale = TimeScale::new(0.001).expect("scale");
    })
    .await
}

fn os() -> OsCredentials {
    os_credentials(PASSWORD)
}

fn session(sim: &SimServer) -> ClusterSession {
    unpaced_session(sim.cluster_file(), PASSWORD)
}

/// The facts and the plan `itl regen plan --units ipsec,CAPF` would write.
async fn facts_and_plan(sim: &SimServer) -> (RegenFacts, String) {
    let session = session(sim);
    let options = GatherOptions {
        ssh: SshOptions::default(),
        os: Some(os()),
        sweep: SweepInput::None,
        now: now().secs(),
    };
    let facts = gather(&session, &options).await;
    let regen = RegenFacts::from_preflight(&facts, &sim.cluster_file(), None).expect("facts");
    let plan = generate(&regen, &[CertUnit::Ipsec, CertUnit::Capf]).expect("plan");
    (regen, plan.text)
}

/// An operator that answers nothing and keeps the lines.
#[derive(Default)]
struct Quiet(Vec<String>);

impl Operator for Quiet {
    fn confirm(&mut self, _: &str) -> bool {
        false
    }
    fn say(&mut self, _: UnixTime, text: &str) {
        self.0.push(text.to_owned());
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn progress_end(&mut self) {}
}

/// One `run` (a fresh journal in `dir`) or `resume` (the journal already there).
async fn drive(
    sim: &SimServer,
    facts: &RegenFacts,
    plan_text: &str,
    dir: &Path,
    force: Option<&str>,
) -> RunEnd {
    let plan = Plan::parse(plan_text).expect("plan parses");
    let program = Program::build(&plan, facts).expect("program");
    let journal = if dir.join("journal.jsonl").is_file() {
        Journal::open(dir).expect("journal opens")
    } else {
        let begin = Begin {
            format: JOURNAL_FORMAT,
            at: now(),
            cluster: facts.cluster.clone(),
            cluster_file: PathBuf::from("cluster.toml"),
            plan_file: PathBuf::from("plan.txt"),
            plan: plan_text.to_owned(),
            reset_batch: 200,
            reset_interval_secs: 30,
            yes: true,
            force: force.map(str::to_owned),
            wait_scale: 0.001,
            gate_timeout_secs: 3600,
            os_user: Some("admin".into()),
            generation: None,
            backup: None,
        };
        Journal::create(dir, begin).expect("journal created")
    };
    let options = DriverOptions {
        reset_batch: 200,
        reset_interval: Duration::from_secs(30),
        wait_scale: 0.001,
        gate_timeout: Duration::from_secs(3600),
        poll: Duration::from_secs(5),
        yes: true,
        force: force.map(str::to_owned),
        sweep: SweepOptions::default(),
        archive: archive_dir(dir),
        backup: Some(BackupTarget {
            server: "127.0.0.9".into(),
            path: "/backups".into(),
            user: "drf".into(),
            features: vec!["UCM".into()],
        }),
    };
    let hands = hands(sim);
    let mut op = Quiet::default();
    let mut driver = Driver::new(
        hands,
        facts.clone(),
        plan,
        program,
        journal,
        options,
        &mut op,
    );
    driver.run().await.expect("the journal is writable")
}

fn hands(sim: &SimServer) -> Hands {
    Hands::new(
        session(sim),
        HandsOptions {
            ssh: SshOptions::default(),
            os: os(),
        },
    )
}

fn records(dir: &Path) -> Vec<Record> {
    Journal::read(dir).expect("journal reads")
}

/// Whether each evaluation of gate `id` in `records` passed, in order.
fn gate_passes(records: &[Record], id: &str) -> Vec<bool> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Gate { step, passed, .. } if step == id => Some(*passed),
            _ => None,
        })
        .collect()
}

/// The cluster served with `faults`, a new journal folder `label`, the cluster's facts and
/// its safe plan.
async fn planned(faults: &str, label: &str) -> (SimServer, TempDir, RegenFacts, String) {
    let sim = serve(faults).await;
    let dir = TempDir::new(label);
    let (facts, plan) = facts_and_plan(&sim).await;
    (sim, dir, facts, plan)
}

/// [`drive`] (resumed, not forced), asserted to finish.
async fn drive_to_the_end(sim: &SimServer, facts: &RegenFacts, plan: &str, dir: &Path) {
    let end = drive(sim, facts, plan, dir, None).await;
    assert_eq!(end, RunEnd::Finished);
}

/// Runs `test` within 150 s on the cluster served with `faults`, with a new journal folder
/// `label`, the cluster's facts and its safe plan ([`planned`]); then stops the cluster.
async fn on_planned(
    faults: &str,
    label: &str,
    test: impl AsyncFnOnce(&SimServer, &Path, &RegenFacts, &str),
) {
    within(150, async {
        let (sim, dir, facts, plan) = planned(faults, label).await;
        test(&sim, dir.path(), &facts, &plan).await;
        sim.shutdown().await;
    })
    .await;
}

/// The reason of a run that held, asserted to have held at step `at`.
#[track_caller]
fn held_at(end: RunEnd, at: &str) -> String {
    let RunEnd::Held { step, reason, .. } = end else {
        panic!("not held: {end:?}");
    };
    assert_eq!(step, at);
    reason
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_that_stay_down_hold_g_reg_until_they_are_back() {
    on_planned("phones-stay-down=10%", "regen-sim-down", async |sim, dir, facts, plan| {
        let reason = held_at(drive(sim, facts, plan, dir, None).await, "12.1");
        assert!(
            reason.starts_with(
                "gate registered of phase 1 holds: 4 of 40 phones did not register again; "
            ),
            "{reason}"
        );
        let down: Vec<String> = reason
            .split("; ")
            .filter_map(|p| p.strip_suffix(": not registered"))
            .map(str::to_owned)
            .collect();
        assert_eq!(down.len(), 4, "{reason}");

        // Resumed while the phones are still down: it holds again, naming the same phones.
        let first = reason.clone();
        let end = drive(sim, facts, plan, dir, None).await;
        assert!(
            matches!(&end, RunEnd::Held { step, reason, .. } if step == "12.1" && *reason == first),
            "{end:?}"
        );

        // The fix: the fault cleared and the phones power-cycled; resume completes.
        assert!(sim.handle().clear_fault(FaultKind::PhonesStayDown));
        let selector = PhoneSelector::Names(down.clone());
        sim.handle()
            .write(|c| c.reset_phones(&selector, ResetKind::default()))
            .expect("reset");
        drive_to_the_end(sim, facts, plan, dir).await;
        let recs = records(dir);
        assert_eq!(gate_passes(&recs, "12.1"), vec![false, false, true]);
        assert!(matches!(recs.last(), Some(Record::Finished { .. })));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_that_fails_holds_its_step_until_it_starts() {
    on_planned("restart-fails=TFTP@ucm-sub1", "regen-sim-restart", async |sim, dir, facts, plan| {
        let reason = held_at(drive(sim, facts, plan, dir, None).await, "8.1");
        assert!(
            reason.starts_with("step 8.1 (control center ucm-sub1: soapDoControlServices Restart \"Cisco Tftp\") failed: ucm-sub1: Cisco Tftp is not Started after "),
            "{reason}"
        );
        assert!(sim.handle().clear_fault(FaultKind::RestartFails));
        drive_to_the_end(sim, facts, plan, dir).await;
        // The failed step was observed (Tftp stopped), run again and done; 8.2 ran once.
        let recs = records(dir);
        let starts = |id: &str| {
            recs.iter()
                .filter(|r| matches!(r, Record::StepStart { step, .. } if step == id))
                .count()
        };
        assert_eq!((starts("8.1"), starts("8.2")), (2, 1));
        assert!(recs.iter().any(|r| matches!(r, Record::Note { text, .. }
            if text == "8.1: observed not to have taken effect; run again")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tftp_node_that_is_down_holds_g_file_until_it_serves() {
    on_planned(
        "tftp-down=ucm-sub1",
        "regen-sim-tftp",
        async |sim, dir, facts, plan| {
            // Unforced, the phase cannot be predicted (no ITL from ucm-sub1): refused.
            let refused = TempDir::new("regen-sim-tftp-refused");
            let end = drive(sim, facts, plan, refused.path(), None).await;
            assert_eq!(
                end,
                RunEnd::Refused {
                    phase: 1,
                    rejected: vec![]
                }
            );
            let reason = held_at(
                drive(sim, facts, plan, dir, Some("lab: TFTP down")).await,
                "10.1",
            );
            assert!(
                reason
                    .starts_with("gate files of phase 1 holds: ucm-sub1: serves no ITLFile.tlv ("),
                "{reason}"
            );
            assert!(sim.handle().clear_fault(FaultKind::TftpDown));
            drive_to_the_end(sim, facts, plan, dir).await;
            assert_eq!(gate_passes(&records(dir), "10.1"), vec![false, true]);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_itl_file_status_is_read_on_14_and_absent_before() {
    within(60, async {
        // 14+: every phone's status, as its faults make it: Mismatch for a stale ITL, Not
        // Installed for none, Unknown for a phone that is off or holds no ITL by design.
        let sim = serve_release(
            Generation::V14,
            "stale-itl=3,no-itl=2,web-off=4,powered-off=2",
        )
        .await;
        let statuses = hands(&sim)
            .itl_file_status()
            .await
            .expect("the query answers")
            .expect("14+ has the table");
        let expected: BTreeMap<String, ItlFileStatus> = sim.handle().read(|c| {
            c.phones()
                .iter()
                .map(|p| {
                    let status = if !p.powered || !p.registered || !p.model.holds_itl() {
                        ItlFileStatus::Unknown
                    } else {
                        match p.fault.map(|f| f.kind) {
                            Some(FaultKind::StaleItl) => ItlFileStatus::Mismatch,
                            Some(FaultKind::NoItl) => ItlFileStatus::NotInstalled,
                            _ => ItlFileStatus::Match,
                        }
                    };
                    (p.name.clone(), status)
                })
                .collect()
        });
        assert_eq!(statuses, expected);
        let count = |s: ItlFileStatus| statuses.values().filter(|v| **v == s).count();
        assert_eq!(count(ItlFileStatus::Mismatch), 3);
        assert_eq!(count(ItlFileStatus::NotInstalled), 2);
        assert!(count(ItlFileStatus::Unknown) >= 2, "{statuses:?}");
        assert_eq!(statuses.len(), 40);
        sim.shutdown().await;

        // 12+: no such table; the query itself is refused.
        let sim = serve_release(Generation::V12, "").await;
        assert_eq!(hands(&sim).itl_file_status().await, Ok(None));
        let axl = session(&sim).axl().expect("axl client");
        assert!(
            axl.execute_sql(itl_wire::soap::axl::sql::ITL_FILE_STATUS)
                .await
                .is_err()
        );
        sim.shutdown().await;
    })
    .await;
}
