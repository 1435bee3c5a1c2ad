//! How a sweep schedules its work, with the real client code against the simulator on
//! loopback: page reads start as soon as RisPort70 reports the first phones (discovery and
//! page reads overlap), and phones that do not answer are read again at the end, after every
//! other phone, with the full timeout.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::SinkExt;
use itl_core::cucm::PhoneState;
use itl_cucm::secrets::{Credentials, Secret};
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_cucm::soap::pacer::PacerConfig;
use itl_cucm::sweep::feed::{FeedEvent, PhoneFeed};
use itl_cucm::sweep::inventory::{self, Discovery, SoapClients};
use itl_cucm::sweep::report::PhoneRecord;
use itl_cucm::sweep::{
    Archive, PhoneSource, SweepObserver, SweepOptions, SweepReport, assemble, cancel_pair,
    run_sweep_fed,
};
use itl_sim::SimServer;
use itl_sim::model::Parameter;
use itl_wire::cluster_file::ClusterFile;
use tokio::sync::Notify;

use common::{quick_sweep_options, serve_sim, sim_options};

const PASSWORD: &str = "sweep-overlap-password";

/// Whether the phone's pages were read (registered, answered): what the scheduling decides.
/// Which trust state a read page gives is the classifier's business, tested elsewhere.
fn was_read(state: PhoneState) -> bool {
    !matches!(
        state,
        PhoneState::Unreachable
            | PhoneState::NotScanned
            | PhoneState::Unregistered
            | PhoneState::WebDisabled
    )
}

async fn start_sim(faults: &str, phones: usize) -> SimServer {
    serve_sim(&sim_options(5, phones, faults), PASSWORD).await
}

/// What the observer saw, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Known(usize),
    Done(String, PhoneState),
}

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<Seen>>,
    done: Notify,
}

impl Recorder {
    fn events(&self) -> Vec<Seen> {
        self.events.lock().expect("events").clone()
    }

    fn done_count(&self) -> usize {
        self.events()
            .iter()
            .filter(|e| matches!(e, Seen::Done(..)))
            .count()
    }
}

impl SweepObserver for Recorder {
    fn phones_known(&self, count: usize) {
        self.events.lock().expect("events").push(Seen::Known(count));
    }

    fn phone_done(&self, record: &PhoneRecord) {
        self.events
            .lock()
            .expect("events")
            .push(Seen::Done(record.name.clone(), record.state));
        self.done.notify_one();
    }
}

fn session(sim: &SimServer, ris: PacerConfig) -> ClusterSession {
    let file = sim.cluster_file();
    let credentials = Credentials::new(file.cluster.user.clone(), Secret::new(PASSWORD));
    let opts = SessionOptions {
        ris,
        ..SessionOptions::default()
    };
    ClusterSession::new(file, credentials, opts)
}

/// The SOAP clients of a session whose RisPort70 requests are not paced, and the cluster file.
fn unpaced_clients(sim: &SimServer) -> (SoapClients, ClusterFile) {
    let ris = PacerConfig {
        per_minute: u32::MAX,
        ..PacerConfig::default()
    };
    let clients = SoapClients::of(&session(sim, ris)).expect("clients");
    (clients, sim.cluster_file())
}

/// Discovery fed to the runner as it goes (`inspect` sees what AXL listed before the feed
/// starts), the sweep run with `options` into `recorder`, all within 30 s.
async fn fed_sweep(
    clients: &SoapClients,
    file: &ClusterFile,
    options: &SweepOptions,
    recorder: &Recorder,
    inspect: impl FnOnce(&Discovery),
) -> SweepReport {
    tokio::time::timeout(Duration::from_secs(30), async {
        let (found, feed) = inventory::discover_feed(clients, file.cluster.phone_http_port)
            .await
            .expect("AXL");
        inspect(&found);
        let plan = assemble(
            Some(file),
            PhoneSource::Discovered(found),
            itl_cucm::fetch::Transport::Http,
        )
        .expect("plan");
        let mut archive = Archive::in_memory();
        let (_handle, signal) = cancel_pair();
        run_sweep_fed(plan, feed, &mut archive, options, recorder, signal)
            .await
            .expect("sweep")
    })
    .await
    .expect("within 30 s")
}

fn quick_options() -> SweepOptions {
    quick_sweep_options(Duration::from_millis(20))
}

/// Discovery through the real AXL and RisPort70 clients, RisPort allowing one request per
/// (shortened) window of 400 ms on both sides: four chunks of 10 phones arrive about 400 ms
/// apart, and the first chunk's pages are read before the last chunk is known.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_reads_start_before_discovery_ends() {
    let sim = start_sim("", 40).await;
    let window = Duration::from_millis(400);
    sim.handle()
        .write(|c| c.set_parameter(Parameter::DeviceQueriesPerMinute(1)))
        .expect("limit");
    sim.handle().set_risport_window(window);
    let session = session(
        &sim,
        PacerConfig {
            per_minute: 1,
            chunk_size: 10,
            window,
            // A rate fault would stall discovery far beyond the test's limit.
            initial_backoff: Duration::from_secs(60),
            ..PacerConfig::default()
        },
    );
    let clients = SoapClients::of(&session).expect("clients");
    let file = sim.cluster_file();
    let recorder = Recorder::default();
    let report = fed_sweep(&clients, &file, &quick_options(), &recorder, |found| {
        assert_eq!(found.phones.len(), 40);
        assert!(found.phones.iter().all(|p| p.registration.is_none()));
    })
    .await;
    assert!(report.complete);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.phones.len(), 40);
    assert!(
        report.phones.iter().all(|p| was_read(p.state)),
        "{:?}",
        report.summary
    );
    let events = recorder.events();
    let known: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            Seen::Known(n) => Some(*n),
            Seen::Done(..) => None,
        })
        .collect();
    assert_eq!(known, [10, 10, 10, 10], "one event per RisPort answer");
    let last_known = events
        .iter()
        .rposition(|e| matches!(e, Seen::Known(_)))
        .expect("known");
    let first_done = events
        .iter()
        .position(|e| matches!(e, Seen::Done(..)))
        .expect("done");
    assert!(
        first_done < last_known,
        "a page was read before discovery ended: {events:?}"
    );
    // Never a phone done before it was known.
    let (mut k, mut d) = (0, 0);
    for e in &events {
        match e {
            Seen::Known(n) => k += n,
            Seen::Done(..) => d += 1,
        }
        assert!(d <= k, "{events:?}");
    }
    sim.shutdown().await;
}

