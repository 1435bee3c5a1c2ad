//! Lists against the cluster's current certificates (`fixtures/cluster-certs*`): stale
//! records, missing certificates, the home-node rule, role mismatches.

mod verify_support;

use itl_core::cucm::CertUnit;
use itl_core::verify::{
    ClusterCert, ClusterCerts, ClusterRole, FindingCode, Report, VerifyOptions, verify,
};
use itl_core::{Digest, Function, RecordSpec, TrustList};
use verify_support::*;

fn current() -> ClusterCerts {
    cluster_folder(&root().join("fixtures/cluster-certs"))
}

fn regenerated() -> ClusterCerts {
    cluster_folder(&root().join("fixtures/cluster-certs-tvs-regenerated"))
}

fn against(bytes: &[u8], cluster: ClusterCerts) -> Report {
    let list = TrustList::parse(bytes).unwrap();
    verify(
        &list,
        &VerifyOptions::new(itl_core::UnixTime::from_secs(STAMP)).with_cluster(cluster),
    )
}

/// Findings of the cluster checks only.
fn cluster_findings(report: &Report) -> Vec<(FindingCode, Option<usize>)> {
    report
        .findings
        .iter()
        .filter(|f| {
            [
                FindingCode::StaleRecord,
                FindingCode::MissingCert,
                FindingCode::ClusterRoleMismatch,
            ]
            .contains(&f.code)
        })
        .map(|f| (f.code, f.record))
        .collect()
}

#[test]
fn the_folders_read_as_expected() {
    let set = current();
    let labels: Vec<String> = set.certs.iter().map(ClusterCert::label).collect();
    assert_eq!(
        labels,
        [
            "ucm-pub/CAPF",
            "ucm-pub/CallManager",
            "ucm-pub/ITLRecovery",
            "ucm-pub/TVS",
            "ucm-pub/tomcat",
            "ucm-sub1/CallManager",
            "ucm-sub1/TVS",
        ]
    );
    assert_eq!(set.nodes(), ["ucm-pub", "ucm-sub1"]);
    assert_eq!(set.certs[5].der, cert("ucm-sub1-CallManager"));
    let regen = regenerated();
    assert_eq!(regen.certs[6].der, cert("ucm-sub1-TVS-regenerated"));
    assert_ne!(regen.certs[6].der, set.certs[6].der);
}

#[test]
fn matching_set_gives_no_findings() {
    for name in [
        "itl-11.5-sha1-2048.tlv",
        "itl-12-sha512.tlv",
        "ctl-mixed-sha256.tlv",
        "ctl-placeholders.tlv",
    ] {
        let report = against(&fixture(name), current());
        assert_eq!(cluster_findings(&report), [], "{name}");
        assert_eq!(problems(&report), [], "{name}");
        assert!(report.is_valid(), "{name}");
    }
}

#[test]
fn regenerated_tvs_gives_one_stale_record_and_one_missing_cert() {
    for name in ["itl-11.5-sha1-2048.tlv", "itl-12-sha512.tlv"] {
        let report = against(&fixture(name), regenerated());
        assert_eq!(
            problems(&report),
            [
                (FindingCode::StaleRecord, Some(5)),
                (FindingCode::MissingCert, None)
            ],
            "{name}"
        );
        assert!(!report.is_valid());
        let stale = report.with_code(FindingCode::StaleRecord).next().unwrap();
        assert_eq!(
            stale.message,
            "TVS certificate `CN=TVS-ucm-sub1;OU=UC;O=Example Health;L=Durham;ST=NC;C=US` \
             (SHA-256 79ab776c5a6a53a6) is not among the cluster's current certificates"
        );
        let missing = report.with_code(FindingCode::MissingCert).next().unwrap();
        let new_hash =
            hex::encode(&itl_core::checksum::sha256(&cert("ucm-sub1-TVS-regenerated"))[..8]);
        assert_eq!(
            missing.message,
            format!(
                "the cluster's ucm-sub1/TVS certificate (SHA-256 {new_hash}) is not in the ITL"
            )
        );
    }
    // A CTL never carries TVS: the regeneration does not concern it.
    for name in ["ctl-mixed-sha256.tlv", "ctl-placeholders.tlv"] {
        let report = against(&fixture(name), regenerated());
        assert_eq!(problems(&report), [], "{name}");
    }
}

