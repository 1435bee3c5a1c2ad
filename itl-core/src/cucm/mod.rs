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
//! | MAC address / device name | [`Mac`] |
//! | what a phone model can do | [`ModelInfo`], [`ModelFamily`], [`PageLayout`] |

mod generation;
pub mod list_kind;
mod mac;
mod model;
mod phone_state;
mod security;
mod service;
mod unit;

pub use generation::{Generation, UnknownGeneration};
pub use list_kind::ListKind;
pub use mac::{Mac, MacParseError, MacParseErrorReason};
pub use model::{ModelFamily, ModelInfo, PageLayout};
pub use phone_state::{PhoneState, StateClass, UnknownState};
pub use security::{ClusterSecurityMode, DeviceSecurityMode, UnknownSecurityMode};
pub use service::{Service, ServiceStatus, UnknownService};
pub use unit::{CertUnit, UnknownUnit};
