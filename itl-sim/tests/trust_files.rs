//! Every TFTP node's ITL (and the CTL in mixed mode), fetched with the real client over TFTP
//! and HTTP 6970, parses, verifies and has the records CUCM puts in it.

mod common;

use common::{fetcher, serving, small, start, trust_servers, within};
use itl_core::cucm::{CertUnit, Generation, ListKind, Mac};
use itl_core::{Function, TrustList, signature};
use itl_cucm::FetchOutcome;

fn roles(list: &TrustList<'_>) -> Vec<Function> {
    list.records().iter().filter_map(|r| r.function).collect()
}

async fn check_itls(generation: Generation, mixed: bool) {
    let options = small(generation, mixed, "");
    let sim = start(&options).await;
    let f = fetcher();
    for index in 0..sim.nodes().len() {
        let (over_tftp, over_http) = trust_servers(&sim, index);
        let a = f
            .fetch_file(&over_tftp, "ITLFile.tlv")
            .await
            .expect("ITL over TFTP");
        let b = f
            .fetch_file(&over_http, "ITLFile.tlv")
            .await
            .expect("ITL over HTTP");
        assert_eq!(a, b, "TFTP and HTTP serve the same bytes");
        let list = TrustList::parse(&a).expect("parses");
        assert!(
            signature::verify_self_signed(&list),
            "self-signature verifies"
        );

        let (expected_signer, node_cm) = sim.handle().read(|c| {
            let node = &c.nodes()[index];
            let cm = node
                .identity(CertUnit::CallManager)
                .expect("cm")
                .certificate()
                .clone();
            let rec = c
                .publisher()
                .identity(CertUnit::ItlRecovery)
                .expect("rec")
                .certificate()
                .clone();
            let signer = if generation == Generation::V11_5 {
                cm.clone()
            } else {
                rec
            };
            (signer, cm)
        });
        let signer = list.signer_index().expect("signer record");
        assert_eq!(
            list.records()[signer].certificate_der,
            Some(expected_signer.der()),
            "signer per generation"
        );
        let tftp_role = if mixed {
            Function::CcmTftp
        } else {
            Function::Tftp
        };
        assert_eq!(
            roles(&list),
            [
                Function::Sast,
                Function::Sast,
                tftp_role,
                Function::Tvs,
                Function::Tvs,
                Function::Capf
            ]
        );
        // The TFTP record is this node's CallManager certificate; the first SAST is the signer.
        assert_eq!(list.records()[2].certificate_der, Some(node_cm.der()));
        assert_eq!(signer, 0);
        // The per-device name serves the same file for a phone of the cluster...
        let phone = sim.handle().read(|c| c.phones()[0].mac);
        let per_device = f
            .fetch_file(&over_tftp, &format!("ITLSEP{phone}.tlv"))
            .await
            .expect("per-device ITL");
        assert_eq!(per_device, a);
        // ...and nothing for an unknown device or name.
        let unknown = f.fetch_file(&over_tftp, "ITLSEP0000DEADBEEF.tlv").await;
        assert!(unknown.expect_err("unknown device").is_not_found());
        let other = f.fetch_file(&over_http, "SEP001122334455.cnf.xml").await;
        assert!(other.expect_err("not a trust file").is_not_found());
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn itl_11_5_signed_by_each_nodes_callmanager() {
    within(60, check_itls(Generation::V11_5, false)).await;
}

#[tokio::test]
async fn itl_12_signed_by_itlrecovery() {
    within(60, check_itls(Generation::V12, false)).await;
}

#[tokio::test]
async fn itl_mixed_mode_has_ccm_tftp_role() {
    within(60, check_itls(Generation::V12, true)).await;
}

#[tokio::test]
async fn ctl_only_in_mixed_mode() {
    within(60, async {
        let sim = start(&small(Generation::V12, false, "")).await;
        let (over_tftp, over_http) = trust_servers(&sim, 0);
        let mac: Mac = sim.handle().read(|c| c.phones()[3].mac);
        for server in [&over_tftp, &over_http] {
            let set = fetcher().fetch_trust_files(server, Some(mac)).await;
            let ctl = set.ctl().expect("asked");
            assert!(matches!(ctl.outcome, FetchOutcome::NotFound));
            assert!(ctl.to_string().contains("not served"), "{ctl}");
            assert!(set.itl().and_then(|f| f.bytes()).is_some());
        }
        sim.shutdown().await;

        let sim = start(&small(Generation::V11_5, true, "")).await;
        let (over_tftp, _) = trust_servers(&sim, 1);
        let set = fetcher().fetch_trust_files(&over_tftp, Some(mac)).await;
        let ctl = set
            .ctl()
            .expect("asked")
            .bytes()
            .expect("CTL served in mixed mode");
        let list = TrustList::parse(ctl).expect("CTL parses");
        assert_eq!(list.kind(), Some(ListKind::Ctl));
        assert!(signature::verify_self_signed(&list));
        // 11.5 tokenless: signed by the publisher's CallManager; CCM+TFTP for both nodes.
        let pub_cm = sim.handle().read(|c| {
            c.publisher()
                .identity(CertUnit::CallManager)
                .expect("cm")
                .der()
                .to_vec()
        });
        let signer = list.signer_index().expect("signer");
        assert_eq!(
            list.records()[signer].certificate_der,
            Some(pub_cm.as_slice())
        );
        assert_eq!(
            roles(&list),
            [
                Function::Sast,
                Function::Sast,
                Function::CcmTftp,
                Function::CcmTftp,
                Function::Capf
            ]
        );
        assert!(
            set.files
                .iter()
                .all(|f| f.kind != ListKind::Ctl || !f.per_device || f.bytes().is_some())
        );
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn tftp_down_node_does_not_answer() {
    let options = small(Generation::V12, false, "tftp-down=ucm-sub1");
    serving(60, &options, async |sim| {
        let (down_tftp, down_http) = trust_servers(sim, 1);
        let mut opts = itl_cucm::FetchOptions::default();
        opts.tftp.deadline = std::time::Duration::from_secs(2);
        opts.tftp.retries = 1;
        let f = itl_cucm::Fetcher::new(opts).expect("fetcher");
        let e = f
            .fetch_file(&down_tftp, "ITLFile.tlv")
            .await
            .expect_err("down");
        assert!(!e.is_not_found());
        assert!(f.fetch_file(&down_http, "ITLFile.tlv").await.is_err());
        // The publisher still serves.
        let (up, _) = trust_servers(sim, 0);
        assert!(f.fetch_file(&up, "ITLFile.tlv").await.is_ok());
    })
    .await;
}
