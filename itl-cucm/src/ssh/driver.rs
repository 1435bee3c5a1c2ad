//! The russh driver: connect, check the host key pin, authenticate (`none` →
//! keyboard-interactive → `password`; never keys or an agent), open a PTY and an interactive
//! shell (no exec channel), and run the [`Shell`] machine over it.

use itl_core::cucm::CertUnit;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::client::{self, AuthResult, KeyboardInteractiveAuthResponse};
use russh::keys::{HashAlg, PublicKeyOrCertificate};
use russh::{ChannelMsg, Disconnect, MethodKind};

use itl_wire::admin_cli::parse::{
    self,
    backup::BackupHistory,
    cert_list::CertList,
    cert_own::OwnCertificate,
    outcome::{CtlUpdateOutcome, ItlResetOutcome, RegenOutcome},
    replication::Replication,
    service::{RestartOutcome, ServiceList},
    sql::SqlResult,
    system::{FipsStatus, NetworkCluster, NtpStatus, VersionInfo},
    trust_list::ShowTrustList,
};
use itl_wire::admin_cli::{Command, ParseError};

use super::error::{Peer, SshError, SshErrorKind};
use super::machine::{CommandOutput, Event, Shell};
use super::options::{HostKeyPin, SshOptions, SshTarget};

/// Most keyboard-interactive rounds answered before giving up on the method.
const MAX_KBDINT_ROUNDS: usize = 8;

/// The OpenSSH SHA-256 fingerprint of a key (`SHA256:<base64 without padding>`).
pub fn host_key_fingerprint(key: &PublicKeyOrCertificate) -> String {
    match key {
        PublicKeyOrCertificate::PublicKey { key, .. } => {
            key.fingerprint(HashAlg::Sha256).to_string()
        }
        PublicKeyOrCertificate::Certificate(cert) => {
            cert.public_key().fingerprint(HashAlg::Sha256).to_string()
        }
    }
}

struct Handler {
    pin: Option<String>,
    learn: bool,
    seen: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Handler {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        server_public_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let fingerprint = host_key_fingerprint(server_public_key);
        let accepted = match &self.pin {
            Some(pin) => *pin == fingerprint,
            None => self.learn,
        };
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(fingerprint);
        }
        Ok(accepted)
    }
}

/// Entry point: opens admin-CLI sessions.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdminCli;

fn client_config() -> Arc<client::Config> {
    Arc::new(client::Config {
        inactivity_timeout: None,
        nodelay: true,
        // Keep-alives let a dead peer be noticed during long commands.
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 4,
        ..client::Config::default()
    })
}

async fn open(
    addr: std::net::SocketAddr,
    pin: Option<String>,
    learn: bool,
    options: &SshOptions,
    peer: &Peer,
) -> Result<(client::Handle<Handler>, Option<String>), SshError> {
    let seen = Arc::new(Mutex::new(None));
    let handler = Handler {
        pin: pin.clone(),
        learn,
        seen: seen.clone(),
    };
    let fail = |kind| SshError::new(peer.clone(), kind);
    let connected = tokio::time::timeout(
        options.connect_timeout,
        client::connect(client_config(), addr, handler),
    )
    .await
    .map_err(|_| fail(SshErrorKind::ConnectTimeout(options.connect_timeout)))?;
    let presented = seen.lock().ok().and_then(|s| s.clone());
    match connected {
        Ok(handle) => Ok((handle, presented)),
        Err(e) => Err(fail(match (&pin, presented) {
            (Some(expected), Some(actual)) if *expected != actual => {
                SshErrorKind::HostKeyMismatch {
                    expected: expected.clone(),
                    actual,
                }
            }
            (None, Some(actual)) if !learn => SshErrorKind::HostKeyUnpinned { actual },
            _ => SshErrorKind::Connect(e.to_string()),
        })),
    }
}

/// Connects to `addr`, reads the host key's fingerprint and disconnects without
/// authenticating (onboarding: show it to a person, then pin it).
pub async fn probe_host_key(
    addr: std::net::SocketAddr,
    options: &SshOptions,
) -> Result<String, SshError> {
    let peer = Peer { addr, node: None };
    let (handle, presented) = open(addr, None, true, options, &peer).await?;
    let _ = handle.disconnect(Disconnect::ByApplication, "", "en").await;
    presented.ok_or_else(|| {
        SshError::new(
            peer,
            SshErrorKind::Connect("the server presented no host key".into()),
        )
    })
}

