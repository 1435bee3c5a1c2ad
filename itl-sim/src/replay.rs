//! Replays a plan ([`itl_core::plan::Plan`]) on a simulated cluster and records what every
//! phone actually did at every step, then after a final phase in which every phone is powered
//! on and downloads once more. No prediction runs here: only the model's change API
//! ([`Cluster::regenerate`], [`Cluster::restart_service`], [`Cluster::stop_service`],
//! [`Cluster::start_service`], [`Cluster::delete_trust_certificate`], [`Cluster::ctl_update`],
//! [`Cluster::itl_reset_localkey`], [`Cluster::ctl_reset_localkey`],
//! [`Cluster::reset_phones`], [`Cluster::power`]) and the trust oracle the phones use
//! ([`Verdict::of`] over each phone's [`LastDownload`]), so that a predictor's answers can be
//! compared with it phone by phone.
//!
//! # Steps
//!
//! | plan step | model calls |
//! |---|---|
//! | `regen <unit> @<node>` | [`Cluster::regenerate`] on that node (error when it lacks the unit) |
//! | `regen <unit> @all` | [`Cluster::regenerate`] on every node that holds the unit, publisher first |
//! | `ctl update` | [`Cluster::ctl_update`] (error when the cluster is not mixed) |
//! | `itl reset localkey` | [`Cluster::itl_reset_localkey`]: every TFTP node's ITL rebuilt and signed with the other SAST key (12+/14+: the node's CallManager; 11.5: its ITLRecovery) until TFTP restarts there |
//! | `ctl reset localkey` | [`Cluster::ctl_reset_localkey`]: the CTL rebuilt and signed with the publisher's other SAST key (12+/14+: CallManager; 11.5: ITLRecovery) until the next `ctl update` (error when the cluster is not mixed) |
//! | `restart <service> @<node\|all>` | [`Cluster::restart_service`] on the node / every node running it |
//! | `stop <service> @<node\|all>` | [`Cluster::stop_service`] on the node / every node running it (a stopped TFTP answers no phone, a stopped TVS vouches for nothing, a stopped CallManager sends its phones to the next member of their group) |
//! | `start <service> @<node\|all>` | [`Cluster::start_service`] (as a restart) |
//! | `reset phones [@<pool>]` | [`Cluster::reset_phones`] (all phones or the pool's, [`ResetKind::Reset`]) |
//! | `gate registered` | nothing (the model is instantaneous); the registration count is recorded |
//! | `gate services\|files\|trust`, `wait <duration>` | nothing (the model is instantaneous) |
//! | `ipsec restart @<node\|all>` | nothing (ipsec is in no trust list); checks the node names |
//! | `delete old-trust @<node\|all>` | [`Cluster::delete_trust_certificate`] on the node(s) for every trust-store entry whose certificate some node has retired (replaced) since the cluster was built: its TVS no longer vouches for them |
//! | `reissue lsc [@<pool>]` | nothing (the model's LSCs carry no issuer generation); checks the pool name |
//! | `backup` | nothing |
//!
//! Node and device-pool names match case-insensitively. A step that cannot be applied is a
//! [`ReplayError::Step`] naming its plan line.
//!
//! # Actions
//!
//! Before each model call the replay notes every phone's `last_download.at`; a phone whose
//! download time changed downloaded during the call (resets asked by the plan, and the
//! automatic resets of 14+ on certificate changes). Its action is the [`Verdict`] of that
//! download folded to one word: `accepted` (`accept`, `accept-via-tvs`), `rejected`
//! (`reject`), `unaffected`, `missed` (it could not reach its TFTP server) or `unknown` (the
//! oracle could not tell; not expected in a simulation). A phone that did not download but
//! was among the phones a reset addressed while powered off `missed` it; every other phone is
//! `unaffected`. When a step makes a phone download more than once (`regen … @all` on 14+),
//! the worst download counts (reject > unknown > missed > accept-via-tvs > accept >
//! unaffected; the later one on a tie) and its outcomes are recorded.
//!
//! The final phase resets every phone that is on ([`ResetKind::Reset`]) and powers on every
//! phone that is off ([`Cluster::power`]: a boot, i.e. its download), so each phone downloads
//! exactly once; it records each phone's action, verdict, outcomes, registration and the
//! SHA-1 of the ITL and CTL it then holds.
//!
//! The replay switches the cluster to the logical clock ([`ClockMode::Logical`]) so that every
//! reset has its own model time and the result depends only on the cluster and the plan.
//!
//! # JSON
//!
//! [`Replay`] serialises (serde) as:
//!
//! ```text
//! {
//!   "cluster": {"name": "sim", "generation": "11.5", "mixed": false, "nodes": 2,
//!               "phones": 40, "seed": 7, "faults": "powered-off=5%", "key_bits": 1024},
//!   "plan": ["regen CallManager @ucm-pub", "restart TFTP @ucm-pub", "reset phones"],
//!   "steps": [
//!     {"index": 1, "line": 2, "step": "regen CallManager @ucm-pub",
//!      "counts": {"accepted": 0, "rejected": 0, "unaffected": 40, "missed": 0, "unknown": 0},
//!      "messages": ["ucm-pub: Successfully Regenerated Certificate for CallManager.", "..."]}
//!   ],
//!   "phones": [
//!     {"name": "SEP001BD4000001", "address": "127.1.0.1", "device_pool": "DP-1",
//!      "tftp_server": "ucm-pub", "powered_at_start": true,
//!      "actions": ["unaffected", "unaffected", "accepted"],
//!      "verdicts": ["unaffected", "unaffected", "accept-via-tvs"],
//!      "outcomes": [null, null,
//!        {"ctl": "NO_CHANGE", "ctl_detail": "NO_CHANGE: …",
//!         "itl": "ACCEPT_TVS", "itl_detail": "ACCEPT_TVS via ucm-pub: …", "itl_via": "ucm-pub",
//!         "config": "ACCEPT", "config_detail": "ACCEPT: …",
//!         "registration": null, "registration_detail": null}],
//!      "final": {"action": "unaffected", "verdict": "unaffected",
//!                "ctl": "NO_CHANGE", "ctl_detail": "…", "itl": "NO_CHANGE", "itl_detail": "…",
//!                "itl_via": null, "config": "ACCEPT", "config_detail": "…",
//!                "registration": null, "registration_detail": null,
//!                "registered": true, "itl_sha1": "3f7a…", "ctl_sha1": null}}
//!   ],
//!   "final_counts": {"accepted": 0, "rejected": 0, "unaffected": 40, "missed": 0, "unknown": 0}
//! }
//! ```
//!
//! * `plan` and `steps[].step` are the canonical step texts ([`Step`]'s `Display`);
//!   `steps[].line` is the plan-file line (0 for plans built in code).
//! * `actions`, `verdicts` and `outcomes` have one entry per step. `outcomes[i]` is `null`
//!   when the phone did not download in step `i`; otherwise the labels of the CTL, ITL,
//!   config and TLS-registration outcomes (`ACCEPT`, `ACCEPT_TVS`, `NO_CHANGE`, `REJECT`,
//!   `REJECT_NO_ITL`, `MISSED`, `BLOCKED`…; `config`/`registration` `null` when not
//!   evaluated), each with its `_detail` (the outcome with its reason chain) and `itl_via`,
//!   the TVS node that vouched for the ITL's signer.
//! * `final`: the same outcome fields for the final download (absent if the phone somehow did
//!   not download), `registered`, and `itl_sha1` / `ctl_sha1`, the lower-case hex SHA-1 of
//!   the files the phone holds at the end (`null` when it holds none, e.g. after
//!   `REJECT_NO_ITL`).

