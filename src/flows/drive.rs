//! The browser's side of the one request driver: [`Call`] is the [`Port`] every API call goes through — queue
//! pages, an incident by id, auto-refresh, writes, comments, hunts and `getschema` — so the order of things
//! (renew first, budget, send, renew once, wait, the sign-out fence) is `request::driver`'s alone. What differs
//! between calls is data here: which token they carry, whether a 429 holds the incidents budget, and how a wait
//! is shown.

use super::renew;
use super::state::Ctx;
use crate::auth::error::AuthError;
use crate::auth::secret::AccessToken;
use crate::browser::{clock, storage};
use crate::config::Config;
use crate::request::budget::{Budget, BUDGET_KEY};
use crate::request::driver::{drive, Port};
use crate::request::error::{ApiError, Quota};
use crate::request::retry::{Failure, Policy};
use leptos::prelude::*;
use std::future::Future;

/// Which token a call carries, and so how it is renewed.
#[derive(Clone)]
pub(crate) enum Bearer {
    /// The session's access token, renewed with the refresh token (`flows::renew`).
    Session,
    /// Beside a Defender session, the second token, for Graph's hunting API (`flows::hunt::graph_token`); it is
    /// renewed by asking for a fresh one. `fresh`: the next `token()` asks anew.
    HuntGraph {
        /// The configuration the exchange needs.
        cfg: Config,
        /// A renewal was asked for.
        fresh: bool,
    },
}

/// How one call shows a wait to the analyst.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// The queue's banner with its countdown, and the load's "paused" line while a 429 holds it.
    Banner,
    /// Nothing beyond what the caller already shows.
    Quiet,
    /// A write's "Saving…" line turns into "Retrying…" with its countdown.
    Writing,
}

/// One call, as the driver sees it: the analyst's session at its start (the fence), its token, its budget
/// rule, and the send itself (`send`: one request with the token it is handed, its answer read).
pub(crate) struct Call<S, E> {
    ctx: Ctx,
    epoch: u64,
    bearer: Bearer,
    /// A 429 holds every incidents request (reads and writes share Defender's or Graph's per-app limits);
    /// hunting's quotas are its own.
    shares_budget: bool,
    shown: Shown,
    /// The failure when the hunting token cannot be had.
    no_token: fn(Option<AuthError>) -> E,
    send: S,
}

impl<S, E: Failure + WaitText> Call<S, E> {
    /// A call with the session's token that shares the incidents budget.
    pub(crate) fn new(ctx: Ctx, send: S) -> Self {
        Call {
            ctx,
            epoch: ctx.epoch(),
            bearer: Bearer::Session,
            shares_budget: true,
            shown: Shown::Quiet,
            no_token: |_| E::signed_out(),
            send,
        }
    }

    /// Shows its waits in the queue's banner.
    pub(crate) fn shown(mut self, shown: Shown) -> Self {
        self.shown = shown;
        self
    }

    /// Carries `bearer`'s token; its 429s hold only itself, not the incidents budget.
    pub(crate) fn hunting(mut self, bearer: Bearer, no_token: fn(Option<AuthError>) -> E) -> Self {
        self.bearer = bearer;
        self.shares_budget = false;
        self.no_token = no_token;
        self
    }

    /// Drives the call to its result under `policy`.
    pub(crate) async fn run<T, F>(mut self, policy: Policy) -> Result<T, E>
    where
        S: FnMut(AccessToken) -> F,
        F: Future<Output = Result<T, E>>,
    {
        drive(&mut self, policy).await
    }
}