async fn authenticate(
    handle: &mut client::Handle<Handler>,
    target: &SshTarget,
) -> Result<(), SshErrorKind> {
    let transport = |e: russh::Error| SshErrorKind::Transport(e.to_string());
    let user = target.user.as_str();
    let password = target.password.expose();
    let mut tried: Vec<&'static str> = vec!["none"];
    let remaining = match handle.authenticate_none(user).await.map_err(transport)? {
        AuthResult::Success => return Ok(()),
        AuthResult::Failure {
            remaining_methods, ..
        } => remaining_methods,
    };
    // An empty list tells nothing: try both.
    let offers = |m: MethodKind| remaining.is_empty() || remaining.contains(&m);
    if offers(MethodKind::KeyboardInteractive) {
        tried.push("keyboard-interactive");
        let mut reply = handle
            .authenticate_keyboard_interactive_start(user, None)
            .await
            .map_err(transport)?;
        let mut rounds = 0;
        loop {
            match reply {
                KeyboardInteractiveAuthResponse::Success => return Ok(()),
                KeyboardInteractiveAuthResponse::Failure { .. } => break,
                KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } => {
                    rounds += 1;
                    if rounds > MAX_KBDINT_ROUNDS {
                        break;
                    }
                    // Every prompt gets the password, and a round without prompts gets an
                    // empty answer list.
                    let answers = prompts.iter().map(|_| password.to_owned()).collect();
                    reply = handle
                        .authenticate_keyboard_interactive_respond(answers)
                        .await
                        .map_err(transport)?;
                }
            }
        }
    }
    if offers(MethodKind::Password) {
        tried.push("password");
        if let AuthResult::Success = handle
            .authenticate_password(user, password)
            .await
            .map_err(transport)?
        {
            return Ok(());
        }
    }
    Err(SshErrorKind::AuthRejected { tried })
}

/// Waits for the reply to a `want_reply` channel request; data that arrives meanwhile is
/// kept.
async fn channel_reply(
    channel: &mut russh::Channel<client::Msg>,
    early: &mut Vec<u8>,
    what: &str,
) -> Result<(), SshErrorKind> {
    loop {
        match channel.wait().await {
            Some(ChannelMsg::Success) => return Ok(()),
            Some(ChannelMsg::Failure) => {
                return Err(SshErrorKind::Channel(format!("{what} refused")));
            }
            Some(ChannelMsg::Data { data }) | Some(ChannelMsg::ExtendedData { data, .. }) => {
                early.extend_from_slice(&data);
            }
            Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => {
                return Err(SshErrorKind::Channel(format!(
                    "channel closed during {what}"
                )));
            }
            Some(_) => {}
        }
    }
}

/// What the shell printed before its first prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// The prompt name (`admin`).
    pub prompt: String,
    /// Start-up banner lines.
    pub banner: Vec<String>,
    /// Whether `set cli pagination off` was accepted (pagers are answered either way).
    pub pagination_off: bool,
    /// The host key fingerprint the server presented.
    pub host_key: String,
}

/// An open admin-CLI shell on one node. One command at a time; open a fresh session per
/// phase rather than holding one across long waits (CLI sessions time out after 30 min).
pub struct AdminSession {
    handle: client::Handle<Handler>,
    channel: russh::Channel<client::Msg>,
    shell: Shell,
    peer: Peer,
    info: SessionInfo,
}

