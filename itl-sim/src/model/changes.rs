//! The operations an administrator performs on a cluster, as a Rust API (the simulated SSH
//! admin CLI and a replay tool call the same functions):
//!
//! | operation | CUCM equivalent | effect here |
//! |---|---|---|
//! | [`Cluster::regenerate`] | `set cert regen <unit>` | new key + certificate (next generation); other nodes' trust stores get it; the ITLs are stale until TFTP restarts (CallManager, and ITLRecovery on 11.5: the node's own ITL; TVS, CAPF, and ITLRecovery on 12+: every ITL); 14+ with automatic phone interaction: services restart, ITLs rebuild and phones reset |
//! | [`Cluster::restart_service`] | `utils service restart` / Control Center | TFTP rebuilds a stale ITL (a localkey ITL counts as stale: it is rebuilt with the normal signer); TVS and Tomcat present their current certificate |
//! | [`Cluster::stop_service`] / [`Cluster::start_service`] | Control Center | service state |
//! | [`Cluster::ctl_update`] | `utils ctl update CTLFile` | new CTL from the current certificates (mixed mode), normal signer |
//! | [`Cluster::itl_reset_localkey`] | `utils itl reset localkey` (publisher) | every TFTP node's ITL rebuilt at once from its current certificates, signed with the other SAST key (12+/14+: the node's CallManager; 11.5: the node's own ITLRecovery); the node keeps it until TFTP restarts |
//! | [`Cluster::ctl_reset_localkey`] | `utils ctl reset localkey` (publisher) | new CTL from the current certificates, served at once, signed with the publisher's other SAST key (12+/14+: CallManager; 11.5: ITLRecovery) until the next `ctl_update` (mixed mode) |
//! | [`Cluster::set_mixed_mode`] | `utils ctl set-cluster mixed-mode` | mixed mode, first CTL |
//! | [`Cluster::reset_phones`] | AXL `resetPhone` / `resetDevicePool` | phones download CTL then ITL; the oracle decides |
//! | [`Cluster::power`] | a hand on the power cord | off: unregistered, misses downloads; on: boots (a reset) |
//! | [`Cluster::set_parameter`] | Enterprise Parameters | rollback rebuilds every ITL |
//! | [`Cluster::delete_trust_certificate`] | `set cert delete` / GUI | removes one trust entry on one node |

use itl_core::cucm::{CertUnit, ClusterSecurityMode, Generation, Service, ServiceStatus};
use std::collections::BTreeMap;

use crate::error::{CtlAction, SimError};
use crate::events::{Change, EventKind};
use crate::model::Cluster;
use crate::model::build::distribute_one;
use crate::model::identity::{Identity, IdentityPlan};
use crate::model::node::TrustStore;
use crate::model::ops::ServiceOp;
use crate::model::settings::{Parameter, PhoneInteraction};
use crate::model::trust_files::Signer;

/// Which phones an operation addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneSelector {
    /// Every phone (System › Enterprise Parameters › Reset).
    All,
    /// The phones of one device pool (`resetDevicePool`).
    DevicePool(String),
    /// Phones by device name (`resetPhone`).
    Names(Vec<String>),
}

/// Reset or restart (both make the phone download its trust lists).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub enum ResetKind {
    /// Hard reset (power cycle).
    #[default]
    Reset,
    /// Soft restart.
    Restart,
    /// Power-up after being off.
    Boot,
}

/// What a reset did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ResetReport {
    /// Reset or restart.
    pub kind: ResetKind,
    /// Phones addressed.
    pub selected: usize,
    /// Phones that were off (nothing happened).
    pub powered_off: usize,
    /// Phones that could not reach their TFTP server (`MISSED`).
    pub missed: usize,
    /// Phones whose signed config was refused, left unregistered.
    pub unregistered: usize,
    /// ITL outcomes by label (`ACCEPT`, `REJECT`...).
    pub itl_outcomes: BTreeMap<String, usize>,
    /// CTL outcomes by label.
    pub ctl_outcomes: BTreeMap<String, usize>,
}

impl std::fmt::Display for ResetReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} phones: ITL {}; {} off, {} missed, {} unregistered",
            self.selected,
            Cluster::count_labels(&self.itl_outcomes),
            self.powered_off,
            self.missed,
            self.unregistered
        )
    }
}

