//! The incident queue: filters, pictures, a sortable table of one screen of rows, paging and export.

use super::banners::ApiErrorBanner;
use super::charts::{Histogram, Summary};
use super::ctx;
use super::filters::Filters;
use crate::browser::clock::local_time;
use crate::browser::prefs;
use crate::flows::navigate::change_view;
use crate::flows::queue::reload;
use crate::flows::state::Ctx;
use crate::format::relative_age;
use crate::incidents::model::norm;
use crate::incidents::model::Incident;
use crate::incidents::source::portal_link;
use crate::queue::view::{SortKey, View, PAGE_SIZE};
use leptos::prelude::*;

/// Where the pictures' folded state is remembered (a display preference, in localStorage).
const PICTURES_KEY: &str = "onbehalf.pictures";

/// The incident ids of the current view in the order the queue shows them (its filters and sort): what the
/// incident page's previous/next walk.
pub(super) fn order(ctx: Ctx) -> Vec<String> {
    let now = ctx.now.get_untracked() as i64;
    let me = ctx.me();
    ctx.view.with(|v| {
        ctx.queue.with(|q| {
            let mut idx = q.items.filtered(v, &me, now);
            q.items.sort(&mut idx, v.sort, v.desc);
            idx.iter().filter_map(|&i| q.items.get(i)).map(|i| i.id.clone()).collect()
        })
    })
}

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
    // What the rows showed last: a refresh on page 2 first brings one screen (page 1's rows), and showing
    // those for a moment let a click open the wrong incident. The rows swap only once the asked-for page is in.
    let shown_rows = StoredValue::new(Vec::<RowData>::new());
    // Only what a row shows is copied (not alerts and entities): 50 small structs per change.
    let rows = move || {
        let asked = ctx.view.with(|v| v.page);
        if asked > page.get() && ctx.queue.with(|q| q.loading) {
            return shown_rows.get_value();
        }
        let start = page.get() * PAGE_SIZE;
        let tenant = tenant();
        let rows = visible.with(|idx| {
            ctx.queue.with(|q| {
                idx.iter()
                    .skip(start)
                    .take(PAGE_SIZE)
                    .filter_map(|&i| q.items.get(i))
                    .map(|inc| RowData::of(inc, q.changed.contains(&inc.id), tenant.as_deref()))
                    .collect::<Vec<_>>()
            })
        });
        shown_rows.set_value(rows.clone());
        rows
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
    // The row the summary pane shows (wide screens): the last one focused or hovered, else the screen's first.
    let preview = RwSignal::new(None::<String>);
    let previewed = Signal::derive(move || preview.get().or_else(|| screen.with(|s: &Vec<String>| s.first().cloned())));
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
    // Folded by default, so a laptop screen shows rows first; the choice outlives the tab.
    let pictures = RwSignal::new(prefs::flag(PICTURES_KEY).unwrap_or(false));
    let toggle_pictures = move |_| {
        let on = !pictures.get_untracked();
        pictures.set(on);
        prefs::set_flag(PICTURES_KEY, on);
    };
    view! {
        <section class="queue" aria-labelledby="queue-title">
            <div class="queue-head">
                <h1 id="queue-title">"Incidents"</h1>
                <super::status::LoadProgress/>
                <super::status::DataAsOf/>
                <span class="spacer"></span>
                <super::status::AutoRefresh/>
                <button class="ghost" data-testid="pictures-toggle" aria-expanded=move || pictures.get().to_string()
                    on:click=toggle_pictures>{move || if pictures.get() { "Hide pictures" } else { "Show pictures" }}</button>
                <super::export::ExportButtons visible=visible/>
                <button class="ghost" data-testid="refresh" disabled=move || ctx.queue.with(|q| q.loading) on:click=move |_| reload(ctx)>"Refresh"</button>
            </div>
            <Filters/>
            <ApiErrorBanner/>
            <super::status::ChangesNotice/>
            {move || pictures.get().then(|| view! {
                <div class="pictures" data-testid="pictures">
                    <super::status::PicturesLoading/>
                    <Summary filtered=filtered/>
                    <Histogram filtered=filtered/>
                </div>
            })}
            {actions.then(|| view! { <super::bulk::BulkBar screen=screen/> })}
            <div class="queue-split">
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
                            <Row row=row screen=screen actions=actions preview=preview/>
                        </For>
                    </tbody>
                </table>
            </div>
            <super::preview::Preview id=previewed/>
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
fn Row(row: RowData, screen: Memo<Vec<String>>, actions: bool, preview: RwSignal<Option<String>>) -> impl IntoView {
    let ctx: Ctx = ctx();
    let RowData { id, name, severity: sev, status, assigned_to, classification, updated, alert_count, portal, hot } =
        row;
    let sev_class = format!("sev sev-{}", norm(&sev));
    let updated_title = updated.map(local_time).unwrap_or_default();
    let age = move || updated.map(|t| relative_age(t, ctx.now.get() as i64)).unwrap_or_else(|| "—".into());
    // Rows are keyed by what they show, so a row that stays on screen across a filter change is not drawn
    // again: its link follows the view as it is now, never the one it was drawn in (issue 21).
    let detail = {
        let id = id.clone();
        move || ctx.view.with(|v| v.incident_hash(&id))
    };
    // The checkbox sits in the id cell, so the columns (and their text) stay as they were.
    let select = actions.then(|| {
        let id2 = id.clone();
        let id3 = id.clone();
        let checked = move || ctx.bulk.with(|b| b.selection.contains(&id2));
        view! {
            <input type="checkbox" class="row-select" data-testid="row-select" aria-label=format!("Select incident {id}") prop:checked=checked
                on:click=move |ev| {
                    let on = event_target_checked(&ev);
                    screen.with_untracked(|s| super::bulk::select(s, &id3, on, ev.shift_key()));
                }/>
        }
    });
    let assigned = assigned_to.unwrap_or_else(|| "Unassigned".into());
    let tips = (name.clone(), assigned.clone(), classification.clone());
    // One line per row: long text ends in an ellipsis, with the whole of it in the cell's tooltip.
    view! {
        <tr data-testid="incident-row" data-incident-id=id.clone() data-changed=hot.to_string() class:changed=hot
            on:focusin={ let id = id.clone(); move |_| preview.set(Some(id.clone())) }
            on:mouseenter={ let id = id.clone(); move |_| preview.set(Some(id.clone())) }>
            <td class="mono id">{select}{id.clone()}</td>
            <td class="name" title=tips.0><a href=detail data-testid="incident-link">{name}</a><super::status::MatchedHint id=id.clone()/></td>
            <td class="severity"><span class=sev_class>{sev}</span></td>
            <td class="nowrap status">{status}</td>
            <td class="assigned" title=tips.1>{assigned}</td>
            <td class="classification" title=tips.2>{classification}</td>
            <td class="nowrap updated"><time title=updated_title>{age}</time></td>
            <td class="num alerts">{alert_count}</td>
            <td class="nowrap portal">{portal.map(|href| view! {
                <a href=href target="_blank" rel="noopener noreferrer" data-testid="portal-link" aria-label="Open in the Defender portal">"Portal ↗"</a>
            })}</td>
        </tr>
    }
}
