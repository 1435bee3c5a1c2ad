//! The sweep report: one serde schema, written as JSON (`--json`) and read back by `itl diff`,
//! `itl predict` and `itl plan`. How it is shown (terminal tables, CSV, HTML) is the CLI's
//! business; this module holds the data only.
//!
//! JSON (schema 2; reports of schema 1 are read too, see [`SweepReport::from_json`]):
//!
//! ```text
//! {
//!   "schema": 2,
//!   "tool": "itl 0.1.0",
//!   "started": "2025-06-01T12:00:00Z", "finished": "2025-06-01T12:03:10Z",
//!   "complete": true,                      // false when interrupted (Ctrl-C)
//!   "cluster": {"name": "sim", "source": "cluster-file", "security_mode": "non-secure"},
//!   "references": [{"node": "ucm-pub", "server": "http://127.0.1.1:6970",
//!                   "itl": LIST | null, "ctl": LIST | null, "error": null}],
//!   "summary": {"total": 3, "ok": 2, "problems": 1, "unread": 0,
//!               "by_state": {"ok": 2, "stale-itl": 1, ...}},
//!   "phones": [{"name", "address", "model", "device_pool", "tftp_server", "state", "evidence"}],
//!   "warnings": []
//! }
//! LIST = {"name", "size", "md5", "sha1", "sha256", "signer", "records", "signature_valid", "findings"}
//! ```
//!
//! `by_state` lists every state, zeros included, in [`PhoneState::ALL`] order.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::classify::Evidence;
use itl_core::cucm::{ClusterSecurityMode, DeviceSecurityMode, PhoneState};

/// The schema version written in every report.
pub const SCHEMA_VERSION: u32 = 2;

/// One phone's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneRecord {
    /// Device name (`SEP…`).
    pub name: String,
    /// Where its web pages were read (`ip` or `ip:port`).
    pub address: Option<String>,
    /// Model (`Cisco 8841`).
    pub model: Option<String>,
    /// Device pool.
    pub device_pool: Option<String>,
    /// The TFTP server its state was judged against.
    pub tftp_server: Option<String>,
    /// Security profile (AXL discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_profile: Option<String>,
    /// Its device security mode (AXL discovery): `Non Secure`, `Authenticated`, `Encrypted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_mode: Option<DeviceSecurityMode>,
    /// The state.
    pub state: PhoneState,
    /// Why.
    pub evidence: Evidence,
}

/// Facts about a served list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFacts {
    /// Served name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// SIGNER_NAME of the header.
    pub signer: Option<String>,
    /// Records in the list.
    pub records: usize,
    /// Whether the signature verifies (`None`: the file does not parse).
    pub signature_valid: Option<bool>,
    /// Codes of the verification findings (errors and warnings).
    pub findings: Vec<String>,
}

/// What one TFTP node serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceFacts {
    /// Node name.
    pub node: String,
    /// The server asked (`http://host:6970`, `tftp://host:69`).
    pub server: String,
    /// The ITL served.
    pub itl: Option<ListFacts>,
    /// The CTL served (`null` in non-secure mode).
    pub ctl: Option<ListFacts>,
    /// Why a list is missing.
    pub error: Option<String>,
}

/// The cluster swept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterFacts {
    /// Cluster name (from the cluster file).
    pub name: Option<String>,
    /// `cluster-file` (AXL + RisPort) or `inventory` (CSV).
    pub source: String,
    /// `mixed` or `non-secure` (AXL, else whether a CTL is served).
    pub security_mode: Option<ClusterSecurityMode>,
}

/// Phones per state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Phones in the report.
    pub total: usize,
    /// Phones `ok`.
    pub ok: usize,
    /// Phones in a `problem` state (see [`PhoneState::class`]).
    pub problems: usize,
    /// Phones whose state could not be read (class `unread`); absent in schema 1.
    #[serde(default)]
    pub unread: usize,
    /// Count per state, every state listed.
    pub by_state: BTreeMap<PhoneState, usize>,
}

