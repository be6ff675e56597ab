//! Playbooks (PRODUCT §6), for managers: what to do for each tier. Each action can be switched
//! on or off with the manager's own note, and holiday actions say how many days before the
//! holiday they are due. Saved as the tier's `playbook` record (one per tier, same id on every
//! device); the planner turns holiday steps into dated tasks for each customer's owner.

use crate::i18n::{Key, use_i18n};
use crate::i18n::{action_key, tier_key};
use crate::org::use_org;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::retention::Tier;
use huitou_shared::retention::playbooks::{Action, Playbook, Step, Trigger};
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn Playbooks() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::Playbooks)}</h1>
            <p class="muted">{move || i18n.t(Key::PlaybooksHelp)}</p>
            {Playbook::TIERS.into_iter().map(|tier| view! { <TierPlaybook tier=tier/> }).collect_view()}
        </section>
    }
}

/// A change to one action's step (`None`: the action is off).
type StepEdit = Box<dyn FnOnce(&mut Option<Step>)>;

#[component]
fn TierPlaybook(tier: Tier) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let is_manager = replica.is_manager();
    let draft = RwSignal::new(org.with_untracked(|o| o.playbook(tier)));
    // Another manager's edit arriving by sync replaces the form until this one is touched.
    let touched = RwSignal::new(false);
    Effect::new(move |_| {
        let current = org.with(|o| o.playbook(tier));
        if !touched.get_untracked() {
            draft.set(current);
        }
    });
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let playbook = draft.get_untracked();
        leptos::task::spawn_local(async move {
            let fields: Vec<(String, Value)> = playbook
                .fields()
                .into_iter()
                .map(|(f, v)| (f.to_owned(), v))
                .collect();
            match replica
                .edit(Kind::PLAYBOOK, &Playbook::record_id(tier), fields)
                .await
            {
                Ok(()) => {
                    touched.set(false);
                    saved.set(true);
                }
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };
    let step_of =
        move |action: Action| draft.with(|p| p.steps.iter().find(|s| s.action == action).cloned());
    let edit = move |action: Action, change: StepEdit| {
        touched.set(true);
        saved.set(false);
        draft.update(|p| {
            let position = p.steps.iter().position(|s| s.action == action);
            let mut step = position.map(|i| p.steps[i].clone());
            change(&mut step);
            match (position, step) {
                (Some(i), Some(step)) => p.steps[i] = step,
                (Some(i), None) => {
                    p.steps.remove(i);
                }
                (None, Some(step)) => p.steps.push(step),
                (None, None) => {}
            }
        });
    };
    view! {
        <form class="card form playbook" on:submit=save aria-label=move || format!("{} {}", i18n.t(Key::Playbooks), i18n.t(tier_key(tier)))>
            <h2>{move || i18n.t(tier_key(tier))}</h2>
            <fieldset disabled=!is_manager>
                {Action::ALL.into_iter().map(|action| {
                    let name = move || format!("{} · {}", i18n.t(tier_key(tier)), i18n.t(action_key(action)));
                    let holiday = action.trigger() == Trigger::Holiday;
                    view! {
                        <div class="playbook-step">
                            <label class="field field-check">
                                <input type="checkbox" name=format!("{}_{}", tier.as_str(), action.as_str())
                                    aria-label=name
                                    prop:checked=move || step_of(action).is_some()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        edit(action, Box::new(move |step| {
                                            *step = on.then(|| step.take().unwrap_or_else(|| Step { days_before: if holiday { 3 } else { 0 }, ..Step::new(action) }));
                                        }));
                                    }/>
                                <span>{move || i18n.t(action_key(action))}</span>
                            </label>
                            <Show when=move || step_of(action).is_some()>
                                {holiday.then(|| view! {
                                    <label class="field field-small">
                                        <span>{move || i18n.t(Key::DaysBeforeHoliday)}</span>
                                        <input type="number" min="0" max="60" inputmode="numeric"
                                            aria-label=move || format!("{} {}", name(), i18n.t(Key::DaysBeforeHoliday))
                                            prop:value=move || step_of(action).map(|s| s.days_before.to_string()).unwrap_or_default()
                                            on:change=move |ev| {
                                                let days = event_target_value(&ev).parse::<u32>().unwrap_or(0).min(60);
                                                edit(action, Box::new(move |step| if let Some(step) = step { step.days_before = days; }));
                                            }/>
                                    </label>
                                })}
                                <label class="field">
                                    <span>{move || i18n.t(Key::StepNote)}</span>
                                    <input type="text"
                                        aria-label=move || format!("{} {}", name(), i18n.t(Key::StepNote))
                                        prop:value=move || step_of(action).map(|s| s.note).unwrap_or_default()
                                        on:change=move |ev| {
                                            let note = event_target_value(&ev);
                                            edit(action, Box::new(move |step| if let Some(step) = step { step.note = note; }));
                                        }/>
                                </label>
                            </Show>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {is_manager.then(|| view! {
                <div class="actions">
                    <button type="submit" class="button button-primary" aria-label=move || format!("{} {}", i18n.t(Key::SavePlaybook), i18n.t(tier_key(tier)))>{move || i18n.t(Key::SavePlaybook)}</button>
                    <Show when=move || saved.get()><span class="muted" role="status">{move || i18n.t(Key::Saved)}</span></Show>
                </div>
            })}
        </form>
    }
}
