//! Fuzz target `phone_page`: the checks of `fuzz/checks/phone_page.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/phone_page.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
