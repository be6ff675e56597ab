//! Loyalty (会员, PRODUCT §12): points and stored value as ledgers, vouchers redeemed once.
//!
//! Nothing here is a counter. A balance is the replay of its ledger: one `points` or
//! `stored_value` record per event (SYNC §1: anything summed is a record per event), each
//! with a signed `amount`, in the order of the clock that wrote the amount. The replay is
//! the rule the server applies at push time and every device applies to show a balance:
//!
//! - **A ledger is covered**: replayed in clock order, no entry takes more than what is
//!   there at its moment. The server accepts a taking entry (a redemption, a spend, a
//!   refund) only when the ledger with it stays covered, and refuses it with
//!   `insufficient` otherwise. So two offline tablets that both spend the last 500 points
//!   cannot both be accepted: the second to reach the server is refused, and its device
//!   shows why.
//! - **Entries never change**: an entry's `amount` is written once; a correction is a new
//!   entry. The server refuses a second write of an amount, or a deletion, as `invalid`.
//! - **Points expire** at the end of the year after the one they were earned in (the
//!   organisation's time zone), oldest first: a redemption takes the points that expire
//!   soonest.
//! - **A voucher is redeemed once**: its `redeemed_visit` is written once; a second
//!   redemption (another device, offline) is refused with `already_redeemed`.
//!
//! An entry's moment is the clock of its `amount` write, not a field the device sets: a
//! device cannot date a redemption before its points expired.
//!
//! ```
//! use huitou_shared::loyalty::{Entry, Expiry, replay};
//! let earned = Entry::new("a", 1_767_225_600_000, 500); // 2026-01-01 00:00 UTC
//! let spent = Entry::new("b", 1_767_312_000_000, -500);
//! let again = Entry::new("c", 1_767_398_400_000, -500);
//! let ledger = replay(&[earned.clone(), spent.clone()], Expiry::Never, 0, 1_767_398_400_000);
//! assert_eq!((ledger.available, ledger.covered()), (0, true));
//! let ledger = replay(&[earned, spent, again], Expiry::Never, 0, 1_767_398_400_000);
//! assert!(!ledger.covered(), "the last 500 cannot be spent twice");
//! ```

use crate::merge::Record;
use crate::model::Kind;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

/// The `stored_value` kind (储值卡): `customer_id`, `at`, `amount` (money, signed), `type`
/// ([`ValueType`]), `visit_id`, `note`.
pub const STORED_VALUE: &str = Kind::STORED_VALUE;
/// The `points` kind: `customer_id`, `at`, `amount` (whole points, signed), `reason`
/// ([`PointsReason`]), `visit_id`, `note`.
pub const POINTS: &str = Kind::POINTS;
/// The `voucher` kind (券): `customer_id`, `title`, `value` (money), `min_spend`,
/// `valid_until` (`YYYY-MM-DD`, the last day it can be used), `redeemed_visit`,
/// `redeemed_at`.
pub const VOUCHER: &str = Kind::VOUCHER;

/// Fields of a ledger entry written once.
pub const LEDGER_FIXED: [&str; 2] = ["amount", "type"];

/// Why points moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointsReason {
    /// Earned by a visit's spend.
    Visit,
    /// Exchanged for a reward.
    Redeem,
    /// A manual correction, with a note.
    Adjust,
}

/// What a stored-value entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// Money paid in (positive).
    TopUp,
    /// The organisation's gift on a top-up (positive), "充 1000 送 200".
    Bonus,
    /// A visit paid from the balance (negative).
    Spend,
    /// Money paid back to the customer by a manager (negative).
    Refund,
}

impl ValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TopUp => "top_up",
            Self::Bonus => "bonus",
            Self::Spend => "spend",
            Self::Refund => "refund",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::TopUp, Self::Bonus, Self::Spend, Self::Refund]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

/// One ledger event: its record id, its moment (Unix ms of the `amount` write's clock) and
/// its signed amount (points, or cents of money).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub millis: u64,
    pub amount: i64,
}

impl Entry {
    pub fn new(id: &str, millis: u64, amount: i64) -> Self {
        Self {
            id: id.to_owned(),
            millis,
            amount,
        }
    }

    /// The entry a `points` or `stored_value` record holds, if its amount is written and it
    /// is not in the trash. `kind` decides the unit: whole points, or cents of money.
    pub fn from_record(kind: &str, id: &str, record: &Record) -> Option<Self> {
        let written = record.fields.get("amount")?;
        let amount = amount_of(kind, &written.value)?;
        let millis = crate::Hlc::parse(&written.hlc).ok()?.millis;
        Some(Self::new(id, millis, amount))
    }
}

