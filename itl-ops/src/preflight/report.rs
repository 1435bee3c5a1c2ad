//! The preflight report: one [`CheckResult`] per check id, serialisable as the JSON the CLI
//! writes (`{"cluster": …, "checks": [{id, title, status, summary, evidence, action}]}`).

use serde::{Deserialize, Serialize};

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The rule holds.
    Pass,
    /// A fact to record (the mode, the version); nothing to fix.
    Info,
    /// Proceed with care: the summary says what to watch.
    Warn,
    /// Stop: the procedure's assumptions do not hold.
    Fail,
    /// The check could not be judged (the reason is the summary), for example a privilege
    /// the OS account lacks or no SSH address in the cluster file.
    Skipped,
}

impl Status {
    /// `pass`, `info`, `warn`, `fail`, `skipped`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Info => "info",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }
}

itl_core::named!(Status, name);

/// Where a check's facts came from, and the relevant lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The command, SQL or file: `ssh ucm-pub: utils dbreplication runtimestate`,
    /// `axl sql: select …`, `tftp ucm-sub1: ITLFile.tlv`.
    pub source: String,
    /// The relevant output lines.
    pub lines: Vec<String>,
}

impl Evidence {
    /// Evidence from `source` with `lines`.
    pub fn new(source: impl Into<String>, lines: Vec<String>) -> Self {
        Self {
            source: source.into(),
            lines,
        }
    }
}

/// One check's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The stable id (`db-replication`).
    pub id: String,
    /// A title for people.
    pub title: String,
    /// The verdict.
    pub status: Status,
    /// One or two sentences: what was found.
    pub summary: String,
    /// What it rests on.
    pub evidence: Vec<Evidence>,
    /// What to do (empty when nothing).
    pub action: String,
}

/// A whole preflight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightReport {
    /// Report format version.
    pub schema: u32,
    /// The cluster's name (cluster file).
    pub cluster: String,
    /// When the facts were gathered (RFC 3339, UTC).
    pub gathered: String,
    /// Every check, in checklist order.
    pub checks: Vec<CheckResult>,
    /// Files archived beside the report (`show itl` / `show ctl` outputs, served lists),
    /// relative to the archive folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub archived: Vec<String>,
}

/// The current report format.
pub const SCHEMA: u32 = 1;

impl PreflightReport {
    /// The check with `id`.
    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// How many checks have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Whether any check failed.
    pub fn any_failed(&self) -> bool {
        self.count(Status::Fail) > 0
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// Reads a report written by [`PreflightReport::to_json`].
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_the_documented_one() {
        let report = PreflightReport {
            schema: SCHEMA,
            cluster: "sim".into(),
            gathered: "2025-06-01T00:00:00Z".into(),
            checks: vec![CheckResult {
                id: "db-replication".into(),
                title: "Database replication".into(),
                status: Status::Fail,
                summary: "ucm-sub1 is (3) Out Of Sync".into(),
                evidence: vec![Evidence::new(
                    "ssh ucm-pub: utils dbreplication runtimestate",
                    vec!["ucm-sub1 … (3) Out Of Sync".into()],
                )],
                action: "stop".into(),
            }],
            archived: Vec::new(),
        };
        let json: serde_json::Value =
            serde_json::from_str(&report.to_json().expect("json")).expect("parses");
        let check = &json["checks"][0];
        assert_eq!(check["id"], "db-replication");
        assert_eq!(check["status"], "fail");
        assert_eq!(
            check["evidence"][0]["source"],
            "ssh ucm-pub: utils dbreplication runtimestate"
        );
        assert!(json.get("archived").is_none());
        assert_eq!(
            PreflightReport::from_json(&report.to_json().expect("json")).expect("back"),
            report
        );
        assert!(report.any_failed());
        assert_eq!(report.count(Status::Pass), 0);
        assert!(PreflightReport::from_json(r#"{"checks":[]}"#).is_err());
    }
}
