//! Certificate specification, issuance and inspection.

use std::time::Duration;

use der::asn1::{AnyRef, Ia5String, ObjectIdentifier};
use der::flagset::FlagSet;
use der::{DateTime, Decode, Encode, Reader, SliceReader};
use p256::ecdsa::{DerSignature, SigningKey as EcSigningKey, VerifyingKey as EcVerifyingKey};
use rsa::pkcs1v15;
use rsa::signature::{Keypair, Signer, Verifier};
use rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{
    DynSignatureAlgorithmIdentifier, EncodePublicKey, SignatureBitStringEncoding,
    SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use x509_cert::time::{Time, Validity};

use crate::pem;
use crate::{DistinguishedName, PkiError};

const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const OID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Hash used in the certificate signature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SigHash {
    /// SHA-1 (`sha1WithRSAEncryption`); older CUCM releases.
    Sha1,
    /// SHA-256 (`sha256WithRSAEncryption` / `ecdsa-with-SHA256`).
    #[default]
    Sha256,
    /// SHA-512 (`sha512WithRSAEncryption`).
    Sha512,
}

impl SigHash {
    /// Dotted OID of the RSA PKCS#1 v1.5 signature algorithm with this hash.
    #[must_use]
    pub fn rsa_signature_oid(self) -> &'static str {
        match self {
            SigHash::Sha1 => "1.2.840.113549.1.1.5",
            SigHash::Sha256 => "1.2.840.113549.1.1.11",
            SigHash::Sha512 => "1.2.840.113549.1.1.13",
        }
    }
}

/// A keyUsage bit (RFC 5280 §4.2.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum KeyUsageBit {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    CrlSign,
}

impl KeyUsageBit {
    fn flag(self) -> KeyUsages {
        match self {
            KeyUsageBit::DigitalSignature => KeyUsages::DigitalSignature,
            KeyUsageBit::NonRepudiation => KeyUsages::NonRepudiation,
            KeyUsageBit::KeyEncipherment => KeyUsages::KeyEncipherment,
            KeyUsageBit::DataEncipherment => KeyUsages::DataEncipherment,
            KeyUsageBit::KeyAgreement => KeyUsages::KeyAgreement,
            KeyUsageBit::KeyCertSign => KeyUsages::KeyCertSign,
            KeyUsageBit::CrlSign => KeyUsages::CRLSign,
        }
    }
}

/// An extendedKeyUsage purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtKeyUsage {
    /// `id-kp-serverAuth` (1.3.6.1.5.5.7.3.1).
    ServerAuth,
    /// `id-kp-clientAuth` (1.3.6.1.5.5.7.3.2).
    ClientAuth,
    /// `id-kp-ipsecEndSystem` (1.3.6.1.5.5.7.3.5), which CUCM also asserts.
    IpsecEndSystem,
}

impl ExtKeyUsage {
    fn oid(self) -> ObjectIdentifier {
        match self {
            ExtKeyUsage::ServerAuth => ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"),
            ExtKeyUsage::ClientAuth => ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
            ExtKeyUsage::IpsecEndSystem => ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.5"),
        }
    }
}

/// Which X.509v3 extensions a certificate carries.
///
/// [`CertProfile::default`] is [`CertProfile::cucm_identity`]. With no
/// extension at all ([`CertProfile::none`]) a version 1 certificate is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertProfile {
    /// basicConstraints `cA` value; `None` omits the extension.
    pub basic_constraints_ca: Option<bool>,
    /// Mark basicConstraints critical.
    pub basic_constraints_critical: bool,
    /// keyUsage bits; empty omits the extension.
    pub key_usage: Vec<KeyUsageBit>,
    /// Mark keyUsage critical.
    pub key_usage_critical: bool,
    /// extendedKeyUsage purposes, in order; empty omits the extension.
    pub extended_key_usage: Vec<ExtKeyUsage>,
    /// subjectAltName dNSName entries; empty omits the extension.
    pub subject_alt_dns: Vec<String>,
    /// Add subjectKeyIdentifier (SHA-1 of the subject public key bits).
    pub subject_key_id: bool,
    /// Add authorityKeyIdentifier (SHA-1 of the signer's public key bits).
    pub authority_key_id: bool,
}

