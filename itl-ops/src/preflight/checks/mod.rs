//! One pure function per check id, from [`Facts`] to a [`CheckResult`]; each states its rule
//! in its doc comment. [`run_checks`] runs them all in checklist order.
//!
//! A fact that is missing makes its check `skipped` when the reason is one the operator
//! chose (no OS credentials, no SSH address, a privilege the account lacks) and `fail`
//! otherwise (the node did not answer: a preflight that cannot see cannot pass).

mod certs;
mod cli;
mod hazards;
mod lists;
mod params;
mod phones;

use super::facts::{Fact, Facts, Missing, NodeFacts};
use super::report::{CheckResult, Evidence, Status};

pub use certs::{ca_signed, cert_expiry, cert_reuse, key_sizes, regeneration_losses};
pub use cli::{backups, db_replication, fips, ntp, services};
pub use hazards::{IMP_LEARNS, TRUNK_LEARNS, dependants, sso, upgrade};
pub use lists::{itl_size, served_itl_matches, show_ctl, show_itl};
pub use params::{
    callmanager_groups, lsc, mixed_mode, phone_interaction, rollback_parameter, version,
};
pub use phones::{phone_classes, phone_trust, registration};

/// The thresholds (each overridable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// `cert-expiry` warns when a certificate expires within this many seconds (30 days).
    pub cert_expiry_warn_secs: i64,
    /// `backups` fails when the newest backup is older than this many seconds (7 days).
    pub max_backup_age_secs: i64,
    /// Most phones named in a summary or evidence list.
    pub max_named_phones: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            cert_expiry_warn_secs: 30 * 86_400,
            max_backup_age_secs: 7 * 86_400,
            max_named_phones: 50,
        }
    }
}

/// Every check, in checklist order (`trust-and-procedure.md` §4, then the hazards): the 25
/// ids of [`CHECK_IDS`].
pub fn run_checks(facts: &Facts, thresholds: &Thresholds) -> Vec<CheckResult> {
    vec![
        rollback_parameter(facts),
        callmanager_groups(facts),
        lsc(facts),
        mixed_mode(facts),
        phone_trust(facts, thresholds),
        db_replication(facts),
        backups(facts, thresholds),
        show_ctl(facts),
        show_itl(facts),
        registration(facts, thresholds),
        services(facts),
        version(facts),
        phone_interaction(facts),
        key_sizes(facts),
        phone_classes(facts, thresholds),
        served_itl_matches(facts),
        fips(facts),
        cert_reuse(facts),
        ca_signed(facts),
        dependants(facts),
        sso(facts),
        itl_size(facts),
        cert_expiry(facts, thresholds),
        ntp(facts),
        upgrade(facts),
    ]
}

/// The check ids, in the order [`run_checks`] returns them.
pub const CHECK_IDS: [&str; 25] = [
    "rollback-parameter",
    "callmanager-groups",
    "lsc",
    "mixed-mode",
    "phone-trust",
    "db-replication",
    "backups",
    "show-ctl",
    "show-itl",
    "registration",
    "services",
    "version",
    "phone-interaction",
    "key-sizes",
    "phone-classes",
    "served-itl-matches",
    "fips",
    "cert-reuse",
    "ca-signed",
    "dependants",
    "sso",
    "itl-size",
    "cert-expiry",
    "ntp",
    "upgrade",
];

/// A result.
pub(crate) fn result(
    id: &str,
    title: &str,
    status: Status,
    summary: impl Into<String>,
    evidence: Vec<Evidence>,
    action: impl Into<String>,
) -> CheckResult {
    CheckResult {
        id: id.to_owned(),
        title: title.to_owned(),
        status,
        summary: summary.into(),
        evidence,
        action: action.into(),
    }
}

/// The evidence of a missing fact.
pub(crate) fn missing_evidence(m: &Missing) -> Evidence {
    Evidence::new(m.source.clone(), vec![m.reason.clone()])
}

