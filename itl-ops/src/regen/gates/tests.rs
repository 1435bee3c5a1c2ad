use super::*;
use itl_core::verify::VerifyOptions;
use itl_cucm::served::summarise;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn now() -> UnixTime {
    // 2026-01-01: inside every fixture certificate's validity.
    UnixTime::from_secs(1_767_225_600)
}

fn summary(node: &str, name: &str, bytes: &[u8]) -> ServedListSummary {
    summarise(node, name, bytes, &VerifyOptions::new(now()))
}

fn svc(node: &str, service: Service, status: &str) -> ServiceFact {
    ServiceFact {
        node: node.into(),
        service,
        status: status.into(),
        up_secs: Some(3),
    }
}

fn want(node: &str, service: Service, running: bool) -> ExpectedService {
    ExpectedService {
        node: node.into(),
        service,
        running,
    }
}

/// The certificate of `unit` on `node` with this serial (no CN).
fn serial_fact(node: &str, unit: CertUnit, serial: &str) -> SerialFact {
    SerialFact {
        node: node.into(),
        unit,
        serial: serial.into(),
        cn: None,
    }
}

#[test]
fn services_gate_names_every_service_in_the_wrong_state() {
    let expected = vec![
        want("ucm-pub", Service::Tftp, true),
        want("ucm-sub1", Service::Tftp, true),
        want("ucm-sub1", Service::CertificateChangeNotification, false),
    ];
    let good = vec![
        svc("ucm-pub", Service::Tftp, "Started"),
        svc("ucm-sub1", Service::Tftp, "STARTED"),
        svc(
            "ucm-sub1",
            Service::CertificateChangeNotification,
            "Stopped",
        ),
    ];
    let v = services(&expected, &good);
    assert!(v.passed);
    assert_eq!(v.details, vec!["3 service states as expected".to_owned()]);
    assert!(v.what_to_do.is_empty());

    let bad = vec![
        svc("ucm-pub", Service::Tftp, "Starting"),
        svc(
            "ucm-sub1",
            Service::CertificateChangeNotification,
            "Started",
        ),
    ];
    let v = services(&expected, &bad);
    assert!(!v.passed);
    assert_eq!(v.gate, GateKind::Services);
    assert_eq!(
        v.details,
        vec![
            "ucm-pub: Cisco Tftp is Starting (expected Started)".to_owned(),
            "ucm-sub1: Cisco Tftp was not reported (expected Started)".to_owned(),
            "ucm-sub1: Cisco Certificate Change Notification is Started (expected Stopped)"
                .to_owned(),
        ]
    );
    assert!(v.what_to_do.last().unwrap().contains("itl regen resume"));
}

#[test]
fn serials_compare_whatever_their_spelling() {
    assert_eq!(normalise_serial("00:0A:1b"), "a1b");
    assert_eq!(normalise_serial("A1B"), "a1b");
    assert_eq!(normalise_serial("00"), "0");
    assert_ne!(normalise_serial("0a1c"), normalise_serial("0a1b"));
}

#[test]
fn files_gate_passes_lists_that_verify_and_hold_the_new_certificates() {
    let itl = fixture("itl-12-sha512.tlv");
    let pub_itl = summary("ucm-pub", "ITLFile.tlv", &itl);
    let sub_itl = summary("ucm-sub1", "ITLFile.tlv", &itl);
    assert!(pub_itl.valid, "{:?}", pub_itl.findings);
    let serials: Vec<String> = serials_of(&pub_itl).into_iter().collect();
    let signer = signer_serial(&pub_itl).unwrap();
    let expect = FileExpectation {
        tftp_nodes: vec!["ucm-pub".into(), "ucm-sub1".into()],
        mixed_mode: false,
        itl_signers: [("ucm-pub".to_owned(), signer.to_uppercase())].into(),
        ctl_signer: None,
        new: vec![serial_fact("ucm-pub", CertUnit::Tvs, &serials[0])],
        replaced: vec![serial_fact("ucm-pub", CertUnit::Tvs, "7777")],
    };
    let v = files(&expect, &[pub_itl.clone(), sub_itl.clone()], &[]);
    assert!(v.passed, "{:?}", v.details);
    assert_eq!(
        v.details,
        vec!["2 TFTP node(s) serve lists that verify and hold this run's certificates".to_owned()]
    );

    // Reject: a node serves nothing; a node still serves the replaced certificate; the
    // new certificate is nowhere; the signer is not the expected one.
    let mut stale = expect.clone();
    stale.replaced[0].serial = serials[0].clone();
    stale.new[0].serial = "abcdef".into();
    stale.itl_signers.insert("ucm-sub1".into(), "1234".into());
    let v = files(&stale, &[sub_itl], &[]);
    assert!(!v.passed);
    assert_eq!(v.details[0], "ucm-pub: serves no ITLFile.tlv");
    assert_eq!(
        v.details[1],
        format!("ucm-sub1: ITLFile.tlv is signed by serial {signer} (expected 1234)")
    );
    assert_eq!(
        v.details[2],
        format!(
            "ucm-sub1: ITLFile.tlv still holds the replaced TVS certificate of ucm-pub (serial {})",
            serials[0]
        )
    );
    assert_eq!(
        v.details[3],
        "the new TVS certificate of ucm-pub (serial abcdef) is in no served ITL"
    );
    assert_eq!(v.details.len(), 4);
}

