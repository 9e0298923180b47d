//! Acting on an incident for the analyst (issue 14): one gesture, at most one write in flight per incident,
//! the write permission asked for first when the token lacks it (incremental consent, the action held and
//! confirmed again once back), sent through the one request driver as each write's policy allows, and the server's version of
//! the incident on screen afterwards.

use super::drive::{Call, Shown};
use super::sign_in::step_up;
use super::state::{ActResult, Activity, Ctx};
use crate::actions::access::classify_forbidden;
use crate::actions::activity::{self, ACTIVITY_KEY};
use crate::actions::intent::consent_needed;
use crate::actions::{
    action_call, alternative_write, own_tags, update_requests, update_requests_spelled, Action, Intent, Outcome,
    Spelling, Target, WriteError,
};
use crate::auth::authorize::StepUp;
use crate::auth::secret::AccessToken;
use crate::auth::session::Session;
use crate::browser::{clock, fetch, storage};
use crate::config::Config;
use crate::http::HttpResponse;
use crate::incidents::model::{parse_one_incident, Incident};
use crate::incidents::query::required_scope;
use crate::request::error::{map_response, ApiError};
use crate::request::retry::Failure;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The analyst asked for `action` on incident `id` (a click): send it, or first ask for the permission.
pub(crate) fn act(ctx: Ctx, id: String, action: Action) {
    act_then(ctx, id, action, || {});
}

/// [`act`], calling `on_done` once the API accepted the write (and only then): the caller empties what the
/// analyst typed, which a failed or refused write leaves in place to send again.
pub(crate) fn act_then(ctx: Ctx, id: String, action: Action, on_done: impl FnOnce() + 'static) {
    let Some(cfg) = ctx.cfg().filter(|c| c.actions) else { return };
    let Some(session) = ctx.session() else { return };
    // The guard against a double click: the button is disabled too, but a second event can already be queued.
    if ctx.acting.with_untracked(|a| a.in_flight.contains(&id)) {
        return;
    }
    if let Some(scope) = consent_needed(&cfg, &session, &action) {
        // A tag edit remembers the tags it was computed from, to be applied to the server's tags once back.
        let own = queued(ctx, &id).map(|inc| own_tags(&inc)).unwrap_or_default();
        ctx.acting.update(|a| a.needs_consent = Some((scope, Intent::one(id, action).computed_from(own))));
        return;
    }
    // Confirming the action held across the consent redirect (the same one, for this incident).
    let held = ctx.acting.with_untracked(|a| {
        a.held.clone().filter(|h| h.incident() == Some(id.as_str()) && h.action == action && h.tags_before.is_some())
    });
    ctx.acting.update(|a| {
        a.in_flight.push(id.clone());
        a.needs_consent = None;
        a.held = None;
    });
    let epoch = ctx.epoch();
    spawn_local(async move {
        // A held tag edit is applied to the tags the server holds now (read again), not to those seen before
        // the redirect.
        let action = match held {
            Some(h) => match super::queue::fetch_incident(ctx, &id).await {
                Ok(inc) => h.tags_now(&own_tags(&inc)),
                Err(e) => {
                    if ctx.still(epoch) {
                        record(ctx, &id, &action, session.id_claims.preferred_username.as_deref(), &Outcome::Failed(e));
                        ctx.acting.update(|a| a.in_flight.retain(|x| x != &id));
                    }
                    return;
                }
            },
            None => action,
        };
        let outcome = carry_out(ctx, &cfg, &session, &id, &action).await;
        // Signed out meanwhile: nothing of this tab's activity comes back onto the page.
        if !ctx.still(epoch) {
            return;
        }
        let me = session.id_claims.preferred_username.clone();
        record(ctx, &id, &action, me.as_deref(), &outcome);
        ctx.acting.update(|a| a.in_flight.retain(|x| x != &id));
        if outcome == Outcome::Done {
            on_done();
        }
    });
}

/// The analyst agreed to go to the provider for the permission the held action needs.
pub(crate) fn ask_consent(ctx: Ctx) {
    let Some((scope, intent)) = ctx.acting.get_untracked().needs_consent else { return };
    step_up(ctx, StepUp::new(vec![scope], crate::intent::Intent::Action(intent).to_json()));
}

