//! Writes fuzzing seeds from what the simulator serves: phone pages of every model family,
//! admin-CLI outputs (alone, and as whole shell sessions for the shell machine), SOAP
//! messages built by the codecs the simulator's servers use, and TFTP packets.
//!
//! ```text
//! cargo run -p itl-sim --example fuzz_seeds -- /tmp/seeds
//! ```
//!
//! Writes `<dir>/<target>/<name>` for the targets `phone_page`, `admin_cli_output`,
//! `ssh_shell`, `soap_response` and `tftp_packet` (see `fuzz/seed.sh`, which adds the
//! fixtures and documented examples and minimises the corpora).

use std::path::{Path, PathBuf};

use itl_core::cucm::{CertUnit, ServiceStatus};
use itl_sim::phone::PhoneModel;
use itl_sim::phone::pages::{Page, PageData, render};
use itl_sim::server::ssh::outputs;
use itl_sim::{Cluster, SimOptions};
use itl_wire::soap::control_center::{
    self, ControlType, ServiceInfo, ServiceInformation, control_services_response,
    service_status_response,
};
use itl_wire::soap::risport::{
    self, CmDevice, DeviceIp, Httpd, RegistrationStatus, SelectCmDeviceRequest,
    SelectCmDeviceResult,
};
use itl_wire::soap::{axl, envelope};
use itl_wire::tftp::{ErrorCode, Packet, Request, TftpOption};

const MODELS: [PhoneModel; 22] = [
    PhoneModel::Cp7811,
    PhoneModel::Cp7821,
    PhoneModel::Cp7841,
    PhoneModel::Cp7861,
    PhoneModel::Cp8811,
    PhoneModel::Cp8841,
    PhoneModel::Cp8845,
    PhoneModel::Cp8851,
    PhoneModel::Cp8861,
    PhoneModel::Cp8865,
    PhoneModel::Cp7940,
    PhoneModel::Cp7960,
    PhoneModel::Cp7942,
    PhoneModel::Cp7945,
    PhoneModel::Cp7962,
    PhoneModel::Cp7965,
    PhoneModel::Cp7975,
    PhoneModel::Cp9951,
    PhoneModel::Cp9971,
    PhoneModel::Cp8945,
    PhoneModel::Cp6921,
    PhoneModel::Dx80,
];

const PAGES: [(Page, &str); 6] = [
    (Page::NetworkSetup, "network-setup"),
    (Page::StatusMessages, "status-messages"),
    (Page::DeviceInformation, "device-information"),
    (Page::Security, "security"),
    (Page::DeviceInformationX, "device-information-x"),
    (Page::NetworkConfigurationX, "network-configuration-x"),
];

fn write(dir: &Path, target: &str, name: &str, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    let sub = dir.join(target);
    std::fs::create_dir_all(&sub)?;
    std::fs::write(sub.join(name), bytes)
}

fn pages(dir: &Path, cluster: &Cluster) -> std::io::Result<()> {
    let Some(base) = PageData::of(cluster, 0) else {
        return Ok(());
    };
    for model in MODELS {
        let mut data = base.clone();
        data.model = model;
        data.messages = vec![
            (1_748_700_000, "Trust List Updated".into()),
            (1_748_700_005, "ITL installed".into()),
            (1_748_700_010, "CTL File Authentication Failed".into()),
            (1_748_700_020, "SEPAABBCCDDEEFF.cnf.xml.sgn".into()),
        ];
        for (page, name) in PAGES {
            let (_, body) = render(page, &data);
            write(dir, "phone_page", &format!("{model:?}-{name}"), body)?;
        }
    }
    Ok(())
}

