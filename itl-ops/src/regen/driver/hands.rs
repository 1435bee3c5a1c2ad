//! The orchestrator's hands and eyes on one cluster: it observes what a step may change and
//! performs steps, with the clients of `itl-cucm` (the admin CLI over SSH, Control Center,
//! AXL, RisPort70, the trust-file fetcher). Every call names the node and the command in its
//! error; no secret is ever part of a message.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use itl_core::cucm::{CertUnit, ItlFileStatus, Service, ServiceStatus};
use itl_core::time::UnixTime;
use itl_core::verify::VerifyOptions;
use itl_cucm::served::tftp_nodes_of;
use itl_cucm::served::{ServedListSummary, TransportPolicy, fetch_served, summarise};
use itl_cucm::session::ClusterSession;
use itl_cucm::ssh::{AdminCli, AdminSession, HostKeyPin, SshOptions, SshTarget};
use itl_wire::address::Transport;
use itl_wire::admin_cli::Command;
use itl_wire::admin_cli::parse::backup::BackupResult;
use itl_wire::admin_cli::parse::cert_own::OwnCertificate;
use itl_wire::soap::axl::sql;
use itl_wire::soap::axl_capf::CapfOperation;
use itl_wire::soap::axl_reset::PhoneReset;
use itl_wire::soap::control_center::ControlType;
use itl_wire::soap::risport::RegistrationStatus;

use super::super::gates::Registration;
use super::super::journal::{Observation, SerialFact, ServedFact, ServiceFact, TrustFact};
use super::super::program::ActionKind;
use crate::preflight::OsCredentials;

/// Runs `$call` on `$node`'s admin-CLI session; a session that failed is dropped (the next
/// call reconnects) and the error names the node and the command.
macro_rules! on_shell {
    ($self:ident, $node:expr, |$shell:ident| $call:expr, $($msg:tt)+) => {{
        let result = {
            let $shell = $self.shell($node).await?;
            $call.await
        };
        result.map_err(|e| {
            $self.shells.remove($node);
            format!("{}: {e}", format!($($msg)+))
        })
    }};
}

/// What the hands need.
#[derive(Clone, Debug)]
pub struct HandsOptions {
    /// Admin-CLI session settings.
    pub ssh: SshOptions,
    /// The platform administrator.
    pub os: OsCredentials,
}

/// Live access to one cluster.
#[derive(Debug)]
pub struct Hands {
    session: ClusterSession,
    options: HandsOptions,
    shells: HashMap<String, AdminSession>,
    /// One AXL client (one TLS connection kept alive) for every reset and query of a run.
    axl: std::sync::OnceLock<itl_cucm::soap::AxlClient>,
}

/// The files a TFTP node serves.
pub const ITL_FILE: &str = "ITLFile.tlv";
/// The CTL's served name.
pub const CTL_FILE: &str = "CTLFile.tlv";

impl Hands {
    /// Hands on the cluster of `session`.
    pub fn new(session: ClusterSession, options: HandsOptions) -> Self {
        Self {
            session,
            options,
            shells: HashMap::new(),
            axl: std::sync::OnceLock::new(),
        }
    }

    /// The session.
    pub fn session(&self) -> &ClusterSession {
        &self.session
    }

    /// The admin-CLI session of `node`, opened on first use.
    async fn shell(&mut self, node: &str) -> Result<&mut AdminSession, String> {
        if !self.shells.contains_key(node) {
            let entry = self.session.node(node).map_err(|e| e.to_string())?;
            let addr = entry
                .ssh_addr()
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{node}: the cluster file gives no ssh address"))?;
            let host_key = match entry.ssh_host_key_sha256.as_deref() {
                Some(fp) => HostKeyPin::parse(fp).map_err(|e| format!("{node}: {e}"))?,
                None => HostKeyPin::None,
            };
            let target = SshTarget {
                addr,
                node: node.to_owned(),
                user: self.options.os.user.clone(),
                password: self.options.os.password.clone(),
                host_key,
            };
            let shell = AdminCli::connect(&target, &self.options.ssh)
                .await
                .map_err(|e| e.to_string())?;
            self.shells.insert(node.to_owned(), shell);
        }
        self.shells
            .get_mut(node)
            .ok_or_else(|| format!("{node}: no admin-CLI session"))
    }

