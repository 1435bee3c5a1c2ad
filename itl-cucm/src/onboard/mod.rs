//! Onboarding a cluster: from the publisher's address to a cluster file
//! ([`itl_wire::cluster_file`]), in two steps so that a person confirms what is pinned.
//!
//! 1. [`probe_publisher`]: the publisher's Tomcat certificate (subject, issuer, validity,
//!    SHA-256), fetched without trusting it, to be shown and accepted.
//! 2. [`discover`], trusting only that certificate: the release and the AXL schema
//!    ([`AxlClient::discover_version`]), the servers (`processnode` over AXL SQL: the
//!    `EnterpriseWideData` row skipped, IM and Presence nodes kept apart as dependants), and per
//!    CUCM node its Tomcat certificate, its SSH host key and the trust-relevant services it runs
//!    (Control Center, trusting the certificate just read).
//!
//! [`Discovery::cluster_file`] turns the result into the file `itl sim serve` also writes. No
//! secret goes into it.
//!
//! | server name in `processnode` | `address` | `name` |
//! |---|---|---|
//! | an IP address | that address | the first label of the Tomcat certificate's common name (CUCM's Tomcat certificate names the node's FQDN), else the address |
//! | a host name or FQDN | its first resolved address | its first label |
//!
//! Every node is reached on the ports of [`OnboardOptions`] (8443, 22, 69, 6970 on a real
//! cluster).

mod certificate;
mod error;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use itl_core::cucm::{Service, ServiceStatus};
use itl_wire::Sha256Fingerprint;
use itl_wire::cluster_file::{ClusterFile, ClusterSection, NodeEntry, RECORDED_SERVICES};
use itl_wire::soap::axl::sql;
use itl_wire::soap::control_center::CONTROL_CENTER_PATH;
use itl_wire::soap::perfmon::PERFMON_PATH;
use itl_wire::soap::process_node::{ProcessNode, ProcessNodes};
use itl_wire::soap::risport::RIS_PATH;
use tokio::sync::OnceCell;

pub use certificate::{PresentedCertificate, probe};
pub use error::OnboardError;

use crate::secrets::Credentials;
use crate::soap::{AxlClient, ControlCenterClient, SoapEndpoint, SoapOptions};
use crate::ssh::{SshOptions, probe_host_key};
use crate::transport::TlsTrust;

/// Where the publisher answers: `host[:port]` (port 8443 by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublisherAddress {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// HTTPS port.
    pub port: u16,
}

impl PublisherAddress {
    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; a bare IPv6 address is accepted.
    pub fn parse(text: &str) -> Result<Self, OnboardError> {
        let bad = || OnboardError::BadAddress(text.chars().take(120).collect());
        let t = text.trim();
        let (host, port) = if let Some(rest) = t.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(bad)?;
            match after.strip_prefix(':') {
                Some(p) => (host, Some(p)),
                None if after.is_empty() => (host, None),
                None => return Err(bad()),
            }
        } else if t.parse::<std::net::Ipv6Addr>().is_ok() {
            (t, None)
        } else {
            match t.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (t, None),
            }
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
        if !host_ok {
            return Err(bad());
        }
        let port = match port {
            None => 8443,
            Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad)?,
        };
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }

    /// `https://host:port` (IPv6 in brackets).
    pub fn base_url(&self) -> String {
        format!("https://{}", host_port(&self.host, self.port))
    }
}

/// `host:port`, IPv6 addresses in brackets.
fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// How onboarding reaches the nodes.
#[derive(Debug, Clone)]
pub struct OnboardOptions {
    /// SSH port of every node (22).
    pub ssh_port: u16,
    /// TFTP port of every TFTP node (69).
    pub tftp_port: u16,
    /// TFTP-over-HTTP port of every TFTP node (6970).
    pub tftp_http_port: u16,
    /// Limit for fetching one certificate.
    pub probe_timeout: Duration,
    /// SOAP settings (AXL, Control Center).
    pub soap: SoapOptions,
    /// SSH settings (the host key probe uses its connect timeout).
    pub ssh: SshOptions,
}

