//! `itl fetch URL... [-o PATH]` and `itl fetch --server HOST[:PORT] [--mac MAC] [--http]`.

use crate::exit;
use anyhow::{Context, Result, bail};
use itl_core::cucm::Mac;
use itl_core::summary::ListSummary;
use itl_core::verify::{Finding, Severity, VerifyOptions};
use itl_cucm::served::{ServedListSummary, summarise};
use itl_cucm::{FetchOptions, FetchOutcome, Fetcher, Transport, TrustFileSet, TrustServer};
use itl_wire::address::ServerAddress;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `itl fetch`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["urls", "server"])))]
pub struct Args {
    /// `tftp://host[:port]/file` or `http(s)://host[:port]/file` URLs to download.
    #[arg(value_name = "URL", conflicts_with = "server")]
    urls: Vec<String>,
    /// Where to write: a file (one URL), a folder (several URLs) or `-` (standard output).
    /// Default: the file's own name in the current folder.
    #[arg(short = 'o', long = "output", value_name = "PATH", requires = "urls")]
    output: Option<PathBuf>,
    /// Fetch the trust files a phone would get from this TFTP node: `HOST`, `HOST:PORT`
    /// (the port of the transport used), `[IPv6]:PORT`, `tftp://HOST[:PORT]` or
    /// `http://HOST[:PORT]` (the scheme wins over --http).
    #[arg(long, value_name = "HOST[:PORT]")]
    server: Option<String>,
    /// The phone to impersonate: also asks for `CTLSEP<MAC>.tlv` and `ITLSEP<MAC>.tlv`.
    #[arg(long, value_name = "MAC", requires = "server")]
    mac: Option<Mac>,
    /// Use HTTP (port 6970) instead of TFTP (UDP 69).
    #[arg(long, requires = "server")]
    http: bool,
    /// Print the summary as JSON.
    #[arg(long, requires = "server")]
    json: bool,
    /// Give up on one file after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    let mut opts = FetchOptions::default();
    opts.tftp.deadline = Duration::from_secs(args.timeout.max(1));
    opts.http.timeout = Duration::from_secs(args.timeout.max(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let fetcher = Fetcher::new(opts).context("cannot set up the HTTP client")?;
    match &args.server {
        Some(server) => runtime.block_on(fetch_set(&fetcher, server, &args)),
        None => runtime.block_on(fetch_urls(&fetcher, &args)),
    }
}

async fn fetch_urls(fetcher: &Fetcher, args: &Args) -> Result<u8> {
    let output = args.output.as_deref();
    let into_dir = output.is_some_and(|p| p.is_dir()) || (args.urls.len() > 1 && output.is_some());
    if args.urls.len() > 1 && output == Some(Path::new("-")) {
        bail!("-o - takes a single URL");
    }
    let mut code = exit::OK;
    for url in &args.urls {
        let bytes = match fetcher.fetch_url(url).await {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("itl: {e}");
                code = exit::FAILURE;
                continue;
            }
        };
        let name = file_name_of(url);
        let target = match output {
            Some(p) if p == Path::new("-") => {
                std::io::stdout().write_all(&bytes)?;
                continue;
            }
            Some(dir) if into_dir => dir.join(&name),
            Some(file) => file.to_path_buf(),
            None => PathBuf::from(&name),
        };
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&target, &bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
        eprintln!("{url}: {} bytes -> {}", bytes.len(), target.display());
    }
    Ok(code)
}

/// The last path segment of a URL, or `download.tlv`.
fn file_name_of(url: &str) -> String {
    let path = url.split(['?', '#', ';']).next().unwrap_or(url);
    path.rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && !s.contains(':'))
        .unwrap_or("download.tlv")
        .to_string()
}

/// What one fetched file is, for the summary.
#[derive(Serialize)]
struct FileReport {
    name: String,
    status: &'static str,
    note: Option<String>,
    size: Option<usize>,
    md5: Option<String>,
    sha1: Option<String>,
    signer: Option<String>,
    records_by_function: BTreeMap<String, usize>,
    verdict: Option<&'static str>,
    findings: Vec<Finding>,
    list: Option<ListSummary>,
}

