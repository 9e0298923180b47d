//! The flows: what happens, in order, when the page starts, signs in, handles the redirect back, loads
//! incidents, renews the token and signs out. They join the pure core to the browser edge and publish
//! the outcome into [`state::Ctx`]; components only read that state and call these functions.

pub mod boot;
pub mod callback;
pub mod queue;
pub mod renew;
pub mod sign_in;
pub mod state;

use crate::auth::discovery::{parse_discovery, ProviderMetadata};
use crate::browser::fetch;
use crate::config::Config;
use crate::http::{HttpRequest, Method};

/// Fetches and checks the provider's discovery document against the configured authority.
pub async fn discover(cfg: &Config) -> Result<ProviderMetadata, String> {
    let req = HttpRequest {
        method: Method::Get,
        url: cfg.discovery_url(),
        headers: vec![("Accept".into(), "application/json".into())],
        body: None,
    };
    let resp = fetch::send(&req)
        .await
        .map_err(|e| format!("Could not load the sign-in service's discovery document from {}: {e}", req.url))?;
    if !(200..300).contains(&resp.status) {
        return Err(format!(
            "The sign-in service's discovery document at {} answered HTTP {}. Check \"authority\" in config.json.",
            req.url, resp.status
        ));
    }
    parse_discovery(&resp.body, &cfg.authority).map_err(|e| e.to_string())
}
