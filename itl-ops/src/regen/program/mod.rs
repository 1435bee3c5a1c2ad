//! From a plan to a program: every plan line becomes the concrete actions it stands for on
//! this cluster (one per node where a unit or service exists), grouped in the plan's phases,
//! each action with a stable id and the exact command or request it sends.
//!
//! | plan line | actions | sent as |
//! |---|---|---|
//! | `regen <unit> @…` | one per targeted node that holds the unit (CAPF: publisher; ITLRecovery: publisher on 12+) | `ssh <node>: set cert regen <unit>` |
//! | `ctl update` | one, on the publisher | `ssh <pub>: utils ctl update CTLFile` |
//! | `restart\|stop\|start <service> @…` | one per targeted node running the service, one node at a time, in [`restart_order`] (backups before a group's primary, the publisher last); a restart that leaves a CallManager group without its CallManager or TVS is named in [`Program::notes`] | Control Center `soapDoControlServices`; Tomcat: `ssh <node>: utils service restart Cisco Tomcat` |
//! | `ipsec restart @…` | one per targeted node | `ssh <node>: utils ipsec restart` |
//! | `reset phones [@pool]` | one (the driver resets in batches) | AXL `resetPhone` per phone, per device pool, in batches |
//! | `itl reset localkey`, `ctl reset localkey` | one, on the publisher | `ssh <pub>: utils itl\|ctl reset localkey` |
//! | `delete old-trust @…` | one per targeted node | `ssh <node>: set cert delete <store> <file>` (inferred) for each trust certificate this run replaced |
//! | `reissue lsc [@pool]` | one | AXL `updatePhone` with the CAPF operation `Install/Upgrade`, in batches |
//! | `wait <duration>` | one | — |
//! | `backup` | one | `ssh <pub>: utils disaster_recovery backup network …` |
//! | `gate <kind>` | one: hold until the gate passes; a phase whose plan names no gate closes with the four | — |
//!
//! Restarting one node at a time, each waiting for `Started` before the next, keeps every
//! CallManager group with at least two members served while a service restarts (a group of
//! one is a preflight warning).

use std::fmt;

use itl_core::cucm::{CertUnit, Generation, Service};
use itl_core::plan::{GateKind, Plan, Step, Target, format_duration};

use itl_wire::admin_cli::Command;
use itl_wire::soap::control_center::ControlType;

use super::plan::{CmGroup, NodeRoles, RegenFacts};

/// One concrete action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// `set cert regen <unit>` on `node`.
    Regen {
        /// Node.
        node: String,
        /// Unit.
        unit: CertUnit,
    },
    /// `utils ctl update CTLFile` on the publisher.
    CtlUpdate {
        /// The publisher.
        node: String,
    },
    /// A service restart, stop or start on one node.
    Service {
        /// Node.
        node: String,
        /// Service.
        service: Service,
        /// What.
        op: ControlType,
    },
    /// `utils ipsec restart` on one node.
    IpsecRestart {
        /// Node.
        node: String,
    },
    /// Phones reset (every phone, or one device pool's) in batches.
    ResetPhones {
        /// Only this device pool.
        device_pool: Option<String>,
    },
    /// `utils itl reset localkey` on the publisher.
    ItlResetLocalkey {
        /// The publisher.
        node: String,
    },
    /// `utils ctl reset localkey` on the publisher.
    CtlResetLocalkey {
        /// The publisher.
        node: String,
    },
    /// Delete, on one node, the trust certificates this run replaced.
    DeleteOldTrust {
        /// Node.
        node: String,
    },
    /// Re-issue LSCs through CAPF (every phone holding one, or one device pool's).
    ReissueLsc {
        /// Only this device pool.
        device_pool: Option<String>,
    },
    /// Wait.
    Wait {
        /// Seconds.
        seconds: u64,
    },
    /// Take a DRS backup.
    Backup {
        /// The publisher (DRF Master).
        node: String,
    },
    /// Hold until a gate passes (a `gate` line, or one of the gates closing a phase).
    Gate {
        /// Which gate.
        gate: GateKind,
    },
}

