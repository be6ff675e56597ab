//! Tier rules (PRODUCT §5), for managers: the organisation's rule sets (restaurant, retail, B2B
//! or their own), which one is active, and an editor for thresholds, window, observation period,
//! ANY/ALL and tag conditions — with a preview of how many customers would change tier before
//! anything is saved. Rule sets are synced `rule_set` records; activating one writes its
//! `activated_at`, and every device and the server take the latest activation.

use crate::i18n::{Key, use_i18n};
use crate::i18n::{rule_set_name, tier_key};
use crate::org::{self, use_org};
use crate::pages::customer_form::now_rfc3339;
use crate::replica::use_replica;
use chrono::Local;
use huitou_shared::Kind;
use huitou_shared::retention::{Combinator, RuleSet, Tier, TierRule, TierShift, preview};
use leptos::prelude::*;
use serde_json::Value;

/// The tiers a rule set can define, highest first (Regular and New are what is left).
const RANKED: [Tier; 4] = [Tier::A, Tier::B, Tier::C, Tier::Potential];

/// Which set the editor holds: a stored record, or a new one from a preset.
#[derive(Clone, Debug, PartialEq)]
struct Draft {
    id: String,
    set: RuleSet,
    stored: bool,
}

#[component]
pub fn TierRules() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let is_manager = replica.is_manager();

    // The stored, valid rule sets, by name.
    let stored = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut sets: Vec<(String, RuleSet)> = r
                .of_kind(Kind::RULE_SET)
                .filter_map(|rec| Some((rec.id.clone(), RuleSet::from_record(&rec.record)?)))
                .collect();
            crate::sort::by(&mut sets, |a, b| (&a.1.name, &a.0).cmp(&(&b.1.name, &b.0)));
            sets
        })
    });
    let draft = RwSignal::new(None::<Draft>);
    let editing = Memo::new(move |_| draft.with(|d| d.as_ref().map(|d| (d.id.clone(), d.stored))));
    let saved = RwSignal::new(false);

    let activate = move |id: String| {
        let fields = vec![("activated_at".to_owned(), Value::String(now_rfc3339()))];
        replica.spawn_edit(Kind::RULE_SET, id, fields);
    };
    let save = move |activate_too: bool| {
        let Some(current) = draft.get_untracked() else {
            return;
        };
        if current.set.check().is_err() {
            return;
        }
        leptos::task::spawn_local(async move {
            let mut fields: Vec<(String, Value)> = current
                .set
                .fields()
                .into_iter()
                .map(|(field, value)| (field.to_owned(), value))
                .collect();
            if activate_too {
                fields.push(("activated_at".to_owned(), Value::String(now_rfc3339())));
            }
            if let Err(e) = replica.edit(Kind::RULE_SET, &current.id, fields).await {
                replica.storage_error.set(Some(e.to_string()));
                return;
            }
            draft.set(None);
            saved.set(true);
        });
    };

    // How many customers the draft would move, against the active set, on today's records.
    // It follows the book and the active rules too: a pull that lands while the manager edits
    // (the first sync of a laptop, a colleague's visit) changes the answer.
    let shift = Memo::new(move |_| {
        let proposed = draft.with(|d| d.as_ref().map(|d| d.set.clone()))?;
        let today = Local::now().date_naive();
        Some(replica.records.with(|records| {
            org.with(|org| {
                let histories = org::histories(records);
                let empty = huitou_shared::retention::History::default();
                preview(
                    records.of_kind(Kind::CUSTOMER).map(|c| {
                        let history = histories.get(c.id.as_str()).unwrap_or(&empty).as_of(today);
                        (&c.record, history)
                    }),
                    today,
                    &org.rules,
                    &proposed,
                )
            })
        }))
    });

    let presets = RuleSet::presets();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::TierRules)}</h1>
            <p class="muted">{move || i18n.t(Key::TierRulesHelp)}</p>
            <Show when=move || saved.get()>
                <p class="banner" role="status">{move || i18n.t(Key::RulesSaved)}</p>
            </Show>
            <section class="card">
                <h2>{move || i18n.t(Key::RuleSets)}</h2>
                <ul class="list" aria-label=move || i18n.t(Key::RuleSets)>
                    <Show when=move || stored.with(Vec::is_empty)>
                        <li class="list-item">
                            <span class="list-title">{move || org.with(|o| rule_set_name(&o.rules.name, i18n))}</span>
                            <span class="list-sub">{move || i18n.t(Key::ActiveRuleSet)} " · " {move || i18n.t(Key::BuiltIn)}</span>
                        </li>
                    </Show>
                    {move || stored.get().into_iter().map(|(id, set)| {
                        let active = org.with(|o| o.rules_id.as_deref() == Some(id.as_str()));
                        let name = rule_set_name(&set.name, i18n);
                        let (id1, id2) = (id.clone(), id.clone());
                        let set1 = set.clone();
                        view! {
                            <li class="list-item">
                                <span class="list-title">{name.clone()}</span>
                                <span class="list-sub">{move || summary_line(&set, i18n)}</span>
                                {active.then(|| view! { <span class="tag">{move || i18n.t(Key::ActiveRuleSet)}</span> })}
                                {is_manager.then(|| view! {
                                    <div class="actions">
                                        <button type="button" class="button" aria-label=format!("{} {name}", i18n.t(Key::Edit))
                                            on:click=move |_| { saved.set(false); draft.set(Some(Draft { id: id1.clone(), set: set1.clone(), stored: true })) }>{move || i18n.t(Key::Edit)}</button>
                                        {(!active).then(|| view! {
                                            <button type="button" class="button button-primary" aria-label=format!("{} {name}", i18n.t(Key::Activate))
                                                on:click=move |_| activate(id2.clone())>{move || i18n.t(Key::Activate)}</button>
                                        })}
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {is_manager.then(|| {
                    let presets = presets.clone();
                    view! {
                        <div class="actions">
                            {presets.into_iter().map(|preset| {
                                let preset_name = preset.name.clone();
                                let label = move || format!("{} {}", i18n.t(Key::NewRuleSetFrom), rule_set_name(&preset_name, i18n));
                                view! {
                                    <button type="button" class="button" on:click=move |_| {
                                        saved.set(false);
                                        // A new set starts with the preset's name in the manager's language.
                                        let set = RuleSet { name: rule_set_name(&preset.name, i18n), ..preset.clone() };
                                        draft.set(Some(Draft { id: huitou_shared::model::new_id(), set, stored: false }));
                                    }>{label}</button>
                                }
                            }).collect_view()}
                        </div>
                    }
                })}
            </section>
            // Re-rendered only when another set is opened, not on every edit (which would drop
            // the focus of the field the user moves to).
            {move || editing.get().map(|(_, stored)| view! { <Editor draft=draft stored=stored shift=shift save=save/> })}
        </section>
    }
}

/// "90 days · ANY · A ¥8,000 …": a rule set in one line.
fn summary_line(set: &RuleSet, i18n: crate::i18n::I18n) -> String {
    let combinator = match set.combinator {
        Combinator::Any => i18n.t(Key::AnyCriterion),
        Combinator::All => i18n.t(Key::AllCriteria),
    };
    format!(
        "{} {} · {} {} · {}",
        i18n.t(Key::WindowDays),
        set.window_days,
        i18n.t(Key::ObservationDays),
        set.observation_days,
        combinator
    )
}

#[component]
fn Editor(
    draft: RwSignal<Option<Draft>>,
    stored: bool,
    shift: Memo<Option<TierShift>>,
    save: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let update = move |change: Box<dyn FnOnce(&mut RuleSet)>| {
        draft.update(|d| {
            if let Some(d) = d {
                change(&mut d.set);
            }
        });
    };
    let get = move |read: fn(&RuleSet) -> String| {
        move || draft.with(|d| d.as_ref().map(|d| read(&d.set)).unwrap_or_default())
    };
    // Whole-number fields follow each keystroke (the preview with them) and are written only
    // when the editor opens: re-writing the field from the draft while the manager types would
    // turn an emptied field into "0" under the cursor ("0" + "90" = "090").
    let initial = move |read: fn(&RuleSet) -> String| {
        draft.with_untracked(|d| d.as_ref().map(|d| read(&d.set)).unwrap_or_default())
    };
    let valid = move || draft.with(|d| d.as_ref().is_some_and(|d| d.set.check().is_ok()));
    // The tiers the set has, highest first; fields re-render only when one is added or removed.
    let tiers = Memo::new(move |_| {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.set.tiers.iter().map(|t| t.tier).collect::<Vec<Tier>>())
                .unwrap_or_default()
        })
    });
    let add_tier = move |tier: Tier| {
        draft.update(|d| {
            if let Some(d) = d {
                let rank = |t: Tier| RANKED.iter().position(|r| *r == t);
                let at = d
                    .set
                    .tiers
                    .iter()
                    .position(|r| rank(r.tier) > rank(tier))
                    .unwrap_or(d.set.tiers.len());
                d.set.tiers.insert(at, TierRule::new(tier));
            }
        });
    };
    view! {
        <form class="card form" on:submit=move |ev| { ev.prevent_default(); save(false); }>
            <h2>{move || if stored { i18n.t(Key::EditRuleSet) } else { i18n.t(Key::NewRuleSet) }}</h2>
            <label class="field">
                <span>{move || i18n.t(Key::RuleSetName)}</span>
                <input type="text" name="rule_set_name" required=true prop:value=get(|s| s.name.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |s| s.name = v)) }/>
            </label>
            <label class="field">
                <span>{move || i18n.t(Key::WindowDays)}</span>
                <input type="number" name="window_days" min="1" max="730" inputmode="numeric" prop:value=initial(|s| s.window_days.to_string())
                    on:input=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(0); update(Box::new(move |s| s.window_days = v)) }/>
            </label>
            <label class="field">
                <span>{move || i18n.t(Key::ObservationDays)}</span>
                <input type="number" name="observation_days" min="0" max="365" inputmode="numeric" prop:value=initial(|s| s.observation_days.to_string())
                    on:input=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(0); update(Box::new(move |s| s.observation_days = v)) }/>
            </label>
            <label class="field">
                <span>{move || i18n.t(Key::Combinator)}</span>
                <select name="combinator" on:change=move |ev| {
                    let all = event_target_value(&ev) == "all";
                    update(Box::new(move |s| s.combinator = if all { Combinator::All } else { Combinator::Any }))
                }>
                    <option value="any" selected=move || draft.with(|d| d.as_ref().is_some_and(|d| d.set.combinator == Combinator::Any))>{move || i18n.t(Key::AnyCriterion)}</option>
                    <option value="all" selected=move || draft.with(|d| d.as_ref().is_some_and(|d| d.set.combinator == Combinator::All))>{move || i18n.t(Key::AllCriteria)}</option>
                </select>
            </label>
            {move || tiers.get().into_iter().enumerate().map(|(n, tier)| view! { <TierFields draft=draft index=n tier=tier/> }).collect_view()}
            <div class="actions">
                {move || RANKED.into_iter().filter(|t| !tiers.with(|list| list.contains(t))).map(|tier| view! {
                    <button type="button" class="button" on:click=move |_| add_tier(tier)>
                        {move || format!("{} {}", i18n.t(Key::AddTier), i18n.t(tier_key(tier)))}
                    </button>
                }).collect_view()}
            </div>
            <section class="preview" aria-live="polite" aria-label=move || i18n.t(Key::Preview)>
                <h3>{move || i18n.t(Key::Preview)}</h3>
                {move || shift.get().map(|shift| {
                    let rows: Vec<(Tier, usize, usize)> = [Tier::A, Tier::B, Tier::C, Tier::Potential, Tier::Regular, Tier::New]
                        .into_iter()
                        .map(|t| (t, shift.before.get(&t).copied().unwrap_or(0), shift.after.get(&t).copied().unwrap_or(0)))
                        .collect();
                    view! {
                        <p class="preview-changed" data-testid="preview-changed">{i18n.t(Key::WouldChangeTier).replace("{n}", &shift.changed.to_string())}</p>
                        <table class="table">
                            <thead><tr><th scope="col">{i18n.t(Key::Tier)}</th><th scope="col">{i18n.t(Key::Now)}</th><th scope="col">{i18n.t(Key::AfterSaving)}</th></tr></thead>
                            <tbody>{rows.into_iter().map(|(t, before, after)| view! {
                                <tr><th scope="row">{i18n.t(tier_key(t))}</th><td>{before}</td><td>{after}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    }
                })}
            </section>
            <Show when=move || !valid()>
                <p class="banner banner-warn" role="alert">{move || i18n.t(Key::RuleSetInvalid)}</p>
            </Show>
            <div class="actions">
                <button type="submit" class="button" disabled=move || !valid()>{move || i18n.t(Key::Save)}</button>
                <button type="button" class="button button-primary" disabled=move || !valid() on:click=move |_| save(true)>{move || i18n.t(Key::SaveAndActivate)}</button>
                <button type="button" class="button" on:click=move |_| draft.set(None)>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

/// The thresholds of one tier; an empty field is "not a criterion".
#[component]
fn TierFields(draft: RwSignal<Option<Draft>>, index: usize, tier: Tier) -> impl IntoView {
    let i18n = use_i18n();
    type Slot = fn(&mut huitou_shared::retention::TierRule) -> &mut Option<f64>;
    let number = move |key: Key, name: &'static str, slot: Slot| {
        let value = move || {
            draft.with(|d| {
                d.as_ref()
                    .and_then(|d| d.set.tiers.get(index).cloned())
                    .and_then(|mut rule| *slot(&mut rule))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
        };
        view! {
            <label class="field field-small">
                <span>{move || i18n.t(key)}</span>
                <input type="number" min="0" step="any" inputmode="decimal" name=format!("{}_{name}", tier.as_str())
                    aria-label=move || format!("{} {}", i18n.t(tier_key(tier)), i18n.t(key))
                    prop:value=value
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        let parsed = text.trim().parse::<f64>().ok();
                        draft.update(|d| {
                            if let Some(rule) = d.as_mut().and_then(|d| d.set.tiers.get_mut(index)) {
                                *slot(rule) = parsed;
                            }
                        });
                    }/>
            </label>
        }
    };
    let tags = move || {
        draft.with(|d| {
            d.as_ref()
                .and_then(|d| d.set.tiers.get(index))
                .map(|rule| rule.any_tag.join(", "))
                .unwrap_or_default()
        })
    };
    view! {
        <fieldset class="tier-fields">
            <legend>{move || i18n.t(tier_key(tier))}</legend>
            {number(Key::AvgMonthlySpend, "spend", |r| &mut r.min_monthly_spend)}
            {number(Key::VisitsPerMonth, "visits", |r| &mut r.min_visits_per_month)}
            {number(Key::ReferralsPerMonth, "referrals", |r| &mut r.min_referrals_per_month)}
            {number(Key::SuggestionsPerMonth, "suggestions", |r| &mut r.min_suggestions_per_month)}
            <button type="button" class="button" aria-label=move || format!("{} {}", i18n.t(Key::RemoveTier), i18n.t(tier_key(tier)))
                on:click=move |_| draft.update(|d| { if let Some(d) = d && index < d.set.tiers.len() { d.set.tiers.remove(index); } })>
                {move || i18n.t(Key::RemoveTier)}
            </button>
            <label class="field">
                <span>{move || i18n.t(Key::TagConditions)}</span>
                <input type="text" name=format!("{}_tags", tier.as_str())
                    aria-label=move || format!("{} {}", i18n.t(tier_key(tier)), i18n.t(Key::TagConditions))
                    prop:value=tags
                    on:change=move |ev| {
                        let list: Vec<String> = event_target_value(&ev)
                            .split([',', '，', '、'])
                            .map(|t| t.trim().to_owned())
                            .filter(|t| !t.is_empty())
                            .collect();
                        draft.update(|d| {
                            if let Some(rule) = d.as_mut().and_then(|d| d.set.tiers.get_mut(index)) {
                                rule.any_tag = list;
                            }
                        });
                    }/>
            </label>
        </fieldset>
    }
}
