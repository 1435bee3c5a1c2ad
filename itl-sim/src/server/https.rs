//! HTTPS on 8443 per node: TLS with the node's self-signed Tomcat certificate (swapped when
//! Tomcat restarts after a regeneration), HTTP Basic authentication, and the SOAP router.
//!
//! | request | answer |
//! |---|---|
//! | no or wrong credentials | 401 with `WWW-Authenticate: Basic realm="…"` |
//! | POST to a registered prefix | the [`SoapService`](crate::server::soap::SoapService)'s answer |
//! | POST to RisPort70 over the rate | 500 AxisFault "Exceeded allowed rate…" |
//! | POST elsewhere under a SOAP endpoint | 500 with CUCM's fault for an unknown operation |
//! | anything else | 404 |

use std::sync::{Arc, RwLock};

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, StatusCode};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::error::SimError;
use crate::model::Identity;
use crate::server::SimHandle;
use crate::server::http_util::{HttpResponse, not_found, response, serve};
use crate::server::listen::next_connection;
use crate::server::soap::{SoapContext, SoapRequest, rate_fault};

/// Largest SOAP request body accepted.
const MAX_BODY: usize = 4 << 20;

/// The SOAP endpoint prefixes a CUCM node answers on.
pub const SOAP_PREFIXES: [&str; 5] = [
    "/axl",
    "/realtimeservice2/services/RISService70",
    "/controlcenterservice2/services/ControlCenterServices",
    "/perfmonservice2/services/PerfmonService",
    "/realtimeservice/services/RisPort",
];

/// The RisPort70 path.
pub const RISPORT_PATH: &str = "/realtimeservice2/services/RISService70";

/// Serves the node's current Tomcat certificate; [`NodeCertResolver::update`] swaps it.
#[derive(Debug)]
pub struct NodeCertResolver {
    current: RwLock<(Arc<CertifiedKey>, [u8; 32])>,
}

/// Makes a rustls certified key from an identity.
pub fn certified_key(node: &str, id: &Identity) -> Result<Arc<CertifiedKey>, SimError> {
    let tls = |source| SimError::Tls {
        node: node.to_owned(),
        source,
    };
    let key_der = id.key_pkcs8_der()?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der));
    let signing = rustls::crypto::aws_lc_rs::sign::any_supported_type(&key).map_err(tls)?;
    Ok(Arc::new(CertifiedKey::new(
        vec![CertificateDer::from(id.der().to_vec())],
        signing,
    )))
}

impl NodeCertResolver {
    /// A resolver serving `id`.
    pub fn new(node: &str, id: &Identity) -> Result<Self, SimError> {
        Ok(Self {
            current: RwLock::new((certified_key(node, id)?, id.sha256())),
        })
    }

    /// Serves `id` from the next handshake on (no-op when it is already served).
    pub fn update(&self, node: &str, id: &Identity) -> Result<(), SimError> {
        if self.sha256() == id.sha256() {
            return Ok(());
        }
        let key = certified_key(node, id)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = (key, id.sha256());
        Ok(())
    }

    /// SHA-256 of the certificate served now.
    pub fn sha256(&self) -> [u8; 32] {
        self.current.read().unwrap_or_else(|p| p.into_inner()).1
    }
}

impl ResolvesServerCert for NodeCertResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .0
                .clone(),
        )
    }
}

/// A TLS acceptor for one node.
pub fn acceptor(node: &str, resolver: Arc<NodeCertResolver>) -> Result<TlsAcceptor, SimError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|source| SimError::Tls {
            node: node.to_owned(),
            source,
        })?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves HTTPS for node `node` until shutdown.
pub async fn run(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    node: usize,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    while let Some(stream) = next_connection(&listener, &mut shutdown).await {
        let acceptor = acceptor.clone();
        let sim = sim.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let handshake =
                tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(stream));
            let Ok(Ok(tls)) = handshake.await else {
                return;
            };
            serve(tls, "", shutdown, move |req| {
                let sim = sim.clone();
                async move { handle(req, node, sim).await }
            })
            .await;
        });
    }
}

