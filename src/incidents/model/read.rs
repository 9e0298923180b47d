//! Reading the incident model from either API's JSON: the readers both shapes share (text fields capped, lists
//! of objects and strings, comments), the alert and incident fields both APIs name alike, the raw leftovers'
//! lists of what is shown, and the body checks (size, an object) before anything is parsed.

use super::*;

/// The alert fields both APIs spell differently: (Defender, Graph).
pub(crate) struct AlertFields {
    pub id: &'static str,
    pub created: &'static str,
    pub resolved: &'static str,
    pub first: &'static str,
    pub last: &'static str,
    pub actor: &'static str,
    pub entities: &'static str,
}

/// Alert fields read the same way in both APIs, and those every alert parser shows (for the raw leftovers).
const ALERT_SHOWN: &[&str] = &[
    "title",
    "severity",
    "status",
    "category",
    "serviceSource",
    "detectionSource",
    "mitreTechniques",
    "description",
    "threatFamilyName",
    "threatDisplayName",
    "assignedTo",
    "investigationState",
    "recommendedActions",
    "classification",
    "determination",
    "comments",
    "devices",
    "incidentId",
    "productName",
];

/// Reads an alert with `f` naming the fields whose spelling differs; devices and entities come from the caller.
pub(super) fn alert(a: &Map<String, Value>, f: &AlertFields, devices: Vec<Device>, entities: Vec<Entity>) -> Alert {
    let shown = ALERT_SHOWN.iter().copied().chain([f.id, f.created, f.resolved, f.first, f.last, f.actor, f.entities]);
    Alert {
        id: text(a, f.id).unwrap_or_default(),
        title: text(a, "title").unwrap_or_default(),
        severity: Severity::parse(raw_str(a, "severity")),
        status: Status::parse(raw_str(a, "status")),
        category: text(a, "category"),
        service_source: text(a, "serviceSource"),
        detection_source: text(a, "detectionSource"),
        mitre_techniques: strings(a, "mitreTechniques"),
        first_activity: text(a, f.first),
        last_activity: text(a, f.last),
        devices,
        entities,
        description: text(a, "description"),
        created: text(a, f.created),
        resolved: text(a, f.resolved),
        threat_family: text(a, "threatFamilyName"),
        threat_name: text(a, "threatDisplayName"),
        actor: text(a, f.actor),
        assigned_to: text(a, "assignedTo"),
        investigation_state: text(a, "investigationState"),
        recommended_actions: text(a, "recommendedActions"),
        classification: Classification::parse(raw_str(a, "classification")),
        determination: Determination::parse(raw_str(a, "determination")),
        comments: comments(a),
        raw: evidence::leftovers(a, shown),
    }
}

/// An entity from `table`, with its type and the named fields search and summaries read.
pub(super) fn entity(
    e: &Map<String, Value>,
    entity_type: Option<String>,
    table: &[(&str, &str, FactKind)],
    named: Entity,
) -> Entity {
    let shown = table.iter().map(|(p, _, _)| *p).chain(["entityType", "@odata.type"]);
    Entity { entity_type, facts: evidence::facts(e, table), raw: evidence::leftovers(e, shown), ..named }
}

/// Incident fields the page shows, by either API's name (for the raw leftovers).
const INCIDENT_SHOWN: &[&str] = &[
    "incidentId",
    "id",
    "incidentName",
    "displayName",
    "createdTime",
    "createdDateTime",
    "lastUpdateTime",
    "lastUpdateDateTime",
    "severity",
    "status",
    "assignedTo",
    "classification",
    "determination",
    "tags",
    "customTags",
    "systemTags",
    "redirectIncidentId",
    "incidentWebUrl",
    "tenantId",
    "detectionSource",
    "description",
    "alerts",
    "comments",
    "summary",
    "resolvingComment",
    "lastModifiedBy",
];

