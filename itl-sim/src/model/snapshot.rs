//! A read-only, owned view of the cluster for the SOAP services (AXL, RisPort70, Control
//! Center) and reports: what those interfaces return, without borrowing the model.

use itl_core::cucm::{ClusterSecurityMode, Generation, Service, ServiceStatus};
use std::net::Ipv4Addr;

use crate::model::{Cluster, SIM_UNITS, version_string};
use crate::phone::Phone;

/// A phone as AXL and RisPort see it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PhoneSnapshot {
    /// Device name (`SEP…`).
    pub name: String,
    /// Description.
    pub description: String,
    /// Product name (`Cisco 8841`).
    pub model: String,
    /// Numeric model code (RisPort `Model`).
    pub model_code: u32,
    /// `SIP` or `SCCP`.
    pub protocol: &'static str,
    /// Directory number.
    pub directory_number: String,
    /// Device pool.
    pub device_pool: String,
    /// CallManager group of the pool.
    pub cm_group: String,
    /// Registered.
    pub registered: bool,
    /// RisPort `StatusReason`.
    pub status_reason: u32,
    /// Node it is registered to (or was last).
    pub registered_node: Option<String>,
    /// Address.
    pub ip: Ipv4Addr,
    /// RisPort `Httpd`: web server enabled.
    pub httpd: bool,
    /// Powered on.
    pub powered: bool,
    /// Active load.
    pub load_id: String,
    /// Model time of the last registration change (RisPort `TimeStamp`).
    pub timestamp: u64,
    /// TFTP server 1 (node name).
    pub tftp_server: String,
    /// AXL UUID (`{A8D94FF0-…}`).
    pub uuid: String,
    /// AXL UUID of the device pool.
    pub device_pool_uuid: String,
    /// Security profile name.
    pub security_profile: String,
    /// Device security mode of the profile (`Non Secure`, `Authenticated`, `Encrypted`).
    pub security_mode: &'static str,
    /// Subject of the CAPF certificate that issued the phone's LSC, if it has one.
    pub lsc_issuer: Option<String>,
}

/// A service on a node.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ServiceSnapshot {
    /// Control Center name.
    pub name: &'static str,
    /// `Started`, `Stopped` or `Not Activated` (Control Center reports the last as Stopped
    /// with reason −1068).
    pub status: ServiceStatus,
    /// Model time of the last start.
    pub since: u64,
}

/// A certificate of a node (own or trust).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CertSnapshot {
    /// Unit (`CallManager`) for own certificates, store (`CallManager-trust`) for trust ones.
    pub service: String,
    /// The node that owns the certificate.
    pub owner: String,
    /// Generation.
    pub generation: u32,
    /// Subject in CUCM form.
    pub subject: String,
    /// Serial, hex.
    pub serial: String,
    /// SHA-256 of the DER, hex.
    pub sha256: String,
    /// PEM.
    pub pem: String,
}

/// A node.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NodeSnapshot {
    /// Host name.
    pub name: String,
    /// Address.
    pub address: Ipv4Addr,
    /// Publisher.
    pub publisher: bool,
    /// Services.
    pub services: Vec<ServiceSnapshot>,
    /// Own certificates.
    pub certificates: Vec<CertSnapshot>,
    /// Trust-store certificates.
    pub trust: Vec<CertSnapshot>,
    /// MD5 of the ITL served (TFTP nodes), upper-case hex.
    pub itl_md5: Option<String>,
}

/// The whole cluster.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    /// Cluster name.
    pub cluster: String,
    /// Version string the nodes report.
    pub version: &'static str,
    /// Generation.
    pub generation: Generation,
    /// Security mode.
    pub security_mode: ClusterSecurityMode,
    /// `RollBackToPreGrayback`.
    pub rollback: bool,
    /// "Allowed Device Queries Per Minute".
    pub device_queries_per_minute: u32,
    /// Model time.
    pub now: u64,
    /// Nodes, publisher first.
    pub nodes: Vec<NodeSnapshot>,
    /// CallManager groups: name and member node names.
    pub cm_groups: Vec<(String, Vec<String>)>,
    /// Device pools: name and CallManager group name.
    pub device_pools: Vec<(String, String)>,
    /// Phones.
    pub phones: Vec<PhoneSnapshot>,
}

