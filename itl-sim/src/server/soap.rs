//! The extension point of the HTTPS (8443) server: SOAP services (AXL, RisPort70, Control
//! Center...) register under a path prefix and answer from the model.
//!
//! ```no_run
//! use itl_sim::server::soap::{SoapContext, SoapRequest, SoapResponse, SoapService};
//!
//! struct Version;
//! impl SoapService for Version {
//!     fn handle(&self, ctx: &SoapContext<'_>, _request: &SoapRequest<'_>) -> SoapResponse {
//!         let version = ctx.sim.read(|c| itl_sim::model::version_string(c.settings().generation));
//!         SoapResponse::ok(format!("<version>{version}</version>"))
//!     }
//! }
//! # fn register(sim: &itl_sim::server::SimHandle) {
//! sim.register_soap("/axl/", std::sync::Arc::new(Version));
//! # }
//! ```
//!
//! Requests nobody registered for get CUCM's fault: HTTP 500 with a SOAP 1.1 `Fault` whose
//! text follows the stack CUCM runs there (Axis2 for AXL: `The endpoint reference (EPR) for
//! the Operation not found is …`; Axis 1 for the Serviceability APIs: `No such operation
//! '…'`).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use itl_wire::soap::SoapFault;

use crate::server::SimHandle;

/// What a SOAP service sees besides the request.
pub struct SoapContext<'a> {
    /// The node the request reached (its host name).
    pub node: &'a str,
    /// The node's index.
    pub node_index: usize,
    /// The authenticated user.
    pub user: &'a str,
    /// The simulator: [`SimHandle::read`] / [`SimHandle::write`] the model,
    /// [`SimHandle::snapshot`].
    pub sim: &'a SimHandle,
}

/// One SOAP request as the HTTPS front received it.
#[derive(Clone, Copy, Debug)]
pub struct SoapRequest<'a> {
    /// The request path (`/axl/`).
    pub path: &'a str,
    /// The SOAPAction header without quotes.
    pub soap_action: Option<&'a str>,
    /// The request body (at most 4 MiB).
    pub body: &'a [u8],
}

impl SoapRequest<'_> {
    /// The operation: the local name of the first element inside the body's SOAP `Body`.
    pub fn operation(&self) -> Option<String> {
        operation_name(self.body)
    }

    /// CUCM's fault for a request no service handles ([`unknown_request`]).
    pub fn unknown(&self) -> SoapResponse {
        unknown_request(self.path, self.soap_action, self.body)
    }
}

/// A SOAP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoapResponse {
    /// HTTP status (200, or 500 for a fault).
    pub status: u16,
    /// Content type.
    pub content_type: String,
    /// Extra headers (`Set-Cookie`...).
    pub headers: Vec<(String, String)>,
    /// The envelope.
    pub body: String,
}

impl SoapResponse {
    /// 200 with `text/xml; charset=utf-8`.
    pub fn ok(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            content_type: "text/xml; charset=utf-8".into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// 500 with a SOAP 1.1 fault envelope.
    pub fn fault(code: &str, text: &str) -> Self {
        Self {
            status: 500,
            content_type: "text/xml; charset=utf-8".into(),
            headers: Vec::new(),
            body: fault_envelope(code, text),
        }
    }
}

impl From<SoapFault> for SoapResponse {
    /// 500 with the fault's code and message.
    fn from(fault: SoapFault) -> Self {
        Self::fault(&fault.code, &fault.message)
    }
}

/// A SOAP endpoint.
pub trait SoapService: Send + Sync {
    /// Answers one POST. Runs on a blocking thread: it may take the model's lock.
    fn handle(&self, ctx: &SoapContext<'_>, request: &SoapRequest<'_>) -> SoapResponse;
}

/// A SOAP 1.1 fault envelope.
pub fn fault_envelope(code: &str, text: &str) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>{}</faultcode><faultstring>{}</faultstring><detail /></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
        crate::phone::pages::escape(code),
        crate::phone::pages::escape(text)
    )
}

