//! Sans-io state machine of one interactive admin-CLI shell (`cucm-interfaces.md` §6.1,
//! §6.5).
//!
//! The machine owns no channel and never reads the clock. Its user:
//!
//! 1. creates it with [`Shell::new`] once the PTY and shell are open;
//! 2. sends everything [`Shell::poll_transmit`] yields (keystrokes);
//! 3. handles everything [`Shell::poll_event`] yields;
//! 4. waits for data or for [`Shell::poll_timeout`], then calls [`Shell::handle_data`],
//!    [`Shell::handle_timeout`] or [`Shell::handle_closed`], and loops;
//! 5. once [`Event::Ready`] arrived, calls [`Shell::start`] for one command at a time and
//!    waits for [`Event::Finished`] or [`Event::Failed`].
//!
//! Rules it enforces:
//!
//! * Start-up: banner lines are read until the prompt (the unfinished last line matching the
//!   prompt rule of [`recognise::prompt`]). Exactly one newline is sent, and only if the
//!   `Welcome to the Platform Command Line Interface` line was seen and nothing arrived for
//!   [`ShellOptions::nudge_after`] without a prompt; never otherwise. No prompt within
//!   [`ShellOptions::startup_budget`] fails the session.
//! * `set cli pagination off` is sent first. A privilege refusal or a failure marker is not
//!   an error: [`Event::Ready`] says pagination is still on and pager prompts are answered.
//! * One command at a time; the command line is typed whole, followed by one `\n`. Nothing
//!   else is ever typed except pager answers and the expected confirmation: never a newline
//!   "to nudge", never Ctrl-C.
//! * Pagers: `Press <enter> … <q> to quit` → a space; `(lines A - B of C)` → `n` while
//!   `B < C`, then `q`. The pager line is removed from the output.
//! * Confirmations: only the one the command is expected to ask
//!   ([`Command::expected_confirmation`]), once, typed one character at a time with
//!   [`ShellOptions::keystroke_delay`] between keystrokes (some prompts drop fast input), then
//!   `\n`. Any other confirmation is declined (`no`/`n`) and the command fails with
//!   [`SshErrorKind::UnexpectedConfirmation`] when the prompt returns (or at its deadline).
//! * Failure markers and privilege refusals in the output fail the command when the prompt
//!   returns; the session stays usable.
//! * A command's deadline (its default timeout unless overridden) fails the session: the
//!   command may still be running, so nothing more can be typed.
//! * Output is capped at [`ShellOptions::max_output`] bytes (the session fails beyond).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use itl_wire::admin_cli::recognise::{self, Banner, Confirmation, Pager};
use itl_wire::admin_cli::text::Cleaner;
use itl_wire::admin_cli::{Command, FailureMarker};

use super::error::SshErrorKind;

/// Settings of the shell machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellOptions {
    /// Time from the shell opening to the first prompt (§6.5: field tools wait up to 120 s).
    pub startup_budget: Duration,
    /// Quiet time after the Welcome line without a prompt before the one newline is sent.
    pub nudge_after: Duration,
    /// Delay between the keystrokes of a confirmation answer (§6.5: 0.5 s).
    pub keystroke_delay: Duration,
    /// Send `set cli pagination off` first.
    pub pagination_off: bool,
    /// Largest output of one command, in bytes.
    pub max_output: usize,
}

impl Default for ShellOptions {
    /// 120 s start-up, 5 s nudge, 0.5 s keystrokes, pagination off, 16 MiB.
    fn default() -> Self {
        Self {
            startup_budget: Duration::from_secs(120),
            nudge_after: Duration::from_secs(5),
            keystroke_delay: Duration::from_millis(500),
            pagination_off: true,
            max_output: 16 * 1024 * 1024,
        }
    }
}

/// A finished command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOutput {
    /// The command line typed.
    pub command: String,
    /// Cleaned output lines, without the echoed command and the final prompt; text left
    /// before the prompt on its line is the last line.
    pub lines: Vec<String>,
    /// Pager prompts answered.
    pub pages: u32,
    /// The confirmation answered, if any.
    pub confirmed: Option<Confirmation>,
}

