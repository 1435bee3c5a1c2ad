//! The predictor's inputs from what the tool knows about a real cluster: the cluster file
//! (nodes, addresses), a sweep report (each phone's lists by hash, TFTP server, TVS list,
//! registration) and the trust-file archive (the lists behind the hashes).
//!
//! The cluster's current certificates come from the lists its TFTP nodes serve: per TFTP
//! node, its CallManager certificate (the TFTP / CCM+TFTP record), its TVS certificate and
//! every other TVS node's (TVS records, by DNSNAME or IPADDRESS), ITLRecovery (the SAST
//! record that is not CallManager: one per node on 11.5, the publisher's on 12+) and CAPF;
//! in mixed mode the CTL adds the CallManager certificate of every CallManager node. The
//! generation is the ITL's signer: CallManager → 11.5, ITLRecovery → 12+ (14+ only when
//! told).
//!
//! Per phone, by sweep state:
//! * `ok`, `stale-itl`, `foreign-itl`, `ctl-mismatch`, `update-failed`: the ITL (and CTL) it
//!   shows, from the archive; `unknown` when the archive lacks it.
//! * `no-trust-list`: nothing held (or ITL "Not Installed" under its CTL).
//! * `unregistered`: off through the plan; assumed to hold what its TFTP node serves now
//!   (`assumed`).
//! * `unknown-itl`: unknown (the list it holds is in no archive).
//! * `unread` states (`no-trust-info`, `web-disabled`, `unreachable`, `unparseable`,
//!   `not-scanned`): unknown, or with [`PlanInputOptions::assume_current`] what its TFTP node
//!   serves now (`assumed`).
//! * Whatever the state, a 7940/7960 (no Security By Default) holds no ITL; in mixed mode its
//!   CTL is the one its page shows, else unknown (or assumed current).
//!
//! A phone whose device security mode (AXL) is `Authenticated` or `Encrypted` registers over
//! TLS and is taken to hold an LSC: it also needs its CallManager node's and the CAPF's
//! current certificates in its CTL (S18). Phones the sweep could not read take the TFTP
//! server and TVS list most phones of their device pool have.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;

use itl_core::cucm::{CertUnit, DeviceSecurityMode, Generation};
use itl_core::predict::{ClusterModel, ListName, NodeModel, PhoneInput};
use itl_core::trust::{Capabilities, CertInfo, Held, PhoneTrust, TrustFile};
use itl_core::{Function, ListKind, ParseError};

use crate::sweep::{Archive, ArchiveError, PhoneRecord, SweepReport};
use itl_core::cucm::PhoneState;
use itl_wire::cluster_file::ClusterFile;

/// Why the inputs could not be assembled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanInputError {
    /// A node's address in the cluster file is not an IPv4 address.
    #[error("node {node}: address {address:?} is not an IPv4 address")]
    BadAddress {
        /// The node.
        node: String,
        /// The address as the cluster file gives it.
        address: String,
    },
    /// The cluster file lists no node.
    #[error("the cluster file lists no node")]
    NoNodes,
    /// The sweep names a TFTP node the cluster file lacks.
    #[error("TFTP node {node} is not in the cluster file")]
    UnknownTftpNode {
        /// The node as the sweep names it.
        node: String,
    },
    /// No TFTP node's ITL was fetched by the sweep.
    #[error("no TFTP node served an ITL: nothing to predict from")]
    NoItlServed,
    /// A list the sweep names by hash is not in the archive.
    #[error("{list} (SHA-1 {sha1}) is not in the archive")]
    NotArchived {
        /// Which list.
        list: ListName,
        /// Its SHA-1 (hex).
        sha1: String,
    },
    /// A list in the archive cannot be read.
    #[error("{list}: {source}")]
    ArchiveRead {
        /// Which list.
        list: ListName,
        /// The archive's error.
        #[source]
        source: ArchiveError,
    },
    /// A served list does not parse.
    #[error("{list} does not parse: {source}")]
    Unparsable {
        /// Which list.
        list: ListName,
        /// The parser's error.
        #[source]
        source: ParseError,
    },
}

