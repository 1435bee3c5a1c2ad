//! The HTTP client against a hand-written HTTP/1.1 responder on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use common::http_server::{HttpServer, Reply};
use common::{assert_bytes, closed_tcp_port, pattern, real_ctl, within};
use itl_cucm::http::{HttpClient, HttpError, HttpOptions};

const LIMIT: Duration = Duration::from_secs(20);

fn client(max_size: u64, timeout: Duration) -> HttpClient {
    let opts = HttpOptions {
        connect_timeout: Duration::from_secs(2),
        timeout,
        max_size,
    };
    HttpClient::new(opts).expect("HTTP client")
}

#[tokio::test]
async fn success_is_byte_identical() {
    within(LIMIT, async {
        let ctl = real_ctl();
        let big = pattern(3 * 1024 * 1024, 11);
        let server = HttpServer::start(vec![
            ("/CTLFile.tlv", Reply::Body(200, ctl.clone())),
            ("/big.bin", Reply::Body(200, big.clone())),
            ("/close.bin", Reply::CloseDelimited(ctl.clone())),
            ("/empty", Reply::Body(200, Vec::new())),
        ])
        .await;
        let http = client(16 * 1024 * 1024, Duration::from_secs(5));
        assert_bytes("CTL", http.get(&server.url("/CTLFile.tlv")).await, &ctl);
        assert_bytes("3 MiB", http.get(&server.url("/big.bin")).await, &big);
        assert_bytes(
            "close-delimited",
            http.get(&server.url("/close.bin")).await,
            &ctl,
        );
        assert_bytes("empty", http.get(&server.url("/empty")).await, b"");
        // One client, shared by concurrent fetches.
        let fetches = (0..16).map(|_| {
            let (http, url) = (http.clone(), server.url("/CTLFile.tlv"));
            async move { http.get(&url).await }
        });
        for got in futures::future::join_all(fetches).await {
            assert_bytes("concurrent", got, &ctl);
        }
    })
    .await;
}

#[tokio::test]
async fn status_404_is_typed_not_found() {
    within(LIMIT, async {
        let server = HttpServer::start(vec![
            ("/ITLFile.tlv", Reply::Body(200, b"itl".to_vec())),
            ("/broken", Reply::Body(500, b"oops".to_vec())),
        ])
        .await;
        let http = client(1024, Duration::from_secs(5));
        let url = server.url("/CTLFile.tlv");
        let e = http.get(&url).await.expect_err("404 must fail");
        assert!(e.is_not_found());
        assert!(!e.is_unreachable());
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.to_string(), format!("HTTP 404 Not Found from {url}"));
        // Twin: a 500 is an error but not "not found"; the served path succeeds.
        let url = server.url("/broken");
        let e = http.get(&url).await.expect_err("500 must fail");
        assert!(!e.is_not_found());
        assert_eq!(
            e.to_string(),
            format!("HTTP 500 Internal Server Error from {url}")
        );
        assert_bytes(
            "served",
            http.get(&server.url("/ITLFile.tlv")).await,
            b"itl",
        );
    })
    .await;
}

#[tokio::test]
async fn oversized_body_is_refused() {
    within(LIMIT, async {
        let cap = 100_000u64;
        let server = HttpServer::start(vec![
            ("/announced", Reply::Announce(cap + 1)),
            (
                "/big-length",
                Reply::Body(200, pattern(cap as usize + 1, 1)),
            ),
            ("/big-close", Reply::CloseDelimited(pattern(1_000_000, 2))),
            ("/big-chunked", Reply::Chunked(1_000_000)),
            ("/at-cap", Reply::Body(200, pattern(cap as usize, 3))),
            (
                "/at-cap-close",
                Reply::CloseDelimited(pattern(cap as usize, 4)),
            ),
            ("/at-cap-chunked", Reply::Chunked(cap as usize)),
        ])
        .await;
        let http = client(cap, Duration::from_secs(5));
        for (path, announced) in [
            ("/announced", Some(100_001)),
            ("/big-length", Some(100_001)),
            ("/big-close", None),
            ("/big-chunked", None),
        ] {
            let url = server.url(path);
            let e = http.get(&url).await.expect_err("over cap");
            assert!(
                matches!(
                    e,
                    HttpError::TooLarge {
                        announced: a,
                        cap: 100_000,
                        ..
                    } if a == announced
                ),
                "{path}: {e}"
            );
            let what = match announced {
                Some(length) => format!("Content-Length {length}"),
                None => "body".to_owned(),
            };
            assert_eq!(
                e.to_string(),
                format!("{url}: {what} exceeds the size cap of 100000 bytes")
            );
        }
        assert_bytes(
            "at cap",
            http.get(&server.url("/at-cap")).await,
            &pattern(cap as usize, 3),
        );
        assert_bytes(
            "at cap, close-delimited",
            http.get(&server.url("/at-cap-close")).await,
            &pattern(cap as usize, 4),
        );
        assert_bytes(
            "at cap, chunked",
            http.get(&server.url("/at-cap-chunked")).await,
            &vec![b'c'; cap as usize],
        );
    })
    .await;
}

