//! Two orchestrator steps through the real binary against `itl sim serve`: the TLS re-pin
//! after a Tomcat regeneration (the cluster file is rewritten with the certificate the node
//! now presents, the old file kept, the journal records it; a later command trusts the new
//! pin), and `reissue lsc` (every phone holding an LSC gets a new one, each exactly once,
//! and only those phones are restarted).

mod common;

use common::{Itl, SimServe, TempDir, journal, json_lines, s, text};
use serde_json::Value;

const PASSWORD: &str = "regen-steps-cli";
const OS_PASSWORD: &str = "regen-steps-cli-os";

fn serve(dir: &TempDir, extra: &[&str]) -> SimServe {
    serve_release(dir, "12+", extra)
}

fn serve_release(dir: &TempDir, generation: &str, extra: &[&str]) -> SimServe {
    let events = s(&dir.join("events.jsonl"));
    let mut options = vec!["--seed", "5", "--events", &events];
    options.extend_from_slice(extra);
    SimServe::start_cluster(
        &dir.join("cluster.toml"),
        (PASSWORD, OS_PASSWORD),
        ["2", "30", generation],
        &options,
    )
}

fn run_plan(dir: &TempDir, plan: &str) -> (Option<i32>, String) {
    std::fs::write(dir.join("plan.txt"), plan).unwrap();
    let out = Itl::new()
        .args(&["regen", "run", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--plan", &s(&dir.join("plan.txt"))])
        .args(&["--journal", &s(&dir.join("journal"))])
        .args(&[
            "--execute",
            "--yes",
            "--risport-rate",
            "0",
            "--wait-scale",
            "0.01",
        ])
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", OS_PASSWORD)
        .run();
    (out.status.code(), text(&out.stderr))
}

/// The simulator's change log.
fn events(dir: &TempDir) -> Vec<Value> {
    json_lines(&dir.join("events.jsonl"))
}

fn pins(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("tls_sha256 = "))
        .map(|v| v.trim_matches('"').to_owned())
        .collect()
}

#[test]
fn tomcat_regeneration_pins_the_new_certificate_and_keeps_the_old_file() {
    let dir = TempDir::new("regen-repin");
    let sim = serve(&dir, &[]);
    let before = std::fs::read_to_string(dir.join("cluster.toml")).unwrap();
    let (code, err) = run_plan(&dir, "regen tomcat @all\nrestart Tomcat @all\n");
    assert_eq!(code, Some(0), "{err}");
    let after = std::fs::read_to_string(dir.join("cluster.toml")).unwrap();
    let (old, new) = (pins(&before), pins(&after));
    assert_eq!(old.len(), 2);
    assert_eq!(new.len(), 2);
    assert_ne!(old[0], new[0]);
    assert_ne!(old[1], new[1]);
    // One kept file per re-pinned node; the first holds the original pins.
    let mut kept: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("cluster.toml.before-"))
        .collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "{kept:?}");
    let pin_records: Vec<Value> = journal(&dir.join("journal"))
        .into_iter()
        .filter(|r| r["record"] == "pin")
        .collect();
    assert_eq!(pin_records.len(), 2);
    for r in &pin_records {
        assert!(new.contains(&r["new"].as_str().unwrap().to_owned()), "{r}");
        assert!(old.contains(&r["old"].as_str().unwrap().to_owned()), "{r}");
    }
    // The regenerated and restarted Tomcats serve what the file now pins: a sweep (AXL,
    // RisPort, Control Center over pinned TLS) works with the rewritten file...
    let sweep = Itl::new()
        .args(&["sweep", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--risport-rate", "0", "--json", &s(&dir.join("sweep.json"))])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_eq!(sweep.status.code(), Some(0), "{}", text(&sweep.stderr));
    // ...and fails with the kept original, whose pins no longer match.
    let stale = dir.path().join(&kept[0]);
    std::fs::write(&stale, &before).unwrap();
    let refused = Itl::new()
        .args(&["sweep", "--cluster", &s(&stale), "--risport-rate", "0"])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stdout));
    let regenerated = events(&dir)
        .iter()
        .filter(|e| e["kind"] == "cert-regenerated" && e["unit"] == "tomcat")
        .count();
    assert_eq!(regenerated, 2);
    sim.stop();
}

