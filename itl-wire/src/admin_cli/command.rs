//! The commands `itl` sends to the admin CLI, typed: the exact text each renders to, the
//! confirmation it is expected to ask, its default timeout and the privilege it needs.
//!
//! | command | privilege | confirmation | timeout | source |
//! |---|---|---|---|---|
//! | `set cli pagination off` | 1 | — | 30 s | §6.1, §6.5 |
//! | `set cert regen <unit>` | 1 | `(yes\|no)?` | 300 s (inferred) | §6.2 |
//! | `utils ctl update CTLFile` | 1 | `(y/n):` | 300 s (inferred) | §6.2 |
//! | `utils itl reset localkey` | 4 | `(y/n):` (inferred) | 300 s (inferred) | §6.2 |
//! | `utils ctl reset localkey` | 4 | `(y/n):` (inferred) | 300 s (inferred) | §6.2 |
//! | `utils service restart <name>` | 1 | — | 600 s | §6.1, §6.5 (300–600 s) |
//! | `utils service stop <name>`, `utils service start <name>` | 1 | — | 600 s | §6.1 (inferred: named by the restart's family) |
//! | `set cert delete <store> <file>` | 1 (inferred) | — | 120 s (inferred) | inferred: the documents name no delete command (`trust-and-procedure.md` §5.6) |
//! | `utils service list` | 1 | — | 120 s | §6.5 |
//! | `utils ipsec restart` | 1 | — | 300 s (inferred) | §6.2 |
//! | `utils dbreplication runtimestate` | 1 (inferred) | — | 180 s | §6.5 |
//! | `utils disaster_recovery history backup` | 1 | — | 60 s (inferred) | §6.2 |
//! | `utils disaster_recovery status backup` | 1 (inferred) | — | 60 s (inferred) | §6.2 |
//! | `utils disaster_recovery backup network <features> <path> <server> <user>` | 1 (inferred) | — | 120 s (inferred) | CLI reference |
//! | `show itl`, `show ctl` | 0 | — | 60 s (inferred) | §6.2 |
//! | `show cert list own\|trust`, `show cert own <unit>/<unit>.pem` | 1 | — | 60 s (inferred) | §6.2 |
//! | `run sql <query>` | 1 | — | 120 s (inferred) | §6.2 |
//! | `show version active`, `show network cluster` | 0 | — | 60 s (inferred) | §6.2 |
//! | `utils ntp status` | 0 (inferred) | — | 60 s (inferred) | §6.2 |
//! | `utils fips status` | 1 (inferred) | — | 60 s (inferred) | §6.5 |
//! | `show version inactive` | 0 (inferred, as `show version active`) | — | 60 s (inferred) | §6.2 (sibling of `show version active`) |
//! | `utils system upgrade status` | 1 (inferred) | — | 60 s (inferred) | inferred |
//! | `utils sso status` | 1 (inferred) | — | 60 s (inferred) | inferred |
//!
//! The localkey prompts are unknown (`cucm-interfaces.md` §9, question 4): we expect the
//! `(y/n):` style of their `utils ctl` sibling. If a real node asks another style, the
//! session declines it and reports an unexpected confirmation; nothing is changed.
//!
//! Arguments are checked before rendering ([`Command::render`]): no control characters (a
//! newline inside an argument would type a second command), no empty arguments, and no
//! spaces where the CLI separates arguments by spaces.

use std::fmt;
use std::time::Duration;

use itl_core::cucm::CertUnit;

use super::recognise::Confirmation;

/// An OS administrator's privilege level (§6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Privilege {
    /// 0: ordinary (`show itl`).
    Ordinary = 0,
    /// 1: advanced.
    Advanced = 1,
    /// 4: full administrator (created at install).
    Full = 4,
}

impl Privilege {
    /// The level number.
    pub fn level(self) -> u8 {
        self as u8
    }

    /// The privilege of a level number (0, 1 or 4).
    pub fn from_level(level: u8) -> Option<Self> {
        match level {
            0 => Some(Privilege::Ordinary),
            1 => Some(Privilege::Advanced),
            4 => Some(Privilege::Full),
            _ => None,
        }
    }
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.level())
    }
}

