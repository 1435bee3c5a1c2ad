//! Platform health from the admin CLI and Control Center: `db-replication`, `backups`,
//! `services`, `fips`, `ntp`.

use std::collections::BTreeSet;

use itl_core::cucm::{Service, ServiceStatus};
use itl_wire::admin_cli::parse::backup::{BackupHistory, BackupResult};

use super::{PerNode, Thresholds, finding, get, of_fact, pass_unless, result};
use crate::preflight::facts::{CmGroup, Facts};
use crate::preflight::report::{CheckResult, Evidence, Status};

/// `db-replication` (§4 item 6, `cucm-interfaces.md` §6.3): `utils dbreplication
/// runtimestate` on the publisher.
///
/// | facts | status |
/// |---|---|
/// | `(n Servers)` = nodes in the cluster file, every row `Y/Y/Y`, state `(2)`, queue 0, no error summary | pass |
/// | fewer servers or rows, any `N`, any state 0, 1, 3 or 4, an error summary | fail: stop |
/// | only a non-zero queue | warn (transient: re-run) |
pub fn db_replication(facts: &Facts) -> CheckResult {
    const ID: &str = "db-replication";
    const TITLE: &str = "Database replication healthy";
    of_fact(ID, TITLE, &facts.replication, |r, evidence| {
        let mut bad = Vec::new();
        let mut queued = Vec::new();
        let nodes = facts.nodes.len();
        if (r.server_count as usize) < nodes || r.rows.len() < nodes {
            bad.push(format!(
                "{} server(s) announced and {} row(s) for {nodes} node(s)",
                r.server_count,
                r.rows.len()
            ));
        }
        for row in &r.rows {
            if !(row.db && row.rpc && row.dbmon) || row.state != 2 {
                let yn = |b: bool| if b { 'Y' } else { 'N' };
                bad.push(format!(
                    "{}: {}/{}/{} ({}) {}",
                    row.server,
                    yn(row.db),
                    yn(row.rpc),
                    yn(row.dbmon),
                    row.state,
                    row.state_text
                ));
            } else if row.queue != Some(0) {
                queued.push(format!(
                    "{}: queue {}",
                    row.server,
                    row.queue.map_or("unreadable".to_owned(), |q| q.to_string())
                ));
            }
        }
        if let Some(s) = &r.summary
            && !s
                .to_ascii_lowercase()
                .contains("no errors or mismatches found")
        {
            bad.push(format!("summary: {s}"));
        }
        // The relevant lines: the server count and one row per server.
        let names: Vec<&str> = r.rows.iter().map(|x| x.server.as_str()).collect();
        let lines = evidence
            .lines
            .iter()
            .filter(|l| {
                let t = l.trim_start();
                t.contains("Servers):")
                    || t.to_ascii_lowercase().contains("errors or mismatches")
                    || names
                        .iter()
                        .any(|n| t.split_whitespace().next() == Some(*n))
            })
            .cloned()
            .collect();
        let evidence = vec![Evidence::new(evidence.source.clone(), lines)];
        let finding = finding(
            Status::Fail,
            &bad,
            |bad| format!("replication is not healthy: {}", bad.join("; ")),
            "Stop: repair database replication (every node (2) Setup Completed) before changing certificates",
        )
        .or_else(|| {
            finding(
                Status::Warn,
                &queued,
                |queued| format!("replication queues not empty: {}", queued.join("; ")),
                "Run preflight again in a few minutes; a growing queue means replication is stuck",
            )
        });
        let pass = format!(
            "{} server(s), every one Y/Y/Y, (2) Setup Completed, queue 0",
            r.rows.len()
        );
        pass_unless(ID, TITLE, evidence, pass, finding)
    })
}

/// `backups` (§4 item 7, `cucm-interfaces.md` §6.4): `utils disaster_recovery history
/// backup` on the publisher.
///
/// | newest row (by completion date) | status |
/// |---|---|
/// | none | fail |
/// | not `SUCCESS` | fail |
/// | `SUCCESS`, completed more than `max_backup_age` ago (or undated) | fail |
/// | `SUCCESS` within `max_backup_age` | pass |
///
/// The completion date is read in the node's wall clock (its zone abbreviation is
/// ambiguous), so ages are accurate to the node's UTC offset.
pub fn backups(facts: &Facts, thresholds: &Thresholds) -> CheckResult {
    const ID: &str = "backups";
    const TITLE: &str = "A recent successful DRS backup";
    of_fact(ID, TITLE, &facts.backups, |history, evidence| {
        let evidence = vec![evidence.clone()];
        match newest_backup(history, facts.now, thresholds.max_backup_age_secs) {
            Ok(summary) => result(
                ID,
                TITLE,
                Status::Pass,
                summary,
                evidence,
                "Take another backup after the change (§5.7)",
            ),
            Err(summary) => result(
                ID,
                TITLE,
                Status::Fail,
                summary,
                evidence,
                "Stop: take a DRS backup that succeeds (the keys it holds are the only way back) and run preflight again",
            ),
        }
    })
}

/// The rule of [`backups`] on the DRS history at `now`: the summary of a pass, or of a
/// failure.
fn newest_backup(history: &BackupHistory, now: i64, max_age_secs: i64) -> Result<String, String> {
    let Some(newest) = history.newest() else {
        return Err("no backup in the DRS history".to_owned());
    };
    let name = newest.tar.as_deref().unwrap_or("(no tar name)");
    if newest.result != BackupResult::Success {
        let r = match &newest.result {
            BackupResult::Error => "ERROR".to_owned(),
            BackupResult::Other(s) => s.clone(),
            BackupResult::Success => "SUCCESS".to_owned(),
        };
        return Err(format!("the newest backup {name} ended {r}"));
    }
    let Some(done) = newest.completed.as_ref() else {
        return Err(format!("the newest backup {name} has no completion date"));
    };
    let age = now - done.unix_seconds_ignoring_zone();
    let days = |s: i64| s as f64 / 86_400.0;
    if age > max_age_secs {
        Err(format!(
            "the newest successful backup {name} is {:.1} days old (limit {:.1})",
            days(age),
            days(max_age_secs)
        ))
    } else {
        Ok(format!(
            "newest backup {name} SUCCESS, {:.1} days old",
            days(age.max(0))
        ))
    }
}

