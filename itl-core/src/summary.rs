//! A serialisable summary of a parsed list: the stable JSON schema of `itl parse --json`.

use crate::time::UnixTime;
use crate::{ListKind, ParseWarning, TrustList};
use serde::Serialize;

/// The signer named in the header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerSummary {
    /// SIGNER_NAME.
    pub name: Option<String>,
    /// SIGNER_SERIAL, lower-case hex without separators.
    pub serial: Option<String>,
    /// SIGNER_ISSUER.
    pub issuer: Option<String>,
}

/// One record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    /// Position, counted from 1 as `show itl` does.
    pub index: usize,
    /// Byte offset.
    pub offset: usize,
    /// RECORD_LENGTH.
    pub length: u16,
    /// Role short name (`SAST`, `CCM+TFTP`, `TVS`...).
    pub function: Option<String>,
    /// Role code.
    pub function_code: Option<u16>,
    /// DNSNAME.
    pub dns_name: Option<String>,
    /// SUBJECTNAME.
    pub subject: Option<String>,
    /// ISSUERNAME.
    pub issuer: Option<String>,
    /// SERIALNUMBER, lower-case hex without separators.
    pub serial: Option<String>,
    /// PUBLICKEY length in bytes.
    pub public_key_length: Option<usize>,
    /// SHA-1 of the certificate DER, lower-case hex.
    pub certificate_sha1: Option<String>,
    /// IPADDRESS.
    pub ip: Option<String>,
    /// Whether this record signed the file.
    pub signer: bool,
}

/// A parse warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WarningSummary {
    /// Stable code.
    pub code: &'static str,
    /// Byte offset.
    pub offset: usize,
    /// Human-readable text.
    pub message: String,
}

impl From<&ParseWarning> for WarningSummary {
    fn from(w: &ParseWarning) -> Self {
        Self {
            code: w.code(),
            offset: w.offset,
            message: w.to_string(),
        }
    }
}

/// A whole list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListSummary {
    /// `ITL`, `CTL` or `unknown`.
    pub kind: &'static str,
    /// VERSION as `major.minor`.
    pub version: String,
    /// HEADER_LENGTH.
    pub header_length: u16,
    /// The signer named in the header.
    pub signer: SignerSummary,
    /// The record that signed the file, counted from 1, if one matches the header.
    pub signer_record: Option<usize>,
    /// Digest name (`SHA-1`...).
    pub digest: Option<String>,
    /// Digest code.
    pub digest_code: Option<u8>,
    /// SIGNATURE length in bytes.
    pub signature_length: Option<usize>,
    /// FILENAME.
    pub filename: Option<String>,
    /// TIMESTAMP, Unix seconds.
    pub timestamp: Option<u32>,
    /// TIMESTAMP, RFC 3339 UTC.
    pub timestamp_utc: Option<String>,
    /// File size in bytes.
    pub size: usize,
    /// MD5 of the file.
    pub md5: String,
    /// SHA-1 of the file.
    pub sha1: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Records in order.
    pub records: Vec<RecordSummary>,
    /// Parse warnings.
    pub warnings: Vec<WarningSummary>,
}

impl ListSummary {
    /// Summarises a parsed list.
    pub fn of(list: &TrustList<'_>) -> Self {
        let h = list.header();
        let sums = list.checksums();
        let signer = list.signer_index();
        let text = |t: Option<crate::Text<'_>>| t.map(|t| t.lossy().into_owned());
        Self {
            kind: ListKind::name_or_unknown(list.kind()),
            version: format!("{}.{}", h.version.0, h.version.1),
            header_length: h.header_length,
            signer: SignerSummary {
                name: text(h.signer_name),
                serial: h.signer_serial.map(|s| s.to_hex()),
                issuer: text(h.signer_issuer),
            },
            signer_record: signer.map(|i| i + 1),
            digest: h.digest.map(|d| d.name().into_owned()),
            digest_code: h.digest.map(|d| d.code()),
            signature_length: h.signature_value().map(<[u8]>::len),
            filename: text(h.filename),
            timestamp: h.timestamp,
            timestamp_utc: h
                .timestamp
                .map(|t| UnixTime::from_wire_timestamp(t).to_rfc3339()),
            size: list.len(),
            md5: hex::encode(sums.md5),
            sha1: hex::encode(sums.sha1),
            sha256: hex::encode(sums.sha256),
            records: list
                .records()
                .iter()
                .map(|r| RecordSummary {
                    index: r.index + 1,
                    offset: r.offset,
                    length: r.length,
                    function: r.function.map(|f| f.short_name().into_owned()),
                    function_code: r.function.map(|f| f.code()),
                    dns_name: text(r.dns_name),
                    subject: text(r.subject),
                    issuer: text(r.issuer),
                    serial: r.serial.map(|s| s.to_hex()),
                    public_key_length: r.public_key.map(<[u8]>::len),
                    certificate_sha1: r.certificate_sha1().map(hex::encode),
                    ip: r.ip.map(|ip| ip.to_string()),
                    signer: signer == Some(r.index),
                })
                .collect(),
            warnings: list.warnings().iter().map(WarningSummary::from).collect(),
        }
    }
}
