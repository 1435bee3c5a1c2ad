//! `itl_sim::replay`: plans applied to small simulated clusters through the model's change
//! API, and what every phone did, checked phone by phone against the scenarios of
//! `trust-and-procedure.md` §3; determinism; the JSON shape; steps that cannot be applied.

use itl_core::cucm::Generation;
use itl_core::trust::Verdict;

use itl_sim::replay::{Action, Replay, ReplayError, replay};
use itl_sim::{Cluster, SimOptions};

mod common;

use common::replay::*;

/// SHA-1 (hex) of the ITL a TFTP node serves now.
fn served_itl_sha1(cluster: &Cluster, node: &str) -> Option<String> {
    let index = cluster.node_index(node)?;
    cluster.served_itl(index).map(|f| hex::encode(f.sha1))
}

/// SHA-1 (hex) of the ITL each phone holds, in fleet order.
fn held_itl_sha1(cluster: &Cluster) -> Vec<Option<String>> {
    cluster
        .phones()
        .iter()
        .map(|p| {
            p.itl
                .and_then(|id| cluster.archive().get(id))
                .map(|f| hex::encode(f.sha1))
        })
        .collect()
}

/// Whether the phone holds ITLs at all (7940/7960 do not: no Security By Default).
fn holds_itl(cluster: &Cluster, name: &str) -> bool {
    cluster.phone(name).expect("phone").model.holds_itl()
}

fn supports_tvs(cluster: &Cluster, name: &str) -> bool {
    cluster.phone(name).expect("phone").model.supports_tvs()
}

#[test]
fn callmanager_alone_on_11_5_is_accepted_via_tvs_by_the_phones_of_that_tftp_node() {
    // §3: ≤ 11.5, CallManager alone → ACCEPT_TVS; the 7960 of that node holds no ITL and is
    // left alone.
    let (cluster, r) = run(
        &options(3, Generation::V11_5, false, ""),
        "# CallManager of the publisher only\nregen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones\n",
    );
    assert_eq!(
        r.plan,
        [
            "regen CallManager @ucm-pub",
            "restart TFTP @ucm-pub",
            "reset phones"
        ]
    );
    assert_eq!(
        r.steps
            .iter()
            .map(|s| (s.index, s.line))
            .collect::<Vec<_>>(),
        [(1, 2), (2, 3), (3, 4)]
    );
    assert_counts(&r, 3, &[(2, counts(19, 0, 21, 0))], counts(0, 0, 40, 0));
    assert!(said(
        &r,
        0,
        "ucm-pub: Successfully Regenerated Certificate for CallManager."
    ));
    assert!(said(&r, 1, "ucm-pub: ITL rebuilt"));
    let pub_itl = served_itl_sha1(&cluster, "ucm-pub");
    let sub_itl = served_itl_sha1(&cluster, "ucm-sub1");
    let mut on_pub = 0;
    for p in &r.phones {
        assert_eq!(p.actions[..2], [Action::Unaffected, Action::Unaffected]);
        assert_eq!(p.outcomes[..2], [None, None], "{}", p.name);
        let o = p.outcomes[2].as_ref().expect("every phone downloaded");
        assert_eq!(o.ctl, "NO_CHANGE");
        if p.tftp_server == "ucm-pub" {
            on_pub += 1;
            if supports_tvs(&cluster, &p.name) {
                assert_eq!(p.actions[2], Action::Accepted, "{}", p.name);
                assert_eq!(p.verdicts[2], Verdict::AcceptViaTvs);
                assert_eq!(o.itl, "ACCEPT_TVS");
                // The phones' TVS servers are their group's members: the subscribers.
                let via = o.itl_via.as_deref().expect("via");
                assert!(via == "ucm-sub1" || via == "ucm-sub2", "{via}");
                assert!(o.itl_detail.starts_with(&format!("ACCEPT_TVS via {via}: ")));
                assert_eq!(p.final_.action, Action::Unaffected);
                assert!(p.final_.registered);
                assert_eq!(p.final_.itl_sha1, pub_itl);
            } else {
                // The fleet's phone without TVS is a 7960: it holds no ITL.
                assert!(!holds_itl(&cluster, &p.name), "{}", p.name);
                assert_eq!(p.actions[2], Action::Unaffected, "{}", p.name);
                assert_eq!(o.itl, "NO_CHANGE");
                assert_eq!(p.final_.action, Action::Unaffected);
                assert!(p.final_.registered);
                assert_eq!(p.final_.itl_sha1, None);
            }
        } else {
            assert_eq!(p.tftp_server, "ucm-sub1");
            assert_eq!(p.actions[2], Action::Unaffected, "{}", p.name);
            assert_eq!(o.itl, "NO_CHANGE");
            assert_eq!(p.final_.action, Action::Unaffected);
            if holds_itl(&cluster, &p.name) {
                assert_eq!(p.final_.itl_sha1, sub_itl);
            }
        }
        assert_eq!(p.final_.ctl_sha1, None, "non-secure: no CTL");
    }
    assert_eq!(on_pub, 20);
}

