//! `/token`: code redemption with PKCE, refresh-token rotation, SPA CORS rules.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::clock::{iso_secs, now_ms};
use crate::directory::{parse_scopes, User, CLIENT_ID, GRAPH_RESOURCE, TENANT_ID};
use crate::pkce::s256;
use crate::state::{lock, random_guid, random_token, AppState, RefreshGrant};

use super::authorize::{params, CODE_LIFETIME_MS};
use super::capabilities::declares_cp1;
use super::minted::{access_token, id_token};
use super::{granted_permissions, missing_parameter, tenant_ok, undecided_scopes};

/// Entra-shaped token error.
pub(crate) fn token_error(origin: Option<&str>, status: StatusCode, error: &str, description: &str) -> Response {
    let code: u64 =
        description.strip_prefix("AADSTS").and_then(|r| r.split(':').next()).and_then(|c| c.parse().ok()).unwrap_or(0);
    let trace = random_guid();
    let corr = random_guid();
    let body = json!({
        "error": error,
        "error_description": format!("{description} Trace ID: {trace} Correlation ID: {corr} Timestamp: {}", iso_secs(now_ms())),
        "error_codes": [code],
        "timestamp": iso_secs(now_ms()).replace('T', " ").trim_end_matches('Z').to_string() + "Z",
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    with_cors(origin, (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}

fn with_cors(origin: Option<&str>, mut resp: Response) -> Response {
    if let Some(o) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}

/// `OPTIONS /token`: CORS preflight.
pub(crate) async fn preflight(headers: HeaderMap) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST, OPTIONS"));
    let req_headers = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or(HeaderValue::from_static("content-type"));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, req_headers);
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    with_cors(origin, resp)
}

struct Issue<'a> {
    user: &'static User,
    resource: &'a str,
    granted: &'a [String],
    oidc: &'a [String],
    nonce: Option<&'a str>,
    tenant: &'a str,
    chain_start_ms: i64,
    cp1: bool,
}

fn issue(st: &AppState, origin: &str, i: Issue<'_>) -> Response {
    let lifetime = st.faults().token_lifetime_secs.unwrap_or(st.opts.token_lifetime) as i64;
    let scp = i.granted.join(" ");
    let mut scope: Vec<String> = i.granted.iter().map(|p| format!("{}/{p}", i.resource)).collect();
    scope.extend(i.oidc.iter().cloned());
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token(st, i.user, i.resource, &scp, lifetime, i.cp1),
    });
    let has = |s: &str| i.oidc.iter().any(|o| o == s);
    if has("offline_access") {
        let rt = format!("0.sandbox.{}", random_token(64));
        lock(&st.refresh).insert(
            rt.clone(),
            RefreshGrant {
                client_id: CLIENT_ID.into(),
                user: i.user,
                tenant: i.tenant.to_string(),
                chain_start_ms: i.chain_start_ms,
            },
        );
        body["refresh_token"] = Value::String(rt);
        body["refresh_token_expires_in"] =
            json!(((i.chain_start_ms + st.opts.refresh_lifetime as i64 * 1000 - now_ms()) / 1000).max(0));
    }
    if has("openid") {
        body["id_token"] = Value::String(id_token(st, i.user, i.nonce, 3600));
        // Entra's client_info: base64url of {"uid": object id, "utid": tenant id} (MSAL decodes it).
        let info = json!({ "uid": i.user.oid, "utid": TENANT_ID }).to_string();
        body["client_info"] = Value::String(URL_SAFE_NO_PAD.encode(info));
    }
    with_cors(
        Some(origin),
        (StatusCode::OK, [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], axum::Json(body))
            .into_response(),
    )
}

/// `POST /{tenant}/oauth2/v2.0/token`
pub(crate) async fn token(
    State(st): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    let o = origin.as_deref();
    let bad = StatusCode::BAD_REQUEST;
    if !tenant_ok(&tenant) {
        return token_error(o, bad, "invalid_request", &format!("AADSTS90002: Tenant '{tenant}' not found."));
    }
    let p = params(&String::from_utf8_lossy(&body));
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let client_id = get("client_id");
    if client_id.is_empty() {
        return token_error(o, bad, "invalid_request", &missing_parameter("client_id"));
    }
    if client_id != CLIENT_ID {
        return token_error(o, bad, "unauthorized_client", &format!("AADSTS700016: Application with identifier '{client_id}' was not found in the directory 'Onbehalf Sandbox'."));
    }
    let Some(origin) = origin.clone() else {
        return token_error(None, bad, "invalid_request", "AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.");
    };
    if p.get("client_secret").is_some_and(|s| !s.is_empty()) {
        return token_error(
            o,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        );
    }
    match get("grant_type") {
        "authorization_code" => redeem_code(&st, &origin, &tenant, &p),
        "refresh_token" => {
            let hold = st.faults().refresh_latency_ms;
            if hold > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(hold)).await;
            }
            redeem_refresh(&st, &origin, &p)
        }
        "" => token_error(o, bad, "invalid_request", &missing_parameter("grant_type")),
        other => token_error(
            o,
            bad,
            "unsupported_grant_type",
            &format!("AADSTS70003: The app requested an unsupported grant type '{other}'."),
        ),
    }
}

/// A form parameter Entra requires: its value, or the AADSTS900144 text naming it (blank counts as missing).
fn required<'a>(p: &'a std::collections::HashMap<String, String>, name: &str) -> Result<&'a str, String> {
    match p.get(name).map(String::as_str) {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(missing_parameter(name)),
    }
}

