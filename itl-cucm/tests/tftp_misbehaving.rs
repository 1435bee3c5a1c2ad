//! The TFTP client against scripted servers on 127.0.0.1 that misbehave on purpose:
//! duplicates, strangers, errors, silence, oversized files, garbage, refused options.

mod common;

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{assert_bytes, pattern, within};
use itl_cucm::tftp::{ProtocolViolation, TftpError, TftpErrorKind, TftpOptions, tftp_get};
use itl_testkit::tftp::{as_ack, as_error, data, error, oack, rrq};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

const LIMIT: Duration = Duration::from_secs(20);
const FILE: &str = "ITLFile.tlv";
/// The options the client asks for by default.
const DEFAULT_ASK: [(&str, &str); 2] = [("blksize", "1428"), ("tsize", "0")];

/// The listening socket of a scripted server ("port 69").
async fn listener() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind listener");
    let addr = socket.local_addr().expect("listener address");
    (socket, addr)
}

/// A fresh transfer socket (the server's transfer ID).
async fn transfer_socket() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind transfer socket")
}

/// Receives one datagram, or `None` after `wait`.
async fn recv(socket: &UdpSocket, wait: Duration) -> Option<(Vec<u8>, SocketAddr)> {
    let mut buf = vec![0u8; 70_000];
    match tokio::time::timeout(wait, socket.recv_from(&mut buf)).await {
        Ok(Ok((len, from))) => Some((buf[..len].to_vec(), from)),
        _ => None,
    }
}

/// Receives the client's request.
async fn recv_rrq(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    recv(socket, Duration::from_secs(5))
        .await
        .expect("no RRQ received")
}

/// Sends `packet` from `socket` to `client`.
async fn send(socket: &UdpSocket, packet: &[u8], client: SocketAddr) {
    socket.send_to(packet, client).await.expect("send");
}

/// Waits for ACK `block` from `client`, ignoring older ACKs; returns every packet seen.
async fn wait_ack(socket: &UdpSocket, client: SocketAddr, block: u16) -> Vec<Vec<u8>> {
    let mut seen = Vec::new();
    loop {
        let (bytes, from) = recv(socket, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("no ACK {block}"));
        assert_eq!(from, client);
        let done = as_ack(&bytes) == Some(block);
        seen.push(bytes);
        if done {
            return seen;
        }
    }
}

/// Serves the blocks of `body` after `done` blocks of `blksize` in lockstep.
async fn serve_rest(
    socket: &UdpSocket,
    client: SocketAddr,
    body: &[u8],
    blksize: usize,
    done: usize,
) {
    let rest = &body[done * blksize..];
    let mut block = done as u16;
    let chunks: Vec<&[u8]> = rest.chunks(blksize).collect();
    for chunk in &chunks {
        block = block.wrapping_add(1);
        send(socket, &data(block, chunk), client).await;
        wait_ack(socket, client, block).await;
    }
    if chunks.last().is_none_or(|c| c.len() == blksize) {
        block = block.wrapping_add(1);
        send(socket, &data(block, b""), client).await;
        wait_ack(socket, client, block).await;
    }
}

/// A scripted server once the client's first request has arrived.
struct Script {
    /// The listening socket, for later requests.
    listen: UdpSocket,
    /// The first request.
    request: Vec<u8>,
    /// Where it came from.
    client: SocketAddr,
    /// A fresh transfer socket to answer from.
    socket: UdpSocket,
}

impl Script {
    async fn send(&self, packet: &[u8]) {
        send(&self.socket, packet, self.client).await;
    }

    /// The next datagram on the transfer socket, or `None` after `wait`.
    async fn recv(&self, wait: Duration) -> Option<Vec<u8>> {
        recv(&self.socket, wait).await.map(|(bytes, _)| bytes)
    }

    async fn wait_ack(&self, block: u16) -> Vec<Vec<u8>> {
        wait_ack(&self.socket, self.client, block).await
    }

