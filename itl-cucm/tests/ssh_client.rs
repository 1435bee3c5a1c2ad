//! The admin-CLI client against real russh servers on 127.0.0.1 playing scripted fake CLIs:
//! authentication orders, host key pins, slow banners, pagers that ignore `pagination off`,
//! confirmations, failure markers, dropped sessions and timeouts. Every server records the
//! bytes it received, so the tests also check what the client typed.

mod common;

use common::within;
use itl_core::cucm::CertUnit;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use itl_cucm::secrets::Secret;
use itl_cucm::ssh::{
    AdminCli, AdminSession, HostKeyPin, ShellOptions, SshErrorKind, SshOptions, SshTarget,
    probe_host_key,
};
use itl_wire::admin_cli::parse::service::RestartOutcome;
use itl_wire::admin_cli::{Command, Confirmation, FailureMarker};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey};
use russh::server::{self, Auth, Msg, Session};
use russh::{Channel, ChannelId, ChannelMsg, MethodKind, MethodSet};
use tokio::net::TcpListener;

/// Bound of every test.
const LIMIT: Duration = Duration::from_secs(30);
const PASSWORD: &str = "s3cret!";

/// Which pager the fake CLI uses when pagination is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PagerStyle {
    Press,
    Lines,
}

#[derive(Clone, Debug)]
struct Script {
    methods: Vec<MethodKind>,
    /// Keyboard-interactive starts with a round of zero prompts.
    empty_round: bool,
    banner_delay: Duration,
    /// Pagination stays on whatever the client asks (with this style).
    pager: Option<PagerStyle>,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            methods: vec![MethodKind::KeyboardInteractive],
            empty_round: false,
            banner_delay: Duration::ZERO,
            pager: None,
        }
    }
}

struct Server {
    addr: std::net::SocketAddr,
    fingerprint: String,
    received: Arc<Mutex<Vec<u8>>>,
    auth_log: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().expect("lock")).into_owned()
    }
    fn auth_log(&self) -> Vec<String> {
        self.auth_log.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn host_key(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

async fn start(script: Script) -> Server {
    start_with_key(script, 7).await
}

async fn start_with_key(script: Script, seed: u8) -> Server {
    let key = host_key(seed);
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let config = Arc::new(server::Config {
        keys: vec![key],
        methods: MethodSet::from(script.methods.as_slice()),
        auth_rejection_time: Duration::from_millis(5),
        auth_rejection_time_initial: Some(Duration::ZERO),
        inactivity_timeout: Some(Duration::from_secs(60)),
        ..server::Config::default()
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let received = Arc::new(Mutex::new(Vec::new()));
    let auth_log = Arc::new(Mutex::new(Vec::new()));
    let (r, a) = (received.clone(), auth_log.clone());
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let handler = Conn {
                script: script.clone(),
                received: r.clone(),
                auth_log: a.clone(),
                round: 0,
            };
            let config = config.clone();
            tokio::spawn(async move {
                if let Ok(session) = server::run_stream(config, stream, handler).await {
                    let _ = session.await;
                }
            });
        }
    });
    Server {
        addr,
        fingerprint,
        received,
        auth_log,
        task,
    }
}

struct Conn {
    script: Script,
    received: Arc<Mutex<Vec<u8>>>,
    auth_log: Arc<Mutex<Vec<String>>>,
    round: u32,
}

impl Conn {
    fn log(&self, s: &str) {
        self.auth_log.lock().expect("lock").push(s.to_owned());
    }
    fn offers(&self, m: MethodKind) -> bool {
        self.script.methods.contains(&m)
    }
    fn reject(&self) -> Auth {
        Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(self.script.methods.as_slice())),
            partial_success: false,
        }
    }
}

