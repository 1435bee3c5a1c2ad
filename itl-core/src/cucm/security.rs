//! Security modes: the cluster's (non-secure or mixed, `ClusterSecurityMode`) and a device's
//! (its security profile: non-secure, authenticated or encrypted).

/// The cluster security mode (enterprise parameter `ClusterSecurityMode`: 0 or 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterSecurityMode {
    /// No CTL; ITL records of the TFTP certificate have the TFTP role.
    NonSecure,
    /// Mixed mode: a CTL is served; ITL records of the TFTP certificate have the CCM+TFTP role.
    Mixed,
}

impl ClusterSecurityMode {
    /// `non-secure` or `mixed`.
    pub fn name(self) -> &'static str {
        match self {
            ClusterSecurityMode::NonSecure => "non-secure",
            ClusterSecurityMode::Mixed => "mixed",
        }
    }

    /// Whether the cluster is in mixed mode.
    pub fn is_mixed(self) -> bool {
        self == ClusterSecurityMode::Mixed
    }

    /// From the `processconfig` value of `ClusterSecurityMode` (`0` non-secure, `1` mixed).
    pub fn from_param(value: &str) -> Option<Self> {
        match value.trim() {
            "0" => Some(ClusterSecurityMode::NonSecure),
            "1" => Some(ClusterSecurityMode::Mixed),
            _ => None,
        }
    }

    /// The `processconfig` value (`0` or `1`).
    pub fn param(self) -> &'static str {
        match self {
            ClusterSecurityMode::NonSecure => "0",
            ClusterSecurityMode::Mixed => "1",
        }
    }
}

named!(ClusterSecurityMode, name);

/// A device security mode (`typedevicesecuritymode`, the mode of a phone's security profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeviceSecurityMode {
    /// `Non Secure`: TCP/UDP signalling, no TLS.
    NonSecure,
    /// `Authenticated`: TLS with integrity.
    Authenticated,
    /// `Encrypted`: TLS with SRTP.
    Encrypted,
}

impl DeviceSecurityMode {
    /// The name CUCM's `typedevicesecuritymode` table gives (`Non Secure`...).
    pub fn name(self) -> &'static str {
        match self {
            DeviceSecurityMode::NonSecure => "Non Secure",
            DeviceSecurityMode::Authenticated => "Authenticated",
            DeviceSecurityMode::Encrypted => "Encrypted",
        }
    }

    /// What a phone's Network Setup page shows (`Non-secure`...).
    pub fn page_name(self) -> &'static str {
        match self {
            DeviceSecurityMode::NonSecure => "Non-secure",
            DeviceSecurityMode::Authenticated => "Authenticated",
            DeviceSecurityMode::Encrypted => "Encrypted",
        }
    }

    /// Whether the phone registers over TLS (authenticated or encrypted).
    pub fn is_tls(self) -> bool {
        self != DeviceSecurityMode::NonSecure
    }

    /// Reads any of CUCM's spellings, case-insensitively: `Non Secure`, `Non-secure`,
    /// `NonSecure`, `Authenticated`, `Encrypted` (also as a profile-name suffix is NOT
    /// accepted: pass the mode, not the profile name).
    pub fn parse(text: &str) -> Option<Self> {
        match super::fold(text).as_str() {
            "nonsecure" => Some(DeviceSecurityMode::NonSecure),
            "authenticated" => Some(DeviceSecurityMode::Authenticated),
            "encrypted" => Some(DeviceSecurityMode::Encrypted),
            _ => None,
        }
    }
}

named!(DeviceSecurityMode, name, serde, parse: UnknownSecurityMode, |s| UnknownSecurityMode(s.to_owned()));

unknown_word! {
    /// A device security mode name that is not one of CUCM's.
    UnknownSecurityMode: "unknown device security mode {0:?} (Non Secure, Authenticated, Encrypted)"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_modes_parse_every_spelling() {
        for (text, mode) in [
            ("Non Secure", DeviceSecurityMode::NonSecure),
            ("Non-secure", DeviceSecurityMode::NonSecure),
            ("nonsecure", DeviceSecurityMode::NonSecure),
            ("Authenticated", DeviceSecurityMode::Authenticated),
            (" ENCRYPTED ", DeviceSecurityMode::Encrypted),
        ] {
            assert_eq!(DeviceSecurityMode::parse(text), Some(mode), "{text}");
        }
        for bad in [
            "",
            "secure",
            "Cisco 8841 - Standard SIP Non-Secure Profile",
            "auth",
        ] {
            assert_eq!(DeviceSecurityMode::parse(bad), None, "{bad}");
        }
        assert!(DeviceSecurityMode::Encrypted.is_tls());
        assert!(!DeviceSecurityMode::NonSecure.is_tls());
        assert_eq!(
            serde_json::to_string(&DeviceSecurityMode::NonSecure).unwrap(),
            "\"Non Secure\""
        );
    }

    #[test]
    fn cluster_mode_params() {
        for (param, mode) in [
            ("1", Some(ClusterSecurityMode::Mixed)),
            (" 0 ", Some(ClusterSecurityMode::NonSecure)),
            ("2", None),
        ] {
            assert_eq!(ClusterSecurityMode::from_param(param), mode, "{param:?}");
        }
        assert_eq!(
            serde_json::to_string(&ClusterSecurityMode::NonSecure).unwrap(),
            "\"non-secure\""
        );
    }
}
