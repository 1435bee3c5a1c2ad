//! Stopping a sweep (Ctrl-C): a handle that fires once, and the signal the runner watches.
//! A stopped sweep still reports every phone, unvisited ones `not-scanned`.

use tokio::sync::watch;

/// Sets off a [`CancelSignal`].
#[derive(Debug)]
pub struct CancelHandle {
    tx: watch::Sender<bool>,
}

impl CancelHandle {
    /// Stops the sweep: it writes what it has, unvisited phones `not-scanned`.
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }
}

/// Tells a sweep to stop (Ctrl-C).
#[derive(Clone, Debug)]
pub struct CancelSignal {
    rx: Option<watch::Receiver<bool>>,
}

/// A connected handle and signal.
pub fn cancel_pair() -> (CancelHandle, CancelSignal) {
    let (tx, rx) = watch::channel(false);
    (CancelHandle { tx }, CancelSignal { rx: Some(rx) })
}

impl CancelSignal {
    /// A signal that never fires.
    pub fn never() -> Self {
        Self { rx: None }
    }

    /// Whether it fired.
    pub fn is_cancelled(&self) -> bool {
        self.rx.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Completes when it fires (never, when the handle is dropped unfired).
    pub async fn cancelled(&self) {
        let Some(rx) = &self.rx else {
            return std::future::pending().await;
        };
        let mut rx = rx.clone();
        loop {
            if *rx.borrow_and_update() {
                return;
            }
            if rx.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn cancel_signal() {
        let (handle, signal) = cancel_pair();
        assert!(!signal.is_cancelled());
        let waiter = tokio::spawn({
            let s = signal.clone();
            async move { s.cancelled().await }
        });
        handle.cancel();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("fires")
            .expect("joins");
        assert!(signal.is_cancelled());
        let never = CancelSignal::never();
        assert!(
            tokio::time::timeout(Duration::from_millis(20), never.cancelled())
                .await
                .is_err()
        );
    }
}
