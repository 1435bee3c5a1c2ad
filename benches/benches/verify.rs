//! Verification throughput: full verification (parse + signature + records + list rules) per
//! file, on one core and on all cores (rayon), for the real CUCM CTL (RSA-1024, SHA-1) and a
//! 2048-bit fixture, next to `openssl speed -seconds 3 rsa2048` run in the same session (its
//! verify/s is the reference).
//!
//! Rows:
//! * `full, cache` — `itl_core::verify::verify_bytes` with a shared `CertCache` (how `itl
//!   verify` runs over many files: each certificate decoded and each signer key prepared once);
//! * `full, no cache` — every certificate decoded and the key prepared on every file;
//! * `RSA public op` — `PreparedKey::verify_pkcs1v15` alone on the file's hash and signature;
//! * `rsa crate` — the same check through `rsa 0.10` (`PublicKey::verify`), for comparison.
//!
//! Run: `cargo bench -p itl-benches --bench verify` (`ITL_BENCH_SECONDS=N` per row, default 3).

use itl_core::TrustList;
use itl_core::verify::{PreparedKey, VerifyOptions, verify_bytes};
use rayon::prelude::*;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

fn seconds() -> f64 {
    std::env::var("ITL_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0)
}

/// Measurement rounds per row; the best round is reported, which on a shared machine is the
/// closest to the uncontended figure.
const ROUNDS: usize = 6;

/// Calls per second of `f` over one round of `round` on this thread.
fn single_round(round: Duration, f: &(impl Fn() + Sync)) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < round {
        for _ in 0..16 {
            f();
        }
        calls += 16;
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

/// Total calls per second of `f` over one round of `round` on every thread of `pool`.
fn parallel_round(pool: &rayon::ThreadPool, round: Duration, f: &(impl Fn() + Sync)) -> f64 {
    let threads = pool.current_num_threads();
    let chunk = 64usize;
    pool.install(|| {
        let start = Instant::now();
        let mut calls = 0usize;
        while start.elapsed() < round {
            (0..threads * chunk).into_par_iter().for_each(|_| f());
            calls += threads * chunk;
        }
        calls as f64 / start.elapsed().as_secs_f64()
    })
}

/// Measures `f` on one core and on all cores of `pool` for about `secs` seconds each, in
/// [`ROUNDS`] alternating rounds (so both see the same machine load); returns the best round
/// of each. `pool` `None` skips the parallel measurement.
fn rates(secs: f64, pool: Option<&rayon::ThreadPool>, f: impl Fn() + Sync) -> (f64, f64) {
    let round = Duration::from_secs_f64(secs / ROUNDS as f64);
    single_round(round / 10, &f); // warm-up: caches, branch predictors
    let (mut one, mut all) = (0.0f64, f64::NAN);
    for _ in 0..ROUNDS {
        one = one.max(single_round(round, &f));
        if let Some(pool) = pool {
            all = parallel_round(pool, round, &f).max(if all.is_nan() { 0.0 } else { all });
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

struct Input {
    name: &'static str,
    bytes: Vec<u8>,
    now: i64,
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let secs = seconds();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
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

    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "itl verify benchmark: {secs} s per row (best of {ROUNDS} rounds), {cores} core(s), load average {}",
        load()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!();
    println!("| input | measurement | 1 core /s | {cores} cores /s | scaling |");
    println!("|---|---|---|---|---|");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("rayon pool");
    let mut rsa2048_op = None;
    let mut full2048 = None;
    for input in &inputs {
        let list = TrustList::parse(&input.bytes).expect("parses");
        let warm = VerifyOptions::new(input.now);
        let report = verify_bytes(&input.bytes, &warm).expect("parses");
        assert!(report.is_valid(), "{}: {:?}", input.name, report.findings);

        let full = || {
            let report = verify_bytes(black_box(&input.bytes), &warm).expect("parses");
            black_box(report.signature.valid);
        };
        let (one, all) = rates(secs, Some(&pool), full);
        row(input.name, "full, cache", one, all);
        if input.name.starts_with("itl-11.5") {
            full2048 = Some((one, all));
        }

        let cold_options = VerifyOptions::new(input.now).without_cache();
        let cold = || {
            let report = verify_bytes(black_box(&input.bytes), &cold_options).expect("parses");
            black_box(report.signature.valid);
        };
        let (one, all) = rates(secs, Some(&pool), cold);
        row(input.name, "full, no cache", one, all);

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
        row(input.name, "RSA public op (itl)", one, all);
        if key.bits() == 2048 && rsa2048_op.is_none() {
            rsa2048_op = Some((one, all));
        }

        let rsa_key = itl_core::signature::rsa_key_from_certificate(der).expect("key");
        let crate_op = || {
            black_box(itl_core::signature::verify_with_key(
                black_box(&list),
                &rsa_key,
            ));
        };
        let (one, _) = rates(secs, None, crate_op);
        row(input.name, "hash + RSA, rsa 0.10 crate", one, f64::NAN);
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
                "openssl speed -seconds 3 rsa2048: {one:.0} verify/s (1 core), {all:.0} verify/s (-multi {cores})"
            );
            if let Some((full_one, full_all)) = full2048 {
                println!(
                    "full verification of itl-11.5-sha1-2048 vs openssl RSA-2048 verify: {:.2}x (1 core), {:.2}x ({cores} cores)",
                    full_one / one,
                    full_all / all
                );
            }
            if let Some((op_one, op_all)) = rsa2048_op {
                println!(
                    "itl RSA-2048 public op vs openssl: {:.2}x (1 core), {:.2}x ({cores} cores)",
                    op_one / one,
                    op_all / all
                );
            }
        }
        _ => println!("openssl not found: no reference figure"),
    }
    println!(
        "load average at the end: {}",
        load()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

fn row(input: &str, what: &str, one: f64, all: f64) {
    if all.is_nan() {
        println!("| {input} | {what} | {one:.0} | – | – |");
    } else {
        println!(
            "| {input} | {what} | {one:.0} | {all:.0} | {:.2}x |",
            all / one
        );
    }
}
