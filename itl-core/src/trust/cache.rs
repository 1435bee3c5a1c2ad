//! [`TrustCache`]: parsed files by content hash and signature results by (file, certificate),
//! shared by every decision; [`Archive`]: where the files phones report by hash are found.
//!
//! The cache only memoises pure functions of its keys, so sharing one cache between threads,
//! steps and phones never changes a result, only its cost.

use super::file::{CertInfo, FileHash, TrustFile};
use crate::ParseError;
use crate::TrustList;
use crate::checksum::{Checksums, sha256};
use crate::signature::{rsa_key_from_certificate, verify_with_key};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Files known by hash: what the predictor uses to turn the hash a phone reports (MD5, SHA-1
/// or SHA-256 of its ITL/CTL) into the file itself (R9).
pub trait Archive {
    /// The bytes of the file with this hash, if archived.
    fn lookup(&self, hash: &FileHash) -> Option<Arc<[u8]>>;
}

/// An in-memory [`Archive`] indexed by MD5, SHA-1 and SHA-256.
#[derive(Clone, Debug, Default)]
pub struct MemoryArchive {
    by_hash: HashMap<FileHash, Arc<[u8]>>,
}

impl MemoryArchive {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Archives a file under its three hashes; returns them.
    pub fn insert(&mut self, bytes: &[u8]) -> Checksums {
        let checksums = Checksums::of(bytes);
        let shared: Arc<[u8]> = Arc::from(bytes);
        for hash in [
            FileHash::Md5(checksums.md5),
            FileHash::Sha1(checksums.sha1),
            FileHash::Sha256(checksums.sha256),
        ] {
            self.by_hash.insert(hash, shared.clone());
        }
        checksums
    }

    /// Number of archived files.
    pub fn len(&self) -> usize {
        self.by_hash.len() / 3
    }

    /// Whether nothing is archived.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

impl Archive for MemoryArchive {
    fn lookup(&self, hash: &FileHash) -> Option<Arc<[u8]>> {
        self.by_hash.get(hash).cloned()
    }
}

/// Counters of a [`TrustCache`], for tests and benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheStats {
    /// Distinct files parsed.
    pub files: usize,
    /// Distinct (file, certificate) signature results kept.
    pub verifications: usize,
    /// RSA signature checks actually run.
    pub rsa_checks: u64,
}

/// (file SHA-256, certificate SHA-256).
type PairKey = ([u8; 32], [u8; 32]);

/// Parsed files by SHA-256 of their bytes, files found by a reported hash, and signature
/// results by (file SHA-256, certificate SHA-256). Thread-safe; share one per prediction.
#[derive(Debug, Default)]
pub struct TrustCache {
    files: RwLock<HashMap<[u8; 32], Arc<TrustFile>>>,
    by_hash: RwLock<HashMap<FileHash, Arc<TrustFile>>>,
    verified: RwLock<HashMap<PairKey, bool>>,
    rsa_checks: AtomicU64,
    assume_signed: bool,
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TrustCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cache for predictions: a file's signature counts as valid exactly when the
    /// certificate is the one its header names (serial + issuer), without RSA. Predicted
    /// files carry a placeholder signature ([`crate::TrustListBuilder::unsigned`]) because
    /// only the cluster holds the signing keys; the cluster will sign them properly.
    pub fn for_predictions() -> Self {
        Self {
            assume_signed: true,
            ..Self::default()
        }
    }

    /// Whether this cache assumes signatures valid (see [`TrustCache::for_predictions`]).
    pub fn assumes_signatures(&self) -> bool {
        self.assume_signed
    }

    /// The parsed file for these bytes, parsing them only the first time this content is
    /// seen. Parse errors are not cached.
    pub fn file(&self, bytes: &[u8]) -> Result<Arc<TrustFile>, ParseError> {
        let key = sha256(bytes);
        if let Some(file) = read(&self.files).get(&key) {
            return Ok(file.clone());
        }
        let file = Arc::new(TrustFile::parse(bytes)?);
        Ok(write(&self.files).entry(key).or_insert(file).clone())
    }

    /// Adds an already parsed file (e.g. one a phone holds) and returns the cached instance.
    pub fn insert(&self, file: Arc<TrustFile>) -> Arc<TrustFile> {
        write(&self.files)
            .entry(*file.sha256())
            .or_insert(file)
            .clone()
    }

    /// The file with this reported hash: from the files seen so far, else from `archive`.
    /// `None` when neither has it (R9), or when the archive returns bytes that do not parse
    /// or do not have the hash.
    pub fn resolve(
        &self,
        hash: &FileHash,
        archive: Option<&dyn Archive>,
    ) -> Option<Arc<TrustFile>> {
        if let Some(file) = read(&self.by_hash).get(hash) {
            return Some(file.clone());
        }
        if let FileHash::Sha256(key) = hash
            && let Some(file) = read(&self.files).get(key)
        {
            return Some(file.clone());
        }
        let bytes = archive?.lookup(hash)?;
        let file = self.file(&bytes).ok()?;
        if !hash.matches(file.checksums()) {
            return None;
        }
        write(&self.by_hash).insert(*hash, file.clone());
        Some(file)
    }

    /// Whether `file`'s signature verifies with `cert`'s key, computed once per
    /// (file, certificate) pair.
    pub fn signature_valid(&self, file: &TrustFile, cert: &CertInfo) -> bool {
        let key = (*file.sha256(), *cert.sha256());
        if let Some(&valid) = read(&self.verified).get(&key) {
            return valid;
        }
        let valid = if self.assume_signed {
            file.signer().is_some_and(|signer| signer.matches(cert))
        } else {
            self.rsa_checks.fetch_add(1, Ordering::Relaxed);
            check_signature(file, cert)
        };
        write(&self.verified).insert(key, valid);
        valid
    }

    /// Counters.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            files: read(&self.files).len(),
            verifications: read(&self.verified).len(),
            rsa_checks: self.rsa_checks.load(Ordering::Relaxed),
        }
    }
}

/// The one place a signature is checked: RSA PKCS#1 v1.5 over the file without its SIGNATURE
/// element, with the certificate's key. Swap in a faster verifier here.
fn check_signature(file: &TrustFile, cert: &CertInfo) -> bool {
    let Ok(list) = TrustList::parse(file.bytes()) else {
        return false;
    };
    let Some(key) = rsa_key_from_certificate(cert.der()) else {
        return false;
    };
    verify_with_key(&list, &key)
}
