//! The pending sign-in transaction (kept in sessionStorage by `state`) and the authorize URL.

use super::discovery::ProviderMetadata;
use super::pkce::challenge_s256;
use super::secret::{Nonce, PkceVerifier, State};
use crate::config::Config;
use crate::http::with_query;

/// Pending requests older than this are refused (oidc-client-ts clears stale state after 15 minutes too).
pub(crate) const PENDING_MAX_AGE_SECS: u64 = 15 * 60;

/// A sign-in started in this tab, waiting for its redirect back.
#[derive(Debug)]
pub struct PendingAuth {
    /// One-time `state` sent with the request.
    pub state: State,
    /// `nonce` the ID token must echo.
    pub nonce: Nonce,
    /// PKCE verifier for the code exchange.
    pub verifier: PkceVerifier,
    /// Issuer the request was sent to (RFC 9207 / RFC 9700 §4.4 mix-up defence).
    pub issuer: String,
    /// Redirect URI used (the exchange must repeat it exactly).
    pub redirect_uri: String,
    /// App-internal view to return to: a relative `#/…` or `/…`, never an absolute URL.
    pub return_to: String,
    /// Unix seconds when the request was created.
    pub created_at: u64,
    /// The discovery document the request was built from, already checked against `authority`: the
    /// redirect back redeems the code with it instead of fetching discovery again (one round trip less
    /// between the redirect and the first incident).
    pub provider: Option<ProviderMetadata>,
    /// The configured authority `provider` was checked against.
    pub authority: String,
    /// The provider's signing keys, fetched when the sign-in started, so the redirect back checks the ID
    /// token's signature without another round trip (None: fetched on the way back).
    pub jwks: Option<super::jwks::Jwks>,
    /// Set when this sign-in asks for more than the configured permissions, to do something the analyst asked.
    pub step_up: Option<StepUp>,
    /// The `claims` parameter the authorize request carried (the client capabilities, merged with a claims
    /// challenge's claims when the sign-in answers one): the code redemption repeats it.
    pub claims: Option<String>,
}

/// Incremental consent, for any feature: "ask the provider for these scopes (same resource), then bring back
/// this intent". The intent is `crate::intent::Intent` as JSON, which auth keeps without reading; it comes back
/// only to be shown with a confirmation, never to run by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUp {
    /// Full scope strings to add to the sign-in's scopes (e.g. `https://api.security.microsoft.com/Incident.ReadWrite`).
    pub scopes: Vec<String>,
    /// What to offer again once back, as the feature wrote it.
    pub intent: String,
    /// The account that asked (set when the sign-in starts): a return as anyone else drops the intent. `None`
    /// in records written before it was kept.
    pub account: Option<super::account::Account>,
}

impl StepUp {
    /// A step-up for `scopes` that brings back `intent` (the account is the sign-in's to fill in).
    pub fn new(scopes: Vec<String>, intent: String) -> StepUp {
        StepUp { scopes, intent, account: None }
    }

    /// The sign-in came back as another account than the one that asked (a record without one: not known).
    pub fn returned_as_another(&self, claims: &super::jwt::IdClaims) -> bool {
        self.account.as_ref().is_some_and(|a| !a.is(claims))
    }
}

impl PendingAuth {
    /// True when older than 15 minutes, or created in the future (clock turned back).
    pub(crate) fn is_stale(&self, now: u64) -> bool {
        now.saturating_sub(self.created_at) > PENDING_MAX_AGE_SECS || self.created_at > now.saturating_add(300)
    }

    /// The remembered provider metadata, if it still applies: checked against the authority configured
    /// now, and from the issuer the request went to. Otherwise the caller discovers again.
    pub(crate) fn provider_for(&self, authority: &str) -> Option<&ProviderMetadata> {
        self.provider
            .as_ref()
            .filter(|m| !self.authority.is_empty() && self.authority == authority && m.issuer == self.issuer)
    }
}

/// sessionStorage key for a pending request.
pub(crate) fn pending_key(state: &str) -> String {
    format!("{PENDING_PREFIX}{state}")
}

/// Every pending request's key starts with this.
pub(crate) const PENDING_PREFIX: &str = "onbehalf.pending.";

