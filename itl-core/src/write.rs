//! [`TrustListBuilder`]: records and a signer key in, signed bytes out, in the field order
//! real CUCM files use.
//!
//! ```text
//! header  1, 2, 3{4,5,6}, 7{8,9{10,11}}, 12, 14, 15, [28], 13×pad     (CUCM order)
//!         1, 2, 28, 3{4,6,5}, 7{8,9{10,11}}, 12, 14, 15, 13×pad       (certutils order)
//! record  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, [11, 12]                     (CUCM order)
//!         1, 3, 5, 6, 4, 7, 8, 9, [11, 12], [2], [10]                 (certutils order)
//! ```
//!
//! HEADER_LENGTH is padded to a multiple of 4 with PADDING bytes; the signature is RSA
//! PKCS#1 v1.5 over the file without its SIGNATURE element; the result is parsed and its
//! signature checked before it is returned.

use crate::names::cucm_dn;
use crate::signature::{hash_parts, verify_with_key};
use crate::tlv::{header_tag as h, push_leaf, record_tag as r};
use crate::values::{Digest, Function, len_to_modulus_index};
use crate::{ParseError, TrustList};
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use std::net::Ipv4Addr;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;

/// Why a list could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The signer key's size cannot be expressed (signatures of 64, 128, 256 or 512 bytes only).
    #[error(
        "unsupported signer key: {bits} bits (trust lists take 1024, 2048 or 4096-bit RSA keys)"
    )]
    UnsupportedKeySize {
        /// Key size in bits.
        bits: usize,
    },
    /// The digest is not one a trust list can name.
    #[error("unsupported digest {0}")]
    UnsupportedDigest(Digest),
    /// A value or a record is longer than a 16-bit length allows.
    #[error("{what} is {len} bytes, over the 65535-byte limit of a length field")]
    TooLong {
        /// What overflowed.
        what: String,
        /// Its size.
        len: usize,
    },
    /// A certificate could not be decoded.
    #[error("certificate {what}: {reason}")]
    BadCertificate {
        /// Which certificate.
        what: String,
        /// Why.
        reason: String,
    },
    /// RSA signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// The output did not parse back (a bug).
    #[error("the built file does not parse back: {0}")]
    Reparse(ParseError),
    /// The output's signature did not verify with the signer's public key (a bug).
    #[error("the built file's signature does not verify with the signer key")]
    SelfCheck,
}

/// Field order of the written file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldOrder {
    /// The order of CUCM-built files.
    #[default]
    Cucm,
    /// The order of usecallmanager's certutils (tag 28 early, 4/6/5, no DNSNAME/IPADDRESS first).
    Certutils,
}

/// The signer named in the header's SIGNER_INFO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerInfo {
    /// SIGNER_NAME: subject text (written NUL-terminated).
    pub name: String,
    /// SIGNER_SERIAL: raw serial bytes.
    pub serial: Vec<u8>,
    /// SIGNER_ISSUER: issuer text.
    pub issuer: String,
}

impl SignerInfo {
    /// Takes the signer's names (CUCM format) and serial from its DER certificate.
    pub fn from_certificate(der: &[u8]) -> Result<Self, BuildError> {
        let spec = RecordSpec::from_certificate(Function::Sast, der)?;
        Ok(Self {
            name: spec.subject.unwrap_or_default(),
            serial: spec.serial.unwrap_or_default(),
            issuer: spec.issuer.unwrap_or_default(),
        })
    }
}

/// The content of one record to write. Text fields are given without the NUL terminator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordSpec {
    /// FUNCTION.
    pub function: Option<Function>,
    /// DNSNAME.
    pub dns_name: Option<String>,
    /// SUBJECTNAME.
    pub subject: Option<String>,
    /// ISSUERNAME.
    pub issuer: Option<String>,
    /// SERIALNUMBER, raw bytes.
    pub serial: Option<Vec<u8>>,
    /// PUBLICKEY.
    pub public_key: Option<Vec<u8>>,
    /// SIGNATURE: the certificate's signatureValue.
    pub signature: Option<Vec<u8>>,
    /// CERTIFICATE, DER.
    pub certificate: Option<Vec<u8>>,
    /// IPADDRESS.
    pub ip: Option<Ipv4Addr>,
    /// CERT_HASH (tag 11), raw.
    pub cert_hash: Option<Vec<u8>>,
    /// HASH_ALGORITHM (tag 12), raw.
    pub hash_algorithm: Option<Vec<u8>>,
    /// Further elements (tag, value) written at the end of the record, as is.
    pub extra: Vec<(u8, Vec<u8>)>,
}

