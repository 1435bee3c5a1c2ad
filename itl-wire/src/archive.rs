//! The trust-file archive: every ITL and CTL a sweep ever fetched, so that a hash a phone
//! reports maps to a known list (and when and where it was first seen) even after the
//! cluster has moved on.
//!
//! On disk, a folder (default `<report dir>/itl-archive`):
//!
//! ```text
//! itl-archive/
//!   index.json                                   {"files": [ENTRY...]}
//!   3f786850e387550fdab836ed7e6dc881de23001b.tlv  the file's bytes, named by SHA-1
//! ```
//!
//! Each index entry: `{"sha1", "md5", "sha256", "first_seen", "cluster", "node", "name", "kind",
//! "size", "blank"}` — hashes in lower-case hex, `first_seen` in RFC 3339 UTC, `cluster` the
//! cluster it was seen on (the cluster file's `cluster.name`; absent when the sweep knew none),
//! `node` the TFTP node it came from, `name` the served file name, `kind` `ITL` / `CTL` / `unknown`, `blank` true for a
//! rollback ITL without TVS/TFTP certificates. Files and the index are written to a temporary
//! name and renamed, so a crash never leaves a half-written file under its final name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use itl_core::UnixTime;
use itl_core::checksum::{Checksums, normalize_hex};
use itl_core::cucm::ListKind;
use serde::{Deserialize, Serialize};

/// Name of the index file inside the archive folder.
pub const INDEX_FILE: &str = "index.json";

/// One archived file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    /// SHA-1 of the file, lower-case hex (the file name in the folder).
    pub sha1: String,
    /// MD5, lower-case hex (what phones show as `ITL signature`).
    pub md5: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// When it was first fetched, RFC 3339 UTC.
    pub first_seen: String,
    /// The cluster it was first seen on (the cluster file's `cluster.name`), when known. One
    /// archive may hold the lists of several clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The TFTP node it was first fetched from.
    pub node: String,
    /// The name it was served under (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`...).
    pub name: String,
    /// `ITL`, `CTL` or `unknown` (not parseable).
    #[serde(default, with = "itl_core::cucm::list_kind::or_unknown")]
    pub kind: Option<ListKind>,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// A blank (rollback) ITL: no TVS, TFTP or CCM+TFTP certificate.
    #[serde(default)]
    pub blank: bool,
}

#[derive(Serialize, Deserialize)]
struct IndexFile {
    files: Vec<ArchiveEntry>,
}

