//! Plan files: a planned certificate change, one step per line.
//!
//! ```text
//! # comments start with '#', blank lines are ignored
//! regen <unit> [@<node|all>]      units: CallManager, TVS, ITLRecovery, CAPF, ipsec, tomcat,
//!                                 CallManager-ECDSA, tomcat-ECDSA
//! ctl update                      utils ctl update CTLFile (mixed mode)
//! restart <service> [@<node|all>] services by plan name: TFTP, TVS, CallManager, CTIManager,
//!                                 CAPF, Tomcat, DRF Master... (see cucm::Service)
//! reset phones [@<device pool>]   (also: restart phones)
//! wait registered                 a gate: every phone that is on has re-registered
//! itl reset localkey              utils itl reset localkey: ITLs signed by the other SAST key
//! ctl reset localkey              utils ctl reset localkey: the CTL likewise (mixed mode)
//! ```
//!
//! `@` may touch the word before it (`regen CallManager@ucm-pub`); a missing target means
//! every node where the unit or service exists. Names are case-insensitive; the usual CUCM
//! spellings are accepted (`Cisco Tftp`, `tvs`, `utils ctl update CTLFile`,
//! `wait-registration`). Every line that is not a step is an error naming its line number;
//! [`Plan::parse`] reports all of them at once.
//!
//! ```
//! use itl_core::plan::{CertUnit, Plan, Step, Target};
//! let plan = Plan::parse("# CallManager first\nregen CallManager@ucm-pub\nrestart TFTP @all\nreset phones\nwait registered\n").unwrap();
//! assert_eq!(plan.steps().len(), 4);
//! assert_eq!(plan.steps()[0].line, 2);
//! assert_eq!(plan.steps()[0].step, Step::Regen { unit: CertUnit::CallManager, target: Target::Node("ucm-pub".into()) });
//! assert_eq!(plan.to_string(), "regen CallManager @ucm-pub\nrestart TFTP @all\nreset phones\nwait registered\n");
//!
//! let err = Plan::parse("regen CallManager@all\nregen certs\nrestart\n").unwrap_err();
//! assert_eq!(err.errors.len(), 2);
//! assert!(err.to_string().starts_with("line 2: unknown unit \"certs\" (CallManager, TVS, "));
//! ```

use std::fmt;

pub use crate::cucm::{CertUnit, Service};

/// Where a step applies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every node where the unit or service exists.
    All,
    /// One node, by name.
    Node(String),
}

impl Target {
    /// Whether the target includes the node `name` (case-insensitive).
    pub fn includes(&self, name: &str) -> bool {
        match self {
            Target::All => true,
            Target::Node(n) => n.eq_ignore_ascii_case(name),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::All => f.write_str("@all"),
            Target::Node(n) => write!(f, "@{n}"),
        }
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `regen <unit> @<node|all>`: `set cert regen <unit>`.
    Regen {
        /// The certificate unit.
        unit: CertUnit,
        /// Where.
        target: Target,
    },
    /// `ctl update`: `utils ctl update CTLFile` on the publisher.
    CtlUpdate,
    /// `restart <service> @<node|all>`.
    Restart {
        /// The service.
        service: Service,
        /// Where.
        target: Target,
    },
    /// `reset phones [@<device pool>]`: every phone (or one pool's) downloads its lists.
    ResetPhones {
        /// Only this device pool, when set.
        device_pool: Option<String>,
    },
    /// `wait registered`: a gate; the next step waits until every phone that is on has
    /// re-registered.
    WaitRegistered,
    /// `itl reset localkey`: `utils itl reset localkey` on the publisher: every TFTP node's
    /// ITL is rebuilt from the current certificates and signed with the other SAST key (12+:
    /// the node's CallManager key; 11.5: its ITLRecovery key) until TFTP restarts there
    /// (`trust-and-procedure.md` §5.8).
    ItlResetLocalkey,
    /// `ctl reset localkey`: `utils ctl reset localkey`: the CTL is rebuilt and signed with
    /// the publisher's other SAST key (12+: CallManager; 11.5: ITLRecovery) until the next
    /// `ctl update` (mixed mode).
    CtlResetLocalkey,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Regen { unit, target } => write!(f, "regen {unit} {target}"),
            Step::CtlUpdate => f.write_str("ctl update"),
            Step::Restart { service, target } => write!(f, "restart {service} {target}"),
            Step::ResetPhones { device_pool: None } => f.write_str("reset phones"),
            Step::ResetPhones {
                device_pool: Some(p),
            } => write!(f, "reset phones @{p}"),
            Step::WaitRegistered => f.write_str("wait registered"),
            Step::ItlResetLocalkey => f.write_str("itl reset localkey"),
            Step::CtlResetLocalkey => f.write_str("ctl reset localkey"),
        }
    }
}

