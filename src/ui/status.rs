//! One voice for the state of the page's data: when it was read, the one countdown of a wait, what changed since
//! the analyst last looked (and the count of new incidents in the tab title), why a row matched the search,
//! what auto-refresh and renewal are really doing, and a loading state instead of zero counts.

use super::ctx;
use crate::browser::{clock, page};
use crate::flows::navigate::change_view;
use crate::flows::status::dismiss_changes;
use crate::incidents::paging::{pause_left, progress_text, resuming_in, PAUSED};
use crate::problem::Problem;
use crate::queue::changes::{title_with_count, Kind};
use crate::queue::search::{hint_text, why_matched};
use leptos::prelude::*;

/// "Data as of 10:07 (UTC+1)": when the rows on screen were last read successfully, in the analyst's time.
#[component]
pub fn DataAsOf() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.status.data_at.get().map(|t| {
            view! {
                <span class="muted small data-as-of" data-testid="data-as-of" data-at=t.to_string()>
                    "Data as of " <time datetime=crate::incidents::query::rfc3339(t as i64)>{clock::clock_with_zone(t)}</time>
                </span>
            }
        })
    }
}

/// "Loaded 300 of 1,200…" while pages arrive; while a 429 holds the load, its countdown, which is then the only
/// one on the page for that wait (the banner about it shows none).
#[component]
pub fn LoadProgress() -> impl IntoView {
    let ctx = ctx();
    move || {
        let now = ctx.now.get();
        let state = ctx.queue.with(|q| q.load_state());
        let body = match pause_left(&state, now) {
            Some(left) => view! { {PAUSED} <span data-testid="retry-countdown">{resuming_in(left)}</span> }.into_any(),
            None => progress_text(&state, now).into_any(),
        };
        view! { <span class="muted" data-testid="progress" role="status" aria-live="polite">{body}</span> }
    }
}

/// The countdown beside an API banner: "Retrying in 4 s", then "Retrying now…"; nothing when the progress line
/// already counts the same wait down.
#[component]
pub fn RetryCountdown(retry_at: u64) -> impl IntoView {
    let ctx = ctx();
    move || {
        let now = ctx.now.get();
        let counted = ctx.queue.with(|q| pause_left(&q.load_state(), now).is_some());
        (!counted).then(|| {
            view! { <span class="countdown" data-testid="retry-countdown">" " {crate::format::retry_text(retry_at, now)}</span> }
        })
    }
}

/// The provider's or API's technical text behind a toggle, so the banner's sentence stays plain.
#[component]
pub fn Details(text: Option<String>) -> impl IntoView {
    text.map(|t| {
        view! {
            <details class="tech-details" data-testid="problem-details">
                <summary>"Details"</summary>
                <p class="mono small">{t}</p>
            </details>
        }
    })
}

/// Under the failed-renewal prompt: what to do when the provider's code is known, and its text as details.
#[component]
pub fn RenewalDetails() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.status.renewal_failed.get().map(|p: Problem| {
            view! {
                {p.hint.map(|h| view! { <span class="hint" data-testid="renewal-hint">{h}</span> })}
                <Details text=p.details/>
            }
        })
    }
}

/// The token panel's renewal line, true to what happened: automatic, or failed (sign in again).
#[component]
pub fn RenewalState(has_refresh_token: bool) -> impl IntoView {
    let ctx = ctx();
    move || {
        let failed = ctx.status.renewal_failed.with(Option::is_some);
        let (state, text) = match (failed, has_refresh_token) {
            (true, _) => ("failed", "failed: sign in again before the token expires"),
            (false, true) => ("automatic", "automatic, before expiry"),
            (false, false) => ("manual", "sign in again when it expires"),
        };
        view! { <span data-testid="renewal-state" data-state=state class:warn-text=failed>{text}</span> }
    }
}

