//! Silent renewal with the refresh token, driven by a one-second clock; one renewal in flight at most.

use super::discover;
use super::state::Ctx;
use crate::auth::session::{apply_refresh, AuthState, SESSION_KEY};
use crate::auth::token::{parse_token_response, refresh_request};
use crate::browser::{clock, fetch, storage};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Ticks `ctx.now` every second and renews the token when it is due.
pub fn start_clock(ctx: Ctx) {
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
pub async fn renew(ctx: Ctx) -> Result<(), String> {
    if ctx.renewing.get_untracked() {
        for _ in 0..300 {
            clock::sleep_ms(100).await;
            if !ctx.renewing.get_untracked() {
                break;
            }
        }
        return match ctx.session() {
            Some(s) if !s.is_expired(clock::now()) => Ok(()),
            _ => Err("The session could not be renewed.".into()),
        };
    }
    ctx.renewing.set(true);
    let result = renew_once(ctx).await;
    ctx.renewing.set(false);
    if let Err(msg) = &result {
        ctx.reauth.set(Some(msg.clone()));
    }
    result
}

async fn renew_once(ctx: Ctx) -> Result<(), String> {
    let cfg = ctx.cfg().ok_or("The configuration is not loaded.")?;
    let session = ctx.session().ok_or("You are not signed in.")?;
    let now = clock::now();
    let rt = match (&session.refresh_token, session.refresh_possible(now)) {
        (Some(rt), true) => rt.clone(),
        (None, _) => return Err("Your access token has expired and the sign-in service gave no refresh token. Sign in again to continue.".into()),
        (Some(_), false) => return Err("Your sign-in is more than 24 hours old, the longest a browser sign-in can be renewed. Sign in again to continue.".into()),
    };
    let meta = match ctx.meta.get_untracked() {
        Some(m) => m,
        None => {
            let m = discover(&cfg).await?;
            ctx.meta.set(Some(m.clone()));
            m
        }
    };
    let resp = fetch::send(&refresh_request(&meta, &cfg, &rt)).await?;
    let tokens = parse_token_response(&resp).map_err(|e| format!("Your session could not be renewed: {e}"))?;
    let renewed = apply_refresh(&session, tokens, clock::now());
    let json = crate::auth::stored::session_to_json(&renewed);
    storage::set(SESSION_KEY, &json)?;
    ctx.auth.set(AuthState::SignedIn(renewed));
    Ok(())
}
