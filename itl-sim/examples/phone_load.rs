//! A bounded load loop against the phone pages of a running simulator:
//!
//! ```text
//! itl sim serve --phones 10000 --cluster-file /tmp/c.toml --truth /tmp/t.json &
//! cargo run --release -p itl-sim --example phone_load -- /tmp/t.json 10 64
//! ```
//!
//! Arguments: the truth file, seconds to run (at most 120), concurrent requests (at most 512).
//! GETs the Network Setup page of every `ok` phone in turn and prints requests per second
//! and latency percentiles. Only loopback addresses from the truth file are contacted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PAGE: &str = "/CGI/Java/Serviceability?adapter=device.statistics.configuration";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let truth = args
        .next()
        .ok_or("usage: phone_load TRUTH.json [SECONDS] [CONCURRENCY]")?;
    let seconds: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
        .min(120);
    let concurrency: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
        .clamp(1, 512);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&truth)?)?;
    let targets: Vec<String> = json["phones"]
        .as_array()
        .ok_or("no phones in the truth file")?
        .iter()
        .filter(|p| p["state"] == "ok")
        .filter_map(|p| p["address"].as_str())
        .filter(|a| a.starts_with("127."))
        .map(|a| format!("http://{a}{PAGE}"))
        .collect();
    if targets.is_empty() {
        return Err("no ok phone on loopback".into());
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .pool_max_idle_per_host(0)
        .no_proxy()
        .build()?;
    let targets = Arc::new(targets);
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, targets, next, errors) = (
            client.clone(),
            targets.clone(),
            next.clone(),
            errors.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed) % targets.len();
                let t = Instant::now();
                match client.get(&targets[i]).send().await {
                    Ok(r) if r.status().is_success() => {
                        if r.bytes().await.is_err() {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{} requests in {elapsed:.1} s over {} phones, concurrency {concurrency}: {:.0} req/s, {} errors, p50 {:?}, p99 {:?}",
        all.len(),
        targets.len(),
        all.len() as f64 / elapsed,
        errors.load(Ordering::Relaxed),
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}
