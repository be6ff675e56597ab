//! Today (PRODUCT §8), the home screen: tasks due and overdue, birthdays and anniversaries in
//! the next 7 days (solar and lunar, family too), the coming holidays — the organisation's own
//! days among them — with the customers whose playbook says to greet them, and whether now is a
//! polite time to call — each with one-tap actions. Completing a task records a contact. Calls
//! are only proposed inside the organisation's call windows.

use crate::i18n::{I18n, Key, use_i18n};
use crate::i18n::{action_key, holiday_key};
use crate::org::use_org;
use crate::pages::customer_form::now_rfc3339;
use crate::replica::{Records, use_replica};
use chrono::{Datelike, Days, Local, NaiveDate, NaiveDateTime};
use huitou_shared::Kind;
use huitou_shared::merge::TrackedRecord;
use huitou_shared::retention::call_windows::{CallWindows, is_allowed, next_good_time};
use huitou_shared::retention::holidays::{Holiday, holidays_between};
use huitou_shared::retention::org_days::org_days_between;
use huitou_shared::retention::playbooks::is_major;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn task_label(kind: &str, i18n: I18n) -> &'static str {
    i18n.t(match kind {
        "follow_up" => Key::TaskFollowUp,
        "birthday" => Key::TaskBirthday,
        "win_back" => Key::TaskWinBack,
        "thank_referrer" => Key::TaskThankReferrer,
        "call_referred" => Key::TaskCallReferred,
        "thank_you" => Key::TaskThankYou,
        "holiday" => Key::TaskHoliday,
        "complaint_follow_up" => Key::TaskComplaintFollowUp,
        "complaint_review" => Key::TaskComplaintReview,
        "complaint_escalated" => Key::TaskComplaintEscalated,
        "thank_suggestion" => Key::TaskThankSuggestion,
        "call" => Key::TaskCall,
        "visit" => Key::TaskVisit,
        "message" => Key::TaskMessage,
        _ => Key::OtherOccasion,
    })
}

/// What a task is, in words: the rule's name, or for a playbook task its action and holiday
/// ("Holiday SMS and card · Mid-Autumn Festival").
pub fn task_title(task: &TrackedRecord, i18n: I18n) -> String {
    let kind = task.record.text("kind").unwrap_or_default();
    let action = task
        .record
        .value("action")
        .and_then(|a| serde_json::from_value(a.clone()).ok());
    let holiday: Option<Holiday> = task
        .record
        .value("holiday")
        .and_then(|h| serde_json::from_value(h.clone()).ok());
    match (action, holiday) {
        (Some(action), Some(holiday)) => format!(
            "{} · {}",
            i18n.t(action_key(action)),
            i18n.t(holiday_key(holiday))
        ),
        (Some(action), None) => i18n.t(action_key(action)).to_owned(),
        _ => task_label(kind, i18n).to_owned(),
    }
}

/// Whether the task is done by message rather than by phone.
fn by_message(task: &TrackedRecord) -> bool {
    matches!(
        task.record.text("kind"),
        Some("thank_you" | "thank_referrer" | "thank_suggestion" | "message")
    ) || task.record.text("action") == Some("holiday_greeting")
}

/// "Good time to call now", or when the next good time is (PRODUCT §8, 三不打 / 三必打), under
/// the organisation's call windows.
#[component]
pub fn CallTiming() -> impl IntoView {
    let i18n = use_i18n();
    let org = use_org();
    let state = move || {
        let now = Local::now().naive_local();
        org.with(|org| call_state(now, &org.settings.call_windows))
    };
    view! {
        <p class=move || if state().0 { "call-timing call-ok" } else { "call-timing call-wait" } role="status">
            {move || match state() {
                (true, _) => i18n.t(Key::GoodTimeToCall).to_owned(),
                (false, next) => format!("{} {}", i18n.t(Key::NotNowToCall), next.format("%H:%M")),
            }}
        </p>
    }
}

/// Whether a call is allowed at `now`, and the next good time.
pub fn call_state(now: NaiveDateTime, windows: &CallWindows) -> (bool, NaiveDateTime) {
    (is_allowed(now, windows), next_good_time(now, windows))
}

/// Set while the planner writes tasks.
static PLANNING: AtomicBool = AtomicBool::new(false);

/// How many customers to greet are named under a holiday; the rest are counted.
const GREET_SHOWN: usize = 24;

