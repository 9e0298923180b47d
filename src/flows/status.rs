//! What the page says about the state of its data: when it was read, what changed since the analyst last
//! looked (carried out from `api::changes`), and whether the session can still be renewed.

use super::state::Ctx;
use crate::browser::clock;
use crate::problem::Problem;
use crate::queue::changes::{diff, Report, Snapshot};
use crate::queue::view::View;
use leptos::prelude::*;

/// The status signals, part of [`Ctx`].
#[derive(Clone, Copy)]
pub(crate) struct Status {
    /// When the data on screen was last read successfully (Unix seconds): the "data as of" marker.
    pub data_at: RwSignal<Option<u64>>,
    /// Changes found by refreshes that the analyst has not dismissed yet.
    pub changes: RwSignal<Option<Report>>,
    /// The silent renewal failed: what to say (plain, with the provider's text as details).
    pub renewal_failed: RwSignal<Option<Problem>>,
    /// The server part of the view last loaded completely: a reload of the same view is a refresh, whose
    /// changes are told; a reload for another view is not.
    loaded_view: StoredValue<Option<String>>,
}

impl Status {
    pub(crate) fn new() -> Self {
        Status {
            data_at: RwSignal::new(None),
            changes: RwSignal::new(None),
            renewal_failed: RwSignal::new(None),
            loaded_view: StoredValue::new(None),
        }
    }
}

/// The server part of a view, as a comparable key.
fn view_key(v: &View) -> String {
    format!("{:?}", v.server_part())
}

/// What the view shows now: every loaded incident, and whether the view's filters keep it.
pub(crate) fn snapshot(ctx: Ctx) -> Snapshot {
    let view = ctx.view.get_untracked();
    let me = ctx.me();
    ctx.queue.with_untracked(|q| {
        let shown: std::collections::HashSet<usize> =
            q.items.filtered(&view, &me, clock::now() as i64).into_iter().collect();
        Snapshot::new(q.items.items().iter().enumerate().map(|(i, inc)| (inc, shown.contains(&i))))
    })
}

/// Before a (re)load: the view as it is, when the load is a refresh of the view already loaded.
pub(crate) fn before_load(ctx: Ctx) -> Option<Snapshot> {
    let same = ctx.status.loaded_view.get_value() == Some(view_key(&ctx.view.get_untracked()));
    let loaded = ctx.queue.with_untracked(|q| q.loaded);
    (same && loaded).then(|| snapshot(ctx))
}

/// A page arrived: the data on screen is as of now.
pub(crate) fn read_ok(ctx: Ctx) {
    ctx.status.data_at.set(Some(clock::now()));
}

/// A load ended with every page it could get (`complete`: nothing left beyond the cap).
pub(crate) fn after_load(ctx: Ctx, before: Option<Snapshot>, complete: bool, since: Option<u64>) {
    ctx.status.loaded_view.set_value(Some(view_key(&ctx.view.get_untracked())));
    if let Some(before) = before {
        tell(ctx, &before, complete, since);
    }
}

/// Tells the changes between `before` and the queue now, added to those not yet dismissed.
pub(crate) fn tell(ctx: Ctx, before: &Snapshot, complete: bool, since: Option<u64>) {
    let changes = diff(before, &snapshot(ctx), complete);
    if changes.is_empty() {
        return;
    }
    ctx.status.changes.update(|r| match r {
        Some(r) => r.absorb(changes),
        None => *r = Some(Report { since: since.unwrap_or_else(clock::now), changes }),
    });
}

/// The analyst has seen the changes: the notice goes, and with it the count in the tab title.
pub(crate) fn dismiss_changes(ctx: Ctx) {
    ctx.status.changes.set(None);
}