/// Options of the conversion.
#[derive(Clone, Debug, Default)]
pub struct PlanInputOptions {
    /// Overrides the generation read from the ITL signer (`14+` cannot be read from a list).
    pub generation: Option<Generation>,
    /// 14+ "Phone Interaction on Certificate Update" is automatic.
    pub automatic_phone_interaction: bool,
    /// Phones whose trust lists the sweep could not read (class `unread`, registered) are
    /// assessed as holding what their TFTP node serves now, and marked assumed; without it
    /// they are `unknown`.
    pub assume_current: bool,
}

/// The predictor's inputs and what was assumed on the way.
#[derive(Clone, Debug)]
pub struct PlanInputs {
    /// The cluster now.
    pub cluster: ClusterModel,
    /// One per phone of the sweep, in its order.
    pub phones: Vec<PhoneInput>,
    /// What was inferred or could not be used.
    pub notes: Vec<String>,
}

fn parse_list(archive: &Archive, sha1: &str, list: ListName) -> Result<Vec<u8>, PlanInputError> {
    let Some(entry) = archive.lookup(sha1) else {
        return Err(PlanInputError::NotArchived {
            list,
            sha1: sha1.to_owned(),
        });
    };
    archive
        .read(entry)
        .map_err(|source| PlanInputError::ArchiveRead { list, source })
}

/// Which node a record or a page names: by host name or by address.
fn node_of(nodes: &[NodeModel], name: Option<&str>, ip: Option<Ipv4Addr>) -> Option<usize> {
    if let Some(name) = name {
        let host = name.trim().trim_end_matches('\0');
        if let Some(i) = nodes
            .iter()
            .position(|n| n.name.eq_ignore_ascii_case(host) || n.address.to_string() == host)
        {
            return Some(i);
        }
    }
    let ip = ip?;
    nodes.iter().position(|n| n.address == ip)
}

/// The node a phone's `tftp_server` / TVS entry names (`127.0.1.1`, `ucm-pub`,
/// `ucm-pub.example.com`).
fn node_by_text(nodes: &[NodeModel], text: &str) -> Option<usize> {
    let t = text.trim();
    let host = t.split(['.', ':']).next().unwrap_or(t);
    nodes.iter().position(|n| {
        n.address.to_string() == t
            || t.strip_suffix(":69")
                .is_some_and(|a| a == n.address.to_string())
            || n.name.eq_ignore_ascii_case(t)
            || n.name.eq_ignore_ascii_case(host)
    })
}

/// What one TFTP node serves: its ITL and the CTL (bytes), or why they are missing.
#[derive(Clone, Debug, Default)]
pub struct ServedLists {
    /// Node name, as in the cluster file.
    pub node: String,
    /// The ITL it serves.
    pub itl: Option<Vec<u8>>,
    /// The CTL it serves (mixed mode).
    pub ctl: Option<Vec<u8>>,
    /// Why the ITL is missing.
    pub error: Option<String>,
}

/// Builds the predictor's inputs from a sweep.
pub fn plan_inputs(
    cluster_file: &ClusterFile,
    report: &SweepReport,
    archive: &Archive,
    options: &PlanInputOptions,
) -> Result<PlanInputs, PlanInputError> {
    let mut served = Vec::new();
    for r in &report.references {
        let itl = match &r.itl {
            Some(itl) => Some(parse_list(
                archive,
                &itl.sha1,
                ListName::Itl {
                    node: r.node.clone(),
                },
            )?),
            None => None,
        };
        let ctl = match &r.ctl {
            Some(ctl) => Some(parse_list(archive, &ctl.sha1, ListName::Ctl)?),
            None => None,
        };
        served.push(ServedLists {
            node: r.node.clone(),
            itl,
            ctl,
            error: r.error.clone(),
        });
    }
    let (cluster, mut notes) = cluster_model(cluster_file, &served, options)?;
    let phones = phone_inputs(&cluster, report, archive, options, &mut notes);
    Ok(PlanInputs {
        cluster,
        phones,
        notes,
    })
}

