//! `itl demo`: starts a simulated cluster in-process, fetches each TFTP node's ITL with the
//! real client over HTTP 6970 and TFTP, verifies it, and shows the phones by state.

use crate::exit;
use anyhow::{Context, Result};
use itl_core::cucm::{CertUnit, Generation, Service};
use itl_core::verify::{ClusterCert, ClusterCerts, ClusterRole, Severity, VerifyOptions, verify};
use itl_core::{Function, TrustList};
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
pub fn run(args: Args) -> Result<u8> {
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
    let runtime = |name: &str| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(name)
            .enable_all()
            .build()
            .context("cannot start the async runtime")
    };
    let sim_runtime = runtime("itl-sim")?;
    let client_runtime = runtime("itl-client")?;
    let password = random_secret();
    let sim = sim_runtime
        .block_on(SimServer::start(
            cluster,
            ServeOptions::ephemeral("admin", &password),
        ))
        .context("cannot start the simulated servers")?;
    let code = client_runtime.block_on(async {
        let shown = show(&sim, &options, built, started).await?;
        let swept = sweep(&sim, &password, &args.html).await?;
        println!("\ndone in {:.1} s", started.elapsed().as_secs_f64());
        Ok::<u8, anyhow::Error>(shown.max(swept))
    });
    sim_runtime.block_on(sim.shutdown());
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
    let mut ctl_line = None;
    for node in file.tftp_nodes() {
        let (Ok(Some(over_http)), Ok(Some(over_tftp))) = (
            node.trust_server(Transport::Http),
            node.trust_server(Transport::Tftp),
        ) else {
            continue;
        };
        let by_http = fetcher.fetch_trust_files(&over_http, None).await;
        let by_tftp = fetcher.fetch_trust_files(&over_tftp, None).await;
        let (Some(a), Some(b)) = (itl_of(&by_http), itl_of(&by_tftp)) else {
            println!(
                "  {:<9} ITL not fetched:\n    {by_http}\n    {by_tftp}",
                node.name
            );
            all_ok = false;
            continue;
        };
        let same = if a == b { "identical" } else { "DIFFERENT" };
        all_ok &= a == b;
        match TrustList::parse(a) {
            Ok(list) => {
                let report = verify(&list, &verify_options);
                all_ok &= report.is_valid();
                let sums = list.checksums();
                println!(
                    "  {:<9} ITLFile.tlv {} bytes, MD5 {} (HTTP and TFTP {same})",
                    node.name,
                    list.len(),
                    hex::encode_upper(sums.md5)
                );
                let sig = &report.signature;
                let signer = list
                    .header()
                    .signer_name
                    .map(|s| s.lossy().into_owned())
                    .unwrap_or_default();
                println!(
                    "            signature {} ({}, RSA-{}), signer {}",
                    if sig.valid { "verified" } else { "INVALID" },
                    sig.digest
                        .map(|d| d.name().into_owned())
                        .unwrap_or_default(),
                    sig.key_bits.unwrap_or(0),
                    signer
                );
                println!("            records {}", roles(&list));
                let (errors, warnings) = (
                    report.count(Severity::Error),
                    report.count(Severity::Warning),
                );
                let notes: Vec<&str> = report
                    .findings
                    .iter()
                    .filter(|f| f.severity != Severity::Error && f.severity != Severity::Warning)
                    .map(|f| f.code.name())
                    .collect();
                let problems: Vec<&str> = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error || f.severity == Severity::Warning)
                    .map(|f| f.code.name())
                    .collect();
                println!(
                    "            checked against the cluster's certificates: {errors} errors, {warnings} warnings{}{}",
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
            Err(e) => {
                all_ok = false;
                println!("  {:<9} ITL does not parse: {e}", node.name);
            }
        }
        if ctl_line.is_none() {
            ctl_line = by_http
                .ctl()
                .map(|ctl| match ctl.bytes().map(TrustList::parse) {
                    Some(Ok(list)) => {
                        let report = verify(&list, &verify_options);
                        all_ok &= report.is_valid();
                        format!(
                            "CTLFile.tlv {} bytes, MD5 {}, signature {}, records {}",
                            list.len(),
                            hex::encode_upper(list.checksums().md5),
                            if report.signature.valid {
                                "verified"
                            } else {
                                "INVALID"
                            },
                            roles(&list)
                        )
                    }
                    Some(Err(e)) => format!("CTL does not parse: {e}"),
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
            let family = match p.model.family() {
                itl_sim::phone::Family::Cp78xx => "78xx",
                itl_sim::phone::Family::Cp88xx => "88xx",
                itl_sim::phone::Family::Cp79xx => "79xx",
                itl_sim::phone::Family::Cp99xx => "99xx",
            };
            *families.entry(family).or_insert(0) += 1;
        }
    });
    let mix: Vec<String> = families.iter().map(|(f, n)| format!("{f} {n}")).collect();
    println!("\nPhones: {} ({})", options.phones, mix.join(", "));
    Ok(if all_ok { exit::OK } else { exit::FOUND })
}

fn itl_of(set: &TrustFileSet) -> Option<&[u8]> {
    set.itl().and_then(|f| f.bytes())
}

fn roles(list: &TrustList<'_>) -> String {
    let mut counts: Vec<(Function, usize)> = Vec::new();
    for f in list.records().iter().filter_map(|r| r.function) {
        match counts.iter_mut().find(|(g, _)| *g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((f, 1)),
        }
    }
    counts
        .iter()
        .map(|(f, n)| format!("{f} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// Sweeps every phone through the simulator's sockets with the real client code: AXL lists the
/// phones, RisPort70 gives their registration, address and web-server flag, each phone's
/// Network Setup and status pages give its trust state, compared with what its TFTP node
/// serves. Prints the summary, checks it against the simulator's truth and writes the HTML.
async fn sweep(sim: &SimServer, password: &str, html_path: &std::path::Path) -> Result<u8> {
    use itl_cucm::soap::{Credentials, Secret, SoapClientOptions};
    use itl_cucm::sweep::report::ClusterFacts;
    use itl_cucm::sweep::run::tftp_nodes_of;
    use itl_cucm::sweep::{
        Archive, ProgressBarObserver, SweepPlan, cancel_pair, html, inventory, run_sweep,
    };

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
    let mut soap = SoapClientOptions::default();
    soap.ris.per_minute = 60;
    let clients = inventory::soap_clients(&cluster, credentials, false, soap)?;
    let found = inventory::discover(&clients, cluster.cluster.phone_http_port)
        .await
        .context("cannot list the phones")?;
    let discovered = started.elapsed();
    let plan = SweepPlan {
        cluster: ClusterFacts {
            name: Some(cluster.cluster.name.clone()),
            source: "cluster-file".to_owned(),
            security_mode: found.security_mode,
        },
        phones: found.phones,
        tftp_nodes: tftp_nodes_of(&cluster, Transport::Http)?,
        warnings: found.warnings,
    };
    // What earlier sweeps would have archived: the lists this cluster served before, so a
    // phone that missed the last update reads `stale-itl` rather than `foreign-itl`.
    let mut archive = Archive::in_memory();
    let history: Vec<Vec<u8>> = sim.handle().read(|c| {
        c.archive()
            .files()
            .iter()
            .filter(|f| f.is_own())
            .map(|f| f.bytes.to_vec())
            .collect()
    });
    for bytes in history {
        archive.add(&bytes, "earlier sweep", "ITLFile.tlv", 1_700_000_000)?;
    }
    let (_handle, signal) = cancel_pair();
    let observer = ProgressBarObserver::new(true);
    let report = run_sweep(plan, &mut archive, &options, &observer, signal).await?;
    print!("{}", report.summary_tables());
    let truth = sim.truth();
    let expected: BTreeMap<&str, &str> = truth
        .phones
        .iter()
        .map(|p| (p.name.as_str(), p.state.name()))
        .collect();
    let agree = report
        .phones
        .iter()
        .filter(|p| expected.get(p.name.as_str()) == Some(&p.state.name()))
        .count();
    println!(
        "  {} phones swept in {:.1} s (discovery {:.1} s); {agree} of {} agree with the simulator's truth",
        report.phones.len(),
        started.elapsed().as_secs_f64(),
        discovered.as_secs_f64(),
        expected.len()
    );
    std::fs::write(html_path, html::render(&report))
        .with_context(|| format!("cannot write {}", html_path.display()))?;
    println!("  HTML report: {}", html_path.display());
    Ok(
        if agree == expected.len() && report.phones.len() == expected.len() {
            exit::OK
        } else {
            exit::FOUND
        },
    )
}
