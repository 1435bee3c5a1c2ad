//! [`HttpError`]: why an HTTP(S) exchange failed. Every variant names the URL (the peer), so
//! a message alone says which node or phone failed and how.

use std::time::Duration;

use itl_wire::Sha256Fingerprint;

/// A failed HTTP(S) exchange.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL cannot be used.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client or its TLS configuration could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// No connection (refused, unreachable, TLS handshake failed, connect timeout).
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
    /// The server's certificate is not the pinned one.
    #[error("{url}: server certificate SHA-256 {actual} does not match the pinned {expected}")]
    PinMismatch {
        /// The URL.
        url: String,
        /// The pinned fingerprint.
        expected: Sha256Fingerprint,
        /// The fingerprint the server presented.
        actual: Sha256Fingerprint,
    },
    /// The server answered with a status the caller does not accept.
    #[error("HTTP {status} {} from {url}", reason_phrase(*status))]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The server answered with a redirect, which is never followed.
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
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
