//! Pages of 78xx, 88xx and 99xx phones: lower-case HTML, a left navigation column, each field
//! a row `<tr><td><b>LABEL</b></td><td width="20"></td><td><b>VALUE</b></td></tr>`.
//!
//! Status messages: one row per message, `<tr><td><b>MM/DD/YY hh:mm:ssa</b></td><td
//! width="20"></td><td><b>TEXT</b></td></tr>` (12-hour clock, `a`/`p`), oldest first.

use super::{PageData, civil, escape};

fn page(data: &PageData, title: &str, body: &str) -> String {
    let product = data.model.product_name();
    format!(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n\
<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
<title>{title}</title>\n\
<style>body{{font-family:Arial,Helvetica;font-size:12px}} td{{font-size:12px}}</style></head>\n\
<body bgcolor=\"#ffffff\">\n\
<table width=\"100%\" cellspacing=\"0\" cellpadding=\"0\"><tr>\n\
<td width=\"200\" valign=\"top\" bgcolor=\"#e6e6e6\">\n\
<p><b>{product}</b><br>{name}</p>\n\
<p><a href=\"/CGI/Java/Serviceability?adapter=device.statistics.device\">Device information</a><br>\n\
<a href=\"/CGI/Java/Serviceability?adapter=device.statistics.configuration\">Network setup</a><br>\n\
<a href=\"/CGI/Java/Serviceability?adapter=device.settings.status.messages\">Status messages</a><br>\n\
<a href=\"/CGI/Java/Serviceability?adapter=device.statistics.consolelog\">Device logs</a></p>\n\
</td>\n<td valign=\"top\">\n<h2>{title}</h2>\n{body}</td></tr></table>\n</body></html>\n",
        name = escape(&data.name),
    )
}

fn rows(fields: &[(&str, String)]) -> String {
    let mut out = String::from("<table cellspacing=\"5\" cellpadding=\"0\" border=\"0\">\n");
    for (label, value) in fields {
        out.push_str(&format!(
            "<tr><td><b>{}</b></td><td width=\"20\"></td><td><b>{}</b></td></tr>\n",
            escape(label),
            escape(value)
        ));
    }
    out.push_str("</table>\n");
    out
}

/// Network setup.
pub fn network_setup(data: &PageData) -> String {
    let mut fields = data.network_fields();
    fields.extend(data.trust_fields());
    for (i, (name, active)) in data.cucm.iter().enumerate().take(5) {
        let label = [
            "CUCM server1",
            "CUCM server2",
            "CUCM server3",
            "CUCM server4",
            "CUCM server5",
        ][i];
        let state = if *active { "Active" } else { "Standby" };
        fields.push((label, format!("{name}  {state}")));
    }
    page(data, "Network setup", &rows(&fields))
}

/// Twelve-hour time as the 8800 series prints it: `06/01/25 12:00:05p`.
pub fn timestamp(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    let (h12, ap) = match h {
        0 => (12, 'a'),
        1..=11 => (h, 'a'),
        12 => (12, 'p'),
        _ => (h - 12, 'p'),
    };
    format!("{mo:02}/{d:02}/{:02} {h12}:{mi:02}:{s:02}{ap}", y % 100)
}

/// Status messages.
pub fn status_messages(data: &PageData) -> String {
    let mut body = String::from("<table cellspacing=\"5\" cellpadding=\"0\" border=\"0\">\n");
    for (time, text) in data.last_messages() {
        body.push_str(&format!(
            "<tr><td><b>{}</b></td><td width=\"20\"></td><td><b>{}</b></td></tr>\n",
            timestamp(*time),
            escape(text)
        ));
    }
    body.push_str("</table>\n");
    page(data, "Status messages", &body)
}

/// Device information.
pub fn device_information(data: &PageData) -> String {
    let fields = vec![
        (
            "Active",
            data.tftp.first().map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("MAC address", data.mac.clone()),
        ("Host name", data.name.clone()),
        ("Phone DN", data.directory_number.clone()),
        ("Active load ID", data.load_id.clone()),
        ("Model number", data.model.model_number()),
        ("Serial number", data.serial.clone()),
        ("Protocol", data.protocol.name().into()),
    ];
    page(data, "Device information", &rows(&fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_hour_timestamps() {
        assert_eq!(timestamp(1_748_779_205), "06/01/25 12:00:05p");
        assert_eq!(timestamp(1_748_779_205 - 12 * 3600), "06/01/25 12:00:05a");
        assert_eq!(timestamp(1_748_779_205 + 3 * 3600), "06/01/25 3:00:05p");
    }
}