/// A command `itl` sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `set cli pagination off`.
    PaginationOff,
    /// `set cert regen <unit>`.
    CertRegen(CertUnit),
    /// `utils ctl update CTLFile`.
    CtlUpdate,
    /// `utils itl reset localkey`.
    ItlResetLocalkey,
    /// `utils ctl reset localkey`.
    CtlResetLocalkey,
    /// `utils service restart <name>` (`Cisco Tftp`).
    ServiceRestart(String),
    /// `utils service stop <name>` (inferred).
    ServiceStop(String),
    /// `utils service start <name>` (inferred).
    ServiceStart(String),
    /// `set cert delete <store> <file>` (inferred): deletes one trust certificate of the node.
    CertDelete {
        /// Trust store (`CallManager-trust`).
        store: String,
        /// File name as `show cert list trust` prints it (`ucm-sub1.pem`).
        file: String,
    },
    /// `utils service list`.
    ServiceList,
    /// `utils ipsec restart`.
    IpsecRestart,
    /// `utils dbreplication runtimestate`.
    ReplicationRuntimeState,
    /// `utils disaster_recovery history backup`.
    BackupHistory,
    /// `utils disaster_recovery status backup`.
    BackupStatus,
    /// `utils disaster_recovery backup network <features> <path> <server> <user>`; features
    /// are joined with commas.
    BackupNetwork {
        /// Feature names (`UCM`, `CDR_CAR`...).
        features: Vec<String>,
        /// Directory on the SFTP server.
        path: String,
        /// SFTP server.
        server: String,
        /// SFTP user.
        user: String,
    },
    /// `show itl`.
    ShowItl,
    /// `show ctl`.
    ShowCtl,
    /// `show cert list own`.
    CertListOwn,
    /// `show cert list trust`.
    CertListTrust,
    /// `show cert own <unit>/<unit>.pem`.
    CertOwn(CertUnit),
    /// `run sql <query>`.
    Sql(String),
    /// `show version active`.
    VersionActive,
    /// `show network cluster`.
    NetworkCluster,
    /// `utils ntp status`.
    NtpStatus,
    /// `utils fips status`.
    FipsStatus,
    /// `show version inactive`.
    VersionInactive,
    /// `utils system upgrade status`.
    UpgradeStatus,
    /// `utils sso status`.
    SsoStatus,
}

/// An argument that cannot be typed safely.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: {reason}")]
pub struct InvalidArgument {
    /// Which argument.
    pub what: &'static str,
    /// Its value (control characters escaped by `Debug`).
    pub value: String,
    /// Why.
    pub reason: &'static str,
}

/// Longest command line we type (the CLI's own limit is unknown; `run sql` is the long one).
pub const MAX_COMMAND_LEN: usize = 4096;

fn check(what: &'static str, value: &str, spaces: bool) -> Result<(), InvalidArgument> {
    let bad = |reason| {
        Err(InvalidArgument {
            what,
            value: value.to_owned(),
            reason,
        })
    };
    if value.trim().is_empty() {
        return bad("empty");
    }
    if value.chars().any(char::is_control) {
        return bad("contains a control character");
    }
    if !spaces && value.chars().any(char::is_whitespace) {
        return bad("contains a space");
    }
    if value.len() > MAX_COMMAND_LEN {
        return bad("too long");
    }
    Ok(())
}

impl Command {
    /// The exact command line (without the newline), after checking the arguments.
    pub fn render(&self) -> Result<String, InvalidArgument> {
        Ok(match self {
            Command::PaginationOff => "set cli pagination off".into(),
            Command::CertRegen(unit) => format!("set cert regen {unit}"),
            Command::CtlUpdate => "utils ctl update CTLFile".into(),
            Command::ItlResetLocalkey => "utils itl reset localkey".into(),
            Command::CtlResetLocalkey => "utils ctl reset localkey".into(),
            Command::ServiceRestart(name) => {
                check("service name", name, true)?;
                format!("utils service restart {}", name.trim())
            }
            Command::ServiceStop(name) => {
                check("service name", name, true)?;
                format!("utils service stop {}", name.trim())
            }
            Command::ServiceStart(name) => {
                check("service name", name, true)?;
                format!("utils service start {}", name.trim())
            }
            Command::CertDelete { store, file } => {
                check("trust store", store, false)?;
                check("certificate file", file, false)?;
                format!("set cert delete {store} {file}")
            }
            Command::ServiceList => "utils service list".into(),
            Command::IpsecRestart => "utils ipsec restart".into(),
            Command::ReplicationRuntimeState => "utils dbreplication runtimestate".into(),
            Command::BackupHistory => "utils disaster_recovery history backup".into(),
            Command::BackupStatus => "utils disaster_recovery status backup".into(),
            Command::BackupNetwork {
                features,
                path,
                server,
                user,
            } => {
                if features.is_empty() {
                    return Err(InvalidArgument {
                        what: "feature list",
                        value: String::new(),
                        reason: "empty",
                    });
                }
                for f in features {
                    check("feature", f, false)?;
                    if f.contains(',') {
                        return Err(InvalidArgument {
                            what: "feature",
                            value: f.clone(),
                            reason: "contains a comma",
                        });
                    }
                }
                check("backup path", path, false)?;
                check("backup server", server, false)?;
                check("backup user", user, false)?;
                format!(
                    "utils disaster_recovery backup network {} {path} {server} {user}",
                    features.join(",")
                )
            }
            Command::ShowItl => "show itl".into(),
            Command::ShowCtl => "show ctl".into(),
            Command::CertListOwn => "show cert list own".into(),
            Command::CertListTrust => "show cert list trust".into(),
            Command::CertOwn(unit) => format!("show cert own {unit}/{unit}.pem"),
            Command::Sql(query) => {
                check("SQL query", query, true)?;
                format!("run sql {}", query.trim())
            }
            Command::VersionActive => "show version active".into(),
            Command::NetworkCluster => "show network cluster".into(),
            Command::NtpStatus => "utils ntp status".into(),
            Command::FipsStatus => "utils fips status".into(),
            Command::VersionInactive => "show version inactive".into(),
            Command::UpgradeStatus => "utils system upgrade status".into(),
            Command::SsoStatus => "utils sso status".into(),
        })
    }

