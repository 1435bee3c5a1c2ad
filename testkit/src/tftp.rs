//! TFTP packets written out as literal bytes (RFC 1350, RFC 2347 options), independent of the
//! workspace's codec, so that tests check codec and state machines against the RFCs rather
//! than against themselves.

/// A read request for `file` in octet mode with the option `pairs`.
pub fn rrq(file: &str, pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![0, 1];
    out.extend_from_slice(file.as_bytes());
    out.extend_from_slice(b"\0octet\0");
    push_options(&mut out, pairs);
    out
}

/// DATA `block` carrying `payload`.
pub fn data(block: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 3];
    out.extend_from_slice(&block.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// ACK `block`.
pub fn ack(block: u16) -> Vec<u8> {
    let mut out = vec![0, 4];
    out.extend_from_slice(&block.to_be_bytes());
    out
}

/// ERROR `code` with `message`.
pub fn error(code: u16, message: &str) -> Vec<u8> {
    let mut out = vec![0, 5];
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(message.as_bytes());
    out.push(0);
    out
}

/// OACK with the option `pairs`.
pub fn oack(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![0, 6];
    push_options(&mut out, pairs);
    out
}

/// Appends each option as `name NUL value NUL`.
fn push_options(out: &mut Vec<u8>, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(value.as_bytes());
        out.push(0);
    }
}

/// The block number of an ACK, if `bytes` is one.
pub fn as_ack(bytes: &[u8]) -> Option<u16> {
    match bytes {
        [0, 4, hi, lo] => Some(u16::from_be_bytes([*hi, *lo])),
        _ => None,
    }
}

/// The code of an ERROR, if `bytes` is one.
pub fn as_error(bytes: &[u8]) -> Option<u16> {
    match bytes {
        [0, 5, hi, lo, ..] => Some(u16::from_be_bytes([*hi, *lo])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_are_the_rfc_bytes() {
        assert_eq!(
            rrq("ITLFile.tlv", &[("blksize", "1428")]),
            b"\x00\x01ITLFile.tlv\x00octet\x00blksize\x001428\x00"
        );
        assert_eq!(data(0x0102, b"ab"), b"\x00\x03\x01\x02ab");
        assert_eq!(ack(7), b"\x00\x04\x00\x07");
        assert_eq!(
            error(1, "File not found"),
            b"\x00\x05\x00\x01File not found\x00"
        );
        assert_eq!(oack(&[("tsize", "9")]), b"\x00\x06tsize\x009\x00");
    }

    #[test]
    fn acks_and_errors_are_read_back_and_others_refused() {
        assert_eq!(as_ack(&ack(513)), Some(513));
        assert_eq!(as_ack(&data(1, b"")), None);
        assert_eq!(as_ack(b"\x00\x04\x00"), None);
        assert_eq!(as_error(&error(8, "")), Some(8));
        assert_eq!(as_error(&ack(8)), None);
    }
}
