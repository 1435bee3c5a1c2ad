//! A CUCM node: its address, services, certificates (current and past generations) and trust
//! stores.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::model::archive::FileId;
use crate::model::identity::Identity;
use itl_core::cucm::{CertUnit, Service, ServiceStatus};

/// The services every simulated node knows (activated or not), in Control Center's order:
/// [`Service::ALL`] but the 14+ services the simulator does not run (HAProxy, SSOSP Tomcat).
pub const SIM_SERVICES: [Service; 11] = {
    let mut out = [Service::CallManager; 11];
    let (mut i, mut n) = (0, 0);
    while i < Service::ALL.len() {
        let service = Service::ALL[i];
        if !matches!(service, Service::HaProxy | Service::SsospTomcat) {
            out[n] = service;
            n += 1;
        }
        i += 1;
    }
    assert!(
        n == out.len(),
        "SIM_SERVICES: every simulated service, once"
    );
    out
};

/// A service on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ServiceState {
    /// Which.
    pub kind: Service,
    /// Its state.
    pub status: ServiceStatus,
    /// Model time of the last start.
    pub since: u64,
}

/// A trust store (`show cert list trust`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum TrustStore {
    /// `CallManager-trust`.
    CallManager,
    /// `Phone-SAST-trust`.
    PhoneSast,
    /// `tomcat-trust`.
    Tomcat,
    /// `ipsec-trust`.
    Ipsec,
    /// `CAPF-trust`.
    Capf,
}

impl TrustStore {
    /// Every store.
    pub const ALL: [TrustStore; 5] = [
        TrustStore::CallManager,
        TrustStore::PhoneSast,
        TrustStore::Tomcat,
        TrustStore::Ipsec,
        TrustStore::Capf,
    ];

    /// The name CUCM prints (`CallManager-trust`).
    pub fn name(self) -> &'static str {
        match self {
            TrustStore::CallManager => "CallManager-trust",
            TrustStore::PhoneSast => "Phone-SAST-trust",
            TrustStore::Tomcat => "tomcat-trust",
            TrustStore::Ipsec => "ipsec-trust",
            TrustStore::Capf => "CAPF-trust",
        }
    }

    /// Parses a store name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(text.trim()))
    }

    /// The unit whose certificates the store holds (`CallManager` for `CallManager-trust`);
    /// `None` for `Phone-SAST-trust`.
    pub fn unit(self) -> Option<CertUnit> {
        match self {
            TrustStore::CallManager => Some(CertUnit::CallManager),
            TrustStore::Tomcat => Some(CertUnit::Tomcat),
            TrustStore::Ipsec => Some(CertUnit::Ipsec),
            TrustStore::Capf => Some(CertUnit::Capf),
            TrustStore::PhoneSast => None,
        }
    }

    /// The store a unit's certificate is copied into on the other nodes (CUCM's certificate
    /// change notification). TVS and ITLRecovery certificates are not distributed.
    pub fn for_unit(unit: CertUnit) -> Option<Self> {
        unit.trust_store().and_then(Self::parse)
    }
}

itl_core::named!(TrustStore, name);

/// A certificate in a trust store.
#[derive(Clone, Debug)]
pub struct TrustEntry {
    /// The identity it copies (its own certificate on another node).
    pub identity: Identity,
}

impl TrustEntry {
    /// The file name `show cert list trust` prints and `set cert delete` takes (inferred):
    /// `<CN>.pem` for a first-generation certificate, `<CN>_<serial>.pem` (serial in lower-case
    /// hex) for a regenerated one, so that the old and the new certificate of a node, which
    /// share their CN, have different names.
    pub fn file_name(&self) -> String {
        let cn = &self.identity.certificate().subject().cn;
        if self.identity.generation <= 1 {
            format!("{cn}.pem")
        } else {
            format!(
                "{cn}_{}.pem",
                self.identity
                    .certificate()
                    .serial_hex()
                    .to_ascii_lowercase()
            )
        }
    }
}

/// Node-level faults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct NodeFaults {
    /// TFTP (UDP and HTTP 6970) does not answer.
    pub tftp_down: bool,
    /// RisPort70 throttles every request after the first per minute.
    pub risport_throttle: bool,
}

/// One node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Host name (`ucm-pub`).
    pub name: String,
    /// Loopback address (`127.0.1.1`).
    pub address: Ipv4Addr,
    /// Whether this is the publisher.
    pub publisher: bool,
    /// Services, one entry per [`SIM_SERVICES`] member.
    pub services: Vec<ServiceState>,
    /// Current certificates by unit.
    pub identities: BTreeMap<CertUnit, Identity>,
    /// Earlier generations, oldest first.
    pub retired: Vec<Identity>,
    /// The certificate TVS presents (changes when TVS restarts).
    pub tvs_serving: Option<Identity>,
    /// The certificate Tomcat presents (changes when Tomcat restarts).
    pub tomcat_serving: Option<Identity>,
    /// Trust stores.
    pub trust: BTreeMap<TrustStore, Vec<TrustEntry>>,
    /// The ITL the TFTP service serves (TFTP nodes).
    pub served_itl: Option<FileId>,
    /// A certificate or setting changed since the ITL was built, or the ITL is a localkey
    /// one: the next TFTP restart rebuilds it.
    pub itl_stale: bool,
    /// The served ITL was written by `utils itl reset localkey` (signed with the other SAST
    /// key) and no rebuild has happened since (a TFTP restart clears it).
    pub itl_localkey: bool,
    /// Faults.
    pub faults: NodeFaults,
}

impl Node {
    /// The state of a service.
    pub fn service(&self, kind: Service) -> ServiceStatus {
        self.services
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| s.status)
            .unwrap_or(ServiceStatus::NotActivated)
    }

    /// Whether a service is activated (started or stopped).
    pub fn runs(&self, kind: Service) -> bool {
        self.service(kind) != ServiceStatus::NotActivated
    }

    /// Whether a service is started.
    pub fn started(&self, kind: Service) -> bool {
        self.service(kind) == ServiceStatus::Started
    }

    /// Sets a service's state.
    pub(crate) fn set_service(&mut self, kind: Service, status: ServiceStatus, now: u64) {
        if let Some(s) = self.services.iter_mut().find(|s| s.kind == kind) {
            s.status = status;
            if status == ServiceStatus::Started {
                s.since = now;
            }
        }
    }

    /// The current certificate of a unit.
    pub fn identity(&self, unit: CertUnit) -> Option<&Identity> {
        self.identities.get(&unit)
    }

    /// Whether TFTP answers: the service is started and no fault stops it.
    pub fn tftp_answers(&self) -> bool {
        self.started(Service::Tftp) && !self.faults.tftp_down
    }
}
