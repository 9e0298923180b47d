//! `/authorize`: validation, the sign-in and consent pages, and the redirect back.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::clock::now_ms;
use crate::directory::{find_user, parse_authorize_scopes, User, APP_NAME, CLIENT_ID};
use crate::pkce::valid_s256_challenge;
use crate::state::{lock, random_token, AppState, AuthRequest, CodeGrant, Pending};

use super::{granted_permissions, missing_parameter, pages, tenant_ok, undecided_scopes};

/// Authorization codes live ten minutes (RFC 6749 §4.1.2 maximum, Entra's value).
pub(crate) const CODE_LIFETIME_MS: i64 = 600_000;
/// Abandoned sign-in pages are forgotten after an hour.
const PENDING_LIFETIME_MS: i64 = 3_600_000;

/// Parses a query or form body; the first value of a repeated key wins.
pub(crate) fn params(raw: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap_or_default() {
        out.entry(k).or_insert(v);
    }
    out
}

fn error_page(status: StatusCode, description: &str) -> Response {
    (status, no_store(), Html(pages::error(description))).into_response()
}

fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [(header::CACHE_CONTROL, "no-store"), (header::HeaderName::from_static("x-frame-options"), "DENY")]
}

/// Builds the redirect back to the client with `params` in the query or fragment.
fn redirect_to(redirect_uri: &str, fragment: bool, params: &[(&str, String)]) -> Response {
    let encoded = serde_urlencoded::to_string(params).unwrap_or_default();
    let sep = if fragment {
        "#"
    } else if redirect_uri.contains('?') {
        "&"
    } else {
        "?"
    };
    let location = format!("{redirect_uri}{sep}{encoded}");
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)], no_store()).into_response(),
        Err(_) => error_page(StatusCode::BAD_REQUEST, "AADSTS90100: Invalid redirect location."),
    }
}

fn iss_param(st: &AppState) -> Option<(&'static str, String)> {
    let f = st.faults();
    if !f.sends_iss() {
        return None;
    }
    Some(("iss", f.authorize_response_iss.unwrap_or_else(|| st.issuer())))
}

/// Redirects an OAuth error to the (already validated) redirect URI.
pub(crate) fn error_redirect(
    st: &AppState,
    req_uri: &str,
    fragment: bool,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let code = description.strip_prefix("AADSTS").and_then(|r| r.split(':').next()).unwrap_or("0").to_string();
    let mut p: Vec<(&str, String)> = vec![
        ("error", error.to_string()),
        ("error_description", description.to_string()),
        ("error_codes", format!("[{code}]")),
    ];
    if let Some(s) = state {
        p.push(("state", s.to_string()));
    }
    if let Some(i) = iss_param(st) {
        p.push(i);
    }
    redirect_to(req_uri, fragment, &p)
}

fn req_error(st: &AppState, req: &AuthRequest, error: &str, description: &str) -> Response {
    error_redirect(st, &req.redirect_uri, req.fragment, req.state.as_deref(), error, description)
}

