//! `POST /api/v1/exports` over a real socket (issue 12): the table a manager's screen shows,
//! written as CSV (byte-order mark, Chinese intact, formulas inert) or as an xlsx workbook read
//! back with calamine (numbers stay numbers), managers only, every export audited.

mod support;

use calamine::{Data, Reader, Xlsx};
use huitou_shared::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

impl TestApp {
    async fn export(&self, session: &Session, body: &Value) -> (StatusCode, Vec<u8>, String) {
        let response = self
            .client
            .post(format!("{}/api/v1/exports", self.url))
            .bearer_auth(&session.token)
            .json(body)
            .send()
            .await
            .expect("export request");
        let status = response.status();
        let disposition = response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            status,
            response.bytes().await.expect("body").to_vec(),
            disposition,
        )
    }
}

fn churn_table(format: &str) -> Value {
    json!({
        "name": "churn",
        "format": format,
        "columns": ["姓名", "最近消费", "累计消费"],
        "rows": [
            ["王小明", "2026-03-01", 12800.5],
            ["=HYPERLINK(\"http://x\")", null, 0],
            ["-李娜", "2026-01-05", 300],
        ],
    })
}

#[tokio::test]
async fn a_csv_export_opens_in_excel_with_chinese_and_no_formulas() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let (status, body, disposition) = app.export(&boss, &churn_table("csv")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark first");
    assert!(
        disposition.contains("huitou-churn-") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let text = String::from_utf8(body[3..].to_vec()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "姓名,最近消费,累计消费");
    assert_eq!(lines[1], "王小明,2026-03-01,12800.5");
    assert_eq!(lines[2], "\"'=HYPERLINK(\"\"http://x\"\")\",,0");
    assert_eq!(lines[3], "'-李娜,2026-01-05,300");
}

#[tokio::test]
async fn an_xlsx_export_keeps_numbers_as_numbers_and_formulas_as_text() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let (status, body, disposition) = app.export(&boss, &churn_table("xlsx")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(disposition.ends_with(".xlsx\""), "{disposition}");
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an xlsx file");
    assert_eq!(workbook.sheet_names(), ["churn"]);
    let range = workbook.worksheet_range("churn").expect("the sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("姓名".into()));
    assert_eq!(rows[1][0], Data::String("王小明".into()));
    assert_eq!(rows[1][2], Data::Float(12800.5));
    assert_eq!(rows[2][0], Data::String("=HYPERLINK(\"http://x\")".into()));
    assert_eq!(rows[2][1], Data::Empty);
    let formulas = workbook.worksheet_formula("churn").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
}

#[tokio::test]
async fn exports_are_audited_and_for_managers_only() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let (status, body, _) = app.export(&sales1, &churn_table("csv")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let body: Value = serde_json::from_slice(&body).expect("json error");
    assert_eq!(error_code(&body), "forbidden");

    app.export(&boss, &churn_table("xlsx")).await;
    let audit: Value = app
        .client
        .get(format!("{}/api/v1/audit?action=exported", app.url))
        .bearer_auth(&boss.token)
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("audit json");
    let lines = audit["entries"].as_array().expect("entries");
    assert_eq!(lines.len(), 1, "{audit}");
    assert_eq!(
        lines[0]["detail"],
        json!({"name": "churn", "format": "xlsx", "rows": 3})
    );
}

#[tokio::test]
async fn a_bad_table_gets_a_clear_json_error() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    for (body, words) in [
        (
            json!({"name": "Churn!", "format": "csv", "columns": ["a"], "rows": []}),
            "name",
        ),
        (
            json!({"name": "churn", "format": "pdf", "columns": ["a"], "rows": []}),
            "format",
        ),
        (
            json!({"name": "churn", "format": "csv", "columns": [], "rows": []}),
            "columns",
        ),
        (
            json!({"name": "churn", "format": "csv", "columns": ["a", "b"], "rows": [["x"]]}),
            "row 1 has 1 cells",
        ),
        (
            json!({"name": "churn", "format": "csv", "columns": ["a"], "rows": [[{"x": 1}]]}),
            "text, a number or null",
        ),
    ] {
        let (status, answer, _) = app.export(&boss, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let answer: Value = serde_json::from_slice(&answer).expect("json error");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{body}: {message}");
    }
}
