//! Previous / next on the incident page: walks the queue in its current view's order (filters, search and
//! sort as the queue shows them), so an analyst goes through the queue without going back to it. An incident
//! that a write moved out of the view keeps the neighbours it had (`queue::walk::Walk`).

use super::ctx;
use crate::problem::walk::{position, NEXT, PREVIOUS};
use crate::queue::walk::{Step, Walk as Remembered};
use leptos::prelude::*;

/// "‹ Previous · 3 of 120 · Next ›" for the open incident; nothing when the view never held it (a deep link).
#[component]
pub fn Walk(id: String) -> impl IntoView {
    let ctx = ctx();
    let walk = StoredValue::new(Remembered::default());
    let here = Memo::new(move |_| {
        let order = super::queue::order(ctx);
        walk.try_update_value(|w| w.place(order, &id)).flatten()
    });
    let step = move |to: Option<Step>, testid: &'static str, label: &'static str, keys: &'static str| match to {
        // The link follows the view as it is now, and moves the queue's page along so back lands on its row.
        Some(Step { id, index }) => {
            let href = move || ctx.view.with(|v| v.walk_hash(&id, index));
            view! { <a href=href data-testid=testid aria-keyshortcuts=keys>{label}</a> }.into_any()
        }
        None => view! { <span class="muted" aria-disabled="true">{label}</span> }.into_any(),
    };
    move || {
        here.get().map(|p| {
            view! {
                <nav class="walk" aria-label="Walk the queue">
                    {step(p.previous, "walk-previous", PREVIOUS, "k")}
                    <span class="muted" data-testid="walk-position" data-in-view=p.in_view.to_string()>
                        {position(p.index, p.of, p.in_view)}
                    </span>
                    {step(p.next, "walk-next", NEXT, "j")}
                </nav>
            }
        })
    }
}