/// The services a node must run for the procedure, given its role.
fn required(service: Service, tftp: bool, publisher: bool, cm_member: bool) -> bool {
    match service {
        Service::Tftp => tftp,
        Service::Tvs | Service::CallManager => cm_member,
        Service::Tomcat => true,
        Service::Capf => publisher,
        _ => false,
    }
}

/// `services` (§4 item 11): Control Center status of every service on every node.
///
/// | facts | status |
/// |---|---|
/// | a service the node must run is not running: TFTP on TFTP nodes, CallManager and TVS on CallManager-group members (without the group query: nodes with CallManager activated), Tomcat everywhere, CAPF on the publisher | fail |
/// | any other activated service is not running (stopped, starting, unknown) | warn |
/// | services not activated or commanded out of service | not a fault |
/// | otherwise | pass |
pub fn services(facts: &Facts) -> CheckResult {
    const ID: &str = "services";
    const TITLE: &str = "Services running where the procedure needs them";
    // Members as the nodes are named (a CallManager named `CM_<node>` is that node).
    let names: Vec<String> = facts.nodes.iter().map(|n| n.name.clone()).collect();
    let members: BTreeSet<String> = match get(&facts.cm_group_members) {
        Ok((rows, _)) => CmGroup::from_rows(rows, &names)
            .into_iter()
            .flat_map(|g| g.members)
            .map(|m| m.to_ascii_lowercase())
            .collect(),
        Err(_) => BTreeSet::new(),
    };
    let per = PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.services,
        |node, list| {
            // Without the group query, a node that has CallManager activated counts as a member.
            let member = if members.is_empty() {
                list.iter().any(|s| {
                    s.service() == Some(Service::CallManager)
                        && s.status() != ServiceStatus::NotActivated
                })
            } else {
                members.contains(&node.name.to_ascii_lowercase())
            };
            let mut fails = Vec::new();
            let mut warns = Vec::new();
            for s in list {
                let status = s.status();
                if status.is_running() || status.is_intentional() {
                    continue;
                }
                let needed = s
                    .service()
                    .is_some_and(|k| required(k, node.tftp, node.publisher, member));
                let line = format!("{} {}", s.name, status.name());
                if needed {
                    fails.push(line);
                } else {
                    warns.push(line);
                }
            }
            for kind in [
                Service::Tftp,
                Service::Tvs,
                Service::CallManager,
                Service::Capf,
            ] {
                if required(kind, node.tftp, node.publisher, member)
                    && !list.iter().any(|s| s.service() == Some(kind))
                {
                    fails.push(format!("{} not listed", kind.control_center_name()));
                }
                if required(kind, node.tftp, node.publisher, member)
                    && list.iter().any(|s| {
                        s.service() == Some(kind) && s.status() == ServiceStatus::NotActivated
                    })
                {
                    fails.push(format!("{} not activated", kind.control_center_name()));
                }
            }
            if !fails.is_empty() {
                Some((Status::Fail, fails.join(", ")))
            } else if !warns.is_empty() {
                Some((Status::Warn, warns.join(", ")))
            } else {
                None
            }
        },
    );
    per.result_or_pass(
        ID,
        TITLE,
        || {
            format!(
                "every needed service runs on all {} node(s)",
                facts.nodes.len()
            )
        },
        |status| match status {
            Status::Fail => "Start these services (Control Center) before changing certificates",
            _ => "Check why these services are not running",
        },
    )
}

/// `fips` (hazard, `cucm-interfaces.md` §6.5): `utils fips status` on every node. `warn` on
/// a node in FIPS mode (enabling or disabling it regenerates seven certificates and the SSH
/// host key; key sizes and algorithms are restricted); `pass` when none is.
pub fn fips(facts: &Facts) -> CheckResult {
    const ID: &str = "fips";
    const TITLE: &str = "FIPS mode";
    PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.fips,
        |_, f| f.enabled.then(|| (Status::Warn, "FIPS mode".to_owned())),
    )
    .result_or_pass(
        ID,
        TITLE,
        || "no node is in FIPS mode".to_owned(),
        |status| match status {
            Status::Warn => {
                "Keep FIPS settings unchanged during the procedure; regenerated keys must meet FIPS sizes"
            }
            _ => "Check utils fips status by hand",
        },
    )
}

/// `ntp` (expert addition): `utils ntp status` on every node.
///
/// | facts | status |
/// |---|---|
/// | ntpd not running | fail |
/// | running but not synchronised | warn |
/// | synchronised | pass |
pub fn ntp(facts: &Facts) -> CheckResult {
    const ID: &str = "ntp";
    const TITLE: &str = "NTP synchronised on every node";
    PerNode::judge_nodes(
        &facts.nodes,
        |node| &node.ntp,
        |_, n| {
            if !n.running {
                Some((Status::Fail, "ntpd not running".to_owned()))
            } else if !n.synchronised {
                Some((Status::Warn, "not synchronised".to_owned()))
            } else {
                None
            }
        },
    )
    .result_or_pass(
        ID,
        TITLE,
        || "every node is synchronised".to_owned(),
        |_| "Fix time synchronisation first: certificate validity and phone downloads depend on it",
    )
}
