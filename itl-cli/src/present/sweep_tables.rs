//! The sweep's summary tables for the terminal: phones per state, then per model, device pool
//! and TFTP server (one column per state that occurs), then what each TFTP node serves, then
//! for each problem state found what it means and what to do (the texts the HTML report and
//! the README show: [`PhoneState::meaning`], [`PhoneState::what_to_do`]).
//!
//! Models, device pools, TFTP servers and errors are text phones and servers supplied: every
//! cell goes through [`super::terminal::clean`].

use std::collections::BTreeMap;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use itl_core::cucm::PhoneState;
use itl_cucm::sweep::SweepReport;
use itl_cucm::sweep::report::{ListFacts, PhoneRecord};

use super::terminal::clean;

fn style(t: &mut Table) {
    t.load_style(presets::ASCII_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
}

fn text_cell(text: &str) -> Cell {
    Cell::new(clean(text))
}

fn md5_of(list: &Option<ListFacts>) -> &str {
    list.as_ref().map_or("-", |l| l.md5.as_str())
}

fn count_cell(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

/// The terminal summary of a sweep.
pub fn summary_tables(report: &SweepReport) -> String {
    let mut out = String::new();
    let summary = &report.summary;
    let mut states = Table::new();
    style(&mut states);
    states.set_header(["state", "phones", "%", "meaning"]);
    for (state, count) in &summary.by_state {
        if *count == 0 {
            continue;
        }
        let pct = if summary.total == 0 {
            0.0
        } else {
            *count as f64 * 100.0 / summary.total as f64
        };
        states.add_row(vec![
            Cell::new(state.name()),
            count_cell(*count),
            Cell::new(format!("{pct:.1}")).set_alignment(CellAlignment::Right),
            Cell::new(state.description()),
        ]);
    }
    states.add_row(vec![
        Cell::new("total"),
        count_cell(summary.total),
        Cell::new(""),
        Cell::new(if report.complete { "" } else { "interrupted" }),
    ]);
    out.push_str(&states.to_string());
    out.push('\n');
    let present: Vec<PhoneState> = PhoneState::ALL
        .into_iter()
        .filter(|s| summary.by_state.get(s).is_some_and(|n| *n > 0))
        .collect();
    type Key = fn(&PhoneRecord) -> Option<&str>;
    let groupings: [(&str, Key); 3] = [
        ("model", |p| p.model.as_deref()),
        ("device pool", |p| p.device_pool.as_deref()),
        ("TFTP server", |p| p.tftp_server.as_deref()),
    ];
    for (title, key) in groupings {
        let mut groups: BTreeMap<&str, BTreeMap<PhoneState, usize>> = BTreeMap::new();
        for p in &report.phones {
            let k = key(p).unwrap_or("(unknown)");
            *groups.entry(k).or_default().entry(p.state).or_default() += 1;
        }
        if groups.len() == 1 && groups.contains_key("(unknown)") {
            continue;
        }
        let mut t = Table::new();
        style(&mut t);
        let mut header = vec![title.to_owned(), "phones".to_owned()];
        header.extend(present.iter().map(|s| s.name().to_owned()));
        t.set_header(header);
        for (group, counts) in &groups {
            let mut row = vec![text_cell(group), count_cell(counts.values().sum())];
            row.extend(
                present
                    .iter()
                    .map(|s| count_cell(counts.get(s).copied().unwrap_or(0))),
            );
            t.add_row(row);
        }
        out.push('\n');
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !report.references.is_empty() {
        let mut t = Table::new();
        style(&mut t);
        t.set_header(["TFTP node", "server", "ITL md5", "CTL md5", "note"]);
        for r in &report.references {
            let note = match (&r.error, &r.itl) {
                (Some(e), _) => e.as_str(),
                (None, Some(l)) if l.signature_valid == Some(false) => {
                    "ITL signature does not verify"
                }
                _ => "",
            };
            t.add_row(vec![
                text_cell(&r.node),
                text_cell(&r.server),
                text_cell(md5_of(&r.itl)),
                text_cell(md5_of(&r.ctl)),
                text_cell(note),
            ]);
        }
        out.push('\n');
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out.push_str(&what_to_do(report));
    out
}

/// The width the explanations are wrapped to.
const WIDTH: usize = 96;

/// `text` wrapped to [`WIDTH`] columns, every line indented by `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > WIDTH {
            out.push('\n');
            line = 0;
        }
        if line == 0 {
            out.push_str(&" ".repeat(indent));
            line = indent;
        } else {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out.push('\n');
    out
}

/// For each problem state in the report: its count, what it means and what to do.
pub fn what_to_do(report: &SweepReport) -> String {
    let mut out = String::new();
    for (state, n) in &report.summary.by_state {
        if *n == 0 || !state.is_problem() {
            continue;
        }
        if out.is_empty() {
            out.push_str("\nWhat the problems mean and what to do\n");
        }
        out.push_str(&wrap(
            &format!(
                "{} ({n} phone{}): {}",
                state.name(),
                if *n == 1 { "" } else { "s" },
                state.meaning()
            ),
            2,
        ));
        out.push_str(&wrap(&format!("What to do: {}", state.what_to_do()), 4));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_cucm::sweep::fixtures::{record, report};

    #[test]
    fn summary_tables_count_by_group() {
        let mut other = record("SEP000000000002", PhoneState::StaleItl);
        other.model = Some("Cisco 7965".into());
        let r = report(vec![record("SEP000000000001", PhoneState::Ok), other]);
        let text = summary_tables(&r);
        let lines: Vec<&str> = text.lines().collect();
        // (what a row names, its cells, whether the row ends with them)
        let rows = [
            ("| ok ", "|      1 |", false),
            ("stale-itl", "50.0", false),
            ("Cisco 7965", "|  0 |         1 |", true),
            ("DP-HQ", "|      2 |", false),
        ];
        for (name, cells, at_end) in rows {
            assert!(
                lines.iter().any(|l| l.contains(name)
                    && if at_end {
                        l.ends_with(cells)
                    } else {
                        l.contains(cells)
                    }),
                "row {name:?} with {cells:?}:\n{text}"
            );
        }
        assert!(text.contains(&"a".repeat(32)));
        assert!(!text.contains("interrupted"));
        // What the one problem means and what to do, wrapped and indented.
        let advice = text
            .split("\nWhat the problems mean and what to do\n")
            .nth(1)
            .expect("advice");
        assert!(
            advice.starts_with("  stale-itl (1 phone): The phone holds an older ITL"),
            "{advice}"
        );
        assert!(
            advice.lines().all(|l| l.chars().count() <= WIDTH),
            "{advice}"
        );
        let joined: Vec<&str> = advice.split_whitespace().collect();
        let expected = format!(
            "stale-itl (1 phone): {} What to do: {}",
            PhoneState::StaleItl.meaning(),
            PhoneState::StaleItl.what_to_do()
        );
        assert_eq!(joined, expected.split_whitespace().collect::<Vec<_>>());
        assert!(
            advice
                .lines()
                .any(|l| l.starts_with("    What to do: Reset the phone"))
        );
    }

    #[test]
    fn reject_twin_no_problems_no_advice() {
        let r = report(vec![record("SEP000000000001", PhoneState::Ok)]);
        assert_eq!(what_to_do(&r), "");
        assert!(!summary_tables(&r).contains("What to do"));
    }

    #[test]
    fn hostile_phone_text_never_reaches_the_terminal_raw() {
        // A phone page's "TFTP server 1", a model from a CSV and a server error carrying
        // escape sequences (clear screen, OSC 52 clipboard write, a C1 CSI) and a newline.
        let mut hostile = record("SEP000000000002", PhoneState::ForeignItl);
        hostile.tftp_server = Some("\u{1b}[2J\u{1b}]52;c;cm0gLXJm\u{7}10.0.0.1".into());
        hostile.model = Some("Cisco\u{9b}31m 8841\nfake row".into());
        let mut r = report(vec![record("SEP000000000001", PhoneState::Ok), hostile]);
        r.references[0].error = Some("timeout \u{1b}[31mred".into());
        let text = summary_tables(&r);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        for defused in [
            "| \u{FFFD}[2J\u{FFFD}]52;c;cm0gLXJm\u{FFFD}10.0.0.1 ",
            "| Cisco\u{FFFD}31m 8841\u{FFFD}fake row ",
            "timeout \u{FFFD}[31mred",
        ] {
            assert!(text.contains(defused), "{defused:?} missing:\n{text}");
        }
        // Twin: the same report with plain values prints them unchanged.
        let plain = summary_tables(&report(vec![record("SEP000000000001", PhoneState::Ok)]));
        assert!(!plain.contains('\u{FFFD}'), "{plain}");
        assert!(plain.contains("| Cisco 8841 "), "{plain}");
    }
}
