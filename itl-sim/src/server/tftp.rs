//! A read-only TFTP server per TFTP node (RFC 1350 octet/netascii, options `blksize`, `tsize`
//! and `timeout` per RFC 2348/2349), using `itl-cucm`'s packet codec so both sides speak one
//! dialect.
//!
//! * RRQ for a served name: a new socket (the transfer ID) sends OACK (when options were asked)
//!   or DATA 1, then one block per ACK, retransmitting up to 5 times.
//! * RRQ for another name: ERROR 1 `File not found`. WRQ: ERROR 2. Malformed datagrams are
//!   ignored. A node whose TFTP service is stopped or faulted does not answer at all.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use itl_wire::tftp::{
    DEFAULT_BLKSIZE, ErrorCode, MAX_BLKSIZE, MIN_BLKSIZE, Packet, Request, TftpOption, encode_error,
};
use tokio::net::UdpSocket;
use tokio::sync::watch;

use crate::model::files::Lookup;
use crate::server::SimHandle;
use crate::server::listen::udp_socket;

/// Retransmissions without progress before a transfer is abandoned.
const RETRIES: u32 = 5;
/// Default retransmission timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves TFTP for node `node` on `socket` until shutdown.
pub async fn run(
    socket: UdpSocket,
    node: usize,
    sim: SimHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    let socket = Arc::new(socket);
    let mut buf = vec![0u8; 2048];
    loop {
        let (len, peer) = tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok(x) => x,
                Err(_) => continue,
            },
            _ = shutdown.changed() => return,
        };
        let Ok(packet) = Packet::decode(&buf[..len]) else {
            continue;
        };
        let request = match packet {
            Packet::Rrq(r) => r,
            Packet::Wrq(_) => {
                if sim.read(|c| c.nodes().get(node).is_some_and(|n| n.tftp_answers())) {
                    let msg = encode_error(ErrorCode::ACCESS_VIOLATION, "Access violation");
                    let _ = socket.send_to(&msg, peer).await;
                }
                continue;
            }
            _ => continue,
        };
        let lookup = sim.read(|c| c.lookup_file(node, &request.filename));
        let local = match socket.local_addr() {
            Ok(SocketAddr::V4(a)) => *a.ip(),
            _ => continue,
        };
        let shutdown = shutdown.clone();
        match lookup {
            Lookup::Down => {}
            Lookup::NotFound => {
                let msg = encode_error(ErrorCode::FILE_NOT_FOUND, "File not found");
                let _ = socket.send_to(&msg, peer).await;
            }
            Lookup::Found(bytes) => {
                tokio::spawn(async move {
                    let Ok(tid) = udp_socket(local, 0) else {
                        return;
                    };
                    if tid.connect(peer).await.is_err() {
                        return;
                    }
                    tokio::select! {
                        _ = transfer(&tid, &request, &bytes) => {}
                        _ = wait_shutdown(shutdown) => {}
                    }
                });
            }
        }
    }
}

async fn wait_shutdown(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.changed().await;
}

/// The options the server agrees to.
struct Agreed {
    blksize: usize,
    timeout: Duration,
    oack: Vec<TftpOption>,
}

fn negotiate(request: &Request, size: usize) -> Result<Agreed, &'static str> {
    let mut agreed = Agreed {
        blksize: usize::from(DEFAULT_BLKSIZE),
        timeout: DEFAULT_TIMEOUT,
        oack: Vec::new(),
    };
    for option in &request.options {
        match option.name.to_ascii_lowercase().as_str() {
            "blksize" => {
                let asked: u32 = option.value.parse().map_err(|_| "bad blksize")?;
                if asked < u32::from(MIN_BLKSIZE) {
                    return Err("blksize too small");
                }
                let size = asked.min(u32::from(MAX_BLKSIZE)) as u16;
                agreed.blksize = usize::from(size);
                agreed
                    .oack
                    .push(TftpOption::new("blksize", size.to_string()));
            }
            "tsize" => agreed.oack.push(TftpOption::new("tsize", size.to_string())),
            "timeout" => {
                let secs: u8 = option.value.parse().map_err(|_| "bad timeout")?;
                if secs == 0 {
                    return Err("bad timeout");
                }
                agreed.timeout = Duration::from_secs(u64::from(secs));
                agreed
                    .oack
                    .push(TftpOption::new("timeout", secs.to_string()));
            }
            _ => {}
        }
    }
    Ok(agreed)
}

/// Sends `packet` and waits for an ACK of `block`, retransmitting. False when the client went
/// away or answered with an error.
async fn send_and_wait(tid: &UdpSocket, packet: &[u8], block: u16, timeout: Duration) -> bool {
    let mut buf = [0u8; 1024];
    for _ in 0..=RETRIES {
        if tid.send(packet).await.is_err() {
            return false;
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let received = tokio::time::timeout_at(deadline, tid.recv(&mut buf)).await;
            match received {
                Err(_elapsed) => break,
                Ok(Err(_)) => return false,
                Ok(Ok(len)) => match Packet::decode(&buf[..len]) {
                    Ok(Packet::Ack { block: b }) if b == block => return true,
                    Ok(Packet::Error { .. }) => return false,
                    _ => continue,
                },
            }
        }
    }
    false
}

async fn transfer(tid: &UdpSocket, request: &Request, bytes: &[u8]) {
    let agreed = match negotiate(request, bytes.len()) {
        Ok(a) => a,
        Err(reason) => {
            let _ = tid
                .send(&encode_error(ErrorCode::OPTION_REFUSED, reason))
                .await;
            return;
        }
    };
    if !agreed.oack.is_empty() {
        let Ok(oack) = Packet::Oack(agreed.oack.clone()).encode() else {
            return;
        };
        if !send_and_wait(tid, &oack, 0, agreed.timeout).await {
            return;
        }
    }
    let mut block: u16 = 1;
    let mut offset = 0usize;
    loop {
        let end = (offset + agreed.blksize).min(bytes.len());
        let data = &bytes[offset..end];
        let Ok(packet) = (Packet::Data { block, data }).encode() else {
            return;
        };
        if !send_and_wait(tid, &packet, block, agreed.timeout).await {
            return;
        }
        if data.len() < agreed.blksize {
            return;
        }
        offset = end;
        block = block.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(options: &[(&str, &str)]) -> Request {
        Request {
            filename: "ITLFile.tlv".into(),
            mode: "octet".into(),
            options: options
                .iter()
                .map(|(n, v)| TftpOption::new(*n, *v))
                .collect(),
        }
    }

    #[test]
    fn negotiates_blksize_tsize_timeout_and_ignores_others() {
        let a = negotiate(
            &request(&[
                ("blksize", "1428"),
                ("tsize", "0"),
                ("windowsize", "4"),
                ("timeout", "2"),
            ]),
            5000,
        )
        .expect("agreed");
        assert_eq!(a.blksize, 1428);
        assert_eq!(a.timeout, Duration::from_secs(2));
        let names: Vec<_> = a
            .oack
            .iter()
            .map(|o| (o.name.as_str(), o.value.as_str()))
            .collect();
        assert_eq!(
            names,
            [("blksize", "1428"), ("tsize", "5000"), ("timeout", "2")]
        );
        assert_eq!(
            negotiate(&request(&[("blksize", "99999")]), 1)
                .expect("clamped")
                .blksize,
            usize::from(MAX_BLKSIZE)
        );
        assert!(negotiate(&request(&[("blksize", "4")]), 1).is_err());
        assert!(negotiate(&request(&[("blksize", "x")]), 1).is_err());
        assert!(negotiate(&request(&[]), 1).expect("plain").oack.is_empty());
    }
}
