//! Where commands write their reports: the folder of the first report file, and writing a
//! report (creating its folder).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The folder the reports go to: that of the first output file that is not `-` (stdout),
/// else the current folder. Archives default to a folder beside the reports.
pub fn report_dir<'a>(outputs: impl IntoIterator<Item = &'a Option<PathBuf>>) -> PathBuf {
    outputs
        .into_iter()
        .flatten()
        .find(|p| p.as_path() != Path::new("-"))
        .and_then(|p| p.parent())
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Writes a report file, creating its folder first.
pub fn write_file(path: &Path, text: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_file_output_names_the_folder() {
        let some = |p: &str| Some(PathBuf::from(p));
        assert_eq!(
            report_dir([&some("-"), &None, &some("out/r.html")]),
            PathBuf::from("out")
        );
        // Reject twins: stdout only, or a bare file name, is the current folder.
        assert_eq!(report_dir([&some("-")]), PathBuf::from("."));
        assert_eq!(report_dir([&some("r.json")]), PathBuf::from("."));
    }
}
