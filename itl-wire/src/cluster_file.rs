//! The cluster file: where a cluster's nodes answer, which user to log in as and which
//! environment variable holds the password. Written by the simulator (`itl sim serve`), read by
//! every command that talks to a cluster.
//!
//! ```toml
//! [cluster]
//! name = "sim"
//! user = "admin"
//! password_env = "ITL_PASSWORD"
//! phone_http_port = 80
//! axl_version = "14.0"
//! os_user = "admin"
//! os_password_env = "ITL_OS_PASSWORD"
//!
//! [[nodes]]
//! name = "ucm-pub"
//! publisher = true
//! address = "127.0.1.1"
//! axl = "https://127.0.1.1:8443/axl/"
//! risport = "https://127.0.1.1:8443/realtimeservice2/services/RISService70"
//! control_center = "https://127.0.1.1:8443/controlcenterservice2/services/ControlCenterServices"
//! tftp = "127.0.1.1:69"
//! tftp_http = "http://127.0.1.1:6970"
//! tls_sha256 = "ab:cd:..."
//! ssh = "127.0.1.1:22"
//! ssh_host_key_sha256 = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
//! perfmon = "https://127.0.1.1:8443/perfmonservice2/services/PerfmonService"
//! services = ["CallManager", "CTIManager", "TFTP", "TVS", "CAPF"]
//! ```
//!
//! `tftp` and `tftp_http` are absent for a node that does not run the TFTP service. The
//! platform (OS) administrator of the admin CLI over SSH is `os_user`; its password comes from
//! the variable `os_password_env` names (`ITL_OS_PASSWORD` by default) or from the 0600 file
//! `os_password_file` (never both). `services` are the trust-relevant services a node runs, by
//! their plan names. Unknown
//! keys are ignored so that newer writers stay readable; malformed values are errors naming the
//! node and the key.

use std::path::Path;

use serde::{Deserialize, Serialize};

use itl_core::cucm::Service;

use crate::address::{AddressError, ServerAddress, Transport};
use crate::fingerprint::{Sha256Fingerprint, SshHostKeyFingerprint};

/// The default name of the environment variable that holds the password.
pub const DEFAULT_PASSWORD_ENV: &str = "ITL_PASSWORD";

/// The default name of the environment variable that holds the OS administrator's password.
pub const DEFAULT_OS_PASSWORD_ENV: &str = "ITL_OS_PASSWORD";

/// The services `services = [...]` records: those whose certificates and restarts matter.
pub const RECORDED_SERVICES: [Service; 5] = [
    Service::CallManager,
    Service::CtiManager,
    Service::Tftp,
    Service::Tvs,
    Service::Capf,
];

/// A whole cluster file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterFile {
    /// The `[cluster]` table.
    pub cluster: ClusterSection,
    /// The `[[nodes]]` array, publisher first by convention.
    #[serde(default)]
    pub nodes: Vec<NodeEntry>,
}

/// The `[cluster]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSection {
    /// A name for people (`sim`, `prod-east`).
    pub name: String,
    /// The application user for AXL, RisPort and Control Center.
    pub user: String,
    /// The environment variable that holds that user's password.
    #[serde(default = "default_password_env")]
    pub password_env: String,
    /// The TCP port of the phones' web servers (80 on real phones).
    #[serde(default = "default_phone_http_port")]
    pub phone_http_port: u16,
    /// The AXL schema version the publisher serves (`14.0`); discovered when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axl_version: Option<String>,
    /// The platform (OS) administrator of the admin CLI over SSH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    /// The environment variable that holds the OS administrator's password (default
    /// `ITL_OS_PASSWORD`; read it with [`ClusterSection::os_password_env`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_password_env: Option<String>,
    /// A file (mode 0600) whose first line is the OS administrator's password; excludes
    /// `os_password_env`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_password_file: Option<std::path::PathBuf>,
}

