//! Node and cluster faults that the preflight checks must notice, written
//! `KIND=TARGET[:VALUE]` in the same `--faults` spec as the phone faults. `TARGET` is a node
//! name, `all`, `SERVICE@NODE` or `UNIT@NODE` (services and units by their plan names); an
//! item may repeat.
//!
//! | item | effect |
//! |---|---|
//! | `rollback=T` | enterprise parameter `RollBackToPreGrayback` is True (blank ITLs) |
//! | `replication=<node>:<0\|1\|3\|4>` | `utils dbreplication runtimestate` shows that state for the node |
//! | `backup=failed\|stale\|none` | the newest DRS backup ended `ERROR`, is 30 days old, or there is none |
//! | `cert-expiring=<unit>@<node>:<days>` | `show cert own <unit>` on the node prints a certificate that expires in `<days>` days (0: expired yesterday) |
//! | `service-stopped=<service>@<node>` | the service is stopped (`Component is not running`) on the node |
//! | `fips=<node>` | `utils fips status` says FIPS mode on the node |
//! | `ntp=<node>` | `utils ntp status` says the node is not synchronised |
//! | `lsc=<percent>` | that share of the TVS-capable phones without a phone fault hold an LSC from the publisher's CAPF (non-mixed mode too; in mixed mode they replace the default share of TLS-profile phones) |
//! | `ca-signed=<unit>@<node>` | the unit's certificate on the node is signed by an enterprise CA |
//! | `single-member-group=<group>` | the CallManager group (`CMG-2`) keeps only its first member |
//! | `ctl-differs=<node>` | the TFTP node serves (and `show ctl` prints) the previous CTL, not the cluster's current one (mixed mode only) |
//! | `itl-invalid=<node>` | the TFTP node serves (and `show itl` prints) an ITL whose signature does not verify |
//! | `upgrade=<node>[:running\|installed]` | `utils system upgrade status` says an upgrade is running (default), or completed with the new version waiting on the inactive partition (`show version inactive`) for a switch-version |
//! | `sso=<node>` | `utils sso status` says SAML SSO is enabled |
//! | `imp=<name>` | processnode lists an IM and Presence node `<name>` |
//! | `secure-trunk=<name>[:<host>]` | a SIP trunk `<name>` with a TLS security profile to `<host>` (default `<name>`) |
//! | `ssh-banner-delay=<node>:<secs>` | the node's admin CLI waits `<secs>` seconds (at most 600) before its Welcome banner |
//! | `ssh-drop=<node>` | the node's admin CLI closes the connection in the middle of every command's output (after its first line) |
//! | `pager-ignored=<node>` | the node's admin CLI answers `set cli pagination off` but keeps paging, 20 lines a page whatever the terminal's height |

use std::fmt;

use itl_core::cucm::{CertUnit, Service};

/// A node, or every node.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeTarget {
    /// Every node.
    All,
    /// The node with this name.
    Node(String),
}

impl NodeTarget {
    /// Whether the target names `node`.
    pub fn matches(&self, node: &str) -> bool {
        match self {
            NodeTarget::All => true,
            NodeTarget::Node(n) => n.eq_ignore_ascii_case(node),
        }
    }
}

impl fmt::Display for NodeTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeTarget::All => f.write_str("all"),
            NodeTarget::Node(n) => f.write_str(n),
        }
    }
}

/// What the `backup` fault does to the DRS history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackupFault {
    /// The newest backup ended `ERROR`.
    Failed,
    /// The newest backup succeeded 30 days ago.
    Stale,
    /// No backup at all.
    None,
}

/// What the `upgrade` fault shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpgradeStage {
    /// An upgrade is installing.
    Running,
    /// An upgrade completed; its version waits on the inactive partition for a
    /// switch-version.
    Installed,
}

/// Lines per page of a node with the `pager-ignored` fault.
pub const IGNORED_PAGER_PAGE: usize = 20;

/// Longest `ssh-banner-delay` in seconds.
pub const MAX_BANNER_DELAY_SECS: u32 = 600;

/// The age of a `stale` backup in days.
pub const STALE_BACKUP_DAYS: u64 = 30;

