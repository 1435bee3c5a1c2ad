//! The phones' web servers. Preferably one TCP socket bound to device `lo` on `0.0.0.0:PORT`
//! serves every phone (the accepted connection's local address names the phone); otherwise one
//! listener per phone address. Per connection the phone's state decides:
//!
//! | state | behaviour |
//! |---|---|
//! | powered off, web access off, not a phone | connection reset |
//! | `unreachable` fault | accepted, never answered (closed after 2 minutes) |
//! | `slow` fault | pages after the fault's delay |
//! | `garbage` fault | 200 with bytes that are not a page |
//! | `oversized` fault | 200 with an 8 MiB body |
//! | otherwise | the pages of [`crate::phone::pages`] |

use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use hyper::{Method, StatusCode};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::phone::WebBehaviour;
use crate::phone::pages::{PageData, PageFamily, render, route};
use crate::server::SimHandle;
use crate::server::http_util::{not_found, response, serve};
use crate::server::listen::{next_connection, reset};

/// Size of an oversized answer.
pub const OVERSIZED_BYTES: usize = 8 << 20;
/// How long a silent phone holds a connection.
const SILENT_HOLD: Duration = Duration::from_secs(120);

/// Serves every phone address from one wildcard socket.
pub async fn run_wildcard(
    listener: TcpListener,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    while let Some(stream) = next_connection(&listener, &mut shutdown).await {
        let index = match stream.local_addr() {
            Ok(addr) => match addr.ip() {
                IpAddr::V4(ip) => sim.read(|c| c.phone_index_by_address(ip)),
                IpAddr::V6(_) => None,
            },
            Err(_) => None,
        };
        tokio::spawn(connection(stream, index, sim.clone(), shutdown.clone()));
    }
}

/// Serves one phone from its own listener.
pub async fn run_one(
    listener: TcpListener,
    index: usize,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    while let Some(stream) = next_connection(&listener, &mut shutdown).await {
        tokio::spawn(connection(
            stream,
            Some(index),
            sim.clone(),
            shutdown.clone(),
        ));
    }
}

async fn connection(
    stream: TcpStream,
    index: Option<usize>,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    let Some(index) = index else {
        reset(stream);
        return;
    };
    let Some((behaviour, server)) = sim.read(|c| {
        c.phones()
            .get(index)
            .map(|p| (p.web_behaviour(), PageFamily::of(p.model).style().server))
    }) else {
        reset(stream);
        return;
    };
    match behaviour {
        WebBehaviour::Refuse => reset(stream),
        WebBehaviour::Silent => {
            tokio::select! {
                _ = tokio::time::sleep(SILENT_HOLD) => {}
                _ = shutdown.changed() => {}
            }
            drop(stream);
        }
        _ => {
            serve(stream, server, shutdown, move |req| {
                let sim = sim.clone();
                async move {
                    if req.method() != Method::GET && req.method() != Method::HEAD {
                        return response(StatusCode::METHOD_NOT_ALLOWED, "text/html", &[], "");
                    }
                    let target = req
                        .uri()
                        .path_and_query()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_else(|| "/".into());
                    answer(&sim, index, behaviour, &target).await
                }
            })
            .await;
        }
    }
}

async fn answer(
    sim: &SimHandle,
    index: usize,
    behaviour: WebBehaviour,
    target: &str,
) -> crate::server::http_util::HttpResponse {
    match behaviour {
        WebBehaviour::Slow(delay) => tokio::time::sleep(delay).await,
        WebBehaviour::Garbage => {
            let name = sim.read(|c| c.phones().get(index).map(|p| p.name.clone()));
            return response(
                StatusCode::OK,
                "text/html",
                &[],
                garbage(name.as_deref().unwrap_or("")),
            );
        }
        WebBehaviour::Oversized => {
            return response(StatusCode::OK, "text/html", &[], oversized());
        }
        _ => {}
    }
    let page = sim.read(|c| {
        let model = c.phones().get(index)?.model;
        let page = route(target, model)?;
        Some((page, PageData::of(c, index)?))
    });
    match page {
        Some((page, data)) => {
            let (content_type, body) = render(page, &data);
            response(StatusCode::OK, content_type, &[], body)
        }
        None => not_found(),
    }
}

/// Deterministic bytes that are not a page: an HTML prefix, then binary noise.
pub fn garbage(seed: &str) -> Bytes {
    let mut out = b"<html><body><table><tr><td>".to_vec();
    let mut block = itl_core::checksum::sha256(seed.as_bytes());
    while out.len() < 3000 {
        out.extend_from_slice(&block);
        block = itl_core::checksum::sha256(&block);
    }
    Bytes::from(out)
}

/// The 8 MiB answer (built once, shared).
pub fn oversized() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| {
        let row =
            b"<tr><td><b>Status</b></td><td width=\"20\"></td><td><b>..........</b></td></tr>\n";
        let mut out = Vec::with_capacity(OVERSIZED_BYTES);
        out.extend_from_slice(b"<html><head><title>Status</title></head><body><table>\n");
        while out.len() + row.len() <= OVERSIZED_BYTES {
            out.extend_from_slice(row);
        }
        out.resize(OVERSIZED_BYTES, b' ');
        Bytes::from(out)
    })
    .clone()
}

/// Whether an address could be a phone's (127.1.0.0 and up).
pub fn is_phone_range(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    o[0] == 127 && o[1] >= 1
}
