//! The library of standard answers (标准答复, PRODUCT §7): what to say for each kind of
//! complaint, in the reader's language. Everyone reads it (the complaint page shows the
//! category's answer on the Explain and Resolve steps); managers edit, add and remove answers,
//! which sync to every device as `answer` records.

use crate::i18n::{Key, use_i18n};
use crate::pages::complaint::{category_label, language_of};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::service::answers::{Answer, default_id, library};
use huitou_shared::service::complaint::CATEGORIES;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn AnswerLibrary() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let manager = replica.is_manager();
    let language = language_of(i18n);
    let answers = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut all: Vec<(String, Answer)> =
                library(r.of_kind(Kind::ANSWER).map(|a| (a.id.as_str(), &a.record)))
                    .into_iter()
                    .filter(|(_, a)| a.language == language)
                    .collect();
            let order = |c: &str| {
                CATEGORIES
                    .iter()
                    .position(|k| *k == c)
                    .unwrap_or(CATEGORIES.len())
            };
            crate::sort::by(&mut all, |a, b| {
                (order(&a.1.category), &a.0).cmp(&(order(&b.1.category), &b.0))
            });
            all
        })
    });
    let write = move |id: String, answer: &Answer| {
        let fields = answer
            .fields()
            .into_iter()
            .map(|(f, v)| (f.to_owned(), v))
            .collect();
        replica.spawn_edit(Kind::ANSWER, id, fields);
    };
    let new_category = RwSignal::new(CATEGORIES[0].to_owned());
    let new_text = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = new_text.get_untracked().trim().to_owned();
        if text.is_empty() {
            return;
        }
        let answer = Answer {
            category: new_category.get_untracked(),
            language,
            text,
        };
        write(huitou_shared::model::new_id(), &answer);
        new_text.set(String::new());
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::StandardAnswers)}</h1>
            <p class="muted">{move || i18n.t(Key::StandardAnswersHelp)}</p>
            {move || answers.get().into_iter().map(|(id, answer)| {
                let text = RwSignal::new(answer.text.clone());
                let label = category_label(&answer.category, i18n);
                let is_default = default_id(&answer.category, answer.language) == id;
                let (id1, id2) = (id.clone(), id.clone());
                let edited = answer.clone();
                view! {
                    <article class="card form">
                        <label class="field">
                            <span>{label.clone()}</span>
                            <textarea rows="3" disabled=!manager prop:value=move || text.get()
                                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </label>
                        {manager.then(|| view! {
                            <div class="actions">
                                <button type="button" class="button button-primary" aria-label=format!("{} {label}", i18n.t(Key::Save))
                                    on:click=move |_| {
                                        let mut answer = edited.clone();
                                        answer.text = text.get_untracked();
                                        if !answer.text.trim().is_empty() {
                                            write(id1.clone(), &answer);
                                        }
                                    }>{move || i18n.t(Key::Save)}</button>
                                {(!is_default).then(|| view! {
                                    <button type="button" class="button button-danger" aria-label=format!("{} {label}", i18n.t(Key::Remove))
                                        on:click=move |_| replica.spawn_edit(Kind::ANSWER, id2.clone(), vec![("deleted".to_owned(), Value::Bool(true))])>{move || i18n.t(Key::Remove)}</button>
                                })}
                            </div>
                        })}
                    </article>
                }
            }).collect_view()}
            {manager.then(|| view! {
                <form class="card form" on:submit=add>
                    <h2>{move || i18n.t(Key::NewAnswer)}</h2>
                    <label class="field">
                        <span>{move || i18n.t(Key::ComplaintCategory)}</span>
                        <select name="answer_category" on:change=move |ev| new_category.set(event_target_value(&ev))>
                            {CATEGORIES.iter().map(|c| view! { <option value=*c>{move || category_label(c, i18n)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || i18n.t(Key::StandardAnswer)}</span>
                        <textarea rows="3" name="answer_text" prop:value=move || new_text.get()
                            on:input=move |ev| new_text.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="submit" class="button button-primary">{move || i18n.t(Key::AddAnswer)}</button>
                </form>
            })}
        </section>
    }
}
