//! The gatherers: every node at the same time, each over one admin-CLI session (`show
//! version active`, `utils ntp status`, `utils fips status`, `show itl` / `show ctl` on TFTP
//! nodes, `show cert list own` + `show cert own`, `show version inactive`, `utils system
//! upgrade status`, `utils sso status`; on the publisher also replication and DRS history),
//! Control Center for services, AXL for the database parameters, the servers and the TLS SIP
//! trunks, the fetcher for what each TFTP node serves, and the phone sweep. Nothing here
//! judges: a failure becomes a [`Missing`](super::facts::Missing) fact naming the source and
//! the reason. A session that dropped or timed out is not reopened: every later command of
//! that node carries the first error as its reason (a failure, not a skip).

use std::path::PathBuf;

use futures::future::join_all;
use itl_core::cucm::CertUnit;
use itl_cucm::fetch::Transport;
use itl_cucm::secrets::Secret;
use itl_cucm::served::{TransportPolicy, fetch_served, tftp_nodes_of};
use itl_cucm::session::ClusterSession;
use itl_cucm::ssh::{AdminCli, AdminSession, HostKeyPin, SshErrorKind, SshOptions, SshTarget};
use itl_cucm::sweep::inventory::{self, SoapClients};
use itl_cucm::sweep::{
    Archive, CancelSignal, PhoneSource, Quiet, SweepOptions, SweepReport, assemble, run_sweep,
};
use itl_wire::admin_cli::parse::{self, ParseError};
use itl_wire::admin_cli::{Command, parse::cert_own::OwnCertificate};
use itl_wire::cluster_file::NodeEntry;
use itl_wire::soap::axl::sql;

use super::facts::{Fact, Facts, NodeFacts, ServedFiles, missing, observed};

/// Most lines of one command kept as evidence.
const MAX_EVIDENCE_LINES: usize = 200;

/// The platform (OS) administrator for the admin CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsCredentials {
    /// Login (`admin`).
    pub user: String,
    /// Password.
    pub password: Secret,
}

/// Where the phone sweep comes from.
#[derive(Clone, Debug)]
pub enum SweepInput {
    /// A report already written (`--sweep FILE`).
    Report {
        /// The report.
        report: Box<SweepReport>,
        /// Its file, for the evidence.
        source: String,
    },
    /// Run one now (AXL + RisPort discovery, every phone's pages).
    Run {
        /// Sweep settings.
        options: Box<SweepOptions>,
        /// The trust-file archive folder.
        archive: PathBuf,
    },
    /// No sweep: the phone checks are skipped.
    None,
}

/// Gathering settings.
#[derive(Clone, Debug)]
pub struct GatherOptions {
    /// The admin CLI's session settings.
    pub ssh: SshOptions,
    /// The OS administrator; `None` skips every admin-CLI fact.
    pub os: Option<OsCredentials>,
    /// The phone sweep.
    pub sweep: SweepInput,
    /// When the facts are gathered (seconds since 1970, UTC): the reference time of the
    /// expiry and backup-age checks.
    pub now: i64,
}

fn ssh_source(node: &str, command: &Command) -> String {
    format!("ssh {node}: {command}")
}

fn keep(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(MAX_EVIDENCE_LINES)
        .cloned()
        .collect()
}

/// One node's admin-CLI session, or why it was lost.
enum Shell {
    Open(Box<AdminSession>),
    Lost(String),
}

/// Runs `command` and parses it; privilege refusals are skips, everything else a failure.
async fn cli<T>(
    shell: &mut Shell,
    node: &str,
    command: Command,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
    raw: Option<&mut Vec<(String, Vec<String>)>>,
) -> Fact<T> {
    let source = ssh_source(node, &command);
    let s = match shell {
        Shell::Open(s) => s,
        Shell::Lost(reason) => {
            return missing(source, format!("not run: {reason}"), false);
        }
    };
    match s.run(&command).await {
        Ok(output) => {
            if let Some(raw) = raw {
                raw.push((command.to_string(), output.lines.clone()));
            }
            match parse(&output.text()) {
                Ok(value) => observed(value, source, keep(&output.lines)),
                Err(e) => missing(source, format!("output not understood: {e}"), false),
            }
        }
        Err(e) => {
            let skip = matches!(e.kind(), SshErrorKind::PrivilegeInsufficient { .. });
            let dead = matches!(
                e.kind(),
                SshErrorKind::SessionDropped { .. } | SshErrorKind::CommandTimeout { .. }
            );
            let reason = e.to_string();
            if dead {
                // The shell is unusable afterwards: later commands say so.
                if let Shell::Open(s) = std::mem::replace(
                    shell,
                    Shell::Lost(format!("the session was lost earlier ({reason})")),
                ) {
                    s.close().await;
                }
            }
            missing(source, reason, skip)
        }
    }
}