use itl_core::cucm::{CertUnit, ClusterSecurityMode, Service};
use std::fmt;

use itl_core::plan::{GateKind, Plan, Step, Target, format_duration};
use itl_core::trust::{Outcome, OutcomeKind, Verdict};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::model::{
    ChangeReport, ClockMode, Cluster, PhoneSelector, ResetKind, ResetReport, ServiceOp, TrustStore,
};
use crate::phone::LastDownload;

/// What a phone did in one step, in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// It downloaded and installed a new CTL or ITL (`accept` or `accept-via-tvs`).
    Accepted,
    /// It downloaded and refused a file, lost its ITL, or was refused its config or TLS
    /// registration (`reject`).
    Rejected,
    /// It did not download, or downloaded the files it already held.
    Unaffected,
    /// A reset addressed it while it was powered off, or it could not reach its TFTP server.
    Missed,
    /// The oracle could not tell (`unknown`).
    Unknown,
}

impl Action {
    /// Every action, in report order.
    pub const ALL: [Action; 5] = [
        Action::Accepted,
        Action::Rejected,
        Action::Unaffected,
        Action::Missed,
        Action::Unknown,
    ];

    /// The action a download's verdict stands for.
    pub fn of(verdict: Verdict) -> Action {
        match verdict {
            Verdict::Accept | Verdict::AcceptViaTvs => Action::Accepted,
            Verdict::Reject => Action::Rejected,
            Verdict::Unaffected => Action::Unaffected,
            Verdict::Missed => Action::Missed,
            Verdict::Unknown => Action::Unknown,
        }
    }

    /// The report name (`accepted`, `rejected`, `unaffected`, `missed`, `unknown`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Accepted => "accepted",
            Action::Rejected => "rejected",
            Action::Unaffected => "unaffected",
            Action::Missed => "missed",
            Action::Unknown => "unknown",
        }
    }
}

itl_core::named!(Action, name);

