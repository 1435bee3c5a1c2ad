use super::*;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| gates::normalise_serial(s)).collect()
}

#[test]
fn old_trust_entries_are_the_replaced_ones_only() {
    let entries = [
        "CallManager-trust/ucm-pub.pem",
        "CallManager-trust/ucm-pub_0a1b.pem",
        "CallManager-trust/ucm-sub1.pem",
        "CallManager-trust/ucm-sub1_00ff.pem",
        "CallManager-trust/ucm-sub1_0c0d.pem",
        "tomcat-trust/ucm-pub.pem",
        "tomcat-trust/Some_CA_Root.pem",
        "CAPF-trust/CAPF-1234.pem",
    ];
    // This run made 0a1b (ucm-pub) and 0c0d (ucm-sub1), replacing ucm-pub's first
    // certificate and ucm-sub1's 00ff.
    let old = old_trust_entries(entries, &set(&["0a1b", "0c0d"]), &set(&["00ff"]), &[]);
    assert_eq!(
        old,
        vec![
            "CallManager-trust/ucm-pub.pem".to_owned(),
            "CallManager-trust/ucm-sub1.pem".to_owned(),
            "CallManager-trust/ucm-sub1_00ff.pem".to_owned(),
        ]
    );
    // Nothing made or replaced: nothing to delete (a CA root named with an underscore is
    // not a serial).
    assert!(old_trust_entries(entries, &BTreeSet::new(), &BTreeSet::new(), &[]).is_empty());
}

#[test]
fn an_old_certificate_whose_cn_changed_is_found_by_its_cn() {
    // A CAPF regeneration: the new certificate has another CN (CAPF-43f1e81c) than the one
    // it replaced (CAPF-69659f2d), whose copy is named without a serial.
    let entries = [
        "CallManager-trust/CAPF-69659f2d.pem",
        "CallManager-trust/CAPF-43f1e81c_1229.pem",
        "CallManager-trust/ucm-pub.pem",
        "tomcat-trust/CAPF-69659f2d.pem",
    ];
    let replaced = [SerialFact {
        node: "ucm-pub".into(),
        unit: itl_core::cucm::CertUnit::Capf,
        serial: "3f52".into(),
        cn: Some("CAPF-69659f2d".into()),
    }];
    let old = old_trust_entries(entries, &set(&["1229"]), &set(&["3f52"]), &replaced);
    assert_eq!(old, vec!["CallManager-trust/CAPF-69659f2d.pem".to_owned()]);
    // Without the replaced certificate's CN nothing says which copy is old.
    assert!(old_trust_entries(entries, &set(&["1229"]), &set(&["3f52"]), &[]).is_empty());
}
