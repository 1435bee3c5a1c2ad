//! The HTML report's content and size.

use super::*;
use itl_cucm::sweep::fixtures::{archived_itl, record, report, stale};
use itl_cucm::sweep::report::Summary;

#[test]
fn self_contained_and_lists_every_phone() {
    let mut hostile = record("SEP<script>alert(1)</script>", PhoneState::Unparseable);
    hostile.evidence.excerpt = Some("<img src=\"http://evil.example/x.png\"> & \"quotes\"".into());
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
            !lower.starts_with("link") && !lower.starts_with("img") && !lower.starts_with("iframe")
        );
    }
    assert!(!html.contains("@import") && !html.contains("url("));
    // Hostile text is escaped, not markup.
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("<td>SEP&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assert!(html.contains(
        "&lt;img src=&quot;http://evil.example/x.png&quot;&gt; &amp; &quot;quotes&quot;"
    ));
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

#[test]
fn problems_first_grouped_by_state_with_meaning_and_what_to_do() {
    let phones = vec![
        record("SEP000000000001", PhoneState::Ok),
        record("SEP000000000002", PhoneState::Unreachable),
        record("SEP000000000003", PhoneState::StaleItl),
        record("SEP000000000004", PhoneState::Ok),
        record("SEP000000000005", PhoneState::StaleItl),
    ];
    let html = render(&report(phones));
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    // Groups in state order, problems before the healthy phones, references after.
    let stale = at("id=\"state-stale-itl\"");
    let unreachable = at("id=\"state-unreachable\"");
    let ok = at("<details class=\"group\" id=\"healthy\"");
    assert!(stale < unreachable && unreachable < ok);
    assert!(ok < at("What each TFTP node serves"));
    assert!(!html.contains("id=\"state-ok\""));
    assert!(!html.contains("id=\"state-foreign-itl\""));
    // Each group: its count, what it means and what to do (commands as code).
    assert!(html.contains("<span class=\"badge\">stale-itl</span> 2 phones</h3>"));
    assert!(html.contains("<span class=\"badge\">unreachable</span> 1 phone</h3>"));
    assert!(html.contains(&format!(
        "<p>{}</p>",
        escape(PhoneState::StaleItl.meaning())
    )));
    assert!(html.contains("run <code>utils itl reset localkey</code> (or <code>remotekey</code>"));
    assert!(html.contains(&format!(
        "<strong>What to do:</strong> {}</p>",
        escape(PhoneState::Unreachable.what_to_do())
    )));
    // Rows of a group are its phones, in report order.
    let group = &html[stale..unreachable];
    assert!(group.find("SEP000000000003") < group.find("SEP000000000005"));
    assert!(!group.contains("SEP000000000001"));
    // Healthy phones: collapsed, counted, compact (no evidence column).
    assert!(html.contains("<summary>2 phones ok</summary>"));
    assert!(!html.contains("<details open"));
    let healthy = &html[ok..];
    assert!(!healthy[..healthy.find("</details>").expect("end")].contains("<th>evidence</th>"));
    assert!(html.contains("<strong>5 phones: 2 ok, 2 with problems, 1 not read.</strong>"));
    assert!(at("<h2>Problems (2)</h2>") < at("<h2>Not read (1)</h2>"));
}

#[test]
fn node_names_not_bare_addresses() {
    let stale = stale("SEP000000000002");
    let mut elsewhere = record("SEP000000000003", PhoneState::ForeignItl);
    elsewhere.tftp_server = Some("10.20.30.40".into());
    let html = render(&report(vec![stale, elsewhere]));
    // 127.0.1.1 is ucm-pub's address (its reference list came from there).
    assert!(html.contains("<td>DP-HQ</td><td>ucm-pub</td>"), "{html}");
    let phones = &html[..html.find("What each TFTP node serves").expect("references")];
    assert!(!phones.contains("<td>127.0.1.1</td>"));
    // An address no node has stays as written.
    assert!(html.contains("<td>DP-HQ</td><td>10.20.30.40</td>"));
    // The references table says which address each node has.
    assert!(html.contains("<tr><td>ucm-pub</td><td>127.0.1.1</td><td>http://127.0.1.1:6970</td>"));
    // Held against expected, and which node serves it.
    assert!(html.contains(&format!(
        "<b>ITL held</b> <code>{}</code>\n<b>ITL expected</b> <code>{}</code> served by ucm-pub",
        "1".repeat(32),
        "a".repeat(32)
    )));
}

#[test]
fn a_report_without_problems_says_so() {
    let html = render(&report(vec![record("SEP000000000001", PhoneState::Ok)]));
    assert!(html.contains(
        "<h2>Problems (0)</h2>\n<p>No phone holds a list other than what its TFTP node serves.</p>"
    ));
    assert!(html.contains("<summary>1 phone ok</summary>"));
    assert!(!html.contains("class=\"badge\""));
}

