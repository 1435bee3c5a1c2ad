//! What CUCM puts in each TFTP node's ITL and in the cluster's CTL: which records, with which
//! roles, in which order, and who signs (`trust-and-procedure.md` §1.2, §1.3; `itl-format.md`
//! §5). One pure function, [`layout`], used by the predictor, the simulator and the tests;
//! when a file is rebuilt stays with them.
//!
//! ```text
//! ITL 11.5   signer: the node's CallManager          (localkey: the node's own ITLRecovery)
//!            SAST CallManager(node), SAST ITLRecovery(node's own, else the publisher's),
//!            TFTP|CCM+TFTP CallManager(node), TVS × every TVS node, CAPF × CAPF node
//! ITL 12+    signer: ITLRecovery (the publisher's)   (localkey: the node's CallManager)
//!            SAST ITLRecovery(pub), SAST CallManager(node),
//!            TFTP|CCM+TFTP CallManager(node), TVS × every TVS node, CAPF × CAPF node
//! rollback   the same, with certificate-less TFTP and TVS placeholders (DNSNAME = address)
//! CTL 11.5   signer: the publisher's CallManager     (localkey: the publisher's ITLRecovery)
//!            SAST CallManager(pub), SAST ITLRecovery(pub),
//!            CCM+TFTP × CallManager nodes | TFTP × TFTP-only nodes, CAPF × CAPF node
//! CTL 12+    signer: ITLRecovery                     (localkey: the publisher's CallManager)
//!            SAST ITLRecovery(pub), SAST CallManager(pub), then as 11.5
//! token CTL  signer: eToken 1
//!            SAST eToken 1, SAST eToken 2, then as 11.5
//! ```
//!
//! * The ITL's TFTP record has the role TFTP in non-secure mode and CCM+TFTP in mixed mode
//!   (inferred from the role table, §1.2 and §1.4).
//! * Before 12.0 every node has its own ITLRecovery certificate (`ITLRECOVERY_<host>`,
//!   §1.1): node X's ITL carries X's own (the publisher's when X has none), the CTL the
//!   publisher's. From 12.0 the publisher's single ITLRecovery is in every file.
//! * Localkey (`utils itl reset localkey`, `utils ctl reset localkey`, §1.2, §1.3, §5.8):
//!   the same records in the same order, signed with the *other* SAST key of the file.
//!   11.5's ITL and CTL localkey signers are inferred (the documents give only 12+).
//! * Other nodes' CallManager certificates are never in a node's ITL; TVS is never in a CTL;
//!   the rollback parameter does not change the CTL.
//!
//! ```
//! use itl_core::cucm::{CertUnit, ClusterSecurityMode, Generation};
//! use itl_core::layout::{CertSource, LayoutCluster, LayoutNode, ListSpec, Roles, SignerVariant, layout};
//! use itl_core::Function;
//!
//! let node = LayoutNode::new("ucm-pub", [10, 0, 0, 1].into(), Roles::ALL)
//!     .with_cert(CertUnit::CallManager, b"cm")
//!     .with_cert(CertUnit::ItlRecovery, b"rec")
//!     .with_cert(CertUnit::Tvs, b"tvs")
//!     .with_cert(CertUnit::Capf, b"capf");
//! let cluster = LayoutCluster::new(Generation::V12, ClusterSecurityMode::NonSecure, vec![node]);
//! let itl = layout(&cluster, ListSpec::Itl { node: 0, signer: SignerVariant::Normal })?;
//! let roles: Vec<Function> = itl.records.iter().map(|r| r.function).collect();
//! assert_eq!(roles, [Function::Sast, Function::Sast, Function::Tftp, Function::Tvs, Function::Capf]);
//! assert_eq!(itl.signer, CertSource::Unit { node: 0, unit: CertUnit::ItlRecovery });
//! # Ok::<(), itl_core::layout::LayoutError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use crate::cucm::{CertUnit, ClusterSecurityMode, Generation, ListKind};
use crate::values::Function;
use crate::write::{BuildError, RecordSpec, TrustListBuilder};

/// The services of a node that decide its place in the lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Roles {
    /// Runs Cisco Tftp: serves an ITL; a TFTP record in the CTL when it runs no CallManager.
    pub tftp: bool,
    /// Runs Cisco CallManager: a CCM+TFTP record in the CTL.
    pub callmanager: bool,
    /// Runs TVS: a TVS record in every ITL.
    pub tvs: bool,
    /// Runs CAPF (the publisher): a CAPF record in every ITL and in the CTL.
    pub capf: bool,
}

