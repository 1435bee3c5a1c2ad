//! AXL reset operations over HTTPS 8443 with the real client: each one goes through the
//! model's phone resets (the trust oracle decides), and the phones' Network Setup pages show
//! the result. A CallManager regeneration + TFTP restart (Control Center) gives the publisher
//! a new ITL; reset/restart operations make the addressed phones take it, apply operations do
//! not. Unknown names and malformed requests get CUCM's faults; doEnterpriseParametersReset
//! is refused.

mod common;

use common::axl::{self, fault, ok, returned};
use common::{
    fetcher, get_page, held_itl, page_client, serving, small, status_log, status_messages_path,
    trust_servers,
};
use itl_core::cucm::{CertUnit, Generation};
use itl_sim::SimServer;
use itl_wire::soap::control_center::ControlType;

async fn served_md5(sim: &SimServer, node: usize) -> String {
    let (over_tftp, _) = trust_servers(sim, node);
    let bytes = fetcher()
        .fetch_file(&over_tftp, "ITLFile.tlv")
        .await
        .expect("served ITL");
    hex::encode_upper(itl_core::checksum::md5(&bytes))
}

/// The ITL phone `name` holds (MD5, upper-case hex), as its Network Setup page shows it.
async fn page_itl(sim: &SimServer, name: &str) -> String {
    let index = sim
        .handle()
        .read(|c| c.phone_index(name))
        .expect("phone index");
    held_itl(&page_client(), sim, index)
        .await
        .expect("an ITL is held")
}

async fn message_count(sim: &SimServer, name: &str) -> usize {
    let index = sim
        .handle()
        .read(|c| c.phone_index(name))
        .expect("phone index");
    let html = get_page(&page_client(), sim, index, status_messages_path(sim, index))
        .await
        .expect("status page");
    html.matches("Trust List updated").count() + html.matches("ITL installed").count()
}

/// The phones of `list` whose pages show the ITL they hold (7940/7960 hold none; the pages of
/// some families show no trust field).
fn readable(sim: &SimServer, list: &[(String, String)]) -> Vec<(String, String)> {
    sim.handle().read(|c| {
        list.iter()
            .filter(|(name, _)| {
                c.phone(name)
                    .is_some_and(|p| p.model.pages_show_trust() && p.model.holds_itl())
            })
            .cloned()
            .collect()
    })
}

/// Phones of a pool, sorted by name, with their uuids (listPhone).
async fn pool(c: &common::axl::NodeClients, name: &str) -> Vec<(String, String)> {
    let criteria = format!("<devicePoolName>{name}</devicePoolName>");
    axl::list_phones(c, &criteria, &[])
        .await
        .into_iter()
        .map(|(name, p)| (name, p.uuid))
        .collect()
}

/// AXL `doDeviceReset` of the device `name` (or uuid) with `deviceResetType` `kind`.
async fn reset_device(c: &common::axl::NodeClients, name: &str, kind: &str) {
    let body = format!("<deviceName>{name}</deviceName><deviceResetType>{kind}</deviceResetType>");
    ok(c, "doDeviceReset", &body).await;
}

