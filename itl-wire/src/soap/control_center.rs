//! Control Center Services (cucm-interfaces.md §3): `soapGetServiceStatus` and
//! `soapDoControlServices` codecs for both sides. Both responses carry a
//! `ServiceInformationResponse`.

use std::str::FromStr;

use itl_core::cucm::{Service, ServiceStatus};

use super::envelope::{
    Element, SoapError, SoapFault, escape_text, leaf, parse_request_envelope, parse_response_named,
    request_envelope, response_envelope,
};
use super::risport::NAMESPACE;

/// The Control Center endpoint path (per node).
pub const CONTROL_CENTER_PATH: &str = "/controlcenterservice2/services/ControlCenterServices";

/// `soapGetServiceStatus` (also the `SOAPAction`).
pub const GET_SERVICE_STATUS: &str = "soapGetServiceStatus";

/// `soapDoControlServices` (also the `SOAPAction`).
pub const DO_CONTROL_SERVICES: &str = "soapDoControlServices";

/// Reason code −1: Successful.
pub const REASON_SUCCESSFUL: i64 = -1;
/// Reason code −1019: Component is not running.
pub const REASON_NOT_RUNNING: i64 = -1019;
/// Reason code −1039: Component already started.
pub const REASON_ALREADY_STARTED: i64 = -1039;
/// Reason code −1040: Component already stopped.
pub const REASON_ALREADY_STOPPED: i64 = -1040;
/// Reason code −1068: Service Not Activated (intentional, not a failure).
pub const REASON_NOT_ACTIVATED: i64 = -1068;
/// Reason code −1069: Commanded Out of Service (intentional, not a failure).
pub const REASON_COMMANDED_OUT_OF_SERVICE: i64 = -1069;

/// `ControlType` of `soapDoControlServices`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlType {
    /// `Start`.
    Start,
    /// `Stop`.
    Stop,
    /// `Restart`.
    Restart,
}

impl ControlType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "Start",
            Self::Stop => "Stop",
            Self::Restart => "Restart",
        }
    }
}

itl_core::named!(ControlType, as_str);

impl FromStr for ControlType {
    type Err = SoapFault;

    /// Case-insensitive `Start` / `Stop` / `Restart`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "start" => Ok(Self::Start),
            "stop" => Ok(Self::Stop),
            "restart" => Ok(Self::Restart),
            _ => Err(SoapFault::client(format!("unknown ControlType {s:?}"))),
        }
    }
}

/// The wire value of `ServiceStatus` for a state: Control Center says `Stopped` for the
/// intentional states and tells them apart by reason code.
fn wire_status(status: ServiceStatus) -> &'static str {
    match status {
        ServiceStatus::Started => "Started",
        ServiceStatus::Starting => "Starting",
        ServiceStatus::Stopping => "Stopping",
        ServiceStatus::Stopped
        | ServiceStatus::NotActivated
        | ServiceStatus::CommandedOutOfService => "Stopped",
        ServiceStatus::Unknown => "Unknown",
    }
}

/// The state a `ServiceStatus` value and reason code mean (case-insensitive; unknown or missing
/// values are [`ServiceStatus::Unknown`]).
pub fn status_of(wire: &str, reason_code: Option<i64>) -> ServiceStatus {
    match wire.trim().to_ascii_lowercase().as_str() {
        "started" => ServiceStatus::Started,
        "starting" => ServiceStatus::Starting,
        "stopping" => ServiceStatus::Stopping,
        "stopped" => match reason_code {
            Some(REASON_NOT_ACTIVATED) => ServiceStatus::NotActivated,
            Some(REASON_COMMANDED_OUT_OF_SERVICE) => ServiceStatus::CommandedOutOfService,
            _ => ServiceStatus::Stopped,
        },
        _ => ServiceStatus::Unknown,
    }
}

/// One `ServiceInfoList/item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// `ServiceName`, e.g. `Cisco Tftp`.
    pub name: String,
    /// `ServiceStatus`, as sent (`Started`, `Stopped`...).
    pub status_text: String,
    /// `ReasonCode` (negative codes; see the `REASON_*` constants).
    pub reason_code: Option<i64>,
    /// `ReasonCodeString`.
    pub reason: Option<String>,
    /// `StartTime`, as sent.
    pub start_time: Option<String>,
    /// `UpTime` in seconds.
    pub up_time: Option<i64>,
}

