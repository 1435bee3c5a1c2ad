//! RisPort70 `selectCmDeviceExt` (cucm-interfaces.md §2): request and response codecs for both
//! sides and the rate-limit fault.

use super::envelope::{
    Element, SoapError, SoapFault, escape_text, fault_response, leaf, parse_request_named,
    parse_response_named, request_envelope, response_envelope,
};

/// The RisPort70 endpoint path (any node).
pub const RIS_PATH: &str = "/realtimeservice2/services/RISService70";

/// Namespace of RisPort70, Control Center and PerfMon.
pub const NAMESPACE: &str = "http://schemas.cisco.com/ast/soap";

/// The operation name (also the `SOAPAction`).
pub const SELECT_CM_DEVICE_EXT: &str = "selectCmDeviceExt";

/// Most devices per response, hence most names per request.
pub const MAX_DEVICES: usize = 1000;

/// The default of the Enterprise Parameter *Allowed Device Queries Per Minute*.
pub const DEFAULT_PER_MINUTE: u32 = 15;

/// `CmSelectionCriteria` plus `StateInfo`: one `selectCmDeviceExt` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectCmDeviceRequest {
    /// Change-detection token from the previous response (empty the first time).
    pub state_info: String,
    /// `MaxReturnedDevices` (≤ 1000).
    pub max_returned_devices: u32,
    /// `DeviceClass` (Any, Phone, Gateway, …).
    pub device_class: String,
    /// `Model` enum (255 = any).
    pub model: u32,
    /// `Status` (Any, Registered, UnRegistered, …).
    pub status: String,
    /// `NodeName` (empty = all nodes).
    pub node_name: String,
    /// `SelectBy` (Name, IPV4Address, IPV6Address, DirNumber, Description).
    pub select_by: String,
    /// `SelectItems/item/Item` values.
    pub items: Vec<String>,
    /// `Protocol` (Any, SCCP, SIP, Unknown).
    pub protocol: String,
    /// `DownloadStatus` (Any, Upgrading, Successful, Failed, Unknown).
    pub download_status: String,
}

impl SelectCmDeviceRequest {
    /// Phones selected by name: MaxReturnedDevices 1000, DeviceClass Phone, Model 255,
    /// Status Any, NodeName empty, SelectBy Name, Protocol Any, DownloadStatus Any.
    pub fn by_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            state_info: String::new(),
            max_returned_devices: MAX_DEVICES as u32,
            device_class: "Phone".to_owned(),
            model: 255,
            status: "Any".to_owned(),
            node_name: String::new(),
            select_by: "Name".to_owned(),
            items: names.into_iter().map(Into::into).collect(),
            protocol: "Any".to_owned(),
            download_status: "Any".to_owned(),
        }
    }

    /// The request envelope. Fails for more than [`MAX_DEVICES`] items or
    /// `MaxReturnedDevices` above it.
    pub fn to_xml(&self) -> Result<String, SoapError> {
        if self.items.len() > MAX_DEVICES {
            return Err(SoapError::InvalidRequest(format!(
                "{} select items; at most {MAX_DEVICES} per request",
                self.items.len()
            )));
        }
        if self.max_returned_devices as usize > MAX_DEVICES {
            return Err(SoapError::InvalidRequest(format!(
                "MaxReturnedDevices {} exceeds {MAX_DEVICES}",
                self.max_returned_devices
            )));
        }
        let items: String = self
            .items
            .iter()
            .map(|i| format!("<soap:item>{}</soap:item>", leaf("soap", "Item", i)))
            .collect();
        let body = format!(
            "<soap:selectCmDeviceExt>{}<soap:CmSelectionCriteria>{}{}{}{}{}{}<soap:SelectItems>{items}</soap:SelectItems>{}{}</soap:CmSelectionCriteria></soap:selectCmDeviceExt>",
            leaf("soap", "StateInfo", &self.state_info),
            leaf(
                "soap",
                "MaxReturnedDevices",
                &self.max_returned_devices.to_string()
            ),
            leaf("soap", "DeviceClass", &self.device_class),
            leaf("soap", "Model", &self.model.to_string()),
            leaf("soap", "Status", &self.status),
            leaf("soap", "NodeName", &self.node_name),
            leaf("soap", "SelectBy", &self.select_by),
            leaf("soap", "Protocol", &self.protocol),
            leaf("soap", "DownloadStatus", &self.download_status),
        );
        Ok(request_envelope("soap", NAMESPACE, &body))
    }
}

