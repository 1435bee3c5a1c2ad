//! Classification, pure: what was observed of one phone (registration, web pages) plus the
//! reference lists each TFTP node serves and the archive → one [`PhoneState`] and its
//! [`Evidence`].
//!
//! The first rule that applies wins:
//!
//! | # | state | when |
//! |---|---|---|
//! | 1 | `unregistered` | RisPort says the phone is not registered (or does not know it) |
//! | 2 | `web-disabled` | RisPort `Httpd` = No, or the phone's web port refuses the connection |
//! | 3 | `not-scanned` | the sweep stopped before reaching the phone |
//! | 4 | `unreachable` | no address, no connection, or no complete answer in time (after one retry) |
//! | 5 | `unparseable` | an HTTP error status, an oversized or binary body, or an ITL field that is neither a hash nor a word for "none", or a page with no Network Setup field at all (no trust field, TFTP server, security mode or host name) |
//! | 6 | `no-trust-list` | the ITL field says none (`Not Installed`, `No`, empty), or the hash is an archived blank (rollback) ITL |
//! | 7 | `update-failed` | the latest trust-list status message since the phone's last boot is `Trust List update failed` / `CTL update failed` |
//! | 8 | `no-trust-info` | no page the phone links shows an ITL field (7940G, 7945G, 6921, DX80 pages) |
//! | 9 | `stale-itl` | the ITL is not the one the phone's TFTP server serves, and the archive saw it on this cluster |
//! | 10 | `foreign-itl` | … and the archive saw it on another cluster |
//! | 11 | `unknown-itl` | … and the archive never saw it (a first sweep cannot tell the two apart) |
//! | 12 | `ctl-mismatch` | the cluster serves a CTL (mixed mode) and the phone's CTL hash differs; the evidence says what the archive knows of the held CTL |
//! | 13 | `ok` | otherwise |
//!
//! Hashes match after [`itl_core::checksum::normalize_hex`]: 32 hex digits are compared with
//! MD5, 40 with SHA-1.
//!
//! Status messages survive a phone's reboot, so a failure may be history: a trust-list message
//! older than [`Observation::last_boot`] (the earliest the phone's last boot can have started,
//! by the phone's clock) is ignored, and of the rest the latest success or failure decides. A
//! failure followed by a success is never `update-failed` either. A message with a time of day
//! and no date (`9:52:58p`) is placed at the latest such time before the sweep (by the phone's
//! clock, when its zone is known): if that is before the last boot, every earlier day is too and
//! the message is ignored; otherwise it cannot be told (it may be from an earlier day), so a
//! failure counts and the evidence says the time was ambiguous.

use serde::{Deserialize, Serialize};

use super::page::{
    MessageTime, NetworkSetup, PhoneTime, StatusMessage, TrustField, last_trust_message,
};
use itl_core::cucm::PhoneState;
use itl_wire::archive::{Archive, ArchiveEntry};

/// The archived file a phone's hash matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedMatch {
    /// SHA-1 of the file (its name in the archive).
    pub sha1: String,
    /// Served name.
    pub name: String,
    /// The cluster it was seen on, when the archive recorded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// TFTP node it was first fetched from.
    pub node: String,
    /// When it was first fetched (RFC 3339 UTC).
    pub first_seen: String,
}

/// Why a phone has its state: the facts compared. Absent fields were not known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Evidence {
    /// The ITL hash the phone shows (normalised).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub itl_hash: Option<String>,
    /// The ITL field when it is not a hash (`Not Installed`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub itl_text: Option<String>,
    /// The CTL hash the phone shows (normalised).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctl_hash: Option<String>,
    /// The served ITL's hash, in the algorithm of `itl_hash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_itl: Option<String>,
    /// The served CTL's hash, in the algorithm of `ctl_hash` (MD5 when the phone shows none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_ctl: Option<String>,
    /// Which served file was the reference: `<node>/<file>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The archived file the ITL hash matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<ArchivedMatch>,
    /// The TFTP server compared against (the page's `TFTP server 1`, else the inventory's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tftp_server: Option<String>,
    /// The TVS servers the page lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tvs: Vec<String>,
    /// The phone's firmware: RisPort's `ActiveLoadID`, else what `/DeviceInformationX` says
    /// (read when AXL/RisPort gave no model or firmware).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firmware: Option<String>,
    /// The latest trust-list status message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Its time by the phone's clock (`YYYY-MM-DDTHH:MM:SS`, no zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_time: Option<String>,
    /// The HTTP status of the answer that decided (when not 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// RisPort registration status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    /// RisPort `Httpd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub httpd: Option<String>,
    /// The error that decided (connection, timeout, parse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The start of a page that was not understood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// Anything else worth knowing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Hashes of one served file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceFile {
    /// Served name.
    pub name: String,
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
}

impl ReferenceFile {
    /// The hashes of `bytes` served as `name`.
    pub fn of(name: &str, bytes: &[u8]) -> Self {
        let sums = itl_core::checksum::Checksums::of(bytes);
        Self {
            name: name.to_owned(),
            md5: hex::encode(sums.md5),
            sha1: hex::encode(sums.sha1),
        }
    }

    /// Whether a normalised hash (32 or 40 hex digits) is this file's.
    pub fn matches(&self, hash: &str) -> bool {
        match hash.len() {
            32 => self.md5 == hash,
            40 => self.sha1 == hash,
            _ => false,
        }
    }

