//! `show cert own <unit>/<file>`: the certificate as PEM.
//!
//! (inferred) The documents give no transcript. We take the first
//! `-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----` block anywhere in the output
//! (text around it, such as a decoded dump, is ignored), decode it with x509-parser's PEM
//! support and expose the DER with the fields a preflight compares.

use x509_parser::prelude::{FromDer, X509Certificate};

use super::{ParseError, body};

const WHAT: &str = "show cert own";
const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";
/// Largest PEM block accepted (a certificate is a few KiB).
const MAX_PEM: usize = 64 * 1024;

/// A node's own certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnCertificate {
    /// The DER bytes.
    pub der: Vec<u8>,
    /// Serial number: upper-case hex pairs joined by `:` (as `show itl` prints serials).
    pub serial: String,
    /// Subject in RFC 4514 order as x509-parser prints it (`CN=…, OU=…`).
    pub subject: String,
    /// Issuer, same form.
    pub issuer: String,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// Public key size in bits (RSA modulus bits, EC field bits).
    pub key_bits: usize,
    /// SHA-256 of the DER SubjectPublicKeyInfo: equal for two certificates on one key.
    pub public_key_sha256: [u8; 32],
    /// The subject alternative names of type dNSName (several hosts: a multi-server
    /// certificate); at most [`MAX_DNS_NAMES`] kept.
    pub dns_names: Vec<String>,
}

/// Most subject-alternative dNSNames kept from one certificate.
pub const MAX_DNS_NAMES: usize = 64;

/// Parses the output.
pub fn parse(text: &str) -> Result<OwnCertificate, ParseError> {
    let lines = body(text);
    let begin = lines
        .iter()
        .position(|l| l.text.trim() == BEGIN)
        .ok_or_else(|| ParseError::missing(WHAT, "no '-----BEGIN CERTIFICATE-----' line"))?;
    let end = lines
        .iter()
        .skip(begin)
        .position(|l| l.text.trim() == END)
        .map(|i| i + begin)
        .ok_or_else(|| ParseError::missing(WHAT, "no '-----END CERTIFICATE-----' line"))?;
    let mut pem = String::new();
    for line in lines.get(begin..=end).unwrap_or_default() {
        pem.push_str(line.text.trim());
        pem.push('\n');
        if pem.len() > MAX_PEM {
            return Err(ParseError::at(WHAT, line, "PEM block too large"));
        }
    }
    let first = lines
        .get(begin)
        .copied()
        .ok_or_else(|| ParseError::missing(WHAT, "no PEM block"))?;
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes())
        .map_err(|e| ParseError::at(WHAT, &first, format!("invalid PEM: {e}")))?;
    if block.label != "CERTIFICATE" {
        return Err(ParseError::at(WHAT, &first, "not a CERTIFICATE block"));
    }
    let der = block.contents;
    let (_, cert) = X509Certificate::from_der(&der)
        .map_err(|e| ParseError::at(WHAT, &first, format!("invalid certificate: {e}")))?;
    let serial = cert
        .raw_serial()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let key_bits = cert
        .public_key()
        .parsed()
        .map(|k| k.key_size())
        .unwrap_or(0);
    let public_key_sha256 = itl_core::checksum::sha256(cert.public_key().raw);
    let dns_names = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                x509_parser::extensions::GeneralName::DNSName(d) => Some((*d).to_owned()),
                _ => None,
            })
            .take(MAX_DNS_NAMES)
            .collect(),
        _ => Vec::new(),
    };
    let out = OwnCertificate {
        public_key_sha256,
        dns_names,
        serial,
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        key_bits,
        der: Vec::new(),
    };
    Ok(OwnCertificate { der, ..out })
}
