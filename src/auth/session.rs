//! The signed-in session kept in sessionStorage, its renewal timing, and the auth state machine.

use super::jwt::{access_claims, IdClaims};
use super::secret::{AccessToken, RefreshToken};
use super::token::TokenResponse;

/// sessionStorage key of the session.
pub(crate) const SESSION_KEY: &str = "onbehalf.session";
/// Every key the app writes starts with this, so sign-out can clear them all.
pub(crate) const KEY_PREFIX: &str = "onbehalf.";
/// Entra's fixed refresh-token lifetime for SPA redirect URIs (AADSTS700084 after it).
pub(crate) const SPA_REFRESH_LIFETIME_SECS: u64 = 24 * 3600;

/// A signed-in user with a token for the configured API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    /// Access token for the API.
    pub access_token: AccessToken,
    /// Local clock at receipt + `expires_in` (not the token's `exp`: the local clock may be skewed).
    pub expires_at: u64,
    /// Granted scopes (token response `scope`, else the access token's `scp`).
    pub granted_scopes: Vec<String>,
    /// Validated ID-token claims.
    pub id_claims: IdClaims,
    /// Refresh token, if granted.
    pub refresh_token: Option<RefreshToken>,
    /// When the interactive sign-in happened (refresh tokens die 24 h later).
    pub signed_in_at: u64,
    /// Issuer the session came from.
    pub issuer: String,
    /// When the current access token was received (for renewal timing; 0 in sessions stored before it was).
    pub token_received_at: u64,
    /// The provider's end-session endpoint, kept with the session so sign-out can end the provider's
    /// session even before discovery has answered on this page load.
    pub end_session_endpoint: Option<String>,
}

/// The granted scopes. Entra's own example response percent-encodes `scope`
/// (`https%3A%2F%2Fgraph.microsoft.com%2Fmail.read`), so the string is decoded before it is split.
fn scopes_of(resp: &TokenResponse) -> Vec<String> {
    match &resp.scope {
        Some(s) => crate::http::percent_decode(s).split_whitespace().map(str::to_string).collect(),
        None => access_claims(&resp.access_token).map(|c| c.scp).unwrap_or_default(),
    }
}

/// Builds the session after a successful code exchange and ID-token validation.
pub(crate) fn session_from_token_response(
    resp: TokenResponse,
    id_claims: IdClaims,
    issuer: String,
    now: u64,
) -> Session {
    let granted_scopes = scopes_of(&resp);
    Session {
        expires_at: now.saturating_add(resp.expires_in),
        granted_scopes,
        access_token: resp.access_token,
        id_claims,
        refresh_token: resp.refresh_token,
        signed_in_at: now,
        issuer,
        token_received_at: now,
        end_session_endpoint: None,
    }
}

/// The session after a refresh: new access token; new refresh token if rotated, else the old one;
/// the same ID claims and sign-in time (the 24 h limit counts from the original sign-in).
pub(crate) fn apply_refresh(old: &Session, resp: TokenResponse, now: u64) -> Session {
    let granted_scopes = scopes_of(&resp);
    Session {
        expires_at: now.saturating_add(resp.expires_in),
        granted_scopes: if granted_scopes.is_empty() { old.granted_scopes.clone() } else { granted_scopes },
        access_token: resp.access_token,
        id_claims: old.id_claims.clone(),
        refresh_token: resp.refresh_token.or_else(|| old.refresh_token.clone()),
        signed_in_at: old.signed_in_at,
        issuer: old.issuer.clone(),
        token_received_at: now,
        end_session_endpoint: old.end_session_endpoint.clone(),
    }
}

/// An access token that expires at `expires_at` is no longer worth sending at `now`: expired, or expiring within
/// 30 s (the answer could come back refused). The one rule for every token the page holds.
pub(crate) fn token_spent(expires_at: u64, now: u64) -> bool {
    expires_at <= now.saturating_add(30)
}

impl Session {
    /// True when the access token has expired (or expires within 30 s: not worth sending).
    pub(crate) fn is_expired(&self, now: u64) -> bool {
        token_spent(self.expires_at, now)
    }

    /// When to renew: `expires_at - min(300, lifetime/5)`, never before the token was received.
    pub(crate) fn renew_at(&self) -> u64 {
        let received = if self.token_received_at == 0 { self.signed_in_at } else { self.token_received_at };
        let lifetime = self.expires_at.saturating_sub(received);
        let margin = std::cmp::min(300, lifetime / 5);
        std::cmp::max(self.expires_at.saturating_sub(margin), received)
    }

    /// Does the session hold `short` (e.g. `Incident.Read`), bare or as `{resource}/Incident.Read`?
    fn has_scope(&self, short: &str) -> bool {
        self.granted_scopes.iter().any(|s| scope_is(s, short))
    }

    /// Holds any of these scopes (e.g. a call's accepted scopes in `api::actions::access`).
    pub(crate) fn has_any_scope(&self, shorts: &[&str]) -> bool {
        shorts.iter().any(|s| self.has_scope(s))
    }

    /// A refresh token exists and its fixed 24 h SPA lifetime has not passed.
    pub(crate) fn refresh_possible(&self, now: u64) -> bool {
        self.refresh_token.is_some()
            && self.signed_in_at.saturating_add(SPA_REFRESH_LIFETIME_SECS) > now.saturating_add(60)
    }
}

