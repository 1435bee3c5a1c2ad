//! HTTP(S) GET of trust files (CUCM's TFTP service also serves them on TCP 6970), with a
//! connect timeout, a total timeout, a size cap and no redirects.

use std::time::Duration;

use crate::tftp::DEFAULT_MAX_SIZE;

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

/// A failed HTTP fetch; every variant names the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL cannot be fetched over HTTP(S).
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// No connection could be established.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// The innermost cause, e.g. `Connection refused (os error 111)`.
        reason: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with a status other than 200 and other than a redirect.
    #[error("HTTP {status} {} from {url}", reason_phrase(*status))]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The server answered with a redirect, which is not followed.
    #[error("HTTP {status} {} from {url}: redirect to {} not followed", reason_phrase(*status), location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        /// The URL.
        url: String,
        /// The status code (3xx).
        status: u16,
        /// The `Location` header, if present and printable.
        location: Option<String>,
    },
    /// The body is larger than the size cap.
    #[error("{url}: {}", too_large_text(*announced, *cap))]
    TooLarge {
        /// The URL.
        url: String,
        /// `Content-Length`, when the cap was hit that way.
        announced: Option<u64>,
        /// The configured cap in bytes.
        cap: u64,
    },
    /// The total timeout passed before the body was complete.
    #[error("{url}: no complete response within {} s", after.as_secs_f64())]
    Timeout {
        /// The URL.
        url: String,
        /// The configured total timeout.
        after: Duration,
    },
    /// The request or the body transfer failed after connecting.
    #[error("HTTP request to {url} failed: {reason}")]
    Transfer {
        /// The URL.
        url: String,
        /// The innermost cause.
        reason: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
}

fn reason_phrase(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

fn too_large_text(announced: Option<u64>, cap: u64) -> String {
    match announced {
        Some(size) => format!("Content-Length {size} exceeds the size cap of {cap} bytes"),
        None => format!("body exceeds the size cap of {cap} bytes"),
    }
}

/// The innermost error in a chain: the message that says what really happened.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

impl HttpError {
    /// True for a 404 answer.
    pub fn is_not_found(&self) -> bool {
        matches!(self, HttpError::Status { status: 404, .. })
    }

    /// True when no connection could be made (refused, unroutable, connect timeout).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HttpError::Connect { .. })
    }

    /// The HTTP status, when the server answered with one that was not accepted.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } | HttpError::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A reusable HTTP client (cheap to clone; clones share one connection pool).
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    opts: HttpOptions,
}

impl HttpClient {
    /// Builds a client: rustls with the platform's trust roots, no proxy, no redirects,
    /// no automatic decompression.
    pub fn new(opts: HttpOptions) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("itl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(HttpError::Client)?;
        Ok(Self { client, opts })
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
        let parsed = reqwest::Url::parse(url).map_err(|e| HttpError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(HttpError::InvalidUrl {
                url: url.to_owned(),
                reason: format!("scheme {:?} is not http or https", parsed.scheme()),
            });
        }
        let shown = parsed.to_string();
        match tokio::time::timeout(self.opts.timeout, self.get_parsed(parsed, &shown, close)).await
        {
            Ok(result) => result,
            Err(_elapsed) => Err(HttpError::Timeout {
                url: shown,
                after: self.opts.timeout,
            }),
        }
    }

    async fn get_parsed(
        &self,
        url: reqwest::Url,
        shown: &str,
        close: bool,
    ) -> Result<Vec<u8>, HttpError> {
        let cap = self.opts.max_size;
        let mut request = self.client.get(url);
        if close {
            request = request.header(reqwest::header::CONNECTION, "close");
        }
        let mut response = request.send().await.map_err(|e| self.classify(e, shown))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().filter(|c| !c.is_control()).take(200).collect());
            return Err(HttpError::Redirect {
                url: shown.to_owned(),
                status: status.as_u16(),
                location,
            });
        }
        if status != reqwest::StatusCode::OK {
            return Err(HttpError::Status {
                url: shown.to_owned(),
                status: status.as_u16(),
            });
        }
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
        Ok(body)
    }

    fn classify(&self, error: reqwest::Error, shown: &str) -> HttpError {
        let url = shown.to_owned();
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
