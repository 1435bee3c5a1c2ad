//! Verification throughput: full verification (parse + signature + records + list rules) per
//! file, on one core and on all cores (rayon), for the real CUCM CTL (RSA-1024, SHA-1) and
//! 2048-bit fixtures, next to `openssl speed -seconds 3 rsa2048` run in the same session (its
//! verify/s is the reference).
//!
//! Rows:
//! * `full, cache` — `itl_core::verify::verify_bytes` with a shared `CertCache` (how `itl
//!   verify` runs over many files: each certificate decoded and each signer key prepared once);
//! * `full, no cache` — every certificate decoded and the key prepared on every file;
//! * `RSA public op (itl)` — `PreparedKey::verify_pkcs1v15` alone on the file's hash and
//!   signature (what `openssl speed` measures);
//! * `hash + RSA, rsa 0.10` — the file's signature checked through the `rsa` crate.
//!
//! Like `openssl speed` (which divides by CPU user time unless given `-elapsed`), rates are per
//! CPU second: calls divided by the measuring threads' time on a CPU (Linux
//! `/proc/thread-self/schedstat`), so time spent waiting for a CPU taken by another process
//! does not count. The all-cores rate is the sum over threads (as `openssl speed -multi`
//! sums its processes); `scaling` is all-cores over one core. Wall-clock rates are printed
//! too. Each figure is the best of several alternating rounds.
//!
//! Run: `cargo bench -p itl-benches --bench verify` (`ITL_BENCH_SECONDS=N` per row, default 3).

use itl_core::verify::{PreparedKey, VerifyOptions, verify_bytes};
use itl_core::{TrustList, UnixTime};
use rayon::prelude::*;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

/// Measurement rounds per row, alternating one core and all cores.
const ROUNDS: usize = 6;

