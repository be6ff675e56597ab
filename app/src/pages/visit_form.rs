//! Log a visit: pick the customer (recent first), then amount, party size, occasion, dishes, note.

use crate::components::form_actions::FormActions;
use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::{Value, json};

#[component]
pub fn ChooseCustomer() -> impl IntoView {
    view! { <PickThenGo title=Key::ChooseCustomer to=|id| format!("/visit/{id}")/> }
}

/// "Add a task" from Today: pick the customer, then plan the task.
#[component]
pub fn ChooseCustomerForTask() -> impl IntoView {
    view! { <PickThenGo title=Key::PlanTask to=|id| format!("/customers/{id}/task")/> }
}

/// Search the book, then go to `to(customer id)`.
#[component]
fn PickThenGo(title: Key, to: fn(&str) -> String) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        crate::pages::customers::find_customers(
            &query.get(),
            &huitou_shared::customer::Filter::default(),
            30,
        )
    });
    view! {
        <section class="page">
            <h1>{i18n.t(title)}</h1>
            <label class="field search">
                <span class="visually-hidden">{i18n.t(Key::Search)}</span>
                <input type="search" name="search" placeholder=i18n.t(Key::SearchHint)
                    aria-label=i18n.t(Key::Search) autocomplete="off"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            </label>
            <ul class="list" aria-label=i18n.t(Key::Customers)>
                <For each=move || matches.get() key=|c| c.id.clone() let:customer>
                    <li>
                        <A href=to(&customer.id) attr:class="list-item">
                            <span class="list-title">{customer.record.text("name").unwrap_or_default().to_owned()}</span>
                            <span class="list-sub">{customer.record.text("phone").unwrap_or_default().to_owned()}</span>
                        </A>
                    </li>
                </For>
            </ul>
            <A href="/customers/new" attr:class="button">{i18n.t(Key::NewCustomer)}</A>
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
    let customer_name = move || replica.records.with(|r| r.customer_name(&customer_id()));
    let amount = RwSignal::new(String::new());
    let party_size = RwSignal::new(String::new());
    let occasion = RwSignal::new(String::new());
    let items = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let companions = RwSignal::new(String::new());
    let table = RwSignal::new(String::new());
    let staff = RwSignal::new(
        replica
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.user.name.clone()))
            .unwrap_or_default(),
    );
    let satisfaction = RwSignal::new(None::<u8>);
    let product = RwSignal::new(String::new());
    let size_text = RwSignal::new(String::new());
    let colour = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let when = RwSignal::new(String::new());
    // Loyalty at the table (PRODUCT §12): a voucher to use, paying from stored value.
    let org = crate::org::use_org();
    let loyalty = Memo::new(move |_| {
        crate::pages::customer::membership::summary_of(replica, org, &customer_id())
    });
    let voucher = RwSignal::new(String::new());
    let from_stored = RwSignal::new(false);
    let typed_amount = move || {
        amount
            .get()
            .trim()
            .replace([',', '，'], "")
            .parse::<f64>()
            .unwrap_or(0.0)
    };
    // Dishes and products this organisation has sold, most frequent first: suggested as you type.
    let known_items = Memo::new(move |_| {
        replica.records.with(|r| {
            huitou_shared::visits::totals(r.of_kind(Kind::VISIT).map(|v| &v.record))
                .favourite_items
                .into_iter()
                .map(|(item, _)| item)
                .collect::<Vec<_>>()
        })
    });
    let suggestions = move || {
        let typed = items.get();
        let chosen: Vec<String> = split_list(&typed);
        let current = if typed.trim_end().ends_with([',', '，', '、']) {
            String::new()
        } else {
            chosen.last().cloned().unwrap_or_default()
        };
        known_items.with(|all| {
            all.iter()
                .filter(|item| !chosen.contains(item))
                .filter(|item| current.is_empty() || item.contains(current.as_str()))
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let pick = move |item: String| {
        items.update(|typed| {
            let mut chosen = split_list(typed);
            let completes_last = !typed.trim_end().ends_with([',', '，', '、'])
                && chosen
                    .last()
                    .is_some_and(|last| item.contains(last.as_str()) && *last != item);
            if completes_last {
                chosen.pop();
            }
            chosen.push(item);
            *typed = format!("{}, ", chosen.join(", "));
        });
    };

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
        let at = match crate::components::when::when_rfc3339(&when.get_untracked()) {
            Ok(at) => at,
            Err(key) => {
                error.set(Some(key));
                return;
            }
        };
        let customer = customer_id();
        let item_list = split_list(&items.get_untracked());
        let price_value = price
            .get_untracked()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| *p >= 0.0);
        // Companions: an existing customer's name links to them (who brings whom), others stay names.
        let companion_list: Vec<Value> = split_list(&companions.get_untracked())
            .into_iter()
            .map(|name| {
                replica.records.with_untracked(|r| {
                    r.of_kind(Kind::CUSTOMER)
                        .find(|c| {
                            !c.record.is_deleted() && c.record.text("name") == Some(name.as_str())
                        })
                        .map(|c| Value::String(c.id.clone()))
                        .unwrap_or(Value::String(name))
                })
            })
            .collect();
        // customer_id first: the server scopes the rest of the record by it.
        let mut fields = vec![
            ("customer_id".to_owned(), Value::String(customer.clone())),
            ("at".to_owned(), Value::String(at)),
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
        if !companion_list.is_empty() {
            fields.push(("companions".to_owned(), Value::Array(companion_list)));
        }
        if let Some(level) = satisfaction.get_untracked() {
            fields.push(("satisfaction".to_owned(), json!(level)));
        }
        if let Some(price) = price_value {
            fields.push(("price".to_owned(), json!(price)));
        }
        for (field, signal) in [
            ("note", note),
            ("table", table),
            ("staff", staff),
            ("product", product),
            ("size", size_text),
            ("colour", colour),
        ] {
            let text = signal.get_untracked().trim().to_owned();
            if !text.is_empty() {
                fields.push((field.to_owned(), json!(text)));
            }
        }
        // The visit, the points it earns, the voucher it uses and what the stored value pays:
        // one action, one transaction.
        use crate::pages::customer::membership::{points_entry, value_entry};
        use huitou_shared::customer::merging::Edit;
        use huitou_shared::loyalty;
        let visit_id = huitou_shared::model::new_id();
        let summary = loyalty.get_untracked();
        let chosen = summary
            .vouchers
            .iter()
            .find(|v| v.id == voucher.get_untracked())
            .cloned();
        let mut edits = vec![Edit {
            kind: Kind::VISIT.to_owned(),
            id: visit_id.clone(),
            fields,
        }];
        let earned = org.with_untracked(|o| o.settings.loyalty.points_for(amount_value));
        if earned > 0 {
            edits.push(Edit {
                kind: loyalty::POINTS.to_owned(),
                id: huitou_shared::model::new_id(),
                fields: points_entry(&customer, "visit", earned, Some(&visit_id), ""),
            });
        }
        if let Some(chosen) = &chosen {
            edits.push(Edit {
                kind: loyalty::VOUCHER.to_owned(),
                id: chosen.id.clone(),
                // Its one field: the server takes the first redemption and refuses a second
                // (`already_redeemed`); when is the visit's `at`.
                fields: vec![("redeemed_visit".to_owned(), json!(visit_id))],
            });
        }
        let due = (amount_value - chosen.as_ref().map_or(0.0, |v| v.value)).max(0.0);
        if from_stored.get_untracked() && due > 0.0 {
            let cents = loyalty::amount_of(loyalty::STORED_VALUE, &json!(due)).unwrap_or(0);
            if cents > summary.stored_value.available {
                error.set(Some(Key::NotEnoughStoredValue));
                return;
            }
            edits.push(Edit {
                kind: loyalty::STORED_VALUE.to_owned(),
                id: huitou_shared::model::new_id(),
                fields: value_entry(&customer, loyalty::ValueType::Spend, -due, Some(&visit_id)),
            });
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match replica.edit_many(edits).await {
                Ok(()) => navigate(&format!("/customers/{customer}"), Default::default()),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };

    let text_input = move |key: Key,
                           name: &'static str,
                           signal: RwSignal<String>,
                           hint: Option<Key>| {
        view! {
            <label class="field">
                <span>{i18n.t(key)}</span>
                <input type="text" name=name placeholder=move || hint.map(|h| i18n.t(h)).unwrap_or_default()
                    prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
            </label>
        }
    };

    // What the customer's playbook says to do at each visit (C's small treat, PRODUCT §6).
    let org = crate::org::use_org();
    let at_visit = move || {
        let today = chrono::Local::now().date_naive();
        replica.records.with(|r| {
            org.with(|org| {
                let tier = crate::org::summary(r, &customer_id(), today, org)?.tier;
                let steps: Vec<(Key, String)> = org
                    .playbook(tier)
                    .steps_for(huitou_shared::retention::playbooks::Trigger::Visit)
                    .map(|step| (crate::i18n::action_key(step.action), step.note.clone()))
                    .collect();
                (!steps.is_empty()).then_some((tier, steps))
            })
        })
    };

    view! {
        <section class="page">
            <h1>{i18n.t(Key::LogVisit)} " · " {customer_name}</h1>
            {move || at_visit().map(|(tier, steps)| view! {
                <p class="banner" role="note">
                    {i18n.t(crate::i18n::tier_key(tier))} " · "
                    {steps.into_iter().map(|(key, note)| if note.is_empty() { i18n.t(key).to_owned() } else { format!("{}: {note}", i18n.t(key)) }).collect::<Vec<_>>().join(i18n.t(Key::ReasonSeparator))}
                </p>
            })}
            <form class="card form" on:submit=save novalidate>
                <label class="field">
                    <span>{i18n.t(Key::Amount)}</span>
                    <input type="text" inputmode="decimal" name="amount" autofocus
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{i18n.t(Key::PartySize)}</span>
                    <input type="text" inputmode="numeric" name="party_size"
                        prop:value=move || party_size.get() on:input=move |ev| party_size.set(event_target_value(&ev))/>
                </label>
                <fieldset class="field">
                    <legend>{i18n.t(Key::Occasion)}</legend>
                    <div class="choices">
                        {[("business", Key::Business), ("friends", Key::Friends), ("family", Key::Family), ("other", Key::OtherOccasion)]
                            .into_iter().map(|(value, key)| view! {
                                <label class="choice">
                                    <input type="radio" name="occasion" value=value
                                        prop:checked=move || occasion.get() == value
                                        on:change=move |_| occasion.set(value.to_owned())/>
                                    <span>{i18n.t(key)}</span>
                                </label>
                            }).collect_view()}
                    </div>
                </fieldset>
                <label class="field">
                    <span>{i18n.t(Key::Items)}</span>
                    <input type="text" name="items" placeholder=i18n.t(Key::ItemsHint) autocomplete="off"
                        prop:value=move || items.get() on:input=move |ev| items.set(event_target_value(&ev))/>
                </label>
                <div class="chips" role="group" aria-label=i18n.t(Key::Items)>
                    {move || suggestions().into_iter().map(|item| {
                        let label = item.clone();
                        view! { <button type="button" class="chip" on:click=move |_| pick(item.clone())>{label}</button> }
                    }).collect_view()}
                </div>
                <crate::components::fields::Stars legend=Key::Satisfaction value=satisfaction/>
                <div class="grid-2">
                    {text_input(Key::Companions, "companions", companions, Some(Key::CompanionsHint))}
                    {text_input(Key::Table, "table", table, None)}
                    {text_input(Key::Staff, "staff", staff, None)}
                </div>
                <details class="more">
                    <summary>{i18n.t(Key::RetailDetails)}</summary>
                    <div class="grid-2">
                        {text_input(Key::Product, "product", product, None)}
                        {text_input(Key::Size, "size", size_text, None)}
                        {text_input(Key::Colour, "colour", colour, None)}
                        {text_input(Key::Price, "price", price, None)}
                    </div>
                </details>
                <label class="field">
                    <span>{i18n.t(Key::Note)}</span>
                    <textarea name="note" rows="2" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                {move || {
                    let today = chrono::Local::now().date_naive();
                    let bill = typed_amount();
                    let usable: Vec<huitou_shared::loyalty::Voucher> = loyalty.with(|l| {
                        l.vouchers.iter().filter(|v| v.usable(today, bill)).cloned().collect()
                    });
                    (!usable.is_empty()).then(|| view! {
                        <label class="field">
                            <span>{i18n.t(Key::UseVoucher)}</span>
                            <select name="voucher" on:change=move |ev| voucher.set(event_target_value(&ev))>
                                <option value="" selected=move || voucher.get().is_empty()>{i18n.t(Key::NoVoucher)}</option>
                                {usable.into_iter().map(|v| {
                                    let id = v.id.clone();
                                    let label = format!("{} · {}", v.title, crate::i18n::money(v.value, i18n.locale.get()));
                                    view! { <option value=id.clone() selected=move || voucher.get() == id>{label}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    })
                }}
                <Show when=move || loyalty.with(|l| l.stored_value.available > 0)>
                    <label class="choice">
                        <input type="checkbox" name="pay_from_stored_value" prop:checked=move || from_stored.get()
                            on:change=move |ev| from_stored.set(event_target_checked(&ev))/>
                        <span>{i18n.t(Key::PayFromStoredValue)} " ("
                            {move || crate::i18n::money(loyalty.with(|l| huitou_shared::loyalty::money(l.stored_value.available)), i18n.locale.get())} ")"</span>
                    </label>
                </Show>
                <crate::components::when::WhenField value=when/>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <FormActions/>
            </form>
        </section>
    }
}

/// Splits "a, b，c、d" into trimmed, non-empty parts.
fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
