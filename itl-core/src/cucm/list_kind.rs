//! The two kinds of trust list, and the names TFTP serves them under.

use super::Mac;

/// Whether a trust list is an ITL or a CTL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKind {
    /// Identity Trust List (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`): one per TFTP node, always served.
    Itl,
    /// Certificate Trust List (`CTLFile.tlv`, `CTLSEP<MAC>.tlv`): one per cluster, mixed mode.
    Ctl,
}

impl ListKind {
    /// Both kinds, in the order a phone downloads them (CTL first).
    pub const DOWNLOAD_ORDER: [ListKind; 2] = [ListKind::Ctl, ListKind::Itl];

    /// Classifies a FILENAME or file name (`ITL…` or `CTL…`, case-insensitive); `None` for
    /// anything else.
    pub fn from_filename(name: &[u8]) -> Option<Self> {
        match name.get(..3) {
            Some(p) if p.eq_ignore_ascii_case(b"ITL") => Some(Self::Itl),
            Some(p) if p.eq_ignore_ascii_case(b"CTL") => Some(Self::Ctl),
            _ => None,
        }
    }

    /// `ITL` or `CTL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Itl => "ITL",
            Self::Ctl => "CTL",
        }
    }

    /// Reads `ITL` or `CTL`, upper or lower case (`itl`, `ctl`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ITL" | "itl" => Some(Self::Itl),
            "CTL" | "ctl" => Some(Self::Ctl),
            _ => None,
        }
    }

    /// `ITL`, `CTL`, or `unknown` for a list of neither kind.
    pub fn name_or_unknown(kind: Option<Self>) -> &'static str {
        kind.map_or("unknown", Self::as_str)
    }

    /// The cluster-wide file name (`ITLFile.tlv`, `CTLFile.tlv`).
    pub fn cluster_file(self) -> &'static str {
        match self {
            Self::Ctl => "CTLFile.tlv",
            Self::Itl => "ITLFile.tlv",
        }
    }

    /// The per-device file name (`ITLSEP<MAC>.tlv`, `CTLSEP<MAC>.tlv`).
    pub fn device_file(self, mac: &Mac) -> String {
        format!("{}SEP{mac}.tlv", self.as_str())
    }
}

named!(ListKind, as_str, serde, parse: UnknownListKind, |s| UnknownListKind(s.to_owned()));

unknown_word! {
    /// A word that is not `ITL` or `CTL` (upper or lower case).
    UnknownListKind: "unknown list kind {0:?} (ITL or CTL)"
}

/// Serde helpers for an `Option<ListKind>` written as `"ITL"`, `"CTL"` or `"unknown"`
/// (`#[serde(with = "itl_core::cucm::list_kind::or_unknown")]`).
pub mod or_unknown {
    use super::ListKind;

    /// Writes `ITL`, `CTL` or `unknown`.
    pub fn serialize<S: serde::Serializer>(
        kind: &Option<ListKind>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(ListKind::name_or_unknown(*kind))
    }

    /// Reads `ITL`, `CTL`; anything else is `None`.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<ListKind>, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(ListKind::from_filename(text.as_bytes()).filter(|_| text.len() == 3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        assert_eq!(ListKind::from_filename(b"ITLFile.tlv"), Some(ListKind::Itl));
        assert_eq!(
            ListKind::from_filename(b"ctlsep001122334455.tlv"),
            Some(ListKind::Ctl)
        );
        assert_eq!(ListKind::from_filename(b"SEP001122334455.cnf.xml"), None);
        assert_eq!(ListKind::from_filename(b"IT"), None);
        let mac: Mac = "001122334455".parse().unwrap();
        assert_eq!(ListKind::Itl.device_file(&mac), "ITLSEP001122334455.tlv");
        assert_eq!(ListKind::Ctl.cluster_file(), "CTLFile.tlv");
        assert_eq!(ListKind::name_or_unknown(None), "unknown");
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!("ctl".parse::<ListKind>(), Ok(ListKind::Ctl));
        assert_eq!(
            serde_json::from_str::<ListKind>("\"itl\"").unwrap(),
            ListKind::Itl
        );
        assert_eq!(serde_json::to_string(&ListKind::Ctl).unwrap(), "\"CTL\"");
        assert_eq!(
            "Itl".parse::<ListKind>(),
            Err(UnknownListKind("Itl".into()))
        );
        assert_eq!(
            serde_json::from_str::<ListKind>("\"ITLFile.tlv\"")
                .unwrap_err()
                .to_string(),
            "unknown list kind \"ITLFile.tlv\" (ITL or CTL)"
        );
    }
}
