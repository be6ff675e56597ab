//! Moving a customer to another salesperson (PRODUCT §10), for managers: the customer's
//! `owner` and its open tasks, as ordinary synced edits (`shared::customer::reassign`), so it
//! works offline and reaches the new owner's devices (and leaves the old owner's) on sync.

use crate::i18n::{Key, use_i18n};
use crate::replica::{Replica, use_replica};
use huitou_shared::Kind;
use huitou_shared::customer::reassign::{Customer, moves};
use leptos::prelude::*;

/// The organisation's people who can own customers (not disabled), by name: (id, name).
pub fn owners(replica: Replica) -> Vec<(String, String)> {
    replica.records.with(|r| {
        let mut people: Vec<(String, String)> = r
            .of_kind("user")
            .filter_map(|u| match r.user_name(&u.id) {
                Some((name, false)) => Some((u.id.clone(), name.to_owned())),
                _ => None,
            })
            .collect();
        crate::sort::by(&mut people, |a, b| a.1.cmp(&b.1));
        people
    })
}

/// Moves `customer_ids` to `new_owner` in one local transaction; how many customers moved.
pub async fn move_customers(
    replica: Replica,
    customer_ids: &[String],
    new_owner: &str,
) -> Result<usize, crate::storage::StorageError> {
    let edits = replica.records.with_untracked(|r| {
        let customers: Vec<Customer<'_>> = customer_ids
            .iter()
            .filter_map(|id| {
                let customer = r
                    .get(Kind::CUSTOMER, id)
                    .filter(|c| !huitou_shared::customer::erasure::is_erased(&c.record))?;
                Some(Customer {
                    id: &customer.id,
                    owner: customer.record.text("owner"),
                    tasks: r
                        .children_of(Kind::TASK, id)
                        .map(|t| (t.id.as_str(), &t.record))
                        .collect(),
                })
            })
            .collect();
        moves(&customers, new_owner)
    });
    let moved = edits.iter().filter(|e| e.kind == Kind::CUSTOMER).count();
    replica.edit_many(edits).await?;
    Ok(moved)
}

#[component]
pub fn MoveCustomer(customer_id: String, owner: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let chosen = RwSignal::new(owner.clone().unwrap_or_default());
    let id = StoredValue::new(customer_id);
    let current = StoredValue::new(owner);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = chosen.get_untracked();
        if to.is_empty() || current.get_value().as_deref() == Some(to.as_str()) {
            return;
        }
        leptos::task::spawn_local(async move {
            // The profile shows the new owner at once (it is drawn again after an edit).
            if let Err(e) = move_customers(replica, &[id.get_value()], &to).await {
                replica.storage_error.set(Some(e.to_string()));
            }
        });
    };
    view! {
        <section class="card">
            <h2>{move || i18n.t(Key::MoveCustomer)}</h2>
            <form class="form" on:submit=submit>
                <label class="field"><span>{move || i18n.t(Key::NewOwner)}</span>
                    <select name="new_owner" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {move || owners(replica).into_iter().map(|(id, name)| {
                            let selected = { let id = id.clone(); move || chosen.get() == id };
                            view! { <option value=id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <p class="muted">{move || i18n.t(Key::MoveCustomerHelp)}</p>
                <button type="submit" class="button">{move || i18n.t(Key::MoveCustomer)}</button>
            </form>
            <ReturnToPool customer_id=id.get_value() owner=current.get_value()/>
        </section>
    }
}

/// "Return to the shared pool" (PRODUCT §10): the manager's release by hand, as the same
/// synced edits the server's job writes (`customer::pool::release`), so it works offline.
#[component]
fn ReturnToPool(customer_id: String, owner: Option<String>) -> impl IntoView {
    use huitou_shared::customer::pool::{POOL, Reason, Released, release};
    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let id = StoredValue::new(customer_id);
    let done = RwSignal::new(owner.as_deref() == Some(POOL));
    let go = move |_| {
        let id = id.get_value();
        let me = replica.user_id();
        let today = chrono::Local::now().date_naive();
        let edits = replica.records.with_untracked(|r| {
            let customer = r.get(Kind::CUSTOMER, &id)?;
            let summary = org.with_untracked(|o| crate::org::summary(r, &id, today, o))?;
            Some(release(&Released {
                customer: Customer {
                    id: &customer.id,
                    owner: customer.record.text("owner"),
                    tasks: r
                        .children_of(Kind::TASK, &id)
                        .map(|t| (t.id.as_str(), &t.record))
                        .collect(),
                },
                name: customer.record.text("name").unwrap_or_default(),
                tier: Some(summary.tier),
                last_visit: summary
                    .last_visit_at
                    .as_deref()
                    .and_then(huitou_shared::retention::parse_day),
                spend: summary.lifetime_spend,
                at_ms: crate::session::now_ms(),
                by: Some(&me),
                reason: Reason::Manager,
            }))
        });
        let Some(edits) = edits.filter(|e| !e.is_empty()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match replica.edit_many(edits).await {
                Ok(()) => done.set(true),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="form">
            <p class="muted">{move || i18n.t(Key::ReturnToPoolHelp)}</p>
            <Show when=move || !done.get()
                fallback=move || view! { <p class="muted" role="status">{move || i18n.t(Key::ReturnedToPool)}</p> }>
                <button type="button" class="button" on:click=go>{move || i18n.t(Key::ReturnToPool)}</button>
            </Show>
        </div>
    }
}