impl Roles {
    /// Every service.
    pub const ALL: Roles = Roles {
        tftp: true,
        callmanager: true,
        tvs: true,
        capf: true,
    };
}

/// One node: its names, its services and its current certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutNode<'a> {
    /// Host name (the records' DNSNAME).
    pub name: &'a str,
    /// Address (the records' IPADDRESS).
    pub address: Ipv4Addr,
    /// Services it runs.
    pub roles: Roles,
    /// Its current certificates (DER) by unit; only CallManager, TVS, ITLRecovery and CAPF
    /// are read.
    pub certs: BTreeMap<CertUnit, &'a [u8]>,
}

impl<'a> LayoutNode<'a> {
    /// A node without certificates.
    pub fn new(name: &'a str, address: Ipv4Addr, roles: Roles) -> Self {
        Self {
            name,
            address,
            roles,
            certs: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) the certificate of `unit`.
    pub fn with_cert(mut self, unit: CertUnit, der: &'a [u8]) -> Self {
        self.certs.insert(unit, der);
        self
    }
}

/// The cluster as the lists depend on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutCluster<'a> {
    /// Generation: the signers and the SAST order.
    pub generation: Generation,
    /// Security mode: the role of the ITL's TFTP record.
    pub mode: ClusterSecurityMode,
    /// Enterprise parameter "Prepare Cluster for Rollback to pre 8.0"
    /// (`RollBackToPreGrayback`): ITLs with certificate-less TFTP and TVS records.
    pub rollback: bool,
    /// Every node, publisher first.
    pub nodes: Vec<LayoutNode<'a>>,
}

impl<'a> LayoutCluster<'a> {
    /// A cluster with the rollback parameter off.
    pub fn new(
        generation: Generation,
        mode: ClusterSecurityMode,
        nodes: Vec<LayoutNode<'a>>,
    ) -> Self {
        Self {
            generation,
            mode,
            rollback: false,
            nodes,
        }
    }

    /// Sets the rollback parameter.
    pub fn with_rollback(mut self, rollback: bool) -> Self {
        self.rollback = rollback;
        self
    }
}

/// Which SAST key of the file signs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SignerVariant {
    /// The usual signer: ITLRecovery from 12.0; before, the CallManager certificate (ITL: the
    /// node's, CTL: the publisher's).
    #[default]
    Normal,
    /// The other SAST key (`utils itl reset localkey` / `utils ctl reset localkey`): the
    /// CallManager certificate from 12.0; the ITLRecovery certificate before (inferred).
    LocalKey,
}

/// Which file to lay out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListSpec<'a> {
    /// The ITL the TFTP node `node` (index into [`LayoutCluster::nodes`]) serves.
    Itl {
        /// The node.
        node: usize,
        /// Who signs.
        signer: SignerVariant,
    },
    /// The tokenless CTL (`utils ctl update CTLFile`, or `utils ctl reset localkey`).
    Ctl {
        /// Who signs.
        signer: SignerVariant,
    },
    /// A hardware-token CTL (up to 14SU2): the two eTokens' certificates as SAST, signed by
    /// the first.
    TokenCtl {
        /// The eTokens' certificates (DER).
        tokens: [&'a [u8]; 2],
    },
}

/// Whose certificate a record carries, or who signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertSource {
    /// A node's certificate of a unit.
    Unit {
        /// Index into [`LayoutCluster::nodes`].
        node: usize,
        /// The unit.
        unit: CertUnit,
    },
    /// eToken 0 or 1 of a token CTL.
    Token(usize),
}

/// One record of a laid-out list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaidRecord<'a> {
    /// FUNCTION.
    pub function: Function,
    /// Whose certificate it carries; `None` for a placeholder (rollback).
    pub source: Option<CertSource>,
    /// The certificate (DER); `None` for a placeholder.
    pub certificate: Option<&'a [u8]>,
    /// DNSNAME (none for eTokens).
    pub dns_name: Option<String>,
    /// IPADDRESS (none for eTokens).
    pub address: Option<Ipv4Addr>,
}

/// A list as CUCM writes it: records in order and the signer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout<'a> {
    /// ITL or CTL.
    pub kind: ListKind,
    /// The records, in CUCM's order.
    pub records: Vec<LaidRecord<'a>>,
    /// Who signs: one of the SAST records' certificates.
    pub signer: CertSource,
    /// The signer's certificate (DER).
    pub signer_certificate: &'a [u8],
}

/// Who a record is for, in errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordOwner {
    /// A node's certificate of a unit.
    Unit {
        /// The node's name.
        node: String,
        /// The unit.
        unit: CertUnit,
    },
    /// An eToken (0 or 1).
    Token(usize),
    /// A certificate-less record.
    Placeholder,
}

