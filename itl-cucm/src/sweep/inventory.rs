//! Which phones to sweep: from the cluster (AXL + RisPort70) or from a CSV file.
//!
//! **Cluster discovery** ([`discover`]): AXL `executeSQLQuery` (paged by
//! [`AxlClient::execute_sql_all`]) lists every phone with its model, device pool, CallManager
//! group and security profile ([`sql::PHONES`]) and reads the cluster security mode; RisPort70
//! `selectCmDeviceExt` by name, in chunks of at most 1000 names, paced and backing off on the
//! rate fault ([`RisPortClient::select_cm_device_ext`]), gives each phone's registration state,
//! IP address and `Httpd` flag. A phone RisPort does not report is unregistered. When RisPort
//! fails, the last known IP addresses from the database (`registrationdynamic`) are used for
//! the phones it has not reported and their registration is unknown (a warning says so).
//! [`discover_feed`] hands over each RisPort chunk as it arrives ([`PhoneFeed`]), so a sweep
//! reads the first phones' pages while later chunks wait for the RisPort budget.
//!
//! **CSV** ([`read_csv`]): a header row naming the columns `name`, `address` and
//! `tftp_server` (required, in any order) and optionally `model` and `device_pool`; other
//! columns are ignored, `#` starts a comment line, cells are trimmed. `address` is `ip`,
//! `ip:port`, `[v6]:port` or a host name (empty: unknown); `tftp_server` is a host, `host:port`
//! (TFTP), `tftp://host:port` or `http://host:port` (HTTP 6970), or empty (the phone's Network
//! Setup page says), read by [`itl_wire::address::ServerAddress`]. Every name must be unique.

use itl_core::cucm::{ClusterSecurityMode, DeviceSecurityMode};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::session::{ClusterSession, SessionError};
use crate::soap::pacer::latest_devices;
use crate::soap::{AxlClient, ClientError, RisPortClient};
use itl_wire::address::{AddressError, ServerAddress};
use itl_wire::cluster_file::ClusterFileError;
use itl_wire::soap::axl::{Row, sql};
use itl_wire::soap::risport::{CmDevice, Httpd, RegistrationStatus, SelectCmDeviceRequest};

use super::classify::RegistrationFacts;
use super::csv_records::{self, CsvError};
use super::feed::{FeedEvent, PhoneFeed};

/// One phone to sweep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InventoryPhone {
    /// Device name (`SEP…`).
    pub name: String,
    /// Where its web server answers: `ip`, `ip:port`, `[v6]:port` or a host name.
    pub address: Option<String>,
    /// Its TFTP server, when known in advance (the page's `TFTP server 1` wins).
    pub tftp_server: Option<String>,
    /// Model name.
    pub model: Option<String>,
    /// Device pool.
    pub device_pool: Option<String>,
    /// CallManager group (AXL).
    pub cm_group: Option<String>,
    /// Security profile (AXL).
    pub security_profile: Option<String>,
    /// Device security mode of that profile (AXL).
    pub security_mode: Option<DeviceSecurityMode>,
    /// RisPort's view; `None` without RisPort.
    pub registration: Option<RegistrationFacts>,
}

