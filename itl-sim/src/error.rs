//! The simulator's error type.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use itl_core::cucm::{CertUnit, Service};
use itl_core::layout::{CertSource, LayoutError};

use crate::faults::{AssignError, FaultSpecError};
use crate::model::TrustStore;

/// Why the simulator could not build a cluster, apply a change or start a server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The sweep archive (`--archive DIR`) could not be written.
    #[error("cannot write the archive {}: {source}", dir.display())]
    Archive {
        /// The folder.
        dir: std::path::PathBuf,
        /// Why.
        #[source]
        source: itl_wire::archive::ArchiveError,
    },
    /// The options are out of range.
    #[error("invalid option: {0}")]
    InvalidOption(InvalidOption),
    /// The fault specification does not parse.
    #[error(transparent)]
    Faults(#[from] FaultSpecError),
    /// The fault specification does not fit the cluster (unknown names, too many phones).
    #[error(transparent)]
    FaultAssignment(#[from] AssignError),
    /// A key or certificate could not be made.
    #[error("cannot make the {part} of {label}: {source}")]
    Pki {
        /// What was being made.
        part: PkiPart,
        /// The identity's label (`sim/ucm-pub/CallManager/gen1`).
        label: String,
        /// The PKI error.
        #[source]
        source: itl_pki::PkiError,
    },
    /// Fewer identities came out of key generation than were planned (a bug).
    #[error("key generation made {made} identities, {planned} were planned")]
    IdentityCount {
        /// Identities planned.
        planned: usize,
        /// Identities made.
        made: usize,
    },
    /// A trust list cannot be laid out from the cluster's certificates.
    #[error("cannot lay out {list}: {source}")]
    Layout {
        /// Which list.
        list: BuiltList,
        /// Why.
        #[source]
        source: LayoutError,
    },
    /// The certificate that signs a list has no key in the simulator (a bug).
    #[error("cannot sign {list}: no key for its signer {signer:?}")]
    NoSignerKey {
        /// Which list.
        list: BuiltList,
        /// The signer the layout named.
        signer: CertSource,
    },
    /// A trust list could not be built.
    #[error("cannot build {list}: {source}")]
    Build {
        /// Which list.
        list: BuiltList,
        /// The builder's error.
        #[source]
        source: itl_core::BuildError,
    },
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
        unit: CertUnit,
    },
    /// The node does not run (or cannot run) that service.
    #[error("node {node} does not run {service}")]
    NoSuchService {
        /// The node.
        node: String,
        /// The service.
        service: Service,
    },
    /// A restart or start ended `Stopped` (fault `restart-fails`).
    #[error("{service} on {node} did not start: Component is not running")]
    RestartFailed {
        /// The node.
        node: String,
        /// The service.
        service: Service,
    },
    /// The events file could not be created.
    #[error(transparent)]
    Events(crate::events::EventLogError),
    /// A DRS backup is already running.
    #[error("a backup is already in progress")]
    BackupInProgress,
    /// A DRS operation on a node that is not the publisher.
    #[error("{node} is not the publisher: DRS backups run on the publisher")]
    NotPublisher {
        /// The node.
        node: String,
    },
    /// A CTL operation on a cluster that is not in mixed mode.
    #[error("the cluster is not in mixed mode: there is no CTL to {action}")]
    NoCtl {
        /// What was asked.
        action: CtlAction,
    },
    /// `utils ctl set-cluster mixed-mode` on a cluster already in mixed mode.
    #[error("the cluster is already in mixed mode")]
    AlreadyMixed,
    /// A parameter value outside its range.
    #[error("{parameter} must be {min} to {max}, not {value}")]
    ParameterOutOfRange {
        /// The parameter's name as the administration pages show it.
        parameter: &'static str,
        /// The value given.
        value: u32,
        /// The smallest value allowed.
        min: u32,
        /// The largest value allowed.
        max: u32,
    },
    /// The blocking task that makes a key failed (panicked or was cancelled).
    #[error("key generation task failed: {0}")]
    KeyTask(#[source] tokio::task::JoinError),
    /// No trust certificate matched.
    #[error("no certificate {id:?} in {store} on {node}")]
    NoSuchTrustCertificate {
        /// The node.
        node: String,
        /// The store.
        store: TrustStore,
        /// What was asked for (subject CN or serial).
        id: String,
    },
    /// A socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The local address of a bound socket cannot be read.
    #[error("cannot read the local address of a socket on {address}: {source}")]
    LocalAddr {
        /// The address it was bound on.
        address: Ipv4Addr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The node has no tomcat certificate to serve HTTPS with.
    #[error("TLS set-up for {node}: no tomcat certificate")]
    NoTomcatCertificate {
        /// The node.
        node: String,
    },
    /// TLS set-up failed.
    #[error("TLS set-up for {node}: {source}")]
    Tls {
        /// The node.
        node: String,
        /// The TLS library's error.
        #[source]
        source: rustls::Error,
    },
    /// A file could not be written (the cluster or truth file...).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// An option out of range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidOption {
    /// `--nodes` outside 1 ..= max.
    #[error("--nodes must be 1 to {max}, not {given}")]
    Nodes {
        /// The value given.
        given: usize,
        /// The largest allowed.
        max: usize,
    },
    /// `--phones` over the maximum.
    #[error("--phones must be at most {max}, not {given}")]
    Phones {
        /// The value given.
        given: usize,
        /// The largest allowed.
        max: usize,
    },
    /// A key size trust lists cannot carry.
    #[error("key size must be 1024, 2048 or 4096 bits, not {0}")]
    KeyBits(usize),
    /// A cluster name or domain with other characters than letters, digits, `-`, `.`, `_`.
    #[error("cluster name and domain take letters, digits, '-', '.', '_'")]
    Name,
    /// The `stale-ctl` fault on a non-secure cluster.
    #[error("the stale-ctl fault needs a mixed-mode cluster (--mixed)")]
    StaleCtlNeedsMixed,
    /// A socket address off loopback.
    #[error("{0} is not a loopback address")]
    NotLoopback(Ipv4Addr),
}

impl From<InvalidOption> for SimError {
    fn from(option: InvalidOption) -> Self {
        SimError::InvalidOption(option)
    }
}

/// What a PKI step was making.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PkiPart {
    /// The RSA key.
    Key,
    /// The self-signed certificate.
    Certificate,
    /// The key's PKCS#8 encoding (for TLS).
    Pkcs8,
}

impl fmt::Display for PkiPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PkiPart::Key => "key",
            PkiPart::Certificate => "certificate",
            PkiPart::Pkcs8 => "PKCS#8 encoding",
        })
    }
}

