//! Parsing a Defender `GET /api/incidents` page into the shared model.

use super::evidence::device;
use super::evidence::{DEFENDER_DEVICE_FACTS, DEFENDER_FACTS};
use super::{alert, entity, first_text, incident, objects, page, strings, text};
use super::{Alert, AlertFields, Device, Entity, Incident};
use crate::incidents::source::Source;
use crate::request::error::ApiError;
use serde_json::{Map, Value};

fn defender_device(d: &Map<String, Value>) -> Device {
    let named = Device {
        device_id: first_text(d, &["mdatpDeviceId", "DeviceId", "deviceId"]),
        aad_device_id: text(d, "aadDeviceId"),
        device_dns_name: text(d, "deviceDnsName"),
        os_platform: text(d, "osPlatform"),
        health_status: text(d, "healthStatus"),
        risk_score: text(d, "riskScore"),
        first_seen: text(d, "firstSeen"),
        ..Device::default()
    };
    device(d, DEFENDER_DEVICE_FACTS, &["deviceDnsName", "deviceId"], named)
}

fn defender_entity(e: &Map<String, Value>) -> Entity {
    let named = Entity {
        file_name: text(e, "fileName"),
        file_path: text(e, "filePath"),
        sha1: text(e, "sha1"),
        sha256: text(e, "sha256"),
        process_id: text(e, "processId"),
        process_command_line: text(e, "processCommandLine"),
        ip_address: text(e, "ipAddress"),
        url: text(e, "url"),
        account_name: text(e, "accountName").or_else(|| text(e, "securityGroupName")),
        domain_name: text(e, "domainName"),
        user_principal_name: text(e, "userPrincipalName"),
        aad_user_id: text(e, "aadUserId"),
        mailbox_address: text(e, "mailboxAddress"),
        mailbox_display_name: text(e, "mailboxDisplayName"),
        sender: text(e, "sender"),
        recipient: text(e, "recipient"),
        subject: text(e, "subject").or_else(|| text(e, "clusterBy")),
        registry_key: text(e, "registryKey"),
        registry_value: text(e, "registryValue"),
        device_id: text(e, "deviceId"),
        ..Entity::default()
    };
    entity(e, text(e, "entityType"), DEFENDER_FACTS, named)
}

const FIELDS: AlertFields = AlertFields {
    id: "alertId",
    created: "creationTime",
    resolved: "resolvedTime",
    first: "firstActivity",
    last: "lastActivity",
    actor: "actorName",
    entities: "entities",
};

fn defender_alert(a: &Map<String, Value>) -> Alert {
    let devices = objects(a, "devices").map(defender_device).collect();
    alert(a, &FIELDS, devices, objects(a, "entities").map(defender_entity).collect())
}

pub(super) fn defender_incident(o: &Map<String, Value>) -> Option<Incident> {
    let alerts = objects(o, "alerts").map(defender_alert).collect();
    Some(Incident {
        tags: strings(o, "tags"),
        detection_source: text(o, "detectionSource"),
        ..incident(o, Source::Defender, alerts)?
    })
}

/// Parses a Defender `GET /api/incidents` page. Entries that are not objects or have no id are skipped.
pub fn parse_defender_page(body: &str) -> Result<Vec<Incident>, ApiError> {
    let o = page(body)?;
    Ok(objects(&o, "value").filter_map(defender_incident).collect())
}
