//! The domain vocabulary of CUCM, one definition per word, used by every crate of the
//! workspace (the network clients, the simulator, preflight and regeneration, the CLI).
//!
//! | word | type |
//! |---|---|
//! | CUCM generation (11.5, 12+, 14+) | [`Generation`] |
//! | cluster security mode (non-secure, mixed) | [`ClusterSecurityMode`] |
//! | device security mode (Non Secure, Authenticated, Encrypted) | [`DeviceSecurityMode`] |
//! | certificate unit (`set cert regen <unit>`) | [`CertUnit`] |
//! | service (plan, Control Center and CLI names) and its state | [`Service`], [`ServiceStatus`] |
//! | trust-list kind (ITL, CTL) and served file names | [`ListKind`] |
//! | a phone's trust state as a sweep reports it | [`PhoneState`] |
//! | a phone's 14+ ITL File Status (Match, Mismatch…) | [`ItlFileStatus`] |
//! | MAC address / device name | [`Mac`] |
//! | what a phone model can do | [`ModelInfo`], [`ModelFamily`], [`PageLayout`] |

/// A word folded for matching: ASCII letters and digits only, lower case (`Not Installed`,
/// `not_installed` and `NOT-INSTALLED` fold alike).
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Test support: every value of `all` is displayed as `name` writes it, and that name reads
/// back as the value.
#[cfg(test)]
fn assert_names_read_back<T>(all: &[T], name: fn(T) -> &'static str)
where
    T: Copy
        + std::fmt::Debug
        + std::fmt::Display
        + PartialEq
        + std::str::FromStr<Err: std::fmt::Debug + PartialEq>,
{
    for &value in all {
        assert_eq!(value.to_string(), name(value), "{value:?}");
        assert_eq!(name(value).parse::<T>(), Ok(value), "{value:?}");
    }
}

mod generation;
mod itl_file_status;
pub mod list_kind;
mod mac;
mod model;
mod phone_state;
mod security;
mod service;
mod unit;

pub use generation::{Generation, UnknownGeneration};
pub use itl_file_status::{ItlFileStatus, UnknownItlFileStatus};
pub use list_kind::{ListKind, UnknownListKind};
pub use mac::{Mac, MacParseError, MacParseErrorReason};
pub use model::{ModelFamily, ModelInfo, PageLayout};
pub use phone_state::{PhoneState, StateClass, UnknownState};
pub use security::{ClusterSecurityMode, DeviceSecurityMode, UnknownSecurityMode};
pub use service::{Service, ServiceStatus, UnknownService};
pub use unit::{CertUnit, UnknownUnit};
