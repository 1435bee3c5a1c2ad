//! HTTP(S) GET of trust files (CUCM's TFTP service also serves them on TCP 6970) and phone web
//! pages, on the shared [`HttpTransport`]: a connect timeout, a total timeout, a size cap, no
//! redirects, and only `200 OK` accepted.

use std::time::Duration;

use crate::tftp::DEFAULT_MAX_SIZE;
use crate::transport::{HttpTransport, Method, TlsTrust, TransportOptions};

pub use crate::transport::HttpError;

/// Settings of the HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Limit for establishing the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Limit for the whole request, from connecting to the last body byte.
    pub timeout: Duration,
    /// Largest body accepted, in bytes; checked against `Content-Length` and while streaming.
    pub max_size: u64,
}

impl Default for HttpOptions {
    /// 5 s to connect, 10 s in total, 16 MiB cap.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// A reusable HTTP client (cheap to clone; clones share one connection pool).
#[derive(Debug, Clone)]
pub struct HttpClient {
    transport: HttpTransport,
    opts: HttpOptions,
}

impl HttpClient {
    /// Builds a client: rustls with the platform's trust roots, no proxy, no redirects,
    /// no automatic decompression.
    pub fn new(opts: HttpOptions) -> Result<Self, HttpError> {
        let transport = HttpTransport::new(TransportOptions {
            connect_timeout: opts.connect_timeout,
            timeout: opts.timeout,
            max_body: opts.max_size,
            trust: TlsTrust::SystemRoots,
        })?;
        Ok(Self { transport, opts })
    }

    /// The settings this client was built with.
    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// GETs `url` (`http://` or `https://`) and returns the body of a 200 answer.
    pub async fn get(&self, url: &str) -> Result<Vec<u8>, HttpError> {
        self.get_with(url, false).await
    }

    /// [`get`](Self::get) with `Connection: close`: for the last request to a host (a
    /// phone), so the pool keeps no idle connection per host. A sweep of thousands of phones
    /// otherwise holds one idle keep-alive connection (and its buffers) per phone.
    pub async fn get_closing(&self, url: &str) -> Result<Vec<u8>, HttpError> {
        self.get_with(url, true).await
    }

    async fn get_with(&self, url: &str, close: bool) -> Result<Vec<u8>, HttpError> {
        let parsed = HttpTransport::parse_url(url, false)?;
        let answer = self
            .transport
            .send(Method::Get, &parsed, &[], None, close)
            .await?;
        match answer.status {
            200 => Ok(answer.body),
            300..=399 => Err(HttpError::Redirect {
                url: parsed.to_string(),
                status: answer.status,
                location: answer.location,
            }),
            status => Err(HttpError::Status {
                url: parsed.to_string(),
                status,
            }),
        }
    }
}
