//! The test harness itself: a command past its time bound is killed and named, a simulator that
//! cannot start says why, one that starts stops on SIGTERM.

mod common;

use std::time::{Duration, Instant};

use common::{Itl, SimServe, TempDir, s};

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("it panics");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|m| (*m).to_owned())
            .unwrap_or_default(),
    }
}

#[test]
fn a_command_past_its_time_bound_is_killed_and_named() {
    let dir = TempDir::new("harness-timeout");
    let cluster = s(&dir.join("cluster.toml"));
    let started = Instant::now();
    let message = panic_message(|| {
        // `itl sim serve` runs until stopped.
        let args = [
            "sim",
            "serve",
            "--nodes",
            "1",
            "--phones",
            "2",
            "--key-bits",
            "1024",
            "--cluster-file",
            &cluster,
        ];
        Itl::new()
            .args(&args)
            .env("ITL_PASSWORD", "harness")
            .timeout(Duration::from_secs(3))
            .run();
    });
    assert!(
        message.starts_with(&format!(
            "`ITL_PASSWORD=harness itl sim serve --nodes 1 --phones 2 --key-bits 1024 --cluster-file {cluster}` did not finish within 3s and was killed\n--- stdout\n"
        )),
        "{message}"
    );
    // What it printed before is kept: it had started serving.
    assert!(message.contains("Ctrl-C to stop"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_simulator_that_cannot_start_says_why() {
    let dir = TempDir::new("harness-sim-fails");
    let cluster = dir.join("cluster.toml");
    let message = panic_message(|| {
        SimServe::start(&cluster, "harness", &["--nodes", "0"]);
    });
    assert!(
        message.contains(" exited before it served\n--- stderr\n"),
        "{message}"
    );
    assert!(message.contains("--nodes"), "{message}");
    assert!(!cluster.exists());
}

#[test]
fn a_simulator_serves_its_cluster_file_and_stops_on_sigterm() {
    let dir = TempDir::new("harness-sim");
    let cluster = dir.join("cluster.toml");
    let sim = SimServe::start(
        &cluster,
        "harness",
        &["--nodes", "2", "--phones", "4", "--key-bits", "1024"],
    );
    assert!(
        sim.ready_line().starts_with("itl sim: "),
        "{}",
        sim.ready_line()
    );
    assert_eq!(sim.cluster_file(), cluster.as_path());
    let toml = std::fs::read_to_string(&cluster).expect("cluster file");
    assert!(toml.contains("name = \"ucm-pub\""), "{toml}");
    // It answers: the publisher's TFTP node serves an ITL to `itl fetch --http`.
    let http = toml
        .lines()
        .find_map(|l| l.strip_prefix("tftp_http = \""))
        .and_then(|l| l.strip_suffix('"'))
        .and_then(|url| url.strip_prefix("http://"))
        .expect("a TFTP node")
        .to_owned();
    let out = Itl::new()
        .args(&["fetch", "--server", &http, "--http"])
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    sim.stop();
    // Stopped: the same request finds nobody.
    let out = Itl::new()
        .args(&["fetch", "--server", &http, "--http", "--timeout", "2"])
        .run();
    assert_eq!(out.status.code(), Some(2));
}
