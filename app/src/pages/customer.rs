//! A customer's page: header with one-tap actions, then tabs — timeline, profile, family, visits,
//! contacts, field history (PRODUCT §13).

use crate::i18n::{I18n, Key, Locale, date_time, money, use_i18n};
use crate::profile_fields::{self, FieldSpec};
use crate::replica::use_replica;
use huitou_shared::customer::{Birthday, Calendar, completeness};
use huitou_shared::merge::{FieldState, TrackedRecord};
use huitou_shared::{Hlc, Kind};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value;

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
            <p class="empty">{move || i18n.t(Key::CustomerMissing)}</p>
        }>
            {move || customer.get().map(|c| view! { <Profile customer=c tab=tab/> })}
        </Show>
    }
}

fn gender_key(gender: &str) -> Option<Key> {
    match gender {
        "female" => Some(Key::Female),
        "male" => Some(Key::Male),
        "other" => Some(Key::OtherGender),
        _ => None,
    }
}

/// A birthday in both calendars when the year is known: "公历 1988-05-20 · 农历 戊辰年四月初五".
pub fn birthday_text(value: &Value, i18n: I18n) -> String {
    let Some(birthday) = Birthday::from_value(value) else {
        return String::new();
    };
    let (solar, lunar) = birthday.describe(i18n.locale.get_untracked() == Locale::ZhTw);
    let mut parts = Vec::new();
    if !solar.is_empty() {
        parts.push(format!("{} {solar}", i18n.t(Key::Solar)));
    }
    if let Some(lunar) = lunar {
        parts.push(format!("{} {lunar}", i18n.t(Key::Lunar)));
    }
    if birthday.calendar == Calendar::Lunar {
        parts.reverse();
    }
    parts.join(" · ")
}

