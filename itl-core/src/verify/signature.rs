//! The file signature: which record signed, with which digest and key, and whether the RSA
//! PKCS#1 v1.5 signature over the file (SIGNATURE element cut out) holds.

use super::cert::{CertCache, CertFacts, KeyKind, facts_of};
use super::finding::{Finding, FindingCode};
use super::pubkey::{KeyError, PreparedKey};
use crate::TrustList;
use crate::signature::hash_parts;
use crate::values::{Digest, modulus_index_to_len};
use serde::{Serialize, Serializer};

/// The outcome of the signature check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureReport {
    /// Whether the RSA signature verifies with the signer record's certificate.
    pub valid: bool,
    /// The signer record, counted from 1; `None` when no record carries SIGNER_SERIAL.
    pub signer_record: Option<usize>,
    /// DIGEST_ALGORITHM, serialised by name (`SHA-1`, `SHA-256`, `SHA-512`...).
    #[serde(serialize_with = "digest_name")]
    pub digest: Option<Digest>,
    /// The signer's RSA modulus size in bits, when its certificate has an RSA key.
    pub key_bits: Option<usize>,
}

fn digest_name<S: Serializer>(digest: &Option<Digest>, s: S) -> Result<S::Ok, S::Error> {
    match digest {
        Some(d) => s.serialize_str(&d.name()),
        None => s.serialize_none(),
    }
}

/// What the header says about the signature, checked against the allow-lists.
struct Params<'a> {
    digest: Digest,
    signature: &'a [u8],
    /// False when the digest or the algorithm is not allowed.
    usable: bool,
}

/// Reads and vets the header's signature parameters, adding findings.
fn params<'a>(list: &TrustList<'a>, findings: &mut Vec<Finding>) -> Option<Params<'a>> {
    let h = list.header();
    let missing = h.missing_signature_elements();
    let (Some(digest), Some(signature), Some(_), Some(modulus)) = (
        h.digest,
        h.signature_value(),
        h.signer_serial,
        h.signature_modulus,
    ) else {
        findings.push(Finding::new(
            FindingCode::Unsigned,
            None,
            format!(
                "the header has no {}: the file cannot be verified",
                missing.join(", ")
            ),
        ));
        return None;
    };
    let mut usable = true;
    match digest {
        Digest::Unknown(n) => {
            usable = false;
            findings.push(Finding::new(
                FindingCode::DigestUnsupported,
                None,
                format!(
                    "DIGEST_ALGORITHM {n} is not an allowed digest (1 SHA-1, 2 SHA-256, 3 SHA-512)"
                ),
            ));
        }
        Digest::LegacySha512 => findings.push(Finding::new(
            FindingCode::DigestLegacyCode,
            None,
            "DIGEST_ALGORITHM 4 is certutils' 2020 code for SHA-512 (3 today); checked as SHA-512"
                .into(),
        )),
        Digest::Sha1 => findings.push(Finding::new(
            FindingCode::Sha1Digest,
            None,
            "signed with SHA-1 (CUCM's default \"TFTP File Signature Algorithm\")".into(),
        )),
        Digest::Sha256 | Digest::Sha512 => {}
    }
    if let Some(algorithm) = h.signature_algorithm.filter(|&a| a != 0) {
        usable = false;
        findings.push(Finding::new(
            FindingCode::SignatureAlgorithmUnsupported,
            None,
            format!("SIGNATURE_ALGORITHM {algorithm} is not 0 (RSA)"),
        ));
    }
    let modulus_len = modulus_index_to_len(modulus);
    if modulus_len.is_none() {
        findings.push(Finding::new(
            FindingCode::SignatureLengthMismatch,
            None,
            format!("SIGNATURE_MODULUS {modulus} names no signature size (0 to 3 allowed)"),
        ));
    } else if modulus_len != Some(signature.len()) {
        findings.push(Finding::new(
            FindingCode::SignatureLengthMismatch,
            None,
            format!(
                "SIGNATURE is {} bytes but SIGNATURE_MODULUS {modulus} means {} bytes",
                signature.len(),
                modulus_len.unwrap_or(0)
            ),
        ));
    }
    Some(Params {
        digest,
        signature,
        usable,
    })
}

/// The signer key, or the finding that says why there is none.
fn signer_key(facts: &CertFacts, record: Option<usize>) -> Result<(&PreparedKey, usize), Finding> {
    let unsupported = |why: String| Finding::new(FindingCode::SignerKeyUnsupported, record, why);
    let bits = match facts.key {
        KeyKind::Rsa { bits, .. } => bits,
        KeyKind::Ec => {
            return Err(unsupported(
                "the signer certificate has an EC key; trust lists are signed with RSA".into(),
            ));
        }
        KeyKind::Other => {
            return Err(unsupported(
                "the signer certificate's key is neither RSA nor EC".into(),
            ));
        }
    };
    if !(1024..=4096).contains(&bits) {
        return Err(unsupported(format!(
            "the signer key has {bits} bits; 1024 to 4096 are accepted"
        )));
    }
    match facts.prepared_key() {
        Some(Ok(key)) => Ok((key, bits)),
        Some(Err(KeyError::Exponent)) => Err(unsupported(
            "the signer key's public exponent is even, below 3 or wider than 64 bits".into(),
        )),
        Some(Err(KeyError::Modulus | KeyError::NotRsa)) | None => Err(unsupported(
            "the signer key's modulus is even or malformed".into(),
        )),
    }
}

