//! Starting a sign-in (full-page redirect to the provider) and signing out.

use super::state::{Ctx, Queue};
use super::{provider, signing_keys};
use crate::auth::account::Account;
use crate::auth::authorize::{authorize_url, pending_key, sign_out_url, PendingAuth, StepUp};
use crate::auth::claims::claims_parameter;
use crate::auth::error::AuthError;
use crate::auth::pkce::random_token;
use crate::auth::secret::{Nonce, PkceVerifier, State};
use crate::auth::session::{AuthState, KEY_PREFIX};
use crate::browser::{clock, crypto, location, storage};
use crate::problem::{Problem, CLAIMS_SIGN_IN_KEY};
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
    let epoch = ctx.epoch();
    let meta = provider(ctx, &cfg).await?;
    // Usually already fetched at page start; a failure only means the redirect back fetches them.
    let jwks = signing_keys(ctx, &meta).await.ok();
    if !ctx.still(epoch) {
        return Ok(());
    }
    let random = || crypto::random_bytes::<32>().map_err(|e| AuthError::Browser(e.to_string()));
    let state = State::new(random_token(&random()?));
    let nonce = Nonce::new(random_token(&random()?));
    let verifier = PkceVerifier::from_random(&random()?);
    // Who asked for a step-up: the redirect back drops its intent if another account returns.
    let step_up = step_up.map(|u| StepUp { account: ctx.session().map(|s| Account::of(&s.id_claims)), ..u });
    // A claims challenge (CAE) is answered by an interactive sign-in that carries its claims, merged with the
    // client capabilities every sign-in declares; the time is remembered so a second challenge right after it
    // explains instead of sending the analyst round again.
    let challenge = ctx.claims.get_value();
    let pending = PendingAuth {
        state,
        nonce,
        verifier,
        issuer: meta.issuer.clone(),
        redirect_uri: cfg.redirect_uri_for(&location::page_url()),
        return_to: crate::route::return_to(&location::hash()),
        created_at: clock::now(),
        provider: Some(meta.clone()),
        authority: cfg.authority.clone(),
        jwks,
        step_up,
        claims: claims_parameter(&cfg.client_capabilities, challenge.as_deref()),
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
    if challenge.is_some() {
        storage::set(CLAIMS_SIGN_IN_KEY, &clock::now().to_string()).map_err(|e| AuthError::Storage(e.to_string()))?;
    }
    let json = crate::auth::stored::pending_to_json(&pending);
    storage::set(&pending_key(pending.state.secret()), &json).map_err(|e| AuthError::Storage(e.to_string()))?;
    ctx.auth.set(AuthState::Redirecting);
    location::assign(&url).map_err(|e| AuthError::Browser(e.to_string()))
}

/// Forgets everything this app stored and fences off every renewal, load and sign-in still awaiting an
/// answer, then ends the provider's session (or says that only this tab was signed out).
pub(crate) fn sign_out(ctx: Ctx) {
    ctx.epoch.update_value(|e| *e += 1);
    let session = ctx.session();
    storage::remove_prefixed(KEY_PREFIX);
    let meta = ctx.meta.get_untracked();
    ctx.auth.set(AuthState::SignedOut);
    // A new generation, not a reset to 0: a load still running must see its generation gone.
    ctx.queue.update(|q| *q = Queue { generation: q.generation + 1, ..Default::default() });
    ctx.acting.set(Default::default());
    ctx.bulk.set(Default::default());
    ctx.hunt.result.set(None);
    ctx.api_error.set(None);
    ctx.reauth.set(None);
    let Some(cfg) = ctx.cfg() else { return };
    let back = cfg.post_logout_uri_for(&location::page_url());
    let Some(url) = sign_out_url(session.as_ref(), meta.as_ref(), &cfg.client_id, &back) else {
        ctx.notice.set(Some(crate::problem::SIGNED_OUT_TAB_ONLY.into()));
        return;
    };
    if let Err(e) = location::assign(&url) {
        ctx.auth_error.set(Some(Problem::sign_in(&AuthError::Browser(e.to_string()))));
    }
}
