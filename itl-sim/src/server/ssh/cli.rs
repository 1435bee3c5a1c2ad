//! The simulated UCOS CLI of one node: banner, `admin:` prompt, pagination, privilege
//! levels and the commands `itl` uses, answered from (and acting on) the model.
//!
//! Commands, the privilege each needs here, and the pager style it uses when pagination is
//! on and its output is longer than the terminal (PTY rows − 1 lines per page):
//!
//! | command | privilege | pager |
//! |---|---|---|
//! | `show version active`, `show version inactive`, `show network cluster`, `utils ntp status` | 0 | press |
//! | `utils system upgrade status`, `utils sso status` | 1 | press |
//! | `show itl`, `show ctl` | 0 | lines (`options: q=quit, n=next … (lines A - B of C) :`) |
//! | `utils fips status`, `set cli pagination off\|on` | 1 | — |
//! | `show cert list own\|trust`, `utils service list`, `utils dbreplication runtimestate`, `utils disaster_recovery history\|status backup` | 1 | press (`Press <enter> for 1 line, <space> for one page, or <q> to quit`) |
//! | `show cert own <unit>[/<file>]`, `run sql <query>` | 1 | lines |
//! | `set cert regen <unit>` (`(yes\|no)?`), `utils ctl update CTLFile` (`(y/n):`, publisher, mixed mode), `utils service restart <name>`, `utils ipsec restart` | 1 | — |
//! | `utils service stop <name>`, `utils service start <name>` (wording inferred) | 1 | — |
//! | `utils disaster_recovery backup network <features> <path> <server> <user>` (publisher; wording inferred) | 1 | — |
//! | `set cert delete <store> <file>` (command and wording inferred) | 1 | — |
//! | `utils itl reset localkey`, `utils ctl reset localkey` (`(y/n):`, publisher) | 4 | — |
//! | `exit`, `quit` | 0 | — |
//!
//! Unknown commands print `No valid command entered` (§6.5: "the command does not exist on
//! this product"); a known command that cannot run here prints a reason (inferred) and
//! `Executed command unsuccessfully`. Insufficient privilege prints our own sentence
//! (inferred). On a subscriber `utils service restart` gives the prompt back after
//! `[STARTING]` (§6.5) while the restart goes on (at time scale 0 it has already ended).
//!
//! Node faults ([`outputs::SshFaults`]): `ssh-banner-delay=<node>:<secs>` replaces the banner
//! delay; `ssh-drop=<node>` closes the connection after the first line of the first paged
//! command's output; `pager-ignored=<node>` answers `set cli pagination off` as usual but
//! keeps paging, [`IGNORED_PAGER_PAGE`] lines a page whatever the terminal's height.
//!
//! Service operations stream `<name>[STOPPING]`, `<name>[STARTING]`, `<name>[STARTED]` as the
//! model passes through them (scaled durations, [`crate::timing`]); a stop ends
//! `<name>[STOPPED]  Commanded Out of Service`. A restart or start that fails (fault
//! `restart-fails`) ends `<name>[ STOPPED ]  Component is not running` and
//! `Executed command unsuccessfully` (inferred). A DRS backup answers at once (inferred:
//! `drfCliMsg: Backup initiated successfully. …`) and completes after its scaled duration;
//! `utils disaster_recovery status backup` shows it running (inferred layout) and the
//! history gets a `SUCCESS` row. No password is asked for the SFTP server (a real node
//! asks one; the client sends none).

use itl_core::cucm::{CertUnit, Generation};
use itl_core::cucm::{Service, ServiceStatus};
use std::time::Duration;

use crate::faults::checks::IGNORED_PAGER_PAGE;
use crate::model::{Cluster, ServiceOp, TrustStore};
use crate::server::SimHandle;
use crate::server::timeline::ServiceProgress;

use super::outputs;
use super::term::{Input, Term};

/// Why a command failed: CUCM's marker follows the reason.
const FAILED: &str = "Executed command unsuccessfully";

/// A pager style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PagerStyle {
    Press,
    Lines,
}

/// One CLI session's state.
pub struct Cli {
    /// The model.
    pub sim: SimHandle,
    /// The node index.
    pub node: usize,
    /// The logged-in OS administrator.
    pub user: String,
    /// Their privilege level (0, 1 or 4).
    pub privilege: u8,
    /// Delay before the banner.
    pub banner_delay: Duration,
    pagination: bool,
    faults: outputs::SshFaults,
}

