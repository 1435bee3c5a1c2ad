//! Certificate units: what `set cert regen <unit>` regenerates (`trust-and-procedure.md` §1.1).

use super::Generation;
use crate::Function;

/// A certificate unit, as the admin CLI names it (`set cert regen <unit>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertUnit {
    /// `CallManager`: SIP/SCCP TLS; signs configuration files, and the ITL up to 11.5.
    CallManager,
    /// `CallManager-ECDSA` (11.0+): the EC twin of CallManager; not in the lists we model.
    CallManagerEcdsa,
    /// `TVS`: the Trust Verification Service's TLS certificate (in every ITL, never in a CTL).
    Tvs,
    /// `ITLRecovery`: signs the ITL and the CTL on 12.0+; one per node before 12.0.
    ItlRecovery,
    /// `CAPF`: issues LSCs (publisher).
    Capf,
    /// `ipsec`: DRF (up to 12.5) and IPsec; in no trust list.
    Ipsec,
    /// `tomcat`: HTTPS (AXL, RisPort, Control Center, DRF on 14+); in no trust list.
    Tomcat,
    /// `tomcat-ECDSA`: the EC twin of tomcat; in no trust list.
    TomcatEcdsa,
}

impl CertUnit {
    /// Every unit, in the order plans and reports list them.
    pub const ALL: [CertUnit; 8] = [
        CertUnit::CallManager,
        CertUnit::Tvs,
        CertUnit::ItlRecovery,
        CertUnit::Capf,
        CertUnit::Ipsec,
        CertUnit::Tomcat,
        CertUnit::CallManagerEcdsa,
        CertUnit::TomcatEcdsa,
    ];

    /// The units whose certificates go into ITLs or CTLs.
    pub const IN_TRUST_LISTS: [CertUnit; 4] = [
        CertUnit::CallManager,
        CertUnit::Tvs,
        CertUnit::ItlRecovery,
        CertUnit::Capf,
    ];

    /// The CLI spelling (`CallManager`, `TVS`, `ITLRecovery`, `CAPF`, `ipsec`, `tomcat`,
    /// `CallManager-ECDSA`, `tomcat-ECDSA`), also the exported file stem.
    pub fn name(self) -> &'static str {
        match self {
            CertUnit::CallManager => "CallManager",
            CertUnit::CallManagerEcdsa => "CallManager-ECDSA",
            CertUnit::Tvs => "TVS",
            CertUnit::ItlRecovery => "ITLRecovery",
            CertUnit::Capf => "CAPF",
            CertUnit::Ipsec => "ipsec",
            CertUnit::Tomcat => "tomcat",
            CertUnit::TomcatEcdsa => "tomcat-ECDSA",
        }
    }

    /// Parses a unit name case-insensitively, with the usual aliases (`cm`, `ccm`,
    /// `itl-recovery`, `callmanager_ecdsa`...).
    pub fn parse(text: &str) -> Option<CertUnit> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        Some(match t.as_str() {
            "callmanager" | "cm" | "ccm" => CertUnit::CallManager,
            "callmanager-ecdsa" | "cm-ecdsa" => CertUnit::CallManagerEcdsa,
            "tvs" => CertUnit::Tvs,
            "itlrecovery" | "itl-recovery" => CertUnit::ItlRecovery,
            "capf" => CertUnit::Capf,
            "ipsec" => CertUnit::Ipsec,
            "tomcat" => CertUnit::Tomcat,
            "tomcat-ecdsa" => CertUnit::TomcatEcdsa,
            _ => return None,
        })
    }

    /// The names of every unit, for messages: `CallManager, TVS, …`.
    pub fn names() -> String {
        Self::ALL.map(CertUnit::name).join(", ")
    }

    /// The trust store the other nodes keep a copy of this unit's certificate in
    /// (`CallManager-trust` for CallManager and CAPF, `tomcat-trust`, `ipsec-trust`); `None`
    /// for the units whose certificates are not distributed (TVS, ITLRecovery, the ECDSA
    /// twins).
    pub fn trust_store(self) -> Option<&'static str> {
        match self {
            CertUnit::CallManager | CertUnit::Capf => Some("CallManager-trust"),
            CertUnit::Tomcat => Some("tomcat-trust"),
            CertUnit::Ipsec => Some("ipsec-trust"),
            CertUnit::Tvs
            | CertUnit::ItlRecovery
            | CertUnit::CallManagerEcdsa
            | CertUnit::TomcatEcdsa => None,
        }
    }

    /// Whether the unit's certificate appears in an ITL or a CTL.
    pub fn in_trust_lists(self) -> bool {
        Self::IN_TRUST_LISTS.contains(&self)
    }

    /// Whether the unit's certificate appears in the CTL (CallManager, ITLRecovery, CAPF;
    /// never TVS: see [`crate::layout`]): in mixed mode its regeneration reaches the phones
    /// safely only through `utils ctl update CTLFile` before they reset.
    pub fn in_ctl(self) -> bool {
        matches!(
            self,
            CertUnit::CallManager | CertUnit::ItlRecovery | CertUnit::Capf
        )
    }

    /// Whether a node holds this unit on `generation`: CAPF only the publisher; ITLRecovery
    /// every node before 12.0 (`ITLRECOVERY_<host>`), only the publisher from 12.0; the other
    /// units every node.
    pub fn held_by(self, publisher: bool, generation: Generation) -> bool {
        match self {
            CertUnit::Capf => publisher,
            CertUnit::ItlRecovery => publisher || generation.itl_recovery_per_node(),
            _ => true,
        }
    }

    /// Whether a trust-list record of role `function` may carry a certificate of this unit;
    /// `None` for units that never go into a trust list.
    pub fn fits(self, function: Function) -> Option<bool> {
        Some(match self {
            CertUnit::CallManager => matches!(
                function,
                Function::Sast | Function::Ccm | Function::CcmTftp | Function::Tftp
            ),
            CertUnit::ItlRecovery => function == Function::Sast,
            CertUnit::Tvs => function == Function::Tvs,
            CertUnit::Capf => function == Function::Capf,
            _ => return None,
        })
    }

    /// The file under which `show cert own` shows it (`CallManager/CallManager.pem`).
    pub fn own_cert_path(self) -> String {
        format!("{0}/{0}.pem", self.name())
    }
}

