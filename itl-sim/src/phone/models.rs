//! Phone models, their families (which decide the web-page layout) and their capabilities.

use itl_core::checksum::sha256;

/// A phone model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum PhoneModel {
    /// Cisco 7811.
    Cp7811,
    /// Cisco 7821.
    Cp7821,
    /// Cisco 7841.
    Cp7841,
    /// Cisco 7861.
    Cp7861,
    /// Cisco 8811.
    Cp8811,
    /// Cisco 8841.
    Cp8841,
    /// Cisco 8845.
    Cp8845,
    /// Cisco 8851.
    Cp8851,
    /// Cisco 8861.
    Cp8861,
    /// Cisco 8865.
    Cp8865,
    /// Cisco 7940 (no TVS).
    Cp7940,
    /// Cisco 7960 (no TVS).
    Cp7960,
    /// Cisco 7942.
    Cp7942,
    /// Cisco 7945.
    Cp7945,
    /// Cisco 7962.
    Cp7962,
    /// Cisco 7965.
    Cp7965,
    /// Cisco 7975.
    Cp7975,
    /// Cisco 9951.
    Cp9951,
    /// Cisco 9971.
    Cp9971,
    /// Cisco 8945.
    Cp8945,
    /// Cisco 6921.
    Cp6921,
    /// Cisco DX80.
    Dx80,
}

/// A model family: phones of one family serve the same page layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Family {
    /// 7800 series.
    Cp78xx,
    /// 8800 series.
    Cp88xx,
    /// 7900 series (classic layout).
    Cp79xx,
    /// 9900 series.
    Cp99xx,
    /// 8900 series.
    Cp89xx,
    /// 6900 series.
    Cp69xx,
    /// DX series.
    Dx,
}

impl Family {
    /// Whether the family serves the classic (7900) page layout.
    pub fn classic_pages(self) -> bool {
        self == Family::Cp79xx
    }

    /// A short name (`78xx`, `DX`).
    pub fn name(self) -> &'static str {
        match self {
            Family::Cp78xx => "78xx",
            Family::Cp88xx => "88xx",
            Family::Cp79xx => "79xx",
            Family::Cp99xx => "99xx",
            Family::Cp89xx => "89xx",
            Family::Cp69xx => "69xx",
            Family::Dx => "DX",
        }
    }
}

/// The fleet mix: model and weight (per mille). 78xx 40 %, 88xx 35 %, 79xx 20 %, 99xx 5 %;
/// some phones of a drawn model become a [`VARIANTS`] model.
pub const FLEET_MIX: [(PhoneModel, u32); 19] = [
    (PhoneModel::Cp7811, 80),
    (PhoneModel::Cp7821, 120),
    (PhoneModel::Cp7841, 150),
    (PhoneModel::Cp7861, 50),
    (PhoneModel::Cp8811, 50),
    (PhoneModel::Cp8841, 120),
    (PhoneModel::Cp8845, 40),
    (PhoneModel::Cp8851, 70),
    (PhoneModel::Cp8861, 50),
    (PhoneModel::Cp8865, 20),
    (PhoneModel::Cp7940, 10),
    (PhoneModel::Cp7960, 10),
    (PhoneModel::Cp7942, 40),
    (PhoneModel::Cp7945, 40),
    (PhoneModel::Cp7962, 30),
    (PhoneModel::Cp7965, 50),
    (PhoneModel::Cp7975, 20),
    (PhoneModel::Cp9951, 20),
    (PhoneModel::Cp9971, 30),
];

/// Models that replace a share (per mille) of a drawn SIP model: about 2.4 % of the fleet
/// 8945, 1 % 6921, 1 % DX80. Drawn from SHA-256(seed, device name) ([`variant_of`]), so
/// adding them left the fleet's other draws (MACs, models, protocols) as they were.
pub const VARIANTS: [(PhoneModel, PhoneModel, u16); 3] = [
    (PhoneModel::Cp8841, PhoneModel::Cp8945, 200),
    (PhoneModel::Cp7841, PhoneModel::Cp6921, 70),
    (PhoneModel::Cp8851, PhoneModel::Dx80, 140),
];

/// The model phone `name` of a fleet built with `seed` has, when the fleet drew `drawn` for
/// it (see [`VARIANTS`]).
pub fn variant_of(seed: u64, name: &str, drawn: PhoneModel) -> PhoneModel {
    let Some(&(_, variant, share)) = VARIANTS.iter().find(|(base, _, _)| *base == drawn) else {
        return drawn;
    };
    let mut input = seed.to_be_bytes().to_vec();
    input.extend_from_slice(b"/model-variant/");
    input.extend_from_slice(name.as_bytes());
    let digest = sha256(&input);
    if u16::from_be_bytes([digest[0], digest[1]]) % 1000 < share {
        variant
    } else {
        drawn
    }
}

