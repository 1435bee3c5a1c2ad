//! What stops an execution before anything changes (issue rules for `itl regen run
//! --execute`), judged from the preflight and the program:
//!
//! | found | refused unless forced |
//! |---|---|
//! | a preflight check `fail`s (other than `phone-trust`: phones already in a problem state are named and left out of the gates) | yes, naming each failing check |
//! | the program regenerates a unit whose certificate on that node is CA-signed or multi-server (the regeneration makes it self-signed) | yes, naming node, unit and issuer or nodes |
//! | a CA-signed certificate of a unit the program does not regenerate | no |

use crate::preflight::checks::regeneration_losses;
use crate::preflight::{CheckResult, Facts, Status};

use super::program::{ActionKind, Program};

/// One reason to refuse, with what it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong, for people (`failing preflight checks`).
    pub what: &'static str,
    /// Each item (`db-replication: …`, `ucm-pub: tomcat CA-signed by CN=Corp CA`).
    pub items: Vec<String>,
}

/// The heading of a refusal for failing preflight checks.
pub const FAILING_CHECKS: &str = "failing preflight checks";
/// The heading of a refusal for certificates a regeneration would replace with self-signed
/// ones.
pub const REPLACES_CA_SIGNED: &str =
    "CA-signed or multi-server certificates would be replaced by self-signed ones";

/// The refusals for executing `program` on the cluster `facts` describe, given its preflight
/// `checks`, in the order of the table above; empty when nothing stops it.
pub fn refusals(checks: &[CheckResult], facts: &Facts, program: &Program) -> Vec<Refusal> {
    let failing: Vec<String> = checks
        .iter()
        .filter(|c| c.status == Status::Fail && c.id != "phone-trust")
        .map(|c| format!("{}: {}", c.id, c.summary))
        .collect();
    let names: Vec<String> = facts.nodes.iter().map(|n| n.name.clone()).collect();
    let mut replaced = Vec::new();
    for (_, action) in program.actions() {
        let ActionKind::Regen { node, unit } = &action.kind else {
            continue;
        };
        let Some(Ok(certs)) = facts
            .nodes
            .iter()
            .find(|n| &n.name == node)
            .map(|n| n.certs.as_ref())
        else {
            continue;
        };
        for (u, cert) in certs.value.iter().filter(|(u, _)| u == unit) {
            for loss in regeneration_losses(*u, cert, &names) {
                let item = format!("{node}: {loss}");
                if !replaced.contains(&item) {
                    replaced.push(item);
                }
            }
        }
    }
    [(FAILING_CHECKS, failing), (REPLACES_CA_SIGNED, replaced)]
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .map(|(what, items)| Refusal { what, items })
        .collect()
}
