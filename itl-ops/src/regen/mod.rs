//! The certificate-regeneration orchestrator (`trust-and-procedure.md` §5).
//!
//! Shape:
//! * [`plan`] writes a cluster's plan from its preflight facts (the plan-file syntax
//!   `itl predict` reads; a plan's phases and gates are `itl_core::plan::Plan::phases`);
//! * [`program`] turns a plan into the concrete actions it stands for on the cluster the
//!   facts describe, each with an id and the exact command it sends (what a dry run prints);
//! * [`forecast`] reads the predictor's verdicts phase by phase (a phase that would leave a
//!   phone that is on rejecting is refused unless forced);
//! * [`executor`] is a sans-io machine (like the TFTP client's): a fold over the journal that
//!   says what to do next, never reading the clock;
//! * [`refusal`] says what stops an execution before anything changes (failing preflight
//!   checks, CA-signed certificates the program would regenerate);
//! * [`settle`] judges, after a crash, whether a step that started took effect, so that
//!   `resume` never repeats a step blindly;
//! * [`gates`] are pure judgements of G-SVC, G-FILE, G-REG and G-TRUST;
//! * [`journal`] is the append-only, fsynced, locked record that makes `resume` possible.

pub mod driver;
pub mod executor;
pub mod forecast;
pub mod gates;
pub mod journal;
pub mod plan;
pub mod program;
pub mod refusal;
pub mod settle;
