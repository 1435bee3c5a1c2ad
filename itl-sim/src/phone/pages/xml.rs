//! The XML pages (`/DeviceInformationX`, `/NetworkConfigurationX`), shaped as in
//! `cucm-interfaces.md` §8.2.

use super::content::trust_rows;
use super::family::Style;
use super::{PageData, escape};

/// `/DeviceInformationX`.
pub fn device_information(data: &PageData) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<DeviceInformation>\n\
   <MACAddress>{mac}</MACAddress>\n\
   <HostName>{name}</HostName>\n\
   <phoneDN>{dn}</phoneDN>\n\
   <appLoadID>{load}</appLoadID>\n\
   <bootLoadID>{load}</bootLoadID>\n\
   <versionID>{load}</versionID>\n\
   <serialNumber>{serial}</serialNumber>\n\
   <modelNumber>{model}</modelNumber>\n\
</DeviceInformation>\n",
        mac = escape(&data.mac),
        name = escape(&data.name),
        dn = escape(&data.directory_number),
        load = escape(&data.load_id),
        serial = escape(&data.serial),
        model = data.model.model_number(),
    )
}

/// `/NetworkConfigurationX`: the Network Setup fields as elements (labels without spaces),
/// the trust fields only for families whose pages show them.
pub fn network_configuration(style: &Style, data: &PageData) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<NetworkConfiguration>\n");
    let tftp = |i: usize| data.tftp.get(i).map(|a| a.to_string()).unwrap_or_default();
    let mut fields: Vec<(String, String)> = vec![
        ("MAC address".into(), escape(&data.mac)),
        ("Host name".into(), escape(&data.name)),
        ("IP address".into(), data.address.to_string()),
        ("TFTP server 1".into(), tftp(0)),
        ("TFTP server 2".into(), tftp(1)),
    ];
    fields.extend(trust_rows(style, data));
    for (label, value) in fields {
        let tag: String = label
            .split([' ', '.'])
            .filter(|w| !w.is_empty())
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.to_ascii_lowercase()
                } else {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                }
            })
            .collect();
        out.push_str(&format!("   <{tag}>{}</{tag}>\n", value.trim_end()));
    }
    out.push_str("</NetworkConfiguration>\n");
    out
}
