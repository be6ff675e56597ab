//! Save and Cancel at the foot of every form; Cancel goes back to where the user came from.

use crate::i18n::{Key, use_i18n};
use leptos::prelude::*;

#[component]
pub fn FormActions(
    /// Extra classes for the row (e.g. `sticky-actions` on long forms).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class=format!("actions {class}")>
            <button type="submit" class="button button-primary">{move || i18n.t(Key::Save)}</button>
            <button type="button" class="button" on:click=move |_| { let _ = window().history().map(|h| h.back()); }>
                {move || i18n.t(Key::Cancel)}
            </button>
        </div>
    }
}
