//! `-v` / `--verbose` and `RUST_LOG`: which `tracing` events are written to standard error.
//!
//! | option | the `itl*` crates (`itl`, `itl_core`, `itl_cucm`, `itl_sim`…) | other crates |
//! |---|---|---|
//! | none | warnings and errors | warnings and errors |
//! | `-v` | and info | warnings and errors |
//! | `-vv` | and debug | warnings and errors |
//! | `-vvv` or more | and trace | warnings and errors |
//!
//! A non-empty `RUST_LOG` replaces the table: its directives are used as they are
//! (`RUST_LOG=off` silences everything, `RUST_LOG=itl_cucm::tftp=trace` shows one module).
//! A target directive matches every target that starts with it, so `itl` covers every
//! `itl*` crate, including ones added later.

use tracing_subscriber::EnvFilter;

/// The level of the `itl*` crates for `-v` given `verbose` times.
pub fn level(verbose: u8) -> &'static str {
    match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    }
}

/// The filter directives: `rust_log` when it is set and not empty, else the table's.
pub fn directives(verbose: u8, rust_log: Option<&str>) -> String {
    match rust_log.map(str::trim) {
        Some(directives) if !directives.is_empty() => directives.to_owned(),
        _ => format!("warn,itl={}", level(verbose)),
    }
}

/// Installs the subscriber: events to standard error, with ANSI colours when `ansi`, times
/// counted from the start of the command. Directives of `RUST_LOG` that do not parse are
/// ignored (the others still apply).
pub fn init(verbose: u8, ansi: bool) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = EnvFilter::builder().parse_lossy(directives(verbose, rust_log.as_deref()));
    // Only fails when a subscriber is already installed: then that one stays.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn verbosity_steps_and_rust_log_wins() {
        assert_eq!(directives(0, None), "warn,itl=warn");
        assert_eq!(directives(1, None), "warn,itl=info");
        assert_eq!(directives(2, None), "warn,itl=debug");
        assert_eq!(directives(3, None), "warn,itl=trace");
        assert_eq!(directives(200, None), "warn,itl=trace");
        assert_eq!(directives(2, Some("off")), "off");
        assert_eq!(directives(0, Some(" itl_cucm=trace ")), "itl_cucm=trace");
        // An empty RUST_LOG is not set.
        assert_eq!(directives(1, Some("")), "warn,itl=info");
    }

    /// What the filter of `directives` lets through, one line per event.
    fn logged(directives: &str) -> String {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::builder().parse_lossy(directives))
            .with_writer(move || Sink(Arc::clone(&sink)))
            .with_ansi(false)
            .without_time()
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "itl::input", "binary debug");
            tracing::trace!(target: "itl_cucm::tftp::driver", "library trace");
            tracing::debug!(target: "itl_sim::server", "simulator debug");
            tracing::debug!(target: "hyper::proto", "dependency debug");
            tracing::warn!(target: "rustls::conn", "dependency warning");
        });
        let bytes = buffer.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut b) = self.0.lock() {
                b.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_itl_prefix_covers_every_itl_crate_and_nothing_else() {
        let out = logged(&directives(2, None));
        assert!(out.contains("binary debug"), "{out}");
        assert!(out.contains("simulator debug"), "{out}");
        assert!(!out.contains("library trace"), "{out}");
        assert!(!out.contains("dependency debug"), "{out}");
        assert!(out.contains("dependency warning"), "{out}");

        let out = logged(&directives(3, None));
        assert!(out.contains("library trace"), "{out}");
        assert!(!out.contains("dependency debug"), "{out}");

        let out = logged(&directives(0, None));
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains("dependency warning"), "{out}");

        assert_eq!(logged(&directives(3, Some("off"))), "");
    }
}
