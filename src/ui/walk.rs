//! Previous / next on the incident page: walks the queue in its current view's order (filters, search and
//! sort as the queue shows them), so an analyst goes through the queue without going back to it.

use super::ctx;
use crate::queue::view::PAGE_SIZE;
use crate::queue::walk::place;
use leptos::prelude::*;

/// "‹ Previous · 3 of 120 · Next ›" for the open incident; nothing when the view does not hold it.
#[component]
pub fn Walk(id: String) -> impl IntoView {
    let ctx = ctx();
    let here = Memo::new(move |_| place(&super::queue::order(ctx), &id));
    // A neighbour's link keeps the view and moves the queue's page along, so back lands on its row.
    let link = move |to: &str, index: usize| {
        let mut v = ctx.view.get_untracked();
        v.incident = Some(to.to_string());
        v.page = index / PAGE_SIZE;
        v.to_hash()
    };
    move || {
        here.get().map(|p| {
            let step = |to: Option<String>,
                        index: usize,
                        testid: &'static str,
                        label: &'static str,
                        keys: &'static str| match to {
                Some(to) => {
                    view! { <a href=link(&to, index) data-testid=testid aria-keyshortcuts=keys>{label}</a> }.into_any()
                }
                None => view! { <span class="muted" aria-disabled="true">{label}</span> }.into_any(),
            };
            view! {
                <nav class="walk" aria-label="Walk the queue">
                    {step(p.previous, p.index.saturating_sub(1), "walk-previous", "‹ Previous", "k")}
                    <span class="muted" data-testid="walk-position">{p.index + 1} " of " {p.of}</span>
                    {step(p.next, p.index + 1, "walk-next", "Next ›", "j")}
                </nav>
            }
        })
    }
}
