//! The trash: deleted customers and visits, each restorable with one tap. Nothing is erased here.

use crate::i18n::{Key, date_time, money, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;

#[component]
pub fn Trash() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let deleted = move |kind: &'static str| {
        replica.records.with(|r| {
            let mut list: Vec<TrackedRecord> = r
                .of_kind(kind)
                .filter(|c| {
                    c.record.is_deleted() && !huitou_shared::customer::erasure::is_erased(&c.record)
                })
                .cloned()
                .collect();
            crate::sort::by(&mut list, |a, b| {
                b.record.last_hlc().cmp(&a.record.last_hlc())
            });
            list
        })
    };
    let restore = move |kind: &'static str, id: String| {
        leptos::task::spawn_local(async move {
            if let Err(e) = replica
                .edit(kind, &id, vec![("deleted".into(), Value::Bool(false))])
                .await
            {
                replica.storage_error.set(Some(e.to_string()));
            }
        });
    };
    let customer_name = move |id: &str| replica.records.with(|r| r.customer_name(id));
    view! {
        <section class="page">
            <h1>{i18n.t(Key::Trash)}</h1>
            <Show when=move || !deleted(Kind::CUSTOMER).is_empty() || !deleted(Kind::VISIT).is_empty()
                fallback=move || view! { <p class="empty">{i18n.t(Key::TrashEmpty)}</p> }>
                <ul class="list" aria-label=i18n.t(Key::Trash)>
                    {move || deleted(Kind::CUSTOMER).into_iter().map(|c| {
                        let name = c.record.text("name").unwrap_or_default().to_owned();
                        let id = c.id.clone();
                        let label = format!("{} {name}", i18n.t(Key::Restore));
                        view! {
                            <li class="list-item">
                                <A href=format!("/customers/{}", c.id) attr:class="list-title">{name}</A>
                                <span class="list-sub">{i18n.t(Key::Customers)}</span>
                                <button type="button" class="button" aria-label=label
                                    on:click=move |_| restore(Kind::CUSTOMER, id.clone())>{i18n.t(Key::Restore)}</button>
                            </li>
                        }
                    }).collect_view()}
                    {move || deleted(Kind::VISIT).into_iter().map(|v| {
                        let owner = customer_name(v.record.text("customer_id").unwrap_or(""));
                        let amount = v.record.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                        let at = v.record.text("at").unwrap_or_default().to_owned();
                        let label = format!("{} {owner} {}", i18n.t(Key::Restore), money(amount, i18n.locale.get()));
                        let id = v.id.clone();
                        view! {
                            <li class="list-item">
                                <span class="list-title">{owner} " · " {money(amount, i18n.locale.get())}</span>
                                <span class="list-sub">{i18n.t(Key::Visits)} " · " {date_time(&at, i18n.locale.get())}</span>
                                <button type="button" class="button" aria-label=label
                                    on:click=move |_| restore(Kind::VISIT, id.clone())>{i18n.t(Key::Restore)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}
