//! The hunting page (`#/hunt?q=…`): a KQL editor with line numbers, bracket matching and Ctrl+Enter, example
//! queries, the tables and their columns, and the results typed from the answer's schema (sortable, one page of
//! rows in the DOM, exportable). Also the "Hunt" links the incident page puts next to each entity.

use super::ctx;
use crate::browser::{clock, download, page};
use crate::flows::hunt::{ask_consent, load_columns, run, RunState};
use crate::format::wait;
use crate::hunting::{
    line_count, lookback_of, match_bracket, pivots, with_lookback, Cell, ColumnType, EntityKind, HuntView, Lookback,
    Position, EXAMPLES, MAX_ROWS, TABLES,
};
use crate::problem::Problem;
use crate::queue::export::file_name;
use leptos::prelude::*;

/// Rows in the DOM at once.
const PAGE_ROWS: usize = 50;
/// The look-back choices the window menu offers (days).
const WINDOWS: [u32; 5] = [1, 3, 7, 14, 30];

/// "Hunt: Processes · Network connections · …" for one entity value: each link opens the hunting page with the
/// prepared query (its window is editable there).
#[component]
pub(super) fn HuntLinks(kind: EntityKind, value: String) -> impl IntoView {
    let links = pivots(kind, &value, Lookback::DEFAULT)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let href = HuntView::new(&p.query, None).to_hash();
            let label = format!("Hunt: {} of this {}", p.label.to_lowercase(), kind.noun());
            view! {
                {(i > 0).then_some(" · ")}
                <a href=href data-testid="hunt-pivot" data-kind=kind.noun() aria-label=label>{p.label}</a>
            }
        })
        .collect_view();
    view! { <span class="hunt-links small">"Hunt: " {links}</span> }
}

/// The hunting page.
#[component]
pub(super) fn HuntPage() -> impl IntoView {
    let ctx = ctx();
    let hunt = ctx.hunt;
    let initial = hunt.view.get_untracked().unwrap_or_default();
    let draft = RwSignal::new(initial.query.clone());
    let timespan = RwSignal::new(initial.timespan.clone().unwrap_or_default());
    let caret = RwSignal::new(0usize);
    let area = NodeRef::<leptos::html::Textarea>::new();
    // The tab says "Hunt" while the page is open, and what it said before once it is left.
    let original_title = page::title();
    page::set_title("Hunt · Onbehalf");
    on_cleanup(move || page::set_title(&original_title));
    // A new URL (Back, a pivot link, a shared link) replaces what is in the editor.
    Effect::new(move |prev: Option<Option<HuntView>>| {
        let v = hunt.view.get();
        if prev.is_some_and(|p| p != v) {
            if let Some(v) = &v {
                draft.set(v.query.clone());
                timespan.set(v.timespan.clone().unwrap_or_default());
            }
        }
        v
    });
    let current = move || HuntView::new(&draft.get_untracked(), Some(&timespan.get_untracked()));
    let quota_wait = move || match hunt.run.get() {
        RunState::Failed { retry_at: Some(t), .. } if t > ctx.now.get() => Some(t),
        _ => None,
    };
    let go = move || {
        if quota_wait().is_none() {
            run(ctx, current());
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            go();
        }
    };
    let track_caret = move || {
        if let Some(a) = area.get() {
            caret.set(a.selection_start().ok().flatten().unwrap_or(0) as usize);
        }
    };
    let gutter = move || (1..=line_count(&draft.get())).map(|n| n.to_string()).collect::<Vec<_>>().join("\n");
    let rows = move || line_count(&draft.get()).clamp(6, 40) as u32 + 1;
    let brackets = move || {
        let text = draft.get();
        match_bracket(&text, caret.get()).map(|m| {
            let at = crate::hunting::line_col(&text, m.at);
            match m.partner {
                Some(p) => {
                    let (l, c) = crate::hunting::line_col(&text, p);
                    format!("Bracket at line {}, column {} matches line {l}, column {c}.", at.0, at.1)
                }
                None => format!("Bracket at line {}, column {} has no partner.", at.0, at.1),
            }
        })
    };
    let window = move || lookback_of(&draft.get());
    let set_window = move |ev| {
        let days: u32 = event_target_value(&ev).parse().unwrap_or(7);
        if let Some(q) = with_lookback(&draft.get_untracked(), days) {
            draft.set(q);
        }
    };
    let examples = EXAMPLES
        .iter()
        .map(|(label, q)| {
            view! { <li><button type="button" class="link" data-testid="hunt-example" on:click=move |_| draft.set(q.to_string())>{*label}</button></li> }
        })
        .collect_view();

    view! {
        <section class="card hunt" aria-labelledby="hunt-title" data-testid="hunt-page">
            <h1 id="hunt-title">"Hunt"</h1>
            <p class="muted small">"Advanced hunting (KQL) through Microsoft Graph, with your own permission. Data of the last 30 days; up to 100,000 rows an answer."</p>
            <div class="hunt-grid">
                <div class="hunt-main">
                    <label for="hunt-query" class="sr-only">"KQL query"</label>
                    <div class="editor">
                        <pre class="gutter mono" aria-hidden="true">{gutter}</pre>
                        <textarea id="hunt-query" class="mono" data-testid="hunt-query" node_ref=area spellcheck="false" wrap="off"
                            autocapitalize="off" autocomplete="off" rows=rows
                            aria-describedby="hunt-keys"
                            prop:value=move || draft.get()
                            on:input=move |ev| { draft.set(event_target_value(&ev)); track_caret(); }
                            on:keydown=on_key
                            on:keyup=move |_| track_caret()
                            on:click=move |_| track_caret()></textarea>
                    </div>
                    <p class="muted small" id="hunt-keys" data-testid="hunt-brackets" aria-live="polite">
                        {move || brackets().unwrap_or_else(|| "Ctrl+Enter runs the query.".into())}
                    </p>
                    <div class="hunt-controls">
                        {move || window().map(|d| view! {
                            <label class="inline">"Look back "
                                <select data-testid="hunt-lookback" on:change=set_window>
                                    {WINDOWS.iter().map(|w| view! { <option value=w.to_string() selected=*w == d>{format!("{w} days")}</option> }).collect_view()}
                                    {(!WINDOWS.contains(&d)).then(|| view! { <option value=d.to_string() selected=true>{format!("{d} days")}</option> })}
                                </select>
                            </label>
                        })}
                        <label class="inline">"Timespan "
                            <input type="text" class="mono" data-testid="hunt-timespan" size="14" placeholder="P30D" title="ISO 8601: P7D, start/end…; blank: the API's 30 days"
                                prop:value=move || timespan.get() on:input=move |ev| timespan.set(event_target_value(&ev))/>
                        </label>
                        <span class="spacer"></span>
                        <button class="primary" data-testid="hunt-run" on:click=move |_| go()
                            disabled=move || hunt.run.get() == RunState::Running || quota_wait().is_some()>
                            {move || if hunt.run.get() == RunState::Running { "Running…" } else { "Run" }}
                        </button>
                    </div>
                    <Status area=area draft=draft/>
                    <Results/>
                </div>
                <aside class="hunt-side">
                    <h2>"Examples"</h2>
                    <ul class="plain">{examples}</ul>
                    <h2>"Tables"</h2>
                    <Tables draft=draft/>
                </aside>
            </div>
        </section>
    }
}

