//! Changes through the API, observed through the sockets: regeneration + TFTP restart changes
//! the served ITL; phone resets go through the trust oracle and the pages follow.

mod common;

use common::{
    fetcher, get_page, held_itl, network_setup_path, page_client, serving, small, start,
    status_log, status_messages_path, trust_servers, within,
};
use itl_core::cucm::{CertUnit, Generation, PhoneState, Service};
use itl_core::{TrustList, signature};
use itl_cucm::sweep::page::{NetworkSetup, TrustField, parse_network_setup};
use itl_sim::model::{Parameter, PhoneSelector, ResetKind};
use itl_sim::server::SimServer;

async fn served_md5(sim: &itl_sim::SimServer, node: usize) -> String {
    let (over_tftp, over_http) = trust_servers(sim, node);
    let a = fetcher()
        .fetch_file(&over_tftp, "ITLFile.tlv")
        .await
        .expect("tftp");
    let b = fetcher()
        .fetch_file(&over_http, "ITLFile.tlv")
        .await
        .expect("http");
    assert_eq!(a, b);
    let list = TrustList::parse(&a).expect("parses");
    assert!(signature::verify_self_signed(&list));
    hex::encode_upper(itl_core::checksum::md5(&a))
}

/// The Network Setup page of the first phone whose pages show its trust lists.
async fn shown_setup(sim: &itl_sim::SimServer) -> NetworkSetup {
    let i = sim
        .handle()
        .read(|c| (0..c.phones().len()).find(|&i| c.phones()[i].model.pages_show_trust()))
        .expect("a phone showing its trust lists");
    let html = get_page(&page_client(), sim, i, network_setup_path(sim, i))
        .await
        .expect("page");
    parse_network_setup(html.as_bytes()).expect("text")
}

#[tokio::test]
async fn regenerate_then_tftp_restart_changes_the_served_itl_and_phones_follow() {
    serving(90, &small(Generation::V12, false, ""), async |sim| {
        let h = sim.handle().clone();
        let before = served_md5(sim, 0).await;
        let sub_before = served_md5(sim, 1).await;
        h.regenerate("ucm-pub", CertUnit::CallManager)
            .await
            .expect("regen");
        // Reject twin: without a TFTP restart nothing served changes.
        assert_eq!(served_md5(sim, 0).await, before);
        let report = h
            .restart_service("ucm-pub", Service::Tftp)
            .expect("restart");
        assert_eq!(report.rebuilt_itls, ["ucm-pub"]);
        let after = served_md5(sim, 0).await;
        assert_ne!(after, before);
        assert_eq!(
            served_md5(sim, 1).await,
            sub_before,
            "the other node's ITL is unchanged"
        );

        // Before the reset, phones of ucm-pub still show the old hash: stale.
        let client = page_client();
        let pub_phone = h
            .read(|c| (0..c.phones().len()).find(|&i| c.phones()[i].tftp_node == 0))
            .expect("a phone of ucm-pub");
        assert_eq!(
            held_itl(&client, sim, pub_phone).await,
            Some(before.clone())
        );
        assert_eq!(h.read(|c| c.phone_state(pub_phone)), PhoneState::StaleItl);

        // 12+: the signer (ITLRecovery) is unchanged, so every phone accepts.
        let reset = h
            .write(|c| c.reset_phones(&PhoneSelector::All, ResetKind::Restart))
            .expect("reset");
        assert_eq!(reset.itl_outcomes.get("REJECT"), None, "{reset}");
        assert_eq!(held_itl(&client, sim, pub_phone).await, Some(after));
        let log = get_page(
            &client,
            sim,
            pub_phone,
            status_messages_path(sim, pub_phone),
        )
        .await
        .expect("log");
        assert!(log.matches("Trust List updated").count() >= 2);
        assert!(h.read(|c| (0..c.phones().len()).all(|i| c.phone_state(i) == PhoneState::Ok)));
    })
    .await;
}

/// How many phones of the simulation hold an ITL (7940/7960 never do).
fn itl_holders(sim: &SimServer) -> usize {
    sim.handle()
        .read(|c| c.phones().iter().filter(|p| p.model.holds_itl()).count())
}

/// Of the 50 phones, the `holders` of an ITL had `outcome`; the others (7940/7960) none.
fn assert_itl_outcomes(report: &itl_sim::model::ResetReport, outcome: &str, holders: usize) {
    assert_eq!(report.itl_outcomes.get(outcome), Some(&holders), "{report}");
    assert_eq!(
        report.itl_outcomes.get("NO_CHANGE"),
        Some(&(50 - holders)),
        "{report}"
    );
}

