//! What a sweep tells whoever watches it while it runs (a progress display). The library
//! only notifies; how it is shown, and whether there is a terminal, is the caller's business.

use super::report::{PhoneRecord, ReferenceFacts};

/// Live notifications of a sweep (progress display).
pub trait SweepObserver: Send + Sync {
    /// The reference lists were fetched.
    fn references(&self, _facts: &[ReferenceFacts]) {}
    /// Phone scanning starts.
    fn started(&self, _phones: usize) {}
    /// Discovery reported `count` more phones (one RisPort70 answer); their pages may be
    /// read from now on.
    fn phones_known(&self, _count: usize) {}
    /// One phone is done.
    fn phone_done(&self, _record: &PhoneRecord) {}
    /// Scanning ended (finished or interrupted).
    fn finished(&self) {}
}

/// An observer that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl SweepObserver for Quiet {}
