//! The sweep's progress bar: an indicatif bar on stderr with live counts per state.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use itl_core::cucm::PhoneState;
use itl_cucm::sweep::SweepObserver;
use itl_cucm::sweep::report::{PhoneRecord, ReferenceFacts};

/// An indicatif progress bar on stderr with live counts per state.
#[derive(Debug)]
pub struct ProgressBar {
    bar: indicatif::ProgressBar,
    counts: Mutex<BTreeMap<PhoneState, usize>>,
}

impl ProgressBar {
    /// A bar drawn on stderr when `show` and stderr is a terminal; otherwise it draws
    /// nothing (a redirected stderr gets no control sequences).
    pub fn on_stderr(show: bool) -> Self {
        let bar = indicatif::ProgressBar::hidden();
        if show && std::io::stderr().is_terminal() {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
        ) {
            bar.set_style(style);
        }
        Self {
            bar,
            counts: Mutex::new(BTreeMap::new()),
        }
    }

    /// The live message: the count of each state seen so far, in state order.
    fn message(counts: &BTreeMap<PhoneState, usize>) -> String {
        counts
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl SweepObserver for ProgressBar {
    fn references(&self, facts: &[ReferenceFacts]) {
        let ok = facts.iter().filter(|f| f.itl.is_some()).count();
        self.bar.println(format!(
            "reference lists: ITL from {ok} of {} TFTP node(s)",
            facts.len()
        ));
    }

    fn started(&self, phones: usize) {
        self.bar.set_length(phones as u64);
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn phone_done(&self, record: &PhoneRecord) {
        let text = {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            *counts.entry(record.state).or_default() += 1;
            Self::message(&counts)
        };
        self.bar.set_message(text);
        self.bar.inc(1);
    }

    fn finished(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_cucm::sweep::fixtures::record;

    #[test]
    fn counts_per_state_in_state_order() {
        let bar = ProgressBar::on_stderr(false);
        bar.started(3);
        for state in [PhoneState::StaleItl, PhoneState::Ok, PhoneState::StaleItl] {
            bar.phone_done(&record("SEP000000000001", state));
        }
        assert_eq!(bar.bar.position(), 3);
        assert_eq!(bar.bar.message(), "ok 1 · stale-itl 2");
        assert!(bar.bar.is_hidden());
        bar.finished();
        assert!(bar.bar.is_finished());
    }
}
