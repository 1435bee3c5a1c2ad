//! `itl regen run | resume | status` through the real binary against `itl sim serve` on
//! loopback: a dry run changes nothing; the whole procedure (11.5, 12+, 12+ mixed, 14+
//! automatic, 14+ mixed with manual phone interaction) completes with no phone locked out
//! and each phase ends as `itl predict` said; the classic wrong order is refused and runs only forced; SIGKILL at step after step and
//! `resume` end where an uninterrupted run ends, with no regeneration repeated; a failing
//! gate or step holds the run and names it.
//!
//! The simulator runs at `--time-scale 0.001` (a CallManager restart takes 0.12 s): at scale
//! 0 RisPort's rate minute stays 60 s, and a whole run asks RisPort more than 15 times a
//! minute. The whole procedures regenerate every unit the simulator holds (tomcat: the
//! node's new TLS certificate is pinned again; CAPF in mixed mode: the LSCs are re-issued);
//! the SIGKILL runs leave out tomcat and, in mixed mode, CAPF to stay short.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    Itl, SimServe, TempDir, assert_assessed, journal, json_lines, read_json, s, stdout_json, text,
};
use itl_wire::cluster_file::ClusterFile;
use serde_json::Value;

const PASSWORD: &str = "regen-run-cli";
const OS_PASSWORD: &str = "regen-run-cli-os";
const PHONES: &str = "40";
/// The units of the SIGKILL runs (tomcat left out to keep them short).
const UNITS: &str = "ipsec,CAPF,CallManager,TVS,ITLRecovery";

/// Every unit the simulator holds (tomcat included: its TLS certificate is pinned again;
/// mixed mode with CAPF: the LSCs are re-issued).
const ALL_UNITS: &str = "ipsec,CAPF,CallManager,TVS,tomcat,ITLRecovery";
/// The same without CAPF, for the mixed-mode SIGKILL runs.
const UNITS_MIXED: &str = "ipsec,CallManager,TVS,ITLRecovery";
/// The classic wrong order on 11.5: the ITL's signer and TVS change together.
const WRONG_ORDER: &str = "# CallManager and TVS together\nregen CallManager @all\nregen TVS @all\nrestart TFTP @all\nrestart CallManager @all\nrestart TVS @all\nreset phones\n";

/// The gate timeout of the runs meant to complete: gates and services may take 18 s (300
/// minutes at the wait scale), room for a loaded machine.
const GATE_TIMEOUT: &str = "300m";

/// A simulated cluster in its own folder, with its events file.
struct Cluster {
    dir: TempDir,
    sim: Option<SimServe>,
}

impl Cluster {
    fn serve(name: &str, generation: &str, mixed: bool, faults: &str) -> Self {
        Self::serve_with(name, generation, mixed, faults, &[])
    }

