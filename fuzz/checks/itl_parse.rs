//! Parser-only ITL/CTL check (target `itl_parse`, replayed by `itl-core/tests/fuzz_corpus.rs`):
//! any bytes through `TrustList::parse` and nothing else. Nothing may panic; a list that parses
//! re-serialises to exactly its input and has no more records than its input has bytes.

use itl_core::TrustList;

/// Checks one input.
pub fn check(data: &[u8]) {
    if let Ok(list) = TrustList::parse(data) {
        assert_eq!(
            list.to_bytes(),
            data,
            "a parsed list re-serialises to its input"
        );
        assert!(
            list.records().len() <= data.len(),
            "records bounded by input"
        );
    }
}
