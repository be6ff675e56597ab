//! 离职继承 on the Team screen: a leaving user's customers, open tasks and history go to the
//! colleagues chosen — split by tier, evenly, or by hand customer by customer — and their open
//! tasks on other people's customers go to those customers' owners. The preview says what
//! each receives before anything moves. The moves and a note on each customer's timeline are
//! written in one local transaction (synced edits, `shared::customer::reassign::hand_over`),
//! then the user is disabled. A second run (after a crash, or on another device) finds
//! nothing left to move.

use crate::i18n::{Key, tier_key, use_i18n};
use crate::pages::customer::reassign::owners;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::customer::merging::Edit;
use huitou_shared::customer::reassign::{Customer, Split, hand_over, is_open};
use huitou_shared::retention::Tier;
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// How the manager shares the book out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    ByTier,
    Evenly,
    /// The tier split, then the manager's picks over it.
    ByHand,
}

/// Customer rows the by-hand table shows at first, and adds at a time.
const ROWS_AT_A_TIME: usize = 50;

/// The hand-over as it would be written now.
#[derive(Clone, Default)]
struct Plan {
    /// Customers in the leaver's name.
    total: usize,
    edits: Vec<Edit>,
    /// Per receiver: (user id, customers, open tasks, open complaints).
    rows: Vec<(String, usize, usize, usize)>,
    /// The leaver's customers by name: (id, name, tier, who receives it).
    customers: Vec<(String, String, Tier, String)>,
}