    /// This file's hash in the algorithm of `like` (MD5 for 32 digits, SHA-1 for 40).
    pub fn hash_like(&self, like: &str) -> &str {
        if like.len() == 40 {
            &self.sha1
        } else {
            &self.md5
        }
    }
}

/// What one TFTP node serves now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    /// Node name.
    pub node: String,
    /// Names and addresses a phone may show for this node (compared case-insensitively).
    pub hosts: Vec<String>,
    /// The ITL it serves; `None` when it could not be fetched.
    pub itl: Option<ReferenceFile>,
    /// The CTL it serves; `None` when it serves none or it could not be fetched.
    pub ctl: Option<ReferenceFile>,
    /// Whether the CTL question was answered (fetched, or "not found").
    pub ctl_known: bool,
    /// Why the reference is incomplete.
    pub error: Option<String>,
}

/// The reference lists of every TFTP node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    /// One per TFTP node.
    pub nodes: Vec<Reference>,
    /// The swept cluster's name (the cluster file's `cluster.name`): an archived list seen on
    /// it is this cluster's, on another cluster another cluster's. `None`: the sweep does not
    /// know its cluster, so every archived list counts as this cluster's.
    pub cluster: Option<String>,
}

/// The host part of a server as a phone, a CSV or a cluster file writes it: scheme, port,
/// path and IPv6 brackets removed, lower case.
pub fn host_of(server: &str) -> String {
    let s = server.trim();
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let s = s.split('/').next().unwrap_or(s);
    let host = if let Some(rest) = s.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else if s.matches(':').count() == 1 {
        s.split(':').next().unwrap_or(s)
    } else {
        s
    };
    host.to_ascii_lowercase()
}

impl References {
    /// The reference of the node a phone names as its TFTP server (by name, short name or
    /// address).
    pub fn for_server(&self, server: &str) -> Option<&Reference> {
        let host = host_of(server);
        if host.is_empty() {
            return None;
        }
        let short = host.split('.').next().unwrap_or(&host);
        self.nodes.iter().find(|r| {
            r.hosts.iter().any(|h| {
                let h = host_of(h);
                h == host
                    || (!short.is_empty()
                        && h == short
                        && host.parse::<std::net::IpAddr>().is_err())
            })
        })
    }

    /// Whether the cluster serves a CTL (mixed mode).
    pub fn mixed(&self) -> bool {
        self.nodes.iter().any(|r| r.ctl.is_some())
    }

    /// A node whose current ITL has `hash`.
    pub fn serving_itl(&self, hash: &str) -> Option<(&Reference, &ReferenceFile)> {
        self.nodes
            .iter()
            .find_map(|r| r.itl.as_ref().filter(|f| f.matches(hash)).map(|f| (r, f)))
    }

    /// The cluster's CTL as one node serves it (the first node that serves one).
    pub fn any_ctl(&self) -> Option<(&Reference, &ReferenceFile)> {
        self.nodes
            .iter()
            .find_map(|r| r.ctl.as_ref().map(|f| (r, f)))
    }
}

/// RisPort's view of a phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationFacts {
    /// The status as RisPort spells it (`Registered`, `UnRegistered`, `Unknown`...).
    pub status: String,
    /// Whether that status is `Registered`.
    pub registered: bool,
    /// `Httpd`: `Some(false)` when the web server is off.
    pub httpd: Option<bool>,
    /// RisPort `TimeStamp`: Unix seconds (UTC) of the last state change, which for a
    /// registered phone is its registration after its last boot.
    pub since: Option<u64>,
    /// The firmware RisPort reports (`ActiveLoadID`).
    pub firmware: Option<String>,
}

/// What reading the phone's pages gave.
#[derive(Clone, Debug, PartialEq, Eq)]
// One per phone, moved once into its `Observation`: boxing the parsed page buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum WebResult {
    /// Not attempted: the sweep stopped first (or registration made it pointless).
    NotScanned,
    /// The inventory has no address for the phone.
    NoAddress,
    /// The web port refused or reset the connection.
    Refused {
        /// The error.
        error: String,
    },
    /// No connection or no complete answer in time.
    Unreachable {
        /// The error.
        error: String,
    },
    /// An answer that is not a page: an error status, a redirect, an oversized body, a
    /// broken transfer.
    BadAnswer {
        /// The status, when there was one.
        http_status: Option<u16>,
        /// The error.
        error: String,
    },
    /// A page that was not understood.
    Unparseable {
        /// Why.
        error: String,
        /// Its start.
        excerpt: String,
    },
    /// The Network Setup page, and the status messages when they could be read.
    Parsed {
        /// The trust fields.
        setup: NetworkSetup,
        /// The status messages, or why they could not be read.
        messages: Result<Vec<StatusMessage>, String>,
    },
}

/// Everything observed of one phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// RisPort's view; `None` without RisPort (inventory file).
    pub registration: Option<RegistrationFacts>,
    /// What the web pages gave.
    pub web: WebResult,
    /// The inventory's TFTP server for the phone.
    pub inventory_tftp: Option<String>,
    /// The phone's own `ITLSEP<MAC>.tlv`, when fetched (`--per-phone-files`); it replaces the
    /// node's `ITLFile.tlv` as the reference.
    pub per_phone_itl: Option<ReferenceFile>,
    /// The earliest time, by the phone's clock, its last boot can have started (see
    /// [`crate::sweep::clock::boot_floor`]); trust-list messages older than this are from before
    /// that boot and are ignored. `None`: unknown, every message counts.
    pub last_boot: Option<PhoneTime>,
    /// When the sweep read the phone, by the phone's clock (known when the phones' time zone
    /// is): places messages that carry a time of day only.
    pub now: Option<PhoneTime>,
}

