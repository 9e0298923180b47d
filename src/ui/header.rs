//! The top bar: the product, who is signed in, sign out.

use super::ctx;
use crate::auth::session::AuthState;
use crate::flows::sign_in::sign_out;
use leptos::prelude::*;

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let ctx = ctx();
    let who = move || match ctx.auth.get() {
        AuthState::SignedIn(s) => Some(view! {
            <span class="who" title=s.id_claims.preferred_username.clone().unwrap_or_default()>
                {s.id_claims.display_name().unwrap_or("Signed in").to_string()}
            </span>
            <button class="ghost" data-testid="sign-out" on:click=move |_| sign_out(ctx)>"Sign out"</button>
        }),
        _ => None,
    };
    view! {
        <header class="topbar">
            <a class="brand" href="#/incidents"><span class="logo" aria-hidden="true">"◆"</span>" Onbehalf"</a>
            <span class="tagline">"Defender incidents, with your own permissions"</span>
            <a class="nav" href="#/hunt" data-testid="nav-hunt">"Hunt"</a>
            <span class="spacer"></span>
            {who}
        </header>
    }
}
