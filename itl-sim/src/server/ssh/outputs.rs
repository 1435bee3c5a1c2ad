//! What each read-only command prints, written from `cucm-interfaces.md` §6 and
//! `itl-format.md` §11 (never from the client's parsers). Lines without line ends; the
//! terminal adds `\r\n`.
//!
//! Wording the documents do not give is ours and listed as "(inferred)" in the crate
//! README: `show version active`, `show network cluster`, `utils ntp status`, `utils fips
//! status`, the block format of `show cert list` before 14, the `show cert list trust`
//! descriptions, the framing of `show cert own`, the DRS device and feature names, the SQL
//! error, `show version inactive`, `utils system upgrade status`, `utils sso status`, and
//! every refusal sentence.

use itl_core::UnixTime;
use itl_core::cucm::{CertUnit, ClusterSecurityMode, Generation, ServiceStatus};
use itl_core::render::{RenderOptions, render};
use itl_core::{TrustList, verify};

use crate::faults::{BackupFault, CheckFault, UpgradeStage, checks::STALE_BACKUP_DAYS};
use crate::model::{Cluster, SIM_SERVICES};

/// The check faults of the cluster (`--faults`).
fn faults(c: &Cluster) -> &[CheckFault] {
    &c.faults().checks
}

/// The time a node prints: the model time, or with the wall clock the later of it and now
/// (the model clock only moves on events).
fn current(c: &Cluster) -> u64 {
    let model = c.now();
    match c.clock().mode() {
        crate::model::ClockMode::Wall => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(model, |d| d.as_secs().max(model)),
        _ => model,
    }
}

/// The node's name, empty when the index is stale.
fn node_name(c: &Cluster, node: usize) -> &str {
    c.nodes().get(node).map_or("", |n| n.name.as_str())
}

/// The node, or an empty list when the index is stale.
fn node(c: &Cluster, node: usize) -> Option<&crate::model::Node> {
    c.nodes().get(node)
}

/// `show version active` (inferred).
pub fn version(c: &Cluster) -> Vec<String> {
    vec![
        format!(
            "Active Master Version: {}",
            crate::model::version_string(c.settings().generation)
        ),
        "Active Version Installed Software Options:".into(),
        "No Installed Software Options Found.".into(),
    ]
}

/// The node's `upgrade` fault, if any.
fn upgrade_stage(c: &Cluster, node: usize) -> Option<UpgradeStage> {
    let name = node_name(c, node);
    faults(c).iter().find_map(|f| match f {
        CheckFault::Upgrade { node, stage } if node.matches(name) => Some(*stage),
        _ => None,
    })
}

/// `version` with its fourth number moved by `delta` thousand (`14.0.1.13900-155` → `14.0.1.
/// 14900-155` for 1): the release before or after the active one.
fn other_version(version: &str, delta: i64) -> String {
    let mut parts: Vec<String> = version.split('.').map(str::to_owned).collect();
    if let Some(fourth) = parts.get_mut(3) {
        let (build, rest) = fourth.split_once('-').unwrap_or((fourth.as_str(), ""));
        if let Ok(n) = build.parse::<i64>() {
            let moved = (n + delta * 1000).max(0);
            *fourth = if rest.is_empty() {
                moved.to_string()
            } else {
                format!("{moved}-{rest}")
            };
        }
    }
    parts.join(".")
}

/// `show version inactive` (inferred): the release before the active one, or with
/// `upgrade=<node>:installed` the newer release waiting for a switch-version.
pub fn version_inactive(c: &Cluster, node: usize) -> Vec<String> {
    let active = crate::model::version_string(c.settings().generation);
    let delta = if upgrade_stage(c, node) == Some(UpgradeStage::Installed) {
        1
    } else {
        -1
    };
    vec![
        format!("Inactive Master Version: {}", other_version(active, delta)),
        "Inactive Version Installed Software Options:".into(),
        "No Installed Software Options Found.".into(),
    ]
}