/// Opens the node's admin CLI; the reason when it cannot.
async fn open(
    node: &NodeEntry,
    os: Option<&OsCredentials>,
    options: &SshOptions,
) -> Result<AdminSession, (String, bool)> {
    let Some(os) = os else {
        return Err(("no OS administrator credentials given".into(), true));
    };
    let addr = match node.ssh_addr() {
        Ok(Some(addr)) => addr,
        Ok(None) => return Err(("the cluster file gives no ssh address".into(), true)),
        Err(e) => return Err((e.to_string(), false)),
    };
    let host_key = match node.ssh_host_key_sha256.as_deref() {
        Some(fp) => HostKeyPin::parse(fp).map_err(|e| (e.to_string(), false))?,
        None => HostKeyPin::None,
    };
    let target = SshTarget {
        addr,
        node: node.name.clone(),
        user: os.user.clone(),
        password: os.password.clone(),
        host_key,
    };
    AdminCli::connect(&target, options)
        .await
        .map_err(|e| (e.to_string(), false))
}

/// Replication and backups: asked on the publisher's session.
struct PublisherFacts {
    replication: Fact<parse::replication::Replication>,
    backups: Fact<parse::backup::BackupHistory>,
}

async fn gather_node(
    session: &ClusterSession,
    node: &NodeEntry,
    options: &GatherOptions,
) -> (NodeFacts, Option<PublisherFacts>) {
    let name = node.name.as_str();
    let (mut cli_session, open_error) = match open(node, options.os.as_ref(), &options.ssh).await {
        Ok(s) => (Shell::Open(Box::new(s)), None),
        Err(reason) => (Shell::Lost(reason.0.clone()), Some(reason)),
    };
    // When the session could not be opened every CLI fact carries that reason.
    let no_session = |command: Command| -> Option<(String, String, bool)> {
        open_error
            .as_ref()
            .map(|(r, s)| (ssh_source(name, &command), r.clone(), *s))
    };
    macro_rules! run_cli {
        ($command:expr, $parse:expr) => {
            run_cli!($command, $parse, None)
        };
        ($command:expr, $parse:expr, $raw:expr) => {{
            let command = $command;
            match no_session(command.clone()) {
                Some((source, reason, skip)) => missing(source, reason, skip),
                None => cli(&mut cli_session, name, command, $parse, $raw).await,
            }
        }};
    }
    let mut raw = Vec::new();
    let version = run_cli!(Command::VersionActive, parse::system::parse_version);
    let ntp = run_cli!(Command::NtpStatus, parse::system::parse_ntp);
    let fips = run_cli!(Command::FipsStatus, parse::system::parse_fips);
    let tftp = node.tftp.is_some();
    let (show_itl, show_ctl) = if tftp {
        let itl = run_cli!(Command::ShowItl, parse::trust_list::parse, Some(&mut raw));
        let ctl = run_cli!(Command::ShowCtl, parse::trust_list::parse, Some(&mut raw));
        (Some(itl), Some(ctl))
    } else {
        (None, None)
    };
    let list = run_cli!(Command::CertListOwn, parse::cert_list::parse);
    let certs: Fact<Vec<(CertUnit, OwnCertificate)>> = match list {
        Ok(list) => {
            let mut certs = Vec::new();
            let mut lines = Vec::new();
            let mut failure = None;
            for entry in &list.value.entries {
                let Some(unit) = CertUnit::parse(&entry.unit) else {
                    continue;
                };
                match run_cli!(Command::CertOwn(unit), parse::cert_own::parse) {
                    Ok(cert) => {
                        let issuer = if cert.value.issuer == cert.value.subject {
                            "self-signed".to_owned()
                        } else {
                            format!("issued by {}", cert.value.issuer)
                        };
                        lines.push(format!(
                            "{}: {} bits, {issuer}, not after {}",
                            unit.name(),
                            cert.value.key_bits,
                            itl_core::UnixTime::from_secs(cert.value.not_after).to_rfc3339()
                        ));
                        certs.push((unit, cert.value));
                    }
                    Err(m) => failure = Some(m),
                }
            }
            match failure {
                Some(m) if certs.is_empty() => Err(m),
                _ => observed(
                    certs,
                    format!("ssh {name}: show cert list own; show cert own <unit>"),
                    lines,
                ),
            }
        }
        Err(m) => Err(m),
    };
    let publisher = if node.publisher {
        Some(PublisherFacts {
            replication: run_cli!(Command::ReplicationRuntimeState, parse::replication::parse),
            backups: run_cli!(Command::BackupHistory, parse::backup::parse),
        })
    } else {
        None
    };
    let version_inactive = run_cli!(
        Command::VersionInactive,
        parse::upgrade::parse_version_inactive
    );
    let upgrade = run_cli!(Command::UpgradeStatus, parse::upgrade::parse_upgrade_status);
    let sso = run_cli!(Command::SsoStatus, parse::sso::parse);
    if let Shell::Open(s) = cli_session {
        s.close().await;
    }

    let cc_source = format!("control center {name}: soapGetServiceStatus");
    let services = match session.control_center(name) {
        Ok(client) => match client.service_status::<&str>(&[]).await {
            Ok(info) => {
                let lines = info
                    .services
                    .iter()
                    .map(|s| {
                        let reason = s.reason.as_deref().unwrap_or_default();
                        format!("{} {} {reason}", s.name, s.status_text)
                            .trim_end()
                            .to_owned()
                    })
                    .collect();
                observed(info.services, cc_source, lines)
            }
            Err(e) => missing(cc_source, e.to_string(), false),
        },
        Err(e) => missing(cc_source, e.to_string(), false),
    };

    (
        NodeFacts {
            name: name.to_owned(),
            publisher: node.publisher,
            tftp,
            version,
            services,
            ntp,
            fips,
            show_itl,
            show_ctl,
            raw_outputs: raw,
            certs,
            served: None,
            version_inactive,
            upgrade,
            sso,
        },
        publisher,
    )
}