impl CommandOutput {
    /// The lines joined with `\n` (what the parsers take).
    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// Something that happened in the shell.
#[derive(Debug)]
pub enum Event {
    /// The one newline after the Welcome line was sent.
    Nudged,
    /// The prompt appeared and the session is ready for commands.
    Ready {
        /// The prompt name (`admin`).
        prompt: String,
        /// Start-up banner lines (version, hardware…).
        banner: Vec<String>,
        /// Whether `set cli pagination off` was accepted.
        pagination_off: bool,
    },
    /// A pager prompt was answered.
    Pager(Pager),
    /// The expected confirmation is being answered.
    Confirming(Confirmation),
    /// A command finished.
    Finished(CommandOutput),
    /// A command or the session failed; [`Shell::is_ready`] says whether another command
    /// may be started.
    Failed(SshErrorKind),
}

#[derive(Debug)]
enum Phase {
    Starting { welcome: bool, nudged: bool },
    Running(Box<Running>),
    Ready,
    Dead,
}

#[derive(Debug)]
struct Running {
    line: String,
    internal: bool,
    deadline: Instant,
    timeout: Duration,
    pages: u32,
    expected: Option<Confirmation>,
    confirmed: Option<Confirmation>,
    unexpected: Option<(Confirmation, String)>,
    /// Number of complete lines when a confirmation was last answered (no second answer
    /// to the same question).
    answered_at_line: Option<usize>,
    marker: Option<FailureMarker>,
    refused: Option<String>,
    /// The echo of the command line was seen (the prompt that ends the command can only
    /// follow it).
    echoed: bool,
}

/// One keystroke batch due at a time.
#[derive(Debug)]
struct Keystroke {
    at: Instant,
    bytes: Vec<u8>,
}

/// The shell. See the [module documentation](self).
#[derive(Debug)]
pub struct Shell {
    options: ShellOptions,
    phase: Phase,
    cleaner: Cleaner,
    /// Cleaned text of the current phase (start-up or command).
    buffer: String,
    /// Complete lines in `buffer`.
    complete_lines: usize,
    /// Where scanning of complete lines resumes.
    scanned: usize,
    prompt: Option<String>,
    pagination_off: bool,
    banner: Vec<String>,
    startup_deadline: Instant,
    last_data: Instant,
    keystrokes: VecDeque<Keystroke>,
    transmits: VecDeque<Vec<u8>>,
    events: VecDeque<Event>,
}

impl Shell {
    /// A shell just opened at `now`, waiting for the start-up banner and the prompt.
    pub fn new(options: ShellOptions, now: Instant) -> Self {
        Self {
            startup_deadline: now + options.startup_budget,
            options,
            phase: Phase::Starting {
                welcome: false,
                nudged: false,
            },
            cleaner: Cleaner::new(),
            buffer: String::new(),
            complete_lines: 0,
            scanned: 0,
            prompt: None,
            pagination_off: false,
            banner: Vec::new(),
            last_data: now,
            keystrokes: VecDeque::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// Whether a command may be started.
    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready)
    }

    /// Whether the session can no longer be used.
    pub fn is_dead(&self) -> bool {
        matches!(self.phase, Phase::Dead)
    }

    /// The prompt name, once seen.
    pub fn prompt(&self) -> Option<&str> {
        self.prompt.as_deref()
    }

    /// Bytes to send, in order.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Shell::handle_timeout`] must be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let key = self.keystrokes.front().map(|k| k.at);
        let phase = match &self.phase {
            Phase::Starting { welcome, nudged } => {
                let nudge =
                    (*welcome && !*nudged).then(|| self.last_data + self.options.nudge_after);
                Some(nudge.map_or(self.startup_deadline, |n| n.min(self.startup_deadline)))
            }
            Phase::Running(r) => Some(r.deadline),
            Phase::Ready | Phase::Dead => None,
        };
        [key, phase].into_iter().flatten().min()
    }