impl PhoneModel {
    /// The model number (`8841`).
    pub fn number(self) -> &'static str {
        match self {
            PhoneModel::Cp7811 => "7811",
            PhoneModel::Cp7821 => "7821",
            PhoneModel::Cp7841 => "7841",
            PhoneModel::Cp7861 => "7861",
            PhoneModel::Cp8811 => "8811",
            PhoneModel::Cp8841 => "8841",
            PhoneModel::Cp8845 => "8845",
            PhoneModel::Cp8851 => "8851",
            PhoneModel::Cp8861 => "8861",
            PhoneModel::Cp8865 => "8865",
            PhoneModel::Cp7940 => "7940",
            PhoneModel::Cp7960 => "7960",
            PhoneModel::Cp7942 => "7942",
            PhoneModel::Cp7945 => "7945",
            PhoneModel::Cp7962 => "7962",
            PhoneModel::Cp7965 => "7965",
            PhoneModel::Cp7975 => "7975",
            PhoneModel::Cp9951 => "9951",
            PhoneModel::Cp9971 => "9971",
            PhoneModel::Cp8945 => "8945",
            PhoneModel::Cp6921 => "6921",
            PhoneModel::Dx80 => "DX80",
        }
    }

    /// CUCM's product name (`Cisco 8841`).
    pub fn product_name(self) -> String {
        format!("Cisco {}", self.number())
    }

    /// The model number on the device itself (`CP-8841`).
    pub fn model_number(self) -> String {
        format!("CP-{}", self.number())
    }

    /// The family.
    pub fn family(self) -> Family {
        match self.number().as_bytes() {
            [b'7', b'8', ..] => Family::Cp78xx,
            [b'8', b'8', ..] => Family::Cp88xx,
            [b'9', b'9', ..] => Family::Cp99xx,
            [b'8', b'9', ..] => Family::Cp89xx,
            [b'6', b'9', ..] => Family::Cp69xx,
            [b'D', b'X', ..] => Family::Dx,
            _ => Family::Cp79xx,
        }
    }

    /// Whether the model can run SCCP (79xx, 8945, 6921); 7940/7960 run nothing else.
    pub fn runs_sccp(self) -> bool {
        matches!(
            self.family(),
            Family::Cp79xx | Family::Cp89xx | Family::Cp69xx
        )
    }

    /// What the model can do (TVS, Security By Default, trust lists on its pages), by the
    /// one table of `itl_core::cucm::ModelInfo`.
    pub fn info(self) -> itl_core::cucm::ModelInfo {
        itl_core::cucm::ModelInfo::from_name(&self.model_number())
    }

    /// Whether the phone can ask TVS about an unknown signer (7940/7960 cannot).
    pub fn supports_tvs(self) -> bool {
        self.info().tvs
    }

    /// Whether the phone downloads and holds an ITL (7940/7960 do not: no Security By Default).
    pub fn holds_itl(self) -> bool {
        self.info().holds_itl
    }

    /// The simulator's numeric model code (RisPort `Model`, AXL `typemodel.enum`); its own
    /// table, consistent between the simulated interfaces.
    pub fn model_code(self) -> u32 {
        match self {
            PhoneModel::Cp7811 => 36213,
            PhoneModel::Cp7821 => 36216,
            PhoneModel::Cp7841 => 36217,
            PhoneModel::Cp7861 => 36218,
            PhoneModel::Cp8811 => 36219,
            PhoneModel::Cp8841 => 36224,
            PhoneModel::Cp8845 => 36225,
            PhoneModel::Cp8851 => 36226,
            PhoneModel::Cp8861 => 36227,
            PhoneModel::Cp8865 => 36228,
            PhoneModel::Cp7940 => 8,
            PhoneModel::Cp7960 => 7,
            PhoneModel::Cp7942 => 434,
            PhoneModel::Cp7945 => 435,
            PhoneModel::Cp7962 => 404,
            PhoneModel::Cp7965 => 436,
            PhoneModel::Cp7975 => 437,
            PhoneModel::Cp9951 => 537,
            PhoneModel::Cp9971 => 493,
            PhoneModel::Cp8945 => 586,
            PhoneModel::Cp6921 => 495,
            PhoneModel::Dx80 => 36208,
        }
    }

    /// The active load for a protocol.
    pub fn load_id(self, protocol: Protocol) -> String {
        match (self.family(), protocol) {
            (Family::Cp78xx, _) => "sip78xx.14-2-1-0001-14".into(),
            (Family::Cp88xx, _) => "sip88xx.14-2-1-0001-14".into(),
            (Family::Cp99xx, _) => "sip9951.9-4-2SR4-3".into(),
            (Family::Dx, _) => "sipdx80.10-2-5-207".into(),
            (Family::Cp89xx, Protocol::Sccp) => "SCCP894x.9-4-2SR4-3".into(),
            (Family::Cp89xx, Protocol::Sip) => "SIP894x.9-4-2SR4-3".into(),
            (Family::Cp69xx, Protocol::Sccp) => "SCCP69xx.9-4-1-3SR3".into(),
            (Family::Cp69xx, Protocol::Sip) => "SIP69xx.9-4-1-3SR3".into(),
            (Family::Cp79xx, _) if matches!(self, PhoneModel::Cp7940 | PhoneModel::Cp7960) => {
                "P00308010200".into()
            }
            (Family::Cp79xx, Protocol::Sccp) => format!("SCCP{}.9-4-2SR3-1S", &self.number()[2..]),
            (Family::Cp79xx, Protocol::Sip) => format!("SIP{}.9-4-2SR3-1S", &self.number()[2..]),
        }
    }
}

itl_core::named!(PhoneModel, product_name);

/// Signalling protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Protocol {
    /// SIP.
    Sip,
    /// SCCP (Skinny).
    Sccp,
}

impl Protocol {
    /// `SIP` or `SCCP`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Sip => "SIP",
            Protocol::Sccp => "SCCP",
        }
    }
}
