//! Time as the trust lists, certificates and reports carry it: [`UnixTime`], whole seconds since
//! 1970-01-01T00:00:00Z. `itl-core` never reads the clock: every function that needs "now" takes
//! it as an argument.

use std::str::FromStr;

/// Seconds since the Unix epoch (UTC), possibly negative.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The epoch.
    pub const EPOCH: UnixTime = UnixTime(0);

    /// From seconds since the epoch.
    pub const fn from_secs(secs: i64) -> Self {
        UnixTime(secs)
    }

    /// From unsigned seconds since the epoch (a clock reading, a model time), saturating at
    /// `i64::MAX`.
    pub const fn from_secs_u64(secs: u64) -> Self {
        UnixTime(if secs > i64::MAX as u64 {
            i64::MAX
        } else {
            secs as i64
        })
    }

    /// Seconds since the epoch.
    pub const fn secs(self) -> i64 {
        self.0
    }

    /// This time plus `secs` seconds (saturating).
    pub const fn plus(self, secs: i64) -> Self {
        UnixTime(self.0.saturating_add(secs))
    }

    /// Seconds from `earlier` to `self` (negative when `earlier` is later).
    pub const fn since(self, earlier: UnixTime) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// From a civil UTC date and time; `None` when a field is out of range.
    pub fn from_civil(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(UnixTime(
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        ))
    }

    /// The civil UTC date and time: (year, month, day, hour, minute, second).
    pub fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let rem = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (
            y,
            m,
            d,
            (rem / 3600) as u32,
            (rem % 3600 / 60) as u32,
            (rem % 60) as u32,
        )
    }

    /// RFC 3339 UTC: `2015-05-07T03:10:47Z`.
    pub fn to_rfc3339(self) -> String {
        let (y, mo, d, h, mi, s) = self.to_civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// The admin CLI's date: `Thu May 07 03:10:47 UTC 2015`.
    pub fn to_cli_date(self) -> String {
        const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, mo, d, h, mi, s) = self.to_civil();
        let weekday = WEEKDAYS[self.0.div_euclid(86_400).rem_euclid(7) as usize];
        let month = MONTHS[(mo - 1) as usize];
        format!("{weekday} {month} {d:02} {h:02}:{mi:02}:{s:02} UTC {y}")
    }

    /// The TIMESTAMP a trust list carries on the wire (a u32 of Unix seconds): this time,
    /// clamped to 1970-01-01 ..= 2106-02-07.
    pub fn to_wire_timestamp(self) -> u32 {
        u32::try_from(self.0.max(0)).unwrap_or(u32::MAX)
    }

    /// A trust list's wire TIMESTAMP as a time.
    pub const fn from_wire_timestamp(timestamp: u32) -> Self {
        UnixTime(timestamp as i64)
    }

    /// As [`UnixTime::parse_rfc3339`], and also a bare date `2025-06-01` (midnight UTC):
    /// what the CLI's `--now` options take.
    pub fn parse_time_or_date(text: &str) -> Result<Self, DateTimeParseError> {
        let t = text.trim();
        let bad = || DateTimeParseError(t.chars().take(64).collect());
        let b = t.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let num = |r: std::ops::Range<usize>| {
                t.get(r)
                    .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
                    .and_then(|s| s.parse::<u32>().ok())
            };
            return match (num(0..4), num(5..7), num(8..10)) {
                (Some(y), Some(m), Some(d)) => UnixTime::from_civil(i64::from(y), m, d, 0, 0, 0),
                _ => None,
            }
            .ok_or_else(bad);
        }
        Self::parse_rfc3339(t).map_err(|_| bad())
    }

    /// Parses RFC 3339 (`2025-06-01T12:00:00Z`, `2025-06-01T14:00:00+02:00`, fractions of a
    /// second ignored, `t`/`z`/space accepted), or a plain number of Unix seconds.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimeParseError> {
        let t = text.trim();
        let bad = || TimeParseError(t.chars().take(64).collect());
        if let Ok(secs) = t.parse::<i64>() {
            return Ok(UnixTime(secs));
        }
        let b = t.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Result<u32, TimeParseError> {
            let s = t.get(r).ok_or_else(bad)?;
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return Err(bad());
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = &t[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            rest = &frac[digits..];
        }
        let offset = match rest.as_bytes() {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err(bad());
                }
                let h = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
                let m = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
                if h > 23 || m > 59 {
                    return Err(bad());
                }
                let secs = h * 3600 + m * 60;
                if *sign == b'-' { -secs } else { secs }
            }
            _ => return Err(bad()),
        };
        let at = UnixTime::from_civil(i64::from(year), month, day, hour, minute, second)
            .ok_or_else(bad)?;
        Ok(at.plus(-offset))
    }
}

