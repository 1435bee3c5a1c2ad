//! Reading the inputs named on the command line (`-` is standard input).

use anyhow::{Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Maximum size read from one input: trust lists are at most a few hundred KiB.
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Reads one input: a path, or `-` for standard input.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    if bytes.len() as u64 > MAX_INPUT {
        anyhow::bail!("{}: larger than {} bytes", display(path), MAX_INPUT);
    }
    let input = display(path);
    tracing::debug!(%input, bytes = bytes.len(), "read");
    Ok(bytes)
}

/// How an input is named in messages.
pub fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// The modification time of a file, as Unix seconds, when it has one.
pub fn modified_secs(path: &Path) -> Option<u64> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// Expands folders into the `*.tlv` files below them (sorted); files are kept as given.
pub fn expand_tlv_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found).with_context(|| format!("cannot list {}", input.display()))?;
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tlv"))
        {
            found.push(path);
        }
    }
    Ok(())
}
