//! `itl-sim`: a simulated CUCM cluster and its phone fleet, with real servers on loopback.
//!
//! * [`model`]: nodes with real RSA keys and X.509 certificates (deterministic from a seed),
//!   settings, trust stores, the ITL of each TFTP node and the CTL built as CUCM builds them,
//!   CallManager groups, device pools, and the operations an administrator performs
//!   (regenerate, restart, `utils ctl update`, resets, power, parameters).
//! * [`phone`]: thousands of phones that download their trust lists on reset and judge them
//!   with [`itl_core::trust`] (the same oracle the predictor uses), and serve the web pages
//!   real phones serve.
//! * [`server`]: TFTP (UDP), HTTP 6970, HTTPS 8443 (Basic auth, SOAP extension point) per node
//!   and a web server per phone, all on 127.0.0.0/8.
//! * [`faults`]: deterministic fault injection (`--faults unreachable=2%,web-off=3%,…`).
//! * [`truth`]: what a correct sweep must report per phone.
//! * [`timing`]: how long operations take (`--time-scale`); [`events`]: the change log
//!   (`--events`).
//!
//! ```no_run
//! # async fn run() -> Result<(), itl_sim::SimError> {
//! use itl_sim::{Cluster, ServeOptions, SimOptions, SimServer};
//! let cluster = Cluster::build(&SimOptions { nodes: 2, phones: 50, key_bits: 1024, ..Default::default() })?;
//! let sim = SimServer::start(cluster, ServeOptions::ephemeral("admin", "secret")).await?;
//! println!("{}", sim.cluster_file().to_toml_string().expect("serialisable"));
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod error;
pub mod events;
pub mod faults;
pub mod model;
pub mod options;
pub mod phone;
pub mod replay;
pub mod server;
pub mod timing;
pub mod truth;

pub use error::SimError;
pub use faults::{FaultKind, FaultSpec, FaultSpecError};
pub use model::Cluster;
pub use options::SimOptions;
pub use server::{ServeOptions, SimServer};
pub use truth::{PhoneState, Truth};