/// One node or cluster fault.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum CheckFault {
    /// `rollback=T`.
    Rollback,
    /// `replication=<node>:<state>`.
    Replication {
        /// The node whose row is broken.
        node: NodeTarget,
        /// Its state: 0, 1, 3 or 4.
        state: u8,
    },
    /// `backup=failed|stale|none`.
    Backup {
        /// What happened.
        what: BackupFault,
    },
    /// `cert-expiring=<unit>@<node>:<days>`.
    CertExpiring {
        /// The unit.
        unit: CertUnit,
        /// The node.
        node: NodeTarget,
        /// Days left (0: expired a day ago).
        days: u32,
    },
    /// `service-stopped=<service>@<node>`.
    ServiceStopped {
        /// The service.
        service: Service,
        /// The node.
        node: NodeTarget,
    },
    /// `fips=<node>`.
    Fips {
        /// The node.
        node: NodeTarget,
    },
    /// `ntp=<node>`.
    Ntp {
        /// The node.
        node: NodeTarget,
    },
    /// `lsc=<percent>`.
    Lsc {
        /// Share of the eligible phones, 0 to 100.
        percent: u8,
    },
    /// `ca-signed=<unit>@<node>`.
    CaSigned {
        /// The unit.
        unit: CertUnit,
        /// The node.
        node: NodeTarget,
    },
    /// `single-member-group=<group>`.
    SingleMemberGroup {
        /// The CallManager group's name.
        group: String,
    },
    /// `ctl-differs=<node>`.
    CtlDiffers {
        /// The TFTP node.
        node: NodeTarget,
    },
    /// `itl-invalid=<node>`.
    ItlInvalid {
        /// The TFTP node.
        node: NodeTarget,
    },
    /// `upgrade=<node>[:running|installed]`.
    Upgrade {
        /// The node.
        node: NodeTarget,
        /// What it shows.
        stage: UpgradeStage,
    },
    /// `sso=<node>`.
    Sso {
        /// The node.
        node: NodeTarget,
    },
    /// `imp=<name>`.
    Imp {
        /// The IM and Presence node's name.
        name: String,
    },
    /// `secure-trunk=<name>[:<host>]`.
    SecureTrunk {
        /// The trunk's name.
        name: String,
        /// Its destination.
        host: String,
    },
    /// `ssh-banner-delay=<node>:<secs>`.
    SshBannerDelay {
        /// The node.
        node: NodeTarget,
        /// Seconds before the Welcome banner.
        secs: u32,
    },
    /// `ssh-drop=<node>`.
    SshDrop {
        /// The node.
        node: NodeTarget,
    },
    /// `pager-ignored=<node>`.
    PagerIgnored {
        /// The node.
        node: NodeTarget,
    },
}

/// The kind names of [`CheckFault`].
pub const CHECK_FAULT_KINDS: [&str; 19] = [
    "rollback",
    "replication",
    "backup",
    "cert-expiring",
    "service-stopped",
    "fips",
    "ntp",
    "ca-signed",
    "lsc",
    "single-member-group",
    "ctl-differs",
    "itl-invalid",
    "upgrade",
    "sso",
    "imp",
    "secure-trunk",
    "ssh-banner-delay",
    "ssh-drop",
    "pager-ignored",
];

/// A name that is not a node: a CallManager group, an IM and Presence node, a trunk or a host
/// (letters, digits, `-`, `_`, `.`; at most 63 characters).
fn plain_name(what: &str, text: &str) -> Result<String, String> {
    let t = text.trim();
    let ok = !t.is_empty()
        && t.len() <= 63
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(t.to_owned())
    } else {
        Err(format!(
            "{t:?} is not a valid {what} name (letters, digits, '-', '_', '.')"
        ))
    }
}

fn node_target(text: &str) -> Result<NodeTarget, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("all") {
        return Ok(NodeTarget::All);
    }
    let ok = !t.is_empty()
        && t.len() <= 63
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(NodeTarget::Node(t.to_owned()))
    } else {
        Err(format!("{t:?} is not a node name or `all`"))
    }
}

