//! The simulator's real servers, all on 127.0.0.0/8:
//!
//! | per | server | module |
//! |---|---|---|
//! | TFTP node | TFTP (UDP 69 or ephemeral) | [`tftp`] |
//! | TFTP node | HTTP 6970 | [`tftp_http`] |
//! | node | HTTPS 8443: Tomcat certificate, Basic auth, SOAP router | [`https`], [`soap`] |
//! | node | AXL (`executeSQLQuery`, `listPhone`, resets, `updatePhone` CAPF), RisPort70, Control Center on 8443 | [`soap_axl`] ([`axl_list_phone`], [`axl_reset`], [`axl_capf`]), [`soap_risport`], [`soap_control`] |
//! | node | SSH 22 (or ephemeral): the UCOS admin CLI | [`ssh`] |
//! | node | `?wsdl` of RisPort70, Control Center and PerfMon on 8443 | [`wsdl`] |
//! | phone | HTTP 80 (or one ephemeral port): the phone's pages | [`phone_web`] |
//!
//! [`SimServer::start`] binds everything and returns the addresses; [`SimHandle`] reads and
//! changes the model while the servers run. [`timeline`] runs the timed operations
//! (`--time-scale`) and writes the change log (`--events`).

pub mod axl_capf;
pub mod axl_list_phone;
pub mod axl_request;
pub mod axl_reset;
pub mod http_util;
pub mod https;
pub mod listen;
pub mod phone_web;
pub mod soap;
pub mod soap_axl;
pub mod soap_control;
pub mod soap_risport;
pub mod ssh;
pub mod tftp;
pub mod tftp_http;
pub mod timeline;
pub mod wildcard;
pub mod wsdl;

use itl_core::cucm::{CertUnit, Service};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};

use itl_wire::Sha256Fingerprint;
use itl_wire::cluster_file::{
    ClusterFile, ClusterSection, DEFAULT_OS_PASSWORD_ENV, NodeEntry, RECORDED_SERVICES,
};
use itl_wire::soap::perfmon::PERFMON_PATH;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::SimError;
use crate::model::snapshot::Snapshot;
use crate::model::{ChangeReport, Cluster};
use crate::server::https::NodeCertResolver;
use crate::server::soap::{RisportRate, SoapService};
use crate::truth::Truth;

/// Which ports the servers use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortPlan {
    /// 69, 6970, 8443 and 80, as a real cluster (root only).
    Real,
    /// Ports chosen by the kernel (written into the cluster file).
    Ephemeral,
}

/// How phone web servers listen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneListeners {
    /// One socket bound to device `lo` if allowed, else one listener per phone.
    Auto,
    /// One socket bound to device `lo` (fails without root).
    Wildcard,
    /// One listener per phone address.
    PerPhone,
}

/// How to serve a cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// Ports.
    pub ports: PortPlan,
    /// Phone listener strategy.
    pub phone_listeners: PhoneListeners,
    /// The application user for 8443.
    pub user: String,
    /// Its password (never written anywhere).
    pub password: String,
    /// The environment variable the cluster file names for the password.
    pub password_env: String,
    /// The admin CLI over SSH: OS administrator, privilege, banner delay.
    pub ssh: ssh::SshServe,
    /// How long operations take ([`crate::timing`]); 0 (the default) is instant.
    pub time_scale: crate::timing::TimeScale,
    /// Where to write one JSON line per change ([`crate::events`]); none by default.
    pub events: Option<std::path::PathBuf>,
}

impl ServeOptions {
    /// Ephemeral ports, automatic phone listeners, `ITL_PASSWORD`; the OS administrator is
    /// `admin` (level 4) with the same password.
    pub fn ephemeral(user: &str, password: &str) -> Self {
        Self {
            ports: PortPlan::Ephemeral,
            phone_listeners: PhoneListeners::Auto,
            user: user.to_owned(),
            password: password.to_owned(),
            password_env: itl_wire::cluster_file::DEFAULT_PASSWORD_ENV.to_owned(),
            ssh: ssh::SshServe::new(password),
            time_scale: crate::timing::TimeScale::INSTANT,
            events: None,
        }
    }
}

