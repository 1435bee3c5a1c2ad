//! `itl verify FILE|DIR... [--cluster-certs DIR] [--now RFC3339] [--json]`.
//!
//! Folders are walked for `*.tlv`; files are verified in parallel (rayon) and reported in
//! input order. Exit 0 when every file verifies with no error finding, 1 when any file fails,
//! 2 when any input cannot be read or parsed (the error goes to stderr).

use crate::exit;
use crate::input::{display, expand_tlv_inputs, read_input};
use anyhow::{Context, Result, bail};
use itl_core::names::parse_dn_text;
use itl_core::verify::{
    CertificateDates, ClusterCerts, Finding, Report, SignatureReport, VerifyOptions, verify,
};
use itl_core::{ListKind, ParseError, TrustList, UnixTime};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `itl verify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Trust-list files, or folders searched (recursively) for `*.tlv`; `-` reads standard
    /// input.
    #[arg(required = true, value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// A folder of the cluster's current certificates, PEM or DER, named by role
    /// (`CallManager.pem`, `TVS.pem`, `ITLRecovery.pem`, `CAPF.pem`...), optionally one
    /// sub-folder per node (`ucm-pub/CallManager.pem`): reports records whose certificate
    /// the cluster no longer has and current certificates missing from the lists.
    #[arg(long, value_name = "DIR")]
    cluster_certs: Option<PathBuf>,
    /// Check certificate validity at this time instead of now (RFC 3339, e.g.
    /// `2026-01-01T00:00:00Z`, or a date, `2026-01-01`, meaning midnight UTC).
    #[arg(long, value_name = "RFC3339", value_parser = UnixTime::parse_time_or_date)]
    now: Option<UnixTime>,
    /// Print a JSON array with one object per file instead of text.
    #[arg(long)]
    json: bool,
}

/// One file's outcome.
enum Outcome {
    /// Read or parse failure, already formatted.
    Unusable(String),
    /// Verified.
    Verified {
        report: Report,
        /// The signer record's CN (or whole subject), for the verdict line.
        signer_name: Option<String>,
    },
}

/// One file in `--json` output.
#[derive(Serialize)]
struct FileReport<'r> {
    path: String,
    kind: &'static str,
    valid: bool,
    signature: &'r SignatureReport,
    certificates: &'r CertificateDates,
    findings: &'r [Finding],
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    let paths = expand_tlv_inputs(&args.inputs)?;
    if paths.is_empty() {
        bail!("no *.tlv files found in the inputs");
    }
    let now = match args.now {
        Some(now) => now,
        None => system_now()?,
    };
    let mut options = VerifyOptions::new(now);
    if let Some(dir) = &args.cluster_certs {
        options = options.with_cluster(read_cluster_certs(dir)?);
    }
    let outcomes: Vec<Outcome> = paths
        .par_iter()
        .map(|path| verify_path(path, &options))
        .collect();

    let mut code = exit::OK;
    let mut json = Vec::new();
    for (path, outcome) in paths.iter().zip(&outcomes) {
        let name = display(path);
        match outcome {
            Outcome::Unusable(message) => {
                eprintln!("itl: {message}");
                code = exit::FAILURE;
            }
            Outcome::Verified {
                report,
                signer_name,
            } => {
                if !report.is_valid() && code == exit::OK {
                    code = exit::FOUND;
                }
                if args.json {
                    json.push(FileReport {
                        path: name,
                        kind: ListKind::name_or_unknown(report.kind),
                        valid: report.is_valid(),
                        signature: &report.signature,
                        certificates: &report.certificates,
                        findings: &report.findings,
                    });
                } else {
                    print_text(&name, report, signer_name.as_deref());
                }
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    Ok(code)
}

/// The system clock (the CLI reads it; the library never does).
pub(crate) fn system_now() -> Result<UnixTime> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    Ok(UnixTime::from_secs_u64(since.as_secs()))
}

fn verify_path(path: &Path, options: &VerifyOptions) -> Outcome {
    let bytes = match read_input(path) {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::Unusable(format!("{e:#}")),
    };
    let list = match TrustList::parse(&bytes) {
        Ok(list) => list,
        Err(e) => return Outcome::Unusable(parse_message(path, &e)),
    };
    let report = verify(&list, options);
    let signer_name = report
        .signature
        .signer_record
        .and_then(|n| list.records().get(n - 1))
        .and_then(|r| r.subject)
        .map(|subject| {
            let text = subject.lossy();
            parse_dn_text(&text)
                .into_iter()
                .find(|(k, _)| k == "CN")
                .map(|(_, v)| v)
                .unwrap_or_else(|| text.into_owned())
        });
    Outcome::Verified {
        report,
        signer_name,
    }
}

fn parse_message(path: &Path, e: &ParseError) -> String {
    format!("{}: {e}", display(path))
}

/// The verdict line (the signature apart from the certificates' dates), the signer line,
/// then one line per finding.
fn print_text(name: &str, report: &Report, signer_name: Option<&str>) {
    let verdict = if report.is_valid() { "OK" } else { "FAIL" };
    println!("{verdict}  {name}  {}", report.summary());
    let sig = &report.signature;
    let mut signer = match sig.signer_record {
        Some(n) => {
            let mut s = format!("signer: record {n}");
            if let Some(cn) = signer_name {
                s.push_str(&format!(" ({cn})"));
            }
            s
        }
        None => "signer: none".to_string(),
    };
    if let Some(digest) = sig.digest {
        signer.push_str(&format!(", {digest}"));
    }
    if let Some(bits) = sig.key_bits {
        signer.push_str(&format!(", RSA-{bits}"));
    }
    println!("  {signer}");
    for finding in &report.findings {
        let place = finding
            .record
            .map(|n| format!("record {n}"))
            .unwrap_or_else(|| "file".into());
        println!(
            "  {:<7}  {place:<9}  {}: {}",
            finding.severity.as_str(),
            finding.code,
            finding.message
        );
    }
}

/// Reads a folder of cluster certificates (the library's loader) and prints its notes.
fn read_cluster_certs(dir: &Path) -> Result<ClusterCerts> {
    let loaded = itl_cucm::cluster_certs::load_cluster_certs(dir)?;
    for note in &loaded.notes {
        eprintln!("itl: note: {note}");
    }
    Ok(loaded.certs)
}
