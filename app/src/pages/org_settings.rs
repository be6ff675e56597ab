//! Organisation settings for managers: call windows and task thresholds (the `settings`
//! record), and the message template library (`template` records over the defaults).

use crate::i18n::{Key, use_i18n};
use crate::org::use_org;
use crate::pages::message::{kind_label, template_language};
use crate::replica::{Replica, use_replica};
use chrono::NaiveTime;
use huitou_shared::Kind;
use huitou_shared::retention::call_windows::{CallWindows, TimeRange};
use huitou_shared::retention::settings::OrgSettings;
use huitou_shared::retention::templates::{Language, Template, TemplateKind, library};
use leptos::prelude::*;
use serde_json::Value;

fn is_manager() -> bool {
    use_replica().is_manager()
}

/// Call windows (PRODUCT §8) and task thresholds (PRODUCT §6).
#[component]
pub fn CallSettings() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let manager = is_manager();
    let initial = org.with_untracked(|o| o.settings.clone());
    let forbidden = RwSignal::new(initial.call_windows.forbidden().to_vec());
    let best = RwSignal::new(initial.call_windows.best().to_vec());
    let follow_up = RwSignal::new(initial.task_rules.follow_up_min_amount.to_string());
    let thresholds = RwSignal::new(
        initial
            .task_rules
            .thank_you_thresholds
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let error = RwSignal::new(None::<Key>);
    let saved = RwSignal::new(false);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let Ok(windows) = CallWindows::new(forbidden.get_untracked(), best.get_untracked()) else {
            error.set(Some(Key::WholeDayForbidden));
            return;
        };
        let Some(amount) = follow_up
            .get_untracked()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|a| a.is_finite() && *a >= 0.0)
        else {
            error.set(Some(Key::BadNumber));
            return;
        };
        let parsed: Result<Vec<f64>, _> = thresholds
            .get_untracked()
            .split([',', '，', ' '])
            .filter(|t| !t.trim().is_empty())
            .map(|t| t.trim().parse::<f64>())
            .collect();
        let Some(list) = parsed
            .ok()
            .filter(|l| l.iter().all(|t| t.is_finite() && *t > 0.0))
        else {
            error.set(Some(Key::BadNumber));
            return;
        };
        error.set(None);
        save_settings(
            replica,
            vec![
                (
                    "call_windows".to_owned(),
                    serde_json::to_value(&windows).unwrap_or(Value::Null),
                ),
                ("follow_up_min_amount".to_owned(), Value::from(amount)),
                (
                    "thank_you_thresholds".to_owned(),
                    serde_json::to_value(&list).unwrap_or(Value::Null),
                ),
            ],
            saved,
        );
    };

    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::CallWindows)}</h1>
            <p class="muted">{move || i18n.t(Key::CallWindowsHelp)}</p>
            <form class="card form" on:submit=save>
                <fieldset disabled=!manager>
                    <Ranges title=Key::NoCallTimes ranges=forbidden/>
                    <Ranges title=Key::BestCallTimes ranges=best/>
                    <label class="field">
                        <span>{move || i18n.t(Key::FollowUpMinAmount)}</span>
                        <input type="number" min="0" step="any" inputmode="decimal" name="follow_up_min_amount"
                            prop:value=move || follow_up.get() on:input=move |ev| follow_up.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span>{move || i18n.t(Key::ThankYouThresholds)}</span>
                        <input type="text" inputmode="decimal" name="thank_you_thresholds"
                            prop:value=move || thresholds.get() on:input=move |ev| thresholds.set(event_target_value(&ev))/>
                    </label>
                </fieldset>
                {move || error.get().map(|key| view! { <p class="banner banner-warn" role="alert">{i18n.t(key)}</p> })}
                {manager.then(|| view! {
                    <div class="actions">
                        <button type="submit" class="button button-primary">{move || i18n.t(Key::Save)}</button>
                        <Show when=move || saved.get()><span class="muted" role="status">{move || i18n.t(Key::Saved)}</span></Show>
                    </div>
                })}
            </form>
        </section>
    }
}

