//! Client settings for a TFTP read, and what the server agreed to.

use std::time::Duration;

/// Default size cap: 16 MiB (a CUCM trust list is at most a few hundred KiB).
pub const DEFAULT_MAX_SIZE: u64 = 16 * 1024 * 1024;

/// Settings of one TFTP read request.
///
/// The `blksize`, `tsize`, `timeout_secs` and `windowsize` fields are *requested* options;
/// the server may ignore them (then RFC 1350 defaults apply) or refuse them with ERROR 8
/// (then the request is retried once without options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TftpOptions {
    /// Block size to request (RFC 2348, 8..=65464). `None` sends no `blksize` option.
    pub blksize: Option<u16>,
    /// Ask the server for the file size up front (RFC 2349 `tsize`), so an oversized file is
    /// refused before any data is transferred.
    pub tsize: bool,
    /// Retransmission timeout to ask the server to use, in seconds (RFC 2349, 1..=255).
    pub timeout_secs: Option<u8>,
    /// Number of blocks per acknowledgement to request (RFC 7440, 1..=65535).
    pub windowsize: Option<u16>,
    /// Largest file accepted, in bytes; checked against `tsize` and while receiving.
    pub max_size: u64,
    /// Retransmissions of the same packet without progress before giving up.
    pub retries: u32,
    /// First retransmission timeout; doubles with each retransmission (capped at 8 s).
    pub initial_rto: Duration,
    /// Overall limit for the whole transfer, including the retry without options.
    pub deadline: Duration,
}

impl Default for TftpOptions {
    /// `blksize` 1428 (fits a 1500-byte MTU with room for tunnels), `tsize` on, no `timeout`
    /// or `windowsize`, 16 MiB cap, 5 retries from 500 ms, 10 s deadline.
    fn default() -> Self {
        Self {
            blksize: Some(1428),
            tsize: true,
            timeout_secs: None,
            windowsize: None,
            max_size: DEFAULT_MAX_SIZE,
            retries: 5,
            initial_rto: Duration::from_millis(500),
            deadline: Duration::from_secs(10),
        }
    }
}

impl TftpOptions {
    /// These settings with no RFC 2347 options requested (a plain RFC 1350 request).
    pub fn without_negotiation(&self) -> Self {
        Self {
            blksize: None,
            tsize: false,
            timeout_secs: None,
            windowsize: None,
            ..self.clone()
        }
    }

    /// Whether any option would be sent in the request.
    pub fn requests_options(&self) -> bool {
        self.blksize.is_some()
            || self.tsize
            || self.timeout_secs.is_some()
            || self.windowsize.is_some()
    }
}

/// The transfer parameters in effect after the server's first reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// Block size in effect (512 unless the server acknowledged `blksize`).
    pub blksize: u16,
    /// Blocks per acknowledgement (1 unless the server acknowledged `windowsize`).
    pub windowsize: u16,
    /// File size announced by the server, if it acknowledged `tsize`.
    pub tsize: Option<u64>,
    /// Server retransmission timeout, if it acknowledged `timeout`.
    pub timeout_secs: Option<u8>,
    /// True when the server sent an OACK; false when it ignored the options (or none were
    /// requested) and started with DATA 1.
    pub via_oack: bool,
}

impl Negotiated {
    /// RFC 1350 behaviour: 512-byte blocks, one block per ACK, no size announced.
    pub const PLAIN: Self = Self {
        blksize: itl_wire::tftp::DEFAULT_BLKSIZE,
        windowsize: 1,
        tsize: None,
        timeout_secs: None,
        via_oack: false,
    };
}