/// Hashes the signed parts and checks the signature with `key`.
fn check_with(list: &TrustList<'_>, p: &Params<'_>, key: &PreparedKey) -> bool {
    let Some((before, after)) = list.signed_parts() else {
        return false;
    };
    let Some((hash, scheme)) = hash_parts(p.digest, &[before, after]) else {
        return false;
    };
    key.verify_pkcs1v15(&scheme.prefix, &hash, p.signature)
}

/// Checks the signature with the signer record's certificate, adding findings.
pub(crate) fn check(
    list: &TrustList<'_>,
    cache: Option<&CertCache>,
    findings: &mut Vec<Finding>,
) -> SignatureReport {
    let mut report = SignatureReport {
        valid: false,
        signer_record: None,
        digest: list.header().digest,
        key_bits: None,
    };
    let Some(p) = params(list, findings) else {
        return report;
    };
    let Some(found) = list.signer_match() else {
        let h = list.header();
        findings.push(Finding::new(
            FindingCode::SignerNotFound,
            None,
            format!(
                "no record has the signer's serial {} (SIGNER_NAME {})",
                h.signer_serial.map(|s| s.to_cucm()).unwrap_or_default(),
                h.signer_name
                    .map(|n| n.lossy().into_owned())
                    .unwrap_or_else(|| "absent".into())
            ),
        ));
        return report;
    };
    let index = found.index;
    report.signer_record = Some(index + 1);
    let record = &list.records()[index];
    if !found.issuer_matches {
        findings.push(Finding::new(
            FindingCode::SignerIssuerMismatch,
            Some(index),
            format!(
                "the record has the signer's serial but its ISSUERNAME `{}` does not name SIGNER_ISSUER `{}`",
                record.issuer.map(|t| t.lossy().into_owned()).unwrap_or_default(),
                list.header()
                    .signer_issuer
                    .map(|t| t.lossy().into_owned())
                    .unwrap_or_default()
            ),
        ));
    }
    if !found.sast {
        findings.push(Finding::new(
            FindingCode::SignerNotSast,
            Some(index),
            format!(
                "the signer record's role is {}, not SAST",
                record
                    .function
                    .map(|f| f.short_name().into_owned())
                    .unwrap_or_else(|| "absent".into())
            ),
        ));
    }
    let Some(der) = record.certificate_der else {
        findings.push(Finding::new(
            FindingCode::SignerCertificateInvalid,
            Some(index),
            "the signer record has no certificate".into(),
        ));
        return report;
    };
    let facts = match facts_of(cache, der) {
        Ok(facts) => facts,
        Err(e) => {
            findings.push(Finding::new(
                FindingCode::SignerCertificateInvalid,
                Some(index),
                format!("the signer certificate does not decode: {e}"),
            ));
            return report;
        }
    };
    report.key_bits = facts.rsa_bits();
    let (key, bits) = match signer_key(&facts, Some(index)) {
        Ok(found) => found,
        Err(finding) => {
            findings.push(finding);
            return report;
        }
    };
    if p.signature.len() != key.size() {
        findings.push(Finding::new(
            FindingCode::SignatureLengthMismatch,
            Some(index),
            format!(
                "SIGNATURE is {} bytes; the signer's {bits}-bit key makes {}-byte signatures",
                p.signature.len(),
                key.size()
            ),
        ));
        return report;
    }
    if !p.usable {
        return report;
    }
    report.valid = check_with(list, &p, key);
    if !report.valid {
        findings.push(Finding::new(
            FindingCode::SignatureInvalid,
            Some(index),
            format!(
                "the {} / RSA-{bits} signature does not verify with the signer record's certificate",
                p.digest
            ),
        ));
    }
    report
}

/// Checks the file's signature alone (no record, list or cluster checks): the signer record,
/// the digest allow-list, key size and signature length, and the RSA signature.
pub fn verify_signature(
    list: &TrustList<'_>,
    cache: Option<&CertCache>,
) -> (SignatureReport, Vec<Finding>) {
    let mut findings = Vec::new();
    let report = check(list, cache, &mut findings);
    (report, findings)
}

/// Verifies the file's signature against an external trust set: returns the index in
/// `certs` (DER certificates) of the first certificate whose RSA key verifies the signature,
/// or `None`. This is how a phone judges a new file: by the certificates it already trusts,
/// not by the signer record inside the file. The digest must be allowed, SIGNATURE_ALGORITHM
/// must be RSA and the signature as long as the key's modulus.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-12-sha512.tlv"))?;
/// let list = itl_core::TrustList::parse(&bytes)?;
/// let certs: Vec<&[u8]> = list.records().iter().filter_map(|r| r.certificate_der).collect();
/// // Record 1 is ITLRecovery, which signed the file.
/// assert_eq!(itl_core::verify::verify_signature_with(&list, &certs), Some(0));
/// assert_eq!(itl_core::verify::verify_signature_with(&list, &certs[1..]), None);
/// # Ok(()) }
/// ```
pub fn verify_signature_with(list: &TrustList<'_>, certs: &[&[u8]]) -> Option<usize> {
    let h = list.header();
    let digest = h.digest?;
    let signature = h.signature_value()?;
    if matches!(digest, Digest::Unknown(_)) || h.signature_algorithm.is_some_and(|a| a != 0) {
        return None;
    }
    let p = Params {
        digest,
        signature,
        usable: true,
    };
    certs.iter().position(|der| {
        let Ok(facts) = CertFacts::decode(der) else {
            return false;
        };
        match signer_key(&facts, None) {
            Ok((key, _)) => key.size() == signature.len() && check_with(list, &p, key),
            Err(_) => false,
        }
    })
}
