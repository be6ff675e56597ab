//! The sync state, visible on every screen: synced / N waiting / offline / rejected.

use crate::i18n::{Key, use_i18n};
use crate::replica::{Connection, use_replica};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SyncBadge() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let state = move || {
        let pending = replica.pending();
        let rejected = replica.rejected();
        let connection = replica.connection.get();
        let receiving = replica.receiving.get();
        let mut parts = Vec::new();
        let class = if rejected > 0 {
            "badge badge-error"
        } else if matches!(connection, Connection::Offline | Connection::DeviceFull) {
            "badge badge-offline"
        } else if pending > 0 || connection == Connection::Connecting || receiving.is_some() {
            "badge badge-waiting"
        } else {
            "badge badge-ok"
        };
        match connection {
            // A long run of pages says how far it has come ("Receiving the book 45%").
            Connection::Syncing if let Some(r) = receiving => {
                let locale = i18n.locale.get();
                parts.push(match r.percent() {
                    Some(percent) => i18n.t(Key::ReceivingPercent).replace(
                        "{percent}",
                        &crate::i18n::number(percent as f64 / 100.0, locale, true),
                    ),
                    None => i18n.t(Key::ReceivingChanges).replace(
                        "{n}",
                        &crate::i18n::number(r.received as f64, locale, false),
                    ),
                });
            }
            Connection::Offline => parts.push(i18n.t(Key::Offline).to_owned()),
            Connection::DeviceFull => parts.push(i18n.t(Key::DeviceFull).to_owned()),
            Connection::Connecting => parts.push(i18n.t(Key::Syncing).to_owned()),
            Connection::Syncing if pending > 0 => parts.push(i18n.t(Key::Syncing).to_owned()),
            _ if pending == 0 && rejected == 0 => parts.push(i18n.t(Key::Synced).to_owned()),
            _ => {}
        }
        if pending > 0 {
            parts.push(format!("{pending} {}", i18n.t(Key::Waiting)));
        }
        if rejected > 0 {
            parts.push(format!("{rejected} {}", i18n.t(Key::Rejected)));
        }
        (class, parts.join(" · "))
    };
    view! {
        <A href="/settings" attr:class=move || state().0 attr:data-testid="sync-badge" attr:aria-live="polite">
            {move || state().1}
        </A>
    }
}
