//! The list against the cluster's current certificates: records whose certificate the cluster
//! no longer has (`stale-record`) and current certificates the list should carry but does not
//! (`missing-cert`). Certificates are matched by the SHA-256 of their DER.
//!
//! # Which cluster certificates a list must carry
//!
//! Roles come from the exported file names (`CallManager.pem`, `TVS.pem`, `ITLRecovery.pem`,
//! `CAPF.pem`; `CallManager-ECDSA`, `tomcat`, `tomcat-ECDSA` and `ipsec` are recognised and
//! never required). Each certificate may belong to a node (the sub-folder it was found in).
//!
//! * **ITL** (one per TFTP node): every TVS certificate of the cluster; and the CallManager,
//!   ITLRecovery and CAPF certificates of the ITL's own node (the *home node*).
//! * **CTL** (one per cluster): every CallManager certificate; and ITLRecovery and CAPF of the
//!   home node (the publisher). Never TVS.
//! * **Placeholder mode** (every non-SAST record is certificate-less: a non-secure CTL, a
//!   rollback ITL): only CallManager and ITLRecovery of the home node.
//!
//! For a home-node role: the home node's certificates of that role are required; when the
//! home node has none but the cluster has exactly one of that role (ITLRecovery is
//! cluster-wide since 12.5; CAPF lives on the publisher), that one is; when the home node is
//! unknown, the only certificate of the role, or else at least one of them.
//!
//! The home node of an ITL is the node of the cluster CallManager certificate held by its
//! TFTP / CCM+TFTP / CCM record; else the node folder named like that record's DNSNAME (host
//! part, case-insensitive); else the node of the signer's certificate when the signer is a
//! CallManager certificate or a per-node certificate; else the node named like the signer
//! record's DNSNAME. The home node of a CTL is the node of the signer's certificate; else the
//! node named like the signer record's DNSNAME; else the node of any SAST record's
//! certificate. With a flat folder (no sub-folders) every certificate belongs to the one,
//! unnamed, node.
//!
//! Stale records: every record with a certificate and a cluster role (SAST, CCM, CCM+TFTP,
//! TFTP, CAPF, TVS) whose certificate is not in the set. A hardware eToken SAST certificate
//! (token CTLs) is not a cluster certificate and shows as stale: leave it out of such checks or
//! add its certificate to the folder.

use super::finding::{Finding, FindingCode};
use crate::ListKind;
use crate::checksum::sha256;
use crate::cucm::CertUnit;
use crate::values::Function;
use crate::{Record, TrustList};
use std::net::Ipv4Addr;

/// A certificate's role in the cluster, from the name CUCM exports it under: a certificate
/// unit, or any other name (kept as given: counts as a current certificate, never required).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClusterRole {
    /// A certificate unit (`CallManager`, `TVS`, `ITLRecovery`, `CAPF`, `tomcat`...).
    Unit(CertUnit),
    /// Any other name.
    Other(String),
}

impl ClusterRole {
    /// The role for a file stem (`CallManager`, `tvs`, `ITLRecovery`...; case-insensitive).
    pub fn from_stem(stem: &str) -> Self {
        match CertUnit::parse(stem) {
            Some(unit) => Self::Unit(unit),
            None => Self::Other(stem.to_string()),
        }
    }

    /// The unit, when the role is one.
    pub fn unit(&self) -> Option<CertUnit> {
        match self {
            Self::Unit(unit) => Some(*unit),
            Self::Other(_) => None,
        }
    }

    /// CUCM's name of the role (`CallManager`, `TVS`, `ITLRecovery`, ...).
    pub fn name(&self) -> &str {
        match self {
            Self::Unit(unit) => unit.name(),
            Self::Other(name) => name,
        }
    }

    /// Whether certificates of this role go into ITLs or CTLs (CallManager, TVS,
    /// ITLRecovery, CAPF).
    pub fn in_trust_lists(&self) -> bool {
        self.unit().is_some_and(CertUnit::in_trust_lists)
    }

    /// Whether a record with role `function` may hold a certificate of this role. `None` when
    /// the role is not a trust-list role (nothing to say).
    fn fits(&self, function: Function) -> Option<bool> {
        self.unit()?.fits(function)
    }
}

impl From<CertUnit> for ClusterRole {
    fn from(unit: CertUnit) -> Self {
        Self::Unit(unit)
    }
}

named!(ClusterRole, name);

/// One current certificate of the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterCert {
    /// The node it belongs to (the sub-folder name), `None` for a flat folder.
    pub node: Option<String>,
    /// Its role.
    pub role: ClusterRole,
    /// DER X.509.
    pub der: Vec<u8>,
}

impl ClusterCert {
    /// A certificate of `role` on `node`.
    pub fn new(node: Option<&str>, role: ClusterRole, der: Vec<u8>) -> Self {
        Self {
            node: node.map(str::to_string),
            role,
            der,
        }
    }