    /// [`Cluster::serve`] with more `itl sim serve` options.
    fn serve_with(name: &str, generation: &str, mixed: bool, faults: &str, extra: &[&str]) -> Self {
        let dir = TempDir::new(name);
        let events = s(&dir.join("events.jsonl"));
        let mut options = vec!["--seed", "3", "--time-scale", "0.001", "--events", &events];
        if mixed {
            options.push("--mixed");
        }
        if !faults.is_empty() {
            options.extend(["--faults", faults]);
        }
        options.extend_from_slice(extra);
        let sim = SimServe::start_cluster(
            &dir.join("cluster.toml"),
            (PASSWORD, OS_PASSWORD),
            ["3", PHONES, generation],
            &options,
        );
        Self {
            dir,
            sim: Some(sim),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn cluster(&self) -> String {
        s(&self.path("cluster.toml"))
    }

    fn itl(&self) -> Itl {
        Itl::new()
            .env("ITL_PASSWORD", PASSWORD)
            .env("ITL_OS_PASSWORD", OS_PASSWORD)
    }

    /// `itl regen plan --units UNITS --out plan.txt`.
    fn plan(&self, units: &str) -> String {
        let out = self
            .itl()
            .args(&["regen", "plan", "--cluster", &self.cluster()])
            .args(&["--units", units, "--out", &s(&self.path("plan.txt"))])
            .run();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        std::fs::read_to_string(self.path("plan.txt")).expect("plan written")
    }

    /// `itl regen run` of `plan` (dry run unless `extra` says `--execute`).
    fn run(&self, plan: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
        let out = self
            .itl()
            .args(&["regen", "run", "--cluster", &self.cluster()])
            .args(&["--plan", &s(plan), "--risport-rate", "0"])
            .args(extra)
            .timeout(Duration::from_secs(150))
            .run();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    }

    /// The execute options every run here uses, with the journal `journal` and a gate timeout
    /// of `timeout` (before the wait scale): [`GATE_TIMEOUT`], or short for the runs that are
    /// meant to hold.
    fn execute_args_timeout(&self, journal: &str, timeout: &str) -> Vec<String> {
        [
            "--execute",
            "--yes",
            "--wait-scale",
            "0.001",
            "--gate-timeout",
            timeout,
            "--backup-server",
            "127.0.0.9",
            "--backup-path",
            "/backups",
            "--backup-user",
            "drf",
            "--journal",
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .chain([s(&self.path(journal))])
        .collect()
    }

    /// `itl regen run --execute` of `plan` with the execute options of
    /// [`Cluster::execute_args_timeout`] and `more` options.
    fn execute(
        &self,
        plan: &Path,
        journal: &str,
        timeout: &str,
        more: &[&str],
    ) -> (Option<i32>, String, String) {
        let args = self.execute_args_timeout(journal, timeout);
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend_from_slice(more);
        self.run(plan, &args)
    }

    /// Executes `plan.txt` (journal `journal`, gate timeout 60 minutes, `more` options) and
    /// asserts that the run holds, saying `held` on stderr.
    #[track_caller]
    fn holds(&self, more: &[&str], held: &str) {
        let (code, stdout, stderr) = self.execute(&self.path("plan.txt"), "journal", "60m", more);
        assert_eq!(code, Some(1), "{stdout}\n{stderr}");
        assert!(stderr.contains(held), "{stderr}");
    }

    /// `itl regen status` of the journal `journal`.
    fn status(&self, journal: &str) -> std::process::Output {
        self.itl()
            .args(&["regen", "status", "--journal", &s(&self.path(journal))])
            .run()
    }

    fn events(&self) -> Vec<Value> {
        json_lines(&self.path("events.jsonl"))
    }

    /// `itl sweep --json`; returns the report.
    fn sweep(&self, name: &str) -> Value {
        let json = self.path(name);
        let out = self
            .itl()
            .args(&["sweep", "--cluster", &self.cluster(), "--json", &s(&json)])
            .run();
        assert_assessed(&out, "sweep");
        read_json(&json)
    }

    /// `itl predict` of `plan` from `sweep` (unread phones assumed current).
    fn predict(&self, sweep: &str, plan: &Path, extra: &[&str]) -> Value {
        let json = self.path("predict.json");
        let out = self
            .itl()
            .args(&["predict", "--cluster", &self.cluster()])
            .args(&["--sweep", &s(&self.path(sweep)), "--plan", &s(plan)])
            .args(&["--assume-current", "--json", &s(&json)])
            .args(extra)
            .run();
        assert_assessed(&out, "predict");
        read_json(&json)
    }

    /// Per TFTP node, what its served ITL holds: the signer's serial and every record's role
    /// and serial (the file's timestamp, from the simulator's wall clock, left out).
    fn served_itls(&self) -> BTreeMap<String, (String, Vec<(String, String)>)> {
        let file = ClusterFile::load(&self.path("cluster.toml")).expect("cluster file");
        let mut out = BTreeMap::new();
        for node in file.nodes.iter().filter(|n| n.tftp_http.is_some()) {
            let url = format!("{}/ITLFile.tlv", node.tftp_http.as_deref().unwrap_or(""));
            let path = self.path(&format!("served-{}.tlv", node.name));
            let got = Itl::new().args(&["fetch", &url, "-o", &s(&path)]).run();
            assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
            let parsed = Itl::new().args(&["parse", "--json", &s(&path)]).run();
            let v = stdout_json(&parsed);
            let list = &v[0];
            let mut records: Vec<(String, String)> = list["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| (r["function"].to_string(), r["serial"].to_string()))
                .collect();
            records.sort();
            out.insert(
                node.name.clone(),
                (list["signer"]["serial"].to_string(), records),
            );
        }
        out
    }

    fn stop(&mut self) {
        if let Some(sim) = self.sim.take() {
            sim.stop();
        }
    }
}

fn kinds(events: &[Value]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in events {
        *out.entry(e["kind"].as_str().unwrap_or("?").to_owned())
            .or_insert(0) += 1;
    }
    out
}

/// `cert-regenerated` events per (node, unit), and the last serial of each.
fn regenerations(events: &[Value]) -> BTreeMap<(String, String), (usize, String)> {
    let mut out: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for e in events.iter().filter(|e| e["kind"] == "cert-regenerated") {
        let key = (e["node"].to_string(), e["unit"].to_string());
        let entry = out.entry(key).or_insert((0, String::new()));
        entry.0 += 1;
        entry.1 = e["detail"].to_string();
    }
    out
}

/// Phone states by name.
fn states(sweep: &Value) -> BTreeMap<String, String> {
    sweep["phones"]
        .as_array()
        .expect("phones")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name").to_owned(),
                p["state"].as_str().expect("state").to_owned(),
            )
        })
        .collect()
}

const PROBLEMS: [&str; 6] = [
    "unknown-itl",
    "stale-itl",
    "foreign-itl",
    "update-failed",
    "ctl-mismatch",
    "no-trust-list",
];

/// The plan's steps (1-based, as `itl predict` numbers them) by phase, from the `# phase N`
/// comments `itl regen plan` writes.
fn phase_ranges(plan: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut step = 0;
    for line in plan.lines().map(str::trim) {
        if line.starts_with("# phase ") {
            out.push((step + 1, step));
        } else if !line.is_empty() && !line.starts_with('#') {
            step += 1;
            if let Some(last) = out.last_mut() {
                last.1 = step;
            }
        }
    }
    out
}

/// Runs the whole procedure on a fresh cluster and checks it against `itl predict`.
fn whole_procedure(name: &str, generation: &str, mixed: bool, units: &str) {
    whole_procedure_with(name, generation, mixed, units, true);
}

/// [`whole_procedure`], with 14+'s phone interaction `automatic` or manual.
fn whole_procedure_with(name: &str, generation: &str, mixed: bool, units: &str, automatic: bool) {
    let started = Instant::now();
    let interaction: &[&str] = if automatic {
        &[]
    } else {
        &["--phone-interaction", "manual"]
    };
    let mut c = Cluster::serve_with(name, generation, mixed, "", interaction);
    let plan_text = c.plan(units);
    let plan = c.path("plan.txt");
    let before = c.sweep("before.json");
    let extra: &[&str] = match (generation, automatic) {
        ("14+", true) => &["--generation", "14+", "--automatic-resets"],
        ("14+", false) => &["--generation", "14+"],
        _ => &[],
    };
    let prediction = c.predict("before.json", &plan, extra);
    let (code, stdout, stderr) = c.execute(&plan, "journal", GATE_TIMEOUT, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("itl: the plan completed"), "{stderr}");
    let after = c.sweep("after.json");
    let served_after = c.served_itls();
    let events = c.events();
    c.stop();

    // No phone that was on and ok ends in a problem state; none is predicted rejected.
    let (s0, s_end) = (states(&before), states(&after));
    let locked: Vec<String> = s0
        .iter()
        .filter(|(_, st)| *st == "ok")
        .filter(|(n, _)| PROBLEMS.contains(&s_end[*n].as_str()))
        .map(|(n, st)| format!("{n}: {st} -> {}", s_end[n]))
        .collect();
    assert_eq!(locked, Vec::<String>::new(), "{name}");
    assert_eq!(prediction["final_rejected"], Value::Array(vec![]), "{name}");

    // Each phase ends as predicted: a phone that downloaded (accept, accept-via-tvs) is ok,
    // one that did not keeps its state; phases are read from the baselines the run kept.
    let ranges = phase_ranges(&plan_text);
    let steps = prediction["steps"].as_array().expect("steps").len();
    assert_eq!(ranges.last().map(|r| r.1), Some(steps), "{plan_text}");
    let journal_dir = c.path("journal");
    let mut downloads = 0;
    for (i, &(_, last)) in ranges.iter().enumerate() {
        let observed = if i + 1 < ranges.len() {
            let base = read_json(&journal_dir.join(format!("phase-{}-baseline.json", i + 2)));
            states(&base["sweep"])
        } else {
            s_end.clone()
        };
        let mut wrong = Vec::new();
        for p in prediction["phones"].as_array().expect("phones") {
            let phone = p["name"].as_str().expect("name");
            let verdict = p["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .take(last)
                .rev()
                .map(|v| v["verdict"].as_str().unwrap_or("?"))
                .find(|v| *v != "unaffected");
            let want = match verdict {
                _ if p["assumed"] == true => s0[phone].clone(),
                Some("accept" | "accept-via-tvs") => "ok".to_owned(),
                None => s0[phone].clone(),
                Some(other) => format!("a problem ({other})"),
            };
            if verdict.is_some() && p["assumed"] != true {
                downloads += 1;
            }
            if observed[phone] != want {
                wrong.push(format!(
                    "{phone}: predicted {want}, found {}",
                    observed[phone]
                ));
            }
        }
        assert_eq!(wrong, Vec::<String>::new(), "{name}: phase {}", i + 1);
    }
    assert!(downloads > 0, "{name}: no phone downloaded a new list");

    // Every regeneration happened once, and the ITLs hold this run's certificates.
    let regens = regenerations(&events);
    assert!(!regens.is_empty());
    for ((node, unit), (n, _)) in &regens {
        assert_eq!(*n, 1, "{name}: {unit} of {node} regenerated {n} times");
    }
    let started_regens = journal(&journal_dir)
        .iter()
        .filter(|r| r["record"] == "step-start")
        .filter(|r| {
            r["command"]
                .as_str()
                .unwrap_or("")
                .contains("set cert regen")
        })
        .count();
    assert_eq!(started_regens, regens.len(), "{name}");
    assert!(!served_after.is_empty());
    // Phones whose pages show no trust list: on 14+ the ITL File Status stands in for them
    // at G-TRUST, before 14 nothing vouches for them (RisPort only for phones that were ok).
    let trust_gates: Vec<Value> = journal(&journal_dir)
        .into_iter()
        .filter(|r| r["record"] == "gate" && r["gate"] == "trust")
        .collect();
    let stood_in: Vec<usize> = trust_gates
        .iter()
        .map(|r| {
            r["details"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|d| d.ends_with("ITL File Status: Match (14+, inferred table) stands in"))
                .count()
        })
        .collect();
    assert!(!trust_gates.is_empty(), "{name}");
    if generation == "14+" {
        // The phones that hold an ITL among those whose pages show none, at every gate.
        assert!(stood_in[0] > 0, "{name}: {trust_gates:?}");
        assert!(
            stood_in.iter().all(|n| *n == stood_in[0]),
            "{name}: {stood_in:?}"
        );
    } else {
        assert!(stood_in.iter().all(|n| *n == 0), "{name}: {stood_in:?}");
    }
    eprintln!("{name}: {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn the_11_5_procedure_completes_as_predicted() {
    whole_procedure("regen-run-115", "11.5", false, ALL_UNITS);
}

#[test]
fn the_12_procedure_completes_as_predicted() {
    whole_procedure("regen-run-12", "12+", false, ALL_UNITS);
}

#[test]
fn the_12_mixed_procedure_completes_as_predicted() {
    whole_procedure("regen-run-12m", "12+", true, ALL_UNITS);
}

#[test]
fn the_14_automatic_procedure_completes_as_predicted() {
    whole_procedure("regen-run-14", "14+", false, ALL_UNITS);
}

#[test]
fn the_14_mixed_procedure_with_manual_phone_interaction_completes_as_predicted() {
    // In mixed mode 14+ needs manual phone interaction for the units in the CTL (`itl regen
    // plan` refuses them otherwise: regen_plan_cli).
    whole_procedure_with("regen-run-14m", "14+", true, ALL_UNITS, false);
}

#[test]
fn a_dry_run_changes_nothing_and_shows_every_action() {
    let mut c = Cluster::serve("regen-run-dry", "11.5", false, "");
    let plan_text = c.plan(UNITS);
    let plan = c.path("plan.txt");
    let (code, stdout, stderr) = c.run(&plan, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "Dry run of {} on cluster sim (11.5, non-secure, phone interaction manual): 5 phases, 77 actions. Nothing is changed.\n",
            plan.display()
        )),
        "{stdout}"
    );
    // One action line per action, ids numbered by plan step; the plan's steps in order.
    let actions: Vec<(&str, &str)> = stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split_once(' '))
        .map(|(id, cmd)| (id, cmd.trim()))
        .collect();
    assert_eq!(actions.len(), 77, "{stdout}");
    let ids: BTreeSet<&str> = actions.iter().map(|a| a.0).collect();
    assert_eq!(ids.len(), 77);
    let plan_steps = plan_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    let numbers: BTreeSet<usize> = actions
        .iter()
        .filter_map(|(id, _)| id.split_once('.')?.0.parse().ok())
        .collect();
    assert_eq!(numbers, (1..=plan_steps).collect::<BTreeSet<_>>());
    for expected in [
        ("1.1", "ssh ucm-pub: set cert regen ipsec"),
        ("1.3", "ssh ucm-sub2: set cert regen ipsec"),
        ("5.1", "ssh ucm-pub: set cert regen CAPF"),
        (
            "8.1",
            "control center ucm-sub1: soapDoControlServices Restart \"Cisco Tftp\"",
        ),
        (
            "11.1",
            "axl: resetPhone every phone, device pool by device pool, in batches",
        ),
        ("14.2", "ssh ucm-sub1: set cert regen CallManager"),
        ("42.1", "wait 30m"),
        (
            "45.1",
            "ssh ucm-pub: utils disaster_recovery backup network …",
        ),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in\n{stdout}");
    }
    assert_eq!(stdout.matches("— predicted safe: ").count(), 5, "{stdout}");
    assert_eq!(
        c.events(),
        Vec::<Value>::new(),
        "a dry run changed the cluster"
    );