/// A day of the coming-holidays card: one of PRODUCT §8's holidays, or one of the
/// organisation's own days (its name).
#[derive(Clone, PartialEq)]
enum ComingDay {
    Holiday(Holiday),
    Own(String),
}

/// A birthday or anniversary as Today lists it: "王小明", "王小明 · 女儿", "王小明 · 结婚 10 周年".
pub fn celebration_text(celebration: &crate::derived::Celebration, i18n: I18n) -> String {
    use crate::derived::Occasion;
    use huitou_shared::customer::AnniversaryKind;
    let Occasion::Anniversary(kind, years) = celebration.occasion else {
        return celebration.who.clone();
    };
    let what = match (kind, years) {
        (AnniversaryKind::Wedding, Some(_)) => i18n.t(Key::WeddingYears),
        (AnniversaryKind::Founding, Some(_)) => i18n.t(Key::FoundingYears),
        (AnniversaryKind::FirstVisit, Some(_)) => i18n.t(Key::FirstVisitYears),
        (AnniversaryKind::Wedding, None) => i18n.t(Key::WeddingAnniversary),
        (AnniversaryKind::Founding, None) => i18n.t(Key::FoundingAnniversary),
        (AnniversaryKind::FirstVisit, None) => i18n.t(Key::FirstVisitAnniversary),
    };
    let what = years.map_or_else(
        || what.to_owned(),
        |years| what.replace("{n}", &years.to_string()),
    );
    format!("{} · {what}", celebration.who)
}

/// An open task due by the end of the week, with its customer.
#[derive(Clone, PartialEq)]
pub struct DueTask {
    pub task: TrackedRecord,
    pub customer_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub due: NaiveDate,
}

/// The task `t` as Today lists it: open, due by `week` (overdue included), its customer on
/// this device and not in the trash, not snoozed past `today`.
fn due_task(r: &Records, t: &TrackedRecord, today: NaiveDate, week: NaiveDate) -> Option<DueTask> {
    if t.record.is_deleted() || matches!(t.record.text("status"), Some("done" | "skipped")) {
        return None;
    }
    let due: NaiveDate = t.record.text("due")?.parse().ok()?;
    let snoozed = t
        .record
        .text("snoozed_until")
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .is_some_and(|until| until > today);
    let customer_id = t.record.text("customer_id")?;
    let customer = r.get(Kind::CUSTOMER, customer_id)?;
    (due <= week && !snoozed && !customer.record.is_deleted()).then(|| DueTask {
        task: t.clone(),
        customer_id: customer_id.to_owned(),
        name: customer.record.text("name").unwrap_or_default().to_owned(),
        phone: customer
            .record
            .text("phone")
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        due,
    })
}

/// Today's task list ([`due_task`]: soonest first, then by customer name), kept between
/// changes: a task is looked at again only when it changed, and the list is made
/// again only when a task or a customer changed (logging a visit alone changes neither).
#[derive(Default)]
pub struct DueTasks {
    /// The book, task and customer revisions the list was made from.
    made_from: (u64, u64, u64),
    /// Task id → its revision when looked at ([`Records::task_revision`]), and what Today
    /// lists for it.
    looked_at: HashMap<String, (u64, Option<Arc<DueTask>>)>,
    tasks: Arc<Vec<Arc<DueTask>>>,
}

impl DueTasks {
    pub fn refresh(
        &mut self,
        r: &Records,
        today: NaiveDate,
        week: NaiveDate,
    ) -> Arc<Vec<Arc<DueTask>>> {
        let made_from = (
            r.book(),
            r.kind_revision(Kind::TASK),
            r.kind_revision(Kind::CUSTOMER),
        );
        if made_from == self.made_from {
            return self.tasks.clone();
        }
        // A customer renamed, deleted or restored shows in every one of its tasks.
        if (made_from.0, made_from.2) != (self.made_from.0, self.made_from.2) {
            self.looked_at.clear();
        }
        self.made_from = made_from;
        let mut held: HashMap<String, (u64, Option<Arc<DueTask>>)> =
            HashMap::with_capacity(r.count(Kind::TASK));
        for t in r.of_kind(Kind::TASK) {
            let revision = r.task_revision(&t.id);
            let entry = match self.looked_at.remove(&t.id) {
                Some((seen, listed)) if seen == revision => (seen, listed),
                _ => (revision, due_task(r, t, today, week).map(Arc::new)),
            };
            held.insert(t.id.clone(), entry);
        }
        self.looked_at = held;
        let mut open: Vec<Arc<DueTask>> = self
            .looked_at
            .values()
            .filter_map(|(_, listed)| listed.clone())
            .collect();
        crate::sort::by(&mut open, |a, b| {
            (a.due, &a.name, &a.task.id).cmp(&(b.due, &b.name, &b.task.id))
        });
        self.tasks = Arc::new(open);
        self.tasks.clone()
    }
}