/// A text field: strings as-is (capped); numbers and booleans as text; anything else None.
pub(super) fn text(o: &Map<String, Value>, k: &str) -> Option<String> {
    match o.get(k)? {
        Value::String(s) if !s.is_empty() => Some(cap(s, MAX_TEXT_CHARS)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn first_text(o: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(o, k))
}

pub(super) fn raw_str<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

pub(super) fn objects<'a>(o: &'a Map<String, Value>, k: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
    o.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object)
}

pub(super) fn strings(o: &Map<String, Value>, k: &str) -> Vec<String> {
    match o.get(k) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| match v {
                Value::String(s) if !s.is_empty() => Some(cap(s, 1000)),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![cap(s, 1000)],
        _ => Vec::new(),
    }
}

pub(super) fn sub<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a Map<String, Value>> {
    o.get(k).and_then(Value::as_object)
}

pub(super) fn comments(o: &Map<String, Value>) -> Vec<Comment> {
    objects(o, "comments")
        .map(|c| Comment {
            comment: text(c, "comment"),
            created_by: first_text(c, &["createdBy", "createdByDisplayName"]),
            created_time: first_text(c, &["createdTime", "createTime", "createdDateTime"]),
        })
        .collect()
}

/// The fields both APIs name alike (and those the source description names), read from an incident object;
/// the fields only one API has are left empty. `None` without an id.
pub(super) fn incident(o: &Map<String, Value>, source: Source, alerts: Vec<Alert>) -> Option<Incident> {
    let f = crate::incidents::source::api(source);
    let id = text(o, f.id_field)?;
    let created = text(o, f.created_field);
    let last_update = text(o, f.updated_field);
    Some(Incident {
        name: text(o, f.name_field).unwrap_or_else(|| format!("Incident {id}")),
        id,
        severity: Severity::parse(raw_str(o, "severity")),
        status: Status::parse(raw_str(o, "status")),
        assigned_to: text(o, "assignedTo"),
        classification: Classification::parse(raw_str(o, "classification")),
        determination: Determination::parse(raw_str(o, "determination")),
        created_ts: created.as_deref().and_then(parse_rfc3339),
        last_update_ts: last_update.as_deref().and_then(parse_rfc3339),
        created,
        last_update,
        alert_count: alerts.len(),
        tags: vec![],
        system_tags: vec![],
        custom_tags: vec![],
        redirect_id: text(o, "redirectIncidentId"),
        web_url: None,
        tenant_id: None,
        detection_source: None,
        description: None,
        alerts,
        comments: comments(o),
        summary: text(o, "summary"),
        resolving_comment: text(o, "resolvingComment"),
        last_modified_by: text(o, "lastModifiedBy"),
        raw: evidence::leftovers(o, INCIDENT_SHOWN.iter().copied()),
    })
}

/// The body as a JSON object, refused when too large or not an object.
pub(super) fn json_object(body: &str) -> Result<Map<String, Value>, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::BadBody("response too large".into()));
    }
    let v: Value =
        serde_json::from_str(body).map_err(|e| ApiError::BadBody(format!("the response is not valid JSON ({e})")))?;
    match v {
        Value::Object(o) => Ok(o),
        _ => Err(ApiError::BadBody("the response is not a JSON object".into())),
    }
}

pub(super) fn page(body: &str) -> Result<Map<String, Value>, ApiError> {
    let o = json_object(body)?;
    if !o.get("value").is_some_and(Value::is_array) {
        return Err(ApiError::BadBody("the response has no \"value\" array of incidents".into()));
    }
    Ok(o)
}

/// Parses one incident from a get-by-id response (Defender `GET /api/incidents/{id}`, Graph
/// `GET /security/incidents/{id}?$expand=alerts`).
pub fn parse_one_incident(source: Source, body: &str) -> Result<Incident, ApiError> {
    let o = json_object(body)?;
    let inc = match crate::incidents::source::api(source).dialect {
        crate::incidents::source::Dialect::Defender => defender::defender_incident(&o),
        crate::incidents::source::Dialect::Graph => graph::graph_incident(&o),
    };
    inc.ok_or_else(|| ApiError::BadBody("the response is not an incident (it has no id)".into()))
}
