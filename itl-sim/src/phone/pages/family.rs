//! Which pages each model serves, and how they look, after the captures of real phones
//! (`cucm-interfaces.md` §8.6).
//!
//! | family | models | paths | markup, rows | trust fields | status message times |
//! |---|---|---|---|---|---|
//! | [`PageFamily::Cp78xx`] | 7811, 7821, 7861 | Serviceability | firmware (upper-case), three cells | `ITL file` `Installed` + `ITL signature` (SHA-1 pairs); `CTL file` + `CTL signature` | `06/01/25 3:00:05p` |
//! | [`PageFamily::Cp7841`] | 7841 | Serviceability | firmware, two cells | as 78xx | as 78xx |
//! | [`PageFamily::Cp88xx`] | 88xx | Serviceability | lower-case with `<tbody>` (as browsers save it), three cells, `&#x2D;` in names | as 78xx, `ITL Signature` | as 78xx |
//! | [`PageFamily::Cp8945`] | 8945 | Serviceability | firmware, three cells, capitalised labels | hash on the `ITL File` / `CTL File` rows (MD5 pairs) | as 78xx |
//! | [`PageFamily::Cp99xx`] | 9951, 9971 | Serviceability | firmware, three cells | `Installed` + signature rows (MD5 pairs) | as 78xx |
//! | [`PageFamily::Cp79x2`] | 7942, 7962, 7965, 7975 | Serviceability, `/NetworkConfiguration` | 79xx (`<FONT>`, two cells) | hash on the `ITL File` row (MD5) | `15:00:05 06/01/25` |
//! | [`PageFamily::Cp7945`] | 7945 | Serviceability, `/NetworkConfiguration` | 79xx | **none** | time of day: `3:00:05p` |
//! | [`PageFamily::Cp7940`] | 7940, 7960 | `/NetworkConfiguration`, `/DeviceLog?0` only | 79xx | **none** (they hold no ITL: no Security By Default) | time of day, `<BR>` lines |
//! | [`PageFamily::Cp6921`] | 6921 | Serviceability | firmware, three cells | **none** | time of day |
//! | [`PageFamily::Dx80`] | DX80 | `/?adapter=…`, a Security information page | plain lower-case, two cells | **none** (not on the security page either) | `06/01/2025 3:00:05 PM` |
//!
//! `TVS`: one row per server of the phone's CallManager group, by host name, two to five
//! rows, the same server twice on some phones. Every family also serves
//! `/DeviceInformationX` and `/NetworkConfigurationX`.

use crate::phone::PhoneModel;

/// A group of models whose pages look the same (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageFamily {
    /// 7811, 7821, 7861.
    Cp78xx,
    /// 7841.
    Cp7841,
    /// 8811 … 8865.
    Cp88xx,
    /// 8945.
    Cp8945,
    /// 9951, 9971.
    Cp99xx,
    /// 7942, 7962, 7965, 7975.
    Cp79x2,
    /// 7945.
    Cp7945,
    /// 7940, 7960.
    Cp7940,
    /// 6921.
    Cp6921,
    /// DX80.
    Dx80,
}

/// Where a family's pages are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paths {
    /// `/CGI/Java/Serviceability?adapter=…`.
    Serviceability,
    /// `/NetworkConfiguration`, `/DeviceLog?0` (7940-era, RomPager).
    RomPager,
    /// `/?adapter=…` (DX series).
    Adapter,
}

/// How a family writes its markup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// Upper-case firmware markup, values in `<B>`, spacer `<TD WIDTH=20>`.
    Firmware,
    /// Lower-case with `<tbody>`, quoted attributes (a page as a browser saves it).
    Saved,
    /// 79xx: upper-case, `<FONT SIZE=2>`, labels right-aligned.
    Classic,
    /// DX: plain lower-case cells.
    Plain,
}

/// How the trust-list fields are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustRows {
    /// No trust field at all.
    None,
    /// `ITL file` / `CTL file` say `Installed` or `Not Installed`; the hash is on the
    /// `… signature` row.
    Signature(HashForm),
    /// The hash is on the `ITL file` / `CTL file` row itself.
    FileRow(HashForm),
}

/// How a hash is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashForm {
    /// SHA-1, upper-case hex pairs separated by spaces, with a trailing space.
    Sha1Pairs,
    /// MD5, upper-case hex pairs separated by spaces, with a trailing space.
    Md5Pairs,
    /// MD5, upper-case hex without separators.
    Md5Plain,
}

/// How status-message times are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// `06/01/25 3:00:05p`.
    ShortDate,
    /// `15:00:05 06/01/25`.
    TimeFirst,
    /// `3:00:05p` (no date).
    TimeOfDay,
    /// `06/01/2025 3:00:05 PM`.
    LongDate,
}

