//! `itl demo`: starts a simulated cluster in-process, fetches each TFTP node's ITL with the
//! real client over HTTP 6970 and TFTP, verifies it, shows the phones by state, then
//! regenerates every certificate with the orchestrator and shows no phone was locked out
//! ([`regen`]).

mod regen;

use crate::color::Colors;
use crate::exit;
use anyhow::{Context, Result};
use itl_core::cucm::{CertUnit, Generation, PhoneState, Service};
use itl_core::verify::{ClusterCert, ClusterCerts, ClusterRole, Severity, VerifyOptions};
use itl_cucm::served::{
    ServedListSummary, TransportPolicy, fetch_served, summarise, tftp_nodes_of,
};
use itl_cucm::{FetchOptions, Fetcher, Transport, TrustFileSet};

use itl_sim::{Cluster, FaultSpec, ServeOptions, SimOptions, SimServer};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The problems the demo cluster starts with.
const DEMO_FAULTS: &str = "unreachable=1%,web-off=2%,stale-itl=2%,foreign-itl=0.5%,\
                           update-failed=1%,powered-off=1%,garbage=0.5%";

/// Arguments of `itl demo`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Number of nodes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=21))]
    nodes: u16,
    /// Number of phones.
    #[arg(long, default_value_t = 2000)]
    phones: usize,
    /// CUCM generation (`11.5`, `12+`, `14+`).
    #[arg(long, default_value = "12+", value_parser = |s: &str| s.parse::<Generation>())]
    generation: Generation,
    /// Mixed mode (a CTL).
    #[arg(long)]
    mixed: bool,
    /// Seed.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// RSA key size (2048 like CUCM).
    #[arg(long, default_value_t = 2048, hide = true)]
    key_bits: usize,
    /// Where to write the sweep's HTML report.
    #[arg(long, value_name = "FILE", default_value = "itl-demo-report.html")]
    html: std::path::PathBuf,
}

/// Runs the demo.
pub fn run(args: Args, colors: Colors) -> Result<u8> {
    let started = Instant::now();
    let options = SimOptions {
        nodes: usize::from(args.nodes),
        phones: args.phones,
        generation: args.generation,
        mixed: args.mixed,
        seed: args.seed,
        faults: FaultSpec::parse(DEMO_FAULTS).context("demo faults")?,
        key_bits: args.key_bits,
        ..SimOptions::default()
    };
    let cluster = Cluster::build(&options).context("cannot build the simulated cluster")?;
    let built = started.elapsed();
    // The simulated cluster runs on its own runtime, as it would on its own machines: the
    // client side (fetch, verify, sweep) never competes with it for worker threads.
    let sim_runtime = super::runtime_named("itl-sim")?;
    let client_runtime = super::runtime_named("itl-client")?;
    let password = random_secret();
    let mut serve = ServeOptions::ephemeral("admin", &password);
    serve.time_scale =
        itl_sim::timing::TimeScale::new(regen::TIME_SCALE).context("the demo's time scale")?;
    let sim = sim_runtime
        .block_on(SimServer::start(cluster, serve))
        .context("cannot start the simulated servers")?;
    // The demo's own folder: the earlier sweeps' archive, the cluster file, the plan and the
    // regeneration's journal; removed at the end.
    let work = std::env::temp_dir().join(format!("itl-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let code = client_runtime.block_on(async {
        std::fs::create_dir_all(&work)
            .with_context(|| format!("cannot create {}", work.display()))?;
        let shown = show(&sim, &options, built, started).await?;
        let (swept, before) = sweep(&sim, &password, &work, &args.html, colors).await?;
        let regenerated = regen::regenerate(regen::Input {
            sim: &sim,
            password: &password,
            work: &work,
            before: &before,
            sweep: regen_sweep_options(),
        })
        .await?;
        println!("\ndone in {:.1} s", started.elapsed().as_secs_f64());
        Ok::<u8, anyhow::Error>(shown.max(swept).max(regenerated))
    });
    sim_runtime.block_on(sim.shutdown());
    let _ = std::fs::remove_dir_all(&work);
    code
}

fn random_secret() -> String {
    let mut bytes = [0u8; 12];
    use std::io::Read;
    let _ = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    hex::encode(bytes)
}