    /// The block numbers of the ACKs up to ACK `block`.
    async fn acks_until(&self, block: u16) -> Vec<u16> {
        let packets = self.wait_ack(block).await;
        packets.iter().filter_map(|packet| as_ack(packet)).collect()
    }

    async fn serve_rest(&self, body: &[u8], blksize: usize, done: usize) {
        serve_rest(&self.socket, self.client, body, blksize, done).await;
    }
}

/// Starts a server on 127.0.0.1 that runs `script` when the client's first request arrives;
/// returns the server's address and its task.
async fn scripted<T, F, Fut>(script: F) -> (SocketAddr, JoinHandle<T>)
where
    F: FnOnce(Script) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let (listen, addr) = listener().await;
    let task = tokio::spawn(async move {
        let (request, client) = recv_rrq(&listen).await;
        let socket = transfer_socket().await;
        script(Script {
            listen,
            request,
            client,
            socket,
        })
        .await
    });
    (addr, task)
}

/// The value the server task returned.
async fn finished<T>(server: JoinHandle<T>) -> T {
    server.await.expect("server task")
}

/// Serves `body` with `script` (given the script and its own copy of `body`), fetches it with
/// `opts` within the time bound, checks the client got exactly `body`, and returns what the
/// script returned.
async fn fetch_served<T, F, Fut>(label: &str, body: Vec<u8>, opts: TftpOptions, script: F) -> T
where
    F: FnOnce(Script, Vec<u8>) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    within(LIMIT, async {
        let server_body = body.clone();
        let (addr, server) = scripted(move |s| script(s, server_body)).await;
        assert_bytes(label, tftp_get(addr, FILE, &opts).await, &body);
        finished(server).await
    })
    .await
}

/// Runs `script` as the server of a fetch with `opts` that must fail, within the time bound;
/// returns the server's address, the client's error and what the script returned.
async fn fetch_failing<T, F, Fut>(opts: TftpOptions, script: F) -> (SocketAddr, TftpError, T)
where
    F: FnOnce(Script) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    within(LIMIT, async {
        let (addr, server) = scripted(script).await;
        let e = tftp_get(addr, FILE, &opts).await.expect_err("must fail");
        (addr, e, finished(server).await)
    })
    .await
}

fn plain() -> TftpOptions {
    TftpOptions::default().without_negotiation()
}

/// `TftpOptions` without negotiation and with a first retransmission timeout of `rto_ms`.
fn plain_rto(rto_ms: u64) -> TftpOptions {
    TftpOptions {
        initial_rto: Duration::from_millis(rto_ms),
        ..plain()
    }
}

#[tokio::test]
async fn duplicate_blocks_are_not_appended_twice() {
    let body = pattern(3000, 1);
    let acks = fetch_served("duplicates", body, plain(), |s, body| async move {
        let mut acks = Vec::new();
        let chunks: Vec<&[u8]> = body.chunks(512).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let block = (i + 1) as u16;
            // Every block twice.
            s.send(&data(block, chunk)).await;
            s.send(&data(block, chunk)).await;
            acks.extend(s.acks_until(block).await);
            // The re-ACK of the duplicate (the client is gone after the last block).
            if i + 1 < chunks.len()
                && let Some(packet) = s.recv(Duration::from_secs(2)).await
            {
                acks.extend(as_ack(&packet));
            }
        }
        acks
    })
    .await;
    // Blocks 1-5 were acknowledged once per copy; the transfer ended at block 6.
    assert_eq!(acks, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
}

#[tokio::test]
async fn stranger_gets_error_5_and_transfer_completes() {
    let body = pattern(2000, 2);
    let answer = fetch_served("stranger", body, plain(), |s, body| async move {
        let stranger = transfer_socket().await;
        s.send(&data(1, &body[..512])).await;
        s.wait_ack(1).await;
        // A second source port claims block 2 with other content.
        send(&stranger, &data(2, &[0xEE; 512]), s.client).await;
        let answer = recv(&stranger, Duration::from_secs(2)).await;
        s.serve_rest(&body, 512, 1).await;
        answer
    })
    .await;
    let (bytes, _) = answer.expect("the stranger got no answer");
    assert_eq!(bytes, b"\x00\x05\x00\x05Unknown transfer ID\x00");
}