impl Summary {
    /// `ok 1830, unknown-itl 52, …`: the states some phone is in, in state order.
    pub fn states_line(&self) -> String {
        self.by_state
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Counts `phones`.
    pub fn of(phones: &[PhoneRecord]) -> Self {
        let mut by_state: BTreeMap<PhoneState, usize> =
            PhoneState::ALL.iter().map(|s| (*s, 0)).collect();
        for p in phones {
            *by_state.entry(p.state).or_default() += 1;
        }
        let ok = by_state.get(&PhoneState::Ok).copied().unwrap_or(0);
        let count = |f: fn(PhoneState) -> bool| phones.iter().filter(|p| f(p.state)).count();
        Self {
            total: phones.len(),
            ok,
            problems: count(PhoneState::is_problem),
            unread: count(PhoneState::is_unread),
            by_state,
        }
    }
}

/// A whole sweep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The tool and its version.
    pub tool: String,
    /// Start, RFC 3339 UTC.
    pub started: String,
    /// End, RFC 3339 UTC.
    pub finished: String,
    /// False when the sweep was interrupted (unvisited phones are `not-scanned`).
    pub complete: bool,
    /// The cluster.
    pub cluster: ClusterFacts,
    /// What each TFTP node serves.
    pub references: Vec<ReferenceFacts>,
    /// Counts.
    pub summary: Summary,
    /// One record per phone of the inventory, in inventory order.
    pub phones: Vec<PhoneRecord>,
    /// Problems of the sweep itself (archive writes, discovery gaps).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A report that could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// File I/O.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// JSON (de)serialisation.
    #[error("{what}: {source}")]
    Json {
        /// What was being read or written.
        what: String,
        /// The error.
        #[source]
        source: serde_json::Error,
    },
    /// A report of another schema version.
    #[error("{what}: report schema {found} is not supported (expected {SCHEMA_VERSION})")]
    Schema {
        /// The file.
        what: String,
        /// Its schema.
        found: u32,
    },
}

impl SweepReport {
    /// Pretty JSON.
    pub fn to_json(&self) -> Result<String, ReportError> {
        serde_json::to_string_pretty(self).map_err(|source| ReportError::Json {
            what: "report".into(),
            source,
        })
    }

    /// Reads a report (`what` names it in errors). Schema 1 (before the `unread` class) is
    /// read too: its summary is counted again by today's classes, its states kept as written
    /// (its `foreign-itl` meant any hash the archive did not know). Other versions are
    /// refused.
    pub fn from_json(bytes: &[u8], what: &str) -> Result<Self, ReportError> {
        let mut report: Self =
            serde_json::from_slice(bytes).map_err(|source| ReportError::Json {
                what: what.to_owned(),
                source,
            })?;
        match report.schema {
            SCHEMA_VERSION => {}
            1 => report.summary = Summary::of(&report.phones),
            found => {
                return Err(ReportError::Schema {
                    what: what.to_owned(),
                    found,
                });
            }
        }
        Ok(report)
    }

