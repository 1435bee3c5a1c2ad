//! The scenario table of `trust-and-procedure.md` §6 (S1–S24) as tests: each row is one test
//! named after it, and the expected outcome is the table's, not the engine's. Clusters are
//! built from the committed keys and certificates (generation 1) and from certificates made
//! by `itl-pki` for regenerations (see `common/mod.rs`); every file is a real, signed ITL or
//! CTL and every signature is checked.

mod common;

use common::{Cluster, HOUR, NOW, PUB, Phone, ResetOptions, SUB, Version, fixture, fixtures};
use itl_core::trust::{
    Capabilities, DownloadContext, FileHash, Held, MemoryArchive, Outcome, OutcomeKind, PhoneTrust,
    Reason, StatusMessage, TVS_CACHE_SECONDS, TrustCache, download,
};
use itl_core::{Function, ListKind};

/// Asserts that an outcome gives a reason matching the pattern.
macro_rules! assert_reason {
    ($outcome:expr, $($reason:tt)+) => {{
        let outcome = &$outcome;
        assert!(outcome.has_reason(|r| matches!(r, $($reason)+)), "{outcome}");
    }};
}

fn messages(r: &itl_core::trust::DownloadResult) -> Vec<String> {
    r.messages.iter().map(|m| m.to_string()).collect()
}

fn via(kind: &OutcomeKind) -> &str {
    match kind {
        OutcomeKind::AcceptTvs { via } => via,
        other => panic!("expected ACCEPT_TVS, got {other}"),
    }
}

fn tvs_cert_changed(node: &str) -> impl Fn(&Reason) -> bool + '_ {
    move |r| matches!(r, Reason::TvsCertChanged { node: n } if &**n == node)
}

fn unreachable(node: &str) -> impl Fn(&Reason) -> bool + '_ {
    move |r| matches!(r, Reason::TvsUnreachable { node: n } if &**n == node)
}

/// The signer is in the phone's `list` with `role`.
fn signer_in(list: ListKind, role: Function) -> impl Fn(&Reason) -> bool {
    move |r| match (list, r) {
        (ListKind::Itl, Reason::SignerInItl { role: found, .. })
        | (ListKind::Ctl, Reason::SignerInCtl { role: found, .. }) => *found == role,
        _ => false,
    }
}

fn signer_not_in_itl(r: &Reason) -> bool {
    matches!(r, Reason::SignerNotInItl { .. })
}

/// A cache, a cluster of `version` and a phone booted on it (ITL v1 from the publisher).
fn booted(version: Version, mixed: bool) -> (TrustCache, Cluster, Phone) {
    let cache = TrustCache::new();
    let cluster = Cluster::new(version, mixed);
    let phone = Phone::booted(&cluster, &cache);
    (cache, cluster, phone)
}

/// Asserts that `outcome` is `kind` and gives a reason that `reason` accepts.
#[track_caller]
fn assert_outcome(outcome: &Outcome, kind: OutcomeKind, reason: impl Fn(&Reason) -> bool) {
    assert_eq!(outcome.kind, kind, "{outcome}");
    assert!(outcome.has_reason(reason), "{outcome}");
}

/// S3's REJECT and its reasons: the new signer is not in the phone's ITL and both TVS
/// certificates changed since it.
#[track_caller]
fn assert_s3_reject(outcome: &Outcome) {
    assert_eq!(outcome.kind, OutcomeKind::Reject, "{outcome}");
    assert!(outcome.has_reason(signer_not_in_itl), "{outcome}");
    assert!(outcome.has_reason(tvs_cert_changed("ucm-pub")), "{outcome}");
    assert!(
        outcome.has_reason(tvs_cert_changed("ucm-sub1")),
        "{outcome}"
    );
}

