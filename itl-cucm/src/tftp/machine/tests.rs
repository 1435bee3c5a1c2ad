//! Exact-packet tests of the sans-io read machine. Packets are written out as literal bytes,
//! not with the crate's encoder, so codec and machine are checked independently.

use super::*;
use itl_testkit::tftp::{ack, data, error, oack};

const FILE: &str = "ITLFile.tlv";

fn server() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 5], 69))
}
fn tid() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 5], 40000))
}
fn tid2() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 5], 40001))
}
fn other_host() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 9], 40000))
}

fn tx(to: SocketAddr, payload: Vec<u8>) -> Transmit {
    Transmit { to, payload }
}

fn transmits(machine: &mut ReadTransfer) -> Vec<Transmit> {
    std::iter::from_fn(|| machine.poll_transmit()).collect()
}
fn events(machine: &mut ReadTransfer) -> Vec<Event> {
    std::iter::from_fn(|| machine.poll_event()).collect()
}
fn failure(machine: &mut ReadTransfer) -> TftpError {
    let failed = |e| match e {
        Event::Failed(error) => Some(error),
        _ => None,
    };
    events(machine)
        .into_iter()
        .find_map(failed)
        .expect("a failure event")
}
fn is_done(machine: &mut ReadTransfer) -> bool {
    events(machine).iter().any(|e| matches!(e, Event::Done))
}

/// Hands `packet` from `from` to the machine at `now`; what it transmits in answer.
fn feed(
    machine: &mut ReadTransfer,
    from: SocketAddr,
    packet: &[u8],
    now: Instant,
) -> Vec<Transmit> {
    machine.handle_packet(from, packet, now);
    transmits(machine)
}

/// [`feed`] from the latched transfer ID [`tid`].
fn reply(machine: &mut ReadTransfer, packet: &[u8], now: Instant) -> Vec<Transmit> {
    feed(machine, tid(), packet, now)
}

/// The ACKs of `blocks`, to the latched transfer ID [`tid`].
fn acks(blocks: &[u16]) -> Vec<Transmit> {
    blocks.iter().map(|&block| tx(tid(), ack(block))).collect()
}

/// 8-byte blocks, no tsize, and the options `more` sets.
fn tiny_blocks(more: TftpOptions) -> TftpOptions {
    TftpOptions {
        blksize: Some(8),
        tsize: false,
        ..more
    }
}

fn plain() -> TftpOptions {
    TftpOptions::default().without_negotiation()
}

fn start(opts: &TftpOptions, now: Instant) -> ReadTransfer {
    match ReadTransfer::new(server(), FILE, opts, now) {
        Ok(machine) => machine,
        Err(e) => panic!("new failed: {e}"),
    }
}

/// A machine started now whose request has gone out, and the time it started.
fn sent(opts: &TftpOptions) -> (ReadTransfer, Instant) {
    let t0 = Instant::now();
    let mut machine = start(opts, t0);
    transmits(&mut machine);
    (machine, t0)
}

#[test]
fn rrq_with_default_options_is_exact() {
    let t0 = Instant::now();
    let mut m = start(&TftpOptions::default(), t0);
    assert_eq!(
        transmits(&mut m),
        vec![tx(
            server(),
            b"\x00\x01ITLFile.tlv\x00octet\x00blksize\x001428\x00tsize\x000\x00".to_vec()
        )]
    );
    assert_eq!(m.poll_timeout(), Some(t0 + Duration::from_millis(500)));
    let all = TftpOptions {
        blksize: Some(512),
        tsize: true,
        timeout_secs: Some(3),
        windowsize: Some(4),
        ..TftpOptions::default()
    };
    let mut m = start(&all, t0);
    assert_eq!(
        transmits(&mut m),
        vec![tx(
            server(),
            b"\x00\x01ITLFile.tlv\x00octet\x00blksize\x00512\x00tsize\x000\x00timeout\x003\x00windowsize\x004\x00"
                .to_vec()
        )]
    );
}

