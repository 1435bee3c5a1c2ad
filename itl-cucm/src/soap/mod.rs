//! CUCM SOAP interfaces (cucm-interfaces.md §1–§3): AXL `executeSQLQuery`, RisPort70
//! `selectCmDeviceExt` and Control Center `soapGetServiceStatus` / `soapDoControlServices`.
//!
//! Every interface has both sides as pure functions over bytes and strings, so the tool and a
//! CUCM simulator share one codec:
//!
//! * client side: request builders ([`axl::sql_request`],
//!   [`risport::SelectCmDeviceRequest::to_xml`], [`control_center::get_service_status_request`],
//!   …) and response parsers that turn faults into typed [`SoapError`]s
//!   ([`SoapError::QueryTooLarge`], [`SoapError::RateLimited`], …);
//! * server side: request parsers returning the [`SoapFault`] to answer with, and response and
//!   fault builders.
//!
//! Responses are parsed by local element name ([`envelope`]); prefixes and namespace
//! declarations may be anywhere. [`client::SoapClient`] runs the calls over HTTPS with Basic
//! auth, certificate pinning, timeouts, a body cap, per-interface serialisation, AXL paging and
//! RisPort pacing.

pub mod axl;
pub mod client;
pub mod control_center;
pub mod envelope;
pub mod risport;

pub use client::{
    ClientError, Credentials, FingerprintParseError, Secret, Sha256Fingerprint, SoapClient,
    SoapClientOptions, TlsTrust, probe_fingerprint,
};
pub use envelope::{Element, SoapError, SoapFault, XmlError};

/// Errors that may carry a SOAP-level error; lets the AXL pager and the RisPort pacer recognise
/// "query too large" and "rate limited" whatever transport error type wraps them.
pub trait FaultKind {
    /// The SOAP-level error inside, if any.
    fn soap_error(&self) -> Option<&SoapError>;
}

impl FaultKind for SoapError {
    fn soap_error(&self) -> Option<&SoapError> {
        Some(self)
    }
}
