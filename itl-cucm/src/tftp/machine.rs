//! Sans-io state machine of one TFTP read (RFC 1350 with RFC 2347/2348/2349/7440 options).
//!
//! The machine owns no socket and never reads the clock. Its user:
//!
//! 1. creates it with [`ReadTransfer::new`], which queues the RRQ;
//! 2. sends everything [`ReadTransfer::poll_transmit`] yields;
//! 3. handles everything [`ReadTransfer::poll_event`] yields (stop on [`Event::Done`] or
//!    [`Event::Failed`]);
//! 4. waits for a datagram or for [`ReadTransfer::poll_timeout`], then calls
//!    [`ReadTransfer::handle_packet`] or [`ReadTransfer::handle_timeout`] and loops.
//!
//! Rules it enforces: the server's transfer ID (source address and port of its first valid
//! reply, from the server's IP) is latched and any other source gets ERROR 5 without the
//! transfer being disturbed; only the expected block is appended (duplicates are re-ACKed,
//! never appended twice); block numbers wrap from 65535 to 0; a block shorter than the block
//! size ends the transfer; the size cap is checked against `tsize` and while receiving; lost
//! packets are retransmitted with exponential backoff, a bounded number of times, within an
//! overall deadline.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::error::{ProtocolViolation, TftpError, TftpErrorKind, sanitize_message};
use super::options::{Negotiated, TftpOptions};
use itl_wire::tftp::{
    ErrorCode, MAX_BLKSIZE, MAX_REQUEST_LEN, MIN_BLKSIZE, Packet, Request, TftpOption, encode_ack,
    encode_error,
};

/// Upper bound of the retransmission timeout after backoff.
const MAX_RTO: Duration = Duration::from_secs(8);

/// A datagram the machine wants sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Destination: the server's well-known port for requests, its transfer ID afterwards,
    /// or a stranger receiving ERROR 5.
    pub to: SocketAddr,
    /// Encoded packet.
    pub payload: Vec<u8>,
}

