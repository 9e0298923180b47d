//! One incident, everything the API returned, readable, the story first: the head (title, facts, summary),
//! alerts as expandable cards, evidence by type, the devices with their facts, a timeline, comments and the raw
//! fields; the actions in a column beside the story on a wide screen, after it on a narrow one. An incident
//! outside the loaded view is fetched by id. The story parts live in `evidence.rs`.

use super::ctx;
use super::evidence::{comments, devices_list, evidence, raw_view, shown, timeline_view, when, AlertCard};
use crate::browser::page;
use crate::flows::queue::fetch_incident;
use crate::incidents::model::{norm, Incident};
use crate::incidents::source::portal_link;
use crate::problem;
use leptos::prelude::*;

/// The incident page for `#/incidents/{id}`.
#[component]
pub fn IncidentPage(id: String) -> impl IntoView {
    let ctx = ctx();
    let back = move || ctx.view.with(crate::queue::view::View::queue_hash);
    // A memo, so the page re-renders only when this incident changes, not on every page the queue loads.
    let id2 = id.clone();
    let drafts = StoredValue::new(super::actions::Drafts::new(
        ctx.cfg().map_or(crate::incidents::source::Source::Defender, |c| c.source),
    ));
    let in_view = Memo::new(move |_| ctx.queue.with(|q| q.items.items().iter().find(|i| i.id == id2).cloned()));
    // Not among the incidents loaded so far: ask the source for it by id at once, in parallel with the queue's
    // load (the resource follows only whether the incident is missing, so pages arriving ask nothing more). Waiting for
    // a page to arrive without it guessed wrong whenever a later page had it; waiting for the whole view could
    // take minutes (up to 10,000 incidents under the request budget). A row clicked in the queue is loaded
    // already and costs nothing. If the load brings it after all, the queue's copy is shown.
    let id3 = id.clone();
    let missing = Memo::new(move |_| in_view.with(Option::is_none));
    let by_id = LocalResource::new(move || {
        let wanted = missing.get();
        let id = id3.clone();
        async move {
            match wanted {
                true => Some(fetch_incident(ctx, &id).await),
                false => None,
            }
        }
    });
    let original_title = page::title();
    on_cleanup(move || page::set_title(&original_title));
    let focused = StoredValue::new(false);
    let walk_id = id.clone();
    let body = move || match in_view.get() {
        Some(inc) => view! { <Detail inc=inc focused=focused drafts=drafts/> }.into_any(),
        None => {
            let id = id.clone();
            let asking = id.clone();
            view! {
                <Transition fallback=move || view! {
                    <p class="muted placeholder" role="status" data-testid="incident-loading">
                        {problem::incident_asking(&shown(&asking))}
                    </p>
                }>
                    {move || by_id.get().flatten().map(|answer| match answer {
                        Ok(inc) => view! {
                            <p class="muted small" data-testid="opened-by-id">
                                {move || problem::opened_by_id(ctx.queue.with(|q| q.complete))}
                            </p>
                            <Detail inc=inc focused=focused drafts=drafts/>
                        }
                        .into_any(),
                        Err(e) => view! {
                            <p class="empty" data-testid="incident-missing">{problem::incident_unloaded(&shown(&id), &e)}</p>
                        }
                        .into_any(),
                    })}
                </Transition>
            }
            .into_any()
        }
    };
    view! {
        <section class="incident-page">
            <a href=back class="back" data-testid="back-to-queue" aria-keyshortcuts="Escape">"← Incident queue"</a>
            <super::walk::Walk id=walk_id/>
            {body}
        </section>
    }
}

