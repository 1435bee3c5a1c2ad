//! The HTML report in a real browser: headless Chromium loads the page with a filter in the
//! URL fragment (`#q=TEXT&state=STATE`, which the page's script applies on load) and dumps the
//! DOM after the script ran. Without Chromium the test fails, unless `ITL_SKIP_EXTERNAL=1`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use itl_testkit::TempDir;

use super::render;
use super::tests::fleet;

const CHROMIUM: &str = "/usr/bin/chromium";
const LIMIT: Duration = Duration::from_secs(90);

/// Chromium's DOM of `page` opened with `fragment`, after its scripts ran.
fn dump_dom(page: &Path, fragment: &str) -> String {
    let profile = TempDir::new("html-profile");
    let url = format!("file://{}{fragment}", page.display());
    let out_file = profile.join("dom.html");
    let out = std::fs::File::create(&out_file).expect("output file");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.join("data").display()
        ))
        .arg("--dump-dom")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(status) => {
                assert!(status.success(), "chromium exited with {status}");
                break;
            }
            None if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within {LIMIT:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    std::fs::read_to_string(&out_file).expect("dumped DOM")
}

/// The phone rows of a dumped DOM: (name, state, shown).
fn rows(dom: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for part in dom.split("<tr data-state=\"").skip(1) {
        let state = part.split('"').next().unwrap_or_default().to_owned();
        let tag = part.split('>').next().unwrap_or_default();
        let name = part
            .split("<td>")
            .nth(1)
            .and_then(|c| c.split("</td>").next())
            .unwrap_or_default()
            .to_owned();
        out.push((name, state, !tag.contains("hidden")));
    }
    out
}

fn shown_count(dom: &str) -> usize {
    dom.split("<span id=\"shown\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .and_then(|n| n.parse().ok())
        .expect("shown count")
}

/// Whether the group of `state` (or the healthy phones for `ok`) is hidden.
fn group_hidden(dom: &str, state: &str) -> bool {
    let id = if state == "ok" {
        "id=\"healthy\"".to_owned()
    } else {
        format!("id=\"state-{state}\"")
    };
    let at = dom.find(&id).unwrap_or_else(|| panic!("{id} missing"));
    let start = dom[..at].rfind('<').expect("tag start");
    let tag = &dom[start..at + dom[at..].find('>').expect("tag end")];
    tag.contains("hidden")
}

fn visible(rows: &[(String, String, bool)]) -> Vec<&str> {
    rows.iter().filter(|r| r.2).map(|r| r.0.as_str()).collect()
}

#[test]
fn the_report_renders_and_filters_in_chromium() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var("ITL_SKIP_EXTERNAL").as_deref() == Ok("1") {
            println!("skipped: chromium is not installed (ITL_SKIP_EXTERNAL=1)");
            return;
        }
        panic!("{CHROMIUM} is not installed (set ITL_SKIP_EXTERNAL=1 to skip this test)");
    }
    // 72 phones, every third in trouble (two of each state other than ok).
    let report = fleet(72, 3);
    let dir = TempDir::new("html-page");
    let page = dir.join("report.html");
    std::fs::write(&page, render(&report)).expect("write the page");
    let name = |i: u64| format!("SEP{:012X}", 0x00A1_B2C3_0000_u64 + i);

    // No filter: the script ran, the problem groups render with their rows, all are shown.
    let dom = dump_dom(&page, "");
    assert!(dom.contains("data-ready=\"1\""), "the script did not run");
    let all = rows(&dom);
    assert_eq!(all.len(), 72);
    assert!(all.iter().all(|r| r.2));
    assert_eq!(shown_count(&dom), 72);
    assert!(dom.contains("<span class=\"badge\">stale-itl</span> 2 phones</h3>"));
    let stale: Vec<&str> = all
        .iter()
        .filter(|r| r.1 == "stale-itl")
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(stale, [name(3), name(39)]);
    // Problems come before the healthy phones in the rendered page.
    assert_eq!(all.first().map(|r| r.1.as_str()), Some("unknown-itl"));
    assert_eq!(all.last().map(|r| r.1.as_str()), Some("ok"));
    assert!(!group_hidden(&dom, "stale-itl") && !group_hidden(&dom, "ok"));

    // The state selector: only stale-itl rows; every other group hidden.
    let dom = dump_dom(&page, "#state=stale-itl");
    assert_eq!(visible(&rows(&dom)), [name(3), name(39)]);
    assert_eq!(shown_count(&dom), 2);
    assert!(!group_hidden(&dom, "stale-itl"));
    assert!(group_hidden(&dom, "unreachable") && group_hidden(&dom, "ok"));

    // The text box: one phone by name, case-insensitive, wherever it is.
    let needle = name(7).to_ascii_lowercase();
    let dom = dump_dom(&page, &format!("#q={needle}"));
    assert_eq!(visible(&rows(&dom)), [name(7)]);
    assert_eq!(shown_count(&dom), 1);
    assert!(group_hidden(&dom, "stale-itl"));
    // Phone 7 is healthy: its group is shown and opened.
    assert!(!group_hidden(&dom, "ok"));
    assert!(
        dom.contains("<details class=\"group\" id=\"healthy\" style=\"--c:#2e7d32\" open=\"\">")
    );

    // Text in the evidence, with the state: the phones whose last message failed.
    let dom = dump_dom(&page, "#q=verification%20failure&state=update-failed");
    let all = rows(&dom);
    assert_eq!(visible(&all), [name(9), name(45)]);
    assert_eq!(shown_count(&dom), 2);
    // Reject twin: text and state that no phone has together.
    let dom = dump_dom(&page, "#q=verification%20failure&state=ok");
    assert!(visible(&rows(&dom)).is_empty());
    assert_eq!(shown_count(&dom), 0);
}
