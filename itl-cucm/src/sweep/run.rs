//! The async runner: fetch each TFTP node's reference lists (archiving every file), then read
//! every phone's pages with bounded concurrency (`buffer_unordered`), classify, and assemble the
//! report.
//!
//! Per phone: the Network Setup page, then (when it parsed) the Status messages page, each
//! with the page client's connect and total timeouts and body cap, retried once after a
//! network error. Phones RisPort reports as unregistered or with `Httpd` = No are not
//! contacted. When the [`CancelSignal`] fires (Ctrl-C), in-flight requests are dropped and the
//! report is written with every unvisited phone `not-scanned`; every phone of the inventory
//! appears exactly once either way.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use itl_core::checksum::Checksums;
use itl_core::verify::{VerifyOptions, verify};
use itl_core::{TrustList, UnixTime};
use tokio::sync::watch;

use crate::cluster_file::{ClusterFile, ClusterFileError};
use crate::fetch::{FetchError, FetchOptions, FetchOutcome, Fetcher, Transport, TrustServer};
use crate::http::{HttpClient, HttpError, HttpOptions};
use itl_core::cucm::{ClusterSecurityMode, ListKind, Mac, PhoneState};

use super::archive::Archive;
use super::classify::{
    Observation, Reference, ReferenceFile, References, WebResult, classify, host_of,
};
use super::inventory::InventoryPhone;
use super::page::{
    NETWORK_SETUP_PATH, PhoneTime, STATUS_MESSAGES_PATH, parse_network_setup, parse_status_messages,
};
use super::report::{
    ClusterFacts, ListFacts, PhoneRecord, ReferenceFacts, SCHEMA_VERSION, Summary, SweepReport,
};

/// Settings of a sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepOptions {
    /// Phones read at the same time.
    pub concurrency: usize,
    /// The phone page client: connect timeout, total timeout per request, body cap.
    pub page: HttpOptions,
    /// Retries after a network error (per page).
    pub retries: u32,
    /// Pause before a retry.
    pub retry_delay: Duration,
    /// The reference-list client (TFTP and HTTP 6970).
    pub fetch: FetchOptions,
    /// Also fetch each phone's `ITLSEP<MAC>.tlv` (archived; it becomes that phone's reference).
    pub per_phone_files: bool,
    /// How far the phones' clocks (the times on their status pages) are ahead of UTC, in
    /// seconds (`-18000` for UTC−5); `None` when unknown, which widens the margin by the full
    /// range of time zones (UTC−12 to UTC+14). See [`boot_floor`].
    pub phone_utc_offset: Option<i32>,
    /// How long before its registration (RisPort `TimeStamp`) a phone's boot may have started:
    /// the trust-list messages of that boot are logged before it registers.
    pub boot_window: Duration,
}

impl Default for SweepOptions {
    /// 64 phones at a time; pages: 3 s to connect, 10 s in total, 1 MiB; one retry after
    /// 250 ms; default fetch settings; no per-phone files; phone clocks in an unknown zone;
    /// boots take at most 5 minutes before registering.
    fn default() -> Self {
        Self {
            concurrency: 64,
            page: HttpOptions {
                connect_timeout: Duration::from_secs(3),
                timeout: Duration::from_secs(10),
                max_size: 1 << 20,
            },
            retries: 1,
            retry_delay: Duration::from_millis(250),
            fetch: FetchOptions::default(),
            per_phone_files: false,
            phone_utc_offset: None,
            boot_window: Duration::from_secs(300),
        }
    }
}

impl SweepOptions {
    /// The longest one phone can take: both pages with their retries (and the per-phone ITL
    /// when asked), each request bounded by the page timeout. [`run_sweep`] gives up on a
    /// phone after this long (`unreachable`), so a sweep of `n` phones takes at most the
    /// reference fetch plus `ceil(n / concurrency)` times this.
    pub fn phone_deadline(&self) -> Duration {
        let attempts = self.retries.saturating_add(1);
        let page = self
            .page
            .timeout
            .saturating_mul(attempts)
            .saturating_add(self.retry_delay.saturating_mul(self.retries));
        let mut total = page.saturating_mul(2);
        if self.per_phone_files {
            total = total.saturating_add(self.fetch.http.timeout.max(self.fetch.tftp.deadline));
        }
        // Scheduling slack, so the page timeouts decide in the normal case.
        total.saturating_add(Duration::from_millis(500))
    }
}

