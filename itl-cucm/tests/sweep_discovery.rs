//! Cluster discovery for the sweep against an HTTPS CUCM stand-in on 127.0.0.1 (tokio-rustls,
//! a self-signed Tomcat certificate made with itl-pki): AXL phone rows and security mode,
//! RisPort70 by name in chunks of at most 1000 with a rate fault to back off from, pinning
//! (accept and reject), and the fallback to last known addresses when RisPort refuses.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use itl_cucm::secrets::Credentials;
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_cucm::sweep::classify::RegistrationFacts;
use itl_cucm::sweep::inventory::{Discovery, SoapClients, discover};
use itl_pki::DistinguishedName;
use itl_wire::Sha256Fingerprint;
use itl_wire::cluster_file::{ClusterFile, ClusterSection, NodeEntry};
use itl_wire::soap::axl;
use itl_wire::soap::axl::sql;
use itl_wire::soap::risport;
use itl_wire::soap::risport::{
    CmDevice, DeviceIp, Httpd, RegistrationStatus, SelectCmDeviceResult,
};

mod common;

use common::https_stand_in::{Running, Tomcat, serve_https};
use common::within;

const PHONES: usize = 1203;

fn tomcat() -> &'static Tomcat {
    static CERT: OnceLock<Tomcat> = OnceLock::new();
    CERT.get_or_init(|| {
        let subject = DistinguishedName::new("cucm-pub.example.com").with_o("Cisco");
        Tomcat::self_signed(11, "sweep-pub/tomcat-ECDSA", subject, 0x43)
    })
}

#[derive(Default)]
struct Seen {
    paths: Vec<String>,
    ris_items: Vec<usize>,
    sql: Vec<String>,
}

struct Stand {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    _task: Running,
}

fn name(i: usize) -> String {
    format!("SEP{i:012X}")
}

/// `risport`: `Ok(rate_faults_first)` answers after that many rate faults; `Err(status)`
/// answers every RisPort request with that HTTP status.
async fn stand(risport: Result<usize, u16>) -> Stand {
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let task_seen = seen.clone();
    let (addr, task) = serve_https(tomcat(), move |request| {
        let (status, reply) = answer(&request.path, &request.body, &task_seen, risport);
        std::future::ready((status, reply.into_bytes()))
    })
    .await;
    Stand {
        addr,
        seen,
        _task: task,
    }
}

fn answer(
    path: &str,
    body: &[u8],
    seen: &Mutex<Seen>,
    risport: Result<usize, u16>,
) -> (u16, String) {
    let mut s = seen.lock().expect("seen");
    s.paths.push(path.to_owned());
    if path == axl::AXL_PATH {
        let Ok(sql) = axl::parse_sql_request(body) else {
            return (500, axl::fault_response(-1, "bad request"));
        };
        s.sql.push(sql.clone());
        let rows: Vec<Vec<(String, String)>> = if sql == sql::PHONES {
            (0..PHONES)
                .map(|i| {
                    vec![
                        ("name".into(), name(i)),
                        (
                            "model".into(),
                            if i % 2 == 0 {
                                "Cisco 8841"
                            } else {
                                "Cisco 7965"
                            }
                            .into(),
                        ),
                        ("devicepool".into(), format!("DP-{}", i % 3)),
                        ("cmgroup".into(), "G1".into()),
                        ("secprofile".into(), "Universal".into()),
                    ]
                })
                .collect()
        } else if sql == sql::CLUSTER_SECURITY_MODE {
            vec![vec![
                ("paramname".into(), "ClusterSecurityMode".into()),
                ("paramvalue".into(), "1".into()),
            ]]
        } else if sql == sql::PHONE_LAST_KNOWN {
            (0..PHONES)
                .map(|i| {
                    vec![
                        ("name".into(), name(i)),
                        (
                            "lastknownipaddress".into(),
                            format!("10.9.{}.{}", i / 250, i % 250),
                        ),
                    ]
                })
                .collect()
        } else {
            return (
                500,
                axl::fault_response(-239, "A syntax error has occurred."),
            );
        };
        return (200, axl::sql_response("14.0", rows));
    }
    if path == risport::RIS_PATH {
        let status = match risport {
            Err(status) => return (status, String::new()),
            Ok(faults) => faults,
        };
        let Ok(req) = risport::parse_select_request(body) else {
            return (500, String::new());
        };
        let earlier = s.ris_items.len();
        s.ris_items.push(req.items.len());
        if earlier < status {
            return (500, risport::rate_limit_fault(15));
        }
        // Phone 0 registered with its web server, 1 unregistered, 2 web off, 3 not reported.
        let devices = req.items.iter().filter_map(|n| {
            let i = usize::from_str_radix(&n[3..], 16).ok()?;
            if i == 3 {
                return None;
            }
            let status = if i == 1 {
                RegistrationStatus::UnRegistered
            } else {
                RegistrationStatus::Registered
            };
            let mut d = CmDevice::new(n.clone(), "cucm-pub", status);
            d.httpd = Some(if i == 2 { Httpd::No } else { Httpd::Yes });
            d.ip_addresses.push(DeviceIp {
                ip: format!("10.0.{}.{}", i / 250, i % 250),
                addr_type: Some("ipv4".into()),
                attribute: None,
            });
            d.time_stamp = Some(1_700_000_000);
            Some(d)
        });
        return (
            200,
            risport::select_response(&SelectCmDeviceResult::from_devices(devices)),
        );
    }
    (404, String::new())
}

