//! The queue's export buttons: CSV or JSON of the rows the view shows, in a file named with the UTC minute, and
//! optionally with each incident's alerts, entities and portal link (from what the page loaded: both APIs return
//! the alerts with the list). The CSV's separator starts at the one the browser's locale expects.

use super::ctx;
use crate::browser::{clock, download, page};
use crate::incidents::model::Incident;
use crate::queue::export::{
    file_name, to_csv, to_csv_with_evidence, to_json, to_json_with_evidence, Evidence, Separator,
};
use leptos::prelude::*;

/// Export CSV / Export JSON, the CSV's separator, and the "with alerts and entities" choice.
#[component]
pub fn ExportButtons(visible: Memo<Vec<usize>>) -> impl IntoView {
    let ctx = ctx();
    let evidence = RwSignal::new(false);
    let sep = RwSignal::new(Separator::for_locale(&page::language()));
    let export = move |json: bool| {
        let items: Vec<Incident> =
            visible.with(|idx| ctx.queue.with(|q| idx.iter().filter_map(|&i| q.items.get(i).cloned()).collect()));
        let tenant = ctx.session().and_then(|s| s.id_claims.tid.clone());
        let ev = evidence.get_untracked().then_some(Evidence { tenant: tenant.as_deref() });
        let sep = sep.get_untracked();
        let now = clock::now() as i64;
        let (ext, mime, text) = match (json, ev) {
            (true, None) => ("json", "application/json", to_json(&items)),
            (true, Some(ev)) => ("json", "application/json", to_json_with_evidence(&items, ev)),
            (false, None) => ("csv", "text/csv;charset=utf-8", to_csv(&items, sep)),
            (false, Some(ev)) => ("csv", "text/csv;charset=utf-8", to_csv_with_evidence(&items, ev, sep)),
        };
        if let Err(e) = download::save(&file_name("incidents", ext, now), mime, &text) {
            ctx.api_error.set(Some(crate::problem::Problem::new(e)));
        }
    };
    let options = Separator::ALL
        .into_iter()
        .map(|s| view! { <option value=s.key() selected=move || sep.get() == s>{s.label()}</option> })
        .collect_view();
    view! {
        <label class="inline small export-evidence" title="Adds each incident's alerts, their entities and the Defender portal link">
            <input type="checkbox" data-testid="export-evidence" prop:checked=move || evidence.get()
                on:change=move |ev| evidence.set(event_target_checked(&ev))/>
            " with alerts & entities"
        </label>
        <label class="inline small export-separator" title="The character between a CSV file's columns: your spreadsheet's list separator">
            "CSV separator"
            <select data-testid="export-separator"
                on:change=move |ev| if let Some(s) = Separator::from_key(&event_target_value(&ev)) { sep.set(s) }>
                {options}
            </select>
        </label>
        <button class="ghost" data-testid="export-csv" on:click=move |_| export(false)>"Export CSV"</button>
        <button class="ghost" data-testid="export-json" on:click=move |_| export(true)>"Export JSON"</button>
    }
}
