//! A complaint (PRODUCT §7), from first word to follow-up call: the nine steps of seed 001, each
//! a short prompt and a place to note what was said, with the organisation's standard answer
//! for the category on the steps that need one; then the promise, the resolution, the
//! compensation, the customer's satisfaction and the follow-up. States move only as
//! `huitou_shared::service::complaint::may_move` allows. Works offline like every form.

use crate::components::fields::{DateField, Stars};
use crate::i18n::{I18n, Key, day, use_i18n};
use crate::pages::customer_form::now_rfc3339;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::merge::Record;
use huitou_shared::service::answers;
use huitou_shared::service::complaint::{
    CATEGORIES, CHANNELS, COMPENSATIONS, Facts, Promise, Refusal, SEVERITIES, Status, Step,
    may_move, promise, status,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde_json::{Value, json};

pub fn status_key(status: Status) -> Key {
    match status {
        Status::Open => Key::ComplaintOpen,
        Status::Promised => Key::ComplaintPromised,
        Status::Resolved => Key::ComplaintResolved,
        Status::FollowedUp => Key::ComplaintFollowedUp,
        Status::Escalated => Key::ComplaintEscalated,
    }
}

pub fn category_label(category: &str, i18n: I18n) -> String {
    let key = match category {
        "product_quality" => Key::CategoryProduct,
        "price" => Key::CategoryPrice,
        "delivery" => Key::CategoryDelivery,
        "service" => Key::CategoryService,
        "environment" => Key::CategoryEnvironment,
        "other" => Key::CategoryOther,
        // An organisation's own category reads as typed.
        other => return other.to_owned(),
    };
    i18n.t(key).to_owned()
}

fn channel_key(channel: &str) -> Key {
    match channel {
        "in_person" => Key::ComplaintInPerson,
        "phone" => Key::ComplaintByPhone,
        "wechat" => Key::ChannelWechat,
        "online" => Key::ComplaintOnline,
        _ => Key::CategoryOther,
    }
}

fn severity_key(severity: &str) -> Key {
    match severity {
        "high" => Key::SeverityHigh,
        "medium" => Key::SeverityMedium,
        _ => Key::SeverityLow,
    }
}

fn compensation_key(kind: &str) -> Key {
    match kind {
        "voucher" => Key::CompensationVoucher,
        "dish" => Key::CompensationDish,
        "gift" => Key::CompensationGift,
        "refund" => Key::CompensationRefund,
        _ => Key::CategoryOther,
    }
}

/// The step's name and its prompt (the organisation's standard wording).
pub fn step_keys(step: Step) -> (Key, Key) {
    match step {
        Step::Listen => (Key::StepListen, Key::StepListenHelp),
        Step::Empathise => (Key::StepEmpathise, Key::StepEmpathiseHelp),
        Step::Apologise => (Key::StepApologise, Key::StepApologiseHelp),
        Step::Restate => (Key::StepRestate, Key::StepRestateHelp),
        Step::Explain => (Key::StepExplain, Key::StepExplainHelp),
        Step::Resolve => (Key::StepResolve, Key::StepResolveHelp),
        Step::Compensate => (Key::StepCompensate, Key::StepCompensateHelp),
        Step::Conclude => (Key::StepConclude, Key::StepConcludeHelp),
        Step::FollowUp => (Key::StepFollowUp, Key::StepFollowUpHelp),
    }
}

/// The template language of the reader's locale.
pub fn language_of(i18n: I18n) -> huitou_shared::retention::templates::Language {
    use huitou_shared::retention::templates::Language;
    match i18n.locale.get_untracked() {
        crate::i18n::Locale::ZhCn => Language::Zh,
        crate::i18n::Locale::ZhTw => Language::ZhTw,
        crate::i18n::Locale::En => Language::En,
    }
}

/// What a promise says on Today and the customer's page: "Promise due today", "3 days late".
pub fn promise_text(promise: Promise, i18n: I18n) -> String {
    match promise {
        Promise::Pending { by } => format!(
            "{} {}",
            i18n.t(Key::PromisedBy),
            day(by, i18n.locale.get_untracked())
        ),
        Promise::Overdue { days: 0, .. } => i18n.t(Key::PromiseDueToday).to_owned(),
        Promise::Overdue { days, .. } => i18n.t(Key::PromiseLate).replace("{n}", &days.to_string()),
    }
}

/// The organisation's calendar day: its time zone when set (`settings.utc_offset_minutes`),
/// else the device's.
pub fn org_today(offset: Option<i32>) -> chrono::NaiveDate {
    match offset {
        Some(minutes) => huitou_shared::service::complaint::org_day(chrono::Utc::now(), minutes),
        None => chrono::Local::now().date_naive(),
    }
}

fn refusal_key(refusal: Refusal) -> Key {
    match refusal {
        Refusal::NoPromiseDate => Key::NeedPromiseDate,
        Refusal::NoResolution => Key::NeedResolution,
        Refusal::NotResolved => Key::NeedResolvedFirst,
        Refusal::AlreadyResolved | Refusal::Backwards => Key::ComplaintAlreadyResolved,
        Refusal::Closed => Key::ComplaintClosed,
    }
}

/// The form's text fields: `(field, label)`; the input's name is the field.
const TEXTS: [(&str, Key); 3] = [
    ("wants", Key::CustomerWants),
    ("resolution", Key::Resolution),
    ("compensation_detail", Key::CompensationDetail),
];

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let query = use_query_map();
    let navigate = use_navigate();
    let org = crate::org::use_org();
    // A new complaint gets its id once; an existing one is opened by its id.
    let (complaint_id, held, customer_id) = crate::pages::service::editing(Kind::COMPLAINT, "cid");
    let stored = {
        let complaint_id = complaint_id.clone();
        Memo::new(move |_| {
            replica.records.with(|r| {
                r.get(Kind::COMPLAINT, &complaint_id)
                    .map(|c| c.record.clone())
            })
        })
    };
    let visit_id = held
        .text("visit_id")
        .map(str::to_owned)
        .or_else(|| query.with_untracked(|q| q.get("visit")));
    let customer_name = {
        let customer_id = customer_id.clone();
        move || replica.records.with(|r| r.customer_name(&customer_id))
    };
    let text_of = |field: &str| held.text(field).unwrap_or_default().to_owned();
    let channel = RwSignal::new(held.text("channel").unwrap_or("in_person").to_owned());
    let category = RwSignal::new(
        held.text("category")
            .unwrap_or("product_quality")
            .to_owned(),
    );
    let severity = RwSignal::new(held.text("severity").unwrap_or("medium").to_owned());
    let compensation = held.value("compensation").cloned().unwrap_or(Value::Null);
    let compensation_kind = RwSignal::new(
        compensation
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    );
    let compensation_amount = RwSignal::new(
        compensation
            .get("amount")
            .and_then(Value::as_f64)
            .map(|a| a.to_string())
            .unwrap_or_default(),
    );
    let texts: Vec<(&'static str, Key, RwSignal<String>)> = TEXTS
        .iter()
        .map(|(field, key)| {
            let initial = if *field == "compensation_detail" {
                compensation
                    .get("detail")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            } else {
                text_of(field)
            };
            (*field, *key, RwSignal::new(initial))
        })
        .collect();
    let notes: Vec<(Step, RwSignal<String>)> = Step::ALL
        .iter()
        .map(|step| (*step, RwSignal::new(text_of(&step.note_field()))))
        .collect();
    let promised_by = RwSignal::new(text_of("promised_by"));
    let follow_up_on = RwSignal::new(text_of("follow_up_on"));
    let satisfaction = RwSignal::new(
        held.value("satisfaction")
            .and_then(Value::as_u64)
            .and_then(|v| u8::try_from(v).ok()),
    );
    let managers = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut all: Vec<(String, String)> = r
                .of_kind("user")
                .filter(|u| {
                    matches!(u.record.text("role"), Some("manager" | "admin"))
                        && u.record.value("disabled") != Some(&Value::Bool(true))
                })
                .map(|u| {
                    (
                        u.id.clone(),
                        u.record.text("name").unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            crate::sort::by(&mut all, |a, b| a.1.cmp(&b.1));
            all
        })
    });
    let hand_to = RwSignal::new(held.text("escalated_to").unwrap_or_default().to_owned());
    let error = RwSignal::new(None::<Key>);
    let saved = RwSignal::new(false);
    let library = Memo::new(move |_| {
        replica
            .records
            .with(|r| answers::library(r.of_kind(Kind::ANSWER).map(|a| (a.id.as_str(), &a.record))))
    });
    let offset = move || org.with(|o| o.settings.utc_offset_minutes);

    // Writes what changed since the stored complaint, moving it to `to` (None: stays).
    let write = {
        let texts = texts.clone();
        let notes = notes.clone();
        let complaint_id = complaint_id.clone();
        let customer_id = customer_id.clone();
        let visit_id = visit_id.clone();
        move |to: Option<Status>| {
            error.set(None);
            saved.set(false);
            let current = stored.get_untracked().unwrap_or_default();
            let from = if stored.with_untracked(Option::is_none) {
                Status::Open
            } else {
                status(&current)
            };
            let text = |field: &str| {
                texts
                    .iter()
                    .find(|(f, _, _)| *f == field)
                    .map(|(_, _, s)| s.get_untracked().trim().to_owned())
                    .unwrap_or_default()
            };
            let promise_date = promised_by.get_untracked();
            let facts = Facts {
                promise_date: chrono::NaiveDate::parse_from_str(&promise_date, "%Y-%m-%d").is_ok(),
                resolution: !text("resolution").is_empty(),
            };
            let to = to.unwrap_or(from);
            if let Err(refusal) = may_move(from, to, facts) {
                error.set(Some(refusal_key(refusal)));
                return;
            }
            if to == Status::Escalated && hand_to.get_untracked().is_empty() {
                error.set(Some(Key::ChooseManager));
                return;
            }
            let amount = compensation_amount
                .get_untracked()
                .trim()
                .replace([',', '，'], "");
            let amount = if amount.is_empty() {
                None
            } else {
                match amount.parse::<f64>() {
                    Ok(a) if a >= 0.0 && a.is_finite() => Some(a),
                    _ => {
                        error.set(Some(Key::AmountInvalid));
                        return;
                    }
                }
            };
            let mut wanted: Vec<(String, Value)> = vec![
                ("customer_id".into(), json!(customer_id)),
                ("channel".into(), json!(channel.get_untracked())),
                ("category".into(), json!(category.get_untracked())),
                ("severity".into(), json!(severity.get_untracked())),
                ("status".into(), json!(to.as_str())),
            ];
            if current.value("at").is_none() {
                wanted.push(("at".into(), json!(now_rfc3339())));
            }
            if let Some(visit) = &visit_id {
                wanted.push(("visit_id".into(), json!(visit)));
            }
            for field in ["wants", "resolution"] {
                let value = text(field);
                if !value.is_empty() || current.value(field).is_some() {
                    wanted.push((field.into(), json!(value)));
                }
            }
            let mut furthest = 0;
            for (step, note) in &notes {
                let value = note.get_untracked().trim().to_owned();
                if !value.is_empty() {
                    furthest = furthest.max(step.number());
                }
                if !value.is_empty() || current.value(&step.note_field()).is_some() {
                    wanted.push((step.note_field(), json!(value)));
                }
            }
            if furthest > 0 {
                wanted.push(("step".into(), json!(furthest)));
            }
            if facts.promise_date {
                wanted.push(("promised_by".into(), json!(promise_date)));
            }
            let follow = follow_up_on.get_untracked();
            if chrono::NaiveDate::parse_from_str(&follow, "%Y-%m-%d").is_ok() {
                wanted.push(("follow_up_on".into(), json!(follow)));
            }
            let kind = compensation_kind.get_untracked();
            let detail = text("compensation_detail");
            if !kind.is_empty() || amount.is_some() || !detail.is_empty() {
                wanted.push((
                    "compensation".into(),
                    json!({"kind": kind, "amount": amount, "detail": detail}),
                ));
            }
            if let Some(level) = satisfaction.get_untracked() {
                wanted.push(("satisfaction".into(), json!(level)));
            }
            if to != from {
                let now = now_rfc3339();
                match to {
                    Status::Resolved => wanted.push(("resolved_at".into(), json!(now))),
                    Status::FollowedUp => wanted.push(("followed_up_at".into(), json!(now))),
                    Status::Escalated => {
                        wanted.push(("escalated_to".into(), json!(hand_to.get_untracked())));
                        wanted.push(("escalated_at".into(), json!(now)));
                    }
                    _ => {}
                }
            }
            // Only what differs from what is held: a concurrent edit of another field elsewhere
            // keeps its value.
            let mut fields: Vec<(String, Value)> = wanted
                .into_iter()
                .filter(|(field, value)| current.value(field) != Some(value))
                .collect();
            if fields.is_empty() {
                saved.set(true);
                return;
            }
            // customer_id first: the server scopes the rest of the record by it.
            crate::sort::by_key(&mut fields, |(field, _)| field != "customer_id");
            let id = complaint_id.clone();
            let navigate = navigate.clone();
            let first = current.value("at").is_none();
            leptos::task::spawn_local(async move {
                match replica.edit(Kind::COMPLAINT, &id, fields).await {
                    Ok(()) => {
                        saved.set(true);
                        if first {
                            // From now on the page is this complaint's own address.
                            navigate(
                                &format!("/complaints/{id}"),
                                leptos_router::NavigateOptions {
                                    replace: true,
                                    ..Default::default()
                                },
                            );
                        }
                    }
                    Err(e) => replica.storage_error.set(Some(e.to_string())),
                }
            });
        }
    };

    let now_status = move || stored.with(|c| c.as_ref().map_or(Status::Open, status));
    let promise_line = move || {
        stored.with(|c| {
            c.as_ref()
                .and_then(|c| promise(c, org_today(offset())))
                .map(|p| (promise_text(p, i18n), matches!(p, Promise::Overdue { .. })))
        })
    };
    let radio_group = move |legend: Key,
                            name: &'static str,
                            values: &'static [&'static str],
                            signal: RwSignal<String>,
                            label: fn(&str) -> Key| {
        view! {
            <fieldset class="field">
                <legend>{i18n.t(legend)}</legend>
                <div class="choices">
                    {values.iter().map(|value| view! {
                        <label class="choice">
                            <input type="radio" name=name value=*value prop:checked=move || signal.get() == *value
                                on:change=move |_| signal.set((*value).to_owned())/>
                            <span>{i18n.t(label(value))}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
        }
    };
    let text_area = |key: Key, name: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{i18n.t(key)}</span>
                <textarea name=name rows="2" prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))></textarea>
            </label>
        }
    };
    let signal_of = |field: &str| {
        texts
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, _, s)| *s)
            .unwrap_or_else(|| RwSignal::new(String::new()))
    };
    let (wants, resolution, compensation_detail) = (
        signal_of("wants"),
        signal_of("resolution"),
        signal_of("compensation_detail"),
    );
    let answer_for = move || {
        let language = language_of(i18n);
        let category = category.get();
        library.with(|all| {
            answers::for_category(all, &category, language)
                .map(|(_, text)| text.to_owned())
                .next()
        })
    };
    let copy = move |text: String| {
        // navigator.clipboard.writeText, read by name (no web-sys feature for one call).
        let navigator = window().navigator();
        if let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into())
            && let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into())
            && let Some(write) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&write)
        {
            let _ = write.call1(&clipboard, &text.into());
        }
    };

    let step_views = notes
        .iter()
        .map(|(step, note)| {
            let (title, help) = step_keys(*step);
            let note = *note;
            let number = step.number();
            let name = step.note_field();
            let answer = matches!(step, Step::Explain | Step::Resolve).then(|| {
                view! {
                    {move || answer_for().map(|text| {
                        let copied = text.clone();
                        view! {
                            <div class="answer" role="note">
                                <span class="list-sub">{i18n.t(Key::StandardAnswer)}</span>
                                <p>{text}</p>
                                <button type="button" class="button" aria-label=move || format!("{} {}", i18n.t(Key::CopyAnswer), i18n.t(title))
                                    on:click=move |_| copy(copied.clone())>{i18n.t(Key::CopyAnswer)}</button>
                            </div>
                        }
                    })}
                }
            });
            view! {
                <li class="step">
                    <label class="field">
                        <span class="step-title">{number} ". " {i18n.t(title)}</span>
                        <span class="list-sub">{i18n.t(help)}</span>
                        <textarea name=name rows="2" prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </label>
                    {answer}
                </li>
            }
        })
        .collect_view();

    let action = {
        let write = write.clone();
        move |to: Option<Status>, key: Key, primary: bool| {
            let write = write.clone();
            view! {
                <button type="button" class=if primary { "button button-primary" } else { "button" }
                    on:click=move |_| write(to)>{i18n.t(key)}</button>
            }
        }
    };
    let save = {
        let write = write.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            write(None);
        }
    };

    view! {
        <section class="page complaint">
            <h1>{i18n.t(Key::Complaint)} " · " {customer_name}</h1>
            <p class="status-line" role="status">
                <span class="tag">{move || i18n.t(status_key(now_status()))}</span>
                {move || promise_line().map(|(text, late)| view! { " " <span class="tag" class:tag-risk=late>{text}</span> })}
            </p>
            <form class="card form" on:submit=save novalidate>
                {radio_group(Key::ComplaintChannel, "channel", &CHANNELS, channel, channel_key)}
                <label class="field">
                    <span>{i18n.t(Key::ComplaintCategory)}</span>
                    <select name="category" on:change=move |ev| category.set(event_target_value(&ev))>
                        {CATEGORIES.iter().map(|c| view! {
                            <option value=*c selected=move || category.get() == *c>{category_label(c, i18n)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {radio_group(Key::Severity, "severity", &SEVERITIES, severity, severity_key)}
                {text_area(Key::CustomerWants, "wants", wants)}
                <h2>{i18n.t(Key::NineSteps)}</h2>
                <ol class="steps list">{step_views}</ol>
                <h2>{i18n.t(Key::PromiseAndResolution)}</h2>
                {text_area(Key::Resolution, "resolution", resolution)}
                <DateField label=Key::PromisedBy name="promised_by" value=promised_by/>
                <div class="grid-2">
                    <label class="field">
                        <span>{i18n.t(Key::CompensationKind)}</span>
                        <select name="compensation_kind" on:change=move |ev| compensation_kind.set(event_target_value(&ev))>
                            <option value="" selected=move || compensation_kind.get().is_empty()>{i18n.t(Key::NoCompensation)}</option>
                            {COMPENSATIONS.iter().map(|c| view! {
                                <option value=*c selected=move || compensation_kind.get() == *c>{i18n.t(compensation_key(c))}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{i18n.t(Key::CompensationAmount)}</span>
                        <input type="text" inputmode="decimal" name="compensation_amount" prop:value=move || compensation_amount.get()
                            on:input=move |ev| compensation_amount.set(event_target_value(&ev))/>
                    </label>
                </div>
                {text_area(Key::CompensationDetail, "compensation_detail", compensation_detail)}
                <Stars legend=Key::SatisfactionAtClose value=satisfaction/>
                <DateField label=Key::FollowUpOn name="follow_up_on" value=follow_up_on/>
                <label class="field">
                    <span>{i18n.t(Key::HandToManager)}</span>
                    <select name="escalated_to" on:change=move |ev| hand_to.set(event_target_value(&ev))>
                        <option value="" selected=move || hand_to.get().is_empty()>{i18n.t(Key::ChooseManager)}</option>
                        {move || managers.get().into_iter().map(|(id, name)| {
                            let value = id.clone();
                            view! { <option value=value selected=move || hand_to.get() == id>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <Show when=move || saved.get()>
                    <p class="banner" role="status">{i18n.t(Key::Saved)}</p>
                </Show>
                <div class="actions sticky-actions">
                    <button type="submit" class="button">{i18n.t(Key::Save)}</button>
                    {action(Some(Status::Promised), Key::PromiseResolution, false)}
                    {action(Some(Status::Resolved), Key::MarkResolved, true)}
                    {action(Some(Status::FollowedUp), Key::MarkFollowedUp, false)}
                    {action(Some(Status::Escalated), Key::HandComplaintOver, false)}
                </div>
            </form>
        </section>
    }
}

/// One line per complaint of a customer, for their page: category, status, promise.
pub fn complaint_line(
    id: &str,
    complaint: &Record,
    i18n: I18n,
    today: chrono::NaiveDate,
) -> impl IntoView + use<> {
    let category = category_label(complaint.text("category").unwrap_or("other"), i18n);
    let state = status(complaint);
    let promise = promise(complaint, today)
        .map(|p| (promise_text(p, i18n), matches!(p, Promise::Overdue { .. })));
    let severity = i18n.t(severity_key(complaint.text("severity").unwrap_or("low")));
    let wants = complaint.text("wants").unwrap_or_default().to_owned();
    let at = complaint.text("at").unwrap_or_default().to_owned();
    view! {
        <li><leptos_router::components::A href=format!("/complaints/{id}") attr:class="list-item">
            <span class="list-title">{i18n.t(Key::Complaint)} " · " {category} " · " {severity}</span>
            <span class="list-sub">
                <span class="tag">{i18n.t(status_key(state))}</span>
                {promise.map(|(text, late)| view! { " " <span class="tag" class:tag-risk=late>{text}</span> })}
                " " {crate::i18n::date_time(&at, i18n.locale.get_untracked())}
            </span>
            {(!wants.is_empty()).then(|| view! { <span class="list-sub">{wants}</span> })}
        </leptos_router::components::A></li>
    }
}
