//! Who to log in to and how: [`SshTarget`], [`HostKeyPin`], [`SshOptions`].

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use super::machine::ShellOptions;
use crate::secrets::Secret;

/// The host key a session accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostKeyPin {
    /// Only the key with this OpenSSH SHA-256 fingerprint (`SHA256:<base64 without
    /// padding>` of the key blob).
    Sha256(String),
    /// No pin: connecting fails (showing the presented fingerprint). Learn a key with
    /// [`super::probe_host_key`] first.
    None,
}

/// A fingerprint that is not `SHA256:<43 base64 characters>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid host key fingerprint {0:?}: expected SHA256:<43 base64 characters>")]
pub struct HostKeyPinError(pub String);

impl HostKeyPin {
    /// Parses `SHA256:<base64>` (trailing `=` padding tolerated and removed) with the one
    /// fingerprint parser, [`itl_wire::SshHostKeyFingerprint`].
    pub fn parse(text: &str) -> Result<Self, HostKeyPinError> {
        text.parse::<itl_wire::SshHostKeyFingerprint>()
            .map(|fp| HostKeyPin::Sha256(fp.to_string()))
            .map_err(|_| HostKeyPinError(text.trim().to_owned()))
    }

    /// The pinned fingerprint, if any.
    pub fn fingerprint(&self) -> Option<&str> {
        match self {
            HostKeyPin::Sha256(f) => Some(f),
            HostKeyPin::None => None,
        }
    }
}

impl fmt::Display for HostKeyPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostKeyPin::Sha256(fp) => f.write_str(fp),
            HostKeyPin::None => f.write_str("(no pin)"),
        }
    }
}

/// One node's admin CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshTarget {
    /// SSH address (`<node>:22`).
    pub addr: SocketAddr,
    /// Node name, for messages.
    pub node: String,
    /// OS administrator.
    pub user: String,
    /// Its password.
    pub password: Secret,
    /// The accepted host key.
    pub host_key: HostKeyPin,
}

/// Session settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshOptions {
    /// TCP connect plus SSH handshake.
    pub connect_timeout: Duration,
    /// All authentication attempts together.
    pub auth_timeout: Duration,
    /// PTY rows (tall, so that fewer commands page).
    pub pty_rows: u32,
    /// PTY columns (wide, so that long command lines are not wrapped).
    pub pty_cols: u32,
    /// The shell machine's settings (start-up budget, keystroke delay…).
    pub shell: ShellOptions,
}

impl Default for SshOptions {
    /// 15 s connect, 30 s authentication, 1000×512 PTY, default shell settings.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            auth_timeout: Duration::from_secs(30),
            pty_rows: 1000,
            pty_cols: 512,
            shell: ShellOptions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_strictly() {
        let fp = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
        assert_eq!(HostKeyPin::parse(fp), Ok(HostKeyPin::Sha256(fp.into())));
        assert_eq!(
            HostKeyPin::parse(&format!(" {fp}= ")),
            Ok(HostKeyPin::Sha256(fp.into()))
        );
        assert!(HostKeyPin::parse("uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s").is_err());
        assert!(HostKeyPin::parse("SHA256:short").is_err());
        assert!(HostKeyPin::parse("MD5:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s").is_err());
        assert!(HostKeyPin::parse("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2!").is_err());
    }
}
