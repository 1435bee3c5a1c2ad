//! `itl predict` offline (one phone, real files from the fixtures) and the plan-file errors
//! of `itl predict --plan`, through the real binary: verdict lines with the reason chain and
//! exit codes 0 (no rejection) / 1 (rejected) / 2 (bad input).

mod common;

use common::{Itl, TempDir, assert_exit_stderr, stdout_after, text};
use std::process::Output;

/// `itl predict` with `args`.
fn predict(args: &[&str]) -> Output {
    Itl::new().arg("predict").args(args).run()
}

/// Asserts that `o` ended with `code` and its standard output starts with `starts` (when
/// given), holds every one of `holds` and ends with `ends`.
#[track_caller]
fn assert_output(o: &Output, code: i32, starts: Option<&str>, holds: &[&str], ends: &str) {
    let out = stdout_after(o, code);
    if let Some(starts) = starts {
        assert!(out.starts_with(starts), "{out}");
    }
    for part in holds {
        assert!(out.contains(part), "{out}");
    }
    assert!(out.ends_with(ends), "{out}");
}

const V12: &str = "fixtures/itl-12-sha512.tlv";
const V11_1024: &str = "fixtures/itl-11.5-sha1-1024.tlv";
const V11_2048: &str = "fixtures/itl-11.5-sha1-2048.tlv";

/// `itl predict` from the 12+ ITL to the 11.5 one (a signer the phone does not hold), with
/// one TVS certificate and these further arguments.
fn v12_to_v11_1024_with_tvs(tvs_cert: &str, further: &[&str]) -> Output {
    let args = [
        &["--current", V12, "--next", V11_1024, "--tvs-cert", tvs_cert],
        further,
    ]
    .concat();
    predict(&args)
}

#[test]
fn the_same_list_again_is_unaffected() {
    let o = predict(&["--current", V12, "--next", V12]);
    assert_eq!(
        stdout_after(&o, 0),
        "ITL: NO_CHANGE: the served ITL is byte-identical to the installed one\nphone logs: File Not Found <CTLFile.tlv>\nverdict: unaffected\n"
    );
}

#[test]
fn a_signer_in_the_held_itl_is_accepted() {
    // The 11.5 ITL holds ITLRecovery as its second SAST; the 12+ ITL is signed by it.
    let o = predict(&["--current", V11_2048, "--next", V12]);
    assert_output(
        &o,
        0,
        Some("ITL: ACCEPT: signer CN=ITLRECOVERY_ucm-pub.example.org;"),
        &[],
        "verdict: accept\n",
    );
}

#[test]
fn an_unknown_signer_without_tvs_is_rejected_with_its_reason() {
    let o = predict(&["--current", V12, "--next", V11_1024]);
    assert_output(
        &o,
        1,
        None,
        &[
            "ITL: REJECT: signer CN=ucm-pub.example.org;OU=UC;O=Example Health;L=Durham;ST=NC;C=US (serial 1A:01) is not in the phone's ITL; no TVS server in the phone's CallManager group",
            "phone logs: Trust List update failed\n",
        ],
        "verdict: reject\n",
    );
}

#[test]
fn a_tvs_the_phone_trusts_vouches_for_the_new_signer() {
    let o = v12_to_v11_1024_with_tvs("fixtures/certs/ucm-pub-TVS.pem", &[]);
    assert_output(
        &o,
        0,
        Some("ITL: ACCEPT_TVS via tvs1: "),
        &["TVS tvs1: vouched for signer"],
        "verdict: accept-via-tvs\n",
    );
}

#[test]
fn a_regenerated_tvs_certificate_is_not_trusted() {
    let o = v12_to_v11_1024_with_tvs(
        "fixtures/cluster-certs-tvs-regenerated/ucm-sub1/TVS.pem",
        &[],
    );
    assert_output(
        &o,
        1,
        None,
        &["ITL: REJECT: ", "TVS tvs1: "],
        "verdict: reject\n",
    );
}

