//! Plan-file check (target `plan_file`, replayed by `itl-core/tests/fuzz_corpus.rs`): any
//! text through `Plan::parse`. Nothing may panic; a plan that parses prints (`Display`) as a
//! plan that parses to the same steps; every error names a line of the input; on every
//! generation, with and without automatic phone interaction, the phases partition the plan
//! (numbered from 1, none empty, each with at least one gate).

use itl_core::cucm::Generation;
use itl_core::plan::Plan;

/// Checks one input.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Plan::parse(text) {
        Ok(plan) => {
            assert!(plan.steps().len() <= text.lines().count());
            let printed = plan.to_string();
            let again = Plan::parse(&printed).expect("a printed plan parses");
            let steps = |p: &Plan| p.steps().iter().map(|s| s.step.clone()).collect::<Vec<_>>();
            assert_eq!(steps(&again), steps(&plan), "printed plan {printed:?}");
            for generation in Generation::ALL {
                for automatic in [false, true] {
                    let phases = plan.phases(generation, automatic);
                    let mut joined = Vec::new();
                    for (i, phase) in phases.iter().enumerate() {
                        assert_eq!(phase.number, i + 1);
                        assert!(!phase.steps.is_empty() && !phase.gates.is_empty());
                        assert!(!phase.work().is_empty());
                        joined.extend(phase.steps.iter().cloned());
                    }
                    assert_eq!(joined, plan.steps(), "phases of {text:?}");
                }
            }
        }
        Err(e) => {
            let lines = text.lines().count().max(1);
            assert!(!e.errors.is_empty());
            for err in &e.errors {
                assert!(
                    err.line >= 1 && err.line <= lines,
                    "line {} of {lines}",
                    err.line
                );
            }
        }
    }
}
