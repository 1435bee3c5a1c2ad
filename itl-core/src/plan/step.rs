//! The steps of a plan ([`Step`]), where they apply ([`Target`]) and the gates
//! ([`GateKind`]), each printed in its canonical plan-file form.

use std::fmt;

use crate::cucm::{CertUnit, Generation, Service};

/// Where a step applies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every node where the unit or service exists.
    All,
    /// One node, by name.
    Node(String),
}

impl Target {
    /// Whether the target includes the node `name` (case-insensitive).
    pub fn includes(&self, name: &str) -> bool {
        match self {
            Target::All => true,
            Target::Node(n) => n.eq_ignore_ascii_case(name),
        }
    }

    /// The node it names, if it names one.
    pub fn node(&self) -> Option<&str> {
        match self {
            Target::All => None,
            Target::Node(n) => Some(n),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::All => f.write_str("@all"),
            Target::Node(n) => write!(f, "@{n}"),
        }
    }
}

/// A gate of the regeneration procedure (`trust-and-procedure.md` §5): what must hold before
/// the next phase starts. Written (JSON) as its plan word.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum GateKind {
    /// G-SVC: every restarted service reports `Started` on every target node.
    Services,
    /// G-FILE: every TFTP node's ITL (and the CTL in mixed mode) verifies with the expected
    /// signer and carries the new certificates.
    Files,
    /// G-REG: every phone registered at the baseline has registered again since.
    Registered,
    /// G-TRUST: every phone holds what its TFTP node serves; no phone that was fine has a
    /// problem now.
    Trust,
}

impl GateKind {
    /// The four gates, in the order they are checked; also the gates of a phase whose plan
    /// names none.
    pub const ALL: [GateKind; 4] = [
        GateKind::Services,
        GateKind::Files,
        GateKind::Registered,
        GateKind::Trust,
    ];

    /// The plan word: `services`, `files`, `registered`, `trust`.
    pub fn name(self) -> &'static str {
        match self {
            GateKind::Services => "services",
            GateKind::Files => "files",
            GateKind::Registered => "registered",
            GateKind::Trust => "trust",
        }
    }

    /// The procedure's name: `G-SVC`, `G-FILE`, `G-REG`, `G-TRUST`.
    pub fn id(self) -> &'static str {
        match self {
            GateKind::Services => "G-SVC",
            GateKind::Files => "G-FILE",
            GateKind::Registered => "G-REG",
            GateKind::Trust => "G-TRUST",
        }
    }

    /// Parses a plan word or a procedure name (`registered`, `G-REG`, `registration`...),
    /// case-insensitively.
    pub fn parse(text: &str) -> Option<GateKind> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "services" | "service" | "g-svc" => GateKind::Services,
            "files" | "file" | "g-file" => GateKind::Files,
            "registered" | "registration" | "g-reg" => GateKind::Registered,
            "trust" | "g-trust" => GateKind::Trust,
            _ => return None,
        })
    }

    /// The plan words of every gate, for messages: `services|files|registered|trust`.
    pub fn names() -> String {
        Self::ALL.map(GateKind::name).join("|")
    }
}

named!(GateKind, name);

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `regen <unit> @<node|all>`: `set cert regen <unit>`.
    Regen {
        /// The certificate unit.
        unit: CertUnit,
        /// Where.
        target: Target,
    },
    /// `ctl update`: `utils ctl update CTLFile` on the publisher.
    CtlUpdate,
    /// `restart <service> @<node|all>`.
    Restart {
        /// The service.
        service: Service,
        /// Where.
        target: Target,
    },
    /// `stop <service> @<node|all>`.
    Stop {
        /// The service.
        service: Service,
        /// Where.
        target: Target,
    },
    /// `start <service> @<node|all>`.
    Start {
        /// The service.
        service: Service,
        /// Where.
        target: Target,
    },
    /// `ipsec restart @<node|all>`: `utils ipsec restart` (14+, after an ipsec regeneration,
    /// `trust-and-procedure.md` §5.4).
    IpsecRestart {
        /// Where.
        target: Target,
    },
    /// `reset phones [@<device pool>]`: every phone (or one pool's) downloads its lists.
    ResetPhones {
        /// Only this device pool, when set.
        device_pool: Option<String>,
    },
    /// `wait <duration>` (`30m`, `90s`, `1h`): a pause.
    Wait {
        /// How long, in seconds.
        seconds: u64,
    },
    /// `gate <services|files|registered|trust>`: the run holds until the gate passes
    /// (`wait registered` is `gate registered`).
    Gate(GateKind),
    /// `itl reset localkey`: `utils itl reset localkey` on the publisher: every TFTP node's
    /// ITL is rebuilt from the current certificates and signed with the other SAST key (12+:
    /// the node's CallManager key; 11.5: its ITLRecovery key) until TFTP restarts there
    /// (`trust-and-procedure.md` §5.8).
    ItlResetLocalkey,
    /// `ctl reset localkey`: `utils ctl reset localkey`: the CTL is rebuilt and signed with
    /// the publisher's other SAST key (12+: CallManager; 11.5: ITLRecovery) until the next
    /// `ctl update` (mixed mode).
    CtlResetLocalkey,
    /// `delete old-trust @<node|all>`: deletes, on the node, the trust certificates this run
    /// replaced (from the journal; §5.6). Own certificates are never deleted.
    DeleteOldTrust {
        /// Where.
        target: Target,
    },
    /// `reissue lsc [@<device pool>]`: the CAPF certificate operation for the phones holding
    /// an LSC (all, or one pool's), after a CAPF regeneration.
    ReissueLsc {
        /// Only this device pool, when set.
        device_pool: Option<String>,
    },
    /// `backup`: a DRS backup newer than the last regeneration (§5.7).
    Backup,
}

