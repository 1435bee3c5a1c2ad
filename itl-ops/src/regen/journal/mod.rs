//! The run journal: what makes `itl regen resume` possible.
//!
//! A journal is a directory holding `journal.jsonl`, one JSON [`Record`] per line, appended
//! and `fsync`ed one record at a time, and `lock`, held (an OS file lock, released when the
//! process ends, even by `SIGKILL`) by the one runner allowed at a time.
//!
//! A crash can leave a last line without its newline: [`Journal::open`] drops that torn line
//! (the step it began is then seen as not started) and truncates the file back to the last
//! whole record. Any other line that does not parse is an error naming its line number:
//! nothing is overwritten or guessed.
//!
//! The journal holds no secret: records are built from plans, cluster-file paths, certificate
//! serials, hashes and service states only.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use itl_core::cucm::{CertUnit, Service};
use itl_core::plan::GateKind;
use itl_core::time::UnixTime;
use serde::{Deserialize, Serialize};

/// The journal's file name inside its directory.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The lock file's name inside the directory.
pub const LOCK_FILE: &str = "lock";
/// The journal format written by this version.
pub const JOURNAL_FORMAT: u32 = 1;

/// What a run was started with: enough to resume it without the original command line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Begin {
    /// [`JOURNAL_FORMAT`].
    pub format: u32,
    /// When the run began.
    pub at: UnixTime,
    /// The cluster's name (`[cluster] name`).
    pub cluster: String,
    /// The cluster file, as an absolute path.
    pub cluster_file: PathBuf,
    /// The plan file, as an absolute path.
    pub plan_file: PathBuf,
    /// The plan's text as it was read (a later edit of the file does not change the run).
    pub plan: String,
    /// Phones reset per AXL batch.
    pub reset_batch: usize,
    /// Seconds between two reset batches.
    pub reset_interval_secs: u64,
    /// Whether every phase was confirmed in advance (`--yes`).
    pub yes: bool,
    /// The reason given with `--force`, if any.
    pub force: Option<String>,
    /// The factor applied to waits and timeouts (1 on a real cluster).
    #[serde(default = "one")]
    pub wait_scale: f64,
    /// Seconds a gate or a service may take before the run holds.
    #[serde(default = "ten_minutes")]
    pub gate_timeout_secs: u64,
    /// The platform administrator (the password is read again on resume, never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    /// The generation given on the command line, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<itl_core::cucm::Generation>,
    /// Where the `backup` step backs up to, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupTarget>,
}

fn one() -> f64 {
    1.0
}

fn ten_minutes() -> u64 {
    600
}

/// A DRS network (SFTP) backup destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupTarget {
    /// SFTP server.
    pub server: String,
    /// Directory on it.
    pub path: String,
    /// SFTP user.
    pub user: String,
    /// DRS features (`UCM`).
    pub features: Vec<String>,
}

/// One certificate serial seen on a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialFact {
    /// Node name.
    pub node: String,
    /// Unit.
    pub unit: CertUnit,
    /// Serial number, lower-case hex.
    pub serial: String,
    /// The subject's common name, when observed (a trust store names its copy of the
    /// certificate after it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cn: Option<String>,
}

/// One service's state seen on a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFact {
    /// Node name.
    pub node: String,
    /// Service.
    pub service: Service,
    /// The status as the interface sent it (`Started`, `Stopped`...).
    pub status: String,
    /// Seconds the service had been running when observed, when the interface said.
    pub up_secs: Option<i64>,
}

/// The hash of a file a TFTP node served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedFact {
    /// Node name.
    pub node: String,
    /// File name (`ITLFile.tlv`, `CTLFile.tlv`).
    pub file: String,
    /// SHA-256 of the bytes served, lower-case hex; `None` when the node served none.
    pub sha256: Option<String>,
}

/// A trust certificate present in a node's trust store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustFact {
    /// Node name.
    pub node: String,
    /// The trust store's entry as `show cert list trust` names it (`CallManager-trust/ucm-pub.pem`).
    pub entry: String,
}

/// What was observed of the cluster before or after a step: only the facts the step can
/// change, so that `resume` can tell whether a step that started also took effect.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// When it was observed.
    pub at: UnixTime,
    /// Certificate serials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<SerialFact>,
    /// Service states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceFact>,
    /// Hashes of served lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub served: Vec<ServedFact>,
    /// Trust certificates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trust: Vec<TrustFact>,
    /// Phones registered (RisPort), when counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<usize>,
    /// Time of the newest successful DRS backup, when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_backup: Option<UnixTime>,
}

impl Observation {
    /// An empty observation at `at`.
    pub fn at(at: UnixTime) -> Self {
        Self {
            at,
            ..Self::default()
        }
    }