    /// The confirmation the command is expected to ask, if any.
    pub fn expected_confirmation(&self) -> Option<Confirmation> {
        match self {
            Command::CertRegen(_) => Some(Confirmation::YesPipeNo),
            Command::CtlUpdate | Command::ItlResetLocalkey | Command::CtlResetLocalkey => {
                Some(Confirmation::YnColon)
            }
            _ => None,
        }
    }

    /// The default time the command may take, from the prompt being typed to the next
    /// prompt (pager pauses included).
    pub fn default_timeout(&self) -> Duration {
        let secs = match self {
            Command::PaginationOff => 30,
            Command::CertRegen(_)
            | Command::CtlUpdate
            | Command::ItlResetLocalkey
            | Command::CtlResetLocalkey
            | Command::IpsecRestart => 300,
            Command::ServiceRestart(_) | Command::ServiceStop(_) | Command::ServiceStart(_) => 600,
            Command::CertDelete { .. } => 120,
            Command::ServiceList | Command::Sql(_) | Command::BackupNetwork { .. } => 120,
            Command::ReplicationRuntimeState => 180,
            _ => 60,
        };
        Duration::from_secs(secs)
    }

    /// The privilege level the command needs.
    pub fn privilege(&self) -> Privilege {
        match self {
            Command::ShowItl
            | Command::ShowCtl
            | Command::VersionActive
            | Command::VersionInactive
            | Command::NetworkCluster
            | Command::NtpStatus => Privilege::Ordinary,
            Command::ItlResetLocalkey | Command::CtlResetLocalkey => Privilege::Full,
            _ => Privilege::Advanced,
        }
    }

