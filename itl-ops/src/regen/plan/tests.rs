//! The generator on hand-made facts (exact lines, phases, gates), and its plans replayed on
//! the simulator's model (no phone that can be protected is rejected).

use itl_core::cucm::{CertUnit, Generation, Service, ServiceStatus};
use itl_core::plan::{GateKind, Step};
use itl_sim::model::PhoneInteraction;
use itl_sim::replay::replay;
use itl_sim::{Cluster, FaultSpec, SimOptions};

use super::*;

fn options(generation: Generation, mixed: bool, faults: &str) -> SimOptions {
    SimOptions {
        nodes: 3,
        phones: 60,
        generation,
        mixed,
        phone_interaction: PhoneInteraction::Automatic,
        seed: 4,
        faults: FaultSpec::parse(faults).expect("faults"),
        key_bits: 1024,
        ..SimOptions::default()
    }
}

/// The facts of a simulated cluster, as a preflight would read them.
fn facts_of(cluster: &Cluster, automatic: bool, lscs: bool) -> RegenFacts {
    let settings = cluster.settings();
    RegenFacts {
        cluster: cluster.name().to_owned(),
        generation: settings.generation,
        mixed: settings.security_mode == itl_core::cucm::ClusterSecurityMode::Mixed,
        automatic_phone_interaction: automatic,
        lscs_in_use: lscs,
        sso: false,
        phones: Some(cluster.phones().len()),
        nodes: cluster
            .nodes()
            .iter()
            .map(|n| NodeRoles {
                name: n.name.clone(),
                publisher: n.publisher,
                services: n
                    .services
                    .iter()
                    .filter(|s| s.status != ServiceStatus::NotActivated)
                    .map(|s| s.kind)
                    .collect(),
                units: n.identities.keys().copied().collect(),
            })
            .collect(),
        cm_groups: cluster
            .cm_groups()
            .iter()
            .map(|g| CmGroup {
                name: g.name.clone(),
                members: g
                    .members
                    .iter()
                    .map(|&m| cluster.nodes()[m].name.clone())
                    .collect(),
            })
            .collect(),
        dependants: vec!["RADIUS (802.1x)".into()],
        notes: Vec::new(),
    }
}

/// Generates every unit's plan for the simulated cluster of `options`, replays it, and
/// returns the plan and the phones rejected at some step or at the end (phones without TVS
/// support, which nothing protects from a signer change, left out).
fn generate_and_replay(options: &SimOptions, automatic: bool) -> (GeneratedPlan, Vec<String>) {
    let mut cluster = Cluster::build(options).expect("cluster");
    let lscs = cluster.phones().iter().any(|p| p.lsc.is_some());
    let facts = facts_of(&cluster, automatic, lscs);
    let generated = generate(&facts, &CertUnit::ALL).expect("plan");
    let result = replay(&mut cluster, &generated.plan).expect("replays");
    let rejected = result
        .phones
        .iter()
        .filter(|p| {
            let no_tvs = p
                .outcomes
                .iter()
                .flatten()
                .chain(p.final_.outcomes.iter())
                .any(|o| {
                    o.itl_detail.contains("has no TVS support")
                        || o.ctl_detail.contains("has no TVS support")
                });
            !no_tvs
        })
        .filter(|p| {
            p.verdicts.contains(&itl_core::trust::Verdict::Reject)
                || p.final_.verdict == itl_core::trust::Verdict::Reject
        })
        .map(|p| p.name.clone())
        .collect();
    (generated, rejected)
}

fn lines(plan: &GeneratedPlan) -> Vec<String> {
    plan.plan
        .steps()
        .iter()
        .map(|s| s.step.to_string())
        .collect()
}

fn position(lines: &[String], line: &str) -> usize {
    lines
        .iter()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} missing: {lines:#?}"))
}

