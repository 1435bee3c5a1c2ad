//! SSH shell check (target `ssh_shell`, replayed by `itl-cucm/tests/fuzz_corpus.rs`): arbitrary
//! server bytes through the sans-io admin-CLI shell machine, with the typed parsers on every
//! finished command.
//!
//! Input: pieces separated by NUL bytes, each handed to `Shell::handle_data` as one read;
//! the clock moves 100 ms per piece, 10 s per empty piece. Whenever the shell is ready the
//! next command of a fixed list is started. At the end the clock jumps an hour and the
//! channel closes.
//!
//! Invariants: nothing panics; every byte sent is the command line and its newline, a pager
//! answer (` `, `n`, `q`), a keystroke of a confirmation answer or decline, or the one
//! start-up newline (at most one `Nudged`); nothing is sent after the session died; a
//! finished command's output is within the output cap; the session ends dead.

use std::time::{Duration, Instant};

use itl_core::cucm::CertUnit;
use itl_cucm::ssh::{Event, Shell, ShellOptions};
use itl_wire::admin_cli::Command;
use itl_wire::admin_cli::parse::{
    backup, cert_list, cert_own, outcome, replication, service, sql, sso, system, trust_list,
    upgrade,
};

/// Output cap used here (small, so that the cap is reached).
const MAX_OUTPUT: usize = 64 * 1024;

fn commands() -> Vec<Command> {
    vec![
        Command::ShowItl,
        Command::CertRegen(CertUnit::Tomcat),
        Command::ServiceList,
        Command::Sql("select name from device".into()),
        Command::ReplicationRuntimeState,
        Command::BackupHistory,
        Command::CertListOwn,
        Command::CertOwn(CertUnit::CallManager),
        Command::VersionActive,
        Command::NetworkCluster,
        Command::NtpStatus,
        Command::FipsStatus,
        Command::CtlUpdate,
        Command::ItlResetLocalkey,
        Command::ShowCtl,
        Command::VersionInactive,
        Command::UpgradeStatus,
        Command::SsoStatus,
        Command::ServiceStop("Cisco Certificate Change Notification".into()),
        Command::ServiceStart("Cisco Certificate Change Notification".into()),
        Command::CertDelete {
            store: "CallManager-trust".into(),
            file: "ucm-pub.pem".into(),
        },
    ]
}

fn parse_output(command: &Command, text: &str) {
    match command {
        Command::ShowItl | Command::ShowCtl => drop(trust_list::parse(text)),
        Command::CertRegen(unit) => drop(outcome::parse_regen(text, unit.name())),
        Command::ServiceList => drop(service::parse_list(text)),
        Command::Sql(_) => drop(sql::parse(text)),
        Command::ReplicationRuntimeState => drop(replication::parse(text)),
        Command::BackupHistory => drop(backup::parse(text)),
        Command::CertListOwn => drop(cert_list::parse(text)),
        Command::CertOwn(_) => drop(cert_own::parse(text)),
        Command::VersionActive => drop(system::parse_version(text)),
        Command::NetworkCluster => drop(system::parse_network_cluster(text)),
        Command::NtpStatus => drop(system::parse_ntp(text)),
        Command::FipsStatus => drop(system::parse_fips(text)),
        Command::CtlUpdate => drop(outcome::parse_ctl_update(text)),
        Command::ItlResetLocalkey => drop(outcome::parse_itl_reset(text)),
        Command::VersionInactive => drop(upgrade::parse_version_inactive(text)),
        Command::UpgradeStatus => drop(upgrade::parse_upgrade_status(text)),
        Command::SsoStatus => drop(sso::parse(text)),
        Command::ServiceStop(name) | Command::ServiceStart(name) => {
            drop(service::parse_service_state(text, name))
        }
        _ => {}
    }
}

/// What the shell may type besides command lines.
fn allowed_keystroke(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        b"\n" | b" " | b"n" | b"q" | b"y" | b"e" | b"s" | b"o" | b"yes" | b"no\n" | b"n\n"
    )
}

struct Harness {
    shell: Shell,
    now: Instant,
    queue: std::vec::IntoIter<Command>,
    running: Option<(Command, String)>,
    nudges: usize,
    dead_seen: bool,
}

impl Harness {
    fn drain(&mut self) {
        while let Some(bytes) = self.shell.poll_transmit() {
            assert!(!self.dead_seen, "sent {bytes:?} after the session died");
            let is_command = self
                .running
                .as_ref()
                .is_some_and(|(_, line)| bytes == format!("{line}\n").as_bytes())
                || bytes == b"set cli pagination off\n";
            assert!(
                is_command || allowed_keystroke(&bytes),
                "unexpected transmit {:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
        while let Some(event) = self.shell.poll_event() {
            match event {
                Event::Nudged => {
                    self.nudges += 1;
                    assert!(self.nudges <= 1, "more than one start-up newline");
                }
                Event::Finished(output) => {
                    let size: usize = output.lines.iter().map(|l| l.len() + 1).sum();
                    assert!(size <= MAX_OUTPUT + 1, "{size} bytes of output");
                    if let Some((command, _)) = self.running.take() {
                        parse_output(&command, &output.text());
                    }
                }
                Event::Failed(_) => {
                    if self.shell.is_dead() {
                        self.dead_seen = true;
                    }
                    self.running = None;
                }
                Event::Ready { .. } | Event::Pager(_) | Event::Confirming(_) => {}
            }
        }
        if self.shell.is_ready()
            && self.running.is_none()
            && let Some(command) = self.queue.next()
        {
            let line = command.render().expect("our commands render");
            self.shell
                .start(&command, None, self.now)
                .expect("a ready shell starts a command");
            self.running = Some((command, line));
            self.drain();
        }
    }

    fn tick(&mut self, by: Duration) {
        self.now += by;
        if self.shell.poll_timeout().is_some_and(|t| t <= self.now) {
            self.shell.handle_timeout(self.now);
        }
        self.drain();
    }
}

/// Checks one input.
pub fn check(data: &[u8]) {
    let start = Instant::now();
    let options = ShellOptions {
        max_output: MAX_OUTPUT,
        ..ShellOptions::default()
    };
    let mut h = Harness {
        shell: Shell::new(options, start),
        now: start,
        queue: commands().into_iter(),
        running: None,
        nudges: 0,
        dead_seen: false,
    };
    for piece in data.split(|&b| b == 0) {
        if piece.is_empty() {
            h.tick(Duration::from_secs(10));
            continue;
        }
        h.shell.handle_data(piece, h.now);
        h.drain();
        h.tick(Duration::from_millis(100));
    }
    h.tick(Duration::from_secs(3600));
    h.shell.handle_closed();
    h.drain();
    assert!(h.shell.is_dead(), "a closed channel ends the session");
}
