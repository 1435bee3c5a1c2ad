//! The step loop: the cluster's certificates, served files and TVS certificates change as the
//! plan says; every reset makes each selected phone decide with [`crate::trust`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::plan::{CertUnit, Plan, Service, Step, Target};
use crate::trust::{
    CertInfo, DownloadContext, Outcome, OutcomeKind, PhoneTrust, RegistrationTarget, TrustCache,
    TrustFile, TvsServer, Verdict, accepts_config_cert, download_files,
};
use crate::{Digest, UnixTime};

use super::files;
use super::model::{ClusterModel, PhoneInput};
use super::placeholder::regenerated_certificate;
use super::result::{PhonePrediction, Prediction, StepPrediction, StepVerdict};
use super::{BuildProblem, InputError, ListName, PlanProblem, PredictError, PredictOptions};
use crate::cucm::ClusterSecurityMode;
use crate::cucm::Generation;
use crate::layout::{LayoutCluster, LayoutNode, ListSpec, Roles, SignerVariant};

struct NodeState {
    certs: BTreeMap<CertUnit, Vec<u8>>,
    tvs_serving: Option<Arc<CertInfo>>,
    itl: Option<Arc<TrustFile>>,
    itl_stale: bool,
    /// `stop TFTP`: its phones miss every download until `start`/`restart TFTP`.
    tftp_stopped: bool,
    /// `stop TVS`: it answers no phone until `start`/`restart TVS` (14+: a TVS
    /// regeneration restarts it).
    tvs_stopped: bool,
    /// `stop CallManager`: its phones register to the next member of their group.
    callmanager_stopped: bool,
    /// `delete old-trust`: the superseded certificates its TVS no longer vouches for (by
    /// SHA-256).
    deleted_trust: Vec<[u8; 32]>,
}

struct PhoneState {
    trust: Option<PhoneTrust>,
    on: bool,
}

/// The whole prediction's state.
pub(crate) struct Engine<'a> {
    cluster: &'a ClusterModel,
    phones: &'a [PhoneInput],
    options: &'a PredictOptions,
    cache: TrustCache,
    nodes: Vec<NodeState>,
    ctl: Option<Arc<TrustFile>>,
    /// Every CallManager, ITLRecovery and CAPF certificate the cluster has had: what TVS
    /// can vouch for (its own certificates and its CallManager-trust / Phone-SAST-trust).
    vouched: Vec<Arc<CertInfo>>,
    regenerations: BTreeMap<(usize, CertUnit), u32>,
    /// A CAPF regeneration with no `reissue lsc` after it yet.
    capf_replaced_since_reissue: bool,
    /// The TIMESTAMP of the newest list served so far.
    timestamp: UnixTime,
    digest: Digest,
    state: Vec<PhoneState>,
    now: UnixTime,
}

/// The decoded certificate of `unit` on `node`.
fn cert(der: &[u8], node: &str, unit: CertUnit) -> Result<Arc<CertInfo>, PredictError> {
    CertInfo::shared(der).map_err(|source| {
        InputError::Certificate {
            node: node.to_owned(),
            unit,
            source,
        }
        .into()
    })
}

