//! Plan files: a planned certificate change, one step per line.
//!
//! ```text
//! # comments start with '#', blank lines are ignored
//! regen <unit> [@<node|all>]      units: CallManager, TVS, ITLRecovery, CAPF, ipsec, tomcat,
//!                                 CallManager-ECDSA, tomcat-ECDSA
//! ctl update                      utils ctl update CTLFile (mixed mode)
//! restart <service> [@<node|all>] services by plan name: TFTP, TVS, CallManager, CTIManager,
//!                                 CAPF, Tomcat, DRF Master, DRF Local, HAProxy, SSOSP Tomcat,
//!                                 Certificate Change Notification... (see cucm::Service)
//! stop <service> [@<node|all>]    stop a service (Control Center; Tomcat through the CLI)
//! start <service> [@<node|all>]   start it again
//! ipsec restart [@<node|all>]     utils ipsec restart (14+, after an ipsec regeneration)
//! reset phones [@<device pool>]   (also: restart phones)
//! wait <duration>                 a pause: 30m, 90s, 1h (1h30m; at most 7 days)
//! gate <gate>                     services | files | registered | trust (G-SVC, G-FILE,
//!                                 G-REG, G-TRUST); `wait registered` is `gate registered`
//! itl reset localkey              utils itl reset localkey: ITLs signed by the other SAST key
//! ctl reset localkey              utils ctl reset localkey: the CTL likewise (mixed mode)
//! delete old-trust [@<node|all>]  delete the trust certificates this run replaced (§5.6)
//! reissue lsc [@<device pool>]    re-issue the phones' LSCs (CAPF operation) after CAPF
//! backup                          a DRS backup newer than the last regeneration (§5.7)
//! ```
//!
//! `@` may touch the word before it (`regen CallManager@ucm-pub`); a missing target means
//! every node where the unit or service exists. Names are case-insensitive; the usual CUCM
//! spellings are accepted (`Cisco Tftp`, `tvs`, `utils ctl update CTLFile`, `utils ipsec
//! restart`, `wait-registration`, `gate G-REG`). Every line that is not a step is an error
//! naming its line number; [`Plan::parse`] reports all of them at once. A plan prints
//! (`Display`) one canonical line per step, which parses to the same steps.
//!
//! [`Plan::phases`] cuts a plan into the phases an executor runs, each with its gates
//! ([`phases`]).
//!
//! ```
//! use itl_core::plan::{CertUnit, Plan, Step, Target};
//! let plan = Plan::parse("# CallManager first\nregen CallManager@ucm-pub\nrestart TFTP @all\nreset phones\nwait registered\n").unwrap();
//! assert_eq!(plan.steps().len(), 4);
//! assert_eq!(plan.steps()[0].line, 2);
//! assert_eq!(plan.steps()[0].step, Step::Regen { unit: CertUnit::CallManager, target: Target::Node("ucm-pub".into()) });
//! assert_eq!(plan.to_string(), "regen CallManager @ucm-pub\nrestart TFTP @all\nreset phones\ngate registered\n");
//!
//! let err = Plan::parse("regen CallManager@all\nregen certs\nrestart\n").unwrap_err();
//! assert_eq!(err.errors.len(), 2);
//! assert!(err.to_string().starts_with("line 2: unknown unit \"certs\" (CallManager, TVS, "));
//! ```

use std::fmt;

mod parse;
pub mod phases;
mod step;

pub use crate::cucm::{CertUnit, Service};
pub use parse::{MAX_WAIT_SECONDS, parse_duration};
pub use phases::Phase;
pub use step::{GateKind, Step, Target, format_duration};