#[tokio::test]
async fn every_reset_operation_delivers_the_new_itl_and_apply_does_not() {
    serving(120, &small(Generation::V12, false, ""), async |sim| {
        let c = axl::client(sim, 0);
        let cc = axl::client(sim, 0);
        let dp1 = pool(&c, "DP-1").await;
        let dp2 = pool(&c, "DP-2").await;
        assert_eq!((dp1.len(), dp2.len()), (25, 25));
        let old_pub = served_md5(sim, 0).await;
        let old_sub = served_md5(sim, 1).await;
        let readable_dp1 = readable(sim, &dp1);
        assert!(readable_dp1.len() >= 6, "{} readable phones in DP-1", readable_dp1.len());
        for (name, _) in readable_dp1.iter().take(6) {
            assert_eq!(page_itl(sim, name).await, old_pub, "{name} starts current");
        }

        // CallManager regenerated on the publisher, TFTP restarted through Control Center:
        // DP-1 phones (TFTP server ucm-pub) are now stale.
        sim.handle()
            .regenerate("ucm-pub", CertUnit::CallManager)
            .await
            .expect("regenerate");
        cc.control_one("ucm-pub", ControlType::Restart, "Cisco Tftp").await;
        let new_pub = served_md5(sim, 0).await;
        assert_ne!(new_pub, old_pub);
        let [a, b, cph, d, e, f] = [0, 1, 2, 3, 4, 5].map(|i| readable_dp1[i].clone());

        // resetPhone by name.
        let before = message_count(sim, &a.0).await;
        let body = ok(&c, "resetPhone", &format!("<name>{}</name>", a.0)).await;
        assert_eq!(returned(&body, "resetPhone"), a.1);
        assert_eq!(page_itl(sim, &a.0).await, new_pub);
        assert!(message_count(sim, &a.0).await > before, "the phone logged the update");
        // restartPhone by uuid (lower case, no braces also accepted).
        let bare = b.1.trim_matches(['{', '}']).to_ascii_lowercase();
        let body = ok(&c, "restartPhone", &format!("<uuid>{bare}</uuid>")).await;
        assert_eq!(returned(&body, "restartPhone"), b.1);
        assert_eq!(page_itl(sim, &b.0).await, new_pub);
        // Reject twin: applyPhone answers but the phone downloads nothing.
        let body = ok(&c, "applyPhone", &format!("<name>{}</name>", cph.0)).await;
        assert_eq!(returned(&body, "applyPhone"), cph.1);
        assert_eq!(page_itl(sim, &cph.0).await, old_pub);
        // doDeviceReset: isHardReset=false (restart) by name; deviceResetType=Restart by uuid.
        let body = ok(
            &c,
            "doDeviceReset",
            &format!("<deviceName>{}</deviceName><isHardReset>false</isHardReset>", d.0),
        )
        .await;
        assert_eq!(returned(&body, "doDeviceReset"), d.1);
        assert_eq!(page_itl(sim, &d.0).await, new_pub);
        reset_device(&c, &e.1, "Restart").await;
        assert_eq!(page_itl(sim, &e.0).await, new_pub);
        // Reject twin: Apply Configuration downloads nothing.
        reset_device(&c, &f.0, "Apply Configuration").await;
        assert_eq!(page_itl(sim, &f.0).await, old_pub);

        // Pools: apply changes nothing, reset brings every DP-1 phone to the new ITL and
        // leaves DP-2 alone.
        let body = ok(&c, "applyDevicePool", "<name>DP-1</name>").await;
        let dp1_uuid = returned(&body, "applyDevicePool");
        assert_eq!(page_itl(sim, &cph.0).await, old_pub);
        let body = ok(&c, "resetDevicePool", "<name>dp-1</name>").await;
        assert_eq!(returned(&body, "resetDevicePool"), dp1_uuid);
        for (name, _) in &readable_dp1 {
            assert_eq!(page_itl(sim, name).await, new_pub, "{name}");
        }
        let readable_dp2 = readable(sim, &dp2);
        assert_eq!(page_itl(sim, &readable_dp2[0].0).await, old_sub);

        // restartDevicePool by uuid after a regeneration on ucm-sub1 (DP-2's TFTP server).
        sim.handle()
            .regenerate("ucm-sub1", CertUnit::CallManager)
            .await
            .expect("regenerate sub1");
        axl::client(sim, 1).control_one("ucm-sub1", ControlType::Restart, "Cisco Tftp").await;
        let new_sub = served_md5(sim, 1).await;
        assert_ne!(new_sub, old_sub);
        let listing = ok(
            &c,
            "listPhone",
            "<searchCriteria><devicePoolName>DP-2</devicePoolName></searchCriteria><returnedTags><devicePoolName/></returnedTags><first>1</first>",
        )
        .await;
        let dp2_uuid = axl::attributes(&listing, "<devicePoolName uuid=\"")
            .pop()
            .expect("pool uuid");
        assert_ne!(dp2_uuid, dp1_uuid);
        let body = ok(&c, "restartDevicePool", &format!("<uuid>{dp2_uuid}</uuid>")).await;
        assert_eq!(returned(&body, "restartDevicePool"), dp2_uuid);
        for (name, _) in &readable_dp2 {
            assert_eq!(page_itl(sim, name).await, new_sub, "{name}");
        }
        assert_eq!(page_itl(sim, &a.0).await, new_pub, "DP-1 untouched");
    })
    .await;
}

