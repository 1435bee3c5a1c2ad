//! Building the ITL of a TFTP node and the cluster's CTL the way CUCM builds them
//! (`trust-and-procedure.md` §1.2, §1.3; `itl-format.md` §5).
//!
//! ```text
//! ITL 11.5   signer: the node's CallManager
//!            SAST CallManager(node), SAST ITLRecovery(node), TFTP|CCM+TFTP CallManager(node),
//!            TVS × every TVS node, CAPF (when active)
//! ITL 12+    signer: ITLRecovery (the publisher's, cluster-wide)
//!            SAST ITLRecovery, SAST CallManager(node), TFTP|CCM+TFTP CallManager(node),
//!            TVS × every TVS node, CAPF (when active)
//! rollback   as above with certificate-less TFTP and TVS placeholders
//! CTL 11.5   signer: publisher CallManager
//!            SAST CallManager(pub), SAST ITLRecovery(pub), CCM+TFTP × CallManager/TFTP nodes
//!            (TFTP for TFTP-only nodes), CAPF
//! CTL 12+    signer: ITLRecovery
//!            SAST ITLRecovery, SAST CallManager(pub), then as 11.5
//! ```
//!
//! Before 12.0 every node has its own ITLRecovery certificate (`ITLRECOVERY_<host>`,
//! trust-and-procedure.md §1.1): node X's ITL carries X's own, the CTL the publisher's. From
//! 12.0 the single cluster-wide ITLRecovery of the publisher is in every file.
//!
//! The TFTP record's role is TFTP in non-secure mode and CCM+TFTP in mixed mode (inferred).
//!
//! # Local key ([`Signer::LocalKey`])
//!
//! `utils itl reset localkey` and `utils ctl reset localkey` write the same records in the same
//! order, signed with the *other* SAST key of the file (`trust-and-procedure.md` §1.2, §1.3,
//! §5.8; `itl-format.md` §5), and SIGNER_INFO names that certificate:
//!
//! ```text
//! ITL 12+    the node's CallManager            (normally ITLRecovery)
//! ITL 11.5   the node's own ITLRecovery        (normally the node's CallManager) (inferred)
//! CTL 12+    the publisher's CallManager       (normally ITLRecovery)
//! CTL 11.5   the publisher's ITLRecovery       (normally the publisher's CallManager) (inferred)
//! ```

use itl_core::cucm::{ClusterSecurityMode, Generation};
use std::net::Ipv4Addr;

use itl_core::{Function, RecordSpec, TrustListBuilder};

use crate::error::SimError;
use crate::model::identity::Identity;

/// Which SAST key signs a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Signer {
    /// The usual signer: ITLRecovery from 12.0; the CallManager certificate (ITL: the
    /// node's, CTL: the publisher's) before.
    #[default]
    Normal,
    /// The other SAST key (`utils itl reset localkey` / `utils ctl reset localkey`): the
    /// CallManager certificate from 12.0; the ITLRecovery certificate before.
    LocalKey,
}

/// What a node contributes to the files.
#[derive(Clone, Debug)]
pub struct NodeCerts<'a> {
    /// Host name (DNSNAME).
    pub name: &'a str,
    /// IPADDRESS.
    pub address: Ipv4Addr,
    /// CallManager certificate.
    pub callmanager: &'a Identity,
    /// The node's own ITLRecovery certificate (every node before 12.0; the publisher only
    /// from 12.0).
    pub itl_recovery: Option<&'a Identity>,
    /// TVS certificate, when TVS is active on the node.
    pub tvs: Option<&'a Identity>,
    /// Whether the node runs CallManager.
    pub runs_callmanager: bool,
    /// Whether the node runs TFTP.
    pub runs_tftp: bool,
}

/// The cluster-wide inputs of a trust file.
#[derive(Clone, Debug)]
pub struct BuildInputs<'a> {
    /// Generation (chooses the signer and the SAST order).
    pub generation: Generation,
    /// Security mode (chooses the TFTP record's role).
    pub mode: ClusterSecurityMode,
    /// `RollBackToPreGrayback`.
    pub rollback: bool,
    /// Every node, publisher first.
    pub nodes: Vec<NodeCerts<'a>>,
    /// ITLRecovery of the publisher (the CTL's, and every ITL's from 12.0).
    pub itl_recovery: &'a Identity,
    /// CAPF (publisher), when the service is active.
    pub capf: Option<&'a Identity>,
    /// TIMESTAMP to write.
    pub timestamp: u32,
}

fn record(
    function: Function,
    id: &Identity,
    host: &str,
    ip: Ipv4Addr,
) -> Result<RecordSpec, SimError> {
    Ok(RecordSpec::from_certificate(function, id.der())
        .map_err(|source| SimError::Build {
            what: format!("the {function} record of {}", id.label),
            source,
        })?
        .with_dns_name(host)
        .with_ip(ip))
}