#[test]
fn plain_rrq_has_no_options() {
    let mut m = start(&plain(), Instant::now());
    assert_eq!(
        transmits(&mut m),
        vec![tx(server(), b"\x00\x01ITLFile.tlv\x00octet\x00".to_vec())]
    );
}

#[test]
fn oack_then_two_blocks() {
    let opts = TftpOptions {
        blksize: Some(1000),
        ..TftpOptions::default()
    };
    let (mut m, t0) = sent(&opts);
    assert_eq!(
        reply(&mut m, &oack(&[("blksize", "1000"), ("tsize", "1500")]), t0),
        acks(&[0])
    );
    let evs = events(&mut m);
    assert!(matches!(
        evs.as_slice(),
        [Event::Negotiated(Negotiated {
            blksize: 1000,
            windowsize: 1,
            tsize: Some(1500),
            timeout_secs: None,
            via_oack: true
        })]
    ));
    assert_eq!(m.transfer_id(), Some(tid()));

    m.handle_packet(tid(), &data(1, &[0xAA; 1000]), t0);
    assert_eq!(transmits(&mut m), acks(&[1]));
    m.handle_packet(tid(), &data(2, &[0xBB; 500]), t0);
    assert_eq!(transmits(&mut m), acks(&[2]));
    assert!(is_done(&mut m));
    assert!(m.is_finished());
    assert_eq!(m.poll_timeout(), None);
    let body = m.take_data();
    assert_eq!(body.len(), 1500);
    assert_eq!(&body[..1000], &[0xAA; 1000][..]);
    assert_eq!(&body[1000..], &[0xBB; 500][..]);
}

#[test]
fn server_ignoring_options_starts_with_data_1() {
    let (mut m, t0) = sent(&TftpOptions::default());
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    assert_eq!(transmits(&mut m), acks(&[1]));
    assert_eq!(m.negotiated(), Negotiated::PLAIN);
    m.handle_packet(tid(), &data(2, &[2; 10]), t0);
    assert_eq!(transmits(&mut m), acks(&[2]));
    assert!(is_done(&mut m));
    assert_eq!(m.data().len(), 522);
}

#[test]
fn first_reply_other_than_data_1_is_not_latched() {
    let (mut m, t0) = sent(&plain());
    m.handle_packet(tid(), &data(2, &[2; 512]), t0);
    assert_eq!(reply(&mut m, &ack(1), t0), vec![]);
    assert_eq!(m.transfer_id(), None);
    // The real reply from another port still latches.
    assert_eq!(
        feed(&mut m, tid2(), &data(1, b"abc"), t0),
        vec![tx(tid2(), ack(1))]
    );
    assert!(is_done(&mut m));
    assert_eq!(m.data(), b"abc");
}

#[test]
fn duplicate_block_is_reacked_not_appended() {
    let (mut m, t0) = sent(&plain());
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    assert_eq!(transmits(&mut m), acks(&[1, 1, 1]));
    assert_eq!(m.data().len(), 512);
    // An older block is outside the window: ignored.
    m.handle_packet(tid(), &data(2, &[2; 512]), t0);
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    assert_eq!(transmits(&mut m), acks(&[2]));
    // A block from the future is ignored too.
    m.handle_packet(tid(), &data(4, &[4; 512]), t0);
    assert_eq!(transmits(&mut m), vec![]);
    assert_eq!(m.data().len(), 1024);
    assert_eq!(reply(&mut m, &data(3, b""), t0), acks(&[3]));
    assert!(is_done(&mut m));
    assert_eq!(m.data().len(), 1024);
}