#[test]
fn an_itl_of_another_cluster_identity_is_all_stale() {
    // Signed by the 1024-bit CallManager certificate, which the cluster no longer has: its
    // SAST and TFTP records are stale and the current CallManager certificate of ucm-pub
    // (the node named by the TFTP record's DNSNAME) is missing.
    let report = against(&fixture("itl-11.5-sha1-1024.tlv"), current());
    assert_eq!(problems(&report), SIGNER_STALE_AND_MISSING);
    assert!(missing_cert(&report).starts_with("the cluster's ucm-pub/CallManager certificate"));
}

/// What an ITL signed by a CallManager certificate the cluster no longer has gives: its SAST
/// and TFTP records are stale and a current CallManager certificate is missing.
const SIGNER_STALE_AND_MISSING: [(FindingCode, Option<usize>); 3] = [
    (FindingCode::StaleRecord, Some(1)),
    (FindingCode::StaleRecord, Some(3)),
    (FindingCode::MissingCert, None),
];

/// The message of the report's first missing-certificate finding.
fn missing_cert(report: &Report) -> &str {
    &report
        .with_code(FindingCode::MissingCert)
        .next()
        .expect("a missing certificate")
        .message
}

/// The current set with its node folders renamed, so DNS names no longer name them.
fn renamed_nodes() -> ClusterCerts {
    let mut set = current();
    for cert in &mut set.certs {
        cert.node = cert.node.as_deref().map(|n| match n {
            "ucm-pub" => "node-a".to_string(),
            _ => "node-b".to_string(),
        });
    }
    set
}

#[test]
fn unknown_home_node_needs_one_callmanager_of_the_cluster() {
    // The TFTP record's certificate still names its node when it is current.
    let report = against(&fixture("itl-11.5-sha1-2048.tlv"), renamed_nodes());
    assert_eq!(problems(&report), []);
    // With neither the certificate nor the DNS name to go by, any CallManager certificate
    // of the cluster will do, and none is there.
    let report = against(&fixture("itl-11.5-sha1-1024.tlv"), renamed_nodes());
    assert_eq!(problems(&report), SIGNER_STALE_AND_MISSING);
    assert_eq!(
        missing_cert(&report),
        "none of the cluster's CallManager certificates (node-a/CallManager, node-b/CallManager) is in the ITL"
    );
}

#[test]
fn a_flat_folder_is_one_node() {
    let flat: Vec<ClusterCert> = [
        ("CallManager", "ucm-pub-CallManager"),
        ("TVS", "ucm-pub-TVS"),
        ("TVS-sub1", "ucm-sub1-TVS"),
        ("ITLRecovery", "ucm-pub-ITLRecovery"),
        ("CAPF", "ucm-pub-CAPF"),
    ]
    .into_iter()
    .map(|(stem, name)| {
        let role = match stem {
            "TVS-sub1" => ClusterRole::Unit(CertUnit::Tvs),
            other => ClusterRole::from_stem(other),
        };
        ClusterCert::new(None, role, cert(name))
    })
    .collect();
    let report = against(
        &fixture("itl-11.5-sha1-2048.tlv"),
        ClusterCerts::new(flat.clone()),
    );
    assert_eq!(problems(&report), []);
    let without_sub_tvs: Vec<ClusterCert> = flat
        .into_iter()
        .filter(|c| c.der != cert("ucm-sub1-TVS"))
        .collect();
    let report = against(
        &fixture("itl-11.5-sha1-2048.tlv"),
        ClusterCerts::new(without_sub_tvs),
    );
    assert_only_problem(&report, FindingCode::StaleRecord, Some(5));
}

#[test]
fn a_record_holding_a_certificate_of_another_role() {
    // ucm-sub1's TVS certificate exported under the name CallManager.
    let mut set = current();
    set.certs.retain(|c| c.label() != "ucm-sub1/TVS");
    for c in &mut set.certs {
        if c.label() == "ucm-sub1/CallManager" {
            c.der = cert("ucm-sub1-TVS");
        }
    }
    let report = against(&fixture("itl-11.5-sha1-2048.tlv"), set);
    assert_only_problem(&report, FindingCode::ClusterRoleMismatch, Some(5));
    assert_eq!(
        report.findings.last().unwrap().message,
        "a TVS record holds the cluster's ucm-sub1/CallManager certificate"
    );
}

