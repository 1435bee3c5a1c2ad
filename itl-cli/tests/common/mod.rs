//! What every test of the `itl` binary uses: a command runner with a time bound ([`Itl`]), a
//! temporary folder ([`TempDir`], from `itl-testkit`) and a simulated cluster served by
//! `itl sim serve` in a child process ([`SimServe`]).

#![allow(dead_code, unused_imports)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use itl_testkit::TempDir;

/// The time a command gets unless [`Itl::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Variables of the test's own environment that would change what `itl` prints; removed from
/// every command (a test sets the ones it needs with [`Itl::env`]).
const CLEARED: [&str; 5] = [
    "ITL_PASSWORD",
    "RUST_LOG",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
];

/// The workspace root: every command runs there, so fixtures are `fixtures/…` and the real
/// samples `../shared/…`.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A path as a command-line argument (test paths are UTF-8).
pub fn s(path: &Path) -> String {
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// Bytes as text (invalid UTF-8 shows as U+FFFD).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts that `out` ended with exit status 0 (its standard error shown when not).
#[track_caller]
pub fn assert_ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// Asserts that `out` ended with exit status 0 (its standard output and error shown when not)
/// and returns its standard output.
#[track_caller]
pub fn ok_stdout(out: &Output) -> String {
    stdout_after(out, 0)
}

/// Asserts that `out` ended with exit status `code` (its standard output and error shown when
/// not) and returns its standard output.
#[track_caller]
pub fn stdout_after(out: &Output, code: i32) -> String {
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    stdout
}

/// Asserts that `out` ended with exit status `code` and that its standard error says
/// `needle` (the whole standard error is shown when it does not).
#[track_caller]
pub fn assert_exit(out: &Output, code: i32, needle: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(needle), "{stderr}");
}

/// Asserts that `out` ended with exit status `code` and that its standard error is exactly
/// `want`.
#[track_caller]
pub fn assert_exit_stderr(out: &Output, code: i32, want: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert_eq!(stderr, want);
}

/// Runs `itl sweep --cluster <cluster> --insecure --json <json>` with the admin password
/// `password` and asserts that it ended with 0 or 1 (every phone read, or some not).
#[track_caller]
pub fn sweep_to_json(cluster: &Path, json: &Path, password: &str) {
    let out = Itl::new()
        .args(&[
            "sweep",
            "--cluster",
            &s(cluster),
            "--insecure",
            "--json",
            &s(json),
        ])
        .env("ITL_PASSWORD", password)
        .run();
    assert_assessed(&out, "sweep");
}

/// Asserts that `out` (of the command `what`) ended with 0 or 1: it assessed everything, or
/// found something wrong or not assessable; its output is shown when not.
#[track_caller]
pub fn assert_assessed(out: &Output, what: &str) {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{what}: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The strings of the JSON array `value` (`what` it holds names it in the panic when the
/// array or one of its strings is missing).
#[track_caller]
pub fn strings<'a>(value: &'a serde_json::Value, what: &str) -> Vec<&'a str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("no array of {what}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("one of {what} is not a string"))
        })
        .collect()
}

/// The JSON document in the file `path` (panics naming the file when it cannot be read or
/// parsed).
#[track_caller]
pub fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON document `out` printed on its standard output (panics showing that output when
/// it is not JSON).
#[track_caller]
pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("standard output is not JSON ({e}):\n{}", text(&out.stdout)))
}

/// The complete lines of the JSON-lines file `path` (panics naming the file when it cannot be
/// read, or a line when it does not parse). A last line still being written, without its
/// newline, is left out: the simulator and `itl` append while the tests read.
#[track_caller]
pub fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .split_inclusive('\n')
        .filter_map(|l| l.strip_suffix('\n'))
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| {
                panic!("{}: a line that is not JSON ({e}): {l}", path.display())
            })
        })
        .collect()
}

