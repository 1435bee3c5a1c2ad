//! Fuzz target `cluster_file`: the checks of `fuzz/checks/cluster_file.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/cluster_file.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
