//! Owned, pre-digested views of what the trust rules look at: a certificate ([`CertInfo`]),
//! the signer a file names ([`SignerId`]), a whole trust list ([`TrustFile`]) and the hash a
//! phone reports for a file ([`FileHash`]).
//!
//! Each is computed once (parse, names, digests) and shared through [`Arc`], so deciding for
//! thousands of phones touches no DER and no TLV again.

use super::outcome::SignerName;
use crate::ListKind;
use crate::checksum::{Checksums, normalize_hex, sha256};
use crate::names::{Attributes, certificate_attributes, cucm_dn, parse_dn_text};
use crate::values::{Function, Serial};
use crate::{ParseError, TrustList};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

/// A certificate the phone could hold or a TVS server could return, with the fields the
/// rules compare: serial, issuer (parsed attributes), public key, DER digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    der: Arc<[u8]>,
    sha256: [u8; 32],
    serial: Box<[u8]>,
    serial_text: Arc<str>,
    subject: Arc<str>,
    issuer: Attributes,
    public_key: Box<[u8]>,
}

/// A certificate that does not decode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("certificate does not decode: {0}")]
pub struct CertError(pub String);

impl CertInfo {
    /// Decodes a DER certificate.
    pub fn parse(der: &[u8]) -> Result<Self, CertError> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| CertError(e.to_string()))?;
        let raw_serial = cert.raw_serial();
        Ok(Self {
            der: Arc::from(der),
            sha256: sha256(der),
            serial: Serial(raw_serial).significant().into(),
            serial_text: Serial(raw_serial).to_cucm().into(),
            subject: cucm_dn(cert.subject()).into(),
            issuer: certificate_attributes(cert.issuer()),
            public_key: cert.public_key().subject_public_key.data.as_ref().into(),
        })
    }

    /// Decodes a DER certificate into a shared value.
    pub fn shared(der: &[u8]) -> Result<Arc<Self>, CertError> {
        Self::parse(der).map(Arc::new)
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the DER (how certificates are compared for identity).
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// Subject in CUCM form (`CN=…;OU=…;O=…`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Serial number in CUCM form (`5C:3E:…`).
    pub fn serial_text(&self) -> &str {
        &self.serial_text
    }

    /// The serial number's significant bytes (no leading zeros).
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    /// The issuer's CN/OU/O/L/ST/C attributes, in CUCM order.
    pub fn issuer(&self) -> &Attributes {
        &self.issuer
    }

    /// The subject public key bits (PKCS#1 `RSAPublicKey` for RSA).
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// The certificate shown as a signer: subject and serial.
    pub fn name(&self) -> SignerName {
        SignerName {
            subject: self.subject.clone(),
            serial: self.serial_text.clone(),
        }
    }
}

/// The signer a file names in its header's SIGNER_INFO: serial and issuer. Phones (and TVS)
/// look a signer up by exactly these two; the subject is for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerId {
    name: SignerName,
    serial: Box<[u8]>,
    issuer: Option<Attributes>,
}

impl SignerId {
    /// Whether `cert` is the certificate this signer names: same serial number (leading zeros
    /// ignored) and, when the header names an issuer, the same issuer compared by parsed
    /// attributes ([`crate::names`]).
    pub fn matches(&self, cert: &CertInfo) -> bool {
        *self.serial == *cert.serial
            && self
                .issuer
                .as_ref()
                .is_none_or(|issuer| issuer == &cert.issuer)
    }

    /// The signer for display.
    pub fn name(&self) -> &SignerName {
        &self.name
    }

    /// The serial + issuer query that names `cert` (what a phone sends TVS for a config
    /// signer).
    pub fn of_certificate(cert: &CertInfo) -> Self {
        Self {
            name: cert.name(),
            serial: cert.serial.clone(),
            issuer: Some(cert.issuer.clone()),
        }
    }
}

/// One record of a [`TrustFile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordInfo {
    /// FUNCTION (role).
    pub function: Option<Function>,
    /// DNSNAME.
    pub dns_name: Option<Arc<str>>,
    /// The certificate, when the record carries one that decodes.
    pub cert: Option<Arc<CertInfo>>,
}

/// A trust list as the phone rules need it: the owned bytes, their checksums, the kind, the
/// signer the header names, and every record's role and certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustFile {
    bytes: Arc<[u8]>,
    checksums: Checksums,
    kind: Option<ListKind>,
    signer: Option<SignerId>,
    records: Vec<RecordInfo>,
    certificate_count: usize,
    blank: bool,
}

