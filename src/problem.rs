//! What the page says when something fails. Every core error becomes a [`Problem`] (or the sign-in-again
//! prompt) here and nowhere else; the flows only decide which banner it goes to.

use crate::actions::Outcome;
use crate::auth::error::AuthError;
use crate::config::Config;
use crate::hunting::HUNT_SCOPE;
use crate::request::error::{ApiError, Quota};
use std::fmt::Display;

mod prompts;
pub(crate) mod walk;

// Natively nothing reads them: their readers are the wasm-only flows and UI.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub(crate) use prompts::*;

/// A problem to show as a sentence, with an optional hint and link.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Problem {
    /// What went wrong, in one sentence.
    pub message: String,
    /// What to do about it, when we know.
    pub hint: Option<String>,
    /// A helpful link (e.g. the admin-consent URL): (href, text).
    pub link: Option<(String, String)>,
    /// A retry can be offered.
    pub retry: bool,
    /// Unix time at which an automatic retry happens (rate limit countdown).
    pub retry_at: Option<u64>,
    /// The provider's or API's technical text (AADSTS codes, trace and correlation ids), shown behind a
    /// "Details" toggle so the sentence above stays plain.
    pub details: Option<String>,
}

impl Problem {
    /// A bare message.
    pub(crate) fn new(message: impl Display) -> Self {
        Problem { message: message.to_string(), hint: None, link: None, retry: false, retry_at: None, details: None }
    }

    /// A sign-in failure: the error's sentence, and what to do when the provider's AADSTS code is known. The
    /// explanation is said once, as the hint (issue #13: declining consent showed it twice); the provider's
    /// trace, correlation id and timestamp go behind "Details".
    pub(crate) fn sign_in(err: &AuthError) -> Self {
        let AuthError::Provider { error, description, explanation, .. } = err else { return Problem::new(err) };
        let (said, trace) = split_trace(description.as_deref().unwrap_or(""));
        let plain = AuthError::Provider {
            error: error.clone(),
            description: Some(said.to_string()).filter(|d| !d.is_empty()),
            code: None,
            explanation: None,
        };
        let mut p = Problem::new(plain);
        p.hint = explanation.map(str::to_string);
        p.details = trace.map(str::to_string);
        p
    }

    /// An API failure being waited out (see `api::retry`): what happened, and a countdown to the next try.
    pub(crate) fn waiting(cause: &ApiError, cfg: &Config, secs: u64, now: u64) -> Self {
        let mut p = Problem::new(match cause {
            ApiError::RateLimited { quota: Quota::Hour, stated, .. } => format!(
                "The incidents API's hourly quota was reached ({} allows about {} requests an hour). {}, then retrying automatically.",
                cfg.source.label(),
                cfg.rate_limit_per_hour,
                waiting_for(*stated)
            ),
            ApiError::RateLimited { stated, .. } => format!(
                "The incidents API's rate limit was reached ({} allows about {} requests a minute). {}, then retrying automatically.",
                cfg.source.label(),
                cfg.rate_limit_per_minute,
                waiting_for(*stated)
            ),
            // The countdown beside the banner is the only one (issue #13: "Retrying in 4 s." and "Retrying in
            // 0:01" at once).
            ApiError::Server { status, .. } => {
                format!("The API had a temporary problem (HTTP {status}). The page tries again by itself.")
            }
            e => format!("{} The page tries again by itself.", e.user_message()),
        });
        p.retry_at = Some(now.saturating_add(secs));
        p
    }
}

/// How a 429's wait was chosen: the server's own time, or (when it named none) the end of the request window.
fn waiting_for(stated: bool) -> &'static str {
    if stated {
        "Waiting as the server asked"
    } else {
        "Waiting until the request window ends"
    }
}

