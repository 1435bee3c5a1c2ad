//! Admin-CLI output check (target `admin_cli_output`, replayed by
//! `itl-wire/tests/fuzz_corpus.rs`): any bytes a server prints, cleaned as the terminal
//! cleaner cleans them (whole, and fed in two chunks: both give the same text), then through
//! every typed output parser and line recogniser (`parsers`, which
//! `itl-wire/tests/admin_cli_roundtrip.rs` also runs on uncleaned text). Nothing may panic;
//! the cleaned text holds no control character but `\n` and `\t`; every error names a line
//! of the text.

use itl_wire::admin_cli::parse::{
    ParseError, backup, cert_list, cert_own, outcome, replication, service, sql, sso, system,
    trust_list, upgrade,
};
use itl_wire::admin_cli::recognise;
use itl_wire::admin_cli::text::{Cleaner, clean};

fn line_ok<T>(result: Result<T, ParseError>, lines: usize) {
    if let Err(e) = result {
        assert!(e.line <= lines, "line {} of {lines}", e.line);
        assert!(
            e.text.chars().count() <= 201,
            "error text {} chars",
            e.text.len()
        );
    }
}

/// Checks one input.
pub fn check(data: &[u8]) {
    let text = clean(data);
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "control character left in {text:?}"
    );
    // The same bytes in two chunks clean to the same text.
    let cut = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let (a, b) = data.split_at(cut);
    let mut cleaner = Cleaner::new();
    let mut chunked = cleaner.feed(a);
    chunked.push_str(&cleaner.feed(b));
    chunked.push_str(&cleaner.flush());
    assert_eq!(chunked, text, "split at {cut}");
    parsers(&text);
}

/// Runs `text` through every typed output parser and line recogniser: nothing may panic;
/// every error names a line of the text.
pub fn parsers(text: &str) {
    let lines = text.lines().count();
    line_ok(replication::parse(text), lines);
    line_ok(backup::parse(text), lines);
    line_ok(service::parse_list(text), lines);
    line_ok(service::parse_restart(text, "Cisco Tftp"), lines);
    line_ok(cert_list::parse(text), lines);
    line_ok(cert_own::parse(text), lines);
    line_ok(trust_list::parse(text), lines);
    if let Ok(trust_list::ShowTrustList::Present(list)) = trust_list::parse(text) {
        assert!(list.records.len() <= lines);
        for r in &list.records {
            let _ = (
                r.function(),
                r.serial(),
                r.subject(),
                r.issuer(),
                r.dns_name(),
            );
            let _ = r.certificate_sha1();
        }
    }
    line_ok(sql::parse(text), lines);
    line_ok(system::parse_version(text), lines);
    line_ok(system::parse_network_cluster(text), lines);
    line_ok(system::parse_ntp(text), lines);
    line_ok(system::parse_fips(text), lines);
    line_ok(outcome::parse_regen(text, "CallManager"), lines);
    line_ok(outcome::parse_ctl_update(text), lines);
    line_ok(outcome::parse_itl_reset(text), lines);
    line_ok(outcome::parse_ctl_reset(text), lines);
    line_ok(outcome::parse_ipsec_restart(text), lines);
    line_ok(service::parse_service_state(text, "Cisco Tftp"), lines);
    line_ok(upgrade::parse_version_inactive(text), lines);
    line_ok(upgrade::parse_upgrade_status(text), lines);
    line_ok(sso::parse(text), lines);
    let _ = outcome::parse_pagination_off(text);
    for line in text.lines() {
        let _ = recognise::bare_prompt(line);
        let _ = recognise::prompt(line, Some("admin"));
        let _ = recognise::prompt(line, None);
        let _ = recognise::pager(line);
        let _ = recognise::confirmation(line);
        let _ = recognise::failure_marker(line);
        let _ = recognise::privilege_refused(line);
        let _ = recognise::banner(line);
        let _ = recognise::pagination_off(line);
        let _ = service::service_line(line);
    }
}
