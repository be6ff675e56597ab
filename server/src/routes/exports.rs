//! `POST /api/v1/exports` (issue 12): a list or report table, as the manager's screen shows it,
//! written as CSV (UTF-8 with a byte-order mark, cells that would run as formulas made inert)
//! or as an Excel workbook (`rust_xlsxwriter`: numbers stay numbers). Managers only; every
//! export is recorded in the audit log (`exported`: what, the format, how many rows).
//!
//! The screen sends the table it shows, so the headers are in the reader's language and the
//! filters are the ones on screen; the server adds no text of its own.

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::routes::team::{audit_by, managers_only};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use huitou_shared::api::{EXPORT_MAX_COLUMNS, EXPORT_MAX_ROWS, ExportFormat, ExportRequest};
use serde_json::{Value, json};

pub async fn export(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<ExportRequest>,
) -> Result<Response, ApiError> {
    managers_only(&user, "export")?;
    check(&request)?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M");
    let (body, content_type, extension) = match request.format {
        ExportFormat::Csv => (
            csv_of(&request).map_err(|e| ApiError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        ExportFormat::Xlsx => (
            xlsx_of(&request).map_err(|e| ApiError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    audit_by(
        &state,
        &user,
        "exported",
        &user.user_id,
        json!({
            "name": request.name,
            "format": extension,
            "rows": request.rows.len(),
        }),
    )
    .await;
    let file = format!(
        "attachment; filename=\"huitou-{}-{stamp}.{extension}\"",
        request.name
    );
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, file),
        ],
        body,
    )
        .into_response())
}

fn check(request: &ExportRequest) -> Result<(), ApiError> {
    let name_ok = !request.name.is_empty()
        && request.name.len() <= 31
        && request
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !name_ok {
        return Err(ApiError::BadRequest(
            "name must be 1–31 characters of a-z, 0-9 and -".into(),
        ));
    }
    if request.columns.is_empty() || request.columns.len() > EXPORT_MAX_COLUMNS {
        return Err(ApiError::BadRequest(format!(
            "columns must be 1–{EXPORT_MAX_COLUMNS}"
        )));
    }
    if request.rows.len() > EXPORT_MAX_ROWS {
        return Err(ApiError::BadRequest(format!(
            "at most {EXPORT_MAX_ROWS} rows"
        )));
    }
    for (n, row) in request.rows.iter().enumerate() {
        if row.len() != request.columns.len() {
            return Err(ApiError::BadRequest(format!(
                "row {} has {} cells for {} columns",
                n + 1,
                row.len(),
                request.columns.len()
            )));
        }
        if let Some(cell) = row
            .iter()
            .find(|c| !matches!(c, Value::String(_) | Value::Number(_) | Value::Null))
        {
            return Err(ApiError::BadRequest(format!(
                "row {}: a cell must be text, a number or null, not {cell}",
                n + 1
            )));
        }
    }
    Ok(())
}

/// A cell as CSV text: numbers as written, null as empty, text made inert.
fn text_of(cell: &Value) -> String {
    match cell {
        Value::String(text) => crate::routes::audit::inert(text),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn csv_of(request: &ExportRequest) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(
        request
            .columns
            .iter()
            .map(|c| crate::routes::audit::inert(c)),
    )?;
    for row in &request.rows {
        out.write_record(row.iter().map(text_of))?;
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

fn xlsx_of(request: &ExportRequest) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(&request.name)?;
    let bold = Format::new().set_bold();
    for (col, title) in request.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, title, &bold)?;
    }
    for (r, row) in request.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            match cell {
                // Written as text, never as a formula, whatever it starts with.
                Value::String(text) => {
                    sheet.write_string(r, col, text)?;
                }
                Value::Number(n) => {
                    sheet.write_number(r, col, n.as_f64().unwrap_or_default())?;
                }
                _ => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
