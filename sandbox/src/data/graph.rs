//! The Graph `microsoft.graph.security.incident` / `alert` shapes, converted from the Defender one.

use serde_json::{json, Value};

use super::vocab::{camel, graph_classification, graph_determination, graph_severity, graph_status};
use super::{defender_json, Incident};
use crate::directory::TENANT_ID;

fn map_str(v: Option<&Value>, f: fn(&str) -> String) -> Value {
    match v {
        Some(Value::String(s)) => Value::String(f(s)),
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

fn graph_service_source(s: &str) -> String {
    match s {
        "MicrosoftDefenderATP" => "microsoftDefenderForEndpoint".into(),
        "MicrosoftCloudAppSecurity" => "microsoftDefenderForCloudApps".into(),
        "OfficeATP" => "microsoftDefenderForOffice365".into(),
        other => camel(other),
    }
}

fn graph_detection_source(s: &str) -> String {
    match s {
        "WindowsDefenderAv" => "antivirus".into(),
        "EDR" => "microsoftDefenderForEndpoint".into(),
        "CustomerTI" => "customTi".into(),
        "MCAS" => "cloudAppSecurity".into(),
        "OfficeATP" => "microsoftDefenderForOffice365".into(),
        "AzureATP" => "microsoftDefenderForIdentity".into(),
        other => camel(other),
    }
}

/// Incident portal link, as Graph returns it.
pub(crate) fn incident_web_url(id: &Value) -> String {
    let id = match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("https://security.microsoft.com/incidents/{id}?tid={TENANT_ID}")
}

const DEFENDER_INCIDENT_FIELDS: [&str; 14] = [
    "incidentId",
    "redirectIncidentId",
    "incidentName",
    "createdTime",
    "lastUpdateTime",
    "assignedTo",
    "classification",
    "determination",
    "detectionSource",
    "status",
    "severity",
    "tags",
    "comments",
    "alerts",
];

/// A Defender incident comment (`comment`, `createdBy`, `createdTime`) as a Graph `alertComment`
/// (`comment`, `createdByDisplayName`, `createdDateTime`).
fn graph_comment(c: &Value) -> Value {
    let g = |k: &str| c.get(k).cloned().unwrap_or(Value::Null);
    json!({"comment": g("comment"), "createdByDisplayName": g("createdBy"), "createdDateTime": g("createdTime")})
}

/// The Graph `microsoft.graph.security.incident` of an incident (with its alerts when `expand_alerts`).
pub(crate) fn graph_incident(inc: &Incident, expand_alerts: bool) -> Value {
    graph_json(&defender_json(inc), expand_alerts)
}

/// Converts a Defender-shaped incident to the Graph `microsoft.graph.security.incident`
/// shape; unknown fields are carried over as they are.
fn graph_json(d: &Value, expand_alerts: bool) -> Value {
    let g = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
    let id = match d.get("incidentId") {
        Some(Value::Number(n)) => Value::String(n.to_string()),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let comments = match d.get("comments") {
        Some(Value::Array(cs)) => Value::Array(cs.iter().map(graph_comment).collect()),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let first_title = d
        .get("alerts")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| a.get("description"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut out = json!({
        "id": id,
        "tenantId": TENANT_ID,
        "status": map_str(d.get("status"), graph_status),
        "incidentWebUrl": incident_web_url(&id),
        "redirectIncidentId": match d.get("redirectIncidentId") { Some(Value::Number(n)) => Value::String(n.to_string()), Some(o) => o.clone(), None => Value::Null },
        "displayName": g("incidentName"),
        "description": first_title,
        "createdDateTime": g("createdTime"),
        "lastUpdateDateTime": g("lastUpdateTime"),
        "assignedTo": g("assignedTo"),
        "classification": map_str(d.get("classification"), graph_classification),
        "determination": map_str(d.get("determination"), graph_determination),
        "severity": map_str(d.get("severity"), graph_severity),
        "customTags": g("tags"),
        "systemTags": if d.get("alerts").and_then(Value::as_array).is_some_and(|a| a.len() > 1) { json!(["Multi-stage"]) } else { json!([]) },
        "comments": comments,
        "lastModifiedBy": "API-App:sandbox",
    });
    if let (Some(o), Some(src)) = (out.as_object_mut(), d.as_object()) {
        for (k, v) in src {
            if !DEFENDER_INCIDENT_FIELDS.contains(&k.as_str()) {
                o.insert(k.clone(), v.clone());
            }
        }
        if expand_alerts {
            let alerts = match d.get("alerts") {
                Some(Value::Array(a)) => Value::Array(a.iter().map(|x| graph_alert(x, &id)).collect()),
                Some(other) => other.clone(),
                None => Value::Null,
            };
            o.insert("alerts".into(), alerts);
        }
    }
    out
}

fn graph_alert(a: &Value, incident_id: &Value) -> Value {
    let g = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
    let alert_id = g("alertId");
    let mut evidence: Vec<Value> = Vec::new();
    for d in a.get("devices").and_then(Value::as_array).into_iter().flatten() {
        evidence.push(json!({
            "@odata.type": "#microsoft.graph.security.deviceEvidence",
            "createdDateTime": g("creationTime"),
            "verdict": "suspicious",
            "remediationStatus": "none",
            "roles": [],
            "tags": [],
            "mdeDeviceId": d.get("mdatpDeviceId").cloned().unwrap_or(Value::Null),
            "azureAdDeviceId": d.get("aadDeviceId").cloned().unwrap_or(Value::Null),
            "deviceDnsName": d.get("deviceDnsName").cloned().unwrap_or(Value::Null),
            "osPlatform": d.get("osPlatform").cloned().unwrap_or(Value::Null),
            "version": d.get("version").cloned().unwrap_or(Value::Null),
            "osBuild": d.get("osBuild").cloned().unwrap_or(Value::Null),
            "healthStatus": map_str(d.get("healthStatus"), camel),
            "defenderAvStatus": map_str(d.get("defenderAvStatus"), camel),
            "onboardingStatus": map_str(d.get("onboardingStatus"), camel),
            "vmMetadata": Value::Null,
            "riskScore": map_str(d.get("riskScore"), camel),
            "rbacGroupId": d.get("rbacGroupId").cloned().unwrap_or(Value::Null),
            "rbacGroupName": d.get("rbacGroupName").cloned().unwrap_or(Value::Null),
            "firstSeenDateTime": d.get("firstSeen").cloned().unwrap_or(Value::Null),
        }));
    }
    for e in a.get("entities").and_then(Value::as_array).into_iter().flatten() {
        let f = |k: &str| e.get(k).cloned().unwrap_or(Value::Null);
        let common = json!({"createdDateTime": g("creationTime"), "verdict": "suspicious", "remediationStatus": "none", "roles": [], "tags": []});
        let mut ev = match e.get("entityType").and_then(Value::as_str) {
            Some("User") => json!({"@odata.type": "#microsoft.graph.security.userEvidence", "userAccount": {
                "accountName": f("accountName"), "domainName": f("domainName"), "userSid": f("userSid"),
                "azureAdUserId": f("aadUserId"), "userPrincipalName": f("userPrincipalName"), "displayName": f("accountName")}}),
            Some("Ip") => json!({"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": f("ipAddress")}),
            Some("Url") => json!({"@odata.type": "#microsoft.graph.security.urlEvidence", "url": f("url")}),
            Some("File") => {
                json!({"@odata.type": "#microsoft.graph.security.fileEvidence", "detectionStatus": "detected",
                "fileDetails": {"fileName": f("fileName"), "filePath": f("filePath"), "sha1": f("sha1"), "sha256": f("sha256")},
                "mdeDeviceId": f("deviceId")})
            }
            Some("Process") => {
                json!({"@odata.type": "#microsoft.graph.security.processEvidence", "processId": f("processId"),
                "processCommandLine": f("processCommandLine"), "processCreationDateTime": f("processCreationTime"),
                "parentProcessId": f("parentProcessId"), "parentProcessCreationDateTime": f("parentProcessCreationTime"),
                // Graph documents the parent's image file (the Defender entity has only its id and start time).
                "parentProcessImageFile": {"fileName": "explorer.exe", "filePath": "C:\\Windows"},
                "imageFile": {"fileName": f("fileName"), "filePath": f("filePath"), "sha1": f("sha1"), "sha256": f("sha256")},
                "mdeDeviceId": f("deviceId")})
            }
            Some("MailBox") => {
                json!({"@odata.type": "#microsoft.graph.security.mailboxEvidence", "displayName": f("mailboxDisplayName"),
                "primaryAddress": f("mailboxAddress"), "userAccount": {"userPrincipalName": f("userPrincipalName")}})
            }
            Some("MailMessage") => json!({"@odata.type": "#microsoft.graph.security.analyzedMessageEvidence",
                "senderIp": Value::Null, "p1Sender": {"emailAddress": f("sender")}, "recipientEmailAddress": f("recipient"),
                "subject": f("subject"), "deliveryAction": map_str(e.get("deliveryAction"), camel)}),
            Some("MailCluster") => {
                json!({"@odata.type": "#microsoft.graph.security.mailClusterEvidence", "clusterBy": f("clusterBy"), "query": f("subject")})
            }
            Some("Registry") => {
                json!({"@odata.type": "#microsoft.graph.security.registryValueEvidence", "registryHive": f("registryHive"),
                "registryKey": f("registryKey"), "registryValueType": f("registryValueType"), "registryValue": f("registryValue"), "mdeDeviceId": f("deviceId")})
            }
            Some("SecurityGroup") => {
                json!({"@odata.type": "#microsoft.graph.security.securityGroupEvidence", "securityGroupId": f("securityGroupId"), "displayName": f("securityGroupName")})
            }
            _ => json!({"@odata.type": "#microsoft.graph.security.alertEvidence"}),
        };
        if let (Some(o), Some(c)) = (ev.as_object_mut(), common.as_object()) {
            for (k, v) in c {
                o.insert(k.clone(), v.clone());
            }
        }
        evidence.push(ev);
    }
    // Defender for Cloud Apps alerts name the cloud application (Graph cloudApplicationEvidence; the Defender
    // list API documents no such entity type, so only this shape carries it).
    if a.get("serviceSource").and_then(Value::as_str) == Some("MicrosoftCloudAppSecurity") {
        let (app_id, name) = match a.get("category").and_then(Value::as_str) {
            Some("Exfiltration") => (20892, "Microsoft SharePoint Online"),
            _ => (20893, "Microsoft Exchange Online"),
        };
        evidence.push(json!({"@odata.type": "#microsoft.graph.security.cloudApplicationEvidence",
            "createdDateTime": g("creationTime"), "verdict": "suspicious", "remediationStatus": "none", "roles": [],
            "tags": [], "appId": app_id, "displayName": name, "instanceId": 0, "instanceName": name, "saasAppId": app_id}));
    }
    let alert_id_str = match &alert_id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    json!({
        "id": alert_id,
        "providerAlertId": alert_id_str.get(2..).unwrap_or(""),
        "incidentId": incident_id,
        "status": map_str(a.get("status"), camel),
        "severity": map_str(a.get("severity"), graph_severity),
        "classification": map_str(a.get("classification"), graph_classification),
        "determination": map_str(a.get("determination"), graph_determination),
        "serviceSource": map_str(a.get("serviceSource"), graph_service_source),
        "detectionSource": map_str(a.get("detectionSource"), graph_detection_source),
        "detectorId": g("detectorId"),
        "tenantId": TENANT_ID,
        "title": g("title"),
        "description": g("description"),
        "recommendedActions": "Isolate the device, reset the user's credentials and review related activity.",
        "category": g("category"),
        "assignedTo": g("assignedTo"),
        "alertWebUrl": format!("https://security.microsoft.com/alerts/{alert_id_str}?tid={TENANT_ID}"),
        "incidentWebUrl": incident_web_url(incident_id),
        "actorDisplayName": g("actorName"),
        "threatDisplayName": g("threatFamilyName"),
        "threatFamilyName": g("threatFamilyName"),
        "mitreTechniques": g("mitreTechniques"),
        "createdDateTime": g("creationTime"),
        "lastUpdateDateTime": g("lastUpdatedTime"),
        "resolvedDateTime": g("resolvedTime"),
        "firstActivityDateTime": g("firstActivity"),
        "lastActivityDateTime": g("lastActivity"),
        "comments": [],
        "evidence": evidence,
        "systemTags": [],
    })
}
