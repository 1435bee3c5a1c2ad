//! Cluster-file check (target `cluster_file`, replayed by `itl-wire/tests/fuzz_corpus.rs`): any
//! text through `ClusterFile::from_toml_str`. Nothing may panic; a file that is accepted has
//! exactly one publisher, every pin and address of it parses, and it survives a write and a
//! read unchanged.

use itl_wire::cluster_file::ClusterFile;

/// Checks one input.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = ClusterFile::from_toml_str(text) else {
        return;
    };
    assert!(file.publisher().is_some());
    for node in &file.nodes {
        assert!(node.tls_pin().is_ok());
        assert!(node.ssh_addr().is_ok());
        assert!(node.tftp_service().is_ok());
    }
    if let Ok(written) = file.to_toml_string() {
        let again = ClusterFile::from_toml_str(&written).expect("a written cluster file reads");
        assert_eq!(again, file);
    }
}
