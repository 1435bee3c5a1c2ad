//! The settings of a sweep: concurrency, the phone page client, retries, the reference-list
//! client, per-phone files, and what is known about the phones' clocks.

use std::time::Duration;

use crate::fetch::FetchOptions;
use crate::http::HttpOptions;

/// Settings of a sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepOptions {
    /// Phones read at the same time (a phone whose request has waited longer than
    /// [`Self::park_after`] stops counting here and counts in [`Self::waiting`] instead).
    pub concurrency: usize,
    /// Phones that may wait on a silent request on top of [`Self::concurrency`]: waiting costs
    /// a socket, not CPU, so unreachable phones do not hold the slots of healthy ones.
    pub waiting: usize,
    /// How long a request waits before its phone leaves its [`Self::concurrency`] slot.
    pub park_after: Duration,
    /// The timeout of a phone's first read when a retry may follow (at most the page
    /// timeout); the retry, at the end of the sweep, gets the full page timeout.
    pub first_attempt_timeout: Duration,
    /// The phone page client: connect timeout, total timeout per request, body cap.
    pub page: HttpOptions,
    /// Reads after a network error (refused, timed out): the first is a second read of the
    /// whole phone at the end of the sweep, any more are immediate per page.
    pub retries: u32,
    /// Pause before a retry.
    pub retry_delay: Duration,
    /// The reference-list client (TFTP and HTTP 6970).
    pub fetch: FetchOptions,
    /// Also fetch each phone's `ITLSEP<MAC>.tlv` (archived; it becomes that phone's reference).
    pub per_phone_files: bool,
    /// How far the phones' clocks (the times on their status pages) are ahead of UTC, in
    /// seconds (`-18000` for UTC−5); `None` when unknown, which widens the margin by the full
    /// range of time zones (UTC−12 to UTC+14). See [`super::clock::boot_floor`].
    pub phone_utc_offset: Option<i32>,
    /// How long before its registration (RisPort `TimeStamp`) a phone's boot may have started:
    /// the trust-list messages of that boot are logged before it registers.
    pub boot_window: Duration,
}

impl Default for SweepOptions {
    /// 64 phones at a time plus 512 waiting (after 500 ms); pages: 3 s to connect, 10 s in
    /// total, 1 MiB; a first read within 4 s, one retry at the end; default fetch settings; no per-phone files; phone clocks in an unknown zone;
    /// boots take at most 5 minutes before registering.
    fn default() -> Self {
        Self {
            concurrency: 64,
            waiting: 512,
            park_after: Duration::from_millis(500),
            first_attempt_timeout: Duration::from_secs(4),
            page: HttpOptions {
                connect_timeout: Duration::from_secs(3),
                timeout: Duration::from_secs(10),
                max_size: 1 << 20,
            },
            retries: 1,
            retry_delay: Duration::from_millis(250),
            fetch: FetchOptions::default(),
            per_phone_files: false,
            phone_utc_offset: None,
            boot_window: Duration::from_secs(300),
        }
    }
}

impl SweepOptions {
    /// The longest one phone can take: its pages ([`PAGES_PER_PHONE`]) with their retries (and the per-phone ITL
    /// when asked), each request bounded by the page timeout. [`super::run_sweep`] gives up on a
    /// phone after this long (`unreachable`), so a sweep of `n` phones takes at most the
    /// reference fetch plus `ceil(n / concurrency)` times this.
    pub fn phone_deadline(&self) -> Duration {
        self.read_deadline(self.page.timeout, self.retries)
    }

    /// The longest one read of a phone can take with `timeout` per request and `retries`
    /// immediate retries per page (see [`Self::phone_deadline`]).
    pub fn read_deadline(&self, timeout: Duration, retries: u32) -> Duration {
        let attempts = retries.saturating_add(1);
        let page = timeout
            .saturating_mul(attempts)
            .saturating_add(self.retry_delay.saturating_mul(retries));
        let mut total = page.saturating_mul(PAGES_PER_PHONE);
        if self.per_phone_files {
            total = total.saturating_add(self.fetch.http.timeout.max(self.fetch.tftp.deadline));
        }
        // Scheduling slack, so the page timeouts decide in the normal case.
        total.saturating_add(Duration::from_millis(500))
    }
}

/// The most page requests one phone costs: Network Setup at the usual path, the home page and
/// the linked Network Setup page when that path is missing, the Security information page,
/// the Status messages page.
pub const PAGES_PER_PHONE: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_deadline_covers_every_page_and_retries() {
        let o = SweepOptions::default();
        // 5 pages x (2 x 10 s + 250 ms) + 500 ms.
        assert_eq!(o.phone_deadline(), Duration::from_millis(101_750));
        let mut none = o.clone();
        none.retries = 0;
        assert_eq!(none.phone_deadline(), Duration::from_millis(50_500));
    }
}
