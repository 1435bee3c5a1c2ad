//! The markup of each family: page shells with their navigation links, and label / value
//! rows (three cells with the `WIDTH=20` spacer, or two), in the family's case.

use super::family::{Markup, Paths, Style};
use super::{PageData, escape};

/// A row: the label as plain text, the value as HTML (already escaped).
pub type Row = (String, String);

/// The navigation links of a family's pages: (path, text).
pub fn navigation(style: &Style) -> Vec<(&'static str, &'static str)> {
    match style.paths {
        Paths::Serviceability => vec![
            (
                "/CGI/Java/Serviceability?adapter=device.statistics.device",
                "Device information",
            ),
            (
                "/CGI/Java/Serviceability?adapter=device.statistics.configuration",
                "Network setup",
            ),
            (
                "/CGI/Java/Serviceability?adapter=device.statistics.port.network",
                "Ethernet information",
            ),
            (
                "/CGI/Java/Serviceability?adapter=device.settings.status.messages",
                "Status messages",
            ),
            (
                "/CGI/Java/Serviceability?adapter=device.statistics.consolelog",
                "Console logs",
            ),
        ],
        Paths::RomPager => vec![
            ("/DeviceInformation", "Device Information"),
            ("/NetworkConfiguration", "Network Configuration"),
            ("/PortInformation?1", "Network Statistics"),
            ("/DeviceLog?0", "Status Messages"),
            ("/DeviceLog?1", "Debug Display"),
        ],
        Paths::Adapter => vec![
            ("/?adapter=device.statistics.device", "Device information"),
            ("/?adapter=device.statistics.configuration", "Network setup"),
            (
                "/?adapter=device.statistics.security",
                "Security information",
            ),
            (
                "/?adapter=device.statistics.port.network",
                "Ethernet information",
            ),
            (
                "/?adapter=device.settings.status.messages",
                "Status messages",
            ),
        ],
    }
}

/// A whole page: the family's shell around `body` (HTML).
pub fn page(style: &Style, data: &PageData, title: &str, body: &str) -> String {
    let product = data.model.model_number();
    let name = escape(&data.name);
    let links = navigation(style);
    match style.markup {
        Markup::Firmware => {
            let nav: String = links
                .iter()
                .map(|(p, t)| format!("<TR><TD><A HREF=\"{p}\">{t}</A></TD></TR>\n"))
                .collect();
            format!(
                "<HTML>\n<HEAD>\n<TITLE>Cisco Systems, Inc.</TITLE>\n\
<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=utf-8\">\n</HEAD>\n\
<BODY BGCOLOR=\"#FFFFFF\">\n<TABLE WIDTH=\"100%\" BORDER=0 CELLSPACING=0 CELLPADDING=0>\n\
<TR><TD VALIGN=TOP WIDTH=210 BGCOLOR=\"#E6E6E6\">\n<TABLE BORDER=0 CELLSPACING=4>\n{nav}</TABLE>\n</TD>\n\
<TD VALIGN=TOP>\n<P ALIGN=CENTER><B>{title}</B><BR><B>Cisco IP Phone {product} ( {name} )</B></P>\n\
{body}</TD></TR>\n</TABLE>\n</BODY>\n</HTML>\n"
            )
        }
        Markup::Saved => {
            let address = data.address;
            let nav: String = links
                .iter()
                .map(|(p, t)| {
                    format!("<tr><td><a href=\"http://{address}{p}\">{t}</a></td></tr>\n")
                })
                .collect();
            format!(
                "<!DOCTYPE html>\n<!-- saved from url=(0064)http://{address}/ -->\n\
<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n\
<title>Cisco Systems, Inc.</title></head>\n<body bgcolor=\"#FFFFFF\">\n\
<table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tbody><tr>\
<td valign=\"top\" width=\"210\" bgcolor=\"#E6E6E6\">\n<table border=\"0\" cellspacing=\"4\"><tbody>\n{nav}</tbody></table>\n</td>\n\
<td valign=\"top\">\n<p align=\"center\"><b>{title}</b><br><b>Cisco IP Phone {product} ( {name} )</b></p>\n\
{body}</td></tr></tbody></table>\n</body></html>\n"
            )
        }
        Markup::Classic => {
            let nav: Vec<String> = links
                .iter()
                .map(|(p, t)| format!("<A HREF=\"{p}\">{t}</A>"))
                .collect();
            format!(
                "<HTML>\n<HEAD>\n<TITLE>{title}</TITLE>\n</HEAD>\n\
<BODY BGCOLOR=\"#FFFFFF\" TEXT=\"#000000\">\n\
<TABLE WIDTH=\"100%\" BORDER=0 CELLSPACING=0 CELLPADDING=2>\n\
<TR><TD BGCOLOR=\"#336699\"><FONT COLOR=\"#FFFFFF\" SIZE=4><B>Cisco Systems, Inc.</B></FONT></TD></TR>\n\
<TR><TD><FONT SIZE=3><B>Cisco IP Phone {product} ({name})</B></FONT></TD></TR>\n\
<TR><TD>{}</TD></TR>\n</TABLE>\n<HR>\n<CENTER><H3>{title}</H3></CENTER>\n{body}<HR>\n</BODY>\n</HTML>\n",
                nav.join(" |\n")
            )
        }
        Markup::Plain => {
            let nav: String = links
                .iter()
                .map(|(p, t)| format!("<a href=\"{p}\">{t}</a>\n"))
                .collect();
            format!(
                "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Cisco {}</title></head>\n\
<body>\n<div class=\"nav\">\n{nav}</div>\n<h2>{title}</h2>\n{body}</body>\n</html>\n",
                data.model.number()
            )
        }
    }
}

