//! One incident, everything the API returned, readable: alerts, devices, entities by type, comments, tags.

use super::ctx;
use crate::api::model::{norm, Alert, Entity, Incident};
use crate::api::query::parse_rfc3339;
use crate::api::source::portal_link;
use crate::browser::clock::local_time;
use leptos::prelude::*;

fn when(s: &Option<String>) -> String {
    s.as_deref().and_then(parse_rfc3339).map(local_time).unwrap_or_else(|| "—".into())
}

/// The incident page for `#/incidents/{id}`.
#[component]
pub fn IncidentPage(id: String) -> impl IntoView {
    let ctx = ctx();
    let back = move || {
        let mut v = ctx.view.get();
        v.incident = None;
        v.to_hash()
    };
    let id2 = id.clone();
    let drafts =
        StoredValue::new(super::actions::Drafts::new(ctx.cfg().map_or(crate::config::Source::Defender, |c| c.source)));
    let found = move || ctx.queue.with(|q| q.items.items().iter().find(|i| i.id == id2).cloned());
    let body = move || {
        match found() {
        Some(inc) => view! { <Detail inc=inc drafts=drafts/> }.into_any(),
        None if ctx.queue.with(|q| !q.loaded || q.loading) => {
            view! { <p class="muted placeholder" role="status">"Loading…"</p> }.into_any()
        }
        None => view! {
            <p class="empty" data-testid="incident-missing">
                "Incident " {id.clone()} " is not in the loaded view. Widen the filters (for example Any time, all statuses) and open it again."
            </p>
        }.into_any(),
    }
    };
    view! {
        <section class="incident-page">
            <a href=back class="back" data-testid="back-to-queue">"← Incident queue"</a>
            {body}
        </section>
    }
}

