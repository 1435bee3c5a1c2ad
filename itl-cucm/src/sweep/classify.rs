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
//! | 5 | `unparseable` | an HTTP error status, an oversized or binary body, or no ITL field on the page |
//! | 6 | `no-trust-list` | the ITL field says none (`Not Installed`, `No`, empty), or the hash is an archived blank (rollback) ITL |
//! | 7 | `foreign-itl` | the ITL hash is neither served now nor in the archive |
//! | 8 | `update-failed` | the latest trust-list status message is `Trust List update failed` / `CTL update failed`, and it is not older than the phone's last boot |
//! | 9 | `stale-itl` | the ITL hash is an archived list, not the one the phone's TFTP server serves now |
//! | 10 | `ctl-mismatch` | the cluster serves a CTL (mixed mode) and the phone's CTL hash differs |
//! | 11 | `ok` | otherwise |
//!
//! Hashes match after [`itl_core::checksum::normalize_hex`]: 32 hex digits are compared with
//! MD5, 40 with SHA-1.
//!
//! Status messages survive a phone's reboot, so a failure may be history: a trust-list message
//! older than [`Observation::last_boot`] (the earliest the phone's last boot can have started,
//! by the phone's clock) is ignored, and of the rest the latest success or failure decides. A
//! failure followed by a success is never `update-failed` either.

use serde::{Deserialize, Serialize};

use super::archive::Archive;
use super::page::{NetworkSetup, PhoneTime, StatusMessage, TrustField, last_trust_message_since};
use itl_core::cucm::PhoneState;

/// The archived file a phone's hash matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedMatch {
    /// SHA-1 of the file (its name in the archive).
    pub sha1: String,
    /// Served name.
    pub name: String,
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
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        Self {
            name: name.to_owned(),
            md5: hex(&sums.md5),
            sha1: hex(&sums.sha1),
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
}

/// A state and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The state.
    pub state: PhoneState,
    /// The evidence.
    pub evidence: Evidence,
}

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
            let last = last_trust_message_since(list, obs.last_boot);
            if let Some(boot) = obs.last_boot
                && let Some(old) = last_trust_message_since(list, None)
                && old.time.not_before(boot) == Some(false)
                && old.kind.is_failure()
            {
                ev.notes.push(format!(
                    "\"{}\" at {} is older than the phone's last boot (not before {boot}): ignored",
                    old.text, old.time
                ));
            }
            last
        }
        Err(e) => {
            ev.notes.push(format!("status messages not read: {e}"));
            None
        }
    };
    if let Some(m) = last {
        ev.message = Some(m.text.clone());
        ev.message_time = Some(m.time.to_string());
    }
    if let Some(ctl) = setup.ctl_hash() {
        ev.ctl_hash = Some(ctl.to_owned());
    }

    // The ITL.
    let hashes = setup.itl_hashes();
    let Some(&shown) = hashes.first() else {
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
    if !current && archived.is_none() && elsewhere.is_none() {
        return done(PhoneState::ForeignItl, ev);
    }
    if let Some(m) = last
        && m.kind.is_failure()
    {
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
            None => return done(PhoneState::StaleItl, ev),
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
        }
    }

    fn archive() -> Archive {
        let mut a = Archive::in_memory();
        a.add(OLD_ITL, "ucm-pub", "ITLFile.tlv", 1_748_000_000)
            .expect("add");
        a.add(SERVED_ITL, "ucm-pub", "ITLFile.tlv", 1_748_779_200)
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
    fn foreign_and_its_twin() {
        let foreign = parsed(&md5(b"someone else's"), "", vec![]);
        assert_eq!(state(&foreign, false), PhoneState::ForeignItl);
        // Twin: once archived, the same hash is stale, not foreign.
        let mut a = archive();
        a.add(b"someone else's", "ucm-sub9", "ITLFile.tlv", 0)
            .expect("add");
        assert_eq!(
            classify(&foreign, &refs(false), &a).state,
            PhoneState::StaleItl
        );
    }

    #[test]
    fn ctl_mismatch_and_its_twin() {
        let wrong = parsed(&md5(SERVED_ITL), &md5(b"old ctl"), vec![]);
        let v = classify(&wrong, &refs(true), &archive());
        assert_eq!(v.state, PhoneState::CtlMismatch);
        assert_eq!(v.evidence.expected_ctl, Some(md5(SERVED_CTL)));
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
        let dir = std::env::temp_dir().join(format!("itl-sweep-blank-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let blank_md5 = md5(b"blank");
        let index = serde_json::json!({"files": [{
            "sha1": sha1(b"blank"), "md5": blank_md5, "sha256": "0".repeat(64),
            "first_seen": "2025-01-01T00:00:00Z", "node": "ucm-pub", "name": "ITLFile.tlv",
            "kind": "ITL", "size": 5, "blank": true,
        }]});
        std::fs::write(
            dir.join(crate::sweep::archive::INDEX_FILE),
            index.to_string(),
        )
        .expect("index");
        let with_blank = Archive::open(&dir).expect("opens");
        let _ = std::fs::remove_dir_all(&dir);
        let v = classify(&parsed(&blank_md5, "", vec![]), &refs(false), &with_blank);
        assert_eq!(v.state, PhoneState::NoTrustList);
        assert_eq!(
            v.evidence.notes,
            vec!["the ITL is a blank (rollback) ITL".to_owned()]
        );
        let mut a = archive();
        let blank = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/itl-12-sha512.tlv"),
        )
        .expect("fixture");
        let (entry, _) = a.add(&blank, "n", "ITLFile.tlv", 0).expect("add");
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
        let v = classify(&failed, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::UpdateFailed);
        assert_eq!(
            v.evidence.message.as_deref(),
            Some("Trust List update failed")
        );
        assert_eq!(
            v.evidence.message_time.as_deref(),
            Some("1970-01-01T00:00:20")
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
        let v = classify(&at_boot, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::UpdateFailed);
        assert_eq!(
            v.evidence.message_time.as_deref(),
            Some("1970-01-01T00:00:20")
        );
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
        let v = classify(&after, &refs(false), &archive());
        assert_eq!(v.state, PhoneState::UpdateFailed);
        assert_eq!(
            v.evidence.message_time.as_deref(),
            Some("1970-01-01T00:02:00")
        );
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
        assert_eq!(state(&obs, false), PhoneState::ForeignItl);
    }
}