/// A step and the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanStep {
    /// 1-based line number in the plan file (0 for steps built in code).
    pub line: usize,
    /// The step.
    pub step: Step,
}

/// One problem with one line of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Every problem found in a plan, in line order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    /// The problems, one per bad line at least.
    pub errors: Vec<LineError>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// A parsed plan: the steps in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    steps: Vec<PlanStep>,
}

impl Plan {
    /// A plan made of `steps` (line numbers 0).
    pub fn from_steps(steps: impl IntoIterator<Item = Step>) -> Self {
        Self {
            steps: steps
                .into_iter()
                .map(|step| PlanStep { line: 0, step })
                .collect(),
        }
    }

    /// Parses a plan file. Every bad line is reported, with its number; an empty plan (no
    /// step at all) is an error too.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let mut steps = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            match parse_step(content) {
                Ok(step) => steps.push(PlanStep { line, step }),
                Err(message) => errors.push(LineError { line, message }),
            }
        }
        if steps.is_empty() && errors.is_empty() {
            errors.push(LineError {
                line: text.lines().count().max(1),
                message: "the plan has no step".into(),
            });
        }
        if errors.is_empty() {
            Ok(Self { steps })
        } else {
            Err(PlanError { errors })
        }
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[PlanStep] {
        &self.steps
    }

    /// Checks the plan's node and device-pool names against a cluster: every problem, with
    /// its line number.
    pub fn check_names(&self, nodes: &[&str], device_pools: &[&str]) -> Result<(), PlanError> {
        let mut errors = Vec::new();
        let known = |list: &[&str], name: &str| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        for s in &self.steps {
            match &s.step {
                Step::Regen {
                    target: Target::Node(n),
                    ..
                }
                | Step::Restart {
                    target: Target::Node(n),
                    ..
                } if !known(nodes, n) => errors.push(LineError {
                    line: s.line,
                    message: format!("unknown node {n:?} (nodes: {})", nodes.join(", ")),
                }),
                Step::ResetPhones {
                    device_pool: Some(p),
                } if !known(device_pools, p) => errors.push(LineError {
                    line: s.line,
                    message: format!(
                        "unknown device pool {p:?} (pools: {})",
                        device_pools.join(", ")
                    ),
                }),
                _ => {}
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PlanError { errors })
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.steps {
            writeln!(f, "{}", s.step)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Plan {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plan::parse(s)
    }
}

/// Splits `words @target` (the `@` may touch the word before it) into the words and the
/// `phones [@<device pool>|@all]` after `reset` or `restart`: `None` when the words are not
/// `phones`. `@all` means every phone, as no pool does.
fn phones_step(rest: &str) -> Option<Result<Step, String>> {
    let (words, pool) = match rest.split_once('@') {
        Some((w, p)) => (w.trim(), Some(p.trim())),
        None => (rest.trim(), None),
    };
    if !words.eq_ignore_ascii_case("phones") {
        return None;
    }
    Some(match pool {
        Some("") => Err("\"@\" needs a device pool name".into()),
        Some(p) if p.eq_ignore_ascii_case("all") => Ok(Step::ResetPhones { device_pool: None }),
        Some(p) => Ok(Step::ResetPhones {
            device_pool: Some(p.to_owned()),
        }),
        None => Ok(Step::ResetPhones { device_pool: None }),
    })
}

/// target.
fn split_target(rest: &str) -> Result<(String, Option<Target>), String> {
    match rest.split_once('@') {
        None => Ok((rest.trim().to_owned(), None)),
        Some((before, after)) => {
            let name = after.trim();
            if name.is_empty() {
                return Err("\"@\" needs a node name or \"all\"".into());
            }
            if name.contains('@') || name.chars().any(char::is_whitespace) {
                return Err(format!("{name:?} is not one node name"));
            }
            let target = if name.eq_ignore_ascii_case("all") {
                Target::All
            } else {
                Target::Node(name.to_owned())
            };
            Ok((before.trim().to_owned(), Some(target)))
        }
    }
}

fn parse_step(content: &str) -> Result<Step, String> {
    let lower = content.to_ascii_lowercase();
    let (verb, rest) = match content.split_once(char::is_whitespace) {
        Some((v, r)) => (v.to_ascii_lowercase(), r.trim()),
        None => (lower.clone(), ""),
    };
    match verb.as_str() {
        "regen" | "regenerate" => {
            let (words, target) = split_target(rest)?;
            if words.is_empty() {
                return Err(format!("\"regen\" needs a unit ({})", CertUnit::names()));
            }
            let unit = words.parse::<CertUnit>().map_err(|e| e.to_string())?;
            Ok(Step::Regen {
                unit,
                target: target.unwrap_or(Target::All),
            })
        }
        "restart" => {
            if let Some(step) = phones_step(rest) {
                return step;
            }
            let (words, target) = split_target(rest)?;
            if words.is_empty() {
                return Err(format!(
                    "\"restart\" needs a service ({}) or \"phones\"",
                    Service::plan_names()
                ));
            }
            let service = words.parse::<Service>().map_err(|e| e.to_string())?;
            Ok(Step::Restart {
                service,
                target: target.unwrap_or(Target::All),
            })
        }
        "reset" => phones_step(rest).unwrap_or_else(|| {
            Err(format!(
                "unknown step {content:?}: did you mean \"reset phones [@<device pool>]\"?"
            ))
        }),
        _ => {
            let words: Vec<&str> = lower.split_whitespace().collect();
            match words.as_slice() {
                ["ctl", "update"]
                | ["ctl", "update", "ctlfile"]
                | ["utils", "ctl", "update", "ctlfile"] => Ok(Step::CtlUpdate),
                ["itl", "reset", "localkey"] | ["utils", "itl", "reset", "localkey"] => {
                    Ok(Step::ItlResetLocalkey)
                }
                ["ctl", "reset", "localkey"] | ["utils", "ctl", "reset", "localkey"] => {
                    Ok(Step::CtlResetLocalkey)
                }
                ["wait", "registered"]
                | ["wait", "registration"]
                | ["wait-registration"]
                | ["wait-registered"] => Ok(Step::WaitRegistered),
                _ => Err(format!(
                    "unknown step {content:?} (steps: regen <unit> @<node|all>, ctl update, restart <service> @<node|all>, reset phones [@<device pool>], wait registered, itl reset localkey, ctl reset localkey)"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Result<Step, String> {
        Plan::parse(line)
            .map(|p| p.steps()[0].step.clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_form_parses_to_its_step() {
        let node = |n: &str| Target::Node(n.into());
        let cases = [
            (
                "regen CallManager @ucm-pub",
                Step::Regen {
                    unit: CertUnit::CallManager,
                    target: node("ucm-pub"),
                },
            ),
            (
                "regen callmanager@ucm-sub1",
                Step::Regen {
                    unit: CertUnit::CallManager,
                    target: node("ucm-sub1"),
                },
            ),
            (
                "regen TVS@all",
                Step::Regen {
                    unit: CertUnit::Tvs,
                    target: Target::All,
                },
            ),
            (
                "regen ITLRecovery",
                Step::Regen {
                    unit: CertUnit::ItlRecovery,
                    target: Target::All,
                },
            ),
            (
                "REGEN capf @ucm-pub",
                Step::Regen {
                    unit: CertUnit::Capf,
                    target: node("ucm-pub"),
                },
            ),
            (
                "regen ipsec @all",
                Step::Regen {
                    unit: CertUnit::Ipsec,
                    target: Target::All,
                },
            ),
            (
                "regen tomcat",
                Step::Regen {
                    unit: CertUnit::Tomcat,
                    target: Target::All,
                },
            ),
            ("ctl update", Step::CtlUpdate),
            ("utils ctl update CTLFile", Step::CtlUpdate),
            (
                "restart TFTP @all",
                Step::Restart {
                    service: Service::Tftp,
                    target: Target::All,
                },
            ),
            (
                "restart Cisco Tftp @ucm-sub1",
                Step::Restart {
                    service: Service::Tftp,
                    target: node("ucm-sub1"),
                },
            ),
            (
                "restart tvs",
                Step::Restart {
                    service: Service::Tvs,
                    target: Target::All,
                },
            ),
            ("reset phones", Step::ResetPhones { device_pool: None }),
            ("reset phones @all", Step::ResetPhones { device_pool: None }),
            // Found by fuzzing: `@all` after `restart phones` is every phone too, not a pool.
            (
                "restart phones@all",
                Step::ResetPhones { device_pool: None },
            ),
            (
                "RESTART phones @ALL",
                Step::ResetPhones { device_pool: None },
            ),
            (
                "reset phones @DP HQ",
                Step::ResetPhones {
                    device_pool: Some("DP HQ".into()),
                },
            ),
            (
                "restart phones @DP-1",
                Step::ResetPhones {
                    device_pool: Some("DP-1".into()),
                },
            ),
            ("wait registered", Step::WaitRegistered),
            ("wait-registration", Step::WaitRegistered),
            ("  wait   registered   # gate", Step::WaitRegistered),
            ("itl reset localkey", Step::ItlResetLocalkey),
            ("utils itl reset localkey", Step::ItlResetLocalkey),
            ("ctl reset localkey", Step::CtlResetLocalkey),
        ];
        for (text, want) in cases {
            assert_eq!(one(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn bad_lines_are_reported_with_their_numbers() {
        let cases = [
            (
                "regen",
                "line 1: \"regen\" needs a unit (CallManager, TVS, ITLRecovery, CAPF, ipsec, tomcat, CallManager-ECDSA, tomcat-ECDSA)",
            ),
            (
                "regen CallManager @",
                "line 1: \"@\" needs a node name or \"all\"",
            ),
            (
                "regen CallManager @a b",
                "line 1: \"a b\" is not one node name",
            ),
            (
                "restart ntp @all",
                "line 1: unknown service \"ntp\" (CallManager, CTIManager, TFTP, TVS, CAPF, CTL Provider, Tomcat, DRF Master, DRF Local, Certificate Change Notification, HAProxy, SSOSP Tomcat, RIS Data Collector)",
            ),
            (
                "reset everything",
                "line 1: unknown step \"reset everything\": did you mean \"reset phones [@<device pool>]\"?",
            ),
            ("reset phones @", "line 1: \"@\" needs a device pool name"),
            (
                "ctl updat",
                "line 1: unknown step \"ctl updat\" (steps: regen <unit> @<node|all>, ctl update, restart <service> @<node|all>, reset phones [@<device pool>], wait registered, itl reset localkey, ctl reset localkey)",
            ),
            ("# nothing\n\n", "line 2: the plan has no step"),
            ("", "line 1: the plan has no step"),
        ];
        for (text, want) in cases {
            assert_eq!(one(text), Err(want.to_owned()), "{text:?}");
        }
        let err = Plan::parse("ctl update\nbogus\nwait registered\nregen x@y\n").unwrap_err();
        assert_eq!(
            err.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [2, 4]
        );
    }

    #[test]
    fn display_round_trips() {
        let text = "regen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones @DP-1\nwait registered\nregen TVS @all\nrestart TVS @all\nctl update\nreset phones\nitl reset localkey\nctl reset localkey\n";
        let plan = Plan::parse(text).unwrap();
        assert_eq!(plan.to_string(), text);
        assert_eq!(Plan::parse(&plan.to_string()).unwrap(), plan);
    }

    #[test]
    fn names_are_checked_against_the_cluster() {
        let plan = Plan::parse(
            "regen CallManager @ucm-pub\nregen TVS @ucm-sub9\nreset phones @DP-1\nreset phones @DP-X\nrestart TFTP @UCM-PUB\n",
        )
        .unwrap();
        let err = plan
            .check_names(&["ucm-pub", "ucm-sub1"], &["DP-1", "DP-2"])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: unknown node \"ucm-sub9\" (nodes: ucm-pub, ucm-sub1)\nline 4: unknown device pool \"DP-X\" (pools: DP-1, DP-2)"
        );
        let good = Plan::parse("regen CallManager @ucm-pub\nreset phones @dp-1\n").unwrap();
        assert_eq!(good.check_names(&["ucm-pub"], &["DP-1"]), Ok(()));
    }
}
