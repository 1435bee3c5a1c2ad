//! Shared helpers: a small cluster on ephemeral ports, the real client, time limits.
#![allow(dead_code)]

pub mod axl;
pub mod replay;

use itl_core::cucm::Generation;
use std::future::Future;
use std::time::Duration;

use itl_cucm::{FetchOptions, Fetcher, TrustServer};

use itl_sim::{Cluster, FaultSpec, ServeOptions, SimOptions, SimServer};

/// The password every test cluster uses.
pub const PASSWORD: &str = "sim-test-password";

/// Options of a small, fast cluster: 2 nodes, 50 phones, 1024-bit keys.
pub fn small(generation: Generation, mixed: bool, faults: &str) -> SimOptions {
    sized(2, 50, generation, mixed, faults)
}

/// Options of a cluster of `nodes` nodes and `phones` phones: seed 7, 1024-bit keys.
pub fn sized(
    nodes: usize,
    phones: usize,
    generation: Generation,
    mixed: bool,
    faults: &str,
) -> SimOptions {
    SimOptions {
        nodes,
        phones,
        generation,
        mixed,
        seed: 7,
        faults: FaultSpec::parse(faults).expect("fault spec"),
        key_bits: 1024,
        ..SimOptions::default()
    }
}

/// Builds and serves a cluster.
pub async fn start(options: &SimOptions) -> SimServer {
    let cluster = Cluster::build(options).expect("cluster builds");
    SimServer::start(cluster, ServeOptions::ephemeral("admin", PASSWORD))
        .await
        .expect("servers start")
}

/// Fails the test when `fut` takes longer than `secs`.
pub async fn within<T>(secs: u64, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .expect("test took too long")
}

/// The real fetch client with short timeouts.
pub fn fetcher() -> Fetcher {
    let mut opts = FetchOptions::default();
    opts.tftp.deadline = Duration::from_secs(5);
    opts.http.timeout = Duration::from_secs(5);
    Fetcher::new(opts).expect("fetcher")
}

/// The TFTP and HTTP 6970 servers of node `index` as the client wants them.
pub fn trust_servers(sim: &SimServer, index: usize) -> (TrustServer, TrustServer) {
    let node = &sim.nodes()[index];
    let tftp = node.tftp.expect("TFTP node");
    let http = node.tftp_http.expect("TFTP node");
    let mut over_tftp = TrustServer::tftp(tftp.ip().to_string());
    over_tftp.tftp_port = tftp.port();
    over_tftp.http_port = http.port();
    let mut over_http = over_tftp.clone();
    over_http.transport = itl_cucm::Transport::Http;
    (over_tftp, over_http)
}

/// A plain HTTP client for phone pages (1 s connect, 3 s total).
pub fn page_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(3))
        .no_proxy()
        .build()
        .expect("client")
}

/// GETs a phone page; the body on 200.
pub async fn get_page(
    client: &reqwest::Client,
    sim: &SimServer,
    phone: usize,
    path: &str,
) -> Result<String, String> {
    let url = format!("http://{}{path}", sim.phone_address(phone));
    let resp = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    if resp.status() != reqwest::StatusCode::OK {
        return Err(format!("status {}", resp.status()));
    }
    resp.text().await.map_err(|e| e.to_string())
}

/// The Network Setup page path.
pub const NETWORK_SETUP: &str = "/CGI/Java/Serviceability?adapter=device.statistics.configuration";
/// The status messages page path.
pub const STATUS_MESSAGES: &str =
    "/CGI/Java/Serviceability?adapter=device.settings.status.messages";

/// The value of a field of a Network Setup page, either layout (labels compared
/// case-insensitively). Modern pages put an empty spacer cell between label and value.
pub fn field(html: &str, label: &str) -> Option<String> {
    let cells = split_cells(html);
    let at = cells
        .iter()
        .position(|c| c.trim().eq_ignore_ascii_case(label))?;
    let offset = if html.contains("<td width=\"20\"></td>") {
        2
    } else {
        1
    };
    cells.get(at + offset).map(|s| s.trim().to_owned())
}

fn split_cells(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<td") {
        let start = pos + start;
        let Some(open_end) = lower[start..].find('>') else {
            break;
        };
        let content_start = start + open_end + 1;
        let end = lower[content_start..]
            .find("</td>")
            .map(|e| content_start + e)
            .unwrap_or(lower.len());
        out.push(strip_tags(&html[content_start..end]));
        pos = end;
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}
