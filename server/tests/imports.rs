//! Import over a real socket (issue 12), on SQLite and PostgreSQL, with the real files of
//! `tests/fixtures/`: a GBK CSV as Chinese Excel writes it, an xlsx whose header sits under a
//! merged title and has a merged 电话 over two columns, and a vCard of two phones' contacts (one
//! with three numbers). The dry run reports every row's problems and writes nothing; a file with
//! problems imports nothing unless they are left out; an import is one push, and the same file
//! twice creates nothing new.

mod support;

use base64::Engine;
use huitou_shared::{Role, State};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name);
    base64::engine::general_purpose::STANDARD.encode(std::fs::read(&path).expect("fixture"))
}

impl TestApp {
    async fn import_call(
        &self,
        session: &Session,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1/{path}", self.url))
            .bearer_auth(&session.token)
            .json(body)
            .send()
            .await
            .expect("import request");
        let status = response.status();
        (status, response.json().await.expect("import json"))
    }
}

fn customers(state: &State) -> Vec<(String, &huitou_shared::Record)> {
    let mut all: Vec<(String, &huitou_shared::Record)> = state
        .records("customer")
        .filter(|(_, r)| !r.is_deleted())
        .map(|(_, r)| (r.text("name").unwrap_or_default().to_owned(), r))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[tokio::test]
async fn a_gbk_csv_dry_run_reports_every_problem_and_writes_nothing() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    let body = json!({"file_name": "customers-gbk.csv", "content": fixture("customers-gbk.csv"), "owners": [sales1.user_id]});
    let (status, dry) = app.import_call(&boss, "imports/check", &body).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        dry["headers"][0],
        json!("姓名"),
        "GBK read as Chinese: {dry}"
    );
    assert_eq!(
        dry["mapping"],
        json!([
            "name",
            "phone",
            "gender",
            "birthday",
            "company",
            "tags",
            "notes",
            "first_visit",
            "total_spend"
        ])
    );
    assert_eq!(
        dry["counts"],
        json!({"rows": 5, "new": 2, "in_book": 0, "problems": 3})
    );
    let problems: Vec<(u64, String)> = dry["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|r| {
            r["problems"]
                .as_array()
                .expect("problems")
                .iter()
                .map(move |p| {
                    (
                        r["line"].as_u64().unwrap_or(0),
                        p["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
        })
        .collect();
    assert_eq!(
        problems,
        [
            (4, "bad_phone".to_owned()),
            (5, "bad_date".to_owned()),
            (6, "duplicate_row".to_owned())
        ]
    );
    assert_eq!(dry["rows"][2]["problems"][0]["other_line"], json!(2));
    assert!(
        app.pull_all(&boss)
            .await
            .iter()
            .all(|c| c.kind != "customer"),
        "a dry run writes nothing"
    );

    // With problems, an import writes nothing…
    let (status, refused) = app.import_call(&boss, "imports", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("3 rows have problems")
    );
    assert!(
        app.pull_all(&boss)
            .await
            .iter()
            .all(|c| c.kind != "customer"),
        "a half-broken file imports nothing"
    );

    // …unless the manager leaves the problem rows out.
    let mut leave_out = body.clone();
    leave_out["leave_out_problems"] = json!(true);
    let (status, done) = app.import_call(&boss, "imports", &leave_out).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        done,
        json!({"holds": "customers", "created": 2, "in_book": 0, "left_out": 3})
    );
    let state = State::fold(&app.pull_all(&sales1).await);
    let book = customers(&state);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["林晓燕", "王建国"], "sales1 owns and reads both");
    let wang = book[1].1;
    assert_eq!(wang.text("owner"), Some(sales1.user_id.as_str()));
    assert_eq!(wang.text("created_at"), Some("2025-03-02T12:00:00+08:00"));
    assert_eq!(wang.value("tag:VIP"), Some(&json!(true)));
    assert_eq!(
        wang.value("birthday"),
        Some(&json!({"calendar": "solar", "year": 1970, "month": 1, "day": 15, "leap": false}))
    );
    let lin = book[0].1;
    assert_eq!(
        lin.value("birthday"),
        Some(&json!({"calendar": "lunar", "year": null, "month": 8, "day": 15, "leap": false}))
    );
    // The spend so far is a visit on the first-visit day: lifetime value is right at once.
    let spend: f64 = state
        .records("visit")
        .filter_map(|(_, v)| v.value("amount").and_then(Value::as_f64))
        .sum();
    assert_eq!(spend, 28600.0 + 1380.5);

    // The same file again creates nothing new.
    let (_, again) = app.import_call(&boss, "imports", &leave_out).await;
    assert_eq!(
        again,
        json!({"holds": "customers", "created": 0, "in_book": 2, "left_out": 3})
    );
    let state = State::fold(&app.pull_all(&boss).await);
    assert_eq!(customers(&state).len(), 2);
    let audit: Value = app
        .client
        .get(format!("{}/api/v1/audit?action=imported", app.url))
        .bearer_auth(&boss.token)
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    assert_eq!(
        audit["entries"].as_array().map(Vec::len),
        Some(2),
        "{audit}"
    );
    assert_eq!(
        audit["entries"][1]["detail"]["file"],
        json!("customers-gbk.csv")
    );
}