/// Where an API failure that ended a load is shown.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ApiNotice {
    /// The token is no longer accepted (even after renewing): ask to sign in again, keeping the view.
    SignInAgain(String),
    /// A banner over the queue.
    Banner(Problem),
    /// A claims challenge (CAE): ask to sign in again, interactively, sending these claims.
    SignInWithClaims {
        /// What the analyst reads.
        message: String,
        /// The decoded claims for the authorize request.
        claims: String,
    },
}

/// After a sign-in that answered a claims challenge, another challenge within this many seconds means signing in
/// again will not satisfy the tenant: the page says so instead of sending the analyst round again.
/// The window covers the sign-in itself (up to the pending request's 15 minutes) and the first loads after it.
pub(crate) const CLAIMS_SIGN_IN_WINDOW_SECS: u64 = 20 * 60;

/// sessionStorage key: when this tab last started a sign-in that answered a claims challenge (Unix seconds).
pub(crate) const CLAIMS_SIGN_IN_KEY: &str = "onbehalf.claims_sign_in";

/// What the page says about a claims challenge. `answered_at`: when this tab last signed in to answer one.
pub(crate) fn claims_challenge_notice(claims: &str, answered_at: Option<u64>, now: u64) -> ApiNotice {
    if answered_at.is_some_and(|t| now.saturating_sub(t) <= CLAIMS_SIGN_IN_WINDOW_SECS && t <= now + 300) {
        let mut p = Problem::new(
            "Your organisation asked for a new sign-in again, right after you signed in to answer the same \
             request. Signing in once more is unlikely to help: your location, network or device may not meet \
             its access policy. Contact your administrator.",
        );
        p.retry = true;
        return ApiNotice::Banner(p);
    }
    ApiNotice::SignInWithClaims {
        message: format!(
            "{} Sign in again to continue; you will come back to this view.",
            ApiError::ClaimsChallenge { claims: String::new() }.user_message()
        ),
        claims: claims.to_string(),
    }
}

/// What the page says about an API failure. `page` is this page's URL (the admin-consent link returns to it).
pub(crate) fn api_failure(err: &ApiError, cfg: &Config, page: &str) -> ApiNotice {
    let mut p = Problem::new(err.user_message());
    match err {
        ApiError::Unauthorized { .. } => {
            return ApiNotice::SignInAgain("The API no longer accepts your token. Sign in again to continue.".into())
        }
        ApiError::Forbidden { .. } => {
            p.hint = Some("Consent again with Change permissions in the token panel, or ask an administrator to grant consent for the organisation:".into());
            p.link = Some((cfg.admin_consent_url(page), "Admin consent for this app".into()));
        }
        _ => p.retry = true,
    }
    ApiNotice::Banner(p)
}

/// The sentence next to an incident after an action: what was asked, and how it ended; a refusal says which
/// side refused (the page's permission or the analyst's role) in [`Refusal::user_message`]'s words.
/// How a write ended, as the result line says it. `uncertain`: a comment's answer was lost, so it may have been
/// added.
pub(crate) fn action_result(what: &str, outcome: &Outcome, uncertain: bool) -> String {
    let mut first = what.chars();
    let what: String = first.next().map(|c| c.to_uppercase().chain(first).collect()).unwrap_or_default();
    match outcome {
        Outcome::Done => format!("{what}: done."),
        Outcome::Refused(r) => format!("{what}: refused. {}", r.user_message()),
        Outcome::Invalid(e) => format!("{what}: not sent. {e}"),
        Outcome::Failed(e) if uncertain => format!(
            "{what}: no answer came back ({}). The comment may have been added: check the comments before sending \
             it again. What you typed is kept here.",
            e.user_message()
        ),
        Outcome::Failed(e) => {
            format!("{what}: failed. {} What you typed is kept here; send it again when ready.", e.user_message())
        }
    }
}

/// The page stays read-only because the write permission was not granted.
pub(crate) fn consent_declined(scope: &str) -> String {
    declined(scope, "the page stays read-only", "You are still signed in; act again to be asked once more")
}