#[test]
fn s01_first_boot_leap_of_faith() {
    // "any" version: every family, non-secure and mixed.
    for version in [Version::V11_5, Version::V12, Version::V14] {
        let cache = TrustCache::new();
        let cases: [(bool, OutcomeKind, &[&str]); 2] = [
            (
                false,
                OutcomeKind::NoChange,
                &[
                    "Trust List updated",
                    "ITL installed",
                    "File Not Found <CTLFile.tlv>",
                ],
            ),
            (
                true,
                OutcomeKind::AcceptLof,
                &["Trust List updated", "CTL and ITL installed"],
            ),
        ];
        for (mixed, ctl, expected) in cases {
            let case = format!("{version:?}, mixed {mixed}");
            let cluster = Cluster::new(version, mixed);
            let mut phone = Phone::new();
            let r = phone.reset(&cluster, &cache, NOW);
            assert_eq!(r.itl.kind, OutcomeKind::AcceptLof, "{case}: {}", r.itl);
            assert_eq!(r.ctl.kind, ctl, "{case}: {}", r.ctl);
            assert_eq!(messages(&r), expected, "{case}");
            assert!(matches!(phone.trust.itl, Held::File(_)), "{case}");
        }
    }
}

#[test]
fn s02_115_callmanager_regen_accept_tvs_and_cache_24h() {
    let (cache, mut cluster, mut phone) = booted(Version::V11_5, false);
    cluster.regen_callmanager(PUB);
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
    assert!(r.itl.has_reason(signer_not_in_itl));
    assert_reason!(r.itl, Reason::TvsVouched { .. });
    assert_eq!(
        messages(&r),
        [
            "Trust List updated",
            "ITL installed",
            "File Not Found <CTLFile.tlv>",
            "TVS added cert to TVS cache - expires in 24 hours"
        ]
    );
    // Cached for 24 h: the new CallManager certificate.
    let entry = &phone.trust.tvs_cache[0];
    assert_eq!(entry.expires, NOW + TVS_CACHE_SECONDS);
    assert_eq!(entry.cert.der(), cluster.nodes[PUB].callmanager.der);
    assert!(phone.config(&cluster, &cache, NOW).is_accept());
}

#[test]
fn s03_115_callmanager_and_tvs_together_reject_cluster_wide() {
    let (cache, mut cluster, mut phone) = booted(Version::V11_5, false);
    let v1 = phone.trust.clone();
    cluster.regen_callmanager_all();
    cluster.regen_tvs_all();
    let r = phone.reset(&cluster, &cache, NOW);
    assert_s3_reject(&r.itl);
    let text = r.itl.to_string();
    assert!(
        text.starts_with("REJECT: signer CN=ucm-pub.example.org;OU=UC;O=Example Health;L=Durham;ST=NC;C=US (serial "),
        "{text}"
    );
    assert!(
        text.contains("is not in the phone's ITL; TVS ucm-pub: certificate changed since the phone's ITL; TVS ucm-sub1: certificate changed since the phone's ITL"),
        "{text}"
    );
    assert!(messages(&r).contains(&"Trust List update failed".to_string()));
    assert_eq!(phone.trust, v1, "old ITL kept");
    // Newly signed configs are refused.
    assert_eq!(
        phone.config(&cluster, &cache, NOW).kind,
        OutcomeKind::Reject
    );
    // Cluster-wide: a phone on the other TFTP node as well.
    let mut other = Phone {
        tftp: SUB,
        ..Phone::new()
    };
    let original = Cluster::new(Version::V11_5, false);
    other.reset(&original, &cache, NOW - HOUR);
    assert_eq!(other.reset_itl(&cluster, &cache, NOW), OutcomeKind::Reject);
}

#[test]
fn s04_115_callmanager_regen_tvs_down_reject_until_tvs_returns() {
    let (cache, mut cluster, mut phone) = booted(Version::V11_5, false);
    cluster.regen_callmanager(PUB);
    for node in &mut cluster.nodes {
        node.tvs_up = false;
    }
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(r.itl.kind, OutcomeKind::Reject, "{}", r.itl);
    assert!(r.itl.has_reason(unreachable("ucm-pub")));
    assert!(r.itl.has_reason(unreachable("ucm-sub1")));
    assert!(phone.trust.tvs_cache.is_empty());
    // TVS returns and the phone is reset again.
    for node in &mut cluster.nodes {
        node.tvs_up = true;
    }
    let r = phone.reset(&cluster, &cache, NOW + HOUR);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
}