impl server::Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        self.log("none");
        Ok(self.reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        _offer: server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        self.log("publickey");
        Ok(self.reject())
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        self.log("password");
        if self.offers(MethodKind::Password) && user == "admin" && password == PASSWORD {
            return Ok(Auth::Accept);
        }
        Ok(self.reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        if !self.offers(MethodKind::KeyboardInteractive) {
            self.log("keyboard-interactive (refused)");
            return Ok(self.reject());
        }
        let answers: Vec<Vec<u8>> = response
            .map(|r| r.map(|b| b.to_vec()).collect())
            .unwrap_or_default();
        self.round += 1;
        self.log(&format!(
            "keyboard-interactive round {} answers {}",
            self.round,
            answers.len()
        ));
        let password_prompt = || Auth::Partial {
            name: "".into(),
            instructions: "".into(),
            prompts: vec![("Password: ".into(), false)].into(),
        };
        match (self.round, self.script.empty_round) {
            (1, true) => Ok(Auth::Partial {
                name: "".into(),
                instructions: "".into(),
                prompts: vec![].into(),
            }),
            (1, false) | (2, true) => Ok(password_prompt()),
            _ => {
                if user == "admin" && answers == vec![PASSWORD.as_bytes().to_vec()] {
                    Ok(Auth::Accept)
                } else {
                    self.round = 0;
                    Ok(self.reject())
                }
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        reply.accept().await;
        let script = self.script.clone();
        let received = self.received.clone();
        tokio::spawn(async move {
            let mut term = Term {
                channel,
                pending: Vec::new(),
                received,
            };
            fake_cli(&mut term, &script).await;
            let _ = term.channel.eof().await;
            let _ = term.channel.close().await;
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _cols: u32,
        _rows: u32,
        _pw: u32,
        _ph: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.log("exec");
        session.channel_failure(channel)
    }
}

struct Term {
    channel: Channel<Msg>,
    pending: Vec<u8>,
    received: Arc<Mutex<Vec<u8>>>,
}

impl Term {
    async fn send(&self, text: &str) {
        let _ = self
            .channel
            .data_bytes(text.replace('\n', "\r\n").into_bytes())
            .await;
    }

    async fn byte(&mut self) -> Option<u8> {
        loop {
            if !self.pending.is_empty() {
                return Some(self.pending.remove(0));
            }
            match self.channel.wait().await? {
                ChannelMsg::Data { data } => {
                    self.received.lock().expect("lock").extend_from_slice(&data);
                    self.pending.extend_from_slice(&data);
                }
                ChannelMsg::Eof | ChannelMsg::Close => return None,
                _ => {}
            }
        }
    }

    /// A line, echoed as a PTY does.
    async fn line(&mut self) -> Option<String> {
        let mut line = Vec::new();
        loop {
            let b = self.byte().await?;
            match b {
                b'\r' | b'\n' => {
                    self.send("\n").await;
                    return Some(String::from_utf8_lossy(&line).into_owned());
                }
                _ => {
                    line.push(b);
                    let _ = self.channel.data_bytes(vec![b]).await;
                }
            }
        }
    }
}

const BANNER: &str = "Command Line Interface is starting up, please wait ...\n\n   Welcome to the Platform Command Line Interface\n\nVMware Installation:\n\t2 vCPU: Intel(R) Xeon(R) CPU\n\n";

async fn paged(term: &mut Term, style: Option<PagerStyle>, lines: &[&str]) -> bool {
    let Some(style) = style else {
        for l in lines {
            term.send(&format!("{l}\n")).await;
        }
        return true;
    };
    let total = lines.len();
    for (i, l) in lines.iter().enumerate() {
        term.send(&format!("{l}\n")).await;
        let prompt = match style {
            PagerStyle::Press => {
                if i + 1 == total {
                    break;
                }
                "\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K"
                    .to_owned()
            }
            PagerStyle::Lines => format!(
                "\x1b[1moptions: q=quit, n=next, p=prev, b=begin, e=end (lines {0} - {0} of {total}) :\x1b[0m\x1b[K",
                i + 1
            ),
        };
        term.send(&prompt).await;
        let Some(key) = term.byte().await else {
            return false;
        };
        term.send("\r\x1b[K").await;
        let expected = match style {
            PagerStyle::Press => b' ',
            PagerStyle::Lines if i + 1 == total => b'q',
            PagerStyle::Lines => b'n',
        };
        if key != expected {
            term.send(&format!("unexpected pager key {key}\n")).await;
            return true;
        }
    }
    true
}

async fn fake_cli(term: &mut Term, script: &Script) {
    tokio::time::sleep(script.banner_delay).await;
    term.send(BANNER).await;
    let mut pager = Some(PagerStyle::Press);
    loop {
        term.send("admin:").await;
        let Some(command) = term.line().await else {
            return;
        };
        match command.trim() {
            "" => {}
            "set cli pagination off" => {
                if script.pager.is_none() {
                    pager = None;
                    term.send("Automatic pagination is turned off\n\n").await;
                } else {
                    pager = script.pager;
                    term.send("Automatic pagination is turned off\n\n").await;
                }
            }
            "show version active" => {
                let lines = [
                    "Active Master Version: 15.0.1.10000-32",
                    "Active Version Installed Software Options:",
                    "No Installed Software Options Found.",
                ];
                if !paged(term, pager, &lines).await {
                    return;
                }
            }
            "set cert regen TVS" => {
                term.send("\nProceed with regeneration (yes|no)? ").await;
                match term.line().await.as_deref() {
                    Some("yes") => {
                        term.send("\nSuccessfully Regenerated Certificate for TVS.\nYou must restart services related to TVS for the regenerated certificates to become active.\n").await;
                    }
                    Some(_) => term.send("\nRegeneration aborted\n").await,
                    None => return,
                }
            }
            "show itl" => {
                // Asks a question this command never asks.
                term.send("Do you want to continue (yes/no) ?").await;
                let answer = term.line().await;
                if answer.is_none() {
                    return;
                }
            }
            "utils fips status" => {
                term.send("Executed command unsuccessfully\n").await;
            }
            "utils ntp status" => {
                // Never answers.
                std::future::pending::<()>().await;
            }
            "utils service list" => {
                term.send("Requesting service status, please wait...\n")
                    .await;
                return; // drops the session mid-command
            }
            "utils service restart Cisco Tftp" => {
                term.send("Do not press Ctrl+C while the service is restarting.\nService Manager is running\nCisco Tftp[STOPPING]\nCisco Tftp[STARTING]\n").await;
            }
            "exit" => return,
            _ => term.send("No valid command entered\n").await,
        }
    }
}

fn target(server: &Server) -> SshTarget {
    SshTarget {
        addr: server.addr,
        node: "fake-node".into(),
        user: "admin".into(),
        password: Secret::new(PASSWORD),
        host_key: HostKeyPin::Sha256(server.fingerprint.clone()),
    }
}

fn options() -> SshOptions {
    SshOptions {
        connect_timeout: Duration::from_secs(5),
        auth_timeout: Duration::from_secs(5),
        shell: ShellOptions {
            startup_budget: Duration::from_secs(5),
            keystroke_delay: Duration::from_millis(20),
            ..ShellOptions::default()
        },
        ..SshOptions::default()
    }
}

/// A scripted server and an admin session connected to it with the test [`options`].
async fn connected(script: Script) -> (Server, AdminSession) {
    let server = start(script).await;
    let session = AdminCli::connect(&target(&server), &options())
        .await
        .expect("connect");
    (server, session)
}

/// Runs `test` on a server playing `script` and a session connected to it, bounded in time.
async fn on_cli(script: Script, test: impl AsyncFnOnce(Server, AdminSession)) {
    within(LIMIT, async {
        let (server, session) = connected(script).await;
        test(server, session).await;
    })
    .await;
}

/// Closes `session` and gives everything the client typed to `server`.
async fn typed_until_closed(server: &Server, session: AdminSession) -> String {
    session.close().await;
    server.received()
}

#[tokio::test]
async fn happy_path_keyboard_interactive() {
    on_cli(Script::default(), async |server, mut session| {
        assert_eq!(session.info().prompt, "admin");
        assert!(session.info().pagination_off);
        assert_eq!(session.info().host_key, server.fingerprint);
        assert!(
            session
                .info()
                .banner
                .iter()
                .any(|l| l.contains("Welcome to the Platform"))
        );
        let v = session.version().await.expect("version");
        assert_eq!((v.major, v.minor), (15, 0));
        let r = session.regen(CertUnit::Tvs).await.expect("regen");
        assert_eq!(r.unit, "TVS");
        let typed = typed_until_closed(&server, session).await;
        assert_eq!(
            server.auth_log(),
            vec![
                "none",
                "keyboard-interactive round 1 answers 0",
                "keyboard-interactive round 2 answers 1"
            ]
        );
        // Exactly what was typed: pagination off, the commands, `yes` one key at a time.
        assert_eq!(
            typed,
            "set cli pagination off\nshow version active\nset cert regen TVS\nyes\n"
        );
    })
    .await;
}

#[tokio::test]
async fn keyboard_interactive_with_an_empty_round() {
    let script = Script {
        empty_round: true,
        ..Script::default()
    };
    on_cli(script, async |server, session| {
        session.close().await;
        assert_eq!(
            server.auth_log(),
            vec![
                "none",
                "keyboard-interactive round 1 answers 0",
                "keyboard-interactive round 2 answers 0",
                "keyboard-interactive round 3 answers 1"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn password_only_server() {
    let script = Script {
        methods: vec![MethodKind::Password],
        ..Script::default()
    };
    on_cli(script, async |server, mut session| {
        assert!(session.version().await.is_ok());
        session.close().await;
        assert_eq!(server.auth_log(), vec!["none", "password"]);
    })
    .await;
}

#[tokio::test]
async fn wrong_password_is_rejected_after_every_method() {
    within(LIMIT, async {
        let server = start(Script {
            methods: vec![MethodKind::KeyboardInteractive, MethodKind::Password],
            ..Script::default()
        })
        .await;
        let mut t = target(&server);
        t.password = Secret::new("wrong");
        let e = AdminCli::connect(&t, &options())
            .await
            .expect_err("rejected");
        match e.kind() {
            SshErrorKind::AuthRejected { tried } => {
                assert_eq!(tried, &vec!["none", "keyboard-interactive", "password"]);
            }
            other => panic!("{other}"),
        }
        assert!(e.to_string().contains("fake-node"), "{e}");
        // Never a key.
        assert!(!server.auth_log().iter().any(|l| l == "publickey"));
    })
    .await;
}

#[tokio::test]
async fn wrong_or_missing_host_key_pin() {
    within(LIMIT, async {
        let server = start(Script::default()).await;
        let other = host_key(9).public_key().fingerprint(HashAlg::Sha256).to_string();
        let mut t = target(&server);
        t.host_key = HostKeyPin::Sha256(other.clone());
        let e = AdminCli::connect(&t, &options()).await.expect_err("mismatch");
        match e.kind() {
            SshErrorKind::HostKeyMismatch { expected, actual } => {
                assert_eq!(expected, &other);
                assert_eq!(actual, &server.fingerprint);
            }
            other => panic!("{other}"),
        }
        let text = e.to_string();
        assert!(text.contains(&other) && text.contains(&server.fingerprint), "{text}");
        t.host_key = HostKeyPin::None;
        let e = AdminCli::connect(&t, &options()).await.expect_err("unpinned");
        assert!(matches!(e.kind(), SshErrorKind::HostKeyUnpinned { actual } if *actual == server.fingerprint));
        // Nothing got as far as authentication.
        assert!(server.auth_log().is_empty());
        assert_eq!(probe_host_key(server.addr, &options()).await.expect("probe"), server.fingerprint);
    })
    .await;
}

#[tokio::test]
async fn slow_banner_within_and_beyond_the_budget() {
    within(LIMIT, async {
        let server = start(Script {
            banner_delay: Duration::from_millis(1500),
            ..Script::default()
        })
        .await;
        let mut opts = options();
        opts.shell.startup_budget = Duration::from_secs(4);
        let session = AdminCli::connect(&target(&server), &opts)
            .await
            .expect("within budget");
        session.close().await;
        opts.shell.startup_budget = Duration::from_millis(700);
        let e = AdminCli::connect(&target(&server), &opts)
            .await
            .expect_err("beyond");
        assert!(matches!(
            e.kind(),
            SshErrorKind::StartupTimeout {
                saw_welcome: false,
                ..
            }
        ));
    })
    .await;
}

#[tokio::test]
async fn pagers_that_ignore_pagination_off() {
    within(LIMIT, async {
        for (style, keys) in [(PagerStyle::Press, "  "), (PagerStyle::Lines, "nnq")] {
            let (server, mut session) = connected(Script {
                pager: Some(style),
                ..Script::default()
            })
            .await;
            let out = session.run(&Command::VersionActive).await.expect("runs");
            let text: Vec<&String> = out.lines.iter().filter(|l| !l.trim().is_empty()).collect();
            assert_eq!(
                text,
                vec![
                    "Active Master Version: 15.0.1.10000-32",
                    "Active Version Installed Software Options:",
                    "No Installed Software Options Found."
                ],
                "{style:?}"
            );
            assert_eq!(
                typed_until_closed(&server, session).await,
                format!("set cli pagination off\nshow version active\n{keys}"),
                "{style:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn unexpected_confirmation_is_declined() {
    on_cli(Script::default(), async |server, mut session| {
        let e = session.show_itl().await.expect_err("unexpected");
        assert!(matches!(
            e.kind(),
            SshErrorKind::UnexpectedConfirmation {
                found: Confirmation::ContinueYesNo,
                expected: None,
                ..
            }
        ));
        // Still usable.
        assert!(session.version().await.is_ok());
        assert_eq!(
            typed_until_closed(&server, session).await,
            "set cli pagination off\nshow itl\nno\nshow version active\n"
        );
    })
    .await;
}

#[tokio::test]
async fn failure_marker_and_unknown_command() {
    on_cli(Script::default(), async |_server, mut session| {
        let e = session.fips().await.expect_err("marker");
        match e.kind() {
            SshErrorKind::FailureMarker { marker, lines, .. } => {
                assert_eq!(*marker, FailureMarker::ExecutedUnsuccessfully);
                assert_eq!(lines, &vec!["Executed command unsuccessfully"]);
            }
            other => panic!("{other}"),
        }
        let e = session.cert_list_own().await.expect_err("unknown");
        assert!(matches!(
            e.kind(),
            SshErrorKind::FailureMarker {
                marker: FailureMarker::NoValidCommand,
                ..
            }
        ));
        assert_eq!(
            session
                .service_restart("Cisco Tftp")
                .await
                .expect("restart"),
            RestartOutcome::Initiated
        );
        session.close().await;
    })
    .await;
}

#[tokio::test]
async fn command_timeout_and_dropped_session() {
    on_cli(Script::default(), async |server, mut session| {
        let e = session
            .run_with_timeout(&Command::NtpStatus, Some(Duration::from_millis(300)))
            .await
            .expect_err("timeout");
        assert!(matches!(
            e.kind(),
            SshErrorKind::CommandTimeout { command, .. } if command == "utils ntp status"
        ));
        // The session is unusable afterwards; nothing more was typed.
        assert!(session.version().await.is_err());
        assert_eq!(
            typed_until_closed(&server, session).await,
            "set cli pagination off\nutils ntp status\n"
        );

        let mut session = AdminCli::connect(&target(&server), &options())
            .await
            .expect("connect");
        let e = session.service_list().await.expect_err("dropped");
        assert!(matches!(
            e.kind(),
            SshErrorKind::SessionDropped { command: Some(c) } if c == "utils service list"
        ));
    })
    .await;
}