/// An amount as the ledger counts it: whole points, or cents of money (so sums are exact).
pub fn amount_of(kind: &str, value: &Value) -> Option<i64> {
    let number = value.as_f64().filter(|n| n.is_finite())?;
    let scaled = if kind == STORED_VALUE {
        number * 100.0
    } else {
        number
    };
    (scaled.abs() < 1e15).then(|| scaled.round() as i64)
}

/// Cents back to money.
pub fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// When earned points expire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    /// Never (stored value; points when the organisation says so).
    Never,
    /// At the end of the year after the one they were earned in (the default for points).
    EndOfNextYear,
}

impl Expiry {
    /// When an amount earned at `millis` expires (Unix ms), in an organisation `offset`
    /// minutes east of UTC: the first instant of the second new year after it.
    pub fn of(self, millis: u64, offset_minutes: i32) -> Option<u64> {
        match self {
            Self::Never => None,
            Self::EndOfNextYear => {
                let zone = FixedOffset::east_opt(offset_minutes * 60)?;
                let local = DateTime::from_timestamp_millis(millis as i64)?.with_timezone(&zone);
                let start = zone
                    .with_ymd_and_hms(local.year() + 2, 1, 1, 0, 0, 0)
                    .single()?;
                u64::try_from(start.timestamp_millis()).ok()
            }
        }
    }
}

/// A ledger replayed up to a moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    /// What can be taken now.
    pub available: i64,
    /// Everything put in (earned, topped up, given).
    pub credited: i64,
    /// Everything taken out (redeemed, spent, refunded), as a positive number.
    pub debited: i64,
    /// What expired unused.
    pub expired: i64,
    /// What entries took beyond what was there: 0 on a covered ledger (the server's is
    /// always covered; a device's can be uncovered only by entries the server refuses).
    pub shortfall: i64,
    /// The entries that took more than was there, in clock order.
    pub uncovered: Vec<String>,
    /// The next expiry: when (Unix ms) and how much.
    pub next_expiry: Option<(u64, i64)>,
}

impl Balance {
    pub fn covered(&self) -> bool {
        self.shortfall == 0
    }
}

/// Replays `entries` in clock order (ties by id) up to `now`: credits go into lots that
/// expire by `expiry`, debits take from the lots that expire soonest.
pub fn replay(entries: &[Entry], expiry: Expiry, offset_minutes: i32, now: u64) -> Balance {
    let mut ordered: Vec<&Entry> = entries.iter().collect();
    ordered.sort_unstable_by(|a, b| (a.millis, &a.id).cmp(&(b.millis, &b.id)));
    let mut balance = Balance::default();
    // Lots (expires, left), in order of expiry (which is the order they were earned in).
    let mut lots: VecDeque<(Option<u64>, i64)> = VecDeque::new();
    let expire = |lots: &mut VecDeque<(Option<u64>, i64)>, balance: &mut Balance, at: u64| {
        while let Some(&(Some(until), left)) = lots.front() {
            if until > at {
                break;
            }
            balance.expired += left;
            lots.pop_front();
        }
    };
    for entry in ordered {
        expire(&mut lots, &mut balance, entry.millis);
        if entry.amount >= 0 {
            balance.credited += entry.amount;
            lots.push_back((expiry.of(entry.millis, offset_minutes), entry.amount));
            continue;
        }
        let mut need = -entry.amount;
        balance.debited += need;
        while need > 0 {
            let Some(lot) = lots.front_mut() else { break };
            let take = need.min(lot.1);
            lot.1 -= take;
            need -= take;
            if lot.1 == 0 {
                lots.pop_front();
            }
        }
        if need > 0 {
            balance.shortfall += need;
            balance.uncovered.push(entry.id.clone());
        }
    }
    expire(&mut lots, &mut balance, now);
    balance.available = lots.iter().map(|(_, left)| left).sum::<i64>() - balance.shortfall;
    if let Some(&(Some(until), _)) = lots.front() {
        let amount = lots
            .iter()
            .take_while(|(at, _)| *at == Some(until))
            .map(|(_, left)| left)
            .sum();
        balance.next_expiry = Some((until, amount));
    }
    balance
}

/// The server's rule for a taking entry (SYNC, loyalty note): may `entry` join `ledger`?
/// Credits always may; a debit only when the ledger with it stays covered.
pub fn may_take(ledger: &[Entry], entry: &Entry, expiry: Expiry, offset_minutes: i32) -> bool {
    if entry.amount >= 0 {
        return true;
    }
    let mut with = ledger.to_vec();
    with.push(entry.clone());
    let now = with.iter().map(|e| e.millis).max().unwrap_or(0);
    replay(&with, expiry, offset_minutes, now).covered()
}

