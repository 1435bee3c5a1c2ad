//! What a prediction says: per step the counts per verdict and the phones rejected there;
//! per phone its verdict at each step and after the plan.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::trust::Verdict;

/// A phone's verdict at one step, with the reason chain when it matters (reject,
/// accept-via-tvs, unknown, missed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// Why (the deciding outcome with its reasons), when it matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The verdict rests on a rule that `trust-and-procedure.md` marks "(unverified)": what
    /// might happen instead. A risk is reported, not refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
}

impl StepVerdict {
    /// The phone did not download at this step.
    pub const UNAFFECTED: StepVerdict = StepVerdict {
        verdict: Verdict::Unaffected,
        detail: None,
        risk: None,
    };

    /// A verdict with its detail.
    pub fn of(verdict: Verdict, detail: Option<String>) -> Self {
        Self {
            verdict,
            detail,
            risk: None,
        }
    }

    /// The same verdict, resting on an unverified rule.
    pub fn with_risk(mut self, risk: Option<String>) -> Self {
        self.risk = risk;
        self
    }
}

/// One step of the plan, predicted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepPrediction {
    /// 1-based step number.
    pub index: usize,
    /// The plan line it came from.
    pub line: usize,
    /// The step, in canonical form.
    pub step: String,
    /// Phones per verdict (every phone is counted once).
    pub counts: BTreeMap<Verdict, usize>,
    /// Phones rejected at this step (the phones at risk), by name.
    pub rejected: Vec<String>,
    /// After the step: the SHA-1 of the ITL each TFTP node serves (placeholder signature for
    /// rebuilt ones).
    pub served_itls: Vec<(String, Option<String>)>,
    /// What changed on the cluster.
    pub notes: Vec<String>,
}

/// One phone through the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhonePrediction {
    /// Device name.
    pub name: String,
    /// Its verdict at each step (`unaffected` where it did not download).
    pub steps: Vec<StepVerdict>,
    /// After the plan, when every phone is on and has been reset once.
    #[serde(rename = "final")]
    pub final_verdict: StepVerdict,
    /// The first step (1-based) where it is rejected.
    pub first_reject: Option<usize>,
    /// Resets it missed (off).
    pub missed: usize,
    /// It was off (or unregistered) through the plan.
    pub off_during_plan: bool,
    /// Its current list was assumed (it was off at sweep time), not read.
    pub assumed: bool,
}

impl PhonePrediction {
    /// The first risk of its verdicts (steps, then after the plan).
    pub fn risk(&self) -> Option<&str> {
        self.steps
            .iter()
            .chain(std::iter::once(&self.final_verdict))
            .find_map(|v| v.risk.as_deref())
    }
}

/// A plan's prediction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Prediction {
    /// Per step.
    pub steps: Vec<StepPrediction>,
    /// Per phone, in input order.
    pub phones: Vec<PhonePrediction>,
    /// Final verdicts counted.
    pub final_counts: BTreeMap<Verdict, usize>,
    /// Phones that end rejected.
    pub final_rejected: Vec<String>,
    /// Phones at risk because they were off through the plan and end rejected.
    pub at_risk_off: Vec<String>,
    /// Phones that could not be assessed (their current trust list is not known): final
    /// verdict `unknown`.
    pub not_assessed: Vec<String>,
    /// Phones on through the plan whose current lists were assumed, not read
    /// (`--assume-current`); phones off at sweep time are in `at_risk_off` when it matters.
    pub assumed: Vec<String>,
    /// Phones whose verdict at some step or after the plan rests on an unverified rule.
    pub risks: Vec<String>,
    /// The ITLs served at the end (node, SHA-1).
    pub served_itls: Vec<(String, Option<String>)>,
}

impl Prediction {
    pub(crate) fn new(
        steps: Vec<StepPrediction>,
        phones: Vec<PhonePrediction>,
        served_itls: Vec<(String, Option<String>)>,
    ) -> Self {
        let mut final_counts = BTreeMap::new();
        let mut final_rejected = Vec::new();
        let mut at_risk_off = Vec::new();
        let mut not_assessed = Vec::new();
        let mut assumed = Vec::new();
        let mut risks = Vec::new();
        for p in &phones {
            if p.final_verdict.verdict == Verdict::Unknown {
                not_assessed.push(p.name.clone());
            }
            if p.assumed && !p.off_during_plan {
                assumed.push(p.name.clone());
            }
            if p.risk().is_some() {
                risks.push(p.name.clone());
            }
            *final_counts.entry(p.final_verdict.verdict).or_insert(0) += 1;
            if p.final_verdict.verdict == Verdict::Reject {
                final_rejected.push(p.name.clone());
                if p.off_during_plan {
                    at_risk_off.push(p.name.clone());
                }
            }
        }
        Self {
            steps,
            phones,
            final_counts,
            final_rejected,
            at_risk_off,
            not_assessed,
            assumed,
            risks,
            served_itls,
        }
    }

    /// Whether any phone could not be assessed.
    pub fn any_not_assessed(&self) -> bool {
        !self.not_assessed.is_empty()
    }

    /// Whether any phone ends rejected.
    pub fn any_final_reject(&self) -> bool {
        !self.final_rejected.is_empty()
    }

    /// Rejections at any step or at the end, for phones that were on through the plan.
    pub fn rejections_of_phones_on(&self) -> usize {
        self.phones
            .iter()
            .filter(|p| {
                !p.off_during_plan
                    && (p.first_reject.is_some() || p.final_verdict.verdict == Verdict::Reject)
            })
            .count()
    }
}