/// What a change did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChangeReport {
    /// Lines of CLI-like output (`Successfully Regenerated Certificate for TVS.`...).
    pub messages: Vec<String>,
    /// Nodes whose ITL was rebuilt.
    pub rebuilt_itls: Vec<String>,
    /// Phone resets the change triggered (14+ automatic phone interaction).
    pub reset: Option<ResetReport>,
}

impl ChangeReport {
    /// A report of a change that printed `messages` and did nothing else reportable.
    pub fn said<S: Into<String>>(messages: impl IntoIterator<Item = S>) -> Self {
        Self {
            messages: messages.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }
}

impl Cluster {
    fn node_idx(&self, node: &str) -> Result<usize, SimError> {
        self.node_index(node)
            .ok_or_else(|| SimError::UnknownNode(node.to_owned()))
    }

    /// The plan of the next generation of `unit` on `node`; [`IdentityPlan::generate`] it
    /// outside any lock, then [`Cluster::apply_regeneration`].
    pub fn plan_regeneration(&self, node: &str, unit: CertUnit) -> Result<IdentityPlan, SimError> {
        let idx = self.node_idx(node)?;
        let n = &self.nodes[idx];
        let current = n.identity(unit).ok_or_else(|| SimError::NoSuchUnit {
            node: node.to_owned(),
            unit,
        })?;
        Ok(IdentityPlan::new(
            &super::build::tag(&self.name),
            self.seed,
            self.key_bits,
            node,
            &self.domain,
            unit,
            current.generation + 1,
            self.clock.now(),
            &self.organisation,
        ))
    }

    /// `set cert regen <unit>` on `node`: makes the next generation and applies it.
    pub fn regenerate(&mut self, node: &str, unit: CertUnit) -> Result<ChangeReport, SimError> {
        let identity = self.plan_regeneration(node, unit)?.generate()?;
        self.apply_regeneration(identity)
    }

    /// Installs a regenerated identity (made from [`Cluster::plan_regeneration`]).
    pub fn apply_regeneration(&mut self, identity: Identity) -> Result<ChangeReport, SimError> {
        let idx = self.node_idx(&identity.node.clone())?;
        let unit = identity.unit;
        self.clock.tick();
        let node = &mut self.nodes[idx];
        let old = node
            .identities
            .insert(unit, identity.clone())
            .ok_or_else(|| SimError::NoSuchUnit {
                node: identity.node.clone(),
                unit,
            })?;
        node.retired.push(old);
        distribute_one(&mut self.nodes, idx, &identity);
        self.emit(
            Change::new(EventKind::CertRegenerated)
                .node(identity.node.clone())
                .unit(unit)
                .detail(format!(
                    "serial {}",
                    identity.certificate().serial_hex().to_ascii_lowercase()
                )),
        );
        // Which ITLs change: the node's own (CallManager; ITLRecovery before 12.0, one per
        // node), every one (TVS, CAPF; ITLRecovery from 12.0, cluster-wide).
        let per_node_recovery = !self.settings.generation.itl_recovery_signs();
        let own_only = match unit {
            CertUnit::CallManager => true,
            CertUnit::ItlRecovery => per_node_recovery,
            _ => false,
        };
        let affects_all =
            !own_only && matches!(unit, CertUnit::Tvs | CertUnit::Capf | CertUnit::ItlRecovery);
        for (i, n) in self.nodes.iter_mut().enumerate() {
            let affected = affects_all || (own_only && i == idx);
            if affected && n.runs(Service::Tftp) {
                n.itl_stale = true;
            }
        }
        let mut report = ChangeReport::said([
            format!("Successfully Regenerated Certificate for {}.", unit.name()),
            format!(
                "You must restart services related to {} for the regenerated certificates to become active.",
                unit.name()
            ),
        ]);
        let automatic = self.settings.generation == Generation::V14
            && self.settings.phone_interaction == PhoneInteraction::Automatic
            && matches!(
                unit,
                CertUnit::Tvs | CertUnit::Capf | CertUnit::CallManager | CertUnit::ItlRecovery
            );
        if self.settings.generation == Generation::V14 && unit == CertUnit::Tvs {
            let now = self.clock.now();
            let node = &mut self.nodes[idx];
            node.set_service(Service::Tvs, ServiceStatus::Started, now);
            node.tvs_serving = node.identity(CertUnit::Tvs).cloned();
            let name = node.name.clone();
            report.messages.push(format!("{name}: TVS restarted"));
            self.emit(
                Change::new(EventKind::ServiceRestarted)
                    .node(name)
                    .service(Service::Tvs),
            );
        }
        if automatic {
            for i in self.tftp_nodes().collect::<Vec<_>>() {
                if self.nodes[i].itl_stale {
                    self.rebuild_itl(i)?;
                    report.rebuilt_itls.push(self.nodes[i].name.clone());
                }
            }
            let all: Vec<usize> = (0..self.phones.len()).collect();
            report.reset = Some(self.reset_indices(&all, ResetKind::Restart));
        }
        Ok(report)
    }

