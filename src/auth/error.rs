//! Sign-in errors by cause, with plain user-facing messages.

use super::jwt::IdTokenError;

/// Everything that can stop sign-in or token renewal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The discovery document could not be fetched or was refused.
    #[error("could not read the sign-in service configuration: {0}")]
    Discovery(String),
    /// Callback had no `state`.
    #[error("the sign-in response has no state parameter, so it cannot be matched to a sign-in started here; please sign in again")]
    MissingState,
    /// No pending request for this `state` (forged, or already used).
    #[error("this sign-in response does not match a sign-in started in this tab (or it was already used); please sign in again")]
    UnknownState,
    /// Pending request older than the allowed age.
    #[error("the sign-in took too long (more than 15 minutes); please sign in again")]
    ExpiredRequest,
    /// `iss` on the callback differs from the issuer the request was sent to (mix-up).
    #[error("the sign-in response came from \"{got}\", not from the expected \"{expected}\"; it was ignored")]
    IssuerMismatch {
        /// Issuer the request was sent to.
        expected: String,
        /// Issuer in the response.
        got: String,
    },
    /// The provider advertises `iss` but the callback lacks it.
    #[error("the sign-in response has no issuer (iss) although the sign-in service promises one; it was ignored")]
    MissingIss,
    /// OAuth error from the provider (redirect or token endpoint).
    #[error("{}", provider_message(error, description.as_deref(), explanation))]
    Provider {
        /// OAuth `error` code.
        error: String,
        /// `error_description` as given (plain text; render as text only).
        description: Option<String>,
        /// AADSTS code found in the description.
        code: Option<u32>,
        /// What to do about it, if the code is known.
        explanation: Option<&'static str>,
    },
    /// The token endpoint answered something unusable.
    #[error("the token endpoint gave an unusable answer: {0}")]
    TokenEndpoint(String),
    /// ID token failed validation.
    #[error("the ID token was rejected: {0}")]
    IdToken(IdTokenError),
    /// sessionStorage failure.
    #[error("browser storage is unavailable: {0}")]
    Storage(String),
    /// Network failure (including CORS refusals, which browsers report the same way).
    #[error("could not reach the sign-in service: {0}")]
    Network(String),
    /// The provider gave no refresh token, so an expired access token cannot be renewed silently.
    #[error("Your access token has expired and the sign-in service gave no refresh token. Sign in again to continue.")]
    NoRefreshToken,
    /// The refresh token's fixed 24 h SPA lifetime has passed.
    #[error("Your sign-in is more than 24 hours old, the longest a browser sign-in can be renewed. Sign in again to continue.")]
    RefreshExpired,
    /// A renewal already in flight failed (a second caller waited for it).
    #[error("The session could not be renewed.")]
    RenewalFailed,
    /// `config.json` is not loaded (yet, or it is invalid).
    #[error("The configuration is not loaded.")]
    NotConfigured,
    /// There is no session to renew.
    #[error("You are not signed in.")]
    NotSignedIn,
    /// The browser could not do its part (randomness, navigation).
    #[error("{0}")]
    Browser(String),
}

impl From<IdTokenError> for AuthError {
    fn from(e: IdTokenError) -> Self {
        AuthError::IdToken(e)
    }
}

fn provider_message(error: &str, description: Option<&str>, explanation: &Option<&'static str>) -> String {
    let short = match error {
        "access_denied" => "sign-in was cancelled or access was denied",
        "consent_required" => "consent is required",
        "interaction_required" => "you need to sign in interactively",
        "login_required" => "you need to sign in",
        "invalid_grant" => "the sign-in grant is no longer valid",
        "invalid_scope" => "the requested permission (scope) is invalid",
        "invalid_client" | "unauthorized_client" => "the app registration refused this request",
        "invalid_request" => "the sign-in request was invalid",
        "server_error" | "temporarily_unavailable" => "the sign-in service had a temporary problem",
        _ => "the sign-in service returned an error",
    };
    let mut s = format!("{short} ({})", truncate(error, 100));
    if let Some(x) = explanation {
        s.push_str(": ");
        s.push_str(x);
    }
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        s.push_str(" — ");
        s.push_str(&truncate(d, 1000));
    }
    s
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

impl AuthError {
    /// Builds a Provider error, extracting the AADSTS code and its explanation from the description.
    pub(crate) fn provider(error: String, description: Option<String>) -> Self {
        let code = description.as_deref().and_then(super::aadsts::aadsts_code);
        let explanation = code.and_then(super::aadsts::explain);
        AuthError::Provider { error, description, code, explanation }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_message_with_code() {
        let e = AuthError::provider(
            "invalid_grant".into(),
            Some("AADSTS700084: The refresh token was issued to a single page app (SPA)...".into()),
        );
        let AuthError::Provider { code, explanation, .. } = &e else { panic!() };
        assert_eq!(*code, Some(700084));
        assert!(explanation.is_some());
        let m = e.to_string();
        assert!(m.contains("invalid_grant") && m.contains("AADSTS700084"));
    }

    #[test]
    fn html_description_verbatim() {
        let e = AuthError::provider("access_denied".into(), Some("<img src=x onerror=alert(1)>".into()));
        assert!(e.to_string().contains("<img src=x onerror=alert(1)>"));
    }
}