#[test]
fn callmanager_and_tvs_together_on_11_5_reject_every_phone() {
    // §3 / S3: the new ITL signer is unknown and every TVS certificate changed.
    let text = "regen CallManager @all\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\nwait registered\n";
    let options = options(3, Generation::V11_5, false, "");
    let before = held_itl_sha1(&Cluster::build(&options).expect("cluster"));
    let (cluster, r) = run(&options, text);
    assert_counts(&r, 6, &[(4, counts(0, 39, 1, 0))], counts(0, 39, 1, 0));
    assert_eq!(
        r.steps[5].messages,
        ["1 of 40 powered phones registered; 0 powered off"]
    );
    for (p, held) in r.phones.iter().zip(&before) {
        let o = downloaded(p, 4);
        if !holds_itl(&cluster, &p.name) {
            // The 7960 holds no ITL: nothing to reject, and it stays registered.
            assert_eq!(o.itl, "NO_CHANGE", "{}", p.name);
            assert_eq!(p.final_.action, Action::Unaffected);
            assert!(p.final_.registered);
            assert_eq!(held, &None);
            continue;
        }
        assert_eq!(o.itl, "REJECT", "{}", p.name);
        assert!(
            o.itl_detail
                .contains("certificate changed since the phone's ITL"),
            "{}",
            o.itl_detail
        );
        assert_eq!(p.outcomes[5], None);
        assert_eq!(p.final_.action, Action::Rejected);
        assert!(!p.final_.registered);
        // A refused ITL is not installed: the phone keeps its old one.
        assert_eq!(&p.final_.itl_sha1, held);
    }
}

#[test]
fn itlrecovery_and_tvs_together_on_12_reject_every_phone() {
    // §3 / S12.
    let options = options(2, Generation::V12, false, "");
    let before = held_itl_sha1(&Cluster::build(&options).expect("cluster"));
    let (cluster, r) = run(
        &options,
        "regen ITLRecovery\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
    );
    assert_eq!(
        r.steps[0].messages,
        [
            "ucm-pub: Successfully Regenerated Certificate for ITLRecovery.",
            "ucm-pub: You must restart services related to ITLRecovery for the regenerated certificates to become active."
        ],
        "ITLRecovery lives on the publisher"
    );
    assert_eq!(step_counts(&r)[4], counts(0, 39, 1, 0));
    for (p, held) in r.phones.iter().zip(&before) {
        let o = downloaded(p, 4);
        if !holds_itl(&cluster, &p.name) {
            assert_eq!((o.ctl.as_str(), o.itl.as_str()), ("NO_CHANGE", "NO_CHANGE"));
            assert_eq!(p.final_.verdict, Verdict::Unaffected);
            assert!(p.final_.registered);
            continue;
        }
        assert_eq!((o.ctl.as_str(), o.itl.as_str()), ("NO_CHANGE", "REJECT"));
        assert_eq!(o.config.as_deref(), Some("ACCEPT"), "CallManager unchanged");
        assert_eq!(p.final_.verdict, Verdict::Reject);
        // The config is still signed by a known CallManager: registered, with the old ITL.
        assert!(p.final_.registered);
        assert_eq!(&p.final_.itl_sha1, held);
    }
    assert_eq!(r.final_counts, counts(0, 39, 1, 0));
}