/// Where a node answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeAddresses {
    /// Host name.
    pub name: String,
    /// Address.
    pub address: Ipv4Addr,
    /// Publisher.
    pub publisher: bool,
    /// TFTP (UDP), for TFTP nodes.
    pub tftp: Option<SocketAddr>,
    /// HTTP 6970, for TFTP nodes.
    pub tftp_http: Option<SocketAddr>,
    /// HTTPS 8443.
    pub https: SocketAddr,
    /// The admin CLI (SSH 22).
    pub ssh: SocketAddr,
    /// The SSH host key's OpenSSH fingerprint (`SHA256:…`).
    pub ssh_host_key_sha256: String,
    /// The SSH host public key in `known_hosts` form (`ssh-ed25519 AAAA…`).
    pub ssh_host_key_openssh: String,
}

/// Where the phones' web servers answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhonePorts {
    /// Every phone on this port (one wildcard socket, or per-phone listeners that all got it).
    Shared {
        /// The port.
        port: u16,
        /// Whether one socket bound to `lo` serves them all.
        wildcard: bool,
    },
    /// Each phone on its own port (`None`: no listener, the phone's web access is off).
    PerPhone(Vec<Option<u16>>),
}

/// Credentials of the 8443 services.
struct Credentials {
    user: String,
    password: String,
}

pub(crate) struct Shared {
    cluster: RwLock<Cluster>,
    credentials: Credentials,
    soap: RwLock<Vec<(String, Arc<dyn SoapService>)>>,
    tls: Vec<Arc<NodeCertResolver>>,
    risport: RisportRate,
    timeline: timeline::Timeline,
}

/// A cheap handle on the running simulation: read and change the model, register SOAP
/// services.
#[derive(Clone)]
pub struct SimHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").finish_non_exhaustive()
    }
}

impl SimHandle {
    /// Runs `f` with the model (shared lock; keep it short).
    pub fn read<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        let guard = self
            .shared
            .cluster
            .read()
            .unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Runs `f` with the model mutably, then makes the servers follow (Tomcat certificate),
    /// writes the changes `f` applied to the events file (in order, under the lock) and
    /// schedules the re-registrations it left pending.
    pub fn write<R>(&self, f: impl FnOnce(&mut Cluster) -> R) -> R {
        let (result, pending) = {
            let mut guard = self
                .shared
                .cluster
                .write()
                .unwrap_or_else(|p| p.into_inner());
            let result = f(&mut guard);
            let changes = guard.take_changes();
            if let Some(log) = &self.shared.timeline.events {
                log.record(changes);
            }
            (result, guard.take_pending_registrations())
        };
        if !pending.is_empty() {
            self.schedule_registrations(pending);
        }
        self.refresh_tls();
        result
    }

    /// Stops a fault from acting ([`Cluster::clear_fault`]): a test's "the fault is fixed".
    pub fn clear_fault(&self, kind: crate::faults::FaultKind) -> bool {
        self.write(|c| c.clear_fault(kind))
    }

    /// A snapshot of the whole model.
    pub fn snapshot(&self) -> Snapshot {
        self.read(Cluster::snapshot)
    }

    /// `set cert regen`: the key is made on a blocking thread without holding the lock, then
    /// the scaled [`crate::timing::CERT_REGEN`] passes before it is installed.
    pub async fn regenerate(&self, node: &str, unit: CertUnit) -> Result<ChangeReport, SimError> {
        let plan = self.read(|c| c.plan_regeneration(node, unit))?;
        let identity = tokio::task::spawn_blocking(move || plan.generate())
            .await
            .map_err(SimError::KeyTask)??;
        self.pause(crate::timing::CERT_REGEN).await;
        self.write(|c| c.apply_regeneration(identity))
    }

    /// Restarts a service (see [`Cluster::restart_service`]).
    pub fn restart_service(&self, node: &str, service: Service) -> Result<ChangeReport, SimError> {
        self.write(|c| c.restart_service(node, service))
    }

    /// Registers a SOAP service for requests whose path starts with `prefix` (the longest
    /// matching prefix wins).
    pub fn register_soap(&self, prefix: &str, service: Arc<dyn SoapService>) {
        let mut list = self.shared.soap.write().unwrap_or_else(|p| p.into_inner());
        list.retain(|(p, _)| p != prefix);
        list.push((prefix.to_owned(), service));
        list.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    }

