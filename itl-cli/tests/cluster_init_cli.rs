//! `itl cluster init` against `itl sim serve` through real sockets: the written file equals
//! the one the simulator writes (nodes, services, pins, AXL schema) and holds no secret; a
//! wrong `--accept-fingerprint`, or no terminal and no `--yes`, exit 2 saying why; a Tomcat
//! certificate changed later is a hard error for the pinned file; the simulator refuses AXL
//! schemas its release does not serve with CUCM's fault.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use common::{Itl, SimServe, TempDir, assert_exit, s, text};
use itl_core::cucm::CertUnit;
use itl_cucm::secrets::{Credentials, Secret};
use itl_cucm::soap::{AxlClient, SoapEndpoint, SoapOptions};
use itl_cucm::ssh::{AdminCli, HostKeyPin, SshOptions, SshTarget};
use itl_cucm::transport::TlsTrust;
use itl_wire::cluster_file::ClusterFile;

const PASSWORD: &str = "app-Secret-4f1c";
const OS_PASSWORD: &str = "os-Secret-8e2d";

fn serve(dir: &TempDir, generation: &str) -> (SimServe, ClusterFile) {
    let path = dir.join("sim.toml");
    let sim = SimServe::start_cluster(&path, (PASSWORD, OS_PASSWORD), ["3", "10", generation], &[]);
    let file = ClusterFile::load(&path).expect("the simulator's cluster file");
    (sim, file)
}

/// [`serve`] in a new folder `label`, with where `itl cluster init` writes (`cluster.toml`).
fn serve_for_init(label: &str, generation: &str) -> (TempDir, SimServe, ClusterFile, PathBuf) {
    let dir = TempDir::new(label);
    let (sim, expected) = serve(&dir, generation);
    let out = dir.join("cluster.toml");
    (dir, sim, expected, out)
}

/// `host:port` of a URL's authority.
fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

fn port_of(addr: &str) -> String {
    addr.rsplit_once(':')
        .map(|(_, p)| p.to_owned())
        .expect("a port")
}

/// `itl cluster init` with the simulator's ports, writing `out`.
fn init(file: &ClusterFile, out: &Path) -> Itl {
    let publisher = file.publisher().expect("a publisher");
    let tftp = file.tftp_nodes().next().expect("a TFTP node");
    Itl::new()
        .args(&["cluster", "init", "--publisher"])
        .arg(authority(&publisher.axl))
        .args(&["--out", &s(out), "--name", &file.cluster.name])
        .args(&[
            "--ssh-port",
            &port_of(publisher.ssh.as_deref().expect("ssh")),
        ])
        .args(&["--tftp-port", &port_of(tftp.tftp.as_deref().expect("tftp"))])
        .args(&[
            "--tftp-http-port",
            &port_of(tftp.tftp_http.as_deref().expect("tftp_http")),
        ])
        .args(&[
            "--phone-http-port",
            &file.cluster.phone_http_port.to_string(),
        ])
        .env("ITL_PASSWORD", PASSWORD)
        .timeout(Duration::from_secs(60))
}

/// The cluster file `run` wrote to `out`, once it succeeded.
#[track_caller]
fn written(run: &Output, out: &Path) -> ClusterFile {
    assert!(run.status.success(), "{}", text(&run.stderr));
    ClusterFile::load(out).expect("written")
}

