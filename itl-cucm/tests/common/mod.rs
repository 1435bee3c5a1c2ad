//! Helpers shared by the integration tests: test data, a real `in.tftpd` (serving from a
//! testkit [`TempDir`]) and a time bound.

#![allow(dead_code)]

use std::future::Future;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use itl_testkit::TempDir;

/// Runs `future` and fails the test if it takes longer than `limit`.
pub async fn within<T>(limit: Duration, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, future).await {
        Ok(value) => value,
        Err(_) => panic!("test exceeded its time bound of {limit:?}"),
    }
}

/// The real CUCM CTL sample from `../shared`, relative to the workspace root.
pub fn real_ctl() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv");
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read the real CTL sample {}: {e}", path.display()));
    assert_eq!(bytes.len(), 7166, "unexpected size of the real CTL sample");
    bytes
}

/// `len` deterministic pseudo-random bytes (xorshift64*, fixed seed per `seed`).
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    itl_testkit::Xorshift::new(seed).bytes(len)
}

/// `in.tftpd`: a missing one fails the test, or skips it (`None`, after saying so) when
/// `ITL_SKIP_EXTERNAL=1`.
pub fn require_tftpd() -> Option<PathBuf> {
    itl_testkit::external_tool("in.tftpd")
}

/// A free UDP port on 127.0.0.1 (free when probed; the caller retries if it gets taken).
pub fn free_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind probe socket");
    socket.local_addr().expect("probe address").port()
}

/// A TCP port on 127.0.0.1 that nothing listens on (closed when probed).
pub fn closed_tcp_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind probe listener");
    listener.local_addr().expect("probe address").port()
}

/// A running `in.tftpd -L -s -a 127.0.0.1:PORT DIR`, killed on drop.
pub struct Tftpd {
    child: Child,
    pub addr: SocketAddr,
    pub dir: TempDir,
}

impl Tftpd {
    /// Starts tftpd-hpa serving `files`, or returns `None` when it is missing and the test
    /// is skipped (`ITL_SKIP_EXTERNAL=1`).
    pub fn start(files: &[(&str, &[u8])]) -> Option<Self> {
        let binary = require_tftpd()?;
        for _attempt in 0..5 {
            let dir = TempDir::new("tftpd");
            for (name, bytes) in files {
                // tftpd-hpa serves only world-readable files.
                let path = dir.write(name, bytes);
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
                    .expect("chmod test file");
            }
            let addr = SocketAddr::from(([127, 0, 0, 1], free_udp_port()));
            // -L: stay in the foreground; -s: chroot into the directory. As root, tftpd-hpa
            // drops to `nobody`, who can read the 0644 files.
            let child = Command::new(&binary)
                .arg("-L")
                .arg("-s")
                .arg("-a")
                .arg(addr.to_string())
                .arg(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn in.tftpd");
            let mut server = Tftpd { child, addr, dir };
            if server.wait_ready() {
                return Some(server);
            }
            // Port taken or slow start: dropping kills it; try another port.
        }
        let test = std::thread::current().name().unwrap_or("test").to_owned();
        panic!("{test}: in.tftpd did not start on loopback after 5 attempts");
    }

    /// Waits until the server answers a probe RRQ (with any packet), up to 3 s.
    fn wait_ready(&mut self) -> bool {
        let probe = UdpSocket::bind("127.0.0.1:0").expect("bind probe");
        probe
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("probe timeout");
        let request = b"\x00\x01__probe__\x00octet\x00";
        let start = Instant::now();
        let mut buf = [0u8; 600];
        while start.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_status)) = self.child.try_wait() {
                return false;
            }
            let _ = probe.send_to(request, self.addr);
            if probe.recv_from(&mut buf).is_ok() {
                return true;
            }
        }
        false
    }
}

impl Drop for Tftpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts a fetch returned exactly `expected`, without dumping the bytes on failure.
#[track_caller]
pub fn assert_bytes<E: std::fmt::Display>(label: &str, got: Result<Vec<u8>, E>, expected: &[u8]) {
    match got {
        Ok(bytes) => {
            assert_eq!(bytes.len(), expected.len(), "{label}: length");
            assert!(bytes == expected, "{label}: content differs");
        }
        Err(e) => panic!("{label}: {e}"),
    }
}

pub mod http_server;
pub mod https_stand_in;
