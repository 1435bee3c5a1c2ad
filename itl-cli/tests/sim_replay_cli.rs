//! `itl sim replay` through the real binary: the JSON it writes (the same as the library's
//! replay of the same cluster, byte for byte from one run to the next), the table it prints,
//! and bad plans (exit 2, `PLAN:line: message`, no JSON written).

mod common;

use itl_core::cucm::Generation;

use std::path::Path;
use std::process::Output;

use common::{Itl, TempDir, assert_ok, ok_stdout, read_json, text};
use itl_core::plan::Plan;

use itl_sim::replay::Replay;
use itl_sim::{Cluster, FaultSpec, SimOptions};

/// `itl sim replay --key-bits 1024 ARGS --plan PLAN --json JSON`.
fn sim_replay(args: &[&str], plan: &Path, json: &Path) -> Output {
    Itl::new()
        .args(&["sim", "replay", "--key-bits", "1024"])
        .args(args)
        .arg("--plan")
        .arg(plan)
        .arg("--json")
        .arg(json)
        .run()
}

fn counts(v: &serde_json::Value) -> [u64; 5] {
    ["accepted", "rejected", "unaffected", "missed", "unknown"]
        .map(|k| v[k].as_u64().unwrap_or(u64::MAX))
}

const PLAN: &str = "# 11.5: the publisher's CallManager, one TFTP node\nregen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones\nwait registered\n";

#[test]
fn replay_writes_the_json_and_prints_the_counts() {
    let dir = TempDir::new("ok");
    let plan = dir.write("plan.txt", PLAN);
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    let args = [
        "--nodes",
        "3",
        "--phones",
        "200",
        "--generation",
        "11.5",
        "--seed",
        "7",
        "--faults",
        "powered-off=5%",
    ];
    let out = sim_replay(&args, &plan, &a);
    let stdout = ok_stdout(&out);
    assert!(
        stdout.contains(
            "cluster sim (11.5, non-secure, 3 nodes, 200 phones, seed 7, faults powered-off=5%)"
        ),
        "{stdout}"
    );
    let row = stdout
        .lines()
        .find(|l| l.contains("reset phones"))
        .expect("a row for the reset");
    let cells: Vec<&str> = row
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    // The fleet's 7960 holds no ITL: unaffected by the new signer.
    assert_eq!(cells, ["3", "4", "reset phones", "97", "0", "93", "10"]);
    assert!(
        stdout.contains(
            "final: 2 accepted, 0 rejected, 198 unaffected, 0 missed; 200 of 200 phones registered"
        ),
        "{stdout}"
    );

    let bytes = std::fs::read(&a).expect("JSON written");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(
        steps
            .iter()
            .map(|s| counts(&s["counts"]))
            .collect::<Vec<_>>(),
        [
            [0, 0, 200, 0, 0],
            [0, 0, 200, 0, 0],
            [97, 0, 93, 10, 0],
            [0, 0, 200, 0, 0]
        ]
    );
    assert_eq!(
        steps.iter().map(|s| s["line"].as_u64()).collect::<Vec<_>>(),
        [Some(2), Some(3), Some(4), Some(5)]
    );
    assert_eq!(counts(&v["final_counts"]), [2, 0, 198, 0, 0]);
    assert_eq!(v["phones"].as_array().map(Vec::len), Some(200));

    // The same options give the same bytes.
    let out = sim_replay(&args, &plan, &b);
    assert_ok(&out);
    assert_eq!(std::fs::read(&b).expect("JSON written"), bytes);

    // And the same replay as the library on the same cluster.
    let options = SimOptions {
        nodes: 3,
        phones: 200,
        generation: Generation::V11_5,
        seed: 7,
        faults: FaultSpec::parse("powered-off=5%").expect("spec"),
        key_bits: 1024,
        ..SimOptions::default()
    };
    let mut cluster = Cluster::build(&options).expect("cluster");
    let plan = Plan::parse(PLAN).expect("plan");
    let want = itl_sim::replay::replay(&mut cluster, &plan).expect("replay");
    let got: Replay = serde_json::from_slice(&bytes).expect("a replay");
    assert_eq!(got, want);
}

#[test]
fn itlrecovery_and_tvs_together_on_12_end_with_every_phone_rejected() {
    let dir = TempDir::new("s12");
    let plan = dir.write(
        "plan.txt",
        "regen ITLRecovery\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
    );
    let json = dir.join("out.json");
    let out = sim_replay(&["--nodes", "2", "--phones", "40"], &plan, &json);
    assert_ok(&out);
    let v = read_json(&json);
    assert_eq!(v["cluster"]["generation"], "12+");
    assert_eq!(counts(&v["steps"][4]["counts"]), [0, 40, 0, 0, 0]);
    assert_eq!(counts(&v["final_counts"]), [0, 40, 0, 0, 0]);
}

#[test]
fn bad_plans_exit_2_naming_the_line() {
    let dir = TempDir::new("bad");
    let cases = [
        (
            "regen CallManager @ucm-pub\n# fine so far\nregen certs\n",
            "plan.txt:3: unknown unit \"certs\" (CallManager, TVS, ITLRecovery, CAPF, ipsec, tomcat, CallManager-ECDSA, tomcat-ECDSA)",
        ),
        (
            "regen CallManager @ucm-pub\nregen TVS @ucm-sub9\n",
            "plan.txt:2: unknown node \"ucm-sub9\" (nodes: ucm-pub, ucm-sub1)",
        ),
        (
            "reset phones @DP-7\n",
            "plan.txt:1: unknown device pool \"DP-7\" (pools: DP-1, DP-2)",
        ),
        (
            "regen CallManager @all\nrestart TFTP @all\nctl update\n",
            "plan.txt:3: ctl update: the cluster is not in mixed mode: there is no CTL to update",
        ),
        (
            "regen CAPF @ucm-sub1\n",
            "plan.txt:1: regen CAPF @ucm-sub1: node ucm-sub1 has no CAPF certificate",
        ),
        ("# nothing to do\n", "plan.txt:1: the plan has no step"),
    ];
    for (plan_text, want) in cases {
        let plan = dir.write("plan.txt", plan_text);
        let json = dir.join("out.json");
        let out = sim_replay(&["--nodes", "2", "--phones", "20"], &plan, &json);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{plan_text}: {stderr}");
        assert!(stderr.contains(want), "{plan_text}: {stderr}");
        assert!(!json.exists(), "no JSON for a bad plan");
    }

    // An unreadable plan and a missing option are failures too.
    let json = dir.join("out.json");
    let out = sim_replay(&["--phones", "20"], &dir.join("missing.txt"), &json);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read the plan"));
    let out = Itl::new()
        .args(&["sim", "replay", "--phones", "20", "--json"])
        .arg(&json)
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--plan"));
}
