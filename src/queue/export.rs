//! CSV and JSON export of the incidents a view shows.

use crate::incidents::model::Incident;
use crate::incidents::source::portal_link;

/// One CSV field: quoted when needed, and a leading formula character defused (also used by the hunting export).
pub(crate) fn csv_field(s: &str) -> String {
    // A leading = + - @ would make a spreadsheet run a formula from attacker-controlled text.
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The header and rows of the CSV export.
pub fn to_csv(items: &[Incident]) -> String {
    csv(items, None)
}

/// The JSON export: the normalised incidents as the page understood them.
pub fn to_json(items: &[Incident]) -> String {
    json(items, None)
}

/// What the export with evidence adds to each incident: its alerts, their entities and the portal link. Both
/// APIs return the alerts with the list (Defender inline, Graph with `$expand=alerts`), so this is what the page
/// loaded, not a new request.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    /// The signed-in tenant, for Defender-API portal links (see `source::portal_link`).
    pub tenant: Option<&'a str>,
}

/// The CSV export with three more columns: the portal link, the alerts ("title [severity, techniques]") and the
/// entities ("User: ada@…"), several values in one cell separated by " | ".
pub fn to_csv_with_evidence(items: &[Incident], ev: Evidence) -> String {
    csv(items, Some(ev))
}

/// The JSON export with each incident's portal link and its alerts with their entities and devices.
pub fn to_json_with_evidence(items: &[Incident], ev: Evidence) -> String {
    json(items, Some(ev))
}

