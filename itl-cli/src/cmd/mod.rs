//! One module per subcommand.

pub mod cluster;
pub mod completions;
pub mod demo;
pub mod diff;
pub mod fetch;
pub mod man;
pub mod parse;
pub mod plan;
pub mod predict;
pub mod preflight;
pub mod regen;
pub mod regen_run;
pub mod sim;
pub mod sweep;
pub mod verify;

/// The async runtime of the commands that talk to servers: two worker threads, every driver
/// enabled.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    // tokio's own name for its worker threads.
    runtime_named("tokio-runtime-worker")
}

/// [`runtime`] with its worker threads named `name`.
pub(crate) fn runtime_named(name: &str) -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
