//! [`ClientError`]: why a SOAP call failed — the HTTP exchange ([`HttpError`], naming the URL),
//! the credentials (401), the user's roles (403), or a SOAP fault or unusable answer.

use itl_wire::soap::SoapError;

use super::FaultKind;
use crate::transport::HttpError;

/// A failed SOAP call; every variant names the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The HTTP exchange failed (connect, TLS pin, timeout, size cap, unexpected status...).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// HTTP 401: bad credentials.
    #[error("{url}: HTTP 401 Unauthorized (bad user or password)")]
    Unauthorized {
        /// The URL.
        url: String,
    },
    /// HTTP 403: the user lacks the role for this API.
    #[error("{url}: HTTP 403 Forbidden (user lacks the API role)")]
    Forbidden {
        /// The URL.
        url: String,
    },
    /// A SOAP fault or an unusable SOAP response.
    #[error("{}{source}", if url.is_empty() { String::new() } else { format!("{url}: ") })]
    Soap {
        /// The URL (empty when raised outside an exchange).
        url: String,
        /// The SOAP-level error.
        #[source]
        source: SoapError,
    },
}

impl From<SoapError> for ClientError {
    fn from(source: SoapError) -> Self {
        ClientError::Soap {
            url: String::new(),
            source,
        }
    }
}

impl FaultKind for ClientError {
    fn soap_error(&self) -> Option<&SoapError> {
        match self {
            ClientError::Soap { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl ClientError {
    /// The SOAP-level error, if this is one.
    pub fn soap_error_ref(&self) -> Option<&SoapError> {
        match self {
            ClientError::Soap { source, .. } => Some(source),
            _ => None,
        }
    }

    /// True for HTTP 401.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ClientError::Unauthorized { .. })
    }

    /// True for the RisPort / Control Center rate-limit fault.
    pub fn is_rate_limited(&self) -> bool {
        self.soap_error().is_some_and(SoapError::is_rate_limited)
    }
}
