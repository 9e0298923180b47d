//! Token endpoint: build the code-exchange and refresh requests, parse the answer (including Entra errors).

use super::authorize::PendingAuth;
use super::discovery::ProviderMetadata;
use super::error::AuthError;
use super::secret::{AccessToken, AuthCode, IdToken, RefreshToken};
use crate::config::Config;
use crate::http::{form_urlencode, HttpRequest, HttpResponse, Method};
use serde_json::Value;

fn token_post(meta: &ProviderMetadata, body: String) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: meta.token_endpoint.clone(),
        headers: vec![
            ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: Some(body),
    }
}

/// The authorization-code redemption (public client: no secret; PKCE verifier instead).
pub(crate) fn code_exchange_request(
    meta: &ProviderMetadata,
    cfg: &Config,
    code: &AuthCode,
    pending: &PendingAuth,
) -> HttpRequest {
    let scope = cfg.request_scopes();
    let mut pairs = vec![
        ("client_id", cfg.client_id.as_str()),
        ("grant_type", "authorization_code"),
        ("code", code.secret()),
        ("redirect_uri", &pending.redirect_uri),
        ("code_verifier", pending.verifier.secret()),
        ("scope", &scope),
    ];
    // The claims the authorize request carried (the client capabilities, a challenge's claims).
    if let Some(c) = &pending.claims {
        pairs.push(("claims", c));
    }
    token_post(meta, form_urlencode(&pairs))
}

/// The refresh-token grant. Entra needs `scope` (one resource) here, or it fails (AADSTS90009/28003).
pub(crate) fn refresh_request(meta: &ProviderMetadata, cfg: &Config, rt: &RefreshToken) -> HttpRequest {
    refresh_request_for(meta, cfg, rt, &cfg.request_scopes())
}

/// The refresh-token grant for `scope` (one resource, maybe not the configured one: Entra's refresh tokens
/// are multi-resource, so the same one asks for a Graph token beside a Defender session's).
pub(crate) fn refresh_request_for(
    meta: &ProviderMetadata,
    cfg: &Config,
    rt: &RefreshToken,
    scope: &str,
) -> HttpRequest {
    let claims = super::claims::claims_parameter(&cfg.client_capabilities, None);
    let mut pairs = vec![
        ("client_id", cfg.client_id.as_str()),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt.secret()),
        ("scope", scope),
    ];
    // The client capabilities again (Entra reads `xms_cc` from every token request; MSAL sends it on each).
    if let Some(c) = &claims {
        pairs.push(("claims", c));
    }
    token_post(meta, form_urlencode(&pairs))
}

/// A successful token endpoint answer.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    /// Access token for the API.
    pub access_token: AccessToken,
    /// Always `Bearer` (checked).
    pub token_type: String,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// Granted scopes (space separated), if given.
    pub scope: Option<String>,
    /// Refresh token (needs `offline_access`).
    pub refresh_token: Option<RefreshToken>,
    /// ID token (needs `openid`).
    pub id_token: Option<IdToken>,
}

const MAX_BODY: usize = 1_000_000;

