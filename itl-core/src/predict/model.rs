//! The predictor's inputs: the cluster as it is now ([`ClusterModel`], [`NodeModel`]) and each
//! phone as a sweep found it ([`PhoneInput`]).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::cucm::{CertUnit, Generation};
use crate::trust::{Capabilities, PhoneTrust};

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
    pub certs: BTreeMap<CertUnit, Vec<u8>>,
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
