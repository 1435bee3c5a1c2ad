//! Read-only TFTP client (RFC 1350, octet mode) with the options CUCM's TFTP service and
//! common servers understand: `blksize` (RFC 2348), `tsize` and `timeout` (RFC 2349) and
//! `windowsize` (RFC 7440).
//!
//! * `itl_wire::tftp`: the packet codec (shared with the simulated server), typed and
//!   panic-free on any input.
//! * [`machine`]: the sans-io state machine of one read ([`ReadTransfer`]).
//! * [`tftp_get`]: the tokio UDP driver; the function most callers want.

mod driver;
mod error;
pub mod machine;
mod options;

pub use driver::tftp_get;
pub use error::{ProtocolViolation, TftpError, TftpErrorKind};
pub use machine::{Event, ReadTransfer, Transmit};
pub use options::{DEFAULT_MAX_SIZE, Negotiated, TftpOptions};