named!(CertUnit, name, serde, parse: UnknownUnit, |s| UnknownUnit { name: s.trim().to_owned() });

/// A unit name that is not one of CUCM's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown unit {name:?} ({})", CertUnit::names())]
pub struct UnknownUnit {
    /// The name as given.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases() {
        super::super::assert_names_read_back(&CertUnit::ALL, CertUnit::name);
        for unit in CertUnit::ALL {
            assert_eq!(unit.name().to_uppercase().parse::<CertUnit>(), Ok(unit));
        }
        assert_eq!(CertUnit::parse("ccm"), Some(CertUnit::CallManager));
        assert_eq!(CertUnit::parse("itl_recovery"), Some(CertUnit::ItlRecovery));
        assert_eq!(
            CertUnit::parse("callmanager_ecdsa"),
            Some(CertUnit::CallManagerEcdsa)
        );
        assert_eq!(
            "certs".parse::<CertUnit>().unwrap_err().to_string(),
            "unknown unit \"certs\" (CallManager, TVS, ITLRecovery, CAPF, ipsec, tomcat, \
             CallManager-ECDSA, tomcat-ECDSA)"
        );
    }

    #[test]
    fn holders_per_generation() {
        assert!(CertUnit::ItlRecovery.held_by(false, Generation::V11_5));
        assert!(!CertUnit::ItlRecovery.held_by(false, Generation::V12));
        assert!(CertUnit::ItlRecovery.held_by(true, Generation::V14));
        assert!(!CertUnit::Capf.held_by(false, Generation::V11_5));
        assert!(CertUnit::Tvs.held_by(false, Generation::V14));
    }

    #[test]
    fn trust_list_units() {
        assert!(CertUnit::Capf.in_trust_lists());
        assert!(!CertUnit::Tomcat.in_trust_lists());
        assert!(!CertUnit::CallManagerEcdsa.in_trust_lists());
        assert_eq!(CertUnit::Tvs.fits(Function::Tvs), Some(true));
        assert_eq!(CertUnit::Tvs.fits(Function::Sast), Some(false));
        assert_eq!(CertUnit::Ipsec.fits(Function::Sast), None);
        assert_eq!(CertUnit::Tomcat.own_cert_path(), "tomcat/tomcat.pem");
    }
}
