//! Fuzz target `plan_file`: the checks of `fuzz/checks/plan_file.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/plan_file.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
