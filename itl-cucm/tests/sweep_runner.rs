//! The sweep runner against real HTTP servers on 127.0.0.1 written here: phones with both page
//! layouts, DX-series and 7940-era paths reached through their links, and with faults
//! (silent, refused, garbage, oversized, slow, 404, missing fields) and
//! a TFTP node serving its reference list over HTTP. Every sweep must finish within its bound
//! and account for every phone exactly once.

mod common;

use itl_core::cucm::{ClusterSecurityMode, ListKind, PhoneState};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::http_server::request_path;
use common::{closed_tcp_port, within};
use itl_cucm::fetch::TrustServer;
use itl_cucm::http::HttpOptions;
use itl_cucm::sweep::SweepObserver;
use itl_cucm::sweep::SweepReport;
use itl_cucm::sweep::classify::RegistrationFacts;
use itl_cucm::sweep::report::{ClusterFacts, PhoneRecord};
use itl_cucm::sweep::{
    Archive, CancelSignal, InventoryPhone, Quiet, SweepOptions, SweepPlan, TftpNode, cancel_pair,
    run_sweep,
};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn md5_upper(bytes: &[u8]) -> String {
    hex::encode_upper(itl_core::checksum::md5(bytes))
}

fn sha1_spaced(bytes: &[u8]) -> String {
    itl_core::checksum::sha1(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A 78xx/88xx Network Setup page.
fn modern_setup(itl: &str, tftp: &str) -> String {
    format!(
        "<html><head><title>Network setup</title></head><body><table><tr><td><b>Cisco IP Phone CP-8841</b></td>\
<td><table cellspacing=\"5\">\n\
<tr><td><b>CTL file</b></td><td width=\"20\"></td><td><b></b></td></tr>\n\
<tr><td><b>ITL file</b></td><td width=\"20\"></td><td><b>{itl}</b></td></tr>\n\
<tr><td><b>ITL signature</b></td><td width=\"20\"></td><td><b>{itl}</b></td></tr>\n\
<tr><td><b>TVS</b></td><td width=\"20\"></td><td><b>{tftp}</b></td></tr>\n\
<tr><td><b>TFTP server 1</b></td><td width=\"20\"></td><td><b>{tftp}</b></td></tr>\n\
</table></td></tr></table></body></html>"
    )
}

/// A 79xx Network Configuration page.
fn classic_setup(itl: &str, tftp: &str) -> String {
    format!(
        "<HTML><BODY><TABLE BORDER=0>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>CTL File</B></FONT></TD><TD><FONT SIZE=2></FONT></TD></TR>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>ITL File</B></FONT></TD><TD><FONT SIZE=2>{itl}</FONT></TD></TR>\n\
<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>TFTP Server 1</B></FONT></TD><TD><FONT SIZE=2>{tftp}</FONT></TD></TR>\n\
</TABLE></BODY></HTML>"
    )
}

fn modern_messages(rows: &[(&str, &str)]) -> String {
    let mut out = String::from("<html><body><table>");
    for (time, text) in rows {
        out.push_str(&format!(
            "<tr><td><b>{time}</b></td><td width=\"20\"></td><td><b>{text}</b></td></tr>\n"
        ));
    }
    out.push_str("</table></body></html>");
    out
}

/// How a fake phone's web server behaves.
#[derive(Clone)]
enum Phone {
    /// 200 with these pages.
    Pages {
        setup: String,
        messages: String,
        delay: Duration,
    },
    /// Accepts, reads, never answers.
    Silent,
    /// 200 with binary noise.
    Garbage,
    /// 200 announcing and sending `len` bytes.
    Oversized(usize),
    /// 404 for everything.
    NotFound,
    /// 200 with the page of the exact path, 404 for any other path.
    Paths(Vec<(String, String)>),
}

struct Server {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
    hits: Arc<AtomicUsize>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn respond(stream: &mut TcpStream, status: u16, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
}

/// A one-request-per-connection HTTP stand-in on 127.0.0.1: `answer` gets the path of each
/// request (counted in `hits`) and the connection to answer on.
async fn serve<F, Fut>(answer: F) -> Server
where
    F: Fn(String, TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let answer = Arc::new(answer);
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (answer, counter) = (answer.clone(), counter.clone());
            tokio::spawn(async move {
                let Some(path) = request_path(&mut stream).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                answer(path, stream).await;
            });
        }
    });
    Server { addr, task, hits }
}

