//! Validation of incoming changes (SYNC §6): shape of names and ids, then the known fields of known kinds.
//!
//! Judged per change: a failure names the field and why, and rejects only that change.

use crate::api::MAX_VALUE_BYTES;
use crate::hlc::Hlc;
use crate::merge::Change;
use crate::model::{Kind, is_uuid_text};
use serde_json::Value;

/// Why a change is `invalid`; `op` is empty when the change had no readable op.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub op: String,
    pub message: String,
}

/// Reads one raw change of a push body and checks it.
///
/// ```
/// use huitou_shared::validate::parse_change;
/// let ok = serde_json::json!({"op": "0193a3c2-0000-7000-8000-000000000001", "kind": "visit",
///     "id": "0193a3c1-0000-7000-8000-000000000002", "field": "amount", "value": 120.5,
///     "hlc": "001764072000123:00000:5f0c2a9e"});
/// assert!(parse_change(&ok).is_ok());
/// let mut bad = ok.clone();
/// bad["value"] = serde_json::json!(-1);
/// assert!(parse_change(&bad).unwrap_err().message.contains("visit.amount"));
/// ```
pub fn parse_change(raw: &Value) -> Result<(Change, Hlc), Invalid> {
    let op = raw
        .get("op")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let invalid = |message: String| Invalid {
        op: op.clone(),
        message,
    };
    let change: Change = serde_json::from_value(raw.clone())
        .map_err(|e| invalid(format!("malformed change: {e}")))?;
    let hlc = check(&change).map_err(invalid)?;
    Ok((change, hlc))
}

/// [`parse_change`] for a change still as JSON text (a push body's element): read straight
/// into its typed form, without building a JSON tree first; the same verdict and message.
///
/// ```
/// use huitou_shared::validate::parse_change_text;
/// let ok = r#"{"op": "0193a3c2-0000-7000-8000-000000000001", "kind": "visit",
///     "id": "0193a3c1-0000-7000-8000-000000000002", "field": "amount", "value": 120.5,
///     "hlc": "001764072000123:00000:5f0c2a9e"}"#;
/// assert!(parse_change_text(ok).is_ok());
/// let bad = ok.replace("120.5", "-1");
/// assert!(parse_change_text(&bad).unwrap_err().message.contains("visit.amount"));
/// assert!(parse_change_text("[1, 2]").unwrap_err().message.starts_with("malformed change"));
/// ```
pub fn parse_change_text(raw: &str) -> Result<(Change, Hlc), Invalid> {
    match serde_json::from_str::<Change>(raw) {
        Ok(change) => match check(&change) {
            Ok(hlc) => Ok((change, hlc)),
            Err(message) => Err(Invalid {
                op: change.op,
                message,
            }),
        },
        // Said as `parse_change` says it (with the op, when there is one).
        Err(_) => parse_change(&serde_json::from_str(raw).unwrap_or(Value::Null)),
    }
}

/// Checks a change already in typed form; returns its parsed clock.
pub fn check(change: &Change) -> Result<Hlc, String> {
    if !is_uuid_text(&change.op) {
        return Err(format!("op {:?} must be a lower-case UUID", change.op));
    }
    Kind::parse(&change.kind)?;
    if !is_uuid_text(&change.id) {
        return Err(format!("id {:?} must be a lower-case UUID", change.id));
    }
    check_field_name(&change.field)?;
    let hlc = Hlc::parse(&change.hlc)?;
    let encoded = serde_json::to_string(&change.value).map_err(|e| e.to_string())?;
    if encoded.len() > MAX_VALUE_BYTES {
        return Err(format!(
            "{}.{}: value is {} bytes, at most {MAX_VALUE_BYTES} allowed",
            change.kind,
            change.field,
            encoded.len()
        ));
    }
    check_known_field(&change.kind, &change.field, &change.value)
        .map_err(|why| format!("{}.{}: {why}", change.kind, change.field))?;
    Ok(hlc)
}

