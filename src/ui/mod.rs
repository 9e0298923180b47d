//! Pages and components. They render [`crate::flows::state::Ctx`] and call flows; they decide nothing.

mod actions;
mod banners;
mod bulk;
mod charts;
mod config_error;
mod consent;
mod evidence;
mod export;
mod filters;
mod header;
mod hunt;
mod hunt_results;
mod incident;
mod keyboard;
mod pair;
mod preview;
mod queue;
mod sign_in;
mod status;
mod token_panel;
mod walk;
mod writes;

use crate::auth::session::AuthState;
use crate::flows::state::{ConfigState, Ctx};
use leptos::prelude::*;

/// The whole page, showing `ctx` (which `flows::boot` has already started filling).
pub(crate) fn app(ctx: Ctx) -> impl IntoView {
    provide_context(ctx);

    // Only the incident id decides which page shows: reading the whole view here would rebuild the queue
    // page (its filters, memos and rows) on every keystroke.
    let incident = Memo::new(move |_| ctx.view.with(|v| v.incident.clone()));
    let hunting = Memo::new(move |_| ctx.hunt.view.with(Option::is_some));
    // Likewise only the kind of sign-in state: a renewed session must not rebuild the signed-in page.
    let stage = Memo::new(move |_| ctx.auth.with(std::mem::discriminant));
    let body = move || {
        // Read, not just tracked: a memo that is never read never computes, so it would never change.
        let _ = stage.get();
        match ctx.config.get() {
            ConfigState::Loading => view! { <sign_in::Starting/> }.into_any(),
            ConfigState::Invalid(msg) => view! { <config_error::ConfigError message=msg/> }.into_any(),
            ConfigState::Ready(_) => match ctx.auth.get_untracked() {
                AuthState::SignedIn(_) => view! {
                    <banners::Reauth/>
                    <div class="layout">
                        {move || match (hunting.get(), incident.get()) {
                            (true, _) => view! { <hunt::HuntPage/> }.into_any(),
                            (false, Some(id)) => view! { <incident::IncidentPage id=id/> }.into_any(),
                            (false, None) => view! { <queue::QueuePage/> }.into_any(),
                        }}
                    </div>
                }
                .into_any(),
                AuthState::Loading => view! { <sign_in::Starting/> }.into_any(),
                AuthState::Redirecting => {
                    view! { <p class="muted center" role="status">"Taking you to sign in…"</p> }.into_any()
                }
                AuthState::ExchangingCode => {
                    view! { <p class="muted center" role="status" data-testid="signing-in">"Signing you in…"</p> }
                        .into_any()
                }
                AuthState::SignedOut => view! { <sign_in::SignInPage/> }.into_any(),
            },
        }
    };
    view! {
        <header::Header/>
        <main id="main" tabindex="-1">
            <banners::Notice/>
            {body}
        </main>
    }
}

/// The shared state, for components.
pub(crate) fn ctx() -> Ctx {
    expect_context::<Ctx>()
}
