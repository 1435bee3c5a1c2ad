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

/// `Display` through the method that names a value (`name`, `plan_name`...), and with `serde`
/// also serde through that name and `FromStr`: one spelling of each word in text, JSON and TOML.
/// With `parse` also `FromStr` through the type's `parse` method, the error made by the
/// closure from the text that did not parse.
macro_rules! named {
    ($t:ty, $name:ident, serde, parse: $err:ty, |$text:ident| $make:expr) => {
        named!($t, $name, serde);

        impl std::str::FromStr for $t {
            type Err = $err;

            fn from_str($text: &str) -> Result<Self, Self::Err> {
                Self::parse($text).ok_or_else(|| $make)
            }
        }
    };
    ($t:ty, $name:ident) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$name())
            }
        }
    };
    ($t:ty, $name:ident, serde) => {
        named!($t, $name);

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A word folded for matching: ASCII letters and digits only, lower case (`Not Installed`,
/// `not_installed` and `NOT-INSTALLED` fold alike).
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
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
pub use list_kind::ListKind;
pub use mac::{Mac, MacParseError, MacParseErrorReason};
pub use model::{ModelFamily, ModelInfo, PageLayout};
pub use phone_state::{PhoneState, StateClass, UnknownState};
pub use security::{ClusterSecurityMode, DeviceSecurityMode, UnknownSecurityMode};
pub use service::{Service, ServiceStatus, UnknownService};
pub use unit::{CertUnit, UnknownUnit};