    /// Whether the command changes the node (a regeneration, a reset, a restart, a backup).
    pub fn changes_state(&self) -> bool {
        matches!(
            self,
            Command::CertRegen(_)
                | Command::CtlUpdate
                | Command::ItlResetLocalkey
                | Command::CtlResetLocalkey
                | Command::ServiceRestart(_)
                | Command::ServiceStop(_)
                | Command::ServiceStart(_)
                | Command::CertDelete { .. }
                | Command::IpsecRestart
                | Command::BackupNetwork { .. }
        )
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render() {
            Ok(line) => f.write_str(&line),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_exact_text() {
        let cases: Vec<(Command, &str)> = vec![
            (Command::PaginationOff, "set cli pagination off"),
            (
                Command::CertRegen(CertUnit::CallManagerEcdsa),
                "set cert regen CallManager-ECDSA",
            ),
            (
                Command::CertRegen(CertUnit::ItlRecovery),
                "set cert regen ITLRecovery",
            ),
            (Command::CtlUpdate, "utils ctl update CTLFile"),
            (Command::ItlResetLocalkey, "utils itl reset localkey"),
            (Command::CtlResetLocalkey, "utils ctl reset localkey"),
            (
                Command::ServiceRestart("Cisco Tftp".into()),
                "utils service restart Cisco Tftp",
            ),
            (Command::ServiceList, "utils service list"),
            (
                Command::ServiceStop("Cisco Certificate Change Notification".into()),
                "utils service stop Cisco Certificate Change Notification",
            ),
            (
                Command::ServiceStart("Cisco Tftp".into()),
                "utils service start Cisco Tftp",
            ),
            (
                Command::CertDelete {
                    store: "CallManager-trust".into(),
                    file: "ucm-sub1.pem".into(),
                },
                "set cert delete CallManager-trust ucm-sub1.pem",
            ),
            (Command::IpsecRestart, "utils ipsec restart"),
            (
                Command::ReplicationRuntimeState,
                "utils dbreplication runtimestate",
            ),
            (
                Command::BackupHistory,
                "utils disaster_recovery history backup",
            ),
            (
                Command::BackupStatus,
                "utils disaster_recovery status backup",
            ),
            (
                Command::BackupNetwork {
                    features: vec!["UCM".into(), "CDR_CAR".into()],
                    path: "/backups".into(),
                    server: "10.0.0.9".into(),
                    user: "drs".into(),
                },
                "utils disaster_recovery backup network UCM,CDR_CAR /backups 10.0.0.9 drs",
            ),
            (Command::ShowItl, "show itl"),
            (Command::ShowCtl, "show ctl"),
            (Command::CertListOwn, "show cert list own"),
            (Command::CertListTrust, "show cert list trust"),
            (
                Command::CertOwn(CertUnit::Tomcat),
                "show cert own tomcat/tomcat.pem",
            ),
            (
                Command::Sql("select name from processnode".into()),
                "run sql select name from processnode",
            ),
            (Command::VersionActive, "show version active"),
            (Command::NetworkCluster, "show network cluster"),
            (Command::NtpStatus, "utils ntp status"),
            (Command::FipsStatus, "utils fips status"),
            (Command::VersionInactive, "show version inactive"),
            (Command::UpgradeStatus, "utils system upgrade status"),
            (Command::SsoStatus, "utils sso status"),
        ];
        for (command, text) in cases {
            assert_eq!(command.render().as_deref(), Ok(text));
        }
    }

    #[test]
    fn rejects_injection_and_empty_arguments() {
        assert!(
            Command::Sql("select 1\nutils ctl update CTLFile".into())
                .render()
                .is_err()
        );
        assert!(Command::ServiceRestart("  ".into()).render().is_err());
        assert!(Command::ServiceStop("Cisco\nTftp".into()).render().is_err());
        assert!(Command::ServiceStart("".into()).render().is_err());
        let delete = |store: &str, file: &str| Command::CertDelete {
            store: store.into(),
            file: file.into(),
        };
        assert!(delete("CallManager-trust", "a b.pem").render().is_err());
        assert!(delete("CallManager trust", "a.pem").render().is_err());
        assert!(
            delete("CallManager-trust", "a.pem\rutils")
                .render()
                .is_err()
        );
        assert!(delete("CallManager-trust", "a.pem").render().is_ok());
        assert!(
            Command::ServiceRestart("Cisco\rTftp".into())
                .render()
                .is_err()
        );
        let backup = |features: Vec<&str>, path: &str| Command::BackupNetwork {
            features: features.into_iter().map(String::from).collect(),
            path: path.into(),
            server: "s".into(),
            user: "u".into(),
        };
        assert!(backup(vec![], "/p").render().is_err());
        assert!(backup(vec!["A,B"], "/p").render().is_err());
        assert!(backup(vec!["UCM"], "/p q").render().is_err());
        assert!(backup(vec!["UCM"], "/p").render().is_ok());
    }

    #[test]
    fn confirmations_privileges_timeouts() {
        assert_eq!(
            Command::CertRegen(CertUnit::Tvs).expected_confirmation(),
            Some(Confirmation::YesPipeNo)
        );
        assert_eq!(
            Command::CtlUpdate.expected_confirmation(),
            Some(Confirmation::YnColon)
        );
        assert_eq!(Command::ShowItl.expected_confirmation(), None);
        assert_eq!(Command::ShowItl.privilege(), Privilege::Ordinary);
        assert_eq!(Command::VersionInactive.privilege(), Privilege::Ordinary);
        assert_eq!(Command::UpgradeStatus.privilege(), Privilege::Advanced);
        assert_eq!(Command::SsoStatus.privilege(), Privilege::Advanced);
        assert!(!Command::UpgradeStatus.changes_state());
        assert_eq!(Command::ItlResetLocalkey.privilege(), Privilege::Full);
        assert_eq!(
            Command::CertOwn(CertUnit::Capf).privilege(),
            Privilege::Advanced
        );
        assert_eq!(
            Command::ReplicationRuntimeState.default_timeout(),
            Duration::from_secs(180)
        );
        assert_eq!(
            Command::ServiceRestart("Cisco Tomcat".into()).default_timeout(),
            Duration::from_secs(600)
        );
        assert_eq!(CertUnit::parse("itlrecovery"), Some(CertUnit::ItlRecovery));
        assert_eq!(CertUnit::parse("tomcat-ecdsa"), Some(CertUnit::TomcatEcdsa));
        assert_eq!(CertUnit::parse("tomcat-rsa"), None);
        assert_eq!(Privilege::from_level(4), Some(Privilege::Full));
        assert_eq!(Privilege::from_level(2), None);
    }
}