/// Everything that differs between families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Where the pages are.
    pub paths: Paths,
    /// Markup case and wrapping.
    pub markup: Markup,
    /// Three cells (label, spacer, value) or two.
    pub three_cells: bool,
    /// Labels capitalised (`ITL File`, `TFTP Server 1`).
    pub capitalised: bool,
    /// The label of the ITL signature row.
    pub itl_signature_label: &'static str,
    /// The trust fields.
    pub trust: TrustRows,
    /// Status-message times.
    pub stamp: Stamp,
    /// Status messages as `<BR>`-separated lines instead of rows.
    pub message_lines: bool,
    /// Host names written with `&#x2D;` for `-`.
    pub entity_dashes: bool,
    /// The HTTP `Server` header.
    pub server: &'static str,
}

const ROMPAGER: &str = "Allegro-Software-RomPager/4.34";

impl PageFamily {
    /// The family of a model.
    pub fn of(model: PhoneModel) -> Self {
        use PhoneModel as M;
        match model {
            M::Cp7811 | M::Cp7821 | M::Cp7861 => PageFamily::Cp78xx,
            M::Cp7841 => PageFamily::Cp7841,
            M::Cp8811 | M::Cp8841 | M::Cp8845 | M::Cp8851 | M::Cp8861 | M::Cp8865 => {
                PageFamily::Cp88xx
            }
            M::Cp8945 => PageFamily::Cp8945,
            M::Cp9951 | M::Cp9971 => PageFamily::Cp99xx,
            M::Cp7942 | M::Cp7962 | M::Cp7965 | M::Cp7975 => PageFamily::Cp79x2,
            M::Cp7945 => PageFamily::Cp7945,
            M::Cp7940 | M::Cp7960 => PageFamily::Cp7940,
            M::Cp6921 => PageFamily::Cp6921,
            M::Dx80 => PageFamily::Dx80,
        }
    }

    /// The family's style (the module table).
    pub fn style(self) -> Style {
        let firmware = Style {
            paths: Paths::Serviceability,
            markup: Markup::Firmware,
            three_cells: true,
            capitalised: false,
            itl_signature_label: "ITL signature",
            trust: TrustRows::Signature(HashForm::Sha1Pairs),
            stamp: Stamp::ShortDate,
            message_lines: false,
            entity_dashes: false,
            server: "",
        };
        let classic = Style {
            markup: Markup::Classic,
            three_cells: false,
            capitalised: true,
            itl_signature_label: "ITL Signature",
            trust: TrustRows::None,
            stamp: Stamp::TimeOfDay,
            server: ROMPAGER,
            ..firmware
        };
        match self {
            PageFamily::Cp78xx => firmware,
            PageFamily::Cp7841 => Style {
                three_cells: false,
                ..firmware
            },
            PageFamily::Cp88xx => Style {
                markup: Markup::Saved,
                itl_signature_label: "ITL Signature",
                entity_dashes: true,
                ..firmware
            },
            PageFamily::Cp8945 => Style {
                capitalised: true,
                trust: TrustRows::FileRow(HashForm::Md5Pairs),
                ..firmware
            },
            PageFamily::Cp99xx => Style {
                trust: TrustRows::Signature(HashForm::Md5Pairs),
                ..firmware
            },
            PageFamily::Cp79x2 => Style {
                trust: TrustRows::FileRow(HashForm::Md5Plain),
                stamp: Stamp::TimeFirst,
                ..classic
            },
            PageFamily::Cp7945 => classic,
            PageFamily::Cp7940 => Style {
                paths: Paths::RomPager,
                message_lines: true,
                ..classic
            },
            PageFamily::Cp6921 => Style {
                trust: TrustRows::None,
                capitalised: true,
                stamp: Stamp::TimeOfDay,
                ..firmware
            },
            PageFamily::Dx80 => Style {
                paths: Paths::Adapter,
                markup: Markup::Plain,
                three_cells: false,
                trust: TrustRows::None,
                stamp: Stamp::LongDate,
                ..firmware
            },
        }
    }

    /// Whether the family's pages show any trust field.
    pub fn shows_trust(self) -> bool {
        self.style().trust != TrustRows::None
    }
}

impl PhoneModel {
    /// Whether the model's web pages show its trust lists (see [`PageFamily`]).
    pub fn pages_show_trust(self) -> bool {
        PageFamily::of(self).shows_trust()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::models::{FLEET_MIX, VARIANTS};

    #[test]
    fn families_without_trust_fields() {
        let without: Vec<&str> = FLEET_MIX
            .iter()
            .map(|(m, _)| *m)
            .chain(VARIANTS.iter().map(|(_, v, _)| *v))
            .filter(|m| !m.pages_show_trust())
            .map(PhoneModel::number)
            .collect();
        assert_eq!(without, ["7940", "7960", "7945", "6921", "DX80"]);
    }
}
