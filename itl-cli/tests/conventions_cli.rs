//! What users expect of a command line tool, through the real binary: shell completions, the
//! manual pages, `--color` / `NO_COLOR`, `-v` / `RUST_LOG`.

mod common;

use common::{Itl, TempDir, assert_exit, assert_ok, s, text};

/// Every subcommand of `itl`.
const SUBCOMMANDS: [&str; 14] = [
    "parse",
    "fetch",
    "verify",
    "sim",
    "demo",
    "sweep",
    "cluster",
    "preflight",
    "diff",
    "predict",
    "plan",
    "regen",
    "completions",
    "man",
];

/// A file whose parse prints many lines.
const LIST: &str = "fixtures/itl-12-sha512.tlv";

/// The debug line `itl parse LIST` logs.
const READ_LINE: &str = " DEBUG itl::input: read input=fixtures/itl-12-sha512.tlv bytes=10713\n";

/// How the page of `name` (`itl`, `itl-sim-serve`) starts: clap_mangen's preamble (the
/// string `Aq` for apostrophes), then the title.
fn page_start(name: &str) -> String {
    format!(
        ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH {name} 1  \"itl {}\"",
        env!("CARGO_PKG_VERSION")
    )
}

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    for (shell, marker) in [
        ("bash", "complete -F _itl"),
        ("zsh", "#compdef itl"),
        ("fish", "complete -c itl"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = Itl::new().args(&["completions", shell]).run();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for name in SUBCOMMANDS
            .iter()
            .chain(&["serve", "replay", "suggest", "run", "resume", "status"])
        {
            assert!(script.contains(name), "{shell}: no {name}");
        }
        // Options of subcommands and the global ones are completed too (fish spells them
        // without the dashes).
        for option in ["cluster-certs", "color", "verbose"] {
            assert!(script.contains(option), "{shell}: no {option}");
        }
        assert_eq!(text(&out.stderr), "");
    }
    let out = Itl::new().args(&["completions", "tcsh"]).run();
    assert_exit(&out, 2, "invalid value 'tcsh'");
    assert!(out.stdout.is_empty());
}

#[test]
fn the_manual_page_names_every_subcommand() {
    let out = Itl::new().args(&["man"]).run();
    assert_ok(&out);
    let page = text(&out.stdout);
    assert!(page.starts_with(&page_start("itl")), "{page}");
    assert!(page.contains("\n.SH NAME\nitl \\- "), "{page}");
    assert!(page.contains("\n.SH SUBCOMMANDS\n"), "{page}");
    for name in SUBCOMMANDS {
        assert!(
            page.contains(&format!("\nitl\\-{name}(1)\n")),
            "no {name}:\n{page}"
        );
    }
    // No page for `help`, and none is named.
    assert!(!page.contains("itl\\-help"), "{page}");
    assert!(page.contains("\\-\\-color"), "{page}");
}

#[test]
fn man_out_writes_one_page_per_subcommand() {
    let dir = TempDir::new("man");
    let pages = dir.join("man1");
    let out = Itl::new().args(&["man", "--out", &s(&pages)]).run();
    assert_ok(&out);
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        format!("wrote 23 manual pages into {}\n", pages.display())
    );
    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .expect("pages")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "itl-cluster-init.1",
            "itl-cluster.1",
            "itl-completions.1",
            "itl-demo.1",
            "itl-diff.1",
            "itl-fetch.1",
            "itl-man.1",
            "itl-parse.1",
            "itl-plan-suggest.1",
            "itl-plan.1",
            "itl-predict.1",
            "itl-preflight.1",
            "itl-regen-plan.1",
            "itl-regen-resume.1",
            "itl-regen-run.1",
            "itl-regen-status.1",
            "itl-regen.1",
            "itl-sim-replay.1",
            "itl-sim-serve.1",
            "itl-sim.1",
            "itl-sweep.1",
            "itl-verify.1",
            "itl.1",
        ]
    );
    let serve = std::fs::read_to_string(pages.join("itl-sim-serve.1")).expect("page");
    assert!(serve.starts_with(&page_start("itl-sim-serve")), "{serve}");
    assert!(serve.contains("\\-\\-cluster\\-file"), "{serve}");
    // The top page printed and the top page written are the same.
    let printed = Itl::new().args(&["man"]).run();
    assert_eq!(
        std::fs::read(pages.join("itl.1")).expect("itl.1"),
        printed.stdout
    );

    // A folder that cannot be made: exit 2, naming it.
    let file = dir.write("file", "not a folder");
    let out = Itl::new()
        .args(&["man", "--out", &s(&file.join("man1"))])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with(&format!(
            "itl: cannot create {}",
            file.join("man1").display()
        )),
        "{}",
        text(&out.stderr)
    );
}

/// Environment variables for one command.
type Env<'a> = &'a [(&'a str, &'a str)];

