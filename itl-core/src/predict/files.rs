//! The ITL of a TFTP node and the cluster's CTL as CUCM will build them from the certificates
//! of the moment: the records and signer [`crate::layout`] gives, written with the crate's
//! writer and a placeholder signature (only the cluster holds the keys).

use crate::layout::{LayoutCluster, ListSpec, layout};
use crate::signature::rsa_key_from_certificate;
use crate::{Digest, SignerInfo};

use super::{BuildProblem, ListName, PredictError};

/// The bytes of `spec` with TIMESTAMP `timestamp` (the wire's u32) and digest `digest`,
/// signed with a placeholder signature of the signer key's size.
pub(crate) fn build(
    cluster: &LayoutCluster<'_>,
    spec: ListSpec<'_>,
    timestamp: u32,
    digest: Digest,
) -> Result<Vec<u8>, PredictError> {
    write(cluster, spec, timestamp, digest).map_err(|problem| PredictError::Build {
        list: list_name(spec, cluster),
        problem,
    })
}

fn write(
    cluster: &LayoutCluster<'_>,
    spec: ListSpec<'_>,
    timestamp: u32,
    digest: Digest,
) -> Result<Vec<u8>, BuildProblem> {
    let laid = layout(cluster, spec)?;
    let builder = laid.builder(cluster, timestamp)?.digest(digest);
    let signer = laid.signer_certificate;
    let info = SignerInfo::from_certificate(signer).map_err(BuildProblem::SignerInfo)?;
    let len = rsa_key_from_certificate(signer)
        .map(|k| rsa::traits::PublicKeyParts::size(&k))
        .ok_or(BuildProblem::SignerNotRsa)?;
    builder.unsigned(&info, len).map_err(BuildProblem::Writer)
}

/// Which list `spec` is.
pub(crate) fn list_name(spec: ListSpec<'_>, cluster: &LayoutCluster<'_>) -> ListName {
    match spec {
        ListSpec::Itl { node, .. } => ListName::Itl {
            node: cluster
                .nodes
                .get(node)
                .map_or_else(|| format!("node #{node}"), |n| n.name.to_owned()),
        },
        ListSpec::Ctl { .. } | ListSpec::TokenCtl { .. } => ListName::Ctl,
    }
}
