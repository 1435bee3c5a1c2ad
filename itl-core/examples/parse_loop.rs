//! Parses a file N times (for profiling): `cargo run --release -p itl-core --example parse_loop -- FILE N`.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: parse_loop FILE [N]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let bytes = std::fs::read(&path).expect("readable file");
    let start = std::time::Instant::now();
    let mut records = 0;
    for _ in 0..n {
        let list = itl_core::TrustList::parse(std::hint::black_box(&bytes)).expect("parses");
        records += list.records().len();
    }
    let per = start.elapsed().as_secs_f64() / n as f64;
    println!(
        "{n} parses, {records} records, {:.3} µs per file",
        per * 1e6
    );
}