    /// Starts `command` with its default timeout, or `timeout` when given.
    pub fn start(
        &mut self,
        command: &Command,
        timeout: Option<Duration>,
        now: Instant,
    ) -> Result<(), SshErrorKind> {
        match self.phase {
            Phase::Ready => {}
            Phase::Dead => return Err(SshErrorKind::NotReady("the session has failed")),
            Phase::Starting { .. } => return Err(SshErrorKind::NotReady("still starting")),
            Phase::Running(_) => {
                return Err(SshErrorKind::NotReady("another command is running"));
            }
        }
        let line = command.render()?;
        self.begin(Some(command.clone()), line, false, timeout, now);
        Ok(())
    }

    fn begin(
        &mut self,
        command: Option<Command>,
        line: String,
        internal: bool,
        timeout: Option<Duration>,
        now: Instant,
    ) {
        let timeout = timeout
            .or_else(|| command.as_ref().map(Command::default_timeout))
            .unwrap_or(Duration::from_secs(60));
        let expected = command.as_ref().and_then(Command::expected_confirmation);
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        self.transmits.push_back(bytes);
        self.reset_buffer();
        self.phase = Phase::Running(Box::new(Running {
            line,
            internal,
            deadline: now + timeout,
            timeout,
            pages: 0,
            expected,
            confirmed: None,
            unexpected: None,
            answered_at_line: None,
            marker: None,
            refused: None,
            echoed: false,
        }));
    }

    fn reset_buffer(&mut self) {
        self.buffer.clear();
        self.complete_lines = 0;
        self.scanned = 0;
    }

    /// Handles received bytes. Never panics, whatever the bytes.
    pub fn handle_data(&mut self, bytes: &[u8], now: Instant) {
        if matches!(self.phase, Phase::Dead) {
            return;
        }
        self.last_data = now;
        let text = self.cleaner.feed(bytes);
        if matches!(self.phase, Phase::Ready) {
            // Unsolicited output between commands (a broadcast message): ignored.
            return;
        }
        self.buffer.push_str(&text);
        if self.buffer.len() > self.options.max_output {
            let command = self.running_line().unwrap_or_default();
            let limit = self.options.max_output;
            self.die(SshErrorKind::OutputTooLarge { command, limit });
            return;
        }
        self.scan_lines();
        self.check_tail(now);
    }

    fn running_line(&self) -> Option<String> {
        match &self.phase {
            Phase::Running(r) => Some(r.line.clone()),
            _ => None,
        }
    }

    /// Looks at complete lines not yet scanned: banners, failure markers, refusals.
    fn scan_lines(&mut self) {
        let Some(last_newline) = self.buffer.rfind('\n') else {
            return;
        };
        if last_newline < self.scanned {
            return;
        }
        let fresh = self
            .buffer
            .get(self.scanned..=last_newline)
            .unwrap_or_default();
        let mut lines = 0;
        let mut welcome = false;
        let mut marker = None;
        let mut refused = None;
        for line in fresh.split_terminator('\n') {
            lines += 1;
            if recognise::banner(line) == Some(Banner::Welcome) {
                welcome = true;
            }
            if marker.is_none() {
                marker = recognise::failure_marker(line);
            }
            if refused.is_none() && recognise::privilege_refused(line) {
                refused = Some(line.trim().to_owned());
            }
        }
        self.complete_lines += lines;
        self.scanned = last_newline + 1;
        match &mut self.phase {
            Phase::Starting { welcome: w, .. } => *w |= welcome,
            Phase::Running(r) => {
                if !r.echoed {
                    r.echoed = echo_end(&self.buffer, &r.line).is_some();
                }
                if r.marker.is_none() {
                    r.marker = marker;
                }
                if r.refused.is_none() {
                    r.refused = refused;
                }
            }
            Phase::Ready | Phase::Dead => {}
        }
    }