impl Default for CertProfile {
    fn default() -> Self {
        Self::cucm_identity()
    }
}

impl CertProfile {
    /// What CUCM puts in its self-signed RSA identity certificates
    /// (CallManager, tomcat, ipsec, TVS, CAPF, ITLRecovery): `CA:TRUE`,
    /// keyUsage digitalSignature + keyEncipherment + keyCertSign,
    /// extendedKeyUsage serverAuth + clientAuth, SKI and AKI.
    #[must_use]
    pub fn cucm_identity() -> Self {
        Self {
            basic_constraints_ca: Some(true),
            basic_constraints_critical: true,
            key_usage: vec![
                KeyUsageBit::DigitalSignature,
                KeyUsageBit::KeyEncipherment,
                KeyUsageBit::KeyCertSign,
            ],
            key_usage_critical: true,
            extended_key_usage: vec![ExtKeyUsage::ServerAuth, ExtKeyUsage::ClientAuth],
            subject_alt_dns: Vec::new(),
            subject_key_id: true,
            authority_key_id: true,
        }
    }

    /// [`cucm_identity`](CertProfile::cucm_identity) for an EC key
    /// (CallManager-ECDSA): keyUsage digitalSignature + keyAgreement +
    /// keyCertSign, as keyEncipherment does not apply to EC keys.
    #[must_use]
    pub fn cucm_ecdsa_identity() -> Self {
        Self {
            key_usage: vec![
                KeyUsageBit::DigitalSignature,
                KeyUsageBit::KeyAgreement,
                KeyUsageBit::KeyCertSign,
            ],
            ..Self::cucm_identity()
        }
    }

    /// No extensions at all: the certificate is encoded as version 1.
    #[must_use]
    pub fn none() -> Self {
        Self {
            basic_constraints_ca: None,
            basic_constraints_critical: false,
            key_usage: Vec::new(),
            key_usage_critical: false,
            extended_key_usage: Vec::new(),
            subject_alt_dns: Vec::new(),
            subject_key_id: false,
            authority_key_id: false,
        }
    }

    fn extensions(
        &self,
        subject: &Name,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut exts: Vec<Extension> = Vec::new();
        if self.subject_key_id {
            let ski = SubjectKeyIdentifier::try_from(spk)?;
            let ext = (false, &ski).to_extension(subject, &exts)?;
            exts.push(ext);
        }
        if self.authority_key_id {
            let signer_ski = SubjectKeyIdentifier::try_from(issuer_spk)?;
            let aki = AuthorityKeyIdentifier {
                key_identifier: Some(signer_ski.0),
                ..Default::default()
            };
            let ext = (false, &aki).to_extension(subject, &exts)?;
            exts.push(ext);
        }
        if let Some(ca) = self.basic_constraints_ca {
            let bc = BasicConstraints {
                ca,
                path_len_constraint: None,
            };
            let ext = (self.basic_constraints_critical, &bc).to_extension(subject, &exts)?;
            exts.push(ext);
        }
        if !self.key_usage.is_empty() {
            let flags = self
                .key_usage
                .iter()
                .fold(FlagSet::<KeyUsages>::default(), |acc, b| acc | b.flag());
            let ku = KeyUsage(flags);
            let ext = (self.key_usage_critical, &ku).to_extension(subject, &exts)?;
            exts.push(ext);
        }
        if !self.extended_key_usage.is_empty() {
            let eku = ExtendedKeyUsage(self.extended_key_usage.iter().map(|e| e.oid()).collect());
            let ext = (false, &eku).to_extension(subject, &exts)?;
            exts.push(ext);
        }
        if !self.subject_alt_dns.is_empty() {
            let names = self
                .subject_alt_dns
                .iter()
                .map(|d| Ia5String::new(d).map(GeneralName::DnsName))
                .collect::<der::Result<Vec<_>>>()?;
            let san = SubjectAltName(names);
            let ext = (false, &san).to_extension(subject, &exts)?;
            exts.push(ext);
        }
        Ok(exts)
    }
}

