//! The audit log (PRODUCT §10, issue 10), for managers: read a page at a time, filtered by who
//! acted, what they did and when, or exported whole as a CSV file a spreadsheet opens (UTF-8
//! with a byte-order mark, so Excel shows Chinese; formulas neutralised). An export is itself
//! audited. Nothing here writes to or deletes from the log: it is append-only.

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::team::{audit_by, manager};
use crate::store::{AuditEntry, AuditFilter};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use huitou_shared::api::{AuditLine, AuditPage};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// Audit lines per page, at most.
const AUDIT_PAGE: usize = 200;
/// Lines read from the store at a time while exporting.
const EXPORT_CHUNK: usize = 1000;
/// An export holds at most this many lines (the newest); the file says when it was cut.
const EXPORT_MAX: usize = 200_000;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<usize>,
}

impl AuditQuery {
    /// `from` and `to` are RFC 3339 instants or dates (`2026-12-01`, a day in UTC). `from`
    /// includes its instant or day; `to` includes its day when it is a date, and is the end
    /// (excluded) when it is an instant — the app sends the instants of the manager's own
    /// midnights.
    fn filter(&self) -> Result<AuditFilter, ApiError> {
        let blank = |text: &Option<String>| text.clone().filter(|t| !t.trim().is_empty());
        Ok(AuditFilter {
            actor: blank(&self.actor),
            action: blank(&self.action),
            from: blank(&self.from)
                .map(|t| instant("from", &t, false))
                .transpose()?,
            until: blank(&self.to)
                .map(|t| instant("to", &t, true))
                .transpose()?,
        })
    }
}

/// The instant `text` names, as the audit log writes its times; a date is its day's start, or
/// the next day's start when `day_after`.
fn instant(name: &str, text: &str, day_after: bool) -> Result<String, ApiError> {
    let text = text.trim();
    let at = if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let date = if day_after {
            date.succ_opt()
        } else {
            Some(date)
        };
        date.and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    } else {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{name} must be a date (2026-12-01) or an RFC 3339 time"
            ))
        })
}

fn parse(query: Result<Query<AuditQuery>, QueryRejection>) -> Result<AuditQuery, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

/// `GET /api/v1/audit?before=&actor=&action=&from=&to=&limit=`: newest first.
pub async fn index(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    manager(&user)?;
    let query = parse(query)?;
    let filter = query.filter()?;
    let limit = query.limit.unwrap_or(AUDIT_PAGE).clamp(1, AUDIT_PAGE);
    let rows = state
        .store
        .audit_log(&user.org_id, &filter, query.before, limit)
        .await?;
    let next = (rows.len() == limit)
        .then(|| rows.last().map(|(seq, _)| *seq))
        .flatten();
    Ok(Json(AuditPage {
        entries: rows
            .into_iter()
            .map(|(seq, e)| AuditLine {
                seq,
                at: e.at,
                actor: e.actor,
                device: e.device,
                action: e.action,
                subject: e.subject,
                detail: e.detail,
            })
            .collect(),
        next,
    }))
}

/// `GET /api/v1/audit/export?actor=&action=&from=&to=`: every line the filter lets through,
/// newest first, as CSV: `at, actor_id, actor, device, action, subject_id, subject, detail`,
/// with the names of users and customers as the server knows them now (an erased customer
/// has none). Audited as `audit_exported`.
pub async fn export(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    manager(&user)?;
    let query = parse(query)?;
    let filter = query.filter()?;
    let mut lines: Vec<AuditEntry> = Vec::new();
    let mut before = None;
    let mut cut = false;
    loop {
        let rows = state
            .store
            .audit_log(&user.org_id, &filter, before, EXPORT_CHUNK)
            .await?;
        let full = rows.len() == EXPORT_CHUNK;
        before = rows.last().map(|(seq, _)| *seq);
        lines.extend(rows.into_iter().map(|(_, entry)| entry));
        if lines.len() >= EXPORT_MAX {
            cut = full || lines.len() > EXPORT_MAX;
            lines.truncate(EXPORT_MAX);
            break;
        }
        if !full {
            break;
        }
    }
    let names = Names::of(&state, &user.org_id, &lines).await?;
    let body = csv_of(&lines, &names, cut).map_err(|e| ApiError::Internal(e.to_string()))?;
    audit_by(
        &state,
        &user,
        "audit_exported",
        &user.user_id,
        json!({
            "lines": lines.len(),
            "actor": filter.actor,
            "action": filter.action,
            "from": filter.from,
            "until": filter.until,
        }),
    )
    .await;
    let file = format!(
        "attachment; filename=\"huitou-audit-{}.csv\"",
        Utc::now().format("%Y%m%d-%H%M")
    );
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, file),
        ],
        body,
    )
        .into_response())
}

