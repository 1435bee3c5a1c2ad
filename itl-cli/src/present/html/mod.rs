//! The HTML report: one self-contained page a person reads in a browser (inline style and
//! script, an inline SVG chart; nothing is fetched from anywhere).
//!
//! Problems come first, grouped by state in [`PhoneState::ALL`] order; each group says what
//! the state means and what to do ([`PhoneState::meaning`], [`PhoneState::what_to_do`]) and
//! lists its phones with their evidence as labelled fields ([`evidence`]). Healthy phones
//! follow, collapsed in a `<details>` whose summary gives their count. TFTP servers and TVS
//! nodes read as node names ([`nodes`]). A text box and a state selector filter every table
//! ([`assets`]). Every text is escaped.
//!
//! Size: a healthy phone is one compact row, a phone with a problem adds its labelled
//! evidence; 10,000 phones make about 1.6 MB when a fifth of them have problems and 3.0 MB
//! when all of them do (the tests hold both under 3 MB).

mod assets;
mod evidence;
mod nodes;

#[cfg(test)]
mod browser_tests;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use itl_core::cucm::{PhoneState, StateClass};
use itl_cucm::sweep::{PhoneRecord, SweepReport};

use assets::{SCRIPT, STYLE};
use nodes::NodeNames;

/// Escapes text for HTML element content and double-quoted attributes; control characters
/// other than newline and tab become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The colour of a state's bar, badge and group.
fn colour(state: PhoneState) -> &'static str {
    match state {
        PhoneState::Ok => "#2e7d32",
        PhoneState::UnknownItl => "#e65100",
        PhoneState::StaleItl => "#ef6c00",
        PhoneState::ForeignItl => "#c62828",
        PhoneState::CtlMismatch => "#ad1457",
        PhoneState::NoTrustList => "#6a1b9a",
        PhoneState::UpdateFailed => "#d84315",
        PhoneState::NoTrustInfo => "#607d8b",
        PhoneState::WebDisabled => "#546e7a",
        PhoneState::Unregistered => "#78909c",
        PhoneState::Unreachable => "#8d6e63",
        PhoneState::Unparseable => "#5d4037",
        PhoneState::NotScanned => "#9e9e9e",
    }
}

