//! `itl regen plan`: the regeneration plan for one cluster, written from its facts
//! ([`RegenFacts`], taken from the preflight's [`Facts`] by [`RegenFacts::from_preflight`]) and
//! the chosen units, as plan-file text with `#` comments naming each phase, its gates and its
//! expected duration ([`generate`], pure).
//!
//! # The procedure
//!
//! Units go in the order `itl plan suggest` proves safe (`trust-and-procedure.md` §5.1–§5.4,
//! §5.8), whatever order they are asked in: ipsec, CAPF, CallManager (with CallManager-ECDSA),
//! TVS, ITLRecovery, tomcat (with tomcat-ECDSA); on 14+ TVS before CallManager (Security Guide
//! order). Then the trust clean-up (§5.6) and the DRS backup (§5.7).
//!
//! | unit | steps (non-automatic) | 14+ with automatic phone interaction |
//! |---|---|---|
//! | mixed mode, first | `ctl update`, TFTP restart, G-SVC, G-FILE, `reset phones`, G-REG, G-TRUST (§5.2 step 0) | the same (a CTL change resets no phone by itself) |
//! | ipsec | regen; ≤ 12: restart DRF Master (publisher) and DRF Local (every node); 14+: `ipsec restart`; G-SVC | the same |
//! | CAPF | regen (publisher); mixed: `ctl update`; restart CAPF, TVS, TFTP; G-SVC, G-FILE; `reset phones`; G-REG, G-TRUST; with LSCs: `reissue lsc`, G-REG | regen, the four gates; LSCs as before |
//! | CallManager | regen (+ CallManager-ECDSA); mixed: `ctl update`; restart TFTP; ≤ 12: CallManager, CTIManager; 14+: HAProxy; TVS; G-SVC, G-FILE; `reset phones`; G-REG, G-TRUST | regen, the four gates; HAProxy |
//! | TVS | regen; restart TVS, TFTP; G-SVC, G-FILE; `reset phones`; G-REG, G-TRUST | regen, the four gates |
//! | ITLRecovery 11.5 | regen (every node); mixed: `ctl update`; restart TVS, TFTP; gates; reset; gates | — |
//! | ITLRecovery 12+ | regen (publisher); `itl reset localkey` (mixed: `ctl reset localkey`); `reset phones`; G-REG; TFTP restart (mixed: `ctl update` first); G-SVC, G-FILE; `reset phones`; G-REG, G-TRUST (§5.8) | regen, the four gates |
//! | tomcat | regen (+ tomcat-ECDSA); restart Tomcat; 14+ with SSO: SSOSP Tomcat; 14+ with tomcat-ECDSA: DRF Master, DRF Local; G-SVC | the same |
//! | 14+ mixed with automatic phone interaction: CAPF, CallManager, ITLRecovery | — | refused ([`GenerateError::MixedAutomatic`]): the cluster resets the phones before the CTL can hold the new certificate; set the parameter to Manual for the change |
//! | clean-up | stop Certificate Change Notification; `delete old-trust @all`; `wait 30m`; start it; G-SVC; `backup`; G-REG, G-TRUST | the same |
//!
//! A service is restarted only when some node runs it (`@all`: every node that does); the
//! header names the nodes of each. With LSCs in use the old CAPF-trust is deleted only after
//! `reissue lsc` (§5.6 item 4).
//!
//! # Durations (estimates)
//!
//! | step | minutes | source |
//! |---|---|---|
//! | `regen` | 1 per node holding the unit | estimate (the CLI command returns within a minute) |
//! | `restart` / `start` / `stop` | 2 per node (one node at a time); Tomcat 15 | Tomcat: "web UI takes about 10–15 min to return" (§5.1 step 7); others an estimate within G-SVC's 10-minute timeout |
//! | `ipsec restart`, `delete old-trust` | 1 per node | estimate |
//! | `ctl update`, `itl|ctl reset localkey` | 2 | estimate |
//! | `reset phones`, `reissue lsc` | 0.5 per batch of 200 phones, + 10 | the executor's batches (200 phones, 30 s apart); "wait ~10 min for phones to restart" (§2.4) |
//! | a regeneration that resets phones by itself (14+) | + 10 | as a reset |
//! | `gate registered` | 0 (in the reset's 10) | — |
//! | `gate services`, `gate files` | 1 | estimate |
//! | `gate trust` | 1 per 500 phones, at least 2 | estimate (a sweep) |
//! | `wait` | its duration | — |
//! | `backup` | 30 | estimate (depends on the database size) |

