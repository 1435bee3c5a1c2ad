//! What the orchestrator must know of a cluster to turn plan lines into actions: its
//! generation and modes, its nodes and which services each runs.

use itl_core::cucm::{CertUnit, Generation, Service};
use itl_wire::cluster_file::ClusterFile;

/// One node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopoNode {
    /// Host name.
    pub name: String,
    /// Whether it is the publisher.
    pub publisher: bool,
    /// The services the cluster file lists for it (TFTP, TVS, CallManager, CTIManager, CAPF).
    pub services: Vec<Service>,
}

/// A cluster as the orchestrator plans on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    /// The cluster's name.
    pub cluster: String,
    /// Its generation.
    pub generation: Generation,
    /// Whether it is in mixed mode.
    pub mixed_mode: bool,
    /// Whether phones reset by themselves after a certificate change (14+ "Phone Interaction
    /// on Certificate Update" set to automatic).
    pub automatic_phone_interaction: bool,
    /// Nodes, publisher first, then in the cluster file's order.
    pub nodes: Vec<TopoNode>,
}

/// The services whose placement the cluster file records per node (`services = [...]`).
const TRACKED: [Service; 5] = [
    Service::Tftp,
    Service::Tvs,
    Service::CallManager,
    Service::CtiManager,
    Service::Capf,
];

impl Topology {
    /// The topology of a cluster file. A node without `services` (files written before they
    /// were recorded) is taken to run TFTP when it has a TFTP address, CAPF when it is the
    /// publisher, and TVS, CallManager and CTIManager everywhere.
    pub fn from_cluster_file(
        file: &ClusterFile,
        generation: Generation,
        mixed_mode: bool,
        automatic_phone_interaction: bool,
    ) -> Self {
        let mut nodes: Vec<TopoNode> = file
            .nodes
            .iter()
            .map(|n| {
                let listed = n.service_list().unwrap_or_default();
                let services = if n.services.is_empty() {
                    let mut s = vec![Service::Tvs, Service::CallManager, Service::CtiManager];
                    if n.tftp.is_some() || n.tftp_http.is_some() {
                        s.push(Service::Tftp);
                    }
                    if n.publisher {
                        s.push(Service::Capf);
                    }
                    s
                } else {
                    listed
                };
                TopoNode {
                    name: n.name.clone(),
                    publisher: n.publisher,
                    services,
                }
            })
            .collect();
        nodes.sort_by_key(|n| !n.publisher);
        Self {
            cluster: file.cluster.name.clone(),
            generation,
            mixed_mode,
            automatic_phone_interaction,
            nodes,
        }
    }

    /// The publisher (the first node when the file names none).
    pub fn publisher(&self) -> Option<&TopoNode> {
        self.nodes
            .iter()
            .find(|n| n.publisher)
            .or(self.nodes.first())
    }

    /// Whether `node` runs `service`: the services the cluster file tracks as listed; DRF
    /// Master on the publisher; the others (Tomcat, DRF Local, Certificate Change
    /// Notification, HAProxy, SSOSP Tomcat, RIS Data Collector, CTL Provider) on every node.
    pub fn runs(&self, node: &TopoNode, service: Service) -> bool {
        if TRACKED.contains(&service) {
            node.services.contains(&service)
        } else if service == Service::DrfMaster {
            node.publisher
        } else {
            true
        }
    }

    /// Whether `node` holds a certificate of `unit` on this generation.
    pub fn holds(&self, node: &TopoNode, unit: CertUnit) -> bool {
        unit.held_by(node.publisher, self.generation)
    }
}
