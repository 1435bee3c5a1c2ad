//! `itl verify` through the real binary: verdict lines, findings, JSON, folders, cluster
//! certificates and exit codes 0 / 1 / 2.

mod common;

use common::{Itl, TempDir, root, s, text};

const REAL: &str = "../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv";
const STAMP: &str = "2025-06-01T12:00:00Z";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures").join(name)).unwrap()
}

#[test]
fn a_valid_file_exits_0_with_one_ok_line() {
    let out = Itl::new()
        .args(&["verify", "fixtures/itl-12-sha512.tlv", "--now", STAMP])
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "OK  fixtures/itl-12-sha512.tlv  signer: record 1 (ITLRECOVERY_ucm-pub.example.org), SHA-512, RSA-2048\n"
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn a_failing_file_exits_1_with_its_findings() {
    let out = Itl::new()
        .args(&["verify", "fixtures/itl-expiring.tlv", "--now", STAMP])
        .run();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "FAIL  fixtures/itl-expiring.tlv  signer: record 1 (ucm-pub.example.org), SHA-256, RSA-2048\n\
         \x20 warning  record 5   expiring-soon: the certificate expires on 2025-06-11T12:00:00Z (10 day(s) from now)\n\
         \x20 error    record 6   expired: the certificate expired on 2025-05-31T12:00:00Z\n"
    );
    // Twin: two months earlier the same file is fine.
    let out = Itl::new()
        .args(&["verify", "fixtures/itl-expiring.tlv", "--now", "2025-04-01"])
        .run();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_real_ctl_verifies_and_a_flipped_byte_does_not() {
    let out = Itl::new()
        .args(&["verify", REAL, "--now", "2014-06-01T00:00:00Z"])
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("OK  {REAL}  signer: record 1 (gigantic-6.cisco.com), SHA-1, RSA-1024")
    );
    assert_eq!(
        lines.next().unwrap(),
        "  info     file       sha1-digest: signed with SHA-1 (CUCM's default \"TFTP File Signature Algorithm\")"
    );
    assert_eq!(
        lines.next().unwrap(),
        "  info     record 1   key-1024: 1024-bit RSA key"
    );
    assert_eq!(lines.count(), 11);

    let mut bytes = std::fs::read(root().join(REAL)).unwrap();
    bytes[2606 + 30] ^= 0x01; // inside record 3
    let scratch = TempDir::new("flip");
    let path = s(&scratch.write("CTLFile.tlv", &bytes));
    let out = Itl::new()
        .args(&["verify", &path, "--now", "2014-06-01T00:00:00Z"])
        .run();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "FAIL  {path}  signer: record 1 (gigantic-6.cisco.com), SHA-1, RSA-1024, signature not valid\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(
        "\n  error    record 1   signature-invalid: the SHA-1 / RSA-1024 signature does not verify with the signer record's certificate\n"
    ));
}

#[test]
fn json_shape() {
    let out = Itl::new()
        .args(&[
            "verify",
            "--json",
            "--now",
            STAMP,
            "fixtures/ctl-mixed-sha256.tlv",
            "fixtures/itl-40-certs.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0],
        serde_json::json!({
            "path": "fixtures/ctl-mixed-sha256.tlv",
            "kind": "CTL",
            "valid": true,
            "signature": {"valid": true, "signer_record": 1, "digest": "SHA-256", "key_bits": 2048},
            "findings": []
        })
    );
    let big = &files[1];
    assert_eq!(big["path"], "fixtures/itl-40-certs.tlv");
    assert_eq!(big["kind"], "ITL");
    assert_eq!(big["valid"], false);
    assert_eq!(big["signature"]["valid"], true);
    assert_eq!(big["signature"]["digest"], "SHA-1");
    let findings = big["findings"].as_array().unwrap();
    let codes: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("sha1-digest", "info"),
            ("file-too-large", "error"),
            ("too-many-certificates", "error")
        ]
    );
    assert_eq!(findings[1]["record"], serde_json::Value::Null);
    assert_eq!(
        findings[1]["message"],
        "the file is 105638 bytes; phones refuse lists over 65535 bytes"
    );
}

