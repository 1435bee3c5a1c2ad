//! The driver: the thin I/O loop around the [`Executor`](super::executor::Executor). It asks
//! the executor what to do, observes and acts with [`Hands`], writes every record to the
//! journal before the executor sees it, and reports to an [`Operator`] (the terminal).
//!
//! Before each phase it sweeps the phones (the baseline of G-REG and G-TRUST, kept in the
//! journal folder as `phase-<n>-baseline.json`), predicts the rest of the plan from that
//! sweep, and refuses the phase when a phone that is on would be left rejecting (unless
//! forced). Phones that cannot be assessed are assumed to hold what their TFTP node serves;
//! the journal says how many.

pub mod hands;
pub mod pin;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use itl_core::cucm::{CertUnit, ItlFileStatus, Service};
use itl_core::plan::{GateKind, Plan, Step};
use itl_core::predict::{ClusterModel, PredictOptions, predict};
use itl_core::time::UnixTime;
use itl_cucm::plan_input::{PlanInputOptions, plan_inputs};
use itl_cucm::sweep::{Archive, SweepOptions, SweepReport};
use itl_wire::admin_cli::Command;
use itl_wire::soap::axl_capf::{
    OPERATION_INSTALL_UPGRADE, STATUS_OPERATION_PENDING, STATUS_UPGRADE_SUCCESS,
};
use itl_wire::soap::control_center::ControlType;
use serde::{Deserialize, Serialize};

use super::executor::{Executor, Next};
use super::forecast::{PhaseForecast, forecast};
use super::gates::{
    self, ExpectedService, FileExpectation, GateVerdict, Registration, TrustReading, WasReset,
};
use super::journal::{
    BackupTarget, Journal, JournalError, Observation, Record, SerialFact, StepOutcome,
};
use super::plan::RegenFacts;
use super::program::{Action, ActionKind, Program};
use super::settle::{Settled, settle};
use crate::preflight::sweep_cluster;
use hands::Hands;

/// How the driver runs.
#[derive(Clone, Debug)]
pub struct DriverOptions {
    /// Phones reset per batch.
    pub reset_batch: usize,
    /// Pause between two reset batches.
    pub reset_interval: Duration,
    /// Multiplies the plan's waits, the reset interval and the gates' timeouts (1 on a real
    /// cluster; small on a simulator running at a time scale).
    pub wait_scale: f64,
    /// How long a gate or a service waits before it holds the run.
    pub gate_timeout: Duration,
    /// How often a waiting gate looks again.
    pub poll: Duration,
    /// Ask nothing (`--yes`).
    pub yes: bool,
    /// The reason given with `--force`.
    pub force: Option<String>,
    /// Sweep settings (baselines and G-TRUST).
    pub sweep: SweepOptions,
    /// Where the sweeps archive the lists they meet.
    pub archive: PathBuf,
    /// Where DRS backs up to, when the `backup` step should start one; without it the step
    /// waits for a backup taken another way.
    pub backup: Option<BackupTarget>,
}

impl DriverOptions {
    fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.wait_scale.max(0.0))
    }

    /// A bounded wait of `timeout` (scaled), looking again every `poll` (scaled, ≥ 20 ms).
    fn wait(&self, timeout: Duration) -> Wait {
        Wait {
            start: std::time::Instant::now(),
            timeout: self.scaled(timeout),
            poll: self.scaled(self.poll).max(Duration::from_millis(20)),
        }
    }
}

/// A bounded wait: when it began, how long it may last, how often to look again.
struct Wait {
    start: std::time::Instant,
    timeout: Duration,
    poll: Duration,
}

impl Wait {
    fn expired(&self) -> bool {
        self.start.elapsed() >= self.timeout
    }

    /// Shows how far the wait is, then sleeps until the next look.
    async fn pause(&self, op: &mut dyn Operator, label: &str) {
        op.progress(
            label,
            self.start.elapsed().as_millis() as u64,
            self.timeout.as_millis() as u64,
        );
        tokio::time::sleep(self.poll).await;
    }
}

/// The terminal side of a run.
pub trait Operator: Send {
    /// Asks a yes/no question.
    fn confirm(&mut self, question: &str) -> bool;
    /// A timestamped line.
    fn say(&mut self, at: UnixTime, text: &str);
    /// What a wait is waiting for, and how far it is.
    fn progress(&mut self, label: &str, done: u64, total: u64);
    /// The wait is over.
    fn progress_end(&mut self);
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// The plan completed.
    Finished,
    /// A step failed or a gate did not pass: the run holds; `resume` continues.
    Held {
        /// The step or gate id.
        step: String,
        /// Why.
        reason: String,
        /// What to do before `resume`.
        what_to_do: Vec<String>,
    },
    /// The predictor refused a phase (phones would be left rejecting) and no `--force` was
    /// given.
    Refused {
        /// The phase.
        phase: usize,
        /// The phones, by name.
        rejected: Vec<String>,
    },
    /// The operator answered no before a phase.
    Declined {
        /// The phase.
        phase: usize,
    },
}

/// Why the driver could not go on (distinct from a hold: the journal itself failed).
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The journal could not be written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The baseline of a phase could not be written or read.
    #[error("phase baseline {path}: {message}")]
    Baseline {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// What a phase started from: its registrations and its sweep.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PhaseBaseline {
    /// The phase.
    pub phase: usize,
    /// When it was taken.
    pub at: UnixTime,
    /// Phones registered then (name, registered, RisPort timestamp).
    pub registrations: Vec<(String, bool, Option<UnixTime>)>,
    /// The sweep.
    pub sweep: SweepReport,
    /// On 14+, the ITL File Status of the phones the sweep could not read (when the cluster
    /// reports it): a `Match` counts them as ok at the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itl_file_status: Option<BTreeMap<String, ItlFileStatus>>,
}

/// The wall clock (the driver is the only part of the orchestrator that reads it).
pub fn now() -> UnixTime {
    UnixTime::from_secs(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
    )
}

/// One run.
pub struct Driver<'o> {
    hands: Hands,
    facts: RegenFacts,
    plan: Plan,
    program: Program,
    journal: Journal,
    exec: Executor,
    options: DriverOptions,
    op: &'o mut dyn Operator,
    /// Whether the journal already says why the ITL File Status cannot stand in.
    itl_file_status_noted: bool,
}

