//! TFTP packet codec (RFC 1350, options per RFC 2347/2348/2349/7440).
//!
//! Wire grammar (all integers big-endian):
//!
//! ```text
//! RRQ / WRQ  = opcode(1|2) filename 0 mode 0 *(option 0 value 0)
//! DATA       = opcode(3) block:u16 data(0..=blksize)
//! ACK        = opcode(4) block:u16
//! ERROR      = opcode(5) code:u16 message 0
//! OACK       = opcode(6) *(option 0 value 0)
//! ```
//!
//! [`Packet::decode`] accepts any byte slice and returns a typed packet or a
//! [`DecodeError`]; it never panics and never allocates more than the input size.

use std::fmt;

/// Largest block size a client may request (RFC 2348).
pub const MAX_BLKSIZE: u16 = 65464;
/// Smallest block size a client may request (RFC 2348).
pub const MIN_BLKSIZE: u16 = 8;
/// The block size used when no option is negotiated (RFC 1350).
pub const DEFAULT_BLKSIZE: u16 = 512;
/// Largest size of a request packet that servers are required to accept (RFC 2347).
pub const MAX_REQUEST_LEN: usize = 512;

/// TFTP opcodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Opcode {
    /// Read request.
    Rrq = 1,
    /// Write request.
    Wrq = 2,
    /// Data block.
    Data = 3,
    /// Acknowledgement.
    Ack = 4,
    /// Error.
    Error = 5,
    /// Option acknowledgement (RFC 2347).
    Oack = 6,
}

impl Opcode {
    fn from_u16(value: u16) -> Option<Self> {
        Some(match value {
            1 => Self::Rrq,
            2 => Self::Wrq,
            3 => Self::Data,
            4 => Self::Ack,
            5 => Self::Error,
            6 => Self::Oack,
            _ => return None,
        })
    }
}

/// A TFTP error code as carried in an ERROR packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode(pub u16);

impl ErrorCode {
    /// 0: not defined, see the message.
    pub const NOT_DEFINED: Self = Self(0);
    /// 1: file not found.
    pub const FILE_NOT_FOUND: Self = Self(1);
    /// 2: access violation.
    pub const ACCESS_VIOLATION: Self = Self(2);
    /// 3: disk full or allocation exceeded.
    pub const DISK_FULL: Self = Self(3);
    /// 4: illegal TFTP operation.
    pub const ILLEGAL_OPERATION: Self = Self(4);
    /// 5: unknown transfer ID.
    pub const UNKNOWN_TID: Self = Self(5);
    /// 6: file already exists.
    pub const FILE_EXISTS: Self = Self(6);
    /// 7: no such user.
    pub const NO_SUCH_USER: Self = Self(7);
    /// 8: option negotiation refused (RFC 2347).
    pub const OPTION_REFUSED: Self = Self(8);

    /// The standard description of this code (RFC 1350, RFC 2347).
    pub fn description(self) -> &'static str {
        match self.0 {
            0 => "Not defined",
            1 => "File not found",
            2 => "Access violation",
            3 => "Disk full or allocation exceeded",
            4 => "Illegal TFTP operation",
            5 => "Unknown transfer ID",
            6 => "File already exists",
            7 => "No such user",
            8 => "Option negotiation refused",
            _ => "Unknown error code",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.description())
    }
}

/// One `name=value` option of a request or an OACK, as sent on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TftpOption {
    /// Option name (compared case-insensitively).
    pub name: String,
    /// Option value (decimal for every option this crate knows).
    pub value: String,
}

impl TftpOption {
    /// Builds an option from a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A read or write request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Requested file name.
    pub filename: String,
    /// Transfer mode (`octet`, `netascii`...), as sent.
    pub mode: String,
    /// Options in the order sent.
    pub options: Vec<TftpOption>,
}

/// A decoded TFTP packet. DATA borrows its payload from the received datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet<'a> {
    /// Read request.
    Rrq(Request),
    /// Write request.
    Wrq(Request),
    /// A data block.
    Data {
        /// Block number (wraps past 65535).
        block: u16,
        /// Payload: `blksize` bytes, or fewer for the last block.
        data: &'a [u8],
    },
    /// Acknowledgement of a block (0 acknowledges an OACK).
    Ack {
        /// Acknowledged block number.
        block: u16,
    },
    /// An error; ends the transfer.
    Error {
        /// Error code.
        code: ErrorCode,
        /// Human-readable message as sent (lossily decoded as UTF-8).
        message: String,
    },
    /// Option acknowledgement.
    Oack(Vec<TftpOption>),
}