/// The local name of the first element inside the SOAP `Body` (the operation), if any.
pub fn operation_name(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let mut rest = text;
    // Find the Body start tag (any prefix).
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        let end = rest.find(['>', ' ', '\t', '\n', '\r', '/'])?;
        let name = &rest[..end];
        let local = name.rsplit(':').next().unwrap_or(name);
        if local == "Body" && !name.starts_with('/') {
            break;
        }
    }
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        if rest.starts_with('!') || rest.starts_with('?') || rest.starts_with('/') {
            continue;
        }
        let end = rest.find(['>', ' ', '\t', '\n', '\r', '/'])?;
        let name = &rest[..end];
        return Some(name.rsplit(':').next().unwrap_or(name).to_owned());
    }
}

/// The fault CUCM returns for a request no service handles.
pub fn unknown_request(path: &str, soap_action: Option<&str>, body: &[u8]) -> SoapResponse {
    let operation = operation_name(body).unwrap_or_default();
    if path.starts_with("/axl") {
        let action = soap_action.unwrap_or("");
        SoapResponse::fault(
            "soapenv:Client",
            &format!(
                "The endpoint reference (EPR) for the Operation not found is /axl/services/AXLAPIService and the WSA Action = {action}"
            ),
        )
    } else {
        SoapResponse::fault(
            "soapenv:Server.userException",
            &format!("No such operation '{operation}'"),
        )
    }
}

/// RisPort70's rate limit: "Allowed Device Queries Per Minute" across the cluster, and one
/// request per minute on a node with the `risport-throttle` fault.
pub struct RisportRate {
    cluster: Mutex<VecDeque<Instant>>,
    throttled: Mutex<Vec<(usize, Instant)>>,
    /// Length of the "minute" in milliseconds (60 000; shorter in tests).
    window_ms: std::sync::atomic::AtomicU64,
}

impl Default for RisportRate {
    fn default() -> Self {
        Self {
            cluster: Mutex::default(),
            throttled: Mutex::default(),
            window_ms: std::sync::atomic::AtomicU64::new(60_000),
        }
    }
}

impl RisportRate {
    /// Makes the limit's "minute" last `window` instead (tests that exercise the rate fault
    /// without waiting a real minute). At least 1 ms.
    pub fn set_window(&self, window: Duration) {
        let ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        self.window_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Records a request; `Err(limit)` when it is over the limit.
    pub fn admit(&self, node: usize, throttled: bool, per_minute: u32) -> Result<(), u32> {
        let now = Instant::now();
        let minute =
            Duration::from_millis(self.window_ms.load(std::sync::atomic::Ordering::Relaxed));
        if throttled {
            let mut t = self.throttled.lock().unwrap_or_else(|p| p.into_inner());
            t.retain(|(_, at)| now.duration_since(*at) < minute);
            if t.iter().any(|(n, _)| *n == node) {
                return Err(1);
            }
            t.push((node, now));
        }
        let mut w = self.cluster.lock().unwrap_or_else(|p| p.into_inner());
        while w
            .front()
            .is_some_and(|at| now.duration_since(*at) >= minute)
        {
            w.pop_front();
        }
        if w.len() >= per_minute as usize {
            return Err(per_minute);
        }
        w.push_back(now);
        Ok(())
    }
}

/// The AxisFault RisPort70 returns over the rate (Cisco's typo "Reatime" included).
pub fn rate_fault(per_minute: u32) -> SoapResponse {
    SoapResponse::fault(
        "soapenv:Server.generalException",
        &format!(
            "AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is {per_minute} requests per minute."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_operation_by_local_name() {
        let body = br#"<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="x" xmlns:ns="y"><soapenv:Header/><soapenv:Body>
            <ns:executeSQLQuery><sql>select 1</sql></ns:executeSQLQuery></soapenv:Body></soapenv:Envelope>"#;
        assert_eq!(operation_name(body).as_deref(), Some("executeSQLQuery"));
        assert_eq!(
            operation_name(b"<Envelope><Body><!-- c --><op/></Body>").as_deref(),
            Some("op")
        );
        assert_eq!(operation_name(b"no xml"), None);
        assert_eq!(operation_name(&[0xff, 0xfe]), None);
    }

    #[test]
    fn throttled_nodes_get_one_request_per_minute() {
        let rate = RisportRate::default();
        assert!(rate.admit(0, true, 15).is_ok());
        assert_eq!(rate.admit(0, true, 15), Err(1));
        assert!(rate.admit(1, false, 15).is_ok());
        for _ in 0..13 {
            assert!(rate.admit(1, false, 15).is_ok());
        }
        assert_eq!(rate.admit(1, false, 15), Err(15));
    }
}
