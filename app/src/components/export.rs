//! Exports (manager bundle; issue 12): the table on screen — headers in the reader's language,
//! the filters applied — goes to `POST /api/v1/exports`, which writes the CSV or Excel file and
//! records the export in the audit log; the answer is saved as the file the server names.

use crate::i18n::{Key, MKey, use_i18n};
use crate::replica::{Replica, use_replica};
use huitou_shared::api::ExportFormat;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

pub use super::Table;

/// Fetches `path` with the session's token (POSTing `body` when given) and saves the answer as
/// the file the server names (`Content-Disposition`), through a link to a blob: the token never
/// goes into a URL.
pub async fn fetch_file(replica: Replica, path: &str, body: Option<Value>) -> Result<(), Key> {
    use crate::pages::team::failure_key;
    let token = replica
        .session
        .get_untracked()
        .map(|s| s.token)
        .ok_or(Key::TeamNotAllowed)?;
    let authorization = format!("Bearer {token}");
    let sent = match body {
        Some(body) => {
            gloo_net::http::Request::post(path)
                .header("Authorization", &authorization)
                .json(&body)
                .map_err(|_| Key::TeamCheckFields)?
                .send()
                .await
        }
        None => {
            gloo_net::http::Request::get(path)
                .header("Authorization", &authorization)
                .send()
                .await
        }
    };
    let response = sent.map_err(|_| failure_key(0))?;
    if !response.ok() {
        return Err(failure_key(response.status()));
    }
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|d| {
            d.split("filename=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "huitou-export".to_owned());
    let mime = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let bytes = response.binary().await.map_err(|_| Key::TeamServerBusy)?;
    save_file(&name, &bytes, &mime).ok_or(Key::TeamServerBusy)
}

/// Offers `bytes` to the user as a file named `name`.
fn save_file(name: &str, bytes: &[u8], mime: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Revoked later: the browser reads the blob after the click returns.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

/// "Export CSV" and "Export Excel" for one table; `what` names the table in the buttons'
/// accessible names ("Export Churn as CSV") and `name` in the file and the audit log.
#[component]
pub fn ExportButtons(
    name: &'static str,
    what: String,
    table: impl Fn() -> Table + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<Key>);
    let table = std::sync::Arc::new(table);
    let export = move |format: ExportFormat| {
        let (columns, rows) = table();
        busy.set(true);
        failed.set(None);
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({
                "name": name, "format": format, "columns": columns, "rows": rows,
            });
            let result = fetch_file(replica, "/api/v1/exports", Some(body)).await;
            busy.set(false);
            failed.set(result.err());
        });
    };
    let (csv, xlsx) = (export.clone(), export);
    let label = move |key: MKey| i18n.t(key).replace("{what}", &what);
    let (csv_label, xlsx_label) = (label(MKey::ExportTableCsv), label(MKey::ExportTableExcel));
    view! {
        <div class="actions export">
            <button type="button" class="button" aria-label=csv_label prop:disabled=move || busy.get()
                on:click=move |_| csv(ExportFormat::Csv)>{move || i18n.t(MKey::Csv)}</button>
            <button type="button" class="button" aria-label=xlsx_label prop:disabled=move || busy.get()
                on:click=move |_| xlsx(ExportFormat::Xlsx)>{move || i18n.t(MKey::Excel)}</button>
            {move || failed.get().map(|key| view! { <p class="form-error" role="alert">{i18n.t(key)}</p> })}
        </div>
    }
}

/// One cell of a [`ReportTable`]: how the screen shows it (in the reader's locale) and what
/// the export writes (raw numbers and ISO dates, so a spreadsheet can add them up).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A customer's name, a link to their page.
    Customer {
        id: String,
        name: String,
    },
    Text(String),
    Count(usize),
    Money(f64),
    Day(Option<chrono::NaiveDate>),
    /// A share, 0–1 (`None`: no figure).
    Percent(Option<f64>),
    /// Shown as `text`, exported as `value`.
    Shown {
        text: String,
        value: Value,
    },
}

impl Cell {
    fn numeric(&self) -> bool {
        matches!(
            self,
            Cell::Count(_) | Cell::Money(_) | Cell::Percent(_) | Cell::Shown { .. }
        )
    }

    /// What the export writes.
    pub fn value(&self) -> Value {
        match self {
            Cell::Customer { name, .. } => Value::from(name.as_str()),
            Cell::Text(text) => Value::from(text.as_str()),
            Cell::Count(n) => Value::from(*n),
            Cell::Money(amount) => Value::from(*amount),
            Cell::Day(day) => day.map_or(Value::Null, |d| Value::from(d.to_string())),
            Cell::Percent(rate) => rate.map_or(Value::Null, Value::from),
            Cell::Shown { value, .. } => value.clone(),
        }
    }

    fn view(self, i18n: crate::i18n::I18n) -> AnyView {
        let locale = i18n.locale.get_untracked();
        match self {
            Cell::Customer { id, name } => {
                view! { <leptos_router::components::A href=format!("/customers/{id}")>{name}</leptos_router::components::A> }
                    .into_any()
            }
            Cell::Text(text) | Cell::Shown { text, .. } => text.into_any(),
            Cell::Count(n) => crate::i18n::number(n as f64, locale, false).into_any(),
            Cell::Money(amount) => crate::i18n::money(amount, locale).into_any(),
            Cell::Day(day) => day.map(|d| crate::i18n::day(d, locale)).into_any(),
            Cell::Percent(rate) => rate
                .map_or_else(
                    || i18n.t(MKey::NoFigure).to_owned(),
                    |rate| crate::i18n::number(rate, locale, true),
                )
                .into_any(),
        }
    }
}

/// A report's table, defined once: the screen shows its first `shown` rows (the first column
/// as the row's header, numbers right-aligned, formatted by locale) and the export buttons
/// write every row with the same columns.
#[component]
pub fn ReportTable(
    /// The export's name (file and audit log).
    name: &'static str,
    caption: String,
    columns: Vec<crate::i18n::Word>,
    rows: Vec<Vec<Cell>>,
    #[prop(default = 100)] shown: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let titles: Vec<String> = columns.iter().map(|c| i18n.t(*c).to_owned()).collect();
    let numeric: Vec<bool> = (0..titles.len())
        .map(|i| {
            rows.first()
                .and_then(|r| r.get(i))
                .is_some_and(Cell::numeric)
        })
        .collect();
    let export: Table = (
        titles.clone(),
        rows.iter()
            .map(|row| row.iter().map(Cell::value).collect())
            .collect(),
    );
    let more = rows.len().saturating_sub(shown);
    let head = titles
        .into_iter()
        .zip(numeric.clone())
        .map(|(title, number)| view! { <th scope="col" class:number=number>{title}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .take(shown)
        .map(|row| {
            let cells = row
                .into_iter()
                .enumerate()
                .map(|(i, cell)| {
                    let number = numeric.get(i).copied().unwrap_or(false);
                    let content = cell.view(i18n);
                    if i == 0 {
                        view! { <th scope="row">{content}</th> }.into_any()
                    } else {
                        view! { <td class:number=number>{content}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <ExportButtons name what=caption.clone() table=move || export.clone()/>
        <div class="chart-scroll" tabindex="0">
            <table class="report-table">
                <caption>{caption}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {(more > 0).then(|| view! { <p class="muted">{i18n.t(MKey::AndMore).replace("{n}", &more.to_string())}</p> })}
    }
}
