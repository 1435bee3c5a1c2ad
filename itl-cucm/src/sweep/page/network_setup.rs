//! The Network Setup page (Network Configuration on older phones; the Security Information
//! page of DX-series phones has the same shape): which trust lists the phone holds, its TVS
//! and TFTP servers (`cucm-interfaces.md` §8.3, corrected by §8.6).
//!
//! | label (any case, spaces ignored) | field |
//! |---|---|
//! | `ITL file` | [`NetworkSetup::itl_file`]: a hash, `Installed`, `Not Installed`... |
//! | `ITL signature` | [`NetworkSetup::itl_signature`]: the hash when `ITL file` says `Installed` |
//! | `CTL file` | [`NetworkSetup::ctl_file`] |
//! | `CTL signature` | [`NetworkSetup::ctl_signature`] |
//! | `TVS` (one row per server, two to five) | [`NetworkSetup::tvs`], duplicates kept |
//! | `TFTP server 1`, `TFTP server 2` | [`NetworkSetup::tftp_server_1`], `_2` |
//! | `Security mode`, `Host name` | as shown |
//!
//! Hashes are written as upper-case hex pairs separated by single spaces, often with a
//! trailing space (`BD 03 52 … AE 3B `): 20 pairs are a SHA-1, 16 an MD5. Captures that
//! redact them show `XX XX …`: that is [`TrustField::Unreadable`], not a hash.
//!
//! A page may have no trust field at all (7940G, 7945G, 6921 and DX80 pages: the state is
//! only on the handset). That is not an error: [`NetworkSetup::trust_fields_present`] is
//! false and the rest of the page is still read.

use itl_core::checksum::normalize_hex;
use serde::{Deserialize, Serialize};

use super::fields::page_fields;
use super::{PageError, body_text};

/// Most `TVS` entries kept (phones show two to five).
pub const MAX_TVS: usize = 5;

/// A trust-list field as the phone shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum TrustField {
    /// A hash: lower-case hex without separators, 32 digits (MD5) or 40 (SHA-1).
    Hash(String),
    /// The list is installed; the hash is on the matching signature row.
    Installed,
    /// No list: the field is empty or says `No`, `None`, `Not Installed`...
    Absent(String),
    /// A hash that cannot be read (redacted `XX XX …`), as shown.
    Unreadable(String),
    /// Something else, as shown.
    Text(String),
}

impl TrustField {
    /// Reads a field value: a 32- or 40-digit hex hash after [`normalize_hex`] (spaces,
    /// colons, dashes removed, lower case), `Installed`, an absence word, a redacted hash, or
    /// other text.
    pub fn parse(value: &str) -> Self {
        let value = value.trim();
        if let Some(hex) = normalize_hex(value)
            && matches!(hex.len(), 32 | 40)
        {
            return TrustField::Hash(hex);
        }
        let lower = value.to_ascii_lowercase();
        let lower = lower.trim_matches(|c: char| c == '.' || c.is_whitespace());
        match lower {
            "installed" => TrustField::Installed,
            "" | "-" | "--" | "no" | "none" | "n/a" | "na" | "not installed" | "not present"
            | "not available" | "empty" => TrustField::Absent(value.to_owned()),
            _ if is_redacted(value) => TrustField::Unreadable(value.to_owned()),
            _ => TrustField::Text(value.to_owned()),
        }
    }

    /// The hash, when the field holds one.
    pub fn hash(&self) -> Option<&str> {
        match self {
            TrustField::Hash(h) => Some(h),
            _ => None,
        }
    }

    /// The value as shown (the normalised hash for a hash, `Installed` for installed).
    pub fn shown(&self) -> &str {
        match self {
            TrustField::Installed => "Installed",
            TrustField::Hash(s)
            | TrustField::Absent(s)
            | TrustField::Unreadable(s)
            | TrustField::Text(s) => s,
        }
    }

    /// Whether the field says no list is held.
    pub fn is_absent(&self) -> bool {
        matches!(self, TrustField::Absent(_))
    }
}

