//! The Defender `/api/incidents` representation, with alerts, devices and entities derived from the seed.

use serde_json::{json, Map, Value};

use super::catalog::{AlertTemplate, Kind, ALERTS, PEOPLE, TAGS};
use super::endpoint::{device_json, evidence, pick_host};
use super::hostile::apply_hostile_json;
use super::vocab::INVESTIGATION_STATES;
use super::Incident;
use crate::clock::iso;
use crate::directory::USERS;
use crate::rng::Rng;

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map(|s| Value::String(s.clone())).unwrap_or(Value::Null)
}

/// The full Defender `/api/incidents` representation. Alerts, devices, entities, tags and seeded comments come
/// from the incident's seed and [`Origin`](super::Origin) alone, drawn in a fixed order, so an update (which
/// changes neither) changes only the fields it writes.
pub(crate) fn defender_json(inc: &Incident) -> Value {
    let mut r = Rng::new(inc.seed);
    let n_alerts = r.range(1, 4) as usize;
    let mut alerts = Vec::with_capacity(n_alerts);
    let mut t = inc.created;
    for k in 0..n_alerts {
        let drawn = r.pick(&ALERTS);
        let tmpl = match inc.origin.lead {
            Some(lead) if k == 0 => ALERTS.get(lead).unwrap_or(drawn),
            _ => drawn,
        };
        alerts.push(alert_json(&mut r, inc, tmpl, t, k));
        t += r.range(1_000, 3_600_000);
    }
    let detection_source = alerts.first().and_then(|a| a.get("detectionSource").cloned()).unwrap_or(Value::Null);
    let mut tags: Vec<Value> = (0..r.below(3)).map(|_| json!(r.pick(&TAGS))).collect();
    if let Some(set) = &inc.tags {
        tags = set.iter().map(|t| json!(t)).collect();
    }
    let mut comments: Vec<Value> = (0..r.below(3))
        .map(|k| {
            json!({
                "comment": *r.pick(&[
                    "Isolated the device, collecting investigation package.",
                    "User confirmed they did not sign in from this location.",
                    "Looks like the quarterly red team exercise.",
                    "Escalated to tier 2.",
                ]),
                "createdBy": r.pick(&USERS).upn,
                "createdTime": iso(inc.created + (k as i64 + 1) * 600_000),
            })
        })
        .collect();
    comments
        .extend(inc.comments.iter().map(|c| json!({"comment": c.text, "createdBy": c.by, "createdTime": iso(c.at)})));
    let mut v = json!({
        "incidentId": inc.id,
        "redirectIncidentId": inc.redirect_id,
        "incidentName": opt(&inc.name),
        "createdTime": iso(inc.created),
        "lastUpdateTime": iso(inc.last_update),
        "assignedTo": opt(&inc.assigned_to),
        "classification": opt(&inc.classification),
        "determination": opt(&inc.determination),
        "detectionSource": detection_source,
        "status": opt(&inc.status),
        "severity": opt(&inc.severity),
        "tags": tags,
        "comments": comments,
        "alerts": alerts,
    });
    if let Some(h) = inc.hostile {
        apply_hostile_json(&mut v, h);
    }
    v
}

fn alert_json(r: &mut Rng, inc: &Incident, tmpl: &AlertTemplate, t: i64, k: usize) -> Value {
    let prefix = match tmpl.kind {
        Kind::Endpoint => "da",
        Kind::Email => "fa",
        Kind::Identity => "aa",
        Kind::Cloud => "ca",
    };
    let alert_id = format!(
        "{prefix}{}_{}",
        637_000_000_000_000_000u64 + r.below(999_999_999_999_999),
        -(r.below(2_000_000_000) as i64)
    );
    let o = &inc.origin;
    // Every draw happens whatever the incident's state, so the stream (and all that follows) never shifts.
    let open_status = *r.pick(&["New", "InProgress", "Active", "New"]);
    let status = if o.resolved { "Resolved" } else { open_status };
    let host = pick_host(r, tmpl);
    let second = pick_host(r, tmpl);
    let two_devices = r.chance(0.5);
    let person = *r.pick(&PEOPLE);
    let upn = format!("{person}@sandbox.onbehalf.test");
    let mut devices = Vec::new();
    if matches!(tmpl.kind, Kind::Endpoint | Kind::Identity) {
        devices.push(device_json(host, inc.created));
        if two_devices && second != host {
            devices.push(device_json(second, inc.created));
        }
    }
    let device_id = devices.first().and_then(|d| d.get("mdatpDeviceId").cloned()).unwrap_or(Value::Null);
    let mut entities = entities_json(r, tmpl.kind, person, &upn);
    if tmpl.kind == Kind::Endpoint {
        let found = evidence(r, tmpl, host, person, t, &device_id);
        entities.splice(1..1, found);
    }
    let description = if devices.is_empty() {
        format!("{} was observed for {upn}. Review the user's recent activity and sign-ins.", tmpl.title)
    } else {
        format!("{} was observed on {host}. Review the process tree and the user's recent activity.", tmpl.title)
    };
    let resolved_text = |v: &Option<String>| if o.resolved { opt(v) } else { Value::Null };
    json!({
        "alertId": alert_id,
        "incidentId": inc.id,
        "serviceSource": tmpl.service,
        "creationTime": iso(t),
        "lastUpdatedTime": iso(t + 120_000),
        "resolvedTime": if o.resolved { Value::String(iso(o.resolved_at)) } else { Value::Null },
        "firstActivity": iso(t - 300_000),
        "lastActivity": iso(t - 60_000),
        "title": tmpl.title,
        "description": description,
        "category": tmpl.category,
        "status": status,
        "severity": o.severity.clone().unwrap_or_else(|| "Medium".into()),
        "investigationId": if tmpl.kind == Kind::Endpoint { json!(r.range(1, 99_999)) } else { Value::Null },
        "investigationState": INVESTIGATION_STATES[(inc.seed as usize + k) % INVESTIGATION_STATES.len()],
        "classification": resolved_text(&o.classification),
        "determination": resolved_text(&o.determination),
        "detectionSource": tmpl.detection,
        "detectorId": r.guid(),
        "assignedTo": if r.chance(0.3) { json!("Automation") } else { opt(&o.assigned_to) },
        "actorName": if r.chance(0.2) { json!(*r.pick(&["Storm-0501", "Midnight Blizzard", "Octo Tempest"])) } else { Value::Null },
        "threatFamilyName": tmpl.threat,
        "mitreTechniques": tmpl.techniques,
        "devices": devices,
        "entities": entities,
    })
}

