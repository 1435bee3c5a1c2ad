//! [`TvsServer`]: one Trust Verification Service node as a phone of its CallManager group
//! sees it (§2.3): reachable or not, the TLS certificate it presents, and the certificates
//! it can return.

use super::file::{CertError, CertInfo, SignerId};
use std::sync::Arc;

/// A TVS node of the phone's CallManager group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TvsServer {
    /// Node name (`ucm-pub`).
    pub node: Arc<str>,
    /// Whether the TVS service is up and TCP 2445 reachable from the phone.
    pub reachable: bool,
    /// The node's current TVS certificate (its TLS server certificate).
    pub certificate: Arc<CertInfo>,
    /// What the node can vouch for: the cluster's own CallManager, ITLRecovery and CAPF
    /// certificates and its CallManager-trust / Phone-SAST-trust stores (§2.3 step 3).
    pub trust_sources: Vec<Arc<CertInfo>>,
}

impl TvsServer {
    /// A reachable node presenting `certificate`, vouching for nothing yet.
    pub fn new(node: &str, certificate: Arc<CertInfo>) -> Self {
        Self {
            node: node.into(),
            reachable: true,
            certificate,
            trust_sources: Vec::new(),
        }
    }

    /// As [`TvsServer::new`], from the TVS certificate's DER.
    pub fn from_der(node: &str, tvs_cert_der: &[u8]) -> Result<Self, CertError> {
        Ok(Self::new(node, CertInfo::shared(tvs_cert_der)?))
    }

    /// Adds a certificate the node can return.
    pub fn trusting(mut self, cert: Arc<CertInfo>) -> Self {
        self.trust_sources.push(cert);
        self
    }

    /// Adds certificates the node can return, from their DER.
    pub fn trusting_der<'d>(
        mut self,
        ders: impl IntoIterator<Item = &'d [u8]>,
    ) -> Result<Self, CertError> {
        for der in ders {
            self.trust_sources.push(CertInfo::shared(der)?);
        }
        Ok(self)
    }

    /// Sets whether the service is up and reachable.
    pub fn with_reachable(mut self, reachable: bool) -> Self {
        self.reachable = reachable;
        self
    }

    /// The certificates this node returns for a query naming `signer` (serial + issuer).
    pub fn lookup<'s>(&'s self, signer: &'s SignerId) -> impl Iterator<Item = &'s Arc<CertInfo>> {
        self.trust_sources.iter().filter(|c| signer.matches(c))
    }
}
