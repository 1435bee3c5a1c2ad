//! Text that came from phones, servers or files, made safe to print on a terminal.
//!
//! A phone's web page, a TFTP server's error or a CSV cell may carry escape sequences (`ESC [
//! 2 J` clears the screen, OSC 8 makes links, OSC 52 writes the clipboard) or bidirectional
//! overrides that make text read differently from what it is. [`clean`] replaces every
//! control character (C0, DEL, C1) and every bidirectional control with U+FFFD, so such text
//! is printed, not obeyed.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal: a control character (C0, DEL, C1) or a
/// bidirectional embedding, override or isolate.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character ([`is_unsafe`]) replaced by U+FFFD; borrowed when
/// nothing had to change.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_defused() {
        for (hostile, defused) in [
            (
                "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}ucm\u{9b}31m",
                "\u{FFFD}[2J\u{FFFD}]52;c;aGk=\u{FFFD}ucm\u{FFFD}31m",
            ),
            ("a\nb\r\tc\u{7f}", "a\u{FFFD}b\u{FFFD}\u{FFFD}c\u{FFFD}"),
            ("evil\u{202E}gpj.exe", "evil\u{FFFD}gpj.exe"),
        ] {
            assert_eq!(clean(hostile), defused, "{hostile:?}");
        }
    }

    #[test]
    fn plain_text_is_kept_as_is() {
        for text in [
            "",
            "Cisco 8841",
            "DP-HQ",
            "ucm-pub.example.com",
            "Trust List updated",
            "é ü 日本",
        ] {
            assert!(
                matches!(clean(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }
}
