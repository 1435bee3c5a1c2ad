//! Sweep benchmark (issue 5): a full cluster-mode sweep (AXL + RisPort70 discovery, reference
//! lists, every phone's two pages, classification) of a simulated 10,000-phone cluster with
//! the real client code (`discover` + `run_sweep`), default concurrency (64), RisPort pacing
//! off.
//!
//! The simulator runs in a child process (`sweep-sim`, this package's binary), so the figures
//! are the sweep's own: wall time, peak RSS (`VmHWM` of this process) and CPU time
//! (`getrusage`, user + system, every thread). Every phone's state is checked against the
//! simulator's truth file. Goal: ≤ 10 s wall and ≤ 150 MB peak RSS on 2 cores.
//!
//! ```sh
//! cargo bench -p itl-benches --bench sweep
//! ITL_BENCH_PHONES=2000 ITL_BENCH_FAULTS= cargo bench -p itl-benches --bench sweep
//! ```

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use itl_cucm::fetch::Transport;
use itl_cucm::secrets::{Credentials, Secret};
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_cucm::sweep::{
    Archive, PhoneSource, Quiet, SweepOptions, assemble, cancel_pair, inventory, run_sweep,
};
use itl_wire::cluster_file::ClusterFile;

/// Faults of the benchmark cluster: every state a page read can give, but no phone that
/// holds a connection open (those would measure the timeout, not the sweep).
const DEFAULT_FAULTS: &str = "web-off=2%,powered-off=1%,stale-itl=2%,foreign-itl=0.5%,\
                              update-failed=1%,no-itl=0.5%,garbage=0.5%,oversized=0.1%";
const PASSWORD: &str = "sweep-bench";
const WALL_GOAL: Duration = Duration::from_secs(10);
const RSS_GOAL_KB: u64 = 150 * 1000;