/// A trust list the simulator builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuiltList {
    /// The ITL of a TFTP node.
    Itl {
        /// The node.
        node: String,
    },
    /// The cluster's CTL.
    Ctl,
    /// The ITL of another cluster (the `foreign-itl` fault).
    ForeignItl,
}

impl fmt::Display for BuiltList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuiltList::Itl { node } => write!(f, "the ITL of {node}"),
            BuiltList::Ctl => f.write_str("the CTL"),
            BuiltList::ForeignItl => f.write_str("the foreign ITL"),
        }
    }
}

/// A CTL operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtlAction {
    /// `utils ctl update CTLFile`.
    Update,
    /// `utils ctl reset localkey`.
    Reset,
}

impl fmt::Display for CtlAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CtlAction::Update => "update",
            CtlAction::Reset => "reset",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_and_where() {
        assert_eq!(
            SimError::from(InvalidOption::Nodes { given: 0, max: 50 }).to_string(),
            "invalid option: --nodes must be 1 to 50, not 0"
        );
        assert_eq!(
            SimError::NoSuchService {
                node: "ucm-sub2".into(),
                service: Service::Tftp
            }
            .to_string(),
            "node ucm-sub2 does not run TFTP"
        );
        assert_eq!(
            SimError::NoCtl {
                action: CtlAction::Reset
            }
            .to_string(),
            "the cluster is not in mixed mode: there is no CTL to reset"
        );
        assert_eq!(
            SimError::Layout {
                list: BuiltList::Itl {
                    node: "ucm-pub".into()
                },
                source: LayoutError::NoNodes
            }
            .to_string(),
            "cannot lay out the ITL of ucm-pub: the cluster has no node"
        );
        assert_eq!(
            SimError::ParameterOutOfRange {
                parameter: "Allowed Device Queries Per Minute",
                value: 19,
                min: 1,
                max: 18
            }
            .to_string(),
            "Allowed Device Queries Per Minute must be 1 to 18, not 19"
        );
    }
}
