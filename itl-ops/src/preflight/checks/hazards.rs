//! What lies outside the trust lists but breaks with a certificate change: `dependants` (IM
//! and Presence nodes, TLS SIP trunks), `sso`, and an `upgrade` or switch-version in
//! progress.

use std::cmp::Ordering;

use itl_wire::admin_cli::parse::upgrade::{UpgradeState, compare_versions};
use itl_wire::soap::process_node::ProcessNodes;

use super::{PerNode, get, result};
use crate::preflight::facts::Facts;
use crate::preflight::report::{CheckResult, Status};

fn value<'a>(row: &'a itl_wire::soap::axl::Row, column: &str) -> &'a str {
    row.get(column).map(|v| v.trim()).unwrap_or_default()
}

/// What an IM and Presence node must learn after a regeneration (inferred: the documents
/// say only that IM and Presence depends on the cluster's certificates).
pub const IMP_LEARNS: &str = "learns the new tomcat and CallManager certificates through the cluster's certificate exchange: after the change confirm them in its tomcat-trust and CallManager-trust (show cert list trust)";

/// What the far end of a TLS SIP trunk must learn after a CallManager regeneration.
pub const TRUNK_LEARNS: &str = "holds this cluster's CallManager certificate in its trust store: upload each new CallManager certificate there (Expressway: trusted CA list; Unity Connection: its CallManager-trust) or its TLS connection fails";

/// `dependants`: systems outside the cluster's trust lists that trust its certificates,
/// each listed with what it must learn after a regeneration. IM and Presence nodes come from
/// `processnode` (as `itl cluster init` finds them); TLS SIP trunks (to Expressway, Unity
/// Connection, another cluster) from their security profiles.
///
/// | facts | status |
/// |---|---|
/// | no IM and Presence node, no TLS SIP trunk | pass |
/// | IM and Presence nodes, no TLS SIP trunk | info, naming each node and what it learns |
/// | a TLS SIP trunk | warn, naming each trunk, its destination and what the far end must learn (someone must upload the new certificate there) |
/// | `processnode` rows that are not servers | fail (the row named) |
/// | a query failed | that part `skipped` or `fail` as its reason says; the other part still judged |
pub fn dependants(facts: &Facts) -> CheckResult {
    const ID: &str = "dependants";
    const TITLE: &str = "Dependants that must learn new certificates";
    let mut per = PerNode::new();
    match get(&facts.process_nodes) {
        Ok((rows, ev)) => {
            per.evidence.push(ev.clone());
            match ProcessNodes::from_rows(rows) {
                Ok(nodes) if nodes.im_and_presence.is_empty() => {
                    per.statuses.push(Status::Pass);
                    per.notes.push("no IM and Presence node".to_owned());
                }
                Ok(nodes) => {
                    per.statuses.push(Status::Info);
                    for n in &nodes.im_and_presence {
                        per.notes
                            .push(format!("IM and Presence {}: {IMP_LEARNS}", n.name));
                    }
                }
                Err(e) => {
                    per.statuses.push(Status::Fail);
                    per.notes
                        .push(format!("the server list could not be read: {e}"));
                }
            }
        }
        Err(m) => per.missing_with(m, format!("IM and Presence nodes not read: {}", m.reason)),
    }
    match get(&facts.secure_trunks) {
        Ok((rows, ev)) => {
            per.evidence.push(ev.clone());
            if rows.is_empty() {
                per.statuses.push(Status::Pass);
                per.notes.push("no SIP trunk with a TLS profile".to_owned());
            } else {
                per.statuses.push(Status::Warn);
                let mut seen: Vec<(&str, Vec<String>)> = Vec::new();
                for row in rows {
                    let name = value(row, "name");
                    let dest = match (value(row, "address"), value(row, "port")) {
                        ("", _) => String::new(),
                        (a, "") => a.to_owned(),
                        (a, p) => format!("{a}:{p}"),
                    };
                    match seen.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, dests)) => {
                            if !dest.is_empty() {
                                dests.push(dest);
                            }
                        }
                        None => {
                            seen.push((name, Vec::from_iter((!dest.is_empty()).then_some(dest))))
                        }
                    }
                }
                for (name, dests) in seen {
                    let to = if dests.is_empty() {
                        String::new()
                    } else {
                        format!(" to {}", dests.join(", "))
                    };
                    per.notes.push(format!(
                        "TLS SIP trunk {name}{to}: the far end {TRUNK_LEARNS}"
                    ));
                }
            }
        }
        Err(m) => per.missing_with(m, format!("TLS SIP trunks not read: {}", m.reason)),
    }
    let status = per.status();
    let action = match status {
        Status::Warn => {
            "Before a CallManager regeneration arrange the certificate upload at every trunk's far end; after it, upload and confirm the trunks are up"
        }
        Status::Info => {
            "After a tomcat or CallManager regeneration confirm the new certificates on every IM and Presence node"
        }
        Status::Fail | Status::Skipped => "List the dependants by hand",
        Status::Pass => "",
    };
    result(
        ID,
        TITLE,
        status,
        per.notes.join("; "),
        per.evidence,
        action,
    )
}

