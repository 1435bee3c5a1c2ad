//! Times as phones print them, and the calendar arithmetic to compare them.
//!
//! Phones print their local time without a zone, in several formats (`cucm-interfaces.md`
//! §8.4, §8.6):
//!
//! | example | who |
//! |---|---|
//! | `06/01/25 3:00:05p`, `06/01/2025 3:00:05 PM` | 78xx / 88xx (date first, 12-hour) |
//! | `15:00:05 06/01/25` | 79xx (time first, 24-hour) |
//! | `2025-06-01 15:00:05`, `2025-06-01T15:00:05` | ISO |
//! | `9:52:58p`, `7:56:45a` | devices that print no date (time of day only, 12-hour) |
//!
//! A date and time becomes a [`PhoneTime`]; a time of day alone a [`TimeOfDay`]; both are a
//! [`MessageTime`].

use itl_core::time::{civil_from_days, days_from_civil};
use std::fmt;

/// A time as a phone prints it: no time zone (the phone's local time), so only comparable
/// with other times of the same phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneTime {
    /// Seconds since 1970-01-01T00:00:00 of the phone's clock, as if it were UTC.
    pub secs: i64,
}

impl PhoneTime {
    /// The time of day of this time.
    pub fn time_of_day(self) -> TimeOfDay {
        TimeOfDay {
            secs: self.secs.rem_euclid(86_400) as u32,
        }
    }
}

impl fmt::Display for PhoneTime {
    /// `YYYY-MM-DDTHH:MM:SS` (no zone).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.secs.div_euclid(86_400));
        write!(f, "{y:04}-{m:02}-{d:02}T{}", self.time_of_day())
    }
}

/// A time of day without a date (a status message of a device that prints no date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    /// Seconds since midnight, `0..86_400`.
    pub secs: u32,
}

impl TimeOfDay {
    /// The latest phone time at or before `now` with this time of day: when the message is
    /// known to be less than a day old, its full time.
    pub fn latest_at_or_before(self, now: PhoneTime) -> PhoneTime {
        let day = now.secs.div_euclid(86_400) * 86_400;
        let same_day = day + i64::from(self.secs);
        PhoneTime {
            secs: if same_day <= now.secs {
                same_day
            } else {
                same_day - 86_400
            },
        }
    }
}

impl fmt::Display for TimeOfDay {
    /// `HH:MM:SS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.secs;
        write!(f, "{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    }
}

/// When a status message was logged, as far as the page tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageTime {
    /// A full local date and time.
    At(PhoneTime),
    /// A time of day only: which day is not on the page.
    TimeOfDay(TimeOfDay),
}

impl MessageTime {
    /// The full time, when the page gave a date.
    pub fn date_time(self) -> Option<PhoneTime> {
        match self {
            MessageTime::At(t) => Some(t),
            MessageTime::TimeOfDay(_) => None,
        }
    }

    /// Whether the message is not older than `floor` (e.g. the phone's last boot):
    /// `Some(answer)` for a dated message, `None` (ambiguous) for a time of day alone.
    pub fn not_before(self, floor: PhoneTime) -> Option<bool> {
        self.date_time().map(|t| t >= floor)
    }
}

impl fmt::Display for MessageTime {
    /// `YYYY-MM-DDTHH:MM:SS`, or `HH:MM:SS` for a time of day alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageTime::At(t) => t.fmt(f),
            MessageTime::TimeOfDay(t) => t.fmt(f),
        }
    }
}

impl From<PhoneTime> for MessageTime {
    fn from(t: PhoneTime) -> Self {
        MessageTime::At(t)
    }
}

