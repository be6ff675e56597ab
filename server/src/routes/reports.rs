//! `GET /api/v1/reports/{report}` (PRODUCT §9, issue 12): the Insights figures for BI tools,
//! managers only, computed by `huitou_shared::insights` — the same functions the app's Insights
//! screen runs on its replica, so the two never disagree.
//!
//! Query parameters: `from`, `to` (`YYYY-MM-DD`, default the last twelve calendar months up to
//! today), `owner` (a user id), `team` (a store or team name, as set on the users in Team),
//! `window_days` (1–365, default 30), `at` (`YYYY-MM-DD`, the day the
//! report is computed for; default today in the organisation's time zone).

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::team::managers_only;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::insights::{self, Book};
use huitou_shared::retention::settings::OrgSettings;
use huitou_shared::retention::{self, RuleSet};
use huitou_shared::service::complaint::org_day;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct ReportParams {
    from: Option<String>,
    to: Option<String>,
    owner: Option<String>,
    team: Option<String>,
    window_days: Option<u32>,
    at: Option<String>,
}

fn date(name: &str, text: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    text.map(|text| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| ApiError::BadRequest(format!("{name} {text:?} must be a date YYYY-MM-DD")))
    })
    .transpose()
}

pub async fn show(
    State(state): State<AppState>,
    user: AuthUser,
    Path(report): Path<String>,
    query: Result<Query<ReportParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    managers_only(&user, "read reports")?;
    if !insights::REPORTS.contains(&report.as_str()) {
        return Err(ApiError::NotFound);
    }
    let Query(params) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let settings = state
        .store
        .org_records(&user.org_id, Kind::SETTINGS)
        .await?;
    let offset = OrgSettings::from_record(settings.get(OrgSettings::RECORD_ID))
        .utc_offset_minutes
        .unwrap_or_else(|| chrono::Local::now().offset().local_minus_utc() / 60);
    let today =
        date("at", params.at.as_deref())?.unwrap_or_else(|| org_day(chrono::Utc::now(), offset));
    let default = insights::Query::months_to(today, 12);
    let query = insights::Query {
        from: date("from", params.from.as_deref())?.unwrap_or(default.from),
        to: date("to", params.to.as_deref())?.unwrap_or(today),
        owner: params.owner.filter(|o| !o.is_empty()),
        team: params.team.filter(|t| !t.is_empty()),
        window_days: params.window_days.unwrap_or(default.window_days),
    };
    query
        .check()
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut kinds = Vec::with_capacity(insights::KINDS.len());
    for kind in insights::KINDS {
        kinds.push((kind, state.store.org_records(&user.org_id, kind).await?));
    }
    let rule_sets = state
        .store
        .org_records(&user.org_id, Kind::RULE_SET)
        .await?;
    let rules = retention::active_rule_set(rule_sets.iter().map(|(id, r)| (id.as_str(), r)))
        .map_or_else(RuleSet::restaurant_default, |(_, set)| set);
    let book = Book::new(
        kinds.iter().flat_map(|(kind, records)| {
            records
                .iter()
                .map(move |(id, record)| (*kind, id.as_str(), record))
        }),
        offset,
    );
    let body =
        insights::report_json(&report, &book, &rules, &query, today).ok_or(ApiError::NotFound)?;
    Ok(Json(serde_json::json!({
        "report": report,
        "from": query.from,
        "to": query.to,
        "owner": query.owner,
        "team": query.team,
        "window_days": query.window_days,
        "at": today,
        "figures": body,
    })))
}
