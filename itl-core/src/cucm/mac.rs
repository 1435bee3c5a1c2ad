//! A phone's MAC address as CUCM names devices: 12 upper-case hex digits (`SEP<MAC>`).

use std::fmt;
use std::str::FromStr;

/// A 48-bit MAC address.
///
/// Parses `001122334455`, `00:11:22:33:44:55`, `00-11-22-33-44-55`, `0011.2233.4455` and a
/// device name `SEP001122334455` (any case); displays as 12 upper-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac([u8; 6]);

/// Why a string is not a MAC address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid MAC address {input:?}: {reason}")]
pub struct MacParseError {
    input: String,
    reason: MacParseErrorReason,
}

/// The reason inside a [`MacParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MacParseErrorReason {
    /// Not 12 hex digits once separators are removed.
    #[error("expected 12 hex digits, found {0}")]
    WrongLength(usize),
    /// A character that is neither a hex digit nor an accepted separator.
    #[error("unexpected character {0:?}")]
    InvalidChar(char),
    /// Separators in positions no known notation uses, or mixed.
    #[error(
        "separators must group the digits as 00:11:22:33:44:55, 00-11-22-33-44-55 or 0011.2233.4455"
    )]
    BadSeparators,
}

impl MacParseError {
    /// The rejected input (truncated to 64 characters).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it was rejected.
    pub fn reason(&self) -> MacParseErrorReason {
        self.reason
    }
}

impl Mac {
    /// A MAC from its six octets.
    pub const fn new(octets: [u8; 6]) -> Self {
        Self(octets)
    }

    /// The six octets.
    pub const fn octets(&self) -> [u8; 6] {
        self.0
    }

    /// The CUCM device name, `SEP` followed by the 12 digits.
    pub fn device_name(&self) -> String {
        format!("SEP{self}")
    }
}

impl FromStr for Mac {
    type Err = MacParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = |reason| MacParseError {
            input: input.chars().take(64).collect(),
            reason,
        };
        let trimmed = input.trim();
        let body = match trimmed.get(..3) {
            Some(prefix) if prefix.eq_ignore_ascii_case("SEP") => &trimmed[3..],
            _ => trimmed,
        };

        // Check the grouping: which separator, and where it may stand.
        let separators: Vec<(usize, char)> = body
            .char_indices()
            .filter(|(_, c)| matches!(c, ':' | '-' | '.'))
            .collect();
        if let Some(&(_, sep)) = separators.first() {
            let group = if sep == '.' { 4 } else { 2 };
            let groups = 12 / group;
            let same = separators.iter().all(|&(_, c)| c == sep);
            let placed = separators
                .iter()
                .enumerate()
                .all(|(i, &(pos, _))| pos == (i + 1) * group + i);
            if !same || !placed || separators.len() != groups - 1 {
                // Report a stray character first if there is one: it is the clearer message.
                if let Some(bad) = body
                    .chars()
                    .find(|c| !c.is_ascii_hexdigit() && !matches!(c, ':' | '-' | '.'))
                {
                    return Err(error(MacParseErrorReason::InvalidChar(bad)));
                }
                return Err(error(MacParseErrorReason::BadSeparators));
            }
        }

        let mut digits = [0u8; 12];
        let mut count = 0usize;
        for c in body.chars() {
            if matches!(c, ':' | '-' | '.') {
                continue;
            }
            let Some(value) = c.to_digit(16) else {
                return Err(error(MacParseErrorReason::InvalidChar(c)));
            };
            if let Some(slot) = digits.get_mut(count) {
                *slot = value as u8;
            }
            count += 1;
        }
        if count != 12 {
            return Err(error(MacParseErrorReason::WrongLength(count)));
        }
        let mut octets = [0u8; 6];
        for (octet, pair) in octets.iter_mut().zip(digits.chunks_exact(2)) {
            *octet = (pair[0] << 4) | pair[1];
        }
        Ok(Self(octets))
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for octet in self.0 {
            write!(f, "{octet:02X}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for Mac {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Mac {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED: Mac = Mac::new([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);

    #[test]
    fn accepted_notations() {
        for text in [
            "001122334455",
            "00:11:22:33:44:55",
            "00-11-22-33-44-55",
            "0011.2233.4455",
            "SEP001122334455",
            "sep001122334455",
            " 001122334455\n",
        ] {
            assert_eq!(text.parse::<Mac>(), Ok(EXPECTED), "{text:?}");
        }
        let mac: Mac = "b000b4ba0aee".parse().unwrap();
        assert_eq!(mac.to_string(), "B000B4BA0AEE");
        assert_eq!(mac.device_name(), "SEPB000B4BA0AEE");
    }

    #[test]
    fn rejected_notations() {
        let reason = |text: &str| text.parse::<Mac>().unwrap_err().reason();
        assert_eq!(reason(""), MacParseErrorReason::WrongLength(0));
        assert_eq!(reason("00112233445"), MacParseErrorReason::WrongLength(11));
        assert_eq!(
            reason("0011223344556"),
            MacParseErrorReason::WrongLength(13)
        );
        assert_eq!(
            reason("00112233445G"),
            MacParseErrorReason::InvalidChar('G')
        );
        assert_eq!(
            reason("SEP00112233445é"),
            MacParseErrorReason::InvalidChar('é')
        );
        assert_eq!(
            reason("00:11-22:33:44:55"),
            MacParseErrorReason::BadSeparators
        );
        assert_eq!(
            reason("001:122:334:455"),
            MacParseErrorReason::BadSeparators
        );
        assert_eq!(
            reason("0011.2233.44.55"),
            MacParseErrorReason::BadSeparators
        );
        assert_eq!(
            reason("00:11:22:33:44:55:"),
            MacParseErrorReason::BadSeparators
        );
        assert_eq!(reason("SEP"), MacParseErrorReason::WrongLength(0));
        assert_eq!(
            "zz".parse::<Mac>().unwrap_err().to_string(),
            "invalid MAC address \"zz\": unexpected character 'z'"
        );
    }

    #[test]
    fn serde_as_string() {
        let json = serde_json::to_string(&EXPECTED).unwrap();
        assert_eq!(json, "\"001122334455\"");
        assert_eq!(
            serde_json::from_str::<Mac>("\"00:11:22:33:44:55\"").unwrap(),
            EXPECTED
        );
        assert!(serde_json::from_str::<Mac>("\"nope\"").is_err());
    }
}