    /// Reads a report file.
    pub fn load(path: &std::path::Path) -> Result<Self, ReportError> {
        let bytes = std::fs::read(path).map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&bytes, &path.display().to_string())
    }

    /// Whether no phone is in a `problem` state (phones whose state could not be read do not
    /// count).
    pub fn no_problems(&self) -> bool {
        self.phones.iter().all(|p| !p.state.is_problem())
    }

    /// Whether every phone is `ok`: no problem, and every state read.
    pub fn all_ok(&self) -> bool {
        self.phones.iter().all(|p| p.state == PhoneState::Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::fixtures::{archived_itl, record, report, stale};

    #[test]
    fn json_shape_is_exact() {
        let mut stale = stale("SEP000000000002");
        stale.evidence.archived = Some(archived_itl("2", "ucm-pub", "2025-05-01T00:00:00Z"));
        stale.evidence.tftp_server = Some("127.0.1.1".into());
        let mut bare = record("SEP000000000003", PhoneState::Unreachable);
        bare.model = None;
        bare.device_pool = None;
        bare.evidence.error = Some("timeout".into());
        let r = report(vec![record("SEP000000000001", PhoneState::Ok), stale, bare]);
        let value: serde_json::Value =
            serde_json::from_str(&r.to_json().expect("json")).expect("parse");
        let a32 = "a".repeat(32);
        assert_eq!(
            value,
            serde_json::json!({
                "schema": 2,
                "tool": "itl 0.1.0",
                "started": "2025-06-01T12:00:00Z",
                "finished": "2025-06-01T12:01:00Z",
                "complete": true,
                "cluster": {"name": "sim", "source": "inventory", "security_mode": "non-secure"},
                "references": [{
                    "node": "ucm-pub",
                    "server": "http://127.0.1.1:6970",
                    "itl": {
                        "name": "ITLFile.tlv", "size": 5, "md5": a32, "sha1": "b".repeat(40),
                        "sha256": "c".repeat(64), "signer": "CN=ITLRECOVERY_ucm-pub", "records": 3,
                        "signature_valid": true, "findings": []
                    },
                    "ctl": null,
                    "error": null
                }],
                "summary": {
                    "total": 3, "ok": 1, "problems": 1, "unread": 1,
                    "by_state": {
                        "ok": 1, "unknown-itl": 0, "stale-itl": 1, "foreign-itl": 0,
                        "update-failed": 0, "ctl-mismatch": 0, "no-trust-list": 0,
                        "no-trust-info": 0, "web-disabled": 0, "unreachable": 1,
                        "unparseable": 0, "unregistered": 0, "not-scanned": 0
                    }
                },
                "phones": [
                    {"name": "SEP000000000001", "address": "127.1.0.1", "model": "Cisco 8841",
                     "device_pool": "DP-HQ", "tftp_server": "127.0.1.1", "state": "ok", "evidence": {}},
                    {"name": "SEP000000000002", "address": "127.1.0.1", "model": "Cisco 8841",
                     "device_pool": "DP-HQ", "tftp_server": "127.0.1.1", "state": "stale-itl",
                     "evidence": {
                        "itl_hash": "1".repeat(32), "expected_itl": a32,
                        "reference": "ucm-pub/ITLFile.tlv",
                        "archived": {"sha1": "2".repeat(40), "name": "ITLFile.tlv", "node": "ucm-pub",
                                     "first_seen": "2025-05-01T00:00:00Z"},
                        "tftp_server": "127.0.1.1"
                     }},
                    {"name": "SEP000000000003", "address": "127.1.0.1", "model": null,
                     "device_pool": null, "tftp_server": "127.0.1.1", "state": "unreachable",
                     "evidence": {"error": "timeout"}}
                ],
                "warnings": []
            })
        );
        // Round trip, and the by_state keys come out in state order.
        let text = r.to_json().expect("json");
        assert_eq!(
            SweepReport::from_json(text.as_bytes(), "r").expect("reads"),
            r
        );
        let ok_at = text.find("\"ok\": 1").expect("ok");
        let ns_at = text.find("\"not-scanned\"").expect("not-scanned");
        assert!(ok_at < ns_at);
    }

    #[test]
    fn schema_1_reports_are_read_and_counted_by_todays_classes() {
        let r = report(vec![
            record("SEP000000000001", PhoneState::Ok),
            record("SEP000000000002", PhoneState::Unreachable),
            record("SEP000000000003", PhoneState::ForeignItl),
        ]);
        let mut value: serde_json::Value =
            serde_json::from_str(&r.to_json().expect("json")).expect("v");
        value["schema"] = 1.into();
        // Schema 1 counted every state but `ok` as a problem and had no `unread`.
        value["summary"]["problems"] = 2.into();
        value["summary"]
            .as_object_mut()
            .expect("summary")
            .remove("unread");
        let old = SweepReport::from_json(value.to_string().as_bytes(), "before.json")
            .expect("schema 1 is read");
        assert_eq!(
            (old.summary.ok, old.summary.problems, old.summary.unread),
            (1, 1, 1)
        );
        assert_eq!(old.phones[2].state, PhoneState::ForeignItl);
    }

    #[test]
    fn json_reject_twins() {
        let r = report(vec![]);
        let mut value: serde_json::Value =
            serde_json::from_str(&r.to_json().expect("json")).expect("v");
        value["schema"] = 3.into();
        let err =
            SweepReport::from_json(value.to_string().as_bytes(), "after.json").expect_err("schema");
        assert_eq!(
            err.to_string(),
            "after.json: report schema 3 is not supported (expected 2)"
        );
        value["schema"] = 2.into();
        value["phones"] = serde_json::json!([{"name": "x", "address": null, "model": null,
            "device_pool": null, "tftp_server": null, "state": "fine", "evidence": {}}]);
        assert!(SweepReport::from_json(value.to_string().as_bytes(), "x").is_err());
        assert!(SweepReport::from_json(b"[]", "x").is_err());
    }
}
