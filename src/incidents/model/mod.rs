//! One typed incident model for the Defender and Graph incidents APIs, parsed leniently from JSON.
//!
//! Every field is read on its own from a `serde_json::Value`: a null, a missing field or a wrong type
//! defaults that field only. Microsoft adds enum values without notice, so enums keep unknown values.

mod defender;
mod enums;
mod evidence;
mod graph;

use crate::incidents::query::parse_rfc3339;
use crate::incidents::source::Source;
use crate::request::error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use defender::parse_defender_page;
pub(crate) use enums::norm;
pub use enums::{Classification, Determination, Known, Severity, Status};
pub use evidence::{type_names, visible, Fact, FactKind, MAX_RAW_CHARS};
pub use graph::parse_graph_page;

/// Bodies larger than this are refused before parsing.
pub(crate) const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;
/// Text fields longer than this are truncated for display.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// A comment on an incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Text (plain; render as text only).
    pub comment: Option<String>,
    /// Author.
    pub created_by: Option<String>,
    /// RFC 3339 time as given.
    pub created_time: Option<String>,
}

/// A device involved in an alert.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Defender device id (`mdatpDeviceId`, `DeviceId` or Graph `mdeDeviceId`).
    pub device_id: Option<String>,
    /// Entra device id.
    pub aad_device_id: Option<String>,
    /// DNS name.
    pub device_dns_name: Option<String>,
    /// OS platform.
    pub os_platform: Option<String>,
    /// Health status.
    pub health_status: Option<String>,
    /// Risk score.
    pub risk_score: Option<String>,
    /// First seen (RFC 3339).
    pub first_seen: Option<String>,
}

/// An entity (evidence) in an alert: one flat struct, every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// `User`, `Ip`, `Url`, `File`, `Process`, `MailBox`, `MailMessage`, `MailCluster`, `Registry`, …
    pub entity_type: Option<String>,
    /// File name.
    pub file_name: Option<String>,
    /// File path.
    pub file_path: Option<String>,
    /// SHA-1.
    pub sha1: Option<String>,
    /// SHA-256.
    pub sha256: Option<String>,
    /// Process id.
    pub process_id: Option<String>,
    /// Process command line.
    pub process_command_line: Option<String>,
    /// IP address.
    pub ip_address: Option<String>,
    /// URL (text only; never make it a link).
    pub url: Option<String>,
    /// Account name.
    pub account_name: Option<String>,
    /// Domain name.
    pub domain_name: Option<String>,
    /// UPN.
    pub user_principal_name: Option<String>,
    /// Entra user id.
    pub aad_user_id: Option<String>,
    /// Mailbox address.
    pub mailbox_address: Option<String>,
    /// Mailbox display name.
    pub mailbox_display_name: Option<String>,
    /// Mail sender.
    pub sender: Option<String>,
    /// Mail recipient.
    pub recipient: Option<String>,
    /// Mail subject.
    pub subject: Option<String>,
    /// Registry key.
    pub registry_key: Option<String>,
    /// Registry value.
    pub registry_value: Option<String>,
    /// Device id.
    pub device_id: Option<String>,
    /// Every documented field present, labelled, in display order (see `evidence.rs`).
    pub facts: Vec<Fact>,
    /// The fields no label names, as compact JSON (bounded), for the "raw" view.
    pub raw: Option<String>,
}

impl Entity {
    /// Readable (singular, group) names of this entity's type, e.g. ("Security group", "Security groups").
    pub fn type_names(&self) -> (String, String) {
        type_names(self.entity_type.as_deref())
    }

    /// A one-line description for lists.
    pub fn summary(&self) -> String {
        let main = [
            &self.user_principal_name,
            &self.account_name,
            &self.ip_address,
            &self.url,
            &self.file_name,
            &self.process_command_line,
            &self.mailbox_address,
            &self.subject,
            &self.registry_key,
            &self.sha256,
            &self.sha1,
            &self.device_id,
        ]
        .into_iter()
        .find_map(|f| f.as_deref())
        .unwrap_or("");
        match (&self.entity_type, main.is_empty()) {
            (Some(t), false) => format!("{t}: {main}"),
            (Some(t), true) => t.clone(),
            (None, _) => main.to_string(),
        }
    }
}