/// Something that happened in the transfer.
#[derive(Debug)]
pub enum Event {
    /// The server's first reply fixed the transfer parameters.
    Negotiated(Negotiated),
    /// The server refused the options (ERROR 8); a request without options was sent.
    RetryingWithoutOptions,
    /// A block was appended to the file.
    Appended {
        /// Block index counted from 1 (does not wrap).
        block: u64,
        /// Bytes in this block.
        len: usize,
        /// Bytes received so far.
        total: u64,
    },
    /// A packet arrived from an unknown source; it was answered with ERROR 5 (unless it was an
    /// ERROR itself) and otherwise ignored.
    Stranger(SocketAddr),
    /// A datagram from the server could not be decoded and was ignored.
    Malformed(itl_wire::tftp::DecodeError),
    /// The whole file arrived; take it with [`ReadTransfer::take_data`].
    Done,
    /// The transfer failed; no further packets are processed.
    Failed(TftpError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// RRQ sent; waiting for OACK, DATA 1 or ERROR.
    Requesting,
    /// First reply handled; receiving data blocks.
    Receiving,
    /// Last block received and acknowledged.
    Done,
    /// Failed; inert.
    Failed,
}

/// State of one TFTP read request. See the [module documentation](self).
#[derive(Debug)]
pub struct ReadTransfer {
    server: SocketAddr,
    file: String,
    opts: TftpOptions,
    /// Options of the current request (empty after the fallback).
    requested: Vec<TftpOption>,
    fell_back: bool,
    phase: Phase,
    /// The server's transfer ID, latched from its first valid reply.
    tid: Option<SocketAddr>,
    /// The transfer ID of a request abandoned after ERROR 8; its packets are ignored.
    stale_tid: Option<SocketAddr>,
    server_responded: bool,
    negotiated: Negotiated,
    oack_received: bool,
    data: Vec<u8>,
    /// Wire number of the last block appended (0 before the first).
    last_block: u16,
    /// Blocks appended so far.
    blocks: u64,
    /// Blocks appended since the last ACK was sent (windowed transfers).
    since_ack: u16,
    /// Set after a duplicate or out-of-order block triggered an ACK in windowed mode, so a
    /// retransmitted window does not trigger one ACK per block; cleared by progress.
    recovery_acked: bool,
    /// The last packet sent to the server and where, for retransmission.
    last_sent: Option<Transmit>,
    rto: Duration,
    retransmits: u32,
    next_retransmit: Option<Instant>,
    deadline_at: Instant,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
}

impl ReadTransfer {
    /// Starts a read of `file` from `server` (its well-known port, usually 69) and queues the
    /// RRQ. Fails if the file name or the options cannot be sent.
    pub fn new(
        server: SocketAddr,
        file: &str,
        opts: &TftpOptions,
        now: Instant,
    ) -> Result<Self, TftpError> {
        let invalid =
            |reason: String| TftpError::new(server, file, TftpErrorKind::InvalidRequest(reason));
        if file.is_empty() {
            return Err(invalid("empty file name".into()));
        }
        if file.contains('\0') {
            return Err(invalid("file name contains a NUL byte".into()));
        }
        if let Some(blksize) = opts.blksize
            && !(MIN_BLKSIZE..=MAX_BLKSIZE).contains(&blksize)
        {
            return Err(invalid(format!(
                "blksize {blksize} outside {MIN_BLKSIZE}..={MAX_BLKSIZE}"
            )));
        }
        if opts.timeout_secs == Some(0) {
            return Err(invalid("timeout option must be 1..=255 seconds".into()));
        }
        if opts.windowsize == Some(0) {
            return Err(invalid("windowsize must be at least 1".into()));
        }
        if opts.initial_rto.is_zero() {
            return Err(invalid("initial retransmission timeout is zero".into()));
        }

        let mut requested = Vec::new();
        if let Some(blksize) = opts.blksize {
            requested.push(TftpOption::new("blksize", blksize.to_string()));
        }
        if opts.tsize {
            requested.push(TftpOption::new("tsize", "0"));
        }
        if let Some(timeout) = opts.timeout_secs {
            requested.push(TftpOption::new("timeout", timeout.to_string()));
        }
        if let Some(windowsize) = opts.windowsize {
            requested.push(TftpOption::new("windowsize", windowsize.to_string()));
        }

        let mut machine = Self {
            server,
            file: file.to_owned(),
            opts: opts.clone(),
            requested,
            fell_back: false,
            phase: Phase::Requesting,
            tid: None,
            stale_tid: None,
            server_responded: false,
            negotiated: Negotiated::PLAIN,
            oack_received: false,
            data: Vec::new(),
            last_block: 0,
            blocks: 0,
            since_ack: 0,
            recovery_acked: false,
            last_sent: None,
            rto: opts.initial_rto,
            retransmits: 0,
            next_retransmit: None,
            deadline_at: now + opts.deadline,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        };
        let rrq = machine.encode_rrq()?;
        machine.send_to_server(server, rrq, now);
        Ok(machine)
    }

    fn encode_rrq(&self) -> Result<Vec<u8>, TftpError> {
        let packet = Packet::Rrq(Request {
            filename: self.file.clone(),
            mode: "octet".into(),
            options: self.requested.clone(),
        });
        let bytes = packet
            .encode()
            .map_err(|e| self.error(TftpErrorKind::InvalidRequest(e.to_string())))?;
        if bytes.len() > MAX_REQUEST_LEN {
            return Err(self.error(TftpErrorKind::InvalidRequest(format!(
                "request of {} bytes exceeds {MAX_REQUEST_LEN} (file name too long)",
                bytes.len()
            ))));
        }
        Ok(bytes)
    }

