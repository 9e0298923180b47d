//! The Defender `/api/incidents` representation, with alerts, devices and entities derived from the seed.

use serde_json::{json, Map, Value};

use super::catalog::{AlertTemplate, Kind, ALERTS, HOSTS, PEOPLE, TAGS};
use super::hostile::apply_hostile_json;
use super::vocab::INVESTIGATION_STATES;
use super::Incident;
use crate::clock::iso;
use crate::directory::USERS;
use crate::rng::Rng;

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map(|s| Value::String(s.clone())).unwrap_or(Value::Null)
}

/// The full Defender `/api/incidents` representation.
pub(crate) fn defender_json(inc: &Incident) -> Value {
    let mut r = Rng::new(inc.seed);
    let n_alerts = r.range(1, 4) as usize;
    let mut alerts = Vec::with_capacity(n_alerts);
    let mut t = inc.created;
    for k in 0..n_alerts {
        let tmpl = r.pick(&ALERTS);
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
    let resolved = inc.status.as_deref() == Some("Resolved");
    let status = if resolved { "Resolved" } else { *r.pick(&["New", "InProgress", "Active", "New"]) };
    let host = *r.pick(&HOSTS);
    let person = *r.pick(&PEOPLE);
    let mut devices = Vec::new();
    if matches!(tmpl.kind, Kind::Endpoint | Kind::Identity) {
        for d in 0..r.range(1, 2) {
            let name = if d == 0 { host } else { *r.pick(&HOSTS) };
            devices.push(device_json(r, name, t));
        }
    }
    let entities = entities_json(r, tmpl.kind, host, person, t, devices.first());
    json!({
        "alertId": alert_id,
        "incidentId": inc.id,
        "serviceSource": tmpl.service,
        "creationTime": iso(t),
        "lastUpdatedTime": iso(t + 120_000),
        "resolvedTime": if resolved { Value::String(iso(inc.last_update)) } else { Value::Null },
        "firstActivity": iso(t - 300_000),
        "lastActivity": iso(t - 60_000),
        "title": tmpl.title,
        "description": format!("{} was observed on {host}. Review the process tree and the user's recent activity.", tmpl.title),
        "category": tmpl.category,
        "status": status,
        "severity": inc.severity.clone().unwrap_or_else(|| "Medium".into()),
        "investigationId": if tmpl.kind == Kind::Endpoint { json!(r.range(1, 99_999)) } else { Value::Null },
        "investigationState": INVESTIGATION_STATES[(inc.seed as usize + k) % INVESTIGATION_STATES.len()],
        "classification": if resolved { opt(&inc.classification) } else { Value::Null },
        "determination": if resolved { opt(&inc.determination) } else { Value::Null },
        "detectionSource": tmpl.detection,
        "detectorId": r.guid(),
        "assignedTo": if r.chance(0.3) { json!("Automation") } else { opt(&inc.assigned_to) },
        "actorName": if r.chance(0.2) { json!(*r.pick(&["Storm-0501", "Midnight Blizzard", "Octo Tempest"])) } else { Value::Null },
        "threatFamilyName": if tmpl.category == "Malware" || tmpl.category == "Impact" { json!(*r.pick(&["Mimikatz", "LockBit", "Qakbot"])) } else { Value::Null },
        "mitreTechniques": tmpl.techniques,
        "devices": devices,
        "entities": entities,
    })
}

fn device_json(r: &mut Rng, host: &str, t: i64) -> Value {
    let (platform, version, build) = match host {
        h if h.starts_with("srv") => ("WindowsServer2019", "1809", 17763),
        h if h.starts_with("mac") => ("macOS", "14.4", 0),
        h if h.starts_with("lnx") => ("Linux", "Ubuntu 22.04", 0),
        _ => *r.pick(&[("Windows10", "22H2", 19045), ("Windows11", "23H2", 22631)]),
    };
    json!({
        "mdatpDeviceId": r.hex(40),
        "aadDeviceId": if r.chance(0.7) { json!(r.guid()) } else { Value::Null },
        "deviceDnsName": format!("{host}.corp.sandbox.onbehalf.test"),
        "osPlatform": platform,
        "version": version,
        "osProcessor": "x64",
        "osBuild": if build == 0 { Value::Null } else { json!(build) },
        "healthStatus": *r.pick(&["Active", "Active", "Inactive", "ImpairedCommunication", "NoSensorData"]),
        "riskScore": *r.pick(&["None", "Low", "Medium", "High"]),
        "rbacGroupName": *r.pick(&["Workstations", "Servers", "Finance"]),
        "rbacGroupId": r.range(1, 40),
        "firstSeen": iso(t - r.range(30, 900) * 86_400_000),
        "tags": [],
        "defenderAvStatus": *r.pick(&["Updated", "NotUpdated", "Disabled"]),
        "onboardingStatus": "Onboarded",
        "loggedOnUsers": [],
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

fn entities_json(r: &mut Rng, kind: Kind, host: &str, person: &str, t: i64, device: Option<&Value>) -> Vec<Value> {
    let upn = format!("{person}@sandbox.onbehalf.test");
    let device_id = device.and_then(|d| d.get("mdatpDeviceId").cloned()).unwrap_or(Value::Null);
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
            let file = *r.pick(&["invoice_2024.exe", "update.ps1", "svch0st.exe", "mimikatz.exe", "payload.dll"]);
            let pid = r.range(1000, 30000);
            out.push(entity(&[
                ("entityType", json!("Process")),
                ("processId", json!(pid)),
                ("processCommandLine", json!(*r.pick(&[
                    "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
                    "rundll32.exe C:\\Users\\Public\\payload.dll,DllRegisterServer",
                    "cmd.exe /c vssadmin delete shadows /all /quiet",
                    "\"C:\\Windows\\System32\\rundll32.exe\" C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\lsass.dmp full",
                ]))),
                ("processCreationTime", json!(iso(t - 200_000))),
                ("parentProcessId", json!(pid - r.range(1, 900))),
                ("parentProcessCreationTime", json!(iso(t - 900_000))),
                ("fileName", json!("powershell.exe")),
                ("filePath", json!("C:\\Windows\\System32\\WindowsPowerShell\\v1.0")),
                ("sha1", json!(r.hex(40))),
                ("sha256", json!(r.hex(64))),
                ("deviceId", device_id.clone()),
            ]));
            out.push(entity(&[
                ("entityType", json!("File")),
                ("fileName", json!(file)),
                ("filePath", json!(format!("C:\\Users\\{person}\\Downloads"))),
                ("sha1", json!(r.hex(40))),
                ("sha256", json!(r.hex(64))),
                ("deviceId", device_id.clone()),
            ]));
            if r.chance(0.5) {
                out.push(entity(&[
                    ("entityType", json!("Registry")),
                    ("registryHive", json!("HKEY_CURRENT_USER")),
                    ("registryKey", json!("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run")),
                    ("registryValueType", json!("String")),
                    ("registryValue", json!(format!("C:\\Users\\{person}\\AppData\\Roaming\\{file}"))),
                    ("deviceId", device_id.clone()),
                ]));
            }
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
    let _ = host;
    out
}
