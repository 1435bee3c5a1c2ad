//! Recognisers for what the CLI prints between commands: the shell prompt, the two pager
//! prompts, the confirmation questions, failure markers, privilege refusals and the start-up
//! banner (`cucm-interfaces.md` §6.1, §6.5).
//!
//! All of them take text already cleaned by [`super::text`] and match case-insensitively
//! with flexible spacing.
//!
//! Prompt rule (what we match): the *last, unfinished* line of the output (the CLI waits for
//! input, so no newline follows it), right-trimmed, is
//!
//! * exactly `<name>:` with `<name>` in `[A-Za-z0-9_-]+` (the documented rule), or
//! * ends with `<known>:` where `<known>` is the prompt name already seen in this session
//!   (`admin`): leftovers of the previous command may precede it on the same line, even
//!   with no space between (`…NON-FIPS Modeadmin:`).
//!
//! A line ending in an arbitrary `word:` is never taken for a prompt unless it is the whole
//! line, so questions such as `Please enter password:` inside leftovers do not match the
//! second form. Whether a finished line is output or prompt is the caller's business: only
//! pass the unfinished tail.

/// A recognised shell prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptMatch {
    /// The prompt name (`admin`).
    pub name: String,
    /// Text before the prompt on the same line (leftovers), trimmed; empty for a bare prompt.
    pub leftover: String,
}

fn is_prompt_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Matches a bare prompt line: `^[A-Za-z0-9_-]+:\s*$` (leading spaces tolerated).
pub fn bare_prompt(line: &str) -> Option<PromptMatch> {
    let t = line.trim();
    let name = t.strip_suffix(':')?;
    is_prompt_name(name).then(|| PromptMatch {
        name: name.to_owned(),
        leftover: String::new(),
    })
}

/// Matches the unfinished tail line against the prompt rule (see the
/// [module documentation](self)); `known` is the prompt name seen earlier in the session.
pub fn prompt(tail: &str, known: Option<&str>) -> Option<PromptMatch> {
    if let Some(m) = bare_prompt(tail) {
        return Some(m);
    }
    let known = known?;
    let t = tail.trim_end();
    // Leftovers may run straight into the prompt (`…Modeadmin:`): no word boundary is
    // required before the known name.
    let before = t.strip_suffix(':')?.strip_suffix(known)?;
    Some(PromptMatch {
        name: known.to_owned(),
        leftover: before.trim().to_owned(),
    })
}

/// Lower-cases and collapses whitespace runs to one space (for tolerant matching).
pub fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// A pager prompt: the CLI stopped output and waits for a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pager {
    /// `Press <enter> for 1 line, <space> for one page, or <q> to quit`: answer a space.
    Press,
    /// `options: q=quit, n=next, p=prev, b=begin, e=end (lines A - B of C) :`: answer `n`
    /// until `B = C`, then `q`.
    Lines {
        /// First line shown.
        first: u64,
        /// Last line shown.
        last: u64,
        /// Total lines.
        total: u64,
    },
}

impl Pager {
    /// The key that moves on (`" "`, `"n"`, or `"q"` once the last page is shown).
    pub fn answer(self) -> &'static str {
        match self {
            Pager::Press => " ",
            Pager::Lines { last, total, .. } if last >= total => "q",
            Pager::Lines { .. } => "n",
        }
    }
}

/// Recognises a pager prompt in a line (the unfinished tail, or a finished line).
pub fn pager(line: &str) -> Option<Pager> {
    let s = squash(line);
    if s.contains("press <enter> for 1 line, <space> for one page, or <q> to quit") {
        return Some(Pager::Press);
    }
    if !s.contains("options: q=quit, n=next") {
        return None;
    }
    // `(lines A - B of C)`
    let start = s.find("(lines ")? + "(lines ".len();
    let inner = s.get(start..)?;
    let inner = inner.get(..inner.find(')')?)?;
    let (range, total) = inner.split_once(" of ")?;
    let (first, last) = range.split_once('-')?;
    Some(Pager::Lines {
        first: first.trim().parse().ok()?,
        last: last.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
    })
}

/// A confirmation question, by the exact way it asks (§6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Confirmation {
    /// `… (yes|no)?` (`set cert regen`): answer `yes`.
    YesPipeNo,
    /// `… (y/n):` (`utils ctl update CTLFile`): answer `y`.
    YnColon,
    /// `Continue (y/n)?`: answer `y`.
    ContinueYn,
    /// `Do you want to continue (yes/no) ?`: answer `yes`.
    ContinueYesNo,
    /// `… (yes/no):`: answer `yes`.
    YesNoColon,
    /// `Please answer 'y' for <yes> or 'n' for <no>:`: answer `y`.
    PleaseAnswerYn,
}

impl Confirmation {
    /// Every style.
    pub const ALL: [Confirmation; 6] = [
        Confirmation::YesPipeNo,
        Confirmation::YnColon,
        Confirmation::ContinueYn,
        Confirmation::ContinueYesNo,
        Confirmation::YesNoColon,
        Confirmation::PleaseAnswerYn,
    ];

