//! What a phone would get: the CTL and ITL files a TFTP node serves, over TFTP or HTTP 6970,
//! in a phone's order, and single fetches by URL.

use std::fmt;
use std::net::SocketAddr;

use crate::http::{HttpClient, HttpError, HttpOptions};
use crate::tftp::{TftpError, TftpOptions, tftp_get};
use itl_core::cucm::{ListKind, Mac};
use itl_wire::address::{AddressError, ServerAddress};
use itl_wire::cluster_file::{ClusterFileError, NodeEntry};

pub use itl_wire::address::Transport;

/// A CUCM TFTP node to fetch trust files from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TrustServer {
    /// Host name or IP address (IPv6 with or without brackets).
    pub host: String,
    /// TFTP port (69).
    pub tftp_port: u16,
    /// HTTP port of the TFTP service (6970).
    pub http_port: u16,
    /// Which transport to use.
    pub transport: Transport,
}

impl TrustServer {
    /// The TFTP service's well-known UDP port.
    pub const TFTP_PORT: u16 = 69;
    /// The TFTP service's HTTP port.
    pub const HTTP_PORT: u16 = 6970;

    /// A node reached over TFTP on the standard ports.
    pub fn tftp(host: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            tftp_port: Self::TFTP_PORT,
            http_port: Self::HTTP_PORT,
            transport: Transport::Tftp,
        }
    }

    /// A node reached over HTTP 6970 on the standard ports.
    pub fn http(host: impl Into<String>) -> Self {
        Self {
            transport: Transport::Http,
            ..Self::tftp(host)
        }
    }

    /// A cluster node's TFTP service over `transport`; `None` when the node runs no TFTP.
    pub fn of_node(
        node: &NodeEntry,
        transport: Transport,
    ) -> Result<Option<Self>, ClusterFileError> {
        Ok(node.tftp_service()?.map(|service| Self {
            host: service.host,
            tftp_port: service.tftp_port,
            http_port: service.http_port,
            transport,
        }))
    }

    /// The server an address names. Its transport is the written scheme's; without a scheme,
    /// `bare_port` when a port is written (the port says which service was meant), else
    /// `transport`. The written port is that transport's; the other keeps its standard value
    /// (69, 6970).
    pub fn from_address(
        address: &ServerAddress,
        transport: Transport,
        bare_port: Transport,
    ) -> Self {
        let transport = match (address.scheme, address.port) {
            (Some(scheme), _) => scheme,
            (None, Some(_)) => bare_port,
            (None, None) => transport,
        };
        let mut server = TrustServer::tftp(address.host.clone());
        server.transport = transport;
        if let Some(port) = address.port {
            match transport {
                Transport::Tftp => server.tftp_port = port,
                Transport::Http => server.http_port = port,
            }
        }
        server
    }

    /// The host without IPv6 brackets.
    fn bare_host(&self) -> &str {
        let host = self.host.trim();
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
    }

    /// The host as it appears in a URL (IPv6 in brackets).
    fn url_host(&self) -> String {
        let host = self.bare_host();
        if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_owned()
        }
    }

    /// The URL of `file` on this server with its transport, e.g.
    /// `http://10.0.0.5:6970/ITLFile.tlv` or `tftp://10.0.0.5:69/ITLFile.tlv`.
    pub fn url(&self, file: &str) -> String {
        match self.transport {
            Transport::Tftp => format!("tftp://{}:{}/{file}", self.url_host(), self.tftp_port),
            Transport::Http => format!("http://{}:{}/{file}", self.url_host(), self.http_port),
        }
    }
}

impl fmt::Display for TrustServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = match self.transport {
            Transport::Tftp => self.tftp_port,
            Transport::Http => self.http_port,
        };
        write!(f, "{}://{}:{port}", self.transport, self.url_host())
    }
}

