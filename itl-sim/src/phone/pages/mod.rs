//! The web pages a phone serves (`cucm-interfaces.md` §8), per model family:
//!
//! | path | 78xx / 88xx / 99xx | 79xx |
//! |---|---|---|
//! | `/CGI/Java/Serviceability?adapter=device.statistics.configuration` | Network Setup, [`modern`] layout | Network Configuration, [`classic`] layout |
//! | `/CGI/Java/Serviceability?adapter=device.settings.status.messages` | Status messages | Status messages |
//! | `/CGI/Java/Serviceability?adapter=device.statistics.device`, `/`, `/DeviceInformation` | Device information | Device information |
//! | `/NetworkConfiguration` | — (404) | Network Configuration |
//! | `/DeviceInformationX` | XML ([`xml`]) | XML |
//! | `/NetworkConfigurationX` | XML | XML |
//!
//! Trust fields: `ITL file` and `ITL signature` show the MD5 of the held ITL in upper-case hex
//! (`Not Installed` / empty when none), `CTL file` the MD5 of the held CTL or nothing, `TVS`
//! the addresses of the CallManager group's TVS servers, `TFTP server 1` the TFTP node's
//! address. 79xx pages write the labels capitalised (`ITL File`, `TFTP Server 1`).

pub mod classic;
pub mod modern;
pub mod xml;

use std::net::Ipv4Addr;

use crate::model::Cluster;
use crate::phone::{Phone, PhoneModel, Protocol};

/// Everything a page shows, copied out of the model so rendering holds no lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageData {
    /// Device name.
    pub name: String,
    /// MAC, 12 upper-case hex digits.
    pub mac: String,
    /// Model.
    pub model: PhoneModel,
    /// Protocol.
    pub protocol: Protocol,
    /// Address.
    pub address: Ipv4Addr,
    /// Directory number.
    pub directory_number: String,
    /// Active load.
    pub load_id: String,
    /// Serial number.
    pub serial: String,
    /// TFTP server 1 and 2.
    pub tftp: Vec<Ipv4Addr>,
    /// TVS servers.
    pub tvs: Vec<Ipv4Addr>,
    /// CallManager group members (name, active).
    pub cucm: Vec<(String, bool)>,
    /// MD5 of the held ITL, upper-case hex.
    pub itl_md5: Option<String>,
    /// The ITL was rejected against the CTL.
    pub itl_not_installed: bool,
    /// MD5 of the held CTL, upper-case hex.
    pub ctl_md5: Option<String>,
    /// `Non-secure`, `Authenticated` or `Encrypted` (the phone's security profile).
    pub security_mode: &'static str,
    /// CAPF server (`host:3804`).
    pub capf: String,
    /// Web access enabled.
    pub web_access: bool,
    /// Status messages, oldest first (time, text).
    pub messages: Vec<(u64, String)>,
}

impl PageData {
    /// Copies what the pages of phone `index` show.
    pub fn of(cluster: &Cluster, index: usize) -> Option<Self> {
        let phone: &Phone = cluster.phones().get(index)?;
        let nodes = cluster.nodes();
        let pool = cluster.device_pools().get(phone.device_pool);
        let tftp = pool
            .map(|p| {
                p.tftp
                    .iter()
                    .filter_map(|&n| nodes.get(n))
                    .map(|n| n.address)
                    .collect()
            })
            .unwrap_or_default();
        let members = cluster.tvs_servers(phone);
        let md5 = |id| cluster.archive().get(id).map(|f| f.md5_upper());
        Some(Self {
            name: phone.name.clone(),
            mac: phone.mac.to_string(),
            model: phone.model,
            protocol: phone.protocol,
            address: phone.address,
            directory_number: phone.directory_number.clone(),
            load_id: phone.model.load_id(phone.protocol),
            serial: format!("FCH{}", &phone.mac.to_string()[4..]),
            tftp,
            tvs: members
                .iter()
                .filter_map(|&n| nodes.get(n))
                .map(|n| n.address)
                .collect(),
            cucm: members
                .iter()
                .enumerate()
                .filter_map(|(i, &n)| nodes.get(n).map(|n| (n.name.clone(), i == 0)))
                .collect(),
            itl_md5: phone.itl.and_then(md5),
            itl_not_installed: phone.itl_not_installed,
            ctl_md5: phone.ctl.and_then(md5),
            security_mode: phone.security_profile.mode.page_name(),
            capf: format!("{}:3804", nodes[0].name),
            web_access: phone.web_access,
            messages: phone
                .log
                .entries()
                .map(|e| (e.time, e.text.to_string()))
                .collect(),
        })
    }