use std::collections::BTreeSet;
use std::fmt::Write as _;

use itl_core::cucm::{CertUnit, Generation, Service, ServiceStatus};
use itl_core::plan::{GateKind, Plan, PlanStep, Step, Target};

use crate::preflight::checks::lsc;
pub use crate::preflight::facts::CmGroup;
use crate::preflight::{Facts, Status};
use itl_wire::soap::axl::Row;

/// What the plan depends on, per node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRoles {
    /// Host name.
    pub name: String,
    /// Whether it is the publisher.
    pub publisher: bool,
    /// The services activated on it (running or stopped, not "Not Activated").
    pub services: BTreeSet<Service>,
    /// The certificate units it holds (`show cert list own`).
    pub units: BTreeSet<CertUnit>,
}

impl NodeRoles {
    /// Whether the node runs `service`.
    pub fn runs(&self, service: Service) -> bool {
        self.services.contains(&service)
    }
}

/// The facts a regeneration plan depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegenFacts {
    /// Cluster name.
    pub cluster: String,
    /// CUCM generation.
    pub generation: Generation,
    /// Mixed mode (a CTL is served).
    pub mixed: bool,
    /// 14+ "Phone Interaction on Certificate Update" = automatic.
    pub automatic_phone_interaction: bool,
    /// Phones hold LSCs (a CAPF regeneration needs `reissue lsc`).
    pub lscs_in_use: bool,
    /// Single sign-on is in use (SSOSP Tomcat activated somewhere, 14+).
    pub sso: bool,
    /// Phones of the cluster, when known (durations).
    pub phones: Option<usize>,
    /// The nodes, publisher first.
    pub nodes: Vec<NodeRoles>,
    /// The CallManager groups (empty when they could not be read): service restarts keep a
    /// member of every group up.
    pub cm_groups: Vec<CmGroup>,
    /// What else depends on the cluster's certificates (IM and Presence nodes, RADIUS / ASA
    /// for 802.1x and VPN, the SSO identity provider...): named in the plan's comments.
    pub dependants: Vec<String>,
    /// How facts were read or assumed, for the plan's header.
    pub notes: Vec<String>,
}

/// Why the facts cannot give a plan.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanFactsError {
    /// The release could not be read and none was given.
    #[error("the CUCM release is unknown ({0}): give the generation (11.5, 12+ or 14+)")]
    UnknownGeneration(String),
    /// The cluster security mode could not be read.
    #[error("the cluster security mode is unknown ({0})")]
    UnknownSecurityMode(String),
    /// No node is the publisher.
    #[error("the cluster file names no publisher")]
    NoPublisher,
}

/// Why no plan could be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// No unit was chosen, or no node holds any of those chosen.
    #[error("no unit to regenerate (none chosen, or no node holds those chosen)")]
    NoUnits,
    /// No node is the publisher.
    #[error("the cluster has no publisher")]
    NoPublisher,
    /// The written plan does not parse (a bug).
    #[error("the written plan does not parse: {0}")]
    Unparsable(String),
    /// 14+ in mixed mode with automatic phone interaction, regenerating a unit whose change
    /// the phones' CTL must hold before they reset: the cluster resets them before the CTL
    /// can be updated.
    #[error(
        "this cluster is 14+ in mixed mode with \"Phone Interaction on Certificate Update\" automatic: \
         it resets the phones right after `set cert regen` of {units}, before `utils ctl update CTLFile` \
         can put the new certificate in their CTL (TLS phones stay registering; a new ITLRecovery \
         is rejected for good, §5.8). Set System > Enterprise Parameters > Security Parameters > \
         Phone Interaction on Certificate Update to Manual for the change and plan again, or plan \
         only other units (--units)"
    )]
    MixedAutomatic {
        /// The units concerned (`CAPF, CallManager`).
        units: String,
    },
}

fn value<'a>(row: &'a Row, column: &str) -> &'a str {
    row.get(column).map(|v| v.trim()).unwrap_or("")
}

