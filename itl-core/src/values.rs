//! Typed views of element values: roles, digests, list kinds, serials and NUL-terminated text.

use std::borrow::Cow;

/// A record's role (FUNCTION, tag 4 of a record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Function {
    /// 0: System Administrator Security Token: may sign the list.
    Sast,
    /// 1: CallManager only.
    Ccm,
    /// 2: CallManager and TFTP on the same node.
    CcmTftp,
    /// 3: TFTP.
    Tftp,
    /// 4: CAPF.
    Capf,
    /// 5: SRST.
    Srst,
    /// 7: application server.
    AppServer,
    /// 21: Trust Verification Service.
    Tvs,
    /// Any other code, kept as is.
    Unknown(u16),
}

impl Function {
    /// The role for a code.
    pub fn from_code(code: u16) -> Self {
        match code {
            0 => Self::Sast,
            1 => Self::Ccm,
            2 => Self::CcmTftp,
            3 => Self::Tftp,
            4 => Self::Capf,
            5 => Self::Srst,
            7 => Self::AppServer,
            21 => Self::Tvs,
            other => Self::Unknown(other),
        }
    }

    /// The code written in the file.
    pub fn code(self) -> u16 {
        match self {
            Self::Sast => 0,
            Self::Ccm => 1,
            Self::CcmTftp => 2,
            Self::Tftp => 3,
            Self::Capf => 4,
            Self::Srst => 5,
            Self::AppServer => 7,
            Self::Tvs => 21,
            Self::Unknown(code) => code,
        }
    }

    /// Short name: `SAST`, `CCM`, `CCM+TFTP`, `TFTP`, `CAPF`, `SRST`, `APP-SERVER`, `TVS`,
    /// `Unknown(n)`.
    pub fn short_name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::Sast => "SAST",
            Self::Ccm => "CCM",
            Self::CcmTftp => "CCM+TFTP",
            Self::Tftp => "TFTP",
            Self::Capf => "CAPF",
            Self::Srst => "SRST",
            Self::AppServer => "APP-SERVER",
            Self::Tvs => "TVS",
            Self::Unknown(code) => return Cow::Owned(format!("Unknown({code})")),
        })
    }

    /// The text `show itl` / `show ctl` prints in the FUNCTION row.
    pub fn cucm_text(self) -> Cow<'static, str> {
        match self {
            Self::Sast => Cow::Borrowed("System Administrator Security Token"),
            other => other.short_name(),
        }
    }

    /// Parses a short name (`SAST`, `CCM+TFTP`, ...; case-insensitive) or a number.
    pub fn parse_name(text: &str) -> Option<Self> {
        let upper = text.trim().to_ascii_uppercase();
        Some(match upper.as_str() {
            "SAST" => Self::Sast,
            "CCM" => Self::Ccm,
            "CCM+TFTP" => Self::CcmTftp,
            "TFTP" => Self::Tftp,
            "CAPF" => Self::Capf,
            "SRST" => Self::Srst,
            "APP-SERVER" => Self::AppServer,
            "TVS" => Self::Tvs,
            _ => return upper.parse::<u16>().ok().map(Self::from_code),
        })
    }
}

named!(Function, short_name);

/// The digest named by DIGEST_ALGORITHM (tag 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Digest {
    /// 1: SHA-1 (CUCM's default).
    Sha1,
    /// 2: SHA-256.
    Sha256,
    /// 3: SHA-512.
    Sha512,
    /// 4: SHA-512 as certutils wrote it in 2020 (legacy; 3 meant SHA-384 then).
    LegacySha512,
    /// Any other code.
    Unknown(u8),
}

impl Digest {
    /// The digest for a code.
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Self::Sha1,
            2 => Self::Sha256,
            3 => Self::Sha512,
            4 => Self::LegacySha512,
            other => Self::Unknown(other),
        }
    }

    /// The code written in the file.
    pub fn code(self) -> u8 {
        match self {
            Self::Sha1 => 1,
            Self::Sha256 => 2,
            Self::Sha512 => 3,
            Self::LegacySha512 => 4,
            Self::Unknown(code) => code,
        }
    }

    /// `SHA-1`, `SHA-256`, `SHA-512`, `SHA-512 (legacy code 4)`, `unknown(n)`.
    pub fn name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha512 => "SHA-512",
            Self::LegacySha512 => "SHA-512 (legacy code 4)",
            Self::Unknown(code) => return Cow::Owned(format!("unknown({code})")),
        })
    }
}

named!(Digest, name);

/// A certificate serial number as stored: raw big-endian bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Serial<'a>(pub &'a [u8]);

impl<'a> Serial<'a> {
    /// The bytes without leading zero bytes (the form used for comparisons).
    pub fn significant(&self) -> &'a [u8] {
        let start = self.0.iter().position(|&b| b != 0).unwrap_or(self.0.len());
        &self.0[start..]
    }

    /// Equal as numbers (leading zero bytes ignored).
    pub fn same_number(&self, other: &[u8]) -> bool {
        self.significant() == Serial(other).significant()
    }

    /// Lower-case hex without separators, as stored (`24491f10703fea9b`).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// CUCM's form: upper-case hex bytes joined by `:` (`24:49:1F:10:70:3F:EA:9B`).
    pub fn to_cucm(&self) -> String {
        let mut s = String::with_capacity(self.0.len() * 3);
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                s.push(':');
            }
            s.push_str(&format!("{b:02X}"));
        }
        s
    }
}

named!(Serial<'_>, to_cucm);

/// NUL-terminated 8-bit text as stored (the length counts the NUL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Text<'a>(pub &'a [u8]);

impl<'a> Text<'a> {
    /// The bytes without the terminating NUL (and anything after a first NUL).
    pub fn bytes(&self) -> &'a [u8] {
        match self.0.iter().position(|&b| b == 0) {
            Some(end) => &self.0[..end],
            None => self.0,
        }
    }

    /// Decoded lossily for display (invalid UTF-8 becomes U+FFFD).
    pub fn lossy(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.bytes())
    }

    /// Whether the stored value ends with the NUL terminator.
    pub fn is_terminated(&self) -> bool {
        self.0.last() == Some(&0)
    }
}

named!(Text<'_>, lossy);

/// Signature size in bytes for a SIGNATURE_MODULUS index (0→64, 1→128, 2→256, 3→512).
pub fn modulus_index_to_len(index: u8) -> Option<usize> {
    match index {
        0 => Some(64),
        1 => Some(128),
        2 => Some(256),
        3 => Some(512),
        _ => None,
    }
}

/// SIGNATURE_MODULUS index for a signature size in bytes.
pub fn len_to_modulus_index(len: usize) -> Option<u8> {
    match len {
        64 => Some(0),
        128 => Some(1),
        256 => Some(2),
        512 => Some(3),
        _ => None,
    }
}
