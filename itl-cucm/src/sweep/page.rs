//! Reading a phone's web pages (`cucm-interfaces.md` §8): the Network Setup page (trust
//! fields) and the Status messages page.
//!
//! Both page layouts in the field are tables of label and value cells:
//!
//! * 78xx / 88xx / 99xx: `<tr><td><b>ITL file</b></td><td width="20"></td><td><b>VALUE</b></td></tr>`
//!   (an empty spacer cell between label and value), inside a layout table;
//! * 79xx: `<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>ITL File</B></FONT></TD><TD><FONT SIZE=2>VALUE</FONT></TD></TR>`.
//!
//! So the parser does not depend on either: it splits the document into table rows of cell
//! texts ([`table_rows`]: tags stripped, entities decoded, whitespace collapsed, nested tables
//! kept apart), takes the first non-empty cell of a row as the label and the next non-empty
//! cell as the value ([`fields`]), and compares labels case- and space-insensitively
//! (`TFTP Server 1` = `tftp server1`).
//!
//! Status messages are rows that start with a timestamp in one of the phones' formats
//! (`06/01/25 3:00:05p`, `15:00:05 06/01/25`, `2025-06-01 15:00:05`), in one cell or several.
//!
//! Nothing here panics on any input; sizes are bounded by the HTTP body cap.

use std::fmt;

use itl_core::checksum::normalize_hex;
use serde::{Deserialize, Serialize};

/// Path of the Network Setup page.
pub const NETWORK_SETUP_PATH: &str =
    "/CGI/Java/Serviceability?adapter=device.statistics.configuration";

/// Path of the Status messages page.
pub const STATUS_MESSAGES_PATH: &str =
    "/CGI/Java/Serviceability?adapter=device.settings.status.messages";

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
    /// The body is text, but the fields the sweep needs are not there.
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
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        if out.chars().count() >= EXCERPT_CHARS {
            break;
        }
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        if c.is_control() || c == '\u{FFFD}' {
            out.push('.');
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_owned()
}

