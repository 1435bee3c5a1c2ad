//! Whole-list rules and parse warnings, and the exact findings of every committed fixture.

mod verify_support;

use itl_core::verify::{FindingCode, MAX_CERTIFICATES, Severity};
use itl_core::{Digest, Function, RecordSpec};
use std::net::Ipv4Addr;
use verify_support::*;

/// (code, record) pairs a fixture must give, in order.
type Expected = &'static [(FindingCode, Option<usize>)];

#[test]
fn every_fixture_gives_exactly_its_findings() {
    let table: [(&str, bool, Expected); 10] = [
        (
            "itl-11.5-sha1-1024.tlv",
            true,
            &[
                (FindingCode::Sha1Digest, None),
                (FindingCode::Key1024, Some(1)),
                (FindingCode::Key1024, Some(3)),
            ],
        ),
        (
            "itl-11.5-sha1-2048.tlv",
            true,
            &[(FindingCode::Sha1Digest, None)],
        ),
        ("itl-12-sha512.tlv", true, &[]),
        ("ctl-mixed-sha256.tlv", true, &[]),
        (
            "ctl-placeholders.tlv",
            true,
            &[
                (FindingCode::Sha1Digest, None),
                (FindingCode::Placeholders, None),
            ],
        ),
        (
            "itl-certutils-tag28-ec.tlv",
            true,
            &[
                (FindingCode::Sha1Digest, None),
                (FindingCode::Sha1Certificate, Some(1)),
                (FindingCode::Sha1Certificate, Some(2)),
                (FindingCode::ItlWithoutTvs, None),
            ],
        ),
        ("itl-4096.tlv", true, &[]),
        (
            "itl-40-certs.tlv",
            false,
            &[
                (FindingCode::Sha1Digest, None),
                (FindingCode::FileTooLarge, None),
                (FindingCode::TooManyCertificates, None),
            ],
        ),
        (
            "itl-unknown-tags.tlv",
            true,
            &[
                (FindingCode::Sha1Digest, None),
                (FindingCode::UnknownTag, None),
                (FindingCode::UnknownTag, Some(2)),
            ],
        ),
        (
            "itl-expiring.tlv",
            false,
            &[
                (FindingCode::ExpiringSoon, Some(5)),
                (FindingCode::Expired, Some(6)),
            ],
        ),
    ];
    for (name, valid, expected) in table {
        let report = check(&fixture(name));
        assert!(report.signature.valid, "{name}");
        assert_eq!(report.is_valid(), valid, "{name}");
        assert_eq!(all(&report), expected, "{name}");
        for finding in &report.findings {
            assert_eq!(finding.severity, finding.code.severity());
        }
    }
}

fn signed(filename: &str, records: Vec<RecordSpec>) -> Vec<u8> {
    sign(
        filename,
        Digest::Sha256,
        records,
        "ucm-pub-CallManager",
        "ucm-pub-CallManager",
    )
}

fn itl_with(edit: impl FnOnce(&mut Vec<RecordSpec>)) -> Vec<u8> {
    let mut records = itl_records("ucm-pub-CallManager");
    edit(&mut records);
    signed("ITLFile.tlv", records)
}

#[test]
fn at_most_two_sast_records() {
    let bytes = itl_with(|r| r.push(rec(Function::Sast, "ucm-sub1-CallManager", "ucm-sub1", SUB)));
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::TooManySast, None);
    assert_eq!(
        report.findings[0].message,
        "3 SAST records (records 1, 2, 7); at most 2 are allowed"
    );
    assert!(!report.is_valid());
    assert_eq!(problems(&check(&itl_with(|_| {}))), []);
}

#[test]
fn duplicate_certificates() {
    let bytes = itl_with(|r| r.push(rec(Function::Tvs, "ucm-pub-TVS", "ucm-pub", PUB)));
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::DuplicateCertificate, Some(7));
    assert_eq!(
        report.findings[0].message,
        "the same certificate with the same role (TVS) as record 4"
    );
    // The signer's certificate as SAST and as TFTP is how CUCM writes an ITL.
    let bytes = itl_with(|_| {});
    assert_eq!(problems(&check(&bytes)), []);
}

#[test]
fn ctl_never_carries_tvs() {
    let ctl = |tvs: bool| {
        let mut records = vec![
            rec(Function::Sast, "ucm-pub-CallManager", "ucm-pub", PUB),
            rec(Function::Sast, "ucm-pub-ITLRecovery", "ucm-pub", PUB),
            rec(Function::CcmTftp, "ucm-pub-CallManager", "ucm-pub", PUB),
            rec(Function::CcmTftp, "ucm-sub1-CallManager", "ucm-sub1", SUB),
            rec(Function::Capf, "ucm-pub-CAPF", "ucm-pub", PUB),
        ];
        if tvs {
            records.push(rec(Function::Tvs, "ucm-pub-TVS", "ucm-pub", PUB));
        }
        signed("CTLFile.tlv", records)
    };
    assert_only_problem(&check(&ctl(true)), FindingCode::CtlContainsTvs, Some(6));
    assert_eq!(problems(&check(&ctl(false))), []);
}