impl std::ops::Add<i64> for UnixTime {
    type Output = UnixTime;

    /// This time plus `secs` seconds (saturating).
    fn add(self, secs: i64) -> UnixTime {
        self.plus(secs)
    }
}

impl std::ops::AddAssign<i64> for UnixTime {
    fn add_assign(&mut self, secs: i64) {
        *self = self.plus(secs);
    }
}

impl std::ops::Sub<i64> for UnixTime {
    type Output = UnixTime;

    /// This time minus `secs` seconds (saturating).
    fn sub(self, secs: i64) -> UnixTime {
        UnixTime(self.0.saturating_sub(secs))
    }
}

named!(UnixTime, to_rfc3339);

impl FromStr for UnixTime {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_rfc3339(s)
    }
}

/// A text that is not an RFC 3339 time nor Unix seconds (nor, where accepted, a date).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time like 2025-06-01T12:00:00Z (RFC 3339) or Unix seconds")]
pub struct TimeParseError(pub String);

/// A text that is not an RFC 3339 time, a date nor Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an RFC 3339 time such as 2026-01-01T00:00:00Z, a date such as 2026-01-01, nor Unix seconds"
)]
pub struct DateTimeParseError(pub String);

/// Days in `month` of `year` (proleptic Gregorian).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = UnixTime::from_secs(1_430_968_247);
        assert_eq!(t.to_rfc3339(), "2015-05-07T03:10:47Z");
        assert_eq!(t.to_cli_date(), "Thu May 07 03:10:47 UTC 2015");
        assert_eq!(UnixTime::from_secs(-1).to_rfc3339(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn parses_rfc3339_and_seconds() {
        for (text, secs) in [
            ("2015-05-07T03:10:47Z", 1_430_968_247),
            ("2015-05-07t03:10:47z", 1_430_968_247),
            ("2015-05-07 05:10:47+02:00", 1_430_968_247),
            ("2015-05-06T22:10:47.123-05:00", 1_430_968_247),
            ("1430968247", 1_430_968_247),
            ("2024-02-29T00:00:00Z", 1_709_164_800),
        ] {
            assert_eq!(
                UnixTime::parse_rfc3339(text),
                Ok(UnixTime::from_secs(secs)),
                "{text}"
            );
        }
        for bad in [
            "",
            "2015-05-07",
            "2015-05-07T03:10:47",
            "2015-13-07T03:10:47Z",
            "2023-02-29T00:00:00Z",
            "2015-05-07T24:10:47Z",
            "2015-05-07T03:10:47+2:00",
            "2015-05-07T03:10:47.Z",
            "2015-05-07T03:10:47Zjunk",
            "２０１５-05-07T03:10:47Z",
        ] {
            assert!(UnixTime::parse_rfc3339(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_are_midnight_utc_where_accepted() {
        assert_eq!(
            UnixTime::parse_time_or_date("2016-01-01"),
            Ok(UnixTime::from_secs(1_451_606_400))
        );
        assert_eq!(
            UnixTime::parse_time_or_date("2016-01-01T01:00:00+01:00"),
            Ok(UnixTime::from_secs(1_451_606_400))
        );
        assert_eq!(
            UnixTime::parse_time_or_date("1451606400"),
            Ok(UnixTime::from_secs(1_451_606_400))
        );
        for bad in [
            "2016-13-01",
            "2015-02-29",
            "2016-1-01x",
            "yesterday",
            "２０１６-01-01",
        ] {
            assert_eq!(
                UnixTime::parse_time_or_date(bad),
                Err(DateTimeParseError(bad.into())),
                "{bad:?}"
            );
        }
        assert_eq!(
            DateTimeParseError("soon".into()).to_string(),
            "`soon` is not an RFC 3339 time such as 2026-01-01T00:00:00Z, a date such as \
             2026-01-01, nor Unix seconds"
        );
        // parse_rfc3339 itself takes no bare date.
        assert!(UnixTime::parse_rfc3339("2016-01-01").is_err());
    }

    #[test]
    fn wire_timestamps_and_arithmetic() {
        let t = UnixTime::from_secs(1_430_968_247);
        assert_eq!(t.to_wire_timestamp(), 1_430_968_247);
        assert_eq!(
            UnixTime::from_wire_timestamp(u32::MAX).secs(),
            4_294_967_295
        );
        assert_eq!(UnixTime::from_secs(-5).to_wire_timestamp(), 0);
        assert_eq!(UnixTime::from_secs(1 << 40).to_wire_timestamp(), u32::MAX);
        let mut u = t + 60;
        assert_eq!(u - 60, t);
        u += 1;
        assert_eq!(u.since(t), 61);
        assert_eq!(
            UnixTime::from_secs(i64::MAX) + 1,
            UnixTime::from_secs(i64::MAX)
        );
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 59, 60, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
