//! One typed incident model for the Defender and Graph incidents APIs, parsed leniently from JSON.
//!
//! Every field is read on its own from a `serde_json::Value`: a null, a missing field or a wrong type
//! defaults that field only. Microsoft adds enum values without notice, so enums keep unknown values.

use super::error::ApiError;
use super::query::parse_rfc3339;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;
/// Text fields longer than this are truncated for display.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Lowercase with only letters and digits: `In Progress`, `inProgress`, `in_progress` all become `inprogress`.
fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Incident or alert severity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Informational.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Not set (Defender `UnSpecified`, Graph `unknown`, or missing).
    Unspecified,
    /// A value this app does not know yet, as given.
    Unknown(String),
}

impl Severity {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let Some(raw) = s.filter(|s| !s.trim().is_empty()) else { return Severity::Unspecified };
        match norm(raw).as_str() {
            "informational" => Severity::Informational,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "unspecified" | "unknown" | "none" => Severity::Unspecified,
            _ => Severity::Unknown(cap(raw, 100)),
        }
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match self {
            Severity::Informational => "Informational",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Unspecified => "Unspecified",
            Severity::Unknown(s) => s,
        }
    }
    /// Sort rank: High 4 … Informational 1, others 0.
    pub fn rank(&self) -> u8 {
        match self {
            Severity::High => 4,
            Severity::Medium => 3,
            Severity::Low => 2,
            Severity::Informational => 1,
            Severity::Unspecified | Severity::Unknown(_) => 0,
        }
    }
}

/// Incident or alert status.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Active (Defender portal "New").
    Active,
    /// In progress.
    InProgress,
    /// Resolved.
    Resolved,
    /// Merged into another incident (see `redirect_id`).
    Redirected,
    /// Graph `awaitingAction`.
    AwaitingAction,
    /// Any other value as given (alerts use `New`); empty when missing.
    Unknown(String),
}

impl Status {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let raw = s.unwrap_or("").trim();
        match norm(raw).as_str() {
            "active" => Status::Active,
            "inprogress" => Status::InProgress,
            "resolved" => Status::Resolved,
            "redirected" => Status::Redirected,
            "awaitingaction" => Status::AwaitingAction,
            _ => Status::Unknown(cap(raw, 100)),
        }
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match self {
            Status::Active => "Active",
            Status::InProgress => "In progress",
            Status::Resolved => "Resolved",
            Status::Redirected => "Redirected",
            Status::AwaitingAction => "Awaiting action",
            Status::Unknown(s) if s.is_empty() => "Unknown",
            Status::Unknown(s) => s,
        }
    }
    /// Sort rank: open work first.
    pub fn rank(&self) -> u8 {
        match self {
            Status::Active => 4,
            Status::AwaitingAction => 3,
            Status::InProgress => 2,
            Status::Unknown(_) => 1,
            Status::Resolved | Status::Redirected => 0,
        }
    }
}

/// Analyst classification.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Classification {
    /// Not classified (Defender `Unknown`, Graph `unknown`, null).
    Unknown,
    /// False positive.
    FalsePositive,
    /// True positive.
    TruePositive,
    /// "Informational, expected activity" (Graph `informationalExpectedActivity`).
    InformationalExpectedActivity,
    /// Any other value as given.
    Other(String),
}

impl Classification {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let raw = s.unwrap_or("").trim();
        match norm(raw).as_str() {
            "" | "unknown" | "notset" => Classification::Unknown,
            "falsepositive" => Classification::FalsePositive,
            "truepositive" => Classification::TruePositive,
            "informationalexpectedactivity" | "benignpositive" => Classification::InformationalExpectedActivity,
            _ => Classification::Other(cap(raw, 100)),
        }
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match self {
            Classification::Unknown => "Not classified",
            Classification::FalsePositive => "False positive",
            Classification::TruePositive => "True positive",
            Classification::InformationalExpectedActivity => "Informational, expected activity",
            Classification::Other(s) => s,
        }
    }
}