#[component]
fn Detail(inc: Incident, drafts: StoredValue<super::actions::Drafts>) -> impl IntoView {
    let ctx = ctx();
    let tenant = ctx.session().and_then(|s| s.id_claims.tid.clone());
    let portal = portal_link(&inc, tenant.as_deref());
    let sev = inc.severity.label().to_string();
    let redirect = inc.redirect_id.clone().map(|r| {
        let mut v = ctx.view.get_untracked();
        v.incident = Some(r.clone());
        (v.to_hash(), r)
    });
    let devices: Vec<_> = {
        // The same device appears under every alert that touched it: show it once.
        let mut seen = std::collections::HashSet::new();
        inc.alerts
            .iter()
            .flat_map(|a| a.devices.iter().cloned())
            .filter(|d| seen.insert(d.device_dns_name.clone().or(d.device_id.clone())))
            .collect::<Vec<_>>()
    };
    let groups = entity_groups(&inc.alerts);
    view! {
        <article class="card incident" data-testid="incident-detail" data-incident-id=inc.id.clone()>
            <header class="incident-head">
                <h1>{inc.name.clone()}</h1>
                <div class="facts">
                    <span class=format!("sev sev-{}", norm(&sev))>{sev.clone()}</span>
                    <span>"#"{inc.id.clone()}</span>
                    <span>{inc.status.label().to_string()}</span>
                    <span>{inc.assigned_to.clone().unwrap_or_else(|| "Unassigned".into())}</span>
                    <span>{inc.classification.label().to_string()} " · " {inc.determination.label().to_string()}</span>
                    {portal.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer" data-testid="portal-link">"Open in the Defender portal ↗"</a> })}
                </div>
                <dl class="times">
                    <dt>"Created"</dt><dd>{when(&inc.created)}</dd>
                    <dt>"Last update"</dt><dd>{when(&inc.last_update)}</dd>
                </dl>
                {inc.description.clone().map(|d| view! { <p class="description">{d}</p> })}
                {(!inc.tags.is_empty()).then(|| view! {
                    <ul class="tags" data-testid="incident-tags">{inc.tags.iter().map(|t| view! { <li class="tag">{t.clone()}</li> }).collect_view()}</ul>
                })}
                {redirect.map(|(href, r)| view! { <p class="banner warn">"This incident was merged into " <a href=href data-testid="redirect-link">"incident " {r}</a> "."</p> })}
            </header>
            {ctx.cfg().is_some_and(|c| c.actions).then(|| view! { <super::actions::Actions inc=inc.clone() drafts=drafts/> })}

            <h2>"Alerts (" {inc.alerts.len()} ")"</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Alerts">
                <table class="incidents" data-testid="alerts">
                    <thead><tr>
                        <th scope="col">"Alert"</th><th scope="col">"Severity"</th><th scope="col">"Status"</th>
                        <th scope="col">"Category"</th><th scope="col">"MITRE techniques"</th>
                        <th scope="col">"Source"</th><th scope="col">"First activity"</th><th scope="col">"Last activity"</th>
                    </tr></thead>
                    <tbody>
                        {inc.alerts.iter().map(|a| view! {
                            <tr data-testid="alert-row">
                                <td class="name">{a.title.clone()}</td>
                                <td>{a.severity.label().to_string()}</td>
                                <td>{a.status.label().to_string()}</td>
                                <td>{a.category.clone().unwrap_or_default()}</td>
                                <td class="mono">{a.mitre_techniques.join(", ")}</td>
                                <td>{[a.service_source.clone(), a.detection_source.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</td>
                                <td>{when(&a.first_activity)}</td>
                                <td>{when(&a.last_activity)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>

            <h2>"Devices (" {devices.len()} ")"</h2>
            <ul class="plain" data-testid="devices">
                {devices.into_iter().map(|d| view! {
                    <li><strong>{d.device_dns_name.clone().unwrap_or_else(|| "(unnamed device)".into())}</strong>
                        " " <span class="muted">{[d.os_platform, d.health_status, d.risk_score.map(|r| format!("risk {r}"))].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</span></li>
                }).collect_view()}
            </ul>

            <h2>"Entities"</h2>
            <div class="entity-groups" data-testid="entities">
                {groups.into_iter().map(|(kind, items)| view! {
                    <section class="entity-group" data-entity-type=kind.clone()>
                        <h3>{kind.clone()} " (" {items.len()} ")"</h3>
                        <ul class="plain mono">{items.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                    </section>
                }).collect_view()}
            </div>

            <h2>"Comments (" {inc.comments.len()} ")"</h2>
            <ul class="plain comments" data-testid="comments">
                {inc.comments.iter().map(|c| view! {
                    <li><p>{c.comment.clone().unwrap_or_default()}</p>
                        <span class="muted small">{c.created_by.clone().unwrap_or_default()} " · " {when(&c.created_time)}</span></li>
                }).collect_view()}
            </ul>
        </article>
    }
}

/// Entities across all alerts, grouped by type (sorted by type), each shown once.
fn entity_groups(alerts: &[Alert]) -> Vec<(String, Vec<String>)> {
    // Kept sorted by inserting in place: a `sort_by` here would be one more copy of the standard library's
    // stable sort (~4 KB of wasm) for a handful of groups.
    let mut groups: Vec<(String, Vec<String>)> = vec![];
    for e in alerts.iter().flat_map(|a| a.entities.iter()) {
        let kind = label_for(e);
        let line = e.summary();
        match groups.binary_search_by(|(k, _)| k.cmp(&kind)) {
            Ok(i) => {
                if let Some((_, v)) = groups.get_mut(i) {
                    if !v.contains(&line) {
                        v.push(line);
                    }
                }
            }
            Err(i) => groups.insert(i, (kind, vec![line])),
        }
    }
    groups
}

fn label_for(e: &Entity) -> String {
    match e.entity_type.as_deref().unwrap_or("Other") {
        "User" => "Users".into(),
        "MailBox" | "Mailbox" => "Mailboxes".into(),
        "File" => "Files".into(),
        "Process" => "Processes".into(),
        "Ip" => "IP addresses".into(),
        "Url" => "URLs".into(),
        "Registry" => "Registry".into(),
        "MailMessage" => "Mail messages".into(),
        "MailCluster" => "Mail clusters".into(),
        "SecurityGroup" => "Security groups".into(),
        other => crate::api::model::cap(other, 40),
    }
}