    /// Runs `command` on `node`; a failed session is dropped so the next call reconnects.
    pub async fn command(&mut self, node: &str, command: Command) -> Result<String, String> {
        let out = on_shell!(
            self,
            node,
            |shell| shell.run(&command),
            "ssh {node}: {command}"
        )?;
        Ok(out.text())
    }

    /// Closes every admin-CLI session.
    pub async fn close(&mut self) {
        for (_, s) in self.shells.drain() {
            s.close().await;
        }
    }

    /// Uses an updated cluster file from now on (new pins); the admin-CLI sessions stay.
    pub fn set_file(&mut self, file: itl_wire::cluster_file::ClusterFile) {
        self.session = self.session.with_file(file);
        self.axl = std::sync::OnceLock::new();
    }

    /// The run's AXL client, built on first use.
    fn axl(&self) -> Result<&itl_cucm::soap::AxlClient, String> {
        if let Some(client) = self.axl.get() {
            return Ok(client);
        }
        let client = self.session.axl().map_err(|e| e.to_string())?;
        Ok(self.axl.get_or_init(|| client))
    }

    /// `unit`'s own certificate on `node` (`show cert own`).
    pub async fn own(&mut self, node: &str, unit: CertUnit) -> Result<OwnCertificate, String> {
        on_shell!(
            self,
            node,
            |shell| shell.cert_own(unit),
            "ssh {node}: show cert own {}",
            unit.own_cert_path()
        )
    }

    /// The state and uptime of `service` on `node` (Control Center; Tomcat through `utils
    /// service list`, since Control Center runs inside it).
    pub async fn service_state(
        &mut self,
        node: &str,
        service: Service,
    ) -> Result<(ServiceStatus, String, Option<i64>), String> {
        let cc = self
            .session
            .control_center(node)
            .map_err(|e| e.to_string())?;
        let info = cc
            .service_status(&[service.control_center_name()])
            .await
            .map_err(|e| format!("control center {node}: {e}"))?;
        let s = info.service(service.control_center_name()).ok_or_else(|| {
            format!(
                "control center {node}: {} not reported",
                service.control_center_name()
            )
        })?;
        Ok((s.status(), s.status_text.clone(), s.up_time))
    }

    /// What every TFTP node serves, summarised (HTTP 6970, else TFTP): its ITL (or why none
    /// could be fetched) and its CTL.
    #[allow(clippy::type_complexity)]
    pub async fn served(
        &self,
        at: UnixTime,
    ) -> Result<
        Vec<(
            Result<ServedListSummary, (String, String)>,
            Option<ServedListSummary>,
        )>,
        String,
    > {
        let nodes =
            tftp_nodes_of(self.session.file(), Transport::Http).map_err(|e| e.to_string())?;
        let fetcher = self.session.fetcher().map_err(|e| e.to_string())?;
        let policy = TransportPolicy::FirstServing(vec![Transport::Http, Transport::Tftp]);
        let options = VerifyOptions::new(at);
        Ok(fetch_served(&nodes, &fetcher, &policy)
            .await
            .into_iter()
            .map(|lists| {
                let node = lists.node.name.clone();
                let itl = match lists.itl().and_then(|f| f.bytes()) {
                    Some(bytes) => Ok(summarise(&node, ITL_FILE, bytes, &options)),
                    None => Err((
                        node.clone(),
                        lists.error().unwrap_or_else(|| "nothing served".into()),
                    )),
                };
                let ctl = lists
                    .ctl()
                    .and_then(|f| f.bytes())
                    .map(|b| summarise(&node, CTL_FILE, b, &options));
                (itl, ctl)
            })
            .collect())
    }

