//! Terminal text clean-up: what a PTY sends, reduced to plain lines.
//!
//! The CLI writes through a terminal: bold escapes around pager prompts, `ESC[K` after them,
//! `\r\n` line ends, lone `\r` to rewrite a line. [`Cleaner`] turns a stream of received bytes
//! into plain text:
//!
//! | input | output |
//! |---|---|
//! | CSI `ESC [` params/intermediates, final byte `0x40..=0x7E` (also the 8-bit CSI `U+009B`) | removed |
//! | OSC `ESC ]` … terminated by BEL or `ESC \` | removed |
//! | other escapes: `ESC` + intermediates `0x20..=0x2F` + one final byte (`ESC 7`, `ESC ( B`) | removed |
//! | `\r\n` | `\n` |
//! | lone `\r` | `\n` |
//! | other C0 controls but `\t` and `\n` (BEL, BS, NUL…) and DEL | removed |
//! | invalid UTF-8 | U+FFFD |
//!
//! Sequences split across chunks are held back until complete; one longer than
//! [`MAX_ESCAPE`] bytes is dropped whole (it cannot be a terminal control the CLI sends).

/// Longest escape sequence kept pending before it is discarded.
pub const MAX_ESCAPE: usize = 256;

const ESC: u8 = 0x1b;

/// Incremental cleaner of terminal output. See the [module documentation](self).
#[derive(Debug, Default, Clone)]
pub struct Cleaner {
    /// Bytes not yet decided: an unfinished escape, a trailing `\r`, an incomplete UTF-8
    /// sequence.
    pending: Vec<u8>,
}

/// What the scanner found at a position.
enum Scan {
    /// Emit nothing, skip `n` bytes.
    Skip(usize),
    /// Emit a newline, skip `n` bytes.
    Newline(usize),
    /// Emit the byte(s) of one UTF-8 character (or U+FFFD), skip `n` bytes.
    Char(usize),
    /// Not enough bytes to decide.
    Incomplete,
}

impl Cleaner {
    /// A cleaner with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cleans `bytes`, returning the text that is certain; undecided bytes stay pending.
    pub fn feed(&mut self, bytes: &[u8]) -> String {
        let mut input = std::mem::take(&mut self.pending);
        input.extend_from_slice(bytes);
        let mut out = String::with_capacity(input.len());
        let mut i = 0;
        while i < input.len() {
            let rest = input.get(i..).unwrap_or_default();
            match scan(rest) {
                Scan::Skip(n) => i += n,
                Scan::Newline(n) => {
                    out.push('\n');
                    i += n;
                }
                Scan::Char(n) => {
                    let bytes = rest.get(..n).unwrap_or_default();
                    out.push_str(&String::from_utf8_lossy(bytes));
                    i += n;
                }
                Scan::Incomplete => {
                    if rest.len() > MAX_ESCAPE {
                        // Never completes within bounds: drop the introducer and go on.
                        i += 1;
                        continue;
                    }
                    self.pending = rest.to_vec();
                    break;
                }
            }
        }
        out
    }

    /// Cleans whatever is pending as if the stream ended: a trailing `\r` becomes a newline,
    /// an unfinished escape is dropped, incomplete UTF-8 becomes U+FFFD.
    pub fn flush(&mut self) -> String {
        let pending = std::mem::take(&mut self.pending);
        match pending.first() {
            None => String::new(),
            Some(b'\r') => {
                let mut out = String::from("\n");
                out.push_str(&self.feed(pending.get(1..).unwrap_or_default()));
                out.push_str(&self.flush());
                out
            }
            Some(&ESC) | Some(0xc2) if is_escape_start(&pending) => String::new(),
            Some(_) => String::from_utf8_lossy(&pending).into_owned(),
        }
    }
}

fn is_escape_start(bytes: &[u8]) -> bool {
    matches!(bytes, [ESC, ..] | [0xc2, 0x9b, ..] | [0xc2, 0x9d, ..])
}

fn scan(rest: &[u8]) -> Scan {
    let Some(&first) = rest.first() else {
        return Scan::Incomplete;
    };
    match first {
        ESC => scan_escape(rest),
        b'\r' => match rest.get(1) {
            None => Scan::Incomplete,
            Some(b'\n') => Scan::Newline(2),
            Some(_) => Scan::Newline(1),
        },
        b'\n' => Scan::Newline(1),
        b'\t' => Scan::Char(1),
        0x00..=0x1f | 0x7f => Scan::Skip(1),
        0x80..=0xff => scan_utf8(rest),
        _ => Scan::Char(1),
    }
}

fn scan_escape(rest: &[u8]) -> Scan {
    match rest.get(1) {
        None => Scan::Incomplete,
        Some(b'[') => scan_csi(rest, 2),
        Some(b']') => scan_osc(rest, 2),
        Some(_) => {
            // ESC, intermediates 0x20..=0x2F, one final byte.
            let mut j = 1;
            while let Some(&b) = rest.get(j) {
                if (0x20..=0x2f).contains(&b) {
                    j += 1;
                } else {
                    return Scan::Skip(j + 1);
                }
            }
            Scan::Incomplete
        }
    }
}