#[tokio::test]
async fn error_mid_transfer_is_typed() {
    let (addr, e, reply) = fetch_failing(plain(), |s| async move {
        s.send(&data(1, &[1; 512])).await;
        s.wait_ack(1).await;
        s.send(&error(2, "Access violation")).await;
        // The client must not answer an ERROR.
        s.recv(Duration::from_millis(300)).await
    })
    .await;
    assert_eq!(
        e.to_string(),
        format!("TFTP error 2 (Access violation) from {addr} for ITLFile.tlv")
    );
    assert!(!e.is_not_found());
    assert!(!e.is_unreachable());
    assert_eq!(reply, None);
}

#[tokio::test]
async fn silence_times_out_within_the_deadline() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let deadline = Duration::from_millis(1500);
        let opts = TftpOptions {
            deadline,
            retries: 50,
            ..plain_rto(100)
        };
        let counter = tokio::spawn(async move {
            let mut requests = 0;
            while let Some((bytes, _)) = recv(&listen, Duration::from_secs(1)).await {
                assert_eq!(bytes, rrq(FILE, &[]));
                requests += 1;
            }
            requests
        });
        let start = Instant::now();
        let e = tftp_get(addr, FILE, &opts).await.expect_err("must time out");
        let elapsed = start.elapsed();
        assert!(elapsed >= deadline, "gave up early: {elapsed:?}");
        assert!(elapsed < deadline + Duration::from_millis(500), "too slow: {elapsed:?}");
        assert!(e.is_unreachable());
        assert_eq!(
            e.to_string(),
            format!("TFTP transfer of ITLFile.tlv from {addr} failed: deadline of 1.5 s exceeded without a response")
        );
        // Sent at 0, 0.1, 0.3, 0.7 and 1.5 s at the latest: backoff doubles.
        let requests = counter.await.expect("counter task");
        assert!((4..=5).contains(&requests), "{requests} requests");
    })
    .await;
}

#[tokio::test]
async fn silence_exhausts_retries_before_the_deadline() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let opts = TftpOptions {
            deadline: Duration::from_secs(10),
            retries: 2,
            ..plain_rto(50)
        };
        let start = Instant::now();
        let e = tftp_get(addr, FILE, &opts)
            .await
            .expect_err("must time out");
        // 50 + 100 + 200 ms.
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(matches!(
            e.kind(),
            TftpErrorKind::TimedOut {
                attempts: 3,
                received: 0,
                server_responded: false
            }
        ));
        assert!(e.is_unreachable());
        drop(listen);
    })
    .await;
}

#[tokio::test]
async fn silence_after_first_block_is_a_stall_not_unreachable() {
    let opts = TftpOptions {
        retries: 2,
        ..plain_rto(50)
    };
    let (_, e, acks) = fetch_failing(opts, |s| async move {
        s.send(&data(1, &[1; 512])).await;
        let mut acks = 0;
        while let Some(bytes) = s.recv(Duration::from_millis(800)).await {
            assert_eq!(as_ack(&bytes), Some(1));
            acks += 1;
        }
        acks
    })
    .await;
    assert!(!e.is_unreachable());
    assert!(matches!(
        e.kind(),
        TftpErrorKind::TimedOut {
            attempts: 3,
            received: 512,
            server_responded: true
        }
    ));
    // The ACK and its two retransmissions.
    assert_eq!(acks, 3);
}

