//! The exact writes that carry out a checked [`Change`]: one PATCH with only the changed properties, in each API's
//! documented names and spellings, plus (Graph only) a POST to the incident's comments.
//!
//! - Defender: `PATCH {api_base}/api/incidents/{id}`, `Content-Type: application/json`; the body's `comment` "is
//!   added to the incident" (api-update-incidents.md), so a comment travels in the same PATCH.
//! - Graph: `PATCH {api_base}/v1.0/security/incidents/{id}` (security-incident-update.md, which has no comment
//!   property) and `POST {api_base}/v1.0/security/incidents/{id}/comments` with
//!   `{"@odata.type":"microsoft.graph.security.alertComment","comment":…}` (security-incident-post-comments.md).

use super::rules::{validate, Change};
use super::spelling::{determination_spelled, Spelling};
use super::{Action, ActionError};
use crate::auth::secret::AccessToken;
use crate::http::HttpResponse;
use crate::http::{is_secure_url, HttpRequest, Method};
use crate::incidents::model::{Classification, Determination};
use crate::incidents::query::{api_request_for, incident_resource_url};
use crate::incidents::source::Source;
use crate::incidents::source::{api, Dialect};
use crate::request::error::ApiError;
use crate::request::retry::{Failure, Fault, Policy};
use serde_json::{json, Map, Value};

/// What a write does, for retry decisions ([`WriteKind::policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// Sets properties only: idempotent.
    Update,
    /// Adds a comment (a Graph POST, or a Defender PATCH whose body has `comment`): not idempotent.
    AddsComment,
}

impl WriteKind {
    /// How insistent the driver may be with this write: a property update is idempotent, so it is sent again
    /// after a 429's wait, a 5xx or a lost answer; a write that adds a comment is sent once (a 5xx or a lost
    /// answer may hide a comment that was added). Both are sent again after a refused token is renewed: a 401
    /// applied nothing.
    pub fn policy(self) -> Policy {
        match self {
            WriteKind::Update => Policy::PATIENT,
            WriteKind::AddsComment => Policy::ONCE,
        }
    }
}

/// Why a write failed: a 403 is kept whole, so the page can tell which side refused it (the app's permission
/// or the analyst's role, [`super::access::classify_forbidden`]); anything else as for every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// 403.
    Refused(HttpResponse),
    /// Anything else.
    Api(ApiError),
}

impl Failure for WriteError {
    fn fault(&self) -> Fault {
        match self {
            WriteError::Refused(_) => Fault::Final,
            WriteError::Api(e) => e.fault(),
        }
    }

    fn signed_out() -> Self {
        WriteError::Api(ApiError::SignedOut)
    }
}

/// One write for the browser edge to send: the request (its `Debug` hides the token and the body) and whether
/// sending it again could duplicate something. `PATCH` sets properties (the same body twice leaves the same
/// incident); `POST` adds a comment (twice adds two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRequest {
    /// The request.
    pub http: HttpRequest,
    /// Whether re-sending could duplicate something.
    pub kind: WriteKind,
}

/// The incident's URL, by the one id rule in [`crate::incidents::query::is_incident_id`]; an id it refuses is not sent.
fn incident_url(source: Source, api_base: &str, id: &str) -> Result<String, ActionError> {
    incident_resource_url(source, api_base, id).ok_or_else(|| ActionError::BadId(crate::incidents::model::cap(id, 40)))
}

/// A classification as each API writes it (`TruePositive` / `truePositive`); `None` for values nobody writes.
pub fn classification_wire(source: Source, c: &Classification) -> Option<&'static str> {
    let (defender, graph) = match c {
        Classification::TruePositive => ("TruePositive", "truePositive"),
        Classification::InformationalExpectedActivity => {
            ("InformationalExpectedActivity", "informationalExpectedActivity")
        }
        Classification::FalsePositive => ("FalsePositive", "falsePositive"),
        Classification::Unknown | Classification::Other(_) => return None,
    };
    Some(if api(source).dialect == Dialect::Defender { defender } else { graph })
}

