//! `itl plan suggest` through the real binary against a simulated cluster on loopback: the
//! served lists are fetched from its TFTP nodes, the suggested plan is checked by the
//! predictor, and then applied to the same simulated cluster with `itl sim replay` (the
//! simulator's phones deciding): no TVS-capable phone that stays on is ever rejected. With
//! the phones of a sweep the check also covers phones without TVS (7960), which the plan
//! cannot protect on 11.5, and says so with exit 1.

mod common;

use common::{Itl, SimServe, TempDir, s, text};
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
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let json = dir.join("replay.json");
    let json_arg = s(&json);
    let out = Itl::new()
        .args(&["sim", "replay"])
        .args(&cluster_options(generation, mixed))
        .args(&["--plan", &plan_arg, "--json", &json_arg])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let replay: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("parses");
    (stdout, replay)
}

/// Phones with TVS support (every model but the 7940/7960) never rejected, at any step or
/// after the plan; returns (phones checked, phones without TVS).
fn no_tvs_capable_phone_rejected(replay: &Value) -> (usize, usize) {
    let mut checked = 0;
    let mut without_tvs = 0;
    for p in replay["phones"].as_array().expect("phones") {
        let verdicts: Vec<&str> = p["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .map(|v| v.as_str().expect("verdict"))
            .collect();
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
    assert!(
        stdout.starts_with("# safe order for cluster sim (11.5, non-secure)\n"),
        "{stdout}"
    );
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
    assert!(
        stdout.starts_with("# safe order for cluster sim (12+, mixed)\n"),
        "{stdout}"
    );
    // Mixed: the CTL is updated first and after CAPF, CallManager and ITLRecovery.
    assert_eq!(stdout.matches("\nctl update\n").count(), 4, "{stdout}");
    let (checked, without_tvs) = no_tvs_capable_phone_rejected(&replay);
    assert_eq!(checked + without_tvs, 80);
}

#[test]
fn the_suggestion_for_14_puts_tvs_first_and_lets_phones_reset_themselves() {
    let (stdout, replay) =
        suggest_then_replay("14+", false, &["--generation", "14+", "--automatic-resets"]);
    assert!(
        stdout.starts_with("# safe order for cluster sim (14+, non-secure)\n"),
        "{stdout}"
    );
    let tvs = stdout.find("regen TVS").expect("TVS");
    let cm = stdout.find("regen CallManager").expect("CallManager");
    assert!(
        tvs < cm,
        "Security Guide order: TVS before CallManager\n{stdout}"
    );
    assert!(!stdout.contains("\nreset phones\n"), "{stdout}");
    no_tvs_capable_phone_rejected(&replay);
}

#[test]
fn with_a_sweep_the_check_names_the_phones_the_plan_cannot_protect() {
    let dir = TempDir::new("sweep");
    let sim = serve("11.5", false, &dir);
    let sweep = dir.join("sweep.json");
    let out = Itl::new()
        .args(&[
            "sweep",
            "--cluster",
            &s(&dir.join("cluster.toml")),
            "--insecure",
            "--json",
            &s(&sweep),
        ])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    sim.stop();
    let out = Itl::new()
        .args(&[
            "plan",
            "suggest",
            "--cluster",
            &s(&dir.join("cluster.toml")),
            "--sweep",
            &s(&sweep),
        ])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(&sweep).expect("sweep")).expect("json");
    let no_tvs = report["phones"]
        .as_array()
        .expect("phones")
        .iter()
        .filter(|p| {
            p["model"]
                .as_str()
                .is_some_and(|m| m.contains("7960") || m.contains("7940"))
        })
        .count();
    assert!(no_tvs > 0, "the fleet has phones without TVS");
    assert!(
        stdout.contains(&format!(
            "# CHECK FAILED: {no_tvs} of 80 phone(s) registered throughout would be rejected:"
        )),
        "{stdout}"
    );
}

#[test]
fn the_suggestion_for_12_bridges_itlrecovery_and_protects_every_phone() {
    let (stdout, replay) = suggest_then_replay("12+", false, &[]);
    assert!(
        stdout.starts_with("# safe order for cluster sim (12+, non-secure)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("regen ITLRecovery @all\nitl reset localkey\nreset phones\nwait registered\nrestart TFTP @all\nreset phones\nwait registered\n"),
        "{stdout}"
    );
    // On 12+ no step of the plan needs TVS: even phones without TVS support are never rejected.
    let (checked, without_tvs) = no_tvs_capable_phone_rejected(&replay);
    assert_eq!((checked, without_tvs), (80, 0));
    assert_eq!(replay["final_counts"]["rejected"], 0);
}
