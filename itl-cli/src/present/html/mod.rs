//! The HTML report: one self-contained page (no network fetches: inline CSS, an inline SVG
//! bar chart of the states, and a little inline JavaScript that sorts the phone table by a
//! clicked column and filters it by text and state). Every text is escaped.

use std::fmt::Write as _;

use itl_core::cucm::PhoneState;
use itl_cucm::sweep::{PhoneRecord, SweepReport};

/// Escapes text for HTML element content and double-quoted attributes.
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

/// The colour of a state's bar and badge.
fn colour(state: PhoneState) -> &'static str {
    match state {
        PhoneState::Ok => "#2e7d32",
        PhoneState::StaleItl => "#ef6c00",
        PhoneState::ForeignItl => "#c62828",
        PhoneState::CtlMismatch => "#ad1457",
        PhoneState::NoTrustList => "#6a1b9a",
        PhoneState::UpdateFailed => "#d84315",
        PhoneState::WebDisabled => "#546e7a",
        PhoneState::Unregistered => "#78909c",
        PhoneState::Unreachable => "#8d6e63",
        PhoneState::Unparseable => "#5d4037",
        PhoneState::NotScanned => "#9e9e9e",
    }
}

const STYLE: &str = "body{font-family:system-ui,Arial,sans-serif;margin:1.5em;color:#222}\
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}\
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}\
th{background:#f2f2f2;cursor:pointer;user-select:none}th.sorted-asc::after{content:' \\25B2'}th.sorted-desc::after{content:' \\25BC'}\
.badge{color:#fff;border-radius:3px;padding:1px 5px;white-space:nowrap}\
.ev{font-family:monospace;font-size:12px;word-break:break-all;max-width:60em}\
.facts td,.facts th{cursor:default}#controls{margin:0.8em 0}#controls input{width:20em}\
.hash{font-family:monospace}";

const SCRIPT: &str = r#"(function(){
var table=document.getElementById('phones');var body=table.tBodies[0];
var rows=Array.prototype.slice.call(body.rows);
var text=document.getElementById('filter');var state=document.getElementById('state');
var count=document.getElementById('shown');
function apply(){var q=text.value.toLowerCase();var s=state.value;var n=0;
rows.forEach(function(r){var ok=(!s||r.getAttribute('data-state')===s)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
r.style.display=ok?'':'none';if(ok){n++;}});count.textContent=n;}
text.addEventListener('input',apply);state.addEventListener('change',apply);
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th,i){th.addEventListener('click',function(){
var asc=!th.classList.contains('sorted-asc');
Array.prototype.forEach.call(heads,function(h){h.classList.remove('sorted-asc','sorted-desc');});
th.classList.add(asc?'sorted-asc':'sorted-desc');
rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent;
var c=x.localeCompare(y,undefined,{numeric:true});return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});});});
apply();})();"#;

/// Renders the report as one self-contained HTML page.
pub fn render(report: &SweepReport) -> String {
    let mut out = String::with_capacity(4096 + report.phones.len() * 400);
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
    let _ = writeln!(
        out,
        "<p>{} phones, {} ok, {} with problems. Started {}, finished {}{}. Source: {}{}.</p>",
        report.summary.total,
        report.summary.ok,
        report.summary.problems,
        escape(&report.started),
        escape(&report.finished),
        if report.complete {
            ""
        } else {
            " <strong>(interrupted: unvisited phones are not-scanned)</strong>"
        },
        escape(&report.cluster.source),
        report
            .cluster
            .security_mode
            .map(|m| format!(", {}", escape(m.name())))
            .unwrap_or_default(),
    );
    chart(&mut out, report);
    references(&mut out, report);
    phones(&mut out, &report.phones);
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
    let bar_h = 22;
    let height = present.len() * (bar_h + 6) + 6;
    let _ = write!(
        out,
        "<h2>Phones per state</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
aria-label=\"phones per state\" width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\">\n"
    );
    for (i, (state, n)) in present.iter().enumerate() {
        let y = 6 + i * (bar_h + 6);
        let w = (*n as f64 / max as f64 * 400.0).round().max(1.0);
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{name}</text>\
<rect x=\"130\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"{c}\"><title>{name}: {n}</title></rect>\
<text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{n}</text>",
            ty = y + 16,
            name = state.name(),
            c = colour(*state),
            tx = 136.0 + w,
        );
    }
    out.push_str("</svg>\n");
}

