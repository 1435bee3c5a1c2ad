//! What each page shows, per family: the rows of the Network Setup, Security information,
//! Device information and Status messages pages.

use super::family::{HashForm, Markup, Paths, Stamp, Style, TrustRows};
use super::markup::{self, Row};
use super::{Digests, PageData, civil, escape};

/// A host name as the family writes it (`&#x2D;` for `-` on families that do).
fn host(style: &Style, name: &str) -> String {
    let text = escape(name);
    if style.entity_dashes {
        text.replace('-', "&#x2D;")
    } else {
        text
    }
}

fn text(v: &str) -> String {
    escape(v)
}

fn r(label: &str, value: String) -> Row {
    (label.to_owned(), value)
}

/// A hash as the family writes it.
pub fn hash(form: HashForm, digests: &Digests) -> String {
    let pairs = |bytes: &[u8]| {
        bytes
            .iter()
            .map(|b| format!("{b:02X} "))
            .collect::<String>()
    };
    match form {
        HashForm::Sha1Pairs => pairs(&digests.sha1),
        HashForm::Md5Pairs => pairs(&digests.md5),
        HashForm::Md5Plain => hex::encode_upper(digests.md5),
    }
}

/// The network rows before the trust rows.
fn network_rows(style: &Style, data: &PageData) -> Vec<Row> {
    let tftp = |i: usize| data.tftp.get(i).map(|a| a.to_string()).unwrap_or_default();
    vec![
        r("DHCP server", text(&tftp(0))),
        r("MAC address", text(&data.mac)),
        r("Host name", text(&data.name)),
        r("Domain name", String::new()),
        r("IP address", text(&data.address.to_string())),
        r("Subnet mask", "255.0.0.0".into()),
        r("Default router", "127.0.0.1".into()),
        r("Alternate TFTP", "No".into()),
        r("TFTP server 1", text(&tftp(0))),
        r("TFTP server 2", text(&tftp(1))),
        r("Operational VLAN ID", String::new()),
        r(
            "Admin. VLAN ID",
            if style.paths == Paths::RomPager {
                "1".into()
            } else {
                String::new()
            },
        ),
    ]
}

/// The trust rows (none for families that show none): security mode, the list fields, CAPF,
/// one `TVS` row per TVS server.
pub fn trust_rows(style: &Style, data: &PageData) -> Vec<Row> {
    let (form, signature) = match style.trust {
        TrustRows::None => return Vec::new(),
        TrustRows::Signature(form) => (form, true),
        TrustRows::FileRow(form) => (form, false),
    };
    let mut rows = vec![
        r("Security mode", text(data.security_mode)),
        r("Web access enabled", yes_no(data.web_access)),
    ];
    let status = |held: bool| if held { "Installed" } else { "Not Installed" }.to_owned();
    if signature {
        rows.push(r("CTL file", status(data.ctl.is_some())));
        if let Some(ctl) = &data.ctl {
            rows.push(r("CTL signature", hash(form, ctl)));
        }
        rows.push(r("ITL file", status(data.itl.is_some())));
        rows.push((
            style.itl_signature_label.to_owned(),
            data.itl.as_ref().map(|d| hash(form, d)).unwrap_or_default(),
        ));
    } else {
        let shown = |d: &Option<Digests>, none: &str| match d {
            Some(d) => hash(form, d),
            None => none.to_owned(),
        };
        // 79xx pages leave an absent CTL empty; the others say so.
        let no_ctl = classic_or(style, "", "Not Installed");
        rows.push(r("CTL file", shown(&data.ctl, no_ctl)));
        rows.push(r("ITL file", shown(&data.itl, "Not Installed")));
    }
    rows.push(r("CAPF server", host(style, &data.capf)));
    for server in &data.tvs {
        rows.push(r("TVS", host(style, server)));
    }
    rows
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.into()
}

/// The CallManager rows (`CUCM server1 … 5` or `CallManager 1 … 5`).
fn callmanager_rows(style: &Style, data: &PageData) -> Vec<Row> {
    data.cucm
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, (name, active))| {
            let label = match style.markup {
                Markup::Classic => format!("CallManager {}", i + 1),
                _ => format!("CUCM server{}", i + 1),
            };
            let state = if *active { "Active" } else { "Standby" };
            (label, format!("{}  {state}", host(style, name)))
        })
        .collect()
}

