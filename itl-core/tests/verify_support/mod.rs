//! Helpers shared by the `verify_*` tests: fixtures, committed keys and certificates, and
//! lists built from them.
#![allow(dead_code)]

use itl_core::UnixTime;
use itl_core::verify::{
    ClusterCert, ClusterCerts, ClusterRole, FindingCode, Report, VerifyOptions, verify,
};
use itl_core::{Digest, Function, RecordSpec, TrustList, TrustListBuilder};
use rsa::pkcs8::DecodePrivateKey;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

/// TIMESTAMP of the generated fixtures, 2025-06-01T12:00:00Z; certificates are valid
/// 2024-01-01 to 2034-01-01.
pub const STAMP: i64 = 1_748_779_200;
/// A day in seconds.
pub const DAY: i64 = 86_400;

pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = root().join("fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn real_ctl() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"
    );
    std::fs::read(path).expect("the real sample is beside the checkout in ../shared")
}

/// A committed private key, `fixtures/keys/<name>.pem`.
pub fn key(name: &str) -> rsa::PrivateKey {
    let pem = String::from_utf8(fixture(&format!("keys/{name}.pem"))).unwrap();
    rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap()
}

/// The DER of a PEM certificate file.
pub fn pem_file_der(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (_, pem) = x509_parser::pem::parse_x509_pem(&bytes).unwrap();
    pem.contents
}

/// A committed certificate, `fixtures/certs/<name>.pem`, as DER.
pub fn cert(name: &str) -> Vec<u8> {
    pem_file_der(&root().join("fixtures/certs").join(format!("{name}.pem")))
}

pub const PUB: [u8; 4] = [10, 10, 1, 11];
pub const SUB: [u8; 4] = [10, 10, 1, 12];

/// A record for a committed certificate.
pub fn rec(function: Function, cert_name: &str, host: &str, ip: [u8; 4]) -> RecordSpec {
    RecordSpec::from_certificate(function, &cert(cert_name))
        .unwrap()
        .with_dns_name(host)
        .with_ip(Ipv4Addr::from(ip))
}

/// The records of a CUCM 11.5 ITL of ucm-pub whose SAST/TFTP certificate is `signer`.
pub fn itl_records(signer: &str) -> Vec<RecordSpec> {
    vec![
        rec(Function::Sast, signer, "ucm-pub", PUB),
        rec(Function::Sast, "ucm-pub-ITLRecovery", "ucm-pub", PUB),
        rec(Function::Tftp, signer, "ucm-pub", PUB),
        rec(Function::Tvs, "ucm-pub-TVS", "ucm-pub", PUB),
        rec(Function::Tvs, "ucm-sub1-TVS", "ucm-sub1", SUB),
        rec(Function::Capf, "ucm-pub-CAPF", "ucm-pub", PUB),
    ]
}

/// Builds and signs a list from records with a committed key and its certificate.
pub fn sign(
    filename: &str,
    digest: Digest,
    records: Vec<RecordSpec>,
    key_name: &str,
    cert_name: &str,
) -> Vec<u8> {
    let mut builder = TrustListBuilder::new(filename, STAMP as u32).digest(digest);
    builder.records = records;
    builder
        .sign_with_certificate(&key(key_name), &cert(cert_name))
        .unwrap()
}

/// An ITL signed by `name` (key and certificate) with `digest`.
pub fn itl(digest: Digest, name: &str) -> Vec<u8> {
    sign("ITLFile.tlv", digest, itl_records(name), name, name)
}

/// Verifies at STAMP without cluster certificates.
pub fn check(bytes: &[u8]) -> Report {
    check_at(bytes, STAMP)
}

pub fn check_at(bytes: &[u8], now: i64) -> Report {
    let list = TrustList::parse(bytes).unwrap();
    verify(&list, &VerifyOptions::new(UnixTime::from_secs(now)))
}

/// The (code, record) pairs of the findings of a report that are not informational.
/// Asserts that the one problem (warning or error) of `report` is `code` at `record`.
#[track_caller]
pub fn assert_only_problem(report: &Report, code: FindingCode, record: Option<usize>) {
    assert_eq!(problems(report), [(code, record)], "{:?}", report.findings);
}

pub fn problems(report: &Report) -> Vec<(FindingCode, Option<usize>)> {
    report
        .findings
        .iter()
        .filter(|f| f.severity != itl_core::verify::Severity::Info)
        .map(|f| (f.code, f.record))
        .collect()
}

/// All (code, record) pairs.
pub fn all(report: &Report) -> Vec<(FindingCode, Option<usize>)> {
    report.findings.iter().map(|f| (f.code, f.record)).collect()
}

/// Byte offset of the first element with `tag` in record `index` (0-based) of `bytes`.
pub fn record_element(bytes: &[u8], index: usize, tag: u8) -> usize {
    let list = TrustList::parse(bytes).unwrap();
    let record = &list.records()[index];
    list.record_elements(record)
        .iter()
        .find(|e| e.tag == tag)
        .map(|e| e.offset)
        .unwrap()
}

/// Byte offset of the first header element with `tag`.
pub fn header_element(bytes: &[u8], tag: u8) -> usize {
    let list = TrustList::parse(bytes).unwrap();
    list.header_elements()
        .iter()
        .find(|e| e.tag == tag)
        .map(|e| e.offset)
        .unwrap()
}

/// Reads a cluster-certificate folder as the CLI does (PEM and DER; sub-folders are nodes).
pub fn cluster_folder(dir: &Path) -> ClusterCerts {
    let mut certs = Vec::new();
    let mut read = |path: &Path, node: Option<&str>| {
        let ext = path.extension().unwrap().to_str().unwrap().to_string();
        let der = match ext.as_str() {
            "pem" => pem_file_der(path),
            "der" => std::fs::read(path).unwrap(),
            _ => return,
        };
        let stem = path.file_stem().unwrap().to_str().unwrap();
        certs.push(ClusterCert::new(node, ClusterRole::from_stem(stem), der));
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            let node = path.file_name().unwrap().to_str().unwrap().to_string();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for file in files {
                read(&file, Some(&node));
            }
        } else {
            read(&path, None);
        }
    }
    ClusterCerts::new(certs)
}

/// A scratch directory under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "itl-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
