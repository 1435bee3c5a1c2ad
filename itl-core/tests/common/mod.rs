//! Test-only model of a CUCM cluster that builds real, signed ITL and CTL files laid out by
//! `itl_core::layout` (`trust-and-procedure.md` §1.2/§1.3), and of phones that reset and
//! download them.
//!
//! Generation 1 of every certificate is a committed fixture (`fixtures/keys`, `fixtures/certs`);
//! regenerated certificates ("gen2", "gen3"...) are made deterministically with `itl-pki`
//! from 1024-bit keys (fast), with the same subject as the role they replace and a new
//! serial, as `set cert regen` does.
//!
//! Simplifications (documented where they matter):
//! * two nodes, `ucm-pub` (TFTP, TVS, CallManager) and `ucm-sub1` (TFTP, TVS, CallManager);
//! * one ITLRecovery certificate for the cluster in every version (before 12.5 CUCM has one
//!   per node; the fixtures hold only the publisher's);
//! * the ITL is rebuilt from the current certificates whenever it is asked for (CUCM rebuilds
//!   it automatically); its TIMESTAMP is derived from its content, so an unchanged ITL is
//!   byte-identical; the CTL is a snapshot changed only by `utils ctl update CTLFile` /
//!   `utils ctl reset localkey` (§1.3).
#![allow(dead_code)]

use itl_core::cucm::{CertUnit, ClusterSecurityMode, Generation};
use itl_core::layout::{
    CertSource, LayoutCluster, LayoutNode, ListSpec, Roles, SignerVariant, layout,
};
use itl_core::trust::{
    Capabilities, DownloadContext, DownloadResult, Outcome, OutcomeKind, PhoneTrust,
    RegistrationTarget, TrustCache, TvsServer, accepts_config_signer, download,
};
use itl_core::{RecordSpec, TrustListBuilder, UnixTime};
use itl_pki::{CertSpec, DistinguishedName, SigHash, rsa_certificate, rsa_key};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// A time inside every certificate's validity: 2025-06-15T...Z.
pub const NOW: UnixTime = UnixTime::from_secs(1_750_000_000);
/// One hour.
pub const HOUR: i64 = 3600;
const SEED: u64 = 0x7275_5354;
const NOT_BEFORE: u64 = 1_704_067_200;
const NOT_AFTER: u64 = 2_019_686_400;
const STAMP: u32 = 1_748_779_200;

/// A private key and its certificate.
pub struct Identity {
    /// Where it came from (`fixture:ucm-pub-CallManager`, `gen2/ucm-pub/CallManager`).
    pub label: String,
    /// The key.
    pub key: rsa::PrivateKey,
    /// The DER certificate.
    pub der: Vec<u8>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn identities() -> &'static Mutex<HashMap<String, Arc<Identity>>> {
    static IDS: OnceLock<Mutex<HashMap<String, Arc<Identity>>>> = OnceLock::new();
    IDS.get_or_init(Default::default)
}

/// The workspace's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

/// A committed key and certificate, e.g. `ucm-pub-CallManager`.
pub fn fixture(name: &str) -> Arc<Identity> {
    let label = format!("fixture:{name}");
    if let Some(id) = identities().lock().unwrap().get(&label) {
        return id.clone();
    }
    let key_pem = std::fs::read_to_string(fixtures().join(format!("keys/{name}.pem"))).unwrap();
    let key = <rsa::PrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(&key_pem).unwrap();
    let cert_pem = std::fs::read(fixtures().join(format!("certs/{name}.pem"))).unwrap();
    let der = itl_pki::cert_from_pem_or_der(&cert_pem).unwrap();
    let id = Arc::new(Identity {
        label: label.clone(),
        key,
        der,
    });
    identities().lock().unwrap().insert(label, id.clone());
    id
}

/// The name shape of the fixtures: `CN=<cn>;OU=UC;O=Example Health;L=Durham;ST=NC;C=US`.
pub fn dn(cn: &str) -> DistinguishedName {
    DistinguishedName::example_health(cn)
}