impl RegenFacts {
    /// The facts of a preflight gathering: the release from the publisher's `show version
    /// active` (else `generation`), the mode from `ClusterSecurityMode`, the phone interaction
    /// from its processconfig row (automatic when `0`/`auto…`; manual when absent, with a
    /// note: the plan then resets the phones itself), LSCs from the `lsc` check (in use when
    /// it found holders, assumed in use when it could not tell), services from Control Center
    /// (else the cluster file's list: `services`/TFTP), the phone count from the phones per
    /// device pool (else the sweep).
    pub fn from_preflight(
        facts: &Facts,
        file: &itl_wire::cluster_file::ClusterFile,
        generation: Option<Generation>,
    ) -> Result<Self, PlanFactsError> {
        let mut notes = Vec::new();
        let publisher = facts
            .nodes
            .iter()
            .find(|n| n.publisher)
            .ok_or(PlanFactsError::NoPublisher)?;
        let read = match &publisher.version {
            Ok(v) => Generation::from_version(&v.value.version).ok_or_else(|| {
                PlanFactsError::UnknownGeneration(format!("release {:?}", v.value.version))
            }),
            Err(m) => Err(PlanFactsError::UnknownGeneration(format!(
                "{}: {}",
                m.source, m.reason
            ))),
        };
        let generation = match (generation, read) {
            (Some(g), Ok(r)) if g != r => {
                notes.push(format!(
                    "the publisher runs a {r} release, but {g} was given: following {g}"
                ));
                g
            }
            (Some(g), Ok(_)) => g,
            (Some(g), Err(_)) => {
                notes.push(format!("release not read: {g} as given"));
                g
            }
            (None, Ok(r)) => r,
            (None, Err(e)) => return Err(e),
        };
        let mixed = match &facts.security_mode {
            Ok(o) => match o.value.first().map(|r| value(r, "paramvalue")) {
                Some("1") => true,
                Some("0") => false,
                other => {
                    return Err(PlanFactsError::UnknownSecurityMode(format!(
                        "ClusterSecurityMode {other:?}"
                    )));
                }
            },
            Err(m) => {
                return Err(PlanFactsError::UnknownSecurityMode(format!(
                    "{}: {}",
                    m.source, m.reason
                )));
            }
        };
        let automatic_phone_interaction = if generation.has_phone_interaction() {
            let first = facts.phone_interaction.as_ref().ok().and_then(|o| {
                o.value
                    .first()
                    .map(|r| value(r, "paramvalue").to_ascii_lowercase())
            });
            match first.as_deref() {
                Some(v) if v == "0" || v.starts_with("auto") => true,
                Some(v) if v == "1" || v.starts_with("manual") => false,
                _ => {
                    notes.push("\"Phone Interaction on Certificate Update\" not read: taken as manual (the plan resets the phones itself)".into());
                    false
                }
            }
        } else {
            false
        };
        let lsc_check = lsc(facts);
        let lscs_in_use = match lsc_check.status {
            Status::Pass => false,
            Status::Info => true,
            _ => {
                notes.push(format!(
                    "LSC use not read ({}): taken as in use (`reissue lsc` after CAPF)",
                    lsc_check.summary
                ));
                true
            }
        };
        let mut nodes = Vec::new();
        for n in &facts.nodes {
            let from_file = || -> BTreeSet<Service> {
                let entry = file.nodes.iter().find(|e| e.name == n.name);
                let mut set: BTreeSet<Service> = entry
                    .and_then(|e| e.service_list().ok())
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
                if n.tftp {
                    set.insert(Service::Tftp);
                }
                set.insert(Service::Tomcat);
                set
            };
            let services = match &n.services {
                Ok(o) => o
                    .value
                    .iter()
                    .filter(|s| s.status() != ServiceStatus::NotActivated)
                    .filter_map(|s| s.service())
                    .collect(),
                Err(m) => {
                    notes.push(format!(
                        "services of {} not read ({}): taken from the cluster file",
                        n.name, m.reason
                    ));
                    from_file()
                }
            };
            let units = match &n.certs {
                Ok(o) => o.value.iter().map(|(u, _)| *u).collect(),
                Err(m) => {
                    notes.push(format!(
                        "certificates of {} not read ({}): every unit assumed",
                        n.name, m.reason
                    ));
                    CertUnit::ALL
                        .into_iter()
                        .filter(|u| u.held_by(n.publisher, generation))
                        .collect()
                }
            };
            nodes.push(NodeRoles {
                name: n.name.clone(),
                publisher: n.publisher,
                services,
                units,
            });
        }
        nodes.sort_by_key(|n| !n.publisher);
        let names: Vec<String> = nodes.iter().map(|n| n.name.clone()).collect();
        let cm_groups = match &facts.cm_group_members {
            Ok(o) => CmGroup::from_rows(&o.value, &names),
            Err(m) => {
                notes.push(format!(
                    "CallManager groups not read ({}): services restart on the subscribers first, the publisher last",
                    m.reason
                ));
                Vec::new()
            }
        };
        let sso = nodes.iter().any(|n| n.runs(Service::SsospTomcat));
        let phones = match &facts.phones_per_pool {
            Ok(o) => Some(
                o.value
                    .iter()
                    .filter_map(|r| value(r, "phones").parse::<usize>().ok())
                    .sum(),
            ),
            Err(_) => facts.sweep.as_ref().ok().map(|s| s.value.phones.len()),
        };
        Ok(Self {
            cluster: facts.cluster.clone(),
            generation,
            mixed,
            automatic_phone_interaction,
            lscs_in_use,
            sso,
            phones,
            nodes,
            cm_groups,
            dependants: Vec::new(),
            notes,
        })
    }