    fn tail(&self) -> &str {
        match self.buffer.rfind('\n') {
            Some(i) => self.buffer.get(i + 1..).unwrap_or_default(),
            None => &self.buffer,
        }
    }

    fn check_tail(&mut self, now: Instant) {
        let tail = self.tail().to_owned();
        if tail.trim().is_empty() {
            return;
        }
        match &self.phase {
            Phase::Starting { .. } => {
                if let Some(m) = recognise::prompt(&tail, None) {
                    self.on_startup_prompt(m.name, now);
                }
            }
            Phase::Running(_) => self.check_running_tail(&tail, now),
            Phase::Ready | Phase::Dead => {}
        }
    }

    fn on_startup_prompt(&mut self, name: String, now: Instant) {
        self.banner = self
            .buffer
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .filter(|l| recognise::bare_prompt(l).is_none())
            .map(str::to_owned)
            .collect();
        self.prompt = Some(name);
        if self.options.pagination_off {
            let line = Command::PaginationOff.render().unwrap_or_default();
            self.begin(Some(Command::PaginationOff), line, true, None, now);
        } else {
            self.reset_buffer();
            self.become_ready();
        }
    }

    fn become_ready(&mut self) {
        self.phase = Phase::Ready;
        self.events.push_back(Event::Ready {
            prompt: self.prompt.clone().unwrap_or_default(),
            banner: self.banner.clone(),
            pagination_off: self.pagination_off,
        });
    }

    fn check_running_tail(&mut self, tail: &str, now: Instant) {
        let known = self.prompt.clone();
        let echoed = matches!(&self.phase, Phase::Running(r) if r.echoed);
        if echoed && let Some(m) = recognise::prompt(tail, known.as_deref()) {
            self.finish(m.leftover);
            return;
        }
        if let Some(pager) = recognise::pager(tail) {
            // Remove the pager text from the output and answer it.
            let cut = self.buffer.len() - tail.len();
            self.buffer.truncate(cut);
            self.transmits.push_back(pager.answer().as_bytes().to_vec());
            if let Phase::Running(r) = &mut self.phase {
                r.pages += 1;
            }
            self.events.push_back(Event::Pager(pager));
            return;
        }
        let Some(found) = recognise::confirmation(tail) else {
            return;
        };
        let lines = self.complete_lines;
        let delay = self.options.keystroke_delay;
        let Phase::Running(r) = &mut self.phase else {
            return;
        };
        if r.answered_at_line == Some(lines) {
            return;
        }
        r.answered_at_line = Some(lines);
        if r.expected == Some(found) && r.confirmed.is_none() && r.unexpected.is_none() {
            r.confirmed = Some(found);
            let mut at = now;
            for c in found.answer().bytes() {
                self.keystrokes.push_back(Keystroke { at, bytes: vec![c] });
                at += delay;
            }
            self.keystrokes.push_back(Keystroke {
                at,
                bytes: b"\n".to_vec(),
            });
            self.events.push_back(Event::Confirming(found));
            self.flush_keystrokes(now);
        } else {
            if r.unexpected.is_none() {
                r.unexpected = Some((found, tail.trim().to_owned()));
            }
            let mut bytes = found.decline().as_bytes().to_vec();
            bytes.push(b'\n');
            self.transmits.push_back(bytes);
        }
    }

