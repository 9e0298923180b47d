//! Hunting on the analyst's behalf (issue 16): the hunt page follows `#/hunt?q=…`, Run sends the query to
//! Graph `runHuntingQuery` with the analyst's token (asking for `ThreatHunting.Read.All` first when the token
//! lacks it), and the answer, or what went wrong and where, is published for `ui/hunt.rs`. A failed hunt is
//! shown and waits for the analyst: nothing here sends a query by itself, except the one run the analyst asked
//! for before a consent redirect, which resumes once back.

use super::drive::{Bearer, Call};
use super::sign_in::step_up;
use super::state::Ctx;
use crate::auth::account::Account;
use crate::auth::authorize::StepUp;
use crate::auth::error::AuthError;
use crate::auth::secret::AccessToken;
use crate::auth::session::{AuthState, Session, SESSION_KEY};
use crate::auth::stored::session_to_json;
use crate::auth::token::{parse_token_response, refresh_request_for};
use crate::browser::{clock, fetch, location, storage};
use crate::config::Config;
use crate::http::HttpResponse;
use crate::hunting::{
    hunt_base, hunt_request, hunt_token_scopes, map_hunt_response, parse_hunt_result, HuntError, HuntResult, HuntToken,
    HuntView, Position, HUNT_ACCEPTED, HUNT_SCOPE, HUNT_TOKEN_KEY,
};
use crate::incidents::source::Source;
use crate::request::error::ApiError;
use crate::request::retry::Policy;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the last Run stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum RunState {
    /// Nothing run yet on this page.
    #[default]
    Idle,
    /// The query is at the API.
    Running,
    /// The answer arrived (the result is in [`Hunt::result`]).
    Done {
        /// Milliseconds from sending to the parsed answer.
        ms: u64,
    },
    /// It failed: the sentence, the place in the query (when the API named one), and when Run may help again.
    Failed {
        /// A plain sentence.
        message: String,
        /// Where in the query.
        at: Option<Position>,
        /// The text the API quoted there.
        near: Option<String>,
        /// Unix second a quota resets (Run waits for it).
        retry_at: Option<u64>,
    },
    /// The token lacks the permission: the page asks before going to the provider.
    NeedsConsent {
        /// The full scope to ask for.
        scope: String,
    },
    /// Hunting cannot run now (beside a Defender session, without the Graph token it needs): what is needed,
    /// and the permission to ask for when consent is what is missing.
    Unavailable(crate::problem::HuntBlocked),
}

/// A table's columns as (name, type as `getschema` spells it), or why they could not be read.
pub(crate) type TableColumns = (String, Result<Vec<(String, String)>, String>);

/// The hunting page's state, for context.
#[derive(Clone, Copy)]
pub(crate) struct Hunt {
    /// The hunt in the URL; `Some` while the hunting page is open.
    pub view: RwSignal<Option<HuntView>>,
    /// The last run.
    pub run: RwSignal<RunState>,
    /// The last result (kept when a later run fails, so what was on screen stays, labelled as the previous
    /// query's and not exportable: see `ui/hunt.rs`).
    pub result: RwSignal<Option<HuntResult>>,
    /// Columns of each table, once asked for (`getschema`).
    pub schema: RwSignal<Vec<TableColumns>>,
}

impl Hunt {
    /// Nothing open, nothing run.
    pub(crate) fn new() -> Hunt {
        Hunt {
            view: RwSignal::new(None),
            run: RwSignal::new(RunState::Idle),
            result: RwSignal::new(None),
            schema: RwSignal::new(vec![]),
        }
    }
}

/// Opens the hunting page on `view`, or closes it (`None`).
pub(crate) fn open(ctx: Ctx, view: Option<HuntView>) {
    if ctx.hunt.view.get_untracked() != view {
        ctx.hunt.view.set(view);
    }
}