/// Why the inventory could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// The CSV file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV is malformed.
    #[error("inventory line {line}: {reason}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The file is larger than [`MAX_INVENTORY_BYTES`].
    #[error("inventory: larger than {0} bytes")]
    TooLarge(u64),
    /// A required column is missing from the header.
    #[error("inventory: the header has no {0:?} column (required: name, address, tftp_server)")]
    MissingColumn(&'static str),
    /// A `tftp_server` cell is not a server address.
    #[error("inventory line {line}: tftp_server: {source}")]
    TftpServer {
        /// 1-based line.
        line: u64,
        /// What is wrong with it.
        #[source]
        source: AddressError,
    },
    /// A phone is listed twice.
    #[error("inventory line {line}: {name} is already listed on line {first}")]
    Duplicate {
        /// The name.
        name: String,
        /// Where it was first listed.
        first: u64,
        /// Where it is listed again.
        line: u64,
    },
    /// The cluster file is unusable.
    #[error(transparent)]
    Cluster(#[from] ClusterFileError),
    /// The session could not build a client.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// A SOAP client could not be set up or a call failed.
    #[error("{what}: {source}")]
    Soap {
        /// Which call.
        what: &'static str,
        /// The error.
        #[source]
        source: ClientError,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Column {
    Name,
    Address,
    Tftp,
    Model,
    Pool,
}

fn column_of(header: &str) -> Option<Column> {
    let key: String = header
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match key.as_str() {
        "name" | "devicename" | "device" => Some(Column::Name),
        "address" | "ip" | "ipaddress" => Some(Column::Address),
        "tftpserver" | "tftp" => Some(Column::Tftp),
        "model" => Some(Column::Model),
        "devicepool" | "pool" => Some(Column::Pool),
        _ => None,
    }
}

/// The largest inventory read: 64 MiB (about half a million phones).
pub const MAX_INVENTORY_BYTES: u64 = 64 << 20;

/// Reads an inventory CSV (see the module documentation).
pub fn read_csv<R: Read>(reader: R) -> Result<Vec<InventoryPhone>, InventoryError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INVENTORY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InventoryError::Io {
            path: "inventory".into(),
            source,
        })?;
    if bytes.len() as u64 > MAX_INVENTORY_BYTES {
        return Err(InventoryError::TooLarge(MAX_INVENTORY_BYTES));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| InventoryError::Csv {
        line: 1 + bytes
            .get(..e.valid_up_to())
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count() as u64),
        reason: "the text is not UTF-8".into(),
    })?;
    let csv_error = |e: CsvError| InventoryError::Csv {
        line: e.line,
        reason: e.kind.to_string(),
    };
    let mut rows = csv_records::records(text);
    let headers = match rows.next() {
        Some(header) => header.map_err(csv_error)?.fields,
        None => Vec::new(),
    };
    let mut at: HashMap<Column, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(c) = column_of(h) {
            at.entry(c).or_insert(i);
        }
    }
    for (c, name) in [
        (Column::Name, "name"),
        (Column::Address, "address"),
        (Column::Tftp, "tftp_server"),
    ] {
        if !at.contains_key(&c) {
            return Err(InventoryError::MissingColumn(name));
        }
    }
    let mut phones = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in rows {
        let record = record.map_err(csv_error)?;
        let line = record.line;
        let cell = |c: Column| {
            at.get(&c)
                .and_then(|&i| record.fields.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if record.fields.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(name) = cell(Column::Name) else {
            return Err(InventoryError::Csv {
                line,
                reason: "the name is empty".into(),
            });
        };
        if name.chars().any(char::is_control) || name.len() > 128 {
            return Err(InventoryError::Csv {
                line,
                reason: format!("{name:?} is not a device name"),
            });
        }
        if let Some(&first) = seen.get(&name) {
            return Err(InventoryError::Duplicate { name, first, line });
        }
        let tftp_server = cell(Column::Tftp);
        if let Some(text) = &tftp_server {
            ServerAddress::parse(text)
                .map_err(|source| InventoryError::TftpServer { line, source })?;
        }
        seen.insert(name.clone(), line);
        phones.push(InventoryPhone {
            name,
            address: cell(Column::Address),
            tftp_server,
            model: cell(Column::Model),
            device_pool: cell(Column::Pool),
            ..InventoryPhone::default()
        });
    }
    Ok(phones)
}

/// Reads an inventory CSV file.
pub fn load_csv(path: &Path) -> Result<Vec<InventoryPhone>, InventoryError> {
    let file = std::fs::File::open(path).map_err(|source| InventoryError::Io {
        path: path.display().to_string(),
        source,
    })?;
    read_csv(std::io::BufReader::new(file))
}

/// The AXL and RisPort clients discovery uses (both on the publisher).
#[derive(Debug)]
pub struct SoapClients {
    /// AXL.
    pub axl: AxlClient,
    /// RisPort70.
    pub risport: RisPortClient,
}

impl SoapClients {
    /// The session's AXL and RisPort70 clients.
    pub fn of(session: &ClusterSession) -> Result<Self, SessionError> {
        Ok(Self {
            axl: session.axl()?,
            risport: session.risport()?,
        })
    }
}

/// What cluster discovery found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// The phones, in AXL order (by name).
    pub phones: Vec<InventoryPhone>,
    /// Mixed or non-secure, when AXL said.
    pub security_mode: Option<ClusterSecurityMode>,
    /// What could not be learnt.
    pub warnings: Vec<String>,
}

/// A column of an AXL row, whatever the case of its name.
fn column<'a>(row: &'a Row, name: &str) -> Option<&'a str> {
    row.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// `ip` when the phones' web port is 80, else `ip:port` (IPv6 in brackets).