#[test]
fn reissue_lsc_gives_each_holder_one_new_lsc_and_restarts_only_them() {
    let dir = TempDir::new("regen-lsc");
    let sim = serve(&dir, &["--mixed", "--faults", "lsc=50%"]);
    let (code, err) = run_plan(&dir, "reissue lsc\n");
    assert_eq!(code, Some(0), "{err}");
    let ev = events(&dir);
    let mut issued: Vec<String> = ev
        .iter()
        .filter(|e| e["kind"] == "lsc-issued")
        .map(|e| e["detail"].to_string())
        .collect();
    let resets = ev.iter().filter(|e| e["kind"] == "phones-reset").count();
    assert!(!issued.is_empty());
    assert_eq!(resets, issued.len(), "one reset per LSC holder");
    let n = issued.len();
    issued.sort();
    issued.dedup();
    assert_eq!(issued.len(), n, "no phone got two LSCs");
    // The journal's batch progress names exactly those phones; G-REG passed on them.
    let done: usize = journal(&dir.join("journal"))
        .iter()
        .filter(|r| r["record"] == "progress")
        .map(|r| r["done"].as_array().unwrap().len())
        .sum();
    assert_eq!(done, n);
    assert!(
        err.contains(&format!(
            "gate registered: passed ({n} of 30 phones registered at the baseline registered again; {} not reset are still registered)",
            30 - n
        )),
        "{err}"
    );

    // Without LSCs (a non-secure cluster) there is nothing to do: the step is skipped,
    // nothing is reset.
    let plain = TempDir::new("regen-lsc-none");
    let sim2 = serve(&plain, &[]);
    let (code, err) = run_plan(&plain, "reissue lsc\n");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(events(&plain), Vec::<Value>::new());
    let skipped = journal(&plain.join("journal")).iter().any(|r| {
        r["record"] == "step-end"
            && r["outcome"] == "skipped"
            && r["reason"] == "no phone holds an LSC"
    });
    assert!(skipped);
    sim2.stop();
    sim.stop();
}

