//! AXL `updatePhone` with `certificateOperation`: the CAPF operation that re-issues a phone's
//! LSC at its next reset (the request shape is inferred: cucm-interfaces.md §1.5 documents
//! the field on `getPhone` only). The phones' CAPF state is read with SQL
//! ([`super::axl::sql::PHONE_LSC`]): `tkcertificatestatus` 3 is "Upgrade Success" (an LSC
//! is installed), 2 "Operation Pending".
//!
//! ```
//! use itl_wire::soap::axl_capf::{CapfOperation, certificate_operation_request};
//! let req = certificate_operation_request("14.0", "SEP001122334455", CapfOperation::InstallUpgrade);
//! assert!(req.contains("<ns:updatePhone><name>SEP001122334455</name><certificateOperation>Install/Upgrade</certificateOperation></ns:updatePhone>"));
//! ```

use super::SoapError;
use super::axl::namespace;
use super::axl::parse_return_response;
use super::envelope::{escape_text, request_envelope};

/// The operation name (and SOAPAction's).
pub const UPDATE_PHONE: &str = "updatePhone";

/// `tkcertificatestatus` of a phone whose LSC is installed ("Upgrade Success").
pub const STATUS_UPGRADE_SUCCESS: &str = "3";
/// `tkcertificateoperation` of a pending `Install/Upgrade`.
pub const OPERATION_INSTALL_UPGRADE: &str = "2";
/// `tkcertificatestatus` while an operation waits for the phone ("Operation Pending").
pub const STATUS_OPERATION_PENDING: &str = "2";

/// A CAPF certificate operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapfOperation {
    /// `Install/Upgrade`: issue (again) an LSC at the phone's next reset.
    InstallUpgrade,
    /// `No Pending Operation`: cancel a pending operation.
    None,
}

impl CapfOperation {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            CapfOperation::InstallUpgrade => "Install/Upgrade",
            CapfOperation::None => "No Pending Operation",
        }
    }
}

/// The request envelope.
pub fn certificate_operation_request(version: &str, name: &str, op: CapfOperation) -> String {
    request_envelope(
        "ns",
        &namespace(version),
        &format!(
            "<ns:{UPDATE_PHONE}><name>{}</name><certificateOperation>{}</certificateOperation></ns:{UPDATE_PHONE}>",
            escape_text(name),
            op.as_str()
        ),
    )
}

/// The `<return>` of the response (the phone's UUID).
pub fn parse_update_phone_response(body: &[u8]) -> Result<String, SoapError> {
    parse_return_response(body, UPDATE_PHONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_request_and_responses() {
        let req = certificate_operation_request("12.5", "SEP&1", CapfOperation::None);
        assert!(req.contains("<name>SEP&amp;1</name><certificateOperation>No Pending Operation</certificateOperation>"));
        let ok = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:updatePhoneResponse xmlns:ns="x"><return>{B}</return></ns:updatePhoneResponse></soapenv:Body></soapenv:Envelope>"#;
        assert_eq!(parse_update_phone_response(ok).unwrap(), "{B}");
        let other = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:resetPhoneResponse xmlns:ns="x"><return>{B}</return></ns:resetPhoneResponse></soapenv:Body></soapenv:Envelope>"#;
        let err = parse_update_phone_response(other).unwrap_err();
        assert!(
            err.to_string().contains("expected <updatePhoneResponse>"),
            "{err}"
        );
    }
}
