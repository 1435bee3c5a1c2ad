//! A plan cut into phases, each ending where the phones download their lists, with the gates
//! held before the next phase (`trust-and-procedure.md` §5).
//!
//! | rule | |
//! |---|---|
//! | a phase ends | at a `reset phones`; on 14+ with automatic phone interaction also at a `regen` of TVS, CAPF, CallManager or ITLRecovery (the cluster resets the phones by itself, §5.4) |
//! | one end | `reset phones` steps one after the other (pool after pool), or regenerations of one unit one after the other (node after node), end one phase at the last of them |
//! | its gates | the `gate` steps directly after its end (they belong to it, and are in its steps); when there are none, the four gates G-SVC, G-FILE, G-REG, G-TRUST |
//! | the steps after the last end | the last phase, gated the same way |
//! | a `gate` step elsewhere | an ordinary step of its phase (held where it stands) |
//!
//! The phases partition the plan: every step is in exactly one phase, in plan order. An
//! executor runs a phase's [`Phase::work`], then holds its [`Phase::gates`].

use crate::cucm::Generation;

use super::step::{GateKind, Step};
use super::{Plan, PlanStep};

/// One phase of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    /// 1-based phase number.
    pub number: usize,
    /// Its steps, in plan order, including the `gate` steps that end it.
    pub steps: Vec<PlanStep>,
    /// The gates held before the next phase: the `gate` steps directly after the phase's
    /// end, or the four gates when the plan names none there.
    pub gates: Vec<GateKind>,
}

impl Phase {
    /// The steps before the gates that end the phase (what an executor runs before holding
    /// [`Phase::gates`]).
    pub fn work(&self) -> &[PlanStep] {
        let trailing = self
            .steps
            .iter()
            .rev()
            .take_while(|s| matches!(s.step, Step::Gate(_)))
            .count();
        let keep = self.steps.len() - trailing;
        // A phase made only of gates keeps them as work (a plan that starts with gates).
        if keep == 0 {
            &self.steps
        } else {
            &self.steps[..keep]
        }
    }

    /// Whether the plan names the phase's gates (otherwise they are the default four).
    pub fn names_gates(&self) -> bool {
        self.work().len() < self.steps.len()
    }
}

impl Plan {
    /// The plan's phases on a cluster of `generation`, with or without automatic phone
    /// interaction (see the module docs for the rules).
    pub fn phases(&self, generation: Generation, automatic_phone_interaction: bool) -> Vec<Phase> {
        let ends = |s: &PlanStep| s.step.ends_phase(generation, automatic_phone_interaction);
        let mut phases = Vec::new();
        let mut current: Vec<PlanStep> = Vec::new();
        let steps = self.steps();
        let mut i = 0;
        while i < steps.len() {
            current.push(steps[i].clone());
            let end_here = ends(&steps[i])
                && steps
                    .get(i + 1)
                    .is_none_or(|next| !(ends(next) && same_end(&steps[i].step, &next.step)));
            i += 1;
            if !end_here {
                continue;
            }
            let mut gates = Vec::new();
            while let Some(PlanStep {
                step: Step::Gate(kind),
                ..
            }) = steps.get(i)
            {
                gates.push(*kind);
                current.push(steps[i].clone());
                i += 1;
            }
            phases.push(finish(
                phases.len() + 1,
                std::mem::take(&mut current),
                gates,
            ));
        }
        if !current.is_empty() {
            let trailing: Vec<GateKind> = current
                .iter()
                .rev()
                .map_while(|s| match s.step {
                    Step::Gate(kind) => Some(kind),
                    _ => None,
                })
                .collect();
            let gates = if trailing.len() == current.len() {
                Vec::new()
            } else {
                trailing.into_iter().rev().collect()
            };
            phases.push(finish(phases.len() + 1, current, gates));
        }
        phases
    }
}

/// Whether two phase-ending steps in a row end one phase: resets (pool after pool), or
/// regenerations of one unit (node after node).
fn same_end(a: &Step, b: &Step) -> bool {
    match (a, b) {
        (Step::ResetPhones { .. }, Step::ResetPhones { .. }) => true,
        (Step::Regen { unit: x, .. }, Step::Regen { unit: y, .. }) => x == y,
        _ => false,
    }
}