/// A step-up came back signed in as another account than the one that asked: what it held (an action, a bulk
/// action, a hunt) is dropped, never offered to the account that came back (`who`: the one now signed in).
pub(crate) fn step_up_other_account(who: Option<&str>) -> String {
    let now = who.map(|w| format!(" ({})", crate::format::cap(w, 80))).unwrap_or_default();
    format!(
        "You came back from the sign-in page as another account{now} than the one that asked for the permission,          so what was waiting to be confirmed was dropped and nothing was sent. Start it again as this account if          you mean to."
    )
}

/// The hunt stays on the page, not run, because the hunting permission was not granted.
pub(crate) fn hunt_consent_declined(scope: &str) -> String {
    declined(
        scope,
        "the query was not run",
        "You are still signed in and the rest of the page works; press Run to be asked again",
    )
}

/// A declined consent, in one wording: what did not happen, and how to be asked again.
fn declined(scope: &str, so: &str, again: &str) -> String {
    format!("The permission {scope} was not granted, so {so}. {again}, or ask an administrator to grant it.")
}

/// Why hunting cannot run beside a Defender session, for an analyst: the sentence (the provider's code and text
/// only behind "Details"), and the permission to ask for when the analyst's own consent would let it run.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct HuntBlocked {
    /// What the page says.
    pub problem: Problem,
    /// The full scope to ask for on the sign-in page, when consent is what is missing.
    pub consent: Option<String>,
}

/// Beside a Defender session: why the second, Graph token a hunt needs could not be had. Hunting goes through
/// Microsoft Graph while the sign-in names the Defender API, so the page asks for a Graph token with the
/// sign-in's refresh token; Entra answers AADSTS65001 until the analyst (or an administrator) has consented.
pub(crate) fn hunt_token_unavailable(err: &AuthError) -> HuntBlocked {
    let technical = |e: &AuthError| match e {
        AuthError::Provider { error, description, .. } => {
            Some(format!("{error}: {}", description.as_deref().unwrap_or("")).trim_end_matches(": ").to_string())
        }
        e => Some(e.to_string()),
    };
    let mut consent = None;
    let mut p = match err {
        AuthError::NoRefreshToken | AuthError::RefreshExpired => {
            let mut p = Problem::new(
                "Hunting needs a second token, for Microsoft Graph, and your sign-in can no longer give one (a \
                 browser sign-in lasts at most 24 hours).",
            );
            p.hint = Some("Sign in again, then press Run.".into());
            p
        }
        AuthError::Provider { code: Some(65001), .. } => {
            consent = Some(crate::hunting::hunt_scope_url());
            let mut p = Problem::new(format!(
                "Hunting needs your permission to run advanced hunting queries through Microsoft Graph \
                 ({HUNT_SCOPE}), and it has not been granted to this app yet."
            ));
            p.hint = Some(
                "Ask for it: you are asked once, on the sign-in page, and the query runs when you are back. If \
                 your organisation lets only administrators grant permissions, ask one to grant it for everyone."
                    .into(),
            );
            p
        }
        AuthError::Network(_) => {
            let mut p = Problem::new("The sign-in service could not be reached for the token hunting needs.");
            p.hint = Some("Check the connection, then press Run again.".into());
            p
        }
        AuthError::Provider { explanation, .. } => {
            let mut p = Problem::new("The sign-in service did not give the token hunting needs.");
            p.hint = explanation.map(str::to_string);
            p
        }
        _ => Problem::new("The token hunting needs could not be obtained."),
    };
    if !matches!(err, AuthError::NoRefreshToken | AuthError::RefreshExpired) {
        p.details = technical(err);
    }
    HuntBlocked { problem: p, consent }
}

/// A table's columns asked for before the hunting permission was granted (`getschema` is a hunt too).
pub(crate) fn columns_need_consent() -> String {
    "Columns are read with getschema, a hunting query: run a query first to grant the permission.".to_string()
}

/// A table's columns could not be read, for a reason the hunt's own states do not name.
pub(crate) fn columns_unread() -> String {
    "The columns could not be read.".to_string()
}

