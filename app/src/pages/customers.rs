//! Customers: search by name, phone or tag; most recent first; one tap to a profile or a new customer.

use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CustomerList() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let query = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        let query = query.get().trim().to_lowercase();
        replica
            .customers()
            .into_iter()
            .filter(|c| {
                query.is_empty()
                    || c.record
                        .text("name")
                        .is_some_and(|n| n.to_lowercase().contains(&query))
                    || c.record.text("phone").is_some_and(|p| p.contains(&query))
                    || c.record
                        .members("tag")
                        .iter()
                        .any(|t| t.to_lowercase().contains(&query))
            })
            .take(200)
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page">
            <div class="toolbar">
                <label class="field search">
                    <span class="visually-hidden">{move || i18n.t(Key::Search)}</span>
                    <input type="search" name="search" placeholder=move || i18n.t(Key::SearchHint)
                        aria-label=move || i18n.t(Key::Search)
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                </label>
                <A href="/customers/new" attr:class="button button-primary">{move || i18n.t(Key::NewCustomer)}</A>
            </div>
            <Show when=move || !matches.with(Vec::is_empty) fallback=move || view! {
                <p class="empty">{move || if query.with(String::is_empty) { i18n.t(Key::NoCustomers) } else { i18n.t(Key::NoMatches) }}</p>
            }>
                <ul class="list" aria-label=move || i18n.t(Key::Customers)>
                    <For each=move || matches.get() key=|c| (c.id.clone(), c.record.last_hlc().map(str::to_owned)) let:customer>
                        <li>
                            <A href=format!("/customers/{}", customer.id) attr:class="list-item">
                                <span class="list-title">{customer.record.text("name").unwrap_or_default().to_owned()}</span>
                                <span class="list-sub">{customer.record.text("phone").unwrap_or_default().to_owned()}</span>
                                <span class="tags">
                                    {customer.record.members("tag").into_iter().map(|t| view! { <span class="tag">{t.to_owned()}</span> }).collect_view()}
                                </span>
                            </A>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}