#[test]
fn json_records_are_counted_from_1() {
    let out = Itl::new()
        .args(&[
            "verify",
            "--json",
            "--now",
            STAMP,
            "fixtures/itl-expiring.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v[0]["findings"],
        serde_json::json!([
            {"code": "expiring-soon", "severity": "warning", "record": 5,
             "message": "the certificate expires on 2025-06-11T12:00:00Z (10 day(s) from now)"},
            {"code": "expired", "severity": "error", "record": 6,
             "message": "the certificate expired on 2025-05-31T12:00:00Z"}
        ])
    );
}

#[test]
fn a_folder_is_walked_for_tlv_files() {
    let scratch = TempDir::new("walk");
    scratch.write("b/ITLFile.tlv", fixture("itl-4096.tlv"));
    scratch.write("a/nested/CTLFile.TLV", fixture("ctl-mixed-sha256.tlv"));
    scratch.write("a/notes.txt", b"not a trust list");
    let out = Itl::new()
        .args(&["verify", &s(scratch.path()), "--now", STAMP])
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let dir = s(scratch.path());
    assert_eq!(
        lines,
        [
            format!(
                "OK  {dir}/a/nested/CTLFile.TLV  signer: record 1 (ITLRECOVERY_ucm-pub.example.org), SHA-256, RSA-2048"
            ),
            format!(
                "OK  {dir}/b/ITLFile.tlv  signer: record 1 (ucm-pub.example.org), SHA-256, RSA-4096"
            ),
        ]
    );
}

#[test]
fn an_unparsable_input_exits_2_and_the_others_are_still_verified() {
    let out = Itl::new()
        .args(&[
            "verify",
            "--now",
            STAMP,
            "fixtures/malformed/certificate-length-lies.tlv",
            "fixtures/itl-12-sha512.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "itl: fixtures/malformed/certificate-length-lies.tlv: byte 1166: record 1, tag 9 (CERTIFICATE): length 60000 runs past the end of the record at byte 2176\n"
    );
    assert!(text(&out.stdout).starts_with("OK  fixtures/itl-12-sha512.tlv  "));
    // A failing file does not lower exit code 2.
    let out = Itl::new()
        .args(&[
            "verify",
            "--now",
            STAMP,
            "fixtures/itl-40-certs.tlv",
            "fixtures/no-such-file.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("itl: cannot read fixtures/no-such-file.tlv"));
    assert!(text(&out.stdout).starts_with("FAIL  fixtures/itl-40-certs.tlv  "));
}

#[test]
fn standard_input() {
    let out = Itl::new()
        .args(&["verify", "-", "--now", STAMP])
        .stdin(fixture("itl-11.5-sha1-2048.tlv"))
        .run();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout)
            .starts_with("OK  <stdin>  signer: record 1 (ucm-pub.example.org), SHA-1, RSA-2048\n")
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = Itl::new()
        .args(&["verify", "fixtures/itl-12-sha512.tlv", "--now", "soon"])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`soon` is not an RFC 3339 time"));
    let scratch = TempDir::new("empty");
    let out = Itl::new().args(&["verify", &s(scratch.path())]).run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "itl: no *.tlv files found in the inputs\n"
    );
}

#[test]
fn cluster_certificates() {
    let args = |dir: &str| {
        vec![
            "verify".to_string(),
            "--now".into(),
            STAMP.into(),
            "--cluster-certs".into(),
            dir.to_string(),
            "fixtures/itl-11.5-sha1-2048.tlv".into(),
            "fixtures/ctl-mixed-sha256.tlv".into(),
        ]
    };
    let run = |dir: &str| {
        let a = args(dir);
        Itl::new()
            .args(&a.iter().map(String::as_str).collect::<Vec<_>>())
            .run()
    };
    let out = run("fixtures/cluster-certs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stderr), "");

    let out = run("fixtures/cluster-certs-tvs-regenerated");
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "FAIL  fixtures/itl-11.5-sha1-2048.tlv  signer: record 1 (ucm-pub.example.org), SHA-1, RSA-2048"
    );
    assert!(
        lines[2]
            .starts_with("  error    record 5   stale-record: TVS certificate `CN=TVS-ucm-sub1;")
    );
    assert!(lines[3].starts_with(
        "  error    file       missing-cert: the cluster's ucm-sub1/TVS certificate (SHA-256 "
    ));
    assert!(lines[4].starts_with("OK  fixtures/ctl-mixed-sha256.tlv  "));
    assert_eq!(lines.len(), 5);
}

#[test]
fn cluster_folder_problems() {
    let scratch = TempDir::new("cluster");
    let pem = std::fs::read(root().join("fixtures/cluster-certs/ucm-pub/TVS.pem")).unwrap();
    scratch.write("ucm-pub/ucm-pub.pem", &pem);
    scratch.write("README", b"ignored: not a certificate name");
    let out = Itl::new()
        .args(&[
            "verify",
            "--now",
            STAMP,
            "--cluster-certs",
            &s(scratch.path()),
            "fixtures/itl-12-sha512.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(1));
    let note = format!(
        "itl: note: {}: `ucm-pub` is not a known certificate role (CallManager, TVS, ITLRecovery, CAPF...); it only counts as a current certificate\n",
        scratch.path().join("ucm-pub/ucm-pub.pem").display()
    );
    assert_eq!(text(&out.stderr), note);

    scratch.write(
        "ucm-pub/CAPF.pem",
        b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    );
    let out = Itl::new()
        .args(&[
            "verify",
            "--cluster-certs",
            &s(scratch.path()),
            "fixtures/itl-12-sha512.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("CAPF.pem: not a PEM or DER certificate"));
    assert_eq!(text(&out.stdout), "");

    let out = Itl::new()
        .args(&[
            "verify",
            "--cluster-certs",
            "fixtures/no-such-dir",
            "fixtures/itl-12-sha512.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .starts_with("itl: cannot list the cluster certificates in fixtures/no-such-dir")
    );
}