    pub(crate) fn soap_service(&self, path: &str) -> Option<Arc<dyn SoapService>> {
        let list = self.shared.soap.read().unwrap_or_else(|p| p.into_inner());
        list.iter()
            .find(|(p, _)| path.starts_with(p.as_str()))
            .map(|(_, s)| s.clone())
    }

    pub(crate) fn risport_rate(&self) -> &RisportRate {
        &self.shared.risport
    }

    /// Makes RisPort70's per-minute limit count over `window` instead of a minute, so tests
    /// can hit CUCM's rate fault and recover without waiting a real minute.
    pub fn set_risport_window(&self, window: std::time::Duration) {
        self.shared.risport.set_window(window);
    }

    /// The user name when `authorization` (an `Authorization` header value) carries the
    /// right credentials.
    pub fn authenticate(&self, authorization: &str) -> Option<String> {
        let c = &self.shared.credentials;
        https::check_basic(authorization, &c.user, &c.password)
    }

    /// SHA-256 of the Tomcat certificate node `node` presents now.
    pub fn tls_sha256(&self, node: usize) -> Option<[u8; 32]> {
        self.shared.tls.get(node).map(|r| r.sha256())
    }

    fn refresh_tls(&self) {
        let serving: Vec<_> = self.read(|c| {
            c.nodes()
                .iter()
                .map(|n| (n.name.clone(), n.tomcat_serving.clone()))
                .collect()
        });
        for (resolver, (name, id)) in self.shared.tls.iter().zip(serving) {
            if let Some(id) = id
                && let Err(e) = resolver.update(&name, &id)
            {
                tracing::warn!("cannot swap the Tomcat certificate of {name}: {e}");
            }
        }
    }
}

/// A running simulation.
pub struct SimServer {
    handle: SimHandle,
    nodes: Vec<NodeAddresses>,
    phones: PhonePorts,
    user: String,
    password_env: String,
    os_user: String,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for SimServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimServer")
            .field("nodes", &self.nodes)
            .field("phones", &self.phones)
            .finish_non_exhaustive()
    }
}

