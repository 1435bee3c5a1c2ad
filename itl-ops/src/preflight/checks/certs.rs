//! The nodes' own certificates: `cert-expiry`, `key-sizes`.

use itl_core::UnixTime;
use itl_core::cucm::CertUnit;

use super::{PerNode, Thresholds, get, result};
use crate::preflight::facts::Facts;
use crate::preflight::report::{CheckResult, Status};

/// `cert-expiry` (expert addition): every own certificate `show cert own` gives, on every
/// node.
///
/// | `not after` | status |
/// |---|---|
/// | in the past | fail |
/// | within `cert_expiry_warn` (30 days) | warn |
/// | later | pass |
pub fn cert_expiry(facts: &Facts, thresholds: &Thresholds) -> CheckResult {
    const ID: &str = "cert-expiry";
    const TITLE: &str = "No certificate expired or about to expire";
    let mut per = PerNode::new();
    let mut count = 0;
    for node in &facts.nodes {
        let (certs, ev) = match get(&node.certs) {
            Ok(v) => v,
            Err(m) => {
                per.missing(&node.name, m);
                continue;
            }
        };
        let mut worst = Status::Pass;
        let mut notes = Vec::new();
        for (unit, cert) in certs {
            count += 1;
            let left = cert.not_after - facts.now;
            let when = UnixTime::from_secs(cert.not_after).to_rfc3339();
            if left < 0 {
                worst = Status::Fail;
                notes.push(format!("{} expired {when}", unit.name()));
            } else if left < thresholds.cert_expiry_warn_secs {
                if worst != Status::Fail {
                    worst = Status::Warn;
                }
                notes.push(format!(
                    "{} expires {when} (in {} days)",
                    unit.name(),
                    left / 86_400
                ));
            }
        }
        let note = (!notes.is_empty()).then(|| format!("{}: {}", node.name, notes.join(", ")));
        per.judged(worst, ev.clone(), note);
    }
    let status = per.status();
    let (summary, action) = match status {
        Status::Pass => (
            format!(
                "{count} certificate(s) valid for more than {} days",
                thresholds.cert_expiry_warn_secs / 86_400
            ),
            "",
        ),
        Status::Fail => (
            per.notes.join("; "),
            "Regenerate expired certificates first, one at a time, with the procedure",
        ),
        _ => (
            per.notes.join("; "),
            "Plan these regenerations into this change",
        ),
    };
    result(ID, TITLE, status, summary, per.evidence, action)
}

/// `key-sizes` (§4 item 14, §2.4): key sizes of the own certificates.
///
/// | facts | status |
/// |---|---|
/// | a CallManager key larger than 2048 bits (older phones reject it) | warn |
/// | an ITLRecovery key smaller than the largest CallManager key | warn |
/// | otherwise | pass |
pub fn key_sizes(facts: &Facts) -> CheckResult {
    const ID: &str = "key-sizes";
    const TITLE: &str = "Key sizes phones accept";
    let mut per = PerNode::new();
    let mut callmanager_max = 0usize;
    let mut recovery: Vec<(String, usize)> = Vec::new();
    for node in &facts.nodes {
        let (certs, ev) = match get(&node.certs) {
            Ok(v) => v,
            Err(m) => {
                per.missing(&node.name, m);
                continue;
            }
        };
        let mut notes = Vec::new();
        for (unit, cert) in certs {
            match unit {
                CertUnit::CallManager => {
                    callmanager_max = callmanager_max.max(cert.key_bits);
                    if cert.key_bits > 2048 {
                        notes.push(format!("CallManager {} bits", cert.key_bits));
                    }
                }
                CertUnit::ItlRecovery => recovery.push((node.name.clone(), cert.key_bits)),
                _ => {}
            }
        }
        let (status, note) = if notes.is_empty() {
            (Status::Pass, None)
        } else {
            (
                Status::Warn,
                Some(format!(
                    "{}: {} (more than 2048)",
                    node.name,
                    notes.join(", ")
                )),
            )
        };
        per.judged(status, ev.clone(), note);
    }
    for (node, bits) in &recovery {
        if *bits < callmanager_max {
            per.statuses.push(Status::Warn);
            per.notes.push(format!(
                "{node}: ITLRecovery {bits} bits, smaller than CallManager {callmanager_max} bits"
            ));
        }
    }
    let status = per.status();
    let (summary, action) = match status {
        Status::Pass => (
            format!(
                "CallManager keys at most {callmanager_max} bits; ITLRecovery at least as large"
            ),
            "",
        ),
        Status::Warn => (
            per.notes.join("; "),
            "Keep CallManager at 2048 bits and ITLRecovery at least as large when regenerating",
        ),
        _ => (per.notes.join("; "), "Check the key sizes by hand"),
    };
    result(ID, TITLE, status, summary, per.evidence, action)
}
