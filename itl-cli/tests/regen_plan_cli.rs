//! `itl regen plan` through the real binary against a simulated cluster on loopback (11.5,
//! 12+, 12+ mixed with LSCs, 14+ with automatic phone interaction): the facts come from the
//! cluster (release over the admin CLI, mode and LSCs over AXL, services over Control
//! Center); the written plan parses, names its phases with gates and durations, and `itl
//! predict` (from a sweep of the same cluster) finds no phone rejected at any step or after
//! it. Bad inputs exit 2.

mod common;

use common::{Itl, SimServe, TempDir, assert_assessed, read_json, s, sweep_to_json, text};
use serde_json::Value;

const PASSWORD: &str = "regen-plan-cli";
const OS_PASSWORD: &str = "regen-plan-cli-os";

fn serve(dir: &TempDir, generation: &str, mixed: bool, faults: &str) -> SimServe {
    let mut options = vec!["--seed", "3"];
    if mixed {
        options.push("--mixed");
    }
    if !faults.is_empty() {
        options.extend(["--faults", faults]);
    }
    SimServe::start_cluster(
        &dir.join("cluster.toml"),
        (PASSWORD, OS_PASSWORD),
        ["3", "40", generation],
        &options,
    )
}

/// `itl regen plan` on the simulated cluster of `dir`, the plan written to `plan.txt`;
/// returns (exit code, stdout, stderr).
fn regen_plan(dir: &TempDir, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = Itl::new()
        .args(&["regen", "plan", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--out", &s(&dir.join("plan.txt"))])
        .args(extra)
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", OS_PASSWORD)
        .run();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// Sweeps the cluster and predicts `plan.txt` for every phone (phones whose pages show no
/// lists taken to hold what their TFTP node serves); returns the prediction.
fn predict(dir: &TempDir, extra: &[&str]) -> Value {
    let sweep = dir.join("sweep.json");
    sweep_to_json(&dir.join("cluster.toml"), &sweep, PASSWORD);
    let json = dir.join("predict.json");
    let out = Itl::new()
        .args(&["predict", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--sweep", &s(&sweep), "--plan", &s(&dir.join("plan.txt"))])
        .args(&["--assume-current", "--json", &s(&json)])
        .args(extra)
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_assessed(&out, "predict");
    read_json(&json)
}

/// Phones rejected at some step or at the end, by name with the step; every phone of the
/// fleet is predicted and some take new lists.
fn rejected(prediction: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let phones = prediction["phones"].as_array().expect("phones");
    assert_eq!(phones.len(), 40);
    let accepted = phones
        .iter()
        .flat_map(|p| p["steps"].as_array().expect("steps").iter())
        .filter(|v| v["verdict"] == "accept" || v["verdict"] == "accept-via-tvs")
        .count();
    assert!(accepted >= 40, "{accepted} acceptances");
    for p in phones {
        let steps = p["steps"].as_array().expect("steps");
        for (i, v) in steps.iter().chain([&p["final"]]).enumerate() {
            if v["verdict"] == "reject" {
                out.push(format!("{} at {} ({})", p["name"], i + 1, v["detail"]));
            }
        }
    }
    out
}

/// A simulated cluster ([`serve`]) in a new folder `name`, and `itl regen plan` on it with no
/// further option, asserted to end with 0; returns (folder, cluster, stdout, stderr).
#[track_caller]
fn planned(
    name: &str,
    generation: &str,
    mixed: bool,
    faults: &str,
) -> (TempDir, SimServe, String, String) {
    let dir = TempDir::new(name);
    let sim = serve(&dir, generation, mixed, faults);
    let (code, stdout, stderr) = regen_plan(&dir, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    (dir, sim, stdout, stderr)
}

/// Predicts `plan.txt` with `extra` options, stops the simulated cluster and asserts that no
/// phone is rejected at any step.
#[track_caller]
fn locks_no_phone_out(dir: &TempDir, sim: SimServe, extra: &[&str]) {
    let prediction = predict(dir, extra);
    sim.stop();
    assert_eq!(rejected(&prediction), Vec::<String>::new());
}

/// Where `line` stands among the plan's steps.
#[track_caller]
fn position(lines: &[&str], line: &str) -> usize {
    lines
        .iter()
        .position(|l| *l == line)
        .unwrap_or_else(|| panic!("{line:?} is not a step of the plan"))
}

fn steps(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn the_11_5_plan_is_the_field_procedure_and_locks_no_phone_out() {
    let (dir, sim, stdout, stderr) = planned("regen-11", "11.5", false, "");
    assert!(
        stdout.starts_with("# itl regen plan for cluster sim: CUCM 11.5, non-secure\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("plan.txt")).expect("written"),
        stdout
    );
    assert!(stderr.contains("wrote "), "{stderr}");
    let lines = steps(&stdout);
    assert_eq!(lines[0], "regen ipsec @all");
    assert_eq!(lines.last(), Some(&"gate trust"));
    assert!(lines.contains(&"backup") && lines.contains(&"delete old-trust @all"));
    assert!(stdout.contains("\n# phase 1: ipsec (in no trust list; DRF); CAPF (publisher)\n# gates: G-REG, G-TRUST; expected about "), "{stdout}");
    assert_eq!(stdout.matches("\n# phase ").count(), 5, "{stdout}");
    locks_no_phone_out(&dir, sim, &[]);
}

#[test]
fn the_12_plan_bridges_itlrecovery_and_locks_no_phone_out() {
    let (dir, sim, stdout, _) = planned("regen-12", "12+", false, "");
    assert!(
        stdout.contains(
            "\nregen ITLRecovery @ucm-pub\nitl reset localkey\nreset phones\ngate registered\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("\nctl update\n"), "{stdout}");
    locks_no_phone_out(&dir, sim, &[]);
}

#[test]
fn the_12_mixed_plan_updates_the_ctl_reissues_lscs_and_locks_no_phone_out() {
    let (dir, sim, stdout, _) = planned("regen-12-mixed", "12+", true, "lsc=25%");
    assert!(
        stdout.starts_with("# itl regen plan for cluster sim: CUCM 12+, mixed mode\n"),
        "{stdout}"
    );
    assert!(stdout.contains("# LSCs: in use;"), "{stdout}");
    let lines = steps(&stdout);
    assert_eq!(lines[0], "ctl update");
    assert_eq!(lines.iter().filter(|l| **l == "ctl update").count(), 4);
    let reissue = position(&lines, "reissue lsc");
    let delete = position(&lines, "delete old-trust @all");
    assert!(reissue < delete);
    locks_no_phone_out(&dir, sim, &[]);
}

#[test]
fn the_14_automatic_plan_resets_no_phone_itself_and_locks_no_phone_out() {
    let (dir, sim, stdout, _) = planned("regen-14", "14", false, "");
    assert!(
        stdout.starts_with("# itl regen plan for cluster sim: CUCM 14+, non-secure, automatic phone interaction (the cluster resets the phones)\n"),
        "{stdout}"
    );
    let lines = steps(&stdout);
    assert!(!lines.contains(&"reset phones"), "{stdout}");
    assert!(lines.contains(&"ipsec restart @all"));
    let tvs = position(&lines, "regen TVS @all");
    let cm = position(&lines, "regen CallManager @all");
    assert!(tvs < cm, "{stdout}");
    locks_no_phone_out(&dir, sim, &["--generation", "14+", "--automatic-resets"]);
}

#[test]
fn chosen_units_and_bad_inputs() {
    let dir = TempDir::new("regen-inputs");
    let sim = serve(&dir, "12+", false, "");
    let (code, stdout, _) = regen_plan(&dir, &["--units", "tomcat,ipsec"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("# units: ipsec, tomcat\n"), "{stdout}");
    assert_eq!(steps(&stdout)[0], "regen ipsec @all");
    assert!(!stdout.contains("regen CAPF"), "{stdout}");
    // Without the admin CLI the release is unknown unless given.
    let (code, _, stderr) = regen_plan(&dir, &["--no-ssh"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("the CUCM release is unknown"), "{stderr}");
    let (code, stdout, stderr) = regen_plan(&dir, &["--no-ssh", "--generation", "12+"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("# note: release not read: 12+ as given\n"),
        "{stdout}"
    );
    let (code, _, stderr) = regen_plan(&dir, &["--units", "certs"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown unit \"certs\""), "{stderr}");
    sim.stop();
    // A cluster file that is not one.
    std::fs::write(dir.join("cluster.toml"), "not = [toml").expect("write");
    let (code, _, stderr) = regen_plan(&dir, &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot use the cluster file"), "{stderr}");
}
