//! `itl preflight --cluster FILE [--sweep SWEEP.json] [--max-backup-age 7d] [--json F]
//! [--html F]`.
//!
//! Runs the checklist of `trust-and-procedure.md` §4 against a cluster: database parameters
//! over AXL, services over Control Center, the admin CLI over SSH on every node at the same
//! time (the OS administrator: the cluster file's `os_user` and `os_password_env`), what every TFTP
//! node serves, and the phones (the sweep given, or one run now). Prints one table per check,
//! writes JSON and HTML, and archives every TFTP node's `show itl` / `show ctl` output and
//! served files hash-keyed beside the report. Exit 0 when no check fails (warnings and skips
//! included), 1 when one fails, 2 when the preflight could not run.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use itl_cucm::secrets::{SecretError, SecretSource, read_secret};
use itl_cucm::session::SessionOptions;
use itl_cucm::ssh::SshOptions;
use itl_cucm::sweep::{SweepOptions, SweepReport};
use itl_ops::preflight::{GatherOptions, OsCredentials, SweepInput, Thresholds, write_archive};

use crate::cluster_args::ClusterArgs;
use crate::color::Colors;
use crate::exit;
use crate::output::{report_dir, write_file};
use crate::present;

/// Arguments of `itl preflight`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Judge the phones from this sweep report instead of running a sweep now.
    #[arg(long, value_name = "SWEEP.json")]
    sweep: Option<PathBuf>,
    /// `backups` fails when the newest successful backup is older (`7d`, `36h`, `90m`).
    #[arg(long, value_name = "AGE", default_value = "7d", value_parser = parse_age)]
    max_backup_age: u64,
    /// `cert-expiry` warns when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    cert_warn_days: u32,
    /// The platform (OS) administrator for the admin CLI over SSH (default: the cluster
    /// file's `os_user`, else `admin`); the password comes from the cluster file's
    /// `os_password_file`, else the variable its `os_password_env` names (`ITL_OS_PASSWORD`).
    #[arg(long, value_name = "USER")]
    os_user: Option<String>,
    /// Do not log in to the admin CLI (its checks are skipped).
    #[arg(long)]
    no_ssh: bool,
    /// RisPort70 requests per minute for the sweep run now (0: unpaced, for simulators).
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=60))]
    risport_rate: u32,
    /// The archive folder (default: `preflight-archive` beside the reports).
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// Write the JSON report here (`-`: standard output; the tables then go to stderr).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// No tables.
    #[arg(long)]
    quiet: bool,
}

/// `7d`, `36h`, `90m`, `600s` or plain seconds → seconds.
fn parse_age(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || format!("`{text}` is not an age like 7d, 36h, 90m or 600s");
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let mul = match unit {
        "d" => 86_400,
        "h" => 3600,
        "m" => 60,
        "s" => 1,
        _ => return Err(bad()),
    };
    n.checked_mul(mul).filter(|s| *s > 0).ok_or_else(bad)
}

/// The OS administrator of `cluster` (user from `--os-user`, the file's `os_user`, else
/// `admin`). `None`, with a note, when no password is set (the admin-CLI checks are then
/// skipped); a named password file that cannot be used is an error.
pub(crate) fn os_credentials(
    cluster: &itl_wire::cluster_file::ClusterSection,
    user: Option<&str>,
) -> Result<Option<OsCredentials>> {
    let user = user
        .or(cluster.os_user.as_deref())
        .unwrap_or("admin")
        .to_owned();
    let source = SecretSource::os_password(cluster, &user);
    match read_secret(&source, None) {
        Ok(password) => Ok(Some(OsCredentials { user, password })),
        Err(SecretError::Missing(how)) => {
            eprintln!(
                "itl: note: no password for the platform administrator {user} ({how}): the admin-CLI checks are skipped"
            );
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Runs the command.
pub fn run(args: Args, colors: Colors) -> Result<u8> {
    let file = args.cluster.require()?;
    let mut session_options = SessionOptions::default();
    session_options.ris.per_minute = match args.risport_rate {
        0 => u32::MAX,
        n => n,
    };
    let cluster_section = file.cluster.clone();
    let session = args.cluster.session(file, session_options)?;
    let dir = report_dir([&args.json, &args.html]);
    let archive_dir = args
        .archive
        .clone()
        .unwrap_or_else(|| dir.join("preflight-archive"));
    let sweep = match &args.sweep {
        Some(path) => SweepInput::Report {
            report: Box::new(
                SweepReport::load(path)
                    .with_context(|| format!("cannot read the sweep {}", path.display()))?,
            ),
            source: path.display().to_string(),
        },
        None => SweepInput::Run {
            options: Box::new(SweepOptions::default()),
            archive: archive_dir.join("itl-archive"),
        },
    };
    let os = if args.no_ssh {
        None
    } else {
        os_credentials(&cluster_section, args.os_user.as_deref())?
    };
    let options = GatherOptions {
        ssh: SshOptions::default(),
        os,
        sweep,
        now: now_secs(),
    };
    let thresholds = Thresholds {
        cert_expiry_warn_secs: i64::from(args.cert_warn_days) * 86_400,
        max_backup_age_secs: i64::try_from(args.max_backup_age).unwrap_or(i64::MAX),
        ..Thresholds::default()
    };
    let runtime = super::runtime()?;
    let (mut report, facts) =
        runtime.block_on(itl_ops::preflight::run(&session, &options, &thresholds));
    runtime.shutdown_timeout(Duration::from_secs(1));
    report.archived = write_archive(&facts, &archive_dir)?
        .into_iter()
        .map(|line| format!("{}/{line}", archive_dir.display()))
        .collect();

    let to_stdout = present::json_report(args.json.as_deref(), || {
        report.to_json().context("cannot serialise the report")
    })?;
    if let Some(path) = &args.html {
        write_file(path, present::preflight::html(&report).as_bytes())?;
    }
    if !args.quiet {
        present::tables(colors, &present::preflight::tables(&report), to_stdout);
    }
    Ok(if report.any_failed() {
        exit::FOUND
    } else {
        exit::OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        for (text, secs) in [
            ("7d", 604_800),
            ("36h", 129_600),
            ("90m", 5400),
            ("600s", 600),
            ("45", 45),
        ] {
            assert_eq!(parse_age(text), Ok(secs), "{text}");
        }
        for bad in ["", "d", "7w", "-1d", "0d", "7 d", "99999999999999999999d"] {
            assert!(parse_age(bad).is_err(), "{bad:?}");
        }
    }
}