/// Registration status of a device (`CmDevRegStat`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RegistrationStatus {
    /// `Registered`.
    Registered,
    /// `UnRegistered`.
    UnRegistered,
    /// `Rejected`.
    Rejected,
    /// `PartiallyRegistered`.
    PartiallyRegistered,
    /// `Unknown` or missing.
    Unknown,
    /// Any other value, as sent.
    Other(String),
}

impl RegistrationStatus {
    /// Reads the wire value (case-insensitive).
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "registered" => Self::Registered,
            "unregistered" => Self::UnRegistered,
            "rejected" => Self::Rejected,
            "partiallyregistered" => Self::PartiallyRegistered,
            "unknown" | "" => Self::Unknown,
            _ => Self::Other(s.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Registered => "Registered",
            Self::UnRegistered => "UnRegistered",
            Self::Rejected => "Rejected",
            Self::PartiallyRegistered => "PartiallyRegistered",
            Self::Unknown => "Unknown",
            Self::Other(s) => s,
        }
    }
}

itl_core::named!(RegistrationStatus, as_str);

/// Whether the phone's web server is enabled (`CmDevHttpd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Httpd {
    /// `Yes`.
    Yes,
    /// `No`: skip web scraping.
    No,
    /// `Unknown` or anything else.
    Unknown,
}

impl Httpd {
    /// Reads the wire value (case-insensitive).
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" => Self::Yes,
            "no" => Self::No,
            _ => Self::Unknown,
        }
    }

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "Yes",
            Self::No => "No",
            Self::Unknown => "Unknown",
        }
    }
}

/// One `IPAddress/item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceIp {
    /// `IP`.
    pub ip: String,
    /// `IPAddrType` (`ipv4` / `ipv6`).
    pub addr_type: Option<String>,
    /// `Attribute` (Unknown, Adminstrative, Signaling, AdministrativeAndSignaling).
    pub attribute: Option<String>,
}

/// One `CmDevice`, with the node that reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmDevice {
    /// `Name`, e.g. `SEP001122334455`.
    pub name: String,
    /// `Name` of the enclosing `CmNode`.
    pub node: String,
    /// `IPAddress/item` entries (a bare `IpAddress`/`IPAddress` text is taken as one entry).
    pub ip_addresses: Vec<DeviceIp>,
    /// `Status`.
    pub status: RegistrationStatus,
    /// `StatusReason` (0 Registered, 6 ConnectivityError, …).
    pub status_reason: Option<u32>,
    /// `Httpd`.
    pub httpd: Option<Httpd>,
    /// `Model` enum.
    pub model: Option<u32>,
    /// `Product` enum.
    pub product: Option<u32>,
    /// `DeviceClass`.
    pub device_class: Option<String>,
    /// `Protocol` (SIP, SCCP, …).
    pub protocol: Option<String>,
    /// `TimeStamp`: Unix seconds of the last state change.
    pub time_stamp: Option<u64>,
    /// `DirNumber`.
    pub dir_number: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `ActiveLoadID`.
    pub active_load_id: Option<String>,
    /// `DownloadStatus`.
    pub download_status: Option<String>,
}

impl CmDevice {
    /// A device with only name, node and status set.
    pub fn new(
        name: impl Into<String>,
        node: impl Into<String>,
        status: RegistrationStatus,
    ) -> Self {
        Self {
            name: name.into(),
            node: node.into(),
            ip_addresses: Vec::new(),
            status,
            status_reason: None,
            httpd: None,
            model: None,
            product: None,
            device_class: None,
            protocol: None,
            time_stamp: None,
            dir_number: None,
            description: None,
            active_load_id: None,
            download_status: None,
        }
    }

