//! Fuzz target `ssh_shell`: the checks of `fuzz/checks/ssh_shell.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/ssh_shell.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
