//! Per-record checks: the certificate decodes, the record's fields agree with it, and it is
//! valid at `now`. Placeholder records (no certificate) are not errors.

use super::EXPIRY_WARNING_SECS;
use super::cert::{CertCache, CertFacts, KeyKind, facts_of};
use super::finding::{Finding, FindingCode};
use crate::names::{Attributes, parse_dn_text};
use crate::record::Record;
use crate::time::UnixTime;
use crate::values::{Digest, Serial, Text};
use crate::{TrustList, checksum};
use sha2::Digest as _;
use std::net::Ipv4Addr;

/// Checks every record, adding findings.
pub(crate) fn check(
    list: &TrustList<'_>,
    now: UnixTime,
    cache: Option<&CertCache>,
    findings: &mut Vec<Finding>,
) {
    for record in list.records() {
        check_record(record, now, cache, findings);
    }
}

fn check_record(
    record: &Record<'_>,
    now: UnixTime,
    cache: Option<&CertCache>,
    findings: &mut Vec<Finding>,
) {
    let at = Some(record.index);
    if record.function.is_none() {
        findings.push(Finding::new(
            FindingCode::FunctionMissing,
            at,
            "the record has no FUNCTION (role)".into(),
        ));
    }
    if let (Some(dns), Some(ip)) = (record.dns_name, record.ip)
        && let Ok(literal) = dns.lossy().trim().parse::<Ipv4Addr>()
        && literal != ip
    {
        findings.push(Finding::new(
            FindingCode::IpAddressMismatch,
            at,
            format!("DNSNAME is {literal} but IPADDRESS is {ip}"),
        ));
    }
    let Some(der) = record.certificate_der else {
        return;
    };
    let facts = match facts_of(cache, der) {
        Ok(facts) => facts,
        Err(e) => {
            findings.push(Finding::new(
                FindingCode::CertificateInvalid,
                at,
                format!("CERTIFICATE ({} bytes) does not decode: {e}", der.len()),
            ));
            return;
        }
    };
    compare_fields(record, &facts, findings);
    check_cert_hash(record, der, findings);
    check_validity(record, &facts, now, findings);
    if let KeyKind::Rsa { bits, .. } = facts.key
        && bits <= 1024
    {
        findings.push(Finding::new(
            FindingCode::Key1024,
            at,
            format!("{bits}-bit RSA key"),
        ));
    }
    if facts.sha1_signed {
        findings.push(Finding::new(
            FindingCode::Sha1Certificate,
            at,
            "the certificate is signed with SHA-1".into(),
        ));
    }
}

/// The record's name text names the certificate's name: byte-equal to CUCM's rendering (the
/// usual case, no parsing), or equal attribute by attribute.
fn same_name(text: Text<'_>, cert_text: &str, cert: &Attributes) -> bool {
    text.bytes() == cert_text.as_bytes() || parse_dn_text(&text.lossy()) == *cert
}

fn compare_fields(record: &Record<'_>, facts: &CertFacts, findings: &mut Vec<Finding>) {
    let cert_subject = (facts.subject_text.as_str(), &facts.subject);
    let cert_issuer = (facts.issuer_text.as_str(), &facts.issuer);
    let cert_signature = facts.signature_value.as_slice();
    let public_key = bytes_differ("PUBLICKEY", record.public_key, "key", &facts.public_key);
    let serial = serial_differs(record.serial, &facts.serial);
    let subject = name_differs("SUBJECTNAME", record.subject, "subject", cert_subject);
    let issuer = name_differs("ISSUERNAME", record.issuer, "issuer", cert_issuer);
    let signature = bytes_differ(
        "SIGNATURE",
        record.signature,
        "signatureValue",
        cert_signature,
    );
    for (code, detail) in [
        (FindingCode::PublicKeyMismatch, public_key),
        (FindingCode::SerialMismatch, serial),
        (FindingCode::SubjectMismatch, subject),
        (FindingCode::IssuerMismatch, issuer),
        (FindingCode::RecordSignatureMismatch, signature),
    ] {
        if let Some(detail) = detail {
            findings.push(Finding::new(code, Some(record.index), detail));
        }
    }
}