async fn serve_phone(phone: Phone) -> Server {
    serve(move |path, mut stream| {
        let phone = phone.clone();
        async move {
            match phone {
                Phone::Pages {
                    setup,
                    messages,
                    delay,
                } => {
                    tokio::time::sleep(delay).await;
                    let body = if path.contains("device.statistics.configuration") {
                        setup
                    } else if path.contains("device.settings.status.messages") {
                        messages
                    } else {
                        return respond(&mut stream, 404, b"no").await;
                    };
                    respond(&mut stream, 200, body.as_bytes()).await;
                }
                Phone::Silent => {
                    tokio::time::sleep(Duration::from_secs(120)).await;
                }
                Phone::Garbage => {
                    let mut body = b"<html><body><table><tr><td>".to_vec();
                    let mut x: u32 = 99;
                    for _ in 0..4000 {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        body.push((x >> 16) as u8);
                    }
                    respond(&mut stream, 200, &body).await;
                }
                Phone::Oversized(len) => {
                    let row = b"<tr><td>Status</td><td>..........</td></tr>\n";
                    let body: Vec<u8> = row.iter().copied().cycle().take(len).collect();
                    respond(&mut stream, 200, &body).await;
                }
                Phone::NotFound => respond(&mut stream, 404, b"<html>Not Found</html>").await,
                Phone::Paths(pages) => match pages.iter().find(|(p, _)| *p == path) {
                    Some((_, body)) => respond(&mut stream, 200, body.as_bytes()).await,
                    None => respond(&mut stream, 404, b"<html>Not Found</html>").await,
                },
            }
        }
    })
    .await
}

/// A phone with the modern pages showing the MD5 of `itl` and no status messages, answering
/// at once.
fn showing(itl: &[u8]) -> Phone {
    Phone::Pages {
        setup: modern_setup(&md5_upper(itl), "127.0.0.1"),
        messages: modern_messages(&[]),
        delay: Duration::ZERO,
    }
}

/// An HTTP 6970 stand-in: `files` by name, 404 otherwise.
async fn serve_files(files: Vec<(String, Vec<u8>)>) -> Server {
    let files = Arc::new(files);
    serve(move |path, mut stream| {
        let files = files.clone();
        async move {
            let name = path.trim_start_matches('/');
            match files.iter().find(|(n, _)| n == name) {
                Some((_, bytes)) => respond(&mut stream, 200, bytes).await,
                None => respond(&mut stream, 404, b"").await,
            }
        }
    })
    .await
}

/// `run_sweep` of `plan` with `options`, nobody observing and nothing cancelling.
async fn quiet_sweep(
    plan: SweepPlan,
    archive: &mut Archive,
    options: &SweepOptions,
) -> SweepReport {
    run_sweep(plan, archive, options, &Quiet, CancelSignal::never())
        .await
        .expect("runs")
}

/// [`quiet_sweep`] of `plan` with [`options`] into an archive in memory, within 15 s.
async fn bounded_sweep(plan: SweepPlan) -> SweepReport {
    let (mut archive, options) = (Archive::in_memory(), options());
    let sweep = quiet_sweep(plan, &mut archive, &options);
    within(Duration::from_secs(15), sweep).await
}

/// What RisPort70 says of a phone that `registered` or not, its web server on or off.
fn registration(status: &str, registered: bool, httpd: bool) -> RegistrationFacts {
    RegistrationFacts {
        status: status.into(),
        registered,
        httpd: Some(httpd),
        since: None,
        firmware: None,
    }
}

fn options() -> SweepOptions {
    let mut o = SweepOptions {
        concurrency: 8,
        page: HttpOptions {
            connect_timeout: Duration::from_millis(500),
            timeout: Duration::from_millis(800),
            max_size: 256 * 1024,
        },
        retries: 1,
        retry_delay: Duration::from_millis(50),
        ..SweepOptions::default()
    };
    o.fetch.http.timeout = Duration::from_secs(3);
    o
}

