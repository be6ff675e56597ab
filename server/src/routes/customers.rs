//! `GET /api/v1/customers/{id}/summary`: a customer's tier, lifetime value and visit rhythm
//! (PRODUCT §5, §6, §9), computed by `huitou_shared::retention` from the server's state.

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::model::is_uuid_text;
use huitou_shared::retention::escalation::{Escalation, escalation, latest_day};
use huitou_shared::retention::settings::OrgSettings;
use huitou_shared::retention::{self, History, RuleSet, Summary};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct SummaryParams {
    /// `YYYY-MM-DD`: count only records dated on or before that day (default: today).
    at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SummaryResponse {
    pub customer_id: String,
    #[serde(flatten)]
    pub summary: Summary,
    /// Where the customer's follow-up stands (`retention::escalation`, as the app shows it).
    pub follow_up: FollowUp,
}

#[derive(Debug, Serialize)]
pub struct FollowUp {
    #[serde(flatten)]
    pub escalation: Escalation,
    /// On the manager's "needs attention" list.
    pub needs_attention: bool,
    pub high_risk: bool,
}

/// The summary as of `?at=` (default today, in the server's time zone). Unknown customers and
/// customers the user may not read are both 404, so ids of other people's customers leak nothing.
pub async fn summary(
    State(state): State<AppState>,
    user: AuthUser,
    Path(customer_id): Path<String>,
    query: Result<Query<SummaryParams>, QueryRejection>,
) -> Result<Json<SummaryResponse>, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let day = match params.at.as_deref() {
        None => chrono::Local::now().date_naive(),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| ApiError::BadRequest(format!("at {text:?} must be a date YYYY-MM-DD")))?,
    };
    if !is_uuid_text(&customer_id) {
        return Err(ApiError::NotFound);
    }
    let records = state
        .store
        .customer_records(&user.actor(), &customer_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let history = History::from_children(records.children_by_kind());
    // The organisation's active rule set, chosen exactly as the devices choose it.
    let rule_sets = state
        .store
        .org_records(&user.org_id, Kind::RULE_SET)
        .await?;
    let rules = retention::active_rule_set(rule_sets.iter().map(|(id, r)| (id.as_str(), r)))
        .map_or_else(RuleSet::restaurant_default, |(_, set)| set);
    let summary = retention::summarize(&records.customer, &history, day, &rules);
    let settings = state
        .store
        .org_records(&user.org_id, Kind::SETTINGS)
        .await?;
    let escalation_rules =
        OrgSettings::from_record(settings.get(OrgSettings::RECORD_ID)).escalation;
    let of_kind = |kind: &'static str| {
        records
            .children_by_kind()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, record)| record)
    };
    let tasks: Vec<&huitou_shared::Record> = of_kind(Kind::TASK).collect();
    let escalation = escalation(
        &tasks,
        latest_day(history.visits.iter().copied()),
        latest_day(of_kind(Kind::CONTACT)),
        false,
        day,
        &escalation_rules,
    );
    Ok(Json(SummaryResponse {
        customer_id,
        summary,
        follow_up: FollowUp {
            escalation,
            needs_attention: escalation.needs_attention(&escalation_rules),
            high_risk: escalation.high_risk(&escalation_rules),
        },
    }))
}