#[tokio::test]
async fn an_xlsx_with_a_merged_title_and_header_imports_with_dates_and_numbers() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let body = json!({"file_name": "customers-merged-header.xlsx", "content": fixture("customers-merged-header.xlsx")});
    let (status, dry) = app.import_call(&boss, "imports/check", &body).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["sheets"], json!(["客户名单"]));
    assert_eq!(
        dry["headers"][0],
        json!("姓名"),
        "the merged title row is skipped: {dry}"
    );
    assert_eq!(dry["mapping"][1], json!("phone"));
    assert_eq!(
        dry["mapping"][2],
        json!("other_phones"),
        "the merged 电话's second column"
    );
    assert_eq!(
        dry["counts"],
        json!({"rows": 4, "new": 3, "in_book": 0, "problems": 1})
    );
    assert_eq!(dry["rows"][0]["problems"][0]["code"], json!("no_name"));
    let mut leave_out = body.clone();
    leave_out["leave_out_problems"] = json!(true);
    let (status, done) = app.import_call(&boss, "imports", &leave_out).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let state = State::fold(&app.pull_all(&boss).await);
    let book = customers(&state);
    let ouyang = book
        .iter()
        .find(|(n, _)| n == "欧阳娜娜")
        .expect("欧阳娜娜")
        .1;
    assert_eq!(
        ouyang.value("birthday"),
        Some(&json!({"calendar": "solar", "year": 1988, "month": 5, "day": 20, "leap": false}))
    );
    assert_eq!(ouyang.value("tag:商务"), Some(&json!(true)));
    assert_eq!(ouyang.text("notes"), Some("☎ 021-6543-2100"));
    assert_eq!(
        ouyang.text("owner"),
        Some(boss.user_id.as_str()),
        "the importing manager owns them by default"
    );
    let li = book.iter().find(|(n, _)| n == "Li Wei").expect("Li Wei").1;
    assert_eq!(
        li.value("birthday"),
        Some(&json!({"calendar": "lunar", "year": null, "month": 3, "day": 8, "leap": false}))
    );
}

#[tokio::test]
async fn a_vcard_with_three_phones_keeps_the_mobile_and_the_others() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let body = json!({"file_name": "contacts.vcf", "content": fixture("contacts.vcf")});
    let (status, done) = app.import_call(&boss, "imports", &body).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["created"], json!(2));
    let state = State::fold(&app.pull_all(&boss).await);
    let book = customers(&state);
    let zhao = book.iter().find(|(n, _)| n == "赵敏").expect("赵敏").1;
    assert_eq!(zhao.text("phone"), Some("138 0013 8301"));
    assert_eq!(zhao.text("notes"), Some("☎ 021-6543-2301, 010-8888-2301"));
    assert_eq!(zhao.text("company"), Some("远航科技"));
    let qian = book.iter().find(|(n, _)| n == "钱多多").expect("钱多多").1;
    assert_eq!(qian.text("email"), Some("duoduo@example.com"));
    assert_eq!(qian.text("notes"), Some("周末带孩子来, 喜欢甜品"));
}

