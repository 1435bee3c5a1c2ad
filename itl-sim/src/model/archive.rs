//! Every trust file the simulation ever built or handed to a phone, by id and by MD5. Phones
//! hold [`FileId`]s, so ten thousand phones holding one ITL share one copy of its bytes.

use std::collections::HashMap;
use std::sync::Arc;

use itl_core::checksum::{md5, sha1};
use itl_core::cucm::ListKind;

/// Index of a file in the [`Archive`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub u32);

/// Where a file came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileOrigin {
    /// Built by this cluster's TFTP node.
    Node(String),
    /// The cluster's CTL.
    Cluster,
    /// Another cluster's file (the `foreign-itl` fault).
    Foreign(String),
}

/// One archived file.
#[derive(Clone, Debug)]
pub struct ArchivedFile {
    /// Its id.
    pub id: FileId,
    /// ITL or CTL.
    pub kind: ListKind,
    /// Who built it.
    pub origin: FileOrigin,
    /// Model time it was built.
    pub built_at: u64,
    /// The bytes.
    pub bytes: Arc<[u8]>,
    /// MD5 of the bytes.
    pub md5: [u8; 16],
    /// SHA-1 of the bytes.
    pub sha1: [u8; 20],
}

impl ArchivedFile {
    /// MD5 as upper-case hex (what phone pages print).
    pub fn md5_upper(&self) -> String {
        hex::encode_upper(self.md5)
    }

    /// Whether this cluster built it.
    pub fn is_own(&self) -> bool {
        !matches!(self.origin, FileOrigin::Foreign(_))
    }
}

/// All files, append-only.
#[derive(Clone, Debug, Default)]
pub struct Archive {
    files: Vec<ArchivedFile>,
    by_md5: HashMap<[u8; 16], FileId>,
}

impl Archive {
    /// Adds a file (or returns the id of an identical one already there).
    pub fn add(
        &mut self,
        kind: ListKind,
        origin: FileOrigin,
        built_at: u64,
        bytes: Vec<u8>,
    ) -> FileId {
        let digest = md5(&bytes);
        if let Some(id) = self.by_md5.get(&digest) {
            return *id;
        }
        let id = FileId(self.files.len() as u32);
        self.files.push(ArchivedFile {
            id,
            kind,
            origin,
            built_at,
            sha1: sha1(&bytes),
            bytes: bytes.into(),
            md5: digest,
        });
        self.by_md5.insert(digest, id);
        id
    }

    /// A file by id.
    pub fn get(&self, id: FileId) -> Option<&ArchivedFile> {
        self.files.get(id.0 as usize)
    }

    /// A file by MD5.
    pub fn by_md5(&self, digest: &[u8; 16]) -> Option<&ArchivedFile> {
        self.by_md5.get(digest).and_then(|id| self.get(*id))
    }

    /// Every file in order of addition.
    pub fn files(&self) -> &[ArchivedFile] {
        &self.files
    }
}

impl super::Cluster {
    /// Writes, in exactly the format `itl sweep` keeps ([`itl_wire::archive`]), what earlier
    /// sweeps would have archived: every list this cluster's TFTP nodes served (its CTLs
    /// included), recorded as seen on this cluster, and the other cluster's lists that
    /// `foreign-itl` phones hold, recorded as seen on that cluster. Returns how many files were
    /// written.
    pub fn write_sweep_archive(&self, dir: &std::path::Path) -> Result<usize, crate::SimError> {
        let mut archive =
            itl_wire::archive::Archive::open(dir).map_err(|source| crate::SimError::Archive {
                dir: dir.to_path_buf(),
                source,
            })?;
        let publisher = self.publisher().name.clone();
        let mut written = 0;
        for file in self.archive().files() {
            let (cluster, node) = match &file.origin {
                FileOrigin::Node(node) => (self.name().to_owned(), node.clone()),
                FileOrigin::Cluster => (self.name().to_owned(), publisher.clone()),
                FileOrigin::Foreign(other) => (other.clone(), format!("{other}-pub")),
            };
            let (_, new) = archive
                .add(
                    &file.bytes,
                    Some(&cluster),
                    &node,
                    file.kind.cluster_file(),
                    file.built_at,
                )
                .map_err(|source| crate::SimError::Archive {
                    dir: dir.to_path_buf(),
                    source,
                })?;
            written += usize::from(new);
        }
        Ok(written)
    }
}
