//! `--color auto|always|never` and `NO_COLOR`: decided once in `main` for standard output and
//! standard error, then handed to what prints (tables, the progress bar, log lines).
//!
//! | `--color` | `NO_COLOR` (non-empty) | a stream is coloured when |
//! |---|---|---|
//! | `never` | any | never |
//! | `always` | any | always |
//! | `auto` (default) | set | never |
//! | `auto` | unset or empty | it is a terminal |

use std::borrow::Cow;
use std::io::IsTerminal;

/// When to colour the output (`--color`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorWhen {
    /// When the stream is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always, even into a file or a pipe (and despite `NO_COLOR`).
    Always,
    /// Never.
    Never,
}

/// Whether standard output and standard error are coloured, decided once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colors {
    /// Standard output (tables).
    pub stdout: bool,
    /// Standard error (log lines, the progress bar).
    pub stderr: bool,
}

impl Colors {
    /// The rule of the module table: `no_color` is the value of `NO_COLOR`, the two flags
    /// whether the streams are terminals.
    pub fn resolve(
        when: ColorWhen,
        no_color: Option<&str>,
        stdout_terminal: bool,
        stderr_terminal: bool,
    ) -> Self {
        let auto = no_color.is_none_or(str::is_empty);
        match when {
            ColorWhen::Never => Self::both(false),
            ColorWhen::Always => Self::both(true),
            ColorWhen::Auto => Self {
                stdout: auto && stdout_terminal,
                stderr: auto && stderr_terminal,
            },
        }
    }

    /// [`resolve`](Self::resolve) for this process: its `NO_COLOR` and its streams.
    pub fn detect(when: ColorWhen) -> Self {
        let no_color = std::env::var_os("NO_COLOR");
        let no_color = no_color.as_ref().map(|v| v.to_str().unwrap_or("non-empty"));
        Self::resolve(
            when,
            no_color,
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        )
    }

    fn both(on: bool) -> Self {
        Self {
            stdout: on,
            stderr: on,
        }
    }

    /// Tells the terminal library under the progress bars (console, used by indicatif) the
    /// decision, so that a bar's styles follow it.
    pub fn apply_to_progress_bars(self) {
        console::set_colors_enabled(self.stdout);
        console::set_colors_enabled_stderr(self.stderr);
    }

    /// Makes a table printed on standard output follow the decision.
    pub fn table(self, table: &mut comfy_table::Table) {
        if self.stdout {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
    }

    /// Text for standard output rendered elsewhere (a library's tables): as it is when
    /// standard output is coloured, without its ANSI escape sequences otherwise.
    pub fn stdout_text(self, text: &str) -> Cow<'_, str> {
        keep_or_strip(self.stdout, text)
    }

    /// [`stdout_text`](Self::stdout_text) for standard error.
    pub fn stderr_text(self, text: &str) -> Cow<'_, str> {
        keep_or_strip(self.stderr, text)
    }
}

fn keep_or_strip(coloured: bool, text: &str) -> Cow<'_, str> {
    if coloured {
        Cow::Borrowed(text)
    } else {
        strip_ansi(text)
    }
}

/// `text` without ANSI escape sequences: CSI (`ESC [` parameters, final byte `@`–`~`), OSC
/// (`ESC ]` … BEL or `ESC \`) and two-byte `ESC x` sequences. A lone trailing ESC is dropped.
pub fn strip_ansi(text: &str) -> Cow<'_, str> {
    if !text.contains('\x1b') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, then one final byte.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colors(stdout: bool, stderr: bool) -> Colors {
        Colors { stdout, stderr }
    }

    #[test]
    fn the_rule_table() {
        use ColorWhen::*;
        // (when, NO_COLOR, stdout a terminal, stderr a terminal) -> (stdout, stderr) colored.
        let cases = [
            // never / always ignore NO_COLOR and terminals.
            ((Never, None, true, true), (false, false)),
            ((Always, Some("1"), false, false), (true, true)),
            // auto: each stream by whether it is a terminal...
            ((Auto, None, true, false), (true, false)),
            ((Auto, None, false, true), (false, true)),
            // ...unless NO_COLOR has a value; an empty one does not count.
            ((Auto, Some("1"), true, true), (false, false)),
            ((Auto, Some("false"), true, true), (false, false)),
            ((Auto, Some(""), true, true), (true, true)),
        ];
        for ((when, no_color, out_tty, err_tty), (stdout, stderr)) in cases {
            assert_eq!(
                Colors::resolve(when, no_color, out_tty, err_tty),
                colors(stdout, stderr),
                "case {when:?} NO_COLOR={no_color:?} terminals {out_tty}/{err_tty}"
            );
        }
    }

    #[test]
    fn strips_escape_sequences_and_keeps_the_rest() {
        assert!(matches!(
            strip_ansi("plain │ text"),
            Cow::Borrowed("plain │ text")
        ));
        for (coloured, plain) in [
            ("\x1b[1;31mFAIL\x1b[0m ok", "FAIL ok"),
            ("a\x1b[38;5;196mb\x1b[39mc", "abc"),
            ("\x1b]8;;http://x\x07link\x1b]8;;\x1b\\!", "link!"),
            ("x\x1b7y", "xy"),
            ("end\x1b", "end"),
            ("unfinished \x1b[12", "unfinished "),
        ] {
            assert_eq!(strip_ansi(coloured), plain, "{coloured:?}");
        }
    }

    #[test]
    fn a_table_follows_the_decision() {
        let render = |on: bool| {
            let mut t = comfy_table::Table::new();
            t.set_header(["state"])
                .add_row([comfy_table::Cell::new("ok")
                    .fg(comfy_table::Color::Green)
                    .add_attribute(comfy_table::Attribute::Bold)]);
            colors(on, false).table(&mut t);
            t.to_string()
        };
        assert!(render(true).contains("\x1b["), "{}", render(true));
        assert!(!render(false).contains('\x1b'), "{}", render(false));
        assert!(render(false).contains("ok"));
    }

    #[test]
    fn stdout_text_strips_only_when_not_coloured() {
        let styled = "\x1b[32mok\x1b[0m";
        assert_eq!(colors(true, false).stdout_text(styled), styled);
        assert_eq!(colors(false, true).stdout_text(styled), "ok");
        assert_eq!(colors(false, true).stderr_text(styled), styled);
        assert_eq!(colors(true, false).stderr_text(styled), "ok");
    }
}
