//! `show itl` and `show ctl` (`itl-format.md` §11).
//!
//! Line grammar (every fixed sentence accepts `ITL` or `CTL`, case-insensitively):
//!
//! | line | read as |
//! |---|---|
//! | `The checksum value of the CTL file:` | the list kind |
//! | `<32 hex>(MD5)`, `<40 hex>(SHA1)` (possibly on one line) | checksums |
//! | `Length of CTL file: <n>` | length; `0` means no file |
//! | `The CTL File was last modified on <date>` | modification date (text and parsed) |
//! | `CTL File not found…`, `Error parsing the CTL File.` | no file |
//! | `Parse CTL File`, `----…`, table headings | skipped |
//! | `Version: <x.y>`, `HeaderLength: <n> (BYTES)` | header fields |
//! | `<tag> <LABEL> [<length>] [<value…>]` | a row of the header or of the current record |
//! | lines of 1–2-digit hex tokens after a header `SIGNATURE` row | signature bytes |
//! | `CTL Record #:<n>` | a new record |
//! | `This etoken was used to sign the CTL file.` / `… was not used …` | the record's signer flag |
//! | `The CTL file was verified successfully.` | verified |
//! | a line mentioning verification with `fail`/`could not`/`not verified`/`unsuccessful` | failed, with the line |
//!
//! Any other non-empty line is an error naming it.

use super::{CliDate, Line, ParseError, body, has};

const WHAT: &str = "show itl/ctl";
/// Most signature bytes kept (a 4096-bit signature is 512 bytes).
const MAX_SIGNATURE: usize = 1024;
/// Most records accepted.
const MAX_RECORDS: usize = 4096;

/// ITL or CTL, from the fixed sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListWord {
    /// `ITL`.
    Itl,
    /// `CTL`.
    Ctl,
}

/// The verification sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// `The … file was verified successfully.`
    Success,
    /// A failure sentence, as printed.
    Failure(String),
    /// No sentence (treat as not verified).
    Absent,
}

/// One table row: `<tag> <LABEL> <length> <value>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlvRow {
    /// The tag number (the `BYTEPOS` column).
    pub tag: u16,
    /// The label (`SIGNERNAME`, Cisco's misspellings included).
    pub label: String,
    /// The LENGTH column, when present.
    pub length: Option<u32>,
    /// The VALUE column (rest of the line), possibly empty.
    pub value: String,
}

/// One `Record #:` section.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RecordView {
    /// The 1-based number printed.
    pub number: u32,
    /// Every row.
    pub rows: Vec<TlvRow>,
    /// `This etoken was used to sign …` (`Some(true)`) or `… was not used …` (`Some(false)`).
    pub signed_the_file: Option<bool>,
}

impl RecordView {
    fn value(&self, tag: u16) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.tag == tag)
            .map(|r| r.value.as_str())
            .filter(|v| !v.is_empty())
    }

    /// FUNCTION (`CCM+TFTP`, `System Administrator Security Token`...).
    pub fn function(&self) -> Option<&str> {
        self.value(4)
    }

    /// SERIALNUMBER as printed (`70:CA:…`).
    pub fn serial(&self) -> Option<&str> {
        self.value(6)
    }

    /// SUBJECTNAME.
    pub fn subject(&self) -> Option<&str> {
        self.value(3)
    }

    /// ISSUERNAME.
    pub fn issuer(&self) -> Option<&str> {
        self.value(5)
    }

    /// DNSNAME.
    pub fn dns_name(&self) -> Option<&str> {
        self.value(2)
    }

    /// SHA-1 of the certificate from the CERTIFICATE row: 40 upper-case hex digits.
    pub fn certificate_sha1(&self) -> Option<String> {
        let v = self.value(9)?;
        let hex: String = v
            .split_whitespace()
            .take_while(|t| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit()))
            .collect::<String>()
            .to_ascii_uppercase();
        (hex.len() == 40).then_some(hex)
    }
}

/// A list as `show itl`/`show ctl` printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustListView {
    /// ITL or CTL.
    pub kind: ListWord,
    /// MD5 (lower-case hex).
    pub md5: Option<String>,
    /// SHA-1 (lower-case hex).
    pub sha1: Option<String>,
    /// `Length of … file:`.
    pub length: u64,
    /// `last modified on` text.
    pub modified: Option<String>,
    /// The same, parsed.
    pub modified_date: Option<CliDate>,
    /// `Version:`.
    pub version: Option<String>,
    /// `HeaderLength:`.
    pub header_length: Option<u32>,
    /// Header rows.
    pub header: Vec<TlvRow>,
    /// Signature bytes printed under the header SIGNATURE row.
    pub signature: Vec<u8>,
    /// Records in order.
    pub records: Vec<RecordView>,
    /// The verification sentence.
    pub verification: Verification,
}

