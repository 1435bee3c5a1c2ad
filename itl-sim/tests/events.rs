//! `--events`: one JSON line per change, through real clients on real sockets. A
//! regeneration, a restart and a reset write exactly their sequence; read-only requests of
//! every interface write nothing.

mod common;

use itl_core::cucm::{CertUnit, Generation, Service};

use common::axl::{client, ok};
use common::{admin_session, fetcher, get_page, logged, page_client, small, trust_servers};
use itl_sim::events::{Event, EventKind};
use itl_wire::admin_cli::Command;
use itl_wire::soap::control_center::ControlType;

/// (kind, node, unit, service, detail) of each event.
type Row = (
    EventKind,
    Option<String>,
    Option<CertUnit>,
    Option<Service>,
    Option<String>,
);

fn rows(events: &[Event]) -> Vec<Row> {
    events
        .iter()
        .map(|e| (e.kind, e.node.clone(), e.unit, e.service, e.detail.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regen_restart_and_reset_write_exactly_their_events() {
    let options = small(Generation::V12, false, "");
    logged("events", "sequence", &options, async |sim, log| {
        let (publisher, subscriber) = (sim.nodes()[0].name.clone(), sim.nodes()[1].name.clone());
        assert!(log.read().is_empty(), "starting writes no event");

        let mut s = admin_session(sim, 0).await;
        s.regen(CertUnit::Tvs).await.expect("regen");
        let serial = sim.handle().read(|c| {
            c.nodes()[0]
                .identity(CertUnit::Tvs)
                .map(|id| id.certificate().serial_hex().to_ascii_lowercase())
        });
        let cc = client(sim, 0);
        cc.control_one(&publisher, ControlType::Restart, "Cisco Tftp")
            .await;
        let pool = sim.handle().read(|c| c.device_pools()[0].name.clone());
        let in_pool = sim
            .handle()
            .read(|c| c.phones().iter().filter(|p| p.device_pool == 0).count());
        ok(&cc, "resetDevicePool", &format!("<name>{pool}</name>")).await;

        let events = log.read();
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=4).collect::<Vec<_>>()
        );
        assert_eq!(
            rows(&events),
            vec![
                (
                    EventKind::CertRegenerated,
                    Some(publisher.clone()),
                    Some(CertUnit::Tvs),
                    None,
                    serial.map(|s| format!("serial {s}")),
                ),
                (
                    EventKind::ServiceRestarted,
                    Some(publisher.clone()),
                    None,
                    Some(Service::Tftp),
                    None,
                ),
                (
                    EventKind::ListRebuilt,
                    Some(publisher.clone()),
                    None,
                    None,
                    Some("ITL".into()),
                ),
                (
                    EventKind::PhonesReset,
                    None,
                    None,
                    None,
                    Some(format!("Reset {in_pool} phones")),
                ),
            ]
        );
        // Times are RFC 3339 and never go back.
        for pair in events.windows(2) {
            assert!(pair[0].time <= pair[1].time, "{pair:?}");
        }
        let t = &events[0].time;
        assert_eq!((t.len(), &t[19..20], &t[23..]), (24, ".", "Z"), "{t}");
        let seconds = format!("{}Z", &t[..19]);
        let at = itl_core::UnixTime::parse_rfc3339(&seconds).expect("RFC 3339");
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        assert!((wall - at.secs()).abs() < 120, "{t} is the wall clock");

        // The subscriber's TFTP restart rebuilds its own stale ITL: two more events, in order.
        let sub = client(sim, 1);
        sub.control_one(&subscriber, ControlType::Restart, "Cisco Tftp")
            .await;
        let more = log.read();
        assert_eq!(more.len(), 6);
        assert_eq!(
            rows(&more[4..]),
            vec![
                (
                    EventKind::ServiceRestarted,
                    Some(subscriber.clone()),
                    None,
                    Some(Service::Tftp),
                    None
                ),
                (
                    EventKind::ListRebuilt,
                    Some(subscriber.clone()),
                    None,
                    None,
                    Some("ITL".into())
                ),
            ]
        );
        // Twin: a second TFTP restart with nothing stale restarts without a rebuild.
        sub.control_one(&subscriber, ControlType::Restart, "Cisco Tftp")
            .await;
        let last = log.read();
        assert_eq!(last.len(), 7);
        assert_eq!(last[6].kind, EventKind::ServiceRestarted);
        s.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_requests_write_no_event() {
    let options = small(Generation::V14, false, "");
    logged("events", "read-only", &options, async |sim, log| {
        let publisher = sim.nodes()[0].name.clone();

        // Admin CLI show commands and SQL.
        let mut s = admin_session(sim, 0).await;
        s.show_itl().await.expect("show itl");
        s.cert_list_trust().await.expect("trust");
        s.cert_list_own().await.expect("own");
        s.cert_own(CertUnit::CallManager).await.expect("cert");
        s.service_list().await.expect("services");
        s.backup_history().await.expect("history");
        s.run(&Command::BackupStatus).await.expect("status");
        s.sql(
            "select paramname, paramvalue from processconfig where paramname like '%Certificate%'",
        )
        .await
        .expect("sql");
        // AXL SQL select and listPhone, RisPort, Control Center status.
        let cc = client(sim, 0);
        ok(
            &cc,
            "executeSQLQuery",
            &format!(
                "<sql>{}</sql>",
                itl_wire::soap::envelope::escape_text(itl_wire::soap::axl::sql::PHONE_LSC)
            ),
        )
        .await;
        ok(
            &cc,
            "listPhone",
            "<searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags>",
        )
        .await;
        let names: Vec<String> = sim
            .handle()
            .read(|c| c.phones().iter().map(|p| p.name.clone()).collect());
        cc.risport.registration(&names).await.expect("risport");
        cc.control
            .service_status::<&str>(&[])
            .await
            .expect("status");
        // Phone pages and TFTP.
        get_page(&page_client(), sim, 0, "/")
            .await
            .expect("phone page");
        let (over_tftp, _) = trust_servers(sim, 0);
        fetcher()
            .fetch_file(&over_tftp, "ITLFile.tlv")
            .await
            .expect("itl");
        assert_eq!(log.read(), Vec::new(), "read-only requests changed nothing");

        // Twin: one change writes one event.
        cc.control_one(
            &publisher,
            ControlType::Stop,
            "Cisco Certificate Change Notification",
        )
        .await;
        assert_eq!(
            rows(&log.read()),
            vec![(
                EventKind::ServiceStopped,
                Some(publisher),
                None,
                Some(Service::CertificateChangeNotification),
                None
            )]
        );
        s.close().await;
    })
    .await;
}
