//! Control Center `soapGetServiceStatus` / `soapDoControlServices` (cucm-interfaces.md §3) on
//! every node, from and onto the model's services.
//!
//! * Status: the node's services; `Started` (reason −1), administratively `Stopped` (−1069
//!   Commanded Out of Service) or not activated (`Stopped`, −1068 Service Not Activated). A
//!   requested name the node does not know is listed as `Unknown`.
//! * Control: `Restart`, `Start` and `Stop` go through [`SimHandle::service_op`]
//!   (a TFTP restart rebuilds a stale ITL when it ends); starting a started service answers
//!   −1039, stopping a stopped one −1040, either on a service not activated −1068. The
//!   answer lists the services' states afterwards: at time scale 0 the end state; with a
//!   time scale `Stopping` or `Starting` (reason −1 Successful) while the operation runs,
//!   to be polled with `soapGetServiceStatus`. A restart or start that fails (fault
//!   `restart-fails`) ends `Stopped` with reason −1019 Component is not running (in the
//!   answer at scale 0, in the status afterwards otherwise). `NodeName` must be the node
//!   called.
//!
//! [`SimHandle::service_op`]: crate::server::SimHandle::service_op

use itl_core::cucm::{Service, ServiceStatus};
use itl_wire::soap::control_center::{
    ControlCenterRequest, ControlType, REASON_ALREADY_STARTED, REASON_ALREADY_STOPPED,
    REASON_COMMANDED_OUT_OF_SERVICE, REASON_NOT_ACTIVATED, REASON_NOT_RUNNING, REASON_SUCCESSFUL,
    ServiceInfo, ServiceInformation, control_services_response, parse_request,
    service_status_response,
};

use crate::model::node::ServiceState;
use crate::model::{Cluster, ServiceOp};
use crate::server::soap::{SoapContext, SoapRequest, SoapResponse, SoapService};
use crate::server::timeline::ServiceProgress;

/// The Control Center service.
#[derive(Clone, Copy, Debug, Default)]
pub struct ControlCenterService;

impl SoapService for ControlCenterService {
    fn handle(&self, ctx: &SoapContext<'_>, request: &SoapRequest<'_>) -> SoapResponse {
        let operation = request.operation().unwrap_or_default();
        if !matches!(
            operation.as_str(),
            "soapGetServiceStatus" | "soapDoControlServices"
        ) {
            return request.unknown();
        }
        match parse_request(request.body) {
            Err(fault) => fault.into(),
            Ok(ControlCenterRequest::GetServiceStatus { services }) => {
                let info = ctx.sim.read(|c| status(c, ctx.node, &services, None));
                SoapResponse::ok(service_status_response(&info))
            }
            Ok(ControlCenterRequest::DoControlServices {
                node_name,
                control,
                services,
            }) => {
                if !node_name.trim().eq_ignore_ascii_case(ctx.node) {
                    return SoapResponse::fault(
                        "soapenv:Server.userException",
                        &format!(
                            "Invalid node name {node_name:?}: this is {}; call each node's own endpoint",
                            ctx.node
                        ),
                    );
                }
                let mut reasons = Vec::with_capacity(services.len());
                for name in &services {
                    let Some(kind) = Service::parse(name) else {
                        reasons.push(None);
                        continue;
                    };
                    reasons.push(Some(control_one(ctx, kind, control)));
                }
                let info = ctx
                    .sim
                    .read(|c| status(c, ctx.node, &services, Some(&reasons)));
                SoapResponse::ok(control_services_response(&info))
            }
        }
    }
}

/// Applies `control` to one service; the reason code to report.
fn control_one(ctx: &SoapContext<'_>, kind: Service, control: ControlType) -> i64 {
    let current = ctx.sim.read(|c| c.node(ctx.node).map(|n| n.service(kind)));
    match (current, control) {
        (None | Some(ServiceStatus::NotActivated), _) => REASON_NOT_ACTIVATED,
        (Some(ServiceStatus::Started), ControlType::Start) => REASON_ALREADY_STARTED,
        (Some(ServiceStatus::CommandedOutOfService), ControlType::Stop) => REASON_ALREADY_STOPPED,
        (Some(_), control) => {
            let op = match control {
                ControlType::Stop => ServiceOp::Stop,
                ControlType::Start => ServiceOp::Start,
                ControlType::Restart => ServiceOp::Restart,
            };
            match ctx.sim.service_op(ctx.node, kind, op) {
                Ok(progress) => match *progress.borrow() {
                    ServiceProgress::Ended(ServiceStatus::Stopped) => REASON_NOT_RUNNING,
                    _ => REASON_SUCCESSFUL,
                },
                Err(_) => REASON_NOT_ACTIVATED,
            }
        }
    }
}

fn info_of(state: &ServiceState, now: u64) -> ServiceInfo {
    let mut info = ServiceInfo::new(state.kind.control_center_name(), state.status);
    if state.status == ServiceStatus::Started {
        info.start_time = Some(state.since.to_string());
        info.up_time = Some(i64::try_from(now.saturating_sub(state.since)).unwrap_or(i64::MAX));
    }
    info
}

/// The state of `wanted` services on `node` (every service when empty); `reasons` overrides
/// the reason codes of a control request, one per wanted name.
fn status(
    c: &Cluster,
    node: &str,
    wanted: &[String],
    reasons: Option<&[Option<i64>]>,
) -> ServiceInformation {
    let now = c.now();
    let Some(n) = c.node(node) else {
        return ServiceInformation {
            return_code: Some("InvalidNodeName".to_owned()),
            ..ServiceInformation::default()
        };
    };
    let services = if wanted.is_empty() {
        n.services.iter().map(|s| info_of(s, now)).collect()
    } else {
        wanted
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let state =
                    Service::parse(name).and_then(|k| n.services.iter().find(|s| s.kind == k));
                let mut info = match state {
                    Some(s) => info_of(s, now),
                    None => {
                        let mut info = ServiceInfo::new(name.clone(), ServiceStatus::Unknown);
                        info.reason_code = Some(REASON_NOT_ACTIVATED);
                        info.reason = Some("Service Not Activated".to_owned());
                        info
                    }
                };
                if let Some(Some(code)) = reasons.and_then(|r| r.get(i)).copied() {
                    info.reason_code = Some(code);
                    info.reason = Some(reason_text(code).to_owned());
                }
                info
            })
            .collect()
    };
    ServiceInformation {
        return_code: Some("Success".to_owned()),
        reason_code: Some(REASON_SUCCESSFUL),
        reason: None,
        services,
    }
}

fn reason_text(code: i64) -> &'static str {
    match code {
        REASON_SUCCESSFUL => "Successful",
        REASON_ALREADY_STARTED => "Component already started",
        REASON_ALREADY_STOPPED => "Component already stopped",
        REASON_NOT_ACTIVATED => "Service Not Activated",
        REASON_COMMANDED_OUT_OF_SERVICE => "Commanded Out of Service",
        REASON_NOT_RUNNING => "Component is not running",
        _ => "",
    }
}
