//! Shared helpers: a small cluster on ephemeral ports, the real client, time limits.
#![allow(dead_code)]

pub mod axl;
pub mod replay;

use itl_core::cucm::Generation;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use itl_cucm::ssh::{AdminCli, AdminSession, HostKeyPin, SshOptions, SshTarget};
use itl_cucm::sweep::page::{fields, label_key, parse_network_setup};
use itl_cucm::{FetchOptions, Fetcher, TrustServer};
use itl_sim::events::{Event, parse_events};
use itl_sim::phone::pages::{PageFamily, Paths};
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
    start_with(options, ServeOptions::ephemeral("admin", PASSWORD)).await
}

/// Runs `test` within `secs` against a cluster of `options` served for it ([`start`]), then
/// shuts the servers down.
pub async fn serving(secs: u64, options: &SimOptions, test: impl AsyncFnOnce(&SimServer)) {
    serving_with(
        secs,
        options,
        ServeOptions::ephemeral("admin", PASSWORD),
        test,
    )
    .await;
}

/// [`serving`] with the serve options `serve` ([`start_with`]).
pub async fn serving_with(
    secs: u64,
    options: &SimOptions,
    serve: ServeOptions,
    test: impl AsyncFnOnce(&SimServer),
) {
    within(secs, async {
        let sim = start_with(options, serve).await;
        test(&sim).await;
        sim.shutdown().await;
    })
    .await;
}

/// [`serving_with`] for 120 s, the simulator writing its changes to the log of `test_name` in
/// `family` ([`EventLog::new`]); `test` gets the simulator and the log.
pub async fn logged(
    family: &str,
    test_name: &str,
    options: &SimOptions,
    test: impl AsyncFnOnce(&SimServer, &EventLog),
) {
    let log = EventLog::new(family, test_name);
    serving_with(120, options, log.serve_options(), async |sim| {
        test(sim, &log).await;
    })
    .await;
}

/// Builds a cluster and serves it with `serve`.
pub async fn start_with(options: &SimOptions, serve: ServeOptions) -> SimServer {
    let cluster = Cluster::build(options).expect("cluster builds");
    SimServer::start(cluster, serve)
        .await
        .expect("servers start")
}

/// The change log (`--events`) of one test's simulator: a JSON-lines file in the temporary
/// directory, named after the test file's `family` and the `test`, removed when dropped.
pub struct EventLog(PathBuf);