    // Refused: the classic wrong order, still without a change.
    let wrong = c.path("wrong.txt");
    std::fs::write(&wrong, WRONG_ORDER).expect("write");
    let (code, stdout, stderr) = c.run(&wrong, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("phase 1 — REFUSED: 37 phone(s) that are on would be left rejecting: "),
        "{stdout}"
    );
    assert_eq!(c.events(), Vec::<Value>::new());

    // The events file does record a change: one executed regeneration.
    let one = c.path("one.txt");
    std::fs::write(&one, "regen ipsec @ucm-pub\n").expect("write");
    let (code, stdout, stderr) = c.execute(&one, "j-one", GATE_TIMEOUT, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let events = c.events();
    c.stop();
    assert_eq!(
        kinds(&events),
        BTreeMap::from([("cert-regenerated".to_owned(), 1)])
    );
}

#[test]
fn the_wrong_order_is_refused_and_runs_only_forced() {
    let mut c = Cluster::serve("regen-run-wrong", "11.5", false, "");
    let wrong = c.path("wrong.txt");
    std::fs::write(&wrong, WRONG_ORDER).expect("write");
    c.sweep("before.json");
    let prediction = c.predict("before.json", &wrong, &[]);
    let predicted: BTreeSet<String> = prediction["phones"]
        .as_array()
        .expect("phones")
        .iter()
        .filter(|p| p["final"]["verdict"] == "reject" || p["first_reject"].is_number())
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(predicted.len(), 37);

    let (code, stdout, stderr) = c.execute(&wrong, "refused", GATE_TIMEOUT, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "itl: REFUSED phase 1: 37 phone(s) that are on would be left rejecting the cluster: "
        ),
        "{stderr}"
    );
    let records = journal(&c.path("refused"));
    assert!(
        records.iter().any(|r| r["record"] == "note"
            && r["text"]
                .as_str()
                .unwrap_or("")
                .starts_with("phase 1 refused: 37 phone(s) that are on would be left rejecting: ")),
        "{records:?}"
    );
    assert!(!records.iter().any(|r| r["record"] == "step-start"));
    assert_eq!(c.events(), Vec::<Value>::new());

