//! Whole-list checks: phone limits, SAST count, duplicates, the roles an ITL or a CTL must
//! (not) carry, and the parse warnings.

use super::finding::{Finding, FindingCode};
use crate::ListKind;
use crate::error::WarningKind;
use crate::tlv::Part;
use crate::values::Function;
use crate::{Record, TrustList};

/// Largest file phones accept (the ITL must fit in 64 KiB).
pub const MAX_FILE_SIZE: usize = 65_535;
/// Most certificates phones accept in one list.
pub const MAX_CERTIFICATES: usize = 39;
/// Most SAST records in one list.
pub const MAX_SAST: usize = 2;

/// Whether the list is in placeholder mode: it has certificate-less records and every record
/// that is not SAST is one (a CTL of a cluster set back to non-secure mode, an ITL built with
/// the rollback parameter).
pub(crate) fn placeholder_mode(list: &TrustList<'_>) -> bool {
    let records = list.records();
    records.iter().any(Record::is_placeholder)
        && records
            .iter()
            .filter(|r| r.function != Some(Function::Sast))
            .all(Record::is_placeholder)
}

/// Runs the list checks, adding findings.
pub(crate) fn check(list: &TrustList<'_>, findings: &mut Vec<Finding>) {
    parse_warnings(list, findings);
    let records = list.records();
    if list.len() > MAX_FILE_SIZE {
        findings.push(Finding::new(
            FindingCode::FileTooLarge,
            None,
            format!(
                "the file is {} bytes; phones refuse lists over {MAX_FILE_SIZE} bytes",
                list.len()
            ),
        ));
    }
    let certificates = list.certificate_count();
    if certificates > MAX_CERTIFICATES {
        findings.push(Finding::new(
            FindingCode::TooManyCertificates,
            None,
            format!(
                "{certificates} certificates; phones refuse lists with more than {MAX_CERTIFICATES}"
            ),
        ));
    }
    let sast: Vec<usize> = records
        .iter()
        .filter(|r| r.function == Some(Function::Sast))
        .map(|r| r.index + 1)
        .collect();
    if sast.len() > MAX_SAST {
        findings.push(Finding::new(
            FindingCode::TooManySast,
            None,
            format!(
                "{} SAST records (records {}); at most {MAX_SAST} are allowed",
                sast.len(),
                join(&sast)
            ),
        ));
    }
    duplicates(records, findings);
    let placeholders = records.iter().filter(|r| r.is_placeholder()).count();
    let rollback = placeholder_mode(list);
    match list.kind() {
        Some(ListKind::Ctl) => {
            for record in records.iter().filter(|r| r.function == Some(Function::Tvs)) {
                findings.push(Finding::new(
                    FindingCode::CtlContainsTvs,
                    Some(record.index),
                    "a TVS record in a CTL (CUCM puts TVS certificates only in ITLs)".into(),
                ));
            }
        }
        Some(ListKind::Itl) if !rollback => {
            let has = |f: &[Function]| {
                records
                    .iter()
                    .any(|r| r.function.is_some_and(|g| f.contains(&g)))
            };
            if !has(&[Function::Tftp, Function::CcmTftp]) {
                findings.push(Finding::new(
                    FindingCode::ItlWithoutTftp,
                    None,
                    "no TFTP or CCM+TFTP record: phones cannot check the signature of configuration files"
                        .into(),
                ));
            }
            if !has(&[Function::Tvs]) {
                findings.push(Finding::new(
                    FindingCode::ItlWithoutTvs,
                    None,
                    "no TVS record: phones cannot ask TVS about certificates they do not hold"
                        .into(),
                ));
            }
        }
        Some(ListKind::Itl) => {}
        None => findings.push(Finding::new(
            FindingCode::UnknownKind,
            None,
            format!(
                "FILENAME {} names neither an ITL nor a CTL: role rules not checked",
                list.header()
                    .filename
                    .map(|f| format!("`{}`", f.lossy()))
                    .unwrap_or_else(|| "(absent)".into())
            ),
        )),
    }
    if placeholders > 0 {
        let what = match (list.kind(), rollback) {
            (Some(ListKind::Ctl), true) => " (a cluster set back to non-secure mode)",
            (Some(ListKind::Itl), true) => " (rollback ITL)",
            _ => "",
        };
        findings.push(Finding::new(
            FindingCode::Placeholders,
            None,
            format!("{placeholders} placeholder record(s) without a certificate{what}"),
        ));
    }
}

fn join(numbers: &[usize]) -> String {
    numbers
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The same certificate twice with the same role (the signer's certificate also appearing
/// as TFTP or CCM+TFTP is normal and not reported).
fn duplicates(records: &[Record<'_>], findings: &mut Vec<Finding>) {
    for (j, later) in records.iter().enumerate() {
        let Some(der) = later.certificate_der else {
            continue;
        };
        if let Some(earlier) = records[..j]
            .iter()
            .find(|r| r.function == later.function && r.certificate_der == Some(der))
        {
            findings.push(Finding::new(
                FindingCode::DuplicateCertificate,
                Some(later.index),
                format!(
                    "the same certificate with the same role ({}) as record {}",
                    later
                        .function
                        .map(|f| f.short_name().into_owned())
                        .unwrap_or_else(|| "none".into()),
                    earlier.index + 1
                ),
            ));
        }
    }
}

/// Parse warnings as findings. `unsigned` is reported by the signature check.
fn parse_warnings(list: &TrustList<'_>, findings: &mut Vec<Finding>) {
    for warning in list.warnings() {
        let code = match warning.kind {
            WarningKind::UnknownTag { .. } => FindingCode::UnknownTag,
            WarningKind::HeaderLengthUnaligned { .. } => FindingCode::HeaderLengthUnaligned,
            WarningKind::UnexpectedVersion { .. } => FindingCode::UnexpectedVersion,
            WarningKind::Unsigned { .. } => continue,
        };
        let record = match warning.part {
            Part::Record(n) => Some(usize::from(n)),
            Part::Header => None,
        };
        findings.push(Finding::new(code, record, warning.to_string()));
    }
}