#[tokio::test]
async fn lost_packets_are_recovered_by_retransmission() {
    let body = pattern(1500, 3);
    fetch_served(
        "retransmission",
        body,
        plain_rto(100),
        |s, body| async move {
            // "Lose" the first request: wait for the retransmission.
            let (second, _) = recv_rrq(&s.listen).await;
            assert_eq!(s.request, second);
            s.send(&data(1, &body[..512])).await;
            // "Lose" ACK 1: wait for it again, then resend DATA 1 as a real server would.
            s.wait_ack(1).await;
            s.wait_ack(1).await;
            s.serve_rest(&body, 512, 1).await;
        },
    )
    .await;
}

#[tokio::test]
async fn tsize_over_cap_is_refused_before_data() {
    let (addr, e, reply) = fetch_failing(TftpOptions::default(), |s| async move {
        assert_eq!(s.request, rrq(FILE, &DEFAULT_ASK));
        s.send(&oack(&[("blksize", "1428"), ("tsize", "16777217")]))
            .await;
        s.recv(Duration::from_secs(2)).await
    })
    .await;
    assert!(matches!(
        e.kind(),
        TftpErrorKind::TooLarge {
            announced: Some(16_777_217),
            cap: 16_777_216
        }
    ));
    assert_eq!(
        e.to_string(),
        format!(
            "TFTP transfer of ITLFile.tlv from {addr} failed: server announced 16777217 bytes, over the size cap of 16777216 bytes"
        )
    );
    // The server got ERROR 3, not ACK 0.
    assert_eq!(as_error(&reply.expect("no reply to OACK")), Some(3));
}

#[tokio::test]
async fn tsize_at_cap_is_accepted() {
    let opts = TftpOptions {
        max_size: 2000,
        ..TftpOptions::default()
    };
    fetch_served("at cap", pattern(2000, 4), opts, |s, body| async move {
        s.send(&oack(&[("blksize", "1428"), ("tsize", "2000")]))
            .await;
        s.wait_ack(0).await;
        s.serve_rest(&body, 1428, 0).await;
    })
    .await;
}

#[tokio::test]
async fn body_over_cap_without_tsize_is_refused_while_receiving() {
    let opts = TftpOptions {
        max_size: 2000,
        ..plain()
    };
    let (_, e, (block, reply)) = fetch_failing(opts, |s| async move {
        let mut block = 0u16;
        // An endless file of full blocks.
        loop {
            block += 1;
            s.send(&data(block, &[7; 512])).await;
            let reply = s.recv(Duration::from_secs(2)).await.expect("reply");
            if as_ack(&reply) != Some(block) {
                return (block, reply);
            }
        }
    })
    .await;
    assert!(matches!(
        e.kind(),
        TftpErrorKind::TooLarge {
            announced: None,
            cap: 2000
        }
    ));
    // Blocks 1-3 (1536 bytes) were acknowledged; block 4 would make 2048.
    assert_eq!(block, 4);
    assert_eq!(as_error(&reply), Some(3));
}

#[tokio::test]
async fn garbage_from_the_server_is_ignored() {
    fetch_served("garbage", pattern(5000, 5), plain(), |s, body| async move {
        let garbage: Vec<Vec<u8>> = vec![
            vec![],
            vec![0],
            vec![0, 9, 1, 2, 3],
            vec![0xFF; 700],
            vec![0, 3, 0],
            vec![0, 6, b'x'],
            vec![0, 1, b'a'],
            pattern(100, 9).into_iter().map(|b| b | 0x80).collect(),
        ];
        for (i, chunk) in body.chunks(512).enumerate() {
            let block = (i + 1) as u16;
            s.send(&garbage[i % garbage.len()]).await;
            s.send(&data(block, chunk)).await;
            s.wait_ack(block).await;
        }
    })
    .await;
}