/// Phones per action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// `accepted` phones.
    pub accepted: usize,
    /// `rejected` phones.
    pub rejected: usize,
    /// `unaffected` phones.
    pub unaffected: usize,
    /// `missed` phones.
    pub missed: usize,
    /// `unknown` phones.
    pub unknown: usize,
}

impl Counts {
    /// Counts one phone.
    pub fn add(&mut self, action: Action) {
        *self.slot(action) += 1;
    }

    /// The count of one action.
    pub fn get(&self, action: Action) -> usize {
        match action {
            Action::Accepted => self.accepted,
            Action::Rejected => self.rejected,
            Action::Unaffected => self.unaffected,
            Action::Missed => self.missed,
            Action::Unknown => self.unknown,
        }
    }

    fn slot(&mut self, action: Action) -> &mut usize {
        match action {
            Action::Accepted => &mut self.accepted,
            Action::Rejected => &mut self.rejected,
            Action::Unaffected => &mut self.unaffected,
            Action::Missed => &mut self.missed,
            Action::Unknown => &mut self.unknown,
        }
    }

    /// All phones counted.
    pub fn total(&self) -> usize {
        Action::ALL.iter().map(|&a| self.get(a)).sum()
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accepted, {} rejected, {} unaffected, {} missed",
            self.accepted, self.rejected, self.unaffected, self.missed
        )?;
        if self.unknown > 0 {
            write!(f, ", {} unknown", self.unknown)?;
        }
        Ok(())
    }
}

/// The cluster a replay ran on (what decides it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInfo {
    /// Cluster name.
    pub name: String,
    /// CUCM generation (`11.5`, `12+`, `14+`).
    pub generation: String,
    /// Mixed mode at the start.
    pub mixed: bool,
    /// Number of nodes.
    pub nodes: usize,
    /// Number of phones.
    pub phones: usize,
    /// The seed.
    pub seed: u64,
    /// The fault spec (`powered-off=5%`…; empty when none).
    pub faults: String,
    /// RSA key size of new identities.
    pub key_bits: usize,
}

/// One replayed step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// 1-based position in the plan.
    pub index: usize,
    /// Plan-file line (0 for steps built in code).
    pub line: usize,
    /// Canonical step text.
    pub step: String,
    /// Phones per action in this step.
    pub counts: Counts,
    /// What the model reported (per node, and the resets).
    pub messages: Vec<String>,
}

/// The outcomes of one download, as labels and full texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    /// CTL outcome label (`NO_CHANGE`, `ACCEPT`…).
    pub ctl: String,
    /// The CTL outcome with its reason chain.
    pub ctl_detail: String,
    /// ITL outcome label (`ACCEPT_TVS`, `REJECT`…).
    pub itl: String,
    /// The ITL outcome with its reason chain (`ACCEPT_TVS via ucm-pub: …`).
    pub itl_detail: String,
    /// The TVS node that vouched for the ITL's signer (`ACCEPT_TVS` only).
    pub itl_via: Option<String>,
    /// Config-file outcome label, when evaluated.
    pub config: Option<String>,
    /// The config outcome with its reason chain.
    pub config_detail: Option<String>,
    /// TLS-registration outcome label (TLS-profile phones).
    pub registration: Option<String>,
    /// The registration outcome with its reason chain.
    pub registration_detail: Option<String>,
}

impl Outcomes {
    /// The labels and texts of one download.
    pub fn of(download: &LastDownload) -> Self {
        let label = |o: &Outcome| o.label().to_owned();
        let detail = |o: &Outcome| o.to_string();
        Self {
            ctl: label(&download.ctl),
            ctl_detail: detail(&download.ctl),
            itl: label(&download.itl),
            itl_detail: detail(&download.itl),
            itl_via: match &download.itl.kind {
                OutcomeKind::AcceptTvs { via } => Some(via.to_string()),
                _ => None,
            },
            config: download.config.as_ref().map(label),
            config_detail: download.config.as_ref().map(detail),
            registration: download.registration.as_ref().map(label),
            registration_detail: download.registration.as_ref().map(detail),
        }
    }
}

/// A phone at the end of the replay (after the final power-on and reset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalRecord {
    /// What the final download did.
    pub action: Action,
    /// Its verdict.
    pub verdict: Verdict,
    /// Its outcomes (flattened into this object).
    #[serde(flatten)]
    pub outcomes: Option<Outcomes>,
    /// Registered at the end.
    pub registered: bool,
    /// SHA-1 (lower-case hex) of the ITL it holds, if any.
    pub itl_sha1: Option<String>,
    /// SHA-1 (lower-case hex) of the CTL it holds, if any.
    pub ctl_sha1: Option<String>,
}

