//! Inventory and health commands. (inferred) The documents give no transcript of any of
//! them; the formats below are what we expect and test, each parser tolerant.
//!
//! `show version active` (inferred):
//! ```text
//! Active Master Version: 14.0.1.13900-155
//! Active Version Installed Software Options:
//! No Installed Software Options Found.
//! ```
//!
//! `show network cluster` (inferred): one line per node, `<ip> <fqdn> <host> <role> …`
//! (role `Publisher`/`Subscriber`; the rest as printed, `authenticated` read), then an
//! optional `Server Table (processnode) Entries` section, one entry per line after a dashes
//! line:
//! ```text
//! 10.0.0.1 ucm-pub.example.com ucm-pub Publisher callmanager DBPub authenticated
//! 10.0.0.2 ucm-sub1.example.com ucm-sub1 Subscriber callmanager DBSub authenticated using TCP since Mon Jan  6 10:00:00 2025
//!
//! Server Table (processnode) Entries
//! ----------------------------------
//! ucm-pub.example.com
//! 10.0.0.2
//! ```
//!
//! `utils ntp status` (inferred): `ntpd … is running`, an `ntpq`-style peer table (heading
//! `remote refid st …`, a `====` line, rows with a tally character), then
//! `synchronised to NTP server (<ip>) at stratum <n>` or `unsynchronised`, and the current
//! time lines (ignored).
//!
//! `utils fips status` (inferred): a sentence saying the system operates in FIPS or
//! NON-FIPS mode (`The system is operating in NON-FIPS Mode`); also read: `FIPS mode is
//! enabled|disabled`.

use std::net::IpAddr;

use super::{ParseError, body, has};

/// `show version active`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    /// The full version (`14.0.1.13900-155`).
    pub version: String,
    /// First number (`14`).
    pub major: u32,
    /// Second number (`0`).
    pub minor: u32,
    /// Installed options (COP files), when listed.
    pub options: Vec<String>,
}

/// Parses `show version active` (inferred).
pub fn parse_version(text: &str) -> Result<VersionInfo, ParseError> {
    const WHAT: &str = "show version active";
    let lines = body(text);
    let mut version: Option<(String, u32, u32)> = None;
    let mut options = Vec::new();
    let mut in_options = false;
    for line in &lines {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if has(t, "active master version:") || has(t, "active version:") {
            let v = t.rsplit(':').next().unwrap_or_default().trim();
            let mut nums = v.split(['.', '-']);
            let major = nums.next().and_then(|n| n.parse().ok());
            let minor = nums.next().and_then(|n| n.parse().ok());
            let (Some(major), Some(minor)) = (major, minor) else {
                return Err(ParseError::at(WHAT, line, "unreadable version number"));
            };
            version = Some((v.to_owned(), major, minor));
        } else if has(t, "installed software options") {
            in_options = true;
        } else if in_options && !has(t, "no installed software options") {
            options.push(t.to_owned());
        }
    }
    let (version, major, minor) =
        version.ok_or_else(|| ParseError::missing(WHAT, "no 'Active Master Version:' line"))?;
    Ok(VersionInfo {
        version,
        major,
        minor,
        options,
    })
}

/// One node of `show network cluster`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterNode {
    /// IP address.
    pub ip: IpAddr,
    /// FQDN as printed.
    pub fqdn: String,
    /// Host name.
    pub host: String,
    /// `Publisher`, `Subscriber` or as printed.
    pub role: String,
    /// Whether the line says `authenticated` (and not `not authenticated`).
    pub authenticated: bool,
    /// The whole line's remainder after the role.
    pub details: String,
}

/// `show network cluster`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NetworkCluster {
    /// Node lines.
    pub nodes: Vec<ClusterNode>,
    /// `Server Table (processnode) Entries`.
    pub processnode: Vec<String>,
}

