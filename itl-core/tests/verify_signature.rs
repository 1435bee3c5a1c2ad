//! The file signature: every digest × key size accepted and rejected, each tampered part of the
//! file rejected with the right finding, signer selection, the external trust set.

mod verify_support;

use itl_core::tlv::header_tag as h;
use itl_core::verify::{FindingCode, VerifyOptions, verify_signature, verify_signature_with};
use itl_core::{Digest, Function, SignerInfo, TrustList, TrustListBuilder};
use verify_support::*;

const KEYS: [(&str, usize); 3] = [
    ("ucm-pub-CallManager-1024", 1024),
    ("ucm-pub-CallManager", 2048),
    ("ucm-pub-CallManager-4096", 4096),
];
const DIGESTS: [Digest; 3] = [Digest::Sha1, Digest::Sha256, Digest::Sha512];

#[test]
fn every_digest_and_key_size_verifies() {
    for digest in DIGESTS {
        for (name, bits) in KEYS {
            let bytes = itl(digest, name);
            let report = check(&bytes);
            assert!(report.is_valid(), "{digest} {bits}: {:?}", report.findings);
            assert!(report.signature.valid);
            assert_eq!(report.signature.signer_record, Some(1));
            assert_eq!(report.signature.digest, Some(digest));
            assert_eq!(report.signature.key_bits, Some(bits));
            assert_eq!(problems(&report), [], "{digest} {bits}");
        }
    }
}

#[test]
fn every_digest_and_key_size_rejects_a_changed_byte() {
    for digest in DIGESTS {
        for (name, bits) in KEYS {
            let mut bytes = itl(digest, name);
            // The last byte: the CAPF record's IPADDRESS, which no record check looks at.
            *bytes.last_mut().unwrap() ^= 0x01;
            let report = check(&bytes);
            assert!(!report.is_valid());
            assert!(!report.signature.valid);
            assert_eq!(report.signature.signer_record, Some(1));
            assert_eq!(report.signature.key_bits, Some(bits));
            assert_eq!(
                problems(&report),
                [(FindingCode::SignatureInvalid, Some(1))],
                "{digest} {bits}"
            );
        }
    }
}

#[test]
fn informational_findings_name_sha1_and_1024_bit_keys() {
    let report = check(&itl(Digest::Sha1, "ucm-pub-CallManager-1024"));
    assert_eq!(
        all(&report),
        [
            (FindingCode::Sha1Digest, None),
            (FindingCode::Key1024, Some(1)),
            (FindingCode::Key1024, Some(3)),
        ]
    );
    assert!(report.is_valid());
    let report = check(&itl(Digest::Sha256, "ucm-pub-CallManager"));
    assert_eq!(all(&report), []);
}

fn sha256_itl() -> Vec<u8> {
    itl(Digest::Sha256, "ucm-pub-CallManager")
}

#[test]
fn tampered_timestamp_fails() {
    let good = sha256_itl();
    assert_eq!(problems(&check(&good)), []);
    let mut bytes = good;
    let at = header_element(&bytes, h::TIMESTAMP);
    bytes[at + 6] ^= 0x01;
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::SignatureInvalid, Some(1));
    assert!(!report.signature.valid);
}

#[test]
fn tampered_record_fails() {
    // DNSNAME of record 4: covered by the signature, not compared with the certificate.
    let mut bytes = sha256_itl();
    let at = record_element(&bytes, 3, 2);
    bytes[at + 3] ^= 0x01;
    assert_only_problem(&check(&bytes), FindingCode::SignatureInvalid, Some(1));
    // SUBJECTNAME of record 4: the signature and the record check both notice.
    let mut bytes = sha256_itl();
    let at = record_element(&bytes, 3, 3);
    bytes[at + 6] ^= 0x01; // "CN=TVS-…" → "CN=UVS-…"
    assert_eq!(
        problems(&check(&bytes)),
        [
            (FindingCode::SignatureInvalid, Some(1)),
            (FindingCode::SubjectMismatch, Some(4))
        ]
    );
}

