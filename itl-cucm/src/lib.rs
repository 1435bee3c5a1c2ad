//! Talks to a CUCM cluster and its phones.
//!
//! * [`session`]: [`ClusterSession`] — a cluster file, credentials and a TLS policy → every
//!   client below, endpoint URLs used exactly as the cluster file gives them.
//! * [`transport`]: the one HTTP(S) stack (timeouts, size cap, no redirects, TLS pinning, errors
//!   naming the peer) under [`http`] (trust files on 6970, phone pages) and [`soap`] (AXL,
//!   RisPort70, Control Center).
//! * [`ssh`]: the UCOS admin CLI over SSH (sans-io shell machine plus a russh driver).
//! * [`tftp`]: a read-only TFTP client (sans-io state machine plus a tokio UDP driver).
//! * [`fetch`]: what a phone would download from a TFTP node, over TFTP or HTTP 6970.
//! * [`secrets`]: passwords from the environment, a 0600 file or a prompt; never argv.
//! * [`sweep`]: every phone's trust state from its web pages, compared with what its TFTP node
//!   serves.
//! * [`plan_input`]: the predictor's inputs from a sweep.
//! * [`onboard`]: from a publisher's address to a cluster file (`itl cluster init`).
//!
//! The message shapes (SOAP, TFTP packets, the cluster file, the admin-CLI grammar) are
//! `itl_wire`'s, shared with the simulated cluster; the domain words are `itl_core::cucm`'s.
//!
//! ```no_run
//! # async fn example() -> Result<(), itl_cucm::FetchError> {
//! use itl_core::cucm::Mac;
//! use itl_cucm::{FetchOptions, Fetcher, TrustServer};
//!
//! let fetcher = Fetcher::new(FetchOptions::default())?;
//! let mac: Mac = "SEP001122334455".parse().expect("valid MAC");
//! let set = fetcher
//!     .fetch_trust_files(&TrustServer::tftp("10.0.0.5"), Some(mac))
//!     .await;
//! println!("{set}");
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod cluster_certs;
pub mod fetch;
pub mod http;
pub mod onboard;
pub mod plan_input;
pub mod secrets;
pub mod served;
pub mod session;
pub mod soap;
pub mod ssh;
pub mod sweep;
#[cfg(test)]
mod test_files;
pub mod tftp;
pub mod transport;

pub use fetch::{
    FetchError, FetchOptions, FetchOutcome, Fetcher, Transport, TrustFile, TrustFileSet,
    TrustServer,
};
pub use http::{HttpClient, HttpOptions};
pub use session::{ClusterSession, SessionError, SessionOptions};
pub use tftp::{TftpError, TftpOptions, tftp_get};
pub use transport::{HttpError, TlsTrust};