#[tokio::test]
async fn random_replies_never_panic_the_client() {
    within(LIMIT, async {
        for seed in 1..=10u64 {
            let (addr, server) = scripted(move |s| async move {
                let noise = pattern(4000, seed);
                for piece in noise.chunks(40 + (seed as usize % 7) * 10) {
                    let mut packet = piece.to_vec();
                    packet[0] = 0;
                    packet[1] %= 7;
                    let _ = s.socket.send_to(&packet, s.client).await;
                }
            })
            .await;
            let opts = TftpOptions {
                deadline: Duration::from_millis(200),
                initial_rto: Duration::from_millis(50),
                ..TftpOptions::default()
            };
            // Whatever happens, it ends within the deadline with a value or a typed error.
            let start = Instant::now();
            let _ = tftp_get(addr, FILE, &opts).await;
            assert!(start.elapsed() < Duration::from_secs(1));
            finished(server).await;
        }
    })
    .await;
}

#[tokio::test]
async fn error_8_then_success_without_options() {
    let body = pattern(1300, 6);
    let second = fetch_served(
        "error 8",
        body,
        TftpOptions::default(),
        |s, body| async move {
            assert_eq!(s.request, rrq(FILE, &DEFAULT_ASK));
            s.send(&error(8, "Option negotiation refused")).await;
            let (second, again) = recv_rrq(&s.listen).await;
            assert_eq!(again, s.client);
            serve_rest(&transfer_socket().await, s.client, &body, 512, 0).await;
            second
        },
    )
    .await;
    assert_eq!(second, rrq(FILE, &[]));
}

#[tokio::test]
async fn error_8_twice_is_a_typed_error() {
    let (addr, e, ()) = fetch_failing(TftpOptions::default(), |s| async move {
        s.send(&error(8, "")).await;
        let (_, client) = recv_rrq(&s.listen).await;
        send(&transfer_socket().await, &error(8, ""), client).await;
    })
    .await;
    assert_eq!(
        e.to_string(),
        format!("TFTP error 8 (Option negotiation refused) from {addr} for ITLFile.tlv")
    );
}

#[tokio::test]
async fn server_ignoring_options_sends_data_1() {
    let body = pattern(1024, 7);
    fetch_served(
        "no OACK",
        body,
        TftpOptions::default(),
        |s, body| async move {
            assert_eq!(s.request, rrq(FILE, &DEFAULT_ASK));
            s.serve_rest(&body, 512, 0).await;
        },
    )
    .await;
}

#[tokio::test]
async fn bad_oack_is_refused() {
    let (_, e, reply) = fetch_failing(TftpOptions::default(), |s| async move {
        // Larger than requested: a client must not accept it (RFC 2348).
        s.send(&oack(&[("blksize", "9000")])).await;
        s.recv(Duration::from_secs(2)).await
    })
    .await;
    assert!(matches!(
        e.kind(),
        TftpErrorKind::Protocol(ProtocolViolation::BadOack(_))
    ));
    assert_eq!(as_error(&reply.expect("no reply")), Some(8));
}

#[tokio::test]
async fn windowsize_is_used_when_the_server_agrees() {
    let opts = TftpOptions {
        blksize: Some(512),
        windowsize: Some(4),
        ..TftpOptions::default()
    };
    let body = pattern(10 * 512 + 100, 8);
    let acks = fetch_served("windowsize", body, opts, |s, body| async move {
        assert_eq!(
            s.request,
            rrq(
                FILE,
                &[("blksize", "512"), ("tsize", "0"), ("windowsize", "4")]
            )
        );
        s.send(&oack(&[
            ("blksize", "512"),
            ("tsize", "5220"),
            ("windowsize", "4"),
        ]))
        .await;
        s.wait_ack(0).await;
        let chunks: Vec<&[u8]> = body.chunks(512).collect();
        let mut acks = Vec::new();
        for (w, blocks) in chunks.chunks(4).enumerate() {
            for (i, chunk) in blocks.iter().enumerate() {
                s.send(&data((w * 4 + i + 1) as u16, chunk)).await;
            }
            acks.extend(s.acks_until((w * 4 + blocks.len()) as u16).await);
        }
        acks
    })
    .await;
    // One ACK per window of 4, then the short last block.
    assert_eq!(acks, vec![4, 8, 11]);
}
