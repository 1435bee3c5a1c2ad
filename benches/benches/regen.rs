//! Regeneration benchmark (issue 14, "Done when"): the orchestrator as a user runs it, on a
//! 3-node, 2,000-phone 11.5 simulator in its own process at time scale 0.01 (a CallManager
//! restart takes 1.2 s, a phone registers again 0.6–1.2 s after its reset, RisPort's minute is
//! 0.6 s). Timed from start to exit, with the peak RSS of the run (`wait4`):
//!
//! | what | goal |
//! |---|---|
//! | `itl regen plan --cluster FILE --out PLAN` | — |
//! | `itl regen run --cluster FILE --plan PLAN --risport-rate 0` (the dry run) | — |
//! | `itl regen run … --execute --yes --wait-scale 0.01 --risport-rate 0` (the whole 11.5 procedure) | ≤ 2 minutes |
//!
//! ```sh
//! cargo build --release -p itl-cli && cargo bench -p itl-benches --bench regen
//! ITL_BENCH_PHONES=500 ITL_BENCH_SCALE=0.001 cargo bench -p itl-benches --bench regen
//! ```
//!
//! The `itl` binary is `target/release/itl` (or `ITL_BIN`). The run must complete (exit 0,
//! the journal's last record `finished`), and the simulator's change log (`--events`) must
//! show every certificate of the plan regenerated exactly once and the DRS backup taken; the
//! dry run must write no event.

use itl_benches::{Sim, itl_bin, loadavg, process_bench, wait_rss};
use std::path::Path;
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

const PASSWORD: &str = "regen-bench";
const OS_PASSWORD: &str = "regen-bench-os";
const GOAL: Duration = Duration::from_secs(120);

/// `itl ARGS` in `dir` with both passwords; stdout and stderr to `<log>.out` / `<log>.err`.
fn itl(dir: &Path, log: &str, args: &[&str]) -> Result<Child, String> {
    let file = |ext: &str| {
        std::fs::File::create(dir.join(format!("{log}.{ext}"))).map_err(|e| e.to_string())
    };
    Command::new(itl_bin())
        .current_dir(dir)
        .args(args)
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", OS_PASSWORD)
        .stdout(file("out")?)
        .stderr(file("err")?)
        .spawn()
        .map_err(|e| format!("{}: {e}", itl_bin().display()))
}

/// Runs `itl ARGS` to its end: (exit code, wall time, peak RSS in kB).
/// `itl regen run` of the bench's cluster file and plan (dry run without more options).
const REGEN_RUN: [&str; 6] = [
    "regen",
    "run",
    "--cluster",
    "cluster.toml",
    "--plan",
    "plan.txt",
];

fn timed(dir: &Path, log: &str, args: &[&str]) -> Result<(i32, Duration, u64), String> {
    let started = Instant::now();
    let child = itl(dir, log, args)?;
    let (code, rss) = wait_rss(&child)?;
    Ok((code, started.elapsed(), rss))
}

/// The simulator's change log: (kind, node, unit) of every line.
fn events(path: &Path) -> Result<Vec<(String, String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("events: {e}: {line}"))?;
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            Ok((s("kind"), s("node"), s("unit")))
        })
        .collect()
}

