//! The simulated cluster of the sweep benchmark, in its own process so that the benchmark
//! measures the sweep's memory and CPU, not the simulator's.
//!
//! ```text
//! sweep-sim --phones N --seed S --faults SPEC --cluster-file F --truth T --archive DIR
//! ```
//!
//! Builds the cluster, serves it on loopback (like `itl sim serve`), writes the cluster file,
//! the truth file and an archive of every trust list the cluster built (what earlier sweeps
//! would have kept), prints `ready` on standard output and serves until standard input
//! closes (the benchmark ending, or dying, closes it). The password comes from
//! `ITL_PASSWORD`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use itl_cucm::sweep::Archive;
use itl_sim::model::ClockMode;
use itl_sim::{Cluster, FaultSpec, ServeOptions, SimOptions, SimServer};

struct Args {
    phones: usize,
    seed: u64,
    faults: String,
    cluster_file: PathBuf,
    truth: PathBuf,
    archive: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        phones: 10_000,
        seed: 7,
        faults: String::new(),
        cluster_file: PathBuf::new(),
        truth: PathBuf::new(),
        archive: PathBuf::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--phones" => args.phones = value.parse().map_err(|e| format!("--phones: {e}"))?,
            "--seed" => args.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--faults" => args.faults = value,
            "--cluster-file" => args.cluster_file = value.into(),
            "--truth" => args.truth = value.into(),
            "--archive" => args.archive = value.into(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if args.cluster_file.as_os_str().is_empty()
        || args.truth.as_os_str().is_empty()
        || args.archive.as_os_str().is_empty()
    {
        return Err("--cluster-file, --truth and --archive are required".into());
    }
    Ok(args)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let password = std::env::var("ITL_PASSWORD").map_err(|_| "set ITL_PASSWORD".to_owned())?;
    let options = SimOptions {
        phones: args.phones,
        seed: args.seed,
        faults: FaultSpec::parse(&args.faults).map_err(|e| e.to_string())?,
        clock: ClockMode::Wall,
        ..SimOptions::default()
    };
    let cluster = Cluster::build(&options).map_err(|e| format!("cluster: {e}"))?;
    let mut archive = Archive::open(&args.archive).map_err(|e| format!("archive: {e}"))?;
    for file in cluster.archive().files().iter().filter(|f| f.is_own()) {
        archive
            .add(
                &file.bytes,
                None,
                "earlier-sweep",
                "ITLFile.tlv",
                1_700_000_000,
            )
            .map_err(|e| format!("archive: {e}"))?;
    }
    drop(archive);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async {
        let sim = SimServer::start(cluster, ServeOptions::ephemeral("admin", &password))
            .await
            .map_err(|e| format!("servers: {e}"))?;
        sim.cluster_file()
            .save(&args.cluster_file)
            .map_err(|e| format!("cluster file: {e}"))?;
        sim.truth()
            .save(&args.truth)
            .map_err(|e| format!("truth: {e}"))?;
        println!("ready");
        // Serve until standard input closes.
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await;
        sim.shutdown().await;
        Ok(())
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sweep-sim: {e}");
            ExitCode::from(2)
        }
    }
}