/// An alert inside an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Alert id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Status (alerts also use `New`, kept as `Unknown("New")`).
    pub status: Status,
    /// MITRE tactic category.
    pub category: Option<String>,
    /// Service source (e.g. `MicrosoftDefenderForEndpoint`).
    pub service_source: Option<String>,
    /// Detection source.
    pub detection_source: Option<String>,
    /// MITRE technique ids.
    pub mitre_techniques: Vec<String>,
    /// First activity (RFC 3339).
    pub first_activity: Option<String>,
    /// Last activity (RFC 3339).
    pub last_activity: Option<String>,
    /// Devices.
    pub devices: Vec<Device>,
    /// Entities / evidence.
    pub entities: Vec<Entity>,
    /// Description.
    pub description: Option<String>,
    /// Created (`creationTime` / `createdDateTime`).
    pub created: Option<String>,
    /// Resolved (`resolvedTime` / `resolvedDateTime`).
    pub resolved: Option<String>,
    /// Threat family (`threatFamilyName`), e.g. `Mimikatz`.
    pub threat_family: Option<String>,
    /// Threat name (Graph `threatDisplayName`).
    pub threat_name: Option<String>,
    /// Actor (`actorName` / Graph `actorDisplayName`).
    pub actor: Option<String>,
    /// Assigned analyst (`"Automation"` possible).
    pub assigned_to: Option<String>,
    /// Automated investigation state (Defender `investigationState`).
    pub investigation_state: Option<String>,
    /// Recommended actions (Graph `recommendedActions`).
    pub recommended_actions: Option<String>,
    /// Classification.
    pub classification: Classification,
    /// Determination.
    pub determination: Determination,
    /// Comments on the alert (Graph).
    pub comments: Vec<Comment>,
    /// The fields the page does not show, as compact JSON (bounded), for the "raw" view.
    pub raw: Option<String>,
}

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
fn alert(a: &Map<String, Value>, f: &AlertFields, devices: Vec<Device>, entities: Vec<Entity>) -> Alert {
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
fn entity(
    e: &Map<String, Value>,
    entity_type: Option<String>,
    table: &[(&str, &str, FactKind)],
    named: Entity,
) -> Entity {
    let shown = table.iter().map(|(p, _, _)| *p).chain(["entityType", "@odata.type"]);
    Entity { entity_type, facts: evidence::facts(e, table), raw: evidence::leftovers(e, shown), ..named }
}

/// An incident from either API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// Incident id (Defender's number as text).
    pub id: String,
    /// Name (`incidentName` / `displayName`).
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: Status,
    /// Assigned analyst.
    pub assigned_to: Option<String>,
    /// Classification.
    pub classification: Classification,
    /// Determination.
    pub determination: Determination,
    /// Created (RFC 3339 as given).
    pub created: Option<String>,
    /// Last update (RFC 3339 as given).
    pub last_update: Option<String>,
    /// Created, unix seconds.
    pub created_ts: Option<i64>,
    /// Last update, unix seconds.
    pub last_update_ts: Option<i64>,
    /// Number of alerts (those included in the response).
    pub alert_count: usize,
    /// Tags (Defender `tags`; Graph `customTags` then `systemTags`).
    pub tags: Vec<String>,
    /// The tags the service set (Graph `systemTags`), also in `tags`: not the analyst's to write.
    #[serde(default)]
    pub system_tags: Vec<String>,
    /// The analyst's own tags as Graph lists them (`customTags`), kept apart because `tags` shows a custom tag
    /// that reads like a system tag once; empty for Defender, whose `tags` are all the analyst's.
    #[serde(default)]
    pub custom_tags: Vec<String>,
    /// Incident this one was merged into.
    pub redirect_id: Option<String>,
    /// Graph `incidentWebUrl`, kept only if it is `https://security.microsoft.com/…`.
    pub web_url: Option<String>,
    /// Tenant id (Graph).
    pub tenant_id: Option<String>,
    /// Detection source (Defender).
    pub detection_source: Option<String>,
    /// Description (Graph).
    pub description: Option<String>,
    /// Alerts (Graph only with `$expand=alerts`).
    pub alerts: Vec<Alert>,
    /// Comments.
    pub comments: Vec<Comment>,
    /// Graph `summary`.
    pub summary: Option<String>,
    /// Graph `resolvingComment`.
    pub resolving_comment: Option<String>,
    /// Graph `lastModifiedBy`.
    pub last_modified_by: Option<String>,
    /// The incident's fields the page does not show (alerts aside), as compact JSON (bounded).
    pub raw: Option<String>,
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

impl Default for Alert {
    fn default() -> Self {
        Alert {
            id: String::new(),
            title: String::new(),
            severity: Severity::Unspecified,
            status: Status::Unknown(String::new()),
            category: None,
            service_source: None,
            detection_source: None,
            mitre_techniques: vec![],
            first_activity: None,
            last_activity: None,
            devices: vec![],
            entities: vec![],
            description: None,
            created: None,
            resolved: None,
            threat_family: None,
            threat_name: None,
            actor: None,
            assigned_to: None,
            investigation_state: None,
            recommended_actions: None,
            classification: Classification::Unknown,
            determination: Determination::NotAvailable,
            comments: vec![],
            raw: None,
        }
    }
}

pub(crate) use crate::format::cap;

/// A text field: strings as-is (capped); numbers and booleans as text; anything else None.
fn text(o: &Map<String, Value>, k: &str) -> Option<String> {
    match o.get(k)? {
        Value::String(s) if !s.is_empty() => Some(cap(s, MAX_TEXT_CHARS)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn first_text(o: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(o, k))
}

fn raw_str<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn objects<'a>(o: &'a Map<String, Value>, k: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
    o.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object)
}

fn strings(o: &Map<String, Value>, k: &str) -> Vec<String> {
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

fn sub<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a Map<String, Value>> {
    o.get(k).and_then(Value::as_object)
}

fn comments(o: &Map<String, Value>) -> Vec<Comment> {
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
fn incident(o: &Map<String, Value>, source: Source, alerts: Vec<Alert>) -> Option<Incident> {
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
fn json_object(body: &str) -> Result<Map<String, Value>, ApiError> {
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

fn page(body: &str) -> Result<Map<String, Value>, ApiError> {
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

#[cfg(test)]
mod tests;