fn redeem_code(st: &AppState, origin: &str, tenant: &str, p: &std::collections::HashMap<String, String>) -> Response {
    let o = Some(origin);
    let bad = StatusCode::BAD_REQUEST;
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let code = match required(p, "code") {
        Ok(v) => v,
        Err(m) => return token_error(o, bad, "invalid_request", &m),
    };
    let verifier = match required(p, "code_verifier") {
        Ok(v) => v,
        Err(m) => return token_error(o, bad, "invalid_request", &m),
    };
    let grant = {
        let mut codes = lock(&st.codes);
        let Some(g) = codes.get_mut(code) else {
            return token_error(
                o,
                bad,
                "invalid_grant",
                "AADSTS70000: The provided value for the 'code' parameter is not valid.",
            );
        };
        if g.used {
            return token_error(o, bad, "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
        }
        if now_ms() - g.issued_ms > CODE_LIFETIME_MS {
            return token_error(o, bad, "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
        }
        if g.req.client_id != get("client_id") {
            return token_error(o, bad, "invalid_grant", "AADSTS70000: The provided value for the 'code' parameter is not valid. The code was issued to a different client.");
        }
        if g.req.redirect_uri != get("redirect_uri") {
            return token_error(o, bad, "invalid_grant", "AADSTS500112: The reply address does not match the reply address provided when requesting Authorization code.");
        }
        if s256(verifier) != g.req.code_challenge {
            return token_error(o, bad, "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        }
        g.used = true;
        g.clone()
    };
    let resource = grant.req.scopes.resource.unwrap_or(GRAPH_RESOURCE);
    // With only OIDC scopes Entra still returns a Graph token; mirror that.
    let granted =
        if grant.req.scopes.resource.is_none() { vec!["User.Read".to_string()] } else { grant.granted.clone() };
    let _ = tenant;
    issue(
        st,
        origin,
        Issue {
            user: grant.user,
            resource,
            granted: &granted,
            oidc: &grant.req.scopes.oidc,
            nonce: grant.req.nonce.as_deref(),
            tenant: &grant.req.tenant,
            chain_start_ms: now_ms(),
            // Declared on the authorize request, or on this token request.
            cp1: grant.req.cp1 || declares_cp1(p.get("claims").map(String::as_str)),
        },
    )
}

fn redeem_refresh(st: &AppState, origin: &str, p: &std::collections::HashMap<String, String>) -> Response {
    let o = Some(origin);
    let bad = StatusCode::BAD_REQUEST;
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let rt = match required(p, "refresh_token") {
        Ok(v) => v,
        Err(m) => return token_error(o, bad, "invalid_request", &m),
    };
    let scope = match required(p, "scope") {
        Ok(v) => v,
        Err(m) => return token_error(o, bad, "invalid_request", &m),
    };
    let scopes = match parse_scopes(scope) {
        Ok(s) => s,
        Err(e) => return token_error(o, bad, "invalid_scope", &e.description()),
    };
    let grant = {
        let mut rts = lock(&st.refresh);
        let Some(g) = rts.get(rt).cloned() else {
            return token_error(
                o,
                bad,
                "invalid_grant",
                "AADSTS70000: The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
            );
        };
        if g.client_id != get("client_id") {
            return token_error(
                o,
                bad,
                "invalid_grant",
                "AADSTS70000: The refresh token was issued to a different client.",
            );
        }
        if now_ms() >= g.chain_start_ms + st.opts.refresh_lifetime as i64 * 1000 {
            rts.remove(rt);
            return token_error(o, bad, "invalid_grant", &format!(
                "AADSTS700084: The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of {}, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on {}.",
                lifetime_text(st.opts.refresh_lifetime), iso_secs(g.chain_start_ms)));
        }
        g
    };
    let resource = scopes.resource.unwrap_or(GRAPH_RESOURCE);
    let granted: Vec<String> = if scopes.resource.is_none() {
        vec!["User.Read".to_string()]
    } else {
        // A refresh token redeems for another resource's permissions the user has consented to (Entra's are
        // multi-resource); without that consent Entra refuses this grant and the token stays good.
        if !undecided_scopes(st, grant.user, &grant.client_id, &scopes).is_empty() {
            return token_error(o, bad, "invalid_grant", &format!("AADSTS65001: The user or administrator has not consented to use the application with ID '{CLIENT_ID}'. Send an interactive authorization request for this user and resource."));
        }
        granted_permissions(st, grant.user, &grant.client_id, &scopes)
    };
    // Rotation: the presented token dies with the grant it buys (a second use of it, even a racing one, fails).
    if lock(&st.refresh).remove(rt).is_none() {
        return token_error(
            o,
            bad,
            "invalid_grant",
            "AADSTS70000: The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
        );
    }
    // A refresh always yields a new refresh token, even if offline_access is not repeated.
    let mut oidc = scopes.oidc.clone();
    if !oidc.iter().any(|s| s == "offline_access") {
        oidc.push("offline_access".into());
    }
    issue(
        st,
        origin,
        Issue {
            user: grant.user,
            resource,
            granted: &granted,
            oidc: &oidc,
            nonce: None,
            tenant: &grant.tenant,
            chain_start_ms: grant.chain_start_ms,
            // Each token request declares its client's capabilities anew (MSAL sends them on every one).
            cp1: declares_cp1(p.get("claims").map(String::as_str)),
        },
    )
}

fn lifetime_text(secs: u64) -> String {
    format!("{}.{:02}:{:02}:{:02}", secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60, secs % 60)
}
