//! Same options and seed give the same cluster (keys, certificates, files, phones, faults);
//! another seed gives another one. Fault specs are checked against the fleet.

use itl_core::cucm::Generation;
use itl_sim::{Cluster, FaultSpec, SimError, SimOptions};

fn options(seed: u64) -> SimOptions {
    SimOptions {
        nodes: 2,
        phones: 40,
        generation: Generation::V11_5,
        mixed: true,
        seed,
        faults: FaultSpec::parse(
            "web-off=10%,stale-itl=3,foreign-itl=2,update-failed=1,stale-ctl=1",
        )
        .expect("spec"),
        key_bits: 1024,
        ..SimOptions::default()
    }
}

#[test]
fn one_seed_one_cluster() {
    let a = Cluster::build(&options(11)).expect("a");
    let b = Cluster::build(&options(11)).expect("b");
    let export = a.export();
    assert_eq!(export, b.export());
    assert_eq!(a.export_json(), b.export_json());
    assert!(export.identities.len() >= 2 * 4 + 2);
    assert_eq!(export.phones.len(), 40);
    assert_eq!(
        export.phones.iter().filter(|p| p.fault.is_some()).count(),
        4 + 3 + 2 + 1 + 1
    );
    // Served files are the same bytes.
    assert_eq!(
        a.served_itl(0).map(|f| f.bytes.clone()),
        b.served_itl(0).map(|f| f.bytes.clone())
    );
}

#[test]
fn another_seed_another_cluster() {
    let a = Cluster::build(&options(11)).expect("a").export();
    let c = Cluster::build(&options(12)).expect("c").export();
    assert_ne!(a.identities, c.identities);
    assert_ne!(
        a.phones.iter().map(|p| &p.name).collect::<Vec<_>>(),
        c.phones.iter().map(|p| &p.name).collect::<Vec<_>>()
    );
}

#[test]
fn fault_specs_are_checked_against_the_cluster() {
    let mut o = options(1);
    o.faults = FaultSpec::parse("tftp-down=ucm-sub7").expect("parses");
    assert!(matches!(
        Cluster::build(&o),
        Err(SimError::FaultAssignment(_))
    ));
    o.faults = FaultSpec::parse("web-off=41").expect("parses");
    assert!(matches!(
        Cluster::build(&o),
        Err(SimError::FaultAssignment(_))
    ));
    o.faults = FaultSpec::parse("web-off=40").expect("parses");
    assert!(Cluster::build(&o).is_ok());
    o.mixed = false;
    o.faults = FaultSpec::parse("stale-ctl=1").expect("parses");
    assert!(matches!(
        Cluster::build(&o),
        Err(SimError::InvalidOption(_))
    ));
    let e = FaultSpec::parse("unreachable=2%,bogus=1%").expect_err("unknown kind");
    assert_eq!(e.item, "bogus=1%");
    assert!(e.to_string().contains("bogus"));
    o.faults = FaultSpec::none();
    o.key_bits = 512;
    assert!(matches!(
        Cluster::build(&o),
        Err(SimError::InvalidOption(_))
    ));
    o.key_bits = 1024;
    o.nodes = 0;
    assert!(matches!(
        Cluster::build(&o),
        Err(SimError::InvalidOption(_))
    ));
}