#[test]
fn a_7960_holds_no_itl_so_an_itl_change_leaves_it_alone() {
    // No Security By Default: the phone never downloads an ITL (trust-and-procedure R7).
    let o = v12_to_v11_1024_with_tvs("fixtures/certs/ucm-pub-TVS.pem", &["--model", "CP-7960"]);
    assert_eq!(
        stdout_after(&o, 0),
        "ITL: NO_CHANGE: CP-7960 does not support Security By Default: it never downloads an ITL\nphone logs: File Not Found <CTLFile.tlv>\nverdict: unaffected\n"
    );
}

#[test]
fn reject_twin_a_7960_refuses_a_ctl_from_a_new_signer() {
    // Only the CTL can lock a 7960 out: a new signer, and no TVS to ask (S20).
    let o = predict(&[
        "--current",
        V12,
        "--ctl",
        "fixtures/ctl-mixed-sha256.tlv",
        "--next",
        V12,
        "--next-ctl",
        "../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv",
        "--model",
        "CP-7960",
    ]);
    assert_output(
        &o,
        1,
        Some(
            "CTL: REJECT: signer CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US (serial 24:49:1F:10:70:3F:EA:9B) is not in the phone's CTL; CP-7960 has no TVS support\n",
        ),
        &[],
        "phone logs: CTL update failed\nverdict: reject\n",
    );
}

#[test]
fn bad_inputs_exit_2_and_say_what_is_wrong() {
    // A CTL where an ITL is expected.
    let o = predict(&["--current", "fixtures/ctl-mixed-sha256.tlv", "--next", V12]);
    assert_exit_stderr(
        &o,
        2,
        "itl: fixtures/ctl-mixed-sha256.tlv is a CTL, not an ITL\n",
    );
    // Not a trust list at all.
    let o = predict(&["--current", "README.md", "--next", V12]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).starts_with("itl: README.md is not a trust list"),
        "{}",
        text(&o.stderr)
    );
    // A plan with bad lines: every bad line, with its number.
    let dir = TempDir::new("predict-cli");
    let plan = dir.join("plan.txt");
    std::fs::write(
        &plan,
        "# test\nregen CallManager @all\nregen everything\nrestart TFTP\nreboot\n",
    )
    .unwrap();
    let cluster = dir.join("cluster.toml");
    std::fs::write(&cluster, "").unwrap();
    let plan_arg = plan.to_str().unwrap();
    let o = predict(&[
        "--cluster",
        cluster.to_str().unwrap(),
        "--sweep",
        "nowhere.json",
        "--plan",
        plan_arg,
    ]);
    assert_exit_stderr(
        &o,
        2,
        &format!(
            "itl: bad plan\n{plan_arg}:3: unknown unit \"everything\" (CallManager, TVS, ITLRecovery, CAPF, ipsec, tomcat, CallManager-ECDSA, tomcat-ECDSA)\n{plan_arg}:5: unknown step \"reboot\" (steps: regen <unit> @<node|all>, ctl update, restart|stop|start <service> @<node|all>, ipsec restart @<node|all>, reset phones [@<device pool>], wait <duration>, gate <services|files|registered|trust>, itl reset localkey, ctl reset localkey, delete old-trust @<node|all>, reissue lsc [@<device pool>], backup)\n"
        ),
    );
}

#[test]
fn the_time_is_given_with_now_or_read_from_the_clock() {
    let expected = "ITL: NO_CHANGE: the served ITL is byte-identical to the installed one\nphone logs: File Not Found <CTLFile.tlv>\nverdict: unaffected\n";
    for now in ["2026-01-01T00:00:00Z", "2026-01-01", "1767225600"] {
        let o = predict(&["--current", V12, "--next", V12, "--now", now]);
        assert_eq!(o.status.code(), Some(0), "{now}: {}", text(&o.stderr));
        assert_eq!(text(&o.stdout), expected, "{now}");
    }
    // The reject twin: a time that does not parse is a usage error.
    let o = predict(&["--current", V12, "--next", V12, "--now", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(
            "invalid value 'soon' for '--now <RFC3339>': `soon` is not an RFC 3339 time such as 2026-01-01T00:00:00Z, a date such as 2026-01-01, nor Unix seconds"
        ),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(text(&o.stdout), "");
}