/// Decodes the body as text; refuses bodies that are mostly binary.
fn body_text(body: &[u8]) -> Result<String, PageError> {
    let checked = body.len().min(64 * 1024);
    let control = body[..checked]
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

// ---------------------------------------------------------------------------------------------
// HTML: rows of cell texts
// ---------------------------------------------------------------------------------------------

/// Decodes HTML character references: the named ones phone pages use (`&amp; &lt; &gt; &quot;
/// &apos; &nbsp;` and a few more) and numeric ones (`&#39;`, `&#x27;`). An unknown or
/// malformed reference is kept as written. `&nbsp;` becomes a plain space.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A reference is at most ~10 characters up to ';'.
        let end = rest
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" | "AMP" => Some('&'),
                "lt" | "LT" => Some('<'),
                "gt" | "GT" => Some('>'),
                "quot" | "QUOT" => Some('"'),
                "apos" => Some('\''),
                "nbsp" | "NBSP" => Some(' '),
                "copy" => Some('©'),
                "reg" => Some('®'),
                "middot" => Some('·'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                _ => numeric_reference(name),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn numeric_reference(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let value = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    match char::from_u32(value)? {
        '\u{a0}' => Some(' '),
        '\0' => None,
        c => Some(c),
    }
}

/// Collapses runs of whitespace (including no-break spaces) to one space and trims.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[derive(Default)]
struct TableState {
    row: Vec<String>,
    cell: Option<String>,
}

impl TableState {
    fn close_cell(&mut self) {
        if let Some(cell) = self.cell.take() {
            self.row.push(collapse(&cell));
        }
    }

    fn close_row(&mut self, rows: &mut Vec<Vec<String>>) {
        self.close_cell();
        if !self.row.is_empty() {
            rows.push(std::mem::take(&mut self.row));
        }
    }
}

/// Splits an HTML document into table rows of cell texts, in document order of their end.
///
/// Tags are stripped, entities decoded and whitespace collapsed; `<br>`, `<p>` and `<div>`
/// separate words. A nested table's rows are separate rows, and its text does not leak into
/// the enclosing cell. Comments, `<script>` and `<style>` are skipped. Missing end tags
/// (`<td>` without `</td>`, as HTML allows) close implicitly; a cell outside any `<table>`
/// opens one. Upper- and lower-case tags are the same.
pub fn table_rows(html: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut stack: Vec<TableState> = Vec::new();
    let mut rest = html;
    loop {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = match rest.find("-->") {
                Some(end) => &rest[end + 3..],
                None => "",
            };
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // An unterminated tag: the rest is not markup we can use.
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let (closing, name) = match tag.strip_prefix('/') {
            Some(t) => (true, t),
            None => (false, tag),
        };
        let name: String = name
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match (closing, name.as_str()) {
            (false, "script" | "style") => {
                let end = format!("</{name}");
                rest = match find_ascii_ci(rest, &end) {
                    Some(at) => match rest[at..].find('>') {
                        Some(gt) => &rest[at + gt + 1..],
                        None => "",
                    },
                    None => "",
                };
            }
            (false, "table") => {
                if let Some(top) = stack.last_mut() {
                    // Text of the enclosing cell so far stays in that cell.
                    if top.cell.is_none() {
                        top.close_row(&mut rows);
                    }
                }
                stack.push(TableState::default());
            }
            (true, "table") => {
                if let Some(mut table) = stack.pop() {
                    table.close_row(&mut rows);
                }
            }
            (false, "tr") => {
                if stack.is_empty() {
                    stack.push(TableState::default());
                }
                if let Some(top) = stack.last_mut() {
                    top.close_row(&mut rows);
                }
            }
            (true, "tr") => {
                if let Some(top) = stack.last_mut() {
                    top.close_row(&mut rows);
                }
            }
            (false, "td" | "th") => {
                if stack.is_empty() {
                    stack.push(TableState::default());
                }
                if let Some(top) = stack.last_mut() {
                    top.close_cell();
                    top.cell = Some(String::new());
                }
            }
            (true, "td" | "th") => {
                if let Some(top) = stack.last_mut() {
                    top.close_cell();
                }
            }
            (_, "br" | "p" | "div" | "li" | "hr" | "h1" | "h2" | "h3" | "h4") => {
                push_text(&mut stack, " ");
            }
            _ => {}
        }
    }
    while let Some(mut table) = stack.pop() {
        table.close_row(&mut rows);
    }
    rows
}

fn push_text(stack: &mut [TableState], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(cell) = stack.last_mut().and_then(|t| t.cell.as_mut()) {
        cell.push_str(&decode_entities(text));
    }
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// A label in comparable form: lower case, without spaces and a trailing colon
/// (`TFTP Server 1:` → `tftpserver1`).
pub fn label_key(label: &str) -> String {
    label
        .trim()
        .trim_end_matches(':')
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Label / value pairs of every table row that has a label followed by at least one more
/// cell: the label is the first non-empty cell, the value the next non-empty cell (empty
/// when every following cell is empty, as on a 78xx page with an empty `CTL file`).
pub fn fields(html: &str) -> Vec<(String, String)> {
    table_rows(html)
        .into_iter()
        .filter_map(|row| {
            let at = row.iter().position(|c| !c.is_empty())?;
            let label = row.get(at)?;
            let after = row.get(at + 1..)?;
            if after.is_empty() {
                return None;
            }
            let value = after
                .iter()
                .find(|c| !c.is_empty())
                .cloned()
                .unwrap_or_default();
            Some((label.trim_end_matches(':').trim().to_owned(), value))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Network Setup
// ---------------------------------------------------------------------------------------------

/// A trust-list field as the phone shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum TrustField {
    /// A hash: lower-case hex without separators, 32 digits (MD5) or 40 (SHA-1).
    Hash(String),
    /// No list: the field is empty or says `No`, `None`, `Not Installed`...
    Absent(String),
    /// Something else, as shown.
    Text(String),
}

impl TrustField {
    /// Reads a field value: a 32- or 40-digit hex hash after [`normalize_hex`] (spaces,
    /// colons, dashes removed, lower case), an absence word, or other text.
    pub fn parse(value: &str) -> Self {
        let value = value.trim();
        if let Some(hex) = normalize_hex(value)
            && matches!(hex.len(), 32 | 40)
        {
            return TrustField::Hash(hex);
        }
        let lower = value.to_ascii_lowercase();
        let lower = lower.trim_matches(|c: char| c == '.' || c.is_whitespace());
        if matches!(
            lower,
            "" | "-"
                | "--"
                | "no"
                | "none"
                | "n/a"
                | "na"
                | "not installed"
                | "not present"
                | "not available"
                | "empty"
        ) {
            TrustField::Absent(value.to_owned())
        } else {
            TrustField::Text(value.to_owned())
        }
    }

    /// The hash, when the field holds one.
    pub fn hash(&self) -> Option<&str> {
        match self {
            TrustField::Hash(h) => Some(h),
            _ => None,
        }
    }

    /// The value as shown (the normalised hash for a hash).
    pub fn shown(&self) -> &str {
        match self {
            TrustField::Hash(s) | TrustField::Absent(s) | TrustField::Text(s) => s,
        }
    }
}

/// What the sweep reads from the Network Setup page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSetup {
    /// `ITL file`.
    pub itl_file: Option<TrustField>,
    /// `ITL signature` (MD5 of the ITL).
    pub itl_signature: Option<TrustField>,
    /// `CTL file`.
    pub ctl_file: Option<TrustField>,
    /// `TFTP server 1`, when not empty.
    pub tftp_server_1: Option<String>,
    /// `TFTP server 2`, when not empty.
    pub tftp_server_2: Option<String>,
    /// `TVS`: the servers listed (split on commas, semicolons and spaces).
    pub tvs: Vec<String>,
    /// `Security mode`.
    pub security_mode: Option<String>,
    /// `Host name`.
    pub host_name: Option<String>,
}

impl NetworkSetup {
    /// The ITL hashes the page shows: the signature first, then the file field.
    pub fn itl_hashes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for f in [&self.itl_signature, &self.itl_file].into_iter().flatten() {
            if let Some(h) = f.hash()
                && !out.contains(&h)
            {
                out.push(h);
            }
        }
        out
    }

    /// The CTL hash, when the page shows one.
    pub fn ctl_hash(&self) -> Option<&str> {
        self.ctl_file.as_ref().and_then(TrustField::hash)
    }
}

/// Parses a Network Setup page (either layout).
///
/// Fails with [`PageError::NotText`] for a binary body and with [`PageError::MissingFields`]
/// when neither `ITL file` nor `ITL signature` is on the page; both carry an excerpt.
pub fn parse_network_setup(body: &[u8]) -> Result<NetworkSetup, PageError> {
    let text = body_text(body)?;
    let mut setup = NetworkSetup::default();
    let nonempty = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    for (label, value) in fields(&text) {
        match label_key(&label).as_str() {
            "itlfile" if setup.itl_file.is_none() => {
                setup.itl_file = Some(TrustField::parse(&value))
            }
            "itlsignature" if setup.itl_signature.is_none() => {
                setup.itl_signature = Some(TrustField::parse(&value))
            }
            "ctlfile" if setup.ctl_file.is_none() => {
                setup.ctl_file = Some(TrustField::parse(&value))
            }
            "tftpserver1" if setup.tftp_server_1.is_none() => {
                setup.tftp_server_1 = nonempty(&value)
            }
            "tftpserver2" if setup.tftp_server_2.is_none() => {
                setup.tftp_server_2 = nonempty(&value)
            }
            "tvs" | "tvsserver" | "tvsservers" if setup.tvs.is_empty() => {
                setup.tvs = value
                    .split([',', ';', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            "securitymode" if setup.security_mode.is_none() => {
                setup.security_mode = nonempty(&value)
            }
            "hostname" if setup.host_name.is_none() => setup.host_name = nonempty(&value),
            _ => {}
        }
    }
    if setup.itl_file.is_none() && setup.itl_signature.is_none() {
        return Err(PageError::MissingFields {
            missing: "ITL file / ITL signature",
            excerpt: excerpt(body),
        });
    }
    Ok(setup)
}

// ---------------------------------------------------------------------------------------------
// Status messages
// ---------------------------------------------------------------------------------------------

/// A time as a phone prints it: no time zone (the phone's local time), so only comparable
/// with other times of the same phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneTime {
    /// Seconds since 1970-01-01T00:00:00 of the phone's clock, as if it were UTC.
    pub secs: i64,
}

impl fmt::Display for PhoneTime {
    /// `YYYY-MM-DDTHH:MM:SS` (no zone).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

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
    /// When, by the phone's clock.
    pub time: PhoneTime,
    /// The text.
    pub text: String,
    /// What it says.
    pub kind: MessageKind,
}

/// Parses a Status messages page (either layout): every row that starts with a timestamp,
/// in page order. A page without messages gives an empty list; a binary body fails.
pub fn parse_status_messages(body: &[u8]) -> Result<Vec<StatusMessage>, PageError> {
    let text = body_text(body)?;
    let mut out = Vec::new();
    for row in table_rows(&text) {
        let joined = row
            .iter()
            .filter(|c| !c.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        if let Some((time, rest)) = leading_time(&joined) {
            let text = rest.trim().to_owned();
            if text.is_empty() {
                continue;
            }
            out.push(StatusMessage {
                time,
                kind: MessageKind::of(&text),
                text,
            });
        }
    }
    Ok(out)
}

/// The last trust-list message that says success or failure: latest by time, a later row
/// winning a tie.
pub fn last_trust_message(messages: &[StatusMessage]) -> Option<&StatusMessage> {
    last_trust_message_since(messages, None)
}

/// [`last_trust_message`] among the messages not older than `since` (all when `None`).
pub fn last_trust_message_since(
    messages: &[StatusMessage],
    since: Option<PhoneTime>,
) -> Option<&StatusMessage> {
    messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind.is_failure() || m.kind.is_success())
        .filter(|(_, m)| since.is_none_or(|s| m.time >= s))
        .max_by_key(|(i, m)| (m.time, *i))
        .map(|(_, m)| m)
}

fn next_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

/// `MM/DD/YY` or `MM/DD/YYYY` → (year, month, day).
fn slash_date(tok: &str) -> Option<(i64, u32, u32)> {
    let mut it = tok.split('/');
    let m: u32 = small_number(it.next()?, 2)?.try_into().ok()?;
    let d: u32 = small_number(it.next()?, 2)?.try_into().ok()?;
    let ytext = it.next()?;
    if it.next().is_some() {
        return None;
    }
    let y = match ytext.len() {
        2 => 2000 + small_number(ytext, 2)?,
        4 => small_number(ytext, 4)?,
        _ => return None,
    };
    valid_date(y, m, d)
}

/// `YYYY-MM-DD` → (year, month, day).
fn iso_date(tok: &str) -> Option<(i64, u32, u32)> {
    let mut it = tok.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 {
        return None;
    }
    valid_date(
        small_number(y, 4)?,
        small_number(m, 2)?.try_into().ok()?,
        small_number(d, 2)?.try_into().ok()?,
    )
}

fn valid_date(y: i64, m: u32, d: u32) -> Option<(i64, u32, u32)> {
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

fn small_number(tok: &str, max_len: usize) -> Option<i64> {
    if tok.is_empty() || tok.len() > max_len || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    tok.parse().ok()
}

/// `h:mm:ss`, `hh:mm`, with an optional `a`/`p`/`am`/`pm` suffix → (hour, minute, second,
/// suffix) where suffix is `Some(true)` for pm.
fn clock(tok: &str) -> Option<Clock> {
    let lower = tok.to_ascii_lowercase();
    let (digits, suffix) = if let Some(d) = lower.strip_suffix("am") {
        (d, Some(false))
    } else if let Some(d) = lower.strip_suffix("pm") {
        (d, Some(true))
    } else if let Some(d) = lower.strip_suffix('a') {
        (d, Some(false))
    } else if let Some(d) = lower.strip_suffix('p') {
        (d, Some(true))
    } else {
        (lower.as_str(), None)
    };
    let mut it = digits.split(':');
    let h = small_number(it.next()?, 2)?;
    let m = small_number(it.next()?, 2)?;
    let s = match it.next() {
        Some(s) => small_number(s, 2)?,
        None => 0,
    };
    if it.next().is_some() || m > 59 || s > 60 {
        return None;
    }
    Some((h, m, s, suffix))
}

fn ampm(word: &str) -> Option<bool> {
    match word.to_ascii_lowercase().as_str() {
        "am" | "a" | "a.m." => Some(false),
        "pm" | "p" | "p.m." => Some(true),
        _ => None,
    }
}

fn to_secs(date: (i64, u32, u32), time: Clock) -> Option<PhoneTime> {
    let (h, m, s, pm) = time;
    let hour = match pm {
        None if h <= 23 => h,
        Some(pm) if (1..=12).contains(&h) => (h % 12) + if pm { 12 } else { 0 },
        _ => return None,
    };
    let days = days_from_civil(date.0, date.1, date.2);
    Some(PhoneTime {
        secs: days * 86_400 + hour * 3600 + m * 60 + s,
    })
}

type Clock = (i64, i64, i64, Option<bool>);

/// An optional separate am/pm word after a clock without suffix.
fn with_suffix(time: Clock, rest: &str) -> (Clock, &str) {
    if time.3.is_none()
        && let Some((word, after)) = next_token(rest)
        && let Some(pm) = ampm(word)
    {
        return ((time.0, time.1, time.2, Some(pm)), after);
    }
    (time, rest)
}

/// A timestamp at the start of `text` and the text after it.
fn leading_time(text: &str) -> Option<(PhoneTime, &str)> {
    let (first, rest1) = next_token(text)?;
    let (second, rest2) = next_token(rest1)?;
    // 8800: `06/01/25 3:00:05p`; also `06/01/2025 15:00:05`.
    if let (Some(date), Some(time)) = (slash_date(first), clock(second)) {
        let (time, rest) = with_suffix(time, rest2);
        return Some((to_secs(date, time)?, rest));
    }
    // 7900: `15:00:05 06/01/25`.
    if let (Some(time), Some(date)) = (clock(first), slash_date(second)) {
        return Some((to_secs(date, time)?, rest2));
    }
    // ISO: `2025-06-01 15:00:05` or `2025-06-01T15:00:05`.
    if let Some((d, t)) = first.split_once(['T', 't'])
        && let (Some(date), Some(time)) = (iso_date(d), clock(t.trim_end_matches(['Z', 'z'])))
    {
        return Some((to_secs(date, time)?, rest1));
    }
    if let (Some(date), Some(time)) = (iso_date(first), clock(second)) {
        let (time, rest) = with_suffix(time, rest2);
        return Some((to_secs(date, time)?, rest));
    }
    None
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 78xx/88xx Network Setup page, shaped like the simulator's and the 8800 guide's.
    fn modern(itl: &str, sig: &str, ctl: &str) -> String {
        format!(
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html><head><title>Network setup</title>\
<style>td{{font-size:12px}}</style></head><body>\n<table width=\"100%\"><tr>\n<td width=\"200\" valign=\"top\">\
<p><b>Cisco IP Phone CP-8841</b><br>SEP001122334455</p><p><a href=\"/x\">Network setup</a></p></td>\n\
<td valign=\"top\"><h2>Network setup</h2>\n<table cellspacing=\"5\">\n\
<tr><td><b>Host name</b></td><td width=\"20\"></td><td><b>SEP001122334455</b></td></tr>\n\
<tr><td><b>Security mode</b></td><td width=\"20\"></td><td><b>Non-secure</b></td></tr>\n\
<tr><td><b>CTL file</b></td><td width=\"20\"></td><td><b>{ctl}</b></td></tr>\n\
<tr><td><b>ITL file</b></td><td width=\"20\"></td><td><b>{itl}</b></td></tr>\n\
<tr><td><b>ITL signature</b></td><td width=\"20\"></td><td><b>{sig}</b></td></tr>\n\
<tr><td><b>TVS</b></td><td width=\"20\"></td><td><b>127.0.1.1, 127.0.1.2</b></td></tr>\n\
<tr><td><b>TFTP server 1</b></td><td width=\"20\"></td><td><b>127.0.1.1</b></td></tr>\n\
<tr><td><b>TFTP server 2</b></td><td width=\"20\"></td><td><b></b></td></tr>\n\
</table>\n</td></tr></table>\n</body></html>\n"
        )
    }

    /// A 79xx Network Configuration page.
    fn classic(itl: &str) -> String {
        format!(
            "<HTML>\n<HEAD>\n<TITLE>Network Configuration</TITLE>\n</HEAD>\n<BODY BGCOLOR=\"#FFFFFF\">\n\
<TABLE WIDTH=\"100%\" BORDER=0><TR><TD BGCOLOR=\"#336699\"><FONT COLOR=\"#FFFFFF\" SIZE=4><B>Cisco Systems, Inc.</B></FONT></TD></TR>\n\
<TR><TD><A HREF=\"/DeviceInformation\">Device Information</A></TD></TR></TABLE><HR>\n\
<TABLE BORDER=0 CELLSPACING=2 CELLPADDING=1 ALIGN=CENTER>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>Host Name</B></FONT></TD><TD><FONT SIZE=2>SEP00AABBCCDDEE</FONT></TD></TR>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>CTL File</B></FONT></TD><TD><FONT SIZE=2></FONT></TD></TR>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>ITL File</B></FONT></TD><TD><FONT SIZE=2>{itl}</FONT></TD></TR>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>TVS</B></FONT></TD><TD><FONT SIZE=2>127.0.1.2</FONT></TD></TR>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>TFTP Server 1</B></FONT></TD><TD><FONT SIZE=2>127.0.1.2</FONT></TD></TR>\n\
</TABLE>\n<HR>\n</BODY>\n</HTML>\n"
        )
    }

    const MD5: &str = "0123456789ABCDEF0123456789ABCDEF";
    const MD5_LOWER: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn modern_layout_fields() {
        let page = modern(MD5, MD5, "");
        let setup = parse_network_setup(page.as_bytes()).expect("parses");
        assert_eq!(setup.itl_file, Some(TrustField::Hash(MD5_LOWER.into())));
        assert_eq!(
            setup.itl_signature,
            Some(TrustField::Hash(MD5_LOWER.into()))
        );
        assert_eq!(setup.ctl_file, Some(TrustField::Absent(String::new())));
        assert_eq!(setup.tftp_server_1.as_deref(), Some("127.0.1.1"));
        assert_eq!(setup.tftp_server_2, None);
        assert_eq!(setup.tvs, vec!["127.0.1.1", "127.0.1.2"]);
        assert_eq!(setup.security_mode.as_deref(), Some("Non-secure"));
        assert_eq!(setup.host_name.as_deref(), Some("SEP001122334455"));
        assert_eq!(setup.itl_hashes(), vec![MD5_LOWER]);
        assert_eq!(setup.ctl_hash(), None);
    }

    #[test]
    fn classic_layout_fields() {
        let page = classic("01 23 45 67 89 AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67");
        let setup = parse_network_setup(page.as_bytes()).expect("parses");
        assert_eq!(
            setup.itl_file,
            Some(TrustField::Hash(
                "0123456789abcdef0123456789abcdef01234567".into()
            ))
        );
        assert_eq!(setup.itl_signature, None);
        assert_eq!(setup.ctl_file, Some(TrustField::Absent(String::new())));
        assert_eq!(setup.tftp_server_1.as_deref(), Some("127.0.1.2"));
        assert_eq!(setup.tvs, vec!["127.0.1.2"]);
        assert_eq!(setup.host_name.as_deref(), Some("SEP00AABBCCDDEE"));
    }

    #[test]
    fn absent_and_text_values() {
        for (shown, expected) in [
            ("Not Installed", TrustField::Absent("Not Installed".into())),
            ("No", TrustField::Absent("No".into())),
            ("  none ", TrustField::Absent("none".into())),
            ("", TrustField::Absent(String::new())),
            ("Installed", TrustField::Text("Installed".into())),
            // 31 digits is not a hash.
            (&MD5[1..], TrustField::Text(MD5[1..].into())),
            (
                "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef",
                TrustField::Hash(MD5_LOWER.into()),
            ),
            (
                "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF",
                TrustField::Hash(MD5_LOWER.into()),
            ),
        ] {
            assert_eq!(TrustField::parse(shown), expected, "{shown:?}");
        }
        let page = modern("Not Installed", "", "");
        let setup = parse_network_setup(page.as_bytes()).expect("parses");
        assert_eq!(setup.itl_hashes(), Vec::<&str>::new());
        assert_eq!(
            setup.itl_file,
            Some(TrustField::Absent("Not Installed".into()))
        );
    }

    #[test]
    fn entities_and_odd_whitespace() {
        let page = "<table>\n<tr>\n  <td> <b>ITL&nbsp;\n file</b> </td>\n<td>\t&#48;123456789&#x41;BCDEF0123456789ABCDEF </td></tr>\
<tr><td>TFTP server&#32;1:</td><td>ucm&amp;pub&lt;1&gt; &quot;x&quot; &bogus; &#0; &</td></tr></table>";
        let setup = parse_network_setup(page.as_bytes()).expect("parses");
        assert_eq!(setup.itl_file, Some(TrustField::Hash(MD5_LOWER.into())));
        assert_eq!(
            setup.tftp_server_1.as_deref(),
            Some("ucm&pub<1> \"x\" &bogus; &#0; &")
        );
        assert_eq!(decode_entities("a&amp;b&#39;c&#x27;d&apos;"), "a&b'c'd'");
        assert_eq!(
            decode_entities("&;&#xZZ;&#99999999;"),
            "&;&#xZZ;&#99999999;"
        );
    }

    #[test]
    fn missing_fields_are_an_error_with_an_excerpt() {
        let page = "<html><body><table><tr><td>Host name</td><td>SEP1</td></tr></table>\n\n  Some\ttext</body></html>";
        let err = parse_network_setup(page.as_bytes()).expect_err("no ITL field");
        assert_eq!(
            err,
            PageError::MissingFields {
                missing: "ITL file / ITL signature",
                excerpt: "<html><body><table><tr><td>Host name</td><td>SEP1</td></tr></table> Some text</body></html>".into(),
            }
        );
        assert_eq!(
            err.to_string(),
            "the page has no ITL file / ITL signature field"
        );
        // The reject twin of the accept test: the same page with the field parses.
        let ok = page.replace("Host name", "ITL file");
        assert!(parse_network_setup(ok.as_bytes()).is_ok());
    }

    #[test]
    fn garbage_is_not_text() {
        let mut body = b"<html><body><table><tr><td>".to_vec();
        let mut x: u32 = 7;
        for _ in 0..3000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            body.push((x >> 16) as u8);
        }
        let err = parse_network_setup(&body).expect_err("garbage");
        assert!(matches!(err, PageError::NotText { .. }), "{err:?}");
        assert!(err.excerpt().starts_with("<html><body><table><tr><td>"));
        assert!(err.excerpt().chars().count() <= EXCERPT_CHARS);
        assert!(parse_status_messages(&body).is_err());
        // Twin: the same prefix followed by text is text.
        assert!(body_text(b"<html><body><table><tr><td>hello</td></tr></table>").is_ok());
    }

    #[test]
    fn never_panics_on_fragments() {
        let inputs: [&[u8]; 12] = [
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
        ];
        for input in inputs {
            let _ = parse_network_setup(input);
            let _ = parse_status_messages(input);
        }
        let setup = parse_network_setup(b"<td>ITL file<td>abc").expect("implicit cells");
        assert_eq!(setup.itl_file, Some(TrustField::Text("abc".into())));
    }

    #[test]
    fn nested_tables_do_not_leak() {
        let rows = table_rows(
            "<table><tr><td>outer<table><tr><td>ITL file</td><td>x</td></tr></table>tail</td><td>o2</td></tr></table>",
        );
        assert_eq!(
            rows,
            vec![
                vec!["ITL file".to_owned(), "x".to_owned()],
                vec!["outertail".to_owned(), "o2".to_owned()],
            ]
        );
        let rows = table_rows(
            "<TABLE><TR><TD>a<BR>b</TD><TD><script>var x='<td>';</script>c</TD></TR></TABLE>",
        );
        assert_eq!(rows, vec![vec!["a b".to_owned(), "c".to_owned()]]);
    }

    #[test]
    fn modern_status_messages() {
        let page = "<html><body><table><tr><td>nav</td><td><h2>Status messages</h2><table>\
<tr><td><b>06/01/25 12:00:05a</b></td><td width=\"20\"></td><td><b>File Not Found &lt;CTLFile.tlv&gt;</b></td></tr>\n\
<tr><td><b>06/01/25 12:00:07a</b></td><td width=\"20\"></td><td><b>ITL installed</b></td></tr>\n\
<tr><td><b>06/01/25 3:00:07p</b></td><td width=\"20\"></td><td><b>Trust List update failed</b></td></tr>\n\
</table></td></tr></table></body></html>";
        let messages = parse_status_messages(page.as_bytes()).expect("parses");
        let shown: Vec<(String, &str, MessageKind)> = messages
            .iter()
            .map(|m| (m.time.to_string(), m.text.as_str(), m.kind))
            .collect();
        assert_eq!(
            shown,
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
        let last = last_trust_message(&messages).expect("one");
        assert_eq!(last.kind, MessageKind::TrustListUpdateFailed);
    }

    #[test]
    fn classic_status_messages() {
        let page = "<HTML><BODY><CENTER><H3>Status Messages</H3></CENTER>\
<TABLE BORDER=0><TR><TD><FONT SIZE=2>15:00:05 06/01/25 Trust List update failed</FONT></TD></TR>\n\
<TR><TD><FONT SIZE=2>15:00:09 06/01/25 Trust List updated</FONT></TD></TR>\n\
<TR><TD><FONT SIZE=2>no time here</FONT></TD></TR></TABLE></BODY></HTML>";
        let messages = parse_status_messages(page.as_bytes()).expect("parses");
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].time.to_string(), "2025-06-01T15:00:05");
        assert_eq!(messages[1].kind, MessageKind::TrustListUpdated);
        assert_eq!(
            last_trust_message(&messages).map(|m| m.kind),
            Some(MessageKind::TrustListUpdated)
        );
    }

    #[test]
    fn newest_first_pages_are_ordered_by_time() {
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
    }

    #[test]
    fn times_reject_out_of_range_values() {
        assert!(leading_time("13/01/25 1:00:00 x").is_none());
        assert!(leading_time("12/01/25 13:00:00p x").is_none());
        assert!(leading_time("12/01/25 0:00:00a x").is_none());
        assert!(leading_time("12/01/25 24:00:00 x").is_none());
        assert!(leading_time("12/01/25 10:60:00 x").is_none());
        assert!(
            leading_time("12/01/25 12:00:00a x")
                .is_some_and(|(t, _)| t.to_string() == "2025-12-01T00:00:00")
        );
        assert!(
            leading_time("12/01/25 12:00:00p x")
                .is_some_and(|(t, _)| t.to_string() == "2025-12-01T12:00:00")
        );
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
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
