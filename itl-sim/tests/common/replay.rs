//! Shared by the replay tests: clusters of 40 phones, a replay of a plan text, step counts.

use itl_core::cucm::Generation;
use itl_core::plan::Plan;

use itl_sim::replay::{Counts, Outcomes, PhoneRecord, Replay, replay};
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

/// Asserts that the replay has `steps` steps, that each step `changed` names has the counts
/// given with it, and that every other step left all 40 phones unaffected.
#[track_caller]
pub fn assert_steps(replay: &Replay, steps: usize, changed: &[(usize, Counts)]) {
    let mut want = vec![counts(0, 0, 40, 0); steps];
    for &(index, counts) in changed {
        want[index] = counts;
    }
    assert_eq!(step_counts(replay), want, "step counts");
}

/// [`assert_steps`], and that the final phase counted `final_counts`.
#[track_caller]
pub fn assert_counts(
    replay: &Replay,
    steps: usize,
    changed: &[(usize, Counts)],
    final_counts: Counts,
) {
    assert_steps(replay, steps, changed);
    assert_eq!(replay.final_counts, final_counts, "final counts");
}

/// What `phone` downloaded at step `index` (it must have downloaded then).
#[track_caller]
pub fn downloaded(phone: &PhoneRecord, index: usize) -> &Outcomes {
    phone.outcomes[index].as_ref().expect("downloaded")
}

/// The names of the phones that were off when the replay began.
pub fn powered_off(replay: &Replay) -> Vec<&str> {
    replay
        .phones
        .iter()
        .filter(|p| !p.powered_at_start)
        .map(|p| p.name.as_str())
        .collect()
}

/// Whether step `index` said `message`.
pub fn said(replay: &Replay, index: usize, message: &str) -> bool {
    replay.steps[index].messages.iter().any(|m| m == message)
}

/// The ITL outcome of the download at step `index` of `phone`, if it downloaded then.
pub fn itl_outcome(phone: &PhoneRecord, index: usize) -> Option<&str> {
    phone.outcomes[index].as_ref().map(|o| o.itl.as_str())
}

/// The record of the phone named `name`.
pub fn phone<'a>(replay: &'a Replay, name: &str) -> &'a PhoneRecord {
    replay
        .phones
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no phone {name}"))
}
