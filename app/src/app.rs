//! `<App/>`: root contexts (language, theme, replica), sign-in gate, router and the shell.

use crate::components::{nav::Nav, sync_badge::SyncBadge};
use crate::i18n::{I18n, Key, Locale, use_i18n};
use crate::pages;
use crate::replica::{Replica, use_replica};
use crate::session::{self, Session, Theme};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    let locale = RwSignal::new(session::load_locale().unwrap_or_else(Locale::from_browser));
    provide_context(I18n { locale });
    let theme = RwSignal::new(session::load_theme());
    provide_context(theme);
    let replica = Replica::new(Session::load());
    provide_context(replica);
    crate::org::provide_org(replica);

    // Keep <html lang> and the theme attribute in step with the settings.
    Effect::new(move |_| {
        let root = document().document_element();
        if let Some(root) = root {
            let _ = root.set_attribute("lang", locale.get().tag());
            match theme.get() {
                Theme::System => {
                    let _ = root.remove_attribute("data-theme");
                }
                Theme::Light => {
                    let _ = root.set_attribute("data-theme", "light");
                }
                Theme::Dark => {
                    let _ = root.set_attribute("data-theme", "dark");
                }
            }
        }
    });

    register_service_worker();
    if let Some(session) = replica.session.get_untracked() {
        open_session(replica, session);
    }

    view! {
        <Router>
            <Show when=move || replica.session.with(Option::is_some) fallback=|| view! { <pages::login::Login/> }>
                <Show when=move || !replica.must_change_password.get() fallback=|| view! { <pages::login::ChoosePassword/> }>
                    <Shell/>
                </Show>
            </Show>
        </Router>
    }
}

/// Loads the user's replica from IndexedDB and starts syncing.
pub fn open_session(replica: Replica, session: Session) {
    if crate::bundle::switch_for(session.user.role) {
        return;
    }
    leptos::task::spawn_local(async move {
        match replica.open(&session).await {
            Ok(()) => {
                // The list is usable now; visits are read before the first sync, which needs
                // them (a revoked customer takes its visits along).
                if let Err(e) = replica.load_history().await {
                    replica.storage_error.set(Some(e.to_string()));
                }
                // An erasure whose clean-up was cut short (the tab closed) finishes now.
                if let Err(e) = replica.forget_erased(&replica.erased_customers()).await {
                    replica.storage_error.set(Some(e.to_string()));
                }
                crate::sync::start(replica, session);
            }
            Err(e) => replica.storage_error.set(Some(e.to_string())),
        }
    });
}

#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    view! {
        <div class="shell">
            // The bar and its warnings stay in view: a "not saved" must be seen where Save was tapped.
            <div class="top">
            <header class="topbar">
                <a class="brand" href="/">{move || i18n.t(Key::AppName)}</a>
                <SyncBadge/>
            </header>
            <Show when=move || replica.session_expired.get()>
                <p class="banner banner-warn" role="alert">{move || i18n.t(Key::SessionExpired)}</p>
            </Show>
            <Show when=move || { replica.erased_dropped.get() > 0 }>
                <p class="banner banner-warn" role="alert">
                    {move || i18n.t(Key::ErasedDropped).replace("{n}", &replica.erased_dropped.get().to_string())}
                    " "
                    <button type="button" class="button" on:click=move |_| replica.erased_dropped.set(0)>{move || i18n.t(Key::PoolDismiss)}</button>
                </p>
            </Show>
            <Show when=move || replica.device_full.get()>
                <p class="banner banner-error" role="alert">{move || i18n.t(Key::SyncStorageFull)}</p>
            </Show>
            <Show when=move || replica.storage_error.with(Option::is_some)>
                <p class="banner banner-error" role="alert">
                    {move || {
                        let detail = replica.storage_error.get().unwrap_or_default();
                        if crate::storage::is_full(&detail) {
                            i18n.t(Key::StorageFull).to_owned()
                        } else {
                            format!("{}: {detail}", i18n.t(Key::StorageError))
                        }
                    }}
                </p>
            </Show>
            </div>
            <main class="content">
                <Show when=move || replica.loaded.get() fallback=move || view! { <p class="muted">{i18n.t(Key::Loading)}</p> }>
                    {routes(i18n)}
                </Show>
            </main>
            <Nav/>
        </div>
    }
}

