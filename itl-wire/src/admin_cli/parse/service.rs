//! `utils service list` and `utils service restart <name>` (`cucm-interfaces.md` §6.2,
//! §6.5).
//!
//! ```text
//! Requesting service status, please wait...
//! Service Manager is running
//! Getting list of all services
//! >> Return code = 0
//! Cisco Tftp[STARTED]
//! Cisco CTL Provider[STOPPED]  Service Not Activated
//! Cisco DRF Local[ STOPPED ]  Component is not running
//! ```
//!
//! Grammar of a service line: `<name>[<STATUS>]<reason>` where spaces inside the brackets
//! vary and the reason (after the `]`) is optional. `>> Return code = N` is read; the known
//! preamble lines and any other bracket-less line are kept in `other` (real nodes print
//! extra status lines), never an error. A list without any service line is an error.
//!
//! `utils service restart`: `<name>[STARTED]` means started; only `<name>[STARTING]` means
//! the restart was *initiated* (subscribers give the prompt back early, §6.5): confirm with
//! `utils service list` or Control Center. A `<name>[STOPPED]` line after `[STARTING]` (the
//! service did not come up; inferred, as the simulator's `restart-fails` prints it) is an
//! error.
//!
//! `utils service stop|start <name>` (inferred: same line forms): [`parse_service_state`]
//! reads the state of the last `<name>[…]` line (`[STOPPED]  Commanded Out of Service` after a
//! stop, `[STARTED]` after a start).

use itl_core::cucm::{Service, ServiceStatus};

use super::{Line, ParseError, body, has};

const WHAT_LIST: &str = "utils service list";
const WHAT_RESTART: &str = "utils service restart";

/// The state a `<name>[<STATUS>]<reason>` line says: the bracket word, and for `STOPPED` the
/// reason (`Service Not Activated`, `Commanded Out of Service` are intentional states).
pub fn status_of(bracket: &str, reason: Option<&str>) -> ServiceStatus {
    let folded = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase()
    };
    match folded(bracket).as_str() {
        "started" => ServiceStatus::Started,
        "starting" => ServiceStatus::Starting,
        "stopping" => ServiceStatus::Stopping,
        "stopped" => match reason.map(folded).as_deref() {
            Some("service not activated") => ServiceStatus::NotActivated,
            Some("commanded out of service") => ServiceStatus::CommandedOutOfService,
            _ => ServiceStatus::Stopped,
        },
        _ => ServiceStatus::Unknown,
    }
}

/// One service line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEntry {
    /// The service name (`Cisco Tftp`).
    pub name: String,
    /// Its state.
    pub status: ServiceStatus,
    /// The word inside the brackets, as printed (`STARTED`, ` STOPPED `...).
    pub status_text: String,
    /// The text after the brackets (`Service Not Activated`), when any.
    pub reason: Option<String>,
}

impl ServiceEntry {
    /// The service this line names, if `itl` knows it.
    pub fn service(&self) -> Option<Service> {
        Service::parse(&self.name)
    }
}

/// The parsed `utils service list`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ServiceList {
    /// Services in printed order.
    pub services: Vec<ServiceEntry>,
    /// `>> Return code = N`, when printed.
    pub return_code: Option<i64>,
    /// Other non-empty lines (preamble, notes), in order.
    pub other: Vec<String>,
}

impl ServiceList {
    /// A service by name (case-insensitive, spaces squashed).
    pub fn get(&self, name: &str) -> Option<&ServiceEntry> {
        let wanted = super::super::recognise::squash(name);
        self.services
            .iter()
            .find(|s| super::super::recognise::squash(&s.name) == wanted)
    }
}

/// Splits `<name>[<status>]<reason>`; `None` if the line has no bracket pair after a name.
pub fn service_line(text: &str) -> Option<ServiceEntry> {
    let open = text.find('[')?;
    let close = open + text.get(open..)?.find(']')?;
    let name = text.get(..open)?.trim();
    let status = text.get(open + 1..close)?.trim();
    if name.is_empty() || status.is_empty() || status.contains('[') {
        return None;
    }
    let reason = text.get(close + 1..)?.trim();
    let reason = (!reason.is_empty()).then(|| reason.to_owned());
    Some(ServiceEntry {
        name: name.split_whitespace().collect::<Vec<_>>().join(" "),
        status: status_of(status, reason.as_deref()),
        status_text: status.to_owned(),
        reason,
    })
}

/// Parses `utils service list`.
pub fn parse_list(text: &str) -> Result<ServiceList, ParseError> {
    let mut out = ServiceList::default();
    for line in body(text) {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix(">>") {
            if has(rest, "return code") {
                out.return_code = rest.rsplit('=').next().and_then(|n| n.trim().parse().ok());
                if out.return_code.is_none() {
                    return Err(ParseError::at(WHAT_LIST, &line, "unreadable return code"));
                }
            }
            continue;
        }
        match service_line(t) {
            Some(entry) => out.services.push(entry),
            None if t.contains('[') => {
                return Err(ParseError::at(
                    WHAT_LIST,
                    &line,
                    "expected '<name>[<STATUS>]'",
                ));
            }
            None => out.other.push(t.to_owned()),
        }
    }
    if out.services.is_empty() {
        return Err(ParseError::missing(WHAT_LIST, "no '<name>[<STATUS>]' line"));
    }
    Ok(out)
}

/// How a restart ended when the prompt came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartOutcome {
    /// `<name>[STARTED]` was printed.
    Started,
    /// Only `<name>[STARTING]`: the restart was initiated; confirm later.
    Initiated,
}

/// Parses `utils service restart <name>` output for the service `name`.
pub fn parse_restart(text: &str, name: &str) -> Result<RestartOutcome, ParseError> {
    let wanted = super::super::recognise::squash(name);
    let mut starting = false;
    let mut last: Option<Line<'_>> = None;
    for line in body(text) {
        if line.text.trim().is_empty() {
            continue;
        }
        last = Some(line);
        let Some(entry) = service_line(line.text) else {
            continue;
        };
        if super::super::recognise::squash(&entry.name) != wanted {
            continue;
        }
        match entry.status {
            ServiceStatus::Started => return Ok(RestartOutcome::Started),
            ServiceStatus::Starting => starting = true,
            ServiceStatus::Stopped if starting => {
                return Err(ParseError::at(
                    WHAT_RESTART,
                    &line,
                    format!("{name} stopped after [STARTING]: the restart failed"),
                ));
            }
            _ => {}
        }
    }
    if starting {
        return Ok(RestartOutcome::Initiated);
    }
    let reason = format!("no '{name}[STARTED]' or '{name}[STARTING]' line");
    Err(match last {
        Some(line) => ParseError::at(WHAT_RESTART, &line, reason),
        None => ParseError::missing(WHAT_RESTART, reason),
    })
}

/// Parses `utils service stop|start <name>` output (inferred): the state the last
/// `<name>[<STATUS>]` line for `name` says.
pub fn parse_service_state(text: &str, name: &str) -> Result<ServiceStatus, ParseError> {
    const WHAT: &str = "utils service stop|start";
    let wanted = super::super::recognise::squash(name);
    let mut state = None;
    for line in body(text) {
        if let Some(entry) = service_line(line.text)
            && super::super::recognise::squash(&entry.name) == wanted
        {
            state = Some(entry.status);
        }
    }
    state.ok_or_else(|| ParseError::missing(WHAT, format!("no '{name}[<STATUS>]' line")))
}