fn cluster(addr: SocketAddr, pin: Option<String>) -> ClusterFile {
    let base = format!("https://127.0.0.1:{}", addr.port());
    ClusterFile {
        cluster: ClusterSection {
            name: "stand-in".into(),
            user: "axl".into(),
            password_env: "UNUSED".into(),
            phone_http_port: 8080,
            axl_version: Some("14.0".into()),
            os_user: None,
            os_password_env: None,
            os_password_file: None,
        },
        nodes: vec![NodeEntry {
            name: "cucm-pub".into(),
            publisher: true,
            address: "127.0.0.1".into(),
            axl: format!("{base}/axl/"),
            risport: format!("{base}{}", risport::RIS_PATH),
            control_center: format!("{base}/controlcenterservice2/services/ControlCenterServices"),
            tftp: None,
            tftp_http: None,
            tls_sha256: pin,
            ssh: None,
            ssh_host_key_sha256: None,
            perfmon: None,
            services: Vec::new(),
        }],
    }
}

/// The discovery clients of a session on `file`, with fast RisPort pacing.
fn soap_clients(file: ClusterFile, insecure: bool) -> SoapClients {
    let mut opts = SessionOptions {
        insecure,
        ..SessionOptions::default()
    };
    opts.soap.timeout = Duration::from_secs(20);
    opts.ris.per_minute = 600;
    opts.ris.initial_backoff = Duration::from_millis(50);
    opts.ris.max_backoff = Duration::from_millis(200);
    let session = ClusterSession::new(file, Credentials::new("axl", "pw"), opts);
    SoapClients::of(&session).expect("clients")
}

fn the_pin() -> String {
    Sha256Fingerprint::of_der(&tomcat().der).to_string()
}

/// Discovery (phone web port `port`) against a stand-in answering RisPort as `risport` says,
/// pinned to its certificate, within 30 s; the stand-in and what was found.
async fn discovered(risport: Result<usize, u16>, port: u16) -> (Stand, Discovery) {
    let server = stand(risport).await;
    let clients = soap_clients(cluster(server.addr, Some(the_pin())), false);
    let found = within(Duration::from_secs(30), discover(&clients, port))
        .await
        .expect("discovers");
    (server, found)
}

fn wrong_pin() -> String {
    Sha256Fingerprint([7u8; 32]).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovers_phones_with_pinning_chunking_and_backoff() {
    let (server, found) = discovered(Ok(1), 8080).await;
    assert_eq!(found.phones.len(), PHONES);
    assert_eq!(
        found.security_mode,
        Some(itl_core::cucm::ClusterSecurityMode::Mixed)
    );
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    let p = &found.phones;
    assert_eq!(p[0].address.as_deref(), Some("10.0.0.0:8080"));
    assert_eq!(p[0].model.as_deref(), Some("Cisco 8841"));
    assert_eq!(p[1].model.as_deref(), Some("Cisco 7965"));
    assert_eq!(p[2].device_pool.as_deref(), Some("DP-2"));
    assert_eq!(p[0].cm_group.as_deref(), Some("G1"));
    let reg = |registered, status: &str, httpd| {
        Some(RegistrationFacts {
            status: status.into(),
            registered,
            httpd,
            since: (status != "NotFound").then_some(1_700_000_000),
            firmware: None,
        })
    };
    assert_eq!(p[0].registration, reg(true, "Registered", Some(true)));
    assert_eq!(p[1].registration, reg(false, "UnRegistered", Some(true)));
    assert_eq!(p[2].registration, reg(true, "Registered", Some(false)));
    assert_eq!(p[3].registration, reg(false, "NotFound", None));
    assert_eq!(p[3].address, None);
    assert_eq!(p[1202].address.as_deref(), Some("10.0.4.202:8080"));
    let seen = server.seen.lock().expect("seen");
    // One rate fault, then the two chunks (1000 + 203 names), none larger than 1000.
    assert_eq!(seen.ris_items, vec![1000, 1000, 203]);
    assert_eq!(
        seen.sql,
        vec![
            sql::PHONES.to_owned(),
            sql::CLUSTER_SECURITY_MODE.to_owned()
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pin_is_refused() {
    let server = stand(Ok(0)).await;
    let wrong = wrong_pin();
    let clients = soap_clients(cluster(server.addr, Some(wrong)), false);
    let err = within(Duration::from_secs(20), discover(&clients, 80))
        .await
        .expect_err("pin mismatch");
    let text = err.to_string();
    assert!(
        text.starts_with("AXL phone list: ") && text.contains("does not match the pinned"),
        "{text}"
    );
    assert!(server.seen.lock().expect("seen").paths.is_empty());
    // --insecure accepts it (the accept twin).
    let clients = soap_clients(cluster(server.addr, Some(wrong_pin())), true);
    assert_eq!(
        discover(&clients, 80)
            .await
            .expect("insecure works")
            .phones
            .len(),
        PHONES
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_risport_last_known_addresses_are_used() {
    let (_server, found) = discovered(Err(403), 80).await;
    assert_eq!(found.phones.len(), PHONES);
    assert_eq!(found.warnings.len(), 1);
    assert!(
        found.warnings[0].starts_with("RisPort failed ("),
        "{:?}",
        found.warnings
    );
    assert!(found.warnings[0].contains("403"));
    assert_eq!(found.phones[3].address.as_deref(), Some("10.9.0.3"));
    assert!(found.phones.iter().all(|p| p.registration.is_none()));
}
