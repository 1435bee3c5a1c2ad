//! Time in a sweep: the tool's clock (report times, archive dates) and the phones' clocks
//! (which trust-list messages are older than a phone's last boot).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::page::PhoneTime;

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Seconds in the time-zone range phones may be set to: UTC−12 to UTC+14.
const ZONE_MIN: i64 = -12 * 3600;

/// The earliest time, by the phone's clock, its last boot can have started: its registration
/// time from RisPort (`since`, Unix seconds UTC) minus the boot window, moved into the phone's
/// clock by `utc_offset` (seconds ahead of UTC). With the offset unknown the earliest zone
/// (UTC−12) is assumed, so a message is only taken as older than the boot when it is in every
/// zone. `None` when RisPort gave no time.
pub fn boot_floor(
    since: Option<u64>,
    boot_window: Duration,
    utc_offset: Option<i32>,
) -> Option<PhoneTime> {
    let since = i64::try_from(since.filter(|&s| s > 0)?).ok()?;
    let window = i64::try_from(boot_window.as_secs()).unwrap_or(i64::MAX);
    let offset = utc_offset.map_or(ZONE_MIN, i64::from);
    Some(PhoneTime {
        secs: since.saturating_sub(window).saturating_add(offset),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_floor_by_zone() {
        let w = Duration::from_secs(300);
        let at = |secs| Some(PhoneTime { secs });
        assert_eq!(boot_floor(Some(1_000_000), w, Some(0)), at(999_700));
        assert_eq!(boot_floor(Some(1_000_000), w, Some(-18_000)), at(981_700));
        assert_eq!(boot_floor(Some(1_000_000), w, Some(3_600)), at(1_003_300));
        // Unknown zone: the earliest (UTC-12).
        assert_eq!(boot_floor(Some(1_000_000), w, None), at(956_500));
        assert_eq!(boot_floor(None, w, Some(0)), None);
        assert_eq!(boot_floor(Some(0), w, Some(0)), None);
    }
}