    // Forced: it runs, the journal says so, and the phones the predictor named are exactly
    // those that do not register again.
    let (code, stdout, stderr) = c.execute(
        &wrong,
        "forced",
        "60m",
        &["--force", "lab: proving the refusal"],
    );
    let events = c.events();
    c.stop();
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("itl: HELD at p1.registered: gate registered of phase 1 holds: 37 of 40 phones did not register again"),
        "{stderr}"
    );
    let records = journal(&c.path("forced"));
    assert_eq!(records[0]["force"], "lab: proving the refusal");
    assert!(records.iter().any(|r| r["record"] == "note"
        && r["text"].as_str().unwrap_or("").starts_with(
            "phase 1 forced (lab: proving the refusal): the predictor says 37 phone(s) would be left rejecting"
        )));
    let gate = records
        .iter()
        .find(|r| r["record"] == "gate" && r["gate"] == "registered")
        .expect("a G-REG record");
    let down: BTreeSet<String> = gate["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d.as_str()?.strip_suffix(": not registered"))
        .map(str::to_owned)
        .collect();
    assert_eq!(down, predicted);
    assert_eq!(kinds(&events)["cert-regenerated"], 6);
}

/// A child `itl` process the test kills.
fn spawn(c: &Cluster, args: &[String]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_itl"))
        .current_dir(c.dir.path())
        .args(args)
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", OS_PASSWORD)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("itl starts")
}