    /// Restarts a service: TFTP rebuilds its ITL if a certificate or setting changed; TVS and
    /// Tomcat start presenting their current certificate.
    pub fn restart_service(
        &mut self,
        node: &str,
        service: Service,
    ) -> Result<ChangeReport, SimError> {
        self.start_or_restart(node, service, ServiceOp::Restart)
    }

    /// A restart (or a start): the service ends `Started` with the effects of
    /// [`Cluster::restart_service`], or `Stopped` under the `restart-fails` fault.
    fn start_or_restart(
        &mut self,
        node: &str,
        service: Service,
        op: ServiceOp,
    ) -> Result<ChangeReport, SimError> {
        let idx = self.node_idx(node)?;
        if !self.nodes[idx].runs(service) {
            return Err(SimError::NoSuchService {
                node: node.to_owned(),
                service,
            });
        }
        if self.restart_fails(node, service) {
            return Err(self.fail_start(idx, service, op));
        }
        let kind = match op {
            ServiceOp::Start => EventKind::ServiceStarted,
            _ => EventKind::ServiceRestarted,
        };
        let now = self.clock.tick();
        let mut report = ChangeReport::default();
        let n = &mut self.nodes[idx];
        n.set_service(service, ServiceStatus::Started, now);
        match service {
            Service::Tvs => n.tvs_serving = n.identity(CertUnit::Tvs).cloned(),
            Service::Tomcat => n.tomcat_serving = n.identity(CertUnit::Tomcat).cloned(),
            _ => {}
        }
        report.messages.push(format!("{service}[STARTED]"));
        self.emit(Change::new(kind).node(node).service(service));
        if service == Service::Tftp && self.nodes[idx].itl_stale {
            self.rebuild_itl(idx)?;
            report.rebuilt_itls.push(node.to_owned());
        }
        Ok(report)
    }

    /// Stops a service.
    pub fn stop_service(&mut self, node: &str, service: Service) -> Result<(), SimError> {
        let idx = self.node_idx(node)?;
        if !self.nodes[idx].runs(service) {
            return Err(SimError::NoSuchService {
                node: node.to_owned(),
                service,
            });
        }
        let now = self.clock.tick();
        self.nodes[idx].set_service(service, ServiceStatus::CommandedOutOfService, now);
        self.emit(
            Change::new(EventKind::ServiceStopped)
                .node(node)
                .service(service),
        );
        Ok(())
    }

    /// Starts a stopped service (as a restart when it runs).
    pub fn start_service(
        &mut self,
        node: &str,
        service: Service,
    ) -> Result<ChangeReport, SimError> {
        let running = self
            .node(node)
            .is_some_and(|n| n.service(service) == ServiceStatus::Started);
        let op = if running {
            ServiceOp::Restart
        } else {
            ServiceOp::Start
        };
        self.start_or_restart(node, service, op)
    }

    /// `utils ctl update CTLFile` on the publisher: a new CTL from the current certificates.
    pub fn ctl_update(&mut self) -> Result<ChangeReport, SimError> {
        self.rebuild_mixed_mode_ctl(
            Signer::Normal,
            CtlAction::Update,
            EventKind::CtlUpdated,
            [
                "Updating CTL file",
                "CTL file Updated",
                "Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services",
            ],
        )
    }