impl ActionKind {
    /// The node the action runs on, when it runs on one.
    pub fn node(&self) -> Option<&str> {
        match self {
            ActionKind::Regen { node, .. }
            | ActionKind::CtlUpdate { node }
            | ActionKind::Service { node, .. }
            | ActionKind::IpsecRestart { node }
            | ActionKind::ItlResetLocalkey { node }
            | ActionKind::CtlResetLocalkey { node }
            | ActionKind::DeleteOldTrust { node }
            | ActionKind::Backup { node } => Some(node),
            ActionKind::ResetPhones { .. }
            | ActionKind::ReissueLsc { .. }
            | ActionKind::Wait { .. }
            | ActionKind::Gate { .. } => None,
        }
    }

    /// Whether the action changes the cluster (a wait or a gate does not).
    pub fn changes_cluster(&self) -> bool {
        !matches!(self, ActionKind::Wait { .. } | ActionKind::Gate { .. })
    }

    /// The node and the one admin-CLI command of an action that is exactly that (`set cert
    /// regen`, `utils ctl update CTLFile`, `utils itl|ctl reset localkey`, `utils ipsec
    /// restart`).
    pub fn admin_cli(&self) -> Option<(&str, Command)> {
        Some(match self {
            ActionKind::Regen { node, unit } => (node, Command::CertRegen(*unit)),
            ActionKind::CtlUpdate { node } => (node, Command::CtlUpdate),
            ActionKind::ItlResetLocalkey { node } => (node, Command::ItlResetLocalkey),
            ActionKind::CtlResetLocalkey { node } => (node, Command::CtlResetLocalkey),
            ActionKind::IpsecRestart { node } => (node, Command::IpsecRestart),
            _ => return None,
        })
    }

    /// The exact command or request it sends, as a dry run prints it and the journal records
    /// it.
    pub fn command(&self) -> String {
        match self {
            ActionKind::Regen { .. }
            | ActionKind::CtlUpdate { .. }
            | ActionKind::ItlResetLocalkey { .. }
            | ActionKind::CtlResetLocalkey { .. }
            | ActionKind::IpsecRestart { .. } => self
                .admin_cli()
                .map(|(node, command)| format!("ssh {node}: {command}"))
                .unwrap_or_default(),
            ActionKind::Service { node, service, op } if service.restarts_through_cli() => {
                format!(
                    "ssh {node}: utils service {} {}",
                    op.as_str().to_ascii_lowercase(),
                    service.cli_name()
                )
            }
            ActionKind::Service { node, service, op } => format!(
                "control center {node}: soapDoControlServices {} {:?}",
                op.as_str(),
                service.control_center_name()
            ),
            ActionKind::ResetPhones { device_pool } => match device_pool {
                Some(p) => format!("axl: resetPhone each phone of device pool {p:?}, in batches"),
                None => "axl: resetPhone every phone, device pool by device pool, in batches".into(),
            },
            ActionKind::DeleteOldTrust { node } => format!(
                "ssh {node}: set cert delete <store> <file> for each trust certificate this run replaced (inferred)"
            ),
            ActionKind::ReissueLsc { device_pool } => match device_pool {
                Some(p) => format!(
                    "axl: updatePhone certificateOperation Install/Upgrade for each phone with an LSC in device pool {p:?}, in batches"
                ),
                None => "axl: updatePhone certificateOperation Install/Upgrade for each phone with an LSC, in batches".into(),
            },
            ActionKind::Wait { seconds } => format!("wait {}", format_duration(*seconds)),

            ActionKind::Gate { gate } => format!("gate {}", gate.name()),
            ActionKind::Backup { node } => {
                format!("ssh {node}: utils disaster_recovery backup network …")
            }
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.command())
    }
}

/// An action with its place in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Stable id: `<plan step number>.<action number>` (`3.2`), 1-based; the gates a phase
    /// closes with when its plan names none are `<phase>.<gate>` after its last step
    /// (`p2.registered`).
    pub id: String,
    /// The plan line it comes from (1-based; 0 for steps built in code).
    pub line: usize,
    /// The plan line's text.
    pub step: String,
    /// What it does.
    pub kind: ActionKind,
}

/// A phase of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramPhase {
    /// 1-based.
    pub number: usize,
    /// Its actions, in order, gates included (those the plan names where it names them;
    /// otherwise the four gates, after its last step).
    pub actions: Vec<Action>,
}

/// A plan made concrete for one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Phases, in order.
    pub phases: Vec<ProgramPhase>,
    /// What the operator should know before it runs (a restart that leaves a CallManager
    /// group without its service), in action order.
    pub notes: Vec<String>,
}