impl std::fmt::Debug for AdminSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminSession")
            .field("peer", &self.peer)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl AdminCli {
    /// Connects, checks the host key pin, authenticates, opens the shell and waits for the
    /// prompt (and for `set cli pagination off`).
    pub async fn connect(
        target: &SshTarget,
        options: &SshOptions,
    ) -> Result<AdminSession, SshError> {
        let peer = Peer {
            addr: target.addr,
            node: Some(target.node.clone()),
        };
        let fail = |kind| SshError::new(peer.clone(), kind);
        let pin = match &target.host_key {
            HostKeyPin::Sha256(fp) => Some(fp.clone()),
            HostKeyPin::None => None,
        };
        let (mut handle, presented) = open(target.addr, pin, false, options, &peer).await?;
        tokio::time::timeout(options.auth_timeout, authenticate(&mut handle, target))
            .await
            .map_err(|_| fail(SshErrorKind::AuthTimeout(options.auth_timeout)))?
            .map_err(fail)?;
        let mut channel = handle
            .channel_open_session()
            .await
            .map_err(|e| fail(SshErrorKind::Channel(e.to_string())))?;
        let mut early = Vec::new();
        channel
            .request_pty(true, "vt100", options.pty_cols, options.pty_rows, 0, 0, &[])
            .await
            .map_err(|e| fail(SshErrorKind::Channel(e.to_string())))?;
        channel_reply(&mut channel, &mut early, "PTY request")
            .await
            .map_err(fail)?;
        channel
            .request_shell(true)
            .await
            .map_err(|e| fail(SshErrorKind::Channel(e.to_string())))?;
        channel_reply(&mut channel, &mut early, "shell request")
            .await
            .map_err(fail)?;
        let mut shell = Shell::new(options.shell.clone(), Instant::now());
        if !early.is_empty() {
            shell.handle_data(&early, Instant::now());
        }
        let mut session = AdminSession {
            handle,
            channel,
            shell,
            peer: peer.clone(),
            info: SessionInfo {
                prompt: String::new(),
                banner: Vec::new(),
                pagination_off: false,
                host_key: presented.unwrap_or_default(),
            },
        };
        match session.pump().await? {
            Pumped::Ready {
                prompt,
                banner,
                pagination_off,
            } => {
                session.info.prompt = prompt;
                session.info.banner = banner;
                session.info.pagination_off = pagination_off;
                Ok(session)
            }
            Pumped::Finished(_) => Err(fail(SshErrorKind::NotReady("unexpected output"))),
        }
    }
}

enum Pumped {
    Ready {
        prompt: String,
        banner: Vec<String>,
        pagination_off: bool,
    },
    Finished(CommandOutput),
}