#[test]
fn strangers_get_error_5_and_the_transfer_goes_on() {
    let (mut m, t0) = sent(&plain());
    // Before latching: another host is a stranger.
    assert_eq!(
        feed(&mut m, other_host(), &data(1, b"evil"), t0),
        vec![tx(other_host(), error(5, "Unknown transfer ID"))]
    );
    assert_eq!(m.transfer_id(), None);
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    assert_eq!(transmits(&mut m), acks(&[1]));
    // After latching: another port of the server's host is a stranger.
    m.handle_packet(tid2(), &data(2, &[9; 512]), t0);
    assert_eq!(
        transmits(&mut m),
        vec![tx(tid2(), error(5, "Unknown transfer ID"))]
    );
    // A stranger's ERROR gets no answer and does not abort.
    assert_eq!(feed(&mut m, tid2(), &error(1, "nope"), t0), vec![]);
    let evs = events(&mut m);
    assert_eq!(
        evs.iter()
            .filter(|e| matches!(e, Event::Stranger(_)))
            .count(),
        3
    );
    assert!(!evs.iter().any(|e| matches!(e, Event::Failed(_))));
    assert_eq!(reply(&mut m, &data(2, b"end"), t0), acks(&[2]));
    assert!(is_done(&mut m));
    let mut expected = vec![1u8; 512];
    expected.extend_from_slice(b"end");
    assert_eq!(m.data(), expected.as_slice());
}

#[test]
fn error_8_retries_once_without_options() {
    let (mut m, t0) = sent(&TftpOptions::default());
    assert_eq!(
        reply(&mut m, &error(8, "no options"), t0),
        vec![tx(server(), b"\x00\x01ITLFile.tlv\x00octet\x00".to_vec())]
    );
    assert!(
        events(&mut m)
            .iter()
            .any(|e| matches!(e, Event::RetryingWithoutOptions))
    );
    // Late packets from the abandoned transfer ID are ignored silently.
    assert_eq!(reply(&mut m, &data(1, b"stale"), t0), vec![]);
    assert_eq!(
        feed(&mut m, tid2(), &data(1, b"fresh"), t0),
        vec![tx(tid2(), ack(1))]
    );
    assert!(is_done(&mut m));
    assert_eq!(m.data(), b"fresh");
}

#[test]
fn error_8_twice_is_a_typed_error() {
    let (mut m, t0) = sent(&TftpOptions::default());
    reply(&mut m, &error(8, "no options"), t0);
    assert_eq!(feed(&mut m, tid2(), &error(8, "still no"), t0), vec![]);
    let e = failure(&mut m);
    assert_eq!(e.remote_code(), Some(ErrorCode::OPTION_REFUSED));
    assert_eq!(
        e.to_string(),
        "TFTP error 8 (still no) from 10.0.0.5:69 for ITLFile.tlv"
    );
}

#[test]
fn error_8_without_options_requested_is_final() {
    let (mut m, t0) = sent(&plain());
    assert_eq!(reply(&mut m, &error(8, ""), t0), vec![]);
    assert_eq!(
        failure(&mut m).to_string(),
        "TFTP error 8 (Option negotiation refused) from 10.0.0.5:69 for ITLFile.tlv"
    );
}

#[test]
fn file_not_found_display_is_exact() {
    let t0 = Instant::now();
    let mut m = match ReadTransfer::new(server(), "ITLSEP001122334455.tlv", &plain(), t0) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    transmits(&mut m);
    m.handle_packet(tid(), &error(1, "File not found"), t0);
    let e = failure(&mut m);
    assert!(e.is_not_found());
    assert_eq!(
        e.to_string(),
        "TFTP error 1 (File not found) from 10.0.0.5:69 for ITLSEP001122334455.tlv"
    );
    // Inert afterwards.
    assert_eq!(reply(&mut m, &data(1, b"x"), t0), vec![]);
    assert!(events(&mut m).is_empty());
}

#[test]
fn error_mid_transfer_is_typed() {
    let (mut m, t0) = sent(&plain());
    m.handle_packet(tid(), &data(1, &[0; 512]), t0);
    transmits(&mut m);
    assert_eq!(reply(&mut m, &error(0, "disk on fire\x1b[2J"), t0), vec![]);
    let e = failure(&mut m);
    assert_eq!(
        e.to_string(),
        "TFTP error 0 (disk on fire[2J) from 10.0.0.5:69 for ITLFile.tlv"
    );
}

