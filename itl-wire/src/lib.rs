//! `itl-wire`: what both sides of a conversation with CUCM share.
//!
//! The product's clients (`itl-cucm`) and the simulator (`itl-sim`) depend on this crate so
//! that both speak one dialect, while the simulator never depends on the product's clients.
//!
//! * [`admin_cli`]: the UCOS admin CLI reached over SSH: text clean-up, prompt/pager/
//!   confirmation recognisers, the typed commands `itl` sends and typed parsers of their
//!   output.
//!
//! Pure code: no sockets, no files, no clock, no async.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admin_cli;
