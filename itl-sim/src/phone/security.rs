//! A phone's security profile (Device › Phone › Device Security Profile) and its LSC
//! (the locally significant certificate CAPF issued to it).
//!
//! | cluster | profile | LSC |
//! |---|---|---|
//! | non-secure | `<model> - Standard <protocol> Non-Secure Profile` | none |
//! | mixed, ~90 % of phones | the same standard non-secure profile | none |
//! | mixed, [`TLS_SHARE_PERCENT`] % of the TVS-capable phones without an injected fault | `<model> - <protocol> Authenticated Profile` or `… Encrypted Profile` (TLS) | issued by the CAPF certificate current when the files v1 were built |
//!
//! The share is drawn per phone from SHA-256(seed, device name), so it does not disturb the
//! fleet's other draws and the same seed gives the same phones.

use itl_core::checksum::sha256;
use itl_core::cucm::DeviceSecurityMode;

use crate::phone::models::{PhoneModel, Protocol};

/// Percentage of TVS-capable phones of a mixed-mode cluster that get a TLS profile and an LSC.
pub const TLS_SHARE_PERCENT: u8 = 10;

/// A phone security profile.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct SecurityProfile {
    /// Profile name (`Cisco 8865 - Standard SIP Non-Secure Profile`).
    pub name: String,
    /// Device security mode.
    pub mode: DeviceSecurityMode,
}

impl SecurityProfile {
    /// The standard non-secure profile CUCM creates for a model and protocol.
    pub fn standard(model: PhoneModel, protocol: Protocol) -> Self {
        Self {
            name: format!(
                "{} - Standard {} Non-Secure Profile",
                model.product_name(),
                protocol.name()
            ),
            mode: DeviceSecurityMode::NonSecure,
        }
    }

    /// An administrator-made TLS profile (`Cisco 8865 - SIP Encrypted Profile`).
    pub fn tls(model: PhoneModel, protocol: Protocol, mode: DeviceSecurityMode) -> Self {
        Self {
            name: format!(
                "{} - {} {} Profile",
                model.product_name(),
                protocol.name(),
                mode.name()
            ),
            mode,
        }
    }

    /// Whether this is one of CUCM's standard (non-secure) profiles.
    pub fn is_standard(&self) -> bool {
        !self.mode.is_tls()
    }
}

/// An LSC installed on a phone.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Lsc {
    /// Subject of the CAPF certificate that issued it (`CN=CAPF-…;OU=…`).
    pub issuer: String,
    /// SHA-256 of the issuing CAPF certificate's DER, hex.
    pub issuer_sha256: String,
    /// Generation of the issuing CAPF identity.
    pub issuer_generation: u32,
    /// Model time of the issue (CAPF "Upgrade Success").
    pub issued_at: u64,
}

/// Whether the phone `name` of a mixed cluster built with `seed` gets a TLS profile, and which
/// mode (`None`: the standard non-secure profile).
pub fn tls_draw(seed: u64, name: &str) -> Option<DeviceSecurityMode> {
    security_draw(seed, "security-profile", name, TLS_SHARE_PERCENT)
}

/// A deterministic draw from `seed` for the phone `name` under `label`: in `percent` of the
/// cases a TLS mode (Authenticated or Encrypted, evenly), else `None`.
pub fn security_draw(
    seed: u64,
    label: &str,
    name: &str,
    percent: u8,
) -> Option<DeviceSecurityMode> {
    let mut input = seed.to_be_bytes().to_vec();
    input.push(b'/');
    input.extend_from_slice(label.as_bytes());
    input.push(b'/');
    input.extend_from_slice(name.as_bytes());
    let digest = sha256(&input);
    let roll = u16::from_be_bytes([digest[0], digest[1]]) % 100;
    (roll < u16::from(percent)).then_some(if digest[2] & 1 == 0 {
        DeviceSecurityMode::Authenticated
    } else {
        DeviceSecurityMode::Encrypted
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_follow_cucm() {
        let p = SecurityProfile::standard(PhoneModel::Cp8865, Protocol::Sip);
        assert_eq!(p.name, "Cisco 8865 - Standard SIP Non-Secure Profile");
        assert!(p.is_standard() && !p.mode.is_tls());
        let t = SecurityProfile::tls(
            PhoneModel::Cp7945,
            Protocol::Sccp,
            DeviceSecurityMode::Encrypted,
        );
        assert_eq!(t.name, "Cisco 7945 - SCCP Encrypted Profile");
        assert!(!t.is_standard() && t.mode.is_tls());
    }

    #[test]
    fn the_tls_share_is_about_ten_percent_and_deterministic() {
        let names: Vec<String> = (0..4000).map(|i| format!("SEP{i:012X}")).collect();
        let drawn = names.iter().filter(|n| tls_draw(3, n).is_some()).count();
        assert!((300..500).contains(&drawn), "{drawn}");
        assert!(names.iter().all(|n| tls_draw(3, n) == tls_draw(3, n)));
        let other = names.iter().filter(|n| tls_draw(4, n).is_some()).count();
        assert_ne!(
            names
                .iter()
                .map(|n| tls_draw(3, n).is_some())
                .collect::<Vec<_>>(),
            names
                .iter()
                .map(|n| tls_draw(4, n).is_some())
                .collect::<Vec<_>>(),
            "{other}"
        );
    }
}
