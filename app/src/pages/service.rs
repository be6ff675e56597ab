//! Word of mouth and hand-made follow-ups (PRODUCT §4, §6, §7): a customer's suggestions, the
//! friends they brought, the tasks a person plans by hand, and the customer page's tab that
//! lists complaints, suggestions and referrals. All offline, through `Replica::edit`.

use crate::i18n::{I18n, Key, money, use_i18n};
use crate::pages::complaint::{complaint_line, org_today};
use crate::pages::customer_form::now_rfc3339;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::merge::TrackedRecord;
use huitou_shared::service::referral::{converted_on, spend};
use huitou_shared::service::suggestion::AREAS;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::{Value, json};

fn area_key(area: &str) -> Key {
    match area {
        "dishes" => Key::AreaDishes,
        "service" => Key::CategoryService,
        "environment" => Key::CategoryEnvironment,
        "price" => Key::CategoryPrice,
        _ => Key::CategoryOther,
    }
}

/// The record a form edits: its id (the route's `param`, else a new one), what this device holds
/// of it (nothing for a new one), and its customer (the record's, else the route's `id`).
pub fn editing(kind: &'static str, param: &'static str) -> (String, huitou_shared::Record, String) {
    let replica = use_replica();
    let params = use_params_map();
    let id = params
        .with_untracked(|p| p.get(param))
        .unwrap_or_else(huitou_shared::model::new_id);
    let held = replica
        .records
        .with_untracked(|r| r.get(kind, &id).map(|t| t.record.clone()))
        .unwrap_or_default();
    let customer = held
        .text("customer_id")
        .map(str::to_owned)
        .or_else(|| params.with_untracked(|p| p.get("id")))
        .unwrap_or_default();
    (id, held, customer)
}

/// Goes back to the customer's page.
fn back_to(customer: &str) -> String {
    format!("/customers/{customer}")
}

/// Log a suggestion (`/customers/:id/suggestion`) or change one (`/suggestions/:sid`): what,
/// the area, adopted or not, the reward given.
#[component]
pub fn SuggestionForm() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let navigate = use_navigate();
    let (suggestion_id, held, customer_id) = editing(Kind::SUGGESTION, "sid");
    let name = replica
        .records
        .with_untracked(|r| r.customer_name(&customer_id));
    let text = RwSignal::new(held.text("text").unwrap_or_default().to_owned());
    let area = RwSignal::new(held.text("area").unwrap_or("dishes").to_owned());
    let adopted = RwSignal::new(held.value("adopted").and_then(Value::as_bool) == Some(true));
    let reward = RwSignal::new(held.text("reward").unwrap_or_default().to_owned());
    let error = RwSignal::new(None::<Key>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let what = text.get_untracked().trim().to_owned();
        if what.is_empty() {
            error.set(Some(Key::SuggestionNeeded));
            return;
        }
        let mut wanted: Vec<(String, Value)> = vec![
            ("customer_id".into(), json!(customer_id)),
            ("text".into(), json!(what)),
            ("area".into(), json!(area.get_untracked())),
            ("adopted".into(), json!(adopted.get_untracked())),
        ];
        if held.value("at").is_none() {
            wanted.push(("at".into(), json!(now_rfc3339())));
        }
        if adopted.get_untracked() && held.value("adopted_at").is_none() {
            wanted.push(("adopted_at".into(), json!(now_rfc3339())));
        }
        let reward = reward.get_untracked().trim().to_owned();
        if !reward.is_empty() || held.value("reward").is_some() {
            wanted.push(("reward".into(), json!(reward)));
        }
        let fields: Vec<(String, Value)> = wanted
            .into_iter()
            .filter(|(field, value)| held.value(field) != Some(value))
            .collect();
        let (id, customer, navigate) =
            (suggestion_id.clone(), customer_id.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            if !fields.is_empty()
                && let Err(e) = replica.edit(Kind::SUGGESTION, &id, fields).await
            {
                replica.storage_error.set(Some(e.to_string()));
                return;
            }
            navigate(&back_to(&customer), Default::default());
        });
    };
    view! {
        <section class="page">
            <h1>{i18n.t(Key::Suggestion)} " · " {name}</h1>
            <form class="card form" on:submit=save novalidate>
                <label class="field">
                    <span>{i18n.t(Key::SuggestionText)}</span>
                    <textarea name="text" rows="3" prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                <fieldset class="field">
                    <legend>{i18n.t(Key::SuggestionArea)}</legend>
                    <div class="choices">
                        {AREAS.iter().map(|value| view! {
                            <label class="choice">
                                <input type="radio" name="area" value=*value prop:checked=move || area.get() == *value
                                    on:change=move |_| area.set((*value).to_owned())/>
                                <span>{i18n.t(area_key(value))}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <label class="choice">
                    <input type="checkbox" name="adopted" prop:checked=move || adopted.get()
                        on:change=move |ev| adopted.set(event_target_checked(&ev))/>
                    <span>{i18n.t(Key::Adopted)}</span>
                </label>
                <label class="field">
                    <span>{i18n.t(Key::Reward)}</span>
                    <input type="text" name="reward" placeholder=i18n.t(Key::RewardHint)
                        prop:value=move || reward.get() on:input=move |ev| reward.set(event_target_value(&ev))/>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <crate::components::form_actions::FormActions/>
            </form>
        </section>
    }
}

/// Writes the referral "`referrer` brought `referred`" (SYNC §1: `customer_id` is the referrer).
pub async fn record_referral(
    replica: crate::replica::Replica,
    referrer: &str,
    referred: &str,
) -> Result<(), String> {
    let fields = vec![
        ("customer_id".to_owned(), json!(referrer)),
        ("referred_customer_id".to_owned(), json!(referred)),
        ("at".to_owned(), json!(now_rfc3339())),
    ];
    replica
        .edit(Kind::REFERRAL, &huitou_shared::model::new_id(), fields)
        .await
        .map_err(|e| e.to_string())
}

/// Search the book for a customer (name, phone or pinyin initials): the matches as buttons
/// named "`action` 王小明".
#[component]
pub fn PickCustomer(
    /// The search box's label.
    label: Key,
    /// What tapping a match does, in words.
    action: Key,
    /// Left out of the matches (the customer being edited).
    #[prop(into)]
    except: String,
    on_pick: Callback<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        let typed = query.get();
        if typed.trim().is_empty() {
            return Vec::new();
        }
        crate::pages::customers::find_customers(
            &typed,
            &huitou_shared::customer::Filter::default(),
            8,
        )
    });
    view! {
        <label class="field search">
            <span>{i18n.t(label)}</span>
            <input type="search" name="pick_customer" placeholder=i18n.t(Key::SearchHint) autocomplete="off"
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
        </label>
        <div class="chips" role="group" aria-label=move || i18n.t(label)>
            {move || matches.get().into_iter().filter(|c| c.id != except).map(|c| {
                let name = c.record.text("name").unwrap_or_default().to_owned();
                let aria = format!("{} {name}", i18n.t(action));
                let picked = (c.id.clone(), name.clone());
                view! {
                    <button type="button" class="chip" aria-label=aria on:click=move |_| {
                        on_pick.run(picked.clone());
                        query.set(String::new());
                    }>{name}</button>
                }
            }).collect_view()}
        </div>
    }
}

