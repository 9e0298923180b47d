//! Updating incidents and commenting on them: the request-body rules both APIs document ("Update incidents API"
//! for Defender; "Update incident" and "Create comment for incident" for Graph), applied to the in-memory incident.

use serde_json::{json, Value};

use axum::http::HeaderMap;
use axum::response::Response;

use super::{finish, guard_write, Api};
use crate::clock::now_ms;
use crate::data::{
    documented_pair, graph_classification, graph_determination, graph_status, Comment, Incident, CLASSIFICATIONS,
    DETERMINATIONS, STATUSES,
};
use crate::state::AppState;

/// Spellings the update pages use for values the resource pages name differently (Defender's page says "consider
/// changing the enum name"; Graph's 2022 page lists `compromisedUser`/`confirmedUserActivity`, and its older
/// incident pages `clean`/`insufficientData`, where `alertDetermination` now says `notMalicious`/`notEnoughDataToValidate`).
const ALIASES: [(&str, &str); 7] = [
    ("CompromisedAccount", "CompromisedUser"),
    ("ConfirmedActivity", "ConfirmedUserActivity"),
    ("NoEnoughDataToValidate", "InsufficientData"),
    ("compromisedUser", "CompromisedUser"),
    ("confirmedUserActivity", "ConfirmedUserActivity"),
    ("clean", "Clean"),
    ("insufficientData", "InsufficientData"),
];

/// A validated change, in Defender spellings. `Some(None)` clears a nullable text.
#[derive(Debug, Default)]
pub(crate) struct Change {
    status: Option<String>,
    assigned_to: Option<Option<String>>,
    classification: Option<String>,
    determination: Option<String>,
    tags: Option<Vec<String>>,
    comment: Option<String>,
    resolving_comment: Option<Option<String>>,
    summary: Option<Option<String>>,
}

/// Which kind of enum a value belongs to.
#[derive(Clone, Copy)]
enum Kind {
    Status,
    Classification,
    Determination,
}

impl Kind {
    fn values(self) -> &'static [&'static str] {
        match self {
            Kind::Status => &STATUSES,
            Kind::Classification => &CLASSIFICATIONS,
            Kind::Determination => &DETERMINATIONS,
        }
    }

    /// How `api` spells the Defender value `v`.
    fn spell(self, api: Api, v: &str) -> String {
        match (api, self) {
            (Api::Defender, _) => v.to_string(),
            (Api::Graph, Kind::Status) => graph_status(v),
            (Api::Graph, Kind::Classification) => graph_classification(v),
            (Api::Graph, Kind::Determination) => graph_determination(v),
        }
    }

    /// The Defender value `raw` names in `api`'s spelling (case-insensitive), if it is a documented one.
    fn parse(self, api: Api, raw: &str) -> Option<&'static str> {
        let alias = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(raw) && matches!(self, Kind::Determination));
        match alias {
            Some((_, v)) => self.values().iter().copied().find(|x| x == v),
            None => self.values().iter().copied().find(|v| self.spell(api, v).eq_ignore_ascii_case(raw)),
        }
    }
}

fn text(field: &str, v: &Value) -> Result<String, String> {
    v.as_str().map(str::to_string).ok_or_else(|| format!("The property '{field}' must be a string, got {v}."))
}

fn nullable_text(field: &str, v: &Value) -> Result<Option<String>, String> {
    if v.is_null() {
        Ok(None)
    } else {
        text(field, v).map(Some)
    }
}

fn enum_value(api: Api, kind: Kind, field: &str, v: &Value) -> Result<String, String> {
    let raw = text(field, v)?;
    kind.parse(api, &raw).map(str::to_string).ok_or_else(|| {
        let allowed: Vec<String> = kind.values().iter().map(|x| kind.spell(api, x)).collect();
        format!("The value '{raw}' is not valid for '{field}'. Allowed values: {}.", allowed.join(", "))
    })
}

/// The JSON object of a request body, or why it is not one.
fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("The request body must be a JSON object.".into()),
        Err(e) => Err(format!("The request body is not valid JSON: {e}.")),
    }
}

