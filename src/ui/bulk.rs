//! The queue's bulk actions (issue 14): rows selected with their checkboxes (shift-click for a range, or all on
//! this screen), one action, a confirmation naming the count, then per-incident progress and results.

use super::consent::ConsentPrompt;
use super::ctx;
use super::pair::{Pair, PairPicker};
use super::writes::{write_role, ActivityLog};
use crate::actions::{tally, writable_statuses, Action, Ended};
use crate::flows::bulk;
use crate::flows::state::BulkPending;
use crate::incidents::model::Status;
use crate::problem::ConsentFor;
use leptos::prelude::*;

/// Toggles `id` (a plain click) or sets every row from the anchor to `id` to `on` (a shift-click).
pub(super) fn select(screen: &[String], id: &str, on: bool, shift: bool) {
    bulk::select(ctx(), screen, id, on, shift);
}

/// The bar above the queue: selection, the action, its confirmation, progress.
#[component]
pub fn BulkBar(screen: Memo<Vec<String>>) -> impl IntoView {
    let ctx = ctx();
    let Some(cfg) = ctx.cfg().filter(|c| c.actions) else { return ().into_any() };
    let source = cfg.source;
    let me = ctx.session().and_then(|s| s.id_claims.preferred_username.clone());
    let count = Memo::new(move |_| ctx.bulk.with(|b| b.selection.len()));
    let running = Memo::new(move |_| ctx.bulk.with(|b| b.running));
    let all_on_screen = move || ctx.bulk.with(|b| screen.with(|s| b.selection.has_all(s)));
    // The action the confirmation names lives in the page's state: the consent redirect brings one back.
    let ask = move |action: Option<Action>| bulk::propose(ctx, action);
    let status_key = RwSignal::new(Status::InProgress.key().to_string());
    let pair = Pair::empty(source);
    // A role refusal proved bulk writes useless in this tab: the bar says so instead of inviting more.
    let blocked = Memo::new(move |_| ctx.acting.with(|a| a.role_refused));
    let none = move || count.get() == 0 || running.get() || blocked.get();
    // An action brought back from the consent redirect shows in the controls it was made with.
    Effect::new(move |_| {
        let Some(BulkPending { action, after_consent: true }) = ctx.bulk.with(|b| b.pending.clone()) else {
            return;
        };
        match action {
            Action::SetStatus(s) => status_key.set(s.key().to_string()),
            Action::Classify { classification, determination } => pair.choose(&classification, &determination),
            _ => {}
        }
    });

    let confirm = move || {
        ctx.bulk.with(|b| b.pending.clone()).map(|BulkPending { action, after_consent }| {
            let n = count.get();
            let what = match &action {
                Action::AssignTo(_) => "Assign to you".to_string(),
                Action::SetStatus(s) => format!("Set the status to {}", s.label()),
                Action::Classify { classification, determination } => {
                    format!("Classify as {} · {}", classification.label(), determination.label())
                }
                other => other.label().to_string(),
            };
            let granted = if after_consent { "The permission was granted. " } else { "" };
            let text = format!("{granted}{what}: {n} incident{}?", if n == 1 { "" } else { "s" });
            view! {
                <div class="banner info" data-testid="bulk-confirmation" data-after-consent=after_consent.to_string()>
                    <p>{text}</p>
                    <button class="primary" data-testid="bulk-confirm" on:click=move |_| {
                        // Taken, not read: a second click on the same confirmation finds nothing to send.
                        bulk::confirm(ctx);
                    }>{format!("Confirm ({n})")}</button>
                    <button class="ghost" on:click=move |_| ask(None)>"Cancel"</button>
                </div>
            }
        })
    };
    let consent = move || {
        ctx.bulk.with(|b| b.consent.clone()).map(|(scope, _)| view! {
            <ConsentPrompt what=ConsentFor::Bulk scope=scope testid="bulk-consent" go_testid="bulk-consent-go"
                on_go=Callback::new(move |_| bulk::ask_consent(ctx)) on_cancel=Callback::new(move |_| bulk::cancel_consent(ctx))/>
        })
    };
    let declined = move || {
        ctx.bulk.with(|b| b.declined.clone()).map(|text| {
            view! {
                <p class="banner warn" role="status" data-testid="bulk-declined">{text}</p>
            }
        })
    };
    let progress = move || {
        let items = ctx.bulk.with(|b| b.results.clone());
        (!items.is_empty()).then(|| {
            // Counted apart: a refusal is not "done" (issue 21: three role refusals read "3 of 3 done").
            let counts = tally(items.iter().map(|(_, r)| r.as_ref().map(|(e, _)| *e)));
            view! {
                <p class="muted small" role="status" data-testid="bulk-tally">{crate::writes_text::bulk_tally(&counts)}</p>
                <ul class="plain bulk-progress" data-testid="bulk-progress">
                    {items.into_iter().map(|(id, r)| {
                        let (state, text) = match r {
                            None => ("pending", "waiting…".to_string()),
                            Some((Ended::Done, t)) => ("done", t),
                            Some((Ended::RefusedByRole | Ended::RefusedPermission, t)) => ("refused", t),
                            Some((Ended::Failed, t)) => ("failed", t),
                        };
                        view! { <li class=state data-incident-id=id.clone() data-state=state>{format!("#{id}: {text}")}</li> }
                    }).collect_view()}
                </ul>
            }
        })
    };
    let me_click = me.clone();
    view! {
        <div class="bulk-bar" data-testid="bulk-bar">
            <label class="inline">
                <input type="checkbox" data-testid="select-screen" prop:checked=all_on_screen on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    bulk::select_screen(ctx, &screen.get_untracked(), on);
                }/>
                " All on this screen"
            </label>
            <span data-testid="selected-count">{move || format!("{} selected", count.get())}</span>
            <button data-bulk="assign-me" disabled=move || none() || me.is_none()
                on:click=move |_| ask(me_click.clone().map(Action::AssignTo))>"Assign to me"</button>
            <select name="bulk-status" aria-label="Status for the selected incidents" on:change=move |ev| status_key.set(event_target_value(&ev))>
                {writable_statuses(source).iter().map(|s| {
                    let key = s.key().to_string();
                    let k2 = key.clone();
                    view! { <option value=key selected=move || status_key.get() == k2>{s.label().to_string()}</option> }
                }).collect_view()}
            </select>
            <button data-bulk="status" disabled=none on:click=move |_| {
                let s = Status::from_key(&status_key.get_untracked()).unwrap_or(Status::InProgress);
                ask(Some(Action::SetStatus(s)));
            }>"Set status"</button>
            <PairPicker pair=pair/>
            <button data-bulk="classify" disabled=move || none() || pair.picked().is_none() on:click=move |_| {
                if let Some((classification, determination)) = pair.picked() {
                    ask(Some(Action::Classify { classification, determination }));
                }
            }>"Classify"</button>
            <button class="ghost" disabled=move || count.get() == 0 || running.get() on:click=move |_| bulk::clear(ctx)>"Clear"</button>
        </div>
        {move || blocked.get().then(|| view! { <p class="banner warn small" data-testid="bulk-blocked">{crate::writes_text::blocked_by_role(write_role(ctx))}</p> })}
        {confirm}
        {consent}
        {declined}
        {progress}
        {move || ctx.acting.with(|a| !a.log.is_empty()).then(|| view! { <ActivityLog/> })}
    }
    .into_any()
}
