//! A manager's loyalty tools on the Membership tab (manager bundle only): issue a voucher to
//! the customer, refund stored value.

use super::membership::{parse_amount, value_entry};
use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use huitou_shared::customer::merging::Edit;
use huitou_shared::loyalty::{self, ValueType};
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn LoyaltyTools(
    customer_id: String,
    /// The stored value the customer holds, in cents.
    available: Signal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let title = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let min_spend = RwSignal::new(String::new());
    let valid_until = RwSignal::new(String::new());
    let refund = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let write = move |edit: Edit, clear: Vec<RwSignal<String>>| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match replica.edit_many(vec![edit]).await {
                Ok(()) => clear.into_iter().for_each(|s| s.set(String::new())),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };
    let issue = {
        let id = customer_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(face) = parse_amount(&value.get_untracked()) else {
                error.set(Some(Key::AmountInvalid));
                return;
            };
            let name = title.get_untracked().trim().to_owned();
            if name.is_empty() {
                error.set(Some(Key::VoucherNameNeeded));
                return;
            }
            let mut fields = vec![
                ("customer_id".to_owned(), json!(id)),
                ("title".to_owned(), json!(name)),
                ("value".to_owned(), json!(face)),
                (
                    "issued_at".to_owned(),
                    json!(chrono::Utc::now().to_rfc3339()),
                ),
            ];
            if let Some(min) = parse_amount(&min_spend.get_untracked()) {
                fields.push(("min_spend".to_owned(), json!(min)));
            }
            let until = valid_until.get_untracked();
            if chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").is_ok() {
                fields.push(("valid_until".to_owned(), json!(until)));
            }
            let edit = Edit {
                kind: loyalty::VOUCHER.to_owned(),
                id: huitou_shared::model::new_id(),
                fields,
            };
            write(edit, vec![title, value, min_spend, valid_until]);
        }
    };
    let pay_back = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(amount) = parse_amount(&refund.get_untracked()) else {
            error.set(Some(Key::AmountInvalid));
            return;
        };
        if loyalty::amount_of(loyalty::STORED_VALUE, &json!(amount)).unwrap_or(0)
            > available.get_untracked()
        {
            error.set(Some(Key::NotEnoughStoredValue));
            return;
        }
        let edit = Edit {
            kind: loyalty::STORED_VALUE.to_owned(),
            id: huitou_shared::model::new_id(),
            fields: value_entry(&customer_id, ValueType::Refund, -amount, None),
        };
        write(edit, vec![refund]);
    };
    let input =
        move |key: Key, name: &'static str, signal: RwSignal<String>, kind: &'static str| {
            view! {
                <label class="field">
                    <span>{i18n.t(key)}</span>
                    <input type=kind name=name prop:value=move || signal.get()
                        on:input=move |ev| signal.set(event_target_value(&ev))/>
                </label>
            }
        };
    view! {
        <Show when=move || error.get().is_some()>
            <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
        </Show>
        <form class="form" on:submit=issue>
            <h3>{i18n.t(Key::IssueVoucher)}</h3>
            <div class="grid-2">
                {input(Key::VoucherTitle, "voucher_title", title, "text")}
                {input(Key::VoucherValue, "voucher_value", value, "text")}
                {input(Key::MinSpend, "voucher_min_spend", min_spend, "text")}
                {input(Key::ValidUntil, "voucher_valid_until", valid_until, "date")}
            </div>
            <button type="submit" class="button button-primary">{i18n.t(Key::IssueVoucher)}</button>
        </form>
        <form class="form" on:submit=pay_back>
            <h3>{i18n.t(Key::Refund)}</h3>
            {input(Key::RefundAmount, "refund", refund, "text")}
            <button type="submit" class="button">{i18n.t(Key::Refund)}</button>
        </form>
    }
}