/// "Brought a friend" (`/customers/:id/referral`): pick the friend from the book, or add them as
/// a new customer with this one as their referrer.
#[component]
pub fn BroughtFriend() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let navigate = use_navigate();
    let referrer = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let name = replica
        .records
        .with_untracked(|r| r.customer_name(&referrer));
    let on_pick = {
        let referrer = referrer.clone();
        Callback::new(move |(friend, _name): (String, String)| {
            let (referrer, navigate) = (referrer.clone(), navigate.clone());
            leptos::task::spawn_local(async move {
                match record_referral(replica, &referrer, &friend).await {
                    Ok(()) => navigate(&back_to(&referrer), Default::default()),
                    Err(e) => replica.storage_error.set(Some(e)),
                }
            });
        })
    };
    view! {
        <section class="page">
            <h1>{i18n.t(Key::BroughtAFriend)} " · " {name}</h1>
            <section class="card form">
                <PickCustomer label=Key::WhoCame action=Key::BroughtThisFriend except=referrer.clone() on_pick=on_pick/>
                <A href=format!("/customers/new?referrer={referrer}") attr:class="button button-primary">{i18n.t(Key::NewFriend)}</A>
            </section>
        </section>
    }
}

/// The kinds of a task planned by hand.
pub const HAND_KINDS: [(&str, Key); 3] = [
    ("call", Key::TaskCall),
    ("visit", Key::TaskVisit),
    ("message", Key::TaskMessage),
];