/// `^[a-z][a-z0-9_]{0,63}(:.{1,64})?$`
fn check_field_name(field: &str) -> Result<(), String> {
    let (name, member) = match field.split_once(':') {
        Some((name, member)) => (name, Some(member)),
        None => (field, None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name.as_bytes()[0].is_ascii_lowercase()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let member_ok =
        member.is_none_or(|m| (1..=64).contains(&m.chars().count()) && !m.contains('\n'));
    if name_ok && member_ok {
        Ok(())
    } else {
        Err(format!(
            "field {field:?} must match ^[a-z][a-z0-9_]{{0,63}}(:.{{1,64}})?$"
        ))
    }
}

/// Known fields of known kinds. `null` clears an optional field; unknown fields are kept as they are.
fn check_known_field(kind: &str, field: &str, value: &Value) -> Result<(), String> {
    if field == "customer_id" {
        return match value.as_str() {
            Some(id) if is_uuid_text(id) => Ok(()),
            _ => Err("must be a customer's UUID".into()),
        };
    }
    if value.is_null() {
        return Ok(());
    }
    if field == "deleted" || field.starts_with("tag:") {
        return boolean(value);
    }
    crate::loyalty::check_field(kind, field, value)?;
    match (kind, field) {
        ("customer", "name") => text(value, 200),
        ("customer", "phone") => text(value, 32),
        ("customer", "gender") => one_of(value, &["female", "male", "other"]),
        ("customer", "birthday") => birthday(value),
        ("customer", f) if f.starts_with("anniversary:") => birthday(value),
        ("customer", "owner") => text(value, 64),
        ("customer", "shared" | "consent") => boolean(value),
        ("customer", "stage") => one_of(
            value,
            &[
                "potential",
                "prospect",
                "customer",
                "repeat",
                "loyal",
                "lost",
            ],
        ),
        (_, "created_at" | "at") => timestamp(value),
        ("visit", "amount") => non_negative(value, false),
        ("visit", "party_size") => non_negative(value, true),
        ("visit", "occasion") => one_of(value, &["business", "friends", "family", "other"]),
        ("visit", "items" | "companions") => text_list(value),
        ("visit" | "complaint", "satisfaction") => match value.as_u64() {
            Some(1..=5) => Ok(()),
            _ => Err("must be an integer from 1 to 5".into()),
        },
        ("contact", "channel") => {
            one_of(value, &["call", "sms", "wechat", "visit", "gift", "event"])
        }
        ("task", "status") => one_of(value, &["open", "done", "skipped"]),
        ("task", "due") => date(value),
        ("referral", "referred_customer_id") => match value.as_str() {
            Some(id) if is_uuid_text(id) => Ok(()),
            _ => Err("must be a customer's UUID".into()),
        },
        ("org_day", "name") => text(value, 200),
        ("org_day", "calendar") => one_of(value, &["solar", "lunar"]),
        ("org_day", "date") => match value
            .as_str()
            .and_then(crate::retention::org_days::parse_date)
        {
            Some(_) => Ok(()),
            None => Err("must be MM-DD (every year) or YYYY-MM-DD (once)".into()),
        },
        (_, "note" | "purpose" | "outcome" | "text") => text(value, 10_000),
        _ => Ok(()),
    }
}

fn boolean(value: &Value) -> Result<(), String> {
    if value.is_boolean() {
        Ok(())
    } else {
        Err("must be true or false".into())
    }
}

fn text(value: &Value, max_chars: usize) -> Result<(), String> {
    match value.as_str() {
        Some(s) if s.chars().count() <= max_chars => Ok(()),
        Some(_) => Err(format!("must be at most {max_chars} characters")),
        None => Err("must be text".into()),
    }
}

fn one_of(value: &Value, allowed: &[&str]) -> Result<(), String> {
    match value.as_str() {
        Some(s) if allowed.contains(&s) => Ok(()),
        _ => Err(format!("must be one of {}", allowed.join(", "))),
    }
}

fn non_negative(value: &Value, integer: bool) -> Result<(), String> {
    let ok = if integer {
        value.as_u64().is_some()
    } else {
        value.as_f64().is_some_and(|n| n >= 0.0 && n.is_finite())
    };
    if ok {
        Ok(())
    } else if integer {
        Err("must be a whole number ≥ 0".into())
    } else {
        Err("must be a number ≥ 0".into())
    }
}

fn text_list(value: &Value) -> Result<(), String> {
    match value.as_array() {
        Some(items) if items.iter().all(Value::is_string) => Ok(()),
        _ => Err("must be a list of text".into()),
    }
}

fn timestamp(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => Ok(()),
        _ => Err("must be an RFC 3339 date-time".into()),
    }
}

fn date(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => Ok(()),
        _ => Err("must be a date YYYY-MM-DD".into()),
    }
}

/// `{"calendar": "solar"|"lunar", "year": 1988|null, "month": 1-12, "day": 1-31, "leap": false}`
fn birthday(value: &Value) -> Result<(), String> {
    let shape =
        "must be {calendar: solar|lunar, year: number|null, month: 1-12, day: 1-31, leap: bool}";
    let object = value.as_object().ok_or(shape)?;
    let calendar = object.get("calendar").and_then(Value::as_str);
    let month = object.get("month").and_then(Value::as_u64);
    let day = object.get("day").and_then(Value::as_u64);
    let year_ok = object
        .get("year")
        .is_none_or(|y| y.is_null() || y.as_u64().is_some_and(|y| (1800..=2200).contains(&y)));
    let leap_ok = object.get("leap").is_none_or(Value::is_boolean);
    let ok = matches!(calendar, Some("solar" | "lunar"))
        && month.is_some_and(|m| (1..=12).contains(&m))
        && day.is_some_and(|d| (1..=31).contains(&d))
        && year_ok
        && leap_ok;
    if !ok {
        return Err(shape.into());
    }
    if let (Some("solar"), Some(Value::Number(year)), Some(month), Some(day)) =
        (calendar, object.get("year"), month, day)
        && let Some(year) = year.as_i64()
        && chrono::NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32).is_none()
    {
        return Err(format!("{year}-{month}-{day} is not a date"));
    }
    Ok(())
}
