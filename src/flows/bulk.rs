//! The queue's bulk actions (issue 14): the selection (its rules are `queue::selection`'s), one action named in a
//! confirmation, incremental consent with the selection carried across the redirect, then each incident in turn
//! through the one request driver, with per-incident results counted apart. The bulk bar only calls these.

use super::act::{carry_out, record};
use super::sign_in::step_up;
use super::state::{BulkPending, Ctx};
use crate::actions::intent::consent_needed;
use crate::actions::{Action, Intent, Outcome, Target};
use crate::auth::authorize::StepUp;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A click on `id`'s checkbox on `screen` (the rows shown), leaving it `on`; `shift` ranges from the last click.
pub(crate) fn select(ctx: Ctx, screen: &[String], id: &str, on: bool, shift: bool) {
    ctx.bulk.update(|b| b.selection.click(screen, id, on, shift));
}

/// "All on this screen".
pub(crate) fn select_screen(ctx: Ctx, screen: &[String], on: bool) {
    ctx.bulk.update(|b| b.selection.set_screen(screen, on));
}

/// "Clear": no selection, no action waiting for confirmation.
pub(crate) fn clear(ctx: Ctx) {
    ctx.bulk.update(|b| {
        b.selection.clear();
        b.pending = None;
    });
}

/// The analyst chose `action` for the selection (or withdrew it, `None`): the confirmation names it; nothing is
/// sent yet.
pub(crate) fn propose(ctx: Ctx, action: Option<Action>) {
    ctx.bulk.update(|b| {
        b.pending = action.map(|action| BulkPending { action, after_consent: false });
        b.declined = None;
    });
}

/// The analyst confirmed the action the bar names: it goes to every selected incident.
pub(crate) fn confirm(ctx: Ctx) {
    let Some(p) = ctx.bulk.try_update(|b| b.pending.take()).flatten() else { return };
    let ids = ctx.bulk.with_untracked(|b| b.selection.ids().to_vec());
    run(ctx, ids, p.action);
}

/// The analyst declined to go to the provider for the permission.
pub(crate) fn cancel_consent(ctx: Ctx) {
    ctx.bulk.update(|b| b.consent = None);
}

/// Each incident in turn, paced by the request budget like every request, with the same retry rules as one
/// write; progress and results are shown as they come. Asks for the write permission first when the token lacks
/// it.
fn run(ctx: Ctx, ids: Vec<String>, action: Action) {
    let Some(cfg) = ctx.cfg().filter(|c| c.actions) else { return };
    let Some(session) = ctx.session() else { return };
    if ids.is_empty() || ctx.bulk.with_untracked(|b| b.running) {
        return;
    }
    if let Some(scope) = consent_needed(&cfg, &session, &action) {
        ctx.bulk.update(|b| b.consent = Some((scope, action)));
        return;
    }
    ctx.bulk.update(|b| {
        b.running = true;
        b.consent = None;
        b.declined = None;
        b.results = ids.iter().map(|id| (id.clone(), None)).collect();
    });
    let epoch = ctx.epoch();
    spawn_local(async move {
        let me = session.id_claims.preferred_username.clone();
        for id in ids {
            if !ctx.still(epoch) {
                return;
            }
            // An incident being acted on from its own page is skipped rather than written twice at once.
            if ctx.acting.with_untracked(|a| a.in_flight.contains(&id)) {
                continue;
            }
            ctx.acting.update(|a| a.in_flight.push(id.clone()));
            // The token may have been renewed while the bulk action ran.
            let session = ctx.session().unwrap_or_else(|| session.clone());
            let outcome: Outcome = carry_out(ctx, &cfg, &session, &id, &action).await;
            if !ctx.still(epoch) {
                return;
            }
            record(ctx, &id, &action, me.as_deref(), &outcome);
            ctx.acting.update(|a| a.in_flight.retain(|x| x != &id));
            ctx.bulk.update(|b| {
                if let Some(entry) = b.results.iter_mut().find(|(i, _)| *i == id) {
                    entry.1 = Some((outcome.ended(), outcome.short()));
                }
            });
        }
        ctx.bulk.update(|b| b.running = false);
    });
}

/// Incremental consent for a bulk action: the permission is asked for, and the selection and the action travel
/// in the step-up's intent, to be confirmed again when back (nothing is sent by itself).
pub(crate) fn ask_consent(ctx: Ctx) {
    let (consent, selected) = ctx.bulk.with_untracked(|b| (b.consent.clone(), b.selection.ids().to_vec()));
    let Some((scope, action)) = consent else { return };
    if selected.is_empty() {
        return;
    }
    let intent = Intent { target: Target::Selection(selected), action, tags_before: None };
    step_up(ctx, StepUp::new(vec![scope], crate::intent::Intent::Action(intent).to_json()));
}

/// Back from the consent redirect with the selection `ids`: the action waits for the analyst's confirmation
/// (`Ok`), or the bar says the permission (`Err`) was not granted; the selection is as it was either way.
pub(crate) fn came_back(ctx: Ctx, ids: Vec<String>, granted: Result<Action, String>) {
    ctx.bulk.update(|b| {
        b.selection = crate::queue::selection::Selection::of(ids);
        match granted {
            Ok(action) => b.pending = Some(BulkPending { action, after_consent: true }),
            Err(scope) => b.declined = Some(crate::problem::consent_declined(&scope)),
        }
    });
}