impl<'a> Engine<'a> {
    pub(crate) fn new(
        cluster: &'a ClusterModel,
        phones: &'a [PhoneInput],
        options: &'a PredictOptions,
    ) -> Result<Self, PredictError> {
        if cluster.nodes.is_empty() {
            return Err(InputError::NoNodes.into());
        }
        let cache = TrustCache::for_predictions();
        let mut nodes = Vec::new();
        let mut vouched = Vec::new();
        let mut timestamp = UnixTime::EPOCH;
        let mut digest = None;
        for n in &cluster.nodes {
            let tvs_serving = match n.certs.get(&CertUnit::Tvs) {
                Some(der) => Some(cert(der, &n.name, CertUnit::Tvs)?),
                None => None,
            };
            for unit in [CertUnit::CallManager, CertUnit::ItlRecovery, CertUnit::Capf] {
                if let Some(der) = n.certs.get(&unit) {
                    vouched.push(cert(der, &n.name, unit)?);
                }
            }
            let itl = match &n.itl {
                Some(bytes) => {
                    let file = cache.file(bytes).map_err(|source| InputError::ServedList {
                        list: ListName::Itl {
                            node: n.name.clone(),
                        },
                        source,
                    })?;
                    if let Ok(list) = crate::TrustList::parse(bytes) {
                        if let Some(t) = list.header().timestamp {
                            timestamp = timestamp.max(UnixTime::from_wire_timestamp(t));
                        }
                        digest = digest.or(list.header().digest);
                    }
                    Some(file)
                }
                None => None,
            };
            nodes.push(NodeState {
                certs: n.certs.clone(),
                tvs_serving,
                itl,
                itl_stale: false,
                tftp_stopped: false,
                tvs_stopped: false,
                callmanager_stopped: false,
                deleted_trust: Vec::new(),
            });
        }
        let ctl = match &cluster.ctl {
            Some(bytes) => Some(cache.file(bytes).map_err(|source| InputError::ServedList {
                list: ListName::Ctl,
                source,
            })?),
            None => None,
        };
        for p in phones {
            let beyond = std::iter::once(p.tftp_node)
                .chain(p.group.iter().copied())
                .find(|&i| i >= nodes.len());
            if let Some(index) = beyond {
                return Err(InputError::PhoneNode {
                    phone: p.name.clone(),
                    index,
                }
                .into());
            }
        }
        let state = phones
            .iter()
            .map(|p| PhoneState {
                trust: p.trust.clone(),
                on: p.on,
            })
            .collect();
        Ok(Self {
            cluster,
            phones,
            options,
            cache,
            nodes,
            ctl,
            vouched,
            regenerations: BTreeMap::new(),
            capf_replaced_since_reissue: false,
            timestamp: timestamp.max(options.timestamp),
            digest: digest.unwrap_or(Digest::Sha1),
            state,
            now: options.now,
        })
    }

    fn generation(&self) -> Generation {
        self.cluster.generation
    }

