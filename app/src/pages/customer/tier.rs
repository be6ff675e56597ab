//! The customer's Tier tab and Tasks tab: why they are in their tier under the organisation's
//! active rules, how their tier changed over the past year (with the reason each time), a
//! manager's override with a reason (PRODUCT §5), and their tasks (PRODUCT §6).

use crate::i18n::{Key, use_i18n};
use crate::i18n::{rule_set_name, tier_key, tier_reason};
use crate::org::{self, use_org};
use crate::pages::today::task_label;
use crate::replica::use_replica;
use chrono::{Days, Local};
use huitou_shared::Kind;
use huitou_shared::retention::tier_history;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn TierTab(customer_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let today = Local::now().date_naive();
    let is_manager = replica.is_manager();

    let id = customer_id.clone();
    let view_state = Memo::new(move |_| {
        replica.records.with(|records| {
            org.with(|org| {
                let customer = records.get(Kind::CUSTOMER, &id)?;
                let history = org::history(records, &id);
                let current = huitou_shared::retention::tier(
                    &customer.record,
                    &history.as_of(today),
                    today,
                    &org.rules,
                );
                let start = today.checked_sub_days(Days::new(365)).unwrap_or(today);
                let mut changes =
                    tier_history(&customer.record, &history, start, today, 7, &org.rules);
                changes.reverse();
                let overridden = customer
                    .record
                    .value("tier_override")
                    .is_some_and(|v| !v.is_null());
                Some((current, changes, overridden, org.rules.name.clone()))
            })
        })
    });

    let save = {
        let id = customer_id.clone();
        move |value: Value| {
            replica.spawn_edit(
                Kind::CUSTOMER,
                id.clone(),
                vec![("tier_override".to_owned(), value)],
            );
        }
    };
    view! {
        {move || view_state.get().map(|(current, changes, overridden, rules_name)| view! {
            <section class="card" aria-label=i18n.t(Key::Tier)>
                <h2>{i18n.t(Key::Tier)} " · " {move || i18n.t(tier_key(current.tier))}</h2>
                <p class="tier-reason">{move || tier_reason(&current.reason, i18n)}</p>
                <p class="muted">{i18n.t(Key::ActiveRuleSet)} " " {move || rule_set_name(&rules_name, i18n)}</p>
                {overridden.then(|| {
                    let save = save.clone();
                    view! {
                        <p class="banner">{i18n.t(Key::TierOverridden)}
                            " " <button type="button" class="button" on:click=move |_| save(Value::Null)>{i18n.t(Key::ClearOverride)}</button>
                        </p>
                    }
                })}
            </section>
            <section class="card">
                <h2>{i18n.t(Key::TierHistory)}</h2>
                <ol class="list" aria-label=i18n.t(Key::TierHistory)>
                    {changes.into_iter().map(|change| view! {
                        <li class="list-item">
                            <span class="list-title">{change.from.to_string()} " · " {move || i18n.t(tier_key(change.tier))}</span>
                            <span class="list-sub">{move || tier_reason(&change.reason, i18n)}</span>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        {is_manager.then(|| crate::pages::manager_tools::override_tier(customer_id.clone()))}
    }
}

/// A manager's override of the tier, with a reason (in the manager bundle).
#[cfg(feature = "manager")]
#[component]
pub fn OverrideTier(customer_id: String) -> impl IntoView {
    use huitou_shared::retention::Tier;
    use serde_json::json;
    let i18n = use_i18n();
    let replica = use_replica();
    let chosen = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let save = {
        let id = customer_id.clone();
        move |value: Value| {
            replica.spawn_edit(
                Kind::CUSTOMER,
                id.clone(),
                vec![("tier_override".to_owned(), value)],
            );
        }
    };
    let save_override = {
        let save = save.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let tier = chosen.get_untracked();
            if tier.is_empty() {
                return;
            }
            save(json!({"tier": tier, "reason": reason.get_untracked().trim()}));
            reason.set(String::new());
        }
    };

    view! {

    <form class="card form" on:submit=save_override>
        <h2>{i18n.t(Key::OverrideTier)}</h2>
        <label class="field">
            <span>{i18n.t(Key::Tier)}</span>
            <select name="tier_override" on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="" selected=true>{i18n.t(Key::ChooseTier)}</option>
                {Tier::ALL.into_iter().map(|tier| view! {
                    <option value=tier.as_str()>{i18n.t(tier_key(tier))}</option>
                }).collect_view()}
            </select>
        </label>
        <label class="field">
            <span>{i18n.t(Key::OverrideReason)}</span>
            <input type="text" name="override_reason" required=true
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
        </label>
        <button type="submit" class="button button-primary">{i18n.t(Key::SaveOverride)}</button>
    </form>
    }
}

#[component]
pub fn TasksTab(customer_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let id = customer_id.clone();
    let tasks = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut list: Vec<(bool, String, String, String, String, String)> = r
                .children_of(Kind::TASK, &id)
                .filter(|t| !t.record.is_deleted())
                .map(|t| {
                    let status = t.record.text("status").unwrap_or("open").to_owned();
                    (
                        status != "open",
                        t.record.text("due").unwrap_or_default().to_owned(),
                        t.record.text("kind").unwrap_or_default().to_owned(),
                        status,
                        t.id.clone(),
                        r.person(t.record.text("owner").unwrap_or_default(), ""),
                    )
                })
                .collect();
            crate::sort::all(&mut list);
            list
        })
    });
    view! {
        <section class="card">
            <Show when=move || !tasks.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoTasks)}</p> }>
                <ul class="list" aria-label=i18n.t(Key::Tasks)>
                    {move || tasks.get().into_iter().map(|(closed, due, kind, status, id, owner)| {
                        let status_key = match status.as_str() {
                            "done" => Key::TaskDone,
                            "skipped" => Key::TaskSkipped,
                            _ => Key::TaskOpen,
                        };
                        view! {
                            <li><leptos_router::components::A href=format!("/tasks/{id}") attr:class="list-item">
                                <span class="list-title" class:muted=closed>{move || task_label(&kind, i18n)}</span>
                                <span class="list-sub">{due.clone()} " · " {i18n.t(status_key)} " · " {owner.clone()}</span>
                            </leptos_router::components::A></li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <leptos_router::components::A href=format!("/customers/{customer_id}/task") attr:class="button">{i18n.t(Key::AddTask)}</leptos_router::components::A>
        </section>
    }
}