impl RecordSpec {
    /// A record for a certificate, as CUCM writes it: subject and issuer in CUCM format,
    /// serial, public key (PKCS#1 for RSA, the X9.62 point for EC), the certificate's
    /// signatureValue and the DER itself.
    pub fn from_certificate(function: Function, der: &[u8]) -> Result<Self, BuildError> {
        let bad = |reason: String| BuildError::BadCertificate {
            what: format!("for a {function} record"),
            reason,
        };
        let (_, cert) = x509_parser::certificate::X509Certificate::from_der(der)
            .map_err(|e| bad(e.to_string()))?;
        let spki = cert.public_key();
        let public_key = match spki.parsed() {
            Ok(PublicKey::RSA(_)) | Ok(PublicKey::EC(_)) => spki.subject_public_key.data.to_vec(),
            Ok(_) => return Err(bad("unsupported public key type".into())),
            Err(e) => return Err(bad(e.to_string())),
        };
        Ok(Self {
            function: Some(function),
            dns_name: None,
            subject: Some(cucm_dn(cert.subject())),
            issuer: Some(cucm_dn(cert.issuer())),
            serial: Some(cert.raw_serial().to_vec()),
            public_key: Some(public_key),
            signature: Some(cert.signature_value.data.to_vec()),
            certificate: Some(der.to_vec()),
            ip: None,
            cert_hash: None,
            hash_algorithm: None,
            extra: Vec::new(),
        })
    }

    /// A placeholder record: a role, a name and an address, no certificate.
    pub fn placeholder(function: Function, dns_name: &str, ip: Option<Ipv4Addr>) -> Self {
        Self {
            function: Some(function),
            dns_name: Some(dns_name.to_string()),
            ip,
            ..Self::default()
        }
    }

    /// Sets DNSNAME.
    pub fn with_dns_name(mut self, name: &str) -> Self {
        self.dns_name = Some(name.to_string());
        self
    }

    /// Sets IPADDRESS.
    pub fn with_ip(mut self, ip: Ipv4Addr) -> Self {
        self.ip = Some(ip);
        self
    }

    fn encode(&self, order: FieldOrder, out: &mut Vec<u8>, index: usize) -> Result<(), BuildError> {
        let start = out.len();
        out.extend_from_slice(&[r::RECORD_LENGTH, 0, 2, 0, 0]);
        let text = |s: &Option<String>| {
            s.as_ref().map(|s| {
                let mut v = s.as_bytes().to_vec();
                v.push(0);
                v
            })
        };
        let function = self.function.map(|f| f.code().to_be_bytes().to_vec());
        let ip = self.ip.map(|ip| ip.octets().to_vec());
        let fields: [(u8, Option<Vec<u8>>); 11] = [
            (r::DNS_NAME, text(&self.dns_name)),
            (r::SUBJECT_NAME, text(&self.subject)),
            (r::FUNCTION, function),
            (r::ISSUER_NAME, text(&self.issuer)),
            (r::SERIAL_NUMBER, self.serial.clone()),
            (r::PUBLIC_KEY, self.public_key.clone()),
            (r::SIGNATURE, self.signature.clone()),
            (r::CERTIFICATE, self.certificate.clone()),
            (r::IP_ADDRESS, ip),
            (r::CERT_HASH, self.cert_hash.clone()),
            (r::HASH_ALGORITHM, self.hash_algorithm.clone()),
        ];
        let order_tags: &[u8] = match order {
            FieldOrder::Cucm => &[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            FieldOrder::Certutils => &[3, 5, 6, 4, 7, 8, 9, 11, 12, 2, 10],
        };
        for &tag in order_tags {
            if let Some((_, Some(value))) = fields.iter().find(|(t, _)| *t == tag) {
                push_checked(out, tag, value, || {
                    format!("record {} tag {tag}", index + 1)
                })?;
            }
        }
        for (tag, value) in &self.extra {
            push_checked(out, *tag, value, || {
                format!("record {} tag {tag}", index + 1)
            })?;
        }
        let len = out.len() - start;
        let len16 = u16::try_from(len).map_err(|_| BuildError::TooLong {
            what: format!("record {}", index + 1),
            len,
        })?;
        out[start + 3..start + 5].copy_from_slice(&len16.to_be_bytes());
        Ok(())
    }
}

fn push_checked(
    out: &mut Vec<u8>,
    tag: u8,
    value: &[u8],
    what: impl FnOnce() -> String,
) -> Result<(), BuildError> {
    if value.len() > usize::from(u16::MAX) {
        return Err(BuildError::TooLong {
            what: what(),
            len: value.len(),
        });
    }
    push_leaf(out, tag, value);
    Ok(())
}

/// Builds and signs a trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustListBuilder {
    /// FILENAME (`ITLFile.tlv`, `CTLFile.tlv`...).
    pub filename: String,
    /// TIMESTAMP, Unix seconds.
    pub timestamp: u32,
    /// DIGEST_ALGORITHM.
    pub digest: Digest,
    /// VERSION (1.2 by default).
    pub version: (u8, u8),
    /// SIGNER_VERSION (tag 28), written when set.
    pub signer_version: Option<(u8, u8)>,
    /// Field order.
    pub order: FieldOrder,
    /// Extra header elements (tag, value), written before the padding, as is.
    pub header_extra: Vec<(u8, Vec<u8>)>,
    /// The records in order.
    pub records: Vec<RecordSpec>,
}