/// A TFTP server as an inventory CSV or a person writes it: `host` (over `transport` on the
/// standard ports), `host:port` (TFTP on that port), `tftp://host[:port]`, or
/// `http://host[:port]` (HTTP, 6970 by default). See [`itl_wire::address`].
pub fn parse_server(text: &str, transport: Transport) -> Result<TrustServer, AddressError> {
    Ok(TrustServer::from_address(
        &ServerAddress::parse(text)?,
        transport,
        Transport::Tftp,
    ))
}

/// A failed fetch, over either transport.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// A TFTP transfer failed.
    #[error(transparent)]
    Tftp(#[from] TftpError),
    /// An HTTP fetch failed.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The host name did not resolve.
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        /// The host name.
        host: String,
        /// The resolver's error.
        #[source]
        source: std::io::Error,
    },
    /// The URL is not a supported `tftp://`, `http://` or `https://` URL.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl FetchError {
    /// True when the server said the file does not exist (TFTP error 1, HTTP 404).
    pub fn is_not_found(&self) -> bool {
        match self {
            FetchError::Tftp(e) => e.is_not_found(),
            FetchError::Http(e) => e.is_not_found(),
            _ => false,
        }
    }

    /// True when the server could not be reached at all (no answer, connection refused,
    /// name not resolved).
    pub fn is_unreachable(&self) -> bool {
        match self {
            FetchError::Tftp(e) => e.is_unreachable(),
            FetchError::Http(e) => e.is_unreachable(),
            FetchError::Resolve { .. } => true,
            FetchError::InvalidUrl { .. } => false,
        }
    }
}

/// Client settings for both transports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// TFTP settings (also used for `tftp://` URLs).
    pub tftp: TftpOptions,
    /// HTTP settings (also used for `http(s)://` URLs).
    pub http: HttpOptions,
}

/// The result of asking for one file.
#[derive(Debug)]
pub enum FetchOutcome {
    /// The file's bytes.
    Fetched(Vec<u8>),
    /// The server does not serve this name.
    NotFound,
    /// The fetch failed for another reason.
    Failed(FetchError),
}

/// One file asked for, in the order asked.
#[derive(Debug)]
pub struct TrustFile {
    /// Served name, e.g. `ITLSEP001122334455.tlv`.
    pub name: String,
    /// CTL or ITL.
    pub kind: ListKind,
    /// True for the per-device (`…SEP<MAC>.tlv`) name.
    pub per_device: bool,
    /// What came back.
    pub outcome: FetchOutcome,
}

impl TrustFile {
    /// The bytes, when fetched.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.outcome {
            FetchOutcome::Fetched(bytes) => Some(bytes),
            _ => None,
        }
    }
}

impl fmt::Display for TrustFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        match &self.outcome {
            FetchOutcome::Fetched(bytes) => write!(f, "{name}: {} bytes", bytes.len()),
            FetchOutcome::NotFound if self.per_device => write!(
                f,
                "{name}: not served (falls back to {})",
                self.kind.cluster_file()
            ),
            FetchOutcome::NotFound => match self.kind {
                ListKind::Ctl => {
                    write!(f, "{name}: not served (normal on a non-secure cluster)")
                }
                ListKind::Itl => write!(f, "{name}: not served"),
            },
            FetchOutcome::Failed(error) => write!(f, "{name}: failed: {error}"),
        }
    }
}

/// Everything asked of one server for one phone, in the order asked.
#[derive(Debug)]
pub struct TrustFileSet {
    /// The server asked.
    pub server: TrustServer,
    /// The phone impersonated, if any.
    pub mac: Option<Mac>,
    /// Each name asked, in order. When the server proved unreachable, asking stopped and the
    /// last entry holds that error.
    pub files: Vec<TrustFile>,
}

impl TrustFileSet {
    /// The CTL a phone would end up with: the last CTL name asked (the cluster-wide one after
    /// a fallback).
    pub fn ctl(&self) -> Option<&TrustFile> {
        self.files.iter().rev().find(|f| f.kind == ListKind::Ctl)
    }

    /// The ITL a phone would end up with: the last ITL name asked.
    pub fn itl(&self) -> Option<&TrustFile> {
        self.files.iter().rev().find(|f| f.kind == ListKind::Itl)
    }

