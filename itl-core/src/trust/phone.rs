//! [`PhoneTrust`]: what one phone holds (its CTL, its ITL, its TVS cache), and
//! [`Capabilities`]: what its model can do.

use super::file::{CertInfo, FileHash, TrustFile};
use crate::time::UnixTime;
use std::sync::Arc;

/// How long a TVS answer stays in the phone's cache (`expires in 24 hours`).
pub const TVS_CACHE_SECONDS: i64 = 24 * 60 * 60;

/// What a phone holds in one trust-list slot (its CTL or its ITL).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Held {
    /// Nothing: new, erased, or a CTL on a phone that never saw a mixed-mode cluster.
    #[default]
    Absent,
    /// The ITL was rejected against the CTL (R3): the phone shows ITL "Not Installed".
    /// Behaves as [`Held::Absent`] for the rules.
    NotInstalled,
    /// A file the engine knows.
    File(Arc<TrustFile>),
    /// A file known only by the hash the phone reports; resolved through an
    /// [`Archive`](super::Archive) when a rule needs its content (R9).
    Hash(FileHash),
}

impl Held {
    /// Whether the slot holds a file (known or by hash).
    pub fn is_present(&self) -> bool {
        matches!(self, Self::File(_) | Self::Hash(_))
    }

    /// The file, when known.
    pub fn file(&self) -> Option<&Arc<TrustFile>> {
        match self {
            Self::File(file) => Some(file),
            _ => None,
        }
    }

    /// Whether the slot holds exactly the served file (R0), comparing the whole bytes'
    /// digests (also for a slot known only by hash).
    pub fn is_identical_to(&self, served: &TrustFile) -> bool {
        match self {
            Self::File(file) => file.sha256() == served.sha256(),
            Self::Hash(hash) => hash.matches(served.checksums()),
            Self::Absent | Self::NotInstalled => false,
        }
    }
}

/// One certificate a TVS server vouched for, cached by the phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TvsCacheEntry {
    /// The certificate TVS returned.
    pub cert: Arc<CertInfo>,
    /// The TVS node that returned it.
    pub node: Arc<str>,
    /// End of validity (exclusive).
    pub expires: UnixTime,
}

/// A phone's trust state: its CTL, its ITL and its TVS cache. Cheap to clone (files are
/// shared).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PhoneTrust {
    /// The installed CTL.
    pub ctl: Held,
    /// The installed ITL.
    pub itl: Held,
    /// Certificates TVS vouched for, with their expiry.
    pub tvs_cache: Vec<TvsCacheEntry>,
}

impl PhoneTrust {
    /// A phone holding nothing (new or erased).
    pub fn new() -> Self {
        Self::default()
    }

    /// A phone holding these files.
    pub fn with_files(ctl: Option<Arc<TrustFile>>, itl: Option<Arc<TrustFile>>) -> Self {
        Self {
            ctl: ctl.map_or(Held::Absent, Held::File),
            itl: itl.map_or(Held::Absent, Held::File),
            tvs_cache: Vec::new(),
        }
    }

    /// A phone known by the hashes it reports (from a sweep).
    pub fn from_hashes(ctl: Option<FileHash>, itl: Option<FileHash>) -> Self {
        Self {
            ctl: ctl.map_or(Held::Absent, Held::Hash),
            itl: itl.map_or(Held::Absent, Held::Hash),
            tvs_cache: Vec::new(),
        }
    }

    /// The phone after a manual or remote CTL/ITL delete (`Erasing CTL and ITL files`).
    pub fn erased() -> Self {
        Self::default()
    }

    /// Whether the phone holds neither a CTL nor an ITL (the leap-of-faith state, R1).
    pub fn holds_nothing(&self) -> bool {
        !self.ctl.is_present() && !self.itl.is_present()
    }

    /// Whether the phone's ITL is a known blank ITL (rollback, R2).
    pub fn holds_blank_itl(&self) -> bool {
        self.itl.file().is_some_and(|f| f.is_blank())
    }

    /// The cache entry for a certificate still valid at `now`, if any.
    pub fn cached(&self, cert: &CertInfo, now: UnixTime) -> Option<&TvsCacheEntry> {
        self.tvs_cache
            .iter()
            .find(|e| e.expires > now && e.cert.sha256() == cert.sha256())
    }
}

/// What a phone model can do, and how it is provisioned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Model name, for messages (`CP-8841`, `CP-7960`, `Jabber`...).
    pub model: Arc<str>,
    /// Whether the model uses TVS (7940/7960, Jabber and many TelePresence units do not; R7).
    pub tvs: bool,
    /// Whether the model downloads and holds an ITL (Security By Default). 7940/7960 do not
    /// (R7): ITL changes leave them unaffected; only CTL changes can lock them out.
    pub holds_itl: bool,
    /// Whether the phone has an authenticated/encrypted (TLS) security profile.
    pub tls_profile: bool,
    /// Whether the phone uses an LSC issued by CAPF.
    pub lsc: bool,
}

impl Capabilities {
    /// A TVS-capable model with a non-secure profile.
    pub fn new(model: &str) -> Self {
        Self {
            model: model.into(),
            tvs: true,
            holds_itl: true,
            tls_profile: false,
            lsc: false,
        }
    }

    /// A model without TVS support (R7).
    pub fn without_tvs(model: &str) -> Self {
        Self {
            tvs: false,
            ..Self::new(model)
        }
    }

    /// What a model named `name` can do ([`crate::cucm::ModelInfo`]): TVS, Security By
    /// Default; a non-secure profile.
    pub fn of_model(name: &str) -> Self {
        let info = crate::cucm::ModelInfo::from_name(name);
        Self {
            tvs: info.tvs,
            holds_itl: info.holds_itl,
            ..Self::new(name)
        }
    }

    /// A model without Security By Default (7940/7960): no TVS, and no ITL ever (R7).
    pub fn without_sbd(model: &str) -> Self {
        Self {
            tvs: false,
            holds_itl: false,
            ..Self::new(model)
        }
    }

    /// Sets the TLS security profile.
    pub fn with_tls_profile(mut self, tls: bool) -> Self {
        self.tls_profile = tls;
        self
    }

    /// Sets LSC use.
    pub fn with_lsc(mut self, lsc: bool) -> Self {
        self.lsc = lsc;
        self
    }
}

impl Default for Capabilities {
    fn default() -> Self {
        Self::new("phone")
    }
}
