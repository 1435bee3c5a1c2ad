//! Parse throughput: the real CUCM CTL (7 KB, from `../shared/samples/real`) and the
//! 40-certificate ITL fixture (103 KB), one core. Criterion reports time per file and MB/s;
//! files/s = 1 / time.
//!
//! Run: `cargo bench -p itl-benches --bench parse`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itl_core::TrustList;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let inputs = [
        (
            "real-ctl-7166B",
            format!("{root}/../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"),
        ),
        ("itl-40-certs", format!("{root}/fixtures/itl-40-certs.tlv")),
        (
            "itl-12-sha512",
            format!("{root}/fixtures/itl-12-sha512.tlv"),
        ),
    ];
    let mut group = c.benchmark_group("parse");
    for (name, path) in inputs {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipping {name}: {path} not found");
            continue;
        };
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let list = TrustList::parse(black_box(&bytes)).expect("parses");
                black_box(list.records().len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