#[test]
fn callmanager_alone_on_12_is_accepted() {
    let (cluster, r) = run(
        &options(2, Generation::V12, false, ""),
        "regen CallManager @all\nrestart TFTP @all\nreset phones\n",
    );
    assert_counts(&r, 3, &[(2, counts(39, 0, 1, 0))], counts(0, 0, 40, 0));
    for p in &r.phones {
        let o = downloaded(p, 2);
        if !holds_itl(&cluster, &p.name) {
            assert_eq!(p.verdicts[2], Verdict::Unaffected, "{}", p.name);
            assert_eq!(o.itl, "NO_CHANGE");
            assert_eq!(p.final_.itl_sha1, None);
            continue;
        }
        assert_eq!(p.verdicts[2], Verdict::Accept);
        assert_eq!(o.itl, "ACCEPT");
        assert_eq!(o.itl_via, None);
        assert_eq!(p.final_.action, Action::Unaffected);
        assert_eq!(
            p.final_.outcomes.as_ref().map(|o| o.itl.as_str()),
            Some("NO_CHANGE")
        );
        assert_eq!(p.final_.itl_sha1, served_itl_sha1(&cluster, &p.tftp_server));
    }
}

#[test]
fn powered_off_phones_miss_the_reset_and_download_when_powered_on_at_the_end() {
    let (cluster, r) = run(
        &options(2, Generation::V12, false, "powered-off=5%"),
        "regen CallManager @all\nrestart TFTP @all\nreset phones\n",
    );
    let off = powered_off(&r);
    assert_eq!(off.len(), 2);
    assert_eq!(step_counts(&r)[2], counts(37, 0, 1, 2));
    assert_eq!(r.final_counts, counts(2, 0, 38, 0));
    for p in &r.phones {
        if !holds_itl(&cluster, &p.name) {
            assert!(p.powered_at_start);
            assert_eq!(p.actions[2], Action::Unaffected);
            assert_eq!(p.final_.itl_sha1, None);
            continue;
        }
        if p.powered_at_start {
            assert_eq!(p.actions[2], Action::Accepted);
            assert_eq!(p.final_.action, Action::Unaffected);
        } else {
            assert_eq!(
                p.actions,
                [Action::Unaffected, Action::Unaffected, Action::Missed]
            );
            assert_eq!(
                p.verdicts,
                [Verdict::Unaffected, Verdict::Unaffected, Verdict::Missed]
            );
            assert_eq!(p.outcomes, [None, None, None]);
            // Booted at the end: it takes the new ITL then.
            assert_eq!(p.final_.action, Action::Accepted);
            assert_eq!(p.final_.verdict, Verdict::Accept);
            assert_eq!(
                p.final_.outcomes.as_ref().map(|o| o.itl.as_str()),
                Some("ACCEPT")
            );
        }
        assert!(p.final_.registered, "every phone is on at the end");
        assert_eq!(p.final_.itl_sha1, served_itl_sha1(&cluster, &p.tftp_server));
    }
    assert!(cluster.phones().iter().all(|p| p.powered));
}

#[test]
fn a_device_pool_reset_addresses_only_that_pool() {
    // Off phones of the reset pool missed it; off phones of the other pool were not asked.
    let (cluster, r) = run(
        &options(2, Generation::V12, false, "powered-off=10%"),
        "regen CallManager @all\nrestart TFTP @all\nreset phones @dp-1\nwait registered\n",
    );
    assert_counts(&r, 4, &[(2, counts(17, 0, 21, 2))], counts(22, 0, 18, 0));
    assert_eq!(
        r.steps[2].messages,
        [
            "reset phones @DP-1: 20 phones: ITL ACCEPT 17, NO_CHANGE 1; 2 off, 0 missed, 0 unregistered"
        ]
    );
    assert_eq!(
        r.steps[3].messages,
        ["36 of 36 powered phones registered; 4 powered off"]
    );
    for p in &r.phones {
        let want = match (p.device_pool.as_str(), p.powered_at_start) {
            // The 7940/7960 holds no ITL.
            _ if !holds_itl(&cluster, &p.name) => Action::Unaffected,
            ("DP-1", true) => Action::Accepted,
            ("DP-1", false) => Action::Missed,
            _ => Action::Unaffected,
        };
        assert_eq!(p.actions[2], want, "{} {}", p.name, p.device_pool);
        // DP-2 and the off phones take the new ITL in the final phase.
        let final_want = if want == Action::Accepted || !holds_itl(&cluster, &p.name) {
            Action::Unaffected
        } else {
            Action::Accepted
        };
        assert_eq!(p.final_.action, final_want, "{}", p.name);
    }
}

