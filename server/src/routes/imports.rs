//! Import (PRODUCT §11, issue 12), managers only:
//! - `POST /api/v1/imports/check`: the dry run. The file (base64), optionally the sheet and a
//!   mapping; answers the sheets, the headers, the mapping (guessed, or the one sent), a preview,
//!   the counts and every row that will not be imported as it is (a problem, or already in the
//!   book). Nothing is written. A sheet holds customers, or visits of customers in the book
//!   (`holds`, guessed from the columns: a day and an amount).
//! - `POST /api/v1/imports`: the same body; writes the new customers (and a visit carrying each
//!   one's spend so far), or the new visits, as ordinary synced changes in **one** push — all or nothing — owned by
//!   the chosen salespeople in turn. Refused (`422`) while rows have problems, unless the manager
//!   leaves them out (`leave_out_problems`). Audited as `imported`.

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::import::mapping::{self, Holds, Target};
use crate::import::rows::{self, Existing, Options, RowReport, Status};
use crate::routes::ApiJson;
use crate::routes::sync::{encode_cursor, tell_devices};
use crate::routes::team::{audit_by, managers_only};
use crate::store::{Actor, Incoming, Position};
use axum::Json;
use axum::extract::State;
use base64::Engine;
use huitou_shared::retention::settings::OrgSettings;
use huitou_shared::service::complaint::org_day;
use huitou_shared::{Change, Clock, DeviceId, Kind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
pub struct ImportRequest {
    /// The file's name, for the audit log.
    pub file_name: String,
    /// The file, base64.
    pub content: String,
    /// Which sheet of a workbook (default: the first).
    #[serde(default)]
    pub sheet: Option<String>,
    /// One target per column (default: guessed from the headers).
    #[serde(default)]
    pub mapping: Option<Vec<Target>>,
    /// What the sheet holds (default: guessed from the mapping).
    #[serde(default)]
    pub holds: Option<Holds>,
    /// User ids: new customers go to them in turn.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Import the good rows and leave out the rows with problems.
    #[serde(default)]
    pub leave_out_problems: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Counts {
    pub rows: usize,
    pub new: usize,
    pub in_book: usize,
    pub problems: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DryRun {
    pub sheets: Vec<String>,
    pub sheet: String,
    pub headers: Vec<String>,
    pub mapping: Vec<Target>,
    /// Customers, or visits of customers in the book.
    pub holds: Holds,
    /// The first rows as read.
    pub preview: Vec<Vec<String>>,
    pub counts: Counts,
    /// Rows not imported as they are: problems first, then those already in the book.
    pub rows: Vec<RowReport>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Imported {
    pub holds: Holds,
    /// Customers (or visits) created.
    pub created: usize,
    pub in_book: usize,
    pub left_out: usize,
}

struct Prepared {
    dry_run: DryRun,
    customers: Vec<rows::NewCustomer>,
    visits: Vec<rows::NewVisit>,
}

async fn prepare(
    state: &AppState,
    user: &AuthUser,
    request: &ImportRequest,
) -> Result<Prepared, ApiError> {
    managers_only(user, "import")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(request.content.trim())
        .map_err(|_| ApiError::BadRequest("content must be the file in base64".into()))?;
    let sheets = crate::import::read(&bytes).map_err(|e| ApiError::Invalid(e.to_string()))?;
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let sheet = match &request.sheet {
        Some(name) => sheets
            .into_iter()
            .find(|s| &s.name == name)
            .ok_or_else(|| ApiError::BadRequest(format!("no sheet named {name:?}")))?,
        None => sheets
            .into_iter()
            .find(|s| !s.rows.is_empty())
            .ok_or_else(|| ApiError::Invalid("the file has no rows".into()))?,
    };
    let mapping = match &request.mapping {
        Some(mapping) if mapping.len() == sheet.headers.len() => mapping.clone(),
        Some(mapping) => {
            return Err(ApiError::BadRequest(format!(
                "mapping has {} columns, the sheet {}",
                mapping.len(),
                sheet.headers.len()
            )));
        }
        None => mapping::guess_all(&sheet.headers),
    };
    let holds = request.holds.unwrap_or_else(|| Holds::guess(&mapping));
    match holds {
        Holds::Customers if !mapping.contains(&Target::Name) => {
            return Err(ApiError::Invalid("no column is mapped to the name".into()));
        }
        Holds::Visits if !mapping.contains(&Target::Name) && !mapping.contains(&Target::Phone) => {
            return Err(ApiError::Invalid(
                "no column is mapped to the customer's phone or name".into(),
            ));
        }
        Holds::Visits
            if !mapping.contains(&Target::VisitDate) || !mapping.contains(&Target::Amount) =>
        {
            return Err(ApiError::Invalid(
                "a sheet of visits needs a column of days and one of amounts".into(),
            ));
        }
        _ => {}
    }
    let users = state.store.users(&user.org_id).await?;
    let owners: Vec<String> = if request.owners.is_empty() {
        vec![user.user_id.clone()]
    } else {
        request.owners.clone()
    };
    for owner in &owners {
        if !users
            .iter()
            .any(|u| &u.id == owner && u.disabled_at.is_none())
        {
            return Err(ApiError::BadRequest(format!(
                "owner {owner:?} is not an active user of the organisation"
            )));
        }
    }
    let mut existing = Existing::default();
    for (id, customer) in state
        .store
        .org_records(&user.org_id, Kind::CUSTOMER)
        .await?
    {
        if !customer.is_deleted() {
            existing.add_customer(&id, customer.text("name"), customer.text("phone"));
        }
    }
    if holds == Holds::Visits {
        existing.visits = state
            .store
            .org_records(&user.org_id, Kind::VISIT)
            .await?
            .into_keys()
            .collect();
    }
    let settings = state
        .store
        .org_records(&user.org_id, Kind::SETTINGS)
        .await?;
    let offset = OrgSettings::from_record(settings.get(OrgSettings::RECORD_ID))
        .utc_offset_minutes
        .unwrap_or(480);
    let options = Options {
        org_id: &user.org_id,
        owners: &owners,
        today: org_day(chrono::Utc::now(), offset),
        utc_offset_minutes: offset,
    };
    let (reports, customers, visits) = match holds {
        Holds::Customers => {
            let checked = rows::check(&sheet, &mapping, &existing, &options);
            (checked.reports, checked.customers, Vec::new())
        }
        Holds::Visits => {
            let checked = rows::check_visits(&sheet, &mapping, &existing, &options);
            (checked.reports, Vec::new(), checked.visits)
        }
    };
    let count = |status| reports.iter().filter(|r| r.status == status).count();
    let counts = Counts {
        rows: reports.len(),
        new: count(Status::New),
        in_book: count(Status::InBook),
        problems: count(Status::Problem),
    };
    let mut shown: Vec<RowReport> = reports
        .into_iter()
        .filter(|r| r.status != Status::New)
        .collect();
    shown.sort_by_key(|r| (r.status != Status::Problem, r.line));
    Ok(Prepared {
        dry_run: DryRun {
            sheets: names,
            sheet: sheet.name.clone(),
            preview: sheet
                .rows
                .iter()
                .take(5)
                .map(|(_, cells)| cells.clone())
                .collect(),
            headers: sheet.headers,
            mapping,
            holds,
            counts,
            rows: shown,
        },
        customers,
        visits,
    })
}

pub async fn check(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<Json<DryRun>, ApiError> {
    Ok(Json(prepare(&state, &user, &request).await?.dry_run))
}

pub async fn import(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<Json<Imported>, ApiError> {
    let prepared = prepare(&state, &user, &request).await?;
    let counts = &prepared.dry_run.counts;
    if counts.problems > 0 && !request.leave_out_problems {
        return Err(ApiError::Invalid(format!(
            "{} rows have problems: correct them, or leave them out",
            counts.problems
        )));
    }
    let device = DeviceId::parse("server-import").map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut clock = Clock::new(device.clone());
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default();
    let mut incoming: Vec<Incoming> = Vec::new();
    let mut add = |kind: &str, id: &str, field: &str, value: Value| {
        let mut change = Change::new(kind, id, field, value, &clock.tick(now).to_string());
        change.author.clone_from(&user.user_id);
        incoming.push(Incoming::Valid { change });
    };
    for customer in &prepared.customers {
        for (field, value) in &customer.fields {
            add(Kind::CUSTOMER, &customer.id, field, value.clone());
        }
        if let Some((at, amount)) = &customer.visit {
            let visit = rows::spend_visit_id(&customer.id);
            add(Kind::VISIT, &visit, "customer_id", json!(customer.id));
            add(Kind::VISIT, &visit, "at", json!(at));
            add(Kind::VISIT, &visit, "amount", json!(amount));
        }
    }
    for visit in &prepared.visits {
        for (field, value) in &visit.fields {
            add(Kind::VISIT, &visit.id, field, value.clone());
        }
    }
    let actor = Actor {
        user_id: user.user_id.clone(),
        org_id: user.org_id.clone(),
        role: user.role,
    };
    if !incoming.is_empty() {
        // One push, one transaction: the whole import or nothing.
        let outcome = state
            .store
            .push(&actor, &device, &incoming, &HashMap::new())
            .await?;
        let refused = outcome
            .verdicts
            .iter()
            .filter(|v| !matches!(v, crate::store::Verdict::Accepted))
            .count();
        if refused > 0 {
            tracing::error!(refused, "import: changes refused after the dry run passed");
        }
        let cursor = encode_cursor(&Position {
            seq: outcome.latest_seq,
            round: None,
        });
        tell_devices(&state, &user.org_id, &outcome, &cursor).await;
    }
    let imported = Imported {
        holds: prepared.dry_run.holds,
        created: prepared.customers.len() + prepared.visits.len(),
        in_book: counts.in_book,
        left_out: counts.problems,
    };
    audit_by(
        &state,
        &user,
        "imported",
        &user.user_id,
        json!({
            "file": request.file_name.chars().take(200).collect::<String>(),
            "holds": imported.holds,
            "created": imported.created,
            "in_book": imported.in_book,
            "left_out": imported.left_out,
        }),
    )
    .await;
    Ok(Json(imported))
}
