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
use crate::options::DeterminationNames;
use crate::state::AppState;

/// A validated change, in Defender spellings. `Some(None)` clears a nullable text.
#[derive(Debug, Default)]
pub(crate) struct Change {
    status: Option<String>,
    assigned_to: Option<Option<String>>,
    classification: Option<String>,
    determination: Option<String>,
    tags: Option<Vec<String>>,
    comment: Option<String>,
}

/// The values a write may set, per API and field, exactly as each update page spells them (the error-codes page:
/// "body parameters are case-sensitive"), each paired with the Defender resource spelling the sandbox stores.
/// Defender's update page lists only `TruePositive`, `InformationalExpectedActivity` and `FalsePositive` (no
/// `Unknown`), and no `NotAvailable`, `Apt` or `SecurityPersonnel`; Graph's lists `unknown` for both.
#[derive(Clone, Copy)]
enum Kind {
    Status,
    Classification,
    Determination,
}

/// Defender determinations a PATCH may set, in the resource page's names (the ones the update page renames are
/// swapped by [`update_name`] under `--determinations update`).
const DEFENDER_DETERMINATIONS: [&str; 12] = [
    "MultiStagedAttack",
    "MaliciousUserActivity",
    "CompromisedUser",
    "Malware",
    "Phishing",
    "UnwantedSoftware",
    "Other",
    "SecurityTesting",
    "LineOfBusinessApplication",
    "ConfirmedUserActivity",
    "Clean",
    "InsufficientData",
];

/// The update page's name for a resource-page determination, where the two pages differ.
fn update_name(v: &str) -> &str {
    match v {
        "CompromisedUser" => "CompromisedAccount",
        "ConfirmedUserActivity" => "ConfirmedActivity",
        "InsufficientData" => "NoEnoughDataToValidate",
        other => other,
    }
}

impl Kind {
    /// `(as api spells it on a write, stored Defender value)` for every value a write may set.
    fn writable(self, api: Api, names: DeterminationNames) -> Vec<(String, &'static str)> {
        let defender: &[&'static str] = match self {
            Kind::Status => &STATUSES,
            Kind::Classification if api == Api::Defender => &CLASSIFICATIONS[1..],
            Kind::Classification => &CLASSIFICATIONS,
            Kind::Determination if api == Api::Defender => &DEFENDER_DETERMINATIONS,
            Kind::Determination => &DETERMINATIONS,
        };
        defender
            .iter()
            .map(|v| {
                let spelled = match (api, self) {
                    (Api::Defender, Kind::Determination) if names == DeterminationNames::Update => {
                        update_name(v).to_string()
                    }
                    _ => self.spell(api, v),
                };
                (spelled, *v)
            })
            .collect()
    }

