//! The TFTP client against scripted servers on 127.0.0.1 that misbehave on purpose:
//! duplicates, strangers, errors, silence, oversized files, garbage, refused options.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{as_ack, as_error, assert_bytes, data, error, oack, pattern, within};
use itl_cucm::tftp::{ProtocolViolation, TftpErrorKind, TftpOptions, tftp_get};
use tokio::net::UdpSocket;

const LIMIT: Duration = Duration::from_secs(20);
const FILE: &str = "ITLFile.tlv";

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

/// Serves `body` in lockstep with blocks of `blksize` from `socket`.
async fn serve_lockstep(socket: &UdpSocket, client: SocketAddr, body: &[u8], blksize: usize) {
    serve_rest(socket, client, body, blksize, 0).await;
}

fn plain() -> TftpOptions {
    TftpOptions::default().without_negotiation()
}

fn rrq(file: &str, options: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![0, 1];
    out.extend_from_slice(file.as_bytes());
    out.extend_from_slice(b"\0octet\0");
    for (name, value) in options {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(value.as_bytes());
        out.push(0);
    }
    out
}

#[tokio::test]
async fn duplicate_blocks_are_not_appended_twice() {
    within(LIMIT, async {
        let body = pattern(3000, 1);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            let mut acks = Vec::new();
            let chunks: Vec<&[u8]> = server_body.chunks(512).collect();
            for (i, chunk) in chunks.iter().enumerate() {
                let block = (i + 1) as u16;
                // Every block twice.
                socket
                    .send_to(&data(block, chunk), client)
                    .await
                    .expect("send");
                socket
                    .send_to(&data(block, chunk), client)
                    .await
                    .expect("send");
                for packet in wait_ack(&socket, client, block).await {
                    acks.extend(as_ack(&packet));
                }
                // The re-ACK of the duplicate (the client is gone after the last block).
                if i + 1 < chunks.len()
                    && let Some((packet, _)) = recv(&socket, Duration::from_secs(2)).await
                {
                    acks.extend(as_ack(&packet));
                }
            }
            acks
        });
        assert_bytes("duplicates", tftp_get(addr, FILE, &plain()).await, &body);
        let acks = server.await.expect("server task");
        // Blocks 1-5 were acknowledged once per copy; the transfer ended at block 6.
        assert_eq!(acks, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    })
    .await;
}

#[tokio::test]
async fn stranger_gets_error_5_and_transfer_completes() {
    within(LIMIT, async {
        let body = pattern(2000, 2);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            let stranger = transfer_socket().await;
            socket
                .send_to(&data(1, &server_body[..512]), client)
                .await
                .expect("send");
            wait_ack(&socket, client, 1).await;
            // A second source port claims block 2 with other content.
            stranger
                .send_to(&data(2, &[0xEE; 512]), client)
                .await
                .expect("send");
            let answer = recv(&stranger, Duration::from_secs(2)).await;
            serve_rest(&socket, client, &server_body, 512, 1).await;
            answer
        });
        assert_bytes("stranger", tftp_get(addr, FILE, &plain()).await, &body);
        let answer = server.await.expect("server task");
        let (bytes, _) = answer.expect("the stranger got no answer");
        assert_eq!(bytes, b"\x00\x05\x00\x05Unknown transfer ID\x00");
    })
    .await;
}

/// Serves the blocks after `done` blocks in lockstep.
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
        socket
            .send_to(&data(block, chunk), client)
            .await
            .expect("send");
        wait_ack(socket, client, block).await;
    }
    if chunks.last().is_none_or(|c| c.len() == blksize) {
        block = block.wrapping_add(1);
        socket
            .send_to(&data(block, b""), client)
            .await
            .expect("send");
        wait_ack(socket, client, block).await;
    }
}