/// What is wrong when the record's SERIALNUMBER is present and another number than the
/// certificate's serial.
fn serial_differs(stored: Option<Serial<'_>>, cert: &[u8]) -> Option<String> {
    let stored = stored.filter(|stored| !stored.same_number(cert))?;
    Some(format!(
        "SERIALNUMBER {} but the certificate's serial is {}",
        stored.to_cucm(),
        Serial(cert).to_cucm()
    ))
}

/// What is wrong when the record's byte field `field` is present and holds other bytes than
/// the certificate's `what`.
fn bytes_differ(field: &str, stored: Option<&[u8]>, what: &str, cert: &[u8]) -> Option<String> {
    let stored = stored.filter(|stored| *stored != cert)?;
    Some(format!(
        "{field} ({} bytes) is not the certificate's {what} ({} bytes)",
        stored.len(),
        cert.len()
    ))
}

/// What is wrong when the record's name field `field` is present and names another name than
/// the certificate's `what` (see [`same_name`]).
fn name_differs(
    field: &str,
    stored: Option<Text<'_>>,
    what: &str,
    (cert_text, cert): (&str, &Attributes),
) -> Option<String> {
    let stored = stored.filter(|stored| !same_name(*stored, cert_text, cert))?;
    Some(format!(
        "{field} `{}` but the certificate's {what} is `{cert_text}`",
        stored.lossy()
    ))
}

/// CERT_HASH (tag 11) against the certificate's digest: SHA-1 unless HASH_ALGORITHM (tag 12,
/// one byte, the header's digest codes) names another.
fn check_cert_hash(record: &Record<'_>, der: &[u8], findings: &mut Vec<Finding>) {
    let Some(stored) = record.cert_hash else {
        return;
    };
    let at = Some(record.index);
    let algorithm = match record.hash_algorithm {
        None => Some(Digest::Sha1),
        Some([c]) => Some(Digest::from_code(*c)).filter(|d| !matches!(d, Digest::Unknown(_))),
        Some(_) => None,
    };
    let Some(algorithm) = algorithm else {
        findings.push(Finding::new(
            FindingCode::HashAlgorithmUnsupported,
            at,
            format!(
                "HASH_ALGORITHM {} names no known digest; CERT_HASH not checked",
                hex::encode(record.hash_algorithm.unwrap_or_default())
            ),
        ));
        return;
    };
    let computed: Vec<u8> = match algorithm {
        Digest::Sha1 => checksum::sha1(der).to_vec(),
        Digest::Sha256 => checksum::sha256(der).to_vec(),
        _ => sha2::Sha512::digest(der).to_vec(),
    };
    if stored != computed.as_slice() {
        findings.push(Finding::new(
            FindingCode::CertHashMismatch,
            at,
            format!(
                "CERT_HASH {} is not the certificate's {algorithm} {}",
                hex::encode(stored),
                hex::encode(&computed)
            ),
        ));
    }
}

fn check_validity(
    record: &Record<'_>,
    facts: &CertFacts,
    now: UnixTime,
    findings: &mut Vec<Finding>,
) {
    let at = Some(record.index);
    if now < facts.not_before {
        findings.push(Finding::new(
            FindingCode::NotYetValid,
            at,
            format!("the certificate is valid from {}", facts.not_before),
        ));
    } else if now > facts.not_after {
        findings.push(Finding::new(
            FindingCode::Expired,
            at,
            format!("the certificate expired on {}", facts.not_after),
        ));
    } else if facts.not_after.since(now) < EXPIRY_WARNING_SECS {
        findings.push(Finding::new(
            FindingCode::ExpiringSoon,
            at,
            format!(
                "the certificate expires on {} ({} day(s) from now)",
                facts.not_after,
                facts.not_after.since(now) / 86_400
            ),
        ));
    }
}