/// The plan's `regen <unit> @<target>` lines, as (unit, target).
fn plan_regens(plan: &str) -> Vec<(String, String)> {
    plan.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("regen ")?;
            let (unit, target) = rest.split_once(" @")?;
            Some((unit.trim().to_owned(), target.trim().to_owned()))
        })
        .collect()
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn run(dir: &Path, phones: usize, scale: &str) -> Result<bool, String> {
    let cluster = dir.join("cluster.toml");
    let events_path = dir.join("events.jsonl");
    let sim = itl(
        dir,
        "sim",
        &[
            "sim",
            "serve",
            "--nodes",
            "3",
            "--phones",
            &phones.to_string(),
            "--generation",
            "11.5",
            "--time-scale",
            scale,
            "--cluster-file",
            "cluster.toml",
            "--events",
            "events.jsonl",
        ],
    )?;
    let _sim = Sim::ready(sim, &cluster)?;

    let (code, plan_wall, _) = timed(
        dir,
        "plan",
        &[
            "regen",
            "plan",
            "--cluster",
            "cluster.toml",
            "--out",
            "plan.txt",
        ],
    )?;
    if code != 0 {
        return Err(format!(
            "itl regen plan exited {code}:\n{}",
            tail(&dir.join("plan.err"), 10)
        ));
    }
    let plan = std::fs::read_to_string(dir.join("plan.txt")).map_err(|e| e.to_string())?;
    let regens = plan_regens(&plan);

    let (dry_code, dry_wall, dry_rss) = timed(
        dir,
        "dry",
        &[&REGEN_RUN[..], &["--risport-rate", "0"]].concat(),
    )?;
    let dry_events = events(&events_path)?.len();
    let dry_text = std::fs::read_to_string(dir.join("dry.out")).unwrap_or_default();
    let summary = dry_text.lines().next().unwrap_or_default().to_owned();

    let load_before = loadavg();
    let (code, wall, rss) = timed(
        dir,
        "run",
        &[
            &REGEN_RUN[..],
            &[
                "--execute",
                "--yes",
                "--wait-scale",
                scale,
                "--risport-rate",
                "0",
                "--journal",
                "journal",
                "--backup-server",
                "sftp.example.org",
                "--backup-path",
                "/backups",
                "--backup-user",
                "drs",
            ],
        ]
        .concat(),
    )?;
    let journal =
        std::fs::read_to_string(dir.join("journal/journal.jsonl")).map_err(|e| e.to_string())?;
    let finished = journal
        .lines()
        .last()
        .is_some_and(|l| l.contains("\"record\":\"finished\""));
    let phases = journal.matches("\"record\":\"phase-start\"").count();
    let steps = journal.matches("\"record\":\"step-end\"").count();
    let gates = journal.matches("\"record\":\"gate\"").count();
    let changes = events(&events_path)?;
    let regenerated: Vec<&(String, String, String)> = changes
        .iter()
        .filter(|(k, _, _)| k == "cert-regenerated")
        .collect();
    let mut once = true;
    for (i, a) in regenerated.iter().enumerate() {
        if regenerated[..i].contains(a) {
            println!("         {} of {} regenerated twice", a.2, a.1);
            once = false;
        }
    }
    let backups = changes
        .iter()
        .filter(|(k, _, _)| k == "backup-taken")
        .count();
    let resets = changes
        .iter()
        .filter(|(k, _, _)| k == "phones-reset")
        .count();

    println!(
        "regen plan: {:.2} s; dry run: {:.1} s wall, {} MB peak RSS, exit {dry_code}, {} events written",
        plan_wall.as_secs_f64(),
        dry_wall.as_secs_f64(),
        dry_rss / 1000,
        dry_events
    );
    println!("         {summary}");
    println!(
        "regen run --execute, {phones} phones, 11.5, time scale {scale}: {:.1} s wall (goal ≤ {} s), {} MB peak RSS, exit {code}, \
         {phases} phases, {steps} steps, {gates} gates, {} certificates regenerated ({} plan lines), \
         {resets} reset requests, {backups} backup, load {load_before} before, {} after",
        wall.as_secs_f64(),
        GOAL.as_secs(),
        rss / 1000,
        regenerated.len(),
        regens.len(),
        loadavg()
    );
    if code != 0 || !finished {
        println!("{}", tail(&dir.join("run.err"), 12));
    }
    Ok(code == 0
        && finished
        && dry_code == 0
        && dry_events == 0
        && once
        && backups == 1
        && !regenerated.is_empty()
        && wall <= GOAL)
}

fn main() -> ExitCode {
    let phones: usize = std::env::var("ITL_BENCH_PHONES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(2000);
    let scale = std::env::var("ITL_BENCH_SCALE").unwrap_or_else(|_| "0.01".into());
    process_bench("regen", |dir| run(dir, phones, &scale))
}
