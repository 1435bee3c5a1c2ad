//! `itl regen run`, `itl regen resume`, `itl regen status` (see `cmd::regen`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use itl_core::cucm::Generation;
use itl_core::plan::{Plan, parse_duration};
use itl_core::predict::{PredictOptions, predict};
use itl_core::time::UnixTime;
use itl_cucm::plan_input::{PlanInputOptions, plan_inputs};
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_cucm::ssh::SshOptions;
use itl_cucm::sweep::{Archive, SweepOptions};
use itl_ops::preflight::{Facts, GatherOptions, SweepInput, Thresholds, gather, run_checks};
use itl_ops::regen::driver::hands::{Hands, HandsOptions};
use itl_ops::regen::driver::{Driver, DriverOptions, Operator, RunEnd, archive_dir, now};
use itl_ops::regen::forecast::forecast;
use itl_ops::regen::journal::{BackupTarget, Begin, JOURNAL_FORMAT, Journal, Record, StepOutcome};
use itl_ops::regen::plan::RegenFacts;
use itl_ops::regen::program::{ActionKind, Program};
use itl_ops::regen::refusal::refusals;
use itl_wire::cluster_file::ClusterFile;

use crate::cluster_args::ClusterArgs;
use crate::exit;

/// Arguments of `itl regen run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// The plan file (`itl regen plan --out`, or written by hand).
    #[arg(long, value_name = "PLAN")]
    plan: PathBuf,
    /// The journal folder (default: `itl-regen-<cluster>-<UTC time>` here).
    #[arg(long, value_name = "DIR")]
    journal: Option<PathBuf>,
    /// Perform the plan (without it: a dry run that changes nothing).
    #[arg(long)]
    execute: bool,
    /// Ask nothing before each phase (needed without a terminal).
    #[arg(long)]
    yes: bool,
    /// Run what would be refused (failing preflight checks, phases the predictor refuses,
    /// CA-signed certificates); the reason is recorded in the journal.
    #[arg(long, value_name = "REASON")]
    force: Option<String>,
    #[command(flatten)]
    tuning: Tuning,
}

/// Options a resumed run may also change.
#[derive(clap::Args, Debug, Clone)]
struct Tuning {
    /// Phones reset per AXL batch.
    #[arg(long, value_name = "N", default_value_t = 200)]
    reset_batch: usize,
    /// Pause between two reset batches (`30s`, `2m`).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_secs)]
    reset_interval: u64,
    /// How long a gate or a service may take before the run holds (`10m`).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_secs)]
    gate_timeout: u64,
    /// Multiply every wait and timeout by this factor (1 on a real cluster; the simulator's
    /// `--time-scale` on a simulated one).
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    wait_scale: f64,
    /// The generation when the release cannot be read over the admin CLI.
    #[arg(long, value_name = "11.5|12+|14+")]
    generation: Option<Generation>,
    /// The platform (OS) administrator (default: the cluster file's `os_user`, else `admin`).
    #[arg(long, value_name = "USER")]
    os_user: Option<String>,
    /// RisPort70 requests per minute (0: unpaced, for simulators).
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=60))]
    risport_rate: u32,
    /// The `backup` step starts a DRS backup to this SFTP server (else it waits for one
    /// taken another way).
    #[arg(long, value_name = "HOST", requires_all = ["backup_path", "backup_user"])]
    backup_server: Option<String>,
    /// The directory on the SFTP server.
    #[arg(long, value_name = "PATH")]
    backup_path: Option<String>,
    /// The SFTP user.
    #[arg(long, value_name = "USER")]
    backup_user: Option<String>,
}

/// Arguments of `itl regen resume`.
#[derive(clap::Args, Debug)]
pub struct ResumeArgs {
    /// The journal folder of the run.
    #[arg(long, value_name = "DIR")]
    journal: PathBuf,
    /// Ask nothing before each phase.
    #[arg(long)]
    yes: bool,
    /// Run what would be refused; recorded in the journal.
    #[arg(long, value_name = "REASON")]
    force: Option<String>,
    /// Accept any TLS certificate from the CUCM nodes (NOT verified).
    #[arg(long)]
    insecure: bool,
    /// Read the application user's password from this file.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// RisPort70 requests per minute (0: unpaced, for simulators).
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=60))]
    risport_rate: u32,
}

