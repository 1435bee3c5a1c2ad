//! The fault specification: what to break, and how much of it.
//!
//! ```text
//! spec    = item *("," item)
//! item    = kind "=" amount ["@" delay]          ; delay only for `slow`
//!         / check-kind "=" target [":" value]      ; see [`super::checks`]
//! amount  = percent "%" | count | name *("+" name)
//! percent = digits ["." 1*2digits]               ; 0 to 100, hundredths of a percent
//! delay   = digits ("ms" | "s")
//! ```
//!
//! Phone faults take a percentage of the fleet, a count, or phone names (`SEP…+SEP…`); node
//! faults (`tftp-down`, `risport-throttle`) take node names or `all`; `restart-fails` takes
//! `<service>@<node>` (service by plan name, node name or `all`) and may repeat. Example:
//! `unreachable=2%,slow=1%@1500ms,web-off=3%,tftp-down=ucm-sub1`. Node and cluster faults for
//! the preflight checks (`replication=ucm-sub1:3`, `service-stopped=TVS@ucm-sub1`…) are
//! described in [`super::checks`]; they may repeat.

use std::fmt;
use std::time::Duration;

use itl_core::cucm::Service;

use super::checks::{CheckFault, NodeTarget};

/// What a fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// The phone is powered off: not registered, no web server.
    PoweredOff,
    /// The phone's web access is disabled: the port refuses.
    WebOff,
    /// The phone's web server accepts connections and never answers.
    Unreachable,
    /// The phone's web server answers with bytes that are not a page.
    Garbage,
    /// The phone's web server answers with an 8 MiB body.
    Oversized,
    /// The phone's web server answers after a delay.
    Slow,
    /// The phone holds an older ITL of this cluster (it missed the last update).
    StaleItl,
    /// The phone holds an ITL from another cluster.
    ForeignItl,
    /// The phone's last ITL download failed (`Trust List update failed` after the last success).
    UpdateFailed,
    /// The phone holds an older CTL (mixed mode only).
    StaleCtl,
    /// The phone holds no ITL at all.
    NoItl,
    /// A node's TFTP service does not answer (TFTP and HTTP 6970).
    TftpDown,
    /// A node's RisPort70 answers every request after the first per minute with the rate fault.
    RisportThrottle,
    /// The phone never registers again after a reset (`phones-stay-down=<percent>`).
    PhonesStayDown,
    /// A restart or start of a service on a node ends `Stopped` (`restart-fails=<service>@<node>`).
    RestartFails,
}

impl FaultKind {
    /// Every kind, in the order faults are assigned.
    pub const ALL: [FaultKind; 15] = [
        FaultKind::PoweredOff,
        FaultKind::WebOff,
        FaultKind::Unreachable,
        FaultKind::Garbage,
        FaultKind::Oversized,
        FaultKind::Slow,
        FaultKind::StaleItl,
        FaultKind::ForeignItl,
        FaultKind::UpdateFailed,
        FaultKind::StaleCtl,
        FaultKind::NoItl,
        FaultKind::TftpDown,
        FaultKind::RisportThrottle,
        FaultKind::PhonesStayDown,
        FaultKind::RestartFails,
    ];

    /// The spec name (`web-off`, `stale-itl`...).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::PoweredOff => "powered-off",
            FaultKind::WebOff => "web-off",
            FaultKind::Unreachable => "unreachable",
            FaultKind::Garbage => "garbage",
            FaultKind::Oversized => "oversized",
            FaultKind::Slow => "slow",
            FaultKind::StaleItl => "stale-itl",
            FaultKind::ForeignItl => "foreign-itl",
            FaultKind::UpdateFailed => "update-failed",
            FaultKind::StaleCtl => "stale-ctl",
            FaultKind::NoItl => "no-itl",
            FaultKind::TftpDown => "tftp-down",
            FaultKind::RisportThrottle => "risport-throttle",
            FaultKind::PhonesStayDown => "phones-stay-down",
            FaultKind::RestartFails => "restart-fails",
        }
    }

    /// The kind for a spec name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the fault applies to nodes rather than phones.
    pub fn is_node_fault(self) -> bool {
        matches!(
            self,
            FaultKind::TftpDown | FaultKind::RisportThrottle | FaultKind::RestartFails
        )
    }
}

