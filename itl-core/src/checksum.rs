//! Whole-file and certificate digests (MD5, SHA-1, SHA-256), as `show itl` and phones show them.

use md5::Md5;
use sha1::{Digest as _, Sha1};
use sha2::Sha256;

/// MD5 of `bytes`.
pub fn md5(bytes: &[u8]) -> [u8; 16] {
    Md5::digest(bytes).into()
}

/// SHA-1 of `bytes`.
pub fn sha1(bytes: &[u8]) -> [u8; 20] {
    Sha1::digest(bytes).into()
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The checksums of a whole file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Checksums {
    /// MD5 (what phones call the "ITL signature").
    pub md5: [u8; 16],
    /// SHA-1.
    pub sha1: [u8; 20],
    /// SHA-256 (archive key).
    pub sha256: [u8; 32],
}

impl Checksums {
    /// Computes all three.
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            md5: md5(bytes),
            sha1: sha1(bytes),
            sha256: sha256(bytes),
        }
    }
}

/// Normalises a hash as a phone or a person writes it: drops spaces, colons and dashes and
/// lower-cases. Returns `None` when what is left is not hex.
pub fn normalize_hex(text: &str) -> Option<String> {
    let s: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ':' | '-' | '\t'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit())).then_some(s)
}