    /// The first IPv4 address (or the first address of unknown type).
    pub fn ipv4(&self) -> Option<&str> {
        self.ip_addresses
            .iter()
            .find(|a| {
                a.addr_type
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case("ipv4"))
            })
            .map(|a| a.ip.as_str())
    }

    fn from_element(item: &Element, node: &str) -> Self {
        let text = |n: &str| item.child_text_nonempty(n).map(str::to_owned);
        let number = |n: &str| item.child_text(n).and_then(|t| t.parse().ok());
        let mut ip_addresses = Vec::new();
        for name in ["IPAddress", "IpAddress", "IPv6Address"] {
            let Some(el) = item.child(name) else { continue };
            if el.has_children() {
                ip_addresses.extend(el.children_named("item").filter_map(|i| {
                    Some(DeviceIp {
                        ip: i.child_text_nonempty("IP")?.to_owned(),
                        addr_type: i.child_text_nonempty("IPAddrType").map(str::to_owned),
                        attribute: i.child_text_nonempty("Attribute").map(str::to_owned),
                    })
                }));
            } else if !el.text.trim().is_empty() {
                ip_addresses.push(DeviceIp {
                    ip: el.text.trim().to_owned(),
                    addr_type: None,
                    attribute: None,
                });
            }
        }
        Self {
            name: item.child_text("Name").unwrap_or_default().to_owned(),
            node: node.to_owned(),
            ip_addresses,
            status: RegistrationStatus::parse(item.child_text("Status").unwrap_or_default()),
            status_reason: number("StatusReason"),
            httpd: item.child_text_nonempty("Httpd").map(Httpd::parse),
            model: number("Model"),
            product: number("Product"),
            device_class: text("DeviceClass"),
            protocol: text("Protocol"),
            time_stamp: item.child_text("TimeStamp").and_then(|t| t.parse().ok()),
            dir_number: text("DirNumber"),
            description: text("Description"),
            active_load_id: text("ActiveLoadID"),
            download_status: text("DownloadStatus"),
        }
    }

    fn to_xml(&self) -> String {
        let mut out = String::from("<item>");
        let mut push = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                out.push_str(&leaf("", name, &v));
            }
        };
        push("Name", Some(self.name.clone()));
        push("DirNumber", self.dir_number.clone());
        push("DeviceClass", self.device_class.clone());
        push("Model", self.model.map(|m| m.to_string()));
        push("Product", self.product.map(|m| m.to_string()));
        push("Httpd", self.httpd.map(|h| h.as_str().to_owned()));
        push("Status", Some(self.status.as_str().to_owned()));
        push("StatusReason", self.status_reason.map(|m| m.to_string()));
        push("Description", self.description.clone());
        push("TimeStamp", self.time_stamp.map(|m| m.to_string()));
        push("Protocol", self.protocol.clone());
        push("ActiveLoadID", self.active_load_id.clone());
        push("DownloadStatus", self.download_status.clone());
        out.push_str("<IPAddress>");
        for ip in &self.ip_addresses {
            out.push_str("<item>");
            out.push_str(&leaf("", "IP", &ip.ip));
            if let Some(t) = &ip.addr_type {
                out.push_str(&leaf("", "IPAddrType", t));
            }
            if let Some(a) = &ip.attribute {
                out.push_str(&leaf("", "Attribute", a));
            }
            out.push_str("</item>");
        }
        out.push_str("</IPAddress></item>");
        out
    }
}

/// One `CmNodes/item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmNode {
    /// `Name` of the node.
    pub name: String,
    /// `ReturnCode` (Ok, NotFound, InvalidRequest, InternalError, NodeNotResponding,
    /// InvalidNodeName).
    pub return_code: String,
    /// `NoChange`, when sent.
    pub no_change: Option<bool>,
    /// `CmDevices/item*`.
    pub devices: Vec<CmDevice>,
}

