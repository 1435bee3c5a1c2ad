//! The phone sweep: read every phone's trust state from its web pages and compare it with
//! what its TFTP server serves (`trust-and-procedure.md` §2.5, §4 item 5).
//!
//! * [`inventory`]: which phones — from the cluster (AXL `executeSQLQuery` for names, models,
//!   device pools; RisPort70 `selectCmDeviceExt` for registration, IP and `Httpd`) or from a
//!   CSV file (`name,address,tftp_server[,model,device_pool]`);
//! * [`page`]: parsing the phones' pages in every layout seen in the field (Network Setup,
//!   Security information, Status messages, Device information, the links between them);
//! * [`archive`]: every trust file ever fetched, by SHA-1, so old hashes stay recognisable;
//! * [`classify`]: pure — observations + reference lists + archive → [`PhoneState`] and
//!   [`Evidence`];
//! * [`run`]: the async runner (bounded concurrency, timeouts, one retry, progress,
//!   interruption);
//! * [`report`], [`html`]: JSON / CSV / summary tables / a self-contained HTML page;
//! * [`diff`]: what changed between two sweeps.
//!
//! Every phone of the inventory appears exactly once in a report: a phone that could not be
//! read has a state that says why (`unreachable`, `web-disabled`, `not-scanned`...).

pub mod archive;
pub mod classify;
pub mod diff;
pub mod html;
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
    CancelHandle, CancelSignal, ProgressBarObserver, Quiet, SweepError, SweepObserver,
    SweepOptions, SweepPlan, TftpNode, cancel_pair, run_sweep,
};
