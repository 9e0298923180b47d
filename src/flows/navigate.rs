//! The view lives in the URL fragment: following it, and changing it from the page's controls.

use super::queue;
use super::state::Ctx;
use crate::api::view::View;
use crate::browser::location;
use leptos::prelude::*;

/// Reads the view from the fragment now, and again whenever it changes. Only a change to what the server
/// is asked for reloads; sorting, paging and in-page filters just re-render.
pub(crate) fn follow_the_url(ctx: Ctx) {
    let hash = location::hash();
    if !super::hunt::follow(ctx, &hash) {
        ctx.view.set(View::from_hash(&hash));
    }
    location::on_hash_change(move |hash| {
        // The hunting page leaves the queue's view (and its loaded incidents) as they were.
        if !super::hunt::follow(ctx, &hash) {
            adopt_view(ctx, View::from_hash(&hash));
        }
    });
}

/// Shows `new`, reloading from the server only when what the server is asked for changed.
fn adopt_view(ctx: Ctx, new: View) {
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
pub(crate) fn change_view(ctx: Ctx, remember: bool, f: impl FnOnce(&mut View)) {
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