impl Default for OnboardOptions {
    /// A real cluster's ports; 10 s per certificate.
    fn default() -> Self {
        Self {
            ssh_port: 22,
            tftp_port: 69,
            tftp_http_port: 6970,
            probe_timeout: Duration::from_secs(10),
            soap: SoapOptions::default(),
            ssh: SshOptions::default(),
        }
    }
}

/// One CUCM node as discovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredNode {
    /// Host name (`ucm-pub`).
    pub name: String,
    /// The server as `processnode` lists it.
    pub listed_as: String,
    /// Its address.
    pub address: IpAddr,
    /// Whether it is the publisher (the server onboarding started from).
    pub publisher: bool,
    /// Its Tomcat certificate.
    pub certificate: PresentedCertificate,
    /// Its SSH host key's fingerprint (`SHA256:…`); `None` when SSH did not answer.
    pub ssh_host_key: Option<String>,
    /// The trust-relevant services it runs (activated), in [`RECORDED_SERVICES`] order.
    pub services: Vec<Service>,
}

/// What [`discover`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The release (`14.0.1.13900-155`).
    pub release: String,
    /// The AXL schema to speak (`14.0`).
    pub axl_version: String,
    /// HTTPS port of every node.
    pub https_port: u16,
    /// SSH port of every node.
    pub ssh_port: u16,
    /// TFTP port of every TFTP node.
    pub tftp_port: u16,
    /// TFTP-over-HTTP port of every TFTP node.
    pub tftp_http_port: u16,
    /// The CUCM nodes, publisher first, then in `processnode` order.
    pub nodes: Vec<DiscoveredNode>,
    /// IM and Presence nodes: they depend on the cluster's certificates, but are not part of
    /// its trust lists.
    pub dependants: Vec<ProcessNode>,
    /// What could not be learned and was left out (a node whose SSH did not answer).
    pub warnings: Vec<String>,
}

/// Step 1: the publisher's Tomcat certificate, fetched without trusting it.
pub async fn probe_publisher(
    publisher: &PublisherAddress,
    opts: &OnboardOptions,
) -> Result<PresentedCertificate, OnboardError> {
    probe(&format!("{}/", publisher.base_url()), opts.probe_timeout).await
}

/// Step 2: everything else, trusting the publisher's certificate `pin` only.
pub async fn discover(
    publisher: &PublisherAddress,
    pin: Sha256Fingerprint,
    credentials: &Credentials,
    opts: &OnboardOptions,
) -> Result<Discovery, OnboardError> {
    let axl_url = format!("{}{}", publisher.base_url(), itl_wire::soap::axl::AXL_PATH);
    let axl_err = |source| OnboardError::Axl { source };
    let endpoint = SoapEndpoint::new(
        &axl_url,
        credentials.clone(),
        TlsTrust::Pinned(pin),
        &opts.soap,
    )
    .map_err(axl_err)?;
    let probe_client = AxlClient::discovering(endpoint.clone(), Arc::new(OnceCell::new()));
    let version = probe_client.discover_version().await.map_err(axl_err)?;
    let axl = AxlClient::new(endpoint, &version.schema);
    let rows = axl.execute_sql(sql::PROCESS_NODES).await.map_err(axl_err)?;
    let servers = ProcessNodes::from_rows(&rows)?;
    let publisher_ips = resolve(&publisher.host).await?;

    let mut nodes = Vec::with_capacity(servers.cucm.len());
    let mut warnings = Vec::new();
    for server in &servers.cucm {
        let address = resolve(&server.name)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| OnboardError::Resolve {
                node: server.name.clone(),
                reason: "no address".to_owned(),
            })?;
        let is_publisher = publisher_ips.contains(&address);
        let node = discover_node(
            server,
            address,
            is_publisher,
            publisher.port,
            credentials,
            opts,
            &mut warnings,
        )
        .await?;
        nodes.push(node);
    }
    if !nodes.iter().any(|n| n.publisher) {
        return Err(OnboardError::PublisherNotListed {
            publisher: publisher.host.clone(),
            servers: servers.cucm.iter().map(|s| s.name.clone()).collect(),
        });
    }
    // Publisher first, the others in processnode order.
    nodes.sort_by_key(|n| !n.publisher);
    Ok(Discovery {
        release: version.release,
        axl_version: version.schema,
        https_port: publisher.port,
        ssh_port: opts.ssh_port,
        tftp_port: opts.tftp_port,
        tftp_http_port: opts.tftp_http_port,
        nodes,
        dependants: servers.im_and_presence,
        warnings,
    })
}