itl_core::named!(FaultKind, name);

/// How much of the fleet (or which nodes) a fault hits.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Amount {
    /// A share of the phones, in hundredths of a percent (`250` = 2.5 %).
    Percent(u32),
    /// A number of phones.
    Count(usize),
    /// Named phones or nodes.
    Names(Vec<String>),
    /// Every node (node faults only).
    All,
    /// A service on a node or every node (`restart-fails`).
    ServiceAt(Service, NodeTarget),
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Amount::Percent(h) if h % 100 == 0 => write!(f, "{}%", h / 100),
            Amount::Percent(h) if h % 10 == 0 => write!(f, "{}.{}%", h / 100, h % 100 / 10),
            Amount::Percent(h) => write!(f, "{}.{:02}%", h / 100, h % 100),
            Amount::Count(n) => write!(f, "{n}"),
            Amount::Names(names) => f.write_str(&names.join("+")),
            Amount::All => f.write_str("all"),
            Amount::ServiceAt(service, node) => write!(f, "{}@{node}", service.plan_name()),
        }
    }
}

/// One item of a spec.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FaultItem {
    /// What breaks.
    pub kind: FaultKind,
    /// How much.
    pub amount: Amount,
    /// The delay of a `slow` fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// A parsed fault specification.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FaultSpec {
    /// The items, in the order given.
    pub items: Vec<FaultItem>,
    /// Node and cluster faults for the preflight checks (`KIND=TARGET[:VALUE]`), in the
    /// order given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckFault>,
}

/// The default delay of a `slow` phone.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_millis(1500);

/// Why a fault specification does not parse; names the item.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("fault spec item {item:?}: {reason}")]
pub struct FaultSpecError {
    /// The offending item as written.
    pub item: String,
    /// What is wrong with it.
    pub reason: FaultSpecErrorKind,
}

/// What is wrong with a fault item.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FaultSpecErrorKind {
    /// The item has no `=`.
    #[error("expected KIND=AMOUNT")]
    MissingValue,
    /// The item is empty (two commas in a row, trailing comma).
    #[error("empty item")]
    Empty,
    /// The kind is not one of the known faults.
    #[error("unknown fault {0:?} (known: {known})", known = known_kinds())]
    UnknownKind(String),
    /// The percentage is not a number with at most two decimals.
    #[error("{0:?} is not a percentage like 2% or 0.5%")]
    BadPercent(String),
    /// The percentage is above 100.
    #[error("percentage above 100%")]
    PercentOutOfRange,
    /// The amount is neither a percentage, a count nor names.
    #[error("{0:?} is not a percentage, a count or device names")]
    BadAmount(String),
    /// A phone name is not `SEP` and 12 hex digits.
    #[error("{0:?} is not a phone name (SEP and 12 hex digits)")]
    BadPhoneName(String),
    /// A node fault was given a percentage or a count.
    #[error("a node fault takes node names or `all`, not {0:?}")]
    NodeFaultNeedsNames(String),
    /// The delay is malformed, or given to a fault other than `slow`.
    #[error("bad delay {0:?} (only `slow` takes one, as 500ms or 2s)")]
    BadDelay(String),
    /// The same kind appears twice.
    #[error("fault given twice")]
    Duplicate,
    /// A node or cluster fault's target or value is malformed.
    #[error("{0}")]
    BadTarget(String),
    /// The percentages of phone faults add up to more than 100 %.
    #[error("phone fault percentages add up to more than 100%")]
    TotalOver100,
}

fn known_kinds() -> String {
    FaultKind::ALL
        .iter()
        .map(|k| k.name())
        .chain(super::checks::CHECK_FAULT_KINDS)
        .collect::<Vec<_>>()
        .join(", ")
}

