//! The shared pool (公海, PRODUCT §10): customers nobody visited or contacted for the
//! organisation's days, which any salesperson may claim. A row shows only what the pool entry
//! holds (name, tier, last visit, spend band); the rest arrives with the claim.
//!
//! A claim is a request (`Replica::request`): it waits in the outbox, the server accepts the
//! first to arrive, and this device learns the outcome from the server — the customer arrives,
//! or the refusal says who was first ("claimed by 李雷 first"), in the reader's language.

use crate::i18n::{Key, day, money, tier_key, use_i18n};
use crate::org::use_org;
use crate::replica::use_replica;
use chrono::NaiveDate;
use huitou_shared::Kind;
use huitou_shared::api::Rejection;
use huitou_shared::customer::pinyin::matches_initials;
use huitou_shared::customer::pool::{self, Entry};
use huitou_shared::retention::Tier;
use leptos::prelude::*;
use leptos_router::components::A;

/// One pool entry as a row shows it.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: String,
    name: String,
    tier: Option<Tier>,
    last_visit: Option<NaiveDate>,
    band: (u32, Option<u32>),
    released_at_ms: u64,
    claimed_by: Option<String>,
}

impl Row {
    fn of(entry: &Entry<'_>) -> Self {
        Self {
            id: entry.id.to_owned(),
            name: entry.name.to_owned(),
            tier: entry.tier,
            last_visit: entry.last_visit,
            band: entry.spend_band,
            released_at_ms: entry.released_at_ms,
            claimed_by: entry.claimed_by.map(str::to_owned),
        }
    }
}

/// A claim of this device still in the outbox: waiting, or refused with the reason.
#[derive(Clone, Debug, PartialEq)]
struct Claim {
    id: String,
    op: String,
    rejection: Option<Rejection>,
}

fn matches(query: &str, name: &str) -> bool {
    query.is_empty() || name.to_lowercase().contains(query) || matches_initials(query, name)
}

