//! Character references and the cleaning every text a phone supplies goes through.
//!
//! [`decode_entities`] decodes the named references phone pages use and numeric ones
//! (`&#45;`, `&#x2D;`); [`plain_text`] decodes, drops control characters (C0, DEL and C1,
//! ESC included: a phone's text must not be able to drive a terminal the report is shown on)
//! and collapses whitespace.

/// The longest reference name looked at (`&thinsp;` is 8); longer runs are text.
const MAX_REFERENCE: usize = 12;

/// Decodes character references: the named ones phone pages use (`&amp; &lt; &gt; &quot;
/// &apos; &nbsp;` and a few typographic ones), case-insensitively for the common five, and
/// numeric ones in decimal (`&#45;`) or hex (`&#x2D;`). An unknown or malformed reference, or
/// one naming NUL, a surrogate or no character at all, is kept as written. `&nbsp;` becomes a
/// plain space and `&shy;` nothing.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .char_indices()
            .take(MAX_REFERENCE)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| reference(rest.get(1..end)?).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                if let Some(c) = c {
                    out.push(c);
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = rest.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference name stands for: `Some(None)` for one that stands for nothing
/// (`shy`), `None` for an unknown name.
fn reference(name: &str) -> Option<Option<char>> {
    let c = match name {
        "amp" | "AMP" | "Amp" => '&',
        "lt" | "LT" | "Lt" => '<',
        "gt" | "GT" | "Gt" => '>',
        "quot" | "QUOT" | "Quot" => '"',
        "apos" | "APOS" => '\'',
        "nbsp" | "NBSP" | "Nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "shy" => return Some(None),
        "copy" | "COPY" => '©',
        "reg" | "REG" => '®',
        "trade" => '™',
        "middot" => '·',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "deg" => '°',
        _ => return numeric(name).map(Some),
    };
    Some(Some(c))
}

fn numeric(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let (digits, radix) = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    match char::from_u32(u32::from_str_radix(digits, radix).ok()?)? {
        '\0' => None,
        '\u{a0}' => Some(' '),
        c => Some(c),
    }
}

/// Whether a character is a control character a phone's text must not carry: C0 (ESC
/// included), DEL and C1. Whitespace controls (tab, line feed, carriage return, form feed)
/// are controls too; [`plain_text`] turns them into spaces first.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Phone-supplied text as the sweep keeps it: references decoded, whitespace (including
/// no-break spaces, tabs and line breaks) collapsed to single spaces and trimmed, every other
/// control character (C0, DEL, C1) dropped.
pub fn plain_text(raw: &str) -> String {
    clean(&decode_entities(raw))
}

/// [`plain_text`] without the decoding: for text that is already decoded.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            space = !out.is_empty();
            continue;
        }
        if is_control(c) {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_numeric_references() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x27;d&apos;e&LT;f&gt;"),
            "a&b'c'd'e<f>"
        );
        assert_eq!(
            decode_entities("ucm&#x2D;pub ucm&#45;sub1"),
            "ucm-pub ucm-sub1"
        );
        assert_eq!(decode_entities("x&nbsp;y&#160;z&shy;w"), "x y zw");
        assert_eq!(decode_entities("&hellip;&ndash;&copy;"), "…–©");
    }

    #[test]
    fn malformed_references_are_kept_as_written() {
        for text in [
            "&",
            "&;",
            "&#;",
            "&#x;",
            "&#xZZ;",
            "&#99999999;",
            "&#xD800;",
            "&#0;",
            "&bogus;",
            "&amp",
            "& amp;",
            "&#1234567890;",
            "&averyveryverylongname;",
        ] {
            assert_eq!(decode_entities(text), text, "{text:?}");
        }
        assert_eq!(decode_entities("R&D &amp; QA"), "R&D & QA");
    }

    #[test]
    fn plain_text_drops_controls_and_collapses_whitespace() {
        assert_eq!(
            plain_text("  \u{1b}[31mCTL\tupdate\r\n failed\u{7}&#27;[0m\u{85}\u{9b}2J "),
            // U+0085 (NEL) is whitespace; U+009B (CSI) a control.
            "[31mCTL update failed[0m 2J"
        );
        assert_eq!(plain_text("\u{a0}a&nbsp;&nbsp;b\u{7f}\u{0}c"), "a bc");
        assert_eq!(plain_text(""), "");
        assert_eq!(plain_text(" \t\n "), "");
        assert!(is_control('\u{1b}') && is_control('\u{9f}') && !is_control('é'));
    }
}