#[test]
fn s05_115_tvs_regen_only_accept() {
    let (cache, mut cluster, mut phone) = booted(Version::V11_5, false);
    cluster.regen_tvs_all();
    let r = phone.reset(&cluster, &cache, NOW);
    assert_outcome(
        &r.itl,
        OutcomeKind::Accept,
        signer_in(ListKind::Itl, Function::Sast),
    );
    // The new TVS certificates are now trusted: a later CallManager change goes through TVS.
    cluster.regen_callmanager(PUB);
    let r = phone.reset(&cluster, &cache, NOW + 2 * HOUR);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
}

#[test]
fn s06_115_missed_callmanager_step_then_tvs_step_reject() {
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V11_5, false);
    let mut online = Phone::booted(&cluster, &cache);
    let mut off = Phone::booted(&cluster, &cache);
    // Step 1: CallManager; the other phones accept v2, this one is off.
    cluster.regen_callmanager_all();
    assert!(matches!(
        online.reset_itl(&cluster, &cache, NOW),
        OutcomeKind::AcceptTvs { .. }
    ));
    let missed = off.miss();
    assert_eq!(missed.ctl.kind, OutcomeKind::Missed);
    assert_eq!(missed.itl.kind, OutcomeKind::Missed);
    assert_eq!(missed.itl.reasons, [Reason::NotDownloaded]);
    assert_eq!(missed.trust, off.trust);
    // Step 2: TVS; the phone powers on afterwards with stale v1.
    cluster.regen_tvs_all();
    assert_eq!(
        online.reset_itl(&cluster, &cache, NOW + 2 * HOUR),
        OutcomeKind::Accept
    );
    let r = off.reset(&cluster, &cache, NOW + 3 * HOUR);
    assert_s3_reject(&r.itl);
}

#[test]
fn s07_115_missed_callmanager_step_powers_on_before_tvs_step_accept_tvs() {
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V11_5, false);
    let mut off = Phone::booted(&cluster, &cache);
    cluster.regen_callmanager(PUB);
    assert_eq!(off.miss().itl.kind, OutcomeKind::Missed);
    // Powers on before the TVS step: TVS still unchanged.
    let r = off.reset(&cluster, &cache, NOW + HOUR);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
}

#[test]
fn s08_115_callmanager_on_a_and_tvs_on_b_accept_tvs_via_a() {
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V11_5, false);
    let booted = Phone::booted(&cluster, &cache);
    cluster.regen_callmanager(PUB); // A: TFTP node of the phone
    cluster.regen_tvs(SUB); // B
    let mut phone = booted.clone(); // group {A, B}
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
    // Group order {B, A}: B is tried first and is unusable; A still vouches.
    let mut phone = Phone {
        group: vec![SUB, PUB],
        ..booted
    };
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
    assert!(r.itl.has_reason(tvs_cert_changed("ucm-sub1")));
}

#[test]
fn s09_115_mixed_callmanager_regen_without_ctl_update_reject_no_itl() {
    let (cache, mut cluster, mut phone) = booted(Version::V11_5, true);
    cluster.regen_callmanager_all();
    // CTL not updated: the served CTL is still c1.
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(r.ctl.kind, OutcomeKind::NoChange, "{}", r.ctl);
    assert_eq!(r.itl.kind, OutcomeKind::RejectNoItl, "{}", r.itl);
    assert_reason!(r.itl, Reason::SignerNotInCtl { .. });
    assert_reason!(r.itl, Reason::TvsNotUsedWithCtl);
    assert_eq!(phone.trust.itl, Held::NotInstalled, "ITL \"Not Installed\"");
    assert!(matches!(phone.trust.ctl, Held::File(_)), "CTL kept");
    // Still not installed at the next reset while the CTL is stale.
    let r = phone.reset(&cluster, &cache, NOW + HOUR);
    assert_eq!(r.itl.kind, OutcomeKind::RejectNoItl, "{}", r.itl);
    // Beyond the table: `utils ctl update CTLFile` (11.5 tokenless: signed by the new
    // publisher CallManager, unknown to c1) then needs TVS, which the phone cannot use without
    // an ITL, so the CTL is refused too: the erase is the way out.
    cluster.ctl_update();
    let r = phone.reset(&cluster, &cache, NOW + 2 * HOUR);
    assert_eq!(r.ctl.kind, OutcomeKind::Reject, "{}", r.ctl);
    assert_reason!(r.ctl, Reason::NoTvsRecords);
}

