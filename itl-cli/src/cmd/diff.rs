//! `itl diff BEFORE.json AFTER.json [--json]`: phones that changed state between two sweeps,
//! new problems, recovered phones and the counts per state. Exit 0 when no phone became a
//! problem, 1 when some did, 2 when a report cannot be read.

use crate::exit;
use anyhow::{Context, Result};
use itl_cucm::sweep::{SweepReport, diff};
use std::path::PathBuf;

/// Arguments of `itl diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier sweep (`itl sweep --json`).
    #[arg(value_name = "BEFORE.json")]
    before: PathBuf,
    /// The later sweep.
    #[arg(value_name = "AFTER.json")]
    after: PathBuf,
    /// Print the difference as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    let before = SweepReport::load(&args.before).context("cannot read the earlier report")?;
    let after = SweepReport::load(&args.after).context("cannot read the later report")?;
    let d = diff(&before, &after);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&d).context("cannot serialise the difference")?
        );
    } else {
        print!("{}", d.to_text());
    }
    Ok(if d.no_new_problems() {
        exit::OK
    } else {
        exit::FOUND
    })
}
