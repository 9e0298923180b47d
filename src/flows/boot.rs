//! Page start: load config.json, then handle a sign-in redirect, restore a session, or show sign-in.

use super::state::{ConfigState, Ctx};
use super::{callback, navigate, provider, queue, renew, signing_keys};
use crate::auth::authorize::{pending_key, stale_pending_keys, PENDING_PREFIX};
use crate::auth::callback::{parse_callback, Callback};
use crate::auth::session::{AuthState, Session, SESSION_KEY};
use crate::browser::{clock, fetch, location, storage};
use crate::config::{read_config, Config};
use crate::problem::Problem;
use crate::request::budget::{Budget, BUDGET_KEY};
use leptos::prelude::*;
use leptos::task::spawn_local;

thread_local! {
    /// Mounts the page; taken by the first [`mount_soon`] that runs.
    static MOUNT: std::cell::RefCell<Option<Box<dyn FnOnce()>>> = std::cell::RefCell::new(None);
}

/// Mounts the page right after the current task yields: a flow that calls this just before its first request
/// has that request on its way before the mount's work, and a flow with nothing to send mounts at once.
pub(crate) fn mount_soon() {
    spawn_local(async {
        if let Some(mount) = MOUNT.with(|m| m.borrow_mut().take()) {
            mount();
        }
    });
}

/// Builds the one shared date formatter (the first costs tens of milliseconds: the browser loads its locale
/// data) while a request is in flight, instead of while the first rows are waiting to be drawn.
fn warm_up_formatter() {
    spawn_local(async {
        let _ = clock::local_time(0);
    });
}

/// Starts everything, before the page is mounted; `mount` mounts it (see [`mount_soon`]).
pub(crate) fn start(ctx: Ctx, mount: impl FnOnce() + 'static) {
    MOUNT.with(|m| *m.borrow_mut() = Some(Box::new(mount)));
    // Code and state leave the address bar, history and any bookmark before anything else can fail
    // (config.json included); the response is handled from memory.
    let cb = parse_callback(&location::search());
    if !matches!(cb, Callback::None) {
        location::replace(&format!("{}{}", location::page_url(), location::hash()));
    }
    // The response's own request stays, so a slow sign-in is refused as too old rather than as unknown.
    let keep = cb.state().map(pending_key);
    spawn_local(async move {
        let cfg = load_config().await;
        // Everything below up to the first request runs in this task, so the request starts before the mount
        // and before the housekeeping.
        mount_soon();
        spawn_local(async move { purge_stale_pending(keep) });
        let cfg = match cfg {
            Ok(cfg) => cfg,
            Err(msg) => {
                ctx.config.set(ConfigState::Invalid(msg));
                return;
            }
        };
        let mut budget = Budget::new(cfg.rate_limit_per_minute, cfg.rate_limit_per_hour);
        if let Some(saved) = storage::get(BUDGET_KEY) {
            budget.restore(&saved, clock::wall_ms());
        }
        ctx.budget.set_value(budget);
        ctx.config.set(ConfigState::Ready(cfg.clone()));
        renew::start_clock(ctx);
        navigate::follow_the_url(ctx);
        queue::start_auto_refresh(ctx);

        if !matches!(cb, Callback::None) {
            warm_up_formatter();
            if callback::handle(ctx, cfg.clone(), cb).await {
                return;
            }
            // A sign-in response this tab did not start (an old link, or Back into the provider, which answers
            // again with a used state) must not hide the session this tab already has.
            if restore_session().is_none() {
                return;
            }
            ctx.auth_error.set(None);
            ctx.notice.set(Some(crate::problem::STRAY_SIGN_IN_IGNORED.into()));
        }
        match restore_session() {
            Some(session) => {
                let now = clock::now();
                if session.is_expired(now) && !session.refresh_possible(now) {
                    storage::remove(SESSION_KEY);
                    ctx.auth.set(AuthState::SignedOut);
                    ctx.auth_error.set(Some(Problem::new(crate::problem::SESSION_ENDED)));
                    discover_in_background(ctx, cfg);
                    return;
                }
                ctx.auth.set(AuthState::SignedIn(session));
                warm_up_formatter();
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
        match provider(ctx, &cfg).await {
            // The keys a sign-in started from this page carries: fetched now, off the sign-in's path.
            Ok(meta) if ctx.session().is_none() => {
                let _ = signing_keys(ctx, &meta).await;
            }
            Ok(_) => {}
            Err(err) => ctx.auth_error.set(Some(Problem::sign_in(&err))),
        }
    });
}

/// Pending sign-ins older than 15 minutes (abandoned at the provider) or unreadable leave sessionStorage.
fn purge_stale_pending(keep: Option<String>) {
    for key in stale_pending_keys(&storage::prefixed(PENDING_PREFIX), clock::now()) {
        if Some(&key) != keep.as_ref() {
            storage::remove(&key);
        }
    }
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
