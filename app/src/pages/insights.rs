//! Insights (PRODUCT §9, §13; issue 12), for managers on a laptop: are first-time customers
//! coming back, who is slipping away, what customers are worth, and who keeps up the follow-ups.
//!
//! Every figure comes from `huitou_shared::insights` over this device's replica — the functions
//! `GET /api/v1/reports/{report}` runs on the server — so the screen works offline and agrees
//! with the API. The screen has four sections; only the one on view is computed (a memo per
//! section that returns nothing while hidden). Every chart is a table too, and a bar or cell
//! opens the customers behind it.

use crate::components::charts::{Bar, Bars, Cell, Curve, HeatMap, Pick};
use crate::components::export::{Cell as TableCell, ExportButtons, ReportTable, Table};
use crate::i18n::{self, I18n, Key, MKey, Word, tier_key, tier_reason, use_i18n};
use crate::org::use_org;
use crate::pages::complaint::org_today;
use crate::replica::{Records, use_replica};
use chrono::NaiveDate;
use huitou_shared::insights::rfm::{Level, Segment};
use huitou_shared::insights::{
    Book, Query, Share, churn, cohorts, lifetime, month_key, pareto, repeat, rfm, staff, tiers,
};
use huitou_shared::retention::Tier;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::{Value, json};

/// The replica as the reports read it.
pub fn book(records: &Records, utc_offset_minutes: i32) -> Book<'_> {
    Book::new(
        huitou_shared::insights::KINDS.iter().flat_map(|kind| {
            records
                .of_kind(kind)
                .map(move |r| (*kind, r.id.as_str(), &r.record))
        }),
        utc_offset_minutes,
    )
}

