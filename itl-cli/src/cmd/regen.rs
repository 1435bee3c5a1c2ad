//! `itl regen …`: the certificate-regeneration orchestrator.
//!
//! * `itl regen plan --cluster C [--sweep S] [--units LIST] [--out PLAN]`: gathers the
//!   preflight facts (release over the admin CLI, mixed mode, phone interaction and LSCs over
//!   AXL, services over Control Center, the cluster file's nodes) and prints the plan for this
//!   cluster (`itl_ops::regen::plan`), with comments naming each phase, its gates and its
//!   expected duration. Exit 0 with the plan, 2 when it cannot be written (bad cluster file,
//!   unreachable cluster, a fact that decides the procedure unknown).
//! * `itl regen run --cluster C --plan PLAN [--journal DIR] [--execute] [--yes] [--force
//!   REASON]`: a dry run by default (every step with the exact command it would send, every
//!   gate, and the predictor's verdict per phase; nothing is changed and no journal is
//!   written); with `--execute` the preflight first, then phase by phase with the gates, into
//!   an append-only journal (`itl_ops::regen::driver`). Exit 0 when the plan completed (or
//!   the dry run found nothing to refuse), 1 when refused or held at a gate, 2 when it could
//!   not run (bad input, unreachable cluster, no terminal for the questions).
//! * `itl regen resume --journal DIR`: continues a run from its journal (the journal holds
//!   the cluster file's path, the plan and the options; passwords are read again).
//! * `itl regen status --journal DIR`: what a run did and where it stands.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use itl_core::cucm::{CertUnit, Generation};
use itl_cucm::session::SessionOptions;
use itl_cucm::ssh::SshOptions;
use itl_cucm::sweep::SweepReport;
use itl_ops::preflight::{GatherOptions, SweepInput, gather};
use itl_ops::regen::plan::{RegenFacts, generate};

use crate::cluster_args::ClusterArgs;
use crate::exit;
use crate::input::display;

/// Arguments of `itl regen`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: RegenCommand,
}

#[derive(clap::Subcommand, Debug)]
enum RegenCommand {
    /// Write the regeneration plan for this cluster, from its facts: every phase named with
    /// its gates and expected duration.
    Plan(PlanArgs),
    /// Run a plan: a dry run by default; `--execute` performs it phase by phase with gates.
    Run(super::regen_run::RunArgs),
    /// Continue a run from its journal after an interruption, a hold or a refusal.
    Resume(super::regen_run::ResumeArgs),
    /// What a run did and where it stands.
    Status(super::regen_run::StatusArgs),
}

#[derive(clap::Args, Debug)]
struct PlanArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Count the phones from this sweep report when the database does not say (no sweep is
    /// run).
    #[arg(long, value_name = "SWEEP.json")]
    sweep: Option<PathBuf>,
    /// The units to regenerate, comma-separated (default: every unit); they are taken in the
    /// procedure's order whatever order they are given in.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_unit)]
    units: Vec<CertUnit>,
    /// Also write the plan here.
    #[arg(long, value_name = "PLAN")]
    out: Option<PathBuf>,
    /// The generation when the release cannot be read over the admin CLI.
    #[arg(long, value_name = "11.5|12+|14+")]
    generation: Option<Generation>,
    /// The platform (OS) administrator for the admin CLI (default: the cluster file's
    /// `os_user`, else `admin`; password as for `itl preflight`).
    #[arg(long, value_name = "USER")]
    os_user: Option<String>,
    /// Do not log in to the admin CLI (then --generation is needed).
    #[arg(long)]
    no_ssh: bool,
    /// Something else that depends on the cluster's certificates (an IM and Presence node,
    /// RADIUS, the SSO identity provider), named in the plan's comments; repeatable.
    #[arg(long, value_name = "TEXT")]
    dependant: Vec<String>,
}

pub(crate) fn parse_unit(text: &str) -> Result<CertUnit, String> {
    text.parse::<CertUnit>().map_err(|e| e.to_string())
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    match args.command {
        RegenCommand::Plan(a) => plan_cmd(a),
        RegenCommand::Run(a) => super::regen_run::run(a),
        RegenCommand::Resume(a) => super::regen_run::resume(a),
        RegenCommand::Status(a) => super::regen_run::status(a),
    }
}

fn plan_cmd(a: PlanArgs) -> Result<u8> {
    let file = a.cluster.require()?;
    let sweep = match &a.sweep {
        Some(path) => SweepInput::Report {
            report: Box::new(
                SweepReport::load(path)
                    .with_context(|| format!("cannot read the sweep {}", display(path)))?,
            ),
            source: display(path),
        },
        None => SweepInput::None,
    };
    let os = if a.no_ssh {
        None
    } else {
        super::preflight::os_credentials(&file.cluster, a.os_user.as_deref())?
    };
    let session = a.cluster.session(file.clone(), SessionOptions::default())?;
    let options = GatherOptions {
        ssh: SshOptions::default(),
        os,
        sweep,
        now: 0,
    };
    let runtime = super::runtime()?;
    let facts = runtime.block_on(gather(&session, &options));
    runtime.shutdown_timeout(Duration::from_secs(1));
    let mut regen =
        RegenFacts::from_preflight(&facts, &file, a.generation).context("cannot write the plan")?;
    regen.dependants = a.dependant.clone();
    let units = if a.units.is_empty() {
        CertUnit::ALL.to_vec()
    } else {
        a.units.clone()
    };
    let plan = generate(&regen, &units).context("cannot write the plan")?;
    print!("{}", plan.text);
    if let Some(out) = &a.out {
        std::fs::write(out, &plan.text)
            .with_context(|| format!("cannot write {}", display(out)))?;
        eprintln!("wrote {}", display(out));
    }
    Ok(exit::OK)
}