#[test]
fn tsize_over_cap_is_refused_before_data() {
    let opts = TftpOptions {
        max_size: 1000,
        ..TftpOptions::default()
    };
    let (mut m, t0) = sent(&opts);
    assert_eq!(
        reply(&mut m, &oack(&[("blksize", "1428"), ("tsize", "1001")]), t0),
        vec![tx(tid(), error(3, "file exceeds the client's size cap"))]
    );
    let e = failure(&mut m);
    assert!(matches!(
        e.kind(),
        TftpErrorKind::TooLarge {
            announced: Some(1001),
            cap: 1000
        }
    ));

    // The twin: exactly at the cap is accepted.
    let mut m = start(&opts, t0);
    transmits(&mut m);
    assert_eq!(
        reply(&mut m, &oack(&[("blksize", "1428"), ("tsize", "1000")]), t0),
        acks(&[0])
    );
    m.handle_packet(tid(), &data(1, &[7; 1000]), t0);
    assert_eq!(transmits(&mut m), acks(&[1]));
    assert!(is_done(&mut m));
}

#[test]
fn body_over_cap_without_tsize_fails_while_receiving() {
    let opts = TftpOptions {
        max_size: 1000,
        ..plain()
    };
    let (mut m, t0) = sent(&opts);
    m.handle_packet(tid(), &data(1, &[0; 512]), t0);
    assert_eq!(transmits(&mut m), acks(&[1]));
    m.handle_packet(tid(), &data(2, &[0; 512]), t0);
    assert_eq!(
        transmits(&mut m),
        vec![tx(tid(), error(3, "file exceeds the client's size cap"))]
    );
    assert!(matches!(
        failure(&mut m).kind(),
        TftpErrorKind::TooLarge {
            announced: None,
            cap: 1000
        }
    ));
    assert_eq!(m.data().len(), 512);
}

#[test]
fn unacceptable_oack_is_refused_with_error_8() {
    let t0 = Instant::now();
    for (pairs, reason) in [
        (
            &[("blksize", "2000")][..],
            "unacceptable OACK: blksize=\"2000\" out of range",
        ),
        (
            &[("blksize", "4")][..],
            "unacceptable OACK: blksize=\"4\" out of range",
        ),
        (
            &[("multicast", "1")][..],
            "unacceptable OACK: option \"multicast\" was not requested",
        ),
        (
            &[("tsize", "-1")][..],
            "unacceptable OACK: tsize=\"-1\" out of range",
        ),
        (
            &[("tsize", "1"), ("TSIZE", "1")][..],
            "unacceptable OACK: option tsize repeated",
        ),
    ] {
        let mut m = start(&TftpOptions::default(), t0);
        transmits(&mut m);
        assert_eq!(
            reply(&mut m, &oack(pairs), t0),
            vec![tx(tid(), error(8, "unacceptable option acknowledgement"))]
        );
        let e = failure(&mut m);
        assert_eq!(
            e.to_string(),
            format!(
                "TFTP transfer of ITLFile.tlv from 10.0.0.5:69 failed: protocol violation: {reason}"
            )
        );
    }
}

#[test]
fn oack_subset_and_case_are_accepted() {
    let (mut m, t0) = sent(&TftpOptions::default());
    // Only tsize acknowledged: blksize falls back to 512.
    assert_eq!(reply(&mut m, &oack(&[("TSize", "600")]), t0), acks(&[0]));
    assert_eq!(m.negotiated().blksize, 512);
    assert_eq!(m.negotiated().tsize, Some(600));
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    m.handle_packet(tid(), &data(2, &[2; 88]), t0);
    assert_eq!(transmits(&mut m), acks(&[1, 2]));
    assert!(is_done(&mut m));
}

