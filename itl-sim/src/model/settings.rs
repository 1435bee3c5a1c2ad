//! Cluster-wide settings: CUCM generation, security mode and the enterprise parameters that
//! change what TFTP serves or how phones are reset.

use std::fmt;

/// Which CUCM behaviour the cluster follows (`trust-and-procedure.md` §1.2, §5.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Generation {
    /// 8.x – 11.5: each TFTP node's ITL is signed by its own CallManager certificate; the
    /// tokenless CTL by the publisher's CallManager certificate.
    #[serde(rename = "11.5")]
    V11_5,
    /// 12.0 – 12.5: ITL and CTL signed by ITLRecovery.
    #[serde(rename = "12+")]
    V12,
    /// 14 and later: as 12+, plus "Phone Interaction on Certificate Update".
    #[serde(rename = "14+")]
    V14,
}

impl Generation {
    /// Whether ITLRecovery signs the ITL and the CTL (12.0+).
    pub fn itl_recovery_signs(self) -> bool {
        !matches!(self, Generation::V11_5)
    }

    /// The version string the simulated nodes report (`11.5.1.21900-40`...).
    pub fn version_string(self) -> &'static str {
        match self {
            Generation::V11_5 => "11.5.1.21900-40",
            Generation::V12 => "12.5.1.17900-64",
            Generation::V14 => "14.0.1.13900-155",
        }
    }

    /// The spec name (`11.5`, `12+`, `14+`).
    pub fn name(self) -> &'static str {
        match self {
            Generation::V11_5 => "11.5",
            Generation::V12 => "12+",
            Generation::V14 => "14+",
        }
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Generation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "11.5" | "11" | "10.5" | "11.x" => Ok(Generation::V11_5),
            "12+" | "12" | "12.5" | "12.x" => Ok(Generation::V12),
            "14+" | "14" | "15" | "15+" => Ok(Generation::V14),
            other => Err(format!("unknown generation {other:?} (11.5, 12+ or 14+)")),
        }
    }
}

/// The cluster security mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecurityMode {
    /// No CTL; ITL records of the TFTP certificate have the TFTP role.
    NonSecure,
    /// A CTL exists; ITL records of the TFTP certificate have the CCM+TFTP role.
    Mixed,
}

/// Enterprise parameter "Phone Interaction on Certificate Update" (14+).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhoneInteraction {
    /// Phones are reset automatically when a TVS, CAPF, CallManager or ITLRecovery
    /// certificate changes (CUCM's default).
    Automatic,
    /// The administrator resets phones.
    Manual,
}

/// The settings that shape the trust files and the phones' behaviour.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    /// The CUCM generation.
    pub generation: Generation,
    /// Non-secure or mixed.
    pub security_mode: SecurityMode,
    /// Enterprise parameter "Prepare Cluster for Rollback to pre 8.0" (`RollBackToPreGrayback`).
    pub rollback: bool,
    /// Enterprise parameter "Phone Interaction on Certificate Update" (only acted on for 14+).
    pub phone_interaction: PhoneInteraction,
    /// Enterprise parameter "Allowed Device Queries Per Minute" (RisPort70).
    pub device_queries_per_minute: u32,
}

/// An enterprise parameter change.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Parameter {
    /// `RollBackToPreGrayback`: True makes every TFTP node serve an ITL with empty TVS/TFTP
    /// sections.
    RollbackToPreGrayback(bool),
    /// "Phone Interaction on Certificate Update".
    PhoneInteraction(PhoneInteraction),
    /// "Allowed Device Queries Per Minute" (1 to 18 on a real cluster).
    DeviceQueriesPerMinute(u32),
}
