//! The view lives in the URL fragment: following it, and changing it from the page's controls.

use super::queue;
use super::state::Ctx;
use crate::browser::{focus, location};
use crate::queue::view::View;
use crate::route::Route;
use leptos::prelude::*;
use std::cell::RefCell;

/// Reads the view from the fragment now, and again whenever it changes. Only a change to what the server
/// is asked for reloads; sorting, paging and in-page filters just re-render.
pub(crate) fn follow_the_url(ctx: Ctx) {
    show(ctx, &location::hash(), |view| ctx.view.set(view));
    location::on_hash_change(move |hash| show(ctx, &hash, |view| adopt_view(ctx, view)));
}

/// Shows the route `hash` names; the queue's view goes to `queue`. The hunting page leaves the queue's view (and
/// its loaded incidents) as they were.
pub(crate) fn show(ctx: Ctx, hash: &str, queue: impl FnOnce(View)) {
    match Route::from_hash(hash) {
        Route::Hunt(hunt) => super::hunt::open(ctx, Some(hunt)),
        Route::Incidents(view) => {
            super::hunt::open(ctx, None);
            queue(view);
        }
    }
}

/// Shows `new`, reloading from the server only when what the server is asked for changed.
fn adopt_view(ctx: Ctx, new: View) {
    let old = ctx.view.get_untracked();
    if new == old {
        return;
    }
    let reload = new.server_part() != old.server_part();
    let back_to_queue = old.incident.is_some() && new.incident.is_none();
    // Ids come from the API and go into a selector: only one the source's id rule accepts is kept.
    let row = |id: &String| match ctx.cfg() {
        Some(c) if crate::incidents::query::is_incident_id(c.source, id) => id.clone(),
        _ => String::new(),
    };
    match (&old.incident, &new.incident) {
        (None, Some(id)) => PLACE.set(Some(Place { scroll_y: focus::scroll_y(), row: row(id) })),
        // Walking from incident to incident: back returns to the row of the last one.
        (Some(_), Some(id)) => PLACE.with_borrow_mut(|p| {
            if let Some(p) = p {
                p.row = row(id);
            }
        }),
        _ => {}
    }
    ctx.view.set(new);
    if back_to_queue {
        restore_place(PLACE.take(), 10);
    }
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

/// Where the analyst was on the queue when they opened an incident.
struct Place {
    /// How far the queue was scrolled.
    scroll_y: f64,
    /// The incident whose row to focus on the way back.
    row: String,
}

thread_local! {
    /// The queue's place while an incident is open: one tab, one place.
    static PLACE: RefCell<Option<Place>> = const { RefCell::new(None) };
}

/// Back on the queue: its scroll as it was and focus on the row the analyst came from, once the rows are
/// drawn (a frame later; a few more while they paint). Without a place (a deep link, then back), the queue
/// starts at its top.
fn restore_place(place: Option<Place>, frames: u8) {
    request_animation_frame(move || {
        let Some(p) = place else {
            crate::browser::page::scroll_to_top();
            return;
        };
        if !focus::exists(ROW) && frames > 0 {
            return restore_place(Some(p), frames - 1);
        }
        focus::scroll_to_y(p.scroll_y);
        if !p.row.is_empty() {
            let _ = focus::focus_first(&[&format!("{ROW}[data-incident-id=\"{}\"] {LINK}", p.row)]);
        }
    });
}

/// A queue row, and the link in it that opens the incident (the element a row's focus sits on).
pub(crate) const ROW: &str = "[data-testid=\"incident-row\"]";
pub(crate) const LINK: &str = "[data-testid=\"incident-link\"]";
