//! The Status messages page (`cucm-interfaces.md` §8.4, §8.6).
//!
//! A message is a line of the page (a table row, or text between `<BR>`s) that starts with a
//! timestamp in one of the phones' formats ([`super::phone_time`]): a full date and time on
//! newer firmware, a time of day alone (`9:52:58p No Trust List Installed`) on devices that
//! print no date. The text is matched case-insensitively by its start ([`MessageKind`]).

use serde::{Deserialize, Serialize};

use super::html::text_lines;
use super::phone_time::{MessageTime, PhoneTime, leading_time};
use super::{PageError, body_text};

/// What a status message says, for the trust checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// `Trust List updated`.
    TrustListUpdated,
    /// `Trust List update failed` (also `…, verification failure`).
    TrustListUpdateFailed,
    /// `CTL update failed`.
    CtlUpdateFailed,
    /// `No Trust List installed`.
    NoTrustList,
    /// `ITL installed`.
    ItlInstalled,
    /// `CTL Installed`.
    CtlInstalled,
    /// `CTL and ITL installed`.
    CtlAndItlInstalled,
    /// `Erasing CTL and ITL files`.
    Erasing,
    /// `File Not Found <…>`.
    FileNotFound,
    /// Anything else.
    Other,
}

impl MessageKind {
    /// Classifies a message text (case-insensitive, by its start).
    pub fn of(text: &str) -> Self {
        let t = text.trim().to_ascii_lowercase();
        let starts = |p: &str| t.starts_with(p);
        if starts("trust list update failed") {
            MessageKind::TrustListUpdateFailed
        } else if starts("ctl update failed") {
            MessageKind::CtlUpdateFailed
        } else if starts("trust list updated") {
            MessageKind::TrustListUpdated
        } else if starts("no trust list installed") {
            MessageKind::NoTrustList
        } else if starts("ctl and itl installed") {
            MessageKind::CtlAndItlInstalled
        } else if starts("itl installed") {
            MessageKind::ItlInstalled
        } else if starts("ctl installed") {
            MessageKind::CtlInstalled
        } else if starts("erasing ctl and itl") {
            MessageKind::Erasing
        } else if starts("file not found") {
            MessageKind::FileNotFound
        } else {
            MessageKind::Other
        }
    }

    /// A failed trust-list download.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            MessageKind::TrustListUpdateFailed | MessageKind::CtlUpdateFailed
        )
    }

    /// A successful trust-list download.
    pub fn is_success(self) -> bool {
        matches!(
            self,
            MessageKind::TrustListUpdated
                | MessageKind::ItlInstalled
                | MessageKind::CtlInstalled
                | MessageKind::CtlAndItlInstalled
        )
    }
}

/// One status message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    /// When, by the phone's clock: a full date and time, or a time of day alone.
    pub time: MessageTime,
    /// The text (control characters removed).
    pub text: String,
    /// What it says.
    pub kind: MessageKind,
}

/// Most messages kept from one page (phones keep 30).
pub const MAX_MESSAGES: usize = 1_000;

/// Parses a Status messages page (any layout): every line that starts with a timestamp, in
/// page order. A page without messages gives an empty list; a binary body fails.
pub fn parse_status_messages(body: &[u8]) -> Result<Vec<StatusMessage>, PageError> {
    let text = body_text(body)?;
    Ok(messages_of(&text))
}

/// The messages of a page's text.
pub(super) fn messages_of(text: &str) -> Vec<StatusMessage> {
    let mut out = Vec::new();
    for line in text_lines(text) {
        if out.len() >= MAX_MESSAGES {
            break;
        }
        if let Some((time, rest)) = leading_time(&line) {
            let text = rest.trim();
            if text.is_empty() {
                continue;
            }
            out.push(StatusMessage {
                time,
                kind: MessageKind::of(text),
                text: text.to_owned(),
            });
        }
    }
    out
}

/// The last trust-list message that says success or failure: the latest dated one by time
/// (a later row winning a tie); a page of times of day alone gives its last such row in page
/// order (phones list oldest first).
pub fn last_trust_message(messages: &[StatusMessage]) -> Option<&StatusMessage> {
    last_trust_message_since(messages, None)
}

