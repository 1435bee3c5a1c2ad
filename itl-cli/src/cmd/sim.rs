//! `itl sim serve`: runs a simulated CUCM cluster and phone fleet on loopback until SIGINT or
//! SIGTERM, and writes the cluster file (and the truth file) for the other commands.
//!
//! `itl sim replay`: builds the same simulated cluster (no servers), applies a plan file step
//! by step through the model's change API and writes what every phone did
//! ([`itl_sim::replay`]) as JSON, with a table of counts per step.

use crate::color::Colors;
use crate::exit;
use anyhow::{Context, Result};
use comfy_table::{Cell, CellAlignment, Table, presets};
use itl_core::cucm::Generation;
use itl_core::plan::{Plan, PlanError};
use itl_sim::model::{ClockMode, PhoneInteraction};
use itl_sim::replay::{Counts, Replay, ReplayError};
use itl_sim::server::{PhoneListeners, PhonePorts, PortPlan, listen};
use itl_sim::timing::TimeScale;
use itl_sim::{Cluster, FaultSpec, ServeOptions, SimOptions, SimServer};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `itl sim`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(clap::Subcommand, Debug)]
enum SimCommand {
    /// Serve a simulated cluster (TFTP, HTTP 6970, HTTPS 8443 per node; a web server per
    /// phone) until interrupted.
    Serve(ServeArgs),
    /// Build the same simulated cluster (no servers), apply a plan file step by step and
    /// write what every phone did at each step and after a final power-on and reset (JSON).
    Replay(ReplayArgs),
}

/// Which ports to use.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Ports {
    /// 69, 6970, 8443 and 80 (root only; falls back to ephemeral ports otherwise).
    Real,
    /// Ports chosen by the kernel, written into the cluster file.
    Ephemeral,
}

/// How phone web servers listen.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Listeners {
    /// One socket bound to `lo` when allowed, else one listener per phone.
    Auto,
    /// One socket bound to `lo` (root only).
    Wildcard,
    /// One listener per phone address.
    PerPhone,
}

/// What decides the simulated cluster: the same values give the same cluster (`serve` and
/// `replay` share them).
#[derive(clap::Args, Debug)]
struct ClusterArgs {
    /// Number of nodes (publisher included).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=21))]
    nodes: u16,
    /// Number of phones.
    #[arg(long, default_value_t = 1000)]
    phones: usize,
    /// CUCM generation: `11.5` (ITL signed by each TFTP node's CallManager), `12+` (signed by
    /// ITLRecovery) or `14+` (12+ with automatic phone resets on certificate changes).
    #[arg(long, default_value = "12+", value_parser = parse_generation)]
    generation: Generation,
    /// Mixed mode: the cluster has a CTL.
    #[arg(long)]
    mixed: bool,
    /// Enterprise parameter "Phone Interaction on Certificate Update" (acted on by 14+):
    /// `automatic` (CUCM's default: the cluster resets the phones after a TVS, CAPF,
    /// CallManager or ITLRecovery regeneration) or `manual`.
    #[arg(long, value_enum, default_value_t = Interaction::Automatic)]
    phone_interaction: Interaction,
    /// Seed of every key, certificate, MAC, model and fault.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Faults, e.g. `unreachable=2%,slow=1%,web-off=3%,stale-itl=2%,tftp-down=ucm-sub1`.
    #[arg(long, default_value = "", value_parser = parse_faults)]
    faults: FaultSpec,
    /// RSA key size of every identity (2048 like CUCM; 1024 for quick experiments).
    #[arg(long, default_value_t = 2048, hide = true)]
    key_bits: usize,
}

/// "Phone Interaction on Certificate Update".
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Interaction {
    /// The cluster resets the phones.
    Automatic,
    /// The administrator resets the phones.
    Manual,
}

