//! `itl-wire`: what both sides of a conversation with CUCM share, so that `itl`'s clients
//! (`itl-cucm`) and the simulated cluster (`itl-sim`) speak one dialect, while the simulator
//! never depends on the product's clients.
//!
//! * [`soap`]: SOAP 1.1 envelopes and faults, and the message shapes of AXL
//!   (`executeSQLQuery`), RisPort70 (`selectCmDeviceExt`) and Control Center
//!   (`soapGetServiceStatus`, `soapDoControlServices`): request builders and response parsers
//!   for the client, request parsers and response builders for the server.
//! * [`admin_cli`]: the UCOS admin CLI reached over SSH: text clean-up, prompt/pager/
//!   confirmation recognisers, the typed commands `itl` sends and typed parsers of their
//!   output.
//! * [`tftp`]: TFTP packets (RFC 1350 with the option extensions), typed and panic-free.
//! * [`address`]: a TFTP server's address however it is written (`host[:port]`, `tftp://…`,
//!   `http://…`), and the [`address::Transport`] it names.
//! * [`archive`]: the trust-file archive a sweep keeps (every list it saw, by hash, with the
//!   cluster and node it was seen on), which the simulator also writes.
//! * [`cluster_file`]: the cluster file's schema (which nodes, where each service answers,
//!   pinned fingerprints).
//! * [`fingerprint`]: certificate fingerprints as pinned and shown.
//!
//! No sockets, no clock, no async (the cluster file and the archive are read and written as
//! files). Code both sides share can be wrong on
//! both sides at once, so every codec is tested against the documented messages
//! (`cucm-interfaces.md`, `itl-format.md`), not only against its own output.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod address;
pub mod admin_cli;
pub mod archive;
pub mod cluster_file;
pub mod fingerprint;
pub mod soap;
pub mod tftp;

pub use fingerprint::{
    FingerprintParseError, Sha256Fingerprint, SshFingerprintParseError, SshHostKeyFingerprint,
};
