//! Customers: find anyone fast — name, phone (any part), company, tag or pinyin initials (`wxm`
//! finds 王小明) — most recent first, filtered by tag, lifecycle stage, tier or dormancy (and
//! owner, for managers). A manager moves every customer a filter selects to another
//! salesperson in one step (PRODUCT §10).

use crate::i18n::{Key, tier_key, use_i18n};
use crate::org::use_org;
use crate::profile_fields::STAGES;
use crate::replica::{Replica, use_replica};
use chrono::Local;
use huitou_shared::Kind;
use huitou_shared::customer::Filter;
use huitou_shared::merge::TrackedRecord;
use huitou_shared::retention::Tier;
use huitou_shared::retention::escalation::EscalationRules;
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

/// The ids of every customer matching `query` and `filter` whose derived tier is `tier` (when
/// given), who is dormant (when `dormant_only`) and high-risk under `risky` (when given), most
/// recent first, at most `limit`.
fn matching_ids(
    replica: Replica,
    query: &str,
    filter: &Filter,
    tier: Option<Tier>,
    dormant_only: bool,
    risky: Option<EscalationRules>,
    limit: usize,
) -> Vec<String> {
    if tier.is_none() && !dormant_only && risky.is_none() {
        return replica.search(query, filter, limit);
    }
    let ids = replica.search(query, filter, usize::MAX);
    let today = Local::now().date_naive();
    replica.records.with(|records| {
        replica.derived.with_value(|derived| {
            ids.into_iter()
                .filter(|id| {
                    derived.facts(id).is_some_and(|facts| {
                        tier.is_none_or(|t| facts.tier == t) && (!dormant_only || facts.dormant)
                    }) && risky.is_none_or(|rules| {
                        crate::derived::escalation_of(records, id, false, today, &rules)
                            .high_risk(&rules)
                    })
                })
                .take(limit)
                .collect()
        })
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
    let tier = RwSignal::new(None::<Tier>);
    let dormant = RwSignal::new(false);
    let risky_only = RwSignal::new(false);
    let manager = replica.is_manager();
    let org = use_org();
    // Tiers and dormancy per customer, brought up to date only while a filter needs them
    // (redone per changed customer, as on Today).
    let derived = replica.derived_memo(org, Local::now().date_naive(), move || {
        tier.get().is_some() || dormant.get() || risky_only.get()
    });
    let risky = move || {
        risky_only
            .get()
            .then(|| org.with_untracked(|o| o.settings.escalation))
    };
    // The organisation's users (synced `user` records), for the owner filter.
    let users = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut users: Vec<(String, String)> = r
                .of_kind("user")
                .map(|u| (u.id.clone(), r.person(&u.id, i18n.t(Key::Left))))
                .collect();
            crate::sort::by(&mut users, |a, b| a.1.cmp(&b.1));
            // Customers waiting in the shared pool (a manager sees them all).
            if r.of_kind(Kind::CUSTOMER)
                .any(|c| c.record.text("owner") == Some(huitou_shared::customer::pool::POOL))
            {
                users.push((
                    huitou_shared::customer::pool::POOL.to_owned(),
                    i18n.t(Key::SharedPool).to_owned(),
                ));
            }
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
    let filter = move || Filter {
        tag: Some(tag.get()).filter(|t| !t.is_empty()),
        stage: Some(stage.get()).filter(|s| !s.is_empty()),
        owner: Some(owner.get()).filter(|o| !o.is_empty()),
        ..Filter::default()
    };
    let filtered = move || {
        !(query.with(String::is_empty)
            && tag.with(String::is_empty)
            && stage.with(String::is_empty)
            && owner.with(String::is_empty)
            && tier.get().is_none()
            && !dormant.get()
            && !risky_only.get())
    };
    let matches = Memo::new(move |_| {
        derived.get();
        let ids = matching_ids(
            replica,
            &query.get(),
            &filter(),
            tier.get(),
            dormant.get(),
            risky(),
            SHOWN,
        );
        replica.records.with(|records| {
            ids.iter()
                .filter_map(|id| records.get(Kind::CUSTOMER, id).cloned())
                .collect::<Vec<_>>()
        })
    });
    // Bulk move (managers): every customer the filter selects, not only the ones shown.
    let bulk_open = RwSignal::new(false);
    let everyone = Memo::new(move |_| {
        if !bulk_open.get() {
            return Vec::new();
        }
        derived.get();
        matching_ids(
            replica,
            &query.get(),
            &filter(),
            tier.get(),
            dormant.get(),
            risky(),
            usize::MAX,
        )
    });
    view! {
        <section class="page">
            <div class="toolbar">
                <label class="field search">
                    <span class="visually-hidden">{i18n.t(Key::Search)}</span>
                    <input type="search" name="search" placeholder=i18n.t(Key::SearchHint)
                        aria-label=i18n.t(Key::Search) autocomplete="off"
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                </label>
                <A href="/customers/new" attr:class="button button-primary">{i18n.t(Key::NewCustomer)}</A>
            </div>
            <div class="filters">
                <label class="field field-inline">
                    <span>{i18n.t(Key::FilterTag)}</span>
                    <select name="filter_tag" on:change=move |ev| tag.set(event_target_value(&ev))>
                        <option value="">{i18n.t(Key::All)}</option>
                        {move || all_tags.get().into_iter().map(|t| view! {
                            <option value=t.clone() selected={let t = t.clone(); move || tag.get() == t}>{t.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field field-inline">
                    <span>{i18n.t(Key::FilterStage)}</span>
                    <select name="filter_stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">{i18n.t(Key::All)}</option>
                        {STAGES.iter().map(|(value, key)| view! {
                            <option value=*value selected=move || stage.get() == *value>{move || i18n.t(*key)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field field-inline">
                    <span>{i18n.t(Key::FilterTier)}</span>
                    <select name="filter_tier" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        tier.set(Tier::ALL.into_iter().find(|t| t.as_str() == value));
                    }>
                        <option value="">{i18n.t(Key::All)}</option>
                        {Tier::ALL.into_iter().map(|t| view! {
                            <option value=t.as_str() selected=move || tier.get() == Some(t)>{i18n.t(tier_key(t))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field field-inline field-check">
                    <input type="checkbox" name="filter_dormant" prop:checked=move || dormant.get()
                        on:change=move |ev| dormant.set(event_target_checked(&ev))/>
                    <span>{i18n.t(Key::FilterDormant)}</span>
                </label>
                <label class="field field-inline field-check">
                    <input type="checkbox" name="filter_high_risk" prop:checked=move || risky_only.get()
                        on:change=move |ev| risky_only.set(event_target_checked(&ev))/>
                    <span>{i18n.t(Key::FilterHighRisk)}</span>
                </label>
                {manager.then(|| view! {
                    <label class="field field-inline">
                        <span>{i18n.t(Key::FilterOwner)}</span>
                        <select name="filter_owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                            <option value="">{i18n.t(Key::All)}</option>
                            {move || users.get().into_iter().map(|(id, name)| view! {
                                <option value=id.clone() selected={let id = id.clone(); move || owner.get() == id}>{name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
            </div>
            {manager.then(|| crate::pages::manager_tools::bulk_move(bulk_open, everyone, Signal::derive(filtered)))}
            // Managers export every customer the filter selects, not only the hundred shown.
            {manager.then(|| crate::pages::manager_tools::list_export("customers", Key::Customers, move || {
                let ids = matching_ids(
                    replica,
                    &query.get_untracked(),
                    &filter(),
                    tier.get_untracked(),
                    dormant.get_untracked(),
                    risky(),
                    usize::MAX,
                );
                crate::pages::manager_tools::customer_table(replica, &ids)
            }))}
            <Show when=move || !matches.with(Vec::is_empty) fallback=move || view! {
                <p class="empty">{move || if filtered() { i18n.t(Key::NoMatches) } else { i18n.t(Key::NoCustomers) }}</p>
            }>
                <ul class="list" aria-label=i18n.t(Key::Customers)>
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
