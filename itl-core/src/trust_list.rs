//! [`TrustList`]: a whole parsed file, borrowing the input.

use crate::ListKind;
use crate::checksum::Checksums;
use crate::error::{ParseError, ParseWarning};
use crate::header::{Header, parse_header};
use crate::record::{Record, parse_record, record_elements};
use crate::tlv::Element;
use crate::values::Function;
use crate::walk::Walker;

/// How [`TrustList::signer_match`] chose the signer record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignerMatch {
    /// The record's index, counted from 0.
    pub index: usize,
    /// Whether the record's ISSUERNAME names SIGNER_ISSUER.
    pub issuer_matches: bool,
    /// Whether the record's role is SAST.
    pub sast: bool,
}

/// Two DN texts name the same entity: equal bytes, or equal non-empty attribute lists.
fn same_dn(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let a = crate::names::parse_dn_text(&String::from_utf8_lossy(a));
    !a.is_empty() && a == crate::names::parse_dn_text(&String::from_utf8_lossy(b))
}

/// A parsed ITL or CTL file. Names, serials, keys and certificates are slices of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustList<'a> {
    bytes: &'a [u8],
    header: Header<'a>,
    records: Vec<Record<'a>>,
    elements: Vec<Element<'a>>,
    warnings: Vec<ParseWarning>,
}

impl<'a> TrustList<'a> {
    /// Parses a complete file. Never panics; never allocates from an unchecked length.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-11.5-sha1-2048.tlv"))?;
    /// let list = itl_core::TrustList::parse(&bytes)?;
    /// assert_eq!(list.kind(), Some(itl_core::ListKind::Itl));
    /// # Ok(()) }
    /// ```
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        // Real files hold an element per ~100 bytes; the estimate only sizes the first
        // allocation and is bounded by the input, not by a length field.
        let mut elements = Vec::with_capacity(16 + bytes.len() / 96);
        let mut warnings = Vec::new();
        let header = parse_header(bytes, &mut elements, &mut warnings)?;
        let mut records = Vec::with_capacity(bytes.len() / 1024 + 1);
        let mut walker = Walker {
            input: bytes,
            elements: &mut elements,
            warnings: &mut warnings,
        };
        let mut pos = usize::from(header.header_length);
        while pos < bytes.len() {
            let record = parse_record(&mut walker, pos, records.len())?;
            pos = record.span().end;
            records.push(record);
        }
        Ok(Self {
            bytes,
            header,
            records,
            elements,
            warnings,
        })
    }

    /// The input bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// File size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false for a parsed list (the header is never empty); present for symmetry.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The records in file order.
    pub fn records(&self) -> &[Record<'a>] {
        &self.records
    }

    /// Every element in document order: the header's, then each record's.
    pub fn elements(&self) -> &[Element<'a>] {
        &self.elements
    }

    /// The header's elements in document order.
    pub fn header_elements(&self) -> &[Element<'a>] {
        &self.elements[..self.header.element_count]
    }

    /// A record's elements in document order.
    pub fn record_elements(&self, record: &Record<'a>) -> &[Element<'a>] {
        record_elements(&self.elements, record)
    }

    /// Warnings found while parsing (unknown tags, unaligned header, unsigned file...).
    pub fn warnings(&self) -> &[ParseWarning] {
        &self.warnings
    }

    /// ITL or CTL, from FILENAME; `None` when FILENAME is absent or names neither.
    pub fn kind(&self) -> Option<ListKind> {
        self.header
            .filename
            .and_then(|name| ListKind::from_filename(name.bytes()))
    }

    /// Records that carry a certificate.
    pub fn certificate_count(&self) -> usize {
        self.records.iter().filter(|r| !r.is_placeholder()).count()
    }

    /// The bytes covered by the signature: the file before the SIGNATURE element and the file
    /// after it (the element is cut out whole). `None` when the file has no SIGNATURE.
    pub fn signed_parts(&self) -> Option<(&'a [u8], &'a [u8])> {
        let span = self.header.signature?.span();
        Some((&self.bytes[..span.start], &self.bytes[span.end..]))
    }

    /// The record that signed the file: a SAST record whose serial equals SIGNER_SERIAL,
    /// preferring one whose ISSUERNAME also names SIGNER_ISSUER. `None` when no SAST record
    /// carries the serial ([`TrustList::signer_match`] also looks at other roles).
    pub fn signer_index(&self) -> Option<usize> {
        self.signer_match()
            .filter(|found| found.sast)
            .map(|found| found.index)
    }

    /// The record named by SIGNER_INFO: the first record whose SERIALNUMBER equals
    /// SIGNER_SERIAL (leading zero bytes ignored), preferring, in this order, a SAST record
    /// whose ISSUERNAME names SIGNER_ISSUER, a SAST record with another issuer, a record of
    /// another role with the issuer, any record with the serial. Issuers are compared by
    /// attribute ([`crate::names`]), so `CN=a;O=b` and `CN=a,O=b` are the same name.
    pub fn signer_match(&self) -> Option<SignerMatch> {
        let serial = self.header.signer_serial?;
        let wanted_issuer = self.header.signer_issuer;
        let mut best: Option<(u8, SignerMatch)> = None;
        for record in &self.records {
            let Some(rs) = record.serial else { continue };
            if !serial.same_number(rs.0) {
                continue;
            }
            let issuer_matches = match (record.issuer, wanted_issuer) {
                (Some(a), Some(b)) => same_dn(a.bytes(), b.bytes()),
                _ => false,
            };
            let sast = record.function == Some(Function::Sast);
            let rank = match (sast, issuer_matches) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((
                    rank,
                    SignerMatch {
                        index: record.index,
                        issuer_matches,
                        sast,
                    },
                ));
            }
        }
        best.map(|(_, found)| found)
    }

    /// MD5, SHA-1 and SHA-256 of the whole file.
    pub fn checksums(&self) -> Checksums {
        Checksums::of(self.bytes)
    }

    /// Writes the list back out from its elements. For every input that parses, the result is
    /// identical to the input, byte for byte.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes.len());
        for element in &self.elements {
            element.write_to(&mut out);
        }
        out
    }
}
