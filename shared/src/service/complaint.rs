//! A complaint (投诉) walked through the nine steps of seed 001, and where it stands.
//!
//! States: `open` → `promised` (a resolution promised by a date) → `resolved` → `followed_up`,
//! or `escalated` (handed to a manager) from any state before the follow-up. A complaint is
//! never followed up without a resolution, and a followed-up complaint is closed for good
//! ([`may_move`]). A promise is due from the first moment of its date in the organisation's
//! time zone ([`org_day`], [`promise`]).
//!
//! ```
//! use huitou_shared::service::complaint::{may_move, Facts, Refusal, Status};
//! let facts = Facts { promise_date: false, resolution: false };
//! assert_eq!(may_move(Status::Open, Status::FollowedUp, facts), Err(Refusal::NotResolved));
//! assert_eq!(may_move(Status::Open, Status::Promised, facts), Err(Refusal::NoPromiseDate));
//! let facts = Facts { promise_date: true, resolution: true };
//! assert_eq!(may_move(Status::Open, Status::Promised, facts), Ok(()));
//! assert_eq!(may_move(Status::Promised, Status::Resolved, facts), Ok(()));
//! assert_eq!(may_move(Status::Resolved, Status::FollowedUp, facts), Ok(()));
//! assert_eq!(may_move(Status::FollowedUp, Status::Escalated, facts), Err(Refusal::Closed));
//! ```

use crate::merge::Record;
use crate::retention::day_of;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The nine steps of handling a complaint (seed 001: 第1步 … 第9步), in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 倾听: let the customer say all of it.
    Listen,
    /// 移情: show you feel it with them; calm them.
    Empathise,
    /// 道歉: a sincere apology, whoever was at fault.
    Apologise,
    /// 复述: restate the problem to be sure of it.
    Restate,
    /// 解释: show the will to solve it.
    Explain,
    /// 处理: a fair solution, not just words.
    Resolve,
    /// 补偿: something of value for the trouble.
    Compensate,
    /// 结束: ask whether they are satisfied; thank them.
    Conclude,
    /// 反馈: follow up so the promise is kept.
    FollowUp,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Listen,
        Step::Empathise,
        Step::Apologise,
        Step::Restate,
        Step::Explain,
        Step::Resolve,
        Step::Compensate,
        Step::Conclude,
        Step::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Listen => "listen",
            Step::Empathise => "empathise",
            Step::Apologise => "apologise",
            Step::Restate => "restate",
            Step::Explain => "explain",
            Step::Resolve => "resolve",
            Step::Compensate => "compensate",
            Step::Conclude => "conclude",
            Step::FollowUp => "follow_up",
        }
    }

    /// 1 to 9.
    pub fn number(self) -> u8 {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// The field holding what was said at this step: `note:listen`, ….
    pub fn note_field(self) -> String {
        format!("note:{}", self.as_str())
    }
}

/// Where a complaint stands (its `status` field; missing reads as `open`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Promised,
    Resolved,
    FollowedUp,
    Escalated,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Promised,
        Status::Resolved,
        Status::FollowedUp,
        Status::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Promised => "promised",
            Status::Resolved => "resolved",
            Status::FollowedUp => "followed_up",
            Status::Escalated => "escalated",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Still to be resolved: open, promised or with a manager.
    pub fn unresolved(self) -> bool {
        matches!(self, Status::Open | Status::Promised | Status::Escalated)
    }
}

/// The categories offered by default (an organisation may type its own).
pub const CATEGORIES: [&str; 6] = [
    "product_quality",
    "price",
    "delivery",
    "service",
    "environment",
    "other",
];
/// How the complaint reached us.
pub const CHANNELS: [&str; 5] = ["in_person", "phone", "wechat", "online", "other"];
pub const SEVERITIES: [&str; 3] = ["low", "medium", "high"];
/// What was given for the trouble (`compensation.kind`).
pub const COMPENSATIONS: [&str; 5] = ["voucher", "dish", "gift", "refund", "other"];

