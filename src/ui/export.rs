//! The queue's export buttons: CSV or JSON of the rows the view shows, in a file named with the UTC minute, and
//! optionally with each incident's alerts, entities and portal link (from what the page loaded: both APIs return
//! the alerts with the list).

use super::ctx;
use crate::browser::{clock, download};
use crate::incidents::model::Incident;
use crate::queue::export::{file_name, to_csv, to_csv_with_evidence, to_json, to_json_with_evidence, Evidence};
use leptos::prelude::*;

/// Export CSV / Export JSON, and the "with alerts and entities" choice.
#[component]
pub fn ExportButtons(visible: Memo<Vec<usize>>) -> impl IntoView {
    let ctx = ctx();
    let evidence = RwSignal::new(false);
    let export = move |json: bool| {
        let items: Vec<Incident> =
            visible.with(|idx| ctx.queue.with(|q| idx.iter().filter_map(|&i| q.items.get(i).cloned()).collect()));
        let tenant = ctx.session().and_then(|s| s.id_claims.tid.clone());
        let ev = evidence.get_untracked().then_some(Evidence { tenant: tenant.as_deref() });
        let now = clock::now() as i64;
        let result = match (json, ev) {
            (true, None) => download::save(&file_name("incidents", "json", now), "application/json", &to_json(&items)),
            (true, Some(ev)) => download::save(
                &file_name("incidents", "json", now),
                "application/json",
                &to_json_with_evidence(&items, ev),
            ),
            (false, None) => download::save(&file_name("incidents", "csv", now), "text/csv", &to_csv(&items)),
            (false, Some(ev)) => {
                download::save(&file_name("incidents", "csv", now), "text/csv", &to_csv_with_evidence(&items, ev))
            }
        };
        if let Err(e) = result {
            ctx.api_error.set(Some(crate::problem::Problem::new(e)));
        }
    };
    view! {
        <label class="inline small export-evidence" title="Adds each incident's alerts, their entities and the Defender portal link">
            <input type="checkbox" data-testid="export-evidence" prop:checked=move || evidence.get()
                on:change=move |ev| evidence.set(event_target_checked(&ev))/>
            " with alerts & entities"
        </label>
        <button class="ghost" data-testid="export-csv" on:click=move |_| export(false)>"Export CSV"</button>
        <button class="ghost" data-testid="export-json" on:click=move |_| export(true)>"Export JSON"</button>
    }
}
