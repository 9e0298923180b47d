//! Hunting on the analyst's behalf (issue 16): the hunt page follows `#/hunt?q=…`, Run sends the query to
//! Graph `runHuntingQuery` with the analyst's token (asking for `ThreatHunting.Read.All` first when the token
//! lacks it), and the answer, or what went wrong and where, is published for `ui/hunt.rs`. A failed hunt is
//! shown and waits for the analyst: nothing here sends a query by itself, except the one run the analyst asked
//! for before a consent redirect, which resumes once back.

use super::queue::wait_for_budget;
use super::renew;
use super::sign_in::step_up;
use super::state::Ctx;
use crate::api::error::ApiError;
use crate::api::hunting::{
    hunt_request, map_hunt_response, parse_hunt_result, Column, HuntError, HuntNext, HuntResult, HuntRun, HuntView,
    Position, HUNT_ACCEPTED, HUNT_SCOPE,
};
use crate::auth::authorize::StepUp;
use crate::browser::{clock, fetch, location};
use crate::config::{Config, Source};
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
    /// Hunting cannot run in this deployment; the sentence says what is needed.
    Unavailable(String),
}

/// A table's columns, or why they could not be read.
pub(crate) type TableColumns = (String, Result<Vec<Column>, String>);

/// The hunting page's state, for context.
#[derive(Clone, Copy)]
pub(crate) struct Hunt {
    /// The hunt in the URL; `Some` while the hunting page is open.
    pub view: RwSignal<Option<HuntView>>,
    /// The last run.
    pub run: RwSignal<RunState>,
    /// The last result (kept when a later run fails, so what was on screen stays).
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

/// Opens or closes the hunting page for the fragment `hash`; true when it is the hunting page (the queue's
/// view is then left as it was).
pub(crate) fn follow(ctx: Ctx, hash: &str) -> bool {
    let v = HuntView::from_hash(hash);
    let open = v.is_some();
    if ctx.hunt.view.get_untracked() != v {
        ctx.hunt.view.set(v);
    }
    open
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
    if let Some(why) = unavailable(&cfg) {
        ctx.hunt.run.set(RunState::Unavailable(why));
        return;
    }
    if !session.has_any_scope(HUNT_ACCEPTED) {
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

/// Why hunting cannot run here, if it cannot. Hunting is a Graph API and one token names one resource: with
/// the Defender source the session's token is Defender's, and this page does not yet hold a second, Graph
/// token.
fn unavailable(cfg: &Config) -> Option<String> {
    (cfg.source != Source::Graph).then(|| {
        "Hunting goes through Microsoft Graph (runHuntingQuery, permission ThreatHunting.Read.All), and this page \
         signs in to the Defender API: one sign-in token is for one API, so hunting needs a second token, for \
         Graph, which this version does not obtain yet. Use a deployment whose config.json has \"source\": \
         \"graph\" to hunt from this page, or run the query in the Microsoft Defender portal."
            .to_string()
    })
}

/// The analyst agreed to go to the provider for the hunting permission; the hunt comes back with them.
pub(crate) fn ask_consent(ctx: Ctx) {
    let RunState::NeedsConsent { scope } = ctx.hunt.run.get_untracked() else { return };
    let Some(view) = ctx.hunt.view.get_untracked() else { return };
    step_up(ctx, StepUp { scopes: vec![scope], intent: view.to_intent() });
}

/// Back from the provider with a hunt held: the page shows it, and runs it if the permission is now there
/// (the analyst's gesture was Run); otherwise it says the permission was not granted.
pub(crate) fn came_back(ctx: Ctx, view: HuntView) {
    location::replace(&format!("{}{}", location::page_url(), view.to_hash()));
    ctx.hunt.view.set(Some(view.clone()));
    let granted = ctx.session().is_some_and(|s| s.has_any_scope(HUNT_ACCEPTED));
    match ctx.cfg() {
        Some(cfg) if !granted => declined(ctx, view, &cfg.scope_on_resource(HUNT_SCOPE)),
        _ => run(ctx, view),
    }
}

/// Consent was not given: the hunt stays on the page, with a sentence.
pub(crate) fn declined(ctx: Ctx, view: HuntView, scope: &str) {
    location::replace(&format!("{}{}", location::page_url(), view.to_hash()));
    ctx.hunt.view.set(Some(view));
    let message = format!(
        "The permission {scope} was not granted, so the query was not run. You are still signed in and the rest of \
         the page works; press Run to be asked again, or ask an administrator to grant it."
    );
    ctx.hunt.run.set(RunState::Failed { message, at: None, near: None, retry_at: None });
}

/// The columns of `table` (`<table> | getschema`), asked once per table and kept; a failure is kept as its
/// sentence and asked again on the next click.
pub(crate) fn load_columns(ctx: Ctx, table: &'static str) {
    let known = ctx.hunt.schema.with_untracked(|s| s.iter().any(|(t, r)| t == table && r.is_ok()));
    let (Some(cfg), Some(session)) = (ctx.cfg(), ctx.session()) else { return };
    if known || unavailable(&cfg).is_some() {
        return;
    }
    if !session.has_any_scope(HUNT_ACCEPTED) {
        let why = "Columns are read with getschema, a hunting query: run a query first to grant the permission.";
        ctx.hunt.schema.update(|s| {
            s.retain(|(t, _)| t != table);
            s.push((table.to_string(), Err(why.into())));
        });
        return;
    }
    spawn_local(async move {
        let view = HuntView::new(&format!("{table} | getschema"), None);
        let columns = match send(ctx, &cfg, &view).await {
            Ok(r) => Ok(schema_columns(&r)),
            Err(RunState::Failed { message, .. }) => Err(message),
            Err(_) => Err("The columns could not be read.".into()),
        };
        ctx.hunt.schema.update(|s| {
            s.retain(|(t, _)| t != table);
            s.push((table.to_string(), columns));
        });
    });
}

/// `getschema`'s rows (ColumnName, ColumnType, …) as columns.
fn schema_columns(r: &HuntResult) -> Vec<Column> {
    let at = |name: &str| r.columns.iter().position(|c| c.name == name);
    let (Some(n), Some(t)) = (at("ColumnName"), at("ColumnType")) else { return vec![] };
    r.rows
        .iter()
        .filter_map(|row| {
            let name = row.get(n)?.display();
            let kind = crate::api::hunting::ColumnType::from_api(&row.get(t)?.display());
            Some(Column { name, kind })
        })
        .collect()
}

/// Sends `view` through the budget with the session's token: the one renewal every call gets, nothing else
/// by itself.
async fn send(ctx: Ctx, cfg: &Config, view: &HuntView) -> Result<HuntResult, RunState> {
    let mut run = HuntRun::default();
    loop {
        let Some(session) = ctx.session() else { return Err(failed(HuntError::Api(not_signed_in()), None)) };
        if run.renew_first(session.is_expired(clock::now())) {
            let _ = renew::renew(ctx).await;
            continue;
        }
        wait_for_budget(ctx).await;
        let req = hunt_request(&cfg.api_base, &view.query, view.timespan.as_deref(), &session.access_token);
        let error = match fetch::send(&req).await {
            Err(e) => HuntError::Api(ApiError::Network(e.to_string())),
            Ok(resp) => match map_hunt_response(&resp, session.has_any_scope(HUNT_ACCEPTED)) {
                Ok(ok) => {
                    return parse_hunt_result(&ok.body).map_err(|e| failed(HuntError::Api(ApiError::BadBody(e)), None))
                }
                Err(e) => e,
            },
        };
        match run.next(error, clock::now()) {
            HuntNext::Renew(e) => {
                if renew::renew(ctx).await.is_err() {
                    return Err(failed(e, None));
                }
            }
            HuntNext::Show { error, retry_at, .. } => return Err(failed(error, retry_at)),
        }
    }
}

fn not_signed_in() -> ApiError {
    ApiError::Unauthorized { message: "You are not signed in.".into() }
}

fn failed(error: HuntError, retry_at: Option<u64>) -> RunState {
    let (at, near) = match &error {
        HuntError::Query { at, near, .. } => (*at, near.clone()),
        _ => (None, None),
    };
    RunState::Failed { message: error.user_message(), at, near, retry_at }
}