/// The commands of the shell harness (`fuzz/checks/ssh_shell.rs`), in its order, with the
/// simulator's output of each.
fn cli_outputs(c: &Cluster) -> Vec<(&'static str, String, Vec<String>)> {
    let regen = include_str!("../../itl-wire/tests/transcripts/regen_tomcat.txt")
        .lines()
        .map(str::to_owned)
        .collect();
    let sql = outputs::sql(c, "select name from device").unwrap_or_else(|e| e);
    let own = outputs::cert_own(c, 0, CertUnit::CallManager).unwrap_or_default();
    vec![
        ("show_itl", "show itl".into(), outputs::show_itl(c, 0)),
        ("regen_tomcat", "set cert regen tomcat".into(), regen),
        (
            "service_list",
            "utils service list".into(),
            outputs::service_list(c, 0),
        ),
        ("sql", "run sql select name from device".into(), sql),
        (
            "replication",
            "utils dbreplication runtimestate".into(),
            outputs::replication(c, 0),
        ),
        (
            "backup_history",
            "utils disaster_recovery history backup".into(),
            outputs::backup_history(c),
        ),
        (
            "cert_list_own",
            "show cert list own".into(),
            outputs::cert_list_own(c, 0),
        ),
        (
            "cert_own",
            "show cert own CallManager/CallManager.pem".into(),
            own,
        ),
        ("version", "show version active".into(), outputs::version(c)),
        (
            "network_cluster",
            "show network cluster".into(),
            outputs::network_cluster(c),
        ),
        ("ntp", "utils ntp status".into(), outputs::ntp(c, 0)),
        ("fips", "utils fips status".into(), outputs::fips(c, 0)),
        (
            "cert_list_trust",
            "show cert list trust".into(),
            outputs::cert_list_trust(c, 0),
        ),
        ("show_ctl", "show ctl".into(), outputs::show_ctl(c)),
    ]
}

fn crlf(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(l);
        out.push_str("\r\n");
    }
    out
}