/// `itl sim replay` of a small cluster, which prints a table; its stdout.
fn replay_table(dir: &TempDir, color: &[&str], env: &[(&str, &str)]) -> String {
    let plan = dir.write(
        "plan.txt",
        "regen CallManager @ucm-pub\nrestart TFTP @ucm-pub\nreset phones\n",
    );
    let out = Itl::new()
        .args(color)
        .args(&[
            "sim",
            "replay",
            "--nodes",
            "2",
            "--phones",
            "20",
            "--key-bits",
            "1024",
        ])
        .args(&["--plan", &s(&plan), "--json", &s(&dir.join("replay.json"))])
        .envs(env)
        .run();
    assert_ok(&out);
    text(&out.stdout)
}

#[test]
fn never_and_no_color_print_no_escape_byte() {
    let cases: [(&[&str], Env); 3] = [
        (&["--color", "never"], &[]),
        (&[], &[("NO_COLOR", "1")]),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")]),
    ];
    for (color, env) in cases {
        let out = Itl::new()
            .args(color)
            .args(&["parse", LIST])
            .envs(env)
            .run();
        assert_eq!(out.status.code(), Some(0));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("The ITL file was verified successfully."));
        assert!(!stdout.contains('\x1b'), "{color:?} {env:?}: {stdout}");

        let dir = TempDir::new("color-table");
        let table = replay_table(&dir, color, env);
        assert!(table.contains("┆ reset phones "), "{table}");
        assert!(!table.contains('\x1b'), "{color:?} {env:?}: {table}");
    }
    // No table is styled today: `always` prints the same table, byte for byte.
    let dir = TempDir::new("color-always");
    assert_eq!(
        replay_table(&dir, &["--color", "always"], &[]),
        replay_table(&dir, &["--color", "never"], &[])
    );
}

#[test]
fn color_decides_the_log_lines_colours() {
    let debug = |color: &[&str], env: &[(&str, &str)]| {
        let out = Itl::new()
            .args(color)
            .args(&["-vv", "parse", LIST])
            .envs(env)
            .run();
        assert_eq!(out.status.code(), Some(0));
        text(&out.stderr)
    };
    // Into a pipe, `auto` is plain; `always` colours, even with NO_COLOR.
    assert!(debug(&[], &[]).ends_with(READ_LINE), "{}", debug(&[], &[]));
    assert!(!debug(&[], &[]).contains('\x1b'));
    assert!(debug(&["--color", "always"], &[]).contains("\x1b["));
    assert!(debug(&["--color", "always"], &[("NO_COLOR", "1")]).contains("\x1b["));
    assert!(!debug(&["--color", "never"], &[]).contains('\x1b'));
}

#[test]
fn on_a_terminal_auto_colours_unless_no_color() {
    if !itl_testkit::require_tool("script") {
        return;
    }
    let on_terminal = |color: &[&str], env: &[(&str, &str)]| {
        let out = Itl::new()
            .args(color)
            .args(&["-vv", "parse", LIST])
            .envs(env)
            .in_terminal()
            .run();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
        let screen = text(&out.stdout);
        assert!(
            screen.contains("The ITL file was verified successfully."),
            "{screen}"
        );
        assert!(screen.contains("itl::input"), "{screen}");
        screen
    };
    assert!(on_terminal(&[], &[]).contains("\x1b["));
    // NO_COLOR with any value turns `auto` off; an empty one does not count.
    assert!(!on_terminal(&[], &[("NO_COLOR", "1")]).contains('\x1b'));
    assert!(on_terminal(&[], &[("NO_COLOR", "")]).contains("\x1b["));
    assert!(on_terminal(&["--color", "always"], &[("NO_COLOR", "1")]).contains("\x1b["));
    assert!(!on_terminal(&["--color", "never"], &[]).contains('\x1b'));
}

#[test]
fn verbosity_steps_and_rust_log() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = Itl::new().args(args).envs(env).run();
        assert_ok(&out);
        (text(&out.stdout), text(&out.stderr))
    };
    let (quiet_out, quiet_err) = run(&["parse", LIST], &[]);
    assert_eq!(quiet_err, "");
    let (_, info) = run(&["-v", "parse", LIST], &[]);
    assert!(!info.contains("DEBUG"), "{info}");
    // -vv: the debug line on stderr, stdout unchanged; the flag goes before or after the
    // subcommand.
    let spellings: [&[&str]; 3] = [
        &["-vv", "parse", LIST],
        &["parse", LIST, "-vv"],
        &["parse", "--verbose", "--verbose", LIST],
    ];
    for args in spellings {
        let (out, err) = run(args, &[]);
        assert_eq!(out, quiet_out, "{args:?}");
        assert!(err.ends_with(READ_LINE), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // RUST_LOG wins, both ways.
    let (_, err) = run(&["-vv", "parse", LIST], &[("RUST_LOG", "off")]);
    assert_eq!(err, "");
    let (_, err) = run(&["parse", LIST], &[("RUST_LOG", "itl=debug")]);
    assert!(err.ends_with(READ_LINE), "{err}");
    let (_, err) = run(&["-vv", "parse", LIST], &[("RUST_LOG", "itl_core=debug")]);
    assert_eq!(err, "");
}
