//! CUCM services: one name per interface (plans, Control Center, the admin CLI) and their
//! states (`cucm-interfaces.md` §3).

/// A CUCM service that `itl` reads, restarts, stops or starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// `Cisco CallManager`: call processing.
    CallManager,
    /// `Cisco CTIManager`.
    CtiManager,
    /// `Cisco Tftp`: serves configuration and trust files; rebuilds the ITL.
    Tftp,
    /// `Cisco Trust Verification Service`: vouches for certificates phones do not hold.
    Tvs,
    /// `Cisco Certificate Authority Proxy Function` (publisher).
    Capf,
    /// `Cisco CTL Provider` (mixed mode).
    CtlProvider,
    /// `Cisco Tomcat`: the web and SOAP services (restarted through the CLI).
    Tomcat,
    /// `Cisco DRF Master` (renamed `Cisco DRF Primary` in current documents; publisher).
    DrfMaster,
    /// `Cisco DRF Local`.
    DrfLocal,
    /// `Cisco Certificate Change Notification`.
    CertificateChangeNotification,
    /// `Cisco HAProxy` (14+).
    HaProxy,
    /// `Cisco SSOSP Tomcat` (14+, single sign-on).
    SsospTomcat,
    /// `Cisco RIS Data Collector`.
    RisDataCollector,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 13] = [
        Service::CallManager,
        Service::CtiManager,
        Service::Tftp,
        Service::Tvs,
        Service::Capf,
        Service::CtlProvider,
        Service::Tomcat,
        Service::DrfMaster,
        Service::DrfLocal,
        Service::CertificateChangeNotification,
        Service::HaProxy,
        Service::SsospTomcat,
        Service::RisDataCollector,
    ];

    /// The short name plans use (`TFTP`, `TVS`, `CallManager`, `CTIManager`, `CAPF`, `Tomcat`,
    /// `DRF Master`...).
    pub fn plan_name(self) -> &'static str {
        match self {
            Service::CallManager => "CallManager",
            Service::CtiManager => "CTIManager",
            Service::Tftp => "TFTP",
            Service::Tvs => "TVS",
            Service::Capf => "CAPF",
            Service::CtlProvider => "CTL Provider",
            Service::Tomcat => "Tomcat",
            Service::DrfMaster => "DRF Master",
            Service::DrfLocal => "DRF Local",
            Service::CertificateChangeNotification => "Certificate Change Notification",
            Service::HaProxy => "HAProxy",
            Service::SsospTomcat => "SSOSP Tomcat",
            Service::RisDataCollector => "RIS Data Collector",
        }
    }

    /// The exact name Control Center's `ServiceList/item` and `ServiceName` use.
    pub fn control_center_name(self) -> &'static str {
        match self {
            Service::CallManager => "Cisco CallManager",
            Service::CtiManager => "Cisco CTIManager",
            Service::Tftp => "Cisco Tftp",
            Service::Tvs => "Cisco Trust Verification Service",
            Service::Capf => "Cisco Certificate Authority Proxy Function",
            Service::CtlProvider => "Cisco CTL Provider",
            Service::Tomcat => "Cisco Tomcat",
            Service::DrfMaster => "Cisco DRF Master",
            Service::DrfLocal => "Cisco DRF Local",
            Service::CertificateChangeNotification => "Cisco Certificate Change Notification",
            Service::HaProxy => "Cisco HAProxy",
            Service::SsospTomcat => "Cisco SSOSP Tomcat",
            Service::RisDataCollector => "Cisco RIS Data Collector",
        }
    }

    /// The name `utils service restart|start|stop <name>` and `utils service list` use (the
    /// same as Control Center's on CUCM).
    pub fn cli_name(self) -> &'static str {
        self.control_center_name()
    }

    /// Whether `itl` restarts it through the admin CLI rather than Control Center: Control
    /// Center runs inside Tomcat and would kill its own session.
    pub fn restarts_through_cli(self) -> bool {
        self == Service::Tomcat
    }

    /// The names other spellings fold to: alternative names CUCM documents use.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Service::CallManager => &["cm", "ccm"],
            Service::CtiManager => &["cti"],
            Service::Tvs => &["trust verification service"],
            Service::Capf => &["certificate authority proxy function"],
            Service::DrfMaster => &["drf primary"],
            _ => &[],
        }
    }

    /// Parses any spelling, case-insensitively, with or without `Cisco `: the plan name
    /// (`TFTP`), Control Center's (`Cisco Tftp`, `Cisco TFTP`), and the documented aliases
    /// (`Cisco DRF Primary` for the DRF master). Runs of spaces count as one.
    pub fn parse(text: &str) -> Option<Service> {
        let folded = fold(text);
        let bare = folded.strip_prefix("cisco ").unwrap_or(&folded);
        Self::ALL.into_iter().find(|s| {
            let plan = fold(s.plan_name());
            let cc = fold(s.control_center_name());
            bare == plan
                || folded == cc
                || cc.strip_prefix("cisco ") == Some(bare)
                || s.aliases().contains(&bare)
        })
    }

    /// The plan names of every service, for messages.
    pub fn plan_names() -> String {
        Self::ALL.map(Service::plan_name).join(", ")
    }
}

fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

named!(Service, plan_name, serde, parse: UnknownService, |s| UnknownService { name: s.trim().to_owned() });

/// A service name that is none of those `itl` knows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown service {name:?} ({})", Service::plan_names())]
pub struct UnknownService {
    /// The name as given.
    pub name: String,
}

/// What state a service is in on one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceStatus {
    /// Running.
    Started,
    /// Being started.
    Starting,
    /// Being stopped.
    Stopping,
    /// Stopped (not running although activated).
    Stopped,
    /// Not activated on this node (intentional: Control Center reason −1068).
    NotActivated,
    /// Commanded out of service (intentional: Control Center reason −1069).
    CommandedOutOfService,
    /// The interface did not say.
    Unknown,
}

impl ServiceStatus {
    /// `Started`, `Starting`, `Stopping`, `Stopped`, `Not Activated`, `Commanded Out of
    /// Service`, `Unknown`.
    pub fn name(self) -> &'static str {
        match self {
            ServiceStatus::Started => "Started",
            ServiceStatus::Starting => "Starting",
            ServiceStatus::Stopping => "Stopping",
            ServiceStatus::Stopped => "Stopped",
            ServiceStatus::NotActivated => "Not Activated",
            ServiceStatus::CommandedOutOfService => "Commanded Out of Service",
            ServiceStatus::Unknown => "Unknown",
        }
    }

    /// Whether the service runs.
    pub fn is_running(self) -> bool {
        self == ServiceStatus::Started
    }

    /// Whether an administrator chose this state (not activated, out of service): not a fault.
    pub fn is_intentional(self) -> bool {
        matches!(
            self,
            ServiceStatus::NotActivated | ServiceStatus::CommandedOutOfService
        )
    }
}

named!(ServiceStatus, name);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_parses() {
        for s in Service::ALL {
            assert_eq!(Service::parse(s.plan_name()), Some(s));
            assert_eq!(Service::parse(s.control_center_name()), Some(s));
            assert_eq!(
                Service::parse(&s.control_center_name().to_uppercase()),
                Some(s)
            );
        }
        assert_eq!(Service::parse("Cisco TFTP"), Some(Service::Tftp));
        assert_eq!(Service::parse("tftp"), Some(Service::Tftp));
        assert_eq!(
            Service::parse("Cisco DRF Primary"),
            Some(Service::DrfMaster)
        );
        assert_eq!(Service::parse("  drf   local "), Some(Service::DrfLocal));
        assert_eq!(
            Service::parse("trust verification service"),
            Some(Service::Tvs)
        );
        assert_eq!(Service::parse("Cisco"), None);
        assert_eq!(Service::parse("Cisco Tftp Server"), None);
        assert_eq!(Service::parse(""), None);
    }

    #[test]
    fn names_per_interface() {
        assert_eq!(Service::Tftp.plan_name(), "TFTP");
        assert_eq!(Service::Tftp.control_center_name(), "Cisco Tftp");
        assert_eq!(Service::Tomcat.cli_name(), "Cisco Tomcat");
        assert!(Service::Tomcat.restarts_through_cli());
        assert!(!Service::Tvs.restarts_through_cli());
        assert_eq!(
            serde_json::to_string(&Service::DrfMaster).unwrap(),
            "\"DRF Master\""
        );
    }

    #[test]
    fn statuses() {
        assert!(ServiceStatus::Started.is_running());
        assert!(!ServiceStatus::Starting.is_running());
        assert!(ServiceStatus::NotActivated.is_intentional());
        assert!(!ServiceStatus::Stopped.is_intentional());
    }
}
