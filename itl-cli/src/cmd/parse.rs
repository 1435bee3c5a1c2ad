//! `itl parse FILE... [--json]`.

use crate::exit;
use crate::input::{display, modified_secs, read_input};
use anyhow::Result;
use itl_core::UnixTime;
use itl_core::render::{RenderOptions, render};
use itl_core::summary::ListSummary;
use itl_core::{TrustList, signature};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `itl parse`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Trust-list files (`-` reads standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print a JSON array with one object per file instead of `show itl` text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct FileSummary {
    path: String,
    #[serde(flatten)]
    list: ListSummary,
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    let mut code = exit::OK;
    let mut summaries = Vec::new();
    let mut first = true;
    for path in &args.files {
        let name = display(path);
        let bytes = match read_input(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("itl: {e:#}");
                code = exit::FAILURE;
                continue;
            }
        };
        let list = match TrustList::parse(&bytes) {
            Ok(list) => list,
            Err(e) => {
                eprintln!("itl: {name}: {e}");
                code = exit::FAILURE;
                continue;
            }
        };
        if args.json {
            summaries.push(FileSummary {
                path: name,
                list: ListSummary::of(&list),
            });
        } else {
            if !first {
                println!();
            }
            first = false;
            if args.files.len() > 1 {
                println!("==> {name} <==");
            }
            let options = RenderOptions {
                modified: modified_secs(path).map(|s| UnixTime::from_secs_u64(s).to_cli_date()),
                verified: Some(signature::verify_self_signed(&list)),
            };
            print!("{}", render(&list, &options));
            for warning in list.warnings() {
                eprintln!("itl: {name}: warning: {warning}");
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    }
    Ok(code)
}
