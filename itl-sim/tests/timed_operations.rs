//! `--time-scale`: operations take their scaled nominal durations (`itl_sim::timing`) and
//! show their intermediate states through the real clients: Control Center and `utils
//! service` pass `Stopping`/`Starting`, phones come back with newer RisPort timestamps, a
//! DRS backup completes later, the CLI banner waits. Scale 0.005: a CallManager restart
//! takes 0.6 s, a backup 2.9 s.

mod common;

use itl_core::cucm::{Generation, Service, ServiceStatus};
use std::time::{Duration, Instant};

use common::axl::{client, ok};
use common::{EventLog, admin_session, serving_with, small};
use itl_sim::SimServer;
use itl_sim::events::EventKind;
use itl_sim::timing::{self, TimeScale};
use itl_wire::admin_cli::Command;
use itl_wire::admin_cli::parse::backup::BackupResult;
use itl_wire::admin_cli::parse::service::RestartOutcome;
use itl_wire::soap::control_center::{ControlType, REASON_SUCCESSFUL};
use itl_wire::soap::risport::RegistrationStatus;

const SCALE: f64 = 0.005;

/// Runs `test` within 60 s against a version 12 cluster served at the time scale [`SCALE`],
/// with its change log `name`.
async fn timed(name: &str, test: impl AsyncFnOnce(&SimServer, &EventLog)) {
    let log = EventLog::new("timed", name);
    let mut serve = log.serve_options();
    serve.time_scale = TimeScale::new(SCALE).expect("scale");
    let options = small(Generation::V12, false, "");
    serving_with(60, &options, serve, async |sim| test(sim, &log).await).await;
}

fn kinds(log: &EventLog) -> Vec<EventKind> {
    log.read().into_iter().map(|e| e.kind).collect()
}

