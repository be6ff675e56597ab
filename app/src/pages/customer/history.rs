//! The History tab: every value each field had, who wrote it and when, and restoring one.

use super::text::*;
use crate::i18n::{Key, Locale, date_time, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::merge::{FieldState, TrackedRecord};
use leptos::prelude::*;

/// Every field's current value and the values it replaced or beat, with who, when and which device;
/// any earlier value comes back with one tap.
#[component]
pub(super) fn FieldHistory(customer: TrackedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let id = customer.id.clone();
    let locale: Locale = i18n.locale.get_untracked();
    let mut fields: Vec<(String, FieldState)> = customer
        .record
        .fields
        .iter()
        .filter(|(f, _)| !matches!(f.as_str(), "owner" | "created_at"))
        .map(|(f, s)| (f.clone(), s.clone()))
        .collect();
    crate::sort::by(&mut fields, |a, b| b.1.hlc.cmp(&a.1.hlc));
    let old = customer.overwritten.clone();
    view! {
        <section class="card">
            <h2>{i18n.t(Key::FieldHistory)}</h2>
            <ul class="list history">
                {fields.into_iter().map(|(field, state)| {
                    let (at, device) = written(&state);
                    let earlier: Vec<FieldState> = old.iter().filter(|o| o.field == field).map(|o| o.state.clone()).rev().collect();
                    let label = field_label(&field, i18n);
                    view! {
                        <li class="list-item history-field">
                            <span class="list-title">{label.clone()} ": " {show_value(&field, &state.value, i18n)}</span>
                            <span class="list-sub">{i18n.t(Key::CurrentValue)} " · " {author_text(&state.author, i18n)} " · " {date_time(&at, locale)} " · " {i18n.t(Key::FromDevice)} " " {device}</span>
                            {earlier.into_iter().map(|state| {
                                let (at, device) = written(&state);
                                let shown = show_value(&field, &state.value, i18n);
                                let (id, field, value, label) = (id.clone(), field.clone(), state.value.clone(), label.clone());
                                let restore = move |_| {
                                    let (id, field, value) = (id.clone(), field.clone(), value.clone());
                                    leptos::task::spawn_local(async move {
                                        if let Err(e) = replica.edit(Kind::CUSTOMER, &id, vec![(field, value)]).await {
                                            replica.storage_error.set(Some(e.to_string()));
                                        }
                                    });
                                };
                                view! {
                                    <div class="overwritten">
                                        <span>{i18n.t(Key::Overwritten)} ": " {shown.clone()}</span>
                                        <span class="list-sub">{author_text(&state.author, i18n)} " · " {date_time(&at, locale)} " · " {i18n.t(Key::FromDevice)} " " {device}</span>
                                        <button type="button" class="button" on:click=restore
                                            aria-label=format!("{} {}: {}", i18n.t(Key::Restore), label, shown)>
                                            {i18n.t(Key::Restore)}
                                        </button>
                                    </div>
                                }
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