/// Parses `show network cluster` (inferred).
pub fn parse_network_cluster(text: &str) -> Result<NetworkCluster, ParseError> {
    const WHAT: &str = "show network cluster";
    let mut out = NetworkCluster::default();
    let mut in_table = false;
    for line in body(text) {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if has(t, "server table (processnode) entries") {
            in_table = true;
            continue;
        }
        if in_table {
            if !t.chars().all(|c| c == '-') {
                out.processnode.push(t.to_owned());
            }
            continue;
        }
        let tokens: Vec<&str> = t.split_whitespace().collect();
        let ip = tokens.first().and_then(|ip| ip.parse::<IpAddr>().ok());
        let (Some(ip), Some(fqdn), Some(host), Some(role)) =
            (ip, tokens.get(1), tokens.get(2), tokens.get(3))
        else {
            return Err(ParseError::at(
                WHAT,
                &line,
                "expected '<ip> <fqdn> <host> <role> …'",
            ));
        };
        let details = tokens.get(4..).unwrap_or_default().join(" ");
        let lower = details.to_ascii_lowercase();
        out.nodes.push(ClusterNode {
            ip,
            fqdn: (*fqdn).to_owned(),
            host: (*host).to_owned(),
            role: (*role).to_owned(),
            authenticated: lower.contains("authenticated") && !lower.contains("not authenticated"),
            details,
        });
    }
    if out.nodes.is_empty() {
        return Err(ParseError::missing(WHAT, "no node line"));
    }
    Ok(out)
}

/// One NTP peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NtpPeer {
    /// The tally character (`*` selected, `+` candidate…), when any.
    pub tally: Option<char>,
    /// Remote.
    pub remote: String,
    /// Reference ID.
    pub refid: String,
    /// Stratum, when a number.
    pub stratum: Option<u8>,
}

/// `utils ntp status`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NtpStatus {
    /// `ntpd … is running`.
    pub running: bool,
    /// Synchronised to a server.
    pub synchronised: bool,
    /// The server it is synchronised to.
    pub server: Option<String>,
    /// Its stratum.
    pub stratum: Option<u8>,
    /// Peer rows.
    pub peers: Vec<NtpPeer>,
}

/// Parses `utils ntp status` (inferred).
pub fn parse_ntp(text: &str) -> Result<NtpStatus, ParseError> {
    const WHAT: &str = "utils ntp status";
    let mut out = NtpStatus::default();
    let mut seen_state = false;
    let mut in_peers = false;
    for line in body(text) {
        let t = line.text.trim();
        if t.is_empty() {
            in_peers = false;
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("ntpd") || lower.contains("ntpd (pid") {
            out.running = lower.contains("is running");
            seen_state = true;
        } else if lower.starts_with("remote") && lower.contains("refid") {
            in_peers = false;
        } else if t.chars().all(|c| c == '=') {
            in_peers = true;
        } else if in_peers {
            let (tally, rest) = match t.chars().next() {
                Some(c) if "*+-#.".contains(c) => {
                    (Some(c), t.get(c.len_utf8()..).unwrap_or_default())
                }
                _ => (None, t),
            };
            let tokens: Vec<&str> = rest.split_whitespace().collect();
            let (Some(remote), Some(refid)) = (tokens.first(), tokens.get(1)) else {
                return Err(ParseError::at(WHAT, &line, "expected a peer row"));
            };
            out.peers.push(NtpPeer {
                tally,
                remote: (*remote).to_owned(),
                refid: (*refid).to_owned(),
                stratum: tokens.get(2).and_then(|s| s.parse().ok()),
            });
        } else if lower.starts_with("unsynchronised") || lower.starts_with("unsynchronized") {
            out.synchronised = false;
            seen_state = true;
        } else if lower.starts_with("synchronised") || lower.starts_with("synchronized") {
            out.synchronised = true;
            seen_state = true;
            out.server = t
                .find('(')
                .and_then(|i| t.get(i + 1..))
                .and_then(|r| r.get(..r.find(')')?))
                .map(str::to_owned);
            out.stratum = lower
                .split("stratum")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok());
        }
    }
    if !seen_state {
        return Err(ParseError::missing(
            WHAT,
            "no 'ntpd … running' or 'synchronised' line",
        ));
    }
    Ok(out)
}

/// `utils fips status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FipsStatus {
    /// FIPS mode on.
    pub enabled: bool,
    /// The sentence read.
    pub line: String,
}

/// Parses `utils fips status` (inferred).
pub fn parse_fips(text: &str) -> Result<FipsStatus, ParseError> {
    const WHAT: &str = "utils fips status";
    for line in body(text) {
        let lower = line.text.trim().to_ascii_lowercase();
        if !lower.contains("fips") {
            continue;
        }
        let off = lower.contains("non-fips")
            || lower.contains("disabled")
            || lower.contains("not enabled");
        let on = lower.contains("operating in fips") || lower.contains("enabled");
        if off || on {
            return Ok(FipsStatus {
                enabled: !off,
                line: line.text.trim().to_owned(),
            });
        }
    }
    Err(ParseError::missing(
        WHAT,
        "no sentence saying FIPS or NON-FIPS mode",
    ))
}
