//! What the two incident APIs share: CORS, bearer validation, the per-user rate limit,
//! fault injection and error bodies.

pub(crate) mod defender;
pub(crate) mod graph;
mod update;

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::clock::{iso_secs, now_ms, now_secs};
use crate::directory::{User, USERS};
use crate::idp::capabilities::token_has_cp1;
use crate::jwt::{self, JwtError};
use crate::state::{lock, random_guid, AppState};

/// Which API is answering (they shape errors differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// Defender XDR.
    Defender,
    /// Microsoft Graph.
    Graph,
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::Defender => "defender",
            Api::Graph => "graph",
        }
    }

    /// An error response in this API's shape.
    pub(crate) fn error(self, status: StatusCode, code: &str, message: &str) -> Response {
        let body = match self {
            Api::Defender => json!({"error": {"code": code, "message": message, "target": random_guid()}}),
            Api::Graph => json!({"error": {"code": code, "message": message, "innerError": {
                "date": iso_secs(now_ms()),
                "request-id": random_guid(),
                "client-request-id": random_guid(),
            }}}),
        };
        (status, Json(body)).into_response()
    }
}

impl Api {
    /// 404 for an incident id that does not exist.
    pub(crate) fn not_found(self, id: &str) -> Response {
        match self {
            Api::Defender => {
                self.error(StatusCode::NOT_FOUND, "ResourceNotFound", &format!("Incident {id} was not found."))
            }
            Api::Graph => {
                self.error(StatusCode::NOT_FOUND, "NotFound", &format!("Incident with id '{id}' was not found."))
            }
        }
    }

    /// 400 for a request body the API refuses.
    pub(crate) fn bad_body(self, message: &str) -> Response {
        let code = match self {
            Api::Defender => "InvalidRequestBody",
            Api::Graph => "BadRequest",
        };
        self.error(StatusCode::BAD_REQUEST, code, message)
    }
}

/// [`guard`] for a write: the token must carry `write_scope`, and the signed-in user's role must allow managing
/// incidents (the services check the user's own rights too). Returns the user, the author of the change.
pub(crate) async fn guard_write(
    st: &AppState,
    api: Api,
    headers: &HeaderMap,
    audience: &str,
    write_scope: &str,
) -> Result<&'static User, Response> {
    let claims = guard(st, api, headers, audience, &[write_scope]).await?;
    let oid = claims.get("oid").and_then(Value::as_str).unwrap_or("");
    match USERS.iter().find(|u| u.oid == oid) {
        Some(u) if u.role.manages_incidents() => Ok(u),
        _ => Err(api.error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Insufficient privileges to complete the operation: the signed-in user's role does not allow managing incidents.",
        )),
    }
}

/// CORS for the API origins: echo the caller's origin, allow `Authorization`, expose
/// `Retry-After`, answer preflights. Graph always (it is made for browser apps); Defender only with
/// `--defender-direct`, since whether `api.security.microsoft.com` allows cross-origin calls is undocumented.
pub(crate) async fn cors(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut resp = if req.method() == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, PATCH, POST, OPTIONS"));
        let allow = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned()
            .unwrap_or(HeaderValue::from_static("authorization, content-type, prefer, client-request-id"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allow);
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        r
    } else {
        next.run(req).await
    };
    if let Some(o) = origin {
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After, request-id, client-request-id, WWW-Authenticate"),
        );
    }
    resp
}

/// Which of the per-user windows a 429 is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    Minute,
    Hour,
}

/// A 429. Defender documents only that "the response body indicates the time when you can begin making new calls",
/// so its wait is in the body alone, worded as Defender for Endpoint's API words it; Graph sends `Retry-After`, as
/// its throttling guidance documents. The `retry_after` fault's value replaces the wait verbatim (garbage included).
fn too_many(st: &AppState, api: Api, secs: u64, window: Window) -> Response {
    let wait = st.faults().retry_after.unwrap_or_else(|| secs.to_string());
    match api {
        Api::Defender => {
            let (max, per) = match window {
                Window::Minute => (st.opts.rate_per_minute, "00:01:00"),
                Window::Hour => (st.opts.rate_per_hour, "01:00:00"),
            };
            api.error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                &format!("API calls quota exceeded! Maximum allowed {max} per {per}. You can send requests again in {wait} seconds."),
            )
        }
        Api::Graph => {
            let mut r = api.error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                &format!("Rate limit is exceeded. Try again in {secs} seconds."),
            );
            if let Ok(v) = HeaderValue::from_str(&wait) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
    }
}

