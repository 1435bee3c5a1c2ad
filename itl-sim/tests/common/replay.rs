//! Shared by the replay tests: clusters of 40 phones, a replay of a plan text, step counts.

use itl_core::cucm::Generation;
use itl_core::plan::Plan;

use itl_sim::replay::{Counts, Replay, replay};
use itl_sim::{Cluster, SimOptions};

/// 40 phones, seed 7, 1024-bit keys.
pub fn options(nodes: usize, generation: Generation, mixed: bool, faults: &str) -> SimOptions {
    super::sized(nodes, 40, generation, mixed, faults)
}

/// A plan from its text.
pub fn plan(text: &str) -> Plan {
    Plan::parse(text).expect("plan parses")
}

/// The cluster of `options`.
pub fn build(options: &SimOptions) -> Cluster {
    Cluster::build(options).expect("cluster builds")
}

/// Builds the cluster, replays the plan, and returns the cluster afterwards too.
pub fn run(options: &SimOptions, text: &str) -> (Cluster, Replay) {
    let mut cluster = build(options);
    let replay = replay(&mut cluster, &plan(text)).expect("replay runs");
    (cluster, replay)
}

/// Counts with no `unknown`.
pub fn counts(accepted: usize, rejected: usize, unaffected: usize, missed: usize) -> Counts {
    Counts {
        accepted,
        rejected,
        unaffected,
        missed,
        unknown: 0,
    }
}

/// The counts of every step.
pub fn step_counts(replay: &Replay) -> Vec<Counts> {
    replay.steps.iter().map(|s| s.counts).collect()
}