/// The records of the journal that `itl regen run --journal DIR` keeps in `DIR`.
#[track_caller]
pub fn journal(dir: &Path) -> Vec<serde_json::Value> {
    json_lines(&dir.join("journal.jsonl"))
}

/// Sweep settings for tests against the simulator: a failed read retried after
/// `retry_delay`, 500 ms to connect to a phone's web server, 3 s for a list over HTTP; the
/// simulator's phones show UTC.
pub fn quick_sweep_options(retry_delay: Duration) -> itl_cucm::sweep::SweepOptions {
    let mut o = itl_cucm::sweep::SweepOptions {
        retry_delay,
        phone_utc_offset: Some(0),
        ..itl_cucm::sweep::SweepOptions::default()
    };
    o.page.connect_timeout = Duration::from_millis(500);
    o.fetch.http.timeout = Duration::from_secs(3);
    o
}

/// Options of a simulated cluster of 2 nodes and `phones` phones with `faults` (1024-bit
/// keys, seed `seed`).
pub fn sim_options(seed: u64, phones: usize, faults: &str) -> itl_sim::SimOptions {
    itl_sim::SimOptions {
        nodes: 2,
        phones,
        seed,
        key_bits: 1024,
        faults: itl_sim::FaultSpec::parse(faults).expect("fault spec"),
        ..itl_sim::SimOptions::default()
    }
}

/// Builds the cluster of `options` and serves it in this process on loopback, the admin
/// user's password `password`.
pub async fn serve_sim(options: &itl_sim::SimOptions, password: &str) -> itl_sim::SimServer {
    let cluster = itl_sim::Cluster::build(options).expect("cluster builds");
    let serve = itl_sim::ServeOptions::ephemeral("admin", password);
    itl_sim::SimServer::start(cluster, serve)
        .await
        .expect("servers start")
}

/// One run of the `itl` binary: built up, then [`run`](Itl::run).
///
/// Standard input is empty unless [`stdin`](Itl::stdin) gives bytes; standard output and
/// error are captured; the command runs in the workspace root without the variables in
/// `CLEARED`; past its time bound the child is killed and the test fails, naming the command.
#[derive(Debug)]
pub struct Itl {
    command: Command,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
    terminal: bool,
}

impl Default for Itl {
    fn default() -> Self {
        Self::new()
    }
}

impl Itl {
    /// `itl` with no arguments yet.
    pub fn new() -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_itl"));
        command.current_dir(root());
        for var in CLEARED {
            command.env_remove(var);
        }
        Self {
            command,
            stdin: None,
            timeout: DEFAULT_TIMEOUT,
            terminal: false,
        }
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    /// More arguments (`&["parse", &path]`: a slice, so that `&String`s fit beside literals).
    pub fn args(mut self, args: &[&str]) -> Self {
        self.command.args(args);
        self
    }

