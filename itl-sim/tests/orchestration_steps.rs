//! The steps a regeneration run needs beyond regen/restart/reset, through real clients at
//! time scale 0: `utils service stop|start`, `utils ipsec restart`, `set cert delete`
//! (inferred), the CAPF operation through AXL `updatePhone` (inferred), DRS backups, and the
//! faults `restart-fails` and `phones-stay-down` (with their clearing).

mod common;

use itl_core::cucm::{CertUnit, Generation, Service, ServiceStatus};

use common::axl::{client, fault, ok};
use common::{EventLog, admin_session, logged, sized, small};
use itl_cucm::ssh::{AdminSession, SshErrorKind};
use itl_sim::events::EventKind;
use itl_sim::{Cluster, FaultKind};
use itl_wire::admin_cli::parse::ParseError;
use itl_wire::admin_cli::parse::service::parse_service_state;
use itl_wire::admin_cli::{Command, FailureMarker};
use itl_wire::soap::axl::sql;
use itl_wire::soap::control_center::{ControlType, REASON_NOT_RUNNING, REASON_SUCCESSFUL};
use itl_wire::soap::risport::RegistrationStatus;

fn events(log: &EventLog) -> Vec<(EventKind, Option<String>)> {
    log.read().into_iter().map(|e| (e.kind, e.detail)).collect()
}

/// Runs `utils service stop|start` (`command`) of `service`; the state the CLI reports.
async fn service_verb(
    cli: &mut AdminSession,
    command: Command,
    service: &str,
) -> Result<ServiceStatus, ParseError> {
    let out = cli.run(&command).await.expect("utils service");
    parse_service_state(&out.text(), service)
}