/// Why a datagram is not a well-formed TFTP packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than the fixed part of the packet needs.
    #[error("packet too short ({len} bytes)")]
    TooShort {
        /// Datagram length.
        len: usize,
    },
    /// The opcode is not 1 to 6.
    #[error("unknown opcode {0}")]
    UnknownOpcode(u16),
    /// A string field is not terminated by a NUL byte.
    #[error("unterminated {field} string")]
    Unterminated {
        /// Which field.
        field: &'static str,
    },
    /// A string field that must be text is not UTF-8.
    #[error("{field} is not valid UTF-8")]
    NotUtf8 {
        /// Which field.
        field: &'static str,
    },
    /// An option name without its value.
    #[error("option {name:?} has no value")]
    MissingOptionValue {
        /// Option name.
        name: String,
    },
    /// Bytes after the end of a fixed-size packet.
    #[error("{count} trailing bytes after the packet")]
    TrailingBytes {
        /// Number of extra bytes.
        count: usize,
    },
}

/// Why a packet could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A string field contains a NUL byte, which would end it early on the wire.
    #[error("{field} contains a NUL byte")]
    EmbeddedNul {
        /// Which field.
        field: &'static str,
    },
    /// A DATA payload longer than the largest block size.
    #[error("data block of {len} bytes exceeds {max}")]
    DataTooLong {
        /// Payload length.
        len: usize,
        /// The limit.
        max: u16,
    },
}

impl<'a> Packet<'a> {
    /// Decodes one datagram. Never panics, whatever the bytes.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let (opcode, rest) = split_u16(bytes).ok_or(DecodeError::TooShort { len: bytes.len() })?;
        let opcode = Opcode::from_u16(opcode).ok_or(DecodeError::UnknownOpcode(opcode))?;
        match opcode {
            Opcode::Rrq => decode_request(rest).map(Packet::Rrq),
            Opcode::Wrq => decode_request(rest).map(Packet::Wrq),
            Opcode::Data => {
                let (block, data) =
                    split_u16(rest).ok_or(DecodeError::TooShort { len: bytes.len() })?;
                Ok(Packet::Data { block, data })
            }
            Opcode::Ack => {
                let (block, extra) =
                    split_u16(rest).ok_or(DecodeError::TooShort { len: bytes.len() })?;
                if !extra.is_empty() {
                    return Err(DecodeError::TrailingBytes { count: extra.len() });
                }
                Ok(Packet::Ack { block })
            }
            Opcode::Error => {
                let (code, rest) =
                    split_u16(rest).ok_or(DecodeError::TooShort { len: bytes.len() })?;
                // Some servers omit the terminating NUL; accept the message to the end.
                let (message, extra) = match split_cstr(rest) {
                    Some((message, extra)) => (message, extra),
                    None => (rest, &[][..]),
                };
                // Some servers pad ERROR packets with NUL bytes; tolerate only NULs.
                if extra.iter().any(|&b| b != 0) {
                    return Err(DecodeError::TrailingBytes { count: extra.len() });
                }
                Ok(Packet::Error {
                    code: ErrorCode(code),
                    message: String::from_utf8_lossy(message).into_owned(),
                })
            }
            Opcode::Oack => decode_options(rest).map(Packet::Oack),
        }
    }

    /// The opcode of this packet.
    pub fn opcode(&self) -> Opcode {
        match self {
            Packet::Rrq(_) => Opcode::Rrq,
            Packet::Wrq(_) => Opcode::Wrq,
            Packet::Data { .. } => Opcode::Data,
            Packet::Ack { .. } => Opcode::Ack,
            Packet::Error { .. } => Opcode::Error,
            Packet::Oack(_) => Opcode::Oack,
        }
    }

    /// Appends the wire form of this packet to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&(self.opcode() as u16).to_be_bytes());
        match self {
            Packet::Rrq(request) | Packet::Wrq(request) => {
                put_cstr(out, &request.filename, "filename")?;
                put_cstr(out, &request.mode, "mode")?;
                put_options(out, &request.options)?;
            }
            Packet::Data { block, data } => {
                if data.len() > usize::from(MAX_BLKSIZE) {
                    return Err(EncodeError::DataTooLong {
                        len: data.len(),
                        max: MAX_BLKSIZE,
                    });
                }
                out.extend_from_slice(&block.to_be_bytes());
                out.extend_from_slice(data);
            }
            Packet::Ack { block } => out.extend_from_slice(&block.to_be_bytes()),
            Packet::Error { code, message } => {
                out.extend_from_slice(&code.0.to_be_bytes());
                put_cstr(out, message, "message")?;
            }
            Packet::Oack(options) => put_options(out, options)?,
        }
        Ok(())
    }

    /// The wire form of this packet.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode_into(&mut out)?;
        Ok(out)
    }
}

