//! The decision procedure of `trust-and-procedure.md` §2.2/§2.3: what a phone does with the
//! CTL and ITL it downloads, and the pieces (signer look-up, the TVS path) that
//! [`config`](super::config) reuses for config files.
//!
//! Order inside one download (§2.1): the CTL first, then the ITL, which is judged against the
//! state the CTL step left. R1 (leap of faith) is judged on the state before the download, so
//! a new phone takes its first CTL and its first ITL unconditionally.
//!
//! | file | rule order |
//! |---|---|
//! | CTL | kind → R0 identical → signer named → R9 CTL by hash → R3 (SAST of the CTL, else R5 TVS) → R1 leap of faith → R9 ITL by hash → R1b (SAST of the ITL, else TVS, else `UNKNOWN`) |
//! | ITL | kind → R8 size → R0 identical → R1 leap of faith → R9 ITL by hash → R2 blank ITL held → R9 CTL by hash → R3 (SAST/CCM+TFTP/TFTP of the CTL, else `REJECT_NO_ITL`) → R4 (SAST of the ITL) → R5 TVS / R7 |
//!
//! A trusted signer must also produce a valid signature: a file that names a trusted
//! certificate but does not verify with its key is rejected (R2 excepted: a phone holding a
//! blank ITL checks nothing).

use super::cache::{Archive, TrustCache};
use super::config::check_tls_registration;
use super::context::{DownloadContext, DownloadResult};
use super::file::{CertInfo, FileHash, SignerId, TrustFile};
use super::outcome::{Outcome, OutcomeKind, Reason, SignerName, StatusMessage};
use super::phone::{Held, PhoneTrust, TVS_CACHE_SECONDS, TvsCacheEntry};
use crate::time::UnixTime;
use crate::{Function, ListKind};
use std::sync::Arc;

/// R8: a served ITL over this many bytes blocks the phone.
pub const PHONE_ITL_MAX_BYTES: usize = 65_535;
/// R8: a served ITL with more certificates than this blocks the phone.
pub const PHONE_ITL_MAX_CERTS: usize = 39;

/// Roles of the CTL that may sign an ITL (R3).
const CTL_ROLES_FOR_ITL: [Function; 3] = [Function::Sast, Function::CcmTftp, Function::Tftp];

/// The phone resets and downloads `ctl` (if served) then `itl` (if served). `None` means the
/// TFTP server answered "file not found". Files are parsed through `ctx.cache`.
pub fn download(
    phone: &PhoneTrust,
    ctl: Option<&[u8]>,
    itl: Option<&[u8]>,
    ctx: &DownloadContext<'_>,
) -> DownloadResult {
    let parse = |bytes: Option<&[u8]>| match bytes {
        None => Ok(None),
        Some(bytes) => ctx.cache.file(bytes).map(Some),
    };
    let ctl = parse(ctl);
    let itl = parse(itl);
    fn served(parsed: &Result<Option<Arc<TrustFile>>, crate::ParseError>) -> Served<'_> {
        match parsed {
            Ok(None) => Served::Not,
            Ok(Some(file)) => Served::File(file),
            Err(e) => Served::Bad(e.to_string().into()),
        }
    }
    run(phone, &served(&ctl), &served(&itl), ctx)
}

/// As [`download`], with files already parsed (e.g. once per TFTP node and step through
/// [`TrustCache::file`]): no hashing or parsing per phone.
pub fn download_files(
    phone: &PhoneTrust,
    ctl: Option<&Arc<TrustFile>>,
    itl: Option<&Arc<TrustFile>>,
    ctx: &DownloadContext<'_>,
) -> DownloadResult {
    fn served(file: Option<&Arc<TrustFile>>) -> Served<'_> {
        file.map_or(Served::Not, Served::File)
    }
    run(phone, &served(ctl), &served(itl), ctx)
}

