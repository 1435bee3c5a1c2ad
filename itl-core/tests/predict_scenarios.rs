//! The plan-shaped rows of the scenario table (`trust-and-procedure.md` §3 and §6) through
//! the predictor: a cluster in its generation-1 state (real, signed files from the committed
//! fixtures, see `common/mod.rs`), a plan file, and the verdict the table gives, phone by
//! phone. The expectations are the documents', not the engine's.
//!
//! Rows that are not plans are tested at the rule level in `trust_scenarios.rs`: S1 (first
//! boot), S4 (TVS down), S16/S17 (rollback), S18 (LSC), S19 (moved phone), S20 (no TVS),
//! S21 (foreign ITL), S22 (size). S7 and S23 need a phone powered on, or a regeneration,
//! in the middle of a step, which a plan does not express.

mod common;

use common::{Cluster, NOW, PUB, SUB, Version};
use itl_core::cucm::{CertUnit, Generation};
use itl_core::plan::Plan;
use itl_core::predict::{
    ClusterModel, NodeModel, PhoneInput, PlanProblem, PredictError, PredictOptions, Prediction,
    predict,
};
use itl_core::trust::{Capabilities, PhoneTrust, TrustCache, Verdict};
use std::net::Ipv4Addr;

fn model(c: &Cluster, automatic: bool) -> ClusterModel {
    let generation = match c.version {
        Version::V11_5 => Generation::V11_5,
        Version::V12 => Generation::V12,
        Version::V14 => Generation::V14,
    };
    let nodes = c
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut m = NodeModel::new(n.name, Ipv4Addr::from(n.ip));
            m.tftp = true;
            m.callmanager = true;
            m.tvs = true;
            m.certs
                .insert(CertUnit::CallManager, n.callmanager.der.clone());
            m.certs.insert(CertUnit::Tvs, n.tvs.der.clone());
            if i == PUB {
                m.certs
                    .insert(CertUnit::ItlRecovery, c.itlrecovery.der.clone());
                m.certs.insert(CertUnit::Capf, c.capf.der.clone());
            }
            m.itl = Some(c.itl(i));
            m
        })
        .collect();
    ClusterModel {
        generation,
        mixed: c.mixed,
        automatic_phone_interaction: automatic,
        nodes,
        ctl: c.ctl(),
    }
}

/// A phone that holds what its TFTP node serves now.
fn phone(c: &Cluster, name: &str, tftp: usize, group: &[usize], on: bool) -> PhoneInput {
    let cache = TrustCache::new();
    let itl = cache.file(&c.itl(tftp)).unwrap();
    let ctl = c.ctl().map(|b| cache.file(&b).unwrap());
    PhoneInput {
        name: name.into(),
        device_pool: Some(if tftp == PUB { "DP-A" } else { "DP-B" }.into()),
        tftp_node: tftp,
        group: group.to_vec(),
        capabilities: Capabilities::new("CP-8841"),
        trust: Some(PhoneTrust::with_files(ctl, Some(itl))),
        on,
        assumed: false,
    }
}

/// Phone "a" on the publisher's TFTP node, its CallManager group the publisher alone.
fn one(c: &Cluster) -> [PhoneInput; 1] {
    [phone(c, "a", PUB, &[PUB], true)]
}

/// The detail of phone `phone`'s verdict at step `step`.
fn detail(p: &Prediction, phone: usize, step: usize) -> &str {
    p.phones[phone].steps[step]
        .detail
        .as_deref()
        .expect("a detail")
}

fn run(c: &Cluster, phones: &[PhoneInput], plan: &str) -> Prediction {
    let plan = Plan::parse(plan).unwrap();
    predict(&model(c, false), phones, &plan, &PredictOptions::at(NOW)).unwrap()
}

fn verdicts(p: &Prediction, phone: usize) -> Vec<Verdict> {
    p.phones[phone].steps.iter().map(|s| s.verdict).collect()
}

fn fin(p: &Prediction, phone: usize) -> Verdict {
    p.phones[phone].final_verdict.verdict
}

use Verdict::{Accept, AcceptViaTvs, Missed, Reject, Unaffected};

/// A phone of a row: its name, TFTP node, CallManager group, and whether it is on.
type PhoneSpec = (&'static str, usize, &'static [usize], bool);