/// The outcome of one command line.
enum Flow {
    Continue,
    Exit,
}

impl Cli {
    /// A session for `user` with `privilege` on node `node`.
    pub fn new(
        sim: SimHandle,
        node: usize,
        user: String,
        privilege: u8,
        banner_delay: Duration,
    ) -> Self {
        Self {
            sim,
            node,
            user,
            privilege,
            banner_delay,
            pagination: true,
            faults: outputs::SshFaults::default(),
        }
    }

    /// Runs the session until `exit` or the channel closes.
    pub async fn run(&mut self, term: &mut Term) {
        self.faults = self.sim.read(|c| outputs::ssh_faults(c, self.node));
        term.send("Command Line Interface is starting up, please wait ...\n\n")
            .await;
        let delay = self
            .faults
            .banner_delay_secs
            .map_or(self.banner_delay, |s| Duration::from_secs(u64::from(s)));
        tokio::time::sleep(delay).await;
        let version = self
            .sim
            .read(|c| crate::model::version_string(c.settings().generation).to_owned());
        term.send(&format!(
            "   Welcome to the Platform Command Line Interface\n\nVMware Installation:\n\t2 vCPU: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\n\tDisk 1: 110GB, Partitions aligned\n\t8192 Mbytes RAM\n\nActive Master Version: {version}\n\n"
        ))
        .await;
        loop {
            term.send("admin:").await;
            let line = match term.line().await {
                Input::Line(line) => line,
                Input::Interrupted => continue,
                Input::Closed => return,
            };
            if let Flow::Exit = self.execute(term, line.trim()).await {
                return;
            }
        }
    }

    fn node_name(&self) -> String {
        self.sim.read(|c| {
            c.nodes()
                .get(self.node)
                .map(|n| n.name.clone())
                .unwrap_or_default()
        })
    }

    fn is_publisher(&self) -> bool {
        self.sim
            .read(|c| c.nodes().get(self.node).is_some_and(|n| n.publisher))
    }

    async fn refuse_privilege(&self, term: &Term, needed: u8) {
        // (inferred) wording.
        term.send(&format!(
            "Insufficient privilege level to execute this command: level {needed} required, {} has level {}\n\n",
            self.user, self.privilege
        ))
        .await;
    }

    async fn fail(&self, term: &Term, reason: &str) {
        term.send(&format!("{reason}\n{FAILED}\n\n")).await;
    }

    /// [`Self::paged`] on what `output` shows of the model on this node.
    async fn paged_output(
        &self,
        term: &mut Term,
        output: impl FnOnce(&Cluster, usize) -> Vec<String>,
        style: PagerStyle,
    ) -> bool {
        let lines = self.sim.read(|c| output(c, self.node));
        self.paged(term, lines, style).await
    }

    async fn paged(&self, term: &mut Term, lines: Vec<String>, style: PagerStyle) -> bool {
        if self.faults.drop {
            // `ssh-drop`: the first line, then the connection goes away.
            term.send_lines(lines.get(..1).unwrap_or_default()).await;
            return false;
        }
        let page = if self.faults.pager_ignored {
            IGNORED_PAGER_PAGE
        } else {
            term.rows.saturating_sub(1).max(1) as usize
        };
        let total = lines.len();
        if !self.pagination || total <= page {
            term.send_lines(&lines).await;
            return true;
        }
        let show = |from: usize, to: usize| lines.get(from..to.min(total)).unwrap_or_default();
        match style {
            PagerStyle::Press => {
                let mut shown = 0;
                loop {
                    let step = if shown == 0 { page } else { 0 };
                    if step > 0 {
                        term.send_lines(show(0, page)).await;
                        shown = page.min(total);
                    }
                    if shown >= total {
                        return true;
                    }
                    term.send("\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K")
                        .await;
                    let Some(key) = term.key().await else {
                        return false;
                    };
                    term.send("\r\x1b[K").await;
                    let next = match key {
                        b'q' | b'Q' => return true,
                        b'\r' | b'\n' => shown + 1,
                        _ => shown + page,
                    };
                    term.send_lines(show(shown, next)).await;
                    shown = next.min(total);
                }
            }
            PagerStyle::Lines => {
                let mut start = 0;
                let mut redraw = true;
                loop {
                    let end = (start + page).min(total);
                    if redraw {
                        term.send_lines(show(start, end)).await;
                    }
                    term.send(&format!(
                        "\x1b[1moptions: q=quit, n=next, p=prev, b=begin, e=end (lines {} - {end} of {total}) :\x1b[0m\x1b[K",
                        start + 1
                    ))
                    .await;
                    let Some(key) = term.key().await else {
                        return false;
                    };
                    term.send("\r\x1b[K").await;
                    let last_page = total.saturating_sub(page);
                    let target = match key {
                        b'q' | b'Q' => return true,
                        b'n' | b' ' if end < total => end.min(last_page).max(start + 1),
                        b'p' => start.saturating_sub(page),
                        b'b' => 0,
                        b'e' => last_page,
                        _ => start,
                    };
                    redraw = target != start;
                    start = target;
                }
            }
        }
    }

