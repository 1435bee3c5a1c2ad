//! Secrets: passwords come from an environment variable, a file only its owner can read (mode
//! 0600), or a no-echo prompt the caller supplies — never from the command line, and they are
//! never printed (`Debug` and `Display` show `***`).

use std::fmt;
use std::path::{Path, PathBuf};

/// A password or other secret: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself; use only to authenticate.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// A user and a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The application, end or platform user.
    pub user: String,
    /// The password (redacted in `Debug`).
    pub password: Secret,
}

impl Credentials {
    /// Credentials from a user and a password.
    pub fn new(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
        }
    }
}

/// Where a secret is read from, in the order [`read_secret`] tries them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretSource {
    /// A file holding the secret (its first line); must not be readable by group or others.
    pub file: Option<PathBuf>,
    /// An environment variable holding the secret.
    pub env: Option<String>,
    /// What to ask when neither is set (`Password of admin on cluster prod: `).
    pub prompt: String,
}

impl SecretSource {
    /// Where the platform (OS) administrator's password of a cluster comes from: its
    /// `os_password_file`, else the variable its `os_password_env` names (default
    /// `ITL_OS_PASSWORD`). A different account from the application user: never the
    /// application password.
    pub fn os_password(cluster: &itl_wire::cluster_file::ClusterSection, user: &str) -> Self {
        Self {
            file: cluster.os_password_file.clone(),
            env: Some(cluster.os_password_env().to_owned()),
            prompt: format!(
                "Password of the platform administrator {user} on cluster {}: ",
                cluster.name
            ),
        }
    }
}

/// Why no secret could be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret file could not be read.
    #[error("cannot read the secret file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The secret file can be read by others.
    #[error(
        "the secret file {path} can be read by others (mode {mode:o}): run `chmod 600 {}`",
        path.display()
    )]
    Permissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The secret file is empty.
    #[error("the secret file {0} is empty")]
    Empty(PathBuf),
    /// Nothing gave a secret and no prompt is possible.
    #[error("{0}")]
    Missing(String),
    /// The prompt failed.
    #[error("cannot read the password: {0}")]
    Prompt(#[source] std::io::Error),
}

/// Reads a secret file: its first line, trailing CR/LF removed. On Unix the file must not be
/// readable or writable by group or others (mode 0600 or stricter).
pub fn read_secret_file(path: &Path) -> Result<Secret, SecretError> {
    let io = |source| SecretError::Io {
        path: path.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretError::Permissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(SecretError::Empty(path.to_path_buf()));
    }
    Ok(Secret::new(line))
}

/// A no-echo prompt: shows the text, returns the line typed.
pub type Prompt<'a> = &'a dyn Fn(&str) -> std::io::Result<String>;

/// Reads a secret: from `source.file`, else from `source.env` when it is set and not empty,
/// else through `prompt` (a no-echo terminal prompt the caller provides; `None` when there is
/// no terminal). The error names every place that was tried.
pub fn read_secret(
    source: &SecretSource,
    prompt: Option<Prompt<'_>>,
) -> Result<Secret, SecretError> {
    if let Some(path) = &source.file {
        return read_secret_file(path);
    }
    if let Some(var) = &source.env
        && let Ok(value) = std::env::var(var)
        && !value.is_empty()
    {
        return Ok(Secret::new(value));
    }
    match prompt {
        Some(ask) => ask(&source.prompt)
            .map(Secret::new)
            .map_err(SecretError::Prompt),
        None => Err(SecretError::Missing(match &source.env {
            Some(var) => format!(
                "set the environment variable {var}, name a 0600 file, or run on a terminal to be asked ({})",
                source.prompt.trim_end_matches([':', ' '])
            ),
            None => format!(
                "name a 0600 file or run on a terminal to be asked ({})",
                source.prompt.trim_end_matches([':', ' '])
            ),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_testkit::TempDir;

    /// The file `name` of `dir`, holding `text`, with permissions `mode`.
    fn temp(dir: &TempDir, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = dir.write(name, text);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        path
    }

    #[test]
    fn a_private_file_is_read_and_a_shared_one_refused() {
        let dir = TempDir::new("secrets");
        let ok = temp(&dir, "ok", "s3cret\r\nignored\n", 0o600);
        assert_eq!(read_secret_file(&ok).expect("read").expose(), "s3cret");
        #[cfg(unix)]
        {
            let shared = temp(&dir, "shared", "s3cret\n", 0o644);
            let err = read_secret_file(&shared).expect_err("world-readable");
            assert!(
                matches!(err, SecretError::Permissions { mode: 0o644, .. }),
                "{err}"
            );
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        let empty = temp(&dir, "empty", "\n", 0o600);
        assert!(matches!(
            read_secret_file(&empty),
            Err(SecretError::Empty(_))
        ));
    }

    #[test]
    fn sources_are_tried_in_order_and_errors_name_them() {
        let dir = TempDir::new("secrets-order");
        let var = format!("ITL_TEST_SECRET_{}", std::process::id());
        let source = SecretSource {
            file: None,
            env: Some(var.clone()),
            prompt: "Password of admin: ".into(),
        };
        let err = read_secret(&source, None).expect_err("nothing set, no terminal");
        assert!(err.to_string().contains(&var), "{err}");
        let asked = |p: &str| -> std::io::Result<String> {
            assert_eq!(p, "Password of admin: ");
            Ok("typed".into())
        };
        assert_eq!(
            read_secret(&source, Some(&asked)).expect("prompt").expose(),
            "typed"
        );
        // A set variable wins over the prompt (PATH is set wherever tests run).
        let from_env = SecretSource {
            env: Some("PATH".into()),
            ..source.clone()
        };
        let path = std::env::var("PATH").expect("PATH");
        assert_eq!(
            read_secret(&from_env, Some(&asked)).expect("env").expose(),
            path
        );
        // A file wins over both.
        let file = SecretSource {
            file: Some(temp(&dir, "order", "from-file\n", 0o600)),
            ..from_env
        };
        assert_eq!(
            read_secret(&file, Some(&asked)).expect("file").expose(),
            "from-file"
        );
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(secret.expose(), "hunter2");
        let shown = format!("{:?}", Credentials::new("axl", "hunter2"));
        assert!(
            !shown.contains("hunter2") && shown.contains("axl"),
            "{shown}"
        );
    }
}
