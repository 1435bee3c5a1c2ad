//! `show itl` / `show ctl` style text, as the CUCM admin CLI prints a trust list.
//!
//! Columns are laid out as the CLI's tab-separated rows look on a terminal (tab stops every
//! 8 columns), so the output can be compared line by line with a CUCM transcript.

use crate::ListKind;
use crate::TrustList;
use crate::tlv::{ElementKind, header_tag as h, record_tag as r, record_tag_name};
use crate::values::Function;
use std::fmt::Write as _;

/// What the caller knows that the file does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Text for the "last modified" line (the file's modification time), if known.
    pub modified: Option<String>,
    /// Whether the signature verified: `Some(true)` prints CUCM's success sentence,
    /// `Some(false)` a failure sentence, `None` nothing.
    pub verified: Option<bool>,
}

/// One table row as the CLI prints `%s\t%-8s\t%s\t%s` on a terminal: the label is padded
/// to 8 characters, every column but the last is followed by a tab, expanded here to the
/// next multiple of 8.
fn row(out: &mut String, cols: &[&str]) {
    let mut line = String::new();
    let last = cols.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
    for (i, col) in cols.iter().enumerate().take(last + 1) {
        if i == 1 {
            line.push_str(&format!("{col:<8}"));
        } else {
            line.push_str(col);
        }
        if i < last {
            let pad = 8 - line.len() % 8;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    out.push_str(&line);
    out.push('\n');
}

/// The SERIALNUMBER row of the header's signer and of a record: the serial in CUCM's form.
fn serial_row(out: &mut String, tag: &str, len: &str, serial: &[u8]) {
    row(
        out,
        &[
            tag,
            "SERIALNUMBER",
            len,
            &crate::values::Serial(serial).to_cucm(),
        ],
    );
}

fn upper_hex_spaced(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

const TABLE_HEAD: &str =
    "BYTEPOS TAG             LENGTH  VALUE\n------- ---             ------  -----\n";

/// Renders the list as `show itl` (or `show ctl` for a CTL) prints it.
pub fn render(list: &TrustList<'_>, options: &RenderOptions) -> String {
    let word = match list.kind() {
        Some(ListKind::Ctl) => "CTL",
        _ => "ITL",
    };
    let sums = list.checksums();
    let header = list.header();
    let mut out = String::with_capacity(4096);
    let _ = writeln!(out, "The checksum value of the {word} file:");
    let _ = writeln!(out, "{}(MD5)", hex::encode(sums.md5));
    let _ = writeln!(out, "{}(SHA1)", hex::encode(sums.sha1));
    out.push('\n');
    let _ = writeln!(out, "Length of {word} file: {}", list.len());
    if let Some(modified) = &options.modified {
        let _ = writeln!(out, "The {word} File was last modified on {modified}");
    }
    out.push('\n');
    let _ = writeln!(out, "Parse {word} File");
    out.push_str("----------------\n\n");
    let _ = writeln!(
        out,
        "Version:        {}.{}",
        header.version.0, header.version.1
    );
    let _ = writeln!(out, "HeaderLength:   {} (BYTES)", header.header_length);
    out.push('\n');
    out.push_str(TABLE_HEAD);
    for element in list.header_elements() {
        let tag = element.tag;
        let len = element.value.len().to_string();
        let tag_s = tag.to_string();
        let text = || crate::values::Text(element.value).lossy().into_owned();
        match tag {
            h::VERSION | h::HEADER_LENGTH | h::PADDING
                if element.kind != ElementKind::Leaf || tag != h::PADDING =>
            {
                continue;
            }
            h::SIGNER_INFO => row(&mut out, &[&tag_s, "SIGNERID", "2", &len]),
            h::SIGNER_NAME => row(&mut out, &[&tag_s, "SIGNERNAME", &len, &text()]),
            h::SIGNER_SERIAL => serial_row(&mut out, &tag_s, &len, element.value),
            h::SIGNER_ISSUER => row(&mut out, &[&tag_s, "CANAME", &len, &text()]),
            h::SIGNATURE_INFO => row(&mut out, &[&tag_s, "SIGNATUREINFO", "2", &len]),
            h::DIGEST_ALGORITHM => row(&mut out, &[&tag_s, "DIGESTALGORTITHM", "1"]),
            h::SIGNATURE_ALGO_INFO => row(&mut out, &[&tag_s, "SIGNATUREALGOINFO", "2", &len]),
            h::SIGNATURE_ALGORITHM => row(&mut out, &[&tag_s, "SIGNATUREALGORTITHM", "1"]),
            h::SIGNATURE_MODULUS => row(&mut out, &[&tag_s, "SIGNATUREMODULUS", "1"]),
            h::SIGNATURE => {
                row(&mut out, &[&tag_s, "SIGNATURE", &len]);
                for chunk in element.value.chunks(8) {
                    let line: String = chunk.iter().map(|b| format!("{b:<4x}")).collect();
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
            h::FILENAME => row(&mut out, &[&tag_s, "FILENAME", &len]),
            h::TIMESTAMP => row(&mut out, &[&tag_s, "TIMESTAMP", &len]),
            _ => row(&mut out, &[&tag_s, "UNKNOWN", &len]),
        }
    }
    let signer = list.signer_index();
    for record in list.records() {
        out.push('\n');
        let _ = writeln!(out, "{word} Record #:{}", record.index + 1);
        out.push_str("----\n");
        out.push_str(TABLE_HEAD);
        for element in list.record_elements(record) {
            let tag = element.tag;
            let tag_s = tag.to_string();
            let len = element.value.len().to_string();
            let text = || crate::values::Text(element.value).lossy().into_owned();
            match tag {
                r::RECORD_LENGTH => row(
                    &mut out,
                    &[&tag_s, "RECORDLENGTH", "2", &record.length.to_string()],
                ),
                r::DNS_NAME | r::SUBJECT_NAME | r::ISSUER_NAME => {
                    let label = record_tag_name(tag).unwrap_or("UNKNOWN");
                    row(&mut out, &[&tag_s, label, &len, &text()])
                }
                r::FUNCTION => {
                    let role = record
                        .function
                        .map(|f| f.cucm_text().into_owned())
                        .unwrap_or_default();
                    row(&mut out, &[&tag_s, "FUNCTION", &len, &role])
                }
                r::SERIAL_NUMBER => serial_row(&mut out, &tag_s, &len, element.value),
                r::PUBLIC_KEY => row(&mut out, &[&tag_s, "PUBLICKEY", &len]),
                r::SIGNATURE => row(&mut out, &[&tag_s, "SIGNATURE", &len]),
                r::CERTIFICATE => {
                    let sha1 = crate::checksum::sha1(element.value);
                    let value = format!("{} (SHA1 Hash HEX)", upper_hex_spaced(&sha1));
                    row(&mut out, &[&tag_s, "CERTIFICATE", &len, &value])
                }
                r::IP_ADDRESS => row(&mut out, &[&tag_s, "IPADDRESS", &len]),
                _ => row(&mut out, &[&tag_s, "UNKNOWN", &len]),
            }
        }
        if record.function == Some(Function::Sast) {
            if signer == Some(record.index) {
                let _ = writeln!(out, "This etoken was used to sign the {word} file.");
            } else {
                let _ = writeln!(out, "This etoken was not used to sign the {word} file.");
            }
        }
    }
    match options.verified {
        Some(true) => {
            let _ = writeln!(out, "The {word} file was verified successfully.");
        }
        Some(false) => {
            let _ = writeln!(out, "The {word} file could not be verified.");
        }
        None => {}
    }
    out
}
