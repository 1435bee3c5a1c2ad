//! The RisPort70 pacer: drives the pure [`RisBudget`] with tokio time so a client stays within
//! the cluster-wide *Allowed Device Queries Per Minute* (a budget shared with every other RIS
//! client, cucm-interfaces.md §2): one request in flight, requests back to back while the
//! rolling minute has room, then a wait until the oldest leaves it; on the rate fault, a
//! back-off of 30 s doubling.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use itl_wire::soap::SoapError;
use itl_wire::soap::risport::{
    CmDevice, DEFAULT_PER_MINUTE, MAX_DEVICES, SelectCmDeviceRequest, SelectCmDeviceResult,
};
use tokio::time::Instant;

use super::FaultKind;
use super::budget::{Admit, MINUTE, RisBudget};

/// Settings of [`RisPacer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacerConfig {
    /// Requests allowed per rolling minute (sent back to back while the minute has room).
    pub per_minute: u32,
    /// Names per request (≤ [`MAX_DEVICES`](itl_wire::soap::risport::MAX_DEVICES)).
    pub chunk_size: usize,
    /// First wait after a rate fault.
    pub initial_backoff: Duration,
    /// Longest wait after repeated rate faults (the wait doubles up to this).
    pub max_backoff: Duration,
    /// Rate faults tolerated for one request before giving up.
    pub max_retries: u32,
    /// The length of the rolling "minute" (60 s; shorter only in tests against a simulator
    /// whose window is shortened too).
    pub window: Duration,
}

impl Default for PacerConfig {
    /// 15 per minute, 1000 names per request, back off 30 s doubling to 240 s, 6 retries.
    fn default() -> Self {
        Self {
            per_minute: DEFAULT_PER_MINUTE,
            chunk_size: MAX_DEVICES,
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(240),
            max_retries: 6,
            window: MINUTE,
        }
    }
}

/// Keeps requests within [`PacerConfig::per_minute`] per rolling minute, one at a time, and
/// delays after a rate fault. Uses tokio time, so tests can run it with paused time.
#[derive(Debug, Clone)]
pub struct RisPacer {
    config: PacerConfig,
    budget: RisBudget,
}

impl RisPacer {
    /// A pacer; `per_minute` 0 is taken as 1 and `chunk_size` is clamped to 1..=1000.
    pub fn new(mut config: PacerConfig) -> Self {
        config.per_minute = config.per_minute.max(1);
        config.chunk_size = config.chunk_size.clamp(1, MAX_DEVICES);
        let budget = RisBudget::new(config.per_minute, config.window);
        Self { config, budget }
    }

    /// The settings in use.
    pub fn config(&self) -> &PacerConfig {
        &self.config
    }

    /// The budget's state.
    pub fn budget(&self) -> &RisBudget {
        &self.budget
    }

    /// Waits until the budget admits a request and claims it; [`Self::finish`] must follow.
    async fn acquire(&mut self) {
        loop {
            let now = Instant::now();
            match self.budget.admit(now.into_std()) {
                Admit::Now => {
                    if self.budget.start(now.into_std()).is_ok() {
                        return;
                    }
                }
                Admit::At(at) => tokio::time::sleep_until(Instant::from_std(at)).await,
                // Only `run` starts requests and it finishes each before the next; a
                // request left in flight by a cancelled caller is finished here.
                Admit::Busy => {
                    let _ = self.budget.finish(now.into_std());
                }
            }
        }
    }

    fn finish(&mut self) {
        let _ = self.budget.finish(Instant::now().into_std());
    }

    /// The wait after the `attempt`-th consecutive rate fault (1-based): initial × 2^(n−1),
    /// capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1).min(16))
            .unwrap_or(u32::MAX);
        self.config
            .initial_backoff
            .saturating_mul(factor)
            .min(self.config.max_backoff)
    }

    /// Records a rate fault: no request before `now + backoff(attempt)`.
    pub fn penalise(&mut self, attempt: u32) {
        let until = Instant::now() + self.backoff(attempt);
        self.budget.hold(until.into_std());
    }

    /// Runs one request through the pacer: waits for the budget, calls `exec`, and on a rate
    /// fault backs off and retries up to `max_retries` times.
    pub async fn run<T, E, F, Fut>(&mut self, mut exec: F) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: FaultKind,
    {
        let mut attempt = 0u32;
        loop {
            self.acquire().await;
            let answer = exec().await;
            self.finish();
            match answer {
                Err(e)
                    if e.soap_error().is_some_and(SoapError::is_rate_limited)
                        && attempt < self.config.max_retries =>
                {
                    attempt += 1;
                    tracing::warn!(attempt, "RisPort rate limit hit; backing off");
                    self.penalise(attempt);
                }
                other => return other,
            }
        }
    }

    /// Selects `names` in chunks of `chunk_size` (one paced request each, `selectCmDeviceExt`
    /// by name with the default criteria) and returns the devices ([`latest_devices`] per
    /// chunk). Order: first appearance.
    pub async fn select_all<E, F, Fut>(
        &mut self,
        names: &[String],
        mut exec: F,
    ) -> Result<Vec<CmDevice>, E>
    where
        F: FnMut(SelectCmDeviceRequest) -> Fut,
        Fut: Future<Output = Result<SelectCmDeviceResult, E>>,
        E: FaultKind,
    {
        let mut devices: Vec<CmDevice> = Vec::new();
        let chunk_size = self.config.chunk_size;
        for chunk in names.chunks(chunk_size) {
            let request = SelectCmDeviceRequest::by_names(chunk.iter().cloned());
            let result = self.run(|| exec(request.clone())).await?;
            devices.extend(latest_devices(result));
        }
        Ok(devices)
    }
}

/// The devices of one answer, once each: a device reported by more than one node keeps the
/// entry with the latest `TimeStamp`. Order: first appearance.
pub fn latest_devices(result: SelectCmDeviceResult) -> Vec<CmDevice> {
    let mut devices: Vec<CmDevice> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for node in result.nodes {
        for d in node.devices {
            match index.get(&d.name).and_then(|&i| devices.get_mut(i)) {
                Some(kept) => {
                    if d.time_stamp.unwrap_or(0) > kept.time_stamp.unwrap_or(0) {
                        *kept = d;
                    }
                }
                None => {
                    index.insert(d.name.clone(), devices.len());
                    devices.push(d);
                }
            }
        }
    }
    devices
}