/// One phone through the replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneRecord {
    /// Device name.
    pub name: String,
    /// Loopback address.
    pub address: String,
    /// Device pool name.
    pub device_pool: String,
    /// Its TFTP server (node name).
    pub tftp_server: String,
    /// Powered on before the first step.
    pub powered_at_start: bool,
    /// One action per step.
    pub actions: Vec<Action>,
    /// One verdict per step.
    pub verdicts: Vec<Verdict>,
    /// One entry per step: the outcomes of its download, `None` when it did not download.
    pub outcomes: Vec<Option<Outcomes>>,
    /// After the plan, every phone on and reset once.
    #[serde(rename = "final")]
    pub final_: FinalRecord,
}

/// A whole replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// The cluster.
    pub cluster: ClusterInfo,
    /// The plan, one canonical step text per step.
    pub plan: Vec<String>,
    /// The steps.
    pub steps: Vec<StepRecord>,
    /// Every phone, in fleet order.
    pub phones: Vec<PhoneRecord>,
    /// Phones per final action.
    pub final_counts: Counts,
}

/// Why one step could not be applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StepErrorKind {
    /// No node has that name.
    #[error("no node named {node:?} (nodes: {})", nodes.join(", "))]
    UnknownNode {
        /// The name in the plan.
        node: String,
        /// The cluster's nodes.
        nodes: Vec<String>,
    },
    /// The named node does not hold that certificate unit.
    #[error("node {node} has no {unit} certificate")]
    NoSuchUnit {
        /// The node.
        node: String,
        /// The unit.
        unit: String,
    },
    /// The named node does not run that service.
    #[error("node {node} does not run {service}")]
    NoSuchService {
        /// The node.
        node: String,
        /// The service.
        service: String,
    },
    /// `@all` found no node at all.
    #[error("no node has {0}")]
    NoTarget(String),
    /// `ctl update` on a cluster that is not in mixed mode.
    #[error("the cluster is not in mixed mode: there is no CTL to update")]
    NotMixed,
    /// `ctl reset localkey` on a cluster that is not in mixed mode.
    #[error("the cluster is not in mixed mode: there is no CTL to reset")]
    NotMixedReset,
    /// No device pool has that name.
    #[error("no device pool named {pool:?} (pools: {})", pools.join(", "))]
    UnknownDevicePool {
        /// The name in the plan.
        pool: String,
        /// The cluster's pools.
        pools: Vec<String>,
    },
    /// The model refused the change.
    #[error("{0}")]
    Model(SimError),
}

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// A step could not be applied.
    #[error("line {line}: {step}: {kind}")]
    Step {
        /// The plan line.
        line: usize,
        /// The canonical step text.
        step: String,
        /// Why.
        kind: Box<StepErrorKind>,
    },
    /// The final power-on and reset failed.
    #[error("final phase (power on and reset every phone): {0}")]
    Final(#[source] SimError),
}

impl ReplayError {
    /// The plan line of a failed step.
    pub fn line(&self) -> Option<usize> {
        match self {
            ReplayError::Step { line, .. } => Some(*line),
            ReplayError::Final(_) => None,
        }
    }

    /// The message without the line prefix (for `PLAN:line: message` output).
    pub fn message(&self) -> String {
        match self {
            ReplayError::Step { step, kind, .. } => format!("{step}: {kind}"),
            ReplayError::Final(e) => format!("final phase (power on and reset every phone): {e}"),
        }
    }
}

/// Which phones a model call reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ResetScope {
    /// None.
    Nobody,
    /// Every phone.
    All,
    /// The phones of one device pool (index).
    Pool(usize),
}

/// One model call of a step.
enum Call {
    Regen {
        node: String,
        unit: CertUnit,
    },
    /// A restart, stop or start of `service` on `node`.
    Service {
        node: String,
        service: Service,
        op: ServiceOp,
    },
    CtlUpdate,
    ItlResetLocalkey,
    CtlResetLocalkey,
    DeleteOldTrust {
        node: String,
    },
    Reset {
        pool: Option<(usize, String)>,
    },
    Wait,
    /// A step with no effect on the model, and what it says.
    Nothing(String),
}

/// What happened to one phone within one step (or the final phase).
#[derive(Clone, Debug, Default)]
struct PhoneStep {
    /// The worst download so far: its verdict and outcomes.
    download: Option<(Verdict, Outcomes)>,
    /// A reset addressed the phone.
    addressed: bool,
}

impl PhoneStep {
    fn record(&mut self, download: &LastDownload) {
        let verdict = Verdict::of(
            &download.ctl,
            &download.itl,
            download.config.as_ref(),
            download.registration.as_ref(),
        );
        let worse = self
            .download
            .as_ref()
            .is_none_or(|(v, _)| verdict.severity() >= v.severity());
        if worse {
            self.download = Some((verdict, Outcomes::of(download)));
        }
    }

    /// The action, verdict and outcomes; `powered` is the phone's power at the end.
    fn conclude(self, powered: bool) -> (Action, Verdict, Option<Outcomes>) {
        match self.download {
            Some((verdict, outcomes)) => (Action::of(verdict), verdict, Some(outcomes)),
            None if self.addressed && !powered => (Action::Missed, Verdict::Missed, None),
            None => (Action::Unaffected, Verdict::Unaffected, None),
        }
    }
}