/// What a missing fact makes of its check: `skipped` ("not checked") when the reason is one
/// the operator chose, else `fail` ("could not be read").
pub(crate) fn missing_status(m: &Missing) -> (Status, &'static str) {
    if m.skip {
        (Status::Skipped, "not checked")
    } else {
        (Status::Fail, "could not be read")
    }
}

/// A check whose fact is missing: `skipped` or `fail` (see the module documentation).
pub(crate) fn unavailable(id: &str, title: &str, m: &Missing) -> CheckResult {
    let (status, words) = missing_status(m);
    let action = if m.skip {
        "check it by hand, or give the access it needs and run preflight again"
    } else {
        "make the source answer and run preflight again"
    };
    result(
        id,
        title,
        status,
        format!("{words}: {}", m.reason),
        vec![missing_evidence(m)],
        action,
    )
}

/// A check that passes, saying `pass` (no action), unless `finding` (a status, summary and
/// action) says otherwise.
pub(crate) fn pass_unless(
    id: &str,
    title: &str,
    evidence: Vec<Evidence>,
    pass: String,
    finding: Option<(Status, String, &str)>,
) -> CheckResult {
    let (status, summary, action) = finding.unwrap_or((Status::Pass, pass, ""));
    result(id, title, status, summary, evidence, action)
}

/// What a check over a list of findings makes of it for [`pass_unless`]: nothing when `found`
/// is empty, else `status` with the summary `summary` gives of the list and `action`. Checks
/// with tiers (fail on one list, else warn on another) chain them with `or_else`.
pub(crate) fn finding<'a, T>(
    status: Status,
    found: &[T],
    summary: impl FnOnce(&[T]) -> String,
    action: &'a str,
) -> Option<(Status, String, &'a str)> {
    (!found.is_empty()).then(|| (status, summary(found), action))
}

/// A check of one fact: `judge` gets its value and evidence; a missing fact makes the check
/// [`unavailable`].
pub(crate) fn of_fact<T>(
    id: &str,
    title: &str,
    fact: &Fact<T>,
    judge: impl FnOnce(&T, &Evidence) -> CheckResult,
) -> CheckResult {
    match get(fact) {
        Ok((value, evidence)) => judge(value, evidence),
        Err(m) => unavailable(id, title, m),
    }
}

