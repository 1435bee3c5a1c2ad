//! Fault injection: the spec (`--faults`) and its deterministic assignment to phones and nodes.

mod assign;
pub mod checks;
mod spec;

pub use assign::{AssignError, PhoneFault, assign_node_fault, assign_phone_faults};
pub use checks::{BackupFault, CheckFault, NodeTarget, UpgradeStage};
pub use spec::{
    Amount, DEFAULT_SLOW_DELAY, FaultItem, FaultKind, FaultSpec, FaultSpecError, FaultSpecErrorKind,
};