#[test]
fn unsolicited_oack_is_a_protocol_error() {
    let (mut m, t0) = sent(&plain());
    assert_eq!(
        reply(&mut m, &oack(&[("blksize", "512")]), t0),
        vec![tx(tid(), error(8, "no options were requested"))]
    );
    assert!(matches!(
        failure(&mut m).kind(),
        TftpErrorKind::Protocol(ProtocolViolation::UnsolicitedOack)
    ));
}

#[test]
fn repeated_oack_is_reacked_with_block_0() {
    let (mut m, t0) = sent(&TftpOptions::default());
    let answer = oack(&[("blksize", "1428"), ("tsize", "3")]);
    m.handle_packet(tid(), &answer, t0);
    assert_eq!(reply(&mut m, &answer, t0), acks(&[0, 0]));
    m.handle_packet(tid(), &data(1, b"abc"), t0);
    // Once data flowed, a stray OACK is ignored.
    assert_eq!(reply(&mut m, &answer, t0), acks(&[1]));
    assert!(is_done(&mut m));
}

#[test]
fn exact_multiple_of_blksize_ends_with_empty_block() {
    let (mut m, t0) = sent(&plain());
    m.handle_packet(tid(), &data(1, &[1; 512]), t0);
    m.handle_packet(tid(), &data(2, &[2; 512]), t0);
    assert!(!m.is_finished());
    assert_eq!(reply(&mut m, &data(3, b""), t0), acks(&[1, 2, 3]));
    assert!(is_done(&mut m));
    assert_eq!(m.data().len(), 1024);
    // The server lost our last ACK and repeats the last block: ACK again.
    assert_eq!(reply(&mut m, &data(3, b""), t0), acks(&[3]));
    // A stranger after the end still gets ERROR 5.
    assert_eq!(
        feed(&mut m, tid2(), &data(3, b""), t0),
        vec![tx(tid2(), error(5, "Unknown transfer ID"))]
    );
}

#[test]
fn oversized_block_is_a_protocol_error() {
    let (mut m, t0) = sent(&plain());
    m.handle_packet(tid(), &data(1, &[0; 513]), t0);
    assert_eq!(
        transmits(&mut m),
        vec![tx(tid(), error(4, "block larger than blksize"))]
    );
    assert_eq!(
        failure(&mut m).to_string(),
        "TFTP transfer of ITLFile.tlv from 10.0.0.5:69 failed: protocol violation: block 1 has 513 bytes, more than the block size 512"
    );
}

#[test]
fn unexpected_opcode_from_server_is_a_protocol_error() {
    let (mut m, t0) = sent(&plain());
    m.handle_packet(tid(), &data(1, &[0; 512]), t0);
    transmits(&mut m);
    assert_eq!(
        reply(&mut m, &ack(1), t0),
        vec![tx(tid(), error(4, "Illegal TFTP operation"))]
    );
    assert!(matches!(
        failure(&mut m).kind(),
        TftpErrorKind::Protocol(ProtocolViolation::UnexpectedPacket(
            itl_wire::tftp::Opcode::Ack
        ))
    ));
}

#[test]
fn malformed_packets_are_ignored() {
    let (mut m, t0) = sent(&plain());
    for junk in [
        &b""[..],
        b"\x00",
        b"\x00\x09abc",
        b"\x00\x03\x00",
        b"\xff\xff\xff\xff",
    ] {
        m.handle_packet(tid(), junk, t0);
    }
    assert_eq!(transmits(&mut m), vec![]);
    assert_eq!(
        events(&mut m)
            .iter()
            .filter(|e| matches!(e, Event::Malformed(_)))
            .count(),
        5
    );
    assert_eq!(reply(&mut m, &data(1, b"ok"), t0), acks(&[1]));
    assert!(is_done(&mut m));
}

