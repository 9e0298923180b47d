//! The incident queue: filters, pictures, a sortable table of one screen of rows, paging and export.

use super::banners::ApiErrorBanner;
use super::charts::{Histogram, Summary};
use super::ctx;
use super::filters::Filters;
use crate::api::model::norm;
use crate::api::model::Incident;
use crate::api::source::portal_link;
use crate::api::view::{SortKey, View, PAGE_SIZE};
use crate::browser::clock::local_time;
use crate::flows::navigate::change_view;
use crate::flows::queue::reload;
use crate::flows::state::Ctx;
use crate::format::relative_age;
use leptos::prelude::*;

/// The queue page.
#[component]
pub fn QueuePage() -> impl IntoView {
    let ctx = ctx();
    let me = move || ctx.me();
    // Each stage follows only the part of the view it needs, so a sort click does not re-filter, a page
    // click does neither, and the pictures (which don't depend on order) are not redrawn by a sort.
    let filter_part = Memo::new(move |_| {
        ctx.view.with(|v| View {
            sort: SortKey::Updated,
            desc: true,
            page: 0,
            refresh: None,
            incident: None,
            ..v.clone()
        })
    });
    let order = Memo::new(move |_| ctx.view.with(|v| (v.sort, v.desc)));
    // Positions in the loaded incidents that the filters keep, in arrival order. Recomputed when the data
    // or the filters change, not on every clock tick.
    let filtered = Memo::new(move |_| {
        let now = ctx.now.get_untracked() as i64;
        filter_part.with(|v| ctx.queue.with(|q| q.items.filtered(v, &me(), now)))
    });
    // The same positions in the view's order.
    let visible = Memo::new(move |_| {
        let (key, desc) = order.get();
        let mut idx = filtered.get();
        ctx.queue.with(|q| q.items.sort(&mut idx, key, desc));
        idx
    });
    let page = Memo::new(move |_| {
        let pages = visible.with(|v| v.len().div_ceil(PAGE_SIZE)).max(1);
        ctx.view.with(|v| v.page).min(pages - 1)
    });
    let tenant = move || ctx.session().and_then(|s| s.id_claims.tid.clone());
    // Only what a row shows is copied (not alerts and entities): 50 small structs per change.
    let rows = move || {
        let start = page.get() * PAGE_SIZE;
        let tenant = tenant();
        visible.with(|idx| {
            ctx.queue.with(|q| {
                idx.iter()
                    .skip(start)
                    .take(PAGE_SIZE)
                    .filter_map(|&i| q.items.get(i))
                    .map(|inc| RowData::of(inc, q.changed.contains(&inc.id), tenant.as_deref()))
                    .collect::<Vec<_>>()
            })
        })
    };
    let shown = Memo::new(move |_| filtered.with(Vec::len));
    // The ids on this screen, in order: what "all on this screen" and a shift-click range select from.
    let screen = Memo::new(move |_| {
        let start = page.get() * PAGE_SIZE;
        visible.with(|idx| {
            ctx.queue.with(|q| {
                idx.iter().skip(start).take(PAGE_SIZE).filter_map(|&i| q.items.get(i)).map(|i| i.id.clone()).collect()
            })
        })
    });
    let actions = ctx.cfg().is_some_and(|c| c.actions);
    let status = move || {
        // Read the queue in place: cloning 10,000 incidents on every change is what made filtering slow.
        let (loaded, loading, none_loaded) = ctx.queue.with(|q| (q.loaded, q.loading, q.items.is_empty()));
        if !loaded && loading {
            Some(
                view! { <p class="muted placeholder" role="status" data-testid="loading">"Loading incidents…"</p> }
                    .into_any(),
            )
        } else if loaded && shown.get() == 0 {
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
    view! {
        <section class="queue" aria-labelledby="queue-title">
            <div class="queue-head">
                <h1 id="queue-title">"Incidents"</h1>
                <super::status::LoadProgress/>
                <super::status::DataAsOf/>
                <span class="spacer"></span>
                <super::status::AutoRefresh/>
                <super::export::ExportButtons visible=visible/>
                <button class="ghost" data-testid="refresh" disabled=move || ctx.queue.with(|q| q.loading) on:click=move |_| reload(ctx)>"Refresh"</button>
            </div>
            <Filters/>
            <ApiErrorBanner/>
            <super::status::ChangesNotice/>
            <div class="pictures">
                <super::status::PicturesLoading/>
                <Summary filtered=filtered/>
                <Histogram filtered=filtered/>
            </div>
            {actions.then(|| view! { <super::bulk::BulkBar screen=screen/> })}
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
                        <For each=rows key=|r| r.clone() let:row>
                            <Row row=row screen=screen actions=actions/>
                        </For>
                    </tbody>
                </table>
            </div>
            {status}
            <Pager shown=shown.into() page=page.into()/>
        </section>
    }
}

/// A column header that sorts by its column; a second click reverses.
#[component]
fn SortHeader(label: &'static str, key: SortKey) -> impl IntoView {
    let ctx = ctx();
    let state = Memo::new(move |_| ctx.view.with(|v| (v.sort == key).then_some(v.desc)));
    let aria = move || match state.get() {
        Some(true) => "descending",
        Some(false) => "ascending",
        None => "none",
    };
    let arrow = move || match state.get() {
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

/// What one table row shows, copied out of the incident. It is the row's key too: a row is drawn again when
/// anything it shows changed, not only when the update time moved (two writes within one second share it).
#[derive(Clone, PartialEq, Eq, Hash)]
struct RowData {
    id: String,
    name: String,
    severity: String,
    status: String,
    assigned_to: Option<String>,
    classification: String,
    updated: Option<i64>,
    alert_count: usize,
    portal: Option<String>,
    hot: bool,
}

impl RowData {
    fn of(inc: &Incident, hot: bool, tenant: Option<&str>) -> RowData {
        let classification = match (inc.classification.label(), inc.determination.label()) {
            (c, "Not available") => c.to_string(),
            (c, d) => format!("{c} · {d}"),
        };
        RowData {
            id: inc.id.clone(),
            name: inc.name.clone(),
            severity: inc.severity.label().to_string(),
            status: inc.status.label().to_string(),
            assigned_to: inc.assigned_to.clone(),
            classification,
            updated: inc.last_update_ts,
            alert_count: inc.alert_count,
            portal: portal_link(inc, tenant),
            hot,
        }
    }
}

#[component]
fn Row(row: RowData, screen: Memo<Vec<String>>, actions: bool) -> impl IntoView {
    let ctx: Ctx = ctx();
    let RowData { id, name, severity: sev, status, assigned_to, classification, updated, alert_count, portal, hot } =
        row;
    let sev_class = format!("sev sev-{}", norm(&sev));
    let updated_title = updated.map(local_time).unwrap_or_default();
    let age = move || updated.map(|t| relative_age(t, ctx.now.get() as i64)).unwrap_or_else(|| "—".into());
    let detail = ctx.view.with_untracked(|v| {
        let mut v = v.clone();
        v.incident = Some(id.clone());
        v.to_hash()
    });
    // The checkbox sits in the id cell, so the columns (and their text) stay as they were.
    let select = actions.then(|| {
        let id2 = id.clone();
        let id3 = id.clone();
        let checked = move || ctx.acting.with(|a| a.selected.contains(&id2));
        view! {
            <input type="checkbox" class="row-select" data-testid="row-select" aria-label=format!("Select incident {id}") prop:checked=checked
                on:click=move |ev| {
                    let on = event_target_checked(&ev);
                    screen.with_untracked(|s| super::bulk::select(s, &id3, on, ev.shift_key()));
                }/>
        }
    });
    view! {
        <tr data-testid="incident-row" data-incident-id=id.clone() data-changed=hot.to_string() class:changed=hot>
            <td class="mono">{select}{id.clone()}</td>
            <td class="name"><a href=detail data-testid="incident-link">{name}</a><super::status::MatchedHint id=id.clone()/></td>
            <td><span class=sev_class>{sev}</span></td>
            <td class="nowrap">{status}</td>
            <td class="wrap">{assigned_to.unwrap_or_else(|| "Unassigned".into())}</td>
            <td>{classification}</td>
            <td class="nowrap"><time title=updated_title>{age}</time></td>
            <td class="num">{alert_count}</td>
            <td class="nowrap">{portal.map(|href| view! {
                <a href=href target="_blank" rel="noopener noreferrer" data-testid="portal-link" aria-label="Open in the Defender portal">"Portal ↗"</a>
            })}</td>
        </tr>
    }
}