    /// The next datagram to send, if any.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next (a retransmission or
    /// the overall deadline); `None` once the transfer is over.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Requesting | Phase::Receiving => Some(match self.next_retransmit {
                Some(at) => at.min(self.deadline_at),
                None => self.deadline_at,
            }),
            Phase::Done | Phase::Failed => None,
        }
    }

    /// True once the transfer completed or failed.
    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Done | Phase::Failed)
    }

    /// Bytes received so far (the whole file after [`Event::Done`]).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Moves the received bytes out of the machine.
    pub fn take_data(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.data)
    }

    /// The parameters in effect (RFC 1350 defaults until the server's first reply).
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated
    }

    /// The server's transfer ID once latched.
    pub fn transfer_id(&self) -> Option<SocketAddr> {
        self.tid
    }

    /// Handles a timer tick: retransmits the last packet when its timeout passed, fails when
    /// retries are exhausted or the deadline passed.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.is_finished() {
            return;
        }
        if now >= self.deadline_at {
            self.fail_deadline();
            return;
        }
        let Some(at) = self.next_retransmit else {
            return;
        };
        if now < at {
            return;
        }
        if self.retransmits >= self.opts.retries {
            let kind = TftpErrorKind::TimedOut {
                attempts: self.retransmits.saturating_add(1),
                received: self.data.len() as u64,
                server_responded: self.server_responded,
            };
            self.fail(kind, None);
            return;
        }
        self.retransmits += 1;
        self.rto = (self.rto * 2).min(MAX_RTO);
        self.recovery_acked = false;
        if let Some(last) = self.last_sent.clone() {
            tracing::debug!(
                server = %self.server,
                file = %self.file,
                retransmit = self.retransmits,
                "TFTP retransmission"
            );
            self.transmits.push_back(last);
        }
        self.next_retransmit = Some(now + self.rto);
    }

    /// Handles one received datagram from `from`. Never panics, whatever the bytes.
    pub fn handle_packet(&mut self, from: SocketAddr, bytes: &[u8], now: Instant) {
        match self.phase {
            Phase::Failed => return,
            Phase::Done => {
                self.handle_after_done(from, bytes);
                return;
            }
            Phase::Requesting | Phase::Receiving => {}
        }
        if now >= self.deadline_at {
            self.fail_deadline();
            return;
        }
        if self.stale_tid == Some(from) {
            return;
        }
        let known = match self.tid {
            Some(tid) => tid == from,
            None => from.ip() == self.server.ip(),
        };
        if !known {
            self.answer_stranger(from, bytes);
            return;
        }
        let packet = match Packet::decode(bytes) {
            Ok(packet) => packet,
            Err(error) => {
                tracing::debug!(%from, %error, "ignoring malformed TFTP packet");
                self.events.push_back(Event::Malformed(error));
                return;
            }
        };
        match packet {
            Packet::Error { code, message } => self.on_error(from, code, &message, now),
            Packet::Oack(options) => self.on_oack(from, &options, now),
            Packet::Data { block, data } => {
                if self.phase == Phase::Requesting {
                    if block != 1 {
                        // Not a valid first reply; do not latch on it.
                        return;
                    }
                    self.latch(from);
                    self.negotiated = Negotiated::PLAIN;
                    self.phase = Phase::Receiving;
                    self.events.push_back(Event::Negotiated(self.negotiated));
                }
                self.on_data(block, data, now);
            }
            other => {
                if self.tid.is_none() {
                    return;
                }
                let violation = ProtocolViolation::UnexpectedPacket(other.opcode());
                self.fail(
                    TftpErrorKind::Protocol(violation),
                    Some((ErrorCode::ILLEGAL_OPERATION, "Illegal TFTP operation")),
                );
            }
        }
    }

    fn handle_after_done(&mut self, from: SocketAddr, bytes: &[u8]) {
        if self.tid != Some(from) {
            self.answer_stranger(from, bytes);
            return;
        }
        // The server lost our final ACK and sent the last block again: acknowledge it again.
        if let Ok(Packet::Data { block, .. }) = Packet::decode(bytes)
            && block == self.last_block
        {
            self.transmits.push_back(Transmit {
                to: from,
                payload: encode_ack(block),
            });
        }
    }

    fn answer_stranger(&mut self, from: SocketAddr, bytes: &[u8]) {
        tracing::debug!(%from, server = %self.server, "TFTP packet from an unknown transfer ID");
        self.events.push_back(Event::Stranger(from));
        // Never answer an ERROR with an ERROR: two confused peers would ping-pong forever.
        if matches!(Packet::decode(bytes), Ok(Packet::Error { .. })) {
            return;
        }
        self.transmits.push_back(Transmit {
            to: from,
            payload: encode_error(ErrorCode::UNKNOWN_TID, "Unknown transfer ID"),
        });
    }

    fn latch(&mut self, from: SocketAddr) {
        if self.tid.is_none() {
            tracing::trace!(%from, "TFTP transfer ID latched");
            self.tid = Some(from);
        }
        self.server_responded = true;
    }

    fn on_error(&mut self, from: SocketAddr, code: ErrorCode, message: &str, now: Instant) {
        self.server_responded = true;
        if self.phase == Phase::Requesting
            && code == ErrorCode::OPTION_REFUSED
            && !self.requested.is_empty()
            && !self.fell_back
        {
            tracing::debug!(server = %self.server, file = %self.file, "options refused; retrying without");
            self.fell_back = true;
            self.requested.clear();
            // Servers answer from a fresh port; one answering from its well-known port will
            // answer the new request from there too, so that port must stay acceptable.
            self.stale_tid = (from != self.server).then_some(from);
            self.tid = None;
            self.retransmits = 0;
            self.rto = self.opts.initial_rto;
            self.events.push_back(Event::RetryingWithoutOptions);
            match self.encode_rrq() {
                Ok(rrq) => self.send_to_server(self.server, rrq, now),
                Err(error) => self.fail_with(error),
            }
            return;
        }
        let kind = TftpErrorKind::Remote {
            code,
            message: sanitize_message(message, code),
        };
        // The server ended the transfer; it expects no answer.
        self.fail(kind, None);
    }

    fn on_oack(&mut self, from: SocketAddr, options: &[TftpOption], now: Instant) {
        match self.phase {
            Phase::Requesting => {}
            Phase::Receiving if self.oack_received && self.blocks == 0 => {
                // Our ACK 0 was lost and the server repeated its OACK.
                self.send_ack(0, now);
                return;
            }
            // A stray OACK once data flows: ignore it.
            _ => return,
        }
        self.latch(from);
        if self.requested.is_empty() {
            self.fail(
                TftpErrorKind::Protocol(ProtocolViolation::UnsolicitedOack),
                Some((ErrorCode::OPTION_REFUSED, "no options were requested")),
            );
            return;
        }
        let negotiated = match negotiate(&self.requested, options) {
            Ok(negotiated) => negotiated,
            Err(reason) => {
                self.fail(
                    TftpErrorKind::Protocol(ProtocolViolation::BadOack(reason)),
                    Some((
                        ErrorCode::OPTION_REFUSED,
                        "unacceptable option acknowledgement",
                    )),
                );
                return;
            }
        };
        self.negotiated = negotiated;
        self.oack_received = true;
        self.events.push_back(Event::Negotiated(negotiated));
        if let Some(size) = negotiated.tsize
            && size > self.opts.max_size
        {
            self.fail(
                TftpErrorKind::TooLarge {
                    announced: Some(size),
                    cap: self.opts.max_size,
                },
                Some((ErrorCode::DISK_FULL, "file exceeds the client's size cap")),
            );
            return;
        }
        self.phase = Phase::Receiving;
        self.send_ack(0, now);
    }

    fn on_data(&mut self, block: u16, data: &[u8], now: Instant) {
        let blksize = self.negotiated.blksize;
        let window = self.negotiated.windowsize.max(1);
        let expected = self.last_block.wrapping_add(1);
        if block != expected {
            self.on_unexpected_block(block, window, now);
            return;
        }
        if data.len() > usize::from(blksize) {
            let violation = ProtocolViolation::OversizedBlock {
                block: self.blocks + 1,
                len: data.len(),
                blksize,
            };
            self.fail(
                TftpErrorKind::Protocol(violation),
                Some((ErrorCode::ILLEGAL_OPERATION, "block larger than blksize")),
            );
            return;
        }
        let total = self.data.len() as u64 + data.len() as u64;
        if total > self.opts.max_size {
            self.fail(
                TftpErrorKind::TooLarge {
                    announced: None,
                    cap: self.opts.max_size,
                },
                Some((ErrorCode::DISK_FULL, "file exceeds the client's size cap")),
            );
            return;
        }
        self.data.extend_from_slice(data);
        self.last_block = block;
        self.blocks += 1;
        self.since_ack = self.since_ack.saturating_add(1);
        self.retransmits = 0;
        self.rto = self.opts.initial_rto;
        self.recovery_acked = false;
        self.events.push_back(Event::Appended {
            block: self.blocks,
            len: data.len(),
            total,
        });

        if data.len() < usize::from(blksize) {
            self.send_ack(block, now);
            self.next_retransmit = None;
            if let Some(announced) = self.negotiated.tsize
                && announced != total
            {
                let violation = ProtocolViolation::SizeMismatch {
                    announced,
                    received: total,
                };
                self.fail(TftpErrorKind::Protocol(violation), None);
                return;
            }
            self.phase = Phase::Done;
            self.events.push_back(Event::Done);
        } else if self.since_ack >= window {
            self.send_ack(block, now);
        } else {
            // Mid-window: data is flowing, so push the retransmission timer out.
            self.next_retransmit = Some(now + self.rto);
        }
    }

    fn on_unexpected_block(&mut self, block: u16, window: u16, now: Instant) {
        if self.blocks == 0 && !self.oack_received {
            return;
        }
        let behind = self.last_block.wrapping_sub(block);
        let ahead = block.wrapping_sub(self.last_block.wrapping_add(1));
        if behind < window {
            // A block we already have: the server did not get our ACK. Acknowledge again (once
            // per retransmitted window), never append.
            if self.blocks == 0 {
                return;
            }
            if window == 1 || !self.recovery_acked {
                self.recovery_acked = window > 1;
                self.send_ack(self.last_block, now);
            }
        } else if window > 1 && ahead < window && !self.recovery_acked {
            // A gap inside the window (RFC 7440): ask the server to resume after our last
            // in-order block.
            self.recovery_acked = true;
            self.send_ack(self.last_block, now);
        }
    }

    fn send_ack(&mut self, block: u16, now: Instant) {
        let Some(tid) = self.tid else {
            return;
        };
        self.since_ack = 0;
        self.send_to_server(tid, encode_ack(block), now);
    }

    fn send_to_server(&mut self, to: SocketAddr, payload: Vec<u8>, now: Instant) {
        let transmit = Transmit { to, payload };
        self.last_sent = Some(transmit.clone());
        self.transmits.push_back(transmit);
        self.next_retransmit = Some(now + self.rto);
    }

    fn fail_deadline(&mut self) {
        let kind = TftpErrorKind::DeadlineExceeded {
            deadline: self.opts.deadline,
            received: self.data.len() as u64,
            server_responded: self.server_responded,
        };
        self.fail(
            kind,
            Some((ErrorCode::NOT_DEFINED, "transfer deadline exceeded")),
        );
    }

    /// Fails the transfer; `notify` sends an ERROR to the server's transfer ID, if latched.
    fn fail(&mut self, kind: TftpErrorKind, notify: Option<(ErrorCode, &str)>) {
        if let (Some((code, message)), Some(tid)) = (notify, self.tid) {
            self.transmits.push_back(Transmit {
                to: tid,
                payload: encode_error(code, message),
            });
        }
        let error = self.error(kind);
        self.fail_with(error);
    }

    fn fail_with(&mut self, error: TftpError) {
        self.phase = Phase::Failed;
        self.next_retransmit = None;
        self.events.push_back(Event::Failed(error));
    }

    fn error(&self, kind: TftpErrorKind) -> TftpError {
        TftpError::new(self.server, self.file.as_str(), kind)
    }
}

