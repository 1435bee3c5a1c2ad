//! `itl cluster init`: from a publisher address to a cluster file. Shows the publisher's
//! Tomcat certificate and asks to trust it, then discovers the AXL schema, the nodes, their
//! services, Tomcat certificates and SSH host keys ([`itl_cucm::onboard`]), shows every
//! fingerprint, asks again and writes the file. `--accept-fingerprint` checks the publisher's
//! fingerprint for scripts; `--yes` accepts what is shown; without a terminal and without
//! `--yes` nothing is trusted (exit 2).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use itl_cucm::onboard::{self, Discovery, OnboardOptions, PresentedCertificate, PublisherAddress};
use itl_cucm::secrets::{Credentials, SecretSource, read_secret};
use itl_wire::Sha256Fingerprint;
use itl_wire::cluster_file::{ClusterSection, DEFAULT_OS_PASSWORD_ENV, DEFAULT_PASSWORD_ENV};

use crate::cluster_args::prompt_password;
use crate::exit;

/// Arguments of `itl cluster`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: ClusterCommand,
}

#[derive(clap::Subcommand, Debug)]
enum ClusterCommand {
    /// Onboard a cluster: trust the publisher's certificate, discover the AXL schema, the
    /// nodes, their services, certificates and SSH host keys, and write the cluster file.
    Init(InitArgs),
}

#[derive(clap::Args, Debug)]
struct InitArgs {
    /// The publisher: `HOST` or `HOST:PORT` (HTTPS, 8443 by default).
    #[arg(long, value_name = "HOST")]
    publisher: String,
    /// The application user with AXL and Serviceability roles; its password comes from
    /// `ITL_PASSWORD`, `--password-file` or a no-echo prompt.
    #[arg(long, default_value = "admin")]
    user: String,
    /// Read the application user's password from this file (its first line; mode 0600).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// The platform (OS) administrator for the admin CLI over SSH (its password is never
    /// asked here: commands read it from `ITL_OS_PASSWORD`).
    #[arg(long, default_value = "admin")]
    os_user: String,
    /// Where to write the cluster file.
    #[arg(long, value_name = "FILE", default_value = "cluster.toml")]
    out: PathBuf,
    /// The cluster's name in the file (default: the publisher's host name).
    #[arg(long)]
    name: Option<String>,
    /// Trust the publisher's certificate only if its SHA-256 is this one (for scripts).
    #[arg(long, value_name = "SHA256")]
    accept_fingerprint: Option<String>,
    /// Accept every fingerprint shown without asking (labs, scripts).
    #[arg(long)]
    yes: bool,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
    /// SSH port of every node.
    #[arg(long, value_name = "PORT", default_value_t = 22)]
    ssh_port: u16,
    /// TFTP port of every TFTP node.
    #[arg(long, value_name = "PORT", default_value_t = 69)]
    tftp_port: u16,
    /// TFTP-over-HTTP port of every TFTP node.
    #[arg(long, value_name = "PORT", default_value_t = 6970)]
    tftp_http_port: u16,
    /// TCP port of the phones' web servers.
    #[arg(long, value_name = "PORT", default_value_t = 80)]
    phone_http_port: u16,
}

/// Runs the command.
pub fn run(args: Args) -> Result<u8> {
    match args.command {
        ClusterCommand::Init(args) => init(args),
    }
}

/// How a confirmation is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Confirm {
    /// `--yes`.
    Yes,
    /// Ask on the terminal.
    Ask,
    /// Neither: refuse.
    Impossible,
}