/// Capitalises a label as 79xx and 8945 pages do (`TFTP server 1` → `TFTP Server 1`).
pub fn capitalise(label: &str) -> String {
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

/// A label as the family writes it: capitalised on 79xx-style pages, `TVS` with the leading
/// space of firmware markup.
fn label(style: &Style, label: &str) -> String {
    let text = if style.capitalised {
        capitalise(label)
    } else {
        label.to_owned()
    };
    if text == "TVS" && matches!(style.markup, Markup::Firmware | Markup::Saved) {
        " TVS".to_owned()
    } else {
        text
    }
}

/// One label / value row.
fn row(style: &Style, l: &str, value: &str) -> String {
    let l = escape(&label(style, l));
    match (style.markup, style.three_cells) {
        (Markup::Firmware, true) => {
            format!("<TR><TD><B>{l}</B></TD><TD WIDTH=20></TD><TD><B>{value}</B></TD></TR>\n")
        }
        (Markup::Firmware, false) => {
            format!("<TR><TD><B>{l}</B></TD><TD><B>{value}</B></TD></TR>\n")
        }
        (Markup::Saved, true) => {
            format!("<tr><td><b>{l}</b></td><td width=\"20\"></td><td><b>{value}</b></td></tr>\n")
        }
        (Markup::Saved, false) => format!("<tr><td><b>{l}</b></td><td><b>{value}</b></td></tr>\n"),
        (Markup::Classic, _) => format!(
            "<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>{l}</B></FONT></TD><TD><FONT SIZE=2>{value}</FONT></TD></TR>\n"
        ),
        (Markup::Plain, _) => format!("<tr><td>{l}</td><td>{value}</td></tr>\n"),
    }
}

/// Rows in the family's table.
pub fn table(style: &Style, rows: &[Row]) -> String {
    let (open, close) = table_tags(style);
    let mut out = String::from(open);
    for (l, v) in rows {
        out.push_str(&row(style, l, v));
    }
    out.push_str(close);
    out
}

fn table_tags(style: &Style) -> (&'static str, &'static str) {
    match style.markup {
        Markup::Firmware => (
            "<TABLE BORDER=0 CELLSPACING=6 ALIGN=CENTER>\n",
            "</TABLE>\n",
        ),
        Markup::Saved => (
            "<table border=\"0\" cellspacing=\"6\" align=\"center\"><tbody>\n",
            "</tbody></table>\n",
        ),
        Markup::Classic => (
            "<TABLE BORDER=0 CELLSPACING=2 CELLPADDING=1 ALIGN=CENTER>\n",
            "</TABLE>\n",
        ),
        Markup::Plain => ("<table>\n", "</table>\n"),
    }
}

/// Status-message rows (time HTML, text HTML): as label / value rows, as one cell per
/// message (79xx), or as `<BR>`-separated lines.
pub fn messages(style: &Style, rows: &[Row]) -> String {
    if style.message_lines {
        let mut out = String::from("<FONT SIZE=2>\n");
        for (time, text) in rows {
            out.push_str(&format!("{time} {text}<BR>\n"));
        }
        out.push_str("</FONT>\n");
        return out;
    }
    if style.markup == Markup::Classic {
        let (open, close) = table_tags(style);
        let mut out = String::from(open);
        for (time, text) in rows {
            out.push_str(&format!(
                "<TR><TD><FONT SIZE=2>{time} {text}</FONT></TD></TR>\n"
            ));
        }
        out.push_str(close);
        return out;
    }
    // Times are not labels: no capitalising.
    let plain = Style {
        capitalised: false,
        ..*style
    };
    table(&plain, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::pages::family::PageFamily;

    #[test]
    fn labels_are_capitalised() {
        assert_eq!(capitalise("ITL file"), "ITL File");
        assert_eq!(capitalise("TFTP server 1"), "TFTP Server 1");
        assert_eq!(capitalise("Operational VLAN ID"), "Operational VLAN ID");
    }

    #[test]
    fn row_shapes_per_family() {
        for (family, want) in [
            (
                PageFamily::Cp78xx,
                "<TR><TD><B> TVS</B></TD><TD WIDTH=20></TD><TD><B>ucm-pub</B></TD></TR>\n",
            ),
            (
                PageFamily::Cp7841,
                "<TR><TD><B> TVS</B></TD><TD><B>ucm-pub</B></TD></TR>\n",
            ),
            (
                PageFamily::Cp88xx,
                "<tr><td><b> TVS</b></td><td width=\"20\"></td><td><b>ucm-pub</b></td></tr>\n",
            ),
            (
                PageFamily::Cp79x2,
                "<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>TVS</B></FONT></TD><TD><FONT SIZE=2>ucm-pub</FONT></TD></TR>\n",
            ),
            (PageFamily::Dx80, "<tr><td>TVS</td><td>ucm-pub</td></tr>\n"),
        ] {
            assert_eq!(row(&family.style(), "TVS", "ucm-pub"), want, "{family:?}");
        }
    }
}