#[test]
fn size_mismatch_with_tsize_is_reported() {
    let (mut m, t0) = sent(&TftpOptions::default());
    m.handle_packet(tid(), &oack(&[("tsize", "10")]), t0);
    assert_eq!(reply(&mut m, &data(1, b"short"), t0), acks(&[0, 1]));
    assert!(matches!(
        failure(&mut m).kind(),
        TftpErrorKind::Protocol(ProtocolViolation::SizeMismatch {
            announced: 10,
            received: 5
        })
    ));
}

#[test]
fn rrq_is_retransmitted_with_backoff_then_times_out() {
    let t0 = Instant::now();
    let opts = TftpOptions {
        retries: 3,
        initial_rto: Duration::from_millis(100),
        deadline: Duration::from_secs(60),
        ..plain()
    };
    let rrq = b"\x00\x01ITLFile.tlv\x00octet\x00".to_vec();
    let mut m = start(&opts, t0);
    assert_eq!(transmits(&mut m), vec![tx(server(), rrq.clone())]);
    // Too early: nothing.
    m.handle_timeout(t0 + Duration::from_millis(99));
    assert_eq!(transmits(&mut m), vec![]);
    let mut now = t0;
    for delay in [100, 200, 400] {
        now += Duration::from_millis(delay);
        assert_eq!(m.poll_timeout(), Some(now));
        m.handle_timeout(now);
        assert_eq!(transmits(&mut m), vec![tx(server(), rrq.clone())]);
    }
    now += Duration::from_millis(800);
    assert_eq!(m.poll_timeout(), Some(now));
    m.handle_timeout(now);
    assert_eq!(transmits(&mut m), vec![]);
    let e = failure(&mut m);
    assert!(e.is_unreachable());
    assert_eq!(
        e.to_string(),
        "TFTP transfer of ITLFile.tlv from 10.0.0.5:69 failed: no response after 4 attempts"
    );
}

#[test]
fn last_ack_is_retransmitted_and_progress_resets_backoff() {
    let opts = TftpOptions {
        retries: 1,
        initial_rto: Duration::from_millis(100),
        ..plain()
    };
    let (mut m, t0) = sent(&opts);
    m.handle_packet(tid(), &data(1, &[0; 512]), t0);
    assert_eq!(transmits(&mut m), acks(&[1]));
    let t1 = t0 + Duration::from_millis(100);
    m.handle_timeout(t1);
    assert_eq!(transmits(&mut m), acks(&[1]));
    // Progress: the retry budget and the RTO start over.
    m.handle_packet(tid(), &data(2, &[0; 512]), t1);
    assert_eq!(transmits(&mut m), acks(&[2]));
    assert_eq!(m.poll_timeout(), Some(t1 + Duration::from_millis(100)));
    let t2 = t1 + Duration::from_millis(100);
    m.handle_timeout(t2);
    assert_eq!(transmits(&mut m), acks(&[2]));
    m.handle_timeout(t2 + Duration::from_millis(200));
    assert_eq!(transmits(&mut m), vec![]);
    let e = failure(&mut m);
    assert!(!e.is_unreachable());
    assert_eq!(
        e.to_string(),
        "TFTP transfer of ITLFile.tlv from 10.0.0.5:69 failed: timed out after 1024 bytes (2 attempts without progress)"
    );
}

#[test]
fn deadline_bounds_the_transfer() {
    let opts = TftpOptions {
        deadline: Duration::from_secs(2),
        initial_rto: Duration::from_secs(5),
        ..plain()
    };
    let (mut m, t0) = sent(&opts);
    assert_eq!(m.poll_timeout(), Some(t0 + Duration::from_secs(2)));
    m.handle_packet(tid(), &data(1, &[0; 512]), t0);
    transmits(&mut m);
    m.handle_timeout(t0 + Duration::from_secs(2));
    assert_eq!(
        transmits(&mut m),
        vec![tx(tid(), error(0, "transfer deadline exceeded"))]
    );
    assert_eq!(
        failure(&mut m).to_string(),
        "TFTP transfer of ITLFile.tlv from 10.0.0.5:69 failed: deadline of 2 s exceeded after 512 bytes"
    );

    // A packet arriving after the deadline fails the transfer too.
    let mut m = start(&opts, t0);
    transmits(&mut m);
    assert_eq!(
        reply(&mut m, &data(1, b"late"), t0 + Duration::from_secs(3)),
        vec![]
    );
    let e = failure(&mut m);
    assert!(e.is_unreachable());
    assert_eq!(m.data(), b"");
}