/// A determination as each API writes it, in the spelling a GET returns ([`super::spelling`]).
pub fn determination_wire(source: Source, d: &Determination) -> Option<&'static str> {
    determination_spelled(source, d, Spelling::Resource)
}

/// The PATCH body for `change` (without Graph's comment), or `None` when nothing is left to patch.
fn patch_body(source: Source, change: &Change, spelling: Spelling) -> Option<Map<String, Value>> {
    let mut body = Map::new();
    if let Some(who) = &change.assigned_to {
        body.insert("assignedTo".into(), who.as_deref().map_or(Value::Null, |w| Value::String(w.into())));
    }
    if let Some(s) = &change.status {
        body.insert("status".into(), Value::String(s.api_value(source)));
    }
    if let Some((c, d)) = &change.classification {
        // validate() let only documented pairs through, so both spellings exist.
        body.insert("classification".into(), classification_wire(source, c).map_or(Value::Null, Value::from));
        body.insert(
            "determination".into(),
            determination_spelled(source, d, spelling).map_or(Value::Null, Value::from),
        );
    }
    if let Some(tags) = &change.tags {
        let key = if api(source).dialect == Dialect::Defender { "tags" } else { "customTags" };
        body.insert(key.into(), json!(tags));
    }
    if let (Dialect::Defender, Some(c)) = (api(source).dialect, &change.comment) {
        body.insert("comment".into(), Value::String(c.clone()));
    }
    (!body.is_empty()).then_some(body)
}

fn write(
    source: Source,
    method: Method,
    url: String,
    body: Value,
    kind: WriteKind,
    token: &AccessToken,
) -> WriteRequest {
    let mut http = api_request_for(source, url, token);
    http.headers.push(("Content-Type".into(), "application/json".into()));
    http.method = method;
    http.body = Some(body.to_string());
    WriteRequest { http, kind }
}

/// The requests that carry out `action` on incident `id`, in the order to send them: one for Defender; for Graph
/// a PATCH, a comment POST, or both (PATCH first, so a refused change adds no comment). Sent only on the
/// analyst's gesture; each is sent again only as its [`WriteKind::policy`] allows.
pub fn update_requests(
    source: Source,
    api_base: &str,
    id: &str,
    action: &Action,
    token: &AccessToken,
) -> Result<Vec<WriteRequest>, ActionError> {
    update_requests_spelled(source, api_base, id, action, token, Spelling::Resource)
}

