//! The flows: what happens, in order, when the page starts, signs in, handles the redirect back, loads
//! incidents, renews the token and signs out. They join the pure core to the browser edge and publish
//! the outcome into [`state::Ctx`]; components only read that state and call these functions.

pub mod act;
pub mod boot;
pub mod bulk;
pub mod callback;
pub mod drive;
pub mod hunt;
pub mod navigate;
pub mod queue;
pub mod renew;
pub mod sign_in;
pub mod state;
pub mod status;

use crate::auth::discovery::{discovery_request, read_discovery, ProviderMetadata};
use crate::auth::error::AuthError;
use crate::auth::jwks::{parse_jwks, signed_parts, Jwks, SignatureError};
use crate::browser::fetch;
use crate::config::Config;
use crate::http::{HttpRequest, Method};
use leptos::prelude::*;

/// Fetches and checks the provider's discovery document against the configured authority.
async fn discover(cfg: &Config) -> Result<ProviderMetadata, AuthError> {
    let req = discovery_request(cfg);
    let answer = fetch::send_public(&req).await;
    read_discovery(&req, answer, &cfg.authority)
}

/// Fetches the provider's signing keys (its `jwks_uri`).
async fn fetch_signing_keys(meta: &ProviderMetadata) -> Result<Jwks, SignatureError> {
    let url =
        meta.jwks_uri.clone().ok_or_else(|| SignatureError::BadJwks("the provider publishes no jwks_uri".into()))?;
    let req = HttpRequest {
        method: Method::Get,
        url,
        headers: vec![("Accept".into(), "application/json".into())],
        body: None,
    };
    let resp = fetch::send_public(&req).await.map_err(|e| SignatureError::BadJwks(e.to_string()))?;
    if !resp.is_success() {
        return Err(SignatureError::BadJwks(format!("HTTP {}", resp.status)));
    }
    parse_jwks(&resp.body)
}

/// The signing keys already fetched on this page, or fetched now (and kept).
async fn signing_keys(ctx: state::Ctx, meta: &ProviderMetadata) -> Result<Jwks, SignatureError> {
    if let Some(k) = ctx.jwks.get_value() {
        return Ok(k);
    }
    let k = fetch_signing_keys(meta).await?;
    ctx.jwks.set_value(Some(k.clone()));
    Ok(k)
}

/// Checks the ID token's signature with WebCrypto against the provider's published key for its `kid`: the
/// keys carried from the sign-in start first; a `kid` they lack gets one fresh fetch (the provider may have
/// rotated its keys meanwhile), then a refusal.
async fn verify_id_token_signature(
    meta: &ProviderMetadata,
    token: &crate::auth::secret::IdToken,
    carried: Option<Jwks>,
) -> Result<(), SignatureError> {
    let parts = signed_parts(token.secret())?;
    let mut fresh = carried.is_none();
    let mut keys = match carried {
        Some(k) => k,
        None => fetch_signing_keys(meta).await?,
    };
    loop {
        if let Some(key) = keys.key_for(&parts) {
            return match crate::browser::crypto::verify_jws(parts.webcrypto, key, &parts.input, &parts.signature).await
            {
                Ok(true) => Ok(()),
                _ => Err(SignatureError::BadSignature),
            };
        }
        if fresh {
            return Err(SignatureError::UnknownKey(parts.kid));
        }
        keys = fetch_signing_keys(meta).await?;
        fresh = true;
    }
}

/// The provider's metadata: the copy already discovered on this page, or discovered now (and kept).
async fn provider(ctx: state::Ctx, cfg: &Config) -> Result<ProviderMetadata, AuthError> {
    if let Some(m) = ctx.meta.get_untracked() {
        return Ok(m);
    }
    let m = discover(cfg).await?;
    ctx.meta.set(Some(m.clone()));
    Ok(m)
}
