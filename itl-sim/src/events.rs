//! The change log `itl sim serve --events FILE` writes: one JSON line per change the
//! simulator applies, flushed as it happens, so a test can prove that a dry run changed
//! nothing and that no step ran twice.
//!
//! ```text
//! {"seq":1,"time":"2025-06-01T12:00:03.120Z","kind":"cert-regenerated","node":"ucm-pub","unit":"CallManager","service":null,"detail":"serial 5d0b…"}
//! ```
//!
//! | kind | emitted when | node | unit | service | detail |
//! |---|---|---|---|---|---|
//! | `cert-regenerated` | `set cert regen <unit>` applied | the node | the unit | — | `serial <hex>` of the new certificate |
//! | `service-restarted` | a restart ended `Started` (Control Center, CLI, a 14+ automatic TVS restart), or `utils ipsec restart` ended | the node | — | the service (null for IPsec) | `IPsec` for `utils ipsec restart`, else null |
//! | `service-stopped` | a stop ended (`Commanded Out of Service`), or a restart or start ended `Stopped` (fault `restart-fails`) | the node | — | the service | null, or `restart failed` / `start failed` |
//! | `service-started` | a start of a stopped service ended `Started` | the node | — | the service | null |
//! | `list-rebuilt` | a TFTP node's ITL was rebuilt (TFTP restart, 14+ automatic interaction, rollback parameter, `utils itl reset localkey`) | the TFTP node | — | — | `ITL` or `ITL (local key)` |
//! | `ctl-updated` | `utils ctl update CTLFile` wrote a new CTL | the publisher | — | — | `CTL` |
//! | `localkey-reset` | `utils itl reset localkey` / `utils ctl reset localkey` | the publisher | — | — | `ITL` or `CTL` |
//! | `phones-reset` | one reset request (AXL phone or pool, a 14+ automatic reset, a power-on) | null | — | — | `<kind> <n> phones` (`Reset 25 phones`) |
//! | `lsc-issued` | CAPF issued an LSC to a phone (an `updatePhone` Install/Upgrade followed by the phone's reset) | the publisher | `CAPF` | — | the phone's device name |
//! | `trust-cert-deleted` | `set cert delete <store> <file>` (or the model call) removed a trust certificate | the node | the unit whose store it was (`CallManager` for `CallManager-trust`…; null for `Phone-SAST-trust`) | — | `<store>/<file>` |
//! | `backup-taken` | a DRS backup completed | the publisher | — | — | the tar file name |
//!
//! Read-only requests (show commands, SQL selects, RisPort, Control Center status, phone
//! pages, TFTP) never write an event. Phones registering again after a reset are not
//! changes the administrator applied and write none either.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use itl_core::cucm::{CertUnit, Service};

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A certificate was regenerated.
    CertRegenerated,
    /// A service restart ended `Started`.
    ServiceRestarted,
    /// A service ended stopped.
    ServiceStopped,
    /// A stopped service was started.
    ServiceStarted,
    /// A TFTP node's ITL was rebuilt.
    ListRebuilt,
    /// The CTL was updated.
    CtlUpdated,
    /// The ITLs or the CTL were reset to the local key.
    LocalkeyReset,
    /// Phones were reset, restarted or booted.
    PhonesReset,
    /// CAPF issued an LSC to a phone.
    LscIssued,
    /// A trust certificate was deleted from a node's trust store.
    TrustCertDeleted,
    /// A DRS backup completed.
    BackupTaken,
}

impl EventKind {
    /// The kebab-case name written in the file (`cert-regenerated`...).
    pub fn name(self) -> &'static str {
        match self {
            EventKind::CertRegenerated => "cert-regenerated",
            EventKind::ServiceRestarted => "service-restarted",
            EventKind::ServiceStopped => "service-stopped",
            EventKind::ServiceStarted => "service-started",
            EventKind::ListRebuilt => "list-rebuilt",
            EventKind::CtlUpdated => "ctl-updated",
            EventKind::LocalkeyReset => "localkey-reset",
            EventKind::PhonesReset => "phones-reset",
            EventKind::LscIssued => "lsc-issued",
            EventKind::TrustCertDeleted => "trust-cert-deleted",
            EventKind::BackupTaken => "backup-taken",
        }
    }
}

itl_core::named!(EventKind, name);

/// A change the model applied (an [`Event`] without its sequence number and time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: EventKind,
    /// The node, when one applies.
    pub node: Option<String>,
    /// The certificate unit, when one applies.
    pub unit: Option<CertUnit>,
    /// The service, when one applies.
    pub service: Option<Service>,
    /// Free text (a serial, a file, a count).
    pub detail: Option<String>,
}

