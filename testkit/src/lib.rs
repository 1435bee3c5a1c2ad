//! Test support shared by the workspace's tests (a dev-dependency only).
//!
//! * External tools (`in.tftpd`, `openssl`, `ssh`, `chromium`…): a test that needs one calls
//!   [`external_tool`] or [`require_tool`]. A missing tool fails the test, naming the Debian
//!   package that brings it (`scripts/test` installs them all when run as root), unless
//!   `ITL_SKIP_EXTERNAL=1`: then the test is skipped and says so on the test run's own
//!   standard error (past the test harness's capture), as
//!   `<test>: skipped: <tool> is not installed (ITL_SKIP_EXTERNAL=1)`.
//! * [`TempDir`]: a fresh folder under the system's temporary folder, removed when dropped,
//!   kept (and named on standard error) when `ITL_KEEP_TEST_DIRS=1`.
//! * [`Xorshift`]: reproducible pseudo-random numbers and bytes for fuzz-style loops and test
//!   data; [`owned_pairs`]: string pairs as an owned map.
//! * [`tftp`]: TFTP packets as literal bytes; [`cluster_file`]: cluster files.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod cluster_file;
pub mod tftp;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The variable that turns a missing external tool from a failure into a skip.
pub const SKIP_EXTERNAL: &str = "ITL_SKIP_EXTERNAL";

/// The variable that keeps every [`TempDir`] after the test.
pub const KEEP_TEST_DIRS: &str = "ITL_KEEP_TEST_DIRS";

/// Folders searched after `PATH` (daemons such as `in.tftpd` live in `sbin`, which is not on
/// every user's `PATH`).
const EXTRA_DIRS: [&str; 4] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

/// The Debian package that installs `tool` (the names `scripts/test` installs), or `None` for a
/// tool the tests do not use.
///
/// | tool | package |
/// |---|---|
/// | `in.tftpd` | `tftpd-hpa` |
/// | `tftp` | `tftp-hpa` |
/// | `openssl` | `openssl` |
/// | `ssh` | `openssh-client` |
/// | `chromium` | `chromium` |
/// | `script` | `bsdutils` |
pub fn debian_package(tool: &str) -> Option<&'static str> {
    match tool {
        "in.tftpd" => Some("tftpd-hpa"),
        "tftp" => Some("tftp-hpa"),
        "openssl" => Some("openssl"),
        "ssh" => Some("openssh-client"),
        "chromium" => Some("chromium"),
        "script" => Some("bsdutils"),
        _ => None,
    }
}

/// Where the executable `tool` is: the first match on `PATH`, then in `/usr/sbin`, `/sbin`,
/// `/usr/bin` and `/bin`.
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(EXTRA_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(tool))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether `ITL_SKIP_EXTERNAL=1` is set.
pub fn skipping_external() -> bool {
    std::env::var(SKIP_EXTERNAL).as_deref() == Ok("1")
}

/// The path of the external tool `tool` for the calling test.
///
/// Missing: with `ITL_SKIP_EXTERNAL=1`, prints
/// `<test>: skipped: <tool> is not installed (ITL_SKIP_EXTERNAL=1)` and returns `None` (the
/// test returns early); otherwise panics, naming the package to install.
#[track_caller]
pub fn external_tool(tool: &str) -> Option<PathBuf> {
    if let Some(path) = find_tool(tool) {
        return Some(path);
    }
    let test = std::thread::current().name().unwrap_or("test").to_owned();
    if skipping_external() {
        // Straight to the process's standard error: the test harness captures `eprintln!`
        // of passing tests, and a skip must show.
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped: {tool} is not installed ({SKIP_EXTERNAL}=1)"
        );
        return None;
    }
    let package = debian_package(tool).unwrap_or(tool);
    panic!(
        "{test}: {tool} is not installed: install the Debian package {package} (`scripts/test` \
         run as root installs every tool the tests need), or set {SKIP_EXTERNAL}=1 to skip the \
         tests that need it"
    );
}

