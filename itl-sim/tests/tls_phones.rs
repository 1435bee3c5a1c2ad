//! Security profiles and LSCs (S18), observed through AXL, RisPort70 and the phone pages: in
//! a mixed cluster a share of the phones has a TLS profile and an LSC; regenerating CAPF
//! without `utils ctl update CTLFile` leaves them unregistered after a reset, the others
//! register; CTL update + TFTP restarts + reset registers them again.

mod common;

use itl_core::cucm::{CertUnit, Generation};
use std::collections::BTreeMap;

use common::axl::{self, all_phones, ok};
use common::{
    field, get_page, network_setup_path, page_client, serving, small, status_messages_path,
};
use itl_sim::SimServer;
use itl_wire::soap::axl::sql;
use itl_wire::soap::control_center::ControlType;
use itl_wire::soap::risport::RegistrationStatus;

async fn registration(
    c: &common::axl::NodeClients,
    names: &[String],
) -> BTreeMap<String, (RegistrationStatus, Option<u32>)> {
    c.risport
        .registration(names)
        .await
        .expect("risport")
        .into_iter()
        .map(|d| (d.name.clone(), (d.status, d.status_reason)))
        .collect()
}

async fn reset_all(c: &common::axl::NodeClients) {
    for pool in ["DP-1", "DP-2"] {
        ok(c, "resetDevicePool", &format!("<name>{pool}</name>")).await;
    }
}

/// Which page of a phone to read.
#[derive(Clone, Copy)]
enum Which {
    /// The page that shows the security mode (Network Setup; the DX-series Security
    /// information page).
    SecurityMode,
    /// Status messages.
    Messages,
}

async fn page(sim: &SimServer, name: &str, which: Which) -> String {
    let index = sim.handle().read(|c| c.phone_index(name)).expect("index");
    let path = match which {
        Which::Messages => status_messages_path(sim, index),
        Which::SecurityMode if network_setup_path(sim, index).starts_with("/?") => {
            "/?adapter=device.statistics.security"
        }
        Which::SecurityMode => network_setup_path(sim, index),
    };
    get_page(&page_client(), sim, index, path)
        .await
        .expect("page")
}