/// The organisation's loyalty rules (fields of the `settings` record).
#[derive(Clone, Debug, PartialEq)]
pub struct LoyaltyRules {
    /// Points a visit earns per unit of money spent (`points_per_unit`, default 1).
    pub points_per_unit: f64,
    /// When points expire (`points_expiry`, default the end of the next year).
    pub points_expiry: Expiry,
    /// Top-up offers (`top_up_offers`: `[{"pay": 1000, "bonus": 200}]`): a top-up of at least
    /// `pay` earns the greatest such offer's `bonus`.
    pub top_up_offers: Vec<TopUpOffer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopUpOffer {
    pub pay: f64,
    pub bonus: f64,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        Self {
            points_per_unit: 1.0,
            points_expiry: Expiry::EndOfNextYear,
            top_up_offers: Vec::new(),
        }
    }
}

impl LoyaltyRules {
    pub fn from_record(record: &Record) -> Self {
        let mut rules = Self::default();
        if let Some(rate) = record
            .value("points_per_unit")
            .and_then(Value::as_f64)
            .filter(|r| r.is_finite() && (0.0..=1000.0).contains(r))
        {
            rules.points_per_unit = rate;
        }
        match record.text("points_expiry") {
            Some("never") => rules.points_expiry = Expiry::Never,
            Some("end_of_next_year") => rules.points_expiry = Expiry::EndOfNextYear,
            _ => {}
        }
        // Read by hand rather than through serde: every byte of this is in the tablet's bundle.
        let offer = |o: &Value| {
            let pay = o
                .get("pay")?
                .as_f64()
                .filter(|p| p.is_finite() && *p > 0.0)?;
            let bonus = o
                .get("bonus")?
                .as_f64()
                .filter(|b| b.is_finite() && *b >= 0.0)?;
            Some(TopUpOffer { pay, bonus })
        };
        if let Some(offers) = record
            .value("top_up_offers")
            .and_then(Value::as_array)
            .and_then(|list| list.iter().map(offer).collect::<Option<Vec<_>>>())
        {
            rules.top_up_offers = offers;
        }
        rules
    }

    /// Points a visit of `amount` earns: whole points, rounded down.
    ///
    /// ```
    /// use huitou_shared::loyalty::LoyaltyRules;
    /// assert_eq!(LoyaltyRules::default().points_for(1234.56), 1234);
    /// ```
    pub fn points_for(&self, amount: f64) -> i64 {
        let points = (amount * self.points_per_unit).floor();
        if points.is_finite() && points > 0.0 {
            points as i64
        } else {
            0
        }
    }

    /// The bonus a top-up of `pay` earns: the greatest offer it reaches.
    ///
    /// ```
    /// use huitou_shared::loyalty::{LoyaltyRules, TopUpOffer};
    /// let rules = LoyaltyRules { top_up_offers: vec![TopUpOffer { pay: 1000.0, bonus: 200.0 },
    ///     TopUpOffer { pay: 500.0, bonus: 50.0 }], ..LoyaltyRules::default() };
    /// assert_eq!(rules.bonus_for(999.0), 50.0);
    /// assert_eq!(rules.bonus_for(1000.0), 200.0);
    /// assert_eq!(rules.bonus_for(100.0), 0.0);
    /// ```
    pub fn bonus_for(&self, pay: f64) -> f64 {
        self.top_up_offers
            .iter()
            .filter(|offer| pay >= offer.pay)
            .map(|offer| offer.bonus)
            .fold(0.0, f64::max)
    }
}

/// A voucher as a device shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Voucher {
    pub id: String,
    pub title: String,
    pub value: f64,
    pub min_spend: f64,
    pub valid_until: Option<NaiveDate>,
    pub redeemed_visit: Option<String>,
}

impl Voucher {
    pub fn from_record(id: &str, record: &Record) -> Self {
        Self {
            id: id.to_owned(),
            title: record.text("title").unwrap_or_default().to_owned(),
            value: record.value("value").and_then(Value::as_f64).unwrap_or(0.0),
            min_spend: record
                .value("min_spend")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            valid_until: record
                .text("valid_until")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            redeemed_visit: redeemed_visit(record).map(str::to_owned),
        }
    }

    /// Usable on `day` (the organisation's date) for a bill of `amount`.
    pub fn usable(&self, day: NaiveDate, amount: f64) -> bool {
        self.redeemed_visit.is_none()
            && self.valid_until.is_none_or(|until| day <= until)
            && amount >= self.min_spend
    }
}

