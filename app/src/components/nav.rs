//! Navigation: a bottom bar on tablets, a side bar on laptops (the CSS decides).

use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Nav() -> impl IntoView {
    let i18n = use_i18n();
    let manager = use_replica().is_manager();
    view! {
        <nav class="nav" aria-label=move || i18n.t(Key::AppName)>
            <A href="/" exact=true attr:aria-label=move || i18n.t(Key::Today)>
                <span class="nav-icon" aria-hidden="true">"◎"</span>
                <span>{move || i18n.t(Key::Today)}</span>
            </A>
            <A href="/customers" exact=true attr:aria-label=move || i18n.t(Key::Customers)>
                <span class="nav-icon" aria-hidden="true">"☰"</span>
                <span>{move || i18n.t(Key::Customers)}</span>
            </A>
            <A href="/visit" attr:class="nav-primary" attr:aria-label=move || i18n.t(Key::LogVisit)>
                <span class="nav-icon" aria-hidden="true">"+"</span>
                <span>{move || i18n.t(Key::LogVisit)}</span>
            </A>
            <A href="/pool" attr:aria-label=move || i18n.t(Key::SharedPool)>
                <span class="nav-icon" aria-hidden="true">"◌"</span>
                <span>{move || i18n.t(Key::SharedPool)}</span>
            </A>
            {manager.then(|| view! {
                <A href="/insights" attr:aria-label=move || i18n.t(Key::Insights)>
                    <span class="nav-icon" aria-hidden="true">"▤"</span>
                    <span>{move || i18n.t(Key::Insights)}</span>
                </A>
            })}
            <A href="/settings" attr:aria-label=move || i18n.t(Key::Settings)>
                <span class="nav-icon" aria-hidden="true">"⚙"</span>
                <span>{move || i18n.t(Key::Settings)}</span>
            </A>
        </nav>
    }
}
