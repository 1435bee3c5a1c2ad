use super::*;
use crate::regen::program::{ActionKind, ProgramPhase};
use itl_core::cucm::{CertUnit, Service};
use itl_wire::soap::control_center::ControlType;

fn t(s: i64) -> UnixTime {
    UnixTime::from_secs(s)
}

fn action(id: &str, kind: ActionKind) -> Action {
    Action {
        id: id.into(),
        line: 1,
        step: "x".into(),
        kind,
    }
}

fn program() -> Program {
    Program {
        notes: vec![],
        phases: vec![
            ProgramPhase {
                number: 1,
                actions: vec![
                    action(
                        "1.1",
                        ActionKind::Regen {
                            node: "ucm-pub".into(),
                            unit: CertUnit::Tvs,
                        },
                    ),
                    action(
                        "2.1",
                        ActionKind::Service {
                            node: "ucm-pub".into(),
                            service: Service::Tvs,
                            op: ControlType::Restart,
                        },
                    ),
                    action("3.1", ActionKind::ResetPhones { device_pool: None }),
                    action(
                        "4.1",
                        ActionKind::Gate {
                            gate: GateKind::Services,
                        },
                    ),
                    action(
                        "p1.registered",
                        ActionKind::Gate {
                            gate: GateKind::Registered,
                        },
                    ),
                ],
            },
            ProgramPhase {
                number: 2,
                actions: vec![action(
                    "5.1",
                    ActionKind::Backup {
                        node: "ucm-pub".into(),
                    },
                )],
            },
        ],
    }
}

fn start(id: &str, at: i64) -> Record {
    Record::StepStart {
        at: t(at),
        step: id.into(),
        command: String::new(),
        before: Observation::at(t(at)),
    }
}

fn end(id: &str, at: i64, outcome: StepOutcome) -> Record {
    Record::StepEnd {
        at: t(at),
        step: id.into(),
        outcome,
        after: Observation::at(t(at)),
    }
}

fn gate(step: &str, phase: usize, gate: GateKind, passed: bool) -> Record {
    Record::Gate {
        at: t(0),
        step: step.into(),
        phase,
        gate,
        passed,
        details: vec![],
    }
}

fn id_of(next: &Next) -> String {
    match next {
        Next::Perform { action, .. } | Next::Observe { action, .. } | Next::Gate { action, .. } => {
            action.id.clone()
        }
        other => format!("{other:?}"),
    }
}

#[test]
fn a_fresh_run_walks_phases_actions_then_gates() {
    let mut ex = Executor::new(program());
    assert_eq!(ex.next(), Next::StartPhase { phase: 1 });
    ex.apply(&Record::PhaseStart { at: t(1), phase: 1 });
    let n = ex.next();
    assert!(matches!(
        n,
        Next::Perform {
            first_started: None,
            ..
        }
    ));
    assert_eq!(id_of(&n), "1.1");
    ex.apply(&start("1.1", 2));
    assert!(matches!(ex.next(), Next::Observe { .. }));
    ex.apply(&end("1.1", 3, StepOutcome::Done));
    assert_eq!(id_of(&ex.next()), "2.1");
    ex.apply(&start("2.1", 4));
    ex.apply(&end("2.1", 5, StepOutcome::Done));
    ex.apply(&start("3.1", 6));
    ex.apply(&end(
        "3.1",
        7,
        StepOutcome::Skipped {
            reason: "no phone".into(),
        },
    ));
    assert_eq!(ex.progress(), (3, 6));
    assert!(matches!(
        ex.next(),
        Next::Gate {
            phase: 1,
            gate: GateKind::Services,
            ..
        }
    ));
    ex.apply(&gate("4.1", 1, GateKind::Services, true));
    assert_eq!(id_of(&ex.next()), "p1.registered");
    // A failing gate is judged again on resume; the steps before it are not repeated.
    ex.apply(&gate("p1.registered", 1, GateKind::Registered, false));
    assert_eq!(id_of(&ex.next()), "p1.registered");
    ex.apply(&gate("p1.registered", 1, GateKind::Registered, true));
    assert_eq!(ex.next(), Next::StartPhase { phase: 2 });
    ex.apply(&Record::PhaseStart { at: t(8), phase: 2 });
    ex.apply(&start("5.1", 9));
    ex.apply(&end("5.1", 10, StepOutcome::Done));
    assert_eq!(ex.next(), Next::Finish);
    ex.apply(&Record::Finished { at: t(11) });
    assert_eq!(ex.next(), Next::Done);
    assert_eq!(ex.progress(), (6, 6));
}

#[test]
fn resume_after_a_crash_observes_the_step_that_started_and_did_not_end() {
    let records = vec![
        Record::PhaseStart { at: t(1), phase: 1 },
        start("1.1", 2),
        end("1.1", 3, StepOutcome::Done),
        start("2.1", 40),
    ];
    let ex = Executor::resume(program(), &records);
    match ex.next() {
        Next::Observe {
            action,
            before,
            first_started,
        } => {
            assert_eq!(action.id, "2.1");
            assert_eq!(before.at, t(40));
            assert_eq!(first_started, t(40));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_step_is_observed_again_and_keeps_its_first_start() {
    let mut ex = Executor::resume(
        program(),
        &[
            Record::PhaseStart { at: t(1), phase: 1 },
            start("1.1", 2),
            end(
                "1.1",
                3,
                StepOutcome::Failed {
                    error: "timeout".into(),
                },
            ),
        ],
    );
    assert!(matches!(
        ex.status("1.1"),
        ActionStatus::Failed { ref error, .. } if error == "timeout"
    ));
    assert!(matches!(ex.next(), Next::Observe { first_started, .. } if first_started == t(2)));
    // Observed not to have happened: run again; the first start is kept.
    ex.apply(&start("1.1", 50));
    assert!(matches!(ex.next(), Next::Observe { first_started, .. } if first_started == t(2)));
    ex.apply(&end("1.1", 51, StepOutcome::Observed));
    assert_eq!(id_of(&ex.next()), "2.1");
}

#[test]
fn a_completed_phase_is_not_started_again_and_notes_change_nothing() {
    let mut records = vec![
        Record::PhaseStart { at: t(1), phase: 1 },
        start("1.1", 2),
        end("1.1", 3, StepOutcome::Done),
        start("2.1", 4),
        end("2.1", 5, StepOutcome::Done),
        start("3.1", 6),
        end("3.1", 7, StepOutcome::Done),
        gate("4.1", 1, GateKind::Services, true),
        gate("p1.registered", 1, GateKind::Registered, true),
    ];
    records.push(Record::Note {
        at: t(8),
        text: "resumed".into(),
    });
    let ex = Executor::resume(program(), &records);
    assert_eq!(ex.next(), Next::StartPhase { phase: 2 });
    assert!(ex.phase_started(1));
    assert!(!ex.phase_started(2));
}
