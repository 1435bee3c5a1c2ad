use super::*;
use crate::regen::journal::{SerialFact, ServedFact, ServiceFact, TrustFact};
use itl_core::cucm::{CertUnit, Service};
use itl_core::time::UnixTime;

fn obs(at: i64) -> Observation {
    Observation::at(UnixTime::from_secs(at))
}

fn serial(o: &mut Observation, node: &str, unit: CertUnit, s: &str) {
    o.serials.push(SerialFact {
        node: node.into(),
        unit,
        serial: s.into(),
        cn: None,
    });
}

fn service(o: &mut Observation, node: &str, s: Service, status: &str, up: Option<i64>) {
    o.services.push(ServiceFact {
        node: node.into(),
        service: s,
        status: status.into(),
        up_secs: up,
    });
}

fn served(o: &mut Observation, node: &str, file: &str, hash: Option<&str>) {
    o.served.push(ServedFact {
        node: node.into(),
        file: file.into(),
        sha256: hash.map(str::to_owned),
    });
}

#[test]
fn regen_took_effect_only_when_the_serial_changed() {
    let regen = ActionKind::Regen {
        node: "ucm-sub1".into(),
        unit: CertUnit::Tvs,
    };
    let mut before = obs(100);
    serial(&mut before, "ucm-sub1", CertUnit::Tvs, "0a");
    serial(&mut before, "ucm-pub", CertUnit::Tvs, "0b");
    let mut same = obs(200);
    serial(&mut same, "ucm-sub1", CertUnit::Tvs, "0a");
    serial(&mut same, "ucm-pub", CertUnit::Tvs, "0c");
    assert_eq!(settle(&regen, &before, &same), Settled::Repeat);
    let mut changed = obs(200);
    serial(&mut changed, "ucm-sub1", CertUnit::Tvs, "1f");
    assert_eq!(settle(&regen, &before, &changed), Settled::TookEffect);
    // Not observed now: cannot be told, so it runs again.
    assert_eq!(settle(&regen, &before, &obs(200)), Settled::Repeat);
}

#[test]
fn restart_took_effect_when_the_service_came_up_after_the_step_began() {
    let restart = ActionKind::Service {
        node: "ucm-pub".into(),
        service: Service::Tftp,
        op: ControlType::Restart,
    };
    let before = obs(1_000);
    // (case, status, uptime in seconds, expected)
    let cases = [
        ("fresh", "Started", Some(40), Settled::TookEffect),
        ("starting", "Starting", Some(0), Settled::TookEffect),
        ("old", "Started", Some(86_400), Settled::Repeat),
        ("stopped", "Stopped", Some(10), Settled::Repeat),
        ("unknown uptime", "Started", None, Settled::Repeat),
    ];
    for (case, status, up, expected) in cases {
        let mut now = obs(1_100);
        service(&mut now, "ucm-pub", Service::Tftp, status, up);
        assert_eq!(settle(&restart, &before, &now), expected, "{case}");
    }
}

#[test]
fn stop_and_start_are_judged_by_the_state_now() {
    let node = "ucm-sub1".to_owned();
    let stop = ActionKind::Service {
        node: node.clone(),
        service: Service::CertificateChangeNotification,
        op: ControlType::Stop,
    };
    let start = ActionKind::Service {
        node: node.clone(),
        service: Service::CertificateChangeNotification,
        op: ControlType::Start,
    };
    let mut stopped = obs(10);
    service(
        &mut stopped,
        &node,
        Service::CertificateChangeNotification,
        "Stopped",
        None,
    );
    let mut started = obs(10);
    service(
        &mut started,
        &node,
        Service::CertificateChangeNotification,
        "Started",
        Some(5),
    );
    assert_eq!(settle(&stop, &obs(0), &stopped), Settled::TookEffect);
    assert_eq!(settle(&stop, &obs(0), &started), Settled::Repeat);
    assert_eq!(settle(&start, &obs(0), &started), Settled::TookEffect);
    assert_eq!(settle(&start, &obs(0), &stopped), Settled::Repeat);
}

#[test]
fn ctl_update_and_localkey_resets_look_at_the_served_hashes() {
    let update = ActionKind::CtlUpdate {
        node: "ucm-pub".into(),
    };
    let mut before = obs(0);
    served(&mut before, "ucm-pub", "CTLFile.tlv", Some("aa"));
    served(&mut before, "ucm-pub", "ITLFile.tlv", Some("11"));
    served(&mut before, "ucm-sub1", "ITLFile.tlv", Some("22"));
    let mut after = obs(10);
    served(&mut after, "ucm-pub", "CTLFile.tlv", Some("bb"));
    served(&mut after, "ucm-pub", "ITLFile.tlv", Some("11"));
    served(&mut after, "ucm-sub1", "ITLFile.tlv", Some("22"));
    assert_eq!(settle(&update, &before, &after), Settled::TookEffect);
    assert_eq!(settle(&update, &before, &before), Settled::Repeat);

    let itl = ActionKind::ItlResetLocalkey {
        node: "ucm-pub".into(),
    };
    assert_eq!(settle(&itl, &before, &after), Settled::Repeat);
    let mut rebuilt = after.clone();
    rebuilt.served[2].sha256 = Some("33".into());
    assert_eq!(settle(&itl, &before, &rebuilt), Settled::TookEffect);
}

#[test]
fn delete_old_trust_took_effect_when_nothing_listed_remains() {
    let delete = ActionKind::DeleteOldTrust {
        node: "ucm-pub".into(),
    };
    let entry = |node: &str, e: &str| TrustFact {
        node: node.into(),
        entry: e.into(),
    };
    let mut before = obs(0);
    before.trust = vec![
        entry("ucm-pub", "CallManager-trust/old-cm.pem"),
        entry("ucm-pub", "CAPF-trust/old-capf.pem"),
    ];
    let mut partly = obs(5);
    partly.trust = vec![
        entry("ucm-pub", "CAPF-trust/old-capf.pem"),
        entry("ucm-sub1", "CallManager-trust/old-cm.pem"),
    ];
    assert_eq!(settle(&delete, &before, &partly), Settled::Repeat);
    let mut done = obs(5);
    done.trust = vec![entry("ucm-sub1", "CallManager-trust/old-cm.pem")];
    assert_eq!(settle(&delete, &before, &done), Settled::TookEffect);
}

#[test]
fn backup_needs_a_success_newer_than_the_step() {
    let backup = ActionKind::Backup {
        node: "ucm-pub".into(),
    };
    let before = obs(1_000);
    let mut older = obs(2_000);
    older.newest_backup = Some(UnixTime::from_secs(900));
    let mut newer = obs(2_000);
    newer.newest_backup = Some(UnixTime::from_secs(1_500));
    assert_eq!(settle(&backup, &before, &older), Settled::Repeat);
    assert_eq!(settle(&backup, &before, &newer), Settled::TookEffect);
    assert_eq!(settle(&backup, &before, &obs(2_000)), Settled::Repeat);
}

#[test]
fn batches_and_waits_continue_and_ipsec_repeats() {
    let o = obs(0);
    for a in [
        ActionKind::ResetPhones { device_pool: None },
        ActionKind::ReissueLsc {
            device_pool: Some("DP-HQ".into()),
        },
        ActionKind::Wait { seconds: 1_800 },
    ] {
        assert_eq!(settle(&a, &o, &o), Settled::Continue, "{a}");
    }
    let ipsec = ActionKind::IpsecRestart {
        node: "ucm-pub".into(),
    };
    assert_eq!(settle(&ipsec, &o, &o), Settled::Repeat);
}
