//! A canonical serialisation of everything a seed decides (keys, certificates, files, phones,
//! faults), to compare two clusters: same options and seed must serialise identically.

use serde::Serialize;

use crate::faults::PhoneFault;
use crate::model::{Cluster, SIM_UNITS};

/// One identity: key and certificate digests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdentityExport {
    /// Key-derivation label.
    pub label: String,
    /// SHA-256 of the PKCS#8 DER of the private key.
    pub key_sha256: String,
    /// SHA-256 of the certificate DER.
    pub cert_sha256: String,
}

/// One phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhoneExport {
    /// Name.
    pub name: String,
    /// Model number.
    pub model: &'static str,
    /// Address.
    pub address: String,
    /// Device pool index.
    pub device_pool: usize,
    /// TFTP node index.
    pub tftp_node: usize,
    /// Fault.
    pub fault: Option<PhoneFault>,
    /// MD5 of the held ITL.
    pub itl: Option<String>,
    /// MD5 of the held CTL.
    pub ctl: Option<String>,
    /// Status messages with times.
    pub log: Vec<(u64, String)>,
}

/// Everything a seed decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterExport {
    /// Identities of every node.
    pub identities: Vec<IdentityExport>,
    /// MD5 of each archived file, in order.
    pub files: Vec<String>,
    /// Phones.
    pub phones: Vec<PhoneExport>,
    /// The fault spec.
    pub faults: String,
    /// Node faults (node name, tftp-down, risport-throttle).
    pub node_faults: Vec<(String, bool, bool)>,
}

impl Cluster {
    /// The canonical export.
    pub fn export(&self) -> ClusterExport {
        let md5 = |id: Option<crate::model::FileId>| {
            id.and_then(|id| self.archive().get(id))
                .map(|f| f.md5_upper())
        };
        ClusterExport {
            identities: self
                .nodes()
                .iter()
                .flat_map(|n| SIM_UNITS.iter().filter_map(|u| n.identity(*u)))
                .map(|id| IdentityExport {
                    label: id.label.clone(),
                    key_sha256: id
                        .key_pkcs8_der()
                        .map(|der| hex::encode(itl_core::checksum::sha256(&der)))
                        .unwrap_or_default(),
                    cert_sha256: hex::encode(id.sha256()),
                })
                .collect(),
            files: self
                .archive()
                .files()
                .iter()
                .map(|f| f.md5_upper())
                .collect(),
            phones: self
                .phones()
                .iter()
                .map(|p| PhoneExport {
                    name: p.name.clone(),
                    model: p.model.number(),
                    address: p.address.to_string(),
                    device_pool: p.device_pool,
                    tftp_node: p.tftp_node,
                    fault: p.fault,
                    itl: md5(p.itl),
                    ctl: md5(p.ctl),
                    log: p
                        .log
                        .entries()
                        .map(|e| (e.time, e.text.to_string()))
                        .collect(),
                })
                .collect(),
            faults: self.faults().to_string(),
            node_faults: self
                .nodes()
                .iter()
                .map(|n| {
                    (
                        n.name.clone(),
                        n.faults.tftp_down,
                        n.faults.risport_throttle,
                    )
                })
                .collect(),
        }
    }

    /// The export as pretty JSON.
    pub fn export_json(&self) -> String {
        serde_json::to_string_pretty(&self.export()).unwrap_or_default()
    }
}