impl Step {
    /// The node the step names, if it names one.
    pub fn node(&self) -> Option<&str> {
        match self {
            Step::Regen { target, .. }
            | Step::Restart { target, .. }
            | Step::Stop { target, .. }
            | Step::Start { target, .. }
            | Step::IpsecRestart { target }
            | Step::DeleteOldTrust { target } => target.node(),
            _ => None,
        }
    }

    /// The device pool the step names, if it names one.
    pub fn device_pool(&self) -> Option<&str> {
        match self {
            Step::ResetPhones { device_pool } | Step::ReissueLsc { device_pool } => {
                device_pool.as_deref()
            }
            _ => None,
        }
    }

    /// Whether the cluster resets phones by itself after this step: on 14+ with automatic
    /// phone interaction, a TVS, CAPF, CallManager or ITLRecovery regeneration
    /// (`trust-and-procedure.md` §5.4).
    pub fn resets_phones_by_itself(&self, generation: Generation, automatic: bool) -> bool {
        match self {
            Step::Regen { unit, .. } => {
                generation.has_phone_interaction()
                    && automatic
                    && matches!(
                        unit,
                        CertUnit::Tvs
                            | CertUnit::Capf
                            | CertUnit::CallManager
                            | CertUnit::ItlRecovery
                    )
            }
            _ => false,
        }
    }

    /// Whether the step ends a phase: a `reset phones`, or a regeneration after which the
    /// cluster resets phones by itself ([`Step::resets_phones_by_itself`]).
    pub fn ends_phase(&self, generation: Generation, automatic: bool) -> bool {
        matches!(self, Step::ResetPhones { .. })
            || self.resets_phones_by_itself(generation, automatic)
    }
}

/// A duration as the plan prints it: the largest of `h`, `m`, `s` that divides it (`1h`,
/// `30m`, `90s`).
pub fn format_duration(seconds: u64) -> String {
    if seconds > 0 && seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds > 0 && seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pool = |f: &mut fmt::Formatter<'_>, words: &str, pool: &Option<String>| match pool {
            None => f.write_str(words),
            Some(p) => write!(f, "{words} @{p}"),
        };
        match self {
            Step::Regen { unit, target } => write!(f, "regen {unit} {target}"),
            Step::CtlUpdate => f.write_str("ctl update"),
            Step::Restart { service, target } => write!(f, "restart {service} {target}"),
            Step::Stop { service, target } => write!(f, "stop {service} {target}"),
            Step::Start { service, target } => write!(f, "start {service} {target}"),
            Step::IpsecRestart { target } => write!(f, "ipsec restart {target}"),
            Step::ResetPhones { device_pool } => pool(f, "reset phones", device_pool),
            Step::Wait { seconds } => write!(f, "wait {}", format_duration(*seconds)),
            Step::Gate(kind) => write!(f, "gate {kind}"),
            Step::ItlResetLocalkey => f.write_str("itl reset localkey"),
            Step::CtlResetLocalkey => f.write_str("ctl reset localkey"),
            Step::DeleteOldTrust { target } => write!(f, "delete old-trust {target}"),
            Step::ReissueLsc { device_pool } => pool(f, "reissue lsc", device_pool),
            Step::Backup => f.write_str("backup"),
        }
    }
}
