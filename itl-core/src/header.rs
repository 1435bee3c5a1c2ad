//! The signed header: version, header length, signer, signature parameters and value,
//! file name and timestamp.
//!
//! ```text
//! header = VERSION(1) HEADER_LENGTH(2) { SIGNER_INFO(3){4,5,6} | SIGNATURE_INFO(7){8, 9{10,11}}
//!          | SIGNATURE(12) | FILENAME(14) | TIMESTAMP(15) | SIGNER_VERSION(28) | PADDING(13)
//!          | unknown }*                    -- ends exactly at HEADER_LENGTH
//! ```
//!
//! VERSION must come first and HEADER_LENGTH second; everything else is located by tag, so
//! both the CUCM order and the certutils order (28 early, 4/6/5) parse.

use crate::error::{Bound, ParseError, ParseErrorKind, ParseWarning, WarningKind};
use crate::tlv::{Element, ElementKind, Part, header_tag as t, u16_value, u32_value};
use crate::values::{Digest, Serial, Text};
use crate::walk::{Seen, Walker, expect_len};

/// The parsed header. Every field borrows from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// VERSION (major, minor).
    pub version: (u8, u8),
    /// HEADER_LENGTH: the offset of the first record.
    pub header_length: u16,
    /// SIGNER_INFO container element, when present.
    pub signer_info: Option<Element<'a>>,
    /// SIGNER_NAME: the signer's subject.
    pub signer_name: Option<Text<'a>>,
    /// SIGNER_SERIAL: selects the signer record.
    pub signer_serial: Option<Serial<'a>>,
    /// SIGNER_ISSUER: the signer's issuer.
    pub signer_issuer: Option<Text<'a>>,
    /// SIGNATURE_INFO container element, when present.
    pub signature_info: Option<Element<'a>>,
    /// DIGEST_ALGORITHM.
    pub digest: Option<Digest>,
    /// SIGNATURE_ALGO_INFO container element, when present.
    pub signature_algo_info: Option<Element<'a>>,
    /// SIGNATURE_ALGORITHM (0 = RSA).
    pub signature_algorithm: Option<u8>,
    /// SIGNATURE_MODULUS index (0→64, 1→128, 2→256, 3→512 bytes).
    pub signature_modulus: Option<u8>,
    /// The SIGNATURE element; its span is what verification cuts out.
    pub signature: Option<Element<'a>>,
    /// FILENAME.
    pub filename: Option<Text<'a>>,
    /// TIMESTAMP, Unix seconds.
    pub timestamp: Option<u32>,
    /// SIGNER_VERSION (tag 28), when present.
    pub signer_version: Option<(u8, u8)>,
    /// Number of PADDING bytes.
    pub padding: usize,
    /// Number of elements of the header in [`crate::TrustList::elements`] (they come first).
    pub element_count: usize,
}

impl<'a> Header<'a> {
    /// The signature value, when present.
    pub fn signature_value(&self) -> Option<&'a [u8]> {
        self.signature.map(|e| e.value)
    }

    /// The names of the elements a signature needs that the header lacks (SIGNER_SERIAL,
    /// DIGEST_ALGORITHM, SIGNATURE_MODULUS, SIGNATURE), in that order.
    pub fn missing_signature_elements(&self) -> Vec<&'static str> {
        [
            ("SIGNER_SERIAL", self.signer_serial.is_none()),
            ("DIGEST_ALGORITHM", self.digest.is_none()),
            ("SIGNATURE_MODULUS", self.signature_modulus.is_none()),
            ("SIGNATURE", self.signature.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect()
    }
}

/// Where a known header tag belongs, for error messages.
fn home_of(tag: u8) -> &'static str {
    match tag {
        t::SIGNER_NAME | t::SIGNER_SERIAL | t::SIGNER_ISSUER => "inside SIGNER_INFO (tag 3)",
        t::DIGEST_ALGORITHM | t::SIGNATURE_ALGO_INFO => "inside SIGNATURE_INFO (tag 7)",
        t::SIGNATURE_ALGORITHM | t::SIGNATURE_MODULUS => "inside SIGNATURE_ALGO_INFO (tag 9)",
        t::PADDING => "at the top level of the header",
        _ => "at the top level of the header",
    }
}