/// Analyst determination (union of both APIs' documented values).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Determination {
    /// Not set (Defender `NotAvailable`, Graph `unknown`, null).
    NotAvailable,
    /// APT (deprecated 2022).
    Apt,
    /// Malware.
    Malware,
    /// Security personnel (deprecated 2022).
    SecurityPersonnel,
    /// Security testing.
    SecurityTesting,
    /// Unwanted software.
    UnwantedSoftware,
    /// Multi-staged attack.
    MultiStagedAttack,
    /// Malicious user activity.
    MaliciousUserActivity,
    /// Compromised user (Graph `compromisedAccount`).
    CompromisedUser,
    /// Phishing.
    Phishing,
    /// Line-of-business application.
    LineOfBusinessApplication,
    /// Confirmed user activity (Graph `confirmedActivity`).
    ConfirmedUserActivity,
    /// Clean.
    Clean,
    /// Not malicious (Graph).
    NotMalicious,
    /// Insufficient data (Graph `notEnoughDataToValidate`).
    InsufficientData,
    /// The documented value `Other`, or any value not known here, as given.
    Other(String),
}

impl Determination {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let raw = s.unwrap_or("").trim();
        match norm(raw).as_str() {
            "" | "notavailable" | "unknown" => Determination::NotAvailable,
            "apt" => Determination::Apt,
            "malware" => Determination::Malware,
            "securitypersonnel" => Determination::SecurityPersonnel,
            "securitytesting" => Determination::SecurityTesting,
            "unwantedsoftware" => Determination::UnwantedSoftware,
            "multistagedattack" => Determination::MultiStagedAttack,
            "malicioususeractivity" => Determination::MaliciousUserActivity,
            "compromiseduser" | "compromisedaccount" => Determination::CompromisedUser,
            "phishing" => Determination::Phishing,
            "lineofbusinessapplication" => Determination::LineOfBusinessApplication,
            "confirmeduseractivity" | "confirmedactivity" => Determination::ConfirmedUserActivity,
            "clean" => Determination::Clean,
            "notmalicious" => Determination::NotMalicious,
            "insufficientdata" | "notenoughdatatovalidate" => Determination::InsufficientData,
            "other" => Determination::Other("Other".into()),
            _ => Determination::Other(cap(raw, 100)),
        }
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match self {
            Determination::NotAvailable => "Not available",
            Determination::Apt => "APT",
            Determination::Malware => "Malware",
            Determination::SecurityPersonnel => "Security personnel",
            Determination::SecurityTesting => "Security testing",
            Determination::UnwantedSoftware => "Unwanted software",
            Determination::MultiStagedAttack => "Multi-staged attack",
            Determination::MaliciousUserActivity => "Malicious user activity",
            Determination::CompromisedUser => "Compromised user",
            Determination::Phishing => "Phishing",
            Determination::LineOfBusinessApplication => "Line-of-business application",
            Determination::ConfirmedUserActivity => "Confirmed user activity",
            Determination::Clean => "Clean",
            Determination::NotMalicious => "Not malicious",
            Determination::InsufficientData => "Insufficient data",
            Determination::Other(s) => s,
        }
    }
}

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
}

impl Entity {
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
}

/// Truncates to `max` characters, adding "…".
pub fn cap(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
    }
}

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

/// Only `https://security.microsoft.com/…` links survive: the UI renders them as `<a href>`.
pub fn safe_portal_url(u: &str) -> Option<String> {
    let ok = u.len() <= 2048
        && u.get(..31).is_some_and(|p| p.eq_ignore_ascii_case("https://security.microsoft.com/"))
        && !u.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\' || c == '"' || c == '<' || c == '>');
    ok.then(|| u.to_string())
}

fn comments(o: &Map<String, Value>) -> Vec<Comment> {
    objects(o, "comments")
        .map(|c| Comment {
            comment: text(c, "comment"),
            created_by: first_text(c, &["createdBy", "createdByDisplayName"]),
            created_time: first_text(c, &["createdTime", "createdDateTime"]),
        })
        .collect()
}

fn defender_device(d: &Map<String, Value>) -> Device {
    Device {
        device_id: first_text(d, &["mdatpDeviceId", "DeviceId", "deviceId"]),
        aad_device_id: text(d, "aadDeviceId"),
        device_dns_name: text(d, "deviceDnsName"),
        os_platform: text(d, "osPlatform"),
        health_status: text(d, "healthStatus"),
        risk_score: text(d, "riskScore"),
        first_seen: text(d, "firstSeen"),
    }
}

