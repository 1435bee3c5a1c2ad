//! `itl plan suggest` through the real binary against a simulated cluster on loopback: the
//! served lists are fetched from its TFTP nodes, the suggested plan is checked by the
//! predictor, and then applied to the same simulated cluster with `itl sim replay` (the
//! simulator's phones deciding): no TVS-capable phone that stays on is ever rejected. With
//! the phones of a sweep the check covers every phone it can assess (7940/7960 hold no ITL
//! and are unaffected) and counts the rest; phones holding another cluster's ITL cannot be
//! protected, and the check says so with exit 1.

mod common;

use common::{Itl, SimServe, TempDir, ok_stdout, read_json, s, strings, sweep_to_json, text};
use serde_json::Value;

const PASSWORD: &str = "plan-suggest";

/// The options that decide the simulated cluster: `itl sim serve` and `itl sim replay` build
/// the same cluster from them.
fn cluster_options(generation: &str, mixed: bool) -> Vec<&str> {
    let mut options = vec![
        "--nodes",
        "3",
        "--phones",
        "80",
        "--generation",
        generation,
        "--seed",
        "9",
        "--key-bits",
        "1024",
    ];
    if mixed {
        options.push("--mixed");
    }
    options
}

fn serve(generation: &str, mixed: bool, dir: &TempDir) -> SimServe {
    SimServe::start(
        &dir.join("cluster.toml"),
        PASSWORD,
        &cluster_options(generation, mixed),
    )
}

/// `itl plan suggest` on a simulated cluster of `generation` (mixed mode when `mixed`) with
/// `extra` options, its heading asserted, then `itl sim replay` of the suggested plan on the
/// same cluster; returns (the suggestion's output, the replay JSON).
fn suggest_then_replay(generation: &str, mixed: bool, extra: &[&str]) -> (String, Value) {
    let dir = TempDir::new(&format!("{generation}-{mixed}").replace('+', "p"));
    let sim = serve(generation, mixed, &dir);
    let plan = dir.join("plan.txt");
    let (cluster_arg, plan_arg) = (s(&dir.join("cluster.toml")), s(&plan));
    let out = Itl::new()
        .args(&[
            "plan",
            "suggest",
            "--cluster",
            &cluster_arg,
            "--out",
            &plan_arg,
        ])
        .args(extra)
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    sim.stop();
    let stdout = ok_stdout(&out);
    let mode = if mixed { "mixed" } else { "non-secure" };
    let heading = format!("# safe order for cluster sim ({generation}, {mode})\n");
    assert!(stdout.starts_with(&heading), "{stdout}");
    let json = dir.join("replay.json");
    let json_arg = s(&json);
    let out = Itl::new()
        .args(&["sim", "replay"])
        .args(&cluster_options(generation, mixed))
        .args(&["--plan", &plan_arg, "--json", &json_arg])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    (stdout, read_json(&json))
}

/// Phones with TVS support (every model but the 7940/7960) never rejected, at any step or
/// after the plan; returns (phones checked, phones without TVS).
fn no_tvs_capable_phone_rejected(replay: &Value) -> (usize, usize) {
    let mut checked = 0;
    let mut without_tvs = 0;
    for p in replay["phones"].as_array().expect("phones") {
        let verdicts = strings(&p["verdicts"], "verdicts");
        let rejected = verdicts.contains(&"reject") || p["final"]["verdict"] == "reject";
        let detail = p["final"]["itl_detail"].as_str().unwrap_or_default();
        let details: Vec<&str> = p["outcomes"]
            .as_array()
            .expect("outcomes")
            .iter()
            .chain([&p["final"]])
            .flat_map(|o| [o["itl_detail"].as_str(), o["ctl_detail"].as_str()])
            .flatten()
            .collect();
        let no_tvs = details.iter().any(|d| d.contains("has no TVS support"));
        if no_tvs {
            without_tvs += 1;
            continue;
        }
        assert!(!rejected, "{}: {verdicts:?} {detail}", p["name"]);
        checked += 1;
    }
    (checked, without_tvs)
}