fn inventory(name: &str, addr: std::net::SocketAddr) -> InventoryPhone {
    InventoryPhone {
        name: name.into(),
        address: Some(addr.to_string()),
        model: Some("Cisco 8841".into()),
        ..InventoryPhone::default()
    }
}

fn node(files: &Server) -> TftpNode {
    let mut server = TrustServer::http("127.0.0.1");
    server.http_port = files.addr.port();
    TftpNode {
        name: "ucm-pub".into(),
        hosts: vec!["ucm-pub".into(), "127.0.0.1".into()],
        server,
    }
}

fn states(phones: &[PhoneRecord]) -> Vec<(&str, PhoneState)> {
    phones.iter().map(|p| (p.name.as_str(), p.state)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_gets_its_state_within_the_deadline() {
    let served = fixture("itl-12-sha512.tlv");
    let older = fixture("itl-11.5-sha1-2048.tlv");
    let foreign = fixture("itl-4096.tlv");
    let files = serve_files(vec![("ITLFile.tlv".into(), served.clone())]).await;
    let ok_messages = modern_messages(&[("06/01/25 9:00:05a", "ITL installed")]);
    let page = |setup: String, messages: &str, delay_ms| Phone::Pages {
        setup,
        messages: messages.to_owned(),
        delay: Duration::from_millis(delay_ms),
    };
    let none = modern_messages(&[]);
    let cases: Vec<(&str, Phone, PhoneState)> = vec![
        (
            "SEP000000000001",
            page(
                modern_setup(&md5_upper(&served), "127.0.0.1"),
                &ok_messages,
                0,
            ),
            PhoneState::Ok,
        ),
        (
            "SEP000000000002",
            page(classic_setup(&sha1_spaced(&served), "127.0.0.1"), &none, 0),
            PhoneState::Ok,
        ),
        (
            "SEP000000000003",
            page(modern_setup(&md5_upper(&older), "127.0.0.1"), &none, 0),
            PhoneState::StaleItl,
        ),
        (
            "SEP000000000004",
            page(modern_setup(&md5_upper(&foreign), "127.0.0.1"), &none, 0),
            PhoneState::UnknownItl,
        ),
        (
            "SEP000000000005",
            page(modern_setup("Not Installed", "127.0.0.1"), &none, 0),
            PhoneState::NoTrustList,
        ),
        (
            "SEP000000000006",
            page(
                modern_setup(&md5_upper(&older), "127.0.0.1"),
                &modern_messages(&[
                    ("06/01/25 9:00:05a", "ITL installed"),
                    ("06/02/25 9:00:05a", "Trust List update failed"),
                ]),
                0,
            ),
            PhoneState::UpdateFailed,
        ),
        ("SEP000000000007", Phone::Silent, PhoneState::Unreachable),
        ("SEP000000000008", Phone::Garbage, PhoneState::Unparseable),
        (
            "SEP000000000009",
            Phone::Oversized(2 << 20),
            PhoneState::Unparseable,
        ),
        (
            "SEP00000000000A",
            page(modern_setup(&md5_upper(&served), "127.0.0.1"), &none, 300),
            PhoneState::Ok,
        ),
        (
            "SEP00000000000B",
            page(modern_setup(&md5_upper(&served), "127.0.0.1"), &none, 3000),
            PhoneState::Unreachable,
        ),
        ("SEP00000000000C", Phone::NotFound, PhoneState::Unparseable),
        (
            "SEP00000000000D",
            page("<html><body>Hello</body></html>".into(), &none, 0),
            PhoneState::Unparseable,
        ),
    ];
    let mut servers = Vec::new();
    let mut phones = Vec::new();
    for (name, behaviour, _) in &cases {
        let server = serve_phone(behaviour.clone()).await;
        phones.push(inventory(name, server.addr));
        servers.push(server);
    }
    // Refused: nothing listens. No address: unreachable. Unregistered / web off: not contacted.
    phones.push(inventory(
        "SEP00000000000E",
        ([127, 0, 0, 1], closed_tcp_port()).into(),
    ));
    phones.push(InventoryPhone {
        name: "SEP00000000000F".into(),
        ..InventoryPhone::default()
    });
    let contacted_by_mistake = serve_phone(Phone::NotFound).await;
    let mut unregistered = inventory("SEP000000000010", contacted_by_mistake.addr);
    unregistered.registration = Some(registration("UnRegistered", false, true));
    let mut web_off = inventory("SEP000000000011", contacted_by_mistake.addr);
    web_off.registration = Some(registration("Registered", true, false));
    phones.push(unregistered);
    phones.push(web_off);

    let dir = itl_testkit::TempDir::new("sweep-runner-faults");
    let mut archive = Archive::open(dir.path()).expect("archive");
    archive
        .add(
            &older,
            Some("test"),
            "ucm-pub",
            "ITLFile.tlv",
            1_700_000_000,
        )
        .expect("seed");
    let plan = SweepPlan {
        cluster: ClusterFacts {
            name: Some("test".into()),
            source: "inventory".into(),
            security_mode: None,
        },
        phones,
        tftp_nodes: vec![node(&files)],
        warnings: vec![],
    };
    let started = Instant::now();
    let recorder = Recorder::default();
    let report = tokio::time::timeout(
        Duration::from_secs(20),
        run_sweep(
            plan,
            &mut archive,
            &options(),
            &recorder,
            CancelSignal::never(),
        ),
    )
    .await
    .expect("sweep finishes within 20 s")
    .expect("sweep runs");
    // Bounded by timeouts: 2 × 0.8 s per silent page plus a retry pause, run concurrently.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );

    let mut expected: Vec<(&str, PhoneState)> = cases.iter().map(|(n, _, s)| (*n, *s)).collect();
    expected.extend([
        ("SEP00000000000E", PhoneState::WebDisabled),
        ("SEP00000000000F", PhoneState::Unreachable),
        ("SEP000000000010", PhoneState::Unregistered),
        ("SEP000000000011", PhoneState::WebDisabled),
    ]);
    assert_eq!(states(&report.phones), expected);
    assert!(report.complete);
    assert_eq!(report.summary.total, expected.len());
    // The observer heard of every step: one reference node, every phone once, one end.
    assert_eq!(
        *recorder.events.lock().expect("events"),
        vec![
            "references 1".to_owned(),
            format!("started {}", expected.len())
        ]
    );
    assert_eq!(recorder.done.load(Ordering::SeqCst), expected.len());
    assert_eq!(recorder.finished.load(Ordering::SeqCst), 1);
    assert_eq!(report.summary.ok, 3);
    assert_eq!(contacted_by_mistake.hits.load(Ordering::SeqCst), 0);
    assert_eq!(
        report.cluster.security_mode,
        Some(ClusterSecurityMode::NonSecure)
    );

    // Evidence details.
    let by = |n: &str| report.phones.iter().find(|p| p.name == n).expect("phone");
    let stale = by("SEP000000000003");
    let served_md5: String = md5_upper(&served).to_ascii_lowercase();
    assert_eq!(
        stale.evidence.expected_itl.as_deref(),
        Some(served_md5.as_str())
    );
    assert_eq!(
        stale
            .evidence
            .archived
            .as_ref()
            .map(|a| a.first_seen.as_str()),
        Some("2023-11-14T22:13:20Z")
    );
    assert_eq!(stale.tftp_server.as_deref(), Some("127.0.0.1"));
    let failed = by("SEP000000000006");
    assert_eq!(
        failed.evidence.message_time.as_deref(),
        Some("2025-06-02T09:00:05")
    );
    let garbage = by("SEP000000000008");
    assert!(
        garbage
            .evidence
            .excerpt
            .as_deref()
            .is_some_and(|e| e.starts_with("<html><body><table><tr><td>"))
    );
    let oversized = by("SEP000000000009");
    assert!(
        oversized
            .evidence
            .error
            .as_deref()
            .is_some_and(|e| e.contains("size cap")),
        "{:?}",
        oversized.evidence
    );
    assert_eq!(by("SEP00000000000C").evidence.http_status, Some(404));
    assert!(by("SEP00000000000D").evidence.excerpt.is_some());
    // The silent phone was asked twice (one retry), the slow-but-in-time one once per page
    // (Network Setup, Status messages, and DeviceInformationX: the inventory gave no model).
    assert_eq!(servers[6].hits.load(Ordering::SeqCst), 2);
    assert_eq!(servers[9].hits.load(Ordering::SeqCst), 3);

    // The reference list was archived with its node; the report names it.
    assert_eq!(archive.len(), 2);
    let entry = archive.lookup(&served_md5).expect("archived");
    assert_eq!(
        (
            entry.node.as_str(),
            entry.name.as_str(),
            ListKind::name_or_unknown(entry.kind)
        ),
        ("ucm-pub", "ITLFile.tlv", "ITL")
    );
    let itl = report.references[0].itl.as_ref().expect("reference ITL");
    assert_eq!(itl.md5, served_md5);
    assert_eq!(itl.signature_valid, Some(true));
    assert_eq!(report.references[0].ctl, None);
    assert_eq!(report.references[0].error, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_tftp_node_is_a_reference_error_not_a_crash() {
    let served = fixture("itl-12-sha512.tlv");
    let phone = serve_phone(showing(&served)).await;
    let mut server = TrustServer::http("127.0.0.1");
    server.http_port = closed_tcp_port();
    let plan = SweepPlan {
        phones: vec![inventory("SEP000000000001", phone.addr)],
        tftp_nodes: vec![TftpNode {
            name: "ucm-pub".into(),
            hosts: vec!["127.0.0.1".into()],
            server,
        }],
        ..SweepPlan::default()
    };
    let report = bounded_sweep(plan).await;
    assert!(
        report.references[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cannot connect")),
        "{:?}",
        report.references
    );
    assert_eq!(report.cluster.security_mode, None);
    // Nothing to compare with and nothing archived: the hash is unknown.
    assert_eq!(
        states(&report.phones),
        vec![("SEP000000000001", PhoneState::UnknownItl)]
    );
    assert!(
        report.phones[0]
            .evidence
            .notes
            .iter()
            .any(|n| n.contains("could not be fetched"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_phone_files_are_fetched_archived_and_used() {
    let served = fixture("itl-12-sha512.tlv");
    let per_phone = fixture("itl-11.5-sha1-1024.tlv");
    let files = serve_files(vec![
        ("ITLFile.tlv".into(), served.clone()),
        ("ITLSEP000000000001.tlv".into(), per_phone.clone()),
    ])
    .await;
    let a = serve_phone(showing(&per_phone)).await;
    let b = serve_phone(showing(&served)).await;
    let plan = SweepPlan {
        phones: vec![
            inventory("SEP000000000001", a.addr),
            inventory("SEP000000000002", b.addr),
        ],
        tftp_nodes: vec![node(&files)],
        ..SweepPlan::default()
    };
    let mut with = options();
    with.per_phone_files = true;
    let mut archive = Archive::in_memory();
    let report = quiet_sweep(plan.clone(), &mut archive, &with).await;
    assert_eq!(
        states(&report.phones),
        vec![
            ("SEP000000000001", PhoneState::Ok),
            ("SEP000000000002", PhoneState::Ok)
        ]
    );
    assert_eq!(
        report.phones[0].evidence.reference.as_deref(),
        Some("ucm-pub/ITLSEP000000000001.tlv")
    );
    assert_eq!(archive.len(), 2);
    // Twin: without --per-phone-files the per-phone hash is unknown.
    let mut archive = Archive::in_memory();
    let report = quiet_sweep(plan, &mut archive, &options()).await;
    assert_eq!(report.phones[0].state, PhoneState::UnknownItl);
    assert_eq!(archive.len(), 1);
}

/// Records what a sweep tells its observer.
#[derive(Default)]
struct Recorder {
    events: std::sync::Mutex<Vec<String>>,
    done: AtomicUsize,
    finished: AtomicUsize,
}

impl SweepObserver for Recorder {
    fn references(&self, facts: &[itl_cucm::sweep::report::ReferenceFacts]) {
        if let Ok(mut e) = self.events.lock() {
            e.push(format!("references {}", facts.len()));
        }
    }
    fn started(&self, phones: usize) {
        if let Ok(mut e) = self.events.lock() {
            e.push(format!("started {phones}"));
        }
    }
    fn phone_done(&self, _record: &PhoneRecord) {
        self.done.fetch_add(1, Ordering::SeqCst);
    }
    fn finished(&self) {
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
}

/// Counts phones as they finish, and cancels after `after` of them.
struct CancelAfter {
    done: AtomicUsize,
    after: usize,
    handle: itl_cucm::sweep::CancelHandle,
}

impl SweepObserver for CancelAfter {
    fn phone_done(&self, _record: &PhoneRecord) {
        if self.done.fetch_add(1, Ordering::SeqCst) + 1 == self.after {
            self.handle.cancel();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_sweep_reports_every_phone_once() {
    let served = fixture("itl-12-sha512.tlv");
    let files = serve_files(vec![("ITLFile.tlv".into(), served.clone())]).await;
    let fast = serve_phone(showing(&served)).await;
    let silent = serve_phone(Phone::Silent).await;
    let mut phones: Vec<InventoryPhone> = (0..4)
        .map(|i| inventory(&format!("SEPFA000000000{i}"), fast.addr))
        .collect();
    phones.extend((0..40).map(|i| inventory(&format!("SEP5100000000{i:02}"), silent.addr)));
    let plan = SweepPlan {
        phones,
        tftp_nodes: vec![node(&files)],
        ..SweepPlan::default()
    };
    let (handle, signal) = cancel_pair();
    let observer = CancelAfter {
        done: AtomicUsize::new(0),
        after: 4,
        handle,
    };
    let mut slow = options();
    slow.concurrency = 6;
    slow.page.timeout = Duration::from_secs(30);
    let mut archive = Archive::in_memory();
    let started = Instant::now();
    let report = tokio::time::timeout(
        Duration::from_secs(10),
        run_sweep(plan, &mut archive, &slow, &observer, signal),
    )
    .await
    .expect("cancel stops the sweep promptly")
    .expect("runs");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!report.complete);
    assert_eq!(report.phones.len(), 44);
    let mut names: Vec<&str> = report.phones.iter().map(|p| p.name.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), 44);
    assert_eq!(report.summary.by_state[&PhoneState::Ok], 4);
    assert_eq!(report.summary.by_state[&PhoneState::NotScanned], 40);
    assert!(report.phones[..4].iter().all(|p| p.state == PhoneState::Ok));
}

/// A "Trust List update failed" older than the phone's last boot (its RisPort registration
/// time less the boot window, moved into the phones' zone) does not make it `update-failed`;
/// one logged during that boot does. With the zone unknown only messages older in every zone
/// are ignored, and in a zone behind UTC both failures are after the boot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_before_the_last_boot_are_history() {
    let served = fixture("itl-12-sha512.tlv");
    let files = serve_files(vec![("ITLFile.tlv".into(), served.clone())]).await;
    let setup = modern_setup(&md5_upper(&served), "127.0.0.1");
    let page = |failed_at: &str| Phone::Pages {
        setup: setup.clone(),
        messages: modern_messages(&[
            ("06/01/25 9:00:05a", "ITL installed"),
            (failed_at, "Trust List update failed"),
        ]),
        delay: Duration::ZERO,
    };
    // Failed at 10:00, two hours before the boot; and at 11:57, during the boot.
    let before = serve_phone(page("06/01/25 10:00:00a")).await;
    let during = serve_phone(page("06/01/25 11:57:00a")).await;
    // Both registered at 2025-06-01T12:00:00Z.
    let registered = |name: &str, addr| {
        let mut p = inventory(name, addr);
        p.registration = Some(RegistrationFacts {
            status: "Registered".into(),
            registered: true,
            httpd: Some(true),
            since: Some(1_748_779_200),
            firmware: None,
        });
        p
    };
    let plan = SweepPlan {
        phones: vec![
            registered("SEP0000000000B1", before.addr),
            registered("SEP0000000000B2", during.addr),
        ],
        tftp_nodes: vec![node(&files)],
        ..SweepPlan::default()
    };
    let sweep = |offset: Option<i32>| {
        let plan = plan.clone();
        async move {
            let options = SweepOptions {
                phone_utc_offset: offset,
                ..options()
            };
            let mut archive = Archive::in_memory();
            quiet_sweep(plan, &mut archive, &options).await
        }
    };
    // Phones on UTC: the 10:00 failure is before the boot (not before 11:55).
    let utc = sweep(Some(0)).await;
    assert_eq!(
        states(&utc.phones),
        vec![
            ("SEP0000000000B1", PhoneState::Ok),
            ("SEP0000000000B2", PhoneState::UpdateFailed)
        ]
    );
    assert_eq!(
        utc.phones[0].evidence.notes,
        vec![
            "\"Trust List update failed\" at 2025-06-01T10:00:00 is older than the phone's last \
             boot (not before 2025-06-01T11:55:00): ignored"
                .to_owned()
        ]
    );
    assert_eq!(utc.phones[0].evidence.message, None);
    assert_eq!(
        utc.phones[1].evidence.message_time.as_deref(),
        Some("2025-06-01T11:57:00")
    );
    // Zone unknown: the boot is not before 2025-05-31T23:55 in the earliest zone; both
    // failures may be after it.
    let unknown = sweep(None).await;
    assert_eq!(
        states(&unknown.phones),
        vec![
            ("SEP0000000000B1", PhoneState::UpdateFailed),
            ("SEP0000000000B2", PhoneState::UpdateFailed)
        ]
    );
    // Phones on UTC-5 registered at 07:00 their time: both failures came after the boot.
    let behind = sweep(Some(-5 * 3600)).await;
    assert_eq!(
        states(&behind.phones),
        vec![
            ("SEP0000000000B1", PhoneState::UpdateFailed),
            ("SEP0000000000B2", PhoneState::UpdateFailed)
        ]
    );
    // Phones on UTC+3 registered at 15:00 their time: both failures are before the boot.
    let ahead = sweep(Some(3 * 3600)).await;
    assert_eq!(
        states(&ahead.phones),
        vec![
            ("SEP0000000000B1", PhoneState::Ok),
            ("SEP0000000000B2", PhoneState::Ok)
        ]
    );
}

/// DX-series and 7940-era layouts: the usual Network Setup path answers 404, the home page
/// links the real pages, and the DX-series Security information page is read when the
/// Network Setup page has no trust field. Twins: the same layouts with no trust field on any
/// page, and a phone whose home page links nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dx_and_7940_layouts_are_followed_through_their_links() {
    let served = fixture("itl-12-sha512.tlv");
    let files = serve_files(vec![("ITLFile.tlv".into(), served.clone())]).await;
    let pages = |v: &[(&str, &str)]| {
        Phone::Paths(
            v.iter()
                .map(|(p, b)| ((*p).to_owned(), (*b).to_owned()))
                .collect(),
        )
    };
    let home = include_str!("pages/dx80-home.html");
    let dx_setup = include_str!("pages/dx80-network-setup.html").replace("10.0.0.12", "127.0.0.1");
    let dx_security_trust = format!(
        "<html><body><table><tr><td>Security mode</td><td>Non-secure</td></tr>\
<tr><td>ITL file</td><td>Installed</td></tr><tr><td>ITL signature</td><td>{} </td></tr>\
<tr><td>TVS</td><td>ucm-pub</td></tr></table></body></html>",
        sha1_spaced(&served)
    );
    let dx_security_none = include_str!("pages/dx80-security.html");
    let dx_messages = include_str!("pages/dx80-status-messages.html");
    let classic_home = include_str!("pages/7940-network-configuration.html");
    let cases: Vec<(&str, Phone, PhoneState, usize)> = vec![
        (
            "SEP0000000000D1",
            pages(&[
                ("/", home),
                ("/?adapter=device.statistics.configuration", &dx_setup),
                ("/?adapter=device.statistics.security", &dx_security_trust),
                ("/?adapter=device.settings.status.messages", dx_messages),
            ]),
            // Network Setup 404, home, setup, security, messages, DeviceInformationX (404).
            PhoneState::Ok,
            6,
        ),
        (
            "SEP0000000000D2",
            pages(&[
                ("/", home),
                ("/?adapter=device.statistics.configuration", &dx_setup),
                ("/?adapter=device.statistics.security", dx_security_none),
                ("/?adapter=device.settings.status.messages", dx_messages),
            ]),
            PhoneState::NoTrustInfo,
            6,
        ),
        (
            "SEP0000000000D3",
            pages(&[
                ("/", classic_home),
                ("/NetworkConfiguration", classic_home),
                (
                    "/DeviceLog?0",
                    include_str!("pages/7940-status-messages.html"),
                ),
                (
                    "/DeviceInformationX",
                    include_str!("pages/7940-device-information-x.xml"),
                ),
            ]),
            // No trust field on any page, but a `CTL update failed` with a time of day only
            // and no uptime to place it: worth a look.
            PhoneState::UpdateFailed,
            5,
        ),
        (
            "SEP0000000000D4",
            pages(&[("/", "<html><body>Welcome</body></html>")]),
            PhoneState::Unparseable,
            2,
        ),
    ];
    let mut servers = Vec::new();
    let mut phones = Vec::new();
    for (name, behaviour, _, _) in &cases {
        let server = serve_phone(behaviour.clone()).await;
        phones.push(inventory(name, server.addr));
        servers.push(server);
    }
    // An inventory CSV without a model for the 7940.
    phones[2].model = None;
    let plan = SweepPlan {
        phones,
        tftp_nodes: vec![node(&files)],
        ..SweepPlan::default()
    };
    let report = bounded_sweep(plan).await;
    assert_eq!(
        states(&report.phones),
        cases
            .iter()
            .map(|(n, _, s, _)| (*n, *s))
            .collect::<Vec<_>>()
    );
    for ((name, _, _, requests), server) in cases.iter().zip(&servers) {
        assert_eq!(server.hits.load(Ordering::SeqCst), *requests, "{name}");
    }
    let by = |n: &str| report.phones.iter().find(|p| p.name == n).expect("phone");
    let dx = by("SEP0000000000D1");
    assert_eq!(dx.tftp_server.as_deref(), Some("127.0.0.1"));
    assert_eq!(dx.evidence.tvs, vec!["ucm-pub"]);
    // The messages came from the linked DX path.
    assert_eq!(dx.evidence.message.as_deref(), Some("ITL installed"));
    assert_eq!(
        dx.evidence.message_time.as_deref(),
        Some("2025-06-01T23:58:04")
    );
    let none = by("SEP0000000000D2");
    assert_eq!(none.evidence.error, None);
    assert_eq!(
        none.evidence.notes.last().map(String::as_str),
        Some("the phone's web pages do not show its trust lists; check it on the handset")
    );
    let classic = by("SEP0000000000D3");
    // The inventory gave no model: the phone's DeviceInformationX did.
    assert_eq!(classic.model.as_deref(), Some("CP-7940"));
    assert_eq!(classic.evidence.firmware.as_deref(), Some("P00308010200"));
    // Reject twin: a phone without DeviceInformationX keeps what the inventory said.
    assert_eq!(by("SEP0000000000D2").model.as_deref(), Some("Cisco 8841"));
    assert_eq!(by("SEP0000000000D2").evidence.firmware, None);
    assert_eq!(
        classic.evidence.message.as_deref(),
        Some("CTL update failed"),
        "{:?}",
        classic.evidence
    );
    assert!(
        classic
            .evidence
            .notes
            .iter()
            .any(|n| n.contains("time of day only")),
        "{:?}",
        classic.evidence.notes
    );
    assert!(
        by("SEP0000000000D4")
            .evidence
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("HTTP 404 Not Found from http://127.0.0.1:")),
    );
    // No Network Setup link: the 404 of the usual path stands.
    assert_eq!(by("SEP0000000000D4").evidence.http_status, Some(404));
}
