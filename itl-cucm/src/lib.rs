//! Talks to a CUCM cluster and its phones. This part is the fetch layer: what a phone would
//! download from a TFTP node.
//!
//! * [`tftp`]: a read-only TFTP client (sans-io state machine plus a tokio UDP driver) with
//!   `blksize`, `tsize`, `timeout` and `windowsize` options, transfer-ID checks, retries, a
//!   deadline and a size cap.
//! * [`http`]: HTTP(S) GET (CUCM serves the same files on TCP 6970) with timeouts, a size cap
//!   and no redirects.
//! * [`fetch`]: [`Fetcher::fetch_trust_files`] asks a node for `CTLSEP<MAC>.tlv`,
//!   `ITLSEP<MAC>.tlv`, `CTLFile.tlv` and `ITLFile.tlv` in a phone's order, and
//!   [`Fetcher::fetch_url`] fetches `tftp://`, `http://` or `https://` URLs.
//! * [`mac`]: the [`Mac`] type device names are built from.
//! * [`ssh`]: the UCOS admin CLI over SSH (sans-io shell machine plus a russh driver).
//!
//! ```no_run
//! # async fn example() -> Result<(), itl_cucm::FetchError> {
//! use itl_cucm::{FetchOptions, Fetcher, Mac, TrustServer};
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

pub mod cluster_file;
pub mod fetch;
pub mod http;
pub mod mac;
pub mod plan_input;
pub mod soap;
pub mod ssh;
pub mod sweep;
pub mod tftp;

pub use fetch::{
    FetchError, FetchOptions, FetchOutcome, Fetcher, Transport, TrustFile, TrustFileKind,
    TrustFileSet, TrustServer,
};
pub use http::{HttpClient, HttpError, HttpOptions};
pub use mac::{Mac, MacParseError};
pub use tftp::{TftpError, TftpOptions, tftp_get};