#[test]
fn the_suggestion_for_11_5_is_safe_in_the_simulator() {
    let (stdout, replay) = suggest_then_replay("11.5", false, &[]);
    // Field order on 11.5: CAPF, CallManager, TVS, ITLRecovery.
    let order: Vec<usize> = [
        "regen CAPF",
        "regen CallManager",
        "regen TVS",
        "regen ITLRecovery",
    ]
    .iter()
    .map(|s| {
        stdout
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{stdout}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{stdout}");
    assert!(
        stdout.contains("0 rejected at any step or after the plan"),
        "{stdout}"
    );
    let (checked, without_tvs) = no_tvs_capable_phone_rejected(&replay);
    assert_eq!(checked + without_tvs, 80);
    assert!(checked >= 70, "{checked}");
}

#[test]
fn the_suggestion_for_12_mixed_is_safe_in_the_simulator() {
    let (stdout, replay) = suggest_then_replay("12+", true, &[]);
    // Mixed: the CTL is updated first and after CAPF, CallManager and ITLRecovery.
    assert_eq!(stdout.matches("\nctl update\n").count(), 4, "{stdout}");
    let (checked, without_tvs) = no_tvs_capable_phone_rejected(&replay);
    assert_eq!(checked + without_tvs, 80);
}

#[test]
fn the_suggestion_for_14_puts_tvs_first_and_lets_phones_reset_themselves() {
    let (stdout, replay) =
        suggest_then_replay("14+", false, &["--generation", "14+", "--automatic-resets"]);
    let tvs = stdout.find("regen TVS").expect("TVS");
    let cm = stdout.find("regen CallManager").expect("CallManager");
    assert!(
        tvs < cm,
        "Security Guide order: TVS before CallManager\n{stdout}"
    );
    assert!(!stdout.contains("\nreset phones\n"), "{stdout}");
    no_tvs_capable_phone_rejected(&replay);
}

/// Sweeps the simulated cluster of `dir` (archive beside the report) and runs `itl plan
/// suggest` with that sweep and `extra` options; returns (exit code, stdout, sweep JSON).
fn suggest_with_sweep(dir: &TempDir, extra: &[&str]) -> (Option<i32>, String, Value) {
    let sweep = dir.join("sweep.json");
    sweep_to_json(&dir.join("cluster.toml"), &sweep, PASSWORD);
    let out = Itl::new()
        .args(&[
            "plan",
            "suggest",
            "--cluster",
            &s(&dir.join("cluster.toml")),
            "--sweep",
            &s(&sweep),
        ])
        .args(extra)
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    (out.status.code(), text(&out.stdout), read_json(&sweep))
}

fn count(report: &Value, pred: impl Fn(&Value) -> bool) -> usize {
    report["phones"]
        .as_array()
        .expect("phones")
        .iter()
        .filter(|p| pred(p))
        .count()
}

fn is_7940_or_7960(p: &Value) -> bool {
    p["model"]
        .as_str()
        .is_some_and(|m| m.contains("7960") || m.contains("7940"))
}

#[test]
fn with_a_sweep_the_check_covers_every_phone_it_can_assess_and_counts_the_rest() {
    let dir = TempDir::new("sweep");
    let sim = serve("11.5", false, &dir);
    let (code, stdout, report) = suggest_with_sweep(&dir, &[]);
    // 7940/7960 hold no ITL: assessed (unaffected) although their pages show nothing; the
    // other phones whose pages show no trust field cannot be assessed.
    let no_sbd = count(&report, is_7940_or_7960);
    assert!(no_sbd > 0, "the fleet has 7940/7960 phones");
    let unread = count(&report, |p| {
        p["state"] == "no-trust-info" && !is_7940_or_7960(p)
    });
    assert!(
        unread > 0,
        "the fleet has models whose pages show no trust field"
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "# note: {unread} registered phone(s) of the sweep could not be assessed (trust lists not read or not archived) and are not in the check; --assume-current checks them as holding what their TFTP node serves"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "# checked by the predictor: {} phone(s) registered throughout, 0 rejected at any step or after the plan",
            80 - unread
        )),
        "{stdout}"
    );
    // --assume-current: every phone is in the check.
    let (code, stdout, _) = suggest_with_sweep(&dir, &["--assume-current"]);
    sim.stop();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(!stdout.contains("could not be assessed"), "{stdout}");
    assert!(
        stdout.contains(
            "# checked by the predictor: 80 phone(s) registered throughout, 0 rejected at any step or after the plan"
        ),
        "{stdout}"
    );
}

#[test]
fn reject_twin_phones_holding_another_clusters_itl_fail_the_check() {
    // With the archive of earlier sweeps (of this cluster and of the other one), the sweep
    // knows the foreign lists, and the predictor sees that no step can protect those phones.
    let dir = TempDir::new("foreign");
    let archive = dir.join("itl-archive");
    let mut options = cluster_options("11.5", false);
    let archive_arg = s(&archive);
    options.extend(["--faults", "foreign-itl=5%", "--archive", &archive_arg]);
    let sim = SimServe::start(&dir.join("cluster.toml"), PASSWORD, &options);
    let (code, stdout, report) = suggest_with_sweep(&dir, &[]);
    sim.stop();
    let foreign = count(&report, |p| p["state"] == "foreign-itl");
    assert!(foreign > 0, "{report}");
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("# CHECK FAILED: "), "{stdout}");
    assert!(stdout.contains(" would be rejected:"), "{stdout}");
    let failed = stdout
        .lines()
        .find(|l| l.starts_with("# CHECK FAILED: "))
        .expect("line");
    let rejected: usize = failed["# CHECK FAILED: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert_eq!(rejected, foreign, "{stdout}");
}

#[test]
fn the_suggestion_for_12_bridges_itlrecovery_and_protects_every_phone() {
    let (stdout, replay) = suggest_then_replay("12+", false, &[]);
    assert!(
        stdout.contains("regen ITLRecovery @all\nitl reset localkey\nreset phones\ngate registered\nrestart TFTP @all\ngate services\ngate files\nreset phones\ngate registered\ngate trust\n"),
        "{stdout}"
    );
    // On 12+ no step of the plan needs TVS: even phones without TVS support are never rejected.
    let (checked, without_tvs) = no_tvs_capable_phone_rejected(&replay);
    assert_eq!((checked, without_tvs), (80, 0));
    assert_eq!(replay["final_counts"]["rejected"], 0);
}