fn finish(number: usize, steps: Vec<PlanStep>, gates: Vec<GateKind>) -> Phase {
    Phase {
        number,
        steps,
        gates: if gates.is_empty() {
            GateKind::ALL.to_vec()
        } else {
            gates
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cucm::CertUnit;

    /// Each phase as (its step texts, its gates).
    fn cut(
        text: &str,
        generation: Generation,
        automatic: bool,
    ) -> Vec<(Vec<String>, Vec<GateKind>)> {
        let plan = Plan::parse(text).unwrap();
        let phases = plan.phases(generation, automatic);
        for (i, p) in phases.iter().enumerate() {
            assert_eq!(p.number, i + 1);
        }
        let all: Vec<PlanStep> = phases.iter().flat_map(|p| p.steps.clone()).collect();
        assert_eq!(all, plan.steps(), "the phases partition the plan");
        phases
            .into_iter()
            .map(|p| {
                (
                    p.steps.iter().map(|s| s.step.to_string()).collect(),
                    p.gates,
                )
            })
            .collect()
    }

    fn texts(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    use GateKind::{Files, Registered, Services, Trust};

    #[test]
    fn the_11_5_field_procedure() {
        let plan = "regen ipsec @all\nrestart DRF Master @ucm-pub\nrestart DRF Local @all\ngate services\n\
                    regen CAPF @ucm-pub\nrestart CAPF @ucm-pub\nrestart TFTP @all\nreset phones\ngate registered\ngate trust\n\
                    regen CallManager @all\nrestart TFTP @all\nrestart CallManager @all\nrestart CTIManager @all\nrestart TVS @all\nreset phones\n\
                    regen TVS @all\nrestart TVS @all\nrestart TFTP @all\nreset phones\ngate registered\ngate trust\n\
                    regen tomcat @all\nrestart Tomcat @all\nstop Certificate Change Notification @all\ndelete old-trust @all\nwait 30m\nstart Certificate Change Notification @all\nbackup\n";
        assert_eq!(
            cut(plan, Generation::V11_5, false),
            vec![
                (
                    texts(&[
                        "regen ipsec @all",
                        "restart DRF Master @ucm-pub",
                        "restart DRF Local @all",
                        "gate services",
                        "regen CAPF @ucm-pub",
                        "restart CAPF @ucm-pub",
                        "restart TFTP @all",
                        "reset phones",
                        "gate registered",
                        "gate trust",
                    ]),
                    vec![Registered, Trust]
                ),
                (
                    texts(&[
                        "regen CallManager @all",
                        "restart TFTP @all",
                        "restart CallManager @all",
                        "restart CTIManager @all",
                        "restart TVS @all",
                        "reset phones",
                    ]),
                    vec![Services, Files, Registered, Trust]
                ),
                (
                    texts(&[
                        "regen TVS @all",
                        "restart TVS @all",
                        "restart TFTP @all",
                        "reset phones",
                        "gate registered",
                        "gate trust",
                    ]),
                    vec![Registered, Trust]
                ),
                (
                    texts(&[
                        "regen tomcat @all",
                        "restart Tomcat @all",
                        "stop Certificate Change Notification @all",
                        "delete old-trust @all",
                        "wait 30m",
                        "start Certificate Change Notification @all",
                        "backup",
                    ]),
                    vec![Services, Files, Registered, Trust]
                ),
            ]
        );
        // The same plan on 14+ with automatic interaction: the CAPF, CallManager and TVS
        // regenerations end phases of their own too.
        let auto = cut(plan, Generation::V14, true);
        assert_eq!(auto.len(), 7);
        assert_eq!(
            auto[4],
            (texts(&["regen TVS @all"]), GateKind::ALL.to_vec())
        );
        // Regenerations of one unit node after node end one phase; of two units, two.
        let nodes = "regen CallManager @ucm-pub\nregen CallManager @ucm-sub1\ngate registered\nregen TVS @ucm-pub\nregen CAPF @ucm-pub\n";
        assert_eq!(
            cut(nodes, Generation::V14, true),
            vec![
                (
                    texts(&[
                        "regen CallManager @ucm-pub",
                        "regen CallManager @ucm-sub1",
                        "gate registered"
                    ]),
                    vec![Registered]
                ),
                (texts(&["regen TVS @ucm-pub"]), GateKind::ALL.to_vec()),
                (texts(&["regen CAPF @ucm-pub"]), GateKind::ALL.to_vec()),
            ]
        );
        assert_eq!(
            auto[0],
            (
                texts(&[
                    "regen ipsec @all",
                    "restart DRF Master @ucm-pub",
                    "restart DRF Local @all",
                    "gate services",
                    "regen CAPF @ucm-pub",
                ]),
                vec![Services, Files, Registered, Trust]
            )
        );
    }

    #[test]
    fn the_12_procedure_with_the_itlrecovery_bridge() {
        let plan = "regen CAPF @all\nrestart TFTP @all\nreset phones\ngate registered\n\
                    regen ITLRecovery @all\nitl reset localkey\nreset phones\ngate registered\n\
                    restart TFTP @all\nreset phones\ngate registered\ngate trust\n\
                    regen tomcat @all\nrestart Tomcat @all\ngate services\n";
        assert_eq!(
            cut(plan, Generation::V12, false),
            vec![
                (
                    texts(&[
                        "regen CAPF @all",
                        "restart TFTP @all",
                        "reset phones",
                        "gate registered"
                    ]),
                    vec![Registered]
                ),
                (
                    texts(&[
                        "regen ITLRecovery @all",
                        "itl reset localkey",
                        "reset phones",
                        "gate registered"
                    ]),
                    vec![Registered]
                ),
                (
                    texts(&[
                        "restart TFTP @all",
                        "reset phones",
                        "gate registered",
                        "gate trust"
                    ]),
                    vec![Registered, Trust]
                ),
                (
                    texts(&["regen tomcat @all", "restart Tomcat @all", "gate services"]),
                    vec![Services]
                ),
            ]
        );
        // 12+ has no automatic phone interaction: the flag changes nothing.
        assert_eq!(
            cut(plan, Generation::V12, true),
            cut(plan, Generation::V12, false)
        );
    }

    #[test]
    fn the_mixed_variant_and_pool_resets() {
        let plan = "ctl update\nrestart TFTP @all\nreset phones @DP-1\nreset phones @DP-2\n\
                    regen CallManager @all\nctl update\nrestart TFTP @all\nreset phones\ngate files\ngate registered\n\
                    reissue lsc\ngate trust\n";
        assert_eq!(
            cut(plan, Generation::V12, false),
            vec![
                (
                    texts(&[
                        "ctl update",
                        "restart TFTP @all",
                        "reset phones @DP-1",
                        "reset phones @DP-2"
                    ]),
                    vec![Services, Files, Registered, Trust]
                ),
                (
                    texts(&[
                        "regen CallManager @all",
                        "ctl update",
                        "restart TFTP @all",
                        "reset phones",
                        "gate files",
                        "gate registered",
                    ]),
                    vec![Files, Registered]
                ),
                (texts(&["reissue lsc", "gate trust"]), vec![Trust]),
            ]
        );
    }

    #[test]
    fn the_14_automatic_procedure() {
        let plan = "regen ipsec @all\nipsec restart @all\nregen CAPF @ucm-pub\ngate registered\ngate trust\n\
                    regen TVS @all\ngate registered\nregen CallManager @all\nrestart HAProxy @all\n\
                    regen tomcat @all\nrestart Tomcat @all\nbackup\n";
        assert_eq!(
            cut(plan, Generation::V14, true),
            vec![
                (
                    texts(&[
                        "regen ipsec @all",
                        "ipsec restart @all",
                        "regen CAPF @ucm-pub",
                        "gate registered",
                        "gate trust"
                    ]),
                    vec![Registered, Trust]
                ),
                (
                    texts(&["regen TVS @all", "gate registered"]),
                    vec![Registered]
                ),
                (texts(&["regen CallManager @all"]), GateKind::ALL.to_vec()),
                (
                    texts(&[
                        "restart HAProxy @all",
                        "regen tomcat @all",
                        "restart Tomcat @all",
                        "backup"
                    ]),
                    GateKind::ALL.to_vec()
                ),
            ]
        );
        // Manual interaction on 14+: no reset, one phase.
        assert_eq!(cut(plan, Generation::V14, false).len(), 1);
    }

    #[test]
    fn work_is_the_steps_before_the_gates_that_end_the_phase() {
        let plan =
            Plan::parse("gate services\nregen TVS\nreset phones\ngate registered\n").unwrap();
        let phases = plan.phases(Generation::V11_5, false);
        assert_eq!(phases.len(), 1);
        assert_eq!(phases[0].work().len(), 3);
        assert!(phases[0].names_gates());
        let only_gates = Plan::parse("gate trust\n").unwrap();
        let p = only_gates.phases(Generation::V12, false);
        assert_eq!(p[0].work().len(), 1);
        assert_eq!(p[0].gates, GateKind::ALL.to_vec());
        assert!(!p[0].names_gates());
        let trailing = Plan::parse("regen tomcat\ngate services\n").unwrap();
        let p = trailing.phases(Generation::V12, false);
        assert_eq!(p[0].gates, vec![Services]);
        assert_eq!(
            p[0].work()
                .iter()
                .map(|s| s.step.clone())
                .collect::<Vec<_>>(),
            vec![Step::Regen {
                unit: CertUnit::Tomcat,
                target: crate::plan::Target::All
            }]
        );
    }
}