#[tokio::test]
async fn a_fixed_mapping_a_bad_file_and_a_salesperson_get_clear_answers() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let sales1 = app.user("acme", "sales1", Role::Salesperson).await;
    // The manager maps the 备注 column to nothing.
    let mapping = json!([
        "name",
        "phone",
        "gender",
        "birthday",
        "company",
        "tags",
        "ignore",
        "first_visit",
        "total_spend"
    ]);
    let body =
        json!({"file_name": "x.csv", "content": fixture("customers-gbk.csv"), "mapping": mapping});
    let (status, dry) = app.import_call(&boss, "imports/check", &body).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["mapping"], mapping);
    for (body, status, words) in [
        (
            json!({"file_name": "x.csv", "content": "%%%"}),
            StatusCode::BAD_REQUEST,
            "base64",
        ),
        (
            json!({"file_name": "x.csv", "content": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
        ),
        (
            json!({"file_name": "x.xlsx", "content": base64::engine::general_purpose::STANDARD.encode(b"PK\x03\x04broken")}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "workbook",
        ),
        (
            json!({"file_name": "x.csv", "content": fixture("customers-gbk.csv"), "mapping": ["name"]}),
            StatusCode::BAD_REQUEST,
            "mapping",
        ),
        (
            json!({"file_name": "x.csv", "content": fixture("customers-gbk.csv"), "owners": ["nobody"]}),
            StatusCode::BAD_REQUEST,
            "owner",
        ),
    ] {
        let (got, answer) = app.import_call(&boss, "imports/check", &body).await;
        assert_eq!(got, status, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(words),
            "{answer}"
        );
    }
    let (status, answer) = app.import_call(&sales1, "imports/check", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
}

#[tokio::test]
async fn a_second_sheet_of_visits_gives_imported_customers_their_history_once() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let customers_sheet =
        json!({"file_name": "book-with-visits.xlsx", "content": fixture("book-with-visits.xlsx")});
    let (status, dry) = app
        .import_call(&boss, "imports/check", &customers_sheet)
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["sheets"], json!(["客户", "消费记录"]));
    assert_eq!(dry["holds"], json!("customers"));
    let (status, done) = app.import_call(&boss, "imports", &customers_sheet).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["created"], json!(3));

    let mut visits_sheet = customers_sheet.clone();
    visits_sheet["sheet"] = json!("消费记录");
    let (status, dry) = app.import_call(&boss, "imports/check", &visits_sheet).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["holds"], json!("visits"), "a day and an amount: visits");
    assert_eq!(
        dry["mapping"],
        json!([
            "phone",
            "name",
            "visit_date",
            "amount",
            "party_size",
            "notes"
        ])
    );
    assert_eq!(
        dry["counts"],
        json!({"rows": 8, "new": 5, "in_book": 0, "problems": 3}),
        "{dry}"
    );
    let codes: Vec<(u64, &str)> = dry["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or_default(),
                r["problems"][0]["code"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![(5, "no_customer"), (6, "bad_date"), (7, "bad_amount")]
    );
    let (status, refused) = app.import_call(&boss, "imports", &visits_sheet).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "problems: nothing written: {refused}"
    );
    visits_sheet["leave_out_problems"] = json!(true);
    let (status, done) = app.import_call(&boss, "imports", &visits_sheet).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        done,
        json!({"holds": "visits", "created": 5, "in_book": 0, "left_out": 3})
    );

    let state = State::fold(&app.pull_all(&boss).await);
    let id_of = |name: &str| {
        state
            .records("customer")
            .find(|(_, r)| r.text("name") == Some(name))
            .map(|(id, _)| id.clone())
            .expect(name)
    };
    let visits_of = |name: &str| {
        let id = id_of(name);
        let mut visits: Vec<(String, f64, Option<i64>, Option<String>)> = state
            .records("visit")
            .filter(|(_, v)| v.text("customer_id") == Some(id.as_str()))
            .map(|(_, v)| {
                (
                    v.text("at").unwrap_or_default().to_owned(),
                    v.value("amount").and_then(Value::as_f64).unwrap_or(-1.0),
                    v.value("party_size").and_then(Value::as_i64),
                    v.text("note").map(str::to_owned),
                )
            })
            .collect();
        visits.sort_by(|a, b| a.0.cmp(&b.0));
        visits
    };
    assert_eq!(
        visits_of("欧阳明"),
        vec![
            (
                "2025-03-08T19:30:00+08:00".to_owned(),
                1280.0,
                Some(4),
                Some("生日宴".to_owned())
            ),
            ("2025-04-12T12:00:00+08:00".to_owned(), 860.0, Some(2), None),
        ],
        "matched by phone however it is written; the Excel cell's time kept"
    );
    assert_eq!(
        visits_of("诸葛云"),
        vec![("2025-05-01T12:00:00+08:00".to_owned(), 420.0, None, None)],
        "matched by name (no phone)"
    );
    assert_eq!(
        visits_of("司马静").len(),
        2,
        "two bills of the same day and amount are two visits"
    );

    // The lifetime report reads the imported history at once.
    let response = app
        .client
        .get(format!(
            "{}/api/v1/reports/lifetime?from=2025-01-01&to=2025-12-31",
            app.url
        ))
        .bearer_auth(&boss.token)
        .send()
        .await
        .expect("report");
    let lifetime: Value = response.json().await.expect("json");
    let wang = id_of("欧阳明");
    let row = lifetime["figures"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("rows in {lifetime}"))
        .iter()
        .find(|c| c["customer_id"] == json!(wang))
        .unwrap_or_else(|| panic!("欧阳明 in {lifetime}"));
    assert_eq!(row["lifetime_spend"], json!(2140.0));
    assert_eq!(row["visit_count"], json!(2));

    // The same sheet again adds nothing.
    let (status, again) = app.import_call(&boss, "imports", &visits_sheet).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again,
        json!({"holds": "visits", "created": 0, "in_book": 5, "left_out": 3})
    );
    let after = State::fold(&app.pull_all(&boss).await);
    assert_eq!(after.records("visit").count(), 5);
}

#[tokio::test]
async fn a_visit_sheet_naming_a_shared_name_or_missing_columns_is_explained() {
    let app = spawn_app().await;
    let boss = app.user("acme", "boss", Role::Manager).await;
    let csv = "姓名,手机\n张伟,13800000001\n张伟,13800000002\n";
    let book = json!({"file_name": "book.csv", "content": base64::engine::general_purpose::STANDARD.encode(csv)});
    let (status, done) = app.import_call(&boss, "imports", &book).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["created"], json!(2));
    let visits = "姓名,日期,金额\n张伟,2025-05-01,300\n";
    let body = json!({"file_name": "visits.csv", "content": base64::engine::general_purpose::STANDARD.encode(visits)});
    let (status, dry) = app.import_call(&boss, "imports/check", &body).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        dry["rows"][0]["problems"][0]["code"],
        json!("ambiguous_name"),
        "two customers are called 张伟: {dry}"
    );
    let only_names = "姓名,日期\n张伟,2025-05-01\n";
    let body = json!({"file_name": "visits.csv", "holds": "visits", "content": base64::engine::general_purpose::STANDARD.encode(only_names)});
    let (status, answer) = app.import_call(&boss, "imports/check", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["code"], json!("invalid"), "{answer}");
}
