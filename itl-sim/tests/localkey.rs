//! `utils itl reset localkey` and `utils ctl reset localkey` in the model
//! (`Cluster::itl_reset_localkey`, `Cluster::ctl_reset_localkey`) and in `replay`: who signs
//! the reset files, how long they stay, and what the phones do through the ITLRecovery
//! procedure of `trust-and-procedure.md` §5.8 (scenarios S14, S15).

use itl_core::cucm::{CertUnit, Generation, Service};
use itl_core::plan::Plan;
use itl_core::signature::{rsa_key_from_certificate, verify_with_key};
use itl_core::trust::Verdict;
use itl_core::{Function, TrustList};
use itl_sim::error::CtlAction;
use itl_sim::model::PhoneInteraction;
use itl_sim::replay::{Action, ReplayError, replay};
use itl_sim::{Cluster, SimError};

mod common;

use common::replay::*;

/// The current certificate DER of `unit` on `node`.
fn der(cluster: &Cluster, node: &str, unit: CertUnit) -> Vec<u8> {
    cluster
        .node(node)
        .and_then(|n| n.identity(unit))
        .map(|id| id.der().to_vec())
        .expect("identity")
}

fn served_itl(cluster: &Cluster, node: &str) -> Vec<u8> {
    let index = cluster.node_index(node).expect("node");
    cluster
        .served_itl(index)
        .expect("served ITL")
        .bytes
        .to_vec()
}

fn served_ctl(cluster: &Cluster) -> Vec<u8> {
    cluster.served_ctl().expect("served CTL").bytes.to_vec()
}

/// Whether the file's signature verifies with the key of certificate `cert`.
fn verifies_with(file: &[u8], cert: &[u8]) -> bool {
    let list = TrustList::parse(file).expect("parses");
    let key = rsa_key_from_certificate(cert).expect("RSA certificate");
    verify_with_key(&list, &key)
}

/// The certificate of the record SIGNER_INFO names (it must be a SAST record), and whether
/// SIGNER_SERIAL equals that certificate's serial.
fn signer_der(file: &[u8]) -> Vec<u8> {
    let list = TrustList::parse(file).expect("parses");
    let found = list.signer_match().expect("SIGNER_INFO names a record");
    assert!(found.sast, "the signer is a SAST record");
    assert!(
        found.issuer_matches,
        "SIGNER_ISSUER names the signer's issuer"
    );
    let record = &list.records()[found.index];
    let serial = list.header().signer_serial.expect("SIGNER_SERIAL");
    assert!(serial.same_number(record.serial.expect("record serial").0));
    record.certificate_der.expect("certificate").to_vec()
}

/// (function, certificate DER or placeholder) of every record, in order.
fn records(file: &[u8]) -> Vec<(Function, Vec<u8>)> {
    let list = TrustList::parse(file).expect("parses");
    list.records()
        .iter()
        .map(|r| {
            (
                r.function.expect("function"),
                r.certificate_der.unwrap_or_default().to_vec(),
            )
        })
        .collect()
}

fn localkey_states(cluster: &Cluster) -> Vec<(bool, bool)> {
    cluster
        .nodes()
        .iter()
        .map(|n| (n.itl_localkey, n.itl_stale))
        .collect()
}

/// Restarts Cisco Tftp on `node`; the nodes whose ITL was rebuilt.
fn restart_tftp(cluster: &mut Cluster, node: &str) -> Vec<String> {
    let report = cluster
        .restart_service(node, Service::Tftp)
        .expect("restart");
    report.rebuilt_itls
}

/// `set cert regen ITLRecovery` on `node`.
fn regen_itlrecovery(cluster: &mut Cluster, node: &str) {
    cluster
        .regenerate(node, CertUnit::ItlRecovery)
        .expect("regen");
}

