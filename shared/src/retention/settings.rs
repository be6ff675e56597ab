//! Organisation settings that steer retention (PRODUCT §6, §8): call windows and task
//! thresholds, synced as the one `settings` record [`OrgSettings::RECORD_ID`] that managers edit.
//!
//! Each setting is its own field, so two managers changing different settings offline both
//! keep their change; a field that is missing or unreadable falls back to its default alone.
//!
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::settings::OrgSettings;
//! use serde_json::json;
//! let mut record = Record::default();
//! let id = OrgSettings::RECORD_ID;
//! record.apply(&Change::new("settings", id, "follow_up_min_amount", json!(1000), "001764072000000:00000:deviceAA"));
//! record.apply(&Change::new("settings", id, "call_windows", json!({"forbidden": [{"from": "22:00:00", "until": "08:00:00"}]}), "001764072000001:00000:deviceAA"));
//! let settings = OrgSettings::from_record(Some(&record));
//! assert_eq!(settings.task_rules.follow_up_min_amount, 1000.0);
//! assert_eq!(settings.call_windows.forbidden().len(), 1);
//! // Windows that forbid the whole day are refused; the default stays.
//! record.apply(&Change::new("settings", id, "call_windows", json!({"forbidden": [{"from": "08:00:00", "until": "08:00:00"}]}), "001764072000002:00000:deviceAA"));
//! assert_eq!(OrgSettings::from_record(Some(&record)).call_windows.forbidden().len(), 3);
//! ```

use super::call_windows::CallWindows;
use super::escalation::EscalationRules;
use super::tasks::TaskRules;
use crate::customer::pool::PoolRules;
use crate::merge::Record;
use serde_json::Value;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgSettings {
    pub call_windows: CallWindows,
    pub task_rules: TaskRules,
    /// When customers go to the shared pool (公海).
    pub pool: PoolRules,
    /// When a missing or late follow-up escalates.
    pub escalation: EscalationRules,
    /// The organisation's time zone as minutes east of UTC (`utc_offset_minutes`, −720 to 840):
    /// the day a complaint's promise falls due. `None`: the device's own.
    pub utc_offset_minutes: Option<i32>,
    /// Points, top-up offers (`loyalty`).
    pub loyalty: crate::loyalty::LoyaltyRules,
}

impl OrgSettings {
    /// The id of the organisation's one `settings` record (the same in every organisation;
    /// organisations never see each other's records).
    pub const RECORD_ID: &'static str = "00000000-0000-4000-8000-000000000001";

    /// The settings held by the record, each field falling back to its default.
    pub fn from_record(record: Option<&Record>) -> Self {
        let mut settings = Self::default();
        let Some(record) = record.filter(|r| !r.is_deleted()) else {
            return settings;
        };
        if let Some(windows) = record
            .value("call_windows")
            .and_then(|v| serde_json::from_value::<CallWindows>(v.clone()).ok())
        {
            settings.call_windows = windows;
        }
        if let Some(amount) = record
            .value("follow_up_min_amount")
            .and_then(Value::as_f64)
            .filter(|a| a.is_finite() && *a >= 0.0)
        {
            settings.task_rules.follow_up_min_amount = amount;
        }
        if let Some(thresholds) = record
            .value("thank_you_thresholds")
            .and_then(|v| serde_json::from_value::<Vec<f64>>(v.clone()).ok())
            .filter(|t| t.iter().all(|x| x.is_finite() && *x > 0.0))
        {
            settings.task_rules.thank_you_thresholds = thresholds;
        }
        if let Some(days) = record
            .value("complaint_follow_up_days")
            .and_then(Value::as_u64)
            .filter(|d| *d <= 365)
        {
            settings.task_rules.complaint_follow_up_days = days;
        }
        settings.utc_offset_minutes = record
            .value("utc_offset_minutes")
            .and_then(Value::as_i64)
            .filter(|m| (-720..=840).contains(m))
            .and_then(|m| i32::try_from(m).ok());
        settings.pool = PoolRules::from_record(record);
        settings.escalation = EscalationRules::from_record(record);
        settings.loyalty = crate::loyalty::LoyaltyRules::from_record(record);
        settings
    }
}