/// A served file as the rules see it.
enum Served<'f> {
    /// TFTP "file not found".
    Not,
    /// Served but does not parse (the parse error).
    Bad(Arc<str>),
    /// Served and parsed.
    File(&'f Arc<TrustFile>),
}

/// What is being authenticated: a trust list by the signer its header names, or a config
/// file by its signer's certificate.
pub(super) enum Claim<'c> {
    File {
        file: &'c TrustFile,
        id: &'c SignerId,
    },
    Config {
        cert: &'c CertInfo,
        id: &'c SignerId,
    },
}

impl Claim<'_> {
    fn id(&self) -> &SignerId {
        match self {
            Self::File { id, .. } | Self::Config { id, .. } => id,
        }
    }

    pub(super) fn name(&self) -> SignerName {
        self.id().name().clone()
    }

    /// Whether `cert` (already matched by serial + issuer) authenticates the claim: the file's
    /// signature verifies with its key, or the config signer has its key.
    fn verifies(&self, cert: &CertInfo, cache: &TrustCache) -> bool {
        match self {
            Self::File { file, .. } => cache.signature_valid(file, cert),
            Self::Config { cert: signer, .. } => signer.public_key() == cert.public_key(),
        }
    }
}

pub(super) enum Found {
    Valid(Function),
    Invalid,
    Missing,
}

/// Looks the claim's signer up among `list`'s records with one of `roles`.
pub(super) fn find_in(
    list: &TrustFile,
    roles: &[Function],
    claim: &Claim<'_>,
    cache: &TrustCache,
) -> Found {
    let mut named = false;
    for (role, cert) in list.certs_with_roles(roles) {
        if !claim.id().matches(cert) {
            continue;
        }
        if claim.verifies(cert, cache) {
            return Found::Valid(role);
        }
        named = true;
    }
    if named {
        Found::Invalid
    } else {
        Found::Missing
    }
}

pub(super) struct TvsAccept {
    pub(super) node: Arc<str>,
    cert: Arc<CertInfo>,
    fresh: bool,
}

pub(super) enum Tvs {
    Accepted(TvsAccept),
    Failed,
    UnknownItl(FileHash),
}

/// R5 (§2.3) with R7 and the TVS cache: the phone's cache first (when enabled), then each
/// node of its group in order. Pushes one reason per obstacle and, on success, the voucher.
pub(super) fn tvs_path(
    state: &PhoneTrust,
    claim: &Claim<'_>,
    ctx: &DownloadContext<'_>,
    reasons: &mut Vec<Reason>,
) -> Tvs {
    if ctx.use_tvs_cache {
        for entry in &state.tvs_cache {
            if entry.expires > ctx.now
                && claim.id().matches(&entry.cert)
                && claim.verifies(&entry.cert, ctx.cache)
            {
                reasons.push(Reason::TvsCached {
                    node: entry.node.clone(),
                    signer: claim.name(),
                    expires: entry.expires,
                });
                return Tvs::Accepted(TvsAccept {
                    node: entry.node.clone(),
                    cert: entry.cert.clone(),
                    fresh: false,
                });
            }
        }
    }
    if !ctx.capabilities.tvs {
        reasons.push(Reason::NoTvsSupport {
            model: ctx.capabilities.model.clone(),
        });
        return Tvs::Failed;
    }
    if ctx.tvs.is_empty() {
        reasons.push(Reason::NoTvsInGroup);
        return Tvs::Failed;
    }
    let itl = match &state.itl {
        Held::File(itl) if itl.has_tvs_records() => itl,
        Held::Hash(hash) => return Tvs::UnknownItl(*hash),
        _ => {
            reasons.push(Reason::NoTvsRecords);
            return Tvs::Failed;
        }
    };
    for server in ctx.tvs {
        if !server.reachable {
            reasons.push(Reason::TvsUnreachable {
                node: server.node.clone(),
            });
            continue;
        }
        if !itl.has_tvs_cert(server.certificate.sha256()) {
            reasons.push(Reason::TvsCertChanged {
                node: server.node.clone(),
            });
            continue;
        }
        let mut known = false;
        for cert in server.lookup(claim.id()) {
            known = true;
            if claim.verifies(cert, ctx.cache) {
                reasons.push(Reason::TvsVouched {
                    node: server.node.clone(),
                    signer: claim.name(),
                });
                return Tvs::Accepted(TvsAccept {
                    node: server.node.clone(),
                    cert: cert.clone(),
                    fresh: true,
                });
            }
        }
        reasons.push(if known {
            Reason::SignatureInvalid {
                signer: claim.name(),
            }
        } else {
            Reason::TvsDoesNotKnowSigner {
                node: server.node.clone(),
                signer: claim.name(),
            }
        });
    }
    Tvs::Failed
}