/// The auto-refresh choice, true to what happens: while the page waits for the analyst to sign in again (the API
/// would refuse the call), it says "paused: sign in again" instead of a period that is not running.
#[component]
pub fn AutoRefresh() -> impl IntoView {
    let ctx = ctx();
    let refresh = Memo::new(move |_| ctx.view.with(|v| v.refresh.unwrap_or(0)));
    let stopped = Memo::new(move |_| ctx.reauth.with(Option::is_some));
    view! {
        <label class="inline">
            "Auto-refresh "
            <select data-testid="auto-refresh" data-state=move || if stopped.get() { "paused" } else { "running" }
                disabled=move || stopped.get() on:change=move |ev| {
                let secs = event_target_value(&ev).parse::<u32>().ok().filter(|s| *s > 0);
                change_view(ctx, true, |v| v.refresh = secs);
            }>
                {[(0u32, "Off"), (30, "30 s"), (60, "1 min"), (300, "5 min")].into_iter().map(|(s, l)| {
                    view! { <option value=s.to_string() selected=move || !stopped.get() && refresh.get() == s>{l}</option> }
                }).collect_view()}
                {move || (stopped.get() && refresh.get() > 0).then(|| view! {
                    <option value="paused" selected=true>"paused: sign in again"</option>
                })}
            </select>
        </label>
    }
}

/// "3 changes since 09:53" with the list (new, changed, left the view) after a refresh or an auto-refresh, and
/// the count of new incidents in the tab title. Both stay until the analyst dismisses the notice.
#[component]
pub fn ChangesNotice() -> impl IntoView {
    let ctx = ctx();
    let new_count = Memo::new(move |_| ctx.status.changes.with(|r| r.as_ref().map_or(0, |r| r.new_count())));
    Effect::new(move |_| page::set_title(&title_with_count(&page::title(), new_count.get())));
    on_cleanup(move || page::set_title(&title_with_count(&page::title(), 0)));
    move || {
        ctx.status.changes.get().map(|r| {
            let headline = r.headline(&crate::format::clock(r.since, clock::utc_offset_min(r.since)));
            let lines = r
                .changes
                .into_iter()
                .map(|c| {
                    // The notice outlives filter changes: each link follows the view as it is now.
                    let href = {
                        let id = c.id.clone();
                        move || ctx.view.with(|v| v.incident_hash(&id))
                    };
                    let kind = match c.kind {
                        Kind::New => "new",
                        Kind::Changed => "changed",
                        Kind::Left => "left",
                    };
                    let name = crate::incidents::model::visible(&crate::incidents::model::cap(&c.name, 120));
                    view! {
                        <li data-testid="change" data-kind=kind data-incident-id=c.id.clone()>
                            <span class=format!("change-kind {kind}")>{kind}</span> " "
                            <a href=href>"#" {c.id.clone()} " " {name}</a>
                            " — " {c.what}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="banner info changes" role="status" data-testid="changes">
                    <details open>
                        <summary data-testid="changes-headline">{headline}</summary>
                        <ul class="change-list">{lines}</ul>
                    </details>
                    <button class="ghost" data-testid="changes-dismiss" on:click=move |_| dismiss_changes(ctx)>"Mark as seen"</button>
                </div>
            }
        })
    }
}

/// Under an incident's name in the queue: which field matched the search when the row does not show it.
#[component]
pub fn MatchedHint(id: String) -> impl IntoView {
    let ctx = ctx();
    let text = Memo::new(move |_| ctx.view.with(|v| v.text.clone()));
    move || {
        let needle = text.get();
        if needle.trim().is_empty() {
            return None;
        }
        let (label, found) = ctx
            .queue
            .with_untracked(|q| q.items.items().iter().find(|i| i.id == id).and_then(|i| why_matched(i, &needle)))?;
        let shown = crate::incidents::model::visible(&hint_text(&label, &found));
        let title = shown.clone();
        Some(view! { <span class="matched small muted" data-testid="matched" title=title>{shown}</span> })
    }
}

/// Before the first page arrives the pictures would count zero incidents, which reads as "none": say that they
/// are being counted instead (the style hides the pictures while this is shown).
#[component]
pub fn PicturesLoading() -> impl IntoView {
    let ctx = ctx();
    move || {
        let (loaded, loading) = ctx.queue.with(|q| (q.loaded, q.loading));
        let text = if loading { "Counting incidents…" } else { "No counts yet: no incidents were read." };
        (!loaded).then(
            || view! { <p class="muted pictures-loading" role="status" data-testid="pictures-loading">{text}</p> },
        )
    }
}