/// The addresses of `host` (an IP address is its own).
async fn resolve(host: &str) -> Result<Vec<IpAddr>, OnboardError> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let found = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|e| OnboardError::Resolve {
            node: host.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(found.map(|sa| sa.ip()).collect())
}

async fn discover_node(
    server: &ProcessNode,
    address: IpAddr,
    publisher: bool,
    https_port: u16,
    credentials: &Credentials,
    opts: &OnboardOptions,
    warnings: &mut Vec<String>,
) -> Result<DiscoveredNode, OnboardError> {
    let in_node = |source: OnboardError| OnboardError::Node {
        node: server.name.clone(),
        source: Box::new(source),
    };
    let base = format!("https://{}", host_port(&address.to_string(), https_port));
    let certificate = probe(&format!("{base}/"), opts.probe_timeout)
        .await
        .map_err(in_node)?;
    let name = if server.name.parse::<IpAddr>().is_ok() {
        certificate
            .host_name()
            .unwrap_or_else(|| server.name.clone())
    } else {
        server
            .name
            .split('.')
            .next()
            .unwrap_or(&server.name)
            .to_owned()
    };
    let ssh_addr = std::net::SocketAddr::new(address, opts.ssh_port);
    let ssh_host_key = match probe_host_key(ssh_addr, &opts.ssh).await {
        Ok(fp) => Some(fp),
        Err(e) => {
            warnings.push(format!(
                "node {name}: no SSH host key pinned (ssh {ssh_addr}): {e}"
            ));
            None
        }
    };
    let control = SoapEndpoint::new(
        &format!("{base}{CONTROL_CENTER_PATH}"),
        credentials.clone(),
        TlsTrust::Pinned(certificate.fingerprint),
        &opts.soap,
    )
    .map(ControlCenterClient::new)
    .map_err(|source| OnboardError::ControlCenter {
        node: name.clone(),
        source,
    })?;
    let info = control
        .service_status::<&str>(&[])
        .await
        .map_err(|source| OnboardError::ControlCenter {
            node: name.clone(),
            source,
        })?;
    let services = RECORDED_SERVICES
        .into_iter()
        .filter(|s| {
            info.services
                .iter()
                .any(|i| i.service() == Some(*s) && i.status() != ServiceStatus::NotActivated)
        })
        .collect();
    Ok(DiscoveredNode {
        name,
        listed_as: server.name.clone(),
        address,
        publisher,
        certificate,
        ssh_host_key,
        services,
    })
}

impl Discovery {
    /// The cluster file: `cluster` (name, user, password variable, OS administrator) with the
    /// discovered `axl_version`, and one entry per CUCM node with every endpoint, both pins,
    /// its services and its PerfMon URL. No secret is in it.
    pub fn cluster_file(&self, mut cluster: ClusterSection) -> ClusterFile {
        cluster.axl_version = Some(self.axl_version.clone());
        let nodes = self
            .nodes
            .iter()
            .map(|n| {
                let host = n.address.to_string();
                let base = format!("https://{}", host_port(&host, self.https_port));
                let tftp = n.services.contains(&Service::Tftp);
                NodeEntry {
                    name: n.name.clone(),
                    publisher: n.publisher,
                    address: host.clone(),
                    axl: format!("{base}{}", itl_wire::soap::axl::AXL_PATH),
                    risport: format!("{base}{RIS_PATH}"),
                    control_center: format!("{base}{CONTROL_CENTER_PATH}"),
                    tftp: tftp.then(|| host_port(&host, self.tftp_port)),
                    tftp_http: tftp
                        .then(|| format!("http://{}", host_port(&host, self.tftp_http_port))),
                    tls_sha256: Some(n.certificate.fingerprint.to_string()),
                    ssh: Some(host_port(&host, self.ssh_port)),
                    ssh_host_key_sha256: n.ssh_host_key.clone(),
                    perfmon: Some(format!("{base}{PERFMON_PATH}")),
                    services: n
                        .services
                        .iter()
                        .map(|s| s.plan_name().to_owned())
                        .collect(),
                }
            })
            .collect();
        ClusterFile { cluster, nodes }
    }
}