#[tokio::test]
async fn callmanager_and_tvs_together_on_11_5_lock_phones_out() {
    serving(90, &small(Generation::V11_5, false, ""), async |sim| {
        // S3: CallManager and TVS regenerated everywhere before the phones reset.
        let h = sim.handle().clone();
        let old: Vec<String> = vec![served_md5(sim, 0).await, served_md5(sim, 1).await];
        for node in ["ucm-pub", "ucm-sub1"] {
            h.regenerate(node, CertUnit::CallManager).await.expect("cm");
            h.regenerate(node, CertUnit::Tvs).await.expect("tvs");
            h.restart_service(node, Service::Tvs).expect("tvs restart");
            h.restart_service(node, Service::Tftp)
                .expect("tftp restart");
        }
        assert_ne!(served_md5(sim, 0).await, old[0]);
        let report = h
            .write(|c| c.reset_phones(&PhoneSelector::All, ResetKind::Reset))
            .expect("reset");
        // 7940/7960 hold no ITL: an ITL change leaves them alone.
        let holders = itl_holders(sim);
        assert!(holders < 50, "the small cluster has a 7940/7960");
        assert_itl_outcomes(&report, "REJECT", holders);
        let client = page_client();
        for i in [0usize, 1, 2] {
            let tftp = h.read(|c| c.phones()[i].tftp_node);
            assert_eq!(
                held_itl(&client, sim, i).await,
                Some(old[tftp].clone()),
                "old ITL kept"
            );
            let log = status_log(&client, sim, i).await;
            assert!(log.contains("Trust List update failed"));
            assert!(log.contains("authenticated fail. Reason:14."));
            assert_eq!(h.read(|c| c.phone_state(i)), PhoneState::Unregistered);
        }
    })
    .await;
}

#[tokio::test]
async fn callmanager_alone_on_11_5_is_accepted_through_tvs() {
    serving(90, &small(Generation::V11_5, false, ""), async |sim| {
        // S2: TVS unchanged and up; phones without TVS keep the old ITL (7940/7960 hold none).
        let h = sim.handle().clone();
        h.regenerate("ucm-pub", CertUnit::CallManager)
            .await
            .expect("cm");
        h.restart_service("ucm-pub", Service::Tftp).expect("tftp");
        let new = served_md5(sim, 0).await;
        let report = h
            .write(|c| c.reset_phones(&PhoneSelector::All, ResetKind::Reset))
            .expect("reset");
        assert!(
            report
                .itl_outcomes
                .get("ACCEPT_TVS")
                .is_some_and(|n| *n > 0),
            "{report}"
        );
        let client = page_client();
        let (tvs_phone, no_tvs) = h.read(|c| {
            let of_pub = |i: &usize| c.phones()[*i].tftp_node == 0;
            let tvs = (0..c.phones().len())
                .filter(of_pub)
                .find(|&i| c.phones()[i].model.supports_tvs());
            let none = (0..c.phones().len())
                .filter(of_pub)
                .find(|&i| !c.phones()[i].model.supports_tvs());
            (tvs, none)
        });
        let i = tvs_phone.expect("a TVS phone of ucm-pub");
        assert_eq!(held_itl(&client, sim, i).await, Some(new.clone()));
        let log = status_log(&client, sim, i).await;
        assert!(log.contains("TVS added cert to TVS cache"), "{log}");
        if let Some(i) = no_tvs {
            assert_ne!(held_itl(&client, sim, i).await, Some(new));
        }
    })
    .await;
}

