//! `itl-ops`: what acts on a CUCM cluster, built on the shared cluster session of `itl-cucm`.
//!
//! * [`preflight`]: the checklist an administrator runs before regenerating certificates
//!   (`trust-and-procedure.md` §4), automated with evidence.
//! * [`regen`]: the regeneration orchestrator (`itl regen`): plans, a sans-io executor with
//!   gates between phases, an fsynced journal, resume after a crash.
//!
//! What goes where: facts are *gathered* with the clients of `itl-cucm` (AXL, RisPort70, Control
//! Center, PerfMon, the admin CLI over SSH, the TFTP fetcher, the sweep); they are *judged* by
//! pure functions of this crate (one per check, one per gate), so that every rule is tested
//! without a network; presentation (tables, HTML) belongs to the CLI.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod preflight;
pub mod regen;
