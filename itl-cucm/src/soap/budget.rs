//! The RisPort70 request budget as a pure state machine: no I/O, no clock (every call is given
//! `now`), so the rules below are unit-tested with a fake clock and driven by
//! [`super::pacer::RisPacer`].
//!
//! CUCM counts RisPort70 requests cluster-wide per rolling minute (*Allowed Device Queries Per
//! Minute*, default 15, cucm-interfaces.md §2). The budget:
//!
//! | situation | [`RisBudget::admit`] |
//! |---|---|
//! | a request is in flight | [`Admit::Busy`]: one request at a time |
//! | held after a rate fault, hold not over | [`Admit::At`] the end of the hold |
//! | fewer than `per_minute` answers within the last window | [`Admit::Now`]: back to back |
//! | `per_minute` answers within the last window | [`Admit::At`] the moment the oldest leaves it |
//!
//! A request is counted from the moment its answer arrived (or it failed): the server counted
//! it when it arrived, which is no later, so the client's window always ends after the
//! server's and the client never sends a request the server would count over the limit.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The length of CUCM's rolling window.
pub const MINUTE: Duration = Duration::from_secs(60);

/// What [`RisBudget::admit`] allows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Send now.
    Now,
    /// Not before this instant.
    At(Instant),
    /// A request is in flight; wait for its answer.
    Busy,
}

/// Why [`RisBudget::start`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// A request is already in flight.
    #[error("a RisPort request is already in flight")]
    Busy,
    /// The budget allows the next request only at this instant.
    #[error("the RisPort budget allows the next request only later")]
    NotYet(Instant),
    /// No request is in flight to finish.
    #[error("no RisPort request is in flight")]
    Idle,
}

/// At most `per_minute` requests per rolling window, one in flight (see the module
/// documentation).
#[derive(Debug, Clone)]
pub struct RisBudget {
    per_minute: u32,
    window: Duration,
    /// When the answers of the requests still in the window arrived, oldest first.
    answered: VecDeque<Instant>,
    in_flight: bool,
    hold_until: Option<Instant>,
}

impl RisBudget {
    /// A budget of `per_minute` requests (0 is taken as 1) per rolling `window` (at least
    /// 1 ms; [`MINUTE`] for CUCM).
    pub fn new(per_minute: u32, window: Duration) -> Self {
        Self {
            per_minute: per_minute.max(1),
            window: window.max(Duration::from_millis(1)),
            answered: VecDeque::new(),
            in_flight: false,
            hold_until: None,
        }
    }

    /// Requests allowed per window.
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Whether a request is in flight.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Requests counted within the window that ends at `now`.
    pub fn in_window(&self, now: Instant) -> usize {
        self.answered
            .iter()
            .filter(|at| now.saturating_duration_since(**at) < self.window)
            .count()
    }

    /// Whether a request may be sent at `now`, and if not, until when to wait.
    pub fn admit(&self, now: Instant) -> Admit {
        if self.in_flight {
            return Admit::Busy;
        }
        let mut earliest = now;
        if let Some(hold) = self.hold_until
            && hold > earliest
        {
            earliest = hold;
        }
        // The answers still in the window at `earliest`, oldest first.
        let live: Vec<Instant> = self
            .answered
            .iter()
            .copied()
            .filter(|at| earliest.saturating_duration_since(*at) < self.window)
            .collect();
        let allowed = self.per_minute as usize;
        if live.len() >= allowed {
            // Wait until enough of the oldest have left: then `allowed - 1` remain.
            let leaving = live.len() - allowed;
            if let Some(at) = live.get(leaving) {
                earliest = earliest.max(*at + self.window);
            }
        }
        if earliest <= now {
            Admit::Now
        } else {
            Admit::At(earliest)
        }
    }

    /// Claims the budget for one request sent at `now`.
    pub fn start(&mut self, now: Instant) -> Result<(), BudgetError> {
        match self.admit(now) {
            Admit::Now => {
                self.in_flight = true;
                Ok(())
            }
            Admit::Busy => Err(BudgetError::Busy),
            Admit::At(at) => Err(BudgetError::NotYet(at)),
        }
    }