/// Back from the provider with an incident action's intent: `session` is the new one, or `None` when the
/// provider refused (declined consent, most often). Offers the action for confirmation (on its incident's page,
/// or in the bulk bar with the selection as it was) if the token now allows it, or says that the page stays
/// read-only. Never sends anything by itself.
pub(crate) fn came_back(ctx: Ctx, cfg: &Config, up: &StepUp, intent: Intent, session: Option<&Session>) {
    let missing = match session {
        Some(s) => consent_needed(cfg, s, &intent.action),
        None => Some(up.scopes.join(" ")),
    };
    match (intent.target.clone(), missing) {
        (Target::Incident(_), None) if cfg.actions => ctx.acting.update(|a| a.held = Some(intent)),
        (Target::Incident(id), Some(scope)) => declined(ctx, &id, &scope),
        (Target::Selection(ids), None) if cfg.actions => super::bulk::came_back(ctx, ids, Ok(intent.action)),
        (Target::Selection(ids), Some(scope)) => super::bulk::came_back(ctx, ids, Err(scope)),
        _ => {}
    }
}

/// Consent was not given (the provider answered `access_denied`, or the token still lacks the permission).
fn declined(ctx: Ctx, id: &str, scope: &str) {
    let text = crate::problem::consent_declined(scope);
    ctx.acting.update(|a| a.result = Some(ActResult { id: id.to_string(), text, ok: false, wait: false }));
}

/// Forgets the held action (the analyst cancelled).
pub(crate) fn drop_held(ctx: Ctx) {
    ctx.acting.update(|a| {
        a.held = None;
        a.needs_consent = None;
    });
}

pub(super) async fn carry_out(ctx: Ctx, cfg: &Config, session: &Session, id: &str, action: &Action) -> Outcome {
    let writes = match update_requests(cfg.source, &cfg.api_base, id, action, &session.access_token) {
        Ok(w) => w,
        Err(e) => return Outcome::Invalid(e),
    };
    let mut last: Option<HttpResponse> = None;
    let mut spelling = Spelling::default();
    let mut respelled = false;
    let mut i = 0;
    while let Some(w) = writes.get(i) {
        // Each send builds the write afresh with the token the driver hands it (a renewed one after a 401).
        let sent = Call::new(ctx, |token| send_write(cfg, id, action, spelling, i, token))
            .shown(Shown::Writing)
            .run(w.kind.policy())
            .await;
        // A 400 that names the determination sent applied nothing: the write goes once more in the other
        // documented spelling, as the write's own rule says (never more than once).
        let respell = match &sent {
            Err(WriteError::Api(e)) if !respelled => alternative_write(cfg.source, action, spelling, e),
            _ => None,
        };
        if let Some(other) = respell {
            spelling = other;
            respelled = true;
            continue;
        }
        match sent {
            Ok(resp) => {
                last = Some(resp);
                i += 1;
            }
            Err(failure) => {
                return match failure {
                    WriteError::Api(ApiError::SignedOut) => Outcome::Failed(ApiError::SignedOut),
                    WriteError::Refused(resp) => {
                        match classify_forbidden(cfg.source, action_call(action), session, &resp) {
                            Some(r) => {
                                let text = r.user_message();
                                ctx.acting.update(|a| a.refusal = Some(text));
                                Outcome::Refused(r)
                            }
                            None => Outcome::Failed(ApiError::Forbidden { message: String::new(), needed_scope: "" }),
                        }
                    }
                    WriteError::Api(e) => {
                        // A write that failed may or may not have been applied (a lost answer): show what
                        // the server holds now, when it answers.
                        if let Some(inc) = read_one(ctx, id).await {
                            show(ctx, inc);
                        }
                        Outcome::Failed(e)
                    }
                };
            }
        }
    }
    let old = queued(ctx, id);
    let answered = last.and_then(|r| parse_one_incident(cfg.source, &r.body).ok());
    // Graph's comment POST answers with the comments, and a PATCH answer may leave out the alerts the queue
    // asked for: then the incident is read again, so what is on screen is what the API holds.
    let fresh = match answered {
        Some(inc) if !needs_reread(&inc, old.as_ref()) => Some(inc),
        // If the read fails too, the write's own answer still holds the properties the write changed.
        Some(inc) => read_one(ctx, id).await.or_else(|| Some(with_alerts_of(inc, old.as_ref()))),
        None => read_one(ctx, id).await,
    };
    if let Some(inc) = fresh {
        show(ctx, inc);
    }
    Outcome::Done
}