#[test]
fn init_writes_what_the_simulator_writes_and_no_secret() {
    let (_dir, sim, expected, out) = serve_for_init("init-ok", "14+");
    let run = init(&expected, &out).arg("--yes").run();
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", text(&run.stderr));
    let written = ClusterFile::load(&out).expect("a valid cluster file");
    assert_eq!(written, expected);
    assert_eq!(written.cluster.axl_version.as_deref(), Some("14.0"));
    assert_eq!(
        written.nodes[0].services, expected.nodes[0].services,
        "services of the publisher"
    );
    let raw = std::fs::read_to_string(&out).expect("read");
    assert!(
        !raw.contains(PASSWORD) && !raw.contains(OS_PASSWORD),
        "{raw}"
    );
    // What was shown: the publisher's certificate and every pin written.
    let publisher_pin = expected.nodes[0].tls_sha256.as_deref().expect("pin");
    assert!(
        stdout.contains(&format!("  SHA-256  {publisher_pin}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("CUCM 14.0.1.13900-155 (AXL schema 14.0), 3 nodes:"),
        "{stdout}"
    );
    for node in &expected.nodes {
        assert!(
            stdout.contains(node.tls_sha256.as_deref().expect("pin")),
            "{stdout}"
        );
        assert!(
            stdout.contains(node.ssh_host_key_sha256.as_deref().expect("ssh pin")),
            "{stdout}"
        );
    }
    // Reject twin: the file exists now, and is not replaced without --force.
    let again = init(&expected, &out).arg("--yes").run();
    assert_exit(&again, 2, "exists; give --force");
    sim.stop();
}

#[test]
fn a_wrong_fingerprint_or_no_terminal_trusts_nothing() {
    let (_dir, sim, expected, out) = serve_for_init("init-refused", "12+");
    let actual = expected.nodes[0].tls_sha256.clone().expect("pin");
    let wrong = "11:".repeat(31) + "11";
    let run = init(&expected, &out)
        .args(&["--accept-fingerprint", &wrong, "--yes"])
        .run();
    assert_exit(
        &run,
        2,
        &format!(
            "the publisher's certificate has SHA-256 {actual}, not {}",
            wrong.to_uppercase()
        ),
    );
    assert!(!out.exists());

    // No terminal (stdin is not one) and no --yes: refused, saying so.
    let run = init(&expected, &out).run();
    assert_exit(
        &run,
        2,
        "Trust this certificate? No terminal to answer on: give --yes",
    );
    assert!(!out.exists());

    // The right fingerprint trusts the publisher, but the other pins still need --yes.
    let run = init(&expected, &out)
        .args(&[
            "--accept-fingerprint",
            &actual.to_lowercase().replace(':', ""),
        ])
        .run();
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert_eq!(run.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("Trusted: it matches --accept-fingerprint."),
        "{stdout}"
    );
    assert!(
        stderr.contains("Pin these fingerprints and write") && stderr.contains("No terminal"),
        "{stderr}"
    );
    assert!(!out.exists());

    // The 12+ simulator's release serves schema 12.5 at most.
    let run = init(&expected, &out)
        .args(&["--accept-fingerprint", &actual, "--yes"])
        .run();
    let written = written(&run, &out);
    assert_eq!(written.cluster.axl_version.as_deref(), Some("12.5"));
    assert_eq!(written, expected);
    sim.stop();
}

#[test]
fn a_tomcat_certificate_changed_later_is_a_hard_error() {
    let (dir, sim, expected, out) = serve_for_init("init-changed", "14+");
    let run = init(&expected, &out).arg("--yes").run();
    let written = written(&run, &out);
    let publisher = written.publisher().expect("publisher").clone();

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        // The pinned file works...
        let pin = publisher.tls_pin().expect("valid").expect("pinned");
        let axl = || {
            let endpoint = SoapEndpoint::new(
                &publisher.axl,
                Credentials::new("admin", PASSWORD),
                TlsTrust::Pinned(pin),
                &SoapOptions::default(),
            )
            .expect("endpoint");
            AxlClient::new(
                endpoint,
                written.cluster.axl_version.as_deref().expect("schema"),
            )
        };
        axl()
            .execute_sql(itl_wire::soap::axl::sql::PROCESS_NODES)
            .await
            .expect("pinned AXL works");
        // ...until Tomcat is regenerated and restarted over the admin CLI.
        let target = SshTarget {
            addr: publisher.ssh_addr().expect("valid").expect("ssh"),
            node: publisher.name.clone(),
            user: "admin".into(),
            password: Secret::new(OS_PASSWORD),
            host_key: HostKeyPin::parse(publisher.ssh_host_key_sha256.as_deref().expect("pin"))
                .expect("pin"),
        };
        let mut cli = AdminCli::connect(&target, &SshOptions::default())
            .await
            .expect("admin CLI");
        cli.regen(CertUnit::Tomcat).await.expect("regen tomcat");
        cli.service_restart("Cisco Tomcat").await.expect("restart");
        cli.close().await;
        let err = axl()
            .execute_sql(itl_wire::soap::axl::sql::PROCESS_NODES)
            .await
            .expect_err("the changed certificate is refused");
        let shown = err.to_string();
        assert!(shown.contains(&pin.to_string()), "{shown}");
    });
    // The CLI says so too, for every command on the pinned file.
    let run = Itl::new()
        .args(&["cluster", "init", "--publisher"])
        .arg(authority(&publisher.axl))
        .args(&[
            "--accept-fingerprint",
            publisher.tls_sha256.as_deref().expect("pin"),
        ])
        .args(&["--out", &s(&dir.join("again.toml")), "--yes"])
        .env("ITL_PASSWORD", PASSWORD)
        .run();
    assert_exit(
        &run,
        2,
        &format!(
            "not {} as --accept-fingerprint says",
            publisher.tls_sha256.as_deref().expect("pin")
        ),
    );
    sim.stop();
}

#[test]
fn the_simulator_refuses_schemas_its_release_does_not_serve() {
    let dir = TempDir::new("init-schema");
    let (sim, file) = serve(&dir, "11.5");
    let publisher = file.publisher().expect("publisher").clone();
    assert_eq!(file.cluster.axl_version.as_deref(), Some("11.5"));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let client = |schema: &str| {
            let endpoint = SoapEndpoint::new(
                &publisher.axl,
                Credentials::new("admin", PASSWORD),
                TlsTrust::Pinned(publisher.tls_pin().expect("valid").expect("pin")),
                &SoapOptions::default(),
            )
            .expect("endpoint");
            AxlClient::new(endpoint, schema)
        };
        // The version-less request names the release; discovery picks 11.5.
        let found = client("11.5").discover_version().await.expect("discovered");
        assert_eq!(
            (found.release.as_str(), found.schema.as_str()),
            ("11.5.1.21900-40", "11.5")
        );
        for schema in ["11.5", "9.0"] {
            client(schema)
                .execute_sql(itl_wire::soap::axl::sql::PROCESS_NODES)
                .await
                .expect(schema);
        }
        for schema in ["14.0", "12.5", "13.0", "8.5"] {
            let err = client(schema)
                .execute_sql(itl_wire::soap::axl::sql::PROCESS_NODES)
                .await
                .expect_err(schema);
            assert!(
                err.to_string().ends_with(
                    "Incorrect axl version. Supported axl versions: 11.5, 11.0, 10.5, 10.0, 9.1, 9.0"
                ),
                "{schema}: {err}"
            );
        }
    });
    sim.stop();
}
