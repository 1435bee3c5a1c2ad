//! Per-record checks: every field against the certificate, CERT_HASH, validity at `now`.
//! Each rejected variant has an accepted twin.

mod verify_support;

use itl_core::verify::FindingCode;
use itl_core::{Digest, Function, RecordSpec};
use std::net::Ipv4Addr;
use verify_support::*;

/// An ITL (SHA-256, ucm-pub CallManager) whose record 4 (TVS of ucm-pub) is `edit`ed.
fn with_record_4(edit: impl FnOnce(&mut RecordSpec)) -> Vec<u8> {
    let mut records = itl_records("ucm-pub-CallManager");
    edit(&mut records[3]);
    sign(
        "ITLFile.tlv",
        Digest::Sha256,
        records,
        "ucm-pub-CallManager",
        "ucm-pub-CallManager",
    )
}

/// Asserts that the file verifies and that its one problem is `code` at `record`.
#[track_caller]
fn assert_only_problem_of(bytes: &[u8], code: FindingCode, record: Option<usize>) {
    assert_eq!(problems_of(bytes), [(code, record)]);
}

fn problems_of(bytes: &[u8]) -> Vec<(FindingCode, Option<usize>)> {
    let report = check(bytes);
    assert!(report.signature.valid, "{:?}", report.findings);
    problems(&report)
}

#[test]
fn a_faithful_record_has_no_findings() {
    assert_eq!(problems_of(&with_record_4(|_| {})), []);
}

/// A record field compared with its certificate: an edit that makes it disagree (the one
/// problem `code`, saying `message`) and an edit that keeps it faithful (no problem).
struct FieldCase {
    field: &'static str,
    disagree: fn(&mut RecordSpec),
    code: FindingCode,
    message: &'static str,
    faithful: fn(&mut RecordSpec),
}

const FIELD_CASES: [FieldCase; 5] = [
    FieldCase {
        field: "PUBLICKEY",
        disagree: |r| {
            let other = RecordSpec::from_certificate(Function::Tvs, &cert("ucm-sub1-TVS"));
            r.public_key = other.unwrap().public_key;
        },
        code: FindingCode::PublicKeyMismatch,
        message: "PUBLICKEY (270 bytes) is not the certificate's key (270 bytes)",
        // No key to compare.
        faithful: |r| r.public_key = None,
    },
    FieldCase {
        field: "SERIALNUMBER",
        disagree: |r| r.serial = Some(vec![0x2b, 0x03]),
        code: FindingCode::SerialMismatch,
        message: "SERIALNUMBER 2B:03 but the certificate's serial is 2B:01",
        // A leading zero byte is the same number.
        faithful: |r| r.serial = Some(vec![0x00, 0x2b, 0x01]),
    },
    FieldCase {
        field: "SUBJECTNAME",
        disagree: |r| {
            r.subject = Some("CN=TVS-ucm-sub1;OU=UC;O=Example Health;L=Durham;ST=NC;C=US".into())
        },
        code: FindingCode::SubjectMismatch,
        message: "SUBJECTNAME `CN=TVS-ucm-sub1;OU=UC;O=Example Health;L=Durham;ST=NC;C=US` but \
                  the certificate's subject is \
                  `CN=TVS-ucm-pub;OU=UC;O=Example Health;L=Durham;ST=NC;C=US`",
        // certutils spelling, another order: the same name.
        faithful: |r| {
            r.subject = Some("O=Example Health,CN=TVS-ucm-pub,C=US,ST=NC,L=Durham,OU=UC".into())
        },
    },
    FieldCase {
        field: "ISSUERNAME",
        disagree: |r| r.issuer = Some("CN=Some CA;O=Example Health".into()),
        code: FindingCode::IssuerMismatch,
        message: "ISSUERNAME `CN=Some CA;O=Example Health` but the certificate's issuer is \
                  `CN=TVS-ucm-pub;OU=UC;O=Example Health;L=Durham;ST=NC;C=US`",
        faithful: |r| {
            r.issuer =
                Some("cn=\"TVS-ucm-pub\";ou=UC;o=\"Example Health\";l=Durham;st=NC;c=US".into())
        },
    },
    FieldCase {
        field: "SIGNATURE",
        disagree: |r| {
            if let Some(sig) = r.signature.as_mut() {
                sig[10] ^= 1;
            }
        },
        code: FindingCode::RecordSignatureMismatch,
        message: "SIGNATURE (256 bytes) is not the certificate's signatureValue (256 bytes)",
        // eToken records carry no SIGNATURE: nothing to compare.
        faithful: |r| r.signature = None,
    },
];

#[test]
fn each_field_against_the_certificate() {
    for case in &FIELD_CASES {
        let bytes = with_record_4(case.disagree);
        let report = check(&bytes);
        assert!(
            report.signature.valid,
            "{}: {:?}",
            case.field, report.findings
        );
        assert_eq!(problems(&report), [(case.code, Some(4))], "{}", case.field);
        assert_eq!(report.findings[0].message, case.message, "{}", case.field);
        let faithful = problems_of(&with_record_4(case.faithful));
        assert_eq!(faithful, [], "{} faithful", case.field);
    }
}

#[test]
fn a_subject_missing_an_attribute_is_another_name() {
    let bytes = with_record_4(|r| r.subject = Some("CN=TVS-ucm-pub".into()));
    assert_only_problem_of(&bytes, FindingCode::SubjectMismatch, Some(4));
}

fn sha1(bytes: &[u8]) -> Vec<u8> {
    itl_core::checksum::sha1(bytes).to_vec()
}

