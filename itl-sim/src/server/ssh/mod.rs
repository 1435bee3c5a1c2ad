//! The simulated UCOS admin CLI over SSH: one russh server per node.
//!
//! * Host key: ed25519, derived from the cluster seed and the node name (deterministic);
//!   [`host_key`] and [`host_key_fingerprint`] give it and its OpenSSH fingerprint.
//! * Users: one OS administrator ([`SshServe::os_user`]) with a password and a privilege
//!   level 0, 1 or 4. 11.5 accepts `password` and keyboard-interactive; 12+ and 14+ only
//!   keyboard-interactive (§6.5). On 14+ keyboard-interactive starts with a round of zero
//!   prompts (inferred; the field advice says clients must answer such rounds).
//! * No exec channel (CUCM has none); a PTY and a shell run the CLI of [`cli`].

pub mod cli;
pub mod outputs;
pub mod term;

use std::sync::Arc;
use std::time::Duration;

use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey};
use russh::server::{self, Auth, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::server::SimHandle;
use crate::server::listen::next_connection;

/// The OS administrator and the CLI's behaviour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshServe {
    /// OS administrator login (`--os-user`, default `admin`).
    pub os_user: String,
    /// Its password (`ITL_OS_PASSWORD`).
    pub os_password: String,
    /// Its privilege level: 0, 1 or 4 (default 4).
    pub privilege: u8,
    /// Delay between `Command Line Interface is starting up` and the Welcome line (0 in
    /// tests; about 9 s on a real 11.5 node).
    pub banner_delay: Duration,
}

impl SshServe {
    /// `admin` at level 4 with `password`, no banner delay.
    pub fn new(password: &str) -> Self {
        Self {
            os_user: "admin".into(),
            os_password: password.to_owned(),
            privilege: 4,
            banner_delay: Duration::ZERO,
        }
    }
}

/// The node's host key: ed25519 from SHA-256(seed, `ssh-host-key`, node name).
pub fn host_key(seed: u64, node: &str) -> PrivateKey {
    let mut input = seed.to_be_bytes().to_vec();
    input.extend_from_slice(b"/ssh-host-key/");
    input.extend_from_slice(node.as_bytes());
    let digest = itl_core::checksum::sha256(&input);
    PrivateKey::from(Ed25519Keypair::from_seed(&digest))
}

/// OpenSSH SHA-256 fingerprint (`SHA256:<base64 without padding>`) of a host key.
pub fn host_key_fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

/// The public key in OpenSSH `known_hosts` form (`ssh-ed25519 AAAA…`).
pub fn host_key_openssh(key: &PrivateKey) -> String {
    key.public_key().to_openssh().unwrap_or_default()
}

/// Serves node `node`'s admin CLI on `listener` until shutdown.
pub async fn run(
    listener: TcpListener,
    node: usize,
    key: PrivateKey,
    serve: SshServe,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    let password_ok = sim.read(|c| cli::accepts_password(c.settings().generation));
    let methods: Vec<MethodKind> = if password_ok {
        vec![MethodKind::KeyboardInteractive, MethodKind::Password]
    } else {
        vec![MethodKind::KeyboardInteractive]
    };
    let config = Arc::new(server::Config {
        keys: vec![key],
        methods: MethodSet::from(methods.as_slice()),
        auth_rejection_time: Duration::from_millis(100),
        auth_rejection_time_initial: Some(Duration::ZERO),
        inactivity_timeout: Some(Duration::from_secs(1800)),
        server_id: russh::SshId::Standard("SSH-2.0-OpenSSH_7.4".into()),
        ..server::Config::default()
    });
    let empty_round = sim.read(|c| c.settings().generation == itl_core::cucm::Generation::V14);
    let serve = Arc::new(serve);
    while let Some(stream) = next_connection(&listener, &mut shutdown).await {
        let _ = stream.set_nodelay(true);
        let handler = Connection {
            node,
            sim: sim.clone(),
            serve: serve.clone(),
            methods: methods.clone(),
            empty_round,
            round: 0,
        };
        let config = config.clone();
        tokio::spawn(async move {
            match server::run_stream(config, stream, handler).await {
                Ok(session) => {
                    if let Err(e) = session.await {
                        tracing::debug!(node, error = ?e, "SSH session ended with an error");
                    }
                }
                Err(e) => tracing::debug!(node, error = ?e, "SSH handshake failed"),
            }
        });
    }
}

struct Connection {
    node: usize,
    sim: SimHandle,
    serve: Arc<SshServe>,
    methods: Vec<MethodKind>,
    empty_round: bool,
    round: u32,
}

impl Connection {
    fn reject(&self) -> Auth {
        Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(self.methods.as_slice())),
            partial_success: false,
        }
    }
}

impl server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(self.reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        _offer: server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.reject())
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if self.methods.contains(&MethodKind::Password)
            && user == self.serve.os_user
            && password == self.serve.os_password
        {
            Ok(Auth::Accept)
        } else {
            Ok(self.reject())
        }
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        let answers: Vec<Vec<u8>> = response
            .map(|r| r.take(4).map(|b| b.to_vec()).collect())
            .unwrap_or_default();
        self.round += 1;
        let password_round = if self.empty_round { 2 } else { 1 };
        if self.empty_round && self.round == 1 {
            return Ok(Auth::Partial {
                name: "".into(),
                instructions: "".into(),
                prompts: Vec::new().into(),
            });
        }
        if self.round == password_round {
            return Ok(Auth::Partial {
                name: "".into(),
                instructions: "".into(),
                prompts: vec![("Password: ".into(), false)].into(),
            });
        }
        self.round = 0;
        let ok = user == self.serve.os_user
            && answers.len() == 1
            && answers.first().map(Vec::as_slice) == Some(self.serve.os_password.as_bytes());
        Ok(if ok { Auth::Accept } else { self.reject() })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        reply.accept().await;
        let mut cli = cli::Cli::new(
            self.sim.clone(),
            self.node,
            self.serve.os_user.clone(),
            self.serve.privilege,
            self.serve.banner_delay,
        );
        tokio::spawn(async move {
            let mut term = term::Term::new(channel);
            if term.wait_for_shell().await {
                cli.run(&mut term).await;
            }
            term.close().await;
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
        _pix_width: u32,
        _pix_height: u32,
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
        // The appliance CLI has no exec channel.
        session.channel_failure(channel)
    }
}