async fn gather_served(session: &ClusterSession) -> Vec<(String, Fact<ServedFiles>)> {
    let source = |n: &str| format!("tftp {n}: ITLFile.tlv, CTLFile.tlv");
    let nodes = match tftp_nodes_of(session.file(), Transport::Http) {
        Ok(nodes) => nodes,
        Err(e) => {
            return session
                .file()
                .tftp_nodes()
                .map(|n| {
                    (
                        n.name.clone(),
                        missing(source(&n.name), e.to_string(), false),
                    )
                })
                .collect();
        }
    };
    let fetcher = match session.fetcher() {
        Ok(f) => f,
        Err(e) => {
            return nodes
                .iter()
                .map(|n| {
                    (
                        n.name.clone(),
                        missing(source(&n.name), e.to_string(), false),
                    )
                })
                .collect();
        }
    };
    let policy = TransportPolicy::FirstServing(vec![Transport::Http, Transport::Tftp]);
    fetch_served(&nodes, &fetcher, &policy)
        .await
        .into_iter()
        .map(|lists| {
            let name = lists.node.name.clone();
            let files = ServedFiles {
                itl: lists.itl().and_then(|f| f.bytes()).map(<[u8]>::to_vec),
                ctl: lists.ctl().and_then(|f| f.bytes()).map(<[u8]>::to_vec),
                error: lists.error(),
            };
            let mut lines = Vec::new();
            for (file, bytes) in [("ITLFile.tlv", &files.itl), ("CTLFile.tlv", &files.ctl)] {
                match bytes {
                    Some(b) => lines.push(format!(
                        "{file}: {} bytes, SHA-1 {}",
                        b.len(),
                        hex::encode(itl_core::checksum::sha1(b))
                    )),
                    None => lines.push(format!("{file}: not served")),
                }
            }
            if let Some(e) = &files.error {
                lines.push(e.clone());
            }
            (name.clone(), observed(files, source(&name), lines))
        })
        .collect()
}

