//! What a deployer sees when config.json is missing or wrong.

use crate::config::EXAMPLE_CONFIG;
use leptos::prelude::*;

/// The configuration problem, and a valid example.
#[component]
pub fn ConfigError(message: String) -> impl IntoView {
    view! {
        <section class="card narrow" data-testid="config-error" role="alert">
            <h1>"This page is not configured yet"</h1>
            <p class="error-text">{message}</p>
            <p>"Put a " <code>"config.json"</code> " next to " <code>"index.html"</code> ", for example:"</p>
            <pre class="code">{EXAMPLE_CONFIG}</pre>
            <p class="muted">
                "\"source\" is \"defender\" (the Microsoft Defender XDR incidents API) or \"graph\" (Microsoft Graph security incidents). "
                "\"api_base\", \"scopes\", \"redirect_uri\" and \"post_logout_redirect_uri\" are optional."
            </p>
        </section>
    }
}