const ENTITY_FIELDS: [&str; 31] = [
    "entityType",
    "sha1",
    "sha256",
    "fileName",
    "filePath",
    "processId",
    "processCommandLine",
    "processCreationTime",
    "parentProcessId",
    "parentProcessCreationTime",
    "ipAddress",
    "url",
    "accountName",
    "domainName",
    "userSid",
    "aadUserId",
    "userPrincipalName",
    "mailboxDisplayName",
    "mailboxAddress",
    "clusterBy",
    "sender",
    "recipient",
    "subject",
    "deliveryAction",
    "securityGroupId",
    "securityGroupName",
    "registryHive",
    "registryKey",
    "registryValueType",
    "registryValue",
    "deviceId",
];

pub(crate) fn entity(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for f in ENTITY_FIELDS {
        m.insert(f.to_string(), Value::Null);
    }
    for (k, v) in pairs {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

fn ip(r: &mut Rng) -> String {
    if r.chance(0.5) {
        format!("10.{}.{}.{}", r.below(255), r.below(255), r.range(1, 254))
    } else {
        format!("{}.{}.{}.{}", r.pick(&[20u8, 40, 52, 104, 185, 193]), r.below(255), r.below(255), r.range(1, 254))
    }
}

/// The user of an alert and the entities of its kind; an endpoint alert's process and file come from
/// [`evidence`], after the user.
fn entities_json(r: &mut Rng, kind: Kind, person: &str, upn: &str) -> Vec<Value> {
    let user = entity(&[
        ("entityType", json!("User")),
        ("accountName", json!(person)),
        ("domainName", json!("CORP")),
        ("userSid", json!(format!("S-1-5-21-1004336348-1177238915-682003330-{}", r.range(1000, 9999)))),
        ("aadUserId", json!(r.guid())),
        ("userPrincipalName", json!(upn)),
    ]);
    let mut out = vec![user];
    match kind {
        Kind::Endpoint => {
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            if r.chance(0.4) {
                out.push(entity(&[
                    ("entityType", json!("Url")),
                    ("url", json!(format!("http://{}.example/{}", r.hex(8), r.hex(6)))),
                ]));
            }
        }
        Kind::Email => {
            let subject = *r.pick(&[
                "Your invoice is overdue",
                "Action required: password expiry",
                "Shared document: Q3 bonus plan",
            ]);
            out.push(entity(&[
                ("entityType", json!("MailBox")),
                ("mailboxDisplayName", json!(person)),
                ("mailboxAddress", json!(upn)),
                ("userPrincipalName", json!(upn)),
            ]));
            out.push(entity(&[
                ("entityType", json!("MailMessage")),
                ("sender", json!(format!("billing@{}.example", r.hex(6)))),
                ("recipient", json!(upn)),
                ("subject", json!(subject)),
                ("deliveryAction", json!(*r.pick(&["Delivered", "Blocked", "Replaced"]))),
            ]));
            out.push(entity(&[
                ("entityType", json!("MailCluster")),
                ("clusterBy", json!("Subject;P2SenderDomain")),
                ("subject", json!(subject)),
            ]));
            out.push(entity(&[
                ("entityType", json!("Url")),
                ("url", json!(format!("https://login-{}.example/auth", r.hex(6)))),
            ]));
        }
        Kind::Identity => {
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            out.push(entity(&[
                ("entityType", json!("SecurityGroup")),
                ("securityGroupId", json!(r.guid())),
                ("securityGroupName", json!(*r.pick(&["Domain Admins", "Enterprise Admins", "Backup Operators"]))),
            ]));
        }
        Kind::Cloud => {
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            out.push(entity(&[
                ("entityType", json!("Url")),
                ("url", json!("https://contoso-my.sharepoint.com/personal")),
            ]));
        }
    }
    out
}
