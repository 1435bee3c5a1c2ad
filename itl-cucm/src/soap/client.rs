//! [`SoapClient`]: the SOAP calls over HTTPS (reqwest + rustls) with HTTP Basic auth, TLS
//! trust by pinned SHA-256 fingerprint / system roots / explicitly insecure, connect and total
//! timeouts, a body size cap, typed 401/403 and SOAP faults, and one call at a time per
//! interface (AXL, RisPort, Control Center).

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::FaultKind;
use super::axl::{self, PagingOptions, Row};
use super::control_center::{self, ControlType, ServiceInformation};
use super::envelope::{SoapError, parse_envelope};
use super::risport::{
    self, CmDevice, PacerConfig, RisPacer, SelectCmDeviceRequest, SelectCmDeviceResult,
};

/// A password or other secret: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself; use only to authenticate.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// User and password for HTTP Basic auth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The application or end user.
    pub user: String,
    /// The password (redacted in `Debug`).
    pub password: Secret,
}

impl Credentials {
    /// Credentials from a user and a password.
    pub fn new(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
        }
    }
}

/// SHA-256 of a certificate's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Fingerprint(pub [u8; 32]);

impl Sha256Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of_der(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// Lower-case hex without separators.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for Sha256Fingerprint {
    /// Upper-case hex pairs separated by colons, as OpenSSL prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Fingerprint({self})")
    }
}

/// A fingerprint string that is not 32 bytes of hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 fingerprint (64 hex digits, colons optional): {0:?}")]
pub struct FingerprintParseError(pub String);

impl FromStr for Sha256Fingerprint {
    type Err = FingerprintParseError;

    /// 64 hex digits, any case; `:`, spaces and a `sha256:` / `SHA256=` prefix are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || FingerprintParseError(s.chars().take(120).collect());
        let trimmed = s.trim();
        let lower = trimmed.to_ascii_lowercase();
        let body = ["sha256:", "sha256=", "sha-256:", "sha-256="]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
        let digits: Vec<u8> = body
            .bytes()
            .filter(|b| !matches!(b, b':' | b' ' | b'-'))
            .collect();
        if digits.len() != 64 {
            return Err(err());
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16).ok_or_else(err)?;
            let lo = (pair[1] as char).to_digit(16).ok_or_else(err)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Ok(Self(out))
    }
}

/// How the server's TLS certificate is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsTrust {
    /// The platform's trust store (CA-signed Tomcat certificates), host name checked.
    SystemRoots,
    /// Exactly this end-entity certificate (trust on first use of CUCM's self-signed Tomcat
    /// certificate); chain and host name are not checked.
    Pinned(Sha256Fingerprint),
    /// Any certificate. Explicit opt-in only.
    Insecure,
}

/// Settings of a [`SoapClient`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapClientOptions {
    /// Limit for TCP + TLS connection set-up.
    pub connect_timeout: Duration,
    /// Limit for one HTTP exchange, from connecting to the last body byte.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes.
    pub max_body: u64,
    /// AXL schema version (`SOAPAction` and namespace), e.g. `14.0`.
    pub axl_version: String,
    /// AXL paging after "Query request too large".
    pub paging: PagingOptions,
    /// RisPort pacing.
    pub ris: PacerConfig,
}

impl Default for SoapClientOptions {
    /// 5 s connect, 120 s total, 16 MiB bodies, AXL 14.0, default paging and pacing.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(120),
            max_body: 16 * 1024 * 1024,
            axl_version: axl::DEFAULT_VERSION.to_owned(),
            paging: PagingOptions::default(),
            ris: PacerConfig::default(),
        }
    }
}

