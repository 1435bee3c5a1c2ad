//! The runner: fetch each TFTP node's reference lists (archiving every file), then read
//! every phone's pages with bounded concurrency (`buffer_unordered`), classify, and assemble the
//! report.
//!
//! Per phone: the Network Setup page, then (when it parsed) the Status messages page, each
//! with the page client's connect and total timeouts and body cap, retried once after a
//! network error. Layouts with other paths are followed through their links
//! ([`super::page::page_links`]): when the usual Network Setup path answers 404 (DX-series
//! `/?adapter=…`, 7940-era `/NetworkConfiguration`), the home page `/` names the pages; when
//! the Network Setup page shows no trust field and links a Security information page
//! (DX-series), that page is read too; the Status messages page is the one the pages link.
//! At most [`PAGES_PER_PHONE`](super::options::PAGES_PER_PHONE) requests per phone. Phones
//! RisPort reports as unregistered or with `Httpd` = No are not contacted. When the [`CancelSignal`] fires (Ctrl-C), in-flight requests are dropped and the
//! report is written with every unvisited phone `not-scanned`; every phone of the inventory
//! appears exactly once either way.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use itl_core::cucm::{ClusterSecurityMode, ListKind, Mac, PhoneState};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::fetch::{FetchError, Fetcher, TrustServer};
use crate::http::{HttpClient, HttpError};

use super::cancel::CancelSignal;
use super::classify::{Evidence, Observation, ReferenceFile, References, WebResult, classify};
use super::clock::{boot_floor, now_secs};
use super::feed::{FeedEvent, PhoneFeed};
use super::inventory::InventoryPhone;
use super::observer::SweepObserver;
use super::options::SweepOptions;
use super::page::{
    DEVICE_INFORMATION_X_PATH, DeviceInfo, HOME_PATH, NETWORK_SETUP_PATH, PageKind, PageLink,
    PhoneTime, STATUS_MESSAGES_PATH, excerpt, link_of, page_links, parse_device_information_x,
    parse_network_setup, parse_status_messages,
};
use super::plan::SweepPlan;
use super::references::fetch_references;
use super::report::{PhoneRecord, SCHEMA_VERSION, Summary, SweepReport};
use super::schedule::{Outcome, Pass, Schedule};
use itl_wire::archive::Archive;

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

struct Shared<'a> {
    archive: Mutex<&'a mut Archive>,
    warnings: Mutex<Vec<String>>,
    now: u64,
    /// The swept cluster's name: every file archived records it.
    cluster: Option<String>,
}