#[test]
fn block_numbers_wrap_to_zero() {
    let opts = tiny_blocks(TftpOptions {
        max_size: u64::MAX,
        ..TftpOptions::default()
    });
    let (mut m, t0) = sent(&opts);
    assert_eq!(reply(&mut m, &oack(&[("blksize", "8")]), t0), acks(&[0]));
    let full_blocks: u64 = 65_536 + 1;
    for index in 1..=full_blocks {
        let block = (index % 65_536) as u16;
        let payload = index.to_be_bytes();
        m.handle_packet(tid(), &data(block, &payload), t0);
        let sent = transmits(&mut m);
        assert_eq!(sent, acks(&[block]), "block index {index}");
    }
    // After the wrap, block 1 again is the expected one (index 65537 = wire 1).
    assert_eq!(reply(&mut m, &data(2, b"end"), t0), acks(&[2]));
    assert!(is_done(&mut m));
    let body = m.take_data();
    assert_eq!(body.len() as u64, full_blocks * 8 + 3);
    assert_eq!(&body[65_535 * 8..65_536 * 8], &65_536u64.to_be_bytes());
    assert_eq!(&body[body.len() - 3..], b"end");
}

#[test]
fn wrap_to_one_is_not_accepted() {
    let opts = tiny_blocks(TftpOptions {
        ..TftpOptions::default()
    });
    let (mut m, t0) = sent(&opts);
    m.handle_packet(tid(), &oack(&[("blksize", "8")]), t0);
    for block in 1..=65_535u16 {
        m.handle_packet(tid(), &data(block, &[0; 8]), t0);
    }
    transmits(&mut m);
    // A server wrapping to 1 instead of 0: the block is neither the expected one nor a
    // duplicate, so it is ignored.
    m.handle_packet(tid(), &data(1, &[0; 8]), t0);
    assert_eq!(transmits(&mut m), vec![]);
    assert_eq!(m.data().len(), 65_535 * 8);
}

#[test]
fn windowed_transfer_acks_once_per_window() {
    let opts = tiny_blocks(TftpOptions {
        windowsize: Some(4),
        ..TftpOptions::default()
    });
    let (mut m, t0) = sent(&opts);
    assert_eq!(
        reply(&mut m, &oack(&[("blksize", "8"), ("windowsize", "4")]), t0),
        acks(&[0])
    );
    for block in 1..=3u16 {
        m.handle_packet(tid(), &data(block, &[block as u8; 8]), t0);
    }
    assert_eq!(transmits(&mut m), vec![]);
    m.handle_packet(tid(), &data(4, &[4; 8]), t0);
    assert_eq!(transmits(&mut m), acks(&[4]));
    // Block 5 is lost; 6 and 7 arrive: one ACK of 4 asks for a resend from 5.
    m.handle_packet(tid(), &data(6, &[6; 8]), t0);
    m.handle_packet(tid(), &data(7, &[7; 8]), t0);
    assert_eq!(transmits(&mut m), acks(&[4]));
    // The server resends the window from 5; it ends with a short block.
    m.handle_packet(tid(), &data(5, &[5; 8]), t0);
    m.handle_packet(tid(), &data(6, &[6; 8]), t0);
    assert_eq!(reply(&mut m, &data(7, b"x"), t0), acks(&[7]));
    assert!(is_done(&mut m));
    let mut expected = Vec::new();
    for block in 1..=6u8 {
        expected.extend_from_slice(&[block; 8]);
    }
    expected.push(b'x');
    assert_eq!(m.data(), expected.as_slice());
}

