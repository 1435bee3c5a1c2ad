//! Full-pipeline ITL/CTL check (target `parse`, replayed by `itl-core/tests/fuzz_corpus.rs` and
//! run on generated inputs by `itl-core/tests/never_panics.rs`): what a caller does with bytes
//! that may be a trust list (parse, re-serialise, render, summarise, check the signature,
//! decode the certificates).

use itl_core::{TrustList, render, signature, summary::ListSummary};

/// Checks one input: nothing may panic, and a list that parses re-serialises to exactly its
/// input.
pub fn check(bytes: &[u8]) {
    if let Ok(list) = TrustList::parse(bytes) {
        assert_eq!(list.to_bytes(), bytes);
        let _ = render::render(&list, &render::RenderOptions::default());
        let _ = ListSummary::of(&list);
        let _ = signature::verify_self_signed(&list);
        for record in list.records() {
            let _ = record.certificate();
        }
    }
}
