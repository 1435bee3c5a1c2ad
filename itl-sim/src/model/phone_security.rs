//! Security profiles and LSCs of a new fleet (see [`crate::phone::security`]): in a
//! mixed-mode cluster a deterministic share of the TVS-capable phones without an injected
//! fault get a TLS profile and an LSC issued by the CAPF certificate of the files v1 (the one
//! current at the start); every other phone keeps its standard non-secure profile. The
//! `lsc=<percent>` fault sets that share instead, and in non-mixed mode gives the LSCs
//! without TLS profiles (LSCs for 802.1x or VPN).

use crate::model::Cluster;
use itl_core::cucm::{CertUnit, ClusterSecurityMode};

use crate::faults::CheckFault;
use crate::phone::security::{Lsc, SecurityProfile, security_draw, tls_draw};

impl Cluster {
    /// Gives TLS profiles and LSCs (mixed mode only); `issued_at` is the LSC issue time.
    pub(crate) fn give_security_profiles(&mut self, issued_at: u64) {
        let lsc_share = self.faults.checks.iter().find_map(|f| match f {
            CheckFault::Lsc { percent } => Some(*percent),
            _ => None,
        });
        let mixed = self.settings.security_mode == ClusterSecurityMode::Mixed;
        if !mixed && lsc_share.is_none() {
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
            let mode = match lsc_share {
                // The `lsc=<percent>` fault: an LSC, and the TLS mode it gets in mixed mode.
                Some(percent) => security_draw(seed, "lsc", &phone.name, percent),
                None => tls_draw(seed, &phone.name),
            };
            let Some(mode) = mode else {
                continue;
            };
            if mixed {
                phone.security_profile = SecurityProfile::tls(phone.model, phone.protocol, mode);
            }
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
