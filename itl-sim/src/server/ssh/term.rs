//! The terminal side of one shell channel: line input with echo (as a PTY echoes), single
//! keys for pagers and output with `\r\n` line ends.

use russh::server::Msg;
use russh::{Channel, ChannelMsg};

/// Longest input line accepted (the rest is dropped).
const MAX_LINE: usize = 8192;

/// One shell channel.
pub struct Term {
    channel: Channel<Msg>,
    pending: Vec<u8>,
    /// The previous key was `\r` (a following `\n` belongs to it).
    after_cr: bool,
    /// PTY rows (24 until the client says otherwise).
    pub rows: u32,
    /// Whether a shell was requested.
    pub shell: bool,
}

/// What [`Term::line`] read.
pub enum Input {
    /// A line (without its end).
    Line(String),
    /// Ctrl-C: the line was discarded.
    Interrupted,
    /// The channel closed, or Ctrl-D on an empty line.
    Closed,
}

impl Term {
    /// Wraps an accepted session channel.
    pub fn new(channel: Channel<Msg>) -> Self {
        Self {
            channel,
            pending: Vec::new(),
            after_cr: false,
            rows: 24,
            shell: false,
        }
    }

    /// Waits for the shell request (recording the PTY size); `false` if the channel closed
    /// first.
    pub async fn wait_for_shell(&mut self) -> bool {
        while !self.shell {
            match self.channel.wait().await {
                Some(ChannelMsg::RequestPty { row_height, .. }) => {
                    if row_height > 0 {
                        self.rows = row_height;
                    }
                }
                Some(ChannelMsg::RequestShell { .. }) => self.shell = true,
                Some(ChannelMsg::Data { data }) => self.pending.extend_from_slice(&data),
                Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => return false,
                Some(_) => {}
            }
        }
        true
    }

    /// Sends text, turning `\n` into `\r\n`.
    pub async fn send(&self, text: &str) {
        let bytes = text.replace('\n', "\r\n").into_bytes();
        let _ = self.channel.data_bytes(bytes).await;
    }

    /// Sends lines, each followed by `\r\n`.
    pub async fn send_lines(&self, lines: &[String]) {
        let mut text = String::new();
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.send(&text).await;
    }

    async fn raw(&self, bytes: &[u8]) {
        let _ = self.channel.data_bytes(bytes.to_vec()).await;
    }

    /// The next input byte; `None` when the channel closed.
    pub async fn byte(&mut self) -> Option<u8> {
        loop {
            if !self.pending.is_empty() {
                return Some(self.pending.remove(0));
            }
            match self.channel.wait().await? {
                ChannelMsg::Data { data } => self.pending.extend_from_slice(&data),
                ChannelMsg::WindowChange { row_height, .. } if row_height > 0 => {
                    self.rows = row_height;
                }
                ChannelMsg::Eof | ChannelMsg::Close => return None,
                _ => {}
            }
        }
    }

    /// One key for a pager (not echoed); `\r\n` counts as one key.
    pub async fn key(&mut self) -> Option<u8> {
        loop {
            let b = self.byte().await?;
            let skip = self.after_cr && b == b'\n';
            self.after_cr = b == b'\r';
            if !skip {
                return Some(b);
            }
        }
    }

    /// A line, echoed; backspace edits, Ctrl-C discards, Ctrl-D on an empty line closes.
    pub async fn line(&mut self) -> Input {
        let mut line: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.byte().await else {
                return Input::Closed;
            };
            let skip = self.after_cr && b == b'\n';
            self.after_cr = b == b'\r';
            match b {
                _ if skip => {}
                b'\r' | b'\n' => {
                    self.raw(b"\r\n").await;
                    return Input::Line(String::from_utf8_lossy(&line).into_owned());
                }
                0x03 => {
                    self.raw(b"^C\r\n").await;
                    return Input::Interrupted;
                }
                0x04 if line.is_empty() => return Input::Closed,
                0x7f | 0x08 if !line.is_empty() => {
                    line.pop();
                    self.raw(b"\x08 \x08").await;
                }
                0x20..=0x7e | 0x80..=0xff if line.len() < MAX_LINE => {
                    line.push(b);
                    self.raw(&[b]).await;
                }
                _ => {}
            }
        }
    }

    /// Closes the channel (after the exit status, as a shell does).
    pub async fn close(&self) {
        let _ = self.channel.exit_status(0).await;
        let _ = self.channel.eof().await;
        let _ = self.channel.close().await;
    }
}
