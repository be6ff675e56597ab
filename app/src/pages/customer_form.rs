//! New and edit customer: hard data (with the birthday, and the wedding and founding
//! anniversaries under "More dates"), soft data and the relationship, in clear sections.
//! An edit sends only the fields that changed, so edits of different fields on two devices both stay.

use crate::components::form_actions::FormActions;
use crate::i18n::{I18n, Key, use_i18n};
use crate::profile_fields::{self, FieldSpec, Input};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::customer::{AnniversaryKind, Birthday, Candidate, DuplicateReason, duplicates};
use huitou_shared::merge::Record;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A birthday-shaped date (SYNC §1) as the text its inputs hold.
#[derive(Clone, Debug, Default, PartialEq)]
struct DateParts {
    calendar: String,
    year: String,
    month: String,
    day: String,
    leap: bool,
}

impl DateParts {
    fn from_value(value: Option<&Value>) -> Self {
        let part = |key: &str| {
            value
                .and_then(|b| b.get(key))
                .and_then(Value::as_u64)
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        Self {
            calendar: value
                .and_then(|b| b.get("calendar"))
                .and_then(Value::as_str)
                .unwrap_or("solar")
                .to_owned(),
            year: part("year"),
            month: part("month"),
            day: part("day"),
            leap: value
                .and_then(|b| b.get("leap"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }

    /// The value to store: `null` until both month and day are filled in.
    fn to_value(&self) -> Value {
        let month = self.month.trim().parse::<u64>().ok();
        let day = self.day.trim().parse::<u64>().ok();
        match (month, day) {
            (Some(month), Some(day)) => json!({
                "calendar": if self.calendar == "lunar" { "lunar" } else { "solar" },
                "year": self.year.trim().parse::<u64>().ok(),
                "month": month,
                "day": day,
                "leap": self.calendar == "lunar" && self.leap,
            }),
            _ => Value::Null,
        }
    }

    /// Empty, or a day that can happen.
    fn is_valid(&self) -> bool {
        let value = self.to_value();
        value.is_null() || Birthday::from_value(&value).is_some()
    }

    fn number(&self, part: Part) -> &String {
        match part {
            Part::Year => &self.year,
            Part::Month => &self.month,
            Part::Day => &self.day,
        }
    }

    fn number_mut(&mut self, part: Part) -> &mut String {
        match part {
            Part::Year => &mut self.year,
            Part::Month => &mut self.month,
            Part::Day => &mut self.day,
        }
    }
}

/// A number input of a date.
#[derive(Clone, Copy)]
enum Part {
    Year,
    Month,
    Day,
}

/// One date of the form: the calendar, year, month and day inputs and, for a lunar date, the
/// leap-month box. `names` are the inputs' names (calendar, year, month, day, leap); `get` and
/// `set` pick the date in the form. Each input is named with the date ("Wedding anniversary
/// Year"), since the form has three.
fn date_inputs(
    form: RwSignal<Form>,
    i18n: I18n,
    legend: Key,
    names: [&'static str; 5],
    get: fn(&Form) -> &DateParts,
    set: fn(&mut Form) -> &mut DateParts,
) -> impl IntoView {
    let [calendar, year, month, day, leap] = names;
    let label = move |key: Key| move || format!("{} {}", i18n.t(legend), i18n.t(key));
    let lunar = move || form.with(|f| get(f).calendar == "lunar");
    let number = move |key: Key, name: &'static str, part: Part| {
        view! {
            <label class="field">
                <span>{i18n.t(key)}</span>
                <input type="number" inputmode="numeric" name=name aria-label=label(key)
                    prop:value=move || form.with(|f| get(f).number(part).clone())
                    on:input=move |ev| form.update(|f| *set(f).number_mut(part) = event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <fieldset class="field">
            <legend>{i18n.t(legend)}</legend>
            <div class="row">
                <label class="field">
                    <span>{i18n.t(Key::Calendar)}</span>
                    <select name=calendar aria-label=label(Key::Calendar) on:change=move |ev| form.update(|f| set(f).calendar = event_target_value(&ev))>
                        <option value="solar" selected=move || !lunar()>{i18n.t(Key::Solar)}</option>
                        <option value="lunar" selected=lunar>{i18n.t(Key::Lunar)}</option>
                    </select>
                </label>
                {number(Key::Year, year, Part::Year)}
                {number(Key::Month, month, Part::Month)}
                {number(Key::Day, day, Part::Day)}
            </div>
            <Show when=lunar>
                <label class="choice">
                    <input type="checkbox" name=leap aria-label=label(Key::LeapMonth) prop:checked=move || form.with(|f| get(f).leap)
                        on:change=move |ev| form.update(|f| set(f).leap = event_target_checked(&ev))/>
                    <span>{i18n.t(Key::LeapMonth)}</span>
                </label>
            </Show>
        </fieldset>
    }
}

/// What the form edits, as the text the inputs hold.
#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    name: String,
    phone: String,
    gender: String,
    birthday: DateParts,
    wedding: DateParts,
    founding: DateParts,
    tags: String,
    consent: bool,
    shared: bool,
    /// Every other text or choice field of `profile_fields`, by field name.
    fields: BTreeMap<&'static str, String>,
}

fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl Form {
    fn from_record(record: &Record) -> Self {
        let anniversary = |kind: AnniversaryKind| {
            DateParts::from_value(kind.field().and_then(|field| record.value(field)))
        };
        Self {
            name: record.text("name").unwrap_or_default().to_owned(),
            phone: record.text("phone").unwrap_or_default().to_owned(),
            gender: record.text("gender").unwrap_or_default().to_owned(),
            birthday: DateParts::from_value(record.value("birthday")),
            wedding: anniversary(AnniversaryKind::Wedding),
            founding: anniversary(AnniversaryKind::Founding),
            tags: record.members("tag").join(", "),
            consent: record
                .value("consent")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            shared: record
                .value("shared")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            fields: profile_fields::all()
                .map(|spec| (spec.field, text_of(record.value(spec.field))))
                .collect(),
        }
    }

    /// The dates of the form: `(field, parts, what to say when it is not a day)`.
    fn dates(&self) -> [(&'static str, &DateParts, Key); 3] {
        [
            ("birthday", &self.birthday, Key::BirthdayNotADay),
            (
                AnniversaryKind::Wedding.field().unwrap_or_default(),
                &self.wedding,
                Key::WeddingNotADay,
            ),
            (
                AnniversaryKind::Founding.field().unwrap_or_default(),
                &self.founding,
                Key::FoundingNotADay,
            ),
        ]
    }

    fn tag_list(&self) -> Vec<String> {
        self.tags
            .split([',', '，', '、'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn check(&self) -> Result<(), Key> {
        if self.name.trim().is_empty() {
            Err(Key::NameRequired)
        } else if self.phone.trim().chars().count() > 32 {
            Err(Key::PhoneTooLong)
        } else if let Some((_, _, not_a_day)) = self
            .dates()
            .into_iter()
            .find(|(_, date, _)| !date.is_valid())
        {
            Err(not_a_day)
        } else {
            Ok(())
        }
    }

    /// The fields that differ from `before` (everything filled in, for a new customer).
    fn changes(&self, before: &Form) -> Vec<(String, Value)> {
        let mut fields = Vec::new();
        let text = |s: &str| {
            if s.trim().is_empty() {
                Value::Null
            } else {
                Value::String(s.trim().to_owned())
            }
        };
        let mut compare = |field: &str, now: &str, was: &str| {
            if now.trim() != was.trim() {
                fields.push((field.to_owned(), text(now)));
            }
        };
        compare("name", &self.name, &before.name);
        compare("phone", &self.phone, &before.phone);
        compare("gender", &self.gender, &before.gender);
        for spec in profile_fields::all() {
            let now = self
                .fields
                .get(spec.field)
                .map(String::as_str)
                .unwrap_or("");
            let was = before
                .fields
                .get(spec.field)
                .map(String::as_str)
                .unwrap_or("");
            compare(spec.field, now, was);
        }
        for ((field, now, _), (_, was, _)) in self.dates().into_iter().zip(before.dates()) {
            if now.to_value() != was.to_value() {
                fields.push((field.to_owned(), now.to_value()));
            }
        }
        if self.consent != before.consent {
            fields.push(("consent".to_owned(), Value::Bool(self.consent)));
        }
        if self.shared != before.shared {
            fields.push(("shared".to_owned(), Value::Bool(self.shared)));
        }
        let (now, was) = (self.tag_list(), before.tag_list());
        for tag in now.iter().filter(|t| !was.contains(t)) {
            fields.push((format!("tag:{tag}"), Value::Bool(true)));
        }
        for tag in was.iter().filter(|t| !now.contains(t)) {
            fields.push((format!("tag:{tag}"), Value::Bool(false)));
        }
        fields
    }
}

#[component]
pub fn NewCustomer() -> impl IntoView {
    view! { <CustomerForm id=None/> }
}

#[component]
pub fn EditCustomer() -> impl IntoView {
    let params = use_params_map();
    view! { {move || view! { <CustomerForm id=params.with(|p| p.get("id"))/> }} }
}

/// One labelled input for a spec'd field.
fn spec_input(spec: &'static FieldSpec, form: RwSignal<Form>, i18n: I18n) -> AnyView {
    let value = move || form.with(|f| f.fields.get(spec.field).cloned().unwrap_or_default());
    let set = move |v: String| {
        form.update(|f| {
            f.fields.insert(spec.field, v);
        })
    };
    match spec.input {
        Input::Text => view! {
            <label class="field">
                <span>{move || i18n.t(spec.label)}</span>
                <input type="text" name=spec.field prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
            </label>
        }
        .into_any(),
        Input::LongText => view! {
            <label class="field">
                <span>{move || i18n.t(spec.label)}</span>
                <textarea name=spec.field rows="2" prop:value=value on:input=move |ev| set(event_target_value(&ev))></textarea>
            </label>
        }
        .into_any(),
        Input::Choice(choices) => view! {
            <label class="field">
                <span>{move || i18n.t(spec.label)}</span>
                <select name=spec.field on:change=move |ev| set(event_target_value(&ev))>
                    <option value="" selected=move || value().is_empty()>{i18n.t(Key::Choose)}</option>
                    {choices.iter().map(|(choice, key)| view! {
                        <option value=*choice selected=move || value() == *choice>{move || i18n.t(*key)}</option>
                    }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
    }
}

#[component]
fn CustomerForm(id: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let navigate = use_navigate();
    let before = id
        .as_ref()
        .and_then(|id| {
            replica.records.with_untracked(|r| {
                r.get(Kind::CUSTOMER, id)
                    .map(|c| Form::from_record(&c.record))
            })
        })
        .unwrap_or_default();
    let form = RwSignal::new(before.clone());
    // "More dates" starts open when the customer has an anniversary to show.
    let has_anniversary = [&before.wedding, &before.founding]
        .iter()
        .any(|date| !date.to_value().is_null());
    let error = RwSignal::new(None::<Key>);
    let is_new = id.is_none();
    // Said before saving: a new customer whose phone, or name and birthday, match someone we have.
    let duplicates = Memo::new(move |_| {
        if !is_new {
            return Vec::new();
        }
        let (name, phone, birthday) = form.with(|f| {
            (
                f.name.trim().to_owned(),
                f.phone.trim().to_owned(),
                f.birthday.to_value(),
            )
        });
        let birthday = Birthday::from_value(&birthday);
        let candidate = Candidate {
            name: &name,
            phone: Some(phone.as_str()).filter(|p| !p.is_empty()),
            birthday: birthday.as_ref(),
        };
        replica.records.with(|r| {
            duplicates::find(
                &candidate,
                r.of_kind(Kind::CUSTOMER)
                    .map(|c| (c.id.as_str(), &c.record)),
            )
            .into_iter()
            .map(|d| {
                let name = r
                    .get(Kind::CUSTOMER, &d.id)
                    .and_then(|c| c.record.text("name"))
                    .unwrap_or_default()
                    .to_owned();
                (d.id, name, d.reason)
            })
            .collect::<Vec<_>>()
        })
    });
    let record_id = id.unwrap_or_else(huitou_shared::model::new_id);
    // Who brought a new customer (转介绍): from "Brought a friend" (`?referrer=`) or picked here.
    let referrer = RwSignal::new(
        leptos_router::hooks::use_query_map()
            .with_untracked(|q| q.get("referrer"))
            .filter(|_| is_new)
            .map(|id| {
                let name = replica.records.with_untracked(|r| r.customer_name(&id));
                (id, name)
            }),
    );

    let save = {
        let record_id = record_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let current = form.get_untracked();
            if let Err(key) = current.check() {
                error.set(Some(key));
                return;
            }
            let mut fields = current.changes(&before);
            if is_new {
                let owner = replica
                    .session
                    .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))
                    .unwrap_or_default();
                fields.push(("owner".into(), Value::String(owner)));
                fields.push(("created_at".into(), Value::String(now_rfc3339())));
            }
            let referred_by = referrer.get_untracked().filter(|_| is_new);
            if referred_by.is_some() {
                fields.push(("source".into(), Value::String("referral".into())));
            }
            let record_id = record_id.clone();
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                if !fields.is_empty()
                    && let Err(e) = replica.edit(Kind::CUSTOMER, &record_id, fields).await
                {
                    replica.storage_error.set(Some(e.to_string()));
                    return;
                }
                if let Some((referrer, _)) = referred_by
                    && let Err(e) =
                        crate::pages::service::record_referral(replica, &referrer, &record_id).await
                {
                    replica.storage_error.set(Some(e));
                    return;
                }
                navigate(&format!("/customers/{record_id}"), Default::default());
            });
        }
    };

    let basic = move |key: Key,
                      name: &'static str,
                      kind: &'static str,
                      get: fn(&Form) -> String,
                      set: fn(&mut Form, String)| {
        view! {
            <label class="field">
                <span>{i18n.t(key)}</span>
                <input type=kind name=name prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/>
            </label>
        }
    };

    view! {
        <section class="page">
            <h1>{move || if is_new { i18n.t(Key::NewCustomer) } else { i18n.t(Key::EditCustomer) }}</h1>
            <form class="form" on:submit=save novalidate>
                <section class="card form">
                    <h2>{i18n.t(Key::HardData)}</h2>
                    {basic(Key::Name, "name", "text", |f| f.name.clone(), |f, v| f.name = v)}
                    {basic(Key::Phone, "phone", "tel", |f| f.phone.clone(), |f, v| f.phone = v)}
                    <fieldset class="field">
                        <legend>{i18n.t(Key::Gender)}</legend>
                        <div class="choices">
                            {[("female", Key::Female), ("male", Key::Male), ("other", Key::OtherGender)].into_iter().map(|(value, key)| view! {
                                <label class="choice">
                                    <input type="radio" name="gender" value=value
                                        prop:checked=move || form.with(|f| f.gender == value)
                                        on:change=move |_| form.update(|f| f.gender = value.to_owned())/>
                                    <span>{i18n.t(key)}</span>
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                    {date_inputs(form, i18n, Key::Birthday, ["calendar", "birth_year", "birth_month", "birth_day", "leap"], |f| &f.birthday, |f| &mut f.birthday)}
                    <details class="more" open=has_anniversary>
                        <summary>{i18n.t(Key::MoreDates)}</summary>
                        <div class="form">
                            {date_inputs(form, i18n, Key::WeddingAnniversary, ["wedding_calendar", "wedding_year", "wedding_month", "wedding_day", "wedding_leap"], |f| &f.wedding, |f| &mut f.wedding)}
                            {date_inputs(form, i18n, Key::FoundingAnniversary, ["founding_calendar", "founding_year", "founding_month", "founding_day", "founding_leap"], |f| &f.founding, |f| &mut f.founding)}
                        </div>
                    </details>
                    <label class="field">
                        <span>{i18n.t(Key::Tags)}</span>
                        <input type="text" name="tags" placeholder=i18n.t(Key::TagsHint)
                            prop:value=move || form.with(|f| f.tags.clone())
                            on:input=move |ev| form.update(|f| f.tags = event_target_value(&ev))/>
                    </label>
                    <div class="grid-2">
                        {profile_fields::HARD.iter().map(|spec| spec_input(spec, form, i18n)).collect_view()}
                    </div>
                </section>
                <section class="card form">
                    <h2>{i18n.t(Key::SoftData)}</h2>
                    <div class="grid-2">
                        {profile_fields::SOFT.iter().map(|spec| spec_input(spec, form, i18n)).collect_view()}
                    </div>
                </section>
                <section class="card form">
                    <h2>{i18n.t(Key::Relationship)}</h2>
                    <div class="grid-2">
                        {profile_fields::RELATIONSHIP.iter().map(|spec| spec_input(spec, form, i18n)).collect_view()}
                    </div>
                    <label class="choice">
                        <input type="checkbox" name="consent" prop:checked=move || form.with(|f| f.consent)
                            on:change=move |ev| form.update(|f| f.consent = event_target_checked(&ev))/>
                        <span>{i18n.t(Key::Consent)}</span>
                    </label>
                    <label class="choice">
                        <input type="checkbox" name="shared" prop:checked=move || form.with(|f| f.shared)
                            on:change=move |ev| form.update(|f| f.shared = event_target_checked(&ev))/>
                        <span>{i18n.t(Key::SharedCustomer)}</span>
                    </label>
                </section>
                {is_new.then(|| view! {
                    <section class="card">
                        <h2>{i18n.t(Key::ReferredBy)}</h2>
                        {move || referrer.get().map(|(_, name)| view! {
                            <p class="chips">
                                <span class="tag">{name.clone()}</span>
                                <button type="button" class="button" aria-label=move || format!("{} {name}", i18n.t(Key::RemoveReferrer))
                                    on:click=move |_| referrer.set(None)>{i18n.t(Key::RemoveReferrer)}</button>
                            </p>
                        })}
                        <crate::pages::service::PickCustomer label=Key::FindReferrer action=Key::ReferredByThis except=String::new()
                            on_pick=Callback::new(move |picked: (String, String)| referrer.set(Some(picked)))/>
                    </section>
                })}
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().map(|k| i18n.t(k))}</p>
                </Show>
                <Show when=move || !duplicates.with(Vec::is_empty)>
                    <section class="card duplicate-warning" role="alert">
                        <h2>{i18n.t(Key::PossibleDuplicate)}</h2>
                        <ul class="list">
                            {move || duplicates.get().into_iter().map(|(id, name, reason)| view! {
                                <li class="list-item">
                                    <span class="list-title">{name}</span>
                                    <span class="list-sub">{i18n.t(match reason {
                                        DuplicateReason::SamePhone => Key::SamePhone,
                                        DuplicateReason::SameNameAndBirthday => Key::SameNameBirthday,
                                    })}</span>
                                    <A href=format!("/customers/{id}") attr:class="button">{i18n.t(Key::OpenExisting)}</A>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                </Show>
                <FormActions class="sticky-actions"/>
            </form>
        </section>
    }
}

/// Now as RFC 3339 in the device's time zone.
pub fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}
