//! The SOAP clients (`AxlClient`, `RisPortClient`, `ControlCenterClient`) against a small HTTPS CUCM stand-in on 127.0.0.1 (tokio-rustls, self-signed
//! Tomcat certificate made with itl-pki): TLS pinning, auth, faults, AXL paging, RisPort
//! pacing and chunking, Control Center, timeouts, body cap and per-interface serialisation.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use itl_core::cucm::ServiceStatus;
use itl_cucm::secrets::Credentials;
use itl_cucm::soap::pacer::PacerConfig;
use itl_cucm::soap::paging::PagingOptions;
use itl_cucm::soap::{
    AxlClient, ClientError, ControlCenterClient, RisPortClient, SoapEndpoint, SoapOptions,
};
use itl_cucm::transport::HttpError;
use itl_cucm::transport::{TlsTrust, probe_fingerprint};
use itl_pki::DistinguishedName;
use itl_wire::Sha256Fingerprint;
use itl_wire::soap::SoapError;
use itl_wire::soap::axl;
use itl_wire::soap::control_center;
use itl_wire::soap::control_center::{
    ControlCenterRequest, ControlType, ServiceInfo, ServiceInformation,
};
use itl_wire::soap::risport;
use itl_wire::soap::risport::{
    CmDevice, RegistrationStatus, SelectCmDeviceRequest, SelectCmDeviceResult,
};

mod common;

use common::https_stand_in::{Request, Running, Tomcat, serve_https};
use common::within;

const LIMIT: Duration = Duration::from_secs(30);
/// `Basic base64("axluser:s3cret")`.
const GOOD_AUTH: &str = "Basic YXhsdXNlcjpzM2NyZXQ=";

/// The self-signed "tomcat" certificate and key, made once.
fn tomcat() -> &'static Tomcat {
    static CERT: OnceLock<Tomcat> = OnceLock::new();
    CERT.get_or_init(|| {
        let subject = DistinguishedName::new("cucm-pub.example.com")
            .with_ou("VTG")
            .with_o("Cisco")
            .with_c("US");
        Tomcat::self_signed(7, "cucm-pub/tomcat-ECDSA", subject, 0x42)
    })
}

fn tomcat_fingerprint() -> Sha256Fingerprint {
    Sha256Fingerprint::of_der(&tomcat().der)
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    delay: Duration,
}

impl Reply {
    fn ok(body: String) -> Self {
        Self {
            status: 200,
            body: body.into_bytes(),
            delay: Duration::ZERO,
        }
    }

    fn fault(body: String) -> Self {
        Self {
            status: 500,
            body: body.into_bytes(),
            delay: Duration::ZERO,
        }
    }

    fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

#[derive(Default)]
struct Stats {
    /// Requests seen per path.
    seen: HashMap<String, usize>,
    /// (current, maximum) in-flight requests per path.
    in_flight: HashMap<String, (usize, usize)>,
    /// (current, maximum) in-flight requests overall.
    total: (usize, usize),
}

/// A keep-alive HTTP/1.1-over-TLS server answering with `handler`, counting requests.
struct Server {
    addr: SocketAddr,
    stats: Arc<Mutex<Stats>>,
    _task: Running,
}

impl Server {
    async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let stats: Arc<Mutex<Stats>> = Arc::default();
        let handler: Handler = Arc::new(handler);
        let task_stats = stats.clone();
        let (addr, task) = serve_https(tomcat(), move |req| {
            let (handler, stats) = (handler.clone(), task_stats.clone());
            async move {
                {
                    let mut s = stats.lock().expect("stats");
                    *s.seen.entry(req.path.clone()).or_default() += 1;
                    let e = s.in_flight.entry(req.path.clone()).or_default();
                    e.0 += 1;
                    e.1 = e.1.max(e.0);
                    s.total.0 += 1;
                    s.total.1 = s.total.1.max(s.total.0);
                }
                let reply = handler(&req);
                tokio::time::sleep(reply.delay).await;
                {
                    let mut s = stats.lock().expect("stats");
                    if let Some(e) = s.in_flight.get_mut(&req.path) {
                        e.0 -= 1;
                    }
                    s.total.0 -= 1;
                }
                (reply.status, reply.body)
            }
        })
        .await;
        Self {
            addr,
            stats,
            _task: task,
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    fn seen(&self, path: &str) -> usize {
        self.stats
            .lock()
            .expect("stats")
            .seen
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn max_in_flight(&self, path: &str) -> usize {
        self.stats
            .lock()
            .expect("stats")
            .in_flight
            .get(path)
            .map_or(0, |e| e.1)
    }

    fn max_in_flight_total(&self) -> usize {
        self.stats.lock().expect("stats").total.1
    }
}

fn creds() -> Credentials {
    Credentials::new("axluser", "s3cret")
}

/// The three clients of one stand-in node, each on its documented path.
#[derive(Clone)]
struct Clients {
    axl: Arc<AxlClient>,
    risport: Arc<RisPortClient>,
    control: Arc<ControlCenterClient>,
}

/// Client settings: connection, RisPort pacing, AXL paging.
#[derive(Clone)]
struct Opts {
    soap: SoapOptions,
    ris: PacerConfig,
    paging: PagingOptions,
}

fn client_with(server: &Server, credentials: Credentials, trust: TlsTrust, opts: Opts) -> Clients {
    let endpoint = |path: &str| {
        SoapEndpoint::new(
            &format!("{}{path}", server.url()),
            credentials.clone(),
            trust,
            &opts.soap,
        )
        .expect(path)
    };
    Clients {
        axl: Arc::new(AxlClient::new(endpoint(axl::AXL_PATH), "14.0").with_paging(opts.paging)),
        risport: Arc::new(RisPortClient::new(endpoint(risport::RIS_PATH), opts.ris)),
        control: Arc::new(ControlCenterClient::new(endpoint(
            control_center::CONTROL_CENTER_PATH,
        ))),
    }
}

fn client(server: &Server, trust: TlsTrust, opts: Opts) -> Clients {
    client_with(server, creds(), trust, opts)
}

/// The CUCM stand-in with `phones` phones answering at most `page` rows a query, and a
/// pinned client.
async fn pinned_cucm(phones: usize, page: u64) -> (Server, Clients) {
    let server = Server::start(cucm(phones, page)).await;
    let c = client(&server, pinned(), fast_opts());
    (server, c)
}

/// How many rows the phone-name query returns through `axl`.
async fn phone_rows(axl: &AxlClient) -> Result<usize, ClientError> {
    axl.execute_sql(axl::sql::PHONE_NAMES)
        .await
        .map(|rows| rows.len())
}

fn fast_opts() -> Opts {
    Opts {
        soap: SoapOptions {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            ..SoapOptions::default()
        },
        ris: PacerConfig {
            per_minute: 60_000,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(200),
            max_retries: 3,
            ..PacerConfig::default()
        },
        paging: PagingOptions::default(),
    }
}

/// [`fast_opts`] with other connection settings.
fn opts_with(soap: impl FnOnce(&mut SoapOptions)) -> Opts {
    let mut o = fast_opts();
    soap(&mut o.soap);
    o
}

fn pinned() -> TlsTrust {
    TlsTrust::Pinned(tomcat_fingerprint())
}

/// A CUCM with `phones` phone names in AXL (too large above `limit` rows per answer),
/// registered in RIS, and a Control Center; every request checks auth and SOAPAction.
fn cucm(phones: usize, limit: u64) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let names: Vec<String> = (0..phones).map(|i| format!("SEP{i:012X}")).collect();
    move |req: &Request| {
        if req.header("authorization") != Some(GOOD_AUTH) {
            return Reply::status(401, "");
        }
        assert_eq!(req.header("content-type"), Some("text/xml;charset=UTF-8"));
        match req.path.as_str() {
            axl::AXL_PATH => {
                let (version, op) = axl::parse_soap_action(req.header("soapaction").unwrap_or(""))
                    .expect("AXL SOAPAction");
                assert_eq!(op, "executeSQLQuery");
                let sql = match axl::parse_sql_request_full(&req.body) {
                    Ok(r) => {
                        assert_eq!(r.version.as_deref(), Some(version.as_str()));
                        r.sql
                    }
                    Err(f) => return Reply::fault(f.to_xml()),
                };
                let Some((paging, base)) = axl::parse_paging(&sql) else {
                    return Reply::fault(axl::fault_response(-239, "A syntax error has occurred."));
                };
                if base != axl::sql::PHONE_NAMES {
                    return Reply::fault(axl::fault_response(-239, "A syntax error has occurred."));
                }
                let total = names.len() as u64;
                let count = paging
                    .first
                    .unwrap_or(u64::MAX)
                    .min(total.saturating_sub(paging.skip));
                if count > limit {
                    return Reply::fault(axl::query_too_large_fault(total, limit + 1));
                }
                let rows = (paging.skip..paging.skip + count)
                    .map(|i| vec![("name", names[i as usize].as_str())]);
                Reply::ok(axl::sql_response(&version, rows))
            }
            risport::RIS_PATH => {
                assert_eq!(req.header("soapaction"), Some("\"selectCmDeviceExt\""));
                match risport::parse_select_request(&req.body) {
                    Ok(r) => Reply::ok(risport::select_response(
                        &SelectCmDeviceResult::from_devices(r.items.iter().map(|n| {
                            CmDevice::new(n.clone(), "cucm-pub", RegistrationStatus::Registered)
                        })),
                    )),
                    Err(f) => Reply::fault(f.to_xml()),
                }
            }
            control_center::CONTROL_CENTER_PATH => match control_center::parse_request(&req.body) {
                Ok(ControlCenterRequest::GetServiceStatus { services }) => {
                    assert_eq!(req.header("soapaction"), Some("\"soapGetServiceStatus\""));
                    let list = if services.is_empty() {
                        vec!["Cisco Tftp".to_owned(), "Cisco CallManager".to_owned()]
                    } else {
                        services
                    };
                    Reply::ok(control_center::service_status_response(
                        &ServiceInformation::with_services(
                            list.into_iter()
                                .map(|s| ServiceInfo::new(s, ServiceStatus::Started))
                                .collect(),
                        ),
                    ))
                }
                Ok(ControlCenterRequest::DoControlServices {
                    node_name,
                    control,
                    services,
                }) => {
                    assert_eq!(req.header("soapaction"), Some("\"soapDoControlServices\""));
                    assert_eq!(node_name, "cucm-pub");
                    assert_eq!(control, ControlType::Restart);
                    Reply::ok(control_center::control_services_response(
                        &ServiceInformation::with_services(
                            services
                                .into_iter()
                                .map(|s| ServiceInfo::new(s, ServiceStatus::Starting))
                                .collect(),
                        ),
                    ))
                }
                Err(f) => Reply::fault(f.to_xml()),
            },
            _ => Reply::status(404, "not found"),
        }
    }
}

#[tokio::test]
async fn pinned_fingerprint_is_accepted_and_a_wrong_pin_rejected() {
    within(LIMIT, async {
        let (server, ok) = pinned_cucm(3, 1000).await;
        assert_eq!(phone_rows(&ok.axl).await.expect("pinned ok"), 3);
        assert_eq!(
            ok.axl.endpoint().transport().last_seen_fingerprint(),
            Some(tomcat_fingerprint())
        );

        let wrong = Sha256Fingerprint([0xAB; 32]);
        let bad = client(&server, TlsTrust::Pinned(wrong), fast_opts());
        match bad.axl.execute_sql(axl::sql::PHONE_NAMES).await {
            Err(ClientError::Http(HttpError::PinMismatch {
                expected, actual, ..
            })) => {
                assert_eq!(expected, wrong);
                assert_eq!(actual, tomcat_fingerprint());
            }
            other => panic!("expected PinMismatch, got {other:?}"),
        }
        assert_eq!(
            server.seen(axl::AXL_PATH),
            1,
            "no request over an unpinned connection"
        );
    })
    .await;
}

#[tokio::test]
async fn system_roots_reject_the_self_signed_cert_and_insecure_accepts_it() {
    within(LIMIT, async {
        let server = Server::start(cucm(2, 1000)).await;
        let strict = client(&server, TlsTrust::SystemRoots, fast_opts());
        let err = phone_rows(&strict.axl)
            .await
            .expect_err("self-signed is not trusted");
        assert!(
            matches!(err, ClientError::Http(HttpError::Connect { .. })),
            "{err:?}"
        );
        let insecure = client(&server, TlsTrust::Insecure, fast_opts());
        assert_eq!(phone_rows(&insecure.axl).await.expect("insecure ok"), 2);
        // Trust on first use: the probe reports the server's fingerprint.
        let fp = probe_fingerprint(&server.url(), Duration::from_secs(2))
            .await
            .expect("probe");
        assert_eq!(fp, tomcat_fingerprint());
        // Reject twin: nothing listening.
        let port = common::closed_tcp_port();
        let err = probe_fingerprint(&format!("https://127.0.0.1:{port}"), Duration::from_secs(2))
            .await
            .expect_err("no server");
        assert!(matches!(err, HttpError::Connect { .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn bad_credentials_are_unauthorized() {
    within(LIMIT, async {
        let server = Server::start(cucm(2, 1000)).await;
        let wrong = client_with(
            &server,
            Credentials::new("axluser", "wrong"),
            pinned(),
            fast_opts(),
        );
        let err = phone_rows(&wrong.axl).await.expect_err("401");
        assert!(err.is_unauthorized(), "{err:?}");
        assert!(!err.to_string().contains("wrong"), "{err}");
        let err = wrong
            .control
            .service_status::<&str>(&[])
            .await
            .expect_err("401");
        assert!(matches!(err, ClientError::Unauthorized { .. }));
        // Twin: the right password works.
        let right = client(&server, pinned(), fast_opts());
        assert_eq!(phone_rows(&right.axl).await.expect("ok"), 2);
        // The client's Debug output never shows the password.
        assert!(!format!("{:?}", right.axl).contains("s3cret"));
    })
    .await;
}

#[tokio::test]
async fn too_large_fault_leads_to_paging_and_all_rows_arrive() {
    within(LIMIT, async {
        let (server, c) = pinned_cucm(2500, 700).await;
        // One request alone gets the typed fault.
        match c.axl.execute_sql(axl::sql::PHONE_NAMES).await {
            Err(ClientError::Soap {
                source:
                    SoapError::QueryTooLarge {
                        total_rows: Some(2500),
                        suggested_rows: Some(701),
                        ..
                    },
                ..
            }) => {}
            other => panic!("expected QueryTooLarge, got {other:?}"),
        }
        let rows = c
            .axl
            .execute_sql_all(axl::sql::PHONE_NAMES)
            .await
            .expect("all rows");
        assert_eq!(rows.len(), 2500);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(r["name"], format!("SEP{i:012X}"));
        }
        // 1 + (1 + 4 pages of 630).
        assert_eq!(server.seen(axl::AXL_PATH), 6);

        // Twin: another fault is typed with its code and not paged.
        let before = server.seen(axl::AXL_PATH);
        match c.axl.execute_sql_all("select * from nonsense").await {
            Err(ClientError::Soap {
                source: SoapError::Fault(f),
                ..
            }) => {
                assert_eq!(f.axl_code(), Some(-239));
                assert_eq!(f.message, "A syntax error has occurred.");
            }
            other => panic!("expected a fault, got {other:?}"),
        }
        assert_eq!(server.seen(axl::AXL_PATH), before + 1);

        // Twin: with a page limit that cannot cover the result, paging stops with an error.
        let opts = Opts {
            paging: PagingOptions {
                default_page: 500,
                max_pages: 2,
            },
            ..fast_opts()
        };
        let limited = client(&server, pinned(), opts);
        assert!(
            limited
                .axl
                .execute_sql_all(axl::sql::PHONE_NAMES)
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn risport_rate_fault_then_success_after_backoff_and_chunking() {
    within(LIMIT, async {
        let faults_left = Arc::new(Mutex::new(1usize));
        let items_seen: Arc<Mutex<Vec<usize>>> = Arc::default();
        let (left, seen) = (faults_left.clone(), items_seen.clone());
        let inner = cucm(0, 1000);
        let server = Server::start(move |req: &Request| {
            if req.path == risport::RIS_PATH {
                let mut l = left.lock().expect("left");
                if *l > 0 {
                    *l -= 1;
                    return Reply::fault(risport::rate_limit_fault(15));
                }
                let r = risport::parse_select_request(&req.body).expect("request");
                seen.lock().expect("seen").push(r.items.len());
            }
            inner(req)
        })
        .await;
        let c = client(&server, pinned(), fast_opts());
        let names: Vec<String> = (0..2500).map(|i| format!("SEP{i:012X}")).collect();
        let started = std::time::Instant::now();
        let devices = c.risport.registration(&names).await.expect("devices");
        assert!(started.elapsed() >= Duration::from_millis(50), "backed off");
        assert_eq!(devices.len(), 2500);
        assert!(
            devices
                .iter()
                .all(|d| d.status == RegistrationStatus::Registered)
        );
        assert_eq!(
            devices.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
            names
        );
        assert_eq!(*items_seen.lock().expect("seen"), vec![1000, 1000, 500]);
        assert_eq!(server.seen(risport::RIS_PATH), 4, "1 rate fault + 3 chunks");
        assert_eq!(server.max_in_flight(risport::RIS_PATH), 1);

        // Twin: a persistent rate fault surfaces as the typed error after the retries.
        *faults_left.lock().expect("left") = 100;
        let before = server.seen(risport::RIS_PATH);
        let err = c
            .risport
            .select_cm_device_ext(&SelectCmDeviceRequest::by_names(["SEP1"]))
            .await
            .expect_err("rate limited");
        assert!(err.is_rate_limited(), "{err:?}");
        match &err {
            ClientError::Soap {
                source:
                    SoapError::RateLimited {
                        allowed_per_minute: Some(15),
                        ..
                    },
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(server.seen(risport::RIS_PATH), before + 4, "1 + 3 retries");
    })
    .await;
}

#[tokio::test]
async fn control_center_status_and_restart() {
    within(LIMIT, async {
        let (_server, c) = pinned_cucm(0, 1000).await;
        let all = c.control.service_status::<&str>(&[]).await.expect("status");
        assert_eq!(all.services.len(), 2);
        assert_eq!(
            all.service("Cisco TFTP").map(ServiceInfo::status),
            Some(ServiceStatus::Started)
        );
        let one = c
            .control
            .service_status(&["Cisco Trust Verification Service"])
            .await
            .expect("one");
        assert_eq!(one.services.len(), 1);
        let restarted = c
            .control
            .control_services("cucm-pub", ControlType::Restart, &["Cisco Tftp"])
            .await
            .expect("restart");
        assert_eq!(restarted.services[0].name, "Cisco Tftp");
        assert_eq!(restarted.services[0].status(), ServiceStatus::Starting);
    })
    .await;
}

/// The error of a Control Center status call through a client whose body cap is `cap` bytes.
async fn status_failure_with_cap(server: &Server, cap: u64) -> ClientError {
    client(server, pinned(), opts_with(|o| o.max_body = cap))
        .control
        .service_status::<&str>(&[])
        .await
        .expect_err("the status call fails")
}

#[tokio::test]
async fn http_errors_timeouts_and_body_cap() {
    within(LIMIT, async {
        let server = Server::start(|req: &Request| match req.path.as_str() {
            axl::AXL_PATH => Reply::status(503, "busy"),
            risport::RIS_PATH => Reply::status(403, "forbidden"),
            control_center::CONTROL_CENTER_PATH => {
                Reply::ok("x".repeat(2 * 1024 * 1024)).delayed(Duration::ZERO)
            }
            _ => Reply::ok(String::new()).delayed(Duration::from_secs(10)),
        })
        .await;
        let c = client(&server, pinned(), fast_opts());
        let err = c
            .axl
            .execute_sql("select 1 from dual")
            .await
            .expect_err("503");
        assert!(
            matches!(
                err,
                ClientError::Http(HttpError::Status { status: 503, .. })
            ),
            "{err:?}"
        );
        let err = c
            .risport
            .select_cm_device_ext(&SelectCmDeviceRequest::by_names(["SEP1"]))
            .await
            .expect_err("403");
        assert!(matches!(err, ClientError::Forbidden { .. }), "{err:?}");

        // Body cap: 2 MiB against a 1 MiB cap fails; a 4 MiB cap gets to the (non-XML) body.
        let err = status_failure_with_cap(&server, 1024 * 1024).await;
        assert!(
            matches!(
                err,
                ClientError::Http(HttpError::TooLarge { cap: 1_048_576, .. })
            ),
            "{err:?}"
        );
        let err = status_failure_with_cap(&server, 4 * 1024 * 1024).await;
        assert!(
            matches!(
                err,
                ClientError::Soap {
                    source: SoapError::Xml(_),
                    ..
                }
            ),
            "{err:?}"
        );

        // Total timeout: a 10 s answer against a 500 ms limit.
        let impatient = client(
            &server,
            pinned(),
            opts_with(|o| o.timeout = Duration::from_millis(500)),
        );
        let slow = SoapEndpoint::new(
            &format!("{}/slow", server.url()),
            creds(),
            pinned(),
            &opts_with(|o| o.timeout = Duration::from_millis(500)).soap,
        )
        .expect("endpoint");
        let started = std::time::Instant::now();
        let err = slow.post("\"x\"", "").await.expect_err("timeout");
        assert!(
            matches!(err, ClientError::Http(HttpError::Timeout { .. })),
            "{err:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // Twin: the same client gets a fast answer.
        assert!(matches!(
            impatient.axl.execute_sql("select 1 from dual").await,
            Err(ClientError::Http(HttpError::Status { status: 503, .. }))
        ));
    })
    .await;
}

#[tokio::test]
async fn calls_are_serialised_per_interface_only() {
    within(LIMIT, async {
        let inner = cucm(5, 1000);
        let server =
            Server::start(move |req: &Request| inner(req).delayed(Duration::from_millis(100)))
                .await;
        let c = client(&server, pinned(), fast_opts());
        let axl_calls = (0..4).map(|_| {
            let c = c.clone();
            async move { phone_rows(&c.axl).await }
        });
        let cc_calls = (0..4).map(|_| {
            let c = c.clone();
            async move {
                c.control
                    .service_status::<&str>(&[])
                    .await
                    .map(|r| r.services.len())
            }
        });
        let (a, b) = futures::future::join(
            futures::future::join_all(axl_calls),
            futures::future::join_all(cc_calls),
        )
        .await;
        assert!(a.into_iter().all(|r| r.ok() == Some(5)));
        assert!(b.into_iter().all(|r| r.ok() == Some(2)));
        assert_eq!(server.max_in_flight(axl::AXL_PATH), 1);
        assert_eq!(server.max_in_flight(control_center::CONTROL_CENTER_PATH), 1);
        // Twin: different interfaces do run side by side.
        assert_eq!(server.max_in_flight_total(), 2);
    })
    .await;
}

#[test]
fn invalid_endpoint_urls_are_rejected() {
    for bad in ["http://cucm:8443/axl/", "not a url", "https://"] {
        let err = SoapEndpoint::new(bad, creds(), TlsTrust::Insecure, &SoapOptions::default())
            .expect_err(bad);
        assert!(
            matches!(err, ClientError::Http(HttpError::InvalidUrl { .. })),
            "{bad}: {err:?}"
        );
    }
    assert_eq!(
        itl_wire::soap::service_url("cucm-pub", axl::AXL_PATH),
        "https://cucm-pub:8443/axl/"
    );
    assert_eq!(
        itl_wire::soap::service_url("2001:db8::1", risport::RIS_PATH),
        "https://[2001:db8::1]:8443/realtimeservice2/services/RISService70"
    );
}

#[tokio::test]
async fn endpoint_urls_are_used_as_written() {
    within(LIMIT, async {
        let server = Server::start(cucm(3, 1000)).await;
        // An AXL service published under another path: the request goes exactly there.
        let moved = AxlClient::new(
            SoapEndpoint::new(
                &format!("{}/proxied/axl/", server.url()),
                creds(),
                pinned(),
                &fast_opts().soap,
            )
            .expect("endpoint"),
            "14.0",
        );
        let err = phone_rows(&moved)
            .await
            .expect_err("the stand-in serves AXL at /axl/ only");
        assert!(err.to_string().contains("/proxied/axl/"), "{err}");
        assert_eq!(server.seen("/proxied/axl/"), 1);
        assert_eq!(server.seen(axl::AXL_PATH), 0, "the path is not replaced");
        // Twin: the documented path answers.
        let direct = client(&server, pinned(), fast_opts());
        assert_eq!(phone_rows(&direct.axl).await.expect("rows"), 3);
    })
    .await;
}

/// The RisPort budget, seen from the server: 7 chunks against a budget of 2 per (shortened)
/// rolling window of 300 ms. Never two requests at once, never more than 2 arrivals within
/// any 300 ms, the first two back to back (not spread over the window), and every chunk asked
/// exactly once (no rate fault was needed to slow the client down).
#[tokio::test]
async fn risport_keeps_one_request_in_flight_and_the_rolling_budget() {
    within(LIMIT, async {
        let window = Duration::from_millis(300);
        let arrivals: Arc<Mutex<Vec<std::time::Instant>>> = Arc::default();
        let log = arrivals.clone();
        let inner = cucm(0, 1000);
        let server = Server::start(move |req: &Request| {
            if req.path == risport::RIS_PATH {
                log.lock().expect("log").push(std::time::Instant::now());
                return inner(req).delayed(Duration::from_millis(20));
            }
            inner(req)
        })
        .await;
        let mut opts = fast_opts();
        opts.ris = PacerConfig {
            per_minute: 2,
            window,
            ..opts.ris
        };
        let c = client(&server, pinned(), opts);
        let names: Vec<String> = (0..7000).map(|i| format!("SEP{i:012X}")).collect();
        let devices = c.risport.registration(&names).await.expect("devices");
        assert_eq!(devices.len(), 7000);
        assert_eq!(server.seen(risport::RIS_PATH), 7, "one request per chunk");
        assert_eq!(server.max_in_flight(risport::RIS_PATH), 1);
        let t = arrivals.lock().expect("log").clone();
        assert_eq!(t.len(), 7);
        for (i, at) in t.iter().enumerate() {
            let within_window = t[i..].iter().filter(|u| **u - *at < window).count();
            assert!(
                within_window <= 2,
                "{within_window} requests within {window:?}"
            );
        }
        // Back to back while the window has room (an even spacing would put them 150 ms
        // apart), then a wait for the oldest to leave the window.
        assert!(
            t[1] - t[0] < Duration::from_millis(140),
            "{:?}",
            t[1] - t[0]
        );
        assert!(t[2] - t[0] >= window, "{:?}", t[2] - t[0]);
        assert!(t[6] - t[0] >= window * 3, "{:?}", t[6] - t[0]);
    })
    .await;
}
