//! The Membership tab (会员, PRODUCT §12): points with what expires next, stored value, vouchers;
//! redeem, top up (with the organisation's bonus); a manager also issues vouchers and refunds
//! (`loyalty_tools`, in the manager bundle).
//! Every figure is the replay of the customer's ledger (`huitou_shared::loyalty`), without the
//! entries the server refused — counted here, listed with the reason in Settings, to discard.

use crate::i18n::{Key, day, money, use_i18n};
use crate::replica::use_replica;
use huitou_shared::api::RejectCode;
use huitou_shared::loyalty::{self, Summary, ValueType};
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use serde_json::{Value, json};
use std::collections::HashSet;

/// Loyalty record kinds.
pub const KINDS: [&str; 3] = [loyalty::POINTS, loyalty::STORED_VALUE, loyalty::VOUCHER];

/// A customer's loyalty records as the server will hold them: each write the server refused
/// taken back (`TrackedRecord::give_up`), so no balance counts what it never took.
pub fn held(replica: crate::replica::Replica, customer_id: &str) -> Vec<TrackedRecord> {
    let refused: HashSet<String> = replica.outbox.with(|o| {
        o.iter()
            .filter(|e| e.rejection.is_some())
            .map(|e| e.change.op.clone())
            .collect()
    });
    replica.records.with(|r| {
        KINDS
            .iter()
            .flat_map(|kind| r.children_of(kind, customer_id))
            .map(|record| {
                let mut record = record.clone();
                let fields: Vec<(String, String)> = record
                    .record
                    .fields
                    .iter()
                    .filter(|(_, state)| refused.contains(&state.op))
                    .map(|(field, state)| (field.clone(), state.op.clone()))
                    .collect();
                for (field, op) in fields {
                    record.give_up(&field, &op);
                }
                record
            })
            .collect()
    })
}

/// The customer's points, stored value and vouchers now.
pub fn summary_of(
    replica: crate::replica::Replica,
    org: Memo<crate::org::Org>,
    customer_id: &str,
) -> Summary {
    let records = held(replica, customer_id);
    org.with(|org| {
        loyalty::summary(
            records
                .iter()
                .map(|r| (r.kind.as_str(), r.id.as_str(), &r.record)),
            &org.settings.loyalty,
            org.settings.utc_offset_minutes.unwrap_or_else(local_offset),
            crate::session::now_ms(),
        )
    })
}

/// This device's offset from UTC, in minutes (when the organisation set none).
pub fn local_offset() -> i32 {
    chrono::Local::now().offset().local_minus_utc() / 60
}

/// Fields of a new stored-value entry: `customer_id` first, the type before the amount.
pub fn value_entry(
    customer: &str,
    kind: ValueType,
    amount: f64,
    visit: Option<&str>,
) -> Vec<(String, Value)> {
    let mut fields = vec![
        ("customer_id".to_owned(), json!(customer)),
        ("at".to_owned(), json!(chrono::Utc::now().to_rfc3339())),
        ("type".to_owned(), json!(kind.as_str())),
    ];
    if let Some(visit) = visit {
        fields.push(("visit_id".to_owned(), json!(visit)));
    }
    fields.push(("amount".to_owned(), json!(amount)));
    fields
}

/// Fields of a new points entry.
pub fn points_entry(
    customer: &str,
    reason: &str,
    points: i64,
    visit: Option<&str>,
    note: &str,
) -> Vec<(String, Value)> {
    let mut fields = vec![
        ("customer_id".to_owned(), json!(customer)),
        ("at".to_owned(), json!(chrono::Utc::now().to_rfc3339())),
        ("reason".to_owned(), json!(reason)),
    ];
    if let Some(visit) = visit {
        fields.push(("visit_id".to_owned(), json!(visit)));
    }
    if !note.is_empty() {
        fields.push(("note".to_owned(), json!(note)));
    }
    fields.push(("amount".to_owned(), json!(points)));
    fields
}

/// What a refusal code says, in words.
pub fn refusal_key(code: RejectCode) -> Key {
    match code {
        RejectCode::Insufficient => Key::RefusedInsufficient,
        RejectCode::AlreadyRedeemed => Key::RefusedRedeemed,
        RejectCode::Forbidden => Key::RefusedForbidden,
        RejectCode::ClockAhead => Key::RefusedClock,
        RejectCode::Erased => Key::Erased,
        RejectCode::Invalid => Key::RefusedInvalid,
    }
}

/// A positive amount as typed ("1,000", "1，000"), if it is one.
pub(super) fn parse_amount(text: &str) -> Option<f64> {
    text.trim()
        .replace([',', '，'], "")
        .parse::<f64>()
        .ok()
        .filter(|a| a.is_finite() && *a > 0.0)
}

