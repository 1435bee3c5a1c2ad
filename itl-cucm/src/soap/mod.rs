//! The SOAP clients: [`AxlClient`] (publisher), [`RisPortClient`] and [`ControlCenterClient`]
//! (per node), each on one service URL used exactly as given, over the shared HTTP transport
//! (Basic auth, TLS pinning, timeouts, a body cap). The message shapes are `itl_wire::soap`'s;
//! this module adds what only a client does: one call at a time per interface, AXL paging
//! ([`paging`]) and RisPort pacing ([`pacer`]).

pub mod axl;
pub mod budget;
pub mod control_center;
pub mod endpoint;
pub mod error;
pub mod pacer;
pub mod paging;
pub mod risport;

pub use axl::AxlClient;
pub use control_center::ControlCenterClient;
pub use endpoint::{SoapEndpoint, SoapOptions};
pub use error::ClientError;
pub use risport::RisPortClient;

use itl_wire::soap::SoapError;

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
