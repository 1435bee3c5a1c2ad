//! Replays the fuzzing corpus (`fuzz/corpus/parse`, including every input the fuzzer kept) on
//! the stable toolchain: nothing panics, and whatever parses re-serialises to its input.

use itl_core::{TrustList, render, signature, summary::ListSummary};

#[test]
fn replay_corpus() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/parse"));
    let mut count = 0;
    let mut parsed = 0;
    for entry in std::fs::read_dir(dir).expect("fuzz/corpus/parse exists") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        if let Ok(list) = TrustList::parse(&bytes) {
            assert_eq!(list.to_bytes(), bytes);
            let _ = render::render(&list, &render::RenderOptions::default());
            let _ = ListSummary::of(&list);
            let _ = signature::verify_self_signed(&list);
            parsed += 1;
        }
        count += 1;
    }
    assert!(count >= 31, "corpus has {count} inputs");
    assert!(parsed >= 9, "{parsed} of {count} parse");
}
