//! ITLRecovery per node before 12.0 and cluster-wide from 12.0, checked on the ITLs and the
//! CTL the TFTP servers serve (fetched with the real client, parsed with itl_core).

mod common;

use common::{fetcher, serving, small, trust_servers};
use itl_core::cucm::{CertUnit, Generation, Service};
use itl_core::{Function, TrustList};

use itl_sim::{SimError, SimOptions, SimServer};

async fn fetch(sim: &SimServer, node: usize, name: &str) -> Vec<u8> {
    let (over_tftp, _) = trust_servers(sim, node);
    fetcher()
        .fetch_file(&over_tftp, name)
        .await
        .expect("served file")
}

/// (function, subject, DNS name, certificate DER) of every record.
fn records(bytes: &[u8]) -> Vec<(Function, String, String, Vec<u8>)> {
    let list = TrustList::parse(bytes).expect("parses");
    list.records()
        .iter()
        .map(|r| {
            (
                r.function.expect("function"),
                r.subject.map(|s| s.to_string()).unwrap_or_default(),
                r.dns_name.map(|s| s.to_string()).unwrap_or_default(),
                r.certificate_der.unwrap_or_default().to_vec(),
            )
        })
        .collect()
}

fn recovery_der(sim: &SimServer, node: &str) -> Option<Vec<u8>> {
    sim.handle().read(|c| {
        c.node(node)
            .and_then(|n| n.identity(CertUnit::ItlRecovery))
            .map(|id| id.der().to_vec())
    })
}

fn three_nodes(generation: Generation, mixed: bool) -> SimOptions {
    SimOptions {
        nodes: 3,
        ..small(generation, mixed, "")
    }
}

/// Whether each node's ITL is stale (rebuilt at its next TFTP restart), in node order.
fn stale_itls(sim: &SimServer) -> Vec<bool> {
    sim.handle()
        .read(|c| c.nodes().iter().map(|n| n.itl_stale).collect())
}

/// Regenerates ITLRecovery on `node`; then [`stale_itls`].
async fn regen_itlrecovery(sim: &SimServer, node: &str) -> Vec<bool> {
    sim.handle()
        .regenerate(node, CertUnit::ItlRecovery)
        .await
        .unwrap_or_else(|e| panic!("regen ITLRecovery on {node}: {e}"));
    stale_itls(sim)
}

