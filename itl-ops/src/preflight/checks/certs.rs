//! The nodes' own certificates: `cert-expiry`, `key-sizes`.

use itl_core::UnixTime;
use itl_core::cucm::CertUnit;
use itl_wire::admin_cli::parse::cert_own::OwnCertificate;

use super::{PerNode, Thresholds, get};
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
    let mut count = 0;
    let per = PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.certs,
        |_, certs| {
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
            (!notes.is_empty()).then(|| (worst, notes.join(", ")))
        },
    );
    per.result_or_pass(
        ID,
        TITLE,
        || {
            format!(
                "{count} certificate(s) valid for more than {} days",
                thresholds.cert_expiry_warn_secs / 86_400
            )
        },
        |status| match status {
            Status::Fail => {
                "Regenerate expired certificates first, one at a time, with the procedure"
            }
            _ => "Plan these regenerations into this change",
        },
    )
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
    let mut callmanager_max = 0usize;
    let mut recovery: Vec<(String, usize)> = Vec::new();
    let mut per = PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.certs,
        |node, certs| {
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
            (!notes.is_empty()).then(|| {
                (
                    Status::Warn,
                    format!("{} (more than 2048)", notes.join(", ")),
                )
            })
        },
    );
    for (node, bits) in &recovery {
        if *bits < callmanager_max {
            per.statuses.push(Status::Warn);
            per.notes.push(format!(
                "{node}: ITLRecovery {bits} bits, smaller than CallManager {callmanager_max} bits"
            ));
        }
    }
    per.result_or_pass(
        ID,
        TITLE,
        || {
            format!(
                "CallManager keys at most {callmanager_max} bits; ITLRecovery at least as large"
            )
        },
        |status| match status {
            Status::Warn => {
                "Keep CallManager at 2048 bits and ITLRecovery at least as large when regenerating"
            }
            _ => "Check the key sizes by hand",
        },
    )
}

/// The cluster's nodes a certificate's subject alternative names cover (first DNS label,
/// case-insensitive), without repeats.
fn nodes_covered<'a>(dns_names: &[String], nodes: &'a [String]) -> Vec<&'a str> {
    let mut covered: Vec<&str> = Vec::new();
    for name in dns_names {
        let host = name.split('.').next().unwrap_or_default();
        if let Some(n) = nodes.iter().find(|n| n.eq_ignore_ascii_case(host))
            && !covered.contains(&n.as_str())
        {
            covered.push(n);
        }
    }
    covered
}

/// `ca-signed` (expert addition): certificates a regeneration would replace with
/// self-signed ones.
///
/// | a node's own certificate | status |
/// |---|---|
/// | issuer differs from subject (CA-signed) | warn, naming unit, node and issuer |
/// | subject alternative names cover two or more cluster nodes (multi-server) | warn |
/// | every certificate self-signed and single-server | pass |
pub fn ca_signed(facts: &Facts) -> CheckResult {
    const ID: &str = "ca-signed";
    const TITLE: &str = "No CA-signed or multi-server certificate a regeneration would replace";
    let names: Vec<String> = facts.nodes.iter().map(|n| n.name.clone()).collect();
    let mut count = 0;
    let per = PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.certs,
        |_, certs| {
            let mut notes = Vec::new();
            for (unit, cert) in certs {
                count += 1;
                notes.extend(regeneration_losses(*unit, cert, &names));
            }
            (!notes.is_empty()).then(|| (Status::Warn, notes.join(", ")))
        },
    );
    per.result_or_pass(
        ID,
        TITLE,
        || format!("{count} certificate(s), all self-signed and single-server"),
        |status| match status {
            Status::Warn => {
                "Regenerating these makes self-signed certificates: have the CA sign new CSRs \
                 instead (and re-import them), or accept self-signed ones and update what trusts \
                 the CA-signed ones"
            }
            _ => "Check the certificates' issuers by hand",
        },
    )
}

/// What regenerating `unit`'s certificate `cert` would lose: `<unit> CA-signed by <issuer>`
/// when its issuer is not its subject, `<unit> multi-server (<nodes>)` when its subject
/// alternative names cover two or more of the cluster's `nodes`; empty for a self-signed,
/// single-server certificate (the rule of [`ca_signed`]).
pub fn regeneration_losses(unit: CertUnit, cert: &OwnCertificate, nodes: &[String]) -> Vec<String> {
    let mut losses = Vec::new();
    if cert.issuer != cert.subject {
        losses.push(format!("{} CA-signed by {}", unit.name(), cert.issuer));
    }
    let covered = nodes_covered(&cert.dns_names, nodes);
    if covered.len() >= 2 {
        losses.push(format!(
            "{} multi-server ({})",
            unit.name(),
            covered.join(", ")
        ));
    }
    losses
}

/// `cert-reuse` (expert addition): one certificate or one key used by two units (a
/// multi-server certificate, or a key reused when a CSR was made): regenerating one of them
/// changes what the other presents.
///
/// | own certificates of every node | status |
/// |---|---|
/// | two units (on any nodes) with the same certificate | warn, naming both |
/// | two units with different certificates on the same public key | warn, naming both |
/// | every unit its own certificate and key | pass |
pub fn cert_reuse(facts: &Facts) -> CheckResult {
    const ID: &str = "cert-reuse";
    const TITLE: &str = "Every certificate unit has its own certificate and key";
    let mut per = PerNode::new();
    // (node, unit, certificate SHA-256, public key SHA-256)
    let mut seen: Vec<(String, &'static str, [u8; 32], [u8; 32])> = Vec::new();
    for node in &facts.nodes {
        match get(&node.certs) {
            Ok((certs, ev)) => {
                for (unit, cert) in certs {
                    seen.push((
                        node.name.clone(),
                        unit.name(),
                        itl_core::checksum::sha256(&cert.der),
                        cert.public_key_sha256,
                    ));
                }
                per.evidence.push(ev.clone());
            }
            Err(m) => per.missing(&node.name, m),
        }
    }
    let mut notes = Vec::new();
    for (i, (node_a, unit_a, cert_a, key_a)) in seen.iter().enumerate() {
        for (node_b, unit_b, cert_b, key_b) in seen.iter().skip(i + 1) {
            let what = if cert_a == cert_b {
                "the same certificate"
            } else if key_a == key_b {
                "the same key"
            } else {
                continue;
            };
            notes.push(format!(
                "{unit_a}@{node_a} and {unit_b}@{node_b} share {what}"
            ));
        }
    }
    if !notes.is_empty() {
        per.statuses.push(Status::Warn);
    }
    per.notes.extend(notes);
    let count = seen.len();
    per.result_or_pass(
        ID,
        TITLE,
        || format!("{count} certificate(s), each with its own key"),
        |status| match status {
            Status::Warn => {
                "Regenerate shared certificates together (or give each unit its own key first): \
                 regenerating one changes what the other presents"
            }
            _ => "Compare the certificates by hand",
        },
    )
}
