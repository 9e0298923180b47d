//! Who may make which call: the delegated permission each call needs per source (the token panel lists them),
//! whether a token holds it, and which side refused a 403 ([`Refusal`]).
//!
//! Permissions: Defender update `Incident.ReadWrite` (api-update-incidents.md, delegated); Graph update and
//! create-comment `SecurityIncident.ReadWrite.All` (security-incident-update-permissions.md,
//! security-incident-post-comments-permissions.md: least privileged, nothing lower). Reads accept either the read
//! or the read-write permission ([`crate::incidents::query::accepted_scopes`]).

use super::Action;
use crate::auth::session::Session;
use crate::http::HttpResponse;
use crate::incidents::query::{accepted_scopes, required_scope};
use crate::incidents::source::Source;
use crate::request::error::{map_response, ApiError};

/// A call the page can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// List incidents.
    List,
    /// Read one incident.
    ReadOne,
    /// Change an incident's properties.
    Update,
    /// Add a comment.
    Comment,
    /// Run an advanced hunting query (Microsoft Graph, whichever source the incidents come from).
    Hunt,
}

/// One row of the token panel's "calls this page can make" table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallInfo {
    /// The call.
    pub call: Call,
    /// What it does, for people.
    pub label: &'static str,
    /// Method and path, as the API's documentation writes them.
    pub endpoint: &'static str,
    /// The least-privileged delegated permission it needs.
    pub scope: &'static str,
    /// Any of these lets the call through.
    pub accepted: &'static [&'static str],
}

/// The four calls for `source`, in the order the panel lists them.
pub fn calls(source: Source) -> [CallInfo; 4] {
    let api = crate::incidents::source::api(source);
    let [list, one, update, comment] = api.endpoints;
    let read = |call, label, endpoint| CallInfo {
        call,
        label,
        endpoint,
        scope: required_scope(source),
        accepted: accepted_scopes(source),
    };
    let write = |call, label, endpoint| CallInfo {
        call,
        label,
        endpoint,
        scope: api.write_scopes.first().copied().unwrap_or_default(),
        accepted: api.write_scopes,
    };
    [
        read(Call::List, "List incidents", list),
        read(Call::ReadOne, "Read one incident", one),
        write(Call::Update, "Assign, change status, classify, tag", update),
        write(Call::Comment, "Comment on an incident", comment),
    ]
}

/// The row for one call.
pub fn call_info(source: Source, call: Call) -> CallInfo {
    let all = calls(source);
    match call {
        Call::List => all[0],
        Call::ReadOne => all[1],
        Call::Update => all[2],
        Call::Comment => all[3],
        Call::Hunt => hunt_call(),
    }
}

/// The hunting call's row: Graph's `runHuntingQuery` and `ThreatHunting.Read.All`, for either source.
fn hunt_call() -> CallInfo {
    use crate::hunting::{HUNT_ACCEPTED, HUNT_ENDPOINT, HUNT_LABEL, HUNT_SCOPE};
    CallInfo {
        call: Call::Hunt,
        label: HUNT_LABEL,
        endpoint: HUNT_ENDPOINT,
        scope: HUNT_SCOPE,
        accepted: HUNT_ACCEPTED,
    }
}

/// Every call the page can make, in the order the token panel lists them: [`calls`], then hunting.
pub fn all_calls(source: Source) -> Vec<CallInfo> {
    let mut all = calls(source).to_vec();
    all.push(hunt_call());
    all
}

/// The call an action makes (a "resolve" with a comment needs the same permission as any update).
pub fn action_call(action: &Action) -> Call {
    match action {
        Action::Comment(_) => Call::Comment,
        _ => Call::Update,
    }
}

/// Does the session's token hold a permission that lets `call` through? Uses the session's own scope rule
/// (bare or `{resource}/Name`, case-insensitive).
pub(crate) fn is_granted(session: &Session, source: Source, call: Call) -> bool {
    session.has_any_scope(call_info(source, call).accepted)
}

pub use crate::request::refusal::Refusal;

pub(crate) fn role_hint(source: Source, call: Call) -> &'static str {
    let api = crate::incidents::source::api(source);
    match call {
        Call::List | Call::ReadOne | Call::Hunt => api.read_role,
        Call::Update | Call::Comment => api.write_role,
    }
}

