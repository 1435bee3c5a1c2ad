//! Tokio UDP driver for [`ReadTransfer`]: one ephemeral socket per transfer.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

use tokio::net::UdpSocket;

use super::error::{TftpError, TftpErrorKind};
use super::machine::{Event, ReadTransfer};
use super::options::TftpOptions;

/// Largest datagram a server can send (UDP payload limit, rounded up).
const RECV_BUFFER: usize = 65536;

/// Reads `file` from the TFTP server at `server` (its well-known port, usually 69) in octet
/// mode, with the options, size cap, retries and deadline of `opts`.
///
/// The whole transfer finishes within `opts.deadline` (plus scheduling delay). Errors name
/// the server and the file; [`TftpError::is_not_found`] and [`TftpError::is_unreachable`]
/// classify the common cases.
pub async fn tftp_get(
    server: SocketAddr,
    file: &str,
    opts: &TftpOptions,
) -> Result<Vec<u8>, TftpError> {
    let mut machine = ReadTransfer::new(server, file, opts, Instant::now())?;
    let io_error = |op: &'static str, source: std::io::Error| {
        TftpError::new(server, file, TftpErrorKind::Io { op, source })
    };
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|e| io_error("bind", e))?;
    let mut buf = vec![0u8; RECV_BUFFER];
    let fallback_wake = Instant::now() + opts.deadline;

    loop {
        while let Some(transmit) = machine.poll_transmit() {
            if let Err(source) = socket.send_to(&transmit.payload, transmit.to).await {
                let to_peer = transmit.to == server || Some(transmit.to) == machine.transfer_id();
                if to_peer {
                    return Err(io_error("send", source));
                }
                // Failing to tell a stranger off does not concern this transfer.
                tracing::debug!(to = %transmit.to, %source, "could not send ERROR 5");
            }
        }
        while let Some(event) = machine.poll_event() {
            match event {
                Event::Done => return Ok(machine.take_data()),
                Event::Failed(error) => return Err(error),
                Event::Negotiated(negotiated) => {
                    tracing::trace!(%server, file, ?negotiated, "TFTP parameters");
                }
                Event::RetryingWithoutOptions => {
                    tracing::debug!(%server, file, "TFTP options refused, retrying without");
                }
                Event::Stranger(from) => {
                    tracing::debug!(%server, file, %from, "TFTP packet from a stranger");
                }
                Event::Malformed(error) => {
                    tracing::debug!(%server, file, %error, "malformed TFTP packet ignored");
                }
                Event::Appended { .. } => {}
            }
        }
        let wake = machine.poll_timeout().unwrap_or(fallback_wake);
        tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok((len, from)) => {
                    let datagram = buf.get(..len).unwrap_or_default();
                    machine.handle_packet(from, datagram, Instant::now());
                }
                // Some platforms report an ICMP error from an earlier send here; the
                // retransmission timer and the deadline decide what it means.
                Err(e) if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset) => {
                    tracing::debug!(%server, file, error = %e, "ICMP error on TFTP socket");
                }
                Err(e) => return Err(io_error("receive", e)),
            },
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(wake)) => {
                machine.handle_timeout(Instant::now());
            }
        }
    }
}
