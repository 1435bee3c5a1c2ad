//! After a crash: did a step that started take effect? A pure judgement of what was observed
//! before the step and what is observed now, so that `resume` never repeats a step blindly.
//!
//! | action | took effect when | otherwise |
//! |---|---|---|
//! | `set cert regen <unit>` | the unit's serial on the node differs from before | repeat |
//! | `utils ctl update CTLFile`, `utils ctl reset localkey` | the CTL the publisher's TFTP serves differs from before (any TFTP node when the publisher serves none) | repeat |
//! | `utils itl reset localkey` | an ITL some TFTP node serves differs from before | repeat |
//! | service restart | the service is `Started` or `Starting` and has been up for less time than has passed since the step began | repeat |
//! | service stop | `Stopped` or `Stopping` | repeat |
//! | service start | `Started` or `Starting` | repeat |
//! | delete old trust | none of the entries listed before remains | repeat (the driver deletes only what remains) |
//! | backup | a successful backup newer than the step's start | repeat |
//! | reset phones, reissue LSCs | never as a whole | continue: the driver skips phones that re-registered (or whose operation is pending) since the step first started |
//! | `utils ipsec restart` | cannot be observed | repeat (restarting ipsec again is harmless) |
//! | wait | — | continue the remaining time |
//! | gate | — | judged again (a gate changes nothing) |

use super::journal::Observation;
use super::program::ActionKind;
use itl_wire::soap::control_center::ControlType;

/// The judgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// It took effect: record it `observed`, do not run it again.
    TookEffect,
    /// It did not (or cannot be told): run it again.
    Repeat,
    /// Continue it from where it stopped (resets in batches, LSC re-issue, waits).
    Continue,
}

const CTL: &str = "CTLFile.tlv";
const ITL: &str = "ITLFile.tlv";

/// Judges `action`, observed `before` its last start and `now`.
pub fn settle(action: &ActionKind, before: &Observation, now: &Observation) -> Settled {
    let took = |yes: bool| {
        if yes {
            Settled::TookEffect
        } else {
            Settled::Repeat
        }
    };
    match action {
        ActionKind::Regen { node, unit } => {
            let (b, n) = (before.serial(node, *unit), now.serial(node, *unit));
            took(b.is_some() && n.is_some() && b != n)
        }
        ActionKind::CtlUpdate { node } | ActionKind::CtlResetLocalkey { node } => {
            took(served_changed(before, now, CTL, Some(node)))
        }
        ActionKind::ItlResetLocalkey { .. } => took(served_changed(before, now, ITL, None)),
        ActionKind::Service { node, service, op } => {
            let Some(fact) = now.service(node, *service) else {
                return Settled::Repeat;
            };
            let status = fact.status.to_ascii_lowercase();
            let running = status == "started" || status == "starting";
            let stopped = status == "stopped" || status == "stopping";
            match op {
                ControlType::Stop => took(stopped),
                ControlType::Start => took(running),
                ControlType::Restart => {
                    let elapsed = now.at.since(before.at);
                    took(running && fact.up_secs.is_some_and(|up| up < elapsed))
                }
            }
        }
        ActionKind::DeleteOldTrust { node } => {
            let listed: Vec<&str> = before
                .trust
                .iter()
                .filter(|t| &t.node == node)
                .map(|t| t.entry.as_str())
                .collect();
            let remaining = now
                .trust
                .iter()
                .any(|t| &t.node == node && listed.contains(&t.entry.as_str()));
            took(!remaining)
        }
        ActionKind::Backup { .. } => took(now.newest_backup.is_some_and(|t| t > before.at)),
        ActionKind::ResetPhones { .. }
        | ActionKind::ReissueLsc { .. }
        | ActionKind::Wait { .. } => Settled::Continue,
        ActionKind::IpsecRestart { .. } | ActionKind::Gate { .. } => Settled::Repeat,
    }
}

/// Whether `file` changed: on `node` when it was observed there both times, else on any node
/// observed both times.
fn served_changed(before: &Observation, now: &Observation, file: &str, node: Option<&str>) -> bool {
    if let Some(node) = node
        && let (Some(b), Some(n)) = (before.served(node, file), now.served(node, file))
    {
        return b != n;
    }
    before.served.iter().filter(|b| b.file == file).any(|b| {
        now.served(&b.node, file)
            .is_some_and(|n| n != b.sha256.as_deref())
    })
}

#[cfg(test)]
mod tests;