#[test]
fn mixed_mode_without_ctl_update_on_11_5_leaves_phones_without_an_itl() {
    // §3: mixed, ≤ 11.5, every CallManager regenerated without a CTL update → REJECT_NO_ITL.
    let (cluster, r) = run(
        &options(2, Generation::V11_5, true, ""),
        "regen CallManager @all\nrestart TFTP @all\nreset phones\n",
    );
    assert_eq!(step_counts(&r)[2], counts(0, 40, 0, 0));
    let ctl = cluster.served_ctl().map(|f| hex::encode(f.sha1));
    assert!(ctl.is_some());
    for p in &r.phones {
        let o = downloaded(p, 2);
        if !holds_itl(&cluster, &p.name) {
            // The 7940/7960 holds no ITL, but its configuration file is now signed by a
            // CallManager its CTL does not list: it cannot register either.
            assert_eq!((o.ctl.as_str(), o.itl.as_str()), ("NO_CHANGE", "NO_CHANGE"));
            assert_eq!(o.config.as_deref(), Some("REJECT"), "{}", p.name);
            assert_eq!(p.final_.action, Action::Rejected);
            assert_eq!(p.final_.ctl_sha1, ctl);
            assert!(!p.final_.registered);
            continue;
        }
        assert_eq!(
            (o.ctl.as_str(), o.itl.as_str()),
            ("NO_CHANGE", "REJECT_NO_ITL")
        );
        assert!(o.itl_detail.contains("is not in the phone's CTL"));
        assert_eq!(p.final_.action, Action::Rejected);
        assert_eq!(p.final_.itl_sha1, None, "ITL \"Not Installed\"");
        assert_eq!(p.final_.ctl_sha1, ctl);
        assert!(!p.final_.registered);
    }
}

#[test]
fn mixed_mode_on_12_blocks_tls_phones_until_the_ctl_is_updated() {
    // §3: mixed, 12+, CallManager without CTL update: ITL ACCEPT, TLS registration blocked.
    let options = options(2, Generation::V12, true, "");
    let (cluster, r) = run(
        &options,
        "regen CallManager @all\nrestart TFTP @all\nreset phones\n",
    );
    assert_eq!(step_counts(&r)[2], counts(34, 6, 0, 0));
    for p in &r.phones {
        let o = downloaded(p, 2);
        if !holds_itl(&cluster, &p.name) {
            // The 7940/7960 checks its configuration file against its CTL, which does not
            // list the new CallManager yet.
            assert_eq!(o.itl, "NO_CHANGE");
            assert_eq!(o.config.as_deref(), Some("REJECT"), "{}", p.name);
            assert_eq!(p.actions[2], Action::Rejected, "{}", p.name);
            assert!(!p.final_.registered);
            continue;
        }
        assert_eq!(o.itl, "ACCEPT");
        let tls = cluster
            .phone(&p.name)
            .expect("phone")
            .security_profile
            .mode
            .is_tls();
        if tls {
            assert_eq!(p.actions[2], Action::Rejected, "{}", p.name);
            assert_eq!(o.registration.as_deref(), Some("BLOCKED"));
            assert!(!p.final_.registered);
        } else {
            assert_eq!(p.actions[2], Action::Accepted, "{}", p.name);
            assert!(p.final_.registered);
        }
    }
    assert_eq!(r.final_counts, counts(0, 6, 34, 0));

    // The twin with `ctl update`: the new CallManager certificates are in the CTL.
    let (cluster, r) = run(
        &options,
        "regen CallManager @all\nctl update\nrestart TFTP @all\nreset phones\n",
    );
    assert_eq!(
        r.steps[1].messages,
        [
            "ucm-pub: Updating CTL file",
            "ucm-pub: CTL file Updated",
            "ucm-pub: Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services"
        ]
    );
    assert_eq!(step_counts(&r)[3], counts(40, 0, 0, 0));
    assert_eq!(r.final_counts, counts(0, 0, 40, 0));
    let ctl = cluster.served_ctl().map(|f| hex::encode(f.sha1));
    for p in &r.phones {
        let o = downloaded(p, 3);
        let itl = if holds_itl(&cluster, &p.name) {
            "ACCEPT"
        } else {
            "NO_CHANGE"
        };
        assert_eq!((o.ctl.as_str(), o.itl.as_str()), ("ACCEPT", itl));
        assert_eq!(p.final_.ctl_sha1, ctl);
        assert!(p.final_.registered);
    }
}

