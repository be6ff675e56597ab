//! Referrals (转介绍): who brought whom. A `referral` record's `customer_id` is the referrer and
//! `referred_customer_id` the new customer; the referral is **converted** on the referred
//! customer's first visit. Conversion is what the thank-you rules wait for (seed 001: thank the
//! referrer whatever the first purchase was; call the new customer within the week).
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::{Change, Record};
//! use huitou_shared::service::referral::{converted_on, spend};
//! let mut first = Record::default();
//! first.apply(&Change::new("visit", "v1", "at", "2026-03-09T19:00:00+08:00".into(), "001764072000001:00000:deviceAA"));
//! first.apply(&Change::new("visit", "v1", "amount", 300.into(), "001764072000002:00000:deviceAA"));
//! let mut second = Record::default();
//! second.apply(&Change::new("visit", "v2", "at", "2026-03-20T19:00:00+08:00".into(), "001764072000003:00000:deviceAA"));
//! second.apply(&Change::new("visit", "v2", "amount", 500.into(), "001764072000004:00000:deviceAA"));
//! assert_eq!(converted_on(&[&second, &first]), NaiveDate::from_ymd_opt(2026, 3, 9));
//! assert_eq!(spend(&[&first, &second]), 800.0);
//! assert_eq!(converted_on(&[]), None);
//! ```

use crate::merge::Record;
use crate::retention::{Tier, day_of};
use chrono::NaiveDate;
use serde_json::Value;

/// The day of the referred customer's first visit (visits in the trash do not count).
pub fn converted_on(referred_visits: &[&Record]) -> Option<NaiveDate> {
    referred_visits
        .iter()
        .filter(|v| !v.is_deleted())
        .filter_map(|v| day_of(v, "at"))
        .min()
}

/// What the referred customer has spent since (every visit of theirs not in the trash).
pub fn spend(referred_visits: &[&Record]) -> f64 {
    referred_visits
        .iter()
        .filter(|v| !v.is_deleted())
        .filter_map(|v| v.value("amount").and_then(Value::as_f64))
        .filter(|a| a.is_finite() && *a > 0.0)
        .sum()
}

/// How long after asking for a referral the app waits before suggesting it again.
pub const ASK_EVERY_DAYS: i64 = 30;

/// Whether a contact screen should suggest asking this customer for a referral today (seed 001
/// Ⅶ): only A and B customers, and at most once a month — not when one of `contacts` within the
/// last [`ASK_EVERY_DAYS`] days has `asked_referral: true`.
///
/// ```
/// use chrono::NaiveDate;
/// use huitou_shared::{Change, Record};
/// use huitou_shared::retention::Tier;
/// use huitou_shared::service::referral::ask_for_referral;
/// let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
/// assert!(ask_for_referral(Tier::A, &[], today));
/// assert!(!ask_for_referral(Tier::C, &[], today));
/// let mut asked = Record::default();
/// asked.apply(&Change::new("contact", "c", "at", "2026-02-20T10:00:00+08:00".into(), "001764072000001:00000:deviceAA"));
/// asked.apply(&Change::new("contact", "c", "asked_referral", true.into(), "001764072000002:00000:deviceAA"));
/// assert!(!ask_for_referral(Tier::B, &[&asked], today));
/// assert!(ask_for_referral(Tier::B, &[&asked], NaiveDate::from_ymd_opt(2026, 3, 22).unwrap()));
/// ```
pub fn ask_for_referral(tier: Tier, contacts: &[&Record], today: NaiveDate) -> bool {
    if !matches!(tier, Tier::A | Tier::B) {
        return false;
    }
    !contacts.iter().any(|c| {
        !c.is_deleted()
            && c.value("asked_referral").and_then(Value::as_bool) == Some(true)
            && day_of(c, "at").is_some_and(|at| (today - at).num_days() < ASK_EVERY_DAYS)
    })
}