/// Every phone's latest download time.
fn download_times(cluster: &Cluster) -> Vec<Option<u64>> {
    cluster
        .phones()
        .iter()
        .map(|p| p.last_download.as_ref().map(|d| d.at))
        .collect()
}

/// Records the downloads made since `before` and which phones `scope` addressed, then moves
/// `before` to now.
fn observe(
    cluster: &Cluster,
    before: &mut [Option<u64>],
    scope: ResetScope,
    acc: &mut [PhoneStep],
) {
    for (i, phone) in cluster.phones().iter().enumerate() {
        let at = phone.last_download.as_ref().map(|d| d.at);
        if at != before[i]
            && let Some(download) = &phone.last_download
        {
            acc[i].record(download);
        }
        before[i] = at;
        acc[i].addressed |= match scope {
            ResetScope::Nobody => false,
            ResetScope::All => true,
            ResetScope::Pool(pool) => phone.device_pool == pool,
        };
    }
}

fn find_node(cluster: &Cluster, name: &str) -> Result<String, StepErrorKind> {
    cluster
        .nodes()
        .iter()
        .find(|n| n.name.eq_ignore_ascii_case(name))
        .map(|n| n.name.clone())
        .ok_or_else(|| StepErrorKind::UnknownNode {
            node: name.to_owned(),
            nodes: cluster.nodes().iter().map(|n| n.name.clone()).collect(),
        })
}

/// The device pool named `name` (index, exact name); `None` for every phone.
fn find_pool(
    cluster: &Cluster,
    name: Option<&str>,
) -> Result<Option<(usize, String)>, StepErrorKind> {
    let Some(name) = name else {
        return Ok(None);
    };
    let pools = cluster.device_pools();
    let index = pools
        .iter()
        .position(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| StepErrorKind::UnknownDevicePool {
            pool: name.to_owned(),
            pools: pools.iter().map(|p| p.name.clone()).collect(),
        })?;
    Ok(Some((index, pools[index].name.clone())))
}

/// The nodes of `target` that run `service` (error when a named node does not, or none
/// does).
/// `op` of `service` on each node of `target` that runs it.
fn service_calls(
    cluster: &Cluster,
    service: Service,
    target: &Target,
    op: ServiceOp,
) -> Result<Vec<Call>, StepErrorKind> {
    Ok(service_nodes(cluster, service, target)?
        .into_iter()
        .map(|node| Call::Service { node, service, op })
        .collect())
}

fn service_nodes(
    cluster: &Cluster,
    kind: Service,
    target: &Target,
) -> Result<Vec<String>, StepErrorKind> {
    match target {
        Target::Node(name) => {
            let node = find_node(cluster, name)?;
            if !cluster.node(&node).is_some_and(|n| n.runs(kind)) {
                return Err(StepErrorKind::NoSuchService {
                    node,
                    service: kind.to_string(),
                });
            }
            Ok(vec![node])
        }
        Target::All => {
            let nodes: Vec<String> = cluster
                .nodes()
                .iter()
                .filter(|n| n.runs(kind))
                .map(|n| n.name.clone())
                .collect();
            if nodes.is_empty() {
                return Err(StepErrorKind::NoTarget(format!("{kind} activated")));
            }
            Ok(nodes)
        }
    }
}

/// The nodes of `target` (every node for `@all`).
fn every_node(cluster: &Cluster, target: &Target) -> Result<Vec<String>, StepErrorKind> {
    match target {
        Target::Node(name) => Ok(vec![find_node(cluster, name)?]),
        Target::All => Ok(cluster.nodes().iter().map(|n| n.name.clone()).collect()),
    }
}

/// `delete old-trust` on `node`: every trust-store entry whose certificate some node has
/// retired.
fn delete_old_trust(
    cluster: &mut Cluster,
    node: &str,
    messages: &mut Vec<String>,
) -> Result<(), SimError> {
    let retired: Vec<[u8; 32]> = cluster
        .nodes()
        .iter()
        .flat_map(|n| n.retired.iter().map(|id| id.sha256()))
        .collect();
    let doomed: Vec<(TrustStore, String)> = cluster
        .node(node)
        .map(|n| {
            n.trust
                .iter()
                .flat_map(|(store, entries)| {
                    entries
                        .iter()
                        .map(|e| e.identity.sha256())
                        .filter(|h| retired.contains(h))
                        .map(|h| (*store, hex::encode(h)))
                })
                .collect()
        })
        .unwrap_or_default();
    for (store, id) in &doomed {
        let report = cluster.delete_trust_certificate(node, *store, id)?;
        messages.extend(report.messages);
    }
    messages.push(format!(
        "{node}: {} replaced trust certificate(s) deleted",
        doomed.len()
    ));
    Ok(())
}