    /// Asks a confirmation and reads the answer line; `None` when the channel closed.
    async fn ask(&self, term: &mut Term, question: &str) -> Option<String> {
        term.send(question).await;
        match term.line().await {
            Input::Line(answer) => Some(answer.trim().to_owned()),
            Input::Interrupted => Some(String::new()),
            Input::Closed => None,
        }
    }

    async fn execute(&mut self, term: &mut Term, line: &str) -> Flow {
        let words: Vec<&str> = line.split_whitespace().collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
        let lw: Vec<&str> = lower.iter().map(String::as_str).collect();
        let rest = |n: usize| words.get(n..).unwrap_or_default().join(" ");
        let needs = |level: u8| self.privilege >= level;
        macro_rules! require {
            ($level:expr) => {
                if !needs($level) {
                    self.refuse_privilege(term, $level).await;
                    return Flow::Continue;
                }
            };
        }
        let ok = match lw.as_slice() {
            [] => true,
            ["exit"] | ["quit"] => return Flow::Exit,
            ["show", "version", "active"] => {
                self.paged_output(term, |c, _| outputs::version(c), PagerStyle::Press)
                    .await
            }
            ["show", "version", "inactive"] => {
                self.paged_output(term, outputs::version_inactive, PagerStyle::Press)
                    .await
            }
            ["utils", "system", "upgrade", "status"] => {
                require!(1);
                self.paged_output(term, outputs::upgrade_status, PagerStyle::Press)
                    .await
            }
            ["utils", "sso", "status"] => {
                require!(1);
                self.paged_output(term, outputs::sso_status, PagerStyle::Press)
                    .await
            }
            ["show", "network", "cluster"] => {
                self.paged_output(term, |c, _| outputs::network_cluster(c), PagerStyle::Press)
                    .await
            }
            ["utils", "ntp", "status"] => {
                self.paged_output(term, outputs::ntp, PagerStyle::Press)
                    .await
            }
            ["show", "itl"] => {
                self.paged_output(term, outputs::show_itl, PagerStyle::Lines)
                    .await
            }
            ["show", "ctl"] => {
                self.paged_output(term, outputs::show_ctl_on, PagerStyle::Lines)
                    .await
            }
            ["utils", "fips", "status"] => {
                require!(1);
                term.send_lines(&self.sim.read(|c| outputs::fips(c, self.node)))
                    .await;
                true
            }
            ["set", "cli", "pagination", on_off @ ("on" | "off")] => {
                require!(1);
                // `pager-ignored`: the answer is the same, the pager stays.
                self.pagination = *on_off == "on" || self.faults.pager_ignored;
                term.send(&format!("Automatic pagination is turned {on_off}\n\n"))
                    .await;
                true
            }
            ["show", "cert", "list", which @ ("own" | "trust")] => {
                require!(1);
                let list = if *which == "own" {
                    outputs::cert_list_own
                } else {
                    outputs::cert_list_trust
                };
                self.paged_output(term, list, PagerStyle::Press).await
            }
            ["show", "cert", "own", _] => {
                require!(1);
                let name = words.get(3).copied().unwrap_or_default();
                let unit_name = name.split('/').next().unwrap_or_default();
                match CertUnit::parse(unit_name)
                    .and_then(|u| self.sim.read(|c| outputs::cert_own(c, self.node, u)))
                {
                    Some(lines) => self.paged(term, lines, PagerStyle::Lines).await,
                    None => {
                        self.fail(term, &format!("No certificate {name} on this node"))
                            .await;
                        true
                    }
                }
            }
            ["run", "sql", ..] if words.len() > 2 => {
                require!(1);
                let query = rest(2);
                match self.sim.read(|c| outputs::sql(c, &query)) {
                    Ok(lines) => self.paged(term, lines, PagerStyle::Lines).await,
                    Err(lines) => {
                        term.send_lines(&lines).await;
                        term.send(&format!("{FAILED}\n\n")).await;
                        true
                    }
                }
            }
            ["utils", "service", "list"] => {
                require!(1);
                self.paged_output(term, outputs::service_list, PagerStyle::Press)
                    .await
            }
            [
                "utils",
                "service",
                verb @ ("restart" | "start" | "stop"),
                ..,
            ] if words.len() > 3 => {
                require!(1);
                let op = match *verb {
                    "restart" => ServiceOp::Restart,
                    "start" => ServiceOp::Start,
                    _ => ServiceOp::Stop,
                };
                self.service_op(term, &rest(3), op).await;
                true
            }
            ["utils", "ipsec", "restart"] => {
                require!(1);
                self.sim.pause(crate::timing::IPSEC_RESTART).await;
                let node = self.node_name();
                match self.sim.write(|c| c.ipsec_restart(&node)) {
                    Ok(_) => term.send("Successfully Restarted IPsec Service\n\n").await,
                    Err(e) => self.fail(term, &e.to_string()).await,
                }
                true
            }
            ["utils", "disaster_recovery", "backup", "network", ..] => {
                require!(1);
                self.backup(term, words.get(4..).unwrap_or_default()).await;
                true
            }
            ["set", "cert", "delete", _, _] => {
                require!(1);
                let store = words.get(3).copied().unwrap_or_default();
                let file = words.get(4).copied().unwrap_or_default();
                self.delete_trust(term, store, file).await;
                true
            }
            ["utils", "dbreplication", "runtimestate"] => {
                require!(1);
                self.paged_output(term, outputs::replication, PagerStyle::Press)
                    .await
            }
            ["utils", "disaster_recovery", "history", "backup"] => {
                require!(1);
                if self.is_publisher() {
                    self.paged_output(term, |c, _| outputs::backup_history(c), PagerStyle::Press)
                        .await
                } else {
                    self.fail(
                        term,
                        "drfCliMsg: This command is allowed only on the publisher",
                    )
                    .await;
                    true
                }
            }
            ["utils", "disaster_recovery", "status", "backup"] => {
                require!(1);
                let lines = self.sim.read(outputs::backup_status);
                term.send_lines(&lines).await;
                true
            }
            ["set", "cert", "regen", _] => {
                require!(1);
                return self
                    .regen(term, words.get(3).copied().unwrap_or_default())
                    .await;
            }
            ["utils", "ctl", "update", "ctlfile"] => {
                require!(1);
                return self.ctl_update(term).await;
            }
            ["utils", "itl", "reset", "localkey"] => {
                require!(4);
                return self.localkey(term, true).await;
            }
            ["utils", "ctl", "reset", "localkey"] => {
                require!(4);
                return self.localkey(term, false).await;
            }
            _ => {
                term.send("No valid command entered\n\n").await;
                true
            }
        };
        if ok { Flow::Continue } else { Flow::Exit }
    }