impl ClusterArgs {
    /// The simulator's options.
    fn options(&self, clock: ClockMode) -> SimOptions {
        SimOptions {
            nodes: usize::from(self.nodes),
            phones: self.phones,
            generation: self.generation,
            mixed: self.mixed,
            seed: self.seed,
            faults: self.faults.clone(),
            key_bits: self.key_bits,
            clock,
            phone_interaction: match self.phone_interaction {
                Interaction::Automatic => PhoneInteraction::Automatic,
                Interaction::Manual => PhoneInteraction::Manual,
            },
            ..SimOptions::default()
        }
    }
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Application user of the HTTPS services; the password comes from `ITL_PASSWORD` (a
    /// random one is generated and printed once to stderr when unset).
    #[arg(long, default_value = "admin")]
    user: String,
    /// OS administrator of the simulated admin CLI (SSH); the password comes from
    /// `ITL_OS_PASSWORD` (a random one is generated and printed once to stderr when unset).
    #[arg(long, default_value = "admin")]
    os_user: String,
    /// Privilege level of the OS administrator: 0, 1 or 4.
    #[arg(long, default_value_t = 4, value_parser = parse_privilege)]
    os_privilege: u8,
    /// Where to write the cluster file (TOML).
    #[arg(long, value_name = "PATH")]
    cluster_file: PathBuf,
    /// Where to write the truth file (JSON): the state a correct sweep reports per phone,
    /// with an empty archive (`state`) and with the archive of `--archive` (`state_with_archive`).
    #[arg(long, value_name = "PATH")]
    truth: Option<PathBuf>,
    /// Write into this folder what earlier sweeps would have archived (this cluster's earlier
    /// lists, and the other cluster's lists that `foreign-itl` phones hold), in the format
    /// `itl sweep --archive` keeps: as if the user had swept before.
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// Ports.
    #[arg(long, value_enum, default_value_t = Ports::Ephemeral)]
    ports: Ports,
    /// How phone web servers listen.
    #[arg(long, value_enum, default_value_t = Listeners::Auto, hide = true)]
    phone_listeners: Listeners,
    /// Multiply every simulated duration by FACTOR: service restarts (CallManager 120 s,
    /// Tomcat 180 s, TFTP 50 s…), phone re-registration after a reset, `set cert regen`, DRS
    /// backups, the CLI banner and RisPort's rate minute. 0 (the default) is instant; 1 is
    /// real time; 0.01 makes a CallManager restart take 1.2 s.
    #[arg(long, value_name = "FACTOR", default_value = "0", value_parser = parse_time_scale)]
    time_scale: TimeScale,
    /// Write one JSON line per change the simulator applies (certificate regenerated, service
    /// restarted, list rebuilt, phones reset, backup taken…) to FILE, flushed as it happens.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct ReplayArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// The plan file: one step per line (`regen CallManager @ucm-pub`, `restart TFTP @all`,
    /// `ctl update`, `reset phones [@<device pool>]`, `wait registered`; `#` comments).
    #[arg(long, value_name = "PLAN")]
    plan: PathBuf,
    /// Where to write the replay (JSON).
    #[arg(long, value_name = "OUT")]
    json: PathBuf,
}

fn parse_generation(text: &str) -> Result<Generation, String> {
    text.parse()
        .map_err(|e: itl_core::cucm::UnknownGeneration| e.to_string())
}

fn parse_time_scale(text: &str) -> Result<TimeScale, String> {
    text.parse()
        .map_err(|e: itl_sim::timing::TimeScaleError| e.to_string())
}

fn parse_faults(text: &str) -> Result<FaultSpec, String> {
    FaultSpec::parse(text).map_err(|e| e.to_string())
}

fn parse_privilege(text: &str) -> std::result::Result<u8, String> {
    match text.trim() {
        "0" => Ok(0),
        "1" => Ok(1),
        "4" => Ok(4),
        other => Err(format!("{other:?} is not a privilege level (0, 1 or 4)")),
    }
}

/// The password in `var`, or a random one announced once on stderr.
fn password(var: &str, user: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var)
        && !p.is_empty()
    {
        return Ok(p);
    }
    let mut bytes = [0u8; 12];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for a random password")?;
    let p = hex::encode(bytes);
    eprintln!("itl: {var} is not set; the password of {user} is {p}");
    Ok(p)
}

/// Runs the command.
pub fn run(args: Args, colors: Colors) -> Result<u8> {
    match args.command {
        SimCommand::Serve(args) => serve(args),
        SimCommand::Replay(args) => replay(args, colors),
    }
}