fn seconds() -> f64 {
    std::env::var("ITL_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0)
}

/// Nanoseconds the calling thread has spent on a CPU, when the kernel says.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Rates of one round: per CPU second (when known) and per wall second.
#[derive(Clone, Copy, Default)]
struct Rate {
    cpu: f64,
    wall: f64,
}

impl Rate {
    fn best(self, other: Rate) -> Rate {
        Rate {
            cpu: self.cpu.max(other.cpu),
            wall: self.wall.max(other.wall),
        }
    }
}

/// One round of `f` on this thread.
fn single_round(round: Duration, f: &(impl Fn() + Sync)) -> Rate {
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < round {
        for _ in 0..16 {
            f();
        }
        calls += 16;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
        _ => wall,
    };
    Rate {
        cpu: calls as f64 / cpu,
        wall: calls as f64 / wall,
    }
}

/// One round of `f` on every thread of `pool`: the CPU rate is the sum of the threads' rates
/// (calls × threads / total CPU time, the work being evenly spread).
fn parallel_round(pool: &rayon::ThreadPool, round: Duration, f: &(impl Fn() + Sync)) -> Rate {
    let threads = pool.current_num_threads();
    let chunk = 64usize;
    let before = pool.broadcast(|_| thread_cpu_ns());
    let start = Instant::now();
    let mut calls = 0usize;
    pool.install(|| {
        while start.elapsed() < round {
            (0..threads * chunk).into_par_iter().for_each(|_| f());
            calls += threads * chunk;
        }
    });
    let wall = start.elapsed().as_secs_f64();
    let after = pool.broadcast(|_| thread_cpu_ns());
    let cpu: Option<u64> = before
        .iter()
        .zip(&after)
        .map(|(a, b)| Some(b.as_ref()?.saturating_sub(*a.as_ref()?)))
        .sum();
    let cpu = cpu
        .filter(|&ns| ns > 0)
        .map_or(wall * threads as f64, |ns| ns as f64 / 1e9);
    Rate {
        cpu: calls as f64 * threads as f64 / cpu,
        wall: calls as f64 / wall,
    }
}

/// Measures `f` on one core and on all cores of `pool` (when given) in [`ROUNDS`]
/// alternating rounds of `secs / ROUNDS`; the best round of each.
fn rates(secs: f64, pool: Option<&rayon::ThreadPool>, f: impl Fn() + Sync) -> (Rate, Rate) {
    let round = Duration::from_secs_f64(secs / ROUNDS as f64);
    single_round(round / 10, &f); // warm-up: caches, branch predictors
    let (mut one, mut all) = (Rate::default(), Rate::default());
    for _ in 0..ROUNDS {
        one = one.best(single_round(round, &f));
        if let Some(pool) = pool {
            all = all.best(parallel_round(pool, round, &f));
        }
    }
    (one, all)
}

/// `openssl speed -seconds 3 [-multi n] rsa2048` verify/s (the best of two runs), when
/// openssl is installed.
fn openssl_verify_rate(multi: usize) -> Option<f64> {
    let a = openssl_speed(multi)?;
    Some(openssl_speed(multi).map_or(a, |b| a.max(b)))
}

fn openssl_speed(multi: usize) -> Option<f64> {
    let mut cmd = Command::new("openssl");
    cmd.args(["speed", "-seconds", "3"]);
    if multi > 1 {
        cmd.args(["-multi", &multi.to_string()]);
    }
    let out = cmd.arg("rsa2048").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "rsa 2048 bits 0.000555s 0.000032s   1801.7  31003.0" (the last such line).
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("rsa 2048 bits"))?;
    line.split_whitespace().last()?.parse().ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn row(input: &str, what: &str, one: Rate, all: Option<Rate>) {
    match all {
        Some(all) => println!(
            "| {input} | {what} | {:.0} | {:.0} | {:.2}x | {:.0} | {:.0} |",
            one.cpu,
            all.cpu,
            all.cpu / one.cpu,
            one.wall,
            all.wall
        ),
        None => println!(
            "| {input} | {what} | {:.0} | – | – | {:.0} | – |",
            one.cpu, one.wall
        ),
    }
}

struct Input {
    name: &'static str,
    bytes: Vec<u8>,
    now: i64,
}

fn main() {
    let secs = seconds();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("rayon pool");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut inputs = Vec::new();
    for (name, path, now) in [
        (
            "real CTL (RSA-1024, SHA-1, 6 records)",
            format!("{root}/../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"),
            1_401_580_800,
        ),
        (
            "itl-11.5-sha1-2048 (RSA-2048, SHA-1, 6 records)",
            format!("{root}/fixtures/itl-11.5-sha1-2048.tlv"),
            1_748_779_200,
        ),
        (
            "itl-12-sha512 (RSA-2048, SHA-512, 6 records)",
            format!("{root}/fixtures/itl-12-sha512.tlv"),
            1_748_779_200,
        ),
    ] {
        match std::fs::read(&path) {
            Ok(bytes) => inputs.push(Input { name, bytes, now }),
            Err(e) => eprintln!("skipping {name}: {path}: {e}"),
        }
    }

    println!(
        "itl verify benchmark: {secs} s per row (best of {ROUNDS} rounds), {cores} core(s), load average {}",
        load_average()
    );
    println!();
    println!(
        "| input | measurement | 1 core /CPU-s | {cores} cores /CPU-s | scaling | 1 core /wall-s | {cores} cores /wall-s |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut full2048 = None;
    let mut op2048 = None;
    for input in &inputs {
        let list = TrustList::parse(&input.bytes).expect("parses");
        let warm = VerifyOptions::new(UnixTime::from_secs(input.now));
        let report = verify_bytes(&input.bytes, &warm).expect("parses");
        assert!(report.is_valid(), "{}: {:?}", input.name, report.findings);

        let full = || {
            let report = verify_bytes(black_box(&input.bytes), &warm).expect("parses");
            black_box(report.signature.valid);
        };
        let (one, all) = rates(secs, Some(&pool), full);
        row(input.name, "full, cache", one, Some(all));
        if input.name.starts_with("itl-11.5") {
            full2048 = Some((one, all));
        }

        let cold_options = VerifyOptions::new(UnixTime::from_secs(input.now)).without_cache();
        let cold = || {
            let report = verify_bytes(black_box(&input.bytes), &cold_options).expect("parses");
            black_box(report.signature.valid);
        };
        let (one, all) = rates(secs, Some(&pool), cold);
        row(input.name, "full, no cache", one, Some(all));

        // The RSA operation alone, on the file's own hash and signature.
        let signer = &list.records()[list.signer_index().expect("signer")];
        let der = signer.certificate_der.expect("certificate");
        let key = PreparedKey::from_certificate(der).expect("RSA signer key");
        let (before, after) = list.signed_parts().expect("signed");
        let digest = list.header().digest.expect("digest");
        let (hash, scheme) =
            itl_core::signature::hash_parts(digest, &[before, after]).expect("digest");
        let sig = list.header().signature_value().expect("signature");
        assert!(key.verify_pkcs1v15(&scheme.prefix, &hash, sig));
        let op = || {
            black_box(key.verify_pkcs1v15(&scheme.prefix, black_box(&hash), sig));
        };
        let (one, all) = rates(secs, Some(&pool), op);
        row(input.name, "RSA public op (itl)", one, Some(all));
        if key.bits() == 2048 && op2048.is_none() {
            op2048 = Some((one, all));
        }

        let rsa_key = itl_core::signature::rsa_key_from_certificate(der).expect("key");
        let crate_op = || {
            black_box(itl_core::signature::verify_with_key(
                black_box(&list),
                &rsa_key,
            ));
        };
        let (one, _) = rates(secs, None, crate_op);
        row(input.name, "hash + RSA, rsa 0.10", one, None);
    }

    println!();
    let ossl_one = openssl_verify_rate(1);
    let ossl_all = if cores > 1 {
        openssl_verify_rate(cores)
    } else {
        ossl_one
    };
    match (ossl_one, ossl_all) {
        (Some(one), Some(all)) => {
            println!(
                "openssl speed -seconds 3 rsa2048: {one:.0} verify/s (1 core), {all:.0} verify/s (-multi {cores}, {:.2}x)",
                all / one
            );
            if let Some((full_one, full_all)) = full2048 {
                println!(
                    "full verification of itl-11.5-sha1-2048 / openssl RSA-2048 verify: {:.2} (1 core), {:.2} ({cores} cores)",
                    full_one.cpu / one,
                    full_all.cpu / all
                );
            }
            if let Some((op_one, op_all)) = op2048 {
                println!(
                    "itl RSA-2048 public op / openssl RSA-2048 verify: {:.2} (1 core), {:.2} ({cores} cores)",
                    op_one.cpu / one,
                    op_all.cpu / all
                );
            }
        }
        _ => println!("openssl not found: no reference figure"),
    }
    println!("load average at the end: {}", load_average());
}