fn scaled(nominal: Duration) -> Duration {
    nominal.mul_f64(SCALE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_center_restart_passes_stopping_and_starting() {
    timed("cc", async |sim, log| {
        let node = sim.nodes()[0].name.clone();
        let cc = client(sim, 0);
        let started = Instant::now();
        let answer = cc
            .control_one(&node, ControlType::Restart, "Cisco CallManager")
            .await;
        assert_eq!(answer.status(), ServiceStatus::Stopping);
        assert_eq!(answer.reason_code, Some(REASON_SUCCESSFUL));
        assert!(kinds(log).is_empty(), "no event before the restart ends");
        let mut seen = vec![ServiceStatus::Stopping];
        loop {
            let info = cc.status_one("Cisco CallManager").await;
            let now = info.status();
            if seen.last() != Some(&now) {
                seen.push(now);
            }
            if now == ServiceStatus::Started {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let took = started.elapsed();
        let (stop, start) = timing::service_phases(Service::CallManager);
        assert_eq!(
            seen,
            vec![
                ServiceStatus::Stopping,
                ServiceStatus::Starting,
                ServiceStatus::Started
            ]
        );
        assert!(took >= scaled(stop + start), "{took:?}");
        assert!(took < scaled(stop + start) * 5, "{took:?}");
        assert_eq!(kinds(log), vec![EventKind::ServiceRestarted]);

        // Stop, then start: Stopping → Commanded Out of Service, Starting → Started.
        let stop = cc.control_one(&node, ControlType::Stop, "Cisco Tftp").await;
        assert_eq!(stop.status(), ServiceStatus::Stopping);
        tokio::time::sleep(scaled(timing::service_phases(Service::Tftp).0) * 3).await;
        let info = cc.status_one("Cisco Tftp").await;
        assert_eq!(info.status(), ServiceStatus::CommandedOutOfService);
        let start = cc
            .control_one(&node, ControlType::Start, "Cisco Tftp")
            .await;
        assert_eq!(start.status(), ServiceStatus::Starting);
        tokio::time::sleep(scaled(timing::service_phases(Service::Tftp).1) * 3).await;
        let info = cc.status_one("Cisco Tftp").await;
        assert_eq!(info.status(), ServiceStatus::Started);
        assert_eq!(
            kinds(log),
            vec![
                EventKind::ServiceRestarted,
                EventKind::ServiceStopped,
                EventKind::ServiceStarted
            ]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_restart_streams_states_and_subscribers_return_early() {
    timed("cli", async |sim, log| {
        let before = Instant::now();
        let mut publisher = admin_session(sim, 0).await;
        assert!(
            before.elapsed() >= scaled(timing::CLI_BANNER),
            "the banner waits"
        );
        let (stop, start) = timing::service_phases(Service::Tomcat);
        let t = Instant::now();
        let outcome = publisher
            .service_restart("Cisco Tomcat")
            .await
            .expect("restart");
        assert_eq!(outcome, RestartOutcome::Started);
        assert!(t.elapsed() >= scaled(stop + start), "{:?}", t.elapsed());

        // A subscriber gives the prompt back after [STARTING]; the restart goes on.
        let mut sub = admin_session(sim, 1).await;
        let subscriber = sim.nodes()[1].name.clone();
        let t = Instant::now();
        let outcome = sub.service_restart("Cisco Tomcat").await.expect("restart");
        assert_eq!(outcome, RestartOutcome::Initiated);
        let back = t.elapsed();
        assert!(
            back >= scaled(stop) && back < scaled(stop + start),
            "{back:?}"
        );
        let state = sim
            .handle()
            .read(|c| c.node(&subscriber).map(|n| n.service(Service::Tomcat)));
        assert_eq!(state, Some(ServiceStatus::Starting));
        tokio::time::sleep(scaled(start) * 2).await;
        let list = sub.service_list().await.expect("list");
        assert_eq!(
            list.get("Cisco Tomcat").map(|e| e.status),
            Some(ServiceStatus::Started)
        );
        assert_eq!(
            kinds(log),
            vec![EventKind::ServiceRestarted, EventKind::ServiceRestarted]
        );
        publisher.close().await;
        sub.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_phones_come_back_later_with_newer_timestamps() {
    timed("phones", async |sim, log| {
        let cc = client(sim, 0);
        let (pool, names): (String, Vec<String>) = sim.handle().read(|c| {
            (
                c.device_pools()[0].name.clone(),
                c.phones()
                    .iter()
                    .filter(|p| p.device_pool == 0)
                    .map(|p| p.name.clone())
                    .collect(),
            )
        });
        let baseline = cc.risport.registration(&names).await.expect("baseline");
        assert!(
            baseline
                .iter()
                .all(|d| d.status == RegistrationStatus::Registered)
        );
        let reset_at = Instant::now();
        ok(&cc, "resetDevicePool", &format!("<name>{pool}</name>")).await;
        let during = cc.risport.registration(&names).await.expect("during");
        assert_eq!(during.len(), names.len());
        assert!(
            during
                .iter()
                .all(|d| d.status == RegistrationStatus::UnRegistered && d.status_reason == Some(9)),
            "unregistered until their delay passes"
        );
        let latest = Duration::from_secs(60) + timing::REGISTRATION_SPREAD;
        loop {
            let now = cc.risport.registration(&names).await.expect("after");
            if now.iter().all(|d| d.status == RegistrationStatus::Registered) {
                for (old, new) in baseline.iter().zip(&now) {
                    assert_eq!(old.name, new.name);
                    assert!(new.time_stamp > old.time_stamp, "{} newer", new.name);
                }
                break;
            }
            assert!(reset_at.elapsed() < scaled(latest) * 4, "phones came back");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        assert!(reset_at.elapsed() >= scaled(Duration::from_secs(60)));
        assert_eq!(kinds(log), vec![EventKind::PhonesReset]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drs_backup_completes_after_its_duration() {
    timed("backup", async |sim, log| {
        let mut s = admin_session(sim, 0).await;
        let before = s.backup_history().await.expect("history");
        let command = Command::BackupNetwork {
            features: vec!["UCM".into(), "CDR_CAR".into()],
            path: "/backups".into(),
            server: "sftp.example.org".into(),
            user: "drs".into(),
        };
        let t = Instant::now();
        let out = s.run(&command).await.expect("backup");
        assert!(
            out.text().contains("Backup initiated successfully"),
            "{:?}",
            out.lines
        );
        let status = s.run(&Command::BackupStatus).await.expect("status");
        assert!(status.text().contains("IN PROGRESS"), "{:?}", status.lines);
        // Twin: a second backup while one runs is refused.
        let again = s.run(&command).await;
        assert!(again.is_err(), "{again:?}");
        let running = s.backup_history().await.expect("history");
        assert_eq!(
            running.rows.len(),
            before.rows.len(),
            "no row before it ends"
        );
        while t.elapsed() < scaled(timing::DRS_BACKUP) * 3 {
            if kinds(log) == vec![EventKind::BackupTaken] {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(t.elapsed() >= scaled(timing::DRS_BACKUP));
        let after = s.backup_history().await.expect("history");
        assert_eq!(after.rows.len(), before.rows.len() + 1);
        let newest = after.newest().expect("newest");
        assert_eq!(newest.result, BackupResult::Success);
        assert_eq!(newest.kind, "MANUAL");
        assert_eq!(newest.features, vec!["UCM", "CDR_CAR"]);
        assert_eq!(
            newest.tar,
            sim.handle().read(|c| c.backups()[0].tar.clone()).into()
        );
        let idle = s.run(&Command::BackupStatus).await.expect("status");
        assert!(idle.text().contains("No backup status available"));
        s.close().await;
    })
    .await;
}
