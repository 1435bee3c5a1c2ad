//! Rule by rule: every accept case next to its reject twin. Lists are built from the committed
//! fixture keys with [`TrustListBuilder`]; every signature is real.

use super::*;
use crate::{Function, ListKind, RecordSpec, TrustListBuilder, UnixTime};
use std::sync::{Arc, OnceLock};

const NOW: UnixTime = UnixTime::from_secs(1_750_000_000);

/// Asserts that an outcome is of kind `$kind` and gives a reason matching `$reason`.
macro_rules! assert_outcome {
    ($outcome:expr, $kind:ident, $reason:pat) => {{
        let outcome = &$outcome;
        assert_eq!(outcome.kind, OutcomeKind::$kind, "{outcome}");
        assert!(outcome.has_reason(|r| matches!(r, $reason)), "{outcome}");
    }};
}

struct Id {
    key: rsa::PrivateKey,
    der: Vec<u8>,
}

fn load(name: &str) -> Id {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");
    let key_pem = std::fs::read_to_string(format!("{dir}/keys/{name}.pem")).unwrap();
    let key = <rsa::PrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(&key_pem).unwrap();
    let pem = std::fs::read(format!("{dir}/certs/{name}.pem")).unwrap();
    Id {
        key,
        der: itl_pki::cert_from_pem_or_der(&pem).unwrap(),
    }
}

/// The committed identities: CallManager (gen 1), CallManager-1024 (same subject, other key
/// and serial: "regenerated"), sub1 CallManager, two TVS, ITLRecovery, CAPF, a foreign SAST.
struct Ids {
    cm: Id,
    cm_new: Id,
    cm_sub: Id,
    tvs_pub: Id,
    tvs_sub: Id,
    rec: Id,
    capf: Id,
    foreign: Id,
    big: Id,
}

fn ids() -> &'static Ids {
    static IDS: OnceLock<Ids> = OnceLock::new();
    IDS.get_or_init(|| Ids {
        cm: load("ucm-pub-CallManager"),
        cm_new: load("ucm-pub-CallManager-1024"),
        cm_sub: load("ucm-sub1-CallManager"),
        tvs_pub: load("ucm-pub-TVS"),
        tvs_sub: load("ucm-sub1-TVS"),
        rec: load("ucm-pub-ITLRecovery"),
        capf: load("ucm-pub-CAPF"),
        foreign: load("certutils-SAST"),
        big: load("ucm-pub-CallManager-4096"),
    })
}

fn rec(function: Function, id: &Id) -> RecordSpec {
    RecordSpec::from_certificate(function, &id.der).unwrap()
}

fn sign(name: &str, stamp: u32, records: Vec<RecordSpec>, signer: &Id) -> Vec<u8> {
    let mut b = TrustListBuilder::new(name, stamp);
    b.records = records;
    b.sign_with_certificate(&signer.key, &signer.der).unwrap()
}

/// An 11.5-style ITL signed by `signer` (SAST signer + ITLRecovery, TFTP signer, TVS, CAPF).
fn itl(signer: &Id, tvs: &[&Id], stamp: u32) -> Vec<u8> {
    let i = ids();
    let mut records = vec![
        rec(Function::Sast, signer),
        rec(Function::Sast, &i.rec),
        rec(Function::Tftp, signer),
    ];
    records.extend(tvs.iter().map(|t| rec(Function::Tvs, t)));
    records.push(rec(Function::Capf, &i.capf));
    sign("ITLFile.tlv", stamp, records, signer)
}

fn itl_v1() -> Vec<u8> {
    let i = ids();
    itl(&i.cm, &[&i.tvs_pub, &i.tvs_sub], 1)
}

/// The ITL after the CallManager regeneration: signed by the new CallManager key.
fn itl_v2() -> Vec<u8> {
    let i = ids();
    itl(&i.cm_new, &[&i.tvs_pub, &i.tvs_sub], 13)
}

/// A blank (rollback) ITL: TVS/TFTP placeholders.
fn blank_itl(signer: &Id) -> Vec<u8> {
    let i = ids();
    sign(
        "ITLFile.tlv",
        7,
        vec![
            rec(Function::Sast, signer),
            rec(Function::Sast, &i.rec),
            RecordSpec::placeholder(Function::Tftp, "ucm-pub", None),
            RecordSpec::placeholder(Function::Tvs, "ucm-pub", None),
        ],
        signer,
    )
}

