//! The bridge between a simulated phone and the trust oracle ([`itl_core::trust`]): what the
//! phone holds becomes a [`PhoneTrust`], its CallManager group becomes [`TvsServer`]s, and the
//! oracle's [`DownloadResult`] becomes held files, status messages and a registration state.
//!
//! No trust rule lives here: every decision is [`itl_core::trust::download_files`] (which
//! also runs [`itl_core::trust::check_tls_registration`] for phones with a TLS profile when a
//! [`RegistrationTarget`] is given) or [`itl_core::trust::accepts_config_signer`].

use std::collections::HashMap;
use std::sync::Arc;

use itl_core::trust::{
    Capabilities, CertInfo, DownloadContext, DownloadResult, Held, Outcome, PhoneTrust,
    RegistrationTarget, TrustCache, TrustFile, TvsServer, accepts_config_cert, download_files,
};

use crate::model::{Archive, FileId};
use crate::phone::Phone;

/// Parsed files and certificates for one batch of decisions, keyed by archive id / digest.
#[derive(Default)]
pub struct Digested {
    files: HashMap<FileId, Arc<TrustFile>>,
    by_sha256: HashMap<[u8; 32], FileId>,
    certs: HashMap<[u8; 32], Arc<CertInfo>>,
}

impl Digested {
    /// The parsed file for an archive id (parsed once through `cache`). `None` when the id is
    /// unknown or the bytes do not parse.
    pub fn file(
        &mut self,
        cache: &TrustCache,
        archive: &Archive,
        id: FileId,
    ) -> Option<Arc<TrustFile>> {
        if let Some(f) = self.files.get(&id) {
            return Some(f.clone());
        }
        let bytes = &archive.get(id)?.bytes;
        let file = cache.file(bytes).ok()?;
        self.by_sha256.insert(*file.sha256(), id);
        self.files.insert(id, file.clone());
        Some(file)
    }

    /// The decoded certificate for a DER (decoded once).
    pub fn cert(&mut self, sha256: [u8; 32], der: &[u8]) -> Option<Arc<CertInfo>> {
        if let Some(c) = self.certs.get(&sha256) {
            return Some(c.clone());
        }
        let cert = CertInfo::shared(der).ok()?;
        self.certs.insert(sha256, cert.clone());
        Some(cert)
    }

    /// The archive id of a parsed file seen in this batch.
    pub fn id_of(&self, file: &TrustFile) -> Option<FileId> {
        self.by_sha256.get(file.sha256()).copied()
    }
}

/// The trust state a phone holds, for the oracle.
pub fn phone_trust(phone: &Phone, files: &Digested) -> PhoneTrust {
    let held = |id: Option<FileId>| match id.and_then(|id| files.files.get(&id)) {
        Some(f) => Held::File(f.clone()),
        None => Held::Absent,
    };
    let mut trust = PhoneTrust {
        ctl: held(phone.ctl),
        itl: held(phone.itl),
        tvs_cache: phone.tvs_cache.clone(),
    };
    if phone.itl.is_none() && phone.itl_not_installed {
        trust.itl = Held::NotInstalled;
    }
    trust
}

/// The capabilities of a phone: its model's TVS support, its security profile (TLS or not)
/// and whether it holds an LSC.
pub fn capabilities(phone: &Phone) -> Capabilities {
    Capabilities::of_model(&phone.model.model_number())
        .with_tls_profile(phone.security_profile.mode.is_tls())
        .with_lsc(phone.lsc.is_some())
}

/// One phone's reset, decided by the oracle.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The CTL/ITL outcomes, the new trust state and the messages.
    pub result: DownloadResult,
    /// The outcome for the config file signed by the TFTP node's CallManager certificate.
    pub config: Option<Outcome>,
}

/// What a phone downloads from its TFTP node.
pub struct Served<'a> {
    /// The CTL, when served.
    pub ctl: Option<&'a Arc<TrustFile>>,
    /// The ITL, when served.
    pub itl: Option<&'a Arc<TrustFile>>,
    /// The certificate that signs the node's config files (its CallManager certificate).
    pub config_signer: Option<&'a CertInfo>,
    /// The node the phone registers to, with its current CallManager certificate and the
    /// cluster's current CAPF (checked for TLS-profile phones).
    pub registration: Option<&'a RegistrationTarget>,
}

/// Decides one phone's download with the oracle.
pub fn decide(
    trust: &PhoneTrust,
    served: &Served<'_>,
    tvs: &[TvsServer],
    caps: &Capabilities,
    cache: &TrustCache,
    now: u64,
) -> Decision {
    let mut ctx = DownloadContext::new(cache, itl_core::UnixTime::from_secs_u64(now))
        .with_tvs(tvs)
        .with_capabilities(caps);
    if let Some(target) = served.registration {
        ctx = ctx.with_registration(target);
    }
    let result = download_files(trust, served.ctl, served.itl, &ctx);
    let config = served
        .config_signer
        .map(|cert| accepts_config_cert(&result.trust, cert, &ctx));
    Decision { result, config }
}

/// The oracle's verdict when the phone did not download.
pub fn missed(trust: &PhoneTrust) -> Decision {
    Decision {
        result: DownloadResult::missed(trust),
        config: None,
    }
}
