//! `run sql <query>` (`cucm-interfaces.md` §6.2): a header row, a row of `=` runs, then the
//! rows.
//!
//! ```text
//! paramname           paramvalue
//! =================== ==========
//! ClusterSecurityMode 1
//! ```
//!
//! Columns are cut at the start of each `=` run of the underline (character positions): a
//! value is the text from its column's start to the next column's start, trimmed; the last
//! column takes the rest of the line, so a long last value is whole. Lines before the header
//! are ignored; blank lines after the underline are skipped. No underline is an error naming
//! the first non-empty line (CUCM's SQL error text, when it printed one).

use super::{ParseError, body};

const WHAT: &str = "run sql";
/// Most rows kept.
const MAX_ROWS: usize = 100_000;

/// A result set.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SqlResult {
    /// Column names from the header.
    pub columns: Vec<String>,
    /// Rows, one value per column.
    pub rows: Vec<Vec<String>>,
}

impl SqlResult {
    /// The value of `column` (case-insensitive) in row `row`.
    pub fn get(&self, row: usize, column: &str) -> Option<&str> {
        let c = self
            .columns
            .iter()
            .position(|n| n.eq_ignore_ascii_case(column))?;
        self.rows.get(row)?.get(c).map(String::as_str)
    }
}

fn is_underline(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.chars().all(|c| c == '=' || c == ' ') && t.starts_with('=')
}

/// Parses the output.
pub fn parse(text: &str) -> Result<SqlResult, ParseError> {
    let lines = body(text);
    let Some(under_at) = lines.iter().position(|l| is_underline(l.text)) else {
        return Err(match lines.iter().find(|l| !l.text.trim().is_empty()) {
            Some(first) => ParseError::at(WHAT, first, "no '====' underline: not a result set"),
            None => ParseError::missing(WHAT, "empty output"),
        });
    };
    let underline: Vec<char> = lines
        .get(under_at)
        .map(|l| l.text.chars().collect())
        .unwrap_or_default();
    let mut starts = Vec::new();
    let mut previous = ' ';
    for (i, c) in underline.iter().enumerate() {
        if *c == '=' && previous != '=' {
            starts.push(i);
        }
        previous = *c;
    }
    let header = lines
        .get(..under_at)
        .unwrap_or_default()
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .ok_or_else(|| ParseError::missing(WHAT, "no header row above the underline"))?;
    let columns = cut(header.text, &starts);
    if columns.iter().any(String::is_empty) {
        return Err(ParseError::at(
            WHAT,
            header,
            "a column name is missing above an underline run",
        ));
    }
    let mut rows = Vec::new();
    for line in lines.get(under_at + 1..).unwrap_or_default() {
        if line.text.trim().is_empty() {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(ParseError::at(WHAT, line, "too many rows"));
        }
        rows.push(cut(line.text, &starts));
    }
    Ok(SqlResult { columns, rows })
}

fn cut(line: &str, starts: &[usize]) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &from)| {
            let to = if i + 1 == starts.len() {
                chars.len()
            } else {
                starts.get(i + 1).copied().unwrap_or(chars.len())
            };
            let from = from.min(chars.len());
            let to = to.clamp(from, chars.len());
            chars
                .get(from..to)
                .unwrap_or_default()
                .iter()
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .collect()
}
