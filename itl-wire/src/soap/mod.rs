//! CUCM SOAP interfaces (cucm-interfaces.md §1–§3). Every interface has both sides as pure
//! functions over bytes and strings:
//!
//! * client side: request builders ([`axl::sql_request`],
//!   [`risport::SelectCmDeviceRequest::to_xml`], [`control_center::get_service_status_request`],
//!   …) and response parsers that turn faults into typed [`SoapError`]s
//!   ([`SoapError::QueryTooLarge`], [`SoapError::RateLimited`], …);
//! * server side: request parsers returning the [`SoapFault`] to answer with, and response and
//!   fault builders.
//!
//! Responses are parsed by local element name ([`envelope`]); prefixes and namespace
//! declarations may be anywhere.

pub mod axl;
pub mod axl_capf;
pub mod axl_reset;
pub mod axl_version;
pub mod control_center;
pub mod envelope;
pub mod perfmon;
pub mod process_node;
pub mod risport;

pub use envelope::{Element, SoapError, SoapFault, XmlError};

/// The HTTPS URL of a service `path` (`/axl/`, `/realtimeservice2/services/RISService70`...)
/// on `host`'s port 8443, IPv6 addresses in brackets.
pub fn service_url(host: &str, path: &str) -> String {
    let host = host.trim();
    if host.contains(':') && !host.starts_with('[') {
        format!("https://[{host}]:8443{path}")
    } else {
        format!("https://{host}:8443{path}")
    }
}
