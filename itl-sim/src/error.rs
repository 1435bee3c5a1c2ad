//! The simulator's error type.

use crate::faults::{AssignError, FaultSpecError};

/// Why the simulator could not build a cluster, apply a change or start a server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The options are out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The fault specification does not parse.
    #[error(transparent)]
    Faults(#[from] FaultSpecError),
    /// The fault specification does not fit the cluster (unknown names, too many phones).
    #[error(transparent)]
    FaultAssignment(#[from] AssignError),
    /// A key or certificate could not be made.
    #[error("cannot make the {what}: {source}")]
    Pki {
        /// Which identity.
        what: String,
        /// The PKI error.
        #[source]
        source: itl_pki::PkiError,
    },
    /// A trust list could not be built.
    #[error("cannot build {what}: {source}")]
    Build {
        /// Which file.
        what: String,
        /// The builder's error.
        #[source]
        source: itl_core::BuildError,
    },
    /// A trust list cannot be laid out from the cluster's certificates.
    #[error("cannot lay out a trust list: {0}")]
    Layout(#[from] itl_core::layout::LayoutError),
    /// No node has that name.
    #[error("no node named {0:?}")]
    UnknownNode(String),
    /// No phone has that name.
    #[error("no phone named {0:?}")]
    UnknownPhone(String),
    /// No device pool has that name.
    #[error("no device pool named {0:?}")]
    UnknownDevicePool(String),
    /// The node does not hold that certificate unit.
    #[error("node {node} has no {unit} certificate")]
    NoSuchUnit {
        /// The node.
        node: String,
        /// The unit.
        unit: String,
    },
    /// The node does not run (or cannot run) that service.
    #[error("node {node} does not run {service}")]
    NoSuchService {
        /// The node.
        node: String,
        /// The service.
        service: String,
    },
    /// The operation is refused in the cluster's current state.
    #[error("{0}")]
    Refused(String),
    /// No trust certificate matched.
    #[error("no certificate {id:?} in {store} on {node}")]
    NoSuchTrustCertificate {
        /// The node.
        node: String,
        /// The store.
        store: String,
        /// What was asked for.
        id: String,
    },
    /// A socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// TLS set-up failed.
    #[error("TLS set-up for {node}: {reason}")]
    Tls {
        /// The node.
        node: String,
        /// Why.
        reason: String,
    },
    /// Another I/O failure (writing the cluster or truth file...).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