    fn automatic(&self) -> bool {
        self.generation.has_phone_interaction() && self.automatic_phone_interaction
    }

    fn runs_anywhere(&self, service: Service) -> bool {
        self.nodes.iter().any(|n| n.runs(service))
    }

    fn holders(&self, unit: CertUnit) -> usize {
        self.nodes
            .iter()
            .filter(|n| n.units.contains(&unit))
            .count()
    }

    fn nodes_running(&self, service: Service) -> Vec<&str> {
        self.nodes
            .iter()
            .filter(|n| n.runs(service))
            .map(|n| n.name.as_str())
            .collect()
    }
}

/// One phase of a written plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseSummary {
    /// 1-based number (as [`Plan::phases`] counts).
    pub number: usize,
    /// What it does.
    pub title: String,
    /// Its gates.
    pub gates: Vec<GateKind>,
    /// Expected duration in minutes (estimate, see the module docs).
    pub minutes: u64,
}

/// A written plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedPlan {
    /// The plan file.
    pub text: String,
    /// The plan, parsed back from the text (line numbers of the text).
    pub plan: Plan,
    /// The phases with their titles, gates and durations.
    pub phases: Vec<PhaseSummary>,
    /// Expected duration of the whole plan, in minutes.
    pub minutes: u64,
}

/// The units in the order the procedure takes them on `generation`.
pub fn procedure_order(generation: Generation) -> Vec<CertUnit> {
    let mut order = vec![CertUnit::Ipsec, CertUnit::Capf];
    if generation == Generation::V14 {
        order.extend([CertUnit::Tvs, CertUnit::CallManager]);
    } else {
        order.extend([CertUnit::CallManager, CertUnit::Tvs]);
    }
    order.extend([
        CertUnit::CallManagerEcdsa,
        CertUnit::ItlRecovery,
        CertUnit::Tomcat,
        CertUnit::TomcatEcdsa,
    ]);
    order
}

/// A titled group of steps.
struct Section {
    title: String,
    steps: Vec<Step>,
}

struct Builder<'a> {
    facts: &'a RegenFacts,
    publisher: String,
    sections: Vec<Section>,
}