#[tokio::test]
async fn error_mid_transfer_is_typed() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            socket
                .send_to(&data(1, &[1; 512]), client)
                .await
                .expect("send");
            wait_ack(&socket, client, 1).await;
            socket
                .send_to(&error(2, "Access violation"), client)
                .await
                .expect("send");
            // The client must not answer an ERROR.
            recv(&socket, Duration::from_millis(300)).await
        });
        let e = tftp_get(addr, FILE, &plain()).await.expect_err("must fail");
        assert_eq!(
            e.to_string(),
            format!("TFTP error 2 (Access violation) from {addr} for ITLFile.tlv")
        );
        assert!(!e.is_not_found());
        assert!(!e.is_unreachable());
        assert_eq!(server.await.expect("server task"), None);
    })
    .await;
}

#[tokio::test]
async fn silence_times_out_within_the_deadline() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let deadline = Duration::from_millis(1500);
        let opts = TftpOptions {
            deadline,
            initial_rto: Duration::from_millis(100),
            retries: 50,
            ..plain()
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
            initial_rto: Duration::from_millis(50),
            retries: 2,
            ..plain()
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
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            socket
                .send_to(&data(1, &[1; 512]), client)
                .await
                .expect("send");
            let mut acks = 0;
            while let Some((bytes, _)) = recv(&socket, Duration::from_millis(800)).await {
                assert_eq!(as_ack(&bytes), Some(1));
                acks += 1;
            }
            acks
        });
        let opts = TftpOptions {
            initial_rto: Duration::from_millis(50),
            retries: 2,
            ..plain()
        };
        let e = tftp_get(addr, FILE, &opts).await.expect_err("must stall");
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
        assert_eq!(server.await.expect("server task"), 3);
    })
    .await;
}

#[tokio::test]
async fn lost_packets_are_recovered_by_retransmission() {
    within(LIMIT, async {
        let body = pattern(1500, 3);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (first, client) = recv_rrq(&listen).await;
            // "Lose" the first request: wait for the retransmission.
            let (second, _) = recv_rrq(&listen).await;
            assert_eq!(first, second);
            let socket = transfer_socket().await;
            socket
                .send_to(&data(1, &server_body[..512]), client)
                .await
                .expect("send");
            // "Lose" ACK 1: wait for it again, then resend DATA 1 as a real server would.
            wait_ack(&socket, client, 1).await;
            wait_ack(&socket, client, 1).await;
            serve_rest(&socket, client, &server_body, 512, 1).await;
        });
        let opts = TftpOptions {
            initial_rto: Duration::from_millis(100),
            ..plain()
        };
        assert_bytes("retransmission", tftp_get(addr, FILE, &opts).await, &body);
        server.await.expect("server task");
    })
    .await;
}

#[tokio::test]
async fn tsize_over_cap_is_refused_before_data() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let server = tokio::spawn(async move {
            let (request, client) = recv_rrq(&listen).await;
            assert_eq!(request, rrq(FILE, &[("blksize", "1428"), ("tsize", "0")]));
            let socket = transfer_socket().await;
            socket
                .send_to(&oack(&[("blksize", "1428"), ("tsize", "16777217")]), client)
                .await
                .expect("send");
            recv(&socket, Duration::from_secs(2)).await
        });
        let e = tftp_get(addr, FILE, &TftpOptions::default())
            .await
            .expect_err("must refuse");
        assert!(matches!(
            e.kind(),
            TftpErrorKind::TooLarge {
                announced: Some(16_777_217),
                cap: 16_777_216
            }
        ));
        assert_eq!(
            e.to_string(),
            format!("TFTP transfer of ITLFile.tlv from {addr} failed: server announced 16777217 bytes, over the size cap of 16777216 bytes")
        );
        // The server got ERROR 3, not ACK 0.
        let (reply, _) = server.await.expect("server task").expect("no reply to OACK");
        assert_eq!(as_error(&reply), Some(3));
    })
    .await;
}

