//! How long simulated operations take: nominal durations (what a real cluster takes, in
//! round figures from `cucm-interfaces.md` §6.5 and the field procedure) and the time scale
//! that `itl sim serve --time-scale FACTOR` multiplies them by. Scale 0 (the default) makes
//! every operation instant, as the simulator always was; 1 is real time; 0.01 turns a
//! two-minute CallManager restart into 1.2 s.
//!
//! | operation | nominal | while it runs |
//! |---|---|---|
//! | restart of `Cisco CallManager` | 20 s stopping + 100 s starting | Control Center and `utils service list` say `Stopping`, then `Starting` |
//! | restart of `Cisco CTIManager` | 10 s + 50 s | same |
//! | restart of `Cisco Tftp` | 10 s + 40 s | same; TFTP does not answer |
//! | restart of `Cisco Trust Verification Service` | 10 s + 30 s | same; TVS does not answer |
//! | restart of `Cisco Certificate Authority Proxy Function` | 10 s + 30 s | same |
//! | restart of `Cisco CTL Provider` | 5 s + 25 s | same |
//! | restart of `Cisco Tomcat` | 30 s + 150 s | same (the certificate changes when it ends) |
//! | restart of `Cisco SSOSP Tomcat` | 15 s + 75 s | same |
//! | restart of `Cisco DRF Master`, `Cisco DRF Local` | 10 s + 20 s | same |
//! | restart of `Cisco Certificate Change Notification` | 5 s + 15 s | same |
//! | restart of `Cisco HAProxy` | 5 s + 25 s | same |
//! | restart of `Cisco RIS Data Collector` | 10 s + 30 s | same |
//! | stop of a service | its stopping time | `Stopping` |
//! | start of a stopped service | its starting time | `Starting` |
//! | `utils ipsec restart` | 30 s | the command waits |
//! | `set cert regen <unit>` | 20 s (after the key is made) | the command waits |
//! | phone re-registration after a reset | reset 60 s, restart 30 s, power-on 90 s, plus 0–60 s spread per phone | RisPort shows the phone `UnRegistered` (reason 9) |
//! | CAPF operation (LSC issue) | at the phone's reset | — |
//! | DRS backup | 581 s (9 min 41 s) | `utils disaster_recovery status backup` shows it running |
//! | CLI login banner | 9 s between `Command Line Interface is starting up` and the Welcome line | — |
//! | RisPort70's "minute" for the device-query budget | 60 s (scale 0 keeps 60 s) | — |

use std::fmt;
use std::time::Duration;

use itl_core::cucm::Service;

use crate::model::ResetKind;

/// The factor every simulated duration is multiplied by; 0 is instant. Kept in millionths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeScale(u64);

/// The largest factor accepted (ten times slower than a real cluster).
pub const MAX_TIME_SCALE: f64 = 10.0;

/// Why a time scale was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("time scale {given:?}: expected a number from 0 to {MAX_TIME_SCALE}")]
pub struct TimeScaleError {
    /// The text or value given.
    pub given: String,
}

impl TimeScale {
    /// Instant: scale 0.
    pub const INSTANT: TimeScale = TimeScale(0);

    /// A factor from 0 to [`MAX_TIME_SCALE`] (rounded to millionths).
    pub fn new(factor: f64) -> Result<Self, TimeScaleError> {
        if factor.is_finite() && (0.0..=MAX_TIME_SCALE).contains(&factor) {
            Ok(Self((factor * 1e6).round() as u64))
        } else {
            Err(TimeScaleError {
                given: factor.to_string(),
            })
        }
    }

    /// The factor.
    pub fn factor(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// Whether operations complete at once (scale 0).
    pub fn is_instant(self) -> bool {
        self.0 == 0
    }

    /// `nominal` scaled.
    pub fn of(self, nominal: Duration) -> Duration {
        if self.is_instant() {
            Duration::ZERO
        } else {
            nominal.mul_f64(self.factor())
        }
    }
}

impl std::str::FromStr for TimeScale {
    type Err = TimeScaleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let factor: f64 = s.trim().parse().map_err(|_| TimeScaleError {
            given: s.trim().to_owned(),
        })?;
        Self::new(factor).map_err(|_| TimeScaleError {
            given: s.trim().to_owned(),
        })
    }
}

