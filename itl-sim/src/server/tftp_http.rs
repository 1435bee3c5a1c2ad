//! The TFTP service's HTTP side (TCP 6970): `GET /<file>` serves what TFTP serves, 404
//! otherwise; a node whose TFTP service is down resets connections.

use hyper::{Method, StatusCode};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::model::files::Lookup;
use crate::server::SimHandle;
use crate::server::http_util::{not_found, response, serve};
use crate::server::listen::{next_connection, reset};

/// Serves HTTP 6970 for node `node` on `listener` until shutdown.
pub async fn run(
    listener: TcpListener,
    node: usize,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    while let Some(stream) = next_connection(&listener, &mut shutdown).await {
        if !sim.read(|c| c.nodes().get(node).is_some_and(|n| n.tftp_answers())) {
            reset(stream);
            continue;
        }
        let sim = sim.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            serve(stream, "Cisco TFTP", shutdown, move |req| {
                let sim = sim.clone();
                async move {
                    if req.method() != Method::GET && req.method() != Method::HEAD {
                        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", &[], "");
                    }
                    let path = req.uri().path().to_owned();
                    match sim.read(|c| c.lookup_file(node, &path)) {
                        Lookup::Found(bytes) => response(
                            StatusCode::OK,
                            "application/octet-stream",
                            &[],
                            bytes::Bytes::from(bytes.to_vec()),
                        ),
                        Lookup::NotFound => not_found(),
                        Lookup::Down => {
                            response(StatusCode::SERVICE_UNAVAILABLE, "text/plain", &[], "")
                        }
                    }
                }
            })
            .await;
        });
    }
}