    /// The exact text that accepts.
    pub fn answer(self) -> &'static str {
        match self {
            Confirmation::YesPipeNo | Confirmation::ContinueYesNo | Confirmation::YesNoColon => {
                "yes"
            }
            Confirmation::YnColon | Confirmation::ContinueYn | Confirmation::PleaseAnswerYn => "y",
        }
    }

    /// The exact text that declines.
    pub fn decline(self) -> &'static str {
        match self {
            Confirmation::YesPipeNo | Confirmation::ContinueYesNo | Confirmation::YesNoColon => {
                "no"
            }
            Confirmation::YnColon | Confirmation::ContinueYn | Confirmation::PleaseAnswerYn => "n",
        }
    }

    /// The ending that identifies the style (lower case, single spaces).
    pub fn pattern(self) -> &'static str {
        match self {
            Confirmation::YesPipeNo => "(yes|no)?",
            Confirmation::YnColon => "(y/n):",
            Confirmation::ContinueYn => "continue (y/n)?",
            Confirmation::ContinueYesNo => "do you want to continue (yes/no) ?",
            Confirmation::YesNoColon => "(yes/no):",
            Confirmation::PleaseAnswerYn => "please answer 'y' for <yes> or 'n' for <no>:",
        }
    }
}

itl_core::named!(Confirmation, pattern);

/// Recognises a confirmation question at the end of a line (the unfinished tail). Spaces
/// before `?`/`:` and inside the parentheses are tolerated.
pub fn confirmation(line: &str) -> Option<Confirmation> {
    let s = squash(line);
    // Compare without spaces before the final punctuation.
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    let ends = |p: &str| {
        let p: String = p.chars().filter(|c| *c != ' ').collect();
        compact.ends_with(&p)
    };
    // Most specific first: `continue (y/n)?` before `(y/n)`, `continue (yes/no) ?` before
    // `(yes/no)`.
    if ends(Confirmation::PleaseAnswerYn.pattern()) {
        Some(Confirmation::PleaseAnswerYn)
    } else if ends(Confirmation::YesPipeNo.pattern()) {
        Some(Confirmation::YesPipeNo)
    } else if ends(Confirmation::ContinueYesNo.pattern()) {
        Some(Confirmation::ContinueYesNo)
    } else if ends(Confirmation::ContinueYn.pattern()) {
        Some(Confirmation::ContinueYn)
    } else if ends(Confirmation::YesNoColon.pattern()) {
        Some(Confirmation::YesNoColon)
    } else if ends(Confirmation::YnColon.pattern()) {
        Some(Confirmation::YnColon)
    } else {
        None
    }
}

/// A line that says a command failed (§6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureMarker {
    /// `Executed command unsuccessfully`.
    ExecutedUnsuccessfully,
    /// `No valid command entered` (the command does not exist on this product).
    NoValidCommand,
    /// `Network request timed out`.
    NetworkTimedOut,
    /// DRS: `Master Agent may be down`.
    MasterAgentDown,
}

impl FailureMarker {
    /// Every marker.
    pub const ALL: [FailureMarker; 4] = [
        FailureMarker::ExecutedUnsuccessfully,
        FailureMarker::NoValidCommand,
        FailureMarker::NetworkTimedOut,
        FailureMarker::MasterAgentDown,
    ];

    /// The marker text as CUCM prints it.
    pub fn text(self) -> &'static str {
        match self {
            FailureMarker::ExecutedUnsuccessfully => "Executed command unsuccessfully",
            FailureMarker::NoValidCommand => "No valid command entered",
            FailureMarker::NetworkTimedOut => "Network request timed out",
            FailureMarker::MasterAgentDown => "Master Agent may be down",
        }
    }
}

itl_core::named!(FailureMarker, text);

/// Finds a failure marker in a line.
pub fn failure_marker(line: &str) -> Option<FailureMarker> {
    let s = squash(line);
    FailureMarker::ALL
        .into_iter()
        .find(|m| s.contains(&m.text().to_lowercase()))
}

/// Whether a line says the user's privilege level is too low for the command.
///
/// (inferred) The documents give no transcript of a refusal. The rule is lenient: the line
/// mentions `privilege` together with `insufficient`, `not sufficient`, `denied`, `not
/// allowed`, `does not have` or `required`.
pub fn privilege_refused(line: &str) -> bool {
    let s = squash(line);
    s.contains("privilege")
        && [
            "insufficient",
            "not sufficient",
            "denied",
            "not allowed",
            "does not have",
            "required",
        ]
        .iter()
        .any(|w| s.contains(w))
}

/// A start-up banner line (§6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Banner {
    /// `Command Line Interface is starting up, please wait ...`
    StartingUp,
    /// `Welcome to the Platform Command Line Interface`
    Welcome,
}