/// A 12.x-style CTL signed by `signer` (SAST signer + `second`, CCM+TFTP both nodes, CAPF).
fn ctl(signer: &Id, second: &Id, ccm: &[&Id], stamp: u32) -> Vec<u8> {
    let i = ids();
    let mut records = vec![rec(Function::Sast, signer), rec(Function::Sast, second)];
    records.extend(ccm.iter().map(|c| rec(Function::CcmTftp, c)));
    records.push(rec(Function::Capf, &i.capf));
    sign("CTLFile.tlv", stamp, records, signer)
}

fn ctl_c1() -> Vec<u8> {
    let i = ids();
    ctl(&i.rec, &i.cm, &[&i.cm, &i.cm_sub], 1)
}

/// Flips one byte inside the last record (covered by the signature, not structural).
fn tampered(bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let list = crate::TrustList::parse(bytes).unwrap();
    let cert = list.records().last().unwrap().certificate_der.unwrap();
    let at = cert.as_ptr() as usize - bytes.as_ptr() as usize + cert.len() - 3;
    b[at] ^= 0x01;
    b
}

fn tvs(id: &Id, node: &str, trusts: &[&Id]) -> TvsServer {
    TvsServer::from_der(node, &id.der)
        .unwrap()
        .trusting_der(trusts.iter().map(|t| t.der.as_slice()))
        .unwrap()
}

fn group() -> Vec<TvsServer> {
    let i = ids();
    let sources: [&Id; 5] = [&i.cm, &i.cm_new, &i.cm_sub, &i.rec, &i.capf];
    vec![
        tvs(&i.tvs_pub, "ucm-pub", &sources),
        tvs(&i.tvs_sub, "ucm-sub1", &sources),
    ]
}

/// A download context at NOW in which the cluster's TVS group answers.
fn tvs_ctx(cache: &TrustCache) -> DownloadContext<'_> {
    static GROUP: OnceLock<Vec<TvsServer>> = OnceLock::new();
    DownloadContext::new(cache, NOW).with_tvs(GROUP.get_or_init(group))
}

fn holding(cache: &TrustCache, ctl: Option<&[u8]>, itl: Option<&[u8]>) -> PhoneTrust {
    PhoneTrust::with_files(
        ctl.map(|b| cache.file(b).unwrap()),
        itl.map(|b| cache.file(b).unwrap()),
    )
}

fn cert(id: &Id) -> Arc<CertInfo> {
    CertInfo::shared(&id.der).unwrap()
}

// R0 ---------------------------------------------------------------------------------------

