//! The redirect back from the authorize endpoint: parse it, then check state, age and issuer before anything else.

use super::authorize::PendingAuth;
use super::discovery::matches_issuer_template;
use super::error::AuthError;
use super::secret::AuthCode;
use crate::http::{parse_query, query_get};

/// What the current URL's query (or fragment) says.
#[derive(Debug, PartialEq, Eq)]
pub enum Callback {
    /// No `code`, `error` or `state`: not a sign-in callback.
    None,
    /// A code arrived (`state` empty when absent, so that it is rejected).
    Code {
        /// The authorization code.
        code: AuthCode,
        /// `state` as returned.
        state: String,
        /// RFC 9207 `iss`, if present.
        iss: Option<String>,
    },
    /// An error arrived.
    Error {
        /// OAuth `error`.
        error: String,
        /// `error_description` (plain text, may contain `<>`: render as text only).
        description: Option<String>,
        /// `state`, if present.
        state: Option<String>,
        /// RFC 9207 `iss`, if present.
        iss: Option<String>,
    },
}

impl Callback {
    /// The `state` carried, if any and not empty: the one way it is read, to look up the pending request
    /// and to check it.
    pub fn state(&self) -> Option<&str> {
        match self {
            Callback::None => None,
            Callback::Code { state, .. } => Some(state.as_str()).filter(|s| !s.is_empty()),
            Callback::Error { state, .. } => state.as_deref().filter(|s| !s.is_empty()),
        }
    }
}

/// Parses a query string or fragment from the redirect. Pure; never fails.
pub fn parse_callback(query_or_fragment: &str) -> Callback {
    let q = parse_query(query_or_fragment);
    let get = |k: &str| query_get(&q, k).map(str::to_string);
    let state = get("state");
    let iss = get("iss").filter(|s| !s.is_empty());
    if let Some(error) = get("error").filter(|e| !e.is_empty()) {
        return Callback::Error { error, description: get("error_description").filter(|d| !d.is_empty()), state, iss };
    }
    if let Some(code) = get("code").filter(|c| !c.is_empty()) {
        return Callback::Code { code: AuthCode::new(code), state: state.unwrap_or_default(), iss };
    }
    if state.is_some() {
        // state without code or error: a broken response, still a callback to reject.
        return Callback::Code { code: AuthCode::new(String::new()), state: state.unwrap_or_default(), iss };
    }
    Callback::None
}