/// Names of the users and customers an export mentions, as the server knows them now.
struct Names(HashMap<String, String>);

impl Names {
    async fn of(state: &AppState, org_id: &str, lines: &[AuditEntry]) -> Result<Self, ApiError> {
        let mut names: HashMap<String, String> = state
            .store
            .users(org_id)
            .await?
            .into_iter()
            .map(|u| {
                let name = if u.disabled_at.is_some() {
                    format!("{} (disabled)", u.name)
                } else {
                    u.name
                };
                (u.id, name)
            })
            .collect();
        for id in lines.iter().filter_map(|l| l.subject.as_deref()) {
            if names.contains_key(id) {
                continue;
            }
            let customer = state.store.record(org_id, "customer", id).await?;
            let name = customer
                .as_ref()
                .and_then(|c| c.text("name"))
                .unwrap_or_default()
                .to_owned();
            names.insert(id.to_owned(), name);
        }
        Ok(Self(names))
    }

    fn of_id(&self, id: Option<&str>) -> &str {
        id.and_then(|id| self.0.get(id)).map_or("", String::as_str)
    }
}

/// The CSV file: a byte-order mark, a header, one row per line; `cut` adds a last row saying
/// the export holds only the newest lines.
fn csv_of(lines: &[AuditEntry], names: &Names, cut: bool) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record([
        "at",
        "actor_id",
        "actor",
        "device",
        "action",
        "subject_id",
        "subject",
        "detail",
    ])?;
    for line in lines {
        let detail = line.detail.to_string();
        out.write_record(
            [
                line.at.as_str(),
                line.actor.as_deref().unwrap_or_default(),
                names.of_id(line.actor.as_deref()),
                line.device.as_deref().unwrap_or_default(),
                line.action.as_str(),
                line.subject.as_deref().unwrap_or_default(),
                names.of_id(line.subject.as_deref()),
                detail.as_str(),
            ]
            .map(inert),
        )?;
    }
    if cut {
        let note = format!("only the newest {EXPORT_MAX} lines: narrow the dates for the rest");
        out.write_record(["", "", "", "", "export_cut", "", "", note.as_str()])?;
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading apostrophe (names and details come from users).
pub(crate) fn inert(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_run_as_formulas_are_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+86 138"), "'+86 138");
        assert_eq!(inert("-1"), "'-1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("王芳"), "王芳");
        assert_eq!(inert(""), "");
    }

    #[test]
    fn dates_and_times_become_the_log_s_instants() {
        assert_eq!(
            instant("from", "2026-12-01", false).ok().as_deref(),
            Some("2026-12-01T00:00:00.000Z")
        );
        assert_eq!(
            instant("to", "2026-12-01", true).ok().as_deref(),
            Some("2026-12-02T00:00:00.000Z")
        );
        assert_eq!(
            instant("to", "2026-12-01T08:00:00+08:00", true)
                .ok()
                .as_deref(),
            Some("2026-12-01T00:00:00.000Z")
        );
        assert!(instant("from", "yesterday", false).is_err());
    }
}