#[test]
fn s10_12_mixed_callmanager_regen_with_ctl_update_accept() {
    let (cache, mut cluster, mut phone) = booted(Version::V12, true);
    cluster.regen_callmanager_all();
    cluster.ctl_update();
    let r = phone.reset(&cluster, &cache, NOW);
    assert_outcome(
        &r.ctl,
        OutcomeKind::Accept,
        signer_in(ListKind::Ctl, Function::Sast),
    );
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    assert_reason!(r.itl, Reason::SignerInCtl { .. });
    assert_eq!(
        messages(&r),
        ["Trust List updated", "CTL and ITL installed"]
    );
    // Registers: configs signed by the new CallManager are accepted.
    assert_eq!(
        phone.config(&cluster, &cache, NOW).kind,
        OutcomeKind::Accept
    );
}

#[test]
fn s11_12_callmanager_regen_only_accept() {
    let (cache, mut cluster, mut phone) = booted(Version::V12, false);
    cluster.regen_callmanager(PUB);
    // Before the reset the new CallManager is unknown to the phone's ITL: config via TVS.
    assert!(matches!(
        phone.config(&cluster, &cache, NOW).kind,
        OutcomeKind::AcceptTvs { .. }
    ));
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    // The new CallManager arrives for configs (TFTP record).
    let config = phone.config(&cluster, &cache, NOW);
    assert_outcome(
        &config,
        OutcomeKind::Accept,
        signer_in(ListKind::Itl, Function::Tftp),
    );
}

#[test]
fn s12_12_itlrecovery_and_tvs_together_reject() {
    let (cache, mut cluster, mut phone) = booted(Version::V12, false);
    cluster.regen_itlrecovery();
    cluster.regen_tvs_all();
    let r = phone.reset(&cluster, &cache, NOW);
    assert_s3_reject(&r.itl);
}

#[test]
fn s13_12_and_15_all_three_together_reject_and_localkey_ineffective() {
    for version in [Version::V12, Version::V14] {
        let (cache, mut cluster, mut phone) = booted(version, false);
        cluster.regen_callmanager_all();
        cluster.regen_tvs_all();
        cluster.regen_itlrecovery();
        let r = phone.reset(&cluster, &cache, NOW);
        assert_eq!(r.itl.kind, OutcomeKind::Reject, "{version:?}: {}", r.itl);
        // All phones unregistered: configs signed by the new CallManager are refused.
        assert_eq!(
            phone.config(&cluster, &cache, NOW).kind,
            OutcomeKind::Reject
        );
        // (inferred) `utils itl reset localkey`: signed by the *new* CallManager key, also
        // unknown to the phones.
        cluster.itl_reset_localkey();
        let r = phone.reset(&cluster, &cache, NOW + HOUR);
        assert_eq!(r.itl.kind, OutcomeKind::Reject, "{version:?}: {}", r.itl);
        assert!(r.itl.has_reason(signer_not_in_itl));
    }
}

#[test]
fn s14_12_itlrecovery_regen_per_procedure_accept_twice() {
    let (cache, mut cluster, mut phone) = booted(Version::V12, false);
    let cm = itl_core::trust::CertInfo::parse(&cluster.nodes[PUB].callmanager.der).unwrap();
    // §5.8: regenerate ITLRecovery, `utils itl reset localkey`, reset.
    cluster.regen_itlrecovery();
    cluster.itl_reset_localkey();
    let phase1 = phone.reset(&cluster, &cache, NOW);
    assert_eq!(phase1.itl.kind, OutcomeKind::Accept, "{}", phase1.itl);
    assert_reason!(phase1.itl, Reason::SignerInItl { signer, role: Function::Sast } if *signer == cm.name());
    // Restart TFTP (ITL signed by the new ITLRecovery), reset again.
    cluster.restart_tftp();
    let phase2 = phone.reset(&cluster, &cache, NOW + HOUR);
    assert_eq!(phase2.itl.kind, OutcomeKind::Accept, "{}", phase2.itl);
    let new_rec = itl_core::trust::CertInfo::parse(&cluster.itlrecovery.der).unwrap();
    assert_reason!(phase2.itl, Reason::SignerInItl { signer, .. } if *signer == new_rec.name());
}

