//! Security profiles and LSCs of a new fleet (see [`crate::phone::security`]): in a
//! mixed-mode cluster a deterministic share of the TVS-capable phones without an injected
//! fault get a TLS profile and an LSC issued by the CAPF certificate of the files v1 (the one
//! current at the start); every other phone keeps its standard non-secure profile.

use crate::model::Cluster;
use itl_core::cucm::{CertUnit, ClusterSecurityMode};

use crate::phone::security::{Lsc, SecurityProfile, tls_draw};

impl Cluster {
    /// Gives TLS profiles and LSCs (mixed mode only); `issued_at` is the LSC issue time.
    pub(crate) fn give_security_profiles(&mut self, issued_at: u64) {
        if self.settings.security_mode != ClusterSecurityMode::Mixed {
            return;
        }
        let capf = self
            .nodes
            .first()
            .and_then(|p| p.identity(CertUnit::Capf))
            .cloned();
        let seed = self.seed;
        for phone in &mut self.phones {
            if phone.fault.is_some() || !phone.model.supports_tvs() {
                continue;
            }
            let Some(mode) = tls_draw(seed, &phone.name) else {
                continue;
            };
            phone.security_profile = SecurityProfile::tls(phone.model, phone.protocol, mode);
            phone.lsc = capf.as_ref().map(|id| Lsc {
                issuer: id.certificate().subject_cucm(),
                issuer_sha256: hex::encode(id.sha256()),
                issuer_generation: id.generation,
                issued_at,
            });
        }
    }

    /// Indexes of the phones with a TLS security profile.
    pub fn tls_phones(&self) -> Vec<usize> {
        (0..self.phones.len())
            .filter(|&i| self.phones[i].security_profile.mode.is_tls())
            .collect()
    }
}