/// Builds the ITL served by the TFTP node at `nodes[node_index]`, signed by `signer`
/// ([`Signer::Normal`]: as CUCM rebuilds it; [`Signer::LocalKey`]: as `utils itl reset
/// localkey` writes it, same records).
pub fn build_itl(
    inputs: &BuildInputs<'_>,
    node_index: usize,
    signer: Signer,
) -> Result<Vec<u8>, SimError> {
    let node = inputs
        .nodes
        .get(node_index)
        .ok_or_else(|| SimError::InvalidOption(format!("no node #{node_index}")))?;
    let publisher = &inputs.nodes[0];
    let sast_cm = record(Function::Sast, node.callmanager, node.name, node.address)?;
    let mut builder = TrustListBuilder::new("ITLFile.tlv", inputs.timestamp);
    // (normal signer, other SAST key, first SAST record, second SAST record)
    let (normal, other, first, second) = if inputs.generation.itl_recovery_signs() {
        let rec = inputs.itl_recovery;
        let sast_rec = record(Function::Sast, rec, publisher.name, publisher.address)?;
        (rec, node.callmanager, sast_rec, sast_cm)
    } else {
        // The node's own ITLRecovery (the publisher's if the node has none).
        let (rec, sast_rec) = match node.itl_recovery {
            Some(own) => (own, record(Function::Sast, own, node.name, node.address)?),
            None => (
                inputs.itl_recovery,
                record(
                    Function::Sast,
                    inputs.itl_recovery,
                    publisher.name,
                    publisher.address,
                )?,
            ),
        };
        (node.callmanager, rec, sast_cm, sast_rec)
    };
    let signer = match signer {
        Signer::Normal => normal,
        Signer::LocalKey => other,
    };
    builder = builder.record(first).record(second);
    let tftp_role = match inputs.mode {
        ClusterSecurityMode::NonSecure => Function::Tftp,
        ClusterSecurityMode::Mixed => Function::CcmTftp,
    };
    if inputs.rollback {
        builder = builder.record(RecordSpec::placeholder(
            tftp_role,
            &node.address.to_string(),
            Some(node.address),
        ));
    } else {
        builder = builder.record(record(
            tftp_role,
            node.callmanager,
            node.name,
            node.address,
        )?);
    }
    for tvs_node in &inputs.nodes {
        let Some(tvs) = tvs_node.tvs else { continue };
        if inputs.rollback {
            builder = builder.record(RecordSpec::placeholder(
                Function::Tvs,
                &tvs_node.address.to_string(),
                Some(tvs_node.address),
            ));
        } else {
            builder = builder.record(record(Function::Tvs, tvs, tvs_node.name, tvs_node.address)?);
        }
    }
    if let Some(capf) = inputs.capf {
        builder = builder.record(record(
            Function::Capf,
            capf,
            publisher.name,
            publisher.address,
        )?);
    }
    builder
        .sign_with_certificate(signer.key(), signer.der())
        .map_err(|source| SimError::Build {
            what: format!("the ITL of {}", node.name),
            source,
        })
}

/// Builds the cluster's CTL (tokenless), signed by `signer` ([`Signer::Normal`]: as
/// `utils ctl update CTLFile` writes it; [`Signer::LocalKey`]: as `utils ctl reset localkey`
/// writes it, same records).
pub fn build_ctl(inputs: &BuildInputs<'_>, signer: Signer) -> Result<Vec<u8>, SimError> {
    let publisher = &inputs.nodes[0];
    let rec = &inputs.itl_recovery;
    let sast_cm = record(
        Function::Sast,
        publisher.callmanager,
        publisher.name,
        publisher.address,
    )?;
    let sast_rec = record(Function::Sast, rec, publisher.name, publisher.address)?;
    let (normal, other, first, second) = if inputs.generation.itl_recovery_signs() {
        (*rec, publisher.callmanager, sast_rec, sast_cm)
    } else {
        (publisher.callmanager, *rec, sast_cm, sast_rec)
    };
    let signer = match signer {
        Signer::Normal => normal,
        Signer::LocalKey => other,
    };
    let mut builder = TrustListBuilder::new("CTLFile.tlv", inputs.timestamp)
        .record(first)
        .record(second);
    for node in &inputs.nodes {
        let role = if node.runs_callmanager {
            Function::CcmTftp
        } else if node.runs_tftp {
            Function::Tftp
        } else {
            continue;
        };
        builder = builder.record(record(role, node.callmanager, node.name, node.address)?);
    }
    if let Some(capf) = inputs.capf {
        builder = builder.record(record(
            Function::Capf,
            capf,
            publisher.name,
            publisher.address,
        )?);
    }
    builder
        .sign_with_certificate(signer.key(), signer.der())
        .map_err(|source| SimError::Build {
            what: "the CTL".into(),
            source,
        })
}
