//! What a correct sweep must report per phone (`--truth PATH`):
//!
//! ```json
//! {"phones": [{"name": "SEP001BD4…", "address": "127.1.0.1:40123", "state": "ok"}]}
//! ```
//!
//! The state is the first that applies, in this order:
//!
//! | state | when |
//! |---|---|
//! | `unregistered` | powered off, or not registered |
//! | `web-disabled` | web access off (RisPort `Httpd` = No; the port refuses) |
//! | `unreachable` | the web server accepts and never answers |
//! | `unparseable` | the web server answers garbage or an oversized body |
//! | `no-trust-list` | no ITL held (none, ITL "Not Installed", or a blank rollback ITL) |
//! | `foreign-itl` | the held ITL was not built by this cluster |
//! | `update-failed` | the last trust-list message is `Trust List update failed` |
//! | `stale-itl` | the held ITL is not the one its TFTP server serves now |
//! | `ctl-mismatch` | mixed mode and the held CTL is not the served CTL |
//! | `ok` | otherwise |
//!
//! A phone with a TLS security profile whose TLS peers are not in its CTL after a reset (S18)
//! is not registered, so `unregistered`.
//!
//! The file holds what a sweep can see ([`Cluster::sweep_state`]): a phone whose pages show
//! no trust field (7940, 7960, 7945, 6921, DX80) and that a sweep reads is `unparseable`
//! (the sweep's rule for a page without an ITL field), whatever it holds;
//! [`Cluster::phone_state`] is what it holds.

use itl_core::cucm::ClusterSecurityMode;
use std::path::Path;

use crate::error::SimError;
use crate::faults::FaultKind;
use crate::model::Cluster;

/// A phone's state as a correct sweep reports it: the sweep's own type, so the truth and a
/// sweep report compare directly (the simulator never produces `not-scanned`).
pub use itl_core::cucm::PhoneState;

/// One phone of the truth file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TruthEntry {
    /// Device name.
    pub name: String,
    /// `ip` or `ip:port`, as a browser needs it.
    pub address: String,
    /// The state.
    pub state: PhoneState,
}

/// The truth file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Truth {
    /// One entry per phone, in fleet order.
    pub phones: Vec<TruthEntry>,
}

impl Truth {
    /// Phones per state.
    pub fn counts(&self) -> Vec<(PhoneState, usize)> {
        PhoneState::ALL
            .iter()
            .map(|s| (*s, self.phones.iter().filter(|p| p.state == *s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the JSON file.
    pub fn save(&self, path: &Path) -> Result<(), SimError> {
        std::fs::write(path, self.to_json()).map_err(|source| SimError::Write {
            path: path.to_owned(),
            source,
        })
    }
}

impl Cluster {
    /// The state a correct sweep must report for phone `index`.
    pub fn phone_state(&self, index: usize) -> PhoneState {
        let Some(phone) = self.phones().get(index) else {
            return PhoneState::Unregistered;
        };
        if !phone.powered || !phone.registered {
            return PhoneState::Unregistered;
        }
        if !phone.web_access {
            return PhoneState::WebDisabled;
        }
        match phone.fault.map(|f| f.kind) {
            Some(FaultKind::Unreachable) => return PhoneState::Unreachable,
            Some(FaultKind::Garbage | FaultKind::Oversized) => return PhoneState::Unparseable,
            _ => {}
        }
        let Some(itl) = phone.itl.and_then(|id| self.archive().get(id)) else {
            return PhoneState::NoTrustList;
        };
        if !itl.is_own() {
            return PhoneState::ForeignItl;
        }
        if self
            .trust_cache()
            .file(&itl.bytes)
            .is_ok_and(|f| f.is_blank())
        {
            return PhoneState::NoTrustList;
        }
        if phone.log.last_update_failed_since(phone.last_reset) {
            return PhoneState::UpdateFailed;
        }
        if self.served_itl(phone.tftp_node).map(|f| f.id) != Some(itl.id) {
            return PhoneState::StaleItl;
        }
        if self.settings().security_mode == ClusterSecurityMode::Mixed
            && self.served_ctl().map(|f| f.id) != phone.ctl
        {
            return PhoneState::CtlMismatch;
        }
        PhoneState::Ok
    }

    /// The state a correct sweep reports for phone `index`: [`Cluster::phone_state`], except
    /// that a phone whose pages show no trust field, when its state would be read from those
    /// pages, is `unparseable`.
    pub fn sweep_state(&self, index: usize) -> PhoneState {
        let state = self.phone_state(index);
        let shows_trust = self
            .phones()
            .get(index)
            .is_none_or(|p| p.model.pages_show_trust());
        match state {
            PhoneState::Ok
            | PhoneState::StaleItl
            | PhoneState::ForeignItl
            | PhoneState::CtlMismatch
            | PhoneState::NoTrustList
            | PhoneState::UpdateFailed
                if !shows_trust =>
            {
                // TODO(no-trust-info): the state of a phone whose pages show no trust field.
                PhoneState::Unparseable
            }
            other => other,
        }
    }

    /// The truth for every phone; `address` gives each phone's `ip` or `ip:port`.
    pub fn truth(&self, address: impl Fn(usize) -> String) -> Truth {
        Truth {
            phones: (0..self.phones().len())
                .map(|i| TruthEntry {
                    name: self.phones()[i].name.clone(),
                    address: address(i),
                    state: self.sweep_state(i),
                })
                .collect(),
        }
    }
}
