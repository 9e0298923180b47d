//! Starting a sign-in (full-page redirect to the provider) and signing out.

use super::provider;
use super::state::Ctx;
use crate::auth::authorize::{authorize_url, logout_url, pending_key, sanitize_return_to, PendingAuth, StepUp};
use crate::auth::error::AuthError;
use crate::auth::pkce::random_token;
use crate::auth::secret::{Nonce, PkceVerifier, State};
use crate::auth::session::{AuthState, KEY_PREFIX};
use crate::browser::{clock, crypto, location, storage};
use crate::problem::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Options a demoer may add to a sign-in.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) enum Prompt {
    /// Let the provider decide.
    #[default]
    Default,
    /// Show the consent page again (to grant or withhold permissions).
    Consent,
    /// Let the user choose another account.
    SelectAccount,
}

/// Starts the authorization-code + PKCE flow with a full-page redirect.
pub(crate) fn sign_in(ctx: Ctx, prompt: Prompt) {
    spawn_local(async move {
        if let Err(err) = try_sign_in(ctx, prompt, None).await {
            ctx.auth.set(AuthState::SignedOut);
            ctx.auth_error.set(Some(Problem::sign_in(&err)));
        }
    });
}

/// Incremental consent: the same sign-in, asking for `up.scopes` as well, with `up.intent` brought back. The
/// session stays as it is if this fails (the page says why).
pub(crate) fn step_up(ctx: Ctx, up: StepUp) {
    spawn_local(async move {
        if let Err(err) = try_sign_in(ctx, Prompt::Default, Some(up)).await {
            if ctx.session().is_some() {
                ctx.api_error.set(Some(Problem::sign_in(&err)));
            } else {
                ctx.auth.set(AuthState::SignedOut);
                ctx.auth_error.set(Some(Problem::sign_in(&err)));
            }
        }
    });
}

async fn try_sign_in(ctx: Ctx, prompt: Prompt, step_up: Option<StepUp>) -> Result<(), AuthError> {
    let cfg = ctx.cfg().ok_or(AuthError::NotConfigured)?;
    let meta = provider(ctx, &cfg).await?;
    let random = || crypto::random_bytes::<32>().map_err(|e| AuthError::Browser(e.to_string()));
    let state = State::new(random_token(&random()?));
    let nonce = Nonce::new(random_token(&random()?));
    let verifier = PkceVerifier::from_random(&random()?);
    let pending = PendingAuth {
        state,
        nonce,
        verifier,
        issuer: meta.issuer.clone(),
        redirect_uri: cfg.redirect_uri_for(&location::page_url()),
        return_to: sanitize_return_to(&location::hash()),
        created_at: clock::now(),
        provider: Some(meta.clone()),
        authority: cfg.authority.clone(),
        step_up,
    };
    let prompt = match prompt {
        Prompt::Default => None,
        Prompt::Consent => Some("consent"),
        Prompt::SelectAccount => Some("select_account"),
    };
    // Consenting again, or to one more permission, is for the account already signed in.
    let login_hint = match (prompt, ctx.session()) {
        (Some("consent"), Some(s)) => s.id_claims.preferred_username.clone(),
        (None, Some(s)) if pending.step_up.is_some() => s.id_claims.preferred_username.clone(),
        _ => None,
    };
    let url = authorize_url(&meta, &cfg, &pending, prompt, login_hint.as_deref());
    let json = crate::auth::stored::pending_to_json(&pending);
    storage::set(&pending_key(pending.state.secret()), &json).map_err(|e| AuthError::Storage(e.to_string()))?;
    ctx.auth.set(AuthState::Redirecting);
    location::assign(&url).map_err(|e| AuthError::Browser(e.to_string()))
}

/// Forgets everything this app stored, then ends the provider's session if it offers an end-session endpoint.
pub(crate) fn sign_out(ctx: Ctx) {
    let hint = ctx.session().and_then(|s| s.id_claims.preferred_username.clone());
    storage::remove_prefixed(KEY_PREFIX);
    let meta = ctx.meta.get_untracked();
    ctx.auth.set(AuthState::SignedOut);
    ctx.queue.set(Default::default());
    ctx.api_error.set(None);
    ctx.reauth.set(None);
    let Some(cfg) = ctx.cfg() else { return };
    let back = cfg.post_logout_uri_for(&location::page_url());
    let Some(url) = meta.and_then(|m| logout_url(&m, &cfg.client_id, &back, hint.as_deref())) else { return };
    if let Err(e) = location::assign(&url) {
        ctx.auth_error.set(Some(Problem::sign_in(&AuthError::Browser(e.to_string()))));
    }
}