#[test]
fn on_12_the_localkey_itl_is_signed_by_each_nodes_callmanager_until_tftp_restarts() {
    let mut cluster = build(&options(3, Generation::V12, false, ""));
    let old_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    regen_itlrecovery(&mut cluster, "ucm-pub");
    let new_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    assert_ne!(old_rec, new_rec);

    let report = cluster.itl_reset_localkey().expect("itl reset localkey");
    assert_eq!(
        report.messages,
        [
            "Generating the reset ITL file.....",
            "The reset ITL file was generated successfully",
            "Locating active Tftp servers in the cluster.....",
            "Number of Active TFTP servers in the cluster : 2",
            "Successfully transferred reset ITL to node ucm-pub",
            "Successfully transferred reset ITL to node ucm-sub1",
        ]
    );
    assert_eq!(report.rebuilt_itls, ["ucm-pub", "ucm-sub1"]);
    assert_eq!(report.reset, None);
    assert_eq!(
        localkey_states(&cluster),
        [(true, true), (true, true), (false, false)],
        "ucm-sub2 runs no TFTP"
    );

    let mut localkey_records = Vec::new();
    for node in ["ucm-pub", "ucm-sub1"] {
        let itl = served_itl(&cluster, node);
        let cm = der(&cluster, node, CertUnit::CallManager);
        // SIGNER_INFO names the node's CallManager (the second SAST record) and its key signed.
        assert_eq!(signer_der(&itl), cm, "{node}");
        let list = TrustList::parse(&itl).expect("parses");
        assert_eq!(list.signer_index(), Some(1), "{node}");
        assert!(verifies_with(&itl, &cm), "{node}");
        assert!(!verifies_with(&itl, &new_rec), "{node}");
        assert!(!verifies_with(&itl, &old_rec), "{node}");
        // The content is the normal one: new ITLRecovery first, then CallManager, TFTP, TVS…
        let recs = records(&itl);
        assert_eq!(recs[0], (Function::Sast, new_rec.clone()), "{node}");
        assert_eq!(recs[1], (Function::Sast, cm.clone()), "{node}");
        assert_eq!(recs[2], (Function::Tftp, cm.clone()), "{node}");
        assert!(
            recs.iter().all(|r| r.1 != old_rec),
            "{node}: no old ITLRecovery"
        );
        localkey_records.push(recs);
    }
    // The other node's ITL is not served on this node: each node signs its own.
    assert_ne!(
        served_itl(&cluster, "ucm-pub"),
        served_itl(&cluster, "ucm-sub1")
    );

    // Restarting TFTP on the publisher: its ITL, same records, signed by the new ITLRecovery.
    assert_eq!(restart_tftp(&mut cluster, "ucm-pub"), ["ucm-pub"]);
    let itl = served_itl(&cluster, "ucm-pub");
    assert_eq!(signer_der(&itl), new_rec);
    assert_eq!(
        TrustList::parse(&itl).expect("parses").signer_index(),
        Some(0)
    );
    assert!(verifies_with(&itl, &new_rec));
    assert!(!verifies_with(
        &itl,
        &der(&cluster, "ucm-pub", CertUnit::CallManager)
    ));
    assert_eq!(records(&itl), localkey_records[0]);
    assert_eq!(
        localkey_states(&cluster),
        [(false, false), (true, true), (false, false)],
        "ucm-sub1 keeps its localkey ITL until its own TFTP restarts"
    );
    let sub1 = served_itl(&cluster, "ucm-sub1");
    assert!(verifies_with(
        &sub1,
        &der(&cluster, "ucm-sub1", CertUnit::CallManager)
    ));
    // A second restart rebuilds nothing.
    assert!(restart_tftp(&mut cluster, "ucm-pub").is_empty());
    assert_eq!(served_itl(&cluster, "ucm-pub"), itl);
    // Restarting another service does not end the localkey state.
    cluster
        .restart_service("ucm-sub1", Service::Tvs)
        .expect("restart TVS");
    assert_eq!(served_itl(&cluster, "ucm-sub1"), sub1);
    assert_eq!(restart_tftp(&mut cluster, "ucm-sub1"), ["ucm-sub1"]);
    let sub1 = served_itl(&cluster, "ucm-sub1");
    assert_eq!(signer_der(&sub1), new_rec);
    assert_eq!(records(&sub1), localkey_records[1]);
    assert_eq!(
        localkey_states(&cluster),
        [(false, false), (false, false), (false, false)]
    );
}