/// Is the granted scope `granted` the permission `short`, bare or as `{resource}/Name` (case-insensitive)?
pub(crate) fn scope_is(granted: &str, short: &str) -> bool {
    granted.eq_ignore_ascii_case(short)
        || granted.rsplit_once('/').map(|(_, tail)| tail.eq_ignore_ascii_case(short)).unwrap_or(false)
}

/// Where sign-in stands, as the UI renders it.
// One value per app, held in a signal: boxing the session would only add noise to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthState {
    /// Reading config/storage/callback.
    Loading,
    /// No session.
    SignedOut,
    /// Navigating to the sign-in service.
    Redirecting,
    /// Back from the sign-in service, redeeming the code.
    ExchangingCode,
    /// Signed in.
    SignedIn(Session),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::jwt::tests::{jwt, NOW};
    use serde_json::json;

    fn claims() -> IdClaims {
        IdClaims {
            iss: "i".into(),
            sub: "s".into(),
            aud: vec!["a".into()],
            exp: NOW + 3600,
            iat: NOW,
            nonce: None,
            tid: None,
            oid: None,
            name: Some("Ada".into()),
            preferred_username: None,
            login_hint: None,
        }
    }

    fn resp(expires_in: u64, scope: Option<&str>, rt: Option<&str>) -> TokenResponse {
        TokenResponse {
            access_token: AccessToken::new(jwt(json!({"alg":"RS256"}), json!({"scp":"Incident.Read"}))),
            token_type: "Bearer".into(),
            expires_in,
            scope: scope.map(str::to_string),
            refresh_token: rt.map(|r| RefreshToken::new(r.into())),
            id_token: None,
        }
    }

    #[test]
    fn expiry_math() {
        let s = session_from_token_response(
            resp(3600, Some("https://api.security.microsoft.com/Incident.Read openid"), Some("rt")),
            claims(),
            "i".into(),
            NOW,
        );
        assert_eq!(s.expires_at, NOW + 3600);
        assert!(s.is_expired(NOW + 3570) && !s.is_expired(NOW + 3569), "30 s before expiry it is not sent");
        assert!(!s.is_expired(NOW + 3000));
        assert!(s.is_expired(NOW + 3600));
        assert_eq!(s.renew_at(), NOW + 3300);
        // short lifetime: renew at 80%
        let s = session_from_token_response(resp(600, None, None), claims(), "i".into(), NOW);
        assert_eq!(s.renew_at(), NOW + 480);
        let s = session_from_token_response(resp(0, None, None), claims(), "i".into(), NOW);
        assert_eq!(s.renew_at(), NOW);
    }

    #[test]
    fn scopes() {
        let s = session_from_token_response(
            resp(3600, Some("https://api.security.microsoft.com/Incident.Read"), None),
            claims(),
            "i".into(),
            NOW,
        );
        assert!(s.has_scope("Incident.Read"));
        assert!(s.has_scope("incident.read"));
        assert!(!s.has_scope("Incident.ReadWrite"));
        // percent-encoded, as in Entra's documented example response
        let s = session_from_token_response(
            resp(3600, Some("https%3A%2F%2Fgraph.microsoft.com%2FSecurityIncident.Read.All%20offline_access"), None),
            claims(),
            "i".into(),
            NOW,
        );
        assert!(s.has_scope("SecurityIncident.Read.All"), "{:?}", s.granted_scopes);
        assert!(s.has_scope("offline_access"));
        // no scope in the response → from the access token's scp
        let s = session_from_token_response(resp(3600, None, None), claims(), "i".into(), NOW);
        assert_eq!(s.granted_scopes, vec!["Incident.Read"]);
    }

    #[test]
    fn refresh_rotation_and_24h() {
        let s = session_from_token_response(resp(3600, None, Some("rt1")), claims(), "i".into(), NOW);
        assert!(s.refresh_possible(NOW + 3600));
        assert!(!s.refresh_possible(NOW + 24 * 3600));
        let s2 = apply_refresh(&s, resp(3600, None, Some("rt2")), NOW + 3000);
        assert_eq!(s2.refresh_token.as_ref().unwrap().secret(), "rt2");
        assert_eq!(s2.signed_in_at, NOW);
        assert_eq!(s2.expires_at, NOW + 6600);
        assert_eq!(s2.renew_at(), NOW + 6300);
        let s3 = apply_refresh(&s2, resp(3600, None, None), NOW + 6000);
        assert_eq!(s3.refresh_token.as_ref().unwrap().secret(), "rt2");
        assert_eq!(s3.id_claims, s.id_claims);
        let none = session_from_token_response(resp(3600, None, None), claims(), "i".into(), NOW);
        assert!(!none.refresh_possible(NOW));
    }

    #[test]
    fn stored_roundtrip_and_redaction() {
        let s = session_from_token_response(resp(3600, None, Some("rt-secret")), claims(), "i".into(), NOW);
        let j = crate::auth::stored::session_to_json(&s);
        assert_eq!(crate::auth::stored::session_from_json(&j), Some(s.clone()));
        assert!(!format!("{s:?}").contains("rt-secret"));
        assert!(SESSION_KEY.starts_with(KEY_PREFIX));
    }
}