impl CheckFault {
    /// Parses the value of `kind=value`; `None` when `kind` is not a check fault.
    pub fn parse(kind: &str, value: &str) -> Option<Result<Self, String>> {
        let v = value.trim();
        Some(match kind {
            "rollback" => match v {
                "T" | "t" | "true" => Ok(CheckFault::Rollback),
                _ => Err(format!("rollback takes T, not {v:?}")),
            },
            "replication" => (|| {
                let (node, state) = v
                    .split_once(':')
                    .ok_or("expected replication=<node>:<0|1|3|4>")?;
                let state: u8 = match state.trim() {
                    "0" => 0,
                    "1" => 1,
                    "3" => 3,
                    "4" => 4,
                    other => {
                        return Err(format!("replication state {other:?} is not 0, 1, 3 or 4"));
                    }
                };
                Ok(CheckFault::Replication {
                    node: node_target(node)?,
                    state,
                })
            })(),
            "backup" => match v.to_ascii_lowercase().as_str() {
                "failed" => Ok(BackupFault::Failed),
                "stale" => Ok(BackupFault::Stale),
                "none" => Ok(BackupFault::None),
                _ => Err(format!("backup takes failed, stale or none, not {v:?}")),
            }
            .map(|what| CheckFault::Backup { what }),
            "cert-expiring" => (|| {
                let (target, days) = v
                    .rsplit_once(':')
                    .ok_or("expected cert-expiring=<unit>@<node>:<days>")?;
                let (unit, node) = target
                    .split_once('@')
                    .ok_or("expected cert-expiring=<unit>@<node>:<days>")?;
                let unit = CertUnit::parse(unit.trim())
                    .ok_or_else(|| format!("{unit:?} is not a unit ({})", CertUnit::names()))?;
                let days: u32 = days
                    .trim()
                    .parse()
                    .ok()
                    .filter(|d| *d <= 3650)
                    .ok_or_else(|| format!("{days:?} is not a number of days (0 to 3650)"))?;
                Ok(CheckFault::CertExpiring {
                    unit,
                    node: node_target(node)?,
                    days,
                })
            })(),
            "service-stopped" => (|| {
                let (service, node) = v
                    .split_once('@')
                    .ok_or("expected service-stopped=<service>@<node>")?;
                let service = Service::parse(service.trim()).ok_or_else(|| {
                    format!("{service:?} is not a service ({})", Service::plan_names())
                })?;
                Ok(CheckFault::ServiceStopped {
                    service,
                    node: node_target(node)?,
                })
            })(),
            "ca-signed" => (|| {
                let (unit, node) = v
                    .split_once('@')
                    .ok_or("expected ca-signed=<unit>@<node>")?;
                let unit = CertUnit::parse(unit.trim())
                    .ok_or_else(|| format!("{unit:?} is not a unit ({})", CertUnit::names()))?;
                Ok(CheckFault::CaSigned {
                    unit,
                    node: node_target(node)?,
                })
            })(),
            "lsc" => v
                .strip_suffix('%')
                .unwrap_or(v)
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 100)
                .map(|percent| CheckFault::Lsc { percent })
                .ok_or_else(|| format!("lsc takes a percentage (0 to 100), not {v:?}")),
            "fips" => node_target(v).map(|node| CheckFault::Fips { node }),
            "ntp" => node_target(v).map(|node| CheckFault::Ntp { node }),
            "single-member-group" => plain_name("CallManager group", v)
                .map(|group| CheckFault::SingleMemberGroup { group }),
            "ctl-differs" => node_target(v).map(|node| CheckFault::CtlDiffers { node }),
            "itl-invalid" => node_target(v).map(|node| CheckFault::ItlInvalid { node }),
            "upgrade" => (|| {
                let (node, stage) = match v.split_once(':') {
                    Some((n, s)) => (n, s.trim()),
                    None => (v, "running"),
                };
                let stage = match stage.to_ascii_lowercase().as_str() {
                    "running" => UpgradeStage::Running,
                    "installed" => UpgradeStage::Installed,
                    _ => {
                        return Err(format!(
                            "upgrade takes <node>[:running|installed], not {v:?}"
                        ));
                    }
                };
                Ok(CheckFault::Upgrade {
                    node: node_target(node)?,
                    stage,
                })
            })(),
            "sso" => node_target(v).map(|node| CheckFault::Sso { node }),
            "imp" => plain_name("IM and Presence node", v).map(|name| CheckFault::Imp { name }),
            "secure-trunk" => (|| {
                let (name, host) = match v.split_once(':') {
                    Some((n, h)) => (plain_name("trunk", n)?, plain_name("host", h)?),
                    None => (plain_name("trunk", v)?, plain_name("host", v)?),
                };
                Ok(CheckFault::SecureTrunk { name, host })
            })(),
            "ssh-banner-delay" => (|| {
                let (node, secs) = v
                    .split_once(':')
                    .ok_or("expected ssh-banner-delay=<node>:<secs>")?;
                let secs: u32 = secs
                    .trim()
                    .trim_end_matches('s')
                    .parse()
                    .ok()
                    .filter(|s| *s <= MAX_BANNER_DELAY_SECS)
                    .ok_or_else(|| {
                        format!(
                            "{secs:?} is not a number of seconds (0 to {MAX_BANNER_DELAY_SECS})"
                        )
                    })?;
                Ok(CheckFault::SshBannerDelay {
                    node: node_target(node)?,
                    secs,
                })
            })(),
            "ssh-drop" => node_target(v).map(|node| CheckFault::SshDrop { node }),
            "pager-ignored" => node_target(v).map(|node| CheckFault::PagerIgnored { node }),
            _ => return None,
        })
    }

    /// The node the fault names, if it names one.
    pub fn node(&self) -> Option<&NodeTarget> {
        match self {
            CheckFault::Rollback
            | CheckFault::Backup { .. }
            | CheckFault::Lsc { .. }
            | CheckFault::SingleMemberGroup { .. }
            | CheckFault::Imp { .. }
            | CheckFault::SecureTrunk { .. } => None,
            CheckFault::Replication { node, .. }
            | CheckFault::CertExpiring { node, .. }
            | CheckFault::ServiceStopped { node, .. }
            | CheckFault::Fips { node }
            | CheckFault::Ntp { node }
            | CheckFault::CaSigned { node, .. }
            | CheckFault::CtlDiffers { node }
            | CheckFault::ItlInvalid { node }
            | CheckFault::Upgrade { node, .. }
            | CheckFault::Sso { node }
            | CheckFault::SshBannerDelay { node, .. }
            | CheckFault::SshDrop { node }
            | CheckFault::PagerIgnored { node } => Some(node),
        }
    }
}