/// A field value as the user reads it.
fn show_value(field: &str, value: &Value, i18n: I18n) -> String {
    match (field, value) {
        (_, Value::Null) => "—".to_owned(),
        ("gender", Value::String(g)) => gender_key(g)
            .map(|k| i18n.t(k).to_owned())
            .unwrap_or_else(|| g.clone()),
        ("birthday", v) => birthday_text(v, i18n),
        ("tier_override", v) => {
            let tier = v
                .get("tier")
                .and_then(|t| serde_json::from_value(t.clone()).ok())
                .map(|t| i18n.t(crate::i18n::tier_key(t)).to_owned())
                .unwrap_or_default();
            let reason = v.get("reason").and_then(Value::as_str).unwrap_or_default();
            format!("{tier} · {reason}")
        }
        ("merged_into", Value::String(id)) => use_replica()
            .records
            .with_untracked(|r| r.customer_name(id)),
        (_, Value::String(s)) => profile_fields::choice_label(field, s)
            .map(|k| i18n.t(k).to_owned())
            .unwrap_or_else(|| s.clone()),
        (_, Value::Bool(true)) => "✓".to_owned(),
        (_, Value::Bool(false)) => "✗".to_owned(),
        (_, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("、"),
        (_, other) => other.to_string(),
    }
}

fn field_label(field: &str, i18n: I18n) -> String {
    let key = match field {
        "name" => Some(Key::Name),
        "phone" => Some(Key::Phone),
        "gender" => Some(Key::Gender),
        "birthday" => Some(Key::Birthday),
        "consent" => Some(Key::Consent),
        "shared" => Some(Key::SharedCustomer),
        "deleted" => Some(Key::Deleted),
        "tier_override" => Some(Key::OverrideTier),
        "merged_into" => Some(Key::MergedInto),
        other => profile_fields::all()
            .find(|s| s.field == other)
            .map(|s| s.label),
    };
    match (key, field.strip_prefix("tag:")) {
        (Some(key), _) => i18n.t(key).to_owned(),
        (None, Some(tag)) => format!("{} {tag}", i18n.t(Key::Tags)),
        (None, None) => field.to_owned(),
    }
}

/// When a value was written (from its clock) as RFC 3339, and the device that wrote it.
fn written(state: &FieldState) -> (String, String) {
    match Hlc::parse(&state.hlc) {
        Ok(hlc) => {
            let when = js_sys::Date::new(&(hlc.millis as f64).into());
            (
                when.to_iso_string().as_string().unwrap_or_default(),
                hlc.device.to_string(),
            )
        }
        Err(_) => (String::new(), String::new()),
    }
}

fn author_text(author: &str, i18n: I18n) -> String {
    let me = use_replica()
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()));
    if me.as_deref() == Some(author) {
        i18n.t(Key::Me).to_owned()
    } else {
        author.chars().take(8).collect()
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
    Tier,
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
                    list.sort_by(|a, b| b.record.text("at").cmp(&a.record.text("at")));
                    list
                })
            })
        }
    };
    let visits = children(Kind::VISIT);
    let contacts = children(Kind::CONTACT);
    let family = children(Kind::FAMILY);
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
            entries.sort_by(|a, b| b.at.cmp(&a.at));
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
                on:click=move |_| tab.set(which)>{move || i18n.t(key)}</button>
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
                            <span class="tier-badge" aria-label=move || format!("{} {}", i18n.t(Key::Tier), i18n.t(tier_key))>{move || i18n.t(tier_key)}</span>
                            <span class="list-sub tier-reason">{move || crate::i18n::tier_reason(&reason, i18n)}</span>
                            <span class="list-sub">{move || format!("{} {} · {} {:.1}", i18n.t(Key::AvgMonthlySpend), money(summary.avg_monthly_spend, i18n.locale.get()), i18n.t(Key::VisitsPerMonth), summary.visits_per_month)}</span>
                            {summary.predicted_next_visit.map(|d| view! { <span class="list-sub">{move || i18n.t(Key::PredictedNextVisit)} " " {d.to_string()}</span> })}
                            {summary.dormant.then(|| view! { <span class="tag">{move || i18n.t(Key::DormantNotice)}</span> })}
                        </div>
                    }
                    })
                }
                <crate::pages::today::CallTiming/>
                <div class="tags">{tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}</div>
                {deleted.then(|| view! { <p class="banner banner-warn">{move || i18n.t(Key::InTrashNotice)}</p> })}
                <div class="actions">
                    {(!phone.is_empty()).then(|| view! {
                        <a class="button" href=format!("tel:{phone}") on:click=move |_| offer_log.set(Some("call"))>{move || i18n.t(Key::Call)}</a>
                        <A href=format!("/customers/{id}/message") attr:class="button">{move || i18n.t(Key::Message)}</A>
                    })}
                    <A href=format!("/visit/{id}") attr:class="button button-primary">{move || i18n.t(Key::LogVisit)}</A>
                    <A href=contact_link("call") attr:class="button">{move || i18n.t(Key::LogContact)}</A>
                    <A href=format!("/customers/{id}/brief") attr:class="button">{move || i18n.t(Key::VisitBrief)}</A>
                    <A href=format!("/customers/{id}/edit") attr:class="button">{move || i18n.t(Key::EditCustomer)}</A>
                    {if deleted {
                        let set_deleted = set_deleted.clone();
                        view! { <button type="button" class="button" on:click=move |_| set_deleted(false)>{move || i18n.t(Key::Restore)}</button> }.into_any()
                    } else {
                        let set_deleted = set_deleted.clone();
                        view! { <button type="button" class="button button-danger" on:click=move |_| set_deleted(true)>{move || i18n.t(Key::MoveToTrash)}</button> }.into_any()
                    }}
                </div>
                <Show when=move || offer_log.get().is_some()>
                    <div class="offer" role="status">
                        <span>{move || if offer_log.get() == Some("sms") { i18n.t(Key::LogThisMessage) } else { i18n.t(Key::LogThisCall) }}</span>
                        <button type="button" class="button button-primary" on:click={
                            let contact_link = contact_link.clone();
                            let navigate = navigate.clone();
                            move |_| navigate(&contact_link(offer_log.get_untracked().unwrap_or("call")), Default::default())
                        }>{move || i18n.t(Key::LogContact)}</button>
                        <button type="button" class="button" on:click=move |_| offer_log.set(None)>{move || i18n.t(Key::Dismiss)}</button>
                    </div>
                </Show>
            </header>
            <section class="card totals" aria-label=move || i18n.t(Key::Totals)>
                <dl class="figures">
                    <div><dt>{move || i18n.t(Key::VisitCount)}</dt><dd>{move || totals.with(|t| t.visit_count)}</dd></div>
                    <div><dt>{move || i18n.t(Key::TotalSpend)}</dt><dd>{move || money(totals.with(|t| t.total_spend), i18n.locale.get())}</dd></div>
                    <div><dt>{move || i18n.t(Key::AverageTicket)}</dt><dd>{move || money(totals.with(|t| t.average_ticket), i18n.locale.get())}</dd></div>
                    <div><dt>{move || i18n.t(Key::LastVisit)}</dt><dd>{move || totals.with(|t| t.last_visit.as_deref().map(|at| date_time(at, i18n.locale.get())).unwrap_or_else(|| i18n.t(Key::Never).to_owned()))}</dd></div>
                </dl>
                <Show when=move || totals.with(|t| !t.favourite_items.is_empty())>
                    <p class="muted">{move || i18n.t(Key::FavouriteItems)} ": "
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
                        <section class="card completeness" aria-label=move || i18n.t(Key::Completeness)>
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
            <MergeDuplicates customer=customer.clone()/>
            <div class="tabs" role="tablist">
                {tab_button(Tab::Timeline, Key::Timeline)}
                {tab_button(Tab::Profile, Key::Profile)}
                {tab_button(Tab::Family, Key::FamilyMembers)}
                {tab_button(Tab::Visits, Key::Visits)}
                {tab_button(Tab::Contacts, Key::Contacts)}
                {tab_button(Tab::Tasks, Key::Tasks)}
                {tab_button(Tab::Tier, Key::Tier)}
                {tab_button(Tab::History, Key::FieldHistory)}
            </div>
            {move || match tab.get() {
                Tab::Timeline => view! {
                    <ul class="list timeline" aria-label=move || i18n.t(Key::Timeline)>
                        {timeline().into_iter().map(|entry| view! {
                            <li class="list-item">
                                <span class="list-title"><span aria-hidden="true" class="icon">{entry.icon}</span>" "{entry.title}</span>
                                <span class="list-sub">{date_time(&entry.at, i18n.locale.get())}</span>
                                <span class="list-sub">{entry.detail}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Tab::Profile => view! { <ProfileFacts record=record.clone()/> }.into_any(),
                Tab::Family => view! { <FamilyTab customer_id=id.clone() family=family/> }.into_any(),
                Tab::Visits => view! { <VisitList visits=visits/> }.into_any(),
                Tab::Contacts => view! {
                    <Show when=move || !contacts.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoHistory)}</p> }>
                        <ul class="list" aria-label=move || i18n.t(Key::Contacts)>
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
                Tab::Tasks => view! { <crate::pages::customer_tier::TasksTab customer_id=id.clone()/> }.into_any(),
                Tab::Tier => view! { <crate::pages::customer_tier::TierTab customer_id=id.clone()/> }.into_any(),
                Tab::History => view! { <FieldHistory customer=customer.clone()/> }.into_any(),
            }}
        </section>
    }
}