/// The analyst pressed Run (or Ctrl+Enter) on `view`: the URL takes the query (a history entry, so Back returns
/// to the previous hunt), then the query goes, or the permission is asked for first.
pub(crate) fn run(ctx: Ctx, view: HuntView) {
    if ctx.hunt.run.get_untracked() == RunState::Running || view.query.trim().is_empty() {
        return;
    }
    let hash = view.to_hash();
    if hash != location::hash() {
        location::push(&format!("{}{hash}", location::page_url()));
    }
    ctx.hunt.view.set(Some(view.clone()));
    let (Some(cfg), Some(session)) = (ctx.cfg(), ctx.session()) else { return };
    if needs_consent(&cfg, &session) {
        ctx.hunt.run.set(RunState::NeedsConsent { scope: cfg.scope_on_resource(HUNT_SCOPE) });
        return;
    }
    ctx.hunt.run.set(RunState::Running);
    let epoch = ctx.epoch();
    spawn_local(async move {
        let started = clock::wall_ms();
        let outcome = send(ctx, &cfg, &view).await;
        if !ctx.still(epoch) {
            return;
        }
        match outcome {
            Ok(result) => {
                ctx.hunt.result.set(Some(result));
                ctx.hunt.run.set(RunState::Done { ms: (clock::wall_ms() - started).max(0.0) as u64 });
            }
            Err(state) => ctx.hunt.run.set(state),
        }
    });
}

/// With the Graph source the session's own token carries the hunting permission, asked for by incremental
/// consent. With the Defender source the hunt gets a second, Graph token instead ([`graph_token`]), so no
/// consent redirect is offered there: the session's sign-in names Defender's resource.
fn needs_consent(cfg: &Config, session: &Session) -> bool {
    cfg.source == Source::Graph && !session.has_any_scope(HUNT_ACCEPTED)
}

/// The analyst agreed to go to the provider for the hunting permission; the hunt comes back with them. Beside
/// a Defender session the permission is Graph's, asked on the same sign-in page (Entra lets one consent cover
/// two resources; the session's token stays Defender's, and the Graph token follows from the refresh token).
pub(crate) fn ask_consent(ctx: Ctx) {
    let scope = match ctx.hunt.run.get_untracked() {
        RunState::NeedsConsent { scope } => scope,
        RunState::Unavailable(crate::problem::HuntBlocked { consent: Some(scope), .. }) => scope,
        _ => return,
    };
    let Some(view) = ctx.hunt.view.get_untracked() else { return };
    step_up(ctx, StepUp::new(vec![scope], crate::intent::Intent::Hunt(view).to_json()));
}

/// Back from the provider with a hunt held (`session`: the new one, or `None` when the provider refused): the
/// page shows it, and runs it if the permission is now there (the analyst's gesture was Run); otherwise it says
/// the permission was not granted.
pub(crate) fn came_back(ctx: Ctx, up: &StepUp, view: HuntView, session: Option<&Session>) {
    // Beside Defender the session's token names Defender's API, never Graph's permission: a sign-in that came
    // back means consent was given, and the Graph token's grant says the rest.
    let defender = ctx.cfg().is_some_and(|c| c.source != Source::Graph);
    let granted = session.is_some_and(|s| defender || s.has_any_scope(HUNT_ACCEPTED));
    let scope = up.scopes.join(" ");
    // A task of its own runs after the callback has put the returned-to view in place (before its first
    // await), so a query too long for the return address still comes back to the hunting page.
    spawn_local(async move {
        location::replace(&format!("{}{}", location::page_url(), view.to_hash()));
        ctx.hunt.view.set(Some(view.clone()));
        if granted {
            run(ctx, view);
        } else {
            declined(ctx, view, &scope);
        }
    });
}

/// Consent was not given: the hunt stays on the page, with a sentence.
fn declined(ctx: Ctx, view: HuntView, scope: &str) {
    ctx.hunt.view.set(Some(view));
    let message = crate::problem::hunt_consent_declined(scope);
    ctx.hunt.run.set(RunState::Failed { message, at: None, near: None, retry_at: None });
}

