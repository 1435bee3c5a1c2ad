//! Cluster-wide settings: CUCM generation, security mode and the enterprise parameters that
//! change what TFTP serves or how phones are reset.

pub use itl_core::cucm::{ClusterSecurityMode, Generation};

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
    pub security_mode: ClusterSecurityMode,
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

/// The version string simulated nodes of `generation` report (`getCCMVersion`, `show version
/// active`).
pub fn version_string(generation: Generation) -> &'static str {
    match generation {
        Generation::V11_5 => "11.5.1.21900-40",
        Generation::V12 => "12.5.1.17900-64",
        Generation::V14 => "14.0.1.13900-155",
    }
}