/// `What to do` text with `code` spans for the commands written in backquotes.
fn with_code(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Renders the report as one self-contained HTML page.
pub fn render(report: &SweepReport) -> String {
    let nodes = NodeNames::of(report);
    let mut out = String::with_capacity(16 * 1024 + report.phones.len() * 160);
    let title = format!(
        "Trust-list sweep{}",
        report
            .cluster
            .name
            .as_deref()
            .map(|n| format!(" of {n}"))
            .unwrap_or_default()
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n",
        t = escape(&title)
    );
    let summary = &report.summary;
    let _ = writeln!(
        out,
        "<p><strong>{}: {} ok, {}, {} not read.</strong> Started {}, finished {}. Phones from {}{}.</p>",
        plural(summary.total, "phone", "phones"),
        summary.ok,
        plural(summary.problems, "with a problem", "with problems"),
        summary.unread,
        escape(&report.started),
        escape(&report.finished),
        escape(&report.cluster.source),
        report
            .cluster
            .security_mode
            .map(|m| format!(", {} cluster", escape(m.name())))
            .unwrap_or_default(),
    );
    if !report.complete {
        out.push_str(
            "<p class=\"warn\">The sweep did not finish <strong>(interrupted: unvisited phones are not-scanned)</strong>.</p>\n",
        );
    }
    chart(&mut out, report);
    controls(&mut out, report);
    problems(&mut out, &report.phones, &nodes);
    healthy(&mut out, &report.phones, &nodes);
    references(&mut out, report, &nodes);
    if !report.warnings.is_empty() {
        out.push_str("<h2>Warnings</h2><ul>");
        for w in &report.warnings {
            let _ = write!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

fn chart(out: &mut String, report: &SweepReport) {
    let present: Vec<(PhoneState, usize)> = report
        .summary
        .by_state
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| (*s, *n))
        .collect();
    let max = present.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let bar_h = 20;
    let height = present.len() * (bar_h + 6) + 6;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"phones per state\" \
width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\">"
    );
    for (i, (state, n)) in present.iter().enumerate() {
        let y = 6 + i * (bar_h + 6);
        let w = (*n as f64 / max as f64 * 400.0).round().max(1.0);
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{name}</text>\
<rect x=\"130\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"{c}\"><title>{name}: {n}</title></rect>\
<text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{n}</text>",
            ty = y + 15,
            name = state.name(),
            c = colour(*state),
            tx = 136.0 + w,
        );
    }
    out.push_str("</svg>\n");
}

fn controls(out: &mut String, report: &SweepReport) {
    out.push_str(
        "<div id=\"controls\"><label>Filter <input id=\"q\" type=\"search\" \
placeholder=\"name, address, model, node, hash, message...\"></label> \
<label>State <select id=\"state\"><option value=\"\">all states</option>",
    );
    for (state, n) in &report.summary.by_state {
        if *n > 0 {
            let _ = write!(
                out,
                "<option value=\"{0}\">{0} ({n})</option>",
                state.name()
            );
        }
    }
    let _ = writeln!(
        out,
        "</select></label> <span id=\"shown\">{}</span> shown</div>",
        report.phones.len()
    );
}

/// The head of a phone table.
fn table_head(out: &mut String, evidence: bool) {
    out.push_str(
        "<table class=\"phones\"><thead><tr><th>phone</th><th>address</th><th>model</th>\
<th>device pool</th><th>TFTP node</th>",
    );
    if evidence {
        out.push_str("<th>evidence</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
}

/// One phone row; `evidence` adds its labelled evidence.
fn row(out: &mut String, p: &PhoneRecord, nodes: &NodeNames, evidence: bool) {
    let o = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
    let node = p
        .tftp_server
        .as_deref()
        .map(|s| escape(&nodes.name(s)))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<tr data-state=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{node}</td>",
        p.state.name(),
        escape(&p.name),
        o(&p.address),
        o(&p.model),
        o(&p.device_pool),
    );
    if evidence {
        let _ = write!(out, "<td>{}</td>", evidence::cell(p, nodes));
    }
    out.push_str("</tr>\n");
}

fn problems(out: &mut String, phones: &[PhoneRecord], nodes: &NodeNames) {
    let count = phones.iter().filter(|p| p.state.is_problem()).count();
    let _ = writeln!(out, "<h2>Problems ({count})</h2>");
    if count == 0 {
        out.push_str("<p>No phone holds a list other than what its TFTP node serves.</p>\n");
    }
    groups(out, phones, nodes, StateClass::Problem);
    let unread = phones.iter().filter(|p| p.state.is_unread()).count();
    if unread > 0 {
        let _ = writeln!(
            out,
            "<h2>Not read ({unread})</h2>\n<p>The sweep could not read these phones' trust lists: \
their state is unknown, not fine.</p>"
        );
        groups(out, phones, nodes, StateClass::Unread);
    }
}

/// One section per state of `class` that some phone is in, in state order.
fn groups(out: &mut String, phones: &[PhoneRecord], nodes: &NodeNames, class: StateClass) {
    for state in PhoneState::ALL.into_iter().filter(|s| s.class() == class) {
        let of_state: Vec<&PhoneRecord> = phones.iter().filter(|p| p.state == state).collect();
        if of_state.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<section class=\"group\" id=\"state-{s}\" style=\"--c:{c}\"><h3><span class=\"badge\">{s}</span> {n}</h3>\
<p>{meaning}</p><p><strong>What to do:</strong> {todo}</p>",
            s = state.name(),
            c = colour(state),
            n = plural(of_state.len(), "phone", "phones"),
            meaning = escape(state.meaning()),
            todo = with_code(state.what_to_do()),
        );
        table_head(out, true);
        for p in of_state {
            row(out, p, nodes, true);
        }
        out.push_str("</tbody></table></section>\n");
    }
}

fn healthy(out: &mut String, phones: &[PhoneRecord], nodes: &NodeNames) {
    let ok: Vec<&PhoneRecord> = phones
        .iter()
        .filter(|p| p.state.class() == StateClass::Ok)
        .collect();
    if ok.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>Healthy phones ({})</h2>", ok.len());
    let _ = writeln!(
        out,
        "<details class=\"group\" id=\"healthy\" style=\"--c:{c}\"><summary>{n} ok</summary>\
<p>{meaning}</p>",
        c = colour(PhoneState::Ok),
        n = plural(ok.len(), "phone", "phones"),
        meaning = escape(PhoneState::Ok.meaning()),
    );
    table_head(out, false);
    for p in ok {
        row(out, p, nodes, false);
    }
    out.push_str("</tbody></table></details>\n");
}

fn references(out: &mut String, report: &SweepReport, nodes: &NodeNames) {
    if report.references.is_empty() {
        return;
    }
    out.push_str(
        "<h2>What each TFTP node serves</h2>\n<table class=\"facts\"><thead><tr><th>TFTP node</th>\
<th>address</th><th>server</th><th>ITL MD5</th><th>ITL SHA-1</th><th>signer</th><th>signature</th>\
<th>CTL MD5</th><th>note</th></tr></thead><tbody>\n",
    );
    for r in &report.references {
        let itl = r.itl.as_ref();
        let cell = |v: Option<&str>| escape(v.unwrap_or("-"));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td>\
<td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&r.node),
            cell(nodes.address_of(&r.node)),
            escape(&r.server),
            cell(itl.map(|l| l.md5.as_str())),
            cell(itl.map(|l| l.sha1.as_str())),
            cell(itl.and_then(|l| l.signer.as_deref())),
            match itl.and_then(|l| l.signature_valid) {
                Some(true) => "verifies",
                Some(false) => "does not verify",
                None => "-",
            },
            cell(r.ctl.as_ref().map(|l| l.md5.as_str())),
            cell(r.error.as_deref()),
        );
    }
    out.push_str("</tbody></table>\n");
}