#[test]
fn the_11_5_procedure_is_the_field_order_and_protects_every_phone() {
    let (plan, rejected) = generate_and_replay(&options(Generation::V11_5, false, ""), false);
    assert_eq!(rejected, Vec::<String>::new());
    let l = lines(&plan);
    assert_eq!(
        &l[..4],
        [
            "regen ipsec @all",
            "restart DRF Master @ucm-pub",
            "restart DRF Local @all",
            "gate services"
        ]
    );
    // CAPF, CallManager, TVS, ITLRecovery, tomcat; each trust anchor its own phase.
    let order: Vec<usize> = [
        "regen CAPF @ucm-pub",
        "regen CallManager @all",
        "regen TVS @all",
        "regen ITLRecovery @all",
        "regen tomcat @all",
        "delete old-trust @all",
        "backup",
    ]
    .iter()
    .map(|s| position(&l, s))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{l:#?}");
    assert!(l.contains(&"restart CTIManager @all".to_owned()));
    assert!(
        !l.iter()
            .any(|s| s.starts_with("ctl ") || s.contains("localkey"))
    );
    assert_eq!(
        plan.phases
            .iter()
            .map(|p| (p.title.as_str(), p.gates.clone()))
            .collect::<Vec<_>>(),
        vec![
            (
                "ipsec (in no trust list; DRF); CAPF (publisher)",
                vec![GateKind::Registered, GateKind::Trust]
            ),
            (
                "CallManager on every node (phones take the new ITL through TVS)",
                vec![GateKind::Registered, GateKind::Trust]
            ),
            (
                "TVS on every node (the ITL's signer is unchanged)",
                vec![GateKind::Registered, GateKind::Trust]
            ),
            (
                "ITLRecovery on every node (not the ITL's signer on 11.5)",
                vec![GateKind::Registered, GateKind::Trust]
            ),
            (
                "tomcat (in no trust list; the web UI returns after 10-15 min; itl re-pins the new certificate); trust clean-up (§5.6) and a DRS backup newer than the regeneration (§5.7)",
                vec![GateKind::Registered, GateKind::Trust]
            ),
        ]
    );
    // The comments name each phase, its gates and its duration; the text parses to the plan.
    assert!(plan.text.contains("\n# phase 1: ipsec (in no trust list; DRF); CAPF (publisher)\n# gates: G-REG, G-TRUST; expected about "));
    assert!(plan.text.contains("# dependant: RADIUS (802.1x)"));
    assert!(plan.text.contains("# node ucm-pub (publisher): "));
    // The simulated nodes hold no ECDSA certificates.
    assert!(
        plan.text
            .contains("# skipped (no node holds them): CallManager-ECDSA, tomcat-ECDSA\n")
    );
    assert_eq!(
        plan.minutes,
        plan.phases.iter().map(|p| p.minutes).sum::<u64>()
    );
    assert_eq!(plan.phases.len(), 5);
}

#[test]
fn the_12_procedure_bridges_itlrecovery_with_itl_reset_localkey() {
    let (plan, rejected) = generate_and_replay(&options(Generation::V12, false, ""), false);
    assert_eq!(rejected, Vec::<String>::new());
    let l = lines(&plan);
    let at = position(&l, "regen ITLRecovery @ucm-pub");
    assert_eq!(
        &l[at..at + 10],
        [
            "regen ITLRecovery @ucm-pub",
            "itl reset localkey",
            "reset phones",
            "gate registered",
            "restart TFTP @all",
            "gate services",
            "gate files",
            "reset phones",
            "gate registered",
            "gate trust"
        ]
    );
    assert!(!l.contains(&"reissue lsc".to_owned()));
    assert_eq!(
        l.last().map(String::as_str),
        Some("gate trust"),
        "the run ends on a sweep"
    );
}

#[test]
fn the_12_mixed_procedure_updates_the_ctl_and_reissues_the_lscs() {
    let (plan, rejected) = generate_and_replay(&options(Generation::V12, true, "lsc=20%"), false);
    assert_eq!(rejected, Vec::<String>::new());
    let l = lines(&plan);
    // First, after CAPF, after CallManager, and after the ITLRecovery bridge.
    assert_eq!(l.iter().filter(|s| *s == "ctl update").count(), 4, "{l:#?}");
    assert_eq!(position(&l, "ctl update"), 0);
    assert!(l.contains(&"ctl reset localkey".to_owned()));
    let capf = position(&l, "regen CAPF @ucm-pub");
    let reissue = position(&l, "reissue lsc");
    let delete = position(&l, "delete old-trust @all");
    assert!(capf < reissue && reissue < delete);
    assert_eq!(l[reissue + 1], "gate registered");
}

#[test]
fn the_14_mixed_procedure_needs_manual_phone_interaction_for_the_units_in_the_ctl() {
    let cluster = Cluster::build(&options(Generation::V14, true, "")).expect("cluster");
    let automatic = facts_of(&cluster, true, false);
    assert_eq!(
        generate(&automatic, &CertUnit::ALL).map(|_| ()),
        Err(GenerateError::MixedAutomatic {
            units: "CAPF, CallManager, ITLRecovery".into()
        })
    );
    assert!(
        generate(
            &automatic,
            &[CertUnit::Tvs, CertUnit::Tomcat, CertUnit::Ipsec]
        )
        .is_ok()
    );
    // Manual: every unit, and the replay rejects no phone.
    let mut o = options(Generation::V14, true, "");
    o.phone_interaction = PhoneInteraction::Manual;
    let (plan, rejected) = generate_and_replay(&o, false);
    assert_eq!(rejected, Vec::<String>::new());
    assert!(lines(&plan).contains(&"ctl reset localkey".to_owned()));
}

#[test]
fn the_14_automatic_procedure_has_no_reset_of_its_own() {
    let (plan, rejected) = generate_and_replay(&options(Generation::V14, false, ""), true);
    assert_eq!(rejected, Vec::<String>::new());
    let l = lines(&plan);
    assert!(!l.contains(&"reset phones".to_owned()), "{l:#?}");
    assert!(l.contains(&"ipsec restart @all".to_owned()));
    assert!(!l.iter().any(|s| s.contains("DRF")));
    // Security Guide order: TVS before CallManager; each automatic regeneration its phase,
    // with the four gates named.
    assert!(position(&l, "regen TVS @all") < position(&l, "regen CallManager @all"));
    let tvs = position(&l, "regen TVS @all");
    assert_eq!(
        &l[tvs + 1..tvs + 5],
        [
            "gate services",
            "gate files",
            "gate registered",
            "gate trust"
        ]
    );
    assert!(
        plan.text
            .contains("automatic phone interaction (the cluster resets the phones)")
    );
    // The same cluster with manual interaction resets the phones itself.
    let mut cluster = Cluster::build(&options(Generation::V14, false, "")).expect("cluster");
    let manual = generate(&facts_of(&cluster, false, false), &CertUnit::ALL).expect("plan");
    assert!(lines(&manual).contains(&"reset phones".to_owned()));
    let _ = replay(&mut cluster, &manual.plan).expect("replays");
}

#[test]
fn chosen_units_keep_the_procedure_order_and_the_clean_up() {
    let cluster = Cluster::build(&options(Generation::V12, false, "")).expect("cluster");
    let facts = facts_of(&cluster, false, false);
    let plan = generate(&facts, &[CertUnit::Tomcat, CertUnit::Ipsec]).expect("plan");
    assert_eq!(
        lines(&plan),
        [
            "regen ipsec @all",
            "restart DRF Master @ucm-pub",
            "restart DRF Local @all",
            "gate services",
            "regen tomcat @all",
            "restart Tomcat @all",
            "gate services",
            "stop Certificate Change Notification @all",
            "delete old-trust @all",
            "wait 30m",
            "start Certificate Change Notification @all",
            "gate services",
            "backup",
            "gate registered",
            "gate trust",
        ]
    );
    assert_eq!(plan.phases.len(), 1);
    assert_eq!(generate(&facts, &[]), Err(GenerateError::NoUnits));
    let mut no_pub = facts.clone();
    for n in &mut no_pub.nodes {
        n.publisher = false;
    }
    assert_eq!(
        generate(&no_pub, &CertUnit::ALL),
        Err(GenerateError::NoPublisher)
    );
    // A service no node runs is not restarted: no CTIManager anywhere, no line for it.
    let mut no_cti = facts;
    for n in &mut no_cti.nodes {
        n.services.remove(&Service::CtiManager);
    }
    let plan = generate(&no_cti, &[CertUnit::CallManager]).expect("plan");
    assert!(!lines(&plan).iter().any(|l| l.contains("CTIManager")));
    assert!(plan.plan.steps().iter().any(|s| matches!(
        s.step,
        Step::Restart {
            service: Service::CallManager,
            ..
        }
    )));
}
