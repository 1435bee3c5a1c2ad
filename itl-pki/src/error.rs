//! The crate's error type.

use crate::cert::SigHash;

/// Every error this crate returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The requested RSA modulus size is not one of [`crate::RSA_KEY_SIZES`].
    #[error("unsupported RSA key size {0} bits (supported: 1024, 2048, 3072, 4096)")]
    UnsupportedKeySize(usize),

    /// RSA key generation or an RSA operation failed.
    #[error("RSA error: {0}")]
    Rsa(#[from] rsa::Error),

    /// The certificate serial number is empty, zero or longer than 20 octets.
    #[error("invalid serial number: {0}")]
    InvalidSerial(&'static str),

    /// The validity period cannot be encoded (`not_before > not_after`, or a
    /// time outside what X.509 `Time` can express).
    #[error("invalid validity period: {0}")]
    InvalidValidity(String),

    /// A distinguished name cannot be encoded or decoded.
    #[error("invalid distinguished name: {0}")]
    InvalidName(String),

    /// The requested signature hash cannot be used with the signing key.
    #[error(
        "signature hash {0:?} is not supported for this key type (ECDSA supports SHA-256 only)"
    )]
    UnsupportedSigHash(SigHash),

    /// The certificate's signature algorithm is not one this crate understands.
    #[error("unsupported signature algorithm {0}")]
    UnsupportedSignatureAlgorithm(String),

    /// The certificate's public key is not of the expected type.
    #[error("public key is not {expected} (algorithm OID {found})")]
    WrongKeyType {
        /// The key type the operation needs.
        expected: &'static str,
        /// The algorithm OID found in the certificate (dotted form).
        found: String,
    },

    /// DER encoding or decoding failed.
    #[error("DER error: {0}")]
    Der(#[from] der::Error),

    /// The X.509 certificate builder failed.
    #[error("certificate builder error: {0}")]
    Builder(#[from] x509_cert::builder::Error),

    /// Encoding or decoding a `SubjectPublicKeyInfo` failed.
    #[error("SubjectPublicKeyInfo error: {0}")]
    Spki(#[from] x509_cert::spki::Error),

    /// Signing failed, or a signature did not verify.
    #[error("signature error: {0}")]
    Signature(#[from] rsa::signature::Error),

    /// PEM decoding or encoding failed.
    #[error("PEM error: {0}")]
    Pem(#[from] der::pem::Error),

    /// The input contains no `-----BEGIN ...-----` line, and is not DER either.
    #[error("no PEM block found")]
    NoPemBlock,

    /// The PEM block has a label this operation does not accept.
    #[error("unexpected PEM label {found:?} (expected {expected})")]
    UnexpectedPemLabel {
        /// The label found in the `-----BEGIN` line.
        found: String,
        /// The label(s) the operation accepts.
        expected: &'static str,
    },

    /// A PKCS#8 private key could not be encoded or decoded.
    #[error("PKCS#8 error: {0}")]
    Pkcs8(#[from] rsa::pkcs8::Error),

    /// A PKCS#1 RSA key could not be encoded or decoded.
    #[error("PKCS#1 error: {0}")]
    Pkcs1(#[from] rsa::pkcs1::Error),

    /// A SEC1 EC private key could not be decoded.
    #[error("SEC1 EC private key error: {0}")]
    Sec1(String),

    /// The input is neither a PEM certificate nor a DER certificate.
    #[error("not a certificate: {0}")]
    NotACertificate(String),
}
