//! The phone fleet: phones, their models, status logs, trust downloads and web pages.

pub mod download;
pub mod fleet;
pub mod models;
pub mod pages;
pub mod security;
pub mod status;

use std::net::Ipv4Addr;
use std::time::Duration;

use itl_core::cucm::Mac;

use crate::faults::{FaultKind, PhoneFault};
use crate::model::FileId;
pub use models::{Family, PhoneModel, Protocol};
pub use security::{Lsc, SecurityProfile};
pub use status::{StatusEntry, StatusLog};

/// One phone.
#[derive(Clone, Debug)]
pub struct Phone {
    /// Device name, `SEP<MAC>`.
    pub name: String,
    /// MAC address.
    pub mac: Mac,
    /// Model.
    pub model: PhoneModel,
    /// Signalling protocol.
    pub protocol: Protocol,
    /// Its own loopback address.
    pub address: Ipv4Addr,
    /// Directory number.
    pub directory_number: String,
    /// Description.
    pub description: String,
    /// Device pool, by index.
    pub device_pool: usize,
    /// TFTP server 1, by node index.
    pub tftp_node: usize,
    /// Web access enabled (product-specific configuration).
    pub web_access: bool,
    /// Powered on.
    pub powered: bool,
    /// Registered to a CallManager.
    pub registered: bool,
    /// The node it registered to, by index.
    pub registered_node: Option<usize>,
    /// RisPort `StatusReason` of the last state change.
    pub status_reason: u32,
    /// Model time of the last registration state change (RisPort `TimeStamp`).
    pub state_changed: u64,
    /// Model time of the last reset or boot.
    pub last_reset: u64,
    /// The ITL it holds.
    pub itl: Option<FileId>,
    /// The CTL it holds.
    pub ctl: Option<FileId>,
    /// Status messages.
    pub log: StatusLog,
    /// The ITL was rejected against the CTL: the phone shows ITL "Not Installed".
    pub itl_not_installed: bool,
    /// Signers TVS vouched for, with their expiry.
    pub tvs_cache: Vec<itl_core::trust::TvsCacheEntry>,
    /// The injected fault, if any.
    pub fault: Option<PhoneFault>,
    /// What the phone's latest download did (none before its first reset in the model).
    pub last_download: Option<LastDownload>,
    /// Its security profile (non-secure, or a TLS profile in mixed mode).
    pub security_profile: SecurityProfile,
    /// The LSC CAPF issued to it, if any.
    pub lsc: Option<Lsc>,
}

/// What one download did to a phone, as the oracle decided it (kept for replays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastDownload {
    /// Model time of the download.
    pub at: u64,
    /// The CTL's outcome.
    pub ctl: itl_core::trust::Outcome,
    /// The ITL's outcome.
    pub itl: itl_core::trust::Outcome,
    /// The outcome for the config file signed by the TFTP node's CallManager certificate.
    pub config: Option<itl_core::trust::Outcome>,
    /// TLS registration verdict, for TLS-profile phones.
    pub registration: Option<itl_core::trust::Outcome>,
}

/// How a phone's web server behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebBehaviour {
    /// Serves its pages.
    Normal,
    /// Refuses connections (web access off, powered off).
    Refuse,
    /// Accepts and never answers.
    Silent,
    /// Answers after a delay.
    Slow(Duration),
    /// Answers with bytes that are not a page.
    Garbage,
    /// Answers with an 8 MiB body.
    Oversized,
}

impl Phone {
    /// How the web server behaves now.
    pub fn web_behaviour(&self) -> WebBehaviour {
        if !self.powered || !self.web_access {
            return WebBehaviour::Refuse;
        }
        match self.fault.map(|f| (f.kind, f.delay_ms)) {
            Some((FaultKind::Unreachable, _)) => WebBehaviour::Silent,
            Some((FaultKind::Garbage, _)) => WebBehaviour::Garbage,
            Some((FaultKind::Oversized, _)) => WebBehaviour::Oversized,
            Some((FaultKind::Slow, ms)) => {
                WebBehaviour::Slow(Duration::from_millis(ms.unwrap_or(1500)))
            }
            _ => WebBehaviour::Normal,
        }
    }

    /// RisPort `Httpd`: whether the web server is enabled.
    pub fn httpd(&self) -> bool {
        self.web_access
    }
}
