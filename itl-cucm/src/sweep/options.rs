//! The settings of a sweep: concurrency, the phone page client, retries, the reference-list
//! client, per-phone files, and what is known about the phones' clocks.

use std::time::Duration;

use crate::fetch::FetchOptions;
use crate::http::HttpOptions;

/// Settings of a sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepOptions {
    /// Phones read at the same time.
    pub concurrency: usize,
    /// The phone page client: connect timeout, total timeout per request, body cap.
    pub page: HttpOptions,
    /// Retries after a network error (per page).
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
    /// 64 phones at a time; pages: 3 s to connect, 10 s in total, 1 MiB; one retry after
    /// 250 ms; default fetch settings; no per-phone files; phone clocks in an unknown zone;
    /// boots take at most 5 minutes before registering.
    fn default() -> Self {
        Self {
            concurrency: 64,
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
        let attempts = self.retries.saturating_add(1);
        let page = self
            .page
            .timeout
            .saturating_mul(attempts)
            .saturating_add(self.retry_delay.saturating_mul(self.retries));
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
