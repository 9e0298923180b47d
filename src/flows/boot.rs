//! Page start: load config.json, then handle a sign-in redirect, restore a session, or show sign-in.

use super::state::{ConfigState, Ctx, Problem};
use super::{callback, discover, queue, renew};
use crate::api::budget::Budget;
use crate::api::view::View;
use crate::auth::callback::{parse_callback, Callback};
use crate::auth::session::{AuthState, Session, SESSION_KEY};
use crate::browser::{clock, fetch, location, storage};
use crate::config::{parse_config, Config};
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
        ctx.budget.set_value(Budget::new(cfg.rate_limit_per_minute, cfg.rate_limit_per_hour));
        ctx.config.set(ConfigState::Ready(cfg.clone()));
        renew::start_clock(ctx);
        follow_the_url(ctx);
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

/// The view lives in the URL fragment: read it now, and again whenever it changes. Only a change to what
/// the server is asked for reloads; sorting, paging and in-page filters just re-render.
fn follow_the_url(ctx: Ctx) {
    ctx.view.set(View::from_hash(&location::hash()));
    location::on_hash_change(move |hash| adopt_view(ctx, View::from_hash(&hash)));
}

/// Shows `new`, reloading from the server only when what the server is asked for changed.
pub fn adopt_view(ctx: Ctx, new: View) {
    let old = ctx.view.get_untracked();
    if new == old {
        return;
    }
    let reload = new.server_part() != old.server_part();
    ctx.view.set(new);
    if reload && ctx.session().is_some() {
        queue::reload(ctx);
    }
}

/// Changes the view from the page's controls. `remember` adds a history entry (back/forward return to it);
/// typing in the search box replaces the entry instead of adding one per keystroke. Either way the new
/// view shows in the same task: waiting for `hashchange` would cost a frame.
pub fn change_view(ctx: Ctx, remember: bool, f: impl FnOnce(&mut View)) {
    let mut v = ctx.view.get_untracked();
    f(&mut v);
    let hash = v.to_hash();
    if remember {
        if hash != location::hash() {
            location::push(&format!("{}{hash}", location::page_url()));
        }
        // What a reload or back/forward to this entry would show, read back from the fragment.
        adopt_view(ctx, View::from_hash(&hash));
    } else {
        location::replace(&format!("{}{hash}", location::page_url()));
        adopt_view(ctx, v);
    }
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
    let resp =
        fetch::send_own_file("config.json").await.map_err(|e| format!("config.json could not be loaded: {e}"))?;
    match resp.status {
        200..=299 => parse_config(&resp.body).map_err(|e| format!("config.json is not valid: {e}")),
        404 => Err("config.json was not found next to index.html. Every deployment needs one.".into()),
        s => Err(format!("config.json could not be loaded (HTTP {s}).")),
    }
}