/// A contact's purpose as the user reads it: planned tasks and templates by their label, typed text as typed.
fn purpose_text(purpose: &str, i18n: I18n) -> String {
    use huitou_shared::retention::templates::TemplateKind;
    if let Some(kind) = TemplateKind::ALL.iter().find(|k| k.as_str() == purpose) {
        return crate::pages::message::kind_label(*kind, i18n).to_owned();
    }
    match purpose {
        "follow_up" | "birthday" | "win_back" | "thank_referrer" | "call_referred" => {
            crate::pages::today::task_label(purpose, i18n).to_owned()
        }
        other => other.to_owned(),
    }
}

pub fn channel_label(channel: &str, i18n: I18n) -> &'static str {
    i18n.t(match channel {
        "call" => Key::ChannelCall,
        "sms" => Key::ChannelSms,
        "wechat" => Key::ChannelWechat,
        "visit" => Key::ChannelVisit,
        "gift" => Key::ChannelGift,
        "event" => Key::ChannelEvent,
        _ => Key::OtherOccasion,
    })
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

#[component]
fn VisitList(visits: Memo<Vec<TrackedRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    view! {
        <Show when=move || !visits.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoVisits)}</p> }>
            <ul class="list" aria-label=move || i18n.t(Key::Visits)>
                <For each=move || visits.get() key=|v| (v.id.clone(), v.record.last_hlc().map(str::to_owned)) let:visit>
                    <li class="list-item visit">
                        <span class="list-title">{
                            let amount = visit.record.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                            move || money(amount, i18n.locale.get())
                        }</span>
                        <span class="list-sub">{
                            let at = visit.record.text("at").unwrap_or_default().to_owned();
                            move || date_time(&at, i18n.locale.get())
                        }</span>
                        <span class="list-sub">{
                            let size = visit.record.value("party_size").and_then(Value::as_u64);
                            move || size.map(|n| format!("{n} {}", i18n.t(Key::People))).unwrap_or_default()
                        }</span>
                        <span class="list-sub">{visit.record.value("items").map(|v| show_value("items", v, i18n)).unwrap_or_default()}</span>
                        <span class="list-sub">{visit.record.text("note").unwrap_or_default().to_owned()}</span>
                        <span class="list-sub">{
                            // Companions are customer ids where known (who brings whom), names otherwise.
                            let names: Vec<String> = visit.record.value("companions").and_then(Value::as_array).into_iter().flatten()
                                .filter_map(Value::as_str)
                                .map(|c| replica.records.with_untracked(|r| r.get(Kind::CUSTOMER, c).and_then(|c| c.record.text("name")).map(str::to_owned)).unwrap_or_else(|| c.to_owned()))
                                .collect();
                            (!names.is_empty()).then(|| format!("{}: {}", i18n.t(Key::Companions), names.join("、")))
                        }</span>
                        <button type="button" class="button" aria-label=move || format!("{} {}", i18n.t(Key::Delete), visit.record.text("at").unwrap_or_default())
                            on:click={
                                let id = visit.id.clone();
                                move |_| {
                                    let id = id.clone();
                                    leptos::task::spawn_local(async move {
                                        if let Err(e) = replica.edit(Kind::VISIT, &id, vec![("deleted".into(), Value::Bool(true))]).await {
                                            replica.storage_error.set(Some(e.to_string()));
                                        }
                                    });
                                }
                            }>{move || i18n.t(Key::Delete)}</button>
                    </li>
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn FamilyTab(customer_id: String, family: Memo<Vec<TrackedRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let relation = RwSignal::new("spouse".to_owned());
    let name = RwSignal::new(String::new());
    let calendar = RwSignal::new("solar".to_owned());
    let month = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let leap = RwSignal::new(false);
    let school = RwSignal::new(String::new());
    let relations = [
        ("spouse", Key::Spouse),
        ("child", Key::Child),
        ("parent", Key::Parent),
        ("other", Key::OtherOccasion),
    ];
    let relation_label = move |r: &str| {
        i18n.t(relations
            .iter()
            .find(|(v, _)| *v == r)
            .map(|(_, k)| *k)
            .unwrap_or(Key::OtherOccasion))
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if name.get_untracked().trim().is_empty() {
            return;
        }
        let mut fields = vec![
            ("customer_id".to_owned(), Value::String(customer_id.clone())),
            (
                "relation".to_owned(),
                Value::String(relation.get_untracked()),
            ),
            (
                "name".to_owned(),
                Value::String(name.get_untracked().trim().to_owned()),
            ),
        ];
        if let (Ok(m), Ok(d)) = (
            month.get_untracked().trim().parse::<u64>(),
            day.get_untracked().trim().parse::<u64>(),
        ) {
            fields.push(("birthday".to_owned(), serde_json::json!({
                "calendar": calendar.get_untracked(), "year": year.get_untracked().trim().parse::<u64>().ok(),
                "month": m, "day": d, "leap": calendar.get_untracked() == "lunar" && leap.get_untracked(),
            })));
        }
        if !school.get_untracked().trim().is_empty() {
            fields.push((
                "school".to_owned(),
                Value::String(school.get_untracked().trim().to_owned()),
            ));
        }
        leptos::task::spawn_local(async move {
            match replica
                .edit(Kind::FAMILY, &huitou_shared::model::new_id(), fields)
                .await
            {
                Ok(()) => {
                    name.set(String::new());
                    month.set(String::new());
                    day.set(String::new());
                    year.set(String::new());
                    school.set(String::new());
                }
                Err(e) => replica.storage_error.set(Some(e.to_string())),
            }
        });
    };
    let input = move |key: Key, name_attr: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || i18n.t(key)}</span>
                <input type="text" name=name_attr prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <section class="card">
            <h2>{move || i18n.t(Key::FamilyMembers)}</h2>
            <Show when=move || !family.with(Vec::is_empty) fallback=move || view! { <p class="muted">{i18n.t(Key::NoFamily)}</p> }>
                <ul class="list">
                    {move || family.get().into_iter().map(|member| {
                        let r = member.record;
                        view! {
                            <li class="list-item">
                                <span class="list-title">{relation_label(r.text("relation").unwrap_or(""))} " · " {r.text("name").unwrap_or_default().to_owned()}</span>
                                <span class="list-sub">{r.value("birthday").map(|b| birthday_text(b, i18n)).unwrap_or_default()}</span>
                                <span class="list-sub">{r.text("school").unwrap_or_default().to_owned()}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <form class="form" on:submit=add>
                <h3>{move || i18n.t(Key::AddFamilyMember)}</h3>
                <div class="grid-2">
                    <label class="field">
                        <span>{move || i18n.t(Key::FamilyRelation)}</span>
                        <select name="relation" on:change=move |ev| relation.set(event_target_value(&ev))>
                            {relations.into_iter().map(|(value, key)| view! {
                                <option value=value selected=move || relation.get() == value>{move || i18n.t(key)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    {input(Key::Name, "family_name", name)}
                </div>
                <div class="row">
                    <label class="field">
                        <span>{move || i18n.t(Key::Calendar)}</span>
                        <select name="family_calendar" on:change=move |ev| calendar.set(event_target_value(&ev))>
                            <option value="solar" selected=move || calendar.get() != "lunar">{move || i18n.t(Key::Solar)}</option>
                            <option value="lunar" selected=move || calendar.get() == "lunar">{move || i18n.t(Key::Lunar)}</option>
                        </select>
                    </label>
                    {input(Key::Year, "family_year", year)}
                    {input(Key::Month, "family_month", month)}
                    {input(Key::Day, "family_day", day)}
                </div>
                <Show when=move || calendar.get() == "lunar">
                    <label class="choice">
                        <input type="checkbox" name="family_leap" prop:checked=move || leap.get() on:change=move |ev| leap.set(event_target_checked(&ev))/>
                        <span>{move || i18n.t(Key::LeapMonth)}</span>
                    </label>
                </Show>
                {input(Key::School, "family_school", school)}
                <button type="submit" class="button button-primary">{move || i18n.t(Key::AddFamilyMember)}</button>
            </form>
        </section>
    }
}

/// Every field's current value and the values it replaced or beat, with who, when and which device;
/// any earlier value comes back with one tap.
#[component]
fn FieldHistory(customer: TrackedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let id = customer.id.clone();
    let locale: Locale = i18n.locale.get_untracked();
    let mut fields: Vec<(String, FieldState)> = customer
        .record
        .fields
        .iter()
        .filter(|(f, _)| !matches!(f.as_str(), "owner" | "created_at"))
        .map(|(f, s)| (f.clone(), s.clone()))
        .collect();
    fields.sort_by(|a, b| b.1.hlc.cmp(&a.1.hlc));
    let old = customer.overwritten.clone();
    view! {
        <section class="card">
            <h2>{move || i18n.t(Key::FieldHistory)}</h2>
            <ul class="list history">
                {fields.into_iter().map(|(field, state)| {
                    let (at, device) = written(&state);
                    let earlier: Vec<FieldState> = old.iter().filter(|o| o.field == field).map(|o| o.state.clone()).rev().collect();
                    let label = field_label(&field, i18n);
                    view! {
                        <li class="list-item history-field">
                            <span class="list-title">{label.clone()} ": " {show_value(&field, &state.value, i18n)}</span>
                            <span class="list-sub">{i18n.t(Key::CurrentValue)} " · " {author_text(&state.author, i18n)} " · " {date_time(&at, locale)} " · " {i18n.t(Key::FromDevice)} " " {device}</span>
                            {earlier.into_iter().map(|state| {
                                let (at, device) = written(&state);
                                let shown = show_value(&field, &state.value, i18n);
                                let (id, field, value, label) = (id.clone(), field.clone(), state.value.clone(), label.clone());
                                let restore = move |_| {
                                    let (id, field, value) = (id.clone(), field.clone(), value.clone());
                                    leptos::task::spawn_local(async move {
                                        if let Err(e) = replica.edit(Kind::CUSTOMER, &id, vec![(field, value)]).await {
                                            replica.storage_error.set(Some(e.to_string()));
                                        }
                                    });
                                };
                                view! {
                                    <div class="overwritten">
                                        <span>{i18n.t(Key::Overwritten)} ": " {shown.clone()}</span>
                                        <span class="list-sub">{author_text(&state.author, i18n)} " · " {date_time(&at, locale)} " · " {i18n.t(Key::FromDevice)} " " {device}</span>
                                        <button type="button" class="button" on:click=restore
                                            aria-label=format!("{} {}: {}", i18n.t(Key::Restore), label, shown)>
                                            {i18n.t(Key::Restore)}
                                        </button>
                                    </div>
                                }
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// For managers: customers that look like this one (same phone, or name and birthday), each
/// mergeable into this one in one tap. The merge moves the duplicate's visits and contacts here,
/// fills fields this profile lacks and puts the duplicate in the trash — all as synced edits.
#[component]
fn MergeDuplicates(customer: TrackedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let manager = replica.is_manager();
    let kept_id = StoredValue::new(customer.id.clone());
    let found = Memo::new(move |_| {
        if !manager || customer.record.is_deleted() {
            return Vec::new();
        }
        let name = customer.record.text("name").unwrap_or_default().to_owned();
        let birthday = customer
            .record
            .value("birthday")
            .and_then(Birthday::from_value);
        let candidate = huitou_shared::customer::Candidate {
            name: &name,
            phone: customer.record.text("phone"),
            birthday: birthday.as_ref(),
        };
        replica.records.with(|r| {
            huitou_shared::customer::duplicates::find(
                &candidate,
                r.of_kind(Kind::CUSTOMER)
                    .filter(|c| c.id != customer.id)
                    .map(|c| (c.id.as_str(), &c.record)),
            )
            .into_iter()
            .map(|d| {
                let name = r
                    .get(Kind::CUSTOMER, &d.id)
                    .and_then(|c| c.record.text("name"))
                    .unwrap_or_default()
                    .to_owned();
                (d.id, name)
            })
            .collect::<Vec<_>>()
        })
    });
    let merge = move |duplicate_id: String| {
        let kept_id = kept_id.get_value();
        leptos::task::spawn_local(async move {
            let edits = replica.records.with_untracked(|r| {
                let (Some(kept), Some(duplicate)) = (
                    r.get(Kind::CUSTOMER, &kept_id),
                    r.get(Kind::CUSTOMER, &duplicate_id),
                ) else {
                    return Vec::new();
                };
                let children: Vec<(String, String)> = Kind::CHILDREN_OF_CUSTOMER
                    .iter()
                    .flat_map(|kind| {
                        r.children_of(kind, &duplicate_id)
                            .map(|c| (c.kind.clone(), c.id.clone()))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                huitou_shared::customer::merging::plan(
                    &kept_id,
                    &kept.record,
                    &duplicate_id,
                    &duplicate.record,
                    &children,
                )
            });
            for edit in edits {
                if let Err(e) = replica.edit(&edit.kind, &edit.id, edit.fields).await {
                    replica.storage_error.set(Some(e.to_string()));
                    return;
                }
            }
        });
    };
    view! {
        <Show when=move || !found.with(Vec::is_empty)>
            <section class="card duplicate-warning">
                <h2>{move || i18n.t(Key::PossibleDuplicate)}</h2>
                <ul class="list">
                    {move || found.get().into_iter().map(|(id, name)| {
                        let label = format!("{} {name}", i18n.t(Key::MergeInto));
                        view! {
                            <li class="list-item">
                                <A href=format!("/customers/{id}") attr:class="list-title">{name}</A>
                                <button type="button" class="button" aria-label=label on:click=move |_| merge(id.clone())>
                                    {i18n.t(Key::MergeInto)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