/// The private key that signs a certificate.
#[derive(Clone, Copy)]
pub enum SignerKey<'a> {
    /// RSA PKCS#1 v1.5 with [`CertSpec::sig_hash`].
    Rsa(&'a RsaPrivateKey),
    /// ECDSA P-256 (RFC 6979 deterministic), SHA-256 only.
    EcP256(&'a EcSigningKey),
}

impl std::fmt::Debug for SignerKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        match self {
            SignerKey::Rsa(_) => f.write_str("SignerKey::Rsa(..)"),
            SignerKey::EcP256(_) => f.write_str("SignerKey::EcP256(..)"),
        }
    }
}

impl<'a> From<&'a RsaPrivateKey> for SignerKey<'a> {
    fn from(k: &'a RsaPrivateKey) -> Self {
        SignerKey::Rsa(k)
    }
}

impl<'a> From<&'a EcSigningKey> for SignerKey<'a> {
    fn from(k: &'a EcSigningKey) -> Self {
        SignerKey::EcP256(k)
    }
}

/// The issuer of a CA-signed certificate: its name and signing key.
#[derive(Clone, Debug)]
pub struct Issuer<'a> {
    /// The issuer's distinguished name (written as the certificate's issuer).
    pub name: DistinguishedName,
    /// The issuer's private key.
    pub key: SignerKey<'a>,
}

impl<'a> Issuer<'a> {
    /// An issuer from a name and an RSA or EC P-256 private key.
    #[must_use]
    pub fn new(name: DistinguishedName, key: impl Into<SignerKey<'a>>) -> Self {
        Self {
            name,
            key: key.into(),
        }
    }
}

/// Everything that goes into a certificate except the subject key.
#[derive(Clone, Debug)]
pub struct CertSpec<'a> {
    /// Subject name.
    pub subject: DistinguishedName,
    /// Issuer; `None` makes a self-signed certificate (issuer = subject).
    pub issuer: Option<Issuer<'a>>,
    /// Serial number, big-endian, positive, at most 20 octets once leading
    /// zero octets are stripped.
    pub serial: Vec<u8>,
    /// Start of validity, Unix seconds.
    pub not_before: u64,
    /// End of validity, Unix seconds.
    pub not_after: u64,
    /// Signature hash.
    pub sig_hash: SigHash,
    /// Extensions.
    pub profile: CertProfile,
}

impl<'a> CertSpec<'a> {
    /// A self-signed SHA-256 spec with the [`CertProfile::cucm_identity`] extensions.
    #[must_use]
    pub fn self_signed(
        subject: DistinguishedName,
        serial: Vec<u8>,
        not_before: u64,
        not_after: u64,
    ) -> Self {
        Self {
            subject,
            issuer: None,
            serial,
            not_before,
            not_after,
            sig_hash: SigHash::Sha256,
            profile: CertProfile::cucm_identity(),
        }
    }