impl fmt::Display for RecordOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordOwner::Unit { node, unit } => write!(f, "the {unit} certificate of {node}"),
            RecordOwner::Token(i) => write!(f, "eToken {}", i + 1),
            RecordOwner::Placeholder => f.write_str("a placeholder"),
        }
    }
}

/// Why a list cannot be laid out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The cluster has no node.
    #[error("the cluster has no node")]
    NoNodes,
    /// The ITL of a node index the cluster does not have.
    #[error("no node #{index} (the cluster has {count})")]
    NoSuchNode {
        /// The index asked for.
        index: usize,
        /// How many nodes the cluster has.
        count: usize,
    },
    /// The node runs no TFTP: it serves no ITL.
    #[error("{node} does not run TFTP: it serves no ITL")]
    NotTftp {
        /// The node.
        node: String,
    },
    /// A certificate the list needs is missing.
    #[error("{node} has no {unit} certificate to put in the {kind}")]
    MissingCertificate {
        /// The node.
        node: String,
        /// The unit.
        unit: CertUnit,
        /// The list.
        kind: ListKind,
    },
    /// A record's certificate cannot be turned into a record.
    #[error("the {function} record of {owner}: {source}")]
    Record {
        /// The record's role.
        function: Function,
        /// Whose certificate.
        owner: RecordOwner,
        /// The writer's error.
        #[source]
        source: BuildError,
    },
}

impl<'a> LaidRecord<'a> {
    fn cert(
        function: Function,
        cluster: &LayoutCluster<'a>,
        node: usize,
        unit: CertUnit,
        der: &'a [u8],
    ) -> Self {
        let n = &cluster.nodes[node];
        Self {
            function,
            source: Some(CertSource::Unit { node, unit }),
            certificate: Some(der),
            dns_name: Some(n.name.to_owned()),
            address: Some(n.address),
        }
    }

    fn placeholder(function: Function, address: Ipv4Addr) -> Self {
        Self {
            function,
            source: None,
            certificate: None,
            dns_name: Some(address.to_string()),
            address: Some(address),
        }
    }

    fn token(index: usize, der: &'a [u8]) -> Self {
        Self {
            function: Function::Sast,
            source: Some(CertSource::Token(index)),
            certificate: Some(der),
            dns_name: None,
            address: None,
        }
    }

    /// The record to write: the certificate's fields (subject, issuer, serial, key,
    /// signature, DER) with DNSNAME and IPADDRESS, or a placeholder.
    pub fn spec(&self, cluster: &LayoutCluster<'_>) -> Result<RecordSpec, LayoutError> {
        let mut spec = match (self.certificate, self.source) {
            (Some(der), source) => {
                RecordSpec::from_certificate(self.function, der).map_err(|error| {
                    LayoutError::Record {
                        function: self.function,
                        owner: RecordOwner::of(source, cluster),
                        source: error,
                    }
                })?
            }
            (None, _) => RecordSpec {
                function: Some(self.function),
                ..RecordSpec::default()
            },
        };
        spec.dns_name = self.dns_name.clone();
        spec.ip = self.address;
        Ok(spec)
    }
}

impl RecordOwner {
    fn of(source: Option<CertSource>, cluster: &LayoutCluster<'_>) -> Self {
        match source {
            Some(CertSource::Token(i)) => RecordOwner::Token(i),
            Some(CertSource::Unit { node, unit }) => RecordOwner::Unit {
                node: cluster
                    .nodes
                    .get(node)
                    .map_or_else(|| format!("node #{node}"), |n| n.name.to_owned()),
                unit,
            },
            None => RecordOwner::Placeholder,
        }
    }
}

impl<'a> Layout<'a> {
    /// The file name CUCM gives the list (`ITLFile.tlv`, `CTLFile.tlv`).
    pub fn filename(&self) -> &'static str {
        self.kind.cluster_file()
    }

    /// Every record to write, in order.
    pub fn record_specs(
        &self,
        cluster: &LayoutCluster<'_>,
    ) -> Result<Vec<RecordSpec>, LayoutError> {
        self.records.iter().map(|r| r.spec(cluster)).collect()
    }

    /// A builder holding the file name, `timestamp` (the wire's u32 TIMESTAMP) and every
    /// record; the caller sets the digest and signs.
    pub fn builder(
        &self,
        cluster: &LayoutCluster<'_>,
        timestamp: u32,
    ) -> Result<TrustListBuilder, LayoutError> {
        let mut builder = TrustListBuilder::new(self.filename(), timestamp);
        builder.records = self.record_specs(cluster)?;
        Ok(builder)
    }
}

