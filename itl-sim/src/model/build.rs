//! [`Cluster::build`]: nodes, identities, topology, files and a fleet with a history.
//!
//! Timeline of a new cluster (model time; E = [`EPOCH`]):
//!
//! ```text
//! E-365d  certificates generation 1 issued
//! E-30d   files v0 built (CAPF not yet active); every phone boots and installs them (LOF)
//! E-7d    CAPF activated, files v1 built; phones reset and take v1
//!         (stale-itl phones were off; update-failed phones logged a failure);
//!         mixed mode: TLS-profile phones get their LSC from the CAPF
//! E-1d    powered-off phones switched off
//! E       the simulation starts
//! ```

use itl_core::cucm::{CertUnit, ClusterSecurityMode, ListKind, Service, ServiceStatus};
use std::collections::HashMap;

use crate::error::{BuiltList, SimError};
use crate::faults::{FaultKind, assign_node_fault, assign_phone_faults};
use crate::model::archive::{FileId, FileOrigin};
use crate::model::clock::{Clock, EPOCH};
use crate::model::identity::{Identity, IdentityPlan, SIM_UNITS, generate_all};
use crate::model::node::{Node, NodeFaults, SIM_SERVICES, ServiceState, TrustEntry, TrustStore};
use crate::model::settings::Settings;
use crate::model::topology::{CmGroup, DevicePool};
use crate::model::trust_files::{BuildInputs, NodeCerts, Signer, build_ctl, build_itl};
use crate::model::{Archive, Cluster};
use crate::options::SimOptions;
use crate::phone::fleet;
use crate::phone::status::text;

const DAY: u64 = 86_400;
/// Certificates of generation 1 were issued a year before the start.
pub(crate) const ISSUED: u64 = EPOCH - 365 * DAY;
const FILES_V0: u64 = EPOCH - 30 * DAY;
const FILES_V1: u64 = EPOCH - 7 * DAY;
const POWERED_OFF_AT: u64 = EPOCH - DAY;

/// The key-derivation tag of a cluster (first part of every label).
pub(crate) fn tag(options_name: &str) -> String {
    options_name.to_owned()
}

fn node_name(index: usize) -> String {
    if index == 0 {
        "ucm-pub".into()
    } else {
        format!("ucm-sub{index}")
    }
}

fn services(index: usize, node_count: usize, mixed: bool) -> Vec<ServiceState> {
    let publisher = index == 0;
    let callmanager = node_count <= 2 || !publisher;
    let tftp = index <= 1;
    SIM_SERVICES
        .iter()
        .map(|&kind| {
            let active = match kind {
                Service::CallManager | Service::CtiManager => callmanager,
                Service::Tftp => tftp,
                Service::Capf | Service::DrfMaster => publisher,
                Service::CtlProvider => publisher && mixed,
                Service::Tvs
                | Service::Tomcat
                | Service::DrfLocal
                | Service::CertificateChangeNotification
                | Service::RisDataCollector => true,
                // Not among SIM_SERVICES: 14+ services the simulator does not run.
                Service::HaProxy | Service::SsospTomcat => false,
            };
            ServiceState {
                kind,
                status: if active {
                    ServiceStatus::Started
                } else {
                    ServiceStatus::NotActivated
                },
                since: EPOCH - 2 * DAY,
            }
        })
        .collect()
}

