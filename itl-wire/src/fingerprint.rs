//! Certificate fingerprints as the cluster file pins them and people compare them.

use std::fmt;
use std::str::FromStr;

/// SHA-256 of a certificate's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Fingerprint(pub [u8; 32]);

impl Sha256Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of_der(der: &[u8]) -> Self {
        Self(itl_core::checksum::sha256(der))
    }

    /// Lower-case hex without separators.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for Sha256Fingerprint {
    /// Upper-case hex pairs separated by colons, as OpenSSL prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Fingerprint({self})")
    }
}

/// A fingerprint string that is not 32 bytes of hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 fingerprint (64 hex digits, colons optional): {0:?}")]
pub struct FingerprintParseError(pub String);

impl FromStr for Sha256Fingerprint {
    type Err = FingerprintParseError;

    /// 64 hex digits, any case; `:`, spaces and a `sha256:` / `SHA256=` prefix are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || FingerprintParseError(s.chars().take(120).collect());
        let trimmed = s.trim();
        let lower = trimmed.to_ascii_lowercase();
        let body = ["sha256:", "sha256=", "sha-256:", "sha-256="]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
        let digits: Vec<u8> = body
            .bytes()
            .filter(|b| !matches!(b, b':' | b' ' | b'-'))
            .collect();
        if digits.len() != 64 {
            return Err(err());
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16).ok_or_else(err)?;
            let lo = (pair[1] as char).to_digit(16).ok_or_else(err)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Ok(Self(out))
    }
}

impl serde::Serialize for Sha256Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Sha256Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_parses_to_the_same_bytes() {
        let want = Sha256Fingerprint(std::array::from_fn(|i| i as u8));
        let colon = want.to_string();
        assert!(colon.starts_with("00:01:02:"), "{colon}");
        for text in [
            colon.clone(),
            colon.to_lowercase(),
            want.to_hex(),
            format!("SHA256:{}", want.to_hex()),
            format!("sha-256={colon}"),
            colon.replace(':', " "),
        ] {
            assert_eq!(text.parse::<Sha256Fingerprint>(), Ok(want), "{text}");
        }
    }

    #[test]
    fn malformed_fingerprints_are_errors() {
        for bad in [
            "",
            "00:01",
            &"g".repeat(64),
            &"0".repeat(63),
            &"é".repeat(32),
        ] {
            assert!(bad.parse::<Sha256Fingerprint>().is_err(), "{bad:?}");
        }
        assert_eq!(
            Sha256Fingerprint::of_der(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
