//! SOAP response check (target `soap_response`, replayed by `itl-wire/tests/fuzz_corpus.rs`):
//! any bytes through every SOAP decoder a client or the simulator uses (AXL
//! `executeSQLQuery`, RisPort70 `selectCmDevice`, Control Center status and control, and
//! the server-side request parsers). Nothing may panic; what is decoded is bounded by the
//! input (no row, device or service without bytes behind it).

use itl_wire::soap::{axl, control_center, envelope, risport};

/// Checks one input.
pub fn check(data: &[u8]) {
    let n = data.len();
    if let Ok(rows) = axl::parse_sql_response(data) {
        assert!(rows.len() <= n);
        let _ = axl::columns(&rows);
    }
    if let Ok(result) = risport::parse_select_response(data) {
        assert!(result.nodes.len() <= n);
        assert!(result.devices().count() <= n);
        for d in result.devices() {
            let _ = d.ipv4();
        }
    }
    for info in [
        control_center::parse_service_status_response(data),
        control_center::parse_control_services_response(data),
    ]
    .into_iter()
    .flatten()
    {
        assert!(info.services.len() <= n);
        for s in &info.services {
            let _ = (s.status(), s.service(), s.is_intentionally_stopped());
        }
    }
    let _ = axl::parse_sql_request_full(data);
    let _ = risport::parse_select_request(data);
    let _ = control_center::parse_request(data);
    if let Ok(root) = envelope::parse_xml(data) {
        let _ = root.find("Fault").map(envelope::SoapFault::from_element);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = axl::parse_paging(text);
        let _ = axl::parse_soap_action(text);
    }
}
