//! Two small pictures of the current view, drawn as plain SVG: a severity × status grid and incidents over time.

use super::ctx;
use crate::flows::navigate::change_view;
use crate::incidents::model::Incident;
use crate::queue::stats::{histogram, SUMMARY_SEVERITIES, SUMMARY_STATUSES};
use crate::queue::view::Range;
use leptos::prelude::*;

/// Runs `f` over the incidents the filters keep, by reference (no copies of the queue).
fn with_shown<T>(filtered: Memo<Vec<usize>>, f: impl FnOnce(&[&Incident]) -> T) -> T {
    let ctx = ctx();
    filtered.with(|idx| ctx.queue.with(|q| f(&idx.iter().filter_map(|&i| q.items.get(i)).collect::<Vec<_>>())))
}

/// Counts per severity and status; a click (or Enter or Space on a focused cell) narrows the view to that cell.
#[component]
pub fn Summary(filtered: Memo<Vec<usize>>) -> impl IntoView {
    let ctx = ctx();
    // Integer geometry: an f64 attribute would pull float-to-text formatting (~15 KB) into the wasm.
    let (cw, ch, lw, th) = (86usize, 26usize, 104usize, 22usize);
    // A memo: the cells are redrawn only when a count changes.
    let grid = Memo::new(move |_| filtered.with(|idx| ctx.queue.with(|q| q.items.summary(idx))));
    view! {
        <figure class="card picture" data-testid="summary">
            <figcaption>"Severity × status"</figcaption>
            <svg viewBox=format!("0 0 {} {}", lw + cw * SUMMARY_STATUSES.len(), th + ch * SUMMARY_SEVERITIES.len())
                role="group" aria-label="Incidents by severity and status">
                {SUMMARY_STATUSES.iter().enumerate().map(|(c, s)| view! {
                    <text x=lw + cw * c + cw / 2 y=15 class="axis" text-anchor="middle">{s.label()}</text>
                }).collect_view()}
                {SUMMARY_SEVERITIES.iter().enumerate().map(|(r, s)| view! {
                    <text x=0 y=th + ch * r + 17 class="axis">{s.label()}</text>
                }).collect_view()}
                {move || {
                    let g = grid.get();
                    let max = g.iter().flatten().copied().max().unwrap_or(0).max(1);
                    g.into_iter().enumerate().flat_map(|(r, row)| row.into_iter().enumerate().map(move |(c, n)| (r, c, n))).map(|(r, c, n)| {
                        let level = if n == 0 { 0 } else { 1 + (n * 4 - 1) / max };
                        let (sev, st) = (
                            SUMMARY_SEVERITIES.get(r).map(|s| s.key().into_owned()).unwrap_or_default(),
                            SUMMARY_STATUSES.get(c).map(|s| s.key().into_owned()).unwrap_or_default(),
                        );
                        let label = format!(
                            "{} and {}: {n} incidents. Show them",
                            SUMMARY_SEVERITIES.get(r).map(|s| s.label()).unwrap_or_default(),
                            SUMMARY_STATUSES.get(c).map(|s| s.label()).unwrap_or_default(),
                        );
                        let testid = format!("summary-{sev}-{st}");
                        let narrow = move || { let (sev, st) = (sev.clone(), st.clone()); change_view(ctx, true, |v| { v.severity = vec![sev]; v.status = vec![st]; v.page = 0; }) };
                        let narrow2 = narrow.clone();
                        // A button for the keyboard and screen readers as well as the mouse.
                        view! {
                            <g class="cell" data-testid=testid data-count=n.to_string() role="button" tabindex="0" aria-label=label
                                on:keydown=move |ev| if matches!(ev.key().as_str(), "Enter" | " ") { ev.prevent_default(); narrow2() }
                                on:click=move |_| narrow()>
                                <rect x=lw + cw * c + 2 y=th + ch * r + 2 width=cw - 4 height=ch - 4 rx=4 class=format!("heat heat-{level}")/>
                                <text x=lw + cw * c + cw / 2 y=th + ch * r + 17 text-anchor="middle" class="count">{n}</text>
                            </g>
                        }
                    }).collect_view()
                }}
            </svg>
        </figure>
    }
}

/// Incidents created per day (or per bucket) across the view's time range.
#[component]
pub fn Histogram(filtered: Memo<Vec<usize>>) -> impl IntoView {
    let ctx = ctx();
    const BUCKETS: usize = 30;
    let (w, h) = (360usize, 110usize);
    let range = Memo::new(move |_| ctx.view.with(|v| v.range));
    // A memo: the bars are redrawn only when they change.
    let bars = Memo::new(move |_| {
        let now = ctx.now.get_untracked() as i64;
        let range = range.get();
        with_shown(filtered, |items| {
            let from = match range {
                Range::Last(s) => now - s,
                Range::Custom(Some(f), _) => f,
                _ => items.iter().filter_map(|i| i.created_ts).min().unwrap_or(now - 30 * 86_400),
            };
            (histogram(items, from, now, BUCKETS), from, now)
        })
    });
    view! {
        <figure class="card picture" data-testid="chart">
            <figcaption>"Created over time"</figcaption>
            {move || {
                let (counts, from, now) = bars.get();
                let max = counts.iter().copied().max().unwrap_or(0).max(1);
                let bw = w / BUCKETS;
                let total: usize = counts.iter().sum();
                view! {
                    <svg viewBox=format!("0 0 {w} {}", h + 16) role="img" aria-label=format!("{total} incidents created over the view's time range")>
                        {counts.into_iter().enumerate().map(|(i, n)| {
                            let bh = (n * (h - 4) + max / 2) / max;
                            view! { <rect class="bar" x=i * bw + 1 y=h - bh width=bw - 2 height=bh data-count=n.to_string()><title>{n}</title></rect> }
                        }).collect_view()}
                        <line x1=0 y1=h x2=w y2=h class="baseline"/>
                        <text x=0 y=h + 14 class="axis">{crate::incidents::query::rfc3339(from).chars().take(10).collect::<String>()}</text>
                        <text x=w y=h + 14 class="axis" text-anchor="end">{crate::incidents::query::rfc3339(now).chars().take(10).collect::<String>()}</text>
                    </svg>
                }
            }}
        </figure>
    }
}
