//! The identity provider origin: discovery, keys, authorize, token, logout, and the
//! `/_sandbox/` control API.

pub(crate) mod authorize;
pub(crate) mod capabilities;
pub(crate) mod control;
pub(crate) mod minted;
pub(crate) mod pages;
pub(crate) mod token;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::directory::{resource, ScopeRequest, User, OIDC_SCOPES, TENANT_ID};
use crate::state::{lock, AppState};

/// Tenant path segments the sandbox answers to.
pub(crate) fn tenant_ok(t: &str) -> bool {
    t.eq_ignore_ascii_case(TENANT_ID) || t.eq_ignore_ascii_case("organizations") || t.eq_ignore_ascii_case("common")
}

/// Entra's text for a missing required parameter (AADSTS900144).
pub(crate) fn missing_parameter(name: &str) -> String {
    format!("AADSTS900144: The request body must contain the following parameter: '{name}'.")
}

/// Requested delegated permissions (full strings) the user has never decided on.
pub(crate) fn undecided_scopes(st: &AppState, user: &User, client_id: &str, scopes: &ScopeRequest) -> Vec<String> {
    let consents = lock(&st.consents);
    let decided = consents.get(&(user.id.to_string(), client_id.to_string()));
    scopes.full_permissions().into_iter().filter(|s| !decided.is_some_and(|d| d.contains_key(s))).collect()
}

/// The delegated permissions (short names) of the requested resource that `user` has granted to `client_id`: as in
/// Entra, a token carries every permission consented for its resource, not only those this request named, so adding
/// a scope later yields the union.
pub(crate) fn granted_permissions(st: &AppState, user: &User, client_id: &str, scopes: &ScopeRequest) -> Vec<String> {
    let Some(res) = scopes.resource.and_then(resource) else {
        return Vec::new();
    };
    let consents = lock(&st.consents);
    let decided = consents.get(&(user.id.to_string(), client_id.to_string()));
    res.permissions
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| decided.and_then(|d| d.get(&format!("{}/{p}", res.uri))).copied().unwrap_or(false))
        .map(str::to_string)
        .collect()
}

/// Routes of the IdP origin.
pub(crate) fn router(st: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/{tenant}/v2.0/.well-known/openid-configuration", get(discovery))
        .route("/{tenant}/discovery/v2.0/keys", get(keys))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::authorize))
        .route("/{tenant}/oauth2/v2.0/authorize/signin", post(authorize::sign_in))
        .route("/{tenant}/oauth2/v2.0/authorize/consent", post(authorize::consent))
        .route("/{tenant}/oauth2/v2.0/token", post(token::token).options(token::preflight))
        .route("/{tenant}/oauth2/v2.0/logout", get(logout).post(logout))
        .merge(control::router())
        .with_state(st)
}

async fn index(State(st): State<AppState>) -> Html<String> {
    Html(pages::layout(
        "Sandbox identity platform",
        &format!(
            "<h1>Sandbox identity platform</h1><p>Discovery: <code>{}</code></p>\
             <p class=\"muted\">Control API under <code>/_sandbox/</code>; see sandbox/README.md.</p>",
            pages::escape(&format!("{}/{TENANT_ID}/v2.0/.well-known/openid-configuration", st.origins.idp))
        ),
    ))
}

fn public_json(v: serde_json::Value) -> Response {
    // Entra serves metadata and keys to any origin.
    ([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"), (header::CACHE_CONTROL, "max-age=86400, private")], Json(v))
        .into_response()
}

fn unknown_tenant(tenant: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(json!({
            "error": "invalid_tenant",
            "error_description": format!("AADSTS90002: Tenant '{tenant}' not found."),
            "error_codes": [90002],
        })),
    )
        .into_response()
}

async fn discovery(State(st): State<AppState>, Path(tenant): Path<String>) -> Response {
    if !tenant_ok(&tenant) {
        return unknown_tenant(&tenant);
    }
    let idp = &st.origins.idp;
    let faults = st.faults();
    let issuer = faults.discovery_issuer.clone().unwrap_or_else(|| {
        if tenant.eq_ignore_ascii_case(TENANT_ID) {
            st.issuer()
        } else {
            format!("{idp}/{{tenantid}}/v2.0")
        }
    });
    public_json(json!({
        "token_endpoint": format!("{idp}/{tenant}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{idp}/{tenant}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code"],
        "scopes_supported": OIDC_SCOPES,
        "issuer": issuer,
        "request_uri_parameter_supported": false,
        "authorization_endpoint": format!("{idp}/{tenant}/oauth2/v2.0/authorize"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{idp}/{tenant}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email", "oid"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": faults.sends_iss(),
        "tenant_region_scope": "EU",
        "cloud_instance_name": "sandbox.onbehalf.test",
    }))
}

async fn keys(State(st): State<AppState>, Path(tenant): Path<String>) -> Response {
    if !tenant_ok(&tenant) {
        return unknown_tenant(&tenant);
    }
    let mut jwk = st.key().jwk().clone();
    jwk["issuer"] = json!(st.issuer());
    public_json(json!({ "keys": [jwk] }))
}

async fn logout(State(st): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let p = authorize::params(q.as_deref().unwrap_or(""));
    if let Some((sid, _, _)) = authorize::session_user(&st, &headers) {
        lock(&st.sessions).remove(&sid);
    }
    let clear = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0", st.cookie_name);
    let mut resp = match p.get("post_logout_redirect_uri") {
        Some(uri) if st.is_registered(uri) => {
            let mut target = uri.clone();
            if let Some(s) = p.get("state") {
                let sep = if target.contains('?') { '&' } else { '?' };
                target.push(sep);
                target.push_str(&serde_urlencoded::to_string([("state", s)]).unwrap_or_default());
            }
            match HeaderValue::from_str(&target) {
                Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
                Err(_) => Html(pages::signed_out(None)).into_response(),
            }
        }
        Some(_) => Html(pages::signed_out(Some(
            "The post_logout_redirect_uri is not registered for this application, so you were not sent back.",
        )))
        .into_response(),
        None => Html(pages::signed_out(None)).into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&clear) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
