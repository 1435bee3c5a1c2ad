//! Database parameters and the release: `rollback-parameter`, `callmanager-groups`,
//! `mixed-mode`, `version`.

use std::collections::{BTreeMap, BTreeSet};

use super::{PerNode, get, of_fact, on_nodes, pass_unless, result};
use crate::preflight::facts::Facts;
use crate::preflight::report::{CheckResult, Status};

fn value<'a>(row: &'a itl_wire::soap::axl::Row, column: &str) -> &'a str {
    row.get(column).map(|v| v.trim()).unwrap_or_default()
}

/// `rollback-parameter` (§4 item 1): `RollBackToPreGrayback` in `processconfig`.
///
/// | rows | status |
/// |---|---|
/// | every row `F` (or `false`) | pass |
/// | any row `T` (or `true`) | fail: ITLs are blank, stop |
/// | no row, or another value | warn |
pub fn rollback_parameter(facts: &Facts) -> CheckResult {
    const ID: &str = "rollback-parameter";
    const TITLE: &str = "Rollback to pre-8.0 parameter is False";
    of_fact(ID, TITLE, &facts.rollback, |rows, evidence| {
        let values: Vec<&str> = rows.iter().map(|r| value(r, "paramvalue")).collect();
        let is = |v: &str, words: [&str; 2]| words.iter().any(|w| v.eq_ignore_ascii_case(w));
        let (status, summary, action) = if values.iter().any(|v| is(v, ["t", "true"])) {
            (
                Status::Fail,
                "RollBackToPreGrayback is True: every ITL is served blank".to_owned(),
                "Stop: set the enterprise parameter \"Prepare Cluster for Rollback to pre 8.0\" to False and let the ITLs rebuild before any certificate change",
            )
        } else if values.is_empty() {
            (
                Status::Warn,
                "RollBackToPreGrayback not found in processconfig".to_owned(),
                "Check the enterprise parameter \"Prepare Cluster for Rollback to pre 8.0\" by hand",
            )
        } else if values.iter().all(|v| is(v, ["f", "false"])) {
            (
                Status::Pass,
                format!("RollBackToPreGrayback is False ({} row(s))", values.len()),
                "",
            )
        } else {
            (
                Status::Warn,
                format!("RollBackToPreGrayback has unexpected values {values:?}"),
                "Check the enterprise parameter \"Prepare Cluster for Rollback to pre 8.0\" by hand",
            )
        };
        result(ID, TITLE, status, summary, vec![evidence.clone()], action)
    })
}

