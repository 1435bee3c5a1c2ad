//! The web pages a phone serves (`cucm-interfaces.md` §8), per model family as real phones
//! serve them (§8.6; the table of [`family`]):
//!
//! | path | Serviceability families | 7940 / 7960 | DX80 |
//! |---|---|---|---|
//! | `/CGI/Java/Serviceability?adapter=device.statistics.configuration` | Network Setup | 404 | 404 |
//! | `/CGI/Java/Serviceability?adapter=device.settings.status.messages` | Status messages | 404 | 404 |
//! | `/CGI/Java/Serviceability?adapter=device.statistics.device`, `/`, `/DeviceInformation` | Device information | `/`, `/DeviceInformation` only | `/` only |
//! | `/NetworkConfiguration` | 79xx-style families only | Network Configuration | 404 |
//! | `/DeviceLog?0` | 404 | Status messages | 404 |
//! | `/?adapter=device.statistics.configuration`, `…security`, `…device`, `/?adapter=device.settings.status.messages` | 404 | 404 | Network setup, Security information, Device information, Status messages |
//! | `/DeviceInformationX`, `/NetworkConfigurationX` | XML ([`xml`]) | XML | XML |
//!
//! Trust fields show what the phone holds: the ITL's and CTL's hash in the family's form
//! (SHA-1 or MD5, pairs or plain), `Installed` / `Not Installed`, `TVS` rows by host name,
//! `TFTP server 1` the TFTP node's address. Families without trust fields (7940, 7960, 7945,
//! 6921, DX80) show none on any page.

pub mod content;
pub mod family;
pub mod markup;
pub mod xml;

use std::net::Ipv4Addr;

use crate::model::Cluster;
use crate::phone::{Phone, PhoneModel, Protocol};

pub use family::{PageFamily, Paths, Style};

/// The two hashes of a held trust list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digests {
    /// MD5.
    pub md5: [u8; 16],
    /// SHA-1.
    pub sha1: [u8; 20],
}

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
    /// The `TVS` rows: host names of the CallManager group's servers, two to five, the
    /// first repeated on some phones.
    pub tvs: Vec<String>,
    /// CallManager group members (name, active).
    pub cucm: Vec<(String, bool)>,
    /// Hashes of the held ITL.
    pub itl: Option<Digests>,
    /// Hashes of the held CTL.
    pub ctl: Option<Digests>,
    /// `Non-secure`, `Authenticated` or `Encrypted` (the phone's security profile).
    pub security_mode: &'static str,
    /// CAPF server (`host:3804`).
    pub capf: String,
    /// Web access enabled.
    pub web_access: bool,
    /// Status messages, oldest first (time, text).
    pub messages: Vec<(u64, String)>,
}

/// The `TVS` rows of a phone: its group's servers (at most five); a group of one is shown
/// twice, and phones whose MAC ends in a multiple of 5 show the first server again at the
/// end (real phones list two to five rows, sometimes the same server twice).
pub fn tvs_rows(servers: &[String], mac_last: u8) -> Vec<String> {
    let mut rows: Vec<String> = servers.iter().take(5).cloned().collect();
    if let Some(first) = rows.first().cloned()
        && (rows.len() < 2 || (mac_last.is_multiple_of(5) && rows.len() < 5))
    {
        rows.push(first);
    }
    rows
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
        let names: Vec<String> = members
            .iter()
            .filter_map(|&n| nodes.get(n))
            .map(|n| n.name.clone())
            .collect();
        let digests = |id| {
            cluster.archive().get(id).map(|f| Digests {
                md5: f.md5,
                sha1: f.sha1,
            })
        };
        Some(Self {
            name: phone.name.clone(),
            mac: phone.mac.to_string(),
            model: phone.model,
            protocol: phone.protocol,
            address: phone.address,
            directory_number: phone.directory_number.clone(),
            load_id: phone.model.load_id(phone.protocol),
            serial: format!("FCH{}", phone.mac.to_string().get(4..).unwrap_or("")),
            tftp,
            tvs: tvs_rows(&names, phone.mac.octets()[5]),
            cucm: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i == 0))
                .collect(),
            itl: phone.itl.and_then(digests),
            ctl: phone.ctl.and_then(digests),
            security_mode: phone.security_profile.mode.page_name(),
            capf: format!(
                "{}:3804",
                nodes.first().map(|n| n.name.as_str()).unwrap_or("")
            ),
            web_access: phone.web_access,
            messages: phone
                .log
                .entries()
                .map(|e| (e.time, e.text.to_string()))
                .collect(),
        })
    }

    /// The page family.
    pub fn family(&self) -> PageFamily {
        PageFamily::of(self.model)
    }

    /// The last messages first-to-last, at most 30.
    pub fn last_messages(&self) -> &[(u64, String)] {
        let start = self.messages.len().saturating_sub(30);
        &self.messages[start..]
    }
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
    /// The DX-series Security information page.
    Security,
    /// `/DeviceInformationX`.
    DeviceInformationX,
    /// `/NetworkConfigurationX`.
    NetworkConfigurationX,
}

fn adapter(query: &str) -> Option<&str> {
    query.split('&').find_map(|kv| {
        kv.strip_prefix("adapter=")
            .or_else(|| kv.strip_prefix("adapterX="))
    })
}

