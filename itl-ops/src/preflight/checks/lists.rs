//! The trust lists: `show-itl`, `show-ctl`, `served-itl-matches`, `itl-size`.

use std::collections::BTreeMap;

use itl_core::TrustList;
use itl_core::cucm::ClusterSecurityMode;
use itl_wire::admin_cli::parse::trust_list::{ShowTrustList, Verification};

use super::{PerNode, get, on_nodes};
use crate::preflight::facts::Facts;
use crate::preflight::report::{CheckResult, Status};

/// Most certificates an ITL may carry (§4 item 9).
pub const MAX_ITL_CERTIFICATES: usize = 39;
/// An ITL must stay below this size (§4 item 9).
pub const MAX_ITL_BYTES: usize = 64 * 1024;

fn mode(facts: &Facts) -> Option<ClusterSecurityMode> {
    get(&facts.security_mode).ok().and_then(|(rows, _)| {
        rows.first()
            .and_then(|r| r.get("paramvalue"))
            .and_then(|v| ClusterSecurityMode::from_param(v.trim()))
    })
}

fn verification_text(v: &Verification) -> String {
    match v {
        Verification::Success => "verified".into(),
        Verification::Failure(line) => format!("verification failed: {line}"),
        Verification::Absent => "no verification sentence".into(),
    }
}

/// `show-itl` (§4 item 9): `show itl` on every TFTP node.
///
/// | output | status |
/// |---|---|
/// | a file, `… was verified successfully.` | pass |
/// | no file, a failed or missing verification sentence | fail: stop |
pub fn show_itl(facts: &Facts) -> CheckResult {
    const ID: &str = "show-itl";
    const TITLE: &str = "show itl verifies on every TFTP node";
    let per = PerNode::judge_tftp_nodes(
        &facts.nodes,
        |node| node.show_itl.as_ref(),
        |_, shown| match shown {
            ShowTrustList::Present(view) => {
                let ok = view.verification == Verification::Success;
                let note = format!(
                    "{} bytes, {} record(s), {}",
                    view.length,
                    view.records.len(),
                    verification_text(&view.verification)
                );
                (if ok { Status::Pass } else { Status::Fail }, note)
            }
            ShowTrustList::None { reason, .. } => (Status::Fail, format!("no ITL ({reason})")),
        },
    );
    per.result(ID, TITLE, |status| match status {
        Status::Fail => "Stop: every TFTP node must serve an ITL that verifies; keep this output",
        _ => "Keep the archived output (the procedure's \"document this\" step)",
    })
}

/// `show-ctl` (§4 item 8): `show ctl` on every TFTP node.
///
/// | mode | output | status |
/// |---|---|---|
/// | mixed | a verified CTL with the same checksum on every node | pass |
/// | mixed | no CTL, a failed verification, or checksums that differ | fail: stop |
/// | non-secure | no CTL (`Length of CTL file: 0`) | pass |
/// | non-secure | a CTL (left from an earlier mixed mode) | warn |
/// | unknown mode | | as mixed when a CTL is shown, else pass |
pub fn show_ctl(facts: &Facts) -> CheckResult {
    const ID: &str = "show-ctl";
    const TITLE: &str = "show ctl on every TFTP node";
    let mixed = mode(facts) == Some(ClusterSecurityMode::Mixed);
    let non_secure = mode(facts) == Some(ClusterSecurityMode::NonSecure);
    let mut sums: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut per = PerNode::judge_tftp_nodes(
        &facts.nodes,
        |node| node.show_ctl.as_ref(),
        |node, shown| match shown {
            ShowTrustList::Present(view) => {
                let sum = view.sha1.clone().or(view.md5.clone()).unwrap_or_default();
                sums.entry(sum).or_default().push(&node.name);
                let ok = view.verification == Verification::Success;
                let status = if !ok {
                    Status::Fail
                } else if non_secure {
                    Status::Warn
                } else {
                    Status::Pass
                };
                let note = format!(
                    "CTL {} bytes, {}{}",
                    view.length,
                    verification_text(&view.verification),
                    if non_secure {
                        " although the cluster is non-secure"
                    } else {
                        ""
                    }
                );
                (status, note)
            }
            ShowTrustList::None { reason, .. } => {
                let status = if mixed { Status::Fail } else { Status::Pass };
                (status, format!("no CTL ({reason})"))
            }
        },
    );
    if sums.len() > 1 {
        per.statuses.push(Status::Fail);
        per.notes
            .push(format!("CTL checksums differ: {}", on_nodes(&sums)));
    }
    per.result(ID, TITLE, |status| match status {
        Status::Fail => {
            "Stop: run utils ctl update CTLFile on the publisher and restart TFTP so that every node serves the same verified CTL"
        }
        Status::Warn => "A CTL remains from an earlier mixed mode; phones may still hold it",
        _ => "Keep the archived output",
    })
}

