//! `itl diff BEFORE.json AFTER.json`: what changed between two sweeps.
//!
//! * `changed`: phones in both reports whose state differs;
//! * `new_problems`: phones in a `problem` state after that were `ok` before or were not in
//!   the earlier report;
//! * `new_unread`: phones whose state could not be read after (class `unread`, but not
//!   `not-scanned`) that were `ok` before or were not in the earlier report: not a problem,
//!   but no longer known to be fine;
//! * `recovered`: phones `ok` after that had a problem before;
//! * `added` / `removed`: phones in only one report;
//! * `counts`: phones per state before and after, every state listed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::report::SweepReport;
use itl_core::cucm::PhoneState;

/// One phone's move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Device name.
    pub name: String,
    /// State before (`null` when not in the earlier report).
    pub before: Option<PhoneState>,
    /// State after (`null` when not in the later report).
    pub after: Option<PhoneState>,
}

/// Phones in one state before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCount {
    /// The state.
    pub state: PhoneState,
    /// Phones before.
    pub before: usize,
    /// Phones after.
    pub after: usize,
}

/// The difference between two sweeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepDiff {
    /// When the earlier sweep started.
    pub before_started: String,
    /// When the later sweep started.
    pub after_started: String,
    /// Phones in both whose state differs, by name.
    pub changed: Vec<Change>,
    /// Phones that became a problem.
    pub new_problems: Vec<Change>,
    /// Phones that were `ok` (or new) and could not be read now.
    #[serde(default)]
    pub new_unread: Vec<Change>,
    /// Phones that became `ok`.
    pub recovered: Vec<Change>,
    /// Phones only in the later report.
    pub added: Vec<Change>,
    /// Phones only in the earlier report.
    pub removed: Vec<Change>,
    /// Counts per state.
    pub counts: Vec<StateCount>,
}

/// Compares two reports.
pub fn diff(before: &SweepReport, after: &SweepReport) -> SweepDiff {
    let (b, a) = (states(before), states(after));
    let mut out = SweepDiff {
        before_started: before.started.clone(),
        after_started: after.started.clone(),
        changed: Vec::new(),
        new_problems: Vec::new(),
        new_unread: Vec::new(),
        recovered: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        counts: Vec::new(),
    };
    let mut names: Vec<&str> = b.keys().chain(a.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let change = Change {
            name: name.to_owned(),
            before: b.get(name).copied(),
            after: a.get(name).copied(),
        };
        match (change.before, change.after) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(_), Some(_)) => out.changed.push(change.clone()),
            (None, Some(_)) => out.added.push(change.clone()),
            (Some(_), None) => {
                out.removed.push(change);
                continue;
            }
            (None, None) => continue,
        }
        let before_ok = change.before.is_none_or(|s| s == PhoneState::Ok);
        if before_ok && change.after.is_some_and(PhoneState::is_problem) {
            out.new_problems.push(change.clone());
        }
        if before_ok
            && change
                .after
                .is_some_and(|s| s.is_unread() && s != PhoneState::NotScanned)
        {
            out.new_unread.push(change.clone());
        }
        let before_problem = change.before.is_some_and(PhoneState::is_problem);
        if change.after == Some(PhoneState::Ok) && before_problem {
            out.recovered.push(change);
        }
    }
    for state in PhoneState::ALL {
        out.counts.push(StateCount {
            state,
            before: before.summary.by_state.get(&state).copied().unwrap_or(0),
            after: after.summary.by_state.get(&state).copied().unwrap_or(0),
        });
    }
    out
}

/// Each phone's state, by name.
fn states(report: &SweepReport) -> BTreeMap<&str, PhoneState> {
    report
        .phones
        .iter()
        .map(|p| (p.name.as_str(), p.state))
        .collect()
}

fn name_of(s: Option<PhoneState>) -> &'static str {
    s.map_or("-", PhoneState::name)
}

impl SweepDiff {
    /// True when no phone became a problem.
    pub fn no_new_problems(&self) -> bool {
        self.new_problems.is_empty()
    }