impl Builder<'_> {
    fn section(&mut self, title: impl Into<String>, steps: Vec<Step>) {
        if !steps.is_empty() {
            self.sections.push(Section {
                title: title.into(),
                steps,
            });
        }
    }

    fn pub_target(&self) -> Target {
        Target::Node(self.publisher.clone())
    }

    /// `restart <service> @all` when some node runs it.
    fn restart(&self, service: Service, out: &mut Vec<Step>) {
        if self.facts.runs_anywhere(service) {
            out.push(Step::Restart {
                service,
                target: Target::All,
            });
        }
    }

    /// G-SVC, G-FILE, reset, G-REG, G-TRUST.
    fn deliver(out: &mut Vec<Step>) {
        out.extend([
            Step::Gate(GateKind::Services),
            Step::Gate(GateKind::Files),
            Step::ResetPhones { device_pool: None },
            Step::Gate(GateKind::Registered),
            Step::Gate(GateKind::Trust),
        ]);
    }

    /// DRF Master on the publisher (where it runs), then DRF Local on every node running it.
    fn restart_drf(&self, out: &mut Vec<Step>) {
        if self.facts.runs_anywhere(Service::DrfMaster) {
            out.push(Step::Restart {
                service: Service::DrfMaster,
                target: self.pub_target(),
            });
        }
        self.restart(Service::DrfLocal, out);
    }

    /// After a regeneration that resets phones by itself: the four gates (in mixed mode the
    /// units in the CTL never get here: [`GenerateError::MixedAutomatic`]).
    fn after_automatic(out: &mut Vec<Step>) {
        out.extend(GateKind::ALL.map(Step::Gate));
    }

    fn regen(unit: CertUnit, target: Target) -> Step {
        Step::Regen { unit, target }
    }
}