impl<'o> Driver<'o> {
    /// A driver for `program` (built from `plan` on `facts`), continuing `journal`.
    pub fn new(
        hands: Hands,
        facts: RegenFacts,
        plan: Plan,
        program: Program,
        journal: Journal,
        options: DriverOptions,
        op: &'o mut dyn Operator,
    ) -> Self {
        let exec = Executor::resume(program.clone(), journal.records());
        Self {
            hands,
            facts,
            plan,
            program,
            journal,
            exec,
            options,
            op,
            itl_file_status_noted: false,
        }
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    fn record(&mut self, record: Record) -> Result<(), DriverError> {
        self.journal.append(record.clone())?;
        self.exec.apply(&record);
        Ok(())
    }

    /// Records a note in the journal.
    fn note(&mut self, text: String) -> Result<(), DriverError> {
        self.record(Record::Note { at: now(), text })
    }

    fn say(&mut self, text: &str) {
        self.op.say(now(), text);
    }

    /// Runs until the plan completes, a gate holds, a step fails, or a phase is refused or
    /// declined.
    pub async fn run(&mut self) -> Result<RunEnd, DriverError> {
        let end = self.run_inner().await;
        self.hands.close().await;
        end
    }

    async fn run_inner(&mut self) -> Result<RunEnd, DriverError> {
        loop {
            match self.exec.next() {
                Next::Done => return Ok(RunEnd::Finished),
                Next::Finish => {
                    self.record(Record::Finished { at: now() })?;
                    self.say("the plan completed");
                    return Ok(RunEnd::Finished);
                }
                Next::StartPhase { phase } => {
                    if let Some(end) = self.start_phase(phase).await? {
                        return Ok(end);
                    }
                }
                Next::Perform {
                    action,
                    first_started,
                } => {
                    if let Some(end) = self.perform(&action, first_started).await? {
                        return Ok(end);
                    }
                }
                Next::Observe {
                    action,
                    before,
                    first_started,
                } => {
                    let seen = self.hands.observe(&action.kind, now()).await;
                    let (said, note) = match settle(&action.kind, &before, &seen) {
                        Settled::TookEffect => {
                            self.say(&format!(
                                "{} {}: had taken effect before the interruption; not run again",
                                action.id,
                                action.kind.command()
                            ));
                            self.record(Record::StepEnd {
                                at: now(),
                                step: action.id.clone(),
                                outcome: StepOutcome::Observed,
                                after: seen,
                            })?;
                            continue;
                        }
                        Settled::Repeat => (
                            Some("had not taken effect; running it again"),
                            "observed not to have taken effect; run again",
                        ),
                        Settled::Continue => (None, "continued after an interruption"),
                    };
                    if let Some(said) = said {
                        self.say(&format!("{} {}: {said}", action.id, action.kind.command()));
                    }
                    self.note(format!("{}: {note}", action.id))?;
                    if let Some(end) = self.perform(&action, Some(first_started)).await? {
                        return Ok(end);
                    }
                }
                Next::Gate {
                    phase,
                    gate,
                    action,
                } => {
                    let verdict = self.judge(phase, gate).await?;
                    let passed = verdict.passed;
                    self.say(&format!(
                        "{} gate {}: {}{}",
                        action.id,
                        gate.name(),
                        if passed { "passed" } else { "HOLDS" },
                        verdict
                            .details
                            .first()
                            .map(|d| format!(" ({d})"))
                            .unwrap_or_default()
                    ));
                    self.record(Record::Gate {
                        at: now(),
                        step: action.id.clone(),
                        phase,
                        gate,
                        passed,
                        details: verdict.details.clone(),
                    })?;
                    if !passed {
                        let mut shown: Vec<String> =
                            verdict.details.iter().take(6).cloned().collect();
                        if verdict.details.len() > 6 {
                            shown.push(format!(
                                "… ({} lines in the journal; `itl regen status`)",
                                verdict.details.len()
                            ));
                        }
                        let reason = format!(
                            "gate {} of phase {phase} holds: {}",
                            gate.name(),
                            shown.join("; ")
                        );
                        return self.hold(&action.id, phase, reason, verdict.what_to_do);
                    }
                }
            }
        }
    }

    fn hold(
        &mut self,
        step: &str,
        phase: usize,
        reason: String,
        what_to_do: Vec<String>,
    ) -> Result<RunEnd, DriverError> {
        self.record(Record::Held {
            at: now(),
            phase,
            reason: reason.clone(),
            what_to_do: what_to_do.clone(),
        })?;
        Ok(RunEnd::Held {
            step: step.to_owned(),
            reason,
            what_to_do,
        })
    }

    fn baseline_path(&self, phase: usize) -> PathBuf {
        self.journal
            .dir()
            .join(format!("phase-{phase}-baseline.json"))
    }

    fn load_baseline(&self, phase: usize) -> Result<PhaseBaseline, DriverError> {
        let path = self.baseline_path(phase);
        let text = std::fs::read_to_string(&path).map_err(|e| DriverError::Baseline {
            path: path.clone(),
            message: e.to_string(),
        })?;
        serde_json::from_str(&text).map_err(|e| DriverError::Baseline {
            path,
            message: e.to_string(),
        })
    }

    fn write_baseline(&self, baseline: &PhaseBaseline) -> Result<(), DriverError> {
        let path = self.baseline_path(baseline.phase);
        let fail = |message: String| DriverError::Baseline {
            path: path.clone(),
            message,
        };
        let text = serde_json::to_string(baseline).map_err(|e| fail(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| fail(e.to_string()))?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| fail(e.to_string()))
    }

    /// The plan from phase `phase` on.
    fn suffix(&self, phase: usize) -> Plan {
        let phases = self.plan.phases(
            self.facts.generation,
            self.facts.automatic_phone_interaction,
        );
        Plan::from_steps(
            phases
                .into_iter()
                .filter(|p| p.number >= phase)
                .flat_map(|p| p.steps.into_iter().map(|s| s.step)),
        )
    }

    /// Sweeps every phone now, archiving the lists met in the run's archive.
    async fn sweep(&self) -> Result<SweepReport, String> {
        sweep_cluster(
            self.hands.session(),
            &self.options.sweep,
            &self.options.archive,
        )
        .await
    }

    /// Sweeps, predicts the phase, asks, records the baseline and `phase-start`.
    async fn start_phase(&mut self, phase: usize) -> Result<Option<RunEnd>, DriverError> {
        // A fresh admin-CLI session per phase (cucm-interfaces §6.5: long sessions time out).
        self.hands.close().await;
        let at = now();
        self.say(&format!("phase {phase}: sweeping the phones (baseline)"));
        let sweep = match self.sweep().await {
            Ok(s) => s,
            Err(e) => {
                return self
                    .hold(
                        &format!("p{phase}"),
                        phase,
                        format!("the baseline sweep of phase {phase} failed: {e}"),
                        vec![
                            "make the cluster answer, then run `itl regen resume --journal DIR`"
                                .into(),
                        ],
                    )
                    .map(Some);
            }
        };
        let forecast = self.forecast(phase, &sweep, at).await;
        match &forecast {
            Ok(f) if f.safe() => self.say(&format!(
                "phase {phase}: predicted safe ({} phones accept, {} not assessed)",
                f.accepted, f.unknown
            )),
            Ok(f) => {
                let named: Vec<&str> = f.rejected.iter().take(20).map(String::as_str).collect();
                match self.options.force.clone() {
                    Some(reason) => {
                        self.note(format!(
                                "phase {phase} forced ({reason}): the predictor says {} phone(s) would be left rejecting: {}",
                                f.rejected.len(),
                                named.join(", ")
                            ))?;
                        self.say(&format!(
                            "phase {phase}: {} phone(s) would be left rejecting; forced: {reason}",
                            f.rejected.len()
                        ));
                    }
                    None => {
                        self.note(format!(
                                "phase {phase} refused: {} phone(s) that are on would be left rejecting: {}",
                                f.rejected.len(),
                                named.join(", ")
                            ))?;
                        return Ok(Some(RunEnd::Refused {
                            phase,
                            rejected: f.rejected.clone(),
                        }));
                    }
                }
            }
            Err(e) => {
                self.note(format!("phase {phase}: no prediction ({e})"))?;
                if self.options.force.is_none() {
                    return Ok(Some(RunEnd::Refused {
                        phase,
                        rejected: Vec::new(),
                    }));
                }
            }
        }
        if !self.options.yes && !self.op.confirm(&format!("start phase {phase}?")) {
            return Ok(Some(RunEnd::Declined { phase }));
        }
        let names: Vec<String> = sweep.phones.iter().map(|p| p.name.clone()).collect();
        let registrations = match self.hands.registrations(&names).await {
            Ok(r) => r,
            Err(e) => {
                return self
                    .hold(
                        &format!("p{phase}"),
                        phase,
                        format!(
                            "the registrations of phase {phase}'s baseline could not be read: {e}"
                        ),
                        vec![
                            "make RisPort70 answer, then run `itl regen resume --journal DIR`"
                                .into(),
                        ],
                    )
                    .map(Some);
            }
        };
        let baseline = PhaseBaseline {
            phase,
            at,
            registrations: registrations
                .into_iter()
                .map(|r| (r.name, r.registered, r.since))
                .collect(),
            itl_file_status: self.itl_file_status(&sweep).await?,
            sweep,
        };
        self.write_baseline(&baseline)?;
        self.record(Record::PhaseStart { at, phase })?;
        Ok(None)
    }

    async fn forecast(
        &mut self,
        phase: usize,
        sweep: &SweepReport,
        at: UnixTime,
    ) -> Result<PhaseForecast, String> {
        let archive = Archive::open(&self.options.archive).map_err(|e| e.to_string())?;
        let options = PlanInputOptions {
            generation: Some(self.facts.generation),
            automatic_phone_interaction: self.facts.automatic_phone_interaction,
            assume_current: true,
        };
        let mut inputs = plan_inputs(self.hands.session().file(), sweep, &archive, &options)
            .map_err(|e| e.to_string())?;
        self.current_certificates(&mut inputs.cluster).await;
        let suffix = self.suffix(phase);
        let prediction = predict(
            &inputs.cluster,
            &inputs.phones,
            &suffix,
            &PredictOptions::at(at),
        )
        .map_err(|e| e.to_string())?;
        let unprotected: Vec<&str> = prediction
            .not_assessed
            .iter()
            .chain(&prediction.assumed)
            .map(String::as_str)
            .collect();
        if !unprotected.is_empty() {
            let text = format!(
                "phase {phase}: {} phone(s) could not be read and are assumed to hold what their TFTP node serves: {}{}",
                unprotected.len(),
                unprotected
                    .iter()
                    .take(50)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                if unprotected.len() > 50 { ", …" } else { "" }
            );
            let _ = self.note(text);
        }
        if !prediction.at_risk_off.is_empty() {
            let text = format!(
                "phase {phase}: {} phone(s) are off and would reject the lists when they come back: {}",
                prediction.at_risk_off.len(),
                prediction
                    .at_risk_off
                    .iter()
                    .take(50)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let _ = self.note(text);
        }
        let phases = suffix.phases(
            self.facts.generation,
            self.facts.automatic_phone_interaction,
        );
        forecast(&prediction, &phases)
            .into_iter()
            .next()
            .ok_or_else(|| format!("phase {phase} has no step"))
    }

    /// Replaces the certificates of the predictor's cluster model, read from the served
    /// lists, with those the nodes own now (`show cert own`): in the middle of a run the
    /// served lists lag behind a regeneration (an ITL until TFTP restarts, the CTL until
    /// `utils ctl update CTLFile`), and a later step signs with the current certificate. A
    /// certificate that cannot be read keeps the served lists' view.
    async fn current_certificates(&mut self, cluster: &mut ClusterModel) {
        for node in &mut cluster.nodes {
            let units: Vec<CertUnit> = node.certs.keys().copied().collect();
            for unit in units {
                if let Ok(der) = self.hands.own(&node.name, unit).await.map(|c| c.der) {
                    node.certs.insert(unit, der);
                }
            }
        }
    }

    async fn perform(
        &mut self,
        action: &Action,
        first_started: Option<UnixTime>,
    ) -> Result<Option<RunEnd>, DriverError> {
        let phase = self
            .program
            .phases
            .iter()
            .find(|p| p.actions.iter().any(|a| a.id == action.id))
            .map_or(0, |p| p.number);
        let at = now();
        let before = self.hands.observe(&action.kind, at).await;
        self.say(&format!("{} {}", action.id, action.kind.command()));
        self.record(Record::StepStart {
            at,
            step: action.id.clone(),
            command: action.kind.command(),
            before: before.clone(),
        })?;
        let since = first_started.unwrap_or(at);
        let result = self.act(action, phase, since, &before).await;
        let after = self.hands.observe(&action.kind, now()).await;
        let outcome = match result {
            Ok(None) => StepOutcome::Done,
            Ok(Some(reason)) => StepOutcome::Skipped { reason },
            Err(error) => StepOutcome::Failed { error },
        };
        // A regeneration must show a new serial.
        let outcome = match (&outcome, &action.kind) {
            (StepOutcome::Done, ActionKind::Regen { node, unit })
                if before.serial(node, *unit).is_some()
                    && before.serial(node, *unit) == after.serial(node, *unit) =>
            {
                StepOutcome::Failed {
                    error: format!(
                        "`show cert own {}` on {node} still shows serial {} after the regeneration",
                        unit.own_cert_path(),
                        before.serial(node, *unit).unwrap_or_default()
                    ),
                }
            }
            _ => outcome,
        };
        let failed = match &outcome {
            StepOutcome::Failed { error } => Some(error.clone()),
            _ => None,
        };
        self.record(Record::StepEnd {
            at: now(),
            step: action.id.clone(),
            outcome,
            after,
        })?;
        if let Some(error) = failed {
            self.say(&format!("{} FAILED: {error}", action.id));
            return self
                .hold(
                    &action.id,
                    phase,
                    format!("step {} ({}) failed: {error}", action.id, action.kind.command()),
                    vec![
                        "fix the cause named above on the node".into(),
                        "then run `itl regen resume --journal DIR`: the step is observed first and run again only if it did not take effect".into(),
                    ],
                )
                .map(Some);
        }
        Ok(None)
    }

    /// Performs one action; `Ok(Some(reason))` when there was nothing to do.
    async fn act(
        &mut self,
        action: &Action,
        phase: usize,
        since: UnixTime,
        before: &Observation,
    ) -> Result<Option<String>, String> {
        match &action.kind {
            ActionKind::Regen { .. }
            | ActionKind::CtlUpdate { .. }
            | ActionKind::ItlResetLocalkey { .. }
            | ActionKind::CtlResetLocalkey { .. }
            | ActionKind::IpsecRestart { .. } => match action.kind.admin_cli() {
                Some((node, command)) => self.hands.checked(node, command).await.map(|_| None),
                None => Ok(None),
            },
            ActionKind::Service { node, service, op } => {
                self.hands.control(node, *service, *op).await?;
                let want_running = *op != ControlType::Stop;
                if *service == Service::Tomcat && want_running {
                    // The CLI returned after `[STARTED]`; Tomcat may now present a new
                    // certificate: pin it again before Control Center is asked anything.
                    self.repin(node).await?;
                }
                self.wait_service(node, *service, want_running).await?;
                Ok(None)
            }
            ActionKind::ResetPhones { device_pool } => {
                self.reset_phones(&action.id, phase, device_pool.as_deref(), since)
                    .await
            }
            ActionKind::Wait { seconds } => {
                let total = self.options.scaled(Duration::from_secs(*seconds));
                let elapsed = Duration::from_secs(now().since(since).max(0) as u64);
                self.sleep_with_progress(
                    &format!("waiting {}", itl_core::plan::format_duration(*seconds)),
                    total.saturating_sub(elapsed),
                )
                .await;
                Ok(None)
            }
            ActionKind::DeleteOldTrust { node } => self.delete_old_trust(node, before).await,
            ActionKind::Backup { node } => self.backup(node, since).await.map(|_| None),
            ActionKind::ReissueLsc { device_pool } => {
                self.reissue_lsc(&action.id, phase, device_pool.as_deref())
                    .await
            }
            ActionKind::Gate { .. } => Ok(None),
        }
    }

    async fn repin(&mut self, node: &str) -> Result<(), String> {
        let path = match self.journal.records().first() {
            Some(Record::Begin(b)) => b.cluster_file.clone(),
            _ => return Err("the journal names no cluster file".into()),
        };
        let stamp: String = now()
            .to_rfc3339()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let wait = self.options.wait(self.options.gate_timeout);
        if let Some(p) = pin::repin(
            &mut self.hands,
            node,
            &path,
            &stamp,
            wait.timeout,
            wait.poll,
        )
        .await?
        {
            self.say(&format!(
                "  {node}: new TLS certificate pinned ({}); the previous cluster file is kept as {}",
                p.new,
                p.kept.display()
            ));
            self.record(Record::Pin {
                at: now(),
                node: p.node,
                old: p.old.unwrap_or_default(),
                new: p.new,
            })
            .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    async fn sleep_with_progress(&mut self, label: &str, total: Duration) {
        let step = Duration::from_millis(250).min(total.max(Duration::from_millis(1)));
        let start = std::time::Instant::now();
        while start.elapsed() < total {
            let done = start.elapsed().as_millis() as u64;
            self.op.progress(label, done, total.as_millis() as u64);
            tokio::time::sleep(step.min(total.saturating_sub(start.elapsed()))).await;
        }
        self.op.progress_end();
    }

    async fn wait_service(
        &mut self,
        node: &str,
        service: Service,
        running: bool,
    ) -> Result<(), String> {
        let wait = self.options.wait(self.options.gate_timeout);
        let want = if running { "Started" } else { "Stopped" };
        loop {
            let state = self.hands.service_state(node, service).await;
            match &state {
                Ok((_, text, _)) if text.eq_ignore_ascii_case(want) => {
                    self.op.progress_end();
                    return Ok(());
                }
                _ => {}
            }
            if wait.expired() {
                self.op.progress_end();
                let seen = match state {
                    Ok((_, text, _)) => text,
                    Err(e) => e,
                };
                return Err(format!(
                    "{node}: {} is not {want} after {:?} (last seen: {seen})",
                    service.control_center_name(),
                    wait.timeout
                ));
            }
            let label = format!(
                "{node}: waiting for {} to be {want}",
                service.control_center_name()
            );
            wait.pause(&mut *self.op, &label).await;
        }
    }

    /// The phones earlier batches of `step` handled (a resumed step skips them).
    fn done_by(&self, step: &str) -> BTreeSet<String> {
        self.journal
            .records()
            .iter()
            .filter_map(|r| match r {
                Record::Progress { step: s, done, .. } if s == step => Some(done.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The phones of `pool` (every phone when `None`) in phase `phase`'s baseline sweep.
    fn phones_of(&self, phase: usize, pool: Option<&str>) -> Result<Vec<(String, String)>, String> {
        let baseline = self.load_baseline(phase).map_err(|e| e.to_string())?;
        Ok(baseline
            .sweep
            .phones
            .iter()
            .filter(|p| pool.is_none_or(|pool| p.device_pool.as_deref() == Some(pool)))
            .map(|p| (p.name.clone(), p.device_pool.clone().unwrap_or_default()))
            .collect())
    }

    async fn reset_phones(
        &mut self,
        step: &str,
        phase: usize,
        pool: Option<&str>,
        since: UnixTime,
    ) -> Result<Option<String>, String> {
        let mut phones = self.phones_of(phase, pool)?;
        if phones.is_empty() {
            return Ok(Some(match pool {
                Some(p) => format!("no phone in device pool {p:?}"),
                None => "no phone".into(),
            }));
        }
        // After an interruption: phones an earlier batch reset, or that registered again
        // since the step first began, are not reset twice.
        let done = self.done_by(step);
        phones.retain(|(n, _)| !done.contains(n));
        if since < now().plus(-1) && !phones.is_empty() {
            let names: Vec<String> = phones.iter().map(|(n, _)| n.clone()).collect();
            if let Ok(regs) = self.hands.registrations(&names).await {
                let again: BTreeSet<String> = regs
                    .into_iter()
                    .filter(|r| r.since.is_some_and(|t| t > since))
                    .map(|r| r.name)
                    .collect();
                phones.retain(|(n, _)| !again.contains(n));
            }
        }
        // Device pool by device pool.
        phones.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        let names: Vec<String> = phones.into_iter().map(|(n, _)| n).collect();
        let total = names.len();
        let batch = self.options.reset_batch.max(1);
        let mut failures = Vec::new();
        for (i, chunk) in names.chunks(batch).enumerate() {
            if i > 0 {
                let pause = self.options.scaled(self.options.reset_interval);
                self.sleep_with_progress("pause between reset batches", pause)
                    .await;
            }
            for name in chunk {
                if let Err(e) = self.hands.reset_phone(name).await {
                    failures.push(e);
                }
            }
            let _ = self.journal.append(Record::Progress {
                at: now(),
                step: step.to_owned(),
                done: chunk.to_vec(),
            });
            self.op.progress(
                "phones reset",
                ((i + 1) * batch).min(total) as u64,
                total as u64,
            );
        }
        self.op.progress_end();
        if failures.len() == total {
            return Err(format!(
                "no phone could be reset: {}",
                failures.first().cloned().unwrap_or_default()
            ));
        }
        if !failures.is_empty() {
            let _ = self.journal.append(Record::Note {
                at: now(),
                text: format!(
                    "{} of {total} resets failed (G-REG will name the phones): {}",
                    failures.len(),
                    failures
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            });
        }
        Ok(None)
    }

    /// `reissue lsc`: every phone of the pool that holds an LSC gets the CAPF operation
    /// `Install/Upgrade` and a reset (CAPF issues the LSC then), in batches; the step ends
    /// when each shows "Upgrade Success" again with no operation pending.
    async fn reissue_lsc(
        &mut self,
        step: &str,
        phase: usize,
        pool: Option<&str>,
    ) -> Result<Option<String>, String> {
        let in_pool: BTreeSet<String> = self
            .phones_of(phase, pool)?
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let rows = self.hands.lsc_rows().await?;
        let done = self.done_by(step);
        let holders: Vec<String> = rows
            .iter()
            .filter(|(name, status, _)| {
                in_pool.contains(name)
                    && (status == STATUS_UPGRADE_SUCCESS || status == STATUS_OPERATION_PENDING)
            })
            .map(|(name, _, _)| name.clone())
            .collect();
        if holders.is_empty() {
            return Ok(Some(match pool {
                Some(p) => format!("no phone of device pool {p:?} holds an LSC"),
                None => "no phone holds an LSC".into(),
            }));
        }
        let todo: Vec<String> = holders
            .iter()
            .filter(|n| !done.contains(*n))
            .cloned()
            .collect();
        let batch = self.options.reset_batch.max(1);
        for (i, chunk) in todo.chunks(batch).enumerate() {
            if i > 0 {
                let pause = self.options.scaled(self.options.reset_interval);
                self.sleep_with_progress("pause between LSC batches", pause)
                    .await;
            }
            for name in chunk {
                self.hands.request_lsc(name).await?;
                self.hands.reset_phone(name).await?;
            }
            let _ = self.journal.append(Record::Progress {
                at: now(),
                step: step.to_owned(),
                done: chunk.to_vec(),
            });
            self.op.progress(
                "LSCs requested",
                ((i + 1) * batch).min(todo.len()) as u64,
                todo.len() as u64,
            );
        }
        // Wait until every holder shows an installed LSC with nothing pending.
        let wait = self.options.wait(self.options.gate_timeout);
        loop {
            let rows = self.hands.lsc_rows().await?;
            let waiting: Vec<&String> = holders
                .iter()
                .filter(|h| {
                    !rows.iter().any(|(n, status, op)| {
                        n == *h
                            && status == STATUS_UPGRADE_SUCCESS
                            && op != OPERATION_INSTALL_UPGRADE
                    })
                })
                .collect();
            if waiting.is_empty() {
                self.op.progress_end();
                return Ok(None);
            }
            if wait.expired() {
                self.op.progress_end();
                return Err(format!(
                    "{} of {} phone(s) have no new LSC after {:?}: {}",
                    waiting.len(),
                    holders.len(),
                    wait.timeout,
                    waiting
                        .iter()
                        .take(10)
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            self.op.progress(
                "phones with their new LSC",
                (holders.len() - waiting.len()) as u64,
                holders.len() as u64,
            );
            tokio::time::sleep(wait.poll).await;
        }
    }

    /// The certificates this run made and replaced, from the journal.
    fn run_serials(&self) -> (Vec<SerialFact>, Vec<SerialFact>) {
        let mut new = Vec::new();
        let mut replaced = Vec::new();
        let mut starts: BTreeMap<&str, &Observation> = BTreeMap::new();
        for r in self.journal.records() {
            match r {
                Record::StepStart { step, before, .. } => {
                    starts.entry(step.as_str()).or_insert(before);
                }
                Record::StepEnd {
                    step,
                    outcome: StepOutcome::Done | StepOutcome::Observed,
                    after,
                    ..
                } => {
                    let Some(ActionKind::Regen { node, unit }) =
                        self.program.action(step).map(|a| &a.kind)
                    else {
                        continue;
                    };
                    if let Some(b) = starts
                        .get(step.as_str())
                        .and_then(|o| o.serial_fact(node, *unit))
                    {
                        replaced.push(b.clone());
                    }
                    if let Some(a) = after.serial_fact(node, *unit) {
                        new.push(a.clone());
                    }
                }
                _ => {}
            }
        }
        // A unit regenerated twice: only its last serial is new.
        new.retain(|s| {
            !replaced.iter().any(|r| {
                r.node == s.node
                    && r.unit == s.unit
                    && gates::normalise_serial(&r.serial) == gates::normalise_serial(&s.serial)
            })
        });
        (new, replaced)
    }

    async fn delete_old_trust(
        &mut self,
        node: &str,
        before: &Observation,
    ) -> Result<Option<String>, String> {
        let (new, replaced) = self.run_serials();
        let new_serials: BTreeSet<String> = new
            .iter()
            .map(|s| gates::normalise_serial(&s.serial))
            .collect();
        let old_serials: BTreeSet<String> = replaced
            .iter()
            .map(|s| gates::normalise_serial(&s.serial))
            .collect();
        let old = old_trust_entries(
            before.trust.iter().map(|t| t.entry.as_str()),
            &new_serials,
            &old_serials,
            &replaced,
        );
        if old.is_empty() {
            return Ok(Some("no trust certificate replaced by this run".into()));
        }
        // §5.6.4: the old CAPF certificate stays while LSCs it issued may remain, that is
        // until a `reissue lsc` of this run has ended.
        let capf = |list: &[SerialFact]| -> BTreeSet<String> {
            list.iter()
                .filter(|s| s.unit == itl_core::cucm::CertUnit::Capf)
                .map(|s| gates::normalise_serial(&s.serial))
                .collect()
        };
        let (new_capf, old_capf) = (capf(&new), capf(&replaced));
        let reissued = self.journal.records().iter().any(|r| match r {
            Record::StepEnd { step, outcome, .. } => {
                !matches!(outcome, StepOutcome::Failed { .. })
                    && self
                        .program
                        .action(step)
                        .is_some_and(|a| matches!(a.kind, ActionKind::ReissueLsc { .. }))
            }
            _ => false,
        });
        let keep: BTreeSet<String> = if self.facts.lscs_in_use && !old_capf.is_empty() && !reissued
        {
            old_trust_entries(
                before.trust.iter().map(|t| t.entry.as_str()),
                &new_capf,
                &old_capf,
                &replaced
                    .iter()
                    .filter(|s| s.unit == itl_core::cucm::CertUnit::Capf)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
            .into_iter()
            .collect()
        } else {
            BTreeSet::new()
        };
        if !keep.is_empty() {
            let text = format!(
                "{node}: the old CAPF certificate is kept ({}): phones may still hold LSCs it issued; run `reissue lsc`, then delete it",
                keep.iter().cloned().collect::<Vec<_>>().join(", ")
            );
            self.say(&format!("  {text}"));
            let _ = self.journal.append(Record::Note { at: now(), text });
        }
        for entry in old.into_iter().filter(|e| !keep.contains(e)) {
            let Some((store, file)) = entry.split_once('/') else {
                continue;
            };
            self.hands
                .command(
                    node,
                    Command::CertDelete {
                        store: store.to_owned(),
                        file: file.to_owned(),
                    },
                )
                .await?;
            self.say(&format!("  {node}: deleted {entry}"));
        }
        Ok(None)
    }

    async fn backup(&mut self, node: &str, since: UnixTime) -> Result<(), String> {
        // A backup already running (this step's, started before an interruption) is waited
        // for, not started again: DRS refuses a second one. Idle is `drfCliMsg: No backup
        // status available` (cucm-interfaces §6); a running one shows `IN PROGRESS`
        // (inferred).
        let running = self
            .hands
            .command(node, Command::BackupStatus)
            .await
            .is_ok_and(|text| text.to_ascii_uppercase().contains("IN PROGRESS"));
        if running {
            self.say(&format!(
                "  {node}: a DRS backup is in progress; waiting for it"
            ));
        }
        if let Some(target) = self.options.backup.clone().filter(|_| !running) {
            self.hands
                .command(
                    node,
                    Command::BackupNetwork {
                        features: target.features,
                        path: target.path,
                        server: target.server,
                        user: target.user,
                    },
                )
                .await?;
        }
        let wait = self.options.wait(Duration::from_secs(3600));
        loop {
            if let Ok(Some(t)) = self.hands.newest_backup(node).await
                && t >= since
            {
                self.op.progress_end();
                return Ok(());
            }
            if wait.expired() {
                self.op.progress_end();
                return Err(format!(
                    "no successful DRS backup newer than this step after {:?}: take one (Disaster Recovery System > Backup) and resume",
                    wait.timeout
                ));
            }
            wait.pause(&mut *self.op, "waiting for a successful DRS backup")
                .await;
        }
    }

    /// Judges a gate, polling G-SVC, G-FILE and G-REG until they pass or time out.
    async fn judge(&mut self, phase: usize, gate: GateKind) -> Result<GateVerdict, DriverError> {
        let wait = self.options.wait(self.options.gate_timeout);
        loop {
            let verdict = match gate {
                GateKind::Services => self.services_gate(phase).await,
                GateKind::Files => self.files_gate(phase).await,
                GateKind::Registered => self.registered_gate(phase).await?,
                GateKind::Trust => return self.trust_gate(phase).await,
            };
            if verdict.passed || wait.expired() {
                self.op.progress_end();
                return Ok(verdict);
            }
            let label = format!(
                "gate {}: {}",
                gate.name(),
                verdict.details.first().cloned().unwrap_or_default()
            );
            wait.pause(&mut *self.op, &label).await;
        }
    }

    async fn services_gate(&mut self, phase: usize) -> GateVerdict {
        let mut expected: Vec<ExpectedService> = Vec::new();
        if let Some(p) = self.program.phases.iter().find(|p| p.number == phase) {
            for a in &p.actions {
                if let ActionKind::Service { node, service, op } = &a.kind {
                    expected.retain(|e| !(e.node == *node && e.service == *service));
                    expected.push(ExpectedService {
                        node: node.clone(),
                        service: *service,
                        running: *op != ControlType::Stop,
                    });
                }
            }
        }
        let mut observed = Vec::new();
        for e in &expected {
            if let Ok((_, text, up)) = self.hands.service_state(&e.node, e.service).await {
                observed.push(super::journal::ServiceFact {
                    node: e.node.clone(),
                    service: e.service,
                    status: text,
                    up_secs: up,
                });
            }
        }
        gates::services(&expected, &observed)
    }

    /// The certificate each TFTP node's ITL must be signed by after phase `phase`
    /// (trust-and-procedure §1.2, §5.8): from 12.0 the publisher's ITLRecovery, before 12.0
    /// the node's own CallManager; after an `itl reset localkey` not yet followed by a TFTP
    /// restart on the node, the other key (12+: the node's CallManager; 11.5: its
    /// ITLRecovery).
    async fn itl_signers(
        &mut self,
        phase: usize,
        tftp_nodes: &[String],
    ) -> BTreeMap<String, String> {
        let actions: Vec<ActionKind> = self
            .program
            .phases
            .iter()
            .find(|p| p.number == phase)
            .map(|p| p.actions.iter().map(|a| a.kind.clone()).collect())
            .unwrap_or_default();
        let publisher = self
            .facts
            .nodes
            .iter()
            .find(|n| n.publisher)
            .map(|n| n.name.clone());
        let v12 = self.facts.generation.itl_recovery_signs();
        let mut out = BTreeMap::new();
        for node in tftp_nodes {
            let localkey = actions
                .iter()
                .rposition(|a| matches!(a, ActionKind::ItlResetLocalkey { .. }))
                .is_some_and(|i| {
                    !actions[i..].iter().any(|a| {
                        matches!(a, ActionKind::Service { node: n, service: Service::Tftp, op }
                            if n == node && *op != ControlType::Stop)
                    })
                });
            let (signer_node, unit) = match (v12, localkey) {
                (true, false) => (publisher.clone(), itl_core::cucm::CertUnit::ItlRecovery),
                (true, true) => (Some(node.clone()), itl_core::cucm::CertUnit::CallManager),
                (false, false) => (Some(node.clone()), itl_core::cucm::CertUnit::CallManager),
                (false, true) => (Some(node.clone()), itl_core::cucm::CertUnit::ItlRecovery),
            };
            let Some(signer_node) = signer_node else {
                continue;
            };
            if let Ok(serial) = self.hands.own(&signer_node, unit).await.map(|c| c.serial) {
                out.insert(node.clone(), serial);
            }
        }
        out
    }

    async fn files_gate(&mut self, phase: usize) -> GateVerdict {
        let (new, replaced) = self.run_serials();
        let tftp_nodes: Vec<String> = self
            .facts
            .nodes
            .iter()
            .filter(|n| n.runs(Service::Tftp))
            .map(|n| n.name.clone())
            .collect();
        let itl_signers = self.itl_signers(phase, &tftp_nodes).await;
        let expect = FileExpectation {
            tftp_nodes,
            mixed_mode: self.facts.mixed,
            itl_signers,
            ctl_signer: None,
            new,
            replaced,
        };
        match self.hands.served(now()).await {
            Ok(served) => {
                let itls: Vec<_> = served
                    .iter()
                    .filter_map(|(i, _)| i.as_ref().ok().cloned())
                    .collect();
                let ctls: Vec<_> = served.iter().filter_map(|(_, c)| c.clone()).collect();
                let mut verdict = gates::files(&expect, &itls, &ctls);
                // A node whose ITL could not be fetched: say why.
                for (node, why) in served.iter().filter_map(|(i, _)| i.as_ref().err()) {
                    let line = format!("{node}: serves no ITLFile.tlv");
                    for d in verdict.details.iter_mut().filter(|d| **d == line) {
                        d.push_str(&format!(" ({why})"));
                    }
                }
                verdict
            }
            Err(e) => GateVerdict {
                gate: GateKind::Files,
                passed: false,
                details: vec![format!("the served lists could not be fetched: {e}")],
                what_to_do: vec![
                    "make every TFTP node serve again, then run `itl regen resume --journal DIR`"
                        .into(),
                ],
            },
        }
    }

    /// The phones the batched steps of phase `phase` (resets, LSC re-issues) handled, from
    /// the journal's progress records.
    fn handled_in_phase(&self, phase: usize) -> BTreeSet<String> {
        let Some(p) = self.program.phases.iter().find(|p| p.number == phase) else {
            return BTreeSet::new();
        };
        let ids: BTreeSet<&str> = p
            .actions
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    ActionKind::ResetPhones { .. } | ActionKind::ReissueLsc { .. }
                )
            })
            .map(|a| a.id.as_str())
            .collect();
        self.journal
            .records()
            .iter()
            .filter_map(|r| match r {
                Record::Progress { step, done, .. } if ids.contains(step.as_str()) => {
                    Some(done.iter().cloned())
                }
                _ => None,
            })
            .flatten()
            .collect()
    }

    async fn registered_gate(&mut self, phase: usize) -> Result<GateVerdict, DriverError> {
        let baseline = self.load_baseline(phase)?;
        let began = self.phase_began(phase).unwrap_or(baseline.at);
        // Phones already in a problem state at the baseline (they reject this cluster's
        // lists already; the predictor named them and the operator forced past them) are not
        // waited for: a reset keeps them off until someone erases their lists.
        let already: BTreeSet<&str> = baseline
            .sweep
            .phones
            .iter()
            .filter(|p| p.state.class() == itl_core::cucm::StateClass::Problem)
            .map(|p| p.name.as_str())
            .collect();
        let before: Vec<Registration> = baseline
            .registrations
            .iter()
            .filter(|(name, _, _)| !already.contains(name.as_str()))
            .map(|(name, registered, since)| Registration {
                name: name.clone(),
                registered: *registered,
                since: *since,
            })
            .collect();
        let excused: Vec<String> = already.iter().map(|s| (*s).to_owned()).collect();
        let names: Vec<String> = before
            .iter()
            .filter(|r| r.registered)
            .map(|r| r.name.clone())
            .collect();
        let (all, pools) = self.phase_resets(phase);
        // Phones of the pools reset, and phones an LSC re-issue restarted.
        let mut restarted: BTreeSet<String> = baseline
            .sweep
            .phones
            .iter()
            .filter(|p| p.device_pool.as_ref().is_some_and(|d| pools.contains(d)))
            .map(|p| p.name.clone())
            .collect();
        restarted.extend(self.handled_in_phase(phase));
        let reset = if all {
            WasReset::All
        } else {
            WasReset::Only(&restarted)
        };
        Ok(match self.hands.registrations(&names).await {
            Ok(now_regs) => {
                let mut verdict = gates::registered(&before, &now_regs, began, reset);
                if !excused.is_empty() {
                    verdict.details.push(format!(
                        "{} phone(s) already in a problem state before the phase are not waited for: {}{}",
                        excused.len(),
                        excused.iter().take(20).cloned().collect::<Vec<_>>().join(", "),
                        if excused.len() > 20 { ", …" } else { "" }
                    ));
                }
                verdict
            }
            Err(e) => GateVerdict {
                gate: GateKind::Registered,
                passed: false,
                details: vec![format!("RisPort70 did not answer: {e}")],
                what_to_do: vec![
                    "make RisPort70 answer, then run `itl regen resume --journal DIR`".into(),
                ],
            },
        })
    }

    /// Whether phase `phase` resets every phone (a `reset phones` without a pool, or on 14+
    /// with automatic phone interaction a regeneration the cluster resets phones after),
    /// and which device pools it resets otherwise.
    fn phase_resets(&self, phase: usize) -> (bool, BTreeSet<String>) {
        let (generation, automatic) = (
            self.facts.generation,
            self.facts.automatic_phone_interaction,
        );
        let mut all = false;
        let mut pools = BTreeSet::new();
        for p in self
            .plan
            .phases(generation, automatic)
            .into_iter()
            .filter(|p| p.number == phase)
        {
            for s in &p.steps {
                match &s.step {
                    Step::ResetPhones { device_pool: None } => all = true,
                    Step::ResetPhones {
                        device_pool: Some(pool),
                    } => {
                        pools.insert(pool.clone());
                    }
                    step if step.resets_phones_by_itself(generation, automatic) => all = true,
                    _ => {}
                }
            }
        }
        (all, pools)
    }

    fn phase_began(&self, phase: usize) -> Option<UnixTime> {
        self.journal.records().iter().find_map(|r| match r {
            Record::PhaseStart { at, phase: p } if *p == phase => Some(*at),
            _ => None,
        })
    }

    /// On 14+, the ITL File Status of the phones `sweep` could not read; `None` before 14,
    /// when every phone was read, or when the cluster does not report it (the journal says
    /// why, once).
    async fn itl_file_status(
        &mut self,
        sweep: &SweepReport,
    ) -> Result<Option<BTreeMap<String, ItlFileStatus>>, DriverError> {
        let unread: BTreeSet<&str> = sweep
            .phones
            .iter()
            .filter(|p| p.state.class() == itl_core::cucm::StateClass::Unread)
            .map(|p| p.name.as_str())
            .collect();
        if unread.is_empty() || !self.facts.generation.reports_itl_file_status() {
            return Ok(None);
        }
        let why = match self.hands.itl_file_status().await {
            Ok(Some(all)) => {
                return Ok(Some(
                    all.into_iter()
                        .filter(|(name, _)| unread.contains(name.as_str()))
                        .collect(),
                ));
            }
            Ok(None) => format!(
                "the cluster has no table {} (the name is inferred)",
                itl_wire::soap::axl::sql::ITL_FILE_STATUS_TABLE
            ),
            Err(e) => format!("it could not be read ({e})"),
        };
        if !self.itl_file_status_noted {
            self.itl_file_status_noted = true;
            self.note(format!(
                    "ITL File Status: {why}; RisPort70 alone stands in for phones whose pages cannot be read"
                ))?;
        }
        Ok(None)
    }

    async fn trust_gate(&mut self, phase: usize) -> Result<GateVerdict, DriverError> {
        let baseline = self.load_baseline(phase)?;
        let began = self.phase_began(phase).unwrap_or(baseline.at);
        let sweep = match self.sweep().await {
            Ok(s) => s,
            Err(e) => {
                return Ok(GateVerdict {
                    gate: GateKind::Trust,
                    passed: false,
                    details: vec![format!("the sweep failed: {e}")],
                    what_to_do: vec![
                        "make the cluster answer, then run `itl regen resume --journal DIR`".into(),
                    ],
                });
            }
        };
        let unread: Vec<String> = sweep
            .phones
            .iter()
            .filter(|p| p.state.class() == itl_core::cucm::StateClass::Unread)
            .map(|p| p.name.clone())
            .collect();
        let registrations: BTreeMap<String, Registration> = if unread.is_empty() {
            BTreeMap::new()
        } else {
            self.hands
                .registrations(&unread)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|r| (r.name.clone(), r))
                .collect()
        };
        let statuses = self.itl_file_status(&sweep).await?;
        let before = trust_readings(&baseline.sweep, |name| {
            let status = baseline.itl_file_status.as_ref()?.get(name).copied();
            gates::stand_in(status, None, began)
        });
        let now_readings = trust_readings(&sweep, |name| {
            gates::stand_in(
                statuses.as_ref().and_then(|s| s.get(name).copied()),
                registrations.get(name),
                began,
            )
        });
        Ok(gates::trust(&before, &now_readings))
    }
}

/// Every phone of `sweep` as the trust gate reads it; `stand_in` is asked (by device name)
/// for the phones whose trust state could not be read.
fn trust_readings(
    sweep: &SweepReport,
    stand_in: impl Fn(&str) -> Option<(String, bool)>,
) -> Vec<TrustReading> {
    sweep
        .phones
        .iter()
        .map(|p| TrustReading {
            name: p.name.clone(),
            state: p.state,
            stand_in: (p.state.class() == itl_core::cucm::StateClass::Unread)
                .then(|| stand_in(&p.name))
                .flatten(),
        })
        .collect()
}

/// The trust-store entries (`store/file`) a run replaced (the file names are inferred,
/// `<CN>.pem` or `<CN>_<serial>.pem`): an entry named with a serial this run replaced; an
/// entry named without a serial when the same store holds an entry of the same CN named with
/// a serial this run made, or when its store and CN are those of a certificate this run
/// replaced (`replaced_certs`: a CAPF certificate's CN changes with each regeneration).
pub fn old_trust_entries<'e>(
    entries: impl IntoIterator<Item = &'e str>,
    new: &BTreeSet<String>,
    replaced: &BTreeSet<String>,
    replaced_certs: &[SerialFact],
) -> Vec<String> {
    struct Name<'e> {
        entry: &'e str,
        store: &'e str,
        cn: &'e str,
        serial: Option<String>,
    }
    let parsed: Vec<Name<'e>> = entries
        .into_iter()
        .filter_map(|entry| {
            let (store, file) = entry.split_once('/')?;
            let stem = file.strip_suffix(".pem").unwrap_or(file);
            Some(match stem.rsplit_once('_') {
                Some((cn, serial))
                    if !serial.is_empty() && serial.chars().all(|c| c.is_ascii_hexdigit()) =>
                {
                    Name {
                        entry,
                        store,
                        cn,
                        serial: Some(gates::normalise_serial(serial)),
                    }
                }
                _ => Name {
                    entry,
                    store,
                    cn: stem,
                    serial: None,
                },
            })
        })
        .collect();
    parsed
        .iter()
        .filter(|n| match &n.serial {
            Some(s) => replaced.contains(s),
            None => {
                parsed.iter().any(|m| {
                    m.store == n.store
                        && m.cn == n.cn
                        && m.serial.as_ref().is_some_and(|x| new.contains(x))
                }) || replaced_certs
                    .iter()
                    .any(|c| c.unit.trust_store() == Some(n.store) && c.cn.as_deref() == Some(n.cn))
            }
        })
        .map(|n| n.entry.to_owned())
        .collect()
}

/// Where a run keeps its archive of served lists: inside its journal folder.
pub fn archive_dir(journal: &Path) -> PathBuf {
    journal.join("archive")
}

#[cfg(test)]
mod tests;