#[component]
pub fn Pool() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let me = StoredValue::new(replica.user_id());
    let manager = replica.is_manager();
    let query = RwSignal::new(String::new());
    let entries = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut rows: Vec<Row> = r
                .of_kind(Kind::POOL)
                .filter(|e| !e.record.is_deleted())
                .map(|e| Row::of(&Entry::read(&e.id, &e.record)))
                .collect();
            crate::sort::by(&mut rows, |a, b| {
                b.released_at_ms
                    .cmp(&a.released_at_ms)
                    .then_with(|| a.name.cmp(&b.name))
            });
            rows
        })
    });
    let claims = Memo::new(move |_| {
        replica.outbox.with(|outbox| {
            outbox
                .iter()
                .filter(|e| pool::is_claim(&e.change.kind, &e.change.field, &e.change.value))
                .map(|e| Claim {
                    id: e.change.id.clone(),
                    op: e.change.op.clone(),
                    rejection: e.rejection.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let open = Memo::new(move |_| {
        let query = query.get().trim().to_lowercase();
        entries.with(|rows| {
            rows.iter()
                .filter(|row| row.claimed_by.is_none() && row.released_at_ms > 0)
                .filter(|row| matches(&query, &row.name))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let mine = Memo::new(move |_| {
        let me = me.get_value();
        entries.with(|rows| {
            rows.iter()
                .filter(|row| row.claimed_by.as_deref() == Some(me.as_str()))
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let refused = Memo::new(move |_| {
        claims.with(|c| {
            c.iter()
                .filter(|c| c.rejection.is_some())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let waiting =
        move |id: &str| claims.with(|c| c.iter().any(|c| c.id == id && c.rejection.is_none()));
    let claim = move |id: String| {
        leptos::task::spawn_local(async move {
            if let Err(e) = replica.request(pool::claim(&id, &me.get_value())).await {
                replica.storage_error.set(Some(e.to_string()));
            }
        });
    };
    let dismiss = move |op: String| {
        leptos::task::spawn_local(async move { replica.discard(&op).await });
    };
    let band = move |(low, high): (u32, Option<u32>)| {
        let locale = i18n.locale.get();
        match high {
            Some(high) => format!(
                "{} – {}",
                money(f64::from(low), locale),
                money(f64::from(high), locale)
            ),
            None => format!("{} +", money(f64::from(low), locale)),
        }
    };
    // Why a claim of this device was refused, in words: who was first when the device knows.
    let refusal = move |claim: &Claim| -> String {
        let winner = entries.with(|rows| {
            rows.iter()
                .find(|row| row.id == claim.id)
                .and_then(|row| row.claimed_by.clone())
        });
        let message = claim
            .rejection
            .as_ref()
            .map(|r| r.message.as_str())
            .unwrap_or_default();
        match winner.filter(|w| *w != me.get_value()) {
            Some(winner) => i18n.t(Key::PoolClaimedFirst).replace(
                "{name}",
                &replica
                    .records
                    .with(|r| r.person(&winner, i18n.t(Key::Left))),
            ),
            None if message.starts_with("claimed by ") => {
                i18n.t(Key::PoolClaimedBySomeone).to_owned()
            }
            None if message.starts_with("this claim was made before") => {
                i18n.t(Key::PoolClaimTooOld).to_owned()
            }
            None => format!("{}: {message}", i18n.t(Key::PoolClaimRefused)),
        }
    };
    let name_of = move |id: &str| {
        entries.with(|rows| {
            rows.iter()
                .find(|row| row.id == id)
                .map(|row| row.name.clone())
                .unwrap_or_default()
        })
    };
    let days = move || org.with(|o| o.settings.pool.days);
    view! {
        <section class="page">
            <h1>{i18n.t(Key::SharedPool)}</h1>
            <p class="muted">{move || if days() == 0 {
                i18n.t(Key::PoolOff).to_owned()
            } else {
                i18n.t(Key::PoolHelp).replace("{days}", &days().to_string())
            }}</p>
            <Show when=move || !refused.with(Vec::is_empty)>
                <section class="card" aria-label=i18n.t(Key::PoolNotYours)>
                    <h2>{i18n.t(Key::PoolNotYours)}</h2>
                    <ul class="list">
                        {move || refused.get().into_iter().map(|claim| {
                            let name = name_of(&claim.id);
                            let why = refusal(&claim);
                            let op = claim.op.clone();
                            let label = format!("{}: {name}", i18n.t(Key::PoolDismiss));
                            view! {
                                <li class="list-item">
                                    <span class="list-title">{name}</span>
                                    <span class="list-sub" role="alert">{why}</span>
                                    <button type="button" class="button" aria-label=label
                                        on:click=move |_| dismiss(op.clone())>{i18n.t(Key::PoolDismiss)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <Show when=move || !mine.with(Vec::is_empty)>
                <section class="card" aria-label=i18n.t(Key::PoolClaimedByYou)>
                    <h2>{i18n.t(Key::PoolClaimedByYou)}</h2>
                    <ul class="list">
                        {move || mine.get().into_iter().map(|row| {
                            let here = replica.records.with(|r| r.get(Kind::CUSTOMER, &row.id).is_some());
                            view! {
                                <li class="list-item">
                                    {if here {
                                        view! { <A href=format!("/customers/{}", row.id) attr:class="list-title">{row.name.clone()}</A> }.into_any()
                                    } else {
                                        view! { <span class="list-title">{row.name.clone()}</span> }.into_any()
                                    }}
                                    <span class="list-sub">{move || if here { i18n.t(Key::PoolYours) } else { i18n.t(Key::PoolArriving) }}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <label class="field">
                <span>{i18n.t(Key::SearchPool)}</span>
                <input type="search" name="pool_search" autocomplete="off"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            </label>
            {manager.then(|| crate::pages::manager_tools::list_export("pool", Key::SharedPool, move || {
                let ids: Vec<String> = open.get_untracked().into_iter().map(|row| row.id).collect();
                crate::pages::manager_tools::customer_table(replica, &ids)
            }))}
            <p class="muted" role="status">{move || i18n.t(Key::PoolCount).replace("{n}", &open.with(Vec::len).to_string())}</p>
            <Show when=move || !open.with(Vec::is_empty)
                fallback=move || view! { <p class="empty">{i18n.t(Key::PoolEmpty)}</p> }>
                <ul class="list" aria-label=i18n.t(Key::SharedPool)>
                    {move || open.get().into_iter().map(|row| {
                        let id = StoredValue::new(row.id.clone());
                        let name = row.name.clone();
                        let label = format!("{}: {name}", i18n.t(Key::Claim));
                        let tier = row.tier.map(|t| i18n.t(tier_key(t)));
                        let last = row.last_visit.map(|d| day(d, i18n.locale.get()))
                            .unwrap_or_else(|| i18n.t(Key::Never).to_owned());
                        let spend = band(row.band);
                        let since = i18n.t(Key::PoolSince).replace(
                            "{date}",
                            &chrono::DateTime::from_timestamp_millis(i64::try_from(row.released_at_ms).unwrap_or_default())
                                .map(|t| day(t.date_naive(), i18n.locale.get()))
                                .unwrap_or_default(),
                        );
                        view! {
                            <li class="list-item pool-row">
                                <span class="list-title">{name}</span>
                                <span class="list-sub">
                                    {tier.map(|t| view! { <span class="badge">{t}</span> " " })}
                                    {i18n.t(Key::LastVisit)} " " {last} " · " {i18n.t(Key::SpendBand)} " " {spend} " · " {since}
                                </span>
                                {(!manager).then(|| view! {
                                    <Show when=move || !waiting(&id.get_value())
                                        fallback=move || view! { <span class="muted" role="status">{i18n.t(Key::PoolClaiming)}</span> }>
                                        <button type="button" class="button button-primary" aria-label=label.clone()
                                            on:click=move |_| claim(id.get_value())>{i18n.t(Key::Claim)}</button>
                                    </Show>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}
