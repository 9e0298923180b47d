//! The filter bar. Every control writes the view into the URL; nothing is filtered here.

use super::ctx;
use crate::api::model::Incident;
use crate::api::view::{distinct, key, Assigned, Range, TimeField, View, RANGES};
use crate::api::query::{parse_rfc3339, rfc3339};
use crate::flows::boot::change_view;
use leptos::prelude::*;

const STATUSES: &[&str] = &["Active", "In progress", "Resolved", "Redirected"];
const SEVERITIES: &[&str] = &["High", "Medium", "Low", "Informational"];

/// The filter bar.
#[component]
pub fn Filters() -> impl IntoView {
    let ctx = ctx();
    let choices = move |f: fn(&Incident) -> Vec<&str>| ctx.queue.with(|q| distinct(&q.items, f));
    let range_value = move || match ctx.view.get().range {
        Range::All => "all".to_string(),
        Range::Custom(..) => "custom".to_string(),
        Range::Last(s) => RANGES.iter().find(|(_, _, x)| *x == s).map(|(t, _, _)| t.to_string()).unwrap_or_default(),
    };
    view! {
        <div class="filters" role="search" aria-label="Filter incidents">
            <input type="search" class="search" data-testid="search" placeholder="Search name, id, user, device, IP, file…"
                aria-label="Search incidents" prop:value=move || ctx.view.get().text
                on:input=move |ev| { let t = event_target_value(&ev); change_view(ctx, false, |v| { v.text = t; v.page = 0; }) }/>
            <Chips label="Status" group="status" options=STATUSES get={|v: &View| v.status.clone()} set={|v: &mut View, s| v.status = s}/>
            <Chips label="Severity" group="severity" options=SEVERITIES get={|v: &View| v.severity.clone()} set={|v: &mut View, s| v.severity = s}/>
            <label class="inline">"Assigned to "
                <select data-testid="filter-assigned" on:change=move |ev| {
                    let a = match event_target_value(&ev).as_str() { "me" => Assigned::Me, "unassigned" => Assigned::Unassigned, _ => Assigned::Anyone };
                    change_view(ctx, true, |v| { v.assigned = a; v.page = 0; });
                }>
                    <option value="anyone" selected=move || ctx.view.get().assigned == Assigned::Anyone>"Anyone"</option>
                    <option value="me" selected=move || ctx.view.get().assigned == Assigned::Me>"Me"</option>
                    <option value="unassigned" selected=move || ctx.view.get().assigned == Assigned::Unassigned>"Unassigned"</option>
                </select>
            </label>
            <label class="inline">
                <select data-testid="filter-time-field" aria-label="Time field" on:change=move |ev| {
                    let f = if event_target_value(&ev) == "created" { TimeField::Created } else { TimeField::Updated };
                    change_view(ctx, true, |v| { v.time_field = f; v.page = 0; });
                }>
                    <option value="updated" selected=move || ctx.view.get().time_field == TimeField::Updated>"Updated"</option>
                    <option value="created" selected=move || ctx.view.get().time_field == TimeField::Created>"Created"</option>
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
                    {RANGES.iter().map(|(t, l, _)| view! { <option value=*t selected=move || range_value() == *t>{*l}</option> }).collect_view()}
                    <option value="all" selected=move || range_value() == "all">"Any time"</option>
                    <option value="custom" selected=move || range_value() == "custom">"Custom…"</option>
                </select>
            </label>
            <CustomRange/>
            <Choice label="Classification" testid="filter-classification" options=Signal::derive(move || choices(|i| vec![i.classification.label()]))
                get={|v: &View| v.classification.first().cloned()} set={|v: &mut View, s: Option<String>| v.classification = s.into_iter().collect()} keyed=true/>
            <Choice label="Determination" testid="filter-determination" options=Signal::derive(move || choices(|i| vec![i.determination.label()]))
                get={|v: &View| v.determination.first().cloned()} set={|v: &mut View, s: Option<String>| v.determination = s.into_iter().collect()} keyed=true/>
            <Choice label="Tag" testid="filter-tag" options=Signal::derive(move || choices(|i| i.tags.iter().map(String::as_str).collect()))
                get={|v: &View| v.tags.first().cloned()} set={|v: &mut View, s: Option<String>| v.tags = s.into_iter().collect()} keyed=false/>
            <Choice label="Service source" testid="filter-source" options=Signal::derive(move || choices(|i| i.alerts.iter().filter_map(|a| a.service_source.as_deref()).collect()))
                get={|v: &View| v.service_source.first().cloned()} set={|v: &mut View, s: Option<String>| v.service_source = s.into_iter().collect()} keyed=false/>
            <button class="ghost" data-testid="filter-reset" on:click=move |_| change_view(ctx, true, |v| {
                let keep = (v.sort, v.desc, v.refresh);
                *v = View { sort: keep.0, desc: keep.1, refresh: keep.2, ..View::default() };
            })>"Reset filters"</button>
        </div>
    }
}

/// Toggle buttons for a multi-value filter; none pressed means any.
#[component]
fn Chips(
    label: &'static str,
    group: &'static str,
    options: &'static [&'static str],
    get: fn(&View) -> Vec<String>,
    set: fn(&mut View, Vec<String>),
) -> impl IntoView {
    let ctx = ctx();
    view! {
        <div class="chips" role="group" aria-label=label>
            <span class="chips-label">{label}</span>
            {options.iter().map(|o| {
                let k = key(o);
                let k2 = k.clone();
                let pressed = move || get(&ctx.view.get()).contains(&k);
                view! {
                    <button class="chip" aria-pressed=move || pressed().to_string() data-testid=format!("filter-{group}-{k2}")
                        on:click=move |_| change_view(ctx, true, |v| {
                            let mut cur = get(v);
                            if let Some(p) = cur.iter().position(|x| *x == k2) { cur.remove(p); } else { cur.push(k2.clone()); }
                            set(v, cur);
                            v.page = 0;
                        })>{*o}</button>
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
    let value_of = move |o: &str| if keyed { key(o) } else { o.to_string() };
    view! {
        <label class="inline">{label}" "
            <select data-testid=testid on:change=move |ev| {
                let val = event_target_value(&ev);
                let val = (!val.is_empty()).then_some(val);
                change_view(ctx, true, |v| { set(v, val); v.page = 0; });
            }>
                <option value="" selected=move || get(&ctx.view.get()).is_none()>"Any"</option>
                {move || options.get().into_iter().map(|o| {
                    let val = value_of(&o);
                    let v2 = val.clone();
                    view! { <option value=val selected=move || get(&ctx.view.get()).as_deref() == Some(v2.as_str())>{o}</option> }
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
            let (f, t) = match v.range { Range::Custom(f, t) => (f, t), _ => (None, None) };
            v.range = if from { Range::Custom(ts, t) } else { Range::Custom(f, ts) };
            v.page = 0;
        });
    };
    move || match ctx.view.get().range {
        Range::Custom(f, t) => Some(view! {
            <label class="inline">"From " <input type="date" data-testid="filter-from" value=date(f) on:change=move |ev| set(true, event_target_value(&ev))/></label>
            <label class="inline">"to " <input type="date" data-testid="filter-to" value=date(t) on:change=move |ev| set(false, event_target_value(&ev))/></label>
        }),
        _ => None,
    }
}
