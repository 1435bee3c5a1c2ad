//! `itl completions SHELL`: the shell's completion script for `itl`, on standard output.
//!
//! ```text
//! itl completions bash > ~/.local/share/bash-completion/completions/itl
//! itl completions zsh > ~/.zfunc/_itl
//! itl completions fish > ~/.config/fish/completions/itl.fish
//! ```

use crate::exit;
use anyhow::{Context, Result};
use std::io::Write;

/// Arguments of `itl completions`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the script for `command` (the whole `itl` command line).
pub fn run(args: Args, mut command: clap::Command) -> Result<u8> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "itl", &mut script);
    std::io::stdout()
        .lock()
        .write_all(&script)
        .context("cannot write the completion script")?;
    Ok(exit::OK)
}