    /// True when the server could not be reached at all: nothing was fetched or refused, and
    /// the failures say so.
    pub fn is_unreachable(&self) -> bool {
        !self.files.is_empty()
            && self.files.iter().all(|f| match &f.outcome {
                FetchOutcome::Failed(error) => error.is_unreachable(),
                _ => false,
            })
    }

    /// The files that were fetched, with their names.
    pub fn fetched(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter_map(|f| f.bytes().map(|b| (f.name.as_str(), b)))
    }
}

impl fmt::Display for TrustFileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.server)?;
        if let Some(mac) = &self.mac {
            write!(f, " as SEP{mac}")?;
        }
        for file in &self.files {
            write!(f, "\n  {file}")?;
        }
        Ok(())
    }
}

/// Fetches trust files and URLs. Cheap to clone; clones share the HTTP connection pool.
#[derive(Debug, Clone)]
pub struct Fetcher {
    http: HttpClient,
    tftp: TftpOptions,
}

impl Fetcher {
    /// Builds a fetcher (and its HTTP client).
    pub fn new(opts: FetchOptions) -> Result<Self, FetchError> {
        Ok(Self {
            http: HttpClient::new(opts.http)?,
            tftp: opts.tftp,
        })
    }

    /// The TFTP settings in use.
    pub fn tftp_options(&self) -> &TftpOptions {
        &self.tftp
    }

    /// The HTTP client in use.
    pub fn http_client(&self) -> &HttpClient {
        &self.http
    }

    /// Fetches what a phone would ask `server` for, in a phone's order: the CTL, then the ITL.
    /// With a MAC the per-device names are asked first and a missing one falls back to the
    /// cluster-wide name; without a MAC only the cluster-wide names are asked.
    ///
    /// Never fails as a whole: each name carries its outcome. When the first request shows the
    /// server is unreachable, no further name is asked ([`TrustFileSet::is_unreachable`]).
    pub async fn fetch_trust_files(&self, server: &TrustServer, mac: Option<Mac>) -> TrustFileSet {
        let mut set = TrustFileSet {
            server: server.clone(),
            mac,
            files: Vec::new(),
        };
        let tftp_addr = match server.transport {
            Transport::Tftp => match resolve(server.bare_host(), server.tftp_port).await {
                Ok(addr) => Some(addr),
                Err(error) => {
                    let kind = ListKind::Ctl;
                    let (name, per_device) = match &mac {
                        Some(mac) => (kind.device_file(mac), true),
                        None => (kind.cluster_file().to_owned(), false),
                    };
                    set.files.push(TrustFile {
                        name,
                        kind,
                        per_device,
                        outcome: FetchOutcome::Failed(error),
                    });
                    return set;
                }
            },
            Transport::Http => None,
        };

        for kind in [ListKind::Ctl, ListKind::Itl] {
            let mut names = Vec::with_capacity(2);
            if let Some(mac) = &mac {
                names.push((kind.device_file(mac), true));
            }
            names.push((kind.cluster_file().to_owned(), false));
            for (name, per_device) in names {
                let result = match tftp_addr {
                    Some(addr) => tftp_get(addr, &name, &self.tftp)
                        .await
                        .map_err(FetchError::from),
                    None => self
                        .http
                        .get(&server.url(&name))
                        .await
                        .map_err(FetchError::from),
                };
                let outcome = match result {
                    Ok(bytes) => FetchOutcome::Fetched(bytes),
                    Err(error) if error.is_not_found() => FetchOutcome::NotFound,
                    Err(error) => FetchOutcome::Failed(error),
                };
                let not_found = matches!(outcome, FetchOutcome::NotFound);
                set.files.push(TrustFile {
                    name,
                    kind,
                    per_device,
                    outcome,
                });
                if set.is_unreachable() {
                    return set;
                }
                if !not_found {
                    break;
                }
            }
        }
        set
    }

