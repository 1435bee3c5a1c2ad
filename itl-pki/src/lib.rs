//! Deterministic keys and X.509 certificates for the `itl` tool set.
//!
//! This crate makes the RSA and EC P-256 keys and the certificates used by the
//! ITL/CTL test-fixture generator and by the CUCM cluster simulator. Everything
//! is derived from a `u64` seed and a textual label, so the same seed and label
//! always give byte-identical keys and certificates, whatever else was
//! generated before (see [`rng_for`]).
//!
//! ```no_run
//! use itl_pki::{CertSpec, DistinguishedName, rsa_certificate, rsa_key};
//!
//! # fn main() -> Result<(), itl_pki::PkiError> {
//! let key = rsa_key(42, "ucm-pub/CallManager/gen1", 2048)?;
//! let subject = DistinguishedName::new("ucm-pub")
//!     .with_ou("VTG")
//!     .with_o("Cisco")
//!     .with_l("RTP")
//!     .with_st("NC")
//!     .with_c("US");
//! let spec = CertSpec::self_signed(subject, vec![0x42], 1_700_000_000, 2_000_000_000);
//! let cert = rsa_certificate(&spec, &key)?;
//! assert_eq!(cert.subject_cucm(), "CN=ucm-pub;OU=VTG;O=Cisco;L=RTP;ST=NC;C=US");
//! println!("{}", cert.to_pem());
//! # Ok(())
//! # }
//! ```
//!
//! Determinism holds for a given set of dependency versions: RSA prime search
//! and EC scalar sampling are done by `rsa`/`p256`, so a major upgrade of those
//! crates may change the generated keys (but never their validity).

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod cert;
mod error;
mod keys;
mod name;
mod pem;
mod rng;

pub use cert::{
    CertProfile, CertSpec, Certificate, ExtKeyUsage, Issuer, KeyAlgorithm, KeyUsageBit, SigHash,
    SignerKey, ec_p256_certificate, rsa_certificate,
};
pub use error::PkiError;
pub use keys::{
    RSA_KEY_SIZES, ec_key_from_pem, ec_key_to_pkcs8_pem, ec_p256_key, key_from_pem,
    key_to_pkcs1_pem, key_to_pkcs8_pem, rsa_key,
};
pub use name::{Attr, DistinguishedName};
pub use pem::cert_from_pem_or_der;
pub use rng::{DetRng, rng_for};

/// Re-export of the `p256` crate, so callers use the same version as this crate.
pub use p256;
/// Re-export of the `rsa` crate, so callers use the same version as this crate.
pub use rsa;
/// Re-export of the `x509-cert` crate, so callers use the same version as this crate.
pub use x509_cert;

/// The EC P-256 (ECDSA) private key type used throughout this crate.
pub use p256::ecdsa::SigningKey as EcSigningKey;
/// The RSA private key type used throughout this crate.
pub use rsa::PrivateKey as RsaPrivateKey;
/// The RSA public key type used throughout this crate.
pub use rsa::PublicKey as RsaPublicKey;
