//! Loading the incident queue for the current view: every page in the background (through one rate
//! budget, cancelled when the view changes), renewing once on 401, waiting out 429s, backing off on
//! 5xx, and auto-refresh that asks only for what changed.

use super::renew;
use super::state::{Ctx, NextPage, Problem};
use crate::api::error::{ApiError, Backoff};
use crate::api::index::{Index, Upsert};
use crate::api::model::{parse_defender_page, parse_graph_page, Incident};
use crate::api::paging::{max_page, may_have_more, next_top};
use crate::api::query::{
    api_request_for, defender_url, filter_updated_since, graph_url, next_link_for, updated_field, IncidentQuery,
};
use crate::browser::{clock, fetch, location};
use crate::config::{Config, Source};
use crate::http::HttpResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How many 429s in a row are waited out before asking the user.
const MAX_RATE_LIMIT_WAITS: u32 = 5;

/// (Re)loads the current view from its first page; an earlier load still running stops at its next page.
pub async fn load_view(ctx: Ctx) {
    let Some(cfg) = ctx.cfg() else { return };
    let mut generation = 0;
    ctx.queue.update(|q| {
        q.generation += 1;
        generation = q.generation;
        q.loading = true;
        q.complete = false;
    });
    let me = ctx.session().and_then(|s| s.id_claims.preferred_username.clone());
    let filter = ctx.view.get_untracked().server_filter(cfg.source, me.as_deref(), clock::now() as i64);
    let current = move || ctx.queue.with_untracked(|q| q.generation) == generation;
    let mut next: Option<NextPage> = None;
    let (mut loaded, mut pages) = (0usize, 0usize);
    while let Some(top) = next_top(cfg.source, loaded, pages) {
        let first = pages == 0;
        pages += 1;
        let result = fetch_page_patiently(ctx, &cfg, filter.as_deref(), next.clone(), top).await;
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
                    } else {
                        q.items.extend(items);
                    }
                    q.total = total.or(q.total);
                    q.next = more.clone();
                    q.loaded = true;
                    q.refreshed_at = clock::now();
                });
                ctx.api_error.set(None);
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
                ctx.api_error.set(problem_for(ctx, &cfg, &err));
                ctx.queue.update(|q| q.loading = false);
                return;
            }
        }
    }
    ctx.queue.update(|q| {
        q.loading = false;
        q.complete = true;
    });
}

/// Starts `load_view` without waiting for it.
pub fn reload(ctx: Ctx) {
    spawn_local(load_view(ctx));
}

/// Auto-refresh: while the view asks for it, one request per period for what changed since the last
/// load, merged in place and highlighted. Runs for the life of the page.
pub fn start_auto_refresh(ctx: Ctx) {
    spawn_local(async move {
        loop {
            clock::sleep_ms(1000).await;
            let Some(period) = ctx.view.with_untracked(|v| v.refresh) else { continue };
            let (ready, last) = ctx.queue.with_untracked(|q| (q.loaded && !q.loading, q.refreshed_at));
            if ready && ctx.session().is_some() && clock::now() >= last + period as u64 {
                refresh_changes(ctx).await;
            }
        }
    });
}