/// A CAE claims challenge as Entra-protected APIs send it (the claims ask for a token issued after now).
fn claims_challenge(api: Api) -> Response {
    use base64::Engine;
    let claims = format!(r#"{{"access_token":{{"nbf":{{"essential":true,"value":"{}"}}}}}}"#, now_secs());
    let value = format!(
        r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{}""#,
        base64::engine::general_purpose::STANDARD.encode(claims)
    );
    let mut r =
        api.error(StatusCode::UNAUTHORIZED, "Unauthorized", "Continuous access evaluation resulted in challenge");
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// Runs faults, bearer validation, permission check and rate limit; returns the claims.
pub(crate) async fn guard(
    st: &AppState,
    api: Api,
    headers: &HeaderMap,
    audience: &str,
    any_of: &[&str],
) -> Result<Value, Response> {
    let faults = st.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    {
        let mut f = lock(&st.faults);
        if f.force_429 > 0 {
            f.force_429 -= 1;
            drop(f);
            return Err(too_many(st, api, 2, Window::Minute));
        }
    }
    if faults.error_rate > 0.0 && rand::random::<f64>() < faults.error_rate {
        return Err(if rand::random::<bool>() {
            api.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "An unexpected error occurred. Please retry.",
            )
        } else {
            api.error(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry.",
            )
        });
    }
    let (unauth_code, forbidden_code) = match api {
        Api::Defender => ("Unauthorized", "Forbidden"),
        Api::Graph => ("InvalidAuthenticationToken", "Forbidden"),
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(api.error(
            StatusCode::UNAUTHORIZED,
            unauth_code,
            "Access token is empty. Authorization header is missing or invalid.",
        ));
    };
    let claims = jwt::validate(&st.key(), &token, audience, &st.issuer(), now_secs()).map_err(|e| {
        let msg = match e {
            JwtError::Malformed => "Access token validation failure: the token is not a valid JWT.",
            JwtError::BadSignature => "Access token validation failure: the signature is invalid.",
            JwtError::Expired => "Access token has expired or is not yet valid.",
            JwtError::WrongAudience => "Access token validation failure: invalid audience.",
            JwtError::WrongIssuer => "Access token validation failure: invalid issuer.",
        };
        api.error(StatusCode::UNAUTHORIZED, unauth_code, msg)
    })?;
    // Claims challenges only reach clients that declared they handle them (Entra: the `cp1` capability); any other
    // token stays good until it expires, so the fault waits for a cp1 token.
    if token_has_cp1(&claims) {
        let mut f = lock(&st.faults);
        if f.claims_challenge > 0 {
            f.claims_challenge -= 1;
            drop(f);
            return Err(claims_challenge(api));
        }
    }
    let scp = claims.get("scp").and_then(Value::as_str).unwrap_or("");
    if !scp.split(' ').any(|s| any_of.contains(&s)) {
        return Err(api.error(
            StatusCode::FORBIDDEN,
            forbidden_code,
            &format!(
                "Missing permissions on the request. API requires one of '{}'. Permissions on the request '{scp}'.",
                any_of.join(", ")
            ),
        ));
    }
    let oid = claims.get("oid").and_then(Value::as_str).unwrap_or("").to_string();
    if let Some((wait, window)) = rate_limited(st, api.name(), oid) {
        return Err(too_many(st, api, wait, window));
    }
    Ok(claims)
}

/// Sliding-window limit per user: returns the seconds to wait, and which window is full, when over it.
fn rate_limited(st: &AppState, service: &'static str, oid: String) -> Option<(u64, Window)> {
    let (per_min, per_hour) = (st.opts.rate_per_minute as usize, st.opts.rate_per_hour as usize);
    let now = now_ms();
    let mut map = lock(&st.rate);
    let q = map.entry((service, oid)).or_default();
    while q.front().is_some_and(|t| now - t >= 3_600_000) {
        q.pop_front();
    }
    let in_minute = q.iter().rev().take_while(|t| now - **t < 60_000).count();
    let wait = |oldest: i64, window: i64| (((oldest + window - now) as f64) / 1000.0).ceil().max(1.0) as u64;
    if in_minute >= per_min {
        let secs = match q.len().checked_sub(in_minute).and_then(|i| q.get(i)) {
            Some(t) if per_min > 0 => wait(*t, 60_000),
            _ => 60,
        };
        return Some((secs, Window::Minute));
    }
    if q.len() >= per_hour {
        return Some((q.front().map(|t| wait(*t, 3_600_000)).unwrap_or(3600), Window::Hour));
    }
    q.push_back(now);
    None
}

/// Serializes a successful body, then applies the body faults.
pub(crate) fn finish(st: &AppState, body: &Value) -> Response {
    let f = st.faults();
    let mut text = serde_json::to_string(body).unwrap_or_default();
    if f.malformed_json {
        text =
            "{\"@odata.context\": \"$metadata#Incidents\", \"value\": [ {incidentId: 1, 'status': undefined,} ".into();
    }
    if let Some(mb) = f.huge_body_mb.filter(|mb| *mb > 0) {
        // Valid JSON with the real page in it, padded with one huge unknown field: only a size limit stops it.
        let target = (mb.min(1024) as usize) * 1024 * 1024;
        let pad = target.saturating_sub(text.len() + 16);
        if let Some(stripped) = text.strip_suffix('}') {
            text = format!("{stripped},\"_pad\":\"{}\"}}", "x".repeat(pad));
        }
    }
    if f.truncate_body {
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    let ctype = if f.wrong_content_type {
        "text/html; charset=utf-8"
    } else {
        "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"
    };
    (StatusCode::OK, [(header::CONTENT_TYPE, ctype)], text).into_response()
}

/// Parses a raw query into pairs; repeated keys are an OData error, reported by the caller.
pub(crate) fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or("")).map_err(|e| e.to_string())
}

/// Percent-encodes a query value for nextLink.
pub(crate) fn encode_value(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