/// A plan line that cannot run on this cluster.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("plan line {line} ({step}): {reason}")]
pub struct ProgramError {
    /// The line.
    pub line: usize,
    /// Its text.
    pub step: String,
    /// Why.
    pub reason: String,
}

impl Program {
    /// The program of `plan` on the cluster `facts` describe. Errors name every line that targets a node the
    /// cluster does not have, or a unit or service that no targeted node has.
    pub fn build(plan: &Plan, facts: &RegenFacts) -> Result<Program, Vec<ProgramError>> {
        let phases = plan.phases(facts.generation, facts.automatic_phone_interaction);
        let mut errors = Vec::new();
        let mut out = Vec::new();
        let mut notes = Vec::new();
        let mut step_number = 0usize;
        for phase in &phases {
            let mut actions = Vec::new();
            for ps in &phase.steps {
                step_number += 1;
                match expand(&ps.step, facts) {
                    Ok(kinds) => {
                        for (i, kind) in kinds.into_iter().enumerate() {
                            if let ActionKind::Service { node, service, op } = &kind
                                && *op != ControlType::Start
                            {
                                for group in left_without(facts, node, *service) {
                                    notes.push(format!(
                                        "{step_number}.{}: {} {service} on {node} leaves CallManager group {group} without {service} (its only member running it): its phones have none until the node is back",
                                        i + 1,
                                        op.as_str().to_ascii_lowercase()
                                    ));
                                }
                            }
                            actions.push(Action {
                                id: format!("{step_number}.{}", i + 1),
                                line: ps.line,
                                step: ps.step.to_string(),
                                kind,
                            });
                        }
                    }
                    Err(reason) => errors.push(ProgramError {
                        line: ps.line,
                        step: ps.step.to_string(),
                        reason,
                    }),
                }
            }
            if !phase.names_gates() {
                for gate in &phase.gates {
                    actions.push(Action {
                        id: format!("p{}.{}", phase.number, gate.name()),
                        line: 0,
                        step: format!("gate {}", gate.name()),
                        kind: ActionKind::Gate { gate: *gate },
                    });
                }
            }
            out.push(ProgramPhase {
                number: phase.number,
                actions,
            });
        }
        if errors.is_empty() {
            Ok(Program { phases: out, notes })
        } else {
            Err(errors)
        }
    }

    /// Every action, in order.
    pub fn actions(&self) -> impl Iterator<Item = (&ProgramPhase, &Action)> {
        self.phases
            .iter()
            .flat_map(|p| p.actions.iter().map(move |a| (p, a)))
    }

    /// The action with this id.
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions().map(|(_, a)| a).find(|a| a.id == id)
    }
}

fn targeted<'t>(
    facts: &'t RegenFacts,
    target: &Target,
    keep: impl Fn(&NodeRoles) -> bool,
) -> Result<Vec<&'t NodeRoles>, String> {
    if let Target::Node(name) = target
        && !facts
            .nodes
            .iter()
            .any(|n| n.name.eq_ignore_ascii_case(name))
    {
        let known: Vec<&str> = facts.nodes.iter().map(|n| n.name.as_str()).collect();
        return Err(format!(
            "no node {name:?} in cluster {} (nodes: {})",
            facts.cluster,
            known.join(", ")
        ));
    }
    Ok(facts
        .nodes
        .iter()
        .filter(|n| target.includes(&n.name) && keep(n))
        .collect())
}

/// The order of one service's restarts across nodes (one node at a time, each waited for):
///
/// | node | restarts |
/// |---|---|
/// | in no CallManager group (serves no phones) | first |
/// | a group member | from the lowest priority it holds in any group up: a group's primary restarts after its backups, so that its phones fail over to a member already restarted |
/// | the publisher | last of all: it serves AXL and Control Center to the orchestrator |
///
/// Ties keep the cluster file's order. Without groups this is subscribers first, the
/// publisher last.
pub fn restart_order<'n>(mut nodes: Vec<&'n NodeRoles>, groups: &[CmGroup]) -> Vec<&'n NodeRoles> {
    let best = |n: &NodeRoles| {
        groups
            .iter()
            .filter_map(|g| g.priority_of(&n.name))
            .min()
            .unwrap_or(usize::MAX)
    };
    nodes.sort_by_key(|n| (n.publisher, std::cmp::Reverse(best(n))));
    nodes
}

