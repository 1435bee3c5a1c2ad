//! AXL `resetPhone` / `restartPhone` (cucm-interfaces.md §1.6): one phone, by name. The
//! orchestrator resets phones one request at a time, in batches, per device pool; it never
//! sends `doEnterpriseParametersReset` (which restores parameter defaults).
//!
//! ```
//! use itl_wire::soap::axl_reset::{PhoneReset, parse_phone_reset_response, phone_reset_request};
//! let req = phone_reset_request("14.0", PhoneReset::Reset, "SEP001122334455");
//! assert!(req.contains("<ns:resetPhone><name>SEP001122334455</name></ns:resetPhone>"));
//! let resp = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:resetPhoneResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return>{6E4F1C3B-0000-0000-0000-000000000001}</return></ns:resetPhoneResponse></soapenv:Body></soapenv:Envelope>"#;
//! assert_eq!(parse_phone_reset_response(PhoneReset::Reset, resp).unwrap(), "{6E4F1C3B-0000-0000-0000-000000000001}");
//! ```

use super::SoapError;
use super::axl::namespace;
use super::axl::parse_return_response;
use super::envelope::{escape_text, request_envelope};

/// Which reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhoneReset {
    /// `resetPhone`: the phone reboots and downloads its lists.
    Reset,
    /// `restartPhone`: the phone restarts without a power cycle and downloads its lists.
    Restart,
}

impl PhoneReset {
    /// The operation name (`resetPhone`, `restartPhone`), also the SOAPAction's.
    pub fn operation(self) -> &'static str {
        match self {
            PhoneReset::Reset => "resetPhone",
            PhoneReset::Restart => "restartPhone",
        }
    }
}

/// The request envelope for one phone.
pub fn phone_reset_request(version: &str, kind: PhoneReset, name: &str) -> String {
    let op = kind.operation();
    request_envelope(
        "ns",
        &namespace(version),
        &format!("<ns:{op}><name>{}</name></ns:{op}>", escape_text(name)),
    )
}

/// The `<return>` of a response (the phone's UUID); faults are classified as every AXL fault.
pub fn parse_phone_reset_response(kind: PhoneReset, body: &[u8]) -> Result<String, SoapError> {
    parse_return_response(body, kind.operation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_request_escapes_the_name() {
        let req = phone_reset_request("12.5", PhoneReset::Restart, "SEP<&>");
        assert!(req.contains("<ns:restartPhone><name>SEP&lt;&amp;&gt;</name></ns:restartPhone>"));
        assert!(req.contains("http://www.cisco.com/AXL/API/12.5"));
    }

    #[test]
    fn a_response_of_another_operation_or_a_fault_is_an_error() {
        let other = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:restartPhoneResponse xmlns:ns="x"><return>{A}</return></ns:restartPhoneResponse></soapenv:Body></soapenv:Envelope>"#;
        let err = parse_phone_reset_response(PhoneReset::Reset, other).unwrap_err();
        assert!(
            err.to_string().contains("expected <resetPhoneResponse>"),
            "{err}"
        );
        assert_eq!(
            parse_phone_reset_response(PhoneReset::Restart, other).unwrap(),
            "{A}"
        );
        let fault = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Item not valid: The specified SEP1 was not found</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let err = parse_phone_reset_response(PhoneReset::Reset, fault).unwrap_err();
        assert!(err.to_string().contains("Item not valid"), "{err}");
    }
}