impl Change {
    /// A change of `kind` with every other field null.
    pub fn new(kind: EventKind) -> Self {
        Self {
            kind,
            node: None,
            unit: None,
            service: None,
            detail: None,
        }
    }

    /// Names the node.
    pub fn node(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }

    /// Names the unit.
    pub fn unit(mut self, unit: CertUnit) -> Self {
        self.unit = Some(unit);
        self
    }

    /// Names the service.
    pub fn service(mut self, service: Service) -> Self {
        self.service = Some(service);
        self
    }

    /// Adds the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// One line of the events file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// 1, 2, 3… in the order the changes were applied.
    pub seq: u64,
    /// The simulator's wall clock when the change was written (RFC 3339, UTC, milliseconds).
    pub time: String,
    /// What changed.
    pub kind: EventKind,
    /// The node, or null.
    pub node: Option<String>,
    /// The certificate unit, or null.
    pub unit: Option<CertUnit>,
    /// The service (plan name, `TFTP`), or null.
    pub service: Option<Service>,
    /// Free text, or null.
    pub detail: Option<String>,
}

/// Where events go: a file, one JSON line each, flushed per line.
#[derive(Debug)]
pub struct EventLog {
    inner: Mutex<LogState>,
}

#[derive(Debug)]
struct LogState {
    file: std::fs::File,
    seq: u64,
}

/// The events file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("events file {path}: {source}")]
pub struct EventLogError {
    /// The file.
    pub path: String,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

impl EventLog {
    /// Creates (truncates) `path`.
    pub fn create(path: &Path) -> Result<Self, EventLogError> {
        let file = std::fs::File::create(path).map_err(|source| EventLogError {
            path: path.display().to_string(),
            source,
        })?;
        Ok(Self {
            inner: Mutex::new(LogState { file, seq: 0 }),
        })
    }

    /// Writes `changes` in order, each as one flushed line. A write error is logged and
    /// dropped: the simulation goes on.
    pub fn record(&self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let mut state = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        for change in changes {
            state.seq += 1;
            let event = Event {
                seq: state.seq,
                time: rfc3339_now(),
                kind: change.kind,
                node: change.node,
                unit: change.unit,
                service: change.service,
                detail: change.detail,
            };
            let line = match serde_json::to_string(&event) {
                Ok(line) => line,
                Err(e) => {
                    tracing::warn!("cannot serialise event {}: {e}", event.seq);
                    continue;
                }
            };
            let written = writeln!(state.file, "{line}").and_then(|()| state.file.flush());
            if let Err(e) = written {
                tracing::warn!("cannot write event {}: {e}", event.seq);
            }
        }
    }
}

/// Parses an events file (one [`Event`] per non-empty line).
pub fn parse_events(text: &str) -> Result<Vec<Event>, serde_json::Error> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect()
}

/// The wall clock as RFC 3339 UTC with milliseconds (`2025-06-01T12:00:03.120Z`).
pub fn rfc3339_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let base = itl_core::UnixTime::from_secs(secs).to_rfc3339();
    match base.strip_suffix('Z') {
        Some(stem) => format!("{stem}.{:03}Z", now.subsec_millis()),
        None => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_every_field_and_null_for_the_others() {
        let dir = std::env::temp_dir().join(format!("itl-sim-events-{}", std::process::id()));
        let log = EventLog::create(&dir).expect("create");
        log.record(vec![
            Change::new(EventKind::CertRegenerated)
                .node("ucm-pub")
                .unit(CertUnit::CallManager)
                .detail("serial 01"),
            Change::new(EventKind::ServiceRestarted)
                .node("ucm-pub")
                .service(Service::Tftp),
        ]);
        let text = std::fs::read_to_string(&dir).expect("read");
        let _ = std::fs::remove_file(&dir);
        let first = text.lines().next().expect("a line");
        let value: serde_json::Value = serde_json::from_str(first).expect("json");
        assert_eq!(value["seq"], 1);
        assert_eq!(value["kind"], "cert-regenerated");
        assert_eq!(value["unit"], "CallManager");
        assert_eq!(value["service"], serde_json::Value::Null);
        assert!(
            value["time"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') && t.len() == 24)
        );
        let events = parse_events(&text).expect("parse");
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].seq, 2);
        assert_eq!(events[1].service, Some(Service::Tftp));
        assert_eq!(events[1].node.as_deref(), Some("ucm-pub"));
        assert!(parse_events("{\"seq\":1}").is_err());
        assert!(parse_events("not json").is_err());
    }
}
