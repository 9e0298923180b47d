//! CSV and JSON export of the incidents a view shows.

use super::model::Incident;

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
    let mut out = String::from(
        "id,name,severity,status,assignedTo,classification,determination,createdTime,lastUpdateTime,alerts,tags\r\n",
    );
    for i in items {
        let cols = [
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
        out.push_str(&cols.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The JSON export: the normalised incidents as the page understood them.
pub fn to_json(items: &[Incident]) -> String {
    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            serde_json::json!({
                "id": i.id, "name": i.name, "severity": i.severity.label(), "status": i.status.label(),
                "assignedTo": i.assigned_to, "classification": i.classification.label(),
                "determination": i.determination.label(), "createdTime": i.created, "lastUpdateTime": i.last_update,
                "alertCount": i.alert_count, "tags": i.tags,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fixture::inc;
    use crate::api::model::{Severity, Status};

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
    }
}
