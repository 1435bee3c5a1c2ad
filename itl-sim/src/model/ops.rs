//! What the model keeps about operations that leave a record or take time: the change log
//! (written as `--events`), registrations still to come after a reset (with a time scale),
//! DRS backups, pending CAPF operations, and the faults that act on operations
//! (`restart-fails`, `phones-stay-down`).
//!
//! | operation | model call | effect |
//! |---|---|---|
//! | Control Center / `utils service` stop, start, restart with a time scale | [`Cluster::begin_service_op`], [`Cluster::service_starting`], [`Cluster::finish_service_op`] | `Stopping` → `Starting` → the end state; [`Cluster::finish_service_op`] alone is the instant operation |
//! | `utils ipsec restart` | [`Cluster::ipsec_restart`] | a `service-restarted` event (detail `IPsec`) |
//! | `utils disaster_recovery backup network …` | [`Cluster::start_backup`], [`Cluster::finish_backup`] | a `SUCCESS` row in the history |
//! | AXL `updatePhone` with `certificateOperation` `Install/Upgrade` (inferred) | [`Cluster::request_capf_operation`] | at the phone's next reset, CAPF (running on the publisher) issues an LSC from its current certificate |
//! | re-registration after a reset, with a time scale | [`Cluster::take_pending_registrations`], [`Cluster::complete_registrations`] | the phone registers with a newer RisPort timestamp |
//! | clearing a fault (a test's "the fault is fixed") | [`Cluster::clear_fault`] | `tftp-down`, `risport-throttle`, `restart-fails`, `phones-stay-down` stop acting |

use std::collections::BTreeSet;

use itl_core::UnixTime;
use itl_core::cucm::{CertUnit, Service, ServiceStatus};

use crate::error::SimError;
use crate::events::{Change, EventKind};
use crate::faults::{FaultKind, NodeTarget};
use crate::model::{ChangeReport, Cluster, ResetKind};
use crate::phone::Lsc;

/// A Control Center control type or `utils service` verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceOp {
    /// Stop then start.
    Restart,
    /// Start a stopped service.
    Start,
    /// Stop.
    Stop,
}

/// A phone that registers again once its delay has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingRegistration {
    /// Phone index.
    pub phone: usize,
    /// The reset that unregistered it.
    pub kind: ResetKind,
    /// Model time of that reset (a later reset supersedes this registration).
    pub reset_at: u64,
}

/// One DRS backup the simulator ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRecord {
    /// Tar file name (`2025-06-01-12-00-05.tar`).
    pub tar: String,
    /// Model time it started.
    pub started: u64,
    /// Model time it completed, once done.
    pub completed: Option<u64>,
    /// Features backed up.
    pub features: Vec<String>,
    /// SFTP server.
    pub server: String,
    /// Directory on the server.
    pub path: String,
}

/// Operation state of a cluster.
#[derive(Clone, Debug, Default)]
pub struct Operations {
    record: bool,
    changes: Vec<Change>,
    delay_registration: bool,
    pending_registrations: Vec<PendingRegistration>,
    backups: Vec<BackupRecord>,
    restart_fails: Vec<(Service, NodeTarget)>,
    capf_pending: BTreeSet<usize>,
}

impl Operations {
    /// The operation state of a new cluster with these `restart-fails` pairs.
    pub(crate) fn new(restart_fails: Vec<(Service, NodeTarget)>) -> Self {
        Self {
            restart_fails,
            ..Self::default()
        }
    }
}

impl Cluster {
    /// Starts (or stops) keeping a log of the changes applied, for [`Cluster::take_changes`].
    pub fn record_changes(&mut self, on: bool) {
        self.ops.record = on;
        if !on {
            self.ops.changes.clear();
        }
    }

    /// Logs a change (when recording).
    pub(crate) fn emit(&mut self, change: Change) {
        if self.ops.record {
            self.ops.changes.push(change);
        }
    }

    /// Logs a change of the publisher's trust lists (`detail`: `ITL` or `CTL`).
    pub(crate) fn emit_on_publisher(&mut self, kind: EventKind, detail: &str) {
        let publisher = self.publisher().name.clone();
        self.emit(Change::new(kind).node(publisher).detail(detail));
    }