    /// The certificate of `unit` on `node`, when observed.
    pub fn serial_fact(&self, node: &str, unit: CertUnit) -> Option<&SerialFact> {
        self.serials
            .iter()
            .find(|s| s.node == node && s.unit == unit)
    }

    /// The serial of `unit` on `node`, when observed.
    pub fn serial(&self, node: &str, unit: CertUnit) -> Option<&str> {
        self.serials
            .iter()
            .find(|s| s.node == node && s.unit == unit)
            .map(|s| s.serial.as_str())
    }

    /// The state of `service` on `node`, when observed.
    pub fn service(&self, node: &str, service: Service) -> Option<&ServiceFact> {
        self.services
            .iter()
            .find(|s| s.node == node && s.service == service)
    }

    /// The hash of `file` served by `node`, when observed (`Some(None)`: served nothing).
    pub fn served(&self, node: &str, file: &str) -> Option<Option<&str>> {
        self.served
            .iter()
            .find(|s| s.node == node && s.file == file)
            .map(|s| s.sha256.as_deref())
    }
}

/// How a step ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum StepOutcome {
    /// It ran and took effect.
    Done,
    /// After a crash, the observation showed that it had taken effect: not run again.
    Observed,
    /// Nothing to do (for example no old trust certificate left to delete).
    Skipped {
        /// Why.
        reason: String,
    },
    /// It failed; the run holds here.
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "kebab-case")]
pub enum Record {
    /// The first record: what the run was started with.
    Begin(Begin),
    /// A fact about the run worth keeping (an assumption, a forced refusal, a skipped check).
    Note {
        /// When.
        at: UnixTime,
        /// What.
        text: String,
    },
    /// A phase was confirmed and begins.
    PhaseStart {
        /// When.
        at: UnixTime,
        /// 1-based phase number.
        phase: usize,
    },
    /// A step starts; what it may change was observed just before.
    StepStart {
        /// When.
        at: UnixTime,
        /// The step's id (`3.2`: plan step 3, its second action).
        step: String,
        /// The command or request it sends.
        command: String,
        /// The facts before.
        before: Observation,
    },
    /// A step ended.
    StepEnd {
        /// When.
        at: UnixTime,
        /// The step's id.
        step: String,
        /// How.
        #[serde(flatten)]
        outcome: StepOutcome,
        /// The facts after.
        after: Observation,
    },
    /// Part of a batched step is done (phones reset, LSC operations requested): a resumed
    /// step skips them.
    Progress {
        /// When.
        at: UnixTime,
        /// The step's id.
        step: String,
        /// The phones this batch handled.
        done: Vec<String>,
    },
    /// A gate was judged.
    Gate {
        /// When.
        at: UnixTime,
        /// The gate's id in the program (`5.1`, `p2.registered`).
        step: String,
        /// Its phase.
        phase: usize,
        /// Which gate.
        gate: GateKind,
        /// Whether it passed.
        passed: bool,
        /// What it found (the phones or nodes that hold it, what stood in for unread pages).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        details: Vec<String>,
    },
    /// The run stopped and waits for `resume`.
    Held {
        /// When.
        at: UnixTime,
        /// The phase.
        phase: usize,
        /// Why.
        reason: String,
        /// What to do before `resume`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        what_to_do: Vec<String>,
    },
    /// A node's tomcat certificate changed under this run and was pinned again.
    Pin {
        /// When.
        at: UnixTime,
        /// Node.
        node: String,
        /// The old SHA-256 pin.
        old: String,
        /// The new SHA-256 pin.
        new: String,
    },
    /// The plan completed.
    Finished {
        /// When.
        at: UnixTime,
    },
}

impl Record {
    /// When the record was written.
    pub fn at(&self) -> UnixTime {
        match self {
            Record::Begin(b) => b.at,
            Record::Note { at, .. }
            | Record::PhaseStart { at, .. }
            | Record::StepStart { at, .. }
            | Record::StepEnd { at, .. }
            | Record::Progress { at, .. }
            | Record::Gate { at, .. }
            | Record::Held { at, .. }
            | Record::Pin { at, .. }
            | Record::Finished { at } => *at,
        }
    }
}

