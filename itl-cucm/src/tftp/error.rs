//! Typed TFTP transfer errors. Each names the server, the file and the reason.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use itl_wire::tftp::{ErrorCode, Opcode};

/// A failed TFTP read: which server, which file, and why.
///
/// `Display` reads like `TFTP error 1 (File not found) from 10.0.0.5:69 for ITLSEP001122334455.tlv`
/// for errors the server sent, and `TFTP transfer of FILE from SERVER failed: REASON` otherwise.
#[derive(Debug)]
pub struct TftpError {
    server: SocketAddr,
    file: String,
    kind: TftpErrorKind,
}

/// Why a TFTP read failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TftpErrorKind {
    /// The server answered with an ERROR packet.
    #[error("error {} ({message})", code.0)]
    Remote {
        /// The TFTP error code.
        code: ErrorCode,
        /// The server's message with control characters removed, or the standard text for
        /// `code` when the server sent none.
        message: String,
    },
    /// Retransmissions were exhausted without progress.
    #[error("{}", timed_out_text(*attempts, *received, *server_responded))]
    TimedOut {
        /// Packets sent without an answer (the first send and its retransmissions).
        attempts: u32,
        /// Bytes received before the transfer stalled.
        received: u64,
        /// Whether the server answered at all.
        server_responded: bool,
    },
    /// The overall deadline passed before the transfer completed.
    #[error("{}", deadline_text(*deadline, *received, *server_responded))]
    DeadlineExceeded {
        /// The configured deadline.
        deadline: Duration,
        /// Bytes received before the deadline.
        received: u64,
        /// Whether the server answered at all.
        server_responded: bool,
    },
    /// The file is larger than the configured size cap.
    #[error("{}", too_large_text(*announced, *cap))]
    TooLarge {
        /// The size the server announced with `tsize`, when the cap was hit that way.
        announced: Option<u64>,
        /// The configured cap in bytes.
        cap: u64,
    },
    /// The server broke the protocol.
    #[error("protocol violation: {0}")]
    Protocol(#[from] ProtocolViolation),
    /// The request cannot be sent as asked (bad file name or options).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A socket operation failed.
    #[error("{op}: {source}")]
    Io {
        /// What was being done (`bind`, `send`, `receive`).
        op: &'static str,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
}

/// A server behaviour that breaks RFC 1350 or its option extensions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolViolation {
    /// The OACK holds an option that was not requested or a value out of range.
    #[error("unacceptable OACK: {0}")]
    BadOack(String),
    /// An OACK arrived in answer to a request without options.
    #[error("OACK to a request without options")]
    UnsolicitedOack,
    /// A DATA block longer than the negotiated block size.
    #[error("block {block} has {len} bytes, more than the block size {blksize}")]
    OversizedBlock {
        /// Block index counted from 1 (not wrapped).
        block: u64,
        /// Payload length received.
        len: usize,
        /// Negotiated block size.
        blksize: u16,
    },
    /// A packet a server never sends to a reading client (RRQ, WRQ, ACK).
    #[error("unexpected {0:?} packet from the server")]
    UnexpectedPacket(Opcode),
    /// The file length differs from the size the server announced.
    #[error("server announced {announced} bytes but sent {received}")]
    SizeMismatch {
        /// `tsize` from the OACK.
        announced: u64,
        /// Bytes actually received.
        received: u64,
    },
}

fn timed_out_text(attempts: u32, received: u64, server_responded: bool) -> String {
    if server_responded {
        format!("timed out after {received} bytes ({attempts} attempts without progress)")
    } else {
        format!("no response after {attempts} attempts")
    }
}

fn deadline_text(deadline: Duration, received: u64, server_responded: bool) -> String {
    let secs = deadline.as_secs_f64();
    if server_responded {
        format!("deadline of {secs} s exceeded after {received} bytes")
    } else {
        format!("deadline of {secs} s exceeded without a response")
    }
}

fn too_large_text(announced: Option<u64>, cap: u64) -> String {
    match announced {
        Some(size) => format!("server announced {size} bytes, over the size cap of {cap} bytes"),
        None => format!("file exceeds the size cap of {cap} bytes"),
    }
}

/// Removes control characters from a server-supplied message and bounds its length.
pub(crate) fn sanitize_message(message: &str, code: ErrorCode) -> String {
    const MAX_CHARS: usize = 200;
    let cleaned: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        code.description().to_owned()
    } else {
        cleaned.to_owned()
    }
}