/// A deterministic self-signed certificate with a fresh 1024-bit key: what `set cert regen`
/// produces (same subject, new key, new serial).
pub fn generated(label: &str, cn: &str) -> Arc<Identity> {
    if let Some(id) = identities().lock().unwrap().get(label) {
        return id.clone();
    }
    let key = rsa_key(SEED, label, 1024).unwrap();
    let digest = itl_core::checksum::sha256(label.as_bytes());
    let mut serial = digest[..8].to_vec();
    serial[0] = (serial[0] & 0x3f) | 0x10;
    let spec =
        CertSpec::self_signed(dn(cn), serial, NOT_BEFORE, NOT_AFTER).with_sig_hash(SigHash::Sha256);
    let der = rsa_certificate(&spec, &key).unwrap().der().to_vec();
    let id = Arc::new(Identity {
        label: label.to_string(),
        key,
        der,
    });
    identities()
        .lock()
        .unwrap()
        .entry(label.to_string())
        .or_insert(id)
        .clone()
}

/// CUCM release families with different signers (§1.2, §1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// 8.x – 11.5: ITL signed by the TFTP node's CallManager; tokenless CTL by the publisher's.
    V11_5,
    /// 12.x: ITL and tokenless CTL signed by ITLRecovery.
    V12,
    /// 14+ (same signers as 12.x).
    V14,
}

impl Version {
    /// The generation of the release family.
    pub fn generation(self) -> Generation {
        match self {
            Version::V11_5 => Generation::V11_5,
            Version::V12 => Generation::V12,
            Version::V14 => Generation::V14,
        }
    }
}

/// One cluster node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Host name.
    pub name: &'static str,
    /// Address.
    pub ip: [u8; 4],
    /// Current CallManager certificate.
    pub callmanager: Arc<Identity>,
    /// Current TVS certificate.
    pub tvs: Arc<Identity>,
    /// TVS service up and TCP 2445 reachable.
    pub tvs_up: bool,
}

/// Who signs the CTL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtlSigner {
    /// Version default (11.5: publisher CallManager; 12+: ITLRecovery).
    Default,
    /// `utils ctl reset localkey`: the publisher's other SAST key (12+: its CallManager key).
    CallManager,
    /// Hardware eToken 1 (token CTL).
    Token,
}

/// A cluster: nodes, cluster-wide certificates, mode and the served CTL snapshot.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Release family.
    pub version: Version,
    /// Mixed mode (a CTL is served).
    pub mixed: bool,
    /// Enterprise parameter "Prepare Cluster for Rollback to pre 8.0".
    pub rollback: bool,
    /// `ucm-pub`, `ucm-sub1`.
    pub nodes: Vec<Node>,
    /// The ITLRecovery certificate.
    pub itlrecovery: Arc<Identity>,
    /// The CAPF certificate.
    pub capf: Arc<Identity>,
    /// Two eTokens (token CTL).
    pub tokens: [Arc<Identity>; 2],
    /// `utils itl reset localkey` in effect (until the next TFTP restart).
    pub itl_reset_localkey: bool,
    /// Whether TVS can return the ITLRecovery certificate (§3 "12.0+ ITLRecovery alone":
    /// unverified).
    pub tvs_knows_itlrecovery: bool,
    /// Certificates imported into CallManager-trust / Phone-SAST-trust.
    pub imported: Vec<Arc<Identity>>,
    /// The CTL served by TFTP (a snapshot).
    pub served_ctl: Option<Vec<u8>>,
    generation: u32,
    tag: &'static str,
}

/// Index of the publisher.
pub const PUB: usize = 0;
/// Index of the subscriber.
pub const SUB: usize = 1;

impl Cluster {
    /// The committed generation-1 cluster. In mixed mode the CTL is built (`utils ctl
    /// update CTLFile`).
    pub fn new(version: Version, mixed: bool) -> Self {
        let mut cluster = Self {
            version,
            mixed,
            rollback: false,
            nodes: vec![
                Node {
                    name: "ucm-pub",
                    ip: [10, 10, 1, 11],
                    callmanager: fixture("ucm-pub-CallManager"),
                    tvs: fixture("ucm-pub-TVS"),
                    tvs_up: true,
                },
                Node {
                    name: "ucm-sub1",
                    ip: [10, 10, 1, 12],
                    callmanager: fixture("ucm-sub1-CallManager"),
                    tvs: fixture("ucm-sub1-TVS"),
                    tvs_up: true,
                },
            ],
            itlrecovery: fixture("ucm-pub-ITLRecovery"),
            capf: fixture("ucm-pub-CAPF"),
            tokens: [
                generated("etoken/1", "SAST-ADN0054f509"),
                generated("etoken/2", "SAST-ADN0054f50a"),
            ],
            itl_reset_localkey: false,
            tvs_knows_itlrecovery: true,
            imported: Vec::new(),
            served_ctl: None,
            generation: 1,
            tag: "",
        };
        if mixed {
            cluster.ctl_update();
        }
        cluster
    }