#[component]
pub(super) fn MembershipTab(customer_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let summary = Memo::new({
        let id = customer_id.clone();
        move |_| summary_of(replica, org, &id)
    });
    let id = customer_id.clone();
    let records = move || {
        let mut list = held(replica, &id);
        list.retain(|r| r.kind != loyalty::VOUCHER && r.record.value("amount").is_some());
        crate::sort::by(&mut list, |a, b| {
            b.record.text("at").cmp(&a.record.text("at"))
        });
        list
    };
    // How many of this customer's loyalty writes the server refused (listed with the reason,
    // to discard, in Settings).
    let id = customer_id.clone();
    let refused = move || {
        let mine: HashSet<String> = replica.records.with(|r| {
            KINDS
                .iter()
                .flat_map(|kind| r.children_of(kind, &id))
                .map(|r| r.id.clone())
                .collect()
        });
        replica.outbox.with(|o| {
            o.iter()
                .filter(|e| e.rejection.is_some() && mine.contains(&e.change.id))
                .count()
        })
    };
    let points = RwSignal::new(String::new());
    let what_for = RwSignal::new(String::new());
    let top_up = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);

    let write = move |edits: Vec<huitou_shared::customer::merging::Edit>,
                      clear: Vec<RwSignal<String>>| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match replica.edit_many(edits).await {
                Ok(()) => clear.into_iter().for_each(|s| s.set(String::new())),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };
    let edit = |kind: &str, fields: Vec<(String, Value)>| huitou_shared::customer::merging::Edit {
        kind: kind.to_owned(),
        id: huitou_shared::model::new_id(),
        fields,
    };

    let redeem = {
        let id = customer_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(n) = points
                .get_untracked()
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
            else {
                error.set(Some(Key::AmountInvalid));
                return;
            };
            if n > summary.with_untracked(|s| s.points.available) {
                error.set(Some(Key::NotEnoughPoints));
                return;
            }
            let note = what_for.get_untracked().trim().to_owned();
            write(
                vec![edit(
                    loyalty::POINTS,
                    points_entry(&id, "redeem", -n, None, &note),
                )],
                vec![points, what_for],
            );
        }
    };
    let bonus = move || {
        let pay = parse_amount(&top_up.get()).unwrap_or(0.0);
        org.with(|o| o.settings.loyalty.bonus_for(pay))
    };
    let top_up_now = {
        let id = customer_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(pay) = parse_amount(&top_up.get_untracked()) else {
                error.set(Some(Key::AmountInvalid));
                return;
            };
            let mut edits = vec![edit(
                loyalty::STORED_VALUE,
                value_entry(&id, ValueType::TopUp, pay, None),
            )];
            let gift = org.with_untracked(|o| o.settings.loyalty.bonus_for(pay));
            if gift > 0.0 {
                edits.push(edit(
                    loyalty::STORED_VALUE,
                    value_entry(&id, ValueType::Bonus, gift, None),
                ));
            }
            write(edits, vec![top_up]);
        }
    };
    let input =
        move |key: Key, name: &'static str, signal: RwSignal<String>, mode: &'static str| {
            view! {
                <label class="field">
                    <span>{i18n.t(key)}</span>
                    <input type="text" inputmode=mode name=name prop:value=move || signal.get()
                        on:input=move |ev| signal.set(event_target_value(&ev))/>
                </label>
            }
        };
    // Every list is rows of text: one element type, built once (each distinct view type
    // costs the tablet's bundle its own code).
    let rows = move |rows: Vec<(String, String)>| {
        rows.into_iter()
            .map(|(title, sub)| view! { <li class="list-item"><span class="list-title">{title}</span><span class="list-sub">{sub}</span></li> })
            .collect_view()
    };
    let voucher_rows = move || {
        let locale = i18n.locale.get();
        let today = chrono::Local::now().date_naive();
        summary.with(|s| {
            s.vouchers
                .iter()
                .map(|v| {
                    let mut sub: Vec<String> = Vec::new();
                    if v.min_spend > 0.0 {
                        sub.push(format!(
                            "{} {}",
                            i18n.t(Key::MinSpend),
                            money(v.min_spend, locale)
                        ));
                    }
                    if let Some(until) = v.valid_until {
                        sub.push(format!(
                            "{} {}",
                            i18n.t(Key::ValidUntil),
                            day(until, locale)
                        ));
                    }
                    if v.redeemed_visit.is_some() {
                        sub.push(i18n.t(Key::VoucherUsed).to_owned());
                    } else if v.valid_until.is_some_and(|until| until < today) {
                        sub.push(i18n.t(Key::VoucherExpired).to_owned());
                    }
                    (
                        format!("{} · {}", v.title, money(v.value, locale)),
                        sub.join(" · "),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let history_rows = move || {
        let locale = i18n.locale.get();
        records()
            .iter()
            .map(|entry| {
                let r = &entry.record;
                let amount = r.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                let (label, shown) = if entry.kind == loyalty::POINTS {
                    let label = match r.text("reason") {
                        Some("visit") => Key::PointsForVisit,
                        Some("redeem") => Key::RedeemPoints,
                        _ => Key::PointsAdjusted,
                    };
                    (label, format!("{amount:+} {}", i18n.t(Key::Points)))
                } else {
                    let label = match r.text("type").and_then(ValueType::parse) {
                        Some(ValueType::TopUp) => Key::TopUp,
                        Some(ValueType::Bonus) => Key::TopUpBonus,
                        Some(ValueType::Refund) => Key::Refund,
                        _ => Key::PaidFromStoredValue,
                    };
                    let sign = if amount < 0.0 { "−" } else { "+" };
                    (label, format!("{sign}{}", money(amount.abs(), locale)))
                };
                let when = crate::i18n::date_time(r.text("at").unwrap_or_default(), locale);
                let note = r.text("note").unwrap_or_default();
                (
                    format!("{} {shown}", i18n.t(label)),
                    format!("{when} {note}"),
                )
            })
            .collect::<Vec<_>>()
    };
    let figures = move || {
        let locale = i18n.locale.get();
        summary.with(|s| {
            let expiry = s.points.next_expiry.and_then(|(at, n)| {
                let date = chrono::DateTime::from_timestamp_millis(at as i64 - 1)?
                    .with_timezone(&chrono::Local)
                    .date_naive();
                Some(
                    i18n.t(Key::PointsExpire)
                        .replace("{n}", &n.to_string())
                        .replace("{date}", &day(date, locale)),
                )
            });
            rows(vec![
                (
                    format!(
                        "{} {}",
                        i18n.t(Key::Points),
                        crate::i18n::number(s.points.available as f64, locale, false)
                    ),
                    expiry.unwrap_or_default(),
                ),
                (
                    format!(
                        "{} {}",
                        i18n.t(Key::StoredValue),
                        money(loyalty::money(s.stored_value.available), locale)
                    ),
                    String::new(),
                ),
            ])
        })
    };

    view! {
        <section class="card membership" aria-label=i18n.t(Key::Membership)>
            <ul class="list figures" aria-label=i18n.t(Key::Membership)>{figures}</ul>
            {move || {
                let refused = refused();
                (refused > 0).then(|| view! {
                    <p class="banner banner-warn" role="alert">
                        {i18n.t(Key::LedgerRefusedHelp).replace("{n}", &refused.to_string())} " "
                        <leptos_router::components::A href="/settings">{i18n.t(Key::RejectedChanges)}</leptos_router::components::A>
                    </p>
                })
            }}
            <Show when=move || error.get().is_some()>
                <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
            </Show>
            <div class="grid-2">
                <form class="form" on:submit=redeem>
                    <h3>{i18n.t(Key::RedeemPoints)}</h3>
                    {input(Key::PointsToRedeem, "redeem_points", points, "numeric")}
                    {input(Key::WhatFor, "redeem_for", what_for, "text")}
                    <button type="submit" class="button button-primary">{i18n.t(Key::RedeemPoints)}</button>
                </form>
                <form class="form" on:submit=top_up_now>
                    <h3>{i18n.t(Key::StoredValue)}</h3>
                    {input(Key::TopUpAmount, "top_up", top_up, "decimal")}
                    <p class="muted" role="status">{move || { let b = bonus(); (b > 0.0).then(|| format!("{} {}", i18n.t(Key::TopUpBonus), money(b, i18n.locale.get()))) }}</p>
                    <button type="submit" class="button button-primary">{i18n.t(Key::TopUp)}</button>
                </form>
            </div>
        </section>
        <section class="card" aria-label=i18n.t(Key::Vouchers)>
            <h2>{i18n.t(Key::Vouchers)}</h2>
            <ul class="list">{move || rows(voucher_rows())}</ul>
            {crate::pages::manager_tools::loyalty_tools(customer_id.clone(), Signal::derive(move || summary.with(|s| s.stored_value.available)))}
        </section>
        <section class="card" aria-label=i18n.t(Key::LedgerHistory)>
            <h2>{i18n.t(Key::LedgerHistory)}</h2>
            <ul class="list">{move || rows(history_rows())}</ul>
        </section>
    }
}