/// Arguments of `itl regen status`.
#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// The journal folder of the run.
    #[arg(long, value_name = "DIR")]
    journal: PathBuf,
}

fn parse_secs(text: &str) -> Result<u64, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

fn session_options(risport_rate: u32) -> SessionOptions {
    let mut o = SessionOptions::default();
    o.ris.per_minute = match risport_rate {
        0 => u32::MAX,
        n => n,
    };
    o
}

/// Gathers the preflight facts (with a sweep archived in `archive`) and what the plan needs.
fn facts_of(
    session: &ClusterSession,
    file: &ClusterFile,
    os: Option<itl_ops::preflight::OsCredentials>,
    generation: Option<Generation>,
    sweep: Option<&Path>,
) -> Result<(Facts, RegenFacts)> {
    let options = GatherOptions {
        ssh: SshOptions::default(),
        os,
        sweep: match sweep {
            Some(archive) => SweepInput::Run {
                options: Box::new(SweepOptions::default()),
                archive: archive.to_path_buf(),
            },
            None => SweepInput::None,
        },
        now: now().secs(),
    };
    let rt = super::runtime()?;
    let facts = rt.block_on(gather(session, &options));
    rt.shutdown_timeout(Duration::from_secs(1));
    let regen = RegenFacts::from_preflight(&facts, file, generation)
        .context("cannot read what the plan depends on")?;
    Ok((facts, regen))
}

fn read_plan(path: &Path) -> Result<(String, Plan)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the plan {}", path.display()))?;
    let plan = Plan::parse(&text).with_context(|| format!("plan {}", path.display()))?;
    Ok((text, plan))
}

fn program_of(plan: &Plan, facts: &RegenFacts) -> Result<Program> {
    Program::build(plan, facts).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "the plan cannot run on cluster {}:\n  {}",
            facts.cluster,
            lines.join("\n  ")
        )
    })
}

fn describe(facts: &RegenFacts) -> String {
    format!(
        "{}, {}, phone interaction {}",
        facts.generation,
        if facts.mixed {
            "mixed mode"
        } else {
            "non-secure"
        },
        if facts.automatic_phone_interaction {
            "automatic"
        } else {
            "manual"
        }
    )
}

