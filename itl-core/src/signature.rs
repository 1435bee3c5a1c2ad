//! The RSA PKCS#1 v1.5 signature over a trust list: which bytes are signed, how they are
//! hashed (without copying the file) and how a key checks them.

use crate::TrustList;
use crate::values::Digest;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PublicKey as RsaPublicKey};

/// Digests accepted for signatures (the allow-list).
pub const ALLOWED_DIGESTS: [Digest; 4] = [
    Digest::Sha1,
    Digest::Sha256,
    Digest::Sha512,
    Digest::LegacySha512,
];

/// Hashes `parts` in sequence with `digest`, returning the digest bytes and the PKCS#1 v1.5
/// scheme to check a signature over them. `None` for a digest outside the allow-list.
pub fn hash_parts(digest: Digest, parts: &[&[u8]]) -> Option<(Vec<u8>, Pkcs1v15Sign)> {
    fn run<D: sha1::Digest + sha1::digest::const_oid::AssociatedOid>(
        parts: &[&[u8]],
    ) -> (Vec<u8>, Pkcs1v15Sign) {
        let mut hasher = D::new();
        for part in parts {
            hasher.update(part);
        }
        (hasher.finalize().to_vec(), Pkcs1v15Sign::new::<D>())
    }
    Some(match digest {
        Digest::Sha1 => run::<sha1::Sha1>(parts),
        Digest::Sha256 => run::<sha2::Sha256>(parts),
        Digest::Sha512 | Digest::LegacySha512 => run::<sha2::Sha512>(parts),
        Digest::Unknown(_) => return None,
    })
}

/// Parses an RSA public key from a PKCS#1 `RSAPublicKey` DER (the PUBLICKEY element form).
pub fn rsa_key_from_pkcs1(der: &[u8]) -> Option<RsaPublicKey> {
    RsaPublicKey::from_pkcs1_der(der).ok()
}

/// Parses the RSA public key of a DER certificate.
pub fn rsa_key_from_certificate(cert_der: &[u8]) -> Option<RsaPublicKey> {
    use x509_parser::prelude::FromDer;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der).ok()?;
    let spki = cert.public_key();
    rsa_key_from_pkcs1(&spki.subject_public_key.data)
}

/// Checks the file's signature with `key`. False when the file has no signature, the digest is
/// not allowed, or the signature does not verify.
pub fn verify_with_key(list: &TrustList<'_>, key: &RsaPublicKey) -> bool {
    let (Some((before, after)), Some(digest), Some(sig)) = (
        list.signed_parts(),
        list.header().digest,
        list.header().signature_value(),
    ) else {
        return false;
    };
    if sig.len() != key.size() {
        return false;
    }
    let Some((hashed, scheme)) = hash_parts(digest, &[before, after]) else {
        return false;
    };
    key.verify(scheme, &hashed, sig).is_ok()
}

/// Checks the file's signature with its own signer record ([`TrustList::signer_index`]).
pub fn verify_self_signed(list: &TrustList<'_>) -> bool {
    let Some(index) = list.signer_index() else {
        return false;
    };
    let Some(key) = list.records()[index]
        .certificate_der
        .and_then(rsa_key_from_certificate)
    else {
        return false;
    };
    verify_with_key(list, &key)
}