impl FaultSpec {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses a spec; the empty string is no fault.
    pub fn parse(text: &str) -> Result<Self, FaultSpecError> {
        let mut items: Vec<FaultItem> = Vec::new();
        let mut checks: Vec<CheckFault> = Vec::new();
        let text = text.trim();
        if text.is_empty() {
            return Ok(Self::none());
        }
        for raw in text.split(',') {
            let raw_item = raw.trim();
            let err = |reason| FaultSpecError {
                item: raw_item.to_owned(),
                reason,
            };
            if raw_item.is_empty() {
                return Err(err(FaultSpecErrorKind::Empty));
            }
            let (kind, value) = raw_item
                .split_once('=')
                .ok_or(err(FaultSpecErrorKind::MissingValue))?;
            let kind_name = kind.trim().to_ascii_lowercase();
            if let Some(fault) = CheckFault::parse(&kind_name, value) {
                checks.push(fault.map_err(|e| err(FaultSpecErrorKind::BadTarget(e)))?);
                continue;
            }
            let kind = FaultKind::from_name(&kind_name)
                .ok_or_else(|| err(FaultSpecErrorKind::UnknownKind(kind_name.clone())))?;
            if kind == FaultKind::RestartFails {
                let amount = parse_service_at(value).map_err(err)?;
                if items.iter().any(|i| i.amount == amount) {
                    return Err(err(FaultSpecErrorKind::Duplicate));
                }
                items.push(FaultItem {
                    kind,
                    amount,
                    delay_ms: None,
                });
                continue;
            }
            if items.iter().any(|i| i.kind == kind) {
                return Err(err(FaultSpecErrorKind::Duplicate));
            }
            let (value, delay) = match value.split_once('@') {
                Some((v, d)) => (v.trim(), Some(d.trim())),
                None => (value.trim(), None),
            };
            let delay_ms = match delay {
                None => None,
                Some(d) if kind == FaultKind::Slow => Some(
                    parse_delay(d).ok_or_else(|| err(FaultSpecErrorKind::BadDelay(d.into())))?,
                ),
                Some(d) => return Err(err(FaultSpecErrorKind::BadDelay(d.into()))),
            };
            let amount = parse_amount(kind, value).map_err(err)?;
            items.push(FaultItem {
                kind,
                amount,
                delay_ms,
            });
        }
        let total: u32 = items
            .iter()
            .filter_map(|i| match i.amount {
                Amount::Percent(h) => Some(h),
                _ => None,
            })
            .sum();
        if total > 10_000 {
            return Err(FaultSpecError {
                item: text.to_owned(),
                reason: FaultSpecErrorKind::TotalOver100,
            });
        }
        Ok(Self { items, checks })
    }

    /// The item for `kind`, if given.
    pub fn get(&self, kind: FaultKind) -> Option<&FaultItem> {
        self.items.iter().find(|i| i.kind == kind)
    }

