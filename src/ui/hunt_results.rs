//! The hunting page's result table: typed from the answer's schema, sortable, one page of rows in the DOM,
//! times in the analyst's zone, long values wrapping, exportable — and, when the last run did not produce these
//! rows (it is running or failed), labelled as the previous query's and not exportable (issue 21.8).

use super::ctx;
use crate::browser::{clock, download};
use crate::flows::hunt::RunState;
use crate::hunting::{Cell, ColumnType};
use crate::problem::{group, Problem, HUNT_STALE_RESULTS};
use crate::queue::export::{file_name, Separator};
use leptos::prelude::*;

/// Rows in the DOM at once.
const PAGE_ROWS: usize = 50;

/// A cell as the table shows it, with its class and its tooltip: a time in the analyst's zone (the API's UTC
/// text in the tooltip and the exports), anything else as the API sent it, made safe to read.
fn shown(c: &Cell, numeric: bool) -> (&'static str, String, String) {
    match c {
        Cell::Time(ts, raw) => ("time", clock::local_time(*ts), raw.clone()),
        Cell::Dynamic(_) => ("mono", crate::incidents::model::visible(&c.display()), String::new()),
        _ if numeric => ("num", c.display(), String::new()),
        _ => ("", crate::incidents::model::visible(&c.display()), String::new()),
    }
}

/// The result table: sortable headers, one page of rows, export.
#[component]
pub(super) fn Results() -> impl IntoView {
    let ctx = ctx();
    let hunt = ctx.hunt;
    let page_no = RwSignal::new(0usize);
    let sort = RwSignal::new(None::<(usize, bool)>);
    let save_failed = RwSignal::new(None::<Problem>);
    // Each run's answer starts unsorted, on its first page (sorting changes the result, not the run).
    Effect::new(move |_| {
        hunt.run.track();
        page_no.set(0);
        sort.set(None);
    });
    // The rows are this run's answer only once it is done; running, failed or waiting, they are an older one's.
    let stale = move || !matches!(hunt.run.get(), RunState::Done { .. });
    let count = move || hunt.result.with(|r| r.as_ref().map_or(0, |r| r.rows.len()));
    let pages = move || count().div_ceil(PAGE_ROWS).max(1);
    let sort_by = move |col: usize| {
        let desc = matches!(sort.get_untracked(), Some((c, false)) if c == col);
        hunt.result.update(|r| {
            if let Some(r) = r {
                r.sort_by_column(col, desc);
            }
        });
        sort.set(Some((col, desc)));
        page_no.set(0);
    };
    let export = move |json: bool| {
        if !matches!(hunt.run.get_untracked(), RunState::Done { .. }) {
            return;
        }
        let text = hunt.result.with_untracked(|r| {
            r.as_ref().map(|r| {
                if json {
                    r.to_json()
                } else {
                    r.to_csv_with(Separator::for_locale(&crate::browser::page::language()))
                }
            })
        });
        if let Some(text) = text {
            let (ext, mime) = if json { ("json", "application/json") } else { ("csv", "text/csv") };
            let saved = download::save(&file_name("hunt", ext, clock::now() as i64), mime, &text);
            save_failed.set(saved.err().map(Problem::new));
        }
    };
    let head = move || {
        let zone = crate::format::zone(clock::utc_offset_min(clock::now()));
        hunt.result.with(|r| {
            r.as_ref().map(|r| {
                r.columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let name = c.name.clone();
                        let kind = match c.kind {
                            ColumnType::DateTime => crate::problem::hunt_time_zone(&zone),
                            ref k => k.kusto_name().to_string(),
                        };
                        let aria = move || match sort.get() {
                            Some((s, false)) if s == i => "ascending",
                            Some((s, true)) if s == i => "descending",
                            _ => "none",
                        };
                        let arrow = move || match sort.get() {
                            Some((s, d)) if s == i => if d { " ↓" } else { " ↑" },
                            _ => "",
                        };
                        view! {
                            <th scope="col" aria-sort=aria>
                                <button class="sort" data-testid="hunt-col" data-column=name.clone() on:click=move |_| sort_by(i)>
                                    {name.clone()}{arrow}
                                </button>
                                <span class="muted small col-type">{kind}</span>
                            </th>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let body = move || {
        let start = page_no.get() * PAGE_ROWS;
        hunt.result.with(|r| {
            let Some(r) = r else { return vec![] };
            let nums: Vec<bool> =
                r.columns.iter().map(|c| matches!(c.kind, ColumnType::Integer | ColumnType::Real)).collect();
            r.rows
                .iter()
                .skip(start)
                .take(PAGE_ROWS)
                .map(|row| {
                    let cells = row
                        .iter()
                        .zip(&nums)
                        .map(|(c, num)| {
                            // Whole values, wrapping (CSS): a command line is read in the table, not a tooltip.
                            let (class, text, title) = shown(c, *num);
                            view! { <td class=class title=title>{text}</td> }
                        })
                        .collect_view();
                    view! { <tr data-testid="hunt-row">{cells}</tr> }
                })
                .collect::<Vec<_>>()
        })
    };
    let range = move || {
        let n = count();
        let start = (page_no.get() * PAGE_ROWS).min(n);
        let end = (start + PAGE_ROWS).min(n);
        if n == 0 {
            "No rows.".to_string()
        } else {
            format!("Rows {}–{} of {}", group(start + 1), group(end), group(n))
        }
    };
    move || {
        hunt.result.with(Option::is_some).then(|| {
            view! {
                <div class="hunt-results" class:stale=stale data-testid="hunt-results" data-stale=move || stale().to_string()>
                    {move || stale().then(|| view! { <p class="banner warn small" role="note" data-testid="hunt-stale">{HUNT_STALE_RESULTS}</p> })}
                    <div class="queue-head">
                        <span class="muted" data-testid="hunt-range">{range}</span>
                        <span class="spacer"></span>
                        <button class="ghost" data-testid="hunt-export-csv" disabled=stale on:click=move |_| export(false)>"Export CSV"</button>
                        <button class="ghost" data-testid="hunt-export-json" disabled=stale on:click=move |_| export(true)>"Export JSON"</button>
                    </div>
                    {move || save_failed.get().map(|p| view! {
                        <p class="banner error" role="alert" data-testid="hunt-export-error">{p.message}</p>
                    })}
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Hunting results">
                        <table class="hunt-table">
                            <thead><tr>{head}</tr></thead>
                            <tbody>{body}</tbody>
                        </table>
                    </div>
                    <nav class="pager" aria-label="Result pages">
                        <button class="ghost" data-testid="hunt-prev" disabled=move || page_no.get() == 0
                            on:click=move |_| page_no.update(|p| *p = p.saturating_sub(1))>"← Previous"</button>
                        <span class="muted">{move || format!("Page {} of {}", page_no.get() + 1, pages())}</span>
                        <button class="ghost" data-testid="hunt-next" disabled=move || page_no.get() + 1 >= pages()
                            on:click=move |_| page_no.update(|p| *p += 1)>"Next →"</button>
                    </nav>
                </div>
            }
        })
    }
}