/// Whether a status message is from since the phone's last boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SinceBoot {
    Yes,
    No,
    /// A time of day only, not placeable before the boot: it may be from an earlier day.
    Ambiguous,
}

fn since_boot(time: MessageTime, boot: Option<PhoneTime>, now: Option<PhoneTime>) -> SinceBoot {
    match (time, boot) {
        (MessageTime::At(_), None) => SinceBoot::Yes,
        (MessageTime::TimeOfDay(_), None) => SinceBoot::Ambiguous,
        (MessageTime::At(t), Some(boot)) if t >= boot => SinceBoot::Yes,
        (MessageTime::At(_), Some(_)) => SinceBoot::No,
        (MessageTime::TimeOfDay(tod), Some(boot)) => match now {
            Some(now) if tod.latest_at_or_before(now) < boot => SinceBoot::No,
            _ => SinceBoot::Ambiguous,
        },
    }
}

/// What the archive knows of a list no TFTP node serves now.
fn archived_origin(entry: Option<&ArchiveEntry>, cluster: Option<&str>) -> Origin {
    match (entry, cluster) {
        (None, _) => Origin::Unknown,
        (Some(e), Some(this)) => match e.cluster.as_deref() {
            Some(seen) if !seen.eq_ignore_ascii_case(this) => Origin::Other(seen.to_owned()),
            _ => Origin::ThisCluster,
        },
        (Some(_), None) => Origin::ThisCluster,
    }
}

enum Origin {
    ThisCluster,
    Other(String),
    Unknown,
}

/// A state and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The state.
    pub state: PhoneState,
    /// The evidence.
    pub evidence: Evidence,
}

/// The evidence note of a `no-trust-info` phone.
pub const NO_TRUST_INFO_NOTE: &str =
    "the phone's web pages do not show its trust lists; check it on the handset";

/// The evidence note of an `unknown-itl` phone.
pub const UNKNOWN_ITL_NOTE: &str = "no TFTP node serves this ITL and no earlier sweep archived it: it is an older list of this cluster or another cluster's; sweep before every change so that later sweeps can tell";

