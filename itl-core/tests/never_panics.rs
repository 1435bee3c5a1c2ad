//! Property tests: arbitrary bytes, and the real CTL with arbitrary damage, never panic the
//! parser or anything a caller does next; whatever parses re-serialises to its input.

#[path = "../../fuzz/checks/parse.rs"]
mod parse;

use parse::check as exercise;
use proptest::prelude::*;

fn sample() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&bytes);
    }

    #[test]
    fn header_like_prefix(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = vec![1, 0, 2, 1, 2, 2, 0, 2];
        bytes.extend_from_slice(&tail);
        exercise(&bytes);
    }

    #[test]
    fn damaged_sample(edits in proptest::collection::vec((0usize..7166, any::<u8>()), 1..8), cut in 0usize..7200) {
        let mut bytes = sample();
        for (at, value) in edits {
            bytes[at] = value;
        }
        bytes.truncate(cut);
        exercise(&bytes);
    }
}
