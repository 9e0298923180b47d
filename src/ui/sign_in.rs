//! The signed-out page: what the app does, and the sign-in button.

use super::banners::AuthErrorBanner;
use super::ctx;
use crate::flows::sign_in::{sign_in, Prompt};
use leptos::prelude::*;

const PRIVACY: &str = "Nothing is installed and no server of ours sees your token: it stays in this tab's session storage and is gone when you close the tab.";

/// The sign-in screen.
#[component]
pub fn SignInPage() -> impl IntoView {
    let ctx = ctx();
    let what = move || {
        ctx.cfg().map(|c| {
            format!(
                "Signs you in at {} and reads incidents from the {} with your own delegated permission ({}).",
                host_of(&c.authority),
                c.source.label(),
                c.api_scopes().join(", ")
            )
        })
    };
    view! {
        <section class="card narrow signin">
            <h1>"Your incident queue, on behalf of you"</h1>
            <p>{what}</p>
            <p class="muted">{PRIVACY}</p>
            <AuthErrorBanner/>
            <div class="actions">
                <button class="primary" data-testid="sign-in" on:click=move |_| sign_in(ctx, Prompt::Default)>"Sign in"</button>
                <button class="ghost" data-testid="sign-in-other" on:click=move |_| sign_in(ctx, Prompt::SelectAccount)>"Use another account"</button>
            </div>
        </section>
    }
}

fn host_of(url: &str) -> String {
    url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or(url).to_string()
}

/// What shows while the configuration and the session are read: the same card `index.html` paints before the
/// wasm arrives (keep the two in step), so mounting the app changes nothing on screen.
#[component]
pub fn Starting() -> impl IntoView {
    view! {
        <section class="card narrow signin">
            <h1>"Your incident queue, on behalf of you"</h1>
            <p class="muted">{PRIVACY}</p>
            <p class="muted" role="status">"Starting…"</p>
        </section>
    }
}
