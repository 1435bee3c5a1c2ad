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
    let old = old_trust_entries(entries, &set(&["0a1b", "0c0d"]), &set(&["00ff"]));
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
    assert!(old_trust_entries(entries, &BTreeSet::new(), &BTreeSet::new()).is_empty());
}