impl Cluster {
    /// Builds a cluster. Key generation runs on all cores; nothing is cached on disk.
    pub fn build(options: &SimOptions) -> Result<Self, SimError> {
        options.validate()?;
        let tag = tag(&options.cluster_name);
        let node_names: Vec<String> = (0..options.nodes).map(node_name).collect();

        // Identities of every node, plus the foreign cluster's signer when needed.
        let mut plans = Vec::new();
        for (index, name) in node_names.iter().enumerate() {
            for unit in SIM_UNITS {
                if !unit.held_by(index == 0, options.generation) {
                    continue;
                }
                plans.push(IdentityPlan::new(
                    &tag,
                    options.seed,
                    options.key_bits,
                    name,
                    &options.domain,
                    unit,
                    1,
                    ISSUED,
                    &options.organisation,
                ));
            }
        }
        let foreign_wanted = options.faults.get(FaultKind::ForeignItl).is_some();
        if foreign_wanted {
            plans.push(IdentityPlan::new(
                "foreign",
                options.seed,
                options.key_bits,
                "cucm-a-pub",
                "other.example.net",
                CertUnit::CallManager,
                1,
                ISSUED,
                &options.organisation,
            ));
        }
        // `cert-expiring`: the certificate ends `days` after the build (0: a day before it).
        let built_at = match options.clock {
            crate::model::ClockMode::Wall => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(EPOCH, |d| d.as_secs().max(EPOCH)),
            _ => Clock::new(options.clock).now(),
        };
        for fault in &options.faults.checks {
            if let crate::faults::CheckFault::CertExpiring { unit, node, days } = fault {
                for plan in plans
                    .iter_mut()
                    .filter(|p| p.unit == *unit && node.matches(&p.node))
                {
                    plan.not_after = if *days == 0 {
                        built_at.saturating_sub(DAY)
                    } else {
                        built_at + u64::from(*days) * DAY
                    };
                    plan.not_before = plan.not_before.min(plan.not_after.saturating_sub(DAY));
                }
            }
        }
        for fault in &options.faults.checks {
            if let crate::faults::CheckFault::CaSigned { unit, node } = fault {
                for plan in plans
                    .iter_mut()
                    .filter(|p| p.unit == *unit && node.matches(&p.node))
                {
                    plan.ca_signed = true;
                }
            }
        }
        let plan_count = plans.len();
        let made = generate_all(&plans)?;
        let made_count = made.len();
        let mut identities = made.into_iter();
        let mut nodes = Vec::with_capacity(options.nodes);
        for (index, name) in node_names.iter().enumerate() {
            let mut map = std::collections::BTreeMap::new();
            for unit in SIM_UNITS {
                if !unit.held_by(index == 0, options.generation) {
                    continue;
                }
                let id = identities.next().ok_or(SimError::IdentityCount {
                    planned: plan_count,
                    made: made_count,
                })?;
                map.insert(unit, id);
            }
            let services = services(index, options.nodes, options.mixed);
            nodes.push(Node {
                name: name.clone(),
                address: std::net::Ipv4Addr::new(127, 0, 1, (index + 1) as u8),
                publisher: index == 0,
                tvs_serving: map.get(&CertUnit::Tvs).cloned(),
                tomcat_serving: map.get(&CertUnit::Tomcat).cloned(),
                identities: map,
                retired: Vec::new(),
                services,
                trust: TrustStore::ALL.iter().map(|s| (*s, Vec::new())).collect(),
                served_itl: None,
                itl_stale: false,
                itl_localkey: false,
                faults: NodeFaults::default(),
            });
        }
        let foreign = identities.next();
        distribute_trust(&mut nodes);

        let tftp_down = assign_node_fault(&options.faults, FaultKind::TftpDown, &node_names)?;
        let throttle = assign_node_fault(&options.faults, FaultKind::RisportThrottle, &node_names)?;
        for (i, node) in nodes.iter_mut().enumerate() {
            node.faults.tftp_down = tftp_down[i];
            node.faults.risport_throttle = throttle[i];
        }

        for fault in &options.faults.checks {
            if let Some(crate::faults::NodeTarget::Node(name)) = fault.node()
                && !node_names.iter().any(|n| n.eq_ignore_ascii_case(name))
            {
                return Err(crate::faults::AssignError::UnknownCheckNode {
                    fault: fault.to_string(),
                    name: name.clone(),
                }
                .into());
            }
            if let crate::faults::CheckFault::ServiceStopped { service, node } = fault {
                for n in nodes.iter_mut().filter(|n| node.matches(&n.name)) {
                    for s in n.services.iter_mut().filter(|s| s.kind == *service) {
                        if s.status != ServiceStatus::NotActivated {
                            s.status = ServiceStatus::Stopped;
                        }
                    }
                }
            }
        }

        // Topology.
        let cm_nodes: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].runs(Service::CallManager))
            .collect();
        let tftp_nodes: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].runs(Service::Tftp))
            .collect();
        let k = cm_nodes.len();
        let mut cm_groups = Vec::with_capacity(k);
        let mut device_pools = Vec::with_capacity(k);
        for g in 0..k {
            let mut members = vec![cm_nodes[g]];
            if k > 1 {
                members.push(cm_nodes[(g + 1) % k]);
            }
            cm_groups.push(CmGroup {
                name: format!("CMG-{}", g + 1),
                members,
            });
            let t = tftp_nodes.len();
            let mut tftp = vec![tftp_nodes[g % t]];
            if t > 1 {
                tftp.push(tftp_nodes[(g + 1) % t]);
            }
            device_pools.push(DevicePool {
                name: format!("DP-{}", g + 1),
                cm_group: g,
                tftp,
            });
        }

        // `single-member-group`: the group keeps its first member only.
        for fault in &options.faults.checks {
            match fault {
                crate::faults::CheckFault::SingleMemberGroup { group } => {
                    let Some(g) = cm_groups
                        .iter_mut()
                        .find(|g| g.name.eq_ignore_ascii_case(group))
                    else {
                        return Err(crate::faults::AssignError::UnknownGroup {
                            fault: fault.to_string(),
                            name: group.clone(),
                            known: cm_groups
                                .iter()
                                .map(|g| g.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        }
                        .into());
                    };
                    g.members.truncate(1);
                }
                crate::faults::CheckFault::CtlDiffers { .. } if !options.mixed => {
                    return Err(crate::faults::AssignError::NeedsMixed {
                        fault: fault.to_string(),
                    }
                    .into());
                }
                _ => {}
            }
        }

        let settings = Settings {
            generation: options.generation,
            security_mode: if options.mixed {
                ClusterSecurityMode::Mixed
            } else {
                ClusterSecurityMode::NonSecure
            },
            rollback: options
                .faults
                .checks
                .contains(&crate::faults::CheckFault::Rollback),
            phone_interaction: options.phone_interaction,
            device_queries_per_minute: 15,
        };
        let restart_fails = options.faults.restart_fails();
        for (_, target) in &restart_fails {
            if let crate::faults::NodeTarget::Node(name) = target
                && !node_names.iter().any(|n| n.eq_ignore_ascii_case(name))
            {
                return Err(crate::faults::AssignError::UnknownNode {
                    kind: FaultKind::RestartFails,
                    name: name.clone(),
                }
                .into());
            }
        }
        let group_members: Vec<Vec<usize>> = cm_groups.iter().map(|g| g.members.clone()).collect();
        let phones = fleet::generate(options.seed, options.phones, &device_pools, &group_members);
        let mut cluster = Cluster {
            name: options.cluster_name.clone(),
            domain: options.domain.clone(),
            seed: options.seed,
            key_bits: options.key_bits,
            organisation: options.organisation.clone(),
            faults: options.faults.clone(),
            settings,
            nodes,
            cm_groups,
            device_pools,
            by_name: phones
                .iter()
                .enumerate()
                .map(|(i, p)| (p.name.clone(), i))
                .collect(),
            by_address: phones
                .iter()
                .enumerate()
                .map(|(i, p)| (p.address, i))
                .collect(),
            phones,
            archive: Archive::default(),
            ctl: None,
            ctl_localkey: false,
            clock: Clock::new(options.clock),
            oracle_cache: std::sync::Arc::new(itl_core::trust::TrustCache::new()),
            ops: super::ops::Operations::new(restart_fails),
        };

        // Files v0 (before CAPF was active) and v1 (now served).
        let v0 = cluster.build_files(FILES_V0, false)?;
        let v1 = cluster.build_files(FILES_V1, true)?;
        for (&node, &id) in &v1.itls {
            cluster.nodes[node].served_itl = Some(id);
        }
        cluster.ctl = v1.ctl;
        let foreign_itl = match &foreign {
            Some(id) => Some(cluster.build_foreign_itl(id)?),
            None => None,
        };

        let names: Vec<String> = cluster.phones.iter().map(|p| p.name.clone()).collect();
        let shows_trust: Vec<bool> = cluster
            .phones
            .iter()
            .map(|p| p.model.pages_show_trust())
            .collect();
        let faults = assign_phone_faults(&options.faults, options.seed, &names, &shows_trust)?;
        cluster.give_history(&faults, &v0, &v1, foreign_itl);
        cluster.give_security_profiles(FILES_V1 + 60);
        Ok(cluster)
    }

    /// The inputs of a trust file from the current certificates and settings.
    pub(crate) fn build_inputs(&self, timestamp: u64, capf_active: bool) -> BuildInputs<'_> {
        let publisher = &self.nodes[0];
        BuildInputs {
            generation: self.settings.generation,
            mode: self.settings.security_mode,
            rollback: self.settings.rollback,
            nodes: self
                .nodes
                .iter()
                .filter_map(|n| {
                    Some(NodeCerts {
                        name: &n.name,
                        address: n.address,
                        callmanager: n.identity(CertUnit::CallManager)?,
                        itl_recovery: n.identity(CertUnit::ItlRecovery),
                        tvs: n
                            .runs(Service::Tvs)
                            .then(|| n.identity(CertUnit::Tvs))
                            .flatten(),
                        runs_callmanager: n.runs(Service::CallManager),
                        runs_tftp: n.runs(Service::Tftp),
                    })
                })
                .collect(),
            itl_recovery: publisher
                .identity(CertUnit::ItlRecovery)
                .unwrap_or_else(|| &publisher.identities[&CertUnit::CallManager]),
            capf: capf_active
                .then(|| publisher.identity(CertUnit::Capf))
                .flatten(),
            timestamp: u32::try_from(timestamp).unwrap_or(u32::MAX),
        }
    }

    /// Builds the ITL of every TFTP node (and the CTL in mixed mode) into the archive.
    fn build_files(&mut self, at: u64, capf_active: bool) -> Result<BuiltFiles, SimError> {
        let tftp: Vec<usize> = self.tftp_nodes().collect();
        let inputs = self.build_inputs(at, capf_active);
        let mut built = Vec::with_capacity(tftp.len());
        for &node in &tftp {
            built.push((node, build_itl(&inputs, node, Signer::Normal)?));
        }
        let ctl = match self.settings.security_mode {
            ClusterSecurityMode::Mixed => Some(build_ctl(&inputs, Signer::Normal)?),
            ClusterSecurityMode::NonSecure => None,
        };
        drop(inputs);
        let mut itls = HashMap::new();
        for (node, bytes) in built {
            let origin = FileOrigin::Node(self.nodes[node].name.clone());
            itls.insert(node, self.archive.add(ListKind::Itl, origin, at, bytes));
        }
        let ctl = ctl.map(|bytes| {
            self.archive
                .add(ListKind::Ctl, FileOrigin::Cluster, at, bytes)
        });
        Ok(BuiltFiles { itls, ctl })
    }

    /// Rebuilds one TFTP node's ITL from the current certificates and settings, signed
    /// normally (clears the stale and localkey states).
    pub(crate) fn rebuild_itl(&mut self, node: usize) -> Result<FileId, SimError> {
        self.rebuild_itl_signed(node, Signer::Normal)
    }

    /// Rebuilds one TFTP node's ITL from the current certificates and settings, signed by
    /// `signer`, and serves it. A [`Signer::LocalKey`] ITL leaves the node in the localkey
    /// state and counts as stale, so that the next TFTP restart (or any other rebuild)
    /// writes a normally signed one.
    pub(crate) fn rebuild_itl_signed(
        &mut self,
        node: usize,
        signer: Signer,
    ) -> Result<FileId, SimError> {
        let at = self.clock.tick();
        let capf = self.nodes[0].runs(Service::Capf);
        let bytes = build_itl(&self.build_inputs(at, capf), node, signer)?;
        let origin = FileOrigin::Node(self.nodes[node].name.clone());
        let id = self.archive.add(ListKind::Itl, origin, at, bytes);
        let localkey = signer == Signer::LocalKey;
        let n = &mut self.nodes[node];
        n.served_itl = Some(id);
        n.itl_stale = localkey;
        n.itl_localkey = localkey;
        let name = n.name.clone();
        self.emit(
            crate::events::Change::new(crate::events::EventKind::ListRebuilt)
                .node(name)
                .detail(if localkey { "ITL (local key)" } else { "ITL" }),
        );
        Ok(id)
    }

    /// Rebuilds the CTL from the current certificates, signed by `signer`
    /// (`utils ctl update CTLFile`: [`Signer::Normal`]; `utils ctl reset localkey`:
    /// [`Signer::LocalKey`]).
    pub(crate) fn rebuild_ctl(&mut self, signer: Signer) -> Result<FileId, SimError> {
        let at = self.clock.tick();
        let capf = self.nodes[0].runs(Service::Capf);
        let bytes = build_ctl(&self.build_inputs(at, capf), signer)?;
        let id = self
            .archive
            .add(ListKind::Ctl, FileOrigin::Cluster, at, bytes);
        self.ctl = Some(id);
        self.ctl_localkey = signer == Signer::LocalKey;
        Ok(id)
    }

    fn build_foreign_itl(&mut self, id: &Identity) -> Result<FileId, SimError> {
        use itl_core::{Function, RecordSpec, TrustListBuilder};
        let ip = std::net::Ipv4Addr::new(10, 99, 0, 11);
        let rec = |f: Function| -> Result<RecordSpec, SimError> {
            Ok(RecordSpec::from_certificate(f, id.der())
                .map_err(|source| SimError::Build {
                    list: BuiltList::ForeignItl,
                    source,
                })?
                .with_dns_name("cucm-a-pub")
                .with_ip(ip))
        };
        let bytes = TrustListBuilder::new("ITLFile.tlv", FILES_V0 as u32)
            .record(rec(Function::Sast)?)
            .record(rec(Function::Tftp)?)
            .record(rec(Function::Tvs)?)
            .sign_with_certificate(id.key(), id.der())
            .map_err(|source| SimError::Build {
                list: BuiltList::ForeignItl,
                source,
            })?;
        Ok(self.archive.add(
            ListKind::Itl,
            FileOrigin::Foreign("cucm-a".into()),
            FILES_V0,
            bytes,
        ))
    }

    fn give_history(
        &mut self,
        faults: &[Option<crate::faults::PhoneFault>],
        v0: &BuiltFiles,
        v1: &BuiltFiles,
        foreign_itl: Option<FileId>,
    ) {
        let mixed = self.settings.security_mode == ClusterSecurityMode::Mixed;
        for (i, phone) in self.phones.iter_mut().enumerate() {
            let spread = (i % 600) as u64;
            let t0 = FILES_V0 + 300 + spread;
            let t1 = FILES_V1 + 300 + spread;
            let node = phone.tftp_node;
            phone.fault = faults[i];
            let kind = phone.fault.map(|f| f.kind);
            // 7940/7960: no Security By Default, so no ITL ever; only the CTL in mixed mode.
            if !phone.model.holds_itl() {
                phone.itl = None;
                phone.ctl = if mixed { v1.ctl } else { None };
                for t in [t0, t1] {
                    if mixed {
                        phone.log.push(t + 2, text::CTL_INSTALLED);
                    } else {
                        phone.log.push(t, text::CTL_NOT_FOUND);
                    }
                }
                phone.last_reset = t1;
                phone.state_changed = t1 + 20;
                apply_power_faults(phone, kind, spread);
                continue;
            }
            // First boot: leap of faith.
            if kind == Some(FaultKind::ForeignItl) {
                phone.itl = foreign_itl;
                phone.log.push(t0, text::CTL_NOT_FOUND);
                phone.log.push(t0 + 2, text::ITL_INSTALLED);
                phone.last_reset = t0;
                phone.state_changed = t0 + 20;
                continue;
            }
            phone.itl = v0.itls.get(&node).copied();
            phone.ctl = v0.ctl;
            if mixed {
                phone.log.push(t0 + 2, text::CTL_AND_ITL_INSTALLED);
            } else {
                phone.log.push(t0, text::CTL_NOT_FOUND);
                phone.log.push(t0 + 2, text::ITL_INSTALLED);
            }
            phone.last_reset = t0;
            phone.state_changed = t0 + 20;
            // The v1 reset.
            match kind {
                Some(FaultKind::StaleItl) => continue,
                Some(FaultKind::NoItl) => {
                    phone.itl = None;
                    phone.ctl = None;
                    phone.log.push(t1, "Erasing CTL and ITL files");
                    phone.log.push(t1 + 2, text::NO_TRUST_LIST);
                }
                Some(FaultKind::UpdateFailed) => {
                    phone.ctl = v1.ctl;
                    if !mixed {
                        phone.log.push(t1, text::CTL_NOT_FOUND);
                    }
                    phone.log.push(t1 + 2, text::TRUST_LIST_UPDATE_FAILED);
                }
                Some(FaultKind::StaleCtl) => {
                    phone.itl = v1.itls.get(&node).copied();
                    phone.log.push(t1 + 2, text::TRUST_LIST_UPDATED);
                }
                _ => {
                    phone.itl = v1.itls.get(&node).copied();
                    phone.ctl = v1.ctl;
                    if !mixed {
                        phone.log.push(t1, text::CTL_NOT_FOUND);
                    }
                    phone.log.push(t1 + 2, text::TRUST_LIST_UPDATED);
                }
            }
            phone.last_reset = t1;
            phone.state_changed = t1 + 20;
            apply_power_faults(phone, kind, spread);
        }
    }
}