/// Why a journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// A file operation failed.
    #[error("journal {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Another process holds the lock.
    #[error("journal {0} is in use by another `itl regen` (its lock is held); wait for it to end")]
    Locked(PathBuf),
    /// `create` found a journal already there.
    #[error(
        "{0} already holds a journal; continue it with `itl regen resume --journal {0}` or choose another folder"
    )]
    Exists(PathBuf),
    /// `open` found no journal.
    #[error("{0} holds no journal ({JOURNAL_FILE} is missing)")]
    Missing(PathBuf),
    /// A whole line that is not a record.
    #[error("journal {path}, line {line}: {message}")]
    Corrupt {
        /// The journal file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The first record is not `begin`, or its format is not this version's.
    #[error("journal {path}: {message}")]
    Unsupported {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// An open, locked journal.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    file: File,
    _lock: File,
    records: Vec<Record>,
    torn: bool,
}

impl Journal {
    /// Creates a journal in `dir` (created when missing; it must hold no journal yet) and
    /// writes `begin` as its first record.
    pub fn create(dir: &Path, begin: Begin) -> Result<Self, JournalError> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let lock = lock(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    JournalError::Exists(dir.to_path_buf())
                } else {
                    io(&path, e)
                }
            })?;
        let mut journal = Self {
            dir: dir.to_path_buf(),
            file,
            _lock: lock,
            records: Vec::new(),
            torn: false,
        };
        journal.append(Record::Begin(begin))?;
        sync_dir(dir)?;
        Ok(journal)
    }

    /// Opens the journal in `dir` to continue it: takes the lock, reads every record, drops
    /// a torn last line.
    pub fn open(dir: &Path) -> Result<Self, JournalError> {
        let path = dir.join(JOURNAL_FILE);
        if !path.is_file() {
            return Err(JournalError::Missing(dir.to_path_buf()));
        }
        let lock = lock(dir)?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| io(&path, e))?;
        let parsed = parse(&path, &text)?;
        if parsed.whole_len < text.len() {
            file.set_len(parsed.whole_len as u64)
                .map_err(|e| io(&path, e))?;
            file.sync_all().map_err(|e| io(&path, e))?;
        }
        file.seek(SeekFrom::End(0)).map_err(|e| io(&path, e))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            _lock: lock,
            records: parsed.records,
            torn: parsed.whole_len < text.len(),
        })
    }

    /// Reads the journal in `dir` without locking or changing it (`itl regen status`).
    pub fn read(dir: &Path) -> Result<Vec<Record>, JournalError> {
        let path = dir.join(JOURNAL_FILE);
        if !path.is_file() {
            return Err(JournalError::Missing(dir.to_path_buf()));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        Ok(parse(&path, &text)?.records)
    }

    /// Appends one record and waits until it is on disk.
    pub fn append(&mut self, record: Record) -> Result<(), JournalError> {
        let path = self.dir.join(JOURNAL_FILE);
        let mut line = serde_json::to_string(&record).map_err(|e| JournalError::Corrupt {
            path: path.clone(),
            line: self.records.len() + 1,
            message: format!("cannot be written: {e}"),
        })?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(|e| io(&path, e))?;
        self.file.sync_data().map_err(|e| io(&path, e))?;
        self.records.push(record);
        Ok(())
    }

    /// Every record, oldest first.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `open` dropped a torn last line.
    pub fn was_torn(&self) -> bool {
        self.torn
    }
}

struct Parsed {
    records: Vec<Record>,
    /// Bytes up to and including the last newline.
    whole_len: usize,
}

fn parse(path: &Path, text: &str) -> Result<Parsed, JournalError> {
    let whole_len = text.rfind('\n').map_or(0, |i| i + 1);
    let mut records = Vec::new();
    for (index, line) in text[..whole_len].lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(line).map_err(|e| JournalError::Corrupt {
            path: path.to_path_buf(),
            line: index + 1,
            message: e.to_string(),
        })?;
        records.push(record);
    }
    match records.first() {
        Some(Record::Begin(b)) if b.format == JOURNAL_FORMAT => {}
        Some(Record::Begin(b)) => {
            return Err(JournalError::Unsupported {
                path: path.to_path_buf(),
                message: format!(
                    "format {} (this version reads format {JOURNAL_FORMAT})",
                    b.format
                ),
            });
        }
        Some(_) => {
            return Err(JournalError::Unsupported {
                path: path.to_path_buf(),
                message: "the first record is not `begin`".into(),
            });
        }
        None => {
            return Err(JournalError::Unsupported {
                path: path.to_path_buf(),
                message: "no whole record (the run crashed before its first record was written; start it again)".into(),
            });
        }
    }
    Ok(Parsed { records, whole_len })
}

fn lock(dir: &Path) -> Result<File, JournalError> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(JournalError::Locked(dir.to_path_buf())),
        Err(TryLockError::Error(e)) => Err(io(&path, e)),
    }
}

fn sync_dir(dir: &Path) -> Result<(), JournalError> {
    // Makes the new file's directory entry durable (POSIX); a no-op where directories
    // cannot be opened.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn io(path: &Path, source: std::io::Error) -> JournalError {
    JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests;