#[derive(Serialize)]
struct SetReport {
    server: String,
    transport: &'static str,
    mac: Option<String>,
    reachable: bool,
    files: Vec<FileReport>,
}

/// The file's report from the library's summary of it.
fn assess(summary: ServedListSummary) -> FileReport {
    FileReport {
        name: summary.name,
        status: "fetched",
        note: summary.parse_error.map(|e| format!("does not parse: {e}")),
        size: Some(summary.size),
        md5: Some(summary.md5),
        sha1: Some(summary.sha1),
        signer: summary.signer,
        records_by_function: summary.records_by_role,
        verdict: Some(if summary.valid { "OK" } else { "FAIL" }),
        findings: summary.findings,
        list: summary.list,
    }
}

fn report_of(set: &TrustFileSet) -> SetReport {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let options = VerifyOptions::new(itl_core::UnixTime::from_secs_u64(now));
    let node = set.server.to_string();
    let files = set
        .files
        .iter()
        .map(|file| match &file.outcome {
            FetchOutcome::Fetched(bytes) => assess(summarise(&node, &file.name, bytes, &options)),
            other => FileReport {
                name: file.name.clone(),
                status: match other {
                    FetchOutcome::NotFound => "not-found",
                    _ => "failed",
                },
                note: Some(
                    file.to_string()
                        .trim_start_matches(&format!("{}: ", file.name))
                        .to_string(),
                ),
                size: None,
                md5: None,
                sha1: None,
                signer: None,
                records_by_function: BTreeMap::new(),
                verdict: None,
                findings: Vec::new(),
                list: None,
            },
        })
        .collect();
    SetReport {
        server: set.server.to_string(),
        transport: match set.server.transport {
            Transport::Tftp => "tftp",
            Transport::Http => "http",
        },
        mac: set.mac.map(|m| m.to_string()),
        reachable: !set.is_unreachable(),
        files,
    }
}

async fn fetch_set(fetcher: &Fetcher, spec: &str, args: &Args) -> Result<u8> {
    let transport = if args.http {
        Transport::Http
    } else {
        Transport::Tftp
    };
    // A port without scheme is the chosen transport's (`--server host:8080 --http`).
    let address = ServerAddress::parse(spec).context("--server")?;
    let server = TrustServer::from_address(&address, transport, transport);
    let set = fetcher.fetch_trust_files(&server, args.mac).await;
    let report = report_of(&set);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    if set.is_unreachable() {
        eprintln!("itl: {} cannot be reached", report.server);
        return Ok(exit::FAILURE);
    }
    let failed = report
        .files
        .iter()
        .any(|f| f.status == "failed" || f.verdict == Some("FAIL"));
    let itl_missing = set.itl().and_then(|f| f.bytes()).is_none();
    Ok(if failed || itl_missing {
        exit::FOUND
    } else {
        exit::OK
    })
}

fn print_report(report: &SetReport) {
    let mac = report
        .mac
        .as_ref()
        .map(|m| format!(" as SEP{m}"))
        .unwrap_or_default();
    println!("{} over {}{mac}", report.server, report.transport);
    for file in &report.files {
        match file.status {
            "fetched" => {
                let functions: Vec<String> = file
                    .records_by_function
                    .iter()
                    .map(|(f, n)| format!("{f}×{n}"))
                    .collect();
                println!(
                    "  {:<5} {}  {} bytes  md5 {}  sha1 {}",
                    file.verdict.unwrap_or("?"),
                    file.name,
                    file.size.unwrap_or(0),
                    file.md5.as_deref().unwrap_or(""),
                    file.sha1.as_deref().unwrap_or(""),
                );
                if let Some(signer) = &file.signer {
                    println!("        signer {signer}");
                }
                if !functions.is_empty() {
                    println!("        records {}", functions.join(" "));
                }
                if let Some(note) = &file.note {
                    println!("        {note}");
                }
                for finding in file
                    .findings
                    .iter()
                    .filter(|f| f.severity != Severity::Info)
                {
                    println!("        {finding}");
                }
            }
            _ => println!(
                "  {:<5} {}: {}",
                "-",
                file.name,
                file.note.as_deref().unwrap_or("")
            ),
        }
    }
}
