//! The simulated cluster: nodes, certificates, settings, trust files, topology and the phone
//! fleet, with the operations an administrator (or a replay tool) performs on it.
//!
//! * [`Cluster::build`] makes a cluster from [`SimOptions`](crate::SimOptions).
//! * [`changes`]: regenerate certificates, restart services, update the CTL, reset the ITLs
//!   and the CTL to the local key, reset and power phones, set parameters, delete trust
//!   certificates.
//! * [`snapshot`]: a read-only view for the SOAP services and reports.
//! * [`files`]: what each TFTP node serves under which name.

pub mod archive;
mod build;
pub mod changes;
pub mod clock;
pub mod export;
pub mod files;
pub mod identity;
pub mod node;
pub mod ops;
mod phone_security;
mod reset;
pub mod settings;
pub mod snapshot;
pub mod topology;
pub mod trust_files;
pub mod uuids;

use std::collections::HashMap;
use std::net::Ipv4Addr;

pub use archive::{Archive, ArchivedFile, FileId, FileOrigin};
pub use changes::{ChangeReport, PhoneSelector, ResetKind, ResetReport};
pub use clock::{Clock, ClockMode, EPOCH};
pub use identity::{Identity, IdentityPlan, Organisation, SIM_UNITS};
pub use node::{Node, NodeFaults, SIM_SERVICES, ServiceState, TrustEntry, TrustStore};
pub use ops::{BackupRecord, PendingRegistration, ServiceOp};
pub use settings::{Parameter, PhoneInteraction, Settings, version_string};
pub use topology::{CmGroup, DevicePool};

use crate::faults::FaultSpec;
use crate::phone::Phone;
use itl_core::cucm::{ClusterSecurityMode, Service};

/// A whole simulated cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    name: String,
    domain: String,
    seed: u64,
    key_bits: usize,
    organisation: Organisation,
    faults: FaultSpec,
    settings: Settings,
    nodes: Vec<Node>,
    cm_groups: Vec<CmGroup>,
    device_pools: Vec<DevicePool>,
    phones: Vec<Phone>,
    by_name: HashMap<String, usize>,
    by_address: HashMap<Ipv4Addr, usize>,
    archive: Archive,
    ctl: Option<FileId>,
    ctl_localkey: bool,
    clock: Clock,
    oracle_cache: std::sync::Arc<itl_core::trust::TrustCache>,
    ops: ops::Operations,
}

impl Cluster {
    /// The cluster name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The nodes' DNS domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// RSA key size of new identities.
    pub fn key_bits(&self) -> usize {
        self.key_bits
    }

    /// The fault spec the cluster was built with.
    pub fn faults(&self) -> &FaultSpec {
        &self.faults
    }

    /// Settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Nodes, publisher first.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// A node by name.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// A node's index by name.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The publisher.
    pub fn publisher(&self) -> &Node {
        &self.nodes[0]
    }

    /// Indexes of the nodes that run TFTP.
    pub fn tftp_nodes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].runs(Service::Tftp))
    }

    /// CallManager groups.
    pub fn cm_groups(&self) -> &[CmGroup] {
        &self.cm_groups
    }

    /// Device pools.
    pub fn device_pools(&self) -> &[DevicePool] {
        &self.device_pools
    }

    /// Phones in fleet order.
    pub fn phones(&self) -> &[Phone] {
        &self.phones
    }

    /// A phone by device name.
    pub fn phone(&self, name: &str) -> Option<&Phone> {
        self.by_name.get(name).map(|&i| &self.phones[i])
    }

    /// A phone's index by device name.
    pub fn phone_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// A phone's index by its loopback address.
    pub fn phone_index_by_address(&self, address: Ipv4Addr) -> Option<usize> {
        self.by_address.get(&address).copied()
    }

    /// Every trust file built or held.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// The ITL a TFTP node serves now.
    pub fn served_itl(&self, node: usize) -> Option<&ArchivedFile> {
        self.nodes
            .get(node)?
            .served_itl
            .and_then(|id| self.archive.get(id))
    }

    /// The cluster's CTL, when one is served (mixed mode, CTL Provider running).
    pub fn served_ctl(&self) -> Option<&ArchivedFile> {
        if self.settings.security_mode != ClusterSecurityMode::Mixed
            || !self.publisher().started(Service::CtlProvider)
        {
            return None;
        }
        self.ctl.and_then(|id| self.archive.get(id))
    }

    /// The CTL last built, whether or not it is served.
    pub fn ctl(&self) -> Option<&ArchivedFile> {
        self.ctl.and_then(|id| self.archive.get(id))
    }

    /// Whether the CTL last built was written by `utils ctl reset localkey` (signed with the
    /// publisher's other SAST key); the next [`Cluster::ctl_update`] clears it.
    pub fn ctl_localkey(&self) -> bool {
        self.ctl_localkey
    }

    /// Model time now.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Switches the clock mode (e.g. to the wall clock when serving interactively).
    pub fn set_clock_mode(&mut self, mode: ClockMode) {
        self.clock.set_mode(mode);
    }

    /// The TVS servers of a phone: the members of its device pool's CallManager group.
    pub fn tvs_servers(&self, phone: &Phone) -> Vec<usize> {
        self.device_pools
            .get(phone.device_pool)
            .and_then(|p| self.cm_groups.get(p.cm_group))
            .map(|g| g.members.clone())
            .unwrap_or_default()
    }
}
