//! `itl predict`: what a planned certificate change will do to every phone.
//!
//! * `itl predict --cluster cluster.toml --sweep SWEEP.json --plan PLAN [--json FILE]`: per
//!   step the phones per verdict and the phones rejected there; after the plan (every phone
//!   on and reset once) the final verdicts. Exit 1 when any phone would end rejected or
//!   could not be assessed (`--assume-current` assesses unread phones as current).
//! * `itl predict --current ITL.tlv [--ctl CTL.tlv] --next ITL.tlv [--next-ctl CTL.tlv]
//!   [--tvs-cert PEM]...`: one phone, offline, with the reason chain.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use comfy_table::{Table, presets};
use itl_core::plan::Plan;
use itl_core::predict::{PredictOptions, Prediction, predict};
use itl_core::trust::{
    DownloadContext, PhoneTrust, TrustCache, TvsServer, Verdict, download_files,
};
use itl_core::{Function, ListKind, UnixTime};
use itl_cucm::plan_input::capabilities;
use itl_wire::cluster_file::ClusterFile;

use crate::cluster_args::ClusterArgs;
use crate::color::Colors;
use crate::exit;
use crate::input::{display, read_input};
use crate::sweep_args::SweepPhonesArgs;

/// Arguments of `itl predict`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    cluster: ClusterArgs,
    #[command(flatten)]
    phones: SweepPhonesArgs,
    /// The plan: one step per line (see the README).
    #[arg(long, value_name = "PLAN")]
    plan: Option<PathBuf>,
    /// Write the prediction, with every phone's verdict at each step, as JSON (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Phones listed per step and at the end (0: none).
    #[arg(long, value_name = "N", default_value_t = 10)]
    list: usize,
    /// When the plan starts (TVS cache expiry), instead of now: RFC 3339, e.g.
    /// `2026-01-01T00:00:00Z`, or a date, `2026-01-01`, meaning midnight UTC.
    #[arg(long, value_name = "RFC3339", value_parser = UnixTime::parse_time_or_date)]
    now: Option<UnixTime>,

    /// Offline: the ITL the phone holds now.
    #[arg(
        long,
        value_name = "ITL.tlv",
        requires = "next",
        conflicts_with = "cluster"
    )]
    current: Option<PathBuf>,
    /// Offline: the CTL the phone holds now.
    #[arg(long, value_name = "CTL.tlv", requires = "current")]
    ctl: Option<PathBuf>,
    /// Offline: the ITL its TFTP server will serve.
    #[arg(long, value_name = "ITL.tlv", requires = "current")]
    next: Option<PathBuf>,
    /// Offline: the CTL its TFTP server will serve.
    #[arg(long, value_name = "CTL.tlv", requires = "current")]
    next_ctl: Option<PathBuf>,
    /// Offline: the certificate a TVS of the phone's CallManager group presents (repeat for
    /// each); the TVS vouches for the SAST and CallManager certificates of the next lists.
    #[arg(long, value_name = "PEM")]
    tvs_cert: Vec<PathBuf>,
    /// Offline: the phone model (7940/7960 do not use TVS).
    #[arg(long, value_name = "MODEL", default_value = "CP-8841")]
    model: String,
}

/// Runs the command.
pub fn run(args: Args, colors: Colors) -> Result<u8> {
    if args.current.is_some() {
        return offline(&args);
    }
    let (Some(cluster), Some(sweep), Some(plan)) =
        (&args.cluster.cluster, &args.phones.sweep, &args.plan)
    else {
        bail!(
            "give --cluster, --sweep and --plan, or --current and --next (see `itl predict --help`)"
        );
    };
    let plan = load_plan(plan)?;
    let cluster_file = ClusterFile::load(cluster)?;
    let (report, inputs) = args.phones.inputs(&cluster_file, sweep)?;
    let nodes: Vec<&str> = inputs
        .cluster
        .nodes
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    let mut pools: Vec<&str> = inputs
        .phones
        .iter()
        .filter_map(|p| p.device_pool.as_deref())
        .collect();
    pools.sort_unstable();
    pools.dedup();
    plan.check_names(&nodes, &pools).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            display(args.plan.as_deref().unwrap_or(Path::new("plan"))),
            e
        )
    })?;
    let prediction = predict(
        &inputs.cluster,
        &inputs.phones,
        &plan,
        &PredictOptions::at(now(&args)?),
    )?;
    for note in &inputs.notes {
        eprintln!("note: {note}");
    }
    println!(
        "cluster {} ({}, {}), {} phones, plan of {} steps",
        report.cluster.name.as_deref().unwrap_or("?"),
        inputs.cluster.generation,
        if inputs.cluster.mixed {
            "mixed"
        } else {
            "non-secure"
        },
        inputs.phones.len(),
        plan.steps().len()
    );
    print!("{}", render(&prediction, args.list, colors));
    if let Some(path) = &args.json {
        write_json(path, &prediction)?;
    }
    Ok(
        if prediction.any_final_reject() || prediction.any_not_assessed() {
            exit::FOUND
        } else {
            exit::OK
        },
    )
}

