//! "What am I allowed to do?": the access token's claims, and which permissions each API call needs.

use super::ctx;
use crate::actions::access::{is_granted, role_hint};
use crate::actions::role::RoleSeen;
use crate::actions::{all_calls, Call};
use crate::auth::jwt::access_claims;
use crate::auth::session::AuthState;
use crate::flows::sign_in::{sign_in, Prompt};
use crate::format::countdown;
use crate::writes_text as text;
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
        // Every call the page can make, the permission it needs, and whether this token holds it; the list
        // call keeps its old hook. Writes are listed only when the deployment offers actions.
        let rows = all_calls(cfg.source)
            .into_iter()
            .filter(|c| cfg.actions || matches!(c.call, Call::List | Call::ReadOne | Call::Hunt))
            .map(|c| {
                // Beside the Defender source, hunting rides a second, Graph token (flows::hunt).
                let ok = is_granted(&s, cfg.source, c.call)
                    || (c.call == Call::Hunt && crate::flows::hunt::second_token_grants_hunting(&s));
                // A write needs the permission AND a role: the role half is stated before any refusal.
                let write = matches!(c.call, Call::Update | Call::Comment);
                let role = write.then(|| {
                    let hint = role_hint(cfg.source, c.call);
                    let seen = super::writes::role_seen(ctx);
                    let (state, line) = match (ok, &seen) {
                        (false, _) => ("missing", text::role_and_permission_missing(hint)),
                        (true, RoleSeen::Holds(_)) => ("in-token", text::role_state(hint, &seen)),
                        (true, RoleSeen::Refused) => ("refused", text::role_state(hint, &seen)),
                        (true, _) => ("unknown", text::role_state(hint, &seen)),
                    };
                    (state, line)
                });
                let class = match (&role, ok) {
                    (_, false) => "perm missing",
                    (Some(("in-token", _)), true) | (None, true) => "perm granted",
                    (Some(("refused", _)), true) => "perm refused",
                    (Some(_), true) => "perm partial",
                };
                let role_state = role.as_ref().map(|(s, _)| *s).unwrap_or("none");
                let verdict = role.map(|(_, line)| line).unwrap_or_else(|| if ok { "granted".into() } else { "missing".into() });
                let testid = match c.call {
                    Call::List => "permission-check",
                    Call::Hunt => "permission-hunt",
                    _ => "permission-call",
                };
                view! {
                    <li class=class data-testid=testid data-granted=ok.to_string() data-role=role_state data-call=c.label>
                        {c.label} ": " <span class="mono">{c.endpoint}</span>
                        " needs " <span class="mono">{c.scope}</span> ": "
                        <strong data-testid="permission-verdict">{verdict}</strong>
                    </li>
                }
            })
            .collect_view();
        let refusal = move || {
            ctx.acting
                .with(|a| a.refusal.clone())
                .map(|r| view! { <p class="banner warn small" data-testid="refusal-side">{r}</p> })
        };
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
                <dt>"Renewal"</dt><dd><super::status::RenewalState has_refresh_token=s.refresh_token.is_some()/></dd>
            </dl>
            <h3>"What this page calls"</h3>
            <ul class="perm-list">{rows}</ul>
            {refusal}
        })
    };
    view! {
        // A region inside the top bar's token menu (an aside there would be a landmark inside the banner).
        <section class="card token-panel" aria-labelledby="token-title">
            <h2 id="token-title">"Your token"</h2>
            <p class="muted small">"Decoded in this page for display; it is the API, not this page, that enforces these permissions."</p>
            {panel}
            <button class="ghost" data-testid="change-permissions" on:click=move |_| sign_in(ctx, Prompt::Consent)>"Change permissions"</button>
        </section>
    }
}