    /// Sets the issuer (the certificate becomes CA-signed).
    #[must_use]
    pub fn issued_by(mut self, issuer: Issuer<'a>) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Sets the signature hash.
    #[must_use]
    pub fn with_sig_hash(mut self, sig_hash: SigHash) -> Self {
        self.sig_hash = sig_hash;
        self
    }

    /// Sets the extension profile.
    #[must_use]
    pub fn with_profile(mut self, profile: CertProfile) -> Self {
        self.profile = profile;
        self
    }

    fn serial_number(&self) -> Result<SerialNumber, PkiError> {
        let first = self.serial.iter().position(|&b| b != 0);
        let Some(first) = first else {
            return Err(PkiError::InvalidSerial("serial number must be positive"));
        };
        let magnitude = &self.serial[first..];
        if magnitude.len() > 20 {
            return Err(PkiError::InvalidSerial(
                "serial number longer than 20 octets",
            ));
        }
        SerialNumber::new(magnitude).map_err(|_| {
            PkiError::InvalidSerial("serial number does not fit 20 octets as a DER INTEGER")
        })
    }

    fn validity(&self) -> Result<Validity, PkiError> {
        if self.not_before > self.not_after {
            return Err(PkiError::InvalidValidity(format!(
                "not_before {} is after not_after {}",
                self.not_before, self.not_after
            )));
        }
        let time = |secs: u64| -> Result<Time, PkiError> {
            DateTime::from_unix_duration(Duration::from_secs(secs))
                .map(Time::from)
                .map_err(|e| PkiError::InvalidValidity(format!("{secs}: {e}")))
        };
        Ok(Validity::new(time(self.not_before)?, time(self.not_after)?))
    }
}

/// The [`BuilderProfile`] that feeds a [`CertSpec`] to x509-cert's builder.
struct SpecProfile<'p> {
    subject: Name,
    issuer: Name,
    profile: &'p CertProfile,
}

impl BuilderProfile for SpecProfile<'_> {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        self.profile.extensions(&self.subject, spk, issuer_spk)
    }
}

fn build_with<S, Sig>(
    spec: &CertSpec<'_>,
    spki: SubjectPublicKeyInfoOwned,
    signer: &S,
) -> Result<Certificate, PkiError>
where
    S: Signer<Sig> + Keypair + DynSignatureAlgorithmIdentifier,
    S::VerifyingKey: EncodePublicKey,
    Sig: SignatureBitStringEncoding,
{
    let subject = spec.subject.to_x509_name()?;
    let issuer = match &spec.issuer {
        Some(i) => i.name.to_x509_name()?,
        None => subject.clone(),
    };
    let profile = SpecProfile {
        subject,
        issuer,
        profile: &spec.profile,
    };
    let builder = CertificateBuilder::new(profile, spec.serial_number()?, spec.validity()?, spki)?;
    let cert = builder.build::<S, Sig>(signer)?;
    Certificate::from_der(cert.to_der()?)
}

fn issue(
    spec: &CertSpec<'_>,
    spki: SubjectPublicKeyInfoOwned,
    signer: SignerKey<'_>,
) -> Result<Certificate, PkiError> {
    match signer {
        SignerKey::Rsa(key) => match spec.sig_hash {
            SigHash::Sha1 => build_with::<_, pkcs1v15::Signature>(
                spec,
                spki,
                &pkcs1v15::SigningKey::<Sha1>::new(key.clone()),
            ),
            SigHash::Sha256 => build_with::<_, pkcs1v15::Signature>(
                spec,
                spki,
                &pkcs1v15::SigningKey::<Sha256>::new(key.clone()),
            ),
            SigHash::Sha512 => build_with::<_, pkcs1v15::Signature>(
                spec,
                spki,
                &pkcs1v15::SigningKey::<Sha512>::new(key.clone()),
            ),
        },
        SignerKey::EcP256(key) => match spec.sig_hash {
            SigHash::Sha256 => build_with::<_, DerSignature>(spec, spki, key),
            other => Err(PkiError::UnsupportedSigHash(other)),
        },
    }
}

/// Makes an RSA certificate for `key` as described by `spec`.
///
/// Self-signed (by `key`) when `spec.issuer` is `None`, else signed by the
/// issuer's key. RSA PKCS#1 v1.5 and RFC 6979 ECDSA signatures are
/// deterministic, so the same inputs always give the same DER.
///
/// # Errors
/// [`PkiError::InvalidSerial`], [`PkiError::InvalidValidity`],
/// [`PkiError::InvalidName`] for a bad spec; [`PkiError::UnsupportedSigHash`]
/// for an ECDSA issuer with a hash other than SHA-256; encoding and signing
/// errors otherwise.
pub fn rsa_certificate(spec: &CertSpec<'_>, key: &RsaPrivateKey) -> Result<Certificate, PkiError> {
    let spki = SubjectPublicKeyInfoOwned::from_key(&key.to_public_key())?;
    let signer = spec.issuer.as_ref().map_or(SignerKey::Rsa(key), |i| i.key);
    issue(spec, spki, signer)
}