#[test]
fn tampered_signature_fails() {
    for position in [0usize, 100, 255] {
        let mut bytes = sha256_itl();
        let at = header_element(&bytes, h::SIGNATURE);
        bytes[at + 3 + position] ^= 0x80;
        let report = check(&bytes);
        assert_only_problem(&report, FindingCode::SignatureInvalid, Some(1));
    }
}

/// Inserts `extra` PADDING bytes at the end of the header and moves HEADER_LENGTH.
fn pad(bytes: &[u8], extra: usize) -> Vec<u8> {
    let hl = usize::from(u16::from_be_bytes([bytes[8], bytes[9]]));
    let mut out = bytes[..hl].to_vec();
    out.extend(std::iter::repeat_n(h::PADDING, extra));
    out.extend_from_slice(&bytes[hl..]);
    out[8..10].copy_from_slice(&((hl + extra) as u16).to_be_bytes());
    out
}

#[test]
fn tampered_padding_fails() {
    let good = sha256_itl();
    // Four more PADDING bytes keep the header aligned: only the signature notices.
    let report = check(&pad(&good, 4));
    assert_only_problem(&report, FindingCode::SignatureInvalid, Some(1));
    // One more: unaligned as well.
    let report = check(&pad(&good, 1));
    assert_eq!(
        problems(&report),
        [
            (FindingCode::SignatureInvalid, Some(1)),
            (FindingCode::HeaderLengthUnaligned, None)
        ]
    );
    // The padding removed (HEADER_LENGTH moved back): unaligned, and not the signed bytes.
    let list = TrustList::parse(&good).unwrap();
    let padding = list.header().padding;
    assert_eq!(padding, 3);
    let hl = usize::from(list.header().header_length);
    let mut bytes = good[..hl - padding].to_vec();
    bytes.extend_from_slice(&good[hl..]);
    bytes[8..10].copy_from_slice(&((hl - padding) as u16).to_be_bytes());
    assert_eq!(
        problems(&check(&bytes)),
        [
            (FindingCode::SignatureInvalid, Some(1)),
            (FindingCode::HeaderLengthUnaligned, None)
        ]
    );
}

#[test]
fn digest_code_changes_are_caught() {
    let good = sha256_itl();
    let at = header_element(&good, h::DIGEST_ALGORITHM) + 3;
    assert_eq!(good[at], 2);
    // SHA-256 → SHA-512: the digest code is signed.
    let mut bytes = good.clone();
    bytes[at] = 3;
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::SignatureInvalid, Some(1));
    assert_eq!(report.signature.digest, Some(Digest::Sha512));
    // An unknown digest is not tried at all.
    let mut bytes = good.clone();
    bytes[at] = 9;
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::DigestUnsupported, None);
    assert!(!report.signature.valid);
    assert_eq!(report.signature.signer_record, Some(1));
}

#[test]
fn legacy_digest_code_4_verifies_as_sha512_with_a_warning() {
    let bytes = itl(Digest::LegacySha512, "ucm-pub-CallManager");
    let report = check(&bytes);
    assert!(report.signature.valid);
    assert!(report.is_valid());
    assert_only_problem(&report, FindingCode::DigestLegacyCode, None);
    // Twin: the same file claiming SHA-512 (3) is a different signed message.
    let mut bytes = bytes;
    let at = header_element(&bytes, h::DIGEST_ALGORITHM) + 3;
    bytes[at] = 3;
    assert_only_problem(&check(&bytes), FindingCode::SignatureInvalid, Some(1));
}

/// The SHA-256 ITL with the one-byte value of header element `tag`, which must be `was`,
/// set to `now`.
fn header_byte_changed(tag: u8, was: u8, now: u8) -> Vec<u8> {
    let mut bytes = sha256_itl();
    let at = header_element(&bytes, tag) + 3;
    assert_eq!(bytes[at], was);
    bytes[at] = now;
    bytes
}

#[test]
fn signature_algorithm_must_be_rsa() {
    let bytes = header_byte_changed(h::SIGNATURE_ALGORITHM, 0, 1);
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::SignatureAlgorithmUnsupported, None);
    assert!(!report.signature.valid);
}