/// The faults that act after the history: a phone powered off since, web access off.
fn apply_power_faults(phone: &mut crate::phone::Phone, kind: Option<FaultKind>, spread: u64) {
    match kind {
        Some(FaultKind::PoweredOff) => {
            phone.powered = false;
            phone.registered = false;
            phone.status_reason = 34;
            phone.state_changed = POWERED_OFF_AT + spread;
        }
        Some(FaultKind::WebOff) => phone.web_access = false,
        _ => {}
    }
}

/// Ids of one round of built files.
struct BuiltFiles {
    itls: HashMap<usize, FileId>,
    ctl: Option<FileId>,
}

/// Copies each node's distributable certificates into the matching trust store of every
/// other node.
fn distribute_trust(nodes: &mut [Node]) {
    let entries: Vec<(usize, TrustStore, Identity)> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| {
            n.identities.values().filter_map(move |id| {
                TrustStore::for_unit(id.unit).map(|store| (i, store, id.clone()))
            })
        })
        .collect();
    for (from, store, identity) in entries {
        for (i, node) in nodes.iter_mut().enumerate() {
            if i != from {
                node.trust.entry(store).or_default().push(TrustEntry {
                    identity: identity.clone(),
                });
            }
        }
    }
}

/// Adds one new certificate to the other nodes' trust stores (certificate change
/// notification); old entries stay until deleted.
pub(crate) fn distribute_one(nodes: &mut [Node], from: usize, identity: &Identity) {
    let Some(store) = TrustStore::for_unit(identity.unit) else {
        return;
    };
    for (i, node) in nodes.iter_mut().enumerate() {
        if i != from {
            node.trust.entry(store).or_default().push(TrustEntry {
                identity: identity.clone(),
            });
        }
    }
}