impl CmNode {
    /// A node that answered (`ReturnCode` `Ok`, no `NoChange`) with `devices`.
    pub fn ok(name: impl Into<String>, devices: Vec<CmDevice>) -> Self {
        Self {
            name: name.into(),
            return_code: "Ok".to_owned(),
            no_change: None,
            devices,
        }
    }
}

/// A parsed `selectCmDeviceResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectCmDeviceResult {
    /// `TotalDevicesFound`.
    pub total_devices_found: Option<u32>,
    /// `CmNodes/item*`.
    pub nodes: Vec<CmNode>,
    /// `StateInfo` (sibling of the result), when sent.
    pub state_info: Option<String>,
}

impl SelectCmDeviceResult {
    /// Every device of every node.
    pub fn devices(&self) -> impl Iterator<Item = &CmDevice> {
        self.nodes.iter().flat_map(|n| n.devices.iter())
    }

    /// A result with one `Ok` node per distinct `CmDevice::node`, in first-seen order, and
    /// `TotalDevicesFound` = number of devices.
    pub fn from_devices(devices: impl IntoIterator<Item = CmDevice>) -> Self {
        Self::from_nodes_and_devices(Vec::<String>::new(), devices)
    }

    /// A result with one `Ok` node per name of `nodes` first (in that order, also when it has
    /// no device), then one per other distinct `CmDevice::node` in first-seen order; every
    /// device under its node; `TotalDevicesFound` = number of devices.
    pub fn from_nodes_and_devices(
        nodes: impl IntoIterator<Item = String>,
        devices: impl IntoIterator<Item = CmDevice>,
    ) -> Self {
        let mut nodes: Vec<CmNode> = nodes
            .into_iter()
            .map(|name| CmNode::ok(name, Vec::new()))
            .collect();
        let mut total = 0u32;
        for d in devices {
            total = total.saturating_add(1);
            match nodes.iter_mut().find(|n| n.name == d.node) {
                Some(node) => node.devices.push(d),
                None => nodes.push(CmNode::ok(d.node.clone(), vec![d])),
            }
        }
        Self {
            total_devices_found: Some(total),
            nodes,
            state_info: None,
        }
    }
}

