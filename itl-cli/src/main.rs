//! `itl`: a toolkit for Cisco CUCM ITL/CTL trust lists.
//!
//! The binary only parses arguments, builds a configuration, calls one library function and
//! prints. Exit codes: 0 success, 1 the input has the problems the command exists to find,
//! 2 the command could not do its job (bad or unreadable input, usage).

mod cluster_args;
mod cmd;
mod color;
mod exit;
mod input;
mod logging;
mod output;
mod present;
mod sweep_args;

use clap::{CommandFactory, Parser, Subcommand};
use color::{ColorWhen, Colors};
use std::process::ExitCode;

/// Cisco CUCM ITL/CTL trust-list toolkit.
#[derive(Parser, Debug)]
#[command(name = "itl", version, about, long_about = None)]
struct Cli {
    /// More log lines on stderr: -v info, -vv debug, -vvv trace (RUST_LOG, when set, wins).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or
    /// never.
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto,
        global = true
    )]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Cluster files: `itl cluster init --publisher HOST` onboards a cluster (trusted
    /// certificates, AXL schema, nodes, services, SSH host keys).
    Cluster(cmd::cluster::Args),
    /// Parse trust-list files and print them as `show itl` / `show ctl` does, or as JSON.
    Parse(cmd::parse::Args),
    /// Download trust files by URL, or fetch and check the set a phone gets from a TFTP node.
    Fetch(cmd::fetch::Args),
    /// Verify trust lists: signature, records, list rules, and optionally the cluster's
    /// current certificates.
    Verify(cmd::verify::Args),
    /// Run a simulated CUCM cluster and phone fleet on loopback (`itl sim serve`), or apply
    /// a plan to one and record what every phone did (`itl sim replay`).
    Sim(cmd::sim::Args),
    /// Start a simulated cluster, fetch and verify every TFTP node's ITL, show the phones.
    Demo(cmd::demo::Args),
    /// Read every phone's trust state from its web pages and compare it with what its TFTP
    /// server serves; reports as tables, JSON, CSV and HTML.
    Sweep(cmd::sweep::Args),
    /// Run the pre-change checklist against a cluster (parameters, replication, backups,
    /// show itl / show ctl on every TFTP node, services, certificates, phones), with evidence.
    Preflight(cmd::preflight::Args),
    /// Compare two sweep reports: changed phones, new problems, recovered phones, counts.
    Diff(cmd::diff::Args),
    /// Predict, per phone, whether a planned certificate change will lock it out.
    Predict(cmd::predict::Args),
    /// Plans: `itl plan suggest` prints the safe order for this cluster, checked by the
    /// predictor.
    Plan(cmd::plan::Args),
    /// Regenerate certificates: `itl regen plan` writes the plan for this cluster from its
    /// facts (phases, gates, expected durations).
    Regen(cmd::regen::Args),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(cmd::completions::Args),
    /// Print the manual page `itl.1`, or write it and one page per subcommand into a folder.
    Man(cmd::man::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(exit::USAGE),
            };
        }
    };
    // Decided once, then handed to what prints tables; the log lines and progress bars take
    // theirs here.
    let colors = Colors::detect(cli.color);
    colors.apply_to_progress_bars();
    logging::init(cli.verbose, colors.stderr);
    let outcome = match cli.command {
        Command::Cluster(args) => cmd::cluster::run(args),
        Command::Parse(args) => cmd::parse::run(args),
        Command::Fetch(args) => cmd::fetch::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Sim(args) => cmd::sim::run(args, colors),
        Command::Demo(args) => cmd::demo::run(args, colors),
        Command::Sweep(args) => cmd::sweep::run(args, colors),
        Command::Preflight(args) => cmd::preflight::run(args, colors),
        Command::Diff(args) => cmd::diff::run(args),
        Command::Predict(args) => cmd::predict::run(args, colors),
        Command::Plan(args) => cmd::plan::run(args),
        Command::Regen(args) => cmd::regen::run(args),
        Command::Completions(args) => cmd::completions::run(args, Cli::command()),
        Command::Man(args) => cmd::man::run(args, Cli::command()),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("itl: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}