#[test]
fn cert_hash() {
    let der = cert("ucm-pub-TVS");
    // Tag 11 alone: SHA-1.
    let bytes = with_record_4(|r| r.cert_hash = Some(sha1(&der)));
    assert_eq!(problems_of(&bytes), []);
    let mut wrong = sha1(&der);
    wrong[0] ^= 1;
    let bytes = with_record_4(|r| r.cert_hash = Some(wrong));
    assert_only_problem_of(&bytes, FindingCode::CertHashMismatch, Some(4));
    // Tag 12 = 2: SHA-256.
    let sha256 = itl_core::checksum::sha256(&der).to_vec();
    let bytes = with_record_4(|r| {
        r.cert_hash = Some(sha256.clone());
        r.hash_algorithm = Some(vec![2]);
    });
    assert_eq!(problems_of(&bytes), []);
    let bytes = with_record_4(|r| {
        r.cert_hash = Some(sha1(&der));
        r.hash_algorithm = Some(vec![2]);
    });
    assert_only_problem_of(&bytes, FindingCode::CertHashMismatch, Some(4));
    // Tag 12 = 3: SHA-512.
    use sha2::Digest as _;
    let sha512 = sha2::Sha512::digest(&der).to_vec();
    let bytes = with_record_4(|r| {
        r.cert_hash = Some(sha512);
        r.hash_algorithm = Some(vec![3]);
    });
    assert_eq!(problems_of(&bytes), []);
    // Tag 12 names nothing known: not checked, said so.
    let bytes = with_record_4(|r| {
        r.cert_hash = Some(sha256);
        r.hash_algorithm = Some(vec![9]);
    });
    assert_only_problem_of(&bytes, FindingCode::HashAlgorithmUnsupported, Some(4));
}

#[test]
fn certificate_that_does_not_decode() {
    let bytes = with_record_4(|r| {
        if let Some(der) = r.certificate.as_mut() {
            der.truncate(100);
        }
    });
    assert_only_problem_of(&bytes, FindingCode::CertificateInvalid, Some(4));
    let bytes = with_record_4(|r| {
        if let Some(der) = r.certificate.as_mut() {
            der.push(0);
        }
    });
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::CertificateInvalid, Some(4));
    assert_eq!(
        report.findings[0].message,
        "CERTIFICATE (979 bytes) does not decode: 1 byte(s) after the end of the certificate"
    );
}

#[test]
fn ip_literal_against_ipaddress() {
    let bytes = with_record_4(|r| {
        r.dns_name = Some("10.10.1.11".into());
        r.ip = Some(Ipv4Addr::new(10, 10, 1, 12));
    });
    assert_only_problem_of(&bytes, FindingCode::IpAddressMismatch, Some(4));
    let bytes = with_record_4(|r| {
        r.dns_name = Some("10.10.1.11".into());
        r.ip = Some(Ipv4Addr::new(10, 10, 1, 11));
    });
    assert_eq!(problems_of(&bytes), []);
}

#[test]
fn function_missing() {
    let bytes = with_record_4(|r| r.function = None);
    assert_only_problem_of(&bytes, FindingCode::FunctionMissing, Some(4));
}

#[test]
fn validity_at_now() {
    let bytes = fixture("itl-expiring.tlv");
    // At the fixtures' STAMP: record 5 expires in 10 days, record 6 expired a day ago.
    let report = check_at(&bytes, STAMP);
    assert_eq!(
        problems(&report),
        [
            (FindingCode::ExpiringSoon, Some(5)),
            (FindingCode::Expired, Some(6))
        ]
    );
    assert_eq!(
        report.findings[0].message,
        "the certificate expires on 2025-06-11T12:00:00Z (10 day(s) from now)"
    );
    assert_eq!(
        report.findings[1].message,
        "the certificate expired on 2025-05-31T12:00:00Z"
    );
    assert!(report.signature.valid);
    assert!(!report.is_valid());
    // Two months earlier: nothing to say.
    let report = check_at(&bytes, STAMP - 60 * DAY);
    assert_eq!(problems(&report), []);
    assert!(report.is_valid());
    // 30 days before record 5 expires: not yet "soon"; one second later: soon (record 6,
    // which ends 11 days earlier, already is).
    let record5_end = STAMP + 10 * DAY;
    assert_only_problem(
        &check_at(&bytes, record5_end - 30 * DAY),
        FindingCode::ExpiringSoon,
        Some(6),
    );
    assert_eq!(
        problems(&check_at(&bytes, record5_end - 30 * DAY + 1)),
        [
            (FindingCode::ExpiringSoon, Some(5)),
            (FindingCode::ExpiringSoon, Some(6))
        ]
    );
    // notAfter itself is still valid; one second later is not.
    assert_eq!(
        problems(&check_at(&bytes, record5_end)),
        [
            (FindingCode::ExpiringSoon, Some(5)),
            (FindingCode::Expired, Some(6))
        ]
    );
    assert_eq!(
        problems(&check_at(&bytes, record5_end + 1)),
        [
            (FindingCode::Expired, Some(5)),
            (FindingCode::Expired, Some(6))
        ]
    );
    // Before 2024-01-01 nothing is valid yet.
    let report = check_at(&bytes, 1_700_000_000);
    assert_eq!(
        problems(&report),
        (1..=6)
            .map(|n| (FindingCode::NotYetValid, Some(n)))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        report.findings[0].message,
        "the certificate is valid from 2024-01-01T00:00:00Z"
    );
}

#[test]
fn placeholders_are_not_errors() {
    let report = check(&fixture("ctl-placeholders.tlv"));
    assert!(report.is_valid());
    assert_eq!(problems(&report), []);
    assert_eq!(
        all(&report),
        [
            (FindingCode::Sha1Digest, None),
            (FindingCode::Placeholders, None)
        ]
    );
}