#[test]
fn itl_needs_tftp_and_tvs() {
    let no_tftp = itl_with(|r| {
        r.remove(2);
    });
    assert_only_problem(&check(&no_tftp), FindingCode::ItlWithoutTftp, None);
    let ccm_tftp = itl_with(|r| r[2].function = Some(Function::CcmTftp));
    assert_eq!(problems(&check(&ccm_tftp)), []);
    let no_tvs = itl_with(|r| {
        r.remove(4);
        r.remove(3);
    });
    let report = check(&no_tvs);
    assert_only_problem(&report, FindingCode::ItlWithoutTvs, None);
    assert!(report.is_valid(), "a warning does not fail the file");
}

#[test]
fn rollback_itl_is_not_missing_its_sections() {
    let ph = |function, host: &str, ip| {
        RecordSpec::placeholder(function, host, Some(Ipv4Addr::from(ip)))
    };
    let rollback = signed(
        "ITLFile.tlv",
        vec![
            rec(Function::Sast, "ucm-pub-CallManager", "ucm-pub", PUB),
            rec(Function::Sast, "ucm-pub-ITLRecovery", "ucm-pub", PUB),
            ph(Function::Tftp, "10.10.1.11", PUB),
            ph(Function::Tvs, "10.10.1.11", PUB),
        ],
    );
    let report = check(&rollback);
    assert_eq!(all(&report), [(FindingCode::Placeholders, None)]);
    assert_eq!(
        report.findings[0].message,
        "2 placeholder record(s) without a certificate (rollback ITL)"
    );
    assert!(report.is_valid());
    // A placeholder TFTP next to a real TVS record is not rollback: TFTP is missing.
    let half = signed(
        "ITLFile.tlv",
        vec![
            rec(Function::Sast, "ucm-pub-CallManager", "ucm-pub", PUB),
            rec(Function::Sast, "ucm-pub-ITLRecovery", "ucm-pub", PUB),
            rec(Function::Tvs, "ucm-pub-TVS", "ucm-pub", PUB),
        ],
    );
    assert_only_problem(&check(&half), FindingCode::ItlWithoutTftp, None);
}

#[test]
fn unknown_kind_skips_role_rules() {
    let bytes = signed(
        "Whatever.tlv",
        vec![rec(Function::Sast, "ucm-pub-CallManager", "ucm-pub", PUB)],
    );
    let report = check(&bytes);
    assert_only_problem(&report, FindingCode::UnknownKind, None);
    assert_eq!(
        report.findings[0].message,
        "FILENAME `Whatever.tlv` names neither an ITL nor a CTL: role rules not checked"
    );
}

#[test]
fn unexpected_version_is_a_warning() {
    let mut builder = itl_core::TrustListBuilder::new("ITLFile.tlv", STAMP as u32);
    builder.records = itl_records("ucm-pub-CallManager");
    builder.version = (2, 0);
    let bytes = builder
        .sign_with_certificate(&key("ucm-pub-CallManager"), &cert("ucm-pub-CallManager"))
        .unwrap();
    let report = check(&bytes);
    assert_eq!(
        all(&report),
        [
            (FindingCode::Sha1Digest, None),
            (FindingCode::UnexpectedVersion, None)
        ]
    );
    assert!(report.is_valid());
}

/// An ITL of SAST, TFTP, TVS and `n - 3` records of made-up roles, every one with the
/// 1024-bit certificate (small, so 40 of them stay under 64 KiB).
fn many(n: usize) -> Vec<u8> {
    let name = "ucm-pub-CallManager-1024";
    let mut records = vec![
        rec(Function::Sast, name, "ucm-pub", PUB),
        rec(Function::Tftp, name, "ucm-pub", PUB),
        rec(Function::Tvs, name, "ucm-pub", PUB),
    ];
    for i in 0..n - 3 {
        records.push(rec(Function::Unknown(100 + i as u16), name, "x", PUB));
    }
    sign("ITLFile.tlv", Digest::Sha256, records, name, name)
}

#[test]
fn certificate_limit() {
    let at_limit = many(MAX_CERTIFICATES);
    assert!(at_limit.len() < 65_535);
    let report = check(&at_limit);
    assert_eq!(problems(&report), []);
    assert_eq!(report.count(Severity::Info), MAX_CERTIFICATES);
    let over = many(MAX_CERTIFICATES + 1);
    assert!(over.len() < 65_535);
    let report = check(&over);
    assert_only_problem(&report, FindingCode::TooManyCertificates, None);
    assert_eq!(
        report.findings.last().unwrap().message,
        "40 certificates; phones refuse lists with more than 39"
    );
}

#[test]
fn the_code_table_is_consistent() {
    let codes = FindingCode::ALL;
    for (i, c) in codes.iter().enumerate() {
        assert!(!c.meaning().is_empty());
        assert!(
            c.name()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{c}"
        );
        assert!(!codes[..i].contains(c), "{c} twice");
    }
    // The README documents every code with its severity and meaning.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for c in codes {
        let row = format!("| `{c}` | {} | {} |", c.severity(), c.meaning());
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}
