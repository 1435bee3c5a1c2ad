//! The preflight report for people: one terminal table per check (status, summary, action,
//! evidence sources and their first lines) and a self-contained HTML page. Every text that
//! came from a server goes through [`super::terminal::clean`] (terminal) or
//! [`super::html::escape`] (HTML).

use comfy_table::{Cell, ContentArrangement, Table, presets};
use itl_ops::preflight::{PreflightReport, Status};

use super::html::escape;
use super::terminal::clean;

/// Evidence lines shown per source in the terminal (the JSON and HTML have them all, with
/// their spacing).
const TERMINAL_LINES: usize = 6;

fn marker(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Info => "INFO",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
        Status::Skipped => "SKIP",
    }
}

/// One table per check, then a count line.
pub fn tables(report: &PreflightReport) -> String {
    let mut out = String::new();
    for check in &report.checks {
        let mut t = Table::new();
        t.load_style(presets::ASCII_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(110);
        t.set_header([
            Cell::new(marker(check.status)),
            Cell::new(format!("{}: {}", check.id, check.title)),
        ]);
        t.add_row(["summary", &clean(&check.summary)]);
        if !check.action.is_empty() {
            t.add_row(["action", &clean(&check.action)]);
        }
        for e in &check.evidence {
            let mut text = clean(&e.source).into_owned();
            for line in e.lines.iter().take(TERMINAL_LINES) {
                // Column padding squashed so that rows fit (the JSON keeps it).
                text.push_str("\n  ");
                text.push_str(&clean(
                    &line.split_whitespace().collect::<Vec<_>>().join(" "),
                ));
            }
            if e.lines.len() > TERMINAL_LINES {
                text.push_str(&format!(
                    "\n  … {} more line(s) in the JSON",
                    e.lines.len() - TERMINAL_LINES
                ));
            }
            t.add_row(["evidence", &text]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out.push_str(&format!(
        "preflight of {}: {} pass, {} info, {} warn, {} fail, {} skipped\n",
        clean(&report.cluster),
        report.count(Status::Pass),
        report.count(Status::Info),
        report.count(Status::Warn),
        report.count(Status::Fail),
        report.count(Status::Skipped),
    ));
    out
}

/// A self-contained HTML page (no script, no external resource).
pub fn html(report: &PreflightReport) -> String {
    let mut body = String::new();
    for check in &report.checks {
        body.push_str(&format!(
            "<section class=\"{s}\"><h2><span class=\"badge\">{s}</span> {id}: {title}</h2><p>{summary}</p>",
            s = check.status.name(),
            id = escape(&check.id),
            title = escape(&check.title),
            summary = escape(&check.summary),
        ));
        if !check.action.is_empty() {
            body.push_str(&format!(
                "<p class=\"action\">Action: {}</p>",
                escape(&check.action)
            ));
        }
        for e in &check.evidence {
            body.push_str(&format!(
                "<details><summary>{}</summary><pre>{}</pre></details>",
                escape(&e.source),
                escape(&e.lines.join("\n"))
            ));
        }
        body.push_str("</section>\n");
    }
    let archived = if report.archived.is_empty() {
        String::new()
    } else {
        format!(
            "<h2>Archived</h2><pre>{}</pre>",
            escape(&report.archived.join("\n"))
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>itl preflight: {cluster}</title><style>\
body{{font-family:sans-serif;margin:2em;max-width:70em}}\
section{{border-left:6px solid #999;padding:.2em 1em;margin:1em 0}}\
.pass{{border-color:#2a2}}.info{{border-color:#27c}}.warn{{border-color:#e90}}.fail{{border-color:#d22}}.skipped{{border-color:#888}}\
.badge{{text-transform:uppercase;font-size:.8em}}pre{{background:#f4f4f4;padding:.5em;overflow:auto}}\
.action{{font-weight:bold}}</style></head><body>\
<h1>Preflight of {cluster}</h1><p>Gathered {gathered}: {pass} pass, {info} info, {warn} warn, {fail} fail, {skipped} skipped.</p>\n{body}{archived}</body></html>\n",
        cluster = escape(&report.cluster),
        gathered = escape(&report.gathered),
        pass = report.count(Status::Pass),
        info = report.count(Status::Info),
        warn = report.count(Status::Warn),
        fail = report.count(Status::Fail),
        skipped = report.count(Status::Skipped),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_ops::preflight::{CheckResult, Evidence};

    fn report() -> PreflightReport {
        PreflightReport {
            schema: 1,
            cluster: "sim<1>".into(),
            gathered: "2025-06-01T00:00:00Z".into(),
            checks: vec![CheckResult {
                id: "fips".into(),
                title: "FIPS mode".into(),
                status: Status::Warn,
                summary: "ucm-sub1: FIPS mode\x1b[2J".into(),
                evidence: vec![Evidence::new(
                    "ssh ucm-sub1: utils fips status",
                    vec!["The system is operating in FIPS Mode <b>".into()],
                )],
                action: "Keep FIPS settings".into(),
            }],
            archived: vec!["ucm-pub: show itl -> ab.txt".into()],
        }
    }

    #[test]
    fn terminal_tables_name_status_source_and_clean_server_text() {
        let text = tables(&report());
        assert!(text.contains("WARN"), "{text}");
        assert!(text.contains("fips: FIPS mode"), "{text}");
        assert!(text.contains("ssh ucm-sub1: utils fips status"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        assert!(
            text.contains("0 pass, 0 info, 1 warn, 0 fail, 0 skipped"),
            "{text}"
        );
    }

    #[test]
    fn html_escapes_and_is_self_contained() {
        let page = html(&report());
        assert!(page.contains("Preflight of sim&lt;1&gt;"), "{page}");
        assert!(page.contains("FIPS Mode &lt;b&gt;"), "{page}");
        assert!(!page.contains("<script"));
        assert!(page.contains("<section class=\"warn\">"));
        assert!(page.contains("ab.txt"));
    }
}