    /// Another cluster (all certificates different from this one's), for foreign ITLs.
    pub fn foreign(version: Version) -> Self {
        let mut c = Self::new(version, false);
        c.tag = "foreign/";
        for i in 0..c.nodes.len() {
            let name = c.nodes[i].name;
            c.nodes[i].callmanager = generated(
                &format!("foreign/{name}/CallManager"),
                &format!("{name}.other.org"),
            );
            c.nodes[i].tvs = generated(&format!("foreign/{name}/TVS"), &format!("TVS-{name}"));
        }
        c.itlrecovery = generated("foreign/ITLRecovery", "ITLRECOVERY_ucm-pub.other.org");
        c.capf = generated("foreign/CAPF", "CAPF-0ther");
        c
    }

    fn next(&mut self, what: &str) -> String {
        self.generation += 1;
        format!("{}gen{}/{what}", self.tag, self.generation)
    }

    /// `set cert regen CallManager` on a node.
    pub fn regen_callmanager(&mut self, node: usize) {
        let name = self.nodes[node].name;
        let label = self.next(&format!("{name}/CallManager"));
        self.nodes[node].callmanager = generated(&label, &format!("{name}.example.org"));
    }

    /// `set cert regen TVS` on a node.
    pub fn regen_tvs(&mut self, node: usize) {
        let name = self.nodes[node].name;
        let label = self.next(&format!("{name}/TVS"));
        self.nodes[node].tvs = generated(&label, &format!("TVS-{name}"));
    }

    /// `set cert regen CallManager` on every node, publisher first.
    pub fn regen_callmanager_all(&mut self) {
        for node in 0..self.nodes.len() {
            self.regen_callmanager(node);
        }
    }

    /// `set cert regen TVS` on every node, publisher first.
    pub fn regen_tvs_all(&mut self) {
        for node in 0..self.nodes.len() {
            self.regen_tvs(node);
        }
    }

    /// `set cert regen ITLRecovery` (publisher).
    pub fn regen_itlrecovery(&mut self) {
        let label = self.next("ITLRecovery");
        self.itlrecovery = generated(&label, "ITLRECOVERY_ucm-pub.example.org");
    }

    /// `set cert regen CAPF` (publisher).
    pub fn regen_capf(&mut self) {
        let label = self.next("CAPF");
        self.capf = generated(&label, "CAPF-5e0c1d2a");
    }

    /// `utils itl reset localkey`: the ITL is re-signed with the other SAST key until the next
    /// TFTP restart.
    pub fn itl_reset_localkey(&mut self) {
        self.itl_reset_localkey = true;
    }

    /// Restart Cisco Tftp: the ITL is signed by its normal signer again.
    pub fn restart_tftp(&mut self) {
        self.itl_reset_localkey = false;
    }

    /// `utils ctl update CTLFile`: a new CTL from the current certificates, default signer.
    pub fn ctl_update(&mut self) {
        self.served_ctl = Some(self.build_ctl(CtlSigner::Default));
    }

    /// `utils ctl reset localkey` (12+): the CTL re-signed with the CallManager key.
    pub fn ctl_reset_localkey(&mut self) {
        self.served_ctl = Some(self.build_ctl(CtlSigner::CallManager));
    }

    /// A token CTL (≤ 14SU2) signed by eToken 1.
    pub fn ctl_with_tokens(&mut self) {
        self.served_ctl = Some(self.build_ctl(CtlSigner::Token));
    }

