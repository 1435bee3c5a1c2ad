//! The real CUCM CTL (`../shared/samples/real/`): it verifies (SHA-1, RSA-1024, record 1), its
//! certificates' validity windows, and a flipped byte in record 3 is caught.

mod verify_support;

use itl_core::verify::{FindingCode, verify_signature_with};
use itl_core::{Digest, TrustList};
use verify_support::*;

/// 2014-06-01T00:00:00Z: every certificate of the sample is valid (record 3 expires
/// 2014-11-24, the latest notBefore is 2013-04-22).
const JUNE_2014: i64 = 1_401_580_800;
/// 2016-01-01T00:00:00Z.
const JAN_2016: i64 = 1_451_606_400;
/// 2026-01-01T00:00:00Z.
const JAN_2026: i64 = 1_767_225_600;

#[test]
fn verifies_with_record_1() {
    let bytes = real_ctl();
    let report = check_at(&bytes, JUNE_2014);
    assert!(report.is_valid(), "{:?}", report.findings);
    assert!(report.signature.valid);
    assert_eq!(report.signature.signer_record, Some(1));
    assert_eq!(report.signature.digest, Some(Digest::Sha1));
    assert_eq!(report.signature.key_bits, Some(1024));
    assert_eq!(problems(&report), []);
    let mut expected = vec![(FindingCode::Sha1Digest, None)];
    for n in 1..=6 {
        expected.push((FindingCode::Key1024, Some(n)));
        expected.push((FindingCode::Sha1Certificate, Some(n)));
    }
    assert_eq!(all(&report), expected);
    let list = TrustList::parse(&bytes).unwrap();
    let signer = list.signer_match().unwrap();
    assert_eq!(
        (signer.index, signer.issuer_matches, signer.sast),
        (0, true, true)
    );
}

#[test]
fn expired_certificates_by_date() {
    let bytes = real_ctl();
    // gigantic-7 (record 3) expired on 2014-11-24, before the file was even written.
    let report = check_at(&bytes, JAN_2016);
    assert_only_problem(&report, FindingCode::Expired, Some(3));
    assert_eq!(
        report
            .findings
            .iter()
            .find(|f| f.code == FindingCode::Expired)
            .unwrap()
            .message,
        "the certificate expired on 2014-11-24T09:25:22Z"
    );
    assert!(report.signature.valid);
    assert!(!report.is_valid());
    // By 2026 all of them have.
    let report = check_at(&bytes, JAN_2026);
    assert_eq!(
        problems(&report),
        (1..=6)
            .map(|n| (FindingCode::Expired, Some(n)))
            .collect::<Vec<_>>()
    );
    // Weeks before record 3's end: expiring soon.
    let report = check_at(&bytes, 1_415_000_000); // 2014-11-03
    assert_only_problem(&report, FindingCode::ExpiringSoon, Some(3));
}

/// Record 3 of the sample, offset 2606: flips one byte of its `tag` element's value at
/// `delta` bytes into the value.
fn flipped(tag: u8, delta: usize) -> Vec<u8> {
    let mut bytes = real_ctl();
    let at = record_element(&bytes, 2, tag);
    assert_eq!(TrustList::parse(&bytes).unwrap().records()[2].offset, 2606);
    bytes[at + 3 + delta] ^= 0x01;
    bytes
}

#[test]
fn a_flipped_byte_in_record_3_fails() {
    // DNSNAME: only the signature notices.
    let report = check_at(&flipped(2, 0), JUNE_2014);
    assert_only_problem(&report, FindingCode::SignatureInvalid, Some(1));
    assert!(!report.signature.valid);
    // SUBJECTNAME: the record no longer names its certificate's subject.
    let report = check_at(&flipped(3, 4), JUNE_2014);
    assert_eq!(
        problems(&report),
        [
            (FindingCode::SignatureInvalid, Some(1)),
            (FindingCode::SubjectMismatch, Some(3))
        ]
    );
    // PUBLICKEY.
    let report = check_at(&flipped(7, 20), JUNE_2014);
    assert_eq!(
        problems(&report),
        [
            (FindingCode::SignatureInvalid, Some(1)),
            (FindingCode::PublicKeyMismatch, Some(3))
        ]
    );
    // The last byte of CERTIFICATE lies in the certificate's own signatureValue.
    let len = TrustList::parse(&real_ctl()).unwrap().records()[2]
        .certificate_der
        .unwrap()
        .len();
    let report = check_at(&flipped(9, len - 1), JUNE_2014);
    assert_eq!(
        problems(&report),
        [
            (FindingCode::SignatureInvalid, Some(1)),
            (FindingCode::RecordSignatureMismatch, Some(3))
        ]
    );
}

#[test]
fn a_zeroed_signature_fails() {
    let mut bytes = real_ctl();
    for b in &mut bytes[0x9E + 3..0x9E + 3 + 128] {
        *b = 0;
    }
    let report = check_at(&bytes, JUNE_2014);
    assert_only_problem(&report, FindingCode::SignatureInvalid, Some(1));
}

#[test]
fn only_record_1_certificate_verifies_it() {
    let bytes = real_ctl();
    let list = TrustList::parse(&bytes).unwrap();
    let certs: Vec<&[u8]> = list
        .records()
        .iter()
        .map(|r| r.certificate_der.unwrap())
        .collect();
    assert_eq!(verify_signature_with(&list, &certs), Some(0));
    // Record 2 holds the same certificate; records 3 to 6 do not verify it.
    assert_eq!(verify_signature_with(&list, &certs[1..]), Some(0));
    assert_eq!(verify_signature_with(&list, &certs[2..]), None);
}