/// `utils system upgrade status` (inferred): idle; with `upgrade=<node>` an upgrade to the
/// next release at 40 %, with `upgrade=<node>:installed` completed, waiting for a
/// switch-version.
pub fn upgrade_status(c: &Cluster, node: usize) -> Vec<String> {
    let next = other_version(crate::model::version_string(c.settings().generation), 1);
    match upgrade_stage(c, node) {
        None => vec!["Upgrade Status: Idle".into()],
        Some(UpgradeStage::Running) => vec![
            "Upgrade Status: Upgrading".into(),
            format!("Upgrade file: UCSInstall_UCOS_{next}.sgn.iso"),
            "Percent complete: 40".into(),
        ],
        Some(UpgradeStage::Installed) => vec![
            "Upgrade Status: Upgrade completed; switch version to activate".into(),
            format!("Upgrade file: UCSInstall_UCOS_{next}.sgn.iso"),
        ],
    }
}

/// `utils sso status` (inferred): disabled, or enabled with the `sso=<node>` fault.
pub fn sso_status(c: &Cluster, node: usize) -> Vec<String> {
    let name = node_name(c, node);
    if !faults(c)
        .iter()
        .any(|f| matches!(f, CheckFault::Sso { node } if node.matches(name)))
    {
        return vec!["SSO Status: Disabled".into()];
    }
    let date = UnixTime::from_secs_u64(c.now().saturating_sub(30 * 86_400)).to_cli_date();
    vec![
        "SSO Status: SAML SSO Enabled".into(),
        format!("IdP Metadata Imported Date = {date}"),
        format!("SP Metadata Exported Date = {date}"),
        "SSO Test Result = passed".into(),
    ]
}

/// How the node's admin CLI misbehaves (`ssh-banner-delay`, `ssh-drop`, `pager-ignored`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SshFaults {
    /// Seconds before the Welcome banner, replacing the server's delay.
    pub banner_delay_secs: Option<u32>,
    /// Close the connection after the first line of a command's output.
    pub drop: bool,
    /// Keep paging after `set cli pagination off`, 20 lines a page.
    pub pager_ignored: bool,
}

/// The node's SSH faults.
pub fn ssh_faults(c: &Cluster, node: usize) -> SshFaults {
    let name = node_name(c, node);
    let mut out = SshFaults::default();
    for f in faults(c) {
        match f {
            CheckFault::SshBannerDelay { node, secs } if node.matches(name) => {
                out.banner_delay_secs = Some(*secs);
            }
            CheckFault::SshDrop { node } if node.matches(name) => out.drop = true,
            CheckFault::PagerIgnored { node } if node.matches(name) => out.pager_ignored = true,
            _ => {}
        }
    }
    out
}

/// `show network cluster` (inferred).
pub fn network_cluster(c: &Cluster) -> Vec<String> {
    let mut out = Vec::new();
    for n in c.nodes() {
        let (role, db) = if n.publisher {
            ("Publisher", "DBPub")
        } else {
            ("Subscriber", "DBSub")
        };
        out.push(format!(
            "{} {}.{} {} {role} callmanager {db} authenticated",
            n.address,
            n.name,
            c.domain(),
            n.name
        ));
    }
    out.push(String::new());
    out.push("Server Table (processnode) Entries".into());
    out.push("----------------------------------".into());
    for n in c.nodes() {
        out.push(format!("{}.{}", n.name, c.domain()));
    }
    out.push(String::new());
    out
}

/// `utils ntp status` (inferred): synchronised at stratum 2, or (`ntp=<node>` fault) running
/// but unsynchronised.
pub fn ntp(c: &Cluster, node: usize) -> Vec<String> {
    let name = node_name(c, node);
    let broken = faults(c)
        .iter()
        .any(|f| matches!(f, CheckFault::Ntp { node } if node.matches(name)));
    let time = format!(
        "Current time in UTC is : {}",
        UnixTime::from_secs_u64(current(c)).to_cli_date()
    );
    if broken {
        return vec![
            "ntpd (pid 2817) is running...".into(),
            String::new(),
            "     remote           refid      st t when poll reach   delay   offset  jitter".into(),
            "==============================================================================".into(),
            " 127.0.0.123     .INIT.          16 u    - 1024    0    0.000    0.000   0.000".into(),
            String::new(),
            "unsynchronised".into(),
            "  time server re-starting".into(),
            "   polling server every 64 s".into(),
            String::new(),
            time,
        ];
    }
    vec![
        "ntpd (pid 2817) is running...".into(),
        String::new(),
        "     remote           refid      st t when poll reach   delay   offset  jitter".into(),
        "==============================================================================".into(),
        "*127.0.0.123     .GPS.            1 u   64 1024  377    0.312   -0.021   0.015".into(),
        String::new(),
        "synchronised to NTP server (127.0.0.123) at stratum 2".into(),
        "   time correct to within 22 ms".into(),
        "   polling server every 1024 s".into(),
        String::new(),
        time,
    ]
}