    /// The cluster as [`itl_core::layout`] reads it: both nodes run TFTP, CallManager and
    /// TVS; the publisher holds the cluster's ITLRecovery and CAPF.
    fn layout_cluster(&self) -> LayoutCluster<'_> {
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let roles = Roles {
                    capf: i == PUB,
                    ..Roles::ALL
                };
                let mut node = LayoutNode::new(n.name, Ipv4Addr::from(n.ip), roles)
                    .with_cert(CertUnit::CallManager, &n.callmanager.der)
                    .with_cert(CertUnit::Tvs, &n.tvs.der);
                if i == PUB {
                    node = node
                        .with_cert(CertUnit::ItlRecovery, &self.itlrecovery.der)
                        .with_cert(CertUnit::Capf, &self.capf.der);
                }
                node
            })
            .collect();
        let mode = if self.mixed {
            ClusterSecurityMode::Mixed
        } else {
            ClusterSecurityMode::NonSecure
        };
        LayoutCluster::new(self.version.generation(), mode, nodes).with_rollback(self.rollback)
    }

    /// The identity behind a layout's signer.
    fn identity(&self, source: CertSource) -> &Identity {
        match source {
            CertSource::Token(i) => &self.tokens[i],
            CertSource::Unit { node, unit } => match unit {
                CertUnit::ItlRecovery => &self.itlrecovery,
                CertUnit::Capf => &self.capf,
                CertUnit::Tvs => &self.nodes[node].tvs,
                _ => &self.nodes[node].callmanager,
            },
        }
    }

    fn signed(&self, spec: ListSpec<'_>) -> Vec<u8> {
        let cluster = self.layout_cluster();
        let laid = layout(&cluster, spec).unwrap();
        let records = laid.record_specs(&cluster).unwrap();
        sign(laid.filename(), records, self.identity(laid.signer))
    }

    /// The ITL a TFTP node serves now (§1.2).
    pub fn itl(&self, tftp: usize) -> Vec<u8> {
        let signer = if self.itl_reset_localkey {
            SignerVariant::LocalKey
        } else {
            SignerVariant::Normal
        };
        self.signed(ListSpec::Itl { node: tftp, signer })
    }

    fn build_ctl(&self, signer: CtlSigner) -> Vec<u8> {
        let spec = match signer {
            CtlSigner::Default => ListSpec::Ctl {
                signer: SignerVariant::Normal,
            },
            CtlSigner::CallManager => ListSpec::Ctl {
                signer: SignerVariant::LocalKey,
            },
            CtlSigner::Token => ListSpec::TokenCtl {
                tokens: [&self.tokens[0].der, &self.tokens[1].der],
            },
        };
        self.signed(spec)
    }

    /// The CTL the TFTP servers serve (`None` in non-secure mode).
    pub fn ctl(&self) -> Option<Vec<u8>> {
        if self.mixed {
            self.served_ctl.clone()
        } else {
            None
        }
    }

    /// The TVS servers of a CallManager group, in group order. Each vouches for the
    /// cluster's own CallManager, ITLRecovery (if `tvs_knows_itlrecovery`) and CAPF
    /// certificates and the imported ones (§2.3 step 3).
    pub fn tvs_servers(&self, group: &[usize]) -> Vec<TvsServer> {
        let mut sources: Vec<&[u8]> = self
            .nodes
            .iter()
            .map(|n| n.callmanager.der.as_slice())
            .collect();
        if self.tvs_knows_itlrecovery {
            sources.push(&self.itlrecovery.der);
        }
        sources.push(&self.capf.der);
        sources.extend(self.imported.iter().map(|i| i.der.as_slice()));
        group
            .iter()
            .map(|&i| {
                let n = &self.nodes[i];
                TvsServer::from_der(n.name, &n.tvs.der)
                    .unwrap()
                    .with_reachable(n.tvs_up)
                    .trusting_der(sources.iter().copied())
                    .unwrap()
            })
            .collect()
    }

    /// Where a TLS phone registers: the node's current CallManager and the current CAPF.
    pub fn registration_target(&self, node: usize) -> RegistrationTarget {
        RegistrationTarget {
            node: self.nodes[node].name.into(),
            callmanager: itl_core::trust::CertInfo::shared(&self.nodes[node].callmanager.der)
                .unwrap(),
            capf: Some(itl_core::trust::CertInfo::shared(&self.capf.der).unwrap()),
        }
    }
}

/// Signs a list with CUCM's defaults (SHA-1, CUCM field order); the TIMESTAMP follows the
/// content so that an unchanged list is byte-identical.
pub fn sign(filename: &str, records: Vec<RecordSpec>, signer: &Identity) -> Vec<u8> {
    let mut fingerprint = Vec::new();
    for r in &records {
        fingerprint.extend_from_slice(&r.function.map_or(0xffff, |f| f.code()).to_be_bytes());
        fingerprint.extend_from_slice(r.certificate.as_deref().unwrap_or(b"-"));
    }
    fingerprint.extend_from_slice(&signer.der);
    let d = itl_core::checksum::sha256(&fingerprint);
    let stamp = STAMP + u32::from(u16::from_be_bytes([d[0], d[1]]));
    let mut builder = TrustListBuilder::new(filename, stamp);
    builder.records = records;
    builder
        .sign_with_certificate(&signer.key, &signer.der)
        .unwrap()
}