#[tokio::test]
async fn tsize_at_cap_is_accepted() {
    within(LIMIT, async {
        let body = pattern(2000, 4);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            socket
                .send_to(&oack(&[("blksize", "1428"), ("tsize", "2000")]), client)
                .await
                .expect("send");
            wait_ack(&socket, client, 0).await;
            serve_rest(&socket, client, &server_body, 1428, 0).await;
        });
        let opts = TftpOptions {
            max_size: 2000,
            ..TftpOptions::default()
        };
        assert_bytes("at cap", tftp_get(addr, FILE, &opts).await, &body);
        server.await.expect("server task");
    })
    .await;
}

#[tokio::test]
async fn body_over_cap_without_tsize_is_refused_while_receiving() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            let mut block = 0u16;
            // An endless file of full blocks.
            loop {
                block += 1;
                socket
                    .send_to(&data(block, &[7; 512]), client)
                    .await
                    .expect("send");
                let (reply, _) = recv(&socket, Duration::from_secs(2)).await.expect("reply");
                if as_ack(&reply) != Some(block) {
                    return (block, reply);
                }
            }
        });
        let opts = TftpOptions {
            max_size: 2000,
            ..plain()
        };
        let e = tftp_get(addr, FILE, &opts).await.expect_err("must refuse");
        assert!(matches!(
            e.kind(),
            TftpErrorKind::TooLarge {
                announced: None,
                cap: 2000
            }
        ));
        // Blocks 1-3 (1536 bytes) were acknowledged; block 4 would make 2048.
        let (block, reply) = server.await.expect("server task");
        assert_eq!(block, 4);
        assert_eq!(as_error(&reply), Some(3));
    })
    .await;
}

#[tokio::test]
async fn garbage_from_the_server_is_ignored() {
    within(LIMIT, async {
        let body = pattern(5000, 5);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
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
            for (i, chunk) in server_body.chunks(512).enumerate() {
                let block = (i + 1) as u16;
                let junk = &garbage[i % garbage.len()];
                socket.send_to(junk, client).await.expect("send");
                socket
                    .send_to(&data(block, chunk), client)
                    .await
                    .expect("send");
                wait_ack(&socket, client, block).await;
            }
        });
        assert_bytes("garbage", tftp_get(addr, FILE, &plain()).await, &body);
        server.await.expect("server task");
    })
    .await;
}

#[tokio::test]
async fn random_replies_never_panic_the_client() {
    within(LIMIT, async {
        for seed in 1..=10u64 {
            let (listen, addr) = listener().await;
            let server = tokio::spawn(async move {
                let (_, client) = recv_rrq(&listen).await;
                let socket = transfer_socket().await;
                let noise = pattern(4000, seed);
                for piece in noise.chunks(40 + (seed as usize % 7) * 10) {
                    let mut packet = piece.to_vec();
                    packet[0] = 0;
                    packet[1] %= 7;
                    let _ = socket.send_to(&packet, client).await;
                }
            });
            let opts = TftpOptions {
                deadline: Duration::from_millis(200),
                initial_rto: Duration::from_millis(50),
                ..TftpOptions::default()
            };
            // Whatever happens, it ends within the deadline with a value or a typed error.
            let start = Instant::now();
            let _ = tftp_get(addr, FILE, &opts).await;
            assert!(start.elapsed() < Duration::from_secs(1));
            server.await.expect("server task");
        }
    })
    .await;
}

#[tokio::test]
async fn error_8_then_success_without_options() {
    within(LIMIT, async {
        let body = pattern(1300, 6);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (first, client) = recv_rrq(&listen).await;
            assert_eq!(first, rrq(FILE, &[("blksize", "1428"), ("tsize", "0")]));
            let refusing = transfer_socket().await;
            refusing
                .send_to(&error(8, "Option negotiation refused"), client)
                .await
                .expect("send");
            let (second, again) = recv_rrq(&listen).await;
            assert_eq!(again, client);
            let socket = transfer_socket().await;
            serve_lockstep(&socket, client, &server_body, 512).await;
            second
        });
        assert_bytes(
            "error 8",
            tftp_get(addr, FILE, &TftpOptions::default()).await,
            &body,
        );
        assert_eq!(server.await.expect("server task"), rrq(FILE, &[]));
    })
    .await;
}

