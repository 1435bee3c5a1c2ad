//! Deterministic key generation and key PEM helpers.

use p256::ecdsa::SigningKey as EcSigningKey;
use p256::elliptic_curve::Generate;
use rsa::PrivateKey as RsaPrivateKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};

use crate::PkiError;
use crate::pem::decode_first;
use crate::rng::rng_for;

/// The RSA modulus sizes [`rsa_key`] accepts.
pub const RSA_KEY_SIZES: [usize; 4] = [1024, 2048, 3072, 4096];

/// Generates the RSA key for `label` under `seed` (public exponent 65537).
///
/// The key depends only on `(seed, label, bits)`: see [`rng_for`]. Key
/// generation is the slow part of this crate (a 4096-bit key takes seconds),
/// so callers that need the same key repeatedly should keep it.
///
/// # Errors
/// [`PkiError::UnsupportedKeySize`] unless `bits` is in [`RSA_KEY_SIZES`];
/// [`PkiError::Rsa`] if generation fails.
pub fn rsa_key(seed: u64, label: &str, bits: usize) -> Result<RsaPrivateKey, PkiError> {
    if !RSA_KEY_SIZES.contains(&bits) {
        return Err(PkiError::UnsupportedKeySize(bits));
    }
    let mut rng = rng_for(seed, label);
    Ok(RsaPrivateKey::new(&mut rng, bits)?)
}

/// Generates the EC P-256 (ECDSA) key for `label` under `seed`.
#[must_use]
pub fn ec_p256_key(seed: u64, label: &str) -> EcSigningKey {
    let mut rng = rng_for(seed, label);
    EcSigningKey::generate_from_rng(&mut rng)
}

/// Encodes an RSA private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
///
/// # Errors
/// [`PkiError::Pkcs8`] if encoding fails.
pub fn key_to_pkcs8_pem(key: &RsaPrivateKey) -> Result<String, PkiError> {
    Ok(key.to_pkcs8_pem(LineEnding::LF)?.to_string())
}

/// Encodes an RSA private key as PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`).
///
/// # Errors
/// [`PkiError::Pkcs1`] if encoding fails.
pub fn key_to_pkcs1_pem(key: &RsaPrivateKey) -> Result<String, PkiError> {
    Ok(key.to_pkcs1_pem(LineEnding::LF)?.to_string())
}

/// Decodes an RSA private key from PEM: PKCS#8 (`PRIVATE KEY`) or PKCS#1
/// (`RSA PRIVATE KEY`). The first PEM block in `pem` is used.
///
/// # Errors
/// [`PkiError::NoPemBlock`]/[`PkiError::Pem`] for malformed PEM,
/// [`PkiError::UnexpectedPemLabel`] for another label, [`PkiError::Pkcs8`] or
/// [`PkiError::Pkcs1`] if the contents are not an RSA key.
pub fn key_from_pem(pem: &str) -> Result<RsaPrivateKey, PkiError> {
    let (label, der) = decode_first(pem.as_bytes())?;
    match label.as_str() {
        "PRIVATE KEY" => Ok(RsaPrivateKey::from_pkcs8_der(&der)?),
        "RSA PRIVATE KEY" => Ok(RsaPrivateKey::from_pkcs1_der(&der)?),
        _ => Err(PkiError::UnexpectedPemLabel {
            found: label,
            expected: "PRIVATE KEY or RSA PRIVATE KEY",
        }),
    }
}

/// Encodes an EC P-256 private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
///
/// # Errors
/// [`PkiError::Pkcs8`] if encoding fails.
pub fn ec_key_to_pkcs8_pem(key: &EcSigningKey) -> Result<String, PkiError> {
    Ok(key.to_pkcs8_pem(LineEnding::LF)?.to_string())
}

/// Decodes an EC P-256 private key from PEM: PKCS#8 (`PRIVATE KEY`) or SEC1
/// (`EC PRIVATE KEY`). The first PEM block in `pem` is used.
///
/// # Errors
/// As [`key_from_pem`], with [`PkiError::Sec1`] for a bad SEC1 key.
pub fn ec_key_from_pem(pem: &str) -> Result<EcSigningKey, PkiError> {
    let (label, der) = decode_first(pem.as_bytes())?;
    match label.as_str() {
        "PRIVATE KEY" => Ok(EcSigningKey::from_pkcs8_der(&der)?),
        "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
            .map(EcSigningKey::from)
            .map_err(|e| PkiError::Sec1(e.to_string())),
        _ => Err(PkiError::UnexpectedPemLabel {
            found: label,
            expected: "PRIVATE KEY or EC PRIVATE KEY",
        }),
    }
}
