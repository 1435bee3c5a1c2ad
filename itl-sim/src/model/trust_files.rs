//! Building the ITL of a TFTP node and the cluster's CTL: the records, order and signer
//! [`itl_core::layout`] gives for the cluster's current certificates (`trust-and-procedure.md`
//! §1.2, §1.3; `itl-format.md` §5), signed with the signer's key.
//!
//! `utils itl reset localkey` and `utils ctl reset localkey` write the same records signed with
//! the other SAST key of the file ([`Signer::LocalKey`]).

use itl_core::cucm::{CertUnit, ClusterSecurityMode, Generation};
use itl_core::layout::{CertSource, LayoutCluster, LayoutNode, ListSpec, Roles, layout};
use std::net::Ipv4Addr;

use crate::error::{BuiltList, SimError};
use crate::model::identity::Identity;

/// Which SAST key signs a file: [`Signer::Normal`] (ITLRecovery from 12.0; the CallManager
/// certificate before) or [`Signer::LocalKey`] (the other one).
pub use itl_core::layout::SignerVariant as Signer;

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

impl<'a> BuildInputs<'a> {
    /// The cluster as [`itl_core::layout`] reads it.
    fn layout_cluster(&self) -> LayoutCluster<'a> {
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let publisher = i == 0;
                let roles = Roles {
                    tftp: n.runs_tftp,
                    callmanager: n.runs_callmanager,
                    tvs: n.tvs.is_some(),
                    capf: publisher && self.capf.is_some(),
                };
                let mut node = LayoutNode::new(n.name, n.address, roles)
                    .with_cert(CertUnit::CallManager, n.callmanager.der());
                if let Some(tvs) = n.tvs {
                    node = node.with_cert(CertUnit::Tvs, tvs.der());
                }
                let recovery = if publisher {
                    Some(self.itl_recovery)
                } else {
                    n.itl_recovery
                };
                if let Some(rec) = recovery {
                    node = node.with_cert(CertUnit::ItlRecovery, rec.der());
                }
                if let Some(capf) = self.capf.filter(|_| publisher) {
                    node = node.with_cert(CertUnit::Capf, capf.der());
                }
                node
            })
            .collect();
        LayoutCluster::new(self.generation, self.mode, nodes).with_rollback(self.rollback)
    }

    /// The identity (with its key) of a layout's signer.
    fn identity(&self, source: CertSource) -> Option<&'a Identity> {
        let CertSource::Unit { node, unit } = source else {
            return None;
        };
        let n = self.nodes.get(node)?;
        match unit {
            CertUnit::CallManager => Some(n.callmanager),
            CertUnit::ItlRecovery if node == 0 => Some(self.itl_recovery),
            CertUnit::ItlRecovery => n.itl_recovery,
            CertUnit::Tvs => n.tvs,
            CertUnit::Capf => self.capf.filter(|_| node == 0),
            _ => None,
        }
    }

    /// Lays out `spec` and signs it with its signer's key.
    fn build(&self, spec: ListSpec<'_>, list: BuiltList) -> Result<Vec<u8>, SimError> {
        let cluster = self.layout_cluster();
        let laid = match layout(&cluster, spec) {
            Ok(laid) => laid,
            Err(source) => return Err(SimError::Layout { list, source }),
        };
        let Some(signer) = self.identity(laid.signer) else {
            return Err(SimError::NoSignerKey {
                list,
                signer: laid.signer,
            });
        };
        let builder = match laid.builder(&cluster, self.timestamp) {
            Ok(builder) => builder,
            Err(source) => return Err(SimError::Layout { list, source }),
        };
        builder
            .sign_with_certificate(signer.key(), signer.der())
            .map_err(|source| SimError::Build { list, source })
    }
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
        .map_or_else(|| format!("node #{node_index}"), |n| n.name.to_owned());
    inputs.build(
        ListSpec::Itl {
            node: node_index,
            signer,
        },
        BuiltList::Itl { node },
    )
}

/// Builds the cluster's CTL (tokenless), signed by `signer` ([`Signer::Normal`]: as
/// `utils ctl update CTLFile` writes it; [`Signer::LocalKey`]: as `utils ctl reset localkey`
/// writes it, same records).
pub fn build_ctl(inputs: &BuildInputs<'_>, signer: Signer) -> Result<Vec<u8>, SimError> {
    inputs.build(ListSpec::Ctl { signer }, BuiltList::Ctl)
}