/// What a row of the table says about the prediction (phones and steps counted from 0).
#[derive(Debug)]
enum Says {
    /// Phone `.0`'s verdicts at every step.
    Verdicts(usize, &'static [Verdict]),
    /// Phone `.0`'s verdict at step `.1`.
    Verdict(usize, usize, Verdict),
    /// Phone `.0`'s final verdict.
    Final(usize, Verdict),
    /// Phone `.0`'s detail at step `.1` starts with the text.
    DetailStarts(usize, usize, &'static str),
    /// Phone `.0`'s detail at step `.1` contains the text.
    DetailHas(usize, usize, &'static str),
    /// Phone `.0`'s first rejecting step, counted from 1.
    FirstReject(usize, Option<usize>),
    /// How many steps phone `.0` missed.
    Missed(usize, usize),
    /// The phones step `.0` rejects.
    RejectedAt(usize, &'static [&'static str]),
    /// How many phones step `.0` rejects.
    RejectCount(usize, usize),
    /// The phones rejected at the end.
    FinalRejected(&'static [&'static str]),
    /// The phones off whose return is at risk.
    AtRiskOff(&'static [&'static str]),
    /// How many phones that are on end rejected.
    RejectionsOfPhonesOn(usize),
    /// Whether any phone ends rejected.
    AnyFinalReject(bool),
}

impl Says {
    #[track_caller]
    fn check(&self, p: &Prediction, scenario: &str) {
        match *self {
            Says::Verdicts(phone, want) => assert_eq!(verdicts(p, phone), want, "{scenario}"),
            Says::Verdict(phone, step, want) => {
                assert_eq!(verdicts(p, phone)[step], want, "{scenario}: phone {phone}")
            }
            Says::Final(phone, want) => assert_eq!(fin(p, phone), want, "{scenario}"),
            Says::DetailStarts(phone, step, text) => {
                let detail = detail(p, phone, step);
                assert!(detail.starts_with(text), "{scenario}: {detail}");
            }
            Says::DetailHas(phone, step, text) => {
                let detail = detail(p, phone, step);
                assert!(detail.contains(text), "{scenario}: {detail}");
            }
            Says::FirstReject(phone, step) => {
                assert_eq!(p.phones[phone].first_reject, step, "{scenario}")
            }
            Says::Missed(phone, n) => assert_eq!(p.phones[phone].missed, n, "{scenario}"),
            Says::RejectedAt(step, names) => {
                assert_eq!(p.steps[step].rejected, names, "{scenario}")
            }
            Says::RejectCount(step, n) => {
                assert_eq!(p.steps[step].counts.get(&Reject), Some(&n), "{scenario}")
            }
            Says::FinalRejected(names) => assert_eq!(p.final_rejected, names, "{scenario}"),
            Says::AtRiskOff(names) => assert_eq!(p.at_risk_off, names, "{scenario}"),
            Says::RejectionsOfPhonesOn(n) => {
                assert_eq!(p.rejections_of_phones_on(), n, "{scenario}")
            }
            Says::AnyFinalReject(any) => assert_eq!(p.any_final_reject(), any, "{scenario}"),
        }
    }
}

/// A row of the scenario table with the phones it needs (a phone alone is phone "a" on the
/// publisher's TFTP node).
struct Row {
    /// The scenario, for failure messages.
    scenario: &'static str,
    version: Version,
    mixed: bool,
    phones: &'static [PhoneSpec],
    plan: &'static str,
    says: &'static [Says],
}

