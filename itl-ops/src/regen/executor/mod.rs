//! The executor: a sans-io machine that decides what the driver does next.
//!
//! Its state is a fold over the journal's records ([`Executor::apply`]); [`Executor::next`]
//! is a pure function of that state. It performs no I/O and never reads the clock: the
//! driver observes the cluster, performs actions, writes each record to the journal first
//! and then hands it to the executor. A run that starts fresh and a run resumed from a
//! journal are the same code path: `resume` folds the records it finds and asks `next`.
//!
//! | state of the first unfinished item | `next` |
//! |---|---|
//! | a phase with no `phase-start` record | [`Next::StartPhase`]: predict it, ask, record `phase-start` |
//! | an action never started | [`Next::Perform`] |
//! | an action started and not ended (a crash), or ended `failed` | [`Next::Observe`]: observe what it may have changed, then [`settle`](super::settle::settle) says `observed` (record it done) or repeat it |
//! | a gate not passed (never judged, or failed: judged again, the steps before it are not repeated) | [`Next::Gate`] |
//! | nothing left, no `finished` record | [`Next::Finish`] |
//! | `finished` recorded | [`Next::Done`] |

use std::collections::{BTreeMap, BTreeSet};

use itl_core::plan::GateKind;
use itl_core::time::UnixTime;

use super::journal::{Observation, Record, StepOutcome};
use super::program::{Action, ActionKind, Program};

/// What the driver does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Phase `phase` has not started: ask the predictor and the operator, then record
    /// `phase-start`.
    StartPhase {
        /// 1-based phase number.
        phase: usize,
    },
    /// Perform the action: observe, record `step-start`, act, observe, record `step-end`.
    Perform {
        /// The action.
        action: Action,
        /// When the action first started, if an earlier attempt was observed not to have
        /// taken effect (a reset or a wait continues from there).
        first_started: Option<UnixTime>,
    },
    /// The action started and did not end (or failed): observe the cluster and settle it
    /// before anything else.
    Observe {
        /// The action.
        action: Action,
        /// What was observed before its last start.
        before: Observation,
        /// When it first started.
        first_started: UnixTime,
    },
    /// Judge a gate of phase `phase` and record `gate`.
    Gate {
        /// 1-based phase number.
        phase: usize,
        /// The gate.
        gate: GateKind,
        /// The gate's place in the program.
        action: Action,
    },
    /// Every phase is done: record `finished`.
    Finish,
    /// The run has finished.
    Done,
}

/// Where an action stands according to the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionStatus {
    /// Never started.
    NotStarted,
    /// Started and not ended.
    Started {
        /// The facts before its last start.
        before: Observation,
        /// When it first started.
        first_started: UnixTime,
    },
    /// Ended `failed`.
    Failed {
        /// The facts before its last start.
        before: Observation,
        /// When it first started.
        first_started: UnixTime,
        /// The error.
        error: String,
    },
    /// Ended `done`, `observed` or `skipped`.
    Ended(StepOutcome),
}

/// The machine.
#[derive(Clone, Debug)]
pub struct Executor {
    program: Program,
    started_phases: BTreeSet<usize>,
    actions: BTreeMap<String, ActionStatus>,
    finished: bool,
}

impl Executor {
    /// A machine for `program` with nothing recorded yet.
    pub fn new(program: Program) -> Self {
        Self {
            program,
            started_phases: BTreeSet::new(),
            actions: BTreeMap::new(),
            finished: false,
        }
    }

    /// A machine that has applied `records` (a journal being resumed).
    pub fn resume(program: Program, records: &[Record]) -> Self {
        let mut machine = Self::new(program);
        for r in records {
            machine.apply(r);
        }
        machine
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Applies a record the driver has written to the journal.
    pub fn apply(&mut self, record: &Record) {
        match record {
            Record::PhaseStart { phase, .. } => {
                self.started_phases.insert(*phase);
            }
            Record::StepStart {
                at, step, before, ..
            } => {
                let first_started = match self.actions.get(step) {
                    Some(ActionStatus::Started { first_started, .. })
                    | Some(ActionStatus::Failed { first_started, .. }) => *first_started,
                    _ => *at,
                };
                self.actions.insert(
                    step.clone(),
                    ActionStatus::Started {
                        before: before.clone(),
                        first_started,
                    },
                );
            }
            Record::StepEnd { step, outcome, .. } => {
                let status = match (outcome, self.actions.get(step)) {
                    (
                        StepOutcome::Failed { error },
                        Some(ActionStatus::Started {
                            before,
                            first_started,
                        }),
                    ) => ActionStatus::Failed {
                        before: before.clone(),
                        first_started: *first_started,
                        error: error.clone(),
                    },
                    (StepOutcome::Failed { error }, _) => ActionStatus::Failed {
                        before: Observation::default(),
                        first_started: record.at(),
                        error: error.clone(),
                    },
                    (other, _) => ActionStatus::Ended(other.clone()),
                };
                self.actions.insert(step.clone(), status);
            }
            Record::Gate { step, passed, .. } => {
                if *passed {
                    self.actions
                        .insert(step.clone(), ActionStatus::Ended(StepOutcome::Done));
                } else {
                    self.actions.remove(step);
                }
            }
            Record::Finished { .. } => self.finished = true,
            Record::Begin(_)
            | Record::Note { .. }
            | Record::Progress { .. }
            | Record::Held { .. }
            | Record::Pin { .. } => {}
        }
    }

    /// Where an action stands.
    pub fn status(&self, id: &str) -> ActionStatus {
        self.actions
            .get(id)
            .cloned()
            .unwrap_or(ActionStatus::NotStarted)
    }

    /// Whether a phase has started.
    pub fn phase_started(&self, phase: usize) -> bool {
        self.started_phases.contains(&phase)
    }

    /// What the driver does next.
    pub fn next(&self) -> Next {
        if self.finished {
            return Next::Done;
        }
        for phase in &self.program.phases {
            let complete = phase
                .actions
                .iter()
                .all(|a| matches!(self.status(&a.id), ActionStatus::Ended(_)));
            if complete {
                continue;
            }
            if !self.phase_started(phase.number) {
                return Next::StartPhase {
                    phase: phase.number,
                };
            }
            for action in &phase.actions {
                let status = self.status(&action.id);
                if let (ActionKind::Gate { gate }, false) =
                    (&action.kind, matches!(status, ActionStatus::Ended(_)))
                {
                    return Next::Gate {
                        phase: phase.number,
                        gate: *gate,
                        action: action.clone(),
                    };
                }
                match status {
                    ActionStatus::Ended(_) => {}
                    ActionStatus::NotStarted => {
                        return Next::Perform {
                            action: action.clone(),
                            first_started: None,
                        };
                    }
                    ActionStatus::Started {
                        before,
                        first_started,
                    }
                    | ActionStatus::Failed {
                        before,
                        first_started,
                        ..
                    } => {
                        return Next::Observe {
                            action: action.clone(),
                            before,
                            first_started,
                        };
                    }
                }
            }
        }
        Next::Finish
    }

    /// How many actions have ended, of how many.
    pub fn progress(&self) -> (usize, usize) {
        let total = self.program.actions().count();
        let ended = self
            .program
            .actions()
            .filter(|(_, a)| matches!(self.status(&a.id), ActionStatus::Ended(_)))
            .count();
        (ended, total)
    }
}

#[cfg(test)]
mod tests;
