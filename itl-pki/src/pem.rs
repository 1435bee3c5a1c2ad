//! PEM helpers shared by the key and certificate functions.

use der::Decode;
use der::pem::{self, LineEnding};

use crate::PkiError;

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";

/// Finds the first PEM block in `input`: from its `-----BEGIN` line to the end
/// of its `-----END ...-----` line. Text before and after is ignored (e.g.
/// OpenSSL "Bag Attributes" or a second block).
fn first_block(input: &[u8]) -> Option<&[u8]> {
    let start = find(input, BEGIN)?;
    let rest = &input[start..];
    let end_line = find(rest, END)?;
    let after_end = &rest[end_line + END.len()..];
    // The END line closes with "-----" after the label.
    let close = find(after_end, b"-----")?;
    let stop = end_line + END.len() + close + 5;
    Some(&rest[..stop])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// True if `input` looks like PEM (a `-----BEGIN ` line appears in it).
pub(crate) fn looks_like_pem(input: &[u8]) -> bool {
    find(input, BEGIN).is_some()
}

/// Decodes the first PEM block in `input`, returning its label and contents.
///
/// Lines of any Base64 width and CRLF line endings are accepted.
pub(crate) fn decode_first(input: &[u8]) -> Result<(String, Vec<u8>), PkiError> {
    let block = first_block(input).ok_or(PkiError::NoPemBlock)?;
    let mut decoder = pem::Decoder::new_detect_wrap(block)?;
    let label = decoder.type_label().to_owned();
    let mut buf = Vec::new();
    decoder.decode_to_end(&mut buf)?;
    Ok((label, buf))
}

/// Encodes `der` as PEM with `label` and LF line endings.
pub(crate) fn encode(label: &str, der: &[u8]) -> Result<String, PkiError> {
    Ok(pem::encode_string(label, LineEnding::LF, der)?)
}

/// Returns the DER of a certificate given as PEM or as raw DER.
///
/// PEM input may carry text around the block; the first block is used and
/// must be labelled `CERTIFICATE` (or the legacy `X509 CERTIFICATE`). Either
/// way the result is checked to parse as an X.509 certificate.
///
/// # Errors
/// [`PkiError::UnexpectedPemLabel`] for another PEM label, [`PkiError::Pem`]
/// for a malformed block, [`PkiError::NotACertificate`] when the bytes (or
/// the decoded block) are not a DER certificate.
pub fn cert_from_pem_or_der(bytes: &[u8]) -> Result<Vec<u8>, PkiError> {
    let der = if looks_like_pem(bytes) {
        let (label, der) = decode_first(bytes)?;
        if label != "CERTIFICATE" && label != "X509 CERTIFICATE" {
            return Err(PkiError::UnexpectedPemLabel {
                found: label,
                expected: "CERTIFICATE",
            });
        }
        der
    } else {
        bytes.to_vec()
    };
    x509_cert::Certificate::from_der(&der).map_err(|e| PkiError::NotACertificate(e.to_string()))?;
    Ok(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_block_skips_surrounding_text() {
        let input = b"Bag Attributes\n-----BEGIN X-----\nAAEC\n-----END X-----\ntrailer\n-----BEGIN Y-----\n";
        let (label, der) = decode_first(input).unwrap();
        assert_eq!(label, "X");
        assert_eq!(der, vec![0, 1, 2]);
    }

    #[test]
    fn missing_block_is_an_error() {
        assert!(matches!(decode_first(b"hello"), Err(PkiError::NoPemBlock)));
        assert!(matches!(
            decode_first(b"-----BEGIN X-----\nAAEC\n"),
            Err(PkiError::NoPemBlock)
        ));
    }
}