    /// `node/Role` (or `Role` without a node), as messages name it.
    pub fn label(&self) -> String {
        match &self.node {
            Some(node) => format!("{node}/{}", self.role),
            None => self.role.to_string(),
        }
    }

    fn node_key(&self) -> Option<String> {
        self.node.as_deref().map(str::to_ascii_lowercase)
    }
}

/// The cluster's current certificates, as exported from its nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterCerts {
    /// The certificates, in the order given.
    pub certs: Vec<ClusterCert>,
}

impl ClusterCerts {
    /// A set of certificates.
    pub fn new(certs: Vec<ClusterCert>) -> Self {
        Self { certs }
    }

    /// The distinct node names, in first-seen order.
    pub fn nodes(&self) -> Vec<&str> {
        let mut nodes: Vec<&str> = Vec::new();
        for node in self.certs.iter().filter_map(|c| c.node.as_deref()) {
            if !nodes.iter().any(|n| n.eq_ignore_ascii_case(node)) {
                nodes.push(node);
            }
        }
        nodes
    }
}

/// Roles whose records are compared with the cluster's certificates.
fn cluster_function(function: Option<Function>) -> bool {
    matches!(
        function,
        Some(
            Function::Sast
                | Function::Ccm
                | Function::CcmTftp
                | Function::Tftp
                | Function::Capf
                | Function::Tvs
        )
    )
}

/// A home node: `Some(node)` for a named node, `None` for the unnamed node of a flat folder.
type NodeKey = Option<String>;

struct Matcher<'c> {
    cluster: &'c ClusterCerts,
    hashes: Vec<[u8; 32]>,
}

impl Matcher<'_> {
    fn find(&self, der: &[u8]) -> Option<usize> {
        let hash = sha256(der);
        self.hashes.iter().position(|h| *h == hash)
    }

    /// The node whose folder is named like `dns` (whole name or host part; IP literals only
    /// match exactly).
    fn node_named(&self, dns: &str) -> Option<NodeKey> {
        let dns = dns.trim().to_ascii_lowercase();
        if dns.is_empty() {
            return None;
        }
        let is_ip = dns.parse::<Ipv4Addr>().is_ok();
        let host = |s: &str| s.split('.').next().unwrap_or_default().to_string();
        self.cluster.nodes().into_iter().find_map(|node| {
            let node = node.to_ascii_lowercase();
            let hit = node == dns || (!is_ip && host(&node) == host(&dns));
            hit.then_some(Some(node))
        })
    }

    fn count(&self, role: &ClusterRole) -> usize {
        self.cluster
            .certs
            .iter()
            .filter(|c| c.role == *role)
            .count()
    }
}

/// A requirement on the list.
enum Need {
    /// This certificate must be in the list.
    One(usize),
    /// At least one of these certificates of `role` must be.
    AnyOf(ClusterRole, Vec<usize>),
}

/// Runs the cluster checks, adding findings.
pub(crate) fn check(list: &TrustList<'_>, cluster: &ClusterCerts, findings: &mut Vec<Finding>) {
    let m = Matcher {
        cluster,
        hashes: cluster.certs.iter().map(|c| sha256(&c.der)).collect(),
    };
    let records = list.records();
    let matched: Vec<Option<usize>> = records
        .iter()
        .map(|r| r.certificate_der.and_then(|der| m.find(der)))
        .collect();

    for (record, found) in records.iter().zip(&matched) {
        let Some(der) = record.certificate_der else {
            continue;
        };
        if !cluster_function(record.function) {
            continue;
        }
        match found {
            None => findings.push(Finding::new(
                FindingCode::StaleRecord,
                Some(record.index),
                format!(
                    "{} certificate {} (SHA-256 {}) is not among the cluster's current certificates",
                    role_text(record),
                    subject_text(record),
                    short_hash(&sha256(der))
                ),
            )),
            Some(ci) => {
                let cert = &cluster.certs[*ci];
                let function = record.function.unwrap_or(Function::Unknown(u16::MAX));
                if cert.role.fits(function) == Some(false) {
                    findings.push(Finding::new(
                        FindingCode::ClusterRoleMismatch,
                        Some(record.index),
                        format!(
                            "a {} record holds the cluster's {} certificate",
                            function.short_name(),
                            cert.label()
                        ),
                    ));
                }
            }
        }
    }

    let Some(kind) = list.kind() else {
        return;
    };
    let home = home_node(list, &m, &matched);
    let needs = requirements(kind, super::lint::placeholder_mode(list), &m, home.as_ref());
    let present = |i: usize| {
        matched
            .iter()
            .flatten()
            .any(|&j| m.hashes[j] == m.hashes[i])
    };
    let mut reported: Vec<[u8; 32]> = Vec::new();
    for need in needs {
        match need {
            Need::One(i) if !present(i) && !reported.contains(&m.hashes[i]) => {
                reported.push(m.hashes[i]);
                let cert = &cluster.certs[i];
                findings.push(Finding::new(
                    FindingCode::MissingCert,
                    None,
                    format!(
                        "the cluster's {} certificate (SHA-256 {}) is not in the {}",
                        cert.label(),
                        short_hash(&m.hashes[i]),
                        kind
                    ),
                ));
            }
            Need::AnyOf(role, candidates) if !candidates.iter().any(|&i| present(i)) => {
                let labels: Vec<String> = candidates
                    .iter()
                    .map(|&i| cluster.certs[i].label())
                    .collect();
                findings.push(Finding::new(
                    FindingCode::MissingCert,
                    None,
                    format!(
                        "none of the cluster's {role} certificates ({}) is in the {kind}",
                        labels.join(", ")
                    ),
                ));
            }
            _ => {}
        }
    }
}