/// Whether the calling test can go on with the external tool `tool`: `true` when it is
/// installed; `false` (the test returns early) after printing the skip when it is missing and
/// `ITL_SKIP_EXTERNAL=1`; a panic naming the package otherwise. See [`external_tool`].
#[track_caller]
pub fn require_tool(tool: &str) -> bool {
    external_tool(tool).is_some()
}

/// A fresh folder for one test, removed on drop unless `ITL_KEEP_TEST_DIRS=1`.
///
/// Named `itl-test-<label>-<pid>-<n>` under the system's temporary folder; world-readable
/// (mode 0755) so that a server dropping privileges (tftpd-hpa runs as `nobody`) can serve
/// files written into it.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates the folder (emptied first if a previous run left it behind).
    ///
    /// # Panics
    ///
    /// When the folder cannot be created.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("itl-test-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("cannot chmod {}: {e}", path.display()));
        Self { path }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name` (a relative path) inside the folder; nothing is created.
    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.path.join(name)
    }

    /// Writes `bytes` to `name` (a relative path; missing parent folders are created) and
    /// returns the file's path.
    ///
    /// # Panics
    ///
    /// When the file cannot be written.
    pub fn write(&self, name: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var(KEEP_TEST_DIRS).as_deref() == Ok("1") {
            let _ = writeln!(
                std::io::stderr(),
                "kept test folder {} ({KEEP_TEST_DIRS}=1)",
                self.path.display()
            );
            return;
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// xorshift64*: a small pseudo-random generator for tests. The same seed gives the same
/// sequence on every run and machine.
#[derive(Clone, Debug)]
pub struct Xorshift(u64);

impl Xorshift {
    /// A generator seeded with `seed` made odd (xorshift never leaves a zero state).
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n`.
    ///
    /// # Panics
    ///
    /// When `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` bytes: the little-endian bytes of one number after another.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            let word = self.next_u64().to_le_bytes();
            let take = (len - out.len()).min(8);
            out.extend_from_slice(&word[..take]);
        }
        out
    }
}

/// `pairs` as owned strings collected into `C` (a map or a list of pairs).
pub fn owned_pairs<C: FromIterator<(String, String)>>(pairs: &[(&str, &str)]) -> C {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The inputs of the fuzzing corpus of `target` (`fuzz/corpus/<target>` of the workspace),
/// sorted by path, for the corpus-replay tests that run each input through the checks of the
/// fuzz target. Panics (failing the test) when the folder or a file cannot be read.
pub fn fuzz_corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let bytes = std::fs::read(&path).expect("readable corpus file");
            (path, bytes)
        })
        .collect();
    out.sort();
    out
}