    /// How `api` spells the stored Defender value `v` on a read.
    fn spell(self, api: Api, v: &str) -> String {
        match (api, self) {
            (Api::Defender, _) => v.to_string(),
            (Api::Graph, Kind::Status) => graph_status(v),
            (Api::Graph, Kind::Classification) => graph_classification(v),
            (Api::Graph, Kind::Determination) => graph_determination(v),
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

/// An enum value spelled exactly as `api`'s update page does; anything else (another case, the other page's name)
/// is refused naming the value, so a client can tell which value was refused.
fn enum_value(api: Api, names: DeterminationNames, kind: Kind, field: &str, v: &Value) -> Result<String, String> {
    let raw = text(field, v)?;
    kind.writable(api, names)
        .into_iter()
        .find(|(spelled, _)| *spelled == raw)
        .map(|(_, stored)| stored.to_string())
        .ok_or_else(|| format!("Invalid value '{raw}' for property '{field}'."))
}

/// The JSON object of a request body, or why it is not one.
fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("The request body must be a JSON object.".into()),
        Err(e) => Err(format!("The request body is not valid JSON: {e}.")),
    }
}

/// Parses a PATCH body with `api`'s property names (only the ones its v1.0 update page documents); unknown
/// properties, wrong types and other spellings are refused. `names`: the Defender determination names accepted.
pub(crate) fn parse(api: Api, names: DeterminationNames, body: &[u8]) -> Result<Change, String> {
    let mut c = Change::default();
    for (k, v) in object(body)? {
        match (api, k.as_str()) {
            (_, "status") => c.status = Some(enum_value(api, names, Kind::Status, &k, &v)?),
            // Graph documents null ("no owner"); Defender documents a string only.
            (Api::Graph, "assignedTo") => c.assigned_to = Some(nullable_text(&k, &v)?),
            (Api::Defender, "assignedTo") => c.assigned_to = Some(Some(text(&k, &v)?)),
            (_, "classification") => c.classification = Some(enum_value(api, names, Kind::Classification, &k, &v)?),
            (_, "determination") => c.determination = Some(enum_value(api, names, Kind::Determination, &k, &v)?),
            (Api::Defender, "tags") | (Api::Graph, "customTags") => {
                let items = v.as_array().ok_or_else(|| format!("The property '{k}' must be an array of strings."))?;
                c.tags = Some(items.iter().map(|t| text(&k, t)).collect::<Result<_, _>>()?);
            }
            (Api::Defender, "comment") => c.comment = Some(text(&k, &v)?).filter(|s| !s.trim().is_empty()),
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
    let change = match parse(api, st.opts.determinations, body) {
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

    const RES: DeterminationNames = DeterminationNames::Resource;
    const UPD: DeterminationNames = DeterminationNames::Update;

    #[test]
    fn each_api_its_own_exact_spelling() {
        let c = parse(
            Api::Graph,
            RES,
            br#"{"status":"resolved","classification":"truePositive","determination":"compromisedAccount"}"#,
        )
        .unwrap();
        assert_eq!(c.status.as_deref(), Some("Resolved"));
        assert_eq!(c.determination.as_deref(), Some("CompromisedUser"));
        for (graph, stored) in [
            ("notMalicious", "Clean"),
            ("notEnoughDataToValidate", "InsufficientData"),
            ("confirmedActivity", "ConfirmedUserActivity"),
            ("unknown", "NotAvailable"),
        ] {
            let body = format!(r#"{{"determination":"{graph}"}}"#);
            assert_eq!(parse(Api::Graph, RES, body.as_bytes()).unwrap().determination.as_deref(), Some(stored));
        }
        let c = parse(Api::Defender, RES, br#"{"status":"InProgress","classification":"FalsePositive"}"#).unwrap();
        assert_eq!((c.status.as_deref(), c.classification.as_deref()), (Some("InProgress"), Some("FalsePositive")));
    }

    #[test]
    fn one_spelling_per_value_in_exact_case() {
        for (api, body, value, field) in [
            // Another case (the error-codes page: body parameters are case-sensitive).
            (Api::Defender, &br#"{"status":"resolved"}"#[..], "resolved", "status"),
            (Api::Defender, br#"{"classification":"truePositive"}"#, "truePositive", "classification"),
            (Api::Graph, br#"{"status":"Resolved"}"#, "Resolved", "status"),
            (Api::Graph, br#"{"classification":"TruePositive"}"#, "TruePositive", "classification"),
            (Api::Graph, br#"{"determination":"MultiStagedAttack"}"#, "MultiStagedAttack", "determination"),
            // Other pages' names (Graph's older incident pages).
            (Api::Graph, br#"{"determination":"compromisedUser"}"#, "compromisedUser", "determination"),
            (Api::Graph, br#"{"determination":"clean"}"#, "clean", "determination"),
            (Api::Graph, br#"{"determination":"insufficientData"}"#, "insufficientData", "determination"),
            // Not on Defender's update page.
            (Api::Defender, br#"{"classification":"Unknown"}"#, "Unknown", "classification"),
            (Api::Defender, br#"{"determination":"NotAvailable"}"#, "NotAvailable", "determination"),
            (Api::Defender, br#"{"determination":"Apt"}"#, "Apt", "determination"),
        ] {
            let e = parse(api, RES, body).unwrap_err();
            assert_eq!(e, format!("Invalid value '{value}' for property '{field}'."), "{api:?}");
        }
    }

    #[test]
    fn defender_determinations_one_set_by_flag() {
        let pairs = [
            ("CompromisedUser", "CompromisedAccount"),
            ("ConfirmedUserActivity", "ConfirmedActivity"),
            ("InsufficientData", "NoEnoughDataToValidate"),
        ];
        for (resource, update) in pairs {
            let body = |v: &str| format!(r#"{{"determination":"{v}"}}"#);
            let ok = parse(Api::Defender, RES, body(resource).as_bytes()).unwrap();
            assert_eq!(ok.determination.as_deref(), Some(resource));
            let e = parse(Api::Defender, RES, body(update).as_bytes()).unwrap_err();
            assert_eq!(e, format!("Invalid value '{update}' for property 'determination'."));
            // --determinations update: the update page's names, stored (and read back) as the resource spells them.
            let ok = parse(Api::Defender, UPD, body(update).as_bytes()).unwrap();
            assert_eq!(ok.determination.as_deref(), Some(resource));
            let e = parse(Api::Defender, UPD, body(resource).as_bytes()).unwrap_err();
            assert_eq!(e, format!("Invalid value '{resource}' for property 'determination'."));
        }
        // Names both pages share work under either flag.
        assert!(parse(Api::Defender, UPD, br#"{"determination":"Malware"}"#).is_ok());
    }

    #[test]
    fn only_documented_v1_properties() {
        // resolvingComment and summary are beta-only on Graph; Defender documents assignedTo as a string.
        for (api, body, needle) in [
            (Api::Graph, &br#"{"resolvingComment":"x"}"#[..], "'resolvingComment' does not exist"),
            (Api::Graph, br#"{"summary":"x"}"#, "'summary' does not exist"),
            (Api::Defender, br#"{"assignedTo":null}"#, "'assignedTo' must be a string, got null"),
        ] {
            let e = parse(api, RES, body).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
        assert_eq!(parse(Api::Graph, RES, br#"{"assignedTo":null}"#).unwrap().assigned_to, Some(None));
    }

    #[test]
    fn refusals() {
        for (api, body, needle) in [
            (Api::Defender, &br#"{"status":"Exploding"}"#[..], "Invalid value 'Exploding' for property 'status'"),
            (Api::Defender, br#"{"customTags":["x"]}"#, "'customTags' does not exist"),
            (Api::Graph, br#"{"tags":["x"]}"#, "'tags' does not exist"),
            (Api::Graph, br#"{"customTags":"x"}"#, "must be an array"),
            (Api::Graph, br#"{"assignedTo":42}"#, "must be a string"),
            (Api::Defender, br#"[1]"#, "JSON object"),
            (Api::Defender, br#"{"#, "not valid JSON"),
        ] {
            let e = parse(api, RES, body).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn pairs_are_checked_on_the_result() {
        let mut i = incident();
        let c = parse(Api::Defender, RES, br#"{"classification":"FalsePositive","determination":"Malware"}"#).unwrap();
        let e = apply(Api::Defender, &mut i, c, "a@b", 5).unwrap_err();
        assert!(e.contains("'Malware' is not valid with the classification 'FalsePositive'"), "{e}");
        let c = parse(Api::Defender, RES, br#"{"classification":"TruePositive","determination":"Malware"}"#).unwrap();
        let later = i.last_update + 10;
        apply(Api::Defender, &mut i, c, "a@b", later).unwrap();
        // Determination alone is checked against the stored classification.
        let c = parse(Api::Graph, RES, br#"{"determination":"notMalicious"}"#).unwrap();
        assert!(apply(Api::Graph, &mut i, c, "a@b", 5).is_err());
        // A new classification the old determination does not fit leaves it open.
        let c = parse(Api::Defender, RES, br#"{"classification":"FalsePositive"}"#).unwrap();
        apply(Api::Defender, &mut i, c, "a@b", 5).unwrap();
        assert_eq!(i.determination.as_deref(), Some("NotAvailable"));
    }

    #[test]
    fn comments_and_time() {
        let mut i = incident();
        let before = i.last_update;
        let c = parse(Api::Defender, RES, br#"{"comment":"pen testing","tags":["A"]}"#).unwrap();
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