/// For a 403 answer to `call`, says which side refused: the app (the token lacks the permission) or the user
/// (the token has it, so the user's role is missing). `None` when `resp` is not a 403.
pub(crate) fn classify_forbidden(
    source: Source,
    call: Call,
    session: &Session,
    resp: &HttpResponse,
) -> Option<Refusal> {
    if resp.status != 403 {
        return None;
    }
    if !is_granted(session, source, call) {
        return Some(Refusal::AppPermission { needed_scope: call_info(source, call).scope });
    }
    let message = match map_response(resp, required_scope(source)) {
        Err(ApiError::Forbidden { message, .. }) => message,
        _ => String::new(),
    };
    Some(Refusal::UserRole { role_hint: role_hint(source, call), message })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::auth::jwt::IdClaims;
    use crate::auth::secret::AccessToken;
    use crate::incidents::model::{Classification, Determination};

    /// A session whose token holds `scopes` (shared with the other action tests).
    pub(crate) fn session(scopes: &[&str]) -> Session {
        Session {
            access_token: AccessToken::new("t".into()),
            expires_at: 2_000,
            granted_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            id_claims: IdClaims {
                iss: "https://login.example.test/t/v2.0".into(),
                sub: "s".into(),
                aud: vec!["c".into()],
                exp: 2_000,
                iat: 1_000,
                nonce: None,
                tid: None,
                oid: None,
                name: None,
                preferred_username: None,
                login_hint: None,
            },
            refresh_token: None,
            signed_in_at: 1_000,
            issuer: "https://login.example.test/t/v2.0".into(),
            token_received_at: 1_000,
            end_session_endpoint: None,
        }
    }

    fn forbidden(body: &str) -> HttpResponse {
        HttpResponse { status: 403, headers: vec![], body: body.into() }
    }

    #[test]
    fn call_table_per_source() {
        let d = calls(Source::Defender);
        assert_eq!(d.map(|c| c.scope), ["Incident.Read", "Incident.Read", "Incident.ReadWrite", "Incident.ReadWrite"]);
        assert_eq!(d[3].endpoint, "PATCH /api/incidents/{id} (comment)");
        let g = calls(Source::Graph);
        assert_eq!(
            g.map(|c| c.scope),
            [
                "SecurityIncident.Read.All",
                "SecurityIncident.Read.All",
                "SecurityIncident.ReadWrite.All",
                "SecurityIncident.ReadWrite.All"
            ]
        );
        assert_eq!(g[3].endpoint, "POST /v1.0/security/incidents/{id}/comments");
        for s in [Source::Defender, Source::Graph] {
            for c in [Call::List, Call::ReadOne, Call::Update, Call::Comment] {
                assert_eq!(call_info(s, c).call, c);
            }
        }
    }

    #[test]
    fn hunting_is_listed_after_the_incident_calls_with_graphs_permission() {
        for s in [Source::Defender, Source::Graph] {
            let all = all_calls(s);
            assert_eq!(all.len(), 5);
            assert_eq!(all[..4], calls(s));
            let h = call_info(s, Call::Hunt);
            assert_eq!(
                (h.call, h.scope, h.endpoint),
                (Call::Hunt, "ThreatHunting.Read.All", "POST /v1.0/security/runHuntingQuery")
            );
            assert_eq!(all[4], h);
            assert!(is_granted(&session(&["https://graph.microsoft.com/ThreatHunting.Read.All"]), s, Call::Hunt));
            assert!(!is_granted(&session(&["SecurityIncident.ReadWrite.All"]), s, Call::Hunt));
        }
    }

    #[test]
    fn grants_follow_the_session_scope_rule() {
        let read = session(&["https://api.security.microsoft.com/Incident.Read"]);
        assert!(is_granted(&read, Source::Defender, Call::List));
        assert!(!is_granted(&read, Source::Defender, Call::Update));
        let rw = session(&["https://api.security.microsoft.com/incident.readwrite"]);
        for c in [Call::List, Call::ReadOne, Call::Update, Call::Comment] {
            assert!(is_granted(&rw, Source::Defender, c));
        }
        let g = session(&["SecurityIncident.ReadWrite.All"]);
        assert!(is_granted(&g, Source::Graph, Call::Comment));
        assert!(!is_granted(&g, Source::Defender, Call::List));
    }

    #[test]
    fn action_calls() {
        assert_eq!(action_call(&Action::Comment("x".into())), Call::Comment);
        let r = Action::Resolve {
            classification: Classification::TruePositive,
            determination: Determination::Malware,
            comment: Some("x".into()),
        };
        assert_eq!(action_call(&r), Call::Update);
        assert_eq!(action_call(&Action::Unassign), Call::Update);
    }

    #[test]
    fn forbidden_without_the_scope_is_the_apps_permission() {
        let s = session(&["https://graph.microsoft.com/SecurityIncident.Read.All"]);
        let r = classify_forbidden(Source::Graph, Call::Update, &s, &forbidden("{}"));
        assert_eq!(r, Some(Refusal::AppPermission { needed_scope: "SecurityIncident.ReadWrite.All" }));
        assert!(r.unwrap().user_message().contains("admin consent"));
    }

    #[test]
    fn forbidden_with_the_scope_is_the_users_role() {
        let s = session(&["https://api.security.microsoft.com/Incident.ReadWrite"]);
        let body = r#"{"error":{"code":"Forbidden","message":"User is not allowed to update incident","target":"x"}}"#;
        let r = classify_forbidden(Source::Defender, Call::Update, &s, &forbidden(body)).unwrap();
        match &r {
            Refusal::UserRole { role_hint, message } => {
                assert!(role_hint.contains("manage incidents"));
                assert_eq!(message, "User is not allowed to update incident");
            }
            other => panic!("{other:?}"),
        }
        assert!(r.user_message().contains("User is not allowed"));
        let g = session(&["SecurityIncident.ReadWrite.All"]);
        let r = classify_forbidden(Source::Graph, Call::Comment, &g, &forbidden("<html>")).unwrap();
        assert!(matches!(r, Refusal::UserRole { role_hint, .. } if role_hint.contains("Security Operator")));
    }

    #[test]
    fn not_a_403_is_not_classified() {
        let s = session(&[]);
        for status in [200, 401, 404, 429, 500] {
            let resp = HttpResponse { status, headers: vec![], body: String::new() };
            assert_eq!(classify_forbidden(Source::Graph, Call::Update, &s, &resp), None);
        }
    }
}