fn csv(items: &[Incident], ev: Option<Evidence>) -> String {
    let mut out = String::from(
        "id,name,severity,status,assignedTo,classification,determination,createdTime,lastUpdateTime,alerts,tags",
    );
    if ev.is_some() {
        out.push_str(",portalLink,alertDetails,entities");
    }
    out.push_str("\r\n");
    for i in items {
        let mut cols = vec![
            i.id.clone(),
            i.name.clone(),
            i.severity.label().to_string(),
            i.status.label().to_string(),
            i.assigned_to.clone().unwrap_or_default(),
            i.classification.label().to_string(),
            i.determination.label().to_string(),
            i.created.clone().unwrap_or_default(),
            i.last_update.clone().unwrap_or_default(),
            i.alert_count.to_string(),
            i.tags.join(";"),
        ];
        if let Some(ev) = ev {
            cols.push(portal_link(i, ev.tenant).unwrap_or_default());
            let alerts: Vec<String> = i
                .alerts
                .iter()
                .map(|a| {
                    let mut facts = vec![a.severity.label().to_string()];
                    facts.extend(a.mitre_techniques.iter().cloned());
                    format!("{} [{}]", a.title, facts.join(", "))
                })
                .collect();
            cols.push(alerts.join(" | "));
            cols.push(entities(i).join(" | "));
        }
        out.push_str(&cols.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Each entity of the incident once, as its one-line summary.
fn entities(i: &Incident) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    i.alerts.iter().flat_map(|a| a.entities.iter().map(|e| e.summary())).filter(|s| seen.insert(s.clone())).collect()
}

fn alert_json(a: &crate::incidents::model::Alert) -> serde_json::Value {
    let devices: Vec<String> =
        a.devices.iter().filter_map(|d| d.device_dns_name.clone().or(d.device_id.clone())).collect();
    let entities: Vec<serde_json::Value> = a
        .entities
        .iter()
        .map(|e| {
            let facts: Vec<serde_json::Value> =
                e.facts.iter().map(|f| serde_json::json!({ "label": f.label, "value": f.value })).collect();
            serde_json::json!({ "type": e.entity_type, "summary": e.summary(), "facts": facts })
        })
        .collect();
    serde_json::json!({
        "id": a.id, "title": a.title, "severity": a.severity.label(), "status": a.status.label(),
        "serviceSource": a.service_source, "detectionSource": a.detection_source,
        "mitreTechniques": a.mitre_techniques, "firstActivity": a.first_activity,
        "lastActivity": a.last_activity, "threatFamily": a.threat_family, "actor": a.actor,
        "devices": devices, "entities": entities,
    })
}

fn json(items: &[Incident], ev: Option<Evidence>) -> String {
    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            let mut row = serde_json::json!({
                "id": i.id, "name": i.name, "severity": i.severity.label(), "status": i.status.label(),
                "assignedTo": i.assigned_to, "classification": i.classification.label(),
                "determination": i.determination.label(), "createdTime": i.created, "lastUpdateTime": i.last_update,
                "alertCount": i.alert_count, "tags": i.tags,
            });
            if let (Some(ev), Some(o)) = (ev, row.as_object_mut()) {
                o.insert("portalLink".into(), portal_link(i, ev.tenant).into());
                o.insert("alerts".into(), i.alerts.iter().map(alert_json).collect::<Vec<_>>().into());
            }
            row
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

/// "incidents-2026-11-27T1007Z.csv", "hunt-2026-11-27T1007Z.json": an export's name, `prefix` saying what it
/// holds and then the UTC minute it was made, so two exports never overwrite each other and the file says when
/// its data was read. Every export of the page (the queue's and the hunt's) is named here.
pub fn file_name(prefix: &str, ext: &str, now: i64) -> String {
    let t = crate::incidents::query::rfc3339(now);
    // 2026-11-27T10:07:00Z → 2026-11-27T1007Z
    let stamp: String = match (t.get(..11), t.get(11..13), t.get(14..16)) {
        (Some(day), Some(h), Some(m)) => format!("{day}{h}{m}Z"),
        _ => "undated".into(),
    };
    format!("{prefix}-{stamp}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::inc;
    use crate::incidents::model::{Severity, Status};

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut a = inc("1", Severity::High, Status::Active, 10);
        a.name = "=HYPERLINK(\"http://evil\",\"x\"), with comma".into();
        let csv = to_csv(&[a]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), with comma\",High,Active"), "{line}");
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&[inc("7", Severity::Low, Status::Active, 1)])).unwrap();
        assert_eq!(json[0]["id"], "7");
        assert_eq!(json[0]["severity"], "Low");
        assert!(json[0].get("alerts").is_none() && json[0].get("portalLink").is_none(), "the plain export stays plain");
    }

    #[test]
    fn export_names_carry_the_utc_minute() {
        // 2026-11-27T10:07:42Z
        assert_eq!(file_name("incidents", "csv", 1_795_774_062), "incidents-2026-11-27T1007Z.csv");
        assert_eq!(file_name("incidents", "json", 0), "incidents-1970-01-01T0000Z.json");
        assert_eq!(file_name("hunt", "json", 1_795_774_062), "hunt-2026-11-27T1007Z.json");
    }

    #[test]
    fn the_export_with_evidence_adds_alerts_entities_and_the_portal_link() {
        use crate::incidents::model::{Alert, Entity};
        let mut a = inc("42", Severity::High, Status::Active, 10);
        let user = Entity {
            entity_type: Some("User".into()),
            user_principal_name: Some("ada.analyst@contoso.com".into()),
            ..Default::default()
        };
        a.alerts = vec![
            Alert {
                id: "da1".into(),
                title: "Suspicious, PowerShell".into(),
                severity: Severity::High,
                mitre_techniques: vec!["T1059.001".into()],
                entities: vec![user.clone()],
                ..Default::default()
            },
            Alert {
                id: "da2".into(),
                title: "Second".into(),
                severity: Severity::Low,
                entities: vec![user],
                ..Default::default()
            },
        ];
        let ev = Evidence { tenant: Some("t-1") };
        let csv = to_csv_with_evidence(std::slice::from_ref(&a), ev);
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().ends_with(",tags,portalLink,alertDetails,entities"));
        let row = lines.next().unwrap();
        assert!(
            row.ends_with(
                ",https://security.microsoft.com/incidents/42?tid=t-1,\"Suspicious, PowerShell [High, T1059.001] | Second [Low]\",User: ada.analyst@contoso.com"
            ),
            "{row}"
        );
        let json: serde_json::Value = serde_json::from_str(&to_json_with_evidence(&[a], ev)).unwrap();
        assert_eq!(json[0]["portalLink"], "https://security.microsoft.com/incidents/42?tid=t-1");
        assert_eq!(json[0]["alerts"][0]["mitreTechniques"][0], "T1059.001");
        assert_eq!(json[0]["alerts"][1]["entities"][0]["summary"], "User: ada.analyst@contoso.com");
    }
}