fn defender_entity(e: &Map<String, Value>) -> Entity {
    Entity {
        entity_type: text(e, "entityType"),
        file_name: text(e, "fileName"),
        file_path: text(e, "filePath"),
        sha1: text(e, "sha1"),
        sha256: text(e, "sha256"),
        process_id: text(e, "processId"),
        process_command_line: text(e, "processCommandLine"),
        ip_address: text(e, "ipAddress"),
        url: text(e, "url"),
        account_name: text(e, "accountName"),
        domain_name: text(e, "domainName"),
        user_principal_name: text(e, "userPrincipalName"),
        aad_user_id: text(e, "aadUserId"),
        mailbox_address: text(e, "mailboxAddress"),
        mailbox_display_name: text(e, "mailboxDisplayName"),
        sender: text(e, "sender"),
        recipient: text(e, "recipient"),
        subject: text(e, "subject"),
        registry_key: text(e, "registryKey"),
        registry_value: text(e, "registryValue"),
        device_id: text(e, "deviceId"),
    }
}

fn defender_alert(a: &Map<String, Value>) -> Alert {
    Alert {
        id: text(a, "alertId").unwrap_or_default(),
        title: text(a, "title").unwrap_or_default(),
        severity: Severity::parse(raw_str(a, "severity")),
        status: Status::parse(raw_str(a, "status")),
        category: text(a, "category"),
        service_source: text(a, "serviceSource"),
        detection_source: text(a, "detectionSource"),
        mitre_techniques: strings(a, "mitreTechniques"),
        first_activity: text(a, "firstActivity"),
        last_activity: text(a, "lastActivity"),
        devices: objects(a, "devices").map(defender_device).collect(),
        entities: objects(a, "entities").map(defender_entity).collect(),
    }
}

fn defender_incident(o: &Map<String, Value>) -> Option<Incident> {
    let id = text(o, "incidentId")?;
    let created = text(o, "createdTime");
    let last_update = text(o, "lastUpdateTime");
    let alerts: Vec<Alert> = objects(o, "alerts").map(defender_alert).collect();
    Some(Incident {
        name: text(o, "incidentName").unwrap_or_else(|| format!("Incident {id}")),
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
        tags: strings(o, "tags"),
        redirect_id: text(o, "redirectIncidentId"),
        web_url: None,
        tenant_id: None,
        detection_source: text(o, "detectionSource"),
        description: None,
        alerts,
        comments: comments(o),
    })
}

/// Graph evidence type from `@odata.type` (`#microsoft.graph.security.userEvidence` → `User`).
fn evidence_type(e: &Map<String, Value>) -> Option<String> {
    let t = raw_str(e, "@odata.type")?;
    let short = t.rsplit('.').next().unwrap_or(t);
    let short = short.strip_suffix("Evidence").unwrap_or(short);
    let mut c = short.chars();
    let first = c.next()?;
    Some(cap(&(first.to_uppercase().collect::<String>() + c.as_str()), 100))
}

fn graph_evidence(e: &Map<String, Value>) -> Entity {
    let user = sub(e, "userAccount");
    let file = sub(e, "fileDetails").or_else(|| sub(e, "imageFile"));
    let from_user = |k: &str| user.and_then(|u| text(u, k));
    let from_file = |k: &str| file.and_then(|f| text(f, k));
    Entity {
        entity_type: evidence_type(e),
        file_name: from_file("fileName"),
        file_path: from_file("filePath"),
        sha1: from_file("sha1"),
        sha256: from_file("sha256"),
        process_id: text(e, "processId"),
        process_command_line: text(e, "processCommandLine"),
        ip_address: text(e, "ipAddress"),
        url: text(e, "url"),
        account_name: from_user("accountName"),
        domain_name: from_user("domainName"),
        user_principal_name: from_user("userPrincipalName"),
        aad_user_id: from_user("azureAdUserId"),
        mailbox_address: text(e, "primaryAddress"),
        mailbox_display_name: text(e, "displayName"),
        sender: sub(e, "p1Sender").and_then(|s| text(s, "emailAddress")).or_else(|| text(e, "senderIp")),
        recipient: text(e, "recipientEmailAddress"),
        subject: text(e, "subject"),
        registry_key: text(e, "registryKey"),
        registry_value: text(e, "registryValue"),
        device_id: text(e, "mdeDeviceId"),
    }
}