/// The model calls of one step, checked against the cluster.
fn calls_of(cluster: &Cluster, step: &Step) -> Result<Vec<Call>, StepErrorKind> {
    Ok(match step {
        Step::Regen { unit, target } => {
            let unit = *unit;
            let nodes = match target {
                Target::Node(name) => {
                    let node = find_node(cluster, name)?;
                    let has = cluster
                        .node(&node)
                        .is_some_and(|n| n.identity(unit).is_some());
                    if !has {
                        return Err(StepErrorKind::NoSuchUnit {
                            node,
                            unit: unit.name().to_owned(),
                        });
                    }
                    vec![node]
                }
                Target::All => {
                    let nodes: Vec<String> = cluster
                        .nodes()
                        .iter()
                        .filter(|n| n.identity(unit).is_some())
                        .map(|n| n.name.clone())
                        .collect();
                    if nodes.is_empty() {
                        return Err(StepErrorKind::NoTarget(format!(
                            "a {} certificate",
                            unit.name()
                        )));
                    }
                    nodes
                }
            };
            nodes
                .into_iter()
                .map(|node| Call::Regen { node, unit })
                .collect()
        }
        Step::Restart { service, target } => {
            service_calls(cluster, *service, target, ServiceOp::Restart)?
        }
        Step::Stop { service, target } => {
            service_calls(cluster, *service, target, ServiceOp::Stop)?
        }
        Step::Start { service, target } => {
            service_calls(cluster, *service, target, ServiceOp::Start)?
        }
        Step::IpsecRestart { target } => every_node(cluster, target)?
            .into_iter()
            .map(|node| Call::Nothing(format!("{node}: ipsec restarted (no trust list changes)")))
            .collect(),
        Step::DeleteOldTrust { target } => every_node(cluster, target)?
            .into_iter()
            .map(|node| Call::DeleteOldTrust { node })
            .collect(),
        Step::CtlUpdate => {
            if cluster.settings().security_mode != ClusterSecurityMode::Mixed {
                return Err(StepErrorKind::NotMixed);
            }
            vec![Call::CtlUpdate]
        }
        Step::ResetPhones { device_pool } => vec![Call::Reset {
            pool: find_pool(cluster, device_pool.as_deref())?,
        }],
        Step::ReissueLsc { device_pool } => {
            let pool = find_pool(cluster, device_pool.as_deref())?;
            let holders = cluster
                .phones()
                .iter()
                .filter(|p| p.lsc.is_some())
                .filter(|p| pool.as_ref().is_none_or(|(i, _)| p.device_pool == *i))
                .count();
            vec![Call::Nothing(format!(
                "reissue lsc: {holders} phone(s) hold an LSC (the model keeps no issuer: nothing changes)"
            ))]
        }
        Step::Gate(GateKind::Registered) => vec![Call::Wait],
        Step::Gate(kind) => vec![Call::Nothing(format!(
            "gate {kind}: instantaneous in the model"
        ))],
        Step::Wait { seconds } => vec![Call::Nothing(format!(
            "wait {}: instantaneous in the model",
            format_duration(*seconds)
        ))],
        Step::Backup => vec![Call::Nothing("backup: nothing changes in the model".into())],
        Step::ItlResetLocalkey => vec![Call::ItlResetLocalkey],
        Step::CtlResetLocalkey => {
            if cluster.settings().security_mode != ClusterSecurityMode::Mixed {
                return Err(StepErrorKind::NotMixedReset);
            }
            vec![Call::CtlResetLocalkey]
        }
    })
}

fn change_messages(node: &str, report: &ChangeReport, messages: &mut Vec<String>) -> ResetScope {
    // Some model messages already name their node (`ucm-pub: TVS restarted`).
    messages.extend(report.messages.iter().map(|m| {
        if m.starts_with(&format!("{node}: ")) {
            m.clone()
        } else {
            format!("{node}: {m}")
        }
    }));
    messages.extend(
        report
            .rebuilt_itls
            .iter()
            .map(|n| format!("{n}: ITL rebuilt")),
    );
    match &report.reset {
        Some(reset) => {
            messages.push(format!("automatic phone reset: {reset}"));
            ResetScope::All
        }
        None => ResetScope::Nobody,
    }
}

fn reset_message(what: &str, report: &ResetReport) -> String {
    format!("{what}: {report}")
}