/// The records of `spec` in CUCM's order and its signer, from the cluster's current
/// certificates (see the module documentation for the table). Certificates are not decoded
/// here ([`Layout::record_specs`] does).
pub fn layout<'a>(
    cluster: &LayoutCluster<'a>,
    spec: ListSpec<'a>,
) -> Result<Layout<'a>, LayoutError> {
    if cluster.nodes.is_empty() {
        return Err(LayoutError::NoNodes);
    }
    match spec {
        ListSpec::Itl { node, signer } => itl(cluster, node, signer),
        ListSpec::Ctl { signer } => {
            let (sasts, signer) = SastPair::of(cluster, 0, ListKind::Ctl)?.pick(cluster, signer);
            ctl(cluster, sasts, signer)
        }
        ListSpec::TokenCtl { tokens } => {
            let sasts = [
                LaidRecord::token(0, tokens[0]),
                LaidRecord::token(1, tokens[1]),
            ];
            ctl(cluster, sasts, (CertSource::Token(0), tokens[0]))
        }
    }
}

fn cert_of<'a>(
    cluster: &LayoutCluster<'a>,
    node: usize,
    unit: CertUnit,
    kind: ListKind,
) -> Result<&'a [u8], LayoutError> {
    let n = &cluster.nodes[node];
    n.certs
        .get(&unit)
        .copied()
        .ok_or_else(|| LayoutError::MissingCertificate {
            node: n.name.to_owned(),
            unit,
            kind,
        })
}

/// A signer: whose certificate, and the certificate.
type Signer<'a> = (CertSource, &'a [u8]);

/// The two SAST certificates of a file: a CallManager certificate and the ITLRecovery that
/// goes with it.
struct SastPair<'a> {
    callmanager: (usize, &'a [u8]),
    recovery: (usize, &'a [u8]),
}

impl<'a> SastPair<'a> {
    /// The SAST certificates of the ITL of `node` (for the CTL: of the publisher).
    fn of(cluster: &LayoutCluster<'a>, node: usize, kind: ListKind) -> Result<Self, LayoutError> {
        let cm = cert_of(cluster, node, CertUnit::CallManager, kind)?;
        // Before 12.0 the node's own ITLRecovery, else the publisher's; from 12.0 the
        // publisher's.
        let owner = if cluster.generation.itl_recovery_per_node()
            && cluster.nodes[node]
                .certs
                .contains_key(&CertUnit::ItlRecovery)
        {
            node
        } else {
            0
        };
        let rec = cert_of(cluster, owner, CertUnit::ItlRecovery, kind)?;
        Ok(Self {
            callmanager: (node, cm),
            recovery: (owner, rec),
        })
    }

    /// The two SAST records in CUCM's order and the signer for `variant`.
    fn pick(
        &self,
        cluster: &LayoutCluster<'a>,
        variant: SignerVariant,
    ) -> ([LaidRecord<'a>; 2], Signer<'a>) {
        let (cm_node, cm) = self.callmanager;
        let (rec_node, rec) = self.recovery;
        let cm_record =
            LaidRecord::cert(Function::Sast, cluster, cm_node, CertUnit::CallManager, cm);
        let rec_record = LaidRecord::cert(
            Function::Sast,
            cluster,
            rec_node,
            CertUnit::ItlRecovery,
            rec,
        );
        let cm_signer = (
            CertSource::Unit {
                node: cm_node,
                unit: CertUnit::CallManager,
            },
            cm,
        );
        let rec_signer = (
            CertSource::Unit {
                node: rec_node,
                unit: CertUnit::ItlRecovery,
            },
            rec,
        );
        let recovery_signs =
            cluster.generation.itl_recovery_signs() == (variant == SignerVariant::Normal);
        let signer = if recovery_signs {
            rec_signer
        } else {
            cm_signer
        };
        if cluster.generation.itl_recovery_signs() {
            ([rec_record, cm_record], signer)
        } else {
            ([cm_record, rec_record], signer)
        }
    }
}

fn itl<'a>(
    cluster: &LayoutCluster<'a>,
    node: usize,
    signer: SignerVariant,
) -> Result<Layout<'a>, LayoutError> {
    const KIND: ListKind = ListKind::Itl;
    let n = cluster.nodes.get(node).ok_or(LayoutError::NoSuchNode {
        index: node,
        count: cluster.nodes.len(),
    })?;
    if !n.roles.tftp {
        return Err(LayoutError::NotTftp {
            node: n.name.to_owned(),
        });
    }
    let (sasts, signer) = SastPair::of(cluster, node, KIND)?.pick(cluster, signer);
    let mut records: Vec<LaidRecord<'a>> = sasts.into();
    let tftp_role = match cluster.mode {
        ClusterSecurityMode::NonSecure => Function::Tftp,
        ClusterSecurityMode::Mixed => Function::CcmTftp,
    };
    records.push(if cluster.rollback {
        LaidRecord::placeholder(tftp_role, n.address)
    } else {
        let cm = cert_of(cluster, node, CertUnit::CallManager, KIND)?;
        LaidRecord::cert(tftp_role, cluster, node, CertUnit::CallManager, cm)
    });
    for (i, t) in cluster.nodes.iter().enumerate() {
        if !t.roles.tvs {
            continue;
        }
        records.push(if cluster.rollback {
            LaidRecord::placeholder(Function::Tvs, t.address)
        } else {
            let der = cert_of(cluster, i, CertUnit::Tvs, KIND)?;
            LaidRecord::cert(Function::Tvs, cluster, i, CertUnit::Tvs, der)
        });
    }
    finish(cluster, KIND, records, signer)
}

