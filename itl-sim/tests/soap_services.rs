//! The simulator's SOAP services (AXL, RisPort70, Control Center) through the real client
//! (`itl_cucm::soap`: AXL, RisPort70, Control Center clients), pinned to each node's Tomcat certificate from the cluster
//! file. Every accepted request has a rejected twin.

mod common;

use itl_core::cucm::{CertUnit, Generation, Service, ServiceStatus};
use std::collections::BTreeMap;
use std::sync::Arc;

use common::axl::client;
use common::{fetcher, serving, small, start, trust_servers, within};
use itl_cucm::soap::{ClientError, SoapEndpoint};
use itl_sim::SimOptions;
use itl_sim::model::Parameter;
use itl_sim::server::soap_axl::{AxlService, SYNTAX_ERROR_CODE};
use itl_wire::soap::SoapError;
use itl_wire::soap::axl::sql;
use itl_wire::soap::control_center::{
    ControlType, REASON_ALREADY_STOPPED, REASON_COMMANDED_OUT_OF_SERVICE, REASON_SUCCESSFUL,
};
use itl_wire::soap::risport::{Httpd, RegistrationStatus, SelectCmDeviceRequest};

/// Posts `body` as `action` to `endpoint`, which must answer with a SOAP fault saying
/// `needle`.
async fn assert_fault(endpoint: &SoapEndpoint, action: &str, body: &str, needle: &str) {
    let err = endpoint.post(action, body).await.expect_err(needle);
    assert!(
        soap_error(&err)
            .fault()
            .is_some_and(|f| f.message.contains(needle)),
        "{err}"
    );
}

fn soap_error(e: &ClientError) -> &SoapError {
    match e {
        ClientError::Soap { source, .. } => source,
        other => panic!("expected a SOAP error, got {other}"),
    }
}

