//! Customers: find anyone fast — name, phone (any part), company, tag or pinyin initials (`wxm`
//! finds 王小明) — most recent first, filtered by tag or lifecycle stage.

use crate::i18n::{Key, use_i18n};
use crate::profile_fields::STAGES;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::customer::Filter;
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeSet;

/// How many customers a list shows at once; search narrows it.
const SHOWN: usize = 100;

/// Customers matching `query` and `filter`, most recent first.
pub fn find_customers(query: &str, filter: &Filter, limit: usize) -> Vec<TrackedRecord> {
    let replica = use_replica();
    let ids = replica.search(query, filter, limit);
    replica.records.with(|records| {
        ids.iter()
            .filter_map(|id| records.get(Kind::CUSTOMER, id).cloned())
            .collect()
    })
}

#[component]
pub fn CustomerList() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let query = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let manager = replica.is_manager();
    // The organisation's users (synced `user` records), for the owner filter.
    let users = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut users: Vec<(String, String)> = r
                .of_kind("user")
                .map(|u| {
                    let name = match r.user_name(&u.id) {
                        Some((name, true)) => format!("{name} ({})", i18n.t(Key::Left)),
                        Some((name, false)) => name.to_owned(),
                        None => u.id.clone(),
                    };
                    (u.id.clone(), name)
                })
                .collect();
            users.sort_by(|a, b| a.1.cmp(&b.1));
            users
        })
    });
    let all_tags = Memo::new(move |_| {
        replica.records.with(|r| {
            r.of_kind(Kind::CUSTOMER)
                .flat_map(|c| {
                    c.record
                        .members("tag")
                        .into_iter()
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect::<BTreeSet<_>>()
        })
    });
    let matches = Memo::new(move |_| {
        let filter = Filter {
            tag: Some(tag.get()).filter(|t| !t.is_empty()),
            stage: Some(stage.get()).filter(|s| !s.is_empty()),
            owner: Some(owner.get()).filter(|o| !o.is_empty()),
            ..Filter::default()
        };
        find_customers(&query.get(), &filter, SHOWN)
    });
    view! {
        <section class="page">
            <div class="toolbar">
                <label class="field search">
                    <span class="visually-hidden">{move || i18n.t(Key::Search)}</span>
                    <input type="search" name="search" placeholder=move || i18n.t(Key::SearchHint)
                        aria-label=move || i18n.t(Key::Search) autocomplete="off"
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                </label>
                <A href="/customers/new" attr:class="button button-primary">{move || i18n.t(Key::NewCustomer)}</A>
            </div>
            <div class="filters">
                <label class="field field-inline">
                    <span>{move || i18n.t(Key::FilterTag)}</span>
                    <select name="filter_tag" on:change=move |ev| tag.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Key::All)}</option>
                        {move || all_tags.get().into_iter().map(|t| view! {
                            <option value=t.clone() selected={let t = t.clone(); move || tag.get() == t}>{t.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field field-inline">
                    <span>{move || i18n.t(Key::FilterStage)}</span>
                    <select name="filter_stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Key::All)}</option>
                        {STAGES.iter().map(|(value, key)| view! {
                            <option value=*value selected=move || stage.get() == *value>{move || i18n.t(*key)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {manager.then(|| view! {
                    <label class="field field-inline">
                        <span>{move || i18n.t(Key::FilterOwner)}</span>
                        <select name="filter_owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Key::All)}</option>
                            {move || users.get().into_iter().map(|(id, name)| view! {
                                <option value=id.clone() selected={let id = id.clone(); move || owner.get() == id}>{name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
            </div>
            <Show when=move || !matches.with(Vec::is_empty) fallback=move || view! {
                <p class="empty">{move || if query.with(String::is_empty) && tag.with(String::is_empty) && stage.with(String::is_empty) { i18n.t(Key::NoCustomers) } else { i18n.t(Key::NoMatches) }}</p>
            }>
                <ul class="list" aria-label=move || i18n.t(Key::Customers)>
                    <For each=move || matches.get() key=|c| (c.id.clone(), c.record.last_hlc().map(str::to_owned)) let:customer>
                        <li>
                            <A href=format!("/customers/{}", customer.id) attr:class="list-item">
                                <span class="list-title">{customer.record.text("name").unwrap_or_default().to_owned()}</span>
                                <span class="list-sub">{
                                    [customer.record.text("phone"), customer.record.text("company")]
                                        .into_iter().flatten().collect::<Vec<_>>().join(" · ")
                                }</span>
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