/// Recognises a start-up banner line.
pub fn banner(line: &str) -> Option<Banner> {
    let s = squash(line);
    if s.contains("command line interface is starting up") {
        Some(Banner::StartingUp)
    } else if s.contains("welcome to the platform command line interface") {
        Some(Banner::Welcome)
    } else {
        None
    }
}

/// Whether a line is the answer to `set cli pagination off`: `Automatic pagination is
/// turned off`.
pub fn pagination_off(line: &str) -> bool {
    squash(line).contains("automatic pagination is turned off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_prompts_and_leftovers() {
        assert_eq!(
            prompt("admin:", None),
            Some(PromptMatch {
                name: "admin".into(),
                leftover: String::new()
            })
        );
        assert_eq!(
            prompt("  admin:  ", None).map(|m| m.name),
            Some("admin".into())
        );
        assert_eq!(
            prompt("os_adm-2:", None).map(|m| m.name),
            Some("os_adm-2".into())
        );
        assert_eq!(
            prompt("output tail admin:", Some("admin")),
            Some(PromptMatch {
                name: "admin".into(),
                leftover: "output tail".into()
            })
        );
        assert_eq!(
            prompt("x tailadmin:", Some("admin")).map(|m| m.leftover),
            Some("x tail".to_owned())
        );
        // Reject: leftovers without a known name, questions, text after the colon.
        assert_eq!(prompt("output tail admin:", None), None);
        assert_eq!(prompt("Please enter password:", Some("admin")), None);
        assert_eq!(prompt("admin: show itl", Some("admin")), None);
        assert_eq!(prompt("Tar Filename:", None), None);
        assert_eq!(prompt(":", None), None);
        assert_eq!(prompt("ad min:", None), None);
    }

    #[test]
    fn pagers_of_both_styles() {
        assert_eq!(
            pager("Press <enter> for 1 line, <space> for one page, or <q> to quit"),
            Some(Pager::Press)
        );
        let p = pager("options: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 20 of 43) :");
        assert_eq!(
            p,
            Some(Pager::Lines {
                first: 1,
                last: 20,
                total: 43
            })
        );
        assert_eq!(p.map(Pager::answer), Some("n"));
        let end = pager("OPTIONS:  q=quit, n=next, p=prev, b=begin, e=end (lines 41-43 of 43):");
        assert_eq!(end.map(Pager::answer), Some("q"));
        assert_eq!(Pager::Press.answer(), " ");
        assert_eq!(pager("options: q=quit, n=next (lines x - 2 of 3) :"), None);
        assert_eq!(pager("Press <enter> to continue"), None);
    }

    #[test]
    fn every_confirmation_style_with_its_answer() {
        let cases = [
            (
                "Proceed with regeneration (yes|no)? ",
                Confirmation::YesPipeNo,
                "yes",
            ),
            (
                "This operation updates the CTLFile. Do you want to continue? (y/n):",
                Confirmation::YnColon,
                "y",
            ),
            ("Continue (y/n)?", Confirmation::ContinueYn, "y"),
            (
                "Do you want to continue (yes/no) ?",
                Confirmation::ContinueYesNo,
                "yes",
            ),
            ("Are you sure (yes/no):", Confirmation::YesNoColon, "yes"),
            (
                "Please answer 'y' for <yes> or 'n' for <no>:",
                Confirmation::PleaseAnswerYn,
                "y",
            ),
        ];
        for (line, kind, answer) in cases {
            assert_eq!(confirmation(line), Some(kind), "{line}");
            assert_eq!(kind.answer(), answer);
        }
        assert_eq!(
            confirmation("continue ( Y / N ) ?"),
            Some(Confirmation::ContinueYn)
        );
        assert_eq!(confirmation("(yes|no)? yes"), None);
        assert_eq!(confirmation("Proceed with regeneration"), None);
        assert_eq!(confirmation("admin:"), None);
    }

    #[test]
    fn markers_banners_privilege() {
        assert_eq!(
            failure_marker("Executed command unsuccessfully"),
            Some(FailureMarker::ExecutedUnsuccessfully)
        );
        assert_eq!(
            failure_marker("  no valid  command entered"),
            Some(FailureMarker::NoValidCommand)
        );
        assert_eq!(
            failure_marker("drfCliMsg: Master Agent may be down"),
            Some(FailureMarker::MasterAgentDown)
        );
        assert_eq!(
            failure_marker("Error: Network request timed out"),
            Some(FailureMarker::NetworkTimedOut)
        );
        assert_eq!(failure_marker("Executed command successfully"), None);
        assert_eq!(
            banner("Command Line Interface is starting up, please wait ..."),
            Some(Banner::StartingUp)
        );
        assert_eq!(
            banner("   Welcome to the Platform Command Line Interface"),
            Some(Banner::Welcome)
        );
        assert_eq!(banner("admin:"), None);
        assert!(privilege_refused(
            "Insufficient privilege level to execute this command"
        ));
        assert!(!privilege_refused("privilege level 4"));
        assert!(pagination_off("Automatic pagination is turned off"));
        assert!(!pagination_off("Automatic pagination is turned on"));
    }
}
