//! The preflight archive: every TFTP node's `show itl` / `show ctl` output and the files it
//! serves, kept hash-keyed (`<sha1>.txt`, `<sha1>.tlv`) in one folder beside the report, with
//! `index.txt` saying which node showed or served what. Identical content is stored once.

use std::io::Write;
use std::path::Path;

use super::facts::Facts;

/// Why the archive could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the preflight archive {path}: {source}")]
pub struct ArchiveError {
    /// The file or folder.
    pub path: String,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

fn store(dir: &Path, bytes: &[u8], ext: &str) -> Result<String, ArchiveError> {
    let name = format!("{}.{ext}", hex::encode(itl_core::checksum::sha1(bytes)));
    let path = dir.join(&name);
    if !path.exists() {
        std::fs::write(&path, bytes).map_err(|source| ArchiveError {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(name)
}

/// Writes the archive into `dir` (created when missing); returns the index lines
/// (`ucm-pub: show itl -> <sha1>.txt`), also written to `index.txt`.
pub fn write_archive(facts: &Facts, dir: &Path) -> Result<Vec<String>, ArchiveError> {
    std::fs::create_dir_all(dir).map_err(|source| ArchiveError {
        path: dir.display().to_string(),
        source,
    })?;
    let mut index = Vec::new();
    for node in &facts.nodes {
        for (command, lines) in &node.raw_outputs {
            let mut text = lines.join("\n");
            text.push('\n');
            let name = store(dir, text.as_bytes(), "txt")?;
            index.push(format!("{}: {command} -> {name}", node.name));
        }
        if let Some(Ok(served)) = &node.served {
            for (file, bytes) in [
                ("ITLFile.tlv", &served.value.itl),
                ("CTLFile.tlv", &served.value.ctl),
            ] {
                if let Some(bytes) = bytes {
                    let name = store(dir, bytes, "tlv")?;
                    index.push(format!("{}: served {file} -> {name}", node.name));
                }
            }
        }
    }
    let path = dir.join("index.txt");
    let mut file = std::fs::File::create(&path).map_err(|source| ArchiveError {
        path: path.display().to_string(),
        source,
    })?;
    let mut text = format!(
        "cluster {} at {}\n",
        facts.cluster,
        itl_core::UnixTime::from_secs(facts.now).to_rfc3339()
    );
    for line in &index {
        text.push_str(line);
        text.push('\n');
    }
    file.write_all(text.as_bytes())
        .map_err(|source| ArchiveError {
            path: path.display().to_string(),
            source,
        })?;
    Ok(index)
}