#[test]
fn s15_12_missed_phase_one_accept_tvs_if_tvs_vouches_else_reject() {
    // (unverified) whether TVS returns the new ITLRecovery certificate: both branches.
    for tvs_knows in [true, false] {
        let cache = TrustCache::new();
        let mut cluster = Cluster::new(Version::V12, false);
        cluster.tvs_knows_itlrecovery = tvs_knows;
        let mut phone = Phone::booted(&cluster, &cache);
        cluster.regen_itlrecovery();
        cluster.itl_reset_localkey();
        assert_eq!(phone.miss().itl.kind, OutcomeKind::Missed); // off during phase 1
        cluster.restart_tftp();
        let r = phone.reset(&cluster, &cache, NOW + HOUR);
        if tvs_knows {
            assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
        } else {
            assert_eq!(r.itl.kind, OutcomeKind::Reject, "{}", r.itl);
            assert_reason!(r.itl, Reason::TvsDoesNotKnowSigner { .. });
        }
    }
}

#[test]
fn s16_rollback_blank_itl_accepted_then_accept_any() {
    for version in [Version::V11_5, Version::V12, Version::V14] {
        let (cache, mut cluster, mut phone) = booted(version, false);
        cluster.rollback = true;
        let r = phone.reset(&cluster, &cache, NOW);
        assert_eq!(r.itl.kind, OutcomeKind::Accept, "{version:?}: {}", r.itl);
        assert!(messages(&r).contains(&"No Trust List installed".to_string()));
        assert!(phone.trust.holds_blank_itl());
        // Anything afterwards: even the S3 disaster, with an unsigned-by-anyone-known ITL.
        cluster.rollback = false;
        cluster.regen_callmanager(PUB);
        cluster.regen_tvs_all();
        cluster.regen_itlrecovery();
        // Configs from an unknown signer are accepted while the blank ITL is held.
        let config = phone.config(&cluster, &cache, NOW + HOUR);
        assert_eq!(config.kind, OutcomeKind::AcceptAny, "{config}");
        let r = phone.reset(&cluster, &cache, NOW + HOUR);
        assert_eq!(r.itl.kind, OutcomeKind::AcceptAny, "{version:?}: {}", r.itl);
        assert_eq!(r.itl.reasons, [Reason::BlankItlHeld]);
        assert!(!phone.trust.holds_blank_itl());
    }
}

#[test]
fn s17_mixed_blank_itl_ctl_still_checked() {
    let (cache, mut cluster, mut phone) = booted(Version::V12, true);
    cluster.rollback = true;
    let r = phone.reset(&cluster, &cache, NOW);
    assert!(r.itl.is_accept(), "{}", r.itl);
    assert!(phone.trust.holds_blank_itl());
    let with_blank = phone.clone();

    // The CTL signer changes (new ITLRecovery, `utils ctl update CTLFile`): the CTL is still
    // checked against c1. TVS cannot vouch: the blank ITL has no TVS records to validate a
    // TVS server with.
    cluster.regen_itlrecovery();
    cluster.ctl_update();
    let r = phone.reset(&cluster, &cache, NOW + HOUR);
    assert_eq!(r.ctl.kind, OutcomeKind::Reject, "{}", r.ctl);
    assert_reason!(r.ctl, Reason::SignerNotInCtl { .. });
    assert_reason!(r.ctl, Reason::NoTvsRecords);
    assert!(messages(&r).contains(&"CTL update failed".to_string()));
    // R2 still applies to the ITL.
    assert_eq!(r.itl.kind, OutcomeKind::AcceptAny, "{}", r.itl);

    // Twin: a CTL update whose signer is in c1 (ITLRecovery unchanged) is accepted.
    let mut cluster = Cluster::new(Version::V12, true);
    cluster.rollback = true;
    cluster.regen_callmanager(PUB);
    cluster.ctl_update();
    let mut phone = with_blank;
    let r = phone.reset(&cluster, &cache, NOW + HOUR);
    assert_eq!(r.ctl.kind, OutcomeKind::Accept, "{}", r.ctl);
}

