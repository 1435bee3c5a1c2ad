//! `itl-core`: a zero-copy parser, a CUCM-exact writer and a verifier for the Cisco Unified
//! Communications Manager trust lists `ITLFile.tlv`, `ITLSEP<MAC>.tlv`, `CTLFile.tlv` and
//! `CTLSEP<MAC>.tlv`.
//!
//! Pure: no sockets, no files, no clock, no async. Untrusted bytes never panic the parser and
//! no allocation is sized by an unchecked length field.
//!
//! ```
//! use itl_core::{TrustList, Function};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-12-sha512.tlv"))?;
//! let list = TrustList::parse(&bytes)?;
//! println!("{} signed by {}", itl_core::ListKind::name_or_unknown(list.kind()), list.header().signer_name.unwrap());
//! let tvs = list.records().iter().filter(|r| r.function == Some(Function::Tvs)).count();
//! assert_eq!(tvs, 2);
//! assert_eq!(list.to_bytes(), bytes); // lossless
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checksum;
pub mod cucm;
mod error;
mod header;
pub mod layout;
pub mod names;
pub mod plan;
pub mod predict;
mod record;
pub mod render;
pub mod signature;
pub mod summary;
pub mod time;
pub mod tlv;
pub mod trust;
mod trust_list;
mod values;
pub mod verify;
mod walk;
pub mod write;

pub use checksum::Checksums;
pub use cucm::ListKind;
pub use error::{Bound, ParseError, ParseErrorKind, ParseWarning, WarningKind};
pub use header::Header;
pub use record::Record;
pub use render::{RenderOptions, render};
pub use time::UnixTime;
pub use tlv::{Element, ElementKind, Part};
pub use trust_list::{SignerMatch, TrustList};
pub use values::{Digest, Function, Serial, Text, len_to_modulus_index, modulus_index_to_len};
pub use write::{BuildError, FieldOrder, RecordSpec, SignerInfo, TrustListBuilder};

/// The README's library example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