/// Replays the fuzzing corpus of `target` (see [`fuzz_corpus`]): runs `check` on every input,
/// naming it on standard error first so that a failing input shows; returns how many inputs
/// there are and how many of them `accepted` accepts.
pub fn replay_corpus(
    target: &str,
    check: impl Fn(&[u8]),
    accepted: impl Fn(&[u8]) -> bool,
) -> (usize, usize) {
    let inputs = fuzz_corpus(target);
    let mut ok = 0;
    for (path, bytes) in &inputs {
        eprintln!("{}", path.display());
        check(bytes);
        ok += usize::from(accepted(bytes));
    }
    (inputs.len(), ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_tool_on_path_and_not_a_made_up_one() {
        // `sh` is on every machine that runs these tests (cargo's own build scripts need it).
        let sh = find_tool("sh").expect("sh");
        assert!(sh.ends_with("sh"), "{}", sh.display());
        assert_eq!(find_tool("itl-no-such-tool-0x5f3759df"), None);
    }

    #[test]
    fn a_non_executable_file_is_not_a_tool() {
        let dir = TempDir::new("testkit-exec");
        let file = dir.write("tool", b"#!/bin/sh\n");
        assert!(!is_executable(&file));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert!(is_executable(&file));
        assert!(!is_executable(dir.path()), "a folder is not a tool");
    }

    #[test]
    fn every_tool_the_script_installs_has_its_package() {
        assert_eq!(debian_package("in.tftpd"), Some("tftpd-hpa"));
        assert_eq!(debian_package("tftp"), Some("tftp-hpa"));
        assert_eq!(debian_package("openssl"), Some("openssl"));
        assert_eq!(debian_package("ssh"), Some("openssh-client"));
        assert_eq!(debian_package("chromium"), Some("chromium"));
        assert_eq!(debian_package("script"), Some("bsdutils"));
        assert_eq!(debian_package("curl"), None);
    }

    /// Set by [`a_missing_tool_fails_the_test_unless_skipping`] when it runs this test binary
    /// again; without it the probe below does nothing.
    const PROBE: &str = "ITL_TESTKIT_PROBE";

    #[test]
    fn missing_tool_probe() {
        if std::env::var_os(PROBE).is_some() {
            assert!(!require_tool("itl-no-such-tool-0x5f3759df"));
        }
    }

    #[test]
    fn a_missing_tool_fails_the_test_unless_skipping() {
        let run = |skip: bool| {
            let mut cmd = std::process::Command::new(std::env::current_exe().expect("exe"));
            cmd.args([
                "--exact",
                "tests::missing_tool_probe",
                "--test-threads",
                "1",
            ])
            .env(PROBE, "1")
            .env_remove(SKIP_EXTERNAL);
            if skip {
                cmd.env(SKIP_EXTERNAL, "1");
            }
            let out = cmd.output().expect("test binary runs");
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            (out.status.success(), text)
        };
        let (passed, text) = run(true);
        assert!(passed, "{text}");
        // Shown although the harness captures the output of passing tests.
        assert!(
            text.contains(
                "tests::missing_tool_probe: skipped: itl-no-such-tool-0x5f3759df is not installed (ITL_SKIP_EXTERNAL=1)\n"
            ),
            "{text}"
        );
        let (passed, text) = run(false);
        assert!(!passed, "{text}");
        assert!(
            text.contains(
                "itl-no-such-tool-0x5f3759df is not installed: install the Debian package itl-no-such-tool-0x5f3759df"
            ),
            "{text}"
        );
        assert!(!text.contains("skipped:"), "{text}");
    }

    #[test]
    fn xorshift_is_reproducible_and_bounded() {
        let mut a = Xorshift::new(42);
        let mut b = Xorshift::new(43);
        // 42 | 1 == 43: the same generator.
        let first: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        assert_eq!(first, (0..4).map(|_| b.next_u64()).collect::<Vec<_>>());
        // Computed apart from this code (Python, 64-bit wrapping arithmetic).
        assert_eq!(first[0], 0x9eb3_1902_fb08_80bd);
        assert!((0..1000).all(|_| a.below(7) < 7));
        let bytes = Xorshift::new(1).bytes(11);
        let mut c = Xorshift::new(1);
        let mut want = c.next_u64().to_le_bytes().to_vec();
        want.extend_from_slice(&c.next_u64().to_le_bytes()[..3]);
        assert_eq!(bytes, want);
    }

    #[test]
    fn owned_pairs_collect_into_maps_and_lists() {
        let map: std::collections::BTreeMap<String, String> =
            owned_pairs(&[("b", "2"), ("a", "1")]);
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(map["b"], "2");
        let list: Vec<(String, String)> = owned_pairs(&[("b", "2"), ("a", "1")]);
        assert_eq!(list, [("b".into(), "2".into()), ("a".into(), "1".into())]);
    }

    #[test]
    fn temp_dirs_are_distinct_written_and_removed() {
        let a = TempDir::new("testkit");
        let b = TempDir::new("testkit");
        assert_ne!(a.path(), b.path());
        let file = a.write("x/y/z.txt", "hello");
        assert_eq!(file, a.join("x/y/z.txt"));
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "hello");
        let mode = std::fs::metadata(a.path())
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        let path = a.path().to_path_buf();
        drop(a);
        if std::env::var(KEEP_TEST_DIRS).as_deref() != Ok("1") {
            assert!(!path.exists());
        }
        assert!(b.path().is_dir());
    }
}
