//! A file's verdict in one sentence, keeping apart the two things that fail a list most
//! often: the signature, and certificates out of date (`trust-and-procedure.md` §2.4:
//! `expired` stays an error, yet CUCM signs lists holding expired records, so a reader must
//! see at once which of the two failed).
//!
//! ```text
//! signature valid
//! signature valid; 1 of 6 certificates expired (record 3)
//! signature valid; 6 of 6 certificates expired (records 1-6)
//! signature does not verify
//! signature valid; 1 of 6 certificates expired (record 6), 1 expiring within 30 days (record 5)
//! signature valid; other errors: file-too-large, too-many-certificates
//! not signed; other errors: stale-record (records 1, 3), missing-cert
//! ```

use std::fmt;

use serde::Serialize;

use super::Report;
use super::finding::{Finding, FindingCode, Severity};

/// The records (counted from 1) whose certificates are out of date at the verification time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CertificateDates {
    /// Records that carry a certificate.
    pub count: usize,
    /// Records whose certificate has expired (`expired`, an error).
    pub expired: Vec<usize>,
    /// Records whose certificate expires within 30 days (`expiring-soon`, a warning).
    pub expiring_soon: Vec<usize>,
    /// Records whose certificate is not valid yet (`not-yet-valid`, an error).
    pub not_yet_valid: Vec<usize>,
}

impl CertificateDates {
    /// The dates of a list with `count` certificates, from its findings.
    pub fn from_findings(count: usize, findings: &[Finding]) -> Self {
        let records = |code: FindingCode| -> Vec<usize> {
            findings
                .iter()
                .filter(|f| f.code == code)
                .filter_map(|f| f.record)
                .collect()
        };
        Self {
            count,
            expired: records(FindingCode::Expired),
            expiring_soon: records(FindingCode::ExpiringSoon),
            not_yet_valid: records(FindingCode::NotYetValid),
        }
    }

    /// Whether every certificate is in date (none expired, expiring soon or not yet valid).
    pub fn all_in_date(&self) -> bool {
        self.expired.is_empty() && self.expiring_soon.is_empty() && self.not_yet_valid.is_empty()
    }
}

/// How the signature check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureState {
    /// The signature verifies with the signer record's certificate.
    Valid,
    /// The RSA check ran and failed (`signature-invalid`, `signature-length-mismatch`).
    DoesNotVerify,
    /// The header carries no signature (`unsigned`).
    Unsigned,
    /// The check could not run; the finding says why (`signer-not-found`,
    /// `signer-certificate-invalid`, `signer-key-unsupported`, `digest-unsupported`,
    /// `signature-algorithm-unsupported`).
    NotChecked(FindingCode),
}

impl fmt::Display for SignatureState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureState::Valid => "signature valid",
            SignatureState::DoesNotVerify => "signature does not verify",
            SignatureState::Unsigned => "not signed",
            SignatureState::NotChecked(FindingCode::SignerNotFound) => {
                "signature not checked: no record is the signer"
            }
            SignatureState::NotChecked(FindingCode::SignerCertificateInvalid) => {
                "signature not checked: the signer's certificate does not decode"
            }
            SignatureState::NotChecked(FindingCode::SignerKeyUnsupported) => {
                "signature not checked: unsupported signer key"
            }
            SignatureState::NotChecked(FindingCode::DigestUnsupported) => {
                "signature not checked: unsupported digest"
            }
            SignatureState::NotChecked(FindingCode::SignatureAlgorithmUnsupported) => {
                "signature not checked: not an RSA signature"
            }
            SignatureState::NotChecked(_) => "signature not checked",
        })
    }
}

/// The verdict of one file: the signature, the certificates' dates, the other errors.
/// Displays as the sentence of `itl verify`'s verdict line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Whether the file passes ([`Report::is_valid`]).
    pub valid: bool,
    /// How the signature check ended.
    pub signature: SignatureState,
    /// Certificates out of date.
    pub certificates: CertificateDates,
    /// The other errors, one entry per code in report order, with the records concerned
    /// (empty for a whole-file finding).
    pub other_errors: Vec<(FindingCode, Vec<usize>)>,
}

impl Summary {
    /// The summary of `report`.
    pub fn of(report: &Report) -> Summary {
        let signature = if report.signature.valid {
            SignatureState::Valid
        } else {
            report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error && f.code.concerns_signature())
                .map(|f| match f.code {
                    FindingCode::SignatureInvalid | FindingCode::SignatureLengthMismatch => {
                        SignatureState::DoesNotVerify
                    }
                    FindingCode::Unsigned => SignatureState::Unsigned,
                    other => SignatureState::NotChecked(other),
                })
                .next()
                .unwrap_or(SignatureState::DoesNotVerify)
        };
        let mut other_errors: Vec<(FindingCode, Vec<usize>)> = Vec::new();
        for f in &report.findings {
            if f.severity != Severity::Error
                || f.code.concerns_signature()
                || f.code.concerns_validity()
            {
                continue;
            }
            let at = match other_errors.iter().position(|(c, _)| *c == f.code) {
                Some(at) => at,
                None => {
                    other_errors.push((f.code, Vec::new()));
                    other_errors.len() - 1
                }
            };
            if let (Some(record), Some((_, records))) = (f.record, other_errors.get_mut(at)) {
                records.push(record);
            }
        }
        Summary {
            valid: report.is_valid(),
            signature,
            certificates: report.certificates.clone(),
            other_errors,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.signature)?;
        let c = &self.certificates;
        let mut dates = Vec::new();
        for (records, what) in [
            (&c.expired, "expired"),
            (&c.not_yet_valid, "not yet valid"),
            (&c.expiring_soon, "expiring within 30 days"),
        ] {
            if records.is_empty() {
                continue;
            }
            let head = if dates.is_empty() {
                format!("{} of {} certificates", records.len(), c.count)
            } else {
                records.len().to_string()
            };
            dates.push(format!("{head} {what} ({})", record_ranges(records)));
        }
        if !dates.is_empty() {
            write!(f, "; {}", dates.join(", "))?;
        }
        if !self.other_errors.is_empty() {
            let errors: Vec<String> = self
                .other_errors
                .iter()
                .map(|(code, records)| {
                    if records.is_empty() {
                        code.name().to_owned()
                    } else {
                        format!("{code} ({})", record_ranges(records))
                    }
                })
                .collect();
            write!(f, "; other errors: {}", errors.join(", "))?;
        }
        Ok(())
    }
}

