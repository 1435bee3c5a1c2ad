//! The predictor's word on each phase: which phones that are on would be left rejecting the
//! cluster when the phase ends. A pure reading of one [`Prediction`] of the whole plan.
//!
//! Rule: a phone's state after a phase is its verdict at the last step of the plan, up to
//! and including the phase's last step, where it downloaded (a verdict other than
//! `unaffected`); the phase is refused when any phone that is on (not off through the plan)
//! is left `reject`. Phones that could not be assessed are counted apart: the run assumes
//! they hold what their TFTP node serves and the journal says so.

use itl_core::plan::Phase;
use itl_core::predict::Prediction;
use itl_core::trust::Verdict;

/// What one phase is predicted to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseForecast {
    /// 1-based phase number.
    pub phase: usize,
    /// The plan steps (1-based indexes into the plan) the phase covers.
    pub steps: std::ops::RangeInclusive<usize>,
    /// Phones that are on and would be left rejecting when the phase ends, by name.
    pub rejected: Vec<String>,
    /// Phones that download during the phase and accept (directly or through TVS).
    pub accepted: usize,
    /// Phones whose verdict is unknown in this phase (not assessed).
    pub unknown: usize,
}

impl PhaseForecast {
    /// Whether the phase may run without `--force`.
    pub fn safe(&self) -> bool {
        self.rejected.is_empty()
    }
}

/// Reads `prediction` (of the whole plan) phase by phase.
pub fn forecast(prediction: &Prediction, phases: &[Phase]) -> Vec<PhaseForecast> {
    let mut out = Vec::new();
    let mut first = 1usize;
    for phase in phases {
        let last = first + phase.steps.len().saturating_sub(1);
        let mut rejected = Vec::new();
        let mut accepted = 0;
        let mut unknown = 0;
        for phone in &prediction.phones {
            let in_phase = phone
                .steps
                .iter()
                .enumerate()
                .filter(|(i, _)| (first..=last).contains(&(i + 1)));
            let mut downloaded_here = false;
            let mut phase_unknown = false;
            for (_, v) in in_phase {
                match v.verdict {
                    Verdict::Unaffected => {}
                    Verdict::Unknown => phase_unknown = true,
                    _ => downloaded_here = true,
                }
            }
            let last_download = phone
                .steps
                .iter()
                .take(last)
                .rev()
                .find(|v| v.verdict != Verdict::Unaffected);
            if phase_unknown {
                unknown += 1;
            }
            match last_download.map(|v| v.verdict) {
                Some(Verdict::Reject) if !phone.off_during_plan => {
                    rejected.push(phone.name.clone())
                }
                Some(Verdict::Accept) | Some(Verdict::AcceptViaTvs) if downloaded_here => {
                    accepted += 1
                }
                _ => {}
            }
        }
        out.push(PhaseForecast {
            phase: phase.number,
            steps: first..=last,
            rejected,
            accepted,
            unknown,
        });
        first = last + 1;
    }
    out
}