/// A failure reading or writing the archive; names the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// A read, write, rename or folder creation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The index exists but is not a valid index.
    #[error("{path}: not a valid archive index: {reason}")]
    Index {
        /// The index path.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The archive: an index in memory, backed by a folder (or memory only, for tests and dry
/// runs).
#[derive(Clone, Debug, Default)]
pub struct Archive {
    dir: Option<PathBuf>,
    entries: Vec<ArchiveEntry>,
    by_hash: HashMap<String, usize>,
}

impl Archive {
    /// An archive that keeps nothing on disk.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Opens (creating the folder if needed) the archive in `dir` and reads its index. A
    /// missing index is an empty archive; an unreadable or malformed one is an error (so a
    /// sweep never silently forgets history). Entries with malformed hashes are dropped.
    pub fn open(dir: &Path) -> Result<Self, ArchiveError> {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let index = dir.join(INDEX_FILE);
        let mut archive = Self {
            dir: Some(dir.to_path_buf()),
            ..Self::default()
        };
        let text = match std::fs::read(&index) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(archive),
            Err(e) => return Err(io_error(&index)(e)),
        };
        let file: IndexFile = serde_json::from_slice(&text).map_err(|e| ArchiveError::Index {
            path: index.display().to_string(),
            reason: e.to_string(),
        })?;
        for entry in file.files {
            let well_formed =
                is_hex(&entry.sha1, 40) && is_hex(&entry.md5, 32) && is_hex(&entry.sha256, 64);
            if well_formed && !archive.by_hash.contains_key(&entry.sha1) {
                archive.insert(entry);
            }
        }
        Ok(archive)
    }

    fn insert(&mut self, entry: ArchiveEntry) -> usize {
        let at = self.entries.len();
        for key in [&entry.sha1, &entry.md5, &entry.sha256] {
            self.by_hash.entry(key.clone()).or_insert(at);
        }
        self.entries.push(entry);
        at
    }

    /// The folder, when the archive is on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Every entry, in the order first seen.
    pub fn entries(&self) -> &[ArchiveEntry] {
        &self.entries
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is archived.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry whose MD5, SHA-1 or SHA-256 is `hash` (any case and separators, as
    /// [`normalize_hex`] accepts).
    pub fn lookup(&self, hash: &str) -> Option<&ArchiveEntry> {
        let hex = normalize_hex(hash)?;
        self.by_hash.get(&hex).and_then(|&i| self.entries.get(i))
    }

    /// Adds `bytes` fetched from `node` of `cluster` under `name` at `now` (Unix seconds). A
    /// file already archived keeps its first entry. Returns the entry and whether it is new.
    pub fn add(
        &mut self,
        bytes: &[u8],
        cluster: Option<&str>,
        node: &str,
        name: &str,
        now: u64,
    ) -> Result<(ArchiveEntry, bool), ArchiveError> {
        let sums = Checksums::of(bytes);
        let sha1 = hex(&sums.sha1);
        if let Some(&at) = self.by_hash.get(&sha1)
            && let Some(entry) = self.entries.get(at)
        {
            return Ok((entry.clone(), false));
        }
        let (kind, blank) = match itl_core::trust::TrustFile::parse(bytes) {
            Ok(file) => (file.kind(), file.is_blank()),
            Err(_) => (None, false),
        };
        let entry = ArchiveEntry {
            sha1: sha1.clone(),
            md5: hex(&sums.md5),
            sha256: hex(&sums.sha256),
            first_seen: UnixTime::from_secs_u64(now).to_rfc3339(),
            cluster: cluster.map(str::to_owned),
            node: node.to_owned(),
            name: name.to_owned(),
            kind,
            size: bytes.len() as u64,
            blank,
        };
        if let Some(dir) = &self.dir {
            let path = dir.join(format!("{sha1}.tlv"));
            if !path.exists() {
                write_atomically(&path, bytes)?;
            }
        }
        self.insert(entry.clone());
        if let Err(e) = self.save_index() {
            // Keep memory and disk consistent: forget the entry the index does not hold.
            self.entries.pop();
            self.by_hash.retain(|_, &mut i| i < self.entries.len());
            return Err(e);
        }
        Ok((entry, true))
    }

    /// The bytes of an archived file (from the folder).
    pub fn read(&self, entry: &ArchiveEntry) -> Result<Vec<u8>, ArchiveError> {
        let Some(dir) = &self.dir else {
            return Err(ArchiveError::Io {
                path: format!("{}.tlv", entry.sha1),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the archive is in memory only",
                ),
            });
        };
        let path = dir.join(format!("{}.tlv", entry.sha1));
        std::fs::read(&path).map_err(io_error(&path))
    }

    fn save_index(&self) -> Result<(), ArchiveError> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let index = IndexFile {
            files: self.entries.clone(),
        };
        let text = serde_json::to_vec_pretty(&index).map_err(|e| ArchiveError::Index {
            path: dir.join(INDEX_FILE).display().to_string(),
            reason: e.to_string(),
        })?;
        write_atomically(&dir.join(INDEX_FILE), &text)
    }
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ArchiveError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io_error(&tmp))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path)(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(label: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("itl-sweep-archive-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn adds_looks_up_and_reloads() {
        let dir = temp_dir("reload");
        let mut archive = Archive::open(&dir).expect("opens");
        assert!(archive.is_empty());
        let (entry, new) = archive
            .add(
                b"not a trust list",
                None,
                "ucm-pub",
                "ITLFile.tlv",
                1_748_779_200,
            )
            .expect("adds");
        assert!(new);
        assert_eq!(
            entry,
            ArchiveEntry {
                sha1: hex(&itl_core::checksum::sha1(b"not a trust list")),
                md5: hex(&itl_core::checksum::md5(b"not a trust list")),
                sha256: hex(&itl_core::checksum::sha256(b"not a trust list")),
                first_seen: "2025-06-01T12:00:00Z".into(),
                cluster: None,
                node: "ucm-pub".into(),
                name: "ITLFile.tlv".into(),
                kind: None,
                size: 16,
                blank: false,
            }
        );
        // The same bytes again keep the first entry.
        let (again, new) = archive
            .add(
                b"not a trust list",
                Some("other"),
                "ucm-sub1",
                "ITLFile.tlv",
                1_800_000_000,
            )
            .expect("adds");
        assert!(!new);
        assert_eq!(again.node, "ucm-pub");
        assert_eq!(archive.len(), 1);

        let reopened = Archive::open(&dir).expect("reopens");
        assert_eq!(reopened.entries(), archive.entries());
        let md5_upper = entry.md5.to_ascii_uppercase();
        assert_eq!(
            reopened.lookup(&md5_upper).map(|e| &e.sha1),
            Some(&entry.sha1)
        );
        assert_eq!(
            reopened.lookup(&entry.sha1).map(|e| &e.md5),
            Some(&entry.md5)
        );
        assert_eq!(reopened.lookup(&"0".repeat(32)), None);
        assert_eq!(reopened.lookup("not hex"), None);
        assert_eq!(
            reopened.read(&entry).expect("reads"),
            b"not a trust list".to_vec()
        );
        let text = std::fs::read_to_string(dir.join(INDEX_FILE)).expect("index");
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["files"][0]["first_seen"], "2025-06-01T12:00:00Z");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn archives_a_real_itl_with_its_kind() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/itl-12-sha512.tlv");
        let bytes = std::fs::read(path).expect("fixture");
        let mut archive = Archive::in_memory();
        let (entry, _) = archive
            .add(&bytes, Some("sim"), "n", "ITLFile.tlv", 0)
            .expect("adds");
        assert_eq!((entry.kind, entry.blank), (Some(ListKind::Itl), false));
        assert!(archive.read(&entry).is_err());
    }

    #[test]
    fn a_malformed_index_is_an_error_not_an_empty_archive() {
        let dir = temp_dir("malformed");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(INDEX_FILE), b"{\"files\": 3}").expect("write");
        let err = Archive::open(&dir).expect_err("malformed");
        assert!(matches!(err, ArchiveError::Index { .. }), "{err}");
        // Twin: a well-formed index with one bad entry loads without it.
        std::fs::write(
            dir.join(INDEX_FILE),
            br#"{"files": [{"sha1": "xyz", "md5": "", "sha256": "", "first_seen": "", "node": "", "name": ""}]}"#,
        )
        .expect("write");
        assert!(Archive::open(&dir).expect("opens").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
