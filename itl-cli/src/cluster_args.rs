//! The options every command that talks to a cluster shares: `--cluster FILE`, `--insecure`,
//! `--password-file FILE`, and how they become a [`ClusterSession`].

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use itl_cucm::secrets::{Credentials, SecretSource, read_secret};
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_wire::cluster_file::ClusterFile;

/// `--cluster FILE [--insecure] [--password-file FILE]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ClusterArgs {
    /// The cluster file (TOML, as `itl sim serve` writes it): its nodes, where each service
    /// answers, the pinned TLS fingerprints, the user and the password's environment variable.
    #[arg(long, value_name = "FILE")]
    pub cluster: Option<PathBuf>,
    /// Accept any TLS certificate from the CUCM nodes (NOT verified; says so on stderr).
    #[arg(long)]
    pub insecure: bool,
    /// Read the application user's password from this file (its first line; mode 0600),
    /// instead of the environment variable the cluster file names or a prompt.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

impl ClusterArgs {
    /// The cluster file, when `--cluster` was given.
    pub fn load(&self) -> Result<Option<ClusterFile>> {
        self.cluster
            .as_ref()
            .map(|path| {
                ClusterFile::load(path)
                    .with_context(|| format!("cannot use the cluster file {}", path.display()))
            })
            .transpose()
    }

    /// The cluster file; an error when `--cluster` is missing.
    pub fn require(&self) -> Result<ClusterFile> {
        match self.load()? {
            Some(file) => Ok(file),
            None => bail!("give --cluster FILE"),
        }
    }

    /// A session on `file` with the application user's password (from `--password-file`, the
    /// environment variable the cluster file names, or a no-echo prompt on a terminal).
    pub fn session(&self, file: ClusterFile, mut opts: SessionOptions) -> Result<ClusterSession> {
        if self.insecure {
            eprintln!("itl: --insecure: the TLS certificates of the CUCM nodes are NOT verified");
        }
        opts.insecure = self.insecure;
        let source = SecretSource {
            file: self.password_file.clone(),
            env: Some(file.cluster.password_env.clone()),
            prompt: format!(
                "Password of {} on cluster {}: ",
                file.cluster.user, file.cluster.name
            ),
        };
        let password = if std::io::stdin().is_terminal() {
            read_secret(&source, Some(&prompt_password))
        } else {
            read_secret(&source, None)
        }?;
        let credentials = Credentials::new(file.cluster.user.clone(), password);
        Ok(ClusterSession::new(file, credentials, opts))
    }
}

/// Reads a line from the terminal without echo.
pub fn prompt_password(prompt: &str) -> std::io::Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    rpassword::read_password()
}