/// The incident as the queue holds it.
fn queued(ctx: Ctx, id: &str) -> Option<Incident> {
    ctx.queue.with_untracked(|q| q.items.items().iter().find(|i| i.id == id).cloned())
}

/// Puts the server's version of an incident on screen, unless the analyst signed out meanwhile.
fn show(ctx: Ctx, inc: Incident) {
    if ctx.session().is_some() {
        ctx.queue.update(|q| {
            q.items.upsert(inc);
        });
    }
}

/// The write's answer, with the alerts the queue had (the answer has none).
fn with_alerts_of(mut inc: Incident, old: Option<&Incident>) -> Incident {
    if let Some(o) = old {
        inc.alerts = o.alerts.clone();
        inc.alert_count = o.alert_count;
    }
    inc
}

fn needs_reread(answer: &Incident, old: Option<&Incident>) -> bool {
    answer.alerts.is_empty() && old.is_some_and(|o| !o.alerts.is_empty())
}

/// Reads the incident again, as the incident page does for one outside the view (same budget and retries).
async fn read_one(ctx: Ctx, id: &str) -> Option<Incident> {
    super::queue::fetch_incident(ctx, id).await.ok()
}

/// Sends write `index` of `action` once with `token`; a 403 is kept whole, so the page can tell which side
/// refused it. Whether it is sent again is the driver's decision, by the write's [`crate::actions::WriteKind::policy`].
async fn send_write(
    cfg: &Config,
    id: &str,
    action: &Action,
    spelling: Spelling,
    index: usize,
    token: AccessToken,
) -> Result<HttpResponse, WriteError> {
    let writes = update_requests_spelled(cfg.source, &cfg.api_base, id, action, &token, spelling)
        .map_err(|e| WriteError::Api(ApiError::BadRequest { code: "InvalidAction".into(), message: e.to_string() }))?;
    let Some(w) = writes.get(index) else { return Err(WriteError::Api(ApiError::NotFound)) };
    let resp = fetch::send(&w.http).await.map_err(|e| WriteError::Api(ApiError::Network(e.to_string())))?;
    match map_response(&resp, required_scope(cfg.source)) {
        Ok(_) => Ok(resp),
        Err(ApiError::Forbidden { .. }) => Err(WriteError::Refused(resp)),
        Err(e) => Err(WriteError::Api(e)),
    }
}

/// Adds the activity line and the result shown next to the incident.
pub(super) fn record(ctx: Ctx, id: &str, action: &Action, me: Option<&str>, outcome: &Outcome) {
    let what = action.describe(id, me);
    let ok = *outcome == Outcome::Done;
    let line = Activity { at: clock::hh_mm(clock::now()), what: what.clone(), outcome: outcome.short(), ok };
    // A comment whose answer was lost (a 5xx, no answer) may have been added: the sentence says so, rather than
    // inviting a second copy.
    let uncertain = action.adds_comment()
        && matches!(outcome, Outcome::Failed(e) if e.fault() == crate::request::retry::Fault::Transient);
    let text = crate::problem::action_result(&what, outcome, uncertain);
    let wait = matches!(outcome, Outcome::Failed(ApiError::RateLimited { .. }));
    let role = matches!(outcome, Outcome::Refused(crate::actions::Refusal::UserRole { .. }));
    ctx.acting.update(|a| {
        a.log.push(line);
        a.result = Some(ActResult { id: id.to_string(), text, ok, wait });
        if ok {
            a.refusal = None;
            a.role_refused = false;
        }
        a.role_refused |= role;
    });
    // Kept for the tab's lifetime (a reload keeps which writes failed); sign-out removes the key with the rest.
    let stored = ctx.acting.with_untracked(|a| activity::to_json(&a.log));
    if ctx.session().is_some() {
        let _ = storage::set(ACTIVITY_KEY, &stored);
    }
}

/// This tab's activity list as stored before a reload (empty when there is none).
pub(crate) fn stored_activity() -> Vec<Activity> {
    storage::get(ACTIVITY_KEY).map(|s| activity::from_json(&s)).unwrap_or_default()
}
