//! The truth file matches the faults injected, and the cluster file round-trips.

mod common;

use itl_core::cucm::{Generation, PhoneState};
use std::collections::BTreeMap;

use common::{small, start, within};
use itl_sim::FaultKind;
use itl_wire::cluster_file::ClusterFile;

#[tokio::test]
async fn truth_matches_faults_and_cluster_file_round_trips() {
    within(60, async {
        let spec = "unreachable=2,slow=1,garbage=1,oversized=1,web-off=3,stale-itl=2,foreign-itl=1,update-failed=1,powered-off=2,no-itl=1,stale-ctl=1";
        let sim = start(&small(Generation::V12, true, spec)).await;
        let truth = sim.truth();
        assert_eq!(truth.phones.len(), 50);
        let faults: Vec<Option<FaultKind>> =
            sim.handle().read(|c| c.phones().iter().map(|p| p.fault.map(|f| f.kind)).collect());
        let mut counts: BTreeMap<PhoneState, usize> = BTreeMap::new();
        for (entry, fault) in truth.phones.iter().zip(&faults) {
            let expected = match fault {
                None | Some(FaultKind::Slow) => PhoneState::Ok,
                Some(FaultKind::Unreachable) => PhoneState::Unreachable,
                Some(FaultKind::Garbage | FaultKind::Oversized) => PhoneState::Unparseable,
                Some(FaultKind::WebOff) => PhoneState::WebDisabled,
                Some(FaultKind::StaleItl) => PhoneState::StaleItl,
                Some(FaultKind::ForeignItl) => PhoneState::ForeignItl,
                Some(FaultKind::UpdateFailed) => PhoneState::UpdateFailed,
                Some(FaultKind::PoweredOff) => PhoneState::Unregistered,
                Some(FaultKind::NoItl) => PhoneState::NoTrustList,
                Some(FaultKind::StaleCtl) => PhoneState::CtlMismatch,
                Some(other) => panic!("unexpected phone fault {other}"),
            };
            assert_eq!(entry.state, expected, "{} ({fault:?})", entry.name);
            assert!(entry.address.starts_with("127.1.0."), "{}", entry.address);
            assert!(entry.address.contains(':'), "ephemeral port shown");
            *counts.entry(entry.state).or_insert(0) += 1;
        }
        assert_eq!(counts[&PhoneState::Ok], 50 - 16 + 1, "slow phones are ok");
        let json: serde_json::Value = serde_json::from_str(&truth.to_json()).expect("json");
        assert!(json["phones"][0]["state"].as_str().is_some());

        let file = sim.cluster_file();
        let text = file.to_toml_string().expect("toml");
        let again = ClusterFile::from_toml_str(&text).expect("parses back");
        assert_eq!(again, file);
        assert_eq!(file.nodes.len(), 2);
        assert!(file.nodes[0].publisher && !file.nodes[1].publisher);
        assert!(file.nodes[0].axl.ends_with("/axl/"));
        assert!(text.contains("password_env = \"ITL_PASSWORD\""));
        assert!(!text.contains(common::PASSWORD), "no secret in the cluster file");
        sim.shutdown().await;
    })
    .await;
}
