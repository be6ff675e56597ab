//! Log a visit: pick the customer (recent first), then amount, party size, occasion, dishes, note.

use crate::i18n::{Key, use_i18n};
use crate::pages::customer_form::now_rfc3339;
use crate::replica::use_replica;
use huitou_shared::Kind;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::{Value, json};

#[component]
pub fn ChooseCustomer() -> impl IntoView {
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
            })
            .take(50)
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::ChooseCustomer)}</h1>
            <label class="field search">
                <span class="visually-hidden">{move || i18n.t(Key::Search)}</span>
                <input type="search" name="search" placeholder=move || i18n.t(Key::SearchHint)
                    aria-label=move || i18n.t(Key::Search)
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            </label>
            <ul class="list" aria-label=move || i18n.t(Key::Customers)>
                <For each=move || matches.get() key=|c| c.id.clone() let:customer>
                    <li>
                        <A href=format!("/visit/{}", customer.id) attr:class="list-item">
                            <span class="list-title">{customer.record.text("name").unwrap_or_default().to_owned()}</span>
                            <span class="list-sub">{customer.record.text("phone").unwrap_or_default().to_owned()}</span>
                        </A>
                    </li>
                </For>
            </ul>
            <A href="/customers/new" attr:class="button">{move || i18n.t(Key::NewCustomer)}</A>
        </section>
    }
}

#[component]
pub fn LogVisit() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let params = use_params_map();
    let navigate = use_navigate();
    let customer_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let customer_name = move || {
        replica.records.with(|r| {
            r.get(Kind::CUSTOMER, &customer_id())
                .and_then(|c| c.record.text("name").map(str::to_owned))
                .unwrap_or_default()
        })
    };
    let amount = RwSignal::new(String::new());
    let party_size = RwSignal::new(String::new());
    let occasion = RwSignal::new(String::new());
    let items = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let amount_value = amount.get_untracked().trim().replace([',', '，'], "");
        let amount_value = if amount_value.is_empty() {
            Some(0.0)
        } else {
            amount_value
                .parse::<f64>()
                .ok()
                .filter(|a| *a >= 0.0 && a.is_finite())
        };
        let Some(amount_value) = amount_value else {
            error.set(Some(Key::AmountInvalid));
            return;
        };
        let size = party_size.get_untracked();
        let size = if size.trim().is_empty() {
            Some(None)
        } else {
            size.trim().parse::<u64>().ok().map(Some)
        };
        let Some(size) = size else {
            error.set(Some(Key::PartySizeInvalid));
            return;
        };
        let customer = customer_id();
        let item_list: Vec<String> = items
            .get_untracked()
            .split([',', '，', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        // customer_id first: the server scopes the rest of the record by it.
        let mut fields = vec![
            ("customer_id".to_owned(), Value::String(customer.clone())),
            ("at".to_owned(), Value::String(now_rfc3339())),
            ("amount".to_owned(), json!(amount_value)),
        ];
        if let Some(size) = size {
            fields.push(("party_size".to_owned(), json!(size)));
        }
        if !occasion.get_untracked().is_empty() {
            fields.push(("occasion".to_owned(), json!(occasion.get_untracked())));
        }
        if !item_list.is_empty() {
            fields.push(("items".to_owned(), json!(item_list)));
        }
        if !note.get_untracked().trim().is_empty() {
            fields.push(("note".to_owned(), json!(note.get_untracked().trim())));
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let visit_id = huitou_shared::model::new_id();
            match replica.edit(Kind::VISIT, &visit_id, fields).await {
                Ok(()) => navigate(&format!("/customers/{customer}"), Default::default()),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::LogVisit)} " · " {customer_name}</h1>
            <form class="card form" on:submit=save novalidate>
                <label class="field">
                    <span>{move || i18n.t(Key::Amount)}</span>
                    <input type="text" inputmode="decimal" name="amount" autofocus
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::PartySize)}</span>
                    <input type="text" inputmode="numeric" name="party_size"
                        prop:value=move || party_size.get() on:input=move |ev| party_size.set(event_target_value(&ev))/>
                </label>
                <fieldset class="field">
                    <legend>{move || i18n.t(Key::Occasion)}</legend>
                    <div class="choices">
                        {[("business", Key::Business), ("friends", Key::Friends), ("family", Key::Family), ("other", Key::OtherOccasion)]
                            .into_iter().map(|(value, key)| view! {
                                <label class="choice">
                                    <input type="radio" name="occasion" value=value
                                        prop:checked=move || occasion.get() == value
                                        on:change=move |_| occasion.set(value.to_owned())/>
                                    <span>{move || i18n.t(key)}</span>
                                </label>
                            }).collect_view()}
                    </div>
                </fieldset>
                <label class="field">
                    <span>{move || i18n.t(Key::Items)}</span>
                    <input type="text" name="items" placeholder=move || i18n.t(Key::ItemsHint)
                        prop:value=move || items.get() on:input=move |ev| items.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Note)}</span>
                    <textarea name="note" rows="2" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <div class="actions">
                    <button type="submit" class="button button-primary">{move || i18n.t(Key::Save)}</button>
                    <button type="button" class="button" on:click=move |_| { let _ = window().history().map(|h| h.back()); }>
                        {move || i18n.t(Key::Cancel)}
                    </button>
                </div>
            </form>
        </section>
    }
}