/// The cluster now, from the cluster file and the lists its TFTP nodes serve; with notes on
/// what was inferred.
pub fn cluster_model(
    cluster_file: &ClusterFile,
    served: &[ServedLists],
    options: &PlanInputOptions,
) -> Result<(ClusterModel, Vec<String>), PlanInputError> {
    let mut notes = Vec::new();
    // Nodes, publisher first.
    let mut entries: Vec<_> = cluster_file.nodes.iter().collect();
    entries.sort_by_key(|n| !n.publisher);
    let mut nodes = Vec::new();
    for e in &entries {
        let address: Ipv4Addr = e.address.parse().map_err(|_| PlanInputError::BadAddress {
            node: e.name.clone(),
            address: e.address.clone(),
        })?;
        nodes.push(NodeModel::new(&e.name, address));
    }
    if nodes.is_empty() {
        return Err(PlanInputError::NoNodes);
    }

    let mut served_itl: HashMap<usize, Arc<TrustFile>> = HashMap::new();
    let mut ctl_bytes: Option<Vec<u8>> = None;
    for r in served {
        let Some(i) = nodes
            .iter()
            .position(|n| n.name.eq_ignore_ascii_case(&r.node))
        else {
            return Err(PlanInputError::UnknownTftpNode {
                node: r.node.clone(),
            });
        };
        nodes[i].tftp = true;
        if let Some(bytes) = &r.itl {
            let file = TrustFile::parse(bytes).map_err(|source| PlanInputError::Unparsable {
                list: ListName::Itl {
                    node: r.node.clone(),
                },
                source,
            })?;
            nodes[i].itl = Some(bytes.clone());
            served_itl.insert(i, Arc::new(file));
        } else {
            notes.push(format!(
                "{}: no ITL was fetched ({}); its TFTP is taken as down",
                r.node,
                r.error.as_deref().unwrap_or("no reason given")
            ));
            nodes[i].tftp_up = false;
        }
        if ctl_bytes.is_none() {
            ctl_bytes = r.ctl.clone();
        }
    }
    if served_itl.is_empty() {
        return Err(PlanInputError::NoItlServed);
    }

    // Certificates from the ITLs.
    let mut generation = None;
    let mut indices: Vec<usize> = served_itl.keys().copied().collect();
    indices.sort_unstable();
    for &i in &indices {
        let file = &served_itl[&i];
        let cm = file
            .records()
            .iter()
            .find(|r| matches!(r.function, Some(Function::Tftp | Function::CcmTftp)))
            .and_then(|r| r.cert.clone());
        let Some(cm) = cm else {
            notes.push(format!(
                "{}: its ITL has no TFTP certificate (rollback?): its CallManager certificate is unknown",
                nodes[i].name
            ));
            continue;
        };
        nodes[i].callmanager = true;
        nodes[i]
            .certs
            .insert(CertUnit::CallManager, cm.der().to_vec());
        let signed_by_cm = file.signer().is_some_and(|s| s.matches(&cm));
        let g = if signed_by_cm {
            Generation::V11_5
        } else {
            Generation::V12
        };
        generation.get_or_insert(g);
        let recovery = other_sast(file, cm.der());
        if let Some(rec) = recovery {
            let owner = if g == Generation::V11_5 { i } else { 0 };
            nodes[owner]
                .certs
                .entry(CertUnit::ItlRecovery)
                .or_insert_with(|| rec.der().to_vec());
        }
        for r in file.records() {
            let Some(c) = &r.cert else { continue };
            match r.function {
                Some(Function::Tvs) => {
                    if let Some(n) = node_of(&nodes, r.dns_name.as_deref(), None) {
                        nodes[n].tvs = true;
                        nodes[n]
                            .certs
                            .entry(CertUnit::Tvs)
                            .or_insert_with(|| c.der().to_vec());
                    } else {
                        notes.push(format!(
                            "a TVS record names {:?}, which is not in the cluster file",
                            r.dns_name.as_deref().unwrap_or("")
                        ));
                    }
                }
                Some(Function::Capf) => {
                    nodes[0]
                        .certs
                        .entry(CertUnit::Capf)
                        .or_insert_with(|| c.der().to_vec());
                }
                _ => {}
            }
        }
    }
    let mixed = ctl_bytes.is_some();
    if let Some(bytes) = &ctl_bytes {
        let ctl = TrustFile::parse(bytes).map_err(|source| PlanInputError::Unparsable {
            list: ListName::Ctl,
            source,
        })?;
        for r in ctl.records() {
            let Some(c) = &r.cert else { continue };
            if let Some(f @ (Function::CcmTftp | Function::Tftp)) = r.function
                && let Some(n) = node_of(&nodes, r.dns_name.as_deref(), None)
            {
                if f == Function::CcmTftp {
                    nodes[n].callmanager = true;
                }
                nodes[n]
                    .certs
                    .entry(CertUnit::CallManager)
                    .or_insert_with(|| c.der().to_vec());
            }
        }
        let pub_cm = nodes[0].certs.get(&CertUnit::CallManager).cloned();
        if let Some(pub_cm) = pub_cm {
            let rec = other_sast(&ctl, &pub_cm);
            if let Some(rec) = rec {
                nodes[0]
                    .certs
                    .entry(CertUnit::ItlRecovery)
                    .or_insert_with(|| rec.der().to_vec());
            }
        }
    }
    let read_generation = generation.unwrap_or(Generation::V12);
    let generation = match options.generation {
        Some(g) => {
            if g.itl_recovery_signs() != read_generation.itl_recovery_signs() {
                notes.push(format!(
                    "the served ITL is signed as on {read_generation}, but {g} was given: following {g}"
                ));
            }
            g
        }
        None => read_generation,
    };
    let cluster = ClusterModel {
        generation,
        mixed,
        automatic_phone_interaction: options.automatic_phone_interaction,
        nodes,
        ctl: ctl_bytes,
    };
    Ok((cluster, notes))
}