/// `utils fips status` (inferred); FIPS mode with the `fips=<node>` fault.
pub fn fips(c: &Cluster, node: usize) -> Vec<String> {
    let name = node_name(c, node);
    if faults(c)
        .iter()
        .any(|f| matches!(f, CheckFault::Fips { node } if node.matches(name)))
    {
        vec!["The system is operating in FIPS Mode".into()]
    } else {
        vec!["The system is operating in NON-FIPS Mode".into()]
    }
}

fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

/// `utils dbreplication runtimestate`: every node `(2) Setup Completed` (§6.3 layout).
pub fn replication(c: &Cluster, node: usize) -> Vec<String> {
    let me = self::node(c, node)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let mut out = vec![
        String::new(),
        format!("Server Time: {}", UnixTime::from_secs_u64(current(c)).to_cli_date()),
        String::new(),
        "Cluster Replication State: Replication status command started".into(),
        "DB and Replication Services: ALL RUNNING".into(),
        String::new(),
        format!(
            "Cluster Detailed View from {me} ({} Servers):",
            c.nodes().len()
        ),
        String::new(),
        "                                         PING      DB/RPC/   REPL.    Replication    REPLICATION SETUP".into(),
        "SERVER-NAME              IP ADDRESS        (msec)    DbMon?    QUEUE    Group ID       (RTMT) & Details".into(),
        "-----------              ----------        ------    -------   -----    -----------    ------------------".into(),
    ];
    for (i, n) in c.nodes().iter().enumerate() {
        let ping = if i == node { "0.016" } else { "0.163" };
        let state = faults(c).iter().find_map(|f| match f {
            CheckFault::Replication { node, state } if node.matches(&n.name) => Some(*state),
            _ => None,
        });
        let (dbrpc, details) = match state {
            None => ("Y/Y/Y", "(2) Setup Completed"),
            Some(0) => ("Y/Y/Y", "(0) Initializing"),
            Some(1) => ("Y/Y/Y", "(1) Setup in progress"),
            Some(3) => ("Y/Y/Y", "(3) Out Of Sync"),
            Some(_) => ("Y/N/Y", "(4) Setup Failed / Dropped"),
        };
        out.push(format!(
            "{}{}{}{}{}{}{details}",
            pad(&n.name, 25),
            pad(&n.address.to_string(), 18),
            pad(ping, 10),
            pad(dbrpc, 10),
            pad("0", 9),
            pad(&format!("(g_{})", i + 2), 15),
        ));
    }
    out.push(String::new());
    out
}