    fn finish(&mut self, leftover: String) {
        let phase = std::mem::replace(&mut self.phase, Phase::Ready);
        let Phase::Running(r) = phase else {
            self.phase = phase;
            return;
        };
        self.keystrokes.clear();
        // Drop everything up to the end of the echoed command line.
        let skip = echo_end(&self.buffer, &r.line).map_or(0, |i| i + 1);
        let mut lines: Vec<String> = self
            .buffer
            .lines()
            .take(self.complete_lines)
            .skip(skip)
            .map(|l| l.trim_end().to_owned())
            .collect();
        if !leftover.is_empty() {
            lines.push(leftover);
        }
        self.reset_buffer();
        if r.internal {
            // `set cli pagination off`: carry on whatever it said.
            self.pagination_off = r.refused.is_none()
                && r.marker.is_none()
                && lines.iter().any(|l| recognise::pagination_off(l));
            self.become_ready();
            return;
        }
        let command = r.line.clone();
        let error = if let Some((found, line)) = r.unexpected {
            Some(SshErrorKind::UnexpectedConfirmation {
                command,
                found,
                expected: r.expected,
                line,
            })
        } else if let Some(line) = r.refused {
            Some(SshErrorKind::PrivilegeInsufficient { command, line })
        } else {
            r.marker.map(|marker| SshErrorKind::FailureMarker {
                command,
                marker,
                lines: lines.clone(),
            })
        };
        self.phase = Phase::Ready;
        match error {
            Some(e) => self.events.push_back(Event::Failed(e)),
            None => self.events.push_back(Event::Finished(CommandOutput {
                command: r.line,
                lines,
                pages: r.pages,
                confirmed: r.confirmed,
            })),
        }
    }

    fn flush_keystrokes(&mut self, now: Instant) {
        while let Some(k) = self.keystrokes.front() {
            if k.at > now {
                break;
            }
            if let Some(k) = self.keystrokes.pop_front() {
                self.transmits.push_back(k.bytes);
            }
        }
    }

    /// Handles the passing of time: keystrokes due, the nudge, deadlines.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.flush_keystrokes(now);
        match &mut self.phase {
            Phase::Starting { welcome, nudged } => {
                if now >= self.startup_deadline {
                    let saw_welcome = *welcome;
                    let last_line = last_line(&self.buffer);
                    self.die(SshErrorKind::StartupTimeout {
                        waited: self.options.startup_budget,
                        saw_welcome,
                        last_line,
                    });
                } else if *welcome && !*nudged && now >= self.last_data + self.options.nudge_after {
                    *nudged = true;
                    self.transmits.push_back(b"\n".to_vec());
                    self.events.push_back(Event::Nudged);
                }
            }
            Phase::Running(r) if now >= r.deadline => {
                let error = match r.unexpected.take() {
                    Some((found, line)) => SshErrorKind::UnexpectedConfirmation {
                        command: r.line.clone(),
                        found,
                        expected: r.expected,
                        line,
                    },
                    None => SshErrorKind::CommandTimeout {
                        command: r.line.clone(),
                        waited: r.timeout,
                        last_line: last_line(&self.buffer),
                    },
                };
                self.die(error);
            }
            _ => {}
        }
    }

    /// The channel closed (EOF, close, or the connection dropped).
    pub fn handle_closed(&mut self) {
        let command = match &self.phase {
            Phase::Dead | Phase::Ready => {
                self.phase = Phase::Dead;
                return;
            }
            Phase::Starting { .. } => None,
            Phase::Running(r) => Some(r.line.clone()),
        };
        self.die(SshErrorKind::SessionDropped { command });
    }

    fn die(&mut self, error: SshErrorKind) {
        self.phase = Phase::Dead;
        self.keystrokes.clear();
        self.events.push_back(Event::Failed(error));
    }
}

/// The index of the complete line where the echo of `command` ends (the terminal may wrap a
/// long echo over several lines); `None` before it is complete.
fn echo_end(buffer: &str, command: &str) -> Option<usize> {
    let mut joined = String::new();
    let complete = buffer
        .rfind('\n')
        .map_or("", |i| buffer.get(..i).unwrap_or_default());
    for (i, line) in complete.split('\n').enumerate() {
        joined.push_str(line.trim_end_matches(' '));
        if joined.contains(command) {
            return Some(i);
        }
        if joined.len() > command.len() * 4 + 4096 {
            return None;
        }
    }
    None
}

fn last_line(buffer: &str) -> String {
    let line = buffer
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    let mut end = line.len().min(200);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests;