#[test]
fn signature_modulus_index_must_match() {
    for index in [3, 7] {
        let bytes = header_byte_changed(h::SIGNATURE_MODULUS, 2, index);
        assert_eq!(
            problems(&check(&bytes)),
            [
                (FindingCode::SignatureLengthMismatch, None),
                (FindingCode::SignatureInvalid, Some(1))
            ],
            "modulus index {index}"
        );
    }
}

#[test]
fn signature_length_must_match_the_signer_key() {
    // Signed with the 2048-bit key while SIGNER_INFO names the 1024-bit certificate.
    let records = itl_records("ucm-pub-CallManager-1024");
    let mut builder = TrustListBuilder::new("ITLFile.tlv", STAMP as u32);
    builder.records = records;
    let bytes = builder
        .sign(
            &key("ucm-pub-CallManager"),
            &SignerInfo::from_certificate(&cert("ucm-pub-CallManager-1024")).unwrap(),
        )
        .unwrap();
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::SignatureLengthMismatch, Some(1));
    assert_eq!(report.signature.key_bits, Some(1024));
    assert!(!report.signature.valid);
}

#[test]
fn signer_not_found() {
    let mut bytes = sha256_itl();
    let at = header_element(&bytes, h::SIGNER_SERIAL) + 3;
    bytes[at] ^= 0x01;
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::SignerNotFound, None);
    assert_eq!(report.signature.signer_record, None);
    assert!(!report.signature.valid);
}

fn signed_with_info(records: Vec<itl_core::RecordSpec>, info: SignerInfo) -> Vec<u8> {
    let mut builder = TrustListBuilder::new("ITLFile.tlv", STAMP as u32);
    builder.records = records;
    builder.sign(&key("ucm-pub-CallManager"), &info).unwrap()
}

#[test]
fn signer_issuer_is_compared_by_attribute() {
    let cm = cert("ucm-pub-CallManager");
    let mut info = SignerInfo::from_certificate(&cm).unwrap();
    // certutils spelling of the same issuer: same name.
    info.issuer = "CN=ucm-pub.example.org,OU=UC,O=Example Health,L=Durham,ST=NC,C=US".into();
    let report = check(&signed_with_info(
        itl_records("ucm-pub-CallManager"),
        info.clone(),
    ));
    assert!(report.is_valid());
    assert_eq!(problems(&report), []);
    // Another issuer: the serial alone selects the signer, with a warning.
    info.issuer = "CN=Somebody Else;O=Example Health".into();
    let report = check(&signed_with_info(itl_records("ucm-pub-CallManager"), info));
    assert!(report.signature.valid);
    assert_eq!(report.signature.signer_record, Some(1));
    assert_only_problem(&report, FindingCode::SignerIssuerMismatch, Some(1));
}

#[test]
fn a_signer_outside_the_sast_records_is_verified_and_reported() {
    let cm = cert("ucm-pub-CallManager");
    let mut records = itl_records("ucm-pub-CallManager");
    records.remove(0); // no SAST record for the CallManager certificate: TFTP is record 2
    let report = check(&signed_with_info(
        records,
        SignerInfo::from_certificate(&cm).unwrap(),
    ));
    assert!(report.signature.valid);
    assert_eq!(report.signature.signer_record, Some(2));
    assert_only_problem(&report, FindingCode::SignerNotSast, Some(2));
    // The signer index of the parser only names SAST records.
    let bytes = signed_with_info(
        itl_records("ucm-pub-CallManager")[1..].to_vec(),
        SignerInfo::from_certificate(&cm).unwrap(),
    );
    let list = TrustList::parse(&bytes).unwrap();
    assert_eq!(list.signer_index(), None);
    assert_eq!(list.signer_match().map(|m| m.index), Some(1));
}

#[test]
fn an_ec_signer_is_unsupported() {
    let ec = cert("ucm-pub-CallManager-ECDSA");
    let mut records = itl_records("ucm-pub-CallManager");
    records.push(rec(
        Function::AppServer,
        "ucm-pub-CallManager-ECDSA",
        "ucm-pub",
        PUB,
    ));
    let report = check(&signed_with_info(
        records,
        SignerInfo::from_certificate(&ec).unwrap(),
    ));
    assert_eq!(
        problems(&report),
        [
            (FindingCode::SignerNotSast, Some(7)),
            (FindingCode::SignerKeyUnsupported, Some(7))
        ]
    );
    assert_eq!(report.signature.key_bits, None);
    assert!(!report.signature.valid);
}

