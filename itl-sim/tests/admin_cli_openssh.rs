//! A person's view of the simulated admin CLI: OpenSSH's `ssh` logs in through a real PTY
//! (driven by `tests/scripts/ssh_person.py` with Python's `pty`), answers the
//! keyboard-interactive password prompt, runs `show version active` and `exit`.
//!
//! Needs `ssh` (package `openssh-client`) and `python3`. A missing tool fails the test
//! unless `ITL_SKIP_EXTERNAL=1`, which prints `skipped: <tool> missing` instead.

mod common;

use itl_core::cucm::Generation;
use std::process::Command;

use itl_sim::server::ssh::SshServe;
use itl_sim::{Cluster, ServeOptions, SimServer};

fn tool_present(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn missing_tool() -> Option<&'static str> {
    ["ssh", "python3"].into_iter().find(|t| !tool_present(t))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssh_logs_in_runs_show_version_active_and_exits() {
    if let Some(tool) = missing_tool() {
        if std::env::var("ITL_SKIP_EXTERNAL").as_deref() == Ok("1") {
            println!("skipped: {tool} missing");
            return;
        }
        panic!("{tool} missing (install openssh-client / python3, or set ITL_SKIP_EXTERNAL=1)");
    }
    for generation in [Generation::V14, Generation::V11_5] {
        let cluster = Cluster::build(&common::small(generation, false, "")).expect("cluster");
        let mut options = ServeOptions::ephemeral("admin", common::PASSWORD);
        options.ssh = SshServe::new("person-password");
        let sim = SimServer::start(cluster, options).await.expect("start");
        let node = &sim.nodes()[0];
        let dir = std::env::temp_dir().join(format!(
            "itl-sim-openssh-{}-{}",
            std::process::id(),
            generation.name().replace('+', "p")
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let known_hosts = dir.join("known_hosts");
        std::fs::write(
            &known_hosts,
            format!(
                "[{}]:{} {}\n",
                node.ssh.ip(),
                node.ssh.port(),
                node.ssh_host_key_openssh
            ),
        )
        .expect("known_hosts");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/ssh_person.py");
        let host = node.ssh.ip().to_string();
        let port = node.ssh.port().to_string();
        let kh = known_hosts.display().to_string();
        let output = tokio::task::spawn_blocking(move || {
            Command::new("python3")
                .args([script, &host, &port, &kh])
                .env("ITL_OS_PASSWORD", "person-password")
                .output()
        })
        .await
        .expect("join")
        .expect("python3 runs");
        let transcript = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{generation}: {transcript}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let expected = format!(
            "Active Master Version: {}",
            itl_sim::model::version_string(generation)
        );
        let after_command = transcript
            .split_once("admin:show version active")
            .map(|(_, after)| after)
            .unwrap_or_default();
        assert!(after_command.contains(&expected), "{transcript}");
        assert!(after_command.contains("admin:exit"), "{transcript}");
        assert!(transcript.contains("Welcome to the Platform Command Line Interface"));
        assert!(transcript.contains("--- ssh exit status 0"), "{transcript}");
        let _ = std::fs::remove_dir_all(&dir);
        sim.shutdown().await;
    }
}