#[test]
fn roles_outside_trust_lists_are_never_required() {
    let mut set = current();
    set.certs.push(ClusterCert::new(
        Some("ucm-pub"),
        ClusterRole::from_stem("CallManager-ECDSA"),
        cert("ucm-pub-CallManager-ECDSA"),
    ));
    set.certs.push(ClusterCert::new(
        Some("ucm-pub"),
        ClusterRole::from_stem("ipsec"),
        cert("certutils-SAST"),
    ));
    let report = against(&fixture("itl-12-sha512.tlv"), set);
    assert_eq!(problems(&report), []);
    assert_eq!(
        ClusterRole::from_stem("tomcat-ECDSA"),
        ClusterRole::Unit(CertUnit::TomcatEcdsa)
    );
    assert_eq!(
        ClusterRole::from_stem("itlrecovery"),
        ClusterRole::Unit(CertUnit::ItlRecovery)
    );
    assert_eq!(
        ClusterRole::from_stem("ucm-pub"),
        ClusterRole::Other("ucm-pub".into())
    );
    assert!(ClusterRole::Unit(CertUnit::Capf).in_trust_lists());
    assert!(!ClusterRole::Unit(CertUnit::Ipsec).in_trust_lists());
}

/// A list that lacks one certificate the cluster requires in it: complete, it is clean;
/// without `needed`, its one problem is the missing certificate.
struct LacksOne {
    /// The case, for failure messages.
    case: &'static str,
    filename: &'static str,
    digest: Digest,
    records: Vec<RecordSpec>,
    /// The record the list needs, added after `records`.
    needed: RecordSpec,
    /// How the missing-certificate message starts.
    missing: &'static str,
}

#[test]
fn lists_lacking_a_certificate_of_the_cluster() {
    let cases = [
        LacksOne {
            case: "a CTL needs every CallManager",
            filename: "CTLFile.tlv",
            digest: Digest::Sha256,
            records: vec![
                rec(Function::Sast, "ucm-pub-ITLRecovery", "ucm-pub", PUB),
                rec(Function::Sast, "ucm-pub-CallManager", "ucm-pub", PUB),
                rec(Function::CcmTftp, "ucm-pub-CallManager", "ucm-pub", PUB),
                rec(Function::Capf, "ucm-pub-CAPF", "ucm-pub", PUB),
            ],
            needed: rec(Function::CcmTftp, "ucm-sub1-CallManager", "ucm-sub1", SUB),
            missing: "the cluster's ucm-sub1/CallManager certificate",
        },
        // 12.5+: the ITL of ucm-sub1 carries its own CallManager certificate, the
        // publisher's ITLRecovery (the only one) and CAPF (the only one), and every TVS
        // certificate; ucm-pub's CallManager certificate is not expected in it.
        LacksOne {
            case: "the ITL of a subscriber with a cluster-wide ITLRecovery",
            filename: "ITLFile.tlv",
            digest: Digest::Sha512,
            records: vec![
                rec(Function::Sast, "ucm-pub-ITLRecovery", "ucm-pub", PUB),
                rec(Function::Sast, "ucm-sub1-CallManager", "ucm-sub1", SUB),
                rec(Function::Tftp, "ucm-sub1-CallManager", "ucm-sub1", SUB),
                rec(Function::Tvs, "ucm-pub-TVS", "ucm-pub", PUB),
                rec(Function::Tvs, "ucm-sub1-TVS", "ucm-sub1", SUB),
            ],
            needed: rec(Function::Capf, "ucm-pub-CAPF", "ucm-pub", PUB),
            missing: "the cluster's ucm-pub/CAPF certificate",
        },
    ];
    for c in cases {
        let list = |records: Vec<RecordSpec>| {
            sign(
                c.filename,
                c.digest,
                records,
                "ucm-pub-ITLRecovery",
                "ucm-pub-ITLRecovery",
            )
        };
        let mut complete = c.records.clone();
        complete.push(c.needed.clone());
        assert_eq!(
            problems(&against(&list(complete), current())),
            [],
            "{}",
            c.case
        );
        let report = against(&list(c.records), current());
        assert_eq!(
            problems(&report),
            [(FindingCode::MissingCert, None)],
            "{}: {:?}",
            c.case,
            report.findings
        );
        assert!(
            report.findings[0].message.starts_with(c.missing),
            "{}: {}",
            c.case,
            report.findings[0].message
        );
    }
}
