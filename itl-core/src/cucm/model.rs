//! What a phone model can do, from its name as CUCM, RisPort or the phone reports it
//! (`Cisco 8841`, `CP-7960G`, `Cisco DX80`).
//!
//! | family | TVS | holds an ITL | trust lists on its web pages | pages |
//! |---|---|---|---|---|
//! | 7940, 7960, 7905, 7912 | no | no (no Security By Default) | no | classic (`/NetworkConfiguration`) |
//! | 7945 | yes | yes | no (real 7945G pages carry none) | Serviceability |
//! | other 79xx (7942, 7962, 7965, 7975) | yes | yes | yes | Serviceability |
//! | 6921 (69xx) | yes | yes | no | classic |
//! | DX80, DX70, DX650 | yes | yes | no (a separate Security page, undocumented) | DX (`/?adapter=…`) |
//! | 78xx, 88xx, 89xx, 99xx, others | yes | yes | yes | Serviceability |
//!
//! Sources: `trust-and-procedure.md` R7, `cucm-interfaces.md` §8.2 and §8.6 (field captures
//! override the guides).

/// A model family: phones of one family behave and serve their pages alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelFamily {
    /// 7800 series.
    Cp78xx,
    /// 8800 series.
    Cp88xx,
    /// 8900 series (8945, 8961).
    Cp89xx,
    /// 9900 series.
    Cp99xx,
    /// 7900 series.
    Cp79xx,
    /// 6900 series.
    Cp69xx,
    /// DX series (DX80, DX70, DX650).
    Dx,
    /// A name none of the above matches (softphones, TelePresence, unknown).
    Other,
}

/// Which set of web pages a model serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageLayout {
    /// `/CGI/Java/Serviceability?adapter=device.statistics.configuration` and siblings.
    Serviceability,
    /// 7940-era pages: `/NetworkConfiguration`, `/DeviceLog?0`.
    Classic,
    /// DX-series pages: `/?adapter=device.statistics.configuration`, and a separate Security
    /// Information page `/?adapter=device.statistics.security`.
    Dx,
}

/// What a model can do, as far as trust lists are concerned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ModelInfo {
    /// The model number found in the name (`7960`, `8841`, `DX80`), if any.
    pub number: Option<String>,
    /// Its family.
    pub family: ModelFamily,
    /// Whether it can ask TVS about a signer it does not hold (R5). 7940/7960 cannot.
    pub tvs: bool,
    /// Whether it downloads and holds an ITL at all (Security By Default). 7940/7960 do not:
    /// ITL changes cannot lock them out; only CTL changes in mixed mode can.
    pub holds_itl: bool,
    /// Whether its web pages show its ITL/CTL (otherwise they are visible on the handset only).
    pub trust_on_web: bool,
    /// Which pages it serves.
    pub pages: PageLayout,
}

/// Models without Security By Default (no ITL, no TVS).
const WITHOUT_SBD: [&str; 4] = ["7940", "7960", "7905", "7912"];
/// Models whose web pages carry no trust-list field although they hold an ITL (§8.6).
const NO_TRUST_ON_WEB: [&str; 2] = ["7945", "6921"];

impl ModelInfo {
    /// What the model named `name` can do. Unknown names get the common case (TVS, ITL,
    /// trust fields on Serviceability pages).
    pub fn from_name(name: &str) -> ModelInfo {
        let number = model_number(name);
        let family = number.as_deref().map_or(ModelFamily::Other, family_of);
        let no_sbd = number.as_deref().is_some_and(|n| WITHOUT_SBD.contains(&n));
        let hidden = number
            .as_deref()
            .is_some_and(|n| NO_TRUST_ON_WEB.contains(&n));
        let pages = if no_sbd || family == ModelFamily::Cp69xx {
            PageLayout::Classic
        } else if family == ModelFamily::Dx {
            PageLayout::Dx
        } else {
            PageLayout::Serviceability
        };
        ModelInfo {
            number,
            family,
            tvs: !no_sbd,
            holds_itl: !no_sbd,
            trust_on_web: !(no_sbd || hidden || family == ModelFamily::Dx),
            pages,
        }
    }
}

/// The model number in a name: `DX` plus digits, or the first run of exactly four digits.
fn model_number(name: &str) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    if let Some(at) = upper.find("DX") {
        let digits: String = upper[at + 2..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() {
            return Some(format!("DX{digits}"));
        }
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                return Some(upper[start..i].to_owned());
            }
        } else {
            i += 1;
        }
    }
    None
}

fn family_of(number: &str) -> ModelFamily {
    if number.starts_with("DX") {
        return ModelFamily::Dx;
    }
    match number.get(..2) {
        Some("78") => ModelFamily::Cp78xx,
        Some("88") => ModelFamily::Cp88xx,
        Some("89") => ModelFamily::Cp89xx,
        Some("99") => ModelFamily::Cp99xx,
        Some("79") => ModelFamily::Cp79xx,
        Some("69") => ModelFamily::Cp69xx,
        _ => ModelFamily::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_phones_hold_no_itl() {
        for name in ["Cisco 7960", "CP-7940G", "Cisco IP Phone 7960G"] {
            let m = ModelInfo::from_name(name);
            assert_eq!(
                (m.tvs, m.holds_itl, m.trust_on_web, m.pages),
                (false, false, false, PageLayout::Classic),
                "{name}"
            );
            assert_eq!(m.family, ModelFamily::Cp79xx);
        }
    }

    #[test]
    fn modern_phones_show_their_lists() {
        for (name, family) in [
            ("Cisco 8841", ModelFamily::Cp88xx),
            ("CP-7821", ModelFamily::Cp78xx),
            ("Cisco 9971", ModelFamily::Cp99xx),
            ("Cisco 7965", ModelFamily::Cp79xx),
            ("Cisco 8945", ModelFamily::Cp89xx),
        ] {
            let m = ModelInfo::from_name(name);
            assert_eq!(m.family, family, "{name}");
            assert!(m.tvs && m.holds_itl && m.trust_on_web, "{name}");
            assert_eq!(m.pages, PageLayout::Serviceability, "{name}");
        }
    }

    #[test]
    fn pages_without_trust_fields() {
        let m = ModelInfo::from_name("Cisco 7945");
        assert!(m.tvs && m.holds_itl && !m.trust_on_web);
        let m = ModelInfo::from_name("Cisco 6921");
        assert_eq!(
            (m.family, m.trust_on_web, m.pages),
            (ModelFamily::Cp69xx, false, PageLayout::Classic)
        );
        let m = ModelInfo::from_name("Cisco DX80");
        assert_eq!(m.number.as_deref(), Some("DX80"));
        assert_eq!(
            (m.family, m.trust_on_web, m.pages),
            (ModelFamily::Dx, false, PageLayout::Dx)
        );
    }

    #[test]
    fn unknown_names_get_the_common_case() {
        let m = ModelInfo::from_name("Cisco Unified Client Services Framework");
        assert_eq!((m.number, m.family), (None, ModelFamily::Other));
        assert!(m.tvs && m.trust_on_web);
        // Five digits is not a model number; the first four-digit run is.
        assert_eq!(
            ModelInfo::from_name("x12345 y7811").number.as_deref(),
            Some("7811")
        );
    }
}