/// `utils disaster_recovery history backup`: one scheduled backup that succeeded at 02:00 UTC
/// on the day before the cluster was built (§6.4 layout; device and features ours). With the
/// `backup` fault: that backup ended `ERROR` (after an older success), or it is
/// [`STALE_BACKUP_DAYS`] days old, or there is no row. Then one `SUCCESS` row (device
/// `NETWORK`, type `MANUAL`) per backup the simulator completed.
pub fn backup_history(c: &Cluster) -> Vec<String> {
    let fault = faults(c).iter().find_map(|f| match f {
        CheckFault::Backup { what } => Some(*what),
        _ => None,
    });
    let header =
        "Tar Filename: Backup Device: Completed On: Result: Backup Type: Features Backed Up:";
    let first = c.backups().first().map(|b| b.started);
    let now = first.map_or_else(|| current(c), |f| f.min(current(c)));
    let day = |ago: u64| (now / 86_400).saturating_sub(ago) * 86_400 + 2 * 3600;
    let row = |start: u64, result: &str| {
        let done = start + 9 * 60 + 41;
        let s = UnixTime::from_secs_u64(start).to_rfc3339();
        // 2025-06-01T02:00:00Z -> 2025-06-01-02-00-00.tar
        let tar = format!("{}.tar", s.trim_end_matches('Z').replace(['T', ':'], "-"));
        format!(
            "{tar} SIM_NETWORK {} {result} SCHEDULED UCM,CDR_CAR,PLM",
            UnixTime::from_secs_u64(done).to_cli_date()
        )
    };
    let mut out = match fault {
        None => vec![header.into(), row(day(1), "SUCCESS")],
        Some(BackupFault::Failed) => {
            vec![header.into(), row(day(2), "SUCCESS"), row(day(1), "ERROR")]
        }
        Some(BackupFault::Stale) => vec![header.into(), row(day(STALE_BACKUP_DAYS), "SUCCESS")],
        Some(BackupFault::None) => vec![header.into()],
    };
    for b in c.backups() {
        if let Some(done) = b.completed {
            out.push(format!(
                "{} NETWORK {} SUCCESS MANUAL {}",
                b.tar,
                UnixTime::from_secs_u64(done).to_cli_date(),
                b.features.join(",")
            ));
        }
    }
    out
}

/// `utils disaster_recovery status backup`: `drfCliMsg: No backup status available` when idle
/// (§6.2); while a backup runs, a status block (inferred layout).
pub fn backup_status(c: &Cluster) -> Vec<String> {
    match c.backup_running() {
        None => vec![
            "drfCliMsg: No backup status available".into(),
            String::new(),
        ],
        Some(b) => vec![
            "Status: IN PROGRESS".into(),
            format!("Tar Filename: {}", b.tar),
            format!("Storage Location: NETWORK ({}:{})", b.server, b.path),
            "Operation: BACKUP".into(),
            format!("Features: {}", b.features.join(",")),
            format!(
                "Start Time: {}",
                UnixTime::from_secs_u64(b.started).to_cli_date()
            ),
            String::new(),
        ],
    }
}

/// `utils service list` (§6.2 line forms).
pub fn service_list(c: &Cluster, node: usize) -> Vec<String> {
    let mut out = vec![
        "Requesting service status, please wait...".to_owned(),
        "Service Manager is running".into(),
        "Getting list of all services".into(),
        ">> Return code = 0".into(),
    ];
    if let Some(n) = self::node(c, node) {
        for kind in SIM_SERVICES {
            let name = kind.cli_name();
            let line = match n.service(kind) {
                ServiceStatus::Started => format!("{name}[STARTED]"),
                ServiceStatus::Starting => format!("{name}[STARTING]"),
                ServiceStatus::Stopping => format!("{name}[STOPPING]"),
                ServiceStatus::Stopped => format!("{name}[ STOPPED ]  Component is not running"),
                ServiceStatus::CommandedOutOfService => {
                    format!("{name}[STOPPED]  Commanded Out of Service")
                }
                ServiceStatus::NotActivated => format!("{name}[STOPPED]  Service Not Activated"),
                ServiceStatus::Unknown => format!("{name}[UNKNOWN]"),
            };
            out.push(line);
        }
    }
    out
}

/// `show cert list own`: 14+ one line per certificate (§6.2); earlier releases blocks of
/// Unit/Type/Name/Issuer/Expires (inferred layout).
pub fn cert_list_own(c: &Cluster, node: usize) -> Vec<String> {
    let Some(n) = self::node(c, node) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (unit, id) in &n.identities {
        if c.settings().generation == Generation::V14 {
            let cert = id.certificate();
            // (inferred) the description of a CA-signed certificate.
            let description = if cert.issuer_cucm() == cert.subject_cucm() {
                "Self-signed certificate generated by system".to_owned()
            } else {
                format!("Certificate signed by {}", cert.issuer_cucm())
            };
            out.push(format!("{}: {description}", CertUnit::own_cert_path(*unit)));
        } else {
            out.push(String::new());
            out.push(format!("Unit: {}", unit.name()));
            out.push("Type: own".into());
            out.push(format!("Name: {}.pem", unit.name()));
            out.push(format!("Issuer: {}", id.certificate().issuer_cucm()));
            out.push(format!(
                "Expires: {}",
                UnixTime::from_secs_u64(id.certificate().not_after()).to_cli_date()
            ));
        }
    }
    out
}

