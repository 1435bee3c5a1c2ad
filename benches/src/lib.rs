//! Shared helpers for the benchmarks.

use std::path::{Path, PathBuf};
use std::process::{Child, ExitCode};
use std::time::{Duration, Instant};

/// The `itl` binary the process benchmarks run: `ITL_BIN`, else the workspace's release build.
pub fn itl_bin() -> PathBuf {
    std::env::var_os("ITL_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/itl"),
        PathBuf::from,
    )
}

/// The load averages (1, 5, 15 minutes), for the figures' context.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Waits for `child`; its exit code and peak RSS in kB.
pub fn wait_rss(child: &Child) -> Result<(i32, u64), String> {
    let pid = i32::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: wait4 on our own child; the rusage struct is zeroed and owned here.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::wait4(pid, &mut status, 0, &mut u) != pid {
            return Err("wait4 failed".into());
        }
        u
    };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, u64::try_from(usage.ru_maxrss).unwrap_or(0)))
}

/// A simulator process, killed when the benchmark ends, however it ends.
pub struct Sim(pub Child);

impl Sim {
    /// Guards the simulator process `child` and waits until it has written its cluster file
    /// `cluster` (at most 2 minutes), then lets its servers settle for 300 ms.
    pub fn ready(child: Child, cluster: &Path) -> Result<Self, String> {
        let sim = Self(child);
        let started = Instant::now();
        while !cluster.exists() {
            if started.elapsed() > Duration::from_secs(120) {
                return Err("the simulator did not write its cluster file".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(300));
        Ok(sim)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `main` of a benchmark that runs the `itl` binary, named `name` (`sweep`, `regen`):
/// succeeds at once under `--list` (cargo's listing); fails when [`itl_bin`] is missing;
/// otherwise runs `body` in a fresh directory `itl-<name>-bench-<pid>` under the temporary
/// directory, removed afterwards unless `ITL_KEEP_TEST_DIRS` is set. Success when `body`
/// returns `Ok(true)`; an `Err` is printed.
pub fn process_bench(name: &str, body: impl FnOnce(&Path) -> Result<bool, String>) -> ExitCode {
    if std::env::args().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    if !itl_bin().exists() {
        eprintln!(
            "{name} bench: {} missing; run `cargo build --release -p itl-cli` first",
            itl_bin().display()
        );
        return ExitCode::FAILURE;
    }
    let dir = std::env::temp_dir().join(format!("itl-{name}-bench-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{name} bench: {e}");
        return ExitCode::FAILURE;
    }
    let ok = body(&dir).unwrap_or_else(|e| {
        eprintln!("{name} bench: {e}");
        false
    });
    if std::env::var_os("ITL_KEEP_TEST_DIRS").is_some() {
        eprintln!("{name} bench: kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