/// `--now`, else the system clock.
fn now(args: &Args) -> Result<UnixTime> {
    match args.now {
        Some(now) => Ok(now),
        None => super::verify::system_now(),
    }
}

/// Reads and parses a plan file; errors name the file and the lines.
pub fn load_plan(path: &Path) -> Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the plan {}", display(path)))?;
    Plan::parse(&text).map_err(|e| {
        let lines: Vec<String> = e
            .errors
            .iter()
            .map(|l| format!("{}:{}: {}", display(path), l.line, l.message))
            .collect();
        anyhow::anyhow!("bad plan\n{}", lines.join("\n"))
    })
}

fn write_json(path: &Path, prediction: &Prediction) -> Result<()> {
    let text = serde_json::to_string_pretty(prediction).context("cannot serialise")?;
    if path == Path::new("-") {
        println!("{text}");
    } else {
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", display(path)))?;
        eprintln!("wrote {}", display(path));
    }
    Ok(())
}

fn count_cells(counts: &BTreeMap<Verdict, usize>) -> Vec<String> {
    Verdict::ALL
        .iter()
        .map(|v| counts.get(v).copied().unwrap_or(0).to_string())
        .collect()
}

/// The per-step table, the final counts and the phones at risk.
pub fn render(p: &Prediction, list: usize, colors: Colors) -> String {
    let mut t = Table::new();
    t.load_style(presets::ASCII_FULL_CONDENSED);
    colors.table(&mut t);
    let mut header = vec!["#".to_owned(), "step".to_owned()];
    header.extend(Verdict::ALL.iter().map(|v| v.name().to_owned()));
    t.set_header(header);
    for s in &p.steps {
        let mut row = vec![s.index.to_string(), s.step.clone()];
        row.extend(count_cells(&s.counts));
        t.add_row(row);
    }
    let mut row = vec![
        String::new(),
        "after the plan (all on, reset once)".to_owned(),
    ];
    row.extend(count_cells(&p.final_counts));
    t.add_row(row);
    let mut out = format!("{t}\n");
    let names = |v: &[String]| -> String {
        let mut s = v.iter().take(list).cloned().collect::<Vec<_>>().join(", ");
        if v.len() > list {
            s.push_str(&format!(", … ({} more)", v.len() - list));
        }
        s
    };
    for s in &p.steps {
        if !s.rejected.is_empty() {
            out.push_str(&format!(
                "step {} ({}): {} phone(s) rejected{}\n",
                s.index,
                s.step,
                s.rejected.len(),
                if list > 0 {
                    format!(": {}", names(&s.rejected))
                } else {
                    String::new()
                }
            ));
            if let Some(first) = p.phones.iter().find(|ph| {
                ph.steps
                    .get(s.index - 1)
                    .is_some_and(|v| v.verdict == Verdict::Reject)
            }) && let Some(d) = &first.steps[s.index - 1].detail
            {
                out.push_str(&format!("  e.g. {}: {d}\n", first.name));
            }
        }
    }
    if !p.at_risk_off.is_empty() {
        out.push_str(&format!(
            "at risk because off during the plan: {} phone(s) end rejected{}\n",
            p.at_risk_off.len(),
            if list > 0 {
                format!(": {}", names(&p.at_risk_off))
            } else {
                String::new()
            }
        ));
    }
    let list_of = |v: &[String]| {
        if list > 0 {
            format!(": {}", names(v))
        } else {
            String::new()
        }
    };
    if !p.risks.is_empty() {
        out.push_str(&format!(
            "risk: {} phone(s) rest on an unverified rule{}\n",
            p.risks.len(),
            list_of(&p.risks)
        ));
        if let Some((name, risk)) = p
            .phones
            .iter()
            .find_map(|ph| ph.risk().map(|r| (ph.name.as_str(), r)))
        {
            out.push_str(&format!("  e.g. {name}: {risk}\n"));
        }
    }
    if !p.assumed.is_empty() {
        out.push_str(&format!(
            "assumed: {} phone(s) were not read; taken to hold what their TFTP node serves now{}\n",
            p.assumed.len(),
            list_of(&p.assumed)
        ));
    }
    if !p.not_assessed.is_empty() {
        out.push_str(&format!(
            "{} phones not assessed: their trust lists could not be read (--assume-current assesses them as holding what their TFTP node serves){}\n",
            p.not_assessed.len(),
            list_of(&p.not_assessed)
        ));
    }
    if p.final_rejected.is_empty() {
        out.push_str(if p.not_assessed.is_empty() {
            "no phone ends rejected\n"
        } else {
            "no assessed phone ends rejected\n"
        });
    } else {
        out.push_str(&format!(
            "{} phone(s) end rejected: their trust lists must be erased by hand\n",
            p.final_rejected.len()
        ));
    }
    out
}