#[test]
fn a_localkey_itl_with_nothing_else_changed_is_rebuilt_normally_on_tftp_restart() {
    let mut cluster = build(&options(2, Generation::V14, false, ""));
    let rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    let normal = served_itl(&cluster, "ucm-pub");
    assert_eq!(signer_der(&normal), rec);
    cluster.itl_reset_localkey().expect("itl reset localkey");
    let localkey = served_itl(&cluster, "ucm-pub");
    assert_eq!(
        signer_der(&localkey),
        der(&cluster, "ucm-pub", CertUnit::CallManager)
    );
    assert_eq!(records(&localkey), records(&normal));
    assert_eq!(restart_tftp(&mut cluster, "ucm-pub"), ["ucm-pub"]);
    let rebuilt = served_itl(&cluster, "ucm-pub");
    assert_eq!(signer_der(&rebuilt), rec);
    assert_eq!(records(&rebuilt), records(&normal));
    // Only the TIMESTAMP (and so the signature) differs from the ITL served at the start.
    assert_ne!(rebuilt, normal);
}

#[test]
fn on_14_the_automatic_rebuild_signs_normally_and_ends_the_localkey_state() {
    let mut o = options(2, Generation::V14, false, "");
    o.phone_interaction = PhoneInteraction::Automatic;
    let mut cluster = build(&o);
    cluster.itl_reset_localkey().expect("itl reset localkey");
    assert_eq!(localkey_states(&cluster), [(true, true), (true, true)]);
    // CallManager of ucm-sub1 stales only ucm-sub1's ITL; the publisher's localkey ITL counts
    // as stale too, so the automatic rebuild covers both, with the normal signer.
    let report = cluster
        .regenerate("ucm-sub1", CertUnit::CallManager)
        .expect("regen");
    assert_eq!(report.rebuilt_itls, ["ucm-pub", "ucm-sub1"]);
    assert!(report.reset.is_some());
    assert_eq!(localkey_states(&cluster), [(false, false), (false, false)]);
    let rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    for node in ["ucm-pub", "ucm-sub1"] {
        let itl = served_itl(&cluster, node);
        assert_eq!(signer_der(&itl), rec, "{node}");
        assert!(verifies_with(&itl, &rec), "{node}");
    }
}

#[test]
fn on_11_5_the_localkey_itl_is_signed_by_the_nodes_own_itlrecovery() {
    let mut cluster = build(&options(3, Generation::V11_5, false, ""));
    let pub_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    regen_itlrecovery(&mut cluster, "ucm-sub1");
    let report = cluster.itl_reset_localkey().expect("itl reset localkey");
    assert_eq!(report.rebuilt_itls, ["ucm-pub", "ucm-sub1"]);
    for node in ["ucm-pub", "ucm-sub1"] {
        let itl = served_itl(&cluster, node);
        let own_rec = der(&cluster, node, CertUnit::ItlRecovery);
        let cm = der(&cluster, node, CertUnit::CallManager);
        assert_eq!(signer_der(&itl), own_rec, "{node}");
        assert_eq!(
            TrustList::parse(&itl).expect("parses").signer_index(),
            Some(1),
            "{node}: the second SAST record"
        );
        assert!(verifies_with(&itl, &own_rec), "{node}");
        assert!(!verifies_with(&itl, &cm), "{node}");
        let recs = records(&itl);
        assert_eq!(recs[0], (Function::Sast, cm.clone()), "{node}");
        assert_eq!(recs[1], (Function::Sast, own_rec.clone()), "{node}");
    }
    // ucm-sub1's own (new) ITLRecovery, not the publisher's.
    let sub1 = served_itl(&cluster, "ucm-sub1");
    assert!(!verifies_with(&sub1, &pub_rec));
    // After TFTP restarts, the node's CallManager signs again.
    restart_tftp(&mut cluster, "ucm-sub1");
    let sub1 = served_itl(&cluster, "ucm-sub1");
    let cm = der(&cluster, "ucm-sub1", CertUnit::CallManager);
    assert_eq!(signer_der(&sub1), cm);
    assert!(verifies_with(&sub1, &cm));
}

