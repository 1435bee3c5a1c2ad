//! Reading a phone's web pages (`cucm-interfaces.md` §8, with the field facts of §8.6): the
//! Network Setup page (trust fields), the Status messages page, the Device Information pages
//! and the links between them.
//!
//! | module | job |
//! |---|---|
//! | [`html`] | tolerant tokenizer; table rows and text lines of a document |
//! | [`entities`] | character references; control characters out of every phone text |
//! | [`fields`](mod@fields) | rows → label / value pairs (two- and three-cell rows, repeated labels) |
//! | [`network_setup`] | the trust fields, TVS and TFTP servers ([`NetworkSetup`]) |
//! | [`status_messages`] | the status messages ([`StatusMessage`]) |
//! | [`phone_time`] | the phones' timestamp formats, dated or time of day only |
//! | [`device_info`] | `/DeviceInformationX` and the Device Information page |
//! | [`links`] | which pages a page links (DX-series and 7940-era paths) |
//!
//! Layouts in the field (§8.6): most firmware writes upper-case three-cell rows with an
//! empty `WIDTH=20` spacer (`<TR><TD><B>ITL file</B></TD><TD WIDTH=20></TD><TD><B>Installed
//! </B></TD></TR>`), the 7841 two-cell rows, 79xx rows wrapped in `<FONT>`; pages saved by a
//! browser are lower-case with `<tbody>`. The parsers depend on none of these.
//!
//! Nothing here panics on any input; every output is bounded.

pub mod device_info;
pub mod entities;
pub mod fields;
pub mod html;
pub mod links;
pub mod network_setup;
pub mod phone_time;
pub mod status_messages;

pub use device_info::{DeviceInfo, parse_device_information, parse_device_information_x};
pub use entities::{decode_entities, plain_text};
pub use fields::{Field, fields, label_key, page_fields};
pub use html::{table_rows, text_lines};
pub use links::{PageKind, PageLink, link_of, page_links};
pub use network_setup::{MAX_TVS, NetworkSetup, TrustField, parse_network_setup};
pub use phone_time::{MessageTime, PhoneTime, TimeOfDay};
pub use status_messages::{
    MessageKind, StatusMessage, last_trust_message, last_trust_message_since, parse_status_messages,
};

/// Path of the Network Setup page.
pub const NETWORK_SETUP_PATH: &str =
    "/CGI/Java/Serviceability?adapter=device.statistics.configuration";

/// Path of the Status messages page.
pub const STATUS_MESSAGES_PATH: &str =
    "/CGI/Java/Serviceability?adapter=device.settings.status.messages";

/// The phone's home page, which links its other pages (the way to the DX-series and
/// 7940-era paths).
pub const HOME_PATH: &str = "/";

/// Path of the XML device information.
pub const DEVICE_INFORMATION_X_PATH: &str = "/DeviceInformationX";

/// Longest excerpt kept from a page that was not understood, in characters.
pub const EXCERPT_CHARS: usize = 240;

/// Why a page was not understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The body is binary, not text.
    #[error("the page is not text ({control} control bytes in the first {checked})")]
    NotText {
        /// Control bytes found.
        control: usize,
        /// Bytes looked at.
        checked: usize,
        /// The start of the body, printable.
        excerpt: String,
    },
    /// The body is text, but the fields wanted are not there.
    #[error("the page has no {missing} field")]
    MissingFields {
        /// What is missing, e.g. `ITL file / ITL signature`.
        missing: &'static str,
        /// The start of the body, printable.
        excerpt: String,
    },
}

impl PageError {
    /// The start of the body, printable (control characters replaced, whitespace collapsed).
    pub fn excerpt(&self) -> &str {
        match self {
            PageError::NotText { excerpt, .. } | PageError::MissingFields { excerpt, .. } => {
                excerpt
            }
        }
    }
}

/// The start of `body` as printable text: at most [`EXCERPT_CHARS`] characters, control
/// characters replaced by `.`, whitespace runs collapsed to one space.
pub fn excerpt(body: &[u8]) -> String {
    let head = body
        .get(..body.len().min(EXCERPT_CHARS * 4))
        .unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if count >= EXCERPT_CHARS {
            break;
        }
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
                count += 1;
            }
            space = true;
            continue;
        }
        space = false;
        out.push(if c.is_control() || c == '\u{FFFD}' {
            '.'
        } else {
            c
        });
        count += 1;
    }
    out.trim_end().to_owned()
}