async fn show(
    sim: &SimServer,
    options: &SimOptions,
    built: Duration,
    started: Instant,
) -> Result<u8> {
    let h = sim.handle();
    let mode = if options.mixed {
        "mixed mode"
    } else {
        "non-secure"
    };
    println!(
        "itl demo: a simulated CUCM {} cluster ({mode}) on loopback, seed {}",
        options.generation, options.seed
    );
    println!(
        "  {} nodes and {} phones ready in {:.1} s (keys and certificates {:.1} s)\n",
        sim.nodes().len(),
        options.phones,
        started.elapsed().as_secs_f64(),
        built.as_secs_f64()
    );

    println!("Nodes");
    for n in sim.nodes() {
        let services = h.read(|c| {
            let node = c.node(&n.name).map(|node| {
                node.services
                    .iter()
                    .filter(|s| s.status.is_running())
                    .filter_map(|s| short_service(s.kind))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            node.unwrap_or_default()
        });
        println!(
            "  {:<9} {:<10} {:<10}  https://{}  {}",
            n.name,
            n.address.to_string(),
            if n.publisher {
                "publisher"
            } else {
                "subscriber"
            },
            n.https,
            services
        );
    }

    let mut opts = FetchOptions::default();
    opts.tftp.deadline = Duration::from_secs(5);
    opts.http.timeout = Duration::from_secs(5);
    let fetcher = Fetcher::new(opts).context("cannot set up the HTTP client")?;
    let cluster_certs = h.read(cluster_certs);
    let verify_options = VerifyOptions::new(itl_core::UnixTime::from_secs_u64(h.read(|c| c.now())))
        .with_cluster(cluster_certs);
    let file = sim.cluster_file();
    let mut all_ok = true;
    println!("\nITL of each TFTP node (fetched with the itl client over HTTP 6970 and TFTP)");
    let nodes = tftp_nodes_of(&file, Transport::Http)?;
    let policy = TransportPolicy::Every(vec![Transport::Http, Transport::Tftp]);
    let served = fetch_served(&nodes, &fetcher, &policy).await;
    let mut ctl_line = None;
    for lists in &served {
        let name = &lists.node.name;
        let (Some(by_http), Some(by_tftp)) =
            (lists.over(Transport::Http), lists.over(Transport::Tftp))
        else {
            continue;
        };
        let itl = match (itl_of(by_http), itl_of(by_tftp), lists.itl()) {
            (Some(_), Some(_), Some(itl)) => itl,
            _ => {
                println!("  {name:<9} ITL not fetched:\n    {by_http}\n    {by_tftp}");
                all_ok = false;
                continue;
            }
        };
        let same = if lists.itl_agrees() {
            "identical"
        } else {
            "DIFFERENT"
        };
        all_ok &= lists.itl_agrees();
        let summary = summarise(
            name,
            &itl.name,
            itl.bytes().unwrap_or_default(),
            &verify_options,
        );
        all_ok &= summary.valid;
        print_itl(&summary, same);
        if ctl_line.is_none() {
            ctl_line = by_http.ctl().map(|ctl| match ctl.bytes() {
                Some(bytes) => {
                    let s = summarise(name, &ctl.name, bytes, &verify_options);
                    all_ok &= s.valid;
                    match &s.parse_error {
                        Some(e) => format!("CTL does not parse: {e}"),
                        None => format!(
                            "{} {} bytes, MD5 {}, signature {}, records {}",
                            s.name,
                            s.size,
                            s.md5.to_ascii_uppercase(),
                            if s.signature.as_ref().is_some_and(|sig| sig.valid) {
                                "verified"
                            } else {
                                "INVALID"
                            },
                            roles(&s)
                        ),
                    }
                }
                None => ctl.to_string(),
            });
        }
    }
    if let Some(line) = ctl_line {
        println!("  CTL: {line}");
    }

    let mut families: BTreeMap<&str, usize> = BTreeMap::new();
    h.read(|c| {
        for p in c.phones() {
            *families.entry(p.model.family().name()).or_insert(0) += 1;
        }
    });
    let mix: Vec<String> = families.iter().map(|(f, n)| format!("{f} {n}")).collect();
    println!("\nPhones: {} ({})", options.phones, mix.join(", "));
    Ok(if all_ok { exit::OK } else { exit::FOUND })
}

fn itl_of(set: &TrustFileSet) -> Option<&[u8]> {
    set.itl().and_then(|f| f.bytes())
}

/// Records per role, as `CCM+TFTP 1, SAST 2, TVS 1`.
fn roles(summary: &ServedListSummary) -> String {
    summary
        .records_by_role
        .iter()
        .map(|(f, n)| format!("{f} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints one node's ITL: size, hash, signature, signer, records, verification.
fn print_itl(summary: &ServedListSummary, same: &str) {
    let node = &summary.node;
    let Some(sig) = &summary.signature else {
        println!(
            "  {node:<9} ITL does not parse: {}",
            summary.parse_error.as_deref().unwrap_or("")
        );
        return;
    };
    println!(
        "  {node:<9} {} {} bytes, MD5 {} (HTTP and TFTP {same})",
        summary.name,
        summary.size,
        summary.md5.to_ascii_uppercase()
    );
    println!(
        "            signature {} ({}, RSA-{}), signer {}",
        if sig.valid { "verified" } else { "INVALID" },
        sig.digest
            .map(|d| d.name().into_owned())
            .unwrap_or_default(),
        sig.key_bits.unwrap_or(0),
        summary.signer.as_deref().unwrap_or_default()
    );
    println!("            records {}", roles(summary));
    let count = |severity| {
        summary
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let codes = |problem: bool| {
        summary
            .findings
            .iter()
            .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning) == problem)
            .map(|f| f.code.name())
            .collect::<Vec<_>>()
    };
    let (problems, notes) = (codes(true), codes(false));
    println!(
        "            checked against the cluster's certificates: {} errors, {} warnings{}{}",
        count(Severity::Error),
        count(Severity::Warning),
        if problems.is_empty() {
            String::new()
        } else {
            format!(" ({})", problems.join(", "))
        },
        if notes.is_empty() {
            String::new()
        } else {
            format!("; notes: {}", notes.join(", "))
        }
    );
}

fn short_service(kind: Service) -> Option<&'static str> {
    Some(match kind {
        Service::CallManager => "CallManager",
        Service::Tftp => "TFTP",
        Service::Tvs => "TVS",
        Service::Capf => "CAPF",
        Service::CtlProvider => "CTL-Provider",
        _ => return None,
    })
}

fn cluster_certs(c: &Cluster) -> ClusterCerts {
    let mut certs = Vec::new();
    for n in c.nodes() {
        for unit in CertUnit::ALL {
            if let Some(id) = n.identity(unit) {
                certs.push(ClusterCert::new(
                    Some(&n.name),
                    ClusterRole::Unit(unit),
                    id.der().to_vec(),
                ));
            }
        }
    }
    ClusterCerts::new(certs)
}

/// The demo's sweep settings. Its `unreachable` phones accept and never answer: each costs
/// two page timeouts (one retry), and the sweep lasts as long as its slowest phone, so the
/// default 10 s timeout made a 200-phone demo take 20 s. Loopback answers in milliseconds:
/// 2 s per page (1 s to connect) bounds the demo's sweep to about 4.5 s. The simulator's
/// phones show UTC.
fn demo_sweep_options() -> itl_cucm::sweep::SweepOptions {
    let mut options = itl_cucm::sweep::SweepOptions {
        phone_utc_offset: Some(0),
        ..itl_cucm::sweep::SweepOptions::default()
    };
    options.page.timeout = Duration::from_secs(2);
    options.page.connect_timeout = Duration::from_secs(1);
    options
}

/// The regeneration's sweeps (two per phase): as [`demo_sweep_options`], with 500 ms per page
/// (250 ms to connect, 250 ms for a first read): loopback answers in milliseconds, and the
/// demo's phones that never answer would otherwise cost 4 s per sweep. A healthy phone
/// missed this way is `unreachable` for that sweep, and the gates read its registration
/// instead.
fn regen_sweep_options() -> itl_cucm::sweep::SweepOptions {
    let mut options = demo_sweep_options();
    options.page.timeout = Duration::from_millis(500);
    options.page.connect_timeout = Duration::from_millis(250);
    options.first_attempt_timeout = Duration::from_millis(250);
    options
}

/// Sweeps every phone through the simulator's sockets with the real client code: AXL lists the
/// phones, RisPort70 gives their registration, address and web-server flag, each phone's
/// Network Setup and status pages give its trust state, compared with what its TFTP node
/// serves. Prints the summary, checks it against the simulator's truth and writes the HTML.
async fn sweep(
    sim: &SimServer,
    password: &str,
    work: &std::path::Path,
    html_path: &std::path::Path,
    colors: Colors,
) -> Result<(u8, itl_cucm::sweep::SweepReport)> {
    use crate::present::{self, progress::ProgressBar};
    use itl_cucm::secrets::{Credentials, Secret};
    use itl_cucm::session::{ClusterSession, SessionOptions};
    use itl_cucm::sweep::{Archive, PhoneSource, assemble, cancel_pair, inventory, run_sweep};

    let started = Instant::now();
    let options = demo_sweep_options();
    println!(
        "\nSweep (AXL + RisPort70 discovery, then every phone's web pages, {} at a time, {} s per page)",
        options.concurrency,
        options.page.timeout.as_secs_f64()
    );
    let cluster = sim.cluster_file();
    let credentials = Credentials::new(
        cluster.cluster.user.clone(),
        Secret::new(password.to_owned()),
    );
    // The simulator allows 15 RisPort requests a minute like CUCM; the demo's few chunks fit
    // in that, so they need not be spread over 4 s each.
    let mut opts = SessionOptions::default();
    opts.ris.per_minute = 60;
    let session = ClusterSession::new(cluster.clone(), credentials, opts);
    let clients = inventory::SoapClients::of(&session)?;
    let found = inventory::discover(&clients, cluster.cluster.phone_http_port)
        .await
        .context("cannot list the phones")?;
    let discovered = started.elapsed();
    let plan = assemble(
        Some(&cluster),
        PhoneSource::Discovered(found),
        Transport::Http,
    )?;
    let check = |report: &itl_cucm::sweep::SweepReport, with_archive: bool| -> usize {
        let truth = sim.truth();
        let expected: BTreeMap<&str, PhoneState> = truth
            .phones
            .iter()
            .map(|p| {
                let state = p.state_for(with_archive);
                (p.name.as_str(), state)
            })
            .collect();
        let agree = report
            .phones
            .iter()
            .filter(|p| expected.get(p.name.as_str()) == Some(&p.state))
            .count();
        if report.phones.len() == expected.len() {
            agree
        } else {
            0
        }
    };
    let total = plan.phones.len();

    // A first sweep: nothing archived yet, so a list no TFTP node serves cannot be told apart
    // (an older list of this cluster, or another cluster's): `unknown-itl`.
    let (_handle, signal) = cancel_pair();
    let observer = ProgressBar::on_stderr(true);
    let mut empty = Archive::in_memory();
    let first = run_sweep(plan.clone(), &mut empty, &options, &observer, signal).await?;
    let first_agree = check(&first, false);
    println!(
        "  first sweep (empty archive): {}; {first_agree} of {total} agree with the simulator's truth",
        counts_line(&first)
    );

    // With what earlier sweeps archived (`itl sim serve --archive DIR` writes it): the same
    // hashes are now known as older lists of this cluster or another cluster's. The
    // regeneration's sweeps archive into the same folder.
    let history = itl_ops::regen::driver::archive_dir(&regen::journal_dir(work));
    let written = sim
        .handle()
        .read(|c| c.write_sweep_archive(&history))
        .context("cannot write the earlier sweeps' archive")?;
    let mut archive = Archive::open(&history).context("cannot open the archive")?;
    let (_handle, signal) = cancel_pair();
    let report = run_sweep(plan, &mut archive, &options, &observer, signal).await?;
    println!(
        "  sweep with the archive of earlier sweeps ({written} lists of this cluster and of another):"
    );
    print!(
        "{}",
        colors.stdout_text(&present::sweep_tables::summary_tables(&report))
    );
    let agree = check(&report, true);
    println!(
        "  {total} phones swept twice in {:.1} s (discovery {:.1} s); {agree} of {total} agree with the simulator's truth",
        started.elapsed().as_secs_f64(),
        discovered.as_secs_f64(),
    );
    std::fs::write(html_path, present::html::render(&report))
        .with_context(|| format!("cannot write {}", html_path.display()))?;
    println!("  HTML report: {}", html_path.display());
    let code = if agree == total && first_agree == total {
        exit::OK
    } else {
        exit::FOUND
    };
    Ok((code, report))
}

/// `ok 1830, unknown-itl 52, …`: the states present in a report, in report order.
fn counts_line(report: &itl_cucm::sweep::SweepReport) -> String {
    report.summary.states_line()
}
