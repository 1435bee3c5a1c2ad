//! Fuzz target `parse`: the checks of `fuzz/checks/parse.rs` (shared with the corpus-replay
//! and property tests): any bytes through the parser, and everything a caller would do next
//! with a list that parsed. Nothing may panic; a parsed list must re-serialise to its input.
#![no_main]

#[path = "../checks/parse.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
