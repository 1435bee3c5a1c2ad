//! Typed parsers of command output.
//!
//! Every parser takes the cleaned text of one command's output (with or without the echoed
//! command line and the final prompt: lines that are a prompt, or a prompt followed by a
//! command, are skipped), is tolerant (case-insensitive anchors, extra blank lines, varying
//! spaces), never panics, and returns a [`ParseError`] naming the line it did not understand.
//!
//! | module | command | source of the format |
//! |---|---|---|
//! | [`replication`] | `utils dbreplication runtimestate` | §6.3 transcript |
//! | [`backup`] | `utils disaster_recovery history backup` | §6.4 transcript |
//! | [`service`] | `utils service list`, `utils service restart` | §6.2, §6.5 lines |
//! | [`cert_list`] | `show cert list own\|trust` | §6.2 (15 lines; older blocks inferred) |
//! | [`cert_own`] | `show cert own` | PEM (inferred framing) |
//! | [`trust_list`] | `show itl`, `show ctl` | `itl-format.md` §11 |
//! | [`sql`] | `run sql` | §6.2 (header, `====` row, rows) |
//! | [`system`] | `show version active`, `show network cluster`, `utils ntp status`, `utils fips status` | inferred |
//! | [`upgrade`] | `show version inactive`, `utils system upgrade status` | inferred |
//! | [`sso`] | `utils sso status` | inferred |
//! | [`outcome`] | `set cert regen`, `utils ctl update CTLFile`, `utils itl/ctl reset localkey` | §6.2 |

pub mod backup;
pub mod cert_list;
pub mod cert_own;
pub mod outcome;
pub mod replication;
pub mod service;
pub mod sql;
pub mod sso;
pub mod system;
pub mod trust_list;
pub mod upgrade;

use std::fmt;

use super::recognise::squash;

/// Longest line text kept in an error.
const MAX_ERROR_TEXT: usize = 200;

/// Output a parser did not understand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {}", describe(*line, text, reason))]
pub struct ParseError {
    /// Which output (`utils dbreplication runtimestate`).
    pub what: &'static str,
    /// 1-based line number in the text given; 0 when no line is to blame (something
    /// missing).
    pub line: usize,
    /// The line (truncated).
    pub text: String,
    /// What was expected.
    pub reason: String,
}

fn describe(line: usize, text: &str, reason: &str) -> String {
    if line == 0 {
        reason.to_owned()
    } else {
        format!("line {line} {text:?}: {reason}")
    }
}

impl ParseError {
    pub(crate) fn at(what: &'static str, line: &Line<'_>, reason: impl Into<String>) -> Self {
        Self {
            what,
            line: line.number,
            text: truncate(line.text),
            reason: reason.into(),
        }
    }

    pub(crate) fn missing(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            line: 0,
            text: String::new(),
            reason: reason.into(),
        }
    }
}

fn truncate(text: &str) -> String {
    if text.len() <= MAX_ERROR_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_ERROR_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// One line with its 1-based number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    pub number: usize,
    pub text: &'a str,
}

/// The command verbs our commands start with (to recognise an echoed command line).
const VERBS: [&str; 5] = ["show", "utils", "set", "run", "file"];

/// Whether a line is a prompt, or a prompt followed by a command.
pub(crate) fn is_prompt_echo(text: &str) -> bool {
    let t = text.trim();
    let Some((name, rest)) = t.split_once(':') else {
        return false;
    };
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return false;
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        return true;
    }
    let verb = rest.split_whitespace().next().unwrap_or_default();
    VERBS.iter().any(|v| v.eq_ignore_ascii_case(verb))
}

/// The lines of an output, numbered, with prompt/echo lines removed (blank lines kept).
pub(crate) fn body(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .map(|(i, t)| Line {
            number: i + 1,
            text: t.trim_end_matches('\r'),
        })
        .filter(|l| !is_prompt_echo(l.text))
        .collect()
}

