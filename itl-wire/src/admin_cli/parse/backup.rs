//! `utils disaster_recovery history backup` (`cucm-interfaces.md` §6.4).
//!
//! ```text
//! Tar Filename: Backup Device: Completed On: Result: Backup Type: Features Backed Up:
//! 2009-10-30-14-53-32.tar TAPE Fri Oct 30 14:55:31 CDT 2009 ERROR MANUAL
//! 2009-12-10-10-30-17.tar TAPE Thu Dec 10 10:35:22 CST 2009 SUCCESS MANUAL CDR_CAR,CCM
//! ```
//!
//! Grammar: the heading line (`Tar Filename:` … anchor) comes first; each row is parsed by
//! anchors, not columns: the token ending in `.tar` (its name encodes the start
//! `YYYY-MM-DD-HH-MM-SS`), the device (every token up to the date, so names with spaces
//! work), the completion date `Www Mmm dd HH:MM:SS TZ yyyy`, the result, the type, then an
//! optional comma-separated feature list. A row saying `TAR file not created` (seen by a
//! third-party parser, unverified) is kept with `tar = None`; its date, result and type are
//! read when present and the result defaults to `ERROR`.

use super::{CliDate, Line, ParseError, body, find_date, has};

const WHAT: &str = "utils disaster_recovery history backup";

/// The result column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupResult {
    /// `SUCCESS`.
    Success,
    /// `ERROR`.
    Error,
    /// Anything else, as printed.
    Other(String),
}

/// One backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRow {
    /// The tar file name; `None` for a `TAR file not created` row.
    pub tar: Option<String>,
    /// The start time encoded in the tar name (`2009-10-30-14-53-32` → fields), when valid;
    /// the zone is empty.
    pub started: Option<CliDate>,
    /// The backup device name (may contain spaces).
    pub device: String,
    /// Completion date.
    pub completed: Option<CliDate>,
    /// Result.
    pub result: BackupResult,
    /// `MANUAL` or `SCHEDULED` as printed; empty when absent.
    pub kind: String,
    /// Features backed up.
    pub features: Vec<String>,
}

/// The parsed history, oldest first as printed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BackupHistory {
    /// Rows in printed order.
    pub rows: Vec<BackupRow>,
}

impl BackupHistory {
    /// The row completed last (by completion date; rows without a date count as oldest).
    pub fn newest(&self) -> Option<&BackupRow> {
        self.rows
            .iter()
            .enumerate()
            .max_by_key(|(i, r)| {
                (
                    r.completed
                        .as_ref()
                        .map(CliDate::unix_seconds_ignoring_zone)
                        .unwrap_or(i64::MIN),
                    *i,
                )
            })
            .map(|(_, r)| r)
    }
}

/// Parses the output.
pub fn parse(text: &str) -> Result<BackupHistory, ParseError> {
    let lines = body(text);
    let mut iter = lines.iter();
    loop {
        let Some(line) = iter.next() else {
            return Err(ParseError::missing(WHAT, "no 'Tar Filename:' heading"));
        };
        if line.text.trim().is_empty() {
            continue;
        }
        if has(line.text, "tar filename:") {
            break;
        }
        return Err(ParseError::at(
            WHAT,
            line,
            "expected the 'Tar Filename:' heading",
        ));
    }
    let mut rows = Vec::new();
    for line in iter {
        if line.text.trim().is_empty() {
            continue;
        }
        rows.push(row(line)?);
    }
    Ok(BackupHistory { rows })
}

fn row(line: &Line<'_>) -> Result<BackupRow, ParseError> {
    let tokens: Vec<&str> = line.text.split_whitespace().collect();
    let not_created = has(line.text, "tar file not created");
    let tar_at = tokens
        .iter()
        .position(|t| t.len() > 4 && t.to_ascii_lowercase().ends_with(".tar"));
    if tar_at.is_none() && !not_created {
        return Err(ParseError::at(WHAT, line, "no '.tar' file name"));
    }
    let date = find_date(&tokens);
    // The device follows the tar name, or the words `TAR file not created`.
    let created_at = tokens
        .iter()
        .position(|t| t.eq_ignore_ascii_case("created"))
        .filter(|_| not_created);
    let device_from = tar_at.or(created_at).map_or(0, |i| i + 1);
    let (device, completed, after) = match &date {
        Some((i, d)) => (
            tokens.get(device_from..*i).unwrap_or_default().join(" "),
            Some(d.clone()),
            i + 6,
        ),
        None if not_created => (String::new(), None, tokens.len()),
        None => return Err(ParseError::at(WHAT, line, "no completion date")),
    };
    let rest = tokens.get(after..).unwrap_or_default();
    let result = match rest.first() {
        Some(r) if r.eq_ignore_ascii_case("SUCCESS") => BackupResult::Success,
        Some(r) if r.eq_ignore_ascii_case("ERROR") => BackupResult::Error,
        Some(r) if !not_created => BackupResult::Other((*r).to_owned()),
        _ if not_created => BackupResult::Error,
        _ => return Err(ParseError::at(WHAT, line, "no result column")),
    };
    let kind = rest.get(1).map(|s| (*s).to_owned()).unwrap_or_default();
    let features = rest
        .get(2..)
        .unwrap_or_default()
        .join("")
        .split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();
    let tar = tar_at.and_then(|i| tokens.get(i)).map(|t| (*t).to_owned());
    let started = tar.as_deref().and_then(start_of);
    Ok(BackupRow {
        tar,
        started,
        device: if not_created && date.is_none() {
            String::new()
        } else {
            device
        },
        completed,
        result,
        kind,
        features,
    })
}

/// `2009-10-30-14-53-32.tar` → the start time.
fn start_of(tar: &str) -> Option<CliDate> {
    let stem = tar.get(..tar.len().checked_sub(4)?)?;
    let parts: Vec<&str> = stem.split('-').collect();
    let [y, mo, d, h, mi, s] = parts.as_slice() else {
        return None;
    };
    let month: u8 = mo.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day: u8 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
    Some(CliDate {
        year: y.parse().ok().filter(|y| (1970..=9999).contains(y))?,
        month,
        day,
        hour: h.parse().ok().filter(|h| *h < 24)?,
        minute: mi.parse().ok().filter(|m| *m < 60)?,
        second: s.parse().ok().filter(|s| *s < 61)?,
        zone: String::new(),
    })
}
