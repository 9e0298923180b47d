//! One typed incident model for the Defender and Graph incidents APIs, parsed leniently from JSON.
//!
//! Every field is read on its own from a `serde_json::Value`: a null, a missing field or a wrong type
//! defaults that field only. Microsoft adds enum values without notice, so enums keep unknown values.

mod defender;
mod enums;
mod evidence;
mod graph;
mod labels;
mod read;

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
pub use labels::api_label;
pub use read::parse_one_incident;
// The shared readers, for the two shapes' parsers (`defender.rs`, `graph.rs`).
use read::{alert, entity, first_text, incident, objects, page, raw_str, strings, sub, text, AlertFields};

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
    /// Every documented field present, labelled, in display order (see `evidence.rs`): OS, health, antivirus,
    /// device group, risk, onboarding, ids.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// The fields no label names, as compact JSON (bounded), for the "raw" view.
    #[serde(default)]
    pub raw: Option<String>,
}

impl Device {
    /// The name the page calls it by: its DNS name, else its id.
    pub fn name(&self) -> Option<&str> {
        self.device_dns_name.as_deref().or(self.device_id.as_deref())
    }
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
#[cfg(test)]
mod tests;