/// Writes the plan for `facts` regenerating `units` (every unit when empty is not allowed:
/// pass [`CertUnit::ALL`] for all), in the procedure's order.
pub fn generate(facts: &RegenFacts, units: &[CertUnit]) -> Result<GeneratedPlan, GenerateError> {
    if units.is_empty() {
        return Err(GenerateError::NoUnits);
    }
    let publisher = facts
        .nodes
        .iter()
        .find(|n| n.publisher)
        .ok_or(GenerateError::NoPublisher)?
        .name
        .clone();
    let generation = facts.generation;
    let automatic = facts.automatic();
    let mixed = facts.mixed;
    let v14 = generation == Generation::V14;
    let (chosen, skipped): (Vec<CertUnit>, Vec<CertUnit>) = procedure_order(generation)
        .into_iter()
        .filter(|u| units.contains(u))
        .partition(|u| facts.holders(*u) > 0);
    if chosen.is_empty() {
        return Err(GenerateError::NoUnits);
    }
    if mixed && automatic {
        let blocked: Vec<&str> = chosen
            .iter()
            .filter(|u| u.in_ctl())
            .map(|u| u.name())
            .collect();
        if !blocked.is_empty() {
            return Err(GenerateError::MixedAutomatic {
                units: blocked.join(", "),
            });
        }
    }
    let mut b = Builder {
        facts,
        publisher,
        sections: Vec::new(),
    };
    let all = || Target::All;

    if mixed && chosen.iter().any(|u| u.in_trust_lists()) {
        let mut s = vec![Step::CtlUpdate];
        b.restart(Service::Tftp, &mut s);
        Builder::deliver(&mut s);
        b.section(
            "CTL from the current certificates before any change (§5.2 step 0)",
            s,
        );
    }
    for unit in chosen.iter().copied() {
        let mut s = Vec::new();
        let title: String;
        match unit {
            CertUnit::Ipsec => {
                s.push(Builder::regen(unit, all()));
                if v14 {
                    s.push(Step::IpsecRestart { target: all() });
                } else {
                    b.restart_drf(&mut s);
                }
                s.push(Step::Gate(GateKind::Services));
                title = "ipsec (in no trust list; DRF)".into();
            }
            CertUnit::Capf => {
                s.push(Builder::regen(unit, b.pub_target()));
                if automatic {
                    Builder::after_automatic(&mut s);
                    b.restart(Service::HaProxy, &mut s);
                } else {
                    if mixed {
                        s.push(Step::CtlUpdate);
                    }
                    if facts.runs_anywhere(Service::Capf) {
                        s.push(Step::Restart {
                            service: Service::Capf,
                            target: b.pub_target(),
                        });
                    }
                    b.restart(Service::Tvs, &mut s);
                    b.restart(Service::Tftp, &mut s);
                    if v14 {
                        b.restart(Service::HaProxy, &mut s);
                    }
                    Builder::deliver(&mut s);
                }
                if facts.lscs_in_use {
                    s.extend([
                        Step::ReissueLsc { device_pool: None },
                        Step::Gate(GateKind::Registered),
                    ]);
                }
                title = if facts.lscs_in_use {
                    "CAPF (publisher), then the LSCs re-issued".into()
                } else {
                    "CAPF (publisher)".into()
                };
            }
            CertUnit::CallManager => {
                let ecdsa = chosen.contains(&CertUnit::CallManagerEcdsa);
                if automatic {
                    if ecdsa {
                        s.push(Builder::regen(CertUnit::CallManagerEcdsa, all()));
                    }
                    s.push(Builder::regen(unit, all()));
                    Builder::after_automatic(&mut s);
                    b.restart(Service::HaProxy, &mut s);
                } else {
                    s.push(Builder::regen(unit, all()));
                    if ecdsa {
                        s.push(Builder::regen(CertUnit::CallManagerEcdsa, all()));
                    }
                    if mixed {
                        s.push(Step::CtlUpdate);
                    }
                    b.restart(Service::Tftp, &mut s);
                    if v14 {
                        b.restart(Service::HaProxy, &mut s);
                    } else {
                        b.restart(Service::CallManager, &mut s);
                        b.restart(Service::CtiManager, &mut s);
                    }
                    b.restart(Service::Tvs, &mut s);
                    Builder::deliver(&mut s);
                }
                title = if generation == Generation::V11_5 {
                    "CallManager on every node (phones take the new ITL through TVS)".into()
                } else {
                    "CallManager on every node".into()
                };
            }
            CertUnit::CallManagerEcdsa => {
                if chosen.contains(&CertUnit::CallManager) {
                    continue;
                }
                s.push(Builder::regen(unit, all()));
                if v14 {
                    b.restart(Service::HaProxy, &mut s);
                } else {
                    b.restart(Service::CallManager, &mut s);
                }
                s.push(Step::Gate(GateKind::Services));
                title = "CallManager-ECDSA (in no trust list)".into();
            }
            CertUnit::Tvs => {
                s.push(Builder::regen(unit, all()));
                if automatic {
                    Builder::after_automatic(&mut s);
                } else {
                    b.restart(Service::Tvs, &mut s);
                    b.restart(Service::Tftp, &mut s);
                    Builder::deliver(&mut s);
                }
                title = "TVS on every node (the ITL's signer is unchanged)".into();
            }
            CertUnit::ItlRecovery => {
                if !generation.itl_recovery_signs() {
                    s.push(Builder::regen(unit, all()));
                    if mixed {
                        s.push(Step::CtlUpdate);
                    }
                    b.restart(Service::Tvs, &mut s);
                    b.restart(Service::Tftp, &mut s);
                    Builder::deliver(&mut s);
                    title = "ITLRecovery on every node (not the ITL's signer on 11.5)".into();
                } else if automatic {
                    s.push(Builder::regen(unit, b.pub_target()));
                    Builder::after_automatic(&mut s);
                    title = "ITLRecovery (the lists' signer: phones reset by themselves and take it through TVS)".into();
                } else {
                    s.push(Builder::regen(unit, b.pub_target()));
                    s.push(if mixed {
                        Step::CtlResetLocalkey
                    } else {
                        Step::ItlResetLocalkey
                    });
                    s.extend([
                        Step::ResetPhones { device_pool: None },
                        Step::Gate(GateKind::Registered),
                    ]);
                    if mixed {
                        s.push(Step::CtlUpdate);
                    }
                    b.restart(Service::Tftp, &mut s);
                    Builder::deliver(&mut s);
                    title = if mixed {
                        "ITLRecovery, bridged by `utils ctl reset localkey` (§5.8)".into()
                    } else {
                        "ITLRecovery, bridged by `utils itl reset localkey` (§5.8)".into()
                    };
                }
            }
            CertUnit::Tomcat | CertUnit::TomcatEcdsa => {
                let both = chosen.contains(&CertUnit::Tomcat);
                if unit == CertUnit::TomcatEcdsa && both {
                    continue;
                }
                s.push(Builder::regen(unit, all()));
                let ecdsa = chosen.contains(&CertUnit::TomcatEcdsa);
                if unit == CertUnit::Tomcat && ecdsa {
                    s.push(Builder::regen(CertUnit::TomcatEcdsa, all()));
                }
                b.restart(Service::Tomcat, &mut s);
                if v14 && facts.sso {
                    b.restart(Service::SsospTomcat, &mut s);
                }
                if v14 && ecdsa {
                    // 14SU2: DRF uses tomcat-ECDSA (§5.4).
                    b.restart_drf(&mut s);
                }
                s.push(Step::Gate(GateKind::Services));
                title = "tomcat (in no trust list; the web UI returns after 10-15 min; itl re-pins the new certificate)".into();
            }
        }
        b.section(title, s);
    }
    // §5.6 clean-up, §5.7 backup.
    let mut s = Vec::new();
    let ccn = facts.runs_anywhere(Service::CertificateChangeNotification);
    if ccn {
        s.push(Step::Stop {
            service: Service::CertificateChangeNotification,
            target: all(),
        });
    }
    s.push(Step::DeleteOldTrust { target: all() });
    s.push(Step::Wait { seconds: 30 * 60 });
    if ccn {
        s.push(Step::Start {
            service: Service::CertificateChangeNotification,
            target: all(),
        });
    }
    s.extend([
        Step::Gate(GateKind::Services),
        Step::Backup,
        Step::Gate(GateKind::Registered),
        Step::Gate(GateKind::Trust),
    ]);
    b.section(
        "trust clean-up (§5.6) and a DRS backup newer than the regeneration (§5.7)",
        s,
    );
    render(facts, &b.sections, &chosen, &skipped)
}

