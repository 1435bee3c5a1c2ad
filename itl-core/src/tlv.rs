//! Element framing: a 1-byte tag, a big-endian `u16` length and the value; the one exception is
//! PADDING (tag 13), a bare byte with neither length nor value.
//!
//! ```text
//! element  = tag:u8 length:u16be value:[u8; length]
//! padding  = 0x0D                      (header top level only)
//! ```
//!
//! The framing functions are nom parsers on complete input. They never allocate and never read
//! past the bound they are given; bounds are enforced by the callers in `header.rs` and
//! `record.rs`, which know which region (file, header, record, container) an element lives in.

use nom::bytes::complete::take;
use nom::number::complete::be_u16;
use nom::{IResult, Parser};

/// Tag numbers of the header.
pub mod header_tag {
    /// VERSION: 2 bytes, major.minor (1.2 in every CUCM file).
    pub const VERSION: u8 = 1;
    /// HEADER_LENGTH: u16, offset of the first record.
    pub const HEADER_LENGTH: u8 = 2;
    /// SIGNER_INFO: container of 4, 5, 6.
    pub const SIGNER_INFO: u8 = 3;
    /// SIGNER_NAME: NUL-terminated subject of the signer.
    pub const SIGNER_NAME: u8 = 4;
    /// SIGNER_SERIAL: raw serial of the signer certificate.
    pub const SIGNER_SERIAL: u8 = 5;
    /// SIGNER_ISSUER: NUL-terminated issuer of the signer.
    pub const SIGNER_ISSUER: u8 = 6;
    /// SIGNATURE_INFO: container of 8, 9.
    pub const SIGNATURE_INFO: u8 = 7;
    /// DIGEST_ALGORITHM: u8 digest code.
    pub const DIGEST_ALGORITHM: u8 = 8;
    /// SIGNATURE_ALGO_INFO: container of 10, 11.
    pub const SIGNATURE_ALGO_INFO: u8 = 9;
    /// SIGNATURE_ALGORITHM: u8, 0 = RSA.
    pub const SIGNATURE_ALGORITHM: u8 = 10;
    /// SIGNATURE_MODULUS: u8 index of the signature size (0→64 … 3→512 bytes).
    pub const SIGNATURE_MODULUS: u8 = 11;
    /// SIGNATURE: the RSA PKCS#1 v1.5 signature.
    pub const SIGNATURE: u8 = 12;
    /// PADDING: one bare byte.
    pub const PADDING: u8 = 13;
    /// FILENAME: NUL-terminated file name.
    pub const FILENAME: u8 = 14;
    /// TIMESTAMP: u32 Unix seconds.
    pub const TIMESTAMP: u8 = 15;
    /// SIGNER_VERSION: 2 bytes major.minor (certutils).
    pub const SIGNER_VERSION: u8 = 28;
}

/// Tag numbers of a record.
pub mod record_tag {
    /// RECORD_LENGTH: u16, the whole record including this element.
    pub const RECORD_LENGTH: u8 = 1;
    /// DNSNAME: NUL-terminated host name or IP text.
    pub const DNS_NAME: u8 = 2;
    /// SUBJECTNAME: NUL-terminated subject DN.
    pub const SUBJECT_NAME: u8 = 3;
    /// FUNCTION: u16 role code.
    pub const FUNCTION: u8 = 4;
    /// ISSUERNAME: NUL-terminated issuer DN.
    pub const ISSUER_NAME: u8 = 5;
    /// SERIALNUMBER: raw serial.
    pub const SERIAL_NUMBER: u8 = 6;
    /// PUBLICKEY: PKCS#1 RSAPublicKey DER, or an X9.62 EC point.
    pub const PUBLIC_KEY: u8 = 7;
    /// SIGNATURE: the certificate's signatureValue.
    pub const SIGNATURE: u8 = 8;
    /// CERTIFICATE: DER X.509.
    pub const CERTIFICATE: u8 = 9;
    /// IPADDRESS: 4 bytes IPv4.
    pub const IP_ADDRESS: u8 = 10;
    /// CERT_HASH: digest of the certificate (certutils, never seen in a real file).
    pub const CERT_HASH: u8 = 11;
    /// HASH_ALGORITHM: digest code for CERT_HASH (certutils, never seen in a real file).
    pub const HASH_ALGORITHM: u8 = 12;
}