impl TrustListBuilder {
    /// A builder for `filename` stamped `timestamp`, SHA-1, version 1.2, CUCM order.
    pub fn new(filename: &str, timestamp: u32) -> Self {
        Self {
            filename: filename.to_string(),
            timestamp,
            digest: Digest::Sha1,
            version: (1, 2),
            signer_version: None,
            order: FieldOrder::Cucm,
            header_extra: Vec::new(),
            records: Vec::new(),
        }
    }

    /// Sets the digest.
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }

    /// Sets SIGNER_VERSION (tag 28).
    pub fn signer_version(mut self, major: u8, minor: u8) -> Self {
        self.signer_version = Some((major, minor));
        self
    }

    /// Sets the field order.
    pub fn order(mut self, order: FieldOrder) -> Self {
        self.order = order;
        self
    }

    /// Appends a record.
    pub fn record(mut self, record: RecordSpec) -> Self {
        self.records.push(record);
        self
    }

    /// Signs with `key`, naming the signer by its certificate (which should also be one of the
    /// SAST records, or nobody can check the file).
    pub fn sign_with_certificate(
        &self,
        key: &RsaPrivateKey,
        signer_cert_der: &[u8],
    ) -> Result<Vec<u8>, BuildError> {
        self.sign(key, &SignerInfo::from_certificate(signer_cert_der)?)
    }

    /// Builds the file and signs it with `key`, naming `signer` in SIGNER_INFO.
    pub fn sign(&self, key: &RsaPrivateKey, signer: &SignerInfo) -> Result<Vec<u8>, BuildError> {
        let out = self.assemble(signer, key.size(), |hashed, scheme| {
            key.sign(scheme, hashed)
                .map_err(|e| BuildError::Signing(e.to_string()))
        })?;
        let list = TrustList::parse(&out).map_err(BuildError::Reparse)?;
        if !verify_with_key(&list, &RsaPublicKey::from(key)) {
            return Err(BuildError::SelfCheck);
        }
        Ok(out)
    }

    /// Builds the file CUCM would write when `signer` (whose key is `signature_len` bytes:
    /// 128, 256 or 512) signs it, with a placeholder signature (zero bytes) instead of the
    /// signature only the holder of the key can make. For predictions: every byte but the
    /// signature's is what the cluster will serve.
    pub fn unsigned(
        &self,
        signer: &SignerInfo,
        signature_len: usize,
    ) -> Result<Vec<u8>, BuildError> {
        let out = self.assemble(signer, signature_len, |_, _| Ok(vec![0; signature_len]))?;
        TrustList::parse(&out).map_err(BuildError::Reparse)?;
        Ok(out)
    }

    /// Writes header and records; `sign` turns the digest of the signed parts into the
    /// signature of `sig_len` bytes.
    fn assemble(
        &self,
        signer: &SignerInfo,
        sig_len: usize,
        sign: impl FnOnce(&[u8], rsa::pkcs1v15::Pkcs1v15Sign) -> Result<Vec<u8>, BuildError>,
    ) -> Result<Vec<u8>, BuildError> {
        let modulus_index = len_to_modulus_index(sig_len)
            .ok_or(BuildError::UnsupportedKeySize { bits: sig_len * 8 })?;
        if matches!(self.digest, Digest::Unknown(_)) {
            return Err(BuildError::UnsupportedDigest(self.digest));
        }

        let mut header = Vec::with_capacity(512);
        push_leaf(&mut header, h::VERSION, &[self.version.0, self.version.1]);
        header.extend_from_slice(&[h::HEADER_LENGTH, 0, 2, 0, 0]);
        if let (FieldOrder::Certutils, Some((a, b))) = (self.order, self.signer_version) {
            push_leaf(&mut header, h::SIGNER_VERSION, &[a, b]);
        }
        let nul = |s: &str| {
            let mut v = s.as_bytes().to_vec();
            v.push(0);
            v
        };
        let mut info = Vec::new();
        let name = nul(&signer.name);
        let issuer = nul(&signer.issuer);
        let signer_fields: [(u8, &[u8]); 3] = match self.order {
            FieldOrder::Cucm => [
                (h::SIGNER_NAME, &name),
                (h::SIGNER_SERIAL, &signer.serial),
                (h::SIGNER_ISSUER, &issuer),
            ],
            FieldOrder::Certutils => [
                (h::SIGNER_NAME, &name),
                (h::SIGNER_ISSUER, &issuer),
                (h::SIGNER_SERIAL, &signer.serial),
            ],
        };
        for (tag, value) in signer_fields {
            push_checked(&mut info, tag, value, || format!("header tag {tag}"))?;
        }
        push_checked(&mut header, h::SIGNER_INFO, &info, || "SIGNER_INFO".into())?;
        header.extend_from_slice(&[
            h::SIGNATURE_INFO,
            0,
            15,
            h::DIGEST_ALGORITHM,
            0,
            1,
            self.digest.code(),
            h::SIGNATURE_ALGO_INFO,
            0,
            8,
            h::SIGNATURE_ALGORITHM,
            0,
            1,
            0,
            h::SIGNATURE_MODULUS,
            0,
            1,
            modulus_index,
        ]);
        let sig_at = header.len();
        push_checked(&mut header, h::FILENAME, &nul(&self.filename), || {
            "FILENAME".into()
        })?;
        push_leaf(&mut header, h::TIMESTAMP, &self.timestamp.to_be_bytes());
        if let (FieldOrder::Cucm, Some((a, b))) = (self.order, self.signer_version) {
            push_leaf(&mut header, h::SIGNER_VERSION, &[a, b]);
        }
        for (tag, value) in &self.header_extra {
            push_checked(&mut header, *tag, value, || format!("header tag {tag}"))?;
        }
        let pad = (4 - (header.len() + 3 + sig_len) % 4) % 4;
        header.extend(std::iter::repeat_n(h::PADDING, pad));
        let header_length = header.len() + 3 + sig_len;
        let header_length16 = u16::try_from(header_length).map_err(|_| BuildError::TooLong {
            what: "the header".into(),
            len: header_length,
        })?;
        header[8..10].copy_from_slice(&header_length16.to_be_bytes());

        let mut body = Vec::with_capacity(self.records.len() * 1200);
        for (index, record) in self.records.iter().enumerate() {
            record.encode(self.order, &mut body, index)?;
        }

        let (hashed, scheme) = hash_parts(self.digest, &[&header, &body])
            .ok_or(BuildError::UnsupportedDigest(self.digest))?;
        let sig = sign(&hashed, scheme)?;

        let mut out = Vec::with_capacity(header_length + body.len());
        out.extend_from_slice(&header[..sig_at]);
        push_leaf(&mut out, h::SIGNATURE, &sig);
        out.extend_from_slice(&header[sig_at..]);
        out.extend_from_slice(&body);
        Ok(out)
    }
}