fn run_with(dir: &TempDir, plan: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    std::fs::write(dir.join("plan.txt"), plan).unwrap();
    let out = Itl::new()
        .args(&["regen", "run", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--plan", &s(&dir.join("plan.txt"))])
        .args(&["--journal", &s(&dir.join("journal"))])
        .args(&["--risport-rate", "0", "--wait-scale", "0.01"])
        .args(extra)
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", OS_PASSWORD)
        .run();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn execution_is_refused_before_anything_changes_unless_forced() {
    // A CA-signed certificate would be replaced by a self-signed one.
    let dir = TempDir::new("regen-refuse-ca");
    let sim = serve(&dir, &["--faults", "ca-signed=tomcat@ucm-pub"]);
    let plan = "regen tomcat @ucm-pub\nrestart Tomcat @ucm-pub\n";
    let (code, _, err) = run_with(&dir, plan, &["--execute", "--yes"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("refused: CA-signed or multi-server certificates"),
        "{err}"
    );
    assert!(
        err.contains(
            "\n  ucm-pub: tomcat CA-signed by C=US, O=Sim Health, CN=Sim Enterprise Issuing CA\n"
        ),
        "{err}"
    );
    assert!(err.contains("--force REASON"), "{err}");
    assert!(
        !dir.join("journal").exists(),
        "a refused run writes no journal"
    );
    assert_eq!(events(&dir), Vec::<Value>::new());
    // The refusal is per unit and node: the CA-signed tomcat does not stop a plan that
    // regenerates other units, nor tomcat on another node.
    for (plan, node) in [
        ("regen ipsec @ucm-pub\n", "ucm-pub"),
        (
            "regen tomcat @ucm-sub1\nrestart Tomcat @ucm-sub1\n",
            "ucm-sub1",
        ),
    ] {
        let _ = std::fs::remove_dir_all(dir.join("journal"));
        let (code, _, err) = run_with(&dir, plan, &["--execute", "--yes"]);
        assert_eq!(code, Some(0), "{plan}: {err}");
        assert!(!err.contains("refused"), "{plan}: {err}");
        let regenerated: Vec<Value> = events(&dir)
            .into_iter()
            .filter(|e| e["kind"] == "cert-regenerated")
            .collect();
        assert_eq!(regenerated.last().unwrap()["node"], node, "{plan}");
    }
    let _ = std::fs::remove_dir_all(dir.join("journal"));
    // Forced: it runs, and the journal says why.
    let (code, _, err) = run_with(
        &dir,
        plan,
        &["--execute", "--yes", "--force", "lab: the CA is gone"],
    );
    assert_eq!(code, Some(0), "{err}");
    let records = journal(&dir.join("journal"));
    assert_eq!(records[0]["force"], "lab: the CA is gone");
    assert!(records.iter().any(|r| r["record"] == "note"
        && r["text"].as_str().unwrap().starts_with(
            "forced (lab: the CA is gone) past CA-signed or multi-server certificates"
        )));
    // No secret in the journal, its files or the output.
    for entry in std::fs::read_dir(dir.join("journal")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let body = String::from_utf8_lossy(&bytes);
            assert!(!body.contains(PASSWORD), "{}", path.display());
        }
    }
    assert!(!err.contains(PASSWORD));
    sim.stop();

    // A failing preflight check (replication broken on a subscriber).
    let dir = TempDir::new("regen-refuse-preflight");
    let sim = serve(&dir, &["--faults", "replication=ucm-sub1:3"]);
    let (code, _, err) = run_with(&dir, "regen TVS @all\n", &["--execute", "--yes"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("refused: failing preflight checks"), "{err}");
    assert!(err.contains("db-replication"), "{err}");
    assert_eq!(events(&dir), Vec::<Value>::new());
    sim.stop();
}

#[test]
fn a_dry_run_names_restarts_that_leave_a_callmanager_group_without_its_service() {
    // CMG-2 keeps only ucm-sub1: restarting TVS there leaves its phones without a TVS.
    let dir = TempDir::new("regen-groups");
    let sim = serve(&dir, &["--faults", "single-member-group=CMG-2"]);
    let plan = "restart TVS @all\nrestart TFTP @all\n";
    let (code, out, err) = run_with(&dir, plan, &[]);
    assert_eq!(code, Some(0), "{err}");
    let notes: Vec<&str> = out.lines().filter(|l| l.starts_with("note: 1.")).collect();
    assert_eq!(
        notes,
        [
            "note: 1.1: restart TVS on ucm-sub1 leaves CallManager group CMG-2 without TVS (its only member running it): its phones have none until the node is back"
        ],
        "{out}"
    );
    let order: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("soapDoControlServices Restart"))
        .collect();
    assert_eq!(order.len(), 4, "{out}");
    assert!(
        order[0].contains("1.1") && order[0].contains("ucm-sub1"),
        "{out}"
    );
    assert!(
        order[1].contains("1.2") && order[1].contains("ucm-pub"),
        "{out}"
    );
    assert_eq!(events(&dir), Vec::<Value>::new());
    sim.stop();
    // With every group of two members, the same plan has no such note.
    let dir = TempDir::new("regen-groups-ok");
    let sim = serve(&dir, &[]);
    let (code, out, err) = run_with(&dir, plan, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains("leaves CallManager group"), "{out}");
    sim.stop();
}

#[test]
fn a_14_mixed_cluster_with_automatic_resets_gets_no_plan_for_the_units_in_the_ctl() {
    let dir = TempDir::new("regen-14m-auto");
    let sim = serve_release(&dir, "14+", &["--mixed"]);
    let plan = |units: &str| {
        let out = Itl::new()
            .args(&["regen", "plan", "--cluster", &s(&dir.join("cluster.toml"))])
            .args(&["--units", units, "--out", &s(&dir.join("plan.txt"))])
            .env("ITL_PASSWORD", PASSWORD)
            .env("ITL_OS_PASSWORD", OS_PASSWORD)
            .run();
        (out.status.code(), text(&out.stderr))
    };
    let (code, err) = plan("ipsec,CAPF,CallManager,TVS,ITLRecovery,tomcat");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "`set cert regen` of CAPF, CallManager, ITLRecovery, before `utils ctl update CTLFile`"
        ),
        "{err}"
    );
    assert!(
        err.contains("Phone Interaction on Certificate Update to Manual"),
        "{err}"
    );
    assert!(!dir.join("plan.txt").exists());
    // The units outside the CTL are planned as on any 14+ cluster.
    let (code, err) = plan("TVS,tomcat");
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(written.contains("regen TVS @all\n"), "{written}");
    // Only the CTL refresh before any change resets phones; TVS resets them by itself.
    assert_eq!(written.matches("reset phones\n").count(), 1, "{written}");
    sim.stop();
    // With manual phone interaction the same cluster gets every unit, with the CTL updates
    // and resets of its own.
    let dir = TempDir::new("regen-14m-manual");
    let sim = serve_release(&dir, "14+", &["--mixed", "--phone-interaction", "manual"]);
    let out = Itl::new()
        .args(&["regen", "plan", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--out", &s(&dir.join("plan.txt"))])
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", OS_PASSWORD)
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    for line in [
        "regen CAPF @ucm-pub\n",
        "ctl update\n",
        "reset phones\n",
        "ctl reset localkey\n",
    ] {
        assert!(written.contains(line), "{line:?} in {written}");
    }
    sim.stop();
}

#[test]
fn execution_without_a_terminal_needs_yes_and_bad_plans_are_named() {
    let dir = TempDir::new("regen-noterm");
    let sim = serve(&dir, &[]);
    let (code, _, err) = run_with(&dir, "regen TVS @all\n", &["--execute"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("give --yes"), "{err}");
    // A plan line naming a node the cluster does not have, and a CTL step on a non-secure
    // cluster: both named, exit 2, nothing changed.
    let (code, _, err) = run_with(&dir, "regen TVS @ucm-sub7\nctl update\n", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("plan line 1 (regen TVS @ucm-sub7): no node \"ucm-sub7\""),
        "{err}"
    );
    assert!(
        err.contains("plan line 2 (ctl update): the cluster is not in mixed mode"),
        "{err}"
    );
    assert_eq!(events(&dir), Vec::<Value>::new());
    sim.stop();
}

#[test]
fn the_old_capf_certificate_stays_until_the_lscs_are_reissued() {
    let steps = "regen CAPF\nctl update\nrestart CAPF\nrestart TFTP @all\nreset phones\n";
    let plan_without = format!("{steps}delete old-trust @all\n");
    let plan_with = format!("{steps}reissue lsc\ndelete old-trust @all\n");
    let deleted = |dir: &TempDir| -> Vec<String> {
        events(dir)
            .iter()
            .filter(|e| e["kind"] == "trust-cert-deleted")
            .map(|e| e["detail"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // LSCs in use and no re-issue: the old CAPF certificate is kept, and the journal says why.
    let dir = TempDir::new("regen-capf-kept");
    let sim = serve(&dir, &["--mixed", "--faults", "lsc=50%"]);
    let (code, _, err) = run_with(&dir, &plan_without, &["--execute", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(deleted(&dir), Vec::<String>::new(), "{err}");
    let kept = journal(&dir.join("journal"))
        .into_iter()
        .filter(|r| {
            r["record"] == "note"
                && r["text"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("the old CAPF certificate is kept")
        })
        .count();
    // The subscriber holds a copy of the publisher's CAPF certificate; the publisher none.
    assert_eq!(kept, 1);
    sim.stop();

    // After `reissue lsc` the old CAPF certificate is deleted on every node.
    let dir = TempDir::new("regen-capf-deleted");
    let sim = serve(&dir, &["--mixed", "--faults", "lsc=50%"]);
    let (code, _, err) = run_with(&dir, &plan_with, &["--execute", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    let gone = deleted(&dir);
    assert_eq!(gone.len(), 1, "{err}");
    assert!(gone[0].contains("CAPF-"), "{gone:?}");
    sim.stop();
}
