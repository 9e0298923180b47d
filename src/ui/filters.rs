//! The filter bar. Every control writes the view into the URL; nothing is filtered here.

use super::ctx;
use crate::flows::navigate::change_view;
use crate::incidents::model::{norm, Known, Severity, Status};
use crate::incidents::query::{is_incident_id, parse_rfc3339, rfc3339};
use crate::queue::index::Choices;
use crate::queue::view::{Assigned, Range, TimeField, View, RANGES};
use leptos::prelude::*;

/// A number in the search box may be an incident id from a ticket or a chat: offer to open it, wherever it
/// is (the incident page fetches it by id when it is outside the loaded view). The number was a way to reach
/// the incident, not a filter: opening it leaves it behind, so the incident page's way back (its link, or
/// the browser's Back) shows the queue without it.
fn open_by_id(ctx: super::Ctx, text: &str) -> Option<impl IntoView> {
    let id = text.trim().trim_start_matches('#');
    let source = ctx.cfg()?.source;
    if !(id.bytes().all(|b| b.is_ascii_digit()) && is_incident_id(source, id)) {
        return None;
    }
    let opened = id.to_string();
    // Drawn again only when the text changes: the link follows the rest of the view as it is now.
    let href = {
        let id = opened.clone();
        move || ctx.view.with(|v| View { incident: Some(id.clone()), text: String::new(), ..v.clone() }.to_hash())
    };
    let leave_text_behind = move |ev: leptos::ev::MouseEvent| {
        // A link opened in another tab or window leaves this tab as it is.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        // This entry forgets the number (Back comes to the queue without it), then the incident gets its own.
        change_view(ctx, false, |v| v.text.clear());
        change_view(ctx, true, |v| v.incident = Some(opened.clone()));
    };
    Some(view! {
        <a class="open-by-id" data-testid="open-by-id" href=href on:click=leave_text_behind>
            "Open incident #" {id.to_string()} " →"
        </a>
    })
}