/// Seconds in the time-zone range phones may be set to: UTC−12 to UTC+14.
const ZONE_MIN: i64 = -12 * 3600;

/// The earliest time, by the phone's clock, its last boot can have started: its registration
/// time from RisPort (`since`, Unix seconds UTC) minus the boot window, moved into the phone's
/// clock by `utc_offset` (seconds ahead of UTC). With the offset unknown the earliest zone
/// (UTC−12) is assumed, so a message is only taken as older than the boot when it is in every
/// zone. `None` when RisPort gave no time.
pub fn boot_floor(
    since: Option<u64>,
    boot_window: Duration,
    utc_offset: Option<i32>,
) -> Option<PhoneTime> {
    let since = i64::try_from(since.filter(|&s| s > 0)?).ok()?;
    let window = i64::try_from(boot_window.as_secs()).unwrap_or(i64::MAX);
    let offset = utc_offset.map_or(ZONE_MIN, i64::from);
    Some(PhoneTime {
        secs: since.saturating_sub(window).saturating_add(offset),
    })
}

/// A TFTP node to take reference lists from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TftpNode {
    /// Name (the cluster file's node name, or the host for inventory servers).
    pub name: String,
    /// Names and addresses phones may show for it.
    pub hosts: Vec<String>,
    /// Where and how to fetch.
    pub server: TrustServer,
}

/// Reads a TFTP server as a CSV or a person writes it: `host` (with `transport` on the
/// standard ports), `host:port` (TFTP on that port), `tftp://host[:port]` or
/// `http://host[:port]` (HTTP, 6970 by default). `None` for an empty or malformed value.
pub fn parse_server(text: &str, transport: Transport) -> Option<TrustServer> {
    let text = text.trim().trim_end_matches('/');
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) => (Some(s.to_ascii_lowercase()), r),
        None => (None, text),
    };
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':').map(str::parse::<u16>))
    } else if rest.matches(':').count() == 1 {
        let (h, p) = rest.split_once(':')?;
        (h, Some(p.parse::<u16>()))
    } else {
        (rest, None)
    };
    if host.is_empty() || host.contains(['/', ' ']) {
        return None;
    }
    let port = match port {
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => return None,
        None => None,
    };
    let mut server = TrustServer::tftp(host);
    match scheme.as_deref() {
        Some("http") => {
            server.transport = Transport::Http;
            server.http_port = port.unwrap_or(TrustServer::HTTP_PORT);
        }
        Some("tftp") => server.tftp_port = port.unwrap_or(TrustServer::TFTP_PORT),
        Some(_) => return None,
        None => match port {
            Some(p) => server.tftp_port = p,
            None => server.transport = transport,
        },
    }
    Some(server)
}

/// The TFTP nodes of a cluster file, fetched with `transport`.
pub fn tftp_nodes_of(
    cluster: &ClusterFile,
    transport: Transport,
) -> Result<Vec<TftpNode>, ClusterFileError> {
    let mut out = Vec::new();
    for node in cluster.tftp_nodes() {
        if let Some(server) = node.trust_server(transport)? {
            out.push(TftpNode {
                name: node.name.clone(),
                hosts: vec![node.name.clone(), node.address.clone(), server.host.clone()],
                server,
            });
        }
    }
    Ok(out)
}

/// Adds a node for every inventory TFTP server that no node in `nodes` answers for.
pub fn add_inventory_servers(
    nodes: &mut Vec<TftpNode>,
    phones: &[InventoryPhone],
    transport: Transport,
) {
    for p in phones {
        let Some(text) = p.tftp_server.as_deref() else {
            continue;
        };
        let host = host_of(text);
        if host.is_empty()
            || nodes
                .iter()
                .any(|n| n.hosts.iter().any(|h| host_of(h) == host))
        {
            continue;
        }
        if let Some(server) = parse_server(text, transport) {
            nodes.push(TftpNode {
                name: host.clone(),
                hosts: vec![host],
                server,
            });
        }
    }
}

