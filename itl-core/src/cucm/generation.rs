//! Which CUCM behaviour a cluster follows (`trust-and-procedure.md` §1.2, §5.4).

/// Which CUCM behaviour a cluster follows. The trust rules change at 12.0 (ITLRecovery signs
/// the lists) and at 14 (phones reset themselves on certificate changes, TVS restarts itself).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Generation {
    /// 8.x – 11.5: each TFTP node's ITL is signed by its own CallManager certificate; the
    /// tokenless CTL by the publisher's; one ITLRecovery per node.
    #[serde(rename = "11.5")]
    V11_5,
    /// 12.0 – 12.5: ITL and CTL signed by the cluster's ITLRecovery.
    #[serde(rename = "12+")]
    V12,
    /// 14 and later: as 12, plus "Phone Interaction on Certificate Update" and TVS, CAPF and
    /// ITLRecovery restarting by themselves on regeneration.
    #[serde(rename = "14+")]
    V14,
}

impl Generation {
    /// Every generation, oldest first.
    pub const ALL: [Generation; 3] = [Generation::V11_5, Generation::V12, Generation::V14];

    /// Whether ITLRecovery signs the ITL and the CTL (12.0+).
    pub fn itl_recovery_signs(self) -> bool {
        !matches!(self, Generation::V11_5)
    }

    /// Whether each node has its own ITLRecovery certificate (before 12.0); from 12.0 there is
    /// one, on the publisher.
    pub fn itl_recovery_per_node(self) -> bool {
        self == Generation::V11_5
    }

    /// Whether the cluster may reset phones by itself after a certificate change (14+,
    /// "Phone Interaction on Certificate Update").
    pub fn has_phone_interaction(self) -> bool {
        self == Generation::V14
    }

    /// Whether CUCM reports each phone's [`super::ItlFileStatus`] (14+).
    pub fn reports_itl_file_status(self) -> bool {
        self == Generation::V14
    }

    /// `11.5`, `12+` or `14+`.
    pub fn name(self) -> &'static str {
        match self {
            Generation::V11_5 => "11.5",
            Generation::V12 => "12+",
            Generation::V14 => "14+",
        }
    }

    /// The generation of a CUCM version string (`11.5.1.21900-40`, `12.5.1`, `14.0.1.13900-155`,
    /// `15`): the major number decides.
    pub fn from_version(version: &str) -> Option<Generation> {
        let major: u32 = version.trim().split(['.', '(', ' ']).next()?.parse().ok()?;
        Some(match major {
            0..=11 => Generation::V11_5,
            12 | 13 => Generation::V12,
            _ => Generation::V14,
        })
    }

    /// Reads a generation name (`11.5`, `12+`, `14+`) or one of its aliases (`11`, `10.5`,
    /// `11.x`; `12`, `12.5`, `12.x`; `14`, `15`, `15+`), surrounding spaces ignored.
    pub fn parse(text: &str) -> Option<Generation> {
        Some(match text.trim() {
            "11.5" | "11" | "10.5" | "11.x" => Generation::V11_5,
            "12+" | "12" | "12.5" | "12.x" => Generation::V12,
            "14+" | "14" | "15" | "15+" => Generation::V14,
            _ => return None,
        })
    }
}

named!(Generation, name, parse: UnknownGeneration, |s| UnknownGeneration(s.trim().to_owned()));

unknown_word! {
    /// A generation name that is not one of `11.5`, `12+`, `14+` (or their aliases).
    UnknownGeneration: "unknown generation {0:?} (11.5, 12+ or 14+)"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        super::super::assert_names_read_back(&Generation::ALL, Generation::name);
        assert_eq!("15".parse::<Generation>(), Ok(Generation::V14));
        assert_eq!(
            "13".parse::<Generation>().unwrap_err().to_string(),
            "unknown generation \"13\" (11.5, 12+ or 14+)"
        );
    }

    #[test]
    fn from_version_strings() {
        assert_eq!(
            Generation::from_version("11.5.1.21900-40"),
            Some(Generation::V11_5)
        );
        assert_eq!(Generation::from_version("10.5.2"), Some(Generation::V11_5));
        assert_eq!(
            Generation::from_version("12.5.1.17900-64"),
            Some(Generation::V12)
        );
        assert_eq!(
            Generation::from_version("14.0.1.13900-155"),
            Some(Generation::V14)
        );
        assert_eq!(Generation::from_version("15"), Some(Generation::V14));
        assert_eq!(Generation::from_version("x.1"), None);
        assert_eq!(Generation::from_version(""), None);
    }

    #[test]
    fn serde_names() {
        assert_eq!(serde_json::to_string(&Generation::V12).unwrap(), "\"12+\"");
        assert_eq!(
            serde_json::from_str::<Generation>("\"11.5\"").unwrap(),
            Generation::V11_5
        );
    }
}
