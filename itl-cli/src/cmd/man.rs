//! `itl man [--out DIR]`: the manual page `itl.1` (roff) on standard output, or written with
//! one page per subcommand (`itl-sweep.1`, `itl-sim-serve.1`…) into a folder.
//!
//! ```text
//! itl man | man -l -
//! sudo itl man --out /usr/local/share/man/man1
//! ```

use crate::exit;
use anyhow::{Context, Result};
use clap_mangen::Man;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `itl man`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write `itl.1` and one page per subcommand into this folder (created if missing)
    /// instead of printing `itl.1`.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Prints or writes the pages of `command` (the whole `itl` command line).
pub fn run(args: Args, command: clap::Command) -> Result<u8> {
    // No `itl help` page: `--help` is the same text; built, the subcommands know their full
    // names (`itl-sim-serve`), which name their pages.
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let Some(dir) = args.out else {
        let mut page = Vec::new();
        man(command)
            .render(&mut page)
            .context("cannot render the manual page")?;
        std::io::stdout()
            .lock()
            .write_all(&page)
            .context("cannot write the manual page")?;
        return Ok(exit::OK);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    write_pages(command, &dir, &mut written)
        .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
    eprintln!(
        "wrote {} manual pages into {}",
        written.len(),
        dir.display()
    );
    Ok(exit::OK)
}

/// The page of `command`, after those of its visible subcommands, depth first.
fn write_pages(
    command: clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub.clone(), dir, written)?;
    }
    written.push(man(command).generate_to(dir)?);
    Ok(())
}

/// The page of `command`, every page naming the same source (`itl 0.1.0`).
fn man(command: clap::Command) -> Man {
    Man::new(command).source(concat!("itl ", env!("CARGO_PKG_VERSION")))
}
