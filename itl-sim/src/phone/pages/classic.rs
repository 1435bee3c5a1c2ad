//! Pages of 79xx phones: upper-case HTML 3.2 style, a top banner instead of a navigation
//! column, labels capitalised and right-aligned in their own cell:
//! `<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>LABEL</B></FONT></TD><TD><FONT SIZE=2>VALUE</FONT></TD></TR>`.
//!
//! Status messages: one cell per message, `HH:MM:SS MM/DD/YY TEXT` (24-hour clock), oldest
//! first.

use super::{PageData, civil, escape};

fn page(data: &PageData, title: &str, body: &str) -> String {
    format!(
        "<HTML>\n<HEAD>\n<TITLE>{title}</TITLE>\n</HEAD>\n\
<BODY BGCOLOR=\"#FFFFFF\" TEXT=\"#000000\">\n\
<TABLE WIDTH=\"100%\" BORDER=0 CELLSPACING=0 CELLPADDING=2>\n\
<TR><TD BGCOLOR=\"#336699\"><FONT COLOR=\"#FFFFFF\" SIZE=4><B>Cisco Systems, Inc.</B></FONT></TD></TR>\n\
<TR><TD><FONT SIZE=3><B>{product} ({name})</B></FONT></TD></TR>\n\
<TR><TD><A HREF=\"/DeviceInformation\">Device Information</A> | \
<A HREF=\"/NetworkConfiguration\">Network Configuration</A> | \
<A HREF=\"/CGI/Java/Serviceability?adapter=device.settings.status.messages\">Status Messages</A></TD></TR>\n\
</TABLE>\n<HR>\n<CENTER><H3>{title}</H3></CENTER>\n{body}<HR>\n</BODY>\n</HTML>\n",
        product = data.model.product_name(),
        name = escape(&data.name),
    )
}

fn capitalise(label: &str) -> String {
    label
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) if w != "VLAN" && w != "ID" => {
                    f.to_ascii_uppercase().to_string() + c.as_str()
                }
                Some(f) => f.to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn rows(fields: &[(&str, String)]) -> String {
    let mut out = String::from("<TABLE BORDER=0 CELLSPACING=2 CELLPADDING=1 ALIGN=CENTER>\n");
    for (label, value) in fields {
        out.push_str(&format!(
            "<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>{}</B></FONT></TD><TD><FONT SIZE=2>{}</FONT></TD></TR>\n",
            escape(&capitalise(label)),
            escape(value)
        ));
    }
    out.push_str("</TABLE>\n");
    out
}

/// Network configuration.
pub fn network_configuration(data: &PageData) -> String {
    let mut fields = data.network_fields();
    fields.extend(data.trust_fields());
    for (i, (name, active)) in data.cucm.iter().enumerate().take(5) {
        let label = [
            "CallManager 1",
            "CallManager 2",
            "CallManager 3",
            "CallManager 4",
            "CallManager 5",
        ][i];
        let state = if *active { "Active" } else { "Standby" };
        fields.push((label, format!("{name} {state}")));
    }
    page(data, "Network Configuration", &rows(&fields))
}

/// 24-hour time as 7900 phones print it: `12:00:05 06/01/25`.
pub fn timestamp(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{h:02}:{mi:02}:{s:02} {mo:02}/{d:02}/{:02}", y % 100)
}

/// Status messages.
pub fn status_messages(data: &PageData) -> String {
    let mut body = String::from("<TABLE BORDER=0 CELLSPACING=2 CELLPADDING=1 ALIGN=CENTER>\n");
    for (time, text) in data.last_messages() {
        body.push_str(&format!(
            "<TR><TD><FONT SIZE=2>{} {}</FONT></TD></TR>\n",
            timestamp(*time),
            escape(text)
        ));
    }
    body.push_str("</TABLE>\n");
    page(data, "Status Messages", &body)
}

/// Device information.
pub fn device_information(data: &PageData) -> String {
    let fields = vec![
        ("MAC Address", data.mac.clone()),
        ("Host Name", data.name.clone()),
        ("Phone DN", data.directory_number.clone()),
        ("App Load ID", data.load_id.clone()),
        ("Boot Load ID", "tnp65.8-3-1-21a.bin".into()),
        ("Version", data.load_id.clone()),
        ("Model Number", data.model.model_number()),
        ("Serial Number", data.serial.clone()),
    ];
    page(data, "Device Information", &rows(&fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_capitalised() {
        assert_eq!(capitalise("ITL file"), "ITL File");
        assert_eq!(capitalise("TFTP server 1"), "TFTP Server 1");
        assert_eq!(capitalise("Operational VLAN ID"), "Operational VLAN ID");
    }

    #[test]
    fn twenty_four_hour_timestamps() {
        assert_eq!(timestamp(1_748_779_205 + 3 * 3600), "15:00:05 06/01/25");
    }
}