    /// The text `itl diff` prints.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "before: sweep of {}\nafter:  sweep of {}",
            self.before_started, self.after_started
        );
        for (title, list) in [
            ("changed state", &self.changed),
            ("new problems", &self.new_problems),
            ("no longer read", &self.new_unread),
            ("recovered", &self.recovered),
            ("only in after", &self.added),
            ("only in before", &self.removed),
        ] {
            let _ = writeln!(out, "\n{title}: {}", list.len());
            for c in list {
                let _ = writeln!(
                    out,
                    "  {:<20} {} -> {}",
                    c.name,
                    name_of(c.before),
                    name_of(c.after)
                );
            }
        }
        let _ = writeln!(
            out,
            "\n{:<15} {:>7} {:>7} {:>7}",
            "state", "before", "after", "delta"
        );
        for c in &self.counts {
            if c.before == 0 && c.after == 0 {
                continue;
            }
            let delta = c.after as i64 - c.before as i64;
            let _ = writeln!(
                out,
                "{:<15} {:>7} {:>7} {:>+7}",
                c.state.name(),
                c.before,
                c.after,
                delta
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::fixtures::{record, report};

    fn sweep(started: &str, phones: &[(&str, PhoneState)]) -> SweepReport {
        let mut r = report(phones.iter().map(|(n, s)| record(n, *s)).collect());
        r.started = started.into();
        r
    }

    #[test]
    fn exact_text_and_lists() {
        use PhoneState::*;
        let before = sweep(
            "2025-06-01T12:00:00Z",
            &[
                ("SEP000000000001", Ok),
                ("SEP000000000002", StaleItl),
                ("SEP000000000003", Ok),
                ("SEP000000000004", Unreachable),
                ("SEP000000000005", Ok),
                ("SEP000000000006", Ok),
                ("SEP000000000007", NotScanned),
                ("SEP000000000009", Ok),
            ],
        );
        let after = sweep(
            "2025-06-02T12:00:00Z",
            &[
                ("SEP000000000001", Ok),
                ("SEP000000000002", Ok),
                ("SEP000000000003", UpdateFailed),
                ("SEP000000000004", StaleItl),
                ("SEP000000000006", NotScanned),
                ("SEP000000000007", Ok),
                ("SEP000000000008", ForeignItl),
                ("SEP000000000009", Unreachable),
            ],
        );
        let d = diff(&before, &after);
        assert_eq!(
            d.to_text(),
            "before: sweep of 2025-06-01T12:00:00Z\n\
after:  sweep of 2025-06-02T12:00:00Z\n\
\n\
changed state: 6\n\
\x20 SEP000000000002      stale-itl -> ok\n\
\x20 SEP000000000003      ok -> update-failed\n\
\x20 SEP000000000004      unreachable -> stale-itl\n\
\x20 SEP000000000006      ok -> not-scanned\n\
\x20 SEP000000000007      not-scanned -> ok\n\
\x20 SEP000000000009      ok -> unreachable\n\
\n\
new problems: 2\n\
\x20 SEP000000000003      ok -> update-failed\n\
\x20 SEP000000000008      - -> foreign-itl\n\
\n\
no longer read: 1\n\
\x20 SEP000000000009      ok -> unreachable\n\
\n\
recovered: 1\n\
\x20 SEP000000000002      stale-itl -> ok\n\
\n\
only in after: 1\n\
\x20 SEP000000000008      - -> foreign-itl\n\
\n\
only in before: 1\n\
\x20 SEP000000000005      ok -> -\n\
\n\
state            before   after   delta\n\
ok                    5       3      -2\n\
stale-itl             1       1      +0\n\
foreign-itl           0       1      +1\n\
update-failed         0       1      +1\n\
unreachable           1       1      +0\n\
not-scanned           1       1      +0\n"
        );
        assert!(!d.no_new_problems());
        let json = serde_json::to_value(&d).expect("json");
        assert_eq!(
            json["new_problems"],
            serde_json::json!([
                {"name": "SEP000000000003", "before": "ok", "after": "update-failed"},
                {"name": "SEP000000000008", "before": null, "after": "foreign-itl"}
            ])
        );
        assert_eq!(
            json["new_unread"],
            serde_json::json!([
                {"name": "SEP000000000009", "before": "ok", "after": "unreachable"}
            ])
        );
        assert_eq!(
            json["counts"][0],
            serde_json::json!({"state": "ok", "before": 5, "after": 3})
        );
    }

    #[test]
    fn identical_reports_have_no_changes() {
        let r = sweep("t", &[("SEP000000000001", PhoneState::StaleItl)]);
        let d = diff(&r, &r);
        assert!(d.changed.is_empty() && d.new_problems.is_empty() && d.recovered.is_empty());
        assert!(d.no_new_problems());
        assert!(d.to_text().contains("changed state: 0\n"));
    }
}