    /// `utils itl reset localkey` on the publisher (`trust-and-procedure.md` §5.8, §5.9):
    /// every TFTP node's ITL is rebuilt at once from the node's current certificates (the
    /// records and order of a normal rebuild) and signed with the other SAST key: from 12.0
    /// the node's own current CallManager key, on 11.5 the node's own ITLRecovery key (the one
    /// its ITL carries). SIGNER_INFO names that certificate. The node serves it until its
    /// TFTP service restarts ([`Node::itl_localkey`](crate::model::Node::itl_localkey); the ITL
    /// counts as stale, so the restart rebuilds it with the normal signer even when nothing
    /// else changed); any other rebuild (14+ automatic phone interaction, the rollback
    /// parameter) also signs normally.
    pub fn itl_reset_localkey(&mut self) -> Result<ChangeReport, SimError> {
        let tftp: Vec<usize> = self.tftp_nodes().collect();
        let mut report = ChangeReport {
            messages: vec![
                "Generating the reset ITL file.....".into(),
                "The reset ITL file was generated successfully".into(),
                "Locating active Tftp servers in the cluster.....".into(),
                format!(
                    "Number of Active TFTP servers in the cluster : {}",
                    tftp.len()
                ),
            ],
            ..ChangeReport::default()
        };
        self.emit_on_publisher(EventKind::LocalkeyReset, "ITL");
        for i in tftp {
            self.rebuild_itl_signed(i, Signer::LocalKey)?;
            let name = self.nodes[i].name.clone();
            report
                .messages
                .push(format!("Successfully transferred reset ITL to node {name}"));
            report.rebuilt_itls.push(name);
        }
        Ok(report)
    }

    /// `utils ctl reset localkey` on the publisher (mixed mode only; refused otherwise like
    /// [`Cluster::ctl_update`]): a new CTL from the current certificates (the content of
    /// `ctl_update`), served at once, signed with the publisher's other SAST key: from 12.0
    /// its CallManager key, on 11.5 its ITLRecovery key. The next [`Cluster::ctl_update`]
    /// signs normally again ([`Cluster::ctl_localkey`]).
    pub fn ctl_reset_localkey(&mut self) -> Result<ChangeReport, SimError> {
        self.rebuild_mixed_mode_ctl(
            Signer::LocalKey,
            CtlAction::Reset,
            EventKind::LocalkeyReset,
            [
                "Generating the reset CTL file.....",
                "The reset CTL file was generated successfully",
            ],
        )
    }

    /// Rebuilds the CTL signed by `signer`, records `event` on the publisher and reports
    /// what the command `said`; refused (`action` named) unless the cluster is in mixed mode.
    fn rebuild_mixed_mode_ctl(
        &mut self,
        signer: Signer,
        action: CtlAction,
        event: EventKind,
        said: impl IntoIterator<Item = &'static str>,
    ) -> Result<ChangeReport, SimError> {
        if self.settings.security_mode != ClusterSecurityMode::Mixed {
            return Err(SimError::NoCtl { action });
        }
        self.rebuild_ctl(signer)?;
        self.emit_on_publisher(event, "CTL");
        Ok(ChangeReport::said(said))
    }

    /// `utils ctl set-cluster mixed-mode`: switches to mixed mode and builds the first CTL.
    /// ITLs become stale (their TFTP record's role changes).
    pub fn set_mixed_mode(&mut self) -> Result<ChangeReport, SimError> {
        if self.settings.security_mode == ClusterSecurityMode::Mixed {
            return Err(SimError::AlreadyMixed);
        }
        self.settings.security_mode = ClusterSecurityMode::Mixed;
        let now = self.clock.tick();
        self.nodes[0].set_service(Service::CtlProvider, ServiceStatus::Started, now);
        for n in &mut self.nodes {
            if n.runs(Service::Tftp) {
                n.itl_stale = true;
            }
        }
        self.rebuild_ctl(Signer::Normal)?;
        Ok(ChangeReport::said(["Cluster set to Mixed Mode"]))
    }

    fn select(&self, selector: &PhoneSelector) -> Result<Vec<usize>, SimError> {
        Ok(match selector {
            PhoneSelector::All => (0..self.phones.len()).collect(),
            PhoneSelector::DevicePool(name) => {
                let pool = self
                    .device_pools
                    .iter()
                    .position(|p| &p.name == name)
                    .ok_or_else(|| SimError::UnknownDevicePool(name.clone()))?;
                (0..self.phones.len())
                    .filter(|&i| self.phones[i].device_pool == pool)
                    .collect()
            }
            PhoneSelector::Names(names) => names
                .iter()
                .map(|n| {
                    self.phone_index(n)
                        .ok_or_else(|| SimError::UnknownPhone(n.clone()))
                })
                .collect::<Result<_, _>>()?,
        })
    }

