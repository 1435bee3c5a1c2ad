//! Shared helpers for the benchmarks.

use std::path::{Path, PathBuf};
use std::process::Child;

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

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