    /// The trust fields as (label, value), in page order.
    pub fn trust_fields(&self) -> Vec<(&'static str, String)> {
        let itl = match (&self.itl_md5, self.itl_not_installed) {
            (Some(md5), _) => md5.clone(),
            (None, true) => "Not Installed".into(),
            (None, false) => "No".into(),
        };
        vec![
            ("Security mode", self.security_mode.into()),
            ("Web access enabled", yes_no(self.web_access)),
            ("CTL file", self.ctl_md5.clone().unwrap_or_default()),
            ("ITL file", itl),
            ("ITL signature", self.itl_md5.clone().unwrap_or_default()),
            ("CAPF server", self.capf.clone()),
            ("TVS", join(&self.tvs)),
            (
                "TFTP server 1",
                self.tftp.first().map(|a| a.to_string()).unwrap_or_default(),
            ),
            (
                "TFTP server 2",
                self.tftp.get(1).map(|a| a.to_string()).unwrap_or_default(),
            ),
        ]
    }

    /// The network fields before the trust fields, as (label, value).
    pub fn network_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "DHCP server",
                self.tftp.first().map(|a| a.to_string()).unwrap_or_default(),
            ),
            ("MAC address", self.mac.clone()),
            ("Host name", self.name.clone()),
            ("Domain name", String::new()),
            ("IP address", self.address.to_string()),
            ("Subnet mask", "255.0.0.0".into()),
            ("Default router", "127.0.0.1".into()),
            ("DNS server 1", String::new()),
            ("Operational VLAN ID", String::new()),
            ("Admin. VLAN ID", "1".into()),
        ]
    }

    /// The last messages first-to-last, at most 30.
    pub fn last_messages(&self) -> &[(u64, String)] {
        let start = self.messages.len().saturating_sub(30);
        &self.messages[start..]
    }
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.into()
}

fn join(addresses: &[Ipv4Addr]) -> String {
    addresses
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Escapes text for HTML and XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// Calendar parts of Unix seconds: (year, month, day, hour, minute, second).
pub fn civil(secs: u64) -> (u64, u64, u64, u64, u64, u64) {
    let (y, mo, d, h, mi, s) = itl_core::UnixTime::from_secs_u64(secs).to_civil();
    (
        u64::try_from(y).unwrap_or(0),
        u64::from(mo),
        u64::from(d),
        u64::from(h),
        u64::from(mi),
        u64::from(s),
    )
}

/// Which page a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// Network Setup / Network Configuration.
    NetworkSetup,
    /// Status messages.
    StatusMessages,
    /// Device information (HTML).
    DeviceInformation,
    /// `/DeviceInformationX`.
    DeviceInformationX,
    /// `/NetworkConfigurationX`.
    NetworkConfigurationX,
}

/// Routes a request target (`path?query`) for a model.
pub fn route(target: &str, model: PhoneModel) -> Option<Page> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let classic = model.family().classic_pages();
    match path {
        "/CGI/Java/Serviceability" => {
            let adapter = query.split('&').find_map(|kv| {
                kv.strip_prefix("adapter=")
                    .or_else(|| kv.strip_prefix("adapterX="))
            })?;
            match adapter {
                "device.statistics.configuration" => Some(Page::NetworkSetup),
                "device.settings.status.messages" => Some(Page::StatusMessages),
                "device.statistics.device" => Some(Page::DeviceInformation),
                _ => None,
            }
        }
        "/" | "/DeviceInformation" => Some(Page::DeviceInformation),
        "/DeviceInformationX" => Some(Page::DeviceInformationX),
        "/NetworkConfigurationX" => Some(Page::NetworkConfigurationX),
        "/NetworkConfiguration" if classic => Some(Page::NetworkSetup),
        _ => None,
    }
}

/// Renders a page: (content type, body).
pub fn render(page: Page, data: &PageData) -> (&'static str, String) {
    let classic = data.model.family().classic_pages();
    match (page, classic) {
        (Page::NetworkSetup, false) => ("text/html", modern::network_setup(data)),
        (Page::NetworkSetup, true) => ("text/html", classic::network_configuration(data)),
        (Page::StatusMessages, false) => ("text/html", modern::status_messages(data)),
        (Page::StatusMessages, true) => ("text/html", classic::status_messages(data)),
        (Page::DeviceInformation, false) => ("text/html", modern::device_information(data)),
        (Page::DeviceInformation, true) => ("text/html", classic::device_information(data)),
        (Page::DeviceInformationX, _) => ("text/xml", xml::device_information(data)),
        (Page::NetworkConfigurationX, _) => ("text/xml", xml::network_configuration(data)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_path_and_adapter() {
        let m = PhoneModel::Cp8841;
        let c = PhoneModel::Cp7965;
        assert_eq!(
            route(
                "/CGI/Java/Serviceability?adapter=device.statistics.configuration",
                m
            ),
            Some(Page::NetworkSetup)
        );
        assert_eq!(
            route(
                "/CGI/Java/Serviceability?adapter=device.settings.status.messages",
                c
            ),
            Some(Page::StatusMessages)
        );
        assert_eq!(route("/NetworkConfiguration", c), Some(Page::NetworkSetup));
        assert_eq!(route("/NetworkConfiguration", m), None);
        assert_eq!(route("/CGI/Java/Serviceability?adapter=nope", m), None);
        assert_eq!(route("/etc/passwd", m), None);
    }

    #[test]
    fn civil_time() {
        assert_eq!(civil(1_748_779_200), (2025, 6, 1, 12, 0, 0));
    }
}