/// Where to kill: when the journal first shows `step` (its start; a gate's verdict), or
/// when the events file grows after that (the command took effect, its end not recorded).
#[derive(Clone, Copy, Debug)]
enum KillAt {
    Start(&'static str),
    Effect(&'static str),
}

/// Waits until `at` is reached by `child`, then SIGKILLs it; panics if it exits first or
/// takes more than a minute. Returns whether the kill landed inside an `Effect` window (the
/// step took effect and its end was not yet recorded): on a loaded machine `itl` can record
/// the end before the poll sees the effect, and such a kill proves nothing about observation.
fn kill_at(c: &Cluster, journal_dir: &Path, child: &mut Child, at: KillAt) -> bool {
    let step = match at {
        KillAt::Start(s) | KillAt::Effect(s) => s,
    };
    let needle = format!("\"step\":\"{step}\"");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut events_then = None;
    loop {
        let journal =
            std::fs::read_to_string(journal_dir.join("journal.jsonl")).unwrap_or_default();
        let events = c.events().len();
        let seen = journal.contains(&needle);
        let fire = match at {
            KillAt::Start(_) => seen,
            KillAt::Effect(_) => {
                if seen && events_then.is_none() {
                    events_then = Some(events);
                }
                events_then.is_some_and(|n| events > n)
            }
        };
        if fire {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            let journal =
                std::fs::read_to_string(journal_dir.join("journal.jsonl")).unwrap_or_default();
            let ended = journal
                .lines()
                .any(|l| l.contains(&needle) && l.contains("\"record\":\"step-end\""));
            return matches!(at, KillAt::Effect(_)) && !ended;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("itl exited ({status}) before {at:?}");
        }
        assert!(
            Instant::now() < deadline,
            "{at:?} not reached within a minute"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs the procedure for `generation` twice on clusters built from the same seed: once
/// uninterrupted, once SIGKILLed at each point `choose` picks from the dry run's actions (id,
/// command) and resumed; the end states must be equal and no step run again unless the
/// journal says it was observed not to have taken effect (or continued).
fn kill_and_resume(
    name: &'static str,
    generation: &'static str,
    mixed: bool,
    units: &'static str,
    choose: fn(&[(&'static str, String)]) -> Vec<KillAt>,
) {
    let started = Instant::now();
    // The uninterrupted run, on a cluster built from the same seed, beside it.
    let reference = std::thread::spawn(move || {
        let mut c = Cluster::serve(&format!("{name}-ref"), generation, mixed, "");
        c.plan(units);
        let (code, stdout, stderr) = c.execute(&c.path("plan.txt"), "journal", GATE_TIMEOUT, &[]);
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        let end = (
            regenerations(&c.events()),
            c.served_itls(),
            states(&c.sweep("after.json")),
        );
        c.stop();
        end
    });

    let mut c = Cluster::serve(name, generation, mixed, "");
    c.plan(units);
    let journal_dir = c.path("journal");
    let mut run: Vec<String> = ["regen", "run", "--cluster", &c.cluster(), "--plan"]
        .iter()
        .map(|a| (*a).to_owned())
        .chain([s(&c.path("plan.txt")), "--risport-rate".into(), "0".into()])
        .collect();
    run.extend(c.execute_args_timeout("journal", GATE_TIMEOUT));
    let resume: Vec<String> = ["regen", "resume", "--journal", &s(&journal_dir)]
        .iter()
        .map(|a| (*a).to_owned())
        .chain(["--yes".into(), "--risport-rate".into(), "0".into()])
        .collect();
    let (code, dry, _) = c.run(&c.path("plan.txt"), &[]);
    assert_eq!(code, Some(0));
    let actions: Vec<(&'static str, String)> = dry
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split_once(' '))
        .map(|(id, cmd)| {
            (
                &*Box::leak(id.to_owned().into_boxed_str()),
                cmd.trim().to_owned(),
            )
        })
        .collect();
    let points = choose(&actions);
    assert!(!points.is_empty());
    let kills = points.len();
    let mut child = spawn(&c, &run);
    let last = points.len() - 1;
    let mut in_window = 0;
    for (i, at) in points.into_iter().enumerate() {
        in_window += usize::from(kill_at(&c, &journal_dir, &mut child, at));
        if i < last {
            child = spawn(&c, &resume);
        }
    }
    let resume: Vec<&str> = resume.iter().map(String::as_str).collect();
    let out = c
        .itl()
        .args(&resume)
        .timeout(Duration::from_secs(120))
        .run();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let status_out = c.status("journal");
    let status_text = text(&status_out.stdout);
    assert!(status_text.ends_with("state: completed\n"), "{status_text}");
    let regens = regenerations(&c.events());
    let itls = c.served_itls();
    let phones = states(&c.sweep("after.json"));
    c.stop();
    let (ref_regens, ref_itls, ref_phones) = reference.join().expect("the uninterrupted run");

    // No regeneration ran twice; the end state is the uninterrupted run's.
    assert_eq!(regens, ref_regens, "{name}");
    assert!(regens.values().all(|(n, _)| *n == 1));
    assert_eq!(itls, ref_itls);
    assert_eq!(phones, ref_phones);
    // A step started again only after the observation said it had not taken effect.
    let records = journal(&journal_dir);
    let mut starts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records.iter().filter(|r| r["record"] == "step-start") {
        *starts.entry(r["step"].as_str().expect("step")).or_insert(0) += 1;
    }
    let repeats: BTreeMap<&str, usize> = records
        .iter()
        .filter(|r| r["record"] == "note")
        .filter_map(|r| {
            let text = r["text"].as_str()?;
            text.strip_suffix(": observed not to have taken effect; run again")
                .or_else(|| text.strip_suffix(": continued after an interruption"))
        })
        .fold(BTreeMap::new(), |mut m, id| {
            *m.entry(id).or_insert(0) += 1;
            m
        });
    for (step, n) in &starts {
        assert_eq!(
            n - 1,
            repeats.get(step).copied().unwrap_or(0),
            "step {step} started {n} times"
        );
    }
    let observed = records
        .iter()
        .filter(|r| r["record"] == "step-end" && r["outcome"] == "observed")
        .count();
    // Each kill inside an effect window makes resume observe that step done.
    assert!(
        observed >= in_window,
        "{name}: {in_window} kills after a step took effect, {observed} observed done"
    );
    assert!(!repeats.is_empty(), "{name}: no step was run again");
    eprintln!(
        "{name}: {observed} steps observed done ({in_window} kills inside an effect window), {} run again or continued",
        repeats.values().sum::<usize>()
    );
    eprintln!(
        "{name}: {kills} kills and resumes: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn sigkill_at_every_step_of_the_11_5_procedure_then_resume_ends_as_an_uninterrupted_run() {
    kill_and_resume("regen-run-kill", "11.5", false, UNITS, |actions| {
        // Every step in turn (an action at its start, a gate at its verdict), and three
        // regenerations also once they took effect (before their end is recorded).
        assert_eq!(actions.len(), 77);
        let mut points = Vec::new();
        for (id, _) in actions {
            points.push(KillAt::Start(id));
            if ["1.2", "14.2", "32.1"].contains(id) {
                points.push(KillAt::Effect(id));
            }
        }
        points
    });
}

/// The first action whose command contains `what`.
fn first(actions: &[(&'static str, String)], what: &str) -> &'static str {
    actions
        .iter()
        .find(|(_, cmd)| cmd.contains(what))
        .map(|(id, _)| *id)
        .unwrap_or_else(|| panic!("no action {what:?}"))
}

#[test]
fn sigkill_at_three_steps_of_the_12_mixed_procedure_then_resume() {
    kill_and_resume("regen-run-kill-12m", "12+", true, UNITS_MIXED, |actions| {
        vec![
            KillAt::Effect(first(actions, "utils ctl update CTLFile")),
            KillAt::Effect(first(actions, "set cert regen ITLRecovery")),
            KillAt::Start(first(actions, "utils ctl reset localkey")),
        ]
    });
}

#[test]
fn sigkill_at_three_steps_of_the_14_procedure_then_resume() {
    kill_and_resume("regen-run-kill-14", "14+", false, UNITS, |actions| {
        vec![
            KillAt::Effect(first(actions, "set cert regen CAPF")),
            KillAt::Start(first(actions, "set cert regen TVS")),
            KillAt::Start(first(actions, "backup network")),
        ]
    });
}

#[test]
fn phones_that_stay_down_hold_g_reg_and_status_names_them() {
    let mut c = Cluster::serve("regen-run-down", "11.5", false, "phones-stay-down=10%");
    c.plan(UNITS);
    c.holds(&[], "itl: HELD at 12.1: gate registered of phase 1 holds: 4 of 40 phones did not register again; ");
    let status = c.status("journal");
    let after = states(&c.sweep("after.json"));
    c.stop();
    assert_eq!(status.status.code(), Some(0));
    let out = text(&status.stdout);
    assert!(
        out.ends_with("state: held (fix the cause, then `itl regen resume`)\n"),
        "{out}"
    );
    let held = out
        .lines()
        .find(|l| {
            l.contains(
                "  HELD: gate registered of phase 1 holds: 4 of 40 phones did not register again; ",
            )
        })
        .expect("a HELD line");
    let named: BTreeSet<&str> = held
        .split("; ")
        .filter_map(|p| p.strip_suffix(": not registered"))
        .collect();
    let unregistered: BTreeSet<&str> = after
        .iter()
        .filter(|(_, st)| *st == "unregistered")
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(named.len(), 4, "{held}");
    assert_eq!(named, unregistered);
    assert!(out.contains("12.1 gate registered: HOLDS (4 of 40 phones did not register again)"));
}

#[test]
fn a_restart_that_fails_holds_the_run_at_its_step() {
    let mut c = Cluster::serve(
        "regen-run-restart",
        "11.5",
        false,
        "restart-fails=TFTP@ucm-sub1",
    );
    c.plan(UNITS);
    c.holds(&[], "itl: HELD at 8.1: step 8.1 (control center ucm-sub1: soapDoControlServices Restart \"Cisco Tftp\") failed: ucm-sub1: Cisco Tftp is not Started after 3.6s (last seen: Stopped)");
    let status = c.status("journal");
    let events = c.events();
    c.stop();
    let out = text(&status.stdout);
    assert!(
        out.contains(
            "  8.1 FAILED: ucm-sub1: Cisco Tftp is not Started after 3.6s (last seen: Stopped)\n"
        ),
        "{out}"
    );
    assert!(!out.contains("8.2 started"), "{out}");
    assert!(events.iter().any(|e| e["kind"] == "service-stopped"
        && e["node"] == "ucm-sub1"
        && e["detail"] == "restart failed"));
}

#[test]
fn a_tftp_node_that_is_down_holds_g_file() {
    let mut c = Cluster::serve("regen-run-tftp", "11.5", false, "tftp-down=ucm-sub1");
    c.plan(UNITS);
    // The preflight fails on the silent node first.
    let (code, _, stderr) = c.execute(&c.path("plan.txt"), "refused", GATE_TIMEOUT, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("itl: refused: failing preflight checks:\n"),
        "{stderr}"
    );
    assert_eq!(c.events(), Vec::<Value>::new());
    // Forced past it, the run holds at G-FILE, naming the node.
    c.holds(
        &["--force", "lab: TFTP down"],
        "itl: HELD at 10.1: gate files of phase 1 holds: ucm-sub1: serves no ITLFile.tlv (",
    );
    c.stop();
    let records = journal(&c.path("journal"));
    let gate = records
        .iter()
        .find(|r| r["record"] == "gate" && r["gate"] == "files")
        .expect("a G-FILE record");
    assert_eq!(gate["step"], "10.1");
    assert_eq!(gate["passed"], false);
    assert!(
        gate["details"][0]
            .as_str()
            .is_some_and(|d| d.starts_with("ucm-sub1: serves no ITLFile.tlv (")),
        "{gate}"
    );
    assert!(
        records
            .iter()
            .any(|r| r["record"] == "held" && r["phase"] == 1)
    );
}
