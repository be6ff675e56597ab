//! Import customers (PRODUCT §11, issue 12; manager bundle, online): pick a CSV, Excel or vCard
//! file and the salespeople who will own the new customers — or a sheet of visits (a second
//! sheet or file: phone or name, date, amount) of customers in the book, so tiers and lifetime
//! value are right from day one; the server reads it and answers a
//! dry run — the column mapping it guessed (each one a choice the manager can change, which
//! checks again), a preview, and every row that will not be imported as it is, in words — then
//! one tap imports, all or nothing (the rows with problems left out only when the button says
//! so). The file is parsed on the server: none of that code is in the tablets' wasm.

use crate::i18n::{Key, MKey, Word, use_i18n};
use crate::replica::use_replica;
use base64::Engine;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;

/// The columns' targets as the server names them, with their labels.
const TARGETS: [(&str, Word); 19] = [
    ("name", Word::Key(Key::Name)),
    ("phone", Word::Key(Key::Phone)),
    ("other_phones", Word::Manager(MKey::OtherPhones)),
    ("gender", Word::Key(Key::Gender)),
    ("birthday", Word::Key(Key::Birthday)),
    ("company", Word::Key(Key::Company)),
    ("position", Word::Key(Key::Position)),
    ("email", Word::Key(Key::Email)),
    ("wechat", Word::Key(Key::Wechat)),
    ("address", Word::Key(Key::Address)),
    ("tags", Word::Key(Key::Tags)),
    ("notes", Word::Key(Key::Notes)),
    ("source", Word::Key(Key::Source)),
    ("first_visit", Word::Manager(MKey::FirstVisit)),
    ("total_spend", Word::Key(Key::TotalSpend)),
    ("visit_date", Word::Key(Key::Date)),
    ("amount", Word::Key(Key::Amount)),
    ("party_size", Word::Key(Key::PartySize)),
    ("ignore", Word::Manager(MKey::DoNotImport)),
];

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Problem {
    code: String,
    column: Option<String>,
    value: String,
    other_line: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Row {
    line: usize,
    name: String,
    status: String,
    problems: Vec<Problem>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Counts {
    rows: usize,
    new: usize,
    in_book: usize,
    problems: usize,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct DryRun {
    sheets: Vec<String>,
    sheet: String,
    headers: Vec<String>,
    mapping: Vec<String>,
    holds: String,
    preview: Vec<Vec<String>>,
    counts: Counts,
    rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Imported {
    holds: String,
    created: usize,
    in_book: usize,
    left_out: usize,
}

/// POSTs `body` to `path` with the session's token: the answer's JSON, or the key of what went
/// wrong.
async fn post<T: serde::de::DeserializeOwned>(
    replica: crate::replica::Replica,
    path: &str,
    body: &Value,
) -> Result<T, Word> {
    let token = replica
        .session
        .get_untracked()
        .map(|s| s.token)
        .ok_or(Word::Key(Key::TeamNotAllowed))?;
    let response = gloo_net::http::Request::post(path)
        .header("Authorization", &format!("Bearer {token}"))
        .json(body)
        .map_err(|_| Word::Key(Key::TeamCheckFields))?
        .send()
        .await
        .map_err(|_| Word::Key(Key::TeamNeedsConnection))?;
    match response.status() {
        200 => response
            .json()
            .await
            .map_err(|_| Word::Key(Key::TeamServerBusy)),
        422 => Err(Word::Manager(MKey::ImportUnreadable)),
        status => Err(Word::Key(crate::pages::team::failure_key(status))),
    }
}

fn problem_text(i18n: crate::i18n::I18n, problem: &Problem) -> String {
    let key = match problem.code.as_str() {
        "no_name" => MKey::ProblemNoName,
        "bad_phone" => MKey::ProblemBadPhone,
        "bad_date" => MKey::ProblemBadDate,
        "bad_amount" => MKey::ProblemBadAmount,
        "duplicate_row" => MKey::ProblemDuplicateRow,
        "no_customer" => MKey::ProblemNoCustomer,
        "ambiguous_name" => MKey::ProblemAmbiguousName,
        _ => MKey::ProblemBadValue,
    };
    let mut text = i18n
        .t(key)
        .replace("{n}", &problem.other_line.unwrap_or_default().to_string());
    if let Some(column) = &problem.column {
        text = format!("{text} · {column}");
    }
    if !problem.value.is_empty() {
        text = format!("{text}: {}", problem.value);
    }
    text
}

#[component]
pub fn ImportCustomers() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let file = RwSignal::new(None::<(String, String)>);
    let owners = RwSignal::new(Vec::<String>::new());
    let mapping = RwSignal::new(None::<Vec<String>>);
    let sheet = RwSignal::new(None::<String>);
    let holds = RwSignal::new(None::<String>);
    let dry_run = RwSignal::new(None::<DryRun>);
    let done = RwSignal::new(None::<Imported>);
    let failed = RwSignal::new(None::<Word>);
    let busy = RwSignal::new(false);
    let people = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut people: Vec<(String, String)> = r
                .of_kind("user")
                .filter(|u| u.record.value("disabled") != Some(&Value::Bool(true)))
                .filter(|u| u.record.text("role") != Some("admin"))
                .map(|u| (u.id.clone(), r.person(&u.id, i18n.t(Key::Left))))
                .collect();
            crate::sort::by(&mut people, |a, b| a.1.cmp(&b.1));
            people
        })
    });
    let body = move || {
        let (name, content) = file.get_untracked()?;
        Some(json!({
            "file_name": name,
            "content": content,
            "owners": owners.get_untracked(),
            "mapping": mapping.get_untracked(),
            "sheet": sheet.get_untracked(),
            "holds": holds.get_untracked(),
        }))
    };
    // The dry run of the file as mapped; after an import it runs again on the same file (what
    // was imported now shows as in the book, and a workbook's next sheet is one choice away).
    let check_again = move || {
        let Some(body) = body() else { return };
        busy.set(true);
        failed.set(None);
        leptos::task::spawn_local(async move {
            match post::<DryRun>(replica, "/api/v1/imports/check", &body).await {
                Ok(answer) => {
                    mapping.set(Some(answer.mapping.clone()));
                    sheet.set(Some(answer.sheet.clone()));
                    holds.set(Some(answer.holds.clone()));
                    dry_run.set(Some(answer));
                }
                Err(key) => {
                    dry_run.set(None);
                    failed.set(Some(key));
                }
            }
            busy.set(false);
        });
    };
    let check = move || {
        done.set(None);
        check_again();
    };
    let import = move || {
        let Some(mut body) = body() else { return };
        let leave_out =
            dry_run.with_untracked(|d| d.as_ref().is_some_and(|d| d.counts.problems > 0));
        body["leave_out_problems"] = json!(leave_out);
        busy.set(true);
        failed.set(None);
        leptos::task::spawn_local(async move {
            match post::<Imported>(replica, "/api/v1/imports", &body).await {
                Ok(answer) => {
                    done.set(Some(answer));
                    dry_run.set(None);
                    replica.kick();
                    check_again();
                }
                Err(key) => failed.set(Some(key)),
            }
            busy.set(false);
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(chosen) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let name = chosen.name();
        // The same file may be chosen again (its next sheet, or after fixing it).
        input.set_value("");
        mapping.set(None);
        sheet.set(None);
        holds.set(None);
        dry_run.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(chosen.array_buffer()).await
            else {
                failed.set(Some(MKey::ImportUnreadable.into()));
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            let content = base64::engine::general_purpose::STANDARD.encode(bytes);
            file.set(Some((name, content)));
            check();
        });
    };
    view! {
        <section class="page import">
            <h1>{i18n.t(Key::ImportCustomers)}</h1>
            <p class="muted">{i18n.t(MKey::ImportHelp)}</p>
            <div class="card form">
                <fieldset class="field">
                    <legend>{i18n.t(MKey::ImportOwners)}</legend>
                    <div class="choices">
                        {move || people.get().into_iter().map(|(id, name)| {
                            let (on, toggle) = (id.clone(), id);
                            view! {
                                <label class="choice">
                                    <input type="checkbox" prop:checked=move || owners.with(|o| o.contains(&on))
                                        on:change=move |_| {
                                            owners.update(|o| if let Some(i) = o.iter().position(|x| *x == toggle) { o.remove(i); } else { o.push(toggle.clone()); });
                                            check();
                                        }/>
                                    <span>{name}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <label class="field">
                    <span>{i18n.t(MKey::ImportFile)}</span>
                    <input type="file" name="file" accept=".csv,.xlsx,.xls,.vcf,text/csv,text/vcard" on:change=on_file/>
                </label>
                <Show when=move || busy.get()>
                    <p class="muted" role="status">{i18n.t(Key::Loading)}</p>
                </Show>
                {move || failed.get().map(|key| view! { <p class="form-error" role="alert">{i18n.t(key)}</p> })}
            </div>
            {move || done.get().map(|d| view! {
                <p class="banner" role="status">
                    {i18n.t(if d.holds == "visits" { MKey::ImportVisitsDone } else { MKey::ImportDone }).replace("{n}", &d.created.to_string()).replace("{in_book}", &d.in_book.to_string()).replace("{left_out}", &d.left_out.to_string())}
                </p>
            })}
            {move || dry_run.get().map(|run| {
                let visits = run.holds == "visits";
                let counts = i18n.t(if visits { MKey::ImportVisitCounts } else { MKey::ImportCounts })
                    .replace("{rows}", &run.counts.rows.to_string())
                    .replace("{new}", &run.counts.new.to_string())
                    .replace("{in_book}", &run.counts.in_book.to_string())
                    .replace("{problems}", &run.counts.problems.to_string());
                let button = match (run.counts.problems > 0, visits) {
                    (true, false) => i18n.t(MKey::ImportLeavingOut),
                    (true, true) => i18n.t(MKey::ImportVisitsLeavingOut),
                    (false, false) => i18n.t(MKey::ImportNow),
                    (false, true) => i18n.t(MKey::ImportVisitsNow),
                }
                .replace("{n}", &run.counts.new.to_string())
                .replace("{m}", &run.counts.problems.to_string());
                let nothing = run.counts.new == 0;
                let sheets = run.sheets.clone();
                let current = run.sheet.clone();
                view! {
                    <section class="card" aria-label=i18n.t(MKey::ImportCheck)>
                        <h2>{i18n.t(MKey::ImportCheck)}</h2>
                        <p class="headline-text" role="status">{counts}</p>
                        {(sheets.len() > 1).then(|| view! {
                            <label class="field field-small">
                                <span>{i18n.t(MKey::ImportSheet)}</span>
                                <select on:change=move |ev| { sheet.set(Some(event_target_value(&ev))); mapping.set(None); holds.set(None); check(); }>
                                    {sheets.into_iter().map(|s| { let selected = s == current; let value = s.clone(); view! { <option value=value selected=selected>{s}</option> } }).collect_view()}
                                </select>
                            </label>
                        })}
                        <label class="field">
                            <span>{i18n.t(MKey::ImportHolds)}</span>
                            <select on:change=move |ev| { holds.set(Some(event_target_value(&ev))); check(); }>
                                <option value="customers" selected=!visits>{i18n.t(MKey::ImportHoldsCustomers)}</option>
                                <option value="visits" selected=visits>{i18n.t(MKey::ImportHoldsVisits)}</option>
                            </select>
                        </label>
                        <div class="chart-scroll" tabindex="0">
                            <table class="report-table">
                                <caption>{i18n.t(MKey::ImportMapping)}</caption>
                                <thead><tr>
                                    <th scope="col">{i18n.t(MKey::ImportColumn)}</th>
                                    <th scope="col">{i18n.t(MKey::ImportAs)}</th>
                                    <th scope="col">{i18n.t(MKey::ImportExample)}</th>
                                </tr></thead>
                                <tbody>
                                    {run.headers.iter().enumerate().map(|(column, header)| {
                                        let chosen = run.mapping.get(column).cloned().unwrap_or_default();
                                        let example = run.preview.first().and_then(|r| r.get(column)).cloned().unwrap_or_default();
                                        let label = format!("{} {}", i18n.t(MKey::ImportAs), header);
                                        view! { <tr>
                                            <th scope="row">{header.clone()}</th>
                                            <td>
                                                <select aria-label=label on:change=move |ev| {
                                                    let value = event_target_value(&ev);
                                                    mapping.update(|m| if let Some(m) = m.as_mut() && let Some(slot) = m.get_mut(column) { *slot = value; });
                                                    check();
                                                }>
                                                    {TARGETS.iter().map(|(value, key)| view! {
                                                        <option value=*value selected=chosen == *value>{i18n.t(*key)}</option>
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                            <td>{example}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(!run.rows.is_empty()).then(|| view! { <h3>{i18n.t(MKey::ImportRowsToSee)}</h3> })}
                        <ul class="list" aria-label=i18n.t(MKey::ImportRowsToSee)>
                            {run.rows.iter().take(200).map(|row| {
                                let what = if row.status == "in_book" {
                                    i18n.t(if visits { MKey::ImportVisitInBook } else { MKey::ImportInBook }).to_owned()
                                } else {
                                    row.problems.iter().map(|p| problem_text(i18n, p)).collect::<Vec<_>>().join("；")
                                };
                                view! {
                                    <li class="list-item">
                                        <span class="list-title">{i18n.t(MKey::ImportLine).replace("{n}", &row.line.to_string())} " · " {row.name.clone()}</span>
                                        <span class="list-sub">{what}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="actions">
                            <button type="button" class="button button-primary" prop:disabled=move || busy.get() || nothing
                                on:click=move |_| import()>{button}</button>
                        </div>
                    </section>
                }
            })}
        </section>
    }
}