fn read_list(
    path: &Path,
    kind: ListKind,
    cache: &TrustCache,
) -> Result<Arc<itl_core::trust::TrustFile>> {
    let bytes = read_input(path)?;
    let file = cache
        .file(&bytes)
        .with_context(|| format!("{} is not a trust list", display(path)))?;
    if file.kind() != Some(kind) {
        let article = |k: Option<ListKind>| if k == Some(ListKind::Itl) { "an" } else { "a" };
        bail!(
            "{} is {} {}, not {} {kind}",
            display(path),
            article(file.kind()),
            ListKind::name_or_unknown(file.kind()),
            article(Some(kind))
        );
    }
    Ok(file)
}

fn offline(args: &Args) -> Result<u8> {
    let cache = TrustCache::new();
    let (Some(current), Some(next)) = (&args.current, &args.next) else {
        bail!("--current needs --next");
    };
    let current = read_list(current, ListKind::Itl, &cache)?;
    let next = read_list(next, ListKind::Itl, &cache)?;
    let ctl = args
        .ctl
        .as_deref()
        .map(|p| read_list(p, ListKind::Ctl, &cache))
        .transpose()?;
    let next_ctl = args
        .next_ctl
        .as_deref()
        .map(|p| read_list(p, ListKind::Ctl, &cache))
        .transpose()?;
    let vouched: Vec<_> = [Some(&next), next_ctl.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|f| {
            f.certs_with_roles(&[
                Function::Sast,
                Function::CcmTftp,
                Function::Tftp,
                Function::Capf,
            ])
            .map(|(_, c)| c.clone())
            .collect::<Vec<_>>()
        })
        .collect();
    let mut tvs = Vec::new();
    for (i, path) in args.tvs_cert.iter().enumerate() {
        let der = itl_cucm::cluster_certs::certificate_der(&read_input(path)?)
            .map_err(|e| anyhow::anyhow!("{}: not a PEM or DER certificate: {e}", display(path)))?;
        let mut server = TvsServer::from_der(&format!("tvs{}", i + 1), &der)
            .map_err(|e| anyhow::anyhow!("{}: {e}", display(path)))?;
        server.trust_sources = vouched.clone();
        tvs.push(server);
    }
    let caps = capabilities(Some(&args.model));
    let ctx = DownloadContext::new(&cache, now(args)?)
        .with_tvs(&tvs)
        .with_capabilities(&caps);
    let phone = PhoneTrust::with_files(ctl, Some(current));
    let result = download_files(&phone, next_ctl.as_ref(), Some(&next), &ctx);
    let verdict = Verdict::of(&result.ctl, &result.itl, None, None);
    if next_ctl.is_some() || args.ctl.is_some() {
        println!("CTL: {}", result.ctl);
    }
    println!("ITL: {}", result.itl);
    for m in &result.messages {
        println!("phone logs: {m}");
    }
    println!("verdict: {verdict}");
    Ok(if verdict.is_reject() {
        exit::FOUND
    } else {
        exit::OK
    })
}
