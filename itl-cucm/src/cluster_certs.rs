//! A folder of the cluster's current certificates, as `itl verify --cluster-certs DIR` and
//! `itl predict --tvs-cert` read them: PEM (`-----BEGIN CERTIFICATE-----`, decoded by
//! x509-parser) or DER files.
//!
//! Layout: files directly in the folder belong to no node; files in a sub-folder belong to the
//! node named like the sub-folder (`ucm-pub/CallManager.pem`). The role is the file stem
//! ([`ClusterRole::from_stem`]: `CallManager`, `TVS`, `ITLRecovery`, `CAPF`...). Files with
//! other extensions than `.pem`, `.der`, `.crt`, `.cer` are skipped; folders are read in name
//! order so the result does not depend on the file system.

use std::path::{Path, PathBuf};

use itl_core::verify::{ClusterCert, ClusterCerts, ClusterRole};

/// File extensions read from a cluster-certificate folder.
pub const CERT_EXTENSIONS: [&str; 4] = ["pem", "der", "crt", "cer"];

/// Why a certificate file or folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CertFileError {
    /// A folder could not be listed.
    #[error("cannot list the cluster certificates in {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file is neither a PEM certificate nor DER.
    #[error("{path}: not a PEM or DER certificate: {reason}")]
    NotACertificate {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The folder holds no certificate file.
    #[error("no certificates (*.pem, *.der, *.crt, *.cer) in {0}")]
    Empty(PathBuf),
}

/// The certificates of a folder, and what was noticed on the way.
#[derive(Clone, Debug)]
pub struct LoadedCerts {
    /// The certificates, in folder order.
    pub certs: ClusterCerts,
    /// Files whose stem names no known role (they count only as current certificates).
    pub notes: Vec<String>,
}

/// The DER of the first certificate of a PEM file (x509-parser's PEM reader), or the bytes
/// themselves when they are DER (an X.509 certificate that parses).
pub fn certificate_der(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let looks_pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    if looks_pem {
        let (_, pem) = x509_parser::pem::parse_x509_pem(bytes).map_err(|e| match e {
            x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => {
                format!("bad PEM block: {e}")
            }
            x509_parser::nom::Err::Incomplete(_) => "truncated PEM block".to_owned(),
        })?;
        if pem.label != "CERTIFICATE" {
            return Err(format!(
                "the PEM block is a {}, not a CERTIFICATE",
                pem.label
            ));
        }
        pem.parse_x509()
            .map_err(|e| format!("the PEM block is not an X.509 certificate: {e}"))?;
        return Ok(pem.contents);
    }
    x509_parser::parse_x509_certificate(bytes)
        .map_err(|e| format!("no PEM block, and not a DER certificate: {e}"))?;
    Ok(bytes.to_vec())
}

