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
use std::sync::Mutex;

use futures::StreamExt;
use itl_core::cucm::{ClusterSecurityMode, ListKind, Mac, PhoneState};

use crate::fetch::{FetchError, Fetcher, TrustServer};
use crate::http::{HttpClient, HttpError};

use super::cancel::CancelSignal;
use super::classify::{Evidence, Observation, ReferenceFile, References, WebResult, classify};
use super::clock::{boot_floor, now_secs};
use super::inventory::InventoryPhone;
use super::observer::SweepObserver;
use super::options::SweepOptions;
use super::page::{
    HOME_PATH, NETWORK_SETUP_PATH, PageKind, PageLink, PhoneTime, STATUS_MESSAGES_PATH, excerpt,
    link_of, page_links, parse_network_setup, parse_status_messages,
};
use super::plan::SweepPlan;
use super::references::fetch_references;
use super::report::{PhoneRecord, SCHEMA_VERSION, Summary, SweepReport};
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
    let (body, mut links) = match network_setup_page(address, ctx).await {
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
            ctx.options,
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
    let messages = match get_page(
        &ctx.client,
        &page_url(address, status_path),
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

/// The Network Setup page's body and the links seen on the way: the usual path, or, when
/// that answers 404, the page the home page links as Network Setup / Network Configuration.
/// Without such a link the 404 stands.
async fn network_setup_page(
    address: &str,
    ctx: &Context<'_, '_>,
) -> Result<(Vec<u8>, Vec<PageLink>), WebResult> {
    let missing = match get_page(
        &ctx.client,
        &page_url(address, NETWORK_SETUP_PATH),
        ctx.options,
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
    let Ok(home) = get_page(
        &ctx.client,
        &page_url(address, HOME_PATH),
        ctx.options,
        false,
    )
    .await
    else {
        return Err(missing);
    };
    let links = page_links(&String::from_utf8_lossy(&home));
    let Some(setup) = link_of(&links, PageKind::NetworkSetup) else {
        return Err(missing);
    };
    let body = get_page(
        &ctx.client,
        &page_url(address, &setup.path),
        ctx.options,
        false,
    )
    .await?;
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
    record(phone, verdict.state, verdict.evidence)
}

fn record(phone: &InventoryPhone, state: PhoneState, evidence: Evidence) -> PhoneRecord {
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