#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let today = Local::now().date_naive();
    let week = today.checked_add_days(Days::new(7)).unwrap_or(today);

    // Plan once the device's records are loaded, and again when the organisation's rules or
    // the number of customers, visits, referrals or family members change.
    let inputs = Memo::new(move |_| {
        let counts = replica.records.with(|r| {
            [Kind::CUSTOMER, Kind::VISIT, Kind::REFERRAL, Kind::FAMILY].map(|k| r.count(k) as u64)
        });
        // A complaint resolved or a suggestion adopted changes no count: their revisions.
        let service = replica
            .records
            .with(|r| [Kind::COMPLAINT, Kind::SUGGESTION].map(|k| r.kind_revision(k)));
        (replica.settled(), counts, service)
    });
    Effect::new(move |_| {
        // Not on half a book: a customer whose visits have not arrived would look lost.
        let (loaded, _, _) = inputs.get();
        let org = org.get();
        // One planning run at a time; it may outlive this page, so the flag is not a signal.
        if loaded && !PLANNING.swap(true, Ordering::AcqRel) {
            leptos::task::spawn_local(async move {
                crate::planner::plan(replica, org, today).await;
                PLANNING.store(false, Ordering::Release);
            });
        }
    });

    let due = StoredValue::new_local(DueTasks::default());
    let tasks = Memo::new_with_compare(
        move |_| {
            replica.records.with(|r| {
                due.try_update_value(|due| due.refresh(r, today, week))
                    .unwrap_or_default()
            })
        },
        |old, new| !matches!((old, new), (Some(old), Some(new)) if Arc::ptr_eq(old, new)),
    );

    // Tiers, planned tasks, birthdays and anniversaries per customer, redone only for customers
    // that changed.
    let derived = replica.derived_memo(org, today, || true);

    let celebrations = Memo::new(move |_| {
        derived.get();
        replica
            .derived
            .with_value(crate::derived::Derived::celebrations)
    });

    // The holidays of the next 30 days and, to plan ahead, always the next major one, each with
    // the customers whose tier's playbook acts on it (greeting, call, visit).
    let holidays = {
        let ahead = |days| today.checked_add_days(Days::new(days)).unwrap_or(today);
        let mut shown = holidays_between(today, ahead(30));
        if let Some(next_major) = holidays_between(today, ahead(400))
            .into_iter()
            .find(|(_, holiday)| is_major(*holiday))
            && !shown.contains(&next_major)
        {
            shown.push(next_major);
        }
        shown
    };
    let shown_holidays = holidays.clone();
    // The organisation's own days of the next 30 days join them, by date.
    let month_ahead = today.checked_add_days(Days::new(30)).unwrap_or(today);
    let own_days = Memo::new(move |_| {
        replica.records.with(|r| {
            org_days_between(
                r.of_kind(Kind::ORG_DAY).map(|d| (d.id.as_str(), &d.record)),
                today,
                month_ahead,
            )
        })
    });
    let coming = Memo::new(move |_| {
        let mut days: Vec<(NaiveDate, ComingDay)> = holidays
            .iter()
            .map(|(date, holiday)| (*date, ComingDay::Holiday(*holiday)))
            .collect();
        days.extend(
            own_days
                .get()
                .into_iter()
                .map(|(date, _, name)| (date, ComingDay::Own(name))),
        );
        // Stable: on a shared date the holiday comes first.
        crate::sort::by_key(&mut days, |(date, _)| *date);
        days
    });
    let to_greet = Memo::new(move |_| {
        derived.get();
        org.with(|org| {
            replica
                .derived
                .with_value(|derived| derived.to_greet(org, &shown_holidays))
        })
    });

    // Escalation (PRODUCT §10): my customers with no next step after a visit; for managers,
    // everyone's follow-ups late enough to need them.
    let me = replica.user_id();
    let unplanned = Memo::new(move |_| {
        derived.get();
        let rules = org.with(|o| o.settings.escalation);
        replica.records.with(|r| {
            replica
                .derived
                .with_value(|d| crate::derived::unplanned(r, d, &me, today, &rules))
        })
    });

    // Mine by default: a salesperson sees and acts on their own tasks only (a shared customer's
    // tasks are its owner's); a manager can look at the whole team's.
    let team_view = RwSignal::new(false);
    let me_for_tasks = replica.user_id();
    let mine = move |task: &DueTask| match task.task.record.text("owner") {
        Some(owner) => owner == me_for_tasks,
        // A task without an owner is its customer's owner's.
        None => replica.records.with_untracked(|r| {
            r.get(Kind::CUSTOMER, &task.customer_id)
                .and_then(|c| c.record.text("owner"))
                == Some(me_for_tasks.as_str())
        }),
    };
    let shown_tasks = Memo::new(move |_| {
        let all = tasks.get();
        let team = team_view.get() && replica.is_manager();
        all.iter()
            .filter(|t| team || mine(t))
            .cloned()
            .collect::<Vec<Arc<DueTask>>>()
    });

    // Complaint promises due (PRODUCT §7): today or late, in the organisation's time zone; a
    // salesperson's own customers, every customer for a manager.
    let me_for_promises = replica.user_id();
    let promises = Memo::new(move |_| {
        let offset = org.with(|o| o.settings.utc_offset_minutes);
        let day = crate::pages::complaint::org_today(offset);
        let manager = replica.is_manager();
        replica.records.with(|r| {
            let mut due: Vec<(i64, String, String, String, String)> = r
                .of_kind(Kind::COMPLAINT)
                .filter_map(|c| {
                    let promise = huitou_shared::service::complaint::promise(&c.record, day)?;
                    let huitou_shared::service::complaint::Promise::Overdue { days, .. } = promise
                    else {
                        return None;
                    };
                    let customer_id = c.record.text("customer_id")?;
                    let customer = r.get(Kind::CUSTOMER, customer_id)?;
                    if customer.record.is_deleted()
                        || (!manager
                            && customer.record.text("owner") != Some(me_for_promises.as_str()))
                    {
                        return None;
                    }
                    Some((
                        days,
                        customer.record.text("name").unwrap_or_default().to_owned(),
                        c.id.clone(),
                        crate::pages::complaint::category_label(
                            c.record.text("category").unwrap_or("other"),
                            i18n,
                        ),
                        crate::pages::complaint::promise_text(promise, i18n),
                    ))
                })
                .collect();
            crate::sort::by(&mut due, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            due
        })
    });

    let set_status = move |task: TrackedRecord,
                           customer_id: String,
                           status: &'static str,
                           reason: Option<String>| {
        leptos::task::spawn_local(async move {
            let id = task.id.clone();
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
                let kind = task.record.text("kind").unwrap_or_default().to_owned();
                let channel = if by_message(&task) { "sms" } else { "call" };
                let staff = replica
                    .session
                    .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))
                    .unwrap_or_default();
                let contact = vec![
                    ("customer_id".to_owned(), Value::String(customer_id)),
                    ("at".to_owned(), Value::String(now_rfc3339())),
                    ("channel".to_owned(), Value::String(channel.to_owned())),
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
        replica.spawn_edit(
            Kind::TASK,
            id,
            vec![("snoozed_until".to_owned(), Value::String(tomorrow))],
        );
    };

    view! {
        <section class="page">
            <h1>{i18n.t(Key::Today)} " · " {today.format("%Y-%m-%d").to_string()}</h1>
            <CallTiming/>
            <Show when=move || !promises.with(Vec::is_empty)>
                <section class="card attention">
                    <h2>{i18n.t(Key::PromisesDue)}</h2>
                    <ul class="list" aria-label=i18n.t(Key::PromisesDue)>
                        {move || promises.get().into_iter().map(|(days, name, id, category, text)| {
                            let late = days > 0;
                            view! {
                                <li><A href=format!("/complaints/{id}") attr:class="list-item">
                                    <span class="list-title">{name} " · " {category}</span>
                                    <span class="list-sub"><span class="tag" class:tag-risk=late>{text}</span></span>
                                </A></li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <section class="card">
                <h2>{i18n.t(Key::TodayTasks)}</h2>
                <A href="/task" attr:class="button">{i18n.t(Key::AddTask)}</A>
                {replica.is_manager().then(|| crate::pages::manager_tools::list_export("today", Key::TodayTasks, move || {
                    let titles = [Key::Due, Key::Name, Key::Phone, Key::Tasks, Key::Owner]
                        .iter()
                        .map(|k| i18n.t(*k).to_owned())
                        .collect();
                    let rows = shown_tasks.get_untracked().iter().map(|t| {
                        let owner = replica.records.with_untracked(|r| {
                            r.get(Kind::CUSTOMER, &t.customer_id)
                                .and_then(|c| c.record.text("owner"))
                                .map(|o| r.person(o, i18n.t(Key::Left)))
                                .unwrap_or_default()
                        });
                        vec![
                            serde_json::json!(t.due.to_string()),
                            serde_json::json!(t.name),
                            serde_json::json!(t.phone),
                            serde_json::json!(task_title(&t.task, i18n)),
                            serde_json::json!(owner),
                        ]
                    }).collect();
                    (titles, rows)
                }))}
                {replica.is_manager().then(|| view! {
                    <div class="choices" role="group" aria-label=i18n.t(Key::WhoseTasks)>
                        <label class="choice">
                            <input type="radio" name="whose_tasks" prop:checked=move || !team_view.get() on:change=move |_| team_view.set(false)/>
                            <span>{i18n.t(Key::MyTasks)}</span>
                        </label>
                        <label class="choice">
                            <input type="radio" name="whose_tasks" prop:checked=move || team_view.get() on:change=move |_| team_view.set(true)/>
                            <span>{i18n.t(Key::TeamTasks)}</span>
                        </label>
                    </div>
                })}
                <Show when=move || !shown_tasks.with(|t| t.is_empty()) fallback=move || view! { <p class="muted">{i18n.t(Key::NothingDue)}</p> }>
                    <ul class="list" aria-label=i18n.t(Key::TodayTasks)>
                        {move || shown_tasks.get().iter().map(|due_task| (**due_task).clone()).map(|due_task| {
                            let DueTask { task, customer_id, name, phone, due } = due_task;
                            let overdue = due < today;
                            let label = format!("{} · {name}", task_title(&task, i18n));
                            let title = label.clone();
                            // A complaint's task opens the complaint; others the customer.
                            let href = match task.record.text("complaint_id") {
                                Some(complaint) => format!("/complaints/{complaint}"),
                                None => format!("/customers/{customer_id}"),
                            };
                            let detail = [task.record.text("time"), task.record.text("note")]
                                .into_iter()
                                .flatten()
                                .filter(|t| !t.is_empty())
                                .collect::<Vec<_>>()
                                .join(" · ");
                            let message = by_message(&task) || matches!(task.record.text("kind"), Some("birthday" | "win_back"));
                            let skip_reason = RwSignal::new(String::new());
                            let (t1, t2) = (task.clone(), task.clone());
                            let id = task.id.clone();
                            let (c1, c2) = (customer_id.clone(), customer_id.clone());
                            let call = phone.map(|phone| {
                                let now = Local::now().naive_local();
                                let (allowed, next) = org.with_untracked(|o| call_state(now, &o.settings.call_windows));
                                if allowed {
                                    view! { <a class="button" href=format!("tel:{phone}")>{i18n.t(Key::Call)}</a> }.into_any()
                                } else {
                                    // Outside the call windows the app never proposes a call.
                                    view! { <span class="muted call-later">{format!("{} {}", i18n.t(Key::CallFrom), next.format("%H:%M"))}</span> }.into_any()
                                }
                            });
                            view! {
                                <li class="list-item task" class:overdue=overdue>
                                    <A href=href attr:class="list-title">{title}</A>
                                    <span class="list-sub">{if overdue { i18n.t(Key::Overdue) } else { i18n.t(Key::Due) }} " " {due.to_string()}</span>
                                    {(!detail.is_empty()).then(|| view! { <span class="list-sub">{detail}</span> })}
                                    <div class="actions task-actions">
                                        {call}
                                        {message.then(|| view! { <A href=format!("/customers/{customer_id}/message") attr:class="button">{i18n.t(Key::Message)}</A> })}
                                        <button type="button" class="button button-primary" aria-label=format!("{} {label}", i18n.t(Key::MarkDone))
                                            on:click=move |_| set_status(t1.clone(), c1.clone(), "done", None)>{i18n.t(Key::MarkDone)}</button>
                                        <button type="button" class="button" aria-label=format!("{} {label}", i18n.t(Key::Snooze))
                                            on:click=move |_| snooze(id.clone())>{i18n.t(Key::Snooze)}</button>
                                        <label class="field field-inline skip">
                                            <span class="visually-hidden">{i18n.t(Key::SkipReason)}</span>
                                            <input type="text" name="skip_reason" placeholder=i18n.t(Key::SkipReason) aria-label=i18n.t(Key::SkipReason)
                                                prop:value=move || skip_reason.get() on:input=move |ev| skip_reason.set(event_target_value(&ev))/>
                                        </label>
                                        <button type="button" class="button" aria-label=format!("{} {label}", i18n.t(Key::Skip))
                                            on:click=move |_| set_status(t2.clone(), c2.clone(), "skipped", Some(skip_reason.get_untracked()).filter(|r| !r.trim().is_empty()))>{i18n.t(Key::Skip)}</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </section>
            {crate::pages::manager_tools::needs_attention(today)}
            <Show when=move || !unplanned.with(Vec::is_empty)>
                <section class="card">
                    <h2>{i18n.t(Key::NoFollowUpPlanned)}</h2>
                    <ul class="list" aria-label=i18n.t(Key::NoFollowUpPlanned)>
                        {move || unplanned.get().into_iter().take(50).map(|(since, name, id)| {
                            let label = format!("{}: {name}", i18n.t(Key::PlanFollowUp));
                            view! {
                                <li class="list-item">
                                    <A href=format!("/customers/{id}") attr:class="list-title">{name}</A>
                                    <span class="list-sub">{i18n.t(Key::NothingPlannedSince).replace("{date}", &crate::i18n::day(since, i18n.locale.get()))}</span>
                                    <A href=format!("/customers/{id}/contact") attr:class="button" attr:aria-label=label>{i18n.t(Key::PlanFollowUp)}</A>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <section class="card">
                <h2>{i18n.t(Key::BirthdaysAndAnniversaries)}</h2>
                <Show when=move || !celebrations.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoCelebrations)}</p> }>
                    <ul class="list" aria-label=i18n.t(Key::BirthdaysAndAnniversaries)>
                        {move || celebrations.get().into_iter().map(|upcoming| {
                            let date = upcoming.celebration.date;
                            view! {
                                <li><A href=format!("/customers/{}", upcoming.customer_id) attr:class="list-item">
                                    <span class="list-title">{celebration_text(&upcoming.celebration, i18n)}</span>
                                    <span class="list-sub">{format!("{}-{:02}-{:02}", date.year(), date.month(), date.day())}</span>
                                </A></li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </section>
            <section class="card">
                <h2>{i18n.t(Key::UpcomingHolidays)}</h2>
                <ul class="list" aria-label=i18n.t(Key::UpcomingHolidays)>
                    {move || coming.get().into_iter().map(|(date, day)| {
                        let days = (date - today).num_days();
                        let holiday = match day {
                            ComingDay::Holiday(holiday) => holiday,
                            ComingDay::Own(name) => return view! {
                                <li class="list-item holiday">
                                    <span class="list-title">{name} " " <span class="tag">{i18n.t(Key::OurDayTag)}</span></span>
                                    <span class="list-sub">{date.to_string()} " · " {move || i18n.t(Key::InDays).replace("{n}", &days.to_string())}</span>
                                </li>
                            }.into_any(),
                        };
                        view! {
                            <li class="list-item holiday">
                                <span class="list-title">{i18n.t(holiday_key(holiday))}</span>
                                <span class="list-sub">{date.to_string()} " · " {move || i18n.t(Key::InDays).replace("{n}", &days.to_string())}</span>
                                <div class="chips" role="group" aria-label=move || format!("{} {}", i18n.t(Key::SendGreetings), i18n.t(holiday_key(holiday)))>
                                    {move || {
                                        let people: Vec<(String, String)> = to_greet.get().into_iter()
                                            .filter(|(_, _, on)| on.contains(&holiday))
                                            .map(|(name, id, _)| (name, id))
                                            .collect();
                                        let more = people.len().saturating_sub(GREET_SHOWN);
                                        view! {
                                            {people.into_iter().take(GREET_SHOWN).map(|(name, id)| {
                                                let aria = format!("{} {name}", i18n.t(Key::SendGreetings));
                                                view! { <A href=format!("/customers/{id}/message") attr:class="chip-link" attr:aria-label=aria>{name}</A> }
                                            }).collect_view()}
                                            {(more > 0).then(|| view! { <span class="muted">{format!("+{more}")}</span> })}
                                        }
                                    }}
                                </div>
                            </li>
                        }.into_any()
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}
