//! Damaged copies of the real CTL: each damage gives its specific error, with the offset, the
//! place and the tag; nothing panics.

use itl_core::{Bound, ParseErrorKind, Part, TrustList};

fn sample() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"
    ))
    .unwrap()
}

fn err(bytes: &[u8]) -> itl_core::ParseError {
    TrustList::parse(bytes).expect_err("must not parse")
}

#[test]
fn certificate_length_past_record_end() {
    let mut b = sample();
    // Record 2 starts at 1459; its CERTIFICATE element is at 1459+5+14+58+5+58+11+143+131.
    let cert_at = 1459 + 5 + 14 + 58 + 5 + 58 + 11 + 143 + 131;
    assert_eq!(b[cert_at], 9);
    b[cert_at + 1..cert_at + 3].copy_from_slice(&2000u16.to_be_bytes());
    let e = err(&b);
    assert_eq!(e.offset, cert_at);
    assert_eq!(e.part, Part::Record(1));
    assert_eq!(e.tag, Some(9));
    assert_eq!(
        e.kind,
        ParseErrorKind::LengthOutOfBounds {
            length: 2000,
            bound: Bound::Record,
            end: 1459 + 1147
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "byte {cert_at}: record 2, tag 9 (CERTIFICATE): length 2000 runs past the end of the record at byte 2606"
        )
    );
}

#[test]
fn empty_and_tiny() {
    assert_eq!(err(&[]).kind, ParseErrorKind::Empty);
    assert_eq!(err(&[1, 0]).code(), "truncated");
    assert_eq!(err(&[2, 0, 2, 1, 2]).kind, ParseErrorKind::MissingVersion);
    assert_eq!(
        err(&[1, 0, 2, 1, 2, 3, 0, 2, 0, 0]).kind,
        ParseErrorKind::MissingHeaderLength
    );
}

#[test]
fn header_length_past_end_and_misaligned_walk() {
    let mut b = sample();
    b[8..10].copy_from_slice(&9000u16.to_be_bytes());
    assert_eq!(
        err(&b).kind,
        ParseErrorKind::HeaderLengthPastEnd {
            header_length: 9000,
            file_len: 7166
        }
    );
    let mut b = sample();
    b[8..10].copy_from_slice(&300u16.to_be_bytes()); // cuts FILENAME/TIMESTAMP
    let e = err(&b);
    assert_eq!(e.part, Part::Header);
    assert_eq!(e.code(), "length-out-of-bounds");
    assert_eq!(e.tag, Some(14));
}

#[test]
fn container_lying_about_its_length() {
    let mut b = sample();
    // SIGNATURE_INFO at 0x8C declares 15; make it 11 (cuts SIGNATURE_ALGO_INFO).
    b[0x8D..0x8F].copy_from_slice(&11u16.to_be_bytes());
    let e = err(&b);
    assert_eq!(e.offset, 0x8C);
    assert_eq!(e.tag, Some(7));
    assert_eq!(
        e.kind,
        ParseErrorKind::BadContainer {
            declared: 11,
            contents_end: 0x93
        }
    );
}

#[test]
fn record_damage() {
    let mut b = sample();
    b[312] = 2; // record 1 does not start with RECORD_LENGTH
    assert_eq!(err(&b).code(), "bad-record-start");
    let mut b = sample();
    b[315..317].copy_from_slice(&3u16.to_be_bytes());
    assert_eq!(
        err(&b).kind,
        ParseErrorKind::RecordLengthTooSmall { length: 3 }
    );
    let mut b = sample();
    b[6023 + 3..6023 + 5].copy_from_slice(&1200u16.to_be_bytes());
    assert_eq!(
        err(&b).kind,
        ParseErrorKind::RecordPastEnd {
            length: 1200,
            file_len: 7166
        }
    );
    let b = sample();
    assert_eq!(err(&b[..7000]).code(), "record-past-end");
    let mut b = sample();
    b.push(0x01);
    assert_eq!(err(&b).code(), "truncated");
}

#[test]
fn every_truncation_fails_cleanly() {
    let b = sample();
    let boundaries = [312, 1459, 2606, 3777, 4862, 6023];
    for len in 0..b.len() {
        let parsed = TrustList::parse(&b[..len]);
        // Record boundaries are the only cut points that parse (with fewer records).
        assert_eq!(parsed.is_ok(), boundaries.contains(&len), "cut at {len}");
    }
    for (cut, records) in [(312, 0), (1459, 1), (6023, 5)] {
        assert_eq!(
            TrustList::parse(&b[..cut]).unwrap().records().len(),
            records
        );
    }
}