async fn gather_sql(session: &ClusterSession, query: &str) -> Fact<Vec<itl_wire::soap::axl::Row>> {
    let source = format!("axl sql: {query}");
    let axl = match session.axl() {
        Ok(a) => a,
        Err(e) => return missing(source, e.to_string(), false),
    };
    match axl.execute_sql_all(query).await {
        Ok(rows) => {
            let lines = rows
                .iter()
                .take(MAX_EVIDENCE_LINES)
                .map(|r| {
                    r.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            observed(rows, source, lines)
        }
        Err(e) => missing(source, e.to_string(), false),
    }
}

async fn gather_sweep(session: &ClusterSession, input: &SweepInput) -> Fact<SweepReport> {
    match input {
        SweepInput::Report { report, source } => {
            observed((**report).clone(), format!("sweep: {source}"), Vec::new())
        }
        SweepInput::None => missing("sweep", "no sweep given or run", true),
        SweepInput::Run { options, archive } => {
            let source = "sweep: run now (AXL + RisPort70 + phone pages)";
            match sweep_cluster(session, options, archive).await {
                Ok(report) => observed(report, source, Vec::new()),
                Err(e) => missing(source, e, false),
            }
        }
    }
}

/// Sweeps every phone of the cluster now (AXL and RisPort70 discovery, every phone's pages),
/// archiving the served lists in `archive`.
pub async fn sweep_cluster(
    session: &ClusterSession,
    options: &SweepOptions,
    archive: &std::path::Path,
) -> Result<SweepReport, String> {
    let clients = SoapClients::of(session).map_err(|e| e.to_string())?;
    let found = inventory::discover(&clients, session.file().cluster.phone_http_port)
        .await
        .map_err(|e| format!("cannot list the phones: {e}"))?;
    let plan = assemble(
        Some(session.file()),
        PhoneSource::Discovered(found),
        Transport::Http,
    )
    .map_err(|e| e.to_string())?;
    let mut archive = Archive::open(archive).map_err(|e| e.to_string())?;
    run_sweep(plan, &mut archive, options, &Quiet, CancelSignal::never())
        .await
        .map_err(|e| e.to_string())
}

/// Gathers every fact, all nodes and the sweep at the same time.
pub async fn gather(session: &ClusterSession, options: &GatherOptions) -> Facts {
    let nodes = join_all(
        session
            .file()
            .nodes
            .iter()
            .map(|n| gather_node(session, n, options)),
    );
    let served = gather_served(session);
    let interaction_sql = sql::processconfig_param(sql::PHONE_INTERACTION_PARAM);
    let params = async {
        futures::join!(
            gather_sql(session, sql::ROLLBACK_TO_PRE_GRAYBACK),
            gather_sql(session, sql::CLUSTER_SECURITY_MODE),
            gather_sql(session, sql::CM_GROUP_MEMBERS),
            gather_sql(session, sql::PHONES_PER_POOL_AND_CM_GROUP),
            gather_sql(session, sql::PHONE_LSC),
            gather_sql(session, &interaction_sql),
            gather_sql(session, sql::PROCESS_NODES),
            gather_sql(session, sql::SECURE_SIP_TRUNKS),
        )
    };
    let sweep = gather_sweep(session, &options.sweep);
    let (
        nodes,
        served,
        (
            rollback,
            security_mode,
            cm_group_members,
            phones_per_pool,
            phone_lsc,
            phone_interaction,
            process_nodes,
            secure_trunks,
        ),
        sweep,
    ) = futures::join!(nodes, served, params, sweep);

    let mut replication = missing(
        "ssh <publisher>: utils dbreplication runtimestate",
        "the cluster file names no publisher",
        false,
    );
    let mut backups = missing(
        "ssh <publisher>: utils disaster_recovery history backup",
        "the cluster file names no publisher",
        false,
    );
    let mut node_facts = Vec::new();
    for (mut facts, publisher) in nodes {
        if let Some(p) = publisher {
            replication = p.replication;
            backups = p.backups;
        }
        facts.served = served
            .iter()
            .find(|(n, _)| *n == facts.name)
            .map(|(_, f)| f.clone());
        node_facts.push(facts);
    }
    Facts {
        cluster: session.name().to_owned(),
        now: options.now,
        nodes: node_facts,
        rollback,
        security_mode,
        cm_group_members,
        phones_per_pool,
        phone_lsc,
        phone_interaction,
        replication,
        backups,
        sweep,
        process_nodes,
        secure_trunks,
    }
}
