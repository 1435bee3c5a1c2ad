//! Model time. Files, certificates and status messages carry model time, never the wall clock
//! directly, so that one seed gives one cluster.

use std::time::{SystemTime, UNIX_EPOCH};

/// Model time at which a simulated cluster starts: 2025-06-01T12:00:00Z.
pub const EPOCH: u64 = 1_748_779_200;

/// How model time advances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ClockMode {
    /// One second per event, from [`EPOCH`]: fully reproducible.
    Logical,
    /// The wall clock (never earlier than [`EPOCH`] or than the last event): for interactive
    /// serving, so status messages carry today's date.
    Wall,
}

/// The model clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    mode: ClockMode,
    now: u64,
}

impl Clock {
    /// A clock at [`EPOCH`].
    pub fn new(mode: ClockMode) -> Self {
        Self { mode, now: EPOCH }
    }

    /// The current model time without advancing.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The mode.
    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Advances for a new event and returns its time (logical: +1 s; wall: now, never
    /// earlier than the last event).
    pub fn tick(&mut self) -> u64 {
        self.now = match self.mode {
            ClockMode::Logical => self.now + 1,
            ClockMode::Wall => {
                let wall = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                wall.max(self.now)
            }
        };
        self.now
    }

    /// Switches the mode (time never goes back).
    pub fn set_mode(&mut self, mode: ClockMode) {
        self.mode = mode;
    }
}