fn serve(args: ServeArgs) -> Result<u8> {
    let started = Instant::now();
    let options = args.cluster.options(ClockMode::Wall);
    let mut ports = match args.ports {
        Ports::Real => PortPlan::Real,
        Ports::Ephemeral => PortPlan::Ephemeral,
    };
    if ports == PortPlan::Real && !listen::running_as_root() {
        eprintln!("itl: --ports real needs root; using ephemeral ports");
        ports = PortPlan::Ephemeral;
    }
    let cluster = Cluster::build(&options).context("cannot build the simulated cluster")?;
    let serve_options = ServeOptions {
        ports,
        phone_listeners: match args.phone_listeners {
            Listeners::Auto => PhoneListeners::Auto,
            Listeners::Wildcard => PhoneListeners::Wildcard,
            Listeners::PerPhone => PhoneListeners::PerPhone,
        },
        user: args.user.clone(),
        password: password("ITL_PASSWORD", &args.user)?,
        password_env: "ITL_PASSWORD".into(),
        ssh: itl_sim::server::ssh::SshServe::new(""),
        time_scale: args.time_scale,
        events: args.events.clone(),
    };
    let mut serve_options = serve_options;
    serve_options.ssh = itl_sim::server::ssh::SshServe {
        os_user: args.os_user.clone(),
        os_password: password("ITL_OS_PASSWORD", &format!("{} (OS)", args.os_user))?,
        privilege: args.os_privilege,
        ..itl_sim::server::ssh::SshServe::new("")
    };
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let sim = SimServer::start(cluster, serve_options)
            .await
            .context("cannot start the servers")?;
        sim.cluster_file()
            .save(&args.cluster_file)
            .context("cannot write the cluster file")?;
        if let Some(path) = &args.truth {
            sim.truth()
                .save(path)
                .context("cannot write the truth file")?;
        }
        if let Some(dir) = &args.archive {
            sim.handle()
                .read(|c| c.write_sweep_archive(dir))
                .context("cannot write the archive")?;
        }
        print_addresses(&sim);
        println!(
            "itl sim: {} (ready in {:.1} s; cluster file {}); Ctrl-C to stop",
            sim.summary(),
            started.elapsed().as_secs_f64(),
            args.cluster_file.display()
        );
        let signal = wait_for_signal().await?;
        eprintln!("itl sim: {signal}: stopping");
        sim.shutdown().await;
        eprintln!("itl sim: stopped");
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(exit::OK)
}

fn print_addresses(sim: &SimServer) {
    for n in sim.nodes() {
        let tftp = match (n.tftp, n.tftp_http) {
            (Some(t), Some(h)) => format!("tftp {t}  http://{h}"),
            _ => "no TFTP".into(),
        };
        println!(
            "  {:<9} {:<10} {}  https://{}  {tftp}",
            n.name,
            n.address.to_string(),
            if n.publisher {
                "publisher "
            } else {
                "subscriber"
            },
            n.https
        );
    }
    match sim.phone_ports() {
        PhonePorts::Shared { port, .. } => {
            println!("  phones    127.1.0.1 and up, port {port}")
        }
        PhonePorts::PerPhone(_) => {
            println!("  phones    127.1.0.1 and up, one port each (see the truth file)")
        }
    }
}

/// Waits for SIGINT, SIGTERM or SIGHUP (its terminal closed) and names the one that came,
/// so that a simulator that stops always says why.
async fn wait_for_signal() -> Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    Ok(tokio::select! {
        r = tokio::signal::ctrl_c() => {
            r.context("cannot watch SIGINT")?;
            "SIGINT"
        }
        _ = term.recv() => "SIGTERM",
        _ = hangup.recv() => "SIGHUP",
    })
}

/// Prints every problem of a plan as `PLAN:line: message`.
fn print_plan_errors(path: &Path, err: &PlanError) {
    for e in &err.errors {
        eprintln!("itl: {}:{}: {}", path.display(), e.line, e.message);
    }
}

