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

/// The one way a vocabulary word gets its text forms, in this crate and in every crate of the
/// workspace: `Display` through the method that names a value (`name`, `as_str`, `to_cucm`...:
/// anything that derefs to `str`), and with `serde` also serde through that name and `FromStr`:
/// one spelling of each word in text, JSON and TOML. With `parse` also `FromStr` through the
/// type's `parse` method (`fn parse(&str) -> Option<Self>`), the error made by the closure from
/// the text that did not parse.
///
/// The serde arm needs no serde dependency in the calling crate (it goes through this crate's).
///
/// ```
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// enum Colour {
///     Red,
///     Blue,
/// }
///
/// impl Colour {
///     fn name(self) -> &'static str {
///         match self {
///             Colour::Red => "red",
///             Colour::Blue => "blue",
///         }
///     }
///
///     fn parse(text: &str) -> Option<Self> {
///         [Colour::Red, Colour::Blue].into_iter().find(|c| c.name() == text)
///     }
/// }
///
/// #[derive(Debug)]
/// struct UnknownColour(String);
///
/// impl std::fmt::Display for UnknownColour {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         write!(f, "unknown colour {:?}", self.0)
///     }
/// }
///
/// itl_core::named!(Colour, name, serde, parse: UnknownColour, |s| UnknownColour(s.to_owned()));
///
/// assert_eq!(Colour::Blue.to_string(), "blue");
/// assert_eq!("red".parse::<Colour>().map_err(|e| e.to_string()), Ok(Colour::Red));
/// assert_eq!("green".parse::<Colour>().map_err(|e| e.to_string()), Err("unknown colour \"green\"".into()));
/// assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"red\"");
/// assert_eq!(serde_json::from_str::<Colour>("\"blue\"").unwrap(), Colour::Blue);
/// assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
/// ```
#[macro_export]
macro_rules! named {
    (@from_str $t:ty, $err:ty, |$text:ident| $make:expr) => {
        impl ::core::str::FromStr for $t {
            type Err = $err;

            fn from_str($text: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::parse($text).ok_or_else(|| $make)
            }
        }
    };
    ($t:ty, $name:ident, serde, parse: $err:ty, |$text:ident| $make:expr) => {
        $crate::named!($t, $name, serde);
        $crate::named!(@from_str $t, $err, |$text| $make);
    };
    ($t:ty, $name:ident, parse: $err:ty, |$text:ident| $make:expr) => {
        $crate::named!($t, $name);
        $crate::named!(@from_str $t, $err, |$text| $make);
    };
    ($t:ty, $name:ident) => {
        impl ::core::fmt::Display for $t {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.$name())
            }
        }
    };
    ($t:ty, $name:ident, serde) => {
        $crate::named!($t, $name);

        impl $crate::__serde::Serialize for $t {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$name())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as $crate::__serde::Deserialize<'de>>::deserialize(
                    deserializer,
                )?;
                text.parse().map_err(<D::Error as $crate::__serde::de::Error>::custom)
            }
        }
    };
}

/// The serde that [`named!`] derives through, so that its callers need no serde of their own.
#[doc(hidden)]
pub use serde as __serde;

/// The error type of a word that names no value of a vocabulary type: a tuple struct of the
/// text as given, shown by `message` (`{0:?}` the text).
macro_rules! unknown_word {
    ($(#[$doc:meta])* $err:ident: $message:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error($message)]
        pub struct $err(pub String);
    };
}

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
