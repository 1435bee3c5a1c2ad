//! What a phone says about itself: `/DeviceInformationX` (XML) and the HTML Device
//! Information page (`cucm-interfaces.md` §8.2): model, load, MAC, host name, serial.
//!
//! ```xml
//! <DeviceInformation>
//!    <MACAddress>0003E369A125</MACAddress>
//!    <HostName>SEP0003E369A125</HostName>
//!    <phoneDN>5920</phoneDN>
//!    <appLoadID>P00308010200</appLoadID>
//!    <bootLoadID>PC03A300</bootLoadID>
//!    <versionID>8.1(2.0)</versionID>
//!    <serialNumber>INMXXXXXXX</serialNumber>
//!    <modelNumber>CP-7940</modelNumber>
//! </DeviceInformation>
//! ```
//!
//! The HTML page has the same facts as label / value rows (`Model number`, `MAC address`,
//! `Active load ID` or `App Load ID`, `Version`, `Serial number`, `Host name`, `Phone DN`).

use super::entities::plain_text;
use super::fields::page_fields;
use super::html::{Token, tokens};
use super::{PageError, body_text, excerpt};

/// What the phone says about itself; every field as shown (cleaned), `None` when absent or
/// empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// `modelNumber` / `Model number` (`CP-7940`, `CP-8841`).
    pub model: Option<String>,
    /// The active firmware load: `appLoadID` / `Active load ID` / `App Load ID`
    /// (`sip88xx.14-2-1-0001-14`).
    pub load_id: Option<String>,
    /// `versionID` / `Version` (`8.1(2.0)`).
    pub version: Option<String>,
    /// `bootLoadID` / `Boot load ID`.
    pub boot_load_id: Option<String>,
    /// `MACAddress` / `MAC address`.
    pub mac: Option<String>,
    /// `HostName` / `Host name` (`SEP0003E369A125`).
    pub host_name: Option<String>,
    /// `serialNumber` / `Serial number`.
    pub serial: Option<String>,
    /// `phoneDN` / `Phone DN`.
    pub phone_dn: Option<String>,
}

impl DeviceInfo {
    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        *self == DeviceInfo::default()
    }

    /// The firmware as one text: the load, else the version.
    pub fn firmware(&self) -> Option<&str> {
        self.load_id.as_deref().or(self.version.as_deref())
    }

    /// Sets the field a label or element name stands for (compared lower-case, without
    /// spaces), when not set yet.
    fn set(&mut self, key: &str, value: String) {
        if value.is_empty() {
            return;
        }
        let slot = match key {
            "modelnumber" | "model" => &mut self.model,
            "apploadid" | "activeloadid" | "loadfile" | "activeload" => &mut self.load_id,
            "versionid" | "version" | "softwareversion" => &mut self.version,
            "bootloadid" => &mut self.boot_load_id,
            "macaddress" => &mut self.mac,
            "hostname" => &mut self.host_name,
            "serialnumber" => &mut self.serial,
            "phonedn" => &mut self.phone_dn,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
}

fn key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != ':')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses `/DeviceInformationX`. Fails for a binary body and for a document that has none of
/// the fields (an error page, HTML).
pub fn parse_device_information_x(body: &[u8]) -> Result<DeviceInfo, PageError> {
    let text = body_text(body)?;
    let mut info = DeviceInfo::default();
    let mut open: Option<(String, String)> = None;
    for token in tokens(&text) {
        match token {
            Token::Start { name, .. } => open = Some((name, String::new())),
            Token::Text(t) => {
                if let Some((_, value)) = open.as_mut()
                    && value.len() < 4096
                {
                    value.push_str(t);
                }
            }
            Token::End(name) => {
                if let Some((element, value)) = open.take()
                    && element == name
                {
                    info.set(&key(&element), plain_text(&value));
                }
            }
        }
    }
    if info.is_empty() {
        return Err(PageError::MissingFields {
            missing: "DeviceInformation",
            excerpt: excerpt(body),
        });
    }
    Ok(info)
}

