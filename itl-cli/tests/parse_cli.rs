//! `itl parse` through the real binary: text, JSON, stdin, exit codes and error messages.

mod common;

use common::{Itl, assert_ok, stdout_json};

const REAL: &str = "../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv";

#[test]
fn text_output_of_the_real_ctl() {
    let out = Itl::new().args(&["parse", REAL]).run();
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(
        "The checksum value of the CTL file:\n0c43d702a9bc273d1ba7e9512877ab6a(MD5)\n"
    ));
    assert!(text.contains("HeaderLength:   312 (BYTES)\n"));
    assert!(text.ends_with("The CTL file was verified successfully.\n"));
    assert!(out.stderr.is_empty());
}

#[test]
fn json_schema() {
    let out = Itl::new()
        .args(&["parse", "--json", REAL, "fixtures/itl-12-sha512.tlv"])
        .run();
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 2);
    let ctl = &files[0];
    assert_eq!(ctl["path"], REAL);
    assert_eq!(ctl["kind"], "CTL");
    assert_eq!(ctl["version"], "1.2");
    assert_eq!(ctl["header_length"], 312);
    assert_eq!(ctl["signer"]["serial"], "24491f10703fea9b");
    assert_eq!(
        ctl["signer"]["name"],
        "CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US"
    );
    assert_eq!(
        ctl["signer"]["issuer"],
        "CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US"
    );
    assert_eq!(ctl["signer_record"], 1);
    assert_eq!(ctl["digest"], "SHA-1");
    assert_eq!(ctl["signature_length"], 128);
    assert_eq!(ctl["filename"], "CTLFile.tlv");
    assert_eq!(ctl["timestamp"], 1430968247);
    assert_eq!(ctl["timestamp_utc"], "2015-05-07T03:10:47Z");
    assert_eq!(ctl["md5"], "0c43d702a9bc273d1ba7e9512877ab6a");
    assert_eq!(ctl["sha1"], "7bc2b30ebc2c52dcb6af9389af7a32e4a65be824");
    let records = ctl["records"].as_array().unwrap();
    let functions: Vec<_> = records
        .iter()
        .map(|r| r["function"].as_str().unwrap())
        .collect();
    assert_eq!(
        functions,
        ["SAST", "CCM+TFTP", "CCM+TFTP", "CAPF", "SAST", "CCM+TFTP"]
    );
    let r4 = &records[3];
    assert_eq!(r4["function_code"], 4);
    assert_eq!(r4["dns_name"], "gigantic-6");
    assert_eq!(r4["serial"], "615dd8840a63eb4119be843e201550e0");
    assert_eq!(r4["public_key_length"], 140);
    assert_eq!(
        r4["certificate_sha1"],
        "1e24238486c888412a8b57ba95aecb604dee5b30"
    );
    assert_eq!(r4["ip"], "10.35.48.106");
    assert_eq!(ctl["warnings"].as_array().unwrap().len(), 0);
    assert_eq!(files[1]["kind"], "ITL");
    assert_eq!(files[1]["digest"], "SHA-512");
}

#[test]
fn stdin_and_warnings() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/itl-unknown-tags.tlv"
    ))
    .unwrap();
    let out = Itl::new()
        .args(&["parse", "--json", "-"])
        .stdin(bytes.clone())
        .run();
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    assert_eq!(v[0]["path"], "<stdin>");
    let warnings = v[0]["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2);
    assert_eq!(warnings[0]["code"], "unknown-tag");
    let out = Itl::new().args(&["parse", "-"]).stdin(bytes.clone()).run();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("<stdin>: warning: byte "), "{err}");
    assert!(
        err.contains("header, tag 40 (unknown): unknown tag with 3 byte(s) of value, kept as is"),
        "{err}"
    );
}

#[test]
fn malformed_file_exits_2_with_the_parse_error() {
    let out = Itl::new()
        .args(&["parse", "fixtures/malformed/certificate-length-lies.tlv"])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "itl: fixtures/malformed/certificate-length-lies.tlv: byte 1166: record 1, tag 9 (CERTIFICATE): length 60000 runs past the end of the record at byte 2176\n"
    );
    // A good file and a bad one: the good one is still printed, the exit code is 2.
    let out = Itl::new()
        .args(&[
            "parse",
            "--json",
            "fixtures/itl-4096.tlv",
            "fixtures/malformed/empty.tlv",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    let v = stdout_json(&out);
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[test]
fn unreadable_input_and_usage() {
    let out = Itl::new().args(&["parse", "no/such/file.tlv"]).run();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("itl: cannot read no/such/file.tlv: "),
        "{err}"
    );
    let out = Itl::new().args(&["parse"]).run();
    assert_eq!(out.status.code(), Some(2));
    let out = Itl::new().args(&["frobnicate"]).run();
    assert_eq!(out.status.code(), Some(2));
    let out = Itl::new().args(&["--help"]).run();
    assert_eq!(out.status.code(), Some(0));
}
