//! The app origin's `/defender-api/` relay, the same rules as the one `onbehalf-deploy` generates for nginx and Caddy
//! (README, "Deploy"): the page calls its own origin and the relay hands the call to the Defender API. Only the
//! page's own calls (`Sec-Fetch-Site: same-origin`), only GET and, to `/api/incidents/{id}` alone, PATCH; only the
//! user's `Authorization`, `Accept` and `Content-Type` go on; no cookie in either direction; the answer can run
//! nothing should it be opened as a page.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use tower::ServiceExt;

/// Where the relay answers on the app origin.
pub(crate) const PREFIX: &str = "/defender-api";
/// The relay's answers are API JSON, never a document (the deploy recipes send the same).
const RELAY_CSP: &str = "default-src 'none'; sandbox";
/// Request headers that go on; every other one (cookies, Origin, the browser's own) stays here.
const FORWARDED: [header::HeaderName; 3] = [header::AUTHORIZATION, header::ACCEPT, header::CONTENT_TYPE];

/// The relay routes, handing allowed calls to `defender` (the Defender API's router, logged as the `defender`
/// service, so the request log shows the API path as the API saw it).
pub(crate) fn router(defender: Router) -> Router {
    let relay = move |req: Request| {
        let defender = defender.clone();
        async move { with_relay_headers(relay_call(defender, req).await) }
    };
    Router::new().route(&format!("{PREFIX}/{{*rest}}"), any(relay))
}

/// Whether `path` (below the prefix) is one incident, the only thing a PATCH may go to (`^/api/incidents/\d+$`).
pub(crate) fn is_incident_path(path: &str) -> bool {
    path.strip_prefix("/api/incidents/").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

async fn relay_call(defender: Router, req: Request) -> Response {
    let same_origin = req.headers().get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"same-origin");
    if !same_origin {
        return StatusCode::FORBIDDEN.into_response();
    }
    let path = req.uri().path().strip_prefix(PREFIX).unwrap_or("/").to_string();
    let allowed = match *req.method() {
        Method::GET | Method::HEAD => true,
        Method::PATCH => is_incident_path(&path),
        _ => false,
    };
    if !allowed {
        return StatusCode::FORBIDDEN.into_response();
    }
    let target = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let (parts, body) = req.into_parts();
    let mut out = Request::builder().method(parts.method.clone()).uri(target);
    for name in FORWARDED {
        if let Some(v) = parts.headers.get(&name) {
            out = out.header(name, v.clone());
        }
    }
    let Ok(out) = out.body(Body::new(body)) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match defender.oneshot(out).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

fn with_relay_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.remove(header::SET_COOKIE);
    h.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    h.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(RELAY_CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::is_incident_path;

    #[test]
    fn patch_goes_to_one_incident_only() {
        assert!(is_incident_path("/api/incidents/1234"));
        for p in ["/api/incidents", "/api/incidents/", "/api/incidents/12/x", "/api/alerts/1", "/api/incidents/1a"] {
            assert!(!is_incident_path(p), "{p}");
        }
    }
}