const ROWS: [Row; 16] = [
    Row {
        // TVS presents its new certificate only after it restarts (12.5 and earlier).
        scenario: "S3 without the TVS restart: the old TVS still vouches",
        version: Version::V11_5,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen CallManager @all\nregen TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[Says::Verdicts(
            0,
            &[Unaffected, Unaffected, Unaffected, AcceptViaTvs],
        )],
    },
    Row {
        scenario: "S5: 11.5, TVS alone is accepted",
        version: Version::V11_5,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[Says::Verdicts(
            0,
            &[Unaffected, Unaffected, Unaffected, Accept],
        )],
    },
    Row {
        scenario: "S10: 12, mixed, CallManager with a CTL update is accepted",
        version: Version::V12,
        mixed: true,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen CallManager @all\nctl update\nrestart TFTP @all\nreset phones\n",
        says: &[
            Says::Verdicts(0, &[Unaffected, Unaffected, Unaffected, Accept]),
            Says::Final(0, Unaffected),
        ],
    },
    Row {
        scenario: "S11: 12, CallManager alone is accepted",
        version: Version::V12,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones\n",
        says: &[Says::Verdicts(0, &[Unaffected, Unaffected, Accept])],
    },
    Row {
        scenario: "S12: 12, ITLRecovery and TVS together are rejected",
        version: Version::V12,
        mixed: false,
        phones: &[("a", PUB, &[PUB, SUB], true)],
        plan: "regen ITLRecovery\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[
            Says::Verdicts(0, &[Unaffected, Unaffected, Unaffected, Unaffected, Reject]),
            Says::Final(0, Reject),
        ],
    },
    Row {
        scenario: "§3: 12, CallManager and TVS together are accepted",
        version: Version::V12,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen CallManager @all\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[Says::Verdicts(
            0,
            &[Unaffected, Unaffected, Unaffected, Unaffected, Accept],
        )],
    },
    Row {
        scenario: "§3: 12, ITLRecovery alone goes through TVS",
        version: Version::V12,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen ITLRecovery\nrestart TFTP @all\nreset phones\n",
        says: &[Says::Verdicts(0, &[Unaffected, Unaffected, AcceptViaTvs])],
    },
    Row {
        scenario: "§3: 11.5, CallManager with ITLRecovery is as CallManager alone",
        version: Version::V11_5,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen CallManager @ucm-pub\nregen ITLRecovery @ucm-pub\nrestart TFTP @all\nreset phones\n",
        says: &[Says::Verdicts(
            0,
            &[Unaffected, Unaffected, Unaffected, AcceptViaTvs],
        )],
    },
    Row {
        scenario: "S2: 11.5, CallManager alone is accepted through TVS",
        version: Version::V11_5,
        mixed: false,
        phones: &[("on-pub", PUB, &[PUB], true), ("on-sub", SUB, &[SUB], true)],
        plan: "regen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones\n",
        says: &[
            Says::Verdicts(0, &[Unaffected, Unaffected, AcceptViaTvs]),
            Says::DetailStarts(0, 2, "ITL ACCEPT_TVS via ucm-pub"),
            // The other TFTP node's ITL did not change.
            Says::Verdicts(1, &[Unaffected, Unaffected, Unaffected]),
            Says::Final(0, Unaffected),
            Says::AnyFinalReject(false),
        ],
    },
    Row {
        // Before TFTP restarts nothing reaches the phones: the ITL is stale.
        scenario: "S2 without the TFTP restart",
        version: Version::V11_5,
        mixed: false,
        phones: &[("on-pub", PUB, &[PUB], true), ("on-sub", SUB, &[SUB], true)],
        plan: "regen CallManager @ucm-pub\nreset phones\n",
        says: &[Says::Verdicts(0, &[Unaffected, Unaffected])],
    },
    Row {
        scenario: "S3: 11.5, CallManager and TVS together are rejected cluster-wide",
        version: Version::V11_5,
        mixed: false,
        phones: &[("a", PUB, &[PUB, SUB], true), ("b", SUB, &[SUB, PUB], true)],
        plan: "regen CallManager @all\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\nwait registered\n",
        says: &[
            Says::Verdict(0, 4, Reject),
            Says::FirstReject(0, Some(5)),
            Says::Final(0, Reject),
            Says::Verdict(1, 4, Reject),
            Says::FirstReject(1, Some(5)),
            Says::Final(1, Reject),
            Says::RejectedAt(4, &["a", "b"]),
            Says::FinalRejected(&["a", "b"]),
            Says::DetailHas(0, 4, "ITL REJECT"),
        ],
    },
    Row {
        scenario: "S6: a phone off through both steps comes back to a rejection",
        version: Version::V11_5,
        mixed: false,
        phones: &[("on", PUB, &[PUB], true), ("off", PUB, &[PUB], false)],
        plan: "regen CallManager @all\nrestart TFTP @all\nreset phones\nwait registered\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[
            Says::Verdict(0, 2, AcceptViaTvs),
            Says::Verdict(0, 7, Accept),
            Says::Final(0, Unaffected),
            Says::Verdict(1, 2, Missed),
            Says::Verdict(1, 7, Missed),
            Says::Missed(1, 2),
            Says::Final(1, Reject),
            Says::AtRiskOff(&["off"]),
            Says::RejectionsOfPhonesOn(0),
        ],
    },
    Row {
        scenario: "S8: 11.5, one usable TVS in the group suffices",
        version: Version::V11_5,
        mixed: false,
        phones: &[("a", PUB, &[PUB, SUB], true), ("only-b", PUB, &[SUB], true)],
        plan: "regen CallManager @ucm-pub\nregen TVS @ucm-sub1\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[
            Says::Verdict(0, 4, AcceptViaTvs),
            Says::DetailHas(0, 4, "via ucm-pub"),
            // A phone whose group has only the changed TVS is rejected.
            Says::Verdict(1, 4, Reject),
        ],
    },
    Row {
        scenario: "S9: 11.5, mixed, CallManager without a CTL update loses its ITL",
        version: Version::V11_5,
        mixed: true,
        phones: &[("a", PUB, &[PUB], true)],
        plan: "regen CallManager @all\nrestart TFTP @all\nreset phones\n",
        says: &[
            Says::Verdict(0, 2, Reject),
            // The CTL did not change.
            Says::DetailStarts(0, 2, "ITL REJECT_NO_ITL"),
            Says::DetailHas(0, 2, "| config REJECT"),
        ],
    },
    Row {
        scenario: "S13: 12, everything together is rejected",
        version: Version::V12,
        mixed: false,
        phones: &[("a", PUB, &[PUB, SUB], true), ("b", SUB, &[SUB], true)],
        plan: "regen CallManager @all\nregen TVS @all\nregen ITLRecovery @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\n",
        says: &[Says::RejectCount(5, 2)],
    },
    Row {
        scenario: "S24: 11.5, the correct procedure is accepted twice",
        version: Version::V11_5,
        mixed: false,
        phones: &[("a", PUB, &[PUB], true), ("b", SUB, &[SUB], true)],
        plan: "regen CallManager @all\nrestart TFTP @all\nreset phones\nwait registered\nregen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\nwait registered\n",
        says: &[
            Says::Verdict(0, 2, AcceptViaTvs),
            Says::Verdict(0, 7, Accept),
            Says::Final(0, Unaffected),
            Says::Verdict(1, 2, AcceptViaTvs),
            Says::Verdict(1, 7, Accept),
            Says::Final(1, Unaffected),
            Says::AnyFinalReject(false),
        ],
    },
];

