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
    CertificateDates, ClusterCert, ClusterCerts, ClusterRole, Finding, Report, SignatureReport,
    VerifyOptions, verify,
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

/// File extensions read from a cluster-certificate folder.
const CERT_EXTENSIONS: [&str; 4] = ["pem", "der", "crt", "cer"];

/// Reads a folder of cluster certificates: files directly in it belong to no node, files in
/// a sub-folder to the node named like the sub-folder. The role is the file stem.
fn read_cluster_certs(dir: &Path) -> Result<ClusterCerts> {
    let mut certs = Vec::new();
    let entries = sorted_entries(dir)
        .with_context(|| format!("cannot list the cluster certificates in {}", dir.display()))?;
    for path in entries {
        if path.is_dir() {
            let node = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for file in
                sorted_entries(&path).with_context(|| format!("cannot list {}", path.display()))?
            {
                if file.is_file() {
                    read_cluster_cert(&file, Some(&node), &mut certs)?;
                }
            }
        } else {
            read_cluster_cert(&path, None, &mut certs)?;
        }
    }
    if certs.is_empty() {
        bail!(
            "no certificates (*.pem, *.der, *.crt, *.cer) in {}",
            dir.display()
        );
    }
    Ok(ClusterCerts::new(certs))
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

fn read_cluster_cert(path: &Path, node: Option<&str>, certs: &mut Vec<ClusterCert>) -> Result<()> {
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
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let der = certificate_der(&bytes)
        .with_context(|| format!("{}: not a PEM or DER certificate", path.display()))?;
    let role = ClusterRole::from_stem(&stem);
    if let ClusterRole::Other(name) = &role {
        eprintln!(
            "itl: note: {}: `{name}` is not a known certificate role (CallManager, TVS, ITLRecovery, CAPF...); it only counts as a current certificate",
            path.display()
        );
    }
    certs.push(ClusterCert::new(node, role, der));
    Ok(())
}

/// The DER of the first certificate in a PEM file, or the bytes themselves when they look
/// like DER (a SEQUENCE).
pub(crate) fn certificate_der(bytes: &[u8]) -> Result<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(bytes);
    if let Some(start) = text.find(BEGIN) {
        let body = &text[start + BEGIN.len()..];
        let end = body.find(END).context("PEM block without an END line")?;
        let der = base64_decode(&body[..end]).context("bad base64 in the PEM block")?;
        if der.first() != Some(&0x30) {
            bail!("the PEM block is not a DER SEQUENCE");
        }
        return Ok(der);
    }
    if bytes.first() == Some(&0x30) && bytes.len() > 16 {
        return Ok(bytes.to_vec());
    }
    bail!("no `{BEGIN}` line and not DER")
}

/// Standard base64 (RFC 4648) with whitespace ignored.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for &c in text.as_bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_known_values() {
        assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
        assert_eq!(base64_decode("TQ==\n").unwrap(), b"M");
        assert_eq!(base64_decode("TW\nFu").unwrap(), b"Man");
        assert!(base64_decode("TQ=a").is_none());
        assert!(base64_decode("T*==").is_none());
    }
}
