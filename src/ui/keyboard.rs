//! The page's keys (`crate::shortcuts` says which key does what): one listener on the window for the life of
//! the page, and the "Skip to incidents" link.

use crate::browser::focus;
use crate::flows::navigate::{LINK, ROW};
use crate::flows::state::Ctx;
use crate::shortcuts::{shortcut, KeyPress, Shortcut};
use leptos::prelude::*;

/// Where focus goes from the skip link: the first row's link, else the open incident's title, else the page.
fn skip_targets() -> [String; 3] {
    [format!("{ROW} {LINK}"), ".incident-head h1".into(), "#main".into()]
}

/// Listens for the page's keys until the page goes.
pub(super) fn listen(ctx: Ctx) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let on_incident = ctx.view.with_untracked(|v| v.incident.is_some());
        let key = ev.key();
        let press = KeyPress {
            key: &key,
            modifier: ev.ctrl_key() || ev.alt_key() || ev.meta_key(),
            in_field: focus::typing(),
            on_row: focus::focused_within(ROW).is_some(),
            on_incident,
        };
        let Some(what) = shortcut(&press) else { return };
        let done = match what {
            Shortcut::FocusSearch => focus::focus_first(&["[data-testid=\"search\"]"]),
            Shortcut::NextRow => focus::step(ROW, LINK, true),
            Shortcut::PreviousRow => focus::step(ROW, LINK, false),
            // The same as following the link on the page.
            Shortcut::BackToQueue => focus::click("[data-testid=\"back-to-queue\"]"),
            Shortcut::NextIncident => focus::click("[data-testid=\"walk-next\"]"),
            Shortcut::PreviousIncident => focus::click("[data-testid=\"walk-previous\"]"),
        };
        if done {
            ev.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

/// "Skip to incidents": the first tab stop; it moves focus to the first row without touching the URL (the
/// fragment is the view, so an in-page anchor would change it).
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main" data-testid="skip-link" on:click=move |ev| {
            ev.prevent_default();
            let _ = focus::focus_first(&skip_targets().each_ref().map(String::as_str));
        }>"Skip to incidents"</a>
    }
}