/// Encodes an ACK; infallible shortcut.
pub fn encode_ack(block: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(4);
    out.extend_from_slice(&(Opcode::Ack as u16).to_be_bytes());
    out.extend_from_slice(&block.to_be_bytes());
    out
}

/// Encodes an ERROR; NUL bytes in `message` are dropped so this cannot fail.
pub fn encode_error(code: ErrorCode, message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + message.len());
    out.extend_from_slice(&(Opcode::Error as u16).to_be_bytes());
    out.extend_from_slice(&code.0.to_be_bytes());
    out.extend(message.bytes().filter(|&b| b != 0));
    out.push(0);
    out
}

fn split_u16(bytes: &[u8]) -> Option<(u16, &[u8])> {
    match bytes {
        [hi, lo, rest @ ..] => Some((u16::from_be_bytes([*hi, *lo]), rest)),
        _ => None,
    }
}

fn split_cstr(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = bytes.iter().position(|&b| b == 0)?;
    Some((&bytes[..nul], &bytes[nul + 1..]))
}

fn take_string<'b>(
    bytes: &'b [u8],
    field: &'static str,
) -> Result<(String, &'b [u8]), DecodeError> {
    let (text, rest) = split_cstr(bytes).ok_or(DecodeError::Unterminated { field })?;
    let text = std::str::from_utf8(text).map_err(|_| DecodeError::NotUtf8 { field })?;
    Ok((text.to_owned(), rest))
}

fn decode_request(bytes: &[u8]) -> Result<Request, DecodeError> {
    let (filename, rest) = take_string(bytes, "filename")?;
    let (mode, rest) = take_string(rest, "mode")?;
    let options = decode_options(rest)?;
    Ok(Request {
        filename,
        mode,
        options,
    })
}

fn decode_options(mut bytes: &[u8]) -> Result<Vec<TftpOption>, DecodeError> {
    let mut options = Vec::new();
    // Trailing NUL padding after the last option is tolerated (seen in the wild).
    while bytes.iter().any(|&b| b != 0) {
        let (name, rest) = take_string(bytes, "option name")?;
        let (value, rest) = match take_string(rest, "option value") {
            Ok(pair) => pair,
            Err(DecodeError::Unterminated { .. }) if rest.is_empty() => {
                return Err(DecodeError::MissingOptionValue { name });
            }
            Err(other) => return Err(other),
        };
        options.push(TftpOption { name, value });
        bytes = rest;
    }
    Ok(options)
}

fn put_cstr(out: &mut Vec<u8>, text: &str, field: &'static str) -> Result<(), EncodeError> {
    if text.as_bytes().contains(&0) {
        return Err(EncodeError::EmbeddedNul { field });
    }
    out.extend_from_slice(text.as_bytes());
    out.push(0);
    Ok(())
}

