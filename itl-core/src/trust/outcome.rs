//! The outcome vocabulary of `trust-and-procedure.md` §2.2, the typed reasons behind every
//! outcome, and the status messages a phone logs (§2.5, 8800 wording).

use super::file::FileHash;
use crate::{Function, ListKind, UnixTime};
use std::fmt;
use std::sync::Arc;

/// What happened to one file (or one config-file signer) on one phone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    /// `ACCEPT`: the signer is already trusted (in the phone's CTL or ITL).
    Accept,
    /// `ACCEPT_TVS`: the signer was unknown; a TVS server vouched for it (or the phone's TVS
    /// cache still held it).
    AcceptTvs {
        /// The TVS node that vouched.
        via: Arc<str>,
    },
    /// `ACCEPT_LOF`: the phone held no CTL and no ITL (leap of faith, R1).
    AcceptLof,
    /// `ACCEPT_ANY`: the phone holds a blank ITL (rollback, R2) and accepts anything.
    AcceptAny,
    /// `NO_CHANGE`: the served file is the installed one, or nothing was served.
    NoChange,
    /// `REJECT`: the file was refused; the phone keeps its old file.
    Reject,
    /// `REJECT_NO_ITL`: the ITL failed authentication against the CTL; the phone ends up with
    /// no ITL installed (R3).
    RejectNoItl,
    /// `MISSED`: the phone did not download (off, unregistered, TFTP unreachable; R6).
    Missed,
    /// `UNKNOWN`: the outcome cannot be predicted (the phone's current file is not in the
    /// archive, R9; or an undocumented case, R1b).
    Unknown,
    /// `BLOCKED`: fails for a reason other than the signature (size, TLS, LSC; R8).
    Blocked,
}

impl OutcomeKind {
    /// The label used by the documents: `ACCEPT`, `ACCEPT_TVS`, `ACCEPT_LOF`, `ACCEPT_ANY`,
    /// `NO_CHANGE`, `REJECT`, `REJECT_NO_ITL`, `MISSED`, `UNKNOWN`, `BLOCKED`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Accept => "ACCEPT",
            Self::AcceptTvs { .. } => "ACCEPT_TVS",
            Self::AcceptLof => "ACCEPT_LOF",
            Self::AcceptAny => "ACCEPT_ANY",
            Self::NoChange => "NO_CHANGE",
            Self::Reject => "REJECT",
            Self::RejectNoItl => "REJECT_NO_ITL",
            Self::Missed => "MISSED",
            Self::Unknown => "UNKNOWN",
            Self::Blocked => "BLOCKED",
        }
    }

    /// Whether the phone installed the file (any of the four `ACCEPT` kinds).
    pub fn is_accept(&self) -> bool {
        matches!(
            self,
            Self::Accept | Self::AcceptTvs { .. } | Self::AcceptLof | Self::AcceptAny
        )
    }

    /// Whether the phone ends up in trouble: `REJECT`, `REJECT_NO_ITL` or `BLOCKED`.
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Reject | Self::RejectNoItl | Self::Blocked)
    }
}

impl fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AcceptTvs { via } => write!(f, "ACCEPT_TVS via {via}"),
            other => f.write_str(other.label()),
        }
    }
}

/// An outcome and the chain of reasons that led to it, in the order they were established.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// The verdict.
    pub kind: OutcomeKind,
    /// Why, in order (e.g. "signer not in the ITL", then one entry per TVS node tried).
    pub reasons: Vec<Reason>,
}

impl Outcome {
    /// An outcome with its reasons.
    pub fn new(kind: OutcomeKind, reasons: Vec<Reason>) -> Self {
        Self { kind, reasons }
    }

    /// `MISSED`: the phone did not download during this step (R6). The caller decides this
    /// (the phone was off, unregistered or could not reach its TFTP server).
    pub fn missed() -> Self {
        Self::new(OutcomeKind::Missed, vec![Reason::NotDownloaded])
    }