impl fmt::Display for TimeScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.factor())
    }
}

const fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Nominal (stopping, starting) time of a service.
pub fn service_phases(service: Service) -> (Duration, Duration) {
    match service {
        Service::CallManager => (secs(20), secs(100)),
        Service::CtiManager => (secs(10), secs(50)),
        Service::Tftp => (secs(10), secs(40)),
        Service::Tvs | Service::Capf | Service::RisDataCollector => (secs(10), secs(30)),
        Service::CtlProvider | Service::HaProxy => (secs(5), secs(25)),
        Service::Tomcat => (secs(30), secs(150)),
        Service::SsospTomcat => (secs(15), secs(75)),
        Service::DrfMaster | Service::DrfLocal => (secs(10), secs(20)),
        Service::CertificateChangeNotification => (secs(5), secs(15)),
    }
}

/// Nominal duration of `utils ipsec restart`.
pub const IPSEC_RESTART: Duration = secs(30);
/// Nominal duration of `set cert regen` once the key exists.
pub const CERT_REGEN: Duration = secs(20);
/// Nominal duration of a DRS backup (the history fixture's 9 min 41 s).
pub const DRS_BACKUP: Duration = secs(581);
/// Nominal delay between the CLI's start-up line and its Welcome line (11.5, §6.5).
pub const CLI_BANNER: Duration = secs(9);
/// RisPort70's rate-budget window.
pub const RISPORT_MINUTE: Duration = secs(60);
/// The largest per-phone spread added to the re-registration delay.
pub const REGISTRATION_SPREAD: Duration = secs(60);

/// Nominal re-registration delay of a phone after a reset of `kind`: a base per kind plus a
/// deterministic spread of 0–60 s from the phone's name (so a fleet comes back over a minute,
/// the same way each run).
pub fn reregistration(kind: ResetKind, phone: &str) -> Duration {
    let base = match kind {
        ResetKind::Reset => secs(60),
        ResetKind::Restart => secs(30),
        ResetKind::Boot => secs(90),
    };
    let digest = itl_core::checksum::sha256(phone.as_bytes());
    let spread_ms = u64::from(u16::from_be_bytes([digest[0], digest[1]]))
        * u64::try_from(REGISTRATION_SPREAD.as_millis()).unwrap_or(60_000)
        / u64::from(u16::MAX);
    base + Duration::from_millis(spread_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_multiplies_and_zero_is_instant() {
        let s: TimeScale = "0.01".parse().expect("parses");
        assert_eq!(s.of(secs(120)), Duration::from_millis(1200));
        assert!(TimeScale::INSTANT.is_instant());
        assert_eq!(TimeScale::INSTANT.of(secs(120)), Duration::ZERO);
        assert_eq!(TimeScale::default(), TimeScale::INSTANT);
        for bad in ["-1", "11", "NaN", "inf", "fast", ""] {
            assert!(bad.parse::<TimeScale>().is_err(), "{bad}");
        }
        assert_eq!("1".parse::<TimeScale>().map(TimeScale::factor), Ok(1.0));
    }

    #[test]
    fn durations_follow_the_table() {
        let total = |s| {
            let (a, b) = service_phases(s);
            a + b
        };
        assert_eq!(total(Service::CallManager), secs(120));
        assert_eq!(total(Service::Tomcat), secs(180));
        assert_eq!(total(Service::Tftp), secs(50));
        assert_eq!(total(Service::Tvs), secs(40));
        let a = reregistration(ResetKind::Reset, "SEP001122334455");
        assert_eq!(a, reregistration(ResetKind::Reset, "SEP001122334455"));
        assert!(a >= secs(60) && a <= secs(120), "{a:?}");
        let r = reregistration(ResetKind::Restart, "SEP001122334455");
        assert_eq!(a - r, secs(30));
        assert_ne!(a, reregistration(ResetKind::Reset, "SEP001122334466"));
    }
}
