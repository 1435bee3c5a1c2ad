//! Parse errors and warnings: each names the byte offset, where (header, record n, tag t) and
//! what was expected against what was found.

use crate::tlv::{Part, header_tag_name, record_tag_name};
use std::fmt;

/// The region whose end an element overran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// The end of the file.
    File,
    /// The end of the header (HEADER_LENGTH).
    Header,
    /// The end of the current record (RECORD_LENGTH).
    Record,
    /// The end of a container element (tag 3, 7 or 9).
    Container(u8),
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::File => f.write_str("the file"),
            Bound::Header => f.write_str("the header"),
            Bound::Record => f.write_str("the record"),
            Bound::Container(tag) => {
                write!(f, "{}", header_tag_name(*tag).unwrap_or("the container"))
            }
        }
    }
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input is empty.
    Empty,
    /// Fewer than the 3 bytes of an element prefix are left before the end of a region.
    Truncated {
        /// Bytes available.
        available: usize,
        /// The region that ends.
        bound: Bound,
        /// Offset at which it ends.
        end: usize,
    },
    /// The element's declared length runs past the end of its region.
    LengthOutOfBounds {
        /// The declared length.
        length: u16,
        /// The region that ends.
        bound: Bound,
        /// Offset at which it ends.
        end: usize,
    },
    /// The file does not start with VERSION (tag 1, length 2).
    MissingVersion,
    /// The second element is not HEADER_LENGTH (tag 2, length 2).
    MissingHeaderLength,
    /// HEADER_LENGTH is larger than the file.
    HeaderLengthPastEnd {
        /// Declared header length.
        header_length: u16,
        /// File size.
        file_len: usize,
    },
    /// HEADER_LENGTH is smaller than the two mandatory elements.
    HeaderLengthTooSmall {
        /// Declared header length.
        header_length: u16,
    },
    /// A container's declared length does not match its nested elements.
    BadContainer {
        /// Declared length.
        declared: u16,
        /// Where the last nested element ended.
        contents_end: usize,
    },
    /// A record does not start with RECORD_LENGTH (tag 1, length 2).
    BadRecordStart {
        /// The tag found instead.
        found_tag: u8,
        /// Its length.
        found_length: u16,
    },
    /// RECORD_LENGTH is smaller than its own 5-byte element.
    RecordLengthTooSmall {
        /// Declared record length.
        length: u16,
    },
    /// RECORD_LENGTH runs past the end of the file.
    RecordPastEnd {
        /// Declared record length.
        length: u16,
        /// File size.
        file_len: usize,
    },
    /// A fixed-size value has the wrong size.
    BadValueLength {
        /// Expected size in bytes.
        expected: u16,
        /// Size found.
        found: u16,
    },
    /// A tag that may occur once occurs again.
    DuplicateTag {
        /// Offset of the first occurrence.
        first: usize,
    },
    /// A known tag outside the container it belongs to (or padding where it is not allowed).
    Misplaced {
        /// Where it belongs.
        expected: &'static str,
    },
}

/// A parse failure: the input is not a well-formed trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the offending element (or of the point of failure).
    pub offset: usize,
    /// Header or record.
    pub part: Part,
    /// The tag concerned, when one was read.
    pub tag: Option<u8>,
    /// What went wrong.
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(offset: usize, part: Part, tag: Option<u8>, kind: ParseErrorKind) -> Self {
        Self {
            offset,
            part,
            tag,
            kind,
        }
    }

    /// A short stable code for the kind of error (`length-out-of-bounds`, ...).
    pub fn code(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::Empty => "empty",
            ParseErrorKind::Truncated { .. } => "truncated",
            ParseErrorKind::LengthOutOfBounds { .. } => "length-out-of-bounds",
            ParseErrorKind::MissingVersion => "missing-version",
            ParseErrorKind::MissingHeaderLength => "missing-header-length",
            ParseErrorKind::HeaderLengthPastEnd { .. } => "header-length-past-end",
            ParseErrorKind::HeaderLengthTooSmall { .. } => "header-length-too-small",
            ParseErrorKind::BadContainer { .. } => "bad-container",
            ParseErrorKind::BadRecordStart { .. } => "bad-record-start",
            ParseErrorKind::RecordLengthTooSmall { .. } => "record-length-too-small",
            ParseErrorKind::RecordPastEnd { .. } => "record-past-end",
            ParseErrorKind::BadValueLength { .. } => "bad-value-length",
            ParseErrorKind::DuplicateTag { .. } => "duplicate-tag",
            ParseErrorKind::Misplaced { .. } => "misplaced-tag",
        }
    }
}

