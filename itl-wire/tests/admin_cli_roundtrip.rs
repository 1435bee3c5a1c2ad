//! `show itl` rendered by `itl_core::render` from fixture files and parsed back; `show cert
//! own` from fixture PEMs; every parser against garbage (never panics), with the checks of
//! the fuzz target `admin_cli_output`.

use itl_core::TrustList;
use itl_core::render::{RenderOptions, render};
use itl_wire::admin_cli::parse::cert_own;
use itl_wire::admin_cli::parse::trust_list::{self, ListWord, ShowTrustList, Verification};
use proptest::prelude::*;

#[path = "../../fuzz/checks/admin_cli_output.rs"]
mod admin_cli_output;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!("{path}: {e}"),
    }
}

fn roundtrip(name: &str, verified: Option<bool>) {
    let bytes = fixture(name);
    let list = TrustList::parse(&bytes).expect("fixture parses");
    let text = render(
        &list,
        &RenderOptions {
            modified: Some("Thu May 07 03:10:47 UTC 2015".into()),
            verified,
        },
    );
    let shown = format!("admin:show itl\n{text}admin:");
    let ShowTrustList::Present(view) = trust_list::parse(&shown).expect("rendering parses") else {
        panic!("{name}: expected a file");
    };
    let sums = list.checksums();
    assert_eq!(view.md5, Some(hex(&sums.md5)), "{name}");
    assert_eq!(view.sha1, Some(hex(&sums.sha1)), "{name}");
    assert_eq!(view.length, bytes.len() as u64);
    assert_eq!(
        view.header_length,
        Some(u32::from(list.header().header_length))
    );
    assert_eq!(view.records.len(), list.records().len(), "{name}");
    for (shown, record) in view.records.iter().zip(list.records()) {
        assert_eq!(shown.number as usize, record.index + 1);
        assert_eq!(
            shown.function().map(str::to_owned),
            record
                .function
                .map(|f| f.cucm_text().into_owned())
                .filter(|f| !f.is_empty())
        );
        assert_eq!(
            shown.serial().map(str::to_owned),
            record.serial.map(|s| s.to_cucm())
        );
        assert_eq!(
            shown.subject().map(str::to_owned),
            record
                .subject
                .map(|s| s.lossy().into_owned())
                .filter(|s| !s.is_empty())
        );
        if let Some(der) = record.certificate_der {
            assert_eq!(
                shown.certificate_sha1(),
                Some(hex(&itl_core::checksum::sha1(der)).to_ascii_uppercase())
            );
        }
    }
    let expected = match verified {
        Some(true) => Verification::Success,
        Some(false) => Verification::Failure(format!(
            "The {} file could not be verified.",
            if view.kind == ListWord::Ctl {
                "CTL"
            } else {
                "ITL"
            }
        )),
        None => Verification::Absent,
    };
    assert_eq!(view.verification, expected, "{name}");
    if let Some(signature) = list.header().signature {
        assert_eq!(view.signature, signature.value, "{name}");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn show_itl_rendered_from_fixtures_parses_back() {
    roundtrip("itl-12-sha512.tlv", Some(true));
    roundtrip("itl-11.5-sha1-2048.tlv", Some(false));
    roundtrip("itl-40-certs.tlv", None);
    roundtrip("itl-certutils-tag28-ec.tlv", Some(true));
    roundtrip("itl-unknown-tags.tlv", Some(true));
    roundtrip("ctl-mixed-sha256.tlv", Some(true));
    roundtrip("ctl-placeholders.tlv", Some(true));
}

#[test]
fn show_itl_kind_comes_from_the_sentences() {
    let bytes = fixture("itl-12-sha512.tlv");
    let list = TrustList::parse(&bytes).expect("parses");
    let text = render(&list, &RenderOptions::default());
    let ShowTrustList::Present(view) = trust_list::parse(&text).expect("parses") else {
        panic!("expected a file");
    };
    assert_eq!(view.kind, ListWord::Itl);
    // The signer flag follows the SAST records only, and exactly one of them signed.
    for r in &view.records {
        let sast = r.function() == Some("System Administrator Security Token");
        assert_eq!(r.signed_the_file.is_some(), sast, "record {}", r.number);
    }
    let signers = view
        .records
        .iter()
        .filter(|r| r.signed_the_file == Some(true))
        .count();
    assert_eq!(signers, 1);
}

#[test]
fn show_cert_own_reads_the_pem() {
    let pem = std::fs::read_to_string(format!(
        "{}/../fixtures/certs/ucm-pub-CallManager.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("pem");
    let output = format!("admin:show cert own CallManager/CallManager.pem\n\n{pem}\nadmin:");
    let cert = cert_own::parse(&output).expect("parses");
    // Independent check with x509-parser on the same PEM.
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("pem");
    assert_eq!(cert.der, block.contents);
    let parsed = block.parse_x509().expect("cert");
    assert_eq!(cert.subject, parsed.subject().to_string());
    assert!(cert.subject.contains("CN="), "{}", cert.subject);
    assert_eq!(cert.not_after, parsed.validity().not_after.timestamp());
    assert_eq!(cert.key_bits, 2048);
    assert_eq!(cert.serial.split(':').count(), parsed.raw_serial().len());
    assert_eq!(
        cert.public_key_sha256,
        itl_core::checksum::sha256(parsed.public_key().raw)
    );
    // The fixture has no subjectAltName, so no DNS name.
    assert!(matches!(parsed.subject_alternative_name(), Ok(None)));
    assert_eq!(cert.dns_names, Vec::<String>::new());

    let e = cert_own::parse("admin:show cert own tomcat/tomcat.pem\nNo certificate\nadmin:")
        .expect_err("none");
    assert_eq!(e.line, 0);
    let broken = output.replacen("MII", "MIX", 1);
    assert!(cert_own::parse(&broken).is_err());
    let truncated = output.replace("-----END CERTIFICATE-----", "");
    assert!(cert_own::parse(&truncated).is_err());
}

/// Every parser on `text` as it is, then on `text` as bytes through the terminal cleaner.
fn run_all(text: &str) {
    admin_cli_output::parsers(text);
    admin_cli_output::check(text.as_bytes());
}

/// Lines built from the vocabulary of the outputs, so the parsers go deep.
fn vocabulary_line() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Cluster",
        "Detailed",
        "View",
        "from",
        "(2",
        "Servers):",
        "----",
        "(g_2)",
        "(2)",
        "Y/Y/Y",
        "0",
        "0.1",
        "10.0.0.1",
        "Tar",
        "Filename:",
        "x.tar",
        "Fri",
        "Oct",
        "30",
        "14:55:31",
        "CDT",
        "2009",
        "SUCCESS",
        "ERROR",
        "[STARTED]",
        "Cisco",
        "Tftp[",
        "]",
        "Unit:",
        "Name:",
        "tomcat/tomcat.pem:",
        "=====",
        "==",
        "(MD5)",
        "(SHA1)",
        "Length",
        "of",
        "CTL",
        "file:",
        "Record",
        "#:1",
        "12",
        "SIGNATURE",
        "ff",
        "a",
        "etoken",
        "-----BEGIN",
        "CERTIFICATE-----",
        "-----END",
        "MIIB",
        "Active",
        "Master",
        "Version:",
        "14.0",
        "synchronised",
        "stratum",
        "ntpd",
        "FIPS",
        "\u{e9}",
        "\u{1b}[K",
        "\r",
        ":",
        "(lines",
        "1",
        "-",
        "of",
        ")",
        ">>",
        "Return",
        "code",
        "=",
    ]);
    prop::collection::vec(words, 0..12).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_garbage(text in "\\PC{0,400}") {
        run_all(&text);
    }

    #[test]
    fn parsers_never_panic_on_vocabulary(lines in prop::collection::vec(vocabulary_line(), 0..30)) {
        run_all(&lines.join("\n"));
    }

    #[test]
    fn cleaner_never_panics_and_chunking_does_not_matter(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        split in 0usize..300,
    ) {
        let whole = itl_wire::admin_cli::text::clean(&bytes);
        let at = split.min(bytes.len());
        let mut cleaner = itl_wire::admin_cli::text::Cleaner::new();
        let mut chunked = cleaner.feed(&bytes[..at]);
        chunked.push_str(&cleaner.feed(&bytes[at..]));
        chunked.push_str(&cleaner.flush());
        prop_assert_eq!(whole, chunked);
    }
}
