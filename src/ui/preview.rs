//! The summary side pane on wide screens: the focused (or hovered) row's incident at a glance — its whole
//! name, facts, tags and alert titles — beside the queue, so an analyst reads down the queue without leaving it.

use super::ctx;
use crate::incidents::model::{norm, visible, Incident};
use leptos::prelude::*;

/// How many alert titles the pane lists before "and N more".
const ALERTS_SHOWN: usize = 8;

/// What the pane shows, copied out of the incident.
#[derive(Clone, PartialEq)]
struct Summary {
    id: String,
    name: String,
    severity: String,
    status: String,
    assigned: String,
    classification: String,
    tags: Vec<String>,
    alerts: Vec<(String, String)>,
    more_alerts: usize,
}

impl Summary {
    fn of(inc: &Incident) -> Summary {
        Summary {
            id: inc.id.clone(),
            name: visible(&inc.name),
            severity: inc.severity.label().to_string(),
            status: inc.status.label().to_string(),
            assigned: visible(inc.assigned_to.as_deref().unwrap_or("Unassigned")),
            classification: format!("{} · {}", inc.classification.label(), inc.determination.label()),
            tags: inc.tags.iter().map(|t| visible(t)).collect(),
            alerts: inc
                .alerts
                .iter()
                .take(ALERTS_SHOWN)
                .map(|a| (a.severity.label().to_string(), visible(&a.title)))
                .collect(),
            more_alerts: inc.alert_count.max(inc.alerts.len()).saturating_sub(ALERTS_SHOWN.min(inc.alerts.len())),
        }
    }
}

/// The pane for the incident `id` names (the screen's first row when no row has been focused or hovered).
#[component]
pub fn Preview(id: Signal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let summary = Memo::new(move |_| {
        let id = id.get()?;
        ctx.queue.with(|q| q.items.items().iter().find(|i| i.id == id).map(Summary::of))
    });
    // The pane is drawn again only when its incident changes: the link follows the view as it is now.
    let open = move |id: String| move || ctx.view.with(|v| v.incident_hash(&id));
    view! {
        <section class="card preview" aria-label="Incident summary" data-testid="preview">
            {move || summary.get().map(|s| {
                let sev_class = format!("sev sev-{}", norm(&s.severity));
                view! {
                    <p class="muted small">"#" {s.id.clone()}</p>
                    <h2 class="clamp-4" data-testid="preview-name">{s.name}</h2>
                    <p class="facts"><span class=sev_class>{s.severity}</span><span>{s.status}</span></p>
                    <dl class="kv">
                        <dt>"Assigned to"</dt><dd class="one-line" title=s.assigned.clone()>{s.assigned.clone()}</dd>
                        <dt>"Classification"</dt><dd>{s.classification}</dd>
                    </dl>
                    {(!s.tags.is_empty()).then(|| view! {
                        <ul class="tags">{s.tags.into_iter().map(|t| view! { <li class="tag">{t}</li> }).collect_view()}</ul>
                    })}
                    {(!s.alerts.is_empty()).then(|| view! {
                        <h3>"Alerts"</h3>
                        <ul class="plain preview-alerts">
                            {s.alerts.into_iter().map(|(sev, title)| view! {
                                <li><span class=format!("sev sev-{}", norm(&sev)) title=sev.clone()><span class="sr-only">{sev.clone()}</span></span>{title}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(s.more_alerts > 0).then(|| view! { <p class="muted small">"and " {s.more_alerts} " more"</p> })}
                    <a href=open(s.id.clone()) data-testid="preview-open">"Open incident →"</a>
                }
            })}
        </section>
    }
}