fn marker(e: &itl_cucm::ssh::SshError) -> Option<FailureMarker> {
    match e.kind() {
        SshErrorKind::FailureMarker { marker, .. } => Some(*marker),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_stop_start_ipsec_and_trust_delete() {
    let options = small(Generation::V12, false, "");
    logged("steps", "cli", &options, async |sim, log| {
        let mut pub_cli = admin_session(sim, 0).await;
        let ccn = "Cisco Certificate Change Notification";
        assert_eq!(
            service_verb(&mut pub_cli, Command::ServiceStop(ccn.into()), ccn).await,
            Ok(ServiceStatus::CommandedOutOfService)
        );
        let list = pub_cli.service_list().await.expect("list");
        assert_eq!(
            list.get(ccn).map(|e| e.status),
            Some(ServiceStatus::CommandedOutOfService)
        );
        assert_eq!(
            service_verb(&mut pub_cli, Command::ServiceStart(ccn.into()), ccn).await,
            Ok(ServiceStatus::Started)
        );
        // Twin: starting a started service changes nothing.
        assert_eq!(
            service_verb(&mut pub_cli, Command::ServiceStart(ccn.into()), ccn).await,
            Ok(ServiceStatus::Started)
        );

        let ipsec = pub_cli.run(&Command::IpsecRestart).await.expect("ipsec");
        assert!(
            ipsec
                .text()
                .contains("Successfully Restarted IPsec Service")
        );

        // Regenerating the subscriber's CallManager leaves two trust files on the publisher.
        let mut sub_cli = admin_session(sim, 1).await;
        sub_cli.regen(CertUnit::CallManager).await.expect("regen");
        let sub = sim.nodes()[1].name.clone();
        let (old, new) = sim.handle().read(|c| {
            let n = &c.nodes()[1];
            (
                n.retired
                    .iter()
                    .find(|i| i.unit == CertUnit::CallManager)
                    .map(|i| i.certificate().serial_hex().to_ascii_lowercase()),
                n.identity(CertUnit::CallManager)
                    .map(|i| i.certificate().serial_hex().to_ascii_lowercase()),
            )
        });
        let (old, new) = (old.expect("retired"), new.expect("current"));
        let trust = pub_cli.cert_list_trust().await.expect("trust");
        let files: Vec<&str> = trust
            .entries
            .iter()
            .filter(|e| e.unit == "CallManager-trust" && e.file.starts_with(&sub))
            .map(|e| e.file.as_str())
            .collect();
        let cn = sim.handle().read(|c| format!("{sub}.{}", c.domain()));
        let new_file = format!("{cn}_{new}.pem");
        let old_file = format!("{cn}.pem");
        assert_eq!(files, vec![old_file.as_str(), new_file.as_str()], "{old}");
        let delete = Command::CertDelete {
            store: "CallManager-trust".into(),
            file: old_file.clone(),
        };
        let out = pub_cli.run(&delete).await.expect("delete");
        assert!(
            out.text().contains("Successfully deleted"),
            "{:?}",
            out.lines
        );
        let trust = pub_cli.cert_list_trust().await.expect("trust");
        assert!(
            !trust
                .entries
                .iter()
                .any(|e| e.unit == "CallManager-trust" && e.file == old_file)
        );
        assert!(trust.entries.iter().any(|e| e.file == new_file));
        // Twin: deleting it again fails with CUCM's marker.
        let again = pub_cli.run(&delete).await.expect_err("gone");
        assert_eq!(marker(&again), Some(FailureMarker::ExecutedUnsuccessfully));

        let publisher = sim.nodes()[0].name.clone();
        assert_eq!(
            events(log),
            vec![
                (EventKind::ServiceStopped, None),
                (EventKind::ServiceStarted, None),
                (EventKind::ServiceRestarted, Some("IPsec".into())),
                (EventKind::CertRegenerated, Some(format!("serial {new}"))),
                (
                    EventKind::TrustCertDeleted,
                    Some(format!("CallManager-trust/{old_file}"))
                ),
            ]
        );
        let all = log.read();
        assert_eq!(all[4].node.as_deref(), Some(publisher.as_str()));
        assert_eq!(all[4].unit, Some(CertUnit::CallManager));
        pub_cli.close().await;
        sub_cli.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_fails_until_cleared() {
    let options = small(Generation::V12, false, "restart-fails=TFTP@all");
    logged("steps", "restart-fails", &options, async |sim, log| {
        let node = sim.nodes()[0].name.clone();
        let cc = client(sim, 0);
        let r = cc
            .control_one(&node, ControlType::Restart, "Cisco Tftp")
            .await;
        assert_eq!(r.status(), ServiceStatus::Stopped);
        assert_eq!(r.reason_code, Some(REASON_NOT_RUNNING));
        let mut s = admin_session(sim, 0).await;
        let e = s.service_restart("Cisco Tftp").await.expect_err("fails");
        assert_eq!(marker(&e), Some(FailureMarker::ExecutedUnsuccessfully));
        // Twin: another service restarts.
        let r = cc
            .control_one(&node, ControlType::Restart, "Cisco CallManager")
            .await;
        assert_eq!(r.status(), ServiceStatus::Started);

        assert!(sim.handle().clear_fault(FaultKind::RestartFails));
        let r = cc
            .control_one(&node, ControlType::Start, "Cisco Tftp")
            .await;
        assert_eq!(r.status(), ServiceStatus::Started);
        assert_eq!(r.reason_code, Some(REASON_SUCCESSFUL));
        let kinds: Vec<(EventKind, Option<String>)> = events(log);
        assert_eq!(
            kinds,
            vec![
                (EventKind::ServiceStopped, Some("restart failed".into())),
                (EventKind::ServiceStopped, Some("restart failed".into())),
                (EventKind::ServiceRestarted, None),
                (EventKind::ServiceStarted, None),
            ]
        );
        // A fault naming an unknown node is refused at build.
        assert!(
            Cluster::build(&small(
                Generation::V12,
                false,
                "restart-fails=TFTP@ucm-nope"
            ))
            .is_err()
        );
        s.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_stay_down_until_cleared() {
    let options = sized(2, 100, Generation::V12, false, "phones-stay-down=10%");
    logged("steps", "stay-down", &options, async |sim, _| {
        let cc = client(sim, 0);
        let names: Vec<String> = sim
            .handle()
            .read(|c| c.phones().iter().map(|p| p.name.clone()).collect());
        let down: Vec<String> = sim.handle().read(|c| {
            c.phones()
                .iter()
                .filter(|p| p.fault.is_some_and(|f| f.kind == FaultKind::PhonesStayDown))
                .map(|p| p.name.clone())
                .collect()
        });
        assert_eq!(down.len(), 10);
        let before = cc.risport.registration(&names).await.expect("before");
        assert!(
            before
                .iter()
                .all(|d| d.status == RegistrationStatus::Registered)
        );
        for pool in sim.handle().read(|c| {
            c.device_pools()
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        }) {
            ok(&cc, "resetDevicePool", &format!("<name>{pool}</name>")).await;
        }
        let after = cc.risport.registration(&names).await.expect("after");
        let unregistered: Vec<String> = after
            .iter()
            .filter(|d| d.status != RegistrationStatus::Registered)
            .map(|d| d.name.clone())
            .collect();
        let mut expected = down.clone();
        expected.sort();
        let mut got = unregistered.clone();
        got.sort();
        assert_eq!(got, expected);
        assert!(sim.handle().clear_fault(FaultKind::PhonesStayDown));
        for name in &down {
            ok(&cc, "resetPhone", &format!("<name>{name}</name>")).await;
        }
        let again = cc.risport.registration(&names).await.expect("again");
        assert!(
            again
                .iter()
                .all(|d| d.status == RegistrationStatus::Registered)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_phone_reissues_the_lsc_from_the_current_capf() {
    let options = small(Generation::V12, true, "");
    logged("steps", "lsc", &options, async |sim, log| {
        let publisher = sim.nodes()[0].name.clone();
        let (index, name) = sim.handle().read(|c| {
            let i = c.tls_phones()[0];
            (i, c.phones()[i].name.clone())
        });
        let old_gen = sim
            .handle()
            .read(|c| c.phones()[index].lsc.as_ref().map(|l| l.issuer_generation));
        assert_eq!(old_gen, Some(1));
        sim.handle()
            .regenerate(&publisher, CertUnit::Capf)
            .await
            .expect("regen");
        let cc = client(sim, 0);
        let body = ok(
            &cc,
            "updatePhone",
            &format!("<name>{name}</name><certificateOperation>Install/Upgrade</certificateOperation><authenticationMode>By Null String</authenticationMode>"),
        )
        .await;
        let uuid = sim.handle().read(|c| c.phone_uuid(index));
        assert!(body.contains(&format!("<return>{uuid}</return>")), "{body}");
        let query = |cc| async move {
            ok(
                cc,
                "executeSQLQuery",
                &format!(
                    "<sql>{}</sql>",
                    itl_wire::soap::envelope::escape_text(sql::PHONE_LSC)
                ),
            )
            .await
        };
        let pending = query(&cc).await;
        let row = pending
            .split("<row>")
            .find(|r| r.contains(&name))
            .expect("phone row")
            .to_owned();
        assert!(row.contains("<tkcertificatestatus>2</tkcertificatestatus>"), "{row}");
        assert!(row.contains("<tkcertificateoperation>2</tkcertificateoperation>"), "{row}");
        // Twins: an unknown operation and an unknown phone are faults, and so are an
        // element updatePhone does not take and name and uuid together (schema faults).
        let install = "<certificateOperation>Install/Upgrade</certificateOperation>";
        let uuid = "<uuid>{00000000-0000-4000-8000-000000000000}</uuid>";
        for (case, inner, code, mentions) in [
            (
                "delete",
                format!("<name>{name}</name><certificateOperation>Delete</certificateOperation>"),
                "soapenv:Client",
                "Install/Upgrade",
            ),
            (
                "unknown phone",
                format!("<name>SEP000000000000</name>{install}"),
                "soapenv:Server",
                "not found",
            ),
            (
                "unknown element",
                format!("<name>{name}</name><pool>DP-1</pool>{install}"),
                "soapenv:Client",
                "element 'pool'",
            ),
            (
                "name and uuid",
                format!("<name>{name}</name>{uuid}{install}"),
                "soapenv:Client",
                "element 'uuid'",
            ),
        ] {
            let f = fault(&cc, "updatePhone", &inner).await;
            assert_eq!(f.code, code, "{case}: {f}");
            assert!(f.message.contains(mentions), "{case}: {f}");
        }
        // The LSC is issued at the phone's reset, by the current CAPF.
        sim.handle().write(|c| {
            c.restart_service(&publisher, Service::Capf).expect("capf");
        });
        ok(&cc, "restartPhone", &format!("<name>{name}</name>")).await;
        let (gen_now, capf_sha) = sim.handle().read(|c| {
            (
                c.phones()[index].lsc.as_ref().map(|l| (l.issuer_generation, l.issuer_sha256.clone())),
                c.nodes()[0].identity(CertUnit::Capf).map(|i| hex::encode(i.sha256())),
            )
        });
        let (generation, sha) = gen_now.expect("lsc");
        assert_eq!(generation, 2);
        assert_eq!(Some(sha), capf_sha);
        let done = query(&cc).await;
        let row = done
            .split("<row>")
            .find(|r| r.contains(&name))
            .expect("phone row")
            .to_owned();
        assert!(row.contains("<tkcertificatestatus>3</tkcertificatestatus>"), "{row}");
        assert!(row.contains("<tkcertificateoperation>1</tkcertificateoperation>"), "{row}");
        let kinds: Vec<EventKind> = events(log).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            kinds,
            vec![
                EventKind::CertRegenerated,
                EventKind::ServiceRestarted,
                EventKind::LscIssued,
                EventKind::PhonesReset
            ]
        );
        assert_eq!(events(log)[2].1.as_deref(), Some(name.as_str()));
    })
    .await;
}
