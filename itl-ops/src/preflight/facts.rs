//! What the gatherers learned about a cluster: plain data, each fact with the evidence it
//! came from, or the reason it is missing. The checks read only this.

use std::collections::BTreeMap;

use itl_core::cucm::CertUnit;
use itl_cucm::sweep::SweepReport;
use itl_wire::admin_cli::parse::backup::BackupHistory;
use itl_wire::admin_cli::parse::cert_own::OwnCertificate;
use itl_wire::admin_cli::parse::replication::Replication;
use itl_wire::admin_cli::parse::sso::SsoStatus;
use itl_wire::admin_cli::parse::system::{FipsStatus, NtpStatus, VersionInfo};
use itl_wire::admin_cli::parse::trust_list::ShowTrustList;
use itl_wire::admin_cli::parse::upgrade::{InactiveVersion, UpgradeStatus};
use itl_wire::soap::axl::Row;
use itl_wire::soap::control_center::ServiceInfo;

use super::report::Evidence;

/// A fact and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed<T> {
    /// The value.
    pub value: T,
    /// The command, SQL or file and its relevant lines.
    pub evidence: Evidence,
}

/// Why a fact is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// What was asked (`ssh ucm-pub: utils dbreplication runtimestate`).
    pub source: String,
    /// Why it is missing.
    pub reason: String,
    /// Whether the reason is one the operator chose or cannot change here (a privilege the
    /// OS account lacks, no SSH address in the cluster file): the check is `skipped`.
    /// Otherwise the node did not answer as it should and the check fails.
    pub skip: bool,
}

/// A gathered fact.
pub type Fact<T> = Result<Observed<T>, Missing>;

/// Builds an observed fact.
pub fn observed<T>(value: T, source: impl Into<String>, lines: Vec<String>) -> Fact<T> {
    Ok(Observed {
        value,
        evidence: Evidence::new(source, lines),
    })
}

/// Builds a missing fact.
pub fn missing<T>(source: impl Into<String>, reason: impl Into<String>, skip: bool) -> Fact<T> {
    Err(Missing {
        source: source.into(),
        reason: reason.into(),
        skip,
    })
}

/// What one TFTP node served (over HTTP 6970, else TFTP).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ServedFiles {
    /// `ITLFile.tlv`, when served.
    pub itl: Option<Vec<u8>>,
    /// `CTLFile.tlv`, when served.
    pub ctl: Option<Vec<u8>>,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// One node's facts.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeFacts {
    /// Node name.
    pub name: String,
    /// Whether it is the publisher.
    pub publisher: bool,
    /// Whether the cluster file lists a TFTP service on it.
    pub tftp: bool,
    /// `show version active`.
    pub version: Fact<VersionInfo>,
    /// Control Center `soapGetServiceStatus` (every service).
    pub services: Fact<Vec<ServiceInfo>>,
    /// `utils ntp status`.
    pub ntp: Fact<NtpStatus>,
    /// `utils fips status`.
    pub fips: Fact<FipsStatus>,
    /// `show itl` (TFTP nodes).
    pub show_itl: Option<Fact<ShowTrustList>>,
    /// `show ctl` (TFTP nodes).
    pub show_ctl: Option<Fact<ShowTrustList>>,
    /// The raw `show itl` / `show ctl` output, for the archive.
    pub raw_outputs: Vec<(String, Vec<String>)>,
    /// `show cert own <unit>` for every unit `show cert list own` names.
    pub certs: Fact<Vec<(CertUnit, OwnCertificate)>>,
    /// What the node serves (TFTP nodes).
    pub served: Option<Fact<ServedFiles>>,
    /// `show version inactive`.
    pub version_inactive: Fact<InactiveVersion>,
    /// `utils system upgrade status`.
    pub upgrade: Fact<UpgradeStatus>,
    /// `utils sso status`.
    pub sso: Fact<SsoStatus>,
}

/// Everything the checks judge.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    /// The cluster's name.
    pub cluster: String,
    /// When the facts were gathered (seconds since 1970, UTC).
    pub now: i64,
    /// Per node, in cluster-file order.
    pub nodes: Vec<NodeFacts>,
    /// `RollBackToPreGrayback` rows.
    pub rollback: Fact<Vec<Row>>,
    /// `ClusterSecurityMode` rows.
    pub security_mode: Fact<Vec<Row>>,
    /// Members per CallManager group (§4.1 2a).
    pub cm_group_members: Fact<Vec<Row>>,
    /// Phones per device pool and CallManager group (§4.1 2b).
    pub phones_per_pool: Fact<Vec<Row>>,
    /// Phones' CAPF columns and security profiles (§4.1 3).
    pub phone_lsc: Fact<Vec<Row>>,
    /// The "Phone Interaction on Certificate Update" processconfig row(s).
    pub phone_interaction: Fact<Vec<Row>>,
    /// `utils dbreplication runtimestate` on the publisher.
    pub replication: Fact<Replication>,
    /// `utils disaster_recovery history backup` on the publisher.
    pub backups: Fact<BackupHistory>,
    /// The phone sweep (given with `--sweep`, or run).
    pub sweep: Fact<SweepReport>,
    /// The servers (`processnode` with their roles): IM and Presence nodes are dependants.
    pub process_nodes: Fact<Vec<Row>>,
    /// SIP trunks with a TLS security profile, with their destinations.
    pub secure_trunks: Fact<Vec<Row>>,
}

/// A CallManager group, with its members as node names in priority order (first: the
/// primary its phones register to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CmGroup {
    /// Group name.
    pub name: String,
    /// Member nodes, highest priority first.
    pub members: Vec<String>,
}

impl CmGroup {
    /// The groups of the §4.1 2a rows (`cmgroup`, `cmgr`, `priority`), members named as the
    /// cluster's `nodes` name them: a CallManager named like a node, or `CM_<node>` (CUCM's
    /// default CallManager name), case-insensitive; another name is kept as it is.
    pub fn from_rows(rows: &[Row], nodes: &[String]) -> Vec<CmGroup> {
        let mut members: BTreeMap<&str, Vec<(u32, String)>> = BTreeMap::new();
        for row in rows {
            let value = |column: &str| row.get(column).map_or("", |v| v.trim());
            let cmgr = value("cmgr");
            let bare = cmgr
                .get(..3)
                .filter(|p| p.eq_ignore_ascii_case("CM_"))
                .and_then(|_| cmgr.get(3..))
                .unwrap_or(cmgr);
            let node = nodes
                .iter()
                .find(|n| n.eq_ignore_ascii_case(cmgr) || n.eq_ignore_ascii_case(bare))
                .cloned()
                .unwrap_or_else(|| cmgr.to_owned());
            let priority = value("priority").parse().unwrap_or(u32::MAX);
            members
                .entry(value("cmgroup"))
                .or_default()
                .push((priority, node));
        }
        members
            .into_iter()
            .map(|(name, mut m)| {
                m.sort_by_key(|(p, _)| *p);
                CmGroup {
                    name: name.to_owned(),
                    members: m.into_iter().map(|(_, n)| n).collect(),
                }
            })
            .collect()
    }

    /// The 1-based priority of `node` in this group, if it is a member.
    pub fn priority_of(&self, node: &str) -> Option<usize> {
        self.members.iter().position(|m| m == node).map(|i| i + 1)
    }
}