#[test]
fn files_gate_expects_a_callmanager_certificate_only_in_its_own_tftp_nodes_itl() {
    // A node without TFTP serves no ITL, and no other node's ITL holds its CallManager
    // certificate (trust-and-procedure §1.2): its new certificate is expected nowhere.
    let itl = fixture("itl-12-sha512.tlv");
    let lists = [summary("ucm-pub", "ITLFile.tlv", &itl)];
    let mut expect = FileExpectation {
        tftp_nodes: vec!["ucm-pub".into()],
        new: vec![serial_fact("ucm-sub2", CertUnit::CallManager, "abcdef")],
        ..FileExpectation::default()
    };
    let v = files(&expect, &lists, &[]);
    assert!(v.passed, "{:?}", v.details);
    // Reject: the same certificate of a TFTP node, or a TVS certificate of any node, must be
    // in a served ITL.
    expect.new[0].node = "ucm-pub".into();
    let v = files(&expect, &lists, &[]);
    assert_eq!(
        v.details,
        vec!["the new CallManager certificate of ucm-pub (serial abcdef) is in no served ITL"]
    );
    expect.new[0].node = "ucm-sub2".into();
    expect.new[0].unit = CertUnit::Tvs;
    let v = files(&expect, &lists, &[]);
    assert_eq!(
        v.details,
        vec!["the new TVS certificate of ucm-sub2 (serial abcdef) is in no served ITL"]
    );
}

#[test]
fn files_gate_holds_on_a_list_that_does_not_verify_or_parse() {
    let mut itl = fixture("itl-12-sha512.tlv");
    let last = itl.len() - 1;
    itl[last] ^= 0xff;
    let tampered = summary("ucm-pub", "ITLFile.tlv", &itl);
    let garbage = summary("ucm-sub1", "ITLFile.tlv", b"not a list");
    let expect = FileExpectation {
        tftp_nodes: vec!["ucm-pub".into(), "ucm-sub1".into()],
        ..FileExpectation::default()
    };
    let v = files(&expect, &[tampered, garbage], &[]);
    assert!(!v.passed);
    assert!(
        v.details[0].starts_with("ucm-pub: ITLFile.tlv does not verify"),
        "{:?}",
        v.details
    );
    assert!(
        v.details[1].starts_with("ucm-sub1: ITLFile.tlv does not parse: "),
        "{:?}",
        v.details
    );
}

#[test]
fn files_gate_in_mixed_mode_wants_one_ctl_everywhere() {
    let itl = fixture("itl-12-sha512.tlv");
    let ctl = fixture("ctl-mixed-sha256.tlv");
    let other_ctl = fixture("ctl-placeholders.tlv");
    let itls = vec![
        summary("ucm-pub", "ITLFile.tlv", &itl),
        summary("ucm-sub1", "ITLFile.tlv", &itl),
    ];
    let expect = FileExpectation {
        tftp_nodes: vec!["ucm-pub".into(), "ucm-sub1".into()],
        mixed_mode: true,
        ..FileExpectation::default()
    };
    let same = vec![
        summary("ucm-pub", "CTLFile.tlv", &ctl),
        summary("ucm-sub1", "CTLFile.tlv", &ctl),
    ];
    assert!(same[0].valid, "{:?}", same[0].findings);
    let v = files(&expect, &itls, &same);
    assert!(v.passed, "{:?}", v.details);

    let v = files(&expect, &itls, &same[..1]);
    assert_eq!(
        v.details,
        vec!["ucm-sub1: serves no CTLFile.tlv (mixed mode)".to_owned()]
    );

    let differ = vec![
        summary("ucm-pub", "CTLFile.tlv", &ctl),
        summary("ucm-sub1", "CTLFile.tlv", &other_ctl),
    ];
    let v = files(&expect, &itls, &differ);
    assert!(!v.passed);
    let last = v.details.last().unwrap();
    assert!(
        last.starts_with("the TFTP nodes serve different CTLs: ")
            && last.contains("ucm-pub")
            && last.contains("ucm-sub1"),
        "{last}"
    );
}