    /// The `(service, node)` pairs of every `restart-fails` item.
    pub fn restart_fails(&self) -> Vec<(Service, NodeTarget)> {
        self.items
            .iter()
            .filter_map(|i| match &i.amount {
                Amount::ServiceAt(s, n) if i.kind == FaultKind::RestartFails => {
                    Some((*s, n.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// Whether no fault is given.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.checks.is_empty()
    }
}

impl std::str::FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}={}", item.kind, item.amount)?;
            if let Some(ms) = item.delay_ms {
                write!(f, "@{ms}ms")?;
            }
        }
        for (i, fault) in self.checks.iter().enumerate() {
            if i > 0 || !self.items.is_empty() {
                f.write_str(",")?;
            }
            write!(f, "{fault}")?;
        }
        Ok(())
    }
}

/// `<service>@<node>` of `restart-fails` (service by any spelling `Service::parse` reads).
fn parse_service_at(value: &str) -> Result<Amount, FaultSpecErrorKind> {
    let bad = || {
        FaultSpecErrorKind::BadTarget(format!(
            "expected restart-fails=<service>@<node>, not {value:?} (services: {})",
            Service::plan_names()
        ))
    };
    let (service, node) = value.trim().rsplit_once('@').ok_or_else(bad)?;
    let service = Service::parse(service).ok_or_else(bad)?;
    let node = node.trim();
    let target = if node.eq_ignore_ascii_case("all") {
        NodeTarget::All
    } else if !node.is_empty() && is_host_name(node) {
        NodeTarget::Node(node.to_owned())
    } else {
        return Err(bad());
    };
    Ok(Amount::ServiceAt(service, target))
}

fn parse_amount(kind: FaultKind, value: &str) -> Result<Amount, FaultSpecErrorKind> {
    if value.is_empty() {
        return Err(FaultSpecErrorKind::MissingValue);
    }
    if kind.is_node_fault() {
        if value.eq_ignore_ascii_case("all") {
            return Ok(Amount::All);
        }
        let looks_numeric = value
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '%');
        if looks_numeric {
            return Err(FaultSpecErrorKind::NodeFaultNeedsNames(value.into()));
        }
        let names: Vec<String> = value.split('+').map(|s| s.trim().to_owned()).collect();
        if names.iter().any(|n| n.is_empty() || !is_host_name(n)) {
            return Err(FaultSpecErrorKind::BadAmount(value.into()));
        }
        return Ok(Amount::Names(names));
    }
    if let Some(pct) = value.strip_suffix('%') {
        let hundredths =
            parse_hundredths(pct).ok_or_else(|| FaultSpecErrorKind::BadPercent(value.into()))?;
        if hundredths > 10_000 {
            return Err(FaultSpecErrorKind::PercentOutOfRange);
        }
        return Ok(Amount::Percent(hundredths));
    }
    if value.chars().all(|c| c.is_ascii_digit()) {
        return value
            .parse()
            .map(Amount::Count)
            .map_err(|_| FaultSpecErrorKind::BadAmount(value.into()));
    }
    if value.len() >= 3 && value[..3].eq_ignore_ascii_case("SEP") {
        let mut names = Vec::new();
        for name in value.split('+') {
            let name = name.trim();
            let ok = name.len() == 15
                && name[..3].eq_ignore_ascii_case("SEP")
                && name[3..].chars().all(|c| c.is_ascii_hexdigit());
            if !ok {
                return Err(FaultSpecErrorKind::BadPhoneName(name.into()));
            }
            names.push(format!("SEP{}", name[3..].to_ascii_uppercase()));
        }
        return Ok(Amount::Names(names));
    }
    Err(FaultSpecErrorKind::BadAmount(value.into()))
}

fn is_host_name(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
}

/// `2` → 200, `0.5` → 50, `1.25` → 125; more than two decimals or junk → None.
fn parse_hundredths(text: &str) -> Option<u32> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || int.len() > 3
    {
        return None;
    }
    let int: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(int * 100 + frac)
}