/// Minutes a step is expected to take (see the module docs).
fn minutes(step: &Step, facts: &RegenFacts) -> u64 {
    let nodes = |target: &Target, service: Option<Service>| -> u64 {
        let n = match target {
            Target::Node(_) => 1,
            Target::All => match service {
                Some(s) => facts.nodes.iter().filter(|n| n.runs(s)).count(),
                None => facts.nodes.len(),
            },
        };
        n as u64
    };
    let phones = facts.phones.unwrap_or(0) as u64;
    let batches = phones.div_ceil(200);
    match step {
        Step::Regen { unit, target } => {
            let n = match target {
                Target::Node(_) => 1,
                Target::All => facts.holders(*unit) as u64,
            };
            let auto = if step.resets_phones_by_itself(facts.generation, facts.automatic()) {
                10 + batches / 2
            } else {
                0
            };
            n + auto
        }
        Step::Restart { service, target }
        | Step::Start { service, target }
        | Step::Stop { service, target } => {
            let per = if *service == Service::Tomcat { 15 } else { 2 };
            per * nodes(target, Some(*service))
        }
        Step::IpsecRestart { target } | Step::DeleteOldTrust { target } => nodes(target, None),
        Step::CtlUpdate | Step::ItlResetLocalkey | Step::CtlResetLocalkey => 2,
        Step::ResetPhones { .. } | Step::ReissueLsc { .. } => 10 + batches / 2,
        Step::Wait { seconds } => seconds.div_ceil(60),
        Step::Gate(GateKind::Registered) => 0,
        Step::Gate(GateKind::Trust) => (phones / 500).max(2),
        Step::Gate(_) => 1,
        Step::Backup => 30,
    }
}

fn gate_ids(gates: &[GateKind]) -> String {
    gates.iter().map(|g| g.id()).collect::<Vec<_>>().join(", ")
}