#[tokio::test]
async fn error_8_twice_is_a_typed_error() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let server = tokio::spawn(async move {
            for _ in 0..2 {
                let (_, client) = recv_rrq(&listen).await;
                let socket = transfer_socket().await;
                socket.send_to(&error(8, ""), client).await.expect("send");
            }
        });
        let e = tftp_get(addr, FILE, &TftpOptions::default())
            .await
            .expect_err("must fail");
        assert_eq!(
            e.to_string(),
            format!("TFTP error 8 (Option negotiation refused) from {addr} for ITLFile.tlv")
        );
        server.await.expect("server task");
    })
    .await;
}

#[tokio::test]
async fn server_ignoring_options_sends_data_1() {
    within(LIMIT, async {
        let body = pattern(1024, 7);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (request, client) = recv_rrq(&listen).await;
            assert_eq!(request, rrq(FILE, &[("blksize", "1428"), ("tsize", "0")]));
            let socket = transfer_socket().await;
            serve_lockstep(&socket, client, &server_body, 512).await;
        });
        assert_bytes(
            "no OACK",
            tftp_get(addr, FILE, &TftpOptions::default()).await,
            &body,
        );
        server.await.expect("server task");
    })
    .await;
}

#[tokio::test]
async fn bad_oack_is_refused() {
    within(LIMIT, async {
        let (listen, addr) = listener().await;
        let server = tokio::spawn(async move {
            let (_, client) = recv_rrq(&listen).await;
            let socket = transfer_socket().await;
            // Larger than requested: a client must not accept it (RFC 2348).
            socket
                .send_to(&oack(&[("blksize", "9000")]), client)
                .await
                .expect("send");
            recv(&socket, Duration::from_secs(2)).await
        });
        let e = tftp_get(addr, FILE, &TftpOptions::default())
            .await
            .expect_err("must refuse");
        assert!(matches!(
            e.kind(),
            TftpErrorKind::Protocol(ProtocolViolation::BadOack(_))
        ));
        let (reply, _) = server.await.expect("server task").expect("no reply");
        assert_eq!(as_error(&reply), Some(8));
    })
    .await;
}

#[tokio::test]
async fn windowsize_is_used_when_the_server_agrees() {
    within(LIMIT, async {
        let body = pattern(10 * 512 + 100, 8);
        let (listen, addr) = listener().await;
        let server_body = body.clone();
        let server = tokio::spawn(async move {
            let (request, client) = recv_rrq(&listen).await;
            assert_eq!(
                request,
                rrq(
                    FILE,
                    &[("blksize", "512"), ("tsize", "0"), ("windowsize", "4")]
                )
            );
            let socket = transfer_socket().await;
            socket
                .send_to(
                    &oack(&[("blksize", "512"), ("tsize", "5220"), ("windowsize", "4")]),
                    client,
                )
                .await
                .expect("send");
            wait_ack(&socket, client, 0).await;
            let chunks: Vec<&[u8]> = server_body.chunks(512).collect();
            let mut acks = Vec::new();
            for window in chunks.chunks(4).enumerate() {
                let (w, blocks) = window;
                for (i, chunk) in blocks.iter().enumerate() {
                    let block = (w * 4 + i + 1) as u16;
                    socket
                        .send_to(&data(block, chunk), client)
                        .await
                        .expect("send");
                }
                let last = (w * 4 + blocks.len()) as u16;
                for packet in wait_ack(&socket, client, last).await {
                    acks.extend(as_ack(&packet));
                }
            }
            acks
        });
        let opts = TftpOptions {
            blksize: Some(512),
            windowsize: Some(4),
            ..TftpOptions::default()
        };
        assert_bytes("windowsize", tftp_get(addr, FILE, &opts).await, &body);
        // One ACK per window of 4, then the short last block.
        assert_eq!(server.await.expect("server task"), vec![4, 8, 11]);
    })
    .await;
}