    /// Registration of `names` (RisPort70).
    pub async fn registrations(&self, names: &[String]) -> Result<Vec<Registration>, String> {
        let ris = self.session.risport().map_err(|e| e.to_string())?;
        let devices = ris
            .registration(names)
            .await
            .map_err(|e| format!("risport: {e}"))?;
        let mut out: BTreeMap<String, Registration> = names
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    Registration {
                        name: n.clone(),
                        registered: false,
                        since: None,
                    },
                )
            })
            .collect();
        for d in devices {
            let Some(r) = out.get_mut(&d.name) else {
                continue;
            };
            let since = d.time_stamp.map(UnixTime::from_secs_u64);
            if d.status == RegistrationStatus::Registered {
                r.registered = true;
                r.since = since.max(r.since.filter(|_| r.registered));
            } else if !r.registered {
                r.since = since.max(r.since);
            }
        }
        Ok(out.into_values().collect())
    }

    /// What `action` may change, observed now.
    pub async fn observe(&mut self, action: &ActionKind, at: UnixTime) -> Observation {
        let mut o = Observation::at(at);
        match action {
            ActionKind::Regen { node, unit } => {
                if let Ok(c) = self.own(node, *unit).await {
                    o.serials.push(SerialFact {
                        node: node.clone(),
                        unit: *unit,
                        cn: common_name(&c.subject),
                        serial: c.serial,
                    });
                }
            }
            ActionKind::CtlUpdate { .. }
            | ActionKind::CtlResetLocalkey { .. }
            | ActionKind::ItlResetLocalkey { .. } => {
                if let Ok(served) = self.served(at).await {
                    for (itl, ctl) in served {
                        let (node, sha256) = match itl {
                            Ok(itl) => (
                                itl.node.clone(),
                                itl.parse_error.is_none().then(|| itl.sha256.clone()),
                            ),
                            Err((node, _)) => (node, None),
                        };
                        o.served.push(ServedFact {
                            node: node.clone(),
                            file: ITL_FILE.into(),
                            sha256,
                        });
                        o.served.push(ServedFact {
                            node,
                            file: CTL_FILE.into(),
                            sha256: ctl.map(|c| c.sha256),
                        });
                    }
                }
            }
            ActionKind::Service { node, service, .. } => {
                if let Ok((_, text, up)) = self.service_state(node, *service).await {
                    o.services.push(ServiceFact {
                        node: node.clone(),
                        service: *service,
                        status: text,
                        up_secs: up,
                    });
                }
            }
            ActionKind::DeleteOldTrust { node } => {
                if let Ok(entries) = self.trust_entries(node).await {
                    o.trust = entries;
                }
            }
            ActionKind::Backup { node } => {
                o.newest_backup = self.newest_backup(node).await.ok().flatten();
            }
            ActionKind::ResetPhones { .. }
            | ActionKind::ReissueLsc { .. }
            | ActionKind::Wait { .. }
            | ActionKind::IpsecRestart { .. }
            | ActionKind::Gate { .. } => {}
        }
        o
    }

    /// The trust-store entries of `node` (`show cert list trust`).
    pub async fn trust_entries(&mut self, node: &str) -> Result<Vec<TrustFact>, String> {
        let list = on_shell!(
            self,
            node,
            |shell| shell.cert_list_trust(),
            "ssh {node}: show cert list trust"
        )?;
        Ok(list
            .entries
            .into_iter()
            .map(|e| TrustFact {
                node: node.to_owned(),
                entry: format!("{}/{}", e.unit, e.file),
            })
            .collect())
    }

    /// The time the newest successful DRS backup completed.
    pub async fn newest_backup(&mut self, node: &str) -> Result<Option<UnixTime>, String> {
        let h = on_shell!(
            self,
            node,
            |shell| shell.backup_history(),
            "ssh {node}: utils disaster_recovery history backup"
        )?;
        Ok(h.rows
            .iter()
            .filter(|r| r.result == BackupResult::Success)
            .filter_map(|r| r.completed.as_ref().or(r.started.as_ref()))
            .map(|d| UnixTime::from_secs(d.unix_seconds_ignoring_zone()))
            .max())
    }

    /// Runs `command` on `node`, requiring its success line where the CLI prints one (`set
    /// cert regen <unit>`, `utils ctl update CTLFile`, `utils itl|ctl reset localkey`: each
    /// answers only its own question); any other command runs as [`Hands::command`] does.
    pub async fn checked(&mut self, node: &str, command: Command) -> Result<(), String> {
        on_shell!(
            self,
            node,
            |shell| async {
                match &command {
                    Command::CertRegen(unit) => shell.regen(*unit).await.map(|_| ()),
                    Command::CtlUpdate => shell.ctl_update().await.map(|_| ()),
                    Command::ItlResetLocalkey => shell.itl_reset_localkey().await.map(|_| ()),
                    Command::CtlResetLocalkey => shell.ctl_reset_localkey().await,
                    other => shell.run(other).await.map(|_| ()),
                }
            },
            "ssh {node}: {command}"
        )
    }

    /// Restarts, stops or starts `service` on `node` (Control Center; Tomcat over the CLI).
    pub async fn control(
        &mut self,
        node: &str,
        service: Service,
        op: ControlType,
    ) -> Result<(), String> {
        if service.restarts_through_cli() {
            let name = service.cli_name().to_owned();
            let command = match op {
                ControlType::Restart => Command::ServiceRestart(name),
                ControlType::Stop => Command::ServiceStop(name),
                ControlType::Start => Command::ServiceStart(name),
            };
            return self.command(node, command).await.map(|_| ());
        }
        let cc = self
            .session
            .control_center(node)
            .map_err(|e| e.to_string())?;
        cc.control_services(node, op, &[service.control_center_name()])
            .await
            .map(|_| ())
            .map_err(|e| {
                format!(
                    "control center {node}: {op} {}: {e}",
                    service.control_center_name()
                )
            })
    }

    /// `resetPhone` of one phone.
    pub async fn reset_phone(&self, name: &str) -> Result<(), String> {
        let axl = self.axl()?;
        axl.reset_phone(PhoneReset::Reset, name)
            .await
            .map(|_| ())
            .map_err(|e| format!("axl resetPhone {name}: {e}"))
    }

    /// Every phone's CAPF state (name, `tkcertificatestatus`, `tkcertificateoperation`).
    pub async fn lsc_rows(&self) -> Result<Vec<(String, String, String)>, String> {
        let axl = self.axl()?;
        let rows = axl
            .execute_sql_all(sql::PHONE_LSC)
            .await
            .map_err(|e| format!("axl sql (phones' LSC state): {e}"))?;
        let col = |r: &itl_wire::soap::axl::Row, c: &str| r.get(c).cloned().unwrap_or_default();
        Ok(rows
            .iter()
            .map(|r| {
                (
                    col(r, "name"),
                    col(r, "tkcertificatestatus"),
                    col(r, "tkcertificateoperation"),
                )
            })
            .collect())
    }

    /// The 14+ ITL File Status of every phone, by name; `None` when the cluster has no
    /// [`sql::ITL_FILE_STATUS_TABLE`] (Q11 lists its `%itl%` tables first: the table is
    /// inferred, so a cluster that keeps the report elsewhere is told apart, not misread).
    /// A status word that is not one of the four reads as `Unknown`.
    pub async fn itl_file_status(&self) -> Result<Option<BTreeMap<String, ItlFileStatus>>, String> {
        let axl = self.axl()?;
        let tables = axl
            .execute_sql(sql::ITL_TABLES)
            .await
            .map_err(|e| format!("axl sql (ITL tables): {e}"))?;
        if !tables.iter().any(|r| {
            r.get("tabname")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(sql::ITL_FILE_STATUS_TABLE))
        }) {
            return Ok(None);
        }
        let rows = axl
            .execute_sql_all(sql::ITL_FILE_STATUS)
            .await
            .map_err(|e| format!("axl sql (ITL File Status): {e}"))?;
        Ok(Some(
            rows.iter()
                .filter_map(|r| {
                    let status = r
                        .get("itlfilestatus")
                        .and_then(|s| ItlFileStatus::parse(s))
                        .unwrap_or(ItlFileStatus::Unknown);
                    Some((r.get("name")?.trim().to_owned(), status))
                })
                .collect(),
        ))
    }

    /// Requests a new LSC for one phone (CAPF `Install/Upgrade`, issued at its next reset).
    pub async fn request_lsc(&self, name: &str) -> Result<(), String> {
        let axl = self.axl()?;
        axl.certificate_operation(name, CapfOperation::InstallUpgrade)
            .await
            .map(|_| ())
            .map_err(|e| {
                format!("axl updatePhone {name} certificateOperation Install/Upgrade: {e}")
            })
    }

    /// How long a service may take to reach its state before G-SVC gives up on it.
    pub const SERVICE_TIMEOUT: Duration = Duration::from_secs(600);
}

/// The `CN=` of a subject as `show cert own` prints it (`CN=CAPF-69659f2d, OU=…`).
fn common_name(subject: &str) -> Option<String> {
    subject
        .split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .map(|cn| cn.trim().to_owned())
}