/// Beside a Defender session: the session's renewal held its refresh token for longer than the hunt waits, so
/// the Graph token was not asked for (the two would spend the same refresh token).
pub(crate) fn hunt_token_busy() -> HuntBlocked {
    HuntBlocked {
        problem: Problem::new(
            "The token hunting needs was not asked for: your sign-in is still being renewed, and both use the same \
             refresh token. Press Run again in a moment.",
        ),
        consent: None,
    }
}

/// Over the rows of an earlier query while another runs or after it failed: they are not this query's answer.
pub(crate) const HUNT_STALE_RESULTS: &str =
    "Results of the previous query, not of the one above. Export is off until a query succeeds.";

/// The page kept fewer rows than the answer had: by the API's row cap, or by the page's cell budget.
pub(crate) fn hunt_rows_cut(row_limit: usize, columns: usize, by_cells: bool) -> String {
    if by_cells {
        format!(
            " Only the first {} rows are kept: with {columns} columns more would not fit in the page's memory \
             ({} cells at most). Project fewer columns to see more rows.",
            group(row_limit),
            group(crate::hunting::MAX_CELLS)
        )
    } else {
        format!(" The API returns at most {} rows; there are more: narrow the query.", group(row_limit))
    }
}

/// `1234567` → `1,234,567`.
pub(crate) fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The editable span of a pivot from an incident: its two ends, in UTC as the query writes them.
pub(crate) const HUNT_SPAN_FROM: &str = "From (UTC) ";
/// See [`HUNT_SPAN_FROM`].
pub(crate) const HUNT_SPAN_TO: &str = "to ";
/// What the span's inputs accept.
pub(crate) const HUNT_SPAN_FORMAT: &str = "YYYY-MM-DDTHH:MM:SSZ; the query's between (…) changes with it";
/// Beside a result's time column: its times are the analyst's.
pub(crate) fn hunt_time_zone(zone: &str) -> String {
    format!("datetime, {zone}")
}

/// The provider's description without its trailing "Trace ID: … Correlation ID: … Timestamp: …", and that tail.
pub(crate) fn split_trace(description: &str) -> (&str, Option<&str>) {
    match description.find("Trace ID:") {
        Some(i) => (description.get(..i).unwrap_or("").trim_end(), description.get(i..).map(str::trim)),
        None => (description, None),
    }
}

/// What the page says when a silent renewal failed: a plain sentence (the analyst is still signed in until the
/// token expires, then must sign in again), what to do when the AADSTS code is known, and the provider's text
/// behind "Details" (issue #13: a failed renewal showed raw AADSTS text with trace ids).
pub(crate) fn renewal_problem(err: &AuthError) -> Problem {
    if !matches!(err, AuthError::Provider { .. } | AuthError::Network(..) | AuthError::TokenEndpoint(..)) {
        // Our own sentences ("more than 24 hours old", "gave no refresh token") are already plain.
        return Problem::new(renewal_failure(err));
    }
    let mut p = Problem::new(
        "Your session could not be renewed, so the page will stop loading incidents when the current token \
         expires. Sign in again to continue; you will come back to this view.",
    );
    if let AuthError::Provider { explanation: Some(e), .. } = err {
        p.hint = Some((*e).to_string());
    }
    p.details = Some(renewal_failure(err));
    p
}

