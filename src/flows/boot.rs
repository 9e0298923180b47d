//! Page start: load config.json, then handle a sign-in redirect, restore a session, or show sign-in.

use super::state::{ConfigState, Ctx};
use super::{callback, navigate, provider, queue, renew};
use crate::api::budget::Budget;
use crate::auth::callback::{parse_callback, Callback};
use crate::auth::session::{AuthState, Session, SESSION_KEY};
use crate::browser::{clock, fetch, location, storage};
use crate::config::{read_config, Config};
use crate::problem::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Starts everything; called once from the root component.
pub(crate) fn start(ctx: Ctx) {
    spawn_local(async move {
        let cfg = match load_config().await {
            Ok(cfg) => cfg,
            Err(msg) => {
                ctx.config.set(ConfigState::Invalid(msg));
                return;
            }
        };
        ctx.budget.set_value(Budget::new(cfg.rate_limit_per_minute, cfg.rate_limit_per_hour));
        ctx.config.set(ConfigState::Ready(cfg.clone()));
        renew::start_clock(ctx);
        navigate::follow_the_url(ctx);
        queue::start_auto_refresh(ctx);

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
                    ctx.auth_error
                        .set(Some(Problem::new("Your session has ended. Sign in again to see the incident queue.")));
                    discover_in_background(ctx, cfg);
                    return;
                }
                ctx.auth.set(AuthState::SignedIn(session));
                // The incidents request and discovery don't depend on each other: start both.
                discover_in_background(ctx, cfg);
                queue::load_view(ctx).await;
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
        if let Err(err) = provider(ctx, &cfg).await {
            ctx.auth_error.set(Some(Problem::sign_in(&err)));
        }
    });
}

/// The session this tab stored, if it is readable (an unreadable one is removed).
pub(crate) fn restore_session() -> Option<Session> {
    let raw = storage::get(SESSION_KEY)?;
    match crate::auth::stored::session_from_json(&raw) {
        Some(s) => Some(s),
        None => {
            // A session we can't read is worthless and possibly tampered: drop it.
            storage::remove(SESSION_KEY);
            None
        }
    }
}

async fn load_config() -> Result<Config, String> {
    read_config(fetch::send_own_file("config.json").await)
}
