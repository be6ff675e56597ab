//! Today (PRODUCT §8): tasks due and overdue, birthdays in the next 7 days (solar and lunar,
//! family too), coming holidays, and whether now is a polite time to call — each with one-tap
//! actions. Completing a task records a contact.

use crate::i18n::{I18n, Key, use_i18n};
use crate::pages::customer_form::now_rfc3339;
use crate::replica::use_replica;
use chrono::{Datelike, Days, Local, NaiveDate};
use huitou_shared::Kind;
use huitou_shared::customer::Birthday;
use huitou_shared::merge::TrackedRecord;
use huitou_shared::retention::call_windows::{CallWindows, is_allowed, next_good_time};
use huitou_shared::retention::holidays::{Holiday, holidays_between};
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;

pub fn task_label(kind: &str, i18n: I18n) -> &'static str {
    i18n.t(match kind {
        "follow_up" => Key::TaskFollowUp,
        "birthday" => Key::TaskBirthday,
        "win_back" => Key::TaskWinBack,
        "thank_referrer" => Key::TaskThankReferrer,
        "call_referred" => Key::TaskCallReferred,
        _ => Key::OtherOccasion,
    })
}

fn holiday_label(holiday: Holiday, i18n: I18n) -> &'static str {
    i18n.t(match holiday {
        Holiday::NewYear => Key::NewYear,
        Holiday::SpringFestival => Key::SpringFestival,
        Holiday::Lantern => Key::Lantern,
        Holiday::Qingming => Key::Qingming,
        Holiday::LabourDay => Key::LabourDay,
        Holiday::DragonBoat => Key::DragonBoat,
        Holiday::Qixi => Key::Qixi,
        Holiday::MidAutumn => Key::MidAutumn,
        Holiday::NationalDay => Key::NationalDay,
        Holiday::DoubleNinth => Key::DoubleNinth,
    })
}

/// "Good time to call now", or when the next good time is (PRODUCT §8, 三不打 / 三必打).
#[component]
pub fn CallTiming() -> impl IntoView {
    let i18n = use_i18n();
    let now = Local::now().naive_local();
    let windows = CallWindows::default();
    let allowed = is_allowed(now, &windows);
    let next = next_good_time(now, &windows);
    view! {
        <p class=if allowed { "call-timing call-ok" } else { "call-timing call-wait" } role="status">
            {move || if allowed {
                i18n.t(Key::GoodTimeToCall).to_owned()
            } else {
                format!("{} {}", i18n.t(Key::NotNowToCall), next.format("%H:%M"))
            }}
        </p>
    }
}