#[tokio::test]
async fn reset_operations_fault_on_unknown_objects_and_bad_requests() {
    serving(90, &small(Generation::V14, false, ""), async |sim| {
        let c = axl::client(sim, 0);
        let some = pool(&c, "DP-2").await.remove(0);
        let unknown_uuid = "{00000000-0000-4000-8000-000000000000}";

        // Unknown objects: AXL "Item not valid", axlcode 5007, request named.
        for (op, inner, what) in [
            ("resetPhone", "<name>SEP000000000000</name>".to_owned(), "SEP000000000000"),
            ("restartPhone", format!("<uuid>{unknown_uuid}</uuid>"), unknown_uuid),
            ("applyPhone", "<name>SEPFFFFFFFFFFFF</name>".to_owned(), "SEPFFFFFFFFFFFF"),
            ("resetDevicePool", "<name>DP-9</name>".to_owned(), "DP-9"),
            ("restartDevicePool", format!("<uuid>{}</uuid>", some.1), some.1.as_str()),
            ("applyDevicePool", "<name>Default</name>".to_owned(), "Default"),
            ("doDeviceReset", "<deviceName>SEP000000000000</deviceName><isHardReset>true</isHardReset>".to_owned(), "SEP000000000000"),
        ] {
            let f = fault(&c, op, &inner).await;
            assert_eq!(f.code, "soapenv:Server", "{op}: {f}");
            assert_eq!(f.axl_code(), Some(5007), "{op}: {f}");
            assert_eq!(
                f.message,
                format!("Item not valid: The specified {what} was not found"),
                "{op}"
            );
            assert_eq!(f.detail_value("request"), Some(op));
        }

        // Schema faults: name and uuid together or neither; isHardReset and deviceResetType
        // together or neither; bad values.
        let name = format!("<name>{}</name>", some.0);
        for (op, inner, mentions) in [
            ("resetPhone", format!("{name}<uuid>{}</uuid>", some.1), "'uuid'"),
            ("resetPhone", String::new(), "name, uuid"),
            ("resetDevicePool", "<pool>DP-1</pool>".to_owned(), "'pool'"),
            ("doDeviceReset", format!("<deviceName>{}</deviceName><isHardReset>true</isHardReset><deviceResetType>Reset</deviceResetType>", some.0), "'deviceResetType'"),
            ("doDeviceReset", format!("<deviceName>{}</deviceName>", some.0), "isHardReset, deviceResetType"),
            ("doDeviceReset", "<isHardReset>true</isHardReset>".to_owned(), "deviceName"),
            ("doDeviceReset", format!("<deviceName>{}</deviceName><isHardReset>maybe</isHardReset>", some.0), "'maybe'"),
            ("doDeviceReset", format!("<deviceName>{}</deviceName><deviceResetType>Reboot</deviceResetType>", some.0), "'Reboot'"),
        ] {
            let f = fault(&c, op, &inner).await;
            assert_eq!(f.code, "soapenv:Client", "{op} {inner}: {f}");
            assert!(f.message.contains(mentions), "{op} {inner}: {f}");
        }

        // doEnterpriseParametersReset is refused, and nothing is reset.
        let index = sim.handle().read(|c| c.phone_index(&some.0)).expect("index");
        let page = status_log(&page_client(), sim, index).await;
        for op in ["doEnterpriseParametersReset", "resetEnterpriseParameters"] {
            let f = fault(&c, op, "").await;
            assert_eq!(f.code, "soapenv:Server");
            assert_eq!(f.axl_code(), Some(5002));
            assert!(f.message.starts_with(&format!("{op} refused by the simulator")), "{f}");
            assert!(f.message.contains("not a device reset"), "{f}");
        }
        let after = status_log(&page_client(), sim, index).await;
        assert_eq!(after, page, "no phone was reset");
        // Twin: a real reset of the same phone adds messages.
        ok(&c, "resetPhone", &name).await;
        let reset = status_log(&page_client(), sim, index).await;
        assert_ne!(reset, page);
        // Other operations still get the Axis2 EPR fault.
        let f = fault(&c, "getPhone", &name).await;
        assert!(f.message.contains("endpoint reference (EPR)"), "{f}");
    })
    .await;
}
