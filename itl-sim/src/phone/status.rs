//! A phone's status-message log: the last 30 messages with their model times, as the
//! phone's Status Messages page shows them.

use std::collections::VecDeque;

/// How many messages a phone keeps.
pub const STATUS_CAPACITY: usize = 30;

/// The messages this simulator writes (texts as in `cucm-interfaces.md` §8.4).
pub mod text {
    /// A new ITL or CTL was accepted.
    pub const TRUST_LIST_UPDATED: &str = "Trust List updated";
    /// A new ITL was refused; the old one is kept.
    pub const TRUST_LIST_UPDATE_FAILED: &str = "Trust List update failed";
    /// The phone holds no trust list.
    pub const NO_TRUST_LIST: &str = "No Trust List installed";
    /// First ITL accepted.
    pub const ITL_INSTALLED: &str = "ITL installed";
    /// First CTL and ITL accepted.
    pub const CTL_AND_ITL_INSTALLED: &str = "CTL and ITL installed";
    /// A CTL alone was installed (phones without an ITL, 7940/7960).
    pub const CTL_INSTALLED: &str = "CTL Installed";
    /// The cluster serves no CTL (normal in non-secure mode).
    pub const CTL_NOT_FOUND: &str = "File Not Found <CTLFile.tlv>";
}

/// One message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StatusEntry {
    /// Model time, Unix seconds.
    pub time: u64,
    /// The text.
    pub text: Box<str>,
}

/// The log, oldest first, capped at [`STATUS_CAPACITY`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusLog {
    entries: VecDeque<StatusEntry>,
}

impl StatusLog {
    /// Appends a message, dropping the oldest beyond the cap.
    pub fn push(&mut self, time: u64, text: &str) {
        if self.entries.len() == STATUS_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(StatusEntry {
            time,
            text: text.into(),
        });
    }

    /// Messages, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &StatusEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the last trust-list message is a failure (`Trust List update failed` after the
    /// last success).
    pub fn last_update_failed(&self) -> bool {
        self.last_update_failed_since(0)
    }

    /// As [`StatusLog::last_update_failed`], counting only messages logged at or after
    /// `since` (the phone's last boot: an older failure is history).
    pub fn last_update_failed_since(&self, since: u64) -> bool {
        for entry in self.entries.iter().rev().take_while(|e| e.time >= since) {
            let t = entry.text.to_ascii_lowercase();
            if t.starts_with("trust list update failed") || t.starts_with("ctl update failed") {
                return true;
            }
            if t.starts_with("trust list updated")
                || t.contains("installed") && !t.starts_with("no trust list")
            {
                return false;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_thirty() {
        let mut log = StatusLog::default();
        for i in 0..40 {
            log.push(i, "Trust List updated");
        }
        assert_eq!(log.len(), STATUS_CAPACITY);
        assert_eq!(log.entries().next().map(|e| e.time), Some(10));
    }

    #[test]
    fn failure_counts_only_after_the_last_success() {
        let mut log = StatusLog::default();
        log.push(1, text::ITL_INSTALLED);
        assert!(!log.last_update_failed());
        log.push(2, text::TRUST_LIST_UPDATE_FAILED);
        assert!(log.last_update_failed());
        log.push(3, text::TRUST_LIST_UPDATED);
        assert!(!log.last_update_failed());
    }

    #[test]
    fn a_failure_before_the_last_boot_is_history() {
        let mut log = StatusLog::default();
        log.push(10, text::ITL_INSTALLED);
        log.push(20, text::TRUST_LIST_UPDATE_FAILED);
        assert!(log.last_update_failed_since(20));
        assert!(log.last_update_failed_since(15));
        assert!(!log.last_update_failed_since(21));
        log.push(30, "Registered");
        assert!(!log.last_update_failed_since(25));
        assert!(log.last_update_failed_since(0));
    }
}