#[test]
fn ctl_reset_localkey_signs_with_the_publishers_other_sast_key_until_ctl_update() {
    // 12+: the publisher's CallManager, with the new ITLRecovery inside.
    let mut cluster = build(&options(2, Generation::V12, true, ""));
    let old_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    regen_itlrecovery(&mut cluster, "ucm-pub");
    let new_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    let cm = der(&cluster, "ucm-pub", CertUnit::CallManager);
    let itls_before: Vec<Vec<u8>> = ["ucm-pub", "ucm-sub1"]
        .iter()
        .map(|n| served_itl(&cluster, n))
        .collect();
    assert!(!cluster.ctl_localkey());
    let report = cluster.ctl_reset_localkey().expect("ctl reset localkey");
    assert_eq!(
        report.messages,
        [
            "Generating the reset CTL file.....",
            "The reset CTL file was generated successfully"
        ]
    );
    assert!(report.rebuilt_itls.is_empty());
    assert!(cluster.ctl_localkey());
    let ctl = served_ctl(&cluster);
    assert_eq!(signer_der(&ctl), cm);
    assert!(verifies_with(&ctl, &cm));
    assert!(!verifies_with(&ctl, &new_rec));
    assert!(!verifies_with(&ctl, &old_rec));
    let recs = records(&ctl);
    assert_eq!(recs[0], (Function::Sast, new_rec.clone()));
    assert_eq!(recs[1], (Function::Sast, cm.clone()));
    assert!(recs.iter().all(|r| r.1 != old_rec));
    // The ITLs are untouched.
    for (node, before) in ["ucm-pub", "ucm-sub1"].iter().zip(&itls_before) {
        assert_eq!(&served_itl(&cluster, node), before, "{node}");
    }
    // `ctl update` signs with the (new) ITLRecovery again, same records.
    cluster.ctl_update().expect("ctl update");
    assert!(!cluster.ctl_localkey());
    let updated = served_ctl(&cluster);
    assert_eq!(signer_der(&updated), new_rec);
    assert!(verifies_with(&updated, &new_rec));
    assert!(!verifies_with(&updated, &cm));
    assert_eq!(records(&updated), recs);

    // 11.5: the publisher's ITLRecovery.
    let mut cluster = build(&options(2, Generation::V11_5, true, ""));
    let rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    let cm = der(&cluster, "ucm-pub", CertUnit::CallManager);
    let normal = served_ctl(&cluster);
    assert_eq!(signer_der(&normal), cm);
    cluster.ctl_reset_localkey().expect("ctl reset localkey");
    let ctl = served_ctl(&cluster);
    assert_eq!(signer_der(&ctl), rec);
    assert!(verifies_with(&ctl, &rec));
    assert!(!verifies_with(&ctl, &cm));
    assert_eq!(records(&ctl), records(&normal));
}