#[tokio::test]
async fn s18_capf_regenerated_without_ctl_update_blocks_tls_phones_until_the_ctl_is_updated() {
    serving(150, &small(Generation::V12, true, ""), async |sim| {
        let c = axl::client(sim, 0);
        let phones = all_phones(&c, &["securityProfileName", "model"]).await;
        let names: Vec<String> = phones.keys().cloned().collect();
        let tls: Vec<String> = phones
            .values()
            .filter(|p| {
                let profile = p.get("securityProfileName").unwrap_or_default();
                profile.ends_with(" Authenticated Profile")
                    || profile.ends_with(" Encrypted Profile")
            })
            .map(|p| p.get("name").unwrap_or_default().to_owned())
            .collect();
        let model_tls: Vec<String> = sim.handle().read(|c| {
            let mut v: Vec<String> = c
                .tls_phones()
                .into_iter()
                .map(|i| c.phones()[i].name.clone())
                .collect();
            v.sort();
            v
        });
        assert_eq!(tls, model_tls);
        assert!((1..=10).contains(&tls.len()), "{}", tls.len());
        // No 7940/7960 (no TVS) gets a TLS profile.
        assert!(
            tls.iter()
                .all(|n| !matches!(phones[n].get("model"), Some("Cisco 7940" | "Cisco 7960")))
        );

        // SQL: the LSC query reports profile, mode and certificate status per phone.
        let rows = c
            .axl
            .execute_sql_all(sql::PHONE_LSC)
            .await
            .expect("lsc rows");
        assert_eq!(rows.len(), 50);
        for r in &rows {
            let is_tls = tls.contains(&r["name"]);
            assert_eq!(
                r["secprofile"],
                phones[&r["name"]]
                    .get("securityProfileName")
                    .unwrap_or_default()
            );
            if is_tls {
                assert!(
                    ["Authenticated", "Encrypted"].contains(&r["secmode"].as_str()),
                    "{r:?}"
                );
                assert_eq!(r["tkcertificatestatus"], "3", "LSC installed");
            } else {
                assert_eq!(r["secmode"], "Non Secure");
                assert_eq!(r["tkcertificatestatus"], "1");
            }
        }
        let profiles = c
            .axl
            .execute_sql_all(sql::PHONE_SECURITY_PROFILES)
            .await
            .expect("profiles");
        let mut in_use: Vec<String> = tls
            .iter()
            .filter_map(|n| phones[n].get("securityProfileName").map(str::to_owned))
            .collect();
        in_use.sort();
        in_use.dedup();
        assert_eq!(
            profiles
                .iter()
                .map(|r| r["name"].clone())
                .collect::<Vec<_>>(),
            in_use
        );
        assert!(profiles.iter().all(|r| r["transporttype"] == "TLS"));
        // The phone's Network Setup page shows its mode.
        let html = page(sim, &tls[0], Which::SecurityMode).await;
        let mode = field(&html, "Security mode").or_else(|| field(&html, "Security Mode"));
        assert!(
            matches!(mode.as_deref(), Some("Authenticated" | "Encrypted")),
            "{mode:?}"
        );

        let ris = axl::client(sim, 1);
        let before = registration(&ris, &names).await;
        assert!(
            before
                .values()
                .all(|(s, _)| *s == RegistrationStatus::Registered)
        );

        // S18: CAPF regenerated, no CTL update; every phone reset through AXL.
        sim.handle()
            .regenerate("ucm-pub", CertUnit::Capf)
            .await
            .expect("capf regen");
        reset_all(&c).await;
        let after = registration(&ris, &names).await;
        for name in &names {
            let (status, reason) = after[name].clone();
            if tls.contains(name) {
                assert_eq!(status, RegistrationStatus::UnRegistered, "{name}");
                assert_eq!(reason, Some(9), "{name}");
            } else {
                // Reject twin: non-secure phones register (CAPF is not in their TLS path).
                assert_eq!(status, RegistrationStatus::Registered, "{name}");
            }
        }
        let log = page(sim, &tls[0], Which::Messages).await;
        assert!(
            log.contains("Registration rejected: TLS peer certificate not in CTL"),
            "{log}"
        );
        let truth = sim.truth();
        // The sweep truth follows: TLS phones unregistered; the others still hold the served
        // files (no CTL update, no TFTP restart yet).
        // Phones whose pages show no trust field are `no-trust-info` to any sweep.
        let unread = |name: &str| {
            sim.handle()
                .read(|c| c.phone(name).is_some_and(|p| !p.model.pages_show_trust()))
        };
        for p in &truth.phones {
            let want = if tls.contains(&p.name) {
                "unregistered"
            } else if unread(&p.name) {
                "no-trust-info"
            } else {
                "ok"
            };
            assert_eq!(p.state.name(), want, "{}", p.name);
        }

        // Fix: CTL update, TFTP restarts (Control Center), reset again.
        sim.handle().write(|c| c.ctl_update()).expect("ctl update");
        for (index, node) in [(0, "ucm-pub"), (1, "ucm-sub1")] {
            axl::client(sim, index)
                .control_one(node, ControlType::Restart, "Cisco Tftp")
                .await;
        }
        reset_all(&c).await;
        let fixed = registration(&ris, &names).await;
        assert!(
            fixed
                .values()
                .all(|(s, r)| *s == RegistrationStatus::Registered && *r == Some(0)),
            "{fixed:?}"
        );
        for p in &sim.truth().phones {
            let want = if unread(&p.name) {
                "no-trust-info"
            } else {
                "ok"
            };
            assert_eq!(p.state.name(), want, "{}", p.name);
        }
    })
    .await;
}

#[tokio::test]
async fn non_secure_clusters_have_only_non_secure_profiles() {
    serving(60, &small(Generation::V12, false, ""), async |sim| {
        let c = axl::client(sim, 0);
        let rows = c.axl.execute_sql_all(sql::PHONE_LSC).await.expect("rows");
        assert_eq!(rows.len(), 50);
        assert!(rows.iter().all(|r| r["secmode"] == "Non Secure"
            && r["secprofile"].ends_with(" Non-Secure Profile")
            && r["tkcertificatestatus"] == "1"));
        assert!(
            c.axl
                .execute_sql_all(sql::PHONE_SECURITY_PROFILES)
                .await
                .expect("none")
                .is_empty()
        );
        assert!(sim.handle().read(|c| c.tls_phones().is_empty()));
        // CAPF regenerated and phones reset: nobody is blocked without TLS profiles.
        sim.handle()
            .regenerate("ucm-pub", CertUnit::Capf)
            .await
            .expect("capf");
        reset_all(&c).await;
        assert!(
            sim.handle()
                .read(|c| c.phones().iter().all(|p| p.registered))
        );
    })
    .await;
}