/// The visit a voucher was redeemed at, if it was.
pub fn redeemed_visit(record: &Record) -> Option<&str> {
    record.text("redeemed_visit").filter(|v| !v.is_empty())
}

/// Checks a change against the loyalty rules that need no other record: an entry's amount
/// is a number, a top-up is positive and a spend negative, a stored value entry says what
/// it is, a voucher's dates and money are readable. `Err` says why (`validate` names the
/// field).
pub fn check_field(kind: &str, field: &str, value: &Value) -> Result<(), String> {
    match (kind, field) {
        (POINTS | STORED_VALUE, "amount") => {
            let amount = amount_of(kind, value).ok_or_else(|| "must be a number".to_owned())?;
            if kind == POINTS && value.as_f64().is_some_and(|n| n.fract() != 0.0) {
                return Err("must be whole points".into());
            }
            if amount == 0 {
                return Err("must not be 0".into());
            }
            Ok(())
        }
        (STORED_VALUE, "type") => value
            .as_str()
            .and_then(ValueType::parse)
            .map(|_| ())
            .ok_or_else(|| "must be top_up, bonus, spend or refund".into()),
        (VOUCHER, "value" | "min_spend") => value
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(|_| ())
            .ok_or_else(|| "must be a number ≥ 0".into()),
        (VOUCHER, "valid_until") => value
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(|_| ())
            .ok_or_else(|| "must be a date YYYY-MM-DD".into()),
        (VOUCHER, "redeemed_visit") => match value {
            Value::Null => Ok(()),
            Value::String(id) if crate::model::is_uuid_text(id) => Ok(()),
            _ => Err("must be a visit id or null".into()),
        },
        _ => Ok(()),
    }
}

/// A customer's loyalty at a glance, as the profile shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub points: Balance,
    pub stored_value: Balance,
    pub vouchers: Vec<Voucher>,
}

