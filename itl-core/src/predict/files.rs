//! The ITL of a TFTP node and the cluster's CTL as CUCM will build them from the certificates
//! of the moment: the records and signer [`crate::layout`] gives, written with the crate's
//! writer and a placeholder signature (only the cluster holds the keys).

use crate::layout::{LayoutCluster, ListSpec, layout};
use crate::signature::rsa_key_from_certificate;
use crate::{Digest, SignerInfo};

use super::PredictError;

/// The bytes of `spec` with TIMESTAMP `timestamp` (the wire's u32) and digest `digest`,
/// signed with a placeholder signature of the signer key's size.
pub(crate) fn build(
    cluster: &LayoutCluster<'_>,
    spec: ListSpec<'_>,
    timestamp: u32,
    digest: Digest,
) -> Result<Vec<u8>, PredictError> {
    let laid = layout(cluster, spec)?;
    let builder = laid.builder(cluster, timestamp)?.digest(digest);
    let signer = laid.signer_certificate;
    let what = || what(spec, cluster);
    let info = SignerInfo::from_certificate(signer)
        .map_err(|e| PredictError::Build(format!("the signer of {}: {e}", what())))?;
    let len = rsa_key_from_certificate(signer)
        .map(|k| rsa::traits::PublicKeyParts::size(&k))
        .ok_or_else(|| PredictError::Build(format!("the signer of {} has no RSA key", what())))?;
    builder
        .unsigned(&info, len)
        .map_err(|e| PredictError::Build(format!("{}: {e}", what())))
}

/// `the ITL of ucm-pub`, `the CTL`.
fn what(spec: ListSpec<'_>, cluster: &LayoutCluster<'_>) -> String {
    match spec {
        ListSpec::Itl { node, .. } => format!(
            "the ITL of {}",
            cluster.nodes.get(node).map_or("?", |n| n.name)
        ),
        ListSpec::Ctl { .. } | ListSpec::TokenCtl { .. } => "the CTL".to_owned(),
    }
}