/// The signed-in user of this browser, from the IdP session cookie.
pub(crate) fn session_user(st: &AppState, headers: &HeaderMap) -> Option<(String, &'static User, i64)> {
    let sid = cookie(headers, &st.cookie_name)?;
    let sessions = lock(&st.sessions);
    sessions.get(&sid).map(|(u, t)| (sid.clone(), *u, *t))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `GET /{tenant}/oauth2/v2.0/authorize`
pub(crate) async fn authorize(
    State(st): State<AppState>,
    Path(tenant): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let p = params(q.as_deref().unwrap_or(""));
    let get = |k: &str| p.get(k).map(String::as_str);
    if !tenant_ok(&tenant) {
        return error_page(StatusCode::BAD_REQUEST, &format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."));
    }
    let client_id = get("client_id").unwrap_or("");
    if client_id.is_empty() {
        return error_page(StatusCode::BAD_REQUEST, &missing_parameter("client_id"));
    }
    if client_id != CLIENT_ID {
        return error_page(StatusCode::BAD_REQUEST, &format!("AADSTS700016: Application with identifier '{client_id}' was not found in the directory 'Onbehalf Sandbox'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."));
    }
    let redirect_uri = get("redirect_uri").unwrap_or("");
    if !st.is_registered(redirect_uri) {
        return error_page(StatusCode::BAD_REQUEST, &format!("AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{CLIENT_ID}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."));
    }
    // From here on the redirect URI is trusted, so errors go back to the client.
    let state = get("state").map(str::to_string);
    let fragment = match get("response_mode").unwrap_or("query") {
        "query" => false,
        "fragment" => true,
        other => {
            return error_redirect(&st, redirect_uri, false, state.as_deref(), "invalid_request",
                &format!("AADSTS900353: The response_mode '{other}' is not supported by the sandbox. Use 'query' or 'fragment'."));
        }
    };
    let err = |e: &str, d: &str| error_redirect(&st, redirect_uri, fragment, state.as_deref(), e, d);
    match get("response_type") {
        Some("code") => {}
        Some(rt) if rt.contains("token") => {
            return err(
                "unsupported_response_type",
                &format!("AADSTS700054: response_type '{rt}' is not enabled for the application."),
            )
        }
        Some(rt) => {
            return err(
                "unsupported_response_type",
                &format!("AADSTS700054: response_type '{rt}' is not supported. Only 'code' is allowed."),
            )
        }
        None => return err("invalid_request", &missing_parameter("response_type")),
    }
    let challenge = get("code_challenge").unwrap_or("");
    let method = get("code_challenge_method").unwrap_or("plain");
    if challenge.is_empty() {
        return err("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter. Proof Key for Code Exchange (S256) is required for single-page applications.");
    }
    if method != "S256" {
        return err("invalid_request", &format!("AADSTS501491: The code_challenge_method '{method}' is not supported. Proof Key for Code Exchange must use S256."));
    }
    if !valid_s256_challenge(challenge) {
        return err("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.");
    }
    let scope = get("scope").unwrap_or("");
    if scope.trim().is_empty() {
        return err("invalid_request", &missing_parameter("scope"));
    }
    let scopes = match parse_authorize_scopes(scope) {
        Ok(s) => s,
        Err(e) => return err("invalid_scope", &e.description()),
    };
    let prompt = get("prompt").map(str::to_string);
    if let Some(pr) = prompt.as_deref() {
        if !["none", "login", "consent", "select_account"].contains(&pr) {
            return err("invalid_request", &format!("AADSTS90023: Invalid prompt value '{pr}'."));
        }
    }
    let req = AuthRequest {
        tenant,
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        fragment,
        state,
        nonce: get("nonce").map(str::to_string),
        code_challenge: challenge.to_string(),
        prompt,
        login_hint: get("login_hint").map(str::to_string),
        scopes,
        cp1: super::capabilities::declares_cp1(get("claims")),
    };
    let session = session_user(&st, &headers);
    let hinted = req.login_hint.as_deref().and_then(find_user);
    let prompt = req.prompt.as_deref();
    if prompt == Some("none") {
        let Some((_, user, signed_in)) = session else {
            return req_error(
                &st,
                &req,
                "login_required",
                "AADSTS50058: A silent sign-in request was sent but no user is signed in.",
            );
        };
        if hinted.is_some_and(|h| h.id != user.id) {
            return req_error(
                &st,
                &req,
                "login_required",
                "AADSTS50058: A silent sign-in request was sent but the signed-in user does not match the login_hint.",
            );
        }
        if !undecided_scopes(&st, user, &req.client_id, &req.scopes).is_empty() {
            return req_error(&st, &req, "consent_required", &format!("AADSTS65001: The user or administrator has not consented to use the application with ID '{CLIENT_ID}' named '{APP_NAME}'. Send an interactive authorization request for this user and resource."));
        }
        return issue_code(&st, req, user, signed_in);
    }
    let needs_picker = match &session {
        None => true,
        Some((_, user, _)) => {
            matches!(prompt, Some("login" | "select_account")) || hinted.is_some_and(|h| h.id != user.id)
        }
    };
    let txn = random_token(18);
    let mut pending = Pending { req, user: None, signed_in_ms: 0, created_ms: now_ms() };
    if needs_picker {
        let page = pages::sign_in(
            &format!("/{}/oauth2/v2.0/authorize/signin", pending.req.tenant),
            &txn,
            hinted,
            session.as_ref().map(|s| s.1),
        );
        remember(&st, txn, pending);
        return (no_store(), Html(page)).into_response();
    }
    let Some((_, user, signed_in)) = session else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, "AADSTS90000: Session disappeared.");
    };
    pending.user = Some(user);
    pending.signed_in_ms = signed_in;
    consent_or_code(&st, txn, pending, true)
}

fn remember(st: &AppState, txn: String, pending: Pending) {
    let now = now_ms();
    let mut p = lock(&st.pending);
    p.retain(|_, v| now - v.created_ms < PENDING_LIFETIME_MS);
    p.insert(txn, pending);
}