/// A salesperson's name as the reports show it ("No owner", "Shared pool").
fn person(id: &str) -> String {
    let i18n = use_i18n();
    match id {
        "" => i18n.t(MKey::NoOwner).to_owned(),
        huitou_shared::customer::pool::POOL => i18n.t(Key::SharedPool).to_owned(),
        id => use_replica()
            .records
            .with_untracked(|r| r.person(id, i18n.t(Key::Left))),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Return,
    Tiers,
    Value,
    Staff,
}

const SECTIONS: [(Section, MKey); 4] = [
    (Section::Return, MKey::SectionReturn),
    (Section::Tiers, MKey::SectionTiers),
    (Section::Value, MKey::SectionValue),
    (Section::Staff, MKey::SectionStaff),
];

const WINDOWS: [u32; 3] = [30, 60, 90];

fn percent(i18n: I18n, rate: Option<f64>) -> String {
    rate.map_or_else(
        || i18n.t(MKey::NoFigure).to_owned(),
        |rate| i18n::number(rate, i18n.locale.get_untracked(), true),
    )
}

fn count(i18n: I18n, n: usize) -> String {
    i18n::number(n as f64, i18n.locale.get_untracked(), false)
}

fn money(i18n: I18n, amount: f64) -> String {
    i18n::money(amount, i18n.locale.get_untracked())
}

/// "40% (4/10)".
fn share_text(i18n: I18n, share: &Share) -> String {
    format!(
        "{} ({}/{})",
        percent(i18n, share.rate),
        count(i18n, share.part),
        count(i18n, share.whole)
    )
}

fn day_cell(day: Option<NaiveDate>) -> Value {
    day.map_or(Value::Null, |d| json!(d.to_string()))
}

/// The first two columns of a table of customers: the customer (a link) and their owner.
const WHO: [Word; 2] = [Word::Key(Key::Name), Word::Key(Key::Owner)];

fn who(id: &str, name: &str, owner: &str) -> [TableCell; 2] {
    [
        TableCell::Customer {
            id: id.to_owned(),
            name: name.to_owned(),
        },
        TableCell::Text(person(owner)),
    ]
}

fn titles(i18n: I18n, keys: &[Word]) -> Vec<String> {
    keys.iter().map(|k| i18n.t(*k).to_owned()).collect()
}

fn segment_key(segment: Segment) -> MKey {
    match segment {
        Segment::Champions => MKey::SegChampions,
        Segment::Loyal => MKey::SegLoyal,
        Segment::PotentialLoyalists => MKey::SegPotentialLoyalists,
        Segment::New => MKey::SegNew,
        Segment::Promising => MKey::SegPromising,
        Segment::NeedAttention => MKey::SegNeedAttention,
        Segment::AboutToSleep => MKey::SegAboutToSleep,
        Segment::AtRisk => MKey::SegAtRisk,
        Segment::CantLoseThem => MKey::SegCantLoseThem,
        Segment::Hibernating => MKey::SegHibernating,
        Segment::Lost => MKey::SegLost,
    }
}

fn level_key(level: Level) -> MKey {
    match level {
        Level::Low => MKey::LevelLow,
        Level::Medium => MKey::LevelMedium,
        Level::High => MKey::LevelHigh,
    }
}

#[component]
pub fn Insights() -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let org = use_org();
    let offset = org.with_untracked(|o| o.settings.utc_offset_minutes);
    let today = org_today(offset);
    let offset = offset.unwrap_or_else(|| chrono::Local::now().offset().local_minus_utc() / 60);
    let start = Query::months_to(today, 12);
    let from = RwSignal::new(start.from.to_string());
    let to = RwSignal::new(start.to.to_string());
    let owner = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let window = RwSignal::new(30u32);
    let section = RwSignal::new(Section::Return);
    let picked = RwSignal::new(None::<(String, Vec<String>)>);
    let on_pick: Pick = Callback::new(move |pick| picked.set(Some(pick)));
    let query = Memo::new(move |_| {
        let day = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
        let query = Query {
            from: day(from.get())?,
            to: day(to.get())?,
            owner: Some(owner.get()).filter(|o| !o.is_empty()),
            team: Some(team.get()).filter(|t| !t.is_empty()),
            window_days: window.get(),
        };
        query.check().ok().map(|()| query)
    });
    // One memo per section, empty while another section is on view.
    let shown = move |which: Section| (section.get() == which).then(|| query.get()).flatten();
    let returning = Memo::new(move |_| {
        let query = shown(Section::Return)?;
        Some(replica.records.with(|r| {
            let book = book(r, offset);
            (
                repeat::report(&book, &query, today),
                cohorts::report(&book, &query, today),
                cohorts::members(&book, &query, today),
            )
        }))
    });
    let tiering = Memo::new(move |_| {
        let query = shown(Section::Tiers)?;
        let rules = org.with(|o| o.rules.clone());
        Some(replica.records.with(|r| {
            let book = book(r, offset);
            (
                tiers::report(&book, &rules, &query, today),
                churn::report(&book, &rules, &query, today),
            )
        }))
    });
    let value = Memo::new(move |_| {
        let query = shown(Section::Value)?;
        Some(replica.records.with(|r| {
            let book = book(r, offset);
            (
                lifetime::report(&book, &query, today),
                pareto::report(&book, &query),
                rfm::report(&book, &query, today),
            )
        }))
    });
    let staffing = Memo::new(move |_| {
        let query = shown(Section::Staff)?;
        Some(
            replica
                .records
                .with(|r| staff::report(&book(r, offset), &query, today)),
        )
    });
    let users = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut users: Vec<(String, String)> = r
                .of_kind("user")
                .map(|u| (u.id.clone(), r.person(&u.id, i18n.t(Key::Left))))
                .collect();
            crate::sort::by(&mut users, |a, b| a.1.cmp(&b.1));
            users
        })
    });
    let teams = Memo::new(move |_| {
        replica.records.with(|r| {
            let mut teams: Vec<String> = r
                .of_kind("user")
                .filter_map(|u| huitou_shared::insights::team_of(&u.record).map(str::to_owned))
                .collect();
            crate::sort::all(&mut teams);
            teams.dedup();
            teams
        })
    });

    view! {
        <section class="page insights">
            <h1>{move || i18n.t(Key::Insights)}</h1>
            <p class="muted">{move || i18n.t(MKey::InsightsHelp)}</p>
            <div class="filters card">
                <label class="field">
                    <span>{move || i18n.t(Key::From)}</span>
                    <input type="date" name="from" prop:value=move || from.get()
                        on:change=move |ev| from.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Until)}</span>
                    <input type="date" name="to" prop:value=move || to.get()
                        on:change=move |ev| to.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Owner)}</span>
                    <select name="owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="" selected=move || owner.with(String::is_empty)>{move || i18n.t(MKey::Everyone)}</option>
                        {move || users.get().into_iter().map(|(id, name)| {
                            let selected = owner.with_untracked(|o| *o == id);
                            view! { <option value=id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || teams.with(|t| !t.is_empty())>
                    <label class="field">
                        <span>{move || i18n.t(MKey::StoreOrTeam)}</span>
                        <select name="team" on:change=move |ev| team.set(event_target_value(&ev))>
                            <option value="" selected=move || team.with(String::is_empty)>{move || i18n.t(MKey::EveryTeam)}</option>
                            {move || teams.get().into_iter().map(|name| {
                                let selected = team.with_untracked(|t| *t == name);
                                let value = name.clone();
                                view! { <option value=value selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <label class="field">
                    <span>{move || i18n.t(MKey::ReturnWindow)}</span>
                    <select name="window" on:change=move |ev| window.set(event_target_value(&ev).parse().unwrap_or(30))>
                        {WINDOWS.into_iter().map(|n| view! {
                            <option value=n.to_string() selected=move || window.get() == n>
                                {move || i18n.t(MKey::DaysN).replace("{n}", &n.to_string())}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <Show when=move || query.with(Option::is_none)>
                <p class="form-error" role="alert">{move || i18n.t(MKey::BadPeriod)}</p>
            </Show>
            <div class="tabs" role="tablist">
                {SECTIONS.into_iter().map(|(which, key)| view! {
                    <button type="button" role="tab" class="tab"
                        aria-selected=move || (section.get() == which).to_string()
                        on:click=move |_| { section.set(which); picked.set(None); }>
                        {move || i18n.t(key)}
                    </button>
                }).collect_view()}
            </div>
            {move || picked.get().map(|(title, ids)| view! { <Behind title ids on_close=move || picked.set(None)/> })}
            {move || returning.get().map(|(rate, triangle, cells)| view! {
                <RepeatCard rate on_pick/>
                <CohortCard triangle cells on_pick/>
            })}
            {move || tiering.get().map(|(tiers, churn)| view! {
                <TiersCard report=tiers on_pick/>
                <ChurnCard report=churn on_pick/>
            })}
            {move || value.get().map(|(lifetime, pareto, rfm)| view! {
                <ParetoCard report=pareto on_pick/>
                <RfmCard report=rfm on_pick/>
                <LifetimeCard report=lifetime/>
            })}
            {move || staffing.get().map(|report| view! { <StaffCard report/> })}
        </section>
    }
}

/// The customers behind the figure that was tapped, first 100 by name.
#[component]
fn Behind(title: String, ids: Vec<String>, on_close: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let replica = use_replica();
    let mut people: Vec<(String, String)> = replica.records.with_untracked(|r| {
        ids.iter()
            .map(|id| (r.customer_name(id), id.clone()))
            .collect()
    });
    crate::sort::all(&mut people);
    let more = people.len().saturating_sub(100);
    people.truncate(100);
    view! {
        <section class="card behind" aria-label=move || i18n.t(MKey::CustomersBehind)>
            <div class="toolbar">
                <h2>{move || i18n.t(MKey::CustomersBehind)} " · " {title}</h2>
                <button type="button" class="button" on:click=move |_| on_close()>{move || i18n.t(MKey::CloseList)}</button>
            </div>
            <ul class="chips">
                {people.into_iter().map(|(name, id)| view! {
                    <li><A href=format!("/customers/{id}") attr:class="chip">{name}</A></li>
                }).collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="muted">{i18n.t(MKey::AndMore).replace("{n}", &more.to_string())}</p> })}
        </section>
    }
}

#[component]
fn RepeatCard(rate: repeat::RepeatRate, on_pick: Pick) -> impl IntoView {
    let i18n = use_i18n();
    let current = &rate.current;
    let headline = i18n
        .t(MKey::RepeatHeadline)
        .replace("{part}", &count(i18n, current.share.part))
        .replace("{whole}", &count(i18n, current.share.whole))
        .replace("{n}", &rate.window_days.to_string());
    let waiting = (current.waiting > 0).then(|| {
        i18n.t(MKey::RepeatWaiting)
            .replace("{n}", &count(i18n, current.waiting))
    });
    let ids_of = |keep: &dyn Fn(&repeat::FirstTimer) -> bool| -> Vec<String> {
        rate.customers
            .iter()
            .filter(|t| keep(t))
            .map(|t| t.customer_id.clone())
            .collect()
    };
    let everyone = ids_of(&|_| true);
    let bars = |groups: &[repeat::Group],
                label: &dyn Fn(&str) -> String,
                group_of: &dyn Fn(&repeat::FirstTimer) -> String|
     -> Vec<Bar> {
        groups
            .iter()
            .map(|g| Bar {
                label: label(&g.key),
                value: g.repeat.share.rate.unwrap_or(0.0),
                text: share_text(i18n, &g.repeat.share),
                ids: ids_of(&|t| group_of(t) == g.key),
            })
            .collect()
    };
    let not_recorded = |key: &str, labels: &[(&str, Key)]| -> String {
        labels.iter().find(|(value, _)| *value == key).map_or_else(
            || {
                if key.is_empty() {
                    i18n.t(MKey::NotRecorded).to_owned()
                } else {
                    key.to_owned()
                }
            },
            |(_, label)| i18n.t(*label).to_owned(),
        )
    };
    let by_month = bars(&rate.by_month, &|k| k.to_owned(), &|t| {
        month_key(t.first_visit)
    });
    let by_owner = bars(&rate.by_owner, &|k| person(k), &|t| t.owner.clone());
    let by_source = bars(
        &rate.by_source,
        &|k| not_recorded(k, crate::profile_fields::SOURCES),
        &|t| t.source.clone(),
    );
    let occasions = [
        ("business", Key::Business),
        ("friends", Key::Friends),
        ("family", Key::Family),
        ("other", Key::OtherOccasion),
    ];
    let by_occasion = bars(&rate.by_occasion, &|k| not_recorded(k, &occasions), &|t| {
        t.occasion.clone()
    });
    let head = |key: MKey| {
        (
            i18n.t(key).to_owned(),
            i18n.t(MKey::SectionReturn).to_owned(),
        )
    };
    let big = percent(i18n, current.share.rate);
    let previous = share_text(i18n, &rate.previous.share);
    let table: Table = (
        titles(
            i18n,
            &[
                Word::Key(Key::Name),
                Word::Key(Key::Owner),
                Word::Manager(MKey::FirstVisit),
                Word::Manager(MKey::CameBackOn),
                Word::Key(Key::Source),
                Word::Key(Key::Occasion),
            ],
        ),
        rate.customers
            .iter()
            .map(|t| {
                vec![
                    json!(t.name),
                    json!(person(&t.owner)),
                    json!(t.first_visit.to_string()),
                    day_cell(t.returned_on),
                    json!(not_recorded(&t.source, crate::profile_fields::SOURCES)),
                    json!(not_recorded(&t.occasion, &occasions)),
                ]
            })
            .collect(),
    );
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::SectionReturn)}</h2>
            <div class="headline">
                <button type="button" class="headline-figure" aria-label=format!("{}: {big}", i18n.t(MKey::SectionReturn))
                    on:click=move |_| on_pick.run((i18n.t(MKey::SectionReturn).to_owned(), everyone.clone()))>{big.clone()}</button>
                <div>
                    <p>{headline}</p>
                    {waiting.map(|w| view! { <p class="muted">{w}</p> })}
                    <p class="muted">{i18n.t(MKey::PreviousPeriod)} ": " {previous}</p>
                </div>
            </div>
            <div class="grid-2">
                <Bars caption=i18n.t(MKey::ByFirstMonth).to_owned() head=head(MKey::ByFirstMonth) bars=by_month max=1.0 on_pick/>
                <Bars caption=i18n.t(MKey::ByOwner).to_owned() head=head(MKey::ByOwner) bars=by_owner max=1.0 on_pick/>
                <Bars caption=i18n.t(MKey::BySource).to_owned() head=head(MKey::BySource) bars=by_source max=1.0 on_pick/>
                <Bars caption=i18n.t(MKey::ByOccasion).to_owned() head=head(MKey::ByOccasion) bars=by_occasion max=1.0 on_pick/>
            </div>
            <ExportButtons name="repeat-rate" what=i18n.t(MKey::FirstTimers).to_owned() table=move || table.clone()/>
        </section>
    }
}

#[component]
fn CohortCard(
    triangle: cohorts::Cohorts,
    cells: std::collections::BTreeMap<(String, usize), Vec<String>>,
    on_pick: Pick,
) -> impl IntoView {
    let i18n = use_i18n();
    let width = triangle
        .cohorts
        .iter()
        .map(|c| c.returning.len())
        .max()
        .unwrap_or(0);
    let mut columns = vec![
        i18n.t(MKey::CohortMonth).to_owned(),
        i18n.t(Key::Customers).to_owned(),
    ];
    columns.extend((1..=width).map(|k| i18n.t(MKey::MonthPlus).replace("{n}", &k.to_string())));
    let ids = |month: &str, k: usize| {
        cells
            .get(&(month.to_owned(), k))
            .cloned()
            .unwrap_or_default()
    };
    let rows = triangle
        .cohorts
        .iter()
        .map(|cohort| {
            let mut row = vec![Some(Cell {
                text: count(i18n, cohort.size),
                shade: 0.0,
                label: format!("{}: {}", cohort.month, count(i18n, cohort.size)),
                ids: ids(&cohort.month, 0),
            })];
            row.extend((1..=width).map(|k| {
                cohort.returning.get(k - 1).map(|n| {
                    let share = Share::new(*n, cohort.size);
                    Cell {
                        text: percent(i18n, share.rate),
                        shade: share.rate.unwrap_or(0.0),
                        label: format!(
                            "{} {}: {}",
                            cohort.month,
                            i18n.t(MKey::MonthPlus).replace("{n}", &k.to_string()),
                            share_text(i18n, &share)
                        ),
                        ids: ids(&cohort.month, k),
                    }
                })
            }));
            (cohort.month.clone(), row)
        })
        .collect::<Vec<_>>();
    let export: Table = (
        columns.clone(),
        triangle
            .cohorts
            .iter()
            .map(|cohort| {
                let mut row = vec![json!(cohort.month), json!(cohort.size)];
                row.extend((1..=width).map(|k| {
                    cohort.returning.get(k - 1).map_or(Value::Null, |n| {
                        Share::new(*n, cohort.size)
                            .rate
                            .map_or(Value::Null, |r| json!(r))
                    })
                }));
                row
            })
            .collect(),
    );
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::Cohorts)}</h2>
            <ExportButtons name="cohorts" what=i18n.t(MKey::Cohorts).to_owned() table=move || export.clone()/>
            <p class="muted">{i18n.t(MKey::CohortsHelp)}</p>
            {if rows.is_empty() {
                view! { <p class="empty">{i18n.t(MKey::NoFigure)}</p> }.into_any()
            } else {
                view! { <HeatMap caption=i18n.t(MKey::Cohorts).to_owned() columns rows on_pick/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn TiersCard(report: tiers::TierReport, on_pick: Pick) -> impl IntoView {
    let i18n = use_i18n();
    let last = report.points.last().cloned();
    let bars: Vec<Bar> = Tier::ALL
        .iter()
        .map(|tier| {
            let n = last
                .as_ref()
                .and_then(|p| p.counts.get(tier).copied())
                .unwrap_or(0);
            Bar {
                label: i18n.t(tier_key(*tier)).to_owned(),
                value: n as f64,
                text: count(i18n, n),
                ids: report.members.get(tier).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let max = report
        .points
        .iter()
        .flat_map(|p| p.counts.values())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let mut columns = vec![i18n.t(Key::Tier).to_owned()];
    // Month ends read as their month; the last point (the period's last day) as its day.
    let points = report.points.len();
    columns.extend(report.points.iter().enumerate().map(|(n, p)| {
        if n + 1 == points && p.day != huitou_shared::insights::month_end(p.day) {
            i18n::day(p.day, i18n.locale.get_untracked())
        } else {
            month_key(p.day)
        }
    }));
    let rows = Tier::ALL
        .iter()
        .map(|tier| {
            let cells = report
                .points
                .iter()
                .map(|p| {
                    let n = p.counts.get(tier).copied().unwrap_or(0);
                    Some(Cell {
                        text: count(i18n, n),
                        shade: n as f64 / max as f64,
                        label: String::new(),
                        ids: Vec::new(),
                    })
                })
                .collect();
            (i18n.t(tier_key(*tier)).to_owned(), cells)
        })
        .collect();
    let head = (
        i18n.t(Key::Tier).to_owned(),
        i18n.t(Key::Customers).to_owned(),
    );
    let moves: Table = (
        titles(
            i18n,
            &[
                WHO[0],
                WHO[1],
                Word::Manager(MKey::TierMoves),
                Word::Manager(MKey::TierBefore),
                Word::Manager(MKey::TierAfter),
                Word::Key(Key::OverrideReason),
            ],
        ),
        report
            .moves
            .iter()
            .map(|m| {
                vec![
                    json!(m.name),
                    json!(person(&m.owner)),
                    json!(i18n.t(if m.up { MKey::MovedUp } else { MKey::MovedDown })),
                    json!(i18n.t(tier_key(m.from))),
                    json!(i18n.t(tier_key(m.to))),
                    json!(tier_reason(&m.reason, i18n)),
                ]
            })
            .collect(),
    );
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::TierDistribution)}</h2>
            <div class="grid-2">
                <Bars caption=i18n.t(MKey::TierDistribution).to_owned() head bars on_pick/>
                <HeatMap caption=i18n.t(MKey::TierDistribution).to_owned() columns rows on_pick/>
            </div>
            <h3>{i18n.t(MKey::TierMoves)}</h3>
            <ExportButtons name="tier-moves" what=i18n.t(MKey::TierMoves).to_owned() table=move || moves.clone()/>
            {if report.moves.is_empty() {
                view! { <p class="muted">{i18n.t(MKey::NoMoves)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list" aria-label=i18n.t(MKey::TierMoves)>
                        {report.moves.into_iter().take(100).map(|m| {
                            let direction = i18n.t(if m.up { MKey::MovedUp } else { MKey::MovedDown });
                            let up = m.up;
                            let moved = format!("{} → {}", i18n.t(tier_key(m.from)), i18n.t(tier_key(m.to)));
                            let sub = format!("{} · {}", person(&m.owner), tier_reason(&m.reason, i18n));
                            let name = m.name;
                            view! {
                                <li><A href=format!("/customers/{}", m.customer_id) attr:class="list-item">
                                    <span class="list-title">
                                        {name.clone()} " "
                                        <span class="badge" class:badge-ok=up class:badge-waiting=!up>{direction}</span>
                                        " " {moved.clone()}
                                    </span>
                                    <span class="list-sub">{sub.clone()}</span>
                                </A></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ChurnCard(report: churn::Churn, on_pick: Pick) -> impl IntoView {
    let i18n = use_i18n();
    let ids = |keep: &dyn Fn(&churn::ChurnRow) -> bool| -> Vec<String> {
        report
            .rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.customer_id.clone())
            .collect()
    };
    let by_tier: Vec<Bar> = report
        .by_tier
        .iter()
        .filter(|t| t.share.whole > 0)
        .map(|t| Bar {
            label: i18n.t(tier_key(t.tier)).to_owned(),
            value: t.share.rate.unwrap_or(0.0),
            text: share_text(i18n, &t.share),
            ids: ids(&|r| r.tier == t.tier),
        })
        .collect();
    let by_month: Vec<Bar> = report
        .by_month
        .iter()
        .map(|(month, n)| Bar {
            label: month.clone(),
            value: *n as f64,
            text: count(i18n, *n),
            ids: ids(&|r| r.dormant_from.is_some_and(|d| month_key(d) == *month)),
        })
        .collect();
    let win_back = i18n
        .t(MKey::WinBackStats)
        .replace("{planned}", &count(i18n, report.win_back.planned))
        .replace("{done}", &count(i18n, report.win_back.done))
        .replace("{skipped}", &count(i18n, report.win_back.skipped))
        .replace("{missed}", &count(i18n, report.win_back.missed));
    let state_key = |state: churn::ChurnState| match state {
        churn::ChurnState::Dormant => Word::from(MKey::StateDormant),
        churn::ChurnState::Lost => Word::from(Key::StageLost),
    };
    let columns = vec![
        WHO[0],
        WHO[1],
        Word::Key(Key::Stage),
        Word::Key(Key::Tier),
        Word::Key(Key::LastVisit),
        Word::Manager(MKey::DormantSince),
        Word::Key(Key::TotalSpend),
        Word::Key(Key::LostReason),
    ];
    let rows: Vec<Vec<TableCell>> = report
        .rows
        .iter()
        .map(|r| {
            let [customer, owner] = who(&r.customer_id, &r.name, &r.owner);
            vec![
                customer,
                owner,
                TableCell::Text(i18n.t(state_key(r.state)).to_owned()),
                TableCell::Text(i18n.t(tier_key(r.tier)).to_owned()),
                TableCell::Day(r.last_visit),
                TableCell::Day(r.dormant_from),
                TableCell::Money(r.lifetime_spend),
                TableCell::Text(r.lost_reason.clone()),
            ]
        })
        .collect();
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::Churn)}</h2>
            <p class="headline-text">{i18n.t(MKey::ChurnHeadline).replace("{n}", &count(i18n, report.rows.len()))}</p>
            <p class="muted">{i18n.t(MKey::NewlyDormant).replace("{n}", &count(i18n, report.newly_dormant)).replace("{m}", &count(i18n, report.newly_dormant_before))}</p>
            <p class="muted">{win_back}</p>
            <div class="grid-2">
                <Bars caption=i18n.t(MKey::ChurnByTier).to_owned() head=(i18n.t(Key::Tier).to_owned(), i18n.t(MKey::Churn).to_owned()) bars=by_tier max=1.0 on_pick/>
                <Bars caption=i18n.t(MKey::ChurnByMonth).to_owned() head=(i18n.t(MKey::ChurnByMonth).to_owned(), i18n.t(Key::Customers).to_owned()) bars=by_month on_pick/>
            </div>
            <ReportTable name="churn" caption=i18n.t(MKey::Churn).to_owned() columns rows/>
        </section>
    }
}

#[component]
fn ParetoCard(report: pareto::Pareto, on_pick: Pick) -> impl IntoView {
    let i18n = use_i18n();
    let headline = i18n
        .t(MKey::ParetoHeadline)
        .replace("{n}", &count(i18n, report.current.top_customers))
        .replace("{share}", &percent(i18n, report.current.top_share));
    let previous = percent(i18n, report.previous.top_share);
    let top = report.top.clone();
    let curve_rows: Vec<Vec<TableCell>> = report
        .curve
        .iter()
        .skip(1)
        .map(|(x, y)| vec![TableCell::Percent(Some(*x)), TableCell::Percent(Some(*y))])
        .collect();
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::Pareto)}</h2>
            <div class="headline">
                <button type="button" class="headline-figure" aria-label=format!("{}: {}", i18n.t(MKey::TopCustomers), percent(i18n, report.current.top_share))
                    on:click=move |_| on_pick.run((i18n.t(MKey::TopCustomers).to_owned(), top.clone()))>
                    {percent(i18n, report.current.top_share)}
                </button>
                <div>
                    <p>{headline.clone()}</p>
                    <p class="muted">{i18n.t(MKey::PreviousPeriod)} ": " {previous}</p>
                </div>
            </div>
            <div class="grid-2">
                <Curve label=headline points=report.curve.clone() mark_x=0.2/>
                <div>
                    <ReportTable name="pareto" caption=i18n.t(MKey::Pareto).to_owned()
                        columns=vec![Word::Manager(MKey::CustomersShare), Word::Manager(MKey::RevenueShare)]
                        rows=curve_rows/>
                </div>
            </div>
        </section>
    }
}

#[component]
fn RfmCard(report: rfm::Rfm, on_pick: Pick) -> impl IntoView {
    let i18n = use_i18n();
    let ids = |keep: &dyn Fn(&rfm::RfmRow) -> bool| -> Vec<String> {
        report
            .rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.customer_id.clone())
            .collect()
    };
    let bars: Vec<Bar> = Segment::ALL
        .iter()
        .map(|segment| {
            let n = report.segments.get(segment).copied().unwrap_or(0);
            Bar {
                label: i18n.t(segment_key(*segment)).to_owned(),
                value: n as f64,
                text: count(i18n, n),
                ids: ids(&|r| r.segment == *segment),
            }
        })
        .collect();
    let total = report.rows.len().max(1);
    let mut columns = vec![format!(
        "{} \\ {}",
        i18n.t(MKey::Loyalty),
        i18n.t(MKey::Contribution)
    )];
    columns.extend(Level::ALL.iter().map(|l| i18n.t(level_key(*l)).to_owned()));
    let rows = Level::ALL
        .iter()
        .rev()
        .map(|loyalty| {
            let cells = Level::ALL
                .iter()
                .map(|contribution| {
                    let n = report.matrix[*loyalty as usize][*contribution as usize];
                    Some(Cell {
                        text: count(i18n, n),
                        shade: n as f64 / total as f64 * 3.0,
                        label: format!(
                            "{} {} · {} {}: {}",
                            i18n.t(MKey::Loyalty),
                            i18n.t(level_key(*loyalty)),
                            i18n.t(MKey::Contribution),
                            i18n.t(level_key(*contribution)),
                            count(i18n, n)
                        ),
                        ids: ids(&|r| r.loyalty == *loyalty && r.contribution == *contribution),
                    })
                })
                .collect();
            (i18n.t(level_key(*loyalty)).to_owned(), cells)
        })
        .collect();
    let table: Table = (
        vec![
            i18n.t(Key::Name).to_owned(),
            i18n.t(Key::Owner).to_owned(),
            i18n.t(MKey::RecencyScore).to_owned(),
            i18n.t(MKey::FrequencyScore).to_owned(),
            i18n.t(MKey::MonetaryScore).to_owned(),
            i18n.t(MKey::Segment).to_owned(),
            i18n.t(Key::Visits).to_owned(),
            i18n.t(Key::TotalSpend).to_owned(),
            i18n.t(MKey::Loyalty).to_owned(),
            i18n.t(MKey::Contribution).to_owned(),
        ],
        report
            .rows
            .iter()
            .map(|r| {
                vec![
                    json!(r.name),
                    json!(person(&r.owner)),
                    json!(r.r),
                    json!(r.f),
                    json!(r.m),
                    json!(i18n.t(segment_key(r.segment))),
                    json!(r.frequency),
                    json!(r.monetary),
                    json!(i18n.t(level_key(r.loyalty))),
                    json!(i18n.t(level_key(r.contribution))),
                ]
            })
            .collect(),
    );
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::Rfm)}</h2>
            <ExportButtons name="rfm" what=i18n.t(MKey::Rfm).to_owned() table=move || table.clone()/>
            <p class="muted">{i18n.t(MKey::RfmHelp)}</p>
            <div class="grid-2">
                <Bars caption=i18n.t(MKey::Rfm).to_owned() head=(i18n.t(MKey::Rfm).to_owned(), i18n.t(Key::Customers).to_owned()) bars on_pick/>
                <div>
                    <h3>{i18n.t(MKey::Matrix)}</h3>
                    <p class="muted">{i18n.t(MKey::MatrixHelp)}</p>
                    <HeatMap caption=i18n.t(MKey::Matrix).to_owned() columns rows on_pick/>
                </div>
            </div>
        </section>
    }
}

#[component]
fn LifetimeCard(report: lifetime::Lifetime) -> impl IntoView {
    let i18n = use_i18n();
    let totals = i18n
        .t(MKey::LifetimeTotals)
        .replace("{v}", &money(i18n, report.total_spend))
        .replace("{p}", &money(i18n, report.total_projected));
    let columns = vec![
        WHO[0],
        WHO[1],
        Word::Key(Key::Visits),
        Word::Key(Key::TotalSpend),
        Word::Key(Key::AverageTicket),
        Word::Manager(MKey::FirstVisit),
        Word::Key(Key::LastVisit),
        Word::Manager(MKey::Projected),
    ];
    let rows: Vec<Vec<TableCell>> = report
        .rows
        .iter()
        .map(|r| {
            let [customer, owner] = who(&r.customer_id, &r.name, &r.owner);
            vec![
                customer,
                owner,
                TableCell::Count(r.visit_count),
                TableCell::Money(r.lifetime_spend),
                TableCell::Money(r.average_ticket),
                TableCell::Day(Some(r.first_visit)),
                TableCell::Day(Some(r.last_visit)),
                TableCell::Money(r.projected),
            ]
        })
        .collect();
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::Lifetime)}</h2>
            <p>{totals}</p>
            <p class="muted">{i18n.t(MKey::LifetimeMethod)}</p>
            <ReportTable name="lifetime" caption=i18n.t(MKey::Lifetime).to_owned() columns rows shown=50/>
        </section>
    }
}

#[component]
fn StaffCard(report: staff::Staff) -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Word::Key(Key::Salesperson),
        Word::Key(Key::Customers),
        Word::Manager(MKey::ContactsMade),
        Word::Manager(MKey::OnTime),
        Word::Manager(MKey::DoneLate),
        Word::Manager(MKey::Missed),
        Word::Key(Key::TaskSkipped),
        Word::Manager(MKey::ProfileCompleteness),
        Word::Manager(MKey::ComplaintsResolved),
        Word::Manager(MKey::PromisesLate),
        Word::Manager(MKey::ReferralsConverted),
        Word::Manager(MKey::NewCustomers),
        Word::Manager(MKey::SectionReturn),
    ];
    let rows: Vec<Vec<TableCell>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                TableCell::Text(person(&r.staff)),
                TableCell::Count(r.customers),
                TableCell::Count(r.contacts),
                TableCell::Count(r.tasks_on_time),
                TableCell::Count(r.tasks_late),
                TableCell::Count(r.tasks_missed),
                TableCell::Count(r.tasks_skipped),
                TableCell::Percent(Some(r.completeness / 100.0)),
                TableCell::Shown {
                    text: format!(
                        "{} ({})",
                        count(i18n, r.complaints),
                        count(i18n, r.complaints_resolved)
                    ),
                    value: json!(format!("{} ({})", r.complaints, r.complaints_resolved)),
                },
                TableCell::Count(r.promises_overdue),
                TableCell::Count(r.referrals_converted),
                TableCell::Count(r.new_customers),
                TableCell::Shown {
                    text: share_text(i18n, &r.repeat),
                    value: r.repeat.rate.map_or(Value::Null, |rate| json!(rate)),
                },
            ]
        })
        .collect();
    view! {
        <section class="card">
            <h2>{i18n.t(MKey::StaffTitle)}</h2>
            <ReportTable name="staff" caption=i18n.t(MKey::StaffTitle).to_owned() columns rows/>
        </section>
    }
}