    /// The document label of the kind (`ACCEPT_TVS`...).
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }

    /// Shorthand for `self.kind.is_accept()`.
    pub fn is_accept(&self) -> bool {
        self.kind.is_accept()
    }

    /// Shorthand for `self.kind.is_failure()`.
    pub fn is_failure(&self) -> bool {
        self.kind.is_failure()
    }

    /// Whether one of the reasons satisfies `pred`.
    pub fn has_reason(&self, pred: impl Fn(&Reason) -> bool) -> bool {
        self.reasons.iter().any(pred)
    }
}

impl fmt::Display for Outcome {
    /// `REJECT: signer CN=… (serial …) is not in the phone's ITL; TVS ucm-pub: certificate
    /// changed since the phone's ITL; …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        for (i, reason) in self.reasons.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{reason}")?;
        }
        Ok(())
    }
}

/// How a signer is shown: its subject and its serial number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignerName {
    /// Subject (SIGNER_NAME of the header, or the certificate subject in CUCM form).
    pub subject: Arc<str>,
    /// Serial number in CUCM form (`5C:3E:10:…`).
    pub serial: Arc<str>,
}

impl fmt::Display for SignerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (serial {})", self.subject, self.serial)
    }
}

/// One step of the reasoning behind an [`Outcome`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// R0: the served file is byte-identical to the installed one.
    Identical {
        /// CTL or ITL.
        file: ListKind,
    },
    /// R1: the phone held no CTL and no ITL.
    LeapOfFaith,
    /// R2: the phone holds a blank ITL (rollback parameter was True).
    BlankItlHeld,
    /// The signer is a certificate of the phone's CTL with this role.
    SignerInCtl {
        /// The signer.
        signer: SignerName,
        /// The role of the matching record.
        role: Function,
    },
    /// The signer is a certificate of the phone's ITL with this role.
    SignerInItl {
        /// The signer.
        signer: SignerName,
        /// The role of the matching record.
        role: Function,
    },
    /// A TVS server returned the signer's certificate (§2.3).
    TvsVouched {
        /// The TVS node.
        node: Arc<str>,
        /// The signer.
        signer: SignerName,
    },
    /// The signer was in the phone's TVS cache (24 h, §2.3 step 4, inferred).
    TvsCached {
        /// The node that vouched originally.
        node: Arc<str>,
        /// The signer.
        signer: SignerName,
        /// End of validity of the cache entry.
        expires: UnixTime,
    },
    /// The signer is not among the SAST records of the phone's CTL (or, for an ITL or a
    /// config file, not among the roles the CTL may vouch for).
    SignerNotInCtl {
        /// The signer.
        signer: SignerName,
    },
    /// The signer is not among the certificates of the phone's ITL that may sign this file.
    SignerNotInItl {
        /// The signer.
        signer: SignerName,
    },
    /// A leap-of-faith file whose signer is not one of its own SAST records.
    SignerNotInFile {
        /// The signer.
        signer: SignerName,
    },
    /// The signer was found but the signature does not verify with its key.
    SignatureInvalid {
        /// The signer.
        signer: SignerName,
    },
    /// The file names no signer or carries no signature.
    Unsigned,
    /// TVS node down, or TCP 2445 unreachable.
    TvsUnreachable {
        /// The TVS node.
        node: Arc<str>,
    },
    /// The node's TVS certificate is not a TVS record of the phone's current ITL.
    TvsCertChanged {
        /// The TVS node.
        node: Arc<str>,
    },
    /// The node's trust stores do not hold the signer.
    TvsDoesNotKnowSigner {
        /// The TVS node.
        node: Arc<str>,
        /// The signer.
        signer: SignerName,
    },
    /// The phone's CallManager group has no TVS server.
    NoTvsInGroup,
    /// The phone's ITL holds no TVS certificate (no ITL, ITL not installed, or blank), so
    /// no TVS server can be validated.
    NoTvsRecords,
    /// The phone model cannot use TVS (R7).
    NoTvsSupport {
        /// The model.
        model: Arc<str>,
    },
    /// R3: TVS is not consulted for an ITL while the phone holds a CTL (inferred).
    TvsNotUsedWithCtl,
    /// R1b: first CTL while holding an ITL, and nothing vouches for its signer; phone
    /// behaviour is undocumented.
    FirstCtlUndocumented,
    /// R8: the served ITL is over the phone's limit.
    ItlTooLarge {
        /// File size.
        bytes: usize,
        /// Certificates in the file.
        certs: usize,
    },
    /// R9: the phone's current file is in no archive, so the engine cannot evaluate it.
    FileNotInArchive {
        /// CTL or ITL.
        file: ListKind,
        /// The hash the phone reports.
        hash: FileHash,
    },
    /// Nothing of this kind was served (normal for the CTL of a non-secure cluster).
    NotServed {
        /// CTL or ITL.
        file: ListKind,
    },
    /// The served file does not parse.
    Malformed {
        /// CTL or ITL.
        file: ListKind,
        /// The parse error.
        error: Arc<str>,
    },
    /// A certificate given to the engine does not decode.
    BadCertificate {
        /// The decoding error.
        error: Arc<str>,
    },
    /// The served file is of the other kind.
    WrongKind {
        /// What was expected.
        expected: ListKind,
        /// What the file's FILENAME says (`None`: neither).
        found: Option<ListKind>,
    },
    /// R6: the phone did not download.
    NotDownloaded,
    /// R7: the model does not support Security By Default (7940/7960): it never downloads
    /// or holds an ITL, so ITL changes cannot lock it out.
    NoSecurityByDefault {
        /// The model.
        model: Arc<str>,
    },
    /// A phone with a TLS security profile holds no CTL.
    NoCtlForTls,
    /// The node's current CallManager certificate is not in the phone's CTL: TLS
    /// registration fails (inferred, §3 "mixed, 12.0+").
    CallManagerNotInCtl {
        /// The CallManager node.
        node: Arc<str>,
        /// Subject of its current CallManager certificate.
        subject: Arc<str>,
    },
    /// The current CAPF certificate is not in the phone's CTL: an LSC + TLS-profile phone
    /// stays "registering" (§3 "mixed, any: CAPF without CTL update").
    CapfNotInCtl {
        /// Subject of the current CAPF certificate.
        subject: Arc<str>,
    },
    /// The TLS peers (CallManager, and CAPF for LSC phones) are in the phone's CTL.
    TlsPeersInCtl,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Identical { file } => {
                write!(f, "the served {file} is byte-identical to the installed one")
            }
            Self::LeapOfFaith => f.write_str(
                "the phone held no CTL and no ITL: accepted on first use (leap of faith)",
            ),
            Self::BlankItlHeld => f.write_str(
                "the phone holds a blank ITL (rollback): any ITL and unsigned config is accepted",
            ),
            Self::SignerInCtl { signer, role } => {
                write!(f, "signer {signer} is a {role} certificate of the phone's CTL")
            }
            Self::SignerInItl { signer, role } => {
                write!(f, "signer {signer} is a {role} certificate of the phone's ITL")
            }
            Self::TvsVouched { node, signer } => {
                write!(f, "TVS {node}: vouched for signer {signer}")
            }
            Self::TvsCached {
                node,
                signer,
                expires,
            } => write!(
                f,
                "signer {signer} is in the phone's TVS cache (vouched by {node}, valid until {expires})"
            ),
            Self::SignerNotInCtl { signer } => {
                write!(f, "signer {signer} is not in the phone's CTL")
            }
            Self::SignerNotInItl { signer } => {
                write!(f, "signer {signer} is not in the phone's ITL")
            }
            Self::SignerNotInFile { signer } => {
                write!(f, "signer {signer} is not a SAST record of the file itself")
            }
            Self::SignatureInvalid { signer } => {
                write!(f, "the signature does not verify with the key of {signer}")
            }
            Self::Unsigned => f.write_str("the file names no signer or carries no signature"),
            Self::TvsUnreachable { node } => {
                write!(f, "TVS {node}: service down or TCP 2445 unreachable")
            }
            Self::TvsCertChanged { node } => {
                write!(f, "TVS {node}: certificate changed since the phone's ITL")
            }
            Self::TvsDoesNotKnowSigner { node, signer } => {
                write!(f, "TVS {node}: does not know signer {signer}")
            }
            Self::NoTvsInGroup => f.write_str("no TVS server in the phone's CallManager group"),
            Self::NoTvsRecords => f.write_str(
                "the phone's ITL holds no TVS certificate (none, not installed, or blank): TVS cannot be used",
            ),
            Self::NoTvsSupport { model } => write!(f, "{model} has no TVS support"),
            Self::TvsNotUsedWithCtl => f.write_str(
                "TVS is not consulted for an ITL while the phone holds a CTL (inferred)",
            ),
            Self::FirstCtlUndocumented => f.write_str(
                "first CTL while holding an ITL and nothing vouches for its signer: undocumented phone behaviour",
            ),
            Self::ItlTooLarge { bytes, certs } => write!(
                f,
                "the served ITL has {bytes} bytes and {certs} certificates, over the phone's limit (65535 bytes, 39 certificates)"
            ),
            Self::FileNotInArchive { file, hash } => {
                write!(f, "the phone's current {file} ({hash}) is in no archive")
            }
            Self::NotServed { file } => write!(f, "no {file} served"),
            Self::Malformed { file, error } => {
                write!(f, "the served {file} does not parse: {error}")
            }
            Self::BadCertificate { error } => write!(f, "certificate does not decode: {error}"),
            Self::WrongKind { expected, found } => {
                let found = ListKind::name_or_unknown(*found);
                write!(f, "a {expected} was expected, the served file is a {found}")
            }
            Self::NotDownloaded => f.write_str(
                "the phone did not download (off, unregistered, or TFTP unreachable)",
            ),
            Self::NoSecurityByDefault { model } => write!(
                f,
                "{model} does not support Security By Default: it never downloads an ITL"
            ),
            Self::NoCtlForTls => {
                f.write_str("TLS security profile, but the phone holds no CTL")
            }
            Self::CallManagerNotInCtl { node, subject } => write!(
                f,
                "CallManager certificate {subject} of {node} is not in the phone's CTL: TLS registration fails"
            ),
            Self::CapfNotInCtl { subject } => write!(
                f,
                "CAPF certificate {subject} is not in the phone's CTL: LSC/TLS phone stays registering"
            ),
            Self::TlsPeersInCtl => {
                f.write_str("the TLS peers' certificates are in the phone's CTL")
            }
        }
    }
}