/// What the command showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShowTrustList {
    /// No file (`Length of … file: 0`, `… File not found`, `Error parsing …`).
    None {
        /// ITL or CTL, when a sentence said it.
        kind: Option<ListWord>,
        /// The most telling line.
        reason: String,
    },
    /// A parsed file.
    Present(Box<TrustListView>),
}

fn word(line: &str) -> Option<ListWord> {
    let s = line.to_ascii_uppercase();
    if s.contains("CTL") {
        Some(ListWord::Ctl)
    } else if s.contains("ITL") {
        Some(ListWord::Itl)
    } else {
        None
    }
}

/// Parses the output.
pub fn parse(text: &str) -> Result<ShowTrustList, ParseError> {
    let mut kind = None;
    let mut md5 = None;
    let mut sha1 = None;
    let mut length: Option<u64> = None;
    let mut modified = None;
    let mut version = None;
    let mut header_length = None;
    let mut header: Vec<TlvRow> = Vec::new();
    let mut signature: Vec<u8> = Vec::new();
    let mut in_signature = false;
    let mut records: Vec<RecordView> = Vec::new();
    let mut verification = Verification::Absent;
    let mut none_reason: Option<String> = None;

    for line in body(text) {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        // Signature bytes continue until a non-hex line.
        if in_signature {
            if let Some(bytes) = hex_byte_line(t) {
                if signature.len() + bytes.len() > MAX_SIGNATURE {
                    return Err(ParseError::at(WHAT, &line, "signature too long"));
                }
                signature.extend(bytes);
                continue;
            }
            in_signature = false;
        }
        if has(t, "checksum value of the") {
            kind = kind.or(word(t));
        } else if lower.contains("(md5)") || lower.contains("(sha1)") {
            checksums(&line, &mut md5, &mut sha1)?;
        } else if lower.starts_with("length of") {
            kind = kind.or(word(t));
            let n = t
                .rsplit(':')
                .next()
                .and_then(|n| n.trim().parse::<u64>().ok())
                .ok_or_else(|| ParseError::at(WHAT, &line, "unreadable length"))?;
            if n == 0 {
                none_reason.get_or_insert_with(|| t.to_owned());
            }
            length = Some(n);
        } else if has(t, "file was last modified on") {
            let at = lower.find(" on ").map_or(t.len(), |i| i + 4);
            modified = Some(t.get(at..).unwrap_or_default().trim().to_owned());
        } else if has(t, "file not found") || has(t, "error parsing the") {
            kind = kind.or(word(t));
            none_reason.get_or_insert_with(|| t.to_owned());
        } else if lower.starts_with("parse ") && lower.ends_with(" file") {
            kind = kind.or(word(t));
        } else if t.chars().all(|c| c == '-') {
            // Underlines.
        } else if lower.starts_with("bytepos") || lower.starts_with("------- ---") {
            // Table headings.
        } else if let Some(v) = lower.strip_prefix("version:") {
            version = Some(v.trim().to_owned());
        } else if let Some(v) = lower.strip_prefix("headerlength:") {
            header_length = Some(
                v.split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| ParseError::at(WHAT, &line, "unreadable HeaderLength"))?,
            );
        } else if lower.contains("record #:") {
            kind = kind.or(word(t));
            let number = t
                .rsplit(':')
                .next()
                .and_then(|n| n.trim().parse().ok())
                .ok_or_else(|| ParseError::at(WHAT, &line, "unreadable record number"))?;
            if records.len() >= MAX_RECORDS {
                return Err(ParseError::at(WHAT, &line, "too many records"));
            }
            records.push(RecordView {
                number,
                ..RecordView::default()
            });
        } else if has(t, "this etoken was not used to sign") {
            signer_flag(&line, &mut records, false)?;
        } else if has(t, "this etoken was used to sign") {
            signer_flag(&line, &mut records, true)?;
        } else if has(t, "was verified successfully") {
            verification = Verification::Success;
        } else if lower.contains("verif")
            && ["fail", "could not", "not verified", "unsuccessful"]
                .iter()
                .any(|w| lower.contains(w))
        {
            verification = Verification::Failure(t.to_owned());
        } else if let Some(row) = row(t) {
            let is_signature = row.tag == 12 && row.label.eq_ignore_ascii_case("SIGNATURE");
            match records.last_mut() {
                Some(record) => record.rows.push(row),
                None => {
                    in_signature = is_signature;
                    header.push(row);
                }
            }
        } else {
            return Err(ParseError::at(WHAT, &line, "not a line of show itl/ctl"));
        }
    }

    if let Some(reason) = none_reason
        && records.is_empty()
    {
        return Ok(ShowTrustList::None { kind, reason });
    }
    let Some(kind) = kind else {
        return Err(ParseError::missing(
            WHAT,
            "no 'checksum value of the ITL/CTL file' or 'Length of' line",
        ));
    };
    let Some(length) = length else {
        return Err(ParseError::missing(WHAT, "no 'Length of … file:' line"));
    };
    let modified_date = modified.as_deref().and_then(CliDate::parse);
    Ok(ShowTrustList::Present(Box::new(TrustListView {
        kind,
        md5,
        sha1,
        length,
        modified,
        modified_date,
        version,
        header_length,
        header,
        signature,
        records,
        verification,
    })))
}