/// Routes a request target (`path?query`) for a model (the module table).
pub fn route(target: &str, model: PhoneModel) -> Option<Page> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let style = PageFamily::of(model).style();
    match path {
        "/DeviceInformationX" => return Some(Page::DeviceInformationX),
        "/NetworkConfigurationX" => return Some(Page::NetworkConfigurationX),
        _ => {}
    }
    match style.paths {
        Paths::Serviceability => match path {
            "/CGI/Java/Serviceability" => match adapter(query)? {
                "device.statistics.configuration" => Some(Page::NetworkSetup),
                "device.settings.status.messages" => Some(Page::StatusMessages),
                "device.statistics.device" => Some(Page::DeviceInformation),
                _ => None,
            },
            "/" | "/DeviceInformation" if query.is_empty() => Some(Page::DeviceInformation),
            "/NetworkConfiguration" if style.markup == family::Markup::Classic => {
                Some(Page::NetworkSetup)
            }
            _ => None,
        },
        Paths::RomPager => match (path, query) {
            ("/" | "/DeviceInformation", "") => Some(Page::DeviceInformation),
            ("/NetworkConfiguration", "") => Some(Page::NetworkSetup),
            ("/DeviceLog", "0") => Some(Page::StatusMessages),
            _ => None,
        },
        Paths::Adapter => match (path, adapter(query)) {
            ("/", None) => Some(Page::DeviceInformation),
            ("/", Some("device.statistics.device")) => Some(Page::DeviceInformation),
            ("/", Some("device.statistics.configuration")) => Some(Page::NetworkSetup),
            ("/", Some("device.statistics.security")) => Some(Page::Security),
            ("/", Some("device.settings.status.messages")) => Some(Page::StatusMessages),
            _ => None,
        },
    }
}

/// Renders a page: (content type, body).
pub fn render(page: Page, data: &PageData) -> (&'static str, String) {
    let style = data.family().style();
    let html = |body| ("text/html", body);
    match page {
        Page::NetworkSetup => html(content::network_setup(&style, data)),
        Page::StatusMessages => html(content::status_messages(&style, data)),
        Page::DeviceInformation => html(content::device_information(&style, data)),
        Page::Security => html(content::security(&style, data)),
        Page::DeviceInformationX => ("text/xml", xml::device_information(data)),
        Page::NetworkConfigurationX => ("text/xml", xml::network_configuration(&style, data)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETUP: &str = "/CGI/Java/Serviceability?adapter=device.statistics.configuration";
    const MESSAGES: &str = "/CGI/Java/Serviceability?adapter=device.settings.status.messages";

    #[test]
    fn routes_by_family() {
        let m = PhoneModel::Cp8841;
        let c = PhoneModel::Cp7965;
        assert_eq!(route(SETUP, m), Some(Page::NetworkSetup));
        assert_eq!(route(MESSAGES, c), Some(Page::StatusMessages));
        assert_eq!(route("/NetworkConfiguration", c), Some(Page::NetworkSetup));
        assert_eq!(route("/NetworkConfiguration", m), None);
        assert_eq!(route("/CGI/Java/Serviceability?adapter=nope", m), None);
        assert_eq!(route("/etc/passwd", m), None);
        // 7940: no Serviceability pages.
        let old = PhoneModel::Cp7940;
        assert_eq!(route(SETUP, old), None);
        assert_eq!(
            route("/NetworkConfiguration", old),
            Some(Page::NetworkSetup)
        );
        assert_eq!(route("/DeviceLog?0", old), Some(Page::StatusMessages));
        assert_eq!(route("/DeviceLog?1", old), None);
        // DX80: `/?adapter=…` and a security page.
        let dx = PhoneModel::Dx80;
        assert_eq!(route(SETUP, dx), None);
        assert_eq!(route("/", dx), Some(Page::DeviceInformation));
        assert_eq!(
            route("/?adapter=device.statistics.configuration", dx),
            Some(Page::NetworkSetup)
        );
        assert_eq!(
            route("/?adapter=device.statistics.security", dx),
            Some(Page::Security)
        );
        assert_eq!(
            route("/?adapter=device.settings.status.messages", dx),
            Some(Page::StatusMessages)
        );
        assert_eq!(route("/?adapter=device.statistics.security", m), None);
        for model in [m, c, old, dx] {
            assert_eq!(
                route("/DeviceInformationX", model),
                Some(Page::DeviceInformationX)
            );
        }
    }

    #[test]
    fn tvs_rows_two_to_five() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(tvs_rows(&s(&["a"]), 1), s(&["a", "a"]));
        assert_eq!(tvs_rows(&s(&["a", "b"]), 1), s(&["a", "b"]));
        assert_eq!(tvs_rows(&s(&["a", "b"]), 10), s(&["a", "b", "a"]));
        assert_eq!(
            tvs_rows(&s(&["a", "b", "c", "d", "e", "f"]), 10),
            s(&["a", "b", "c", "d", "e"])
        );
        assert_eq!(tvs_rows(&[], 0), Vec::<String>::new());
    }

    #[test]
    fn civil_time() {
        assert_eq!(civil(1_748_779_200), (2025, 6, 1, 12, 0, 0));
    }
}
