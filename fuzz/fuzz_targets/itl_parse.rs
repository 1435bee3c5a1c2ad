//! Fuzz target `itl_parse`: the checks of `fuzz/checks/itl_parse.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/itl_parse.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
