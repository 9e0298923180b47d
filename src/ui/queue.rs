//! The incident queue: filters, pictures, a sortable table of one screen of rows, paging and export.

use super::banners::ApiErrorBanner;
use super::charts::{Histogram, Summary};
use super::ctx;
use super::filters::Filters;
use crate::api::model::Incident;
use crate::api::view::{to_csv, to_json, visible_indices, SortKey, PAGE_SIZE};
use crate::browser::clock::local_time;
use crate::browser::download;
use crate::flows::boot::change_view;
use crate::flows::queue::reload;
use crate::flows::state::Ctx;
use crate::format::relative_age;
use leptos::prelude::*;

/// The queue page.
#[component]
pub fn QueuePage() -> impl IntoView {
    let ctx = ctx();
    let me = move || ctx.session().and_then(|s| s.id_claims.preferred_username.clone());
    // Indices into the loaded incidents that the view shows, in order. Recomputed when the data or the
    // view changes, not on every clock tick.
    let visible = Memo::new(move |_| {
        let view = ctx.view.get();
        let now = ctx.now.get_untracked() as i64;
        ctx.queue.with(|q| visible_indices(&q.items, &view, me().as_deref(), now))
    });
    let page = move || {
        let pages = visible.with(|v| v.len().div_ceil(PAGE_SIZE)).max(1);
        ctx.view.with(|v| v.page).min(pages - 1)
    };
    let rows = move || {
        let start = page() * PAGE_SIZE;
        let changed = ctx.queue.with(|q| q.changed.clone());
        visible.with(|idx| {
            ctx.queue.with(|q| {
                idx.iter()
                    .skip(start)
                    .take(PAGE_SIZE)
                    .filter_map(|&i| q.items.get(i).cloned())
                    .map(|inc| {
                        let hot = changed.contains(&inc.id);
                        (inc, hot)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let tenant = move || ctx.session().and_then(|s| s.id_claims.tid.clone());
    let shown = move || visible.with(|v| v.len());
    let status = move || {
        // Read the queue in place: cloning 10,000 incidents on every change is what made filtering slow.
        let (loaded, loading, none_loaded) = ctx.queue.with(|q| (q.loaded, q.loading, q.items.is_empty()));
        if !loaded && loading {
            Some(view! { <p class="muted placeholder" role="status" data-testid="loading">"Loading incidents…"</p> }.into_any())
        } else if loaded && shown() == 0 {
            let msg = if none_loaded {
                "No incidents in this view. Either the queue is clear, or your role in Defender lets you see none."
            } else {
                "No incidents match these filters."
            };
            Some(view! { <p class="empty" data-testid="empty">{msg}</p> }.into_any())
        } else {
            None
        }
    };
    let export = move |json: bool| {
        let items: Vec<Incident> = visible.with(|idx| ctx.queue.with(|q| idx.iter().filter_map(|&i| q.items.get(i).cloned()).collect()));
        let result = if json {
            download::save("incidents.json", "application/json", &to_json(&items))
        } else {
            download::save("incidents.csv", "text/csv", &to_csv(&items))
        };
        if let Err(e) = result {
            ctx.api_error.set(Some(crate::flows::state::Problem::new(e)));
        }
    };
    view! {
        <section class="queue" aria-labelledby="queue-title">
            <div class="queue-head">
                <h1 id="queue-title">"Incidents"</h1>
                <Progress/>
                <span class="spacer"></span>
                <label class="inline">
                    "Auto-refresh "
                    <select data-testid="auto-refresh" on:change=move |ev| {
                        let secs = event_target_value(&ev).parse::<u32>().ok().filter(|s| *s > 0);
                        change_view(ctx, true, |v| v.refresh = secs);
                    }>
                        {[(0u32, "Off"), (30, "30 s"), (60, "1 min"), (300, "5 min")].into_iter().map(|(s, l)| {
                            view! { <option value=s.to_string() selected=move || ctx.view.get().refresh.unwrap_or(0) == s>{l}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button class="ghost" data-testid="export-csv" on:click=move |_| export(false)>"Export CSV"</button>
                <button class="ghost" data-testid="export-json" on:click=move |_| export(true)>"Export JSON"</button>
                <button class="ghost" data-testid="refresh" disabled=move || ctx.queue.with(|q| q.loading) on:click=move |_| reload(ctx)>"Refresh"</button>
            </div>
            <Filters/>
            <ApiErrorBanner/>
            <div class="pictures">
                <Summary visible=visible/>
                <Histogram visible=visible/>
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Incident table">
                <table class="incidents">
                    <thead>
                        <tr>
                            <SortHeader label="ID" key=SortKey::Id/>
                            <SortHeader label="Incident" key=SortKey::Name/>
                            <SortHeader label="Severity" key=SortKey::Severity/>
                            <SortHeader label="Status" key=SortKey::Status/>
                            <SortHeader label="Assigned to" key=SortKey::Assigned/>
                            <SortHeader label="Classification" key=SortKey::Classification/>
                            <SortHeader label="Last update" key=SortKey::Updated/>
                            <SortHeader label="Alerts" key=SortKey::Alerts/>
                            <th scope="col"><span class="sr-only">"Portal"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|(i, hot)| (i.id.clone(), i.last_update_ts, *hot) let:row>
                            <Row inc=row.0 hot=row.1 tenant=tenant()/>
                        </For>
                    </tbody>
                </table>
            </div>
            {status}
            <Pager shown=Signal::derive(shown) page=Signal::derive(page)/>
        </section>
    }
}

/// "Loaded 300 of 1,200…" while pages arrive.
#[component]
fn Progress() -> impl IntoView {
    let ctx = ctx();
    move || {
        let text = ctx.queue.with(|q| {
            let n = q.items.len();
            match (q.loading, q.total) {
                (true, Some(t)) if q.loaded => format!("Loaded {n} of {t}…"),
                (true, None) if q.loaded => format!("Loaded {n}…"),
                (true, _) => String::new(),
                // At the cap we can't tell "exactly 10,000" from "more": say what is true either way.
                (false, _) if q.loaded && q.next.is_some() => {
                    format!("{n} loaded, the most one view loads; narrow the view if there may be more")
                }
                (false, _) if q.loaded => format!("{n} loaded"),
                _ => String::new(),
            }
        });
        view! { <span class="muted" data-testid="progress" role="status" aria-live="polite">{text}</span> }
    }
}

/// A column header that sorts by its column; a second click reverses.
#[component]
fn SortHeader(label: &'static str, key: SortKey) -> impl IntoView {
    let ctx = ctx();
    let state = move || ctx.view.with(|v| (v.sort == key).then_some(v.desc));
    let aria = move || match state() {
        Some(true) => "descending",
        Some(false) => "ascending",
        None => "none",
    };
    let arrow = move || match state() {
        Some(true) => " ▼",
        Some(false) => " ▲",
        None => "",
    };
    let class = if matches!(key, SortKey::Alerts) { "num" } else { "" };
    view! {
        <th scope="col" aria-sort=aria class=class>
            <button class="sort" data-testid=format!("sort-{}", key.token()) on:click=move |_| {
                change_view(ctx, true, |v| {
                    v.desc = if v.sort == key { !v.desc } else { !matches!(key, SortKey::Name | SortKey::Assigned | SortKey::Classification) };
                    v.sort = key;
                    v.page = 0;
                });
            }>{label}<span aria-hidden="true">{arrow}</span></button>
        </th>
    }
}

/// Previous / next screen of rows.
#[component]
fn Pager(shown: Signal<usize>, page: Signal<usize>) -> impl IntoView {
    let ctx = ctx();
    let pages = move || shown.get().div_ceil(PAGE_SIZE).max(1);
    let info = move || {
        let n = shown.get();
        if n == 0 {
            return String::new();
        }
        let start = page.get() * PAGE_SIZE;
        format!("Showing {}–{} of {}", start + 1, (start + PAGE_SIZE).min(n), n)
    };
    let go = move |to: usize| change_view(ctx, true, |v| v.page = to);
    view! {
        <nav class="pager" aria-label="Pages">
            <button class="ghost" data-testid="page-prev" disabled=move || page.get() == 0 on:click=move |_| go(page.get().saturating_sub(1))>"← Previous"</button>
            <span data-testid="page-info">{info}</span>
            <button class="ghost" data-testid="page-next" disabled={move || page.get() + 1 >= pages()} on:click=move |_| go(page.get() + 1)>"Next →"</button>
        </nav>
    }
}

#[component]
fn Row(inc: Incident, hot: bool, tenant: Option<String>) -> impl IntoView {
    let ctx: Ctx = ctx();
    let portal = super::portal_link(&inc, tenant.as_deref());
    let sev = inc.severity.label().to_string();
    let sev_class = format!("sev sev-{}", crate::api::view::key(&sev));
    let classification = match (inc.classification.label(), inc.determination.label()) {
        (c, "Not available") => c.to_string(),
        (c, d) => format!("{c} · {d}"),
    };
    let updated = inc.last_update_ts;
    let updated_title = updated.map(local_time).unwrap_or_default();
    let age = move || updated.map(|t| relative_age(t, ctx.now.get() as i64)).unwrap_or_else(|| "—".into());
    let detail = ctx.view.with_untracked(|v| {
        let mut v = v.clone();
        v.incident = Some(inc.id.clone());
        v.to_hash()
    });
    view! {
        <tr data-testid="incident-row" data-incident-id=inc.id.clone() data-changed=hot.to_string() class:changed=hot>
            <td class="mono">{inc.id.clone()}</td>
            <td class="name"><a href=detail data-testid="incident-link">{inc.name.clone()}</a></td>
            <td><span class=sev_class>{sev}</span></td>
            <td class="nowrap">{inc.status.label().to_string()}</td>
            <td class="wrap">{inc.assigned_to.clone().unwrap_or_else(|| "Unassigned".into())}</td>
            <td>{classification}</td>
            <td class="nowrap"><time title=updated_title>{age}</time></td>
            <td class="num">{inc.alert_count}</td>
            <td class="nowrap">{portal.map(|href| view! {
                <a href=href target="_blank" rel="noopener noreferrer" data-testid="portal-link" aria-label="Open in the Defender portal">"Portal ↗"</a>
            })}</td>
        </tr>
    }
}
