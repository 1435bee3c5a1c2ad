//! `itl sweep (--cluster FILE | --inventory CSV [--cluster FILE]) [--json F] [--csv F] [--html F]`.
//!
//! Reads every phone's trust state from its web pages and compares it with what its TFTP
//! server serves. Phones come from the cluster (AXL + RisPort70; the password from the
//! environment variable the cluster file names, or a prompt when standard input is a
//! terminal) or from an inventory CSV (then the cluster file, if given, only names the TFTP
//! nodes). Exit 0 when every phone is `ok`, 1 when any is not, 2 when the sweep could not run.

use crate::cluster_args::ClusterArgs;
use crate::color::Colors;
use crate::exit;
use crate::output::{report_dir, write_file};
use crate::present::{self, progress::ProgressBar};
use anyhow::{Context, Result, bail};
use itl_cucm::fetch::Transport;
use itl_cucm::session::SessionOptions;
use itl_cucm::sweep::feed::PhoneFeed;
use itl_cucm::sweep::inventory::{self, SoapClients};
use itl_cucm::sweep::{
    Archive, PhoneSource, SweepOptions, SweepPlan, SweepReport, assemble, cancel_pair,
    run_sweep_fed,
};
use itl_wire::cluster_file::ClusterFile;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `itl sweep`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("source").required(true).multiple(true).args(["cluster", "inventory"])))]
pub struct Args {
    /// The cluster: discover the phones through AXL and RisPort70 on the publisher, and fetch
    /// the reference lists from its TFTP nodes.
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Sweep the phones of this CSV instead of asking the cluster (columns name, address,
    /// tftp_server[, model, device_pool]). With --cluster, the cluster file only supplies the
    /// TFTP nodes (no API access, no password needed).
    #[arg(long, value_name = "CSV")]
    inventory: Option<PathBuf>,
    /// RisPort70 requests per minute (the cluster's "Allowed Device Queries Per Minute"); 0
    /// sends them unpaced (labs and simulators; the pacer still backs off on the rate fault).
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=60))]
    risport_rate: u32,
    /// The phones' clock zone (`+02:00`, `-05:00`, `0`): status messages older than a phone's
    /// last boot (RisPort registration time) are ignored; unknown, only messages older in every
    /// zone are.
    #[arg(long, value_name = "±HH:MM", allow_hyphen_values = true, value_parser = parse_utc_offset)]
    phone_utc_offset: Option<i32>,
    /// Phones read at the same time.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Give up on one phone page after this many seconds. A phone's first read gives up after
    /// at most 4 s; a phone that did not answer then is read again at the end of the sweep
    /// with this timeout.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = positive_seconds)]
    timeout: f64,
    /// Give up connecting to a phone after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0, value_parser = positive_seconds)]
    connect_timeout: f64,
    /// Also fetch each phone's ITLSEP<MAC>.tlv from its TFTP server (archived; it becomes
    /// that phone's reference).
    #[arg(long)]
    per_phone_files: bool,
    /// Fetch reference lists over TFTP (UDP 69) instead of HTTP 6970.
    #[arg(long)]
    tftp: bool,
    /// The trust-file archive folder (default: `itl-archive` beside the reports).
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// Write the JSON report here (`-`: standard output; the summary then goes to stderr).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write one CSV row per phone here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write a self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// No progress bar and no summary tables.
    #[arg(long)]
    quiet: bool,
    /// Exit 1 also when a phone's trust lists could not be read (`no-trust-info`,
    /// `web-disabled`, `unreachable`, `unparseable`, `unregistered`, `not-scanned`); without
    /// it only phones in a problem state do.
    #[arg(long)]
    strict: bool,
}

/// `+HH:MM`, `-HH:MM`, `±HH`, `Z` or `0` → seconds ahead of UTC (−12:00 to +14:00).
fn parse_utc_offset(text: &str) -> Result<i32, String> {
    let bad = || format!("`{text}` is not a UTC offset like +02:00, -05:00 or 0");
    let t = text.trim();
    if t == "0" || t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Ok(0);
    }
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let digits = |s: &str, max: i32| -> Option<i32> {
        if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().filter(|v| *v <= max)
    };
    let (Some(h), Some(m)) = (digits(h, 14), digits(m, 59)) else {
        return Err(bad());
    };
    let secs = sign * (h * 3600 + m * 60);
    if !(-12 * 3600..=14 * 3600).contains(&secs) {
        return Err(bad());
    }
    Ok(secs)
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 3600"
        )),
    }
}