#[test]
fn r0_identical_is_no_change_different_is_not() {
    let cache = TrustCache::new();
    let phone = holding(&cache, None, Some(&itl_v1()));
    let ctx = DownloadContext::new(&cache, NOW);
    let r = download(&phone, None, Some(&itl_v1()), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::NoChange);
    assert_eq!(
        r.itl.reasons,
        [Reason::Identical {
            file: ListKind::Itl
        }]
    );
    let i = ids();
    let other = itl(&i.cm, &[&i.tvs_pub, &i.tvs_sub], 2);
    let r = download(&phone, None, Some(&other), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    // A slot known only by hash compares by that hash, without any archive.
    let md5 = FileHash::Md5(crate::checksum::md5(&itl_v1()));
    let by_hash = PhoneTrust::from_hashes(None, Some(md5));
    let r = download(&by_hash, None, Some(&itl_v1()), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::NoChange);
}

// R1 ---------------------------------------------------------------------------------------

#[test]
fn r1_nothing_held_leap_of_faith_but_not_for_a_broken_signature() {
    let cache = TrustCache::new();
    let ctx = DownloadContext::new(&cache, NOW);
    let r = download(&PhoneTrust::new(), Some(&ctl_c1()), Some(&itl_v1()), &ctx);
    assert_eq!(r.ctl.kind, OutcomeKind::AcceptLof);
    assert_eq!(r.itl.kind, OutcomeKind::AcceptLof);
    assert!(r.trust.ctl.is_present() && r.trust.itl.is_present());

    let r = download(&PhoneTrust::new(), None, Some(&tampered(&itl_v1())), &ctx);
    assert_outcome!(r.itl, Reject, Reason::SignatureInvalid { .. });
    assert_eq!(r.trust, PhoneTrust::new());
    assert!(r.messages.contains(&StatusMessage::NoTrustListInstalled));

    // Signed by a key whose certificate is not in the file.
    let i = ids();
    let mut b = TrustListBuilder::new("ITLFile.tlv", 3);
    b.records = vec![rec(Function::Sast, &i.cm), rec(Function::Tvs, &i.tvs_pub)];
    let orphan = b
        .sign_with_certificate(&i.cm_new.key, &i.cm_new.der)
        .unwrap();
    let r = download(&PhoneTrust::new(), None, Some(&orphan), &ctx);
    assert_outcome!(r.itl, Reject, Reason::SignerNotInFile { .. });
}

// R1b --------------------------------------------------------------------------------------

#[test]
fn r1b_first_ctl_over_an_itl() {
    let cache = TrustCache::new();
    let i = ids();
    let ctx = tvs_ctx(&cache);
    // Accept: the CTL signer (ITLRecovery) is a SAST of the ITL.
    let phone = holding(&cache, None, Some(&itl_v1()));
    let r = download(&phone, Some(&ctl_c1()), None, &ctx);
    assert_outcome!(r.ctl, Accept, Reason::SignerInItl { .. });
    // ACCEPT_TVS: signer (sub1's CallManager) not in the ITL, TVS knows it.
    let by_sub = ctl(&i.cm_sub, &i.rec, &[&i.cm, &i.cm_sub], 2);
    let r = download(&phone, Some(&by_sub), None, &ctx);
    assert_eq!(r.ctl.kind.label(), "ACCEPT_TVS", "{}", r.ctl);
    // UNKNOWN: nobody vouches (foreign signer).
    let foreign = ctl(&i.foreign, &i.rec, &[&i.cm], 3);
    let r = download(&phone, Some(&foreign), None, &ctx);
    assert_outcome!(r.ctl, Unknown, Reason::FirstCtlUndocumented);
    assert!(!r.trust.ctl.is_present());
}

// R2 ---------------------------------------------------------------------------------------

#[test]
fn r2_blank_itl_accepts_any_itl_and_config_a_normal_itl_does_not() {
    let cache = TrustCache::new();
    let i = ids();
    let blank = blank_itl(&i.cm);
    assert!(cache.file(&blank).unwrap().is_blank());
    assert!(!cache.file(&itl_v1()).unwrap().is_blank());
    let foreign_itl = itl(&i.foreign, &[&i.tvs_pub], 4);
    let ctx = tvs_ctx(&cache);

    let phone = holding(&cache, None, Some(&blank));
    let r = download(&phone, None, Some(&foreign_itl), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::AcceptAny);
    // Even a broken signature.
    let r = download(&phone, None, Some(&tampered(&foreign_itl)), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::AcceptAny);
    assert_eq!(
        accepts_config_signer(&phone, &i.foreign.der, &ctx).kind,
        OutcomeKind::AcceptAny
    );

    let phone = holding(&cache, None, Some(&itl_v1()));
    let r = download(&phone, None, Some(&foreign_itl), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Reject, "{}", r.itl);
    assert_eq!(
        accepts_config_signer(&phone, &i.foreign.der, &ctx).kind,
        OutcomeKind::Reject
    );
}

#[test]
fn r2_does_not_blank_the_ctl() {
    let cache = TrustCache::new();
    let i = ids();
    let phone = holding(&cache, Some(&ctl_c1()), Some(&blank_itl(&i.rec)));
    let ctx = tvs_ctx(&cache);
    let foreign = ctl(&i.foreign, &i.rec, &[&i.cm], 3);
    let r = download(&phone, Some(&foreign), None, &ctx);
    assert_eq!(r.ctl.kind, OutcomeKind::Reject, "{}", r.ctl);
    let same_signer = ctl(&i.rec, &i.cm, &[&i.cm_new, &i.cm_sub], 5);
    let r = download(&phone, Some(&same_signer), None, &ctx);
    assert_eq!(r.ctl.kind, OutcomeKind::Accept, "{}", r.ctl);
}

// R3 ---------------------------------------------------------------------------------------

#[test]
fn r3_ctl_signed_by_a_sast_of_the_ctl_or_rejected() {
    let cache = TrustCache::new();
    let i = ids();
    let phone = holding(&cache, Some(&ctl_c1()), Some(&itl_v1()));
    let ctx = DownloadContext::new(&cache, NOW); // no TVS in the group
    // Accept: signed by the secondary SAST (CallManager; `utils ctl reset localkey`).
    let reset = ctl(&i.cm, &i.rec, &[&i.cm, &i.cm_sub], 6);
    let r = download(&phone, Some(&reset), None, &ctx);
    assert_eq!(r.ctl.kind, OutcomeKind::Accept, "{}", r.ctl);
    assert_eq!(
        r.messages[..2],
        [StatusMessage::TrustListUpdated, StatusMessage::CtlInstalled]
    );
    // Reject: sub1's CallManager is CCM+TFTP in c1, not SAST.
    let by_sub = ctl(&i.cm_sub, &i.rec, &[&i.cm, &i.cm_sub], 2);
    let r = download(&phone, Some(&by_sub), None, &ctx);
    assert_outcome!(r.ctl, Reject, Reason::SignerNotInCtl { .. });
    assert!(r.ctl.has_reason(|r| matches!(r, Reason::NoTvsInGroup)));
    assert!(r.messages.contains(&StatusMessage::CtlUpdateFailed));
    assert_eq!(r.trust, phone);
    // Reject: right signer, broken signature.
    let r = download(&phone, Some(&tampered(&reset)), None, &ctx);
    assert_outcome!(r.ctl, Reject, Reason::SignatureInvalid { .. });
    // R3 → R5: TVS vouches.
    let tvs = group();
    let ctx = ctx.with_tvs(&tvs);
    let r = download(&phone, Some(&by_sub), None, &ctx);
    assert_eq!(r.ctl.kind.label(), "ACCEPT_TVS", "{}", r.ctl);
}

#[test]
fn r3_itl_against_the_ctl_or_not_installed() {
    let cache = TrustCache::new();
    let i = ids();
    let ctx = tvs_ctx(&cache);
    let phone = holding(&cache, Some(&ctl_c1()), Some(&itl_v1()));
    // Accept: signed by sub1's CallManager, a CCM+TFTP record of the CTL (not in the ITL).
    let by_sub = itl(&i.cm_sub, &[&i.tvs_pub, &i.tvs_sub], 8);
    let r = download(&phone, None, Some(&by_sub), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    assert!(r.itl.has_reason(|r| matches!(
        r,
        Reason::SignerInCtl {
            role: Function::CcmTftp,
            ..
        }
    )));
    // REJECT_NO_ITL: the regenerated CallManager is not in the CTL; TVS is not consulted
    // even though it would vouch.
    let by_new = itl(&i.cm_new, &[&i.tvs_pub, &i.tvs_sub], 9);
    let r = download(&phone, None, Some(&by_new), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::RejectNoItl, "{}", r.itl);
    assert_eq!(r.trust.itl, Held::NotInstalled);
    assert!(r.trust.ctl.is_present());
    // Broken signature of a CTL signer: also not installed.
    let r = download(&phone, None, Some(&tampered(&by_sub)), &ctx);
    assert_outcome!(r.itl, RejectNoItl, Reason::SignatureInvalid { .. });
    // From "Not Installed", a good ITL installs again.
    let not_installed = download(&phone, None, Some(&by_new), &ctx).trust;
    let r = download(&not_installed, None, Some(&by_sub), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
}

// R4 ---------------------------------------------------------------------------------------

#[test]
fn r4_itl_signed_by_a_sast_of_the_itl() {
    let cache = TrustCache::new();
    let i = ids();
    let ctx = DownloadContext::new(&cache, NOW); // no TVS: only R4 can accept
    let phone = holding(&cache, None, Some(&itl_v1()));
    // Accept: signed by the second SAST (ITLRecovery).
    let by_rec = itl(&i.rec, &[&i.tvs_pub], 10);
    let r = download(&phone, None, Some(&by_rec), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    assert_eq!(
        r.messages,
        [
            StatusMessage::TrustListUpdated,
            StatusMessage::ItlInstalled,
            StatusMessage::FileNotFound("CTLFile.tlv")
        ]
    );
    // Reject: tampered.
    let r = download(&phone, None, Some(&tampered(&by_rec)), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Reject);
    assert!(r.messages.contains(&StatusMessage::TrustListUpdateFailed));
    // Reject: a TVS record does not make its certificate an ITL signer.
    let by_tvs = itl(&i.tvs_pub, &[&i.tvs_pub], 11);
    let r = download(&phone, None, Some(&by_tvs), &ctx);
    assert_outcome!(r.itl, Reject, Reason::SignerNotInItl { .. });
}

#[test]
fn r4_same_serial_and_issuer_other_key_is_not_the_signer() {
    // A certificate with the CallManager's serial and issuer but another key.
    let cache = TrustCache::new();
    let i = ids();
    let cm = CertInfo::parse(&i.cm.der).unwrap();
    let impostor_key = itl_pki::rsa_key(1, "impostor", 1024).unwrap();
    let name = itl_pki::DistinguishedName::example_health("ucm-pub.example.org");
    let spec =
        itl_pki::CertSpec::self_signed(name, cm.serial().to_vec(), 1_704_067_200, 2_019_686_400);
    let impostor = Id {
        der: itl_pki::rsa_certificate(&spec, &impostor_key)
            .unwrap()
            .der()
            .to_vec(),
        key: impostor_key,
    };
    assert!(SignerId::of_certificate(&cert(&impostor)).matches(&cm));
    let phone = holding(&cache, None, Some(&itl_v1()));
    let forged = itl(&impostor, &[&i.tvs_pub], 12);
    let ctx = DownloadContext::new(&cache, NOW);
    let r = download(&phone, None, Some(&forged), &ctx);
    assert_outcome!(r.itl, Reject, Reason::SignatureInvalid { .. });
    // As a config signer: same serial + issuer, other key → not the TFTP certificate.
    assert_eq!(
        accepts_config_signer(&phone, &impostor.der, &ctx).kind,
        OutcomeKind::Reject
    );
}

// R5 ---------------------------------------------------------------------------------------

#[test]
fn r5_tvs_vouches_and_every_way_it_cannot() {
    let cache = TrustCache::new();
    let i = ids();
    let phone = holding(&cache, None, Some(&itl_v1()));
    let v2 = itl_v2();
    let run = |tvs: &[TvsServer]| {
        let ctx = DownloadContext::new(&cache, NOW).with_tvs(tvs);
        download(&phone, None, Some(&v2), &ctx)
    };
    let ok = run(&group());
    assert_eq!(
        ok.itl.to_string().split(':').next(),
        Some("ACCEPT_TVS via ucm-pub")
    );
    assert_eq!(ok.trust.tvs_cache.len(), 1);
    assert_eq!(ok.trust.tvs_cache[0].expires, NOW + TVS_CACHE_SECONDS);
    assert!(ok.messages.contains(&StatusMessage::TvsCacheAdded));

    // First node down: the second vouches.
    let mut g = group();
    g[0].reachable = false;
    let r = run(&g);
    assert_eq!(r.itl.kind.label(), "ACCEPT_TVS");
    assert!(r.itl.to_string().contains("TVS ucm-pub: service down"));

    // Every way to fail.
    let down: Vec<_> = group()
        .into_iter()
        .map(|t| t.with_reachable(false))
        .collect();
    let changed = vec![
        tvs(&i.cm_sub, "ucm-pub", &[&i.cm_new]), // presents another certificate
    ];
    let ignorant = vec![tvs(&i.tvs_pub, "ucm-pub", &[&i.cm])];
    for (tvs, expect) in [
        (down, "service down"),
        (changed, "certificate changed"),
        (ignorant, "does not know signer"),
        (Vec::new(), "no TVS server"),
    ] {
        let r = run(&tvs);
        assert_eq!(r.itl.kind, OutcomeKind::Reject, "{}", r.itl);
        assert!(r.itl.to_string().contains(expect), "{}", r.itl);
        assert_eq!(r.trust.itl, phone.itl);
        assert!(r.trust.tvs_cache.is_empty());
    }
}

#[test]
fn r5_needs_tvs_records_in_the_held_itl() {
    let cache = TrustCache::new();
    let i = ids();
    let no_tvs_records = sign(
        "ITLFile.tlv",
        14,
        vec![rec(Function::Sast, &i.cm), rec(Function::Tftp, &i.cm)],
        &i.cm,
    );
    let ctx = tvs_ctx(&cache);
    let v2 = itl(&i.cm_new, &[&i.tvs_pub], 15);
    let r = download(
        &holding(&cache, None, Some(&no_tvs_records)),
        None,
        Some(&v2),
        &ctx,
    );
    assert_outcome!(r.itl, Reject, Reason::NoTvsRecords);
    let r = download(
        &holding(&cache, None, Some(&itl_v1())),
        None,
        Some(&v2),
        &ctx,
    );
    assert!(r.itl.is_accept());
}

// R7 ---------------------------------------------------------------------------------------

#[test]
fn r7_no_tvs_support_rejects_where_tvs_would_vouch() {
    let cache = TrustCache::new();
    let phone = holding(&cache, None, Some(&itl_v1()));
    let v2 = itl_v2();
    let caps = Capabilities::without_tvs("CP-7960");
    let ctx = tvs_ctx(&cache).with_capabilities(&caps);
    let r = download(&phone, None, Some(&v2), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Reject);
    assert!(r.itl.to_string().contains("CP-7960 has no TVS support"));
    let caps = Capabilities::new("CP-8841");
    let r = download(&phone, None, Some(&v2), &ctx.with_capabilities(&caps));
    assert!(matches!(r.itl.kind, OutcomeKind::AcceptTvs { .. }));
}

// R8 ---------------------------------------------------------------------------------------

#[test]
fn r8_size_and_certificate_limits() {
    let cache = TrustCache::new();
    let i = ids();
    let phone = holding(&cache, None, Some(&itl_v1()));
    let ctx = DownloadContext::new(&cache, NOW);
    let with = |n: usize, id: &Id| {
        let mut records = vec![rec(Function::Sast, &i.cm), rec(Function::Tftp, &i.cm)];
        records.extend((0..n).map(|_| rec(Function::Tvs, id)));
        sign("ITLFile.tlv", 16, records, &i.cm)
    };
    // 39 small certificates: fine; 40: blocked.
    let ok = with(37, &i.cm_new);
    assert!(ok.len() <= PHONE_ITL_MAX_BYTES);
    assert_eq!(
        download(&phone, None, Some(&ok), &ctx).itl.kind,
        OutcomeKind::Accept
    );
    let r = download(&phone, None, Some(&with(38, &i.cm_new)), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Blocked, "{}", r.itl);
    // Few certificates but over 65535 bytes (4096-bit keys): blocked.
    let heavy = with(30, &i.big);
    assert!(heavy.len() > PHONE_ITL_MAX_BYTES);
    let r = download(&phone, None, Some(&heavy), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Blocked);
    assert!(matches!(
        r.itl.reasons[0],
        Reason::ItlTooLarge { certs: 32, .. }
    ));
}

// R9 ---------------------------------------------------------------------------------------

#[test]
fn r9_hash_not_in_archive_unknown_archived_resolved() {
    let cache = TrustCache::new();
    let i = ids();
    let v1 = itl_v1();
    let v2 = itl(&i.rec, &[&i.tvs_pub], 17);
    let sha1 = FileHash::Sha1(crate::checksum::sha1(&v1));
    let phone = PhoneTrust::from_hashes(None, Some(sha1));
    let empty = MemoryArchive::new();
    let ctx = DownloadContext::new(&cache, NOW).with_archive(&empty);
    let r = download(&phone, None, Some(&v2), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Unknown);
    assert_eq!(r.trust.itl, Held::Hash(sha1));
    let mut archive = MemoryArchive::new();
    archive.insert(&v1);
    assert_eq!(archive.len(), 1);
    let ctx = DownloadContext::new(&cache, NOW).with_archive(&archive);
    let r = download(&phone, None, Some(&v2), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Accept, "{}", r.itl);
    // A CTL known by hash only, needed for the ITL decision: unknown too.
    let ctl_hash = FileHash::Sha256(crate::checksum::sha256(&ctl_c1()));
    let phone = PhoneTrust {
        ctl: Held::Hash(ctl_hash),
        ..holding(&cache, None, Some(&v1))
    };
    let r = download(&phone, None, Some(&v2), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Unknown);
    assert!(r.itl.has_reason(|r| matches!(
        r,
        Reason::FileNotInArchive {
            file: ListKind::Ctl,
            ..
        }
    )));
    // FileHash parsing.
    let text = "AB:CD:".repeat(9) + "ABCD";
    assert!(matches!(FileHash::from_hex(&text), Some(FileHash::Sha1(_))));
    assert_eq!(FileHash::from_hex("abc"), None);
}

// TVS cache --------------------------------------------------------------------------------

#[test]
fn tvs_cache_within_24h_when_switched_on() {
    let cache = TrustCache::new();
    let i = ids();
    let v2 = itl_v2();
    let mut phone = holding(&cache, None, Some(&itl_v1()));
    phone.tvs_cache.push(TvsCacheEntry {
        cert: cert(&i.cm_new),
        node: "ucm-sub1".into(),
        expires: NOW + 10,
    });
    let down: Vec<_> = group()
        .into_iter()
        .map(|t| t.with_reachable(false))
        .collect();
    let ctx = DownloadContext::new(&cache, NOW).with_tvs(&down);
    let r = download(&phone, None, Some(&v2), &ctx);
    assert_eq!(r.itl.kind.label(), "ACCEPT_TVS", "{}", r.itl);
    assert!(r.itl.has_reason(|r| matches!(r, Reason::TvsCached { .. })));
    assert!(!r.messages.contains(&StatusMessage::TvsCacheAdded));
    // Switched off, or expired: TVS is needed and down.
    let r = download(&phone, None, Some(&v2), &ctx.with_tvs_cache(false));
    assert_eq!(r.itl.kind, OutcomeKind::Reject);
    let later = DownloadContext::new(&cache, NOW + 10).with_tvs(&down);
    let r = download(&phone, None, Some(&v2), &later);
    assert_eq!(r.itl.kind, OutcomeKind::Reject);
    assert!(r.trust.tvs_cache.is_empty(), "expired entries dropped");
}

// Config files -----------------------------------------------------------------------------

#[test]
fn config_signer_rules() {
    let cache = TrustCache::new();
    let i = ids();
    let ctx = tvs_ctx(&cache);
    let phone = holding(&cache, None, Some(&itl_v1()));
    // TFTP record of the ITL.
    let o = accepts_config_signer(&phone, &i.cm.der, &ctx);
    assert_eq!(o.kind, OutcomeKind::Accept, "{o}");
    // ITLRecovery is a SAST, not a TFTP certificate: only TVS can vouch.
    let o = accepts_config_signer(&phone, &i.rec.der, &ctx);
    assert_eq!(o.kind.label(), "ACCEPT_TVS", "{o}");
    let no_tvs = DownloadContext::new(&cache, NOW);
    assert_eq!(
        accepts_config_signer(&phone, &i.rec.der, &no_tvs).kind,
        OutcomeKind::Reject
    );
    // CCM+TFTP record of the CTL.
    let mixed = holding(&cache, Some(&ctl_c1()), Some(&itl_v1()));
    let o = accepts_config_signer(&mixed, &i.cm_sub.der, &no_tvs);
    assert_eq!(o.kind, OutcomeKind::Accept, "{o}");
    assert_eq!(
        accepts_config_signer(&mixed, &i.foreign.der, &no_tvs).kind,
        OutcomeKind::Reject
    );
    // Nothing held: accepted; garbage certificate: rejected.
    assert_eq!(
        accepts_config_signer(&PhoneTrust::new(), &i.foreign.der, &no_tvs).kind,
        OutcomeKind::AcceptLof
    );
    assert!(matches!(
        accepts_config_signer(&phone, b"not a certificate", &ctx).reasons[0],
        Reason::BadCertificate { .. }
    ));
}

// Registration (modelled minimum) ----------------------------------------------------------

#[test]
fn tls_registration_needs_callmanager_and_capf_in_the_ctl() {
    let cache = TrustCache::new();
    let i = ids();
    let phone = holding(&cache, Some(&ctl_c1()), Some(&itl_v1()));
    let tls = Capabilities::new("CP-8841")
        .with_tls_profile(true)
        .with_lsc(true);
    let target = |cm: &Id, capf: &Id| RegistrationTarget {
        node: "ucm-pub".into(),
        callmanager: cert(cm),
        capf: Some(cert(capf)),
    };
    let ok = check_tls_registration(&phone, &target(&i.cm, &i.capf), &tls).unwrap();
    assert_eq!(ok.kind, OutcomeKind::Accept);
    let r = check_tls_registration(&phone, &target(&i.cm_new, &i.capf), &tls).unwrap();
    assert_eq!(r.kind, OutcomeKind::Blocked);
    assert!(r.has_reason(|r| matches!(r, Reason::CallManagerNotInCtl { .. })));
    let r = check_tls_registration(&phone, &target(&i.cm, &i.foreign), &tls).unwrap();
    assert!(r.has_reason(|r| matches!(r, Reason::CapfNotInCtl { .. })));
    let r = check_tls_registration(
        &holding(&cache, None, Some(&itl_v1())),
        &target(&i.cm, &i.capf),
        &tls,
    );
    assert!(r.unwrap().has_reason(|r| matches!(r, Reason::NoCtlForTls)));
    assert_eq!(
        check_tls_registration(
            &phone,
            &target(&i.cm_new, &i.foreign),
            &Capabilities::new("x")
        ),
        None
    );
}

// Plumbing ---------------------------------------------------------------------------------

#[test]
fn served_file_checks() {
    let cache = TrustCache::new();
    let phone = holding(&cache, None, Some(&itl_v1()));
    let ctx = DownloadContext::new(&cache, NOW);
    // A CTL served where the ITL is expected, and the other way round.
    let r = download(&phone, Some(&itl_v1()), Some(&ctl_c1()), &ctx);
    assert!(matches!(
        r.ctl.reasons[0],
        Reason::WrongKind {
            expected: ListKind::Ctl,
            ..
        }
    ));
    assert!(matches!(
        r.itl.reasons[0],
        Reason::WrongKind {
            expected: ListKind::Itl,
            ..
        }
    ));
    // Garbage.
    let r = download(&phone, None, Some(b"\x01\x00"), &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::Reject);
    assert!(matches!(r.itl.reasons[0], Reason::Malformed { .. }));
    // Nothing served.
    let r = download(&phone, None, None, &ctx);
    assert_eq!(r.itl.kind, OutcomeKind::NoChange);
    assert_eq!(
        r.messages,
        [
            StatusMessage::FileNotFound("CTLFile.tlv"),
            StatusMessage::FileNotFound("ITLFile.tlv")
        ]
    );
}

#[test]
fn missed_and_labels() {
    let phone = PhoneTrust::new();
    let r = DownloadResult::missed(&phone);
    assert_eq!(
        r.itl.to_string(),
        "MISSED: the phone did not download (off, unregistered, or TFTP unreachable)"
    );
    assert!(r.messages.is_empty());
    let labels: Vec<_> = [
        OutcomeKind::Accept,
        OutcomeKind::AcceptTvs { via: "n".into() },
        OutcomeKind::AcceptLof,
        OutcomeKind::AcceptAny,
        OutcomeKind::NoChange,
        OutcomeKind::Reject,
        OutcomeKind::RejectNoItl,
        OutcomeKind::Missed,
        OutcomeKind::Unknown,
        OutcomeKind::Blocked,
    ]
    .iter()
    .map(|k| (k.label(), k.is_accept(), k.is_failure()))
    .collect();
    assert_eq!(
        labels,
        [
            ("ACCEPT", true, false),
            ("ACCEPT_TVS", true, false),
            ("ACCEPT_LOF", true, false),
            ("ACCEPT_ANY", true, false),
            ("NO_CHANGE", false, false),
            ("REJECT", false, true),
            ("REJECT_NO_ITL", false, true),
            ("MISSED", false, false),
            ("UNKNOWN", false, false),
            ("BLOCKED", false, true),
        ]
    );
}

#[test]
fn signatures_are_checked_once_per_file_and_certificate() {
    let cache = TrustCache::new();
    let v1 = itl_v1();
    let v2 = itl_v2();
    let v2_file = cache.file(&v2).unwrap();
    let ctx = tvs_ctx(&cache);
    let phones: Vec<_> = (0..2000)
        .map(|_| holding(&cache, None, Some(&v1)))
        .collect();
    for phone in &phones {
        let r = download_files(phone, None, Some(&v2_file), &ctx);
        assert!(matches!(r.itl.kind, OutcomeKind::AcceptTvs { .. }));
    }
    let stats = cache.stats();
    assert_eq!(stats.files, 2);
    assert_eq!(stats.rsa_checks, 1);
}