impl ClusterSection {
    /// A section with the defaults: `password_env` `ITL_PASSWORD`, phones on port 80, no
    /// AXL version, no OS administrator.
    pub fn new(name: impl Into<String>, user: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            user: user.into(),
            password_env: default_password_env(),
            phone_http_port: default_phone_http_port(),
            axl_version: None,
            os_user: None,
            os_password_env: None,
            os_password_file: None,
        }
    }

    /// The variable that holds the OS administrator's password (`ITL_OS_PASSWORD` unless
    /// `os_password_env` says otherwise).
    pub fn os_password_env(&self) -> &str {
        self.os_password_env
            .as_deref()
            .unwrap_or(DEFAULT_OS_PASSWORD_ENV)
    }
}

fn default_password_env() -> String {
    DEFAULT_PASSWORD_ENV.to_owned()
}

fn default_phone_http_port() -> u16 {
    80
}

/// One `[[nodes]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NodeEntry {
    /// Host name of the node (`ucm-pub`).
    pub name: String,
    /// Whether this is the publisher.
    #[serde(default)]
    pub publisher: bool,
    /// The node's IP address.
    pub address: String,
    /// AXL endpoint URL (trailing `/` included).
    pub axl: String,
    /// RisPort70 endpoint URL.
    pub risport: String,
    /// Control Center Services endpoint URL.
    pub control_center: String,
    /// TFTP service as `host:port`; absent when the node does not run TFTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tftp: Option<String>,
    /// TFTP-over-HTTP base URL (`http://host:6970`); absent when the node does not run TFTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tftp_http: Option<String>,
    /// SHA-256 fingerprint of the node's Tomcat certificate, as colon-separated hex pairs
    /// (read it with [`NodeEntry::tls_pin`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_sha256: Option<String>,
    /// The admin CLI's SSH address as `host:port`; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<String>,
    /// The SSH host key's OpenSSH fingerprint (`SHA256:<base64 without padding>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_host_key_sha256: Option<String>,
    /// PerfMon endpoint URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perfmon: Option<String>,
    /// The trust-relevant services the node runs (plan names: `CallManager`, `CTIManager`,
    /// `TFTP`, `TVS`, `CAPF`); read them with [`NodeEntry::service_list`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
}