fn put_options(out: &mut Vec<u8>, options: &[TftpOption]) -> Result<(), EncodeError> {
    for option in options {
        put_cstr(out, &option.name, "option name")?;
        put_cstr(out, &option.value, "option value")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rrq_round_trip_exact_bytes() {
        let packet = Packet::Rrq(Request {
            filename: "ITLFile.tlv".into(),
            mode: "octet".into(),
            options: vec![
                TftpOption::new("blksize", "1428"),
                TftpOption::new("tsize", "0"),
            ],
        });
        let bytes = packet.encode().unwrap();
        assert_eq!(
            bytes,
            b"\x00\x01ITLFile.tlv\x00octet\x00blksize\x001428\x00tsize\x000\x00"
        );
        assert_eq!(Packet::decode(&bytes).unwrap(), packet);
    }

    #[test]
    fn data_ack_error_oack_decode() {
        assert_eq!(
            Packet::decode(b"\x00\x03\x01\x02abc").unwrap(),
            Packet::Data {
                block: 0x0102,
                data: b"abc"
            }
        );
        assert_eq!(
            Packet::decode(b"\x00\x03\xff\xff").unwrap(),
            Packet::Data {
                block: 65535,
                data: b""
            }
        );
        assert_eq!(
            Packet::decode(b"\x00\x04\x00\x07").unwrap(),
            Packet::Ack { block: 7 }
        );
        assert_eq!(
            Packet::decode(b"\x00\x05\x00\x01File not found\x00").unwrap(),
            Packet::Error {
                code: ErrorCode::FILE_NOT_FOUND,
                message: "File not found".into()
            }
        );
        assert_eq!(
            Packet::decode(b"\x00\x06blksize\x00512\x00tsize\x007166\x00").unwrap(),
            Packet::Oack(vec![
                TftpOption::new("blksize", "512"),
                TftpOption::new("tsize", "7166")
            ])
        );
        assert_eq!(Packet::decode(b"\x00\x06").unwrap(), Packet::Oack(vec![]));
    }

    #[test]
    fn malformed_packets_are_typed_errors() {
        assert_eq!(Packet::decode(b""), Err(DecodeError::TooShort { len: 0 }));
        assert_eq!(
            Packet::decode(b"\x00"),
            Err(DecodeError::TooShort { len: 1 })
        );
        assert_eq!(
            Packet::decode(b"\x00\x03\x01"),
            Err(DecodeError::TooShort { len: 3 })
        );
        assert_eq!(
            Packet::decode(b"\x00\x07xx"),
            Err(DecodeError::UnknownOpcode(7))
        );
        assert_eq!(
            Packet::decode(b"\x00\x00"),
            Err(DecodeError::UnknownOpcode(0))
        );
        assert_eq!(
            Packet::decode(b"\x00\x04\x00\x01\x00"),
            Err(DecodeError::TrailingBytes { count: 1 })
        );
        assert_eq!(
            Packet::decode(b"\x00\x01file"),
            Err(DecodeError::Unterminated { field: "filename" })
        );
        assert_eq!(
            Packet::decode(b"\x00\x06blksize\x00512"),
            Err(DecodeError::Unterminated {
                field: "option value"
            })
        );
        assert_eq!(
            Packet::decode(b"\x00\x06blksize\x00"),
            Err(DecodeError::MissingOptionValue {
                name: "blksize".into()
            })
        );
        assert_eq!(
            Packet::decode(b"\x00\x06\xff\x00512\x00"),
            Err(DecodeError::NotUtf8 {
                field: "option name"
            })
        );
    }

    #[test]
    fn error_without_nul_and_with_padding_is_accepted() {
        assert_eq!(
            Packet::decode(b"\x00\x05\x00\x02denied").unwrap(),
            Packet::Error {
                code: ErrorCode::ACCESS_VIOLATION,
                message: "denied".into()
            }
        );
        assert_eq!(
            Packet::decode(b"\x00\x05\x00\x02denied\x00\x00\x00").unwrap(),
            Packet::Error {
                code: ErrorCode::ACCESS_VIOLATION,
                message: "denied".into()
            }
        );
        assert_eq!(
            Packet::decode(b"\x00\x05\x00\x02denied\x00x"),
            Err(DecodeError::TrailingBytes { count: 1 })
        );
    }

    #[test]
    fn encode_rejects_nul_in_strings() {
        let packet = Packet::Rrq(Request {
            filename: "a\0b".into(),
            mode: "octet".into(),
            options: vec![],
        });
        assert_eq!(
            packet.encode(),
            Err(EncodeError::EmbeddedNul { field: "filename" })
        );
        assert_eq!(
            encode_error(ErrorCode(5), "x\0y"),
            b"\x00\x05\x00\x05xy\x00"
        );
        assert_eq!(encode_ack(0x1234), b"\x00\x04\x12\x34");
    }

    #[test]
    fn decoder_never_panics_on_random_bytes() {
        // Seed 0x1DC0_FFEE_2015_7166 made odd.
        let mut rng = itl_testkit::Xorshift::new(0x1DC0_FFEE_2015_7167);
        let seeds: [&[u8]; 6] = [
            b"\x00\x01ITLFile.tlv\x00octet\x00blksize\x001428\x00tsize\x000\x00",
            b"\x00\x03\x00\x01data",
            b"\x00\x04\x00\x01",
            b"\x00\x05\x00\x01File not found\x00",
            b"\x00\x06blksize\x00512\x00tsize\x007166\x00",
            b"",
        ];
        let mut buf = Vec::new();
        for round in 0..200_000 {
            buf.clear();
            if round % 2 == 0 {
                // Pure noise, mostly with a plausible opcode.
                let len = rng.below(40);
                buf.extend((0..len).map(|_| rng.next_u64() as u8));
                if len >= 2 && rng.below(4) != 0 {
                    buf[0] = 0;
                    buf[1] = rng.below(8) as u8;
                }
            } else {
                // Mutations of valid packets: flip, truncate, extend.
                buf.extend_from_slice(seeds[rng.below(seeds.len())]);
                for _ in 0..=rng.below(3) {
                    match rng.below(3) {
                        0 if !buf.is_empty() => {
                            let i = rng.below(buf.len());
                            buf[i] = rng.next_u64() as u8;
                        }
                        1 => {
                            let keep = rng.below(buf.len() + 1);
                            buf.truncate(keep);
                        }
                        _ => buf.push(rng.next_u64() as u8),
                    }
                }
            }
            if let Ok(packet) = Packet::decode(&buf) {
                // Whatever decodes must re-encode without panicking.
                let _ = packet.encode();
            }
        }
    }
}
