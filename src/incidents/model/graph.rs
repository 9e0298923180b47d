//! Parsing a Graph `GET /security/incidents` page into the shared model.

use super::evidence::device;
use super::evidence::{GRAPH_DEVICE_FACTS, GRAPH_FACTS};
use super::{alert, cap, entity, incident, objects, page, raw_str, strings, sub, text};
use super::{Alert, AlertFields, Device, Entity, Incident};
use crate::incidents::source::safe_portal_url;
use crate::incidents::source::Source;
use crate::request::error::ApiError;
use serde_json::{Map, Value};

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
    let named = Entity {
        file_name: from_file("fileName"),
        file_path: from_file("filePath"),
        sha1: from_file("sha1"),
        sha256: from_file("sha256"),
        process_id: text(e, "processId"),
        process_command_line: text(e, "processCommandLine"),
        ip_address: text(e, "ipAddress"),
        url: text(e, "url").or_else(|| text(e, "domainName")),
        account_name: from_user("accountName").or_else(|| text(e, "displayName")),
        domain_name: from_user("domainName"),
        user_principal_name: from_user("userPrincipalName"),
        aad_user_id: from_user("azureAdUserId"),
        mailbox_address: text(e, "primaryAddress"),
        mailbox_display_name: text(e, "displayName"),
        sender: sub(e, "p1Sender").and_then(|s| text(s, "emailAddress")).or_else(|| text(e, "senderIp")),
        recipient: text(e, "recipientEmailAddress"),
        subject: text(e, "subject").or_else(|| text(e, "clusterByValue")),
        registry_key: text(e, "registryKey"),
        registry_value: text(e, "registryValue"),
        device_id: text(e, "mdeDeviceId"),
        ..Entity::default()
    };
    entity(e, evidence_type(e), GRAPH_FACTS, named)
}

const FIELDS: AlertFields = AlertFields {
    id: "id",
    created: "createdDateTime",
    resolved: "resolvedDateTime",
    first: "firstActivityDateTime",
    last: "lastActivityDateTime",
    actor: "actorDisplayName",
    entities: "evidence",
};

fn graph_alert(a: &Map<String, Value>) -> Alert {
    let mut devices = Vec::new();
    let mut entities = Vec::new();
    for e in objects(a, "evidence") {
        let is_device = raw_str(e, "@odata.type").is_some_and(|t| t.ends_with("deviceEvidence"));
        if is_device {
            let named = Device {
                device_id: text(e, "mdeDeviceId"),
                aad_device_id: text(e, "azureAdDeviceId"),
                device_dns_name: text(e, "deviceDnsName"),
                os_platform: text(e, "osPlatform"),
                health_status: text(e, "healthStatus"),
                risk_score: text(e, "riskScore"),
                first_seen: text(e, "firstSeenDateTime"),
                ..Device::default()
            };
            devices.push(device(e, GRAPH_DEVICE_FACTS, &["@odata.type", "deviceDnsName"], named));
        } else {
            entities.push(graph_evidence(e));
        }
    }
    alert(a, &FIELDS, devices, entities)
}

pub(super) fn graph_incident(o: &Map<String, Value>) -> Option<Incident> {
    let alerts = objects(o, "alerts").map(graph_alert).collect();
    // `customTags` and `systemTags` are documented on the incident; `tags` is read too, each tag shown once.
    let system_tags = strings(o, "systemTags");
    let mut custom_tags: Vec<String> = Vec::new();
    for t in strings(o, "customTags") {
        if !custom_tags.contains(&t) {
            custom_tags.push(t);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in ["customTags", "systemTags", "tags"].into_iter().flat_map(|k| strings(o, k)) {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    Some(Incident {
        tags,
        system_tags,
        custom_tags,
        web_url: raw_str(o, "incidentWebUrl").and_then(safe_portal_url),
        tenant_id: text(o, "tenantId"),
        description: text(o, "description"),
        ..incident(o, Source::Graph, alerts)?
    })
}

/// Parses a Graph `GET /security/incidents` page; returns the incidents and the raw `@odata.nextLink`
/// (check it with `query::next_link_for` before following it).
pub fn parse_graph_page(body: &str) -> Result<(Vec<Incident>, Option<String>), ApiError> {
    let o = page(body)?;
    let next = raw_str(&o, "@odata.nextLink").filter(|s| !s.is_empty()).map(str::to_string);
    Ok((objects(&o, "value").filter_map(graph_incident).collect(), next))
}