/// Why a cluster file could not be read, parsed, written or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterFileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid cluster file.
    #[error("invalid cluster file: {0}")]
    Parse(#[from] toml::de::Error),
    /// The file could not be serialised (a bug).
    #[error("cannot write the cluster file: {0}")]
    Serialize(#[from] toml::ser::Error),
    /// A TFTP address is malformed.
    #[error("node {node}: {field}: {source}")]
    BadValue {
        /// The node.
        node: String,
        /// The key (`tftp`, `tftp_http`).
        field: &'static str,
        /// What is wrong with the value.
        #[source]
        source: AddressError,
    },
    /// Another value is malformed.
    #[error("node {node}: {field} {value:?} is not valid: {reason}")]
    Malformed {
        /// The node.
        node: String,
        /// The key (`tls_sha256`, `ssh`...).
        field: &'static str,
        /// The value as written.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// The file names no publisher, or more than one.
    #[error("the cluster file must name exactly one publisher (found {0})")]
    Publisher(usize),
    /// A `[cluster]` value is malformed or two keys exclude each other.
    #[error("[cluster] {field}: {reason}")]
    ClusterValue {
        /// The key (`os_password_file`, `axl_version`...).
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The password variable is not set.
    #[error("the environment variable {0} (password_env) is not set")]
    PasswordUnset(String),
}

impl ClusterFile {
    /// Parses TOML text and checks it ([`ClusterFile::validate`]).
    pub fn from_toml_str(text: &str) -> Result<Self, ClusterFileError> {
        let file: Self = toml::from_str(text)?;
        file.validate()?;
        Ok(file)
    }

    /// Serialises as TOML.
    pub fn to_toml_string(&self) -> Result<String, ClusterFileError> {
        Ok(toml::to_string(self)?)
    }

    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<Self, ClusterFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ClusterFileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml_str(&text)
    }

    /// Writes the file (created or replaced; no secret is ever in it).
    pub fn save(&self, path: &Path) -> Result<(), ClusterFileError> {
        let text = self.to_toml_string()?;
        std::fs::write(path, text).map_err(|source| ClusterFileError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Checks that there is exactly one publisher and that every address and fingerprint
    /// parses.
    pub fn validate(&self) -> Result<(), ClusterFileError> {
        let publishers = self.nodes.iter().filter(|n| n.publisher).count();
        if publishers != 1 {
            return Err(ClusterFileError::Publisher(publishers));
        }
        let c = &self.cluster;
        if c.os_password_env.is_some() && c.os_password_file.is_some() {
            return Err(ClusterFileError::ClusterValue {
                field: "os_password_file",
                reason: "give os_password_env or os_password_file, not both".to_owned(),
            });
        }
        if let Some(v) = &c.axl_version
            && crate::soap::axl_version::major_minor(v).is_none()
        {
            return Err(ClusterFileError::ClusterValue {
                field: "axl_version",
                reason: format!("{v:?} is not a schema version such as \"14.0\""),
            });
        }
        if c.os_user.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return Err(ClusterFileError::ClusterValue {
                field: "os_user",
                reason: "empty".to_owned(),
            });
        }
        for node in &self.nodes {
            node.service_list()?;
            node.perfmon_url()?;
            node.tftp_service()?;
            node.tls_pin()?;
            node.ssh_addr()?;
            node.ssh_host_key()?;
        }
        Ok(())
    }

    /// The publisher's entry.
    pub fn publisher(&self) -> Option<&NodeEntry> {
        self.nodes.iter().find(|n| n.publisher)
    }

    /// The nodes that run TFTP.
    pub fn tftp_nodes(&self) -> impl Iterator<Item = &NodeEntry> {
        self.nodes.iter().filter(|n| n.tftp.is_some())
    }

    /// Reads the password from the environment variable the file names.
    pub fn password(&self) -> Result<String, ClusterFileError> {
        std::env::var(&self.cluster.password_env)
            .map_err(|_| ClusterFileError::PasswordUnset(self.cluster.password_env.clone()))
    }
}

impl NodeEntry {
    /// The node's TFTP service: host, UDP port and HTTP (6970) port; `Ok(None)` when the node
    /// does not run TFTP. The host and TFTP port come from `tftp` (`host[:port]` or
    /// `tftp://…`, port 69 by default), the HTTP port from `tftp_http` (`http://host[:port]`,
    /// 6970 by default), both read by [`ServerAddress`].
    pub fn tftp_service(&self) -> Result<Option<TftpService>, ClusterFileError> {
        let (Some(tftp), Some(http)) = (&self.tftp, &self.tftp_http) else {
            return Ok(None);
        };
        let bad = |field, source| ClusterFileError::BadValue {
            node: self.name.clone(),
            field,
            source,
        };
        let over_tftp =
            ServerAddress::parse_for(tftp, Transport::Tftp).map_err(|e| bad("tftp", e))?;
        let over_http =
            ServerAddress::parse_for(http, Transport::Http).map_err(|e| bad("tftp_http", e))?;
        Ok(Some(TftpService {
            host: over_tftp.host,
            tftp_port: over_tftp.port.unwrap_or(Transport::Tftp.default_port()),
            http_port: over_http.port.unwrap_or(Transport::Http.default_port()),
        }))
    }

    /// The pinned Tomcat certificate fingerprint; a malformed `tls_sha256` is an error naming
    /// the node and the key (never silently ignored).
    pub fn tls_pin(&self) -> Result<Option<Sha256Fingerprint>, ClusterFileError> {
        self.tls_sha256
            .as_deref()
            .map(|text| {
                text.parse().map_err(|_| ClusterFileError::Malformed {
                    node: self.name.clone(),
                    field: "tls_sha256",
                    value: text.to_owned(),
                    reason: "expected a SHA-256 fingerprint (64 hex digits, colons optional)",
                })
            })
            .transpose()
    }

    /// The pinned SSH host key fingerprint; a malformed `ssh_host_key_sha256` is an error
    /// naming the node and the key.
    pub fn ssh_host_key(&self) -> Result<Option<SshHostKeyFingerprint>, ClusterFileError> {
        self.ssh_host_key_sha256
            .as_deref()
            .map(|text| {
                text.parse().map_err(|_| ClusterFileError::Malformed {
                    node: self.name.clone(),
                    field: "ssh_host_key_sha256",
                    value: text.to_owned(),
                    reason: "expected an OpenSSH fingerprint (SHA256:<43 base64 characters>)",
                })
            })
            .transpose()
    }

    /// The services of `services`; an unknown name is an error naming the node.
    pub fn service_list(&self) -> Result<Vec<Service>, ClusterFileError> {
        self.services
            .iter()
            .map(|name| {
                name.parse::<Service>()
                    .map_err(|_| ClusterFileError::Malformed {
                        node: self.name.clone(),
                        field: "services",
                        value: name.clone(),
                        reason: "expected a service name (CallManager, CTIManager, TFTP, TVS, CAPF)",
                    })
            })
            .collect()
    }

    /// Whether `services` lists `service`.
    pub fn runs(&self, service: Service) -> bool {
        self.service_list()
            .is_ok_and(|list| list.contains(&service))
    }

    /// The PerfMon URL, when present; it must be `https://`.
    pub fn perfmon_url(&self) -> Result<Option<&str>, ClusterFileError> {
        match &self.perfmon {
            None => Ok(None),
            Some(url) if url.starts_with("https://") && url.len() > "https://".len() => {
                Ok(Some(url))
            }
            Some(url) => Err(ClusterFileError::Malformed {
                node: self.name.clone(),
                field: "perfmon",
                value: url.clone(),
                reason: "expected an https:// URL",
            }),
        }
    }

    /// The admin CLI's SSH address, when present; an error when it does not parse.
    pub fn ssh_addr(&self) -> Result<Option<std::net::SocketAddr>, ClusterFileError> {
        let Some(text) = &self.ssh else {
            return Ok(None);
        };
        text.parse()
            .map(Some)
            .map_err(|_| ClusterFileError::Malformed {
                node: self.name.clone(),
                field: "ssh",
                value: text.clone(),
                reason: "expected ip:port",
            })
    }
}

/// Where a node's TFTP service answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TftpService {
    /// Host or address.
    pub host: String,
    /// UDP port (69 on a real cluster).
    pub tftp_port: u16,
    /// TCP port of TFTP over HTTP (6970 on a real cluster).
    pub http_port: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    use itl_testkit::cluster_file::TWO_NODES as SAMPLE;

    #[test]
    fn parses_the_documented_shape_and_round_trips() {
        let file = ClusterFile::from_toml_str(SAMPLE).expect("parses");
        assert_eq!(file.nodes.len(), 2);
        let server = file.nodes[0]
            .tftp_service()
            .expect("valid")
            .expect("tftp node");
        assert_eq!((server.tftp_port, server.http_port), (69, 6970));
        assert_eq!(file.tftp_nodes().count(), 1);
        assert_eq!(
            file.nodes[0].tls_pin().expect("valid").expect("pin").0[31],
            0x1f
        );
        assert_eq!(file.nodes[1].tls_pin().expect("valid"), None);
        assert_eq!(
            file.nodes[0].ssh_addr().expect("valid"),
            Some("127.0.1.1:22".parse().expect("addr"))
        );
        assert_eq!(file.nodes[1].ssh_addr().expect("valid"), None);
        assert_eq!(
            file.nodes[0].ssh_host_key_sha256.as_deref(),
            Some("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")
        );
        let again = ClusterFile::from_toml_str(&file.to_toml_string().expect("ser")).expect("re");
        assert_eq!(again, file);
    }

    #[test]
    fn rejects_two_publishers_and_bad_ports() {
        let two = SAMPLE.replace(
            "name = \"ucm-sub1\"",
            "name = \"ucm-sub1\"\npublisher = true",
        );
        assert!(matches!(
            ClusterFile::from_toml_str(&two),
            Err(ClusterFileError::Publisher(2))
        ));
        let bad = SAMPLE.replace("127.0.1.1:69\"", "127.0.1.1:port\"");
        assert!(matches!(
            ClusterFile::from_toml_str(&bad),
            Err(ClusterFileError::BadValue { field: "tftp", .. })
        ));
        let bad_pin = SAMPLE.replace("1c:1d:1e:1f", "1c:1d:1e");
        let err = ClusterFile::from_toml_str(&bad_pin).expect_err("a short pin is an error");
        assert!(
            matches!(&err, ClusterFileError::Malformed { field: "tls_sha256", node, .. } if node == "ucm-pub"),
            "{err}"
        );
        assert!(
            err.to_string().starts_with("node ucm-pub: tls_sha256 "),
            "{err}"
        );
        let err = ClusterFile::from_toml_str(&bad).expect_err("bad port");
        assert_eq!(
            err.to_string(),
            "node ucm-pub: tftp: \"127.0.1.1:port\" is not a server address: the port \"port\" is not a number from 1 to 65535"
        );
        let http_in_tftp = SAMPLE.replace(
            "tftp = \"127.0.1.1:69\"",
            "tftp = \"http://127.0.1.1:6970\"",
        );
        assert!(matches!(
            ClusterFile::from_toml_str(&http_in_tftp),
            Err(ClusterFileError::BadValue { field: "tftp", .. })
        ));
        let no_scheme = SAMPLE.replace("\"http://127.0.1.1:6970\"", "\"ftp://127.0.1.1:6970\"");
        assert!(matches!(
            ClusterFile::from_toml_str(&no_scheme),
            Err(ClusterFileError::BadValue {
                field: "tftp_http",
                ..
            })
        ));
        // Twins: IPv6 in brackets, and default ports.
        let v6 = SAMPLE
            .replace("\"127.0.1.1:69\"", "\"[::1]:1069\"")
            .replace("\"http://127.0.1.1:6970\"", "\"http://[::1]\"");
        let file = ClusterFile::from_toml_str(&v6).expect("v6");
        let server = file.nodes[0]
            .tftp_service()
            .expect("valid")
            .expect("tftp node");
        assert_eq!(
            (server.host.as_str(), server.tftp_port, server.http_port),
            ("::1", 1069, 6970)
        );
        let bad_ssh = SAMPLE.replace("127.0.1.1:22\"", "ucm-pub\"");
        assert!(matches!(
            ClusterFile::from_toml_str(&bad_ssh),
            Err(ClusterFileError::Malformed { field: "ssh", .. })
        ));
    }

    #[test]
    fn os_administrator_services_and_perfmon_keys() {
        let with = SAMPLE.replace(
            "phone_http_port = 80\n",
            "phone_http_port = 80\naxl_version = \"12.5\"\nos_user = \"osadmin\"\n",
        ) + "perfmon = \"https://127.0.1.2:8443/perfmonservice2/services/PerfmonService\"\nservices = [\"TFTP\", \"Cisco CallManager\"]\n";
        let file = ClusterFile::from_toml_str(&with).expect("valid");
        assert_eq!(file.cluster.axl_version.as_deref(), Some("12.5"));
        assert_eq!(file.cluster.os_user.as_deref(), Some("osadmin"));
        assert_eq!(file.cluster.os_password_env(), "ITL_OS_PASSWORD");
        let sub = &file.nodes[1];
        assert_eq!(
            sub.service_list().expect("valid"),
            [Service::Tftp, Service::CallManager]
        );
        assert!(sub.runs(Service::Tftp) && !sub.runs(Service::Tvs));
        assert_eq!(
            sub.perfmon_url().expect("valid"),
            Some("https://127.0.1.2:8443/perfmonservice2/services/PerfmonService")
        );
        let again = ClusterFile::from_toml_str(&file.to_toml_string().expect("ser")).expect("re");
        assert_eq!(again, file);

        // Reject twins, each naming the key (and the node).
        let err = ClusterFile::from_toml_str(&with.replace("\"TFTP\"", "\"Frobnicator\""))
            .expect_err("unknown service");
        assert_eq!(
            err.to_string(),
            "node ucm-sub1: services \"Frobnicator\" is not valid: expected a service name (CallManager, CTIManager, TFTP, TVS, CAPF)"
        );
        let err = ClusterFile::from_toml_str(
            &with.replace("https://127.0.1.2:8443/perf", "http://127.0.1.2:8443/perf"),
        )
        .expect_err("http perfmon");
        assert!(
            err.to_string()
                .starts_with("node ucm-sub1: perfmon \"http://"),
            "{err}"
        );
        let both = with.replace(
            "os_user = \"osadmin\"\n",
            "os_user = \"osadmin\"\nos_password_env = \"X\"\nos_password_file = \"/x\"\n",
        );
        let err = ClusterFile::from_toml_str(&both).expect_err("both");
        assert_eq!(
            err.to_string(),
            "[cluster] os_password_file: give os_password_env or os_password_file, not both"
        );
        let err = ClusterFile::from_toml_str(&with.replace("\"12.5\"", "\"latest\""))
            .expect_err("bad version");
        assert_eq!(
            err.to_string(),
            "[cluster] axl_version: \"latest\" is not a schema version such as \"14.0\""
        );
    }

    #[test]
    fn malformed_pins_are_errors_naming_the_node_and_the_key() {
        let with_sub_pins = |tls: &str, ssh: &str| {
            format!("{SAMPLE}tls_sha256 = \"{tls}\"\nssh_host_key_sha256 = \"{ssh}\"\n")
        };
        let good_tls = "SHA256:".to_owned() + &"ab".repeat(32);
        let good_ssh = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
        let file = ClusterFile::from_toml_str(&with_sub_pins(&good_tls, good_ssh)).expect("valid");
        assert_eq!(
            file.nodes[1].tls_pin().expect("valid"),
            Some(Sha256Fingerprint([0xab; 32]))
        );
        assert_eq!(
            file.nodes[1]
                .ssh_host_key()
                .expect("valid")
                .map(|k| k.to_string()),
            Some(good_ssh.to_owned())
        );
        for (tls, ssh, key, value) in [
            ("ab:cd", good_ssh, "tls_sha256", "ab:cd"),
            (&"zz".repeat(32), good_ssh, "tls_sha256", &"zz".repeat(32)),
            (
                &good_tls,
                "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
                "ssh_host_key_sha256",
                "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            ),
            (&good_tls, "SHA256:abc", "ssh_host_key_sha256", "SHA256:abc"),
            (&good_tls, "ab:cd:ef", "ssh_host_key_sha256", "ab:cd:ef"),
        ] {
            let err = ClusterFile::from_toml_str(&with_sub_pins(tls, ssh)).expect_err(value);
            match &err {
                ClusterFileError::Malformed {
                    node,
                    field,
                    value: shown,
                    ..
                } => assert_eq!(
                    (node.as_str(), *field, shown.as_str()),
                    ("ucm-sub1", key, value)
                ),
                other => panic!("{other}"),
            }
            assert!(
                err.to_string().starts_with(&format!(
                    "node ucm-sub1: {key} {value:?} is not valid: expected "
                )),
                "{err}"
            );
        }
    }
}
