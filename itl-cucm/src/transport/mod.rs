//! The one HTTP(S) stack under everything `itl` fetches over HTTP: SOAP calls (AXL, RisPort70,
//! Control Center), trust files on TCP 6970 and phone web pages.
//!
//! [`HttpTransport`] sends one request with a connect timeout, a total timeout, a body size cap
//! (checked against `Content-Length` and while streaming), no proxy, no redirects followed, and
//! the TLS trust of [`TlsTrust`]; every failure is an [`HttpError`] naming the URL. What a
//! status means is the caller's business ([`crate::http::HttpClient`] wants 200, a SOAP client
//! reads faults from 500 answers).

mod error;
mod tls;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use itl_wire::Sha256Fingerprint;

pub use error::{HttpError, root_cause};
pub use tls::TlsTrust;

use crate::secrets::Credentials;
use tls::Seen;

/// The largest body accepted by default: 16 MiB.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;

/// Settings of an [`HttpTransport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportOptions {
    /// Limit for establishing the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Limit for the whole exchange, from connecting to the last body byte.
    pub timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_body: u64,
    /// How the server's certificate is trusted (HTTPS).
    pub trust: TlsTrust,
}

impl Default for TransportOptions {
    /// 5 s to connect, 10 s in total, 16 MiB, the platform's roots.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            max_body: DEFAULT_MAX_BODY,
            trust: TlsTrust::SystemRoots,
        }
    }
}

/// One request.
#[derive(Debug, Clone, Copy)]
pub enum Method<'a> {
    /// `GET`.
    Get,
    /// `POST` of a text body.
    Post(&'a str),
}

/// What the server answered: its status, the `Location` of a redirect, and the body (not read
/// for a redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The `Location` header of a 3xx answer, if printable.
    pub location: Option<String>,
    /// The body, at most the cap.
    pub body: Vec<u8>,
}