/// `itl regen run`.
pub fn run(a: RunArgs) -> Result<u8> {
    let cluster_path = a.cluster.cluster.clone().context("give --cluster FILE")?;
    let file = a.cluster.require()?;
    let (plan_text, plan) = read_plan(&a.plan)?;
    if a.execute && !a.yes && !std::io::stdin().is_terminal() {
        eprintln!(
            "itl: regen run --execute asks before each phase, but there is no terminal: give --yes to run without questions"
        );
        return Ok(exit::FAILURE);
    }
    let session = a
        .cluster
        .session(file.clone(), session_options(a.tuning.risport_rate))?;
    let os = super::preflight::os_credentials(&file.cluster, a.tuning.os_user.as_deref())?;
    let scratch = std::env::temp_dir().join(format!("itl-regen-dry-{}", std::process::id()));
    let (facts, regen) = facts_of(
        &session,
        &file,
        os.clone(),
        a.tuning.generation,
        Some(&scratch),
    )?;
    let program = program_of(&plan, &regen)?;
    if !a.execute {
        let code = dry_run(
            backup_target(&a.tuning).as_ref(),
            &a.plan,
            &plan,
            &program,
            &regen,
            &facts,
            &file,
            &scratch,
        );
        let _ = std::fs::remove_dir_all(&scratch);
        return code;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let Some(os) = os else {
        bail!(
            "--execute needs the platform administrator's password (the cluster file's os_password_env or os_password_file)"
        );
    };
    // The preflight first.
    let checks = run_checks(&facts, &Thresholds::default());
    let mut notes = Vec::new();
    for refusal in refusals(&checks, &facts, &program) {
        let (what, list) = (refusal.what, refusal.items);
        match &a.force {
            Some(reason) => notes.push(format!(
                "forced ({reason}) past {what}: {}",
                list.join("; ")
            )),
            None => {
                eprintln!("itl: refused: {what}:");
                for l in list.iter() {
                    eprintln!("  {l}");
                }
                eprintln!("  fix them (see `itl preflight`) or give --force REASON");
                return Ok(exit::FOUND);
            }
        }
    }
    let journal_dir = a.journal.clone().unwrap_or_else(|| {
        let stamp: String = now()
            .to_rfc3339()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        PathBuf::from(format!("itl-regen-{}-{stamp}", file.cluster.name))
    });
    let begin = Begin {
        format: JOURNAL_FORMAT,
        at: now(),
        cluster: file.cluster.name.clone(),
        cluster_file: absolute(&cluster_path)?,
        plan_file: absolute(&a.plan)?,
        plan: plan_text,
        reset_batch: a.tuning.reset_batch,
        reset_interval_secs: a.tuning.reset_interval,
        yes: a.yes,
        force: a.force.clone(),
        wait_scale: a.tuning.wait_scale,
        gate_timeout_secs: a.tuning.gate_timeout,
        os_user: Some(os.user.clone()),
        generation: a.tuning.generation,
        backup: backup_target(&a.tuning),
    };
    let mut journal = Journal::create(&journal_dir, begin.clone())
        .with_context(|| format!("cannot start the journal in {}", journal_dir.display()))?;
    for text in notes
        .into_iter()
        .chain(regen.notes.iter().cloned())
        .chain(program.notes.iter().cloned())
    {
        journal.append(Record::Note { at: now(), text })?;
    }
    eprintln!(
        "itl: journal {} (continue it with `itl regen resume --journal {}`)",
        journal_dir.display(),
        journal_dir.display()
    );
    drive(
        session, os, regen, plan, program, journal, &begin, a.yes, a.force,
    )
}

fn backup_target(t: &Tuning) -> Option<BackupTarget> {
    Some(BackupTarget {
        server: t.backup_server.clone()?,
        path: t.backup_path.clone()?,
        user: t.backup_user.clone()?,
        features: vec!["UCM".into()],
    })
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

#[allow(clippy::too_many_arguments)]
fn drive(
    session: ClusterSession,
    os: itl_ops::preflight::OsCredentials,
    regen: RegenFacts,
    plan: Plan,
    program: Program,
    journal: Journal,
    begin: &Begin,
    yes: bool,
    force: Option<String>,
) -> Result<u8> {
    let dir = journal.dir().to_path_buf();
    let options = DriverOptions {
        reset_batch: begin.reset_batch,
        reset_interval: Duration::from_secs(begin.reset_interval_secs),
        wait_scale: begin.wait_scale,
        gate_timeout: Duration::from_secs(begin.gate_timeout_secs),
        poll: Duration::from_secs(5),
        yes,
        force,
        sweep: SweepOptions::default(),
        archive: archive_dir(&dir),
        backup: begin.backup.clone(),
    };
    let hands = Hands::new(
        session,
        HandsOptions {
            ssh: SshOptions::default(),
            os,
        },
    );
    let mut operator = Terminal::new();
    let rt = super::runtime()?;
    let end = rt.block_on(async {
        let mut driver = Driver::new(hands, regen, plan, program, journal, options, &mut operator);
        driver.run().await
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    let end = end?;
    Ok(match end {
        RunEnd::Finished => {
            eprintln!("itl: the plan completed; journal {}", dir.display());
            exit::OK
        }
        RunEnd::Held {
            step,
            reason,
            what_to_do,
        } => {
            eprintln!("itl: HELD at {step}: {reason}");
            for w in what_to_do {
                eprintln!("  - {}", w.replace("DIR", &dir.display().to_string()));
            }
            exit::FOUND
        }
        RunEnd::Refused { phase, rejected } => {
            eprintln!(
                "itl: REFUSED phase {phase}: {} phone(s) that are on would be left rejecting the cluster{}",
                rejected.len(),
                if rejected.is_empty() {
                    String::new()
                } else {
                    format!(
                        ": {}",
                        rejected
                            .iter()
                            .take(20)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
            eprintln!(
                "  change the plan (see `itl plan suggest`), or run it anyway with `itl regen resume --journal {} --force REASON`",
                dir.display()
            );
            exit::FOUND
        }
        RunEnd::Declined { phase } => {
            eprintln!(
                "itl: stopped before phase {phase}; continue with `itl regen resume --journal {}`",
                dir.display()
            );
            exit::FOUND
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn dry_run(
    backup: Option<&BackupTarget>,
    plan_path: &Path,
    plan: &Plan,
    program: &Program,
    regen: &RegenFacts,
    facts: &Facts,
    file: &ClusterFile,
    archive: &Path,
) -> Result<u8> {
    let mut out = String::new();
    out.push_str(&format!(
        "Dry run of {} on cluster {} ({}): {} phases, {} actions. Nothing is changed.\n",
        plan_path.display(),
        regen.cluster,
        describe(regen),
        program.phases.len(),
        program.actions().count()
    ));
    for n in regen.notes.iter().chain(&program.notes) {
        out.push_str(&format!("note: {n}\n"));
    }
    let phases = plan.phases(regen.generation, regen.automatic_phone_interaction);
    let forecasts = match &facts.sweep {
        Ok(sweep) => {
            let archive = Archive::open(archive).context("the sweep's archive")?;
            let options = PlanInputOptions {
                generation: Some(regen.generation),
                automatic_phone_interaction: regen.automatic_phone_interaction,
                assume_current: true,
            };
            let inputs = plan_inputs(file, &sweep.value, &archive, &options)
                .context("cannot build the predictor's inputs from the sweep")?;
            let prediction = predict(
                &inputs.cluster,
                &inputs.phones,
                plan,
                &PredictOptions::at(now()),
            )
            .context("the predictor failed")?;
            let unprotected: Vec<&String> = prediction
                .not_assessed
                .iter()
                .chain(&prediction.assumed)
                .chain(&prediction.at_risk_off)
                .collect();
            if !unprotected.is_empty() {
                out.push_str(&format!(
                    "note: {} phone(s) cannot be protected by the gates (their trust lists could not be read, they are assumed to hold what their TFTP node serves; or they are off): {}{}\n",
                    unprotected.len(),
                    unprotected
                        .iter()
                        .take(20)
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if unprotected.len() > 20 { ", …" } else { "" }
                ));
            }
            Some(forecast(&prediction, &phases))
        }
        Err(m) => {
            out.push_str(&format!("note: no prediction: {}\n", m.reason));
            None
        }
    };
    if program
        .actions()
        .any(|(_, a)| matches!(a.kind, ActionKind::Backup { .. }))
        && backup.is_none()
    {
        out.push_str("note: without --backup-server the `backup` step starts no backup: it waits for a successful DRS backup taken another way (Disaster Recovery System > Backup)\n");
    }
    let mut refused = false;
    for phase in &program.phases {
        let verdict = match forecasts
            .as_ref()
            .and_then(|f| f.iter().find(|f| f.phase == phase.number))
        {
            Some(f) if f.safe() => format!(
                "predicted safe: {} phone(s) accept, {} not assessed",
                f.accepted, f.unknown
            ),
            Some(f) => {
                refused = true;
                format!(
                    "REFUSED: {} phone(s) that are on would be left rejecting: {}",
                    f.rejected.len(),
                    f.rejected
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            None => "not predicted".into(),
        };
        out.push_str(&format!("\nphase {} — {verdict}\n", phase.number));
        for a in &phase.actions {
            out.push_str(&format!("  {:<14} {}\n", a.id, a.kind.command()));
        }
    }
    print!("{out}");
    Ok(if refused { exit::FOUND } else { exit::OK })
}

/// `itl regen resume`.
pub fn resume(a: ResumeArgs) -> Result<u8> {
    let records = Journal::read(&a.journal)
        .with_context(|| format!("cannot read the journal {}", a.journal.display()))?;
    let Some(Record::Begin(begin)) = records.first().cloned() else {
        bail!(
            "{}: the journal does not start with its run's options",
            a.journal.display()
        );
    };
    if records.iter().any(|r| matches!(r, Record::Finished { .. })) {
        eprintln!("itl: this run has already completed");
        return Ok(exit::OK);
    }
    if !a.yes && !begin.yes && !std::io::stdin().is_terminal() {
        eprintln!(
            "itl: regen resume asks before each phase, but there is no terminal: give --yes to run without questions"
        );
        return Ok(exit::FAILURE);
    }
    let args = ClusterArgs {
        cluster: Some(begin.cluster_file.clone()),
        insecure: a.insecure,
        password_file: a.password_file.clone(),
    };
    let file = args.require()?;
    let session = args.session(file.clone(), session_options(a.risport_rate))?;
    let Some(os) = super::preflight::os_credentials(&file.cluster, begin.os_user.as_deref())?
    else {
        bail!("resuming needs the platform administrator's password");
    };
    let plan = Plan::parse(&begin.plan).context("the journal's plan")?;
    let (_, regen) = facts_of(&session, &file, Some(os.clone()), begin.generation, None)?;
    let program = program_of(&plan, &regen)?;
    let mut journal = Journal::open(&a.journal)?;
    if journal.was_torn() {
        eprintln!("itl: note: the journal's last line was cut by the interruption and was dropped");
    }
    let force = a.force.clone().or(begin.force.clone());
    journal.append(Record::Note {
        at: now(),
        text: format!(
            "resumed{}",
            a.force
                .as_ref()
                .map(|r| format!(" with --force ({r})"))
                .unwrap_or_default()
        ),
    })?;
    drive(
        session,
        os,
        regen,
        plan,
        program,
        journal,
        &begin,
        a.yes || begin.yes,
        force,
    )
}

/// `itl regen status`.
pub fn status(a: StatusArgs) -> Result<u8> {
    let records = Journal::read(&a.journal)
        .with_context(|| format!("cannot read the journal {}", a.journal.display()))?;
    let mut out = String::new();
    for r in &records {
        let at = r.at().to_rfc3339();
        let line = match r {
            Record::Begin(b) => format!(
                "began: cluster {} ({}), plan {}{}",
                b.cluster,
                b.cluster_file.display(),
                b.plan_file.display(),
                b.force
                    .as_ref()
                    .map(|f| format!(", forced: {f}"))
                    .unwrap_or_default()
            ),
            Record::Note { text, .. } => format!("note: {text}"),
            Record::PhaseStart { phase, .. } => format!("phase {phase} started"),
            Record::StepStart { step, command, .. } => format!("{step} started: {command}"),
            Record::StepEnd { step, outcome, .. } => match outcome {
                StepOutcome::Done => format!("{step} done"),
                StepOutcome::Observed => {
                    format!("{step} done (seen to have taken effect after an interruption)")
                }
                StepOutcome::Skipped { reason } => format!("{step} skipped: {reason}"),
                StepOutcome::Failed { error } => format!("{step} FAILED: {error}"),
            },
            Record::Gate {
                step,
                gate,
                passed,
                details,
                ..
            } => format!(
                "{step} gate {}: {}{}",
                gate.name(),
                if *passed { "passed" } else { "HOLDS" },
                details
                    .first()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
            Record::Progress { step, done, .. } => format!("{step}: {} phone(s) done", done.len()),
            Record::Held { reason, .. } => format!("HELD: {reason}"),
            Record::Pin { node, new, .. } => format!("{node}: new TLS pin {new}"),
            Record::Finished { .. } => "the plan completed".into(),
        };
        out.push_str(&format!("{at}  {line}\n"));
    }
    let state = match records.last() {
        Some(Record::Finished { .. }) => "completed",
        Some(Record::Held { .. }) => "held (fix the cause, then `itl regen resume`)",
        _ => "interrupted or stopped (continue with `itl regen resume`)",
    };
    out.push_str(&format!("state: {state}\n"));
    print!("{out}");
    Ok(exit::OK)
}

/// The terminal: timestamped lines on stderr, a progress bar while waiting, questions on
/// stdin.
struct Terminal {
    bar: Option<ProgressBar>,
    tty: bool,
}

impl Terminal {
    fn new() -> Self {
        Self {
            bar: None,
            tty: std::io::stderr().is_terminal(),
        }
    }
}

impl Operator for Terminal {
    fn confirm(&mut self, question: &str) -> bool {
        self.progress_end();
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).is_err() {
            return false;
        }
        matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }

    fn say(&mut self, at: UnixTime, text: &str) {
        let line = format!("[{}] {text}", at.to_rfc3339());
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn progress(&mut self, label: &str, done: u64, total: u64) {
        if !self.tty {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new(total.max(1));
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {percent}%")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        bar.set_length(total.max(1));
        bar.set_position(done.min(total));
        bar.set_message(label.to_owned());
    }

    fn progress_end(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
