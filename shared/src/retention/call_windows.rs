//! Phone etiquette (PRODUCT §8, 电话三不打 / 三必打): when a call is allowed, and the next good time.
//!
//! Times are the customer's local wall-clock time. A [`TimeRange`] is half-open `[from, until)`;
//! one whose `until` is not after `from` wraps past midnight (`21:00–09:00` is the night).
//!
//! Invariants:
//! - [`next_good_time`] never proposes a forbidden time, is never before `now`, and is the
//!   *earliest* allowed time from `now` on (property-tested in `tests/retention_call_windows.rs`).
//! - A [`CallWindows`] always leaves some time of day allowed: [`CallWindows::new`] (and
//!   deserialising) refuse windows that forbid the whole day, so a good time always exists.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::retention::{is_allowed, next_good_time, CallWindows};
//! let windows = CallWindows::default();
//! let lunch = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(12, 15, 0).unwrap();
//! assert!(!is_allowed(lunch, &windows));
//! assert_eq!(next_good_time(lunch, &windows).time().to_string(), "13:30:00");
//! let late = lunch.date().and_hms_opt(22, 0, 0).unwrap();
//! assert_eq!(next_good_time(late, &windows).to_string(), "2026-03-03 09:00:00");
//! ```

use chrono::{Days, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// A daily span of wall-clock time, `[from, until)`, wrapping past midnight when `until <= from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub from: NaiveTime,
    pub until: NaiveTime,
}

impl TimeRange {
    /// `from`–`until` in hours and minutes; `None` for an impossible time.
    pub fn hm(from: (u32, u32), until: (u32, u32)) -> Option<Self> {
        Some(Self {
            from: NaiveTime::from_hms_opt(from.0, from.1, 0)?,
            until: NaiveTime::from_hms_opt(until.0, until.1, 0)?,
        })
    }

    pub fn contains(&self, time: NaiveTime) -> bool {
        if self.from < self.until {
            self.from <= time && time < self.until
        } else {
            // Wrapping (or, with from == until, the whole day).
            time >= self.from || time < self.until
        }
    }

    /// The first moment after `at` (within this range) at which the range ends.
    fn end_after(&self, at: NaiveDateTime) -> NaiveDateTime {
        let end = at.date().and_time(self.until);
        if end > at {
            end
        } else {
            end.checked_add_days(Days::new(1)).unwrap_or(end)
        }
    }
}

/// An organisation's call windows: spans when calls are refused, and the best spans to call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallWindows {
    forbidden: Vec<TimeRange>,
    best: Vec<TimeRange>,
}

/// The stored shape of [`CallWindows`], checked on the way in.
#[derive(Deserialize)]
struct StoredCallWindows {
    forbidden: Vec<TimeRange>,
    #[serde(default)]
    best: Vec<TimeRange>,
}

impl<'de> Deserialize<'de> for CallWindows {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredCallWindows::deserialize(deserializer)?;
        CallWindows::new(stored.forbidden, stored.best).map_err(serde::de::Error::custom)
    }
}

impl Default for CallWindows {
    /// No calls before 09:00, over lunch 11:30–13:30, over dinner 17:30–19:00, or after 21:00;
    /// best an hour after work starts until before noon (10:00–11:30) and before the afternoon
    /// ends (15:00–17:30).
    fn default() -> Self {
        let range = |from, until| {
            TimeRange::hm(from, until).unwrap_or(TimeRange {
                from: NaiveTime::MIN,
                until: NaiveTime::MIN,
            })
        };
        Self {
            forbidden: vec![
                range((21, 0), (9, 0)),
                range((11, 30), (13, 30)),
                range((17, 30), (19, 0)),
            ],
            best: vec![range((10, 0), (11, 30)), range((15, 0), (17, 30))],
        }
    }
}

impl CallWindows {
    /// Windows from forbidden and best spans; refused when the forbidden spans cover the whole day.
    pub fn new(forbidden: Vec<TimeRange>, best: Vec<TimeRange>) -> Result<Self, String> {
        let windows = Self { forbidden, best };
        let midnight = NaiveDateTime::default();
        match windows.first_allowed_from(midnight) {
            Some(_) => Ok(windows),
            None => Err("the forbidden call windows cover the whole day".into()),
        }
    }

    pub fn forbidden(&self) -> &[TimeRange] {
        &self.forbidden
    }

    pub fn best(&self) -> &[TimeRange] {
        &self.best
    }

    /// True when `at` lies in a best span and no forbidden one.
    pub fn is_best(&self, at: NaiveDateTime) -> bool {
        is_allowed(at, self) && self.best.iter().any(|range| range.contains(at.time()))
    }

    /// The earliest allowed moment from `now` on, within a day and a bit; `None` if there is none.
    fn first_allowed_from(&self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let mut at = now;
        // Each step jumps to the end of a forbidden span, so the end of every span is visited at
        // most once per day; two days of steps cover any chain of spans.
        for _ in 0..=2 * self.forbidden.len() + 1 {
            match self
                .forbidden
                .iter()
                .find(|range| range.contains(at.time()))
            {
                None => return Some(at),
                Some(range) => at = range.end_after(at),
            }
        }
        None
    }
}

/// True when a call at `at` is allowed (in no forbidden span).
pub fn is_allowed(at: NaiveDateTime, windows: &CallWindows) -> bool {
    !windows
        .forbidden
        .iter()
        .any(|range| range.contains(at.time()))
}

/// `now` when a call is allowed then, else the earliest allowed moment after it.
pub fn next_good_time(now: NaiveDateTime, windows: &CallWindows) -> NaiveDateTime {
    // `CallWindows` always leaves time allowed, so the fallback is never taken.
    windows.first_allowed_from(now).unwrap_or(now)
}