#[tokio::test]
async fn power_ctl_update_parameters_and_trust_deletion() {
    serving(90, &small(Generation::V12, true, ""), async |sim| {
        let h = sim.handle().clone();
        let name = h.read(|c| c.phones()[4].name.clone());
        let one = PhoneSelector::Names(vec![name.clone()]);
        h.write(|c| c.power(&one, false)).expect("off");
        assert_eq!(h.read(|c| c.phone_state(4)), PhoneState::Unregistered);
        assert!(
            get_page(&page_client(), sim, 4, network_setup_path(sim, 4))
                .await
                .is_err(),
            "off phones refuse"
        );
        // A CTL update while the phone is off: it misses it.
        h.regenerate("ucm-pub", CertUnit::Capf).await.expect("capf");
        h.write(|c| c.ctl_update()).expect("ctl update");
        let boot = h.write(|c| c.power(&one, true)).expect("on");
        assert_eq!(boot.selected, 1);
        assert_eq!(
            h.read(|c| c.phone_state(4)),
            PhoneState::Ok,
            "booted and took the new CTL"
        );
        let other = h.read(|c| c.phone_state(5));
        assert_eq!(other, PhoneState::CtlMismatch, "not reset yet");

        // Reject twins of the API.
        assert!(
            h.write(|c| c.reset_phones(
                &PhoneSelector::Names(vec!["SEP000000000000".into()]),
                ResetKind::Reset
            ))
            .is_err()
        );
        assert!(
            h.write(|c| c.restart_service("ucm-nope", Service::Tftp))
                .is_err()
        );
        assert!(
            h.write(|c| c.set_parameter(Parameter::DeviceQueriesPerMinute(99)))
                .is_err()
        );

        // Rollback: every ITL rebuilt blank; phones that take it hold no trust list.
        let rep = h
            .write(|c| c.set_parameter(Parameter::RollbackToPreGrayback(true)))
            .expect("rollback");
        assert_eq!(rep.rebuilt_itls.len(), 2);
        h.write(|c| c.reset_phones(&PhoneSelector::DevicePool("DP-1".into()), ResetKind::Reset))
            .expect("reset");
        let dp1 = h
            .read(|c| (0..c.phones().len()).find(|&i| c.phones()[i].device_pool == 0))
            .expect("dp-1 phone");
        assert_eq!(h.read(|c| c.phone_state(dp1)), PhoneState::NoTrustList);

        // Trust-store deletion: present once, then gone.
        let sha = h.read(|c| {
            let e = &c.node("ucm-sub1").expect("sub").trust
                [&itl_sim::model::TrustStore::CallManager][0];
            hex::encode(e.identity.sha256())
        });
        let store = itl_sim::model::TrustStore::CallManager;
        assert!(
            h.write(|c| c.delete_trust_certificate("ucm-sub1", store, &sha))
                .is_ok()
        );
        assert!(
            h.write(|c| c.delete_trust_certificate("ucm-sub1", store, &sha))
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn mixed_11_5_callmanager_without_ctl_update_leaves_itl_not_installed() {
    within(90, async {
        // S9: CTL not updated, so the new ITL's signer is not in the phone's CTL.
        let sim = start(&small(Generation::V11_5, true, "")).await;
        let h = sim.handle().clone();
        for node in ["ucm-pub", "ucm-sub1"] {
            h.regenerate(node, CertUnit::CallManager).await.expect("cm");
            h.restart_service(node, Service::Tftp).expect("tftp");
        }
        let report = h
            .write(|c| c.reset_phones(&PhoneSelector::All, ResetKind::Reset))
            .expect("reset");
        assert_itl_outcomes(&report, "REJECT_NO_ITL", itl_holders(&sim));
        assert_eq!(report.ctl_outcomes.get("NO_CHANGE"), Some(&50), "{report}");
        let shown = shown_setup(&sim).await;
        assert_eq!(
            shown.itl_file,
            Some(TrustField::Absent("Not Installed".into()))
        );
        assert_eq!(shown.itl_hashes(), Vec::<&str>::new());
        sim.shutdown().await;

        // Twin (S10): on 12+ the CTL is signed by ITLRecovery; after the CallManager
        // regeneration and `utils ctl update CTLFile` both files are accepted.
        let sim = start(&small(Generation::V12, true, "")).await;
        let h = sim.handle().clone();
        for node in ["ucm-pub", "ucm-sub1"] {
            h.regenerate(node, CertUnit::CallManager).await.expect("cm");
        }
        h.write(|c| c.ctl_update()).expect("ctl update");
        for node in ["ucm-pub", "ucm-sub1"] {
            h.restart_service(node, Service::Tftp).expect("tftp");
        }
        let again = h
            .write(|c| c.reset_phones(&PhoneSelector::All, ResetKind::Reset))
            .expect("reset");
        assert_eq!(
            again.itl_outcomes.get("ACCEPT"),
            Some(&itl_holders(&sim)),
            "{again}"
        );
        assert_eq!(again.ctl_outcomes.get("ACCEPT"), Some(&50), "{again}");
        let shown = shown_setup(&sim).await;
        assert_eq!(shown.itl_hashes().len(), 1);
        assert!(shown.ctl_hash().is_some_and(|h| matches!(h.len(), 32 | 40)));
        assert!(h.read(|c| (0..50).all(|i| c.phone_state(i) == PhoneState::Ok)));
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn v14_automatic_phone_interaction_resets_phones_on_regeneration() {
    serving(90, &small(Generation::V14, false, ""), async |sim| {
        let h = sim.handle().clone();
        let before = served_md5(sim, 0).await;
        let report = h.regenerate("ucm-sub1", CertUnit::Tvs).await.expect("tvs");
        assert_eq!(report.rebuilt_itls, ["ucm-pub", "ucm-sub1"]);
        let reset = report.reset.expect("phones reset automatically");
        assert_eq!(reset.selected, 50);
        assert_eq!(
            reset.itl_outcomes.get("ACCEPT"),
            Some(&itl_holders(sim)),
            "{reset}"
        );
        assert_ne!(served_md5(sim, 0).await, before);
        assert!(h.read(|c| (0..50).all(|i| c.phone_state(i) == PhoneState::Ok)));
        // Twin: with manual phone interaction nothing is reset and ITLs wait for TFTP.
        h.write(|c| {
            c.set_parameter(Parameter::PhoneInteraction(
                itl_sim::model::PhoneInteraction::Manual,
            ))
        })
        .expect("manual");
        let report = h.regenerate("ucm-sub1", CertUnit::Tvs).await.expect("tvs");
        assert!(report.reset.is_none() && report.rebuilt_itls.is_empty());
    })
    .await;
}
