//! `itl preflight` against `itl sim serve` in a child process (real sockets, the wall clock):
//! exit codes, the JSON shape, the HTML page, the archive beside the report, a fault that
//! fails a check, privilege 0 skipped where it must be, bad inputs.

mod common;

use common::{Itl, SimServe, TempDir, s, text};
use serde_json::Value;

const PASSWORD: &str = "preflight-cli-password";
/// The platform administrator's password: another account than the application user's.
const OS_PASSWORD: &str = "preflight-cli-os-password";

fn serve(dir: &TempDir, options: &[&str]) -> SimServe {
    SimServe::start_cluster(
        &dir.join("cluster.toml"),
        (PASSWORD, OS_PASSWORD),
        ["3", "16", "14"],
        options,
    )
}

/// `itl preflight` on a simulated cluster served with `options` in a new folder `label`
/// (stopped after); returns the folder, the exit code, the JSON report and the output.
fn preflight_on(label: &str, options: &[&str]) -> (TempDir, Option<i32>, Value, String) {
    let dir = TempDir::new(label);
    let sim = serve(&dir, options);
    let (code, report, output) = preflight_as(&dir, OS_PASSWORD);
    sim.stop();
    (dir, code, report, output)
}

/// `itl preflight` with `os_password` in `ITL_OS_PASSWORD` (empty: not set).
fn preflight_as(dir: &TempDir, os_password: &str) -> (Option<i32>, Value, String) {
    let json = dir.join("out/preflight.json");
    let out = Itl::new()
        .args(&["preflight", "--cluster"])
        .arg(dir.join("cluster.toml"))
        .args(&["--risport-rate", "0", "--json"])
        .arg(&json)
        .arg("--html")
        .arg(dir.join("out/preflight.html"))
        .env("ITL_PASSWORD", PASSWORD)
        .env("ITL_OS_PASSWORD", os_password)
        .run();
    let report: Value = std::fs::read(&json)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    (
        out.status.code(),
        report,
        text(&out.stdout) + &text(&out.stderr),
    )
}

fn status(report: &Value, id: &str) -> String {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .and_then(|c| c["status"].as_str())
        .unwrap_or("missing")
        .to_owned()
}

#[test]
fn a_healthy_simulated_cluster_exits_0_with_json_html_and_archive() {
    let (dir, code, report, output) = preflight_on("preflight-healthy", &[]);
    assert_eq!(code, Some(0), "{output}");
    let checks = report["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 25, "{report}");
    for c in checks {
        let id = c["id"].as_str().expect("id");
        let st = c["status"].as_str().expect("status");
        let ok = match id {
            "phone-trust" => st == "pass" || st == "warn",
            _ => st == "pass" || st == "info",
        };
        assert!(ok, "{id} is {st}: {}", c["summary"]);
        for key in ["title", "summary", "evidence", "action"] {
            assert!(c.get(key).is_some(), "{id} lacks {key}");
        }
    }
    assert_eq!(status(&report, "backups"), "pass");
    assert!(
        output.contains("| PASS     | db-replication: Database replication healthy"),
        "{output}"
    );
    let html = std::fs::read_to_string(dir.join("out/preflight.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("db-replication"));
    let index =
        std::fs::read_to_string(dir.join("out/preflight-archive/index.txt")).expect("archive");
    assert!(index.contains("ucm-pub: show itl ->"), "{index}");
    assert!(index.contains("ucm-sub1: served ITLFile.tlv ->"), "{index}");
}

#[test]
fn a_failed_backup_exits_1_and_fips_warns() {
    let (_dir, code, report, output) = preflight_on(
        "preflight-faults",
        &["--faults", "backup=failed,fips=ucm-sub1"],
    );
    assert_eq!(code, Some(1), "{output}");
    assert_eq!(status(&report, "backups"), "fail");
    assert_eq!(status(&report, "fips"), "warn");
    assert_eq!(status(&report, "db-replication"), "pass");
    assert!(output.contains("| FAIL     | backups"), "{output}");
}

#[test]
fn an_upgrade_fails_sso_and_a_tls_trunk_warn() {
    let (_dir, code, report, output) = preflight_on(
        "preflight-hazards",
        &[
            "--faults",
            "upgrade=ucm-sub1,sso=ucm-pub,secure-trunk=to-cuc:cuc.example.com,imp=imp-pub",
        ],
    );
    assert_eq!(code, Some(1), "{output}");
    assert_eq!(status(&report, "upgrade"), "fail");
    assert_eq!(status(&report, "sso"), "warn");
    assert_eq!(status(&report, "dependants"), "warn");
    assert!(
        output.contains("| FAIL     | upgrade: No upgrade or switch-version in progress"),
        "{output}"
    );
    assert!(output.contains("IM and Presence imp-pub"), "{output}");
    assert!(output.contains("TLS SIP trunk to-cuc"), "{output}");
}

#[test]
fn privilege_0_is_skipped_with_the_reason_not_a_crash() {
    let (_dir, code, report, output) = preflight_on("preflight-priv0", &["--os-privilege", "0"]);
    assert_eq!(code, Some(0), "{output}");
    for id in [
        "db-replication",
        "backups",
        "fips",
        "cert-expiry",
        "sso",
        "upgrade",
    ] {
        assert_eq!(status(&report, id), "skipped", "{id}");
    }
    assert_eq!(status(&report, "show-itl"), "pass");
    assert_eq!(status(&report, "dependants"), "pass");
    assert!(output.contains("Insufficient privilege level"), "{output}");
}

#[test]
fn bad_inputs_exit_2() {
    let dir = TempDir::new("preflight-bad");
    let out = Itl::new().args(&["preflight"]).run();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--cluster"));
    std::fs::write(
        dir.join("cluster.toml"),
        "[cluster]\nname='x'\nuser='u'\n[[nodes]]\nname='p'\npublisher=true\naddress='127.0.0.1'\naxl='https://127.0.0.1:1/axl/'\nrisport='https://127.0.0.1:1/r'\ncontrol_center='https://127.0.0.1:1/c'\n",
    )
    .expect("write");
    let out = Itl::new()
        .args(&["preflight", "--cluster", &s(&dir.join("cluster.toml"))])
        .args(&["--sweep", &s(&dir.join("missing.json"))])
        .env("ITL_PASSWORD", "x")
        .run();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("missing.json"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn without_the_platform_password_the_admin_cli_checks_are_skipped_and_said_why() {
    let dir = TempDir::new("preflight-no-os-password");
    let sim = serve(&dir, &[]);
    let (code, report, output) = preflight_as(&dir, "");
    // Reject twin: the application password is not tried as the platform password.
    let (wrong_code, wrong, _) = preflight_as(&dir, PASSWORD);
    sim.stop();
    assert_eq!(code, Some(0), "{output}");
    assert!(
        output.contains("itl: note: no password for the platform administrator admin (set the environment variable ITL_OS_PASSWORD"),
        "{output}"
    );
    for id in ["db-replication", "backups", "fips", "ntp"] {
        assert_eq!(status(&report, id), "skipped", "{id}");
    }
    // What needs no admin CLI is still checked.
    assert_eq!(status(&report, "rollback-parameter"), "pass");
    assert_eq!(wrong_code, Some(1));
    assert_eq!(status(&wrong, "ntp"), "fail");
}