/// What the last run came to: running, the time taken, the failure and its place, consent, a quota's reset.
#[component]
fn Status(area: NodeRef<leptos::html::Textarea>, draft: RwSignal<String>) -> impl IntoView {
    let ctx = ctx();
    let hunt = ctx.hunt;
    // Puts the caret on the place the API named (the character there selected).
    let select_at = move |p: Position| {
        if let (Some(a), Some(off)) = (area.get(), p.char_offset(&draft.get_untracked())) {
            let _ = a.focus();
            let _ = a.set_selection_range(off as u32, off as u32 + 1);
        }
    };
    move || {
        match hunt.run.get() {
        RunState::Idle => None,
        RunState::Running => Some(view! { <p class="muted" role="status" data-testid="hunt-status">"Running the query…"</p> }.into_any()),
        RunState::Done { ms } => {
            let (n, cut) = hunt.result.with(|r| r.as_ref().map_or((0, false), |r| (r.rows.len(), r.truncated)));
            let text = format!("{} row{} in {:.2} s", thousands(n), if n == 1 { "" } else { "s" }, ms as f64 / 1000.0);
            let cut = cut.then(|| format!(" The API returns at most {} rows; there are more: narrow the query.", thousands(MAX_ROWS)));
            Some(view! { <p class="muted" role="status" data-testid="hunt-status">{text}{cut}</p> }.into_any())
        }
        RunState::Failed { message, at, near, retry_at } => {
            let place = at.map(|p| {
                view! {
                    <pre class="mono error-place" data-testid="hunt-error-place">{p.caret_under(&draft.get_untracked())}</pre>
                    <button class="ghost" data-testid="hunt-error-goto" on:click=move |_| select_at(p)>
                        {format!("Go to line {}, column {}", p.line, p.column)}
                    </button>
                }
            });
            let near = near.map(|n| view! { <p class="small">"Near: " <code class="mono">{n}</code></p> });
            let reset = retry_at.map(|t| {
                let at = crate::browser::clock::hh_mm(t);
                view! {
                    <p data-testid="hunt-reset">{move || {
                        let left = t.saturating_sub(ctx.now.get());
                        if left > 0 {
                            format!("Run is available again in {} (at {at}).", wait(left))
                        } else {
                            "The quota has reset: Run is available again.".to_string()
                        }
                    }}</p>
                }
            });
            Some(view! {
                <div class="banner error" role="alert" data-testid="hunt-error">
                    <p>{message}</p>{place}{near}{reset}
                </div>
            }
            .into_any())
        }
        RunState::NeedsConsent { scope } => Some(view! {
            <div class="banner warn" data-testid="hunt-needs-consent">
                <p>"Hunting needs the delegated permission " <code class="mono">{scope.clone()}</code>
                   ", which your sign-in does not hold yet. You will be asked once, on the sign-in page; the query runs when you are back."</p>
                <button class="primary" data-testid="hunt-consent" on:click=move |_| ask_consent(ctx)>"Ask for the permission"</button>
                " " <button class="ghost" data-testid="hunt-consent-cancel" on:click=move |_| hunt.run.set(RunState::Idle)>"Not now"</button>
            </div>
        }
        .into_any()),
        RunState::Unavailable(why) => Some(view! { <p class="banner warn" data-testid="hunt-unavailable">{why}</p> }.into_any()),
    }
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The result table: sortable headers, one page of rows, export.
#[component]
fn Results() -> impl IntoView {
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
        let text = hunt.result.with_untracked(|r| r.as_ref().map(|r| if json { r.to_json() } else { r.to_csv() }));
        if let Some(text) = text {
            let (ext, mime) = if json { ("json", "application/json") } else { ("csv", "text/csv") };
            let saved = download::save(&file_name("hunt", ext, clock::now() as i64), mime, &text);
            save_failed.set(saved.err().map(Problem::new));
        }
    };
    let head = move || {
        hunt.result.with(|r| {
            r.as_ref().map(|r| {
                r.columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let name = c.name.clone();
                        let kind = c.kind.kusto_name().to_string();
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
                            let class = if *num {
                                "num"
                            } else if matches!(c, Cell::Dynamic(_)) {
                                "mono"
                            } else {
                                ""
                            };
                            // One line per row (a long command line is cut, whole in its tooltip), so a page of
                            // rows stays a page.
                            let text = crate::incidents::model::visible(&c.display());
                            let title = text.clone();
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
            format!("Rows {}–{} of {}", thousands(start + 1), thousands(end), thousands(n))
        }
    };
    move || {
        hunt.result.with(Option::is_some).then(|| {
            view! {
                <div class="hunt-results" data-testid="hunt-results">
                    <div class="queue-head">
                        <span class="muted" data-testid="hunt-range">{range}</span>
                        <span class="spacer"></span>
                        <button class="ghost" data-testid="hunt-export-csv" on:click=move |_| export(false)>"Export CSV"</button>
                        <button class="ghost" data-testid="hunt-export-json" on:click=move |_| export(true)>"Export JSON"</button>
                    </div>
                    {move || save_failed.get().map(|p| view! {
                        <p class="banner error" role="alert" data-testid="hunt-export-error">{p.message}</p>
                    })}
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Hunting results">
                        <table class="incidents hunt-table">
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

/// The tables, each opening to its columns (asked with `getschema` the first time); a column's name goes into
/// the editor at its end.
#[component]
fn Tables(draft: RwSignal<String>) -> impl IntoView {
    let ctx = ctx();
    let hunt = ctx.hunt;
    TABLES
        .iter()
        .map(|&table| {
            let columns = move || {
                hunt.schema.with(|s| s.iter().find(|(t, _)| t == table).map(|(_, r)| r.clone())).map(|r| match r {
                    Ok(cols) => view! {
                        <ul class="plain columns">
                            {cols.into_iter().map(|(column, kind)| {
                                let name = column.clone();
                                view! {
                                    <li><button type="button" class="link mono" data-testid="hunt-column"
                                        on:click=move |_| draft.update(|d| { if !d.is_empty() && !d.ends_with([' ', '\n']) { d.push(' ') } d.push_str(&name) })>
                                        {column}</button>
                                    " " <span class="muted small">{kind}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="small muted">{e}</p> }.into_any(),
                })
            };
            view! {
                <details class="table-schema" data-testid="hunt-table" data-table=table
                    on:toggle=move |_| load_columns(ctx, table)>
                    <summary class="mono">{table}</summary>
                    {columns}
                </details>
            }
        })
        .collect_view()
}
