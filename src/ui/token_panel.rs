//! "What am I allowed to do?": the access token's claims, and which permissions each API call needs.

use super::ctx;
use crate::api::query::{accepted_scopes, required_scope};
use crate::auth::jwt::access_claims;
use crate::auth::session::AuthState;
use crate::flows::sign_in::{sign_in, Prompt};
use crate::format::countdown;
use leptos::prelude::*;

/// The token panel.
#[component]
pub fn TokenPanel() -> impl IntoView {
    let ctx = ctx();
    let panel = move || {
        let AuthState::SignedIn(s) = ctx.auth.get() else { return None };
        let cfg = ctx.cfg()?;
        let claims = access_claims(&s.access_token);
        // The token's own `scp` is the truth; the token response's `scope` only when the token is opaque.
        let granted: Vec<String> = match &claims {
            Some(c) => c.scp.clone(),
            None => s.granted_scopes.clone(),
        };
        let needed = required_scope(cfg.source);
        let ok = s.has_any_scope(accepted_scopes(cfg.source));
        let endpoint = crate::api::source::api(cfg.source).endpoints[0];
        let expires_at = s.expires_at as i64;
        let left = move || countdown(expires_at - ctx.now.get() as i64);
        let c = claims.unwrap_or_default();
        let who = s.id_claims.name.clone().or(c.name.clone()).unwrap_or_default();
        let upn = s.id_claims.preferred_username.clone().or(c.preferred_username.clone()).unwrap_or_default();
        let tenant = s.id_claims.tid.clone().or(c.tid.clone()).unwrap_or_default();
        let scp_text = if granted.is_empty() { "(none)".to_string() } else { granted.join(" ") };
        Some(view! {
            <dl class="claims" data-testid="token-claims">
                <dt>"Who"</dt><dd data-claim="name">{who}</dd>
                <dt>"Account"</dt><dd data-claim="preferred_username">{upn}</dd>
                <dt>"Tenant"</dt><dd class="mono" data-claim="tid">{tenant}</dd>
                <dt>"Audience"</dt><dd class="mono" data-claim="aud">{c.aud.clone().unwrap_or_else(|| "(not readable)".into())}</dd>
                <dt>"Delegated permissions (scp)"</dt><dd class="mono" data-claim="scp">{scp_text}</dd>
                <dt>"Expires in"</dt><dd data-claim="exp" data-testid="expires-in">{left}</dd>
                <dt>"Renewal"</dt><dd>{if s.refresh_token.is_some() { "automatic, before expiry" } else { "sign in again when it expires" }}</dd>
            </dl>
            <h3>"What this page calls"</h3>
            <ul class="perm-list">
                <li class=if ok { "perm granted" } else { "perm missing" } data-testid="permission-check" data-granted=ok.to_string()>
                    <span class="mono">{endpoint}</span>
                    " needs " <span class="mono">{needed}</span> ": "
                    <strong>{if ok { "granted" } else { "missing" }}</strong>
                </li>
            </ul>
        })
    };
    view! {
        <aside class="card token-panel" aria-labelledby="token-title">
            <h2 id="token-title">"Your token"</h2>
            <p class="muted small">"Decoded in this page for display; it is the API, not this page, that enforces these permissions."</p>
            {panel}
            <button class="ghost" data-testid="change-permissions" on:click=move |_| sign_in(ctx, Prompt::Consent)>"Change permissions"</button>
        </aside>
    }
}
