//! The Visits tab: the customer's visits, newest first.

use super::text::*;
use crate::i18n::{Key, date_time, money, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub(super) fn VisitList(visits: Memo<Vec<TrackedRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    view! {
        <Show when=move || !visits.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoVisits)}</p> }>
            <ul class="list" aria-label=i18n.t(Key::Visits)>
                <For each=move || visits.get() key=|v| (v.id.clone(), v.record.last_hlc().map(str::to_owned)) let:visit>
                    <li class="list-item visit">
                        <span class="list-title">{
                            let amount = visit.record.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                            move || money(amount, i18n.locale.get())
                        }</span>
                        <span class="list-sub">{
                            let at = visit.record.text("at").unwrap_or_default().to_owned();
                            move || date_time(&at, i18n.locale.get())
                        }</span>
                        <span class="list-sub">{
                            let size = visit.record.value("party_size").and_then(Value::as_u64);
                            move || size.map(|n| format!("{n} {}", i18n.t(Key::People))).unwrap_or_default()
                        }</span>
                        <span class="list-sub">{visit.record.value("items").map(|v| show_value("items", v, i18n)).unwrap_or_default()}</span>
                        <span class="list-sub">{visit.record.text("note").unwrap_or_default().to_owned()}</span>
                        <span class="list-sub">{
                            // Companions are customer ids where known (who brings whom), names otherwise.
                            let names: Vec<String> = visit.record.value("companions").and_then(Value::as_array).into_iter().flatten()
                                .filter_map(Value::as_str)
                                .map(|c| replica.records.with_untracked(|r| r.get(Kind::CUSTOMER, c).and_then(|c| c.record.text("name")).map(str::to_owned)).unwrap_or_else(|| c.to_owned()))
                                .collect();
                            (!names.is_empty()).then(|| format!("{}: {}", i18n.t(Key::Companions), names.join("、")))
                        }</span>
                        <button type="button" class="button" aria-label=move || format!("{} {}", i18n.t(Key::Delete), visit.record.text("at").unwrap_or_default())
                            on:click={
                                let id = visit.id.clone();
                                move |_| {
                                    let id = id.clone();
                                    leptos::task::spawn_local(async move {
                                        if let Err(e) = replica.edit(Kind::VISIT, &id, vec![("deleted".into(), Value::Bool(true))]).await {
                                            replica.storage_error.set(Some(e.to_string()));
                                        }
                                    });
                                }
                            }>{i18n.t(Key::Delete)}</button>
                    </li>
                </For>
            </ul>
        </Show>
    }
}