/// `record 3`, `records 1-6`, `records 1-3, 5`: record numbers with runs compressed.
pub fn record_ranges(records: &[usize]) -> String {
    let mut sorted = records.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&start) = sorted.get(i) {
        let mut end = start;
        while sorted.get(i + 1) == Some(&(end + 1)) {
            end += 1;
            i += 1;
        }
        runs.push(if end == start {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    let word = if sorted.len() == 1 {
        "record"
    } else {
        "records"
    };
    format!("{word} {}", runs.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::SignatureReport;

    fn report(valid: bool, count: usize, findings: &[(FindingCode, Option<usize>)]) -> Report {
        let findings: Vec<Finding> = findings
            .iter()
            .map(|&(code, record)| Finding::new(code, record.map(|r| r - 1), String::new()))
            .collect();
        let certificates = CertificateDates::from_findings(count, &findings);
        Report {
            kind: None,
            signature: SignatureReport {
                valid,
                signer_record: Some(1),
                digest: None,
                key_bits: None,
            },
            findings,
            certificates,
        }
    }

    #[test]
    fn ranges_compress_runs() {
        assert_eq!(record_ranges(&[3]), "record 3");
        assert_eq!(record_ranges(&[1, 2, 3, 4, 5, 6]), "records 1-6");
        assert_eq!(record_ranges(&[5, 1, 2, 3]), "records 1-3, 5");
        assert_eq!(record_ranges(&[2, 4, 4, 7, 8]), "records 2, 4, 7-8");
    }

    #[test]
    fn the_signature_and_the_dates_are_told_apart() {
        use FindingCode::*;
        let all_expired: Vec<_> = (1..=6).map(|r| (Expired, Some(r))).collect();
        let cases: Vec<(Report, &str)> = vec![
            (report(true, 6, &[(Sha1Digest, None)]), "signature valid"),
            (
                report(true, 6, &[(Sha1Digest, None), (Expired, Some(3))]),
                "signature valid; 1 of 6 certificates expired (record 3)",
            ),
            (
                report(true, 6, &all_expired),
                "signature valid; 6 of 6 certificates expired (records 1-6)",
            ),
            (
                report(false, 6, &[(SignatureInvalid, Some(1))]),
                "signature does not verify",
            ),
            (
                report(false, 6, &[(SignatureInvalid, Some(1)), (Expired, Some(3))]),
                "signature does not verify; 1 of 6 certificates expired (record 3)",
            ),
            (
                report(true, 6, &[(ExpiringSoon, Some(5)), (Expired, Some(6))]),
                "signature valid; 1 of 6 certificates expired (record 6), 1 expiring within 30 days (record 5)",
            ),
            (
                report(true, 4, &[(NotYetValid, Some(2)), (NotYetValid, Some(3))]),
                "signature valid; 2 of 4 certificates not yet valid (records 2-3)",
            ),
            (
                report(
                    true,
                    40,
                    &[(FileTooLarge, None), (TooManyCertificates, None)],
                ),
                "signature valid; other errors: file-too-large, too-many-certificates",
            ),
            (
                report(
                    false,
                    5,
                    &[
                        (Unsigned, None),
                        (StaleRecord, Some(1)),
                        (StaleRecord, Some(3)),
                        (MissingCert, None),
                    ],
                ),
                "not signed; other errors: stale-record (records 1, 3), missing-cert",
            ),
            (
                report(false, 5, &[(SignerNotFound, None)]),
                "signature not checked: no record is the signer",
            ),
        ];
        for (r, expected) in cases {
            let s = r.summary();
            assert_eq!(s.to_string(), expected);
            assert_eq!(s.valid, r.is_valid(), "{expected}");
        }
    }

    #[test]
    fn dates_are_collected_by_record() {
        let r = report(
            true,
            6,
            &[
                (FindingCode::ExpiringSoon, Some(5)),
                (FindingCode::Expired, Some(6)),
                (FindingCode::Key1024, Some(1)),
            ],
        );
        assert_eq!(
            r.certificates,
            CertificateDates {
                count: 6,
                expired: vec![6],
                expiring_soon: vec![5],
                not_yet_valid: vec![],
            }
        );
        assert!(!r.certificates.all_in_date());
        assert!(report(true, 6, &[]).certificates.all_in_date());
        assert_eq!(
            serde_json::to_value(&r.certificates).unwrap(),
            serde_json::json!({"count": 6, "expired": [6], "expiring_soon": [5], "not_yet_valid": []})
        );
    }
}