/// A reusable HTTP(S) client (cheap to clone; clones share one connection pool).
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    opts: TransportOptions,
    seen: Seen,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// Builds a transport: rustls, no proxy, no redirects, no automatic decompression.
    pub fn new(opts: TransportOptions) -> Result<Self, HttpError> {
        let seen: Seen = Arc::new(Mutex::new(None));
        let mut builder = reqwest::Client::builder()
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("itl/", env!("CARGO_PKG_VERSION")));
        if let Some(config) = tls::rustls_config(opts.trust, seen.clone())
            .map_err(|e| HttpError::Client(e.to_string()))?
        {
            builder = builder.tls_backend_preconfigured(config);
        }
        let client = builder
            .build()
            .map_err(|e| HttpError::Client(root_cause(&e)))?;
        Ok(Self { client, opts, seen })
    }

    /// The settings in use.
    pub fn options(&self) -> &TransportOptions {
        &self.opts
    }

    /// The fingerprint of the last certificate a server presented (pinned or insecure mode).
    pub fn last_seen_fingerprint(&self) -> Option<Sha256Fingerprint> {
        self.last_seen(|(fp, _)| *fp)
    }

    /// The DER of the last certificate a server presented (pinned or insecure mode).
    pub fn last_seen_certificate(&self) -> Option<Vec<u8>> {
        self.last_seen(|(_, der)| der.clone())
    }

    /// `read` of the last certificate a server presented: its fingerprint and its DER.
    fn last_seen<T>(&self, read: impl FnOnce(&(Sha256Fingerprint, Vec<u8>)) -> T) -> Option<T> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(read)
    }

    /// Parses `url`, which must be `http://` or `https://` (or only `https://` when
    /// `https_only`) and name a host.
    pub fn parse_url(url: &str, https_only: bool) -> Result<reqwest::Url, HttpError> {
        let invalid = |reason: String| HttpError::InvalidUrl {
            url: url.to_owned(),
            reason,
        };
        let parsed = reqwest::Url::parse(url.trim()).map_err(|e| invalid(e.to_string()))?;
        match parsed.scheme() {
            "https" => {}
            "http" if !https_only => {}
            other => {
                return Err(invalid(if https_only {
                    format!("scheme {other:?}: HTTPS only")
                } else {
                    format!("scheme {other:?} is not http or https")
                }));
            }
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("no host".to_owned()));
        }
        Ok(parsed)
    }

    /// Sends one request to `url` within the total timeout. `headers` are added as given;
    /// `auth` adds HTTP Basic credentials; `close` asks the server to close the connection
    /// afterwards (the last request to a host, so that no idle connection is kept per phone).
    pub async fn send(
        &self,
        method: Method<'_>,
        url: &reqwest::Url,
        headers: &[(&str, &str)],
        auth: Option<&Credentials>,
        close: bool,
    ) -> Result<Answer, HttpError> {
        let shown = url.to_string();
        let mut request = match method {
            Method::Get => self.client.get(url.clone()),
            Method::Post(body) => self.client.post(url.clone()).body(body.to_owned()),
        };
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(creds) = auth {
            request = request.basic_auth(&creds.user, Some(creds.password.expose()));
        }
        if close {
            request = request.header(reqwest::header::CONNECTION, "close");
        }
        let timeout = self.opts.timeout;
        match tokio::time::timeout(timeout, self.exchange(request, &shown)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(HttpError::Timeout {
                url: shown,
                after: timeout,
            }),
        }
    }

    /// Sends `request` (to the URL `shown`) and reads its answer, the body bounded.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        shown: &str,
    ) -> Result<Answer, HttpError> {
        let mut response = request.send().await.map_err(|e| self.classify(e, shown))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().filter(|c| !c.is_control()).take(200).collect());
            return Ok(Answer {
                status: status.as_u16(),
                location,
                body: Vec::new(),
            });
        }
        let cap = self.opts.max_body;
        let too_large = |announced| HttpError::TooLarge {
            url: shown.to_owned(),
            announced,
            cap,
        };
        let announced = response.content_length();
        if let Some(length) = announced
            && length > cap
        {
            return Err(too_large(Some(length)));
        }
        // Pre-allocate what was announced (already bounded by the cap), at most 1 MiB.
        let reserve = announced.unwrap_or(0).min(1 << 20) as usize;
        let mut body = Vec::with_capacity(reserve);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.classify(e, shown))?
        {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(too_large(None));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status: status.as_u16(),
            location: None,
            body,
        })
    }

    fn classify(&self, error: reqwest::Error, shown: &str) -> HttpError {
        let url = shown.to_owned();
        if let TlsTrust::Pinned(expected) = self.opts.trust
            && let Some(actual) = self.last_seen_fingerprint()
            && actual != expected
        {
            return HttpError::PinMismatch {
                url,
                expected,
                actual,
            };
        }
        if error.is_timeout() && !error.is_connect() {
            return HttpError::Timeout {
                url,
                after: self.opts.timeout,
            };
        }
        let error = error.without_url();
        let reason = root_cause(&error);
        if error.is_connect() {
            HttpError::Connect {
                url,
                reason,
                source: error,
            }
        } else {
            HttpError::Transfer {
                url,
                reason,
                source: error,
            }
        }
    }
}

/// Connects to `url` (https) accepting any certificate and returns the SHA-256 of the
/// certificate the server presented, for trust-on-first-use pinning. The HTTP answer is
/// ignored.
pub async fn probe_fingerprint(
    url: &str,
    connect_timeout: Duration,
) -> Result<Sha256Fingerprint, HttpError> {
    probe_certificate(url, connect_timeout)
        .await
        .map(|der| Sha256Fingerprint::of_der(&der))
}

/// [`probe_fingerprint`], returning the whole certificate (DER) the server presented, so that
/// a person can be shown its subject, issuer and validity before trusting it.
pub async fn probe_certificate(url: &str, connect_timeout: Duration) -> Result<Vec<u8>, HttpError> {
    let parsed = HttpTransport::parse_url(url, true)?;
    let transport = HttpTransport::new(TransportOptions {
        connect_timeout,
        timeout: connect_timeout * 2,
        max_body: 64 * 1024,
        trust: TlsTrust::Insecure,
    })?;
    let result = transport.send(Method::Get, &parsed, &[], None, true).await;
    match (transport.last_seen_certificate(), result) {
        (Some(der), _) => Ok(der),
        (None, Err(e)) => Err(e),
        (None, Ok(_)) => Err(HttpError::Client(
            "connected without seeing a certificate".to_owned(),
        )),
    }
}
