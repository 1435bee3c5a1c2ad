//! The phone sweep: read every phone's trust state from its web pages and compare it with
//! what its TFTP server serves (`trust-and-procedure.md` §2.5, §4 item 5).
//!
//! * [`inventory`]: which phones — from the cluster (AXL `executeSQLQuery` for names, models,
//!   device pools; RisPort70 `selectCmDeviceExt` for registration, IP and `Httpd`) or from a
//!   CSV file (`name,address,tftp_server[,model,device_pool]`);
//! * [`page`]: parsing the phones' pages in every layout seen in the field (Network Setup,
//!   Security information, Status messages, Device information, the links between them);
//! * [`Archive`] (`itl_wire::archive`): every trust file ever fetched, by hash, so old hashes stay recognisable;
//! * [`classify`]: pure — observations + reference lists + archive → [`PhoneState`] and
//!   [`Evidence`];
//! * [`plan`]: what to sweep, assembled from a cluster file and/or an inventory;
//! * [`options`]: the sweep's settings; [`clock`]: the tool's and the phones' clocks;
//! * [`references`]: what every TFTP node serves now, archived, as the phones' reference;
//! * [`observer`]: live notifications (a progress display); [`cancel`]: stopping (Ctrl-C);
//! * [`run`]: the async runner (bounded concurrency, timeouts, one retry, interruption);
//! * [`report`]: the report data (one serde schema, JSON); the CLI presents it as tables,
//!   CSV and HTML;
//! * [`diff`]: what changed between two sweeps.
//!
//! Every phone of the inventory appears exactly once in a report: a phone that could not be
//! read has a state that says why (`unreachable`, `web-disabled`, `not-scanned`...).

pub mod cancel;
pub mod classify;
pub mod clock;
pub mod csv_records;
pub mod diff;
pub mod feed;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
pub mod inventory;
pub mod observer;
pub mod options;
pub mod page;
pub mod plan;
pub mod references;
pub mod report;
pub mod run;
pub mod schedule;

pub use crate::served::{TftpNode, tftp_nodes_of};
pub use cancel::{CancelHandle, CancelSignal, cancel_pair};
pub use classify::{Evidence, Observation, Reference, References, classify};
pub use diff::{SweepDiff, diff};
pub use inventory::{InventoryError, InventoryPhone};
pub use itl_wire::archive::{Archive, ArchiveEntry, ArchiveError};
pub use observer::{Quiet, SweepObserver};
pub use options::SweepOptions;
pub use plan::{PhoneSource, PlanError, SweepPlan, assemble};
pub use report::{PhoneRecord, SweepReport};
pub use run::{SweepError, run_sweep, run_sweep_fed};