/// What to sweep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepPlan {
    /// Facts about the cluster for the report.
    pub cluster: ClusterFacts,
    /// The phones, in report order.
    pub phones: Vec<InventoryPhone>,
    /// Where the reference lists come from.
    pub tftp_nodes: Vec<TftpNode>,
    /// Warnings carried into the report (discovery gaps).
    pub warnings: Vec<String>,
}

/// Live notifications of a sweep (progress display).
pub trait SweepObserver: Send + Sync {
    /// The reference lists were fetched.
    fn references(&self, _facts: &[ReferenceFacts]) {}
    /// Phone scanning starts.
    fn started(&self, _phones: usize) {}
    /// One phone is done.
    fn phone_done(&self, _record: &PhoneRecord) {}
    /// Scanning ended (finished or interrupted).
    fn finished(&self) {}
}

/// An observer that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl SweepObserver for Quiet {}

/// An indicatif progress bar on stderr with live counts per state; hidden when stderr is not
/// a terminal (or when asked).
#[derive(Debug)]
pub struct ProgressBarObserver {
    bar: indicatif::ProgressBar,
    counts: Mutex<BTreeMap<PhoneState, usize>>,
}

impl ProgressBarObserver {
    /// A bar, shown only when `show` and stderr is a terminal.
    pub fn new(show: bool) -> Self {
        let bar = indicatif::ProgressBar::hidden();
        if show && std::io::stderr().is_terminal() {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
        ) {
            bar.set_style(style);
        }
        Self {
            bar,
            counts: Mutex::new(BTreeMap::new()),
        }
    }
}

impl SweepObserver for ProgressBarObserver {
    fn references(&self, facts: &[ReferenceFacts]) {
        let ok = facts.iter().filter(|f| f.itl.is_some()).count();
        self.bar.println(format!(
            "reference lists: ITL from {ok} of {} TFTP node(s)",
            facts.len()
        ));
    }

    fn started(&self, phones: usize) {
        self.bar.set_length(phones as u64);
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn phone_done(&self, record: &PhoneRecord) {
        let text = {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            *counts.entry(record.state).or_default() += 1;
            counts
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        self.bar.set_message(text);
        self.bar.inc(1);
    }

    fn finished(&self) {
        self.bar.finish_and_clear();
    }
}

/// Sets off a [`CancelSignal`].
#[derive(Debug)]
pub struct CancelHandle {
    tx: watch::Sender<bool>,
}

impl CancelHandle {
    /// Stops the sweep: it writes what it has, unvisited phones `not-scanned`.
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }
}

/// Tells a sweep to stop (Ctrl-C).
#[derive(Clone, Debug)]
pub struct CancelSignal {
    rx: Option<watch::Receiver<bool>>,
}

/// A connected handle and signal.
pub fn cancel_pair() -> (CancelHandle, CancelSignal) {
    let (tx, rx) = watch::channel(false);
    (CancelHandle { tx }, CancelSignal { rx: Some(rx) })
}

impl CancelSignal {
    /// A signal that never fires.
    pub fn never() -> Self {
        Self { rx: None }
    }

