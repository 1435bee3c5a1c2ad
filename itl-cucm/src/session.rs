//! [`ClusterSession`]: a cluster file, the application user's credentials and a TLS policy →
//! every client `itl` uses on that cluster: AXL (publisher), RisPort70, Control Center (per
//! node) and the TFTP/HTTP trust-file fetcher. Endpoint URLs are used exactly as the cluster
//! file gives them; each node's Tomcat certificate is pinned by its `tls_sha256`, or the
//! platform's roots are used, or — with `insecure` — nothing is checked.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use itl_cucm::secrets::Credentials;
//! use itl_cucm::session::{ClusterSession, SessionOptions};
//! use itl_wire::cluster_file::ClusterFile;
//!
//! let file = ClusterFile::load(std::path::Path::new("cluster.toml"))?;
//! let session = ClusterSession::new(file, Credentials::new("admin", "secret"), SessionOptions::default());
//! let rows = session.axl()?.execute_sql("select name from device where tkclass = 1").await?;
//! println!("{} phones", rows.len());
//! # Ok(()) }
//! ```

use std::sync::Arc;

use itl_wire::cluster_file::{ClusterFile, ClusterFileError, NodeEntry};
use tokio::sync::OnceCell;

use crate::fetch::{FetchError, FetchOptions, Fetcher, Transport, TrustServer};
use crate::secrets::Credentials;
use crate::soap::pacer::PacerConfig;
use crate::soap::{
    AxlClient, ClientError, ControlCenterClient, RisPortClient, SoapEndpoint, SoapOptions,
};
use crate::transport::TlsTrust;

/// How a session talks to the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionOptions {
    /// Timeouts and body cap of the SOAP calls.
    pub soap: SoapOptions,
    /// RisPort70 pacing (the cluster-wide budget).
    pub ris: PacerConfig,
    /// Accept any TLS certificate (the caller says so loudly).
    pub insecure: bool,
    /// How trust files are fetched.
    pub fetch: FetchOptions,
}

/// Why a session could not hand out a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The cluster file names no such node.
    #[error("the cluster file has no node {0:?}")]
    UnknownNode(String),
    /// The cluster file is unusable (no publisher, a malformed value).
    #[error(transparent)]
    File(#[from] ClusterFileError),
    /// A client could not be built (bad URL, TLS set-up).
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The fetcher could not be built.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// One cluster, one user: every client `itl` needs, built on demand.
#[derive(Debug, Clone)]
pub struct ClusterSession {
    file: ClusterFile,
    credentials: Credentials,
    opts: SessionOptions,
    /// The AXL schema: `[cluster] axl_version`, else discovered once by the first AXL call
    /// and shared by every AXL client of this session (and its clones).
    axl_version: Arc<OnceCell<String>>,
}

impl ClusterSession {
    /// A session on `file` as `credentials.user`.
    pub fn new(file: ClusterFile, credentials: Credentials, opts: SessionOptions) -> Self {
        let axl_version = Arc::new(OnceCell::new_with(file.cluster.axl_version.clone()));
        Self {
            file,
            credentials,
            opts,
            axl_version,
        }
    }

    /// The same user, settings and AXL schema on an updated cluster file (a node's TLS
    /// certificate pinned again after its Tomcat certificate was regenerated).
    pub fn with_file(&self, file: ClusterFile) -> Self {
        Self {
            file,
            credentials: self.credentials.clone(),
            opts: self.opts.clone(),
            axl_version: self.axl_version.clone(),
        }
    }

    /// The AXL schema in use, when known (recorded in the file or already discovered).
    pub fn axl_version(&self) -> Option<&str> {
        self.axl_version.get().map(String::as_str)
    }

    /// The cluster file.
    pub fn file(&self) -> &ClusterFile {
        &self.file
    }

    /// The settings.
    pub fn options(&self) -> &SessionOptions {
        &self.opts
    }

    /// The cluster's name (`[cluster] name`).
    pub fn name(&self) -> &str {
        &self.file.cluster.name
    }

    /// The node named `name` (case-insensitive).
    pub fn node(&self, name: &str) -> Result<&NodeEntry, SessionError> {
        self.file
            .nodes
            .iter()
            .find(|n| n.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| SessionError::UnknownNode(name.to_owned()))
    }

    /// The publisher.
    pub fn publisher(&self) -> Result<&NodeEntry, SessionError> {
        let count = self.file.nodes.iter().filter(|n| n.publisher).count();
        self.file
            .publisher()
            .ok_or(SessionError::File(ClusterFileError::Publisher(count)))
    }

    /// How `node`'s Tomcat certificate is trusted: `insecure`, else its pin, else the
    /// platform's roots. A malformed pin is an error naming the node.
    pub fn tls_trust(&self, node: &NodeEntry) -> Result<TlsTrust, SessionError> {
        if self.opts.insecure {
            return Ok(TlsTrust::Insecure);
        }
        Ok(match node.tls_pin()? {
            Some(pin) => TlsTrust::Pinned(pin),
            None => TlsTrust::SystemRoots,
        })
    }

    /// The AXL client (publisher), speaking the schema the cluster file records; when it
    /// records none, the first AXL call of the session discovers it
    /// ([`AxlClient::discover_version`]) and every later client reuses it.
    pub fn axl(&self) -> Result<AxlClient, SessionError> {
        let publisher = self.publisher()?;
        Ok(AxlClient::discovering(
            self.endpoint(publisher, &publisher.axl)?,
            self.axl_version.clone(),
        ))
    }

    /// The RisPort70 client (publisher's endpoint; the budget is cluster-wide).
    pub fn risport(&self) -> Result<RisPortClient, SessionError> {
        let publisher = self.publisher()?;
        Ok(RisPortClient::new(
            self.endpoint(publisher, &publisher.risport)?,
            self.opts.ris.clone(),
        ))
    }

    /// The Control Center client of node `name`.
    pub fn control_center(&self, name: &str) -> Result<ControlCenterClient, SessionError> {
        let node = self.node(name)?;
        Ok(ControlCenterClient::new(
            self.endpoint(node, &node.control_center)?,
        ))
    }

    /// The SOAP endpoint `url` of `node`, with the session's credentials, TLS trust and
    /// options.
    fn endpoint(&self, node: &NodeEntry, url: &str) -> Result<SoapEndpoint, SessionError> {
        Ok(SoapEndpoint::new(
            url,
            self.credentials.clone(),
            self.tls_trust(node)?,
            &self.opts.soap,
        )?)
    }

    /// The trust-file fetcher.
    pub fn fetcher(&self) -> Result<Fetcher, SessionError> {
        Ok(Fetcher::new(self.opts.fetch.clone())?)
    }

    /// Every TFTP node with its trust server over `transport`, in cluster-file order.
    pub fn tftp_servers(
        &self,
        transport: Transport,
    ) -> Result<Vec<(&NodeEntry, TrustServer)>, SessionError> {
        let mut out = Vec::new();
        for node in &self.file.nodes {
            if let Some(server) = TrustServer::of_node(node, transport)? {
                out.push((node, server));
            }
        }
        Ok(out)
    }
}
