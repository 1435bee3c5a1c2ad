//! The served lists of every TFTP node: each node's `CTLFile.tlv` and `ITLFile.tlv`, asked
//! over the transports a [`TransportPolicy`] names, all nodes at the same time.

use futures::future::join_all;
use itl_core::cucm::ListKind;

use super::TftpNode;
use crate::fetch::{FetchOutcome, Fetcher, Transport, TrustFile, TrustFileSet};
use crate::plan_input::ServedLists;
use itl_wire::cluster_file::{ClusterFile, ClusterFileError};

/// Which transports a node is asked over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportPolicy {
    /// The node's own transport only (`itl sweep`: HTTP 6970, or TFTP with `--tftp`).
    AsConfigured,
    /// Each transport in turn until one serves an ITL (`itl plan suggest`: HTTP 6970, else
    /// TFTP).
    FirstServing(Vec<Transport>),
    /// Every transport, to compare what they serve (`itl demo`).
    Every(Vec<Transport>),
}

/// What one TFTP node served.
#[derive(Debug)]
pub struct NodeLists {
    /// The node.
    pub node: TftpNode,
    /// One set per transport asked, in the order asked.
    pub sets: Vec<TrustFileSet>,
}

/// The `Fetched` file of `kind` in `set`.
fn fetched(set: &TrustFileSet, kind: ListKind) -> Option<&TrustFile> {
    let file = match kind {
        ListKind::Itl => set.itl(),
        ListKind::Ctl => set.ctl(),
    }?;
    file.bytes().map(|_| file)
}

/// What went wrong in one set: CTL first, then ITL, as a phone asks.
fn set_errors(set: &TrustFileSet) -> Vec<String> {
    let mut errors = Vec::new();
    for kind in ListKind::DOWNLOAD_ORDER {
        let file = match kind {
            ListKind::Ctl => set.ctl(),
            ListKind::Itl => set.itl(),
        };
        match file.map(|f| (&f.name, &f.outcome)) {
            Some((name, FetchOutcome::NotFound)) if kind == ListKind::Itl => {
                errors.push(format!("{name} not served"));
            }
            Some((_, FetchOutcome::Fetched(_) | FetchOutcome::NotFound)) => {}
            Some((_, FetchOutcome::Failed(e))) => errors.push(e.to_string()),
            None if kind == ListKind::Itl && errors.is_empty() => {
                errors.push(format!(
                    "{} not asked (server unreachable)",
                    ListKind::Itl.cluster_file()
                ));
            }
            None => {}
        }
    }
    errors
}

impl NodeLists {
    /// The set the node's lists are taken from: the first that served an ITL, else the
    /// first asked.
    pub fn primary(&self) -> Option<&TrustFileSet> {
        self.sets
            .iter()
            .find(|s| fetched(s, ListKind::Itl).is_some())
            .or_else(|| self.sets.first())
    }

    /// The set asked over `transport`.
    pub fn over(&self, transport: Transport) -> Option<&TrustFileSet> {
        self.sets.iter().find(|s| s.server.transport == transport)
    }

    /// The ITL served (from [`NodeLists::primary`]).
    pub fn itl(&self) -> Option<&TrustFile> {
        self.primary().and_then(|s| fetched(s, ListKind::Itl))
    }

    /// The CTL served (from [`NodeLists::primary`]).
    pub fn ctl(&self) -> Option<&TrustFile> {
        self.primary().and_then(|s| fetched(s, ListKind::Ctl))
    }

    /// Whether the CTL question was answered: a CTL was served, or the node said it has none.
    pub fn ctl_known(&self) -> bool {
        self.primary()
            .and_then(TrustFileSet::ctl)
            .is_some_and(|f| matches!(f.outcome, FetchOutcome::Fetched(_) | FetchOutcome::NotFound))
    }

    /// Why a list is missing: the problems of the primary set, or of every set when none
    /// served an ITL; `None` when nothing went wrong.
    pub fn error(&self) -> Option<String> {
        let errors: Vec<String> = if self.itl().is_some() {
            self.primary().map(set_errors).unwrap_or_default()
        } else {
            self.sets.iter().flat_map(set_errors).collect()
        };
        (!errors.is_empty()).then(|| errors.join("; "))
    }

    /// Whether every set that served an ITL served the same bytes.
    pub fn itl_agrees(&self) -> bool {
        let mut itls = self
            .sets
            .iter()
            .filter_map(|s| fetched(s, ListKind::Itl).and_then(TrustFile::bytes));
        match itls.next() {
            Some(first) => itls.all(|other| other == first),
            None => true,
        }
    }

    /// The lists as the predictor's input takes them.
    pub fn served_lists(&self) -> ServedLists {
        ServedLists {
            node: self.node.name.clone(),
            itl: self.itl().and_then(TrustFile::bytes).map(<[u8]>::to_vec),
            ctl: self.ctl().and_then(TrustFile::bytes).map(<[u8]>::to_vec),
            error: if self.itl().is_some() {
                None
            } else {
                self.error()
            },
        }
    }
}

async fn fetch_node(node: &TftpNode, fetcher: &Fetcher, policy: &TransportPolicy) -> NodeLists {
    let over = |transport: Transport| {
        let mut server = node.server.clone();
        server.transport = transport;
        server
    };
    let mut sets = Vec::new();
    match policy {
        TransportPolicy::AsConfigured => {
            sets.push(fetcher.fetch_trust_files(&node.server, None).await);
        }
        TransportPolicy::FirstServing(transports) => {
            for &t in transports {
                let set = fetcher.fetch_trust_files(&over(t), None).await;
                let served = fetched(&set, ListKind::Itl).is_some();
                sets.push(set);
                if served {
                    break;
                }
            }
        }
        TransportPolicy::Every(transports) => {
            for &t in transports {
                sets.push(fetcher.fetch_trust_files(&over(t), None).await);
            }
        }
    }
    NodeLists {
        node: node.clone(),
        sets,
    }
}

/// Fetches what every node in `nodes` serves, all nodes at the same time; one [`NodeLists`]
/// per node, in node order. Every fetch is bounded by the fetcher's timeouts.
pub async fn fetch_served(
    nodes: &[TftpNode],
    fetcher: &Fetcher,
    policy: &TransportPolicy,
) -> Vec<NodeLists> {
    join_all(nodes.iter().map(|n| fetch_node(n, fetcher, policy))).await
}

/// The lists every TFTP node of a cluster file serves, over HTTP 6970, else TFTP, for the
/// predictor (`itl plan suggest` without a sweep).
pub async fn cluster_served_lists(
    cluster: &ClusterFile,
    fetcher: &Fetcher,
) -> Result<Vec<ServedLists>, ClusterFileError> {
    let nodes = super::tftp_nodes_of(cluster, Transport::Http)?;
    let policy = TransportPolicy::FirstServing(vec![Transport::Http, Transport::Tftp]);
    Ok(fetch_served(&nodes, fetcher, &policy)
        .await
        .iter()
        .map(NodeLists::served_lists)
        .collect())
}