/// Pending sign-ins to remove at page start: older than 15 minutes (or from the future), or unreadable.
/// `records` are (key, stored JSON) pairs under [`PENDING_PREFIX`].
pub(crate) fn stale_pending_keys(records: &[(String, String)], now: u64) -> Vec<String> {
    records
        .iter()
        .filter(|(_, json)| super::stored::pending_from_json(json).is_none_or(|p| p.is_stale(now)))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Only same-app relative views (`#/…` or `/…` but not `//host`) of at most `max` bytes survive (the route
/// says how long its addresses may be: `route::return_to`); anything else is refused (`None`). This is the
/// open-redirect guard (RFC 9700 §4.11.1).
pub(crate) fn sanitize_return_to(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    if s.len() > max || s.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let ok = if let Some(rest) = s.strip_prefix("#/") {
        !rest.starts_with('/')
    } else if let Some(rest) = s.strip_prefix('/') {
        !rest.starts_with('/') && !rest.starts_with('\\')
    } else {
        false
    };
    if ok {
        Some(s.to_string())
    } else {
        None
    }
}

/// The authorization request URL (code flow, PKCE S256, `response_mode=query`).
pub(crate) fn authorize_url(
    meta: &ProviderMetadata,
    cfg: &Config,
    pending: &PendingAuth,
    prompt: Option<&str>,
    login_hint: Option<&str>,
) -> String {
    let challenge = challenge_s256(&pending.verifier);
    let extra = pending.step_up.as_ref().map(|u| u.scopes.as_slice()).unwrap_or_default();
    let scope = cfg.request_scopes_with(extra);
    let mut pairs: Vec<(&str, &str)> = vec![
        ("client_id", &cfg.client_id),
        ("response_type", "code"),
        ("redirect_uri", &pending.redirect_uri),
        ("response_mode", "query"),
        ("scope", &scope),
        ("state", pending.state.secret()),
        ("nonce", pending.nonce.secret()),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    if let Some(p) = prompt.filter(|p| !p.is_empty()) {
        pairs.push(("prompt", p));
    }
    if let Some(c) = &pending.claims {
        pairs.push(("claims", c));
    }
    // Entra refuses login_hint together with prompt=select_account.
    if let Some(h) = login_hint.filter(|h| !h.is_empty()) {
        if prompt != Some("select_account") {
            pairs.push(("login_hint", h));
        }
    }
    with_query(&meta.authorization_endpoint, &pairs)
}

/// The RP-initiated logout URL (`end_session_endpoint`), or None when the provider has none
/// (then sign-out is local only). Clear local state before navigating here.
/// `client_id` is sent because OpenID RP-Initiated Logout requires it (or an `id_token_hint`, which the app
/// does not keep) before a provider honours `post_logout_redirect_uri`.
pub(crate) fn logout_url(
    end_session_endpoint: Option<&str>,
    client_id: &str,
    post_logout_redirect_uri: &str,
    logout_hint: Option<&str>,
) -> Option<String> {
    let end = end_session_endpoint?;
    let mut pairs: Vec<(&str, &str)> =
        vec![("post_logout_redirect_uri", post_logout_redirect_uri), ("client_id", client_id)];
    if let Some(h) = logout_hint.filter(|h| !h.is_empty()) {
        pairs.push(("logout_hint", h));
    }
    Some(with_query(end, &pairs))
}

/// Where sign-out sends the browser to end the provider's session: the end-session endpoint kept with the
/// session (so it works before discovery answers on this page load), else the one discovered on this page;
/// `logout_hint` is the ID token's `login_hint` optional claim (what Entra expects there), never the UPN.
/// None: the provider's session cannot be ended from here, only this tab's.
pub(crate) fn sign_out_url(
    session: Option<&super::session::Session>,
    meta: Option<&ProviderMetadata>,
    client_id: &str,
    post_logout_redirect_uri: &str,
) -> Option<String> {
    let end = session
        .and_then(|s| s.end_session_endpoint.as_deref())
        .or_else(|| meta.and_then(|m| m.end_session_endpoint.as_deref()));
    let hint = session.and_then(|s| s.id_claims.login_hint.as_deref());
    logout_url(end, client_id, post_logout_redirect_uri, hint)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::parse_config;
    use crate::http::{parse_query, query_get};

    pub(crate) fn meta() -> ProviderMetadata {
        ProviderMetadata {
            issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0".into(),
            authorization_endpoint: "https://login.microsoftonline.com/t/oauth2/v2.0/authorize".into(),
            token_endpoint: "https://login.microsoftonline.com/t/oauth2/v2.0/token".into(),
            end_session_endpoint: None,
            jwks_uri: None,
            code_challenge_methods: vec![],
            iss_parameter_supported: false,
        }
    }

    pub(crate) fn config() -> Config {
        parse_config(r#"{"authority":"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0","client_id":"11111111-2222-3333-4444-555555555555"}"#).unwrap()
    }

    pub(crate) fn pending(state: &str, created_at: u64) -> PendingAuth {
        PendingAuth {
            state: State::new(state.into()),
            nonce: Nonce::new("n0nce+/=".into()),
            verifier: PkceVerifier::from_random(&[7u8; 32]),
            issuer: meta().issuer,
            redirect_uri: "https://app.example/spa/?x=1&y".into(),
            return_to: "#/incidents?status=active".into(),
            created_at,
            provider: None,
            authority: String::new(),
            jwks: None,
            step_up: None,
            claims: None,
        }
    }

    /// Issue 14: a step-up asks for the configured scopes plus the added one, for the same resource.
    #[test]
    fn a_step_up_adds_its_scope_to_the_sign_in() {
        let mut p = pending("s", 100);
        p.step_up =
            Some(StepUp::new(vec!["https://api.security.microsoft.com/Incident.ReadWrite".into()], "{}".into()));
        let u = authorize_url(&meta(), &config(), &p, None, None);
        let q = parse_query(u.split_once('?').unwrap().1);
        assert_eq!(
            query_get(&q, "scope"),
            Some("openid profile offline_access https://api.security.microsoft.com/Incident.Read https://api.security.microsoft.com/Incident.ReadWrite")
        );
    }

    /// Issue 23: the sign-in carries the `claims` parameter its pending record holds (cp1, or cp1 merged with a
    /// claims challenge's claims), and none when there is none.
    #[test]
    fn the_authorize_request_carries_the_claims() {
        let mut p = pending("s", 100);
        let q = |p: &PendingAuth| {
            let u = authorize_url(&meta(), &config(), p, None, None);
            query_get(&parse_query(u.split_once('?').unwrap().1), "claims").map(str::to_string)
        };
        assert_eq!(q(&p), None);
        p.claims = crate::auth::claims::claims_parameter(&config().client_capabilities, None);
        assert_eq!(q(&p).as_deref(), Some(r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#));
    }

    #[test]
    fn url_has_every_param_encoded() {
        let p = pending("st&ate", 100);
        let u = authorize_url(&meta(), &config(), &p, Some("select_account"), Some("a@b.c"));
        let (base, q) = u.split_once('?').unwrap();
        assert_eq!(base, "https://login.microsoftonline.com/t/oauth2/v2.0/authorize");
        let q = parse_query(q);
        assert_eq!(query_get(&q, "response_type"), Some("code"));
        assert_eq!(query_get(&q, "client_id"), Some("11111111-2222-3333-4444-555555555555"));
        assert_eq!(query_get(&q, "redirect_uri"), Some("https://app.example/spa/?x=1&y"));
        assert_eq!(
            query_get(&q, "scope"),
            Some("openid profile offline_access https://api.security.microsoft.com/Incident.Read")
        );
        assert_eq!(query_get(&q, "state"), Some("st&ate"));
        assert_eq!(query_get(&q, "nonce"), Some("n0nce+/="));
        assert_eq!(query_get(&q, "code_challenge"), Some(challenge_s256(&p.verifier).as_str()));
        assert_eq!(query_get(&q, "code_challenge_method"), Some("S256"));
        assert_eq!(query_get(&q, "response_mode"), Some("query"));
        assert_eq!(query_get(&q, "prompt"), Some("select_account"));
        assert_eq!(query_get(&q, "login_hint"), None);
        assert!(u.contains("redirect_uri=https%3A%2F%2Fapp.example%2Fspa%2F%3Fx%3D1%26y"));
        assert!(!u.contains(p.verifier.secret()));
    }

    #[test]
    fn url_appends_to_existing_query() {
        let mut m = meta();
        m.authorization_endpoint = "https://login.example/authorize?p=B2C_1".into();
        let u = authorize_url(&m, &config(), &pending("s", 1), None, Some("x@y"));
        assert!(u.starts_with("https://login.example/authorize?p=B2C_1&client_id="));
        assert!(u.contains("login_hint=x%40y"));
        assert!(!u.contains("prompt="));
    }

    #[test]
    fn logout() {
        let mut m = meta();
        assert_eq!(logout_url(m.end_session_endpoint.as_deref(), "cid", "https://app/", None), None);
        m.end_session_endpoint = Some("https://login.microsoftonline.com/t/oauth2/v2.0/logout".into());
        assert_eq!(
            logout_url(m.end_session_endpoint.as_deref(), "cid", "https://app.example/spa/", Some("ada@contoso.com"))
                .unwrap(),
            "https://login.microsoftonline.com/t/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fspa%2F&client_id=cid&logout_hint=ada%40contoso.com"
        );
    }

    #[test]
    fn sign_out_ends_the_provider_session_with_the_login_hint_claim_never_the_upn() {
        let back = "https://app.example/spa/";
        let s = |end: Option<&str>, hint: Option<&str>| {
            let mut s = crate::auth::stored::tests::session(Some("rt"), None);
            s.end_session_endpoint = end.map(str::to_string);
            s.id_claims.login_hint = hint.map(str::to_string);
            s
        };
        let mut m = meta();
        m.end_session_endpoint = Some("https://login.microsoftonline.com/t/oauth2/v2.0/logout".into());
        // Metadata not loaded yet on this page: the endpoint kept with the session still ends the provider's session.
        let kept = s(Some("https://login.microsoftonline.com/kept/oauth2/v2.0/logout"), Some("O.hint"));
        let u = sign_out_url(Some(&kept), None, "cid", back).unwrap();
        assert!(u.starts_with("https://login.microsoftonline.com/kept/oauth2/v2.0/logout?"), "{u}");
        assert!(u.ends_with("&logout_hint=O.hint"), "{u}");
        // A session stored before the endpoint was kept uses the discovered one; no login_hint claim → no hint,
        // even though the UPN is known.
        let old = s(None, None);
        assert!(old.id_claims.preferred_username.is_some());
        let u = sign_out_url(Some(&old), Some(&m), "cid", back).unwrap();
        assert!(u.starts_with("https://login.microsoftonline.com/t/oauth2/v2.0/logout?") && !u.contains("hint"), "{u}");
        // Neither: only this tab can be signed out.
        assert_eq!(sign_out_url(Some(&old), None, "cid", back), None);
        assert_eq!(sign_out_url(None, Some(&meta()), "cid", back), None);
    }

    #[test]
    fn pending_sign_ins_older_than_15_minutes_or_unreadable_are_purged() {
        let now = 1_700_000_000;
        let rec =
            |state: &str, at: u64| (pending_key(state), crate::auth::stored::pending_to_json(&pending(state, at)));
        let records = vec![
            rec("fresh", now - 60),
            rec("edge", now - PENDING_MAX_AGE_SECS),
            rec("old", now - PENDING_MAX_AGE_SECS - 1),
            rec("future", now + 3600),
            (pending_key("junk"), "{not json".into()),
        ];
        let mut gone = stale_pending_keys(&records, now);
        gone.sort();
        assert_eq!(gone, vec![pending_key("future"), pending_key("junk"), pending_key("old")]);
        assert!(
            pending_key("x").starts_with(PENDING_PREFIX)
                && PENDING_PREFIX.starts_with(crate::auth::session::KEY_PREFIX)
        );
    }

    #[test]
    fn return_to_sanitized() {
        assert_eq!(sanitize_return_to("#/incidents?status=active", 2048).as_deref(), Some("#/incidents?status=active"));
        assert_eq!(sanitize_return_to("/spa/#/x", 2048).as_deref(), Some("/spa/#/x"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "#//evil",
            "javascript:alert(1)",
            "",
            "incidents",
            "/x\ny",
        ] {
            assert_eq!(sanitize_return_to(bad, 2048), None, "{bad}");
        }
    }

    #[test]
    fn pending_key_and_staleness_and_storage() {
        assert_eq!(pending_key("abc"), "onbehalf.pending.abc");
        let p = pending("s", 1000);
        assert!(!p.is_stale(1000 + 900));
        assert!(p.is_stale(1000 + 901));
        assert!(p.is_stale(0));
        let json = crate::auth::stored::pending_to_json(&p);
        let back = crate::auth::stored::pending_from_json(&json).unwrap();
        assert_eq!(back.verifier.secret(), p.verifier.secret());
        assert_eq!(back.state, p.state);
        assert!(!format!("{p:?}").contains(p.verifier.secret()));
    }

    #[test]
    fn remembered_provider_only_for_the_same_authority_and_issuer() {
        let authority = config().authority;
        let mut p = pending("s", 1000);
        assert!(p.provider_for(&authority).is_none(), "nothing remembered");
        p.provider = Some(meta());
        assert!(p.provider_for(&authority).is_none(), "no authority recorded (a request from an older build)");
        p.authority = authority.clone();
        assert_eq!(p.provider_for(&authority), Some(&meta()));
        assert!(p.provider_for("https://login.microsoftonline.com/other/v2.0").is_none(), "config.json changed since");
        p.issuer = "https://evil.example/v2.0".into();
        assert!(p.provider_for(&authority).is_none(), "metadata from another issuer than the request's");
        // A pending request written before this field existed still reads.
        let old = r#"{"state":"s","nonce":"n","verifier":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv","issuer":"i","redirect_uri":"r","return_to":"","created_at":1}"#;
        let back = crate::auth::stored::pending_from_json(old).unwrap();
        assert!(back.provider.is_none() && back.authority.is_empty());
    }
}
