//! Opening sockets on loopback: per-address TCP/UDP listeners, the one wildcard TCP socket
//! bound to device `lo` that serves every phone address, and the open-file limit.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use socket2::{Domain, Protocol, SockRef, Socket, Type};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::watch;

use crate::error::{InvalidOption, SimError};

/// Backlog of every listening socket.
const BACKLOG: i32 = 1024;

fn bind_error(addr: SocketAddr) -> impl FnOnce(std::io::Error) -> SimError {
    move |source| SimError::Bind { addr, source }
}

/// Whether an address is on loopback (every socket of the simulator must be).
pub fn is_loopback(addr: Ipv4Addr) -> bool {
    addr.octets()[0] == 127
}

/// `addr:port`, when `addr` is on loopback.
fn loopback(addr: Ipv4Addr, port: u16) -> Result<SocketAddr, SimError> {
    if !is_loopback(addr) {
        return Err(InvalidOption::NotLoopback(addr).into());
    }
    Ok(SocketAddr::V4(SocketAddrV4::new(addr, port)))
}

/// A non-blocking IPv4 socket with `SO_REUSEADDR` bound to `sa` (after binding it to
/// `device` when given), listening with `backlog` when given (stream sockets).
fn bound_socket(
    sa: SocketAddr,
    ty: Type,
    protocol: Protocol,
    device: Option<&[u8]>,
    backlog: Option<i32>,
) -> Result<Socket, SimError> {
    let socket = Socket::new(Domain::IPV4, ty, Some(protocol)).map_err(bind_error(sa))?;
    if device.is_some() {
        socket.bind_device(device).map_err(bind_error(sa))?;
    }
    socket.set_reuse_address(true).map_err(bind_error(sa))?;
    socket.bind(&sa.into()).map_err(bind_error(sa))?;
    if let Some(backlog) = backlog {
        socket.listen(backlog).map_err(bind_error(sa))?;
    }
    socket.set_nonblocking(true).map_err(bind_error(sa))?;
    Ok(socket)
}

/// A TCP listener on `addr:port` (port 0: ephemeral), with `SO_REUSEADDR`.
pub fn tcp_listener(addr: Ipv4Addr, port: u16) -> Result<TcpListener, SimError> {
    let sa = loopback(addr, port)?;
    let socket = bound_socket(sa, Type::STREAM, Protocol::TCP, None, Some(BACKLOG))?;
    TcpListener::from_std(socket.into()).map_err(bind_error(sa))
}

/// One TCP socket on `0.0.0.0:port` bound to device `lo` (`SO_BINDTODEVICE`, needs root or
/// `CAP_NET_RAW`): it accepts connections to every 127.0.0.0/8 address, and the local address
/// of each accepted connection says which one was dialled.
pub fn wildcard_loopback_listener(port: u16) -> Result<TcpListener, SimError> {
    let sa = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port));
    let socket = bound_socket(
        sa,
        Type::STREAM,
        Protocol::TCP,
        Some(b"lo"),
        Some(BACKLOG * 4),
    )?;
    TcpListener::from_std(socket.into()).map_err(bind_error(sa))
}

/// A UDP socket on `addr:port`.
pub fn udp_socket(addr: Ipv4Addr, port: u16) -> Result<UdpSocket, SimError> {
    let sa = loopback(addr, port)?;
    let socket = bound_socket(sa, Type::DGRAM, Protocol::UDP, None, None)?;
    UdpSocket::from_std(socket.into()).map_err(bind_error(sa))
}

/// How long to wait before accepting again after a failed accept (a full file table...).
const ACCEPT_RETRY: Duration = Duration::from_millis(5);

/// The next connection `listener` accepts, or `None` once `shutdown` fires: the accept loop of
/// every TCP server of the simulator. A failed accept is retried after a short pause.
pub async fn next_connection(
    listener: &TcpListener,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<TcpStream> {
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => return Some(stream),
                Err(_) => tokio::time::sleep(ACCEPT_RETRY).await,
            },
            _ = shutdown.changed() => return None,
        }
    }
}

/// Closes a connection with a reset (RST) instead of a FIN: what a client sees when a port
/// refuses after the kernel accepted.
pub fn reset(stream: TcpStream) {
    let _ = SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// Raises the soft open-file limit to the hard limit (10 000 per-phone listeners need it).
/// Returns the new soft limit.
pub fn raise_open_file_limit() -> Option<u64> {
    rlimit::increase_nofile_limit(u64::MAX).ok()
}

/// Whether the process runs as root (effective uid 0, from `/proc/self/status`).
pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// One socket per address, all on one port as on a real cluster: `port` when it is not 0;
/// else the port the kernel gives the first address, if every other address can bind it too
/// (tried up to 32 times), and only when no such port is found one ephemeral port each.
/// `bind(address, port)` makes a socket, `port_of` reads the port it got.
pub fn same_port<S>(
    addresses: &[Ipv4Addr],
    port: u16,
    bind: impl Fn(Ipv4Addr, u16) -> Result<S, SimError>,
    port_of: impl Fn(&S) -> Option<u16>,
) -> Result<Vec<S>, SimError> {
    if port != 0 {
        return addresses.iter().map(|&a| bind(a, port)).collect();
    }
    let Some((&first, rest)) = addresses.split_first() else {
        return Ok(Vec::new());
    };
    for _ in 0..32 {
        let lead = bind(first, 0)?;
        let Some(shared) = port_of(&lead) else {
            break;
        };
        let mut sockets = vec![lead];
        for &a in rest {
            match bind(a, shared) {
                Ok(s) => sockets.push(s),
                Err(_) => break,
            }
        }
        if sockets.len() == addresses.len() {
            return Ok(sockets);
        }
    }
    addresses.iter().map(|&a| bind(a, 0)).collect()
}