/// Makes an EC P-256 certificate (CallManager-ECDSA style) for `key`.
///
/// Self-signed with ECDSA P-256 / SHA-256 (RFC 6979, deterministic) when
/// `spec.issuer` is `None`, in which case `spec.sig_hash` must be
/// [`SigHash::Sha256`]; else signed by the issuer's key. Use
/// [`CertProfile::cucm_ecdsa_identity`] for CUCM-like key usages, and
/// [`crate::ec_p256_key`] for a deterministic key.
///
/// # Errors
/// As [`rsa_certificate`].
pub fn ec_p256_certificate(
    spec: &CertSpec<'_>,
    key: &EcSigningKey,
) -> Result<Certificate, PkiError> {
    let spki = SubjectPublicKeyInfoOwned::from_key(key.verifying_key())?;
    let signer = spec
        .issuer
        .as_ref()
        .map_or(SignerKey::EcP256(key), |i| i.key);
    issue(spec, spki, signer)
}

/// The kind of public key a certificate carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// `rsaEncryption`.
    Rsa,
    /// `id-ecPublicKey` on `prime256v1`.
    EcP256,
    /// Anything else.
    Other,
}

/// A DER X.509 certificate with CUCM-oriented accessors.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
    subject: DistinguishedName,
    issuer: DistinguishedName,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl Certificate {
    /// Wraps a DER certificate (any certificate, not only ones made here).
    ///
    /// # Errors
    /// [`PkiError::NotACertificate`] if `der` does not parse as X.509;
    /// [`PkiError::InvalidName`] if a name attribute cannot be decoded.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, PkiError> {
        let der = der.into();
        let parsed = x509_cert::Certificate::from_der(&der)
            .map_err(|e| PkiError::NotACertificate(e.to_string()))?;
        let tbs = parsed.tbs_certificate();
        let subject = DistinguishedName::from_x509_name(tbs.subject())?;
        let issuer = DistinguishedName::from_x509_name(tbs.issuer())?;
        Ok(Self {
            der,
            parsed,
            subject,
            issuer,
        })
    }

    /// Reads a certificate given as PEM or DER (see [`crate::cert_from_pem_or_der`]).
    ///
    /// # Errors
    /// As [`crate::cert_from_pem_or_der`] and [`Certificate::from_der`].
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, PkiError> {
        Self::from_der(pem::cert_from_pem_or_der(bytes)?)
    }

    /// The certificate's DER encoding.
    #[must_use]
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Consumes the certificate, returning its DER encoding.
    #[must_use]
    pub fn into_der(self) -> Vec<u8> {
        self.der
    }

    /// The parsed certificate (x509-cert's type).
    #[must_use]
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.parsed
    }

    /// PEM encoding (`-----BEGIN CERTIFICATE-----`, 64-column lines, LF).
    #[must_use]
    pub fn to_pem(&self) -> String {
        // Base64 of an in-memory buffer with a fixed valid label cannot fail.
        pem::encode("CERTIFICATE", &self.der).unwrap_or_default()
    }

    /// Serial number octets as encoded, big-endian, without leading zero
    /// (sign-padding) octets: for the positive serials this crate writes,
    /// the magnitude given in [`CertSpec::serial`] minus its leading zeros.
    #[must_use]
    pub fn serial(&self) -> Vec<u8> {
        let bytes = self.parsed.tbs_certificate().serial_number().as_bytes();
        let first = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        bytes[first..].to_vec()
    }

    /// [`serial`](Certificate::serial) as lower-case hex.
    #[must_use]
    pub fn serial_hex(&self) -> String {
        hex::encode(self.serial())
    }

    /// SHA-1 of the DER, lower-case hex.
    #[must_use]
    pub fn sha1(&self) -> String {
        hex::encode(Sha1::digest(&self.der))
    }

    /// SHA-256 of the DER, lower-case hex.
    #[must_use]
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(&self.der))
    }

    /// The subject name.
    #[must_use]
    pub fn subject(&self) -> &DistinguishedName {
        &self.subject
    }

    /// The issuer name.
    #[must_use]
    pub fn issuer(&self) -> &DistinguishedName {
        &self.issuer
    }

    /// The subject as CUCM renders it (`CN=..;OU=..;O=..;L=..;ST=..;C=..`).
    #[must_use]
    pub fn subject_cucm(&self) -> String {
        self.subject.cucm_string()
    }

    /// The issuer as CUCM renders it.
    #[must_use]
    pub fn issuer_cucm(&self) -> String {
        self.issuer.cucm_string()
    }

    /// DER of the subject `Name` exactly as encoded in the certificate.
    ///
    /// # Errors
    /// [`PkiError::Der`] if re-encoding fails.
    pub fn subject_name_der(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.parsed.tbs_certificate().subject().to_der()?)
    }

    /// DER of the issuer `Name` exactly as encoded in the certificate.
    ///
    /// # Errors
    /// [`PkiError::Der`] if re-encoding fails.
    pub fn issuer_name_der(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.parsed.tbs_certificate().issuer().to_der()?)
    }

    /// Start of validity, Unix seconds.
    #[must_use]
    pub fn not_before(&self) -> u64 {
        let v = self.parsed.tbs_certificate().validity();
        v.not_before.to_unix_duration().as_secs()
    }

    /// End of validity, Unix seconds.
    #[must_use]
    pub fn not_after(&self) -> u64 {
        let v = self.parsed.tbs_certificate().validity();
        v.not_after.to_unix_duration().as_secs()
    }

    /// Whether issuer and subject names are equal (a self-issued certificate).
    #[must_use]
    pub fn is_self_issued(&self) -> bool {
        let tbs = self.parsed.tbs_certificate();
        tbs.subject() == tbs.issuer()
    }

    /// Dotted OID of the signature algorithm.
    #[must_use]
    pub fn signature_algorithm_oid(&self) -> String {
        self.parsed.signature_algorithm().oid.to_string()
    }

    /// The hash of the signature algorithm, for the algorithms this crate makes.
    #[must_use]
    pub fn sig_hash(&self) -> Option<SigHash> {
        let oid = self.parsed.signature_algorithm().oid;
        if oid == OID_SHA1_WITH_RSA {
            Some(SigHash::Sha1)
        } else if oid == OID_SHA256_WITH_RSA || oid == OID_ECDSA_WITH_SHA256 {
            Some(SigHash::Sha256)
        } else if oid == OID_SHA512_WITH_RSA {
            Some(SigHash::Sha512)
        } else {
            None
        }
    }

    /// The kind of subject public key.
    #[must_use]
    pub fn key_algorithm(&self) -> KeyAlgorithm {
        let alg = &self
            .parsed
            .tbs_certificate()
            .subject_public_key_info()
            .algorithm;
        if alg.oid == OID_RSA_ENCRYPTION {
            KeyAlgorithm::Rsa
        } else if alg.oid == OID_EC_PUBLIC_KEY
            && alg
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                == Some(OID_PRIME256V1)
        {
            KeyAlgorithm::EcP256
        } else {
            KeyAlgorithm::Other
        }
    }

    fn subject_public_key_bits(
        &self,
        want: KeyAlgorithm,
        name: &'static str,
    ) -> Result<Vec<u8>, PkiError> {
        let spki = self.parsed.tbs_certificate().subject_public_key_info();
        if self.key_algorithm() != want {
            return Err(PkiError::WrongKeyType {
                expected: name,
                found: spki.algorithm.oid.to_string(),
            });
        }
        Ok(spki.subject_public_key.raw_bytes().to_vec())
    }

    /// The RSA public key as PKCS#1 `RSAPublicKey` DER (the SPKI key bits).
    ///
    /// # Errors
    /// [`PkiError::WrongKeyType`] if the key is not RSA.
    pub fn public_key_pkcs1_der(&self) -> Result<Vec<u8>, PkiError> {
        self.subject_public_key_bits(KeyAlgorithm::Rsa, "RSA")
    }

    /// The RSA public key.
    ///
    /// # Errors
    /// [`PkiError::WrongKeyType`] if the key is not RSA, [`PkiError::Pkcs1`]
    /// if it does not decode.
    pub fn rsa_public_key(&self) -> Result<RsaPublicKey, PkiError> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        Ok(RsaPublicKey::from_pkcs1_der(&self.public_key_pkcs1_der()?)?)
    }

    /// The EC public key as an X9.62 uncompressed point (65 bytes, `0x04 || X || Y`).
    ///
    /// # Errors
    /// [`PkiError::WrongKeyType`] if the key is not EC P-256.
    pub fn public_key_point(&self) -> Result<Vec<u8>, PkiError> {
        self.subject_public_key_bits(KeyAlgorithm::EcP256, "EC P-256")
    }

    /// The `signatureValue` bits (for RSA, the raw signature; for ECDSA, the
    /// DER `Ecdsa-Sig-Value`).
    #[must_use]
    pub fn signature_value(&self) -> Vec<u8> {
        self.parsed.signature().raw_bytes().to_vec()
    }

    /// The DER of `tbsCertificate`, sliced from the certificate as encoded
    /// (the bytes the signature covers).
    ///
    /// # Errors
    /// [`PkiError::Der`] if the outer structure does not decode.
    pub fn tbs_der(&self) -> Result<Vec<u8>, PkiError> {
        let outer = AnyRef::from_der(&self.der)?;
        let mut reader = SliceReader::new(outer.value())?;
        Ok(reader.tlv_bytes()?.to_vec())
    }

    /// Verifies this certificate's signature with `issuer`'s public key.
    ///
    /// Supports sha1/sha256/sha512WithRSAEncryption with an RSA issuer key
    /// and ecdsa-with-SHA256 with an EC P-256 issuer key.
    ///
    /// # Errors
    /// [`PkiError::Signature`] if the signature does not verify,
    /// [`PkiError::UnsupportedSignatureAlgorithm`] / [`PkiError::WrongKeyType`]
    /// when the algorithm and issuer key do not fit together.
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), PkiError> {
        let tbs = self.tbs_der()?;
        let sig = self.signature_value();
        let oid = self.parsed.signature_algorithm().oid;
        if oid == OID_ECDSA_WITH_SHA256 {
            let point = issuer.public_key_point()?;
            let vk = EcVerifyingKey::from_sec1_bytes(&point)?;
            let sig = DerSignature::from_bytes(&sig)?;
            return Ok(vk.verify(&tbs, &sig)?);
        }
        let key = issuer.rsa_public_key()?;
        let sig = pkcs1v15::Signature::try_from(sig.as_slice())?;
        match self.sig_hash() {
            Some(SigHash::Sha1) => pkcs1v15::VerifyingKey::<Sha1>::new(key).verify(&tbs, &sig)?,
            Some(SigHash::Sha256) => {
                pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(&tbs, &sig)?;
            }
            Some(SigHash::Sha512) => {
                pkcs1v15::VerifyingKey::<Sha512>::new(key).verify(&tbs, &sig)?;
            }
            None => return Err(PkiError::UnsupportedSignatureAlgorithm(oid.to_string())),
        }
        Ok(())
    }

    /// Verifies the signature with the certificate's own public key.
    ///
    /// # Errors
    /// As [`Certificate::verify_signed_by`].
    pub fn verify_self_signed(&self) -> Result<(), PkiError> {
        self.verify_signed_by(self)
    }
}