/// The Network Setup (Network Configuration) page.
pub fn network_setup(style: &Style, data: &PageData) -> String {
    let mut rows = network_rows(style, data);
    if style.trust == TrustRows::None && style.paths == Paths::Serviceability {
        // Pages without trust fields still say the security mode (7945G, 6921).
        rows.push(r("Security mode", text(data.security_mode)));
    }
    rows.extend(trust_rows(style, data));
    rows.extend(callmanager_rows(style, data));
    let title = classic_or(style, "Network Configuration", "Network setup");
    markup::page(style, data, title, &markup::table(style, &rows))
}

/// The wording of the [`Markup::Classic`] pages (79xx), or of every other markup.
fn classic_or(style: &Style, classic: &'static str, other: &'static str) -> &'static str {
    if style.markup == Markup::Classic {
        classic
    } else {
        other
    }
}

/// The DX-series Security information page: no trust field (they are on the handset only).
pub fn security(style: &Style, data: &PageData) -> String {
    let rows = vec![
        r("Security mode", text(data.security_mode)),
        r("Web access", "Enabled".into()),
        r("SSH access", "Disabled".into()),
        r("FIPS mode", "Off".into()),
        r("802.1X authentication", "Disabled".into()),
    ];
    markup::page(
        style,
        data,
        "Security information",
        &markup::table(style, &rows),
    )
}

/// Status-message time in the family's format.
pub fn stamp(style: &Style, secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    let (h12, ap) = match h {
        0 => (12, 'a'),
        1..=11 => (h, 'a'),
        12 => (12, 'p'),
        _ => (h - 12, 'p'),
    };
    match style.stamp {
        Stamp::ShortDate => format!("{mo:02}/{d:02}/{:02} {h12}:{mi:02}:{s:02}{ap}", y % 100),
        Stamp::TimeFirst => format!("{h:02}:{mi:02}:{s:02} {mo:02}/{d:02}/{:02}", y % 100),
        Stamp::TimeOfDay => format!("{h12}:{mi:02}:{s:02}{ap}"),
        Stamp::LongDate => format!(
            "{mo:02}/{d:02}/{y} {h12}:{mi:02}:{s:02} {}M",
            ap.to_ascii_uppercase()
        ),
    }
}

/// The Status messages page: the last 30 messages, oldest first.
pub fn status_messages(style: &Style, data: &PageData) -> String {
    let rows: Vec<Row> = data
        .last_messages()
        .iter()
        .map(|(time, message)| (stamp(style, *time), text(message)))
        .collect();
    let title = classic_or(style, "Status Messages", "Status messages");
    markup::page(style, data, title, &markup::messages(style, &rows))
}

/// The Device information page.
pub fn device_information(style: &Style, data: &PageData) -> String {
    let load = classic_or(style, "App Load ID", "Active load ID");
    let rows = vec![
        r("MAC address", text(&data.mac)),
        r("Host name", text(&data.name)),
        r("Phone DN", text(&data.directory_number)),
        r(load, text(&data.load_id)),
        r("Model number", text(&data.model.model_number())),
        r("Serial number", text(&data.serial)),
        r("Protocol", text(data.protocol.name())),
    ];
    let title = classic_or(style, "Device Information", "Device information");
    markup::page(style, data, title, &markup::table(style, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::pages::family::PageFamily;

    #[test]
    fn stamps_per_family() {
        let t = 1_748_779_205 + 9 * 3600 + 52 * 60 + 53; // 2025-06-01 21:52:58
        let at = |f: PageFamily| stamp(&f.style(), t);
        assert_eq!(at(PageFamily::Cp88xx), "06/01/25 9:52:58p");
        assert_eq!(at(PageFamily::Cp79x2), "21:52:58 06/01/25");
        assert_eq!(at(PageFamily::Cp7940), "9:52:58p");
        assert_eq!(at(PageFamily::Dx80), "06/01/2025 9:52:58 PM");
        assert_eq!(
            stamp(&PageFamily::Cp78xx.style(), 1_748_779_205),
            "06/01/25 12:00:05p"
        );
        assert_eq!(
            stamp(&PageFamily::Cp78xx.style(), 1_748_779_205 - 12 * 3600),
            "06/01/25 12:00:05a"
        );
    }

    #[test]
    fn hashes_as_pairs_and_plain() {
        let d = Digests {
            md5: [0xab; 16],
            sha1: [0x0c; 20],
        };
        assert_eq!(hash(HashForm::Sha1Pairs, &d), "0C ".repeat(20));
        assert_eq!(hash(HashForm::Md5Pairs, &d), "AB ".repeat(16));
        assert_eq!(hash(HashForm::Md5Plain, &d), "AB".repeat(16));
    }
}
