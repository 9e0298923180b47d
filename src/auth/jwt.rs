//! JWT decoding without signature checks, ID-token validation (OIDC Core 3.1.3.7), and access-token claims for display.

use super::discovery::ProviderMetadata;
use super::secret::{AccessToken, IdToken, Nonce};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;

/// Tokens larger than this are refused before decoding.
pub(crate) const MAX_JWT_LEN: usize = 64 * 1024;
/// Allowed clock skew for `exp`/`iat` (RFC 7519 leeway; MSAL uses 300 s too).
pub(crate) const CLOCK_SKEW_SECS: u64 = 300;

/// Why a JWT could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Larger than [`MAX_JWT_LEN`].
    #[error("token is too large")]
    TooLarge,
    /// Not three dot-separated parts.
    #[error("token is not a JWT (expected three dot-separated parts)")]
    NotJwt,
    /// A part is not base64url.
    #[error("token {0} is not base64url")]
    BadBase64(&'static str),
    /// A part is not a JSON object.
    #[error("token {0} is not a JSON object")]
    BadJson(&'static str),
}

/// Why an ID token was rejected. Messages name the claim; they never include the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// Undecodable.
    #[error("{0}")]
    Malformed(JwtError),
    /// `alg` missing or `none`.
    #[error("its signing algorithm (alg) is missing or \"none\"")]
    UnsignedAlg,
    /// `iss` wrong.
    #[error("issuer (iss) is \"{got}\", expected \"{expected}\"")]
    WrongIssuer {
        /// Expected issuer.
        expected: String,
        /// Issuer found.
        got: String,
    },
    /// `aud` missing or lacks our client_id.
    #[error("audience (aud) is {got:?}, expected this app's client id {expected}")]
    WrongAudience {
        /// client_id.
        expected: String,
        /// Audiences found.
        got: Vec<String>,
    },
    /// `aud` lists another audience too.
    #[error("audience (aud) also names another application: {0:?}")]
    ExtraAudience(Vec<String>),
    /// Required claim missing or empty.
    #[error("required claim \"{0}\" is missing or empty")]
    MissingClaim(&'static str),
    /// Expired.
    #[error("it expired at {exp} (now {now}, allowing 300 s of clock skew)")]
    Expired {
        /// `exp`.
        exp: u64,
        /// now.
        now: u64,
    },
    /// Issued in the future.
    #[error("it was issued in the future (iat {iat}, now {now}); check this computer's clock")]
    IssuedInFuture {
        /// `iat`.
        iat: u64,
        /// now.
        now: u64,
    },
    /// Nonce differs.
    #[error("its nonce does not match the one sent with the sign-in request")]
    NonceMismatch,
    /// The signature could not be checked or does not verify.
    #[error("{0}")]
    Signature(super::jwks::SignatureError),
    /// `azp` (authorized party) is present and names another application.
    #[error("its authorized party (azp) is \"{0}\", not this app's client id")]
    WrongAzp(String),
}

fn b64_json(part: &str, what: &'static str) -> Result<Value, JwtError> {
    // Some issuers pad; accept both, ignoring '=' padding.
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(part))
        .map_err(|_| JwtError::BadBase64(what))?;
    // from_str, not from_slice: every other parse in the app reads a &str, and each reader type is a
    // whole second copy of serde_json's parser in the wasm.
    let text = std::str::from_utf8(&bytes).map_err(|_| JwtError::BadJson(what))?;
    let v: Value = serde_json::from_str(text).map_err(|_| JwtError::BadJson(what))?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(JwtError::BadJson(what))
    }
}

/// Decodes header and claims without checking the signature.
pub fn decode_unverified(token: &str) -> Result<(Value, Value), JwtError> {
    if token.len() > MAX_JWT_LEN {
        return Err(JwtError::TooLarge);
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [h, c, _sig] = parts.as_slice() else {
        return Err(JwtError::NotJwt);
    };
    Ok((b64_json(h, "header")?, b64_json(c, "payload")?))
}

/// Validated ID-token claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClaims {
    /// Issuer.
    pub iss: String,
    /// Subject (pairwise per app in Entra).
    pub sub: String,
    /// Audiences.
    pub aud: Vec<String>,
    /// Expiry (unix seconds).
    pub exp: u64,
    /// Issued at (unix seconds).
    pub iat: u64,
    /// Nonce echoed.
    pub nonce: Option<String>,
    /// Entra tenant id.
    pub tid: Option<String>,
    /// Entra object id of the user.
    pub oid: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Sign-in name (UPN/email), usable as `login_hint`.
    pub preferred_username: Option<String>,
    /// Entra's `login_hint` optional claim: the value its end-session endpoint expects as `logout_hint`.
    pub login_hint: Option<String>,
}

