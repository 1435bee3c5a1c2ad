//! Verification: the file signature, every record against its certificate, the whole list
//! against the phones' limits and CUCM's role rules, and (optionally) the list against the
//! cluster's current certificates. The result is data: a [`Report`] with a
//! [`SignatureReport`] and a list of [`Finding`]s, each with a stable code ([`FindingCode`]).
//!
//! Pure like the rest of the crate: the time is passed in ([`VerifyOptions::now`]) and the
//! cluster's certificates are passed in parsed ([`ClusterCerts`]).
//!
//! ```
//! use itl_core::UnixTime;
//! use itl_core::verify::{Severity, VerifyOptions, verify};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-12-sha512.tlv"))?;
//! let list = itl_core::TrustList::parse(&bytes)?;
//! let report = verify(&list, &VerifyOptions::new(UnixTime::from_secs(1_750_000_000))); // 2025-06-15
//! assert!(report.is_valid());
//! assert_eq!(report.signature.signer_record, Some(1));
//! assert_eq!(report.signature.key_bits, Some(2048));
//! assert!(report.findings.iter().all(|f| f.severity != Severity::Error));
//! # Ok(()) }
//! ```
//!
//! Speed: the signer key's RSA operation uses a dedicated Montgomery exponentiation (16
//! squarings and one multiplication for e = 65537), and a [`CertCache`] (on by default,
//! shared by clones of the options) decodes each certificate and prepares each key once
//! across many files.

mod cert;
mod cluster;
mod finding;
mod lint;
mod pubkey;
mod records;
mod signature;
mod verdict;

pub use cert::CertCache;
pub use cluster::{ClusterCert, ClusterCerts, ClusterRole};
pub use finding::{Finding, FindingCode, Severity};
pub use lint::{MAX_CERTIFICATES, MAX_FILE_SIZE, MAX_SAST};
pub use pubkey::{KeyError, PreparedKey};
pub use signature::{SignatureReport, verify_signature, verify_signature_with};
pub use verdict::{CertificateDates, SignatureState, Summary, record_ranges};

use crate::{ListKind, ParseError, TrustList, UnixTime};
use serde::Serialize;

/// A certificate expiring within this many seconds of `now` is a warning (30 days).
pub const EXPIRY_WARNING_SECS: i64 = 30 * 86_400;

/// What verification needs besides the file.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The time certificates must be valid at (the caller reads the clock).
    pub now: UnixTime,
    /// The cluster's current certificates; when set, stale records and missing certificates
    /// are reported.
    pub cluster: Option<ClusterCerts>,
    /// Decoded certificates and prepared keys shared across verifications; `None` decodes
    /// everything afresh each time.
    pub cache: Option<CertCache>,
}

impl VerifyOptions {
    /// Options for `now`, no cluster certificates, a fresh [`CertCache`].
    pub fn new(now: UnixTime) -> Self {
        Self {
            now,
            cluster: None,
            cache: Some(CertCache::new()),
        }
    }

    /// Compares lists with the cluster's current certificates.
    pub fn with_cluster(mut self, cluster: ClusterCerts) -> Self {
        self.cluster = Some(cluster);
        self
    }

    /// Decodes every certificate afresh on each verification.
    pub fn without_cache(mut self) -> Self {
        self.cache = None;
        self
    }
}

/// The result of verifying one list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// ITL or CTL, from FILENAME.
    #[serde(with = "crate::cucm::list_kind::or_unknown")]
    pub kind: Option<ListKind>,
    /// The signature check.
    pub signature: SignatureReport,
    /// Everything found, in order: signature, records (in file order), list, cluster.
    pub findings: Vec<Finding>,
    /// Which records' certificates are out of date at [`VerifyOptions::now`].
    pub certificates: CertificateDates,
}

impl Report {
    /// The file passes: the signature verifies and no finding is an error.
    pub fn is_valid(&self) -> bool {
        self.signature.valid && !self.has_errors()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The verdict in one sentence, the signature apart from the certificates' dates
    /// (`signature valid; 1 of 6 certificates expired (record 3)`).
    pub fn summary(&self) -> Summary {
        Summary::of(self)
    }

    /// The codes of the findings, in order.
    pub fn codes(&self) -> Vec<FindingCode> {
        self.findings.iter().map(|f| f.code).collect()
    }

    /// The findings with one code.
    pub fn with_code(&self, code: FindingCode) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.code == code)
    }
}

/// Verifies a parsed list: signature, records, list rules and, with
/// [`VerifyOptions::cluster`], the cluster's current certificates.
pub fn verify(list: &TrustList<'_>, options: &VerifyOptions) -> Report {
    let cache = options.cache.as_ref();
    let mut findings = Vec::new();
    let signature = signature::check(list, cache, &mut findings);
    records::check(list, options.now, cache, &mut findings);
    lint::check(list, &mut findings);
    if let Some(cluster) = &options.cluster {
        cluster::check(list, cluster, &mut findings);
    }
    let count = list
        .records()
        .iter()
        .filter(|r| r.certificate_der.is_some())
        .count();
    Report {
        kind: list.kind(),
        signature,
        certificates: CertificateDates::from_findings(count, &findings),
        findings,
    }
}

/// Parses and verifies one file.
pub fn verify_bytes(bytes: &[u8], options: &VerifyOptions) -> Result<Report, ParseError> {
    TrustList::parse(bytes).map(|list| verify(&list, options))
}

/// Parses and verifies many files in order, one result each (a parse error for a file that
/// does not parse). Sequential: callers parallelise (the CLI uses rayon over files); the
/// options, and so the [`CertCache`], are shared.
pub fn verify_many(inputs: &[&[u8]], options: &VerifyOptions) -> Vec<Result<Report, ParseError>> {
    inputs
        .iter()
        .map(|bytes| verify_bytes(bytes, options))
        .collect()
}