/// User + system CPU time of this process (all threads).
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct we own; RUSAGE_SELF is valid.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut u) != 0 {
            return Duration::ZERO;
        }
        u
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// A `kB` field of /proc/self/status.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default()
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The truth file: name → state.
fn load_truth(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("truth: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("truth: {e}"))?;
    let phones = value["phones"].as_array().ok_or("truth: no phones")?;
    phones
        .iter()
        .map(|p| match (p["name"].as_str(), p["state"].as_str()) {
            (Some(n), Some(s)) => Ok((n.to_owned(), s.to_owned())),
            _ => Err("truth: a phone without name or state".to_owned()),
        })
        .collect()
}

struct Figures {
    wall: Duration,
    discovery: Duration,
    cpu: Duration,
    phones: usize,
    mismatches: Vec<String>,
    by_state: String,
}

async fn sweep(
    cluster_path: &Path,
    archive_dir: &Path,
    truth: &[(String, String)],
) -> Result<Figures, String> {
    let cluster = ClusterFile::load(cluster_path).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let cpu0 = cpu_time();
    let credentials = Credentials::new(cluster.cluster.user.clone(), Secret::new(PASSWORD));
    let mut opts = SessionOptions::default();
    opts.ris.per_minute = u32::MAX; // RisPort pacing off (what `itl sweep --risport-rate 0` does)
    let session = ClusterSession::new(cluster.clone(), credentials, opts);
    let clients = inventory::SoapClients::of(&session).map_err(|e| e.to_string())?;
    let found = inventory::discover(&clients, cluster.cluster.phone_http_port)
        .await
        .map_err(|e| e.to_string())?;
    let discovery = started.elapsed();
    let plan = assemble(
        Some(&cluster),
        PhoneSource::Discovered(found),
        Transport::Http,
    )
    .map_err(|e| e.to_string())?;
    let mut archive = Archive::open(archive_dir).map_err(|e| e.to_string())?;
    let options = SweepOptions {
        // The simulator's phones show UTC.
        phone_utc_offset: Some(0),
        ..SweepOptions::default()
    };
    let (_handle, signal) = cancel_pair();
    let report = run_sweep(plan, &mut archive, &options, &Quiet, signal)
        .await
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu0);

    // Every phone of the truth exactly once, in the state the truth expects.
    let mut mismatches = Vec::new();
    let mut got: HashMap<&str, (&str, usize)> = HashMap::new();
    for p in &report.phones {
        got.entry(p.name.as_str()).or_insert((p.state.name(), 0)).1 += 1;
    }
    for (name, state) in truth {
        match got.get(name.as_str()) {
            Some((s, 1)) if s == state => {}
            Some((s, n)) => mismatches.push(format!("{name}: {s} (x{n}), truth {state}")),
            None => mismatches.push(format!("{name}: missing, truth {state}")),
        }
    }
    if report.phones.len() != truth.len() {
        mismatches.push(format!(
            "{} phones reported, {} in the truth",
            report.phones.len(),
            truth.len()
        ));
    }
    let by_state = report.summary.states_line();
    Ok(Figures {
        wall,
        discovery,
        cpu,
        phones: report.phones.len(),
        mismatches,
        by_state,
    })
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("itl-sweep-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run() -> Result<bool, String> {
    let phones: usize = env_or("ITL_BENCH_PHONES", 10_000);
    let faults = std::env::var("ITL_BENCH_FAULTS").unwrap_or_else(|_| DEFAULT_FAULTS.to_owned());
    let dir = temp_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (cluster_path, truth_path, archive_dir) = (
        dir.join("cluster.toml"),
        dir.join("truth.json"),
        dir.join("itl-archive"),
    );

    println!("sweep bench: {phones} phones, faults {faults:?}");
    println!(
        "machine: {} x {}, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        loadavg()
    );
    let ready_at = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sweep-sim"))
        .args(["--phones", &phones.to_string(), "--faults", &faults])
        .arg("--cluster-file")
        .arg(&cluster_path)
        .arg("--truth")
        .arg(&truth_path)
        .arg("--archive")
        .arg(&archive_dir)
        .env("ITL_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start sweep-sim: {e}"))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let result = (|| {
        if line.trim() != "ready" {
            return Err("sweep-sim did not start".to_owned());
        }
        println!(
            "simulator ready in {:.1} s (child process {})",
            ready_at.elapsed().as_secs_f64(),
            child.id()
        );
        let truth = load_truth(&truth_path)?;
        let rss_before = status_kb("VmRSS:");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let load_before = loadavg();
        let f = runtime.block_on(sweep(&cluster_path, &archive_dir, &truth))?;
        drop(runtime);
        let hwm = status_kb("VmHWM:");
        let load_after = loadavg();
        println!("states: {}", f.by_state);
        println!(
            "wall {:.2} s (discovery {:.2} s) | peak RSS {:.1} MB (RSS before the sweep {:.1} MB) | CPU {:.2} s = {:.0} µs per phone | load average before {load_before}, after {load_after}",
            f.wall.as_secs_f64(),
            f.discovery.as_secs_f64(),
            hwm as f64 / 1000.0,
            rss_before as f64 / 1000.0,
            f.cpu.as_secs_f64(),
            f.cpu.as_secs_f64() * 1e6 / f.phones.max(1) as f64,
        );
        if !f.mismatches.is_empty() {
            for m in f.mismatches.iter().take(20) {
                println!("MISMATCH {m}");
            }
            return Err(format!(
                "{} phone(s) disagree with the truth",
                f.mismatches.len()
            ));
        }
        println!("all {} phones agree with the truth", f.phones);
        let met = f.wall <= WALL_GOAL && hwm <= RSS_GOAL_KB;
        println!(
            "goal (<= {} s wall, <= {} MB peak RSS): {}",
            WALL_GOAL.as_secs(),
            RSS_GOAL_KB / 1000,
            if met { "met" } else { "MISSED" }
        );
        Ok(met)
    })();
    // Closing its standard input stops the simulator.
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if let Ok(None) = child.try_wait() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::io::stdout().flush();
    result
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it too: keep that quick.
    if std::env::args().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sweep bench: {e}");
            ExitCode::FAILURE
        }
    }
}