impl Cluster {
    /// A phone as AXL and RisPort see it.
    pub fn phone_snapshot(&self, phone: &Phone) -> PhoneSnapshot {
        let pool = self.device_pools().get(phone.device_pool);
        let group = pool.and_then(|p| self.cm_groups().get(p.cm_group));
        PhoneSnapshot {
            name: phone.name.clone(),
            description: phone.description.clone(),
            model: phone.model.product_name(),
            model_code: phone.model.model_code(),
            protocol: phone.protocol.name(),
            directory_number: phone.directory_number.clone(),
            device_pool: pool.map(|p| p.name.clone()).unwrap_or_default(),
            cm_group: group.map(|g| g.name.clone()).unwrap_or_default(),
            registered: phone.registered,
            status_reason: phone.status_reason,
            registered_node: phone
                .registered_node
                .and_then(|n| self.nodes().get(n))
                .map(|n| n.name.clone()),
            ip: phone.address,
            httpd: phone.httpd(),
            powered: phone.powered,
            load_id: phone.model.load_id(phone.protocol),
            timestamp: phone.state_changed,
            tftp_server: self
                .nodes()
                .get(phone.tftp_node)
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            uuid: crate::model::uuids::object_uuid(
                self.seed(),
                crate::model::uuids::ObjectKind::Phone,
                &phone.name,
            ),
            device_pool_uuid: self.device_pool_uuid(phone.device_pool),
            security_profile: phone.security_profile.name.clone(),
            security_mode: phone.security_profile.mode.name(),
            lsc_issuer: phone.lsc.as_ref().map(|l| l.issuer.clone()),
        }
    }

    /// The whole cluster (phones included: 10 000 phones are a few MB).
    pub fn snapshot(&self) -> Snapshot {
        let cert = |service: String, id: &crate::model::Identity| CertSnapshot {
            service,
            owner: id.node.clone(),
            generation: id.generation,
            subject: id.certificate().subject_cucm(),
            serial: id.certificate().serial_hex(),
            sha256: hex::encode(id.sha256()),
            pem: id.certificate().to_pem(),
        };
        Snapshot {
            cluster: self.name().to_owned(),
            version: version_string(self.settings().generation),
            generation: self.settings().generation,
            security_mode: self.settings().security_mode,
            rollback: self.settings().rollback,
            device_queries_per_minute: self.settings().device_queries_per_minute,
            now: self.now(),
            nodes: self
                .nodes()
                .iter()
                .enumerate()
                .map(|(i, n)| NodeSnapshot {
                    name: n.name.clone(),
                    address: n.address,
                    publisher: n.publisher,
                    services: n
                        .services
                        .iter()
                        .map(|s| ServiceSnapshot {
                            name: s.kind.control_center_name(),
                            status: s.status,
                            since: s.since,
                        })
                        .collect(),
                    certificates: SIM_UNITS
                        .iter()
                        .filter_map(|u| n.identity(*u))
                        .map(|id| cert(id.unit.name().to_owned(), id))
                        .collect(),
                    trust: n
                        .trust
                        .iter()
                        .flat_map(|(store, entries)| {
                            entries
                                .iter()
                                .map(move |e| cert(store.name().to_owned(), &e.identity))
                        })
                        .collect(),
                    itl_md5: self.served_itl(i).map(|f| f.md5_upper()),
                })
                .collect(),
            cm_groups: self
                .cm_groups()
                .iter()
                .map(|g| {
                    (
                        g.name.clone(),
                        g.members
                            .iter()
                            .map(|&m| self.nodes()[m].name.clone())
                            .collect(),
                    )
                })
                .collect(),
            device_pools: self
                .device_pools()
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        self.cm_groups()
                            .get(p.cm_group)
                            .map(|g| g.name.clone())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            phones: self
                .phones()
                .iter()
                .map(|p| self.phone_snapshot(p))
                .collect(),
        }
    }

    /// Whether a node's service is started (shorthand for the SOAP services).
    pub fn service_started(&self, node: &str, service: Service) -> bool {
        self.node(node).is_some_and(|n| n.started(service))
    }
}
