//! One certificate record.
//!
//! ```text
//! record = RECORD_LENGTH(1) { DNSNAME(2) | SUBJECTNAME(3) | FUNCTION(4) | ISSUERNAME(5)
//!          | SERIALNUMBER(6) | PUBLICKEY(7) | SIGNATURE(8) | CERTIFICATE(9) | IPADDRESS(10)
//!          | CERT_HASH(11) | HASH_ALGORITHM(12) | unknown }*   -- ends exactly at RECORD_LENGTH
//! ```
//!
//! Every field but RECORD_LENGTH is optional: placeholder records carry only a name, a role
//! and an address. The certificate is decoded on demand ([`Record::certificate`]), so a bad
//! certificate is a finding for the verifier, not a parse failure.

use crate::error::{Bound, ParseError, ParseErrorKind};
use crate::tlv::{Element, ElementKind, Part, record_tag as t, u16_value};
use crate::values::{Function, Serial, Text};
use crate::walk::{Seen, Walker, expect_len};
use std::net::Ipv4Addr;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

/// A parsed record. Every field borrows from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Position in the file, counted from 0.
    pub index: usize,
    /// Byte offset of the record.
    pub offset: usize,
    /// RECORD_LENGTH: the record's size in bytes.
    pub length: u16,
    /// DNSNAME.
    pub dns_name: Option<Text<'a>>,
    /// SUBJECTNAME.
    pub subject: Option<Text<'a>>,
    /// FUNCTION (role).
    pub function: Option<Function>,
    /// ISSUERNAME.
    pub issuer: Option<Text<'a>>,
    /// SERIALNUMBER.
    pub serial: Option<Serial<'a>>,
    /// PUBLICKEY: PKCS#1 RSAPublicKey DER, or an X9.62 EC point.
    pub public_key: Option<&'a [u8]>,
    /// SIGNATURE: the certificate's signatureValue.
    pub signature: Option<&'a [u8]>,
    /// CERTIFICATE: DER X.509.
    pub certificate_der: Option<&'a [u8]>,
    /// IPADDRESS.
    pub ip: Option<Ipv4Addr>,
    /// CERT_HASH (tag 11).
    pub cert_hash: Option<&'a [u8]>,
    /// HASH_ALGORITHM (tag 12).
    pub hash_algorithm: Option<&'a [u8]>,
    /// Index range of this record's elements in [`crate::TrustList::elements`].
    pub elements: std::ops::Range<usize>,
}

impl<'a> Record<'a> {
    /// Byte range of the record in the file.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + usize::from(self.length)
    }

    /// Whether the record carries no certificate (a placeholder).
    pub fn is_placeholder(&self) -> bool {
        self.certificate_der.is_none()
    }

    /// Decodes the certificate, when there is one. The result borrows the input.
    pub fn certificate(
        &self,
    ) -> Option<Result<X509Certificate<'a>, x509_parser::nom::Err<x509_parser::error::X509Error>>>
    {
        self.certificate_der
            .map(|der| X509Certificate::from_der(der).map(|(_, cert)| cert))
    }

    /// SHA-1 of the certificate DER, as `show itl` prints it.
    pub fn certificate_sha1(&self) -> Option<[u8; 20]> {
        self.certificate_der.map(crate::checksum::sha1)
    }

    /// SHA-256 of the certificate DER (the key used to match certificates).
    pub fn certificate_sha256(&self) -> Option<[u8; 32]> {
        self.certificate_der.map(crate::checksum::sha256)
    }
}

/// Parses the record at `pos` (record number `index`), appending its elements.
pub(crate) fn parse_record<'a>(
    walker: &mut Walker<'a, '_>,
    pos: usize,
    index: usize,
) -> Result<Record<'a>, ParseError> {
    let part = Part::Record(index.min(u16::MAX as usize) as u16);
    let file_end = walker.input.len();
    let bad_start = |found_tag, found_length| {
        ParseError::new(
            pos,
            part,
            Some(found_tag),
            ParseErrorKind::BadRecordStart {
                found_tag,
                found_length,
            },
        )
    };
    let (tag, value) = match walker.read(pos, file_end, Bound::File, part) {
        Ok(found) => found,
        Err(ParseError {
            kind: ParseErrorKind::LengthOutOfBounds { length, .. },
            tag: Some(tag),
            ..
        }) if tag != t::RECORD_LENGTH || length != 2 => {
            return Err(bad_start(tag, length));
        }
        Err(e) => return Err(e),
    };
    let length = match (tag, u16_value(value)) {
        (t::RECORD_LENGTH, Some(length)) => length,
        _ => return Err(bad_start(tag, value.len() as u16)),
    };
    if length < 5 {
        return Err(ParseError::new(
            pos,
            part,
            Some(tag),
            ParseErrorKind::RecordLengthTooSmall { length },
        ));
    }
    let end = pos + usize::from(length);
    if end > file_end {
        return Err(ParseError::new(
            pos,
            part,
            Some(tag),
            ParseErrorKind::RecordPastEnd {
                length,
                file_len: file_end,
            },
        ));
    }
    let first_element = walker.elements.len();
    walker.push(tag, pos, value, ElementKind::Leaf, 0, part);
    let mut record = Record {
        index,
        offset: pos,
        length,
        dns_name: None,
        subject: None,
        function: None,
        issuer: None,
        serial: None,
        public_key: None,
        signature: None,
        certificate_der: None,
        ip: None,
        cert_hash: None,
        hash_algorithm: None,
        elements: first_element..first_element,
    };
    let mut seen = Seen::new();
    seen.note(t::RECORD_LENGTH, pos, part, &[])?;
    let mut at = pos + 5;
    while at < end {
        let (tag, value) = walker.read(at, end, Bound::Record, part)?;
        let element_at = at;
        at += 3 + value.len();
        if !(1..=12).contains(&tag) {
            walker.unknown(tag, element_at, value, 0, part);
            continue;
        }
        seen.note(tag, element_at, part, walker.elements)?;
        match tag {
            t::DNS_NAME => record.dns_name = Some(Text(value)),
            t::SUBJECT_NAME => record.subject = Some(Text(value)),
            t::FUNCTION => {
                expect_len(value, 2, element_at, tag, part)?;
                record.function = u16_value(value).map(Function::from_code);
            }
            t::ISSUER_NAME => record.issuer = Some(Text(value)),
            t::SERIAL_NUMBER => record.serial = Some(Serial(value)),
            t::PUBLIC_KEY => record.public_key = Some(value),
            t::SIGNATURE => record.signature = Some(value),
            t::CERTIFICATE => record.certificate_der = Some(value),
            t::IP_ADDRESS => {
                expect_len(value, 4, element_at, tag, part)?;
                record.ip = Some(Ipv4Addr::new(value[0], value[1], value[2], value[3]));
            }
            t::CERT_HASH => record.cert_hash = Some(value),
            t::HASH_ALGORITHM => record.hash_algorithm = Some(value),
            _ => {}
        }
        walker.push(tag, element_at, value, ElementKind::Leaf, 0, part);
    }
    record.elements = first_element..walker.elements.len();
    Ok(record)
}

/// The elements of a record, for callers that hold the element list.
pub(crate) fn record_elements<'e, 'a>(
    elements: &'e [Element<'a>],
    record: &Record<'a>,
) -> &'e [Element<'a>] {
    elements.get(record.elements.clone()).unwrap_or(&[])
}