pub(super) fn accept(reason: Reason) -> Outcome {
    Outcome::new(OutcomeKind::Accept, vec![reason])
}

pub(super) fn unknown(file: ListKind, hash: FileHash, mut reasons: Vec<Reason>) -> Outcome {
    reasons.push(Reason::FileNotInArchive { file, hash });
    Outcome::new(OutcomeKind::Unknown, reasons)
}

/// The phone's state with files known by hash resolved where possible and expired TVS cache
/// entries dropped.
pub(super) fn resolve(phone: &PhoneTrust, ctx: &DownloadContext<'_>) -> PhoneTrust {
    let mut state = phone.clone();
    let archive = ctx.archive.map(|a| a as &dyn Archive);
    for slot in [&mut state.ctl, &mut state.itl] {
        if let Held::Hash(hash) = slot
            && let Some(file) = ctx.cache.resolve(hash, archive)
        {
            *slot = Held::File(file);
        }
    }
    state.tvs_cache.retain(|e| e.expires > ctx.now);
    state
}

/// Notes a fresh TVS answer in the phone's cache; returns whether one was added.
fn remember(state: &mut PhoneTrust, ok: &TvsAccept, now: UnixTime) -> bool {
    if !ok.fresh {
        return false;
    }
    state
        .tvs_cache
        .retain(|e| e.cert.sha256() != ok.cert.sha256());
    state.tvs_cache.push(TvsCacheEntry {
        cert: ok.cert.clone(),
        node: ok.node.clone(),
        expires: now + TVS_CACHE_SECONDS,
    });
    true
}

/// Leap of faith: the file must still verify with its own signer record.
fn self_check(file: &TrustFile, claim: &Claim<'_>, cache: &TrustCache) -> Outcome {
    match find_in(file, &[Function::Sast], claim, cache) {
        Found::Valid(_) => Outcome::new(OutcomeKind::AcceptLof, vec![Reason::LeapOfFaith]),
        Found::Invalid => Outcome::new(
            OutcomeKind::Reject,
            vec![
                Reason::LeapOfFaith,
                Reason::SignatureInvalid {
                    signer: claim.name(),
                },
            ],
        ),
        Found::Missing => Outcome::new(
            OutcomeKind::Reject,
            vec![
                Reason::LeapOfFaith,
                Reason::SignerNotInFile {
                    signer: claim.name(),
                },
            ],
        ),
    }
}

/// Checks shared by both files before the rules: served at all, parses, right kind.
fn preliminary<'f>(served: &Served<'f>, kind: ListKind) -> Result<&'f Arc<TrustFile>, Outcome> {
    match served {
        Served::Not => Err(Outcome::new(
            OutcomeKind::NoChange,
            vec![Reason::NotServed { file: kind }],
        )),
        Served::Bad(error) => Err(Outcome::new(
            OutcomeKind::Reject,
            vec![Reason::Malformed {
                file: kind,
                error: error.clone(),
            }],
        )),
        Served::File(file) if file.kind() != Some(kind) => Err(Outcome::new(
            OutcomeKind::Reject,
            vec![Reason::WrongKind {
                expected: kind,
                found: file.kind(),
            }],
        )),
        Served::File(file) => Ok(*file),
    }
}