/// The typed admin-CLI commands of [`AdminSession`]: each runs its [`Command`] with its
/// default timeout and reads the output with its parser (a parse failure is
/// [`SshErrorKind::Parse`], naming the command).
macro_rules! admin_commands {
    ($(
        $(#[$doc:meta])*
        $name:ident($($arg:ident: $ty:ty),*) -> $out:ty: $command:expr, $parse:expr;
    )*) => {$(
        $(#[$doc])*
        pub async fn $name(&mut self, $($arg: $ty),*) -> Result<$out, SshError> {
            self.parsed($command, $parse).await
        }
    )*};
}

impl AdminSession {
    /// The peer.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    /// What the shell said at start-up.
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    fn error(&self, kind: SshErrorKind) -> SshError {
        SshError::new(self.peer.clone(), kind)
    }

    /// Runs the machine until it is ready or a command finished.
    async fn pump(&mut self) -> Result<Pumped, SshError> {
        loop {
            while let Some(bytes) = self.shell.poll_transmit() {
                if let Err(e) = self.channel.data_bytes(bytes).await {
                    tracing::debug!(peer = %self.peer, error = %e, "send failed");
                    self.shell.handle_closed();
                    break;
                }
            }
            while let Some(event) = self.shell.poll_event() {
                match event {
                    Event::Ready {
                        prompt,
                        banner,
                        pagination_off,
                    } => {
                        return Ok(Pumped::Ready {
                            prompt,
                            banner,
                            pagination_off,
                        });
                    }
                    Event::Finished(output) => return Ok(Pumped::Finished(output)),
                    Event::Failed(kind) => return Err(self.error(kind)),
                    Event::Nudged => {
                        tracing::debug!(peer = %self.peer, "sent one newline after the Welcome line")
                    }
                    Event::Pager(pager) => {
                        tracing::trace!(peer = %self.peer, ?pager, "pager answered")
                    }
                    Event::Confirming(c) => {
                        tracing::debug!(peer = %self.peer, confirmation = %c, "answering")
                    }
                }
            }
            let wake = self.shell.poll_timeout();
            let sleep = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                msg = self.channel.wait() => match msg {
                    Some(ChannelMsg::Data { data }) | Some(ChannelMsg::ExtendedData { data, .. }) => {
                        self.shell.handle_data(&data, Instant::now());
                    }
                    Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => {
                        self.shell.handle_closed();
                    }
                    Some(_) => {}
                },
                () = sleep => self.shell.handle_timeout(Instant::now()),
            }
        }
    }

    /// Runs `command` with its default timeout and returns its cleaned output.
    pub async fn run(&mut self, command: &Command) -> Result<CommandOutput, SshError> {
        self.run_with_timeout(command, None).await
    }

    /// Runs `command` with `timeout` (its default when `None`).
    pub async fn run_with_timeout(
        &mut self,
        command: &Command,
        timeout: Option<Duration>,
    ) -> Result<CommandOutput, SshError> {
        self.shell
            .start(command, timeout, Instant::now())
            .map_err(|k| self.error(k))?;
        match self.pump().await? {
            Pumped::Finished(output) => Ok(output),
            Pumped::Ready { .. } => Err(self.error(SshErrorKind::NotReady("no output"))),
        }
    }

    async fn parsed<T>(
        &mut self,
        command: Command,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Result<T, SshError> {
        let output = self.run(&command).await?;
        parse(&output.text()).map_err(|error| {
            self.error(SshErrorKind::Parse {
                command: output.command.clone(),
                error,
            })
        })
    }

    admin_commands! {
        /// `utils dbreplication runtimestate`.
        replication() -> Replication:
            Command::ReplicationRuntimeState, parse::replication::parse;
        /// `utils disaster_recovery history backup`.
        backup_history() -> BackupHistory: Command::BackupHistory, parse::backup::parse;
        /// `show cert list own`.
        cert_list_own() -> CertList: Command::CertListOwn, parse::cert_list::parse;
        /// `show cert list trust`.
        cert_list_trust() -> CertList: Command::CertListTrust, parse::cert_list::parse;
        /// `show cert own <unit>/<unit>.pem`.
        cert_own(unit: CertUnit) -> OwnCertificate: Command::CertOwn(unit), parse::cert_own::parse;
        /// `utils service list`.
        service_list() -> ServiceList: Command::ServiceList, parse::service::parse_list;
        /// `show itl`.
        show_itl() -> ShowTrustList: Command::ShowItl, parse::trust_list::parse;
        /// `show ctl`.
        show_ctl() -> ShowTrustList: Command::ShowCtl, parse::trust_list::parse;
        /// `run sql <query>`.
        sql(query: &str) -> SqlResult: Command::Sql(query.to_owned()), parse::sql::parse;
        /// `show version active`.
        version() -> VersionInfo: Command::VersionActive, parse::system::parse_version;
        /// `show network cluster`.
        network_cluster() -> NetworkCluster:
            Command::NetworkCluster, parse::system::parse_network_cluster;
        /// `utils ntp status`.
        ntp() -> NtpStatus: Command::NtpStatus, parse::system::parse_ntp;
        /// `utils fips status`.
        fips() -> FipsStatus: Command::FipsStatus, parse::system::parse_fips;
        /// `set cert regen <unit>` (answers its `(yes|no)` question).
        regen(unit: CertUnit) -> RegenOutcome:
            Command::CertRegen(unit), |t| parse::outcome::parse_regen(t, unit.name());
        /// `utils ctl update CTLFile` (publisher; answers its `(y/n)` question).
        ctl_update() -> CtlUpdateOutcome: Command::CtlUpdate, parse::outcome::parse_ctl_update;
        /// `utils itl reset localkey` (publisher).
        itl_reset_localkey() -> ItlResetOutcome:
            Command::ItlResetLocalkey, parse::outcome::parse_itl_reset;
        /// `utils ctl reset localkey` (publisher).
        ctl_reset_localkey() -> (): Command::CtlResetLocalkey, parse::outcome::parse_ctl_reset;
        /// `utils service restart <name>`: [`RestartOutcome::Initiated`] when only
        /// `[STARTING]` was printed (confirm later with [`AdminSession::service_list`]).
        service_restart(name: &str) -> RestartOutcome:
            Command::ServiceRestart(name.to_owned()), |t| parse::service::parse_restart(t, name);
    }

    /// Closes the shell and the connection.
    pub async fn close(self) {
        let _ = self.channel.eof().await;
        let _ = self.channel.close().await;
        let _ = self
            .handle
            .disconnect(Disconnect::ByApplication, "", "en")
            .await;
    }
}