/// CSI body from `start`: parameter bytes 0x30..=0x3F, intermediates 0x20..=0x2F, one final
/// byte 0x40..=0x7E. Anything else ends the sequence where it stands (dropped with it).
fn scan_csi(rest: &[u8], start: usize) -> Scan {
    let mut j = start;
    while let Some(&b) = rest.get(j) {
        match b {
            0x20..=0x3f => j += 1,
            0x40..=0x7e => return Scan::Skip(j + 1),
            _ => return Scan::Skip(j),
        }
    }
    Scan::Incomplete
}

/// OSC body from `start`, terminated by BEL or ST (`ESC \`).
fn scan_osc(rest: &[u8], start: usize) -> Scan {
    let mut j = start;
    while let Some(&b) = rest.get(j) {
        match b {
            0x07 => return Scan::Skip(j + 1),
            ESC => match rest.get(j + 1) {
                None => return Scan::Incomplete,
                Some(b'\\') => return Scan::Skip(j + 2),
                // A new escape aborts the OSC.
                Some(_) => return Scan::Skip(j),
            },
            _ => j += 1,
        }
    }
    Scan::Incomplete
}

fn scan_utf8(rest: &[u8]) -> Scan {
    // 8-bit CSI / OSC encoded as UTF-8 (U+009B, U+009D).
    match rest {
        [0xc2, 0x9b, ..] => return scan_csi(rest, 2),
        [0xc2, 0x9d, ..] => return scan_osc(rest, 2),
        [0xc2] => return Scan::Incomplete,
        _ => {}
    }
    let Some(&first) = rest.first() else {
        return Scan::Incomplete;
    };
    let width = match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Scan::Char(1),
    };
    match rest.get(..width) {
        None => {
            // Incomplete only if every byte so far is a continuation byte.
            if rest.iter().skip(1).all(|b| (0x80..=0xbf).contains(b)) {
                Scan::Incomplete
            } else {
                Scan::Char(1)
            }
        }
        Some(seq) => {
            if std::str::from_utf8(seq).is_ok() {
                // C1 controls (U+0080..=U+009F) are dropped like C0 ones.
                if matches!(seq, [0xc2, 0x80..=0x9f]) {
                    Scan::Skip(2)
                } else {
                    Scan::Char(width)
                }
            } else {
                Scan::Char(1)
            }
        }
    }
}

/// Cleans a complete text at once (see [`Cleaner`]).
pub fn clean(input: &[u8]) -> String {
    let mut cleaner = Cleaner::new();
    let mut out = cleaner.feed(input);
    out.push_str(&cleaner.flush());
    out
}

/// Removes ANSI escape sequences only (line ends untouched except lone `\r`, which the
/// cleaner always normalises): a convenience over [`clean`] for `&str` input.
pub fn strip_ansi(input: &str) -> String {
    clean(input.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_single_escapes() {
        assert_eq!(clean(b"\x1b[1mbold\x1b[0m\x1b[K"), "bold");
        assert_eq!(clean(b"a\x1b]0;title\x07b"), "ab");
        assert_eq!(clean(b"a\x1b]2;t\x1b\\b"), "ab");
        assert_eq!(clean(b"a\x1b7b\x1b8c\x1b(Bd"), "abcd");
        assert_eq!(clean(b"x\x1b[?25ly"), "xy");
        assert_eq!(clean("p\u{9b}1mq".as_bytes()), "pq");
    }

    #[test]
    fn normalises_line_ends_and_drops_controls() {
        assert_eq!(clean(b"a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(clean(b"a\x07\x08\x00b\tc\x7f"), "ab\tc");
        assert_eq!(clean(b"end\r"), "end\n");
        assert_eq!(clean(b"caf\xc3\xa9 \xff!"), "caf\u{e9} \u{fffd}!");
    }

    #[test]
    fn split_sequences_wait_for_the_rest() {
        let mut c = Cleaner::new();
        assert_eq!(c.feed(b"abc\x1b["), "abc");
        assert_eq!(c.feed(b"1"), "");
        assert_eq!(c.feed(b"mdef\r"), "def");
        assert_eq!(c.feed(b"\nghi\xc3"), "\nghi");
        assert_eq!(c.feed(b"\xa9"), "\u{e9}");
        assert_eq!(c.feed(b"\x1b"), "");
        assert_eq!(c.flush(), "");
        assert_eq!(c.feed(b"x"), "x");
    }

    #[test]
    fn an_endless_escape_is_bounded() {
        let mut bytes = b"\x1b]".to_vec();
        bytes.extend(std::iter::repeat_n(b'a', MAX_ESCAPE * 2));
        let mut c = Cleaner::new();
        let out = c.feed(&bytes);
        // The introducer is dropped and the text comes through.
        assert!(out.len() > MAX_ESCAPE);
        assert!(c.pending.len() <= MAX_ESCAPE);
    }
}
