//! Sweep benchmark (issue 12 §3): the CLI as a user runs it. `itl sim serve` in its own
//! process (default RisPort budget of 15 requests per rolling minute), then `itl sweep
//! --cluster FILE` with default options, timed from start to exit; peak RSS of the sweep
//! process from `wait4`. Scenarios:
//!
//! | scenario | goal |
//! |---|---|
//! | 10,000 healthy phones | ≤ 10 s wall, ≤ 150 MB peak RSS |
//! | 10,000 phones, the fault mix of issue 12 | ≤ 30 s wall |
//! | 40,000 healthy phones | bound by the RisPort budget: 40 requests at 15 per minute |
//!
//! ```sh
//! cargo build --release -p itl-cli && cargo bench -p itl-benches --bench sweep
//! ITL_BENCH_SCENARIOS=healthy,faults cargo bench -p itl-benches --bench sweep
//! ```
//!
//! The `itl` binary is `target/release/itl` (or `ITL_BIN`). Nothing of the simulator's
//! internals is used: the timed sweep starts with an empty archive, as a new user's does.
//!
//! Every sweep is also checked against the simulator's truth file (`--truth`): each phone's
//! state must equal the truth's `state`. With faults, a second sweep (not timed) reads the
//! archive `itl sim serve --archive` writes (what earlier sweeps would have archived) and
//! must equal the truth's `state_with_archive` (issue 12, "Done when").

use itl_benches::{Sim, itl_bin, loadavg, process_bench, wait_rss};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "sweep-bench";
const FAULTS: &str = "unreachable=2%,slow=1%,garbage=1%,oversized=0.5%,web-off=3%,stale-itl=2%,\
                      foreign-itl=0.5%,update-failed=1%,powered-off=2%";

struct Scenario {
    name: &'static str,
    phones: usize,
    faults: &'static str,
    wall_goal: Option<Duration>,
    rss_goal_kb: Option<u64>,
}

const SCENARIOS: [Scenario; 3] = [
    Scenario {
        name: "healthy",
        phones: 10_000,
        faults: "",
        wall_goal: Some(Duration::from_secs(10)),
        rss_goal_kb: Some(150_000),
    },
    Scenario {
        name: "faults",
        phones: 10_000,
        faults: FAULTS,
        wall_goal: Some(Duration::from_secs(30)),
        rss_goal_kb: None,
    },
    Scenario {
        name: "40k",
        phones: 40_000,
        faults: "",
        wall_goal: None,
        rss_goal_kb: None,
    },
];

/// Phones whose reported state differs from the truth's (`field`: `state` or
/// `state_with_archive`), as `name: reported, truth` lines; an error when a phone is missing.
fn truth_mismatches(report: &Path, truth: &Path, field: &str) -> Result<Vec<String>, String> {
    let read = |p: &Path| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
    };
    let (report, truth) = (read(report)?, read(truth)?);
    let reported: std::collections::HashMap<&str, &str> = report["phones"]
        .as_array()
        .ok_or("report without phones")?
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?, p["state"].as_str()?)))
        .collect();
    let mut out = Vec::new();
    for t in truth["phones"].as_array().ok_or("truth without phones")? {
        let name = t["name"].as_str().unwrap_or("?");
        let want = t[field].as_str().unwrap_or("?");
        match reported.get(name) {
            Some(got) if *got == want => {}
            Some(got) => out.push(format!("{name}: reported {got}, truth {want}")),
            None => out.push(format!("{name}: not reported, truth {want}")),
        }
    }
    Ok(out)
}

/// Prints the first mismatches; true when there are none.
fn agrees(what: &str, mismatches: &[String], phones: usize) -> bool {
    println!(
        "         {what}: {} of {phones} phones equal the truth",
        phones - mismatches.len().min(phones)
    );
    for m in mismatches.iter().take(10) {
        println!("           {m}");
    }
    mismatches.is_empty()
}