/// Runs the command.
pub fn run(args: Args, colors: Colors) -> Result<u8> {
    let cluster = args.cluster.load()?;
    let transport = if args.tftp {
        Transport::Tftp
    } else {
        Transport::Http
    };
    let mut options = SweepOptions {
        concurrency: usize::from(args.concurrency),
        per_phone_files: args.per_phone_files,
        phone_utc_offset: args.phone_utc_offset,
        ..SweepOptions::default()
    };
    options.page.timeout = Duration::from_secs_f64(args.timeout);
    options.page.connect_timeout = Duration::from_secs_f64(args.connect_timeout);

    let runtime = super::runtime()?;
    let (handle, signal) = cancel_pair();
    let report: SweepReport = runtime.block_on(async {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!(
                    "\nitl: interrupted; writing a partial report (unvisited phones: not-scanned)"
                );
                handle.cancel();
            }
        });
        let clients = match (&args.inventory, cluster.as_ref()) {
            (None, Some(cluster)) => Some(soap_clients(&args, cluster)?),
            _ => None,
        };
        let (plan, feed) = tokio::select! {
            plan = plan(&args, cluster.as_ref(), transport, clients.as_ref()) => plan?,
            _ = signal.cancelled() => bail!("interrupted before the phones were listed"),
        };
        let archive_dir = args
            .archive
            .clone()
            .unwrap_or_else(|| report_dir([&args.json, &args.csv, &args.html]).join("itl-archive"));
        let mut archive = Archive::open(&archive_dir)
            .with_context(|| format!("cannot open the archive {}", archive_dir.display()))?;
        let observer = ProgressBar::on_stderr(!args.quiet);
        let report = run_sweep_fed(plan, feed, &mut archive, &options, &observer, signal).await?;
        Ok::<_, anyhow::Error>(report)
    })?;
    // Ctrl-C may be waited on by the spawned task; do not wait for it.
    runtime.shutdown_background();

    let to_stdout = present::json_report(args.json.as_deref(), || Ok(report.to_json()?))?;
    if let Some(path) = &args.csv {
        write_file(path, present::csv::to_csv(&report)?.as_bytes())?;
    }
    if let Some(path) = &args.html {
        write_file(path, present::html::render(&report).as_bytes())?;
    }
    if !args.quiet {
        let tables = present::sweep_tables::summary_tables(&report);
        present::tables(colors, &tables, to_stdout);
    }
    for w in &report.warnings {
        eprintln!("itl: warning: {}", present::terminal::clean(w));
    }
    let unread = report.summary.unread;
    if unread > 0 && !args.quiet {
        eprintln!(
            "itl: {unread} phone(s) whose trust lists could not be read{}",
            if args.strict {
                " (--strict: they count as failures)"
            } else {
                " (listed above; --strict makes them fail the sweep)"
            }
        );
    }
    Ok(if report.no_problems() && (!args.strict || unread == 0) {
        exit::OK
    } else {
        exit::FOUND
    })
}

/// The AXL and RisPort70 clients of the cluster, RisPort paced at `--risport-rate`.
fn soap_clients(args: &Args, cluster: &ClusterFile) -> Result<SoapClients> {
    let mut opts = SessionOptions::default();
    opts.ris.per_minute = match args.risport_rate {
        0 => u32::MAX,
        n => n,
    };
    let session = args.cluster.session(cluster.clone(), opts)?;
    Ok(SoapClients::of(&session)?)
}

/// Builds the plan: the phones (an inventory CSV, or the AXL list whose RisPort70 state
/// arrives through the returned feed while the sweep runs) and the TFTP nodes.
async fn plan<'a>(
    args: &Args,
    cluster: Option<&ClusterFile>,
    transport: Transport,
    clients: Option<&'a SoapClients>,
) -> Result<(SweepPlan, PhoneFeed<'a>)> {
    let (phones, feed) = match (&args.inventory, cluster, clients) {
        (Some(path), _, _) => (PhoneSource::InventoryCsv(path.clone()), PhoneFeed::none()),
        (None, Some(cluster), Some(clients)) => {
            let (found, feed) = inventory::discover_feed(clients, cluster.cluster.phone_http_port)
                .await
                .context("cannot list the phones")?;
            (PhoneSource::Discovered(found), feed)
        }
        (None, _, _) => bail!("give --cluster or --inventory"),
    };
    Ok((assemble(cluster, phones, transport)?, feed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_offsets() {
        for (text, secs) in [
            ("0", 0),
            ("Z", 0),
            ("+02:00", 7_200),
            ("-05:00", -18_000),
            ("+05:30", 19_800),
            ("-12", -43_200),
            ("+14:00", 50_400),
        ] {
            assert_eq!(parse_utc_offset(text), Ok(secs), "{text}");
        }
        for bad in [
            "",
            "2",
            "+",
            "+15:00",
            "-13:00",
            "+1:60",
            "+02:00:00",
            "+aa",
            "+123",
        ] {
            assert!(parse_utc_offset(bad).is_err(), "{bad:?}");
        }
    }
}