/// The permissions the consent page asks about: with `prompt=consent` every requested one, otherwise only those the
/// user has not decided on yet (incremental consent: adding a scope later asks only about the new one).
fn consent_asked(st: &AppState, user: &User, req: &AuthRequest, forced: bool) -> Vec<String> {
    if forced {
        req.scopes.full_permissions()
    } else {
        undecided_scopes(st, user, &req.client_id, &req.scopes)
    }
}

fn consent_or_code(st: &AppState, txn: String, pending: Pending, allow_forced: bool) -> Response {
    let Some(user) = pending.user else {
        return error_page(StatusCode::BAD_REQUEST, "AADSTS90000: No user selected.");
    };
    let forced = allow_forced && pending.req.prompt.as_deref() == Some("consent");
    let asked = consent_asked(st, user, &pending.req, forced);
    if !asked.is_empty() {
        let page = pages::consent(
            &format!("/{}/oauth2/v2.0/authorize/consent", pending.req.tenant),
            &txn,
            user,
            &asked,
            &pending.req.scopes.oidc,
        );
        remember(st, txn, pending);
        return (no_store(), Html(page)).into_response();
    }
    let signed_in = pending.signed_in_ms;
    issue_code(st, pending.req, user, signed_in)
}

fn issue_code(st: &AppState, req: AuthRequest, user: &'static User, _signed_in_ms: i64) -> Response {
    let granted = granted_permissions(st, user, &req.client_id, &req.scopes);
    let code = random_token(48);
    let mut p: Vec<(&str, String)> = vec![("code", code.clone())];
    if let Some(s) = &req.state {
        p.push(("state", s.clone()));
    }
    if let Some(i) = iss_param(st) {
        p.push(i);
    }
    let (uri, fragment) = (req.redirect_uri.clone(), req.fragment);
    {
        let now = now_ms();
        let mut codes = lock(&st.codes);
        codes.retain(|_, c| now - c.issued_ms < 2 * CODE_LIFETIME_MS);
        codes.insert(code, CodeGrant { req, user, granted, issued_ms: now, used: false });
    }
    redirect_to(&uri, fragment, &p)
}

fn take_pending(st: &AppState, form: &HashMap<String, String>) -> Option<(String, Pending)> {
    let txn = form.get("txn")?.clone();
    let p = lock(&st.pending).remove(&txn)?;
    Some((txn, p))
}

const EXPIRED: &str =
    "AADSTS90000: This sign-in request has expired or was already completed. Go back to the app and sign in again.";

/// `POST …/authorize/signin`: the user picked an account.
pub(crate) async fn sign_in(State(st): State<AppState>, body: Bytes) -> Response {
    let form = params(&String::from_utf8_lossy(&body));
    let Some((txn, mut pending)) = take_pending(&st, &form) else {
        return error_page(StatusCode::BAD_REQUEST, EXPIRED);
    };
    let Some(user) = form.get("user").and_then(|u| find_user(u)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "AADSTS50034: The user account does not exist in the sandbox directory.",
        );
    };
    let now = now_ms();
    let sid = random_token(24);
    lock(&st.sessions).insert(sid.clone(), (user, now));
    pending.user = Some(user);
    pending.signed_in_ms = now;
    let mut resp = consent_or_code(&st, txn, pending, true);
    let cookie = format!("{}={sid}; Path=/; HttpOnly; SameSite=Lax", st.cookie_name);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// `POST …/authorize/consent`: Accept (with the checked permissions) or Cancel.
pub(crate) async fn consent(State(st): State<AppState>, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body);
    let form = params(&body);
    let Some((txn, pending)) = take_pending(&st, &form) else {
        return error_page(StatusCode::BAD_REQUEST, EXPIRED);
    };
    let Some(user) = pending.user else {
        return error_page(StatusCode::BAD_REQUEST, EXPIRED);
    };
    if form.get("action").map(String::as_str) != Some("accept") {
        return req_error(
            &st,
            &pending.req,
            "access_denied",
            "AADSTS65004: User declined to consent to access the app.",
        );
    }
    let checked: Vec<String> = serde_urlencoded::from_str::<Vec<(String, String)>>(&body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v)
        .collect();
    let forced = pending.req.prompt.as_deref() == Some("consent");
    let asked = consent_asked(&st, user, &pending.req, forced);
    {
        let mut consents = lock(&st.consents);
        let entry = consents.entry((user.id.to_string(), pending.req.client_id.clone())).or_default();
        // Only what the page asked about: an earlier decision on a scope not shown stays as it was.
        for s in asked {
            let granted = checked.contains(&s);
            entry.insert(s, granted);
        }
    }
    consent_or_code(&st, txn, pending, false)
}