/// Parses a PATCH body with `api`'s property names; unknown properties and wrong types are refused.
pub(crate) fn parse(api: Api, body: &[u8]) -> Result<Change, String> {
    let mut c = Change::default();
    for (k, v) in object(body)? {
        match (api, k.as_str()) {
            (_, "status") => c.status = Some(enum_value(api, Kind::Status, &k, &v)?),
            (_, "assignedTo") => c.assigned_to = Some(nullable_text(&k, &v)?),
            (_, "classification") => c.classification = Some(enum_value(api, Kind::Classification, &k, &v)?),
            (_, "determination") => c.determination = Some(enum_value(api, Kind::Determination, &k, &v)?),
            (Api::Defender, "tags") | (Api::Graph, "customTags") => {
                let items = v.as_array().ok_or_else(|| format!("The property '{k}' must be an array of strings."))?;
                c.tags = Some(items.iter().map(|t| text(&k, t)).collect::<Result<_, _>>()?);
            }
            (Api::Defender, "comment") => c.comment = Some(text(&k, &v)?).filter(|s| !s.trim().is_empty()),
            (Api::Graph, "resolvingComment") => c.resolving_comment = Some(nullable_text(&k, &v)?),
            (Api::Graph, "summary") => c.summary = Some(nullable_text(&k, &v)?),
            _ => return Err(format!("The property '{k}' does not exist or cannot be updated on an incident.")),
        }
    }
    Ok(c)
}

/// Parses a Graph "Create comment for incident" body: `comment` (required), `@odata.type` (optional, alertComment).
pub(crate) fn parse_comment(body: &[u8]) -> Result<String, String> {
    let mut comment = None;
    for (k, v) in object(body)? {
        match k.as_str() {
            "comment" => comment = Some(text(&k, &v)?),
            "@odata.type" => {
                let t = text(&k, &v)?;
                if t.trim_start_matches('#') != "microsoft.graph.security.alertComment" {
                    return Err(format!("The @odata.type '{t}' is not 'microsoft.graph.security.alertComment'."));
                }
            }
            _ => {
                return Err(format!(
                    "The property '{k}' does not exist on type 'microsoft.graph.security.alertComment'."
                ))
            }
        }
    }
    comment.filter(|c| !c.trim().is_empty()).ok_or_else(|| "The property 'comment' is required.".into())
}

/// Applies a change: checks the resulting classification/determination pair, then sets the fields, appends the
/// comment by `author` and moves `lastUpdateTime` to `now_ms` (strictly later, so a delta refresh sees it).
pub(crate) fn apply(api: Api, inc: &mut Incident, c: Change, author: &str, now_ms: i64) -> Result<(), String> {
    let classification = c.classification.clone().or_else(|| inc.classification.clone()).unwrap_or_default();
    let current = inc.determination.clone().unwrap_or_else(|| "NotAvailable".into());
    let determination = match &c.determination {
        Some(d) => d.clone(),
        // A new classification that the old determination does not fit leaves the determination open.
        None if c.classification.is_some() && !documented_pair(&classification, &current) => "NotAvailable".into(),
        None => current,
    };
    if (c.classification.is_some() || c.determination.is_some()) && !documented_pair(&classification, &determination) {
        return Err(format!(
            "The determination '{}' is not valid with the classification '{}'.",
            Kind::Determination.spell(api, &determination),
            Kind::Classification.spell(api, &classification),
        ));
    }
    if c.classification.is_some() || c.determination.is_some() {
        inc.classification = Some(classification);
        inc.determination = Some(determination);
    }
    if let Some(s) = c.status {
        inc.status = Some(s);
    }
    if let Some(a) = c.assigned_to {
        inc.assigned_to = a;
    }
    if let Some(t) = c.tags {
        inc.tags = Some(t);
    }
    if let Some(r) = c.resolving_comment {
        inc.resolving_comment = r;
    }
    if let Some(s) = c.summary {
        inc.summary = s;
    }
    if let Some(text) = c.comment {
        inc.comments.push(Comment { text, by: author.to_string(), at: now_ms });
    }
    inc.last_update = now_ms.max(inc.last_update + 1);
    Ok(())
}

/// A whole `PATCH`: the write guard (`(audience, write permission)`), the body, the stored change, and the updated
/// incident as `render` shapes it; each refusal in `api`'s error shape.
pub(crate) async fn patch(
    st: &AppState,
    api: Api,
    headers: &HeaderMap,
    id: &str,
    body: &[u8],
    (audience, write_scope): (&str, &str),
    render: impl Fn(&Incident) -> Value,
) -> Response {
    let user = match guard_write(st, api, headers, audience, write_scope).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let change = match parse(api, body) {
        Ok(c) => c,
        Err(e) => return api.bad_body(&e),
    };
    match st.update_incident(id, |inc| apply(api, inc, change, user.upn, now_ms())) {
        None => api.not_found(id),
        Some(Err(e)) => api.bad_body(&e),
        Some(Ok(inc)) => finish(st, &render(&inc)),
    }
}

/// Appends a comment by `author` and moves `lastUpdateTime`, as an update carrying only that comment does.
pub(crate) fn add_comment(inc: &mut Incident, text: String, author: &str, now_ms: i64) {
    let only_comment = Change { comment: Some(text), ..Change::default() };
    // A comment-only change has no pair to check, so it cannot fail.
    let _ = apply(Api::Graph, inc, only_comment, author, now_ms);
}