/// [`last_trust_message`] among the messages not older than `since` (all when `None`).
///
/// A message with a time of day alone cannot be placed against `since`; it is kept (the
/// caller decides with [`MessageTime::not_before`] whether to trust it), and a dated message
/// wins over it.
pub fn last_trust_message_since(
    messages: &[StatusMessage],
    since: Option<PhoneTime>,
) -> Option<&StatusMessage> {
    messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind.is_failure() || m.kind.is_success())
        .filter(|(_, m)| since.is_none_or(|s| m.time.not_before(s) != Some(false)))
        .max_by_key(|(i, m)| (m.time.date_time(), *i))
        .map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(messages: &[StatusMessage]) -> Vec<(String, &str, MessageKind)> {
        messages
            .iter()
            .map(|m| (m.time.to_string(), m.text.as_str(), m.kind))
            .collect()
    }

    #[test]
    fn dated_rows() {
        let page = "<html><body><table><tr><td>nav</td><td><h2>Status messages</h2><table>\
<tr><td><b>06/01/25 12:00:05a</b></td><td width=\"20\"></td><td><b>File Not Found &lt;CTLFile.tlv&gt;</b></td></tr>\n\
<tr><td><b>06/01/25 12:00:07a</b></td><td width=\"20\"></td><td><b>ITL installed</b></td></tr>\n\
<tr><td><b>06/01/25 3:00:07p</b></td><td width=\"20\"></td><td><b>Trust List update failed</b></td></tr>\n\
</table></td></tr></table></body></html>";
        let messages = parse_status_messages(page.as_bytes()).expect("parses");
        assert_eq!(
            shown(&messages),
            vec![
                (
                    "2025-06-01T00:00:05".into(),
                    "File Not Found <CTLFile.tlv>",
                    MessageKind::FileNotFound
                ),
                (
                    "2025-06-01T00:00:07".into(),
                    "ITL installed",
                    MessageKind::ItlInstalled
                ),
                (
                    "2025-06-01T15:00:07".into(),
                    "Trust List update failed",
                    MessageKind::TrustListUpdateFailed
                ),
            ]
        );
        assert_eq!(
            last_trust_message(&messages).map(|m| m.kind),
            Some(MessageKind::TrustListUpdateFailed)
        );
    }

    #[test]
    fn classic_single_cell_rows() {
        let page = "<HTML><BODY><CENTER><H3>Status Messages</H3></CENTER>\
<TABLE BORDER=0><TR><TD><FONT SIZE=2>15:00:05 06/01/25 Trust List update failed</FONT></TD></TR>\n\
<TR><TD><FONT SIZE=2>15:00:09 06/01/25 Trust List updated</FONT></TD></TR>\n\
<TR><TD><FONT SIZE=2>no time here</FONT></TD></TR></TABLE></BODY></HTML>";
        let messages = parse_status_messages(page.as_bytes()).expect("parses");
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].time.to_string(), "2025-06-01T15:00:05");
        assert_eq!(
            last_trust_message(&messages).map(|m| m.kind),
            Some(MessageKind::TrustListUpdated)
        );
    }

    #[test]
    fn times_of_day_between_breaks() {
        let page = "<HTML><BODY><B>Status Messages</B><BR>\
7:56:45a CTL update failed<BR>9:52:58p No Trust List Installed<BR>\
9:53:10p Trust List updated<BR></BODY></HTML>";
        let messages = parse_status_messages(page.as_bytes()).expect("parses");
        assert_eq!(
            shown(&messages),
            vec![
                (
                    "07:56:45".into(),
                    "CTL update failed",
                    MessageKind::CtlUpdateFailed
                ),
                (
                    "21:52:58".into(),
                    "No Trust List Installed",
                    MessageKind::NoTrustList
                ),
                (
                    "21:53:10".into(),
                    "Trust List updated",
                    MessageKind::TrustListUpdated
                ),
            ]
        );
        assert!(messages.iter().all(|m| m.time.date_time().is_none()));
        // Undated messages cannot be placed against a boot time: kept, in page order.
        let boot = Some(PhoneTime { secs: i64::MAX });
        assert_eq!(
            last_trust_message_since(&messages, boot).map(|m| m.text.as_str()),
            Some("Trust List updated")
        );
    }

    #[test]
    fn newest_first_pages_are_ordered_by_time_and_since_filters() {
        let page = "<table><tr><td>2025-06-02 08:00:00</td><td>Trust List updated</td></tr>\
<tr><td>2025-06-01T08:00:00</td><td>Trust List update failed</td></tr>\
<tr><td>06/01/2025 9:00:00 PM</td><td>ITL installed</td></tr></table>";
        let messages = parse_status_messages(page.as_bytes()).expect("parses");
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[2].time.to_string(), "2025-06-01T21:00:00");
        assert_eq!(
            last_trust_message(&messages).map(|m| m.text.as_str()),
            Some("Trust List updated")
        );
        let after_all = PhoneTime {
            secs: i64::from(u32::MAX) * 10,
        };
        assert_eq!(last_trust_message_since(&messages, Some(after_all)), None);
    }

    #[test]
    fn control_characters_are_removed_from_messages() {
        // Pages of realistic size: a few stray control bytes do not make them binary.
        let last = |row: &str| {
            let padding = "<tr><td>06/01/25 3:00:00p</td><td>DHCP timeout</td></tr>".repeat(10);
            let page = format!(
                "<table>{padding}<tr><td>06/01/25 3:00:05p</td><td>{row}</td></tr></table>"
            );
            let messages = parse_status_messages(page.as_bytes()).expect("parses");
            assert_eq!(messages.len(), 11);
            messages[10].clone()
        };
        let m = last("\u{1b}[2JTrust List update\u{7} failed&#27;\u{9b}");
        assert_eq!(m.text, "[2JTrust List update failed");
        assert_eq!(m.kind, MessageKind::Other);
        let m = last("Trust List update\u{1b} failed");
        assert_eq!(m.text, "Trust List update failed");
        assert_eq!(m.kind, MessageKind::TrustListUpdateFailed);
    }

    #[test]
    fn message_kinds() {
        for (text, kind) in [
            (
                "Trust List update failed, verification failure",
                MessageKind::TrustListUpdateFailed,
            ),
            ("trust list UPDATED", MessageKind::TrustListUpdated),
            ("CTL update failed", MessageKind::CtlUpdateFailed),
            ("No Trust List installed", MessageKind::NoTrustList),
            ("CTL and ITL installed", MessageKind::CtlAndItlInstalled),
            ("CTL Installed", MessageKind::CtlInstalled),
            ("Erasing CTL and ITL files", MessageKind::Erasing),
            ("DHCP timeout", MessageKind::Other),
        ] {
            assert_eq!(MessageKind::of(text), kind, "{text}");
        }
        assert!(!MessageKind::NoTrustList.is_success());
        assert!(!MessageKind::NoTrustList.is_failure());
    }
}