/// The filter bar.
#[component]
pub fn Filters() -> impl IntoView {
    let ctx = ctx();
    // Every control follows a memo of just its part of the view: a keystroke in the search box then
    // re-runs the search box alone, not every option of every select.
    let text = Memo::new(move |_| ctx.view.with(|v| v.text.clone()));
    let assigned = Memo::new(move |_| ctx.view.with(|v| v.assigned));
    let time_field = Memo::new(move |_| ctx.view.with(|v| v.time_field));
    let range_value = Memo::new(move |_| match ctx.view.with(|v| v.range) {
        Range::All => "all",
        Range::Custom(..) => "custom",
        Range::Last(s) => RANGES.iter().find(|(_, _, x)| *x == s).map(|(t, _, _)| *t).unwrap_or_default(),
    });
    // The choices change only when a page brings a value not seen before.
    let choices = move |f: fn(&Choices) -> &std::collections::BTreeSet<String>| {
        Signal::from(Memo::new(move |_| {
            ctx.queue.with(|q| f(q.items.choices()).iter().take(200).cloned().collect::<Vec<_>>())
        }))
    };
    // On a phone the controls beyond the search box fold behind one button, so rows show on the first screen;
    // wider screens always show them (the button is hidden there).
    let unfolded = RwSignal::new(false);
    view! {
        <div class="filters" class:folded=move || !unfolded.get() role="search" aria-label="Filter incidents">
            <input type="search" class="search" data-testid="search" placeholder="Search name, id, user, device, IP, file…"
                aria-label="Search incidents" prop:value=move || text.get()
                on:input=move |ev| { let t = event_target_value(&ev); change_view(ctx, false, |v| { v.text = t; v.page = 0; }) }/>
            {move || open_by_id(ctx, &text.get())}
            <button class="ghost filters-toggle" data-testid="filters-toggle" aria-controls="filter-more"
                aria-expanded=move || unfolded.get().to_string() on:click=move |_| unfolded.update(|u| *u = !*u)>
                {move || if unfolded.get() { "Fewer filters" } else { "More filters" }}
            </button>
            <div class="filter-more" id="filter-more">
            <Chips label="Status" group="status" options=chips(Status::ALL) get={|v: &View| &v.status} set={|v: &mut View, s| v.status = s}/>
            <Chips label="Severity" group="severity" options=chips(Severity::ALL) get={|v: &View| &v.severity} set={|v: &mut View, s| v.severity = s}/>
            <label class="inline">"Assigned to "
                <select data-testid="filter-assigned" on:change=move |ev| {
                    let a = match event_target_value(&ev).as_str() { "me" => Assigned::Me, "unassigned" => Assigned::Unassigned, _ => Assigned::Anyone };
                    change_view(ctx, true, |v| { v.assigned = a; v.page = 0; });
                }>
                    <option value="anyone" selected=move || assigned.get() == Assigned::Anyone>"Anyone"</option>
                    <option value="me" selected=move || assigned.get() == Assigned::Me>"Me"</option>
                    <option value="unassigned" selected=move || assigned.get() == Assigned::Unassigned>"Unassigned"</option>
                </select>
            </label>
            <label class="inline">
                <select data-testid="filter-time-field" aria-label="Time field" on:change=move |ev| {
                    let f = if event_target_value(&ev) == "created" { TimeField::Created } else { TimeField::Updated };
                    change_view(ctx, true, |v| { v.time_field = f; v.page = 0; });
                }>
                    <option value="updated" selected=move || time_field.get() == TimeField::Updated>"Updated"</option>
                    <option value="created" selected=move || time_field.get() == TimeField::Created>"Created"</option>
                </select>
                <select data-testid="filter-range" aria-label="Time range" on:change=move |ev| {
                    let val = event_target_value(&ev);
                    let now = ctx.now.get_untracked() as i64;
                    let r = match val.as_str() {
                        "all" => Range::All,
                        "custom" => Range::Custom(Some(now - 7 * 86_400), None),
                        t => RANGES.iter().find(|(x, _, _)| *x == t).map(|(_, _, s)| Range::Last(*s)).unwrap_or(Range::All),
                    };
                    change_view(ctx, true, |v| { v.range = r; v.page = 0; });
                }>
                    {RANGES.iter().map(|(t, l, _)| view! { <option value=*t selected=move || range_value.get() == *t>{*l}</option> }).collect_view()}
                    <option value="all" selected=move || range_value.get() == "all">"Any time"</option>
                    <option value="custom" selected=move || range_value.get() == "custom">"Custom…"</option>
                </select>
            </label>
            <CustomRange/>
            <Choice label="Classification" testid="filter-classification" options=choices(|c| &c.classification)
                get={|v: &View| v.classification.first().cloned()} set={|v: &mut View, s: Option<String>| v.classification = s.into_iter().collect()} keyed=true/>
            <Choice label="Determination" testid="filter-determination" options=choices(|c| &c.determination)
                get={|v: &View| v.determination.first().cloned()} set={|v: &mut View, s: Option<String>| v.determination = s.into_iter().collect()} keyed=true/>
            <Choice label="Tag" testid="filter-tag" options=choices(|c| &c.tags)
                get={|v: &View| v.tags.first().cloned()} set={|v: &mut View, s: Option<String>| v.tags = s.into_iter().collect()} keyed=false/>
            <Choice label="Service source" testid="filter-source" options=choices(|c| &c.service_source)
                get={|v: &View| v.service_source.first().cloned()} set={|v: &mut View, s: Option<String>| v.service_source = s.into_iter().collect()} keyed=false/>
            <button class="ghost" data-testid="filter-reset" on:click=move |_| change_view(ctx, true, |v| {
                let keep = (v.sort, v.desc, v.refresh);
                *v = View { sort: keep.0, desc: keep.1, refresh: keep.2, ..View::default() };
            })>"Reset filters"</button>
            </div>
        </div>
    }
}