#[component]
pub(super) fn HandOverPanel(
    leaver: String,
    name: String,
    disabled: bool,
    finish: impl Fn() + Copy + Send + Sync + 'static,
    cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let leaver = StoredValue::new(leaver);
    let chosen = RwSignal::new(Vec::<String>::new());
    let how = RwSignal::new(How::ByTier);
    let picks = RwSignal::new(BTreeMap::<String, String>::new());
    let shown = RwSignal::new(ROWS_AT_A_TIME);
    let busy = RwSignal::new(false);
    let colleagues = Memo::new(move |_| {
        owners(replica)
            .into_iter()
            .filter(|(id, _)| *id != leaver.get_value())
            .collect::<Vec<_>>()
    });
    let plan = Memo::new_with_compare(
        move |_| {
            let today = chrono::Local::now().date_naive();
            let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let (split, picks) = match how.get() {
                How::ByTier => (Split::ByTier, BTreeMap::new()),
                How::Evenly => (Split::Evenly, BTreeMap::new()),
                How::ByHand => (Split::ByTier, picks.get()),
            };
            let chosen = chosen.get();
            let to: Vec<&str> = chosen.iter().map(String::as_str).collect();
            replica.records.with(|r| {
                org.with(|org| {
                    replica
                        .derived
                        .update_value(|d| _ = d.refresh(r, org, today))
                });
                let leaver = leaver.get_value();
                // Their own customers, and others' customers on which they hold open tasks.
                let tasked: BTreeSet<&str> = r
                    .of_kind(Kind::TASK)
                    .filter(|t| t.record.text("owner") == Some(leaver.as_str()))
                    .filter(|t| is_open(&t.record))
                    .filter_map(|t| t.record.text("customer_id"))
                    .collect();
                let book: Vec<(Customer<'_>, Tier)> = r
                    .of_kind(Kind::CUSTOMER)
                    .filter(|c| {
                        c.record.text("owner") == Some(leaver.as_str())
                            || tasked.contains(c.id.as_str())
                    })
                    .filter(|c| !huitou_shared::customer::erasure::is_erased(&c.record))
                    .map(|c| {
                        let tier = replica
                            .derived
                            .with_value(|d| d.facts(&c.id).map_or(Tier::New, |f| f.tier));
                        let tasks = r
                            .children_of(Kind::TASK, &c.id)
                            .map(|t| (t.id.as_str(), &t.record))
                            .collect();
                        let customer = Customer {
                            id: &c.id,
                            owner: c.record.text("owner"),
                            tasks,
                        };
                        (customer, tier)
                    })
                    .collect();
                let done = hand_over(&book, &leaver, &to, split, &picks, &at);
                let receiver: BTreeMap<&str, &str> = done
                    .edits
                    .iter()
                    .filter(|e| e.kind == Kind::CUSTOMER)
                    .filter_map(|e| Some((e.id.as_str(), e.fields.first()?.1.as_str()?)))
                    .collect();
                let complaints = |customer: &str| {
                    r.children_of(Kind::COMPLAINT, customer)
                        .filter(|c| {
                            !c.record.is_deleted() && c.record.value("resolved_at").is_none()
                        })
                        .count()
                };
                let mut rows: Vec<(String, usize, usize, usize)> = done
                    .shares
                    .iter()
                    .map(|(who, share)| (who.clone(), share.customers, share.open_tasks, 0))
                    .collect();
                for (customer, to) in &receiver {
                    if let Some(row) = rows.iter_mut().find(|row| row.0 == *to) {
                        row.3 += complaints(customer);
                    }
                }
                let mut customers: Vec<(String, String, Tier, String)> = book
                    .iter()
                    .filter(|(c, _)| c.owner == Some(leaver.as_str()))
                    .map(|(c, tier)| {
                        let to = receiver.get(c.id).copied().unwrap_or_default();
                        (c.id.to_owned(), r.customer_name(c.id), *tier, to.to_owned())
                    })
                    .collect();
                crate::sort::by(&mut customers, |a, b| {
                    a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0))
                });
                Plan {
                    total: customers.len(),
                    edits: done.edits,
                    rows,
                    customers,
                }
            })
        },
        |_, _| true,
    );
    let total = move || plan.with(|p| p.total);
    let confirm = move |_| {
        // On a half-received book some of their customers are not here yet.
        if busy.get_untracked() || !replica.settled() {
            return;
        }
        busy.set(true);
        let edits = plan.with_untracked(|p| p.edits.clone());
        leptos::task::spawn_local(async move {
            match replica.edit_many(edits).await {
                Ok(()) => finish(),
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let name_of = move |id: &str| {
        colleagues.with(|c| {
            c.iter()
                .find(|(who, _)| who == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| replica.records.with(|r| r.person(id, i18n.t(Key::Left))))
        })
    };
    let others_get_tasks = move || {
        plan.with(|p| {
            chosen.with(|c| {
                p.rows
                    .iter()
                    .any(|(who, _, tasks, _)| *tasks > 0 && !c.contains(who))
            })
        })
    };
    let title = format!("{} {name}", i18n.t(Key::HandOver));
    let radio = move |value: How, key: Key| {
        view! {
            <label class="field-check">
                <input type="radio" name="split" prop:checked=move || how.get() == value on:change=move |_| how.set(value)/>
                <span>{move || i18n.t(key)}</span>
            </label>
        }
    };
    view! {
        <div class="inline-form hand-over" role="group" aria-label=title>
            <p>{move || i18n.t(if disabled { Key::HandOverHelpDisabled } else { Key::HandOverHelp })}</p>
            <p>{move || i18n.t(Key::HandOverCount).replace("{n}", &total().to_string())}</p>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::HandOverTo)}</legend>
                {move || colleagues.get().into_iter().map(|(id, who)| {
                    let key = id.clone();
                    view! {
                        <label class="field-check">
                            <input type="checkbox" prop:checked={let id = id.clone(); move || chosen.with(|c| c.contains(&id))}
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != key);
                                        if on { c.push(key.clone()); }
                                    });
                                }/>
                            <span>{who}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::HandOverSplit)}</legend>
                {radio(How::ByTier, Key::SplitByTier)}
                {radio(How::Evenly, Key::SplitEvenly)}
                {radio(How::ByHand, Key::SplitByHand)}
            </fieldset>
            <Show when=move || how.get() == How::ByHand && !chosen.with(Vec::is_empty)>
                <ByHand plan chosen picks shown name_of/>
            </Show>
            <Show when=move || !chosen.with(Vec::is_empty)>
                <table class="table preview">
                    <caption>{move || i18n.t(Key::HandOverPreview)}</caption>
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::Colleague)}</th>
                        <th scope="col">{move || i18n.t(Key::Customers)}</th>
                        <th scope="col">{move || i18n.t(Key::OpenTasks)}</th>
                        <th scope="col">{move || i18n.t(Key::OpenComplaints)}</th>
                    </tr></thead>
                    <tbody>
                        {move || plan.get().rows.into_iter().map(|(who, customers, tasks, complaints)| view! {
                            <tr><th scope="row">{name_of(&who)}</th><td>{customers}</td><td>{tasks}</td><td>{complaints}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <Show when=others_get_tasks>
                    <p class="muted">{move || i18n.t(Key::OthersTasksNote)}</p>
                </Show>
            </Show>
            <Show when=move || !replica.settled()>
                <p class="muted" role="status">{move || i18n.t(Key::BookStillArriving)}</p>
            </Show>
            <div class="actions">
                <button type="button" class="button button-primary" on:click=confirm
                    disabled=move || busy.get() || !replica.settled() || (chosen.with(Vec::is_empty) && total() > 0)>
                    {move || i18n.t(if disabled { Key::HandOverConfirmDisabled } else { Key::HandOverConfirm }).replace("{n}", &total().to_string())}
                </button>
                <button type="button" class="button" on:click=move |_| cancel()>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </div>
    }
}

/// The by-hand table: each of the leaver's customers with the colleague it goes to, which the
/// manager may change; a page of rows at a time.
#[component]
fn ByHand(
    plan: Memo<Plan>,
    chosen: RwSignal<Vec<String>>,
    picks: RwSignal<BTreeMap<String, String>>,
    shown: RwSignal<usize>,
    name_of: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let more = move || plan.with(|p| p.customers.len() > shown.get());
    view! {
        <p class="muted">{move || i18n.t(Key::SplitByHandHelp)}</p>
        <table class="table by-hand">
            <thead><tr>
                <th scope="col">{move || i18n.t(Key::Name)}</th>
                <th scope="col">{move || i18n.t(Key::Tier)}</th>
                <th scope="col">{move || i18n.t(Key::Colleague)}</th>
            </tr></thead>
            <tbody>
                {move || {
                    let customers = plan.with(|p| p.customers.iter().take(shown.get()).cloned().collect::<Vec<_>>());
                    customers.into_iter().map(|(id, name, tier, to)| {
                        let label = i18n.t(Key::GiveTo).replace("{name}", &name);
                        view! {
                            <tr>
                                <th scope="row">{name}</th>
                                <td>{move || i18n.t(tier_key(tier))}</td>
                                <td>
                                    <select aria-label=label on:change=move |ev| {
                                        let who = event_target_value(&ev);
                                        picks.update(|p| { p.insert(id.clone(), who); });
                                    }>
                                        {chosen.get_untracked().into_iter().map(|who| {
                                            let selected = who == to;
                                            view! { <option value=who.clone() selected=selected>{name_of(&who)}</option> }
                                        }).collect_view()}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
        <Show when=more>
            <button type="button" class="button" on:click=move |_| shown.update(|n| *n += ROWS_AT_A_TIME)>{move || i18n.t(Key::ShowMore)}</button>
        </Show>
    }
}
