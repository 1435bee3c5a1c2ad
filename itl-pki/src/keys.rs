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
    key_from_either_pem(
        pem,
        "RSA PRIVATE KEY",
        "PRIVATE KEY or RSA PRIVATE KEY",
        |der| Ok(RsaPrivateKey::from_pkcs1_der(der)?),
    )
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
    key_from_either_pem(
        pem,
        "EC PRIVATE KEY",
        "PRIVATE KEY or EC PRIVATE KEY",
        |der| {
            p256::SecretKey::from_sec1_der(der)
                .map(EcSigningKey::from)
                .map_err(|e| PkiError::Sec1(e.to_string()))
        },
    )
}

/// Decodes the first PEM block of `pem` as a private key: PKCS#8 (`PRIVATE KEY`), or the
/// key type's own encoding (labelled `own_label`) through `own`; any other label is
/// [`PkiError::UnexpectedPemLabel`] naming the `expected` labels.
fn key_from_either_pem<K: DecodePrivateKey>(
    pem: &str,
    own_label: &str,
    expected: &'static str,
    own: impl FnOnce(&[u8]) -> Result<K, PkiError>,
) -> Result<K, PkiError> {
    let (label, der) = decode_first(pem.as_bytes())?;
    if label == "PRIVATE KEY" {
        Ok(K::from_pkcs8_der(&der)?)
    } else if label == own_label {
        own(&der)
    } else {
        Err(PkiError::UnexpectedPemLabel {
            found: label,
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_type_reads_pkcs8_and_its_own_label_only() {
        let ec = ec_p256_key(7, "keys/ec");
        let secret = p256::SecretKey::from(&ec);
        let sec1 = crate::pem::encode("EC PRIVATE KEY", &secret.to_sec1_der().unwrap()).unwrap();
        assert_eq!(ec_key_from_pem(&sec1).unwrap(), ec);
        let pkcs8 = ec_key_to_pkcs8_pem(&ec).unwrap();
        assert_eq!(ec_key_from_pem(&pkcs8).unwrap(), ec);
        let bad_sec1 = crate::pem::encode("EC PRIVATE KEY", &[0x30, 0x00]).unwrap();
        assert!(matches!(ec_key_from_pem(&bad_sec1), Err(PkiError::Sec1(_))));
        match key_from_pem(&sec1) {
            Err(PkiError::UnexpectedPemLabel { found, expected }) => {
                assert_eq!(found, "EC PRIVATE KEY");
                assert_eq!(expected, "PRIVATE KEY or RSA PRIVATE KEY");
            }
            other => panic!("{other:?}"),
        }
        let rsa = crate::pem::encode("RSA PRIVATE KEY", &[0x30, 0x00]).unwrap();
        match ec_key_from_pem(&rsa) {
            Err(PkiError::UnexpectedPemLabel { found, expected }) => {
                assert_eq!(found, "RSA PRIVATE KEY");
                assert_eq!(expected, "PRIVATE KEY or EC PRIVATE KEY");
            }
            other => panic!("{other:?}"),
        }
    }
}
