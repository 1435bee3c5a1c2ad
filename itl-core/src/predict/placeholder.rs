//! Stand-ins for certificates that do not exist yet: the certificate a regeneration will
//! produce is the old one with a new serial number (so a new identity: new SHA-256, new
//! serial + issuer), derived deterministically from the old DER and a label.
//!
//! Only the identity matters to a phone's decision (who signed, which TVS certificate it
//! holds); the key inside the stand-in is the old one, and predictions never check RSA
//! ([`crate::trust::TrustCache::for_predictions`]).

use sha2::{Digest as _, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Why a stand-in could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot derive the regenerated certificate of {what}: {reason}")]
pub struct PlaceholderError {
    /// Which certificate.
    pub what: String,
    /// Why.
    pub reason: String,
}

/// The certificate a regeneration of `der` will produce, as far as a phone can tell: same
/// subject, issuer and key, a new serial number derived from `der` and `label`.
pub fn regenerated_certificate(der: &[u8], label: &str) -> Result<Vec<u8>, PlaceholderError> {
    let bad = |reason: &str| PlaceholderError {
        what: label.to_owned(),
        reason: reason.to_owned(),
    };
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| bad(&e.to_string()))?;
    let raw = cert.tbs_certificate.raw_serial();
    let start = (raw.as_ptr() as usize)
        .checked_sub(der.as_ptr() as usize)
        .filter(|&s| s + raw.len() <= der.len())
        .ok_or_else(|| bad("serial number outside the certificate"))?;
    if raw.is_empty() {
        return Err(bad("empty serial number"));
    }
    let mut out = der.to_vec();
    let mut fill = Vec::with_capacity(raw.len());
    let mut counter = 0u32;
    while fill.len() < raw.len() {
        let mut h = Sha256::new();
        h.update(der);
        h.update(label.as_bytes());
        h.update(counter.to_be_bytes());
        fill.extend_from_slice(&h.finalize());
        counter += 1;
    }
    fill.truncate(raw.len());
    // A positive, minimally encoded INTEGER: high bit clear, first byte not zero.
    fill[0] = (fill[0] & 0x7f).max(1);
    if fill == raw {
        fill[0] = if fill[0] == 0x7f { 1 } else { fill[0] + 1 };
    }
    out[start..start + raw.len()].copy_from_slice(&fill);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::CertInfo;

    fn fixture_cert() -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-12-sha512.tlv");
        let bytes = std::fs::read(path).unwrap();
        let list = crate::TrustList::parse(&bytes).unwrap();
        list.records()[0].certificate_der.unwrap().to_vec()
    }

    #[test]
    fn a_stand_in_is_a_new_identity_with_the_same_names() {
        let der = fixture_cert();
        let old = CertInfo::parse(&der).unwrap();
        let new_der = regenerated_certificate(&der, "ucm-pub/CallManager/1").unwrap();
        let new = CertInfo::parse(&new_der).unwrap();
        assert_eq!(new_der.len(), der.len());
        assert_eq!(new.subject(), old.subject());
        assert_eq!(new.issuer(), old.issuer());
        assert_eq!(new.public_key(), old.public_key());
        assert_ne!(new.serial(), old.serial());
        assert_ne!(new.sha256(), old.sha256());
        assert_eq!(new.serial().len(), old.serial().len());
        // Deterministic, and another label gives another identity.
        assert_eq!(
            regenerated_certificate(&der, "ucm-pub/CallManager/1").unwrap(),
            new_der
        );
        let other = regenerated_certificate(&der, "ucm-pub/CallManager/2").unwrap();
        assert_ne!(CertInfo::parse(&other).unwrap().serial(), new.serial());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let err = regenerated_certificate(b"not a certificate", "x").unwrap_err();
        assert_eq!(err.what, "x");
        assert!(regenerated_certificate(&[], "y").is_err());
    }
}
