//! The organisation's own days (`/settings/days`): the store's anniversary, local festivals,
//! events. Everyone sees the list (Today shows the days of the next 30); managers add and remove
//! them as `org_day` records, which only they may write (`Kind::MANAGED`).

use crate::i18n::{I18n, Key, Locale, use_i18n};
use crate::replica::use_replica;
use chrono::{Days, Local, NaiveDate};
use huitou_shared::Kind;
use huitou_shared::customer::Calendar;
use huitou_shared::customer::lunar::{self, LunarDate};
use huitou_shared::retention::org_days::OrgDay;
use leptos::prelude::*;
use serde_json::Value;

/// How far ahead the list looks for a day's next date (a lunar year is at most 13 months).
const NEXT_WITHIN_DAYS: u64 = 800;

/// The day's date as people say it: "09-18", "2026-09-18", "农历 八月十五", "农历 2026 正月十五".
fn date_text(day: &OrgDay, i18n: I18n) -> String {
    match day.calendar {
        Calendar::Solar => day.date_text(),
        Calendar::Lunar => {
            let traditional = i18n.locale.get() == Locale::ZhTw;
            let lunar_day = LunarDate {
                year: day.year.unwrap_or_default(),
                month: day.month,
                leap: false,
                day: day.day,
            };
            let year = day.year.map(|y| format!("{y} ")).unwrap_or_default();
            format!(
                "{} {year}{}",
                i18n.t(Key::Lunar),
                lunar::format(&lunar_day, traditional)
            )
        }
    }
}

#[component]
pub fn OurDays() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let manager = replica.is_manager();
    let today = Local::now().date_naive();
    let horizon = today
        .checked_add_days(Days::new(NEXT_WITHIN_DAYS))
        .unwrap_or(today);
    // Every day with its next date, the soonest first and the days that have passed last.
    let days = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut days: Vec<(Option<NaiveDate>, String, OrgDay)> = r
                .of_kind(Kind::ORG_DAY)
                .filter_map(|d| {
                    let day = OrgDay::from_record(&d.record)?;
                    let next = day.between(today, horizon).first().copied();
                    Some((next, d.id.clone(), day))
                })
                .collect();
            crate::sort::by(&mut days, |a, b| {
                (a.0.is_none(), a.0, &a.2.name, &a.1).cmp(&(b.0.is_none(), b.0, &b.2.name, &b.1))
            });
            days
        })
    });
    let remove = move |id: String| {
        replica.spawn_edit(
            Kind::ORG_DAY,
            id,
            vec![("deleted".to_owned(), Value::Bool(true))],
        );
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::OurDays)}</h1>
            <p class="muted">{move || i18n.t(Key::OurDaysHelp)}</p>
            <section class="card">
                <Show when=move || !days.with(Vec::is_empty) fallback=move || view! { <p class="muted">{move || i18n.t(Key::NoOurDays)}</p> }>
                    <ul class="list" aria-label=move || i18n.t(Key::OurDays)>
                        {move || days.get().into_iter().map(|(next, id, day)| {
                            let repeats = if day.year.is_some() { Key::OnceOnly } else { Key::EveryYear };
                            let when = move || match next {
                                Some(date) => i18n.t(Key::NextOn).replace("{date}", &crate::i18n::day(date, i18n.locale.get())),
                                None => i18n.t(Key::DayPassed).to_owned(),
                            };
                            let (title, name) = (day.name.clone(), day.name.clone());
                            view! {
                                <li class="list-item">
                                    <span class="list-title">{title}</span>
                                    <span class="list-sub">{move || date_text(&day, i18n)} " · " {move || i18n.t(repeats)} " · " {when}</span>
                                    {manager.then(|| view! {
                                        <button type="button" class="button button-danger" aria-label=move || format!("{} {name}", i18n.t(Key::Remove))
                                            on:click=move |_| remove(id.clone())>{move || i18n.t(Key::Remove)}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </section>
            {manager.then(|| view! { <NewOurDay/> })}
        </section>
    }
}

/// The managers' form for a new day: name, every year or once, solar or lunar, the date.
#[component]
fn NewOurDay() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let name = RwSignal::new(String::new());
    let once = RwSignal::new(false);
    let lunar = RwSignal::new(false);
    let (year, month, day) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let error = RwSignal::new(None::<Key>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = name.get_untracked();
        if typed.trim().is_empty() {
            error.set(Some(Key::OurDayNeedsName));
            return;
        }
        let number = |text: RwSignal<String>| text.get_untracked().trim().parse::<u32>().ok();
        let calendar = if lunar.get_untracked() {
            Calendar::Lunar
        } else {
            Calendar::Solar
        };
        let the_year = if once.get_untracked() {
            number(year).and_then(|y| i32::try_from(y).ok()).map(Some)
        } else {
            Some(None)
        };
        let parts = the_year.zip(number(month).and_then(|m| u8::try_from(m).ok()));
        let parts = parts.zip(number(day).and_then(|d| u8::try_from(d).ok()));
        let Some(new_day) = parts.and_then(|((y, m), d)| OrgDay::new(&typed, calendar, y, m, d))
        else {
            error.set(Some(Key::OurDayNotADay));
            return;
        };
        error.set(None);
        let fields = new_day
            .fields()
            .into_iter()
            .map(|(field, value)| (field.to_owned(), value))
            .collect();
        replica.spawn_edit(Kind::ORG_DAY, huitou_shared::model::new_id(), fields);
        for text in [name, year, month, day] {
            text.set(String::new());
        }
    };
    let number = move |key: Key, field: &'static str, value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || i18n.t(key)}</span>
                <input type="number" inputmode="numeric" name=field
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    let choice = move |group: &'static str, key: Key, value: bool, signal: RwSignal<bool>| {
        view! {
            <label class="choice">
                <input type="radio" name=group prop:checked=move || signal.get() == value
                    on:change=move |_| signal.set(value)/>
                <span>{move || i18n.t(key)}</span>
            </label>
        }
    };
    view! {
        <form class="card form" on:submit=add aria-label=move || i18n.t(Key::NewOurDay)>
            <h2>{move || i18n.t(Key::NewOurDay)}</h2>
            <label class="field">
                <span>{move || i18n.t(Key::OurDayName)}</span>
                <input type="text" name="org_day_name" maxlength="200"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::Repeats)}</legend>
                <div class="choices">
                    {choice("org_day_repeats", Key::EveryYear, false, once)}
                    {choice("org_day_repeats", Key::OnceOnly, true, once)}
                </div>
            </fieldset>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::Calendar)}</legend>
                <div class="choices">
                    {choice("org_day_calendar", Key::Solar, false, lunar)}
                    {choice("org_day_calendar", Key::Lunar, true, lunar)}
                </div>
            </fieldset>
            <div class="row">
                <Show when=move || once.get()>{number(Key::Year, "org_day_year", year)}</Show>
                {number(Key::Month, "org_day_month", month)}
                {number(Key::Day, "org_day_day", day)}
            </div>
            {move || error.get().map(|key| view! { <p class="banner banner-warn" role="alert">{i18n.t(key)}</p> })}
            <div class="actions">
                <button type="submit" class="button button-primary">{move || i18n.t(Key::AddOurDay)}</button>
            </div>
        </form>
    }
}