#[test]
fn rows_of_the_scenario_table() {
    for row in &ROWS {
        let c = Cluster::new(row.version, row.mixed);
        let phones: Vec<PhoneInput> = row
            .phones
            .iter()
            .map(|&(name, tftp, group, on)| phone(&c, name, tftp, group, on))
            .collect();
        let p = run(&c, &phones, row.plan);
        for says in row.says {
            says.check(&p, row.scenario);
        }
    }
}

#[test]
fn tomcat_and_ipsec_change_no_trust_list() {
    let c = Cluster::new(Version::V12, false);
    let phones = one(&c);
    let p = run(
        &c,
        &phones,
        "regen tomcat @all\nregen ipsec @all\nrestart tomcat @all\nrestart TFTP @all\nreset phones\n",
    );
    assert_eq!(verdicts(&p, 0), [Unaffected; 5]);
    assert_eq!(
        p.served_itls,
        run(&c, &phones, "reset phones\n").served_itls
    );
}

#[test]
fn automatic_phone_interaction_on_14_resets_phones_at_the_regeneration() {
    let c = Cluster::new(Version::V14, false);
    let phones = one(&c);
    let plan = Plan::parse("regen TVS @ucm-pub\nwait registered\n").unwrap();
    let p = predict(&model(&c, true), &phones, &plan, &PredictOptions::at(NOW)).unwrap();
    assert_eq!(verdicts(&p, 0), [Accept, Unaffected]);
    assert!(
        p.steps[0]
            .notes
            .iter()
            .any(|n| n.contains("every phone reset"))
    );
    // Manual: nothing happens until TFTP restarts and phones reset.
    let manual = predict(&model(&c, false), &phones, &plan, &PredictOptions::at(NOW)).unwrap();
    assert_eq!(verdicts(&manual, 0), [Unaffected, Unaffected]);
}

#[test]
fn unknown_phones_stay_unknown_and_steps_that_do_not_fit_are_errors() {
    let c = Cluster::new(Version::V12, false);
    let mut unknown = phone(&c, "u", PUB, &[PUB], true);
    unknown.trust = None;
    let p = run(
        &c,
        &[unknown],
        "regen CallManager @all\nrestart TFTP @all\nreset phones\n",
    );
    assert_eq!(p.phones[0].steps[2].verdict, Verdict::Unknown);
    assert_eq!(fin(&p, 0), Verdict::Unknown);
    let phones = one(&c);
    let m = model(&c, false);
    let err = |plan: &str| {
        predict(
            &m,
            &phones,
            &Plan::parse(plan).unwrap(),
            &PredictOptions::at(NOW),
        )
        .unwrap_err()
    };
    let cases = [
        (
            "reset phones\nctl update\n",
            PredictError::Plan {
                line: 2,
                problem: PlanProblem::NoCtlToUpdate,
            },
            "line 2: the cluster is not in mixed mode: there is no CTL to update",
        ),
        (
            "regen TVS @ucm-sub9\n",
            PredictError::Plan {
                line: 1,
                problem: PlanProblem::UnknownNode {
                    name: "ucm-sub9".into(),
                },
            },
            "line 1: unknown node \"ucm-sub9\"",
        ),
        (
            "\n\nregen CAPF @ucm-sub1\n",
            PredictError::Plan {
                line: 3,
                problem: PlanProblem::NoCertificate {
                    node: "ucm-sub1".into(),
                    unit: CertUnit::Capf,
                },
            },
            "line 3: ucm-sub1 has no CAPF certificate",
        ),
    ];
    for (plan, expected, message) in cases {
        let e = err(plan);
        assert_eq!(e, expected);
        assert_eq!(e.to_string(), message);
    }
}