impl ServiceInfo {
    /// A service in `status`, with the reason code and text Control Center sends for it
    /// (−1 Successful when started, −1068 / −1069 for the intentional states).
    pub fn new(name: impl Into<String>, status: ServiceStatus) -> Self {
        let (reason_code, reason) = match status {
            ServiceStatus::Started => (Some(REASON_SUCCESSFUL), Some("Successful")),
            ServiceStatus::NotActivated => {
                (Some(REASON_NOT_ACTIVATED), Some("Service Not Activated"))
            }
            ServiceStatus::CommandedOutOfService => (
                Some(REASON_COMMANDED_OUT_OF_SERVICE),
                Some("Commanded Out of Service"),
            ),
            ServiceStatus::Stopped => (Some(REASON_NOT_RUNNING), Some("Component is not running")),
            _ => (None, None),
        };
        Self {
            name: name.into(),
            status_text: wire_status(status).to_owned(),
            reason_code,
            reason: reason.map(str::to_owned),
            start_time: None,
            up_time: None,
        }
    }

    /// The service's state (the status text and reason code together).
    pub fn status(&self) -> ServiceStatus {
        status_of(&self.status_text, self.reason_code)
    }

    /// The service this entry names, if `itl` knows it.
    pub fn service(&self) -> Option<Service> {
        Service::parse(&self.name)
    }

    /// "Service Not Activated" or "Commanded Out of Service": stopped on purpose.
    pub fn is_intentionally_stopped(&self) -> bool {
        matches!(
            self.reason_code,
            Some(REASON_NOT_ACTIVATED | REASON_COMMANDED_OUT_OF_SERVICE)
        )
    }

    fn from_element(item: &Element) -> Self {
        Self {
            name: item
                .child_text("ServiceName")
                .unwrap_or_default()
                .to_owned(),
            status_text: item
                .child_text("ServiceStatus")
                .unwrap_or_default()
                .trim()
                .to_owned(),
            reason_code: item.child_text("ReasonCode").and_then(|t| t.parse().ok()),
            reason: item
                .child_text_nonempty("ReasonCodeString")
                .map(str::to_owned),
            start_time: item.child_text_nonempty("StartTime").map(str::to_owned),
            up_time: item.child_text("UpTime").and_then(|t| t.parse().ok()),
        }
    }

    fn to_xml(&self) -> String {
        let mut out = String::from("<item>");
        out.push_str(&leaf("", "ServiceName", &self.name));
        out.push_str(&leaf("", "ServiceStatus", &self.status_text));
        if let Some(c) = self.reason_code {
            out.push_str(&leaf("", "ReasonCode", &c.to_string()));
        }
        if let Some(r) = &self.reason {
            out.push_str(&leaf("", "ReasonCodeString", r));
        }
        if let Some(s) = &self.start_time {
            out.push_str(&leaf("", "StartTime", s));
        }
        if let Some(u) = self.up_time {
            out.push_str(&leaf("", "UpTime", &u.to_string()));
        }
        out.push_str("</item>");
        out
    }
}

/// `ServiceInformationResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceInformation {
    /// `ReturnCode`, when sent.
    pub return_code: Option<String>,
    /// `ReasonCode`, when sent.
    pub reason_code: Option<i64>,
    /// `ReasonString`, when sent.
    pub reason: Option<String>,
    /// `ServiceInfoList/item*`.
    pub services: Vec<ServiceInfo>,
}

impl ServiceInformation {
    /// A response listing `services` and nothing else.
    pub fn with_services(services: Vec<ServiceInfo>) -> Self {
        Self {
            services,
            ..Self::default()
        }
    }

    /// The service named `name`, compared case-insensitively ("Cisco Tftp" / "Cisco TFTP").
    pub fn service(&self, name: &str) -> Option<&ServiceInfo> {
        self.services
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
    }

    fn to_xml(&self) -> String {
        let mut out = String::new();
        if let Some(r) = &self.return_code {
            out.push_str(&leaf("", "ReturnCode", r));
        }
        if let Some(c) = self.reason_code {
            out.push_str(&leaf("", "ReasonCode", &c.to_string()));
        }
        if let Some(r) = &self.reason {
            out.push_str(&leaf("", "ReasonString", r));
        }
        out.push_str("<ServiceInfoList>");
        for s in &self.services {
            out.push_str(&s.to_xml());
        }
        out.push_str("</ServiceInfoList>");
        out
    }
}