#[tokio::test]
async fn on_11_5_every_node_has_its_own_itlrecovery_in_its_own_itl() {
    serving(120, &three_nodes(Generation::V11_5, true), async |sim| {
        let domain = "sim.example.org";
        // Every node (TFTP or not) holds an ITLRecovery identity of its own.
        let ders: Vec<Vec<u8>> = ["ucm-pub", "ucm-sub1", "ucm-sub2"]
            .iter()
            .map(|n| recovery_der(sim, n).expect("per-node ITLRecovery"))
            .collect();
        assert!(ders[0] != ders[1] && ders[1] != ders[2] && ders[0] != ders[2]);

        for (index, node) in [(0, "ucm-pub"), (1, "ucm-sub1")] {
            let recs = records(&fetch(sim, index, "ITLFile.tlv").await);
            // Signer first: the node's CallManager; second SAST: the node's own ITLRecovery.
            assert_eq!(recs[0].0, Function::Sast);
            assert_eq!(recs[1].0, Function::Sast);
            assert!(
                recs[1]
                    .1
                    .starts_with(&format!("CN=ITLRECOVERY_{node}.{domain};")),
                "{node}: {}",
                recs[1].1
            );
            assert_eq!(recs[1].2, node);
            assert_eq!(recs[1].3, ders[index]);
            // Reject twin: no other node's ITLRecovery is in this ITL.
            for (other, der) in ders.iter().enumerate() {
                if other != index {
                    assert!(
                        recs.iter().all(|r| &r.3 != der),
                        "{node} holds node {other}'s"
                    );
                }
            }
        }
        // The CTL carries the publisher's ITLRecovery only.
        let ctl = records(&fetch(sim, 1, "CTLFile.tlv").await);
        let sast: Vec<_> = ctl.iter().filter(|r| r.0 == Function::Sast).collect();
        assert_eq!(sast.len(), 2);
        assert_eq!(sast[1].3, ders[0]);
        assert!(
            sast[1]
                .1
                .starts_with(&format!("CN=ITLRECOVERY_ucm-pub.{domain};"))
        );
        assert!(ctl.iter().all(|r| r.3 != ders[1] && r.3 != ders[2]));

        // Regenerating ITLRecovery on ucm-sub1 makes only ucm-sub1's ITL stale.
        let pub_before = fetch(sim, 0, "ITLFile.tlv").await;
        let sub_before = fetch(sim, 1, "ITLFile.tlv").await;
        assert_eq!(
            regen_itlrecovery(sim, "ucm-sub1").await,
            [false, true, false]
        );
        let pub_restart = sim
            .handle()
            .restart_service("ucm-pub", Service::Tftp)
            .expect("tftp");
        assert!(pub_restart.rebuilt_itls.is_empty());
        let sub_restart = sim
            .handle()
            .restart_service("ucm-sub1", Service::Tftp)
            .expect("tftp");
        assert_eq!(sub_restart.rebuilt_itls, ["ucm-sub1"]);
        assert_eq!(
            fetch(sim, 0, "ITLFile.tlv").await,
            pub_before,
            "publisher's ITL unchanged"
        );
        let sub_after = fetch(sim, 1, "ITLFile.tlv").await;
        assert_ne!(sub_after, sub_before);
        let recs = records(&sub_after);
        let new_der = recovery_der(sim, "ucm-sub1").expect("gen 2");
        assert_ne!(new_der, ders[1]);
        assert_eq!(recs[1].3, new_der);
        assert_eq!(
            sim.handle().read(|c| c
                .node("ucm-sub1")
                .and_then(|n| n.identity(CertUnit::ItlRecovery))
                .map(|i| i.generation)),
            Some(2)
        );
    })
    .await;
}

#[tokio::test]
async fn from_12_one_cluster_wide_itlrecovery_signs_every_itl() {
    serving(120, &three_nodes(Generation::V12, false), async |sim| {
        let pub_der = recovery_der(sim, "ucm-pub").expect("publisher's ITLRecovery");
        assert_eq!(recovery_der(sim, "ucm-sub1"), None);
        assert_eq!(recovery_der(sim, "ucm-sub2"), None);
        let mut itls = Vec::new();
        for index in 0..2 {
            let bytes = fetch(sim, index, "ITLFile.tlv").await;
            let recs = records(&bytes);
            let list = TrustList::parse(&bytes).expect("parses");
            assert_eq!(list.signer_index(), Some(0));
            assert_eq!(
                recs[0].3, pub_der,
                "node {index}: the single ITLRecovery signs"
            );
            assert!(
                recs[0]
                    .1
                    .starts_with("CN=ITLRECOVERY_ucm-pub.sim.example.org;")
            );
            assert_eq!(recs[0].2, "ucm-pub");
            let recovery_records = recs
                .iter()
                .filter(|r| r.1.starts_with("CN=ITLRECOVERY_"))
                .count();
            assert_eq!(recovery_records, 1);
            itls.push(bytes);
        }
        // Reject twin: a subscriber has no ITLRecovery to regenerate.
        let err = sim
            .handle()
            .regenerate("ucm-sub1", CertUnit::ItlRecovery)
            .await
            .expect_err("no per-node ITLRecovery on 12+");
        assert!(matches!(err, SimError::NoSuchUnit { .. }), "{err}");
        // Regenerating the publisher's makes every TFTP node's ITL stale.
        assert_eq!(regen_itlrecovery(sim, "ucm-pub").await, [true, true, false]);
        let new_der = recovery_der(sim, "ucm-pub").expect("gen 2");
        for (index, node) in [(0, "ucm-pub"), (1, "ucm-sub1")] {
            sim.handle()
                .restart_service(node, Service::Tftp)
                .expect("tftp");
            let bytes = fetch(sim, index, "ITLFile.tlv").await;
            assert_ne!(bytes, itls[index]);
            assert_eq!(records(&bytes)[0].3, new_der);
        }
    })
    .await;
}