const S14: &str = "regen ITLRecovery\nitl reset localkey\nreset phones\nwait registered\nrestart TFTP @all\nreset phones\nwait registered\n";

#[test]
fn s14_12_itlrecovery_bridged_by_itl_reset_localkey_is_accepted_twice() {
    let c = Cluster::new(Version::V12, false);
    let phones = [
        phone(&c, "a", PUB, &[PUB], true),
        phone(&c, "b", SUB, &[SUB], true),
    ];
    let p = run(&c, &phones, S14);
    for i in 0..2 {
        // Phase 1: the ITL signed by the CallManager key (a SAST of v1) carries the new
        // ITLRecovery; phase 2: signed by the new ITLRecovery, which the phase-1 ITL holds.
        assert_eq!(
            verdicts(&p, i),
            [
                Unaffected, Unaffected, Accept, Unaffected, Unaffected, Accept, Unaffected
            ]
        );
        assert_eq!(fin(&p, i), Unaffected);
    }
    // Without TVS the bridge still works: no step needs it.
    let mut no_tvs = phone(&c, "7960", PUB, &[PUB], true);
    no_tvs.capabilities = Capabilities::without_tvs("CP-7960");
    let p = run(&c, &[no_tvs], S14);
    assert_eq!(verdicts(&p, 0)[2], Accept);
    assert_eq!(verdicts(&p, 0)[5], Accept);
}

#[test]
fn s15_a_phone_off_during_the_bridge_needs_tvs() {
    let c = Cluster::new(Version::V12, false);
    let phones = [phone(&c, "off", PUB, &[PUB], false)];
    let p = run(&c, &phones, S14);
    assert_eq!(p.phones[0].missed, 2);
    // It comes back to an ITL signed by the new ITLRecovery: only TVS can vouch for it.
    assert_eq!(fin(&p, 0), AcceptViaTvs);
    let mut no_tvs = phones[0].clone();
    no_tvs.capabilities = Capabilities::without_tvs("CP-7960");
    let p = run(&c, &[no_tvs], S14);
    assert_eq!(fin(&p, 0), Reject);
}

#[test]
fn ctl_reset_localkey_bridges_itlrecovery_in_mixed_mode() {
    let c = Cluster::new(Version::V12, true);
    let phones = one(&c);
    let plan = "regen ITLRecovery\nctl reset localkey\nreset phones\nwait registered\nctl update\nrestart TFTP @all\nreset phones\nwait registered\n";
    let p = run(&c, &phones, plan);
    assert_eq!(verdicts(&p, 0)[2], Accept);
    assert_eq!(verdicts(&p, 0)[6], Accept);
    assert_eq!(fin(&p, 0), Unaffected);
    let err = predict(
        &model(&Cluster::new(Version::V12, false), false),
        &phones,
        &Plan::parse("ctl reset localkey\n").unwrap(),
        &PredictOptions::at(NOW),
    )
    .unwrap_err();
    assert_eq!(
        err,
        PredictError::Plan {
            line: 1,
            problem: PlanProblem::NoCtlToReset,
        }
    );
    assert_eq!(
        err.to_string(),
        "line 1: the cluster is not in mixed mode: there is no CTL to reset"
    );
}

#[test]
fn a_certificate_no_served_list_carries_changes_nothing_phones_see() {
    let c = Cluster::new(Version::V12, false);
    let mut m = model(&c, false);
    // ucm-sub1 as a CallManager-only node: its certificate is in no list.
    m.nodes[SUB].tftp = false;
    m.nodes[SUB].itl = None;
    m.nodes[SUB].certs.remove(&CertUnit::CallManager);
    let phones = one(&c);
    let plan =
        Plan::parse("regen CallManager @ucm-sub1\nrestart TFTP @all\nreset phones\n").unwrap();
    let p = predict(&m, &phones, &plan, &PredictOptions::at(NOW)).unwrap();
    assert_eq!(verdicts(&p, 0), [Unaffected, Unaffected, Unaffected]);
    assert_eq!(
        p.steps[0].notes,
        [
            "ucm-sub1: CallManager regenerated (a certificate no served list carries: phones do not see it)"
        ]
    );
}
