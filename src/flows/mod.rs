//! The flows: what happens, in order, when the page starts, signs in, handles the redirect back, loads
//! incidents, renews the token and signs out. They join the pure core to the browser edge and publish
//! the outcome into [`state::Ctx`]; components only read that state and call these functions.

pub mod act;
pub mod boot;
pub mod callback;
pub mod navigate;
pub mod queue;
pub mod renew;
pub mod sign_in;
pub mod state;

use crate::auth::discovery::{discovery_request, read_discovery, ProviderMetadata};
use crate::auth::error::AuthError;
use crate::browser::fetch;
use crate::config::Config;
use leptos::prelude::*;

/// Fetches and checks the provider's discovery document against the configured authority.
async fn discover(cfg: &Config) -> Result<ProviderMetadata, AuthError> {
    let req = discovery_request(cfg);
    let answer = fetch::send(&req).await;
    read_discovery(&req, answer, &cfg.authority)
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
