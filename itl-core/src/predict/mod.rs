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
mod files;
mod model;
mod placeholder;
mod result;
mod suggest;

pub use model::{ClusterModel, NodeModel, PhoneInput};
pub use placeholder::{PlaceholderError, regenerated_certificate};
pub use result::{PhonePrediction, Prediction, StepPrediction, StepVerdict};
pub use suggest::{Phase, Suggestion, phone_classes, suggest};

use crate::plan::Plan;

/// Why a prediction could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PredictError {
    /// A step does not fit the cluster.
    #[error("line {line}: {message}")]
    Plan {
        /// The plan line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The cluster or phone inputs are inconsistent.
    #[error("{0}")]
    Input(String),
    /// A next list could not be built.
    #[error("cannot build {0}")]
    Build(String),
    /// A next list cannot be laid out from the cluster's certificates.
    #[error("cannot lay out the next list: {0}")]
    Layout(#[from] crate::layout::LayoutError),
}

/// Knobs of a prediction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictOptions {
    /// Unix time at the start of the plan (TVS cache expiry).
    pub now: u64,
    /// The smallest TIMESTAMP rebuilt files get (they always get a newer one than the
    /// served files').
    pub timestamp: u32,
    /// Whether phones use their TVS cache (24 h).
    pub use_tvs_cache: bool,
}

impl Default for PredictOptions {
    fn default() -> Self {
        Self {
            now: 1_767_225_600,
            timestamp: 0,
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