fn run_scenario(s: &Scenario, dir: &Path) -> Result<bool, String> {
    let dir = dir.join(s.name);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let cluster = dir.join("cluster.toml");
    let truth = dir.join("truth.json");
    let earlier = dir.join("earlier-sweeps");
    let _ = std::fs::remove_file(&cluster);
    let sim = Command::new(itl_bin())
        .args(["sim", "serve", "--nodes", "4", "--phones"])
        .arg(s.phones.to_string())
        .args(["--faults", s.faults, "--truth"])
        .arg(&truth)
        .arg("--archive")
        .arg(&earlier)
        .arg("--cluster-file")
        .arg(&cluster)
        .env("ITL_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", itl_bin().display()))?;
    let _sim = Sim::ready(sim, &cluster)?;
    let report = dir.join("report.json");
    let started = Instant::now();
    let sweep = sweep_command(&cluster, &[], &report)
        .spawn()
        .map_err(|e| e.to_string())?;
    let (code, rss_kb) = wait_rss(&sweep)?;
    let wall = started.elapsed();
    let text = std::fs::read_to_string(&report).map_err(|e| format!("report: {e}"))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let phones = json["phones"].as_array().map_or(0, Vec::len);
    let mut ok = phones == s.phones && (code == 0 || code == 1);
    let first = truth_mismatches(&report, &truth, "state")?;
    let wall_ok = s.wall_goal.is_none_or(|g| wall <= g);
    let rss_ok = s.rss_goal_kb.is_none_or(|g| rss_kb <= g);
    ok &= wall_ok && rss_ok;
    let requests = s.phones.div_ceil(1000);
    let bound_min = requests.saturating_sub(1) / 15;
    println!(
        "{:8} {:>6} phones: {:6.1} s wall{}, {:>4} MB peak RSS{}, exit {code}, {phones} phones \
         reported, RisPort {requests} requests (budget bound: {bound_min} min of waiting), \
         load {}",
        s.name,
        s.phones,
        wall.as_secs_f64(),
        s.wall_goal
            .map_or(String::new(), |g| format!(" (goal ≤ {} s)", g.as_secs())),
        rss_kb / 1000,
        s.rss_goal_kb
            .map_or(String::new(), |g| format!(" (goal ≤ {} MB)", g / 1000)),
        loadavg()
    );
    ok &= agrees("empty archive", &first, s.phones);
    if !s.faults.is_empty() {
        // The same phones, swept with what earlier sweeps archived.
        let again = dir.join("report-with-archive.json");
        let status = sweep_command(
            &cluster,
            &["--archive".as_ref(), earlier.as_os_str()],
            &again,
        )
        .status()
        .map_err(|e| e.to_string())?;
        ok &= matches!(status.code(), Some(0 | 1));
        let second = truth_mismatches(&again, &truth, "state_with_archive")?;
        ok &= agrees("with --archive", &second, s.phones);
    }
    Ok(ok)
}

/// `itl sweep --quiet --cluster <cluster> <extra…> --json <report>` with the password, its
/// output discarded.
fn sweep_command(cluster: &Path, extra: &[&OsStr], report: &Path) -> Command {
    let mut command = Command::new(itl_bin());
    command
        .args(["sweep", "--quiet", "--cluster"])
        .arg(cluster)
        .args(extra)
        .arg("--json")
        .arg(report)
        .env("ITL_PASSWORD", PASSWORD)
        .stdout(Stdio::null());
    command
}

fn main() -> ExitCode {
    let wanted = std::env::var("ITL_BENCH_SCENARIOS").unwrap_or_default();
    process_bench("sweep", |dir| {
        let mut all_ok = true;
        for s in SCENARIOS
            .iter()
            .filter(|s| wanted.is_empty() || wanted.split(',').any(|w| w == s.name))
        {
            match run_scenario(s, dir) {
                Ok(ok) => all_ok &= ok,
                Err(e) => {
                    eprintln!("sweep bench {}: {e}", s.name);
                    all_ok = false;
                }
            }
        }
        Ok(all_ok)
    })
}
