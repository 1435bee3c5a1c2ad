//! Replays the fuzzing corpora of the parsers this crate owns on the stable toolchain, each
//! input through the same checks the fuzz target runs (`fuzz/checks/<target>.rs`):
//!
//! * `parse`: the full pipeline (parse, render, summarise, verify, decode certificates);
//! * `itl_parse`: the parser alone (round trip to the input bytes);
//! * `plan_file`: plan files (a parsed plan prints as the same plan; errors name lines).

use itl_core::TrustList;

#[path = "../../fuzz/checks/itl_parse.rs"]
mod itl_parse;
#[path = "../../fuzz/checks/parse.rs"]
mod parse;
#[path = "../../fuzz/checks/plan_file.rs"]
mod plan_file;

use itl_testkit::replay_corpus as replay;

/// A corpus: its fuzz target, the check the target runs, which inputs the parser accepts,
/// and how many inputs and accepted inputs it holds at least.
struct Corpus {
    target: &'static str,
    check: fn(&[u8]),
    accepts: fn(&[u8]) -> bool,
    inputs: usize,
    accepted: usize,
}

const CORPORA: [Corpus; 3] = [
    Corpus {
        target: "parse",
        check: parse::check,
        accepts: |bytes| TrustList::parse(bytes).is_ok(),
        inputs: 31,
        accepted: 9,
    },
    Corpus {
        target: "itl_parse",
        check: itl_parse::check,
        accepts: |bytes| TrustList::parse(bytes).is_ok(),
        inputs: 20,
        accepted: 5,
    },
    Corpus {
        target: "plan_file",
        check: plan_file::check,
        accepts: |bytes| {
            std::str::from_utf8(bytes).is_ok_and(|t| itl_core::plan::Plan::parse(t).is_ok())
        },
        inputs: 10,
        accepted: 3,
    },
];

#[test]
fn replay_every_corpus() {
    for corpus in &CORPORA {
        let (n, accepted) = replay(corpus.target, corpus.check, corpus.accepts);
        let target = corpus.target;
        assert!(n >= corpus.inputs, "{target}: corpus has {n} inputs");
        assert!(
            accepted >= corpus.accepted,
            "{target}: {accepted} of {n} parse"
        );
    }
}
