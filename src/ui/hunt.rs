//! The hunting page (`#/hunt?q=…`): a KQL editor with line numbers, bracket matching and Ctrl+Enter, example
//! queries, the tables and their columns, and the results typed from the answer's schema (sortable, one page of
//! rows in the DOM, exportable). Also the "Hunt" links the incident page puts next to each entity.

use super::consent::ConsentPrompt;
use super::ctx;
use crate::browser::page;
use crate::flows::hunt::{ask_consent, load_columns, run, RunState};
use crate::format::wait;
use crate::hunting::{
    between_of, line_count, lookback_of, match_bracket, pivots, with_between, with_lookback, EntityKind, HuntView,
    Position, Window, EXAMPLES, TABLES,
};
use crate::incidents::query::{parse_rfc3339, rfc3339};
use crate::problem::ConsentFor;
use crate::problem::{group, hunt_rows_cut};
use leptos::prelude::*;
/// The look-back choices the window menu offers (days).
const WINDOWS: [u32; 5] = [1, 3, 7, 14, 30];

/// "Hunt: Processes · Network connections · …" for one entity value: each link opens the hunting page with the
/// prepared query over the incident's own span (the [`Window`] its page provides; 7 days back without one), the
/// window editable there.
#[component]
pub(super) fn HuntLinks(kind: EntityKind, value: String) -> impl IntoView {
    let window = use_context::<Window>().unwrap_or_default();
    let links = pivots(kind, &value, window)
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
    // A pivot from an incident names its span: each end is editable, and an end that reads as an instant
    // rewrites the query's `between (…)` in place.
    let span = move || between_of(&draft.get());
    let set_end = move |ev, from_end: bool| {
        let Some(t) = parse_rfc3339(&event_target_value(&ev)) else { return };
        let q = draft.get_untracked();
        let Some((from, to)) = between_of(&q) else { return };
        let (from, to) = if from_end { (t, to) } else { (from, t) };
        if let Some(q) = with_between(&q, from, to) {
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
                        {move || span().map(|(from, to)| view! {
                            <label class="inline">{crate::problem::HUNT_SPAN_FROM}
                                <input type="text" class="mono" data-testid="hunt-span-from" size="20" title=crate::problem::HUNT_SPAN_FORMAT
                                    prop:value=rfc3339(from) on:change=move |ev| set_end(ev, true)/>
                            </label>
                            <label class="inline">{crate::problem::HUNT_SPAN_TO}
                                <input type="text" class="mono" data-testid="hunt-span-to" size="20" title=crate::problem::HUNT_SPAN_FORMAT
                                    prop:value=rfc3339(to) on:change=move |ev| set_end(ev, false)/>
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
                    <super::hunt_results::Results/>
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
            let (n, cut) = hunt.result.with(|r| {
                r.as_ref().map_or((0, None), |r| {
                    (r.rows.len(), r.truncated.then(|| hunt_rows_cut(r.row_limit, r.columns.len(), r.cut_by_cells())))
                })
            });
            let text = format!("{} row{} in {:.2} s", group(n), if n == 1 { "" } else { "s" }, ms as f64 / 1000.0);
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
            <ConsentPrompt what=ConsentFor::Hunt scope=scope.clone() testid="hunt-needs-consent" go_testid="hunt-consent"
                cancel_testid="hunt-consent-cancel"
                on_go=Callback::new(move |_| ask_consent(ctx)) on_cancel=Callback::new(move |_| hunt.run.set(RunState::Idle))/>
        }
        .into_any()),
        RunState::Unavailable(why) => {
            let ask = why.consent.map(|_| view! {
                " " <button class="primary" data-testid="hunt-consent" on:click=move |_| ask_consent(ctx)>{crate::problem::ASK_FOR_PERMISSION}</button>
            });
            Some(view! {
                <div class="banner warn" data-testid="hunt-unavailable">
                    <p>{why.problem.message}</p>
                    {why.problem.hint.map(|h| view! { <p class="small">{h}</p> })}
                    {ask}
                    <super::status::Details text=why.problem.details/>
                </div>
            }
            .into_any())
        }
    }
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
