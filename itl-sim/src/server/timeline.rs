//! The server side of simulated time ([`crate::timing`]) and of the change log
//! ([`crate::events`]): timed service operations, delayed re-registrations and DRS backups run
//! as tokio tasks that sleep the scaled duration and then change the model through
//! [`SimHandle::write`]; every write hands the model's new changes to the events file in the
//! order they were applied.
//!
//! A timed service operation carries a token per (node, service): a newer operation on the
//! same service supersedes an older one, whose task then ends without touching the model.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use itl_core::cucm::{Service, ServiceStatus};
use tokio::sync::watch;

use crate::error::SimError;
use crate::events::EventLog;
use crate::model::{PendingRegistration, ServiceOp};
use crate::server::SimHandle;
use crate::timing::{self, TimeScale};

/// Where a service operation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceProgress {
    /// Stopping (a restart's or a stop's first phase).
    Stopping,
    /// Starting (a restart's second phase, or a start).
    Starting,
    /// Ended in this state: `Started`, `Commanded Out of Service` (a stop) or `Stopped` (the
    /// restart or start failed).
    Ended(ServiceStatus),
    /// A newer operation on the same service took over.
    Superseded,
}

/// Time scale, events file and the tokens of running service operations.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
    pub(crate) scale: TimeScale,
    pub(crate) events: Option<EventLog>,
    tokens: Mutex<HashMap<(usize, Service), u64>>,
}

impl Timeline {
    pub(crate) fn new(scale: TimeScale, events: Option<EventLog>) -> Self {
        Self {
            scale,
            events,
            tokens: Mutex::default(),
        }
    }

    fn next_token(&self, node: usize, service: Service) -> u64 {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let t = tokens.entry((node, service)).or_insert(0);
        *t += 1;
        *t
    }

    fn is_current(&self, node: usize, service: Service, token: u64) -> bool {
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.get(&(node, service)) == Some(&token)
    }
}

/// How long re-registrations due close together wait for each other (one model write each).
const REGISTRATION_BATCH: Duration = Duration::from_millis(25);

impl SimHandle {
    /// The time scale the servers run at.
    pub fn time_scale(&self) -> TimeScale {
        self.shared.timeline.scale
    }

    /// Stops, starts or restarts a service (Control Center and `utils service`). At time scale
    /// 0 the operation is done when this returns; otherwise it goes through `Stopping` and
    /// `Starting` for the scaled durations of [`timing::service_phases`] in a background task.
    /// The receiver follows it. A service that is not activated (or an unknown node) is an
    /// error at once.
    pub fn service_op(
        &self,
        node: &str,
        service: Service,
        op: ServiceOp,
    ) -> Result<watch::Receiver<ServiceProgress>, SimError> {
        let scale = self.time_scale();
        let runtime = tokio::runtime::Handle::try_current().ok();
        let Some(runtime) = runtime.filter(|_| !scale.is_instant()) else {
            let ended = self.finish_op(node, service, op)?;
            let (_tx, rx) = watch::channel(ServiceProgress::Ended(ended));
            return Ok(rx);
        };
        self.write(|c| c.begin_service_op(node, service, op))?;
        let index = self
            .read(|c| c.node_index(node))
            .ok_or_else(|| SimError::UnknownNode(node.to_owned()))?;
        let token = self.shared.timeline.next_token(index, service);
        let first = match op {
            ServiceOp::Start => ServiceProgress::Starting,
            _ => ServiceProgress::Stopping,
        };
        let (tx, rx) = watch::channel(first);
        let handle = self.clone();
        let node = node.to_owned();
        runtime.spawn(async move {
            let (stopping, starting) = timing::service_phases(service);
            let current = |h: &SimHandle| h.shared.timeline.is_current(index, service, token);
            if op != ServiceOp::Start {
                tokio::time::sleep(scale.of(stopping)).await;
                if !current(&handle) {
                    let _ = tx.send(ServiceProgress::Superseded);
                    return;
                }
            }
            if op != ServiceOp::Stop {
                if op == ServiceOp::Restart {
                    let _ = handle.write(|c| c.service_starting(&node, service));
                    let _ = tx.send(ServiceProgress::Starting);
                }
                tokio::time::sleep(scale.of(starting)).await;
                if !current(&handle) {
                    let _ = tx.send(ServiceProgress::Superseded);
                    return;
                }
            }
            let ended = handle
                .finish_op(&node, service, op)
                .unwrap_or(ServiceStatus::Unknown);
            let _ = tx.send(ServiceProgress::Ended(ended));
        });
        Ok(rx)
    }

    /// Ends an operation now; the service's state afterwards (`Stopped` when it failed).
    fn finish_op(
        &self,
        node: &str,
        service: Service,
        op: ServiceOp,
    ) -> Result<ServiceStatus, SimError> {
        match self.write(|c| c.finish_service_op(node, service, op)) {
            Ok(_) | Err(SimError::RestartFailed { .. }) => Ok(self.read(|c| {
                c.node(node)
                    .map_or(ServiceStatus::Unknown, |n| n.service(service))
            })),
            Err(e) => Err(e),
        }
    }

    /// Waits the scaled `nominal` duration (nothing at scale 0).
    pub async fn pause(&self, nominal: Duration) {
        let d = self.time_scale().of(nominal);
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }

    /// `utils disaster_recovery backup network …` on `node`: starts the backup and completes
    /// it after the scaled [`timing::DRS_BACKUP`] (at once at scale 0). The tar name.
    pub fn backup(
        &self,
        node: &str,
        features: Vec<String>,
        server: &str,
        path: &str,
    ) -> Result<String, SimError> {
        let tar = self.write(|c| c.start_backup(node, features, server, path))?;
        let runtime = tokio::runtime::Handle::try_current().ok();
        match runtime.filter(|_| !self.time_scale().is_instant()) {
            None => {
                self.write(|c| c.finish_backup());
            }
            Some(runtime) => {
                let handle = self.clone();
                runtime.spawn(async move {
                    handle.pause(timing::DRS_BACKUP).await;
                    handle.write(|c| c.finish_backup());
                });
            }
        }
        Ok(tar)
    }

    /// Registers `pending` phones again after their scaled delays.
    pub(crate) fn schedule_registrations(&self, pending: Vec<PendingRegistration>) {
        let scale = self.time_scale();
        let runtime = tokio::runtime::Handle::try_current().ok();
        let Some(runtime) = runtime.filter(|_| !scale.is_instant()) else {
            self.write(|c| c.complete_registrations(&pending));
            return;
        };
        let mut due: Vec<(Duration, PendingRegistration)> = self.read(|c| {
            pending
                .iter()
                .map(|p| {
                    let name = c.phones().get(p.phone).map_or("", |ph| ph.name.as_str());
                    (scale.of(timing::reregistration(p.kind, name)), *p)
                })
                .collect()
        });
        due.sort_by_key(|(d, _)| *d);
        let handle = self.clone();
        runtime.spawn(async move {
            let start = tokio::time::Instant::now();
            let mut i = 0;
            while let Some(&(at, _)) = due.get(i) {
                tokio::time::sleep_until(start + at).await;
                let end = due[i..]
                    .iter()
                    .position(|(d, _)| *d > at + REGISTRATION_BATCH)
                    .map_or(due.len(), |n| i + n);
                let batch: Vec<PendingRegistration> = due[i..end].iter().map(|(_, p)| *p).collect();
                handle.write(|c| c.complete_registrations(&batch));
                i = end;
            }
        });
    }
}