fn parse_delay(text: &str) -> Option<u64> {
    let (digits, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1000)
    } else {
        return None;
    };
    let n: u64 = digits.parse().ok()?;
    let ms = n.checked_mul(scale)?;
    (ms <= 600_000).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let spec = FaultSpec::parse(
            "unreachable=2%,slow=1%,garbage=1%,oversized=0.5%,web-off=3%,stale-itl=2%,\
             foreign-itl=0.5%,update-failed=1%,powered-off=2%",
        )
        .expect("parses");
        assert_eq!(spec.items.len(), 9);
        assert_eq!(
            spec.get(FaultKind::Oversized).map(|i| &i.amount),
            Some(&Amount::Percent(50))
        );
        let again = FaultSpec::parse(&spec.to_string()).expect("round trip");
        assert_eq!(again, spec);
    }

    #[test]
    fn rejects_bad_items_naming_them() {
        let e = FaultSpec::parse("slow=1%,frobnicate=2%").expect_err("unknown kind");
        assert_eq!(e.item, "frobnicate=2%");
        assert!(matches!(e.reason, FaultSpecErrorKind::UnknownKind(_)));
        let e = FaultSpec::parse("slow=1.234%").expect_err("three decimals");
        assert!(matches!(e.reason, FaultSpecErrorKind::BadPercent(_)));
        let e = FaultSpec::parse("garbage=101%").expect_err("over 100");
        assert_eq!(e.reason, FaultSpecErrorKind::PercentOutOfRange);
        let e = FaultSpec::parse("tftp-down=5%").expect_err("node fault needs names");
        assert!(matches!(
            e.reason,
            FaultSpecErrorKind::NodeFaultNeedsNames(_)
        ));
        let e = FaultSpec::parse("garbage=1%@2s").expect_err("delay on garbage");
        assert!(matches!(e.reason, FaultSpecErrorKind::BadDelay(_)));
        let e = FaultSpec::parse("web-off=SEP12").expect_err("short name");
        assert!(matches!(e.reason, FaultSpecErrorKind::BadPhoneName(_)));
        let e = FaultSpec::parse("slow=1%,,garbage=1%").expect_err("empty");
        assert_eq!(e.reason, FaultSpecErrorKind::Empty);
        let e = FaultSpec::parse("slow=1%,slow=2%").expect_err("duplicate");
        assert_eq!(e.reason, FaultSpecErrorKind::Duplicate);
        let e = FaultSpec::parse("slow=60%,garbage=50%").expect_err("over 100 in total");
        assert_eq!(e.reason, FaultSpecErrorKind::TotalOver100);
    }

    #[test]
    fn restart_fails_and_phones_stay_down() {
        let spec = FaultSpec::parse(
            "restart-fails=TFTP@ucm-sub1,restart-fails=Cisco CallManager@all,phones-stay-down=5%",
        )
        .expect("parses");
        assert_eq!(
            spec.restart_fails(),
            vec![
                (Service::Tftp, NodeTarget::Node("ucm-sub1".into())),
                (Service::CallManager, NodeTarget::All)
            ]
        );
        assert_eq!(
            spec.get(FaultKind::PhonesStayDown).map(|i| &i.amount),
            Some(&Amount::Percent(500))
        );
        assert_eq!(
            spec.to_string(),
            "restart-fails=TFTP@ucm-sub1,restart-fails=CallManager@all,phones-stay-down=5%"
        );
        assert_eq!(FaultSpec::parse(&spec.to_string()), Ok(spec));
        for bad in [
            "restart-fails=TFTP",
            "restart-fails=Frobnicator@ucm-pub",
            "restart-fails=TFTP@",
            "restart-fails=TFTP@ucm pub",
            "restart-fails=5%",
        ] {
            let e = FaultSpec::parse(bad).expect_err(bad);
            assert!(
                matches!(e.reason, FaultSpecErrorKind::BadTarget(_)),
                "{bad}"
            );
        }
        let e = FaultSpec::parse("restart-fails=TFTP@a,restart-fails=tftp@a").expect_err("twice");
        assert_eq!(e.reason, FaultSpecErrorKind::Duplicate);
        let e = FaultSpec::parse("phones-stay-down=ucm-pub").expect_err("names a node");
        assert!(matches!(e.reason, FaultSpecErrorKind::BadAmount(_)));
        let e = FaultSpec::parse("phones-stay-down=101%").expect_err("over 100");
        assert_eq!(e.reason, FaultSpecErrorKind::PercentOutOfRange);
    }

    #[test]
    fn accepts_counts_names_delays_and_node_faults() {
        let spec = FaultSpec::parse(
            "slow=3@250ms,web-off=sep0011223344aa+SEP0011223344BB,tftp-down=ucm-sub1,\
             risport-throttle=all",
        )
        .expect("parses");
        assert_eq!(spec.items[0].amount, Amount::Count(3));
        assert_eq!(spec.items[0].delay_ms, Some(250));
        assert_eq!(
            spec.items[1].amount,
            Amount::Names(vec!["SEP0011223344AA".into(), "SEP0011223344BB".into()])
        );
        assert_eq!(spec.items[2].amount, Amount::Names(vec!["ucm-sub1".into()]));
        assert_eq!(spec.items[3].amount, Amount::All);
        assert!(FaultSpec::parse("").expect("empty").is_empty());
    }
}