/// The app's routes, the manager screens' ones given by the bundle (`app_routes!`).
macro_rules! app_routes {
    ($i18n:ident; $($screens:tt)*) => {
        view! {
            <Routes fallback=move || view! { <p>{$i18n.t(Key::NotFound)}</p> }>
                <Route path=path!("/") view=pages::today::Today/>
                <Route path=path!("/customers") view=pages::customers::CustomerList/>
                <Route path=path!("/customers/new") view=pages::customer_form::NewCustomer/>
                <Route path=path!("/customers/:id") view=pages::customer::CustomerPage/>
                <Route path=path!("/customers/:id/edit") view=pages::customer_form::EditCustomer/>
                <Route path=path!("/customers/:id/contact") view=pages::contact_form::LogContact/>
                <Route path=path!("/customers/:id/complaint") view=pages::complaint::ComplaintPage/>
                <Route path=path!("/complaints/:cid") view=pages::complaint::ComplaintPage/>
                <Route path=path!("/customers/:id/suggestion") view=pages::service::SuggestionForm/>
                <Route path=path!("/suggestions/:sid") view=pages::service::SuggestionForm/>
                <Route path=path!("/customers/:id/referral") view=pages::service::BroughtFriend/>
                <Route path=path!("/customers/:id/task") view=pages::service::TaskForm/>
                <Route path=path!("/tasks/:tid") view=pages::service::TaskForm/>
                <Route path=path!("/trash") view=pages::trash::Trash/>
                <Route path=path!("/pool") view=pages::pool::Pool/>
                <Route path=path!("/customers/:id/brief") view=pages::brief::VisitBrief/>
                <Route path=path!("/customers/:id/message") view=pages::message::SendMessage/>
                <Route path=path!("/visit") view=pages::visit_form::ChooseCustomer/>
                <Route path=path!("/task") view=pages::visit_form::ChooseCustomerForTask/>
                <Route path=path!("/visit/:id") view=pages::visit_form::LogVisit/>
                <Route path=path!("/settings") view=pages::settings::Settings/>
                $($screens)*
            </Routes>
        }
    };
}

/// The manager bundle routes each manager screen.
#[cfg(feature = "manager")]
fn routes(i18n: crate::i18n::I18n) -> impl IntoView {
    app_routes! { i18n;
        <Route path=path!("/insights") view=pages::manager_tools::Insights/>
        <Route path=path!("/settings/import") view=pages::manager_tools::ImportCustomers/>
        <Route path=path!("/settings/rules") view=pages::manager_tools::TierRules/>
        <Route path=path!("/settings/playbooks") view=pages::manager_tools::Playbooks/>
        <Route path=path!("/settings/templates") view=pages::manager_tools::TemplateLibrary/>
        <Route path=path!("/settings/answers") view=pages::manager_tools::AnswerLibrary/>
        <Route path=path!("/settings/calls") view=pages::manager_tools::CallSettings/>
        <Route path=path!("/settings/pool") view=pages::manager_tools::PoolSettings/>
        <Route path=path!("/settings/days") view=pages::manager_tools::OurDays/>
        <Route path=path!("/settings/team") view=pages::manager_tools::Team/>
        <Route path=path!("/settings/review") view=pages::manager_tools::Review/>
    }
}

/// The main bundle has no manager screen: every path of one leads to the same note (one
/// route each for `/insights` and `/settings/<screen>`, not one per screen: each route costs
/// every tablet's bundle its own matching code).
#[cfg(not(feature = "manager"))]
fn routes(i18n: crate::i18n::I18n) -> impl IntoView {
    app_routes! { i18n;
        <Route path=path!("/insights") view=pages::manager_tools::Team/>
        <Route path=path!("/settings/:screen") view=pages::manager_tools::Team/>
    }
}

fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    // Registration fails outside a secure context; the app still works online then.
    let _ = container.register("/sw.js");
}
