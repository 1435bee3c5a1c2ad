//! Prediction throughput: a 10-step plan (CallManager, then TVS, with TFTP restarts, resets
//! and gates) for 40,000 phones on a 2-node 12+ cluster built from the `itl-12-sha512.tlv`
//! fixture, one core. Every phone downloads three times (two resets and the final one).
//!
//! Run: `cargo bench -p itl-benches --bench predict`.

use criterion::{Criterion, criterion_group, criterion_main};
use itl_core::Function;
use itl_core::UnixTime;
use itl_core::cucm::Generation;
use itl_core::plan::{CertUnit, Plan};
use itl_core::predict::{ClusterModel, NodeModel, PhoneInput, PredictOptions, predict};
use itl_core::trust::{Capabilities, PhoneTrust, TrustFile, Verdict};
use std::hint::black_box;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// The start of the predicted plans (2026-01-01).
const START: UnixTime = UnixTime::from_secs(1_767_225_600);

const PHONES: usize = 40_000;

const PLAN: &str = "\
regen CallManager @ucm-pub
restart TFTP @all
reset phones
wait registered
regen TVS @all
restart TVS @all
restart TFTP @all
reset phones
wait registered
regen tomcat @all
";

fn cluster() -> (ClusterModel, Arc<TrustFile>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/itl-12-sha512.tlv");
    let bytes = std::fs::read(path).expect("fixture");
    let file = Arc::new(TrustFile::parse(&bytes).expect("parses"));
    let mut publisher = NodeModel::new("ucm-pub", Ipv4Addr::new(10, 10, 1, 11));
    let mut sub = NodeModel::new("ucm-sub1", Ipv4Addr::new(10, 10, 1, 12));
    publisher.tftp = true;
    publisher.callmanager = true;
    sub.callmanager = true;
    for r in file.records() {
        let (Some(f), Some(c)) = (r.function, &r.cert) else {
            continue;
        };
        let node = if r.dns_name.as_deref() == Some("ucm-sub1") {
            &mut sub
        } else {
            &mut publisher
        };
        let der = c.der().to_vec();
        match f {
            Function::Tftp => {
                node.certs.insert(CertUnit::CallManager, der);
            }
            Function::Tvs => {
                node.tvs = true;
                node.certs.insert(CertUnit::Tvs, der);
            }
            Function::Capf => {
                node.certs.insert(CertUnit::Capf, der);
            }
            Function::Sast if file.signer().is_some_and(|s| s.matches(c)) => {
                node.certs.insert(CertUnit::ItlRecovery, der);
            }
            _ => {}
        }
    }
    publisher.itl = Some(bytes);
    let model = ClusterModel {
        generation: Generation::V12,
        mixed: false,
        automatic_phone_interaction: false,
        nodes: vec![publisher, sub],
        ctl: None,
    };
    (model, file)
}

fn bench(c: &mut Criterion) {
    let (model, itl) = cluster();
    let phones: Vec<PhoneInput> = (0..PHONES)
        .map(|i| PhoneInput {
            name: format!("SEP{i:012X}"),
            device_pool: Some(format!("DP-{}", i % 2)),
            tftp_node: 0,
            group: if i % 2 == 0 { vec![0, 1] } else { vec![1, 0] },
            capabilities: Capabilities::new("CP-8841"),
            trust: Some(PhoneTrust::with_files(None, Some(itl.clone()))),
            on: i % 20 != 0,
            assumed: false,
        })
        .collect();
    let plan = Plan::parse(PLAN).expect("plan");
    assert_eq!(plan.steps().len(), 10);
    // The figures mean something only if the plan does what it says.
    let p = predict(&model, &phones, &plan, &PredictOptions::at(START)).expect("predicts");
    assert_eq!(
        p.steps[2].counts.get(&Verdict::Accept),
        Some(&(PHONES - PHONES / 20))
    );
    assert_eq!(
        p.steps[7].counts.get(&Verdict::Accept),
        Some(&(PHONES - PHONES / 20))
    );
    assert_eq!(p.final_counts.get(&Verdict::Reject), None);
    let mut group = c.benchmark_group("predict");
    group.sample_size(10);
    group.bench_function("10-steps-40000-phones", |b| {
        b.iter(|| {
            let p = predict(
                black_box(&model),
                &phones,
                &plan,
                &PredictOptions::at(START),
            )
            .expect("predicts");
            black_box(p.final_counts.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
