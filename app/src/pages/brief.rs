//! Visit brief (PRODUCT §8): one page to read before a client visit — talking points from the
//! soft profile and family ("two minutes of business, eight of life"), recent visits and favourite
//! items, open tasks, and the tier with what its playbook says now.

use crate::i18n::{Key, date_time, money, use_i18n};
use crate::profile_fields;
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::retention::summarize;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

/// Soft-profile fields worth a conversation, in the order to bring them up.
const TALKING: [&str; 7] = [
    "hometown",
    "hobbies",
    "work",
    "personality",
    "values",
    "favourites",
    "notes",
];

#[component]
pub fn VisitBrief() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = crate::org::use_org();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let Some(customer) = replica
        .records
        .with_untracked(|r| r.get(Kind::CUSTOMER, &id).cloned())
    else {
        return view! { <p class="empty">{i18n.t(Key::CustomerMissing)}</p> }.into_any();
    };
    let record = customer.record;
    // Open complaints come first: "don't open with the new dish: the soup was cold last time".
    let complaints: Vec<(String, huitou_shared::Record)> = replica.records.with_untracked(|r| {
        let held: Vec<&huitou_shared::merge::TrackedRecord> =
            r.children_of(Kind::COMPLAINT, &id).collect();
        huitou_shared::service::complaint::open_first(held.iter().map(|c| &c.record))
            .into_iter()
            .filter_map(|open| {
                held.iter()
                    .find(|c| std::ptr::eq(&c.record, open))
                    .map(|c| (c.id.clone(), c.record.clone()))
            })
            .collect()
    });
    let today =
        crate::pages::complaint::org_today(org.with_untracked(|o| o.settings.utc_offset_minutes));
    let (summary, visits, family, tasks) = replica.records.with_untracked(|r| {
        let history = crate::org::history(r, &id);
        let summary = org.with_untracked(|org| {
            summarize(
                &record,
                &history,
                chrono::Local::now().date_naive(),
                &org.rules,
            )
        });
        let mut visits: Vec<huitou_shared::Record> = r
            .children_of(Kind::VISIT, &id)
            .filter(|v| !v.record.is_deleted())
            .map(|v| v.record.clone())
            .collect();
        crate::sort::by(&mut visits, |a, b| b.text("at").cmp(&a.text("at")));
        let family: Vec<huitou_shared::Record> = r
            .children_of(Kind::FAMILY, &id)
            .map(|f| f.record.clone())
            .collect();
        let tasks: Vec<(String, String)> = r
            .children_of(Kind::TASK, &id)
            .filter(|t| !matches!(t.record.text("status"), Some("done" | "skipped")))
            .map(|t| {
                (
                    t.record.text("kind").unwrap_or_default().to_owned(),
                    t.record.text("due").unwrap_or_default().to_owned(),
                )
            })
            .collect();
        (summary, visits, family, tasks)
    });
    let totals = huitou_shared::visits::totals(visits.iter());
    let points: Vec<(String, String)> = TALKING
        .iter()
        .filter_map(|field| {
            let text = record.text(field).filter(|t| !t.trim().is_empty())?;
            let label = profile_fields::all().find(|s| s.field == *field)?.label;
            Some((i18n.t(label).to_owned(), text.to_owned()))
        })
        .chain(family.iter().filter_map(|member| {
            let name = member.text("name")?;
            let school = member
                .text("school")
                .map(|s| format!(" · {s}"))
                .unwrap_or_default();
            Some((
                i18n.t(Key::FamilyMembers).to_owned(),
                format!("{name}{school}"),
            ))
        }))
        .collect();
    // What the tier's playbook (the organisation's, or seed 004's default) says to do; follows
    // a manager's edit as it syncs in.
    let customer_tier = summary.tier;
    let tier = crate::i18n::tier_key(summary.tier);
    let name = record.text("name").unwrap_or_default().to_owned();
    view! {
        <section class="page brief">
            <h1>{i18n.t(Key::VisitBrief)} " · " {name.clone()}</h1>
            {(!complaints.is_empty()).then(|| view! {
                <section class="card attention" aria-label=i18n.t(Key::ComplaintsOpen)>
                    <h2>{i18n.t(Key::ComplaintsOpen)}</h2>
                    <p class="muted">{i18n.t(Key::OpenComplaintsFirst)}</p>
                    <ul class="list">
                        {complaints.iter().map(|(id, c)| crate::pages::complaint::complaint_line(id, c, i18n, today)).collect_view()}
                    </ul>
                </section>
            })}
            <p class="muted">{i18n.t(Key::TwoAndEight)}</p>
            <section class="card">
                <h2>{i18n.t(Key::TalkingPoints)}</h2>
                {if points.is_empty() {
                    view! { <p class="muted">{i18n.t(Key::NoTalkingPoints)}</p> }.into_any()
                } else {
                    view! { <dl class="facts">{points.into_iter().map(|(label, text)| view! { <dt>{label}</dt><dd>{text}</dd> }).collect_view()}</dl> }.into_any()
                }}
            </section>
            <section class="card">
                <h2>{i18n.t(Key::RecentVisits)}</h2>
                <ul class="list">
                    {visits.into_iter().take(3).map(|v| {
                        let amount = v.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                        let at = v.text("at").unwrap_or_default().to_owned();
                        view! { <li class="list-item"><span class="list-title">{move || money(amount, i18n.locale.get())}</span><span class="list-sub">{move || date_time(&at, i18n.locale.get())}</span></li> }
                    }).collect_view()}
                </ul>
                {(!totals.favourite_items.is_empty()).then(|| view! {
                    <p class="muted">{i18n.t(Key::FavouriteItems)} ": " {totals.favourite_items.iter().take(5).map(|(i, n)| format!("{i} ×{n}")).collect::<Vec<_>>().join("、")}</p>
                })}
            </section>
            <section class="card">
                <h2>{i18n.t(Key::OpenTasks)}</h2>
                <ul class="list">
                    {tasks.into_iter().map(|(kind, due)| view! {
                        <li class="list-item"><span class="list-title">{crate::pages::today::task_label(&kind, i18n)}</span><span class="list-sub">{due}</span></li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card">
                <h2>{i18n.t(Key::PlaybookNow)} " · " {i18n.t(tier)}</h2>
                {move || { let steps = org.with(|org| org.playbook(customer_tier).steps); if steps.is_empty() {
                    view! { <p>{i18n.t(Key::PlaybookOther)}</p> }.into_any()
                } else {
                    view! { <ul class="list playbook-steps">{steps.into_iter().map(|step| view! {
                        <li class="list-item">
                            <span class="list-title">{move || i18n.t(crate::i18n::action_key(step.action))}</span>
                            {(!step.note.is_empty()).then(|| view! { <span class="list-sub">{step.note.clone()}</span> })}
                        </li>
                    }).collect_view()}</ul> }.into_any()
                }}}
            </section>
        </section>
    }
    .into_any()
}