#[test]
fn s18_mixed_capf_regen_without_ctl_update_blocks_lsc_tls_phone() {
    // Modelled minimum: a registration check against the CTL (CAPF record) for phones with
    // an LSC and a TLS profile; 802.1x/RADIUS is outside the phone's trust lists.
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V12, true);
    let caps = Capabilities::new("CP-8841")
        .with_tls_profile(true)
        .with_lsc(true);
    let mut phone = Phone::booted_with(&cluster, &cache, caps);
    cluster.regen_capf();
    let options = ResetOptions {
        registration: Some(cluster.registration_target(PUB)),
        ..ResetOptions::default()
    };
    let r = phone.reset_with(&cluster, &cache, NOW, &options);
    assert_eq!(r.ctl.kind, OutcomeKind::NoChange, "{}", r.ctl);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    let reg = r.registration.expect("TLS phone");
    assert_eq!(reg.kind, OutcomeKind::Blocked, "{reg}");
    assert_reason!(reg, Reason::CapfNotInCtl { .. });
    // A TLS phone without LSC is not affected.
    let mut no_lsc = phone.clone();
    no_lsc.caps = Capabilities::new("CP-8841").with_tls_profile(true);
    let r = no_lsc.reset_with(&cluster, &cache, NOW, &options);
    assert_eq!(r.registration.unwrap().kind, OutcomeKind::Accept);
    // Fix: CTL update, reset.
    cluster.ctl_update();
    let r = phone.reset_with(&cluster, &cache, NOW + HOUR, &options);
    assert_eq!(r.ctl.kind, OutcomeKind::Accept, "{}", r.ctl);
    assert_eq!(r.registration.unwrap().kind, OutcomeKind::Accept);
}

#[test]
fn s19_115_phone_moved_to_other_tftp_accept_tvs() {
    let cache = TrustCache::new();
    let cluster = Cluster::new(Version::V11_5, false);
    let mut phone = Phone::booted(&cluster, &cache); // ITL v1 from ucm-pub
    phone.tftp = SUB; // ITL signed by ucm-sub1's CallManager
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(via(&r.itl.kind), "ucm-pub", "{}", r.itl);
    assert!(r.itl.has_reason(signer_not_in_itl));
}

#[test]
fn s20_no_tvs_device_ctl_signer_change_reject() {
    let no_tvs = Capabilities::without_tvs("CP-7960");
    // ITLRecovery regenerated, CTL updated (signed by the new ITLRecovery).
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V12, true);
    let mut phone = Phone::booted_with(&cluster, &cache, no_tvs.clone());
    let mut capable = Phone::booted(&cluster, &cache);
    cluster.regen_itlrecovery();
    cluster.ctl_update();
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(r.ctl.kind, OutcomeKind::Reject, "{}", r.ctl);
    assert_reason!(r.ctl, Reason::NoTvsSupport { model } if &**model == "CP-7960");
    // Twin: a TVS-capable phone gets the new CTL through TVS (unverified: TVS vouches for
    // ITLRecovery), then the ITL against it.
    let r = capable.reset(&cluster, &cache, NOW);
    assert_eq!(via(&r.ctl.kind), "ucm-pub", "{}", r.ctl);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);

    // Token → tokenless migration.
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V12, true);
    cluster.ctl_with_tokens();
    let mut phone = Phone::booted_with(&cluster, &cache, no_tvs);
    cluster.ctl_update();
    let r = phone.reset(&cluster, &cache, NOW);
    assert_eq!(r.ctl.kind, OutcomeKind::Reject, "{}", r.ctl);
    assert_reason!(r.ctl, Reason::NoTvsSupport { .. });
}