/// Parses the HTML Device Information page. Fails for a binary body and for a page that has
/// none of the fields.
pub fn parse_device_information(body: &[u8]) -> Result<DeviceInfo, PageError> {
    let text = body_text(body)?;
    let mut info = DeviceInfo::default();
    for field in page_fields(&text) {
        info.set(&field.key(), field.value);
    }
    if info.is_empty() {
        return Err(PageError::MissingFields {
            missing: "Device information",
            excerpt: excerpt(body),
        });
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The §8.2 example, as documented.
    const EXAMPLE_7940: &str = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<DeviceInformation>\n\
   <MACAddress>0003E369A125</MACAddress>\n   <HostName>SEP0003E369A125</HostName>\n\
   <phoneDN>5920</phoneDN>\n   <appLoadID>P00308010200</appLoadID>\n   <bootLoadID>PC03A300</bootLoadID>\n\
   <versionID>8.1(2.0)</versionID>\n   <serialNumber>INMXXXXXXX</serialNumber>\n\
   <modelNumber>CP-7940</modelNumber>\n</DeviceInformation>\n";

    #[test]
    fn the_documented_xml() {
        let info = parse_device_information_x(EXAMPLE_7940.as_bytes()).expect("parses");
        assert_eq!(
            info,
            DeviceInfo {
                model: Some("CP-7940".into()),
                load_id: Some("P00308010200".into()),
                version: Some("8.1(2.0)".into()),
                boot_load_id: Some("PC03A300".into()),
                mac: Some("0003E369A125".into()),
                host_name: Some("SEP0003E369A125".into()),
                serial: Some("INMXXXXXXX".into()),
                phone_dn: Some("5920".into()),
            }
        );
        assert_eq!(info.firmware(), Some("P00308010200"));
    }

    #[test]
    fn reject_twin_xml_without_fields_and_odd_text() {
        let err = parse_device_information_x(b"<html><body>404 Not Found</body></html>")
            .expect_err("no fields");
        assert_eq!(err.to_string(), "the page has no DeviceInformation field");
        let odd = "<DeviceInformation><modelNumber>CP&#x2D;8841\u{1b}[0m</modelNumber><HostName></HostName>\
<Nested><x>1</x></Nested></DeviceInformation>";
        let info = parse_device_information_x(odd.as_bytes()).expect("parses");
        assert_eq!(info.model.as_deref(), Some("CP-8841[0m"));
        assert_eq!(info.host_name, None);
    }

    #[test]
    fn the_html_page() {
        let page = "<TABLE><TR><TD><B>MAC address</B></TD><TD WIDTH=20></TD><TD><B>00AABBCCDDEE</B></TD></TR>\
<TR><TD><B>Host name</B></TD><TD WIDTH=20></TD><TD><B>SEP00AABBCCDDEE</B></TD></TR>\
<TR><TD><B>Active load ID</B></TD><TD WIDTH=20></TD><TD><B>sip88xx.14-2-1-0001-14</B></TD></TR>\
<TR><TD><B>Model number</B></TD><TD WIDTH=20></TD><TD><B>CP-8841</B></TD></TR>\
<TR><TD><B>Serial number</B></TD><TD WIDTH=20></TD><TD><B>FCH1234ABCD</B></TD></TR></TABLE>";
        let info = parse_device_information(page.as_bytes()).expect("parses");
        assert_eq!(info.model.as_deref(), Some("CP-8841"));
        assert_eq!(info.firmware(), Some("sip88xx.14-2-1-0001-14"));
        assert_eq!(info.serial.as_deref(), Some("FCH1234ABCD"));
        assert_eq!(info.mac.as_deref(), Some("00AABBCCDDEE"));
        assert!(parse_device_information(b"<table><tr><td>a</td><td>b</td></tr></table>").is_err());
    }
}
