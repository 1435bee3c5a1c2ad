//! Fuzz target `admin_cli_output`: the checks of `fuzz/checks/admin_cli_output.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/admin_cli_output.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
