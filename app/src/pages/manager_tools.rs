//! The manager-only screens and panels (PRODUCT §10, §13): in the manager bundle only
//! ([`crate::bundle`]). The main bundle, which every salesperson's tablet loads, has in their
//! place nothing (panels) or a note (screens), so their code is not in its bytes.

use leptos::prelude::*;

#[cfg(feature = "manager")]
pub use crate::pages::answers::AnswerLibrary;
#[cfg(feature = "manager")]
pub use crate::pages::import::ImportCustomers;
#[cfg(feature = "manager")]
pub use crate::pages::insights::Insights;
#[cfg(feature = "manager")]
pub use crate::pages::org_days::OurDays;
#[cfg(feature = "manager")]
pub use crate::pages::org_settings::{CallSettings, PoolSettings, TemplateLibrary};
#[cfg(feature = "manager")]
pub use crate::pages::playbooks::Playbooks;
#[cfg(feature = "manager")]
pub use crate::pages::review::Review;
#[cfg(feature = "manager")]
pub use crate::pages::rules::TierRules;
#[cfg(feature = "manager")]
pub use crate::pages::team::Team;

/// Where a manager screen would be, in the main bundle: reached only when this server offers
/// no manager bundle (a manager is switched to it at sign-in).
#[cfg(not(feature = "manager"))]
#[component]
pub fn Team() -> impl IntoView {
    use crate::i18n::{Key, use_i18n};
    let i18n = use_i18n();
    view! { <section class="page"><p class="banner">{move || i18n.t(Key::ManagerToolsMissing)}</p></section> }
}

/// Where the review of refused changes would be, in the main bundle.
#[cfg(not(feature = "manager"))]
#[component]
pub fn Review() -> impl IntoView {
    view! { <Team/> }
}

/// The organisation's configuration screens (tier rules, playbooks, message templates,
/// standard answers, call windows, pool rules) are managers' to edit and live in the manager
/// bundle; in the main bundle each is the same note as [`Team`].
#[cfg(not(feature = "manager"))]
#[component]
pub fn TierRules() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn Playbooks() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn TemplateLibrary() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn AnswerLibrary() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn CallSettings() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn PoolSettings() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn OurDays() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn Insights() -> impl IntoView {
    view! { <Team/> }
}

#[cfg(not(feature = "manager"))]
#[component]
pub fn ImportCustomers() -> impl IntoView {
    view! { <Team/> }
}

