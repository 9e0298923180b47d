//! Silent renewal with the refresh token, driven by a one-second clock; one renewal in flight at most.

use super::provider;
use super::state::Ctx;
use crate::auth::error::AuthError;
use crate::auth::session::{apply_refresh, AuthState, SESSION_KEY};
use crate::auth::token::{parse_token_response, refresh_request};
use crate::browser::{clock, fetch, storage};
use crate::problem::renewal_problem;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Ticks `ctx.now` every second and renews the token when it is due.
pub(crate) fn start_clock(ctx: Ctx) {
    spawn_local(async move {
        loop {
            clock::sleep_ms(1000).await;
            let now = clock::now();
            ctx.now.set(now);
            let due = ctx.session().is_some_and(|s| now >= s.renew_at());
            if due && !ctx.renewing.get_untracked() && ctx.reauth.get_untracked().is_none() {
                spawn_local(async move {
                    let _ = renew(ctx).await;
                });
            }
        }
    });
}

/// Renews the access token now. A second caller waits for the renewal already in flight.
/// On failure the user is asked to sign in again; the view and the loaded queue stay.
pub(crate) async fn renew(ctx: Ctx) -> Result<(), AuthError> {
    if ctx.renewing.get_untracked() {
        for _ in 0..300 {
            clock::sleep_ms(100).await;
            if !ctx.renewing.get_untracked() {
                break;
            }
        }
        return match ctx.session() {
            Some(s) if !s.is_expired(clock::now()) => Ok(()),
            _ => Err(AuthError::RenewalFailed),
        };
    }
    ctx.renewing.set(true);
    let epoch = ctx.epoch();
    let result = renew_once(ctx).await;
    ctx.renewing.set(false);
    match &result {
        Err(err) if ctx.still(epoch) => {
            let p = renewal_problem(err);
            ctx.reauth.set(Some(p.message.clone()));
            ctx.status.renewal_failed.set(Some(p));
        }
        Err(_) => {}
        Ok(()) => ctx.status.renewal_failed.set(None),
    }
    result
}

async fn renew_once(ctx: Ctx) -> Result<(), AuthError> {
    let cfg = ctx.cfg().ok_or(AuthError::NotConfigured)?;
    let session = ctx.session().ok_or(AuthError::NotSignedIn)?;
    let epoch = ctx.epoch();
    let now = clock::now();
    let rt = match (&session.refresh_token, session.refresh_possible(now)) {
        (Some(rt), true) => rt.clone(),
        (None, _) => return Err(AuthError::NoRefreshToken),
        (Some(_), false) => return Err(AuthError::RefreshExpired),
    };
    let meta = provider(ctx, &cfg).await?;
    if !ctx.still(epoch) {
        return Err(AuthError::NotSignedIn);
    }
    let resp = fetch::send(&refresh_request(&meta, &cfg, &rt)).await.map_err(|e| AuthError::Network(e.to_string()))?;
    // Signed out while the provider answered: the fresh tokens are dropped, never stored.
    if !ctx.still(epoch) {
        return Err(AuthError::NotSignedIn);
    }
    let tokens = parse_token_response(&resp)?;
    let renewed = apply_refresh(&session, tokens, clock::now());
    let json = crate::auth::stored::session_to_json(&renewed);
    storage::set(SESSION_KEY, &json).map_err(|e| AuthError::Storage(e.to_string()))?;
    ctx.auth.set(AuthState::SignedIn(renewed));
    Ok(())
}
