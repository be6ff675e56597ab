//! The Family tab: family members with their birthdays, added and edited in place.

use super::text::*;
use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub(super) fn FamilyTab(customer_id: String, family: Memo<Vec<TrackedRecord>>) -> impl IntoView {
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
                <span>{i18n.t(key)}</span>
                <input type="text" name=name_attr prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <section class="card">
            <h2>{i18n.t(Key::FamilyMembers)}</h2>
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
                <h3>{i18n.t(Key::AddFamilyMember)}</h3>
                <div class="grid-2">
                    <label class="field">
                        <span>{i18n.t(Key::FamilyRelation)}</span>
                        <select name="relation" on:change=move |ev| relation.set(event_target_value(&ev))>
                            {relations.into_iter().map(|(value, key)| view! {
                                <option value=value selected=move || relation.get() == value>{i18n.t(key)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    {input(Key::Name, "family_name", name)}
                </div>
                <div class="row">
                    <label class="field">
                        <span>{i18n.t(Key::Calendar)}</span>
                        <select name="family_calendar" on:change=move |ev| calendar.set(event_target_value(&ev))>
                            <option value="solar" selected=move || calendar.get() != "lunar">{i18n.t(Key::Solar)}</option>
                            <option value="lunar" selected=move || calendar.get() == "lunar">{i18n.t(Key::Lunar)}</option>
                        </select>
                    </label>
                    {input(Key::Year, "family_year", year)}
                    {input(Key::Month, "family_month", month)}
                    {input(Key::Day, "family_day", day)}
                </div>
                <Show when=move || calendar.get() == "lunar">
                    <label class="choice">
                        <input type="checkbox" name="family_leap" prop:checked=move || leap.get() on:change=move |ev| leap.set(event_target_checked(&ev))/>
                        <span>{i18n.t(Key::LeapMonth)}</span>
                    </label>
                </Show>
                {input(Key::School, "family_school", school)}
                <button type="submit" class="button button-primary">{i18n.t(Key::AddFamilyMember)}</button>
            </form>
        </section>
    }
}