/// When customers go to the shared pool (公海): days without a visit or contact, and whether
/// A-tier customers are exempt — two fields of the `settings` record.
#[component]
pub fn PoolSettings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::PoolAndFollowUps)}</h1>
            <h2>{move || i18n.t(Key::PoolSettings)}</h2>
            <p class="muted">{move || i18n.t(Key::ReturnToPoolHelp)}</p>
            <PoolForm/>
            <h2>{move || i18n.t(Key::EscalationSettings)}</h2>
            <EscalationForm/>
        </section>
    }
}

/// The escalation days (PRODUCT §10): when a missing follow-up is reminded, when a late one
/// alerts the manager, when the customer is flagged high-risk.
#[component]
fn EscalationForm() -> impl IntoView {
    use huitou_shared::retention::escalation::EscalationRules;
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let manager = is_manager();
    let initial = org.with_untracked(|o| o.settings.escalation);
    let follow_up = RwSignal::new(initial.follow_up_days.to_string());
    let alert = RwSignal::new(initial.alert_days.to_string());
    let high = RwSignal::new(initial.high_risk_days.to_string());
    let error = RwSignal::new(None::<Key>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let read = |text: RwSignal<String>| {
            text.get_untracked()
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=EscalationRules::MAX_DAYS).contains(n))
        };
        let (Some(f), Some(a), Some(h)) = (read(follow_up), read(alert), read(high)) else {
            error.set(Some(Key::BadNumber));
            return;
        };
        if h < a {
            error.set(Some(Key::HighRiskBeforeAlert));
            return;
        }
        error.set(None);
        save_settings(
            replica,
            vec![
                ("follow_up_days".to_owned(), Value::from(f)),
                ("escalation_alert_days".to_owned(), Value::from(a)),
                ("escalation_high_risk_days".to_owned(), Value::from(h)),
            ],
            saved,
        );
    };
    let input = move |key: Key, name: &'static str, value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || i18n.t(key)}</span>
                <input type="number" min="1" max="365" step="1" inputmode="numeric" name=name
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form class="card form" on:submit=save aria-label=move || i18n.t(Key::EscalationSettings)>
            <fieldset disabled=!manager>
                {input(Key::FollowUpDays, "follow_up_days", follow_up)}
                {input(Key::AlertDays, "escalation_alert_days", alert)}
                {input(Key::HighRiskDays, "escalation_high_risk_days", high)}
            </fieldset>
            {move || error.get().map(|key| view! { <p class="banner banner-warn" role="alert">{i18n.t(key)}</p> })}
            {manager.then(|| view! {
                <div class="actions">
                    <button type="submit" class="button button-primary" aria-label=move || format!("{}: {}", i18n.t(Key::Save), i18n.t(Key::EscalationSettings))>{move || i18n.t(Key::Save)}</button>
                    <Show when=move || saved.get()><span class="muted" role="status">{move || i18n.t(Key::Saved)}</span></Show>
                </div>
            })}
        </form>
    }
}

#[component]
fn PoolForm() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let manager = is_manager();
    let initial = org.with_untracked(|o| o.settings.pool);
    let days = RwSignal::new(initial.days.to_string());
    let exempt = RwSignal::new(initial.exempt_top_tier);
    let error = RwSignal::new(None::<Key>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let Some(n) = days
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= huitou_shared::customer::pool::PoolRules::MAX_DAYS)
        else {
            error.set(Some(Key::BadNumber));
            return;
        };
        error.set(None);
        save_settings(
            replica,
            vec![
                ("pool_days".to_owned(), Value::from(n)),
                (
                    "pool_exempt_top_tier".to_owned(),
                    Value::from(exempt.get_untracked()),
                ),
            ],
            saved,
        );
    };
    view! {
        <form class="card form" on:submit=save aria-label=move || i18n.t(Key::PoolSettings)>
            <fieldset disabled=!manager>
                <label class="field">
                    <span>{move || i18n.t(Key::PoolDays)}</span>
                    <input type="number" min="0" max="3650" step="1" inputmode="numeric" name="pool_days"
                        prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                </label>
                <label class="choice">
                    <input type="checkbox" name="pool_exempt_top_tier"
                        prop:checked=move || exempt.get() on:change=move |ev| exempt.set(event_target_checked(&ev))/>
                    <span>{move || i18n.t(Key::PoolExemptTop)}</span>
                </label>
            </fieldset>
            {move || error.get().map(|key| view! { <p class="banner banner-warn" role="alert">{i18n.t(key)}</p> })}
            {manager.then(|| view! {
                <div class="actions">
                    <button type="submit" class="button button-primary" aria-label=move || format!("{}: {}", i18n.t(Key::Save), i18n.t(Key::PoolSettings))>{move || i18n.t(Key::Save)}</button>
                    <Show when=move || saved.get()><span class="muted" role="status">{move || i18n.t(Key::Saved)}</span></Show>
                </div>
            })}
        </form>
    }
}