/// A timestamp at the start of `text` (after leading whitespace) and the text after it.
pub fn leading_time(text: &str) -> Option<(MessageTime, &str)> {
    let (first, rest1) = next_token(text)?;
    let second = next_token(rest1);
    if let Some((second, rest2)) = second {
        // 8800: `06/01/25 3:00:05p`; also `06/01/2025 15:00:05`.
        if let (Some(date), Some(time)) = (slash_date(first), clock(second)) {
            let (time, rest) = with_suffix(time, rest2);
            return Some((MessageTime::At(to_time(date, time)?), rest));
        }
        // 7900: `15:00:05 06/01/25`.
        if let (Some(time), Some(date)) = (clock(first), slash_date(second)) {
            return Some((MessageTime::At(to_time(date, time)?), rest2));
        }
        if let (Some(date), Some(time)) = (iso_date(first), clock(second)) {
            let (time, rest) = with_suffix(time, rest2);
            return Some((MessageTime::At(to_time(date, time)?), rest));
        }
    }
    // ISO in one token: `2025-06-01T15:00:05`.
    if let Some((d, t)) = first.split_once(['T', 't'])
        && let (Some(date), Some(time)) = (iso_date(d), clock(t.trim_end_matches(['Z', 'z'])))
    {
        return Some((MessageTime::At(to_time(date, time)?), rest1));
    }
    // A time of day alone, 12-hour with its a/p suffix and seconds: `9:52:58p`, `9:52:58 PM`.
    if let Some(time) = clock(first)
        && time.seconds
    {
        let (time, rest) = with_suffix(time, rest1);
        if time.pm.is_some() {
            return Some((MessageTime::TimeOfDay(to_time_of_day(time)?), rest));
        }
    }
    None
}

/// The first whitespace-separated token and what follows it.
fn next_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

type Date = (i64, u32, u32);

/// `MM/DD/YY` or `MM/DD/YYYY`.
fn slash_date(tok: &str) -> Option<Date> {
    let mut it = tok.split('/');
    let m = u32::try_from(small_number(it.next()?, 2)?).ok()?;
    let d = u32::try_from(small_number(it.next()?, 2)?).ok()?;
    let y = it.next()?;
    if it.next().is_some() {
        return None;
    }
    let y = match y.len() {
        2 => 2000 + small_number(y, 2)?,
        4 => small_number(y, 4)?,
        _ => return None,
    };
    valid_date(y, m, d)
}

/// `YYYY-MM-DD`.
fn iso_date(tok: &str) -> Option<Date> {
    let mut it = tok.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 {
        return None;
    }
    valid_date(
        small_number(y, 4)?,
        u32::try_from(small_number(m, 2)?).ok()?,
        u32::try_from(small_number(d, 2)?).ok()?,
    )
}

