//! Presentation of the library's results for people and for other programs: terminal tables,
//! the progress bar, CSV files and the HTML report. The library (`itl-cucm`) hands over report
//! data and live notifications; everything about how they look, and whether a terminal is
//! attached, is decided here.
//!
//! * [`terminal`]: text that came from phones or servers made safe to print on a terminal;
//! * [`sweep_tables`]: the sweep's summary tables;
//! * [`progress`]: the sweep's progress bar (a [`itl_cucm::sweep::SweepObserver`]);
//! * [`csv`]: the sweep's CSV, one row per phone, neutralised against formula injection;
//! * [`html`]: the sweep's self-contained HTML report.

pub mod csv;
pub mod html;
pub mod progress;
pub mod sweep_tables;
pub mod terminal;

#[cfg(test)]
pub(crate) mod fixtures;
