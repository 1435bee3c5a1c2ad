//! The phone's trust state and the acceptance rules of `trust-and-procedure.md` §2: what a
//! Cisco IP phone does with a CTL, an ITL or a signed config file it downloads.
//!
//! The module is an oracle for a simulated phone fleet and for a per-phone predictor of
//! planned certificate changes. It is pure (no I/O, no clock: `now` is passed in) and
//! deterministic; parsed files and signature results are memoised in a [`TrustCache`] keyed
//! by content (file SHA-256, certificate SHA-256), so a decision for one more phone costs a
//! few hash-map look-ups.
//!
//! * [`PhoneTrust`]: the CTL and ITL a phone holds ([`Held`]: a file, a hash to resolve in an
//!   [`Archive`], nothing, or ITL "Not Installed") and its TVS cache.
//! * [`TvsServer`]: a TVS node of the phone's CallManager group: reachable, its current TVS
//!   certificate, the certificates it can vouch for.
//! * [`download`] / [`download_files`]: one reset; the CTL's and the ITL's [`Outcome`], the
//!   new [`PhoneTrust`] and the [`StatusMessage`]s the phone logs.
//! * [`accepts_config_signer`]: whether a config file signed by a certificate is accepted.
//! * [`check_tls_registration`]: TLS-profile / LSC phones against the CTL they hold.
//!
//! Rules: R0 identical → `NO_CHANGE`; R1 nothing held → `ACCEPT_LOF`; R1b first CTL over an
//! ITL → `ACCEPT` / `ACCEPT_TVS` / `UNKNOWN`; R2 blank ITL held → `ACCEPT_ANY` for ITLs and
//! configs (not CTLs); R3 CTL held → CTL by a SAST of the CTL (else TVS), ITL by a
//! SAST/CCM+TFTP/TFTP of the CTL (else `REJECT_NO_ITL`); R4 ITL only → a SAST of the ITL,
//! else R5 TVS (§2.3), else `REJECT`; R7 no TVS support → `REJECT`; R8 ITL over 65 535 bytes
//! or 39 certificates → `BLOCKED`; R9 current file not in the archive → `UNKNOWN`; R6 a phone
//! that did not download → [`DownloadResult::missed`].
//!
//! ```
//! use itl_core::trust::{DownloadContext, OutcomeKind, PhoneTrust, TrustCache, download};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let itl = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-12-sha512.tlv"))?;
//! let cache = TrustCache::new();
//! let ctx = DownloadContext::new(&cache, itl_core::UnixTime::from_secs(1_750_000_000));
//! let first = download(&PhoneTrust::new(), None, Some(&itl), &ctx);
//! assert_eq!(first.itl.kind, OutcomeKind::AcceptLof);
//! assert_eq!(first.messages.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
//!            ["Trust List updated", "ITL installed", "File Not Found <CTLFile.tlv>"]);
//! let again = download(&first.trust, None, Some(&itl), &ctx);
//! assert_eq!(again.itl.kind, OutcomeKind::NoChange);
//! # Ok(()) }
//! ```

mod cache;
mod config;
mod context;
mod decide;
mod file;
mod outcome;
mod phone;
mod tvs;
mod verdict;

#[cfg(test)]
mod tests;

pub use cache::{Archive, CacheStats, MemoryArchive, TrustCache};
pub use config::{accepts_config_cert, accepts_config_signer, check_tls_registration};
pub use context::{DownloadContext, DownloadResult, RegistrationTarget};
pub use decide::{PHONE_ITL_MAX_BYTES, PHONE_ITL_MAX_CERTS, download, download_files};
pub use file::{CertError, CertInfo, FileHash, RecordInfo, SignerId, TrustFile};
pub use outcome::{Outcome, OutcomeKind, Reason, SignerName, StatusMessage};
pub use phone::{Capabilities, Held, PhoneTrust, TVS_CACHE_SECONDS, TvsCacheEntry};
pub use tvs::TvsServer;
pub use verdict::{UnknownVerdict, Verdict};