/// The values offered as chips, as (key, label), in the enum table's order.
fn chips<T>(all: &'static [Known<T>]) -> Vec<(&'static str, &'static str)> {
    all.iter().filter(|k| k.offered).map(|k| (k.key, k.label)).collect()
}

/// Toggle buttons for a multi-value filter; none pressed means any.
#[component]
fn Chips(
    label: &'static str,
    group: &'static str,
    options: Vec<(&'static str, &'static str)>,
    get: fn(&View) -> &[String],
    set: fn(&mut View, Vec<String>),
) -> impl IntoView {
    let ctx = ctx();
    view! {
        <div class="chips" role="group" aria-label=label>
            <span class="chips-label">{label}</span>
            {options.into_iter().map(|(k, o)| {
                let k = k.to_string();
                let k2 = k.clone();
                let pressed = Memo::new(move |_| ctx.view.with(|v| get(v).contains(&k)));
                view! {
                    <button class="chip" aria-pressed=move || pressed.get().to_string() data-testid=format!("filter-{group}-{k2}")
                        on:click=move |_| change_view(ctx, true, |v| {
                            let mut cur = get(v).to_vec();
                            if let Some(p) = cur.iter().position(|x| *x == k2) { cur.remove(p); } else { cur.push(k2.clone()); }
                            set(v, cur);
                            v.page = 0;
                        })>{o}</button>
                }
            }).collect_view()}
        </div>
    }
}

/// A single-choice filter over values seen in the loaded incidents.
#[component]
fn Choice(
    label: &'static str,
    testid: &'static str,
    options: Signal<Vec<String>>,
    get: fn(&View) -> Option<String>,
    set: fn(&mut View, Option<String>),
    keyed: bool,
) -> impl IntoView {
    let ctx = ctx();
    let value_of = move |o: &str| if keyed { norm(o) } else { o.to_string() };
    let current = Memo::new(move |_| ctx.view.with(get));
    view! {
        <label class="inline">{label}" "
            <select data-testid=testid on:change=move |ev| {
                let val = event_target_value(&ev);
                let val = (!val.is_empty()).then_some(val);
                change_view(ctx, true, |v| { set(v, val); v.page = 0; });
            }>
                <option value="" selected=move || current.with(Option::is_none)>"Any"</option>
                {move || options.get().into_iter().map(|o| {
                    let val = value_of(&o);
                    let v2 = val.clone();
                    view! { <option value=val selected=move || current.with(|c| c.as_deref() == Some(v2.as_str()))>{o}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// From/to dates, shown for a custom range.
#[component]
fn CustomRange() -> impl IntoView {
    let ctx = ctx();
    let date = |ts: Option<i64>| ts.map(|t| rfc3339(t).chars().take(10).collect::<String>()).unwrap_or_default();
    let set = move |from: bool, val: String| {
        let ts = parse_rfc3339(&format!("{val}T00:00:00Z")).map(|t| if from { t } else { t + 86_399 });
        change_view(ctx, true, |v| {
            let (f, t) = match v.range {
                Range::Custom(f, t) => (f, t),
                _ => (None, None),
            };
            v.range = if from { Range::Custom(ts, t) } else { Range::Custom(f, ts) };
            v.page = 0;
        });
    };
    let range = Memo::new(move |_| ctx.view.with(|v| v.range));
    move || match range.get() {
        Range::Custom(f, t) => Some(view! {
            <label class="inline">"From " <input type="date" data-testid="filter-from" value=date(f) on:change=move |ev| set(true, event_target_value(&ev))/></label>
            <label class="inline">"to " <input type="date" data-testid="filter-to" value=date(t) on:change=move |ev| set(false, event_target_value(&ev))/></label>
        }),
        _ => None,
    }
}
