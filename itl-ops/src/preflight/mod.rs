//! The preflight checklist (`trust-and-procedure.md` §4, items 1–16, plus the hazards of §5.4
//! and `cucm-interfaces.md` §6.5).
//!
//! Shape: [`gather`] collects facts from the cluster concurrently (each fact with the evidence
//! it came from: the command, SQL or file and the relevant output lines); [`checks`] holds one
//! pure function per check id (`rollback-parameter`, `db-replication`, `phone-trust`, …) from
//! facts to a status (`pass`, `info`, `warn`, `fail`, `skipped`), a summary and an action;
//! [`report`] is the serialisable result the CLI prints as tables, JSON and HTML; [`archive`]
//! keeps every TFTP node's `show itl` / `show ctl` output and served files, hash-keyed.
//!
//! ```no_run
//! # async fn example(session: itl_cucm::session::ClusterSession) {
//! use itl_ops::preflight::{GatherOptions, SweepInput, Thresholds, run};
//! let options = GatherOptions {
//!     ssh: Default::default(),
//!     os: None,
//!     sweep: SweepInput::None,
//!     now: 1_750_000_000,
//! };
//! let (report, _facts) = run(&session, &options, &Thresholds::default()).await;
//! println!("{} check(s) failed", report.count(itl_ops::preflight::Status::Fail));
//! # }
//! ```

pub mod archive;
pub mod checks;
pub mod facts;
pub mod gather;
pub mod report;

pub use archive::{ArchiveError, write_archive};
pub use checks::{CHECK_IDS, Thresholds, run_checks};
pub use facts::{Fact, Facts, Missing, NodeFacts, Observed};
pub use gather::{GatherOptions, OsCredentials, SweepInput, gather, sweep_cluster};
pub use report::{CheckResult, Evidence, PreflightReport, SCHEMA, Status};

use itl_cucm::session::ClusterSession;

/// Gathers the facts and judges them: the report, and the facts (for the archive).
pub async fn run(
    session: &ClusterSession,
    options: &GatherOptions,
    thresholds: &Thresholds,
) -> (PreflightReport, Facts) {
    let facts = gather(session, options).await;
    (judge(&facts, thresholds), facts)
}

/// The report of gathered facts (pure).
pub fn judge(facts: &Facts, thresholds: &Thresholds) -> PreflightReport {
    PreflightReport {
        schema: SCHEMA,
        cluster: facts.cluster.clone(),
        gathered: itl_core::UnixTime::from_secs(facts.now).to_rfc3339(),
        checks: run_checks(facts, thresholds),
        archived: Vec::new(),
    }
}