impl<S, F, T, E> Port for Call<S, E>
where
    S: FnMut(AccessToken) -> F,
    F: Future<Output = Result<T, E>>,
    E: Failure + WaitText,
{
    type Token = AccessToken;
    type Answer = T;
    type Error = E;

    fn still(&self) -> bool {
        self.ctx.still(self.epoch)
    }

    async fn token(&mut self) -> Result<(AccessToken, bool), E> {
        let session = self.ctx.session().ok_or_else(E::signed_out)?;
        match &mut self.bearer {
            Bearer::Session => Ok((session.access_token.clone(), session.is_expired(clock::now()))),
            Bearer::HuntGraph { cfg, fresh } => {
                let token = super::hunt::graph_token(self.ctx, cfg, *fresh).await.map_err(self.no_token)?;
                *fresh = false;
                Ok((token, false))
            }
        }
    }

    async fn renew(&mut self) -> bool {
        match &mut self.bearer {
            Bearer::Session => renew::renew(self.ctx).await.is_ok(),
            Bearer::HuntGraph { fresh, .. } => {
                *fresh = true;
                true
            }
        }
    }

    async fn budget(&mut self) {
        wait_for_budget(self.ctx).await;
    }

    async fn send(&mut self, token: AccessToken) -> Result<T, E> {
        let sent = (self.send)(token).await;
        // A 429 that named no wait waits for the end of the budget's window (hunting's quotas name their own).
        if !self.shares_budget {
            return sent;
        }
        let ctx = self.ctx;
        sent.map_err(|e| e.at_window_end(|q| ctx.budget.with_value(|b| b.window_end_secs(clock::wall_ms(), q))))
    }

    fn throttled(&mut self, secs: u64) {
        if self.shares_budget {
            pause_budget(self.ctx, secs);
        }
    }

    async fn wait(&mut self, secs: u64, cause: &E, throttled: bool) {
        let ctx = self.ctx;
        let banner = self.shown == Shown::Banner;
        if banner {
            if let Some(p) = cause.wait_problem(ctx, secs) {
                ctx.api_error.set(Some(p));
            }
            if throttled {
                ctx.queue.update(|q| q.paused_until = Some(clock::now().saturating_add(secs)));
            }
        }
        let writing = self.shown == Shown::Writing;
        if writing {
            ctx.acting.update(|a| a.retry_until = Some(clock::now().saturating_add(secs)));
        }
        clock::sleep_ms(secs.saturating_mul(1000).min(u32::MAX as u64) as u32).await;
        if banner && throttled {
            ctx.queue.update(|q| q.paused_until = None);
        }
        if writing {
            ctx.acting.update(|a| a.retry_until = None);
        }
    }
}

/// How a failure being waited out reads in the queue's banner (only reads show one), and how long a 429 that
/// named no wait lasts.
pub(crate) trait WaitText: Sized {
    /// The banner with its countdown, or `None` when this failure is not shown there.
    fn wait_problem(&self, ctx: Ctx, secs: u64) -> Option<crate::problem::Problem>;
    /// A 429 that named no wait, waiting until the budget's window ends (`ApiError::at_window_end`).
    fn at_window_end(self, _window_end_secs: impl FnOnce(Quota) -> u64) -> Self {
        self
    }
}

impl WaitText for ApiError {
    fn wait_problem(&self, ctx: Ctx, secs: u64) -> Option<crate::problem::Problem> {
        let cfg = ctx.cfg()?;
        Some(crate::problem::Problem::waiting(self, &cfg, secs, clock::now()))
    }
    fn at_window_end(self, window_end_secs: impl FnOnce(Quota) -> u64) -> Self {
        ApiError::at_window_end(self, window_end_secs)
    }
}

impl WaitText for crate::actions::WriteError {
    fn wait_problem(&self, _: Ctx, _: u64) -> Option<crate::problem::Problem> {
        None
    }
    fn at_window_end(self, window_end_secs: impl FnOnce(Quota) -> u64) -> Self {
        match self {
            crate::actions::WriteError::Api(e) => crate::actions::WriteError::Api(e.at_window_end(window_end_secs)),
            refused => refused,
        }
    }
}

impl WaitText for crate::hunting::HuntError {
    fn wait_problem(&self, _: Ctx, _: u64) -> Option<crate::problem::Problem> {
        None
    }
}

/// After a 429: every request (reads and writes) waits the server's time, remembered across a reload.
pub(crate) fn pause_budget(ctx: Ctx, secs: u64) {
    ctx.budget.update_value(|b| b.pause(clock::wall_ms(), secs));
    save_budget(ctx);
}

/// Waits until the budget lets a request go, then records it. A pause left by a 429 (on this page or, through
/// sessionStorage, before a reload) shows in the progress line with its countdown.
pub(crate) async fn wait_for_budget(ctx: Ctx) {
    loop {
        let now = clock::wall_ms();
        let (wait, paused) = ctx.budget.with_value(|b| (b.wait_ms(now), b.paused_ms(now)));
        if wait <= 0.0 {
            break;
        }
        if paused > 0.0 {
            let until = (now + paused) / 1000.0;
            ctx.queue.update(|q| q.paused_until = Some(until.ceil() as u64));
        }
        clock::sleep_ms(wait.min(60_000.0) as u32 + 1).await;
    }
    ctx.queue.update(|q| q.paused_until = None);
    ctx.budget.update_value(|b| b.record(clock::wall_ms()));
    save_budget(ctx);
}

/// Keeps the budget in this tab's sessionStorage, so a reload does not start afresh a budget the server
/// has already half spent.
fn save_budget(ctx: Ctx) {
    // A request that was waiting when the analyst signed out writes nothing back.
    if ctx.session().is_none() {
        return;
    }
    let json = ctx.budget.with_value(Budget::to_json);
    let _ = storage::set(BUDGET_KEY, &json);
}