    /// `utils service restart|start|stop <name>`, streaming the states the model passes.
    async fn service_op(&self, term: &Term, name: &str, op: ServiceOp) {
        let Some(kind) = Service::parse(name) else {
            self.fail(term, &format!("Service {name} not found")).await;
            return;
        };
        let node = self.node_name();
        let current = self
            .sim
            .read(|c| c.node(&node).map(|n| n.service(kind)))
            .unwrap_or(ServiceStatus::NotActivated);
        let name = kind.cli_name();
        match (op, current) {
            (ServiceOp::Start, ServiceStatus::Started) => {
                term.send(&format!("Service Manager is running\n{name}[STARTED]\n\n"))
                    .await;
                return;
            }
            (ServiceOp::Stop, ServiceStatus::CommandedOutOfService | ServiceStatus::Stopped) => {
                term.send(&format!(
                    "Service Manager is running\n{name}[STOPPED]  Commanded Out of Service\n\n"
                ))
                .await;
                return;
            }
            _ => {}
        }
        if op == ServiceOp::Restart {
            term.send("Do not press Ctrl+C while the service is restarting.\n")
                .await;
        }
        term.send("Service Manager is running\n").await;
        let mut progress = match self.sim.service_op(&node, kind, op) {
            Ok(p) => p,
            Err(e) => {
                self.fail(term, &format!("{e}")).await;
                return;
            }
        };
        // Subscribers give the prompt back after [STARTING] on a restart (§6.5).
        let early = op == ServiceOp::Restart && !self.is_publisher();
        if op != ServiceOp::Start {
            term.send(&format!("{name}[STOPPING]\n")).await;
        }
        let mut said_starting = false;
        loop {
            let now = *progress.borrow_and_update();
            match now {
                ServiceProgress::Stopping => {}
                ServiceProgress::Starting => {
                    if !said_starting {
                        said_starting = true;
                        term.send(&format!("{name}[STARTING]\n")).await;
                    }
                    if early {
                        term.send("\n").await;
                        return;
                    }
                }
                ServiceProgress::Ended(status) => {
                    if op != ServiceOp::Stop && !said_starting {
                        term.send(&format!("{name}[STARTING]\n")).await;
                        if early {
                            term.send("\n").await;
                            return;
                        }
                    }
                    match status {
                        ServiceStatus::Started => {
                            term.send(&format!("{name}[STARTED]\n\n")).await;
                        }
                        ServiceStatus::CommandedOutOfService => {
                            term.send(&format!("{name}[STOPPED]  Commanded Out of Service\n\n"))
                                .await;
                        }
                        _ => {
                            self.fail(
                                term,
                                &format!("{name}[ STOPPED ]  Component is not running"),
                            )
                            .await;
                        }
                    }
                    return;
                }
                ServiceProgress::Superseded => {
                    self.fail(term, &format!("{name}: another operation took over"))
                        .await;
                    return;
                }
            }
            if progress.changed().await.is_err() {
                term.send("\n").await;
                return;
            }
        }
    }

