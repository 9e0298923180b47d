//! The parts of the incident page that tell an alert's story: the expandable alert card, an entity or a device
//! with its labelled facts, copy buttons, MITRE techniques, the timeline and the raw view. API enum values are
//! shown by their labels (`api_label`), the value as sent in the tooltip.

use crate::browser::clock::local_time;
use crate::browser::page;
use crate::incidents::mitre::{technique_name, technique_url};
use crate::incidents::model::{api_label, norm, visible, Alert, Comment, Device, Entity, Fact, FactKind, Incident};
use crate::incidents::query::parse_rfc3339;
use crate::incidents::story::{timeline, EventKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A time as local time, or "—".
pub(super) fn when(s: &Option<String>) -> String {
    s.as_deref().and_then(parse_rfc3339).map(local_time).unwrap_or_else(|| "—".into())
}

/// API text made safe to read: control and bidi characters shown as `⟨U+202E⟩`.
pub(super) fn shown(s: &str) -> String {
    visible(s)
}

/// A button that copies `text` to the clipboard and says whether it worked.
#[component]
pub(super) fn CopyButton(text: String, label: String) -> impl IntoView {
    let state = RwSignal::new("Copy");
    let copy = move |_| {
        let text = text.clone();
        spawn_local(async move {
            let ok = page::copy(&text).await;
            let _ = state.try_set(if ok { "Copied" } else { "Copy failed" });
        });
    };
    view! {
        <button type="button" class="ghost copy" data-testid="copy" aria-label=move || format!("{} {label}", state.get()) on:click=copy>
            {move || state.get()}
        </button>
    }
}

/// One labelled fact: text clamped, code and hashes monospace with a copy button, times local.
fn fact_view(f: Fact) -> impl IntoView {
    let value = match f.kind {
        FactKind::Text => view! { <span class="clamp">{shown(&f.value)}</span> }.into_any(),
        FactKind::Time => view! { <span>{when(&Some(f.value.clone()))}</span> }.into_any(),
        FactKind::Label => {
            view! { <span class="clamp" title=f.value.clone()>{shown(&api_label(&f.value))}</span> }.into_any()
        }
        // A hash is one word: it wraps only where the card is too narrow for it, never mid-line by choice.
        FactKind::Hash => view! {
            <code class="mono hash">{shown(&f.value)}</code>
            " " <CopyButton text=f.value.clone() label=f.label.clone()/>
        }
        .into_any(),
        FactKind::Code => view! {
            <code class="mono wrap">{shown(&f.value)}</code>
            " " <CopyButton text=f.value.clone() label=f.label.clone()/>
        }
        .into_any(),
    };
    view! { <dt>{f.label.clone()}</dt><dd>{value}</dd> }
}

/// An entity: its readable type and every labelled fact.
#[component]
pub(super) fn EntityView(e: Entity) -> impl IntoView {
    let (one, _) = e.type_names();
    let kind = norm(&one);
    let fallback = (e.facts.is_empty()).then(|| view! { <p class="mono wrap">{shown(&e.summary())}</p> });
    let hunts = crate::hunting::entity_targets(&e)
        .into_iter()
        .map(|(kind, value)| view! { <p><super::hunt::HuntLinks kind=kind value=value/></p> })
        .collect_view();
    view! {
        <div class="entity" data-entity-kind=kind>
            <strong class="entity-kind">{one}</strong>
            <dl class="kv">{e.facts.into_iter().map(fact_view).collect_view()}</dl>
            {fallback}
            {hunts}
        </div>
    }
}

/// A device's one-line summary inside an alert card: name, OS, health, antivirus, group, risk — by their labels.
fn device_line(d: &Device) -> impl IntoView {
    let name = d.name().unwrap_or("(unnamed device)").to_string();
    let pick = |label: &str| d.facts.iter().find(|f| f.label == label).map(|f| (f.kind, f.value.clone()));
    let facts = ["OS", "OS version", "Health", "Defender Antivirus", "Device group", "Risk"]
        .into_iter()
        .filter_map(|l| {
            pick(l).map(|(kind, v)| match (l, kind) {
                ("Defender Antivirus", _) => format!("AV {}", api_label(&v).to_lowercase()),
                ("Risk", _) => format!("risk {}", api_label(&v).to_lowercase()),
                (_, FactKind::Label) => api_label(&v).into_owned(),
                _ => v,
            })
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let hunt = d.device_dns_name.clone().map(|n| {
        view! { " " <super::hunt::HuntLinks kind=crate::hunting::EntityKind::Device value=n/> }
    });
    view! { <li><strong class="clamp">{shown(&name)}</strong> " " <span class="muted">{shown(&facts)}</span>{hunt}</li> }
}

/// One device as a card: its name, then every documented fact (OS and version, health, Defender Antivirus,
/// device group, risk, onboarding, ids).
fn device_card(d: Device) -> impl IntoView {
    let name = d.name().unwrap_or("(unnamed device)").to_string();
    let hunt = d.device_dns_name.clone().map(|n| {
        view! { <p><super::hunt::HuntLinks kind=crate::hunting::EntityKind::Device value=n/></p> }
    });
    view! {
        <div class="entity device" data-testid="device-card">
            <strong class="device-name wrap">{shown(&name)}</strong>
            <dl class="kv">{d.facts.into_iter().map(fact_view).collect_view()}</dl>
            {hunt}
        </div>
    }
}

/// The incident's devices as cards (`data-testid="devices"`).
pub(super) fn devices_list(devices: Vec<Device>) -> impl IntoView {
    view! { <div class="entities devices" data-testid="devices">{devices.into_iter().map(device_card).collect_view()}</div> }
}

/// The MITRE techniques with their names, each linking to its page on attack.mitre.org.
fn techniques(ids: &[String]) -> impl IntoView {
    let items = ids
        .iter()
        .map(|id| {
            let name = technique_name(id).map(|n| format!(" {n}"));
            match technique_url(id) {
                Some(href) => view! {
                    <li><a href=href target="_blank" rel="noopener noreferrer" data-testid="mitre-link" class="mono">{id.clone()}</a>{name}</li>
                }
                .into_any(),
                None => view! { <li class="mono">{shown(id)}</li> }.into_any(),
            }
        })
        .collect_view();
    view! { <ul class="plain mitre">{items}</ul> }
}

fn comments_list(comments: &[Comment]) -> impl IntoView {
    comments
        .iter()
        .map(|c| {
            view! {
                <li><p class="wrap">{shown(c.comment.as_deref().unwrap_or(""))}</p>
                    <span class="muted small">{shown(c.created_by.as_deref().unwrap_or(""))} " · " {when(&c.created_time)}</span></li>
            }
        })
        .collect_view()
}

/// The incident's comments (`data-testid="comments"`).
pub(super) fn comments(comments: &[Comment]) -> impl IntoView {
    view! { <ul class="plain comments" data-testid="comments">{comments_list(comments)}</ul> }
}

/// One alert as an expandable card: the summary line always visible, the story inside.
#[component]
pub(super) fn AlertCard(a: Alert) -> impl IntoView {
    let sev = a.severity.label().to_string();
    let label = |v: &Option<String>| v.as_deref().map(|v| api_label(v).into_owned());
    let source = [label(&a.service_source), label(&a.detection_source)].into_iter().flatten().collect::<Vec<_>>();
    let status = api_label(a.status.label()).into_owned();
    let line = [Some(status.clone()), label(&a.category), source.first().cloned(), Some(when(&a.first_activity))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let decided = format!("{} · {}", a.classification.label(), a.determination.label());
    let rows: Vec<(&str, Option<String>)> = vec![
        ("Status", Some(status)),
        ("Category", label(&a.category)),
        ("Service source", label(&a.service_source)),
        ("Detection source", label(&a.detection_source)),
        ("First activity", a.first_activity.as_ref().map(|_| when(&a.first_activity))),
        ("Last activity", a.last_activity.as_ref().map(|_| when(&a.last_activity))),
        ("Created", a.created.as_ref().map(|_| when(&a.created))),
        ("Resolved", a.resolved.as_ref().map(|_| when(&a.resolved))),
        ("Threat family", a.threat_family.clone()),
        ("Threat", a.threat_name.clone().filter(|t| Some(t) != a.threat_family.as_ref())),
        ("Actor", a.actor.clone()),
        ("Assigned to", a.assigned_to.clone()),
        ("Investigation state", label(&a.investigation_state)),
        ("Classification", Some(decided)),
    ];
    let rows = rows
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| view! { <dt>{k}</dt><dd class="clamp">{shown(&v)}</dd> }))
        .collect_view();
    let has_techniques = !a.mitre_techniques.is_empty();
    let has_devices = !a.devices.is_empty();
    let has_entities = !a.entities.is_empty();
    let has_comments = !a.comments.is_empty();
    view! {
        <li class="alert-card" data-testid="alert-row">
            <details data-testid="alert-details">
                <summary>
                    <span class=format!("sev sev-{}", norm(&sev))>{sev.clone()}</span>
                    " " <span class="alert-title clamp">{shown(&a.title)}</span>
                    <span class="muted small alert-line">{line}</span>
                </summary>
                <div class="alert-body">
                    {a.description.clone().map(|d| view! { <p class="description wrap">{shown(&d)}</p> })}
                    <dl class="kv">{rows}</dl>
                    {a.recommended_actions.clone().map(|r| view! { <h3>"Recommended actions"</h3><p class="wrap pre">{shown(&r)}</p> })}
                    {has_techniques.then(|| view! { <h3>"MITRE ATT&CK techniques"</h3>{techniques(&a.mitre_techniques)} })}
                    {has_devices.then(|| view! { <h3>"Devices"</h3><ul class="plain">{a.devices.iter().map(device_line).collect_view()}</ul> })}
                    {has_entities.then(|| view! {
                        <h3>"Evidence"</h3>
                        <div class="entities">{a.entities.iter().cloned().map(|e| view! { <EntityView e=e/> }).collect_view()}</div>
                    })}
                    {has_comments.then(|| view! { <h3>"Comments"</h3><ul class="plain comments">{comments_list(&a.comments)}</ul> })}
                </div>
            </details>
        </li>
    }
}

/// Entities across all alerts grouped under readable type names (sorted), each distinct entity once.
pub(super) fn evidence_groups(alerts: &[Alert]) -> Vec<(String, Vec<Entity>)> {
    // Kept sorted by inserting in place: a `sort_by` here would be one more copy of the standard library's
    // stable sort (~4 KB of wasm) for a handful of groups.
    let mut groups: Vec<(String, Vec<Entity>)> = vec![];
    for e in alerts.iter().flat_map(|a| a.entities.iter()) {
        let (_, group) = e.type_names();
        match groups.binary_search_by(|(k, _)| k.as_str().cmp(&group)) {
            Ok(i) => {
                if let Some((_, v)) = groups.get_mut(i) {
                    if !v.iter().any(|x| x.facts == e.facts && x.summary() == e.summary()) {
                        v.push(e.clone());
                    }
                }
            }
            Err(i) => groups.insert(i, (group, vec![e.clone()])),
        }
    }
    groups
}

/// The evidence of the whole incident, grouped by type (`data-testid="entities"`).
pub(super) fn evidence(alerts: &[Alert]) -> impl IntoView {
    let groups = evidence_groups(alerts);
    view! {
        <div class="entity-groups" data-testid="entities">
            {groups.into_iter().map(|(kind, items)| view! {
                <section class="entity-group" data-testid="evidence-group" data-entity-type=kind.clone()>
                    <h3>{kind.clone()} " (" {items.len()} ")"</h3>
                    <div class="entities">{items.into_iter().map(|e| view! { <EntityView e=e/> }).collect_view()}</div>
                </section>
            }).collect_view()}
        </div>
    }
}

/// Alerts and comments in time order (`data-testid="timeline"`).
pub(super) fn timeline_view(inc: &Incident) -> impl IntoView {
    let items = timeline(inc)
        .into_iter()
        .map(|e| {
            let at = e.at.map(local_time).unwrap_or_else(|| "—".into());
            let what = match e.kind {
                EventKind::Created => "Incident created",
                EventKind::Alert => "Alert",
                EventKind::Resolved => "Alert resolved",
                EventKind::Comment => "Comment",
            };
            let by = e.by.map(|b| format!(" — {}", shown(&b)));
            view! {
                <li class=format!("ev ev-{}", norm(what))>
                    <time class="muted small">{at}</time>
                    " " <strong>{what}</strong> ": " <span class="clamp">{shown(&e.text)}</span>{by}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="plain timeline" data-testid="timeline">{items}</ol> }
}

/// The fields the page does not show, as the API sent them (bounded), for the incident, each alert and each
/// entity (`data-testid="raw"`).
pub(super) fn raw_view(inc: &Incident) -> impl IntoView {
    let mut parts: Vec<(String, String)> = vec![];
    if let Some(r) = &inc.raw {
        parts.push(("Incident".into(), r.clone()));
    }
    for a in &inc.alerts {
        if let Some(r) = &a.raw {
            parts.push((format!("Alert {}", a.id), r.clone()));
        }
        for d in &a.devices {
            if let Some(r) = &d.raw {
                parts.push((format!("Alert {} · device {}", a.id, d.name().unwrap_or("")), r.clone()));
            }
        }
        for e in &a.entities {
            if let Some(r) = &e.raw {
                parts.push((format!("Alert {} · {}", a.id, e.type_names().0), r.clone()));
            }
        }
    }
    let empty = parts.is_empty().then(|| view! { <p class="muted">"Every field the API sent is shown above."</p> });
    view! {
        <details class="raw" data-testid="raw">
            <summary>"Other fields the API sent (raw)"</summary>
            {empty}
            {parts.into_iter().map(|(k, v)| view! { <h3>{k.clone()}</h3><pre class="mono wrap" tabindex="0" role="group" aria-label=k>{shown(&v)}</pre> }).collect_view()}
        </details>
    }
}