fn graph_alert(a: &Map<String, Value>) -> Alert {
    let mut devices = Vec::new();
    let mut entities = Vec::new();
    for e in objects(a, "evidence") {
        let is_device = raw_str(e, "@odata.type").is_some_and(|t| t.ends_with("deviceEvidence"));
        if is_device {
            devices.push(Device {
                device_id: text(e, "mdeDeviceId"),
                aad_device_id: text(e, "azureAdDeviceId"),
                device_dns_name: text(e, "deviceDnsName"),
                os_platform: text(e, "osPlatform"),
                health_status: text(e, "healthStatus"),
                risk_score: text(e, "riskScore"),
                first_seen: text(e, "firstSeenDateTime"),
            });
        } else {
            entities.push(graph_evidence(e));
        }
    }
    Alert {
        id: text(a, "id").unwrap_or_default(),
        title: text(a, "title").unwrap_or_default(),
        severity: Severity::parse(raw_str(a, "severity")),
        status: Status::parse(raw_str(a, "status")),
        category: text(a, "category"),
        service_source: text(a, "serviceSource"),
        detection_source: text(a, "detectionSource"),
        mitre_techniques: strings(a, "mitreTechniques"),
        first_activity: text(a, "firstActivityDateTime"),
        last_activity: text(a, "lastActivityDateTime"),
        devices,
        entities,
    }
}

fn graph_incident(o: &Map<String, Value>) -> Option<Incident> {
    let id = text(o, "id")?;
    let created = text(o, "createdDateTime");
    let last_update = text(o, "lastUpdateDateTime");
    let alerts: Vec<Alert> = objects(o, "alerts").map(graph_alert).collect();
    let mut tags = strings(o, "customTags");
    tags.extend(strings(o, "systemTags"));
    Some(Incident {
        name: text(o, "displayName").unwrap_or_else(|| format!("Incident {id}")),
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
        tags,
        redirect_id: text(o, "redirectIncidentId"),
        web_url: raw_str(o, "incidentWebUrl").and_then(safe_portal_url),
        tenant_id: text(o, "tenantId"),
        detection_source: None,
        description: text(o, "description"),
        alerts,
        comments: comments(o),
    })
}

fn page(body: &str) -> Result<Map<String, Value>, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::BadBody("response too large".into()));
    }
    let v: Value =
        serde_json::from_str(body).map_err(|e| ApiError::BadBody(format!("the response is not valid JSON ({e})")))?;
    match v {
        Value::Object(o) => {
            if !o.get("value").is_some_and(Value::is_array) {
                return Err(ApiError::BadBody("the response has no \"value\" array of incidents".into()));
            }
            Ok(o)
        }
        _ => Err(ApiError::BadBody("the response is not a JSON object".into())),
    }
}

/// Parses a Defender `GET /api/incidents` page. Entries that are not objects or have no id are skipped.
pub fn parse_defender_page(body: &str) -> Result<Vec<Incident>, ApiError> {
    let o = page(body)?;
    Ok(objects(&o, "value").filter_map(defender_incident).collect())
}

/// Parses a Graph `GET /security/incidents` page; returns the incidents and the raw `@odata.nextLink`
/// (check it with `query::next_link_for` before following it).
pub fn parse_graph_page(body: &str) -> Result<(Vec<Incident>, Option<String>), ApiError> {
    let o = page(body)?;
    let next = raw_str(&o, "@odata.nextLink").filter(|s| !s.is_empty()).map(str::to_string);
    Ok((objects(&o, "value").filter_map(graph_incident).collect(), next))
}

/// Sorts newest first by last update, then creation time, then id (stable for equal keys).
pub fn sort_newest_first(v: &mut [Incident]) {
    v.sort_by(|a, b| {
        b.last_update_ts
            .cmp(&a.last_update_ts)
            .then(b.created_ts.cmp(&a.created_ts))
            .then_with(|| b.id.len().cmp(&a.id.len()).then_with(|| b.id.cmp(&a.id)))
    });
}

#[cfg(test)]
mod tests;