/// Writes `fields` of the organisation's `settings` record (one synced edit); `saved` says so.
fn save_settings(replica: Replica, fields: Vec<(String, Value)>, saved: RwSignal<bool>) {
    leptos::task::spawn_local(async move {
        match replica
            .edit(Kind::SETTINGS, OrgSettings::RECORD_ID, fields)
            .await
        {
            Ok(()) => saved.set(true),
            Err(e) => replica.storage_error.set(Some(e.to_string())),
        }
    });
}

/// A list of daily time spans with from/until inputs, add and remove.
#[component]
fn Ranges(title: Key, ranges: RwSignal<Vec<TimeRange>>) -> impl IntoView {
    let i18n = use_i18n();
    let parse = |text: &str| NaiveTime::parse_from_str(text, "%H:%M").ok();
    let count = Memo::new(move |_| ranges.with(Vec::len));
    view! {
        <fieldset class="ranges">
            <legend>{move || i18n.t(title)}</legend>
            // Rows re-render when one is added or removed, not on every edit of a time.
            {move || (0..count.get()).map(|n| {
                let get = move |until: bool| move || ranges.with(|r| r.get(n).map(|r| if until { r.until } else { r.from }).map(|t| t.format("%H:%M").to_string()).unwrap_or_default());
                let set = move |until: bool| move |ev: leptos::ev::Event| {
                    if let Some(time) = parse(&event_target_value(&ev)) {
                        ranges.update(|r| if let Some(range) = r.get_mut(n) { if until { range.until = time } else { range.from = time } });
                    }
                };
                let label = move |key: Key| move || format!("{} {} {}", i18n.t(title), n + 1, i18n.t(key));
                view! {
                    <div class="range-row">
                        <label class="field field-small"><span>{move || i18n.t(Key::From)}</span>
                            <input type="time" aria-label=label(Key::From) prop:value=get(false) on:change=set(false)/></label>
                        <label class="field field-small"><span>{move || i18n.t(Key::Until)}</span>
                            <input type="time" aria-label=label(Key::Until) prop:value=get(true) on:change=set(true)/></label>
                        <button type="button" class="button" aria-label=move || format!("{} {} {}", i18n.t(Key::Remove), i18n.t(title), n + 1)
                            on:click=move |_| ranges.update(|r| { if n < r.len() { r.remove(n); } })>{move || i18n.t(Key::Remove)}</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="button" aria-label=move || format!("{} {}", i18n.t(Key::AddTimeRange), i18n.t(title))
                on:click=move |_| ranges.update(|r| r.extend(TimeRange::hm((12, 0), (13, 0))))>{move || i18n.t(Key::AddTimeRange)}</button>
        </fieldset>
    }
}

/// The message template library: edit any template (defaults included), add and remove.
#[component]
pub fn TemplateLibrary() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let manager = is_manager();
    let templates = Memo::new(move |_| {
        replica.records.with(|r| {
            library(
                r.of_kind(Kind::TEMPLATE)
                    .map(|t| (t.id.as_str(), &t.record))
                    .collect::<Vec<_>>(),
            )
        })
    });
    let write = move |id: String, fields: Vec<(String, Value)>| {
        replica.spawn_edit(Kind::TEMPLATE, id, fields);
    };
    let template_fields = |template: &Template| -> Vec<(String, Value)> {
        template
            .fields()
            .into_iter()
            .map(|(f, v)| (f.to_owned(), v))
            .collect()
    };
    let new_kind = RwSignal::new(TemplateKind::Holiday);
    // A new template starts in the app's language: a 繁體中文 manager writes Traditional ones.
    let new_language = RwSignal::new(template_language(i18n.locale.get_untracked()));
    let new_text = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = new_text.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let template = Template {
            kind: new_kind.get_untracked(),
            language: new_language.get_untracked(),
            text,
        };
        write(huitou_shared::model::new_id(), template_fields(&template));
        new_text.set(String::new());
    };
    let language_label = move |language: Language| match language {
        Language::Zh => i18n.t(Key::SimplifiedChinese),
        Language::ZhTw => i18n.t(Key::TraditionalChinese),
        Language::En => i18n.t(Key::English),
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::Templates)}</h1>
            <p class="muted">{move || i18n.t(Key::TemplatesHelp)}</p>
            {move || templates.get().into_iter().map(|(id, template)| {
                let text = RwSignal::new(template.text.clone());
                let label = format!("{} · {}", kind_label(template.kind, i18n), language_label(template.language));
                let is_default = Template::default_id(template.kind, template.language) == id;
                let (id1, id2) = (id.clone(), id.clone());
                let edited = template.clone();
                view! {
                    <article class="card form template">
                        <label class="field">
                            <span>{label.clone()}</span>
                            <textarea rows="3" disabled=!manager prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </label>
                        {manager.then(|| view! {
                            <div class="actions">
                                <button type="button" class="button button-primary" aria-label=format!("{} {label}", i18n.t(Key::Save))
                                    on:click=move |_| {
                                        let mut template = edited.clone();
                                        template.text = text.get_untracked();
                                        if !template.text.trim().is_empty() {
                                            write(id1.clone(), template_fields(&template));
                                        }
                                    }>{move || i18n.t(Key::Save)}</button>
                                {(!is_default).then(|| view! {
                                    <button type="button" class="button button-danger" aria-label=format!("{} {label}", i18n.t(Key::Remove))
                                        on:click=move |_| write(id2.clone(), vec![("deleted".to_owned(), Value::Bool(true))])>{move || i18n.t(Key::Remove)}</button>
                                })}
                            </div>
                        })}
                    </article>
                }
            }).collect_view()}
            {manager.then(|| view! {
                <form class="card form" on:submit=add>
                    <h2>{move || i18n.t(Key::NewTemplate)}</h2>
                    <label class="field">
                        <span>{move || i18n.t(Key::TemplateKind)}</span>
                        <select name="template_kind" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some(kind) = TemplateKind::ALL.into_iter().find(|k| k.as_str() == value) { new_kind.set(kind) }
                        }>
                            {TemplateKind::ALL.into_iter().map(|kind| view! { <option value=kind.as_str()>{move || kind_label(kind, i18n)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || i18n.t(Key::TemplateLanguage)}</span>
                        <select name="template_language" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some(language) = Language::ALL.into_iter().find(|l| l.as_str() == value) { new_language.set(language) }
                        }>
                            {Language::ALL.into_iter().map(|language| view! {
                                <option value=language.as_str() selected=move || new_language.get() == language>{move || language_label(language)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || i18n.t(Key::TemplateText)}</span>
                        <textarea rows="3" name="template_text" prop:value=move || new_text.get() on:input=move |ev| new_text.set(event_target_value(&ev))></textarea>
                    </label>
                    <p class="muted">{move || i18n.t(Key::PlaceholdersHelp)}</p>
                    <button type="submit" class="button button-primary">{move || i18n.t(Key::AddTemplate)}</button>
                </form>
            })}
        </section>
    }
}