/// "Move to another salesperson" on a customer's profile tab.
pub fn move_customer(customer_id: String, owner: Option<String>) -> AnyView {
    #[cfg(feature = "manager")]
    {
        use crate::pages::customer::reassign::MoveCustomer;
        view! { <MoveCustomer customer_id owner/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = (customer_id, owner);
        ().into_any()
    }
}

/// Today's "Needs attention" for managers: everyone's follow-ups late by the alert days.
pub fn needs_attention(today: chrono::NaiveDate) -> AnyView {
    #[cfg(feature = "manager")]
    {
        view! { <NeedsAttention today/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = today;
        ().into_any()
    }
}

#[cfg(feature = "manager")]
#[component]
fn NeedsAttention(today: chrono::NaiveDate) -> impl IntoView {
    use leptos_router::components::A;
    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let attention = Memo::new(move |_| {
        if !replica.is_manager() {
            return Vec::new();
        }
        let rules = org.with(|o| o.settings.escalation);
        replica
            .records
            .with(|r| crate::derived::needing_attention(r, today, &rules))
    });
    let high_risk_days = move || org.with(|o| o.settings.escalation.high_risk_days);
    view! {
            <Show when=move || !attention.with(Vec::is_empty)>
                <section class="card attention">
                    <h2>{move || i18n.t(Key::NeedsAttention)}</h2>
                    <p class="muted">{move || i18n.t(Key::NeedsAttentionHelp).replace("{n}", &org.with(|o| o.settings.escalation.alert_days).to_string())}</p>
                    <ul class="list" aria-label=move || i18n.t(Key::NeedsAttention)>
                        {move || attention.get().into_iter().take(50).map(|(days, name, id, owner)| {
                            let owner = owner.map(|o| replica.records.with(|r| r.person(&o, i18n.t(Key::Left)))).unwrap_or_default();
                            let risky = days >= high_risk_days();
                            view! {
                                <li><A href=format!("/customers/{id}") attr:class="list-item">
                                    <span class="list-title">{name} {risky.then(|| view! { " " <span class="badge badge-risk">{i18n.t(Key::HighRisk)}</span> })}</span>
                                    <span class="list-sub">{owner} " · " {i18n.t(Key::DaysLate).replace("{n}", &days.to_string())}</span>
                                </A></li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
    }
}

/// A manager's tier override on the customer's Tier tab.
pub fn override_tier(customer_id: String) -> AnyView {
    #[cfg(feature = "manager")]
    {
        use crate::pages::customer::OverrideTier;
        view! { <OverrideTier customer_id/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = customer_id;
        ().into_any()
    }
}

/// A manager's voucher issue and stored-value refund on the Membership tab.
pub fn loyalty_tools(customer_id: String, available: Signal<i64>) -> AnyView {
    #[cfg(feature = "manager")]
    {
        use crate::pages::customer::loyalty_tools::LoyaltyTools;
        view! { <LoyaltyTools customer_id available/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = (customer_id, available);
        ().into_any()
    }
}

/// "Merge into this one" for the customers that look like this one (managers merge).
pub fn merge_duplicates(customer: huitou_shared::merge::TrackedRecord) -> AnyView {
    #[cfg(feature = "manager")]
    {
        use crate::pages::customer::merge::MergeDuplicates;
        view! { <MergeDuplicates customer/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = customer;
        ().into_any()
    }
}

/// "Erase personal data" on a customer's profile tab.
pub fn erase_customer(customer_id: String, name: String) -> AnyView {
    #[cfg(feature = "manager")]
    {
        use crate::pages::customer::erase::EraseCustomer;
        view! { <EraseCustomer customer_id name/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = (customer_id, name);
        ().into_any()
    }
}

/// "Move these customers" on the customer list.
pub fn bulk_move(
    open: RwSignal<bool>,
    everyone: Memo<Vec<String>>,
    shown: Signal<bool>,
) -> AnyView {
    #[cfg(feature = "manager")]
    {
        view! { <BulkMove open everyone shown/> }.into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = (open, everyone, shown);
        ().into_any()
    }
}

#[cfg(feature = "manager")]
use crate::i18n::{Key, use_i18n};
#[cfg(feature = "manager")]
use crate::pages::customer::reassign::{move_customers, owners};
#[cfg(feature = "manager")]
use crate::replica::use_replica;

#[cfg(feature = "manager")]
/// "Move these customers": the customers the list's filter selects (all of them, not only
/// the first hundred shown) go to one salesperson, with their open tasks, as synced edits.
/// Offered once a search or filter narrows the list.
#[component]
pub fn BulkMove(
    open: RwSignal<bool>,
    everyone: Memo<Vec<String>>,
    shown: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let to = RwSignal::new(String::new());
    let moved = RwSignal::new(None::<usize>);
    let busy = RwSignal::new(false);
    let count = move || everyone.with(Vec::len);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let owner = to.get_untracked();
        let ids = everyone.get_untracked();
        if owner.is_empty() || ids.is_empty() || busy.get_untracked() || !replica.settled() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match move_customers(replica, &ids, &owner).await {
                Ok(n) => moved.set(Some(n)),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || shown.get() || open.get()>
            <section class="card bulk-move">
                <button type="button" class="button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| { moved.set(None); open.update(|o| *o = !*o) }>
                    {move || i18n.t(Key::MoveMatching)}
                </button>
                <Show when=move || open.get()>
                    <form class="form" on:submit=submit>
                        <p>{move || i18n.t(Key::MatchingCount).replace("{n}", &count().to_string())}</p>
                        <label class="field"><span>{move || i18n.t(Key::NewOwner)}</span>
                            <select name="bulk_owner" on:change=move |ev| to.set(event_target_value(&ev))>
                                <option value="" selected=move || to.with(String::is_empty)>{move || i18n.t(Key::ChooseOwner)}</option>
                                {move || owners(replica).into_iter().map(|(id, name)| {
                                    let selected = { let id = id.clone(); move || to.get() == id };
                                    view! { <option value=id selected=selected>{name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <p class="muted">{move || i18n.t(Key::MoveCustomerHelp)}</p>
                        <Show when=move || !replica.settled()>
                            <p class="muted" role="status">{move || i18n.t(Key::BookStillArriving)}</p>
                        </Show>
                        <button type="submit" class="button button-primary"
                            disabled=move || busy.get() || !replica.settled() || count() == 0 || to.with(String::is_empty)>
                            {move || i18n.t(Key::MoveCount).replace("{n}", &count().to_string())}
                        </button>
                    </form>
                </Show>
                {move || moved.get().map(|n| view! {
                    <p class="muted" role="status">{i18n.t(Key::MovedCount).replace("{n}", &n.to_string())}</p>
                })}
            </section>
        </Show>
    }
}

/// "CSV" and "Excel" for a list on screen (managers; issue 12): `table` — column titles and
/// rows — is made when a button is pressed. The main bundle has nothing here, and the closure,
/// never called there, costs it no code.
pub fn list_export(
    name: &'static str,
    what: crate::i18n::Key,
    table: impl Fn() -> crate::components::Table + Send + Sync + 'static,
) -> AnyView {
    #[cfg(feature = "manager")]
    {
        let i18n = use_i18n();
        view! { <crate::components::export::ExportButtons name what=i18n.t(what).to_owned() table/> }
            .into_any()
    }
    #[cfg(not(feature = "manager"))]
    {
        let _ = (name, what, table);
        ().into_any()
    }
}

/// In the main bundle, never called (see [`list_export`]).
#[cfg(not(feature = "manager"))]
pub fn customer_table(_: crate::replica::Replica, _: &[String]) -> crate::components::Table {
    Default::default()
}

/// The customers `ids` as a list exports them: name, phone, owner, tier, stage, visits, total
/// spend, last visit, tags.
#[cfg(feature = "manager")]
pub fn customer_table(
    replica: crate::replica::Replica,
    ids: &[String],
) -> crate::components::Table {
    use crate::i18n::tier_key;
    use huitou_shared::Kind;
    use serde_json::{Value, json};
    let i18n = use_i18n();
    let columns = [
        Key::Name,
        Key::Phone,
        Key::Owner,
        Key::Tier,
        Key::Stage,
        Key::Visits,
        Key::TotalSpend,
        Key::LastVisit,
        Key::Tags,
    ]
    .iter()
    .map(|k| i18n.t(*k).to_owned())
    .collect();
    let rows = replica.records.with_untracked(|r| {
        ids.iter()
            .filter_map(|id| {
                let customer = &r.get(Kind::CUSTOMER, id)?.record;
                // The same totals the customer page shows (`shared::visits`).
                let totals = huitou_shared::visits::totals(
                    r.children_of(Kind::VISIT, id).map(|v| &v.record),
                );
                let last = totals
                    .last_visit
                    .as_deref()
                    .and_then(huitou_shared::retention::parse_day);
                let tier = replica
                    .derived
                    .with_value(|d| d.facts(id).map(|f| f.tier))
                    .map_or(Value::Null, |t| json!(i18n.t(tier_key(t))));
                let tags = customer.members("tag");
                Some(vec![
                    json!(customer.text("name").unwrap_or_default()),
                    json!(customer.text("phone").unwrap_or_default()),
                    json!(
                        customer
                            .text("owner")
                            .map(|o| r.person(o, i18n.t(Key::Left)))
                            .unwrap_or_default()
                    ),
                    tier,
                    customer
                        .text("stage")
                        .and_then(|stage| {
                            crate::profile_fields::STAGES
                                .iter()
                                .find(|(value, _)| *value == stage)
                        })
                        .map_or(Value::Null, |(_, key)| json!(i18n.t(*key))),
                    json!(totals.visit_count),
                    json!(totals.total_spend),
                    last.map_or(Value::Null, |d| json!(d.to_string())),
                    json!(tags.join(", ")),
                ])
            })
            .collect()
    });
    (columns, rows)
}