    /// The changes applied since the last call, in order.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.ops.changes)
    }

    /// With `on`, a phone that a reset leaves registered is first unregistered and waits
    /// for [`Cluster::complete_registrations`] (the server schedules it on the time scale).
    pub fn delay_registrations(&mut self, on: bool) {
        self.ops.delay_registration = on;
    }

    pub(crate) fn registrations_delayed(&self) -> bool {
        self.ops.delay_registration
    }

    pub(crate) fn push_pending_registration(&mut self, pending: PendingRegistration) {
        self.ops.pending_registrations.push(pending);
    }

    /// Registrations waiting to be scheduled, in reset order.
    pub fn take_pending_registrations(&mut self) -> Vec<PendingRegistration> {
        std::mem::take(&mut self.ops.pending_registrations)
    }

    /// Registers the phones of `pending` whose reset was not superseded (and that are still
    /// on and unregistered), each with a RisPort timestamp newer than its reset. Returns how
    /// many registered.
    pub fn complete_registrations(&mut self, pending: &[PendingRegistration]) -> usize {
        let now = self.clock.tick();
        let mut done = 0;
        for p in pending {
            let Some(phone) = self.phones.get_mut(p.phone) else {
                continue;
            };
            if phone.last_reset != p.reset_at || phone.registered || !phone.powered {
                continue;
            }
            phone.registered = true;
            phone.status_reason = 0;
            phone.state_changed = now.max(p.reset_at + 1);
            done += 1;
        }
        done
    }

    /// Whether the `restart-fails` fault covers `service` on `node`.
    pub fn restart_fails(&self, node: &str, service: Service) -> bool {
        self.ops
            .restart_fails
            .iter()
            .any(|(s, n)| *s == service && n.matches(node))
    }

    /// Stops a fault from acting from now on: `tftp-down` and `risport-throttle` (every
    /// node), `restart-fails` (every pair), `phones-stay-down` (the phones register at their
    /// next reset). Returns whether anything was cleared; other kinds are fixed at build and
    /// are not cleared.
    pub fn clear_fault(&mut self, kind: FaultKind) -> bool {
        let mut cleared = false;
        match kind {
            FaultKind::TftpDown => {
                for n in &mut self.nodes {
                    cleared |= std::mem::take(&mut n.faults.tftp_down);
                }
            }
            FaultKind::RisportThrottle => {
                for n in &mut self.nodes {
                    cleared |= std::mem::take(&mut n.faults.risport_throttle);
                }
            }
            FaultKind::RestartFails => {
                cleared = !self.ops.restart_fails.is_empty();
                self.ops.restart_fails.clear();
            }
            FaultKind::PhonesStayDown => {
                for p in &mut self.phones {
                    if p.fault.is_some_and(|f| f.kind == FaultKind::PhonesStayDown) {
                        p.fault = None;
                        cleared = true;
                    }
                }
            }
            _ => {}
        }
        cleared
    }

    fn service_node(&self, node: &str, service: Service) -> Result<usize, SimError> {
        let idx = self
            .node_index(node)
            .ok_or_else(|| SimError::UnknownNode(node.to_owned()))?;
        if !self.nodes[idx].runs(service) {
            return Err(SimError::NoSuchService {
                node: node.to_owned(),
                service,
            });
        }
        Ok(idx)
    }

    /// Begins a timed service operation: `Stopping` (restart, stop) or `Starting` (start).
    pub fn begin_service_op(
        &mut self,
        node: &str,
        service: Service,
        op: ServiceOp,
    ) -> Result<(), SimError> {
        let idx = self.service_node(node, service)?;
        let status = match op {
            ServiceOp::Restart | ServiceOp::Stop => ServiceStatus::Stopping,
            ServiceOp::Start => ServiceStatus::Starting,
        };
        let now = self.clock.now();
        self.nodes[idx].set_service(service, status, now);
        Ok(())
    }

    /// The second phase of a timed restart: `Starting`.
    pub fn service_starting(&mut self, node: &str, service: Service) -> Result<(), SimError> {
        let idx = self.service_node(node, service)?;
        let now = self.clock.now();
        self.nodes[idx].set_service(service, ServiceStatus::Starting, now);
        Ok(())
    }

    /// Ends a service operation (or performs it at once): [`Cluster::restart_service`],
    /// [`Cluster::start_service`] or [`Cluster::stop_service`].
    pub fn finish_service_op(
        &mut self,
        node: &str,
        service: Service,
        op: ServiceOp,
    ) -> Result<ChangeReport, SimError> {
        match op {
            ServiceOp::Restart => self.restart_service(node, service),
            ServiceOp::Start => self.start_service(node, service),
            ServiceOp::Stop => self
                .stop_service(node, service)
                .map(|()| ChangeReport::said([format!("{service}[STOPPED]")])),
        }
    }

    /// The `restart-fails` end of a restart or start: the service is `Stopped`.
    pub(crate) fn fail_start(&mut self, idx: usize, service: Service, op: ServiceOp) -> SimError {
        let now = self.clock.tick();
        let node = self.nodes[idx].name.clone();
        self.nodes[idx].set_service(service, ServiceStatus::Stopped, now);
        let detail = match op {
            ServiceOp::Start => "start failed",
            _ => "restart failed",
        };
        self.emit(
            Change::new(EventKind::ServiceStopped)
                .node(node.clone())
                .service(service)
                .detail(detail),
        );
        SimError::RestartFailed { node, service }
    }

    /// `utils ipsec restart` on `node` (12+/14+ after an ipsec regeneration).
    pub fn ipsec_restart(&mut self, node: &str) -> Result<ChangeReport, SimError> {
        if self.node_index(node).is_none() {
            return Err(SimError::UnknownNode(node.to_owned()));
        }
        self.clock.tick();
        self.emit(
            Change::new(EventKind::ServiceRestarted)
                .node(node)
                .detail("IPsec"),
        );
        Ok(ChangeReport::said(["Successfully Restarted IPsec Service"]))
    }

    /// Starts a DRS backup on `node` (the publisher); the tar name. One runs at a time.
    pub fn start_backup(
        &mut self,
        node: &str,
        features: Vec<String>,
        server: &str,
        path: &str,
    ) -> Result<String, SimError> {
        let idx = self
            .node_index(node)
            .ok_or_else(|| SimError::UnknownNode(node.to_owned()))?;
        if !self.nodes[idx].publisher {
            return Err(SimError::NotPublisher {
                node: node.to_owned(),
            });
        }
        if self.backup_running().is_some() {
            return Err(SimError::BackupInProgress);
        }
        let started = self.clock.tick();
        let stamp = UnixTime::from_secs_u64(started).to_rfc3339();
        let tar = format!(
            "{}.tar",
            stamp.trim_end_matches('Z').replace(['T', ':'], "-")
        );
        self.ops.backups.push(BackupRecord {
            tar: tar.clone(),
            started,
            completed: None,
            features,
            server: server.to_owned(),
            path: path.to_owned(),
        });
        Ok(tar)
    }

    /// Completes the running backup (a `SUCCESS` row); `None` when none runs.
    pub fn finish_backup(&mut self) -> Option<String> {
        let now = self.clock.tick();
        let publisher = self.nodes.first().map(|n| n.name.clone());
        let record = self
            .ops
            .backups
            .iter_mut()
            .find(|b| b.completed.is_none())?;
        record.completed = Some(now.max(record.started + 1));
        let tar = record.tar.clone();
        let mut change = Change::new(EventKind::BackupTaken).detail(tar.clone());
        if let Some(p) = publisher {
            change = change.node(p);
        }
        self.emit(change);
        Some(tar)
    }

    /// The backup running now, if any.
    pub fn backup_running(&self) -> Option<&BackupRecord> {
        self.ops.backups.iter().find(|b| b.completed.is_none())
    }

    /// The backups the simulator ran, oldest first (completed or not).
    pub fn backups(&self) -> &[BackupRecord] {
        &self.ops.backups
    }

    /// AXL `updatePhone` with `certificateOperation` `Install/Upgrade` (inferred): the
    /// operation is pending until the phone's next reset.
    pub fn request_capf_operation(&mut self, phone: usize) -> Result<(), SimError> {
        if phone >= self.phones.len() {
            return Err(SimError::UnknownPhone(format!("#{phone}")));
        }
        self.ops.capf_pending.insert(phone);
        Ok(())
    }

    /// Cancels a pending CAPF operation (`No Pending Operation`).
    pub fn cancel_capf_operation(&mut self, phone: usize) {
        self.ops.capf_pending.remove(&phone);
    }

    /// Whether a CAPF operation waits for the phone's next reset.
    pub fn capf_pending(&self, phone: usize) -> bool {
        self.ops.capf_pending.contains(&phone)
    }

    /// At a phone's reset: issues its pending LSC from the publisher's current CAPF
    /// certificate, when CAPF runs there.
    pub(crate) fn issue_pending_lsc(&mut self, phone: usize, now: u64) {
        if !self.ops.capf_pending.contains(&phone) {
            return;
        }
        let Some(publisher) = self.nodes.first() else {
            return;
        };
        if !publisher.started(Service::Capf) {
            return;
        }
        let Some(capf) = publisher.identity(CertUnit::Capf).cloned() else {
            return;
        };
        let publisher = publisher.name.clone();
        let Some(p) = self.phones.get_mut(phone) else {
            return;
        };
        p.lsc = Some(Lsc {
            issuer: capf.certificate().subject_cucm(),
            issuer_sha256: hex::encode(capf.sha256()),
            issuer_generation: capf.generation,
            issued_at: now,
        });
        let name = p.name.clone();
        self.ops.capf_pending.remove(&phone);
        self.emit(
            Change::new(EventKind::LscIssued)
                .node(publisher)
                .unit(CertUnit::Capf)
                .detail(name),
        );
    }
}
