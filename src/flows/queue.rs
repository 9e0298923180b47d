//! Loading the incident queue for the current view: every page in the background (through one rate
//! budget, cancelled when the view changes), carrying out `api::retry`'s decisions (renew once on 401,
//! wait out 429s, back off on 5xx), and auto-refresh that asks only for what changed.

use super::drive::{Call, Shown};
use super::state::Ctx;
use crate::auth::secret::AccessToken;
use crate::browser::{clock, fetch, location, storage};
use crate::config::Config;
use crate::http::HttpResponse;
use crate::incidents::model::{parse_one_incident, Incident};
use crate::incidents::paging::{max_page, next_top, page_url, read_page, NextPage};
use crate::incidents::query::required_scope;
use crate::incidents::query::{api_request_for, filter_updated_since, incident_url, updated_field};
use crate::problem::{api_failure, claims_challenge_notice, ApiNotice, CLAIMS_SIGN_IN_KEY};
use crate::queue::index::{Index, Upsert};
use crate::request::error::{map_response, ApiError};
use crate::request::retry::Policy;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// (Re)loads the current view from its first page; an earlier load still running stops at its next page.
pub(crate) async fn load_view(ctx: Ctx) {
    let Some(cfg) = ctx.cfg() else { return };
    // A reload of the view already loaded is a refresh: what changed is told when it ends.
    let (before, since) = (super::status::before_load(ctx), ctx.status.data_at.get_untracked());
    let mut generation = 0;
    ctx.queue.update(|q| {
        q.generation += 1;
        generation = q.generation;
        q.loading = true;
        q.complete = false;
        q.moved = false;
        q.paused_until = None;
    });
    let filter = ctx.view.get_untracked().server_filter(cfg.source, &ctx.me(), clock::now() as i64);
    let current = move || ctx.queue.with_untracked(|q| q.generation) == generation;
    let mut next: Option<NextPage> = None;
    let (mut loaded, mut pages) = (0usize, 0usize);
    while let Some(top) = next_top(cfg.source, loaded, pages) {
        let first = pages == 0;
        pages += 1;
        let result = fetch_page_with(ctx, &cfg, filter.as_deref(), next.clone(), top, Policy::PATIENT).await;
        if !current() {
            return;
        }
        match result {
            Ok((items, more, total)) => {
                loaded += items.len();
                ctx.queue.update(|q| {
                    if first {
                        q.items = Index::new(items);
                        q.changed.clear();
                    } else if q.items.extend_new(items) > 0 {
                        // Incidents pushed down by new ones arrived again: the order moved under the load.
                        q.moved = true;
                    }
                    q.total = total.or(q.total);
                    q.next = more.clone();
                    q.loaded = true;
                    q.refreshed_at = clock::now();
                });
                ctx.api_error.set(None);
                super::status::read_ok(ctx);
                match more {
                    Some(m) => next = Some(m),
                    None => break,
                }
                if first {
                    // The first screen costs one request: the rest of the view loads after it is painted.
                    clock::after_paint().await;
                    if !current() {
                        return;
                    }
                }
            }
            Err(err) => {
                show_failure(ctx, &cfg, &err);
                ctx.queue.update(|q| q.loading = false);
                return;
            }
        }
    }
    ctx.queue.update(|q| {
        q.loading = false;
        q.complete = true;
    });
    let complete = ctx.queue.with_untracked(|q| q.next.is_none());
    super::status::after_load(ctx, before, complete, since);
}

/// Starts `load_view` without waiting for it.
pub(crate) fn reload(ctx: Ctx) {
    spawn_local(load_view(ctx));
}

/// Auto-refresh: while the view asks for it, one request per period for what changed since the last
/// load, merged in place and highlighted. Runs for the life of the page.
pub(crate) fn start_auto_refresh(ctx: Ctx) {
    spawn_local(async move {
        loop {
            clock::sleep_ms(1000).await;
            let Some(period) = ctx.view.with_untracked(|v| v.refresh) else { continue };
            let (ready, last) = ctx.queue.with_untracked(|q| (q.loaded && !q.loading, q.refreshed_at));
            // Not while the page waits for the analyst to sign in again: the API would refuse the call.
            let stopped = ctx.reauth.with_untracked(Option::is_some);
            if ready && !stopped && ctx.session().is_some() && clock::now() >= last + period as u64 {
                refresh_changes(ctx).await;
            }
        }
    });
}

