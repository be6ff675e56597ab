//! Inputs several forms share: a labelled date field that takes both typing and a date
//! picker's `change`, and the 1–5 star satisfaction picker.

use crate::i18n::{Key, use_i18n};
use leptos::prelude::*;

/// A labelled `<input type="date">` bound to `value` (`YYYY-MM-DD`, empty when not set).
#[component]
pub fn DateField(label: Key, name: &'static str, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{i18n.t(label)}</span>
            <input type="date" name=name prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:change=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// Satisfaction from one to five stars, under `legend`; each choice's label reads "★★★★4".
#[component]
pub fn Stars(legend: Key, value: RwSignal<Option<u8>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field">
            <legend>{i18n.t(legend)}</legend>
            <div class="choices">
                {(1u8..=5).map(|level| view! {
                    <label class="choice">
                        <input type="radio" name="satisfaction" value=level.to_string()
                            prop:checked=move || value.get() == Some(level)
                            on:change=move |_| value.set(Some(level))/>
                        <span>{"★".repeat(level as usize)}<span class="visually-hidden">{level}</span></span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}