/// Writes where a parse error or warning stands, before what it says:
/// `byte 120: record 2, tag 9 (CERTIFICATE): ` / `byte 12: header, tag 3 (SIGNER_INFO): `.
fn write_place(
    f: &mut fmt::Formatter<'_>,
    offset: usize,
    part: Part,
    tag: Option<u8>,
) -> fmt::Result {
    write!(f, "byte {offset}: ")?;
    match part {
        Part::Header => f.write_str("header")?,
        Part::Record(n) => write!(f, "record {}", u32::from(n) + 1)?,
    }
    if let Some(tag) = tag {
        let name = match part {
            Part::Header => header_tag_name(tag),
            Part::Record(_) => record_tag_name(tag),
        };
        match name {
            Some(name) => write!(f, ", tag {tag} ({name})")?,
            None => write!(f, ", tag {tag} (unknown)")?,
        }
    }
    f.write_str(": ")
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_place(f, self.offset, self.part, self.tag)?;
        match &self.kind {
            ParseErrorKind::Empty => f.write_str("the input is empty"),
            ParseErrorKind::Truncated {
                available,
                bound,
                end,
            } => write!(
                f,
                "expected a 3-byte element prefix, found {available} byte(s) before the end of {bound} at byte {end}"
            ),
            ParseErrorKind::LengthOutOfBounds { length, bound, end } => write!(
                f,
                "length {length} runs past the end of {bound} at byte {end}"
            ),
            ParseErrorKind::MissingVersion => {
                f.write_str("expected VERSION (tag 1, length 2) as the first element")
            }
            ParseErrorKind::MissingHeaderLength => {
                f.write_str("expected HEADER_LENGTH (tag 2, length 2) as the second element")
            }
            ParseErrorKind::HeaderLengthPastEnd {
                header_length,
                file_len,
            } => write!(
                f,
                "HEADER_LENGTH {header_length} is past the end of the {file_len}-byte file"
            ),
            ParseErrorKind::HeaderLengthTooSmall { header_length } => write!(
                f,
                "HEADER_LENGTH {header_length} is smaller than the 10 bytes of VERSION and HEADER_LENGTH"
            ),
            ParseErrorKind::BadContainer {
                declared,
                contents_end,
            } => write!(
                f,
                "container length {declared} does not match its nested elements, which end at byte {contents_end}"
            ),
            ParseErrorKind::BadRecordStart {
                found_tag,
                found_length,
            } => write!(
                f,
                "expected RECORD_LENGTH (tag 1, length 2) to start the record, found tag {found_tag} with length {found_length}"
            ),
            ParseErrorKind::RecordLengthTooSmall { length } => write!(
                f,
                "RECORD_LENGTH {length} is smaller than its own 5-byte element"
            ),
            ParseErrorKind::RecordPastEnd { length, file_len } => write!(
                f,
                "RECORD_LENGTH {length} runs past the end of the file at byte {file_len}"
            ),
            ParseErrorKind::BadValueLength { expected, found } => {
                write!(f, "expected a {expected}-byte value, found {found} bytes")
            }
            ParseErrorKind::DuplicateTag { first } => {
                write!(f, "second occurrence (the first is at byte {first})")
            }
            ParseErrorKind::Misplaced { expected } => write!(f, "only allowed {expected}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Something unusual that does not stop parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A tag this crate does not know; kept as is.
    UnknownTag {
        /// Its declared length.
        length: u16,
    },
    /// HEADER_LENGTH is not a multiple of 4 (phones may reject it).
    HeaderLengthUnaligned {
        /// Declared header length.
        header_length: u16,
    },
    /// VERSION is not 1.x.
    UnexpectedVersion {
        /// Major version.
        major: u8,
        /// Minor version.
        minor: u8,
    },
    /// Elements needed to verify the signature are missing.
    Unsigned {
        /// Names of the missing elements.
        missing: Vec<&'static str>,
    },
}

/// A warning found while parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseWarning {
    /// Byte offset of the element concerned.
    pub offset: usize,
    /// Header or record.
    pub part: Part,
    /// The tag concerned, if any.
    pub tag: Option<u8>,
    /// What was found.
    pub kind: WarningKind,
}

impl ParseWarning {
    /// A short stable code (`unknown-tag`, `header-length-unaligned`, `unexpected-version`,
    /// `unsigned`).
    pub fn code(&self) -> &'static str {
        match self.kind {
            WarningKind::UnknownTag { .. } => "unknown-tag",
            WarningKind::HeaderLengthUnaligned { .. } => "header-length-unaligned",
            WarningKind::UnexpectedVersion { .. } => "unexpected-version",
            WarningKind::Unsigned { .. } => "unsigned",
        }
    }
}

impl fmt::Display for ParseWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_place(f, self.offset, self.part, self.tag)?;
        match &self.kind {
            WarningKind::UnknownTag { length } => {
                write!(f, "unknown tag with {length} byte(s) of value, kept as is")
            }
            WarningKind::HeaderLengthUnaligned { header_length } => write!(
                f,
                "HEADER_LENGTH {header_length} is not a multiple of 4 (phones may reject the file)"
            ),
            WarningKind::UnexpectedVersion { major, minor } => {
                write!(f, "version {major}.{minor} is not 1.x")
            }
            WarningKind::Unsigned { missing } => write!(
                f,
                "the file cannot be verified: missing {}",
                missing.join(", ")
            ),
        }
    }
}