    /// Fetches one file from `server` with its transport.
    pub async fn fetch_file(
        &self,
        server: &TrustServer,
        file: &str,
    ) -> Result<Vec<u8>, FetchError> {
        match server.transport {
            Transport::Tftp => {
                let addr = resolve(server.bare_host(), server.tftp_port).await?;
                Ok(tftp_get(addr, file, &self.tftp).await?)
            }
            Transport::Http => Ok(self.http.get(&server.url(file)).await?),
        }
    }

    /// Fetches `tftp://host[:port]/file`, `http://…` or `https://…`.
    ///
    /// A TFTP URL may end in `;mode=octet` (RFC 3617); other modes are refused. The path is
    /// percent-decoded and its leading `/` removed to form the requested file name.
    pub async fn fetch_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let invalid = |reason: &str| FetchError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
        match parsed.scheme() {
            "http" | "https" => Ok(self.http.get(url).await?),
            "tftp" => {
                let target = TftpTarget::from_url(&parsed).map_err(invalid)?;
                let addr = resolve(&target.host, target.port).await?;
                Ok(tftp_get(addr, &target.file, &self.tftp).await?)
            }
            other => Err(invalid(&format!(
                "scheme {other:?} is not tftp, http or https"
            ))),
        }
    }
}

/// Host, port and file of a `tftp://` URL.
#[derive(Debug, PartialEq, Eq)]
struct TftpTarget {
    host: String,
    port: u16,
    file: String,
}