impl TrustFile {
    /// Parses a file and digests what the rules need. Prefer
    /// [`TrustCache::file`](super::TrustCache::file), which does this once per content.
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let list = TrustList::parse(bytes)?;
        let header = list.header();
        let signer = match (header.signer_serial, header.signature) {
            (Some(serial), Some(_)) => Some(SignerId {
                name: SignerName {
                    subject: header
                        .signer_name
                        .map(|n| n.lossy().into_owned())
                        .unwrap_or_default()
                        .into(),
                    serial: serial.to_cucm().into(),
                },
                serial: serial.significant().into(),
                issuer: header.signer_issuer.map(|i| parse_dn_text(&i.lossy())),
            }),
            _ => None,
        };
        let mut seen: HashMap<&[u8], Arc<CertInfo>> = HashMap::new();
        let records: Vec<RecordInfo> = list
            .records()
            .iter()
            .map(|r| RecordInfo {
                function: r.function,
                dns_name: r.dns_name.map(|n| Arc::from(n.lossy().as_ref())),
                cert: r.certificate_der.and_then(|der| {
                    if let Some(known) = seen.get(der) {
                        return Some(known.clone());
                    }
                    let info = CertInfo::shared(der).ok()?;
                    seen.insert(der, info.clone());
                    Some(info)
                }),
            })
            .collect();
        let kind = list.kind();
        let blank = kind == Some(ListKind::Itl)
            && !records.iter().any(|r| {
                r.cert.is_some()
                    && matches!(
                        r.function,
                        Some(Function::Tvs | Function::Tftp | Function::CcmTftp)
                    )
            });
        Ok(Self {
            bytes: Arc::from(bytes),
            checksums: Checksums::of(bytes),
            kind,
            signer,
            certificate_count: list.certificate_count(),
            records,
            blank,
        })
    }

    /// The file bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// File size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false for a parsed file; present for symmetry.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// MD5, SHA-1 and SHA-256 of the file.
    pub fn checksums(&self) -> &Checksums {
        &self.checksums
    }

    /// SHA-256 of the file (the cache key).
    pub fn sha256(&self) -> &[u8; 32] {
        &self.checksums.sha256
    }

    /// ITL or CTL, from FILENAME.
    pub fn kind(&self) -> Option<ListKind> {
        self.kind
    }

    /// The signer the header names; `None` for an unsigned file.
    pub fn signer(&self) -> Option<&SignerId> {
        self.signer.as_ref()
    }

    /// The records in file order.
    pub fn records(&self) -> &[RecordInfo] {
        &self.records
    }

    /// Records that carry a certificate (decodable or not).
    pub fn certificate_count(&self) -> usize {
        self.certificate_count
    }

    /// A blank ITL (rollback, §2.4): no TVS, TFTP or CCM+TFTP record carries a certificate.
    pub fn is_blank(&self) -> bool {
        self.blank
    }

    /// The certificates of records with one of `roles`, with the role.
    pub fn certs_with_roles<'s>(
        &'s self,
        roles: &'s [Function],
    ) -> impl Iterator<Item = (Function, &'s Arc<CertInfo>)> + 's {
        self.records
            .iter()
            .filter_map(move |r| match (r.function, &r.cert) {
                (Some(f), Some(cert)) if roles.contains(&f) => Some((f, cert)),
                _ => None,
            })
    }

    /// Whether a TVS record of this file carries exactly this certificate (by SHA-256).
    pub fn has_tvs_cert(&self, sha256: &[u8; 32]) -> bool {
        self.certs_with_roles(&[Function::Tvs])
            .any(|(_, c)| c.sha256() == sha256)
    }

    /// Whether any TVS record carries a certificate.
    pub fn has_tvs_records(&self) -> bool {
        self.certs_with_roles(&[Function::Tvs]).next().is_some()
    }
}

/// A file hash as a phone or a sweep reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileHash {
    /// MD5 (the 8800 "ITL signature" field).
    Md5([u8; 16]),
    /// SHA-1 (`show itl`, some phone models).
    Sha1([u8; 20]),
    /// SHA-256 (archive key).
    Sha256([u8; 32]),
}

impl FileHash {
    /// Reads a hash written in hex (spaces, colons and dashes ignored, any case); the
    /// algorithm follows from the length (32, 40 or 64 hex digits).
    pub fn from_hex(text: &str) -> Option<Self> {
        let hex_text = normalize_hex(text)?;
        let bytes = hex::decode(hex_text).ok()?;
        Some(match bytes.len() {
            16 => Self::Md5(bytes.try_into().ok()?),
            20 => Self::Sha1(bytes.try_into().ok()?),
            32 => Self::Sha256(bytes.try_into().ok()?),
            _ => return None,
        })
    }

    /// The SHA-256 hash of a file's checksums.
    pub fn sha256_of(checksums: &Checksums) -> Self {
        Self::Sha256(checksums.sha256)
    }

    /// Whether the file with these checksums has this hash.
    pub fn matches(&self, checksums: &Checksums) -> bool {
        match self {
            Self::Md5(h) => *h == checksums.md5,
            Self::Sha1(h) => *h == checksums.sha1,
            Self::Sha256(h) => *h == checksums.sha256,
        }
    }

    /// `MD5`, `SHA-1` or `SHA-256`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Md5(_) => "MD5",
            Self::Sha1(_) => "SHA-1",
            Self::Sha256(_) => "SHA-256",
        }
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Md5(h) => h,
            Self::Sha1(h) => h,
            Self::Sha256(h) => h,
        }
    }
}

impl fmt::Display for FileHash {
    /// `MD5 0123…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.algorithm(), hex::encode(self.as_bytes()))
    }
}