/// Applies one model call; returns which phones it reset.
fn apply(
    cluster: &mut Cluster,
    call: &Call,
    messages: &mut Vec<String>,
) -> Result<ResetScope, SimError> {
    Ok(match call {
        Call::Regen { node, unit } => {
            let report = cluster.regenerate(node, *unit)?;
            change_messages(node, &report, messages)
        }
        Call::Service { node, service, op } => match op {
            ServiceOp::Restart => {
                let report = cluster.restart_service(node, *service)?;
                change_messages(node, &report, messages)
            }
            ServiceOp::Stop => {
                cluster.stop_service(node, *service)?;
                messages.push(format!("{node}: {service} stopped"));
                ResetScope::Nobody
            }
            ServiceOp::Start => {
                let report = cluster.start_service(node, *service)?;
                change_messages(node, &report, messages)
            }
        },
        Call::DeleteOldTrust { node } => {
            delete_old_trust(cluster, node, messages)?;
            ResetScope::Nobody
        }
        Call::Nothing(message) => {
            messages.push(message.clone());
            ResetScope::Nobody
        }
        Call::CtlUpdate => {
            let report = cluster.ctl_update()?;
            let publisher = cluster.publisher().name.clone();
            change_messages(&publisher, &report, messages)
        }
        Call::ItlResetLocalkey => {
            let report = cluster.itl_reset_localkey()?;
            let publisher = cluster.publisher().name.clone();
            change_messages(&publisher, &report, messages)
        }
        Call::CtlResetLocalkey => {
            let report = cluster.ctl_reset_localkey()?;
            let publisher = cluster.publisher().name.clone();
            change_messages(&publisher, &report, messages)
        }
        Call::Reset { pool: None } => {
            let report = cluster.reset_phones(&PhoneSelector::All, ResetKind::Reset)?;
            messages.push(reset_message("reset phones", &report));
            ResetScope::All
        }
        Call::Reset {
            pool: Some((index, name)),
        } => {
            let selector = PhoneSelector::DevicePool(name.clone());
            let report = cluster.reset_phones(&selector, ResetKind::Reset)?;
            messages.push(reset_message(&format!("reset phones @{name}"), &report));
            ResetScope::Pool(*index)
        }
        Call::Wait => {
            let phones = cluster.phones();
            let on = phones.iter().filter(|p| p.powered).count();
            let registered = phones.iter().filter(|p| p.powered && p.registered).count();
            messages.push(format!(
                "{registered} of {on} powered phones registered; {} powered off",
                phones.len() - on
            ));
            ResetScope::Nobody
        }
    })
}

/// What a cluster is.
fn cluster_info(cluster: &Cluster) -> ClusterInfo {
    ClusterInfo {
        name: cluster.name().to_owned(),
        generation: cluster.settings().generation.name().to_owned(),
        mixed: cluster.settings().security_mode == ClusterSecurityMode::Mixed,
        nodes: cluster.nodes().len(),
        phones: cluster.phones().len(),
        seed: cluster.seed(),
        faults: cluster.faults().to_string(),
        key_bits: cluster.key_bits(),
    }
}

/// Replays `plan` on `cluster` (which it changes) and records what every phone did at every
/// step and after the final phase (every phone on and reset once). See the module docs.
pub fn replay(cluster: &mut Cluster, plan: &Plan) -> Result<Replay, ReplayError> {
    cluster.set_clock_mode(ClockMode::Logical);
    let info = cluster_info(cluster);
    let steps_total = plan.steps().len();
    let mut phones: Vec<PhoneRecord> = cluster
        .phones()
        .iter()
        .map(|p| PhoneRecord {
            name: p.name.clone(),
            address: p.address.to_string(),
            device_pool: cluster
                .device_pools()
                .get(p.device_pool)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            tftp_server: cluster
                .nodes()
                .get(p.tftp_node)
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            powered_at_start: p.powered,
            actions: Vec::with_capacity(steps_total),
            verdicts: Vec::with_capacity(steps_total),
            outcomes: Vec::with_capacity(steps_total),
            final_: FinalRecord {
                action: Action::Unaffected,
                verdict: Verdict::Unaffected,
                outcomes: None,
                registered: p.registered,
                itl_sha1: None,
                ctl_sha1: None,
            },
        })
        .collect();
    let mut before = download_times(cluster);
    let mut steps = Vec::with_capacity(steps_total);

    for (index, plan_step) in plan.steps().iter().enumerate() {
        let text = plan_step.step.to_string();
        let fail = |kind| ReplayError::Step {
            line: plan_step.line,
            step: text.clone(),
            kind: Box::new(kind),
        };
        let calls = calls_of(cluster, &plan_step.step).map_err(fail)?;
        let mut acc = vec![PhoneStep::default(); phones.len()];
        let mut messages = Vec::new();
        for call in &calls {
            let scope =
                apply(cluster, call, &mut messages).map_err(|e| fail(StepErrorKind::Model(e)))?;
            observe(cluster, &mut before, scope, &mut acc);
        }
        let mut counts = Counts::default();
        for ((record, step), phone) in phones.iter_mut().zip(acc).zip(cluster.phones()) {
            let (action, verdict, outcomes) = step.conclude(phone.powered);
            counts.add(action);
            record.actions.push(action);
            record.verdicts.push(verdict);
            record.outcomes.push(outcomes);
        }
        steps.push(StepRecord {
            index: index + 1,
            line: plan_step.line,
            step: text,
            counts,
            messages,
        });
    }

    // Final phase: reset the phones that are on, boot the ones that are off.
    let mut acc = vec![PhoneStep::default(); phones.len()];
    let on: Vec<String> = cluster
        .phones()
        .iter()
        .filter(|p| p.powered)
        .map(|p| p.name.clone())
        .collect();
    if !on.is_empty() {
        cluster
            .reset_phones(&PhoneSelector::Names(on), ResetKind::Reset)
            .map_err(ReplayError::Final)?;
        observe(cluster, &mut before, ResetScope::All, &mut acc);
    }
    cluster
        .power(&PhoneSelector::All, true)
        .map_err(ReplayError::Final)?;
    observe(cluster, &mut before, ResetScope::All, &mut acc);

    let sha1 = |id| {
        cluster
            .archive()
            .get(id)
            .map(|f: &crate::model::ArchivedFile| hex::encode(f.sha1))
    };
    let mut final_counts = Counts::default();
    for ((record, step), phone) in phones.iter_mut().zip(acc).zip(cluster.phones()) {
        let (action, verdict, outcomes) = step.conclude(phone.powered);
        final_counts.add(action);
        record.final_ = FinalRecord {
            action,
            verdict,
            outcomes,
            registered: phone.registered,
            itl_sha1: phone.itl.and_then(sha1),
            ctl_sha1: phone.ctl.and_then(sha1),
        };
    }

    Ok(Replay {
        cluster: info,
        plan: plan.steps().iter().map(|s| s.step.to_string()).collect(),
        steps,
        phones,
        final_counts,
    })
}