#[tokio::test]
async fn axl_answers_the_catalogue_and_pages_past_the_row_limit() {
    serving(60, &small(Generation::V14, false, ""), async |sim| {
        let snap = sim.handle().snapshot();
        let axl = client(sim, 0);

        let rows = axl.axl.execute_sql_all(sql::PHONES).await.expect("phones");
        assert_eq!(rows.len(), snap.phones.len());
        let mut expected: Vec<_> = snap.phones.iter().collect();
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        for (row, p) in rows.iter().zip(&expected) {
            assert_eq!(row["name"], p.name);
            assert_eq!(row["description"], p.description);
            assert_eq!(row["model"], p.model);
            assert_eq!(row["devicepool"], p.device_pool);
            assert_eq!(row["cmgroup"], p.cm_group);
            assert_eq!(
                row["secprofile"],
                format!("{} - Standard {} Non-Secure Profile", p.model, p.protocol)
            );
            assert_eq!(row["secmode"], "Non Secure");
        }

        // Paging clause honoured.
        let page = axl.sql(&sql::phone_names(10, 5)).await;
        let names: Vec<_> = page.iter().map(|r| r["name"].clone()).collect();
        let want: Vec<_> = expected[10..15].iter().map(|p| p.name.clone()).collect();
        assert_eq!(names, want);

        // Enterprise parameters and CM groups.
        let mode = axl.sql(sql::CLUSTER_SECURITY_MODE).await;
        assert_eq!(mode.len(), 1);
        assert_eq!(mode[0]["paramvalue"], "0");
        let rb = axl.sql(sql::ROLLBACK_TO_PRE_GRAYBACK).await;
        assert_eq!(rb[0]["paramname"], "RollBackToPreGrayback");
        assert_eq!(rb[0]["paramvalue"], "F");
        sim.handle()
            .write(|c| c.set_parameter(Parameter::RollbackToPreGrayback(true)))
            .expect("set rollback");
        let rb = axl.sql(sql::ROLLBACK_TO_PRE_GRAYBACK).await;
        assert_eq!(rb[0]["paramvalue"], "T");
        let none = axl.sql(&sql::processconfig_param("NoSuchParam")).await;
        assert!(none.is_empty());
        let members = axl.sql(sql::CM_GROUP_MEMBERS).await;
        let mut got: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for r in &members {
            got.entry(r["cmgroup"].clone())
                .or_default()
                .push((r["priority"].clone(), r["cmgr"].clone()));
        }
        let want: BTreeMap<String, Vec<(String, String)>> = snap
            .cm_groups
            .iter()
            .map(|(g, m)| {
                (
                    g.clone(),
                    m.iter()
                        .enumerate()
                        .map(|(i, n)| ((i + 1).to_string(), n.clone()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(got, want);

        // Reject twin: with a row limit of 7 a single request is refused with the totals…
        sim.handle().register_soap(
            itl_wire::soap::axl::AXL_PATH,
            Arc::new(AxlService::new().with_row_limit(7)),
        );
        let err = axl
            .axl
            .execute_sql(sql::PHONES)
            .await
            .expect_err("too large");
        match soap_error(&err) {
            SoapError::QueryTooLarge {
                total_rows,
                suggested_rows,
                ..
            } => {
                assert_eq!(*total_rows, Some(snap.phones.len() as u64));
                assert_eq!(*suggested_rows, Some(8));
            }
            other => panic!("expected QueryTooLarge, got {other}"),
        }
        // …and the real client pages through it to the same rows.
        let paged = axl.axl.execute_sql_all(sql::PHONES).await.expect("paged");
        assert_eq!(paged, rows);
        // A byte limit works the same way.
        sim.handle().register_soap(
            itl_wire::soap::axl::AXL_PATH,
            Arc::new(AxlService::new().with_max_bytes(4096)),
        );
        assert!(matches!(
            soap_error(
                &axl.axl
                    .execute_sql(sql::PHONES)
                    .await
                    .expect_err("too many bytes")
            ),
            SoapError::QueryTooLarge { .. }
        ));
        assert_eq!(
            axl.axl.execute_sql_all(sql::PHONES).await.expect("paged"),
            rows
        );
    })
    .await;
}

#[tokio::test]
async fn axl_recognises_reformatted_queries_and_faults_on_unknown_ones() {
    serving(60, &small(Generation::V12, true, ""), async |sim| {
        let axl = client(sim, 0);
        // Accept: the catalogue query reformatted (case, line breaks, no trailing order by).
        let reformatted = "SELECT paramname ,  paramvalue\n  FROM processconfig\n WHERE paramname = 'ClusterSecurityMode'";
        let rows = axl.sql(reformatted).await;
        assert_eq!(rows[0]["paramvalue"], "1", "mixed mode");
        let names = axl.sql("select name from device where tkclass = 1").await;
        assert_eq!(names.len(), 50);
        // Reject: SQL outside the catalogue gets CUCM's AXL fault.
        for bad in [
            "select * from enduser",
            "delete from device",
            "select paramname,paramvalue from processconfig where paramname='clustersecuritymode' or 1=1",
        ] {
            let err = axl.axl.execute_sql(bad).await.expect_err(bad);
            match soap_error(&err) {
                SoapError::Fault(f) => {
                    assert_eq!(f.axl_code(), Some(SYNTAX_ERROR_CODE), "{bad}");
                    assert_eq!(f.code, "soapenv:Server");
                }
                other => panic!("{bad}: expected a fault, got {other}"),
            }
        }
        // Reject: another AXL operation gets the Axis2 EPR fault.
        let get_phone = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/12.5"><soapenv:Body><ns:getPhone><name>x</name></ns:getPhone></soapenv:Body></soapenv:Envelope>"#;
        let (endpoint, action) = (axl.axl.endpoint(), "\"CUCM:DB ver=12.5 getPhone\"");
        assert_fault(endpoint, action, get_phone, "endpoint reference (EPR)").await;
    })
    .await;
}

#[tokio::test]
async fn risport_reports_every_phone_in_chunks_with_status_ip_and_httpd() {
    within(120, async {
        let options = SimOptions {
            phones: 1150,
            ..small(Generation::V14, false, "web-off=5%,powered-off=4%")
        };
        let sim = start(&options).await;
        let snap = sim.handle().snapshot();
        let ris = client(&sim, 1);
        let mut names: Vec<String> = snap.phones.iter().map(|p| p.name.clone()).collect();
        names.push("SEP000000000000".to_owned());
        let devices = ris.risport.registration(&names).await.expect("registration");
        let by_name: BTreeMap<_, _> = devices.iter().map(|d| (d.name.clone(), d)).collect();
        assert!(!by_name.contains_key("SEP000000000000"), "unknown name absent");
        let (mut web_off, mut powered_off) = (0, 0);
        for p in &snap.phones {
            let d = by_name
                .get(&p.name)
                .unwrap_or_else(|| panic!("{} missing", p.name));
            let ip = p.ip.to_string();
            assert_eq!(d.ipv4(), Some(ip.as_str()));
            assert_eq!(d.model, Some(p.model_code));
            assert_eq!(Some(&d.node), p.registered_node.as_ref());
            if p.powered {
                assert_eq!(d.status, RegistrationStatus::Registered, "{}", p.name);
                assert_eq!(d.status_reason, Some(0));
            } else {
                powered_off += 1;
                assert_eq!(d.status, RegistrationStatus::UnRegistered, "{}", p.name);
                assert_eq!(d.status_reason, Some(34));
            }
            if p.httpd {
                assert_eq!(d.httpd, Some(Httpd::Yes));
            } else {
                web_off += 1;
                assert_eq!(d.httpd, Some(Httpd::No), "{}", p.name);
            }
        }
        assert!(web_off > 0 && powered_off > 0, "{web_off} {powered_off}");

        // Status filter: only the registered ones.
        let mut req = SelectCmDeviceRequest::by_names(names[..1000].iter().cloned());
        req.status = "Registered".into();
        let result = ris.risport.select_cm_device_ext(&req).await.expect("filtered");
        assert!(
            result
                .devices()
                .all(|d| d.status == RegistrationStatus::Registered)
        );
        let registered = snap.phones[..1000].iter().filter(|p| p.powered).count();
        assert_eq!(result.devices().count(), registered);
        assert_eq!(result.total_devices_found, Some(registered as u32));

        // Reject twin: 1001 names in one request is a fault.
        let items: String = names[..1001]
            .iter()
            .map(|n| format!("<soap:item><soap:Item>{n}</soap:Item></soap:item>"))
            .collect();
        let body = format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Body><soap:selectCmDeviceExt><soap:StateInfo/><soap:CmSelectionCriteria><soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems>{items}</soap:SelectItems></soap:CmSelectionCriteria></soap:selectCmDeviceExt></soapenv:Body></soapenv:Envelope>"#
        );
        let endpoint = ris.risport.endpoint();
        assert_fault(endpoint, "\"selectCmDeviceExt\"", &body, "at most 1000").await;
    })
    .await;
}

#[tokio::test]
async fn risport_rate_limit_gives_the_typed_error() {
    serving(60, &small(Generation::V14, false, ""), async |sim| {
        sim.handle()
            .write(|c| c.set_parameter(Parameter::DeviceQueriesPerMinute(2)))
            .expect("rate");
        let ris = client(sim, 0);
        let req = SelectCmDeviceRequest::by_names(["SEP000000000001".to_owned()]);
        // Accept: within the allowed rate.
        for _ in 0..2 {
            ris.risport
                .select_cm_device_ext(&req)
                .await
                .expect("within the rate");
        }
        // Reject: over it, CUCM's AxisFault, typed.
        let err = ris
            .risport
            .select_cm_device_ext(&req)
            .await
            .expect_err("over the rate");
        assert!(err.is_rate_limited(), "{err}");
        match soap_error(&err) {
            SoapError::RateLimited {
                allowed_per_minute,
                fault,
            } => {
                assert_eq!(*allowed_per_minute, Some(2));
                assert!(fault.message.contains("Reatime"), "{}", fault.message);
            }
            other => panic!("expected RateLimited, got {other}"),
        }
    })
    .await;
}

#[tokio::test]
async fn control_center_lists_services_and_a_tftp_restart_serves_the_new_itl() {
    serving(90, &small(Generation::V12, false, ""), async |sim| {
        let h = sim.handle().clone();
        let node = sim.nodes()[0].name.clone();
        let cc = client(sim, 0);

        // Status: the node's services, as the model has them.
        let info = cc
            .control
            .service_status::<&str>(&[])
            .await
            .expect("status");
        let model: Vec<_> = h.snapshot().nodes[0]
            .services
            .iter()
            .map(|s| s.name.to_owned())
            .collect();
        let listed: Vec<_> = info.services.iter().map(|s| s.name.clone()).collect();
        assert_eq!(listed, model);
        let tftp = info.service("Cisco TFTP").expect("tftp listed");
        assert_eq!(tftp.status(), ServiceStatus::Started);
        let one = cc
            .control
            .service_status(&["Cisco Tftp", "Cisco Nonexistent"])
            .await
            .expect("two");
        assert_eq!(one.services.len(), 2);
        assert_eq!(one.services[1].status(), ServiceStatus::Unknown);

        let fetch = || async {
            let (over_tftp, _) = trust_servers(sim, 0);
            fetcher()
                .fetch_file(&over_tftp, "ITLFile.tlv")
                .await
                .expect("itl")
        };
        let before = fetch().await;
        h.regenerate(&node, CertUnit::CallManager)
            .await
            .expect("regenerate");
        // Reject twin: restarting another service does not rebuild the ITL.
        let r = cc
            .control_one(&node, ControlType::Restart, "Cisco CTIManager")
            .await;
        assert_eq!(r.reason_code, Some(REASON_SUCCESSFUL));
        assert_eq!(
            fetch().await,
            before,
            "ITL unchanged before the TFTP restart"
        );
        // Accept: the TFTP restart serves the new ITL.
        let r = cc
            .control_one(&node, ControlType::Restart, "Cisco Tftp")
            .await;
        assert_eq!(r.status(), ServiceStatus::Started);
        assert_ne!(fetch().await, before, "ITL rebuilt by the TFTP restart");

        // Stop / stop again / start.
        let r = cc.control_one(&node, ControlType::Stop, "Cisco Tftp").await;
        assert_eq!(r.status(), ServiceStatus::Stopped);
        assert!(!h.read(|c| c.service_started(&node, Service::Tftp)));
        let r = cc.control_one(&node, ControlType::Stop, "Cisco Tftp").await;
        assert_eq!(r.reason_code, Some(REASON_ALREADY_STOPPED));
        let st = cc.status_one("Cisco Tftp").await;
        assert_eq!(st.reason_code, Some(REASON_COMMANDED_OUT_OF_SERVICE));
        let r = cc
            .control_one(&node, ControlType::Start, "Cisco Tftp")
            .await;
        assert_eq!(r.status(), ServiceStatus::Started);

        // Reject: another node's name on this node's endpoint.
        let other = sim.nodes()[1].name.clone();
        let err = cc
            .control
            .control_services(&other, ControlType::Restart, &["Cisco Tftp"])
            .await
            .expect_err("wrong node");
        assert!(matches!(soap_error(&err), SoapError::Fault(_)), "{err}");
    })
    .await;
}