/// The columns of `table` (`<table> | getschema`), asked once per table and kept; a failure is kept as its
/// sentence and asked again on the next click.
pub(crate) fn load_columns(ctx: Ctx, table: &'static str) {
    let known = ctx.hunt.schema.with_untracked(|s| s.iter().any(|(t, r)| t == table && r.is_ok()));
    let (Some(cfg), Some(session)) = (ctx.cfg(), ctx.session()) else { return };
    if known {
        return;
    }
    if needs_consent(&cfg, &session) {
        keep_columns(ctx, table, Err(crate::problem::columns_need_consent()));
        return;
    }
    let epoch = ctx.epoch();
    spawn_local(async move {
        let view = HuntView::new(&format!("{table} | getschema"), None);
        let outcome = send(ctx, &cfg, &view).await;
        // Signed out (or in as someone else) meanwhile: the answer belongs to the old session.
        if !ctx.still(epoch) {
            return;
        }
        let columns = match outcome {
            Ok(r) => Ok(schema_columns(&r)),
            Err(RunState::Failed { message, .. }) => Err(message),
            Err(_) => Err(crate::problem::columns_unread()),
        };
        keep_columns(ctx, table, columns);
    });
}

/// Keeps `table`'s columns (or why they could not be read) in place of what was kept for it before.
fn keep_columns(ctx: Ctx, table: &str, columns: Result<Vec<(String, String)>, String>) {
    ctx.hunt.schema.update(|s| {
        s.retain(|(t, _)| t != table);
        s.push((table.to_string(), columns));
    });
}

/// `getschema`'s rows (ColumnName, ColumnType, …) as (name, type) pairs, the type as the API spells it.
fn schema_columns(r: &HuntResult) -> Vec<(String, String)> {
    let at = |name: &str| r.columns.iter().position(|c| c.name == name);
    let (Some(n), Some(t)) = (at("ColumnName"), at("ColumnType")) else { return vec![] };
    r.rows.iter().filter_map(|row| Some((row.get(n)?.display(), row.get(t)?.display()))).collect()
}

/// Sends `view` through the driver with the hunt's token: once, with the one renewal every call gets, nothing
/// else by itself (a failure waits for the analyst).
async fn send(ctx: Ctx, cfg: &Config, view: &HuntView) -> Result<HuntResult, RunState> {
    let bearer = match cfg.source {
        Source::Graph => Bearer::Session,
        _ => Bearer::HuntGraph { cfg: cfg.clone(), fresh: false },
    };
    let call = Call::new(ctx, |token| hunt_once(ctx, cfg, view, token)).hunting(bearer, HuntError::NoGraphToken);
    let resp = call.run(Policy::ONCE).await.map_err(|e| failed(e, clock::now()))?;
    parse_hunt_result(&resp.body).map_err(|e| failed(HuntError::Api(ApiError::BadBody(e)), clock::now()))
}

/// One hunt with `token`. Whether a 403 is the app's permission or the analyst's role depends on what the token
/// holds: the session's scopes with the Graph source, the kept Graph token's beside a Defender session.
async fn hunt_once(ctx: Ctx, cfg: &Config, view: &HuntView, token: AccessToken) -> Result<HttpResponse, HuntError> {
    let holds_scope = match cfg.source {
        Source::Graph => ctx.session().is_some_and(|s| s.has_any_scope(HUNT_ACCEPTED)),
        _ => kept_hunt_token().is_some_and(|t| t.holds_hunting_scope()),
    };
    let req = hunt_request(hunt_base(cfg), &view.query, view.timespan.as_deref(), &token);
    let resp = fetch::send(&req).await.map_err(|e| HuntError::Api(ApiError::Network(e.to_string())))?;
    map_hunt_response(&resp, holds_scope)?;
    Ok(resp)
}

fn kept_hunt_token() -> Option<HuntToken> {
    storage::get(HUNT_TOKEN_KEY).and_then(|s| HuntToken::from_json(&s))
}