impl Replay {
    /// The phones whose final action is `action`.
    pub fn final_with(&self, action: Action) -> impl Iterator<Item = &PhoneRecord> + '_ {
        self.phones
            .iter()
            .filter(move |p| p.final_.action == action)
    }

    /// The compact JSON text.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_core::trust::Reason;

    fn download(at: u64, itl: OutcomeKind) -> LastDownload {
        LastDownload {
            at,
            ctl: Outcome::new(OutcomeKind::NoChange, Vec::<Reason>::new()),
            itl: Outcome::new(itl, Vec::<Reason>::new()),
            config: None,
            registration: None,
        }
    }

    #[test]
    fn verdicts_fold_to_actions() {
        let cases = [
            (Verdict::Accept, Action::Accepted),
            (Verdict::AcceptViaTvs, Action::Accepted),
            (Verdict::Reject, Action::Rejected),
            (Verdict::Unaffected, Action::Unaffected),
            (Verdict::Missed, Action::Missed),
            (Verdict::Unknown, Action::Unknown),
        ];
        for (verdict, action) in cases {
            assert_eq!(Action::of(verdict), action);
        }
        assert_eq!(
            serde_json::to_string(&Action::ALL).expect("json"),
            r#"["accepted","rejected","unaffected","missed","unknown"]"#
        );
    }

    #[test]
    fn the_worst_download_of_a_step_counts() {
        let tvs = OutcomeKind::AcceptTvs {
            via: "ucm-sub1".into(),
        };
        let mut step = PhoneStep::default();
        step.record(&download(1, tvs.clone()));
        step.record(&download(2, OutcomeKind::NoChange));
        let (action, verdict, outcomes) = step.conclude(true);
        assert_eq!((action, verdict), (Action::Accepted, Verdict::AcceptViaTvs));
        let outcomes = outcomes.expect("outcomes");
        assert_eq!(outcomes.itl, "ACCEPT_TVS");
        assert_eq!(outcomes.itl_via.as_deref(), Some("ucm-sub1"));
        assert_eq!(outcomes.itl_detail, "ACCEPT_TVS via ucm-sub1");

        let mut step = PhoneStep::default();
        step.record(&download(1, OutcomeKind::Accept));
        step.record(&download(2, OutcomeKind::Reject));
        step.record(&download(3, OutcomeKind::Accept));
        assert_eq!(step.conclude(true).0, Action::Rejected);
    }

    #[test]
    fn phones_without_a_download_are_missed_only_when_addressed_while_off() {
        let addressed = |on| {
            PhoneStep {
                download: None,
                addressed: true,
            }
            .conclude(on)
            .0
        };
        assert_eq!(addressed(false), Action::Missed);
        assert_eq!(addressed(true), Action::Unaffected);
        assert_eq!(PhoneStep::default().conclude(false).0, Action::Unaffected);
        let mut c = Counts::default();
        for a in [Action::Missed, Action::Missed, Action::Accepted] {
            c.add(a);
        }
        assert_eq!((c.missed, c.accepted, c.total()), (2, 1, 3));
        assert_eq!(
            c.to_string(),
            "1 accepted, 0 rejected, 0 unaffected, 2 missed"
        );
    }
}
