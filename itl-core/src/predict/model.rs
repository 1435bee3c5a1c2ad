//! The predictor's inputs: the cluster as it is now ([`ClusterModel`], [`NodeModel`]) and each
//! phone as a sweep found it ([`PhoneInput`]).

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use crate::plan::Unit;
use crate::trust::{Capabilities, PhoneTrust};

/// Which CUCM behaviour the cluster follows (`trust-and-procedure.md` §1.2, §5.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    /// 8.x – 11.5: each TFTP node's ITL is signed by its own CallManager certificate; the
    /// tokenless CTL by the publisher's; one ITLRecovery per node.
    V11_5,
    /// 12.0 – 12.5: ITL and CTL signed by the cluster's ITLRecovery.
    V12,
    /// 14 and later: as 12, plus "Phone Interaction on Certificate Update" and TVS restarting
    /// by itself on regeneration.
    V14,
}

impl Generation {
    /// Whether ITLRecovery signs the ITL and the CTL.
    pub fn itl_recovery_signs(self) -> bool {
        !matches!(self, Generation::V11_5)
    }

    /// `11.5`, `12+` or `14+`.
    pub fn name(self) -> &'static str {
        match self {
            Generation::V11_5 => "11.5",
            Generation::V12 => "12+",
            Generation::V14 => "14+",
        }
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Generation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "11.5" | "11" | "10.5" | "11.x" => Ok(Generation::V11_5),
            "12+" | "12" | "12.5" | "12.x" => Ok(Generation::V12),
            "14+" | "14" | "15" | "15+" => Ok(Generation::V14),
            other => Err(format!("unknown generation {other:?} (11.5, 12+ or 14+)")),
        }
    }
}

/// One node as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeModel {
    /// Host name, as the trust lists' DNSNAME carries it.
    pub name: String,
    /// Its address (the records' IPADDRESS).
    pub address: Ipv4Addr,
    /// Runs Cisco Tftp.
    pub tftp: bool,
    /// Runs Cisco CallManager.
    pub callmanager: bool,
    /// Runs TVS.
    pub tvs: bool,
    /// Whether TFTP answers phones.
    pub tftp_up: bool,
    /// The node's current certificates (DER) by unit: CallManager and TVS on every node
    /// that has them, ITLRecovery (per node on 11.5, the publisher's on 12+) and CAPF on
    /// the publisher.
    pub certs: BTreeMap<Unit, Vec<u8>>,
    /// The ITL the node serves now (TFTP nodes).
    pub itl: Option<Vec<u8>>,
}

impl NodeModel {
    /// A node without certificates yet, TFTP up.
    pub fn new(name: &str, address: Ipv4Addr) -> Self {
        Self {
            name: name.to_owned(),
            address,
            tftp: false,
            callmanager: false,
            tvs: false,
            tftp_up: true,
            certs: BTreeMap::new(),
            itl: None,
        }
    }
}

/// The cluster as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterModel {
    /// Generation.
    pub generation: Generation,
    /// Mixed mode (a CTL is served).
    pub mixed: bool,
    /// 14+ "Phone Interaction on Certificate Update" = automatic: a TVS, CAPF, CallManager or
    /// ITLRecovery regeneration rebuilds the ITLs and resets every phone by itself.
    pub automatic_phone_interaction: bool,
    /// The nodes, publisher first.
    pub nodes: Vec<NodeModel>,
    /// The CTL served now (mixed mode).
    pub ctl: Option<Vec<u8>>,
}

impl ClusterModel {
    /// The index of the node called `name` (case-insensitive).
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.name.eq_ignore_ascii_case(name))
    }
}

/// One phone as the sweep found it.
#[derive(Clone, Debug)]
pub struct PhoneInput {
    /// Device name.
    pub name: String,
    /// Device pool (for `reset phones @pool`).
    pub device_pool: Option<String>,
    /// Its TFTP node, by index into [`ClusterModel::nodes`].
    pub tftp_node: usize,
    /// Its CallManager group's members in order, by node index (TVS servers are the members
    /// running TVS; the registration node is the first running CallManager).
    pub group: Vec<usize>,
    /// Model capabilities (TVS support, TLS profile, LSC).
    pub capabilities: Capabilities,
    /// The lists it holds now; `None` when unknown (its verdicts are `unknown`).
    pub trust: Option<PhoneTrust>,
    /// Whether it is on and registered through the plan; an off phone misses every reset of
    /// the plan and downloads once afterwards.
    pub on: bool,
    /// Whether `trust` was assumed rather than read (the phone was off at sweep time and is
    /// taken to hold what its TFTP node served).
    pub assumed: bool,
}
