//! The workspace's fixture files (`fixtures/`), for the unit tests.

/// The bytes of `fixtures/<name>` (`name` may hold sub-folders: `certs/ucm-pub-TVS.pem`).
///
/// # Panics
///
/// When the file cannot be read, naming it.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
