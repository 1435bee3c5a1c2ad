//! The page parsers against pages shaped like real phones' (`tests/pages/`, made from the
//! facts of `cucm-interfaces.md` §8.6): every parsed field of every fixture, exactly.

use itl_cucm::sweep::page::{
    DeviceInfo, MessageKind, MessageTime, NetworkSetup, PageKind, PhoneTime, StatusMessage,
    TrustField, last_trust_message, last_trust_message_since, link_of, page_links,
    parse_device_information, parse_device_information_x, parse_network_setup,
    parse_status_messages,
};

macro_rules! page {
    ($name:literal) => {
        include_str!(concat!("pages/", $name))
    };
}

fn setup(html: &str) -> NetworkSetup {
    parse_network_setup(html.as_bytes()).expect("a text page parses")
}

fn messages(html: &str) -> Vec<(String, String, MessageKind)> {
    parse_status_messages(html.as_bytes())
        .expect("a text page parses")
        .into_iter()
        .map(|m| (m.time.to_string(), m.text, m.kind))
        .collect()
}

fn m(time: &str, text: &str, kind: MessageKind) -> (String, String, MessageKind) {
    (time.to_owned(), text.to_owned(), kind)
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn hash(v: &str) -> Option<TrustField> {
    Some(TrustField::Hash(v.to_owned()))
}

fn absent(v: &str) -> Option<TrustField> {
    Some(TrustField::Absent(v.to_owned()))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn links(html: &str) -> Vec<(String, PageKind)> {
    page_links(html)
        .into_iter()
        .map(|l| (l.path, l.kind))
        .collect()
}

fn link(path: &str, kind: PageKind) -> (String, PageKind) {
    (path.to_owned(), kind)
}

#[test]
fn p78xx_three_cell_upper_case_installed_and_signature() {
    let got = setup(page!("78xx-network-setup.html"));
    assert_eq!(
        got,
        NetworkSetup {
            itl_file: Some(TrustField::Installed),
            itl_signature: hash("bd03528c7e15d62b4490a13c5f08e76219c4ae3b"),
            ctl_file: absent("Not Installed"),
            ctl_signature: None,
            tftp_server_1: s("10.0.0.11"),
            tftp_server_2: None,
            tvs: strings(&["cucm-sub1.corp.example", "cucm-sub2.corp.example"]),
            tvs_row: true,
            security_mode: s("Non-secure"),
            host_name: s("SEP00562B04A1C5"),
        }
    );
    assert!(got.trust_fields_present());
    assert_eq!(
        got.itl_hashes(),
        vec!["bd03528c7e15d62b4490a13c5f08e76219c4ae3b"]
    );
    assert_eq!(got.ctl_hash(), None);
    assert_eq!(
        links(page!("78xx-network-setup.html")),
        vec![
            link(
                "/CGI/Java/Serviceability?adapter=device.statistics.device",
                PageKind::DeviceInformation
            ),
            link(
                "/CGI/Java/Serviceability?adapter=device.statistics.configuration",
                PageKind::NetworkSetup
            ),
            link(
                "/CGI/Java/Serviceability?adapter=device.statistics.port.network",
                PageKind::Other
            ),
            link(
                "/CGI/Java/Serviceability?adapter=device.statistics.consolelog",
                PageKind::Other
            ),
            link(
                "/CGI/Java/Serviceability?adapter=device.settings.status.messages",
                PageKind::StatusMessages
            ),
        ]
    );
}

#[test]
fn p78xx_dated_status_messages() {
    let html = page!("78xx-status-messages.html");
    assert_eq!(
        messages(html),
        vec![
            m(
                "2025-05-31T23:58:02",
                "File Not Found <CTLFile.tlv>",
                MessageKind::FileNotFound
            ),
            m(
                "2025-05-31T23:58:04",
                "ITL installed",
                MessageKind::ItlInstalled
            ),
            m(
                "2025-06-01T15:00:05",
                "File Not Found <CTLFile.tlv>",
                MessageKind::FileNotFound
            ),
            m(
                "2025-06-01T15:00:07",
                "Trust List updated",
                MessageKind::TrustListUpdated
            ),
            m(
                "2025-06-01T15:00:09",
                "Registered to cucm-sub1",
                MessageKind::Other
            ),
        ]
    );
    let parsed = parse_status_messages(html.as_bytes()).expect("parses");
    assert_eq!(
        last_trust_message(&parsed).map(|m| m.text.as_str()),
        Some("Trust List updated")
    );
}

#[test]
fn p7841_two_cell_rows_and_ctl_signature() {
    let got = setup(page!("7841-network-setup.html"));
    assert_eq!(
        got,
        NetworkSetup {
            itl_file: Some(TrustField::Installed),
            itl_signature: hash("e24f91063ac857bd1260f92e84d37b05c168af49"),
            ctl_file: Some(TrustField::Installed),
            ctl_signature: hash("5a610c9327e4b81d7f30c29548ad06e13b729cd0"),
            tftp_server_1: s("10.0.0.12"),
            tftp_server_2: s("10.0.0.11"),
            tvs: strings(&["cucm-sub2.corp.example", "cucm-sub1.corp.example"]),
            tvs_row: true,
            security_mode: s("Encrypted"),
            host_name: s("SEP2C3124A80F11"),
        }
    );
    assert_eq!(
        got.ctl_hash(),
        Some("5a610c9327e4b81d7f30c29548ad06e13b729cd0")
    );
}

#[test]
fn p88xx_saved_by_a_browser() {
    let html = page!("88xx-network-setup.html");
    assert_eq!(
        setup(html),
        NetworkSetup {
            itl_file: Some(TrustField::Installed),
            itl_signature: hash("07c39a5e21b6f048d26c931ea5703f8be40d5692"),
            ctl_file: absent("Not Installed"),
            ctl_signature: None,
            // Alternate TFTP: server 1 empty, server 2 set.
            tftp_server_1: None,
            tftp_server_2: s("10.0.0.12"),
            tvs: strings(&[
                "cucm-sub1.corp.example",
                "cucm-sub2.corp.example",
                "cucm-sub1.corp.example"
            ]),
            tvs_row: true,
            security_mode: s("Non-secure"),
            host_name: s("SEP70E42273AD58"),
        }
    );
    // The browser made every link absolute: none leads to "this phone".
    assert_eq!(links(html), vec![]);
    assert_eq!(
        messages(page!("88xx-status-messages.html")),
        vec![
            m(
                "2025-06-02T08:59:58",
                "File Not Found <CTLFile.tlv>",
                MessageKind::FileNotFound
            ),
            m(
                "2025-06-02T09:00:05",
                "Trust List update failed",
                MessageKind::TrustListUpdateFailed
            ),
            m(
                "2025-06-02T09:00:06",
                "Registered to cucm-sub1.corp.example",
                MessageKind::Other
            ),
        ]
    );
}

#[test]
fn p8945_hash_on_the_file_row() {
    let got = setup(page!("8945-network-setup.html"));
    assert_eq!(
        got,
        NetworkSetup {
            itl_file: hash("3f8a0e71c429b560d8137ce2469b05ad"),
            itl_signature: None,
            ctl_file: absent("Not Installed"),
            ctl_signature: None,
            tftp_server_1: s("10.0.0.11"),
            tftp_server_2: s("10.0.0.12"),
            tvs: strings(&["cucm-sub1", "cucm-sub2"]),
            tvs_row: true,
            security_mode: s("Non-Secure"),
            host_name: s("SEP1C6A7A0B9E42"),
        }
    );
    assert_eq!(got.itl_hashes(), vec!["3f8a0e71c429b560d8137ce2469b05ad"]);
}

#[test]
fn p7940_no_trust_fields_classic_paths_and_times_of_day() {
    let html = page!("7940-network-configuration.html");
    let got = setup(html);
    assert_eq!(
        got,
        NetworkSetup {
            tftp_server_1: s("10.0.0.11"),
            host_name: s("SEP0003E369A125"),
            ..NetworkSetup::default()
        }
    );
    assert!(!got.trust_fields_present());
    assert!(!got.has_itl_field());
    assert_eq!(
        links(html),
        vec![
            link("/DeviceInformation", PageKind::DeviceInformation),
            link("/NetworkConfiguration", PageKind::NetworkSetup),
            link("/PortInformation?1", PageKind::Other),
            link("/DeviceLog?0", PageKind::StatusMessages),
            link("/DeviceLog?1", PageKind::Other),
            link("/StreamingStatistics?1", PageKind::Other),
        ]
    );
    let status = page!("7940-status-messages.html");
    assert_eq!(
        messages(status),
        vec![
            m(
                "07:56:45",
                "CTL update failed",
                MessageKind::CtlUpdateFailed
            ),
            m(
                "07:56:46",
                "File Not Found : CTLSEP0003E369A125.tlv",
                MessageKind::FileNotFound
            ),
            m(
                "21:52:58",
                "No Trust List Installed",
                MessageKind::NoTrustList
            ),
        ]
    );
    let parsed: Vec<StatusMessage> = parse_status_messages(status.as_bytes()).expect("parses");
    assert!(parsed.iter().all(|m| m.time.date_time().is_none()));
    // The failure cannot be placed against a boot: ambiguous, kept.
    let boot = PhoneTime {
        secs: 1_748_779_200,
    };
    assert_eq!(parsed[0].time.not_before(boot), None);
    assert_eq!(
        last_trust_message_since(&parsed, Some(boot)).map(|m| m.kind),
        Some(MessageKind::CtlUpdateFailed)
    );
    let info = parse_device_information_x(page!("7940-device-information-x.xml").as_bytes())
        .expect("parses");
    assert_eq!(
        info,
        DeviceInfo {
            model: s("CP-7940"),
            load_id: s("P00308010200"),
            version: s("8.1(2.0)"),
            boot_load_id: s("PC03A300"),
            mac: s("0003E369A125"),
            host_name: s("SEP0003E369A125"),
            serial: s("INMXXXXXXX"),
            phone_dn: s("5920"),
        }
    );
}

#[test]
fn p7945_and_p6921_show_no_trust_fields() {
    let cases = [
        (
            "7945",
            page!("7945-network-setup.html"),
            NetworkSetup {
                tftp_server_1: s("10.0.0.12"),
                security_mode: s("Non-Secure"),
                host_name: s("SEP0022905C7A13"),
                ..NetworkSetup::default()
            },
        ),
        (
            "6921",
            page!("6921-network-setup.html"),
            NetworkSetup {
                tftp_server_1: s("10.0.0.11"),
                tftp_server_2: s("10.0.0.12"),
                host_name: s("SEP84B517C33D02"),
                ..NetworkSetup::default()
            },
        ),
    ];
    for (model, html, want) in cases {
        let got = setup(html);
        assert_eq!(got, want, "{model}");
        assert!(!got.trust_fields_present(), "{model}");
    }
}

#[test]
fn p7945_status_messages() {
    assert_eq!(
        messages(page!("7945-status-messages.html")),
        vec![
            m(
                "21:41:12",
                "File Not Found : CTLFile.tlv",
                MessageKind::FileNotFound
            ),
            m(
                "21:41:15",
                "Trust List Updated",
                MessageKind::TrustListUpdated
            ),
            m(
                "07:02:30",
                "Trust List Update Failed",
                MessageKind::TrustListUpdateFailed
            ),
        ]
    );
}

#[test]
fn dx80_adapter_links_and_a_security_page_without_trust_fields() {
    let home = page!("dx80-home.html");
    let home_links = page_links(home);
    assert_eq!(
        links(home),
        vec![
            link(
                "/?adapter=device.statistics.device",
                PageKind::DeviceInformation
            ),
            link(
                "/?adapter=device.statistics.configuration",
                PageKind::NetworkSetup
            ),
            link("/?adapter=device.statistics.security", PageKind::Security),
            link("/?adapter=device.statistics.port.network", PageKind::Other),
            link(
                "/?adapter=device.settings.status.messages",
                PageKind::StatusMessages
            ),
            link("/?adapter=device.statistics.consolelog", PageKind::Other),
        ]
    );
    assert_eq!(
        link_of(&home_links, PageKind::Security).map(|l| l.text.as_str()),
        Some("Security information")
    );
    let info = parse_device_information(home.as_bytes()).expect("device information");
    assert_eq!(
        info,
        DeviceInfo {
            model: s("CP-DX80"),
            load_id: s("sipdx80.10-2-5-207"),
            mac: s("F8A5C59E0712"),
            host_name: s("SEPF8A5C59E0712"),
            serial: s("FOC1905N0QX"),
            phone_dn: s("4711"),
            ..DeviceInfo::default()
        }
    );
    let mut network = setup(page!("dx80-network-setup.html"));
    assert_eq!(
        network,
        NetworkSetup {
            tftp_server_1: s("10.0.0.12"),
            host_name: s("SEPF8A5C59E0712"),
            ..NetworkSetup::default()
        }
    );
    let security = setup(page!("dx80-security.html"));
    assert_eq!(
        security,
        NetworkSetup {
            security_mode: s("Non-secure"),
            ..NetworkSetup::default()
        }
    );
    network.merge(security);
    assert!(
        !network.trust_fields_present(),
        "no page shows a trust field"
    );
    assert_eq!(network.security_mode.as_deref(), Some("Non-secure"));
    assert_eq!(
        messages(page!("dx80-status-messages.html")),
        vec![
            m(
                "2025-06-01T23:58:02",
                "File Not Found <CTLFile.tlv>",
                MessageKind::FileNotFound
            ),
            m(
                "2025-06-01T23:58:04",
                "ITL installed",
                MessageKind::ItlInstalled
            ),
        ]
    );
}

#[test]
fn ip_communicator_redacted_hash_is_unreadable_not_a_hash() {
    let got = setup(page!("ipc-network-configuration.html"));
    assert_eq!(
        got,
        NetworkSetup {
            itl_file: Some(TrustField::Installed),
            itl_signature: Some(TrustField::Unreadable(
                "XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX".into()
            )),
            ctl_file: absent("Not Installed"),
            ctl_signature: None,
            tftp_server_1: s("10.0.0.11"),
            tftp_server_2: None,
            tvs: strings(&["cucm-sub1"]),
            tvs_row: true,
            security_mode: s("Non-Secure"),
            host_name: s("SEP001DE5A3C7F0"),
        }
    );
    assert!(got.trust_fields_present());
    assert_eq!(got.itl_hashes(), Vec::<&str>::new());
}

#[test]
fn nineteen_pairs_are_text_not_a_hash() {
    let got = setup(page!("odd-19-pairs.html"));
    assert_eq!(
        got,
        NetworkSetup {
            itl_file: Some(TrustField::Installed),
            itl_signature: Some(TrustField::Text(
                "BD 03 52 8C 7E 15 D6 2B 44 90 A1 3C 5F 08 E7 62 19 C4 AE".into()
            )),
            ctl_file: Some(TrustField::Installed),
            ctl_signature: Some(TrustField::Text(
                "5A 61 0C 93 27 E4 B8 1D 7F 30 C2 95 48 AD 06 E1 3B 72 9C".into()
            )),
            tftp_server_1: s("cucm-pub"),
            host_name: s("SEP00562B04A1C6"),
            ..NetworkSetup::default()
        }
    );
    assert_eq!(got.itl_hashes(), Vec::<&str>::new());
    assert_eq!(got.ctl_hash(), None);
}

#[test]
fn control_characters_in_status_messages_are_stripped() {
    let html = page!("odd-control-status.html");
    assert!(html.contains('\u{1b}'), "the fixture carries raw ESC bytes");
    let got = messages(html);
    assert_eq!(
        got,
        vec![
            m(
                "2025-06-01T15:00:05",
                "File Not Found <CTLFile.tlv>",
                MessageKind::FileNotFound
            ),
            m(
                "2025-06-01T15:00:07",
                "[2J[1;31mTrust List update failed[0m",
                MessageKind::Other
            ),
            m(
                "2025-06-01T15:00:08",
                "Registered to cucm-sub1 ]0;x",
                MessageKind::Other
            ),
            m(
                "2025-06-01T15:00:09",
                "Phone failed to register. Cert key size is not FIPS compliant.",
                MessageKind::Other
            ),
            m(
                "2025-06-01T15:00:10",
                "invalid file SEP00562B04A1C5.cnf.xml.sgn, authenticated fail. Reason:14.",
                MessageKind::Other
            ),
        ]
    );
    for (_, text, _) in &got {
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    let dated = parse_status_messages(html.as_bytes()).expect("parses");
    assert!(matches!(dated[0].time, MessageTime::At(_)));
}

#[test]
fn hostile_network_setup_fields_lose_their_control_characters() {
    // Escape sequences (clear screen, OSC title, a C1 CSI), BEL, DEL and a character
    // reference to ESC in every field the sweep keeps from a Network Setup page.
    // Real pages are kilobytes long; a page that is more than 1% control bytes is binary.
    let filler = "<tr><td><b>Domain name</b></td><td>example.com</td></tr>".repeat(20);
    let html = "<table>\
        <tr><td><b>TFTP server 1</b></td><td>\u{1b}[2J10.0.0.1\u{7}</td></tr>\
        <tr><td><b>Host name</b></td><td>SEP\u{9b}31m0011\u{7f}223344AA</td></tr>\
        <tr><td><b>Security mode</b></td><td>&#27;]0;pwned&#7;Encrypted</td></tr>\
        <tr><td><b>TVS</b></td><td>ucm-pub\u{1b}[K, ucm-sub1</td></tr>\
        <tr><td><b>ITL file</b></td><td>Inst\u{1b}alled</td></tr>\
        <tr><td><b>ITL signature</b></td><td>\u{1b}[31mmangled\u{1b}[0m</td></tr>"
        .to_owned()
        + &filler
        + "</table>";
    let got = setup(&html);
    assert_eq!(
        got,
        NetworkSetup {
            tftp_server_1: s("[2J10.0.0.1"),
            host_name: s("SEP31m0011223344AA"),
            security_mode: s("]0;pwnedEncrypted"),
            tvs: strings(&["ucm-pub[K", "ucm-sub1"]),
            tvs_row: true,
            itl_file: Some(TrustField::Installed),
            itl_signature: Some(TrustField::Text("[31mmangled[0m".into())),
            ..NetworkSetup::default()
        }
    );
    // Reject twin: the same page without the controls reads the same words.
    let plain = setup(
        "<table><tr><td>TFTP server 1</td><td>10.0.0.1</td></tr>\
         <tr><td>ITL file</td><td>Installed</td></tr></table>",
    );
    assert_eq!(plain.tftp_server_1, s("10.0.0.1"));
    assert_eq!(plain.itl_file, Some(TrustField::Installed));
}

#[test]
fn hostile_device_information_x_loses_its_control_characters() {
    let xml = "<DeviceInformation><MACAddress>0011\u{1b}[2J223344AA</MACAddress>\
        <HostName>SEP0011223344AA&#x1b;]52;c;cm0gLXJm&#x7;</HostName>\
        <modelNumber>CP-8841\u{9b}1m</modelNumber>\
        <appLoadID>sip88xx\u{0}.14-2-1</appLoadID></DeviceInformation>";
    let got = parse_device_information_x(xml.as_bytes()).expect("text");
    assert_eq!(got.mac, s("0011[2J223344AA"));
    assert_eq!(got.host_name, s("SEP0011223344AA]52;c;cm0gLXJm"));
    assert_eq!(got.model, s("CP-88411m"));
    assert_eq!(got.load_id, s("sip88xx.14-2-1"));
    for text in [&got.mac, &got.host_name, &got.model, &got.load_id]
        .into_iter()
        .flatten()
    {
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
}