/// The `soapGetServiceStatus` request; an empty `services` asks for every service.
pub fn get_service_status_request<S: AsRef<str>>(services: &[S]) -> String {
    let inner = if services.is_empty() {
        "<soap:ServiceStatus></soap:ServiceStatus>".to_owned()
    } else {
        services
            .iter()
            .map(|s| leaf("soap", "ServiceStatus", s.as_ref()))
            .collect()
    };
    request_envelope(
        "soap",
        NAMESPACE,
        &format!("<soap:soapGetServiceStatus>{inner}</soap:soapGetServiceStatus>"),
    )
}

/// The `soapDoControlServices` request for `node_name`.
pub fn do_control_services_request<S: AsRef<str>>(
    node_name: &str,
    control: ControlType,
    services: &[S],
) -> String {
    let items: String = services
        .iter()
        .map(|s| leaf("soap", "item", s.as_ref()))
        .collect();
    request_envelope(
        "soap",
        NAMESPACE,
        &format!(
            "<soap:soapDoControlServices><soap:ControlServiceRequest>{}{}<soap:ServiceList>{items}</soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices>",
            leaf("soap", "NodeName", node_name),
            leaf("soap", "ControlType", control.as_str()),
        ),
    )
}

fn parse_information(body: &[u8], operation: &str) -> Result<ServiceInformation, SoapError> {
    let payload = parse_response_named(body, &[&format!("{operation}Response")])?;
    let ret = payload
        .child(&format!("{operation}Return"))
        .ok_or_else(|| SoapError::Unexpected(format!("no <{operation}Return>")))?;
    Ok(ServiceInformation {
        return_code: ret.child_text_nonempty("ReturnCode").map(str::to_owned),
        reason_code: ret.child_text("ReasonCode").and_then(|t| t.parse().ok()),
        reason: ret.child_text_nonempty("ReasonString").map(str::to_owned),
        services: ret
            .child("ServiceInfoList")
            .map(|l| {
                l.children_named("item")
                    .map(ServiceInfo::from_element)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Parses a `soapGetServiceStatusResponse`.
pub fn parse_service_status_response(body: &[u8]) -> Result<ServiceInformation, SoapError> {
    parse_information(body, GET_SERVICE_STATUS)
}

/// Parses a `soapDoControlServicesResponse`.
pub fn parse_control_services_response(body: &[u8]) -> Result<ServiceInformation, SoapError> {
    parse_information(body, DO_CONTROL_SERVICES)
}

/// A parsed Control Center request (server side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlCenterRequest {
    /// `soapGetServiceStatus`; empty = all services.
    GetServiceStatus {
        /// The non-empty `ServiceStatus` values.
        services: Vec<String>,
    },
    /// `soapDoControlServices`.
    DoControlServices {
        /// `NodeName`.
        node_name: String,
        /// `ControlType`.
        control: ControlType,
        /// `ServiceList/item` values.
        services: Vec<String>,
    },
}

/// Server side: reads a `soapGetServiceStatus` or `soapDoControlServices` request.
pub fn parse_request(body: &[u8]) -> Result<ControlCenterRequest, SoapFault> {
    let payload = parse_request_envelope(body)?;
    match payload.name.as_str() {
        GET_SERVICE_STATUS => Ok(ControlCenterRequest::GetServiceStatus {
            services: payload
                .children_named("ServiceStatus")
                .map(|s| s.text.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        }),
        DO_CONTROL_SERVICES => {
            let req = payload
                .child("ControlServiceRequest")
                .ok_or_else(|| SoapFault::client("no ControlServiceRequest"))?;
            let control = req
                .child_text("ControlType")
                .ok_or_else(|| SoapFault::client("no ControlType"))?
                .parse()?;
            Ok(ControlCenterRequest::DoControlServices {
                node_name: req.child_text("NodeName").unwrap_or_default().to_owned(),
                control,
                services: req
                    .child("ServiceList")
                    .map(|l| {
                        l.children_named("item")
                            .map(|i| i.text.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        }
        other => Err(SoapFault::client(format!(
            "unsupported Control Center operation {other}"
        ))),
    }
}

fn information_response(operation: &str, info: &ServiceInformation) -> String {
    response_envelope(&format!(
        r#"<ns:{operation}Response xmlns:ns="{}"><{operation}Return>{}</{operation}Return></ns:{operation}Response>"#,
        escape_text(NAMESPACE),
        info.to_xml()
    ))
}

/// Server side: the `soapGetServiceStatusResponse` envelope.
pub fn service_status_response(info: &ServiceInformation) -> String {
    information_response(GET_SERVICE_STATUS, info)
}

/// Server side: the `soapDoControlServicesResponse` envelope.
pub fn control_services_response(info: &ServiceInformation) -> String {
    information_response(DO_CONTROL_SERVICES, info)
}