#[test]
fn fourteen_plus_resets_phones_by_itself_and_off_phones_miss_it() {
    let (cluster, r) = run(
        &options(2, Generation::V14, false, "powered-off=5%"),
        "regen CallManager @all\n",
    );
    assert_eq!(step_counts(&r), [counts(37, 0, 1, 2)]);
    assert_eq!(
        r.steps[0]
            .messages
            .iter()
            .filter(|m| m.starts_with("automatic phone reset: "))
            .count(),
        2,
        "one automatic reset per regenerated node"
    );
    for p in &r.phones {
        let want = if !holds_itl(&cluster, &p.name) {
            Action::Unaffected
        } else if p.powered_at_start {
            Action::Accepted
        } else {
            Action::Missed
        };
        assert_eq!(p.actions, [want], "{}", p.name);
    }
    assert_eq!(r.final_counts, counts(2, 0, 38, 0));
}

#[test]
fn ipsec_and_tomcat_regenerations_leave_the_trust_lists_alone() {
    let (_, r) = run(
        &options(2, Generation::V11_5, false, ""),
        "regen ipsec @all\nregen tomcat @ucm-sub1\nrestart tomcat @ucm-sub1\nreset phones\n",
    );
    assert_counts(&r, 4, &[], counts(0, 0, 40, 0));
    assert!(r.phones.iter().all(|p| {
        p.outcomes[3]
            .as_ref()
            .is_some_and(|o| o.itl == "NO_CHANGE" && o.ctl == "NO_CHANGE")
    }));
}

#[test]
fn the_same_options_give_the_same_replay() {
    let text = "regen CallManager @ucm-pub\nrestart TFTP @all\nreset phones @DP-1\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n";
    let options = options(3, Generation::V11_5, false, "powered-off=5%,stale-itl=2");
    let (_, a) = run(&options, text);
    let (_, b) = run(&options, text);
    assert_eq!(a, b);
    let json = a.to_json().expect("serialises");
    assert_eq!(json, b.to_json().expect("serialises"));
    let other = SimOptions { seed: 8, ..options };
    let (_, c) = run(&other, text);
    assert_ne!(json, c.to_json().expect("serialises"));
}

