//! Fuzz target `tftp_packet`: the checks of `fuzz/checks/tftp_packet.rs` (shared with the corpus-replay test).
#![no_main]

#[path = "../checks/tftp_packet.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