/// `show cert list trust`: `<store>/<file>: Trust Certificate` (description inferred; file
/// names from [`crate::model::TrustEntry::file_name`]).
pub fn cert_list_trust(c: &Cluster, node: usize) -> Vec<String> {
    let Some(n) = self::node(c, node) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (store, entries) in &n.trust {
        for entry in entries {
            out.push(format!(
                "{}/{}: Trust Certificate",
                store.name(),
                entry.file_name()
            ));
        }
    }
    out
}

/// `show cert own <unit>`: the certificate as PEM (framing inferred); `None` when the node
/// does not hold the unit.
pub fn cert_own(c: &Cluster, node: usize, unit: CertUnit) -> Option<Vec<String>> {
    let id = self::node(c, node)?.identity(unit)?;
    Some(
        id.certificate()
            .to_pem()
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

fn render_list(bytes: &[u8], built_at: u64) -> Option<Vec<String>> {
    let list = TrustList::parse(bytes).ok()?;
    let (report, _) = verify::verify_signature(&list, None);
    let text = render(
        &list,
        &RenderOptions {
            modified: Some(UnixTime::from_secs_u64(built_at).to_cli_date()),
            verified: Some(report.valid),
        },
    );
    Some(text.lines().map(str::to_owned).collect())
}

/// `show itl`: the node's served ITL rendered as CUCM does (`itl_core::render`); a node
/// without one prints the §11.1 "no file" lines with ITL in place of CTL (inferred).
pub fn show_itl(c: &Cluster, node: usize) -> Vec<String> {
    match c
        .node_itl(node)
        .and_then(|f| render_list(&f.bytes, f.built_at))
    {
        Some(lines) => lines,
        None => vec![
            "Length of ITL file: 0".into(),
            "ITL File not found. Please run the CLI - utils itl.. to generate the ITL file.".into(),
            "Error parsing the ITL File.".into(),
        ],
    }
}

/// `show ctl` on the publisher.
pub fn show_ctl(c: &Cluster) -> Vec<String> {
    show_ctl_on(c, 0)
}

/// `show ctl` on `node`: the CTL the node serves (the cluster's, or with `ctl-differs` the
/// previous one), or the §11.1 "no file" lines.
pub fn show_ctl_on(c: &Cluster, node: usize) -> Vec<String> {
    match c
        .node_ctl(node)
        .and_then(|f| render_list(&f.bytes, f.built_at))
    {
        Some(lines) => lines,
        None => vec![
            "Length of CTL file: 0".into(),
            "CTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file.".into(),
            "Error parsing the CTL File.".into(),
        ],
    }
}

/// `run sql <query>`: `processconfig` parameters `ClusterSecurityMode` and
/// `RollBackToPreGrayback` (values as the simulator's AXL answers them); any other query gets
/// an Informix-style error (inferred).
pub fn sql(c: &Cluster, query: &str) -> Result<Vec<String>, Vec<String>> {
    let q = query.to_ascii_lowercase();
    if !q.trim_start().starts_with("select") || !q.contains("processconfig") {
        return Err(vec![
            "Only processconfig parameters are available in this simulator's run sql.".into(),
            "The specified table (or view) is not in the database (or SLV is undefined).".into(),
        ]);
    }
    let mut rows = Vec::new();
    if q.contains("'clustersecuritymode'") {
        let v = match c.settings().security_mode {
            ClusterSecurityMode::Mixed => "1",
            ClusterSecurityMode::NonSecure => "0",
        };
        rows.push(("ClusterSecurityMode", v));
    }
    if q.contains("'rollbacktopregrayback'") {
        rows.push((
            "RollBackToPreGrayback",
            if c.settings().rollback { "T" } else { "F" },
        ));
    }
    let width = rows
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .max("paramname".len());
    let mut out = vec![
        format!("{} paramvalue", pad("paramname", width)),
        format!("{} ==========", "=".repeat(width)),
    ];
    for (name, value) in rows {
        out.push(format!("{} {value}", pad(name, width)));
    }
    Ok(out)
}