/// A failed SOAP call; every variant names the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The base URL is unusable.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client or its TLS configuration could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
    /// No connection (refused, unreachable, TLS handshake failed, connect timeout).
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// The innermost cause.
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
    /// Any other non-200 status without a SOAP fault in the body.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The total timeout passed.
    #[error("{url}: no complete response within {} s", after.as_secs_f64())]
    Timeout {
        /// The URL.
        url: String,
        /// The configured timeout.
        after: Duration,
    },
    /// The body exceeds the cap.
    #[error("{url}: response body exceeds {cap} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap in bytes.
        cap: u64,
    },
    /// The exchange failed after connecting.
    #[error("{url}: request failed: {reason}")]
    Transfer {
        /// The URL.
        url: String,
        /// The innermost cause.
        reason: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
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
    /// True for HTTP 401.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ClientError::Unauthorized { .. })
    }

    /// True for the RisPort / Control Center rate-limit fault.
    pub fn is_rate_limited(&self) -> bool {
        self.soap_error().is_some_and(SoapError::is_rate_limited)
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[derive(Debug, Clone, Copy)]
enum VerifyMode {
    Pinned(Sha256Fingerprint),
    AcceptAny,
}

/// Compares the end-entity certificate's SHA-256 with the pin (or accepts any certificate),
/// records what was seen, and still verifies the handshake signatures.
#[derive(Debug)]
struct FingerprintVerifier {
    mode: VerifyMode,
    seen: Arc<StdMutex<Option<Sha256Fingerprint>>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for FingerprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let actual = Sha256Fingerprint::of_der(end_entity.as_ref());
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(actual);
        match self.mode {
            VerifyMode::AcceptAny => Ok(ServerCertVerified::assertion()),
            VerifyMode::Pinned(expected) if expected == actual => {
                Ok(ServerCertVerified::assertion())
            }
            VerifyMode::Pinned(_) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

fn rustls_config(
    mode: VerifyMode,
    seen: Arc<StdMutex<Option<Sha256Fingerprint>>>,
) -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = FingerprintVerifier {
        mode,
        seen,
        algorithms: provider.signature_verification_algorithms,
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Build(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

fn http_client(
    trust: TlsTrust,
    connect_timeout: Duration,
    timeout: Duration,
    seen: Arc<StdMutex<Option<Sha256Fingerprint>>>,
) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("itl/", env!("CARGO_PKG_VERSION")));
    match trust {
        TlsTrust::SystemRoots => {}
        TlsTrust::Pinned(fp) => {
            builder =
                builder.tls_backend_preconfigured(rustls_config(VerifyMode::Pinned(fp), seen)?);
        }
        TlsTrust::Insecure => {
            builder =
                builder.tls_backend_preconfigured(rustls_config(VerifyMode::AcceptAny, seen)?);
        }
    }
    builder
        .build()
        .map_err(|e| ClientError::Build(root_cause(&e)))
}

fn https_base(url: &str) -> Result<reqwest::Url, ClientError> {
    let invalid = |reason: String| ClientError::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    if parsed.scheme() != "https" {
        return Err(invalid(format!(
            "scheme {:?}: CUCM SOAP APIs are HTTPS only",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host".to_owned()));
    }
    Ok(parsed)
}

/// Connects to `base_url` (https) accepting any certificate and returns the SHA-256 of the
/// certificate the server presented, for trust-on-first-use pinning. The HTTP answer is
/// ignored.
pub async fn probe_fingerprint(
    base_url: &str,
    connect_timeout: Duration,
) -> Result<Sha256Fingerprint, ClientError> {
    let url = https_base(base_url)?;
    let shown = url.to_string();
    let seen = Arc::new(StdMutex::new(None));
    let client = http_client(
        TlsTrust::Insecure,
        connect_timeout,
        connect_timeout * 2,
        seen.clone(),
    )?;
    let result = client.get(url).send().await;
    let fp = *seen.lock().unwrap_or_else(|p| p.into_inner());
    match (fp, result) {
        (Some(fp), _) => Ok(fp),
        (None, Err(e)) => {
            let e = e.without_url();
            Err(ClientError::Connect {
                url: shown,
                reason: root_cause(&e),
                source: e,
            })
        }
        (None, Ok(_)) => Err(ClientError::Build(
            "connected without seeing a certificate".to_owned(),
        )),
    }
}

struct Inner {
    http: reqwest::Client,
    base: reqwest::Url,
    credentials: Credentials,
    opts: SoapClientOptions,
    pinned: Option<Sha256Fingerprint>,
    seen: Arc<StdMutex<Option<Sha256Fingerprint>>>,
    axl: Mutex<()>,
    ris: Mutex<RisPacer>,
    control: Mutex<()>,
}

/// SOAP client for one CUCM node (cheap to clone; clones share connections, locks and the
/// RisPort pacer). Calls to one interface run one at a time.
#[derive(Clone)]
pub struct SoapClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for SoapClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapClient")
            .field("base", &self.inner.base.as_str())
            .field("user", &self.inner.credentials.user)
            .field("pinned", &self.inner.pinned)
            .finish_non_exhaustive()
    }
}

impl SoapClient {
    /// A client for `base_url` (e.g. `https://cucm-pub:8443`; paths are appended per
    /// interface).
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        trust: TlsTrust,
        opts: SoapClientOptions,
    ) -> Result<Self, ClientError> {
        let base = https_base(base_url)?;
        let seen = Arc::new(StdMutex::new(None));
        let http = http_client(trust, opts.connect_timeout, opts.timeout, seen.clone())?;
        let pinned = match trust {
            TlsTrust::Pinned(fp) => Some(fp),
            _ => None,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                credentials,
                pinned,
                seen,
                axl: Mutex::new(()),
                ris: Mutex::new(RisPacer::new(opts.ris.clone())),
                control: Mutex::new(()),
                opts,
            }),
        })
    }

    /// A client for `https://<host>:8443`.
    pub fn for_host(
        host: &str,
        credentials: Credentials,
        trust: TlsTrust,
        opts: SoapClientOptions,
    ) -> Result<Self, ClientError> {
        let host = host.trim();
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        Self::new(&format!("https://{host}:8443"), credentials, trust, opts)
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The settings in use.
    pub fn options(&self) -> &SoapClientOptions {
        &self.inner.opts
    }

    /// The fingerprint of the last certificate seen (pinned or insecure mode).
    pub fn last_seen_fingerprint(&self) -> Option<Sha256Fingerprint> {
        *self.inner.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// POSTs one SOAP request (no interface lock) and returns the body of a 200 answer.
    /// 401/403 are typed; another status with a SOAP fault body gives the classified fault.
    pub async fn post(
        &self,
        path: &str,
        soap_action: &str,
        body: String,
    ) -> Result<Vec<u8>, ClientError> {
        let url = self
            .inner
            .base
            .join(path)
            .map_err(|e| ClientError::InvalidUrl {
                url: path.to_owned(),
                reason: e.to_string(),
            })?;
        let shown = url.to_string();
        let timeout = self.inner.opts.timeout;
        match tokio::time::timeout(timeout, self.exchange(url, soap_action, body, &shown)).await {
            Ok(result) => result,
            Err(_) => Err(ClientError::Timeout {
                url: shown,
                after: timeout,
            }),
        }
    }

    async fn exchange(
        &self,
        url: reqwest::Url,
        soap_action: &str,
        body: String,
        shown: &str,
    ) -> Result<Vec<u8>, ClientError> {
        tracing::debug!(url = shown, soap_action, "SOAP request");
        let creds = &self.inner.credentials;
        let mut response = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml;charset=UTF-8")
            .header(reqwest::header::ACCEPT, "text/xml")
            .header("SOAPAction", soap_action)
            .basic_auth(&creds.user, Some(creds.password.expose()))
            .body(body)
            .send()
            .await
            .map_err(|e| self.classify(e, shown))?;
        let status = response.status();
        match status.as_u16() {
            401 => {
                return Err(ClientError::Unauthorized {
                    url: shown.to_owned(),
                });
            }
            403 => {
                return Err(ClientError::Forbidden {
                    url: shown.to_owned(),
                });
            }
            _ => {}
        }
        let cap = self.inner.opts.max_body;
        let too_large = || ClientError::TooLarge {
            url: shown.to_owned(),
            cap,
        };
        if response.content_length().is_some_and(|n| n > cap) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.classify(e, shown))?
        {
            if bytes.len() as u64 + chunk.len() as u64 > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if status == reqwest::StatusCode::OK {
            return Ok(bytes);
        }
        match parse_envelope(&bytes) {
            Err(source) if source.fault().is_some() => Err(ClientError::Soap {
                url: shown.to_owned(),
                source,
            }),
            _ => Err(ClientError::Status {
                url: shown.to_owned(),
                status: status.as_u16(),
            }),
        }
    }

    fn classify(&self, error: reqwest::Error, shown: &str) -> ClientError {
        let url = shown.to_owned();
        if let Some(expected) = self.inner.pinned
            && let Some(actual) = self.last_seen_fingerprint()
            && actual != expected
        {
            return ClientError::PinMismatch {
                url,
                expected,
                actual,
            };
        }
        if error.is_timeout() && !error.is_connect() {
            return ClientError::Timeout {
                url,
                after: self.inner.opts.timeout,
            };
        }
        let error = error.without_url();
        let reason = root_cause(&error);
        if error.is_connect() {
            ClientError::Connect {
                url,
                reason,
                source: error,
            }
        } else {
            ClientError::Transfer {
                url,
                reason,
                source: error,
            }
        }
    }

    async fn axl_call(&self, sql: String) -> Result<Vec<Row>, ClientError> {
        let version = &self.inner.opts.axl_version;
        let body = self
            .post(
                axl::AXL_PATH,
                &axl::soap_action(version, axl::EXECUTE_SQL_QUERY),
                axl::sql_request(version, &sql),
            )
            .await?;
        axl::parse_sql_response(&body).map_err(|source| self.soap_error(axl::AXL_PATH, source))
    }

    fn soap_error(&self, path: &str, source: SoapError) -> ClientError {
        ClientError::Soap {
            url: self
                .inner
                .base
                .join(path)
                .map_or_else(|_| path.to_owned(), |u| u.to_string()),
            source,
        }
    }

    /// AXL `executeSQLQuery`, one request. A too-large result is
    /// [`SoapError::QueryTooLarge`] inside [`ClientError::Soap`].
    pub async fn execute_sql(&self, sql: &str) -> Result<Vec<Row>, ClientError> {
        let _guard = self.inner.axl.lock().await;
        self.axl_call(sql.to_owned()).await
    }

    /// AXL `executeSQLQuery` with paging: on "Query request too large" the query is re-run
    /// as `SKIP n FIRST m` pages ([`axl::query_all`]) while holding the AXL lock.
    pub async fn execute_sql_all(&self, sql: &str) -> Result<Vec<Row>, ClientError> {
        let _guard = self.inner.axl.lock().await;
        axl::query_all(sql, self.inner.opts.paging, |q| self.axl_call(q)).await
    }

    async fn ris_call(
        &self,
        request: &SelectCmDeviceRequest,
    ) -> Result<SelectCmDeviceResult, ClientError> {
        let xml = request
            .to_xml()
            .map_err(|e| self.soap_error(risport::RIS_PATH, e))?;
        let body = self
            .post(
                risport::RIS_PATH,
                &format!("\"{}\"", risport::SELECT_CM_DEVICE_EXT),
                xml,
            )
            .await?;
        risport::parse_select_response(&body).map_err(|e| self.soap_error(risport::RIS_PATH, e))
    }

    /// One paced RisPort `selectCmDeviceExt` (backs off and retries on the rate fault).
    pub async fn select_cm_device_ext(
        &self,
        request: &SelectCmDeviceRequest,
    ) -> Result<SelectCmDeviceResult, ClientError> {
        let mut pacer = self.inner.ris.lock().await;
        pacer.run(|| self.ris_call(request)).await
    }

    /// Registration state of the phones `names`: chunks of ≤ 1000 names, paced to the
    /// configured requests per minute, backing off on the rate fault.
    pub async fn registration(&self, names: &[String]) -> Result<Vec<CmDevice>, ClientError> {
        let mut pacer = self.inner.ris.lock().await;
        pacer
            .select_all(
                names,
                |request| async move { self.ris_call(&request).await },
            )
            .await
    }

    async fn control_call(
        &self,
        action: &str,
        xml: String,
        parse: fn(&[u8]) -> Result<ServiceInformation, SoapError>,
    ) -> Result<ServiceInformation, ClientError> {
        let _guard = self.inner.control.lock().await;
        let body = self
            .post(
                control_center::CONTROL_CENTER_PATH,
                &format!("\"{action}\""),
                xml,
            )
            .await?;
        parse(&body).map_err(|e| self.soap_error(control_center::CONTROL_CENTER_PATH, e))
    }

    /// Control Center `soapGetServiceStatus`; empty `services` = every service.
    pub async fn service_status<S: AsRef<str>>(
        &self,
        services: &[S],
    ) -> Result<ServiceInformation, ClientError> {
        self.control_call(
            control_center::GET_SERVICE_STATUS,
            control_center::get_service_status_request(services),
            control_center::parse_service_status_response,
        )
        .await
    }

    /// Control Center `soapDoControlServices` on `node_name` (this client's node).
    pub async fn control_services<S: AsRef<str>>(
        &self,
        node_name: &str,
        control: ControlType,
        services: &[S],
    ) -> Result<ServiceInformation, ClientError> {
        self.control_call(
            control_center::DO_CONTROL_SERVICES,
            control_center::do_control_services_request(node_name, control, services),
            control_center::parse_control_services_response,
        )
        .await
    }
}