/// Parses a `selectCmDeviceResponse` (`selectCmDeviceReturn/SelectCmDeviceResult/CmNodes/
/// item/CmDevices/item`) by local names. The rate-limit fault is [`SoapError::RateLimited`].
pub fn parse_select_response(body: &[u8]) -> Result<SelectCmDeviceResult, SoapError> {
    let payload = parse_response_named(
        body,
        &["selectCmDeviceResponse", "selectCmDeviceExtResponse"],
    )?;
    let ret = payload
        .child("selectCmDeviceReturn")
        .ok_or_else(|| SoapError::Unexpected("no <selectCmDeviceReturn>".to_owned()))?;
    let Some(result) = ret.child("SelectCmDeviceResult") else {
        return Err(SoapError::Unexpected(
            "no <SelectCmDeviceResult>".to_owned(),
        ));
    };
    let total_devices_found = result
        .child_text("TotalDevicesFound")
        .and_then(|t| t.parse().ok());
    let nodes = result
        .child("CmNodes")
        .map(|n| {
            n.children_named("item")
                .map(|node| {
                    let name = node.child_text("Name").unwrap_or_default().to_owned();
                    let devices = node
                        .child("CmDevices")
                        .map(|d| {
                            d.children_named("item")
                                .map(|item| CmDevice::from_element(item, &name))
                                .collect()
                        })
                        .unwrap_or_default();
                    CmNode {
                        return_code: node.child_text("ReturnCode").unwrap_or_default().to_owned(),
                        no_change: node.child_text("NoChange").and_then(|t| {
                            match t.to_ascii_lowercase().as_str() {
                                "true" | "1" => Some(true),
                                "false" | "0" => Some(false),
                                _ => None,
                            }
                        }),
                        name,
                        devices,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let state_info = ret
        .child("StateInfo")
        .or_else(|| result.child("StateInfo"))
        .map(|s| s.text.clone());
    Ok(SelectCmDeviceResult {
        total_devices_found,
        nodes,
        state_info,
    })
}

/// Server side: reads a `selectCmDeviceExt` (or `selectCmDevice`) request. Missing criteria
/// take the [`SelectCmDeviceRequest::by_names`] defaults; a non-numeric `MaxReturnedDevices`
/// or `Model` is a client fault.
pub fn parse_select_request(body: &[u8]) -> Result<SelectCmDeviceRequest, SoapFault> {
    let payload = parse_request_named(body, &["selectCmDeviceExt", "selectCmDevice"])?;
    let criteria = payload
        .child("CmSelectionCriteria")
        .ok_or_else(|| SoapFault::client("no CmSelectionCriteria"))?;
    let mut req = SelectCmDeviceRequest::by_names(Vec::<String>::new());
    req.state_info = payload
        .child_text("StateInfo")
        .unwrap_or_default()
        .to_owned();
    let number = |name: &str, default: u32| -> Result<u32, SoapFault> {
        match criteria.child_text_nonempty(name) {
            None => Ok(default),
            Some(t) => t
                .parse()
                .map_err(|_| SoapFault::client(format!("{name} {t:?} is not a number"))),
        }
    };
    req.max_returned_devices = number("MaxReturnedDevices", req.max_returned_devices)?;
    req.model = number("Model", req.model)?;
    let text = |name: &str, target: &mut String| {
        if let Some(t) = criteria.child_text(name) {
            *target = t.to_owned();
        }
    };
    text("DeviceClass", &mut req.device_class);
    text("Status", &mut req.status);
    text("NodeName", &mut req.node_name);
    text("SelectBy", &mut req.select_by);
    text("Protocol", &mut req.protocol);
    text("DownloadStatus", &mut req.download_status);
    req.items = criteria
        .child("SelectItems")
        .map(|s| {
            s.children_named("item")
                .filter_map(|i| i.child_text_nonempty("Item").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(req)
}

/// Server side: the `selectCmDeviceResponse` envelope for `result`.
pub fn select_response(result: &SelectCmDeviceResult) -> String {
    let mut nodes = String::new();
    for node in &result.nodes {
        nodes.push_str("<item>");
        nodes.push_str(&leaf("", "ReturnCode", &node.return_code));
        nodes.push_str(&leaf("", "Name", &node.name));
        if let Some(nc) = node.no_change {
            nodes.push_str(&leaf("", "NoChange", if nc { "true" } else { "false" }));
        }
        nodes.push_str("<CmDevices>");
        for d in &node.devices {
            nodes.push_str(&d.to_xml());
        }
        nodes.push_str("</CmDevices></item>");
    }
    let total = result.total_devices_found.map_or_else(String::new, |t| {
        leaf("", "TotalDevicesFound", &t.to_string())
    });
    let state = result
        .state_info
        .as_deref()
        .map_or_else(String::new, |s| leaf("", "StateInfo", s));
    response_envelope(&format!(
        r#"<ns:selectCmDeviceResponse xmlns:ns="{}"><ns:selectCmDeviceReturn><SelectCmDeviceResult>{total}<CmNodes>{nodes}</CmNodes></SelectCmDeviceResult>{state}</ns:selectCmDeviceReturn></ns:selectCmDeviceResponse>"#,
        escape_text(NAMESPACE)
    ))
}

/// The rate-limit fault text, as CUCM words it (including its "Reatime" typo).
pub fn rate_limit_message(per_minute: u32) -> String {
    format!(
        "AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is {per_minute} requests per minute."
    )
}

/// Server side: the rate-limit fault envelope (`soapenv:Server`, HTTP 500).
pub fn rate_limit_fault(per_minute: u32) -> String {
    fault_response("soapenv:Server", &rate_limit_message(per_minute))
}
