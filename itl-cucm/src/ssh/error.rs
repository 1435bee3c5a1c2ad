//! Typed admin-CLI session errors. Each names the peer (address, and node name when known)
//! and the stage: connect, host key, authentication, start-up, or which command.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use itl_wire::admin_cli::{Confirmation, FailureMarker, InvalidArgument, ParseError};

/// Who the session talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The SSH address.
    pub addr: SocketAddr,
    /// The node name, when known.
    pub node: Option<String>,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) if !node.is_empty() => write!(f, "{node} ({})", self.addr),
            _ => write!(f, "{}", self.addr),
        }
    }
}

/// A failed admin-CLI operation: which peer and why.
///
/// `Display` reads like `admin CLI on ucm-pub (127.0.1.1:22): command "show itl" timed out
/// after 60 s (last line: "…")`.
#[derive(Debug)]
pub struct SshError {
    peer: Peer,
    kind: SshErrorKind,
}

/// Why an admin-CLI operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SshErrorKind {
    /// TCP connect or the SSH handshake failed.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// Connecting (TCP + SSH handshake) took longer than the budget.
    #[error("connect timed out after {} s", .0.as_secs_f64())]
    ConnectTimeout(Duration),
    /// The host key is not the pinned one.
    #[error("host key mismatch: expected {expected}, the server presented {actual}")]
    HostKeyMismatch {
        /// The pin (`SHA256:…`).
        expected: String,
        /// What the server presented (`SHA256:…`).
        actual: String,
    },
    /// No host key pin was given and learning was not asked for.
    #[error(
        "no host key pin for this node (the server presented {actual}); pin it or probe it first"
    )]
    HostKeyUnpinned {
        /// What the server presented (`SHA256:…`).
        actual: String,
    },
    /// Every authentication method failed.
    #[error("authentication rejected (tried: {})", tried.join(", "))]
    AuthRejected {
        /// Methods tried, in order.
        tried: Vec<&'static str>,
    },
    /// Authentication took longer than the budget.
    #[error("authentication timed out after {} s", .0.as_secs_f64())]
    AuthTimeout(Duration),
    /// The channel, PTY or shell request was refused or failed.
    #[error("cannot open the interactive shell: {0}")]
    Channel(String),
    /// No `admin:` prompt within the start-up budget.
    #[error("no prompt within {} s of logging in{} (last line: {last_line:?})", waited.as_secs_f64(), if *saw_welcome { " (the Welcome line was seen)" } else { "" })]
    StartupTimeout {
        /// The budget.
        waited: Duration,
        /// Whether `Welcome to the Platform Command Line Interface` arrived.
        saw_welcome: bool,
        /// The last text received.
        last_line: String,
    },
    /// A command did not give the prompt back in time. The session is unusable afterwards
    /// (the command may still run on the node; no Ctrl-C is ever sent).
    #[error("command {command:?} timed out after {} s (last line: {last_line:?})", waited.as_secs_f64())]
    CommandTimeout {
        /// The command.
        command: String,
        /// Its timeout.
        waited: Duration,
        /// The last text received.
        last_line: String,
    },
    /// The session closed before the prompt came back (`command` is `None` during
    /// start-up).
    #[error("session dropped {}", match command { Some(c) => format!("during command {c:?}"), None => "before the prompt".to_owned() })]
    SessionDropped {
        /// The running command.
        command: Option<String>,
    },
    /// The output carried a failure marker.
    #[error("command {command:?} failed: {marker} ({} lines of output)", lines.len())]
    FailureMarker {
        /// The command.
        command: String,
        /// Which marker.
        marker: FailureMarker,
        /// The output lines.
        lines: Vec<String>,
    },
    /// A confirmation the command was not expected to ask; it was declined.
    #[error("command {command:?} asked an unexpected confirmation {found} (expected {}); declined: {line:?}", expected.map_or("none".to_owned(), |e| e.to_string()))]
    UnexpectedConfirmation {
        /// The command.
        command: String,
        /// The style asked.
        found: Confirmation,
        /// The style expected, if any.
        expected: Option<Confirmation>,
        /// The question line.
        line: String,
    },
    /// The OS administrator's privilege level is too low for the command.
    #[error("privilege insufficient for {command:?}: {line:?}")]
    PrivilegeInsufficient {
        /// The command.
        command: String,
        /// The refusal line.
        line: String,
    },
    /// The command's output exceeded the size cap.
    #[error("output of {command:?} exceeds {limit} bytes")]
    OutputTooLarge {
        /// The command.
        command: String,
        /// The cap.
        limit: usize,
    },
    /// The command cannot be typed safely.
    #[error(transparent)]
    InvalidCommand(#[from] InvalidArgument),
    /// A command was started while the shell was not ready for one.
    #[error("the shell is not ready for a command ({0})")]
    NotReady(&'static str),
    /// The output was not understood.
    #[error("output of {command:?} not understood: {error}")]
    Parse {
        /// The command.
        command: String,
        /// The parser's error.
        error: ParseError,
    },
    /// The SSH transport failed.
    #[error("SSH transport: {0}")]
    Transport(String),
}

impl SshError {
    /// An error about `peer`.
    pub fn new(peer: Peer, kind: SshErrorKind) -> Self {
        Self { peer, kind }
    }

    /// The peer.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    /// The reason.
    pub fn kind(&self) -> &SshErrorKind {
        &self.kind
    }

    /// Takes the reason.
    pub fn into_kind(self) -> SshErrorKind {
        self.kind
    }
}

impl fmt::Display for SshError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "admin CLI on {}: {}", self.peer, self.kind)
    }
}

impl std::error::Error for SshError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}
