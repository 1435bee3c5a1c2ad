//! What a caller does with bytes that may be a trust list: parse, re-serialise, render,
//! summarise, check the signature, decode the certificates. One sequence for the property
//! tests (`never_panics.rs`) and the `parse` fuzz corpus replay (`fuzz_corpus.rs`); the
//! `parse` fuzz target runs the same steps.

use itl_core::{TrustList, render, signature, summary::ListSummary};

/// Runs every step on `bytes`: nothing may panic, and a list that parses re-serialises to
/// exactly its input.
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
