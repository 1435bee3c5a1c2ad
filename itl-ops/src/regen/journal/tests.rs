use super::*;
use itl_testkit::TempDir;

fn begin() -> Begin {
    Begin {
        format: JOURNAL_FORMAT,
        at: UnixTime::from_secs(1_800_000_000),
        cluster: "lab".into(),
        cluster_file: "/tmp/cluster.toml".into(),
        plan_file: "/tmp/plan.txt".into(),
        plan: "regen CallManager @all\nreset phones\n".into(),
        reset_batch: 200,
        reset_interval_secs: 30,
        yes: false,
        force: None,
        wait_scale: 1.0,
        gate_timeout_secs: 600,
        os_user: Some("admin".into()),
        generation: None,
        backup: None,
    }
}

fn step_start(id: &str) -> Record {
    let mut before = Observation::at(UnixTime::from_secs(1_800_000_010));
    before.serials.push(SerialFact {
        node: "ucm-pub".into(),
        unit: CertUnit::CallManager,
        serial: "0a1b".into(),
        cn: None,
    });
    Record::StepStart {
        at: UnixTime::from_secs(1_800_000_010),
        step: id.into(),
        command: "ssh ucm-pub: set cert regen CallManager".into(),
        before,
    }
}

/// A new temporary folder `label` (removed when dropped) and the journal folder `run` in it.
fn run_dir(label: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new(label);
    let jdir = dir.join("run");
    (dir, jdir)
}

#[test]
fn records_round_trip_through_the_file_one_line_each() {
    let (_dir, jdir) = run_dir("journal-roundtrip");
    {
        let mut j = Journal::create(&jdir, begin()).unwrap();
        j.append(step_start("1.1")).unwrap();
        j.append(Record::StepEnd {
            at: UnixTime::from_secs(1_800_000_020),
            step: "1.1".into(),
            outcome: StepOutcome::Done,
            after: Observation::at(UnixTime::from_secs(1_800_000_020)),
        })
        .unwrap();
        j.append(Record::Gate {
            at: UnixTime::from_secs(1_800_000_030),
            step: "p1.registered".into(),
            phase: 1,
            gate: GateKind::Registered,
            passed: false,
            details: vec!["SEP001122334455 not registered again".into()],
        })
        .unwrap();
    }
    let text = std::fs::read_to_string(jdir.join(JOURNAL_FILE)).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text.ends_with('\n'));
    let second = text.lines().nth(1).unwrap();
    assert_eq!(
        second,
        r#"{"record":"step-start","at":1800000010,"step":"1.1","command":"ssh ucm-pub: set cert regen CallManager","before":{"at":1800000010,"serials":[{"node":"ucm-pub","unit":"CallManager","serial":"0a1b"}]}}"#
    );
    let third = text.lines().nth(2).unwrap();
    assert_eq!(
        third,
        r#"{"record":"step-end","at":1800000020,"step":"1.1","outcome":"done","after":{"at":1800000020}}"#
    );
    let records = Journal::read(&jdir).unwrap();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0], Record::Begin(begin()));
    assert_eq!(records[1], step_start("1.1"));
    let reopened = Journal::open(&jdir).unwrap();
    assert_eq!(reopened.records(), &records[..]);
    assert!(!reopened.was_torn());
}

#[test]
fn a_second_runner_is_refused_while_the_first_holds_the_lock() {
    let (_dir, jdir) = run_dir("journal-lock");
    let first = Journal::create(&jdir, begin()).unwrap();
    let err = Journal::open(&jdir).unwrap_err();
    assert!(
        matches!(err, JournalError::Locked(ref p) if p == &jdir),
        "{err}"
    );
    assert!(err.to_string().contains("in use by another `itl regen`"));
    drop(first);
    let again = Journal::open(&jdir).unwrap();
    assert_eq!(again.records().len(), 1);
}

#[test]
fn create_refuses_a_folder_that_already_holds_a_journal() {
    let (_dir, jdir) = run_dir("journal-exists");
    drop(Journal::create(&jdir, begin()).unwrap());
    let err = Journal::create(&jdir, begin()).unwrap_err();
    assert!(matches!(err, JournalError::Exists(_)), "{err}");
    assert!(err.to_string().contains("itl regen resume --journal"));
    // The existing journal is untouched.
    assert_eq!(Journal::read(&jdir).unwrap().len(), 1);
}

#[test]
fn a_torn_last_line_is_dropped_and_truncated_on_open() {
    let (_dir, jdir) = run_dir("journal-torn");
    {
        let mut j = Journal::create(&jdir, begin()).unwrap();
        j.append(step_start("1.1")).unwrap();
    }
    let path = jdir.join(JOURNAL_FILE);
    let whole = std::fs::read(&path).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(br#"{"record":"step-end","at":18000"#);
    std::fs::write(&path, &torn).unwrap();
    // Reading without the lock ignores the torn line and changes nothing.
    assert_eq!(Journal::read(&jdir).unwrap().len(), 2);
    assert_eq!(std::fs::read(&path).unwrap(), torn);
    let mut j = Journal::open(&jdir).unwrap();
    assert!(j.was_torn());
    assert_eq!(j.records().len(), 2);
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    j.append(Record::Finished {
        at: UnixTime::from_secs(1_800_000_100),
    })
    .unwrap();
    drop(j);
    let records = Journal::read(&jdir).unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[2],
        Record::Finished {
            at: UnixTime::from_secs(1_800_000_100)
        }
    );
}

#[test]
fn a_corrupt_whole_line_is_an_error_naming_it() {
    let (_dir, jdir) = run_dir("journal-corrupt");
    drop(Journal::create(&jdir, begin()).unwrap());
    let path = jdir.join(JOURNAL_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"record\":\"no-such-record\"}\n");
    std::fs::write(&path, &text).unwrap();
    let err = Journal::open(&jdir).unwrap_err();
    match &err {
        JournalError::Corrupt { line, .. } => assert_eq!(*line, 2),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("line 2"), "{err}");
    // Nothing was truncated.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_journal_without_begin_or_of_another_format_is_refused() {
    let (dir, jdir) = run_dir("journal-format");
    std::fs::create_dir_all(&jdir).unwrap();
    std::fs::write(
        jdir.join(JOURNAL_FILE),
        "{\"record\":\"finished\",\"at\":1}\n",
    )
    .unwrap();
    let err = Journal::open(&jdir).unwrap_err();
    assert!(
        err.to_string().contains("first record is not `begin`"),
        "{err}"
    );

    let mut b = begin();
    b.format = 99;
    let line = serde_json::to_string(&Record::Begin(b)).unwrap();
    std::fs::write(jdir.join(JOURNAL_FILE), format!("{line}\n")).unwrap();
    let err = Journal::open(&jdir).unwrap_err();
    assert!(err.to_string().contains("format 99"), "{err}");

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = Journal::open(&empty).unwrap_err();
    assert!(matches!(err, JournalError::Missing(_)), "{err}");
}
