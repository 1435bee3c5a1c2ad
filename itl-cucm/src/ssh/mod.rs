//! The UCOS admin CLI over SSH (`cucm-interfaces.md` §6): an interactive shell on a PTY,
//! driven one command at a time.
//!
//! * [`machine`]: the sans-io shell machine (prompt, pagers, confirmations, failure
//!   markers, timeouts) that never does I/O or reads the clock.
//! * [`AdminCli::connect`]: the russh driver (host key pin, `none` → keyboard-interactive →
//!   `password`, PTY + shell) returning an [`AdminSession`] with typed helpers.
//! * [`probe_host_key`]: the fingerprint of an unknown node's host key, for onboarding.
//!
//! The grammar (commands, recognisers, parsers) is shared with the simulator in
//! [`itl_wire::admin_cli`].

mod driver;
mod error;
pub mod machine;
mod options;

pub use driver::{AdminCli, AdminSession, SessionInfo, host_key_fingerprint, probe_host_key};
pub use error::{Peer, SshError, SshErrorKind};
pub use machine::{CommandOutput, Event, Shell, ShellOptions};
pub use options::{HostKeyPin, HostKeyPinError, SshOptions, SshTarget};
