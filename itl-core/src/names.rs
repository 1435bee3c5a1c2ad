//! Distinguished names: CUCM's `CN=…;OU=…;O=…;L=…;ST=…;C=…` text, and comparison by parsed
//! attributes rather than by bytes (other builders write `CN=SAST,O=SAST,OU=SAST` or quoted
//! lower-case keys).

use x509_parser::x509::X509Name;

/// The attributes CUCM writes, in its fixed order.
const CUCM_ORDER: [&str; 6] = ["CN", "OU", "O", "L", "ST", "C"];

/// A name as a list of (upper-case attribute key, value) pairs in written order.
pub type Attributes = Vec<(String, String)>;

/// Renders a certificate name as CUCM does: CN, OU, O, L, ST, C in that order whatever the
/// order in the certificate, `;`-separated, absent attributes omitted, values verbatim.
pub fn cucm_dn(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    for (key, values) in [
        ("CN", name.iter_common_name().collect::<Vec<_>>()),
        ("OU", name.iter_organizational_unit().collect()),
        ("O", name.iter_organization().collect()),
        ("L", name.iter_locality().collect()),
        ("ST", name.iter_state_or_province().collect()),
        ("C", name.iter_country().collect()),
    ] {
        for value in values {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(key);
            out.push('=');
            out.push_str(&attribute_text(value.as_slice()));
        }
    }
    out
}

/// Decodes an attribute value's raw bytes (UTF8String, PrintableString, IA5String...).
fn attribute_text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

/// The CUCM-relevant attributes of a certificate name, in CUCM order.
pub fn certificate_attributes(name: &X509Name<'_>) -> Attributes {
    parse_dn_text(&cucm_dn(name))
}

/// Parses a DN written as text, with `;` or `,` separators, `key=value` pairs, optional quotes
/// and keys in any case. Attributes other than CN, OU, O, L, ST and C are dropped; the result
/// is sorted into CUCM order so that two spellings of one name compare equal.
pub fn parse_dn_text(text: &str) -> Attributes {
    let mut attrs: Attributes = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut parts = Vec::new();
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' | ',' if !in_quotes => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    for part in parts {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_uppercase();
        let key = match key.as_str() {
            "S" => "ST".to_string(),
            _ => key,
        };
        if CUCM_ORDER.contains(&key.as_str()) {
            attrs.push((key, value.trim().to_string()));
        }
    }
    attrs.sort_by_key(|(k, _)| CUCM_ORDER.iter().position(|o| o == k));
    attrs
}

/// Whether a DN text names the same entity as a certificate name (compared by attributes).
pub fn same_name(text: &str, name: &X509Name<'_>) -> bool {
    parse_dn_text(text) == certificate_attributes(name)
}