    /// The request in flight was answered (or failed) at `now`; it counts in the window from
    /// `now`.
    pub fn finish(&mut self, now: Instant) -> Result<(), BudgetError> {
        if !self.in_flight {
            return Err(BudgetError::Idle);
        }
        self.in_flight = false;
        while self
            .answered
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= self.window)
        {
            self.answered.pop_front();
        }
        self.answered.push_back(now);
        Ok(())
    }

    /// The server answered with its rate fault (the budget is shared with other RIS clients):
    /// no request before `until`.
    pub fn hold(&mut self, until: Instant) {
        self.hold_until = Some(self.hold_until.map_or(until, |h| h.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    /// Drives the budget like the pacer with a fake clock: each request takes `took` ms; it
    /// is sent as soon as admitted. Returns the send times in ms from `base`.
    fn schedule(budget: &mut RisBudget, requests: usize, took: u64) -> Vec<u64> {
        let base = Instant::now();
        let mut now = base;
        let mut sent = Vec::new();
        for _ in 0..requests {
            match budget.admit(now) {
                Admit::Now => {}
                Admit::At(t) => now = t,
                Admit::Busy => panic!("nothing is in flight between requests"),
            }
            budget.start(now).expect("admitted");
            sent.push(now.duration_since(base).as_millis() as u64);
            // While in flight, nothing else is admitted.
            assert_eq!(budget.admit(now), Admit::Busy);
            assert_eq!(budget.start(now), Err(BudgetError::Busy));
            now += Duration::from_millis(took);
            budget.finish(now).expect("in flight");
        }
        sent
    }

    #[test]
    fn sends_back_to_back_up_to_the_budget_then_waits_for_the_oldest() {
        let mut b = RisBudget::new(15, MINUTE);
        let sent = schedule(&mut b, 40, 200);
        // 15 back to back, 200 ms apart (one in flight at a time).
        let first: Vec<u64> = (0..15).map(|i| i * 200).collect();
        assert_eq!(sent[..15], first[..]);
        // The 16th waits until the first answer (at 200 ms) is a minute old.
        assert_eq!(sent[15], 60_200);
        assert_eq!(sent[16], 60_400);
        assert_eq!(sent[30], 120_400);
        assert_eq!(sent.len(), 40);
        // Never more than 15 sends in any rolling minute, counted as the server does (at
        // arrival, which is at or after the send).
        for (i, t) in sent.iter().enumerate() {
            let in_minute = sent[i..].iter().filter(|u| **u - *t < 60_000).count();
            assert!(in_minute <= 15, "{in_minute} requests from {t} ms");
        }
    }

    #[test]
    fn one_in_flight_and_finish_needs_a_start() {
        let base = Instant::now();
        let mut b = RisBudget::new(60, MINUTE);
        assert_eq!(b.finish(base), Err(BudgetError::Idle));
        assert_eq!(b.admit(base), Admit::Now);
        b.start(base).expect("first");
        assert!(b.in_flight());
        assert_eq!(b.start(base), Err(BudgetError::Busy));
        assert_eq!(b.admit(at(base, 30_000)), Admit::Busy);
        b.finish(at(base, 50)).expect("answered");
        assert!(!b.in_flight());
        assert_eq!(b.admit(at(base, 50)), Admit::Now);
        assert_eq!(b.in_window(at(base, 50)), 1);
        assert_eq!(b.in_window(at(base, 60_050)), 0);
    }

    #[test]
    fn a_budget_of_one_spaces_by_the_window_from_the_answer() {
        let base = Instant::now();
        let mut b = RisBudget::new(0, Duration::from_millis(500));
        assert_eq!(b.per_minute(), 1);
        b.start(base).expect("first");
        b.finish(at(base, 100)).expect("answered");
        assert_eq!(b.admit(at(base, 100)), Admit::At(at(base, 600)));
        assert_eq!(
            b.start(at(base, 599)),
            Err(BudgetError::NotYet(at(base, 600)))
        );
        assert_eq!(b.admit(at(base, 600)), Admit::Now);
    }

    #[test]
    fn a_rate_fault_holds_even_with_budget_left() {
        let base = Instant::now();
        let mut b = RisBudget::new(15, MINUTE);
        b.start(base).expect("first");
        b.finish(at(base, 10)).expect("faulted");
        b.hold(at(base, 30_010));
        assert_eq!(b.admit(at(base, 10)), Admit::At(at(base, 30_010)));
        // A shorter hold does not shorten it.
        b.hold(at(base, 20_000));
        assert_eq!(b.admit(at(base, 20_000)), Admit::At(at(base, 30_010)));
        assert_eq!(b.admit(at(base, 30_010)), Admit::Now);
    }

    #[test]
    fn a_hold_and_a_full_window_wait_for_the_later_of_both() {
        let base = Instant::now();
        let mut b = RisBudget::new(2, MINUTE);
        for t in [0, 1_000] {
            b.start(at(base, t)).expect("sent");
            b.finish(at(base, t + 100)).expect("answered");
        }
        // Full until the first answer (100 ms) leaves at 60.1 s.
        assert_eq!(b.admit(at(base, 2_000)), Admit::At(at(base, 60_100)));
        // A hold ending earlier changes nothing; one ending later wins, and at its end the
        // window has room (the first answer left).
        b.hold(at(base, 30_000));
        assert_eq!(b.admit(at(base, 2_000)), Admit::At(at(base, 60_100)));
        b.hold(at(base, 61_000));
        assert_eq!(b.admit(at(base, 2_000)), Admit::At(at(base, 61_000)));
        // At 61 s the second answer (1.1 s) is still in the window: one left, room for one.
        assert_eq!(b.in_window(at(base, 61_000)), 1);
        assert_eq!(b.admit(at(base, 61_000)), Admit::Now);
    }
}
