//! What a cluster's TFTP nodes serve: the nodes ([`TftpNode`], from a cluster file or an
//! inventory), their ITL and CTL fetched over the transports a command asks for
//! ([`fetch_served`]), and a summary of one served list ([`summarise`]). Every command that
//! looks at served lists (`itl sweep`, `itl plan suggest`, `itl demo`, `itl fetch --server`)
//! goes through here.

mod fetch;
mod summary;

pub use fetch::{NodeLists, TransportPolicy, cluster_served_lists, fetch_served};
pub use summary::{ServedListSummary, summarise};

use crate::fetch::{Transport, TrustServer};
use itl_wire::cluster_file::{ClusterFile, ClusterFileError};

/// A TFTP node to take reference lists from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TftpNode {
    /// Name (the cluster file's node name, or the host for inventory servers).
    pub name: String,
    /// Names and addresses phones may show for it.
    pub hosts: Vec<String>,
    /// Where and how to fetch.
    pub server: TrustServer,
}

/// The TFTP nodes of a cluster file, fetched with `transport`.
pub fn tftp_nodes_of(
    cluster: &ClusterFile,
    transport: Transport,
) -> Result<Vec<TftpNode>, ClusterFileError> {
    let mut out = Vec::new();
    for node in cluster.tftp_nodes() {
        if let Some(server) = TrustServer::of_node(node, transport)? {
            out.push(TftpNode {
                name: node.name.clone(),
                hosts: vec![node.name.clone(), node.address.clone(), server.host.clone()],
                server,
            });
        }
    }
    Ok(out)
}