impl TftpTarget {
    fn from_url(url: &reqwest::Url) -> Result<Self, &'static str> {
        let host = match url.host() {
            Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err("no host"),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err("user information is not allowed");
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("query and fragment are not allowed");
        }
        let mut path = url.path();
        if let Some((file, mode)) = path.rsplit_once(';') {
            if !mode.eq_ignore_ascii_case("mode=octet") {
                return Err("only ;mode=octet is supported");
            }
            path = file;
        }
        let raw = path.strip_prefix('/').unwrap_or(path);
        let file = percent_decode(raw).ok_or("path is not valid percent-encoded UTF-8")?;
        if file.is_empty() {
            return Err("no file name");
        }
        if file.contains('\0') {
            return Err("file name contains a NUL byte");
        }
        Ok(Self {
            host,
            port: url.port().unwrap_or(TrustServer::TFTP_PORT),
            file,
        })
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves `host`, preferring an IPv4 address.
async fn resolve(host: &str, port: u16) -> Result<SocketAddr, FetchError> {
    let resolve_error = |source| FetchError::Resolve {
        host: host.to_owned(),
        source,
    };
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(resolve_error)?
        .collect();
    // CUCM TFTP nodes are reached over IPv4 in practice; prefer it when a name has both.
    let preferred = addrs.iter().find(|a| a.is_ipv4()).or(addrs.first());
    preferred.copied().ok_or_else(|| {
        resolve_error(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no address",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Result<TftpTarget, &'static str> {
        TftpTarget::from_url(&reqwest::Url::parse(url).unwrap())
    }

    #[test]
    fn tftp_urls() {
        assert_eq!(
            target("tftp://10.0.0.5/ITLFile.tlv"),
            Ok(TftpTarget {
                host: "10.0.0.5".into(),
                port: 69,
                file: "ITLFile.tlv".into()
            })
        );
        assert_eq!(
            target("tftp://cucm-pub.example:6969/dir/CTLFile.tlv;mode=octet"),
            Ok(TftpTarget {
                host: "cucm-pub.example".into(),
                port: 6969,
                file: "dir/CTLFile.tlv".into()
            })
        );
        assert_eq!(
            target("tftp://[::1]:1069/a%20b.tlv"),
            Ok(TftpTarget {
                host: "::1".into(),
                port: 1069,
                file: "a b.tlv".into()
            })
        );
        assert_eq!(target("tftp://10.0.0.5/"), Err("no file name"));
        assert_eq!(
            target("tftp://10.0.0.5/x;mode=netascii"),
            Err("only ;mode=octet is supported")
        );
        assert_eq!(
            target("tftp://10.0.0.5/x?y=1"),
            Err("query and fragment are not allowed")
        );
        assert_eq!(
            target("tftp://u:p@10.0.0.5/x"),
            Err("user information is not allowed")
        );
        assert_eq!(
            target("tftp://10.0.0.5/%zz"),
            Err("path is not valid percent-encoded UTF-8")
        );
        assert_eq!(
            target("tftp://10.0.0.5/a%00b"),
            Err("file name contains a NUL byte")
        );
        assert_eq!(target("tftp:///x"), Err("no host"));
    }

    #[test]
    fn server_urls() {
        let server = TrustServer::http("10.0.0.5");
        assert_eq!(
            server.url("ITLFile.tlv"),
            "http://10.0.0.5:6970/ITLFile.tlv"
        );
        assert_eq!(server.to_string(), "http://10.0.0.5:6970");
        let server = TrustServer::tftp("::1");
        assert_eq!(server.url("CTLFile.tlv"), "tftp://[::1]:69/CTLFile.tlv");
        assert_eq!(TrustServer::tftp("[::1]").to_string(), "tftp://[::1]:69");
    }

    #[test]
    fn trust_file_lines() {
        let mac: Mac = "001122334455".parse().unwrap();
        let line = |name: String, kind, per_device, outcome| {
            TrustFile {
                name,
                kind,
                per_device,
                outcome,
            }
            .to_string()
        };
        assert_eq!(
            line(
                "CTLFile.tlv".into(),
                ListKind::Ctl,
                false,
                FetchOutcome::NotFound
            ),
            "CTLFile.tlv: not served (normal on a non-secure cluster)"
        );
        assert_eq!(
            line(
                ListKind::Itl.device_file(&mac),
                ListKind::Itl,
                true,
                FetchOutcome::NotFound
            ),
            "ITLSEP001122334455.tlv: not served (falls back to ITLFile.tlv)"
        );
        assert_eq!(
            line(
                "ITLFile.tlv".into(),
                ListKind::Itl,
                false,
                FetchOutcome::NotFound
            ),
            "ITLFile.tlv: not served"
        );
        assert_eq!(
            line(
                "ITLFile.tlv".into(),
                ListKind::Itl,
                false,
                FetchOutcome::Fetched(vec![0; 7166])
            ),
            "ITLFile.tlv: 7166 bytes"
        );
    }

    #[test]
    fn servers_as_written() {
        for (written, default, shown) in [
            ("127.0.1.1", Transport::Http, "http://127.0.1.1:6970"),
            ("127.0.1.1", Transport::Tftp, "tftp://127.0.1.1:69"),
            ("127.0.1.1:1069", Transport::Http, "tftp://127.0.1.1:1069"),
            (
                "http://ucm-pub:16970/",
                Transport::Tftp,
                "http://ucm-pub:16970",
            ),
            ("tftp://[::1]:69", Transport::Http, "tftp://[::1]:69"),
            ("::1", Transport::Http, "http://[::1]:6970"),
        ] {
            let server = parse_server(written, default).expect(written);
            assert_eq!(server.to_string(), shown, "{written}");
        }
        for bad in ["", "ftp://x", "x:y", "http://", "a b"] {
            assert!(parse_server(bad, Transport::Http).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bare_port_belongs_to_the_readers_transport() {
        let a = ServerAddress::parse("127.0.0.1:8080").expect("parses");
        let http = TrustServer::from_address(&a, Transport::Http, Transport::Http);
        assert_eq!(
            (http.transport, http.http_port, http.tftp_port),
            (Transport::Http, 8080, 69)
        );
        let tftp = TrustServer::from_address(&a, Transport::Http, Transport::Tftp);
        assert_eq!(
            (tftp.transport, tftp.http_port, tftp.tftp_port),
            (Transport::Tftp, 6970, 8080)
        );
        // A scheme wins over both.
        let s = TrustServer::from_address(
            &ServerAddress::parse("http://h:81").expect("parses"),
            Transport::Tftp,
            Transport::Tftp,
        );
        assert_eq!(
            (s.transport, s.http_port, s.tftp_port),
            (Transport::Http, 81, 69)
        );
    }
}