fn reg(name: &str, registered: bool, since: i64) -> Registration {
    Registration {
        name: name.into(),
        registered,
        since: Some(UnixTime::from_secs(since)),
    }
}

/// Two phones registered at the baseline, one not.
fn baseline() -> Vec<Registration> {
    vec![
        reg("SEP000000000001", true, 10),
        reg("SEP000000000002", true, 10),
        reg("SEP000000000003", false, 10),
    ]
}

#[test]
fn registered_gate_wants_every_baseline_phone_back_after_the_phase_began() {
    let baseline = baseline();
    let began = UnixTime::from_secs(100);
    let back = vec![
        reg("SEP000000000001", true, 150),
        reg("SEP000000000002", true, 100),
    ];
    let v = registered(&baseline, &back, began, WasReset::All);
    assert!(v.passed);
    assert_eq!(
        v.details,
        vec!["2 of 2 phones registered at the baseline registered again".to_owned()]
    );

    let some_down = vec![
        reg("SEP000000000001", true, 50),
        reg("SEP000000000002", false, 120),
        reg("SEP000000000003", true, 120),
    ];
    let v = registered(&baseline, &some_down, began, WasReset::All);
    assert!(!v.passed);
    assert_eq!(
        v.details,
        vec![
            "2 of 2 phones did not register again".to_owned(),
            "SEP000000000001: registered, but not since the phase began (it did not reset)"
                .to_owned(),
            "SEP000000000002: not registered".to_owned(),
        ]
    );
    let v = registered(&baseline, &[], began, WasReset::All);
    assert_eq!(v.details[1], "SEP000000000001: not reported by RisPort");
}

#[test]
fn registered_gate_wants_phones_the_phase_did_not_reset_only_still_registered() {
    let baseline = baseline();
    let began = UnixTime::from_secs(100);
    // Nobody reset (a tomcat or clean-up phase): registered since before the phase is fine.
    let none = BTreeSet::new();
    let still = vec![
        reg("SEP000000000001", true, 10),
        reg("SEP000000000002", true, 10),
    ];
    let v = registered(&baseline, &still, began, WasReset::Only(&none));
    assert!(v.passed, "{:?}", v.details);
    assert_eq!(
        v.details,
        vec![
            "0 of 2 phones registered at the baseline registered again; 2 not reset are still registered"
                .to_owned()
        ]
    );
    // One device pool reset: its phone must be back since the phase began, the other only
    // registered; reject both ways.
    let pool: BTreeSet<String> = ["SEP000000000001".to_owned()].into();
    let v = registered(&baseline, &still, began, WasReset::Only(&pool));
    assert_eq!(
        v.details,
        vec![
            "1 of 2 phones did not register again".to_owned(),
            "SEP000000000001: registered, but not since the phase began (it did not reset)"
                .to_owned(),
        ]
    );
    let down = vec![
        reg("SEP000000000001", true, 120),
        reg("SEP000000000002", false, 120),
    ];
    let v = registered(&baseline, &down, began, WasReset::Only(&pool));
    assert_eq!(
        v.details,
        vec![
            "1 of 2 phones did not register again".to_owned(),
            "SEP000000000002: not registered".to_owned(),
        ]
    );
}

#[test]
fn registered_gate_names_at_most_fifty_phones() {
    let baseline: Vec<Registration> = (0..60)
        .map(|i| reg(&format!("SEP{i:012X}"), true, 1))
        .collect();
    let v = registered(&baseline, &[], UnixTime::from_secs(5), WasReset::All);
    assert_eq!(v.details.len(), 1 + MAX_NAMED + 1);
    assert_eq!(v.details[0], "60 of 60 phones did not register again");
    assert_eq!(v.details.last().unwrap(), "… and 10 more");
}

fn reading(name: &str, state: PhoneState, stand_in: Option<(&str, bool)>) -> TrustReading {
    TrustReading {
        name: name.into(),
        state,
        stand_in: stand_in.map(|(s, b)| (s.to_owned(), b)),
    }
}

