//! Pieces every write shares (issue 21): the role the analyst's writes need and what the page knows of it, the
//! write in flight ("Saving…", "Retrying…"), the preview of what a write will change, and this tab's activity list.

use super::ctx;
use crate::actions::access::role_hint;
use crate::actions::preview::preview;
use crate::actions::role::{write_role_seen, RoleSeen};
use crate::actions::{Action, Call};
use crate::auth::jwt::access_claims;
use crate::flows::state::Ctx;
use crate::incidents::model::Incident;
use crate::writes_text as text;
use leptos::prelude::*;

/// What the page can tell about the write role now: a refusal seen in this tab, or the token's `wids`.
pub(super) fn role_seen(ctx: Ctx) -> RoleSeen {
    let refused = ctx.acting.with(|a| a.role_refused);
    let wids = ctx.session().and_then(|s| access_claims(&s.access_token)).map(|c| c.wids).unwrap_or_default();
    write_role_seen(refused, &wids)
}

/// The role a write needs, for people.
pub(super) fn write_role(ctx: Ctx) -> &'static str {
    ctx.cfg().map_or("", |c| role_hint(c.source, Call::Update))
}

/// "Saving…", or "Retrying…" with its countdown while the write waits out a failure (its own backoff, or a 429
/// that holds every request).
pub(super) fn in_flight_text(ctx: Ctx) -> String {
    let now = ctx.now.get();
    let paused = ctx.budget.with_value(|b| b.paused_ms(crate::browser::clock::wall_ms()));
    let paused = (paused > 0.0).then(|| (paused / 1000.0).ceil() as u64);
    let backoff = ctx.acting.with(|a| a.retry_until).map(|t| t.saturating_sub(now));
    match paused.max(backoff) {
        Some(secs) => text::retrying(secs),
        None => text::SAVING.to_string(),
    }
}

/// The line shown while a write is on its way; it replaces the previous result.
#[component]
pub(super) fn Saving() -> impl IntoView {
    let ctx = ctx();
    view! { <p class="action-result saving" role="status" data-testid="action-saving">{move || in_flight_text(ctx)}</p> }
}

/// What `action` will write to `inc`, against what it holds now, with Confirm and Cancel. Nothing is sent until
/// Confirm; the sentence names the incident, the old and the new values.
#[component]
pub(super) fn WriteConfirm(
    action: Action,
    inc: Incident,
    #[prop(into)] busy: Signal<bool>,
    #[prop(optional)] granted: bool,
    /// The confirm button's test hook (the held action's keeps its older name).
    #[prop(default = "action-write-confirm-go")]
    confirm_testid: &'static str,
    on_confirm: Callback<Action>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let sentence = text::write_preview(action.label(), &inc.id, &inc.name, &preview(&action, &inc));
    let lead = granted.then_some("The permission was granted. ");
    view! {
        <div class="banner info write-confirm" data-testid="action-write-confirm" role="group" aria-label="Confirm the write">
            <p>{lead}<strong data-testid="write-preview">{sentence}</strong></p>
            <p class="muted small">{text::CONFIRM_QUESTION}</p>
            <button class="primary" data-testid=confirm_testid disabled=move || busy.get()
                on:click=move |_| on_confirm.run(action.clone())>"Confirm"</button>
            <button class="ghost" data-testid="action-write-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </div>
    }
}

/// This tab's activity, newest first; folded by default, kept across reloads.
#[component]
pub fn ActivityLog() -> impl IntoView {
    let ctx = ctx();
    let lines = move || {
        ctx.acting.with(|a| {
            a.log
                .iter()
                .rev()
                .map(|l| {
                    view! { <li class=if l.ok { "ok" } else { "bad" }>{format!("{} {} — {}", l.at, l.what, l.outcome)}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <details class="activity" data-testid="activity">
            <summary>{move || text::activity_title(ctx.acting.with(|a| a.log.len()))}</summary>
            <ul class="plain activity-log" data-testid="activity-log" aria-live="polite">{lines}</ul>
        </details>
    }
}
