//! The state a sweep reports for one phone, the one vocabulary of sweep reports, the
//! simulator's truth and the predictor's inputs.

use serde::{Deserialize, Serialize};

/// Whether a state is fine, a problem to fix, or a state that could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateClass {
    /// The phone holds what its TFTP server serves.
    Ok,
    /// The phone's trust lists need attention before a certificate change.
    Problem,
    /// The sweep could not read the phone's trust lists.
    Unread,
}

impl StateClass {
    /// `ok`, `problem` or `unread`.
    pub fn name(self) -> &'static str {
        match self {
            StateClass::Ok => "ok",
            StateClass::Problem => "problem",
            StateClass::Unread => "unread",
        }
    }
}

named!(StateClass, name);

/// What a sweep concludes about one phone. A phone's web page shows only a hash, so a list no
/// TFTP node serves now is told apart (older list of this cluster, another cluster's list)
/// only by the archive of earlier sweeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhoneState {
    /// The phone holds the ITL (and CTL) its TFTP server serves now.
    Ok,
    /// The phone holds an ITL no TFTP node serves now and no earlier sweep archived.
    UnknownItl,
    /// The phone holds an older ITL of this cluster (an earlier sweep of it archived the list).
    StaleItl,
    /// The phone holds another cluster's ITL (an earlier sweep of that cluster archived it).
    ForeignItl,
    /// The phone's latest trust-list download since its last boot failed.
    UpdateFailed,
    /// Mixed mode, and the phone's CTL is not the served one.
    CtlMismatch,
    /// The phone holds no ITL (or a blank rollback ITL).
    NoTrustList,
    /// The phone's web pages show no trust list (7940G, 7945G, 6921, DX80 pages carry none).
    NoTrustInfo,
    /// The phone's web server is off.
    WebDisabled,
    /// The phone's web server did not answer.
    Unreachable,
    /// The phone's pages were not understood.
    Unparseable,
    /// The phone is not registered.
    Unregistered,
    /// The sweep stopped before reaching the phone.
    NotScanned,
}

impl PhoneState {
    /// Every state, in report order: `ok`, the problems, then the states that could not be read.
    pub const ALL: [PhoneState; 13] = [
        PhoneState::Ok,
        PhoneState::UnknownItl,
        PhoneState::StaleItl,
        PhoneState::ForeignItl,
        PhoneState::UpdateFailed,
        PhoneState::CtlMismatch,
        PhoneState::NoTrustList,
        PhoneState::NoTrustInfo,
        PhoneState::WebDisabled,
        PhoneState::Unreachable,
        PhoneState::Unparseable,
        PhoneState::Unregistered,
        PhoneState::NotScanned,
    ];

