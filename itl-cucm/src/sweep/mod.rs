//! The phone sweep: read every phone's trust state from its web pages and compare it with
//! what its TFTP server serves (`trust-and-procedure.md` §2.5, §4 item 5).
//!
//! * [`inventory`]: which phones — from the cluster (AXL `executeSQLQuery` for names, models,
//!   device pools; RisPort70 `selectCmDeviceExt` for registration, IP and `Httpd`) or from a
//!   CSV file (`name,address,tftp_server[,model,device_pool]`);
//! * [`page`]: parsing the Network Setup and Status messages pages of both layouts;
//! * [`archive`]: every trust file ever fetched, by SHA-1, so old hashes stay recognisable;
//! * [`classify`]: pure — observations + reference lists + archive → [`PhoneState`] and
//!   [`Evidence`];
//! * [`run`]: the async runner (bounded concurrency, timeouts, one retry, progress,
//!   interruption);
//! * [`report`]: the report data (one serde schema, JSON); the CLI presents it as tables,
//!   CSV and HTML;
//! * [`diff`]: what changed between two sweeps.
//!
//! Every phone of the inventory appears exactly once in a report: a phone that could not be
//! read has a state that says why (`unreachable`, `web-disabled`, `not-scanned`...).

pub mod archive;
pub mod classify;
pub mod csv_records;
pub mod diff;
pub mod inventory;
pub mod page;
pub mod report;
pub mod run;

pub use archive::{Archive, ArchiveEntry, ArchiveError};
pub use classify::{Evidence, Observation, Reference, References, classify};
pub use diff::{SweepDiff, diff};
pub use inventory::{InventoryError, InventoryPhone};
pub use report::{PhoneRecord, SweepReport};
pub use run::{
    CancelHandle, CancelSignal, Quiet, SweepError, SweepObserver, SweepOptions, SweepPlan,
    TftpNode, cancel_pair, run_sweep,
};
