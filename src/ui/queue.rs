//! The incident queue: a table, newest first, with loading and empty states.

use super::banners::ApiErrorBanner;
use super::ctx;
use crate::api::model::Incident;
use crate::browser::clock::local_time;
use crate::flows::queue::{load_first, load_more};
use crate::format::relative_age;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The queue page.
#[component]
pub fn QueuePage() -> impl IntoView {
    let ctx = ctx();
    let count = move || {
        let q = ctx.queue.get();
        match (q.loaded, q.items.len(), q.next.is_some()) {
            (false, _, _) => String::new(),
            (true, n, true) => format!("{n} shown, more available"),
            (true, 1, false) => "1 incident".into(),
            (true, n, false) => format!("{n} incidents"),
        }
    };
    let rows = move || ctx.queue.with(|q| q.items.clone());
    let tenant = move || ctx.session().and_then(|s| s.id_claims.tid.clone());
    let status = move || {
        let q = ctx.queue.get();
        if !q.loaded && q.loading {
            Some(view! { <p class="muted" role="status" data-testid="loading">"Loading incidents…"</p> }.into_any())
        } else if q.loaded && q.items.is_empty() {
            Some(view! {
                <p class="empty" data-testid="empty">"No incidents. Either the queue is clear, or your role in Defender lets you see none."</p>
            }.into_any())
        } else {
            None
        }
    };
    view! {
        <section class="queue" aria-labelledby="queue-title">
            <div class="queue-head">
                <h1 id="queue-title">"Incidents"</h1>
                <span class="muted" data-testid="incident-count">{count}</span>
                <span class="spacer"></span>
                <button class="ghost" data-testid="refresh" disabled=move || ctx.queue.get().loading
                    on:click=move |_| spawn_local(load_first(ctx))>"Refresh"</button>
            </div>
            <ApiErrorBanner/>
            <div class="table-wrap">
                <table class="incidents">
                    <thead>
                        <tr>
                            <th scope="col">"ID"</th>
                            <th scope="col">"Incident"</th>
                            <th scope="col">"Severity"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Assigned to"</th>
                            <th scope="col">"Classification"</th>
                            <th scope="col">"Last update"</th>
                            <th scope="col" class="num">"Alerts"</th>
                            <th scope="col"><span class="sr-only">"Portal"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|i| i.id.clone() let:inc>
                            <Row inc=inc tenant=tenant()/>
                        </For>
                    </tbody>
                </table>
            </div>
            {status}
            {move || ctx.queue.get().next.is_some().then(|| view! {
                <button class="ghost more" data-testid="load-more" disabled=move || ctx.queue.get().loading
                    on:click=move |_| spawn_local(load_more(ctx))>"Load more"</button>
            })}
        </section>
    }
}

#[component]
fn Row(inc: Incident, tenant: Option<String>) -> impl IntoView {
    let ctx = ctx();
    let portal = portal_link(&inc, tenant.as_deref());
    let sev = inc.severity.label().to_string();
    let sev_class = format!("sev sev-{}", sev.to_lowercase());
    let classification = match (inc.classification.label(), inc.determination.label()) {
        (c, "") => c.to_string(),
        (c, d) => format!("{c} · {d}"),
    };
    let updated = inc.last_update_ts;
    let updated_title = updated.map(local_time).unwrap_or_default();
    let age = move || updated.map(|t| relative_age(t, ctx.now.get() as i64)).unwrap_or_else(|| "—".into());
    view! {
        <tr data-testid="incident-row" data-incident-id=inc.id.clone()>
            <td class="mono">{inc.id.clone()}</td>
            <td class="name">{inc.name.clone()}</td>
            <td><span class=sev_class>{sev}</span></td>
            <td>{inc.status.label().to_string()}</td>
            <td>{inc.assigned_to.clone().unwrap_or_else(|| "Unassigned".into())}</td>
            <td>{classification}</td>
            <td><time title=updated_title>{age}</time></td>
            <td class="num">{inc.alert_count}</td>
            <td>{portal.map(|href| view! {
                <a href=href target="_blank" rel="noopener noreferrer" data-testid="portal-link">"Open in Defender ↗"</a>
            })}</td>
        </tr>
    }
}

/// Only links to the Defender portal's own https host are shown: an API or a hostile payload can't plant another.
fn portal_link(inc: &Incident, tenant: Option<&str>) -> Option<String> {
    const PORTAL: &str = "https://security.microsoft.com/";
    let url = match &inc.web_url {
        Some(u) => u.clone(),
        None => {
            let id = crate::http::percent_encode(&inc.id);
            match tenant {
                Some(t) => format!("{PORTAL}incidents/{id}?tid={}", crate::http::percent_encode(t)),
                None => format!("{PORTAL}incidents/{id}"),
            }
        }
    };
    url.starts_with(PORTAL).then_some(url)
}