/// `served-itl-matches` (§4 item 16): the ITL each TFTP node serves (HTTP 6970, else TFTP)
/// has the SHA-1 `show itl` prints on that node.
///
/// | facts | status |
/// |---|---|
/// | equal checksums | pass |
/// | different checksums, or the node serves no ITL | fail |
/// | `show itl` unavailable | skipped / fail as its reason says |
pub fn served_itl_matches(facts: &Facts) -> CheckResult {
    const ID: &str = "served-itl-matches";
    const TITLE: &str = "Served ITL matches show itl";
    let mut per = PerNode::new();
    for node in facts.nodes.iter().filter(|n| n.tftp) {
        let served = match node.served.as_ref().map(get) {
            Some(Ok((s, ev))) => (s, ev),
            Some(Err(m)) => {
                per.missing(&node.name, m);
                continue;
            }
            None => continue,
        };
        let shown = match node.show_itl.as_ref().map(get) {
            Some(Ok((ShowTrustList::Present(view), _))) => view.sha1.clone(),
            Some(Ok((ShowTrustList::None { .. }, _))) => None,
            Some(Err(m)) => {
                per.missing(&node.name, m);
                continue;
            }
            None => continue,
        };
        let (files, ev) = served;
        let Some(bytes) = &files.itl else {
            per.judged(
                Status::Fail,
                ev.clone(),
                Some(format!(
                    "{}: serves no ITL ({})",
                    node.name,
                    files.error.as_deref().unwrap_or("not found")
                )),
            );
            continue;
        };
        let served_sum = hex::encode(itl_core::checksum::sha1(bytes));
        let equal = shown.as_deref() == Some(served_sum.as_str());
        let note = format!(
            "{}: served SHA-1 {served_sum}, show itl {}",
            node.name,
            shown.as_deref().unwrap_or("(none)")
        );
        per.judged(
            if equal { Status::Pass } else { Status::Fail },
            ev.clone(),
            Some(note),
        );
    }
    per.result(ID, TITLE, |status| if status == Status::Fail {
        "Investigate: the TFTP service serves another ITL than the node holds (restart Cisco Tftp, check for a stale cache)"
    } else {
        ""
    })
}

/// `itl-size` (§4 item 9): the served ITL of every TFTP node carries at most 39
/// certificates and is smaller than 64 KB (phones refuse larger files). `fail` when a limit
/// is exceeded or the file does not parse, `warn` from 35 certificates or 56 KB on.
pub fn itl_size(facts: &Facts) -> CheckResult {
    const ID: &str = "itl-size";
    const TITLE: &str = "ITL within phone limits (39 certificates, 64 KB)";
    let per = PerNode::judge_tftp_nodes(
        &facts.nodes,
        |node| node.served.as_ref(),
        |_, files| {
            let Some(bytes) = &files.itl else {
                return (Status::Fail, "serves no ITL".to_owned());
            };
            match TrustList::parse(bytes) {
                Ok(list) => {
                    let certs = list.certificate_count();
                    let status = if certs > MAX_ITL_CERTIFICATES || bytes.len() >= MAX_ITL_BYTES {
                        Status::Fail
                    } else if certs >= 35 || bytes.len() >= 56 * 1024 {
                        Status::Warn
                    } else {
                        Status::Pass
                    };
                    (
                        status,
                        format!("{certs} certificate(s), {} bytes", bytes.len()),
                    )
                }
                Err(e) => (Status::Fail, format!("the served ITL does not parse: {e}")),
            }
        },
    );
    per.result(ID, TITLE, |status| match status {
        Status::Fail | Status::Warn => {
            "Remove unneeded certificates (trust-store cleanup) before adding new ones"
        }
        _ => "",
    })
}