/// Name of a header tag as this crate spells it (`SIGNER_INFO`), or `None` when unknown.
pub fn header_tag_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        1 => "VERSION",
        2 => "HEADER_LENGTH",
        3 => "SIGNER_INFO",
        4 => "SIGNER_NAME",
        5 => "SIGNER_SERIAL",
        6 => "SIGNER_ISSUER",
        7 => "SIGNATURE_INFO",
        8 => "DIGEST_ALGORITHM",
        9 => "SIGNATURE_ALGO_INFO",
        10 => "SIGNATURE_ALGORITHM",
        11 => "SIGNATURE_MODULUS",
        12 => "SIGNATURE",
        13 => "PADDING",
        14 => "FILENAME",
        15 => "TIMESTAMP",
        28 => "SIGNER_VERSION",
        _ => return None,
    })
}

/// Name of a record tag as `show ctl` spells it (`CERTIFICATE`), or `None` when unknown.
pub fn record_tag_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        1 => "RECORDLENGTH",
        2 => "DNSNAME",
        3 => "SUBJECTNAME",
        4 => "FUNCTION",
        5 => "ISSUERNAME",
        6 => "SERIALNUMBER",
        7 => "PUBLICKEY",
        8 => "SIGNATURE",
        9 => "CERTIFICATE",
        10 => "IPADDRESS",
        11 => "CERT_HASH",
        12 => "HASH_ALGORITHM",
        _ => return None,
    })
}

/// Where an element sits in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The signed header.
    Header,
    /// Record `n`, counted from 0.
    Record(u16),
}

/// What kind of element this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    /// A tag-length-value element.
    Leaf,
    /// A container (tags 3, 7, 9): its value is the nested elements, which follow it in
    /// [`crate::TrustList::elements`].
    Container,
    /// A one-byte PADDING element.
    Padding,
}

/// One element of a trust list, borrowing its value from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    /// The tag number.
    pub tag: u8,
    /// Byte offset of the tag byte in the file.
    pub offset: usize,
    /// The value (for a container, its nested bytes; empty for PADDING).
    pub value: &'a [u8],
    /// Leaf, container or padding.
    pub kind: ElementKind,
    /// Nesting depth: 0 at the top of the header or of a record.
    pub depth: u8,
    /// The header or the record this element belongs to.
    pub part: Part,
}

impl<'a> Element<'a> {
    /// Size of the encoded element: 1 for PADDING, otherwise 3 + value length.
    pub fn encoded_len(&self) -> usize {
        match self.kind {
            ElementKind::Padding => 1,
            _ => 3 + self.value.len(),
        }
    }

    /// Byte range of the whole element (prefix included) in the file.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.encoded_len()
    }

    /// Byte range of the value in the file.
    pub fn value_span(&self) -> std::ops::Range<usize> {
        match self.kind {
            ElementKind::Padding => self.offset + 1..self.offset + 1,
            _ => self.offset + 3..self.offset + 3 + self.value.len(),
        }
    }

    /// Writes the element's encoding to `out`: for a container only its prefix, because its
    /// nested elements are written after it.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self.kind {
            ElementKind::Padding => out.push(self.tag),
            ElementKind::Container => {
                out.push(self.tag);
                out.extend_from_slice(&(self.value.len() as u16).to_be_bytes());
            }
            ElementKind::Leaf => {
                out.push(self.tag);
                out.extend_from_slice(&(self.value.len() as u16).to_be_bytes());
                out.extend_from_slice(self.value);
            }
        }
    }
}

/// The 3-byte prefix of an element: tag and declared length.
pub(crate) fn prefix(input: &[u8]) -> IResult<&[u8], (u8, u16)> {
    let (rest, p) = take(3usize).parse(input)?;
    Ok((rest, (p[0], u16::from_be_bytes([p[1], p[2]]))))
}

/// Reads a big-endian u16 from a value that is known to be 2 bytes long.
pub(crate) fn u16_value(value: &[u8]) -> Option<u16> {
    be_u16::<_, nom::error::Error<&[u8]>>
        .parse(value)
        .ok()
        .filter(|(rest, _)| rest.is_empty())
        .map(|(_, v)| v)
}

/// Reads a big-endian u32 from a value that is known to be 4 bytes long.
pub(crate) fn u32_value(value: &[u8]) -> Option<u32> {
    nom::number::complete::be_u32::<_, nom::error::Error<&[u8]>>
        .parse(value)
        .ok()
        .filter(|(rest, _)| rest.is_empty())
        .map(|(_, v)| v)
}

/// Encodes one leaf element into `out`. Values longer than 65 535 bytes cannot be encoded;
/// callers check that first.
pub(crate) fn push_leaf(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
}