/// The CallManager groups that a restart (or stop) of `service` on `node` leaves without
/// that service, because `node` is the only member running it: the group's phones lose it
/// while the node restarts (`callmanager-groups` in the preflight warns of them too).
fn left_without(facts: &RegenFacts, node: &str, service: Service) -> Vec<String> {
    if !matches!(service, Service::CallManager | Service::Tvs) {
        return Vec::new();
    }
    facts
        .cm_groups
        .iter()
        .filter(|g| g.priority_of(node).is_some())
        .filter(|g| {
            !g.members
                .iter()
                .any(|m| m != node && facts.nodes.iter().any(|n| &n.name == m && n.runs(service)))
        })
        .map(|g| g.name.clone())
        .collect()
}

fn publisher_name(facts: &RegenFacts) -> Result<String, String> {
    facts
        .nodes
        .iter()
        .find(|n| n.publisher)
        .map(|n| n.name.clone())
        .ok_or_else(|| format!("cluster {} names no publisher", facts.cluster))
}

fn expand(step: &Step, facts: &RegenFacts) -> Result<Vec<ActionKind>, String> {
    let none_left = |what: String| -> Result<Vec<ActionKind>, String> {
        Err(format!("{what}: no targeted node has it"))
    };
    Ok(match step {
        Step::Regen { unit, target } => {
            let nodes = targeted(facts, target, |n| n.units.contains(unit))?;
            if nodes.is_empty() {
                return none_left(format!("{unit} on {}", facts.generation));
            }
            nodes
                .into_iter()
                .map(|n| ActionKind::Regen {
                    node: n.name.clone(),
                    unit: *unit,
                })
                .collect()
        }
        Step::Restart { service, target }
        | Step::Stop { service, target }
        | Step::Start { service, target } => {
            let op = match step {
                Step::Restart { .. } => ControlType::Restart,
                Step::Stop { .. } => ControlType::Stop,
                _ => ControlType::Start,
            };
            let nodes = targeted(facts, target, |n| n.runs(*service))?;
            if nodes.is_empty() {
                return none_left(format!("service {service}"));
            }
            restart_order(nodes, &facts.cm_groups)
                .into_iter()
                .map(|n| ActionKind::Service {
                    node: n.name.clone(),
                    service: *service,
                    op,
                })
                .collect()
        }
        Step::IpsecRestart { target } => {
            if facts.generation != Generation::V14 {
                return Err(format!(
                    "`utils ipsec restart` exists from 14 on; this cluster is {} (restart DRF Master and DRF Local instead)",
                    facts.generation
                ));
            }
            targeted(facts, target, |_| true)?
                .into_iter()
                .map(|n| ActionKind::IpsecRestart {
                    node: n.name.clone(),
                })
                .collect()
        }
        Step::DeleteOldTrust { target } => targeted(facts, target, |_| true)?
            .into_iter()
            .map(|n| ActionKind::DeleteOldTrust {
                node: n.name.clone(),
            })
            .collect(),
        Step::CtlUpdate => {
            if !facts.mixed {
                return Err("the cluster is not in mixed mode: it has no CTL to update".into());
            }
            vec![ActionKind::CtlUpdate {
                node: publisher_name(facts)?,
            }]
        }
        Step::CtlResetLocalkey => {
            if !facts.mixed {
                return Err("the cluster is not in mixed mode: it has no CTL".into());
            }
            vec![ActionKind::CtlResetLocalkey {
                node: publisher_name(facts)?,
            }]
        }
        Step::ItlResetLocalkey => vec![ActionKind::ItlResetLocalkey {
            node: publisher_name(facts)?,
        }],
        Step::ResetPhones { device_pool } => vec![ActionKind::ResetPhones {
            device_pool: device_pool.clone(),
        }],
        Step::ReissueLsc { device_pool } => vec![ActionKind::ReissueLsc {
            device_pool: device_pool.clone(),
        }],
        Step::Wait { seconds } => vec![ActionKind::Wait { seconds: *seconds }],
        Step::Backup => vec![ActionKind::Backup {
            node: publisher_name(facts)?,
        }],
        Step::Gate(gate) => vec![ActionKind::Gate { gate: *gate }],
    })
}

#[cfg(test)]
mod tests;