#[component]
fn Detail(inc: Incident, focused: StoredValue<bool>, drafts: StoredValue<super::actions::Drafts>) -> impl IntoView {
    let ctx = ctx();
    let tenant = ctx.session().and_then(|s| s.id_claims.tid.clone());
    let portal = portal_link(&inc, tenant.as_deref());
    let sev = inc.severity.label().to_string();
    let redirect = inc.redirect_id.clone().map(|r| (ctx.view.with_untracked(|v| v.incident_hash(&r)), r));
    let devices: Vec<_> = {
        // The same device appears under every alert that touched it: show it once.
        let mut seen = std::collections::HashSet::new();
        inc.alerts
            .iter()
            .flat_map(|a| a.devices.iter().cloned())
            .filter(|d| seen.insert(d.name().map(str::to_string)))
            .collect::<Vec<_>>()
    };
    // Hunt links under this incident look at its own span, not back from now (issue 21.3).
    provide_context(crate::hunting::Window::around_alerts(&inc.alerts));
    let name = shown(&inc.name);
    page::set_title(&format!("#{} {} · Onbehalf", inc.id, name));
    // The opened incident starts at its top with focus on its title (once per opening, not per update).
    let title_ref = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if let Some(h) = title_ref.get() {
            if !focused.get_value() {
                focused.set_value(true);
                page::scroll_to_top();
                let _ = h.focus();
            }
        }
    });
    let more_times = [("Last modified by", inc.last_modified_by.clone())];
    let layout = if ctx.cfg().is_some_and(|c| c.actions) { "incident-layout with-side" } else { "incident-layout" };
    let actions = ctx
        .cfg()
        .is_some_and(|c| c.actions)
        .then(|| view! { <super::actions::Actions inc=inc.clone() drafts=drafts/> });
    view! {
        <article class="card incident" data-testid="incident-detail" data-incident-id=inc.id.clone()>
            <header class="incident-head">
                <h1 tabindex="-1" node_ref=title_ref class="clamp" title=name.clone()>{name.clone()}</h1>
                <div class="facts">
                    <span class=format!("sev sev-{}", norm(&sev))>{sev.clone()}</span>
                    <span>"#"{inc.id.clone()}</span>
                    <span>{inc.status.label().to_string()}</span>
                    <span class="clamp">{shown(inc.assigned_to.as_deref().unwrap_or("Unassigned"))}</span>
                    <span>{inc.classification.label().to_string()} " · " {inc.determination.label().to_string()}</span>
                    {portal.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer" data-testid="portal-link">"Open in the Defender portal ↗"</a> })}
                </div>
                <dl class="times">
                    <dt>"Created"</dt><dd>{when(&inc.created)}</dd>
                    <dt>"Last update"</dt><dd>{when(&inc.last_update)}</dd>
                    {more_times.into_iter().filter_map(|(k, v)| v.map(|v| view! { <dt>{k}</dt><dd class="clamp">{shown(&v)}</dd> })).collect_view()}
                </dl>
                {inc.description.clone().map(|d| view! { <p class="description wrap">{shown(&d)}</p> })}
                {inc.summary.clone().map(|d| view! { <h2>"Summary"</h2><p class="description wrap pre">{shown(&d)}</p> })}
                {inc.resolving_comment.clone().map(|d| view! { <p class="description wrap"><strong>"Resolving comment: "</strong>{shown(&d)}</p> })}
                {(!inc.tags.is_empty()).then(|| view! {
                    <ul class="tags" data-testid="incident-tags">{inc.tags.iter().map(|t| view! { <li class="tag" title=t.clone()>{shown(t)}</li> }).collect_view()}</ul>
                })}
                {redirect.map(|(href, r)| view! { <p class="banner warn">"This incident was merged into " <a href=href data-testid="redirect-link">"incident " {r}</a> "."</p> })}
            </header>
            <div class=layout>
                <div class="incident-story">
                    <h2>"Alerts (" {inc.alerts.len()} ")"</h2>
                    <ul class="plain alert-list" data-testid="alerts">
                        {inc.alerts.iter().cloned().map(|a| view! { <AlertCard a=a/> }).collect_view()}
                    </ul>

                    <h2>"Evidence"</h2>
                    {evidence(&inc.alerts)}

                    <h2>"Devices (" {devices.len()} ")"</h2>
                    {devices_list(devices)}

                    <h2>"Timeline"</h2>
                    {timeline_view(&inc)}

                    <h2>"Comments (" {inc.comments.len()} ")"</h2>
                    {comments(&inc.comments)}

                    {raw_view(&inc)}
                </div>
                // The actions are one component, placed: beside the story on a wide screen (sticky, so they stay
                // in reach while reading), after it on a narrow one.
                {actions.map(|a| view! { <aside class="incident-side" aria-label="Actions">{a}</aside> })}
            </div>
        </article>
    }
}