/// A status output: the first non-empty line (trimmed) that `status` reads a state from,
/// that line, and the other non-empty lines `is_detail` keeps, in order. `status` is asked
/// only until it answers; no status line at all is [`ParseError::missing`] with `missing`.
pub(crate) fn status_and_details<T>(
    text: &str,
    what: &'static str,
    missing: &str,
    mut status: impl FnMut(&Line<'_>, &str) -> Result<Option<T>, ParseError>,
    is_detail: impl Fn(&str) -> bool,
) -> Result<(T, String, Vec<String>), ParseError> {
    let mut found = None;
    let mut details = Vec::new();
    for line in body(text) {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if found.is_none()
            && let Some(state) = status(&line, t)?
        {
            found = Some((state, t.to_owned()));
        } else if is_detail(t) {
            details.push(t.to_owned());
        }
    }
    let (state, line) = found.ok_or_else(|| ParseError::missing(what, missing))?;
    Ok((state, line, details))
}

/// Case-insensitive, space-tolerant `contains`.
pub(crate) fn has(line: &str, needle: &str) -> bool {
    squash(line).contains(&squash(needle))
}

/// A date as the CLI prints it: `Www Mmm dd HH:MM:SS TZ yyyy` (`Fri Oct 30 14:55:31 CDT
/// 2009`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CliDate {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
    /// Hour 0–23.
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Second.
    pub second: u8,
    /// The time-zone abbreviation as printed (`CDT`, `UTC`).
    pub zone: String,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl CliDate {
    /// Parses the six tokens `Www Mmm dd HH:MM:SS TZ yyyy` (weekday and month
    /// case-insensitive).
    pub fn from_tokens(tokens: &[&str]) -> Option<Self> {
        let [weekday, month, day, time, zone, year] = tokens else {
            return None;
        };
        if !WEEKDAYS.contains(&weekday.to_ascii_lowercase().as_str()) {
            return None;
        }
        let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
        let day: u8 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
        let mut hms = time.split(':');
        let hour: u8 = hms.next()?.parse().ok().filter(|h| *h < 24)?;
        let minute: u8 = hms.next()?.parse().ok().filter(|m| *m < 60)?;
        let second: u8 = hms.next()?.parse().ok().filter(|s| *s < 61)?;
        if hms.next().is_some()
            || !zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-')
        {
            return None;
        }
        let year: i32 = year.parse().ok().filter(|y| (1970..=9999).contains(y))?;
        Some(Self {
            year,
            month: u8::try_from(month + 1).ok()?,
            day,
            hour,
            minute,
            second,
            zone: (*zone).to_owned(),
        })
    }

    /// Parses a date written as one string.
    pub fn parse(text: &str) -> Option<Self> {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        Self::from_tokens(&tokens)
    }

    /// Seconds since 1970-01-01 reading the wall-clock fields as UTC (the zone abbreviation
    /// is ambiguous and ignored: callers compare dates printed by one node).
    pub fn unix_seconds_ignoring_zone(&self) -> i64 {
        let days = itl_core::time::days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

impl fmt::Display for CliDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.zone
        )
    }
}

/// Finds a `Www Mmm dd HH:MM:SS TZ yyyy` run in `tokens`: its start index and the date.
pub(crate) fn find_date(tokens: &[&str]) -> Option<(usize, CliDate)> {
    (0..tokens.len().saturating_sub(5)).find_map(|i| {
        tokens
            .get(i..i + 6)
            .and_then(CliDate::from_tokens)
            .map(|d| (i, d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = CliDate::parse("Fri Oct 30 14:55:31 CDT 2009").expect("date");
        assert_eq!(
            (
                d.year,
                d.month,
                d.day,
                d.hour,
                d.minute,
                d.second,
                d.zone.as_str()
            ),
            (2009, 10, 30, 14, 55, 31, "CDT")
        );
        assert_eq!(d.unix_seconds_ignoring_zone(), 1_256_914_531);
        assert_eq!(CliDate::parse("Fri Oct 32 14:55:31 CDT 2009"), None);
        assert_eq!(CliDate::parse("Fri Oct 30 14:55 CDT 2009"), None);
        assert_eq!(CliDate::parse("Xyz Oct 30 14:55:31 CDT 2009"), None);
        assert_eq!(
            find_date(&[
                "a.tar", "TAPE", "Thu", "Dec", "10", "10:35:22", "CST", "2009", "SUCCESS"
            ])
            .map(|(i, _)| i),
            Some(2)
        );
    }

    #[test]
    fn prompt_echo_lines() {
        assert!(is_prompt_echo("admin:show itl"));
        assert!(is_prompt_echo(
            "admin: utils disaster_recovery history backup"
        ));
        assert!(is_prompt_echo("admin:"));
        assert!(!is_prompt_echo("Tar Filename: Backup Device:"));
        assert!(!is_prompt_echo("Version:        1.2"));
        assert!(!is_prompt_echo(
            "tomcat/tomcat.pem: Self-signed certificate"
        ));
    }
}