pub fn web_address(ip: &str, port: u16) -> String {
    let ip = ip.trim();
    if port == 80 {
        ip.to_owned()
    } else if ip.contains(':') && !ip.starts_with('[') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// Merges AXL phone rows ([`sql::PHONES`]) with RisPort devices: one phone per row, in row
/// order; a name listed twice is kept once.
pub fn merge_discovery(
    rows: &[Row],
    devices: &[CmDevice],
    phone_http_port: u16,
) -> Vec<InventoryPhone> {
    let by_name: HashMap<&str, &CmDevice> = devices.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(name) = column(row, "name") else {
            continue;
        };
        if !seen.insert(name.to_owned()) {
            continue;
        }
        let device = by_name.get(name);
        let registration = Some(match device {
            Some(d) => RegistrationFacts {
                status: d.status.as_str().to_owned(),
                registered: d.status == RegistrationStatus::Registered,
                httpd: d.httpd.and_then(|h| match h {
                    Httpd::Yes => Some(true),
                    Httpd::No => Some(false),
                    Httpd::Unknown => None,
                }),
                since: d.time_stamp,
                firmware: d.active_load_id.clone(),
            },
            None => RegistrationFacts {
                status: "NotFound".into(),
                registered: false,
                httpd: None,
                since: None,
                firmware: None,
            },
        });
        out.push(InventoryPhone {
            name: name.to_owned(),
            address: device
                .and_then(|d| {
                    d.ipv4()
                        .or_else(|| d.ip_addresses.first().map(|a| a.ip.as_str()))
                })
                .map(|ip| web_address(ip, phone_http_port)),
            tftp_server: None,
            model: column(row, "model").map(str::to_owned),
            device_pool: column(row, "devicepool").map(str::to_owned),
            cm_group: column(row, "cmgroup").map(str::to_owned),
            security_profile: column(row, "secprofile").map(str::to_owned),
            security_mode: column(row, "secmode").and_then(DeviceSecurityMode::parse),
            registration,
        });
    }
    out
}

/// Discovers the phones of a cluster (see the module documentation): [`discover_feed`] run
/// to its end.
pub async fn discover(
    clients: &SoapClients,
    phone_http_port: u16,
) -> Result<Discovery, InventoryError> {
    let (mut discovery, feed) = discover_feed(clients, phone_http_port).await?;
    for event in feed.collect().await {
        match event {
            FeedEvent::Phones { first, phones } => {
                for (slot, phone) in discovery.phones.iter_mut().skip(first).zip(phones) {
                    *slot = phone;
                }
            }
            FeedEvent::Warning(w) => discovery.warnings.push(w),
        }
    }
    Ok(discovery)
}

/// Discovery in two steps: AXL lists every phone and reads the security mode (returned at
/// once: the phones carry name, model, pool, group and profile, no address or registration
/// yet), then the [`PhoneFeed`] asks RisPort70 chunk by chunk, each request paced by the
/// client ([`RisPortClient`]), and yields each chunk's phones as soon as its answer arrives.
/// When RisPort fails (after its rate-fault retries), the phones not yet reported get the
/// last known addresses from the database and no registration, with a warning.
pub async fn discover_feed(
    clients: &SoapClients,
    phone_http_port: u16,
) -> Result<(Discovery, PhoneFeed<'_>), InventoryError> {
    let mut discovery = Discovery::default();
    let all_rows = clients
        .axl
        .execute_sql_all(sql::PHONES)
        .await
        .map_err(|source| InventoryError::Soap {
            what: "AXL phone list",
            source,
        })?;
    match clients.axl.execute_sql(sql::CLUSTER_SECURITY_MODE).await {
        Ok(mode) => {
            discovery.security_mode = mode
                .first()
                .and_then(|r| column(r, "paramvalue"))
                .and_then(ClusterSecurityMode::from_param);
        }
        Err(e) => discovery
            .warnings
            .push(format!("cluster security mode not read: {e}")),
    }
    // One row per phone: named, first occurrence (as `merge_discovery` keeps them).
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<Row> = all_rows
        .into_iter()
        .filter(|r| column(r, "name").is_some_and(|n| seen.insert(n.to_owned())))
        .collect();
    discovery.phones = merge_discovery(&rows, &[], phone_http_port);
    for p in &mut discovery.phones {
        p.registration = None;
    }
    let state = FeedState {
        clients,
        rows,
        port: phone_http_port,
        next: 0,
        queued: std::collections::VecDeque::new(),
    };
    let feed = futures::stream::unfold(state, |mut st| async move {
        let event = st.step().await?;
        Some((event, st))
    });
    Ok((discovery, PhoneFeed::new(feed)))
}

