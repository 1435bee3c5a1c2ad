//! Fuzz target: any bytes through the parser, and everything a caller would do next with a
//! list that parsed (render, summarise, re-serialise, check the signature, decode the
//! certificates). Nothing may panic; a parsed list must re-serialise to its input.
#![no_main]

use itl_core::{TrustList, render, signature, summary::ListSummary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = TrustList::parse(data) {
        assert_eq!(list.to_bytes(), data);
        let _ = render::render(&list, &render::RenderOptions::default());
        let _ = ListSummary::of(&list);
        let _ = signature::verify_self_signed(&list);
        for record in list.records() {
            let _ = record.certificate();
        }
    }
});