/// A redacted hash: pairs of hex digits where at least one pair is `XX`, separated by spaces
/// or colons, possibly ending in an ellipsis (`XX XX …`, `BD 03 XX XX`).
fn is_redacted(value: &str) -> bool {
    let body = value.trim_end_matches(['…', '.', ' ']);
    let pairs: Vec<&str> = body.split([' ', ':']).filter(|p| !p.is_empty()).collect();
    pairs.len() >= 2
        && pairs.iter().all(|p| {
            p.len() == 2
                && p.chars()
                    .all(|c| c.is_ascii_hexdigit() || c == 'X' || c == 'x')
        })
        && pairs.iter().any(|p| p.eq_ignore_ascii_case("xx"))
}

/// What a Network Setup (or Security Information) page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSetup {
    /// `ITL file`.
    pub itl_file: Option<TrustField>,
    /// `ITL signature` / `ITL Signature`.
    pub itl_signature: Option<TrustField>,
    /// `CTL file`.
    pub ctl_file: Option<TrustField>,
    /// `CTL signature`.
    pub ctl_signature: Option<TrustField>,
    /// `TFTP server 1`, when not empty.
    pub tftp_server_1: Option<String>,
    /// `TFTP server 2`, when not empty.
    pub tftp_server_2: Option<String>,
    /// `TVS`: every server of every `TVS` row in page order, duplicates kept (a row listing
    /// several, split on commas, semicolons and spaces, gives several), at most [`MAX_TVS`].
    pub tvs: Vec<String>,
    /// Whether the page had a `TVS` row (possibly empty).
    pub tvs_row: bool,
    /// `Security mode`.
    pub security_mode: Option<String>,
    /// `Host name`.
    pub host_name: Option<String>,
}

impl NetworkSetup {
    /// Whether the page shows any trust field (`ITL file`, `ITL signature`, `CTL file`,
    /// `CTL signature`, `TVS`). Pages of the 7940G, 7945G, 6921 and DX80 show none: their
    /// trust state cannot be read from the web.
    pub fn trust_fields_present(&self) -> bool {
        self.has_itl_field()
            || self.ctl_file.is_some()
            || self.ctl_signature.is_some()
            || self.tvs_row
    }

    /// Whether the page shows any field of a Network Setup page at all (trust fields, TFTP
    /// servers, security mode, host name). A page without any is not a Network Setup page
    /// (a login page, an error page, another device).
    pub fn any_field_present(&self) -> bool {
        self.trust_fields_present()
            || self.tftp_server_1.is_some()
            || self.tftp_server_2.is_some()
            || self.security_mode.is_some()
            || self.host_name.is_some()
    }

    /// Whether the page shows an `ITL file` or `ITL signature` field.
    pub fn has_itl_field(&self) -> bool {
        self.itl_file.is_some() || self.itl_signature.is_some()
    }

    /// The ITL hashes the page shows: the signature row first, then the file row.
    pub fn itl_hashes(&self) -> Vec<&str> {
        hashes(&self.itl_signature, &self.itl_file)
    }

    /// The CTL hash, when the page shows one: the signature row first, then the file row.
    pub fn ctl_hash(&self) -> Option<&str> {
        hashes(&self.ctl_signature, &self.ctl_file).first().copied()
    }

    /// Adds what `other` (another page of the same phone, e.g. the DX-series Security
    /// Information page) shows and this one does not: missing fields are taken, TVS servers
    /// appended (up to [`MAX_TVS`]).
    pub fn merge(&mut self, other: NetworkSetup) {
        fn take<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        take(&mut self.itl_file, other.itl_file);
        take(&mut self.itl_signature, other.itl_signature);
        take(&mut self.ctl_file, other.ctl_file);
        take(&mut self.ctl_signature, other.ctl_signature);
        take(&mut self.tftp_server_1, other.tftp_server_1);
        take(&mut self.tftp_server_2, other.tftp_server_2);
        take(&mut self.security_mode, other.security_mode);
        take(&mut self.host_name, other.host_name);
        self.tvs_row |= other.tvs_row;
        for t in other.tvs {
            if self.tvs.len() < MAX_TVS {
                self.tvs.push(t);
            }
        }
    }
}

