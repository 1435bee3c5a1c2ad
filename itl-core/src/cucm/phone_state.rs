//! The state a sweep reports for one phone, the one vocabulary of sweep reports, the
//! simulator's truth and the predictor's inputs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a sweep concludes about one phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhoneState {
    /// The phone holds the ITL (and CTL) its TFTP server serves now.
    Ok,
    /// The phone holds an older ITL of this cluster (its hash is in the archive).
    StaleItl,
    /// The phone holds an ITL nobody here has seen (another cluster's, or unknown).
    ForeignItl,
    /// Mixed mode, and the phone's CTL is not the served one.
    CtlMismatch,
    /// The phone holds no ITL (or a blank rollback ITL).
    NoTrustList,
    /// The phone's latest trust-list download failed.
    UpdateFailed,
    /// The phone's web server is off.
    WebDisabled,
    /// The phone is not registered.
    Unregistered,
    /// The phone's web server did not answer.
    Unreachable,
    /// The phone's pages were not understood.
    Unparseable,
    /// The sweep stopped before reaching the phone.
    NotScanned,
}

impl PhoneState {
    /// Every state, in report order.
    pub const ALL: [PhoneState; 11] = [
        PhoneState::Ok,
        PhoneState::StaleItl,
        PhoneState::ForeignItl,
        PhoneState::CtlMismatch,
        PhoneState::NoTrustList,
        PhoneState::UpdateFailed,
        PhoneState::WebDisabled,
        PhoneState::Unregistered,
        PhoneState::Unreachable,
        PhoneState::Unparseable,
        PhoneState::NotScanned,
    ];

    /// The report name (`stale-itl`...).
    pub fn name(self) -> &'static str {
        match self {
            PhoneState::Ok => "ok",
            PhoneState::StaleItl => "stale-itl",
            PhoneState::ForeignItl => "foreign-itl",
            PhoneState::CtlMismatch => "ctl-mismatch",
            PhoneState::NoTrustList => "no-trust-list",
            PhoneState::UpdateFailed => "update-failed",
            PhoneState::WebDisabled => "web-disabled",
            PhoneState::Unregistered => "unregistered",
            PhoneState::Unreachable => "unreachable",
            PhoneState::Unparseable => "unparseable",
            PhoneState::NotScanned => "not-scanned",
        }
    }

    /// One line for people.
    pub fn description(self) -> &'static str {
        match self {
            PhoneState::Ok => "holds the ITL (and CTL) its TFTP server serves",
            PhoneState::StaleItl => "holds an older ITL of this cluster",
            PhoneState::ForeignItl => "holds an ITL of unknown origin",
            PhoneState::CtlMismatch => "holds another CTL than the one served",
            PhoneState::NoTrustList => "holds no ITL",
            PhoneState::UpdateFailed => "its last trust-list download failed",
            PhoneState::WebDisabled => "web access is off",
            PhoneState::Unregistered => "not registered",
            PhoneState::Unreachable => "web server did not answer",
            PhoneState::Unparseable => "web page not understood",
            PhoneState::NotScanned => "sweep stopped before this phone",
        }
    }

    /// True for every state but `ok`.
    pub fn is_problem(self) -> bool {
        self != PhoneState::Ok
    }
}

impl fmt::Display for PhoneState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A state name that is not one of [`PhoneState::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown phone state {0:?}")]
pub struct UnknownState(pub String);

impl FromStr for PhoneState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneState::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_round_trip() {
        for s in PhoneState::ALL {
            assert_eq!(s.name().parse::<PhoneState>(), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).expect("json"),
                format!("\"{}\"", s.name())
            );
        }
        assert_eq!(
            "fine".parse::<PhoneState>(),
            Err(UnknownState("fine".into()))
        );
    }
}
