//! `itl verify` through the real binary: verdict lines (the signature apart from the
//! certificates' dates), signer lines, findings, JSON, folders, cluster certificates and exit
//! codes 0 / 1 / 2.

mod common;

use common::{Itl, TempDir, assert_exit_stderr, assert_ok, root, s, stdout_json, text};

/// Runs `itl` through the shared harness, with `stdin` when given.
fn itl(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let command = Itl::new().args(args);
    match stdin {
        Some(bytes) => command.stdin(bytes).run(),
        None => command.run(),
    }
}

const REAL: &str = "../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv";
const STAMP: &str = "2025-06-01T12:00:00Z";

/// A scratch folder of the shared harness, with paths as strings.
struct Scratch(TempDir);

impl Scratch {
    fn new(label: &str) -> Self {
        Self(TempDir::new(label))
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> String {
        s(&self.0.write(rel, bytes))
    }

    fn dir(&self) -> String {
        s(self.0.path())
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures").join(name)).unwrap()
}

#[test]
fn a_valid_file_exits_0_with_an_ok_verdict_and_its_signer() {
    let out = itl(
        &["verify", "fixtures/itl-12-sha512.tlv", "--now", STAMP],
        None,
    );
    assert_ok(&out);
    assert_eq!(
        text(&out.stdout),
        "OK  fixtures/itl-12-sha512.tlv  signature valid\n\
         \x20 signer: record 1 (ITLRECOVERY_ucm-pub.example.org), SHA-512, RSA-2048\n"
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn a_failing_file_exits_1_with_its_findings() {
    let out = itl(
        &["verify", "fixtures/itl-expiring.tlv", "--now", STAMP],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "FAIL  fixtures/itl-expiring.tlv  signature valid; 1 of 6 certificates expired (record 6), 1 expiring within 30 days (record 5)\n\
         \x20 signer: record 1 (ucm-pub.example.org), SHA-256, RSA-2048\n\
         \x20 warning  record 5   expiring-soon: the certificate expires on 2025-06-11T12:00:00Z (10 day(s) from now)\n\
         \x20 error    record 6   expired: the certificate expired on 2025-05-31T12:00:00Z\n"
    );
    // Twin: two months earlier the same file is fine.
    let out = itl(
        &["verify", "fixtures/itl-expiring.tlv", "--now", "2025-04-01"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_real_ctl_verifies_and_a_flipped_byte_does_not() {
    let out = itl(&["verify", REAL, "--now", "2014-06-01T00:00:00Z"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("OK  {REAL}  signature valid")
    );
    assert_eq!(
        lines.next().unwrap(),
        "  signer: record 1 (gigantic-6.cisco.com), SHA-1, RSA-1024"
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
    let scratch = Scratch::new("flip");
    let path = scratch.put("CTLFile.tlv", &bytes);
    let out = itl(&["verify", &path, "--now", "2014-06-01T00:00:00Z"], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "FAIL  {path}  signature does not verify\n  signer: record 1 (gigantic-6.cisco.com), SHA-1, RSA-1024\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(
        "\n  error    record 1   signature-invalid: the SHA-1 / RSA-1024 signature does not verify with the signer record's certificate\n"
    ));
}

/// The real CUCM CTL, verified at its own TIMESTAMP: signed correctly by CUCM, yet holding
/// a certificate that had expired half a year before (trust-and-procedure.md §2.4).
const REAL_SIGNED_AT: &str = "2015-05-07T03:10:47Z";

#[test]
fn the_real_ctl_at_its_own_timestamp_fails_on_one_expired_certificate_only() {
    let out = itl(&["verify", REAL, "--now", REAL_SIGNED_AT], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            format!("FAIL  {REAL}  signature valid; 1 of 6 certificates expired (record 3)")
                .as_str(),
            "  signer: record 1 (gigantic-6.cisco.com), SHA-1, RSA-1024",
        ]
    );
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("  error")).collect();
    assert_eq!(
        errors,
        [&"  error    record 3   expired: the certificate expired on 2014-11-24T09:25:22Z"]
    );

    let out = itl(&["verify", "--json", REAL, "--now", REAL_SIGNED_AT], None);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let file = &v[0];
    assert_eq!(file["valid"], false);
    assert_eq!(
        file["signature"],
        serde_json::json!({"valid": true, "signer_record": 1, "digest": "SHA-1", "key_bits": 1024})
    );
    assert_eq!(
        file["certificates"],
        serde_json::json!({"count": 6, "expired": [3], "expiring_soon": [], "not_yet_valid": []})
    );
    let errors: Vec<&serde_json::Value> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(
        errors,
        [
            &serde_json::json!({"code": "expired", "severity": "error", "record": 3,
            "message": "the certificate expired on 2014-11-24T09:25:22Z"})
        ]
    );

    // Twin: ten years on, every certificate has expired; a day before record 3 expired,
    // none had.
    let out = itl(&["verify", REAL, "--now", "2026-01-01"], None);
    assert_eq!(
        text(&out.stdout).lines().next().unwrap(),
        format!("FAIL  {REAL}  signature valid; 6 of 6 certificates expired (records 1-6)")
    );
    let out = itl(&["verify", REAL, "--now", "2014-11-23T00:00:00Z"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout).lines().next().unwrap(),
        format!(
            "OK  {REAL}  signature valid; 1 of 6 certificates expiring within 30 days (record 3)"
        )
    );
}

#[test]
fn a_broken_signature_is_told_apart_from_dates() {
    let mut bytes = std::fs::read(root().join(REAL)).unwrap();
    bytes[2606 + 30] ^= 0x01; // inside record 3: signed bytes change
    let scratch = Scratch::new("flip-json");
    let path = scratch.put("CTLFile.tlv", &bytes);
    // At its own timestamp both fail: the signature and record 3's date.
    let out = itl(&["verify", &path, "--now", REAL_SIGNED_AT], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout).lines().next().unwrap(),
        format!("FAIL  {path}  signature does not verify; 1 of 6 certificates expired (record 3)")
    );
    let out = itl(&["verify", "--json", &path, "--now", "2014-06-01"], None);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    assert_eq!(v[0]["signature"]["valid"], false);
    assert_eq!(
        v[0]["certificates"],
        serde_json::json!({"count": 6, "expired": [], "expiring_soon": [], "not_yet_valid": []})
    );
    assert_eq!(
        text(&itl(&["verify", &path, "--now", "2014-06-01"], None).stdout)
            .lines()
            .next()
            .unwrap(),
        format!("FAIL  {path}  signature does not verify")
    );
}

#[test]
fn json_shape() {
    let out = itl(
        &[
            "verify",
            "--json",
            "--now",
            STAMP,
            "fixtures/ctl-mixed-sha256.tlv",
            "fixtures/itl-40-certs.tlv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0],
        serde_json::json!({
            "path": "fixtures/ctl-mixed-sha256.tlv",
            "kind": "CTL",
            "valid": true,
            "signature": {"valid": true, "signer_record": 1, "digest": "SHA-256", "key_bits": 2048},
            "certificates": {"count": 5, "expired": [], "expiring_soon": [], "not_yet_valid": []},
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
    let out = itl(
        &[
            "verify",
            "--json",
            "--now",
            STAMP,
            "fixtures/itl-expiring.tlv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
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
    let scratch = Scratch::new("walk");
    scratch.put("b/ITLFile.tlv", &fixture("itl-4096.tlv"));
    scratch.put("a/nested/CTLFile.TLV", &fixture("ctl-mixed-sha256.tlv"));
    scratch.put("a/notes.txt", b"not a trust list");
    let out = itl(&["verify", &scratch.dir(), "--now", STAMP], None);
    assert_ok(&out);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let dir = scratch.dir();
    assert_eq!(
        lines,
        [
            format!("OK  {dir}/a/nested/CTLFile.TLV  signature valid"),
            "  signer: record 1 (ITLRECOVERY_ucm-pub.example.org), SHA-256, RSA-2048".into(),
            format!("OK  {dir}/b/ITLFile.tlv  signature valid"),
            "  signer: record 1 (ucm-pub.example.org), SHA-256, RSA-4096".into(),
        ]
    );
}

#[test]
fn an_unparsable_input_exits_2_and_the_others_are_still_verified() {
    let out = itl(
        &[
            "verify",
            "--now",
            STAMP,
            "fixtures/malformed/certificate-length-lies.tlv",
            "fixtures/itl-12-sha512.tlv",
        ],
        None,
    );
    assert_exit_stderr(
        &out,
        2,
        "itl: fixtures/malformed/certificate-length-lies.tlv: byte 1166: record 1, tag 9 (CERTIFICATE): length 60000 runs past the end of the record at byte 2176\n",
    );
    assert!(text(&out.stdout).starts_with("OK  fixtures/itl-12-sha512.tlv  "));
    // A failing file does not lower exit code 2.
    let out = itl(
        &[
            "verify",
            "--now",
            STAMP,
            "fixtures/itl-40-certs.tlv",
            "fixtures/no-such-file.tlv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("itl: cannot read fixtures/no-such-file.tlv"));
    assert!(text(&out.stdout).starts_with("FAIL  fixtures/itl-40-certs.tlv  "));
}

#[test]
fn standard_input() {
    let out = itl(
        &["verify", "-", "--now", STAMP],
        Some(&fixture("itl-11.5-sha1-2048.tlv")),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with(
        "OK  <stdin>  signature valid\n  signer: record 1 (ucm-pub.example.org), SHA-1, RSA-2048\n"
    ));
}

#[test]
fn usage_errors_exit_2() {
    let out = itl(
        &["verify", "fixtures/itl-12-sha512.tlv", "--now", "soon"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`soon` is not an RFC 3339 time"));
    let scratch = Scratch::new("empty");
    let out = itl(&["verify", &scratch.dir()], None);
    assert_exit_stderr(&out, 2, "itl: no *.tlv files found in the inputs\n");
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
        itl(&a.iter().map(String::as_str).collect::<Vec<_>>(), None)
    };
    let out = run("fixtures/cluster-certs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stderr), "");

    let out = run("fixtures/cluster-certs-tvs-regenerated");
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "FAIL  fixtures/itl-11.5-sha1-2048.tlv  signature valid; other errors: stale-record (record 5), missing-cert",
            "  signer: record 1 (ucm-pub.example.org), SHA-1, RSA-2048"
        ]
    );
    assert!(
        lines[3]
            .starts_with("  error    record 5   stale-record: TVS certificate `CN=TVS-ucm-sub1;")
    );
    assert!(lines[4].starts_with(
        "  error    file       missing-cert: the cluster's ucm-sub1/TVS certificate (SHA-256 "
    ));
    assert_eq!(
        lines[5],
        "OK  fixtures/ctl-mixed-sha256.tlv  signature valid"
    );
    assert_eq!(lines.len(), 7);
}

#[test]
fn cluster_folder_problems() {
    let scratch = Scratch::new("cluster");
    let pem = std::fs::read(root().join("fixtures/cluster-certs/ucm-pub/TVS.pem")).unwrap();
    scratch.put("ucm-pub/ucm-pub.pem", &pem);
    scratch.put("README", b"ignored: not a certificate name");
    let out = itl(
        &[
            "verify",
            "--now",
            STAMP,
            "--cluster-certs",
            &scratch.dir(),
            "fixtures/itl-12-sha512.tlv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let note = format!(
        "itl: note: {}: `ucm-pub` is not a known certificate role (CallManager, TVS, ITLRecovery, CAPF...); it only counts as a current certificate\n",
        std::path::Path::new(&scratch.dir())
            .join("ucm-pub/ucm-pub.pem")
            .display()
    );
    assert_eq!(text(&out.stderr), note);

    scratch.put(
        "ucm-pub/CAPF.pem",
        b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    );
    let out = itl(
        &[
            "verify",
            "--cluster-certs",
            &scratch.dir(),
            "fixtures/itl-12-sha512.tlv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("CAPF.pem: not a PEM or DER certificate"));
    assert_eq!(text(&out.stdout), "");

    let out = itl(
        &[
            "verify",
            "--cluster-certs",
            "fixtures/no-such-dir",
            "fixtures/itl-12-sha512.tlv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .starts_with("itl: cannot list the cluster certificates in fixtures/no-such-dir")
    );
}
