//! One module per subcommand.

pub mod cluster;
pub mod completions;
pub mod demo;
pub mod diff;
pub mod fetch;
pub mod man;
pub mod parse;
pub mod plan;
pub mod predict;
pub mod preflight;
pub mod regen;
pub mod regen_run;
pub mod sim;
pub mod sweep;
pub mod verify;