/// The step's outcome when the served `file` is byte-identical to the one the phone holds: no
/// change, and no TVS cache entry added.
fn identical(file: ListKind) -> (Outcome, bool) {
    (
        Outcome::new(OutcomeKind::NoChange, vec![Reason::Identical { file }]),
        false,
    )
}

/// The CTL step. Mutates `state` on acceptance; returns the outcome and whether a TVS cache
/// entry was added.
fn decide_ctl(
    state: &mut PhoneTrust,
    served: &Served<'_>,
    ctx: &DownloadContext<'_>,
) -> (Outcome, bool) {
    let file = match preliminary(served, ListKind::Ctl) {
        Ok(file) => file,
        Err(outcome) => return (outcome, false),
    };
    if state.ctl.is_identical_to(file) {
        return identical(ListKind::Ctl);
    }
    let Some(id) = file.signer() else {
        return (
            Outcome::new(OutcomeKind::Reject, vec![Reason::Unsigned]),
            false,
        );
    };
    let claim = Claim::File { file, id };
    let install = |state: &mut PhoneTrust| state.ctl = Held::File(file.clone());
    let (current, anchor, on_tvs_failure): (_, _, fn(Vec<Reason>) -> Outcome) =
        match (&state.ctl, &state.itl) {
            (Held::Hash(hash), _) => return (unknown(ListKind::Ctl, *hash, Vec::new()), false),
            // R3: a new CTL must be signed by a SAST of the current CTL, else TVS (R5).
            (Held::File(ctl), _) => (ctl.clone(), Anchor::Ctl, |reasons| {
                Outcome::new(OutcomeKind::Reject, reasons)
            }),
            // R1: nothing held: leap of faith.
            (_, Held::Absent | Held::NotInstalled) => {
                let outcome = self_check(file, &claim, ctx.cache);
                if outcome.is_accept() {
                    install(state);
                }
                return (outcome, false);
            }
            (_, Held::Hash(hash)) => return (unknown(ListKind::Itl, *hash, Vec::new()), false),
            // R1b: first CTL while holding an ITL (inferred).
            (_, Held::File(itl)) => (itl.clone(), Anchor::Itl, |mut reasons| {
                reasons.push(Reason::FirstCtlUndocumented);
                Outcome::new(OutcomeKind::Unknown, reasons)
            }),
        };
    sast_or_tvs(
        state,
        &current,
        anchor,
        &claim,
        ctx,
        install,
        on_tvs_failure,
    )
}

