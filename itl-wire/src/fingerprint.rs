//! Fingerprints as the cluster file pins them and people compare them: a certificate's
//! SHA-256 in hex ([`Sha256Fingerprint`], `tls_sha256`) and an SSH host key's OpenSSH
//! SHA-256 in base64 ([`SshHostKeyFingerprint`], `ssh_host_key_sha256`). Every reader of a
//! pinned fingerprint parses it here.

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

/// An SSH host key's OpenSSH SHA-256 fingerprint: `SHA256:` and 43 characters of unpadded
/// base64 (the form `ssh-keygen -l` prints).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SshHostKeyFingerprint(String);

/// A host key fingerprint that is not `SHA256:<43 base64 characters>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an SSH host key fingerprint (SHA256:<43 base64 characters>): {0:?}")]
pub struct SshFingerprintParseError(pub String);

impl SshHostKeyFingerprint {
    /// The fingerprint as OpenSSH prints it (`SHA256:…`, no padding).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SshHostKeyFingerprint {
    type Err = SshFingerprintParseError;

    /// `SHA256:` and 43 base64 characters; surrounding spaces and trailing `=` padding are
    /// ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || SshFingerprintParseError(s.trim().chars().take(120).collect());
        let body = s
            .trim()
            .strip_prefix("SHA256:")
            .ok_or_else(err)?
            .trim_end_matches('=');
        let base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        // 43 characters carry 258 bits: the last one holds 2 bits of the digest and 4 zero bits.
        let last_ok = body
            .bytes()
            .last()
            .is_some_and(|b| b"AEIMQUYcgkosw048".contains(&b));
        if body.len() != 43 || !body.bytes().all(base64) || !last_ok {
            return Err(err());
        }
        Ok(Self(format!("SHA256:{body}")))
    }
}

impl fmt::Display for SshHostKeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SshHostKeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SshHostKeyFingerprint({})", self.0)
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

    #[test]
    fn ssh_host_key_fingerprints_parse_strictly() {
        let fp = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
        let parsed: SshHostKeyFingerprint = fp.parse().expect("OpenSSH form");
        assert_eq!(parsed.as_str(), fp);
        assert_eq!(
            format!(" {fp}= ").parse::<SshHostKeyFingerprint>(),
            Ok(parsed)
        );
        for bad in [
            "",
            "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            "SHA256:short",
            "MD5:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2!",
            // 43 characters, but the last one has bits past the 256-bit digest.
            "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2t",
            "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2sA",
        ] {
            assert_eq!(
                bad.parse::<SshHostKeyFingerprint>(),
                Err(SshFingerprintParseError(bad.trim().to_owned())),
                "{bad:?}"
            );
        }
    }
}
