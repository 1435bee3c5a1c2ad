//! Phone page check (target `phone_page`, replayed by `itl-cucm/tests/fuzz_corpus.rs`): any
//! bytes through every page parser of a sweep (Network Setup, Status messages, Device
//! Information HTML and `/DeviceInformationX`, the links of a page). Nothing may panic; every
//! text kept is free of control characters and no longer than the page; counts are bounded.

use itl_cucm::sweep::page::{
    MAX_TVS, TrustField, page_links, parse_device_information, parse_device_information_x,
    parse_network_setup, parse_status_messages,
};

fn clean(text: &str, limit: usize) {
    assert!(
        !text.chars().any(char::is_control),
        "control character in {text:?}"
    );
    assert!(
        text.len() <= limit,
        "{} bytes from a {limit}-byte page",
        text.len()
    );
}

fn field(f: &Option<TrustField>, limit: usize) {
    match f {
        Some(
            TrustField::Hash(t)
            | TrustField::Absent(t)
            | TrustField::Unreadable(t)
            | TrustField::Text(t),
        ) => clean(t, limit),
        Some(TrustField::Installed) | None => {}
    }
}

/// Checks one input.
pub fn check(data: &[u8]) {
    // Character references may expand (`&#x10FFFF;` is 4 bytes from 10): bound generously.
    let limit = data.len().saturating_mul(4);
    if let Ok(s) = parse_network_setup(data) {
        for f in [&s.itl_file, &s.itl_signature, &s.ctl_file, &s.ctl_signature] {
            field(f, limit);
        }
        for t in s
            .tftp_server_1
            .iter()
            .chain(&s.tftp_server_2)
            .chain(&s.security_mode)
            .chain(&s.host_name)
            .chain(&s.tvs)
        {
            clean(t, limit);
        }
        assert!(s.tvs.len() <= MAX_TVS);
        let _ = (s.trust_fields_present(), s.itl_hashes(), s.ctl_hash());
    }
    if let Ok(messages) = parse_status_messages(data) {
        assert!(messages.len() <= data.len());
        for m in &messages {
            clean(&m.text, limit);
            assert!(!m.text.is_empty());
        }
    }
    for info in [
        parse_device_information(data),
        parse_device_information_x(data),
    ]
    .into_iter()
    .flatten()
    {
        for t in [
            &info.model,
            &info.load_id,
            &info.version,
            &info.boot_load_id,
            &info.mac,
            &info.host_name,
            &info.serial,
            &info.phone_dn,
        ]
        .into_iter()
        .flatten()
        {
            clean(t, limit);
        }
    }
    let text = String::from_utf8_lossy(data);
    for link in page_links(&text) {
        assert!(
            link.path.starts_with('/') && !link.path.starts_with("//"),
            "{link:?}"
        );
    }
}