/// The sign-in-again prompt after a silent renewal failed.
pub(crate) fn renewal_failure(err: &AuthError) -> String {
    match err {
        AuthError::NoRefreshToken
        | AuthError::RefreshExpired
        | AuthError::RenewalFailed
        | AuthError::NotConfigured
        | AuthError::NotSignedIn => err.to_string(),
        e => format!("Your session could not be renewed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::Refusal;
    use crate::config::parse_config;

    fn cfg() -> Config {
        parse_config(
            r#"{"authority":"https://login.microsoftonline.com/organizations/v2.0","client_id":"11111111-2222-3333-4444-555555555555"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_sign_in_failure_says_why_and_what_to_do() {
        let p = Problem::sign_in(&AuthError::provider(
            "invalid_grant".into(),
            Some("AADSTS700084: The refresh token was issued to a single page app".into()),
        ));
        assert!(p.message.contains("invalid_grant") && p.message.contains("AADSTS700084"), "{}", p.message);
        assert_eq!(p.hint.as_deref(), crate::auth::aadsts::explain(700084));
        assert!(p.hint.is_some());
        let p = Problem::sign_in(&AuthError::UnknownState);
        assert_eq!(p, Problem::new(AuthError::UnknownState.to_string()));
        assert!(p.message.contains("does not match a sign-in started in this tab"));
    }

    #[test]
    fn a_401_asks_to_sign_in_again_instead_of_a_banner() {
        let n = api_failure(&ApiError::Unauthorized { message: "x".into() }, &cfg(), "https://app/");
        assert_eq!(
            n,
            ApiNotice::SignInAgain("The API no longer accepts your token. Sign in again to continue.".into())
        );
    }

    #[test]
    fn a_claims_challenge_asks_for_a_sign_in_once_then_explains_instead_of_looping() {
        let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#;
        match claims_challenge_notice(claims, None, 10_000) {
            ApiNotice::SignInWithClaims { message, claims: c } => {
                assert!(message.contains("sign in again") && message.contains("location"), "{message}");
                assert_eq!(c, claims);
            }
            n => panic!("{n:?}"),
        }
        // Right after a sign-in that answered a challenge: a message, no second round trip.
        let ApiNotice::Banner(p) = claims_challenge_notice(claims, Some(10_000 - 30), 10_000) else { panic!() };
        assert!(p.message.contains("Contact your administrator"), "{}", p.message);
        // Long after: a new challenge is a new sign-in.
        let later = 10_000 + CLAIMS_SIGN_IN_WINDOW_SECS + 1;
        assert!(matches!(claims_challenge_notice(claims, Some(10_000), later), ApiNotice::SignInWithClaims { .. }));
    }

    #[test]
    fn a_403_names_the_permission_and_links_admin_consent() {
        let err = ApiError::Forbidden { message: "no role".into(), needed_scope: "Incident.Read" };
        let ApiNotice::Banner(p) = api_failure(&err, &cfg(), "https://app.example/#/incidents") else { panic!() };
        assert!(p.message.contains("Incident.Read") && p.message.contains("The API said: no role"), "{}", p.message);
        assert!(p.hint.as_deref().is_some_and(|h| h.contains("Change permissions")));
        let (href, text) = p.link.unwrap();
        assert_eq!(href, cfg().admin_consent_url("https://app.example/"));
        assert_eq!(text, "Admin consent for this app");
        assert!(!p.retry);
    }

    #[test]
    fn other_api_failures_offer_a_retry_and_say_cors_once() {
        let ApiNotice::Banner(p) = api_failure(&ApiError::Network("offline".into()), &cfg(), "https://app/") else {
            panic!()
        };
        assert!(p.retry);
        assert_eq!(p.message.matches("/defender-api/").count(), 1, "{}", p.message);
        assert_eq!(p.message.matches("(CORS)").count(), 1, "{}", p.message);
        for e in [ApiError::NotFound, ApiError::Server { status: 500, message: String::new() }] {
            let ApiNotice::Banner(p) = api_failure(&e, &cfg(), "https://app/") else { panic!() };
            assert_eq!((p.message, p.retry, p.retry_at), (e.user_message(), true, None));
        }
    }

    #[test]
    fn a_step_up_returned_as_another_account_says_so() {
        let m = step_up_other_account(Some("bob@contoso.com"));
        assert!(m.contains("another account (bob@contoso.com)") && m.contains("nothing was sent"), "{m}");
        assert!(!step_up_other_account(None).contains("()"));
    }

    #[test]
    fn a_wait_counts_down_to_the_next_try() {
        let p = Problem::waiting(
            &ApiError::RateLimited { retry_after_secs: 12, quota: Quota::Minute, stated: true },
            &cfg(),
            12,
            1000,
        );
        assert_eq!(p.retry_at, Some(1012));
        assert!(p.message.contains("Microsoft Defender XDR allows about 50 requests a minute"), "{}", p.message);
        // Issue 23: the hourly quota says it is hourly, and a wait the server did not name says what it waits for.
        let hourly = ApiError::RateLimited { retry_after_secs: 1800, quota: Quota::Hour, stated: false };
        let p = Problem::waiting(&hourly, &cfg(), 1800, 1000);
        assert_eq!(p.retry_at, Some(2800));
        assert!(p.message.contains("hourly quota") && p.message.contains("1500 requests an hour"), "{}", p.message);
        assert!(p.message.contains("until the request window ends"), "{}", p.message);
        let p = Problem::waiting(&ApiError::Server { status: 503, message: String::new() }, &cfg(), 2, 1000);
        // Issue #13: the banner's live countdown is the only one; the sentence carries none of its own.
        assert_eq!(p.message, "The API had a temporary problem (HTTP 503). The page tries again by itself.");
        assert_eq!(p.retry_at, Some(1002));
    }

    #[test]
    fn a_failed_renewal_is_plain_with_the_provider_text_behind_details() {
        let err = AuthError::provider(
            "invalid_grant".into(),
            Some("AADSTS70000: The provided value for the input parameter 'refresh_token' is not valid. Trace ID: 1f2e Correlation ID: 9a8b Timestamp: 2026-11-27 10:07:00Z".into()),
        );
        let p = renewal_problem(&err);
        assert!(!p.message.contains("AADSTS") && !p.message.contains("Trace ID"), "{}", p.message);
        assert!(p.message.contains("Sign in again"), "{}", p.message);
        let d = p.details.unwrap_or_default();
        assert!(d.contains("AADSTS70000") && d.contains("Trace ID: 1f2e"), "{d}");
        let known = renewal_problem(&AuthError::provider("invalid_grant".into(), Some("AADSTS700084: x".into())));
        assert_eq!(known.hint.as_deref(), crate::auth::aadsts::explain(700084));
        // Our own sentences need no details.
        let p = renewal_problem(&AuthError::RefreshExpired);
        assert_eq!((p.message, p.details), (renewal_failure(&AuthError::RefreshExpired), None));
    }

    #[test]
    fn declining_consent_says_its_sentence_once_and_keeps_the_trace_behind_details() {
        let err = AuthError::provider(
            "access_denied".into(),
            Some("AADSTS65004: User declined to consent to access the app. Trace ID: abc Correlation ID: def Timestamp: 2026-11-27".into()),
        );
        let p = Problem::sign_in(&err);
        let explanation = crate::auth::aadsts::explain(65004).unwrap();
        let all = format!("{} {}", p.message, p.hint.clone().unwrap_or_default());
        assert_eq!(all.matches(explanation).count(), 1, "{all}");
        assert!(p.message.contains("AADSTS65004") && !p.message.contains("Trace ID"), "{}", p.message);
        assert_eq!(p.details.as_deref(), Some("Trace ID: abc Correlation ID: def Timestamp: 2026-11-27"));
        assert_eq!(split_trace("no trace"), ("no trace", None));
    }

    #[test]
    fn a_failed_renewal_says_why() {
        assert!(renewal_failure(&AuthError::RefreshExpired).contains("more than 24 hours old"));
        assert!(renewal_failure(&AuthError::NoRefreshToken).contains("gave no refresh token"));
        let m = renewal_failure(&AuthError::provider("invalid_grant".into(), None));
        assert!(m.starts_with("Your session could not be renewed: ") && m.contains("invalid_grant"), "{m}");
    }

    #[test]
    fn an_action_result_names_the_side_that_refused() {
        let role = Outcome::Refused(Refusal::UserRole {
            role_hint: "a role that can manage incidents",
            message: "Insufficient privileges".into(),
        });
        let t = action_result("resolve #2141 as True positive", &role, false);
        assert!(t.starts_with("Resolve #2141 as True positive: refused. The API refused your account"), "{t}");
        assert!(t.contains("a role that can manage incidents") && t.contains("Insufficient privileges"), "{t}");
        let app = Outcome::Refused(Refusal::AppPermission { needed_scope: "Incident.ReadWrite" });
        assert!(action_result("x", &app, false)
            .contains("has not been granted the delegated permission Incident.ReadWrite"));
        assert_eq!(action_result("assign #1 to you", &Outcome::Done, false), "Assign #1 to you: done.");
        let lost = Outcome::Failed(ApiError::Server { status: 503, message: String::new() });
        let failed = action_result("x", &lost, false);
        assert!(failed.contains("HTTP 503") && failed.contains("kept here"), "{failed}");
        // A comment whose answer was lost may be there already: no invitation to send a second copy.
        let comment = action_result("comment on #7", &lost, true);
        assert!(comment.contains("may have been added") && !comment.contains("send it again when ready"), "{comment}");
        let d = consent_declined("https://graph.microsoft.com/SecurityIncident.ReadWrite.All");
        assert_eq!(
            d,
            "The permission https://graph.microsoft.com/SecurityIncident.ReadWrite.All was not granted, so the page \
             stays read-only. You are still signed in; act again to be asked once more, or ask an administrator to \
             grant it."
        );
    }

    #[test]
    fn a_declined_hunting_consent_says_the_query_was_not_run_in_the_same_words() {
        let d = hunt_consent_declined("https://graph.microsoft.com/ThreatHunting.Read.All");
        assert_eq!(
            d,
            "The permission https://graph.microsoft.com/ThreatHunting.Read.All was not granted, so the query was not \
             run. You are still signed in and the rest of the page works; press Run to be asked again, or ask an \
             administrator to grant it."
        );
    }

    #[test]
    fn a_missing_graph_token_for_hunting_says_what_to_do_in_an_analysts_words() {
        for e in [AuthError::NoRefreshToken, AuthError::RefreshExpired] {
            let b = hunt_token_unavailable(&e);
            assert!(b.problem.message.contains("second token, for Microsoft Graph"), "{b:?}");
            assert_eq!(b.problem.hint.as_deref(), Some("Sign in again, then press Run."));
            assert_eq!(b.consent, None);
        }
        let denied = AuthError::provider(
            "invalid_grant".into(),
            Some("AADSTS65001: The user or administrator has not consented. Trace ID: t".into()),
        );
        let b = hunt_token_unavailable(&denied);
        // Issue 21.8: no script name and no AADSTS code in what the analyst reads first.
        for said in [&b.problem.message, b.problem.hint.as_ref().unwrap()] {
            assert!(!said.contains("AADSTS") && !said.contains("scripts/") && !said.contains("register-app"), "{said}");
        }
        assert!(b.problem.message.contains("ThreatHunting.Read.All"), "{b:?}");
        assert!(b.problem.details.as_deref().unwrap().contains("AADSTS65001"), "the code behind Details");
        assert_eq!(b.consent.as_deref(), Some("https://graph.microsoft.com/ThreatHunting.Read.All"));
        let b = hunt_token_unavailable(&AuthError::Network("offline".into()));
        assert!(b.problem.hint.unwrap().contains("press Run again") && b.problem.details.unwrap().contains("offline"));
        assert!(b.consent.is_none());
        assert!(hunt_token_busy().problem.message.contains("Press Run again"));
        assert_eq!(group(1_234_567), "1,234,567");
        assert!(
            hunt_rows_cut(4_000, 500, true).contains("first 4,000 rows")
                && hunt_rows_cut(4_000, 500, true).contains("500 columns")
        );
        assert!(hunt_rows_cut(100_000, 3, false).contains("at most 100,000 rows"));
        assert!(columns_need_consent().contains("run a query first") && !columns_unread().is_empty());
    }
}