/// `callmanager-groups` (§4 item 2): members per CallManager group (§4.1 2a) and phones per
/// device pool and group (2b).
///
/// | facts | status |
/// |---|---|
/// | one node in the cluster | fail: the procedure (TVS fallback) does not apply |
/// | a group used by a pool with ≥ 1 phone has one member | warn, naming the group, its member and the pools and phones affected |
/// | a pool with phones has no CallManager group | warn |
/// | every used group has ≥ 2 members | pass |
pub fn callmanager_groups(facts: &Facts) -> CheckResult {
    const ID: &str = "callmanager-groups";
    const TITLE: &str = "More than one server in every CallManager group used by phones";
    of_fact(ID, TITLE, &facts.cm_group_members, |members, ev_members| {
        of_fact(ID, TITLE, &facts.phones_per_pool, |pools, ev_pools| {
            let evidence = vec![ev_members.clone(), ev_pools.clone()];
            if facts.nodes.len() == 1 {
                return result(
                    ID,
                    TITLE,
                    Status::Fail,
                    "single-node cluster: phones have no second TVS while the node restarts",
                    evidence,
                    "Stop: the procedure is not applicable to a single-node cluster",
                );
            }
            let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for row in members {
                groups
                    .entry(value(row, "cmgroup"))
                    .or_default()
                    .push(value(row, "cmgr"));
            }
            let mut used: BTreeMap<&str, (BTreeSet<&str>, u64)> = BTreeMap::new();
            let mut orphan_pools = Vec::new();
            for row in pools {
                let phones: u64 = value(row, "phones").parse().unwrap_or(0);
                if phones == 0 {
                    continue;
                }
                let group = value(row, "cmgroup");
                let pool = value(row, "devicepool");
                if group.is_empty() {
                    orphan_pools.push(format!("{pool} ({phones} phones)"));
                    continue;
                }
                let entry = used.entry(group).or_default();
                entry.0.insert(pool);
                entry.1 += phones;
            }
            let mut problems = Vec::new();
            for (group, (pool_names, phones)) in &used {
                let m = groups.get(group).map(Vec::len).unwrap_or(0);
                if m < 2 {
                    let member = groups
                        .get(group)
                        .and_then(|v| v.first())
                        .copied()
                        .unwrap_or("no member");
                    problems.push(format!(
                        "{group}: only {member}; {phones} phones in {}",
                        pool_names.iter().copied().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
            for pool in &orphan_pools {
                problems.push(format!("device pool {pool} has no CallManager group"));
            }
            let finding = (!problems.is_empty()).then(|| {
                (
                    Status::Warn,
                    format!("single-member groups: {}", problems.join("; ")),
                    "Add a second member to these groups, or accept that their phones have no TVS fallback while the node restarts",
                )
            });
            let pass = format!(
                "{} group(s) used by phones, each with at least 2 members",
                used.len()
            );
            pass_unless(ID, TITLE, evidence, pass, finding)
        })
    })
}

/// `mixed-mode` (§4 item 4): `ClusterSecurityMode`. Always `info` (`0` non-secure, `1`
/// mixed: selects the procedure variant); `warn` when the parameter is missing or has another
/// value.
pub fn mixed_mode(facts: &Facts) -> CheckResult {
    const ID: &str = "mixed-mode";
    const TITLE: &str = "Cluster security mode";
    of_fact(ID, TITLE, &facts.security_mode, |rows, evidence| {
        let v = rows.first().map(|r| value(r, "paramvalue")).unwrap_or("");
        let (status, summary, action) = match v {
            "0" => (
                Status::Info,
                "non-secure (ClusterSecurityMode 0): no CTL; the non-mixed procedure applies",
                "",
            ),
            "1" => (
                Status::Info,
                "mixed mode (ClusterSecurityMode 1): the CTL must be updated after CallManager, CAPF and ITLRecovery changes",
                "Follow the mixed-mode variant of the procedure (utils ctl update CTLFile after each change)",
            ),
            _ => (
                Status::Warn,
                "ClusterSecurityMode not readable",
                "Check the cluster security mode by hand",
            ),
        };
        result(ID, TITLE, status, summary, vec![evidence.clone()], action)
    })
}

/// `version` (§4 item 12): `show version active` on every node. `info` with the release
/// (it selects the rule set: ITL signed by CallManager up to 11.5, by ITLRecovery from 12.0;
/// 14+ behaviour changes); `warn` when nodes run different releases (an upgrade or
/// switch-version in progress).
pub fn version(facts: &Facts) -> CheckResult {
    const ID: &str = "version";
    const TITLE: &str = "CUCM version and ITL signer";
    let mut per = PerNode::new();
    let mut versions: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut major = None;
    for node in &facts.nodes {
        match get(&node.version) {
            Ok((v, ev)) => {
                versions
                    .entry(v.version.clone())
                    .or_default()
                    .push(&node.name);
                major = Some((v.major, v.minor));
                per.judged(Status::Info, ev.clone(), None);
            }
            Err(m) => per.missing(&node.name, m),
        }
    }
    if versions.len() > 1 {
        return result(
            ID,
            TITLE,
            Status::Warn,
            format!("nodes run different releases: {}", on_nodes(&versions)),
            per.evidence,
            "Finish the upgrade or switch-version on every node before changing certificates",
        );
    }
    let status = per.status();
    let Some((version, _)) = versions.into_iter().next() else {
        return result(
            ID,
            TITLE,
            status,
            per.notes.join("; "),
            per.evidence,
            "check the version by hand",
        );
    };
    let signer = match major {
        Some((m, _)) if m >= 12 => "ITLRecovery signs the ITL (12.0+)",
        Some(_) => "CallManager signs the ITL (up to 11.5)",
        None => "",
    };
    let mut summary = format!("{version} on every node read; {signer}");
    if let Some((m, _)) = major
        && m >= 14
    {
        summary.push_str("; 14+ behaviour (Phone Interaction on Certificate Update, automatic service restarts) may apply");
    }
    if !per.notes.is_empty() {
        summary.push_str(&format!("; {}", per.notes.join("; ")));
    }
    result(ID, TITLE, status, summary, per.evidence, "")
}

/// Whether a `tkcertificatestatus` value says the phone holds an LSC: `3` or a name with
/// `Upgrade Success` (inferred: the enum values are not documented; see
/// `cucm-interfaces.md` §1.5 for the names).
fn holds_lsc(status: &str) -> bool {
    status == "3" || status.to_ascii_lowercase().contains("upgrade success")
}

/// `lsc` (§4 item 3): phones holding a locally significant certificate (AXL SQL on the
/// `device` CAPF columns, §4.1 3).
///
/// | rows | status |
/// |---|---|
/// | no phone holds an LSC | pass |
/// | some phones hold one | info with the count; the action says a CAPF regeneration needs the LSCs re-issued (`reissue lsc`) |
pub fn lsc(facts: &Facts) -> CheckResult {
    const ID: &str = "lsc";
    const TITLE: &str = "Phones with an LSC (CAPF-issued certificate)";
    of_fact(ID, TITLE, &facts.phone_lsc, |rows, evidence| {
        let holders: Vec<&str> = rows
            .iter()
            .filter(|r| holds_lsc(value(r, "tkcertificatestatus")))
            .map(|r| value(r, "name"))
            .collect();
        let total = rows.len();
        if holders.is_empty() {
            return result(
                ID,
                TITLE,
                Status::Pass,
                format!("none of {total} phones holds an LSC"),
                vec![evidence.clone()],
                "",
            );
        }
        let lines: Vec<String> = holders
            .iter()
            .take(facts_limit())
            .map(|n| (*n).to_owned())
            .collect();
        result(
            ID,
            TITLE,
            Status::Info,
            format!("{} of {total} phones hold an LSC", holders.len()),
            vec![
                evidence.clone(),
                crate::preflight::report::Evidence::new("phones holding an LSC", lines),
            ],
            "A CAPF regeneration invalidates these LSCs: re-issue them afterwards (`reissue lsc`), \
             upload the new CAPF certificate to RADIUS / ASA for 802.1x or VPN, and keep the old \
             CAPF trust until every LSC is re-issued",
        )
    })
}

/// Most phone names listed in evidence.
fn facts_limit() -> usize {
    super::Thresholds::default().max_named_phones
}

/// `phone-interaction` (§4 item 13): the 14+ enterprise parameter "Phone Interaction on
/// Certificate Update" (processconfig name and values inferred:
/// [`itl_wire::soap::axl::sql::PHONE_INTERACTION_PARAM`], `0` automatic, `1` manual).
///
/// | release (publisher's `show version active`) | row | status |
/// |---|---|---|
/// | before 14 | — | skipped |
/// | 14 or later, or unknown | `0` / automatic | info: phones reset by themselves |
/// | 14 or later, or unknown | `1` / manual | info: the procedure resets them |
/// | 14 or later | no row or another value | warn |
/// | unknown | no row | skipped |
pub fn phone_interaction(facts: &Facts) -> CheckResult {
    const ID: &str = "phone-interaction";
    const TITLE: &str = "Phone Interaction on Certificate Update (14+)";
    let major = facts
        .nodes
        .iter()
        .find(|n| n.publisher)
        .and_then(|n| n.version.as_ref().ok())
        .map(|v| v.value.major);
    if let Some(major) = major.filter(|m| *m < 14) {
        let ev = match &facts.phone_interaction {
            Ok(o) => o.evidence.clone(),
            Err(m) => super::missing_evidence(m),
        };
        return result(
            ID,
            TITLE,
            Status::Skipped,
            format!("not checked: the parameter exists from release 14 on (this is {major})"),
            vec![ev],
            "",
        );
    }
    of_fact(ID, TITLE, &facts.phone_interaction, |rows, evidence| {
        let values: Vec<&str> = rows.iter().map(|r| value(r, "paramvalue")).collect();
        let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
        let (status, summary, action) = match lower.first().map(String::as_str) {
            Some(v) if v == "0" || v.starts_with("auto") => (
                Status::Info,
                "automatic: phones reset by themselves after a TVS, CAPF, CallManager or \
                 ITLRecovery change"
                    .to_owned(),
                "Do not reset phones again after a regeneration; wait until they registered again \
                 before the next certificate",
            ),
            Some(v) if v == "1" || v.starts_with("manual") => (
                Status::Info,
                "manual: the procedure resets the phones".to_owned(),
                "Reset the phones after each trust-list change as the plan says",
            ),
            None if major.is_none() => (
                Status::Skipped,
                "not checked: the parameter is absent and the release is unknown".to_owned(),
                "Check \"Phone Interaction on Certificate Update\" by hand",
            ),
            None => (
                Status::Warn,
                "the parameter was not found in processconfig".to_owned(),
                "Check \"Phone Interaction on Certificate Update\" (Enterprise Parameters, \
                 Security) by hand",
            ),
            Some(_) => (
                Status::Warn,
                format!("unexpected value {values:?}"),
                "Check \"Phone Interaction on Certificate Update\" (Enterprise Parameters, \
                 Security) by hand",
            ),
        };
        result(ID, TITLE, status, summary, vec![evidence.clone()], action)
    })
}