/// The ITL step, judged against the state after the CTL step; `lof` is R1 judged on the
/// state before the download.
fn decide_itl(
    state: &mut PhoneTrust,
    lof: bool,
    served: &Served<'_>,
    ctx: &DownloadContext<'_>,
) -> (Outcome, bool) {
    // R7: a phone without Security By Default never downloads an ITL.
    if !ctx.capabilities.holds_itl {
        return (
            Outcome::new(
                OutcomeKind::NoChange,
                vec![Reason::NoSecurityByDefault {
                    model: ctx.capabilities.model.clone(),
                }],
            ),
            false,
        );
    }
    let file = match preliminary(served, ListKind::Itl) {
        Ok(file) => file,
        Err(outcome) => return (outcome, false),
    };
    // R8: the phone cannot take the file at all.
    if file.len() > PHONE_ITL_MAX_BYTES || file.certificate_count() > PHONE_ITL_MAX_CERTS {
        return (
            Outcome::new(
                OutcomeKind::Blocked,
                vec![Reason::ItlTooLarge {
                    bytes: file.len(),
                    certs: file.certificate_count(),
                }],
            ),
            false,
        );
    }
    if state.itl.is_identical_to(file) {
        return identical(ListKind::Itl);
    }
    let install = |state: &mut PhoneTrust| state.itl = Held::File(file.clone());
    let signer = file.signer();
    if lof {
        let outcome = match signer {
            Some(id) => self_check(file, &Claim::File { file, id }, ctx.cache),
            None => Outcome::new(
                OutcomeKind::Reject,
                vec![Reason::LeapOfFaith, Reason::Unsigned],
            ),
        };
        if outcome.is_accept() {
            install(state);
        }
        return (outcome, false);
    }
    if let Held::Hash(hash) = &state.itl {
        return (unknown(ListKind::Itl, *hash, Vec::new()), false);
    }
    // R2: a blank ITL accepts anything.
    if state.holds_blank_itl() {
        install(state);
        return (
            Outcome::new(OutcomeKind::AcceptAny, vec![Reason::BlankItlHeld]),
            false,
        );
    }
    match &state.ctl {
        Held::Hash(hash) => (unknown(ListKind::Ctl, *hash, Vec::new()), false),
        // R3: the ITL is authenticated against the CTL; no TVS rescue (inferred).
        Held::File(ctl) => {
            let ctl = ctl.clone();
            let found = match signer {
                Some(id) => find_in(
                    &ctl,
                    &CTL_ROLES_FOR_ITL,
                    &Claim::File { file, id },
                    ctx.cache,
                ),
                None => Found::Missing,
            };
            match (found, signer) {
                (Found::Valid(role), Some(id)) => {
                    install(state);
                    (
                        accept(Reason::SignerInCtl {
                            signer: id.name().clone(),
                            role,
                        }),
                        false,
                    )
                }
                (found, signer) => {
                    state.itl = Held::NotInstalled;
                    let mut reasons = Vec::new();
                    match (found, signer) {
                        (_, None) => reasons.push(Reason::Unsigned),
                        (Found::Invalid, Some(id)) => reasons.push(Reason::SignatureInvalid {
                            signer: id.name().clone(),
                        }),
                        (_, Some(id)) => {
                            reasons.push(Reason::SignerNotInCtl {
                                signer: id.name().clone(),
                            });
                            reasons.push(Reason::TvsNotUsedWithCtl);
                        }
                    }
                    (Outcome::new(OutcomeKind::RejectNoItl, reasons), false)
                }
            }
        }
        Held::Absent | Held::NotInstalled => {
            let Some(id) = signer else {
                return (
                    Outcome::new(OutcomeKind::Reject, vec![Reason::Unsigned]),
                    false,
                );
            };
            let claim = Claim::File { file, id };
            let Held::File(current) = &state.itl else {
                // No CTL and no ITL after the CTL step means none before it either: R1.
                let outcome = self_check(file, &claim, ctx.cache);
                if outcome.is_accept() {
                    install(state);
                }
                return (outcome, false);
            };
            // R4: signed by a SAST of the current ITL; else R5 (TVS) / R7.
            let current = current.clone();
            sast_or_tvs(
                state,
                &current,
                Anchor::Itl,
                &claim,
                ctx,
                install,
                |reasons| Outcome::new(OutcomeKind::Reject, reasons),
            )
        }
    }
}

/// Which held list a signer was looked up in, for the reasons reported.
#[derive(Clone, Copy)]
pub(super) enum Anchor {
    Ctl,
    Itl,
}

impl Anchor {
    /// The signer was found in this list with `role`.
    pub(super) fn signer_in(self, signer: SignerName, role: Function) -> Reason {
        match self {
            Anchor::Ctl => Reason::SignerInCtl { signer, role },
            Anchor::Itl => Reason::SignerInItl { signer, role },
        }
    }

    /// The signer is not in this list (under the roles looked at).
    pub(super) fn signer_not_in(self, signer: SignerName) -> Reason {
        match self {
            Anchor::Ctl => Reason::SignerNotInCtl { signer },
            Anchor::Itl => Reason::SignerNotInItl { signer },
        }
    }
}