/// One request: incidents updated since the newest one we have (or since the last load).
async fn refresh_changes(ctx: Ctx) {
    let Some(cfg) = ctx.cfg() else { return };
    let generation = ctx.queue.with_untracked(|q| q.generation);
    let since = ctx
        .queue
        .with_untracked(|q| q.items.items().iter().filter_map(|i| i.last_update_ts).max())
        .unwrap_or_else(|| clock::now() as i64 - 60);
    let filter = filter_updated_since(updated_field(cfg.source), since);
    ctx.queue.update(|q| q.refreshed_at = clock::now());
    let result = fetch_page_with(ctx, &cfg, Some(&filter), None, max_page(cfg.source), Policy::ONCE).await;
    if ctx.queue.with_untracked(|q| q.generation) != generation {
        return;
    }
    match result {
        Ok((items, _, _)) => {
            let (before, since) = (super::status::snapshot(ctx), ctx.status.data_at.get_untracked());
            ctx.queue.update(|q| merge(q, items));
            ctx.api_error.set(None);
            super::status::tell(ctx, &before, true, since);
            super::status::read_ok(ctx);
        }
        Err(err) => show_failure(ctx, &cfg, &err),
    }
}

/// Replaces known incidents whose update time moved, adds new ones, and remembers both for highlighting.
fn merge(q: &mut super::state::Queue, fresh: Vec<Incident>) {
    for inc in fresh {
        let id = inc.id.clone();
        if q.items.upsert(inc) != Upsert::Same {
            q.changed.push(id);
        }
    }
}

type Page = (Vec<Incident>, Option<NextPage>, Option<u64>);

/// One page, through the driver: its waits are shown in the queue's banner.
async fn fetch_page_with(
    ctx: Ctx,
    cfg: &Config,
    filter: Option<&str>,
    next: Option<NextPage>,
    top: u32,
    policy: Policy,
) -> Result<Page, ApiError> {
    let url = page_url(cfg.source, &cfg.api_base, filter, next.as_ref(), top);
    let page = Call::new(ctx, |token| get(cfg, url.clone(), token)).shown(Shown::Banner).run(policy).await?;
    let page = read_page(cfg.source, &cfg.api_base, &page.body, next.as_ref(), top)?;
    Ok((page.items, page.next, page.total))
}

/// One incident by id through the source's documented get-by-id (Defender "Get incident API", Graph
/// `GET /security/incidents/{id}?$expand=alerts`), through the driver like every call.
pub(crate) async fn fetch_incident(ctx: Ctx, id: &str) -> Result<Incident, ApiError> {
    let cfg = ctx.cfg().ok_or(ApiError::SignedOut)?;
    let url = incident_url(cfg.source, &cfg.api_base, id).ok_or(ApiError::NotFound)?;
    let cfg = &cfg;
    let resp = Call::new(ctx, |token| get(cfg, url.clone(), token)).shown(Shown::Banner).run(Policy::PATIENT).await?;
    parse_one_incident(cfg.source, &resp.body)
}

/// Sends one GET with `token` and reads the answer's status.
async fn get(cfg: &Config, url: String, token: AccessToken) -> Result<HttpResponse, ApiError> {
    let resp =
        fetch::send(&api_request_for(cfg.source, url, &token)).await.map_err(|e| ApiError::Network(e.to_string()))?;
    map_response(&resp, required_scope(cfg.source))?;
    Ok(resp)
}

/// Shows an API failure that ended a load: the sign-in-again prompt (unless it is already up) or a banner.
fn show_failure(ctx: Ctx, cfg: &Config, err: &ApiError) {
    let notice = match err {
        ApiError::ClaimsChallenge { claims } => {
            let answered_at = storage::get(CLAIMS_SIGN_IN_KEY).and_then(|t| t.parse().ok());
            claims_challenge_notice(claims, answered_at, clock::now())
        }
        e => api_failure(e, cfg, &location::page_url()),
    };
    match notice {
        ApiNotice::SignInWithClaims { message, claims } => {
            ctx.claims.set_value(Some(claims));
            ctx.reauth.set(Some(message));
            ctx.api_error.set(None);
        }
        ApiNotice::SignInAgain(msg) => {
            if ctx.reauth.get_untracked().is_none() {
                ctx.reauth.set(Some(msg));
            }
            ctx.api_error.set(None);
        }
        ApiNotice::Banner(p) => ctx.api_error.set(Some(p)),
    }
}