    /// An environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Several environment variables.
    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = &'a (&'a str, &'a str)>) -> Self {
        for (key, value) in vars {
            self.command.env(key, value);
        }
        self
    }

    /// The bytes on standard input (closed after them).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// The time bound (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    /// Runs it on a pseudo-terminal, through `script -qec COMMAND /dev/null` (util-linux):
    /// standard output and error are both the terminal, and come back together as the
    /// output's `stdout` (with `\r\n` line ends). The test must have called
    /// `itl_testkit::require_tool("script")`.
    pub fn in_terminal(mut self) -> Self {
        self.terminal = true;
        self
    }

    /// The command line as a person would type it (variables set for it first).
    pub fn command_line(&self) -> String {
        command_line(&self.command)
    }

    /// Runs the command to its end and returns its exit status, standard output and error.
    ///
    /// # Panics
    ///
    /// When it cannot start, or runs past its time bound (it is killed first).
    #[track_caller]
    pub fn run(mut self) -> Output {
        let shown = self.command_line();
        if self.terminal {
            self.command = under_script(&self.command);
        }
        let mut child = self
            .command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{shown}`: {e}"));
        let writer = match (child.stdin.take(), self.stdin.take()) {
            (Some(mut pipe), Some(bytes)) => Some(std::thread::spawn(move || {
                // A child that exits without reading all of it closes the pipe: not an error.
                let _ = pipe.write_all(&bytes);
            })),
            _ => None,
        };
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let status = wait_until(&mut child, Instant::now() + self.timeout);
        let (stdout, stderr) = (join(stdout), join(stderr));
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        match status {
            Some(status) => Output {
                status,
                stdout,
                stderr,
            },
            None => panic!(
                "`{shown}` did not finish within {:?} and was killed\n--- stdout\n{}\n--- stderr\n{}",
                self.timeout,
                text(&stdout),
                text(&stderr)
            ),
        }
    }
}

/// `VAR=value … itl arg …`, quoting what needs it.
fn command_line(command: &Command) -> String {
    let mut words: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), quote(v))))
        .collect();
    words.push("itl".into());
    words.extend(command.get_args().map(quote));
    words.join(" ")
}

/// One word for a POSIX shell.
fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,%".contains(c))
    {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `command` run by `script -qec … /dev/null`, with the same folder and environment.
fn under_script(command: &Command) -> Command {
    let script = itl_testkit::find_tool("script").expect("script (util-linux) is installed");
    let line = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut wrapper = Command::new(script);
    wrapper.args(["-qec", &line, "/dev/null"]);
    if let Some(dir) = command.get_current_dir() {
        wrapper.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapper.env(key, value),
            None => wrapper.env_remove(key),
        };
    }
    wrapper
}

/// Reads a pipe to its end on a thread.
fn drain(pipe: Option<impl Read + Send + 'static>) -> Option<JoinHandle<Vec<u8>>> {
    pipe.map(|mut pipe| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    })
}

fn join(reader: Option<JoinHandle<Vec<u8>>>) -> Vec<u8> {
    reader.and_then(|r| r.join().ok()).unwrap_or_default()
}

/// Waits for `child` until `deadline`; past it kills it and returns `None`.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("cannot wait for a child process: {e}"),
        }
    }
}

/// A simulated cluster served by `itl sim serve` in a child process, stopped on drop.
///
/// Started with `--cluster-file` and the given options, the password in `ITL_PASSWORD`;
/// ready when it prints its `itl sim: … Ctrl-C to stop` line (the cluster file is written
/// before it).
#[derive(Debug)]
pub struct SimServe {
    child: Option<Child>,
    cluster_file: PathBuf,
    ready_line: String,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

/// How long `itl sim serve` gets to build its cluster and start its servers.
const SIM_READY_TIMEOUT: Duration = Duration::from_secs(120);

/// How long `itl sim serve` gets to stop after SIGTERM.
const SIM_STOP_TIMEOUT: Duration = Duration::from_secs(20);

impl SimServe {
    /// Runs `itl sim serve --cluster-file CLUSTER_FILE OPTIONS…` with `ITL_PASSWORD=password`
    /// and waits until it serves.
    ///
    /// # Panics
    ///
    /// When it exits or is not ready within two minutes (naming the command and its stderr),
    /// or the cluster file is not there once it is.
    #[track_caller]
    pub fn start(cluster_file: &Path, password: &str, options: &[&str]) -> Self {
        Self::start_with_env(cluster_file, password, options, &[])
    }

    /// [`SimServe::start_with_env`] of a cluster of `nodes` nodes and `phones` phones of
    /// `generation` with 1024-bit keys, then `options`; the application user's password is
    /// `password`, the platform administrator's `os_password` (`ITL_OS_PASSWORD`).
    #[track_caller]
    pub fn start_cluster(
        cluster_file: &Path,
        (password, os_password): (&str, &str),
        [nodes, phones, generation]: [&str; 3],
        options: &[&str],
    ) -> Self {
        let mut all = vec![
            "--nodes",
            nodes,
            "--phones",
            phones,
            "--generation",
            generation,
            "--key-bits",
            "1024",
        ];
        all.extend_from_slice(options);
        Self::start_with_env(
            cluster_file,
            password,
            &all,
            &[("ITL_OS_PASSWORD", os_password)],
        )
    }

    /// [`SimServe::start`] with more environment variables (`ITL_OS_PASSWORD`...).
    #[track_caller]
    pub fn start_with_env(
        cluster_file: &Path,
        password: &str,
        options: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let mut command = Itl::new()
            .args(&["sim", "serve", "--cluster-file"])
            .arg(cluster_file)
            .args(options)
            .env("ITL_PASSWORD", password)
            .envs(env)
            .command;
        let shown = command_line(&command);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{shown}`: {e}"));
        let stderr = drain(child.stderr.take());
        let (lines, ready) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            // Every line goes to the channel; after the ready line nobody listens, and the
            // thread only keeps the pipe drained until the server exits.
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let _ = lines.send(line);
                }
            });
        }
        let mut sim = Self {
            child: Some(child),
            cluster_file: cluster_file.to_path_buf(),
            ready_line: String::new(),
            stderr,
        };
        let deadline = Instant::now() + SIM_READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match ready.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(line) if line.starts_with("itl sim: ") && line.ends_with("Ctrl-C to stop") => {
                    sim.ready_line = line;
                    break;
                }
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) if !left.is_zero() => {}
                Err(e) => {
                    let stderr = sim.kill();
                    let why = match e {
                        mpsc::RecvTimeoutError::Timeout => {
                            format!("was not ready within {SIM_READY_TIMEOUT:?}")
                        }
                        mpsc::RecvTimeoutError::Disconnected => "exited before it served".into(),
                    };
                    panic!("`{shown}` {why}\n--- stderr\n{stderr}");
                }
            }
        }
        assert!(
            cluster_file.is_file(),
            "`{shown}` is ready but wrote no {}",
            cluster_file.display()
        );
        sim
    }

    /// The cluster file it wrote.
    pub fn cluster_file(&self) -> &Path {
        &self.cluster_file
    }

    /// Its `itl sim: … Ctrl-C to stop` line.
    pub fn ready_line(&self) -> &str {
        &self.ready_line
    }

    /// Stops it as an operator would (SIGTERM) and checks that it exits 0.
    ///
    /// # Panics
    ///
    /// When it does not exit within 20 s (it is killed) or exits with another status.
    #[track_caller]
    pub fn stop(mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        terminate(&child);
        let status = wait_until(&mut child, Instant::now() + SIM_STOP_TIMEOUT);
        let stderr = text(&join(self.stderr.take()));
        match status {
            Some(status) => {
                assert!(
                    status.success(),
                    "itl sim serve exited with {status} after SIGTERM\n--- stderr\n{stderr}"
                );
                assert!(
                    stderr.ends_with("itl sim: SIGTERM: stopping\nitl sim: stopped\n"),
                    "itl sim serve did not say why it stopped\n--- stderr\n{stderr}"
                );
            }
            None => panic!(
                "itl sim serve did not stop within {SIM_STOP_TIMEOUT:?} of SIGTERM\n--- stderr\n{stderr}"
            ),
        }
    }

    /// Kills it at once and returns what it wrote to stderr.
    fn kill(&mut self) -> String {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        text(&join(self.stderr.take()))
    }
}

impl Drop for SimServe {
    fn drop(&mut self) {
        // Not stopped by the test (it failed, or did not need to): no checks, just gone.
        let _ = self.kill();
    }
}

/// Sends SIGTERM to `child`.
fn terminate(child: &Child) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else {
        return;
    };
    // SAFETY: kill(2) takes plain integers; `pid` is our own child, not yet reaped.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
}