/// Where the RisPort feed of [`discover_feed`] is.
struct FeedState<'a> {
    clients: &'a SoapClients,
    rows: Vec<Row>,
    port: u16,
    /// The first row not yet reported.
    next: usize,
    queued: std::collections::VecDeque<FeedEvent>,
}

impl FeedState<'_> {
    async fn step(&mut self) -> Option<FeedEvent> {
        if let Some(e) = self.queued.pop_front() {
            return Some(e);
        }
        let first = self.next;
        let end = first
            .saturating_add(self.clients.risport.chunk_size())
            .min(self.rows.len());
        let chunk = self.rows.get(first..end).filter(|c| !c.is_empty())?;
        let names = chunk
            .iter()
            .filter_map(|r| column(r, "name").map(str::to_owned));
        let request = SelectCmDeviceRequest::by_names(names);
        match self.clients.risport.select_cm_device_ext(&request).await {
            Ok(result) => {
                self.next = end;
                let devices = latest_devices(result);
                Some(FeedEvent::Phones {
                    first,
                    phones: merge_discovery(chunk, &devices, self.port),
                })
            }
            Err(e) => {
                let rest = self.rows.get(first..).unwrap_or_default();
                self.next = self.rows.len();
                Some(FeedEvent::Warning(
                    self.fall_back(first, rest.to_vec(), &e.to_string()).await,
                ))
            }
        }
    }

    /// RisPort failed from row `first` on: the last known addresses from the database for
    /// the rest (queued), and the warning.
    async fn fall_back(&mut self, first: usize, rest: Vec<Row>, error: &str) -> String {
        let warning = if first == 0 {
            format!("RisPort failed ({error}); using last known addresses, registration unknown")
        } else {
            format!(
                "RisPort failed after {first} of {} phones ({error}); using last known addresses \
                 for the others, registration unknown",
                self.rows.len()
            )
        };
        let mut phones = merge_discovery(&rest, &[], self.port);
        match self
            .clients
            .axl
            .execute_sql_all(sql::PHONE_LAST_KNOWN)
            .await
        {
            Ok(last) => {
                let ips: HashMap<&str, &str> = last
                    .iter()
                    .filter_map(|r| Some((column(r, "name")?, column(r, "lastknownipaddress")?)))
                    .collect();
                for p in &mut phones {
                    p.address = ips
                        .get(p.name.as_str())
                        .map(|ip| web_address(ip, self.port));
                }
            }
            Err(e) => self.queued.push_back(FeedEvent::Warning(format!(
                "last known addresses not read: {e}"
            ))),
        }
        for p in &mut phones {
            p.registration = None;
        }
        self.queued.push_front(FeedEvent::Phones { first, phones });
        warning
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_wire::soap::risport::DeviceIp;

    #[test]
    fn csv_with_any_column_order_comments_and_optional_columns() {
        let text = "# exported 2025-06-01\n\
tftp_server , Name,address,extra,Device Pool\n\
127.0.1.1,SEP001122334455, 127.1.0.1 ,x,DP-HQ\n\
\n\
http://127.0.1.2:6970,SEP00112233AABB,127.1.0.2:8080\n\
,SEP00112233CCDD,,,\n";
        let phones = read_csv(text.as_bytes()).expect("reads");
        assert_eq!(
            phones,
            vec![
                InventoryPhone {
                    name: "SEP001122334455".into(),
                    address: Some("127.1.0.1".into()),
                    tftp_server: Some("127.0.1.1".into()),
                    device_pool: Some("DP-HQ".into()),
                    ..InventoryPhone::default()
                },
                InventoryPhone {
                    name: "SEP00112233AABB".into(),
                    address: Some("127.1.0.2:8080".into()),
                    tftp_server: Some("http://127.0.1.2:6970".into()),
                    ..InventoryPhone::default()
                },
                InventoryPhone {
                    name: "SEP00112233CCDD".into(),
                    ..InventoryPhone::default()
                },
            ]
        );
    }

    #[test]
    fn csv_rejects() {
        let err = read_csv("name,address\nSEP1,1.2.3.4\n".as_bytes()).expect_err("no tftp column");
        assert_eq!(
            err.to_string(),
            "inventory: the header has no \"tftp_server\" column (required: name, address, tftp_server)"
        );
        let err = read_csv("name,address,tftp_server\nSEP1,a,b\nSEP2,c,d\nSEP1,e,f\n".as_bytes())
            .expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "inventory line 4: SEP1 is already listed on line 2"
        );
        let err = read_csv("name,address,tftp_server\n,a,b\n".as_bytes()).expect_err("empty name");
        assert_eq!(err.to_string(), "inventory line 2: the name is empty");
        let err = read_csv(&b"name,address,tftp_server\n\"SEP1,a,b\n"[..]).map(|p| p.len());
        assert!(err.is_err() || err.is_ok_and(|n| n == 1));
        assert!(read_csv(&b"\xff\xfe,\x00\n"[..]).is_err());
        let err = read_csv(
            "name,address,tftp_server\nSEP1,1.2.3.4,127.0.1.1\nSEP2,1.2.3.5,ftp://127.0.1.1\n"
                .as_bytes(),
        )
        .expect_err("bad server");
        assert_eq!(
            err.to_string(),
            "inventory line 3: tftp_server: \"ftp://127.0.1.1\" is not a server address: the scheme \"ftp\" is not tftp:// or http://"
        );
        let err = read_csv("name,address,tftp_server\nSEP1,1.2.3.4,\"a, b\"\n".as_bytes())
            .expect_err("bad server");
        assert!(
            matches!(err, InventoryError::TftpServer { line: 2, .. }),
            "{err}"
        );
        // Twin: the same rows with a tftp_server column read.
        assert_eq!(
            read_csv("name,address,tftp_server\nSEP1,1.2.3.4,\n".as_bytes())
                .expect("ok")
                .len(),
            1
        );
    }

    fn row(pairs: &[(&str, &str)]) -> Row {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn merges_axl_rows_with_risport() {
        let rows = vec![
            row(&[
                ("name", "SEP000000000001"),
                ("model", "Cisco 8841"),
                ("devicepool", "DP-HQ"),
                ("cmgroup", "G1"),
            ]),
            row(&[
                ("name", "SEP000000000002"),
                ("model", "Cisco 7965"),
                ("devicepool", "DP-BR"),
            ]),
            row(&[("NAME", "SEP000000000003")]),
            row(&[("name", "SEP000000000001")]),
            row(&[("model", "no name")]),
        ];
        let mut d1 = CmDevice::new("SEP000000000001", "ucm-pub", RegistrationStatus::Registered);
        d1.ip_addresses.push(DeviceIp {
            ip: "10.0.0.1".into(),
            addr_type: Some("ipv4".into()),
            attribute: None,
        });
        d1.httpd = Some(Httpd::Yes);
        d1.time_stamp = Some(1_748_779_220);
        let mut d2 = CmDevice::new(
            "SEP000000000002",
            "ucm-sub1",
            RegistrationStatus::UnRegistered,
        );
        d2.httpd = Some(Httpd::No);
        let phones = merge_discovery(&rows, &[d1, d2], 8080);
        assert_eq!(phones.len(), 3);
        assert_eq!(phones[0].address.as_deref(), Some("10.0.0.1:8080"));
        assert_eq!(
            (
                phones[0].model.as_deref(),
                phones[0].device_pool.as_deref(),
                phones[0].cm_group.as_deref()
            ),
            (Some("Cisco 8841"), Some("DP-HQ"), Some("G1"))
        );
        assert_eq!(
            phones[0].registration,
            Some(RegistrationFacts {
                status: "Registered".into(),
                registered: true,
                httpd: Some(true),
                since: Some(1_748_779_220),
                firmware: None,
            })
        );
        assert_eq!(
            phones[1].registration,
            Some(RegistrationFacts {
                status: "UnRegistered".into(),
                registered: false,
                httpd: Some(false),
                since: None,
                firmware: None,
            })
        );
        assert_eq!(phones[2].name, "SEP000000000003");
        assert_eq!(
            phones[2].registration,
            Some(RegistrationFacts {
                status: "NotFound".into(),
                registered: false,
                httpd: None,
                since: None,
                firmware: None,
            })
        );
        assert_eq!(web_address("::1", 8080), "[::1]:8080");
        assert_eq!(web_address("10.0.0.1", 80), "10.0.0.1");
    }
}
