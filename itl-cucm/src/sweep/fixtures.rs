//! Sweep records and reports to test with (this crate's tests, and with the `test-fixtures`
//! feature the tests of crates that present reports).

use itl_core::cucm::{ClusterSecurityMode, PhoneState};

use super::classify::ArchivedMatch;
use super::report::{ClusterFacts, ListFacts, ReferenceFacts, SCHEMA_VERSION, Summary};
use super::{Evidence, PhoneRecord, SweepReport};

/// An `ok`-looking phone of model Cisco 8841 in DP-HQ behind 127.1.0.1, with TFTP server
/// 127.0.1.1, in state `state`.
pub fn record(name: &str, state: PhoneState) -> PhoneRecord {
    PhoneRecord {
        name: name.into(),
        address: Some("127.1.0.1".into()),
        model: Some("Cisco 8841".into()),
        device_pool: Some("DP-HQ".into()),
        tftp_server: Some("127.0.1.1".into()),
        security_profile: None,
        security_mode: None,
        state,
        evidence: Evidence::default(),
    }
}

/// A [`record`] in state `stale-itl`: it holds the ITL of MD5 `111…` where `ucm-pub`, its
/// reference, serves the ITL of MD5 `aaa…` (the one of [`report`]).
pub fn stale(name: &str) -> PhoneRecord {
    let mut phone = record(name, PhoneState::StaleItl);
    phone.evidence.itl_hash = Some("1".repeat(32));
    phone.evidence.expected_itl = Some("a".repeat(32));
    phone.evidence.reference = Some("ucm-pub/ITLFile.tlv".into());
    phone
}

/// An archived `ITLFile.tlv` of SHA-1 `digit` × 40, first seen on `node` at `first_seen`, of
/// no named cluster.
pub fn archived_itl(digit: &str, node: &str, first_seen: &str) -> ArchivedMatch {
    ArchivedMatch {
        sha1: digit.repeat(40),
        cluster: None,
        name: "ITLFile.tlv".into(),
        node: node.into(),
        first_seen: first_seen.into(),
    }
}

/// A complete non-secure sweep of `phones` against one TFTP node, `ucm-pub` at 127.0.1.1.
pub fn report(phones: Vec<PhoneRecord>) -> SweepReport {
    SweepReport {
        schema: SCHEMA_VERSION,
        tool: "itl 0.1.0".into(),
        started: "2025-06-01T12:00:00Z".into(),
        finished: "2025-06-01T12:01:00Z".into(),
        complete: true,
        cluster: ClusterFacts {
            name: Some("sim".into()),
            source: "inventory".into(),
            security_mode: Some(ClusterSecurityMode::NonSecure),
        },
        references: vec![ReferenceFacts {
            node: "ucm-pub".into(),
            server: "http://127.0.1.1:6970".into(),
            itl: Some(ListFacts {
                name: "ITLFile.tlv".into(),
                size: 5,
                md5: "a".repeat(32),
                sha1: "b".repeat(40),
                sha256: "c".repeat(64),
                signer: Some("CN=ITLRECOVERY_ucm-pub".into()),
                records: 3,
                signature_valid: Some(true),
                findings: vec![],
            }),
            ctl: None,
            error: None,
        }],
        summary: Summary::of(&phones),
        phones,
        warnings: vec![],
    }
}
