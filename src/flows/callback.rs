//! The redirect back from the provider: check state (first), issuer, then redeem the code and check the ID token.

use super::state::Ctx;
use super::{act, boot, hunt, provider, queue, verify_id_token_signature};
use crate::auth::authorize::{pending_key, PendingAuth, StepUp};
use crate::auth::callback::{check_callback, Callback};
use crate::auth::error::AuthError;
use crate::auth::jwt::{validate_id_token, IdTokenError};
use crate::auth::session::{session_from_token_response, AuthState, Session, SESSION_KEY};
use crate::auth::token::{code_exchange_request, parse_token_response};
use crate::browser::{clock, fetch, location, storage};
use crate::config::Config;
use crate::hunting::HUNT_TOKEN_KEY;
use crate::intent::Intent;
use crate::problem::Problem;
use leptos::prelude::*;

/// Handles a sign-in response found in the address bar (already cleaned from it by `boot`). False when its
/// `state` matches no sign-in started in this tab: the refusal is shown, and the caller may still restore
/// a session this tab has.
pub(crate) async fn handle(ctx: Ctx, cfg: Config, cb: Callback) -> bool {
    ctx.auth.set(AuthState::ExchangingCode);
    let pending = take_pending(&cb);
    // A step-up that fails (declined consent, most often) keeps the session this tab already has.
    let back = pending.as_ref().and_then(|p| p.step_up.clone().map(|u| (p.return_to.clone(), u)));
    match redeem(ctx, &cfg, cb, pending).await {
        Ok(return_to) => {
            if let (Some((_, up)), Some(session)) = (back, ctx.session()) {
                // What A asked for is never confirmed by B: a return as another account drops it.
                if up.returned_as_another(&session.id_claims) {
                    let who = session.id_claims.preferred_username.as_deref();
                    ctx.notice.set(Some(crate::problem::step_up_other_account(who)));
                } else {
                    resume(ctx, &cfg, &up, Some(&session));
                }
            }
            return_to_view(ctx, &return_to).await;
            true
        }
        Err(err) => match (back, boot::restore_session()) {
            (Some((return_to, up)), Some(session)) => {
                ctx.auth.set(AuthState::SignedIn(session));
                if !resume(ctx, &cfg, &up, None) {
                    ctx.api_error.set(Some(Problem::sign_in(&err)));
                }
                return_to_view(ctx, &return_to).await;
                true
            }
            _ => {
                ctx.auth.set(AuthState::SignedOut);
                let unknown = matches!(err, AuthError::UnknownState | AuthError::MissingState);
                ctx.auth_error.set(Some(Problem::sign_in(&err)));
                !unknown
            }
        },
    }
}

/// Hands a step-up's intent to the feature it belongs to: `session` is the new one, or `None` when the
/// provider refused (declined consent, most often). False when no feature claims it (the caller says why the
/// sign-in failed instead).
fn resume(ctx: Ctx, cfg: &Config, up: &StepUp, session: Option<&Session>) -> bool {
    match Intent::from_json(&up.intent) {
        Some(Intent::Action(intent)) => act::came_back(ctx, cfg, up, intent, session),
        Some(Intent::Hunt(view)) => hunt::came_back(ctx, up, view, session),
        None => return false,
    }
    true
}

/// Shows the view the sign-in started from and loads it.
async fn return_to_view(ctx: Ctx, return_to: &str) {
    let return_to = crate::route::return_to(return_to);
    location::replace(&format!("{}{}", location::page_url(), return_to));
    // replaceState fires no hashchange: adopt the returned-to view here.
    super::navigate::show(ctx, &return_to, |view| ctx.view.set(view));
    queue::load_view(ctx).await;
}

/// Takes the pending request for the callback's state out of storage: a state value works once.
fn take_pending(cb: &Callback) -> Option<PendingAuth> {
    let key = pending_key(cb.state()?);
    let raw = storage::get(&key)?;
    storage::remove(&key);
    crate::auth::stored::pending_from_json(&raw)
}

async fn redeem(ctx: Ctx, cfg: &Config, cb: Callback, pending: Option<PendingAuth>) -> Result<String, AuthError> {
    let now = clock::now();
    let Some(pending) = pending else {
        // Reject before any network call: an unknown state must never reach the token endpoint.
        check_callback(cb, None, false, now)?;
        return Err(AuthError::UnknownState);
    };
    // The metadata checked when this sign-in started saves a discovery round trip; without it, discover.
    let meta = match pending.provider_for(&cfg.authority) {
        Some(m) => {
            ctx.meta.set(Some(m.clone()));
            m.clone()
        }
        None => provider(ctx, cfg).await?,
    };
    let (code, pending) = check_callback(cb, Some(pending), meta.iss_parameter_supported, now)?;
    if pending.issuer != meta.issuer {
        return Err(AuthError::IssuerMismatch { expected: pending.issuer.clone(), got: meta.issuer.clone() });
    }
    let req = code_exchange_request(&meta, cfg, &code, &pending);
    let epoch = ctx.epoch();
    let resp = fetch::send(&req).await.map_err(|e| AuthError::Network(e.to_string()))?;
    if !ctx.still(epoch) {
        return Err(AuthError::NotSignedIn);
    }
    let tokens = parse_token_response(&resp)?;
    let id_token =
        tokens.id_token.as_ref().ok_or_else(|| AuthError::TokenEndpoint(crate::problem::NO_ID_TOKEN.into()))?;
    let claims =
        validate_id_token(id_token, &meta, &cfg.client_id, &pending.nonce, clock::now()).map_err(AuthError::IdToken)?;
    verify_id_token_signature(&meta, id_token, pending.jwks.clone())
        .await
        .map_err(|e| AuthError::IdToken(IdTokenError::Signature(e)))?;
    if !ctx.still(epoch) {
        return Err(AuthError::NotSignedIn);
    }
    let issuer = meta.expected_issuer(claims.tid.as_deref()).unwrap_or_else(|| meta.issuer.clone());
    let mut session = session_from_token_response(tokens, claims, issuer, clock::now());
    session.end_session_endpoint = meta.end_session_endpoint.clone();
    let json = crate::auth::stored::session_to_json(&session);
    // A new sign-in (perhaps as someone else, or in another tenant) starts without the previous one's Graph
    // token for hunting: it is obtained again for this session's account.
    storage::remove(HUNT_TOKEN_KEY);
    storage::set(SESSION_KEY, &json).map_err(|e| AuthError::Storage(e.to_string()))?;
    ctx.auth_error.set(None);
    ctx.auth.set(AuthState::SignedIn(session));
    Ok(pending.return_to.clone())
}