use parse::parse_step;

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
            if let Some(n) = s.step.node()
                && !known(nodes, n)
            {
                errors.push(LineError {
                    line: s.line,
                    message: format!("unknown node {n:?} (nodes: {})", nodes.join(", ")),
                });
            }
            if let Some(p) = s.step.device_pool()
                && !known(device_pools, p)
            {
                errors.push(LineError {
                    line: s.line,
                    message: format!(
                        "unknown device pool {p:?} (pools: {})",
                        device_pools.join(", ")
                    ),
                });
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
            (
                "regen CallManager-ECDSA @ucm-pub",
                Step::Regen {
                    unit: CertUnit::CallManagerEcdsa,
                    target: node("ucm-pub"),
                },
            ),
            (
                "regen tomcat-ecdsa",
                Step::Regen {
                    unit: CertUnit::TomcatEcdsa,
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
            ("wait registered", Step::Gate(GateKind::Registered)),
            ("wait-registration", Step::Gate(GateKind::Registered)),
            (
                "  wait   registered   # gate",
                Step::Gate(GateKind::Registered),
            ),
            ("gate registered", Step::Gate(GateKind::Registered)),
            ("gate G-REG", Step::Gate(GateKind::Registered)),
            ("gate services", Step::Gate(GateKind::Services)),
            ("GATE files", Step::Gate(GateKind::Files)),
            ("gate g-trust", Step::Gate(GateKind::Trust)),
            ("wait 30m", Step::Wait { seconds: 1800 }),
            ("wait 90s", Step::Wait { seconds: 90 }),
            ("wait 1h", Step::Wait { seconds: 3600 }),
            ("wait 1h30m", Step::Wait { seconds: 5400 }),
            ("wait 2 min", Step::Wait { seconds: 120 }),
            (
                "stop DRF Master @ucm-pub",
                Step::Stop {
                    service: Service::DrfMaster,
                    target: node("ucm-pub"),
                },
            ),
            (
                "stop Cisco Certificate Change Notification@all",
                Step::Stop {
                    service: Service::CertificateChangeNotification,
                    target: Target::All,
                },
            ),
            (
                "start certificate  change notification",
                Step::Start {
                    service: Service::CertificateChangeNotification,
                    target: Target::All,
                },
            ),
            (
                "start SSOSP Tomcat @ucm-sub1",
                Step::Start {
                    service: Service::SsospTomcat,
                    target: node("ucm-sub1"),
                },
            ),
            (
                "restart HAProxy",
                Step::Restart {
                    service: Service::HaProxy,
                    target: Target::All,
                },
            ),
            (
                "restart CTIManager @all",
                Step::Restart {
                    service: Service::CtiManager,
                    target: Target::All,
                },
            ),
            (
                "ipsec restart @ucm-pub",
                Step::IpsecRestart {
                    target: node("ucm-pub"),
                },
            ),
            (
                "utils ipsec restart",
                Step::IpsecRestart {
                    target: Target::All,
                },
            ),
            (
                "delete old-trust @all",
                Step::DeleteOldTrust {
                    target: Target::All,
                },
            ),
            (
                "delete old trust@ucm-sub1",
                Step::DeleteOldTrust {
                    target: node("ucm-sub1"),
                },
            ),
            ("reissue lsc", Step::ReissueLsc { device_pool: None }),
            ("reissue LSC @all", Step::ReissueLsc { device_pool: None }),
            (
                "reissue lsc @DP HQ",
                Step::ReissueLsc {
                    device_pool: Some("DP HQ".into()),
                },
            ),
            ("backup", Step::Backup),
            ("drs backup", Step::Backup),
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
                "line 1: unknown step \"ctl updat\" (steps: regen <unit> @<node|all>, ctl update, restart|stop|start <service> @<node|all>, ipsec restart @<node|all>, reset phones [@<device pool>], wait <duration>, gate <services|files|registered|trust>, itl reset localkey, ctl reset localkey, delete old-trust @<node|all>, reissue lsc [@<device pool>], backup)",
            ),
            ("# nothing\n\n", "line 2: the plan has no step"),
            (
                "stop",
                "line 1: \"stop\" needs a service (CallManager, CTIManager, TFTP, TVS, CAPF, CTL Provider, Tomcat, DRF Master, DRF Local, Certificate Change Notification, HAProxy, SSOSP Tomcat, RIS Data Collector)",
            ),
            (
                "start DRF Primus @ucm-pub",
                "line 1: unknown service \"DRF Primus\" (CallManager, CTIManager, TFTP, TVS, CAPF, CTL Provider, Tomcat, DRF Master, DRF Local, Certificate Change Notification, HAProxy, SSOSP Tomcat, RIS Data Collector)",
            ),
            ("stop TFTP @", "line 1: \"@\" needs a node name or \"all\""),
            (
                "gate",
                "line 1: \"gate\" needs a gate (services|files|registered|trust)",
            ),
            (
                "gate phones",
                "line 1: unknown gate \"phones\" (services|files|registered|trust)",
            ),
            (
                "wait",
                "line 1: \"wait\" needs a duration (30m, 90s, 1h) or \"registered\"",
            ),
            ("wait 30", "line 1: \"30\" needs a unit: 30s, 30m or 30h"),
            (
                "wait soon",
                "line 1: \"soon\" is not a duration like 30m, 90s or 1h",
            ),
            ("wait 0m", "line 1: a wait needs a duration longer than 0s"),
            (
                "wait 8d",
                "line 1: \"8d\" is not a duration like 30m, 90s or 1h",
            ),
            (
                "wait 169h",
                "line 1: a wait of \"169h\" is longer than 7 days",
            ),
            (
                "wait 99999999999999999999h",
                "line 1: \"99999999999999999999h\" is not a duration like 30m, 90s or 1h",
            ),
            (
                "ipsec reload",
                "line 1: unknown step \"ipsec reload\": did you mean \"ipsec restart @<node|all>\"?",
            ),
            ("ipsec restart @a b", "line 1: \"a b\" is not one node name"),
            (
                "delete everything",
                "line 1: unknown step \"delete everything\": did you mean \"delete old-trust @<node|all>\"?",
            ),
            (
                "reissue capf",
                "line 1: unknown step \"reissue capf\": did you mean \"reissue lsc [@<device pool>]\"?",
            ),
            ("reissue lsc @", "line 1: \"@\" needs a device pool name"),
            ("", "line 1: the plan has no step"),
        ];
        for (text, want) in cases {
            assert_eq!(one(text), Err(want.to_owned()), "{text:?}");
        }
        let err =
            Plan::parse("ctl update\nbogus\nwait registered\nregen x@y\nwait 5x\n").unwrap_err();
        assert_eq!(
            err.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [2, 4, 5]
        );
    }

    #[test]
    fn display_round_trips() {
        let text = "regen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones @DP-1\ngate registered\nregen TVS @all\nrestart TVS @all\nctl update\nreset phones\nitl reset localkey\nctl reset localkey\n\
                    stop DRF Master @ucm-pub\nstart Certificate Change Notification @all\nipsec restart @all\nwait 30m\nwait 90s\nwait 1h\ngate services\ngate files\ngate trust\n\
                    delete old-trust @ucm-sub1\nreissue lsc\nreissue lsc @DP HQ\nbackup\nregen CallManager-ECDSA @all\nregen tomcat-ECDSA @all\n";
        let plan = Plan::parse(text).unwrap();
        assert_eq!(plan.to_string(), text);
        assert_eq!(Plan::parse(&plan.to_string()).unwrap(), plan);
    }

    #[test]
    fn names_are_checked_against_the_cluster() {
        let plan = Plan::parse(
            "regen CallManager @ucm-pub\nregen TVS @ucm-sub9\nreset phones @DP-1\nreset phones @DP-X\nrestart TFTP @UCM-PUB\nstop TVS @ucm-sub7\ndelete old-trust @ucm-sub8\nreissue lsc @DP-Y\nipsec restart @ucm-sub1\n",
        )
        .unwrap();
        let err = plan
            .check_names(&["ucm-pub", "ucm-sub1"], &["DP-1", "DP-2"])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: unknown node \"ucm-sub9\" (nodes: ucm-pub, ucm-sub1)\nline 4: unknown device pool \"DP-X\" (pools: DP-1, DP-2)\nline 6: unknown node \"ucm-sub7\" (nodes: ucm-pub, ucm-sub1)\nline 7: unknown node \"ucm-sub8\" (nodes: ucm-pub, ucm-sub1)\nline 8: unknown device pool \"DP-Y\" (pools: DP-1, DP-2)"
        );
        let good = Plan::parse("regen CallManager @ucm-pub\nreset phones @dp-1\n").unwrap();
        assert_eq!(good.check_names(&["ucm-pub"], &["DP-1"]), Ok(()));
    }
}
