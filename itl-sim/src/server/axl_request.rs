//! Plumbing shared by the AXL object operations (listPhone, resets): the parsed request, the
//! response envelope and the faults CUCM answers with (cucm-interfaces.md §1.1, §1.3).
//!
//! | problem | HTTP | faultcode | faultstring | detail |
//! |---|---|---|---|---|
//! | body is not a SOAP request | 500 | `soapenv:Client` | the parse error | — |
//! | element missing / unexpected / bad value (schema) | 500 | `soapenv:Client` | `cvc-…` text as Xerces words it (inferred) | — |
//! | the named object does not exist | 500 | `soapenv:Server` | `Item not valid: The specified <name> was not found` | `axlError{axlcode 5007, axlmessage, request}` |
//! | refused by the simulator (`doEnterpriseParametersReset`) | 500 | `soapenv:Server` | why | `axlError{axlcode 5002, …}` |

use itl_wire::soap::Element;
use itl_wire::soap::axl::{DEFAULT_VERSION, fault_response_for, namespace, parse_soap_action};
use itl_wire::soap::envelope::{escape_text, parse_request_envelope, response_envelope};

use crate::model::Cluster;
use crate::server::soap::SoapResponse;

/// `axlcode` of "Item not valid" (an object named in the request does not exist).
pub const ITEM_NOT_VALID_CODE: i64 = 5007;

/// `axlcode` of an operation the simulator refuses to perform.
pub const REFUSED_CODE: i64 = 5002;

/// How a request names its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named<'a> {
    /// By `<name>` (or a device name).
    Name(&'a str),
    /// By `<uuid>`.
    Uuid(&'a str),
}

impl Named<'_> {
    /// The name or UUID as the request wrote it.
    pub fn text(&self) -> &str {
        match self {
            Named::Name(n) | Named::Uuid(n) => n,
        }
    }

    /// The phone it names (names also compared as CUCM stores them, upper case).
    pub fn phone(&self, c: &Cluster) -> Option<usize> {
        match self {
            Named::Name(n) => c
                .phone_index(n)
                .or_else(|| c.phone_index(&n.to_ascii_uppercase())),
            Named::Uuid(u) => c.phone_index_by_uuid(u),
        }
    }
}

/// A parsed AXL request.
#[derive(Debug)]
pub struct AxlRequest {
    /// Schema version, from the operation's namespace, else the SOAPAction, else
    /// [`DEFAULT_VERSION`].
    pub version: String,
    /// The operation element (`listPhone`...).
    pub payload: Element,
}

impl AxlRequest {
    /// Parses a request body; the fault to answer with when it is not a SOAP request.
    pub fn parse(body: &[u8], soap_action: Option<&str>) -> Result<Self, SoapResponse> {
        let payload = parse_request_envelope(body).map_err(SoapResponse::from)?;
        let version = payload
            .namespace
            .as_deref()
            .and_then(itl_wire::soap::axl::version_of_namespace)
            .map(str::to_owned)
            .or_else(|| soap_action.and_then(parse_soap_action).map(|(v, _)| v))
            .unwrap_or_else(|| DEFAULT_VERSION.to_owned());
        Ok(Self { version, payload })
    }

    /// The operation name.
    pub fn operation(&self) -> &str {
        &self.payload.name
    }

    /// The response envelope: `<ns:<operation>Response xmlns:ns="…/AXL/API/<ver>">inner</…>`.
    pub fn respond(&self, inner: &str) -> SoapResponse {
        SoapResponse::ok(response_envelope(&format!(
            r#"<ns:{op}Response xmlns:ns="{ns}">{inner}</ns:{op}Response>"#,
            op = self.operation(),
            ns = escape_text(&namespace(&self.version)),
        )))
    }

    /// `<return>text</return>` as the whole response.
    pub fn respond_return(&self, text: &str) -> SoapResponse {
        self.respond(&format!("<return>{}</return>", escape_text(text)))
    }

    /// The text of a child element, trimmed; `None` when absent.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.payload.child_text(name)
    }

    /// The schema fault for a missing element: Xerces' "not complete" text.
    pub fn missing(&self, expected: &str) -> SoapResponse {
        schema_fault(&format!(
            "cvc-complex-type.2.4.b: The content of element 'ns:{}' is not complete. One of '{{{expected}}}' is expected.",
            self.operation()
        ))
    }

    /// The schema fault for an element that may not appear where it does.
    pub fn unexpected(&self, element: &str) -> SoapResponse {
        schema_fault(&format!(
            "cvc-complex-type.2.4.a: Invalid content was found starting with element '{element}'. No child element is expected at this point in 'ns:{}'.",
            self.operation()
        ))
    }

    /// The schema fault for the first child of `parent` whose name `allowed` refuses.
    pub fn only_children(
        &self,
        parent: &Element,
        allowed: impl Fn(&str) -> bool,
    ) -> Result<(), SoapResponse> {
        match parent.children.iter().find(|c| !allowed(&c.name)) {
            Some(child) => Err(self.unexpected(&child.name)),
            None => Ok(()),
        }
    }

    /// The object the request names by `<name>` or `<uuid>`, exactly one of them (its other
    /// children are the operation's to check).
    pub fn named(&self) -> Result<Named<'_>, SoapResponse> {
        match (self.child_text("name"), self.child_text("uuid")) {
            (Some(_), Some(_)) => Err(self.unexpected("uuid")),
            (Some(name), None) => Ok(Named::Name(name)),
            (None, Some(uuid)) => Ok(Named::Uuid(uuid)),
            (None, None) => Err(self.missing("name, uuid")),
        }
    }

    /// "Item not valid: The specified <what> was not found" (axlcode 5007).
    pub fn not_found(&self, what: &str) -> SoapResponse {
        axl_fault(
            ITEM_NOT_VALID_CODE,
            &format!("Item not valid: The specified {what} was not found"),
            self.operation(),
        )
    }
}

/// The schema-validation fault (`soapenv:Client`, HTTP 500).
pub fn schema_fault(message: &str) -> SoapResponse {
    SoapResponse::fault("soapenv:Client", message)
}

/// The schema fault for a bad element value (Xerces' datatype text).
pub fn bad_value(value: &str, datatype: &str) -> SoapResponse {
    schema_fault(&format!(
        "cvc-datatype-valid.1.2.1: '{value}' is not a valid value for '{datatype}'."
    ))
}

/// An AXL fault (`soapenv:Server` with `axlError`), HTTP 500.
pub fn axl_fault(code: i64, message: &str, operation: &str) -> SoapResponse {
    SoapResponse {
        status: 500,
        ..SoapResponse::ok(fault_response_for(code, message, operation))
    }
}