fn hashes<'a>(signature: &'a Option<TrustField>, file: &'a Option<TrustField>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for f in [signature, file].into_iter().flatten() {
        if let Some(h) = f.hash()
            && !out.contains(&h)
        {
            out.push(h);
        }
    }
    out
}

/// Parses a Network Setup page (any layout).
///
/// Fails only with [`PageError::NotText`] for a binary body: a text page without trust
/// fields parses, with [`NetworkSetup::trust_fields_present`] false. The first row of a
/// label wins, except `TVS`, of which every row counts.
pub fn parse_network_setup(body: &[u8]) -> Result<NetworkSetup, PageError> {
    Ok(setup_of(&body_text(body)?))
}

/// The fields of a page's text.
pub(super) fn setup_of(text: &str) -> NetworkSetup {
    let mut setup = NetworkSetup::default();
    let nonempty = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    for field in page_fields(text) {
        let value = field.value.as_str();
        match field.key().as_str() {
            "itlfile" if setup.itl_file.is_none() => {
                setup.itl_file = Some(TrustField::parse(value))
            }
            "itlsignature" if setup.itl_signature.is_none() => {
                setup.itl_signature = Some(TrustField::parse(value))
            }
            "ctlfile" if setup.ctl_file.is_none() => {
                setup.ctl_file = Some(TrustField::parse(value))
            }
            "ctlsignature" if setup.ctl_signature.is_none() => {
                setup.ctl_signature = Some(TrustField::parse(value))
            }
            "tftpserver1" if setup.tftp_server_1.is_none() => setup.tftp_server_1 = nonempty(value),
            "tftpserver2" if setup.tftp_server_2.is_none() => setup.tftp_server_2 = nonempty(value),
            "tvs" | "tvsserver" | "tvsservers" => {
                setup.tvs_row = true;
                for server in value.split([',', ';', ' ']).filter(|s| !s.is_empty()) {
                    if setup.tvs.len() < MAX_TVS {
                        setup.tvs.push(server.to_owned());
                    }
                }
            }
            "securitymode" if setup.security_mode.is_none() => {
                setup.security_mode = nonempty(value)
            }
            "hostname" if setup.host_name.is_none() => setup.host_name = nonempty(value),
            _ => {}
        }
    }
    setup
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1_PAIRS: &str = "BD 03 52 8C 11 22 33 44 55 66 77 88 99 AA BB CC DD EE AE 3B ";
    const SHA1: &str = "bd03528c112233445566778899aabbccddeeae3b";
    const MD5: &str = "0123456789ABCDEF0123456789ABCDEF";
    const MD5_LOWER: &str = "0123456789abcdef0123456789abcdef";

    fn row(label: &str, value: &str) -> String {
        format!("<TR><TD><B>{label}</B></TD><TD WIDTH=20></TD><TD><B>{value}</B></TD></TR>\n")
    }

    fn page(rows: &[(&str, &str)]) -> NetworkSetup {
        let body: String = rows.iter().map(|(l, v)| row(l, v)).collect();
        parse_network_setup(format!("<TABLE>{body}</TABLE>").as_bytes()).expect("text")
    }

    #[test]
    fn field_values() {
        for (shown, expected) in [
            ("Not Installed", TrustField::Absent("Not Installed".into())),
            ("No", TrustField::Absent("No".into())),
            ("  none ", TrustField::Absent("none".into())),
            ("", TrustField::Absent(String::new())),
            ("Installed", TrustField::Installed),
            ("INSTALLED", TrustField::Installed),
            (SHA1_PAIRS, TrustField::Hash(SHA1.into())),
            (MD5, TrustField::Hash(MD5_LOWER.into())),
            (
                "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef",
                TrustField::Hash(MD5_LOWER.into()),
            ),
            (
                "XX XX XX XX …",
                TrustField::Unreadable("XX XX XX XX …".into()),
            ),
            (
                "BD 03 XX XX XX",
                TrustField::Unreadable("BD 03 XX XX XX".into()),
            ),
            // 19 pairs are not a hash.
            (
                "BD 03 52 8C 11 22 33 44 55 66 77 88 99 AA BB CC DD EE AE",
                TrustField::Text("BD 03 52 8C 11 22 33 44 55 66 77 88 99 AA BB CC DD EE AE".into()),
            ),
            // 31 digits are not a hash.
            (&MD5[1..], TrustField::Text(MD5[1..].into())),
            ("XX", TrustField::Text("XX".into())),
            ("Yes", TrustField::Text("Yes".into())),
        ] {
            assert_eq!(TrustField::parse(shown), expected, "{shown:?}");
        }
        assert_eq!(TrustField::Installed.shown(), "Installed");
        assert!(TrustField::parse("Not Installed").is_absent());
    }

    #[test]
    fn installed_with_the_hash_on_the_signature_row() {
        let s = page(&[
            ("CTL file", "Installed"),
            ("CTL signature", SHA1_PAIRS),
            ("ITL file", "Installed"),
            ("ITL signature", SHA1_PAIRS),
        ]);
        assert_eq!(s.itl_file, Some(TrustField::Installed));
        assert_eq!(s.itl_hashes(), vec![SHA1]);
        assert_eq!(s.ctl_hash(), Some(SHA1));
        assert!(s.trust_fields_present());
    }

    #[test]
    fn hash_on_the_file_row() {
        let s = page(&[("CTL file", MD5), ("ITL file", SHA1_PAIRS)]);
        assert_eq!(s.itl_signature, None);
        assert_eq!(s.itl_hashes(), vec![SHA1]);
        assert_eq!(s.ctl_hash(), Some(MD5_LOWER));
    }

    #[test]
    fn every_tvs_row_in_order_with_duplicates_up_to_five() {
        let s = page(&[
            ("TVS", "ucm-pub"),
            (" TVS", "ucm-sub1"),
            ("TVS", "ucm-pub"),
            ("TVS", ""),
        ]);
        assert_eq!(s.tvs, vec!["ucm-pub", "ucm-sub1", "ucm-pub"]);
        let s = page(&[("TVS", "a, b; c"), ("TVS", "d e"), ("TVS", "f")]);
        assert_eq!(s.tvs, vec!["a", "b", "c", "d", "e"]);
        // Twin: a TVS row alone counts as a trust field; an empty page has none.
        assert!(page(&[("TVS", "")]).trust_fields_present());
        assert!(!page(&[("Host name", "SEP1")]).trust_fields_present());
    }

    #[test]
    fn a_page_without_trust_fields_still_reports_the_rest() {
        let s = page(&[
            ("Host name", "SEP001122334455"),
            ("TFTP Server 1", "10.1.1.1"),
            ("TFTP Server 2", ""),
            ("Security Mode", "Non-Secure"),
        ]);
        assert!(!s.trust_fields_present());
        assert!(!s.has_itl_field());
        assert_eq!(s.tftp_server_1.as_deref(), Some("10.1.1.1"));
        assert_eq!(s.tftp_server_2, None);
        assert_eq!(s.security_mode.as_deref(), Some("Non-Secure"));
        assert_eq!(s.host_name.as_deref(), Some("SEP001122334455"));
    }

    #[test]
    fn merge_takes_what_is_missing() {
        let mut network = page(&[("TFTP server 1", "10.1.1.1"), ("TVS", "a")]);
        let security = page(&[
            ("ITL file", "Installed"),
            ("ITL Signature", MD5),
            ("TFTP server 1", "10.9.9.9"),
            ("TVS", "b"),
        ]);
        network.merge(security);
        assert_eq!(network.tftp_server_1.as_deref(), Some("10.1.1.1"));
        assert_eq!(network.itl_hashes(), vec![MD5_LOWER]);
        assert_eq!(network.tvs, vec!["a", "b"]);
    }
}