impl SimServer {
    /// Binds every server and starts serving `cluster`.
    pub async fn start(mut cluster: Cluster, options: ServeOptions) -> Result<Self, SimError> {
        listen::raise_open_file_limit();
        let events = match &options.events {
            Some(path) => Some(crate::events::EventLog::create(path).map_err(SimError::Events)?),
            None => None,
        };
        cluster.record_changes(events.is_some());
        let scale = options.time_scale;
        cluster.delay_registrations(!scale.is_instant());
        let mut options = options;
        if !scale.is_instant() {
            options.ssh.banner_delay = options
                .ssh
                .banner_delay
                .max(scale.of(crate::timing::CLI_BANNER));
        }
        let real = options.ports == PortPlan::Real;
        let port = |p: u16| if real { p } else { 0 };
        let node_info: Vec<(String, Ipv4Addr, bool, bool)> = cluster
            .nodes()
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    n.address,
                    n.publisher,
                    n.runs(Service::Tftp),
                )
            })
            .collect();
        let mut tls = Vec::with_capacity(node_info.len());
        for n in cluster.nodes() {
            let id = n
                .tomcat_serving
                .as_ref()
                .or_else(|| n.identity(CertUnit::Tomcat))
                .ok_or_else(|| SimError::NoTomcatCertificate {
                    node: n.name.clone(),
                })?;
            tls.push(Arc::new(NodeCertResolver::new(&n.name, id)?));
        }
        let seed = cluster.seed();
        let phone_count = cluster.phones().len();
        let phone_addresses: Vec<(Ipv4Addr, bool)> = cluster
            .phones()
            .iter()
            .map(|p| (p.address, p.web_access))
            .collect();
        let handle = SimHandle {
            shared: Arc::new(Shared {
                cluster: RwLock::new(cluster),
                credentials: Credentials {
                    user: options.user.clone(),
                    password: options.password.clone(),
                },
                soap: RwLock::new(Vec::new()),
                tls: tls.clone(),
                risport: RisportRate::default(),
                timeline: timeline::Timeline::new(scale, events),
            }),
        };
        if !scale.is_instant() {
            handle.set_risport_window(scale.of(crate::timing::RISPORT_MINUTE));
        }
        handle.register_soap(
            itl_wire::soap::axl::AXL_PATH,
            Arc::new(soap_axl::AxlService::new()),
        );
        handle.register_soap(https::RISPORT_PATH, Arc::new(soap_risport::RisportService));
        handle.register_soap(
            itl_wire::soap::control_center::CONTROL_CENTER_PATH,
            Arc::new(soap_control::ControlCenterService),
        );
        let (shutdown, rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut nodes = Vec::new();
        // One port per service on every node, as on a real cluster (also with ephemeral
        // ports), so that a client that knows one node's ports knows them all.
        let tcp_port = |l: &tokio::net::TcpListener| l.local_addr().ok().map(|a| a.port());
        let all: Vec<Ipv4Addr> = node_info.iter().map(|n| n.1).collect();
        let with_tftp: Vec<Ipv4Addr> = node_info.iter().filter(|n| n.3).map(|n| n.1).collect();
        let mut https_listeners =
            listen::same_port(&all, port(8443), listen::tcp_listener, tcp_port)?.into_iter();
        let mut ssh_listeners =
            listen::same_port(&all, port(22), listen::tcp_listener, tcp_port)?.into_iter();
        let mut udp_sockets = listen::same_port(&with_tftp, port(69), listen::udp_socket, |s| {
            s.local_addr().ok().map(|a| a.port())
        })?
        .into_iter();
        let mut tftp_http_listeners =
            listen::same_port(&with_tftp, port(6970), listen::tcp_listener, tcp_port)?.into_iter();
        for (index, (name, address, publisher, runs_tftp)) in node_info.into_iter().enumerate() {
            let https_listener = node_socket(
                &mut https_listeners,
                listen::tcp_listener,
                address,
                port(8443),
            )?;
            let https = local(&https_listener, address)?;
            let acceptor = https::acceptor(&name, tls[index].clone())?;
            spawn_node_service(
                &mut tasks,
                |listener, node, sim, shutdown| https::run(listener, acceptor, node, sim, shutdown),
                https_listener,
                index,
                &handle,
                &rx,
            );
            let (mut tftp, mut tftp_http) = (None, None);
            if runs_tftp {
                let udp = node_socket(&mut udp_sockets, listen::udp_socket, address, port(69))?;
                tftp = Some(
                    udp.local_addr()
                        .map_err(|source| SimError::LocalAddr { address, source })?,
                );
                spawn_node_service(&mut tasks, tftp::run, udp, index, &handle, &rx);
                let http = node_socket(
                    &mut tftp_http_listeners,
                    listen::tcp_listener,
                    address,
                    port(6970),
                )?;
                tftp_http = Some(local(&http, address)?);
                spawn_node_service(&mut tasks, tftp_http::run, http, index, &handle, &rx);
            }
            let ssh_listener =
                node_socket(&mut ssh_listeners, listen::tcp_listener, address, port(22))?;
            let ssh = local(&ssh_listener, address)?;
            let key = ssh::host_key(seed, &name);
            let ssh_host_key_sha256 = ssh::host_key_fingerprint(&key);
            let ssh_host_key_openssh = ssh::host_key_openssh(&key);
            let serve = options.ssh.clone();
            spawn_node_service(
                &mut tasks,
                |listener, node, sim, shutdown| ssh::run(listener, node, key, serve, sim, shutdown),
                ssh_listener,
                index,
                &handle,
                &rx,
            );
            nodes.push(NodeAddresses {
                name,
                address,
                publisher,
                tftp,
                tftp_http,
                https,
                ssh,
                ssh_host_key_sha256,
                ssh_host_key_openssh,
            });
        }

        let phone_port = port(80);
        let mut phones = None;
        if phone_count > 0 && options.phone_listeners != PhoneListeners::PerPhone {
            match listen::wildcard_loopback_listener(phone_port) {
                Ok(listener) => {
                    let port = local(&listener, Ipv4Addr::UNSPECIFIED)?.port();
                    tasks.push(tokio::spawn(phone_web::run_wildcard(
                        listener,
                        handle.clone(),
                        rx.clone(),
                    )));
                    phones = Some(PhonePorts::Shared {
                        port,
                        wildcard: true,
                    });
                }
                Err(e) if options.phone_listeners == PhoneListeners::Wildcard => return Err(e),
                Err(e) => tracing::info!("no wildcard phone socket ({e}); one listener per phone"),
            }
        }
        let phones = match phones {
            Some(p) => p,
            None => {
                let (ports, mut per_phone_tasks) =
                    per_phone_listeners(&phone_addresses, phone_port, &handle, &rx)?;
                tasks.append(&mut per_phone_tasks);
                ports
            }
        };
        Ok(Self {
            handle,
            nodes,
            phones,
            user: options.user,
            password_env: options.password_env,
            os_user: options.ssh.os_user.clone(),
            shutdown,
            tasks,
        })
    }

    /// The handle on the model.
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }

    /// Where each node answers.
    pub fn nodes(&self) -> &[NodeAddresses] {
        &self.nodes
    }

    /// Where the phones answer.
    pub fn phone_ports(&self) -> &PhonePorts {
        &self.phones
    }

    /// The web port of phone `index`, if it listens.
    pub fn phone_port(&self, index: usize) -> Option<u16> {
        match &self.phones {
            PhonePorts::Shared { port, .. } => Some(*port),
            PhonePorts::PerPhone(ports) => ports.get(index).copied().flatten(),
        }
    }

    /// `ip` (port 80) or `ip:port`, as a browser needs it.
    pub fn phone_address(&self, index: usize) -> String {
        let ip = self
            .handle
            .read(|c| c.phones().get(index).map(|p| p.address));
        let Some(ip) = ip else {
            return String::new();
        };
        match self.phone_port(index) {
            Some(80) => ip.to_string(),
            Some(port) => format!("{ip}:{port}"),
            None => ip.to_string(),
        }
    }

    /// The truth file for the current state.
    pub fn truth(&self) -> Truth {
        let addresses: Vec<String> = (0..self.handle.read(|c| c.phones().len()))
            .map(|i| self.phone_address(i))
            .collect();
        self.handle
            .read(|c| c.truth(|i| addresses.get(i).cloned().unwrap_or_default()))
    }

    /// The cluster file describing this simulation.
    pub fn cluster_file(&self) -> ClusterFile {
        let name = self.handle.read(|c| c.name().to_owned());
        let phone_http_port = match &self.phones {
            PhonePorts::Shared { port, .. } => *port,
            PhonePorts::PerPhone(ports) => ports.iter().flatten().copied().next().unwrap_or(80),
        };
        let (release, services) = self.handle.read(|c| {
            let services: Vec<Vec<String>> = c
                .nodes()
                .iter()
                .map(|n| {
                    RECORDED_SERVICES
                        .iter()
                        .filter(|s| n.runs(**s))
                        .map(|s| s.plan_name().to_owned())
                        .collect()
                })
                .collect();
            (
                crate::model::version_string(c.settings().generation),
                services,
            )
        });
        let axl_version =
            itl_wire::soap::axl_version::schemas_served(release).and_then(|s| s.into_iter().next());
        ClusterFile {
            cluster: ClusterSection {
                name,
                user: self.user.clone(),
                password_env: self.password_env.clone(),
                phone_http_port,
                axl_version,
                os_user: Some(self.os_user.clone()),
                os_password_env: Some(DEFAULT_OS_PASSWORD_ENV.to_owned()),
                os_password_file: None,
            },
            nodes: self
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let base = format!("https://{}", n.https);
                    NodeEntry {
                        name: n.name.clone(),
                        publisher: n.publisher,
                        address: n.address.to_string(),
                        axl: format!("{base}/axl/"),
                        risport: format!("{base}{}", https::RISPORT_PATH),
                        control_center: format!(
                            "{base}/controlcenterservice2/services/ControlCenterServices"
                        ),
                        tftp: n.tftp.map(|a| a.to_string()),
                        tftp_http: n.tftp_http.map(|a| format!("http://{a}")),
                        tls_sha256: self
                            .handle
                            .tls_sha256(i)
                            .map(|d| Sha256Fingerprint(d).to_string()),
                        ssh: Some(n.ssh.to_string()),
                        ssh_host_key_sha256: Some(n.ssh_host_key_sha256.clone()),
                        perfmon: Some(format!("{base}{PERFMON_PATH}")),
                        services: services.get(i).cloned().unwrap_or_default(),
                    }
                })
                .collect(),
        }
    }

    /// One line: nodes, phones, ports and faults.
    pub fn summary(&self) -> String {
        let (phones, generation, mode, faults) = self.handle.read(|c| {
            (
                c.phones().len(),
                c.settings().generation,
                c.settings().security_mode,
                c.faults().to_string(),
            )
        });
        let tftp = self.nodes.iter().filter(|n| n.tftp.is_some()).count();
        let phone_ports = match &self.phones {
            PhonePorts::Shared { port, wildcard } => format!(
                "port {port} ({})",
                if *wildcard {
                    "one socket on lo"
                } else {
                    "one listener each"
                }
            ),
            PhonePorts::PerPhone(_) => "one port each".into(),
        };
        let scale = self.handle.time_scale();
        let timing = if scale.is_instant() {
            String::new()
        } else {
            format!(", time scale {scale}")
        };
        format!(
            "{} nodes ({tftp} TFTP), {phones} phones on {phone_ports}, CUCM {generation} {}, faults: {}{timing}",
            self.nodes.len(),
            match mode {
                itl_core::cucm::ClusterSecurityMode::Mixed => "mixed mode",
                itl_core::cucm::ClusterSecurityMode::NonSecure => "non-secure",
            },
            if faults.is_empty() {
                "none".into()
            } else {
                faults
            }
        )
    }

    /// Stops every server and waits for the listeners to close.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), task).await;
        }
    }
}