/// Classifies one phone (see the module documentation for the rules).
pub fn classify(obs: &Observation, refs: &References, archive: &Archive) -> Verdict {
    let mut ev = Evidence::default();
    let done = |state, evidence| Verdict { state, evidence };
    if let Some(reg) = &obs.registration {
        ev.registration = Some(reg.status.clone());
        ev.httpd = reg.httpd.map(|h| if h { "Yes" } else { "No" }.to_owned());
        if !reg.registered {
            return done(PhoneState::Unregistered, ev);
        }
        if reg.httpd == Some(false) {
            return done(PhoneState::WebDisabled, ev);
        }
    }
    let (setup, messages) = match &obs.web {
        WebResult::NotScanned => return done(PhoneState::NotScanned, ev),
        WebResult::NoAddress => {
            ev.error = Some("no address for the phone".into());
            return done(PhoneState::Unreachable, ev);
        }
        WebResult::Refused { error } => {
            ev.error = Some(error.clone());
            return done(PhoneState::WebDisabled, ev);
        }
        WebResult::Unreachable { error } => {
            ev.error = Some(error.clone());
            return done(PhoneState::Unreachable, ev);
        }
        WebResult::BadAnswer { http_status, error } => {
            ev.http_status = *http_status;
            ev.error = Some(error.clone());
            return done(PhoneState::Unparseable, ev);
        }
        WebResult::Unparseable { error, excerpt } => {
            ev.error = Some(error.clone());
            ev.excerpt = Some(excerpt.clone());
            return done(PhoneState::Unparseable, ev);
        }
        WebResult::Parsed { setup, messages } => (setup, messages),
    };

    ev.tvs = setup.tvs.clone();
    let server = setup
        .tftp_server_1
        .clone()
        .or_else(|| obs.inventory_tftp.clone().filter(|s| !s.trim().is_empty()));
    ev.tftp_server = server.clone();
    let own = server.as_deref().and_then(|s| refs.for_server(s));
    match (&server, own) {
        (None, _) => ev
            .notes
            .push("no TFTP server on the page or in the inventory".into()),
        (Some(s), None) => ev
            .notes
            .push(format!("TFTP server {s} is not a known TFTP node")),
        (Some(_), Some(r)) if r.itl.is_none() => ev.notes.push(format!(
            "the ITL of {} could not be fetched{}",
            r.node,
            r.error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        )),
        _ => {}
    }
    let last = match messages {
        Ok(list) => {
            let since = |m: &StatusMessage| since_boot(m.time, obs.last_boot, obs.now);
            let recent: Vec<StatusMessage> = list
                .iter()
                .filter(|m| since(m) != SinceBoot::No)
                .cloned()
                .collect();
            let last = last_trust_message(&recent).cloned();
            if let Some(boot) = obs.last_boot
                && let Some(old) = last_trust_message(list)
                && since(old) == SinceBoot::No
                && old.kind.is_failure()
            {
                ev.notes.push(format!(
                    "\"{}\" at {} is older than the phone's last boot (not before {boot}): ignored",
                    old.text, old.time
                ));
            }
            if let Some(m) = &last
                && m.kind.is_failure()
                && since(m) == SinceBoot::Ambiguous
            {
                ev.notes.push(format!(
                    "\"{}\" carries a time of day only ({}): it cannot be told whether it is older than the phone's last boot, so it counts",
                    m.text, m.time
                ));
            }
            last
        }
        Err(e) => {
            ev.notes.push(format!("status messages not read: {e}"));
            None
        }
    };
    if let Some(m) = &last {
        ev.message = Some(m.text.clone());
        ev.message_time = Some(m.time.to_string());
    }
    let failed = last.as_ref().is_some_and(|m| m.kind.is_failure());
    if let Some(ctl) = setup.ctl_hash() {
        ev.ctl_hash = Some(ctl.to_owned());
    }

    // The ITL.
    let hashes = setup.itl_hashes();
    let Some(&shown) = hashes.first() else {
        if !setup.has_itl_field() {
            // No page shows an ITL field: the trust lists are on the handset only.
            if failed {
                return done(PhoneState::UpdateFailed, ev);
            }
            if setup.trust_fields_present() {
                ev.notes
                    .push("the pages show CTL or TVS fields but no ITL field".into());
            }
            ev.notes.push(NO_TRUST_INFO_NOTE.into());
            return done(PhoneState::NoTrustInfo, ev);
        }
        let field = setup.itl_signature.iter().chain(setup.itl_file.iter());
        let texts: Vec<&TrustField> = field.collect();
        // No hash: `Installed` without a signature hash, a redacted hash or other text is
        // not understood; only an absence word means no list.
        if let Some(shown) = texts.iter().find(|f| !f.is_absent()) {
            ev.itl_text = Some(shown.shown().to_owned());
            ev.error = Some("the ITL field is neither a hash nor empty".into());
            return done(PhoneState::Unparseable, ev);
        }
        ev.itl_text = texts.first().map(|f| f.shown().to_owned());
        return done(PhoneState::NoTrustList, ev);
    };
    ev.itl_hash = Some(shown.to_owned());
    let own_itl = obs
        .per_phone_itl
        .as_ref()
        .or_else(|| own.and_then(|r| r.itl.as_ref()));
    if let (Some(r), Some(file)) = (own, own_itl) {
        ev.reference = Some(format!("{}/{}", r.node, file.name));
        ev.expected_itl = Some(file.hash_like(shown).to_owned());
    }
    let current = own_itl.is_some_and(|f| hashes.iter().any(|h| f.matches(h)));
    let archived = hashes.iter().find_map(|h| archive.lookup(h));
    if let Some(a) = archived {
        ev.archived = Some(ArchivedMatch {
            sha1: a.sha1.clone(),
            cluster: a.cluster.clone(),
            name: a.name.clone(),
            node: a.node.clone(),
            first_seen: a.first_seen.clone(),
        });
        if a.blank {
            ev.notes.push("the ITL is a blank (rollback) ITL".into());
            return done(PhoneState::NoTrustList, ev);
        }
    }
    // A current list of another node (the phone's server unknown or its fetch failed).
    let elsewhere = if current || own_itl.is_some() {
        None
    } else {
        hashes.iter().find_map(|h| refs.serving_itl(h))
    };
    if failed {
        return done(PhoneState::UpdateFailed, ev);
    }
    if !current {
        match elsewhere {
            Some((r, f)) => {
                ev.notes.push(format!(
                    "matches the ITL {} serves now; the phone's own TFTP server gave no reference",
                    r.node
                ));
                ev.reference = Some(format!("{}/{}", r.node, f.name));
                ev.expected_itl = Some(f.hash_like(shown).to_owned());
            }
            None => match archived_origin(archived, refs.cluster.as_deref()) {
                Origin::ThisCluster => return done(PhoneState::StaleItl, ev),
                Origin::Other(cluster) => {
                    ev.notes.push(format!(
                        "an earlier sweep saw this ITL on cluster {cluster}"
                    ));
                    return done(PhoneState::ForeignItl, ev);
                }
                Origin::Unknown => {
                    ev.notes.push(UNKNOWN_ITL_NOTE.into());
                    return done(PhoneState::UnknownItl, ev);
                }
            },
        }
    }

    // The CTL, in mixed mode.
    if refs.mixed() {
        let ctl = own
            .and_then(|r| r.ctl.as_ref().map(|f| (r, f)))
            .or_else(|| refs.any_ctl());
        if let Some((r, file)) = ctl {
            let phone = setup.ctl_hash();
            ev.expected_ctl = Some(file.hash_like(phone.unwrap_or("")).to_owned());
            if ev.reference.is_none() {
                ev.reference = Some(format!("{}/{}", r.node, file.name));
            }
            if !phone.is_some_and(|h| file.matches(h)) {
                let held = phone.and_then(|h| archive.lookup(h));
                ev.notes.push(match (phone, archived_origin(held, refs.cluster.as_deref())) {
                    (None, _) => "the phone shows no CTL hash".to_owned(),
                    (Some(_), Origin::ThisCluster) => {
                        "the held CTL is an older CTL of this cluster (archived)".to_owned()
                    }
                    (Some(_), Origin::Other(c)) => {
                        format!("the held CTL is another cluster's: an earlier sweep saw it on {c}")
                    }
                    (Some(_), Origin::Unknown) => {
                        "the held CTL is unknown: no TFTP node serves it and no earlier sweep archived it"
                            .to_owned()
                    }
                });
                return done(PhoneState::CtlMismatch, ev);
            }
        }
    }
    done(PhoneState::Ok, ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::page::{MessageKind, MessageTime, PhoneTime};

    const SERVED_ITL: &[u8] = b"itl v1 of ucm-pub";
    const OLD_ITL: &[u8] = b"itl v0 of ucm-pub";
    const SERVED_CTL: &[u8] = b"ctl v1";

    fn file(name: &str, bytes: &[u8]) -> ReferenceFile {
        ReferenceFile::of(name, bytes)
    }

    fn refs(mixed: bool) -> References {
        References {
            nodes: vec![Reference {
                node: "ucm-pub".into(),
                hosts: vec!["ucm-pub".into(), "127.0.1.1".into()],
                itl: Some(file("ITLFile.tlv", SERVED_ITL)),
                ctl: mixed.then(|| file("CTLFile.tlv", SERVED_CTL)),
                ctl_known: true,
                error: None,
            }],
            cluster: Some("east".into()),
        }
    }

    fn archive() -> Archive {
        let mut a = Archive::in_memory();
        a.add(
            OLD_ITL,
            Some("east"),
            "ucm-pub",
            "ITLFile.tlv",
            1_748_000_000,
        )
        .expect("add");
        a.add(
            SERVED_ITL,
            Some("east"),
            "ucm-pub",
            "ITLFile.tlv",
            1_748_779_200,
        )
        .expect("add");
        a
    }

    fn msg(secs: i64, text: &str) -> StatusMessage {
        StatusMessage {
            time: MessageTime::At(PhoneTime { secs }),
            text: text.into(),
            kind: MessageKind::of(text),
        }
    }

    fn parsed(itl: &str, ctl: &str, messages: Vec<StatusMessage>) -> Observation {
        Observation {
            registration: None,
            web: WebResult::Parsed {
                setup: NetworkSetup {
                    itl_file: Some(TrustField::parse(itl)),
                    itl_signature: Some(TrustField::parse(itl)),
                    ctl_file: Some(TrustField::parse(ctl)),
                    tftp_server_1: Some("127.0.1.1".into()),
                    tvs: vec!["127.0.1.1".into()],
                    ..NetworkSetup::default()
                },
                messages: Ok(messages),
            },
            inventory_tftp: None,
            per_phone_itl: None,
            last_boot: None,
            now: None,
        }
    }

    fn md5(bytes: &[u8]) -> String {
        file("x", bytes).md5
    }

    fn sha1(bytes: &[u8]) -> String {
        file("x", bytes).sha1
    }

    fn state(obs: &Observation, mixed: bool) -> PhoneState {
        classify(obs, &refs(mixed), &archive()).state
    }

    /// The verdict on `obs` (not mixed mode), asserted update-failed by the message of `time`.
    fn update_failed_at(obs: &Observation, time: &str) -> Verdict {
        let v = classify(obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::UpdateFailed);
        assert_eq!(v.evidence.message_time.as_deref(), Some(time));
        v
    }

    #[test]
    fn ok_with_md5_and_with_sha1() {
        let obs = parsed(
            &md5(SERVED_ITL).to_uppercase(),
            "",
            vec![msg(1, "ITL installed")],
        );
        let v = classify(&obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::Ok);
        assert_eq!(
            v.evidence,
            Evidence {
                itl_hash: Some(md5(SERVED_ITL)),
                expected_itl: Some(md5(SERVED_ITL)),
                reference: Some("ucm-pub/ITLFile.tlv".into()),
                archived: Some(ArchivedMatch {
                    sha1: sha1(SERVED_ITL),
                    cluster: Some("east".into()),
                    name: "ITLFile.tlv".into(),
                    node: "ucm-pub".into(),
                    first_seen: "2025-06-01T12:00:00Z".into(),
                }),
                tftp_server: Some("127.0.1.1".into()),
                tvs: vec!["127.0.1.1".into()],
                message: Some("ITL installed".into()),
                message_time: Some("1970-01-01T00:00:01".into()),
                ..Evidence::default()
            }
        );
        assert_eq!(
            state(&parsed(&sha1(SERVED_ITL), "", vec![]), false),
            PhoneState::Ok
        );
    }

    #[test]
    fn stale_and_its_twin() {
        let stale = parsed(&md5(OLD_ITL), "", vec![]);
        let v = classify(&stale, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::StaleItl);
        assert_eq!(v.evidence.expected_itl, Some(md5(SERVED_ITL)));
        assert_eq!(
            v.evidence.archived.map(|a| a.first_seen),
            Some("2025-05-23T11:33:20Z".into())
        );
        // Twin: the served hash is ok.
        assert_eq!(
            state(&parsed(&md5(SERVED_ITL), "", vec![]), false),
            PhoneState::Ok
        );
    }

    #[test]
    fn unknown_stale_and_foreign_by_what_the_archive_knows() {
        let held = parsed(&md5(b"someone else's"), "", vec![]);
        // Never archived: an older list of this cluster or another cluster's, nobody can tell.
        let v = classify(&held, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::UnknownItl);
        assert_eq!(v.evidence.notes, vec![UNKNOWN_ITL_NOTE.to_owned()]);
        // Archived on another cluster: foreign, and the evidence names the cluster.
        let mut other = archive();
        other
            .add(b"someone else's", Some("west"), "cucm-b", "ITLFile.tlv", 0)
            .expect("add");
        let v = classify(&held, &refs(false), &other);
        assert_eq!(v.state, PhoneState::ForeignItl);
        assert_eq!(
            v.evidence.notes,
            vec!["an earlier sweep saw this ITL on cluster west".to_owned()]
        );
        // Archived on this cluster (names compare case-insensitively): stale.
        let mut ours = archive();
        ours.add(
            b"someone else's",
            Some("EAST"),
            "ucm-sub9",
            "ITLFile.tlv",
            0,
        )
        .expect("add");
        assert_eq!(
            classify(&held, &refs(false), &ours).state,
            PhoneState::StaleItl
        );
        // A sweep that knows no cluster name takes every archived list as its own, and an
        // entry without a cluster (older archives) counts as this cluster's.
        let mut nameless = refs(false);
        nameless.cluster = None;
        assert_eq!(
            classify(&held, &nameless, &other).state,
            PhoneState::StaleItl
        );
        let mut legacy = archive();
        legacy
            .add(b"someone else's", None, "ucm-sub9", "ITLFile.tlv", 0)
            .expect("add");
        assert_eq!(
            classify(&held, &refs(false), &legacy).state,
            PhoneState::StaleItl
        );
    }

    #[test]
    fn update_failed_wins_over_unknown_stale_and_foreign() {
        let failed = vec![msg(5, "Trust List update failed")];
        for (hash, archive_cluster) in [
            (md5(b"never seen"), None),
            (md5(OLD_ITL), None),
            (md5(b"west's list"), Some("west")),
        ] {
            let mut a = archive();
            if let Some(c) = archive_cluster {
                a.add(b"west's list", Some(c), "cucm-b", "ITLFile.tlv", 0)
                    .expect("add");
            }
            let obs = parsed(&hash, "", failed.clone());
            assert_eq!(
                classify(&obs, &refs(false), &a).state,
                PhoneState::UpdateFailed
            );
            // Twin: without the failure the list's own state shows.
            let quiet = parsed(&hash, "", vec![]);
            assert_ne!(
                classify(&quiet, &refs(false), &a).state,
                PhoneState::UpdateFailed
            );
        }
    }

    #[test]
    fn pages_without_trust_fields_are_no_trust_info() {
        let mut obs = parsed("", "", vec![msg(1, "ITL installed")]);
        if let WebResult::Parsed { setup, .. } = &mut obs.web {
            *setup = NetworkSetup {
                tftp_server_1: Some("127.0.1.1".into()),
                ..NetworkSetup::default()
            };
        }
        let v = classify(&obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::NoTrustInfo);
        // What the page does say is still reported.
        assert_eq!(v.evidence.tftp_server.as_deref(), Some("127.0.1.1"));
        assert_eq!(v.evidence.message.as_deref(), Some("ITL installed"));
        // A failure since the boot is a problem even without a trust field.
        let mut failed = obs.clone();
        if let WebResult::Parsed { messages, .. } = &mut failed.web {
            *messages = Ok(vec![msg(9, "Trust List update failed")]);
        }
        assert_eq!(
            classify(&failed, &refs(false), &archive()).state,
            PhoneState::UpdateFailed
        );
        // Twin: an ITL field that says "Not Installed" is a phone without a list.
        assert_eq!(
            state(&parsed("Not Installed", "", vec![]), false),
            PhoneState::NoTrustList
        );
    }

    #[test]
    fn time_of_day_messages_are_placed_against_the_boot_when_they_can_be() {
        let tod = |secs: u32, text: &str| StatusMessage {
            time: MessageTime::TimeOfDay(crate::sweep::page::TimeOfDay { secs }),
            text: text.into(),
            kind: MessageKind::of(text),
        };
        // The sweep runs at 12:00 on day 10; the phone booted at 09:00 that day.
        let day = 10 * 86_400;
        let mut obs = parsed(
            &md5(SERVED_ITL),
            "",
            vec![tod(8 * 3600, "Trust List update failed")],
        );
        obs.last_boot = Some(PhoneTime {
            secs: day + 9 * 3600,
        });
        obs.now = Some(PhoneTime {
            secs: day + 12 * 3600,
        });
        // 08:00 is before the boot today, and every earlier 08:00 is too: ignored.
        let v = classify(&obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::Ok);
        // 10:00 is after the boot today but may be from an earlier day: it counts, and the
        // evidence says the time was ambiguous.
        if let WebResult::Parsed { messages, .. } = &mut obs.web {
            *messages = Ok(vec![tod(10 * 3600, "Trust List update failed")]);
        }
        let v = classify(&obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::UpdateFailed);
        assert!(
            v.evidence
                .notes
                .iter()
                .any(|n| n.contains("time of day only")),
            "{:?}",
            v.evidence.notes
        );
        // Without the phones' zone there is no "now" to place it: it counts too.
        obs.now = None;
        if let WebResult::Parsed { messages, .. } = &mut obs.web {
            *messages = Ok(vec![tod(8 * 3600, "Trust List update failed")]);
        }
        assert_eq!(
            classify(&obs, &refs(false), &archive()).state,
            PhoneState::UpdateFailed
        );
    }

    #[test]
    fn ctl_mismatch_and_its_twin() {
        let wrong = parsed(&md5(SERVED_ITL), &md5(b"old ctl"), vec![]);
        let v = classify(&wrong, &refs(true), &archive());
        assert_eq!(v.state, PhoneState::CtlMismatch);
        assert_eq!(v.evidence.expected_ctl, Some(md5(SERVED_CTL)));
        assert_eq!(
            v.evidence.notes,
            vec![
                "the held CTL is unknown: no TFTP node serves it and no earlier sweep archived it"
                    .to_owned()
            ]
        );
        let mut a = archive();
        a.add(b"old ctl", Some("east"), "ucm-pub", "CTLFile.tlv", 0)
            .expect("add");
        assert_eq!(
            classify(&wrong, &refs(true), &a).evidence.notes,
            vec!["the held CTL is an older CTL of this cluster (archived)".to_owned()]
        );
        assert_eq!(
            state(&parsed(&md5(SERVED_ITL), "", vec![]), true),
            PhoneState::CtlMismatch
        );
        // Twins: the served CTL is ok; a non-secure cluster ignores the CTL.
        assert_eq!(
            state(&parsed(&md5(SERVED_ITL), &md5(SERVED_CTL), vec![]), true),
            PhoneState::Ok
        );
        assert_eq!(state(&wrong, false), PhoneState::Ok);
    }

    #[test]
    fn no_trust_list_and_its_twin() {
        for shown in ["Not Installed", "No", ""] {
            let v = classify(&parsed(shown, "", vec![]), &refs(false), &archive());
            assert_eq!(v.state, PhoneState::NoTrustList, "{shown:?}");
            assert_eq!(v.evidence.itl_text.as_deref(), Some(shown));
        }
        // A blank rollback ITL from the archive.
        let dir = itl_testkit::TempDir::new("sweep-blank");
        let blank_md5 = md5(b"blank");
        let index = serde_json::json!({"files": [{
            "sha1": sha1(b"blank"), "md5": blank_md5, "sha256": "0".repeat(64),
            "first_seen": "2025-01-01T00:00:00Z", "node": "ucm-pub", "name": "ITLFile.tlv",
            "kind": "ITL", "size": 5, "blank": true,
        }]});
        dir.write(itl_wire::archive::INDEX_FILE, index.to_string());
        let with_blank = Archive::open(dir.path()).expect("opens");
        let v = classify(&parsed(&blank_md5, "", vec![]), &refs(false), &with_blank);
        assert_eq!(v.state, PhoneState::NoTrustList);
        assert_eq!(
            v.evidence.notes,
            vec!["the ITL is a blank (rollback) ITL".to_owned()]
        );
        let mut a = archive();
        let blank = crate::test_files::fixture("itl-12-sha512.tlv");
        let (entry, _) = a
            .add(&blank, Some("east"), "n", "ITLFile.tlv", 0)
            .expect("add");
        assert!(!entry.blank, "the fixture is a full ITL: the twin");
        assert_eq!(
            classify(&parsed(&entry.md5, "", vec![]), &refs(false), &a).state,
            PhoneState::StaleItl
        );
        // Text that is neither is unparseable.
        let v = classify(&parsed("Installed", "", vec![]), &refs(false), &archive());
        assert_eq!(v.state, PhoneState::Unparseable);
        assert_eq!(v.evidence.itl_text.as_deref(), Some("Installed"));
    }

    #[test]
    fn update_failed_and_its_twin() {
        let failed = parsed(
            &md5(OLD_ITL),
            "",
            vec![
                msg(10, "ITL installed"),
                msg(20, "Trust List update failed"),
            ],
        );
        let v = update_failed_at(&failed, "1970-01-01T00:00:20");
        assert_eq!(
            v.evidence.message.as_deref(),
            Some("Trust List update failed")
        );
        // Twin: a success after the failure.
        let recovered = parsed(
            &md5(SERVED_ITL),
            "",
            vec![
                msg(20, "Trust List update failed"),
                msg(30, "Trust List updated"),
            ],
        );
        assert_eq!(state(&recovered, false), PhoneState::Ok);
        // A newest-first page: order by time, not by row.
        let newest_first = parsed(
            &md5(SERVED_ITL),
            "",
            vec![
                msg(30, "Trust List updated"),
                msg(20, "Trust List update failed"),
            ],
        );
        assert_eq!(state(&newest_first, false), PhoneState::Ok);
    }

    #[test]
    fn failures_older_than_the_last_boot_are_ignored() {
        // Failed at 20 s; the phone booted again (not before 100 s) and logged no trust-list
        // result since: the failure is history.
        let history = vec![
            msg(10, "ITL installed"),
            msg(20, "Trust List update failed"),
            msg(110, "File Not Found <CTLFile.tlv>"),
        ];
        let mut obs = parsed(&md5(SERVED_ITL), "", history.clone());
        obs.last_boot = Some(PhoneTime { secs: 100 });
        let v = classify(&obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::Ok);
        assert_eq!((v.evidence.message, v.evidence.message_time), (None, None));
        assert_eq!(
            v.evidence.notes,
            vec![
                "\"Trust List update failed\" at 1970-01-01T00:00:20 is older than the phone's \
                 last boot (not before 1970-01-01T00:01:40): ignored"
                    .to_owned()
            ]
        );
        // The same page while holding the old list: stale, not update-failed.
        let mut old = parsed(&md5(OLD_ITL), "", history.clone());
        old.last_boot = Some(PhoneTime { secs: 100 });
        assert_eq!(state(&old, false), PhoneState::StaleItl);
        // Twin: without a boot time the failure is the latest result.
        let unknown_boot = parsed(&md5(SERVED_ITL), "", history.clone());
        assert_eq!(state(&unknown_boot, false), PhoneState::UpdateFailed);
        // Twin: the boot came before the failure (a failure of that boot counts).
        let mut at_boot = parsed(&md5(SERVED_ITL), "", history.clone());
        at_boot.last_boot = Some(PhoneTime { secs: 20 });
        let v = update_failed_at(&at_boot, "1970-01-01T00:00:20");
        assert!(v.evidence.notes.is_empty(), "{:?}", v.evidence.notes);
        // A failure after the boot counts even when an older success exists.
        let mut after = parsed(
            &md5(OLD_ITL),
            "",
            vec![
                msg(10, "Trust List update failed"),
                msg(105, "Trust List updated"),
                msg(120, "Trust List update failed"),
            ],
        );
        after.last_boot = Some(PhoneTime { secs: 100 });
        update_failed_at(&after, "1970-01-01T00:02:00");
        // A success after the boot, then nothing: ok, and the old failure is noted nowhere
        // (a later success hides it anyway).
        let mut recovered = parsed(
            &md5(SERVED_ITL),
            "",
            vec![
                msg(10, "Trust List update failed"),
                msg(105, "Trust List updated"),
            ],
        );
        recovered.last_boot = Some(PhoneTime { secs: 100 });
        let v = classify(&recovered, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::Ok);
        assert_eq!(v.evidence.message.as_deref(), Some("Trust List updated"));
        assert!(v.evidence.notes.is_empty(), "{:?}", v.evidence.notes);
    }

    #[test]
    fn registration_and_web_states_with_twins() {
        let ok = parsed(&md5(SERVED_ITL), "", vec![]);
        let with = |registered, httpd| Observation {
            registration: Some(RegistrationFacts {
                status: if registered {
                    "Registered"
                } else {
                    "UnRegistered"
                }
                .into(),
                registered,
                httpd,
                since: None,
                firmware: None,
            }),
            ..ok.clone()
        };
        assert_eq!(
            state(&with(false, Some(true)), false),
            PhoneState::Unregistered
        );
        assert_eq!(
            state(&with(true, Some(false)), false),
            PhoneState::WebDisabled
        );
        assert_eq!(state(&with(true, Some(true)), false), PhoneState::Ok);
        assert_eq!(state(&with(true, None), false), PhoneState::Ok);
        let web = |web| Observation { web, ..ok.clone() };
        assert_eq!(
            state(
                &web(WebResult::Refused {
                    error: "refused".into()
                }),
                false
            ),
            PhoneState::WebDisabled
        );
        assert_eq!(
            state(&web(WebResult::Unreachable { error: "t".into() }), false),
            PhoneState::Unreachable
        );
        assert_eq!(
            state(&web(WebResult::NoAddress), false),
            PhoneState::Unreachable
        );
        assert_eq!(
            state(&web(WebResult::NotScanned), false),
            PhoneState::NotScanned
        );
        let bad = classify(
            &web(WebResult::BadAnswer {
                http_status: Some(404),
                error: "HTTP 404".into(),
            }),
            &refs(false),
            &archive(),
        );
        assert_eq!(
            (bad.state, bad.evidence.http_status),
            (PhoneState::Unparseable, Some(404))
        );
        let unparseable = classify(
            &web(WebResult::Unparseable {
                error: "no field".into(),
                excerpt: "<html>".into(),
            }),
            &refs(false),
            &archive(),
        );
        assert_eq!(unparseable.state, PhoneState::Unparseable);
        assert_eq!(unparseable.evidence.excerpt.as_deref(), Some("<html>"));
    }

    #[test]
    fn server_lookup_and_fallbacks() {
        let r = refs(false);
        assert_eq!(
            r.for_server("127.0.1.1").map(|r| r.node.as_str()),
            Some("ucm-pub")
        );
        assert_eq!(
            r.for_server("UCM-PUB.example.com").map(|r| r.node.as_str()),
            Some("ucm-pub")
        );
        assert_eq!(
            r.for_server("http://127.0.1.1:6970")
                .map(|r| r.node.as_str()),
            Some("ucm-pub")
        );
        assert!(r.for_server("127.0.1.2").is_none());
        assert!(r.for_server("").is_none());
        // The page's TFTP server is unknown, but the hash is served now by a node: ok + note.
        let mut obs = parsed(&md5(SERVED_ITL), "", vec![]);
        if let WebResult::Parsed { setup, .. } = &mut obs.web {
            setup.tftp_server_1 = Some("10.9.9.9".into());
        }
        let v = classify(&obs, &r, &archive());
        assert_eq!(v.state, PhoneState::Ok);
        assert_eq!(v.evidence.notes.len(), 2, "{:?}", v.evidence.notes);
        // The inventory's server is used when the page shows none.
        if let WebResult::Parsed { setup, .. } = &mut obs.web {
            setup.tftp_server_1 = None;
        }
        obs.inventory_tftp = Some("127.0.1.1".into());
        let v = classify(&obs, &r, &archive());
        assert_eq!(
            (v.state, v.evidence.tftp_server.as_deref()),
            (PhoneState::Ok, Some("127.0.1.1"))
        );
        assert!(v.evidence.notes.is_empty());
    }

    #[test]
    fn per_phone_file_is_the_reference() {
        let mut obs = parsed(&md5(b"per-phone itl"), "", vec![]);
        obs.per_phone_itl = Some(file("ITLSEP001122334455.tlv", b"per-phone itl"));
        let v = classify(&obs, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::Ok);
        assert_eq!(
            v.evidence.reference.as_deref(),
            Some("ucm-pub/ITLSEP001122334455.tlv")
        );
        // Twin: without it the same hash is unknown.
        obs.per_phone_itl = None;
        assert_eq!(state(&obs, false), PhoneState::UnknownItl);
    }
}