    /// `utils disaster_recovery backup network <features> <path> <server> <user>`.
    async fn backup(&self, term: &Term, args: &[&str]) {
        let [features, path, server, _user] = args else {
            self.fail(
                term,
                "Usage: utils disaster_recovery backup network <featurelist> <path> <servername> <username>",
            )
            .await;
            return;
        };
        let features: Vec<String> = features
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
        let node = self.node_name();
        match self.sim.backup(&node, features, server, path) {
            Ok(_) => {
                term.send("drfCliMsg: Backup initiated successfully. Please run 'utils disaster_recovery status backup' command to see the status of the current backup.\n\n")
                    .await;
            }
            Err(crate::SimError::NotPublisher { .. }) => {
                self.fail(
                    term,
                    "drfCliMsg: This command is allowed only on the publisher",
                )
                .await;
            }
            Err(crate::SimError::BackupInProgress) => {
                self.fail(term, "drfCliMsg: Backup or Restore is already in progress")
                    .await;
            }
            Err(e) => self.fail(term, &format!("drfCliMsg: {e}")).await,
        }
    }

    /// `set cert delete <store> <file>` (inferred command and wording).
    async fn delete_trust(&self, term: &Term, store: &str, file: &str) {
        let Some(store) = TrustStore::parse(store) else {
            self.fail(
                term,
                &format!("Invalid unit {store}: only trust stores (CallManager-trust, tomcat-trust, ipsec-trust, CAPF-trust, Phone-SAST-trust) hold deletable certificates"),
            )
            .await;
            return;
        };
        let node = self.node_name();
        match self
            .sim
            .write(|c| c.delete_trust_certificate(&node, store, file))
        {
            Ok(_) => {
                term.send(&format!(
                    "Successfully deleted certificate {store}/{file}\n\n"
                ))
                .await;
            }
            Err(_) => {
                self.fail(term, &format!("Certificate {store}/{file} not found"))
                    .await;
            }
        }
    }

