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

    /// What the state means for the phone, for people (reports, the README).
    pub fn meaning(self) -> &'static str {
        match self {
            PhoneState::Ok => {
                "The phone holds the ITL (and, in mixed mode, the CTL) its TFTP server serves now: it trusts the current signers."
            }
            PhoneState::StaleItl => {
                "The phone holds an older ITL of this cluster: it missed or refused the current one, and accepts the next signer change only if its old ITL or TVS vouches for the new signer."
            }
            PhoneState::ForeignItl => {
                "The phone holds an ITL never served here (another cluster's, or one older than the archive): this cluster's signers may not be in it, so it may refuse this cluster's files."
            }
            PhoneState::CtlMismatch => {
                "The cluster is in mixed mode and the phone holds another CTL than the one served: it checks new ITLs, CTLs and TLS peers against an outdated list."
            }
            PhoneState::NoTrustList => {
                "The phone holds no ITL, or the blank rollback ITL: without a CTL it accepts the next ITL unchecked; with a CTL, \"Not Installed\" means it refused the ITL against its CTL."
            }
            PhoneState::UpdateFailed => {
                "The phone's latest trust-list download was refused (\"Trust List update failed\"): it keeps its old list and refuses files signed by the new signer."
            }
            PhoneState::WebDisabled => {
                "The phone's web server is off, so its trust state cannot be read."
            }
            PhoneState::Unregistered => {
                "The phone is not registered (off, or unable to register): it downloads whatever is served when it comes back."
            }
            PhoneState::Unreachable => {
                "The phone's web server did not answer in time: its trust state is unknown."
            }
            PhoneState::Unparseable => {
                "The phone answered, but its page was not understood: its trust state is unknown."
            }
            PhoneState::NotScanned => "The sweep stopped before it reached this phone.",
        }
    }

    /// What to do about a phone in this state: the recovery options of
    /// `trust-and-procedure.md` §5.9 that apply, for people.
    pub fn what_to_do(self) -> &'static str {
        match self {
            PhoneState::Ok => "Nothing.",
            PhoneState::StaleItl => {
                "Reset the phone so it downloads the current ITL. If it still refuses it, run `utils itl reset localkey` (or `remotekey` with an exported ITLRecovery.p12) on the publisher when the phone's ITL holds that key, then reset the phone; otherwise erase its trust list (settings menu, /CGI/Execute key presses, or a factory reset)."
            }
            PhoneState::ForeignItl => {
                "Check which cluster the phone belongs to (its TFTP server). If it belongs here, erase its trust list (settings menu, /CGI/Execute key presses, or a factory reset) once every other phone is done; importing the other cluster's certificates (bulk certificate export/import) lets TVS vouch instead."
            }
            PhoneState::CtlMismatch => {
                "Reset the phone so it downloads the current CTL. If it refuses it, run `utils ctl reset localkey` on the publisher (works when the phone's CTL trusts the CallManager key) and reset the phone; otherwise erase its trust list."
            }
            PhoneState::NoTrustList => {
                "If the rollback parameter (Prepare Cluster for Rollback to pre 8.0) is True, set it to False; then reset the phone so it takes the ITL served now. In mixed mode, if the ITL stays Not Installed, bring its CTL up to date first (as for ctl-mismatch)."
            }
            PhoneState::UpdateFailed => {
                "Find out why TVS could not vouch for the new signer (the TVS nodes of the phone's CallManager group are down, or their certificates changed). Then `utils itl reset localkey` / `remotekey` (ITL) or `utils ctl reset localkey` (CTL) on the publisher and reset the phone; if neither key is trusted, erase its trust list. Last resort: restore the pre-change DRS backup."
            }
            PhoneState::WebDisabled => {
                "Enable Web Access for the phone (its device page or common phone profile) and sweep again, or read its ITL on the phone's own security settings screen."
            }
            PhoneState::Unregistered => {
                "If it should be registered, find out why it is not (it may already refuse this cluster's files); otherwise sweep it again when it is back, before the next certificate change."
            }
            PhoneState::Unreachable => {
                "Check the path from this machine to the phone (routing, firewall, TCP 80) and sweep again."
            }
            PhoneState::Unparseable => {
                "Open the phone's Network Setup page in a browser and read its ITL field; the start of the page is kept in the evidence."
            }
            PhoneState::NotScanned => "Sweep again.",
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
    fn every_state_says_what_it_means_and_what_to_do() {
        assert_eq!(PhoneState::Ok.what_to_do(), "Nothing.");
        assert!(
            PhoneState::StaleItl
                .what_to_do()
                .contains("`utils itl reset localkey`")
        );
        assert!(
            PhoneState::CtlMismatch
                .what_to_do()
                .contains("`utils ctl reset localkey`")
        );
        for s in PhoneState::ALL {
            for text in [s.meaning(), s.what_to_do()] {
                assert!(text.ends_with('.'), "{s}: {text}");
                assert!(!text.contains('|') && !text.contains('\n'), "{s}: {text}");
            }
            // Every problem has something to do; only `ok` needs nothing.
            assert_eq!(s.what_to_do() == "Nothing.", !s.is_problem(), "{s}");
        }
    }

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
