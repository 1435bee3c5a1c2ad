//! The ITL of a TFTP node and the cluster's CTL as CUCM will build them from the certificates
//! of the moment (`trust-and-procedure.md` §1.2, §1.3; `itl-format.md` §5), written with the
//! crate's writer and a placeholder signature (only the cluster holds the keys).
//!
//! ```text
//! ITL 11.5   signer: the node's CallManager
//!            SAST CallManager(node), SAST ITLRecovery (the node's own, else the publisher's),
//!            TFTP|CCM+TFTP CallManager(node), TVS × every TVS node, CAPF
//! ITL 12+    signer: ITLRecovery
//!            SAST ITLRecovery, SAST CallManager(node), TFTP|CCM+TFTP CallManager(node),
//!            TVS × every TVS node, CAPF
//! CTL 11.5   signer: publisher CallManager
//!            SAST CallManager(pub), SAST ITLRecovery(pub), CCM+TFTP × CallManager nodes
//!            (TFTP for TFTP-only nodes), CAPF
//! CTL 12+    signer: ITLRecovery; SAST ITLRecovery, SAST CallManager(pub), then as 11.5
//! ```
//! The TFTP record's role is TFTP in non-secure mode and CCM+TFTP in mixed mode. After
//! `utils itl reset localkey` / `utils ctl reset localkey` the same content is signed with the
//! other SAST key (12+: CallManager; 11.5: ITLRecovery) until TFTP restarts / the next
//! `utils ctl update CTLFile`.

use std::net::Ipv4Addr;

use crate::plan::CertUnit;
use crate::signature::rsa_key_from_certificate;
use crate::{Digest, Function, RecordSpec, SignerInfo, TrustListBuilder};

use super::PredictError;
use crate::cucm::Generation;

/// A node's part in the files.
pub(crate) struct NodeCerts<'a> {
    pub name: &'a str,
    pub address: Ipv4Addr,
    pub tftp: bool,
    pub callmanager: bool,
    pub tvs: Option<&'a [u8]>,
    pub callmanager_cert: Option<&'a [u8]>,
    pub itl_recovery: Option<&'a [u8]>,
    pub capf: Option<&'a [u8]>,
}

/// Cluster-wide inputs.
pub(crate) struct Inputs<'a> {
    pub generation: Generation,
    pub mixed: bool,
    pub nodes: Vec<NodeCerts<'a>>,
    pub timestamp: u32,
    pub digest: Digest,
}

fn record(
    function: Function,
    der: &[u8],
    host: &str,
    ip: Ipv4Addr,
) -> Result<RecordSpec, PredictError> {
    Ok(RecordSpec::from_certificate(function, der)
        .map_err(|e| PredictError::Build(format!("the {function} record of {host}: {e}")))?
        .with_dns_name(host)
        .with_ip(ip))
}

fn missing(node: &str, unit: CertUnit) -> PredictError {
    PredictError::Build(format!(
        "{node} has no {unit} certificate to put in the list"
    ))
}

fn finish(builder: TrustListBuilder, signer: &[u8], what: &str) -> Result<Vec<u8>, PredictError> {
    let info = SignerInfo::from_certificate(signer)
        .map_err(|e| PredictError::Build(format!("the signer of {what}: {e}")))?;
    let len = rsa_key_from_certificate(signer)
        .map(|k| rsa::traits::PublicKeyParts::size(&k))
        .ok_or_else(|| PredictError::Build(format!("the signer of {what} has no RSA key")))?;
    builder
        .unsigned(&info, len)
        .map_err(|e| PredictError::Build(format!("{what}: {e}")))
}

/// The ITL node `index` will serve; `localkey`: signed with the other SAST key
/// (`utils itl reset localkey`: CallManager on 12+, ITLRecovery on 11.5).
pub(crate) fn build_itl(
    inputs: &Inputs<'_>,
    index: usize,
    localkey: bool,
) -> Result<Vec<u8>, PredictError> {
    let node = &inputs.nodes[index];
    let publisher = &inputs.nodes[0];
    let cm = node
        .callmanager_cert
        .ok_or_else(|| missing(node.name, CertUnit::CallManager))?;
    let (rec_owner, rec) = match node.itl_recovery {
        Some(rec) => (node, rec),
        None => (
            publisher,
            publisher
                .itl_recovery
                .ok_or_else(|| missing(publisher.name, CertUnit::ItlRecovery))?,
        ),
    };
    let sast_cm = record(Function::Sast, cm, node.name, node.address)?;
    let sast_rec = record(Function::Sast, rec, rec_owner.name, rec_owner.address)?;
    let (signer, other, first, second) = if inputs.generation.itl_recovery_signs() {
        (rec, cm, sast_rec, sast_cm)
    } else {
        (cm, rec, sast_cm, sast_rec)
    };
    let signer = if localkey { other } else { signer };
    let mut builder = TrustListBuilder::new("ITLFile.tlv", inputs.timestamp)
        .digest(inputs.digest)
        .record(first)
        .record(second);
    let tftp_role = if inputs.mixed {
        Function::CcmTftp
    } else {
        Function::Tftp
    };
    builder = builder.record(record(tftp_role, cm, node.name, node.address)?);
    for n in &inputs.nodes {
        if let Some(tvs) = n.tvs {
            builder = builder.record(record(Function::Tvs, tvs, n.name, n.address)?);
        }
    }
    if let Some(capf) = publisher.capf {
        builder = builder.record(record(
            Function::Capf,
            capf,
            publisher.name,
            publisher.address,
        )?);
    }
    finish(builder, signer, &format!("the ITL of {}", node.name))
}

/// The CTL `utils ctl update CTLFile` will write; `localkey`: signed with the publisher's
/// other SAST key (`utils ctl reset localkey`).
pub(crate) fn build_ctl(inputs: &Inputs<'_>, localkey: bool) -> Result<Vec<u8>, PredictError> {
    let publisher = &inputs.nodes[0];
    let cm = publisher
        .callmanager_cert
        .ok_or_else(|| missing(publisher.name, CertUnit::CallManager))?;
    let rec = publisher
        .itl_recovery
        .ok_or_else(|| missing(publisher.name, CertUnit::ItlRecovery))?;
    let sast_cm = record(Function::Sast, cm, publisher.name, publisher.address)?;
    let sast_rec = record(Function::Sast, rec, publisher.name, publisher.address)?;
    let (signer, other, first, second) = if inputs.generation.itl_recovery_signs() {
        (rec, cm, sast_rec, sast_cm)
    } else {
        (cm, rec, sast_cm, sast_rec)
    };
    let signer = if localkey { other } else { signer };
    let mut builder = TrustListBuilder::new("CTLFile.tlv", inputs.timestamp)
        .digest(inputs.digest)
        .record(first)
        .record(second);
    for n in &inputs.nodes {
        let role = if n.callmanager {
            Function::CcmTftp
        } else if n.tftp {
            Function::Tftp
        } else {
            continue;
        };
        let Some(der) = n.callmanager_cert else {
            return Err(missing(n.name, CertUnit::CallManager));
        };
        builder = builder.record(record(role, der, n.name, n.address)?);
    }
    if let Some(capf) = publisher.capf {
        builder = builder.record(record(
            Function::Capf,
            capf,
            publisher.name,
            publisher.address,
        )?);
    }
    finish(builder, signer, "the CTL")
}