fn ctl<'a>(
    cluster: &LayoutCluster<'a>,
    sasts: [LaidRecord<'a>; 2],
    signer: Signer<'a>,
) -> Result<Layout<'a>, LayoutError> {
    const KIND: ListKind = ListKind::Ctl;
    let mut records: Vec<LaidRecord<'a>> = sasts.into();
    for (i, n) in cluster.nodes.iter().enumerate() {
        let role = if n.roles.callmanager {
            Function::CcmTftp
        } else if n.roles.tftp {
            Function::Tftp
        } else {
            continue;
        };
        let der = cert_of(cluster, i, CertUnit::CallManager, KIND)?;
        records.push(LaidRecord::cert(
            role,
            cluster,
            i,
            CertUnit::CallManager,
            der,
        ));
    }
    finish(cluster, KIND, records, signer)
}

/// The layout of `kind`: `records`, then every CAPF certificate, signed by `signer`.
fn finish<'a>(
    cluster: &LayoutCluster<'a>,
    kind: ListKind,
    mut records: Vec<LaidRecord<'a>>,
    signer: Signer<'a>,
) -> Result<Layout<'a>, LayoutError> {
    for (i, n) in cluster.nodes.iter().enumerate() {
        if n.roles.capf {
            let der = cert_of(cluster, i, CertUnit::Capf, kind)?;
            records.push(LaidRecord::cert(
                Function::Capf,
                cluster,
                i,
                CertUnit::Capf,
                der,
            ));
        }
    }
    Ok(Layout {
        kind,
        records,
        signer: signer.0,
        signer_certificate: signer.1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CertUnit::{CallManager as Cm, Capf, ItlRecovery as Rec, Tvs};
    use ClusterSecurityMode::{Mixed, NonSecure};
    use Function::{CcmTftp, Sast, Tftp};
    use Generation::{V11_5, V12, V14};

    const PUB: usize = 0;
    const SUB1: usize = 1;
    const SUB2: usize = 2;

    /// Certificates are stand-in bytes: the layout never decodes them.
    const DER: [[&[u8]; 4]; 3] = [
        [b"pub/CM", b"pub/TVS", b"pub/REC", b"pub/CAPF"],
        [b"sub1/CM", b"sub1/TVS", b"sub1/REC", b""],
        [b"sub2/CM", b"", b"", b""],
    ];

    /// ucm-pub (TFTP, CallManager, TVS, CAPF), ucm-sub1 (TFTP, CallManager, TVS; its own
    /// ITLRecovery on 11.5), ucm-sub2 (TFTP only, no ITLRecovery of its own).
    fn cluster(generation: Generation, mode: ClusterSecurityMode) -> LayoutCluster<'static> {
        let publisher = LayoutNode::new("ucm-pub", Ipv4Addr::new(10, 0, 0, 1), Roles::ALL)
            .with_cert(Cm, DER[0][0])
            .with_cert(Tvs, DER[0][1])
            .with_cert(Rec, DER[0][2])
            .with_cert(Capf, DER[0][3]);
        let mut sub1 = LayoutNode::new(
            "ucm-sub1",
            Ipv4Addr::new(10, 0, 0, 2),
            Roles {
                capf: false,
                ..Roles::ALL
            },
        )
        .with_cert(Cm, DER[1][0])
        .with_cert(Tvs, DER[1][1]);
        if generation.itl_recovery_per_node() {
            sub1 = sub1.with_cert(Rec, DER[1][2]);
        }
        let sub2 = LayoutNode::new(
            "ucm-sub2",
            Ipv4Addr::new(10, 0, 0, 3),
            Roles {
                tftp: true,
                ..Roles::default()
            },
        )
        .with_cert(Cm, DER[2][0]);
        LayoutCluster::new(generation, mode, vec![publisher, sub1, sub2])
    }

    fn unit(node: usize, unit: CertUnit) -> Option<CertSource> {
        Some(signer(node, unit))
    }

    /// The layouts `list` gives for both signer variants: the same records, the normal one
    /// signed by `normal`, the localkey one by `local`; both returned.
    fn assert_signers<'a>(
        list: impl Fn(SignerVariant) -> Layout<'a>,
        normal: CertSource,
        local: CertSource,
    ) -> (Layout<'a>, Layout<'a>) {
        let (l, localkey) = (list(SignerVariant::Normal), list(SignerVariant::LocalKey));
        assert_eq!(localkey.records, l.records);
        assert_eq!(l.signer, normal);
        assert_eq!(localkey.signer, local);
        (l, localkey)
    }

    /// The records of the test cluster's ITL of `node`: the two SAST records `sast`, the node's
    /// CallManager in `role`, every TVS, CAPF.
    fn itl_shape(
        sast: [Option<CertSource>; 2],
        role: Function,
        node: usize,
    ) -> [(Function, Option<CertSource>); 6] {
        [
            (Sast, sast[0]),
            (Sast, sast[1]),
            (role, unit(node, Cm)),
            (Function::Tvs, unit(PUB, Tvs)),
            (Function::Tvs, unit(SUB1, Tvs)),
            (Function::Capf, unit(PUB, Capf)),
        ]
    }

    /// The records of the test cluster's CTL: the two SAST records `sast`, every node's
    /// CallManager (CCM+TFTP, TFTP for the node without CallManager service), CAPF.
    fn ctl_shape(sast: [Option<CertSource>; 2]) -> [(Function, Option<CertSource>); 6] {
        [
            (Sast, sast[0]),
            (Sast, sast[1]),
            (CcmTftp, unit(PUB, Cm)),
            (CcmTftp, unit(SUB1, Cm)),
            (Tftp, unit(SUB2, Cm)),
            (Function::Capf, unit(PUB, Capf)),
        ]
    }

    /// The certificate `unit` of node `node` as a signer.
    fn signer(node: usize, unit: CertUnit) -> CertSource {
        CertSource::Unit { node, unit }
    }

    /// (role, source) of every record.
    fn shape(l: &Layout<'_>) -> Vec<(Function, Option<CertSource>)> {
        l.records.iter().map(|r| (r.function, r.source)).collect()
    }

    fn itl<'a>(c: &LayoutCluster<'a>, node: usize, signer: SignerVariant) -> Layout<'a> {
        layout(c, ListSpec::Itl { node, signer }).unwrap()
    }

    fn ctl<'a>(c: &LayoutCluster<'a>, signer: SignerVariant) -> Layout<'a> {
        layout(c, ListSpec::Ctl { signer }).unwrap()
    }

    #[test]
    fn itl_11_5_is_signed_by_the_nodes_callmanager_sast_callmanager_first() {
        for mode in [NonSecure, Mixed] {
            let role = if mode == Mixed { CcmTftp } else { Tftp };
            let c = cluster(V11_5, mode);
            // Localkey: the same records, signed by the other SAST key (the node's own
            // ITLRecovery).
            let list = |variant| itl(&c, SUB1, variant);
            let (l, local) = assert_signers(list, signer(SUB1, Cm), signer(SUB1, Rec));
            assert_eq!(l.kind, ListKind::Itl);
            assert_eq!(
                shape(&l),
                itl_shape([unit(SUB1, Cm), unit(SUB1, Rec)], role, SUB1),
                "{mode}"
            );
            assert_eq!(l.signer_certificate, b"sub1/CM");
            assert_eq!(local.signer_certificate, b"sub1/REC");
        }
    }

    #[test]
    fn itl_11_5_of_a_node_without_its_own_itlrecovery_takes_the_publishers() {
        let c = cluster(V11_5, NonSecure);
        let l = itl(&c, SUB2, SignerVariant::LocalKey);
        assert_eq!(
            shape(&l)[..3],
            [
                (Sast, unit(SUB2, Cm)),
                (Sast, unit(PUB, Rec)),
                (Tftp, unit(SUB2, Cm))
            ]
        );
        assert_eq!(l.signer, signer(PUB, Rec));
        assert_eq!(l.records[1].dns_name.as_deref(), Some("ucm-pub"));
        assert_eq!(l.records[1].address, Some(Ipv4Addr::new(10, 0, 0, 1)));
    }

    #[test]
    fn itl_12_and_14_are_signed_by_itlrecovery_sast_itlrecovery_first() {
        for generation in [V12, V14] {
            for mode in [NonSecure, Mixed] {
                let role = if mode == Mixed { CcmTftp } else { Tftp };
                let c = cluster(generation, mode);
                let list = |variant| itl(&c, SUB2, variant);
                let (l, local) = assert_signers(list, signer(PUB, Rec), signer(SUB2, Cm));
                assert_eq!(
                    shape(&l),
                    itl_shape([unit(PUB, Rec), unit(SUB2, Cm)], role, SUB2),
                    "{generation} {mode}"
                );
                assert_eq!(local.signer_certificate, b"sub2/CM");
            }
        }
    }

    #[test]
    fn records_name_their_node() {
        let c = cluster(V12, Mixed);
        let l = itl(&c, SUB1, SignerVariant::Normal);
        let names: Vec<(&str, Ipv4Addr)> = l
            .records
            .iter()
            .map(|r| (r.dns_name.as_deref().unwrap(), r.address.unwrap()))
            .collect();
        assert_eq!(
            names,
            [
                ("ucm-pub", Ipv4Addr::new(10, 0, 0, 1)),
                ("ucm-sub1", Ipv4Addr::new(10, 0, 0, 2)),
                ("ucm-sub1", Ipv4Addr::new(10, 0, 0, 2)),
                ("ucm-pub", Ipv4Addr::new(10, 0, 0, 1)),
                ("ucm-sub1", Ipv4Addr::new(10, 0, 0, 2)),
                ("ucm-pub", Ipv4Addr::new(10, 0, 0, 1)),
            ]
        );
        let certs: Vec<&[u8]> = l.records.iter().map(|r| r.certificate.unwrap()).collect();
        assert_eq!(
            certs,
            [
                &b"pub/REC"[..],
                b"sub1/CM",
                b"sub1/CM",
                b"pub/TVS",
                b"sub1/TVS",
                b"pub/CAPF"
            ]
        );
    }

    #[test]
    fn rollback_itl_has_certificate_less_tftp_and_tvs_records() {
        for generation in Generation::ALL {
            let c = cluster(generation, NonSecure).with_rollback(true);
            let l = itl(&c, PUB, SignerVariant::Normal);
            let roles: Vec<Function> = l.records.iter().map(|r| r.function).collect();
            assert_eq!(
                roles,
                [
                    Sast,
                    Sast,
                    Tftp,
                    Function::Tvs,
                    Function::Tvs,
                    Function::Capf
                ]
            );
            for (i, r) in l.records.iter().enumerate() {
                assert_eq!(
                    r.certificate.is_none(),
                    (2..=4).contains(&i),
                    "{generation} #{i}"
                );
            }
            assert_eq!(l.records[2].dns_name.as_deref(), Some("10.0.0.1"));
            assert_eq!(l.records[4].dns_name.as_deref(), Some("10.0.0.2"));
            assert_eq!(l.records[4].address, Some(Ipv4Addr::new(10, 0, 0, 2)));
            // The signer is unchanged and the CTL does not care.
            assert_eq!(
                l.signer,
                itl(&cluster(generation, NonSecure), PUB, SignerVariant::Normal).signer
            );
            assert_eq!(
                ctl(&c, SignerVariant::Normal),
                ctl(&cluster(generation, NonSecure), SignerVariant::Normal)
            );
        }
    }

    #[test]
    fn ctl_11_5_is_signed_by_the_publishers_callmanager() {
        let c = cluster(V11_5, Mixed);
        let list = |variant| ctl(&c, variant);
        let (l, _) = assert_signers(list, signer(PUB, Cm), signer(PUB, Rec));
        assert_eq!(l.kind, ListKind::Ctl);
        assert_eq!(shape(&l), ctl_shape([unit(PUB, Cm), unit(PUB, Rec)]));
    }

    #[test]
    fn ctl_12_and_14_are_signed_by_itlrecovery_and_carry_no_tvs() {
        for generation in [V12, V14] {
            let c = cluster(generation, Mixed);
            let list = |variant| ctl(&c, variant);
            let (l, _) = assert_signers(list, signer(PUB, Rec), signer(PUB, Cm));
            assert_eq!(
                shape(&l),
                ctl_shape([unit(PUB, Rec), unit(PUB, Cm)]),
                "{generation}"
            );
        }
    }

    #[test]
    fn token_ctl_has_the_two_etokens_as_sast() {
        let c = cluster(V12, Mixed);
        let l = layout(
            &c,
            ListSpec::TokenCtl {
                tokens: [b"token-1", b"token-2"],
            },
        )
        .unwrap();
        assert_eq!(
            shape(&l)[..3],
            [
                (Sast, Some(CertSource::Token(0))),
                (Sast, Some(CertSource::Token(1))),
                (CcmTftp, unit(PUB, Cm)),
            ]
        );
        assert_eq!(l.records.len(), 6);
        assert_eq!(l.records[0].dns_name, None);
        assert_eq!(l.records[0].address, None);
        assert_eq!(l.signer, CertSource::Token(0));
        assert_eq!(l.signer_certificate, b"token-1");
    }

    #[test]
    fn without_capf_there_is_no_capf_record() {
        let mut c = cluster(V14, NonSecure);
        c.nodes[PUB].roles.capf = false;
        let l = itl(&c, PUB, SignerVariant::Normal);
        assert_eq!(l.records.last().map(|r| r.function), Some(Function::Tvs));
        let l = ctl(&c, SignerVariant::Normal);
        assert_eq!(l.records.last().map(|r| r.function), Some(Tftp));
    }

    #[test]
    fn what_cannot_be_laid_out() {
        let c = cluster(V12, NonSecure);
        let err = |c: &LayoutCluster<'_>, spec| layout(c, spec).unwrap_err().to_string();
        let itl_of = |node| ListSpec::Itl {
            node,
            signer: SignerVariant::Normal,
        };
        assert_eq!(err(&c, itl_of(3)), "no node #3 (the cluster has 3)");
        let mut no_tftp = c.clone();
        no_tftp.nodes[SUB1].roles.tftp = false;
        assert_eq!(
            err(&no_tftp, itl_of(SUB1)),
            "ucm-sub1 does not run TFTP: it serves no ITL"
        );
        let mut no_tvs = c.clone();
        no_tvs.nodes[SUB1].certs.remove(&Tvs);
        assert_eq!(
            err(&no_tvs, itl_of(PUB)),
            "ucm-sub1 has no TVS certificate to put in the ITL"
        );
        let mut no_rec = c.clone();
        no_rec.nodes[PUB].certs.remove(&Rec);
        assert_eq!(
            err(
                &no_rec,
                ListSpec::Ctl {
                    signer: SignerVariant::Normal
                }
            ),
            "ucm-pub has no ITLRecovery certificate to put in the CTL"
        );
        let empty = LayoutCluster::new(V12, NonSecure, Vec::new());
        assert_eq!(err(&empty, itl_of(0)), "the cluster has no node");
        // The twin of each: the complete cluster lays out every file.
        for node in [PUB, SUB1, SUB2] {
            assert!(layout(&c, itl_of(node)).is_ok());
        }
    }

    #[test]
    fn specs_carry_the_certificates_fields() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/certs/");
        let read = |name: &str| {
            let bytes = std::fs::read(format!("{dir}{name}.pem")).unwrap();
            itl_pki::cert_from_pem_or_der(&bytes).unwrap()
        };
        let (cm, rec, tvs) = (
            read("ucm-pub-CallManager"),
            read("ucm-pub-ITLRecovery"),
            read("ucm-pub-TVS"),
        );
        let node = LayoutNode::new(
            "ucm-pub",
            Ipv4Addr::new(10, 10, 1, 11),
            Roles {
                capf: false,
                ..Roles::ALL
            },
        )
        .with_cert(Cm, &cm)
        .with_cert(Rec, &rec)
        .with_cert(Tvs, &tvs);
        let c = LayoutCluster::new(V12, NonSecure, vec![node]);
        let l = itl(&c, PUB, SignerVariant::Normal);
        let specs = l.record_specs(&c).unwrap();
        assert_eq!(
            specs[0],
            RecordSpec::from_certificate(Sast, &rec)
                .unwrap()
                .with_dns_name("ucm-pub")
                .with_ip(Ipv4Addr::new(10, 10, 1, 11))
        );
        assert_eq!(specs[2].function, Some(Tftp));
        assert_eq!(specs[2].certificate.as_deref(), Some(cm.as_slice()));
        let builder = l.builder(&c, 1_700_000_000).unwrap();
        assert_eq!(builder.records, specs);

        // Reject twin: bytes that are no certificate.
        let bad = LayoutCluster::new(
            V12,
            NonSecure,
            vec![c.nodes[0].clone().with_cert(Tvs, b"not a certificate")],
        );
        let err = itl(&bad, PUB, SignerVariant::Normal)
            .record_specs(&bad)
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "the TVS record of the TVS certificate of ucm-pub: certificate for a TVS record: "
            ),
            "{err}"
        );
    }
}