/// The socket [`listen::same_port`] bound for the next node's service, or one bound on
/// `address` should that list run short.
fn node_socket<S>(
    bound: &mut impl Iterator<Item = S>,
    bind: impl FnOnce(Ipv4Addr, u16) -> Result<S, SimError>,
    address: Ipv4Addr,
    port: u16,
) -> Result<S, SimError> {
    bound.next().map_or_else(|| bind(address, port), Ok)
}

/// Spawns the server of one node service that takes its socket, the node's index, the model
/// and the shutdown signal.
fn spawn_node_service<S, F>(
    tasks: &mut Vec<JoinHandle<()>>,
    run: impl FnOnce(S, usize, SimHandle, watch::Receiver<bool>) -> F,
    socket: S,
    index: usize,
    handle: &SimHandle,
    shutdown: &watch::Receiver<bool>,
) where
    F: Future<Output = ()> + Send + 'static,
{
    tasks.push(tokio::spawn(run(
        socket,
        index,
        handle.clone(),
        shutdown.clone(),
    )));
}

fn local(listener: &tokio::net::TcpListener, address: Ipv4Addr) -> Result<SocketAddr, SimError> {
    listener
        .local_addr()
        .map_err(|source| SimError::LocalAddr { address, source })
}

type Tasks = Vec<JoinHandle<()>>;