#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let today = Local::now().date_naive();
    leptos::task::spawn_local(crate::planner::plan(replica, today));
    let week = today.checked_add_days(Days::new(7)).unwrap_or(today);

    let tasks = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut open: Vec<(TrackedRecord, String, NaiveDate)> = r
                .of_kind(Kind::TASK)
                .filter(|t| !t.record.is_deleted())
                .filter(|t| !matches!(t.record.text("status"), Some("done" | "skipped")))
                .filter_map(|t| {
                    let due = NaiveDate::parse_from_str(t.record.text("due")?, "%Y-%m-%d").ok()?;
                    let snoozed = t
                        .record
                        .text("snoozed_until")
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .is_some_and(|until| until > today);
                    let customer = r.get(Kind::CUSTOMER, t.record.text("customer_id")?)?;
                    (due <= week && !snoozed && !customer.record.is_deleted()).then(|| {
                        (
                            t.clone(),
                            customer.record.text("name").unwrap_or_default().to_owned(),
                            due,
                        )
                    })
                })
                .collect();
            open.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.1.cmp(&b.1)));
            open
        })
    });

    let birthdays = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut found: Vec<(NaiveDate, String, String)> = Vec::new();
            let mut add = |birthday: Option<&Value>, who: String, customer_id: &str| {
                if let Some(date) = birthday
                    .and_then(Birthday::from_value)
                    .and_then(|b| b.next_on_or_after(today))
                    .filter(|d| *d <= week)
                {
                    found.push((date, who, customer_id.to_owned()));
                }
            };
            for customer in r.of_kind(Kind::CUSTOMER).filter(|c| !c.record.is_deleted()) {
                let name = customer.record.text("name").unwrap_or_default().to_owned();
                add(
                    customer.record.value("birthday"),
                    name.clone(),
                    &customer.id,
                );
                for member in r.children_of(Kind::FAMILY, &customer.id) {
                    let who = format!(
                        "{} · {}",
                        name,
                        member.record.text("name").unwrap_or_default()
                    );
                    add(member.record.value("birthday"), who, &customer.id);
                }
            }
            found.sort();
            found
        })
    });
    let holidays = holidays_between(
        today,
        today.checked_add_days(Days::new(14)).unwrap_or(today),
    );

    let set_status =
        move |id: String, customer_id: String, status: &'static str, reason: Option<String>| {
            leptos::task::spawn_local(async move {
                let mut fields = vec![("status".to_owned(), Value::String(status.to_owned()))];
                if let Some(reason) = reason {
                    fields.push(("skip_reason".to_owned(), Value::String(reason)));
                }
                if let Err(e) = replica.edit(Kind::TASK, &id, fields).await {
                    replica.storage_error.set(Some(e.to_string()));
                    return;
                }
                if status == "done" {
                    // A finished task is a contact with the customer (PRODUCT §6).
                    let kind = replica
                        .records
                        .with_untracked(|r| {
                            r.get(Kind::TASK, &id)
                                .and_then(|t| t.record.text("kind").map(str::to_owned))
                        })
                        .unwrap_or_default();
                    let staff = replica
                        .session
                        .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))
                        .unwrap_or_default();
                    let contact = vec![
                        ("customer_id".to_owned(), Value::String(customer_id)),
                        ("at".to_owned(), Value::String(now_rfc3339())),
                        ("channel".to_owned(), Value::String("call".to_owned())),
                        ("purpose".to_owned(), Value::String(kind)),
                        ("task_id".to_owned(), Value::String(id)),
                        ("staff".to_owned(), Value::String(staff)),
                    ];
                    if let Err(e) = replica
                        .edit(Kind::CONTACT, &huitou_shared::model::new_id(), contact)
                        .await
                    {
                        replica.storage_error.set(Some(e.to_string()));
                    }
                }
            });
        };
    let snooze = move |id: String| {
        let tomorrow = today
            .checked_add_days(Days::new(1))
            .unwrap_or(today)
            .to_string();
        leptos::task::spawn_local(async move {
            if let Err(e) = replica
                .edit(
                    Kind::TASK,
                    &id,
                    vec![("snoozed_until".to_owned(), Value::String(tomorrow))],
                )
                .await
            {
                replica.storage_error.set(Some(e.to_string()));
            }
        });
    };

    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::Today)} " · " {today.format("%Y-%m-%d").to_string()}</h1>
            <CallTiming/>
            <section class="card">
                <h2>{move || i18n.t(Key::TodayTasks)}</h2>
                <Show when=move || !tasks.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NothingDue)}</p> }>
                    <ul class="list" aria-label=move || i18n.t(Key::TodayTasks)>
                        {move || tasks.get().into_iter().map(|(task, name, due)| {
                            let kind = task.record.text("kind").unwrap_or_default().to_owned();
                            let customer_id = task.record.text("customer_id").unwrap_or_default().to_owned();
                            let phone = replica.records.with_untracked(|r| r.get(Kind::CUSTOMER, &customer_id).and_then(|c| c.record.text("phone").map(str::to_owned)));
                            let overdue = due < today;
                            let label = format!("{} · {name}", task_label(&kind, i18n));
                            let label_text = label.clone();
                            let skip_reason = RwSignal::new(String::new());
                            let (id1, id2, id3) = (task.id.clone(), task.id.clone(), task.id.clone());
                            let (c1, c2) = (customer_id.clone(), customer_id.clone());
                            view! {
                                <li class="list-item task" class:overdue=overdue>
                                    <A href=format!("/customers/{customer_id}") attr:class="list-title">{label_text}</A>
                                    <span class="list-sub">{if overdue { i18n.t(Key::Overdue) } else { i18n.t(Key::Due) }} " " {due.to_string()}</span>
                                    <div class="actions task-actions">
                                        {phone.map(|phone| view! { <a class="button" href=format!("tel:{phone}")>{i18n.t(Key::Call)}</a> })}
                                        <button type="button" class="button button-primary" aria-label=format!("{} {label}", i18n.t(Key::MarkDone))
                                            on:click=move |_| set_status(id1.clone(), c1.clone(), "done", None)>{i18n.t(Key::MarkDone)}</button>
                                        <button type="button" class="button" aria-label=format!("{} {label}", i18n.t(Key::Snooze))
                                            on:click=move |_| snooze(id2.clone())>{i18n.t(Key::Snooze)}</button>
                                        <label class="field field-inline skip">
                                            <span class="visually-hidden">{i18n.t(Key::SkipReason)}</span>
                                            <input type="text" name="skip_reason" placeholder=i18n.t(Key::SkipReason) aria-label=i18n.t(Key::SkipReason)
                                                prop:value=move || skip_reason.get() on:input=move |ev| skip_reason.set(event_target_value(&ev))/>
                                        </label>
                                        <button type="button" class="button" aria-label=format!("{} {label}", i18n.t(Key::Skip))
                                            on:click=move |_| set_status(id3.clone(), c2.clone(), "skipped", Some(skip_reason.get_untracked()).filter(|r| !r.trim().is_empty()))>{i18n.t(Key::Skip)}</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </section>
            <section class="card">
                <h2>{move || i18n.t(Key::UpcomingBirthdays)}</h2>
                <ul class="list" aria-label=move || i18n.t(Key::UpcomingBirthdays)>
                    {move || birthdays.get().into_iter().map(|(date, who, customer_id)| view! {
                        <li><A href=format!("/customers/{customer_id}") attr:class="list-item">
                            <span class="list-title">{who}</span>
                            <span class="list-sub">{format!("{}-{:02}-{:02}", date.year(), date.month(), date.day())}</span>
                        </A></li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card">
                <h2>{move || i18n.t(Key::UpcomingHolidays)}</h2>
                <ul class="list">
                    {holidays.into_iter().map(|(date, holiday)| view! {
                        <li class="list-item"><span class="list-title">{move || holiday_label(holiday, i18n)}</span><span class="list-sub">{date.to_string()}</span></li>
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}
