//! Service descriptions at `?wsdl`, as CUCM serves them for RisPort70, Control Center and
//! PerfMon, so that clients that load the description from the node work. They are written by
//! us from the documented operations (cucm-interfaces.md §2–§4): document/literal SOAP 1.1,
//! namespace `http://schemas.cisco.com/ast/soap`, `SOAPAction` = the operation name, and
//! message bodies typed loosely (`xsd:anyType`), since the simulator parses requests by local
//! name. Cisco's own descriptions carry the full types (not reproduced).

use itl_wire::soap::control_center::CONTROL_CENTER_PATH;
use itl_wire::soap::envelope::escape_text;
use itl_wire::soap::perfmon::{self, PERFMON_PATH};
use itl_wire::soap::risport::RIS_PATH;

/// The namespace of the three services.
pub const NAMESPACE: &str = "http://schemas.cisco.com/ast/soap";

/// RisPort70's operations (§2).
pub const RISPORT_OPERATIONS: [&str; 3] = ["selectCmDevice", "selectCmDeviceExt", "selectCtiItem"];

/// Control Center's operations (§3).
pub const CONTROL_CENTER_OPERATIONS: [&str; 5] = [
    "soapGetServiceStatus",
    "soapDoControlServices",
    "soapDoServiceDeployment",
    "soapGetStaticServiceList",
    "getProductInformationList",
];

/// The service a path serves a description for: (service name, operations).
fn service_of(path: &str) -> Option<(&'static str, &'static [&'static str])> {
    if path.starts_with(RIS_PATH) {
        Some(("RISService70", &RISPORT_OPERATIONS))
    } else if path.starts_with(CONTROL_CENTER_PATH) {
        Some(("ControlCenterServices", &CONTROL_CENTER_OPERATIONS))
    } else if path.starts_with(PERFMON_PATH) {
        Some(("PerfmonService", &perfmon::OPERATIONS))
    } else {
        None
    }
}

/// The description of the service at `path`, with `location` (the endpoint URL) as its
/// address; `None` for a path without one.
pub fn describe(path: &str, location: &str) -> Option<String> {
    let (service, operations) = service_of(path)?;
    let mut out = String::with_capacity(4096);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push_str(&format!(
        r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="{NAMESPACE}" targetNamespace="{NAMESPACE}" name="{service}">"#
    ));
    out.push_str(&format!(
        r#"<wsdl:types><xsd:schema targetNamespace="{NAMESPACE}" elementFormDefault="qualified">"#
    ));
    for op in operations {
        out.push_str(&format!(
            r#"<xsd:element name="{op}" type="xsd:anyType"/><xsd:element name="{op}Response" type="xsd:anyType"/>"#
        ));
    }
    out.push_str("</xsd:schema></wsdl:types>");
    for op in operations {
        out.push_str(&format!(
            r#"<wsdl:message name="{op}Request"><wsdl:part name="parameters" element="tns:{op}"/></wsdl:message><wsdl:message name="{op}Response"><wsdl:part name="parameters" element="tns:{op}Response"/></wsdl:message>"#
        ));
    }
    out.push_str(&format!(r#"<wsdl:portType name="{service}PortType">"#));
    for op in operations {
        out.push_str(&format!(
            r#"<wsdl:operation name="{op}"><wsdl:input message="tns:{op}Request"/><wsdl:output message="tns:{op}Response"/></wsdl:operation>"#
        ));
    }
    out.push_str("</wsdl:portType>");
    out.push_str(&format!(
        r#"<wsdl:binding name="{service}Binding" type="tns:{service}PortType"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>"#
    ));
    for op in operations {
        out.push_str(&format!(
            r#"<wsdl:operation name="{op}"><soap:operation soapAction="{op}"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>"#
        ));
    }
    out.push_str("</wsdl:binding>");
    out.push_str(&format!(
        r#"<wsdl:service name="{service}"><wsdl:port name="{service}Port" binding="tns:{service}Binding"><soap:address location="{}"/></wsdl:port></wsdl:service></wsdl:definitions>"#,
        escape_text(location)
    ));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_wire::soap::envelope::parse_xml;

    #[test]
    fn every_documented_operation_is_described_with_its_soap_action() {
        for (path, ops) in [
            (RIS_PATH, &RISPORT_OPERATIONS[..]),
            (CONTROL_CENTER_PATH, &CONTROL_CENTER_OPERATIONS[..]),
            (PERFMON_PATH, &perfmon::OPERATIONS[..]),
        ] {
            let url = format!("https://127.0.1.1:8443{path}");
            let text = describe(path, &url).expect("described");
            let doc = parse_xml(text.as_bytes()).expect("well-formed");
            assert_eq!(doc.name, "definitions");
            let binding = doc.child("binding").expect("binding");
            let described: Vec<&str> = binding.children_named("operation").map(|_| "").collect();
            assert_eq!(described.len(), ops.len(), "{path}");
            for op in ops {
                assert!(
                    text.contains(&format!(r#"<soap:operation soapAction="{op}"/>"#)),
                    "{op}"
                );
            }
            assert!(text.contains(&format!(r#"location="{url}""#)));
        }
        assert_eq!(describe("/axl/", "x"), None);
    }
}
