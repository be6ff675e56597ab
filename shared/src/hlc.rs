//! Hybrid logical clock (SYNC §2): text form `MMMMMMMMMMMMMMM:CCCCC:DEVICE` whose byte order is clock order.
//!
//! Invariants: a [`Clock`] never hands out the same or a smaller stamp twice, whatever the
//! wall clock does; after [`Clock::observe`] the next stamp is greater than the observed one.
//! Wall time comes in as an argument, because `SystemTime` traps in the browser.

use crate::model::DeviceId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// Largest counter value the 5-digit text form can hold.
pub const MAX_COUNTER: u32 = 99_999;
/// Largest milliseconds value the 15-digit text form can hold.
pub const MAX_MILLIS: u64 = 999_999_999_999_999;

/// One clock reading. Ordered by (millis, counter, device), which is also the byte order of its text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u32,
    pub device: DeviceId,
}

impl Hlc {
    /// Parses the text form.
    ///
    /// ```
    /// use huitou_shared::Hlc;
    /// let hlc = Hlc::parse("001764072000123:00000:5f0c2a9e").unwrap();
    /// assert_eq!(hlc.millis, 1_764_072_000_123);
    /// assert_eq!(hlc.to_string(), "001764072000123:00000:5f0c2a9e");
    /// assert!(Hlc::parse("1764072000123:0:5f0c2a9e").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("hlc {text:?} must be 15 digits:5 digits:device id");
        let (millis, rest) = text.split_at_checked(15).ok_or_else(bad)?;
        let rest = rest.strip_prefix(':').ok_or_else(bad)?;
        let (counter, rest) = rest.split_at_checked(5).ok_or_else(bad)?;
        let device = rest.strip_prefix(':').ok_or_else(bad)?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !digits(millis) || !digits(counter) {
            return Err(bad());
        }
        Ok(Self {
            millis: millis.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
            device: DeviceId::parse(device)?,
        })
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}:{:05}:{}", self.millis, self.counter, self.device)
    }
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.millis, self.counter, self.device.as_str()).cmp(&(
            other.millis,
            other.counter,
            other.device.as_str(),
        ))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The clock of one writer. Serialisable so a device can store it and stay monotonic across reloads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    device: DeviceId,
    /// Milliseconds part of the last stamp handed out or observed.
    last_millis: u64,
    last_counter: u32,
    /// Server time minus device time, learned from `server_time_ms`.
    offset_ms: i64,
}

impl Clock {
    pub fn new(device: DeviceId) -> Self {
        Self {
            device,
            last_millis: 0,
            last_counter: 0,
            offset_ms: 0,
        }
    }

    pub fn device(&self) -> &DeviceId {
        &self.device
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// Learns the offset from a sync response: `server_time_ms` minus the device's wall time then.
    pub fn set_server_time(&mut self, server_time_ms: u64, wall_ms: u64) {
        self.offset_ms = server_time_ms as i64 - wall_ms as i64;
    }

    /// Forgets how far ahead past stamps went, so stamps follow corrected wall time again.
    /// Only for re-stamping after `clock_ahead`: the server refused those stamps, so nothing
    /// it holds carries them.
    pub fn rewind_to_wall(&mut self, wall_ms: u64) {
        let now = self.corrected(wall_ms);
        if self.last_millis > now {
            self.last_millis = now;
            self.last_counter = 0;
        }
    }

    fn corrected(&self, wall_ms: u64) -> u64 {
        (wall_ms as i64)
            .saturating_add(self.offset_ms)
            .clamp(0, MAX_MILLIS as i64) as u64
    }

    /// Stamps a local edit: `t = max(wall + offset, last.t)`, counter bumped when `t` did not move.
    ///
    /// ```
    /// use huitou_shared::{Clock, DeviceId};
    /// let mut clock = Clock::new(DeviceId::parse("device01").unwrap());
    /// let a = clock.tick(1_000);
    /// let b = clock.tick(900); // the wall clock went back
    /// assert!(b > a);
    /// ```
    pub fn tick(&mut self, wall_ms: u64) -> Hlc {
        let now = self.corrected(wall_ms);
        if now > self.last_millis {
            self.last_millis = now;
            self.last_counter = 0;
        } else if self.last_counter < MAX_COUNTER {
            self.last_counter += 1;
        } else {
            // Counter exhausted within one millisecond: borrow the next millisecond.
            self.last_millis += 1;
            self.last_counter = 0;
        }
        Hlc {
            millis: self.last_millis,
            counter: self.last_counter,
            device: self.device.clone(),
        }
    }

    /// A fresh stamp for a change the server refused as `clock_ahead`, after
    /// [`rewind_to_wall`](Self::rewind_to_wall): from the corrected clock, but above `floor`,
    /// the greatest stamp the device holds for the same field (an accepted earlier edit of it),
    /// so the re-stamped edit still wins over it on the server and on every device.
    ///
    /// ```
    /// use huitou_shared::{Clock, DeviceId, Hlc};
    /// let mut clock = Clock::new(DeviceId::parse("device01").unwrap());
    /// let accepted = Hlc::parse("000000000005000:00003:device01").unwrap();
    /// let fresh = clock.restamp(1_000, Some(&accepted));
    /// assert!(fresh > accepted);
    /// ```
    pub fn restamp(&mut self, wall_ms: u64, floor: Option<&Hlc>) -> Hlc {
        if let Some(floor) = floor {
            self.observe(floor);
        }
        self.tick(wall_ms)
    }

    /// Moves the clock past a received stamp, so the next local edit orders after it.
    pub fn observe(&mut self, seen: &Hlc) {
        if (seen.millis, seen.counter) > (self.last_millis, self.last_counter) {
            self.last_millis = seen.millis;
            self.last_counter = seen.counter;
        }
    }
}
