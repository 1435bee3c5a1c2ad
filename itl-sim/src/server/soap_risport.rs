//! RisPort70 `selectCmDeviceExt` / `selectCmDevice` (cucm-interfaces.md §2), from the
//! model's phones.
//!
//! * At most [`MAX_DEVICES`] names per request; more is a fault.
//! * Selection by `Name` (case-insensitive, `*` wildcard) or `IPV4Address`; `Status`,
//!   `Model` (255 = any) and `NodeName` filters; `MaxReturnedDevices` (capped at 1000).
//! * RisPort only knows devices that registered since Cisco CallManager started: a phone that
//!   never registered is absent; a powered-off phone that was registered before is
//!   `UnRegistered` with its last node, address and reason (34 ManualPowerOff).
//! * `Httpd` is `Yes`/`No` from the phone's web access setting.
//! * The cluster-wide "Allowed Device Queries Per Minute" limit is enforced by the HTTPS
//!   front ([`crate::server::soap::RisportRate`]) before this service runs, answering with
//!   CUCM's AxisFault text ([`itl_wire::soap::risport::rate_limit_message`]).

use itl_core::cucm::Service;
use itl_wire::soap::risport::{
    CmDevice, DeviceIp, Httpd, MAX_DEVICES, RegistrationStatus, SelectCmDeviceRequest,
    SelectCmDeviceResult, parse_select_request, select_response,
};

use crate::model::Cluster;
use crate::server::soap::{SoapContext, SoapRequest, SoapResponse, SoapService};
use crate::server::wildcard;

/// `selectCmDevice` / `selectCmDeviceExt` answered by this service.
const OPERATIONS: [&str; 2] = ["selectCmDeviceExt", "selectCmDevice"];

/// The fault text for more than [`MAX_DEVICES`] items in one request.
pub fn too_many_items_message(count: usize) -> String {
    format!(
        "SelectItems has {count} items: at most {MAX_DEVICES} devices can be selected per request"
    )
}

/// The RisPort70 service.
#[derive(Clone, Copy, Debug, Default)]
pub struct RisportService;

impl SoapService for RisportService {
    fn handle(&self, ctx: &SoapContext<'_>, request: &SoapRequest<'_>) -> SoapResponse {
        let operation = request.operation().unwrap_or_default();
        if !OPERATIONS.contains(&operation.as_str()) {
            return request.unknown();
        }
        let request = match parse_select_request(request.body) {
            Ok(r) => r,
            Err(fault) => return fault.into(),
        };
        if request.items.len() > MAX_DEVICES {
            return SoapResponse::fault(
                "soapenv:Server.userException",
                &too_many_items_message(request.items.len()),
            );
        }
        let result = ctx.sim.read(|c| select(c, &request));
        SoapResponse::ok(select_response(&result))
    }
}

/// Whether `name` matches the selection item `pattern` (case-insensitive, `*` = any run).
pub(crate) fn matches_item(pattern: &str, name: &str) -> bool {
    wildcard::matches(
        &pattern.trim().to_ascii_uppercase(),
        &name.to_ascii_uppercase(),
        '*',
    )
}

/// The devices `request` selects, grouped per call-processing node.
fn select(c: &Cluster, request: &SelectCmDeviceRequest) -> SelectCmDeviceResult {
    let limit = (request.max_returned_devices as usize).clamp(1, MAX_DEVICES);
    let by_ip = request.select_by.eq_ignore_ascii_case("IPV4Address")
        || request.select_by.eq_ignore_ascii_case("IPAddress");
    let status = request.status.trim();
    // Exact items by upper-case key (one lookup per phone); wildcard items matched one by one.
    let (wild, exact): (Vec<&String>, Vec<&String>) =
        request.items.iter().partition(|i| i.contains('*'));
    let exact: std::collections::HashSet<String> = exact
        .iter()
        .map(|i| i.trim().to_ascii_uppercase())
        .collect();
    let mut devices = Vec::new();
    for phone in c.phones() {
        if devices.len() >= limit {
            break;
        }
        let key = if by_ip {
            phone.address.to_string()
        } else {
            phone.name.to_ascii_uppercase()
        };
        if !exact.contains(&key) && !wild.iter().any(|i| matches_item(i, &key)) {
            continue;
        }
        let p = c.phone_snapshot(phone);
        // Known to RisPort only if it registered since CallManager started.
        let Some(node) = p.registered_node.clone() else {
            continue;
        };
        let registered = p.registered && p.powered;
        let reg = if registered {
            RegistrationStatus::Registered
        } else {
            RegistrationStatus::UnRegistered
        };
        let wanted = match status {
            "" | "Any" => true,
            s => s.eq_ignore_ascii_case(reg.as_str()),
        };
        if !wanted
            || (request.model != 255 && request.model != p.model_code)
            || (!request.node_name.trim().is_empty()
                && !request.node_name.trim().eq_ignore_ascii_case(&node))
        {
            continue;
        }
        let mut d = CmDevice::new(p.name, node, reg);
        d.ip_addresses = vec![DeviceIp {
            ip: p.ip.to_string(),
            addr_type: Some("ipv4".to_owned()),
            attribute: Some("Unknown".to_owned()),
        }];
        d.status_reason = Some(if registered { 0 } else { p.status_reason });
        d.httpd = Some(if p.httpd { Httpd::Yes } else { Httpd::No });
        d.model = Some(p.model_code);
        d.product = Some(p.model_code);
        d.device_class = Some("Phone".to_owned());
        d.protocol = Some(p.protocol.to_owned());
        d.time_stamp = Some(p.timestamp);
        d.dir_number = Some(format!(
            "{}-{}",
            p.directory_number,
            if registered {
                "Registered"
            } else {
                "UnRegistered"
            }
        ));
        d.description = Some(p.description);
        d.active_load_id = Some(p.load_id);
        d.download_status = Some("Unknown".to_owned());
        devices.push(d);
    }
    let total = u32::try_from(devices.len()).unwrap_or(u32::MAX);
    let call_managers = c
        .nodes()
        .iter()
        .filter(|n| n.runs(Service::CallManager))
        .map(|n| n.name.clone());
    let mut result = SelectCmDeviceResult::from_nodes_and_devices(call_managers, devices);
    result.state_info = Some(format!(
        "<StateInfo><Node Name=\"sim\" SubsystemStartTime=\"0\" StateId=\"{}\" TotalItemsFound=\"{total}\" TotalItemsReturned=\"{total}\"/></StateInfo>",
        c.now()
    ));
    result
}