fn cli(dir: &Path, c: &Cluster) -> std::io::Result<()> {
    let commands = cli_outputs(c);
    for (name, line, lines) in &commands {
        write(dir, "admin_cli_output", name, crlf(lines))?;
        // As the shell sees it: echo, output, prompt.
        write(
            dir,
            "admin_cli_output",
            &format!("{name}-echo"),
            format!("admin:{line}\r\n{}admin:", crlf(lines)),
        )?;
    }
    // Whole sessions for the shell machine: pieces separated by NUL (one read each).
    let banner = "\r\n   Welcome to the Platform Command Line Interface\r\n\r\nVMware Installation:\r\n\t2 vCPU: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\r\n\r\nActive Master Version: 14.0.1.12900-161\r\n\r\n";
    let pagination = "set cli pagination off\r\nAutomatic pagination is turned off\r\n\r\nadmin:";
    for take in [1, 2, 4, commands.len()] {
        let mut session = Vec::new();
        session.extend_from_slice(banner.as_bytes());
        session.push(0);
        session.extend_from_slice(b"admin:");
        session.push(0);
        session.extend_from_slice(pagination.as_bytes());
        for (name, line, lines) in commands.iter().take(take) {
            session.push(0);
            session.extend_from_slice(format!("{line}\r\n").as_bytes());
            if *name == "regen_tomcat" {
                // The confirmation, then time for the keystrokes, then the rest.
                let text = crlf(lines);
                let (ask, rest) = text.split_at(text.find("(yes|no)?").map_or(0, |i| i + 9));
                session.extend_from_slice(ask.as_bytes());
                session.extend_from_slice(&[0, 0, 0]);
                session.extend_from_slice(rest.as_bytes());
            } else {
                session.extend_from_slice(crlf(lines).as_bytes());
            }
            session.extend_from_slice(b"admin:");
        }
        write(dir, "ssh_shell", &format!("session-{take}"), &session)?;
    }
    // A paged output (both pager styles) and a session that never shows a prompt.
    let mut paged = Vec::new();
    paged.extend_from_slice(b"admin:\0");
    paged.extend_from_slice(pagination.as_bytes());
    paged.extend_from_slice(b"\0show itl\r\nline one\r\n\x1b[7mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K\0more\r\n (lines 1 - 20 of 40) :\0last\r\nadmin:");
    write(dir, "ssh_shell", "paged", paged)?;
    write(
        dir,
        "ssh_shell",
        "no-prompt",
        format!("{banner}\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
    )?;
    Ok(())
}

fn soap(dir: &Path) -> std::io::Result<()> {
    let rows = vec![
        vec![
            ("name", "SEP0011223344AA"),
            ("description", "Lobby & <front>"),
            ("tkmodel", "36670"),
        ],
        vec![
            ("name", "SEPAABBCCDDEEFF"),
            ("description", ""),
            ("tkmodel", ""),
        ],
    ];
    write(
        dir,
        "soap_response",
        "axl-rows",
        axl::sql_response("14.0", rows),
    )?;
    write(
        dir,
        "soap_response",
        "axl-empty",
        axl::sql_response::<Vec<(&str, &str)>, &str, &str>("12.5", vec![]),
    )?;
    write(
        dir,
        "soap_response",
        "axl-too-large",
        axl::query_too_large_fault(250_000, 8_000),
    )?;
    write(
        dir,
        "soap_response",
        "axl-fault",
        axl::fault_response(-1, "Syntax error"),
    )?;
    write(
        dir,
        "soap_response",
        "axl-request",
        axl::sql_request(
            "14.0",
            "select skip 0 first 100 name from device order by name",
        ),
    )?;
    let mut d = CmDevice::new(
        "SEP0011223344AA",
        "ucm-sub1",
        RegistrationStatus::Registered,
    );
    d.ip_addresses = vec![DeviceIp {
        ip: "10.1.2.3".into(),
        addr_type: Some("ipv4".into()),
        attribute: Some("AdministrativeAndSignaling".into()),
    }];
    d.httpd = Some(Httpd::Yes);
    d.model = Some(36670);
    d.active_load_id = Some("sip88xx.14-2-1-0001-14".into());
    d.time_stamp = Some(1_748_700_000);
    let mut e = CmDevice::new(
        "SEPAABBCCDDEEFF",
        "ucm-pub",
        RegistrationStatus::UnRegistered,
    );
    e.httpd = Some(Httpd::No);
    let mut result = SelectCmDeviceResult::from_devices([d, e]);
    result.state_info = Some("<StateInfo><Node Name=\"ucm-pub\"/></StateInfo>".into());
    write(
        dir,
        "soap_response",
        "risport-select",
        risport::select_response(&result),
    )?;
    write(
        dir,
        "soap_response",
        "risport-rate-limit",
        risport::rate_limit_fault(15),
    )?;
    if let Ok(request) = SelectCmDeviceRequest::by_names(["SEP0011223344AA", "SEP*"]).to_xml() {
        write(dir, "soap_response", "risport-request", request)?;
    }
    let mut stopped = ServiceInfo::new("Cisco CallManager", ServiceStatus::Stopped);
    stopped.reason_code = Some(-1_068);
    stopped.reason = Some("Service Not Activated".into());
    let info = ServiceInformation::with_services(vec![
        ServiceInfo::new("Cisco Tftp", ServiceStatus::Started),
        stopped,
    ]);
    write(
        dir,
        "soap_response",
        "control-status",
        service_status_response(&info),
    )?;
    write(
        dir,
        "soap_response",
        "control-do",
        control_services_response(&info),
    )?;
    write(
        dir,
        "soap_response",
        "control-request",
        control_center::do_control_services_request(
            "ucm-pub",
            ControlType::Restart,
            &["Cisco Tftp"],
        ),
    )?;
    write(
        dir,
        "soap_response",
        "fault",
        envelope::fault_response("soapenv:Server", "Internal error"),
    )?;
    Ok(())
}

fn tftp(dir: &Path) -> std::io::Result<()> {
    let rrq = Packet::Rrq(Request {
        filename: "ITLFile.tlv".into(),
        mode: "octet".into(),
        options: vec![
            TftpOption::new("blksize", "1428"),
            TftpOption::new("tsize", "0"),
            TftpOption::new("timeout", "3"),
        ],
    });
    let packets = [
        ("rrq", rrq),
        (
            "oack",
            Packet::Oack(vec![
                TftpOption::new("blksize", "1428"),
                TftpOption::new("tsize", "5438"),
            ]),
        ),
        (
            "data",
            Packet::Data {
                block: 1,
                data: b"\x01\x01\x00\x02\x01\x02\x02\x00\x02\x00\x00",
            },
        ),
        ("ack", Packet::Ack { block: 65_535 }),
        (
            "error",
            Packet::Error {
                code: ErrorCode(1),
                message: "File not found".into(),
            },
        ),
    ];
    for (name, packet) in packets {
        if let Ok(bytes) = packet.encode() {
            write(dir, "tftp_packet", name, bytes)?;
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: fuzz_seeds OUTPUT_DIR")?,
    );
    let cluster = Cluster::build(&SimOptions {
        nodes: 2,
        phones: 4,
        key_bits: 1024,
        ..SimOptions::default()
    })?;
    pages(&dir, &cluster)?;
    cli(&dir, &cluster)?;
    soap(&dir)?;
    tftp(&dir)?;
    println!("seeds written to {}", dir.display());
    Ok(())
}