/// One predictor input per phone of the sweep, in its order.
pub fn phone_inputs(
    cluster: &ClusterModel,
    report: &SweepReport,
    archive: &Archive,
    options: &PlanInputOptions,
    notes: &mut Vec<String>,
) -> Vec<PhoneInput> {
    let mixed = cluster.mixed;
    let served_itl: HashMap<usize, Arc<TrustFile>> = cluster
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some((i, Arc::new(TrustFile::parse(n.itl.as_deref()?).ok()?))))
        .collect();
    let served_ctl = cluster
        .ctl
        .as_deref()
        .and_then(|b| TrustFile::parse(b).ok())
        .map(Arc::new);
    let mut pool_groups: HashMap<String, BTreeMap<Vec<usize>, usize>> = HashMap::new();
    for p in &report.phones {
        let group = tvs_group(&cluster.nodes, p);
        if let (Some(pool), false) = (&p.device_pool, group.is_empty()) {
            *pool_groups
                .entry(pool.clone())
                .or_default()
                .entry(group)
                .or_default() += 1;
        }
    }
    let pool_group = |pool: &Option<String>| -> Vec<usize> {
        pool.as_ref()
            .and_then(|p| pool_groups.get(p))
            .and_then(|m| m.iter().max_by_key(|(_, n)| **n).map(|(g, _)| g.clone()))
            .unwrap_or_default()
    };
    // The TFTP server of phones the sweep could not read: the one most phones of their
    // device pool use (a site's DHCP scope usually matches its device pool).
    let tftp_of = |p: &PhoneRecord| {
        p.evidence
            .tftp_server
            .as_deref()
            .or(p.tftp_server.as_deref())
            .and_then(|t| node_by_text(&cluster.nodes, t))
    };
    let mut pool_tftp: HashMap<&str, BTreeMap<usize, usize>> = HashMap::new();
    for p in &report.phones {
        if let (Some(pool), Some(node)) = (p.device_pool.as_deref(), tftp_of(p)) {
            *pool_tftp.entry(pool).or_default().entry(node).or_default() += 1;
        }
    }
    let mut files = ArchivedFiles::new(archive);
    let mut phones = Vec::with_capacity(report.phones.len());
    let mut unknown_tftp = 0usize;
    let mut pool_assumed = 0usize;
    let mut assumed_current = 0usize;
    let mut no_itl_models = 0usize;
    for p in &report.phones {
        let mut tftp_node = tftp_of(p);
        if tftp_node.is_none() {
            tftp_node = p
                .device_pool
                .as_deref()
                .and_then(|pool| pool_tftp.get(pool))
                .and_then(|m| m.iter().max_by_key(|(_, n)| **n).map(|(node, _)| *node));
            pool_assumed += usize::from(tftp_node.is_some());
        }
        let mut group = tvs_group(&cluster.nodes, p);
        if group.is_empty() {
            group = pool_group(&p.device_pool);
        }
        let capabilities = capabilities(p.model.as_deref())
            .with_tls_profile(tls_mode(p.security_mode))
            .with_lsc(tls_mode(p.security_mode));
        let registered = p.state != PhoneState::Unregistered
            && p.evidence.registration.as_deref() != Some("UnRegistered");
        let served_lists = |node: usize| {
            let itl = served_itl.get(&node).cloned();
            let ctl = if mixed { served_ctl.clone() } else { None };
            PhoneTrust::with_files(ctl, itl)
        };
        let (trust, on, assumed) = match (tftp_node, p.state) {
            (None, _) => {
                unknown_tftp += 1;
                (None, true, false)
            }
            // 7940/7960: no Security By Default, never an ITL, whatever the pages show (their
            // pages show no trust field). Without a CTL (non-secure) that is all they hold.
            (Some(_), state) if !capabilities.holds_itl => {
                no_itl_models += 1;
                let shown_ctl = p.evidence.ctl_hash.as_deref().and_then(|h| files.get(h));
                match (mixed, shown_ctl) {
                    (false, _) => (Some(PhoneTrust::new()), registered, false),
                    // Off: taken to hold the CTL served now, as other unregistered phones.
                    (true, None) if state == PhoneState::Unregistered => (
                        Some(PhoneTrust::with_files(served_ctl.clone(), None)),
                        false,
                        true,
                    ),
                    (true, Some(ctl)) => (
                        Some(PhoneTrust::with_files(Some(ctl), None)),
                        registered,
                        false,
                    ),
                    (true, None) if options.assume_current => {
                        assumed_current += 1;
                        (
                            Some(PhoneTrust::with_files(served_ctl.clone(), None)),
                            registered,
                            true,
                        )
                    }
                    (true, None) => (None, registered, false),
                }
            }
            (
                Some(_),
                PhoneState::Ok
                | PhoneState::StaleItl
                | PhoneState::ForeignItl
                | PhoneState::CtlMismatch
                | PhoneState::UpdateFailed,
            ) => (held_lists(p, &mut files, mixed), true, false),
            (Some(_), PhoneState::NoTrustList) => {
                let ctl = p.evidence.ctl_hash.as_deref().and_then(|h| files.get(h));
                let itl = if ctl.is_some() && p.evidence.itl_text.is_some() {
                    Held::NotInstalled
                } else {
                    Held::Absent
                };
                let ctl = ctl.map_or(Held::Absent, Held::File);
                (
                    Some(PhoneTrust {
                        ctl,
                        itl,
                        tvs_cache: Vec::new(),
                    }),
                    true,
                    false,
                )
            }
            (Some(node), PhoneState::Unregistered) => (Some(served_lists(node)), false, true),
            // Read, but the held ITL is in no archive: it cannot be assumed current (it is
            // known not to be).
            (Some(_), PhoneState::UnknownItl) => (None, true, false),
            (Some(node), state) if state.is_unread() && options.assume_current && registered => {
                assumed_current += 1;
                (Some(served_lists(node)), true, true)
            }
            (Some(_), _) => (None, registered, false),
        };
        phones.push(PhoneInput {
            name: p.name.clone(),
            device_pool: p.device_pool.clone(),
            tftp_node: tftp_node.unwrap_or(0),
            group,
            capabilities,
            trust,
            on,
            assumed,
        });
    }
    let assumed_off = phones.iter().filter(|p| p.assumed && !p.on).count();
    let no_itl_note = format!(
        "phone(s) of models without Security By Default (7940/7960) hold no ITL: ITL changes leave them alone{}",
        if mixed {
            "; their CTL still counts"
        } else {
            ""
        }
    );
    // (how many phones, what is said of them): a note for each count above zero.
    let counted = [
        (
            pool_assumed,
            "phone(s) without a readable TFTP server are taken to use their device pool's",
        ),
        (
            unknown_tftp,
            "phone(s) name no known TFTP server: their verdicts are unknown",
        ),
        (
            assumed_off,
            "unregistered phone(s) are taken to be off through the plan, holding what their TFTP node serves now",
        ),
        (
            assumed_current,
            "phone(s) whose trust lists could not be read are assumed to hold what their TFTP node serves now (--assume-current)",
        ),
        (no_itl_models, no_itl_note.as_str()),
    ];
    for (count, note) in counted {
        if count > 0 {
            notes.push(format!("{count} {note}"));
        }
    }
    phones
}