/// Checks an OACK against the request: only requested options, values in range.
fn negotiate(requested: &[TftpOption], oack: &[TftpOption]) -> Result<Negotiated, String> {
    let asked = |name: &str| {
        requested
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
            .map(|o| o.value.as_str())
    };
    let mut negotiated = Negotiated {
        via_oack: true,
        ..Negotiated::PLAIN
    };
    let mut seen: Vec<String> = Vec::new();
    for option in oack {
        let name = option.name.to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(format!("option {name} repeated"));
        }
        let Some(asked_value) = asked(&name) else {
            return Err(format!("option {:?} was not requested", option.name));
        };
        let value = option.value.trim();
        let bad = || format!("{name}={:?} out of range", option.value);
        match name.as_str() {
            "blksize" => {
                let max: u16 = asked_value.parse().map_err(|_| bad())?;
                let size: u16 = value.parse().map_err(|_| bad())?;
                if !(MIN_BLKSIZE..=max).contains(&size) {
                    return Err(bad());
                }
                negotiated.blksize = size;
            }
            "tsize" => negotiated.tsize = Some(value.parse().map_err(|_| bad())?),
            "timeout" => {
                let secs: u8 = value.parse().map_err(|_| bad())?;
                if secs == 0 {
                    return Err(bad());
                }
                negotiated.timeout_secs = Some(secs);
            }
            "windowsize" => {
                let max: u16 = asked_value.parse().map_err(|_| bad())?;
                let size: u16 = value.parse().map_err(|_| bad())?;
                if !(1..=max).contains(&size) {
                    return Err(bad());
                }
                negotiated.windowsize = size;
            }
            _ => return Err(format!("option {:?} was not requested", option.name)),
        }
        seen.push(name);
    }
    Ok(negotiated)
}

#[cfg(test)]
mod tests;