    /// Resets or restarts phones: each powered phone downloads CTL then ITL from its TFTP
    /// node and the trust oracle decides what it installs.
    pub fn reset_phones(
        &mut self,
        selector: &PhoneSelector,
        kind: ResetKind,
    ) -> Result<ResetReport, SimError> {
        let indices = self.select(selector)?;
        Ok(self.reset_indices(&indices, kind))
    }

    /// Powers phones off (unregistered, no web server, misses downloads) or on (boots: a
    /// download). Returns the boot report when powering on.
    pub fn power(&mut self, selector: &PhoneSelector, on: bool) -> Result<ResetReport, SimError> {
        let indices = self.select(selector)?;
        let now = self.clock.tick();
        if on {
            let off: Vec<usize> = indices
                .into_iter()
                .filter(|&i| !self.phones[i].powered)
                .collect();
            for &i in &off {
                self.phones[i].powered = true;
            }
            return Ok(self.reset_indices(&off, ResetKind::Boot));
        }
        for &i in &indices {
            let p = &mut self.phones[i];
            if p.powered {
                p.powered = false;
                p.registered = false;
                p.status_reason = 34;
                p.state_changed = now;
            }
        }
        Ok(ResetReport {
            selected: indices.len(),
            ..ResetReport::default()
        })
    }

    /// Sets an enterprise parameter. `RollBackToPreGrayback` rebuilds every ITL at once.
    pub fn set_parameter(&mut self, parameter: Parameter) -> Result<ChangeReport, SimError> {
        self.clock.tick();
        let mut report = ChangeReport::default();
        match parameter {
            Parameter::RollbackToPreGrayback(on) => {
                if self.settings.rollback != on {
                    self.settings.rollback = on;
                    for i in self.tftp_nodes().collect::<Vec<_>>() {
                        self.nodes[i].itl_stale = true;
                        self.rebuild_itl(i)?;
                        report.rebuilt_itls.push(self.nodes[i].name.clone());
                    }
                }
                report.messages.push(format!(
                    "RollBackToPreGrayback = {}",
                    if on { "T" } else { "F" }
                ));
            }
            Parameter::PhoneInteraction(mode) => {
                self.settings.phone_interaction = mode;
                report.messages.push(format!(
                    "Phone Interaction on Certificate Update = {mode:?}"
                ));
            }
            Parameter::DeviceQueriesPerMinute(n) => {
                if !(1..=18).contains(&n) {
                    return Err(SimError::ParameterOutOfRange {
                        parameter: "Allowed Device Queries Per Minute",
                        value: n,
                        min: 1,
                        max: 18,
                    });
                }
                self.settings.device_queries_per_minute = n;
                report
                    .messages
                    .push(format!("Allowed Device Queries Per Minute = {n}"));
            }
        }
        Ok(report)
    }

    /// Deletes one certificate from a trust store of one node. `id` is the certificate's
    /// file name as `show cert list trust` prints it ([`TrustEntry::file_name`](crate::model::TrustEntry::file_name),
    /// case-insensitive), its SHA-256 (hex, colons allowed) or its serial number (hex).
    pub fn delete_trust_certificate(
        &mut self,
        node: &str,
        store: TrustStore,
        id: &str,
    ) -> Result<ChangeReport, SimError> {
        let idx = self.node_idx(node)?;
        let wanted: String = id
            .chars()
            .filter(|c| *c != ':')
            .collect::<String>()
            .to_ascii_lowercase();
        let entries = self.nodes[idx].trust.entry(store).or_default();
        let position = entries.iter().position(|e| {
            e.file_name().eq_ignore_ascii_case(id.trim())
                || hex::encode(e.identity.sha256()) == wanted
                || e.identity.certificate().serial_hex().to_ascii_lowercase() == wanted
        });
        let Some(position) = position else {
            return Err(SimError::NoSuchTrustCertificate {
                node: node.to_owned(),
                store,
                id: id.to_owned(),
            });
        };
        let removed = entries.remove(position);
        let file = removed.file_name();
        self.clock.tick();
        let mut change = Change::new(EventKind::TrustCertDeleted)
            .node(node)
            .detail(format!("{store}/{file}"));
        if let Some(unit) = store.unit() {
            change = change.unit(unit);
        }
        self.emit(change);
        Ok(ChangeReport::said([format!(
            "Deleted {} from {store} on {node}",
            removed.identity.certificate().subject_cucm()
        )]))
    }
}
