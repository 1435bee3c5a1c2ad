//! An upgrade or a switch-version in progress: `show version inactive` and `utils system
//! upgrade status`. (inferred) The documents give no transcript of either (`cucm-interfaces.md`
//! §6.2 names `show version active` only, and says `set cert regen` must not run during an
//! upgrade); the formats below are what we expect and test, each parser tolerant
//! (case-insensitive anchors, extra blank lines and lines, varying spaces).
//!
//! `show version inactive` (inferred), the sibling of `show version active`:
//! ```text
//! Inactive Master Version: 14.0.1.14900-8
//! Inactive Version Installed Software Options:
//! No Installed Software Options Found.
//! ```
//! A node that never had a second version says so without a version number (`Inactive Master
//! Version:` with nothing after it, or a sentence such as `There is no inactive side
//! installed`).
//!
//! `utils system upgrade status` (inferred): one `… Status: <state>` line, optionally
//! followed by details (the file, the percentage):
//! ```text
//! Upgrade Status: Upgrading
//! Upgrade file: UCSInstall_UCOS_14.0.1.14900-8.sgn.iso
//! Percent complete: 40
//! ```
//!
//! | state words (case-insensitive, first that applies) | [`UpgradeState`] |
//! |---|---|
//! | `fail`, `error`, `cancel` | `Failed` |
//! | `idle`, `none`, `not running`, `no upgrade`, `not in progress` | `Idle` |
//! | `complete`, `success` | `Completed` |
//! | `progress`, `upgrading`, `install`, `download`, `running`, `validat`, `switch` | `Running` |
//! | anything else | `Unknown` |

use std::cmp::Ordering;

use super::{ParseError, body, has, status_and_details};

/// `show version inactive`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InactiveVersion {
    /// The version on the inactive partition (`14.0.1.14900-8`), when there is one.
    pub version: Option<String>,
    /// The line read.
    pub line: String,
}

/// Parses `show version inactive` (inferred).
pub fn parse_version_inactive(text: &str) -> Result<InactiveVersion, ParseError> {
    const WHAT: &str = "show version inactive";
    for line in body(text) {
        let t = line.text.trim();
        if has(t, "inactive master version:") || has(t, "inactive version:") {
            let v = t.rsplit(':').next().unwrap_or_default().trim();
            if v.is_empty() {
                return Ok(InactiveVersion {
                    version: None,
                    line: t.to_owned(),
                });
            }
            if version_numbers(v).len() < 2 {
                return Err(ParseError::at(WHAT, &line, "unreadable version number"));
            }
            return Ok(InactiveVersion {
                version: Some(v.to_owned()),
                line: t.to_owned(),
            });
        }
        if has(t, "no inactive") || (has(t, "inactive side") && has(t, "no")) {
            return Ok(InactiveVersion {
                version: None,
                line: t.to_owned(),
            });
        }
    }
    Err(ParseError::missing(
        WHAT,
        "no 'Inactive Master Version:' line and no 'no inactive side' sentence",
    ))
}

/// The numbers of a version (`14.0.1.13900-155` → 14, 0, 1, 13900, 155); stops at the first
/// part that is not a number.
pub fn version_numbers(version: &str) -> Vec<u64> {
    version
        .trim()
        .split(['.', '-'])
        .map_while(|p| p.parse::<u64>().ok())
        .take(8)
        .collect()
}

/// Compares two versions number by number (a missing part counts as 0).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (a, b) = (version_numbers(a), version_numbers(b));
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

/// What `utils system upgrade status` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpgradeState {
    /// No upgrade running.
    Idle,
    /// An upgrade is downloading, validating, installing or switching.
    Running,
    /// An upgrade finished (its version waits on the inactive partition, or was switched to).
    Completed,
    /// The last upgrade failed or was cancelled.
    Failed,
    /// Words we do not know.
    Unknown,
}

/// `utils system upgrade status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpgradeStatus {
    /// The state.
    pub state: UpgradeState,
    /// The status line as printed.
    pub line: String,
    /// The other `name: value` lines (file, percentage).
    pub details: Vec<String>,
}

