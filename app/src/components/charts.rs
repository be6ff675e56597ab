//! The Insights charts (manager bundle): small views of our own, each one a table first — a chart
//! that reads as a table to a screen reader and exports as one — drawn with CSS bars, a heat-map
//! of cells and one SVG curve. No chart library: these cost a few kilobytes of wasm.
//!
//! A bar or cell with customers behind it is a button; tapping it calls `on_pick` with the
//! bar's label and the customer ids.

use leptos::prelude::*;

/// One bar: its label, its length (`value / max`), the figure it shows, and who is behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub ids: Vec<String>,
}

/// What a tap on a bar or cell opens: a title and the customer ids.
pub type Pick = Callback<(String, Vec<String>)>;

/// Horizontal bars as a table: label, bar, figure. `max` is the full length (the largest value
/// when `None`).
#[component]
pub fn Bars(
    caption: String,
    head: (String, String),
    bars: Vec<Bar>,
    #[prop(optional)] max: Option<f64>,
    on_pick: Pick,
) -> impl IntoView {
    let max = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::EPSILON);
    view! {
        <table class="chart-bars">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{head.0}</th><th scope="col">{head.1}</th></tr></thead>
            <tbody>
                {bars.into_iter().map(|bar| {
                    let width = format!("width: {:.1}%", (bar.value / max * 100.0).clamp(0.0, 100.0));
                    let label = format!("{}: {}", bar.label, bar.text);
                    let inner = view! {
                        <span class="bar-track" aria-hidden="true"><span class="bar-fill" style=width></span></span>
                        <span class="bar-text">{bar.text.clone()}</span>
                    };
                    let cell = if bar.ids.is_empty() {
                        view! { <span class="bar-static">{inner}</span> }.into_any()
                    } else {
                        let (title, ids) = (bar.label.clone(), bar.ids);
                        view! {
                            <button type="button" class="bar-button" aria-label=label
                                on:click=move |_| on_pick.run((title.clone(), ids.clone()))>{inner}</button>
                        }.into_any()
                    };
                    view! { <tr><th scope="row">{bar.label}</th><td>{cell}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One cell of a heat-map: its figure, its shade (0–1), and who is behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub shade: f64,
    pub label: String,
    pub ids: Vec<String>,
}

/// A heat-map table: rows with a header cell and shaded cells; `None` cells are blank (a month
/// that has not come yet).
#[component]
pub fn HeatMap(
    caption: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<Option<Cell>>)>,
    on_pick: Pick,
) -> impl IntoView {
    let region = caption.clone();
    view! {
        <div class="chart-scroll" tabindex="0" role="region" aria-label=region>
            <table class="chart-heat">
                <caption>{caption}</caption>
                <thead><tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|(head, cells)| view! {
                        <tr>
                            <th scope="row">{head}</th>
                            {cells.into_iter().map(|cell| match cell {
                                None => view! { <td class="heat-empty"></td> }.into_any(),
                                Some(cell) => {
                                    // At most 45 % of the accent over the paper: dark text stays readable (WCAG AA).
                                    let style = format!("--shade: {:.0}%", (cell.shade * 45.0).clamp(0.0, 45.0));
                                    let (label, ids) = (cell.label.clone(), cell.ids);
                                    let text = cell.text;
                                    if ids.is_empty() {
                                        view! { <td class="heat" style=style>{text}</td> }.into_any()
                                    } else {
                                        let title = label.clone();
                                        view! {
                                            <td class="heat" style=style>
                                                <button type="button" class="heat-button" aria-label=label
                                                    on:click=move |_| on_pick.run((title.clone(), ids.clone()))>{text}</button>
                                            </td>
                                        }.into_any()
                                    }
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A cumulative curve from (0, 0) to (1, 1) in SVG, with the diagonal for reference and a mark
/// at `mark_x`; `label` says in words what it shows (the figures are in the table beside it).
#[component]
pub fn Curve(label: String, points: Vec<(f64, f64)>, mark_x: f64) -> impl IntoView {
    let path = points
        .iter()
        .map(|(x, y)| format!("{:.1},{:.1}", x * 100.0, 100.0 - y * 100.0))
        .collect::<Vec<_>>()
        .join(" ");
    let mark = format!("{:.1}", mark_x * 100.0);
    view! {
        <svg class="chart-curve" viewBox="-2 -2 104 104" role="img" aria-label=label>
            <line class="curve-axis" x1="0" y1="100" x2="100" y2="100"/>
            <line class="curve-axis" x1="0" y1="0" x2="0" y2="100"/>
            <line class="curve-diagonal" x1="0" y1="100" x2="100" y2="0"/>
            <line class="curve-mark" x1=mark.clone() y1="0" x2=mark y2="100"/>
            <polyline class="curve-line" points=path/>
        </svg>
    }
}
