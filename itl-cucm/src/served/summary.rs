//! A summary of one served list: where it came from, its size and hashes, who signed it,
//! its records by role, and what verification found.

use std::collections::BTreeMap;

use itl_core::TrustList;
use itl_core::checksum::Checksums;
use itl_core::summary::ListSummary;
use itl_core::verify::{Finding, SignatureReport, VerifyOptions, verify};

/// What one served ITL or CTL is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedListSummary {
    /// The node that served it.
    pub node: String,
    /// The served name (`ITLFile.tlv`).
    pub name: String,
    /// Size in bytes.
    pub size: usize,
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// The signer: the subject of the record that signed the list, else the header's
    /// SIGNER_NAME.
    pub signer: Option<String>,
    /// Records in the list.
    pub records: usize,
    /// Records per role (`CCM+TFTP`, `TVS`, `SAST`...; `none` for a record without one).
    pub records_by_role: BTreeMap<String, usize>,
    /// The signature check; `None` when the list does not parse.
    pub signature: Option<SignatureReport>,
    /// The list passes verification (the signature verifies, no finding is an error).
    pub valid: bool,
    /// Every verification finding, in order.
    pub findings: Vec<Finding>,
    /// Why the list does not parse.
    pub parse_error: Option<String>,
    /// The list's header and signature facts; `None` when it does not parse.
    pub list: Option<ListSummary>,
}

/// Summarises `bytes`, served by `node` as `name`, verified with `options` (the time, and
/// the cluster's certificates when known).
pub fn summarise(
    node: &str,
    name: &str,
    bytes: &[u8],
    options: &VerifyOptions,
) -> ServedListSummary {
    let sums = Checksums::of(bytes);
    let mut summary = ServedListSummary {
        node: node.to_owned(),
        name: name.to_owned(),
        size: bytes.len(),
        md5: hex::encode(sums.md5),
        sha1: hex::encode(sums.sha1),
        sha256: hex::encode(sums.sha256),
        signer: None,
        records: 0,
        records_by_role: BTreeMap::new(),
        signature: None,
        valid: false,
        findings: Vec::new(),
        parse_error: None,
        list: None,
    };
    match TrustList::parse(bytes) {
        Ok(list) => {
            summary.signer = list
                .signer_index()
                .and_then(|i| list.records().get(i))
                .and_then(|r| r.subject)
                .or(list.header().signer_name)
                .map(|t| t.lossy().into_owned());
            summary.records = list.records().len();
            for record in list.records() {
                let role = record
                    .function
                    .map_or_else(|| "none".to_owned(), |f| f.short_name().into_owned());
                *summary.records_by_role.entry(role).or_default() += 1;
            }
            let report = verify(&list, options);
            summary.valid = report.is_valid();
            summary.signature = Some(report.signature);
            summary.findings = report.findings;
            summary.list = Some(ListSummary::of(&list));
        }
        Err(e) => summary.parse_error = Some(e.to_string()),
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::fixture;

    #[test]
    fn a_served_itl_in_numbers() {
        let bytes = fixture("itl-12-sha512.tlv");
        let s = summarise(
            "ucm-pub",
            "ITLFile.tlv",
            &bytes,
            &VerifyOptions::new(itl_core::UnixTime::from_secs(1_750_000_000)),
        );
        assert_eq!(
            (s.node.as_str(), s.name.as_str()),
            ("ucm-pub", "ITLFile.tlv")
        );
        assert_eq!(s.size, bytes.len());
        assert_eq!(s.md5, hex::encode(itl_core::checksum::md5(&bytes)));
        assert_eq!(s.sha1.len(), 40);
        assert_eq!(s.sha256.len(), 64);
        assert_eq!(s.records, 6);
        let roles: Vec<(&str, usize)> = s
            .records_by_role
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect();
        assert_eq!(roles, [("CAPF", 1), ("SAST", 2), ("TFTP", 1), ("TVS", 2)]);
        assert_eq!(
            s.signer.as_deref(),
            Some("CN=ITLRECOVERY_ucm-pub.example.org;OU=UC;O=Example Health;L=Durham;ST=NC;C=US")
        );
        assert!(s.signature.as_ref().is_some_and(|sig| sig.valid));
        assert!(s.parse_error.is_none());
        assert!(s.list.is_some());
    }

    #[test]
    fn reject_twin_garbage_does_not_parse() {
        let s = summarise(
            "ucm-pub",
            "ITLFile.tlv",
            b"<html>",
            &VerifyOptions::new(itl_core::UnixTime::EPOCH),
        );
        assert_eq!(s.size, 6);
        assert_eq!(s.md5, hex::encode(itl_core::checksum::md5(b"<html>")));
        assert!(s.parse_error.is_some());
        assert!(!s.valid);
        assert_eq!(
            (s.records, s.signature.is_none(), s.list.is_none()),
            (0, true, true)
        );
    }
}