#[test]
fn windowed_duplicates_trigger_one_ack() {
    let opts = tiny_blocks(TftpOptions {
        windowsize: Some(4),
        ..TftpOptions::default()
    });
    let (mut m, t0) = sent(&opts);
    m.handle_packet(tid(), &oack(&[("blksize", "8"), ("windowsize", "2")]), t0);
    assert_eq!(m.negotiated().windowsize, 2);
    transmits(&mut m);
    m.handle_packet(tid(), &data(1, &[1; 8]), t0);
    m.handle_packet(tid(), &data(2, &[2; 8]), t0);
    assert_eq!(transmits(&mut m), acks(&[2]));
    // Our ACK 2 was lost; the server repeats the window.
    m.handle_packet(tid(), &data(1, &[1; 8]), t0);
    m.handle_packet(tid(), &data(2, &[2; 8]), t0);
    assert_eq!(transmits(&mut m), acks(&[2]));
    assert_eq!(m.data().len(), 16);
}

#[test]
fn windowsize_larger_than_requested_is_refused() {
    let opts = TftpOptions {
        windowsize: Some(4),
        ..TftpOptions::default()
    };
    let (mut m, t0) = sent(&opts);
    assert_eq!(
        reply(&mut m, &oack(&[("windowsize", "8")]), t0),
        vec![tx(tid(), error(8, "unacceptable option acknowledgement"))]
    );
    assert!(matches!(
        failure(&mut m).kind(),
        TftpErrorKind::Protocol(ProtocolViolation::BadOack(_))
    ));
}

#[test]
fn invalid_requests_are_refused_up_front() {
    let t0 = Instant::now();
    let check = |file: &str, opts: &TftpOptions, reason: &str| match ReadTransfer::new(
        server(),
        file,
        opts,
        t0,
    ) {
        Ok(_) => panic!("{file:?} accepted"),
        Err(e) => assert_eq!(
            e.to_string(),
            format!("TFTP transfer of {file} from 10.0.0.5:69 failed: invalid request: {reason}")
        ),
    };
    check("", &plain(), "empty file name");
    check("a\0b", &plain(), "file name contains a NUL byte");
    check(
        "x",
        &TftpOptions {
            blksize: Some(7),
            ..plain()
        },
        "blksize 7 outside 8..=65464",
    );
    check(
        "x",
        &TftpOptions {
            windowsize: Some(0),
            ..plain()
        },
        "windowsize must be at least 1",
    );
    let long = "a".repeat(600);
    check(
        &long,
        &plain(),
        "request of 609 bytes exceeds 512 (file name too long)",
    );
    // The twin: the longest name that fits is accepted.
    let fits = "a".repeat(512 - 2 - 1 - 6);
    assert!(ReadTransfer::new(server(), &fits, &plain(), t0).is_ok());
}

#[test]
fn random_datagrams_never_panic_the_machine() {
    let t0 = Instant::now();
    let mut rng = itl_testkit::Xorshift::new(0xC0FF_EE00_0000_0069);
    for round in 0..2_000 {
        let opts = if round % 2 == 0 {
            TftpOptions {
                windowsize: Some(3),
                max_size: 4096,
                ..TftpOptions::default()
            }
        } else {
            plain()
        };
        let mut m = start(&opts, t0);
        for step in 0..64u64 {
            let len = (rng.next_u64() % 24) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if len >= 2 {
                bytes[0] = 0;
                bytes[1] = (rng.next_u64() % 7) as u8;
            }
            let from = match rng.next_u64() % 4 {
                0 => tid2(),
                1 => other_host(),
                _ => tid(),
            };
            m.handle_packet(from, &bytes, t0 + Duration::from_millis(step));
            if rng.next_u64().is_multiple_of(8) {
                m.handle_timeout(t0 + Duration::from_millis(step * 300));
            }
            transmits(&mut m);
            events(&mut m);
        }
    }
}
