//! The 14+ ITL File Status of a phone (Device › Phone › Find and List), from the hash the
//! phone reports at registration (`trust-and-procedure.md` §2).

/// What CUCM 14+ reports of a phone's ITL against the one its TFTP node serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItlFileStatus {
    /// The phone reported the hash of the ITL its TFTP node serves.
    Match,
    /// The phone reported another hash.
    Mismatch,
    /// The phone reported no ITL.
    NotInstalled,
    /// Nothing reported (not registered since, or a phone that does not report).
    Unknown,
}

impl ItlFileStatus {
    /// Every status, in the report's order.
    pub const ALL: [ItlFileStatus; 4] = [
        ItlFileStatus::Match,
        ItlFileStatus::Mismatch,
        ItlFileStatus::NotInstalled,
        ItlFileStatus::Unknown,
    ];

    /// The report's word (`Match`, `Mismatch`, `Not Installed`, `Unknown`).
    pub fn name(self) -> &'static str {
        match self {
            ItlFileStatus::Match => "Match",
            ItlFileStatus::Mismatch => "Mismatch",
            ItlFileStatus::NotInstalled => "Not Installed",
            ItlFileStatus::Unknown => "Unknown",
        }
    }

    /// Reads the report's word, case-insensitively, ignoring spaces, `-` and `_`.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = super::fold(text);
        Self::ALL
            .into_iter()
            .find(|s| super::fold(s.name()) == folded)
    }
}

named!(ItlFileStatus, name, serde, parse: UnknownItlFileStatus, |s| UnknownItlFileStatus(s.to_owned()));

unknown_word! {
    /// A word that is not an ITL File Status.
    UnknownItlFileStatus: "unknown ITL File Status {0:?} (Match, Mismatch, Not Installed, Unknown)"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_and_others_are_refused() {
        super::super::assert_names_read_back(&ItlFileStatus::ALL, ItlFileStatus::name);
        assert_eq!(
            ItlFileStatus::parse("not_installed"),
            Some(ItlFileStatus::NotInstalled)
        );
        assert_eq!(ItlFileStatus::parse(" MATCH "), Some(ItlFileStatus::Match));
        for bad in ["", "Matched", "Installed", "not"] {
            assert_eq!(
                bad.parse::<ItlFileStatus>(),
                Err(UnknownItlFileStatus(bad.to_owned())),
                "{bad}"
            );
        }
    }
}