/// The first SAST certificate of `file` other than the certificate `der` (the ITLRecovery
/// certificate beside the CallManager one).
fn other_sast(file: &TrustFile, der: &[u8]) -> Option<Arc<CertInfo>> {
    file.records()
        .iter()
        .filter(|r| r.function == Some(Function::Sast))
        .filter_map(|r| r.cert.clone())
        .find(|c| c.der() != der)
}

fn tvs_group(nodes: &[NodeModel], p: &PhoneRecord) -> Vec<usize> {
    let mut out = Vec::new();
    for t in &p.evidence.tvs {
        if let Some(i) = node_by_text(nodes, t)
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

/// Archived lists by SHA-1, each read and parsed once however many phones hold it.
struct ArchivedFiles<'a> {
    archive: &'a Archive,
    parsed: HashMap<String, Option<Arc<TrustFile>>>,
}

impl<'a> ArchivedFiles<'a> {
    fn new(archive: &'a Archive) -> Self {
        Self {
            archive,
            parsed: HashMap::new(),
        }
    }

    /// The archived file whose MD5, SHA-1 or SHA-256 is `hash`.
    fn get(&mut self, hash: &str) -> Option<Arc<TrustFile>> {
        let entry = self.archive.lookup(hash)?;
        let archive = self.archive;
        self.parsed
            .entry(entry.sha1.clone())
            .or_insert_with(|| {
                let bytes = archive.read(entry).ok()?;
                TrustFile::parse(&bytes).ok().map(Arc::new)
            })
            .clone()
    }
}

/// The lists a phone shows, from the archive; `None` when its ITL is not there.
fn held_lists(p: &PhoneRecord, files: &mut ArchivedFiles<'_>, mixed: bool) -> Option<PhoneTrust> {
    let itl_hash = p
        .evidence
        .archived
        .as_ref()
        .map(|a| a.sha1.as_str())
        .or(p.evidence.itl_hash.as_deref())?;
    let itl = files.get(itl_hash)?;
    if itl.kind() != Some(ListKind::Itl) {
        return None;
    }
    let ctl = if mixed {
        match p.evidence.ctl_hash.as_deref() {
            Some(h) => Some(files.get(h)?),
            None => None,
        }
    } else {
        None
    };
    Some(PhoneTrust::with_files(ctl, Some(itl)))
}

/// Whether a device security mode means TLS registration (`Authenticated`, `Encrypted`).
/// Such phones are taken to use an LSC from CAPF (the sweep does not read LSC status).
fn tls_mode(mode: Option<DeviceSecurityMode>) -> bool {
    mode.is_some_and(DeviceSecurityMode::is_tls)
}

/// What a model can do ([`itl_core::cucm::ModelInfo`]): 7940/7960 (and other pre-TVS models)
/// neither use TVS nor hold an ITL.
pub fn capabilities(model: Option<&str>) -> Capabilities {
    Capabilities::of_model(model.unwrap_or("phone"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_wire::cluster_file::{ClusterSection, NodeEntry};

    fn node(name: &str, publisher: bool, address: &str) -> NodeEntry {
        NodeEntry {
            name: name.into(),
            publisher,
            address: address.into(),
            axl: String::new(),
            risport: String::new(),
            control_center: String::new(),
            ..NodeEntry::default()
        }
    }

    fn file(nodes: Vec<NodeEntry>) -> ClusterFile {
        ClusterFile {
            cluster: ClusterSection {
                password_env: "P".into(),
                ..ClusterSection::new("t", "u")
            },
            nodes,
        }
    }

    fn itl() -> Vec<u8> {
        crate::test_files::fixture("itl-11.5-sha1-2048.tlv")
    }

    fn served(node: &str, itl: Option<Vec<u8>>) -> ServedLists {
        ServedLists {
            node: node.into(),
            itl,
            ctl: None,
            error: None,
        }
    }

    fn error(cluster: &ClusterFile, lists: &[ServedLists]) -> PlanInputError {
        cluster_model(cluster, lists, &PlanInputOptions::default()).unwrap_err()
    }

    #[test]
    fn inconsistent_inputs_say_what_and_where() {
        let good = file(vec![node("ucm-pub", true, "10.10.1.11")]);
        let e = error(&file(vec![node("ucm-pub", true, "ucm-pub.local")]), &[]);
        assert!(matches!(&e, PlanInputError::BadAddress { node, address }
            if node == "ucm-pub" && address == "ucm-pub.local"));
        assert_eq!(
            e.to_string(),
            "node ucm-pub: address \"ucm-pub.local\" is not an IPv4 address"
        );
        assert!(matches!(error(&file(vec![]), &[]), PlanInputError::NoNodes));
        let e = error(&good, &[served("ucm-sub9", Some(itl()))]);
        assert_eq!(
            e.to_string(),
            "TFTP node ucm-sub9 is not in the cluster file"
        );
        let e = error(&good, &[served("ucm-pub", None)]);
        assert_eq!(
            e.to_string(),
            "no TFTP node served an ITL: nothing to predict from"
        );
        let e = error(&good, &[served("ucm-pub", Some(b"junk".to_vec()))]);
        assert!(
            matches!(&e, PlanInputError::Unparsable { list: ListName::Itl { node }, .. }
            if node == "ucm-pub")
        );
        assert!(
            e.to_string()
                .starts_with("the ITL of ucm-pub does not parse: "),
            "{e}"
        );
        // The twin: the same cluster with its real ITL gives a model.
        let (model, _) = cluster_model(
            &good,
            &[served("ucm-pub", Some(itl()))],
            &PlanInputOptions::default(),
        )
        .unwrap();
        assert_eq!(model.generation, Generation::V11_5);
        assert!(model.nodes[0].certs.contains_key(&CertUnit::CallManager));
    }

    #[test]
    fn a_list_missing_from_the_archive_is_named() {
        let archive = Archive::in_memory();
        let e = parse_list(&archive, "00ff", ListName::Ctl).unwrap_err();
        assert_eq!(e.to_string(), "the CTL (SHA-1 00ff) is not in the archive");
    }
}
