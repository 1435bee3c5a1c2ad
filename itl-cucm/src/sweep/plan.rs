//! What to sweep ([`SweepPlan`]): the phones, the TFTP nodes whose lists are the reference,
//! and facts about the cluster, assembled once ([`assemble`]) from a cluster file and/or an
//! inventory, for every command that sweeps (`itl sweep`, `itl demo`, the benchmarks).
//!
//! The phones come from an inventory CSV, or from cluster discovery (AXL + RisPort70, done by
//! the caller). The TFTP nodes are the cluster file's, plus one per inventory `tftp_server`
//! that no node answers for (named after its host).

use std::path::PathBuf;

use crate::fetch::{Transport, TrustServer};
use crate::served::{TftpNode, tftp_nodes_of};
use itl_wire::address::ServerAddress;
use itl_wire::cluster_file::{ClusterFile, ClusterFileError};

use super::classify::host_of;
use super::inventory::{self, Discovery, InventoryError, InventoryPhone};
use super::report::ClusterFacts;

/// What to sweep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepPlan {
    /// Facts about the cluster for the report.
    pub cluster: ClusterFacts,
    /// The phones, in report order.
    pub phones: Vec<InventoryPhone>,
    /// Where the reference lists come from.
    pub tftp_nodes: Vec<TftpNode>,
    /// Warnings carried into the report (discovery gaps).
    pub warnings: Vec<String>,
}

/// Where the phones of a sweep come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneSource {
    /// An inventory CSV file (see [`inventory::read_csv`]).
    InventoryCsv(PathBuf),
    /// Phones listed by the caller, as an inventory.
    Inventory(Vec<InventoryPhone>),
    /// What cluster discovery (AXL + RisPort70) found.
    Discovered(Discovery),
}

