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
        // (fault, whether the pages show trust fields, whether the model holds ITLs)
        let phones: Vec<(Option<FaultKind>, bool, bool)> = sim.handle().read(|c| {
            c.phones()
                .iter()
                .map(|p| {
                    (
                        p.fault.map(|f| f.kind),
                        p.model.pages_show_trust(),
                        p.model.holds_itl(),
                    )
                })
                .collect()
        });
        let mut counts: BTreeMap<PhoneState, usize> = BTreeMap::new();
        let mut unread_models = 0;
        for (entry, (fault, shows_trust, holds_itl)) in truth.phones.iter().zip(&phones) {
            // What the pages can show: a phone whose pages show no trust field is
            // `no-trust-info` whatever it holds.
            let trust = |state: PhoneState| {
                if *shows_trust {
                    state
                } else {
                    PhoneState::NoTrustInfo
                }
            };
            let (expected, with_archive) = match fault {
                None | Some(FaultKind::Slow) => (trust(PhoneState::Ok), trust(PhoneState::Ok)),
                Some(FaultKind::Unreachable) => (PhoneState::Unreachable, PhoneState::Unreachable),
                Some(FaultKind::Garbage | FaultKind::Oversized) => {
                    (PhoneState::Unparseable, PhoneState::Unparseable)
                }
                Some(FaultKind::WebOff) => (PhoneState::WebDisabled, PhoneState::WebDisabled),
                // A first sweep cannot tell an older list of this cluster from another
                // cluster's: the archive can.
                Some(FaultKind::StaleItl) => {
                    (trust(PhoneState::UnknownItl), trust(PhoneState::StaleItl))
                }
                Some(FaultKind::ForeignItl) => {
                    (trust(PhoneState::UnknownItl), trust(PhoneState::ForeignItl))
                }
                Some(FaultKind::UpdateFailed) => {
                    (PhoneState::UpdateFailed, PhoneState::UpdateFailed)
                }
                Some(FaultKind::PoweredOff) => (PhoneState::Unregistered, PhoneState::Unregistered),
                Some(FaultKind::NoItl) => {
                    (trust(PhoneState::NoTrustList), trust(PhoneState::NoTrustList))
                }
                Some(FaultKind::StaleCtl) => {
                    (trust(PhoneState::CtlMismatch), trust(PhoneState::CtlMismatch))
                }
                Some(other) => panic!("unexpected phone fault {other}"),
            };
            assert_eq!(entry.state, expected, "{} ({fault:?})", entry.name);
            assert_eq!(entry.state_with_archive, with_archive, "{} ({fault:?})", entry.name);
            let cause = match fault {
                Some(kind) => kind.name(),
                None if !holds_itl => "no-sbd",
                None => "current",
            };
            assert_eq!(entry.cause, cause, "{}", entry.name);
            assert!(entry.address.starts_with("127.1.0."), "{}", entry.address);
            assert!(entry.address.contains(':'), "ephemeral port shown");
            *counts.entry(entry.state).or_insert(0) += 1;
            if fault.is_none() && !shows_trust {
                unread_models += 1;
            }
        }
        assert!(unread_models > 0, "the fleet has models whose pages show no trust field");
        assert_eq!(
            counts[&PhoneState::Ok],
            50 - 16 + 1 - unread_models,
            "slow phones are ok"
        );
        let json: serde_json::Value = serde_json::from_str(&truth.to_json()).expect("json");
        assert!(json["phones"][0]["state"].as_str().is_some());
        assert!(json["phones"][0]["state_with_archive"].as_str().is_some());
        assert!(json["phones"][0]["cause"].as_str().is_some());

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
