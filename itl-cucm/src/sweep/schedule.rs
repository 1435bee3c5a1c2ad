//! The order in which a sweep reads its phones, as a pure state machine (no I/O, no clock):
//! the runner ([`super::run_sweep`]) asks it which phone to start next and tells it how each
//! read ended.
//!
//! | rule | why |
//! |---|---|
//! | a phone starts once it is known (in the plan, or when discovery reports it) | page reads overlap discovery |
//! | at most `limit` phones are being read at once | bounded memory and sockets |
//! | first reads in plan order, before any retry | healthy phones are not kept waiting |
//! | a phone whose first read met a network error (refused, timed out) is read again once every phone has had its first read and discovery has ended | an unreachable phone costs its timeouts at the end, in parallel, not in the middle |
//! | a retry is final | every phone is reported exactly once |

use std::collections::VecDeque;

/// Which read of a phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// The first read (a shorter timeout when a retry may follow).
    First,
    /// The read after a network error in the first (the full timeout).
    Retry,
}

/// How a read ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The phone's state is decided.
    Final,
    /// A network error; another read may tell more.
    NetworkError,
}

/// The sweep's queue of phones (see the module documentation).
#[derive(Clone, Debug)]
pub struct Schedule {
    ready: VecDeque<usize>,
    retry: VecDeque<usize>,
    discovering: bool,
    retries: bool,
    running: usize,
    limit: usize,
}

impl Schedule {
    /// A schedule reading at most `limit` phones at once (at least 1); `retries`: whether a
    /// phone is read again after a network error; `discovering`: whether phones are still to
    /// be reported ([`Self::known`], [`Self::discovery_ended`]).
    pub fn new(limit: usize, retries: bool, discovering: bool) -> Self {
        Self {
            ready: VecDeque::new(),
            retry: VecDeque::new(),
            discovering,
            retries,
            running: 0,
            limit: limit.max(1),
        }
    }

    /// Phones now known, in plan order.
    pub fn known(&mut self, phones: impl IntoIterator<Item = usize>) {
        self.ready.extend(phones);
    }

    /// Discovery has ended: no phone will be reported any more.
    pub fn discovery_ended(&mut self) {
        self.discovering = false;
    }

    /// The next phone to read and which read it is, if one may start now.
    pub fn start_next(&mut self) -> Option<(usize, Pass)> {
        if self.running >= self.limit {
            return None;
        }
        let next = match self.ready.pop_front() {
            Some(i) => (i, Pass::First),
            None if !self.discovering => (self.retry.pop_front()?, Pass::Retry),
            None => return None,
        };
        self.running += 1;
        Some(next)
    }

    /// The read `pass` of phone `index` ended with `outcome`; true when its state is final
    /// (false: it is queued for a retry).
    pub fn ended(&mut self, index: usize, pass: Pass, outcome: Outcome) -> bool {
        self.running = self.running.saturating_sub(1);
        if pass == Pass::First && outcome == Outcome::NetworkError && self.retries {
            self.retry.push_back(index);
            return false;
        }
        true
    }

    /// Phones being read.
    pub fn running(&self) -> usize {
        self.running
    }

    /// Whether every phone has been read to its final state.
    pub fn is_done(&self) -> bool {
        !self.discovering && self.ready.is_empty() && self.retry.is_empty() && self.running == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts every phone the schedule allows now.
    fn start_all(s: &mut Schedule) -> Vec<(usize, Pass)> {
        std::iter::from_fn(|| s.start_next()).collect()
    }

    #[test]
    fn first_reads_in_order_within_the_limit() {
        let mut s = Schedule::new(2, true, false);
        s.known(0..5);
        assert_eq!(start_all(&mut s), [(0, Pass::First), (1, Pass::First)]);
        assert_eq!(s.running(), 2);
        assert!(s.ended(1, Pass::First, Outcome::Final));
        assert_eq!(start_all(&mut s), [(2, Pass::First)]);
        assert!(!s.is_done());
    }

    #[test]
    fn retries_wait_until_every_first_read_started_and_discovery_ended() {
        let mut s = Schedule::new(10, true, true);
        s.known(0..2);
        assert_eq!(start_all(&mut s), [(0, Pass::First), (1, Pass::First)]);
        // Phone 0 met a network error: queued, not final.
        assert!(!s.ended(0, Pass::First, Outcome::NetworkError));
        // Discovery still running: no retry yet, even with room.
        assert_eq!(start_all(&mut s), []);
        s.known([2, 3]);
        assert_eq!(start_all(&mut s), [(2, Pass::First), (3, Pass::First)]);
        s.discovery_ended();
        // Every first read started: now the retry.
        assert_eq!(start_all(&mut s), [(0, Pass::Retry)]);
        // A retry is final whatever it met.
        assert!(s.ended(0, Pass::Retry, Outcome::NetworkError));
        for i in 1..4 {
            assert!(s.ended(i, Pass::First, Outcome::Final));
        }
        assert!(s.is_done());
    }

    #[test]
    fn without_retries_a_network_error_is_final() {
        let mut s = Schedule::new(4, false, false);
        s.known([7]);
        assert_eq!(start_all(&mut s), [(7, Pass::First)]);
        assert!(s.ended(7, Pass::First, Outcome::NetworkError));
        assert_eq!(start_all(&mut s), []);
        assert!(s.is_done());
    }

    #[test]
    fn a_ready_phone_goes_before_a_queued_retry() {
        let mut s = Schedule::new(1, true, false);
        s.known([0, 1]);
        assert_eq!(start_all(&mut s), [(0, Pass::First)]);
        assert!(!s.ended(0, Pass::First, Outcome::NetworkError));
        assert_eq!(start_all(&mut s), [(1, Pass::First)]);
        assert!(s.ended(1, Pass::First, Outcome::Final));
        assert_eq!(start_all(&mut s), [(0, Pass::Retry)]);
        assert_eq!(start_all(&mut s), [], "the limit holds for retries too");
    }
}