impl TftpError {
    /// Builds an error for `file` on `server`.
    pub fn new(server: SocketAddr, file: impl Into<String>, kind: TftpErrorKind) -> Self {
        Self {
            server,
            file: file.into(),
            kind,
        }
    }

    /// The server the request was sent to (its well-known port, not the transfer port).
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The requested file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Why the transfer failed.
    pub fn kind(&self) -> &TftpErrorKind {
        &self.kind
    }

    /// The TFTP error code when the server sent an ERROR packet.
    pub fn remote_code(&self) -> Option<ErrorCode> {
        match &self.kind {
            TftpErrorKind::Remote { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True when the server said the file does not exist (TFTP error 1).
    pub fn is_not_found(&self) -> bool {
        self.remote_code() == Some(ErrorCode::FILE_NOT_FOUND)
    }

    /// True when nothing came back from the server at all, or the network refused to send:
    /// the server is unreachable rather than misbehaving.
    pub fn is_unreachable(&self) -> bool {
        match &self.kind {
            TftpErrorKind::TimedOut {
                server_responded, ..
            }
            | TftpErrorKind::DeadlineExceeded {
                server_responded, ..
            } => !server_responded,
            TftpErrorKind::Io { op, source } => {
                *op == "send"
                    && matches!(
                        source.kind(),
                        std::io::ErrorKind::NetworkUnreachable
                            | std::io::ErrorKind::HostUnreachable
                            | std::io::ErrorKind::ConnectionRefused
                            | std::io::ErrorKind::AddrNotAvailable
                    )
            }
            _ => false,
        }
    }
}

impl fmt::Display for TftpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TftpErrorKind::Remote { code, message } => write!(
                f,
                "TFTP error {} ({message}) from {} for {}",
                code.0, self.server, self.file
            ),
            kind => write!(
                f,
                "TFTP transfer of {} from {} failed: {kind}",
                self.file, self.server
            ),
        }
    }
}

impl std::error::Error for TftpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            TftpErrorKind::Io { source, .. } => Some(source),
            TftpErrorKind::Protocol(violation) => Some(violation),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> SocketAddr {
        SocketAddr::from(([10, 0, 0, 5], 69))
    }

    #[test]
    fn remote_error_display_is_exact() {
        let error = TftpError::new(
            server(),
            "ITLSEP001122334455.tlv",
            TftpErrorKind::Remote {
                code: ErrorCode::FILE_NOT_FOUND,
                message: sanitize_message("File not found", ErrorCode::FILE_NOT_FOUND),
            },
        );
        assert_eq!(
            error.to_string(),
            "TFTP error 1 (File not found) from 10.0.0.5:69 for ITLSEP001122334455.tlv"
        );
        assert!(error.is_not_found());
        assert!(!error.is_unreachable());
    }

    #[test]
    fn other_errors_name_server_and_file() {
        let error = TftpError::new(
            server(),
            "ITLFile.tlv",
            TftpErrorKind::TimedOut {
                attempts: 6,
                received: 0,
                server_responded: false,
            },
        );
        assert_eq!(
            error.to_string(),
            "TFTP transfer of ITLFile.tlv from 10.0.0.5:69 failed: no response after 6 attempts"
        );
        assert!(error.is_unreachable());
        assert!(!error.is_not_found());

        let error = TftpError::new(
            server(),
            "CTLFile.tlv",
            TftpErrorKind::TooLarge {
                announced: Some(20_000_000),
                cap: 16_777_216,
            },
        );
        assert_eq!(
            error.to_string(),
            "TFTP transfer of CTLFile.tlv from 10.0.0.5:69 failed: server announced 20000000 bytes, over the size cap of 16777216 bytes"
        );
        assert!(!error.is_unreachable());
    }

    #[test]
    fn sanitize_strips_controls_and_defaults() {
        assert_eq!(
            sanitize_message("\x1b[31mevil\x1b[0m\n", ErrorCode(2)),
            "[31mevil[0m"
        );
        assert_eq!(sanitize_message("", ErrorCode(1)), "File not found");
        assert_eq!(
            sanitize_message(" \r\n", ErrorCode(8)),
            "Option negotiation refused"
        );
        assert_eq!(sanitize_message(&"x".repeat(500), ErrorCode(0)).len(), 200);
    }
}