#[test]
fn trust_gate_holds_on_phones_that_were_ok_and_are_not() {
    let baseline = vec![
        reading("SEP1", PhoneState::Ok, None),
        reading("SEP2", PhoneState::Ok, None),
        reading("SEP3", PhoneState::Ok, None),
        reading("SEP4", PhoneState::StaleItl, None),
        reading("SEP5", PhoneState::Ok, None),
    ];
    let now = vec![
        reading("SEP1", PhoneState::Ok, None),
        reading(
            "SEP2",
            PhoneState::WebDisabled,
            Some(("registered again (RisPort)", true)),
        ),
        reading("SEP3", PhoneState::Ok, None),
        reading("SEP4", PhoneState::UpdateFailed, None),
        reading("SEP5", PhoneState::Ok, None),
    ];
    let v = trust(&baseline, &now);
    assert!(v.passed, "{:?}", v.details);
    assert_eq!(
        v.details,
        vec![
            "4 phones ok at the baseline are still ok (1 through a stand-in)".to_owned(),
            "SEP2: web-disabled; registered again (RisPort) stands in".to_owned(),
        ]
    );

    let worse = vec![
        reading("SEP1", PhoneState::UpdateFailed, None),
        reading(
            "SEP2",
            PhoneState::Unreachable,
            Some(("not registered (RisPort)", false)),
        ),
        reading("SEP3", PhoneState::Unparseable, None),
    ];
    let v = trust(&baseline, &worse);
    assert!(!v.passed);
    assert_eq!(
        v.details,
        vec![
            "SEP1: update-failed (was ok)".to_owned(),
            "SEP2: unreachable; not registered (RisPort)".to_owned(),
            "SEP3: unparseable and nothing stands in".to_owned(),
            "SEP5: not in the sweep".to_owned(),
        ]
    );
}

#[test]
fn the_itl_file_status_stands_in_before_risport_and_unknown_falls_back() {
    let began = UnixTime::from_secs(100);
    let reg = |registered: bool, since: i64| Registration {
        name: "SEP1".into(),
        registered,
        since: Some(UnixTime::from_secs(since)),
    };
    let again = reg(true, 150);
    let before = reg(true, 50);
    let down = reg(false, 150);
    type Case<'r> = (
        Option<ItlFileStatus>,
        Option<&'r Registration>,
        Option<(&'static str, bool)>,
    );
    let cases: [Case; 9] = [
        (
            Some(ItlFileStatus::Match),
            Some(&down),
            Some(("ITL File Status: Match (14+, inferred table)", true)),
        ),
        (
            Some(ItlFileStatus::Match),
            None,
            Some(("ITL File Status: Match (14+, inferred table)", true)),
        ),
        (
            Some(ItlFileStatus::Mismatch),
            Some(&again),
            Some(("ITL File Status: Mismatch (14+, inferred table)", false)),
        ),
        (
            Some(ItlFileStatus::NotInstalled),
            Some(&again),
            Some((
                "ITL File Status: Not Installed (14+, inferred table)",
                false,
            )),
        ),
        (
            Some(ItlFileStatus::Unknown),
            Some(&again),
            Some(("registered again since the phase began (RisPort70)", true)),
        ),
        (
            None,
            Some(&again),
            Some(("registered again since the phase began (RisPort70)", true)),
        ),
        (
            None,
            Some(&before),
            Some(("not registered again (RisPort70)", false)),
        ),
        (
            Some(ItlFileStatus::Unknown),
            Some(&down),
            Some(("not registered again (RisPort70)", false)),
        ),
        (None, None, None),
    ];
    for (status, registration, expected) in cases {
        assert_eq!(
            stand_in(status, registration, began),
            expected.map(|(s, b)| (s.to_owned(), b)),
            "{status:?} {registration:?}"
        );
    }
}

#[test]
fn a_phone_vouched_for_at_the_baseline_must_be_vouched_for_after() {
    let matched = Some(("ITL File Status: Match (14+, inferred table)", true));
    let mismatched = Some(("ITL File Status: Mismatch (14+, inferred table)", false));
    let baseline = vec![
        // Pages without trust fields; the 14+ report vouched for SEP1 and SEP2, not SEP3.
        reading("SEP1", PhoneState::NoTrustInfo, matched),
        reading("SEP2", PhoneState::NoTrustInfo, matched),
        reading("SEP3", PhoneState::NoTrustInfo, mismatched),
        reading("SEP4", PhoneState::NoTrustInfo, None),
    ];
    let now = baseline.clone();
    let v = trust(&baseline, &now);
    assert!(v.passed, "{:?}", v.details);
    assert_eq!(
        v.details,
        [
            "2 phones ok at the baseline are still ok (2 through a stand-in)",
            "SEP1: no-trust-info; ITL File Status: Match (14+, inferred table) stands in",
            "SEP2: no-trust-info; ITL File Status: Match (14+, inferred table) stands in",
        ]
    );
    // SEP2 now mismatches: the gate holds on it alone (SEP3 was never vouched for).
    let mut worse = now.clone();
    worse[1] = reading("SEP2", PhoneState::NoTrustInfo, mismatched);
    let v = trust(&baseline, &worse);
    assert!(!v.passed);
    assert_eq!(
        v.details,
        ["SEP2: no-trust-info; ITL File Status: Mismatch (14+, inferred table)"]
    );
}