#[test]
fn a_signer_record_without_a_valid_certificate() {
    let cm = cert("ucm-pub-CallManager");
    let mut records = itl_records("ucm-pub-CallManager");
    // Record 1 keeps the signer's serial but its certificate is cut short.
    let der = records[0].certificate.take().unwrap();
    records[0].certificate = Some(der[..der.len() - 1].to_vec());
    let report = check(&signed_with_info(
        records.clone(),
        SignerInfo::from_certificate(&cm).unwrap(),
    ));
    assert_eq!(
        problems(&report),
        [
            (FindingCode::SignerCertificateInvalid, Some(1)),
            (FindingCode::CertificateInvalid, Some(1))
        ]
    );
    records[0].certificate = None;
    let report = check(&signed_with_info(
        records,
        SignerInfo::from_certificate(&cm).unwrap(),
    ));
    assert_only_problem(&report, FindingCode::SignerCertificateInvalid, Some(1));
}

#[test]
fn a_list_without_its_signature_is_unsigned() {
    let good = sha256_itl();
    let list = TrustList::parse(&good).unwrap();
    let sig = list.header().signature.unwrap().span();
    let hl = usize::from(list.header().header_length);
    // Cut SIGNATURE (3 + 256 bytes) and pad back to a multiple of 4.
    let mut bytes = good[..sig.start].to_vec();
    bytes.extend_from_slice(&good[sig.end..hl]);
    let cut = sig.len();
    let pad = (4 - (hl - cut) % 4) % 4;
    bytes.extend(std::iter::repeat_n(h::PADDING, pad));
    let new_hl = (bytes.len()) as u16;
    bytes[8..10].copy_from_slice(&new_hl.to_be_bytes());
    bytes.extend_from_slice(&good[hl..]);
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::Unsigned, None);
    assert_eq!(
        report.findings[0].message,
        "the header has no SIGNATURE: the file cannot be verified"
    );
    assert!(!report.signature.valid);
    assert_eq!(report.signature.signer_record, None);
}

#[test]
fn external_trust_set() {
    let bytes = fixture("itl-12-sha512.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    let itlrec = cert("ucm-pub-ITLRecovery");
    let cm = cert("ucm-pub-CallManager");
    let tvs = cert("ucm-pub-TVS");
    let ec = cert("ucm-pub-CallManager-ECDSA");
    assert_eq!(verify_signature_with(&list, &[&itlrec]), Some(0));
    assert_eq!(verify_signature_with(&list, &[&ec, &cm, &itlrec]), Some(2));
    assert_eq!(verify_signature_with(&list, &[&cm, &tvs, &ec]), None);
    assert_eq!(verify_signature_with(&list, &[]), None);
    let mut tampered = bytes.clone();
    *tampered.last_mut().unwrap() ^= 1;
    let list = TrustList::parse(&tampered).unwrap();
    assert_eq!(verify_signature_with(&list, &[&itlrec]), None);
}

#[test]
fn signature_only_and_cache_free_verification_agree() {
    let bytes = fixture("ctl-mixed-sha256.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    let (report, findings) = verify_signature(&list, None);
    assert!(report.valid);
    assert_eq!(report.signer_record, Some(1));
    assert!(findings.is_empty());
    let cold = itl_core::verify::verify(
        &list,
        &VerifyOptions::new(itl_core::UnixTime::from_secs(STAMP)).without_cache(),
    );
    let warm_options = VerifyOptions::new(itl_core::UnixTime::from_secs(STAMP));
    let warm1 = itl_core::verify::verify(&list, &warm_options);
    let warm2 = itl_core::verify::verify(&list, &warm_options);
    assert_eq!(cold, warm1);
    assert_eq!(warm1, warm2);
    assert_eq!(warm_options.cache.as_ref().map(|c| c.len()), Some(4));
}