fn signer_flag(line: &Line<'_>, records: &mut [RecordView], used: bool) -> Result<(), ParseError> {
    let record = records
        .last_mut()
        .ok_or_else(|| ParseError::at(WHAT, line, "etoken sentence outside a record"))?;
    record.signed_the_file = Some(used);
    Ok(())
}

fn checksums(
    line: &Line<'_>,
    md5: &mut Option<String>,
    sha1: &mut Option<String>,
) -> Result<(), ParseError> {
    // `<hex>(MD5)` and `<hex>(SHA1)`, possibly both on one line, possibly with spaces.
    let mut rest = line.text;
    let mut found = false;
    while let Some(open) = rest.find('(') {
        let before = rest.get(..open).unwrap_or_default();
        let hex: String = before
            .trim_end()
            .chars()
            .rev()
            .take_while(char::is_ascii_hexdigit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after = rest.get(open + 1..).unwrap_or_default();
        let close = after.find(')').unwrap_or(after.len());
        let label = after.get(..close).unwrap_or_default().to_ascii_uppercase();
        match (label.as_str(), hex.len()) {
            ("MD5", 32) => *md5 = Some(hex.to_ascii_lowercase()),
            ("SHA1", 40) => *sha1 = Some(hex.to_ascii_lowercase()),
            ("MD5" | "SHA1", _) => {
                return Err(ParseError::at(WHAT, line, "checksum of the wrong length"));
            }
            _ => {}
        }
        found |= matches!(label.as_str(), "MD5" | "SHA1");
        rest = after.get(close..).unwrap_or_default();
    }
    if found {
        Ok(())
    } else {
        Err(ParseError::at(
            WHAT,
            line,
            "expected '<hex>(MD5)' or '<hex>(SHA1)'",
        ))
    }
}

/// A line of 1–2-digit hex tokens (signature bytes).
fn hex_byte_line(t: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for token in t.split_whitespace() {
        if token.is_empty() || token.len() > 2 {
            return None;
        }
        out.push(u8::from_str_radix(token, 16).ok()?);
    }
    (!out.is_empty()).then_some(out)
}

/// `<tag> <LABEL> [<length>] [<value…>]`; the label is a word of letters (upper case as
/// printed, `UNKNOWN` included).
fn row(t: &str) -> Option<TlvRow> {
    let (tag, rest) = split_token(t)?;
    let tag: u16 = tag.parse().ok()?;
    let (label, rest) = split_token(rest)?;
    if !label.chars().all(|c| c.is_ascii_alphabetic() || c == '_') || label.len() < 3 {
        return None;
    }
    let (length, value) = match split_token(rest) {
        Some((n, after)) if n.parse::<u32>().is_ok() => (n.parse().ok(), after),
        _ => (None, rest),
    };
    Some(TlvRow {
        tag,
        label: label.to_owned(),
        length,
        value: value.trim().to_owned(),
    })
}

/// The first whitespace-separated token and the rest (leading spaces removed).
fn split_token(t: &str) -> Option<(&str, &str)> {
    let t = t.trim_start();
    if t.is_empty() {
        return None;
    }
    match t.find(char::is_whitespace) {
        Some(i) => Some((t.get(..i)?, t.get(i..)?.trim_start())),
        None => Some((t, "")),
    }
}