/// `sso`: SAML single sign-on (`utils sso status` on every node). With SSO the identity
/// provider trusts the nodes' tomcat certificates through the exchanged metadata
/// (`trust-and-procedure.md` §5.1 step 7, §5.4: `Cisco SSOSP Tomcat` restarts after a tomcat
/// regeneration).
///
/// | facts | status |
/// |---|---|
/// | SSO disabled on every node | pass |
/// | SSO enabled on a node | warn, naming the nodes: a tomcat regeneration needs the SP metadata re-exported, re-imported at the IdP, and `Cisco SSOSP Tomcat` restarted, or SSO logins fail |
/// | a node's status missing | `skipped` or `fail` as its reason says |
pub fn sso(facts: &Facts) -> CheckResult {
    const ID: &str = "sso";
    const TITLE: &str = "SAML SSO (IdP metadata after a tomcat change)";
    let mut enabled = false;
    let per = PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.sso,
        |_, status| {
            enabled |= status.enabled;
            status.enabled.then(|| (Status::Warn, status.line.clone()))
        },
    );
    let status = per.status();
    let mut notes = per.notes.clone();
    if !enabled && status == Status::Pass {
        notes.push("SAML SSO is disabled on every node".to_owned());
    }
    let action = if enabled {
        "After a tomcat regeneration on these nodes: export the SP metadata again, import it at the IdP, restart Cisco SSOSP Tomcat, and run the SSO test"
    } else {
        ""
    };
    result(ID, TITLE, status, notes.join("; "), per.evidence, action)
}

/// `upgrade`: no upgrade or switch-version in progress on any node (`utils system upgrade
/// status`, and `show version inactive` against `show version active`).
/// `cucm-interfaces.md` §6.2: `set cert regen` must not run during an upgrade.
///
/// | facts (per node) | status |
/// |---|---|
/// | upgrade status `Running` | fail: stop until the upgrade is finished |
/// | upgrade status `Completed`, or the inactive version is newer than the active one | warn: a switch-version is pending; certificates changed now are not on the new version's partition |
/// | upgrade status `Failed` or unknown words | warn: look at the node's upgrade state |
/// | idle, and no inactive version or an older one | pass |
/// | a command refused for privilege / not answered | `skipped` / `fail` |
pub fn upgrade(facts: &Facts) -> CheckResult {
    const ID: &str = "upgrade";
    const TITLE: &str = "No upgrade or switch-version in progress";
    let mut per = PerNode::new();
    for node in &facts.nodes {
        let active = get(&node.version).ok().map(|(v, _)| v.version.as_str());
        per.judge(&node.name, &node.upgrade, |status| match status.state {
            UpgradeState::Idle => None,
            UpgradeState::Running => {
                Some((Status::Fail, format!("upgrade running ({})", status.line)))
            }
            UpgradeState::Completed => Some((
                Status::Warn,
                format!(
                    "upgrade completed, switch-version pending ({})",
                    status.line
                ),
            )),
            UpgradeState::Failed | UpgradeState::Unknown => {
                Some((Status::Warn, status.line.clone()))
            }
        });
        per.judge(&node.name, &node.version_inactive, |inactive| {
            let newer = match (inactive.version.as_deref(), active) {
                (Some(i), Some(a)) => compare_versions(i, a) == Ordering::Greater,
                _ => false,
            };
            newer.then(|| {
                (
                    Status::Warn,
                    format!(
                        "inactive version {} is newer than the active {}",
                        inactive.version.as_deref().unwrap_or_default(),
                        active.unwrap_or_default()
                    ),
                )
            })
        });
    }
    let status = per.status();
    let mut notes = per.notes.clone();
    if status == Status::Pass {
        notes.push("no upgrade running or pending on any node".to_owned());
    }
    let action = match status {
        Status::Fail => {
            "Stop: let the upgrade finish (and switch version) before changing certificates"
        }
        Status::Warn => {
            "Switch version (or clear the upgrade) before the change: certificates regenerated now stay on the old partition"
        }
        _ => "",
    };
    result(ID, TITLE, status, notes.join("; "), per.evidence, action)
}