fn init(args: InitArgs) -> Result<u8> {
    let publisher = match PublisherAddress::parse(&args.publisher) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("itl: --publisher: {e}");
            return Ok(exit::USAGE);
        }
    };
    let expected = match args
        .accept_fingerprint
        .as_deref()
        .map(str::parse::<Sha256Fingerprint>)
    {
        None => None,
        Some(Ok(fp)) => Some(fp),
        Some(Err(e)) => {
            eprintln!("itl: --accept-fingerprint: {e}");
            return Ok(exit::USAGE);
        }
    };
    if args.out.exists() && !args.force {
        eprintln!(
            "itl: {} exists; give --force to replace it or --out another file",
            args.out.display()
        );
        return Ok(exit::FAILURE);
    }
    let confirm = if args.yes {
        Confirm::Yes
    } else if std::io::stdin().is_terminal() {
        Confirm::Ask
    } else {
        Confirm::Impossible
    };
    let opts = OnboardOptions {
        ssh_port: args.ssh_port,
        tftp_port: args.tftp_port,
        tftp_http_port: args.tftp_http_port,
        ..OnboardOptions::default()
    };
    let runtime = super::runtime()?;

    // 1. The publisher's certificate.
    let cert = runtime
        .block_on(onboard::probe_publisher(&publisher, &opts))
        .with_context(|| format!("publisher {}", args.publisher))?;
    println!(
        "Publisher {} presents this TLS (Tomcat) certificate:",
        publisher.base_url()
    );
    print_certificate(&cert, "  ");
    match expected {
        Some(fp) if fp != cert.fingerprint => {
            eprintln!(
                "itl: the publisher's certificate has SHA-256 {}, not {fp} as --accept-fingerprint says: not trusted, nothing written",
                cert.fingerprint
            );
            return Ok(exit::FAILURE);
        }
        Some(_) => println!("Trusted: it matches --accept-fingerprint."),
        None => {
            if !confirmed(confirm, "Trust this certificate?")? {
                return Ok(exit::FAILURE);
            }
        }
    }

    // 2. Discovery, trusting that certificate only.
    let source = SecretSource {
        file: args.password_file.clone(),
        env: Some(DEFAULT_PASSWORD_ENV.to_owned()),
        prompt: format!("Password of {} on {}: ", args.user, publisher.host),
    };
    let password = if std::io::stdin().is_terminal() {
        read_secret(&source, Some(&prompt_password))
    } else {
        read_secret(&source, None)
    }?;
    let credentials = Credentials::new(args.user.clone(), password);
    let found = runtime
        .block_on(onboard::discover(
            &publisher,
            cert.fingerprint,
            &credentials,
            &opts,
        ))
        .context("cannot discover the cluster")?;
    print_discovery(&found);
    if !confirmed(
        confirm,
        &format!("Pin these fingerprints and write {}?", args.out.display()),
    )? {
        return Ok(exit::FAILURE);
    }

    // 3. The file.
    let name = args.name.clone().unwrap_or_else(|| {
        found
            .nodes
            .iter()
            .find(|n| n.publisher)
            .map_or_else(|| publisher.host.clone(), |n| n.name.clone())
    });
    let section = ClusterSection {
        phone_http_port: args.phone_http_port,
        os_user: Some(args.os_user.clone()),
        os_password_env: Some(DEFAULT_OS_PASSWORD_ENV.to_owned()),
        ..ClusterSection::new(name, args.user.clone())
    };
    let file = found.cluster_file(section);
    file.validate()
        .context("the discovered cluster file is not valid")?;
    file.save(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "Wrote {}: {} nodes, AXL schema {}. Commands read the password of {} from {DEFAULT_PASSWORD_ENV} and that of {} from {DEFAULT_OS_PASSWORD_ENV}.",
        args.out.display(),
        file.nodes.len(),
        found.axl_version,
        args.user,
        args.os_user
    );
    Ok(exit::OK)
}

/// Asks `question` on the terminal (`--yes`: accepted; no terminal: refused, saying so).
fn confirmed(confirm: Confirm, question: &str) -> Result<bool> {
    match confirm {
        Confirm::Yes => {
            println!("{question} yes (--yes)");
            Ok(true)
        }
        Confirm::Impossible => {
            eprintln!(
                "itl: {question} No terminal to answer on: give --yes (or --accept-fingerprint SHA256 for the publisher's certificate) to trust what is shown; nothing written"
            );
            Ok(false)
        }
        Confirm::Ask => {
            eprint!("{question} [y/N] ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the answer")?;
            let yes = matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes");
            if !yes {
                eprintln!("itl: not trusted; nothing written");
            }
            Ok(yes)
        }
    }
}

fn print_certificate(cert: &PresentedCertificate, indent: &str) {
    println!("{indent}subject  {}", cert.subject);
    println!(
        "{indent}issuer   {}{}",
        cert.issuer,
        if cert.is_self_signed() {
            " (self-signed)"
        } else {
            ""
        }
    );
    println!(
        "{indent}valid    {} to {}",
        cert.not_before.to_rfc3339(),
        cert.not_after.to_rfc3339()
    );
    println!("{indent}SHA-256  {}", cert.fingerprint);
}

fn print_discovery(found: &Discovery) {
    println!(
        "CUCM {} (AXL schema {}), {} nodes:",
        found.release,
        found.axl_version,
        found.nodes.len()
    );
    for n in &found.nodes {
        let services: Vec<&str> = n.services.iter().map(|s| s.plan_name()).collect();
        println!(
            "  {} ({}, {}) services: {}",
            n.name,
            n.address,
            if n.publisher {
                "publisher"
            } else {
                "subscriber"
            },
            if services.is_empty() {
                "none".to_owned()
            } else {
                services.join(", ")
            }
        );
        print_certificate(&n.certificate, "    tomcat ");
        println!(
            "    ssh host key  {}",
            n.ssh_host_key
                .as_deref()
                .unwrap_or("(none: SSH did not answer)")
        );
    }
    if found.dependants.is_empty() {
        println!("IM and Presence nodes (dependants): none");
    } else {
        println!("IM and Presence nodes (dependants, not in the trust lists):");
        for d in &found.dependants {
            println!("  {}", d.name);
        }
    }
    for w in &found.warnings {
        eprintln!("itl: warning: {w}");
    }
}
