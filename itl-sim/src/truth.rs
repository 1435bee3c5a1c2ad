//! What a correct sweep must report per phone (`--truth PATH`):
//!
//! ```json
//! {"phones": [{"name": "SEP001BD4…", "address": "127.1.0.1:40123", "state": "unknown-itl",
//!              "state_with_archive": "stale-itl", "cause": "stale-itl"}]}
//! ```
//!
//! `state` is what a correct sweep reports with an empty archive (a first sweep);
//! `state_with_archive` what it reports with the archive `itl sim serve --archive DIR` writes
//! (what earlier sweeps of this cluster, and of the cluster whose lists `foreign-itl` phones
//! hold, would have archived). They differ only where the phone holds a list no TFTP node
//! serves now: `unknown-itl` without the archive, `stale-itl` or `foreign-itl` with it. `cause`
//! is why, in the simulator's words: the injected fault, or `no-sbd` (7940/7960 hold no ITL),
//! `tls-blocked` (S18), `changes` (a plan applied since), `current`.
//!
//! What the phone holds ([`Cluster::phone_state`]) is the first that applies:
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
//! | `ok` | otherwise (a 7940/7960 holds no ITL by design: `ok` with the served CTL, if any) |
//!
//! What a sweep can see of it ([`Cluster::sweep_state`]): a phone whose pages show no trust
//! field (7940, 7960, 7945, 6921, DX80) is `no-trust-info` unless its status messages show a
//! failure since its last boot (`update-failed`); a list no node serves is `unknown-itl`
//! without the archive. A phone with a TLS security profile whose TLS peers are not in its CTL
//! after a reset (S18) is not registered, so `unregistered`.

use itl_core::cucm::{ClusterSecurityMode, ItlFileStatus};
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
    /// What a correct sweep reports with an empty archive.
    pub state: PhoneState,
    /// What a correct sweep reports with the simulator's archive (`--archive DIR`).
    pub state_with_archive: PhoneState,
    /// Why, in the simulator's words (the fault, `no-sbd`, `tls-blocked`, `changes`,
    /// `current`).
    pub cause: String,
}

impl TruthEntry {
    /// What a correct sweep reports, with or without the archive of earlier sweeps.
    pub fn state_for(&self, with_archive: bool) -> PhoneState {
        if with_archive {
            self.state_with_archive
        } else {
            self.state
        }
    }
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
        if !phone.model.holds_itl() {
            // No Security By Default: no ITL by design; only the CTL can be out of date.
            let served_ctl = self.served_ctl().map(|f| f.id);
            return if self.settings().security_mode == ClusterSecurityMode::Mixed
                && served_ctl != phone.ctl
            {
                PhoneState::CtlMismatch
            } else {
                PhoneState::Ok
            };
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

    /// The 14+ ITL File Status CUCM reports for phone `index`: `Unknown` for a phone that is
    /// off, unregistered or holds no ITL by design; `Not Installed` when it holds none (or
    /// showed it "Not Installed"); `Match` when it holds the ITL its TFTP node serves;
    /// `Mismatch` otherwise.
    pub fn itl_file_status(&self, index: usize) -> ItlFileStatus {
        let Some(phone) = self.phones().get(index) else {
            return ItlFileStatus::Unknown;
        };
        if !phone.powered || !phone.registered || !phone.model.holds_itl() {
            return ItlFileStatus::Unknown;
        }
        match phone.itl {
            None => ItlFileStatus::NotInstalled,
            Some(_) if phone.itl_not_installed => ItlFileStatus::NotInstalled,
            Some(id) if self.served_itl(phone.tftp_node).map(|f| f.id) == Some(id) => {
                ItlFileStatus::Match
            }
            Some(_) => ItlFileStatus::Mismatch,
        }
    }

    /// The state a correct sweep reports for phone `index`: [`Cluster::phone_state`] as far
    /// as its pages show it. A phone whose pages show no trust field is `no-trust-info` (unless
    /// its status messages show a failure, `update-failed`); a list no TFTP node serves is
    /// `unknown-itl` unless `with_archive` (the sweep has the archive of earlier sweeps).
    pub fn sweep_state(&self, index: usize, with_archive: bool) -> PhoneState {
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
                if !shows_trust =>
            {
                PhoneState::NoTrustInfo
            }
            PhoneState::StaleItl | PhoneState::ForeignItl if !with_archive => {
                PhoneState::UnknownItl
            }
            other => other,
        }
    }

    /// Why phone `index` is in its state, in the simulator's words.
    pub fn cause(&self, index: usize) -> String {
        let Some(phone) = self.phones().get(index) else {
            return "absent".into();
        };
        if let Some(fault) = phone.fault {
            return fault.kind.name().to_owned();
        }
        if !phone.model.holds_itl() {
            return "no-sbd".into();
        }
        if phone.lsc.is_some() && !phone.registered {
            return "tls-blocked".into();
        }
        match self.phone_state(index) {
            PhoneState::Ok => "current".into(),
            _ => "changes".into(),
        }
    }

    /// The truth for every phone; `address` gives each phone's `ip` or `ip:port`.
    pub fn truth(&self, address: impl Fn(usize) -> String) -> Truth {
        Truth {
            phones: (0..self.phones().len())
                .map(|i| TruthEntry {
                    name: self.phones()[i].name.clone(),
                    address: address(i),
                    state: self.sweep_state(i, false),
                    state_with_archive: self.sweep_state(i, true),
                    cause: self.cause(i),
                })
                .collect(),
        }
    }
}