/// A fleet of `n` phones with realistic evidence; every `1 / problem_every`-th phone (all
/// when 1) is in trouble, cycling through every state other than `ok` (problem and unread).
pub(super) fn fleet(n: usize, problem_every: usize) -> SweepReport {
    let problems: Vec<PhoneState> = PhoneState::ALL
        .into_iter()
        .filter(|s| *s != PhoneState::Ok)
        .collect();
    let models = [
        "Cisco 8841",
        "Cisco 7841",
        "Cisco 8865",
        "Cisco 7965",
        "Cisco 9971",
    ];
    let served = "3f2a9c0e1b7d4c5a8e6f0a1b2c3d4e5f";
    let mut k = 0;
    let phones = (0..n)
        .map(|i| {
            let state = if i % problem_every == 0 {
                k += 1;
                problems[(k - 1) % problems.len()]
            } else {
                PhoneState::Ok
            };
            let mut p = record(&format!("SEP{:012X}", 0x00A1_B2C3_0000_u64 + i as u64), state);
            p.address = Some(format!("10.{}.{}.{}", 10 + i / 65_536, (i / 256) % 256, i % 256));
            p.model = Some(models[i % models.len()].into());
            p.device_pool = Some(format!("DP-Site-{:02}", i % 40));
            p.tftp_server = Some(if i % 2 == 0 { "127.0.1.1" } else { "127.0.1.2" }.into());
            let e = &mut p.evidence;
            e.registration = Some("Registered".into());
            e.httpd = Some("Yes".into());
            // What the Network Setup page gives, for phones whose page was read.
            if matches!(
                state,
                PhoneState::Ok
                    | PhoneState::UnknownItl
                    | PhoneState::StaleItl
                    | PhoneState::ForeignItl
                    | PhoneState::CtlMismatch
                    | PhoneState::NoTrustList
                    | PhoneState::UpdateFailed
            ) {
                e.tftp_server = p.tftp_server.clone();
                e.tvs = vec!["127.0.1.1".into(), "127.0.1.2".into()];
            }
            let held = format!("{:032x}", 0x5eed_u128 * (i as u128 + 1));
            match state {
                PhoneState::Ok
                | PhoneState::UnknownItl
                | PhoneState::StaleItl
                | PhoneState::UpdateFailed
                | PhoneState::ForeignItl
                | PhoneState::CtlMismatch => {
                    e.itl_hash = Some(if state == PhoneState::Ok {
                        served.into()
                    } else {
                        held
                    });
                    e.expected_itl = Some(served.into());
                    e.reference = Some("ucm-pub/ITLFile.tlv".into());
                    e.message = Some(
                        if state == PhoneState::UpdateFailed {
                            "Trust List update failed, verification failure"
                        } else {
                            "Trust List updated"
                        }
                        .into(),
                    );
                    e.message_time = Some("2025-06-01T15:00:07".into());
                    if state != PhoneState::ForeignItl {
                        e.archived = Some(archived_itl("4", "ucm-pub", "2025-05-01T08:00:00Z"));
                    }
                    if state == PhoneState::CtlMismatch {
                        e.ctl_hash = Some("7".repeat(32));
                        e.expected_ctl = Some("8".repeat(32));
                    }
                }
                PhoneState::NoTrustList => e.itl_text = Some("Not Installed".into()),
                PhoneState::NoTrustInfo => e.notes.push(
                    "the phone's web pages do not show its trust lists; check it on the handset"
                        .into(),
                ),
                PhoneState::WebDisabled => e.httpd = Some("No".into()),
                PhoneState::Unregistered => e.registration = Some("UnRegistered".into()),
                PhoneState::Unreachable => {
                    e.error = Some("no answer within the phone's deadline of 41.0 s".into())
                }
                PhoneState::Unparseable => {
                    e.http_status = Some(404);
                    e.error = Some(format!("HTTP 404 Not Found from http://10.0.0.{}/CGI/Java/Serviceability?adapter=device.statistics.configuration", i % 256));
                }
                PhoneState::NotScanned => {}
            }
            p
        })
        .collect::<Vec<_>>();
    let mut r = report(phones);
    let mut sub = r.references[0].clone();
    sub.node = "ucm-sub1".into();
    sub.server = "http://127.0.1.2:6970".into();
    r.references.push(sub);
    r.summary = Summary::of(&r.phones);
    r
}

const MB: usize = 1_000_000;

#[test]
fn ten_thousand_phones_fit_in_three_megabytes() {
    // A fifth of the fleet in trouble (the demo's faults make about 8 %), every state
    // other than ok represented, full evidence on every phone.
    let r = fleet(10_000, 5);
    assert_eq!(r.summary.problems + r.summary.unread, 2_000);
    let html = render(&r);
    eprintln!(
        "HTML report of 10,000 phones (2,000 with problems): {} bytes",
        html.len()
    );
    assert!(html.len() <= 3 * MB, "{} bytes", html.len());
    assert_eq!(html.matches("<tr data-state=").count(), 10_000);
    // Worst case: every phone in trouble, every row with its evidence.
    let all = render(&fleet(10_000, 1));
    eprintln!(
        "HTML report of 10,000 phones (all with problems): {} bytes",
        all.len()
    );
    assert!(all.len() <= 3 * MB, "{} bytes", all.len());
}
