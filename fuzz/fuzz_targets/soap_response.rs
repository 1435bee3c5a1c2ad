//! Fuzz target `soap_response`: the checks of `fuzz/checks/soap_response.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/soap_response.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
