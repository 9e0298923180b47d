//! Page start: load config.json, then handle a sign-in redirect, restore a session, or show sign-in.

use super::state::{ConfigState, Ctx, Problem};
use super::{callback, discover, queue, renew};
use crate::auth::callback::{parse_callback, Callback};
use crate::auth::session::{AuthState, Session, SESSION_KEY};
use crate::browser::{clock, fetch, location, storage};
use crate::config::{parse_config, Config};
use crate::http::{HttpRequest, Method};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Starts everything; called once from the root component.
pub fn start(ctx: Ctx) {
    spawn_local(async move {
        let cfg = match load_config().await {
            Ok(cfg) => cfg,
            Err(msg) => {
                ctx.config.set(ConfigState::Invalid(msg));
                return;
            }
        };
        ctx.config.set(ConfigState::Ready(cfg.clone()));
        renew::start_clock(ctx);

        let cb = parse_callback(&location::search());
        if !matches!(cb, Callback::None) {
            callback::handle(ctx, cfg, cb).await;
            return;
        }
        match restore_session() {
            Some(session) => {
                let now = clock::now();
                if session.is_expired(now) && !session.refresh_possible(now) {
                    storage::remove(SESSION_KEY);
                    ctx.auth.set(AuthState::SignedOut);
                    ctx.auth_error.set(Some(Problem::new(
                        "Your session has ended. Sign in again to see the incident queue.",
                    )));
                    discover_in_background(ctx, cfg);
                    return;
                }
                ctx.auth.set(AuthState::SignedIn(session));
                // The incidents request and discovery don't depend on each other: start both.
                discover_in_background(ctx, cfg);
                queue::load_first(ctx).await;
            }
            None => {
                ctx.auth.set(AuthState::SignedOut);
                discover_in_background(ctx, cfg);
            }
        }
    });
}

fn discover_in_background(ctx: Ctx, cfg: Config) {
    spawn_local(async move {
        match discover(&cfg).await {
            Ok(meta) => ctx.meta.set(Some(meta)),
            Err(msg) => ctx.auth_error.set(Some(Problem::new(msg))),
        }
    });
}

fn restore_session() -> Option<Session> {
    let raw = storage::get(SESSION_KEY)?;
    match serde_json::from_str::<Session>(&raw) {
        Ok(s) => Some(s),
        Err(_) => {
            // A session we can't read is worthless and possibly tampered: drop it.
            storage::remove(SESSION_KEY);
            None
        }
    }
}

async fn load_config() -> Result<Config, String> {
    let req = HttpRequest {
        method: Method::Get,
        url: "config.json".into(),
        headers: vec![("Accept".into(), "application/json".into())],
        body: None,
    };
    let resp = fetch::send(&req)
        .await
        .map_err(|e| format!("config.json could not be loaded: {e}"))?;
    match resp.status {
        200..=299 => parse_config(&resp.body).map_err(|e| format!("config.json is not valid: {e}")),
        404 => Err("config.json was not found next to index.html. Every deployment needs one.".into()),
        s => Err(format!("config.json could not be loaded (HTTP {s}).")),
    }
}
