//! The certificate-regeneration orchestrator (`trust-and-procedure.md` §5).
//!
//! Shape: [`plan`] writes a cluster's plan from its preflight facts (the plan-file syntax
//! `itl predict` reads; a plan's phases and gates are `itl_core::plan::Plan::phases`);
//! `executor` is a sans-io machine (like the TFTP client's) that decides the next step from the
//! journal and the observed facts and never reads the clock; `gates` are pure judgements of
//! G-SVC, G-FILE, G-REG and G-TRUST; `journal` is the append-only, fsynced record that makes
//! `resume` possible; `driver` performs the steps over SSH, Control Center and AXL.

pub mod plan;
