//! Possible duplicates of a customer being entered: the same phone, or the same name and birthday.
//!
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::customer::duplicates::{find, Candidate, DuplicateReason};
//! let mut existing = Record::default();
//! existing.apply(&Change::new("customer", "c1", "phone", "138 0013 8000".into(), "001764072000001:00000:deviceAA"));
//! let candidate = Candidate { name: "王小明", phone: Some("+86 138-0013-8000"), birthday: None };
//! let found = find(&candidate, [("c1", &existing)]);
//! assert_eq!(found[0].id, "c1");
//! assert_eq!(found[0].reason, DuplicateReason::SamePhone);
//! ```

use super::birthday::{Birthday, Calendar};
use crate::Record;
use serde_json::Value;

/// Digits of a phone number, without a mainland country code (`+86`, `0086`, `86`) in front of
/// an 11-digit mobile number, so that every way of writing one number compares equal.
///
/// ```
/// use huitou_shared::customer::duplicates::normalise_phone;
/// assert_eq!(normalise_phone("+86 138-0013-8000"), "13800138000");
/// assert_eq!(normalise_phone("0086 13800138000"), "13800138000");
/// assert_eq!(normalise_phone("(021) 6543 2100"), "02165432100");
/// ```
pub fn normalise_phone(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    for prefix in ["0086", "86"] {
        if let Some(national) = digits.strip_prefix(prefix)
            && national.len() == 11
            && national.starts_with('1')
        {
            return national.to_owned();
        }
    }
    digits
}

/// Shortest normalised phone taken as identifying a person (shorter ones are extensions or typos).
const MIN_PHONE_DIGITS: usize = 5;

/// The customer being created or edited.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub birthday: Option<&'a Birthday>,
}

/// Why an existing customer may be the same person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DuplicateReason {
    SamePhone,
    SameNameAndBirthday,
}

/// An existing customer that may be the candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub id: String,
    pub reason: DuplicateReason,
}

/// Existing customers (not in the trash) that may be the candidate, each once, with the
/// strongest reason: a shared phone number before a shared name and birthday.
///
/// Names compare after removing white space and ASCII case; birthdays compare on calendar,
/// month, day and leap month, plus the year when both know it (a birthday kept in the other
/// calendar matches when both years are known and the days of birth coincide).
pub fn find<'a>(
    candidate: &Candidate,
    existing: impl IntoIterator<Item = (&'a str, &'a Record)>,
) -> Vec<Duplicate> {
    let phone = candidate
        .phone
        .map(normalise_phone)
        .filter(|phone| phone.len() >= MIN_PHONE_DIGITS);
    let name = comparable_name(candidate.name);
    existing
        .into_iter()
        .filter(|(_, record)| !record.is_deleted())
        .filter_map(|(id, record)| {
            let reason = if phone
                .as_deref()
                .is_some_and(|phone| record_has_phone(record, phone))
            {
                DuplicateReason::SamePhone
            } else if !name.is_empty()
                && record.text("name").map(comparable_name).as_deref() == Some(name.as_str())
                && candidate.birthday.is_some_and(|birthday| {
                    record
                        .value("birthday")
                        .and_then(Birthday::from_value)
                        .is_some_and(|other| same_birthday(birthday, &other))
                })
            {
                DuplicateReason::SameNameAndBirthday
            } else {
                return None;
            };
            Some(Duplicate {
                id: id.to_owned(),
                reason,
            })
        })
        .collect()
}

/// The record's `phone` (text, or an array of texts for several numbers) includes `phone`.
fn record_has_phone(record: &Record, phone: &str) -> bool {
    match record.value("phone") {
        Some(Value::String(text)) => normalise_phone(text) == phone,
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .any(|text| normalise_phone(text) == phone),
        _ => false,
    }
}

fn comparable_name(name: &str) -> String {
    name.chars()
        .filter(|ch| !ch.is_whitespace())
        .map(|ch| ch.to_ascii_lowercase())
        .collect()
}

fn same_birthday(left: &Birthday, right: &Birthday) -> bool {
    if left.calendar != right.calendar {
        return left.solar_date().is_some() && left.solar_date() == right.solar_date();
    }
    let leap_matters = left.calendar == Calendar::Lunar;
    let years_agree = match (left.year, right.year) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    left.month == right.month
        && left.day == right.day
        && (!leap_matters || left.leap == right.leap)
        && years_agree
}