/// The units' names, comma-separated (a plan's header line).
fn unit_names(units: &[CertUnit]) -> String {
    units
        .iter()
        .map(|u| u.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn render(
    facts: &RegenFacts,
    sections: &[Section],
    units: &[CertUnit],
    skipped: &[CertUnit],
) -> Result<GeneratedPlan, GenerateError> {
    // The phases as the executor will cut them; each titled by the sections it spans.
    let steps: Vec<Step> = sections.iter().flat_map(|s| s.steps.clone()).collect();
    let owner: Vec<usize> = sections
        .iter()
        .enumerate()
        .flat_map(|(i, s)| std::iter::repeat_n(i, s.steps.len()))
        .collect();
    let plan = Plan::from_steps(steps);
    let phases = plan.phases(facts.generation, facts.automatic());

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# itl regen plan for cluster {}: CUCM {}, {}{}",
        facts.cluster,
        facts.generation,
        if facts.mixed {
            "mixed mode"
        } else {
            "non-secure"
        },
        if facts.generation.has_phone_interaction() {
            if facts.automatic_phone_interaction {
                ", automatic phone interaction (the cluster resets the phones)"
            } else {
                ", manual phone interaction (the plan resets the phones)"
            }
        } else {
            ""
        }
    );
    let _ = writeln!(out, "# units: {}", unit_names(units));
    if !skipped.is_empty() {
        let _ = writeln!(
            out,
            "# skipped (no node holds them): {}",
            unit_names(skipped)
        );
    }
    for n in &facts.nodes {
        let services: Vec<&str> = n.services.iter().map(|s| s.plan_name()).collect();
        let _ = writeln!(
            out,
            "# node {}{}: {}",
            n.name,
            if n.publisher { " (publisher)" } else { "" },
            services.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "# LSCs: {}; SSO: {}; phones: {}",
        if facts.lscs_in_use { "in use" } else { "none" },
        if facts.sso { "in use" } else { "not seen" },
        facts
            .phones
            .map_or_else(|| "unknown".to_owned(), |p| p.to_string())
    );
    for d in &facts.dependants {
        let _ = writeln!(
            out,
            "# dependant: {d} (update it by hand where its phase says)"
        );
    }
    for n in &facts.notes {
        let _ = writeln!(out, "# note: {n}");
    }
    let _ = writeln!(
        out,
        "# gates: G-SVC services started, G-FILE lists verified, G-REG phones re-registered, G-TRUST phones hold the served lists"
    );
    let _ = writeln!(
        out,
        "# durations are estimates (regen 1 min/node, restart 2 min/node, Tomcat 15 min, resets 30 s per 200 phones + 10 min, backup 30 min)"
    );

    let mut summaries = Vec::new();
    let mut total = 0;
    let mut index = 0;
    for phase in &phases {
        let mut titles: Vec<&str> = Vec::new();
        for k in index..index + phase.steps.len() {
            let title = sections[owner[k]].title.as_str();
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
        let title = titles.join("; ");
        let mins: u64 = phase.steps.iter().map(|s| minutes(&s.step, facts)).sum();
        total += mins;
        let _ = writeln!(
            out,
            "\n# phase {}: {title}\n# gates: {}{}; expected about {mins} min",
            phase.number,
            gate_ids(&phase.gates),
            if phase.names_gates() {
                ""
            } else {
                " (the default four)"
            }
        );
        for (k, s) in phase.steps.iter().enumerate() {
            if k > 0 && owner[index + k] != owner[index + k - 1] {
                let _ = writeln!(out, "# then: {}", sections[owner[index + k]].title);
            }
            let _ = writeln!(out, "{}", s.step);
            if let Some(comment) = step_comment(&s.step, facts) {
                let _ = writeln!(out, "#   {comment}");
            }
        }
        summaries.push(PhaseSummary {
            number: phase.number,
            title,
            gates: phase.gates.clone(),
            minutes: mins,
        });
        index += phase.steps.len();
    }
    let _ = writeln!(out, "\n# expected in total: about {total} min");
    let parsed = Plan::parse(&out).map_err(|e| GenerateError::Unparsable(e.to_string()))?;
    debug_assert_eq!(
        parsed.steps().iter().map(|s| &s.step).collect::<Vec<_>>(),
        plan.steps()
            .iter()
            .map(|s: &PlanStep| &s.step)
            .collect::<Vec<_>>()
    );
    Ok(GeneratedPlan {
        text: out,
        plan: parsed,
        phases: summaries,
        minutes: total,
    })
}

/// A comment for steps an operator must know more about.
fn step_comment(step: &Step, facts: &RegenFacts) -> Option<String> {
    let on = |s: Service| facts.nodes_running(s).join(", ");
    match step {
        Step::Restart {
            service,
            target: Target::All,
        } => Some(format!("runs on: {}", on(*service))),
        Step::Regen {
            unit: CertUnit::Capf,
            ..
        } => Some(
            "upload the new CAPF certificate to RADIUS / ASA where 802.1x or phone VPN uses it (by hand)"
                .into(),
        ),
        Step::Regen {
            unit: CertUnit::Tomcat,
            ..
        } if facts.sso => Some("SSO: re-exchange the metadata with the identity provider (by hand)".into()),
        Step::DeleteOldTrust { .. } => Some(
            "the trust certificates this run replaced, on each node (the delete command is inferred)"
                .into(),
        ),
        Step::ReissueLsc { .. } => Some(
            "the old CAPF-trust stays until every LSC is re-issued (§5.6)".into(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
