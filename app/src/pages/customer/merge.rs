//! Merging a duplicate customer into this one (managers).

use crate::i18n::{Key, use_i18n};
use crate::replica::use_replica;
use huitou_shared::Kind;
use huitou_shared::customer::Birthday;
use huitou_shared::merge::TrackedRecord;
use leptos::prelude::*;
use leptos_router::components::A;

/// For managers: customers that look like this one (same phone, or name and birthday), each
/// mergeable into this one in one tap. The merge moves the duplicate's visits and contacts here,
/// fills fields this profile lacks and puts the duplicate in the trash — all as synced edits.
#[component]
pub fn MergeDuplicates(customer: TrackedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let manager = replica.is_manager();
    let kept_id = StoredValue::new(customer.id.clone());
    let found = Memo::new(move |_| {
        if !manager || customer.record.is_deleted() {
            return Vec::new();
        }
        let name = customer.record.text("name").unwrap_or_default().to_owned();
        let birthday = customer
            .record
            .value("birthday")
            .and_then(Birthday::from_value);
        let candidate = huitou_shared::customer::Candidate {
            name: &name,
            phone: customer.record.text("phone"),
            birthday: birthday.as_ref(),
        };
        replica.records.with(|r| {
            huitou_shared::customer::duplicates::find(
                &candidate,
                r.of_kind(Kind::CUSTOMER)
                    .filter(|c| c.id != customer.id)
                    .map(|c| (c.id.as_str(), &c.record)),
            )
            .into_iter()
            .map(|d| {
                let name = r
                    .get(Kind::CUSTOMER, &d.id)
                    .and_then(|c| c.record.text("name"))
                    .unwrap_or_default()
                    .to_owned();
                (d.id, name)
            })
            .collect::<Vec<_>>()
        })
    });
    let merge = move |duplicate_id: String| {
        let kept_id = kept_id.get_value();
        leptos::task::spawn_local(async move {
            let edits = replica.records.with_untracked(|r| {
                let (Some(kept), Some(duplicate)) = (
                    r.get(Kind::CUSTOMER, &kept_id),
                    r.get(Kind::CUSTOMER, &duplicate_id),
                ) else {
                    return Vec::new();
                };
                let children: Vec<(String, String)> = Kind::CHILDREN_OF_CUSTOMER
                    .iter()
                    .flat_map(|kind| {
                        r.children_of(kind, &duplicate_id)
                            .map(|c| (c.kind.clone(), c.id.clone()))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                huitou_shared::customer::merging::plan(
                    &kept_id,
                    &kept.record,
                    &duplicate_id,
                    &duplicate.record,
                    &children,
                )
            });
            for edit in edits {
                if let Err(e) = replica.edit(&edit.kind, &edit.id, edit.fields).await {
                    replica.storage_error.set(Some(e.to_string()));
                    return;
                }
            }
        });
    };
    view! {
        <Show when=move || !found.with(Vec::is_empty)>
            <section class="card duplicate-warning">
                <h2>{move || i18n.t(Key::PossibleDuplicate)}</h2>
                <ul class="list">
                    {move || found.get().into_iter().map(|(id, name)| {
                        let label = format!("{} {name}", i18n.t(Key::MergeInto));
                        view! {
                            <li class="list-item">
                                <A href=format!("/customers/{id}") attr:class="list-title">{name}</A>
                                <button type="button" class="button" aria-label=label on:click=move |_| merge(id.clone())>
                                    {i18n.t(Key::MergeInto)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