#[test]
fn the_json_has_the_documented_shape_and_round_trips() {
    let (_, r) = run(
        &options(2, Generation::V11_5, false, "powered-off=1"),
        "regen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones\n",
    );
    let json = r.to_json().expect("serialises");
    assert_eq!(serde_json::from_str::<Replay>(&json).expect("parses"), r);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v["cluster"],
        serde_json::json!({"name": "sim", "generation": "11.5", "mixed": false, "nodes": 2,
            "phones": 40, "seed": 7, "faults": "powered-off=1", "key_bits": 1024})
    );
    assert_eq!(
        v["plan"],
        serde_json::json!([
            "regen CallManager @ucm-pub",
            "restart TFTP @ucm-pub",
            "reset phones"
        ])
    );
    assert_eq!(
        v["steps"][0]["counts"],
        serde_json::json!({"accepted": 0, "rejected": 0, "unaffected": 40, "missed": 0, "unknown": 0})
    );
    assert_eq!(v["steps"][2]["index"], 3);
    assert_eq!(v["steps"][2]["line"], 3);
    assert_eq!(v["steps"][2]["step"], "reset phones");
    let phones = v["phones"].as_array().expect("phones");
    assert_eq!(phones.len(), 40);
    let keys = |o: &serde_json::Value| {
        let mut k: Vec<String> = o.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&phones[0]),
        [
            "actions",
            "address",
            "device_pool",
            "final",
            "name",
            "outcomes",
            "powered_at_start",
            "tftp_server",
            "verdicts"
        ]
    );
    assert_eq!(
        keys(&phones[0]["final"]),
        [
            "action",
            "config",
            "config_detail",
            "ctl",
            "ctl_detail",
            "ctl_sha1",
            "itl",
            "itl_detail",
            "itl_sha1",
            "itl_via",
            "registered",
            "registration",
            "registration_detail",
            "verdict"
        ]
    );
    let accepted = phones
        .iter()
        .find(|p| p["actions"][2] == "accepted")
        .expect("an accepted phone");
    assert_eq!(accepted["tftp_server"], "ucm-pub");
    assert_eq!(accepted["verdicts"][2], "accept-via-tvs");
    assert_eq!(accepted["outcomes"][0], serde_json::Value::Null);
    assert_eq!(accepted["outcomes"][2]["itl"], "ACCEPT_TVS");
    let sha1 = accepted["final"]["itl_sha1"].as_str().expect("sha1");
    assert_eq!(sha1.len(), 40);
    assert!(
        sha1.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
    );
    assert_eq!(accepted["final"]["ctl_sha1"], serde_json::Value::Null);
    let off = phones
        .iter()
        .find(|p| p["powered_at_start"] == false)
        .expect("the powered-off phone");
    assert_eq!(off["actions"][2], "missed");
    assert_eq!(off["verdicts"][2], "missed");
    assert!(v["final_counts"].is_object());
}

fn replay_error(options: &SimOptions, text: &str) -> ReplayError {
    let mut cluster = Cluster::build(options).expect("cluster builds");
    replay(&mut cluster, &plan(text)).expect_err("the replay fails")
}

#[test]
fn steps_that_cannot_be_applied_name_their_line() {
    let twelve = options(3, Generation::V12, false, "");
    let cases = [
        (
            "regen CallManager @ucm-pub\n\nregen CallManager @ucm-sub9\n",
            3,
            "line 3: regen CallManager @ucm-sub9: no node named \"ucm-sub9\" (nodes: ucm-pub, ucm-sub1, ucm-sub2)",
        ),
        (
            "# CAPF lives on the publisher\nregen CAPF @ucm-sub1\n",
            2,
            "line 2: regen CAPF @ucm-sub1: node ucm-sub1 has no CAPF certificate",
        ),
        (
            "restart TFTP @ucm-sub2\n",
            1,
            "line 1: restart TFTP @ucm-sub2: node ucm-sub2 does not run TFTP",
        ),
        (
            "regen CallManager @all\nrestart TFTP @all\nctl update\n",
            3,
            "line 3: ctl update: the cluster is not in mixed mode: there is no CTL to update",
        ),
        (
            "reset phones @DP-1\nreset phones @DP-9\n",
            2,
            "line 2: reset phones @DP-9: no device pool named \"DP-9\" (pools: DP-1, DP-2)",
        ),
    ];
    for (text, line, message) in cases {
        let err = replay_error(&twelve, text);
        assert_eq!(err.line(), Some(line), "{text}");
        assert_eq!(err.to_string(), message, "{text}");
    }
    // Names are matched case-insensitively, as `Plan::check_names` does.
    let (_, r) = run(
        &options(2, Generation::V12, false, ""),
        "regen CallManager @UCM-PUB\nrestart tftp @Ucm-Pub\nreset phones @dp-1\n",
    );
    assert_eq!(step_counts(&r)[2], counts(19, 0, 21, 0));
}
