//! `Fetcher::fetch_trust_files` and `Fetcher::fetch_url` over TFTP (tftpd-hpa) and HTTP (a
//! local responder), as a phone would ask.

mod common;

use itl_core::cucm::{ListKind, Mac};
use std::time::{Duration, Instant};

use common::http_server::{HttpServer, Reply};
use common::{Tftpd, assert_bytes, closed_tcp_port, free_udp_port, pattern, real_ctl, within};
use itl_cucm::{
    FetchOptions, FetchOutcome, Fetcher, HttpOptions, TftpOptions, Transport, TrustFileSet,
    TrustServer,
};

const LIMIT: Duration = Duration::from_secs(30);
const MAC: &str = "SEP001122334455";
const OTHER_MAC: &str = "66:77:88:99:AA:BB";

fn fetcher() -> Fetcher {
    let opts = FetchOptions {
        tftp: TftpOptions {
            initial_rto: Duration::from_millis(100),
            retries: 3,
            deadline: Duration::from_secs(3),
            ..TftpOptions::default()
        },
        http: HttpOptions {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            ..HttpOptions::default()
        },
    };
    Fetcher::new(opts).expect("fetcher")
}

fn mac(text: &str) -> Mac {
    text.parse().expect("test MAC")
}

fn server(transport: Transport, port: u16) -> TrustServer {
    TrustServer {
        host: "127.0.0.1".into(),
        tftp_port: port,
        http_port: port,
        transport,
    }
}

/// `name: summary` per file, as the CLI would print them.
fn lines(set: &TrustFileSet) -> Vec<String> {
    set.files.iter().map(|f| f.to_string()).collect()
}

/// Files of a non-secure cluster node: per-device ITL for one phone, the cluster ITL, no CTL.
fn non_secure_files(itl_phone: &[u8], itl_cluster: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("ITLSEP001122334455.tlv", itl_phone.to_vec()),
        ("ITLFile.tlv", itl_cluster.to_vec()),
    ]
}

/// Runs the same scenarios against a server of either transport.
/// The scenarios against a `non_secure` and a `secure` (CTL served) node, both reached over
/// `transport` on their ports.
async fn check_scenarios(transport: Transport, non_secure: u16, secure: u16) {
    let fetcher = fetcher();
    let (non_secure, secure) = (&server(transport, non_secure), &server(transport, secure));
    let itl_phone = pattern(3000, 21);
    let itl_cluster = pattern(2500, 22);
    let ctl = real_ctl();

    // Per-device ITL present; CTL not served at all.
    let set = fetcher.fetch_trust_files(non_secure, Some(mac(MAC))).await;
    assert_eq!(
        lines(&set),
        vec![
            "CTLSEP001122334455.tlv: not served (falls back to CTLFile.tlv)",
            "CTLFile.tlv: not served (normal on a non-secure cluster)",
            "ITLSEP001122334455.tlv: 3000 bytes",
        ]
    );
    assert_eq!(set.itl().and_then(|f| f.bytes()), Some(&itl_phone[..]));
    assert!(matches!(
        set.ctl().map(|f| &f.outcome),
        Some(FetchOutcome::NotFound)
    ));
    assert!(!set.is_unreachable());

    // Per-device ITL missing for another phone: falls back to ITLFile.tlv.
    let set = fetcher
        .fetch_trust_files(non_secure, Some(mac(OTHER_MAC)))
        .await;
    assert_eq!(
        lines(&set),
        vec![
            "CTLSEP66778899AABB.tlv: not served (falls back to CTLFile.tlv)",
            "CTLFile.tlv: not served (normal on a non-secure cluster)",
            "ITLSEP66778899AABB.tlv: not served (falls back to ITLFile.tlv)",
            "ITLFile.tlv: 2500 bytes",
        ]
    );
    let itl = set.itl().expect("an ITL entry");
    assert_eq!(itl.name, "ITLFile.tlv");
    assert_eq!(itl.kind, ListKind::Itl);
    assert!(!itl.per_device);
    assert_eq!(itl.bytes(), Some(&itl_cluster[..]));
    let fetched: Vec<&str> = set.fetched().map(|(name, _)| name).collect();
    assert_eq!(fetched, vec!["ITLFile.tlv"]);

    // No MAC: only the cluster-wide names.
    let set = fetcher.fetch_trust_files(non_secure, None).await;
    assert_eq!(
        lines(&set),
        vec![
            "CTLFile.tlv: not served (normal on a non-secure cluster)",
            "ITLFile.tlv: 2500 bytes",
        ]
    );

    // Mixed-mode node: the cluster CTL is served; a per-device CTL is not.
    let set = fetcher.fetch_trust_files(secure, Some(mac(MAC))).await;
    assert_eq!(
        lines(&set),
        vec![
            "CTLSEP001122334455.tlv: not served (falls back to CTLFile.tlv)",
            "CTLFile.tlv: 7166 bytes",
            "ITLSEP001122334455.tlv: 3000 bytes",
        ]
    );
    assert_eq!(set.ctl().and_then(|f| f.bytes()), Some(&ctl[..]));
    let set = fetcher.fetch_trust_files(secure, None).await;
    assert_eq!(
        lines(&set),
        vec!["CTLFile.tlv: 7166 bytes", "ITLFile.tlv: 2500 bytes"]
    );
}