/// Plan a follow-up by hand (`/customers/:id/task`) or change one (`/tasks/:tid`): the day, the
/// time, call / visit / message, a note, and — for managers — who does it.
#[component]
pub fn TaskForm() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let navigate = use_navigate();
    let (task_id, held, customer_id) = editing(Kind::TASK, "tid");
    let name = replica
        .records
        .with_untracked(|r| r.customer_name(&customer_id));
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let due = RwSignal::new(
        held.text("due")
            .map(str::to_owned)
            .unwrap_or_else(|| tomorrow.to_string()),
    );
    let time = RwSignal::new(held.text("time").unwrap_or_default().to_owned());
    let kind = RwSignal::new(held.text("kind").unwrap_or("call").to_owned());
    let by_hand = held.value("kind").is_none()
        || HAND_KINDS
            .iter()
            .any(|(k, _)| Some(*k) == held.text("kind"));
    // A planned task's `reason` is the rule's English wording for logs and integrations, not a
    // note of the user's: the note starts with what a person wrote, if anything.
    let note = RwSignal::new(held.text("note").unwrap_or_default().to_owned());
    let me = replica.user_id();
    let owner = RwSignal::new(
        held.text("owner")
            .map(str::to_owned)
            .unwrap_or_else(|| me.clone()),
    );
    let people = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut all: Vec<(String, String)> = r
                .of_kind("user")
                .filter(|u| u.record.value("disabled") != Some(&Value::Bool(true)))
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
    let error = RwSignal::new(None::<Key>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(day) = chrono::NaiveDate::parse_from_str(&due.get_untracked(), "%Y-%m-%d") else {
            error.set(Some(Key::DueNeeded));
            return;
        };
        let mut wanted: Vec<(String, Value)> = vec![
            ("customer_id".into(), json!(customer_id)),
            ("due".into(), json!(day.to_string())),
            ("owner".into(), json!(owner.get_untracked())),
        ];
        if by_hand {
            wanted.push(("kind".into(), json!(kind.get_untracked())));
        }
        if held.value("status").is_none() {
            wanted.push(("status".into(), json!("open")));
        }
        let at = time.get_untracked();
        if chrono::NaiveTime::parse_from_str(&at, "%H:%M").is_ok() || held.value("time").is_some() {
            wanted.push(("time".into(), json!(at)));
        }
        let text = note.get_untracked().trim().to_owned();
        if !text.is_empty() || held.value("note").is_some() {
            wanted.push(("note".into(), json!(text)));
        }
        let fields: Vec<(String, Value)> = wanted
            .into_iter()
            .filter(|(field, value)| held.value(field) != Some(value))
            .collect();
        let (id, customer, navigate) = (task_id.clone(), customer_id.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            if !fields.is_empty()
                && let Err(e) = replica.edit(Kind::TASK, &id, fields).await
            {
                replica.storage_error.set(Some(e.to_string()));
                return;
            }
            navigate(&back_to(&customer), Default::default());
        });
    };
    let manager = replica.is_manager();
    view! {
        <section class="page">
            <h1>{i18n.t(Key::PlanTask)} " · " {name}</h1>
            <form class="card form" on:submit=save novalidate>
                {by_hand.then(|| view! {
                    <fieldset class="field">
                        <legend>{i18n.t(Key::TaskKindLabel)}</legend>
                        <div class="choices">
                            {HAND_KINDS.into_iter().map(|(value, key)| view! {
                                <label class="choice">
                                    <input type="radio" name="kind" value=value prop:checked=move || kind.get() == value
                                        on:change=move |_| kind.set(value.to_owned())/>
                                    <span>{i18n.t(key)}</span>
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                })}
                <div class="grid-2">
                    <crate::components::fields::DateField label=Key::DueDay name="due" value=due/>
                    <label class="field">
                        <span>{i18n.t(Key::AtTime)}</span>
                        <input type="time" name="time" prop:value=move || time.get() on:input=move |ev| time.set(event_target_value(&ev))
                        on:change=move |ev| time.set(event_target_value(&ev))/>
                    </label>
                </div>
                <label class="field">
                    <span>{i18n.t(Key::Note)}</span>
                    <textarea name="note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                {manager.then(|| view! {
                    <label class="field">
                        <span>{i18n.t(Key::AssignTo)}</span>
                        <select name="owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                            {move || people.get().into_iter().map(|(id, name)| {
                                let value = id.clone();
                                view! { <option value=value selected=move || owner.get() == id>{name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                })}
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <crate::components::form_actions::FormActions/>
            </form>
        </section>
    }
}

/// The customer page's tab of complaints, suggestions and referrals (PRODUCT §7).
#[component]
pub fn ServiceTab(customer_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let id = customer_id.clone();
    let complaints = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut list: Vec<TrackedRecord> = r
                .children_of(Kind::COMPLAINT, &id)
                .filter(|c| !c.record.is_deleted())
                .cloned()
                .collect();
            // Open ones first, then the latest.
            crate::sort::by(&mut list, |a, b| {
                let open = |c: &TrackedRecord| {
                    !huitou_shared::service::complaint::status(&c.record).unresolved()
                };
                (open(a), b.record.text("at")).cmp(&(open(b), a.record.text("at")))
            });
            list
        })
    });
    let id = customer_id.clone();
    let suggestions = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut list: Vec<TrackedRecord> = r
                .children_of(Kind::SUGGESTION, &id)
                .filter(|s| !s.record.is_deleted())
                .cloned()
                .collect();
            crate::sort::by(&mut list, |a, b| {
                b.record.text("at").cmp(&a.record.text("at"))
            });
            list
        })
    });
    // Whom they brought: (name, id, converted on, spend since).
    let id = customer_id.clone();
    let brought = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut list: Vec<(String, String, Option<chrono::NaiveDate>, f64)> = r
                .children_of(Kind::REFERRAL, &id)
                .filter(|referral| !referral.record.is_deleted())
                .filter_map(|referral| {
                    let friend = referral.record.text("referred_customer_id")?;
                    let visits: Vec<&huitou_shared::Record> = r
                        .children_of(Kind::VISIT, friend)
                        .map(|v| &v.record)
                        .collect();
                    Some((
                        r.customer_name(friend),
                        friend.to_owned(),
                        converted_on(&visits),
                        spend(&visits),
                    ))
                })
                .collect();
            crate::sort::by(&mut list, |a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
            list
        })
    });
    let id = customer_id.clone();
    let brought_by = Memo::new(move |_| {
        replica.records.with(|r| {
            r.referrals_of_referred(&id)
                .filter(|referral| !referral.record.is_deleted())
                .filter_map(|referral| {
                    let referrer = referral.record.text("customer_id")?;
                    Some((r.customer_name(referrer), referrer.to_owned()))
                })
                .collect::<Vec<_>>()
        })
    });
    let today = move || org_today(org.with(|o| o.settings.utc_offset_minutes));
    let total = move || brought.with(|b| b.iter().map(|(_, _, _, spent)| spent).sum::<f64>());
    let cid = customer_id.clone();
    view! {
        <section class="card" aria-label=i18n.t(Key::Complaints)>
            <h2>{i18n.t(Key::Complaints)}</h2>
            <Show when=move || !complaints.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoComplaints)}</p> }>
                <ul class="list" aria-label=i18n.t(Key::Complaints)>
                    {move || complaints.get().into_iter().map(|c| complaint_line(&c.id, &c.record, i18n, today())).collect_view()}
                </ul>
            </Show>
            <A href=format!("/customers/{cid}/complaint") attr:class="button">{i18n.t(Key::NewComplaint)}</A>
        </section>
        <section class="card" aria-label=i18n.t(Key::Suggestions)>
            <h2>{i18n.t(Key::Suggestions)}</h2>
            <ul class="list" aria-label=i18n.t(Key::Suggestions)>
                {move || suggestions.get().into_iter().map(|s| {
                    let adopted = s.record.value("adopted").and_then(Value::as_bool) == Some(true);
                    let reward = s.record.text("reward").unwrap_or_default().to_owned();
                    view! {
                        <li><A href=format!("/suggestions/{}", s.id) attr:class="list-item">
                            <span class="list-title">{s.record.text("text").unwrap_or_default().to_owned()}</span>
                            <span class="list-sub">
                                {adopted.then(|| view! { <span class="tag">{i18n.t(Key::Adopted)}</span> " " })}
                                {reward}
                            </span>
                        </A></li>
                    }
                }).collect_view()}
            </ul>
            <A href=format!("/customers/{cid}/suggestion") attr:class="button">{i18n.t(Key::LogSuggestion)}</A>
        </section>
        <section class="card" aria-label=i18n.t(Key::Referrals)>
            <h2>{i18n.t(Key::Referrals)}</h2>
            {move || brought_by.get().into_iter().map(|(name, id)| view! {
                <p class="muted">{i18n.t(Key::BroughtBy)} " " <A href=format!("/customers/{id}")>{name.clone()}</A></p>
            }).collect_view()}
            <Show when=move || !brought.with(Vec::is_empty)>
                <p class="list-sub">{i18n.t(Key::SpendThatFollowed)} " " {move || money(total(), i18n.locale.get())}</p>
            </Show>
            <ul class="list" aria-label=i18n.t(Key::Brought)>
                {move || brought.get().into_iter().map(|(name, id, converted, spent)| view! {
                    <li><A href=format!("/customers/{id}") attr:class="list-item">
                        <span class="list-title">{name}</span>
                        <span class="list-sub">{move || converted_text(converted, spent, i18n)}</span>
                    </A></li>
                }).collect_view()}
            </ul>
            <A href=format!("/customers/{cid}/referral") attr:class="button">{i18n.t(Key::BroughtAFriend)}</A>
        </section>
    }
}

fn converted_text(converted: Option<chrono::NaiveDate>, spent: f64, i18n: I18n) -> String {
    match converted {
        Some(on) => format!(
            "{} {} · {}",
            i18n.t(Key::FirstCame),
            crate::i18n::day(on, i18n.locale.get()),
            money(spent, i18n.locale.get())
        ),
        None => i18n.t(Key::NotYetCame).to_owned(),
    }
}
