//! Loading the incident queue: one page at a time, renewing once on 401, waiting out 429s, backing off on 5xx.

use super::renew;
use super::state::{Ctx, NextPage, Problem};
use crate::api::error::{ApiError, Backoff};
use crate::api::model::{parse_defender_page, parse_graph_page, Incident};
use crate::api::query::{api_request_for, defender_url, graph_url, next_link_for, IncidentQuery};
use crate::browser::{clock, fetch};
use crate::config::{Config, Source};
use crate::http::HttpResponse;
use leptos::prelude::*;

/// Defender's documented maximum page size.
const DEFENDER_PAGE: u32 = 100;
/// Graph's page size (it refuses larger `$top` values).
const GRAPH_PAGE: u32 = 50;
/// How many 429s in a row are waited out before asking the user.
const MAX_RATE_LIMIT_WAITS: u32 = 5;

/// Loads the first page, replacing the queue when it arrives (what was shown stays until then).
pub async fn load_first(ctx: Ctx) {
    load(ctx, None).await;
}

/// Loads the next page and appends it.
pub async fn load_more(ctx: Ctx) {
    let next = ctx.queue.get_untracked().next;
    if next.is_some() {
        load(ctx, next).await;
    }
}

async fn load(ctx: Ctx, next: Option<NextPage>) {
    let Some(cfg) = ctx.cfg() else { return };
    if ctx.queue.get_untracked().loading {
        return;
    }
    ctx.queue.update(|q| q.loading = true);
    let appending = next.is_some();
    let result = fetch_page_patiently(ctx, &cfg, next).await;
    ctx.queue.update(|q| {
        q.loading = false;
        if let Ok((items, next)) = &result {
            if appending {
                q.items.extend(items.iter().cloned());
            } else {
                q.items = items.clone();
            }
            q.next = next.clone();
            q.loaded = true;
        }
    });
    match result {
        Ok(_) => ctx.api_error.set(None),
        Err(err) => ctx.api_error.set(problem_for(ctx, &cfg, &err)),
    }
}

/// Retries what is worth retrying, within bounds, telling the user while it waits.
async fn fetch_page_patiently(
    ctx: Ctx,
    cfg: &Config,
    next: Option<NextPage>,
) -> Result<(Vec<Incident>, Option<NextPage>), ApiError> {
    let mut backoff = Backoff::default();
    let mut waits = 0;
    loop {
        match fetch_page(ctx, cfg, next.clone()).await {
            Err(ApiError::RateLimited { retry_after_secs }) if waits < MAX_RATE_LIMIT_WAITS => {
                waits += 1;
                let until = clock::now() + retry_after_secs;
                let mut p = Problem::new(format!(
                    "The incidents API's rate limit was reached ({} allows about 50 requests a minute). Retrying automatically.",
                    source_name(cfg.source)
                ));
                p.retry_at = Some(until);
                ctx.api_error.set(Some(p));
                clock::sleep_ms((retry_after_secs.saturating_mul(1000)).min(3_600_000) as u32).await;
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

async fn fetch_page(
    ctx: Ctx,
    cfg: &Config,
    next: Option<NextPage>,
) -> Result<(Vec<Incident>, Option<NextPage>), ApiError> {
    let url = match (&next, cfg.source) {
        (Some(NextPage::Link(link)), _) => link.clone(),
        (Some(NextPage::Skip(skip)), Source::Defender) => {
            defender_url(&cfg.api_base, &IncidentQuery { top: DEFENDER_PAGE, skip: *skip, filter: None })
        }
        (None, Source::Defender) => defender_url(&cfg.api_base, &IncidentQuery { top: DEFENDER_PAGE, skip: 0, filter: None }),
        (_, Source::Graph) => graph_url(&cfg.api_base, &IncidentQuery { top: GRAPH_PAGE, skip: 0, filter: None }),
    };
    let resp = send_authorized(ctx, cfg, &url).await?;
    match cfg.source {
        Source::Defender => {
            let items = parse_defender_page(&resp.body)?;
            let skip = match next {
                Some(NextPage::Skip(s)) => s,
                _ => 0,
            };
            let more = (items.len() as u32 >= DEFENDER_PAGE).then(|| NextPage::Skip(skip + items.len() as u32));
            Ok((items, more))
        }
        Source::Graph => {
            let (items, link) = parse_graph_page(&resp.body)?;
            // Only follow a next link on the API's own origin: the token must never go elsewhere.
            let more = link.and_then(|l| next_link_for(&cfg.api_base, &l)).map(NextPage::Link);
            Ok((items, more))
        }
    }
}

/// Sends with the session's token; on 401 renews once and tries again.
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
        let resp = fetch::send(&api_request_for(cfg.source, url.to_string(), &session.access_token))
            .await
            .map_err(ApiError::Network)?;
        match crate::api::error::map_response(&resp, cfg.source) {
            Ok(_) => return Ok(resp),
            Err(ApiError::Unauthorized { message }) => {
                if renewed || renew::renew(ctx).await.is_err() {
                    return Err(ApiError::Unauthorized { message });
                }
                renewed = true;
            }
            Err(e) => return Err(e),
        }
    }
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Defender => "Microsoft 365 Defender",
        Source::Graph => "Microsoft Graph",
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
        ApiError::RateLimited { .. } | ApiError::Server { .. } | ApiError::Network(_) => p.retry = true,
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
        percent_encode(&cfg.redirect_uri_for(&crate::browser::location::page_url())),
    )
}