fn str_field(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

/// RFC 6750 §2.1 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. A token is
/// sent in an `Authorization` header (or a form field): anything else could split or forge a header.
pub(crate) fn is_b64token(t: &str) -> bool {
    let body = t.trim_end_matches('=');
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// A token field, refused unless it is a `b64token`.
fn token_field(v: &Value, k: &str) -> Result<Option<String>, AuthError> {
    match str_field(v, k) {
        Some(t) if !is_b64token(&t) => Err(AuthError::TokenEndpoint(format!(
            "the {k} holds characters a bearer token cannot (RFC 6750 b64token); it was refused"
        ))),
        t => Ok(t),
    }
}

/// Parses the token endpoint's answer. Non-2xx with an OAuth error body → [`AuthError::Provider`].
pub fn parse_token_response(resp: &HttpResponse) -> Result<TokenResponse, AuthError> {
    if resp.body.len() > MAX_BODY {
        return Err(AuthError::TokenEndpoint("response too large".into()));
    }
    let parsed: Option<Value> = serde_json::from_str(&resp.body).ok().filter(Value::is_object);
    if !resp.is_success() {
        if let Some(err) = parsed.as_ref().and_then(|v| str_field(v, "error")) {
            let desc = parsed.as_ref().and_then(|v| str_field(v, "error_description"));
            return Err(AuthError::provider(err, desc));
        }
        return Err(AuthError::TokenEndpoint(format!("HTTP {} without an OAuth error body", resp.status)));
    }
    let v = parsed.ok_or_else(|| AuthError::TokenEndpoint("the answer is not a JSON object".into()))?;
    // Some servers answer 200 with an error body.
    if let Some(err) = str_field(&v, "error") {
        return Err(AuthError::provider(err, str_field(&v, "error_description")));
    }
    let access_token =
        token_field(&v, "access_token")?.ok_or_else(|| AuthError::TokenEndpoint("no access_token".into()))?;
    let refresh_token = token_field(&v, "refresh_token")?;
    let token_type = str_field(&v, "token_type").ok_or_else(|| AuthError::TokenEndpoint("no token_type".into()))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::TokenEndpoint(format!(
            "unsupported token_type \"{}\" (expected Bearer)",
            token_type.chars().take(40).collect::<String>()
        )));
    }
    let expires_in = match v.get("expires_in") {
        Some(Value::Number(n)) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
        }
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        None | Some(Value::Null) => Some(3600),
        _ => None,
    }
    .ok_or_else(|| AuthError::TokenEndpoint("expires_in is not a number".into()))?;
    Ok(TokenResponse {
        access_token: AccessToken::new(access_token),
        token_type,
        expires_in,
        scope: str_field(&v, "scope"),
        refresh_token: refresh_token.map(RefreshToken::new),
        id_token: str_field(&v, "id_token").map(IdToken::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::authorize::tests::{config, meta, pending};
    use crate::http::{parse_query, query_get};

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, headers: vec![], body: body.into() }
    }

    #[test]
    fn exchange_request_form() {
        let p = pending("s", 1);
        let r = code_exchange_request(&meta(), &config(), &AuthCode::new("c o+de".into()), &p);
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, meta().token_endpoint);
        assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
        let q = parse_query(r.body.as_deref().unwrap());
        assert_eq!(query_get(&q, "grant_type"), Some("authorization_code"));
        assert_eq!(query_get(&q, "code"), Some("c o+de"));
        assert_eq!(query_get(&q, "code_verifier"), Some(p.verifier.secret()));
        assert_eq!(query_get(&q, "redirect_uri"), Some(p.redirect_uri.as_str()));
        assert_eq!(query_get(&q, "client_id"), Some("11111111-2222-3333-4444-555555555555"));
        assert!(query_get(&q, "scope").unwrap().contains("Incident.Read"));
    }

    /// Issue 23: Continuous Access Evaluation reaches only clients that declare `cp1` on their token requests.
    #[test]
    fn token_requests_declare_the_client_capabilities() {
        const CP1: &str = r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#;
        let r = refresh_request(&meta(), &config(), &RefreshToken::new("rt".into()));
        assert_eq!(query_get(&parse_query(r.body.as_deref().unwrap()), "claims"), Some(CP1));
        let off = Config { client_capabilities: vec![], ..config() };
        let r = refresh_request_for(&meta(), &off, &RefreshToken::new("rt".into()), "openid");
        assert_eq!(query_get(&parse_query(r.body.as_deref().unwrap()), "claims"), None, "turned off");
        // The code redemption repeats what the authorize request carried.
        let mut p = pending("s", 1);
        p.claims = Some(CP1.into());
        let r = code_exchange_request(&meta(), &config(), &AuthCode::new("c".into()), &p);
        assert_eq!(query_get(&parse_query(r.body.as_deref().unwrap()), "claims"), Some(CP1));
        p.claims = None;
        let r = code_exchange_request(&meta(), &config(), &AuthCode::new("c".into()), &p);
        assert_eq!(query_get(&parse_query(r.body.as_deref().unwrap()), "claims"), None);
    }

    #[test]
    fn refresh_request_has_scope() {
        let r = refresh_request(&meta(), &config(), &RefreshToken::new("rt".into()));
        let q = parse_query(r.body.as_deref().unwrap());
        assert_eq!(query_get(&q, "grant_type"), Some("refresh_token"));
        assert_eq!(query_get(&q, "refresh_token"), Some("rt"));
        assert!(query_get(&q, "scope").is_some());
        assert!(!format!("{r:?}").contains("rt&"));
    }

    #[test]
    fn parses_success() {
        let t = parse_token_response(&resp(200, r#"{"token_type":"bearer","scope":"https://api.security.microsoft.com/Incident.Read","expires_in":"4999","ext_expires_in":4999,"access_token":"at","refresh_token":"rt","id_token":"it"}"#)).unwrap();
        assert_eq!(t.expires_in, 4999);
        assert_eq!(t.access_token.secret(), "at");
        assert_eq!(t.refresh_token.unwrap().secret(), "rt");
        assert!(t.id_token.is_some());
        let t = parse_token_response(&resp(200, r#"{"token_type":"Bearer","expires_in":3599,"access_token":"at"}"#))
            .unwrap();
        assert!(t.refresh_token.is_none() && t.scope.is_none());
    }

    #[test]
    fn entra_error_with_aadsts() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token. Trace ID: x Correlation ID: y Timestamp: 2024-01-01 00:00:00Z","error_codes":[54005],"timestamp":"2024-01-01 00:00:00Z","trace_id":"x","correlation_id":"y"}"#;
        match parse_token_response(&resp(400, body)).unwrap_err() {
            AuthError::Provider { error, code, explanation, .. } => {
                assert_eq!(error, "invalid_grant");
                assert_eq!(code, Some(54005));
                assert!(explanation.unwrap().contains("already redeemed"));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn tokens_that_are_not_b64token_are_refused() {
        for good in ["at", "eyJ0.eyJ1.c2ln", "0.AXo-_~+/x==", "a="] {
            assert!(is_b64token(good), "{good}");
        }
        for bad in ["", "=", "a b", "a\r\nX-Evil: 1", "a,b", "a\"", "é", "=a", "a=b", "tab\t"] {
            assert!(!is_b64token(bad), "{bad:?}");
        }
        let body = |at: &str, rt: &str| {
            serde_json::json!({"token_type":"Bearer","expires_in":3600,"access_token":at,"refresh_token":rt})
                .to_string()
        };
        assert!(parse_token_response(&resp(200, &body("at.x-y_z", "0.rt~+/=="))).is_ok());
        for (at, rt) in [("at\r\nX-Injected: 1", "rt"), ("at", "rt\nx"), ("a t", "rt"), ("at", "r,t")] {
            match parse_token_response(&resp(200, &body(at, rt))) {
                Err(AuthError::TokenEndpoint(m)) => assert!(m.contains("b64token"), "{m}"),
                other => panic!("{at:?} {rt:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn bad_answers() {
        assert!(
            matches!(parse_token_response(&resp(502, "<html>Bad gateway</html>")).unwrap_err(), AuthError::TokenEndpoint(m) if m.contains("502"))
        );
        assert!(matches!(parse_token_response(&resp(200, "<html>")).unwrap_err(), AuthError::TokenEndpoint(_)));
        assert!(
            matches!(parse_token_response(&resp(200, r#"{"token_type":"mac","expires_in":1,"access_token":"a"}"#)).unwrap_err(), AuthError::TokenEndpoint(m) if m.contains("Bearer"))
        );
        assert!(parse_token_response(&resp(200, r#"{"token_type":"Bearer","expires_in":1}"#)).is_err());
        assert!(parse_token_response(&resp(200, r#"{"token_type":"Bearer","expires_in":"soon","access_token":"a"}"#))
            .is_err());
        assert!(parse_token_response(&resp(200, r#"{"error":"invalid_request"}"#)).is_err());
        assert!(parse_token_response(&resp(200, "[]")).is_err());
    }
}