#[tokio::test]
async fn slow_body_hits_the_total_timeout() {
    within(LIMIT, async {
        let server = HttpServer::start(vec![
            (
                "/slow",
                Reply::Slow {
                    len: 1000,
                    first: 10,
                    pause: Duration::from_secs(5),
                },
            ),
            (
                "/bit-slow",
                Reply::Slow {
                    len: 1000,
                    first: 10,
                    pause: Duration::from_millis(100),
                },
            ),
        ])
        .await;
        let timeout = Duration::from_millis(600);
        let http = client(1 << 20, timeout);
        let url = server.url("/slow");
        let start = Instant::now();
        let e = http.get(&url).await.expect_err("must time out");
        let elapsed = start.elapsed();
        assert!(elapsed >= timeout, "{elapsed:?}");
        assert!(
            elapsed < timeout + Duration::from_millis(500),
            "{elapsed:?}"
        );
        assert!(matches!(e, HttpError::Timeout { .. }), "{e}");
        assert!(!e.is_unreachable());
        assert_eq!(
            e.to_string(),
            format!("{url}: no complete response within 0.6 s")
        );
        // Twin: a short stall inside the deadline is fine.
        assert_bytes(
            "bit slow",
            http.get(&server.url("/bit-slow")).await,
            &[b's'; 1000],
        );
    })
    .await;
}

#[tokio::test]
async fn redirect_is_not_followed() {
    within(LIMIT, async {
        let server = HttpServer::start(vec![
            ("/ITLFile.tlv", Reply::Redirect(302, "/elsewhere.tlv".into())),
            ("/elsewhere.tlv", Reply::Body(200, b"moved".to_vec())),
        ])
        .await;
        let http = client(1024, Duration::from_secs(5));
        let url = server.url("/ITLFile.tlv");
        let e = http.get(&url).await.expect_err("redirect must fail");
        assert!(
            matches!(&e, HttpError::Redirect { status: 302, location: Some(l), .. } if l == "/elsewhere.tlv"),
            "{e}"
        );
        assert!(!e.is_not_found());
        assert_eq!(
            e.to_string(),
            format!("HTTP 302 Found from {url}: redirect to /elsewhere.tlv not followed")
        );
        assert_eq!(server.hits(), vec!["/ITLFile.tlv".to_owned()]);
        // Twin: the target itself is served when asked directly.
        assert_bytes("target", http.get(&server.url("/elsewhere.tlv")).await, b"moved");
    })
    .await;
}

#[tokio::test]
async fn refused_connection_is_unreachable() {
    within(LIMIT, async {
        let port = closed_tcp_port();
        let http = client(1024, Duration::from_secs(5));
        let url = format!("http://127.0.0.1:{port}/ITLFile.tlv");
        let e = http.get(&url).await.expect_err("nothing listens");
        assert!(e.is_unreachable(), "{e}");
        assert!(!e.is_not_found());
        assert_eq!(
            e.to_string(),
            format!("cannot connect to {url}: Connection refused (os error 111)")
        );
    })
    .await;
}

#[tokio::test]
async fn invalid_urls_are_typed() {
    within(LIMIT, async {
        let http = client(1024, Duration::from_secs(5));
        let e = http.get("ftp://127.0.0.1/x").await.expect_err("scheme");
        assert_eq!(
            e.to_string(),
            "invalid URL \"ftp://127.0.0.1/x\": scheme \"ftp\" is not http or https"
        );
        let e = http.get("not a url").await.expect_err("syntax");
        assert!(matches!(e, HttpError::InvalidUrl { .. }), "{e}");
    })
    .await;
}
