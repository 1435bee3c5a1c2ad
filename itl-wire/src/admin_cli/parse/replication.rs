//! `utils dbreplication runtimestate` (`cucm-interfaces.md` §6.3).
//!
//! ```text
//! Cluster Detailed View from cucm-55 (2 Servers):
//!
//!                                          PING      DB/RPC/   REPL.    Replication    REPLICATION SETUP
//! SERVER-NAME              IP ADDRESS        (msec)    DbMon?    QUEUE    Group ID       (RTMT) & Details
//! -----------              ----------        ------    -------   -----    -----------    ------------------
//! cucm-57                  10.77.32.57       0.163     Y/Y/Y     0        (g_3)          (2) Setup Completed
//! ```
//!
//! Grammar: anything before the anchor `Cluster Detailed View from <node> (<n> Servers):`
//! (real nodes print a preamble) is ignored; the table heading ends with a line of dashes;
//! each row splits on whitespace: name, IP, ping (a number, else `None`), `X/Y/Z` flags,
//! queue (a number, else `None`), group `(g_N)`, then `(<state>) <text>`. Non-empty lines
//! after the rows are the summary (`No Errors or Mismatches found.` when present).

use super::{Line, ParseError, body, has};

const WHAT: &str = "utils dbreplication runtimestate";

/// The parsed output.
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    /// The node that reports (`cucm-55`).
    pub reporting_node: String,
    /// `(<n> Servers)`.
    pub server_count: u32,
    /// One row per server.
    pub rows: Vec<ReplicationRow>,
    /// The text after the table, lines joined with a space; `None` when absent.
    pub summary: Option<String>,
}

/// One server's row.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicationRow {
    /// SERVER-NAME.
    pub server: String,
    /// IP ADDRESS as printed.
    pub ip: String,
    /// PING (msec); `None` when not a number.
    pub ping_ms: Option<f64>,
    /// DB (first flag `Y`).
    pub db: bool,
    /// RPC (second flag).
    pub rpc: bool,
    /// DbMon (third flag).
    pub dbmon: bool,
    /// REPL. QUEUE; `None` when not a number.
    pub queue: Option<u64>,
    /// Replication Group ID as printed (`(g_3)`).
    pub group: String,
    /// The state code (`2`).
    pub state: u8,
    /// The state text (`Setup Completed`).
    pub state_text: String,
}

impl ReplicationRow {
    /// `Y/Y/Y` and state 2.
    pub fn healthy(&self) -> bool {
        self.db && self.rpc && self.dbmon && self.state == 2
    }
}

impl Replication {
    /// Every row healthy, queues empty, as many rows as servers announced, and the summary
    /// (when present) says there are no errors.
    pub fn healthy(&self) -> bool {
        self.rows.len() == self.server_count as usize
            && self.rows.iter().all(|r| r.healthy() && r.queue == Some(0))
            && self
                .summary
                .as_deref()
                .is_none_or(|s| has(s, "no errors or mismatches found"))
    }
}

/// Parses the output.
pub fn parse(text: &str) -> Result<Replication, ParseError> {
    let lines = body(text);
    let mut iter = lines.iter();
    let (reporting_node, server_count) = loop {
        let Some(line) = iter.next() else {
            return Err(ParseError::missing(
                WHAT,
                "no 'Cluster Detailed View from <node> (<n> Servers):' line",
            ));
        };
        if has(line.text, "cluster detailed view from") {
            break anchor(line)?;
        }
    };
    // Heading: up to and including the dashes line.
    loop {
        let Some(line) = iter.next() else {
            return Err(ParseError::missing(WHAT, "no table heading ('-----' line)"));
        };
        let t = line.text.trim();
        if t.starts_with("---") {
            break;
        }
    }
    let mut rows = Vec::new();
    let mut summary: Vec<&str> = Vec::new();
    for line in iter {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if summary.is_empty()
            && let Some(row) = row(line)?
        {
            rows.push(row);
            continue;
        }
        if rows.is_empty() {
            return Err(ParseError::at(WHAT, line, "expected a server row"));
        }
        summary.push(t);
    }
    Ok(Replication {
        reporting_node,
        server_count,
        rows,
        summary: (!summary.is_empty()).then(|| summary.join(" ")),
    })
}

fn anchor(line: &Line<'_>) -> Result<(String, u32), ParseError> {
    let bad = || {
        ParseError::at(
            WHAT,
            line,
            "expected 'Cluster Detailed View from <node> (<n> Servers):'",
        )
    };
    let lower = line.text.to_ascii_lowercase();
    let start = lower.find("view from").ok_or_else(bad)? + "view from".len();
    let rest = line.text.get(start..).ok_or_else(bad)?;
    let open = rest.find('(').ok_or_else(bad)?;
    let node = rest.get(..open).ok_or_else(bad)?.trim();
    let inner = rest.get(open + 1..).ok_or_else(bad)?;
    let count = inner
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)?;
    if node.is_empty() || !has(inner, "server") {
        return Err(bad());
    }
    Ok((node.to_owned(), count))
}

/// A server row; `Ok(None)` when the line has no `(N)` state column (not a row).
fn row(line: &Line<'_>) -> Result<Option<ReplicationRow>, ParseError> {
    let tokens: Vec<&str> = line.text.split_whitespace().collect();
    // Find the state token `(N)` after at least six columns.
    let Some(state_at) = tokens
        .iter()
        .enumerate()
        .skip(6)
        .find(|(_, t)| state_code(t).is_some())
        .map(|(i, _)| i)
    else {
        return Ok(None);
    };
    let (Some(server), Some(ip), Some(ping), Some(flags), Some(queue)) = (
        tokens.first(),
        tokens.get(1),
        tokens.get(2),
        tokens.get(3),
        tokens.get(4),
    ) else {
        return Ok(None);
    };
    let flags: Vec<&str> = flags.split('/').collect();
    let [db, rpc, dbmon] = flags.as_slice() else {
        return Err(ParseError::at(
            WHAT,
            line,
            "DB/RPC/DbMon flags are not X/Y/Z",
        ));
    };
    let flag = |f: &str| -> Result<bool, ParseError> {
        match f.to_ascii_uppercase().as_str() {
            "Y" => Ok(true),
            "N" => Ok(false),
            _ => Err(ParseError::at(
                WHAT,
                line,
                "DB/RPC/DbMon flag is not Y or N",
            )),
        }
    };
    let state = tokens
        .get(state_at)
        .and_then(|t| state_code(t))
        .ok_or_else(|| ParseError::at(WHAT, line, "no state"))?;
    Ok(Some(ReplicationRow {
        server: (*server).to_owned(),
        ip: (*ip).to_owned(),
        ping_ms: ping.parse().ok(),
        db: flag(db)?,
        rpc: flag(rpc)?,
        dbmon: flag(dbmon)?,
        queue: queue.parse().ok(),
        group: tokens.get(5..state_at).unwrap_or_default().join(" "),
        state,
        state_text: tokens.get(state_at + 1..).unwrap_or_default().join(" "),
    }))
}

fn state_code(token: &str) -> Option<u8> {
    token.strip_prefix('(')?.strip_suffix(')')?.parse().ok()
}