    async fn regen(&self, term: &mut Term, unit_name: &str) -> Flow {
        let node = self.node_name();
        let Some(unit) = CertUnit::parse(unit_name) else {
            self.fail(term, &format!("Invalid unit {unit_name}")).await;
            return Flow::Continue;
        };
        if self.sim.read(|c| {
            c.nodes()
                .get(self.node)
                .and_then(|n| n.identity(unit))
                .is_none()
        }) {
            self.fail(
                term,
                &format!("This node does not hold a {} certificate", unit.name()),
            )
            .await;
            return Flow::Continue;
        }
        term.send("\n").await;
        match unit {
            CertUnit::ItlRecovery => term.send("WARNING: If you are using a tokenless CTL and if the CallManager certificate is recently\ngenerated, please ensure that the CTL File already has the new CallManager certificate and is\nupdated to the endpoints, before generating the ITL Recovery certificate. Are you sure want\nto proceed?\n\n").await,
            CertUnit::Tomcat => term.send("WARNING: This operation will overwrite any CA signed certificate previously imported for  tomcat\n").await,
            _ => {}
        }
        let Some(answer) = self.ask(term, "Proceed with regeneration (yes|no)? ").await else {
            return Flow::Exit;
        };
        if !answer.eq_ignore_ascii_case("yes") {
            term.send("\nCertificate regeneration cancelled\n\n").await;
            return Flow::Continue;
        }
        match self.sim.regenerate(&node, unit).await {
            Ok(_) => {
                let name = unit.name();
                let advice = if unit == CertUnit::ItlRecovery {
                    format!(
                        "You must restart the services related to {name} for the regenerated certificates to become active."
                    )
                } else {
                    format!(
                        "You must restart services related to {name} for the regenerated certificates to become active."
                    )
                };
                term.send(&format!(
                    "\nSuccessfully Regenerated Certificate for {name}.\n{advice}\n\n"
                ))
                .await;
            }
            Err(e) => self.fail(term, &format!("\n{e}")).await,
        }
        Flow::Continue
    }

    async fn ctl_update(&self, term: &mut Term) -> Flow {
        if !self.is_publisher() {
            self.fail(term, "This command can be executed only on the publisher")
                .await;
            return Flow::Continue;
        }
        let Some(answer) = self
            .ask(
                term,
                "This operation updates the CTLFile. Do you want to continue? (y/n):",
            )
            .await
        else {
            return Flow::Exit;
        };
        if !answer.eq_ignore_ascii_case("y") {
            term.send("\n").await;
            return Flow::Continue;
        }
        match self.sim.write(|c| c.ctl_update()) {
            Ok(_) => term.send("Updating CTL file\nCTL file Updated\nPlease Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services\n\n").await,
            Err(e) => self.fail(term, &format!("{e}")).await,
        }
        Flow::Continue
    }

    async fn localkey(&self, term: &mut Term, itl: bool) -> Flow {
        if !self.is_publisher() {
            self.fail(term, "This command can be executed only on the publisher")
                .await;
            return Flow::Continue;
        }
        // (inferred) question: the documents give none (cucm-interfaces.md §9, question 4).
        let question = if itl {
            "This operation resets the ITL files of the cluster with the local key. Do you want to continue? (y/n):"
        } else {
            "This operation resets the CTL file with the local key. Do you want to continue? (y/n):"
        };
        let Some(answer) = self.ask(term, question).await else {
            return Flow::Exit;
        };
        if !answer.eq_ignore_ascii_case("y") {
            term.send("\n").await;
            return Flow::Continue;
        }
        if itl {
            let tftp: Vec<String> = self.sim.read(|c| {
                c.tftp_nodes()
                    .filter_map(|i| c.nodes().get(i).map(|n| n.name.clone()))
                    .collect()
            });
            term.send("Generating the reset ITL file.....\n").await;
            match self.sim.write(|c| c.itl_reset_localkey()) {
                Ok(_) => {
                    let mut text = format!(
                        "The reset ITL file was generated successfully\nLocating active Tftp servers in the cluster.....\nNumber of Active TFTP servers in the cluster : {}\n",
                        tftp.len()
                    );
                    for name in tftp {
                        text.push_str(&format!(
                            "Successfully transferred reset ITL to node {name}\n"
                        ));
                    }
                    text.push('\n');
                    term.send(&text).await;
                }
                Err(e) => self.fail(term, &format!("{e}")).await,
            }
        } else {
            term.send("Generating the reset CTL file.....\n").await;
            match self.sim.write(|c| c.ctl_reset_localkey()) {
                Ok(_) => {
                    term.send("The reset CTL file was generated successfully\n\n")
                        .await
                }
                Err(e) => self.fail(term, &format!("{e}")).await,
            }
        }
        Flow::Continue
    }
}

/// The authentication methods a node of `generation` accepts: 11.5 accepts `password` and
/// keyboard-interactive, 12+ and 14+ keyboard-interactive only (§6.5).
pub fn accepts_password(generation: Generation) -> bool {
    generation == Generation::V11_5
}
