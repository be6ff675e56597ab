//! A customer's page: header with one-tap actions, then tabs — timeline, profile, family, visits,
//! contacts, field history, tier, tasks (PRODUCT §13). One file per tab; `text` holds how values
//! and fields read.

#[cfg(feature = "manager")]
pub mod erase;
mod family;
mod history;
#[cfg(feature = "manager")]
pub mod loyalty_tools;
pub mod membership;
#[cfg(feature = "manager")]
pub mod merge;
#[cfg(feature = "manager")]
pub mod reassign;
mod text;
mod tier;
mod visits;

pub use text::{birthday_text, channel_label, field_label, show_value};

use crate::i18n::{Key, date_time, money, use_i18n};
use crate::profile_fields::{self, FieldSpec};
use crate::replica::use_replica;
use family::FamilyTab;
use history::FieldHistory;
use huitou_shared::Kind;
use huitou_shared::customer::completeness;
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value;
use text::*;
#[cfg(feature = "manager")]
pub use tier::OverrideTier;
use tier::{TasksTab, TierTab};
use visits::VisitList;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let tab = RwSignal::new(Tab::Timeline);
    // Another customer opens on the timeline; an edit of this one keeps the tab.
    Effect::new(move |previous: Option<String>| {
        let current = id();
        if previous.is_some_and(|previous| previous != current) {
            tab.set(Tab::Timeline);
        }
        current
    });
    let customer = Memo::new(move |_| {
        replica
            .records
            .with(|r| r.get(Kind::CUSTOMER, &id()).cloned())
    });
    view! {
        <Show when=move || customer.with(Option::is_some) fallback=move || view! {
            <p class="empty">{i18n.t(Key::CustomerMissing)}</p>
        }>
            {move || customer.get().map(|c| view! { <Profile customer=c tab=tab/> })}
        </Show>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Timeline,
    Profile,
    Family,
    Visits,
    Contacts,
    Tasks,
    Service,
    Tier,
    Membership,
    History,
}

/// One entry of the timeline: when, what, and details.
#[derive(Clone)]
struct Entry {
    at: String,
    icon: &'static str,
    title: String,
    detail: String,
}