/// The body of Graph's "Create comment for incident" answer: every comment of the incident.
pub(crate) fn comments_page(id: u64, comments: Vec<Value>) -> Value {
    json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#security/incidents('{id}')/comments"),
        "value": comments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate;

    fn incident() -> Incident {
        let mut i = generate(3, 1, 1_714_558_272_345, false).remove(0);
        i.classification = Some("Unknown".into());
        i.determination = Some("NotAvailable".into());
        i
    }

    #[test]
    fn both_spellings_and_aliases() {
        let c = parse(
            Api::Graph,
            br#"{"status":"resolved","classification":"TruePositive","determination":"compromisedUser"}"#,
        )
        .unwrap();
        assert_eq!(c.status.as_deref(), Some("Resolved"));
        assert_eq!(c.determination.as_deref(), Some("CompromisedUser"));
        let c = parse(Api::Defender, br#"{"determination":"NoEnoughDataToValidate"}"#).unwrap();
        assert_eq!(c.determination.as_deref(), Some("InsufficientData"));
        // The app sends alertDetermination's names; Graph's incident pages still show the older ones: both work.
        for (graph, stored) in [
            ("notMalicious", "Clean"),
            ("clean", "Clean"),
            ("notEnoughDataToValidate", "InsufficientData"),
            ("insufficientData", "InsufficientData"),
            ("compromisedAccount", "CompromisedUser"),
            ("confirmedActivity", "ConfirmedUserActivity"),
        ] {
            let body = format!(r#"{{"determination":"{graph}"}}"#);
            assert_eq!(parse(Api::Graph, body.as_bytes()).unwrap().determination.as_deref(), Some(stored), "{graph}");
        }
    }

    #[test]
    fn refusals() {
        for (api, body, needle) in [
            (Api::Defender, &br#"{"status":"Exploding"}"#[..], "not valid for 'status'"),
            (Api::Defender, br#"{"customTags":["x"]}"#, "'customTags' does not exist"),
            (Api::Graph, br#"{"tags":["x"]}"#, "'tags' does not exist"),
            (Api::Graph, br#"{"customTags":"x"}"#, "must be an array"),
            (Api::Graph, br#"{"assignedTo":42}"#, "must be a string"),
            (Api::Defender, br#"[1]"#, "JSON object"),
            (Api::Defender, br#"{"#, "not valid JSON"),
        ] {
            let e = parse(api, body).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn pairs_are_checked_on_the_result() {
        let mut i = incident();
        let c = parse(Api::Defender, br#"{"classification":"FalsePositive","determination":"Malware"}"#).unwrap();
        let e = apply(Api::Defender, &mut i, c, "a@b", 5).unwrap_err();
        assert!(e.contains("'Malware' is not valid with the classification 'FalsePositive'"), "{e}");
        let c = parse(Api::Defender, br#"{"classification":"TruePositive","determination":"Malware"}"#).unwrap();
        let later = i.last_update + 10;
        apply(Api::Defender, &mut i, c, "a@b", later).unwrap();
        // Determination alone is checked against the stored classification.
        let c = parse(Api::Graph, br#"{"determination":"notMalicious"}"#).unwrap();
        assert!(apply(Api::Graph, &mut i, c, "a@b", 5).is_err());
        // A new classification the old determination does not fit leaves it open.
        let c = parse(Api::Defender, br#"{"classification":"FalsePositive"}"#).unwrap();
        apply(Api::Defender, &mut i, c, "a@b", 5).unwrap();
        assert_eq!(i.determination.as_deref(), Some("NotAvailable"));
    }

    #[test]
    fn comments_and_time() {
        let mut i = incident();
        let before = i.last_update;
        let c = parse(Api::Defender, br#"{"comment":"pen testing","tags":["A"]}"#).unwrap();
        apply(Api::Defender, &mut i, c, "ada@x", before - 1000).unwrap();
        assert_eq!(i.last_update, before + 1);
        assert_eq!(i.tags, Some(vec!["A".to_string()]));
        assert_eq!((i.comments[0].text.as_str(), i.comments[0].by.as_str()), ("pen testing", "ada@x"));
        assert_eq!(
            parse_comment(br#"{"@odata.type":"microsoft.graph.security.alertComment","comment":"x"}"#).unwrap(),
            "x"
        );
        assert!(parse_comment(br#"{"comment":""}"#).is_err());
        assert!(parse_comment(br#"{"comment":"x","createdBy":"me"}"#).is_err());
    }
}