impl fmt::Display for CheckFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckFault::Rollback => f.write_str("rollback=T"),
            CheckFault::Replication { node, state } => write!(f, "replication={node}:{state}"),
            CheckFault::Backup { what } => write!(
                f,
                "backup={}",
                match what {
                    BackupFault::Failed => "failed",
                    BackupFault::Stale => "stale",
                    BackupFault::None => "none",
                }
            ),
            CheckFault::CertExpiring { unit, node, days } => {
                write!(f, "cert-expiring={}@{node}:{days}", unit.name())
            }
            CheckFault::ServiceStopped { service, node } => {
                write!(f, "service-stopped={}@{node}", service.plan_name())
            }
            CheckFault::Fips { node } => write!(f, "fips={node}"),
            CheckFault::Ntp { node } => write!(f, "ntp={node}"),
            CheckFault::Lsc { percent } => write!(f, "lsc={percent}%"),
            CheckFault::CaSigned { unit, node } => write!(f, "ca-signed={}@{node}", unit.name()),
            CheckFault::SingleMemberGroup { group } => write!(f, "single-member-group={group}"),
            CheckFault::CtlDiffers { node } => write!(f, "ctl-differs={node}"),
            CheckFault::ItlInvalid { node } => write!(f, "itl-invalid={node}"),
            CheckFault::Upgrade { node, stage } => write!(
                f,
                "upgrade={node}:{}",
                match stage {
                    UpgradeStage::Running => "running",
                    UpgradeStage::Installed => "installed",
                }
            ),
            CheckFault::Sso { node } => write!(f, "sso={node}"),
            CheckFault::Imp { name } => write!(f, "imp={name}"),
            CheckFault::SecureTrunk { name, host } => write!(f, "secure-trunk={name}:{host}"),
            CheckFault::SshBannerDelay { node, secs } => {
                write!(f, "ssh-banner-delay={node}:{secs}")
            }
            CheckFault::SshDrop { node } => write!(f, "ssh-drop={node}"),
            CheckFault::PagerIgnored { node } => write!(f, "pager-ignored={node}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: &str, value: &str) -> Result<CheckFault, String> {
        CheckFault::parse(kind, value).expect("a check fault")
    }

    #[test]
    fn parses_every_kind_and_prints_it_back() {
        for (kind, value) in [
            ("rollback", "T"),
            ("replication", "ucm-sub1:3"),
            ("backup", "failed"),
            ("backup", "stale"),
            ("backup", "none"),
            ("cert-expiring", "CallManager@ucm-pub:10"),
            ("service-stopped", "TVS@ucm-sub1"),
            ("fips", "all"),
            ("ntp", "ucm-sub2"),
            ("ca-signed", "tomcat@ucm-sub1"),
            ("lsc", "25%"),
            ("single-member-group", "CMG-2"),
            ("ctl-differs", "ucm-sub1"),
            ("itl-invalid", "ucm-pub"),
            ("upgrade", "ucm-sub1:running"),
            ("upgrade", "ucm-sub2:installed"),
            ("sso", "all"),
            ("imp", "imp-pub"),
            ("secure-trunk", "to-expressway:vcs-c.example.com"),
            ("ssh-banner-delay", "ucm-sub1:30"),
            ("ssh-drop", "ucm-sub2"),
            ("pager-ignored", "ucm-pub"),
        ] {
            let fault = parse(kind, value).expect(value);
            assert_eq!(fault.to_string(), format!("{kind}={value}"));
        }
        assert_eq!(
            parse("replication", "ucm-sub1:4"),
            Ok(CheckFault::Replication {
                node: NodeTarget::Node("ucm-sub1".into()),
                state: 4
            })
        );
        assert!(CheckFault::parse("stale-itl", "2%").is_none());
        assert_eq!(
            parse("upgrade", "ucm-sub1"),
            Ok(CheckFault::Upgrade {
                node: NodeTarget::Node("ucm-sub1".into()),
                stage: UpgradeStage::Running
            })
        );
        assert_eq!(
            parse("secure-trunk", "to-cuc"),
            Ok(CheckFault::SecureTrunk {
                name: "to-cuc".into(),
                host: "to-cuc".into()
            })
        );
        assert_eq!(
            parse("ssh-banner-delay", "ucm-pub:5s"),
            Ok(CheckFault::SshBannerDelay {
                node: NodeTarget::Node("ucm-pub".into()),
                secs: 5
            })
        );
        assert_eq!(parse("imp", "imp-pub").map(|f| f.node().cloned()), Ok(None));
    }

    #[test]
    fn rejects_bad_values_saying_why() {
        for (kind, value, why) in [
            ("rollback", "F", "takes T"),
            ("replication", "ucm-sub1", "expected"),
            ("replication", "ucm-sub1:2", "not 0, 1, 3 or 4"),
            ("backup", "late", "failed, stale or none"),
            ("cert-expiring", "CallManager@ucm-pub", "expected"),
            ("cert-expiring", "Foo@ucm-pub:3", "not a unit"),
            ("cert-expiring", "TVS@ucm-pub:x", "number of days"),
            ("service-stopped", "TVS", "expected"),
            ("service-stopped", "Nope@ucm-pub", "not a service"),
            ("fips", "", "not a node name"),
            ("ntp", "a b", "not a node name"),
            ("ca-signed", "tomcat", "expected"),
            ("ca-signed", "Foo@ucm-pub", "not a unit"),
            ("lsc", "101%", "percentage"),
            ("lsc", "many", "percentage"),
            (
                "single-member-group",
                "",
                "not a valid CallManager group name",
            ),
            (
                "single-member-group",
                "CMG 2",
                "not a valid CallManager group name",
            ),
            ("ctl-differs", "", "not a node name"),
            ("itl-invalid", "a/b", "not a node name"),
            ("upgrade", "ucm-sub1:later", "running|installed"),
            ("upgrade", ":running", "not a node name"),
            ("sso", "", "not a node name"),
            ("imp", "imp pub", "not a valid IM and Presence node name"),
            ("secure-trunk", "trunk:", "not a valid host name"),
            ("ssh-banner-delay", "ucm-pub", "expected"),
            ("ssh-banner-delay", "ucm-pub:601", "number of seconds"),
            ("ssh-banner-delay", "ucm-pub:x", "number of seconds"),
            ("ssh-drop", "", "not a node name"),
            ("pager-ignored", "a b", "not a node name"),
        ] {
            let e = parse(kind, value).expect_err(value);
            assert!(e.contains(why), "{kind}={value}: {e}");
        }
    }

    #[test]
    fn targets_match_by_name_or_all() {
        assert!(NodeTarget::All.matches("ucm-pub"));
        assert!(NodeTarget::Node("UCM-PUB".into()).matches("ucm-pub"));
        assert!(!NodeTarget::Node("ucm-sub1".into()).matches("ucm-pub"));
    }
}