impl IdClaims {
    /// The name to show: `name`, else `preferred_username` (never `sub`, an opaque id).
    pub(crate) fn display_name(&self) -> Option<&str> {
        self.name.as_deref().or(self.preferred_username.as_deref())
    }
}

fn str_claim(c: &Value, k: &str) -> Option<String> {
    c.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A numeric date; tolerates floats and numeric strings, as some issuers send them.
fn num_claim(c: &Value, k: &str) -> Option<u64> {
    match c.get(k)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn aud_list(c: &Value) -> Vec<String> {
    match c.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Validates an ID token received directly from the token endpoint (OIDC Core 3.1.3.7; the signature
/// check is skipped as rule 6 allows for TLS-protected token-endpoint responses).
pub fn validate_id_token(
    id_token: &IdToken,
    meta: &ProviderMetadata,
    client_id: &str,
    nonce: &Nonce,
    now: u64,
) -> Result<IdClaims, IdTokenError> {
    let (header, c) = decode_unverified(id_token.secret()).map_err(IdTokenError::Malformed)?;
    match header.get("alg").and_then(Value::as_str) {
        Some(a) if !a.is_empty() && !a.eq_ignore_ascii_case("none") => {}
        _ => return Err(IdTokenError::UnsignedAlg),
    }

    let tid = str_claim(&c, "tid");
    let iss = str_claim(&c, "iss").ok_or(IdTokenError::MissingClaim("iss"))?;
    let expected = meta.expected_issuer(tid.as_deref()).unwrap_or_else(|| meta.issuer.clone());
    if iss != expected {
        return Err(IdTokenError::WrongIssuer { expected, got: iss });
    }

    let aud = aud_list(&c);
    if aud.is_empty() {
        return Err(IdTokenError::MissingClaim("aud"));
    }
    if !aud.iter().any(|a| a == client_id) {
        return Err(IdTokenError::WrongAudience { expected: client_id.to_string(), got: aud });
    }
    let extra: Vec<String> = aud.iter().filter(|a| *a != client_id).cloned().collect();
    if !extra.is_empty() {
        return Err(IdTokenError::ExtraAudience(extra));
    }

    let sub = str_claim(&c, "sub").ok_or(IdTokenError::MissingClaim("sub"))?;
    let exp = num_claim(&c, "exp").ok_or(IdTokenError::MissingClaim("exp"))?;
    if exp.saturating_add(CLOCK_SKEW_SECS) <= now {
        return Err(IdTokenError::Expired { exp, now });
    }
    let iat = num_claim(&c, "iat").ok_or(IdTokenError::MissingClaim("iat"))?;
    if iat > now.saturating_add(CLOCK_SKEW_SECS) {
        return Err(IdTokenError::IssuedInFuture { iat, now });
    }
    let got_nonce = str_claim(&c, "nonce").ok_or(IdTokenError::MissingClaim("nonce"))?;
    if got_nonce != nonce.secret() {
        return Err(IdTokenError::NonceMismatch);
    }
    if let Some(azp) = c.get("azp").filter(|v| !v.is_null()) {
        if azp.as_str() != Some(client_id) {
            return Err(IdTokenError::WrongAzp(azp.as_str().map_or_else(|| azp.to_string(), str::to_string)));
        }
    }

    Ok(IdClaims {
        iss,
        sub,
        aud,
        exp,
        iat,
        nonce: Some(got_nonce),
        tid,
        oid: str_claim(&c, "oid"),
        name: str_claim(&c, "name"),
        preferred_username: str_claim(&c, "preferred_username"),
        login_hint: str_claim(&c, "login_hint"),
    })
}

/// Access-token claims, decoded for display only (the client does not and cannot validate them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessClaims {
    /// Audience (first if several).
    pub aud: Option<String>,
    /// Delegated scopes (`scp`, space separated in the token).
    pub scp: Vec<String>,
    /// App roles.
    pub roles: Vec<String>,
    /// Entra directory roles held, as role template ids (`wids`; present only when the app asks for them).
    pub wids: Vec<String>,
    /// User display name.
    pub name: Option<String>,
    /// Sign-in name.
    pub preferred_username: Option<String>,
    /// Tenant.
    pub tid: Option<String>,
    /// User object id.
    pub oid: Option<String>,
    /// Issuer.
    pub iss: Option<String>,
    /// Expiry.
    pub exp: Option<u64>,
    /// Issued at.
    pub iat: Option<u64>,
    /// Name of the client app (v1 `app_displayname`).
    pub app_displayname: Option<String>,
    /// Client app id (`appid` v1, `azp` v2).
    pub appid: Option<String>,
}

/// Claims of an access token, or None if it is not a decodable JWT.
pub fn access_claims(token: &AccessToken) -> Option<AccessClaims> {
    let (_, c) = decode_unverified(token.secret()).ok()?;
    let strs = |k: &str| -> Vec<String> {
        match c.get(k) {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        }
    };
    Some(AccessClaims {
        aud: aud_list(&c).into_iter().next(),
        scp: strs("scp"),
        roles: strs("roles"),
        wids: strs("wids"),
        name: str_claim(&c, "name"),
        preferred_username: str_claim(&c, "preferred_username").or_else(|| str_claim(&c, "upn")),
        tid: str_claim(&c, "tid"),
        oid: str_claim(&c, "oid"),
        iss: str_claim(&c, "iss"),
        exp: num_claim(&c, "exp"),
        iat: num_claim(&c, "iat"),
        app_displayname: str_claim(&c, "app_displayname"),
        appid: str_claim(&c, "appid").or_else(|| str_claim(&c, "azp")),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::auth::authorize::tests::meta;
    use serde_json::json;

    pub(crate) const CID: &str = "11111111-2222-3333-4444-555555555555";
    pub(crate) const TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    pub(crate) const NOW: u64 = 1_700_000_000;

    pub(crate) fn jwt(header: Value, claims: Value) -> String {
        format!("{}.{}.c2ln", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    fn good_claims() -> Value {
        json!({
            "aud": CID, "iss": format!("https://login.microsoftonline.com/{TID}/v2.0"),
            "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 3600, "name": "Ada <b>Analyst</b>",
            "nonce": "n0nce+/=", "oid": "00000000-0000-0000-66f3-3332eca7ea81",
            "preferred_username": "ada@contoso.com", "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            "tid": TID, "uti": "x", "ver": "2.0"
        })
    }

    fn good_token() -> IdToken {
        IdToken::new(jwt(json!({"typ":"JWT","alg":"RS256","kid":"k1"}), good_claims()))
    }

    fn check(claims: Value) -> Result<IdClaims, IdTokenError> {
        let t = IdToken::new(jwt(json!({"alg":"RS256"}), claims));
        validate_id_token(&t, &meta(), CID, &Nonce::new("n0nce+/=".into()), NOW)
    }

    fn with(k: &str, v: Value) -> Value {
        let mut c = good_claims();
        c[k] = v;
        c
    }

    fn without(k: &str) -> Value {
        let mut c = good_claims();
        c.as_object_mut().unwrap().remove(k);
        c
    }

    #[test]
    fn accepts_good_token() {
        let c = validate_id_token(&good_token(), &meta(), CID, &Nonce::new("n0nce+/=".into()), NOW).unwrap();
        assert_eq!(c.tid.as_deref(), Some(TID));
        assert_eq!(c.display_name(), Some("Ada <b>Analyst</b>"));
        let anonymous = IdClaims { name: None, preferred_username: None, ..c.clone() };
        assert_eq!(IdClaims { name: None, ..c }.display_name(), Some("ada@contoso.com"));
        assert_eq!(anonymous.display_name(), None);
        assert!(check(with("aud", json!([CID]))).is_ok(), "aud as array is fine");
    }

    #[test]
    fn template_issuer_filled_from_tid() {
        let mut m = meta();
        m.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0".into();
        let n = Nonce::new("n0nce+/=".into());
        assert!(validate_id_token(&good_token(), &m, CID, &n, NOW).is_ok());
        let t = IdToken::new(jwt(json!({"alg":"RS256"}), with("tid", json!("00000000-0000-0000-0000-000000000001"))));
        assert!(matches!(validate_id_token(&t, &m, CID, &n, NOW), Err(IdTokenError::WrongIssuer { .. })));
    }

    #[test]
    fn rejects_wrong_iss() {
        let e = check(with("iss", json!("https://evil.example/v2.0"))).unwrap_err();
        assert!(matches!(e, IdTokenError::WrongIssuer { .. }));
        assert!(e.to_string().contains("evil.example"));
        assert_eq!(check(without("iss")).unwrap_err(), IdTokenError::MissingClaim("iss"));
    }

    #[test]
    fn rejects_aud() {
        assert!(matches!(check(with("aud", json!("someone-else"))).unwrap_err(), IdTokenError::WrongAudience { .. }));
        assert!(matches!(check(with("aud", json!([CID, "other"]))).unwrap_err(), IdTokenError::ExtraAudience(_)));
        assert_eq!(check(without("aud")).unwrap_err(), IdTokenError::MissingClaim("aud"));
    }

    #[test]
    fn rejects_missing_sub() {
        assert_eq!(check(without("sub")).unwrap_err(), IdTokenError::MissingClaim("sub"));
        assert_eq!(check(with("sub", json!(""))).unwrap_err(), IdTokenError::MissingClaim("sub"));
    }

    #[test]
    fn exp_rules() {
        assert!(matches!(check(with("exp", json!(NOW - 301))).unwrap_err(), IdTokenError::Expired { .. }));
        assert!(check(with("exp", json!(NOW - 200))).is_ok(), "within leeway");
        assert_eq!(check(without("exp")).unwrap_err(), IdTokenError::MissingClaim("exp"));
    }

    #[test]
    fn iat_rules() {
        assert_eq!(check(without("iat")).unwrap_err(), IdTokenError::MissingClaim("iat"));
        assert!(matches!(check(with("iat", json!(NOW + 301))).unwrap_err(), IdTokenError::IssuedInFuture { .. }));
    }

    #[test]
    fn azp_when_present_must_be_this_app() {
        assert!(check(with("azp", json!(CID))).is_ok());
        assert!(check(without("azp")).is_ok(), "absent is fine");
        assert_eq!(check(with("azp", json!("other-app"))).unwrap_err(), IdTokenError::WrongAzp("other-app".into()));
        assert!(matches!(check(with("azp", json!(5))).unwrap_err(), IdTokenError::WrongAzp(_)));
    }

    #[test]
    fn nonce_rules() {
        assert_eq!(check(with("nonce", json!("other"))).unwrap_err(), IdTokenError::NonceMismatch);
        assert_eq!(check(without("nonce")).unwrap_err(), IdTokenError::MissingClaim("nonce"));
    }

    #[test]
    fn rejects_alg_none() {
        for h in [json!({"alg":"none"}), json!({"alg":"NoNe"}), json!({"typ":"JWT"}), json!({"alg":""})] {
            let t = IdToken::new(jwt(h, good_claims()));
            assert_eq!(
                validate_id_token(&t, &meta(), CID, &Nonce::new("n0nce+/=".into()), NOW).unwrap_err(),
                IdTokenError::UnsignedAlg
            );
        }
    }

    #[test]
    fn malformed_tokens() {
        for t in ["", "a.b", "a.b.c.d", "!!.!!.x", "e30.e30", "W10.e30.x"] {
            assert!(decode_unverified(t).is_err(), "{t}");
        }
        assert_eq!(decode_unverified(&"a".repeat(70_000)).unwrap_err(), JwtError::TooLarge);
        let e =
            validate_id_token(&IdToken::new("garbage".into()), &meta(), CID, &Nonce::new("x".into()), NOW).unwrap_err();
        assert!(!e.to_string().contains("garbage"));
    }

    #[test]
    fn access_claims_for_display() {
        let t = AccessToken::new(jwt(
            json!({"alg":"RS256","nonce":"abc"}),
            json!({"aud":"https://api.security.microsoft.com","scp":"Incident.Read User.Read","tid":TID,"exp":NOW,"appid":"x","name":"Ada"}),
        ));
        let c = access_claims(&t).unwrap();
        assert_eq!(c.scp, vec!["Incident.Read", "User.Read"]);
        assert_eq!(c.aud.as_deref(), Some("https://api.security.microsoft.com"));
        assert_eq!(c.exp, Some(NOW));
        assert!(access_claims(&AccessToken::new("opaque".into())).is_none());
    }
}
