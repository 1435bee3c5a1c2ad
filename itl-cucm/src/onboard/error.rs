//! [`OnboardError`]: why a cluster could not be onboarded, naming the server and the step.

use itl_wire::soap::process_node::ProcessNodeError;

use crate::soap::ClientError;
use crate::transport::HttpError;

/// A failed onboarding step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnboardError {
    /// `--publisher` is not `host[:port]`.
    #[error("{0:?} is not a server address (host, host:port or [IPv6]:port)")]
    BadAddress(String),
    /// The server's certificate could not be fetched.
    #[error("cannot read the TLS certificate: {source}")]
    Probe {
        /// The HTTP error, naming the URL.
        #[source]
        source: HttpError,
    },
    /// The presented certificate is not a readable X.509 certificate.
    #[error("{peer}: the certificate cannot be read: {reason}")]
    Certificate {
        /// The URL.
        peer: String,
        /// The parser's reason.
        reason: String,
    },
    /// An AXL call failed (version discovery, the server list).
    #[error("AXL: {source}")]
    Axl {
        /// The client error, naming the URL.
        #[source]
        source: ClientError,
    },
    /// The server list has a row that is no server.
    #[error("AXL: {0}")]
    Nodes(#[from] ProcessNodeError),
    /// The server list does not contain the address onboarding started from.
    #[error(
        "the publisher {publisher} is not among the cluster's servers ({})",
        servers.join(", ")
    )]
    PublisherNotListed {
        /// The address given.
        publisher: String,
        /// The servers AXL listed.
        servers: Vec<String>,
    },
    /// A server's name does not resolve.
    #[error("server {node}: cannot resolve its address: {reason}")]
    Resolve {
        /// The server as listed.
        node: String,
        /// Why.
        reason: String,
    },
    /// Control Center of a node failed.
    #[error("node {node}: Control Center: {source}")]
    ControlCenter {
        /// The node.
        node: String,
        /// The client error.
        #[source]
        source: ClientError,
    },
    /// A node's certificate could not be fetched or read.
    #[error("node {node}: {source}")]
    Node {
        /// The node.
        node: String,
        /// What failed.
        #[source]
        source: Box<OnboardError>,
    },
}
