//! `itl plan suggest --cluster cluster.toml [--sweep SWEEP.json]`: the safe order for
//! regenerating every certificate unit of this cluster (its generation, mixed or not), with
//! the gates between the phases, checked by the predictor: no phone that stays registered
//! may be rejected at any step or after the plan. Without a sweep the served lists are
//! fetched from every TFTP node (HTTP 6970, else TFTP) and the check runs on one phone per
//! (TFTP node, TVS node) pair. Exit 0 when the check passes, 1 when it does not.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use itl_core::predict::{PredictOptions, phone_classes, predict, suggest};
use itl_core::trust::Verdict;
use itl_cucm::fetch::{FetchOptions, Fetcher};
use itl_cucm::plan_input::{ServedLists, cluster_model};
use itl_cucm::served::cluster_served_lists;
use itl_wire::cluster_file::ClusterFile;

use crate::cluster_args::ClusterArgs;
use crate::exit;
use crate::input::display;
use crate::sweep_args::SweepPhonesArgs;

/// Arguments of `itl plan`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(clap::Subcommand, Debug)]
enum PlanCommand {
    /// Print the safe order for regenerating every unit of the cluster, checked by the
    /// predictor: with --sweep on the sweep's registered phones, otherwise on one phone per
    /// (TFTP node, TVS node) pair with the lists every TFTP node serves now.
    Suggest(SuggestArgs),
}

#[derive(clap::Args, Debug)]
struct SuggestArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    #[command(flatten)]
    phones: SweepPhonesArgs,
    /// Also write the plan file here.
    #[arg(long, value_name = "PLAN")]
    out: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    match args.command {
        PlanCommand::Suggest(a) => suggest_cmd(a),
    }
}

/// What every TFTP node of the cluster serves (HTTP 6970, else TFTP; 10 s per file).
fn fetch_served(file: &ClusterFile) -> Result<Vec<ServedLists>> {
    let mut opts = FetchOptions::default();
    opts.tftp.deadline = Duration::from_secs(10);
    opts.http.timeout = Duration::from_secs(10);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the I/O runtime")?;
    let fetcher = Fetcher::new(opts).context("cannot set up the HTTP client")?;
    Ok(rt.block_on(cluster_served_lists(file, &fetcher))?)
}

fn suggest_cmd(a: SuggestArgs) -> Result<u8> {
    let file = a.cluster.require()?;
    let mut left_out = 0usize;
    let (cluster, phones, notes) = match &a.phones.sweep {
        Some(sweep) => {
            let (_, inputs) = a.phones.inputs(&file, sweep)?;
            let registered = inputs.phones.iter().filter(|p| p.on).count();
            let phones = inputs
                .phones
                .into_iter()
                .filter(|p| p.on && p.trust.is_some())
                .collect::<Vec<_>>();
            left_out = registered - phones.len();
            (inputs.cluster, phones, inputs.notes)
        }
        None => {
            let served = fetch_served(&file)?;
            let (cluster, notes) = cluster_model(&file, &served, &a.phones.options())?;
            let phones = phone_classes(&cluster);
            (cluster, phones, notes)
        }
    };
    if phones.is_empty() {
        bail!("no phone to check the plan with (no registered phone with a known ITL)");
    }
    for n in &notes {
        eprintln!("note: {n}");
    }
    let suggestion = suggest(&cluster);
    let text = suggestion.to_text();
    let plan = suggestion.numbered_plan();
    let now = super::verify::system_now()?;
    let prediction = predict(&cluster, &phones, &plan, &PredictOptions::at(now))?;
    println!(
        "# safe order for cluster {} ({}, {})",
        file.cluster.name,
        cluster.generation,
        if cluster.mixed { "mixed" } else { "non-secure" }
    );
    print!("{text}");
    let rejected = prediction.rejections_of_phones_on();
    if left_out > 0 {
        println!(
            "\n# note: {left_out} registered phone(s) of the sweep could not be assessed (trust lists not read or not archived) and are not in the check; --assume-current checks them as holding what their TFTP node serves"
        );
    }
    if !prediction.risks.is_empty() {
        println!(
            "\n# risk: {} phone(s) take a list only because TVS vouches for a new ITLRecovery (unverified in Cisco's documents)",
            prediction.risks.len()
        );
    }
    let mut tvs = 0usize;
    for p in &prediction.phones {
        if p.steps.iter().any(|s| s.verdict == Verdict::AcceptViaTvs)
            || p.final_verdict.verdict == Verdict::AcceptViaTvs
        {
            tvs += 1;
        }
    }
    if let Some(out) = &a.out {
        std::fs::write(out, &text).with_context(|| format!("cannot write {}", display(out)))?;
        eprintln!("wrote {}", display(out));
    }
    if rejected == 0 {
        println!(
            "\n# checked by the predictor: {} phone(s) registered throughout, 0 rejected at any step or after the plan ({} took a new ITL through TVS)",
            phones.len(),
            tvs
        );
        Ok(exit::OK)
    } else {
        println!(
            "\n# CHECK FAILED: {rejected} of {} phone(s) registered throughout would be rejected:",
            phones.len()
        );
        for s in &prediction.steps {
            if !s.rejected.is_empty() {
                println!(
                    "#   step {} ({}): {} rejected",
                    s.index,
                    s.step,
                    s.rejected.len()
                );
            }
        }
        Ok(exit::FOUND)
    }
}