fn classify(words: &str) -> UpgradeState {
    let w = words.to_ascii_lowercase();
    let any = |needles: &[&str]| needles.iter().any(|n| w.contains(n));
    if any(&["fail", "error", "cancel"]) {
        UpgradeState::Failed
    } else if any(&[
        "idle",
        "none",
        "not running",
        "no upgrade",
        "not in progress",
    ]) {
        UpgradeState::Idle
    } else if any(&["complete", "success"]) {
        UpgradeState::Completed
    } else if any(&[
        "progress",
        "upgrading",
        "install",
        "download",
        "running",
        "validat",
        "switch",
    ]) {
        UpgradeState::Running
    } else {
        UpgradeState::Unknown
    }
}

/// Parses `utils system upgrade status` (inferred).
pub fn parse_upgrade_status(text: &str) -> Result<UpgradeStatus, ParseError> {
    const WHAT: &str = "utils system upgrade status";
    let (state, line, details) = status_and_details(
        text,
        WHAT,
        "no 'Upgrade Status: <state>' line",
        |line, t| match t.split_once(':') {
            Some((name, value)) if has(name, "status") => match value.trim() {
                "" => Err(ParseError::at(WHAT, line, "a status line without a state")),
                value => Ok(Some(classify(value))),
            },
            _ => Ok(None),
        },
        |t| t.contains(':'),
    )?;
    Ok(UpgradeStatus {
        state,
        line,
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inactive_version_with_and_without_a_second_partition() {
        let v = parse_version_inactive(
            "admin:show version inactive\nInactive Master Version: 14.0.1.14900-8\nInactive Version Installed Software Options:\nNo Installed Software Options Found.\n\nadmin:",
        )
        .expect("parses");
        assert_eq!(v.version.as_deref(), Some("14.0.1.14900-8"));
        let none = parse_version_inactive("Inactive Master Version:\n").expect("empty");
        assert_eq!(none.version, None);
        let none = parse_version_inactive("There is no inactive side installed\n").expect("none");
        assert_eq!(none.version, None);
        assert!(parse_version_inactive("Inactive Master Version: fourteen\n").is_err());
        assert!(parse_version_inactive("Active Master Version: 14.0.1.13900-155\n").is_err());
        assert!(parse_version_inactive("").is_err());
    }

    #[test]
    fn versions_compare_number_by_number() {
        assert_eq!(
            compare_versions("14.0.1.14900-8", "14.0.1.13900-155"),
            Ordering::Greater
        );
        assert_eq!(
            compare_versions("12.5.1.11900-146", "14.0.1.13900-155"),
            Ordering::Less
        );
        assert_eq!(compare_versions("14.0", "14.0.0"), Ordering::Equal);
        assert_eq!(version_numbers("11.5.1.x"), vec![11, 5, 1]);
    }

    #[test]
    fn upgrade_states_by_their_words() {
        let running = parse_upgrade_status(
            "Upgrade Status: Upgrading\nUpgrade file: UCSInstall_UCOS_14.0.1.14900-8.sgn.iso\nPercent complete: 40\n",
        )
        .expect("parses");
        assert_eq!(running.state, UpgradeState::Running);
        assert_eq!(running.line, "Upgrade Status: Upgrading");
        assert_eq!(
            running.details,
            [
                "Upgrade file: UCSInstall_UCOS_14.0.1.14900-8.sgn.iso",
                "Percent complete: 40"
            ]
        );
        for (text, state) in [
            ("Upgrade Status: Idle", UpgradeState::Idle),
            ("upgrade   status :  not running", UpgradeState::Idle),
            ("Status: Installation in progress", UpgradeState::Running),
            (
                "Upgrade Status: Upgrade completed; switch version to activate",
                UpgradeState::Completed,
            ),
            ("Upgrade Status: Completed", UpgradeState::Completed),
            ("Upgrade Status: Failed", UpgradeState::Failed),
            ("Upgrade Status: Cancelled by user", UpgradeState::Failed),
            ("Upgrade Status: Switching version", UpgradeState::Running),
            ("Upgrade Status: Paused", UpgradeState::Unknown),
        ] {
            assert_eq!(
                parse_upgrade_status(text).map(|s| s.state),
                Ok(state),
                "{text}"
            );
        }
        assert!(parse_upgrade_status("Upgrade Status:\n").is_err());
        assert!(parse_upgrade_status("No valid command entered\n").is_err());
        assert!(parse_upgrade_status("").is_err());
    }
}
