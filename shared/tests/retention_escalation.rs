//! Escalation (PRODUCT §10): a missing follow-up reminds the owner, one late by the alert days
//! reaches the manager, one late by the high-risk days flags the customer — and only those.

use chrono::{Days, NaiveDate};
use huitou_shared::retention::escalation::{Escalation, EscalationRules, escalation};
use huitou_shared::{Change, Record};
use proptest::prelude::*;
use serde_json::json;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")
}

fn task(due_offset: u64, status: &str) -> Record {
    let mut record = Record::default();
    let due = start() + Days::new(due_offset);
    let stamp = "001764072000000:00000:deviceAA";
    record.apply(&Change::new(
        "task",
        "t",
        "due",
        json!(due.to_string()),
        stamp,
    ));
    record.apply(&Change::new("task", "t", "status", json!(status), stamp));
    record
}

fn settings(fields: serde_json::Value) -> Record {
    let mut record = Record::default();
    for (field, value) in fields.as_object().expect("object") {
        record.apply(&Change::new(
            "settings",
            "s",
            field,
            value.clone(),
            "001764072000000:00000:deviceAA",
        ));
    }
    record
}

#[test]
fn the_organisations_days_are_read_from_settings_and_kept_in_order() {
    let rules = EscalationRules::from_record(&settings(json!({
        "follow_up_days": 14, "escalation_alert_days": 3, "escalation_high_risk_days": 10
    })));
    assert_eq!(
        rules,
        EscalationRules {
            follow_up_days: 14,
            alert_days: 3,
            high_risk_days: 10
        }
    );
    // High risk before the alert makes no sense: it waits for the alert.
    let rules = EscalationRules::from_record(&settings(json!({
        "escalation_alert_days": 9, "escalation_high_risk_days": 2
    })));
    assert_eq!((rules.alert_days, rules.high_risk_days), (9, 9));
    let rules = EscalationRules::from_record(&settings(json!({
        "escalation_alert_days": 0, "follow_up_days": "soon"
    })));
    assert_eq!(
        rules,
        EscalationRules::default(),
        "unreadable days keep their defaults"
    );
}

proptest! {
    /// Over any tasks, visits and contacts: days passing only raise a late follow-up; high risk
    /// implies the manager's alert; a customer with an open task on time, or whose tasks are all
    /// done, is never escalated; "nothing planned" is only said with nothing open.
    #[test]
    fn escalation_climbs_with_the_days_and_only_for_open_late_follow_ups(
        tasks in prop::collection::vec((0u64..40, prop::sample::select(vec!["open", "done", "skipped"])), 0..5),
        visit in prop::option::of(0u64..40),
        contact in prop::option::of(0u64..40),
        planned in any::<bool>(),
        alert in 1u32..10,
        extra in 0u32..10,
        day in 0u64..80,
    ) {
        let rules = EscalationRules { follow_up_days: 30, alert_days: alert, high_risk_days: alert + extra };
        let records: Vec<Record> = tasks.iter().map(|(due, status)| task(*due, status)).collect();
        let refs: Vec<&Record> = records.iter().collect();
        let on = |offset: u64| start() + Days::new(offset);
        let level = |today: NaiveDate| {
            escalation(&refs, visit.map(on), contact.map(on), planned, today, &rules)
        };
        let today = on(day);
        let now = level(today);
        let later = level(on(day + 1));
        let rank = |e: Escalation| match e {
            Escalation::Overdue { days, .. } => u64::from(days) + 1,
            _ => 0,
        };
        let open: Vec<u64> = tasks.iter().filter(|(_, s)| *s == "open").map(|(d, _)| *d).collect();
        if !open.is_empty() {
            prop_assert!(rank(later) >= rank(now), "{now:?} then {later:?}");
            let oldest = *open.iter().min().unwrap();
            if on(oldest) < today {
                prop_assert_eq!(now, Escalation::Overdue { due: on(oldest), days: u32::try_from(day - oldest).unwrap() });
            } else {
                prop_assert_eq!(now, Escalation::Fine);
            }
        } else {
            prop_assert!(!matches!(now, Escalation::Overdue { .. }), "nothing open is never late");
        }
        if now.high_risk(&rules) {
            prop_assert!(now.needs_attention(&rules));
        }
        if let Escalation::Unplanned { since } = now {
            prop_assert!(open.is_empty() && !planned);
            prop_assert_eq!(Some(since), visit.map(on));
            prop_assert!(contact.map(on).is_none_or(|c| c < since));
            prop_assert!(tasks.iter().all(|(due, status)| *status != "done" || on(*due) < since));
        }
    }
}