    /// The cluster as the lists depend on it, with the certificates of the moment.
    fn layout_cluster(&self) -> LayoutCluster<'_> {
        let mode = if self.cluster.mixed {
            ClusterSecurityMode::Mixed
        } else {
            ClusterSecurityMode::NonSecure
        };
        let nodes = self
            .cluster
            .nodes
            .iter()
            .zip(&self.nodes)
            .map(|(m, s)| LayoutNode {
                name: &m.name,
                address: m.address,
                roles: Roles {
                    tftp: m.tftp,
                    callmanager: m.callmanager,
                    tvs: m.tvs,
                    // CAPF runs where its certificate is (the publisher).
                    capf: s.certs.contains_key(&CertUnit::Capf),
                },
                certs: s.certs.iter().map(|(u, d)| (*u, d.as_slice())).collect(),
            })
            .collect();
        LayoutCluster::new(self.generation(), mode, nodes)
    }

    /// `spec` as CUCM will write it next, parsed; the newest TIMESTAMP moves on.
    fn build(&mut self, spec: ListSpec<'_>) -> Result<Arc<TrustFile>, PredictError> {
        let cluster = self.layout_cluster();
        let bytes = files::build(
            &cluster,
            spec,
            self.next_timestamp().to_wire_timestamp(),
            self.digest,
        )?;
        let file = self
            .cache
            .file(&bytes)
            .map_err(|source| PredictError::Build {
                list: files::list_name(spec, &cluster),
                problem: BuildProblem::Reparse(source),
            })?;
        self.timestamp = self.next_timestamp();
        Ok(file)
    }

    /// The TIMESTAMP of the next rebuilt list: one second after the newest.
    fn next_timestamp(&self) -> UnixTime {
        self.timestamp + 1
    }

    fn rebuild_itl(&mut self, node: usize) -> Result<(), PredictError> {
        self.rebuild_itl_signed(node, SignerVariant::Normal)
    }

    /// Rebuilds the ITL of `node`, signed normally or with the other SAST key; a localkey
    /// ITL stays until TFTP restarts (it counts as stale).
    fn rebuild_itl_signed(
        &mut self,
        node: usize,
        signer: SignerVariant,
    ) -> Result<(), PredictError> {
        let file = self.build(ListSpec::Itl { node, signer })?;
        self.nodes[node].itl = Some(file);
        self.nodes[node].itl_stale = signer == SignerVariant::LocalKey;
        Ok(())
    }

    fn rebuild_ctl(&mut self, signer: SignerVariant) -> Result<(), PredictError> {
        self.ctl = Some(self.build(ListSpec::Ctl { signer })?);
        Ok(())
    }

    /// Rebuilds the CTL signed as `signer` for the plan line `line`, which is `problem` on a
    /// cluster that is not mixed (it has no CTL).
    fn rebuild_mixed_ctl(
        &mut self,
        line: usize,
        problem: PlanProblem,
        signer: SignerVariant,
    ) -> Result<(), PredictError> {
        if !self.cluster.mixed {
            return Err(PredictError::Plan { line, problem });
        }
        self.rebuild_ctl(signer)
    }

    fn tftp_nodes(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.cluster.nodes[i].tftp)
            .collect()
    }

    fn targets(
        &self,
        target: &Target,
        line: usize,
        has: impl Fn(usize) -> bool,
        lacks: impl Fn(String) -> PlanProblem,
    ) -> Result<Vec<usize>, PredictError> {
        match target {
            Target::All => Ok((0..self.nodes.len()).filter(|&i| has(i)).collect()),
            Target::Node(name) => {
                let i = self
                    .cluster
                    .node_index(name)
                    .ok_or_else(|| PredictError::Plan {
                        line,
                        problem: PlanProblem::UnknownNode { name: name.clone() },
                    })?;
                if !has(i) {
                    return Err(PredictError::Plan {
                        line,
                        problem: lacks(self.cluster.nodes[i].name.clone()),
                    });
                }
                Ok(vec![i])
            }
        }
    }

    /// Runs the plan and the final phase.
    pub(crate) fn run(mut self, plan: &Plan) -> Result<Prediction, PredictError> {
        let n = self.phones.len();
        let mut per_phone: Vec<Vec<StepVerdict>> = vec![Vec::with_capacity(plan.steps().len()); n];
        let mut steps = Vec::new();
        for (index, s) in plan.steps().iter().enumerate() {
            self.now += 1;
            let mut verdicts: Vec<Option<StepVerdict>> = vec![None; n];
            let mut notes = Vec::new();
            match &s.step {
                Step::Regen { unit, target } => {
                    // Every node has a CallManager certificate (and, on 11.5, an ITLRecovery
                    // one) even where no served list shows it.
                    let generation = self.generation();
                    let exists = |i: usize| match unit {
                        CertUnit::CallManager
                        | CertUnit::CallManagerEcdsa
                        | CertUnit::Ipsec
                        | CertUnit::Tomcat
                        | CertUnit::TomcatEcdsa => true,
                        CertUnit::ItlRecovery => {
                            generation == Generation::V11_5
                                || i == 0
                                || self.nodes[i].certs.contains_key(unit)
                        }
                        CertUnit::Tvs | CertUnit::Capf => self.nodes[i].certs.contains_key(unit),
                    };
                    let lacks = |node| PlanProblem::NoCertificate { node, unit: *unit };
                    let nodes = self.targets(target, s.line, exists, lacks)?;
                    if nodes.is_empty() {
                        return Err(PredictError::Plan {
                            line: s.line,
                            problem: PlanProblem::NoNodeWithCertificate { unit: *unit },
                        });
                    }
                    for node in nodes {
                        let known = self.regenerate(node, *unit)?;
                        notes.push(if known {
                            format!("{}: {unit} regenerated", self.cluster.nodes[node].name)
                        } else {
                            format!(
                                "{}: {unit} regenerated (a certificate no served list carries: phones do not see it)",
                                self.cluster.nodes[node].name
                            )
                        });
                        if self.automatic(*unit) {
                            for t in self.tftp_nodes() {
                                if self.nodes[t].itl_stale {
                                    self.rebuild_itl(t)?;
                                    notes.push(format!(
                                        "{}: ITL rebuilt (automatic phone interaction)",
                                        self.cluster.nodes[t].name
                                    ));
                                }
                            }
                            let all: Vec<usize> = (0..n).collect();
                            self.reset(&all, &mut verdicts);
                            notes.push("every phone reset (automatic phone interaction)".into());
                        }
                    }
                }
                Step::CtlUpdate => {
                    self.rebuild_mixed_ctl(
                        s.line,
                        PlanProblem::NoCtlToUpdate,
                        SignerVariant::Normal,
                    )?;
                    notes.push("CTL rebuilt".into());
                }
                Step::Restart { service, target } | Step::Start { service, target } => {
                    // `start` is modelled as `restart` (the simulator's model does the same):
                    // the service runs again with its current certificate, TFTP rebuilds a
                    // stale ITL.
                    for node in self.service_targets(*service, target, s.line)? {
                        self.start_service(node, *service, &mut notes)?;
                    }
                }
                Step::Stop { service, target } => {
                    for node in self.service_targets(*service, target, s.line)? {
                        let name = &self.cluster.nodes[node].name;
                        let state = &mut self.nodes[node];
                        match service {
                            Service::Tftp => {
                                state.tftp_stopped = true;
                                notes.push(format!(
                                    "{name}: TFTP stopped: its phones miss every download until it starts"
                                ));
                            }
                            Service::Tvs => {
                                state.tvs_stopped = true;
                                notes.push(format!(
                                    "{name}: TVS stopped: it vouches for nothing until it starts"
                                ));
                            }
                            Service::CallManager => {
                                state.callmanager_stopped = true;
                                notes.push(format!(
                                    "{name}: CallManager stopped: its phones register to the next member of their group"
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                Step::IpsecRestart { target } | Step::DeleteOldTrust { target } => {
                    // ipsec and the trust stores exist on every node.
                    let nodes = self.targets(
                        target,
                        s.line,
                        |_| true,
                        |node| PlanProblem::UnknownNode { name: node },
                    )?;
                    if matches!(s.step, Step::DeleteOldTrust { .. }) {
                        self.delete_old_trust(&nodes, &mut notes);
                    }
                }
                Step::ResetPhones { device_pool } => {
                    let selected: Vec<usize> = (0..n)
                        .filter(|&i| match device_pool {
                            None => true,
                            Some(pool) => self.phones[i]
                                .device_pool
                                .as_deref()
                                .is_some_and(|p| p.eq_ignore_ascii_case(pool)),
                        })
                        .collect();
                    self.reset(&selected, &mut verdicts);
                }
                Step::Wait { .. } | Step::Gate(_) | Step::Backup => {}
                Step::ReissueLsc { .. } => {
                    self.capf_replaced_since_reissue = false;
                }
                Step::ItlResetLocalkey => {
                    for t in self.tftp_nodes() {
                        self.rebuild_itl_signed(t, SignerVariant::LocalKey)?;
                        notes.push(format!(
                            "{}: ITL signed with the other SAST key until TFTP restarts",
                            self.cluster.nodes[t].name
                        ));
                    }
                }
                Step::CtlResetLocalkey => {
                    self.rebuild_mixed_ctl(
                        s.line,
                        PlanProblem::NoCtlToReset,
                        SignerVariant::LocalKey,
                    )?;
                    notes.push("CTL signed with the other SAST key until `ctl update`".into());
                }
            }
            let mut counts: BTreeMap<Verdict, usize> = BTreeMap::new();
            let mut rejected = Vec::new();
            for (i, v) in verdicts.into_iter().enumerate() {
                let v = v.unwrap_or(StepVerdict::UNAFFECTED);
                *counts.entry(v.verdict).or_insert(0) += 1;
                if v.verdict == Verdict::Reject {
                    rejected.push(self.phones[i].name.clone());
                }
                per_phone[i].push(v);
            }
            steps.push(StepPrediction {
                index: index + 1,
                line: s.line,
                step: s.step.to_string(),
                counts,
                rejected,
                served_itls: self.served_itls(),
                notes,
            });
        }

        // After the plan: every phone is on and downloads once.
        self.now += 1;
        for p in &mut self.state {
            p.on = true;
        }
        let mut finals: Vec<Option<StepVerdict>> = vec![None; n];
        let all: Vec<usize> = (0..n).collect();
        self.reset(&all, &mut finals);

        let phones = per_phone
            .into_iter()
            .zip(finals)
            .enumerate()
            .map(|(i, (steps, fin))| {
                let input = &self.phones[i];
                let fin = fin.unwrap_or(StepVerdict::UNAFFECTED);
                PhonePrediction {
                    name: input.name.clone(),
                    first_reject: steps
                        .iter()
                        .position(|v| v.verdict == Verdict::Reject)
                        .map(|p| p + 1),
                    missed: steps
                        .iter()
                        .filter(|v| v.verdict == Verdict::Missed)
                        .count(),
                    off_during_plan: !input.on,
                    assumed: input.assumed,
                    steps,
                    final_verdict: fin,
                }
            })
            .collect();
        Ok(Prediction::new(steps, phones, self.served_itls()))
    }

    /// The nodes of `target` that run `service` (an error naming the line when a named node
    /// does not).
    fn service_targets(
        &self,
        service: Service,
        target: &Target,
        line: usize,
    ) -> Result<Vec<usize>, PredictError> {
        let runs = |i: usize| {
            let m = &self.cluster.nodes[i];
            match service {
                Service::Tftp => m.tftp,
                Service::Tvs => m.tvs,
                Service::CallManager | Service::CtiManager => m.callmanager,
                Service::Capf => self.nodes[i].certs.contains_key(&CertUnit::Capf),
                Service::CtlProvider => self.cluster.mixed,
                Service::DrfMaster => i == 0,
                Service::Tomcat
                | Service::DrfLocal
                | Service::CertificateChangeNotification
                | Service::HaProxy
                | Service::SsospTomcat
                | Service::RisDataCollector => true,
            }
        };
        let lacks = |node| PlanProblem::NoService { node, service };
        self.targets(target, line, runs, lacks)
    }

    /// `restart`/`start` of `service` on `node`: it runs again; TFTP rebuilds a stale ITL;
    /// TVS presents its current certificate.
    fn start_service(
        &mut self,
        node: usize,
        service: Service,
        notes: &mut Vec<String>,
    ) -> Result<(), PredictError> {
        match service {
            Service::Tftp => {
                self.nodes[node].tftp_stopped = false;
                if self.nodes[node].itl_stale {
                    self.rebuild_itl(node)?;
                    notes.push(format!("{}: ITL rebuilt", self.cluster.nodes[node].name));
                }
            }
            Service::Tvs => {
                self.nodes[node].tvs_stopped = false;
                let der = self.nodes[node].certs.get(&CertUnit::Tvs).cloned();
                if let Some(der) = der {
                    self.nodes[node].tvs_serving =
                        Some(cert(&der, &self.cluster.nodes[node].name, CertUnit::Tvs)?);
                }
            }
            Service::CallManager => self.nodes[node].callmanager_stopped = false,
            _ => {}
        }
        Ok(())
    }

    /// `delete old-trust` on `nodes`: their TVS no longer vouches for the certificates the
    /// plan has replaced so far (no current list is signed by them, so no phone's verdict
    /// changes at this step). With LSC phones and a CAPF regeneration not followed by
    /// `reissue lsc`, a note: §5.6 keeps the old CAPF-trust until every LSC is re-issued.
    fn delete_old_trust(&mut self, nodes: &[usize], notes: &mut Vec<String>) {
        let current: Vec<[u8; 32]> = self
            .nodes
            .iter()
            .flat_map(|n| n.certs.values())
            .filter_map(|der| CertInfo::shared(der).ok())
            .map(|c| *c.sha256())
            .collect();
        let superseded: Vec<[u8; 32]> = self
            .vouched
            .iter()
            .map(|c| *c.sha256())
            .filter(|h| !current.contains(h))
            .collect();
        for &node in nodes {
            let state = &mut self.nodes[node];
            for h in &superseded {
                if !state.deleted_trust.contains(h) {
                    state.deleted_trust.push(*h);
                }
            }
            notes.push(format!(
                "{}: {} replaced trust certificate(s) deleted",
                self.cluster.nodes[node].name,
                superseded.len()
            ));
        }
        let lsc = self.phones.iter().filter(|p| p.capabilities.lsc).count();
        if self.capf_replaced_since_reissue && lsc > 0 {
            notes.push(format!(
                "{lsc} phone(s) hold an LSC issued by the replaced CAPF and no `reissue lsc` ran since: deleting the old CAPF-trust breaks their LSC (802.1x, VPN, TLS) until it is re-issued (trust-and-procedure §5.6)"
            ));
        }
    }

    fn served_itls(&self) -> Vec<(String, Option<String>)> {
        self.tftp_nodes()
            .into_iter()
            .map(|i| {
                (
                    self.cluster.nodes[i].name.clone(),
                    self.nodes[i]
                        .itl
                        .as_ref()
                        .map(|f| hex::encode(f.checksums().sha1)),
                )
            })
            .collect()
    }

    fn automatic(&self, unit: CertUnit) -> bool {
        self.generation() == Generation::V14
            && self.cluster.automatic_phone_interaction
            && matches!(
                unit,
                CertUnit::Tvs | CertUnit::Capf | CertUnit::CallManager | CertUnit::ItlRecovery
            )
    }

    /// Regenerates `unit` on `node`; false when its certificate is not known (in no served
    /// list: nothing a phone sees changes).
    fn regenerate(&mut self, node: usize, unit: CertUnit) -> Result<bool, PredictError> {
        if !unit.in_trust_lists() {
            return Ok(true);
        }
        let count = self.regenerations.entry((node, unit)).or_insert(0);
        *count += 1;
        let label = format!("{}/{unit}/{count}", self.cluster.nodes[node].name);
        let Some(old) = self.nodes[node].certs.get(&unit) else {
            return Ok(false);
        };
        let new = regenerated_certificate(old, &label)?;
        let new_cert = cert(&new, &self.cluster.nodes[node].name, unit)?;
        if matches!(
            unit,
            CertUnit::CallManager | CertUnit::ItlRecovery | CertUnit::Capf
        ) {
            self.vouched.push(new_cert.clone());
        }
        self.nodes[node].certs.insert(unit, new);
        // Which ITLs go stale: the node's own (CallManager; ITLRecovery where each node has
        // its own), every one (TVS, CAPF, the cluster-wide ITLRecovery).
        let per_node_recovery =
            unit == CertUnit::ItlRecovery && self.generation() == Generation::V11_5;
        let all = matches!(unit, CertUnit::Tvs | CertUnit::Capf)
            || (unit == CertUnit::ItlRecovery && !per_node_recovery);
        for t in self.tftp_nodes() {
            if all || t == node {
                self.nodes[t].itl_stale = true;
            }
        }
        if unit == CertUnit::Tvs && self.generation() == Generation::V14 {
            // 14+: TVS restarts by itself on regeneration (§5.4).
            self.nodes[node].tvs_serving = Some(new_cert);
            self.nodes[node].tvs_stopped = false;
        }
        if unit == CertUnit::Capf {
            self.capf_replaced_since_reissue = true;
        }
        Ok(true)
    }

    /// One download for each phone at `indices`; the verdicts land in `out`.
    fn reset(&mut self, indices: &[usize], out: &mut [Option<StepVerdict>]) {
        // Per reset: each node's current CallManager certificate, the TVS servers of each
        // distinct CallManager group, the registration target of each group.
        let cm: Vec<Option<Arc<CertInfo>>> = self
            .nodes
            .iter()
            .map(|n| {
                n.certs
                    .get(&CertUnit::CallManager)
                    .and_then(|d| CertInfo::shared(d).ok())
            })
            .collect();
        let capf = self.nodes[0]
            .certs
            .get(&CertUnit::Capf)
            .and_then(|d| CertInfo::shared(d).ok());
        let mut groups: HashMap<&[usize], (Vec<TvsServer>, Option<RegistrationTarget>)> =
            HashMap::new();
        for &i in indices {
            let group = self.phones[i].group.as_slice();
            if groups.contains_key(group) {
                continue;
            }
            let tvs = group
                .iter()
                .filter(|&&g| self.cluster.nodes[g].tvs)
                .filter_map(|&g| {
                    let state = &self.nodes[g];
                    let serving = state.tvs_serving.clone()?;
                    let mut s = TvsServer::new(&self.cluster.nodes[g].name, serving)
                        .with_reachable(!state.tvs_stopped);
                    s.trust_sources = self
                        .vouched
                        .iter()
                        .filter(|c| !state.deleted_trust.contains(c.sha256()))
                        .cloned()
                        .collect();
                    Some(s)
                })
                .collect();
            let registration = group
                .iter()
                .copied()
                .find(|&g| self.cluster.nodes[g].callmanager && !self.nodes[g].callmanager_stopped)
                .and_then(|g| {
                    Some(RegistrationTarget {
                        node: self.cluster.nodes[g].name.as_str().into(),
                        callmanager: cm[g].clone()?,
                        capf: capf.clone(),
                    })
                });
            groups.insert(group, (tvs, registration));
        }
        for &i in indices {
            let input = &self.phones[i];
            let state = &self.state[i];
            if !state.on {
                out[i] = Some(StepVerdict::of(
                    Verdict::Missed,
                    Some("powered off or unregistered: does not download".into()),
                ));
                continue;
            }
            let Some(trust) = state.trust.as_ref() else {
                out[i] = Some(StepVerdict::of(
                    Verdict::Unknown,
                    Some("the phone's current trust list is not known".into()),
                ));
                continue;
            };
            if !self.cluster.nodes[input.tftp_node].tftp_up
                || self.nodes[input.tftp_node].tftp_stopped
            {
                out[i] = Some(StepVerdict::of(
                    Verdict::Missed,
                    Some("its TFTP server does not answer".into()),
                ));
                continue;
            }
            let node = &self.nodes[input.tftp_node];
            let (tvs, registration) = &groups[input.group.as_slice()];
            let mut ctx = DownloadContext::new(&self.cache, self.now)
                .with_tvs(tvs)
                .with_capabilities(&input.capabilities)
                .with_tvs_cache(self.options.use_tvs_cache);
            if input.capabilities.tls_profile
                && let Some(target) = registration.as_ref()
            {
                ctx = ctx.with_registration(target);
            }
            let ctl = if self.cluster.mixed {
                self.ctl.as_ref()
            } else {
                None
            };
            let result = download_files(trust, ctl, node.itl.as_ref(), &ctx);
            let config = cm[input.tftp_node]
                .as_ref()
                .map(|cm| accepts_config_cert(&result.trust, cm, &ctx));
            let verdict = Verdict::of(
                &result.ctl,
                &result.itl,
                config.as_ref(),
                result.registration.as_ref(),
            );
            let detail = detail(
                verdict,
                &result.ctl,
                &result.itl,
                config.as_ref(),
                result.registration.as_ref(),
            );
            let risk = (verdict == Verdict::AcceptViaTvs
                && self.generation().itl_recovery_signs()
                && [&result.ctl, &result.itl]
                    .iter()
                    .any(|o| matches!(o.kind, OutcomeKind::AcceptTvs { .. })))
            .then(|| UNVERIFIED_ITLRECOVERY_VOUCHING.to_owned());
            self.state[i].trust = Some(result.trust);
            // Several downloads in one step (automatic resets): the worst one counts.
            if out[i]
                .as_ref()
                .is_none_or(|old| verdict.severity() >= old.verdict.severity())
            {
                out[i] = Some(StepVerdict::of(verdict, detail).with_risk(risk));
            }
        }
    }
}

/// The risk of a verdict that rests on TVS vouching for a new ITLRecovery certificate (12.0+:
/// ITLRecovery signs the ITL and the CTL), which `trust-and-procedure.md` marks unverified.
pub const UNVERIFIED_ITLRECOVERY_VOUCHING: &str = "rests on TVS vouching for a new ITLRecovery certificate, which Cisco's documents do not confirm (trust-and-procedure §3, S15): the phone may reject the list instead; a `utils itl reset localkey` bridge avoids relying on it";

/// The reason chain worth showing for a verdict: the outcome that decided it.
fn detail(
    verdict: Verdict,
    ctl: &Outcome,
    itl: &Outcome,
    config: Option<&Outcome>,
    registration: Option<&Outcome>,
) -> Option<String> {
    let pick = |pred: &dyn Fn(&Outcome) -> bool| -> Option<String> {
        let mut parts = Vec::new();
        for (what, o) in [
            ("CTL", Some(ctl)),
            ("ITL", Some(itl)),
            ("config", config),
            ("registration", registration),
        ] {
            if let Some(o) = o
                && pred(o)
            {
                parts.push(format!("{what} {o}"));
            }
        }
        (!parts.is_empty()).then(|| parts.join(" | "))
    };
    match verdict {
        Verdict::Reject => pick(&|o: &Outcome| o.is_failure()),
        Verdict::Unknown => pick(&|o: &Outcome| o.label() == "UNKNOWN"),
        Verdict::AcceptViaTvs => pick(&|o: &Outcome| o.label() == "ACCEPT_TVS"),
        _ => None,
    }
}