/// Options of one reset.
#[derive(Clone, Debug, Default)]
pub struct ResetOptions {
    /// Check TLS registration against this target.
    pub registration: Option<RegistrationTarget>,
    /// Do not use the phone's TVS cache.
    pub no_tvs_cache: bool,
}

/// A phone of the simulated fleet: its trust state, TFTP node, CallManager group and model.
#[derive(Clone, Debug)]
pub struct Phone {
    /// What it holds.
    pub trust: PhoneTrust,
    /// Its TFTP node.
    pub tftp: usize,
    /// Its CallManager group (TVS servers), in order.
    pub group: Vec<usize>,
    /// Its model.
    pub caps: Capabilities,
}

impl Phone {
    /// A new phone (holds nothing) on TFTP `ucm-pub`, group {pub, sub1}.
    pub fn new() -> Self {
        Self {
            trust: PhoneTrust::new(),
            tftp: PUB,
            group: vec![PUB, SUB],
            caps: Capabilities::new("CP-8841"),
        }
    }

    /// A phone that booted on `cluster` and took its current files.
    pub fn booted(cluster: &Cluster, cache: &TrustCache) -> Self {
        Self::booted_with(cluster, cache, Capabilities::new("CP-8841"))
    }

    /// As [`Phone::booted`], for a model.
    pub fn booted_with(cluster: &Cluster, cache: &TrustCache, caps: Capabilities) -> Self {
        let mut phone = Self {
            caps,
            ..Self::new()
        };
        let r = phone.reset(cluster, cache, NOW - 24 * HOUR);
        assert_eq!(r.itl.label(), "ACCEPT_LOF", "{}", r.itl);
        if cluster.mixed {
            assert_eq!(r.ctl.label(), "ACCEPT_LOF", "{}", r.ctl);
        }
        phone
    }

    /// Resets at `now`: downloads the CTL (if served) and its TFTP node's ITL, and keeps the
    /// resulting state.
    pub fn reset(
        &mut self,
        cluster: &Cluster,
        cache: &TrustCache,
        now: UnixTime,
    ) -> DownloadResult {
        self.reset_with(cluster, cache, now, &ResetOptions::default())
    }

    /// Resets at `now` (as [`Phone::reset`]) and gives what the ITL's download did.
    pub fn reset_itl(
        &mut self,
        cluster: &Cluster,
        cache: &TrustCache,
        now: UnixTime,
    ) -> OutcomeKind {
        self.reset(cluster, cache, now).itl.kind
    }

    /// As [`Phone::reset`], with options.
    pub fn reset_with(
        &mut self,
        cluster: &Cluster,
        cache: &TrustCache,
        now: UnixTime,
        options: &ResetOptions,
    ) -> DownloadResult {
        let tvs = cluster.tvs_servers(&self.group);
        let ctl = cluster.ctl();
        let itl = cluster.itl(self.tftp);
        let mut ctx = DownloadContext::new(cache, now)
            .with_tvs(&tvs)
            .with_capabilities(&self.caps)
            .with_tvs_cache(!options.no_tvs_cache);
        if let Some(target) = &options.registration {
            ctx = ctx.with_registration(target);
        }
        let result = download(&self.trust, ctl.as_deref(), Some(&itl), &ctx);
        self.trust = result.trust.clone();
        result
    }

    /// The phone was off: it misses the step.
    pub fn miss(&self) -> DownloadResult {
        DownloadResult::missed(&self.trust)
    }

    /// Whether it accepts its config file, signed by its TFTP node's current CallManager.
    pub fn config(&self, cluster: &Cluster, cache: &TrustCache, now: UnixTime) -> Outcome {
        let tvs = cluster.tvs_servers(&self.group);
        let ctx = DownloadContext::new(cache, now)
            .with_tvs(&tvs)
            .with_capabilities(&self.caps);
        accepts_config_signer(&self.trust, &cluster.nodes[self.tftp].callmanager.der, &ctx)
    }
}

impl Default for Phone {
    fn default() -> Self {
        Self::new()
    }
}