/// A complaint's status.
pub fn status(complaint: &Record) -> Status {
    complaint
        .text("status")
        .and_then(Status::parse)
        .unwrap_or(Status::Open)
}

/// What a move needs besides the states: whether the complaint (as it will be) has a promised
/// date and a resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    pub promise_date: bool,
    pub resolution: bool,
}

impl Facts {
    /// The facts of a stored complaint.
    pub fn of(complaint: &Record) -> Facts {
        Facts {
            promise_date: day_of(complaint, "promised_by").is_some(),
            resolution: complaint
                .text("resolution")
                .is_some_and(|r| !r.trim().is_empty()),
        }
    }
}

/// Why a move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A promise needs the date it is due.
    NoPromiseDate,
    /// Resolving needs the resolution.
    NoResolution,
    /// Only a resolved complaint is followed up.
    NotResolved,
    /// Already resolved: it can be followed up or escalated, not promised or reopened.
    AlreadyResolved,
    /// Followed up: closed.
    Closed,
    /// Back to open: a complaint only moves on.
    Backwards,
}

/// Whether a complaint in `from` may move to `to` (staying put is allowed).
pub fn may_move(from: Status, to: Status, facts: Facts) -> Result<(), Refusal> {
    use Status::*;
    if from == to {
        return Ok(());
    }
    if from == FollowedUp {
        return Err(Refusal::Closed);
    }
    match to {
        Open => Err(Refusal::Backwards),
        Promised if from == Resolved => Err(Refusal::AlreadyResolved),
        Promised if !facts.promise_date => Err(Refusal::NoPromiseDate),
        Resolved if !facts.resolution => Err(Refusal::NoResolution),
        FollowedUp if from != Resolved => Err(Refusal::NotResolved),
        _ => Ok(()),
    }
}

/// The organisation's calendar day at `now`, `utc_offset_minutes` east of UTC (China: 480).
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use huitou_shared::service::complaint::org_day;
/// let now = Utc.with_ymd_and_hms(2026, 3, 4, 16, 0, 0).unwrap();
/// assert_eq!(org_day(now, 480), NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
/// assert_eq!(org_day(now, 0), NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
/// ```
pub fn org_day(now: DateTime<Utc>, utc_offset_minutes: i32) -> NaiveDate {
    (now + Duration::minutes(i64::from(utc_offset_minutes))).date_naive()
}

/// A promise still to keep on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Promise {
    /// Due later.
    Pending { by: NaiveDate },
    /// Due (the promised day has come): `days` late, 0 on the day itself.
    Overdue { by: NaiveDate, days: i64 },
}

/// The promise of an unresolved complaint, if it has one; `None` once resolved or in the trash.
pub fn promise(complaint: &Record, today: NaiveDate) -> Option<Promise> {
    if complaint.is_deleted() || !status(complaint).unresolved() {
        return None;
    }
    let by = day_of(complaint, "promised_by")?;
    Some(if today < by {
        Promise::Pending { by }
    } else {
        Promise::Overdue {
            by,
            days: (today - by).num_days(),
        }
    })
}

/// Open complaints first: the unresolved ones of a customer, the most severe and oldest first —
/// what the visit brief opens with ("the soup was cold last time").
pub fn open_first<'a>(complaints: impl IntoIterator<Item = &'a Record>) -> Vec<&'a Record> {
    let rank = |c: &Record| match c.text("severity") {
        Some("high") => 0,
        Some("medium") => 1,
        _ => 2,
    };
    let mut open: Vec<&Record> = complaints
        .into_iter()
        .filter(|c| !c.is_deleted() && status(c).unresolved())
        .collect();
    open.sort_by(|a, b| {
        (rank(a), a.text("at").unwrap_or_default())
            .cmp(&(rank(b), b.text("at").unwrap_or_default()))
    });
    open
}