/// One request: incidents updated since the newest one we have (or since the last load).
pub async fn refresh_changes(ctx: Ctx) {
    let Some(cfg) = ctx.cfg() else { return };
    let generation = ctx.queue.with_untracked(|q| q.generation);
    let since = ctx
        .queue
        .with_untracked(|q| q.items.items().iter().filter_map(|i| i.last_update_ts).max())
        .unwrap_or_else(|| clock::now() as i64 - 60);
    let filter = filter_updated_since(updated_field(cfg.source), since);
    ctx.queue.update(|q| q.refreshed_at = clock::now());
    let result = fetch_page(ctx, &cfg, Some(&filter), None, max_page(cfg.source)).await;
    if ctx.queue.with_untracked(|q| q.generation) != generation {
        return;
    }
    match result {
        Ok((items, _, _)) => {
            ctx.queue.update(|q| merge(q, items));
            ctx.api_error.set(None);
        }
        Err(err) => ctx.api_error.set(problem_for(ctx, &cfg, &err)),
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

/// Retries what is worth retrying, within bounds, telling the user while it waits.
async fn fetch_page_patiently(
    ctx: Ctx,
    cfg: &Config,
    filter: Option<&str>,
    next: Option<NextPage>,
    top: u32,
) -> Result<Page, ApiError> {
    let mut backoff = Backoff::default();
    let mut waits = 0;
    loop {
        match fetch_page(ctx, cfg, filter, next.clone(), top).await {
            Err(ApiError::RateLimited { retry_after_secs }) if waits < MAX_RATE_LIMIT_WAITS => {
                waits += 1;
                let mut p = Problem::new(format!(
                    "The incidents API's rate limit was reached ({} allows about {} requests a minute). Waiting as the server asked, then retrying automatically.",
                    cfg.source.label(),
                    cfg.rate_limit_per_minute
                ));
                p.retry_at = Some(clock::now() + retry_after_secs);
                ctx.api_error.set(Some(p));
                // The budget now holds every request until the server's wait has passed.
            }
            Err(e) if e.is_retryable() => match backoff.next_delay_secs() {
                Some(secs) => {
                    let mut p = Problem::new(format!("{} Retrying in {secs} s.", e.user_message()));
                    p.retry_at = Some(clock::now() + secs);
                    ctx.api_error.set(Some(p));
                    clock::sleep_ms((secs * 1000) as u32).await;
                }
                None => return Err(e),
            },
            other => return other,
        }
    }
}

/// One page: `top` incidents from `next` (the first page when `None`). Graph's next link carries its own size.
async fn fetch_page(
    ctx: Ctx,
    cfg: &Config,
    filter: Option<&str>,
    next: Option<NextPage>,
    top: u32,
) -> Result<Page, ApiError> {
    let filter = filter.map(str::to_string);
    let skip = match next {
        Some(NextPage::Skip(s)) => s,
        _ => 0,
    };
    let url = match (&next, cfg.source) {
        (Some(NextPage::Link(link)), _) => link.clone(),
        (_, Source::Defender) => defender_url(&cfg.api_base, &IncidentQuery { top, skip, filter }),
        (None, Source::Graph) | (Some(NextPage::Skip(_)), Source::Graph) => {
            graph_url(&cfg.api_base, &IncidentQuery { top, skip: 0, filter })
        }
    };
    let resp = send_authorized(ctx, cfg, &url).await?;
    match cfg.source {
        Source::Defender => {
            let items = parse_defender_page(&resp.body)?;
            let more = may_have_more(top, items.len()).then(|| NextPage::Skip(skip + items.len() as u32));
            Ok((items, more, None))
        }
        Source::Graph => {
            let total = serde_json::from_str::<serde_json::Value>(&resp.body)
                .ok()
                .and_then(|v| v.get("@odata.count").and_then(|c| c.as_u64()));
            let (items, link) = parse_graph_page(&resp.body)?;
            // Only follow a next link on the API's own origin: the token must never go elsewhere.
            let more = link.and_then(|l| next_link_for(&cfg.api_base, &l)).map(NextPage::Link);
            Ok((items, more, total))
        }
    }
}

/// Waits for the request budget, sends with the session's token, and on 401 renews once and tries again.
async fn send_authorized(ctx: Ctx, cfg: &Config, url: &str) -> Result<HttpResponse, ApiError> {
    let mut renewed = false;
    loop {
        let session = ctx.session().ok_or(ApiError::Unauthorized { message: "You are not signed in.".into() })?;
        if session.is_expired(clock::now()) && !renewed {
            renewed = true;
            if renew::renew(ctx).await.is_ok() {
                continue;
            }
        }
        wait_for_budget(ctx).await;
        let resp = fetch::send(&api_request_for(cfg.source, url.to_string(), &session.access_token))
            .await
            .map_err(|e| ApiError::Network(cross_origin_hint(cfg, e)))?;
        match crate::api::error::map_response(&resp, cfg.source) {
            Ok(_) => return Ok(resp),
            Err(ApiError::Unauthorized { message }) => {
                if renewed || renew::renew(ctx).await.is_err() {
                    return Err(ApiError::Unauthorized { message });
                }
                renewed = true;
            }
            Err(ApiError::RateLimited { retry_after_secs }) => {
                ctx.budget.update_value(|b| b.pause(clock::perf_now_ms(), retry_after_secs));
                return Err(ApiError::RateLimited { retry_after_secs });
            }
            Err(e) => return Err(e),
        }
    }
}

async fn wait_for_budget(ctx: Ctx) {
    loop {
        let wait = ctx.budget.with_value(|b| b.wait_ms(clock::perf_now_ms()));
        if wait <= 0.0 {
            break;
        }
        clock::sleep_ms(wait.min(60_000.0) as u32 + 1).await;
    }
    ctx.budget.update_value(|b| b.record(clock::perf_now_ms()));
}

/// A network-level failure on the Defender API from a browser is most often CORS: say what to do.
fn cross_origin_hint(cfg: &Config, e: String) -> String {
    match cfg.source {
        Source::Defender if !cfg.api_base.starts_with(&location::origin()) => format!(
            "{e} If the Defender API does not accept calls from this page's origin, use the Graph source (\"source\": \"graph\") or the same-origin /defender-api/ proxy rule (README, Deploy)."
        ),
        _ => e,
    }
}

/// What the page says about an API failure; `None` when another banner already says it.
fn problem_for(ctx: Ctx, cfg: &Config, err: &ApiError) -> Option<Problem> {
    let mut p = Problem::new(err.user_message());
    match err {
        ApiError::Unauthorized { .. } => {
            if ctx.reauth.get_untracked().is_none() {
                ctx.reauth.set(Some("The API no longer accepts your token. Sign in again to continue.".into()));
            }
            return None;
        }
        ApiError::Forbidden { .. } => {
            p.hint = Some("Consent again with Change permissions in the token panel, or ask an administrator to grant consent for the organisation:".into());
            p.link = Some((admin_consent_url(cfg), "Admin consent for this app".into()));
        }
        _ => p.retry = true,
    }
    Some(p)
}

/// Entra's admin-consent endpoint for this app and its configured permissions.
pub fn admin_consent_url(cfg: &Config) -> String {
    use crate::http::percent_encode;
    format!(
        "{}/adminconsent?client_id={}&scope={}&redirect_uri={}",
        cfg.authority,
        percent_encode(&cfg.client_id),
        percent_encode(&cfg.api_scopes().join(" ")),
        percent_encode(&cfg.redirect_uri_for(&location::page_url())),
    )
}