/// Whether a known tag may appear directly inside `container` (`None` = top level).
fn allowed_in(tag: u8, container: Option<u8>) -> bool {
    match container {
        None => matches!(
            tag,
            t::SIGNER_INFO
                | t::SIGNATURE_INFO
                | t::SIGNATURE
                | t::FILENAME
                | t::TIMESTAMP
                | t::SIGNER_VERSION
                | t::VERSION
                | t::HEADER_LENGTH
        ),
        Some(t::SIGNER_INFO) => matches!(tag, t::SIGNER_NAME | t::SIGNER_SERIAL | t::SIGNER_ISSUER),
        Some(t::SIGNATURE_INFO) => matches!(tag, t::DIGEST_ALGORITHM | t::SIGNATURE_ALGO_INFO),
        Some(t::SIGNATURE_ALGO_INFO) => {
            matches!(tag, t::SIGNATURE_ALGORITHM | t::SIGNATURE_MODULUS)
        }
        Some(_) => false,
    }
}

fn is_known(tag: u8) -> bool {
    matches!(tag, 1..=15 | 28)
}

struct HeaderParser<'a, 'w> {
    walker: Walker<'a, 'w>,
    seen: Seen,
    header: Header<'a>,
}

impl<'a> HeaderParser<'a, '_> {
    /// Walks `start..end`, which is the content of `container` (or the header top level).
    fn walk(
        &mut self,
        start: usize,
        end: usize,
        container: Option<(u8, usize)>,
        depth: u8,
    ) -> Result<(), ParseError> {
        let part = Part::Header;
        let input = self.walker.input;
        let bound = match container {
            None => Bound::Header,
            Some((tag, _)) => Bound::Container(tag),
        };
        // A container whose declared length disagrees with its contents shows up as a nested
        // element that overruns it or does not belong in it: report the container.
        let bad_container = |pos: usize| {
            container.map(|(tag, offset)| {
                ParseError::new(
                    offset,
                    part,
                    Some(tag),
                    ParseErrorKind::BadContainer {
                        declared: (end - offset - 3) as u16,
                        contents_end: pos,
                    },
                )
            })
        };
        let mut pos = start;
        while pos < end {
            if input[pos] == t::PADDING {
                if container.is_some() {
                    return Err(bad_container(pos).unwrap_or_else(|| {
                        ParseError::new(
                            pos,
                            part,
                            Some(t::PADDING),
                            ParseErrorKind::Misplaced {
                                expected: home_of(t::PADDING),
                            },
                        )
                    }));
                }
                self.walker
                    .push(t::PADDING, pos, &[], ElementKind::Padding, depth, part);
                self.header.padding += 1;
                pos += 1;
                continue;
            }
            let (tag, value) = match self.walker.read(pos, end, bound, part) {
                Ok(v) => v,
                Err(e) => return Err(bad_container(pos).unwrap_or(e)),
            };
            let next = pos + 3 + value.len();
            if !is_known(tag) {
                self.walker.unknown(tag, pos, value, depth, part);
                pos = next;
                continue;
            }
            if !allowed_in(tag, container.map(|c| c.0)) {
                if let Some(err) = bad_container(pos) {
                    return Err(err);
                }
                return Err(ParseError::new(
                    pos,
                    part,
                    Some(tag),
                    ParseErrorKind::Misplaced {
                        expected: home_of(tag),
                    },
                ));
            }
            self.seen.note(tag, pos, part, self.walker.elements)?;
            let h = &mut self.header;
            match tag {
                t::SIGNER_INFO | t::SIGNATURE_INFO | t::SIGNATURE_ALGO_INFO => {
                    let index =
                        self.walker
                            .push(tag, pos, value, ElementKind::Container, depth, part);
                    let element = self.walker.elements[index];
                    match tag {
                        t::SIGNER_INFO => self.header.signer_info = Some(element),
                        t::SIGNATURE_INFO => self.header.signature_info = Some(element),
                        _ => self.header.signature_algo_info = Some(element),
                    }
                    self.walk(pos + 3, next, Some((tag, pos)), depth + 1)?;
                    pos = next;
                    continue;
                }
                t::SIGNER_NAME => h.signer_name = Some(Text(value)),
                t::SIGNER_SERIAL => h.signer_serial = Some(Serial(value)),
                t::SIGNER_ISSUER => h.signer_issuer = Some(Text(value)),
                t::DIGEST_ALGORITHM => {
                    expect_len(value, 1, pos, tag, part)?;
                    h.digest = Some(Digest::from_code(value[0]));
                }
                t::SIGNATURE_ALGORITHM => {
                    expect_len(value, 1, pos, tag, part)?;
                    h.signature_algorithm = Some(value[0]);
                }
                t::SIGNATURE_MODULUS => {
                    expect_len(value, 1, pos, tag, part)?;
                    h.signature_modulus = Some(value[0]);
                }
                t::FILENAME => h.filename = Some(Text(value)),
                t::TIMESTAMP => {
                    expect_len(value, 4, pos, tag, part)?;
                    h.timestamp = u32_value(value);
                }
                t::SIGNER_VERSION => {
                    expect_len(value, 2, pos, tag, part)?;
                    h.signer_version = Some((value[0], value[1]));
                }
                _ => {}
            }
            let index = self
                .walker
                .push(tag, pos, value, ElementKind::Leaf, depth, part);
            if tag == t::SIGNATURE {
                self.header.signature = Some(self.walker.elements[index]);
            }
            pos = next;
        }
        Ok(())
    }
}