impl EventLog {
    /// The log of `test` in `family` (unique per process).
    pub fn new(family: &str, test: &str) -> Self {
        Self(std::env::temp_dir().join(format!(
            "itl-sim-{family}-{}-{test}.jsonl",
            std::process::id()
        )))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Ephemeral-port serve options (`admin`, [`PASSWORD`]) writing to this log.
    pub fn serve_options(&self) -> ServeOptions {
        let mut options = ServeOptions::ephemeral("admin", PASSWORD);
        options.events = Some(self.0.clone());
        options
    }

    /// The events written so far.
    pub fn read(&self) -> Vec<Event> {
        parse_events(&std::fs::read_to_string(&self.0).expect("events file")).expect("events parse")
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
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

/// The Network Setup page path of Serviceability-style phones.
pub const NETWORK_SETUP: &str = "/CGI/Java/Serviceability?adapter=device.statistics.configuration";
/// The status messages page path of Serviceability-style phones.
pub const STATUS_MESSAGES: &str =
    "/CGI/Java/Serviceability?adapter=device.settings.status.messages";

/// The Network Setup page path of phone `index`'s family (DX80 and 7940/7960 use others).
pub fn network_setup_path(sim: &SimServer, index: usize) -> &'static str {
    match paths_of(sim, index) {
        Paths::Serviceability => NETWORK_SETUP,
        Paths::RomPager => "/NetworkConfiguration",
        Paths::Adapter => "/?adapter=device.statistics.configuration",
    }
}

/// The Status messages page path of phone `index`'s family.
pub fn status_messages_path(sim: &SimServer, index: usize) -> &'static str {
    match paths_of(sim, index) {
        Paths::Serviceability => STATUS_MESSAGES,
        Paths::RomPager => "/DeviceLog?0",
        Paths::Adapter => "/?adapter=device.settings.status.messages",
    }
}

fn paths_of(sim: &SimServer, index: usize) -> Paths {
    sim.handle()
        .read(|c| PageFamily::of(c.phones()[index].model).style().paths)
}

/// The Status messages page of phone `index` (it must answer 200).
pub async fn status_log(client: &reqwest::Client, sim: &SimServer, index: usize) -> String {
    get_page(client, sim, index, status_messages_path(sim, index))
        .await
        .expect("status messages page")
}

/// The value of the first field `label` of a page (labels compared as the sweep compares
/// them: any case, spaces ignored), parsed by the sweep's own field reader.
pub fn field(html: &str, label: &str) -> Option<String> {
    let key = label_key(label);
    fields(html)
        .into_iter()
        .find(|(l, _)| label_key(l) == key)
        .map(|(_, v)| v)
}

/// The ITL phone `index` holds, as upper-case MD5 hex, as its Network Setup page shows it (a
/// SHA-1 is looked up among the simulation's files); `None` when the page says none is
/// installed. For a family whose pages show no trust field, the page is checked to show none
/// and the model says what the phone holds.
pub async fn held_itl(client: &reqwest::Client, sim: &SimServer, index: usize) -> Option<String> {
    let html = get_page(client, sim, index, network_setup_path(sim, index))
        .await
        .expect("network setup page");
    let setup = parse_network_setup(html.as_bytes()).expect("a text page");
    let (shows, model) = sim.handle().read(|c| {
        let p = &c.phones()[index];
        let held = p
            .itl
            .and_then(|id| c.archive().get(id))
            .map(|f| f.md5_upper());
        (p.model.pages_show_trust(), held)
    });
    if !shows {
        assert!(!setup.trust_fields_present(), "phone {index}: {html}");
        return model;
    }
    let shown = setup.itl_hashes().first().map(|h| (*h).to_owned());
    shown.map(|h| {
        if h.len() == 32 {
            return h.to_ascii_uppercase();
        }
        sim.handle()
            .read(|c| {
                c.archive()
                    .files()
                    .iter()
                    .find(|f| hex::encode(f.sha1) == h)
                    .map(|f| f.md5_upper())
            })
            .unwrap_or_else(|| panic!("phone {index} shows an unknown SHA-1 {h}"))
    })
}

/// How fast the tests' admin-CLI client types: one keystroke every 5 ms.
pub const KEYSTROKE_DELAY: Duration = Duration::from_millis(5);

/// The admin CLI of `node` of `sim` for `admin` with `password`, at the address and with the
/// host-key pin the cluster file gives.
pub fn ssh_target(sim: &SimServer, node: usize, password: &str) -> SshTarget {
    let file = sim.cluster_file();
    let entry = &file.nodes[node];
    SshTarget {
        addr: entry.ssh_addr().expect("valid").expect("ssh address"),
        node: entry.name.clone(),
        user: "admin".into(),
        password: itl_cucm::secrets::Secret::new(password),
        host_key: HostKeyPin::parse(entry.ssh_host_key_sha256.as_deref().expect("pin"))
            .expect("pin parses"),
    }
}

/// The tests' admin-CLI client options: [`KEYSTROKE_DELAY`], 10 s to reach the prompt.
pub fn ssh_options() -> SshOptions {
    let mut o = SshOptions::default();
    o.shell.keystroke_delay = KEYSTROKE_DELAY;
    o.shell.startup_budget = Duration::from_secs(10);
    o
}

/// The real admin-CLI client logged in to `node` of `sim` as `admin` with [`PASSWORD`]
/// ([`ssh_target`], [`ssh_options`]).
pub async fn admin_session(sim: &SimServer, node: usize) -> AdminSession {
    AdminCli::connect(&ssh_target(sim, node, PASSWORD), &ssh_options())
        .await
        .expect("connects")
}