/// A plan that could not be assembled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The cluster file's TFTP nodes are unusable.
    #[error(transparent)]
    Cluster(#[from] ClusterFileError),
    /// The inventory could not be read.
    #[error(transparent)]
    Inventory(#[from] InventoryError),
}

/// The warning a plan without any TFTP node carries.
pub const NO_TFTP_NODE: &str =
    "no TFTP node known: every ITL hash is compared with the archive only";

/// Assembles the plan: the phones of `phones`, the TFTP nodes of `cluster` (fetched with
/// `transport`) plus the inventory's own TFTP servers, the cluster's name and security mode.
pub fn assemble(
    cluster: Option<&ClusterFile>,
    phones: PhoneSource,
    transport: Transport,
) -> Result<SweepPlan, PlanError> {
    let (source, phones, security_mode, mut warnings) = match phones {
        PhoneSource::InventoryCsv(path) => {
            ("inventory", inventory::load_csv(&path)?, None, Vec::new())
        }
        PhoneSource::Inventory(phones) => ("inventory", phones, None, Vec::new()),
        PhoneSource::Discovered(found) => (
            "cluster-file",
            found.phones,
            found.security_mode,
            found.warnings,
        ),
    };
    let mut tftp_nodes = match cluster {
        Some(cluster) => tftp_nodes_of(cluster, transport)?,
        None => Vec::new(),
    };
    warnings.extend(add_inventory_servers(&mut tftp_nodes, &phones, transport));
    if tftp_nodes.is_empty() {
        warnings.push(NO_TFTP_NODE.to_owned());
    }
    Ok(SweepPlan {
        cluster: ClusterFacts {
            name: cluster.map(|c| c.cluster.name.clone()),
            source: source.to_owned(),
            security_mode,
        },
        phones,
        tftp_nodes,
        warnings,
    })
}

/// Adds a node for every inventory TFTP server that no node in `nodes` answers for; returns
/// a warning for each server that is not an address ([`ServerAddress`]; an inventory CSV
/// never has one, [`inventory::read_csv`] refuses them).
pub fn add_inventory_servers(
    nodes: &mut Vec<TftpNode>,
    phones: &[InventoryPhone],
    transport: Transport,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for p in phones {
        let Some(text) = p.tftp_server.as_deref() else {
            continue;
        };
        let host = host_of(text);
        if host.is_empty()
            || nodes
                .iter()
                .any(|n| n.hosts.iter().any(|h| host_of(h) == host))
        {
            continue;
        }
        match ServerAddress::parse(text) {
            Ok(address) => nodes.push(TftpNode {
                name: host.clone(),
                hosts: vec![host],
                server: TrustServer::from_address(&address, transport, Transport::Tftp),
            }),
            Err(e) => {
                let text = format!("{}: tftp_server {e}", p.name);
                if !warnings.contains(&text) {
                    warnings.push(text);
                }
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::TrustServer;

    #[test]
    fn inventory_servers_are_added_once() {
        let mut nodes = vec![TftpNode {
            name: "ucm-pub".into(),
            hosts: vec!["ucm-pub".into(), "127.0.1.1".into()],
            server: TrustServer::http("127.0.1.1"),
        }];
        let phone = |t: &str| InventoryPhone {
            name: "x".into(),
            tftp_server: Some(t.into()),
            ..InventoryPhone::default()
        };
        let warnings = add_inventory_servers(
            &mut nodes,
            &[
                phone("127.0.1.1"),
                phone("http://127.0.1.2:7000"),
                phone("127.0.1.2"),
                phone(""),
            ],
            Transport::Http,
        );
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[1].name, "127.0.1.2");
        assert_eq!(nodes[1].server.to_string(), "http://127.0.1.2:7000");
        assert!(warnings.is_empty());
    }

    #[test]
    fn reject_twin_a_server_that_is_no_address_is_a_warning() {
        let mut nodes = Vec::new();
        let phone = InventoryPhone {
            name: "SEP1".into(),
            tftp_server: Some("127.0.1.3:port".into()),
            ..InventoryPhone::default()
        };
        let warnings = add_inventory_servers(&mut nodes, &[phone], Transport::Http);
        assert!(nodes.is_empty());
        assert_eq!(
            warnings,
            vec![
                "SEP1: tftp_server \"127.0.1.3:port\" is not a server address: the port \"port\" is not a number from 1 to 65535"
            ]
        );
    }

    use itl_testkit::cluster_file::TWO_NODES as CLUSTER;

    fn phone(name: &str, tftp: Option<&str>) -> InventoryPhone {
        InventoryPhone {
            name: name.into(),
            address: Some("127.1.0.1".into()),
            tftp_server: tftp.map(str::to_owned),
            ..InventoryPhone::default()
        }
    }

    #[test]
    fn assembled_from_a_cluster_file_and_an_inventory() {
        let cluster = ClusterFile::from_toml_str(CLUSTER).expect("cluster file");
        let plan = assemble(
            Some(&cluster),
            PhoneSource::Inventory(vec![
                phone("SEP000000000001", Some("127.0.1.1")),
                phone("SEP000000000002", Some("tftp://127.0.1.9:1069")),
                phone("SEP000000000003", None),
            ]),
            Transport::Http,
        )
        .expect("plan");
        assert_eq!(
            plan.cluster,
            ClusterFacts {
                name: Some("sim".into()),
                source: "inventory".into(),
                security_mode: None,
            }
        );
        assert_eq!(plan.phones.len(), 3);
        let nodes: Vec<(String, String)> = plan
            .tftp_nodes
            .iter()
            .map(|n| (n.name.clone(), n.server.to_string()))
            .collect();
        assert_eq!(
            nodes,
            vec![
                ("ucm-pub".into(), "http://127.0.1.1:6970".into()),
                ("127.0.1.9".into(), "tftp://127.0.1.9:1069".into()),
            ]
        );
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    }

    #[test]
    fn discovered_phones_carry_the_discovery_facts() {
        let cluster = ClusterFile::from_toml_str(CLUSTER).expect("cluster file");
        let found = Discovery {
            phones: vec![phone("SEP000000000001", None)],
            security_mode: Some(itl_core::cucm::ClusterSecurityMode::Mixed),
            warnings: vec!["RisPort failed".into()],
        };
        let plan = assemble(
            Some(&cluster),
            PhoneSource::Discovered(found),
            Transport::Tftp,
        )
        .expect("plan");
        assert_eq!(plan.cluster.source, "cluster-file");
        assert_eq!(
            plan.cluster.security_mode,
            Some(itl_core::cucm::ClusterSecurityMode::Mixed)
        );
        assert_eq!(plan.warnings, vec!["RisPort failed".to_owned()]);
        assert_eq!(plan.tftp_nodes[0].server.to_string(), "tftp://127.0.1.1:69");
    }

    #[test]
    fn without_any_tftp_node_the_plan_says_so() {
        let plan = assemble(
            None,
            PhoneSource::Inventory(vec![phone("SEP000000000001", None)]),
            Transport::Http,
        )
        .expect("plan");
        assert_eq!(plan.cluster.name, None);
        assert!(plan.tftp_nodes.is_empty());
        assert_eq!(plan.warnings, vec![NO_TFTP_NODE.to_owned()]);
        // A missing inventory file is an error, not an empty plan.
        let err = assemble(
            None,
            PhoneSource::InventoryCsv("/nonexistent/phones.csv".into()),
            Transport::Http,
        )
        .expect_err("no file");
        assert!(
            err.to_string().starts_with("/nonexistent/phones.csv: "),
            "{err}"
        );
    }
}