/// Parses the header at the start of `input`, appending its elements and warnings.
pub(crate) fn parse_header<'a>(
    input: &'a [u8],
    elements: &mut Vec<Element<'a>>,
    warnings: &mut Vec<ParseWarning>,
) -> Result<Header<'a>, ParseError> {
    let part = Part::Header;
    if input.is_empty() {
        return Err(ParseError::new(0, part, None, ParseErrorKind::Empty));
    }
    let mut walker = Walker {
        input,
        elements,
        warnings,
    };
    let file_end = input.len();

    let (tag, value) = walker.read(0, file_end, Bound::File, part)?;
    if tag != t::VERSION || value.len() != 2 {
        return Err(ParseError::new(
            0,
            part,
            Some(tag),
            ParseErrorKind::MissingVersion,
        ));
    }
    let version = (value[0], value[1]);
    walker.push(tag, 0, value, ElementKind::Leaf, 0, part);

    let (tag, value) = walker.read(5, file_end, Bound::File, part)?;
    let header_length = match (tag, u16_value(value)) {
        (t::HEADER_LENGTH, Some(length)) => length,
        _ => {
            return Err(ParseError::new(
                5,
                part,
                Some(tag),
                ParseErrorKind::MissingHeaderLength,
            ));
        }
    };
    walker.push(tag, 5, value, ElementKind::Leaf, 0, part);
    if usize::from(header_length) > file_end {
        return Err(ParseError::new(
            5,
            part,
            Some(t::HEADER_LENGTH),
            ParseErrorKind::HeaderLengthPastEnd {
                header_length,
                file_len: file_end,
            },
        ));
    }
    if header_length < 10 {
        return Err(ParseError::new(
            5,
            part,
            Some(t::HEADER_LENGTH),
            ParseErrorKind::HeaderLengthTooSmall { header_length },
        ));
    }

    let mut seen = Seen::new();
    seen.note(t::VERSION, 0, part, &[])?;
    seen.note(t::HEADER_LENGTH, 5, part, &[])?;
    let mut parser = HeaderParser {
        walker,
        seen,
        header: Header {
            version,
            header_length,
            signer_info: None,
            signer_name: None,
            signer_serial: None,
            signer_issuer: None,
            signature_info: None,
            digest: None,
            signature_algo_info: None,
            signature_algorithm: None,
            signature_modulus: None,
            signature: None,
            filename: None,
            timestamp: None,
            signer_version: None,
            padding: 0,
            element_count: 0,
        },
    };
    parser.walk(10, usize::from(header_length), None, 0)?;
    let mut header = parser.header;
    header.element_count = parser.walker.elements.len();

    let warnings = parser.walker.warnings;
    if version.0 != 1 {
        warnings.push(ParseWarning {
            offset: 0,
            part,
            tag: Some(t::VERSION),
            kind: WarningKind::UnexpectedVersion {
                major: version.0,
                minor: version.1,
            },
        });
    }
    if header_length % 4 != 0 {
        warnings.push(ParseWarning {
            offset: 5,
            part,
            tag: Some(t::HEADER_LENGTH),
            kind: WarningKind::HeaderLengthUnaligned { header_length },
        });
    }
    let missing = header.missing_signature_elements();
    if !missing.is_empty() {
        warnings.push(ParseWarning {
            offset: 10,
            part,
            tag: None,
            kind: WarningKind::Unsigned { missing },
        });
    }
    Ok(header)
}
