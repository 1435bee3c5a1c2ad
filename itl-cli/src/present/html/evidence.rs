//! A phone's evidence as labelled fields: the ITL (and CTL) it holds against the one its node
//! serves, which node serves it, its latest trust-list message and when, and what went wrong
//! when it could not be read. Every value is escaped; node addresses read as node names.

use std::fmt::Write as _;

use itl_core::cucm::PhoneState;
use itl_cucm::sweep::PhoneRecord;
use itl_cucm::sweep::classify::{NO_TRUST_INFO_NOTE, UNKNOWN_ITL_NOTE};

use super::escape;
use super::nodes::NodeNames;

/// The longest page excerpt shown (characters); the JSON report keeps all of it.
const EXCERPT: usize = 160;

/// `YYYY-MM-DDTHH:MM:SS` (a phone's clock, no zone) as `YYYY-MM-DD HH:MM:SS`.
fn phone_time(text: &str) -> String {
    text.replacen('T', " ", 1)
}

/// The date of an RFC 3339 time.
fn date(text: &str) -> &str {
    text.get(..10).unwrap_or(text)
}

/// Appends one field: `<b>label</b> value`, one per line (the cell is styled
/// `white-space: pre-line`, so a newline costs one byte where `<br>` costs four).
fn field(out: &mut String, label: &str, value: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = write!(out, "<b>{label}</b> {value}");
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

/// ` (FILE)` for a per-phone file; nothing for the cluster-wide `ITLFile.tlv` / `CTLFile.tlv`.
fn file_note(file: &str) -> String {
    if file.is_empty()
        || file.eq_ignore_ascii_case("ITLFile.tlv")
        || file.eq_ignore_ascii_case("CTLFile.tlv")
    {
        String::new()
    } else {
        format!(" ({})", escape(file))
    }
}

/// The node and file of an evidence `reference` (`node/file`).
fn reference_parts(reference: &str) -> (&str, &str) {
    reference.rsplit_once('/').unwrap_or((reference, ""))
}

/// The evidence cell of a phone with a problem (empty for a phone without evidence).
pub fn cell(p: &PhoneRecord, nodes: &NodeNames) -> String {
    let e = &p.evidence;
    let mut out = String::new();
    // The ITL held, and what it is.
    let held = match (&e.itl_hash, &e.itl_text) {
        (Some(hash), _) => Some(code(hash)),
        (None, Some(text)) => Some(escape(text)),
        (None, None) => None,
    };
    if let Some(mut held) = held {
        if let Some(a) = &e.archived {
            let _ = write!(
                held,
                " older list from {}{}, first seen {}",
                escape(&nodes.name(&a.node)),
                file_note(&a.name),
                escape(date(&a.first_seen))
            );
        } else if p.state == PhoneState::ForeignItl {
            held.push_str(" never served here");
        }
        field(&mut out, "ITL held", &held);
    }
    if let Some(expected) = &e.expected_itl {
        let mut value = code(expected);
        if let Some(reference) = &e.reference {
            let (node, file) = reference_parts(reference);
            let _ = write!(
                value,
                " served by {}{}",
                escape(&nodes.name(node)),
                file_note(file)
            );
        }
        field(&mut out, "ITL expected", &value);
    }
    if let Some(ctl) = &e.ctl_hash {
        field(&mut out, "CTL held", &code(ctl));
    }
    if let Some(ctl) = &e.expected_ctl {
        field(&mut out, "CTL expected", &code(ctl));
    }
    if let Some(message) = &e.message {
        let mut value = escape(message);
        if let Some(time) = &e.message_time {
            let _ = write!(value, " at {}", escape(&phone_time(time)));
        }
        field(&mut out, "last trust message", &value);
    }
    // The TVS nodes matter when the phone needs TVS to vouch for a new signer.
    if !e.tvs.is_empty() && matches!(p.state, PhoneState::StaleItl | PhoneState::UpdateFailed) {
        let tvs: Vec<String> = e.tvs.iter().map(|t| escape(&nodes.name(t))).collect();
        field(&mut out, "TVS", &tvs.join(", "));
    }
    if let Some(status) = e.registration.as_deref().filter(|s| *s != "Registered") {
        field(&mut out, "RisPort", &escape(status));
    }
    if e.httpd.as_deref() == Some("No") {
        field(&mut out, "web server", "off (RisPort Httpd = No)");
    }
    if let Some(status) = e.http_status {
        field(&mut out, "HTTP status", &status.to_string());
    }
    if let Some(error) = &e.error {
        field(&mut out, "error", &escape(error));
    }
    if let Some(excerpt) = &e.excerpt {
        let short: String = excerpt.chars().take(EXCERPT).collect();
        let more = if excerpt.chars().count() > EXCERPT {
            "…"
        } else {
            ""
        };
        field(&mut out, "page starts", &format!("{}{more}", code(&short)));
    }
    for note in &e.notes {
        // The group's heading says these for every phone of the group.
        if note == UNKNOWN_ITL_NOTE || note == NO_TRUST_INFO_NOTE {
            continue;
        }
        field(&mut out, "note", &escape(note));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_cucm::sweep::fixtures::{archived_itl, record, report, stale};

    #[test]
    fn stale_phone_held_versus_expected() {
        let mut p = stale("SEP000000000002");
        p.evidence.archived = Some(archived_itl("2", "127.0.1.1", "2025-05-01T08:00:00Z"));
        p.evidence.message = Some("Trust List updated".into());
        p.evidence.message_time = Some("2025-05-02T09:10:11".into());
        p.evidence.tvs = vec!["127.0.1.1".into(), "10.9.9.9".into()];
        let nodes = NodeNames::of(&report(vec![]));
        assert_eq!(
            cell(&p, &nodes),
            format!(
                "<b>ITL held</b> <code>{}</code> older list from ucm-pub, first seen 2025-05-01\
\n<b>ITL expected</b> <code>{}</code> served by ucm-pub\
\n<b>last trust message</b> Trust List updated at 2025-05-02 09:10:11\
\n<b>TVS</b> ucm-pub, 10.9.9.9",
                "1".repeat(32),
                "a".repeat(32)
            )
        );
    }

    #[test]
    fn unreadable_phones_say_why_and_hostile_text_is_escaped() {
        let nodes = NodeNames::of(&report(vec![]));
        let mut p = record("SEP000000000003", PhoneState::Unparseable);
        p.evidence.http_status = Some(200);
        p.evidence.error = Some("no ITL field <b>".into());
        p.evidence.excerpt = Some(format!("<script>alert(1)</script>{}", "x".repeat(300)));
        let text = cell(&p, &nodes);
        assert!(text.starts_with("<b>HTTP status</b> 200\n<b>error</b> no ITL field &lt;b&gt;\n<b>page starts</b> <code>&lt;script&gt;alert(1)&lt;/script&gt;xxx"), "{text}");
        assert!(text.ends_with("x</code>…"), "{text}");
        assert!(!text.contains("<script>"));

        let mut off = record("SEP000000000004", PhoneState::WebDisabled);
        off.evidence.registration = Some("Registered".into());
        off.evidence.httpd = Some("No".into());
        assert_eq!(
            cell(&off, &nodes),
            "<b>web server</b> off (RisPort Httpd = No)"
        );

        let mut gone = record("SEP000000000005", PhoneState::Unregistered);
        gone.evidence.registration = Some("UnRegistered".into());
        assert_eq!(cell(&gone, &nodes), "<b>RisPort</b> UnRegistered");

        let mut foreign = record("SEP000000000006", PhoneState::ForeignItl);
        foreign.evidence.itl_hash = Some("f".repeat(32));
        assert_eq!(
            cell(&foreign, &nodes),
            format!(
                "<b>ITL held</b> <code>{}</code> never served here",
                "f".repeat(32)
            )
        );
        // A per-phone file is named; TVS is shown only where TVS must vouch.
        let mut own = record("SEP000000000008", PhoneState::UpdateFailed);
        own.evidence.itl_hash = Some("1".repeat(32));
        own.evidence.expected_itl = Some("2".repeat(32));
        own.evidence.reference = Some("ucm-pub/ITLSEP000000000008.tlv".into());
        own.evidence.tvs = vec!["127.0.1.1".into()];
        assert_eq!(
            cell(&own, &nodes),
            format!(
                "<b>ITL held</b> <code>{}</code>\n<b>ITL expected</b> <code>{}</code> served by ucm-pub (ITLSEP000000000008.tlv)\n<b>TVS</b> ucm-pub",
                "1".repeat(32),
                "2".repeat(32)
            )
        );
        let mut mismatch = record("SEP000000000009", PhoneState::CtlMismatch);
        mismatch.evidence.tvs = vec!["127.0.1.1".into()];
        mismatch.evidence.ctl_hash = Some("3".repeat(32));
        assert_eq!(
            cell(&mismatch, &nodes),
            format!("<b>CTL held</b> <code>{}</code>", "3".repeat(32))
        );
        // Reject twin: no evidence, no fields.
        assert_eq!(
            cell(&record("SEP000000000007", PhoneState::NotScanned), &nodes),
            ""
        );
    }
}
