//! Replays the fuzzing corpora of the parsers this crate owns on the stable toolchain, each
//! input through the same checks the fuzz target runs (`fuzz/checks/<target>.rs`):
//!
//! * `parse`: the full pipeline (`pipeline/mod.rs`: parse, render, summarise, verify, decode
//!   certificates);
//! * `itl_parse`: the parser alone (round trip to the input bytes);
//! * `plan_file`: plan files (a parsed plan prints as the same plan; errors name lines).

use itl_core::TrustList;

mod pipeline;

#[path = "../../fuzz/checks/itl_parse.rs"]
mod itl_parse;
#[path = "../../fuzz/checks/plan_file.rs"]
mod plan_file;

use itl_testkit::replay_corpus as replay;

#[test]
fn replay_corpus() {
    let (count, parsed) = replay("parse", pipeline::check, |bytes| {
        TrustList::parse(bytes).is_ok()
    });
    assert!(count >= 31, "corpus has {count} inputs");
    assert!(parsed >= 9, "{parsed} of {count} parse");
}

#[test]
fn replay_itl_parse_corpus() {
    let (n, parsed) = replay("itl_parse", itl_parse::check, |bytes| {
        TrustList::parse(bytes).is_ok()
    });
    assert!(n >= 20, "corpus has {n} inputs");
    assert!(parsed >= 5, "{parsed} of {n} parse");
}

#[test]
fn replay_plan_file_corpus() {
    let (n, parsed) = replay("plan_file", plan_file::check, |bytes| {
        std::str::from_utf8(bytes).is_ok_and(|t| itl_core::plan::Plan::parse(t).is_ok())
    });
    assert!(n >= 10, "corpus has {n} inputs");
    assert!(parsed >= 3, "{parsed} of {n} parse");
}