#[test]
fn s21_foreign_itl_hash_unknown() {
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V12, false);
    let foreign = Cluster::foreign(Version::V12).itl(PUB);
    let own_v1 = cluster.itl(PUB);
    let mut archive = MemoryArchive::new();
    archive.insert(&own_v1);
    // A sweep says: this phone's ITL has the MD5 of another cluster's ITL.
    let md5 = hex::encode(itl_core::checksum::md5(&foreign));
    let phone = PhoneTrust::from_hashes(None, FileHash::from_hex(&md5));
    cluster.regen_callmanager(PUB); // any change
    let itl = cluster.itl(PUB);
    let tvs = cluster.tvs_servers(&[PUB, SUB]);
    let ctx = DownloadContext::new(&cache, NOW)
        .with_tvs(&tvs)
        .with_archive(&archive);
    let r = download(&phone, None, Some(&itl), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Unknown, "{}", r.itl);
    assert_reason!(
        r.itl,
        Reason::FileNotInArchive {
            file: ListKind::Itl,
            ..
        }
    );
    assert!(r.itl.to_string().contains(&format!("MD5 {md5}")));
    // Twin: a phone reporting the SHA-1 of an archived ITL is evaluated normally.
    let sha1 = hex::encode(itl_core::checksum::sha1(&own_v1));
    let phone = PhoneTrust::from_hashes(None, FileHash::from_hex(&sha1));
    let r = download(&phone, None, Some(&itl), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
}

#[test]
fn s22_itl_over_39_certs_or_64k_blocked() {
    let cache = TrustCache::new();
    let held = std::fs::read(fixtures().join("itl-11.5-sha1-2048.tlv")).unwrap();
    let big = std::fs::read(fixtures().join("itl-40-certs.tlv")).unwrap();
    let phone = PhoneTrust::with_files(None, Some(cache.file(&held).unwrap()));
    let ctx = DownloadContext::new(&cache, NOW);
    let r = download(&phone, None, Some(&big), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Blocked, "{}", r.itl);
    assert_eq!(
        r.itl.reasons,
        [Reason::ItlTooLarge {
            bytes: big.len(),
            certs: 40
        }]
    );
    assert_eq!(r.trust, phone);
    // Both files are signed by the same CallManager: only the size blocks.
    let cm = fixture("ucm-pub-CallManager");
    let signer = itl_core::trust::CertInfo::parse(&cm.der).unwrap();
    let big_file = cache.file(&big).unwrap();
    assert!(big_file.signer().unwrap().matches(&signer));
}

#[test]
fn s23_14_automatic_interaction_tvs_then_callmanager_evaluated_together() {
    // Timing is not a rule: with automatic phone interaction the simulator decides which ITL
    // a phone fetches. A phone whose automatic reset after the TVS regen had not happened yet
    // fetches the ITL with both changes — the §3 "12.0+ CallManager + TVS" row: ACCEPT
    // (inferred; a risk flag for the planner).
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V14, false);
    let mut slow = Phone::booted(&cluster, &cache);
    let mut quick = slow.clone();
    cluster.regen_tvs_all();
    assert_eq!(quick.reset_itl(&cluster, &cache, NOW), OutcomeKind::Accept);
    cluster.regen_callmanager(PUB);
    let r = slow.reset(&cluster, &cache, NOW + 60);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    assert_eq!(
        quick.reset_itl(&cluster, &cache, NOW + 60),
        OutcomeKind::Accept
    );
    assert_eq!(slow.trust, quick.trust);
    // The same "together" on 11.5 (ITL signed by CallManager) is S3's REJECT.
    let mut cluster = Cluster::new(Version::V11_5, false);
    let mut slow = Phone::booted(&cluster, &cache);
    cluster.regen_tvs_all();
    cluster.regen_callmanager(PUB);
    assert_eq!(slow.reset_itl(&cluster, &cache, NOW), OutcomeKind::Reject);
}