#[component]
fn Profile(
    customer: TrackedRecord,
    /// The open tab; owned by the page so an edit (which re-renders the profile) keeps it.
    tab: RwSignal<Tab>,
) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let navigate = use_navigate();
    let id = customer.id.clone();
    let record = customer.record.clone();
    let name = record.text("name").unwrap_or_default().to_owned();
    let phone = record.text("phone").unwrap_or_default().to_owned();
    let tags: Vec<String> = record
        .members("tag")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let deleted = record.is_deleted();
    let offer_log = RwSignal::new(None::<&'static str>);

    let children = {
        let id = id.clone();
        move |kind: &'static str| {
            let id = id.clone();
            Memo::new(move |_| {
                replica.records.with(|r| {
                    let mut list: Vec<TrackedRecord> = r
                        .children_of(kind, &id)
                        .filter(|v| !v.record.is_deleted())
                        .cloned()
                        .collect();
                    crate::sort::by(&mut list, |a, b| {
                        b.record.text("at").cmp(&a.record.text("at"))
                    });
                    list
                })
            })
        }
    };
    let visits = children(Kind::VISIT);
    let contacts = children(Kind::CONTACT);
    let family = children(Kind::FAMILY);
    let handovers = children(Kind::HANDOVER);
    let totals = Memo::new(move |_| {
        visits.with(|v| huitou_shared::visits::totals(v.iter().map(|v| &v.record)))
    });

    let timeline = {
        let customer = customer.clone();
        move || {
            let locale = i18n.locale.get();
            let mut entries: Vec<Entry> = Vec::new();
            for visit in visits.get() {
                let r = &visit.record;
                let amount = r.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                entries.push(Entry {
                    at: r.text("at").unwrap_or_default().to_owned(),
                    icon: "¥",
                    title: format!("{} {}", i18n.t(Key::Visits), money(amount, locale)),
                    detail: [
                        r.value("items").map(|v| show_value("items", v, i18n)),
                        r.text("note").map(str::to_owned),
                    ]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                });
            }
            for contact in contacts.get() {
                let r = &contact.record;
                entries.push(Entry {
                    at: r.text("at").unwrap_or_default().to_owned(),
                    icon: "☎",
                    title: format!(
                        "{} · {}",
                        i18n.t(Key::Contacts),
                        channel_label(r.text("channel").unwrap_or(""), i18n)
                    ),
                    detail: [
                        r.text("purpose").map(|p| purpose_text(p, i18n)),
                        r.text("outcome").map(str::to_owned),
                        r.text("next_step").map(str::to_owned),
                    ]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                });
            }
            for handover in handovers.get() {
                let r = &handover.record;
                let who = |field: &str| {
                    let id = r.text(field).unwrap_or_default();
                    replica
                        .records
                        .with(|all| all.person(id, i18n.t(Key::Left)))
                };
                entries.push(Entry {
                    at: r.text("at").unwrap_or_default().to_owned(),
                    icon: "⇄",
                    title: format!(
                        "{}: {} → {}",
                        i18n.t(Key::HandedOverNote),
                        who("from"),
                        who("to")
                    ),
                    detail: format!(
                        "{} {}",
                        author_text(r.fields.get("to").map_or("", |s| s.author.as_str()), i18n),
                        i18n.t(Key::ChangedBy)
                    ),
                });
            }
            for (field, state) in customer.record.fields.iter() {
                if matches!(field.as_str(), "owner" | "created_at") {
                    continue;
                }
                let (at, _) = written(state);
                entries.push(Entry {
                    at,
                    icon: "✎",
                    title: format!(
                        "{}: {}",
                        field_label(field, i18n),
                        show_value(field, &state.value, i18n)
                    ),
                    detail: format!(
                        "{} {}",
                        author_text(&state.author, i18n),
                        i18n.t(Key::ChangedBy)
                    ),
                });
            }
            crate::sort::by(&mut entries, |a, b| b.at.cmp(&a.at));
            entries
        }
    };

    let set_deleted = {
        let id = id.clone();
        move |value: bool| {
            replica.spawn_edit(
                Kind::CUSTOMER,
                id.clone(),
                vec![("deleted".into(), Value::Bool(value))],
            );
        }
    };

    let tab_button = move |which: Tab, key: Key| {
        view! {
            <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>{i18n.t(key)}</button>
        }
    };

    let contact_link = {
        let id = id.clone();
        move |channel: &'static str| format!("/customers/{id}/contact?channel={channel}")
    };

    view! {
        <section class="page profile">
            <header class="profile-header card">
                <h1>{name.clone()}</h1>
                {
                    // Tier, usual rhythm and dormancy from the shared retention rules (PRODUCT §5–§6),
                    // under the organisation's active rule set.
                    let org = crate::org::use_org();
                    let summary = replica.records.with_untracked(|r| org.with_untracked(|org| {
                        crate::org::summary(r, &id, chrono::Local::now().date_naive(), org)
                    }));
                    summary.map(|summary| {
                    let tier_key = crate::i18n::tier_key(summary.tier);
                    let reason = summary.tier_reason.clone();
                    view! {
                        <div class="tier-line">
                            <span class="tier-badge" aria-label=move || format!("{} {}", i18n.t(Key::Tier), i18n.t(tier_key))>{i18n.t(tier_key)}</span>
                            <span class="list-sub tier-reason">{move || crate::i18n::tier_reason(&reason, i18n)}</span>
                            <span class="list-sub">{move || format!("{} {} · {} {:.1}", i18n.t(Key::AvgMonthlySpend), money(summary.avg_monthly_spend, i18n.locale.get()), i18n.t(Key::VisitsPerMonth), summary.visits_per_month)}</span>
                            {summary.predicted_next_visit.map(|d| view! { <span class="list-sub">{i18n.t(Key::PredictedNextVisit)} " " {d.to_string()}</span> })}
                            {summary.dormant.then(|| view! { <span class="tag">{i18n.t(Key::DormantNotice)}</span> })}
                            {
                                // Escalation (PRODUCT §10): a follow-up this late flags the customer.
                                use huitou_shared::retention::escalation::{Escalation, escalation};
                                let rules = org.with_untracked(|o| o.settings.escalation);
                                let state = replica.records.with_untracked(|r| {
                                    let tasks: Vec<&huitou_shared::Record> = r.children_of(Kind::TASK, &id).map(|t| &t.record).collect();
                                    escalation(&tasks, None, None, false, chrono::Local::now().date_naive(), &rules)
                                });
                                match state {
                                    Escalation::Overdue { days, .. } if state.high_risk(&rules) => Some(view! {
                                        <span class="tag tag-risk" role="status">{move || i18n.t(Key::HighRiskDetail).replace("{n}", &days.to_string())}</span>
                                    }),
                                    _ => None,
                                }
                            }
                        </div>
                    }
                    })
                }
                <crate::pages::today::CallTiming/>
                <div class="tags">{tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}</div>
                {
                    // An erased customer is in the trash for good: say so, not "restore".
                    let erased = huitou_shared::customer::erasure::is_erased(&record);
                    deleted.then(|| view! { <p class="banner banner-warn" role="status">{move || i18n.t(if erased { Key::Erased } else { Key::InTrashNotice })}</p> })
                }
                <div class="actions">
                    {(!phone.is_empty()).then(|| {
                        // Calls follow the organisation's call windows here as on Today: outside
                        // them, when calling becomes polite instead of a call button.
                        let org = crate::org::use_org();
                        let phone = phone.clone();
                        view! {
                            {move || {
                                let now = chrono::Local::now().naive_local();
                                let (allowed, next) = org.with(|o| crate::pages::today::call_state(now, &o.settings.call_windows));
                                if allowed {
                                    view! { <a class="button" href=format!("tel:{phone}") on:click=move |_| offer_log.set(Some("call"))>{i18n.t(Key::Call)}</a> }.into_any()
                                } else {
                                    view! { <span class="muted call-later">{format!("{} {}", i18n.t(Key::CallFrom), next.format("%H:%M"))}</span> }.into_any()
                                }
                            }}
                            <A href=format!("/customers/{id}/message") attr:class="button">{i18n.t(Key::Message)}</A>
                        }
                    })}
                    <A href=format!("/visit/{id}") attr:class="button button-primary">{i18n.t(Key::LogVisit)}</A>
                    <A href=contact_link("call") attr:class="button">{i18n.t(Key::LogContact)}</A>
                    <A href=format!("/customers/{id}/complaint") attr:class="button">{i18n.t(Key::NewComplaint)}</A>
                    <A href=format!("/customers/{id}/task") attr:class="button">{i18n.t(Key::AddTask)}</A>
                    <A href=format!("/customers/{id}/brief") attr:class="button">{i18n.t(Key::VisitBrief)}</A>
                    <A href=format!("/customers/{id}/edit") attr:class="button">{i18n.t(Key::EditCustomer)}</A>
                    {if deleted && huitou_shared::customer::erasure::is_erased(&record) {
                        ().into_any()
                    } else if deleted {
                        let set_deleted = set_deleted.clone();
                        view! { <button type="button" class="button" on:click=move |_| set_deleted(false)>{i18n.t(Key::Restore)}</button> }.into_any()
                    } else {
                        let set_deleted = set_deleted.clone();
                        view! { <button type="button" class="button button-danger" on:click=move |_| set_deleted(true)>{i18n.t(Key::MoveToTrash)}</button> }.into_any()
                    }}
                </div>
                <Show when=move || offer_log.get().is_some()>
                    <div class="offer" role="status">
                        <span>{move || if offer_log.get() == Some("sms") { i18n.t(Key::LogThisMessage) } else { i18n.t(Key::LogThisCall) }}</span>
                        <button type="button" class="button button-primary" on:click={
                            let contact_link = contact_link.clone();
                            let navigate = navigate.clone();
                            move |_| navigate(&contact_link(offer_log.get_untracked().unwrap_or("call")), Default::default())
                        }>{i18n.t(Key::LogContact)}</button>
                        <button type="button" class="button" on:click=move |_| offer_log.set(None)>{i18n.t(Key::Dismiss)}</button>
                    </div>
                </Show>
            </header>
            <section class="card totals" aria-label=i18n.t(Key::Totals)>
                <dl class="figures">
                    <div><dt>{i18n.t(Key::VisitCount)}</dt><dd>{move || totals.with(|t| t.visit_count)}</dd></div>
                    <div><dt>{i18n.t(Key::TotalSpend)}</dt><dd>{move || money(totals.with(|t| t.total_spend), i18n.locale.get())}</dd></div>
                    <div><dt>{i18n.t(Key::AverageTicket)}</dt><dd>{move || money(totals.with(|t| t.average_ticket), i18n.locale.get())}</dd></div>
                    <div><dt>{i18n.t(Key::LastVisit)}</dt><dd>{move || totals.with(|t| t.last_visit.as_deref().map(|at| date_time(at, i18n.locale.get())).unwrap_or_else(|| i18n.t(Key::Never).to_owned()))}</dd></div>
                </dl>
                <Show when=move || totals.with(|t| !t.favourite_items.is_empty())>
                    <p class="muted">{i18n.t(Key::FavouriteItems)} ": "
                        {move || totals.with(|t| t.favourite_items.iter().take(5).map(|(item, n)| format!("{item} ×{n}")).collect::<Vec<_>>().join("、"))}
                    </p>
                </Show>
            </section>
            {
                let record = record.clone();
                move || {
                    let score = completeness::score(&record, family.with(Vec::len));
                    let missing: Vec<String> = score.missing_hard.iter().chain(&score.missing_soft)
                        .map(|field| if *field == "family" { i18n.t(Key::FamilyMembers).to_owned() } else { field_label(field, i18n) })
                        .collect();
                    view! {
                        <section class="card completeness" aria-label=i18n.t(Key::Completeness)>
                            <span class="list-title">{i18n.t(Key::Completeness)} " " {score.percent} "%"</span>
                            <div class="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow=score.percent
                                aria-label=i18n.t(Key::Completeness)>
                                <span style=format!("width: {}%", score.percent)></span>
                            </div>
                            {(!missing.is_empty()).then(|| view! {
                                <span class="list-sub">{i18n.t(Key::Missing)} ": " {missing.into_iter().take(8).collect::<Vec<_>>().join("、")}</span>
                            })}
                        </section>
                    }
                }
            }
            {crate::pages::manager_tools::merge_duplicates(customer.clone())}
            <div class="tabs" role="tablist">
                {tab_button(Tab::Timeline, Key::Timeline)}
                {tab_button(Tab::Profile, Key::Profile)}
                {tab_button(Tab::Family, Key::FamilyMembers)}
                {tab_button(Tab::Visits, Key::Visits)}
                {tab_button(Tab::Contacts, Key::Contacts)}
                {tab_button(Tab::Tasks, Key::Tasks)}
                {tab_button(Tab::Service, Key::ServiceTab)}
                {tab_button(Tab::Tier, Key::Tier)}
                {tab_button(Tab::Membership, Key::Membership)}
                {tab_button(Tab::History, Key::FieldHistory)}
            </div>
            {move || match tab.get() {
                Tab::Timeline => view! {
                    <ul class="list timeline" aria-label=i18n.t(Key::Timeline)>
                        {timeline().into_iter().map(|entry| view! {
                            <li class="list-item">
                                <span class="list-title"><span aria-hidden="true" class="icon">{entry.icon}</span>" "{entry.title}</span>
                                <span class="list-sub">{date_time(&entry.at, i18n.locale.get())}</span>
                                <span class="list-sub">{entry.detail}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Tab::Profile => view! {
                    <ProfileFacts record=record.clone()/>
                    {replica.is_manager().then(|| crate::pages::manager_tools::move_customer(id.clone(), record.text("owner").map(str::to_owned)))}
                    {(replica.is_manager() && !huitou_shared::customer::erasure::is_erased(&record)).then(|| crate::pages::manager_tools::erase_customer(id.clone(), record.text("name").unwrap_or_default().to_owned()))}
                }.into_any(),
                Tab::Family => view! { <FamilyTab customer_id=id.clone() family=family/> }.into_any(),
                Tab::Visits => view! { <VisitList visits=visits/> }.into_any(),
                Tab::Contacts => view! {
                    <Show when=move || !contacts.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoHistory)}</p> }>
                        <ul class="list" aria-label=i18n.t(Key::Contacts)>
                            {move || contacts.get().into_iter().map(|c| view! {
                                <li class="list-item">
                                    <span class="list-title">{channel_label(c.record.text("channel").unwrap_or(""), i18n)} " · " {purpose_text(c.record.text("purpose").unwrap_or_default(), i18n)}</span>
                                    <span class="list-sub">{date_time(c.record.text("at").unwrap_or_default(), i18n.locale.get())}</span>
                                    <span class="list-sub">{c.record.text("outcome").unwrap_or_default().to_owned()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </Show>
                }.into_any(),
                Tab::Tasks => view! { <TasksTab customer_id=id.clone()/> }.into_any(),
                Tab::Service => view! { <crate::pages::service::ServiceTab customer_id=id.clone()/> }.into_any(),
                Tab::Tier => view! { <TierTab customer_id=id.clone()/> }.into_any(),
                Tab::Membership => view! { <membership::MembershipTab customer_id=id.clone()/> }.into_any(),
                Tab::History => view! { <FieldHistory customer=customer.clone()/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProfileFacts(record: huitou_shared::Record) -> impl IntoView {
    let i18n = use_i18n();
    let row = |label: String, value: String| view! { <dt>{label}</dt><dd>{value}</dd> };
    let section = move |title: Key, specs: &'static [FieldSpec], record: &huitou_shared::Record| {
        let rows = specs
            .iter()
            .filter_map(|spec| {
                let value = record.value(spec.field).filter(|v| !v.is_null())?;
                Some(row(
                    i18n.t(spec.label).to_owned(),
                    show_value(spec.field, value, i18n),
                ))
            })
            .collect_view();
        view! { <section class="card"><h2>{i18n.t(title)}</h2><dl class="facts">{rows}</dl></section> }
    };
    let owner = record.text("owner").map(|id| author_text(id, i18n));
    let basic = [
        ("phone", Key::Phone),
        ("gender", Key::Gender),
        ("birthday", Key::Birthday),
        ("anniversary:wedding", Key::WeddingAnniversary),
        ("anniversary:founding", Key::FoundingAnniversary),
        ("consent", Key::Consent),
    ]
    .into_iter()
    .filter_map(|(field, key)| {
        let value = record.value(field).filter(|v| !v.is_null())?;
        Some(row(i18n.t(key).to_owned(), show_value(field, value, i18n)))
    })
    .chain(owner.map(|owner| row(i18n.t(Key::Owner).to_owned(), owner)))
    .collect_view();
    view! {
        <section class="card"><h2>{i18n.t(Key::Profile)}</h2><dl class="facts">{basic}</dl></section>
        {section(Key::HardData, profile_fields::HARD, &record)}
        {section(Key::SoftData, profile_fields::SOFT, &record)}
        {section(Key::Relationship, profile_fields::RELATIONSHIP, &record)}
    }
}