/// The node the list belongs to (see the module documentation).
fn home_node(list: &TrustList<'_>, m: &Matcher<'_>, matched: &[Option<usize>]) -> Option<NodeKey> {
    let records = list.records();
    let certs = &m.cluster.certs;
    let signer = list.signer_match().map(|s| s.index);
    let node_of = |ci: usize| certs[ci].node_key();
    let dns_node = |r: &Record<'_>| r.dns_name.and_then(|d| m.node_named(&d.lossy()));
    match list.kind() {
        Some(ListKind::Itl) => {
            let tftp = |r: &&Record<'_>| {
                matches!(
                    r.function,
                    Some(Function::Tftp | Function::CcmTftp | Function::Ccm)
                )
            };
            records
                .iter()
                .filter(tftp)
                .find_map(|r| {
                    matched[r.index]
                        .filter(|&ci| certs[ci].role == ClusterRole::Unit(CertUnit::CallManager))
                        .map(node_of)
                })
                .or_else(|| records.iter().filter(tftp).find_map(dns_node))
                .or_else(|| {
                    let ci = matched[signer?]?;
                    let role = &certs[ci].role;
                    (*role == ClusterRole::Unit(CertUnit::CallManager) || m.count(role) > 1)
                        .then(|| node_of(ci))
                })
                .or_else(|| dns_node(&records[signer?]))
        }
        _ => signer
            .and_then(|s| matched[s].map(node_of))
            .or_else(|| dns_node(&records[signer?]))
            .or_else(|| {
                records
                    .iter()
                    .filter(|r| r.function == Some(Function::Sast))
                    .find_map(|r| matched[r.index].map(node_of))
            }),
    }
}

/// The certificates the list must carry.
fn requirements(
    kind: ListKind,
    placeholders: bool,
    m: &Matcher<'_>,
    home: Option<&NodeKey>,
) -> Vec<Need> {
    let certs = &m.cluster.certs;
    let of_role = |role: &ClusterRole| -> Vec<usize> {
        (0..certs.len())
            .filter(|&i| certs[i].role == *role)
            .collect()
    };
    let mut needs = Vec::new();
    let every = |role: ClusterRole, needs: &mut Vec<Need>| {
        needs.extend(of_role(&role).into_iter().map(Need::One));
    };
    let scoped = |role: ClusterRole, needs: &mut Vec<Need>| {
        let all = of_role(&role);
        if all.is_empty() {
            return;
        }
        match home {
            Some(home) => {
                let mine: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| certs[i].node_key() == *home)
                    .collect();
                if !mine.is_empty() {
                    needs.extend(mine.into_iter().map(Need::One));
                } else if all.len() == 1 {
                    needs.push(Need::One(all[0]));
                }
            }
            None if all.len() == 1 => needs.push(Need::One(all[0])),
            None => needs.push(Need::AnyOf(role, all)),
        }
    };
    if placeholders {
        scoped(ClusterRole::Unit(CertUnit::CallManager), &mut needs);
        scoped(ClusterRole::Unit(CertUnit::ItlRecovery), &mut needs);
        return needs;
    }
    match kind {
        ListKind::Itl => {
            every(ClusterRole::Unit(CertUnit::Tvs), &mut needs);
            scoped(ClusterRole::Unit(CertUnit::CallManager), &mut needs);
        }
        _ => every(ClusterRole::Unit(CertUnit::CallManager), &mut needs),
    }
    scoped(ClusterRole::Unit(CertUnit::ItlRecovery), &mut needs);
    scoped(ClusterRole::Unit(CertUnit::Capf), &mut needs);
    needs
}

fn role_text(record: &Record<'_>) -> String {
    record
        .function
        .map(|f| f.short_name().into_owned())
        .unwrap_or_default()
}

fn subject_text(record: &Record<'_>) -> String {
    record
        .subject
        .map(|s| format!("`{}`", s.lossy()))
        .unwrap_or_else(|| "(no SUBJECTNAME)".into())
}

fn short_hash(hash: &[u8; 32]) -> String {
    hex::encode(&hash[..8])
}