#[tokio::test]
async fn trust_files_over_tftp() {
    let itl_phone = pattern(3000, 21);
    let itl_cluster = pattern(2500, 22);
    let ctl = real_ctl();
    let files = non_secure_files(&itl_phone, &itl_cluster);
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, &b[..])).collect();
    let Some(non_secure) = Tftpd::start(&refs) else {
        return;
    };
    let mut secure_refs = refs.clone();
    secure_refs.push(("CTLFile.tlv", &ctl));
    let Some(secure) = Tftpd::start(&secure_refs) else {
        return;
    };
    within(LIMIT, async {
        check_scenarios(Transport::Tftp, non_secure.addr.port(), secure.addr.port()).await;
    })
    .await;
}

#[tokio::test]
async fn trust_files_over_http() {
    within(LIMIT, async {
        let itl_phone = pattern(3000, 21);
        let itl_cluster = pattern(2500, 22);
        let ctl = real_ctl();
        let routes = |with_ctl: bool| {
            let mut routes: Vec<(&str, Reply)> = non_secure_files(&itl_phone, &itl_cluster)
                .into_iter()
                .map(|(name, bytes)| match name {
                    "ITLFile.tlv" => ("/ITLFile.tlv", Reply::Body(200, bytes)),
                    _ => ("/ITLSEP001122334455.tlv", Reply::Body(200, bytes)),
                })
                .collect();
            if with_ctl {
                routes.push(("/CTLFile.tlv", Reply::Body(200, ctl.clone())));
            }
            routes
        };
        let non_secure = HttpServer::start(routes(false)).await;
        let secure = HttpServer::start(routes(true)).await;
        check_scenarios(Transport::Http, non_secure.addr.port(), secure.addr.port()).await;
        // The phone's order, as the server saw it.
        assert_eq!(
            non_secure.hits()[..3],
            [
                "/CTLSEP001122334455.tlv",
                "/CTLFile.tlv",
                "/ITLSEP001122334455.tlv"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn unreachable_tftp_server_is_distinguishable() {
    within(LIMIT, async {
        let port = free_udp_port();
        let set = fetcher()
            .fetch_trust_files(&server(Transport::Tftp, port), Some(mac(MAC)))
            .await;
        assert!(set.is_unreachable());
        // Asking stopped after the first name.
        assert_eq!(set.files.len(), 1);
        assert_eq!(set.files[0].name, "CTLSEP001122334455.tlv");
        assert_eq!(
            lines(&set),
            vec![format!(
                "CTLSEP001122334455.tlv: failed: TFTP transfer of CTLSEP001122334455.tlv from 127.0.0.1:{port} failed: no response after 4 attempts"
            )]
        );
        assert!(set.ctl().is_some());
        assert!(set.itl().is_none());
    })
    .await;
}

#[tokio::test]
async fn unreachable_http_server_is_distinguishable() {
    within(LIMIT, async {
        let port = closed_tcp_port();
        let start = Instant::now();
        let set = fetcher()
            .fetch_trust_files(&server(Transport::Http, port), None)
            .await;
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(set.is_unreachable());
        assert_eq!(
            lines(&set),
            vec![format!(
                "CTLFile.tlv: failed: cannot connect to http://127.0.0.1:{port}/CTLFile.tlv: Connection refused (os error 111)"
            )]
        );
    })
    .await;
}

#[tokio::test]
async fn reachable_server_with_nothing_is_not_unreachable() {
    within(LIMIT, async {
        let empty = HttpServer::start(vec![]).await;
        let set = fetcher()
            .fetch_trust_files(&server(Transport::Http, empty.addr.port()), None)
            .await;
        assert!(!set.is_unreachable());
        assert_eq!(
            lines(&set),
            vec![
                "CTLFile.tlv: not served (normal on a non-secure cluster)",
                "ITLFile.tlv: not served",
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_failures_not_absence() {
    within(LIMIT, async {
        let broken = HttpServer::start(vec![
            ("/CTLFile.tlv", Reply::Body(500, b"oops".to_vec())),
            ("/ITLFile.tlv", Reply::Body(200, b"itl".to_vec())),
        ])
        .await;
        let set = fetcher()
            .fetch_trust_files(&server(Transport::Http, broken.addr.port()), None)
            .await;
        assert!(!set.is_unreachable());
        let url = broken.url("/CTLFile.tlv");
        assert_eq!(
            lines(&set),
            vec![
                format!("CTLFile.tlv: failed: HTTP 500 Internal Server Error from {url}"),
                "ITLFile.tlv: 3 bytes".to_owned(),
            ]
        );
    })
    .await;
}

/// Runs `test` with a [`fetcher`] and the real CTL, served as `CTLFile.tlv` by a real tftpd
/// and by an HTTP server, bounded in time; skipped when tftpd is missing.
async fn with_real_ctl_over_both(test: impl AsyncFnOnce(Fetcher, Vec<u8>, Tftpd, HttpServer)) {
    let ctl = real_ctl();
    let Some(tftpd) = Tftpd::start(&[("CTLFile.tlv", &ctl)]) else {
        return;
    };
    let http = HttpServer::start(vec![("/CTLFile.tlv", Reply::Body(200, ctl.clone()))]).await;
    within(LIMIT, test(fetcher(), ctl, tftpd, http)).await;
}

#[tokio::test]
async fn fetch_url_over_both_transports() {
    with_real_ctl_over_both(async |fetcher, ctl, tftpd, http| {
        let port = tftpd.addr.port();
        assert_bytes(
            "tftp",
            fetcher
                .fetch_url(&format!("tftp://127.0.0.1:{port}/CTLFile.tlv"))
                .await,
            &ctl,
        );
        assert_bytes(
            "tftp;mode=octet",
            fetcher
                .fetch_url(&format!("tftp://localhost:{port}/CTLFile.tlv;mode=octet"))
                .await,
            &ctl,
        );
        assert_bytes(
            "http",
            fetcher.fetch_url(&http.url("/CTLFile.tlv")).await,
            &ctl,
        );

        let e = fetcher
            .fetch_url(&format!("tftp://127.0.0.1:{port}/ITLFile.tlv"))
            .await
            .expect_err("missing");
        assert!(e.is_not_found());
        assert_eq!(
            e.to_string(),
            format!("TFTP error 1 (File not found) from 127.0.0.1:{port} for ITLFile.tlv")
        );
        let e = fetcher
            .fetch_url(&http.url("/ITLFile.tlv"))
            .await
            .expect_err("missing");
        assert!(e.is_not_found());

        for (url, message) in [
            (
                "gopher://127.0.0.1/x",
                "invalid URL \"gopher://127.0.0.1/x\": scheme \"gopher\" is not tftp, http or https",
            ),
            (
                "tftp://127.0.0.1/",
                "invalid URL \"tftp://127.0.0.1/\": no file name",
            ),
        ] {
            let e = fetcher.fetch_url(url).await.expect_err(url);
            assert_eq!(e.to_string(), message);
        }
        let e = fetcher
            .fetch_url("tftp://no-such-host.invalid/CTLFile.tlv")
            .await
            .expect_err("unresolvable");
        assert!(e.is_unreachable());
        assert!(
            e.to_string()
                .starts_with("cannot resolve no-such-host.invalid: "),
            "{e}"
        );
    })
    .await;
}

#[tokio::test]
async fn fetch_file_uses_the_server_transport() {
    with_real_ctl_over_both(async |fetcher, ctl, tftpd, http| {
        let over_tftp = server(Transport::Tftp, tftpd.addr.port());
        let over_http = server(Transport::Http, http.addr.port());
        assert_bytes(
            "tftp",
            fetcher.fetch_file(&over_tftp, "CTLFile.tlv").await,
            &ctl,
        );
        assert_bytes(
            "http",
            fetcher.fetch_file(&over_http, "CTLFile.tlv").await,
            &ctl,
        );
        assert_eq!(http.hits(), vec!["/CTLFile.tlv".to_owned()]);
    })
    .await;
}