/// The same overlap, deterministically: the test is the feed and reports the second half of
/// the phones only after the runner has read every phone of the first half. A runner that
/// waited for discovery to end would never finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_reads_what_is_known_while_the_feed_is_open() {
    let sim = start_sim("", 20).await;
    let (clients, file) = unpaced_clients(&sim);
    let full = inventory::discover(&clients, file.cluster.phone_http_port)
        .await
        .expect("discovery");
    assert!(full.phones.iter().all(|p| p.registration.is_some()));
    // The plan names the phones only; the feed brings what RisPort said.
    let mut names_only = full.clone();
    for p in &mut names_only.phones {
        p.registration = None;
        p.address = None;
    }
    let plan = assemble(
        Some(&file),
        PhoneSource::Discovered(names_only),
        itl_cucm::fetch::Transport::Http,
    )
    .expect("plan");
    let (mut tx, rx) = futures::channel::mpsc::channel::<FeedEvent>(4);
    let feed = PhoneFeed::new(rx);
    let recorder = Arc::new(Recorder::default());
    let driver = {
        let recorder = recorder.clone();
        let phones = full.phones.clone();
        async move {
            tx.send(FeedEvent::Phones {
                first: 0,
                phones: phones[..10].to_vec(),
            })
            .await
            .expect("send");
            while recorder.done_count() < 10 {
                recorder.done.notified().await;
            }
            tx.send(FeedEvent::Warning("second half late".into()))
                .await
                .expect("send");
            tx.send(FeedEvent::Phones {
                first: 10,
                phones: phones[10..].to_vec(),
            })
            .await
            .expect("send");
            // Dropping the sender ends the feed.
        }
    };
    let mut archive = Archive::in_memory();
    let (_handle, signal) = cancel_pair();
    let options = quick_options();
    let sweep = run_sweep_fed(plan, feed, &mut archive, &options, &*recorder, signal);
    let (report, ()) = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::join!(sweep, driver)
    })
    .await
    .expect("the runner read the first half while the feed was open");
    let report: SweepReport = report.expect("sweep");
    assert!(report.complete);
    assert_eq!(report.warnings, ["second half late"]);
    let names: Vec<&str> = report.phones.iter().map(|p| p.name.as_str()).collect();
    let expected: Vec<&str> = full.phones.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, expected, "plan order");
    assert!(report.phones.iter().all(|p| was_read(p.state)));
    // The addresses came from the feed.
    assert!(report.phones.iter().all(|p| p.address.is_some()));
    let events = recorder.events();
    let first_half: Vec<String> = full.phones[..10].iter().map(|p| p.name.clone()).collect();
    let done: Vec<&Seen> = events
        .iter()
        .filter(|e| matches!(e, Seen::Done(..)))
        .collect();
    assert!(
        done[..10]
            .iter()
            .all(|e| matches!(e, Seen::Done(n, _) if first_half.contains(n)))
    );
    sim.shutdown().await;
}

/// Phones that accept and never answer are read twice: a short first read (300 ms) in order,
/// then once more at the end with the full page timeout (800 ms), after every healthy phone
/// is done; they end `unreachable` with the full timeout's error, every other phone is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_phones_are_retried_at_the_end_with_the_full_timeout() {
    let sim = start_sim("unreachable=6", 60).await;
    let (clients, file) = unpaced_clients(&sim);
    let mut options = quick_options();
    options.first_attempt_timeout = Duration::from_millis(300);
    options.page.timeout = Duration::from_millis(800);
    // Two slots: without the waiting budget the silent phones would hold them.
    options.concurrency = 2;
    let recorder = Recorder::default();
    let report = fed_sweep(&clients, &file, &options, &recorder, |_| {}).await;
    let silent: Vec<String> = sim.handle().read(|c| {
        c.phones()
            .iter()
            .filter(|p| p.fault.is_some())
            .map(|p| p.name.clone())
            .collect()
    });
    assert_eq!(silent.len(), 6);
    for p in &report.phones {
        if silent.contains(&p.name) {
            assert_eq!(p.state, PhoneState::Unreachable, "{}", p.name);
            let error = p.evidence.error.as_deref().unwrap_or_default();
            assert!(error.contains("within 0.8 s"), "{}: {error}", p.name);
        } else {
            assert!(was_read(p.state), "{}: {:?}", p.name, p.state);
        }
    }
    // Every healthy phone is reported before the first silent one.
    let done: Vec<String> = recorder
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Seen::Done(name, _) => Some(name),
            Seen::Known(_) => None,
        })
        .collect();
    assert_eq!(done.len(), 60);
    let first_silent = done
        .iter()
        .position(|n| silent.contains(n))
        .expect("silent");
    assert_eq!(first_silent, 54, "{done:?}");
    sim.shutdown().await;
}
