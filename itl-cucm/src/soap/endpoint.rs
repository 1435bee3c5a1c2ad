//! [`SoapEndpoint`]: one SOAP service URL, used exactly as given (the cluster file's), with
//! HTTP Basic credentials, over the shared [`HttpTransport`].

use std::time::Duration;

use itl_wire::soap::envelope::parse_envelope;

use super::error::ClientError;
use crate::secrets::Credentials;
use crate::transport::{HttpError, HttpTransport, Method, TlsTrust, TransportOptions};

/// Connection settings of every SOAP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapOptions {
    /// Limit for TCP + TLS connection set-up.
    pub connect_timeout: Duration,
    /// Limit for one HTTP exchange, from connecting to the last body byte.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes.
    pub max_body: u64,
}

impl Default for SoapOptions {
    /// 5 s connect, 120 s total, 16 MiB bodies.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(120),
            max_body: 16 * 1024 * 1024,
        }
    }
}

/// One SOAP service: its URL, the credentials and the transport.
#[derive(Debug, Clone)]
pub struct SoapEndpoint {
    transport: HttpTransport,
    url: reqwest::Url,
    credentials: Credentials,
}

impl SoapEndpoint {
    /// An endpoint at `url` (HTTPS only; used as given), trusting the server as `trust` says.
    pub fn new(
        url: &str,
        credentials: Credentials,
        trust: TlsTrust,
        opts: &SoapOptions,
    ) -> Result<Self, ClientError> {
        let url = HttpTransport::parse_url(url, true)?;
        let transport = HttpTransport::new(TransportOptions {
            connect_timeout: opts.connect_timeout,
            timeout: opts.timeout,
            max_body: opts.max_body,
            trust,
        })?;
        Ok(Self {
            transport,
            url,
            credentials,
        })
    }

    /// The service URL.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// The transport (for the fingerprint a server presented).
    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    /// POSTs one SOAP envelope and returns the body of a 200 answer. 401/403 are typed;
    /// another status with a SOAP fault body gives the classified fault.
    pub async fn post(&self, soap_action: &str, body: &str) -> Result<Vec<u8>, ClientError> {
        self.post_with(Some(soap_action), body).await
    }

    /// [`SoapEndpoint::post`] with or without a `SOAPAction` header (AXL's version-less
    /// request goes without one).
    pub async fn post_with(
        &self,
        soap_action: Option<&str>,
        body: &str,
    ) -> Result<Vec<u8>, ClientError> {
        let shown = self.url.to_string();
        tracing::debug!(url = shown, soap_action, "SOAP request");
        let mut headers = vec![
            ("Content-Type", "text/xml;charset=UTF-8"),
            ("Accept", "text/xml"),
        ];
        if let Some(action) = soap_action {
            headers.push(("SOAPAction", action));
        }
        let answer = self
            .transport
            .send(
                Method::Post(body),
                &self.url,
                &headers,
                Some(&self.credentials),
                false,
            )
            .await?;
        match answer.status {
            200 => Ok(answer.body),
            401 => Err(ClientError::Unauthorized { url: shown }),
            403 => Err(ClientError::Forbidden { url: shown }),
            status => match parse_envelope(&answer.body) {
                Err(source) if source.fault().is_some() => {
                    Err(ClientError::Soap { url: shown, source })
                }
                _ => Err(ClientError::Http(HttpError::Status { url: shown, status })),
            },
        }
    }

    /// A SOAP-level error of this endpoint's answer.
    pub fn soap_error(&self, source: itl_wire::soap::SoapError) -> ClientError {
        ClientError::Soap {
            url: self.url.to_string(),
            source,
        }
    }
}