fn realm(path: &str) -> &'static str {
    if path.starts_with("/axl") {
        "AXL API"
    } else {
        "Cisco Unified Serviceability"
    }
}

async fn handle(req: Request<Incoming>, node: usize, sim: SimHandle) -> HttpResponse {
    let path = req.uri().path().to_owned();
    let soap_endpoint = SOAP_PREFIXES.iter().any(|p| path.starts_with(p));
    if !soap_endpoint {
        return not_found();
    }
    let user = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| sim.authenticate(v));
    let Some(user) = user else {
        let challenge = format!("Basic realm=\"{}\"", realm(&path));
        return response(
            StatusCode::UNAUTHORIZED,
            "text/html",
            &[("WWW-Authenticate", &challenge)],
            "<html><head><title>401 Unauthorized</title></head><body><h1>HTTP Status 401 - Unauthorized</h1></body></html>\n",
        );
    };
    if req.method() == Method::GET
        && req
            .uri()
            .query()
            .is_some_and(|q| q.eq_ignore_ascii_case("wsdl"))
    {
        let host = req
            .headers()
            .get(hyper::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("localhost")
            .to_owned();
        return match crate::server::wsdl::describe(&path, &format!("https://{host}{path}")) {
            Some(text) => response(StatusCode::OK, "text/xml;charset=UTF-8", &[], text),
            None => not_found(),
        };
    }
    if req.method() != Method::POST {
        return response(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/html",
            &[("Allow", "POST")],
            "",
        );
    }
    let soap_action = req
        .headers()
        .get("SOAPAction")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_matches('"').to_owned());
    let body: Bytes = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return response(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", &[], "");
        }
    };
    if path.starts_with(RISPORT_PATH) {
        let (throttled, per_minute) = sim.read(|c| {
            (
                c.nodes()
                    .get(node)
                    .is_some_and(|n| n.faults.risport_throttle),
                c.settings().device_queries_per_minute,
            )
        });
        if let Err(limit) = sim.risport_rate().admit(node, throttled, per_minute) {
            return soap_response(rate_fault(limit));
        }
    }
    let service = sim.soap_service(&path);
    let sim2 = sim.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let node_name = sim2.read(|c| {
            c.nodes()
                .get(node)
                .map(|n| n.name.clone())
                .unwrap_or_default()
        });
        let request = SoapRequest {
            path: &path,
            soap_action: soap_action.as_deref(),
            body: &body,
        };
        match service {
            Some(service) => {
                let ctx = SoapContext {
                    node: &node_name,
                    node_index: node,
                    user: &user,
                    sim: &sim2,
                };
                service.handle(&ctx, &request)
            }
            None => request.unknown(),
        }
    })
    .await;
    match answer {
        Ok(r) => soap_response(r),
        Err(_) => response(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", &[], ""),
    }
}

fn soap_response(r: crate::server::soap::SoapResponse) -> HttpResponse {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers: Vec<(&str, &str)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    response(status, &r.content_type, &headers, r.body)
}

/// Checks an `Authorization` header value against the credentials; the user on success.
pub fn check_basic(header: &str, user: &str, password: &str) -> Option<String> {
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (u, p) = text.split_once(':')?;
    let same = |a: &[u8], b: &[u8]| {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    };
    (same(u.as_bytes(), user.as_bytes()) & same(p.as_bytes(), password.as_bytes()))
        .then(|| u.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_accepts_only_the_right_pair() {
        let ok = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("admin:s3cret")
        );
        assert_eq!(
            check_basic(&ok, "admin", "s3cret").as_deref(),
            Some("admin")
        );
        assert_eq!(check_basic(&ok, "admin", "s3cre"), None);
        assert_eq!(check_basic(&ok, "root", "s3cret"), None);
        assert_eq!(check_basic("Basic !!!", "admin", "s3cret"), None);
        assert_eq!(check_basic("Bearer x", "admin", "s3cret"), None);
    }
}