/// Values with the nodes that reported each, as `a on node1, node2; b on node3`.
pub(crate) fn on_nodes(groups: &std::collections::BTreeMap<String, Vec<&str>>) -> String {
    groups
        .iter()
        .map(|(value, nodes)| format!("{value} on {}", nodes.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Worst of several statuses (`fail` > `warn` > `skipped` > `info` > `pass`).
pub(crate) fn worst(statuses: impl IntoIterator<Item = Status>) -> Status {
    let rank = |s: Status| match s {
        Status::Pass => 0,
        Status::Info => 1,
        Status::Skipped => 2,
        Status::Warn => 3,
        Status::Fail => 4,
    };
    statuses
        .into_iter()
        .max_by_key(|s| rank(*s))
        .unwrap_or(Status::Pass)
}

/// Per-node facts of one kind (or the parts of one check) folded into one check: every
/// missing fact becomes evidence; the status of a node whose fact is missing is `skipped` or
/// `fail`.
pub(crate) struct PerNode {
    pub statuses: Vec<Status>,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<String>,
}

impl PerNode {
    pub(crate) fn new() -> Self {
        Self {
            statuses: Vec::new(),
            evidence: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Records a missing fact of `node`.
    pub(crate) fn missing(&mut self, node: &str, m: &Missing) {
        let (_, words) = missing_status(m);
        self.missing_with(m, format!("{node}: {words}: {}", m.reason));
    }

    /// Records a missing fact with `note` saying what is missing.
    pub(crate) fn missing_with(&mut self, m: &Missing, note: String) {
        self.statuses.push(missing_status(m).0);
        self.evidence.push(missing_evidence(m));
        self.notes.push(note);
    }

    /// Every node's `fact` judged by `judge` (see [`PerNode::judge`]), a missing one recorded
    /// as missing.
    pub(crate) fn judge_nodes<T>(
        nodes: &[NodeFacts],
        fact: impl Fn(&NodeFacts) -> &Fact<T>,
        mut judge: impl FnMut(&NodeFacts, &T) -> Option<(Status, String)>,
    ) -> Self {
        let mut per = Self::new();
        for node in nodes {
            per.judge(&node.name, fact(node), |value| judge(node, value));
        }
        per
    }

    /// Every TFTP node's `fact` (`None`: not gathered there, left out) judged by `judge` into
    /// a status and a note, which is prefixed with the node's name and kept whether it passes
    /// or not; a missing one recorded as missing.
    pub(crate) fn judge_tftp_nodes<'n, T: 'n>(
        nodes: &'n [NodeFacts],
        fact: impl Fn(&'n NodeFacts) -> Option<&'n Fact<T>>,
        mut judge: impl FnMut(&'n NodeFacts, &'n T) -> (Status, String),
    ) -> Self {
        let mut per = Self::new();
        for node in nodes.iter().filter(|n| n.tftp) {
            let Some(fact) = fact(node) else { continue };
            match get(fact) {
                Ok((value, evidence)) => {
                    let (status, note) = judge(node, value);
                    per.judged(
                        status,
                        evidence.clone(),
                        Some(format!("{}: {note}", node.name)),
                    );
                }
                Err(m) => per.missing(&node.name, m),
            }
        }
        per
    }

    /// `node`'s `fact` judged by `judge`: what is wrong with it (a status and a note, which
    /// is prefixed with the node's name), `None` when it passes; or recorded as missing.
    pub(crate) fn judge<T>(
        &mut self,
        node: &str,
        fact: &Fact<T>,
        judge: impl FnOnce(&T) -> Option<(Status, String)>,
    ) {
        match get(fact) {
            Ok((value, evidence)) => {
                let (status, note) = match judge(value) {
                    Some((status, note)) => (status, Some(format!("{node}: {note}"))),
                    None => (Status::Pass, None),
                };
                self.judged(status, evidence.clone(), note);
            }
            Err(m) => self.missing(node, m),
        }
    }

    /// Records a judged node.
    pub(crate) fn judged(&mut self, status: Status, evidence: Evidence, note: Option<String>) {
        self.statuses.push(status);
        self.evidence.push(evidence);
        if let Some(n) = note {
            self.notes.push(n);
        }
    }

    pub(crate) fn status(&self) -> Status {
        worst(self.statuses.iter().copied())
    }

    /// The check's result: when every node passed, `pass` as its summary and no action;
    /// otherwise the worst status, the nodes' notes as its summary and `action` of that
    /// status; the nodes' evidence either way.
    pub(crate) fn result_or_pass(
        self,
        id: &str,
        title: &str,
        pass: impl FnOnce() -> String,
        action: impl FnOnce(Status) -> &'static str,
    ) -> CheckResult {
        let status = self.status();
        let (summary, action) = match status {
            Status::Pass => (pass(), ""),
            _ => (self.notes.join("; "), action(status)),
        };
        result(id, title, status, summary, self.evidence, action)
    }

    /// The check's result: the worst status, the nodes' notes as its summary, their
    /// evidence, and `action` of that status.
    pub(crate) fn result(
        self,
        id: &str,
        title: &str,
        action: impl FnOnce(Status) -> &'static str,
    ) -> CheckResult {
        let status = self.status();
        result(
            id,
            title,
            status,
            self.notes.join("; "),
            self.evidence,
            action(status),
        )
    }
}

/// The value of a fact or the missing reason.
pub(crate) fn get<T>(fact: &Fact<T>) -> Result<(&T, &Evidence), &Missing> {
    match fact {
        Ok(o) => Ok((&o.value, &o.evidence)),
        Err(m) => Err(m),
    }
}

#[cfg(test)]
mod tests;