/// Decodes the body as text; refuses bodies that are mostly binary.
pub(crate) fn body_text(body: &[u8]) -> Result<String, PageError> {
    let checked = body.len().min(64 * 1024);
    let head = body.get(..checked).unwrap_or(body);
    let control = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)))
        .count();
    let text = String::from_utf8_lossy(body);
    let replaced = text
        .chars()
        .take(64 * 1024)
        .filter(|&c| c == '\u{FFFD}')
        .count();
    // Real pages have no NUL and no stray control bytes; allow a few in case of odd firmware.
    if control > 8 || control * 100 > checked.max(1) || replaced * 20 > checked.max(1) {
        return Err(PageError::NotText {
            control: control.max(replaced),
            checked,
            excerpt: excerpt(body),
        });
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(seed: u32, n: usize) -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (x >> 16) as u8
            })
            .collect()
    }

    #[test]
    fn garbage_is_not_text() {
        let mut body = b"<html><body><table><tr><td>".to_vec();
        body.extend(noise(7, 3000));
        let err = parse_network_setup(&body).expect_err("garbage");
        assert!(matches!(err, PageError::NotText { .. }), "{err:?}");
        assert!(err.excerpt().starts_with("<html><body><table><tr><td>"));
        assert!(err.excerpt().chars().count() <= EXCERPT_CHARS);
        assert!(parse_status_messages(&body).is_err());
        assert!(parse_device_information_x(&body).is_err());
        // Twin: the same prefix followed by text is text.
        assert!(body_text(b"<html><body><table><tr><td>hello</td></tr></table>").is_ok());
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        let body = format!("<html>\n\n  a\tb\u{1b}c{}", "x".repeat(1000));
        let e = excerpt(body.as_bytes());
        assert!(e.starts_with("<html> a b.cxxx"), "{e}");
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert_eq!(excerpt(b""), "");
    }

    #[test]
    fn never_panics_on_fragments() {
        let inputs: [&[u8]; 16] = [
            b"",
            b"<",
            b"<td",
            b"<!--",
            b"<script>",
            b"</table></tr></td>",
            b"<td>ITL file<td>",
            b"&",
            b"&#",
            b"<td>\xff\xfe</td>",
            "<td>é&#233;</td><td>ü</td>".as_bytes(),
            b"<table><table><tr><td>ITL file</td><td>x</td>",
            b"<a href=\"",
            b"<a href='/x'>",
            b"<td a=\"1>",
            b"<?xml",
        ];
        for input in inputs {
            let _ = parse_network_setup(input);
            let _ = parse_status_messages(input);
            let _ = parse_device_information(input);
            let _ = parse_device_information_x(input);
            let _ = page_links(&String::from_utf8_lossy(input));
        }
        let setup = parse_network_setup(b"<td>ITL file<td>abc").expect("implicit cells");
        assert_eq!(setup.itl_file, Some(TrustField::Text("abc".into())));
    }

    #[test]
    fn deep_nesting_and_many_tags_stay_bounded() {
        let deep = "<table><tr><td>".repeat(5_000) + "ITL file</td><td>Installed";
        let s = parse_network_setup(deep.as_bytes()).expect("text");
        assert!(s.has_itl_field());
        let wide = "<td>".repeat(200_000);
        assert!(table_rows(&wide).len() <= html::MAX_ROWS);
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        /// Fragments that make page-like garbage.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("<TR>".to_owned()),
                Just("<td width=20>".to_owned()),
                Just("</TD>".to_owned()),
                Just("<table>".to_owned()),
                Just("</table>".to_owned()),
                Just("<B> TVS</B>".to_owned()),
                Just("ITL file".to_owned()),
                Just("Installed".to_owned()),
                Just("BD 03 52 ".to_owned()),
                Just("9:52:58p ".to_owned()),
                Just("06/01/25 3:00:05p".to_owned()),
                Just("&#x2D;".to_owned()),
                Just("&".to_owned()),
                Just("<a href=\"/?adapter=device.statistics.security\">".to_owned()),
                Just("<!--".to_owned()),
                Just("-->".to_owned()),
                Just("<script>".to_owned()),
                Just("<".to_owned()),
                Just("\"".to_owned()),
                Just("\u{1b}".to_owned()),
                "\\PC{0,8}",
            ]
        }

        proptest! {
            #[test]
            fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
                let _ = parse_network_setup(&bytes);
                let _ = parse_status_messages(&bytes);
                let _ = parse_device_information(&bytes);
                let _ = parse_device_information_x(&bytes);
                let _ = page_links(&String::from_utf8_lossy(&bytes));
            }

            #[test]
            fn page_like_garbage_never_panics_and_texts_are_clean(
                pieces in proptest::collection::vec(piece(), 0..200)
            ) {
                let page = pieces.concat();
                if let Ok(setup) = parse_network_setup(page.as_bytes()) {
                    prop_assert!(setup.tvs.len() <= MAX_TVS);
                    for t in &setup.tvs {
                        prop_assert!(!t.chars().any(char::is_control));
                    }
                }
                if let Ok(messages) = parse_status_messages(page.as_bytes()) {
                    for m in &messages {
                        prop_assert!(!m.text.chars().any(char::is_control));
                        prop_assert!(!m.text.is_empty());
                    }
                }
                for row in table_rows(&page) {
                    for cell in row {
                        prop_assert!(!cell.chars().any(char::is_control));
                    }
                }
                for link in page_links(&page) {
                    prop_assert!(link.path.starts_with('/'));
                }
            }
        }
    }
}