/// Everything a customer holds, from its ledger and voucher records.
pub fn summary<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a str, &'a Record)>,
    rules: &LoyaltyRules,
    offset_minutes: i32,
    now: u64,
) -> Summary {
    let mut points = Vec::new();
    let mut value = Vec::new();
    let mut vouchers = Vec::new();
    for (kind, id, record) in records {
        match kind {
            POINTS => points.extend(Entry::from_record(kind, id, record)),
            STORED_VALUE => value.extend(Entry::from_record(kind, id, record)),
            VOUCHER if !record.is_deleted() => vouchers.push(Voucher::from_record(id, record)),
            _ => {}
        }
    }
    vouchers.sort_unstable_by(|a, b| {
        (a.redeemed_visit.is_some(), a.valid_until, &a.id).cmp(&(
            b.redeemed_visit.is_some(),
            b.valid_until,
            &b.id,
        ))
    });
    Summary {
        points: replay(&points, rules.points_expiry, offset_minutes, now),
        stored_value: replay(&value, Expiry::Never, offset_minutes, now),
        vouchers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400_000;
    /// 2025-06-15 00:00 UTC.
    const JUNE_2025: u64 = 1_749_945_600_000;

    #[test]
    fn points_earned_in_2025_expire_when_2027_begins_in_the_organisations_zone() {
        // 2027-01-01 00:00 in UTC+8 is 2026-12-31 16:00 UTC.
        let until = Expiry::EndOfNextYear.of(JUNE_2025, 480).unwrap();
        assert_eq!(until, 1_798_761_600_000 - 8 * 3_600_000);
        let earned = [Entry::new("a", JUNE_2025, 300)];
        let before = replay(&earned, Expiry::EndOfNextYear, 480, until - 1);
        assert_eq!((before.available, before.expired), (300, 0));
        assert_eq!(before.next_expiry, Some((until, 300)));
        let after = replay(&earned, Expiry::EndOfNextYear, 480, until);
        assert_eq!((after.available, after.expired), (0, 300));
        // Earned at 23:30 on 2025-12-31 in Shanghai (15:30 UTC): still 2025 there.
        let late = 1_767_195_000_000;
        assert_eq!(Expiry::EndOfNextYear.of(late, 480), Some(until));
        assert!(
            Expiry::EndOfNextYear.of(late, 0).unwrap() > until,
            "2026 in UTC"
        );
    }

    #[test]
    fn a_redemption_takes_the_points_that_expire_first() {
        let entries = [
            Entry::new("a", JUNE_2025, 100),
            Entry::new("b", JUNE_2025 + 365 * DAY, 100),
            Entry::new("c", JUNE_2025 + 366 * DAY, -150),
        ];
        let at = JUNE_2025 + 367 * DAY;
        let balance = replay(&entries, Expiry::EndOfNextYear, 0, at);
        assert_eq!(balance.available, 50);
        assert_eq!((balance.credited, balance.debited), (200, 150));
        // The 50 left are 2026's: they expire at the start of 2028.
        let (until, amount) = balance.next_expiry.unwrap();
        assert_eq!(amount, 50);
        assert!(until > Expiry::EndOfNextYear.of(JUNE_2025, 0).unwrap());
    }

    #[test]
    fn expired_points_cannot_be_redeemed() {
        let earned = Entry::new("a", JUNE_2025, 100);
        let until = Expiry::EndOfNextYear.of(JUNE_2025, 0).unwrap();
        let in_time = Entry::new("b", until - 1, -100);
        let late = Entry::new("c", until, -100);
        assert!(may_take(
            std::slice::from_ref(&earned),
            &in_time,
            Expiry::EndOfNextYear,
            0
        ));
        assert!(!may_take(&[earned], &late, Expiry::EndOfNextYear, 0));
    }

    #[test]
    fn a_back_dated_spend_that_uncovers_a_later_one_is_refused() {
        let ledger = [Entry::new("a", 1_000, 500), Entry::new("c", 3_000, -400)];
        // 200 at t=2000 leaves 300 for the 400 at t=3000.
        assert!(!may_take(
            &ledger,
            &Entry::new("b", 2_000, -200),
            Expiry::Never,
            0
        ));
        assert!(may_take(
            &ledger,
            &Entry::new("b", 2_000, -100),
            Expiry::Never,
            0
        ));
        assert!(may_take(
            &ledger,
            &Entry::new("b", 2_000, 1),
            Expiry::Never,
            0
        ));
    }

    #[test]
    fn the_organisations_rules_are_read_field_by_field() {
        use crate::Change;
        let mut record = Record::default();
        let id = "00000000-0000-4000-8000-000000000001";
        let stamp = "001764072000000:00000:deviceAA";
        let rules = LoyaltyRules::from_record(&record);
        assert_eq!(rules, LoyaltyRules::default());
        for (field, value) in [
            ("points_per_unit", serde_json::json!(2)),
            ("points_expiry", serde_json::json!("never")),
            (
                "top_up_offers",
                serde_json::json!([{"pay": 1000, "bonus": 200}, {"pay": 500, "bonus": 50}]),
            ),
        ] {
            record.apply(&Change::new("settings", id, field, value, stamp));
        }
        let rules = LoyaltyRules::from_record(&record);
        assert_eq!(rules.points_for(10.5), 21);
        assert_eq!(rules.points_expiry, Expiry::Never);
        assert_eq!(rules.bonus_for(1200.0), 200.0);
        // An offer list with one bad offer is refused whole; the default stays.
        record.apply(&Change::new(
            "settings",
            id,
            "top_up_offers",
            serde_json::json!([{"pay": 1000, "bonus": 200}, {"pay": -1, "bonus": 5}]),
            "001764072000001:00000:deviceAA",
        ));
        assert!(LoyaltyRules::from_record(&record).top_up_offers.is_empty());
    }

    #[test]
    fn amounts_are_counted_exactly() {
        assert_eq!(amount_of(STORED_VALUE, &Value::from(0.1)), Some(10));
        assert_eq!(
            amount_of(STORED_VALUE, &Value::from(-1000.07)),
            Some(-100_007)
        );
        assert_eq!(amount_of(POINTS, &Value::from(250)), Some(250));
        assert_eq!(amount_of(POINTS, &Value::from("250")), None);
        assert!(check_field(POINTS, "amount", &Value::from(2.5)).is_err());
        assert!(check_field(POINTS, "amount", &Value::from(0)).is_err());
        assert!(check_field(STORED_VALUE, "type", &Value::from("gift")).is_err());
        assert!(check_field(STORED_VALUE, "type", &Value::from("top_up")).is_ok());
        assert!(check_field(VOUCHER, "valid_until", &Value::from("2026-02-30")).is_err());
        assert!(check_field(VOUCHER, "redeemed_visit", &Value::Null).is_ok());
        // Ten cents thrice is thirty cents, not 0.30000000000000004.
        let dimes: Vec<Entry> = (0..3)
            .map(|i| {
                Entry::new(
                    &i.to_string(),
                    i,
                    amount_of(STORED_VALUE, &0.1.into()).unwrap(),
                )
            })
            .collect();
        assert_eq!(replay(&dimes, Expiry::Never, 0, 10).available, 30);
    }
}