/// One listener per phone with web access; all on one port when possible.
fn per_phone_listeners(
    phones: &[(Ipv4Addr, bool)],
    wanted: u16,
    handle: &SimHandle,
    rx: &watch::Receiver<bool>,
) -> Result<(PhonePorts, Tasks), SimError> {
    let mut listeners = Vec::with_capacity(phones.len());
    let mut shared = if wanted == 0 { None } else { Some(wanted) };
    let mut all_shared = true;
    for (index, (address, web)) in phones.iter().enumerate() {
        if !web {
            listeners.push((index, None));
            continue;
        }
        let listener = match shared {
            Some(port) => match listen::tcp_listener(*address, port) {
                Ok(l) => l,
                Err(_) if wanted == 0 => {
                    all_shared = false;
                    listen::tcp_listener(*address, 0)?
                }
                Err(e) => return Err(e),
            },
            None => {
                let l = listen::tcp_listener(*address, 0)?;
                shared = Some(local(&l, *address)?.port());
                l
            }
        };
        listeners.push((index, Some(listener)));
    }
    let mut ports = Vec::with_capacity(listeners.len());
    let mut tasks = Vec::with_capacity(listeners.len());
    for (index, listener) in listeners {
        match listener {
            Some(l) => {
                ports.push(Some(local(&l, phones[index].0)?.port()));
                tasks.push(tokio::spawn(phone_web::run_one(
                    l,
                    index,
                    handle.clone(),
                    rx.clone(),
                )));
            }
            None => ports.push(None),
        }
    }
    let result = match (all_shared, shared) {
        (true, Some(port)) => PhonePorts::Shared {
            port,
            wildcard: false,
        },
        _ => PhonePorts::PerPhone(ports),
    };
    Ok((result, tasks))
}
