//! Predicts, per phone, what a planned certificate change will do (`trust-and-procedure.md`
//! §3, §5, §6): the plan ([`crate::plan`]) runs step by step against a model of the cluster
//! ([`ClusterModel`]); every regeneration makes a stand-in certificate
//! ([`regenerated_certificate`]), TFTP restarts rebuild the ITLs with the crate's writer as
//! CUCM builds them, `ctl update` rebuilds the CTL, and every reset makes each selected
//! phone decide with the same rules the simulated phones use ([`crate::trust`]).
//!
//! Verdicts ([`Verdict`](crate::trust::Verdict)): `accept` (signer in the phone's lists),
//! `accept-via-tvs` (which TVS, why), `reject` (the reason chain), `unaffected` (no download
//! or nothing new), `unknown` (the phone's current list is unknown), `missed` (off). Phones
//! that are off miss every reset of the plan and download once after it; the prediction
//! names those that end rejected because of it.
//!
//! Model of the cluster side (the documents' behaviour, also the simulator's):
//! * `regen` makes the ITLs stale: the node's own for CallManager (and for ITLRecovery on
//!   11.5, one per node), every TFTP node's for TVS, CAPF and the 12+ ITLRecovery. The TVS
//!   service keeps presenting its old certificate until `restart TVS` (14+: it restarts by
//!   itself). On 14+ with automatic phone interaction a TVS, CAPF, CallManager or
//!   ITLRecovery regeneration rebuilds stale ITLs and resets every phone at once.
//! * `restart TFTP` rebuilds a stale ITL; `ctl update` rebuilds the CTL (mixed mode).
//! * TVS vouches for every CallManager, ITLRecovery and CAPF certificate the cluster has
//!   had; a phone reaches the TVS of the members of its CallManager group.
//! * The config file of a phone's TFTP node is signed by that node's current CallManager
//!   certificate; a phone that refuses it stays unregistered (`reject`).

mod engine;
mod error;
mod files;
mod model;
mod placeholder;
mod result;
mod suggest;

pub use engine::UNVERIFIED_ITLRECOVERY_VOUCHING;
pub use error::{BuildProblem, InputError, ListName, PlanProblem, PredictError};
pub use model::{ClusterModel, NodeModel, PhoneInput};
pub use placeholder::{PlaceholderError, regenerated_certificate};
pub use result::{PhonePrediction, Prediction, StepPrediction, StepVerdict};
pub use suggest::{SuggestedPhase, Suggestion, phone_classes, suggest};

use crate::UnixTime;
use crate::plan::Plan;

/// Knobs of a prediction. The time is always passed in: [`PredictOptions::at`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictOptions {
    /// The start of the plan (TVS cache expiry); each step is one second later.
    pub now: UnixTime,
    /// The earliest TIMESTAMP rebuilt files get (they always get a later one than the
    /// served files').
    pub timestamp: UnixTime,
    /// Whether phones use their TVS cache (24 h).
    pub use_tvs_cache: bool,
}

impl PredictOptions {
    /// A plan starting at `now`; rebuilt files get the TIMESTAMP after the latest served
    /// one; phones use their TVS cache.
    pub fn at(now: UnixTime) -> Self {
        Self {
            now,
            timestamp: UnixTime::EPOCH,
            use_tvs_cache: true,
        }
    }
}

/// Predicts `plan` for `phones` on `cluster`.
pub fn predict(
    cluster: &ClusterModel,
    phones: &[PhoneInput],
    plan: &Plan,
    options: &PredictOptions,
) -> Result<Prediction, PredictError> {
    engine::Engine::new(cluster, phones, options)?.run(plan)
}
