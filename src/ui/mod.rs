//! Pages and components. They render [`crate::flows::state::Ctx`] and call flows; they decide nothing.

mod actions;
mod banners;
mod bulk;
mod charts;
mod config_error;
mod evidence;
mod filters;
mod header;
mod incident;
mod queue;
mod sign_in;
mod token_panel;

use crate::auth::session::AuthState;
use crate::flows::state::{ConfigState, Ctx};
use leptos::prelude::*;

/// The whole page, showing `ctx` (which `flows::boot` has already started filling).
pub(crate) fn app(ctx: Ctx) -> impl IntoView {
    provide_context(ctx);

    // Only the incident id decides which page shows: reading the whole view here would rebuild the queue
    // page (its filters, memos and rows) on every keystroke.
    let incident = Memo::new(move |_| ctx.view.with(|v| v.incident.clone()));
    // Likewise only the kind of sign-in state: a renewed session must not rebuild the signed-in page.
    let stage = Memo::new(move |_| ctx.auth.with(std::mem::discriminant));
    let body = move || {
        // Read, not just tracked: a memo that is never read never computes, so it would never change.
        let _ = stage.get();
        match ctx.config.get() {
            ConfigState::Loading => view! { <sign_in::Starting/> }.into_any(),
            ConfigState::Invalid(msg) => view! { <config_error::ConfigError message=msg/> }.into_any(),
            ConfigState::Ready(_) => match ctx.auth.get_untracked() {
                AuthState::SignedIn(_) => {
                    let later = after_first_screen(ctx);
                    view! {
                        <banners::Reauth/>
                        <div class="layout">
                            {move || match incident.get() {
                                Some(id) => view! { <incident::IncidentPage id=id/> }.into_any(),
                                None => view! { <queue::QueuePage/> }.into_any(),
                            }}
                            // Its own grid column (below on a narrow screen), so nothing moves when it arrives.
                            {move || later.get().then(|| view! { <token_panel::TokenPanel/> })}
                        </div>
                    }
                    .into_any()
                }
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
        <main id="main">
            <banners::Notice/>
            {body}
        </main>
    }
}

/// True once the first screen of incidents has been painted (or its load ended without one): what the first
/// screen does not need is mounted then, so the first rows don't wait for it.
fn after_first_screen(ctx: Ctx) -> ReadSignal<bool> {
    let (done, set_done) = signal(false);
    Effect::new(move |settled: Option<bool>| {
        if settled == Some(true) {
            return true;
        }
        let settled = ctx.queue.with(|q| q.loaded || !q.loading);
        if settled {
            leptos::task::spawn_local(async move {
                crate::browser::clock::after_paint().await;
                set_done.set(true);
            });
        }
        settled
    });
    done
}

/// The shared state, for components.
pub(crate) fn ctx() -> Ctx {
    expect_context::<Ctx>()
}