/// [`update_requests`] with the determination in `spelling` (the second try after a refusal that named it:
/// [`super::spelling::alternative_write`]).
pub fn update_requests_spelled(
    source: Source,
    api_base: &str,
    id: &str,
    action: &Action,
    token: &AccessToken,
    spelling: Spelling,
) -> Result<Vec<WriteRequest>, ActionError> {
    if !is_secure_url(api_base) {
        return Err(ActionError::InsecureApiBase);
    }
    let url = incident_url(source, api_base, id)?;
    let change = validate(source, action)?;
    let mut out = Vec::with_capacity(2);
    if let Some(body) = patch_body(source, &change, spelling) {
        let kind = if body.contains_key("comment") { WriteKind::AddsComment } else { WriteKind::Update };
        out.push(write(source, Method::Patch, url.clone(), Value::Object(body), kind, token));
    }
    if let (Dialect::Graph, Some(c)) = (api(source).dialect, &change.comment) {
        let body = json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": c});
        out.push(write(source, Method::Post, format!("{url}/comments"), body, WriteKind::AddsComment, token));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::Status;

    const D: &str = "https://api.security.microsoft.com";
    const G: &str = "https://graph.microsoft.com";

    fn tok() -> AccessToken {
        AccessToken::new("tok-123".into())
    }

    fn one(source: Source, base: &str, id: &str, a: Action) -> WriteRequest {
        let mut v = update_requests(source, base, id, &a, &tok()).unwrap();
        assert_eq!(v.len(), 1, "{v:?}");
        v.remove(0)
    }

    fn body(r: &WriteRequest) -> Value {
        serde_json::from_str(r.http.body.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn defender_patch_url_headers_and_status() {
        let r = one(Source::Defender, D, "924565", Action::SetStatus(Status::InProgress));
        assert_eq!(r.http.method, Method::Patch);
        assert_eq!(r.http.url, "https://api.security.microsoft.com/api/incidents/924565");
        assert_eq!(r.http.body.as_deref(), Some(r#"{"status":"InProgress"}"#));
        assert_eq!(
            r.http.headers.iter().find(|(n, _)| n == "Authorization").map(|(_, v)| v.as_str()),
            Some("Bearer tok-123")
        );
        assert!(r.http.headers.contains(&("Content-Type".into(), "application/json".into())));
        assert_eq!(r.kind, WriteKind::Update);
    }

    #[test]
    fn graph_patch_url_and_camel_case() {
        let r = one(Source::Graph, "https://graph.microsoft.com/", "2972395", Action::SetStatus(Status::Resolved));
        assert_eq!(r.http.url, "https://graph.microsoft.com/v1.0/security/incidents/2972395");
        assert_eq!(body(&r), json!({"status": "resolved"}));
        assert!(r.http.headers.contains(&("Prefer".into(), "include-unknown-enum-members".into())));
    }

    #[test]
    fn classify_spellings_per_source() {
        let a = |c, d| Action::Classify { classification: c, determination: d };
        let r = one(Source::Defender, D, "1", a(Classification::TruePositive, Determination::CompromisedUser));
        assert_eq!(body(&r), json!({"classification": "TruePositive", "determination": "CompromisedUser"}));
        let r = one(Source::Graph, G, "1", a(Classification::TruePositive, Determination::CompromisedUser));
        assert_eq!(body(&r), json!({"classification": "truePositive", "determination": "compromisedAccount"}));
        let r = one(Source::Defender, D, "1", a(Classification::FalsePositive, Determination::InsufficientData));
        assert_eq!(body(&r), json!({"classification": "FalsePositive", "determination": "InsufficientData"}));
        let r = one(Source::Graph, G, "1", a(Classification::FalsePositive, Determination::Clean));
        assert_eq!(body(&r), json!({"classification": "falsePositive", "determination": "notMalicious"}));
        let r = one(
            Source::Defender,
            D,
            "1",
            a(Classification::InformationalExpectedActivity, Determination::ConfirmedUserActivity),
        );
        assert_eq!(
            body(&r),
            json!({"classification": "InformationalExpectedActivity", "determination": "ConfirmedUserActivity"})
        );
    }

    #[test]
    fn every_offered_pair_has_both_spellings() {
        for s in [Source::Defender, Source::Graph] {
            for c in super::super::writable_classifications() {
                assert!(classification_wire(s, c).is_some());
                for d in super::super::valid_determinations(s, c) {
                    assert!(determination_wire(s, d).is_some(), "{s:?} {d:?}");
                }
            }
        }
    }

    #[test]
    fn assign_and_unassign() {
        let r = one(Source::Defender, D, "7", Action::AssignTo(" secop2@contoso.com ".into()));
        assert_eq!(r.http.body.as_deref(), Some(r#"{"assignedTo":"secop2@contoso.com"}"#));
        let r = one(Source::Graph, G, "7", Action::Unassign);
        assert_eq!(r.http.body.as_deref(), Some(r#"{"assignedTo":null}"#));
        assert!(update_requests(Source::Defender, D, "7", &Action::Unassign, &tok()).is_err());
    }

    #[test]
    fn tags_replace_the_list_under_each_name() {
        let tags = vec!["Demo".to_string(), "Don't mess".to_string()];
        let r = one(Source::Defender, D, "7", Action::SetTags(tags.clone()));
        assert_eq!(body(&r), json!({"tags": ["Demo", "Don't mess"]}));
        let r = one(Source::Graph, G, "7", Action::SetTags(tags));
        assert_eq!(body(&r), json!({"customTags": ["Demo", "Don't mess"]}));
        let r = one(Source::Graph, G, "7", Action::SetTags(vec![]));
        assert_eq!(r.http.body.as_deref(), Some(r#"{"customTags":[]}"#));
    }

    #[test]
    fn comments_defender_in_patch_graph_by_post() {
        let r = one(Source::Defender, D, "7", Action::Comment(" pen testing ".into()));
        assert_eq!(
            (r.http.method, r.http.body.as_deref().unwrap(), r.kind),
            (Method::Patch, r#"{"comment":"pen testing"}"#, WriteKind::AddsComment)
        );
        let r = one(Source::Graph, G, "3962396", Action::Comment("Demo for docs".into()));
        assert_eq!(r.http.method, Method::Post);
        assert_eq!(r.http.url, "https://graph.microsoft.com/v1.0/security/incidents/3962396/comments");
        assert_eq!(
            body(&r),
            json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": "Demo for docs"})
        );
        assert_eq!(r.kind, WriteKind::AddsComment);
    }

    #[test]
    fn resolve_in_one_step() {
        let a = Action::Resolve {
            classification: Classification::TruePositive,
            determination: Determination::Malware,
            comment: Some("pen testing".into()),
        };
        let d = update_requests(Source::Defender, D, "7", &a, &tok()).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(
            body(&d[0]),
            json!({"status": "Resolved", "classification": "TruePositive", "determination": "Malware", "comment": "pen testing"})
        );
        let g = update_requests(Source::Graph, G, "7", &a, &tok()).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].http.method, g[0].kind), (Method::Patch, WriteKind::Update));
        assert_eq!(
            body(&g[0]),
            json!({"status": "resolved", "classification": "truePositive", "determination": "malware"})
        );
        assert_eq!(g[1].http.method, Method::Post);
        assert_eq!(body(&g[1])["comment"], "pen testing");
    }

    #[test]
    fn ids_follow_the_one_rule() {
        // The rule lives in api::query::is_incident_id; a write asks it, and so does the get-by-id.
        let c = Action::SetStatus(Status::Active);
        for bad in ["", "12a", "-1", "1 2", " 0042 ", "99999999999999999999", "../1"] {
            assert!(
                matches!(update_requests(Source::Defender, D, bad, &c, &tok()), Err(ActionError::BadId(_))),
                "{bad}"
            );
        }
        assert_eq!(one(Source::Defender, D, "0042", c.clone()).http.url, format!("{D}/api/incidents/0042"));
        for bad in ["", ".", "..", "a\u{7}b", "../a?b#c d", "a/b"] {
            assert!(
                matches!(update_requests(Source::Graph, G, bad, &c, &tok()), Err(ActionError::BadId(_))),
                "{bad:?}"
            );
        }
        let r = one(Source::Graph, G, "a-1_B", c);
        assert_eq!(r.http.url, format!("{G}/v1.0/security/incidents/a-1_B"), "no $expand on a write");
        assert_eq!(Some(r.http.url), crate::incidents::query::incident_resource_url(Source::Graph, G, "a-1_B"));
    }

    #[test]
    fn insecure_base_or_invalid_action_builds_nothing() {
        let c = Action::SetStatus(Status::Active);
        assert_eq!(
            update_requests(Source::Graph, "http://graph.example", "1", &c, &tok()),
            Err(ActionError::InsecureApiBase)
        );
        assert!(update_requests(Source::Graph, "http://127.0.0.1:8080", "1", &c, &tok()).is_ok());
        assert!(update_requests(Source::Graph, G, "1", &Action::Comment(" ".into()), &tok()).is_err());
    }

    #[test]
    fn debug_hides_token_and_body() {
        let r = one(Source::Defender, D, "7", Action::Comment("secret words".into()));
        let d = format!("{r:?}");
        assert!(!d.contains("tok-123") && !d.contains("secret words") && d.contains("Authorization"));
    }
}
