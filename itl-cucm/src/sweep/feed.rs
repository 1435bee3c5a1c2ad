//! Phones that become known while a sweep runs ([`PhoneFeed`]): cluster discovery lists every
//! phone from AXL first, then learns registration, address and `Httpd` from RisPort70 one
//! paced chunk at a time; each chunk is handed to the runner as it arrives, so the phones'
//! pages are read while the next chunk waits for the RisPort budget.

use futures::stream::{BoxStream, Stream, StreamExt};

use super::inventory::InventoryPhone;

/// One step of a [`PhoneFeed`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedEvent {
    /// The plan's phones `first..first + phones.len()` are now known as given (they replace
    /// the plan's entries, which only named them).
    Phones {
        /// Index of the first phone in the plan.
        first: usize,
        /// The phones, in plan order.
        phones: Vec<InventoryPhone>,
    },
    /// Something could not be learnt (carried into the report's warnings).
    Warning(String),
}

/// A stream of [`FeedEvent`]s; the phones it never names are read as the plan lists them.
pub struct PhoneFeed<'a> {
    stream: Option<BoxStream<'a, FeedEvent>>,
}

impl std::fmt::Debug for PhoneFeed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneFeed")
            .field("open", &self.stream.is_some())
            .finish()
    }
}

impl<'a> PhoneFeed<'a> {
    /// No feed: the plan's phones are final.
    pub fn none() -> Self {
        Self { stream: None }
    }

    /// A feed from a stream of events; until it ends, the plan's phones wait for it.
    pub fn new(stream: impl Stream<Item = FeedEvent> + Send + 'a) -> Self {
        Self {
            stream: Some(stream.boxed()),
        }
    }

    /// Whether phones may still arrive (the plan's phones wait for the feed).
    pub fn is_open(&self) -> bool {
        self.stream.is_some()
    }

    /// The next event; `None` once the feed has ended (and from then on).
    pub async fn next(&mut self) -> Option<FeedEvent> {
        let stream = self.stream.as_mut()?;
        let event = stream.next().await;
        if event.is_none() {
            self.stream = None;
        }
        event
    }

    /// Every remaining event, in order (a sweep-less caller: [`super::inventory::discover`]).
    pub async fn collect(mut self) -> Vec<FeedEvent> {
        let mut events = Vec::new();
        while let Some(e) = self.next().await {
            events.push(e);
        }
        events
    }
}