/// Reads a certificate file (PEM or DER).
pub fn read_certificate(path: &Path) -> Result<Vec<u8>, CertFileError> {
    let bytes = std::fs::read(path).map_err(|source| CertFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    certificate_der(&bytes).map_err(|reason| CertFileError::NotACertificate {
        path: path.to_owned(),
        reason,
    })
}

/// Reads a folder of cluster certificates (see the module documentation).
pub fn load_cluster_certs(dir: &Path) -> Result<LoadedCerts, CertFileError> {
    let mut certs = Vec::new();
    let mut notes = Vec::new();
    for path in sorted_entries(dir)? {
        if path.is_dir() {
            let node = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for file in sorted_entries(&path)? {
                if file.is_file() {
                    read_into(&file, Some(&node), &mut certs, &mut notes)?;
                }
            }
        } else {
            read_into(&path, None, &mut certs, &mut notes)?;
        }
    }
    if certs.is_empty() {
        return Err(CertFileError::Empty(dir.to_owned()));
    }
    Ok(LoadedCerts {
        certs: ClusterCerts::new(certs),
        notes,
    })
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, CertFileError> {
    let io = |source| CertFileError::Folder {
        path: dir.to_owned(),
        source,
    };
    let mut paths = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io)?;
    paths.sort();
    Ok(paths)
}

fn read_into(
    path: &Path,
    node: Option<&str>,
    certs: &mut Vec<ClusterCert>,
    notes: &mut Vec<String>,
) -> Result<(), CertFileError> {
    let wanted = path
        .extension()
        .is_some_and(|e| CERT_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
    if !wanted {
        return Ok(());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let der = read_certificate(path)?;
    let role = ClusterRole::from_stem(&stem);
    if let ClusterRole::Other(name) = &role {
        notes.push(format!(
            "{}: `{name}` is not a known certificate role (CallManager, TVS, ITLRecovery, CAPF...); it only counts as a current certificate",
            path.display()
        ));
    }
    certs.push(ClusterCert::new(node, role, der));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::fixture;
    use itl_testkit::TempDir;

    /// The TVS certificate of `ucm-pub`, in PEM.
    fn tvs_pem() -> Vec<u8> {
        fixture("certs/ucm-pub-TVS.pem")
    }

    #[test]
    fn pem_and_der_give_the_same_certificate() {
        let pem = tvs_pem();
        let der = certificate_der(&pem).expect("PEM");
        assert_eq!(der.first(), Some(&0x30));
        assert!(x509_parser::parse_x509_certificate(&der).is_ok());
        assert_eq!(certificate_der(&der).expect("DER"), der);
    }

    #[test]
    fn reject_twins_say_what_is_wrong() {
        let pem = String::from_utf8(tvs_pem()).expect("text");
        let key = pem.replace("CERTIFICATE", "PRIVATE KEY");
        assert_eq!(
            certificate_der(key.as_bytes()).expect_err("a key"),
            "the PEM block is a PRIVATE KEY, not a CERTIFICATE"
        );
        let broken = pem.replacen('M', "*", 1);
        assert!(
            certificate_der(broken.as_bytes())
                .expect_err("bad base64")
                .starts_with("bad PEM block"),
        );
        let truncated = &pem[..pem.len() / 2];
        assert!(certificate_der(truncated.as_bytes()).is_err());
        assert!(
            certificate_der(b"\x30\x03\x02\x01\x01")
                .expect_err("not a certificate")
                .starts_with("no PEM block, and not a DER certificate")
        );
    }

    #[test]
    fn a_folder_by_node_with_roles_from_file_names() {
        let dir = TempDir::new("cluster-certs-folder");
        let pem = tvs_pem();
        dir.write("ucm-pub/TVS.pem", &pem);
        dir.write("ITLRecovery.crt", &pem);
        dir.write("Custom.pem", &pem);
        dir.write("README.txt", b"skipped");
        let loaded = load_cluster_certs(dir.path()).expect("loads");
        let found: Vec<(Option<&str>, &ClusterRole)> = loaded
            .certs
            .certs
            .iter()
            .map(|c| (c.node.as_deref(), &c.role))
            .collect();
        assert_eq!(
            found,
            [
                (None, &ClusterRole::Other("Custom".into())),
                (None, &ClusterRole::from_stem("ITLRecovery")),
                (Some("ucm-pub"), &ClusterRole::from_stem("TVS")),
            ]
        );
        assert_eq!(loaded.notes.len(), 1);
        assert!(
            loaded.notes[0].ends_with(
                "Custom.pem: `Custom` is not a known certificate role (CallManager, TVS, ITLRecovery, CAPF...); it only counts as a current certificate"
            ),
            "{}",
            loaded.notes[0]
        );
        // Reject twins: an empty folder, a file that is no certificate (named in the error).
        let empty = TempDir::new("cluster-certs-empty");
        assert!(matches!(
            load_cluster_certs(empty.path()),
            Err(CertFileError::Empty(_))
        ));
        dir.write("CAPF.pem", b"-----BEGIN CERTIFICATE-----\n!!\n");
        let err = load_cluster_certs(dir.path()).expect_err("bad file");
        assert!(
            err.to_string()
                .contains("CAPF.pem: not a PEM or DER certificate"),
            "{err}"
        );
    }
}