fn replay(args: ReplayArgs, colors: Colors) -> Result<u8> {
    let text = match std::fs::read_to_string(&args.plan) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("itl: cannot read the plan {}: {e}", args.plan.display());
            return Ok(exit::FAILURE);
        }
    };
    let plan = match Plan::parse(&text) {
        Ok(plan) => plan,
        Err(err) => {
            print_plan_errors(&args.plan, &err);
            return Ok(exit::FAILURE);
        }
    };
    // Logical clock: the replay is a function of the options and the plan.
    let options = args.cluster.options(ClockMode::Logical);
    let mut cluster = Cluster::build(&options).context("cannot build the simulated cluster")?;
    let nodes: Vec<&str> = cluster.nodes().iter().map(|n| n.name.as_str()).collect();
    let pools: Vec<&str> = cluster
        .device_pools()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    if let Err(err) = plan.check_names(&nodes, &pools) {
        print_plan_errors(&args.plan, &err);
        return Ok(exit::FAILURE);
    }
    let replay = match itl_sim::replay::replay(&mut cluster, &plan) {
        Ok(replay) => replay,
        Err(err @ ReplayError::Step { .. }) => {
            let line = err.line().unwrap_or(0);
            eprintln!("itl: {}:{line}: {}", args.plan.display(), err.message());
            return Ok(exit::FAILURE);
        }
        Err(err) => return Err(err).context("the replay failed"),
    };
    write_json(&args.json, &replay)?;
    print_replay(&replay, &args.json, colors);
    Ok(exit::OK)
}

fn write_json(path: &Path, replay: &Replay) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut out, replay)
        .with_context(|| format!("cannot write {}", path.display()))?;
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn count_cells(counts: &Counts, with_unknown: bool) -> Vec<Cell> {
    let mut values = vec![
        counts.accepted,
        counts.rejected,
        counts.unaffected,
        counts.missed,
    ];
    if with_unknown {
        values.push(counts.unknown);
    }
    values
        .into_iter()
        .map(|n| Cell::new(n).set_alignment(CellAlignment::Right))
        .collect()
}

fn print_replay(replay: &Replay, json: &Path, colors: Colors) {
    let c = &replay.cluster;
    println!(
        "itl sim replay: cluster {} ({}, {}, {} nodes, {} phones, seed {}{})",
        c.name,
        c.generation,
        if c.mixed { "mixed" } else { "non-secure" },
        c.nodes,
        c.phones,
        c.seed,
        if c.faults.is_empty() {
            String::new()
        } else {
            format!(", faults {}", c.faults)
        }
    );
    let with_unknown =
        replay.steps.iter().any(|s| s.counts.unknown > 0) || replay.final_counts.unknown > 0;
    let mut header = vec![
        "#",
        "line",
        "step",
        "accepted",
        "rejected",
        "unaffected",
        "missed",
    ];
    if with_unknown {
        header.push("unknown");
    }
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    colors.table(&mut table);
    table.set_header(header);
    for s in &replay.steps {
        let mut row = vec![
            Cell::new(s.index).set_alignment(CellAlignment::Right),
            Cell::new(s.line).set_alignment(CellAlignment::Right),
            Cell::new(&s.step),
        ];
        row.extend(count_cells(&s.counts, with_unknown));
        table.add_row(row);
    }
    let mut last = vec![
        Cell::new(""),
        Cell::new(""),
        Cell::new("final: every phone on, reset once"),
    ];
    last.extend(count_cells(&replay.final_counts, with_unknown));
    table.add_row(last);
    println!("{table}");
    let registered = replay.phones.iter().filter(|p| p.final_.registered).count();
    println!(
        "final: {}; {registered} of {} phones registered",
        replay.final_counts,
        replay.phones.len()
    );
    println!("JSON written to {}", json.display());
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn serve_args(extra: &[&str]) -> Result<ServeArgs, clap::Error> {
        let mut argv = vec!["itl", "serve", "--cluster-file", "c.toml"];
        argv.extend_from_slice(extra);
        let cli = Cli::try_parse_from(argv)?;
        match cli.args.command {
            SimCommand::Serve(s) => Ok(s),
            SimCommand::Replay(_) => panic!("serve expected"),
        }
    }

    #[test]
    fn time_scale_and_events_flags() {
        let default = serve_args(&[]).expect("parses");
        assert!(default.time_scale.is_instant());
        assert_eq!(default.events, None);
        let scaled = serve_args(&["--time-scale", "0.01", "--events", "ev.jsonl"]).expect("parses");
        assert_eq!(
            scaled.time_scale.of(std::time::Duration::from_secs(120)),
            std::time::Duration::from_millis(1200)
        );
        assert_eq!(scaled.events, Some(PathBuf::from("ev.jsonl")));
        for bad in ["--time-scale=-1", "--time-scale=11", "--time-scale=soon"] {
            let e = serve_args(&[bad]).expect_err(bad);
            assert!(e.to_string().contains("time scale"), "{e}");
        }
    }
}