    /// Whether it fired.
    pub fn is_cancelled(&self) -> bool {
        self.rx.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Completes when it fires (never, when the handle is dropped unfired).
    pub async fn cancelled(&self) {
        let Some(rx) = &self.rx else {
            return std::future::pending().await;
        };
        let mut rx = rx.clone();
        loop {
            if *rx.borrow_and_update() {
                return;
            }
            if rx.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }
}

/// A sweep that could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The phone page client could not be built.
    #[error("cannot build the phone page client: {0}")]
    PageClient(#[source] HttpError),
    /// The reference-list client could not be built.
    #[error("cannot build the TFTP/HTTP client: {0}")]
    FetchClient(#[source] FetchError),
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Facts about a served file: hashes, signer, records, signature and findings.
pub fn list_facts(name: &str, bytes: &[u8], now: u64) -> ListFacts {
    let sums = Checksums::of(bytes);
    let (signer, records, signature_valid, findings) = match TrustList::parse(bytes) {
        Ok(list) => {
            let report = verify(&list, &VerifyOptions::new(UnixTime::from_secs_u64(now)));
            (
                list.header().signer_name.map(|t| t.lossy().into_owned()),
                list.records().len(),
                Some(report.signature.valid),
                report
                    .findings
                    .iter()
                    .map(|f| f.code.name().to_owned())
                    .collect(),
            )
        }
        Err(_) => (None, 0, None, vec!["parse-error".to_owned()]),
    };
    ListFacts {
        name: name.to_owned(),
        size: bytes.len() as u64,
        md5: hex(&sums.md5),
        sha1: hex(&sums.sha1),
        sha256: hex(&sums.sha256),
        signer,
        records,
        signature_valid,
        findings,
    }
}

struct Shared<'a> {
    archive: Mutex<&'a mut Archive>,
    warnings: Mutex<Vec<String>>,
    now: u64,
}

impl Shared<'_> {
    fn archive(&self, bytes: &[u8], node: &str, name: &str) {
        let mut archive = self.archive.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = archive.add(bytes, node, name, self.now) {
            drop(archive);
            self.warn(format!("archive: {e}"));
        }
    }

    fn warn(&self, text: String) {
        let mut w = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
        if !w.contains(&text) {
            w.push(text);
        }
    }
}

/// Fetches every node's reference lists (CTL, ITL), archives them and returns the references
/// and their facts, in node order.
async fn fetch_references(
    nodes: &[TftpNode],
    fetcher: &Fetcher,
    shared: &Shared<'_>,
) -> (References, Vec<ReferenceFacts>) {
    let sets = futures::future::join_all(
        nodes
            .iter()
            .map(|n| fetcher.fetch_trust_files(&n.server, None)),
    )
    .await;
    let mut references = References::default();
    let mut facts = Vec::new();
    for (node, set) in nodes.iter().zip(sets) {
        let mut reference = Reference {
            node: node.name.clone(),
            hosts: node.hosts.clone(),
            ..Reference::default()
        };
        let mut fact = ReferenceFacts {
            node: node.name.clone(),
            server: node.server.to_string(),
            itl: None,
            ctl: None,
            error: None,
        };
        let mut errors = Vec::new();
        for kind in [ListKind::Ctl, ListKind::Itl] {
            let file = match kind {
                ListKind::Ctl => set.ctl(),
                ListKind::Itl => set.itl(),
            };
            match file.map(|f| (&f.name, &f.outcome)) {
                Some((name, FetchOutcome::Fetched(bytes))) => {
                    shared.archive(bytes, &node.name, name);
                    let list = list_facts(name, bytes, shared.now);
                    let file = ReferenceFile::of(name, bytes);
                    match kind {
                        ListKind::Ctl => {
                            reference.ctl = Some(file);
                            reference.ctl_known = true;
                            fact.ctl = Some(list);
                        }
                        ListKind::Itl => {
                            reference.itl = Some(file);
                            fact.itl = Some(list);
                        }
                    }
                }
                Some((name, FetchOutcome::NotFound)) => match kind {
                    ListKind::Ctl => reference.ctl_known = true,
                    ListKind::Itl => errors.push(format!("{name} not served")),
                },
                Some((_, FetchOutcome::Failed(e))) => errors.push(e.to_string()),
                None if kind == ListKind::Itl && errors.is_empty() => {
                    errors.push("ITLFile.tlv not asked (server unreachable)".into())
                }
                None => {}
            }
        }
        if !errors.is_empty() {
            let text = errors.join("; ");
            reference.error = Some(text.clone());
            fact.error = Some(text);
        }
        references.nodes.push(reference);
        facts.push(fact);
    }
    (references, facts)
}

/// `http://address/path`, bracketing a bare IPv6 address.
fn page_url(address: &str, path: &str) -> String {
    let a = address.trim();
    if a.matches(':').count() > 1 && !a.starts_with('[') {
        format!("http://[{a}]{path}")
    } else {
        format!("http://{a}{path}")
    }
}

/// Whether an I/O error of `kind` is somewhere in the error chain.
fn has_io_kind(error: &HttpError, kinds: &[std::io::ErrorKind]) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && kinds.contains(&io.kind())
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// Maps a page error to what it means for the phone, and whether to retry.
fn web_error(error: &HttpError) -> (WebResult, bool) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    let text = error.to_string();
    let refused = has_io_kind(
        error,
        &[ConnectionRefused, ConnectionReset, ConnectionAborted],
    ) || text.contains("refused")
        || text.contains("reset by peer");
    match error {
        HttpError::Connect { .. } | HttpError::Transfer { .. } if refused => {
            (WebResult::Refused { error: text }, true)
        }
        HttpError::Connect { .. } | HttpError::Transfer { .. } | HttpError::Timeout { .. } => {
            (WebResult::Unreachable { error: text }, true)
        }
        _ => (
            WebResult::BadAnswer {
                http_status: error.status(),
                error: text,
            },
            false,
        ),
    }
}

/// GETs a phone page with the retry policy; `last`: the phone's last request (its connection
/// is closed afterwards rather than kept idle in the pool).
async fn get_page(
    client: &HttpClient,
    url: &str,
    options: &SweepOptions,
    last: bool,
) -> Result<Vec<u8>, WebResult> {
    let mut attempt = 0;
    loop {
        let answer = if last {
            client.get_closing(url).await
        } else {
            client.get(url).await
        };
        match answer {
            Ok(body) => return Ok(body),
            Err(e) => {
                let (result, retry) = web_error(&e);
                if retry && attempt < options.retries {
                    attempt += 1;
                    tokio::time::sleep(options.retry_delay).await;
                    continue;
                }
                return Err(result);
            }
        }
    }
}

struct Context<'a, 'b> {
    client: HttpClient,
    fetcher: Fetcher,
    options: &'a SweepOptions,
    references: References,
    servers: BTreeMap<String, TrustServer>,
    shared: &'a Shared<'b>,
}

async fn read_pages(phone: &InventoryPhone, ctx: &Context<'_, '_>) -> WebResult {
    if let Some(reg) = &phone.registration
        && (!reg.registered || reg.httpd == Some(false))
    {
        // Decided by registration; not contacted.
        return WebResult::NotScanned;
    }
    let Some(address) = phone.address.as_deref().filter(|a| !a.trim().is_empty()) else {
        return WebResult::NoAddress;
    };
    let body = match get_page(
        &ctx.client,
        &page_url(address, NETWORK_SETUP_PATH),
        ctx.options,
        false,
    )
    .await
    {
        Ok(body) => body,
        Err(result) => return result,
    };
    let setup = match parse_network_setup(&body) {
        Ok(setup) => setup,
        Err(e) => {
            return WebResult::Unparseable {
                error: e.to_string(),
                excerpt: e.excerpt().to_owned(),
            };
        }
    };
    let messages = match get_page(
        &ctx.client,
        &page_url(address, STATUS_MESSAGES_PATH),
        ctx.options,
        true,
    )
    .await
    {
        Ok(body) => parse_status_messages(&body).map_err(|e| e.to_string()),
        Err(WebResult::Refused { error } | WebResult::Unreachable { error })
        | Err(WebResult::BadAnswer { error, .. }) => Err(error),
        Err(_) => Err("not read".to_owned()),
    };
    WebResult::Parsed { setup, messages }
}

async fn per_phone_itl(
    phone: &InventoryPhone,
    web: &WebResult,
    ctx: &Context<'_, '_>,
) -> Option<ReferenceFile> {
    let WebResult::Parsed { setup, .. } = web else {
        return None;
    };
    let server_text = setup
        .tftp_server_1
        .as_deref()
        .or(phone.tftp_server.as_deref())?;
    let reference = ctx.references.for_server(server_text)?;
    let server = ctx.servers.get(&reference.node)?;
    let mac: Mac = phone.name.parse().ok()?;
    let name = ListKind::Itl.device_file(&mac);
    match ctx.fetcher.fetch_file(server, &name).await {
        Ok(bytes) => {
            ctx.shared.archive(&bytes, &reference.node, &name);
            Some(ReferenceFile::of(&name, &bytes))
        }
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            ctx.shared
                .warn(format!("{name} from {}: {e}", reference.node));
            None
        }
    }
}

async fn scan_phone(phone: &InventoryPhone, ctx: &Context<'_, '_>) -> PhoneRecord {
    let deadline = ctx.options.phone_deadline();
    let read = async {
        let web = read_pages(phone, ctx).await;
        let per_phone = if ctx.options.per_phone_files {
            per_phone_itl(phone, &web, ctx).await
        } else {
            None
        };
        (web, per_phone)
    };
    let (web, per_phone) = match tokio::time::timeout(deadline, read).await {
        Ok(read) => read,
        Err(_) => (
            WebResult::Unreachable {
                error: format!(
                    "no answer within the phone's deadline of {:.1} s",
                    deadline.as_secs_f64()
                ),
            },
            None,
        ),
    };
    let obs = Observation {
        registration: phone.registration.clone(),
        web,
        inventory_tftp: phone.tftp_server.clone(),
        per_phone_itl: per_phone,
        last_boot: boot_floor(
            phone.registration.as_ref().and_then(|r| r.since),
            ctx.options.boot_window,
            ctx.options.phone_utc_offset,
        ),
    };
    let verdict = {
        let archive = ctx.shared.archive.lock().unwrap_or_else(|p| p.into_inner());
        classify(&obs, &ctx.references, &archive)
    };
    record(phone, verdict.state, verdict.evidence)
}

fn record(
    phone: &InventoryPhone,
    state: PhoneState,
    evidence: super::classify::Evidence,
) -> PhoneRecord {
    PhoneRecord {
        name: phone.name.clone(),
        address: phone.address.clone(),
        model: phone.model.clone(),
        device_pool: phone.device_pool.clone(),
        tftp_server: evidence
            .tftp_server
            .clone()
            .or_else(|| phone.tftp_server.clone()),
        security_profile: phone.security_profile.clone(),
        security_mode: phone.security_mode,
        state,
        evidence,
    }
}

/// Runs a sweep: reference lists first, then every phone. Returns a report with one record
/// per phone of `plan.phones`, in that order; `complete` is false when `cancel` fired.
pub async fn run_sweep(
    plan: SweepPlan,
    archive: &mut Archive,
    options: &SweepOptions,
    observer: &dyn SweepObserver,
    cancel: CancelSignal,
) -> Result<SweepReport, SweepError> {
    let client = HttpClient::new(options.page.clone()).map_err(SweepError::PageClient)?;
    let fetcher = Fetcher::new(options.fetch.clone()).map_err(SweepError::FetchClient)?;
    let started = now_secs();
    let shared = Shared {
        archive: Mutex::new(archive),
        warnings: Mutex::new(plan.warnings.clone()),
        now: started,
    };
    let mut complete = true;
    let (references, reference_facts) = tokio::select! {
        r = fetch_references(&plan.tftp_nodes, &fetcher, &shared) => r,
        _ = cancel.cancelled() => {
            complete = false;
            (References::default(), Vec::new())
        }
    };
    observer.references(&reference_facts);
    let mut cluster = plan.cluster.clone();
    if cluster.security_mode.is_none()
        && !references.nodes.is_empty()
        && references.nodes.iter().all(|r| r.ctl_known)
    {
        cluster.security_mode = Some(if references.mixed() {
            ClusterSecurityMode::Mixed
        } else {
            ClusterSecurityMode::NonSecure
        });
    }
    let ctx = Context {
        client,
        fetcher,
        options,
        references,
        servers: plan
            .tftp_nodes
            .iter()
            .map(|n| (n.name.clone(), n.server.clone()))
            .collect(),
        shared: &shared,
    };
    let mut results: Vec<Option<PhoneRecord>> = vec![None; plan.phones.len()];
    if complete {
        observer.started(plan.phones.len());
        let ctx = &ctx;
        let mut stream = futures::stream::iter(
            plan.phones
                .iter()
                .enumerate()
                .map(|(i, p)| async move { (i, scan_phone(p, ctx).await) }),
        )
        .buffer_unordered(options.concurrency.max(1));
        loop {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => {
                    complete = false;
                    break;
                }
                next = stream.next() => match next {
                    Some((i, rec)) => {
                        observer.phone_done(&rec);
                        if let Some(slot) = results.get_mut(i) {
                            *slot = Some(rec);
                        }
                    }
                    None => break,
                },
            }
        }
        observer.finished();
    }
    let phones: Vec<PhoneRecord> = plan
        .phones
        .iter()
        .zip(results)
        .map(|(p, r)| {
            r.unwrap_or_else(|| {
                let mut evidence = super::classify::Evidence::default();
                if let Some(reg) = &p.registration {
                    evidence.registration = Some(reg.status.clone());
                }
                record(p, PhoneState::NotScanned, evidence)
            })
        })
        .collect();
    drop(ctx);
    let warnings = shared
        .warnings
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    Ok(SweepReport {
        schema: SCHEMA_VERSION,
        tool: concat!("itl ", env!("CARGO_PKG_VERSION")).to_owned(),
        started: UnixTime::from_secs_u64(started).to_rfc3339(),
        finished: UnixTime::from_secs_u64(now_secs()).to_rfc3339(),
        complete,
        cluster,
        references: reference_facts,
        summary: Summary::of(&phones),
        phones,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_as_written() {
        let s = parse_server("127.0.1.1", Transport::Http).expect("host");
        assert_eq!(s.to_string(), "http://127.0.1.1:6970");
        assert_eq!(
            parse_server("127.0.1.1", Transport::Tftp)
                .expect("host")
                .to_string(),
            "tftp://127.0.1.1:69"
        );
        assert_eq!(
            parse_server("127.0.1.1:1069", Transport::Http)
                .expect("port")
                .to_string(),
            "tftp://127.0.1.1:1069"
        );
        assert_eq!(
            parse_server("http://ucm-pub:16970/", Transport::Tftp)
                .expect("url")
                .to_string(),
            "http://ucm-pub:16970"
        );
        assert_eq!(
            parse_server("tftp://[::1]:69", Transport::Http)
                .expect("v6")
                .to_string(),
            "tftp://[::1]:69"
        );
        assert_eq!(
            parse_server("::1", Transport::Http)
                .expect("bare v6")
                .to_string(),
            "http://[::1]:6970"
        );
        for bad in ["", "ftp://x", "x:y", "http://", "a b"] {
            assert_eq!(parse_server(bad, Transport::Http), None, "{bad:?}");
        }
    }

    #[test]
    fn inventory_servers_are_added_once() {
        let mut nodes = vec![TftpNode {
            name: "ucm-pub".into(),
            hosts: vec!["ucm-pub".into(), "127.0.1.1".into()],
            server: TrustServer::http("127.0.1.1"),
        }];
        let phone = |t: &str| InventoryPhone {
            name: "x".into(),
            tftp_server: Some(t.into()),
            ..InventoryPhone::default()
        };
        add_inventory_servers(
            &mut nodes,
            &[
                phone("127.0.1.1"),
                phone("http://127.0.1.2:7000"),
                phone("127.0.1.2"),
                phone(""),
            ],
            Transport::Http,
        );
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[1].name, "127.0.1.2");
        assert_eq!(nodes[1].server.to_string(), "http://127.0.1.2:7000");
    }

    #[test]
    fn boot_floor_by_zone() {
        let w = Duration::from_secs(300);
        let at = |secs| Some(PhoneTime { secs });
        assert_eq!(boot_floor(Some(1_000_000), w, Some(0)), at(999_700));
        assert_eq!(boot_floor(Some(1_000_000), w, Some(-18_000)), at(981_700));
        assert_eq!(boot_floor(Some(1_000_000), w, Some(3_600)), at(1_003_300));
        // Unknown zone: the earliest (UTC-12).
        assert_eq!(boot_floor(Some(1_000_000), w, None), at(956_500));
        assert_eq!(boot_floor(None, w, Some(0)), None);
        assert_eq!(boot_floor(Some(0), w, Some(0)), None);
    }

    #[test]
    fn phone_deadline_covers_both_pages_and_retries() {
        let o = SweepOptions::default();
        // 2 pages x (2 x 10 s + 250 ms) + 500 ms.
        assert_eq!(o.phone_deadline(), Duration::from_millis(41_000));
        let mut none = o.clone();
        none.retries = 0;
        assert_eq!(none.phone_deadline(), Duration::from_millis(20_500));
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url("127.1.0.1:8080", "/x"), "http://127.1.0.1:8080/x");
        assert_eq!(page_url("::1", "/x"), "http://[::1]/x");
        assert_eq!(page_url("[::1]:80", "/x"), "http://[::1]:80/x");
    }

    #[tokio::test]
    async fn cancel_signal() {
        let (handle, signal) = cancel_pair();
        assert!(!signal.is_cancelled());
        let waiter = tokio::spawn({
            let s = signal.clone();
            async move { s.cancelled().await }
        });
        handle.cancel();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("fires")
            .expect("joins");
        assert!(signal.is_cancelled());
        let never = CancelSignal::never();
        assert!(
            tokio::time::timeout(Duration::from_millis(20), never.cancelled())
                .await
                .is_err()
        );
    }
}