#[test]
fn ctl_reset_localkey_is_refused_on_a_non_secure_cluster() {
    let mut cluster = build(&options(2, Generation::V12, false, ""));
    match cluster.ctl_reset_localkey() {
        Err(
            e @ SimError::NoCtl {
                action: CtlAction::Reset,
            },
        ) => assert_eq!(
            e.to_string(),
            "the cluster is not in mixed mode: there is no CTL to reset"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(cluster.ctl().is_none());
    assert!(!cluster.ctl_localkey());

    let mut cluster = build(&options(2, Generation::V12, false, ""));
    let plan = Plan::parse("regen ITLRecovery\n# the CTL too\nctl reset localkey\nreset phones\n")
        .expect("plan parses");
    let err = replay(&mut cluster, &plan).expect_err("not mixed");
    assert_eq!(err.line(), Some(3));
    assert!(matches!(err, ReplayError::Step { .. }));
    assert_eq!(
        err.to_string(),
        "line 3: ctl reset localkey: the cluster is not in mixed mode: there is no CTL to reset"
    );
}

const S14: &str = "regen ITLRecovery\nitl reset localkey\nreset phones\nwait registered\nrestart TFTP @all\nreset phones\nwait registered\n";

#[test]
fn s14_itlrecovery_through_localkey_is_accepted_twice_by_every_phone() {
    let (cluster, r) = run(&options(3, Generation::V12, false, ""), S14);
    let no_tvs: Vec<&str> = cluster
        .phones()
        .iter()
        .filter(|p| !p.model.supports_tvs())
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(no_tvs, [NO_TVS]);
    assert_counts(
        &r,
        7,
        &[(2, counts(39, 0, 1, 0)), (5, counts(39, 0, 1, 0))],
        counts(0, 0, 40, 0),
    );
    assert_eq!(
        r.steps[1].messages,
        [
            "ucm-pub: Generating the reset ITL file.....",
            "ucm-pub: The reset ITL file was generated successfully",
            "ucm-pub: Locating active Tftp servers in the cluster.....",
            "ucm-pub: Number of Active TFTP servers in the cluster : 2",
            "ucm-pub: Successfully transferred reset ITL to node ucm-pub",
            "ucm-pub: Successfully transferred reset ITL to node ucm-sub1",
            "ucm-pub: ITL rebuilt",
            "ucm-sub1: ITL rebuilt",
        ]
    );
    assert!(said(&r, 4, "ucm-pub: ITL rebuilt"));
    assert!(said(&r, 4, "ucm-sub1: ITL rebuilt"));
    let new_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    for p in r.phones.iter().filter(|p| p.name != NO_TVS) {
        // Phase 1: the CallManager key is in v1 (signed directly, no TVS needed).
        assert_eq!(p.verdicts[2], Verdict::Accept, "{}", p.name);
        let o = downloaded(p, 2);
        assert_eq!(o.itl, "ACCEPT", "{}", p.name);
        assert_eq!(o.ctl, "NO_CHANGE");
        assert_eq!(o.config.as_deref(), Some("ACCEPT"));
        // Phase 2: the new ITLRecovery is in the phase-1 ITL.
        assert_eq!(p.verdicts[5], Verdict::Accept, "{}", p.name);
        let o = downloaded(p, 5);
        assert_eq!(o.itl, "ACCEPT", "{}", p.name);
        assert_eq!(p.final_.action, Action::Unaffected);
        assert!(p.final_.registered, "{}", p.name);
        let tftp = cluster.node_index(&p.tftp_server).expect("node");
        let served = cluster.served_itl(tftp).expect("served");
        assert_eq!(
            p.final_.itl_sha1.as_deref(),
            Some(hex::encode(served.sha1).as_str())
        );
        assert_eq!(signer_der(&served.bytes), new_rec);
    }
    // The 7960 holds no ITL (no Security By Default): neither phase changes it.
    let p = phone(&r, NO_TVS);
    assert_eq!(p.actions, [Action::Unaffected; 7]);
    assert_eq!(itl_outcome(p, 2), Some("NO_CHANGE"));
    assert_eq!(itl_outcome(p, 5), Some("NO_CHANGE"));
    assert!(p.final_.registered);
    assert_eq!(p.final_.itl_sha1, None);
}

#[test]
fn s15_phones_off_during_phase_1_need_tvs_for_the_new_itlrecovery() {
    let (cluster, r) = run(&options(3, Generation::V12, false, "powered-off=5%"), S14);
    let off = powered_off(&r);
    assert_eq!(off.len(), 2, "{off:?}");
    assert_counts(
        &r,
        7,
        &[(2, counts(37, 0, 1, 2)), (5, counts(37, 0, 1, 2))],
        counts(2, 0, 38, 0),
    );
    for p in &r.phones {
        if p.powered_at_start {
            // The 7960 holds no ITL: unaffected throughout.
            let phase = if p.name == NO_TVS {
                Verdict::Unaffected
            } else {
                Verdict::Accept
            };
            assert_eq!(p.verdicts[2], phase, "{}", p.name);
            assert_eq!(p.verdicts[5], phase, "{}", p.name);
            assert_eq!(p.final_.verdict, Verdict::Unaffected, "{}", p.name);
            continue;
        }
        assert_eq!(p.actions[2], Action::Missed, "{}", p.name);
        assert_eq!(p.actions[5], Action::Missed, "{}", p.name);
        assert!(p.outcomes.iter().all(Option::is_none), "{}", p.name);
        // Powered on after the plan: v1 (old ITLRecovery) faces the new ITLRecovery's ITL.
        assert!(cluster.phone(&p.name).expect("phone").model.supports_tvs());
        assert_eq!(p.final_.action, Action::Accepted, "{}", p.name);
        assert_eq!(p.final_.verdict, Verdict::AcceptViaTvs, "{}", p.name);
        let o = p.final_.outcomes.as_ref().expect("downloaded");
        assert_eq!(o.itl, "ACCEPT_TVS", "{}", p.name);
        assert!(o.itl_via.is_some(), "{}", p.name);
        assert!(p.final_.registered, "{}", p.name);
    }
}

#[test]
fn mixed_12_itlrecovery_through_ctl_reset_localkey_rejects_nobody() {
    let (cluster, r) = run(
        &options(3, Generation::V12, true, ""),
        "regen ITLRecovery\nctl reset localkey\nreset phones\nwait registered\nctl update\nrestart TFTP @all\nreset phones\nwait registered\n",
    );
    assert_counts(
        &r,
        8,
        &[(2, counts(40, 0, 0, 0)), (6, counts(40, 0, 0, 0))],
        counts(0, 0, 40, 0),
    );
    assert_eq!(
        r.steps[1].messages,
        [
            "ucm-pub: Generating the reset CTL file.....",
            "ucm-pub: The reset CTL file was generated successfully",
        ]
    );
    let ctl = served_ctl(&cluster);
    let new_rec = der(&cluster, "ucm-pub", CertUnit::ItlRecovery);
    assert_eq!(signer_der(&ctl), new_rec);
    let ctl_sha1 = hex::encode(cluster.served_ctl().expect("CTL").sha1);
    for p in &r.phones {
        let phase1 = downloaded(p, 2);
        assert_eq!(phase1.ctl, "ACCEPT", "{}", p.name);
        assert_eq!(phase1.itl, "NO_CHANGE", "{}", p.name);
        let phase2 = downloaded(p, 6);
        assert_eq!(phase2.ctl, "ACCEPT", "{}", p.name);
        if p.name == NO_TVS {
            // The 7960 holds no ITL; its CTL, signed by the key its CTL trusts, is accepted.
            assert_eq!(phase2.itl, "NO_CHANGE");
            assert!(p.final_.registered);
            continue;
        }
        assert_eq!(phase2.itl, "ACCEPT", "{}", p.name);
        assert!(
            phase2
                .itl_detail
                .ends_with("is a SAST certificate of the phone's CTL"),
            "{}: {}",
            p.name,
            phase2.itl_detail
        );
        assert!(p.final_.registered, "{}", p.name);
        assert_eq!(p.final_.ctl_sha1.as_deref(), Some(ctl_sha1.as_str()));
    }
}

/// The fleet's only phone without TVS (seed 7, 40 phones).
const NO_TVS: &str = "SEP00235E9D16A5";

#[test]
fn without_localkey_the_new_itlrecovery_needs_tvs_and_leaves_the_7960_alone() {
    // The S14 contrast: restart TFTP straight after the regeneration.
    let (_, r) = run(
        &options(3, Generation::V12, false, ""),
        "regen ITLRecovery\nrestart TFTP @all\nreset phones\n",
    );
    assert_counts(&r, 3, &[(2, counts(39, 0, 1, 0))], counts(0, 0, 40, 0));
    for p in &r.phones {
        let o = downloaded(p, 2);
        if p.name == NO_TVS {
            // No Security By Default: the 7960 never holds an ITL, so an ITL signed by the new
            // ITLRecovery changes nothing for it (trust-and-procedure R7).
            assert_eq!(p.verdicts[2], Verdict::Unaffected);
            assert_eq!(o.itl, "NO_CHANGE");
            assert_eq!(o.config.as_deref(), Some("ACCEPT_LOF"));
            assert!(p.final_.registered);
            assert_eq!(p.final_.action, Action::Unaffected);
        } else {
            assert_eq!(p.verdicts[2], Verdict::AcceptViaTvs, "{}", p.name);
            assert_eq!(o.itl, "ACCEPT_TVS", "{}", p.name);
        }
    }
}

#[test]
fn s13_the_localkey_itl_signed_by_a_new_callmanager_is_rejected_by_every_phone() {
    // §3 / S13: CallManager + TVS + ITLRecovery together; the reset ITL is signed by the new
    // CallManager key, which no phone knows, and TVS presents new certificates.
    let (_, r) = run(
        &options(3, Generation::V12, false, ""),
        "regen CallManager @all\nregen TVS @all\nregen ITLRecovery\nrestart TVS @all\nitl reset localkey\nreset phones\n",
    );
    assert_counts(&r, 6, &[(5, counts(0, 39, 1, 0))], counts(0, 39, 1, 0));
    for p in r.phones.iter().filter(|p| p.name != NO_TVS) {
        let o = downloaded(p, 5);
        assert_eq!(o.itl, "REJECT", "{}", p.name);
        assert_eq!(o.config.as_deref(), Some("REJECT"), "{}", p.name);
        assert!(
            o.itl_detail
                .contains("certificate changed since the phone's ITL"),
            "{}: {}",
            p.name,
            o.itl_detail
        );
        assert!(!p.final_.registered, "{}", p.name);
    }
    // The 7960 holds no ITL: the change passes it by.
    let p = phone(&r, NO_TVS);
    assert_eq!(p.verdicts[5], Verdict::Unaffected);
    assert_eq!(itl_outcome(p, 5), Some("NO_CHANGE"));
}

#[test]
fn mixed_12_without_ctl_reset_localkey_the_phone_without_tvs_rejects() {
    let (_, r) = run(
        &options(3, Generation::V12, true, ""),
        "regen ITLRecovery\nctl update\nrestart TFTP @all\nreset phones\n",
    );
    assert_counts(&r, 4, &[(3, counts(39, 1, 0, 0))], counts(0, 1, 39, 0));
    let p = phone(&r, NO_TVS);
    let o = downloaded(p, 3);
    assert_eq!((o.ctl.as_str(), o.itl.as_str()), ("REJECT", "NO_CHANGE"));
    for p in r.phones.iter().filter(|p| p.name != NO_TVS) {
        let o = downloaded(p, 3);
        assert_eq!(o.ctl, "ACCEPT_TVS", "{}", p.name);
        assert_eq!(p.verdicts[3], Verdict::AcceptViaTvs, "{}", p.name);
    }
}

#[test]
fn localkey_replays_are_deterministic() {
    let o = options(3, Generation::V12, true, "powered-off=5%");
    let text = "regen ITLRecovery\nitl reset localkey\nctl reset localkey\nreset phones\nctl update\nrestart TFTP @all\nreset phones\n";
    let (a_cluster, a) = run(&o, text);
    let (b_cluster, b) = run(&o, text);
    assert_eq!(a, b);
    assert_eq!(a.to_json().expect("json"), b.to_json().expect("json"));
    for node in ["ucm-pub", "ucm-sub1"] {
        assert_eq!(served_itl(&a_cluster, node), served_itl(&b_cluster, node));
    }
    assert_eq!(served_ctl(&a_cluster), served_ctl(&b_cluster));
    assert_steps(&a, 7, &[(3, counts(38, 0, 0, 2)), (6, counts(38, 0, 0, 2))]);
}