/// A status message the phone logs (Settings › Status › Status Messages; 8800 wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusMessage {
    /// `Trust List updated`.
    TrustListUpdated,
    /// `Trust List update failed`.
    TrustListUpdateFailed,
    /// `CTL update failed`.
    CtlUpdateFailed,
    /// `CTL Installed`.
    CtlInstalled,
    /// `ITL installed`.
    ItlInstalled,
    /// `CTL and ITL installed`.
    CtlAndItlInstalled,
    /// `No Trust List installed` (blank ITL after rollback, or nothing at all).
    NoTrustListInstalled,
    /// `File Not Found <CTLFile.tlv>` (normal for the CTL of a non-secure cluster).
    FileNotFound(&'static str),
    /// `TVS added cert to TVS cache - expires in 24 hours`.
    TvsCacheAdded,
}

impl fmt::Display for StatusMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TrustListUpdated => f.write_str("Trust List updated"),
            Self::TrustListUpdateFailed => f.write_str("Trust List update failed"),
            Self::CtlUpdateFailed => f.write_str("CTL update failed"),
            Self::CtlInstalled => f.write_str("CTL Installed"),
            Self::ItlInstalled => f.write_str("ITL installed"),
            Self::CtlAndItlInstalled => f.write_str("CTL and ITL installed"),
            Self::NoTrustListInstalled => f.write_str("No Trust List installed"),
            Self::FileNotFound(name) => write!(f, "File Not Found <{name}>"),
            Self::TvsCacheAdded => f.write_str("TVS added cert to TVS cache - expires in 24 hours"),
        }
    }
}
