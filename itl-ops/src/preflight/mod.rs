//! The preflight checklist (`trust-and-procedure.md` §4, items 1–16, plus the hazards of §5.4
//! and `cucm-interfaces.md` §6.5).
//!
//! Shape: `gather` collects facts from the cluster concurrently (each fact with the evidence it
//! came from: the command, SQL or file and the relevant output lines); `checks` holds one pure
//! function per check id (`rollback-parameter`, `db-replication`, `phone-trust`, …) from facts
//! to a status (`pass`, `info`, `warn`, `fail`, `skipped`), a summary and an action; `report`
//! is the serialisable result the CLI prints as tables, JSON and HTML.