fn references(out: &mut String, report: &SweepReport) {
    if report.references.is_empty() {
        return;
    }
    out.push_str(
        "<h2>Reference lists</h2>\n<table class=\"facts\"><thead><tr><th>TFTP node</th><th>server</th>\
<th>ITL MD5</th><th>ITL SHA-1</th><th>signer</th><th>signature</th><th>CTL MD5</th><th>note</th></tr></thead><tbody>\n",
    );
    for r in &report.references {
        let itl = r.itl.as_ref();
        let cell = |v: Option<&str>| escape(v.unwrap_or("-"));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"hash\">{}</td><td class=\"hash\">{}</td><td>{}</td><td>{}</td><td class=\"hash\">{}</td><td>{}</td></tr>",
            escape(&r.node),
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

fn phones(out: &mut String, phones: &[PhoneRecord]) {
    let _ = write!(
        out,
        "<h2>Phones</h2>\n<div id=\"controls\"><input id=\"filter\" type=\"search\" \
placeholder=\"filter: name, address, hash, message...\"> <select id=\"state\"><option value=\"\">all states</option>"
    );
    for s in PhoneState::ALL {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", s.name());
    }
    let _ = write!(
        out,
        "</select> <span id=\"shown\">{}</span> shown</div>\n<table id=\"phones\"><thead><tr>\
<th>name</th><th>address</th><th>model</th><th>device pool</th><th>TFTP server</th><th>state</th>\
<th>evidence</th></tr></thead><tbody>\n",
        phones.len()
    );
    for p in phones {
        let o = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
        let evidence = serde_json::to_string(&p.evidence).unwrap_or_default();
        let evidence = if evidence == "{}" {
            String::new()
        } else {
            evidence
        };
        let _ = writeln!(
            out,
            "<tr data-state=\"{s}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
<td><span class=\"badge\" style=\"background:{c}\">{s}</span></td><td class=\"ev\">{}</td></tr>",
            escape(&p.name),
            o(&p.address),
            o(&p.model),
            o(&p.device_pool),
            o(&p.tftp_server),
            escape(&evidence),
            s = p.state.name(),
            c = colour(p.state),
        );
    }
    out.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::fixtures::{record, report};

    #[test]
    fn self_contained_and_lists_every_phone() {
        let mut hostile = record("SEP<script>alert(1)</script>", PhoneState::Unparseable);
        hostile.evidence.excerpt =
            Some("<img src=\"http://evil.example/x.png\"> & \"quotes\"".into());
        hostile.evidence.error = Some("HTTP 404 from http://127.1.0.9/".into());
        let phones: Vec<_> = (0..25)
            .map(|i| {
                record(
                    &format!("SEP{i:012X}"),
                    PhoneState::ALL[i % PhoneState::ALL.len()],
                )
            })
            .chain([hostile])
            .collect();
        let html = render(&report(phones.clone()));
        for p in &phones {
            assert!(
                html.contains(&format!("<td>{}</td>", escape(&p.name))),
                "{}",
                p.name
            );
        }
        assert_eq!(html.matches("<tr data-state=").count(), phones.len());
        // No fetch of anything: no tag has a src/href attribute, no link/import/url().
        let tags: Vec<&str> = html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
            .collect();
        for tag in &tags {
            let lower = tag.to_ascii_lowercase();
            assert!(
                !lower.contains("src=") && !lower.contains("href="),
                "tag <{tag}>"
            );
            assert!(
                !lower.starts_with("link")
                    && !lower.starts_with("img")
                    && !lower.starts_with("iframe")
            );
        }
        assert!(!html.contains("@import") && !html.contains("url("));
        // Hostile text is escaped, not markup.
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("<td>SEP&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
        assert!(html.contains("&lt;img src=\\&quot;http://evil.example/x.png\\&quot;&gt;"));
        // One bar per state present.
        assert_eq!(html.matches("<rect ").count(), PhoneState::ALL.len());
        assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn reject_twin_an_interrupted_report_says_so() {
        let mut r = report(vec![record("SEP000000000001", PhoneState::NotScanned)]);
        assert!(!render(&r).contains("interrupted"));
        r.complete = false;
        assert!(render(&r).contains("(interrupted: unvisited phones are not-scanned)"));
    }
}
