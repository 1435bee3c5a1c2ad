//! What verification needs from a certificate, decoded once ([`CertFacts`]), and a shared
//! cache of them keyed by the certificate's DER ([`CertCache`]).
//!
//! A sweep verifies thousands of lists that carry the same handful of certificates; the cache
//! decodes each certificate once and prepares each signer key once (Montgomery parameters).
//! Entries depend only on the DER bytes, so a cached answer is always the answer decoding
//! would give.

use super::pubkey::{KeyError, PreparedKey};
use crate::names::{Attributes, cucm_dn, parse_dn_text};
use crate::time::UnixTime;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use x509_parser::certificate::X509CertificateParser;
use x509_parser::nom::Parser;
use x509_parser::public_key::PublicKey;

/// Signature algorithms that hash with SHA-1: RSA (PKCS#1 and the old OIW OID), ECDSA, DSA.
const SHA1_SIGNATURES: [&str; 4] = [
    "1.2.840.113549.1.1.5",
    "1.3.14.3.2.29",
    "1.2.840.10045.4.1",
    "1.2.840.10040.4.3",
];

/// The decoded parts of a certificate that verification compares with a record.
#[derive(Debug)]
pub(crate) struct CertFacts {
    /// Subject in CUCM's text form (what CUCM writes in SUBJECTNAME), and parsed.
    pub subject_text: String,
    pub subject: Attributes,
    /// Issuer in CUCM's text form, and parsed.
    pub issuer_text: String,
    pub issuer: Attributes,
    pub serial: Vec<u8>,
    /// subjectPublicKey bit-string content: PKCS#1 for RSA, the X9.62 point for EC.
    pub public_key: Vec<u8>,
    pub signature_value: Vec<u8>,
    pub not_before: UnixTime,
    pub not_after: UnixTime,
    pub key: KeyKind,
    /// Signed with SHA-1.
    pub sha1_signed: bool,
    /// The RSA key prepared for verification, built on first use.
    prepared: OnceLock<Result<PreparedKey, KeyError>>,
}

/// The certificate's key type.
#[derive(Debug)]
pub(crate) enum KeyKind {
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
        bits: usize,
    },
    Ec,
    Other,
}

impl CertFacts {
    /// Decodes a DER certificate. The error is x509-parser's message.
    pub fn decode(der: &[u8]) -> Result<Self, String> {
        let mut parser = X509CertificateParser::new().with_deep_parse_extensions(false);
        let (rest, cert) = parser.parse(der).map_err(|e| e.to_string())?;
        if !rest.is_empty() {
            return Err(format!(
                "{} byte(s) after the end of the certificate",
                rest.len()
            ));
        }
        let spki = cert.public_key();
        let key = match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let modulus = strip_zeros(rsa.modulus);
                let bits = match modulus.first() {
                    Some(&top) => modulus.len() * 8 - top.leading_zeros() as usize,
                    None => 0,
                };
                KeyKind::Rsa {
                    modulus: modulus.to_vec(),
                    exponent: rsa.exponent.to_vec(),
                    bits,
                }
            }
            Ok(PublicKey::EC(_)) => KeyKind::Ec,
            _ => KeyKind::Other,
        };
        let sha1_signed =
            SHA1_SIGNATURES.contains(&cert.signature_algorithm.algorithm.to_id_string().as_str());
        let subject_text = cucm_dn(cert.subject());
        let issuer_text = cucm_dn(cert.issuer());
        Ok(Self {
            subject: parse_dn_text(&subject_text),
            subject_text,
            issuer: parse_dn_text(&issuer_text),
            issuer_text,
            serial: cert.raw_serial().to_vec(),
            public_key: spki.subject_public_key.data.to_vec(),
            signature_value: cert.signature_value.data.to_vec(),
            not_before: UnixTime::from_secs(cert.validity().not_before.timestamp()),
            not_after: UnixTime::from_secs(cert.validity().not_after.timestamp()),
            key,
            sha1_signed,
            prepared: OnceLock::new(),
        })
    }

    /// RSA modulus size in bits, `None` for other keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        match self.key {
            KeyKind::Rsa { bits, .. } => Some(bits),
            _ => None,
        }
    }

    /// The RSA key prepared for verification; `None` for a non-RSA key.
    pub fn prepared_key(&self) -> Option<&Result<PreparedKey, KeyError>> {
        let KeyKind::Rsa {
            modulus, exponent, ..
        } = &self.key
        else {
            return None;
        };
        Some(
            self.prepared
                .get_or_init(|| PreparedKey::new(modulus, exponent)),
        )
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Decoded certificates by a fingerprint of their DER (see [`fingerprint`]), each bucket
/// holding the full DER for comparison.
type Entries = HashMap<u64, Vec<(Box<[u8]>, Arc<CertFacts>)>>;

/// A cheap fingerprint of a certificate: its length and its last 16 bytes, which lie in the
/// issuer's signature and so differ between any two certificates. Lookups still compare the
/// whole DER, so a collision costs time, never a wrong answer.
fn fingerprint(der: &[u8]) -> u64 {
    let tail = &der[der.len().saturating_sub(16)..];
    tail.iter()
        .fold(der.len() as u64, |acc, &b| {
            acc.rotate_left(8) ^ u64::from(b)
        })
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A cache of decoded certificates and prepared RSA keys, keyed by the certificate DER,
/// shared by every verification that holds a clone (it is an `Arc` inside) and safe to use
/// from many threads. Bounded: past [`CertCache::limit`] entries, new certificates are
/// decoded but not kept.
#[derive(Clone, Debug)]
pub struct CertCache {
    entries: Arc<RwLock<Entries>>,
    limit: usize,
}

impl Default for CertCache {
    fn default() -> Self {
        Self::new()
    }
}

impl CertCache {
    /// An empty cache holding at most 4096 certificates.
    pub fn new() -> Self {
        Self::with_limit(4096)
    }

    /// An empty cache holding at most `limit` certificates.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            entries: Arc::new(RwLock::new(HashMap::new())),
            limit,
        }
    }

    /// The most certificates kept.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Certificates held.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .map(|map| map.values().map(Vec::len).sum())
            .unwrap_or(0)
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every entry.
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.write() {
            map.clear();
        }
    }

    /// The facts of `der`, from the cache or decoded (and then kept). Certificates that do
    /// not decode are not kept.
    pub(crate) fn facts(&self, der: &[u8]) -> Result<Arc<CertFacts>, String> {
        let key = fingerprint(der);
        let find = |bucket: &[(Box<[u8]>, Arc<CertFacts>)]| {
            bucket
                .iter()
                .find(|(d, _)| **d == *der)
                .map(|(_, facts)| Arc::clone(facts))
        };
        if let Some(found) = self
            .entries
            .read()
            .ok()
            .and_then(|map| map.get(&key).and_then(|bucket| find(bucket)))
        {
            return Ok(found);
        }
        let facts = Arc::new(CertFacts::decode(der)?);
        if let Ok(mut map) = self.entries.write() {
            let held: usize = map.values().map(Vec::len).sum();
            let bucket = map.entry(key).or_default();
            if held < self.limit && find(bucket).is_none() {
                bucket.push((der.into(), Arc::clone(&facts)));
            }
        }
        Ok(facts)
    }
}

/// Decodes through `cache` when there is one.
pub(crate) fn facts_of(cache: Option<&CertCache>, der: &[u8]) -> Result<Arc<CertFacts>, String> {
    match cache {
        Some(cache) => cache.facts(der),
        None => CertFacts::decode(der).map(Arc::new),
    }
}