/// R3 (new CTL), R1b and R4 with R5: accept when a SAST of `held` signed the file, reject a bad
/// signature, otherwise ask TVS; `on_tvs_failure` turns the reasons into the outcome when TVS
/// cannot vouch either. Returns the outcome and whether a TVS cache entry was added.
fn sast_or_tvs(
    state: &mut PhoneTrust,
    held: &TrustFile,
    anchor: Anchor,
    claim: &Claim<'_>,
    ctx: &DownloadContext<'_>,
    install: impl Fn(&mut PhoneTrust),
    on_tvs_failure: impl FnOnce(Vec<Reason>) -> Outcome,
) -> (Outcome, bool) {
    let signer = claim.name();
    match find_in(held, &[Function::Sast], claim, ctx.cache) {
        Found::Valid(role) => {
            install(state);
            (accept(anchor.signer_in(signer, role)), false)
        }
        Found::Invalid => (
            Outcome::new(
                OutcomeKind::Reject,
                vec![Reason::SignatureInvalid { signer }],
            ),
            false,
        ),
        Found::Missing => {
            let mut reasons = vec![anchor.signer_not_in(signer)];
            match tvs_path(state, claim, ctx, &mut reasons) {
                Tvs::Accepted(ok) => {
                    install(state);
                    let added = remember(state, &ok, ctx.now);
                    (
                        Outcome::new(OutcomeKind::AcceptTvs { via: ok.node }, reasons),
                        added,
                    )
                }
                Tvs::UnknownItl(hash) => (unknown(ListKind::Itl, hash, reasons), false),
                Tvs::Failed => (on_tvs_failure(reasons), false),
            }
        }
    }
}

fn run(
    phone: &PhoneTrust,
    ctl: &Served<'_>,
    itl: &Served<'_>,
    ctx: &DownloadContext<'_>,
) -> DownloadResult {
    let mut state = resolve(phone, ctx);
    let lof = state.holds_nothing();
    let (ctl_outcome, ctl_cached) = decide_ctl(&mut state, ctl, ctx);
    let (itl_outcome, itl_cached) = decide_itl(&mut state, lof, itl, ctx);

    let mut messages = Vec::new();
    let ctl_ok = ctl_outcome.is_accept();
    let itl_ok = itl_outcome.is_accept();
    let blank = itl_ok && state.holds_blank_itl();
    if ctl_ok || itl_ok {
        messages.push(StatusMessage::TrustListUpdated);
    }
    match (ctl_ok, itl_ok && !blank) {
        (true, true) => messages.push(StatusMessage::CtlAndItlInstalled),
        (true, false) => messages.push(StatusMessage::CtlInstalled),
        (false, true) => messages.push(StatusMessage::ItlInstalled),
        (false, false) => {}
    }
    if matches!(ctl, Served::Not) {
        messages.push(StatusMessage::FileNotFound(ListKind::Ctl.cluster_file()));
    }
    if matches!(itl, Served::Not) && ctx.capabilities.holds_itl {
        messages.push(StatusMessage::FileNotFound(ListKind::Itl.cluster_file()));
    }
    if ctl_outcome.kind == OutcomeKind::Reject {
        messages.push(StatusMessage::CtlUpdateFailed);
    }
    if itl_outcome.kind == OutcomeKind::Reject {
        messages.push(StatusMessage::TrustListUpdateFailed);
    }
    for added in [ctl_cached, itl_cached] {
        if added {
            messages.push(StatusMessage::TvsCacheAdded);
        }
    }
    if blank || (!state.ctl.is_present() && !state.itl.is_present()) {
        messages.push(StatusMessage::NoTrustListInstalled);
    }
    let registration = ctx
        .registration
        .and_then(|target| check_tls_registration(&state, target, ctx.capabilities));
    DownloadResult {
        ctl: ctl_outcome,
        itl: itl_outcome,
        trust: state,
        messages,
        registration,
    }
}