/// Checks a callback against the pending request read (and already deleted) from storage for its state.
/// Order: state, then age, then issuer, and only then the error or the code (MSAL and RFC 9207 do the same).
pub fn check_callback(
    cb: Callback,
    pending: Option<PendingAuth>,
    meta_iss_supported: bool,
    now: u64,
) -> Result<(AuthCode, PendingAuth), AuthError> {
    let state = cb.state().ok_or(AuthError::MissingState)?;
    let pending = pending.ok_or(AuthError::UnknownState)?;
    if pending.state.secret() != state {
        return Err(AuthError::UnknownState);
    }
    let iss = match &cb {
        Callback::Code { iss, .. } | Callback::Error { iss, .. } => iss.clone(),
        Callback::None => None,
    };
    if pending.is_stale(now) {
        return Err(AuthError::ExpiredRequest);
    }
    match iss {
        Some(got) => {
            let ok = if pending.issuer.contains("{tenantid}") {
                matches_issuer_template(&pending.issuer, &got)
            } else {
                got == pending.issuer
            };
            if !ok {
                return Err(AuthError::IssuerMismatch { expected: pending.issuer.clone(), got });
            }
        }
        None if meta_iss_supported => return Err(AuthError::MissingIss),
        None => {}
    }
    match cb {
        Callback::Error { error, description, .. } => Err(AuthError::provider(error, description)),
        Callback::Code { code, .. } if code.secret().is_empty() => {
            Err(AuthError::TokenEndpoint("the sign-in response carried neither a code nor an error".into()))
        }
        Callback::Code { code, .. } => Ok((code, pending)),
        Callback::None => Err(AuthError::MissingState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::authorize::tests::pending;

    const NOW: u64 = 1_700_000_000;
    const ISS: &str = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";

    #[test]
    fn parse_variants() {
        assert_eq!(parse_callback(""), Callback::None);
        assert_eq!(parse_callback("?foo=bar"), Callback::None);
        match parse_callback("?code=abc&state=s1&session_state=x") {
            Callback::Code { code, state, iss } => {
                assert_eq!(code.secret(), "abc");
                assert_eq!(state, "s1");
                assert_eq!(iss, None);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_callback("#code=abc"), Callback::Code { ref state, .. } if state.is_empty()));
        assert!(matches!(parse_callback("?error=access_denied"), Callback::Error { state: None, .. }));
    }

    #[test]
    fn ok_flow() {
        let cb = parse_callback("?code=abc&state=s1");
        let (code, p) = check_callback(cb, Some(pending("s1", NOW - 10)), false, NOW).unwrap();
        assert_eq!(code.secret(), "abc");
        assert_eq!(p.return_to, "#/incidents?status=active");
    }

    #[test]
    fn missing_state() {
        let e = check_callback(parse_callback("?code=abc"), Some(pending("s1", NOW)), false, NOW).unwrap_err();
        assert_eq!(e, AuthError::MissingState);
        let e = check_callback(parse_callback("?code=abc&state="), Some(pending("s1", NOW)), false, NOW).unwrap_err();
        assert_eq!(e, AuthError::MissingState);
    }

    #[test]
    fn unknown_and_reused_state() {
        // Reuse: the UI deleted the pending entry on first read, so the second time there is none.
        let e = check_callback(parse_callback("?code=abc&state=s1"), None, false, NOW).unwrap_err();
        assert_eq!(e, AuthError::UnknownState);
        let e =
            check_callback(parse_callback("?code=abc&state=other"), Some(pending("s1", NOW)), false, NOW).unwrap_err();
        assert_eq!(e, AuthError::UnknownState);
    }

    #[test]
    fn stale_request() {
        let e = check_callback(parse_callback("?code=abc&state=s1"), Some(pending("s1", NOW - 16 * 60)), false, NOW)
            .unwrap_err();
        assert_eq!(e, AuthError::ExpiredRequest);
    }

    #[test]
    fn iss_checks() {
        let ok = format!("?code=abc&state=s1&iss={}", crate::http::percent_encode(ISS));
        assert!(check_callback(parse_callback(&ok), Some(pending("s1", NOW)), true, NOW).is_ok());
        let e = check_callback(
            parse_callback("?code=abc&state=s1&iss=https%3A%2F%2Fevil.example"),
            Some(pending("s1", NOW)),
            false,
            NOW,
        )
        .unwrap_err();
        assert!(matches!(e, AuthError::IssuerMismatch { .. }));
        let e = check_callback(parse_callback("?code=abc&state=s1"), Some(pending("s1", NOW)), true, NOW).unwrap_err();
        assert_eq!(e, AuthError::MissingIss);
        // Error responses are checked for iss too (RFC 9207: don't trust errors from another AS).
        let e = check_callback(
            parse_callback("?error=access_denied&state=s1&iss=https%3A%2F%2Fevil"),
            Some(pending("s1", NOW)),
            false,
            NOW,
        )
        .unwrap_err();
        assert!(matches!(e, AuthError::IssuerMismatch { .. }));
    }

    #[test]
    fn iss_template() {
        let mut p = pending("s1", NOW);
        p.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0".into();
        assert!(check_callback(
            parse_callback(&format!("?code=a&state=s1&iss={}", crate::http::percent_encode(ISS))),
            Some(p),
            true,
            NOW
        )
        .is_ok());
        let mut p = pending("s1", NOW);
        p.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0".into();
        assert!(check_callback(
            parse_callback("?code=a&state=s1&iss=https://login.microsoftonline.com/evil/v2.0"),
            Some(p),
            true,
            NOW
        )
        .is_err());
    }

    #[test]
    fn error_callback_keeps_html_verbatim() {
        let q = "?error=access_denied&error_description=AADSTS65004%3A+%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=s1";
        let e = check_callback(parse_callback(q), Some(pending("s1", NOW)), false, NOW).unwrap_err();
        match e {
            AuthError::Provider { error, description, code, explanation } => {
                assert_eq!(error, "access_denied");
                assert_eq!(description.as_deref(), Some("AADSTS65004: <script>alert(1)</script>"));
                assert_eq!(code, Some(65004));
                assert!(explanation.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_callback_without_state_is_missing_state() {
        let e = check_callback(parse_callback("?error=access_denied"), None, false, NOW).unwrap_err();
        assert_eq!(e, AuthError::MissingState);
    }

    #[test]
    fn state_is_read_one_way_and_empty_counts_as_absent() {
        assert_eq!(parse_callback("?code=c&state=s1").state(), Some("s1"));
        assert_eq!(parse_callback("?error=access_denied&state=s2").state(), Some("s2"));
        assert_eq!(parse_callback("?code=c&state=").state(), None);
        assert_eq!(parse_callback("?error=access_denied").state(), None);
        assert_eq!(parse_callback("").state(), None);
    }

    #[test]
    fn state_without_code() {
        assert!(check_callback(parse_callback("?state=s1"), Some(pending("s1", NOW)), false, NOW).is_err());
    }
}