    /// The report name (`stale-itl`...).
    pub fn name(self) -> &'static str {
        match self {
            PhoneState::Ok => "ok",
            PhoneState::UnknownItl => "unknown-itl",
            PhoneState::StaleItl => "stale-itl",
            PhoneState::ForeignItl => "foreign-itl",
            PhoneState::UpdateFailed => "update-failed",
            PhoneState::CtlMismatch => "ctl-mismatch",
            PhoneState::NoTrustList => "no-trust-list",
            PhoneState::NoTrustInfo => "no-trust-info",
            PhoneState::WebDisabled => "web-disabled",
            PhoneState::Unreachable => "unreachable",
            PhoneState::Unparseable => "unparseable",
            PhoneState::Unregistered => "unregistered",
            PhoneState::NotScanned => "not-scanned",
        }
    }

    /// Reads a report name exactly as [`PhoneState::name`] writes it.
    pub fn parse(text: &str) -> Option<PhoneState> {
        Self::ALL.into_iter().find(|state| state.name() == text)
    }

    /// Whether the state is fine, a problem, or could not be read.
    pub fn class(self) -> StateClass {
        match self {
            PhoneState::Ok => StateClass::Ok,
            PhoneState::UnknownItl
            | PhoneState::StaleItl
            | PhoneState::ForeignItl
            | PhoneState::UpdateFailed
            | PhoneState::CtlMismatch
            | PhoneState::NoTrustList => StateClass::Problem,
            PhoneState::NoTrustInfo
            | PhoneState::WebDisabled
            | PhoneState::Unreachable
            | PhoneState::Unparseable
            | PhoneState::Unregistered
            | PhoneState::NotScanned => StateClass::Unread,
        }
    }

    /// True for the states that need attention (class `problem`).
    pub fn is_problem(self) -> bool {
        self.class() == StateClass::Problem
    }

    /// True when the sweep could not read the phone's trust lists (class `unread`).
    pub fn is_unread(self) -> bool {
        self.class() == StateClass::Unread
    }

    /// One line for people.
    pub fn description(self) -> &'static str {
        match self {
            PhoneState::Ok => "holds the ITL (and CTL) its TFTP server serves",
            PhoneState::UnknownItl => "holds an ITL no sweep has seen served",
            PhoneState::StaleItl => "holds an older ITL of this cluster",
            PhoneState::ForeignItl => "holds another cluster's ITL",
            PhoneState::UpdateFailed => "its last trust-list download failed",
            PhoneState::CtlMismatch => "holds another CTL than the one served",
            PhoneState::NoTrustList => "holds no ITL",
            PhoneState::NoTrustInfo => "its web pages do not show its trust lists",
            PhoneState::WebDisabled => "web access is off",
            PhoneState::Unreachable => "web server did not answer",
            PhoneState::Unparseable => "web page not understood",
            PhoneState::Unregistered => "not registered",
            PhoneState::NotScanned => "sweep stopped before this phone",
        }
    }

    /// What the state means for the phone, for people (reports, the README).
    pub fn meaning(self) -> &'static str {
        match self {
            PhoneState::Ok => {
                "The phone holds the ITL (and, in mixed mode, the CTL) its TFTP server serves now: it trusts the current signers."
            }
            PhoneState::UnknownItl => {
                "The phone holds an ITL that no TFTP node serves now and that no earlier sweep archived: it is either an older list of this cluster or another cluster's, which only an archive of earlier sweeps can tell; either way it may refuse this cluster's next files."
            }
            PhoneState::StaleItl => {
                "The phone holds an older ITL of this cluster: it missed or refused the current one, and accepts the next signer change only if its old ITL or TVS vouches for the new signer."
            }
            PhoneState::ForeignItl => {
                "The phone holds an ITL an earlier sweep saw on another cluster: this cluster's signers are not in it, so it refuses this cluster's signed files unless TVS vouches for them."
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
            PhoneState::NoTrustInfo => {
                "The phone's web pages do not show its trust lists (7940G, 7945G, 6921 and DX80 pages carry no ITL or CTL field): its trust state is visible on the handset only."
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
            PhoneState::UnknownItl => {
                "Check the phone's TFTP server and reset it so it downloads the current ITL; if it refuses it, treat it as stale-itl or foreign-itl. Sweep before every change (the archive keeps every list a sweep sees) so that later sweeps can tell an older list of this cluster from another cluster's."
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
            PhoneState::NoTrustInfo => {
                "Check the phone's trust list on the handset (Settings › Security Configuration › Trust List); its registration (RisPort) shows whether it took the files served."
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
}

named!(PhoneState, name, parse: UnknownState, |s| UnknownState(s.to_owned()));

unknown_word! {
    /// A state name that is not one of [`PhoneState::ALL`].
    UnknownState: "unknown phone state {0:?}"
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
            // Every state but `ok` has something to do.
            assert_eq!(s.what_to_do() == "Nothing.", s == PhoneState::Ok, "{s}");
        }
    }

    #[test]
    fn classes_of_the_published_table() {
        let of = |class| {
            PhoneState::ALL
                .into_iter()
                .filter(|s| s.class() == class)
                .map(PhoneState::name)
                .collect::<Vec<_>>()
        };
        assert_eq!(of(StateClass::Ok), ["ok"]);
        assert_eq!(
            of(StateClass::Problem),
            [
                "unknown-itl",
                "stale-itl",
                "foreign-itl",
                "update-failed",
                "ctl-mismatch",
                "no-trust-list"
            ]
        );
        assert_eq!(
            of(StateClass::Unread),
            [
                "no-trust-info",
                "web-disabled",
                "unreachable",
                "unparseable",
                "unregistered",
                "not-scanned"
            ]
        );
        assert!(PhoneState::UnknownItl.is_problem() && !PhoneState::UnknownItl.is_unread());
        assert!(PhoneState::NoTrustInfo.is_unread() && !PhoneState::NoTrustInfo.is_problem());
        assert!(!PhoneState::Ok.is_problem() && !PhoneState::Ok.is_unread());
    }

    #[test]
    fn state_names_round_trip() {
        super::super::assert_names_read_back(&PhoneState::ALL, PhoneState::name);
        for s in PhoneState::ALL {
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