fn valid_date(y: i64, m: u32, d: u32) -> Option<Date> {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

fn small_number(tok: &str, max_len: usize) -> Option<i64> {
    if tok.is_empty() || tok.len() > max_len || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    tok.parse().ok()
}

/// A clock reading: hour, minute, second, whether seconds were written, and `Some(pm)` when
/// a 12-hour suffix was.
#[derive(Clone, Copy)]
struct Clock {
    h: i64,
    m: i64,
    s: i64,
    seconds: bool,
    pm: Option<bool>,
}

/// `h:mm:ss` or `h:mm`, with an optional `a`/`p`/`am`/`pm` suffix.
fn clock(tok: &str) -> Option<Clock> {
    let lower = tok.to_ascii_lowercase();
    let (digits, pm) = if let Some(d) = lower.strip_suffix("am") {
        (d, Some(false))
    } else if let Some(d) = lower.strip_suffix("pm") {
        (d, Some(true))
    } else if let Some(d) = lower.strip_suffix('a') {
        (d, Some(false))
    } else if let Some(d) = lower.strip_suffix('p') {
        (d, Some(true))
    } else {
        (lower.as_str(), None)
    };
    let mut it = digits.split(':');
    let h = small_number(it.next()?, 2)?;
    let m = small_number(it.next()?, 2)?;
    let (s, seconds) = match it.next() {
        Some(s) => (small_number(s, 2)?, true),
        None => (0, false),
    };
    if it.next().is_some() || m > 59 || s > 59 {
        return None;
    }
    Some(Clock {
        h,
        m,
        s,
        seconds,
        pm,
    })
}

fn ampm(word: &str) -> Option<bool> {
    match word.to_ascii_lowercase().as_str() {
        "am" | "a" | "a.m." => Some(false),
        "pm" | "p" | "p.m." => Some(true),
        _ => None,
    }
}

/// An optional separate am/pm word after a clock without suffix.
fn with_suffix(time: Clock, rest: &str) -> (Clock, &str) {
    if time.pm.is_none()
        && let Some((word, after)) = next_token(rest)
        && let Some(pm) = ampm(word)
    {
        return (
            Clock {
                pm: Some(pm),
                ..time
            },
            after,
        );
    }
    (time, rest)
}

/// The 24-hour hour of a clock reading, when valid.
fn hour24(time: Clock) -> Option<i64> {
    match time.pm {
        None if time.h <= 23 => Some(time.h),
        Some(pm) if (1..=12).contains(&time.h) => Some(time.h % 12 + if pm { 12 } else { 0 }),
        _ => None,
    }
}

fn to_time_of_day(time: Clock) -> Option<TimeOfDay> {
    let secs = hour24(time)? * 3600 + time.m * 60 + time.s;
    Some(TimeOfDay {
        secs: u32::try_from(secs).ok()?,
    })
}

fn to_time(date: Date, time: Clock) -> Option<PhoneTime> {
    let of_day = to_time_of_day(time)?;
    Some(PhoneTime {
        secs: days_from_civil(date.0, date.1, date.2) * 86_400 + i64::from(of_day.secs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Option<(String, &str)> {
        leading_time(text).map(|(t, rest)| (t.to_string(), rest.trim()))
    }

    #[test]
    fn every_documented_format() {
        for (text, time, rest) in [
            (
                "06/01/25 3:00:05p ITL installed",
                "2025-06-01T15:00:05",
                "ITL installed",
            ),
            ("06/01/25 12:00:05a x", "2025-06-01T00:00:05", "x"),
            ("06/01/2025 3:00:05 PM x", "2025-06-01T15:00:05", "x"),
            ("15:00:05 06/01/25 x", "2025-06-01T15:00:05", "x"),
            ("2025-06-01 15:00:05 x", "2025-06-01T15:00:05", "x"),
            ("2025-06-01T15:00:05Z x", "2025-06-01T15:00:05", "x"),
            (
                "9:52:58p No Trust List Installed",
                "21:52:58",
                "No Trust List Installed",
            ),
            (
                "7:56:45a CTL update failed",
                "07:56:45",
                "CTL update failed",
            ),
            ("12:00:01a x", "00:00:01", "x"),
            ("12:00:01p x", "12:00:01", "x"),
            ("9:52:58 pm x", "21:52:58", "x"),
        ] {
            assert_eq!(shown(text), Some((time.to_owned(), rest)), "{text}");
        }
        assert!(matches!(
            leading_time("9:52:58p x"),
            Some((MessageTime::TimeOfDay(TimeOfDay { secs: 78_778 }), _))
        ));
    }

    #[test]
    fn reject_twins_out_of_range_and_bare_times() {
        for text in [
            "13/01/25 1:00:00 x",
            "12/01/25 13:00:00p x",
            "12/01/25 0:00:00a x",
            "12/01/25 24:00:00 x",
            "12/01/25 10:60:00 x",
            "12/01/25 10:00:60 x",
            "02/30/25 10:00:00 x",
            "02/29/25 10:00:00 x",
            "13:52:58p x",
            "0:52:58a x",
            // A time of day alone needs the 12-hour suffix and the seconds.
            "21:52:58 x",
            "9:52p x",
            "x 9:52:58p",
            "",
            "   ",
        ] {
            assert_eq!(shown(text), None, "{text:?}");
        }
        assert!(shown("02/29/24 10:00:00 x").is_some());
    }

    #[test]
    fn calendar_and_time_of_day() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            civil_from_days(days_from_civil(2024, 2, 29)),
            (2024, 2, 29u32)
        );
        assert_eq!(PhoneTime { secs: -1 }.to_string(), "1969-12-31T23:59:59");
        let now = PhoneTime {
            secs: days_from_civil(2025, 6, 2) * 86_400 + 8 * 3600,
        };
        let evening = TimeOfDay { secs: 21 * 3600 };
        let morning = TimeOfDay { secs: 7 * 3600 };
        assert_eq!(
            evening.latest_at_or_before(now).to_string(),
            "2025-06-01T21:00:00"
        );
        assert_eq!(
            morning.latest_at_or_before(now).to_string(),
            "2025-06-02T07:00:00"
        );
        assert_eq!(now.time_of_day().to_string(), "08:00:00");
        let at = MessageTime::At(now);
        assert_eq!(at.not_before(now), Some(true));
        assert_eq!(at.not_before(PhoneTime { secs: now.secs + 1 }), Some(false));
        assert_eq!(MessageTime::TimeOfDay(morning).not_before(now), None);
    }
}
