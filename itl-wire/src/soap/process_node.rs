//! The cluster's servers as AXL SQL gives them ([`super::axl::sql::PROCESS_NODES`]): one row
//! per `processnode`, read into CUCM nodes and IM and Presence nodes.
//!
//! | row | meaning |
//! |---|---|
//! | `name` = `EnterpriseWideData` (or `systemnode` = `t`) | the cluster-wide pseudo node: skipped |
//! | `role` contains `IM and Presence` | an IM and Presence node: not part of the CUCM cluster's trust lists, listed as a dependant |
//! | any other role (`CUCM Voice/Video`) or none | a CUCM node |
//!
//! `name` is the server's name as configured in System › Server: a host name, a fully
//! qualified name or an IP address. The role names (`typeprocessnoderole.name`) are inferred.

use super::axl::Row;

/// The pseudo node every cluster has for cluster-wide settings.
pub const ENTERPRISE_WIDE_DATA: &str = "EnterpriseWideData";

/// `typeprocessnoderole.name` of a CUCM node (inferred).
pub const ROLE_VOICE_VIDEO: &str = "CUCM Voice/Video";

/// `typeprocessnoderole.name` of an IM and Presence node (inferred).
pub const ROLE_IM_AND_PRESENCE: &str = "CUCM IM and Presence";

/// The longest server name accepted (a DNS name is at most 253 characters).
const MAX_NAME_LEN: usize = 253;

/// What a node does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRole {
    /// A CUCM (voice and video) node.
    VoiceVideo,
    /// An IM and Presence node.
    ImAndPresence,
}

/// One server of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessNode {
    /// The name as configured (host name, FQDN or IP address).
    pub name: String,
    /// The description (free text).
    pub description: String,
    /// `nodeid`, when numeric.
    pub node_id: Option<u32>,
    /// What it does.
    pub role: NodeRole,
}

/// The servers of a cluster, split by role, in `nodeid` order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcessNodes {
    /// CUCM nodes.
    pub cucm: Vec<ProcessNode>,
    /// IM and Presence nodes (dependants of the CUCM cluster's certificates).
    pub im_and_presence: Vec<ProcessNode>,
}

/// A row that cannot be a server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("processnode row {row}: {reason}")]
pub struct ProcessNodeError {
    /// The row's position (1-based).
    pub row: usize,
    /// What is wrong.
    pub reason: String,
}

impl ProcessNodes {
    /// Reads the rows of [`super::axl::sql::PROCESS_NODES`]: skips the `EnterpriseWideData`
    /// row, splits by role. A row without a name, or with a name that is not a plausible host
    /// name or address, is an error naming the row.
    pub fn from_rows(rows: &[Row]) -> Result<Self, ProcessNodeError> {
        let mut out = Self::default();
        for (i, row) in rows.iter().enumerate() {
            let get = |k: &str| row.get(k).map(|v| v.trim()).unwrap_or_default();
            let name = get("name");
            if name.eq_ignore_ascii_case(ENTERPRISE_WIDE_DATA) || get("systemnode") == "t" {
                continue;
            }
            let bad = |reason: String| ProcessNodeError { row: i + 1, reason };
            if name.is_empty() {
                return Err(bad("no name".to_owned()));
            }
            let plausible = name.len() <= MAX_NAME_LEN
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
            if !plausible {
                return Err(bad(format!(
                    "{:?} is not a host name or an address",
                    name.chars().take(80).collect::<String>()
                )));
            }
            let node = ProcessNode {
                name: name.to_owned(),
                description: get("description").to_owned(),
                node_id: get("nodeid").parse().ok(),
                role: if get("role").to_ascii_lowercase().contains("im and presence") {
                    NodeRole::ImAndPresence
                } else {
                    NodeRole::VoiceVideo
                },
            };
            match node.role {
                NodeRole::VoiceVideo => out.cucm.push(node),
                NodeRole::ImAndPresence => out.im_and_presence.push(node),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::axl::{parse_sql_response, sql_response};

    fn row(name: &str, id: &str, system: &str, role: &str) -> Vec<(&'static str, String)> {
        vec![
            ("name", name.to_owned()),
            ("description", format!("{name} description")),
            ("nodeid", id.to_owned()),
            ("systemnode", system.to_owned()),
            ("role", role.to_owned()),
        ]
    }

    #[test]
    fn skips_enterprise_wide_data_and_lists_im_and_presence_apart() {
        let body = sql_response(
            "14.0",
            [
                row(ENTERPRISE_WIDE_DATA, "1", "t", ""),
                row("10.0.0.10", "2", "f", ROLE_VOICE_VIDEO),
                row("cucm-sub1.example.com", "3", "f", ROLE_VOICE_VIDEO),
                row("imp-pub", "4", "f", ROLE_IM_AND_PRESENCE),
            ],
        );
        let rows = parse_sql_response(body.as_bytes()).expect("rows");
        let nodes = ProcessNodes::from_rows(&rows).expect("valid");
        let names = |v: &[ProcessNode]| v.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&nodes.cucm), ["10.0.0.10", "cucm-sub1.example.com"]);
        assert_eq!(names(&nodes.im_and_presence), ["imp-pub"]);
        assert_eq!(nodes.cucm[1].node_id, Some(3));
        assert_eq!(nodes.cucm[0].description, "10.0.0.10 description");
    }

    #[test]
    fn rejects_rows_that_are_not_servers() {
        let rows = |name: &str| {
            let body = sql_response("14.0", [row(name, "2", "f", ROLE_VOICE_VIDEO)]);
            parse_sql_response(body.as_bytes()).expect("rows")
        };
        let err = ProcessNodes::from_rows(&rows("")).expect_err("no name");
        assert_eq!(err.to_string(), "processnode row 1: no name");
        let err = ProcessNodes::from_rows(&rows("a b")).expect_err("space");
        assert_eq!(
            err.to_string(),
            "processnode row 1: \"a b\" is not a host name or an address"
        );
        assert!(ProcessNodes::from_rows(&rows(&"a".repeat(254))).is_err());
        assert!(ProcessNodes::from_rows(&rows("fe80::1")).is_ok());
        assert_eq!(
            ProcessNodes::from_rows(&[]).expect("empty"),
            ProcessNodes::default()
        );
    }
}