impl Shared<'_> {
    fn archive(&self, bytes: &[u8], node: &str, name: &str) {
        let mut archive = self.archive.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = archive.add(bytes, self.cluster.as_deref(), node, name, self.now) {
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

/// How one read of one phone goes: the timeout per request, immediate retries per page, and
/// the phone's concurrency slot, given up while a request waits (the phone is then counted
/// among the waiting ones only).
struct Attempt {
    timeout: Duration,
    retries: u32,
    retry_delay: Duration,
    park_after: Duration,
    slot: Mutex<Option<OwnedSemaphorePermit>>,
    network_error: AtomicBool,
}

impl Attempt {
    fn new(pass: Pass, options: &SweepOptions) -> Self {
        let (timeout, retries) = match pass {
            // A retry follows at the end of the sweep: a shorter first read, no retry now.
            Pass::First if options.retries > 0 => {
                (options.first_attempt_timeout.min(options.page.timeout), 0)
            }
            Pass::First => (options.page.timeout, 0),
            Pass::Retry => (options.page.timeout, options.retries.saturating_sub(1)),
        };
        Self {
            timeout,
            retries,
            retry_delay: options.retry_delay,
            park_after: options.park_after,
            slot: Mutex::new(None),
            network_error: AtomicBool::new(false),
        }
    }

    fn holds_slot(&self) -> bool {
        self.slot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Awaits `request`; past `park_after` the phone gives up its concurrency slot.
    async fn wait<F: Future>(&self, request: F) -> F::Output {
        let mut request = std::pin::pin!(request);
        if self.holds_slot() {
            tokio::select! {
                biased;
                answer = &mut request => return answer,
                () = tokio::time::sleep(self.park_after) => {
                    self.slot.lock().unwrap_or_else(|p| p.into_inner()).take();
                }
            }
        }
        request.await
    }

    fn saw_network_error(&self) {
        self.network_error.store(true, Ordering::Relaxed);
    }
}

/// GETs a phone page with the attempt's timeout and retries; `last`: the phone's last request
/// (its connection is closed afterwards rather than kept idle in the pool).
async fn get_page(
    client: &HttpClient,
    url: &str,
    attempt: &Attempt,
    last: bool,
) -> Result<Vec<u8>, WebResult> {
    let mut tries = 0;
    loop {
        let request = async {
            if last {
                client.get_closing(url).await
            } else {
                client.get(url).await
            }
        };
        let answer = match attempt
            .wait(tokio::time::timeout(attempt.timeout, request))
            .await
        {
            Ok(answer) => answer,
            Err(_elapsed) => Err(HttpError::Timeout {
                url: url.to_owned(),
                after: attempt.timeout,
            }),
        };
        match answer {
            Ok(body) => return Ok(body),
            Err(e) => {
                let (result, retry) = web_error(&e);
                if retry && tries < attempt.retries {
                    tries += 1;
                    tokio::time::sleep(attempt.retry_delay).await;
                    continue;
                }
                if retry {
                    attempt.saw_network_error();
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

/// What a phone's pages gave: the trust state's observation, and what the phone says about
/// itself (`/DeviceInformationX`, read only when AXL/RisPort gave no model or firmware).
async fn read_pages(
    phone: &InventoryPhone,
    ctx: &Context<'_, '_>,
    attempt: &Attempt,
) -> (WebResult, Option<DeviceInfo>) {
    let web = read_trust_pages(phone, ctx, attempt).await;
    let known = phone.model.is_some()
        && phone
            .registration
            .as_ref()
            .is_some_and(|r| r.firmware.is_some());
    let device = match (&web, phone.address.as_deref()) {
        (WebResult::Parsed { .. }, Some(address)) if !known => get_page(
            &ctx.client,
            &page_url(address, DEVICE_INFORMATION_X_PATH),
            attempt,
            false,
        )
        .await
        .ok()
        .and_then(|body| parse_device_information_x(&body).ok()),
        _ => None,
    };
    (web, device)
}

async fn read_trust_pages(
    phone: &InventoryPhone,
    ctx: &Context<'_, '_>,
    attempt: &Attempt,
) -> WebResult {
    if let Some(reg) = &phone.registration
        && (!reg.registered || reg.httpd == Some(false))
    {
        // Decided by registration; not contacted.
        return WebResult::NotScanned;
    }
    let Some(address) = phone.address.as_deref().filter(|a| !a.trim().is_empty()) else {
        return WebResult::NoAddress;
    };
    let (body, mut links) = match network_setup_page(address, ctx, attempt).await {
        Ok(found) => found,
        Err(result) => return result,
    };
    let mut setup = match parse_network_setup(&body) {
        Ok(setup) => setup,
        Err(e) => {
            return WebResult::Unparseable {
                error: e.to_string(),
                excerpt: e.excerpt().to_owned(),
            };
        }
    };
    links.extend(page_links(&String::from_utf8_lossy(&body)));
    // DX-series phones keep security data on a page of its own.
    if !setup.trust_fields_present()
        && let Some(security) = link_of(&links, PageKind::Security)
        && let Ok(page) = get_page(
            &ctx.client,
            &page_url(address, &security.path),
            attempt,
            false,
        )
        .await
        && let Ok(more) = parse_network_setup(&page)
    {
        setup.merge(more);
    }
    if !setup.any_field_present() {
        // A login page, an error page, another device: not a Network Setup page.
        return WebResult::Unparseable {
            error: "the page shows no Network Setup field at all".into(),
            excerpt: excerpt(&body),
        };
    }
    let status_path =
        link_of(&links, PageKind::StatusMessages).map_or(STATUS_MESSAGES_PATH, |l| l.path.as_str());
    let messages = match get_page(&ctx.client, &page_url(address, status_path), attempt, true).await
    {
        Ok(body) => parse_status_messages(&body).map_err(|e| e.to_string()),
        Err(WebResult::Refused { error } | WebResult::Unreachable { error })
        | Err(WebResult::BadAnswer { error, .. }) => Err(error),
        Err(_) => Err("not read".to_owned()),
    };
    WebResult::Parsed { setup, messages }
}

/// The Network Setup page's body and the links seen on the way: the usual path, or, when
/// that answers 404, the page the home page links as Network Setup / Network Configuration.
/// Without such a link the 404 stands.
async fn network_setup_page(
    address: &str,
    ctx: &Context<'_, '_>,
    attempt: &Attempt,
) -> Result<(Vec<u8>, Vec<PageLink>), WebResult> {
    let missing = match get_page(
        &ctx.client,
        &page_url(address, NETWORK_SETUP_PATH),
        attempt,
        false,
    )
    .await
    {
        Ok(body) => return Ok((body, Vec::new())),
        Err(
            missing @ WebResult::BadAnswer {
                http_status: Some(404),
                ..
            },
        ) => missing,
        Err(other) => return Err(other),
    };
    let Ok(home) = get_page(&ctx.client, &page_url(address, HOME_PATH), attempt, false).await
    else {
        return Err(missing);
    };
    let links = page_links(&String::from_utf8_lossy(&home));
    let Some(setup) = link_of(&links, PageKind::NetworkSetup) else {
        return Err(missing);
    };
    let body = get_page(&ctx.client, &page_url(address, &setup.path), attempt, false).await?;
    Ok((body, links))
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

/// Reads and classifies one phone; the outcome says whether a network error was met (a
/// retry may tell more).
async fn scan_phone(
    phone: &InventoryPhone,
    ctx: &Context<'_, '_>,
    attempt: &Attempt,
) -> (PhoneRecord, Outcome) {
    let deadline = ctx.options.read_deadline(attempt.timeout, attempt.retries);
    let read = async {
        let (web, device) = read_pages(phone, ctx, attempt).await;
        let per_phone = if ctx.options.per_phone_files {
            per_phone_itl(phone, &web, ctx).await
        } else {
            None
        };
        (web, per_phone, device)
    };
    let (web, per_phone, device) = match tokio::time::timeout(deadline, read).await {
        Ok(read) => read,
        Err(_) => {
            attempt.saw_network_error();
            (
                WebResult::Unreachable {
                    error: format!(
                        "no answer within the phone's deadline of {:.1} s",
                        deadline.as_secs_f64()
                    ),
                },
                None,
                None,
            )
        }
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
        now: ctx.options.phone_utc_offset.map(|offset| PhoneTime {
            secs: i64::try_from(now_secs())
                .unwrap_or(i64::MAX)
                .saturating_add(i64::from(offset)),
        }),
    };
    let verdict = {
        let archive = ctx.shared.archive.lock().unwrap_or_else(|p| p.into_inner());
        classify(&obs, &ctx.references, &archive)
    };
    let outcome = if attempt.network_error.load(Ordering::Relaxed) {
        Outcome::NetworkError
    } else {
        Outcome::Final
    };
    let mut record = record(phone, verdict.state, verdict.evidence);
    if let Some(device) = device {
        record.model = record.model.or(device.model.clone());
        if record.evidence.firmware.is_none() {
            record.evidence.firmware = device.firmware().map(str::to_owned);
        }
    }
    (record, outcome)
}

fn record(phone: &InventoryPhone, state: PhoneState, mut evidence: Evidence) -> PhoneRecord {
    evidence.firmware = phone.registration.as_ref().and_then(|r| r.firmware.clone());
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

/// Reads every phone as [`Schedule`] orders, filling `results`; `phones` take what the feed
/// reports. False when `cancel` fired.
async fn read_phones(
    phones: &mut [InventoryPhone],
    feed: &mut PhoneFeed<'_>,
    ctx: &Context<'_, '_>,
    observer: &dyn SweepObserver,
    cancel: &CancelSignal,
    results: &mut [Option<PhoneRecord>],
) -> bool {
    let options = ctx.options;
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut schedule = Schedule::new(
        options.concurrency.max(1).saturating_add(options.waiting),
        options.retries > 0,
        feed.is_open(),
    );
    let mut reported = vec![!feed.is_open(); phones.len()];
    if !feed.is_open() {
        schedule.known(0..phones.len());
    }
    let mut reads = FuturesUnordered::new();
    loop {
        while let Some((i, pass)) = schedule.start_next() {
            let Some(phone) = phones.get(i).cloned() else {
                schedule.ended(i, pass, Outcome::Final);
                continue;
            };
            let slots = slots.clone();
            reads.push(async move {
                let attempt = Attempt::new(pass, options);
                if let Ok(permit) = slots.acquire_owned().await {
                    *attempt.slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(permit);
                }
                let (record, outcome) = scan_phone(&phone, ctx, &attempt).await;
                (i, pass, record, outcome)
            });
        }
        if schedule.is_done() {
            return true;
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return false,
            Some((i, pass, record, outcome)) = reads.next(), if !reads.is_empty() => {
                if schedule.ended(i, pass, outcome) {
                    observer.phone_done(&record);
                    if let Some(slot) = results.get_mut(i) {
                        *slot = Some(record);
                    }
                }
            }
            event = feed.next(), if feed.is_open() => match event {
                Some(FeedEvent::Phones { first, phones: known }) => {
                    let count = known.len();
                    let mut fresh = Vec::with_capacity(count);
                    for (offset, phone) in known.into_iter().enumerate() {
                        let i = first.saturating_add(offset);
                        if let (Some(slot), Some(seen)) = (phones.get_mut(i), reported.get_mut(i))
                            && !*seen
                        {
                            *slot = phone;
                            *seen = true;
                            fresh.push(i);
                        }
                    }
                    observer.phones_known(count);
                    schedule.known(fresh);
                }
                Some(FeedEvent::Warning(w)) => ctx.shared.warn(w),
                None => {
                    let never: Vec<usize> = reported
                        .iter()
                        .enumerate()
                        .filter(|(_, seen)| !**seen)
                        .map(|(i, _)| i)
                        .collect();
                    schedule.known(never);
                    schedule.discovery_ended();
                }
            },
        }
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
    run_sweep_fed(plan, PhoneFeed::none(), archive, options, observer, cancel).await
}

/// [`run_sweep`] while discovery goes on: the plan's phones wait for `feed`
/// ([`super::inventory::discover_feed`]) and each is read as soon as the feed reports it (a
/// phone the feed never reports is read as the plan lists it once the feed ends). Phones are
/// scheduled by [`Schedule`]: first reads in order, a retry after a network error at the end.
pub async fn run_sweep_fed(
    mut plan: SweepPlan,
    mut feed: PhoneFeed<'_>,
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
        cluster: plan.cluster.name.clone(),
    };
    let mut complete = true;
    let archive_file = |bytes: &[u8], node: &str, name: &str| shared.archive(bytes, node, name);
    let (references, reference_facts) = tokio::select! {
        r = fetch_references(&plan.tftp_nodes, &fetcher, started, &archive_file) => r,
        _ = cancel.cancelled() => {
            complete = false;
            (References::default(), Vec::new())
        }
    };
    observer.references(&reference_facts);
    let mut references = references;
    references.cluster = plan.cluster.name.clone();
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
        complete = read_phones(
            &mut plan.phones,
            &mut feed,
            &ctx,
            observer,
            &cancel,
            &mut results,
        )
        .await;
        observer.finished();
    }
    let phones: Vec<PhoneRecord> = plan
        .phones
        .iter()
        .zip(results)
        .map(|(p, r)| {
            r.unwrap_or_else(|| {
                let mut evidence = Evidence::default();
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
        started: itl_core::UnixTime::from_secs_u64(started).to_rfc3339(),
        finished: itl_core::UnixTime::from_secs_u64(now_secs()).to_rfc3339(),
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
    fn page_urls() {
        assert_eq!(page_url("127.1.0.1:8080", "/x"), "http://127.1.0.1:8080/x");
        assert_eq!(page_url("::1", "/x"), "http://[::1]/x");
        assert_eq!(page_url("[::1]:80", "/x"), "http://[::1]:80/x");
    }
}