#[test]
fn s24_115_one_certificate_at_a_time_accept_then_accept() {
    // Read with S2: the CallManager step's reset is ACCEPT_TVS (the accept family, R5); the
    // TVS step an hour later is a plain ACCEPT because v2 contains the new signer; configs are
    // accepted again afterwards.
    let (cache, mut cluster, mut phone) = booted(Version::V11_5, false);
    cluster.regen_callmanager_all();
    let step1 = phone.reset(&cluster, &cache, NOW);
    assert!(step1.itl.is_accept(), "{}", step1.itl);
    assert_eq!(via(&step1.itl.kind), "ucm-pub");
    cluster.regen_tvs_all();
    // Without the TVS cache, to show that the ITL alone carries the trust.
    let options = ResetOptions {
        no_tvs_cache: true,
        ..ResetOptions::default()
    };
    let step2 = phone.reset_with(&cluster, &cache, NOW + HOUR, &options);
    assert_eq!(step2.itl.kind, OutcomeKind::Accept, "{}", step2.itl);
    assert_reason!(step2.itl, Reason::SignerInItl { .. });
    assert_eq!(
        phone.config(&cluster, &cache, NOW + HOUR).kind,
        OutcomeKind::Accept
    );
    assert!(
        step2
            .messages
            .iter()
            .all(|m| *m != StatusMessage::TrustListUpdateFailed)
    );
}

/// Throughput of the oracle as the predictor uses it: 40,000 phones, a 10-step plan, files
/// parsed once per TFTP node and step. Ignored in the default run; measure with
/// `cargo test --release -p itl-core --test trust_scenarios -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release"]
fn fleet_40k_phones_10_step_plan() {
    fleet(40_000);
}

/// The same plan on a small fleet, in every run: the caches keep RSA work per file, not per
/// phone.
#[test]
fn fleet_2k_phones_10_step_plan_checks_each_signature_once() {
    let stats = fleet(2_000);
    assert!(stats.rsa_checks <= 40, "{stats:?}");
}

fn fleet(phones: usize) -> itl_core::trust::CacheStats {
    use itl_core::trust::download_files;
    let cache = TrustCache::new();
    let mut cluster = Cluster::new(Version::V11_5, false);
    let booted = Phone::booted(&cluster, &cache);
    let mut other = Phone {
        tftp: SUB,
        group: vec![SUB, PUB],
        ..Phone::new()
    };
    other.reset(&cluster, &cache, NOW - HOUR);
    let mut fleet: Vec<PhoneTrust> = (0..phones)
        .map(|i| {
            if i % 2 == 0 {
                booted.trust.clone()
            } else {
                other.trust.clone()
            }
        })
        .collect();
    let caps = Capabilities::new("CP-8841");
    let start = std::time::Instant::now();
    let mut tally: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for step in 0..10i64 {
        match step % 4 {
            0 => cluster.regen_callmanager(PUB),
            1 => cluster.regen_tvs(PUB),
            2 => cluster.regen_callmanager(SUB),
            _ => cluster.regen_tvs(SUB),
        }
        let itl = [
            cache.file(&cluster.itl(PUB)).unwrap(),
            cache.file(&cluster.itl(SUB)).unwrap(),
        ];
        let groups = [
            cluster.tvs_servers(&[PUB, SUB]),
            cluster.tvs_servers(&[SUB, PUB]),
        ];
        let now = NOW + step * 2 * HOUR;
        for (i, phone) in fleet.iter_mut().enumerate() {
            let node = i % 2;
            let result = if (i as i64 + step) % 97 == 0 {
                itl_core::trust::DownloadResult::missed(phone)
            } else {
                let ctx = DownloadContext::new(&cache, now)
                    .with_tvs(&groups[node])
                    .with_capabilities(&caps);
                download_files(phone, None, Some(&itl[node]), &ctx)
            };
            *tally.entry(result.itl.label()).or_default() += 1;
            *phone = result.trust;
        }
    }
    let stats = cache.stats();
    eprintln!(
        "{phones} phones x 10 steps: {:?}; {tally:?}; {stats:?}",
        start.elapsed()
    );
    stats
}