/// Beside a Defender session: does the kept Graph token (the session account's own) let a hunt through now?
/// (The token panel's row.)
pub(crate) fn second_token_grants_hunting(session: &Session) -> bool {
    kept_hunt_token().is_some_and(|t| t.belongs_to(&session.id_claims) && t.grants_hunting(clock::now()))
}

/// The Graph token for hunting beside a Defender session: the one kept in sessionStorage while it lasts,
/// else a new one from the refresh-token grant for Graph's hunting scope. The grant rotates the refresh
/// token, so the session keeps the new one (its Defender token stays); it runs under the session's renewal
/// lock, so the two never spend the same refresh token: a renewal still holding the lock after 30 s makes the
/// hunt give up (the analyst presses Run again) rather than take the lock from it.
pub(crate) async fn graph_token(ctx: Ctx, cfg: &Config, fresh: bool) -> Result<AccessToken, Option<AuthError>> {
    let kept = kept_hunt_token();
    let claims = ctx.session().map(|s| s.id_claims);
    // Only the session's own account reuses the kept token (it is bound to the account it was issued for).
    if let Some(t) = kept.filter(|t| !fresh && claims.as_ref().is_some_and(|c| t.reusable_for(c, clock::now()))) {
        return Ok(t.access_token);
    }
    for _ in 0..300 {
        if !ctx.renewing.get_untracked() {
            break;
        }
        clock::sleep_ms(100).await;
    }
    // No await between this check and taking the lock: nothing else runs in between.
    if ctx.renewing.get_untracked() {
        return Err(None);
    }
    ctx.renewing.set(true);
    let result = exchange(ctx, cfg).await;
    ctx.renewing.set(false);
    result.map_err(Some)
}

async fn exchange(ctx: Ctx, cfg: &Config) -> Result<AccessToken, AuthError> {
    let session = ctx.session().ok_or(AuthError::NotSignedIn)?;
    let now = clock::now();
    let rt = match (&session.refresh_token, session.refresh_possible(now)) {
        (Some(rt), true) => rt.clone(),
        (None, _) => return Err(AuthError::NoRefreshToken),
        (Some(_), false) => return Err(AuthError::RefreshExpired),
    };
    let account = Account::of(&session.id_claims);
    let epoch = ctx.epoch();
    let meta = super::provider(ctx, cfg).await?;
    let req = refresh_request_for(&meta, cfg, &rt, &hunt_token_scopes());
    let resp = fetch::send(&req).await.map_err(|e| AuthError::Network(e.to_string()))?;
    if !ctx.still(epoch) {
        return Err(AuthError::NotSignedIn);
    }
    let tokens = parse_token_response(&resp)?;
    if let Some(rotated) = tokens.refresh_token.clone() {
        let kept = Session { refresh_token: Some(rotated), ..session };
        storage::set(SESSION_KEY, &session_to_json(&kept)).map_err(|e| AuthError::Storage(e.to_string()))?;
        ctx.auth.set(AuthState::SignedIn(kept));
    }
    let scopes =
        tokens.scope.as_deref().map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
    let t = HuntToken {
        access_token: tokens.access_token,
        expires_at: clock::now().saturating_add(tokens.expires_in),
        scopes,
        account: Some(account),
    };
    storage::set(HUNT_TOKEN_KEY, &t.to_json()).map_err(|e| AuthError::Storage(e.to_string()))?;
    Ok(t.access_token)
}

/// How a failed hunt stands on the page at unix time `now`: the sentence, the place in the query, and when a
/// quota lets Run help again; the hunting token that could not be had says why instead.
fn failed(error: HuntError, now: u64) -> RunState {
    let (at, near) = match &error {
        HuntError::Query { at, near, .. } => (*at, near.clone()),
        HuntError::NoGraphToken(None) => return RunState::Unavailable(crate::problem::hunt_token_busy()),
        HuntError::NoGraphToken(Some(e)) => return RunState::Unavailable(crate::problem::hunt_token_unavailable(e)),
        _ => (None, None),
    };
    let retry_at = error.retry_after_secs().map(|s| now.saturating_add(s));
    RunState::Failed { message: error.user_message(), at, near, retry_at }
}
