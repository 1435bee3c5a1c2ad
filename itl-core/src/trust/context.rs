//! [`DownloadContext`]: the phone's surroundings during one download (its CallManager
//! group's TVS servers, the time, its model, the archive); [`DownloadResult`]: what the
//! download did; [`RegistrationTarget`]: the TLS peers a secure phone registers to.

use super::cache::{Archive, TrustCache};
use super::file::CertInfo;
use super::outcome::{Outcome, StatusMessage};
use super::phone::{Capabilities, PhoneTrust};
use super::tvs::TvsServer;
use crate::time::UnixTime;
use std::sync::Arc;

/// The cluster side of a TLS registration, for phones with a TLS security profile (modelled
/// minimum for §3 "mixed" rows and S18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationTarget {
    /// The CallManager node the phone registers to.
    pub node: Arc<str>,
    /// That node's current CallManager certificate.
    pub callmanager: Arc<CertInfo>,
    /// The cluster's current CAPF certificate (checked for LSC phones).
    pub capf: Option<Arc<CertInfo>>,
}

/// Everything about the phone's surroundings that a download depends on.
#[derive(Clone, Copy)]
pub struct DownloadContext<'a> {
    /// Parsed files and signature results shared across decisions.
    pub cache: &'a TrustCache,
    /// The TVS servers of the phone's CallManager group, in group order.
    pub tvs: &'a [TvsServer],
    /// Now (TVS cache expiry).
    pub now: UnixTime,
    /// The phone model's capabilities.
    pub capabilities: &'a Capabilities,
    /// Whether the phone uses its TVS cache (24 h; inferred in §2.3, so switchable).
    pub use_tvs_cache: bool,
    /// Where files the phone reports only by hash are found (R9).
    pub archive: Option<&'a (dyn Archive + Sync)>,
    /// When set, phones with a TLS profile also get a registration verdict.
    pub registration: Option<&'a RegistrationTarget>,
}

static DEFAULT_CAPABILITIES: std::sync::LazyLock<Capabilities> =
    std::sync::LazyLock::new(Capabilities::default);

impl<'a> DownloadContext<'a> {
    /// A context with no TVS server, a TVS-capable non-secure phone, the TVS cache in use,
    /// no archive and no registration check.
    pub fn new(cache: &'a TrustCache, now: UnixTime) -> Self {
        Self {
            cache,
            tvs: &[],
            now,
            capabilities: &DEFAULT_CAPABILITIES,
            use_tvs_cache: true,
            archive: None,
            registration: None,
        }
    }

    /// Sets the TVS servers of the phone's CallManager group (in order).
    pub fn with_tvs(mut self, tvs: &'a [TvsServer]) -> Self {
        self.tvs = tvs;
        self
    }

    /// Sets the phone model's capabilities.
    pub fn with_capabilities(mut self, capabilities: &'a Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Switches the use of the phone's TVS cache.
    pub fn with_tvs_cache(mut self, on: bool) -> Self {
        self.use_tvs_cache = on;
        self
    }

    /// Sets the archive.
    pub fn with_archive(mut self, archive: &'a (dyn Archive + Sync)) -> Self {
        self.archive = Some(archive);
        self
    }

    /// Sets the registration target.
    pub fn with_registration(mut self, target: &'a RegistrationTarget) -> Self {
        self.registration = Some(target);
        self
    }
}

impl std::fmt::Debug for DownloadContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadContext")
            .field("tvs", &self.tvs)
            .field("now", &self.now)
            .field("capabilities", &self.capabilities)
            .field("use_tvs_cache", &self.use_tvs_cache)
            .field("archive", &self.archive.is_some())
            .field("registration", &self.registration)
            .finish_non_exhaustive()
    }
}

/// What one download did to one phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadResult {
    /// The CTL's outcome.
    pub ctl: Outcome,
    /// The ITL's outcome.
    pub itl: Outcome,
    /// The phone's state afterwards: new files on acceptance, old files kept on rejection,
    /// ITL [`Held::NotInstalled`](super::Held::NotInstalled) after `REJECT_NO_ITL`, files known by hash resolved when the
    /// archive had them, expired TVS cache entries dropped.
    pub trust: PhoneTrust,
    /// The status messages the phone logs.
    pub messages: Vec<StatusMessage>,
    /// For a TLS-profile phone when the context names a registration target: whether TLS
    /// registration works with the resulting CTL (`ACCEPT` or `BLOCKED`).
    pub registration: Option<Outcome>,
}

impl DownloadResult {
    /// The phone did not download (R6): both files `MISSED`, state unchanged.
    pub fn missed(phone: &PhoneTrust) -> Self {
        Self {
            ctl: Outcome::missed(),
            itl: Outcome::missed(),
            trust: phone.clone(),
            messages: Vec::new(),
            registration: None,
        }
    }
}
