//! The bounded element reader shared by the header and record parsers.

use crate::error::{Bound, ParseError, ParseErrorKind, ParseWarning, WarningKind};
use crate::tlv::{Element, ElementKind, Part, prefix};

/// Reads elements from `input` and collects them (and warnings) in document order.
pub(crate) struct Walker<'a, 'w> {
    pub input: &'a [u8],
    pub elements: &'w mut Vec<Element<'a>>,
    pub warnings: &'w mut Vec<ParseWarning>,
}

impl<'a> Walker<'a, '_> {
    /// Reads the element at `pos`, which must end at or before `end`, the end of `bound`.
    /// Returns its tag and value.
    pub fn read(
        &self,
        pos: usize,
        end: usize,
        bound: Bound,
        part: Part,
    ) -> Result<(u8, &'a [u8]), ParseError> {
        let available = end.saturating_sub(pos);
        let region = self.input.get(pos..end).unwrap_or(&[]);
        let Ok((_, (tag, length))) = prefix(region) else {
            let tag = region.first().copied();
            return Err(ParseError::new(
                pos,
                part,
                tag,
                ParseErrorKind::Truncated {
                    available,
                    bound,
                    end,
                },
            ));
        };
        let value_end = pos + 3 + usize::from(length);
        if value_end > end {
            return Err(ParseError::new(
                pos,
                part,
                Some(tag),
                ParseErrorKind::LengthOutOfBounds { length, bound, end },
            ));
        }
        Ok((tag, &self.input[pos + 3..value_end]))
    }

    /// Appends an element and returns its index.
    pub fn push(
        &mut self,
        tag: u8,
        offset: usize,
        value: &'a [u8],
        kind: ElementKind,
        depth: u8,
        part: Part,
    ) -> usize {
        self.elements.push(Element {
            tag,
            offset,
            value,
            kind,
            depth,
            part,
        });
        self.elements.len() - 1
    }

    /// Records an unknown tag: kept as a leaf, reported as a warning.
    pub fn unknown(&mut self, tag: u8, offset: usize, value: &'a [u8], depth: u8, part: Part) {
        self.push(tag, offset, value, ElementKind::Leaf, depth, part);
        self.warnings.push(ParseWarning {
            offset,
            part,
            tag: Some(tag),
            kind: WarningKind::UnknownTag {
                length: value.len() as u16,
            },
        });
    }
}

/// Tracks which tags (0–63) were seen, to reject second occurrences. The offset of the first
/// occurrence is only looked up when a duplicate is found.
pub(crate) struct Seen(u64);

impl Seen {
    pub fn new() -> Self {
        Self(0)
    }

    /// Notes `tag` at `offset`; errors when the tag was seen before among `elements` (the
    /// elements of the same header or record).
    pub fn note(
        &mut self,
        tag: u8,
        offset: usize,
        part: Part,
        elements: &[Element<'_>],
    ) -> Result<(), ParseError> {
        let Some(bit) = 1u64.checked_shl(u32::from(tag)).filter(|_| tag < 64) else {
            return Ok(());
        };
        if self.0 & bit != 0 {
            let first = elements
                .iter()
                .rev()
                .find(|e| e.part == part && e.tag == tag)
                .map_or(offset, |e| e.offset);
            return Err(ParseError::new(
                offset,
                part,
                Some(tag),
                ParseErrorKind::DuplicateTag { first },
            ));
        }
        self.0 |= bit;
        Ok(())
    }
}

/// Checks that a fixed-size value has `expected` bytes.
pub(crate) fn expect_len(
    value: &[u8],
    expected: u16,
    offset: usize,
    tag: u8,
    part: Part,
) -> Result<(), ParseError> {
    if value.len() == usize::from(expected) {
        Ok(())
    } else {
        Err(ParseError::new(
            offset,
            part,
            Some(tag),
            ParseErrorKind::BadValueLength {
                expected,
                found: value.len() as u16,
            },
        ))
    }
}
