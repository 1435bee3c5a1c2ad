//! Exact-keystroke tests of the sans-io shell machine. Server output is written out as the
//! CLI sends it (`\r\n`, escapes), not produced by any shared code.

use super::*;
use itl_core::cucm::CertUnit;

const BANNER: &[u8] = b"Command Line Interface is starting up, please wait ...\r\n\r\n   Welcome to the Platform Command Line Interface\r\n\r\nVMware Installation:\r\n\t2 vCPU: Intel(R) Xeon(R)\r\n\r\n";

fn opts() -> ShellOptions {
    ShellOptions::default()
}

fn transmits(m: &mut Shell) -> Vec<String> {
    std::iter::from_fn(|| m.poll_transmit())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

fn events(m: &mut Shell) -> Vec<Event> {
    std::iter::from_fn(|| m.poll_event()).collect()
}

fn failure(m: &mut Shell) -> SshErrorKind {
    let failed = |e| match e {
        Event::Failed(k) => Some(k),
        _ => None,
    };
    events(m).into_iter().find_map(failed).expect("a failure")
}

fn finished(m: &mut Shell) -> CommandOutput {
    let found = events(m).into_iter().find_map(|e| match e {
        Event::Finished(o) => Some(o),
        Event::Failed(k) => panic!("command failed: {k}"),
        _ => None,
    });
    match found {
        Some(o) => o,
        None => panic!("expected a finished command"),
    }
}

/// A shell past start-up with pagination off accepted.
fn ready(t0: Instant) -> Shell {
    ready_with(opts(), t0)
}

/// [`ready`] with `options`.
fn ready_with(options: ShellOptions, t0: Instant) -> Shell {
    let mut m = Shell::new(options, t0);
    m.handle_data(BANNER, t0);
    assert_eq!(
        feed(&mut m, b"admin:", t0),
        vec!["set cli pagination off\n"]
    );
    m.handle_data(
        b"set cli pagination off\r\nAutomatic pagination is turned off\r\n\r\nadmin:",
        t0,
    );
    let evs = events(&mut m);
    assert!(
        matches!(
            evs.as_slice(),
            [Event::Ready {
                pagination_off: true,
                ..
            }]
        ),
        "{evs:?}"
    );
    assert!(m.is_ready());
    m
}

/// A [`ready`] shell at a time of its own, running `command` (its echo not yet seen).
fn running(command: &Command) -> (Shell, Instant) {
    let t0 = Instant::now();
    let mut m = ready(t0);
    m.start(command, None, t0).expect("start");
    transmits(&mut m);
    (m, t0)
}

/// Hands the server's `bytes` to the shell at `now`; what it types in answer.
fn feed(m: &mut Shell, bytes: &[u8], now: Instant) -> Vec<String> {
    m.handle_data(bytes, now);
    transmits(m)
}

#[test]
fn startup_finds_the_prompt_and_turns_pagination_off() {
    let t0 = Instant::now();
    let mut m = Shell::new(opts(), t0);
    assert_eq!(m.poll_timeout(), Some(t0 + Duration::from_secs(120)));
    assert!(feed(&mut m, BANNER, t0).is_empty());
    // The prompt arrives in two pieces, bold escapes around it.
    assert!(feed(&mut m, b"\x1b[1mad", t0).is_empty());
    assert_eq!(
        feed(&mut m, b"min:\x1b[0m ", t0),
        vec!["set cli pagination off\n"]
    );
    assert_eq!(m.prompt(), Some("admin"));
    assert!(!m.is_ready());
    m.handle_data(b"set cli pagination off\r\n", t0);
    m.handle_data(b"Automatic pagination is turned off\r\n\r\nadmin:", t0);
    match events(&mut m).as_slice() {
        [
            Event::Ready {
                prompt,
                banner,
                pagination_off: true,
            },
        ] => {
            assert_eq!(prompt, "admin");
            assert_eq!(
                banner,
                &vec![
                    "Command Line Interface is starting up, please wait ...".to_owned(),
                    "   Welcome to the Platform Command Line Interface".to_owned(),
                    "VMware Installation:".to_owned(),
                    "\t2 vCPU: Intel(R) Xeon(R)".to_owned(),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn pagination_refused_by_privilege_carries_on() {
    let t0 = Instant::now();
    let mut m = Shell::new(opts(), t0);
    m.handle_data(b"admin:", t0);
    transmits(&mut m);
    m.handle_data(
        b"set cli pagination off\r\nInsufficient privilege level for this command\r\nadmin:",
        t0,
    );
    assert!(matches!(
        events(&mut m).as_slice(),
        [Event::Ready {
            pagination_off: false,
            ..
        }]
    ));
    assert!(m.is_ready());
}

#[test]
fn no_pagination_command_when_disabled() {
    let t0 = Instant::now();
    let mut m = Shell::new(
        ShellOptions {
            pagination_off: false,
            ..opts()
        },
        t0,
    );
    assert!(feed(&mut m, b"admin:", t0).is_empty());
    assert!(m.is_ready());
}

#[test]
fn one_nudge_only_after_welcome_and_silence() {
    let t0 = Instant::now();
    let mut m = Shell::new(opts(), t0);
    // Before the Welcome line: never a newline.
    m.handle_data(
        b"Command Line Interface is starting up, please wait ...\r\n",
        t0,
    );
    m.handle_timeout(t0 + Duration::from_secs(30));
    assert!(transmits(&mut m).is_empty());
    let t1 = t0 + Duration::from_secs(31);
    m.handle_data(b"Welcome to the Platform Command Line Interface\r\n", t1);
    assert_eq!(m.poll_timeout(), Some(t1 + Duration::from_secs(5)));
    m.handle_timeout(t1 + Duration::from_secs(4));
    assert!(transmits(&mut m).is_empty());
    m.handle_timeout(t1 + Duration::from_secs(5));
    assert_eq!(transmits(&mut m), vec!["\n"]);
    assert!(matches!(events(&mut m).as_slice(), [Event::Nudged]));
    m.handle_timeout(t1 + Duration::from_secs(60));
    assert!(transmits(&mut m).is_empty());
    assert_eq!(
        feed(&mut m, b"\r\nadmin:", t1 + Duration::from_secs(61)),
        vec!["set cli pagination off\n"]
    );
}

#[test]
fn no_nudge_when_the_prompt_follows_the_welcome() {
    let t0 = Instant::now();
    let mut m = Shell::new(opts(), t0);
    m.handle_data(BANNER, t0);
    m.handle_data(b"admin:", t0 + Duration::from_secs(1));
    m.handle_timeout(t0 + Duration::from_secs(20));
    assert_eq!(transmits(&mut m), vec!["set cli pagination off\n"]);
}

#[test]
fn startup_timeout() {
    let t0 = Instant::now();
    let mut m = Shell::new(
        ShellOptions {
            startup_budget: Duration::from_secs(10),
            ..opts()
        },
        t0,
    );
    m.handle_data(
        b"Command Line Interface is starting up, please wait ...\r\n",
        t0,
    );
    m.handle_timeout(t0 + Duration::from_secs(9));
    assert!(events(&mut m).is_empty());
    m.handle_timeout(t0 + Duration::from_secs(10));
    match failure(&mut m) {
        SshErrorKind::StartupTimeout {
            waited,
            saw_welcome,
            last_line,
        } => {
            assert_eq!(waited, Duration::from_secs(10));
            assert!(!saw_welcome);
            assert_eq!(
                last_line,
                "Command Line Interface is starting up, please wait ..."
            );
        }
        other => panic!("{other}"),
    }
    assert!(m.is_dead());
}

#[test]
fn a_word_with_a_colon_is_not_a_prompt_at_startup() {
    let t0 = Instant::now();
    let mut m = Shell::new(opts(), t0);
    assert!(
        feed(
            &mut m,
            b"Last login: Mon Jan  6 10:00:00 2025 from 10.0.0.9\r\nSome text admin:",
            t0,
        )
        .is_empty()
    );
    assert_eq!(
        feed(&mut m, b"\r\nadmin:", t0),
        vec!["set cli pagination off\n"]
    );
}

#[test]
fn command_output_without_echo_and_prompt() {
    let t0 = Instant::now();
    let mut m = ready(t0);
    m.start(&Command::VersionActive, None, t0).expect("start");
    assert_eq!(transmits(&mut m), vec!["show version active\n"]);
    assert_eq!(m.poll_timeout(), Some(t0 + Duration::from_secs(60)));
    m.handle_data(
        b"show version active\r\nActive Master Version: 14.0.1.13900-155\r\n",
        t0,
    );
    m.handle_data(b"Active Version Installed Software Options:\r\nNo Installed Software Options Found.\r\n\r\nadmin:", t0);
    let out = finished(&mut m);
    assert_eq!(out.command, "show version active");
    assert_eq!(
        out.lines,
        vec![
            "Active Master Version: 14.0.1.13900-155",
            "Active Version Installed Software Options:",
            "No Installed Software Options Found.",
            "",
        ]
    );
    assert_eq!(out.pages, 0);
    assert!(m.is_ready());
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn a_prompt_before_the_echo_does_not_end_the_command() {
    let (mut m, t0) = running(&Command::ShowItl);
    // A stray prompt (an earlier newline's) arrives first.
    m.handle_data(b"\r\nadmin:", t0);
    assert!(events(&mut m).is_empty());
    m.handle_data(b"show itl\r\nLength of ITL file: 0\r\nadmin:", t0);
    assert_eq!(finished(&mut m).lines, vec!["Length of ITL file: 0"]);
}

#[test]
fn leftovers_before_the_prompt_are_the_last_line() {
    let (mut m, t0) = running(&Command::FipsStatus);
    m.handle_data(
        b"utils fips status\r\nThe system is operating in NON-FIPS Modeadmin:",
        t0,
    );
    assert_eq!(
        finished(&mut m).lines,
        vec!["The system is operating in NON-FIPS Mode"]
    );
}

#[test]
fn long_echo_wrapped_by_the_terminal() {
    let t0 = Instant::now();
    let mut m = ready(t0);
    let query =
        "select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'";
    m.start(&Command::Sql(query.into()), None, t0)
        .expect("start");
    transmits(&mut m);
    let echo = format!("run sql {query}");
    let (a, b) = echo.split_at(40);
    m.handle_data(
        format!("{a}\r{b}\r\nparamname paramvalue\r\n=== ===\r\nx 1\r\nadmin:").as_bytes(),
        t0,
    );
    assert_eq!(
        finished(&mut m).lines,
        vec!["paramname paramvalue", "=== ===", "x 1"]
    );
}

#[test]
fn press_pager_gets_a_space_and_is_removed() {
    let (mut m, t0) = running(&Command::CertListTrust);
    m.handle_data(b"show cert list trust\r\na/a.pem: one\r\n", t0);
    assert_eq!(
        feed(
            &mut m,
            b"\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K",
            t0,
        ),
        vec![" "]
    );
    assert!(matches!(
        events(&mut m).as_slice(),
        [Event::Pager(Pager::Press)]
    ));
    m.handle_data(b"\r\x1b[Kb/b.pem: two\r\nadmin:", t0);
    let out = finished(&mut m);
    assert_eq!(out.lines, vec!["a/a.pem: one", "", "b/b.pem: two"]);
    assert_eq!(out.pages, 1);
}

#[test]
fn lines_pager_gets_n_until_the_end_then_q() {
    let (mut m, t0) = running(&Command::ServiceList);
    m.handle_data(b"utils service list\r\nA[STARTED]\r\n", t0);
    let page_1 =
        b"\x1b[1moptions: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 1 of 3) :\x1b[0m\x1b[K";
    let page_2 = b"\r\x1b[KB[STARTED]\r\n\x1b[1moptions: q=quit, n=next, p=prev, b=begin, e=end (lines 2 - 2 of 3) :\x1b[0m\x1b[K";
    let page_3 = b"\r\x1b[KC[STARTED]\r\n\x1b[1moptions: q=quit, n=next, p=prev, b=begin, e=end (lines 3 - 3 of 3) :\x1b[0m\x1b[K";
    assert_eq!(feed(&mut m, page_1, t0), vec!["n"]);
    assert_eq!(feed(&mut m, page_2, t0), vec!["n"]);
    assert_eq!(feed(&mut m, page_3, t0), vec!["q"]);
    m.handle_data(b"\r\x1b[K\r\nadmin:", t0);
    let out = finished(&mut m);
    assert_eq!(out.pages, 3);
    let services: Vec<&String> = out.lines.iter().filter(|l| !l.is_empty()).collect();
    assert_eq!(services, vec!["A[STARTED]", "B[STARTED]", "C[STARTED]"]);
}

#[test]
fn expected_confirmation_is_typed_slowly_once() {
    let t0 = Instant::now();
    let mut m = ready(t0);
    m.start(&Command::CertRegen(CertUnit::Tvs), None, t0)
        .expect("start");
    assert_eq!(transmits(&mut m), vec!["set cert regen TVS\n"]);
    assert_eq!(
        feed(
            &mut m,
            b"set cert regen TVS\r\n\r\nProceed with regeneration (yes|no)? ",
            t0,
        ),
        vec!["y"]
    );
    assert!(matches!(
        events(&mut m).as_slice(),
        [Event::Confirming(Confirmation::YesPipeNo)]
    ));
    let half = Duration::from_millis(500);
    assert_eq!(m.poll_timeout(), Some(t0 + half));
    // The echo of `y` and a repeated question in the same line do not trigger a second
    // answer.
    m.handle_data(b"y", t0 + Duration::from_millis(10));
    m.handle_timeout(t0 + Duration::from_millis(499));
    assert!(transmits(&mut m).is_empty());
    m.handle_timeout(t0 + half);
    assert_eq!(transmits(&mut m), vec!["e"]);
    m.handle_timeout(t0 + half * 2);
    assert_eq!(transmits(&mut m), vec!["s"]);
    m.handle_timeout(t0 + half * 3);
    assert_eq!(transmits(&mut m), vec!["\n"]);
    assert_eq!(m.poll_timeout(), Some(t0 + Duration::from_secs(300)));
    m.handle_data(b"es\r\n\r\nSuccessfully Regenerated Certificate for TVS.\r\nYou must restart services related to TVS for the regenerated certificates to become active.\r\nadmin:", t0 + half * 4);
    let out = finished(&mut m);
    assert_eq!(out.confirmed, Some(Confirmation::YesPipeNo));
    assert_eq!(
        out.lines,
        vec![
            "",
            "Proceed with regeneration (yes|no)? yes",
            "",
            "Successfully Regenerated Certificate for TVS.",
            "You must restart services related to TVS for the regenerated certificates to become active.",
        ]
    );
}

#[test]
fn confirmation_delay_is_configurable() {
    let t0 = Instant::now();
    let mut m = ready_with(
        ShellOptions {
            keystroke_delay: Duration::ZERO,
            ..opts()
        },
        t0,
    );
    m.start(&Command::CtlUpdate, None, t0).expect("start");
    transmits(&mut m);
    assert_eq!(feed(&mut m, b"utils ctl update CTLFile\r\nThis operation updates the CTLFile. Do you want to continue? (y/n):", t0), vec!["y", "\n"]);
}

#[test]
fn unexpected_confirmation_is_declined_and_reported() {
    let (mut m, t0) = running(&Command::ShowItl);
    assert_eq!(
        feed(
            &mut m,
            b"show itl\r\nDo you want to continue (yes/no) ?",
            t0
        ),
        vec!["no\n"]
    );
    m.handle_data(b"no\r\nadmin:", t0);
    match failure(&mut m) {
        SshErrorKind::UnexpectedConfirmation {
            command,
            found,
            expected,
            line,
        } => {
            assert_eq!(command, "show itl");
            assert_eq!(found, Confirmation::ContinueYesNo);
            assert_eq!(expected, None);
            assert_eq!(line, "Do you want to continue (yes/no) ?");
        }
        other => panic!("{other}"),
    }
    assert!(m.is_ready());
}

#[test]
fn a_confirmation_of_the_wrong_style_is_declined() {
    let (mut m, t0) = running(&Command::CertRegen(CertUnit::Tomcat));
    assert_eq!(
        feed(&mut m, b"set cert regen tomcat\r\nContinue (y/n)?", t0),
        vec!["n\n"]
    );
    // No prompt comes back: the deadline reports the confirmation, not a timeout.
    m.handle_timeout(t0 + Duration::from_secs(300));
    assert!(matches!(
        failure(&mut m),
        SshErrorKind::UnexpectedConfirmation {
            found: Confirmation::ContinueYn,
            expected: Some(Confirmation::YesPipeNo),
            ..
        }
    ));
    assert!(m.is_dead());
}

#[test]
fn failure_marker_fails_the_command_but_not_the_session() {
    let (mut m, t0) = running(&Command::BackupHistory);
    m.handle_data(b"utils disaster_recovery history backup\r\ndrfCliMsg: Master Agent may be down\r\nExecuted command unsuccessfully\r\nadmin:", t0);
    match failure(&mut m) {
        SshErrorKind::FailureMarker {
            command,
            marker,
            lines,
        } => {
            assert_eq!(command, "utils disaster_recovery history backup");
            assert_eq!(marker, FailureMarker::MasterAgentDown);
            assert_eq!(
                lines,
                vec![
                    "drfCliMsg: Master Agent may be down",
                    "Executed command unsuccessfully"
                ]
            );
        }
        other => panic!("{other}"),
    }
    assert!(m.is_ready());
    m.start(&Command::ShowItl, None, t0).expect("usable");
}

#[test]
fn privilege_refusal_fails_the_command() {
    let (mut m, t0) = running(&Command::ItlResetLocalkey);
    m.handle_data(
        b"utils itl reset localkey\r\nInsufficient privilege level for this command\r\nadmin:",
        t0,
    );
    assert!(matches!(
        failure(&mut m),
        SshErrorKind::PrivilegeInsufficient { .. }
    ));
}

#[test]
fn command_timeout_kills_the_session() {
    let t0 = Instant::now();
    let mut m = ready(t0);
    m.start(&Command::ShowItl, Some(Duration::from_secs(2)), t0)
        .expect("start");
    transmits(&mut m);
    m.handle_data(b"show itl\r\nThe checksum value of the ITL file:\r\n", t0);
    m.handle_timeout(t0 + Duration::from_millis(1999));
    assert!(events(&mut m).is_empty());
    m.handle_timeout(t0 + Duration::from_secs(2));
    match failure(&mut m) {
        SshErrorKind::CommandTimeout {
            command,
            waited,
            last_line,
        } => {
            assert_eq!(command, "show itl");
            assert_eq!(waited, Duration::from_secs(2));
            assert_eq!(last_line, "The checksum value of the ITL file:");
        }
        other => panic!("{other}"),
    }
    assert!(m.is_dead());
    // Nothing is ever typed to recover (no Ctrl-C, no newline).
    assert!(transmits(&mut m).is_empty());
    assert!(matches!(
        m.start(&Command::ShowItl, None, t0),
        Err(SshErrorKind::NotReady(_))
    ));
}

#[test]
fn session_dropped_mid_command_and_at_startup() {
    let t0 = Instant::now();
    let mut m = ready(t0);
    m.start(&Command::ServiceList, None, t0).expect("start");
    m.handle_data(b"utils service list\r\nRequesting", t0);
    m.handle_closed();
    assert!(matches!(
        failure(&mut m),
        SshErrorKind::SessionDropped { command: Some(c) } if c == "utils service list"
    ));
    let mut s = Shell::new(opts(), t0);
    s.handle_closed();
    assert!(matches!(
        failure(&mut s),
        SshErrorKind::SessionDropped { command: None }
    ));
}

#[test]
fn no_command_while_busy_or_starting_and_no_injection() {
    let t0 = Instant::now();
    let mut s = Shell::new(opts(), t0);
    assert!(matches!(
        s.start(&Command::ShowItl, None, t0),
        Err(SshErrorKind::NotReady(_))
    ));
    let mut m = ready(t0);
    assert!(matches!(
        m.start(
            &Command::Sql("x\nutils ctl update CTLFile".into()),
            None,
            t0
        ),
        Err(SshErrorKind::InvalidCommand(_))
    ));
    assert!(transmits(&mut m).is_empty());
    m.start(&Command::ShowItl, None, t0).expect("start");
    assert!(matches!(
        m.start(&Command::ShowCtl, None, t0),
        Err(SshErrorKind::NotReady(_))
    ));
}

#[test]
fn output_cap() {
    let t0 = Instant::now();
    let mut m = Shell::new(
        ShellOptions {
            max_output: 64,
            ..opts()
        },
        t0,
    );
    m.handle_data(&[b'x'; 100], t0);
    assert!(matches!(
        failure(&mut m),
        SshErrorKind::OutputTooLarge { .. }
    ));
}

#[test]
fn garbage_never_panics() {
    let t0 = Instant::now();
    let mut m = ready(t0);
    m.start(&Command::ShowItl, None, t0).expect("start");
    let mut seed = 0x2545_f491_u32;
    for i in 0..2000u32 {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let len = (seed % 40) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|j| (seed.rotate_left(j as u32) & 0xff) as u8)
            .collect();
        m.handle_data(&bytes, t0 + Duration::from_millis(u64::from(i)));
        m.handle_timeout(t0 + Duration::from_millis(u64::from(i)));
        transmits(&mut m);
        events(&mut m);
    }
}
